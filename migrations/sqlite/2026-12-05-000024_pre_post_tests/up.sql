-- Issue 13, item 4: pre- and post-tests. A pair of quiz lessons of one course (over the
-- same pool, or two parallel forms), for the course's learners or, with `cohort_id`, for
-- one cohort's participants. Scores come from the quizzes' attempts; nothing is copied.
CREATE TABLE pre_post_tests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
    pre_lesson_id BIGINT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    post_lesson_id BIGINT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (pre_lesson_id <> post_lesson_id)
);
CREATE INDEX pre_post_tests_course ON pre_post_tests (course_id, id);
CREATE INDEX pre_post_tests_cohort ON pre_post_tests (cohort_id);
-- Attempts of a quiz, submitted, by learner: what the results read.
CREATE INDEX quiz_attempts_quiz ON quiz_attempts (quiz_id, user_id, number);
