//! Threads, posts and their closed vocabularies, as stored.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{post_revisions, posts, threads};
use crate::error::{ApiError, Fields};
use crate::forums::markdown::Rendered;
use crate::http::etag::{self, Versioned};
use crate::types::{CommunityId, PostId, ResourceId, ThreadId, UserId};

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
crate::vocabulary! {
    /// What a thread is for.
    pub enum ThreadKind {
        /// A conversation.
        Discussion => "discussion",
        /// A question; one reply may be accepted as the answer.
        Question => "question",
    }
}

crate::vocabulary! {
    /// A reaction to a post.
    pub enum ReactionKind {
        /// Likes it.
        Like => "like",
        /// Thanks the author.
        Thanks => "thanks",
        /// Found it insightful.
        Insightful => "insightful",
    }
}

/// A thread row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = threads)]
pub struct Thread {
    pub id: ThreadId,
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub kind: ThreadKind,
    pub title: String,
    pub tags: String,
    pub pinned: bool,
    pub locked: bool,
    pub first_post_id: Option<PostId>,
    pub accepted_post_id: Option<PostId>,
    pub reply_count: i32,
    pub last_post_id: Option<PostId>,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    /// Bumped by every change of what the thread's answer shows (its opening post and
    /// counters included).
    pub version: i64,
    /// Posts ever written in the thread, tombstones and hidden ones included: the last
    /// post's `seq`.
    pub post_count: i64,
    /// Posts not deleted (what a reader who sees hidden posts counts).
    pub live_count: i64,
    /// Posts neither deleted nor hidden.
    pub visible_count: i64,
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

etag::versioned_row!(Thread, "thread");

/// The entity tag of version `version` of thread `id`. A logged-in reader's answer also
/// shows where their reading stopped (`last_read`, `None` when never read), so their tag
/// names it too: reading a thread changes the reader's answer, not the thread's version
/// (and [`Versioned::check_if_match`] accepts the tag of any reader).
pub fn thread_etag(id: ThreadId, version: i64, reader: Option<Option<PostId>>) -> String {
    let variant = reader.map(|last| format!("r{}", last.map_or(0, PostId::get)));
    etag::versioned(Thread::KIND, id.get(), version, variant.as_deref())
}

/// The entity tag of version `version` of post `id`.
pub fn post_etag(id: PostId, version: i64) -> String {
    etag::versioned(Post::KIND, id.get(), version, None)
}

/// A new thread.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = threads)]
pub struct NewThread {
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub kind: ThreadKind,
    pub title: String,
    pub tags: String,
    pub last_activity_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A post row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: PostId,
    pub thread_id: ThreadId,
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub is_first: bool,
    pub body: String,
    pub body_html: String,
    pub quote_post_id: Option<PostId>,
    pub like_count: i32,
    pub thanks_count: i32,
    pub insightful_count: i32,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_by: Option<UserId>,
    /// Bumped by every change of what the post's answer shows.
    pub version: i64,
    /// The language the post is written in (BCP 47): its author's choice, else detected.
    pub language: String,
    /// Its place in its thread (1 for the opening post), fixed when it is written.
    pub seq: i64,
}

etag::versioned_row!(Post, "post");

/// A new post.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost {
    pub thread_id: ThreadId,
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub is_first: bool,
    pub body: String,
    pub body_html: String,
    pub quote_post_id: Option<PostId>,
    pub created_at: NaiveDateTime,
    pub language: String,
    /// The thread's `post_count` + 1.
    pub seq: i64,
}

/// An earlier version of a post.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = post_revisions)]
pub struct NewRevision {
    pub post_id: PostId,
    pub editor_id: UserId,
    pub body: String,
    pub written_at: NaiveDateTime,
    pub replaced_at: NaiveDateTime,
}

/// Changes to a thread; `None` leaves a column alone. Writing any bumps the version.
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = threads)]
pub struct ThreadChanges {
    pub kind: Option<ThreadKind>,
    pub title: Option<String>,
    pub pinned: Option<bool>,
    pub locked: Option<bool>,
    pub first_post_id: Option<Option<PostId>>,
    pub accepted_post_id: Option<Option<PostId>>,
    pub reply_count: Option<i32>,
    pub last_post_id: Option<Option<PostId>>,
    pub last_activity_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
    pub post_count: Option<i64>,
    pub live_count: Option<i64>,
    pub visible_count: Option<i64>,
}

impl ThreadChanges {
    /// Whether nothing is to change.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Changes to a post; `None` leaves a column alone. Writing any bumps the version.
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = posts)]
pub struct PostChanges {
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub edited_at: Option<Option<NaiveDateTime>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
    pub hidden_at: Option<Option<NaiveDateTime>>,
    pub hidden_by: Option<Option<UserId>>,
    pub language: Option<String>,
}

/// A checked new thread, its opening post already rendered.
#[derive(Debug, Clone)]
pub struct NewThreadInput {
    pub kind: ThreadKind,
    pub title: String,
    pub body: Rendered,
    pub tags: Vec<String>,
    /// Library resources the opening post embeds, in order.
    pub resources: Vec<ResourceId>,
    /// The opening post's language, one of the platform's (`None`: detection was unsure,
    /// the author's or the community's language is taken; see `post_translations`).
    pub language: Option<String>,
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
    /// Library resources the post embeds, in order.
    pub resources: Vec<ResourceId>,
    /// The post's language, one of the platform's (`None`: detection was unsure, the
    /// author's or the community's language is taken; see `post_translations`).
    pub language: Option<String>,
}

/// A checked edit of a post, already rendered.
#[derive(Debug, Clone)]
pub struct PostEdit {
    pub body: Rendered,
    /// The library resources it embeds from now on (`None`: as they are).
    pub resources: Option<Vec<ResourceId>>,
    /// The post's language from now on (`None`: as it is).
    pub language: Option<String>,
}

/// Most library resources one post embeds.
pub const MAX_POST_RESOURCES: usize = 5;

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

impl NewThreadInput {
    /// A new thread, every field checked (422 with all the errors at once) and the opening
    /// post rendered. Other domains that open threads (a cohort's announcements) build
    /// theirs here, so they are refused exactly where a thread would be.
    pub fn new(
        kind: ThreadKind,
        title: &str,
        body: String,
        tags: &[String],
        resources: Vec<ResourceId>,
    ) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let title = check_title(title, &mut fields);
        let body = check_body(body, &mut fields);
        let tags = check_tags(tags, &mut fields);
        fields.distinct("resource_ids", &resources, MAX_POST_RESOURCES);
        fields.finish_with(|| {
            Some(Self {
                kind,
                title: title?,
                body: body?,
                tags,
                resources,
                language: None,
            })
        })
    }
}

impl ThreadPatch {
    /// A thread change, the fields given checked.
    pub fn new(
        title: Option<&str>,
        tags: Option<&[String]>,
        kind: Option<ThreadKind>,
    ) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let title = title.map(|t| check_title(t, &mut fields));
        let tags = tags.map(|t| check_tags(t, &mut fields));
        fields.finish_with(|| {
            Some(Self {
                title: title.map(|t| t.unwrap_or_default()),
                tags,
                kind,
            })
        })
    }
}

impl NewPostInput {
    /// A reply, its body checked and rendered.
    pub fn new(
        body: String,
        quote_post_id: Option<PostId>,
        resources: Vec<ResourceId>,
    ) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let body = check_body(body, &mut fields);
        fields.distinct("resource_ids", &resources, MAX_POST_RESOURCES);
        fields.finish_with(|| {
            Some(Self {
                body: body?,
                quote_post_id,
                resources,
                language: None,
            })
        })
    }
}

impl PostEdit {
    /// An edit, its body checked and rendered.
    pub fn new(body: String, resources: Option<Vec<ResourceId>>) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let body = check_body(body, &mut fields);
        if let Some(ids) = &resources {
            fields.distinct("resource_ids", ids, MAX_POST_RESOURCES);
        }
        fields.finish_with(|| {
            Some(Self {
                body: body?,
                resources,
                language: None,
            })
        })
    }
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
}
