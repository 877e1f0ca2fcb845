-- The learning cloud: courses, their modules and lessons, each with per-language texts.
-- Rows are soft-deleted (deleted_at) so that offline apps syncing with `updated_since`
-- learn of removals as tombstones.
CREATE TABLE courses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    default_language TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('introductory', 'intermediate', 'advanced')),
    format TEXT NOT NULL CHECK (format IN ('self_paced', 'cohort', 'blended')),
    estimated_hours DOUBLE PRECISION,
    licence TEXT,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'members')),
    capacity INTEGER,
    enrolment_count INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    deleted_at TIMESTAMP
);
CREATE INDEX courses_status ON courses (status, published_at, id);
CREATE INDEX courses_updated ON courses (updated_at, id);

CREATE TABLE course_translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    -- Lower-cased title and summary, for `q`.
    search_text TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (course_id, language)
);
CREATE INDEX course_translations_language ON course_translations (language, course_id);

CREATE TABLE course_topics (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    UNIQUE (course_id, topic)
);
CREATE INDEX course_topics_topic ON course_topics (topic, course_id);

CREATE TABLE course_owners (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    UNIQUE (course_id, user_id)
);
CREATE INDEX course_owners_user ON course_owners (user_id);

CREATE TABLE course_modules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX course_modules_course ON course_modules (course_id, position);

CREATE TABLE module_translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    module_id BIGINT NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (module_id, language)
);

CREATE TABLE lessons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    module_id BIGINT NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'video', 'link', 'file')),
    required BOOLEAN NOT NULL DEFAULT TRUE,
    duration_minutes INTEGER,
    url TEXT,
    size_bytes BIGINT,
    media_type TEXT,
    -- Comma-separated language tags of a video's captions.
    caption_languages TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX lessons_module ON lessons (module_id, position);
CREATE INDEX lessons_course ON lessons (course_id, updated_at);

CREATE TABLE lesson_translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson_id BIGINT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    -- Markdown, as written.
    content TEXT NOT NULL DEFAULT '',
    UNIQUE (lesson_id, language)
);
