//! Threads, posts and their closed vocabularies, as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{post_revisions, posts, threads};

/// What a thread is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadKind {
    /// A conversation.
    Discussion,
    /// A question; one reply may be accepted as the answer.
    Question,
}

impl ThreadKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Discussion => "discussion",
            Self::Question => "question",
        }
    }

    /// Parses the stored spelling (unknown values read as discussions).
    pub fn parse(raw: &str) -> Self {
        if raw == "question" {
            Self::Question
        } else {
            Self::Discussion
        }
    }
}

/// A reaction to a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReactionKind {
    /// Likes it.
    Like,
    /// Thanks the author.
    Thanks,
    /// Found it insightful.
    Insightful,
}

impl ReactionKind {
    /// Every kind, in the order answers list them.
    pub const ALL: [Self; 3] = [Self::Like, Self::Thanks, Self::Insightful];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Like => "like",
            Self::Thanks => "thanks",
            Self::Insightful => "insightful",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A thread row.
#[derive(Debug, Clone, Queryable)]
pub struct Thread {
    pub id: i64,
    pub community_id: i64,
    pub author_id: i64,
    pub kind: String,
    pub title: String,
    pub tags: String,
    pub pinned: bool,
    pub locked: bool,
    pub first_post_id: Option<i64>,
    pub accepted_post_id: Option<i64>,
    pub reply_count: i32,
    pub last_post_id: Option<i64>,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
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

/// A new thread.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = threads)]
pub struct NewThread {
    pub community_id: i64,
    pub author_id: i64,
    pub kind: String,
    pub title: String,
    pub tags: String,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A post row.
#[derive(Debug, Clone, Queryable)]
pub struct Post {
    pub id: i64,
    pub thread_id: i64,
    pub community_id: i64,
    pub author_id: i64,
    pub is_first: bool,
    pub body: String,
    pub body_html: String,
    pub quote_post_id: Option<i64>,
    pub like_count: i32,
    pub thanks_count: i32,
    pub insightful_count: i32,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_by: Option<i64>,
}

/// A new post.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost {
    pub thread_id: i64,
    pub community_id: i64,
    pub author_id: i64,
    pub is_first: bool,
    pub body: String,
    pub body_html: String,
    pub quote_post_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// An earlier version of a post.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = post_revisions)]
pub struct NewRevision {
    pub post_id: i64,
    pub editor_id: i64,
    pub body: String,
    pub written_at: NaiveDateTime,
    pub replaced_at: NaiveDateTime,
}

/// Changes to a thread; `None` leaves a column alone.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = threads)]
pub struct ThreadChanges {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub first_post_id: Option<Option<i64>>,
    pub accepted_post_id: Option<Option<i64>>,
    pub last_activity_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// Changes to a post; `None` leaves a column alone.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = posts)]
pub struct PostChanges {
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub edited_at: Option<Option<NaiveDateTime>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}
