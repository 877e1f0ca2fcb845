-- A member's role in their union (educator, shop steward, ...), separate from whether
-- they lead the organisation on Bayanihan; and the languages members speak, with a CEFR
-- level, for participant profiles.
ALTER TABLE memberships ADD COLUMN union_role TEXT NOT NULL DEFAULT 'member'
    CHECK (union_role IN ('educator', 'organiser', 'shop_steward', 'youth_officer', 'women_officer', 'officer', 'member'));

CREATE TABLE user_languages (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    PRIMARY KEY (user_id, language)
);
