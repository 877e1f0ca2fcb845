//! What the moderation endpoints read and write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Fields};
use crate::http::pagination::PageRequest;
use crate::moderation::model::{Flag, FlagOutcome, FlagReason, FlagStatus};
use crate::types::{FlagId, PostId, ThreadId, UserId};

/// Longest note a reporter may add to a flag.
pub const MAX_NOTE: usize = 1000;
/// Longest reason a moderator may give.
pub const MAX_REASON: usize = 500;

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
    #[schema(value_type = i64)]
    pub id: FlagId,
    #[schema(value_type = i64)]
    pub post_id: PostId,
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
    #[schema(value_type = i64)]
    pub id: UserId,
    pub display_name: String,
}

/// The flagged post, as the queue shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FlaggedPost {
    #[schema(value_type = i64)]
    pub id: PostId,
    #[schema(value_type = i64)]
    pub thread_id: ThreadId,
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
    #[schema(value_type = i64)]
    pub id: FlagId,
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
    #[schema(value_type = Option<i64>)]
    pub thread_id: Option<ThreadId>,
    #[schema(value_type = Option<i64>)]
    pub post_id: Option<PostId>,
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

impl From<&Flag> for FlagResponse {
    fn from(flag: &Flag) -> Self {
        Self {
            id: flag.id,
            post_id: flag.post_id,
            reason: flag.reason,
            note: flag.note.clone(),
            status: flag.status,
            created_at: flag.created_at.and_utc(),
            resolved_at: flag.resolved_at.map(|t| t.and_utc()),
        }
    }
}

/// The sort a flag list's cursor is made for.
pub fn flag_sort(status: FlagStatus) -> &'static str {
    match status {
        FlagStatus::Open => "flags:id",
        FlagStatus::Upheld => "flags:upheld:-id",
        FlagStatus::Dismissed => "flags:dismissed:-id",
    }
}

/// The sort the moderation log's cursor is made for.
pub const LOG_SORT: &str = "log:-id";

/// A reason or note as given: at most `max` characters as sent, trimmed, `None` when
/// empty; no control characters but line breaks.
fn optional_text(
    fields: &mut Fields,
    field: &str,
    raw: Option<String>,
    max: usize,
) -> Option<String> {
    let raw = raw?;
    if crate::types::text::at_most_chars(&raw, max).is_err() {
        fields.push(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        );
        return None;
    }
    let text = raw.trim().to_owned();
    if crate::types::text::has_stray_controls(&text) {
        fields.push(
            field,
            "control_characters",
            "must not contain control characters other than line breaks",
        );
    }
    (!text.is_empty()).then_some(text)
}

/// A new flag, checked.
#[derive(Debug, Clone)]
pub struct NewFlagInput {
    pub reason: FlagReason,
    pub note: Option<String>,
}

impl TryFrom<CreateFlagRequest> for NewFlagInput {
    type Error = ApiError;

    fn try_from(req: CreateFlagRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let note = optional_text(&mut fields, "note", req.note, MAX_NOTE);
        fields.finish()?;
        Ok(Self {
            reason: req.reason,
            note,
        })
    }
}

/// A moderator's decision on a flag, checked.
#[derive(Debug, Clone)]
pub struct FlagDecision {
    pub outcome: FlagOutcome,
    /// For the moderation log.
    pub reason: Option<String>,
}

impl TryFrom<ResolveFlagRequest> for FlagDecision {
    type Error = ApiError;

    fn try_from(req: ResolveFlagRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let reason = optional_text(&mut fields, "reason", req.reason, MAX_REASON);
        fields.finish()?;
        Ok(Self {
            outcome: req.outcome,
            reason,
        })
    }
}

/// Why a moderator hides (`hide`) or restores a post, checked: required to hide.
#[derive(Debug, Clone)]
pub struct HideInput {
    /// Hide (`true`) or restore.
    pub hide: bool,
    /// For the moderation log.
    pub reason: Option<String>,
}

impl TryFrom<HidePostRequest> for HideInput {
    type Error = ApiError;

    fn try_from(req: HidePostRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let reason = optional_text(&mut fields, "reason", Some(req.reason), MAX_REASON);
        if fields.is_empty() && reason.is_none() {
            fields.push("reason", "required", "must not be empty");
        }
        fields.finish()?;
        Ok(Self { hide: true, reason })
    }
}

impl TryFrom<RestorePostRequest> for HideInput {
    type Error = ApiError;

    fn try_from(req: RestorePostRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let reason = optional_text(&mut fields, "reason", req.reason, MAX_REASON);
        fields.finish()?;
        Ok(Self {
            hide: false,
            reason,
        })
    }
}

/// A flag queue request, checked.
#[derive(Debug, Clone)]
pub struct FlagListInput {
    pub status: FlagStatus,
    pub page: PageRequest<i64>,
}

impl TryFrom<ListFlagsQuery> for FlagListInput {
    type Error = ApiError;

    fn try_from(query: ListFlagsQuery) -> Result<Self, ApiError> {
        let status = query.status.unwrap_or_default();
        Ok(Self {
            status,
            page: PageRequest::parse(query.limit, query.cursor.as_deref(), flag_sort(status))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_trimmed_measured_and_required_to_hide() {
        let hide = |r: &str| {
            HideInput::try_from(HidePostRequest {
                reason: r.to_owned(),
            })
        };
        assert_eq!(hide("  spam  ").unwrap().reason.as_deref(), Some("spam"));
        assert!(hide("   ").is_err());
        assert!(hide(&"x".repeat(501)).is_err());
        assert!(hide("a\u{0}b").is_err());
        let restore = HideInput::try_from(RestorePostRequest {
            reason: Some(" ".to_owned()),
        });
        assert_eq!(restore.unwrap().reason, None);
        let flag = NewFlagInput::try_from(CreateFlagRequest {
            reason: FlagReason::Other,
            note: Some("x".repeat(1001)),
        });
        assert!(flag.is_err());
    }

    #[test]
    fn documented_limits_are_the_checked_ones() {
        crate::openapi::assert_documented_limits(&[
            ("CreateFlagRequest", "note", "maxLength", MAX_NOTE),
            ("ResolveFlagRequest", "reason", "maxLength", MAX_REASON),
            ("HidePostRequest", "reason", "maxLength", MAX_REASON),
            ("RestorePostRequest", "reason", "maxLength", MAX_REASON),
        ]);
        // As sent: white space counts.
        let hide = HideInput::try_from(HidePostRequest {
            reason: format!("{}x", " ".repeat(MAX_REASON)),
        });
        assert!(hide.is_err());
    }
}
