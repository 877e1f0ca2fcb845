DROP INDEX email_outbox_due;
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at, id) WHERE sent_at IS NULL;
ALTER TABLE email_outbox DROP COLUMN failed_at;
