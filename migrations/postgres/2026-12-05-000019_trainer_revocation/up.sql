-- Issue 12: revoking the certificate of a `tot` cohort revokes the e-trainer certification
-- it made (kept, with when, for the record; the role it granted is given back).
ALTER TABLE trainer_certifications ADD COLUMN revoked_at TIMESTAMP;
