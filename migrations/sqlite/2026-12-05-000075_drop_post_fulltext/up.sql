-- Posts are searched through the Tantivy index (src/search/index.rs, fed by
-- `search_changes`): the FTS5 table of posts and the triggers that kept it are no longer
-- read, and every post write paid for them. The library's `resource_search` stays.
DROP TRIGGER posts_search_insert;
DROP TRIGGER posts_search_update;
DROP TRIGGER posts_search_delete;
DROP TRIGGER threads_search_title;
DROP TABLE post_search;
