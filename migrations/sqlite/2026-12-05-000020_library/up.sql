-- Issue 14: the resource library. Resources (kind, licence, visibility, per-language texts,
-- topics, countries), their files (one current file per language, older versions kept and
-- listed), moderation of members' submissions, downloads counted once per reader, resource
-- and day, bookmarks, "useful" votes and collections curated by trainers.

CREATE TABLE resources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    default_language TEXT NOT NULL,
    licence TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'members', 'cohort', 'community')),
    cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    url TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'published', 'rejected', 'taken_down')),
    status_reason TEXT,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    download_count BIGINT NOT NULL DEFAULT 0,
    useful_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK ((visibility = 'cohort') = (cohort_id IS NOT NULL)),
    CHECK ((visibility = 'community') = (community_id IS NOT NULL))
);
CREATE INDEX resources_status_created ON resources (status, created_at, id);
CREATE INDEX resources_created_by ON resources (created_by);

CREATE TABLE resource_translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    UNIQUE (resource_id, language)
);
CREATE INDEX resource_translations_language ON resource_translations (language);

CREATE TABLE resource_topics (
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (resource_id, topic)
);
CREATE INDEX resource_topics_topic ON resource_topics (topic);

CREATE TABLE resource_countries (
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (resource_id, country)
);
CREATE INDEX resource_countries_country ON resource_countries (country);

-- A file of a resource in one language. A new upload in that language supersedes the
-- current one (`superseded_at`), which stays listed and downloadable. The object lives in
-- the storage under `storage_key` (generated; the original name is only `file_name`).
CREATE TABLE resource_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    file_version INTEGER NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP,
    UNIQUE (resource_id, language, file_version)
);
CREATE INDEX resource_files_uploaded_by ON resource_files (uploaded_by);

-- One row per reader (a user, or a hashed client address), resource and day: the download
-- count grows by one per row.
CREATE TABLE resource_downloads (
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    reader TEXT NOT NULL,
    day DATE NOT NULL,
    PRIMARY KEY (resource_id, reader, day)
);

-- Moderation of the library, as the communities' moderation log: who did what, why.
CREATE TABLE resource_moderation_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    moderator_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX resource_moderation_log_resource ON resource_moderation_log (resource_id, id);

CREATE TABLE resource_bookmarks (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, resource_id)
);

CREATE TABLE resource_votes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, resource_id)
);
CREATE INDEX resource_votes_resource ON resource_votes (resource_id);

-- Collections curated by trainers: an ordered list of resources with a title per language.
CREATE TABLE resource_collections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    default_language TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE collection_translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_id BIGINT NOT NULL REFERENCES resource_collections (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (collection_id, language)
);

CREATE TABLE collection_items (
    collection_id BIGINT NOT NULL REFERENCES resource_collections (id) ON DELETE CASCADE,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (collection_id, resource_id)
);

-- Full-text search over every translation's title and description, kept by triggers (as
-- the forums' post_search); rowid is the translation's id.
CREATE VIRTUAL TABLE resource_search USING fts5 (title, description, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER resource_search_insert AFTER INSERT ON resource_translations BEGIN
    INSERT INTO resource_search (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER resource_search_update AFTER UPDATE OF title, description ON resource_translations BEGIN
    UPDATE resource_search SET title = new.title, description = new.description WHERE rowid = new.id;
END;
CREATE TRIGGER resource_search_delete AFTER DELETE ON resource_translations BEGIN
    DELETE FROM resource_search WHERE rowid = old.id;
END;
