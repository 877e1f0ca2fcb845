DROP INDEX users_version;
DROP INDEX nominations_cohort_version;
