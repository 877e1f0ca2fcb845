-- The transactional outbox: a row is written in the same transaction as the change that
-- causes the email, and a background worker delivers it with retries.
CREATE TABLE email_outbox (
    id BIGSERIAL PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- The template's name, for operators; the rendered parts above are what is sent.
    template TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- Delivery attempts started, counted when an email is claimed.
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- While in the future, one worker holds the email; an expired lease (a crashed worker)
    -- makes it claimable again.
    locked_until TIMESTAMP,
    sent_at TIMESTAMP,
    last_error TEXT
);
-- The worker's claim: unsent emails in order of their next attempt.
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at, id) WHERE sent_at IS NULL;
