-- A community's version: bumped by every change of its own fields (not by its counters),
-- so that its ETag and If-Match need no rendering of the community.
ALTER TABLE communities ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
