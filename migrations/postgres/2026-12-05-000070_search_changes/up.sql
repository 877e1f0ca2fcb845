-- Post search's change log (src/search/index.rs): every change to what the search index
-- holds. Each server instance keeps an index of its own and applies the rows after the last
-- one it applied, so that several instances converge on the database, the truth. Written by
-- triggers, in the transaction of the write, so that no write path (forums, moderation,
-- communities, the seed, a thread or community deleted with its posts) can forget it. Only
-- the post id is logged: applying a row reads the post's current state. Sequence numbers are
-- taken before commit, so a reader may see a later number before an earlier one commits:
-- the reader keeps such gaps open for a while (src/search/index.rs).
CREATE TABLE search_changes (
    seq BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL
);

CREATE FUNCTION posts_search_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_changes (post_id) VALUES (OLD.id);
        RETURN OLD;
    END IF;
    INSERT INTO search_changes (post_id) VALUES (NEW.id);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER posts_search_change_insert AFTER INSERT OR DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_change();

CREATE TRIGGER posts_search_change_update
    AFTER UPDATE OF body, hidden_at, deleted_at, thread_id, community_id, is_first ON posts
    FOR EACH ROW
    WHEN (NEW.body IS DISTINCT FROM OLD.body OR NEW.hidden_at IS DISTINCT FROM OLD.hidden_at
        OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at
        OR NEW.thread_id IS DISTINCT FROM OLD.thread_id
        OR NEW.community_id IS DISTINCT FROM OLD.community_id
        OR NEW.is_first IS DISTINCT FROM OLD.is_first)
    EXECUTE FUNCTION posts_search_change();

-- The title is indexed with the opening post only; a deleted thread takes all its posts.
CREATE FUNCTION threads_search_change() RETURNS trigger AS $$
BEGIN
    IF NEW.deleted_at IS DISTINCT FROM OLD.deleted_at THEN
        INSERT INTO search_changes (post_id) SELECT id FROM posts WHERE thread_id = NEW.id;
    ELSIF NEW.title IS DISTINCT FROM OLD.title THEN
        INSERT INTO search_changes (post_id)
        SELECT id FROM posts WHERE thread_id = NEW.id AND is_first;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER threads_search_change AFTER UPDATE OF title, deleted_at ON threads
    FOR EACH ROW EXECUTE FUNCTION threads_search_change();
