//! What the course endpoints read and write, and the checks of each field.

use std::collections::HashSet;
use std::hash::Hash;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::courses::model::{
    CourseStatus, Format, Lesson, LessonKind, LessonTranslation, Level, Visibility,
};
use crate::error::{ApiError, FieldError, Fields};
use crate::types::ids::{CourseId, LessonId, ModuleId, UserId};
use crate::types::markdown::to_safe_html;
use crate::types::split_tags;
use crate::types::text::{at_most_chars, clean_block, clean_line, is_slug, web_address};
use crate::types::topic::check_topics;
use crate::types::{LanguageTag, Licence};

// The limits of course bodies; `documented_limits_are_the_checked_ones` below ties each to
// the number the OpenAPI schema states.
const MAX_SLUG_CHARS: usize = 80;
const MAX_TITLE_CHARS: usize = 200;
const MAX_SUMMARY_CHARS: usize = 1_000;
const MAX_DESCRIPTION_CHARS: usize = 20_000;
const MAX_CONTENT_CHARS: usize = 100_000;
const MAX_URL_CHARS: usize = 2_000;
const MAX_MEDIA_TYPE_CHARS: usize = 100;
const MAX_CAPTIONS: usize = 30;
const MAX_HOURS: f64 = 1_000.0;
const MAX_CAPACITY: i32 = 1_000_000;
const MAX_MINUTES: i32 = 10_000;
/// Most modules in a course: so an order of them (`PUT …/modules/order`) is bounded too.
pub const MAX_MODULES: usize = 100;
/// Most lessons in a module: so an order of them (`PUT …/lessons/order`) is bounded too.
pub const MAX_LESSONS: usize = 100;

// ---------------------------------------------------------------- responses

/// A course as the catalogue lists it, in the reader's language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseSummary {
    #[schema(value_type = i64)]
    pub id: CourseId,
    /// Unique, lower-case words joined by `-`.
    pub slug: String,
    /// The language the course was written in; every text falls back to it.
    pub default_language: String,
    /// The language of `title`, `summary` (and `description`).
    pub language: String,
    /// Every language the course's texts exist in.
    pub available_languages: Vec<String>,
    pub title: String,
    pub summary: String,
    pub topics: Vec<String>,
    pub level: Level,
    pub format: Format,
    pub estimated_hours: Option<f64>,
    /// An SPDX id from the known list (`null`: none stated).
    #[schema(value_type = Option<Licence>)]
    pub licence: Option<String>,
    pub status: CourseStatus,
    pub visibility: Visibility,
    /// Most learners enrolled at once; `null` for no limit.
    pub capacity: Option<i32>,
    pub enrolment_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// A removed course or lesson in a sync answer (`updated_since` with `include_deleted`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Tombstone {
    pub id: i64,
    /// Always `true`.
    pub deleted: bool,
    pub updated_at: DateTime<Utc>,
}

/// An item of the catalogue: a course, or a tombstone in sync answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum CatalogueItem {
    Course(Box<CourseSummary>),
    Deleted(Tombstone),
}

/// An item of a course's lesson list: a lesson, or a tombstone in sync answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum LessonItem {
    Lesson(Box<LessonResponse>),
    Deleted(Tombstone),
}

/// A course with its description, owners and outline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseResponse {
    #[serde(flatten)]
    pub summary: CourseSummary,
    /// Markdown, in `language`.
    pub description: String,
    /// User ids of the course's owners.
    #[schema(value_type = Vec<i64>)]
    pub owners: Vec<UserId>,
    /// Modules in order, with their lessons.
    pub modules: Vec<ModuleOutline>,
    /// Where the course came from when it was adapted from another or imported: the
    /// original's title, authors and licence (`null` for an original).
    pub attribution: Option<crate::courses::reuse::dto::AttributionResponse>,
    /// Of `title`, `summary` and `description`:
    /// `true` when these texts translate an older version of the original (the texts in
    /// the course's default language) than the current one: still answered, but the
    /// original has changed since (see `source_updated_at`).
    pub outdated: bool,
    /// When the original last changed in a way that outdates translations; given only when
    /// `outdated` is `true`.
    pub source_updated_at: Option<DateTime<Utc>>,
}

/// A module in a course outline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModuleOutline {
    #[schema(value_type = i64)]
    pub id: ModuleId,
    /// 1-based place in the course.
    pub position: i32,
    pub title: String,
    /// The language of `title`.
    pub language: String,
    /// `true` when `title` translates an older version of the original than the current
    /// one (see `source_updated_at`).
    pub outdated: bool,
    /// When the original title last changed in a way that outdates translations; given only
    /// when `outdated` is `true`.
    pub source_updated_at: Option<DateTime<Utc>>,
    pub lessons: Vec<LessonOutline>,
}

/// A lesson in a course outline (no content).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LessonOutline {
    #[schema(value_type = i64)]
    pub id: LessonId,
    /// 1-based place in the module.
    pub position: i32,
    pub kind: LessonKind,
    pub title: String,
    /// The language of `title`.
    pub language: String,
    /// `true` when `title` translates an older version of the original than the current
    /// one (see `source_updated_at`).
    pub outdated: bool,
    /// When the original lesson last changed in a way that outdates translations; given
    /// only when `outdated` is `true`.
    pub source_updated_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    pub required: bool,
}

/// A module, as its authoring endpoints answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModuleResponse {
    #[schema(value_type = i64)]
    pub id: ModuleId,
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    pub position: i32,
    pub title: String,
    pub language: String,
    pub available_languages: Vec<String>,
    pub updated_at: DateTime<Utc>,
    /// Of `title`:
    /// `true` when these texts translate an older version of the original (the texts in
    /// the course's default language) than the current one: still answered, but the
    /// original has changed since (see `source_updated_at`).
    pub outdated: bool,
    /// When the original last changed in a way that outdates translations; given only when
    /// `outdated` is `true`.
    pub source_updated_at: Option<DateTime<Utc>>,
}

/// A lesson with its content, in the reader's language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LessonResponse {
    #[schema(value_type = i64)]
    pub id: LessonId,
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    #[schema(value_type = i64)]
    pub module_id: ModuleId,
    pub position: i32,
    pub kind: LessonKind,
    pub required: bool,
    pub title: String,
    /// Markdown as written (text lessons; notes for the others).
    pub content: String,
    /// `content` as sanitised HTML: no scripts, no event attributes, safe links only.
    pub content_html: String,
    /// The language of `title` and `content`.
    pub language: String,
    pub available_languages: Vec<String>,
    pub duration_minutes: Option<i32>,
    /// Video, link and file lessons.
    pub url: Option<String>,
    /// File lessons.
    pub size_bytes: Option<i64>,
    /// File lessons, e.g. `application/pdf`.
    pub media_type: Option<String>,
    /// Video lessons: the languages captions exist in.
    pub caption_languages: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Of `title` and `content`:
    /// `true` when these texts translate an older version of the original (the texts in
    /// the course's default language) than the current one: still answered, but the
    /// original has changed since (see `source_updated_at`).
    pub outdated: bool,
    /// When the original last changed in a way that outdates translations; given only when
    /// `outdated` is `true`.
    pub source_updated_at: Option<DateTime<Utc>>,
}

/// A time as answered.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A lesson in the language picked for the reader (`None`: it has no text at all yet).
#[derive(Debug, Clone)]
pub struct LessonView {
    pub lesson: Lesson,
    pub text: Option<LessonTranslation>,
    /// The course's default language, which the texts fall back to.
    pub default_language: String,
    pub available_languages: Vec<String>,
    /// Whether `text` translates an older version of the original.
    pub staleness: crate::translations::model::Staleness,
}

impl LessonView {
    /// The language of the lesson's texts as answered.
    pub fn language(&self) -> &str {
        self.text
            .as_ref()
            .map_or(self.default_language.as_str(), |t| t.language.as_str())
    }
}

impl From<LessonView> for LessonResponse {
    /// Renders the content's HTML: done outside any transaction.
    fn from(v: LessonView) -> Self {
        let l = v.lesson;
        let (outdated, source_updated_at) = v.staleness.answer();
        let (title, content, language) = match v.text {
            Some(t) => (t.title, t.content, t.language),
            None => (String::new(), String::new(), v.default_language),
        };
        Self {
            id: l.id,
            course_id: l.course_id,
            module_id: l.module_id,
            position: l.position,
            kind: l.kind,
            required: l.required,
            title,
            content_html: to_safe_html(&content),
            content,
            language,
            available_languages: v.available_languages,
            duration_minutes: l.duration_minutes,
            url: l.url,
            size_bytes: l.size_bytes,
            media_type: l.media_type,
            caption_languages: split_tags(&l.caption_languages),
            created_at: utc(l.created_at),
            updated_at: utc(l.updated_at),
            outdated,
            source_updated_at,
        }
    }
}

// ---------------------------------------------------------------- queries

crate::vocabulary! {
    /// Orders of the catalogue.
    #[derive(Default)]
    pub enum CourseSort {
        /// Most recently published first (the default; drafts: most recently created).
        #[default]
        Newest => "newest",
        /// By title in the course's default language, A to Z.
        Title => "title",
        /// Most enrolments first.
        Popular => "popular",
    }
}

/// Query of `GET /api/v1/courses`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListCoursesQuery {
    /// Text the title or summary contains (any case), in the first language asked for
    /// (else the course's default language). Title matches come first.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only courses with this topic, e.g. `platform-workers`.
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 40)]
    pub topic: Option<String>,
    /// Only courses whose texts exist in this language (BCP 47).
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub language: Option<String>,
    pub level: Option<Level>,
    pub format: Option<Format>,
    /// `published` (default, anyone); `draft` and `archived` list the caller's own courses
    /// (every course for coordinators and admins) and need a login.
    pub status: Option<CourseStatus>,
    /// `newest` (default), `title`, `popular`. Ignored with `updated_since`, which orders
    /// by change time.
    pub sort: Option<CourseSort>,
    /// Only courses changed at or after this time (RFC 3339), oldest change first.
    #[param(format = DateTime)]
    pub updated_since: Option<String>,
    /// With `updated_since`: also removed courses (deleted, or no longer in `status`) as
    /// tombstones `{"id", "deleted": true, "updated_at"}`.
    pub include_deleted: Option<bool>,
    /// The reader's language; overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub use crate::http::language::LangQuery;

/// Query of `GET /api/v1/courses/{id}/lessons`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListLessonsQuery {
    /// Only lessons changed at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub updated_since: Option<String>,
    /// With `updated_since`: also deleted lessons, as tombstones.
    pub include_deleted: Option<bool>,
    /// The reader's language; overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

// ---------------------------------------------------------------- requests

/// `POST /api/v1/courses`. The texts are the course's default-language translation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCourseRequest {
    /// Unique: lower-case letters, digits and `-`, e.g. `platform-workers-rights`.
    #[schema(max_length = 80, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: String,
    /// BCP 47 tag of the language the texts below are in.
    #[schema(value_type = LanguageTag)]
    pub default_language: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Plain text, at most 1,000 characters.
    #[schema(max_length = 1000)]
    pub summary: Option<String>,
    /// Markdown, at most 20,000 characters.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Tags such as `platform-workers`, `youth`, `osh`; at most 12 (as sent, duplicates
    /// included), each at most 40 characters.
    #[serde(default)]
    #[schema(max_items = 12, max_length = 40, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub topics: Vec<String>,
    pub level: Level,
    pub format: Format,
    /// Hours a learner needs, more than 0 and at most 1,000.
    #[schema(exclusive_minimum = 0, maximum = 1000)]
    pub estimated_hours: Option<f64>,
    /// An SPDX id from the known list, e.g. `CC-BY-4.0` (422 `invalid_licence` naming the
    /// allowed ids otherwise).
    #[schema(value_type = Option<Licence>)]
    pub licence: Option<String>,
    /// `public` (default) or `members`.
    pub visibility: Option<Visibility>,
    /// Most learners enrolled at once, 1 to 1,000,000; left out for no limit.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 1, maximum = 1000000)]
    pub capacity: Option<i32>,
}

/// `PATCH /api/v1/courses/{id}`: only the fields given change; `null` clears the optional
/// ones. Texts change with `PUT /api/v1/courses/{id}/translations/{language}`, the status
/// with `publish` and `archive`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCourseRequest {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(
        max_length = 80,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$",
        nullable = false
    )]
    pub slug: Option<String>,
    /// Must be a language the course has a translation in.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = LanguageTag, required = false)]
    pub default_language: Option<String>,
    /// Replaces the whole set: at most 12, as when creating.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(
        nullable = false,
        max_items = 12,
        max_length = 40,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub level: Option<Level>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub format: Option<Format>,
    /// More than 0 and at most 1,000; `null` clears it.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<f64>, exclusive_minimum = 0, maximum = 1000)]
    pub estimated_hours: Option<Option<f64>>,
    /// An SPDX id from the known list; `null` clears it.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<Licence>)]
    pub licence: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub visibility: Option<Visibility>,
    /// 1 to 1,000,000; `null` for no limit.
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 1000000)]
    pub capacity: Option<Option<i32>>,
}

/// `PUT /api/v1/courses/{id}/translations/{language}`: the course's texts in one language.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseTranslationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Plain text, at most 1,000 characters.
    #[schema(max_length = 1000)]
    pub summary: Option<String>,
    /// Markdown, at most 20,000 characters.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Only in the course's default language: `true` marks the change as minor (a typo),
    /// so that its translations stay complete; otherwise they become outdated.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub minor: Option<bool>,
}

/// `POST /api/v1/courses/{id}/modules`: a module at the end of the course.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateModuleRequest {
    /// In the course's default language.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
}

/// `PATCH /api/v1/modules/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateModuleRequest {
    /// In the course's default language.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Only in the course's default language: `true` marks the change as minor (a typo),
    /// so that its translations stay complete; otherwise they become outdated.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub minor: Option<bool>,
}

/// `PUT /api/v1/modules/{id}/translations/{language}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleTranslationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Only in the course's default language: `true` marks the change as minor (a typo),
    /// so that its translations stay complete; otherwise they become outdated.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub minor: Option<bool>,
}

/// `POST /api/v1/modules/{id}/lessons`: a lesson at the end of the module.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLessonRequest {
    pub kind: LessonKind,
    /// In the course's default language.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown, in the course's default language; at most 100,000 characters.
    #[schema(max_length = 100000)]
    pub content: Option<String>,
    /// Whether completing the course needs this lesson (default `true`).
    pub required: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 1, maximum = 10000)]
    pub duration_minutes: Option<i32>,
    /// Required for video, link and file lessons; http or https.
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// File lessons.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 0)]
    pub size_bytes: Option<i64>,
    /// File lessons, e.g. `application/pdf`.
    #[schema(max_length = 100)]
    pub media_type: Option<String>,
    /// Video lessons: BCP 47 tags of the captions, at most 30.
    #[schema(value_type = Option<Vec<LanguageTag>>, max_items = 30)]
    pub caption_languages: Option<Vec<String>>,
}

/// `PATCH /api/v1/lessons/{id}`: only the fields given change; `null` clears the optional
/// ones. The lesson as changed must still be valid for its kind.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLessonRequest {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub kind: Option<LessonKind>,
    /// In the course's default language.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Markdown, in the course's default language; at most 100,000 characters.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, max_length = 100000)]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub required: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 10000)]
    pub duration_minutes: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub size_bytes: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub media_type: Option<Option<String>>,
    /// At most 30.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Vec<LanguageTag>, required = false, max_items = 30)]
    pub caption_languages: Option<Vec<String>>,
    /// `true` marks the change as minor (a typo),
    /// so that its translations stay complete; otherwise they become outdated.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub minor: Option<bool>,
}

/// `PUT /api/v1/lessons/{id}/translations/{language}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonTranslationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown, at most 100,000 characters.
    #[schema(max_length = 100000)]
    pub content: Option<String>,
    /// Only in the course's default language: `true` marks the change as minor (a typo),
    /// so that its translations stay complete; otherwise they become outdated.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub minor: Option<bool>,
}

/// `PUT /api/v1/courses/{id}/modules/order`: every module of the course, in the new order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleOrderRequest {
    /// Every module id of the course, each once (a course has at most 100 modules).
    #[serde(deserialize_with = "crate::http::json::int_list")]
    #[schema(value_type = Vec<i64>, max_items = 100)]
    pub module_ids: Vec<ModuleId>,
}

impl ModuleOrderRequest {
    /// The ids, at most [`MAX_MODULES`] and each once; 422 on `module_ids` otherwise.
    pub fn parse(self) -> Result<Vec<ModuleId>, ApiError> {
        distinct_ids(
            self.module_ids,
            "module_ids",
            MAX_MODULES,
            "module of the course",
        )
    }
}

/// `PUT /api/v1/modules/{id}/lessons/order`: every lesson of the module, in the new order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonOrderRequest {
    /// Every lesson id of the module, each once (a module has at most 100 lessons).
    #[serde(deserialize_with = "crate::http::json::int_list")]
    #[schema(value_type = Vec<i64>, max_items = 100)]
    pub lesson_ids: Vec<LessonId>,
}

impl LessonOrderRequest {
    /// The ids, at most [`MAX_LESSONS`] and each once; 422 on `lesson_ids` otherwise.
    pub fn parse(self) -> Result<Vec<LessonId>, ApiError> {
        distinct_ids(
            self.lesson_ids,
            "lesson_ids",
            MAX_LESSONS,
            "lesson of the module",
        )
    }
}

/// The 422 for an order that does not list each item of the set exactly once.
pub fn order_mismatch(field: &str, what: &str) -> ApiError {
    ApiError::invalid_field(
        field,
        "order_mismatch",
        format!("must list every {what} exactly once, and nothing else"),
    )
}

/// `ids` when there are at most `max` (checked first: 422 `too_many_items`) and no id
/// repeats (found with a set: 422 `order_mismatch`), before any transaction.
fn distinct_ids<I: Eq + Hash + Copy>(
    ids: Vec<I>,
    field: &str,
    max: usize,
    what: &str,
) -> Result<Vec<I>, ApiError> {
    let mut f = Fields::default();
    if !f.at_most(field, "too_many_items", ids.len(), max) {
        f.finish()?;
    }
    let mut seen = HashSet::with_capacity(ids.len());
    if ids.iter().all(|id| seen.insert(*id)) {
        Ok(ids)
    } else {
        Err(order_mismatch(field, what))
    }
}

// ---------------------------------------------------------------- domain input

/// A course's own fields, each valid.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseFields {
    pub slug: String,
    pub default_language: String,
    pub topics: Vec<String>,
    pub level: Level,
    pub format: Format,
    pub estimated_hours: Option<f64>,
    pub licence: Option<String>,
    pub visibility: Visibility,
    pub capacity: Option<i32>,
}

/// Course texts in one language, each valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseTexts {
    pub title: String,
    pub summary: String,
    pub description: String,
}

/// A valid new course.
#[derive(Debug, Clone)]
pub struct NewCourseInput {
    pub fields: CourseFields,
    pub texts: CourseTexts,
}

/// A valid partial change of a course.
#[derive(Debug, Clone, Default)]
pub struct CoursePatch {
    pub slug: Option<String>,
    pub default_language: Option<String>,
    pub topics: Option<Vec<String>>,
    pub level: Option<Level>,
    pub format: Option<Format>,
    pub estimated_hours: Option<Option<f64>>,
    pub licence: Option<Option<String>>,
    pub visibility: Option<Visibility>,
    pub capacity: Option<Option<i32>>,
}

/// A lesson's own fields (not its texts), each valid and consistent with its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonFields {
    pub kind: LessonKind,
    pub required: bool,
    pub duration_minutes: Option<i32>,
    pub url: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    pub caption_languages: Vec<String>,
}

impl LessonFields {
    /// A lesson of `kind` with nothing set yet (required, as lessons are by default).
    pub fn empty(kind: LessonKind) -> Self {
        Self {
            kind,
            required: true,
            duration_minutes: None,
            url: None,
            size_bytes: None,
            media_type: None,
            caption_languages: Vec::new(),
        }
    }
}

/// A valid new lesson.
#[derive(Debug, Clone)]
pub struct NewLessonInput {
    pub fields: LessonFields,
    pub title: String,
    pub content: String,
}

/// A title: one line, 1 to 200 characters.
pub fn parse_title(raw: &str) -> Result<String, String> {
    clean_line(raw, 1, MAX_TITLE_CHARS)
}

fn parse_summary(raw: &str) -> Result<String, String> {
    clean_block(raw, MAX_SUMMARY_CHARS)
}

fn parse_description(raw: &str) -> Result<String, String> {
    clean_block(raw, MAX_DESCRIPTION_CHARS)
}

/// Lesson content (Markdown).
pub fn parse_content(raw: &str) -> Result<String, String> {
    clean_block(raw, MAX_CONTENT_CHARS)
}

/// A course slug.
pub fn parse_slug(raw: &str) -> Result<String, String> {
    if raw.len() <= MAX_SLUG_CHARS && is_slug(raw, '-') {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "must be lower-case letters, digits and single `-` between words, at most {MAX_SLUG_CHARS} characters, e.g. `platform-workers-rights`"
        ))
    }
}

/// A language tag in canonical case.
fn parse_language(raw: &str) -> Result<String, String> {
    LanguageTag::parse(raw).map(|t| t.as_str().to_owned())
}

fn parse_hours(raw: &f64) -> Result<f64, String> {
    if raw.is_finite() && *raw > 0.0 && *raw <= MAX_HOURS {
        Ok(*raw)
    } else {
        Err(format!("must be more than 0 and at most {MAX_HOURS}"))
    }
}

/// A licence: an SPDX id from the known list ([`Licence`]), spelt as SPDX spells it.
pub fn parse_licence(raw: &str) -> Result<String, String> {
    Licence::parse(raw)
        .map(|l| l.as_str().to_owned())
        .ok_or_else(|| {
            let known: Vec<&str> = Licence::ALL.iter().map(|l| l.as_str()).collect();
            format!(
                "must be an SPDX id from the known list: {}",
                known.join(", ")
            )
        })
}

fn parse_capacity(raw: &i32) -> Result<i32, String> {
    if (1..=MAX_CAPACITY).contains(raw) {
        Ok(*raw)
    } else {
        Err(format!("must be between 1 and {MAX_CAPACITY}"))
    }
}

fn parse_minutes(raw: &i32) -> Result<i32, String> {
    if (1..=MAX_MINUTES).contains(raw) {
        Ok(*raw)
    } else {
        Err(format!("must be between 1 and {MAX_MINUTES} minutes"))
    }
}

fn parse_size(raw: &i64) -> Result<i64, String> {
    if *raw >= 0 {
        Ok(*raw)
    } else {
        Err("must not be negative".to_owned())
    }
}

/// An absolute `http(s)` address with a host and no credentials in it.
fn parse_url(raw: &str) -> Result<String, String> {
    web_address(raw, MAX_URL_CHARS)
}

/// A media type such as `application/pdf`.
fn parse_media_type(raw: &str) -> Result<String, String> {
    let raw = at_most_chars(raw, MAX_MEDIA_TYPE_CHARS)?
        .trim()
        .to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    match raw.split_once('/') {
        Some((t, s)) if raw.len() <= MAX_MEDIA_TYPE_CHARS && token(t) && token(s) => Ok(raw),
        _ => Err("must be a media type such as `application/pdf`".to_owned()),
    }
}

/// Caption languages in the order given, each once: at most [`MAX_CAPTIONS`] as sent
/// (checked before any tag is read), each a language tag.
fn check_captions(f: &mut Fields, raw: &[String]) -> Option<Vec<String>> {
    if !f.at_most(
        "caption_languages",
        "too_many_languages",
        raw.len(),
        MAX_CAPTIONS,
    ) {
        return None;
    }
    let tags = f.check(
        "caption_languages",
        "invalid_language",
        raw.iter()
            .map(|t| parse_language(t))
            .collect::<Result<Vec<_>, _>>(),
    )?;
    let mut seen = HashSet::with_capacity(tags.len());
    Some(
        tags.into_iter()
            .filter(|t| seen.insert(t.clone()))
            .collect(),
    )
}

impl TryFrom<CreateCourseRequest> for NewCourseInput {
    type Error = ApiError;

    fn try_from(req: CreateCourseRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let slug = f.check("slug", "invalid_slug", parse_slug(&req.slug));
        let language = f.check(
            "default_language",
            "invalid_language",
            parse_language(&req.default_language),
        );
        let texts = course_texts(
            &mut f,
            &req.title,
            req.summary.as_deref(),
            req.description.as_deref(),
        );
        let topics = check_topics(&mut f, &req.topics);
        let hours = f.check_opt(
            "estimated_hours",
            "invalid_hours",
            req.estimated_hours.as_ref(),
            parse_hours,
        );
        let licence = f.check_opt(
            "licence",
            "invalid_licence",
            req.licence.as_deref(),
            parse_licence,
        );
        let capacity = f.check_opt(
            "capacity",
            "invalid_capacity",
            req.capacity.as_ref(),
            parse_capacity,
        );
        f.finish_with(|| {
            Some(Self {
                fields: CourseFields {
                    slug: slug?,
                    default_language: language?,
                    topics: topics?,
                    level: req.level,
                    format: req.format,
                    estimated_hours: hours?,
                    licence: licence?,
                    visibility: req.visibility.unwrap_or(Visibility::Public),
                    capacity: capacity?,
                },
                texts: texts?,
            })
        })
    }
}

fn course_texts(
    f: &mut Fields,
    title: &str,
    summary: Option<&str>,
    description: Option<&str>,
) -> Option<CourseTexts> {
    let title = f.check("title", "invalid_title", parse_title(title));
    let summary = f.check(
        "summary",
        "invalid_summary",
        parse_summary(summary.unwrap_or("")),
    );
    let description = f.check(
        "description",
        "invalid_description",
        parse_description(description.unwrap_or("")),
    );
    Some(CourseTexts {
        title: title?,
        summary: summary?,
        description: description?,
    })
}

impl TryFrom<CourseTranslationRequest> for CourseTexts {
    type Error = ApiError;

    fn try_from(req: CourseTranslationRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let texts = course_texts(
            &mut f,
            &req.title,
            req.summary.as_deref(),
            req.description.as_deref(),
        );
        f.finish_with(|| texts)
    }
}

impl TryFrom<UpdateCourseRequest> for CoursePatch {
    type Error = ApiError;

    fn try_from(req: UpdateCourseRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let mut patch = Self {
            level: req.level,
            format: req.format,
            visibility: req.visibility,
            ..Self::default()
        };
        if let Some(slug) = req.slug {
            patch.slug = f.check("slug", "invalid_slug", parse_slug(&slug));
        }
        if let Some(lang) = req.default_language {
            patch.default_language = f.check(
                "default_language",
                "invalid_language",
                parse_language(&lang),
            );
        }
        if let Some(topics) = req.topics {
            patch.topics = check_topics(&mut f, &topics);
        }
        if let Some(hours) = req.estimated_hours {
            patch.estimated_hours = f.check_opt(
                "estimated_hours",
                "invalid_hours",
                hours.as_ref(),
                parse_hours,
            );
        }
        if let Some(licence) = req.licence {
            patch.licence = f.check_opt(
                "licence",
                "invalid_licence",
                licence.as_deref(),
                parse_licence,
            );
        }
        if let Some(capacity) = req.capacity {
            patch.capacity = f.check_opt(
                "capacity",
                "invalid_capacity",
                capacity.as_ref(),
                parse_capacity,
            );
        }
        f.finish()?;
        Ok(patch)
    }
}

/// Checks that a lesson's fields fit its kind: video, link and file lessons need a URL,
/// text lessons have none; size and media type are for files, captions for videos.
pub fn check_lesson_kind(f: &mut Fields, l: &LessonFields) {
    match l.kind {
        LessonKind::Text | LessonKind::Quiz if l.url.is_some() => {
            f.push("url", "not_for_kind", "text and quiz lessons have no url");
        }
        LessonKind::Video | LessonKind::Link | LessonKind::File if l.url.is_none() => {
            f.push("url", "required", "video, link and file lessons need a url");
        }
        _ => {}
    }
    if l.kind != LessonKind::File && (l.size_bytes.is_some() || l.media_type.is_some()) {
        f.push(
            if l.size_bytes.is_some() {
                "size_bytes"
            } else {
                "media_type"
            },
            "not_for_kind",
            "only file lessons have a size and media type",
        );
    }
    if l.kind != LessonKind::Video && !l.caption_languages.is_empty() {
        f.push(
            "caption_languages",
            "not_for_kind",
            "only video lessons have captions",
        );
    }
}

impl TryFrom<CreateLessonRequest> for NewLessonInput {
    type Error = ApiError;

    /// Checked as the change of an empty lesson of its kind, so that both bodies follow
    /// the same rules.
    fn try_from(req: CreateLessonRequest) -> Result<Self, ApiError> {
        let kind = req.kind;
        let patch = LessonPatch::try_from(UpdateLessonRequest {
            kind: Some(kind),
            title: Some(req.title),
            content: req.content,
            required: req.required,
            duration_minutes: req.duration_minutes.map(Some),
            url: req.url.map(Some),
            size_bytes: req.size_bytes.map(Some),
            media_type: req.media_type.map(Some),
            caption_languages: req.caption_languages,
            minor: None,
        })?;
        let fields = patch.apply(&LessonFields::empty(kind))?;
        Ok(Self {
            fields,
            title: patch.title.unwrap_or_default(),
            content: patch.content.unwrap_or_default(),
        })
    }
}

/// A valid partial change of a lesson: `None` leaves a field alone, `Some(None)` clears an
/// optional one. Title and content are in the course's default language.
#[derive(Debug, Clone, Default)]
pub struct LessonPatch {
    pub kind: Option<LessonKind>,
    pub title: Option<String>,
    pub content: Option<String>,
    pub required: Option<bool>,
    pub duration_minutes: Option<Option<i32>>,
    pub url: Option<Option<String>>,
    pub size_bytes: Option<Option<i64>>,
    pub media_type: Option<Option<String>>,
    pub caption_languages: Option<Vec<String>>,
    /// A minor change of the texts: translations stay complete.
    pub minor: bool,
}

impl TryFrom<UpdateLessonRequest> for LessonPatch {
    type Error = ApiError;

    fn try_from(req: UpdateLessonRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = f.check_opt("title", "invalid_title", req.title.as_deref(), parse_title);
        let content = f.check_opt(
            "content",
            "invalid_content",
            req.content.as_deref(),
            parse_content,
        );
        let minutes = req.duration_minutes.map(|m| {
            f.check_opt(
                "duration_minutes",
                "invalid_duration",
                m.as_ref(),
                parse_minutes,
            )
        });
        let url = req
            .url
            .map(|u| f.check_opt("url", "invalid_url", u.as_deref(), parse_url));
        let size = req
            .size_bytes
            .map(|s| f.check_opt("size_bytes", "invalid_size", s.as_ref(), parse_size));
        let media = req.media_type.map(|m| {
            f.check_opt(
                "media_type",
                "invalid_media_type",
                m.as_deref(),
                parse_media_type,
            )
        });
        let captions = match req.caption_languages.as_deref() {
            Some(raw) => check_captions(&mut f, raw).map(Some),
            None => Some(None),
        };
        f.finish_with(|| {
            Some(Self {
                kind: req.kind,
                title: title?,
                content: content?,
                required: req.required,
                duration_minutes: minutes.map_or(Some(None), |m| m.map(Some))?,
                url: url.map_or(Some(None), |u| u.map(Some))?,
                size_bytes: size.map_or(Some(None), |s| s.map(Some))?,
                media_type: media.map_or(Some(None), |m| m.map(Some))?,
                caption_languages: captions?,
                minor: req.minor.unwrap_or(false),
            })
        })
    }
}

impl LessonPatch {
    /// The fields `current` would become; 422 when they no longer fit the lesson's kind.
    pub fn apply(&self, current: &LessonFields) -> Result<LessonFields, ApiError> {
        let mut next = current.clone();
        next.kind = self.kind.unwrap_or(next.kind);
        next.required = self.required.unwrap_or(next.required);
        if let Some(v) = self.duration_minutes {
            next.duration_minutes = v;
        }
        if let Some(v) = &self.url {
            next.url.clone_from(v);
        }
        if let Some(v) = self.size_bytes {
            next.size_bytes = v;
        }
        if let Some(v) = &self.media_type {
            next.media_type.clone_from(v);
        }
        if let Some(v) = &self.caption_languages {
            next.caption_languages.clone_from(v);
        }
        let mut f = Fields::default();
        check_lesson_kind(&mut f, &next);
        f.finish()?;
        Ok(next)
    }
}

/// Checks a lesson translation body: (title, content).
pub fn lesson_texts(req: LessonTranslationRequest) -> Result<(String, String), ApiError> {
    let mut f = Fields::default();
    let title = f.check("title", "invalid_title", parse_title(&req.title));
    let content = f.check(
        "content",
        "invalid_content",
        parse_content(req.content.as_deref().unwrap_or("")),
    );
    f.finish_with(|| Some((title?, content?)))
}

/// Checks a module title.
pub fn module_title(raw: &str) -> Result<String, ApiError> {
    parse_title(raw).map_err(|m| ApiError::invalid_field("title", "invalid_title", m))
}

/// Checks a language in a path.
pub fn path_language(raw: &str) -> Result<String, ApiError> {
    parse_language(raw).map_err(|msg| ApiError::BadRequest {
        code: "invalid_path",
        detail: format!("the language in the path is invalid: {msg}"),
        errors: vec![FieldError::new("language", "invalid_language", msg)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::topic::{MAX_TOPIC_CHARS, MAX_TOPICS};

    #[test]
    fn slugs_and_topics() {
        for ok in ["a", "platform-workers", "osh-2026"] {
            assert!(parse_slug(ok).is_ok(), "{ok}");
        }
        for bad in ["", "A", "a--b", "-a", "a-", "a b", "a_b", "ä"] {
            assert!(parse_slug(bad).is_err(), "{bad}");
        }
        let mut f = Fields::default();
        assert_eq!(
            check_topics(&mut f, &["youth".into(), "osh".into(), "youth".into()]).unwrap(),
            vec!["osh".to_owned(), "youth".to_owned()]
        );
        assert!(f.is_empty());
    }

    #[test]
    fn lists_are_bounded_before_they_are_read() {
        let mut f = Fields::default();
        let many: Vec<String> = (0..50_000).map(|i| format!("t{i}")).collect();
        assert_eq!(check_topics(&mut f, &many), None);
        assert_eq!(check_captions(&mut f, &many), None);
        let Err(ApiError::Validation(errors)) = f.finish() else {
            panic!("too many");
        };
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("topics", "too_many_topics"),
                ("caption_languages", "too_many_languages")
            ]
        );
        // Repeats count as sent.
        let mut f = Fields::default();
        assert_eq!(
            check_topics(&mut f, &vec!["osh".to_owned(); MAX_TOPICS + 1]),
            None
        );
        // Captions keep their order and lose repeats, adjacent or not.
        let mut f = Fields::default();
        let captions = ["en", "fil", "EN", "fil"].map(String::from);
        assert_eq!(check_captions(&mut f, &captions).unwrap(), ["en", "fil"]);
    }

    #[test]
    fn orders_are_bounded_and_distinct_before_the_transaction() {
        let ids = |v: Vec<i64>| ModuleOrderRequest {
            module_ids: v.into_iter().map(ModuleId).collect(),
        };
        assert_eq!(ids(vec![3, 1, 2]).parse().unwrap(), [3, 1, 2].map(ModuleId));
        let code = |r: Result<Vec<ModuleId>, ApiError>| match r {
            Err(ApiError::Validation(e)) => (e[0].field.clone(), e[0].code.clone()),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            code(ids(vec![3, 1, 3]).parse()),
            ("module_ids".to_owned(), "order_mismatch".to_owned())
        );
        let many: Vec<i64> = (1..=50_000).collect();
        assert_eq!(
            code(ids(many).parse()),
            ("module_ids".to_owned(), "too_many_items".to_owned())
        );
        let lessons = LessonOrderRequest {
            lesson_ids: (1..=101).map(LessonId).collect(),
        };
        assert!(lessons.parse().is_err());
    }

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let mut limits = vec![
            ("CreateCourseRequest", "slug", "maxLength", MAX_SLUG_CHARS),
            ("UpdateCourseRequest", "slug", "maxLength", MAX_SLUG_CHARS),
            ("CreateCourseRequest", "title", "maxLength", MAX_TITLE_CHARS),
            (
                "CourseTranslationRequest",
                "title",
                "maxLength",
                MAX_TITLE_CHARS,
            ),
            ("CreateModuleRequest", "title", "maxLength", MAX_TITLE_CHARS),
            ("UpdateModuleRequest", "title", "maxLength", MAX_TITLE_CHARS),
            (
                "ModuleTranslationRequest",
                "title",
                "maxLength",
                MAX_TITLE_CHARS,
            ),
            ("CreateLessonRequest", "title", "maxLength", MAX_TITLE_CHARS),
            ("UpdateLessonRequest", "title", "maxLength", MAX_TITLE_CHARS),
            (
                "LessonTranslationRequest",
                "title",
                "maxLength",
                MAX_TITLE_CHARS,
            ),
            (
                "CreateCourseRequest",
                "summary",
                "maxLength",
                MAX_SUMMARY_CHARS,
            ),
            (
                "CourseTranslationRequest",
                "summary",
                "maxLength",
                MAX_SUMMARY_CHARS,
            ),
            (
                "CreateCourseRequest",
                "description",
                "maxLength",
                MAX_DESCRIPTION_CHARS,
            ),
            (
                "CourseTranslationRequest",
                "description",
                "maxLength",
                MAX_DESCRIPTION_CHARS,
            ),
            (
                "CreateLessonRequest",
                "content",
                "maxLength",
                MAX_CONTENT_CHARS,
            ),
            (
                "UpdateLessonRequest",
                "content",
                "maxLength",
                MAX_CONTENT_CHARS,
            ),
            (
                "LessonTranslationRequest",
                "content",
                "maxLength",
                MAX_CONTENT_CHARS,
            ),
            ("ModuleOrderRequest", "module_ids", "maxItems", MAX_MODULES),
            ("LessonOrderRequest", "lesson_ids", "maxItems", MAX_LESSONS),
        ];
        for schema in ["CreateCourseRequest", "UpdateCourseRequest"] {
            limits.extend([
                (schema, "topics", "maxItems", MAX_TOPICS),
                (schema, "topics[]", "maxLength", MAX_TOPIC_CHARS),
                (schema, "estimated_hours", "maximum", MAX_HOURS as usize),
                (schema, "capacity", "maximum", MAX_CAPACITY as usize),
            ]);
        }
        for schema in ["CreateLessonRequest", "UpdateLessonRequest"] {
            limits.extend([
                (schema, "url", "maxLength", MAX_URL_CHARS),
                (schema, "media_type", "maxLength", MAX_MEDIA_TYPE_CHARS),
                (schema, "caption_languages", "maxItems", MAX_CAPTIONS),
                (schema, "duration_minutes", "maximum", MAX_MINUTES as usize),
            ]);
        }
        crate::openapi::assert_documented_limits(&limits);
    }

    #[test]
    fn lesson_fields_fit_their_kind() {
        let mut f = Fields::default();
        let video = LessonFields {
            kind: LessonKind::Video,
            required: true,
            duration_minutes: Some(5),
            url: None,
            size_bytes: None,
            media_type: None,
            caption_languages: vec!["en".into()],
        };
        check_lesson_kind(&mut f, &video);
        assert!(f.finish().is_err());
        let mut f = Fields::default();
        check_lesson_kind(
            &mut f,
            &LessonFields {
                url: Some("https://v.example.org/1".into()),
                ..video
            },
        );
        assert!(f.finish().is_ok());
        assert!(parse_media_type("application/pdf").is_ok());
        assert!(parse_media_type("pdf").is_err());
    }

    #[test]
    fn blocks_keep_line_breaks() {
        assert_eq!(clean_block("  a\r\nb  ", 10).unwrap(), "a\nb");
        assert!(clean_block("a\u{0}", 10).is_err());
    }
}
