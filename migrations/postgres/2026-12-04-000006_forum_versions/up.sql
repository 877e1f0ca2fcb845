-- A thread's and a post's version: bumped by every change of what their answers show
-- (a thread's counters and opening post included), so that ETags and If-Match need no
-- rendering.
ALTER TABLE threads ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE posts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
