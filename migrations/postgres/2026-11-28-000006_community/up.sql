-- The community of practice: communities, threads, posts, moderation, notifications.
CREATE TABLE communities (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    -- public: anyone reads; members: any logged-in member; private: its own members only.
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'members', 'private')),
    course_id BIGINT REFERENCES courses (id) ON DELETE SET NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    -- Kept in the same transaction as the rows they count (visible threads, active members).
    member_count INTEGER NOT NULL DEFAULT 0,
    thread_count INTEGER NOT NULL DEFAULT 0,
    last_activity_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX communities_name ON communities (name, id);

CREATE TABLE community_members (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('member', 'moderator')),
    -- active; pending (asked to join a private community); invited; banned.
    status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'invited', 'banned')),
    -- When this member is emailed about what they are notified of here.
    email_preference TEXT NOT NULL DEFAULT 'daily'
        CHECK (email_preference IN ('immediately', 'daily', 'weekly', 'never')),
    -- Watching a community notifies its new threads.
    watching BOOLEAN NOT NULL DEFAULT FALSE,
    invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    ban_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_members_user ON community_members (user_id, status);
CREATE INDEX community_members_status ON community_members (community_id, status, user_id);

CREATE TABLE threads (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('discussion', 'question')),
    title TEXT NOT NULL,
    -- Comma-separated, also in thread_tags for filtering; kept for one-query reads.
    tags TEXT NOT NULL DEFAULT '',
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    first_post_id BIGINT,
    accepted_post_id BIGINT,
    -- Replies others can see (not hidden, not deleted), the opening post excluded.
    reply_count INTEGER NOT NULL DEFAULT 0,
    -- Highest post id in the thread, for unread counts.
    last_post_id BIGINT,
    last_activity_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
-- Thread list: pinned first, then by last activity.
CREATE INDEX threads_activity ON threads (community_id, pinned, last_activity_at, id);

CREATE TABLE thread_tags (
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (thread_id, tag)
);
CREATE INDEX thread_tags_tag ON thread_tags (tag, thread_id);

CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    -- The opening post of its thread (carries the thread title in search).
    is_first BOOLEAN NOT NULL DEFAULT FALSE,
    -- Markdown as written, and its sanitised HTML rendered once on write.
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    quote_post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    like_count INTEGER NOT NULL DEFAULT 0,
    thanks_count INTEGER NOT NULL DEFAULT 0,
    insightful_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    -- A deleted post keeps its place as a tombstone; its text is erased.
    deleted_at TIMESTAMP,
    -- A hidden post is seen only by its author and the moderators.
    hidden_at TIMESTAMP,
    hidden_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
-- Covers the unread counts and the visibility checks of a thread's posts without
-- reading the rows (bodies are large).
CREATE INDEX posts_thread ON posts (thread_id, id, deleted_at, hidden_at, author_id);
CREATE INDEX posts_author ON posts (author_id, id);

-- Earlier versions of edited posts.
CREATE TABLE post_revisions (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    editor_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    -- When this version was written (the post's created_at or an earlier edit).
    written_at TIMESTAMP NOT NULL,
    replaced_at TIMESTAMP NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions (post_id, id);

CREATE TABLE post_reactions (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('like', 'thanks', 'insightful')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, user_id, kind)
);
CREATE INDEX post_reactions_user ON post_reactions (user_id, post_id);

CREATE TABLE post_flags (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('spam', 'abuse', 'off_topic', 'privacy', 'other')),
    note TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed')),
    created_at TIMESTAMP NOT NULL,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX post_flags_queue ON post_flags (community_id, status, id);
CREATE INDEX post_flags_post ON post_flags (post_id, reporter_id, status);

-- What moderators did, for moderators to read. Never updated or deleted.
CREATE TABLE moderation_log (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    moderator_id BIGINT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL,
    target_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    thread_id BIGINT REFERENCES threads (id) ON DELETE SET NULL,
    post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX moderation_log_community ON moderation_log (community_id, id);

CREATE TABLE thread_subscriptions (
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX thread_subscriptions_user ON thread_subscriptions (user_id, thread_id);

-- Each member's last read post per thread.
CREATE TABLE thread_reads (
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_post_id BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);

CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- reply, mention, new_thread, accepted_answer, post_hidden, post_restored,
    -- flag_resolved, banned, invited
    kind TEXT NOT NULL,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    thread_id BIGINT REFERENCES threads (id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    -- none (never emailed), pending (waits for a digest), sent, skipped.
    email_status TEXT NOT NULL CHECK (email_status IN ('none', 'pending', 'sent', 'skipped')),
    -- The digest that waits for it: daily or weekly (when pending).
    email_cadence TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);
CREATE INDEX notifications_pending ON notifications (email_status, email_cadence, user_id);

-- When each member was last sent each digest.
CREATE TABLE digest_state (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly')),
    last_sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, cadence)
);

-- Full-text search over thread titles (on the opening post, weight A) and post bodies
-- (weight B), kept by triggers so that no write path can forget it. The `simple`
-- configuration does not stem: the communities write in many languages.
ALTER TABLE posts ADD COLUMN search_vector tsvector;

CREATE FUNCTION posts_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('simple', CASE WHEN NEW.is_first
            THEN coalesce((SELECT title FROM threads WHERE id = NEW.thread_id), '') ELSE '' END), 'A')
        || setweight(to_tsvector('simple', NEW.body), 'B');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER posts_search BEFORE INSERT OR UPDATE OF body ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_vector();

CREATE FUNCTION threads_search_title() RETURNS trigger AS $$
BEGIN
    -- Touching the body recomputes the opening post's vector with the new title.
    UPDATE posts SET body = body WHERE id = NEW.first_post_id;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER threads_search_title AFTER UPDATE OF title ON threads
    FOR EACH ROW EXECUTE FUNCTION threads_search_title();

CREATE INDEX posts_search ON posts USING GIN (search_vector);
