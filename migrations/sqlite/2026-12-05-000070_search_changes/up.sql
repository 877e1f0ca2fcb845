-- Post search's change log (src/search/index.rs): every change to what the search index
-- holds, in commit order (SQLite has one writer at a time). Each server instance keeps an
-- index of its own and applies the rows after the last one it applied, so that several
-- instances converge on the database, the truth. Written by triggers, in the transaction of
-- the write, so that no write path (forums, moderation, communities, the seed, a thread or
-- community deleted with its posts) can forget it. Only the post id is logged: applying a
-- row reads the post's current state.
CREATE TABLE search_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BIGINT NOT NULL
);

CREATE TRIGGER posts_search_change_insert AFTER INSERT ON posts BEGIN
    INSERT INTO search_changes (post_id) VALUES (new.id);
END;

CREATE TRIGGER posts_search_change_update
AFTER UPDATE OF body, hidden_at, deleted_at, thread_id, community_id, is_first ON posts
WHEN new.body IS NOT old.body OR new.hidden_at IS NOT old.hidden_at
    OR new.deleted_at IS NOT old.deleted_at OR new.thread_id IS NOT old.thread_id
    OR new.community_id IS NOT old.community_id OR new.is_first IS NOT old.is_first
BEGIN
    INSERT INTO search_changes (post_id) VALUES (new.id);
END;

CREATE TRIGGER posts_search_change_delete AFTER DELETE ON posts BEGIN
    INSERT INTO search_changes (post_id) VALUES (old.id);
END;

-- The title is indexed with the opening post only; a deleted thread takes all its posts.
CREATE TRIGGER threads_search_change_title AFTER UPDATE OF title ON threads
WHEN new.title IS NOT old.title
BEGIN
    INSERT INTO search_changes (post_id)
    SELECT id FROM posts WHERE thread_id = new.id AND is_first;
END;

CREATE TRIGGER threads_search_change_deleted AFTER UPDATE OF deleted_at ON threads
WHEN new.deleted_at IS NOT old.deleted_at
BEGIN
    INSERT INTO search_changes (post_id) SELECT id FROM posts WHERE thread_id = new.id;
END;
