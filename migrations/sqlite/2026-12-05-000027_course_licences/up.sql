-- Issue 14, item 1: a course's licence becomes an SPDX id from the known list
-- (types::Licence), as the library's resources have. Existing free-text values are read
-- case-insensitively with spaces and underscores as `-` and mapped:
--   CC BY / CC BY 4.0 / CC-BY-4.0 International      -> CC-BY-4.0
--   CC BY-SA (no version or 4.0)                      -> CC-BY-SA-4.0
--   CC BY-NC, CC BY-NC-SA (no version or 4.0)         -> CC-BY-NC-4.0, CC-BY-NC-SA-4.0
--   any CC BY-ND / CC BY-NC-ND                        -> CC-BY-ND-4.0 / CC-BY-NC-ND-4.0
--   CC BY 3.0 IGO, CC BY-NC-SA 3.0 IGO                -> the IGO ids
--   CC0, CC zero, public domain                       -> CC0-1.0
--   GFDL / GNU FDL, OGL / Open Government Licence     -> GFDL-1.3-or-later, OGL-UK-3.0
--   empty or blank                                    -> NULL (no licence stated)
--   anything else, including other versions (CC BY 3.0 unported, CC BY-SA 2.0) and
--   "all rights reserved"                             -> LicenseRef-All-Rights-Reserved
-- Anything not recognised becomes "all rights reserved": the mapping never grants more
-- reuse than the owner did (an owner sets the right id with PATCH). A changed row gets a
-- new version, so cached answers are not reused.
UPDATE courses
SET licence = CASE
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) = ''
            THEN NULL
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-BY-NC-ND%'
            THEN 'CC-BY-NC-ND-4.0'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-BY-NC-SA%IGO%'
            THEN 'CC-BY-NC-SA-3.0-IGO'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) = 'CC-BY-NC-SA' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-BY-NC-SA-4%'
            THEN 'CC-BY-NC-SA-4.0'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) = 'CC-BY-NC' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-BY-NC-4%'
            THEN 'CC-BY-NC-4.0'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-BY-ND%'
            THEN 'CC-BY-ND-4.0'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) = 'CC-BY-SA' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-BY-SA-4%'
            THEN 'CC-BY-SA-4.0'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-BY-3%IGO%' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) = 'CC-BY-IGO'
            THEN 'CC-BY-3.0-IGO'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) = 'CC-BY' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-BY-4%'
            THEN 'CC-BY-4.0'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC0%' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-0%' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'CC-ZERO%' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) = 'PUBLIC-DOMAIN'
            THEN 'CC0-1.0'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'GFDL%' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'GNU-FDL%' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'GNU-FREE-DOCUMENTATION%'
            THEN 'GFDL-1.3-or-later'
        WHEN UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'OGL%' OR UPPER(REPLACE(REPLACE(REPLACE(TRIM(licence), ' ', '-'), '_', '-'), '--', '-')) LIKE 'OPEN-GOVERNMENT-LICEN%'
            THEN 'OGL-UK-3.0'
        ELSE 'LicenseRef-All-Rights-Reserved'
    END,
    version = version + 1
WHERE licence IS NOT NULL
  AND licence <> 'CC-BY-4.0' AND licence <> 'CC-BY-SA-4.0' AND licence <> 'CC-BY-NC-4.0'
  AND licence <> 'CC-BY-NC-SA-4.0' AND licence <> 'CC-BY-ND-4.0' AND licence <> 'CC-BY-NC-ND-4.0'
  AND licence <> 'CC-BY-3.0-IGO' AND licence <> 'CC-BY-NC-SA-3.0-IGO' AND licence <> 'CC0-1.0'
  AND licence <> 'GFDL-1.3-or-later' AND licence <> 'OGL-UK-3.0'
  AND licence <> 'LicenseRef-All-Rights-Reserved';
