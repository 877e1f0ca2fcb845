-- Issue 13, item 2: a quiz is a lesson of kind quiz or an activity of a cohort. A cohort's
-- quiz has a title and draws on the bank of one of the cohort's courses; exactly one of
-- lesson_id and cohort_id is set. SQLite cannot drop a NOT NULL: the table is rebuilt with
-- its rows (foreign keys off, so that quiz_items and quiz_attempts keep theirs).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE quizzes_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson_id BIGINT UNIQUE REFERENCES lessons (id) ON DELETE CASCADE,
    cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
    title TEXT,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    attempts_allowed INTEGER,
    time_limit_seconds INTEGER,
    grace_seconds INTEGER NOT NULL DEFAULT 0,
    late_policy TEXT NOT NULL CHECK (late_policy IN ('refuse', 'mark_late')),
    pass_mark INTEGER NOT NULL CHECK (pass_mark BETWEEN 0 AND 100),
    shuffle_questions BOOLEAN NOT NULL,
    shuffle_choices BOOLEAN NOT NULL,
    show_feedback TEXT NOT NULL CHECK (show_feedback IN ('after_submit', 'after_close', 'never')),
    show_answers TEXT NOT NULL CHECK (show_answers IN ('after_submit', 'after_close', 'never')),
    closes_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK ((lesson_id IS NULL) <> (cohort_id IS NULL)),
    CHECK (cohort_id IS NULL OR title IS NOT NULL)
);
INSERT INTO quizzes_new (id, lesson_id, course_id, attempts_allowed, time_limit_seconds,
    grace_seconds, late_policy, pass_mark, shuffle_questions, shuffle_choices, show_feedback,
    show_answers, closes_at, created_at, updated_at, version)
SELECT id, lesson_id, course_id, attempts_allowed, time_limit_seconds, grace_seconds,
    late_policy, pass_mark, shuffle_questions, shuffle_choices, show_feedback, show_answers,
    closes_at, created_at, updated_at, version FROM quizzes;
DROP TABLE quizzes;
ALTER TABLE quizzes_new RENAME TO quizzes;
CREATE INDEX quizzes_cohort ON quizzes (cohort_id) WHERE cohort_id IS NOT NULL;
COMMIT;
PRAGMA foreign_keys = ON;
