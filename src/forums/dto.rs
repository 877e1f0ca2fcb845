//! Requests and answers of the forums' endpoints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::forums::model::{
    NewPostInput, NewThreadInput, PostEdit, ReactionKind, ThreadKind, ThreadPatch, post_etag,
    thread_etag, valid_tag,
};
use crate::http::pagination::{PageRequest, TimeKey};
use crate::library::model::ResourceEmbed;
use crate::post_translations::model::{Original, ShownTranslation};
use crate::types::{CommunityId, PostId, ResourceId, ThreadId, UserId};

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
        let tag = thread_etag(self.summary.id, self.version, reader);
        // A translated opening post: its translation's language and version too.
        match self
            .first_post
            .as_ref()
            .and_then(|p| p.translation.as_ref())
        {
            Some(t) => format!(
                "{}-{}-t{}\"",
                tag.trim_end_matches('"'),
                t.language,
                t.version
            ),
            None => tag,
        }
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
    /// The library resources the post embeds that the caller may read, in order, each in
    /// the caller's profile language (else the resource's default language).
    pub resources: Vec<ResourceEmbed>,
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
    /// The language of `body` and `body_html` in this answer (BCP 47): the post's own, or
    /// the translation's when the reader's language picked one.
    pub language: String,
    /// The original's language when `body` is a translation (read the original with
    /// `?lang=` set to it); `null` for the original.
    #[serde(default)]
    pub translated_from: Option<String>,
    /// The translation shown, when `body` is one; `null` for the original.
    #[serde(default)]
    pub translation: Option<PostTranslationRef>,
}

/// The translation a post's answer shows in place of the original.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostTranslationRef {
    /// Its language (BCP 47).
    pub language: String,
    /// `member` (written by a member) or `machine` (the configured machine-translation
    /// service).
    pub origin: String,
    /// The member who wrote it; `null` for a machine translation.
    pub translator: Option<UserRef>,
    /// The post was edited after the text translated here: the original is newer.
    pub outdated: bool,
    /// When the original was last written (the post's `edited_at`, else `created_at`),
    /// only when `outdated` (the date of the newer original); `null` for a current
    /// translation.
    pub source_updated_at: Option<DateTime<Utc>>,
    /// When the translation was written or last replaced.
    pub updated_at: DateTime<Utc>,
    /// The translation's version (in the post answer's entity tag).
    #[serde(skip)]
    pub version: i64,
}

impl PostResponse {
    /// What the choice of a translation needs of this post.
    pub fn original(&self) -> Original<'_> {
        Original {
            id: self.id,
            language: &self.language,
            markdown: &self.body,
            written_at: self.edited_at.unwrap_or(self.created_at).naive_utc(),
            visible: !self.deleted && !self.hidden,
        }
    }

    /// Shows translation `t` in place of the original text.
    pub fn show(&mut self, t: ShownTranslation) {
        let (outdated, source_updated_at) = t.staleness.answer();
        self.translation = Some(PostTranslationRef {
            language: t.language.clone(),
            origin: t.origin.as_str().to_owned(),
            translator: t
                .translator
                .map(|(id, display_name)| UserRef { id, display_name }),
            outdated,
            source_updated_at,
            updated_at: t.updated_at.and_utc(),
            version: t.version,
        });
        self.translated_from = Some(std::mem::replace(&mut self.language, t.language));
        self.body = t.body;
        self.body_html = t.body_html;
    }

    /// The entity tag of this answer ([`post_etag`]); a translated answer's tag also names
    /// the translation's language and version.
    pub fn etag(&self) -> String {
        match &self.translation {
            None => post_etag(self.id, self.version),
            Some(t) => crate::http::etag::versioned(
                "post",
                self.id.get(),
                self.version,
                Some(&format!("{}-t{}", t.language, t.version)),
            ),
        }
    }
}

/// A post that embeds a library resource.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResourcePostItem {
    #[schema(value_type = i64)]
    pub post_id: PostId,
    #[schema(value_type = i64)]
    pub thread_id: ThreadId,
    pub thread_title: String,
    pub community: CommunityRef,
    pub created_at: DateTime<Utc>,
    /// The post in the API.
    pub href: String,
}

/// Sort name of the posts embedding a resource (in cursors).
pub const RESOURCE_POSTS_SORT: &str = "-post";

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
    /// Library resources the opening post embeds, in order: at most 5, each once, each one
    /// the author may read (published, or their own).
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(value_type = Vec<i64>, max_items = 5)]
    pub resource_ids: Vec<ResourceId>,
    /// The post's language (BCP 47, one of the platform's `BAYANIHAN_LANGUAGES`); absent:
    /// detected from the text, else the author's preferred language, else the community's.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub language: Option<String>,
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
    /// Library resources the post embeds, in order: at most 5, each once, each one the
    /// author may read (published, or their own).
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(value_type = Vec<i64>, max_items = 5)]
    pub resource_ids: Vec<ResourceId>,
    /// The post's language (BCP 47, one of the platform's `BAYANIHAN_LANGUAGES`); absent:
    /// detected from the text, else the author's preferred language, else the community's.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub language: Option<String>,
}

/// Body of `PATCH /api/v1/posts/{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePostRequest {
    /// The new Markdown, 1 to 20,000 characters (at most 50 mentions).
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
    /// Replaces the library resources the post embeds (at most 5, as when posting);
    /// absent: they stay as they are.
    #[serde(default, deserialize_with = "crate::http::json::present_int_list")]
    #[schema(value_type = Option<Vec<i64>>, nullable = false, max_items = 5)]
    pub resource_ids: Option<Vec<ResourceId>>,
    /// The post's language from now on (one of the platform's); absent: it stays as it is
    /// (an edit does not detect it again).
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(
        nullable = false,
        pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$",
        max_length = 35
    )]
    pub language: Option<String>,
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
    /// The reader's language (BCP 47): posts with a published translation into it are
    /// answered in it; overrides `Accept-Language`, which overrides a logged-in reader's
    /// `preferred_language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
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

impl TryFrom<CreateThreadRequest> for NewThreadInput {
    type Error = ApiError;

    fn try_from(req: CreateThreadRequest) -> Result<Self, ApiError> {
        Self::new(req.kind, &req.title, req.body, &req.tags, req.resource_ids)
    }
}

impl TryFrom<UpdateThreadRequest> for ThreadPatch {
    type Error = ApiError;

    fn try_from(req: UpdateThreadRequest) -> Result<Self, ApiError> {
        Self::new(req.title.as_deref(), req.tags.as_deref(), req.kind)
    }
}

impl TryFrom<CreatePostRequest> for NewPostInput {
    type Error = ApiError;

    fn try_from(req: CreatePostRequest) -> Result<Self, ApiError> {
        Self::new(req.body, req.quote_post_id, req.resource_ids)
    }
}

impl TryFrom<UpdatePostRequest> for PostEdit {
    type Error = ApiError;

    fn try_from(req: UpdatePostRequest) -> Result<Self, ApiError> {
        Self::new(req.body, req.resource_ids)
    }
}

/// The start of a quoted post's Markdown.
pub fn excerpt(body: &str) -> String {
    body.chars().take(EXCERPT_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forums::model::{
        MAX_BODY, MAX_MENTIONS, MAX_POST_RESOURCES, MAX_TAG_CHARS, MAX_TAGS, MAX_TITLE, MIN_TITLE,
    };

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
                resource_ids: Vec::new(),
                language: None,
            })
            .is_ok()
        );
        let Err(ApiError::Validation(errors)) = NewPostInput::try_from(CreatePostRequest {
            body: body(MAX_MENTIONS + 1),
            quote_post_id: None,
            resource_ids: Vec::new(),
            language: None,
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
            (
                "CreateThreadRequest",
                "resource_ids",
                "maxItems",
                MAX_POST_RESOURCES,
            ),
            (
                "CreatePostRequest",
                "resource_ids",
                "maxItems",
                MAX_POST_RESOURCES,
            ),
            (
                "UpdatePostRequest",
                "resource_ids",
                "maxItems",
                MAX_POST_RESOURCES,
            ),
        ]);
    }

    #[test]
    fn bodies_are_rendered_when_parsed() {
        let input = NewPostInput::try_from(CreatePostRequest {
            body: "**hi** <@7>".to_owned(),
            quote_post_id: None,
            resource_ids: Vec::new(),
            language: None,
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
                resource_ids: Vec::new(),
                language: None,
            })
            .is_err()
        );
    }
}
