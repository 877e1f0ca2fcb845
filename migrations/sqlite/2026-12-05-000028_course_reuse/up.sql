-- Issue 14, items 6-8: courses that other regions adapt, export and import.
--
-- A course made from another (an adaptation on this installation, or an import of a
-- package from another) keeps where it came from: the original's id when it is here
-- (adapted_from, NULL once it is gone or for an import) and a copy of its attribution as it
-- was when copied (title in its default language, authors, licence), so that it stays
-- visible whatever happens to the original.
CREATE TABLE course_attributions (
    course_id BIGINT PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    adapted_from BIGINT REFERENCES courses (id) ON DELETE SET NULL,
    -- 'adaptation' or 'import'.
    origin TEXT NOT NULL CHECK (origin IN ('adaptation', 'import')),
    title TEXT NOT NULL,
    language TEXT NOT NULL,
    authors TEXT NOT NULL,
    licence TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX course_attributions_adapted_from ON course_attributions (adapted_from, course_id);

-- Library resources a lesson points to, in order.
CREATE TABLE lesson_resources (
    lesson_id BIGINT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (lesson_id, resource_id)
);
CREATE INDEX lesson_resources_resource ON lesson_resources (resource_id);
