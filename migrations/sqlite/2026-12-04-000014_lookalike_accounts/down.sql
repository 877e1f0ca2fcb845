ALTER TABLE users DROP COLUMN lookalike;
