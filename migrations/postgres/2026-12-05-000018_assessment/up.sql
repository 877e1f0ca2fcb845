-- Issue 13, items 1-3: question banks, quizzes (a lesson kind) and attempts.

ALTER TABLE lessons DROP CONSTRAINT lessons_kind_check;
ALTER TABLE lessons ADD CONSTRAINT lessons_kind_check
    CHECK (kind IN ('text', 'video', 'link', 'file', 'quiz'));

-- A course's question bank, edited by its owners. The answer key (JSON, never sent to
-- learners) and the texts of the default language live here and in
-- question_translations; every change writes a new row in question_versions, the
-- snapshot attempts are scored against, so editing never changes past scores.
CREATE TABLE questions (
    id BIGSERIAL PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('single_choice', 'multiple_choice', 'true_false',
        'short_text', 'numeric', 'ordering', 'matching')),
    default_language TEXT NOT NULL,
    -- Tags between commas (',rights,history,'), so that one tag is matched with LIKE.
    tags TEXT NOT NULL DEFAULT '',
    difficulty INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 5),
    points INTEGER NOT NULL CHECK (points BETWEEN 1 AND 100),
    answer_key TEXT NOT NULL,
    choice_count INTEGER NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX questions_course ON questions (course_id, id);

-- A question's texts in one language: stem, feedback, and its choices' texts (JSON list,
-- in the author's order; a matching pair's right side in `match`).
CREATE TABLE question_translations (
    id BIGSERIAL PRIMARY KEY,
    question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    stem TEXT NOT NULL,
    feedback TEXT NOT NULL DEFAULT '',
    choices TEXT NOT NULL DEFAULT '[]',
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (question_id, language)
);

-- What a question was at each version: kind, points, key and every language's texts (JSON).
CREATE TABLE question_versions (
    id BIGSERIAL PRIMARY KEY,
    question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (question_id, version)
);

-- A quiz lesson's settings. Time limits in seconds; `late_policy` says what becomes of
-- answers after the limit and the grace period; `pass_mark` in percent of the points.
CREATE TABLE quizzes (
    id BIGSERIAL PRIMARY KEY,
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

-- A quiz's questions in order: a fixed question, or `draw_count` drawn from those tagged `tag`.
CREATE TABLE quiz_items (
    id BIGSERIAL PRIMARY KEY,
    quiz_id BIGINT NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question_id BIGINT REFERENCES questions (id) ON DELETE CASCADE,
    tag TEXT,
    draw_count INTEGER,
    UNIQUE (quiz_id, position),
    CHECK ((question_id IS NULL) <> (tag IS NULL AND draw_count IS NULL))
);

-- One learner's attempt at a quiz. `score`, `max_score` and `passed` are written once, by
-- the submit that scores it.
CREATE TABLE quiz_attempts (
    id BIGSERIAL PRIMARY KEY,
    quiz_id BIGINT NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    seed BIGINT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    deadline_at TIMESTAMP,
    submitted_at TIMESTAMP,
    late BOOLEAN NOT NULL DEFAULT FALSE,
    score DOUBLE PRECISION,
    max_score DOUBLE PRECISION,
    passed BOOLEAN,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (quiz_id, user_id, number)
);
CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, quiz_id);

-- The questions of an attempt, at the version handed out, with the order its choices were
-- shown in (JSON), the learner's answer (JSON, in shown positions) and, once scored, the
-- points earned.
CREATE TABLE quiz_attempt_items (
    id BIGSERIAL PRIMARY KEY,
    attempt_id BIGINT NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    question_version_id BIGINT NOT NULL REFERENCES question_versions (id) ON DELETE CASCADE,
    layout TEXT NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP,
    late BOOLEAN NOT NULL DEFAULT FALSE,
    points DOUBLE PRECISION,
    UNIQUE (attempt_id, position),
    UNIQUE (attempt_id, question_id)
);
