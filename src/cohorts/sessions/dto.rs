//! What the session endpoints read and write, and how a request becomes domain input.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cohorts::sessions::model::{AttendanceSource, Audience, SessionFields, SessionPatch};
use crate::db::truncate_to_stored;
use crate::error::{ApiError, Fields};
use crate::types::text::{clean_line, web_address};
use crate::types::{CohortId, LanguageTag, LessonId, LiveSessionId, UserId};

// The limits of session bodies; `documented_limits_are_the_checked_ones` ties each to the
// number the OpenAPI schema states.
pub(crate) const MAX_TITLE_CHARS: usize = 200;
pub(crate) const MAX_URL_CHARS: usize = 2_000;
const MAX_LANGUAGE_CHARS: usize = 35;
const MAX_INTERPRETATION_LANGUAGES: usize = 10;
pub(crate) const MAX_MATERIALS: usize = 20;
const MAX_CODE_CHARS: usize = 64;
/// The longest a session may last.
pub const MAX_SESSION_HOURS: i64 = 12;

/// The sort of session-list cursors: by start, then id.
pub const SESSION_SORT: &str = "starts_at";
/// The sort of attendance-list cursors: by user id.
pub const ATTENDANCE_SORT: &str = "user_id";

// ---------------------------------------------------------------- requests

/// `POST /api/v1/cohorts/{id}/sessions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// `participants` (default) or `leaders`: a briefing for the leaders of the
    /// organisations the cohort's call invites.
    pub audience: Option<Audience>,
    /// RFC 3339; stored in UTC to the microsecond.
    pub starts_at: DateTime<Utc>,
    /// RFC 3339; after `starts_at`, at most 12 hours later.
    pub ends_at: DateTime<Utc>,
    /// Where to join (http or https), at most 2,000 characters.
    #[schema(max_length = 2000)]
    pub meeting_url: Option<String>,
    /// BCP 47; the cohort's when absent.
    #[schema(max_length = 35)]
    pub delivery_language: Option<String>,
    /// BCP 47 tags, at most 10; the cohort's when absent.
    #[schema(max_items = 10, min_length = 2, max_length = 35)]
    pub interpretation_languages: Option<Vec<String>>,
    /// The recording (http or https), usually set afterwards with `PATCH`.
    #[schema(max_length = 2000)]
    pub recording_url: Option<String>,
    /// Lessons of the cohort's courses the session works with, in order; at most 20.
    #[schema(max_items = 20)]
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    pub material_lesson_ids: Vec<i64>,
}

/// `PATCH /api/v1/sessions/{id}`: an absent field stays; `null` clears `meeting_url` or
/// `recording_url`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSessionRequest {
    #[schema(min_length = 1, max_length = 200, nullable = false)]
    #[serde(default, deserialize_with = "crate::http::json::present")]
    pub title: Option<String>,
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::http::json::present")]
    pub audience: Option<Audience>,
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::http::json::present")]
    pub starts_at: Option<DateTime<Utc>>,
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::http::json::present")]
    pub ends_at: Option<DateTime<Utc>>,
    #[schema(max_length = 2000, value_type = Option<String>)]
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    pub meeting_url: Option<Option<String>>,
    #[schema(max_length = 35, nullable = false)]
    #[serde(default, deserialize_with = "crate::http::json::present")]
    pub delivery_language: Option<String>,
    #[schema(max_items = 10, min_length = 2, max_length = 35, nullable = false)]
    #[serde(default, deserialize_with = "crate::http::json::present")]
    pub interpretation_languages: Option<Vec<String>>,
    #[schema(max_length = 2000, value_type = Option<String>)]
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    pub recording_url: Option<Option<String>>,
    #[schema(max_items = 20, nullable = false)]
    #[serde(default, deserialize_with = "crate::http::json::present_int_list")]
    pub material_lesson_ids: Option<Vec<i64>>,
}

/// `POST /api/v1/sessions/{id}/check-in`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    /// The code the facilitator shows (case and spaces do not matter).
    #[schema(max_length = 64)]
    pub code: String,
}

/// `PUT /api/v1/sessions/{id}/attendance/{user_id}`: a facilitator records attendance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAttendanceRequest {
    /// RFC 3339.
    pub joined_at: DateTime<Utc>,
    /// RFC 3339, after `joined_at`; absent: stayed until the end.
    pub left_at: Option<DateTime<Utc>>,
}

/// Query of `GET /api/v1/cohorts/{id}/sessions`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListSessionsQuery {
    /// Only sessions for this audience.
    pub audience: Option<Audience>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// The language to answer the titles in (BCP 47); overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
}

/// Query of `GET /api/v1/sessions/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionLangQuery {
    /// The language to answer the title in (BCP 47); overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
}

/// `PUT /api/v1/sessions/{id}/translations/{language}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionTranslationRequest {
    /// The session's title in the path's language, 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
}

/// A session's title in one language, checked: 422 `invalid_title` on `title`.
pub fn translation_title(body: SessionTranslationRequest) -> Result<String, ApiError> {
    parse_title(&body.title).map_err(|m| ApiError::invalid_field("title", "invalid_title", m))
}

/// A meeting tool's attendance export: UTF-8 CSV (RFC 4180) with a header naming
/// `email`, `join` and `leave`; at most 512 KiB and 5,000 lines.
#[derive(Debug)]
pub struct AttendanceCsv(pub String);

impl utoipa::PartialSchema for AttendanceCsv {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(crate::cohorts::sessions::import::MAX_CSV_BYTES))
            .description(Some(
                "UTF-8 CSV (RFC 4180): a header naming `email`, `join` and `leave`, then one line per stay",
            ))
            .into()
    }
}

impl ToSchema for AttendanceCsv {}

/// Query of the attendance import.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: check every line and report, change nothing.
    pub dry_run: Option<bool>,
}

// ---------------------------------------------------------------- responses

/// A live session of a cohort.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionResponse {
    #[schema(value_type = i64)]
    pub id: LiveSessionId,
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    /// In `language`.
    pub title: String,
    /// The language of `title`: the reader's (`?lang=`, `Accept-Language`, their preferred
    /// language) where the session has it, else the cohort's default language.
    pub language: String,
    /// The cohort's default language, which the session's title is first written in.
    pub default_language: String,
    /// Every language the title exists in, the default first.
    pub available_languages: Vec<String>,
    pub audience: Audience,
    /// UTC.
    pub starts_at: DateTime<Utc>,
    /// UTC.
    pub ends_at: DateTime<Utc>,
    /// The cohort's IANA time zone, which `starts_at_local` and `ends_at_local` are in.
    pub time_zone: String,
    /// `starts_at` in the cohort's time zone (RFC 3339 with its offset).
    pub starts_at_local: String,
    /// `ends_at` in the cohort's time zone.
    pub ends_at_local: String,
    pub meeting_url: Option<String>,
    pub delivery_language: String,
    pub interpretation_languages: Vec<String>,
    pub recording_url: Option<String>,
    /// Lessons of the cohort's courses, in order.
    #[schema(value_type = Vec<i64>)]
    pub material_lesson_ids: Vec<LessonId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A session's check-in code, for its facilitators.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckInCodeResponse {
    #[schema(value_type = i64)]
    pub session_id: LiveSessionId,
    /// 8 letters and digits; give it to the participants.
    pub code: String,
    /// After this, the code is refused.
    pub expires_at: DateTime<Utc>,
}

/// One person's attendance of one session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttendanceResponse {
    #[schema(value_type = i64)]
    pub session_id: LiveSessionId,
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub display_name: String,
    pub joined_at: DateTime<Utc>,
    /// `null`: stayed until the end.
    pub left_at: Option<DateTime<Utc>>,
    /// Whole minutes within the session.
    pub minutes_attended: i32,
    pub source: AttendanceSource,
    pub recorded_at: DateTime<Utc>,
}

/// One line of an attendance import and what became of it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportLineResponse {
    /// The line of the file where the record starts (the header is line 1).
    pub line: usize,
    /// The address as written.
    pub email: String,
    /// `ok`, `unknown_email`, `not_a_participant`, `overlapping_times`, `bad_time`,
    /// `missing_field`.
    pub result: String,
    /// Why, when it is not `ok`.
    pub detail: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<UserId>,
}

/// What an attendance import found, and whether it was applied.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportResponse {
    pub dry_run: bool,
    /// Whether the attendance was written (never on a dry run).
    pub applied: bool,
    pub lines: Vec<ImportLineResponse>,
    pub ok_count: usize,
    pub error_count: usize,
    /// The attendance each participant named gets (or would get).
    pub attendance: Vec<AttendanceResponse>,
}

/// A secret calendar feed's address.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CalendarFeedResponse {
    /// Subscribe to this address in a calendar app; it needs no login, so keep it to
    /// yourself. Renewing gives a new one and ends this one.
    pub url: String,
    /// The cohort it covers; `null` for the caller's own feed of every cohort.
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    pub created_at: DateTime<Utc>,
}

// ---------------------------------------------------------------- parsing

fn parse_title(raw: &str) -> Result<String, String> {
    clean_line(raw, 1, MAX_TITLE_CHARS)
}

fn parse_url(raw: &str) -> Result<String, String> {
    web_address(raw, MAX_URL_CHARS)
}

fn parse_language(raw: &str) -> Result<String, String> {
    if raw.chars().count() > MAX_LANGUAGE_CHARS {
        return Err(format!("must be at most {MAX_LANGUAGE_CHARS} characters"));
    }
    LanguageTag::parse(raw).map(|t| t.as_str().to_owned())
}

fn parse_languages(raw: &[String]) -> Result<Vec<String>, String> {
    if raw.len() > MAX_INTERPRETATION_LANGUAGES {
        return Err(format!(
            "must hold at most {MAX_INTERPRETATION_LANGUAGES} items, not {}",
            raw.len()
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for l in raw {
        let tag = parse_language(l)?;
        if seen.insert(tag.clone()) {
            out.push(tag);
        }
    }
    Ok(out)
}

fn parse_lessons(raw: &[i64]) -> Result<Vec<LessonId>, String> {
    if raw.len() > MAX_MATERIALS {
        return Err(format!(
            "must hold at most {MAX_MATERIALS} items, not {}",
            raw.len()
        ));
    }
    let mut seen = HashSet::new();
    Ok(raw
        .iter()
        .copied()
        .filter(|id| seen.insert(*id))
        .map(LessonId)
        .collect())
}

/// A time as stored: UTC, to the microsecond.
pub fn stored(at: DateTime<Utc>) -> NaiveDateTime {
    truncate_to_stored(at.naive_utc())
}

/// 422 `ends_before_start` when the session does not end after it starts, and
/// `session_too_long` beyond [`MAX_SESSION_HOURS`].
pub fn check_times(starts_at: NaiveDateTime, ends_at: NaiveDateTime) -> Result<(), ApiError> {
    if ends_at <= starts_at {
        return Err(ApiError::invalid_field(
            "ends_at",
            "ends_before_start",
            "a session must end after it starts (`starts_at`)",
        ));
    }
    if ends_at - starts_at > TimeDelta::hours(MAX_SESSION_HOURS) {
        return Err(ApiError::invalid_field(
            "ends_at",
            "session_too_long",
            format!("a session lasts at most {MAX_SESSION_HOURS} hours"),
        ));
    }
    Ok(())
}

impl TryFrom<CreateSessionRequest> for SessionFields {
    type Error = ApiError;

    /// Every field checked; 422 with all the errors at once.
    fn try_from(req: CreateSessionRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = f.check("title", "invalid_title", parse_title(&req.title));
        let meeting_url = f.check_opt(
            "meeting_url",
            "invalid_url",
            req.meeting_url.as_deref(),
            parse_url,
        );
        let recording_url = f.check_opt(
            "recording_url",
            "invalid_url",
            req.recording_url.as_deref(),
            parse_url,
        );
        let delivery_language = f.check_opt(
            "delivery_language",
            "invalid_language",
            req.delivery_language.as_deref(),
            parse_language,
        );
        let interpretation_languages = f.check_opt(
            "interpretation_languages",
            "invalid_language",
            req.interpretation_languages.as_deref(),
            parse_languages,
        );
        let lessons = f.check(
            "material_lesson_ids",
            "too_many_items",
            parse_lessons(&req.material_lesson_ids),
        );
        let (starts_at, ends_at) = (stored(req.starts_at), stored(req.ends_at));
        if let Err(ApiError::Validation(errors)) = check_times(starts_at, ends_at) {
            errors.into_iter().for_each(|e| f.add(e));
        }
        f.finish_with(|| {
            Some(SessionFields {
                title: title?,
                audience: req.audience.unwrap_or(Audience::Participants),
                starts_at,
                ends_at,
                meeting_url: meeting_url?,
                delivery_language: delivery_language?,
                interpretation_languages: interpretation_languages?,
                recording_url: recording_url?,
                material_lesson_ids: lessons?,
            })
        })
    }
}

impl TryFrom<UpdateSessionRequest> for SessionPatch {
    type Error = ApiError;

    fn try_from(req: UpdateSessionRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = f.check_opt("title", "invalid_title", req.title.as_deref(), parse_title);
        let meeting_url = match req.meeting_url {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(raw)) => f
                .check("meeting_url", "invalid_url", parse_url(&raw))
                .map(|u| Some(Some(u))),
        };
        let recording_url = match req.recording_url {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(raw)) => f
                .check("recording_url", "invalid_url", parse_url(&raw))
                .map(|u| Some(Some(u))),
        };
        let delivery_language = f.check_opt(
            "delivery_language",
            "invalid_language",
            req.delivery_language.as_deref(),
            parse_language,
        );
        let interpretation_languages = f.check_opt(
            "interpretation_languages",
            "invalid_language",
            req.interpretation_languages.as_deref(),
            parse_languages,
        );
        let lessons = f.check_opt(
            "material_lesson_ids",
            "too_many_items",
            req.material_lesson_ids.as_deref(),
            parse_lessons,
        );
        f.finish_with(|| {
            Some(SessionPatch {
                title: title?,
                audience: req.audience,
                starts_at: req.starts_at.map(stored),
                ends_at: req.ends_at.map(stored),
                meeting_url: meeting_url?,
                delivery_language: delivery_language?,
                interpretation_languages: interpretation_languages?,
                recording_url: recording_url?,
                material_lesson_ids: lessons?,
            })
        })
    }
}

/// A check-in code as typed: upper case, without spaces or dashes; at most 64 characters
/// as sent (422 `too_long`).
pub fn normalise_code(raw: &str) -> Result<String, ApiError> {
    if raw.chars().count() > MAX_CODE_CHARS {
        return Err(ApiError::invalid_field(
            "code",
            "too_long",
            format!("must be at most {MAX_CODE_CHARS} characters"),
        ));
    }
    Ok(raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect())
}

/// A facilitator's record: join before leave (422 `leave_before_join`).
pub fn parse_record(
    req: RecordAttendanceRequest,
) -> Result<(NaiveDateTime, Option<NaiveDateTime>), ApiError> {
    let joined = stored(req.joined_at);
    let left = req.left_at.map(stored);
    if left.is_some_and(|l| l < joined) {
        return Err(ApiError::invalid_field(
            "left_at",
            "leave_before_join",
            "cannot leave before joining (`joined_at`)",
        ));
    }
    Ok((joined, left))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap_or_default();
        let schemas = &doc["components"]["schemas"];
        let limits: &[(&str, &str, &str, usize)] = &[
            (
                "CreateSessionRequest",
                "title",
                "maxLength",
                MAX_TITLE_CHARS,
            ),
            (
                "UpdateSessionRequest",
                "title",
                "maxLength",
                MAX_TITLE_CHARS,
            ),
            (
                "CreateSessionRequest",
                "meeting_url",
                "maxLength",
                MAX_URL_CHARS,
            ),
            (
                "CreateSessionRequest",
                "material_lesson_ids",
                "maxItems",
                MAX_MATERIALS,
            ),
            (
                "CreateSessionRequest",
                "interpretation_languages",
                "maxItems",
                MAX_INTERPRETATION_LANGUAGES,
            ),
            ("CheckInRequest", "code", "maxLength", MAX_CODE_CHARS),
        ];
        for (schema, field, key, max) in limits {
            assert_eq!(
                schemas[schema]["properties"][field][key].as_u64(),
                Some(*max as u64),
                "{schema}.{field}.{key}"
            );
        }
    }

    #[test]
    fn codes_are_read_as_typed_loosely() {
        assert_eq!(
            normalise_code(" ab3d-ef7h ").ok().as_deref(),
            Some("AB3DEF7H")
        );
        assert!(normalise_code(&"A".repeat(65)).is_err());
    }
}
