//! Assignments and submissions as stored, the domain's input values and vocabularies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{assignment_submissions, assignments};
use crate::http::etag;
use crate::types::{AssignmentId, CohortId, SubmissionId, UserId};

crate::vocabulary! {
    /// How an assignment is marked.
    pub enum Grading {
        /// Passed or failed.
        PassFail => "pass_fail",
        /// Points out of `max_points`; `pass_points` or more passes.
        Points => "points",
    }
}

crate::vocabulary! {
    /// Where a submission stands.
    pub enum SubmissionStatus {
        /// Handed in, not marked yet: the participant may hand it in again.
        Submitted => "submitted",
        /// Marked as passed (or with at least the points to pass).
        Passed => "passed",
        /// Marked as failed (or with fewer points than needed).
        Failed => "failed",
    }
}

/// An assignment row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assignments)]
pub struct Assignment {
    pub id: AssignmentId,
    pub cohort_id: CohortId,
    pub title: String,
    /// Markdown as written.
    pub instructions: String,
    /// `instructions` rendered through the one sanitiser.
    pub instructions_html: String,
    pub due_at: NaiveDateTime,
    pub grading: Grading,
    pub max_points: Option<i32>,
    pub pass_points: Option<i32>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

etag::versioned_row!(Assignment, "assignment");

/// How an assignment is marked, checked: points come with a maximum and a pass mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marking {
    PassFail,
    Points { max: i32, pass: i32 },
}

impl Marking {
    /// The stored columns: (grading, max_points, pass_points).
    pub fn columns(self) -> (Grading, Option<i32>, Option<i32>) {
        match self {
            Self::PassFail => (Grading::PassFail, None, None),
            Self::Points { max, pass } => (Grading::Points, Some(max), Some(pass)),
        }
    }

    /// The marking of a stored assignment.
    pub fn of(a: &Assignment) -> Self {
        match (a.grading, a.max_points, a.pass_points) {
            (Grading::Points, Some(max), Some(pass)) => Self::Points { max, pass },
            _ => Self::PassFail,
        }
    }
}

/// An assignment's fields, each valid; `instructions_html` rendered before any transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentInput {
    pub title: String,
    pub instructions: String,
    pub instructions_html: String,
    pub due_at: NaiveDateTime,
    pub marking: Marking,
}

impl AssignmentInput {
    /// The input a stored assignment holds.
    pub fn of(a: &Assignment) -> Self {
        Self {
            title: a.title.clone(),
            instructions: a.instructions.clone(),
            instructions_html: a.instructions_html.clone(),
            due_at: a.due_at,
            marking: Marking::of(a),
        }
    }
}

/// A valid partial change of an assignment: `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentPatch {
    pub title: Option<String>,
    /// Markdown and its rendering.
    pub instructions: Option<(String, String)>,
    pub due_at: Option<NaiveDateTime>,
    pub marking: Option<Marking>,
}

impl AssignmentPatch {
    /// What `current` would become.
    pub fn apply(&self, current: &AssignmentInput) -> AssignmentInput {
        let (instructions, instructions_html) = self.instructions.clone().unwrap_or_else(|| {
            (
                current.instructions.clone(),
                current.instructions_html.clone(),
            )
        });
        AssignmentInput {
            title: self.title.clone().unwrap_or_else(|| current.title.clone()),
            instructions,
            instructions_html,
            due_at: self.due_at.unwrap_or(current.due_at),
            marking: self.marking.unwrap_or(current.marking),
        }
    }
}

/// A new assignment row (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = assignments, treat_none_as_default_value = false)]
pub struct NewAssignment {
    pub cohort_id: CohortId,
    pub title: String,
    pub instructions: String,
    pub instructions_html: String,
    pub due_at: NaiveDateTime,
    pub grading: Grading,
    pub max_points: Option<i32>,
    pub pass_points: Option<i32>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The whole of an assignment's changeable columns, as version `version`.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = assignments, treat_none_as_null = true)]
pub struct AssignmentChanges {
    pub title: String,
    pub instructions: String,
    pub instructions_html: String,
    pub due_at: NaiveDateTime,
    pub grading: Grading,
    pub max_points: Option<i32>,
    pub pass_points: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A submission row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assignment_submissions)]
pub struct Submission {
    pub id: SubmissionId,
    pub assignment_id: AssignmentId,
    pub user_id: UserId,
    pub body: String,
    /// Web addresses, one a line.
    pub links: String,
    pub submitted_at: NaiveDateTime,
    pub late: bool,
    pub submission_count: i32,
    pub status: SubmissionStatus,
    pub points: Option<i32>,
    pub feedback: Option<String>,
    pub graded_by: Option<UserId>,
    pub graded_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

etag::versioned_row!(Submission, "submission");

/// What a participant hands in, checked: text and/or distinct web addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionInput {
    pub text: String,
    pub links: Vec<String>,
}

/// A new submission row (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = assignment_submissions, treat_none_as_default_value = false)]
pub struct NewSubmission {
    pub assignment_id: AssignmentId,
    pub user_id: UserId,
    pub body: String,
    pub links: String,
    pub submitted_at: NaiveDateTime,
    pub late: bool,
    pub submission_count: i32,
    pub status: SubmissionStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A mark, checked against nothing yet: a pass or fail, or points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    Passed(bool),
    Points(i32),
}

/// A facilitator's marking of a submission: the mark and feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkInput {
    pub mark: Mark,
    pub feedback: Option<String>,
}
