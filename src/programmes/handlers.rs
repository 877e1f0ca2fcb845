//! HTTP handlers of programmes.

use actix_web::{HttpRequest, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{IfNoneMatch, NotCoordinator, NotLoggedIn, NotModified, UnreadableBody};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::Reply;
use crate::programmes::dto::{
    CreateProgrammeRequest, ProgrammeMembersResponse, ProgrammeResponse, UpdateProgrammeRequest,
};
use crate::programmes::model::{Member, MemberKind, ProgrammeInput, ProgrammePatch, ProgrammeView};
use crate::programmes::service::{self, NEWEST_FIRST};
use crate::types::{CohortId, CourseId, ProgrammeId};

crate::http::doc::problem_answers! {
    /// 404: the programme is unknown, or the caller may not read programmes.
    NoSuchProgramme = (404, "No such programme, or the caller is neither a coordinator, an admin nor a union leader");
    /// 404: the programme, cohort or course is unknown.
    NoSuchMember = (404, "No such programme, cohort or course");
}

fn reply(view: &ProgrammeView) -> Reply<ProgrammeResponse> {
    Reply::ok(ProgrammeResponse::from(view))
        .etag(view.programme.etag())
        .private()
}

/// Creates a programme: coordinators and admins.
#[utoipa::path(
    post,
    path = "/api/v1/programmes",
    tag = "programmes",
    operation_id = "create_programme",
    security(("bearer" = [])),
    request_body = CreateProgrammeRequest,
    responses(
        (status = 201, description = "Created", body = ProgrammeResponse,
            headers(("Location" = String, description = "The programme"), ("ETag" = String, description = "Entity tag of the programme"))),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        (status = 422, description = "Invalid fields: name, description; `invalid_dates`; `out_of_range` (targets)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_programme(
    db: web::Data<Db>,
    user: AuthUser,
    body: Json<CreateProgrammeRequest>,
) -> Result<Reply<ProgrammeResponse>, ApiError> {
    let input = ProgrammeInput::try_from(body.into_inner())?;
    let actor = user.clone();
    let view = db
        .write(move |conn| service::create(conn, &actor, input))
        .await?;
    tracing::info!(programme.id = %view.programme.id, user.id = user.id.get(), "programme created");
    let location = format!("/api/v1/programmes/{}", view.programme.id);
    Ok(Reply::created(ProgrammeResponse::from(&view), location)
        .etag(view.programme.etag())
        .private())
}

/// Programmes, newest first: coordinators, admins and union leaders (an empty page for
/// anyone else).
#[utoipa::path(
    get,
    path = "/api/v1/programmes",
    tag = "programmes",
    operation_id = "list_programmes",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of programmes", body = Page<ProgrammeResponse>),
        NotLoggedIn,
    )
)]
pub async fn list_programmes(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<ProgrammeResponse>>, ApiError> {
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), NEWEST_FIRST)?;
    let rows = db
        .read(move |conn| service::list(conn, &user, &page))
        .await?;
    Ok(Reply::ok(rows.map(|p| ProgrammeResponse::from(&p))).private())
}

/// One programme: coordinators, admins and union leaders.
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}",
    tag = "programmes",
    operation_id = "get_programme",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id"), IfNoneMatch),
    responses(
        (status = 200, description = "The programme", body = ProgrammeResponse,
            headers(("ETag" = String, description = "Entity tag"))),
        NotModified,
        NotLoggedIn,
        NoSuchProgramme,
    )
)]
pub async fn get_programme(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ProgrammeId>,
) -> Result<Reply<ProgrammeResponse>, ApiError> {
    let id = id.into_inner();
    let view = db.read(move |conn| service::get(conn, &user, id)).await?;
    Ok(reply(&view))
}

/// Changes a programme: coordinators and admins. `targets` given replaces every target.
#[utoipa::path(
    patch,
    path = "/api/v1/programmes/{id}",
    tag = "programmes",
    operation_id = "update_programme",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Programme id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed"),
    ),
    request_body = UpdateProgrammeRequest,
    responses(
        (status = 200, description = "The programme as changed", body = ProgrammeResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        (status = 404, description = "No such programme", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the programme changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `invalid_dates`; `out_of_range` (targets)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_programme(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ProgrammeId>,
    body: Json<UpdateProgrammeRequest>,
) -> Result<Reply<ProgrammeResponse>, ApiError> {
    let patch = ProgrammePatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let view = db
        .write(move |conn| service::update(conn, &user, id, patch, if_match.as_ref()))
        .await?;
    Ok(reply(&view))
}

/// The cohorts of a programme: coordinators, admins and union leaders.
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}/cohorts",
    tag = "programmes",
    operation_id = "list_programme_cohorts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The cohorts' ids", body = ProgrammeMembersResponse),
        NotLoggedIn,
        NoSuchProgramme,
    )
)]
pub async fn list_programme_cohorts(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ProgrammeId>,
) -> Result<Reply<ProgrammeMembersResponse>, ApiError> {
    list_members(db, user, id.into_inner(), MemberKind::Cohort).await
}

/// The courses of a programme: coordinators, admins and union leaders.
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}/courses",
    tag = "programmes",
    operation_id = "list_programme_courses",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The courses' ids", body = ProgrammeMembersResponse),
        NotLoggedIn,
        NoSuchProgramme,
    )
)]
pub async fn list_programme_courses(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ProgrammeId>,
) -> Result<Reply<ProgrammeMembersResponse>, ApiError> {
    list_members(db, user, id.into_inner(), MemberKind::Course).await
}

/// The one path of the member lists: the ids of the programme's members of `kind`.
async fn list_members(
    db: web::Data<Db>,
    user: AuthUser,
    id: ProgrammeId,
    kind: MemberKind,
) -> Result<Reply<ProgrammeMembersResponse>, ApiError> {
    let view = db.read(move |conn| service::get(conn, &user, id)).await?;
    Ok(Reply::ok(ProgrammeMembersResponse {
        programme_id: id,
        ids: view.member_ids(kind),
    })
    .private())
}

/// The one path of `PUT` (`add`) and `DELETE` of a programme's cohort or course.
async fn set_member<M: Into<Member>>(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(ProgrammeId, M)>,
    add: bool,
) -> Result<Reply<ProgrammeResponse>, ApiError> {
    let (id, member) = path.into_inner();
    let member = member.into();
    let view = db
        .write(move |conn| service::set_member(conn, &user, id, member, add))
        .await?;
    Ok(reply(&view))
}

/// Adds a cohort to a programme (idempotent): coordinators and admins.
#[utoipa::path(
    put,
    path = "/api/v1/programmes/{id}/cohorts/{cohort_id}",
    tag = "programmes",
    operation_id = "put_programme_cohort",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id"), ("cohort_id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "The programme with the cohort", body = ProgrammeResponse),
        NotLoggedIn,
        NotCoordinator,
        NoSuchMember,
    )
)]
pub async fn put_programme_cohort(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(ProgrammeId, CohortId)>,
) -> Result<Reply<ProgrammeResponse>, ApiError> {
    set_member(db, user, path, true).await
}

/// Removes a cohort from a programme (idempotent): coordinators and admins.
#[utoipa::path(
    delete,
    path = "/api/v1/programmes/{id}/cohorts/{cohort_id}",
    tag = "programmes",
    operation_id = "delete_programme_cohort",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id"), ("cohort_id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "The programme without the cohort", body = ProgrammeResponse),
        NotLoggedIn,
        NotCoordinator,
        NoSuchMember,
    )
)]
pub async fn delete_programme_cohort(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(ProgrammeId, CohortId)>,
) -> Result<Reply<ProgrammeResponse>, ApiError> {
    set_member(db, user, path, false).await
}

/// Adds a course to a programme (idempotent): coordinators and admins.
#[utoipa::path(
    put,
    path = "/api/v1/programmes/{id}/courses/{course_id}",
    tag = "programmes",
    operation_id = "put_programme_course",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id"), ("course_id" = i64, Path, description = "Course id")),
    responses(
        (status = 200, description = "The programme with the course", body = ProgrammeResponse),
        NotLoggedIn,
        NotCoordinator,
        NoSuchMember,
    )
)]
pub async fn put_programme_course(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(ProgrammeId, CourseId)>,
) -> Result<Reply<ProgrammeResponse>, ApiError> {
    set_member(db, user, path, true).await
}

/// Removes a course from a programme (idempotent): coordinators and admins.
#[utoipa::path(
    delete,
    path = "/api/v1/programmes/{id}/courses/{course_id}",
    tag = "programmes",
    operation_id = "delete_programme_course",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id"), ("course_id" = i64, Path, description = "Course id")),
    responses(
        (status = 200, description = "The programme without the course", body = ProgrammeResponse),
        NotLoggedIn,
        NotCoordinator,
        NoSuchMember,
    )
)]
pub async fn delete_programme_course(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(ProgrammeId, CourseId)>,
) -> Result<Reply<ProgrammeResponse>, ApiError> {
    set_member(db, user, path, false).await
}
