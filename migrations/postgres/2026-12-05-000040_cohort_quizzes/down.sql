DELETE FROM quizzes WHERE lesson_id IS NULL;
DROP INDEX quizzes_cohort;
ALTER TABLE quizzes DROP CONSTRAINT quizzes_title_check;
ALTER TABLE quizzes DROP CONSTRAINT quizzes_owner_check;
ALTER TABLE quizzes DROP COLUMN title;
ALTER TABLE quizzes DROP COLUMN cohort_id;
ALTER TABLE quizzes ALTER COLUMN lesson_id SET NOT NULL;
