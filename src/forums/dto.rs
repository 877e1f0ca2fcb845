//! Requests and answers of the forums' endpoints.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Fields};
use crate::forums::markdown::Rendered;
use crate::forums::model::{ReactionKind, ThreadKind, post_etag, thread_etag};
use crate::http::pagination::{PageRequest, TimeKey};
use crate::types::{CommunityId, PostId, ThreadId, UserId};

/// Longest post body, in characters.
pub const MAX_BODY: usize = 20_000;
/// Most members one post may mention: each is a notification (and maybe an email) written
/// inside the write transaction.
pub const MAX_MENTIONS: usize = 50;
/// Shortest thread title, in characters (trimmed).
pub const MIN_TITLE: usize = 3;
/// Longest thread title, in characters.
pub const MAX_TITLE: usize = 200;
/// Most tags on a thread (and in a request).
pub const MAX_TAGS: usize = 5;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 32;
/// Longest quote excerpt, in characters.
pub const EXCERPT_CHARS: usize = 200;

/// A member as posts and threads name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserRef {
    #[schema(value_type = i64)]
    pub id: UserId,
    /// The current display name.
    pub display_name: String,
}

/// A thread as lists show it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ThreadSummary {
    #[schema(value_type = i64)]
    pub id: ThreadId,
    #[schema(value_type = i64)]
    pub community_id: CommunityId,
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
    #[schema(value_type = Option<i64>)]
    pub accepted_post_id: Option<PostId>,
    /// The newest post (tombstones included).
    #[schema(value_type = Option<i64>)]
    pub last_post_id: Option<PostId>,
    pub last_activity_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Posts the caller has not read yet; `null` when not logged in.
    pub unread_count: Option<i64>,
    /// The last post the caller read; `null` when never read or not logged in.
    #[schema(value_type = Option<i64>)]
    pub last_read_post_id: Option<PostId>,
}

/// The community a thread is in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunityRef {
    #[schema(value_type = i64)]
    pub id: CommunityId,
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
    #[schema(value_type = Option<i64>)]
    pub first_unread_post_id: Option<PostId>,
    /// The version the entity tag is made from (not sent).
    #[serde(skip)]
    pub version: i64,
}

impl ThreadResponse {
    /// The entity tag of this answer ([`thread_etag`]).
    pub fn etag(&self) -> String {
        let reader = self
            .summary
            .unread_count
            .map(|_| self.summary.last_read_post_id);
        thread_etag(self.summary.id, self.version, reader)
    }
}

/// The post a reply quotes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuoteResponse {
    #[schema(value_type = i64)]
    pub post_id: PostId,
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
    #[schema(value_type = i64)]
    pub id: PostId,
    #[schema(value_type = i64)]
    pub thread_id: ThreadId,
    #[schema(value_type = i64)]
    pub community_id: CommunityId,
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
    /// The version the entity tag is made from (not sent).
    #[serde(skip)]
    pub version: i64,
}

impl PostResponse {
    /// The entity tag of this answer ([`post_etag`]).
    pub fn etag(&self) -> String {
        post_etag(self.id, self.version)
    }
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
    #[schema(value_type = i64)]
    pub last_read_post_id: PostId,
    pub unread_count: i64,
}

/// Body of `POST /api/v1/communities/{id}/threads`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateThreadRequest {
    pub kind: ThreadKind,
    /// 3 to 200 characters (trimmed).
    #[schema(min_length = 3, max_length = 200)]
    pub title: String,
    /// Markdown, 1 to 20,000 characters; mention members with `<@id>` (at most 50).
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
    /// At most 5 tags (repeats included), each `^[a-z0-9][a-z0-9-]{0,31}$` once trimmed
    /// and lower-cased; a repeated tag is kept once.
    #[serde(default)]
    #[schema(max_items = 5, min_length = 1, max_length = 32)]
    pub tags: Vec<String>,
}

/// Body of `PATCH /api/v1/threads/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateThreadRequest {
    /// 3 to 200 characters (trimmed).
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, min_length = 3, max_length = 200)]
    pub title: Option<String>,
    /// Replaces the tags: at most 5, as when creating.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, max_items = 5, min_length = 1, max_length = 32)]
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
    /// Markdown, 1 to 20,000 characters; mention members with `<@id>` (at most 50).
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
    /// A visible post of the same thread to quote.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub quote_post_id: Option<PostId>,
}

/// Body of `PATCH /api/v1/posts/{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePostRequest {
    /// The new Markdown, 1 to 20,000 characters (at most 50 mentions).
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
}

/// Body of `PUT /api/v1/threads/{id}/accepted-answer`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptAnswerRequest {
    /// A visible reply of this thread.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(value_type = i64)]
    pub post_id: PostId,
}

/// Body of `PUT /api/v1/threads/{id}/read-state`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadStateRequest {
    /// A post of this thread; the read state only moves forward.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(value_type = i64)]
    pub last_read_post_id: PostId,
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
    #[param(value_type = Option<i64>)]
    pub from_post_id: Option<PostId>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The sort thread cursors are made for.
pub const THREAD_SORT: &str = "activity";
/// The sort post cursors are made for.
pub const POST_SORT: &str = "id";
/// The sort revision cursors are made for.
pub const REVISION_SORT: &str = "-id";

/// A checked thread list request.
#[derive(Debug, Clone)]
pub struct ThreadListInput {
    pub kind: Option<ThreadKind>,
    /// Lower-cased and trimmed.
    pub tag: Option<String>,
    /// A tag no thread can carry: the list is empty without asking the database.
    pub impossible_tag: bool,
    /// (pinned, last activity) and id of the last thread of the previous page.
    pub page: PageRequest<(bool, TimeKey)>,
}

impl TryFrom<ListThreadsQuery> for ThreadListInput {
    type Error = ApiError;

    fn try_from(query: ListThreadsQuery) -> Result<Self, ApiError> {
        let page = PageRequest::parse(query.limit, query.cursor.as_deref(), THREAD_SORT)?;
        let tag = query.tag.map(|t| t.trim().to_lowercase());
        Ok(Self {
            kind: query.kind,
            impossible_tag: tag.as_deref().is_some_and(|t| !valid_tag(t)),
            tag,
            page,
        })
    }
}

/// A checked post list request.
#[derive(Debug, Clone)]
pub struct PostListInput {
    /// Start the first page at this post (inclusive).
    pub from: Option<PostId>,
    pub page: PageRequest<()>,
}

impl TryFrom<ListPostsQuery> for PostListInput {
    type Error = ApiError;

    fn try_from(query: ListPostsQuery) -> Result<Self, ApiError> {
        Ok(Self {
            from: query.from_post_id,
            page: PageRequest::parse(query.limit, query.cursor.as_deref(), POST_SORT)?,
        })
    }
}

/// A checked new thread, its opening post already rendered.
#[derive(Debug, Clone)]
pub struct NewThreadInput {
    pub kind: ThreadKind,
    pub title: String,
    pub body: Rendered,
    pub tags: Vec<String>,
}

/// A checked thread change.
#[derive(Debug, Clone, Default)]
pub struct ThreadPatch {
    pub title: Option<String>,
    pub tags: Option<Vec<String>>,
    pub kind: Option<ThreadKind>,
}

/// A checked reply, already rendered.
#[derive(Debug, Clone)]
pub struct NewPostInput {
    pub body: Rendered,
    pub quote_post_id: Option<PostId>,
}

/// A checked edit of a post, already rendered.
#[derive(Debug, Clone)]
pub struct PostEdit {
    pub body: Rendered,
}

fn check_title(raw: &str, fields: &mut Fields) -> Option<String> {
    let code = if raw.chars().any(char::is_control) {
        "control_characters"
    } else {
        "invalid_length"
    };
    fields.check(
        "title",
        code,
        crate::types::text::clean_line(raw, MIN_TITLE, MAX_TITLE),
    )
}

/// Checks a post body (1 to 20,000 characters, not only white space, at most 50 mentions)
/// and renders it.
fn check_body(raw: String, fields: &mut Fields) -> Option<Rendered> {
    if crate::types::text::at_most_chars(&raw, MAX_BODY).is_err() {
        fields.push(
            "body",
            "too_long",
            format!("must be at most {MAX_BODY} characters"),
        );
    } else if crate::types::text::has_stray_controls(&raw) {
        fields.push(
            "body",
            "control_characters",
            "must not contain control characters other than line breaks",
        );
    } else if raw.trim().is_empty() {
        fields.push("body", "blank", "must not be empty");
    } else {
        let rendered = Rendered::new(raw);
        if rendered.mentions().len() > MAX_MENTIONS {
            fields.push(
                "body",
                "too_many_mentions",
                format!("may mention at most {MAX_MENTIONS} members"),
            );
            return None;
        }
        return Some(rendered);
    }
    None
}

/// Whether `tag` (lower-cased, trimmed) is a tag a thread can carry.
pub fn valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_TAG_CHARS
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// The tags, trimmed, lower-cased and each once, in the order given. The list's length is
/// checked first (at most [`MAX_TAGS`] as sent, duplicates included), so a huge list costs
/// nothing; duplicates are found with a set.
fn check_tags(raw: &[String], fields: &mut Fields) -> Vec<String> {
    if !fields.at_most("tags", "too_many_tags", raw.len(), MAX_TAGS) {
        return Vec::new();
    }
    let mut tags: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for (i, t) in raw.iter().enumerate() {
        let tag = crate::types::text::at_most_chars(t, MAX_TAG_CHARS)
            .map(|t| t.trim().to_lowercase())
            .ok()
            .filter(|tag| valid_tag(tag));
        match tag {
            None => fields.push(
                &format!("tags[{i}]"),
                "invalid_tag",
                "tags are 1 to 32 letters, digits or '-', starting with a letter or digit",
            ),
            Some(tag) => {
                if seen.insert(tag.clone()) {
                    tags.push(tag);
                }
            }
        }
    }
    tags
}

impl TryFrom<CreateThreadRequest> for NewThreadInput {
    type Error = ApiError;

    fn try_from(req: CreateThreadRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let title = check_title(&req.title, &mut fields);
        let body = check_body(req.body, &mut fields);
        let tags = check_tags(&req.tags, &mut fields);
        fields.finish_with(|| {
            Some(Self {
                kind: req.kind,
                title: title?,
                body: body?,
                tags,
            })
        })
    }
}

impl TryFrom<UpdateThreadRequest> for ThreadPatch {
    type Error = ApiError;

    fn try_from(req: UpdateThreadRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let title = req.title.map(|t| check_title(&t, &mut fields));
        let tags = req.tags.map(|t| check_tags(&t, &mut fields));
        fields.finish_with(|| {
            Some(Self {
                title: title.map(|t| t.unwrap_or_default()),
                tags,
                kind: req.kind,
            })
        })
    }
}

impl TryFrom<CreatePostRequest> for NewPostInput {
    type Error = ApiError;

    fn try_from(req: CreatePostRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let body = check_body(req.body, &mut fields);
        fields.finish_with(|| {
            Some(Self {
                body: body?,
                quote_post_id: req.quote_post_id,
            })
        })
    }
}

impl TryFrom<UpdatePostRequest> for PostEdit {
    type Error = ApiError;

    fn try_from(req: UpdatePostRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let body = check_body(req.body, &mut fields);
        fields.finish_with(|| Some(Self { body: body? }))
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
        let mut fields = Fields::default();
        let tags = check_tags(
            &["Safety".into(), "safety".into(), "ohs-2026".into()],
            &mut fields,
        );
        assert!(fields.is_empty());
        assert_eq!(tags, vec!["safety", "ohs-2026"]);
        check_tags(&["-x".into(), "a b".into(), "x".repeat(33)], &mut fields);
        let Err(ApiError::Validation(errors)) = fields.finish() else {
            panic!("three tags are invalid");
        };
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn tag_lists_are_bounded_before_they_are_read() {
        let mut fields = Fields::default();
        let many: Vec<String> = (0..38_000).map(|i| format!("t{i}")).collect();
        assert!(check_tags(&many, &mut fields).is_empty());
        let Err(ApiError::Validation(errors)) = fields.finish() else {
            panic!("too many tags");
        };
        assert_eq!(errors.len(), 1, "one error, not one per tag");
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("tags", "too_many_tags")
        );
        // Duplicates count as sent: six entries are too many even if they fold to one.
        let mut fields = Fields::default();
        check_tags(&vec!["a".to_owned(); MAX_TAGS + 1], &mut fields);
        assert!(!fields.is_empty());
        // A tag is at most 32 characters as sent, white space included.
        let mut fields = Fields::default();
        check_tags(&[format!("{}x", " ".repeat(MAX_TAG_CHARS))], &mut fields);
        assert!(!fields.is_empty());
    }

    #[test]
    fn mentions_are_bounded() {
        let body = |n: usize| {
            (1..=n)
                .map(|i| format!("<@{i}>"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert!(
            NewPostInput::try_from(CreatePostRequest {
                body: body(MAX_MENTIONS),
                quote_post_id: None,
            })
            .is_ok()
        );
        let Err(ApiError::Validation(errors)) = NewPostInput::try_from(CreatePostRequest {
            body: body(MAX_MENTIONS + 1),
            quote_post_id: None,
        }) else {
            panic!("too many mentions");
        };
        assert_eq!(errors[0].code, "too_many_mentions");
    }

    #[test]
    fn documented_limits_are_the_checked_ones() {
        crate::openapi::assert_documented_limits(&[
            ("CreateThreadRequest", "title", "minLength", MIN_TITLE),
            ("CreateThreadRequest", "title", "maxLength", MAX_TITLE),
            ("CreateThreadRequest", "body", "maxLength", MAX_BODY),
            ("CreateThreadRequest", "tags", "maxItems", MAX_TAGS),
            ("CreateThreadRequest", "tags[]", "maxLength", MAX_TAG_CHARS),
            ("UpdateThreadRequest", "title", "minLength", MIN_TITLE),
            ("UpdateThreadRequest", "title", "maxLength", MAX_TITLE),
            ("UpdateThreadRequest", "tags", "maxItems", MAX_TAGS),
            ("UpdateThreadRequest", "tags[]", "maxLength", MAX_TAG_CHARS),
            ("CreatePostRequest", "body", "maxLength", MAX_BODY),
            ("UpdatePostRequest", "body", "maxLength", MAX_BODY),
        ]);
    }

    #[test]
    fn titles_are_trimmed_and_measured() {
        let mut fields = Fields::default();
        assert_eq!(
            check_title("  Hello  ", &mut fields).as_deref(),
            Some("Hello")
        );
        assert!(fields.is_empty());
        assert_eq!(check_title(" ab ", &mut fields), None);
        assert!(!fields.is_empty());
    }

    #[test]
    fn bodies_are_rendered_when_parsed() {
        let input = NewPostInput::try_from(CreatePostRequest {
            body: "**hi** <@7>".to_owned(),
            quote_post_id: None,
        })
        .unwrap();
        assert_eq!(input.body.mentions(), &[UserId(7)]);
        assert_eq!(
            input.body.resolve(&Default::default()),
            "<p><strong>hi</strong> &lt;@7&gt;</p>\n"
        );
        assert!(
            NewPostInput::try_from(CreatePostRequest {
                body: " ".to_owned(),
                quote_post_id: None,
            })
            .is_err()
        );
    }
}
