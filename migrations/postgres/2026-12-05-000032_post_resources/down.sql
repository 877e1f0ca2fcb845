DROP INDEX lesson_resources_resource;
CREATE INDEX lesson_resources_resource ON lesson_resources (resource_id);
DROP TABLE post_resources;
