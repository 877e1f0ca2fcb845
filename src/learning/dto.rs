//! What the enrolment, progress and certificate endpoints read and write.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::courses::model::{CourseStatus, Format, LessonKind};
use crate::db::truncate_to_stored;
use crate::error::{ApiError, Fields};
use crate::learning::model::{Certificate, EnrolmentSort, SyncRejection, SyncStatus};
use crate::types::text::clean_block;
use crate::types::{CohortId, CourseId, LessonId, ModuleId, UserId};

/// A course as the enrolment lists show it, in one language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseBrief {
    #[schema(value_type = i64)]
    pub id: CourseId,
    pub slug: String,
    /// The title in `language`.
    pub title: String,
    /// The language of `title`: the one asked for, else the course's default.
    pub language: String,
    /// `self_paced`, `cohort` or `blended`.
    pub format: Format,
    /// `published` or `archived`.
    pub status: CourseStatus,
}

/// One of the caller's enrolments, or (with `updated_since`) a tombstone
/// `{"course_id", "deleted": true, "updated_at"}` for one that ended.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnrolmentResponse {
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    /// `true` for a tombstone: the caller unenrolled; the other fields are left out.
    pub deleted: bool,
    /// When the enrolment last changed (enrolled, completed, unenrolled).
    pub updated_at: DateTime<Utc>,
    /// When the current enrolment began.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrolled_at: Option<DateTime<Utc>>,
    /// When every required lesson was done; `null` before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
    /// The course, unless it was deleted since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course: Option<CourseBrief>,
}

/// A member enrolled in a course, as its owners and coordinators see them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseEnrolmentResponse {
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub display_name: String,
    pub enrolled_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Query of `GET /api/v1/me/enrolments`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListMyEnrolmentsQuery {
    /// Only enrolments changed at or after this instant (RFC 3339), ended ones included
    /// as tombstones.
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<String>,
    /// Language of the course titles (BCP 47); else `Accept-Language`, else the caller's
    /// preferred language, else each course's default.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
    /// Order: `-updated_at` (default) or `updated_at`.
    pub sort: Option<EnrolmentSort>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub use crate::http::language::LangQuery;

/// A certificate of completion of a course or of a cohort, as anyone holding its code may
/// check it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CertificateResponse {
    /// The verification code.
    pub code: String,
    /// `false` once the certificate was revoked.
    pub valid: bool,
    /// The holder's name when the certificate was issued.
    pub holder_name: String,
    /// The course completed (`null` for a cohort's certificate).
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
    /// The cohort completed (`null` for a course's certificate).
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    /// The course's (or cohort's) title in `language`.
    pub course_title: String,
    /// The certificate's language: the holder's preferred language when the course has it,
    /// else the course's default.
    pub language: String,
    /// When the course was completed and the certificate issued.
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why it was revoked.
    pub reason: Option<String>,
    /// Where the printable document is.
    pub document_url: String,
    /// Where the certificate's Open Badges 3.0 credential (VC-JWT) is.
    pub badge_url: String,
}

impl From<Certificate> for CertificateResponse {
    fn from(c: Certificate) -> Self {
        Self {
            document_url: crate::http::links::api(&format!(
                "/api/v1/certificates/{}/document",
                c.code
            )),
            badge_url: crate::http::links::api(&format!("/api/v1/certificates/{}/badge", c.code)),
            valid: c.revoked_at.is_none(),
            code: c.code,
            holder_name: c.holder_name,
            course_id: c.course_id,
            cohort_id: c.cohort_id,
            course_title: c.course_title,
            language: c.language,
            issued_at: c.issued_at.and_utc(),
            revoked_at: c.revoked_at.map(|t| t.and_utc()),
            reason: c.revoked_reason,
        }
    }
}

/// A verification code from a path. Codes are URL-safe base64 (27 characters when issued);
/// anything else cannot be one: 404 without asking the database.
pub fn certificate_code(raw: String) -> Result<String, ApiError> {
    let plausible = !raw.is_empty()
        && raw.len() <= 100
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plausible {
        Ok(raw)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Body of `POST /api/v1/certificates/{code}/revoke`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeCertificateRequest {
    /// Why the certificate is revoked; shown to anyone who checks it.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Longest revocation reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// Why a certificate is revoked, checked: 1 to 500 characters, trimmed, line breaks
/// allowed and no other control character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub reason: String,
}

impl TryFrom<RevokeCertificateRequest> for Revocation {
    type Error = ApiError;

    fn try_from(body: RevokeCertificateRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let reason = fields.check(
            "reason",
            "invalid_reason",
            clean_block(&body.reason, MAX_REASON_CHARS).and_then(|r| {
                if r.is_empty() {
                    Err(format!("must be 1 to {MAX_REASON_CHARS} characters"))
                } else {
                    Ok(r)
                }
            }),
        );
        fields.finish_with(|| reason.map(|reason| Self { reason }))
    }
}

/// A lesson marked done.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompletionResponse {
    #[schema(value_type = i64)]
    pub lesson_id: LessonId,
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    /// When the lesson was first marked done (a repeat keeps it).
    pub completed_at: DateTime<Utc>,
    /// When every required lesson of the course was done; `null` before.
    pub course_completed_at: Option<DateTime<Utc>>,
    /// The caller's certificate for the course, once there is one.
    pub certificate: Option<CertificateResponse>,
}

/// A lesson in the caller's progress.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LessonProgress {
    #[schema(value_type = i64)]
    pub lesson_id: LessonId,
    pub position: i32,
    /// `text`, `video`, `link` or `file`.
    pub kind: LessonKind,
    pub required: bool,
    pub title: Option<String>,
    /// The language of `title`.
    pub title_language: Option<String>,
    /// When the caller marked it done; `null` if not done.
    pub completed_at: Option<DateTime<Utc>>,
}

/// A module in the caller's progress.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModuleProgress {
    #[schema(value_type = i64)]
    pub module_id: ModuleId,
    pub position: i32,
    pub title: Option<String>,
    /// The language of `title`.
    pub title_language: Option<String>,
    /// Required lessons of the module.
    pub required_total: u32,
    /// Required lessons done.
    pub required_done: u32,
    pub lessons_total: u32,
    pub lessons_done: u32,
    pub lessons: Vec<LessonProgress>,
}

/// The lesson to take next.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NextLesson {
    #[schema(value_type = i64)]
    pub lesson_id: LessonId,
    #[schema(value_type = i64)]
    pub module_id: ModuleId,
    pub title: Option<String>,
    pub title_language: Option<String>,
}

/// A learner's progress in one course.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProgressResponse {
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    #[schema(value_type = i64)]
    pub user_id: UserId,
    /// The language asked for (the titles say which language they are in).
    pub language: String,
    pub enrolled_at: DateTime<Utc>,
    /// When every required lesson was done (every lesson, for a course with none
    /// required); `null` until then.
    pub completed_at: Option<DateTime<Utc>>,
    /// Required lessons of the course.
    pub required_total: u32,
    /// Required lessons done.
    pub required_done: u32,
    /// All lessons of the course.
    pub lessons_total: u32,
    /// All lessons done.
    pub lessons_done: u32,
    /// Required lessons done, in percent (rounded down; 100 once complete).
    pub percent: u32,
    /// The first lesson not done, in outline order; `null` when all are done.
    pub next_lesson: Option<NextLesson>,
    /// The learner's certificate for the course, once there is one.
    pub certificate: Option<CertificateResponse>,
    pub modules: Vec<ModuleProgress>,
}

/// One completion made offline.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncCompletion {
    #[serde(deserialize_with = "crate::http::json::int")]
    pub lesson_id: i64,
    /// When it was done on the device (RFC 3339); at most 5 minutes ahead of the server.
    pub completed_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/me/completions/batch`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncCompletionsRequest {
    /// 1 to 500 completions, applied in order.
    #[schema(min_items = 1, max_items = 500)]
    pub completions: Vec<SyncCompletion>,
}

/// Most completions in one batch.
pub const MAX_BATCH: usize = 500;

/// Offline completions, checked: (lesson, when it was done, as stored), in the order sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineCompletions(pub Vec<(LessonId, NaiveDateTime)>);

impl TryFrom<SyncCompletionsRequest> for OfflineCompletions {
    type Error = ApiError;

    fn try_from(body: SyncCompletionsRequest) -> Result<Self, ApiError> {
        let items = body.completions;
        if items.is_empty() || items.len() > MAX_BATCH {
            return Err(ApiError::invalid_field(
                "completions",
                "invalid_length",
                format!("must hold 1 to {MAX_BATCH} items"),
            ));
        }
        Ok(Self(
            items
                .into_iter()
                .map(|c| {
                    (
                        LessonId(c.lesson_id),
                        truncate_to_stored(c.completed_at.naive_utc()),
                    )
                })
                .collect(),
        ))
    }
}

/// The answer for one offline completion.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SyncResult {
    #[schema(value_type = i64)]
    pub lesson_id: LessonId,
    pub status: SyncStatus,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<SyncRejection>,
    /// The completion time on record (for `applied` and `already_done`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
}

/// Answer of `POST /api/v1/me/completions/batch`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SyncCompletionsResponse {
    /// One result per item, in the order sent.
    pub results: Vec<SyncResult>,
    /// Certificates this batch issued.
    pub certificates_issued: Vec<CertificateResponse>,
}

#[cfg(test)]
mod tests {
    use super::{MAX_BATCH, MAX_REASON_CHARS, SyncCompletion};

    #[test]
    fn documented_limits_are_the_checked_ones() {
        crate::openapi::assert_documented_limits(&[
            (
                "RevokeCertificateRequest",
                "reason",
                "maxLength",
                MAX_REASON_CHARS,
            ),
            ("SyncCompletionsRequest", "completions", "minItems", 1),
            (
                "SyncCompletionsRequest",
                "completions",
                "maxItems",
                MAX_BATCH,
            ),
        ]);
    }

    #[test]
    fn lesson_ids_are_integral_and_in_range() {
        let parse = |id: &str| {
            serde_json::from_str::<SyncCompletion>(&format!(
                r#"{{"lesson_id": {id}, "completed_at": "2026-01-01T00:00:00Z"}}"#
            ))
            .map(|c| c.lesson_id)
        };
        assert_eq!(parse("42").unwrap(), 42);
        assert_eq!(parse("42.0").unwrap(), 42);
        assert!(parse("42.5").is_err());
        assert!(parse("9223372036854775808").is_err());
        assert!(parse("1e19").is_err());
        assert!(parse("-9223372036854775809").is_err());
        assert_eq!(parse("-9223372036854775808").unwrap(), i64::MIN);
        assert!(parse("\"42\"").is_err());
    }
}
