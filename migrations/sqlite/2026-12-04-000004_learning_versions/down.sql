ALTER TABLE certificates DROP COLUMN version;
ALTER TABLE enrolments DROP COLUMN version;
