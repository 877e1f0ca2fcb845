//! Notifications, their closed vocabularies and the rows the queries read, as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::notifications;
use crate::types::{CommunityId, NotificationId, PostId, ThreadId, UserId};

crate::vocabulary! {
    /// Why someone is notified (`notifications.kind`, also the API's spelling).
    #[schema(as = NotificationKind)]
    pub enum NoticeKind {
        /// A new post in a thread they watch.
        Reply => "reply",
        /// They were mentioned in a post.
        Mention => "mention",
        /// A new thread in a community they watch.
        NewThread => "new_thread",
        /// Their reply was accepted as the answer.
        AcceptedAnswer => "accepted_answer",
        /// A moderator hid their post.
        PostHidden => "post_hidden",
        /// A moderator restored their post.
        PostRestored => "post_restored",
        /// A flag they raised was decided (upheld or dismissed).
        FlagResolved => "flag_resolved",
        /// They were banned from a community.
        Banned => "banned",
        /// A moderator invited them into a community.
        Invited => "invited",
        /// A moderator approved their request to join.
        JoinApproved => "join_approved",
        /// A translation of a post they asked for was published.
        PostTranslated => "post_translated",
    }
}

impl NoticeKind {
    /// Kinds that concern the recipient themselves: listed (and emailed) even when they can
    /// no longer read the community.
    pub const ABOUT_THEMSELVES: [Self; 3] = [Self::Banned, Self::Invited, Self::JoinApproved];

    /// Kinds about the recipient's own post: listed even while that post is hidden.
    pub const ABOUT_OWN_POST: [Self; 2] = [Self::PostHidden, Self::PostRestored];

    /// Kinds of the fan-out of a post: at most one of them per member and post.
    pub const FAN_OUT: [Self; 3] = [Self::Reply, Self::Mention, Self::NewThread];

    /// Delivered even when the recipient cannot read the community: news about themselves,
    /// and the hiding of their post (which they can no longer see if they were banned).
    pub fn reaches_non_readers(self) -> bool {
        Self::ABOUT_THEMSELVES.contains(&self) || self == Self::PostHidden
    }

    /// One notification per member and post among these.
    pub fn is_fan_out(self) -> bool {
        Self::FAN_OUT.contains(&self)
    }
}

crate::vocabulary! {
    /// Where a notification's email stands.
    pub enum EmailStatus {
        /// Not emailed (no address, or the member wants no email).
        None => "none",
        /// Waits for the member's digest.
        Pending => "pending",
        /// Emailed (at once or in a digest).
        Sent => "sent",
        /// Left out of a digest: what it was about is no longer visible.
        Skipped => "skipped",
    }
}

crate::vocabulary! {
    /// How often a member's digest goes out.
    pub enum DigestCadence {
        /// Every 24 hours.
        Daily => "daily",
        /// Every 7 days.
        Weekly => "weekly",
    }
}

impl DigestCadence {
    /// The time between two digests.
    pub fn period(self) -> chrono::TimeDelta {
        match self {
            Self::Daily => chrono::TimeDelta::hours(24),
            Self::Weekly => chrono::TimeDelta::days(7),
        }
    }
}

/// One notification for one member: what other domains hand to
/// [`notify_one`](crate::notifications::notify_one).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
pub struct Notice {
    pub user_id: UserId,
    pub kind: NoticeKind,
    pub community_id: CommunityId,
    pub thread_id: Option<ThreadId>,
    pub post_id: Option<PostId>,
    /// Who caused it (never notified of their own action).
    pub actor_id: Option<UserId>,
}

/// A notification to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification {
    #[diesel(embed)]
    pub notice: Notice,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
    pub email_status: EmailStatus,
    pub email_cadence: Option<DigestCadence>,
}

/// A notification as its recipient's list shows it, with the names it refers to.
#[derive(Debug, Clone, Queryable)]
pub struct NotificationRow {
    pub id: NotificationId,
    pub kind: NoticeKind,
    pub community_id: CommunityId,
    pub thread_id: Option<ThreadId>,
    pub post_id: Option<PostId>,
    pub actor_id: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
    pub community_name: String,
    pub thread_title: Option<String>,
    pub actor_name: Option<String>,
}

/// A notification waiting for a digest, with what is needed to check it again.
#[derive(Debug, Clone, Queryable)]
pub struct PendingRow {
    pub id: NotificationId,
    pub kind: NoticeKind,
    pub community_id: CommunityId,
    pub thread_id: Option<ThreadId>,
    pub post_id: Option<PostId>,
    pub community_name: String,
    pub thread_title: Option<String>,
    pub thread_deleted_at: Option<NaiveDateTime>,
    pub post_author_id: Option<UserId>,
    pub post_hidden_at: Option<NaiveDateTime>,
    pub post_deleted_at: Option<NaiveDateTime>,
    pub actor_name: Option<String>,
}

/// What an email to a member needs: address (none for some accounts), name, language.
#[derive(Debug, Clone, Queryable, QueryableByName)]
pub struct Contact {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub display_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub preferred_language: String,
}

/// What the fan-out of a post needs to know about one candidate recipient: their account
/// (only active, not erased ones are returned) and their membership of the community.
#[derive(Debug, Clone, Queryable)]
pub struct Candidate {
    pub user_id: UserId,
    pub role: String,
    pub email: Option<String>,
    pub display_name: String,
    pub preferred_language: String,
    pub member_role: Option<String>,
    pub member_status: Option<String>,
    pub email_preference: Option<String>,
}
