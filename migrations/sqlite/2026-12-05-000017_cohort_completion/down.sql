DROP TABLE trainer_certifications;
DROP TABLE cohort_completion_rules;
DROP TABLE assignment_submissions;
DROP TABLE assignments;
CREATE TABLE certificates_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    holder_name TEXT NOT NULL,
    course_title TEXT NOT NULL,
    language TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (user_id, course_id)
);
INSERT INTO certificates_old (id, code, user_id, course_id, holder_name, course_title,
    language, issued_at, revoked_at, revoked_reason, version)
SELECT id, code, user_id, course_id, holder_name, course_title, language, issued_at,
    revoked_at, revoked_reason, version FROM certificates WHERE course_id IS NOT NULL;
DROP TABLE certificates;
ALTER TABLE certificates_old RENAME TO certificates;
