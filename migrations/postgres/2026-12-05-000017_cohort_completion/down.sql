DROP TABLE trainer_certifications;
DROP TABLE cohort_completion_rules;
DROP TABLE assignment_submissions;
DROP TABLE assignments;
DELETE FROM certificates WHERE cohort_id IS NOT NULL;
ALTER TABLE certificates DROP CONSTRAINT certificates_one_subject;
ALTER TABLE certificates DROP CONSTRAINT certificates_cohort_unique;
ALTER TABLE certificates DROP COLUMN cohort_id;
ALTER TABLE certificates ALTER COLUMN course_id SET NOT NULL;
