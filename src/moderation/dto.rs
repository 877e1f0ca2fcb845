//! What the moderation endpoints read and write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Longest note a reporter may add to a flag.
pub const MAX_NOTE: usize = 1000;
/// Longest reason a moderator may give.
pub const MAX_REASON: usize = 500;

/// Why a post is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagReason {
    Spam,
    Abuse,
    OffTopic,
    Privacy,
    Other,
}

impl FlagReason {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "spam",
            Self::Abuse => "abuse",
            Self::OffTopic => "off_topic",
            Self::Privacy => "privacy",
            Self::Other => "other",
        }
    }
}

/// Where a flag stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagStatus {
    /// Waits for a moderator.
    #[default]
    Open,
    /// A moderator agreed: the post was hidden.
    Upheld,
    /// A moderator disagreed: the post stays.
    Dismissed,
}

impl FlagStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Upheld => "upheld",
            Self::Dismissed => "dismissed",
        }
    }
}

/// How a moderator decides a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagOutcome {
    /// Hide the post; every open flag on it is upheld.
    Upheld,
    /// Leave the post; only this flag is closed.
    Dismissed,
}

/// Body of `POST /api/v1/posts/{id}/flags`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFlagRequest {
    pub reason: FlagReason,
    /// What the moderators should know, at most 1000 characters.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// Body of `POST /api/v1/flags/{id}/resolve`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveFlagRequest {
    pub outcome: FlagOutcome,
    /// Recorded in the moderation log, at most 500 characters.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// Body of `POST /api/v1/posts/{id}/hide`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HidePostRequest {
    /// Recorded in the moderation log, 1 to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Body of `POST /api/v1/posts/{id}/restore` (`{}` when no reason is given).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestorePostRequest {
    /// Recorded in the moderation log, at most 500 characters.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// A flag, as its reporter and the moderators see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FlagResponse {
    pub id: i64,
    pub post_id: i64,
    pub reason: FlagReason,
    pub note: Option<String>,
    pub status: FlagStatus,
    pub created_at: DateTime<Utc>,
    /// When a moderator decided it; `null` while open.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// A member, by id and current name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModerationPerson {
    pub id: i64,
    pub display_name: String,
}

/// The flagged post, as the queue shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FlaggedPost {
    pub id: i64,
    pub thread_id: i64,
    pub author: ModerationPerson,
    /// The start of the body as written (Markdown), at most 200 characters; empty when the
    /// post was deleted.
    pub excerpt: String,
    /// Whether the post is hidden now.
    pub hidden: bool,
}

/// One entry of a community's flag queue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FlagQueueItem {
    pub id: i64,
    pub post: FlaggedPost,
    pub reporter: ModerationPerson,
    pub reason: FlagReason,
    pub note: Option<String>,
    pub status: FlagStatus,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// One moderator action.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModerationLogEntry {
    pub id: i64,
    /// `hide_post`, `restore_post`, `lock_thread`, `unlock_thread`, `pin_thread`,
    /// `unpin_thread`, `delete_thread`, `uphold_flag`, `dismiss_flag`, `ban_member`,
    /// `unban_member`, `approve_member`, `reject_member`, `invite_member`,
    /// `remove_member`, `change_role`, `update_community`.
    pub action: String,
    pub moderator: ModerationPerson,
    /// The member acted upon, if any.
    pub target_user: Option<ModerationPerson>,
    pub thread_id: Option<i64>,
    pub post_id: Option<i64>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Query of `GET /api/v1/communities/{id}/flags`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListFlagsQuery {
    /// `open` (default; oldest first), `upheld` or `dismissed` (newest first).
    pub status: Option<FlagStatus>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /api/v1/communities/{id}/moderation-log`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ModerationLogQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
