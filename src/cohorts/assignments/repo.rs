//! Queries on assignments and submissions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::cohorts::assignments::model::{
    Assignment, AssignmentChanges, NewAssignment, NewSubmission, Submission, SubmissionStatus,
};
use crate::db::DbConn;
use crate::db::schema::{assignment_submissions, assignments, users};
use crate::types::{AssignmentId, CohortId, SubmissionId, UserId};

/// An assignment.
pub fn find(conn: &mut DbConn, id: AssignmentId) -> QueryResult<Option<Assignment>> {
    assignments::table
        .find(id)
        .select(Assignment::as_select())
        .first(conn)
        .optional()
}

/// Stores a new assignment.
pub fn insert(conn: &mut DbConn, new: &NewAssignment) -> QueryResult<Assignment> {
    diesel::insert_into(assignments::table)
        .values(new)
        .returning(assignments::all_columns)
        .get_result(conn)
}

/// Writes an assignment's fields.
pub fn update(
    conn: &mut DbConn,
    id: AssignmentId,
    changes: &AssignmentChanges,
) -> QueryResult<Assignment> {
    diesel::update(assignments::table.find(id))
        .set(changes)
        .returning(assignments::all_columns)
        .get_result(conn)
}

/// Deletes an assignment.
pub fn delete(conn: &mut DbConn, id: AssignmentId) -> QueryResult<usize> {
    diesel::delete(assignments::table.find(id)).execute(conn)
}

/// How many assignments the cohort has.
pub fn count(conn: &mut DbConn, cohort: CohortId) -> QueryResult<i64> {
    assignments::table
        .filter(assignments::cohort_id.eq(cohort))
        .count()
        .get_result(conn)
}

/// A page of the cohort's assignments by id, after `after`.
pub fn list(
    conn: &mut DbConn,
    cohort: CohortId,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Assignment>> {
    let mut q = assignments::table
        .filter(assignments::cohort_id.eq(cohort))
        .select(Assignment::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(assignments::id.gt(after));
    }
    q.order(assignments::id.asc()).limit(limit).load(conn)
}

/// Every assignment id of the cohort.
pub fn ids_of(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<AssignmentId>> {
    assignments::table
        .filter(assignments::cohort_id.eq(cohort))
        .select(assignments::id)
        .order(assignments::id.asc())
        .load(conn)
}

/// A submission.
pub fn find_submission(conn: &mut DbConn, id: SubmissionId) -> QueryResult<Option<Submission>> {
    assignment_submissions::table
        .find(id)
        .select(Submission::as_select())
        .first(conn)
        .optional()
}

/// A participant's submission to an assignment.
pub fn submission_of(
    conn: &mut DbConn,
    assignment: AssignmentId,
    user: UserId,
) -> QueryResult<Option<Submission>> {
    assignment_submissions::table
        .filter(assignment_submissions::assignment_id.eq(assignment))
        .filter(assignment_submissions::user_id.eq(user))
        .select(Submission::as_select())
        .first(conn)
        .optional()
}

/// Stores a first submission.
pub fn insert_submission(conn: &mut DbConn, new: &NewSubmission) -> QueryResult<Submission> {
    diesel::insert_into(assignment_submissions::table)
        .values(new)
        .returning(assignment_submissions::all_columns)
        .get_result(conn)
}

/// Replaces a submission's content (a resubmission).
pub fn resubmit(
    conn: &mut DbConn,
    old: &Submission,
    body: &str,
    links: &str,
    late: bool,
    at: NaiveDateTime,
) -> QueryResult<Submission> {
    diesel::update(assignment_submissions::table.find(old.id))
        .set((
            assignment_submissions::body.eq(body),
            assignment_submissions::links.eq(links),
            assignment_submissions::late.eq(late),
            assignment_submissions::submitted_at.eq(at),
            assignment_submissions::submission_count.eq(old.submission_count + 1),
            assignment_submissions::updated_at.eq(at),
            assignment_submissions::version.eq(old.version + 1),
        ))
        .returning(assignment_submissions::all_columns)
        .get_result(conn)
}

/// Records a submission's mark.
pub fn mark(
    conn: &mut DbConn,
    old: &Submission,
    status: SubmissionStatus,
    points: Option<i32>,
    feedback: Option<&str>,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<Submission> {
    diesel::update(assignment_submissions::table.find(old.id))
        .set((
            assignment_submissions::status.eq(status),
            assignment_submissions::points.eq(points),
            assignment_submissions::feedback.eq(feedback),
            assignment_submissions::graded_by.eq(Some(by)),
            assignment_submissions::graded_at.eq(Some(at)),
            assignment_submissions::updated_at.eq(at),
            assignment_submissions::version.eq(old.version + 1),
        ))
        .returning(assignment_submissions::all_columns)
        .get_result(conn)
}

/// Whether any submission to the assignment was marked.
pub fn any_marked(conn: &mut DbConn, assignment: AssignmentId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        assignment_submissions::table
            .filter(assignment_submissions::assignment_id.eq(assignment))
            .filter(assignment_submissions::status.ne(SubmissionStatus::Submitted)),
    ))
    .get_result(conn)
}

/// Whether the assignment has any submission.
pub fn any_submission(conn: &mut DbConn, assignment: AssignmentId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        assignment_submissions::table.filter(assignment_submissions::assignment_id.eq(assignment)),
    ))
    .get_result(conn)
}

/// A page of an assignment's submissions by id, with the participants' display names.
pub fn list_submissions(
    conn: &mut DbConn,
    assignment: AssignmentId,
    status: Option<SubmissionStatus>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(Submission, String)>> {
    let mut q = assignment_submissions::table
        .inner_join(users::table)
        .filter(assignment_submissions::assignment_id.eq(assignment))
        .select((Submission::as_select(), users::display_name))
        .into_boxed();
    if let Some(status) = status {
        q = q.filter(assignment_submissions::status.eq(status));
    }
    if let Some(after) = after {
        q = q.filter(assignment_submissions::id.gt(after));
    }
    q.order(assignment_submissions::id.asc())
        .limit(limit)
        .load(conn)
}

/// A participant's display name.
pub fn display_name(conn: &mut DbConn, user: UserId) -> QueryResult<String> {
    users::table
        .find(user)
        .select(users::display_name)
        .first(conn)
}

/// The (participant, assignment) pairs of the cohort's assignments that each of `people` passed.
pub fn passed_by(
    conn: &mut DbConn,
    cohort: CohortId,
    people: &[UserId],
) -> QueryResult<Vec<(UserId, AssignmentId)>> {
    assignment_submissions::table
        .inner_join(assignments::table)
        .filter(assignments::cohort_id.eq(cohort))
        .filter(assignment_submissions::user_id.eq_any(people))
        .filter(assignment_submissions::status.eq(SubmissionStatus::Passed))
        .select((assignment_submissions::user_id, assignments::id))
        .load(conn)
}
