//! What the notification and subscription endpoints read and write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::notifications::repo::NotificationRow;

pub use crate::communities::model::EmailPreference;

/// Query of `GET /api/v1/me/notifications`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListNotificationsQuery {
    /// Only unread notifications.
    pub unread: Option<bool>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A community a notification is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = NotificationCommunity)]
pub struct CommunityRef {
    pub id: i64,
    pub name: String,
}

/// A thread a notification is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ThreadRef {
    pub id: i64,
    pub title: String,
}

/// Who caused a notification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActorRef {
    pub id: i64,
    pub display_name: String,
}

/// One notification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationResponse {
    pub id: i64,
    /// `reply`, `mention`, `new_thread`, `accepted_answer`, `post_hidden`, `post_restored`,
    /// `flag_resolved`, `banned`, `invited` or `join_approved`.
    pub kind: String,
    pub community: CommunityRef,
    /// The thread, for notifications about one.
    pub thread: Option<ThreadRef>,
    /// The post, for notifications about one (link: `/threads/{thread.id}#post-{post_id}`).
    pub post_id: Option<i64>,
    /// Who caused it, when it was someone (and their account still exists).
    pub actor: Option<ActorRef>,
    pub created_at: DateTime<Utc>,
    /// When it was marked read; `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl From<NotificationRow> for NotificationResponse {
    fn from(row: NotificationRow) -> Self {
        Self {
            id: row.id,
            kind: row.kind,
            community: CommunityRef {
                id: row.community_id,
                name: row.community_name,
            },
            thread: row
                .thread_id
                .zip(row.thread_title)
                .map(|(id, title)| ThreadRef { id, title }),
            post_id: row.post_id,
            actor: row
                .actor_id
                .zip(row.actor_name)
                .map(|(id, display_name)| ActorRef { id, display_name }),
            created_at: row.created_at.and_utc(),
            read_at: row.read_at.map(|t| t.and_utc()),
        }
    }
}

/// The number of unread notifications, for badges.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnreadCountResponse {
    pub unread: i64,
}

/// Whether the caller watches a thread (is notified of its replies).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ThreadSubscriptionResponse {
    pub watching: bool,
}

/// The caller's subscription to a community.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunitySubscriptionResponse {
    /// Notified of every new thread.
    pub watching: bool,
    /// When notifications of this community are emailed.
    pub email_preference: EmailPreference,
}

/// Body of `PUT /api/v1/communities/{id}/subscription`; absent fields stay as they are.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommunitySubscriptionRequest {
    /// Be notified of every new thread.
    pub watching: Option<bool>,
    /// `immediately`, `daily`, `weekly` or `never` (422 `invalid_email_preference` otherwise).
    #[schema(value_type = Option<EmailPreference>)]
    pub email_preference: Option<String>,
}

impl UpdateCommunitySubscriptionRequest {
    /// The preference asked for, checked.
    pub fn preference(&self) -> Result<Option<EmailPreference>, ApiError> {
        self.email_preference
            .as_deref()
            .map(|raw| {
                EmailPreference::parse(raw).ok_or_else(|| {
                    ApiError::invalid_field(
                        "email_preference",
                        "invalid_email_preference",
                        "must be immediately, daily, weekly or never",
                    )
                })
            })
            .transpose()
    }
}
