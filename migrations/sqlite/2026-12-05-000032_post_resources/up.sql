-- Issue 14, item 6: a forum post embeds library resources (at most five, in order). A
-- resource lists the posts and lessons that use it through the index on resource_id.
CREATE TABLE post_resources (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (post_id, resource_id)
);
CREATE INDEX post_resources_resource ON post_resources (resource_id, post_id);

-- Lessons that use a resource, in id order, without reading the table.
DROP INDEX lesson_resources_resource;
CREATE INDEX lesson_resources_resource ON lesson_resources (resource_id, lesson_id);
