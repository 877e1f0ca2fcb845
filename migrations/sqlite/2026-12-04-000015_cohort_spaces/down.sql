DROP INDEX cohorts_community;
ALTER TABLE cohorts DROP COLUMN community_id;
