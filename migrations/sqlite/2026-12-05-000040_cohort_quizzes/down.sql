PRAGMA foreign_keys = OFF;
BEGIN;
DELETE FROM quizzes WHERE lesson_id IS NULL;
CREATE TABLE quizzes_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson_id BIGINT NOT NULL UNIQUE REFERENCES lessons (id) ON DELETE CASCADE,
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
    version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO quizzes_old (id, lesson_id, course_id, attempts_allowed, time_limit_seconds,
    grace_seconds, late_policy, pass_mark, shuffle_questions, shuffle_choices, show_feedback,
    show_answers, closes_at, created_at, updated_at, version)
SELECT id, lesson_id, course_id, attempts_allowed, time_limit_seconds, grace_seconds,
    late_policy, pass_mark, shuffle_questions, shuffle_choices, show_feedback, show_answers,
    closes_at, created_at, updated_at, version FROM quizzes;
DROP TABLE quizzes;
ALTER TABLE quizzes_old RENAME TO quizzes;
COMMIT;
PRAGMA foreign_keys = ON;
