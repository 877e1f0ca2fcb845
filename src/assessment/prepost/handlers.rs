//! HTTP handlers of pre- and post-tests.

use actix_web::web;

use crate::assessment::prepost::dto::{
    LearnerGainResponse, PrePostInput, PrePostResultsResponse, PrePostTestList, PrePostTestRequest,
    PrePostTestResponse,
};
use crate::assessment::prepost::service;
use crate::auth::AuthUser;
use crate::db::{Db, now};
use crate::error::{ApiError, Problem};
use crate::http::doc::{NotLoggedIn, UnreadableBody};
use crate::http::json::Json;
use crate::http::response::Reply;
use crate::types::ids::{CourseId, PrePostTestId};

crate::http::doc::problem_answers! {
    /// 404: no such pair, or not one the caller may see.
    NoSuchPair = (404, "No such pre/post pair, or not one the caller may see");
}

/// Pairs two quiz lessons of a course as its pre- and post-test (the course's editors).
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/pre-post-tests",
    tag = "assessment",
    operation_id = "create_pre_post_test",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    request_body = PrePostTestRequest,
    responses(
        (status = 201, description = "Created", body = PrePostTestResponse,
            headers(("Location" = String, description = "The pair"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 404, description = "No such course, or not one the caller edits", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`too_many_pre_post_tests`: the course has 20 pairs", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: `same_lesson`, `not_a_quiz_of_course`, `course_not_in_cohort`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_pre_post_test(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    body: Json<PrePostTestRequest>,
) -> Result<Reply<PrePostTestResponse>, ApiError> {
    let input = PrePostInput::try_from(body.into_inner())?;
    let course_id = id.into_inner();
    let t = db
        .write(move |conn| service::create(conn, &user, course_id, input, now()))
        .await?;
    let location = format!("/api/v1/pre-post-tests/{}", t.id);
    Ok(Reply::created(PrePostTestResponse::from(&t), location).private())
}

/// A course's pre/post pairs (its editors and learners; a cohort's facilitators and
/// participants see their cohort's).
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/pre-post-tests",
    tag = "assessment",
    operation_id = "list_pre_post_tests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses(
        (status = 200, description = "The pairs, by id (at most 20)", body = PrePostTestList),
        NotLoggedIn,
        (status = 404, description = "No such course, or none of its pairs is the caller's to see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_pre_post_tests(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
) -> Result<Reply<PrePostTestList>, ApiError> {
    let course_id = id.into_inner();
    let rows = db
        .read(move |conn| service::list(conn, &user, course_id))
        .await?;
    Ok(Reply::ok(PrePostTestList {
        items: rows.iter().map(Into::into).collect(),
    })
    .private())
}

/// A pre/post pair.
#[utoipa::path(
    get,
    path = "/api/v1/pre-post-tests/{id}",
    tag = "assessment",
    operation_id = "get_pre_post_test",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Pair id")),
    responses(
        (status = 200, description = "The pair", body = PrePostTestResponse),
        NotLoggedIn,
        NoSuchPair,
    )
)]
pub async fn get_pre_post_test(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PrePostTestId>,
) -> Result<Reply<PrePostTestResponse>, ApiError> {
    let id = id.into_inner();
    let t = db.read(move |conn| service::get(conn, &user, id)).await?;
    Ok(Reply::ok(PrePostTestResponse::from(&t)).private())
}

/// The caller's own pre-test, post-test and normalised gain.
#[utoipa::path(
    get,
    path = "/api/v1/pre-post-tests/{id}/me",
    tag = "assessment",
    operation_id = "get_my_gain",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Pair id")),
    responses(
        (status = 200, description = "The caller's figures (none yet: nulls)", body = LearnerGainResponse),
        NotLoggedIn,
        NoSuchPair,
    )
)]
pub async fn get_my_gain(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PrePostTestId>,
) -> Result<Reply<LearnerGainResponse>, ApiError> {
    let id = id.into_inner();
    let body = db.read(move |conn| service::mine(conn, &user, id)).await?;
    Ok(Reply::ok(body).private())
}

/// The group's results: counts, means, gains, item analysis and each learner (the course's
/// editors, the pair's cohort's facilitators; 404 for everyone else, learners included).
#[utoipa::path(
    get,
    path = "/api/v1/pre-post-tests/{id}/results",
    tag = "assessment",
    operation_id = "get_pre_post_results",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Pair id")),
    responses(
        (status = 200, description = "The group's results", body = PrePostResultsResponse),
        NotLoggedIn,
        NoSuchPair,
    )
)]
pub async fn get_pre_post_results(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PrePostTestId>,
) -> Result<Reply<PrePostResultsResponse>, ApiError> {
    let id = id.into_inner();
    let body = db
        .read(move |conn| service::results(conn, &user, id))
        .await?;
    Ok(Reply::ok(body).private())
}
