//! HTTP handlers of organisational indicators.

use actix_web::{HttpRequest, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{IfNoneMatch, NotLoggedIn, NotModified, UnreadableBody};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::json::Json;
use crate::http::pagination::Page;
use crate::http::response::Reply;
use crate::needs::indicators::dto::{
    CreateIndicatorReportRequest, IndicatorReportResponse, ListIndicatorReportsQuery,
    UpdateIndicatorReportRequest,
};
use crate::needs::indicators::model::{ReportInput, ReportPatch, ReportView};
use crate::needs::indicators::service;
use crate::types::{IndicatorReportId, OrganisationId};

fn reply(view: &ReportView) -> Reply<IndicatorReportResponse> {
    Reply::ok(IndicatorReportResponse::from(view))
        .etag(view.report.etag())
        .private()
}

/// Reports an organisation's indicators for a period that has begun: its approved leaders.
#[utoipa::path(
    post,
    path = "/api/v1/organisations/{id}/indicator-reports",
    tag = "indicators",
    operation_id = "create_indicator_report",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id")),
    request_body = CreateIndicatorReportRequest,
    responses(
        (status = 201, description = "Reported", body = IndicatorReportResponse,
            headers(("Location" = String, description = "The report"), ("ETag" = String, description = "Entity tag of the report"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "A coordinator or admin who does not lead the organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not one the caller leads", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`report_exists`: the organisation has a report for this period (change it with PATCH)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `period_not_begun`, `too_few_trainings`, `not_in_lineage`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_indicator_report(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<OrganisationId>,
    body: Json<CreateIndicatorReportRequest>,
) -> Result<Reply<IndicatorReportResponse>, ApiError> {
    let input = ReportInput::try_from(body.into_inner())?;
    let (id, actor) = (id.into_inner(), user.clone());
    let view = db
        .write(move |conn| service::create(conn, &actor, id, input))
        .await?;
    tracing::info!(indicator_report.id = %view.report.id, user.id = user.id.get(), "indicators reported");
    let location = format!("/api/v1/indicator-reports/{}", view.report.id);
    Ok(
        Reply::created(IndicatorReportResponse::from(&view), location)
            .etag(view.report.etag())
            .private(),
    )
}

/// An organisation's indicator reports, newest period first: its leaders, coordinators and
/// admins.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/indicator-reports",
    tag = "indicators",
    operation_id = "list_indicator_reports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id"), ListIndicatorReportsQuery),
    responses(
        (status = 200, description = "One page of reports", body = Page<IndicatorReportResponse>),
        NotLoggedIn,
        (status = 404, description = "No such organisation, or not one the caller leads", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_indicator_reports(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<OrganisationId>,
    query: web::Query<ListIndicatorReportsQuery>,
) -> Result<Reply<Page<IndicatorReportResponse>>, ApiError> {
    let id = id.into_inner();
    let page = query.page()?;
    let year = crate::http::query::in_range("year", query.year, 2000, 2100)?;
    let reports = db
        .read(move |conn| service::list(conn, &user, id, year, &page))
        .await?;
    Ok(Reply::ok(reports.map(|r| IndicatorReportResponse::from(&r))).private())
}

/// One indicator report: the organisation's leaders, coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/indicator-reports/{id}",
    tag = "indicators",
    operation_id = "get_indicator_report",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Report id"), IfNoneMatch),
    responses(
        (status = 200, description = "The report", body = IndicatorReportResponse,
            headers(("ETag" = String, description = "Entity tag"))),
        NotModified,
        NotLoggedIn,
        (status = 404, description = "No such report, or another organisation's", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_indicator_report(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<IndicatorReportId>,
) -> Result<Reply<IndicatorReportResponse>, ApiError> {
    let id = id.into_inner();
    let view = db.read(move |conn| service::get(conn, &user, id)).await?;
    Ok(reply(&view))
}

/// Changes a report's figures: the organisation's leaders. The period stays.
#[utoipa::path(
    patch,
    path = "/api/v1/indicator-reports/{id}",
    tag = "indicators",
    operation_id = "update_indicator_report",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Report id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed"),
    ),
    request_body = UpdateIndicatorReportRequest,
    responses(
        (status = 200, description = "The report as changed", body = IndicatorReportResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "A coordinator or admin who does not lead the organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or another organisation's", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the report changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `too_few_trainings`, `not_in_lineage`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_indicator_report(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<IndicatorReportId>,
    body: Json<UpdateIndicatorReportRequest>,
) -> Result<Reply<IndicatorReportResponse>, ApiError> {
    let patch = ReportPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let view = db
        .write(move |conn| service::update(conn, &user, id, patch, if_match.as_ref()))
        .await?;
    Ok(reply(&view))
}
