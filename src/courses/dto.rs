//! What the course endpoints read and write, and the checks of each field.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::courses::model::{CourseStatus, Format, LessonKind, Level, Visibility};
use crate::error::{ApiError, FieldError, Fields};
use crate::types::LanguageTag;
use crate::types::text::clean_block;

/// Longest accepted `q`.
const MAX_SLUG_CHARS: usize = 80;
const MAX_TOPIC_CHARS: usize = 40;
const MAX_TOPICS: usize = 12;
const MAX_TITLE_CHARS: usize = 200;
const MAX_SUMMARY_CHARS: usize = 1_000;
const MAX_DESCRIPTION_CHARS: usize = 20_000;
const MAX_CONTENT_CHARS: usize = 100_000;
const MAX_LICENCE_CHARS: usize = 100;
const MAX_URL_CHARS: usize = 2_000;
const MAX_MEDIA_TYPE_CHARS: usize = 100;
const MAX_CAPTIONS: usize = 30;

// ---------------------------------------------------------------- responses

/// A course as the catalogue lists it, in the reader's language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseSummary {
    pub id: i64,
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
    pub owners: Vec<i64>,
    /// Modules in order, with their lessons.
    pub modules: Vec<ModuleOutline>,
}

/// A module in a course outline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModuleOutline {
    pub id: i64,
    /// 1-based place in the course.
    pub position: i32,
    pub title: String,
    /// The language of `title`.
    pub language: String,
    pub lessons: Vec<LessonOutline>,
}

/// A lesson in a course outline (no content).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LessonOutline {
    pub id: i64,
    /// 1-based place in the module.
    pub position: i32,
    pub kind: LessonKind,
    pub title: String,
    /// The language of `title`.
    pub language: String,
    pub duration_minutes: Option<i32>,
    pub required: bool,
}

/// A module, as its authoring endpoints answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModuleResponse {
    pub id: i64,
    pub course_id: i64,
    pub position: i32,
    pub title: String,
    pub language: String,
    pub available_languages: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// A lesson with its content, in the reader's language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LessonResponse {
    pub id: i64,
    pub course_id: i64,
    pub module_id: i64,
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
}

/// A time as answered.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

// ---------------------------------------------------------------- queries

/// Orders of the catalogue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CourseSort {
    /// Most recently published first (the default; drafts: most recently created).
    #[default]
    Newest,
    /// By title in the course's default language, A to Z.
    Title,
    /// Most enrolments first.
    Popular,
}

impl CourseSort {
    /// The spelling a cursor remembers.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Title => "title",
            Self::Popular => "popular",
        }
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

/// Query of single-resource reads.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// The reader's language; overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
}

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
    pub default_language: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Plain text, at most 1,000 characters.
    pub summary: Option<String>,
    /// Markdown, at most 20,000 characters.
    pub description: Option<String>,
    /// Tags such as `platform-workers`, `youth`, `osh`; at most 12.
    #[serde(default)]
    pub topics: Vec<String>,
    pub level: Level,
    pub format: Format,
    /// Hours a learner needs, more than 0 and at most 1,000.
    pub estimated_hours: Option<f64>,
    /// E.g. `CC-BY-4.0`.
    pub licence: Option<String>,
    /// `public` (default) or `members`.
    pub visibility: Option<Visibility>,
    /// Most learners enrolled at once; left out for no limit.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 1)]
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
    #[schema(nullable = false)]
    pub default_language: Option<String>,
    /// Replaces the whole set.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub level: Option<Level>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub format: Option<Format>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<f64>)]
    pub estimated_hours: Option<Option<f64>>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>)]
    pub licence: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub visibility: Option<Visibility>,
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i32>, minimum = 1)]
    pub capacity: Option<Option<i32>>,
}

/// `PUT /api/v1/courses/{id}/translations/{language}`: the course's texts in one language.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseTranslationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    pub summary: Option<String>,
    pub description: Option<String>,
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
}

/// `PUT /api/v1/modules/{id}/translations/{language}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleTranslationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
}

/// `POST /api/v1/modules/{id}/lessons`: a lesson at the end of the module.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLessonRequest {
    pub kind: LessonKind,
    /// In the course's default language.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown, in the course's default language.
    pub content: Option<String>,
    /// Whether completing the course needs this lesson (default `true`).
    pub required: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 1, maximum = 10000)]
    pub duration_minutes: Option<i32>,
    /// Required for video, link and file lessons; http or https.
    pub url: Option<String>,
    /// File lessons.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 0)]
    pub size_bytes: Option<i64>,
    /// File lessons, e.g. `application/pdf`.
    pub media_type: Option<String>,
    /// Video lessons: BCP 47 tags of the captions.
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
    #[schema(nullable = false)]
    pub title: Option<String>,
    /// Markdown, in the course's default language.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub required: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i32>)]
    pub duration_minutes: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>)]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i64>)]
    pub size_bytes: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>)]
    pub media_type: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub caption_languages: Option<Vec<String>>,
}

/// `PUT /api/v1/lessons/{id}/translations/{language}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonTranslationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown.
    pub content: Option<String>,
}

/// `PUT /api/v1/courses/{id}/modules/order`: every module of the course, in the new order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleOrderRequest {
    #[serde(deserialize_with = "crate::http::json::int_list")]
    pub module_ids: Vec<i64>,
}

/// `PUT /api/v1/modules/{id}/lessons/order`: every lesson of the module, in the new order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonOrderRequest {
    #[serde(deserialize_with = "crate::http::json::int_list")]
    pub lesson_ids: Vec<i64>,
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

/// A valid new lesson.
#[derive(Debug, Clone)]
pub struct NewLessonInput {
    pub fields: LessonFields,
    pub title: String,
    pub content: String,
}

/// Trims and collapses white space; refuses control characters.
fn clean_line(raw: &str, max: usize, allow_empty: bool) -> Result<String, String> {
    if raw.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.chars().count() {
        0 if !allow_empty => Err("must not be empty".to_owned()),
        n if n > max => Err(format!("must be at most {max} characters")),
        _ => Ok(text),
    }
}

/// A title: one line, 1 to 200 characters.
pub fn parse_title(raw: &str) -> Result<String, String> {
    clean_line(raw, MAX_TITLE_CHARS, false)
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

/// Lower-case ASCII words joined by single `-`.
fn is_slug(raw: &str) -> bool {
    !raw.is_empty()
        && raw.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// A course slug.
pub fn parse_slug(raw: &str) -> Result<String, String> {
    if raw.len() <= MAX_SLUG_CHARS && is_slug(raw) {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "must be lower-case letters, digits and single `-` between words, at most {MAX_SLUG_CHARS} characters, e.g. `platform-workers-rights`"
        ))
    }
}

/// A topic tag.
pub fn parse_topic(raw: &str) -> Result<String, String> {
    if raw.len() <= MAX_TOPIC_CHARS && is_slug(raw) {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "`{raw}` is not a topic: lower-case words joined by `-`, at most {MAX_TOPIC_CHARS} characters, e.g. `platform-workers`"
        ))
    }
}

/// A set of topics, sorted and without duplicates.
fn parse_topics(raw: &[String]) -> Result<Vec<String>, String> {
    let mut topics = raw
        .iter()
        .map(|t| parse_topic(t))
        .collect::<Result<Vec<_>, _>>()?;
    topics.sort();
    topics.dedup();
    if topics.len() > MAX_TOPICS {
        return Err(format!("at most {MAX_TOPICS} topics"));
    }
    Ok(topics)
}

/// A language tag in canonical case.
pub fn parse_language(raw: &str) -> Result<String, String> {
    LanguageTag::parse(raw).map(|t| t.as_str().to_owned())
}

fn parse_hours(raw: &f64) -> Result<f64, String> {
    if raw.is_finite() && *raw > 0.0 && *raw <= 1000.0 {
        Ok(*raw)
    } else {
        Err("must be more than 0 and at most 1000".to_owned())
    }
}

fn parse_licence(raw: &str) -> Result<String, String> {
    clean_line(raw, MAX_LICENCE_CHARS, false)
}

fn parse_capacity(raw: &i32) -> Result<i32, String> {
    if (1..=1_000_000).contains(raw) {
        Ok(*raw)
    } else {
        Err("must be between 1 and 1000000".to_owned())
    }
}

fn parse_minutes(raw: &i32) -> Result<i32, String> {
    if (1..=10_000).contains(raw) {
        Ok(*raw)
    } else {
        Err("must be between 1 and 10000 minutes".to_owned())
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
    let raw = raw.trim();
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(format!("must be at most {MAX_URL_CHARS} characters"));
    }
    let url = url::Url::parse(raw)
        .map_err(|_| "must be an absolute address such as `https://example.org`".to_owned())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https address".to_owned());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password".to_owned());
    }
    Ok(raw.to_owned())
}

/// A media type such as `application/pdf`.
fn parse_media_type(raw: &str) -> Result<String, String> {
    let raw = raw.trim().to_ascii_lowercase();
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

fn parse_captions(raw: &[String]) -> Result<Vec<String>, String> {
    let mut tags = raw
        .iter()
        .map(|t| parse_language(t))
        .collect::<Result<Vec<_>, _>>()?;
    tags.dedup();
    if tags.len() > MAX_CAPTIONS {
        return Err(format!("at most {MAX_CAPTIONS} languages"));
    }
    Ok(tags)
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
        let topics = f.check("topics", "invalid_topic", parse_topics(&req.topics));
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
        f.finish()?;
        match (slug, language, texts, topics, hours, licence, capacity) {
            (
                Some(slug),
                Some(default_language),
                Some(texts),
                Some(topics),
                Some(estimated_hours),
                Some(licence),
                Some(capacity),
            ) => Ok(Self {
                fields: CourseFields {
                    slug,
                    default_language,
                    topics,
                    level: req.level,
                    format: req.format,
                    estimated_hours,
                    licence,
                    visibility: req.visibility.unwrap_or(Visibility::Public),
                    capacity,
                },
                texts,
            }),
            _ => unreachable!("invalid fields were answered above"),
        }
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
        f.finish()?;
        texts.ok_or_else(|| ApiError::internal(anyhow::anyhow!("unreachable")))
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
            patch.topics = f.check("topics", "invalid_topic", parse_topics(&topics));
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
        LessonKind::Text if l.url.is_some() => {
            f.push("url", "not_for_kind", "text lessons have no url");
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

    fn try_from(req: CreateLessonRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = f.check("title", "invalid_title", parse_title(&req.title));
        let content = f.check(
            "content",
            "invalid_content",
            parse_content(req.content.as_deref().unwrap_or("")),
        );
        let minutes = f.check_opt(
            "duration_minutes",
            "invalid_duration",
            req.duration_minutes.as_ref(),
            parse_minutes,
        );
        let url = f.check_opt("url", "invalid_url", req.url.as_deref(), parse_url);
        let size = f.check_opt(
            "size_bytes",
            "invalid_size",
            req.size_bytes.as_ref(),
            parse_size,
        );
        let media = f.check_opt(
            "media_type",
            "invalid_media_type",
            req.media_type.as_deref(),
            parse_media_type,
        );
        let captions = f.check(
            "caption_languages",
            "invalid_language",
            parse_captions(req.caption_languages.as_deref().unwrap_or(&[])),
        );
        let (
            Some(title),
            Some(content),
            Some(duration_minutes),
            Some(url),
            Some(size_bytes),
            Some(media_type),
            Some(caption_languages),
        ) = (title, content, minutes, url, size, media, captions)
        else {
            f.finish()?;
            unreachable!("invalid fields were answered above");
        };
        let fields = LessonFields {
            kind: req.kind,
            required: req.required.unwrap_or(true),
            duration_minutes,
            url,
            size_bytes,
            media_type,
            caption_languages,
        };
        check_lesson_kind(&mut f, &fields);
        f.finish()?;
        Ok(Self {
            fields,
            title,
            content,
        })
    }
}

/// A valid partial change of a lesson: its fields as they would become, and new texts.
pub struct LessonPatch {
    pub req: UpdateLessonRequest,
}

impl LessonPatch {
    /// The lesson `current` would become, with the new default-language title and content
    /// when given; 422 with every invalid field.
    pub fn apply(
        self,
        current: &LessonFields,
    ) -> Result<(LessonFields, Option<String>, Option<String>), ApiError> {
        let req = self.req;
        let mut f = Fields::default();
        let title = req
            .title
            .as_deref()
            .map(|t| f.check("title", "invalid_title", parse_title(t)));
        let content = req
            .content
            .as_deref()
            .map(|c| f.check("content", "invalid_content", parse_content(c)));
        let mut next = current.clone();
        if let Some(kind) = req.kind {
            next.kind = kind;
        }
        if let Some(required) = req.required {
            next.required = required;
        }
        if let Some(m) = req.duration_minutes
            && let Some(v) = f.check_opt(
                "duration_minutes",
                "invalid_duration",
                m.as_ref(),
                parse_minutes,
            )
        {
            next.duration_minutes = v;
        }
        if let Some(u) = req.url
            && let Some(v) = f.check_opt("url", "invalid_url", u.as_deref(), parse_url)
        {
            next.url = v;
        }
        if let Some(s) = req.size_bytes
            && let Some(v) = f.check_opt("size_bytes", "invalid_size", s.as_ref(), parse_size)
        {
            next.size_bytes = v;
        }
        if let Some(m) = req.media_type
            && let Some(v) = f.check_opt(
                "media_type",
                "invalid_media_type",
                m.as_deref(),
                parse_media_type,
            )
        {
            next.media_type = v;
        }
        if let Some(c) = req.caption_languages
            && let Some(v) = f.check("caption_languages", "invalid_language", parse_captions(&c))
        {
            next.caption_languages = v;
        }
        check_lesson_kind(&mut f, &next);
        f.finish()?;
        Ok((next, title.flatten(), content.flatten()))
    }
}

/// Checks a lesson translation body.
pub fn lesson_texts(req: LessonTranslationRequest) -> Result<(String, String), ApiError> {
    let mut f = Fields::default();
    let title = f.check("title", "invalid_title", parse_title(&req.title));
    let content = f.check(
        "content",
        "invalid_content",
        parse_content(req.content.as_deref().unwrap_or("")),
    );
    f.finish()?;
    match (title, content) {
        (Some(t), Some(c)) => Ok((t, c)),
        _ => unreachable!("invalid fields were answered above"),
    }
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

    #[test]
    fn slugs_and_topics() {
        for ok in ["a", "platform-workers", "osh-2026"] {
            assert!(parse_slug(ok).is_ok(), "{ok}");
        }
        for bad in ["", "A", "a--b", "-a", "a-", "a b", "a_b", "ä"] {
            assert!(parse_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_topics(&["youth".into(), "osh".into(), "youth".into()]).unwrap(),
            vec!["osh".to_owned(), "youth".to_owned()]
        );
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
