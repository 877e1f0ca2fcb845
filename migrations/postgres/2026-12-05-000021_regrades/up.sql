-- Issue 13: regrading, audited. An attempt's question keeps the version it was shown
-- (texts, layout); `key_version_id`, once a regrade sets it, is the version whose key and
-- points score it (NULL: the shown version's).
ALTER TABLE quiz_attempt_items
    ADD COLUMN key_version_id BIGINT REFERENCES question_versions (id) ON DELETE CASCADE;

-- Assessment's audit trail of regrades: who (NULL: the command line, or an account since
-- removed), why, against which version, and what it changed.
CREATE TABLE question_regrades (
    id BIGSERIAL PRIMARY KEY,
    question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    via TEXT NOT NULL CHECK (via IN ('api', 'command_line')),
    reason TEXT NOT NULL,
    items_rekeyed INTEGER NOT NULL,
    attempts_rescored INTEGER NOT NULL,
    scores_changed INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX question_regrades_question ON question_regrades (question_id, id);

-- Each submitted attempt a regrade rescored: its score and pass before and after.
CREATE TABLE question_regrade_attempts (
    regrade_id BIGINT NOT NULL REFERENCES question_regrades (id) ON DELETE CASCADE,
    attempt_id BIGINT NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    old_score DOUBLE PRECISION NOT NULL,
    new_score DOUBLE PRECISION NOT NULL,
    old_max_score DOUBLE PRECISION NOT NULL,
    new_max_score DOUBLE PRECISION NOT NULL,
    old_passed BOOLEAN NOT NULL,
    new_passed BOOLEAN NOT NULL,
    PRIMARY KEY (regrade_id, attempt_id)
);
