//! HTTP handlers of calls: read one, write it whole.

use crate::cohorts::handlers::NoSuchCohort;
use crate::http::json::Json;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};

use crate::auth::{AuthUser, MaybeUser};
use crate::cohorts::calls::dto::{CallRequest, CallResponse};
use crate::cohorts::calls::model::CallInput;
use crate::cohorts::calls::service;
use crate::db::Db;
use crate::db::Written;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    IfNoneMatch, NotCoordinator, NotLoggedIn, NotModified, PreconditionFailed, UnreadableBody,
};
use crate::http::etag::IfMatch;
use crate::http::response::Reply;
use crate::types::CohortId;

/// A cohort's call for nominations and its participant profile. Published (readable by
/// anyone) once the cohort opens nominations; before, a draft for coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/call",
    tag = "cohorts",
    operation_id = "get_cohort_call",
    params(("id" = i64, Path, description = "Cohort id"), IfNoneMatch),
    responses(
        (status = 200, description = "The call", body = CallResponse,
            headers(("ETag" = String, description = "Entity tag of this version of the call; send it in If-None-Match, or in If-Match to replace this version"))),
        NotModified,
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort, no call yet, or a draft call the caller may not read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_cohort_call(
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<CohortId>,
) -> Result<Reply<CallResponse>, ApiError> {
    let (id, user) = (id.into_inner(), user.0);
    let call = db
        .read(move |conn| service::get(conn, user.as_ref(), id))
        .await?;
    Ok(Reply::ok(call.body).etag(call.etag))
}

/// Writes a cohort's call whole (coordinators and admins) while the cohort is in
/// `planning` or `nominations_open`. The call is published when the cohort moves to
/// `nominations_open`, which needs one. Sending the stored call again changes nothing.
#[utoipa::path(
    put,
    path = "/api/v1/cohorts/{id}/call",
    tag = "cohorts",
    operation_id = "put_cohort_call",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Cohort id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being replaced; refused (412) when the call changed since, or when there is no call yet"),
    ),
    request_body = CallRequest,
    responses(
        (status = 200, description = "Replaced (or unchanged)", body = CallResponse,
            headers(("ETag" = String, description = "Entity tag of the call's version"))),
        (status = 201, description = "Created", body = CallResponse,
            headers(
                ("Location" = String, description = "The call"),
                ("ETag" = String, description = "Entity tag of the new call"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        NoSuchCohort,
        (status = 409, description = "`call_closed`: the cohort is past `nominations_open`", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
        (status = 422, description = "Invalid fields: `deadline_passed`, `deadline_after_start`, `nobody_invited`, `invalid_country`, `invalid_places`, `duplicate_organisation`, `duplicate_country`, `unknown_organisation`, `not_invited`, `invalid_language`, `duplicate_language`, `invalid_age`, `invalid_age_range`, `invalid_share`, `unknown_course`, `unknown_cohort`, `too_many_items`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_cohort_call(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<CallRequest>,
) -> Result<Reply<CallResponse>, ApiError> {
    let call = CallInput::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let (view, written) = db
        .write(move |conn| service::put(conn, &actor, id, call, if_match.as_ref()))
        .await?;
    if written != Written::Unchanged {
        tracing::info!(cohort.id = %id, user.id = %user.id, "call written");
    }
    Ok(match written {
        Written::Created => Reply::with_status(StatusCode::CREATED, view.body)
            .etag(view.etag)
            .location(format!("/api/v1/cohorts/{id}/call")),
        Written::Changed | Written::Unchanged => Reply::ok(view.body).etag(view.etag),
    })
}
