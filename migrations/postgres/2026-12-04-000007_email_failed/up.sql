-- An email the mail server refused for good (a 5xx answer, or a recipient it can never
-- take) is not retried: it is marked failed, with the server's answer in last_error.
ALTER TABLE email_outbox ADD COLUMN failed_at TIMESTAMP NULL;
DROP INDEX email_outbox_due;
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
