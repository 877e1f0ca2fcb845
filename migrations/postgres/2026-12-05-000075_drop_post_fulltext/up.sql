-- Posts are searched through the Tantivy index (src/search/index.rs, fed by
-- `search_changes`): the posts' `search_vector`, its GIN index and the triggers that kept
-- it (on posts, and on threads for the title) are no longer read, and every post write
-- paid for them. The library's `resource_translations.search_vector` stays.
DROP TRIGGER threads_search_title ON threads;
DROP FUNCTION threads_search_title();
DROP TRIGGER posts_search ON posts;
DROP FUNCTION posts_search_vector();
DROP INDEX posts_search;
ALTER TABLE posts DROP COLUMN search_vector;
