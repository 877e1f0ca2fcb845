-- A round's needs version: bumped in the transaction of every change to its needs, so the
-- round's totals are counted again only when they can have changed (needs::service::totals).
ALTER TABLE needs_rounds ADD COLUMN needs_version BIGINT NOT NULL DEFAULT 0;
