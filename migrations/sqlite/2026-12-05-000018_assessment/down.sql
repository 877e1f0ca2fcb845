PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE quiz_attempt_items;
DROP TABLE quiz_attempts;
DROP TABLE quiz_items;
DROP TABLE quizzes;
DROP TABLE question_versions;
DROP TABLE question_translations;
DROP TABLE questions;
DELETE FROM lessons WHERE kind = 'quiz';
CREATE TABLE lessons_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    module_id BIGINT NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'video', 'link', 'file')),
    required BOOLEAN NOT NULL DEFAULT TRUE,
    duration_minutes INTEGER,
    url TEXT,
    size_bytes BIGINT,
    media_type TEXT,
    -- Comma-separated language tags of a video's captions.
    caption_languages TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO lessons_old SELECT id, module_id, course_id, position, kind, required,
    duration_minutes, url, size_bytes, media_type, caption_languages, created_at, updated_at,
    deleted_at, version FROM lessons;
DROP TABLE lessons;
ALTER TABLE lessons_old RENAME TO lessons;
CREATE INDEX lessons_module ON lessons (module_id, position);
CREATE INDEX lessons_course ON lessons (course_id, updated_at);
COMMIT;
PRAGMA foreign_keys = ON;
