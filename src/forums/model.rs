//! Threads, posts and their closed vocabularies, as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{post_revisions, posts, threads};
use crate::http::etag::{self, Versioned};
use crate::types::{CommunityId, PostId, ThreadId, UserId};

crate::vocabulary! {
    /// What a thread is for.
    pub enum ThreadKind {
        /// A conversation.
        Discussion => "discussion",
        /// A question; one reply may be accepted as the answer.
        Question => "question",
    }
}

crate::vocabulary! {
    /// A reaction to a post.
    pub enum ReactionKind {
        /// Likes it.
        Like => "like",
        /// Thanks the author.
        Thanks => "thanks",
        /// Found it insightful.
        Insightful => "insightful",
    }
}

/// A thread row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = threads)]
pub struct Thread {
    pub id: ThreadId,
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub kind: ThreadKind,
    pub title: String,
    pub tags: String,
    pub pinned: bool,
    pub locked: bool,
    pub first_post_id: Option<PostId>,
    pub accepted_post_id: Option<PostId>,
    pub reply_count: i32,
    pub last_post_id: Option<PostId>,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    /// Bumped by every change of what the thread's answer shows (its opening post and
    /// counters included).
    pub version: i64,
}

impl Thread {
    /// The tags, from the stored comma-separated list.
    pub fn tag_list(&self) -> Vec<String> {
        self.tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

etag::versioned_row!(Thread, "thread");

/// The entity tag of version `version` of thread `id`. A logged-in reader's answer also
/// shows where their reading stopped (`last_read`, `None` when never read), so their tag
/// names it too: reading a thread changes the reader's answer, not the thread's version
/// (and [`Versioned::check_if_match`] accepts the tag of any reader).
pub fn thread_etag(id: ThreadId, version: i64, reader: Option<Option<PostId>>) -> String {
    let variant = reader.map(|last| format!("r{}", last.map_or(0, PostId::get)));
    etag::versioned(Thread::KIND, id.get(), version, variant.as_deref())
}

/// The entity tag of version `version` of post `id`.
pub fn post_etag(id: PostId, version: i64) -> String {
    etag::versioned(Post::KIND, id.get(), version, None)
}

/// A new thread.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = threads)]
pub struct NewThread {
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub kind: ThreadKind,
    pub title: String,
    pub tags: String,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A post row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: PostId,
    pub thread_id: ThreadId,
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub is_first: bool,
    pub body: String,
    pub body_html: String,
    pub quote_post_id: Option<PostId>,
    pub like_count: i32,
    pub thanks_count: i32,
    pub insightful_count: i32,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_by: Option<UserId>,
    /// Bumped by every change of what the post's answer shows.
    pub version: i64,
}

etag::versioned_row!(Post, "post");

/// A new post.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost {
    pub thread_id: ThreadId,
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub is_first: bool,
    pub body: String,
    pub body_html: String,
    pub quote_post_id: Option<PostId>,
    pub created_at: NaiveDateTime,
}

/// An earlier version of a post.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = post_revisions)]
pub struct NewRevision {
    pub post_id: PostId,
    pub editor_id: UserId,
    pub body: String,
    pub written_at: NaiveDateTime,
    pub replaced_at: NaiveDateTime,
}

/// Changes to a thread; `None` leaves a column alone. Writing any bumps the version.
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = threads)]
pub struct ThreadChanges {
    pub kind: Option<ThreadKind>,
    pub title: Option<String>,
    pub pinned: Option<bool>,
    pub locked: Option<bool>,
    pub first_post_id: Option<Option<PostId>>,
    pub accepted_post_id: Option<Option<PostId>>,
    pub reply_count: Option<i32>,
    pub last_post_id: Option<Option<PostId>>,
    pub last_activity_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

impl ThreadChanges {
    /// Whether nothing is to change.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Changes to a post; `None` leaves a column alone. Writing any bumps the version.
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = posts)]
pub struct PostChanges {
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub edited_at: Option<Option<NaiveDateTime>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
    pub hidden_at: Option<Option<NaiveDateTime>>,
    pub hidden_by: Option<Option<UserId>>,
}
