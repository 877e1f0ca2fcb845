ALTER TABLE needs_rounds DROP COLUMN needs_version;
