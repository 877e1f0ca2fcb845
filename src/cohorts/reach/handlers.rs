//! HTTP handler of lineage and reach.

use actix_web::web;

use crate::auth::AuthUser;
use crate::cohorts::handlers::NoSuchCohort;
use crate::cohorts::reach::dto::ReachResponse;
use crate::cohorts::reach::service;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::NotLoggedIn;
use crate::http::response::Reply;
use crate::state::AppState;
use crate::types::CohortId;

/// The lineage and reach of a cohort: the `tot` cohorts that certified its facilitators,
/// and the tree of cohorts its graduates ran (and theirs, up to five levels), with the
/// trainees reached at every level by country, gender and age band. Cells under five
/// people, and cells that would give one away, are withheld for all but admins.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/reach",
    tag = "cohorts",
    operation_id = "get_cohort_reach",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "The tree and its counts (`Cache-Control: private`)", body = ReachResponse),
        NotLoggedIn,
        (status = 403, description = "Not a facilitator of the cohort (while a trainer), a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
    )
)]
pub async fn get_cohort_reach(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CohortId>,
) -> Result<Reply<ReachResponse>, ApiError> {
    let id = id.into_inner();
    let cache = state.reach.clone();
    let body = db
        .read(move |conn| service::reach(conn, &user, id, &cache))
        .await?;
    Ok(Reply::ok(body).private())
}
