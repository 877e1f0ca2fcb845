//! Flags, the moderation log and their closed vocabularies, as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{moderation_log, post_flags};
use crate::types::{CommunityId, FlagId, PostId, ThreadId, UserId};

crate::vocabulary! {
    /// Why a post is flagged.
    pub enum FlagReason {
        /// Advertising or junk.
        Spam => "spam",
        /// Insults, threats or harassment.
        Abuse => "abuse",
        /// Not about the thread or the community.
        OffTopic => "off_topic",
        /// Shows someone's private information.
        Privacy => "privacy",
        /// Something else (the note says what).
        Other => "other",
    }
}

crate::vocabulary! {
    /// Where a flag stands.
    #[derive(Default)]
    pub enum FlagStatus {
        /// Waits for a moderator.
        #[default]
        Open => "open",
        /// A moderator agreed: the post was hidden.
        Upheld => "upheld",
        /// A moderator disagreed: the post stays.
        Dismissed => "dismissed",
    }
}

crate::vocabulary! {
    /// How a moderator decides a flag.
    pub enum FlagOutcome {
        /// Hide the post; every open flag on it is upheld.
        Upheld => "upheld",
        /// Leave the post; only this flag is closed.
        Dismissed => "dismissed",
    }
}

impl FlagOutcome {
    /// The status a flag decided so gets.
    pub fn status(self) -> FlagStatus {
        match self {
            Self::Upheld => FlagStatus::Upheld,
            Self::Dismissed => FlagStatus::Dismissed,
        }
    }
}

/// A post with what moderation needs to know of it and its thread.
#[derive(Debug, Clone, Queryable)]
pub struct PostState {
    pub id: PostId,
    pub thread_id: ThreadId,
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub deleted_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub thread_deleted_at: Option<NaiveDateTime>,
}

/// A thread's community and deletion.
#[derive(Debug, Clone, Queryable)]
pub struct ThreadState {
    pub id: ThreadId,
    pub community_id: CommunityId,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A row of `post_flags`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = post_flags)]
pub struct Flag {
    pub id: FlagId,
    pub post_id: PostId,
    pub community_id: CommunityId,
    pub reporter_id: UserId,
    pub reason: FlagReason,
    pub note: Option<String>,
    pub status: FlagStatus,
    pub created_at: NaiveDateTime,
    pub resolved_by: Option<UserId>,
    pub resolved_at: Option<NaiveDateTime>,
}

/// A new flag.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = post_flags)]
pub struct NewFlag<'a> {
    pub post_id: PostId,
    pub community_id: CommunityId,
    pub reporter_id: UserId,
    pub reason: FlagReason,
    pub note: Option<&'a str>,
    pub status: FlagStatus,
    pub created_at: NaiveDateTime,
}

/// A flag in the queue with its post.
#[derive(Debug, Clone)]
pub struct QueuedFlag {
    pub flag: Flag,
    pub thread_id: ThreadId,
    pub author_id: UserId,
    pub body: String,
    pub hidden: bool,
}

/// A row of `moderation_log`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_log)]
pub struct LogRow {
    pub id: i64,
    pub community_id: CommunityId,
    pub moderator_id: UserId,
    pub action: String,
    pub target_user_id: Option<UserId>,
    pub thread_id: Option<ThreadId>,
    pub post_id: Option<PostId>,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}
