-- The FTS5 table of posts as migration 000006 made it, filled again from the posts.
CREATE VIRTUAL TABLE post_search USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO post_search (rowid, title, body)
SELECT p.id, CASE WHEN p.is_first THEN t.title ELSE '' END, p.body
FROM posts p JOIN threads t ON t.id = p.thread_id;

CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_search (rowid, title, body)
    VALUES (new.id,
            CASE WHEN new.is_first THEN (SELECT title FROM threads WHERE id = new.thread_id) ELSE '' END,
            new.body);
END;
CREATE TRIGGER posts_search_update AFTER UPDATE OF body ON posts BEGIN
    UPDATE post_search SET body = new.body WHERE rowid = new.id;
END;
CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN
    DELETE FROM post_search WHERE rowid = old.id;
END;
CREATE TRIGGER threads_search_title AFTER UPDATE OF title ON threads BEGIN
    UPDATE post_search SET title = new.title WHERE rowid = new.first_post_id;
END;
