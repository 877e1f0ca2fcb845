-- The posts' `search_vector` as migration 000006 made it, computed again for every post.
ALTER TABLE posts ADD COLUMN search_vector tsvector;

UPDATE posts p SET search_vector =
    setweight(to_tsvector('simple', CASE WHEN p.is_first THEN t.title ELSE '' END), 'A')
    || setweight(to_tsvector('simple', p.body), 'B')
FROM threads t WHERE t.id = p.thread_id;

CREATE FUNCTION posts_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('simple', CASE WHEN NEW.is_first
            THEN coalesce((SELECT title FROM threads WHERE id = NEW.thread_id), '') ELSE '' END), 'A')
        || setweight(to_tsvector('simple', NEW.body), 'B');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER posts_search BEFORE INSERT OR UPDATE OF body ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_vector();

CREATE FUNCTION threads_search_title() RETURNS trigger AS $$
BEGIN
    -- Touching the body recomputes the opening post's vector with the new title.
    UPDATE posts SET body = body WHERE id = NEW.first_post_id;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER threads_search_title AFTER UPDATE OF title ON threads
    FOR EACH ROW EXECUTE FUNCTION threads_search_title();

CREATE INDEX posts_search ON posts USING GIN (search_vector);
