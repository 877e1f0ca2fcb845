-- Issue 17, item 5: community posts across languages.

-- The language a post is written in (BCP 47, one of the platform's languages): chosen by
-- its author or detected from its text. Posts written before this are taken as English.
ALTER TABLE posts ADD COLUMN language TEXT NOT NULL DEFAULT 'en';

-- A post's translation into one language: one per post and language, written by a member
-- or a machine-translation service. It records the text it translated (a SHA-256 digest of
-- the post's Markdown and when that text was written), so an edit of the post outdates it.
CREATE TABLE post_translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    -- `member` or `machine`.
    origin TEXT NOT NULL,
    -- The member who wrote it (none for a machine's).
    translator_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    source_digest TEXT NOT NULL,
    source_version BIGINT NOT NULL,
    source_written_at TIMESTAMP NOT NULL,
    hidden_at TIMESTAMP,
    hidden_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (post_id, language)
);

-- Members asking for a post in their language: one per member, post and language.
CREATE TABLE post_translation_requests (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    requester_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    -- When the requester was told a translation was published.
    notified_at TIMESTAMP,
    PRIMARY KEY (post_id, language, requester_id)
);
CREATE INDEX post_translation_requests_requester ON post_translation_requests (requester_id);

-- The machine-translation outbox and its delivery log: one job per post and language
-- asked for, delivered by the outbox worker with leases, retries and backoff.
CREATE TABLE machine_translation_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    source_language TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    done_at TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    failed_at TIMESTAMP
);
CREATE INDEX machine_translation_jobs_due ON machine_translation_jobs (next_attempt_at, id)
    WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX machine_translation_jobs_post ON machine_translation_jobs (post_id, language);
