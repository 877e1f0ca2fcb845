//! Rows of enrolments, lesson completions and certificates, the parts of courses and
//! lessons that learning needs, and learning's closed vocabularies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::courses::model::{CourseStatus, Format, LessonKind};
use crate::db::schema::{certificates, enrolments, lesson_completions};
use crate::types::{CertificateId, CohortId, CourseId, EnrolmentId, LessonId, ModuleId, UserId};

/// A member's enrolment in a course; `deleted_at` is set once they unenrol.
///
/// `version` counts every change to the learner's record in the course: enrolling,
/// renewing, unenrolling, completing or undoing a lesson, and the course's completion. A
/// call that changes nothing (a repeated completion) bumps nothing.
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = enrolments)]
pub struct Enrolment {
    pub id: EnrolmentId,
    pub course_id: CourseId,
    pub user_id: UserId,
    /// When the current enrolment began (a renewed enrolment starts again).
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// When every required lesson was done.
    pub completed_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i64,
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
    pub course_id: CourseId,
    pub user_id: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set only by seeding, for enrolments completed in the past.
    pub completed_at: Option<NaiveDateTime>,
}

/// A lesson a member marked done.
#[derive(Debug, Clone, Queryable)]
pub struct Completion {
    pub id: i64,
    pub user_id: UserId,
    pub lesson_id: LessonId,
    pub course_id: CourseId,
    pub completed_at: NaiveDateTime,
}

/// A new completion.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = lesson_completions)]
pub struct NewCompletion {
    pub user_id: UserId,
    pub lesson_id: LessonId,
    pub course_id: CourseId,
    pub completed_at: NaiveDateTime,
}

/// A certificate of completion of a course or of a cohort (exactly one of `course_id` and
/// `cohort_id`); `version` is bumped when it is revoked.
#[derive(Debug, Clone, Queryable)]
pub struct Certificate {
    pub id: CertificateId,
    /// The public verification code.
    pub code: String,
    pub user_id: UserId,
    pub course_id: Option<CourseId>,
    /// The holder's display name when it was issued.
    pub holder_name: String,
    /// The course's (or the cohort's) title in `language`.
    pub course_title: String,
    pub language: String,
    pub issued_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
    pub version: i64,
    /// The cohort completed, for a cohort's certificate.
    pub cohort_id: Option<CohortId>,
}

/// A new certificate.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = certificates, treat_none_as_default_value = false)]
pub struct NewCertificate {
    pub code: String,
    pub user_id: UserId,
    pub course_id: Option<CourseId>,
    pub cohort_id: Option<CohortId>,
    pub holder_name: String,
    pub course_title: String,
    pub language: String,
    pub issued_at: NaiveDateTime,
}

/// What enrolment and progress need of a course (live courses only).
#[derive(Debug, Clone)]
pub struct CourseState {
    pub id: CourseId,
    pub slug: String,
    pub default_language: String,
    pub format: Format,
    pub status: CourseStatus,
    pub capacity: Option<i32>,
    /// Bumped by every change to the course's own fields and translations.
    pub version: i64,
}

impl CourseState {
    /// Whether members can see the course: published or archived (drafts answer 404 like
    /// unknown courses).
    pub fn is_visible(&self) -> bool {
        matches!(
            self.status,
            CourseStatus::Published | CourseStatus::Archived
        )
    }

    /// Archived courses keep their learners' records but take no new ones.
    pub fn is_archived(&self) -> bool {
        self.status == CourseStatus::Archived
    }
}

/// A live lesson of a course, in outline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct LessonRef {
    pub id: LessonId,
    pub module_id: ModuleId,
    pub module_position: i32,
    pub position: i32,
    pub required: bool,
    pub kind: LessonKind,
}

crate::vocabulary! {
    /// What became of one offline completion.
    pub enum SyncStatus {
        /// Stored with its original timestamp.
        Applied => "applied",
        /// The lesson was done already; the earlier record stays.
        AlreadyDone => "already_done",
        /// Not stored; `code` says why.
        Rejected => "rejected",
    }
}

crate::vocabulary! {
    /// Why an offline completion was not stored.
    pub enum SyncRejection {
        /// No such lesson (or its course is a draft).
        UnknownLesson => "unknown_lesson",
        /// The caller is not enrolled in the lesson's course.
        NotEnrolled => "not_enrolled",
        /// The course is archived.
        NotOpen => "not_open",
        /// Dated more than five minutes ahead of the server's clock.
        InFuture => "in_future",
        /// Dated before the caller's current enrolment in the course began.
        BeforeEnrolment => "before_enrolment",
        /// Dated earlier than the offline window allows (`BAYANIHAN_OFFLINE_WINDOW_DAYS`).
        TooOld => "too_old",
        /// A quiz lesson: only passing its quiz completes it.
        CompletedByQuiz => "completed_by_quiz",
    }
}

crate::vocabulary! {
    /// Orders of the caller's enrolment list.
    #[derive(Default)]
    pub enum EnrolmentSort {
        /// Most recently changed first (the default).
        #[default]
        UpdatedDesc => "-updated_at",
        /// Least recently changed first: the order to sync in.
        UpdatedAsc => "updated_at",
    }
}
