//! What the notification and subscription endpoints read and write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Fields};
use crate::http::pagination::PageRequest;
use crate::notifications::model::{NoticeKind, NotificationRow};
use crate::types::{CommunityId, NotificationId, ThreadId, UserId};

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
    #[schema(value_type = i64)]
    pub id: CommunityId,
    pub name: String,
}

/// A thread a notification is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ThreadRef {
    #[schema(value_type = i64)]
    pub id: ThreadId,
    pub title: String,
}

/// Who caused a notification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActorRef {
    #[schema(value_type = i64)]
    pub id: UserId,
    pub display_name: String,
}

/// One notification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationResponse {
    #[schema(value_type = i64)]
    pub id: NotificationId,
    pub kind: NoticeKind,
    pub community: CommunityRef,
    /// The thread, for notifications about one.
    pub thread: Option<ThreadRef>,
    /// The post, for notifications about one (link: `/threads/{thread.id}#post-{post_id}`).
    #[schema(value_type = Option<i64>)]
    pub post_id: Option<crate::types::PostId>,
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
    /// Named like every other unread count of the API (`unread_count` of threads).
    pub unread_count: i64,
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

/// The sort the notification list's cursor is made for.
pub const SORT: &str = "unread_first";

/// A checked notification list request.
#[derive(Debug, Clone)]
pub struct NotificationListInput {
    /// Only unread notifications.
    pub unread_only: bool,
    /// (was read, id) of the last notification of the previous page.
    pub page: PageRequest<bool>,
}

impl TryFrom<ListNotificationsQuery> for NotificationListInput {
    type Error = ApiError;

    fn try_from(query: ListNotificationsQuery) -> Result<Self, ApiError> {
        Ok(Self {
            unread_only: query.unread.unwrap_or(false),
            page: PageRequest::parse(query.limit, query.cursor.as_deref(), SORT)?,
        })
    }
}

/// A checked change of a community subscription; `None` leaves a setting as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct SubscriptionPatch {
    pub watching: Option<bool>,
    pub email_preference: Option<EmailPreference>,
}

impl TryFrom<UpdateCommunitySubscriptionRequest> for SubscriptionPatch {
    type Error = ApiError;

    fn try_from(req: UpdateCommunitySubscriptionRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let email_preference = fields.check_opt(
            "email_preference",
            "invalid_email_preference",
            req.email_preference.as_deref(),
            |raw| {
                EmailPreference::parse(raw)
                    .ok_or_else(|| "must be immediately, daily, weekly or never".to_owned())
            },
        );
        fields.finish_with(|| {
            Some(Self {
                watching: req.watching,
                email_preference: email_preference?,
            })
        })
    }
}
