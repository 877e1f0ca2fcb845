DROP INDEX posts_own_hidden;
DROP INDEX posts_unseen;
DROP INDEX thread_reads_mark;
ALTER TABLE thread_reads DROP COLUMN read_visible;
ALTER TABLE thread_reads DROP COLUMN read_live;
ALTER TABLE threads DROP COLUMN visible_count;
ALTER TABLE threads DROP COLUMN live_count;
ALTER TABLE threads DROP COLUMN post_count;
ALTER TABLE posts DROP COLUMN seq;
