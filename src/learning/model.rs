//! Rows of enrolments, lesson completions and certificates, and the parts of courses
//! and lessons that learning needs.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{certificates, enrolments, lesson_completions};

/// A member's enrolment in a course; `deleted_at` is set once they unenrol.
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = enrolments)]
pub struct Enrolment {
    pub id: i64,
    pub course_id: i64,
    pub user_id: i64,
    /// When the current enrolment began (a renewed enrolment starts again).
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// When every required lesson was done.
    pub completed_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
}

impl Enrolment {
    /// Whether the member is enrolled now.
    pub fn is_active(&self) -> bool {
        self.deleted_at.is_none()
    }
}

/// A new enrolment.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = enrolments, treat_none_as_default_value = false)]
pub struct NewEnrolment {
    pub course_id: i64,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set only by seeding, for enrolments completed in the past.
    pub completed_at: Option<NaiveDateTime>,
}

/// A lesson a member marked done.
#[derive(Debug, Clone, Queryable)]
pub struct Completion {
    pub id: i64,
    pub user_id: i64,
    pub lesson_id: i64,
    pub course_id: i64,
    pub completed_at: NaiveDateTime,
}

/// A new completion.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = lesson_completions)]
pub struct NewCompletion {
    pub user_id: i64,
    pub lesson_id: i64,
    pub course_id: i64,
    pub completed_at: NaiveDateTime,
}

/// A certificate of completion.
#[derive(Debug, Clone, Queryable)]
pub struct Certificate {
    pub id: i64,
    /// The public verification code.
    pub code: String,
    pub user_id: i64,
    pub course_id: i64,
    /// The holder's display name when it was issued.
    pub holder_name: String,
    /// The course title in `language`.
    pub course_title: String,
    pub language: String,
    pub issued_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
}

/// A new certificate.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = certificates)]
pub struct NewCertificate {
    pub code: String,
    pub user_id: i64,
    pub course_id: i64,
    pub holder_name: String,
    pub course_title: String,
    pub language: String,
    pub issued_at: NaiveDateTime,
}

/// Course statuses.
pub const PUBLISHED: &str = "published";
/// Archived courses keep their learners' records but take no new ones.
pub const ARCHIVED: &str = "archived";
/// The one format members enrol in themselves; cohorts go by nomination.
pub const SELF_PACED: &str = "self_paced";

/// What enrolment and progress need of a course (live courses only).
#[derive(Debug, Clone, Queryable)]
pub struct CourseState {
    pub id: i64,
    pub slug: String,
    pub default_language: String,
    pub format: String,
    pub status: String,
    pub capacity: Option<i32>,
}

/// A live lesson of a course, in outline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct LessonRef {
    pub id: i64,
    pub module_id: i64,
    pub module_position: i32,
    pub position: i32,
    pub required: bool,
}
