-- The server instances that apply post search's change log (`search_changes`), each with
-- the last change its index holds on disk (`position`) and when it last said so. A change
-- is pruned only when every instance heard from lately is past it; an instance silent for
-- longer is forgotten, and its index, if it comes back behind the log, is rebuilt
-- (src/search/changes.rs).
CREATE TABLE search_instances (
    instance TEXT PRIMARY KEY NOT NULL,
    position BIGINT NOT NULL,
    seen_at TIMESTAMP NOT NULL
);
