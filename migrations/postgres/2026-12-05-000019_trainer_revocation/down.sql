ALTER TABLE trainer_certifications DROP COLUMN revoked_at;
