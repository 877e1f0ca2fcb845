-- Live sessions of cohorts, their materials, check-in codes, attendance, calendar feeds
-- and the claims of reminder emails.

-- A live session: start and end in UTC, its meeting and recording addresses, the
-- languages it is held and interpreted in, and its audience: the cohort's participants,
-- or (a leader briefing) the leaders of the organisations its call invites.
CREATE TABLE cohort_sessions (
    id BIGSERIAL PRIMARY KEY,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('participants', 'leaders')),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    meeting_url TEXT,
    delivery_language TEXT NOT NULL,
    -- Comma-separated language tags.
    interpretation_languages TEXT NOT NULL DEFAULT '',
    recording_url TEXT,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (ends_at > starts_at)
);
CREATE INDEX cohort_sessions_cohort ON cohort_sessions (cohort_id, starts_at, id);
CREATE INDEX cohort_sessions_starts ON cohort_sessions (starts_at);

-- Lessons of the cohort's courses a session works with, in order.
CREATE TABLE session_materials (
    session_id BIGINT NOT NULL REFERENCES cohort_sessions (id) ON DELETE CASCADE,
    lesson_id BIGINT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (session_id, lesson_id)
);

-- The short code participants check in with, while it has not expired (one per session;
-- rotating replaces it).
CREATE TABLE session_check_in_codes (
    session_id BIGINT PRIMARY KEY REFERENCES cohort_sessions (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);

-- Who attended a session: first join, last leave (none: until the end), minutes attended
-- within the session, and where the record came from.
CREATE TABLE session_attendance (
    session_id BIGINT NOT NULL REFERENCES cohort_sessions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at TIMESTAMP NOT NULL,
    left_at TIMESTAMP,
    minutes INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('check_in', 'facilitator', 'import')),
    recorded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_attendance_user ON session_attendance (user_id);

-- Secret calendar feeds: one per account (cohort_id NULL) and per account and cohort.
-- Only a hash of the token is kept; revoking deletes the row.
CREATE TABLE calendar_feeds (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_user ON calendar_feeds (user_id) WHERE cohort_id IS NULL;
CREATE UNIQUE INDEX calendar_feeds_user_cohort ON calendar_feeds (user_id, cohort_id)
    WHERE cohort_id IS NOT NULL;

-- Each reminder (kind `24h` or `1h`) of a session to a person is claimed here once, in the
-- transaction that puts its email in the outbox: however many instances run, one sends it.
CREATE TABLE session_reminders (
    session_id BIGINT NOT NULL REFERENCES cohort_sessions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('24h', '1h')),
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, user_id, kind)
);
