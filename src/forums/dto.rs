//! Requests and answers of the forums' endpoints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldError};
use crate::forums::model::{ReactionKind, ThreadKind};

/// Longest post body, in characters.
pub const MAX_BODY: usize = 20_000;
/// Most tags on a thread.
pub const MAX_TAGS: usize = 5;
/// Longest quote excerpt, in characters.
pub const EXCERPT_CHARS: usize = 200;

/// A member as posts and threads name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserRef {
    pub id: i64,
    /// The current display name.
    pub display_name: String,
}

/// A thread as lists show it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ThreadSummary {
    pub id: i64,
    pub community_id: i64,
    pub kind: ThreadKind,
    pub title: String,
    /// Lower-case tags, at most 5.
    pub tags: Vec<String>,
    pub author: UserRef,
    pub pinned: bool,
    pub locked: bool,
    /// Replies readers can see (hidden and deleted ones not counted), the opening post excluded.
    pub reply_count: i32,
    /// The accepted answer of a question.
    pub accepted_post_id: Option<i64>,
    /// The newest post (tombstones included).
    pub last_post_id: Option<i64>,
    pub last_activity_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Posts the caller has not read yet; `null` when not logged in.
    pub unread_count: Option<i64>,
    /// The last post the caller read; `null` when never read or not logged in.
    pub last_read_post_id: Option<i64>,
}

/// The community a thread is in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunityRef {
    pub id: i64,
    pub name: String,
    pub slug: String,
}

/// One thread with its opening post.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ThreadResponse {
    #[serde(flatten)]
    pub summary: ThreadSummary,
    pub community: CommunityRef,
    /// The opening post; `null` when a moderator hid it from the caller.
    pub first_post: Option<PostResponse>,
    /// The first post the caller has not read (open the posts there with `from_post_id`);
    /// `null` when everything is read or not logged in.
    pub first_unread_post_id: Option<i64>,
}

/// The post a reply quotes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuoteResponse {
    pub post_id: i64,
    pub author: UserRef,
    /// The start of the quoted Markdown (at most 200 characters); `null` when the quoted
    /// post was deleted or is hidden from the caller.
    pub excerpt: Option<String>,
}

/// Reaction counts of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reactions {
    pub like: i32,
    pub thanks: i32,
    pub insightful: i32,
}

/// One post.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostResponse {
    pub id: i64,
    pub thread_id: i64,
    pub community_id: i64,
    pub author: UserRef,
    /// The thread's opening post.
    pub is_first: bool,
    /// Markdown as written; `""` when deleted.
    pub body: String,
    /// `body` as sanitised HTML, mentions as `<span class="mention" data-user-id="…">@Name</span>`.
    pub body_html: String,
    pub quote: Option<QuoteResponse>,
    /// Members mentioned, with their current names.
    pub mentions: Vec<UserRef>,
    pub reactions: Reactions,
    /// The caller's own reactions; empty when not logged in.
    pub my_reactions: Vec<ReactionKind>,
    /// The accepted answer of its question thread.
    pub accepted: bool,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// A tombstone: the post was deleted and keeps only its place.
    pub deleted: bool,
    /// Hidden by a moderator (only its author and the moderators see it).
    pub hidden: bool,
}

/// An earlier version of a post.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RevisionResponse {
    /// The Markdown of that version.
    pub body: String,
    /// When that version was written.
    pub written_at: DateTime<Utc>,
    /// When the next edit replaced it.
    pub replaced_at: DateTime<Utc>,
    /// Who replaced it.
    pub editor: UserRef,
}

/// A post's reactions after a change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReactionsResponse {
    pub reactions: Reactions,
    pub my_reactions: Vec<ReactionKind>,
}

/// Where the caller stands in a thread.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReadStateResponse {
    pub last_read_post_id: i64,
    pub unread_count: i64,
}

/// Body of `POST /api/v1/communities/{id}/threads`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateThreadRequest {
    pub kind: ThreadKind,
    /// 3 to 200 characters (trimmed).
    pub title: String,
    /// Markdown, 1 to 20,000 characters; mention members with `<@id>`.
    pub body: String,
    /// At most 5 tags, `^[a-z0-9][a-z0-9-]{0,31}$` once lower-cased.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Body of `PATCH /api/v1/threads/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateThreadRequest {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub tags: Option<Vec<String>>,
    /// Switching a question to a discussion clears its accepted answer.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub kind: Option<ThreadKind>,
}

/// Body of `POST /api/v1/threads/{id}/posts`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePostRequest {
    /// Markdown, 1 to 20,000 characters; mention members with `<@id>`.
    pub body: String,
    /// A visible post of the same thread to quote.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub quote_post_id: Option<i64>,
}

/// Body of `PATCH /api/v1/posts/{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePostRequest {
    /// The new Markdown, 1 to 20,000 characters.
    pub body: String,
}

/// Body of `PUT /api/v1/threads/{id}/accepted-answer`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptAnswerRequest {
    /// A visible reply of this thread.
    #[serde(deserialize_with = "crate::http::json::int")]
    pub post_id: i64,
}

/// Body of `PUT /api/v1/threads/{id}/read-state`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadStateRequest {
    /// A post of this thread; the read state only moves forward.
    #[serde(deserialize_with = "crate::http::json::int")]
    pub last_read_post_id: i64,
}

/// Query of `GET /api/v1/communities/{id}/threads`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListThreadsQuery {
    /// Only threads of this kind.
    pub kind: Option<ThreadKind>,
    /// Only threads with this tag.
    pub tag: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /api/v1/threads/{id}/posts`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListPostsQuery {
    /// Start the first page at this post (inclusive), e.g. `first_unread_post_id`.
    pub from_post_id: Option<i64>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of lists that only page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A checked new thread.
#[derive(Debug, Clone)]
pub struct NewThreadInput {
    pub kind: ThreadKind,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
}

/// A checked thread change.
#[derive(Debug, Clone, Default)]
pub struct ThreadPatch {
    pub title: Option<String>,
    pub tags: Option<Vec<String>>,
    pub kind: Option<ThreadKind>,
}

fn check_title(raw: &str, errors: &mut Vec<FieldError>) -> String {
    match crate::types::text::clean_line(raw, 3, 200) {
        Ok(title) => title,
        Err(message) => {
            let code = if raw.chars().any(char::is_control) {
                "control_characters"
            } else {
                "invalid_length"
            };
            errors.push(FieldError::new("title", code, message));
            raw.trim().to_owned()
        }
    }
}

/// Checks a post body: 1 to 20,000 characters, not only white space.
pub fn check_body(raw: &str, errors: &mut Vec<FieldError>) {
    if crate::types::text::has_stray_controls(raw) {
        errors.push(FieldError::new(
            "body",
            "control_characters",
            "must not contain control characters other than line breaks",
        ));
    } else if raw.trim().is_empty() {
        errors.push(FieldError::new("body", "blank", "must not be empty"));
    } else if raw.chars().count() > MAX_BODY {
        errors.push(FieldError::new(
            "body",
            "too_long",
            format!("must be at most {MAX_BODY} characters"),
        ));
    }
}

/// Whether `tag` (lower-cased, trimmed) is a tag a thread can carry.
pub fn valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 32
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

fn check_tags(raw: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for (i, t) in raw.iter().enumerate() {
        let tag = t.trim().to_lowercase();
        if !valid_tag(&tag) {
            errors.push(FieldError::new(
                format!("tags[{i}]"),
                "invalid_tag",
                "tags are 1 to 32 letters, digits or '-', starting with a letter or digit",
            ));
        } else if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        errors.push(FieldError::new(
            "tags",
            "too_many_tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    tags
}

impl TryFrom<CreateThreadRequest> for NewThreadInput {
    type Error = ApiError;

    fn try_from(req: CreateThreadRequest) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let title = check_title(&req.title, &mut errors);
        check_body(&req.body, &mut errors);
        let tags = check_tags(&req.tags, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(Self {
            kind: req.kind,
            title,
            body: req.body,
            tags,
        })
    }
}

impl TryFrom<UpdateThreadRequest> for ThreadPatch {
    type Error = ApiError;

    fn try_from(req: UpdateThreadRequest) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let title = req.title.map(|t| check_title(&t, &mut errors));
        let tags = req.tags.map(|t| check_tags(&t, &mut errors));
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(Self {
            title,
            tags,
            kind: req.kind,
        })
    }
}

/// The start of a quoted post's Markdown.
pub fn excerpt(body: &str) -> String {
    body.chars().take(EXCERPT_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_lowercased_deduplicated_and_checked() {
        let mut errors = Vec::new();
        let tags = check_tags(
            &["Safety".into(), "safety".into(), "ohs-2026".into()],
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(tags, vec!["safety", "ohs-2026"]);
        check_tags(&["-x".into(), "a b".into(), "x".repeat(33)], &mut errors);
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn titles_are_trimmed_and_measured() {
        let mut errors = Vec::new();
        assert_eq!(check_title("  Hello  ", &mut errors), "Hello");
        check_title(" ab ", &mut errors);
        assert_eq!(errors.len(), 1);
    }
}
