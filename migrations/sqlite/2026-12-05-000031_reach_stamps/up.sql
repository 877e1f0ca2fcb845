-- The reach of a ToT (GET /api/v1/cohorts/{id}/reach) keeps its counts while what they were
-- made from is unchanged: the versions of the tree's nominations, read from this index
-- alone, and of every account (each change of either bumps a version; neither is deleted).
CREATE INDEX nominations_cohort_version ON nominations (cohort_id, version);
CREATE INDEX users_version ON users (version);
