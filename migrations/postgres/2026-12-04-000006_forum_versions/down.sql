ALTER TABLE posts DROP COLUMN version;
ALTER TABLE threads DROP COLUMN version;
