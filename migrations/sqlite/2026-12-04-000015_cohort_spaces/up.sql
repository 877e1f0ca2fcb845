-- Each cohort's private space (issue 11, item 7): a community of the communities domain
-- whose members follow the cohort's facilitators (moderators) and accepted participants.
-- Created with the cohort; cohorts older than this column get theirs when the server
-- starts (or on the first change that needs it).
ALTER TABLE cohorts ADD COLUMN community_id BIGINT REFERENCES communities (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX cohorts_community ON cohorts (community_id);
