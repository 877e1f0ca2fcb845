ALTER TABLE communities DROP COLUMN version;
