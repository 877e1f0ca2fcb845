ALTER TABLE surveys DROP COLUMN response_count;
