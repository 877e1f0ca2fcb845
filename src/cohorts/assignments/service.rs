//! Assignment use cases, each inside the caller's one transaction, asking `auth::policy`
//! with the actor's current role and the facilitation and participation read from the
//! database.

use crate::auth::policy::{Action, allowed, authorize};
use crate::auth::{AuthUser, Role};
use crate::cohorts::assignments::model::{
    Assignment, AssignmentChanges, AssignmentInput, AssignmentPatch, Mark, MarkInput, Marking,
    NewAssignment, NewSubmission, Submission, SubmissionInput, SubmissionStatus,
};
use crate::cohorts::assignments::repo;
use crate::cohorts::model::{Cohort, CohortStatus};
use crate::cohorts::nominations::repo as nominations;
use crate::cohorts::repo as cohorts;
use crate::db::Written;
use crate::db::{self, DbConn, now};
use crate::error::ApiError;
use crate::http::etag::{IfMatch, Versioned};
use crate::http::pagination::{Page, PageRequest};
use crate::types::{AssignmentId, CohortId, SubmissionId};

/// A cohort holds at most this many assignments.
pub const MAX_ASSIGNMENTS: i64 = 100;

/// How the caller stands towards a cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Sets assignments and marks: a facilitator while a trainer, a coordinator, an admin.
    Staff,
    /// An accepted participant.
    Participant,
    /// Neither.
    Outsider,
}

/// How `actor` stands towards the cohort, read from the database now.
pub fn standing(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort: CohortId,
) -> Result<Standing, ApiError> {
    let is_facilitator = cohorts::is_facilitator(conn, cohort, actor.id)?;
    if allowed(actor, Action::FacilitateCohort { is_facilitator }) {
        return Ok(Standing::Staff);
    }
    if nominations::is_participant(conn, cohort, actor.id)? {
        return Ok(Standing::Participant);
    }
    Ok(Standing::Outsider)
}

fn forbidden() -> ApiError {
    ApiError::forbidden("forbidden", "you are not allowed to do this")
}

/// The cohort, or 404.
fn cohort(conn: &mut DbConn, id: CohortId) -> Result<Cohort, ApiError> {
    cohorts::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// 409 `cohort_closed` once the cohort completed or was cancelled.
fn open_for_work(cohort: &Cohort) -> Result<(), ApiError> {
    if matches!(
        cohort.status,
        CohortStatus::Completed | CohortStatus::Cancelled
    ) {
        return Err(ApiError::Conflict {
            code: "cohort_closed",
            detail: format!(
                "the cohort is {}: its assignments are settled",
                cohort.status
            ),
        });
    }
    Ok(())
}

/// The assignment, readable by the cohort's staff and participants (403 for others).
fn readable(conn: &mut DbConn, actor: &AuthUser, id: AssignmentId) -> Result<Assignment, ApiError> {
    let a = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
    match standing(conn, actor, a.cohort_id)? {
        Standing::Staff | Standing::Participant => Ok(a),
        Standing::Outsider => Err(forbidden()),
    }
}

/// The assignment, locked, if the caller sets the cohort's assignments (403 otherwise).
fn writable(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AssignmentId,
) -> Result<(Assignment, Cohort), ApiError> {
    db::lock_row(conn, "assignments", id.get())?;
    let a = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if standing(conn, actor, a.cohort_id)? != Standing::Staff {
        return Err(forbidden());
    }
    let c = cohort(conn, a.cohort_id)?;
    Ok((a, c))
}

/// A facilitator (or coordinator, admin) sets an assignment for the cohort.
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    input: AssignmentInput,
) -> Result<Assignment, ApiError> {
    db::lock_row(conn, "cohorts", cohort_id.get())?;
    let c = cohort(conn, cohort_id)?;
    let is_facilitator = cohorts::is_facilitator(conn, cohort_id, actor.id)?;
    authorize(actor, Action::FacilitateCohort { is_facilitator })?;
    open_for_work(&c)?;
    if repo::count(conn, cohort_id)? >= MAX_ASSIGNMENTS {
        return Err(ApiError::Conflict {
            code: "too_many_assignments",
            detail: format!("a cohort holds at most {MAX_ASSIGNMENTS} assignments"),
        });
    }
    let (grading, max_points, pass_points) = input.marking.columns();
    let at = now();
    let a = repo::insert(
        conn,
        &NewAssignment {
            cohort_id,
            title: input.title,
            instructions: input.instructions,
            instructions_html: input.instructions_html,
            due_at: input.due_at,
            grading,
            max_points,
            pass_points,
            created_by: Some(actor.id),
            created_at: at,
            updated_at: at,
        },
    )?;
    Ok(a)
}

/// One assignment, for the cohort's staff and participants.
pub fn get(conn: &mut DbConn, actor: &AuthUser, id: AssignmentId) -> Result<Assignment, ApiError> {
    readable(conn, actor, id)
}

/// A page of the cohort's assignments by id, for its staff and participants.
pub fn list(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    page: &PageRequest<i64>,
) -> Result<Page<Assignment>, ApiError> {
    cohort(conn, cohort_id)?;
    if standing(conn, actor, cohort_id)? == Standing::Outsider {
        return Err(forbidden());
    }
    let rows = repo::list(
        conn,
        cohort_id,
        page.after.map(|(_, id)| id),
        page.fetch_limit(),
    )?;
    Ok(page.finish(
        rows,
        super::dto::ID_SORT,
        |a| (a.id.get(), a.id.get()),
        |a| a,
    ))
}

/// Changes an assignment, if it is still the version `if_match` names; its marking only
/// while no submission is marked (409 `assignment_marked`).
pub fn update(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AssignmentId,
    patch: AssignmentPatch,
    if_match: Option<&IfMatch>,
) -> Result<Assignment, ApiError> {
    let (a, c) = writable(conn, actor, id)?;
    a.check_if_match(if_match)?;
    let current = AssignmentInput::of(&a);
    let target = patch.apply(&current);
    if target == current {
        return Ok(a);
    }
    open_for_work(&c)?;
    if target.marking != current.marking && repo::any_marked(conn, id)? {
        return Err(ApiError::Conflict {
            code: "assignment_marked",
            detail: "submissions were marked already: the way of marking stays".to_owned(),
        });
    }
    let (grading, max_points, pass_points) = target.marking.columns();
    Ok(repo::update(
        conn,
        id,
        &AssignmentChanges {
            title: target.title,
            instructions: target.instructions,
            instructions_html: target.instructions_html,
            due_at: target.due_at,
            grading,
            max_points,
            pass_points,
            updated_at: now(),
            version: a.version + 1,
        },
    )?)
}

/// Deletes an assignment nobody handed anything in for (409 `has_submissions`).
pub fn delete(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AssignmentId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let (a, c) = writable(conn, actor, id)?;
    a.check_if_match(if_match)?;
    open_for_work(&c)?;
    if repo::any_submission(conn, id)? {
        return Err(ApiError::Conflict {
            code: "has_submissions",
            detail: "participants handed work in for this assignment: it stays".to_owned(),
        });
    }
    repo::delete(conn, id)?;
    Ok(())
}

/// A submission with its participant's display name.
#[derive(Debug)]
pub struct SubmissionView {
    pub submission: Submission,
    pub display_name: String,
}

fn view(conn: &mut DbConn, submission: Submission) -> Result<SubmissionView, ApiError> {
    let display_name = repo::display_name(conn, submission.user_id)?;
    Ok(SubmissionView {
        submission,
        display_name,
    })
}

/// A participant hands work in, or again while it is not marked (409 `already_marked`
/// after), while the cohort runs (409 `cohort_not_running`). Late when after the due time.
/// The same content again changes nothing.
pub fn submit(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AssignmentId,
    input: SubmissionInput,
) -> Result<(SubmissionView, Written), ApiError> {
    db::lock_row(conn, "assignments", id.get())?;
    let a = readable(conn, actor, id)?;
    if !nominations::is_participant(conn, a.cohort_id, actor.id)? {
        return Err(ApiError::forbidden(
            "not_a_participant",
            "only the cohort's participants hand work in",
        ));
    }
    let c = cohort(conn, a.cohort_id)?;
    if c.status != CohortStatus::Running {
        return Err(ApiError::Conflict {
            code: "cohort_not_running",
            detail: format!(
                "the cohort is {}: work is handed in while it runs",
                c.status
            ),
        });
    }
    let at = now();
    let late = at > a.due_at;
    let links = input.links.join("\n");
    let (s, written) = match repo::submission_of(conn, id, actor.id)? {
        Some(old) if old.status != SubmissionStatus::Submitted => {
            return Err(ApiError::Conflict {
                code: "already_marked",
                detail: "the submission was marked: it is not handed in again".to_owned(),
            });
        }
        Some(old) if old.body == input.text && old.links == links => (old, Written::Unchanged),
        Some(old) => (
            repo::resubmit(conn, &old, &input.text, &links, late, at)?,
            Written::Changed,
        ),
        None => (
            repo::insert_submission(
                conn,
                &NewSubmission {
                    assignment_id: id,
                    user_id: actor.id,
                    body: input.text,
                    links,
                    submitted_at: at,
                    late,
                    submission_count: 1,
                    status: SubmissionStatus::Submitted,
                    created_at: at,
                    updated_at: at,
                },
            )?,
            Written::Created,
        ),
    };
    Ok((view(conn, s)?, written))
}

/// The caller's own submission to an assignment (404 when none).
pub fn mine(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AssignmentId,
) -> Result<SubmissionView, ApiError> {
    let a = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let s = repo::submission_of(conn, a.id, actor.id)?.ok_or(ApiError::NotFound)?;
    view(conn, s)
}

/// The submission and its assignment if the caller may see it: their own, or any for the
/// cohort's staff; a trainer who does not facilitate the cohort is 403, anyone else 404.
fn visible(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: SubmissionId,
) -> Result<(Submission, Assignment, Standing), ApiError> {
    let s = repo::find_submission(conn, id)?.ok_or(ApiError::NotFound)?;
    let a = repo::find(conn, s.assignment_id)?.ok_or(ApiError::NotFound)?;
    let standing = standing(conn, actor, a.cohort_id)?;
    if s.user_id == actor.id || standing == Standing::Staff {
        return Ok((s, a, standing));
    }
    if standing == Standing::Outsider && actor.role >= Role::Trainer {
        return Err(forbidden());
    }
    Err(ApiError::NotFound)
}

/// One submission: the participant's own, or any for the cohort's staff.
pub fn get_submission(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: SubmissionId,
) -> Result<SubmissionView, ApiError> {
    let (s, _, _) = visible(conn, actor, id)?;
    view(conn, s)
}

/// A page of an assignment's submissions by id (the cohort's staff).
pub fn list_submissions(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AssignmentId,
    status: Option<SubmissionStatus>,
    page: &PageRequest<i64>,
) -> Result<Page<SubmissionView>, ApiError> {
    let a = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if standing(conn, actor, a.cohort_id)? != Standing::Staff {
        return Err(forbidden());
    }
    let rows = repo::list_submissions(
        conn,
        id,
        status,
        page.after.map(|(_, id)| id),
        page.fetch_limit(),
    )?;
    Ok(page.finish(
        rows,
        super::dto::ID_SORT,
        |(s, _)| (s.id.get(), s.id.get()),
        |(submission, display_name)| SubmissionView {
            submission,
            display_name,
        },
    ))
}

/// A facilitator (or coordinator, admin) marks a submission: a pass or fail, or points
/// (passing at the assignment's pass mark), with feedback; marking again corrects it. While
/// the cohort runs or after it completed (409 `cohort_not_running` otherwise).
pub fn mark(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: SubmissionId,
    input: MarkInput,
    if_match: Option<&IfMatch>,
) -> Result<SubmissionView, ApiError> {
    db::lock_row(conn, "assignment_submissions", id.get())?;
    let (s, a, standing) = visible(conn, actor, id)?;
    if standing != Standing::Staff {
        return Err(forbidden());
    }
    s.check_if_match(if_match)?;
    let c = cohort(conn, a.cohort_id)?;
    if !matches!(c.status, CohortStatus::Running | CohortStatus::Completed) {
        return Err(ApiError::Conflict {
            code: "cohort_not_running",
            detail: format!("the cohort is {}: nothing is marked", c.status),
        });
    }
    let (status, points) = match (Marking::of(&a), input.mark) {
        (Marking::PassFail, Mark::Passed(true)) => (SubmissionStatus::Passed, None),
        (Marking::PassFail, Mark::Passed(false)) => (SubmissionStatus::Failed, None),
        (Marking::PassFail, Mark::Points(_)) => {
            return Err(ApiError::invalid_field(
                "points",
                "not_for_pass_fail",
                "this assignment is passed or failed: send passed",
            ));
        }
        (Marking::Points { .. }, Mark::Passed(_)) => {
            return Err(ApiError::invalid_field(
                "points",
                "points_required",
                "this assignment is marked with points: send points",
            ));
        }
        (Marking::Points { max, .. }, Mark::Points(p)) if p > max => {
            return Err(ApiError::invalid_field(
                "points",
                "out_of_range",
                format!("must be 0 to {max}"),
            ));
        }
        (Marking::Points { pass, .. }, Mark::Points(p)) => (
            if p >= pass {
                SubmissionStatus::Passed
            } else {
                SubmissionStatus::Failed
            },
            Some(p),
        ),
    };
    if s.status == status && s.points == points && s.feedback == input.feedback {
        return view(conn, s);
    }
    let s = repo::mark(
        conn,
        &s,
        status,
        points,
        input.feedback.as_deref(),
        actor.id,
        now(),
    )?;
    tracing::info!(submission.id = %id, user.id = %actor.id, status = %status, "submission marked");
    view(conn, s)
}
