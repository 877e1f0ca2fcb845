DROP TABLE programme_courses;
DROP TABLE programme_cohorts;
DROP TABLE programmes;
