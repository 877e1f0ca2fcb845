DROP TRIGGER threads_search_change_deleted;
DROP TRIGGER threads_search_change_title;
DROP TRIGGER posts_search_change_delete;
DROP TRIGGER posts_search_change_update;
DROP TRIGGER posts_search_change_insert;
DROP TABLE search_changes;
