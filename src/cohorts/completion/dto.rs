//! What the completion endpoints read and write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::cohorts::completion::model::Rules;
use crate::error::{ApiError, Fields};
use crate::types::{AssignmentId, CohortId, CourseId, UserId};

/// The sort of the completion list's cursor: by participant id.
pub const USER_SORT: &str = "user_id";

/// `PUT /api/v1/cohorts/{id}/completion-rules`: the whole of a cohort's rules.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionRulesRequest {
    /// The share of the live sessions' minutes a participant must attend, 0 to 100.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 0, maximum = 100)]
    pub min_attendance_percent: i64,
    /// Every assignment of the cohort must be passed.
    pub all_assignments_passed: bool,
    /// Every course of the cohort must be completed.
    pub all_courses_completed: bool,
}

impl TryFrom<CompletionRulesRequest> for Rules {
    type Error = ApiError;

    fn try_from(body: CompletionRulesRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let min = i32::try_from(body.min_attendance_percent)
            .ok()
            .filter(|p| (0..=100).contains(p));
        if min.is_none() {
            f.push("min_attendance_percent", "out_of_range", "must be 0 to 100");
        }
        f.finish_with(|| {
            Some(Self {
                min_attendance_percent: min?,
                all_assignments_passed: body.all_assignments_passed,
                all_courses_completed: body.all_courses_completed,
            })
        })
    }
}

/// A cohort's completion rules.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompletionRulesResponse {
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    pub min_attendance_percent: i32,
    pub all_assignments_passed: bool,
    pub all_courses_completed: bool,
    /// `false` when the cohort states no rules and the defaults apply (75 % attendance,
    /// every assignment passed, every course completed).
    pub stated: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

/// One participant's completion of a cohort.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ParticipantCompletionResponse {
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub display_name: String,
    /// Minutes of the cohort's live sessions attended.
    pub attended_minutes: i64,
    /// The share of the sessions' minutes attended, one decimal; `null` when the cohort
    /// has no session minutes (nothing to attend).
    pub attendance_percent: Option<f64>,
    /// The cohort's assignments passed.
    #[schema(value_type = Vec<i64>)]
    pub assignments_passed: Vec<AssignmentId>,
    /// The cohort's assignments not passed (yet).
    #[schema(value_type = Vec<i64>)]
    pub missing_assignment_ids: Vec<AssignmentId>,
    /// The cohort's courses completed.
    #[schema(value_type = Vec<i64>)]
    pub courses_completed: Vec<CourseId>,
    /// The cohort's courses not completed (yet).
    #[schema(value_type = Vec<i64>)]
    pub missing_course_ids: Vec<CourseId>,
    /// Every rule met.
    pub complete: bool,
    /// The rules not met: `attendance`, `assignments`, `courses` (empty when complete).
    pub missing: Vec<String>,
    /// The verification code of the participant's certificate for the cohort, once issued.
    pub certificate_code: Option<String>,
    /// `false` once that certificate was revoked.
    pub certificate_valid: Option<bool>,
    /// Completing this (`tot`) cohort made the participant an e-trainer.
    pub certified_trainer: bool,
}

/// A cohort's completion: its rules, what they count over, and one page of participants.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CohortCompletionResponse {
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    pub rules: CompletionRulesResponse,
    /// The sum of the cohort's live sessions' lengths, in minutes.
    pub session_minutes: i64,
    #[schema(value_type = Vec<i64>)]
    pub assignment_ids: Vec<AssignmentId>,
    #[schema(value_type = Vec<i64>)]
    pub course_ids: Vec<CourseId>,
    /// Participants by id: every one for the cohort's staff, only the caller for a
    /// participant.
    pub items: Vec<ParticipantCompletionResponse>,
    pub next_cursor: Option<String>,
}

/// A certificate issued by `POST /api/v1/cohorts/{id}/certificates`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IssuedCertificate {
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub certificate_code: String,
    /// The participant became an e-trainer by it (a `tot` cohort).
    pub certified_trainer: bool,
}

/// What certifying a cohort did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CertificationResponse {
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    /// Certificates this call issued (participants certified before are not repeated).
    pub issued: Vec<IssuedCertificate>,
    /// Participants complete now (certified now or before).
    pub complete_count: usize,
    /// Participants not complete (yet).
    pub incomplete_count: usize,
}
