//! HTTP handlers of assignments and submissions. Submissions are personal data:
//! `Cache-Control: no-store`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::AuthUser;
use crate::cohorts::assignments::dto::{
    AssignmentResponse, CreateAssignmentRequest, GradeSubmissionRequest, ID_SORT,
    ListSubmissionsQuery, SubmissionResponse, SubmitRequest, UpdateAssignmentRequest,
};
use crate::cohorts::assignments::model::{
    Assignment, AssignmentInput, AssignmentPatch, MarkInput, SubmissionInput,
};
use crate::cohorts::assignments::service::{self, SubmissionView};
use crate::cohorts::handlers::NoSuchCohort;
use crate::db::Db;
use crate::db::Written;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    BadFilter, BadPage, IfNoneMatch, NotLoggedIn, NotModified, PreconditionFailed, UnreadableBody,
};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::{Reply, no_content};
use crate::types::{AssignmentId, CohortId, SubmissionId};

fn assignment_reply(a: &Assignment) -> Reply<AssignmentResponse> {
    Reply::ok(AssignmentResponse::from(a)).etag(a.etag())
}

fn submission_body(v: &SubmissionView) -> SubmissionResponse {
    SubmissionResponse::of(&v.submission, v.display_name.clone())
}

/// Sets an assignment for the cohort (its facilitators while trainers, coordinators,
/// admins), while the cohort is not completed or cancelled.
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/assignments",
    tag = "cohorts",
    operation_id = "create_assignment",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body = CreateAssignmentRequest,
    responses(
        (status = 201, description = "Set", body = AssignmentResponse,
            headers(
                ("Location" = String, description = "The assignment"),
                ("ETag" = String, description = "Entity tag of the assignment"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: not a facilitator of the cohort (while a trainer), coordinator or admin", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
        (status = 409, description = "`cohort_closed` (completed or cancelled), `too_many_assignments` (100)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: `title` `invalid_title`, `instructions` `invalid_instructions`, `max_points`/`pass_points` `required`, `out_of_range`, `not_for_pass_fail`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_assignment(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<CreateAssignmentRequest>,
) -> Result<Reply<AssignmentResponse>, ApiError> {
    let input = AssignmentInput::try_from(body.into_inner())?;
    let (cohort, actor) = (id.into_inner(), user.clone());
    let a = db
        .write(move |conn| service::create(conn, &actor, cohort, input))
        .await?;
    tracing::info!(assignment.id = %a.id, cohort.id = %cohort, user.id = %user.id, "assignment set");
    Ok(Reply::created(
        AssignmentResponse::from(&a),
        format!("/api/v1/assignments/{}", a.id),
    )
    .etag(a.etag()))
}

/// A cohort's assignments by id, for its facilitators, coordinators, admins and
/// participants.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/assignments",
    tag = "cohorts",
    operation_id = "list_assignments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), PageQuery),
    responses(
        (status = 200, description = "One page of assignments, by id", body = Page<AssignmentResponse>),
        BadPage,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: neither staff of the cohort nor a participant", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
    )
)]
pub async fn list_assignments(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<AssignmentResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), ID_SORT)?;
    let cohort = id.into_inner();
    let page = db
        .read(move |conn| service::list(conn, &user, cohort, &page))
        .await?;
    Ok(Reply::ok(page.map(|a| AssignmentResponse::from(&a))).private())
}

/// One assignment, for the cohort's facilitators, coordinators, admins and participants.
#[utoipa::path(
    get,
    path = "/api/v1/assignments/{id}",
    tag = "cohorts",
    operation_id = "get_assignment",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Assignment id"), IfNoneMatch),
    responses(
        (status = 200, description = "The assignment", body = AssignmentResponse,
            headers(("ETag" = String, description = "Entity tag of this version"))),
        NotModified,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: neither staff of the cohort nor a participant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_assignment(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AssignmentId>,
) -> Result<Reply<AssignmentResponse>, ApiError> {
    let id = id.into_inner();
    let a = db.read(move |conn| service::get(conn, &user, id)).await?;
    Ok(assignment_reply(&a).private())
}

/// Changes an assignment (the cohort's staff); the marking only while no submission is
/// marked. A later due time does not clear the late mark of work already handed in.
#[utoipa::path(
    patch,
    path = "/api/v1/assignments/{id}",
    tag = "cohorts",
    operation_id = "update_assignment",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Assignment id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed"),
    ),
    request_body = UpdateAssignmentRequest,
    responses(
        (status = 200, description = "Changed (or unchanged)", body = AssignmentResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: not staff of the cohort", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`cohort_closed`, `assignment_marked` (the marking cannot change once a submission was marked)", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
        (status = 422, description = "Invalid fields, as when setting it; `grading` `required` when points come without it", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_assignment(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AssignmentId>,
    body: Json<UpdateAssignmentRequest>,
) -> Result<Reply<AssignmentResponse>, ApiError> {
    let patch = AssignmentPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let a = db
        .write(move |conn| service::update(conn, &user, id, patch, if_match.as_ref()))
        .await?;
    Ok(assignment_reply(&a).private())
}

/// Deletes an assignment nobody handed work in for (the cohort's staff).
#[utoipa::path(
    delete,
    path = "/api/v1/assignments/{id}",
    tag = "cohorts",
    operation_id = "delete_assignment",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Assignment id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        (status = 403, description = "`forbidden`: not staff of the cohort", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`cohort_closed`, `has_submissions`", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
    )
)]
pub async fn delete_assignment(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AssignmentId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    db.write(move |conn| service::delete(conn, &user, id, if_match.as_ref()))
        .await?;
    Ok(no_content())
}

/// A participant hands work in (text and/or links), or again until it is marked. Work
/// handed in after the due time is marked `late`.
#[utoipa::path(
    put,
    path = "/api/v1/assignments/{id}/submissions/me",
    tag = "cohorts",
    operation_id = "put_my_submission",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Assignment id")),
    request_body = SubmitRequest,
    responses(
        (status = 200, description = "Handed in again (or the same content: unchanged) (`Cache-Control: no-store`)", body = SubmissionResponse,
            headers(("ETag" = String, description = "Entity tag of the submission"))),
        (status = 201, description = "Handed in for the first time (`Cache-Control: no-store`)", body = SubmissionResponse,
            headers(
                ("Location" = String, description = "The submission"),
                ("ETag" = String, description = "Entity tag of the submission"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`not_a_participant` (staff of the cohort), `forbidden` (anyone else)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`cohort_not_running`, `already_marked`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`text` `invalid_text` or `empty_submission`, `links` `too_many_links`, `links[i]` `invalid_link`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_my_submission(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AssignmentId>,
    body: Json<SubmitRequest>,
) -> Result<Reply<SubmissionResponse>, ApiError> {
    let input = SubmissionInput::try_from(body.into_inner())?;
    let (id, actor) = (id.into_inner(), user.clone());
    let (v, written) = db
        .write(move |conn| service::submit(conn, &actor, id, input))
        .await?;
    if written != Written::Unchanged {
        tracing::info!(assignment.id = %id, user.id = %user.id, late = v.submission.late, "work handed in");
    }
    let tag = v.submission.etag();
    let body = submission_body(&v);
    Ok(match written {
        Written::Created => Reply::with_status(StatusCode::CREATED, body)
            .location(format!("/api/v1/submissions/{}", v.submission.id)),
        Written::Changed | Written::Unchanged => Reply::ok(body),
    }
    .etag(tag)
    .private())
}

/// The caller's own submission to an assignment.
#[utoipa::path(
    get,
    path = "/api/v1/assignments/{id}/submissions/me",
    tag = "cohorts",
    operation_id = "get_my_submission",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "The caller's submission (`Cache-Control: no-store`)", body = SubmissionResponse,
            headers(("ETag" = String, description = "Entity tag of the submission"))),
        NotLoggedIn,
        (status = 404, description = "No such assignment, or nothing handed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_my_submission(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AssignmentId>,
) -> Result<Reply<SubmissionResponse>, ApiError> {
    let id = id.into_inner();
    let v = db.read(move |conn| service::mine(conn, &user, id)).await?;
    Ok(Reply::ok(submission_body(&v))
        .etag(v.submission.etag())
        .private())
}

/// An assignment's submissions by id (the cohort's staff).
#[utoipa::path(
    get,
    path = "/api/v1/assignments/{id}/submissions",
    tag = "cohorts",
    operation_id = "list_submissions",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Assignment id"), ListSubmissionsQuery),
    responses(
        (status = 200, description = "One page of submissions, by id (`Cache-Control: no-store`)", body = Page<SubmissionResponse>),
        BadFilter,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: not staff of the cohort", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_submissions(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AssignmentId>,
    query: web::Query<ListSubmissionsQuery>,
) -> Result<Reply<Page<SubmissionResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), ID_SORT)?;
    let (id, status) = (id.into_inner(), query.status);
    let page = db
        .read(move |conn| service::list_submissions(conn, &user, id, status, &page))
        .await?;
    Ok(Reply::ok(page.map(|v| submission_body(&v))).private())
}

/// One submission: the caller's own, or any of the cohort for its staff. Another
/// participant's is 404; a trainer who does not facilitate the cohort is 403.
#[utoipa::path(
    get,
    path = "/api/v1/submissions/{id}",
    tag = "cohorts",
    operation_id = "get_submission",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    responses(
        (status = 200, description = "The submission (`Cache-Control: no-store`)", body = SubmissionResponse,
            headers(("ETag" = String, description = "Entity tag of this version"))),
        NotLoggedIn,
        (status = 403, description = "`forbidden`: a trainer who does not facilitate the cohort", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or another participant's", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_submission(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<SubmissionId>,
) -> Result<Reply<SubmissionResponse>, ApiError> {
    let id = id.into_inner();
    let v = db
        .read(move |conn| service::get_submission(conn, &user, id))
        .await?;
    Ok(Reply::ok(submission_body(&v))
        .etag(v.submission.etag())
        .private())
}

/// Marks a submission (the cohort's staff): `passed` for a `pass_fail` assignment, or
/// `points` (passing at the assignment's `pass_points`), with feedback. Marking again
/// corrects the mark; the participant can no longer hand the work in again.
#[utoipa::path(
    post,
    path = "/api/v1/submissions/{id}/grade",
    tag = "cohorts",
    operation_id = "grade_submission",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Submission id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being marked"),
    ),
    request_body = GradeSubmissionRequest,
    responses(
        (status = 200, description = "The marked submission (`Cache-Control: no-store`)", body = SubmissionResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: not staff of the cohort", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or another participant's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`cohort_not_running`: the cohort is not running or completed", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
        (status = 422, description = "`passed` `mark_required`, `points` `one_mark`, `out_of_range`, `not_for_pass_fail`, `points_required`, `feedback` `invalid_feedback`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn grade_submission(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<SubmissionId>,
    body: Json<GradeSubmissionRequest>,
) -> Result<Reply<SubmissionResponse>, ApiError> {
    let input = MarkInput::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let v = db
        .write(move |conn| service::mark(conn, &user, id, input, if_match.as_ref()))
        .await?;
    Ok(Reply::ok(submission_body(&v))
        .etag(v.submission.etag())
        .private())
}
