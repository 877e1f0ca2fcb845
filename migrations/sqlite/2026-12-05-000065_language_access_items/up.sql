-- Issue 17, items 1 to 4 beyond courses: library resources, surveys and quiz questions
-- have source versions, translators' drafts and (resources) learners' requests too. Their
-- texts belong to no course (a resource, a cohort's survey), so `course_id` becomes
-- optional in `translation_sources` and `translation_drafts`, and a request names a
-- course or a resource. No table references these three: they are rebuilt in place (SQLite
-- cannot drop a NOT NULL), foreign keys stay on.

CREATE TABLE translation_sources_new (
    item_kind TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    -- The course of a course's, module's, lesson's, question's or course survey's text.
    course_id BIGINT REFERENCES courses (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_kind, item_id)
);
INSERT INTO translation_sources_new (item_kind, item_id, course_id, version, changed_at)
SELECT item_kind, item_id, course_id, version, changed_at FROM translation_sources;
DROP TABLE translation_sources;
ALTER TABLE translation_sources_new RENAME TO translation_sources;
CREATE INDEX translation_sources_course ON translation_sources (course_id);

CREATE TABLE translation_drafts_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_kind TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    course_id BIGINT REFERENCES courses (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    description TEXT NOT NULL,
    content TEXT NOT NULL,
    source_version BIGINT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    reviewed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO translation_drafts_new (id, item_kind, item_id, course_id, language, title, summary,
    description, content, source_version, author_id, status, reviewed_by, reviewed_at, created_at)
SELECT id, item_kind, item_id, course_id, language, title, summary, description, content,
    source_version, author_id, status, reviewed_by, reviewed_at, created_at
FROM translation_drafts;
DROP TABLE translation_drafts;
ALTER TABLE translation_drafts_new RENAME TO translation_drafts;
CREATE INDEX translation_drafts_item ON translation_drafts (item_kind, item_id, language, status);
CREATE INDEX translation_drafts_course ON translation_drafts (course_id, status);

-- A request names a course or a resource (exactly one).
CREATE TABLE translation_requests_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id BIGINT REFERENCES courses (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    country TEXT,
    created_at TIMESTAMP NOT NULL,
    notified_at TIMESTAMP,
    resource_id BIGINT REFERENCES resources (id) ON DELETE CASCADE,
    UNIQUE (course_id, user_id, language),
    UNIQUE (resource_id, user_id, language),
    CHECK ((course_id IS NULL) <> (resource_id IS NULL))
);
INSERT INTO translation_requests_new (id, course_id, user_id, language, country, created_at,
    notified_at)
SELECT id, course_id, user_id, language, country, created_at, notified_at
FROM translation_requests;
DROP TABLE translation_requests;
ALTER TABLE translation_requests_new RENAME TO translation_requests;
CREATE INDEX translation_requests_open ON translation_requests (course_id, language, notified_at);
CREATE INDEX translation_requests_language ON translation_requests (language, course_id);
CREATE INDEX translation_requests_resource ON translation_requests (resource_id, language, notified_at);
