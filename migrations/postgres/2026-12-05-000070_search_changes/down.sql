DROP TRIGGER threads_search_change ON threads;
DROP FUNCTION threads_search_change();
DROP TRIGGER posts_search_change_update ON posts;
DROP TRIGGER posts_search_change_insert ON posts;
DROP FUNCTION posts_search_change();
DROP TABLE search_changes;
