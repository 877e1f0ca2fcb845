//! What the language-access endpoints read and write, and the checks of each field.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldError, Fields};
use crate::translations::model::{
    DraftStatus, GlossaryEntry, TextKind, TextState, TranslationDraft, TranslationRequest,
};
use crate::translations::service::{
    CourseTranslations, GlossaryInput, GlossaryPatch, ItemTranslations, QueueItem, SourceText,
    TextView, Texts,
};
use crate::types::ids::{
    CourseId, GlossaryEntryId, ResourceId, TranslationDraftId, TranslationRequestId, UserId,
};
use crate::types::text::{clean_block, clean_line};
use crate::types::{CountryCode, LanguageTag};

const MAX_TITLE_CHARS: usize = 200;
const MAX_SUMMARY_CHARS: usize = 1_000;
const MAX_DESCRIPTION_CHARS: usize = 20_000;
const MAX_CONTENT_CHARS: usize = 100_000;
const MAX_TERM_CHARS: usize = 200;
const MAX_NOTE_CHARS: usize = 1_000;

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

// ---------------------------------------------------------------- a course's states

/// Query of `GET /api/v1/courses/{id}/translations`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CourseTranslationsQuery {
    /// Only this language (also one no text exists in yet: every text is then `missing`).
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub language: Option<String>,
}

/// One text's state in one language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TextTranslationState {
    pub language: String,
    pub state: TextState,
    /// The source version the translation translates (`null` when `missing`).
    pub translated_version: Option<i64>,
    /// A translator's draft of this text in this language waiting for review.
    pub pending_draft_id: Option<i64>,
}

/// One text of a course (the course's own texts, a module's title, a lesson's title and
/// content) and its state in each language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseTextStates {
    pub kind: TextKind,
    /// The id of the course, module or lesson.
    pub id: i64,
    /// The module of a lesson.
    pub module_id: Option<i64>,
    /// The title in the course's default language.
    pub title: String,
    /// The version of the original (the texts in the default language); 1 until a change
    /// that was not marked minor.
    pub source_version: i64,
    /// When the original last changed in a way that outdates translations (`null`: never).
    pub source_updated_at: Option<DateTime<Utc>>,
    /// One entry per language of `languages`, in that order.
    pub translations: Vec<TextTranslationState>,
}

/// `GET /api/v1/courses/{id}/translations`: every text of the course and its state
/// (`complete`, `outdated`, `missing`) in each language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseTranslationsResponse {
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    /// The language of the originals.
    pub default_language: String,
    /// Every language some text is translated into or learners asked for (or the one
    /// asked with `?language=`), sorted; never the default language.
    pub languages: Vec<String>,
    /// The course, then its modules in order, then its lessons by module and position
    /// (at most 1 + 100 modules + 100 × 100 lessons).
    pub texts: Vec<CourseTextStates>,
}

/// The states of some texts in `languages`, with their pending drafts.
fn text_states(
    texts: &[SourceText],
    languages: &[String],
    drafts: &std::collections::HashMap<(TextKind, i64, String), TranslationDraftId>,
) -> Vec<CourseTextStates> {
    texts
        .iter()
        .map(|t| CourseTextStates {
            kind: t.kind,
            id: t.id,
            module_id: t.module_id.map(|m| m.get()),
            title: t.title.clone(),
            source_version: t.version,
            source_updated_at: t.changed_at.map(utc),
            translations: languages
                .iter()
                .map(|l| TextTranslationState {
                    language: l.clone(),
                    state: t.state(l),
                    translated_version: t.translated.get(l).copied(),
                    pending_draft_id: drafts.get(&(t.kind, t.id, l.clone())).map(|d| d.get()),
                })
                .collect(),
        })
        .collect()
}

impl From<CourseTranslations> for CourseTranslationsResponse {
    fn from(c: CourseTranslations) -> Self {
        let texts = text_states(&c.texts, &c.languages, &c.drafts);
        Self {
            course_id: c.course.id,
            default_language: c.course.default_language.clone(),
            languages: c.languages,
            texts,
        }
    }
}

/// `GET /api/v1/resources/{id}/translations` and `GET /api/v1/surveys/{id}/translations`:
/// the item's text and its state (`complete`, `outdated`, `missing`) in each language, in
/// the shape of a course's list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemTranslationsResponse {
    /// `resource` or `survey`.
    pub kind: TextKind,
    /// The resource's or survey's id.
    pub id: i64,
    /// The language of the original.
    pub default_language: String,
    /// Every language the text is translated into or learners asked for (or the one asked
    /// with `?language=`), sorted; never the default language.
    pub languages: Vec<String>,
    /// The item's one text (a resource's title and description; a survey's title,
    /// description and items).
    pub texts: Vec<CourseTextStates>,
}

impl From<ItemTranslations> for ItemTranslationsResponse {
    fn from(c: ItemTranslations) -> Self {
        let texts = text_states(&c.texts, &c.languages, &c.drafts);
        Self {
            kind: c.kind,
            id: c.id,
            default_language: c.default_language,
            languages: c.languages,
            texts,
        }
    }
}

// ---------------------------------------------------------------- requests

/// `POST /api/v1/courses/{id}/translation-requests` and
/// `POST /api/v1/resources/{id}/translation-requests`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTranslationRequestBody {
    /// One of the platform's languages (`BAYANIHAN_LANGUAGES`), not the item's own.
    #[schema(value_type = LanguageTag)]
    pub language: String,
}

/// A learner's request for a course or a library resource in a language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TranslationRequestResponse {
    #[schema(value_type = i64)]
    pub id: TranslationRequestId,
    /// The course asked for (`null` for a resource).
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
    /// The resource asked for (`null` for a course).
    #[schema(value_type = Option<i64>)]
    pub resource_id: Option<ResourceId>,
    pub language: String,
    pub created_at: DateTime<Utc>,
    /// When the requester was told that the course is translated (`null`: not yet).
    pub notified_at: Option<DateTime<Utc>>,
}

impl From<TranslationRequest> for TranslationRequestResponse {
    fn from(r: TranslationRequest) -> Self {
        Self {
            id: r.id,
            course_id: r.course_id,
            resource_id: r.resource_id,
            language: r.language,
            created_at: utc(r.created_at),
            notified_at: r.notified_at.map(utc),
        }
    }
}

/// Query of `GET /api/v1/translation-requests/totals`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TotalsQuery {
    /// Only requests for this language.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub language: Option<String>,
    /// Only requests from this country (ISO 3166-1 alpha-2).
    #[param(value_type = Option<CountryCode>, pattern = "^[A-Za-z]{2}$")]
    pub country: Option<String>,
    /// Only requests for this course.
    #[param(minimum = 1)]
    pub course_id: Option<i64>,
    /// Only requests for this library resource.
    #[param(minimum = 1)]
    pub resource_id: Option<i64>,
    /// Only requests for courses (`course`) or for resources (`resource`).
    #[param(pattern = "^(course|resource)$", max_length = 8)]
    pub kind: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Requests for one course or resource in one language from one country.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestTotalResponse {
    /// `course` or `resource`.
    pub item_kind: TextKind,
    /// The course's or resource's id.
    pub item_id: i64,
    /// The course (`null` for a resource).
    pub course_id: Option<i64>,
    /// The resource (`null` for a course).
    pub resource_id: Option<i64>,
    /// The item's title in its default language.
    pub title: String,
    /// The same as `title` (the name from when only courses were asked for).
    pub course_title: String,
    pub language: String,
    /// The requesters' country (`null`: not stated in their profile).
    pub country: Option<String>,
    /// Every request.
    pub total: i64,
    /// Requests not yet answered by a complete translation.
    pub open: i64,
}

// ---------------------------------------------------------------- translators

/// A translator's languages.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TranslatorResponse {
    #[schema(value_type = i64)]
    pub user_id: UserId,
    /// The languages they translate into, sorted (empty: not a translator).
    pub languages: Vec<String>,
}

// ---------------------------------------------------------------- queue

/// Query of `GET /api/v1/translation-queue`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only this one of the caller's languages.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub language: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A glossary term found in a source text.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GlossaryMark {
    /// The field of the source text: `title`, `summary`, `description` or `content`.
    pub field: String,
    #[schema(value_type = i64)]
    pub entry_id: GlossaryEntryId,
    pub source_term: String,
    pub target_term: String,
    pub note: String,
    /// Where the term starts in the field, in Unicode code points from 0.
    pub start: usize,
    /// Where it ends (exclusive), in code points.
    pub end: usize,
}

fn mark(field: &str, e: &GlossaryEntry, start: usize, end: usize) -> GlossaryMark {
    GlossaryMark {
        field: field.to_owned(),
        entry_id: e.id,
        source_term: e.source_term.clone(),
        target_term: e.target_term.clone(),
        note: e.note.clone(),
        start,
        end,
    }
}

/// A missing or outdated text of a translator's queue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueItemResponse {
    pub kind: TextKind,
    /// The id of the course, module, lesson or resource.
    pub id: i64,
    /// The course of the text (`null` for a resource).
    pub course_id: Option<i64>,
    /// The language to translate into.
    pub language: String,
    /// `missing` or `outdated`.
    pub state: TextState,
    /// Open requests for the course (or the resource) in this language.
    pub requests: i64,
    /// The title in the original's language.
    pub source_title: String,
    pub source_language: String,
    pub source_version: i64,
    pub source_updated_at: Option<DateTime<Utc>>,
    /// Glossary entries of the language pair found in `source_title`.
    pub glossary: Vec<GlossaryMark>,
}

impl From<QueueItem> for QueueItemResponse {
    fn from(q: QueueItem) -> Self {
        Self {
            kind: q.kind,
            id: q.row.item_id,
            course_id: q.row.course_id,
            language: q.row.language,
            state: if q.row.missing == 1 {
                TextState::Missing
            } else {
                TextState::Outdated
            },
            requests: q.row.requests,
            source_title: q.source_title,
            source_language: q.row.default_language,
            source_version: q.row.source_version,
            source_updated_at: q.row.source_changed_at.map(utc),
            glossary: q
                .glossary
                .iter()
                .map(|(e, s, end)| mark("title", e, *s, *end))
                .collect(),
        }
    }
}

// ---------------------------------------------------------------- texts and drafts

/// A text's fields (those its kind does not have are empty).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TextsResponse {
    pub title: String,
    /// Courses.
    pub summary: String,
    /// Courses (Markdown) and resources (plain text).
    pub description: String,
    /// Lessons (Markdown).
    pub content: String,
}

impl From<Texts> for TextsResponse {
    fn from(t: Texts) -> Self {
        Self {
            title: t.title,
            summary: t.summary,
            description: t.description,
            content: t.content,
        }
    }
}

/// A translator's draft.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DraftResponse {
    #[schema(value_type = i64)]
    pub id: TranslationDraftId,
    pub kind: TextKind,
    pub item_id: i64,
    /// The course of the text (`null` for a resource).
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub content: String,
    /// The version of the original the draft translates.
    pub source_version: i64,
    #[schema(value_type = i64)]
    pub author_id: UserId,
    pub status: DraftStatus,
    #[schema(value_type = Option<i64>)]
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<TranslationDraft> for DraftResponse {
    fn from(d: TranslationDraft) -> Self {
        Self {
            id: d.id,
            kind: d.item_kind,
            item_id: d.item_id,
            course_id: d.course_id,
            language: d.language,
            title: d.title,
            summary: d.summary,
            description: d.description,
            content: d.content,
            source_version: d.source_version,
            author_id: d.author_id,
            status: d.status,
            reviewed_by: d.reviewed_by,
            reviewed_at: d.reviewed_at.map(utc),
            created_at: utc(d.created_at),
        }
    }
}

/// One text in one language as a translator works on it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TextTranslationResponse {
    pub kind: TextKind,
    pub id: i64,
    /// The course of the text (`null` for a resource).
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
    /// The language of `source`.
    pub source_language: String,
    pub language: String,
    pub state: TextState,
    pub source: TextsResponse,
    pub source_version: i64,
    pub source_updated_at: Option<DateTime<Utc>>,
    /// The published translation (`null`: missing).
    pub translation: Option<TextsResponse>,
    /// The source version it translates.
    pub translated_version: Option<i64>,
    /// A draft waiting for review.
    pub pending_draft: Option<DraftResponse>,
    /// Glossary entries of the language pair found in the source, by field and position.
    pub glossary: Vec<GlossaryMark>,
}

impl From<TextView> for TextTranslationResponse {
    fn from(v: TextView) -> Self {
        Self {
            kind: v.kind,
            id: v.id,
            course_id: v.course_id,
            source_language: v.default_language,
            language: v.language,
            state: v.state,
            source: v.source.into(),
            source_version: v.source_version,
            source_updated_at: v.source_changed_at.map(utc),
            translation: v.translation.map(Into::into),
            translated_version: v.translated_version,
            pending_draft: v.pending_draft.map(Into::into),
            glossary: v
                .glossary
                .iter()
                .map(|(f, e, s, end)| mark(f, e, *s, *end))
                .collect(),
        }
    }
}

/// `POST /api/v1/translations/{kind}/{id}/{language}/drafts`: a translation of the text, by
/// a translator into that language. A course has a title, summary and description; a
/// module only a title; a lesson a title and content; a resource a title and description
/// (at most 5,000 characters).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDraftRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Courses only; plain text.
    #[schema(max_length = 1000)]
    pub summary: Option<String>,
    /// Courses (Markdown) and resources (plain text, at most 5,000 characters).
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Lessons only; Markdown.
    #[schema(max_length = 100000)]
    pub content: Option<String>,
}

/// Checks a draft's texts for the kind of text it translates.
pub fn draft_texts(kind: TextKind, req: CreateDraftRequest) -> Result<Texts, ApiError> {
    let mut f = Fields::default();
    let title = f.check(
        "title",
        "invalid_title",
        clean_line(&req.title, 1, MAX_TITLE_CHARS),
    );
    let block = |f: &mut Fields, field: &str, raw: Option<String>, max: usize, ok: bool| match raw {
        Some(_) if !ok => {
            f.push(field, "not_for_kind", format!("a {kind} has no {field}"));
            None
        }
        Some(raw) => f.check(field, "invalid_text", clean_block(&raw, max)),
        None => Some(String::new()),
    };
    let summary = block(
        &mut f,
        "summary",
        req.summary,
        MAX_SUMMARY_CHARS,
        kind == TextKind::Course,
    );
    let description = block(
        &mut f,
        "description",
        req.description,
        if kind == TextKind::Resource {
            crate::library::model::MAX_DESCRIPTION_CHARS
        } else {
            MAX_DESCRIPTION_CHARS
        },
        matches!(kind, TextKind::Course | TextKind::Resource),
    );
    let content = block(
        &mut f,
        "content",
        req.content,
        MAX_CONTENT_CHARS,
        kind == TextKind::Lesson,
    );
    f.finish_with(|| {
        Some(Texts {
            title: title?,
            summary: summary?,
            description: description?,
            content: content?,
        })
    })
}

/// A kind of text translators work on in a path (`course`, `module`, `lesson`,
/// `resource`): 400 `invalid_path` when it is not one. Surveys and questions are
/// translated by their editors.
pub fn path_kind(raw: &str) -> Result<TextKind, ApiError> {
    TextKind::parse(raw)
        .filter(|k| k.of_course() || *k == TextKind::Resource)
        .ok_or_else(|| ApiError::BadRequest {
            code: "invalid_path",
            detail: "the kind in the path is not `course`, `module`, `lesson` or `resource`"
                .to_owned(),
            errors: vec![FieldError::new(
                "kind",
                "invalid_kind",
                "must be `course`, `module`, `lesson` or `resource`",
            )],
        })
}

/// A language in a path: 400 `invalid_path` when it is not a tag.
pub fn path_language(raw: &str) -> Result<String, ApiError> {
    LanguageTag::parse(raw)
        .map(|t| t.as_str().to_owned())
        .map_err(|msg| ApiError::BadRequest {
            code: "invalid_path",
            detail: format!("the language in the path is invalid: {msg}"),
            errors: vec![FieldError::new("language", "invalid_language", msg)],
        })
}

/// A language the platform offers (`BAYANIHAN_LANGUAGES`), read from a body field: 422
/// `invalid_language` or `unsupported_language` on `field`.
pub fn platform_language(raw: &str, field: &str, offered: &[String]) -> Result<String, ApiError> {
    let tag = LanguageTag::parse(raw)
        .map_err(|m| ApiError::invalid_field(field, "invalid_language", m))?;
    if !offered.iter().any(|l| l == tag.as_str()) {
        return Err(ApiError::invalid_field(
            field,
            "unsupported_language",
            format!(
                "`{tag}` is not one of the platform's languages ({})",
                offered.join(", ")
            ),
        ));
    }
    Ok(tag.as_str().to_owned())
}

// ---------------------------------------------------------------- glossary

/// Query of `GET /api/v1/glossary`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GlossaryQuery {
    /// Only entries from this language.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub source_language: Option<String>,
    /// Only entries into this language.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub target_language: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `POST /api/v1/glossary`: a term and its agreed translation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGlossaryEntryRequest {
    /// One of the platform's languages.
    #[schema(value_type = LanguageTag)]
    pub source_language: String,
    /// One of the platform's languages, not the source's.
    #[schema(value_type = LanguageTag)]
    pub target_language: String,
    /// Unique in the pair, whatever its case and spacing.
    #[schema(min_length = 1, max_length = 200)]
    pub source_term: String,
    #[schema(min_length = 1, max_length = 200)]
    pub target_term: String,
    /// Usage advice for translators.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

impl CreateGlossaryEntryRequest {
    /// Checks the entry against the platform's languages.
    pub fn parse(self, offered: &[String]) -> Result<GlossaryInput, ApiError> {
        let mut f = Fields::default();
        let source = f.check(
            "source_language",
            "unsupported_language",
            platform_language(&self.source_language, "source_language", offered)
                .map_err(|e| e.to_string()),
        );
        let target = f.check(
            "target_language",
            "unsupported_language",
            platform_language(&self.target_language, "target_language", offered)
                .map_err(|e| e.to_string()),
        );
        if source.is_some() && source == target {
            f.push(
                "target_language",
                "same_language",
                "a glossary pair has two different languages",
            );
        }
        let source_term = f.check(
            "source_term",
            "invalid_term",
            clean_line(&self.source_term, 1, MAX_TERM_CHARS),
        );
        let target_term = f.check(
            "target_term",
            "invalid_term",
            clean_line(&self.target_term, 1, MAX_TERM_CHARS),
        );
        let note = f.check(
            "note",
            "invalid_note",
            clean_block(self.note.as_deref().unwrap_or(""), MAX_NOTE_CHARS),
        );
        f.finish_with(|| {
            Some(GlossaryInput {
                source_language: source?,
                target_language: target?,
                source_term: source_term?.trim().to_owned(),
                target_term: target_term?.trim().to_owned(),
                note: note?,
            })
        })
    }
}

/// `PATCH /api/v1/glossary/{id}`: only the fields given change, each checked as on
/// creation.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGlossaryEntryRequest {
    /// One of the platform's languages.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = LanguageTag, nullable = false, required = false)]
    pub source_language: Option<String>,
    /// One of the platform's languages, not the source's.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = LanguageTag, nullable = false, required = false)]
    pub target_language: Option<String>,
    /// Unique in the pair, whatever its case and spacing.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub source_term: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub target_term: Option<String>,
    /// Usage advice for translators (`""` removes it).
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, max_length = 1000)]
    pub note: Option<String>,
}

impl UpdateGlossaryEntryRequest {
    /// Checks each field given as [`CreateGlossaryEntryRequest::parse`] does.
    pub fn parse(self, offered: &[String]) -> Result<GlossaryPatch, ApiError> {
        let mut f = Fields::default();
        let source_language = self.source_language.map(|raw| {
            f.check(
                "source_language",
                "unsupported_language",
                platform_language(&raw, "source_language", offered).map_err(|e| e.to_string()),
            )
        });
        let target_language = self.target_language.map(|raw| {
            f.check(
                "target_language",
                "unsupported_language",
                platform_language(&raw, "target_language", offered).map_err(|e| e.to_string()),
            )
        });
        if let (Some(Some(s)), Some(Some(t))) = (&source_language, &target_language)
            && s == t
        {
            f.push(
                "target_language",
                "same_language",
                "a glossary pair has two different languages",
            );
        }
        let source_term = self.source_term.map(|raw| {
            f.check(
                "source_term",
                "invalid_term",
                clean_line(&raw, 1, MAX_TERM_CHARS).map(|t| t.trim().to_owned()),
            )
        });
        let target_term = self.target_term.map(|raw| {
            f.check(
                "target_term",
                "invalid_term",
                clean_line(&raw, 1, MAX_TERM_CHARS).map(|t| t.trim().to_owned()),
            )
        });
        let note = self
            .note
            .map(|raw| f.check("note", "invalid_note", clean_block(&raw, MAX_NOTE_CHARS)));
        // Not given: `Some(None)`; given and valid: `Some(Some(v))`; invalid: `None`.
        let given = |v: Option<Option<String>>| v.map_or(Some(None), |x| x.map(Some));
        f.finish_with(|| {
            Some(GlossaryPatch {
                source_language: given(source_language)?,
                target_language: given(target_language)?,
                source_term: given(source_term)?,
                target_term: given(target_term)?,
                note: given(note)?,
            })
        })
    }
}

/// A glossary entry.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GlossaryEntryResponse {
    #[schema(value_type = i64)]
    pub id: GlossaryEntryId,
    pub source_language: String,
    pub target_language: String,
    pub source_term: String,
    pub target_term: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<GlossaryEntry> for GlossaryEntryResponse {
    fn from(e: GlossaryEntry) -> Self {
        Self {
            id: e.id,
            source_language: e.source_language,
            target_language: e.target_language,
            source_term: e.source_term,
            target_term: e.target_term,
            note: e.note,
            created_at: utc(e.created_at),
            updated_at: utc(e.updated_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_carry_only_their_kind_s_fields() {
        let req = |summary: Option<&str>, content: Option<&str>| CreateDraftRequest {
            title: "Pamagat".into(),
            summary: summary.map(Into::into),
            description: None,
            content: content.map(Into::into),
        };
        assert!(draft_texts(TextKind::Lesson, req(None, Some("Nilalaman"))).is_ok());
        assert!(draft_texts(TextKind::Module, req(None, Some("x"))).is_err());
        assert!(draft_texts(TextKind::Course, req(Some("Buod"), None)).is_ok());
        assert!(draft_texts(TextKind::Lesson, req(Some("Buod"), None)).is_err());
    }

    #[test]
    fn platform_languages_are_checked() {
        let offered = vec!["en".to_owned(), "fil".to_owned()];
        assert_eq!(
            platform_language("FIL", "language", &offered).unwrap(),
            "fil"
        );
        assert!(platform_language("xx", "language", &offered).is_err());
        assert!(platform_language("not a tag", "language", &offered).is_err());
    }
}
