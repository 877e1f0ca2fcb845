-- Webhooks: HTTPS endpoints that coordinators and admins register for the main events.
CREATE TABLE webhook_subscriptions (
    id BIGSERIAL PRIMARY KEY,
    -- The coordinator or admin who registered it; deliveries stop when they no longer are one.
    owner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT,
    -- The signing secret (`whsec_` + base64 of 32 random bytes). Kept in clear: signing
    -- needs it; it is shown to the owner once, when created or rotated.
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_id, id);

-- The events a subscription wants, one row each, so that an event finds its subscribers
-- with one indexed join.
CREATE TABLE webhook_subscription_events (
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    PRIMARY KEY (event, subscription_id)
);
CREATE INDEX webhook_subscription_events_subscription ON webhook_subscription_events (subscription_id);

-- The webhook outbox: one row per event and subscriber, written in the transaction of the
-- change that causes it; the outbox worker delivers it with retries, as it does emails.
CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    -- `webhook-id`: the same on every attempt, so that receivers can drop duplicates.
    message_id TEXT NOT NULL,
    -- The JSON body, as signed and sent.
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    delivered_at TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    -- Refused for good (or the subscription went away): not retried.
    failed_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);
