ALTER TABLE organisations DROP COLUMN sector_code;
