//! Completion rules and e-trainer certifications as stored, and completion as computed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Role;
use crate::db::schema::{cohort_completion_rules, trainer_certifications};
use crate::types::{AssignmentId, CertificateId, CohortId, CourseId, UserId};

/// What a participant must do to complete a cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The share of the sessions' minutes to attend, 0 to 100.
    pub min_attendance_percent: i32,
    /// Every assignment of the cohort passed.
    pub all_assignments_passed: bool,
    /// Every course of the cohort completed.
    pub all_courses_completed: bool,
}

impl Rules {
    /// The rules of a cohort that states none.
    pub const DEFAULT: Self = Self {
        min_attendance_percent: 75,
        all_assignments_passed: true,
        all_courses_completed: true,
    };
}

/// A cohort's stated rules.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cohort_completion_rules)]
pub struct RulesRow {
    pub cohort_id: CohortId,
    pub min_attendance_percent: i32,
    pub all_assignments_passed: bool,
    pub all_courses_completed: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl RulesRow {
    /// The rules it states.
    pub fn rules(&self) -> Rules {
        Rules {
            min_attendance_percent: self.min_attendance_percent,
            all_assignments_passed: self.all_assignments_passed,
            all_courses_completed: self.all_courses_completed,
        }
    }
}

impl crate::http::etag::Versioned for RulesRow {
    const KIND: &'static str = "completion-rules";

    fn id_and_version(&self) -> (i64, i64) {
        (self.cohort_id.get(), self.version)
    }
}

/// A member certified as an e-trainer by a `tot` cohort.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = trainer_certifications)]
pub struct TrainerCertification {
    pub id: i64,
    pub user_id: UserId,
    pub cohort_id: CohortId,
    pub certificate_id: CertificateId,
    pub role_before: Role,
    pub role_after: Role,
    pub certified_by: Option<UserId>,
    pub certified_at: NaiveDateTime,
    /// When revoking the cohort's certificate revoked it (the role it granted given back).
    pub revoked_at: Option<NaiveDateTime>,
}

/// A new e-trainer certification.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = trainer_certifications, treat_none_as_default_value = false)]
pub struct NewTrainerCertification {
    pub user_id: UserId,
    pub cohort_id: CohortId,
    pub certificate_id: CertificateId,
    pub role_before: Role,
    pub role_after: Role,
    pub certified_by: Option<UserId>,
    pub certified_at: NaiveDateTime,
}

/// One participant's completion, as computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantCompletion {
    pub user_id: UserId,
    pub display_name: String,
    pub attended_minutes: i64,
    pub attendance_met: bool,
    pub assignments_passed: Vec<AssignmentId>,
    pub missing_assignments: Vec<AssignmentId>,
    pub assignments_met: bool,
    pub courses_completed: Vec<CourseId>,
    pub missing_courses: Vec<CourseId>,
    pub courses_met: bool,
}

impl ParticipantCompletion {
    /// Every rule met.
    pub fn complete(&self) -> bool {
        self.attendance_met && self.assignments_met && self.courses_met
    }

    /// The rules not met, by name: `attendance`, `assignments`, `courses`.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            (!self.attendance_met).then_some("attendance"),
            (!self.assignments_met).then_some("assignments"),
            (!self.courses_met).then_some("courses"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Whether `attended` of `total` minutes meets `min_percent` (exactly, in integers); with
/// no session minutes there is nothing to attend.
pub fn attendance_met(attended: i64, total: i64, min_percent: i32) -> bool {
    total <= 0 || attended.min(total) * 100 >= i64::from(min_percent) * total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendance_is_compared_exactly() {
        assert!(attendance_met(0, 0, 100));
        assert!(attendance_met(75, 100, 75));
        assert!(!attendance_met(74, 100, 75));
        assert!(attendance_met(2, 3, 66));
        assert!(!attendance_met(2, 3, 67));
        assert!(attendance_met(500, 100, 100));
        assert!(attendance_met(0, 100, 0));
    }
}
