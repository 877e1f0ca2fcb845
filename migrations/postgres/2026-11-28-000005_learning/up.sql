-- Enrolment, progress and certificates.
CREATE TABLE enrolments (
    id BIGSERIAL PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    -- Set when the member unenrols: a tombstone for offline apps.
    deleted_at TIMESTAMP,
    UNIQUE (course_id, user_id)
);
CREATE INDEX enrolments_user ON enrolments (user_id, updated_at);

CREATE TABLE lesson_completions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id BIGINT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    completed_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, lesson_id)
);
CREATE INDEX lesson_completions_course ON lesson_completions (user_id, course_id);

CREATE TABLE certificates (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    holder_name TEXT NOT NULL,
    course_title TEXT NOT NULL,
    language TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    UNIQUE (user_id, course_id)
);
