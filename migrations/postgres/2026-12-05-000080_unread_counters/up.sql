-- Unread counts from counters (issue 18): a reader's unread posts in a thread are read from
-- one row each, not counted over the posts after their last read (src/forums/counts.rs).
--
-- posts.seq: the post's place in its thread (1, 2, …; tombstones and hidden posts keep
-- theirs), fixed when it is written.
-- threads.post_count: posts ever written in the thread (the last seq);
-- threads.live_count: posts not deleted; threads.visible_count: not deleted, not hidden.
-- thread_reads.read_live / read_visible: of those, how many are at or before the reader's
-- last read post, now (hiding, restoring or deleting a post at or before a reader's mark
-- moves their counts in the same transaction).
ALTER TABLE posts ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE threads ADD COLUMN post_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE threads ADD COLUMN live_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE threads ADD COLUMN visible_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE thread_reads ADD COLUMN read_live BIGINT NOT NULL DEFAULT 0;
ALTER TABLE thread_reads ADD COLUMN read_visible BIGINT NOT NULL DEFAULT 0;

-- The posts' places and running counts, in one pass over the posts.
CREATE TEMP TABLE post_places AS
SELECT id,
       row_number() OVER w AS seq,
       sum(CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END) OVER w AS live,
       sum(CASE WHEN deleted_at IS NULL AND hidden_at IS NULL THEN 1 ELSE 0 END) OVER w AS visible
FROM posts
WINDOW w AS (PARTITION BY thread_id ORDER BY id ROWS UNBOUNDED PRECEDING);
CREATE UNIQUE INDEX post_places_id ON post_places (id);

UPDATE posts SET seq = p.seq FROM post_places p WHERE p.id = posts.id;

UPDATE threads SET post_count = c.n, live_count = c.live, visible_count = c.visible
FROM (SELECT thread_id,
             count(*) AS n,
             sum(CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END) AS live,
             sum(CASE WHEN deleted_at IS NULL AND hidden_at IS NULL THEN 1 ELSE 0 END) AS visible
      FROM posts GROUP BY thread_id) AS c
WHERE c.thread_id = threads.id;

UPDATE thread_reads SET read_live = p.live, read_visible = p.visible
FROM post_places p WHERE p.id = thread_reads.last_read_post_id;

DROP TABLE post_places;

-- A post hidden, restored or deleted moves the counts of the readers at or past it.
CREATE INDEX thread_reads_mark ON thread_reads (thread_id, last_read_post_id);
-- A mark's counts: the posts after it that are deleted or hidden (few), not all of them.
CREATE INDEX posts_unseen ON posts (thread_id, id, deleted_at, hidden_at)
    WHERE deleted_at IS NOT NULL OR hidden_at IS NOT NULL;
-- A reader's own hidden posts, which they still see.
CREATE INDEX posts_own_hidden ON posts (author_id, thread_id, id)
    WHERE hidden_at IS NOT NULL AND deleted_at IS NULL;
