-- Issue 12: a live session's title in more languages. The session's own `title` is in its
-- cohort's default language; each row here is its title in another language, answered to
-- readers who prefer it (the course texts' fallback).
CREATE TABLE session_translations (
    session_id BIGINT NOT NULL REFERENCES cohort_sessions (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (session_id, language)
);
