//! HTTP handlers of completion rules, completion and certification.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};

use crate::auth::AuthUser;
use crate::cohorts::completion::dto::{
    CertificationResponse, CohortCompletionResponse, CompletionRulesRequest,
    CompletionRulesResponse, USER_SORT,
};
use crate::cohorts::completion::model::Rules;
use crate::cohorts::completion::service;
use crate::cohorts::handlers::NoSuchCohort;
use crate::db::Db;
use crate::db::Written;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    BadPage, IfNoneMatch, NotCoordinator, NotLoggedIn, NotModified, PreconditionFailed,
    UnreadableBody,
};
use crate::http::etag::IfMatch;
use crate::http::json::Json;
use crate::http::pagination::{PageQuery, PageRequest};
use crate::http::response::Reply;
use crate::types::CohortId;

/// A cohort's completion rules; the defaults (75 % of the sessions' minutes attended,
/// every assignment passed, every course completed, `stated: false`) when it states none.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/completion-rules",
    tag = "cohorts",
    operation_id = "get_completion_rules",
    params(("id" = i64, Path, description = "Cohort id"), IfNoneMatch),
    responses(
        (status = 200, description = "The rules", body = CompletionRulesResponse,
            headers(("ETag" = String, description = "Entity tag of the rules' version (`v0` for the defaults)"))),
        NotModified,
        NoSuchCohort,
    )
)]
pub async fn get_completion_rules(
    db: web::Data<Db>,
    id: web::Path<CohortId>,
) -> Result<Reply<CompletionRulesResponse>, ApiError> {
    let id = id.into_inner();
    let view = db.read(move |conn| service::get_rules(conn, id)).await?;
    Ok(Reply::ok(view.body).etag(view.etag))
}

/// States a cohort's completion rules whole (coordinators and admins), until it completes
/// or is cancelled.
#[utoipa::path(
    put,
    path = "/api/v1/cohorts/{id}/completion-rules",
    tag = "cohorts",
    operation_id = "put_completion_rules",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Cohort id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the rules being replaced; 412 when they changed since, or when none are stated yet"),
    ),
    request_body = CompletionRulesRequest,
    responses(
        (status = 200, description = "Replaced (or unchanged)", body = CompletionRulesResponse,
            headers(("ETag" = String, description = "Entity tag of the rules"))),
        (status = 201, description = "Stated for the first time", body = CompletionRulesResponse,
            headers(
                ("Location" = String, description = "The rules"),
                ("ETag" = String, description = "Entity tag of the rules"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        NoSuchCohort,
        (status = 409, description = "`cohort_closed`: the cohort completed or was cancelled", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
        (status = 422, description = "`min_attendance_percent` `out_of_range`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_completion_rules(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<CompletionRulesRequest>,
) -> Result<Reply<CompletionRulesResponse>, ApiError> {
    let rules = Rules::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let (view, written) = db
        .write(move |conn| service::put_rules(conn, &actor, id, rules, if_match.as_ref()))
        .await?;
    if written != Written::Unchanged {
        tracing::info!(cohort.id = %id, user.id = %user.id, "completion rules stated");
    }
    Ok(match written {
        Written::Created => Reply::with_status(StatusCode::CREATED, view.body)
            .location(format!("/api/v1/cohorts/{id}/completion-rules")),
        Written::Changed | Written::Unchanged => Reply::ok(view.body),
    }
    .etag(view.etag))
}

/// A cohort's completion, computed now: per participant, the minutes attended, the
/// assignments passed and courses completed, whether they complete the cohort and what is
/// missing, and their certificate once issued. Every participant (by id, keyset pages) for
/// the cohort's facilitators, coordinators and admins; only the caller for a participant.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/completion",
    tag = "cohorts",
    operation_id = "get_cohort_completion",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), PageQuery),
    responses(
        (status = 200, description = "The cohort's completion (`Cache-Control: no-store`)", body = CohortCompletionResponse),
        BadPage,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: neither staff of the cohort nor a participant (a trainer who does not facilitate it included)", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
    )
)]
pub async fn get_cohort_completion(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<CohortCompletionResponse>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), USER_SORT)?;
    let id = id.into_inner();
    let body = db
        .read(move |conn| service::completion(conn, &user, id, &page))
        .await?;
    Ok(Reply::ok(body).private())
}

/// Certifies the cohort's participants (coordinators and admins) while it runs or after it
/// completed: everyone who completes it now and has no certificate for it gets one (also
/// issued as an Open Badges 3.0 credential); completing a `tot` cohort makes them
/// e-trainers (the trainer role, with this cohort recorded). Moving the cohort to
/// `completed` does the same. Certifying again issues only what is new.
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/certificates",
    tag = "cohorts",
    operation_id = "create_cohort_certificates",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "What was issued", body = CertificationResponse),
        NotLoggedIn,
        NotCoordinator,
        NoSuchCohort,
        (status = 409, description = "`cohort_not_running`: the cohort is not running or completed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_cohort_certificates(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
) -> Result<Reply<CertificationResponse>, ApiError> {
    let (id, actor) = (id.into_inner(), user.clone());
    let body = db
        .write(move |conn| service::certify_now(conn, &actor, id))
        .await?;
    tracing::info!(cohort.id = %id, user.id = %user.id, issued = body.issued.len(), "cohort certified");
    Ok(Reply::ok(body).private())
}
