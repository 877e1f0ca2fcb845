DROP TABLE cohort_courses;
DROP TABLE cohort_facilitators;
DROP TABLE cohort_translations;
DROP TABLE cohorts;
