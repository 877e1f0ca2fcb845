-- Issue 17, items 1 to 4: translations that know when they are out of date, translators
-- whose edits wait for review, learners asking for their language, and the glossary.
--
-- The source of a translation is its item's text in the course's default language. The
-- source's version starts at 1 and grows with every change of that text that is not marked
-- minor; a translation records the source version it translates. No row in
-- `translation_sources` means version 1; no row in `translation_versions` means a
-- translation of version 1: rows copied by bulk paths (seed, import, adaptation) are then
-- complete, as every translation that exists when this migration runs.

-- The current version of an item's source text (`item_kind`: course, module, lesson).
CREATE TABLE translation_sources (
    item_kind TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    -- When the source last changed in a way that outdates translations.
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_kind, item_id)
);
CREATE INDEX translation_sources_course ON translation_sources (course_id);

-- The source version each published translation translates.
CREATE TABLE translation_versions (
    item_kind TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    language TEXT NOT NULL,
    source_version BIGINT NOT NULL,
    PRIMARY KEY (item_kind, item_id, language)
);

-- Backfill: every translation that exists now is complete against version 1.
INSERT INTO translation_versions (item_kind, item_id, language, source_version)
SELECT 'course', t.course_id, t.language, 1
FROM course_translations t JOIN courses c ON c.id = t.course_id
WHERE t.language <> c.default_language;
INSERT INTO translation_versions (item_kind, item_id, language, source_version)
SELECT 'module', t.module_id, t.language, 1
FROM module_translations t
JOIN course_modules m ON m.id = t.module_id
JOIN courses c ON c.id = m.course_id
WHERE t.language <> c.default_language;
INSERT INTO translation_versions (item_kind, item_id, language, source_version)
SELECT 'lesson', t.lesson_id, t.language, 1
FROM lesson_translations t
JOIN lessons l ON l.id = t.lesson_id
JOIN courses c ON c.id = l.course_id
WHERE t.language <> c.default_language;

-- Who may translate into which language (granted by coordinators).
CREATE TABLE translators (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    granted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, language)
);
CREATE INDEX translators_language ON translators (language, user_id);

-- A translator's edit, waiting for review (`status`: pending, approved, rejected,
-- superseded). Unused texts of the item's kind are empty.
CREATE TABLE translation_drafts (
    id BIGSERIAL PRIMARY KEY,
    item_kind TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
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
CREATE INDEX translation_drafts_item ON translation_drafts (item_kind, item_id, language, status);
CREATE INDEX translation_drafts_course ON translation_drafts (course_id, status);

-- A learner asks for a course in a language; `notified_at` once the course is complete in it.
CREATE TABLE translation_requests (
    id BIGSERIAL PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    -- The requester's country when they asked (for the totals).
    country TEXT,
    created_at TIMESTAMP NOT NULL,
    notified_at TIMESTAMP,
    UNIQUE (course_id, user_id, language)
);
CREATE INDEX translation_requests_open ON translation_requests (course_id, language, notified_at);
CREATE INDEX translation_requests_language ON translation_requests (language, course_id);

-- The union glossary: a source term and its agreed translation, per language pair.
-- `source_key` is the lower-cased term, unique per pair.
CREATE TABLE glossary_entries (
    id BIGSERIAL PRIMARY KEY,
    source_language TEXT NOT NULL,
    target_language TEXT NOT NULL,
    source_term TEXT NOT NULL,
    source_key TEXT NOT NULL,
    target_term TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (source_language, target_language, source_key)
);
CREATE INDEX glossary_entries_target ON glossary_entries (target_language, source_language, id);
