ALTER TABLE memberships DROP COLUMN version;
ALTER TABLE organisations DROP COLUMN version;
