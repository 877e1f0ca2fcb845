-- Issue 13, item 2: a quiz is a lesson of kind quiz or an activity of a cohort. A cohort's
-- quiz has a title and draws on the bank of one of the cohort's courses; exactly one of
-- lesson_id and cohort_id is set.
ALTER TABLE quizzes ALTER COLUMN lesson_id DROP NOT NULL;
ALTER TABLE quizzes ADD COLUMN cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE;
ALTER TABLE quizzes ADD COLUMN title TEXT;
ALTER TABLE quizzes ADD CONSTRAINT quizzes_owner_check
    CHECK ((lesson_id IS NULL) <> (cohort_id IS NULL));
ALTER TABLE quizzes ADD CONSTRAINT quizzes_title_check
    CHECK (cohort_id IS NULL OR title IS NOT NULL);
CREATE INDEX quizzes_cohort ON quizzes (cohort_id) WHERE cohort_id IS NOT NULL;
