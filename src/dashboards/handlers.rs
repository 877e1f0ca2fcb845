//! HTTP handlers of dashboards and exports.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;

use crate::auth::AuthUser;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::dashboards::csv;
use crate::dashboards::model::Dashboard;
use crate::dashboards::pictures::{self, ChartKind};
use crate::dashboards::service::{self, Subject};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{IfNoneMatch, NotLoggedIn, NotModified};
use crate::http::etag;
use crate::http::response::{Rendered, Reply};
use crate::state::AppState;
use crate::types::{CohortId, CourseId, OrganisationId, ProgrammeId};

crate::http::doc::problem_answers! {
    /// 404: unknown, or the caller may not read this dashboard (a member; a leader asking
    /// for another union's).
    NoSuchDashboard = (404, "No such cohort, course, programme or organisation, or not the caller's to read (members; leaders of other unions)");
}

async fn json(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    subject: Subject,
) -> Result<Reply<Rendered>, ApiError> {
    let cache = state.dashboards.clone();
    let answer = db
        .read(move |conn| service::dashboard(conn, &user, subject, &cache))
        .await?;
    Ok(Reply::ok(answer.dashboard.json.clone())
        .etag(answer.etag)
        .private())
}

async fn csv_answer(
    req: HttpRequest,
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    subject: Subject,
    name: String,
) -> Result<HttpResponse, ApiError> {
    let cache = state.dashboards.clone();
    let answer = db
        .read(move |conn| service::dashboard(conn, &user, subject, &cache))
        .await?;
    let tag = format!("{}-csv\"", answer.etag.trim_end_matches('"'));
    if etag::none_match(&req, &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-dashboard.csv\""),
        ))
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(csv::dashboard(&answer.dashboard.dashboard)))
}

/// `?chart=` of a dashboard's SVG.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChartQuery {
    /// `funnel` (default), `levels`, `targets`, `countries`, `gender`, `age_bands`,
    /// `unions` or `sectors`.
    #[param(value_type = Option<ChartKind>)]
    pub chart: Option<ChartKind>,
}

async fn svg_answer(
    req: HttpRequest,
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    subject: Subject,
    chart: ChartKind,
    name: String,
) -> Result<HttpResponse, ApiError> {
    let cache = state.dashboards.clone();
    let answer = db
        .read(move |conn| service::dashboard(conn, &user, subject, &cache))
        .await?;
    let tag = format!(
        "{}-svg-{}\"",
        answer.etag.trim_end_matches('"'),
        chart.as_str()
    );
    if etag::none_match(&req, &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .finish());
    }
    let title = answer.programme_name.clone().unwrap_or(name);
    let svg = pictures::chart(&answer.dashboard.dashboard, chart, &title);
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(svg.into_string()))
}

/// A programme's printable evaluation report: an HTML page with the dashboard's charts
/// and tables, for the same readers as its dashboard (a leader's shows their unions only).
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}/report",
    tag = "dashboards",
    operation_id = "get_programme_report",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id"), IfNoneMatch),
    responses(
        (status = 200, description = "The report, a self-contained HTML page (its own `Content-Security-Policy`)", content_type = "text/html", body = String,
            headers(("ETag" = String, description = "Changes whenever a figure may have"))),
        NotModified,
        NotLoggedIn,
        NoSuchDashboard,
    )
)]
pub async fn get_programme_report(
    req: HttpRequest,
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ProgrammeId>,
) -> Result<HttpResponse, ApiError> {
    let cache = state.dashboards.clone();
    let id = id.into_inner();
    let subject = Subject::Programme(id);
    let answer = db
        .read(move |conn| service::dashboard(conn, &user, subject, &cache))
        .await?;
    let tag = format!("{}-report\"", answer.etag.trim_end_matches('"'));
    if etag::none_match(&req, &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .finish());
    }
    let name = answer
        .programme_name
        .clone()
        .unwrap_or_else(|| format!("Programme {id}"));
    let page = pictures::programme_report(&answer.dashboard.dashboard, &name);
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            crate::charts::report::content_security_policy(),
        ))
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(page))
}

macro_rules! dashboard_endpoints {
    ($(
        $json:ident, $csv:ident, $svg:ident, $id:ty, $variant:ident, $name:literal, $path:literal, $csv_path:literal, $svg_path:literal, $tag:literal, $what:literal;
    )+) => {$(
        #[doc = concat!("The dashboard of ", $what, ": reach and representativeness, the funnel and the four levels. Coordinators and admins see everyone; a union leader only their own unions' participants; cells under five people (and those that would give one away) are withheld for all but admins.")]
        #[utoipa::path(
            get,
            path = $path,
            tag = $tag,
            operation_id = concat!("get_", $name, "_dashboard"),
            security(("bearer" = [])),
            params(("id" = i64, Path, description = "Id"), IfNoneMatch),
            responses(
                (status = 200, description = "The dashboard (`Cache-Control: private`)", body = Dashboard,
                    headers(("ETag" = String, description = "Changes whenever a figure may have"))),
                NotModified,
                NotLoggedIn,
                NoSuchDashboard,
            )
        )]
        pub async fn $json(
            db: web::Data<Db>,
            state: web::Data<AppState>,
            user: AuthUser,
            id: web::Path<$id>,
        ) -> Result<Reply<Rendered>, ApiError> {
            json(db, state, user, Subject::$variant(id.into_inner())).await
        }

        #[doc = concat!("The dashboard of ", $what, " as CSV (RFC 4180, UTF-8, CRLF; one figure per line: section, key, name, measure, value, target; withheld values empty; text cells that would start a formula begin with `'`).")]
        #[utoipa::path(
            get,
            path = $csv_path,
            tag = $tag,
            operation_id = concat!("get_", $name, "_dashboard_csv"),
            security(("bearer" = [])),
            params(("id" = i64, Path, description = "Id"), IfNoneMatch),
            responses(
                (status = 200, description = "The dashboard as an attachment", content_type = "text/csv", body = String,
                    headers(("ETag" = String, description = "Changes whenever a figure may have"))),
                NotModified,
                NotLoggedIn,
                NoSuchDashboard,
            )
        )]
        pub async fn $csv(
            req: HttpRequest,
            db: web::Data<Db>,
            state: web::Data<AppState>,
            user: AuthUser,
            id: web::Path<$id>,
        ) -> Result<HttpResponse, ApiError> {
            let id = id.into_inner();
            csv_answer(req, db, state, user, Subject::$variant(id), format!("{}-{}", $name, id)).await
        }

        #[doc = concat!("A chart of the dashboard of ", $what, " as a self-contained SVG (`?chart=`: the funnel by default, the four levels, targets, or a breakdown); withheld cells are drawn as withheld, never as zero.")]
        #[utoipa::path(
            get,
            path = $svg_path,
            tag = $tag,
            operation_id = concat!("get_", $name, "_dashboard_svg"),
            security(("bearer" = [])),
            params(("id" = i64, Path, description = "Id"), ChartQuery, IfNoneMatch),
            responses(
                (status = 200, description = "The chart", content_type = "image/svg+xml", body = String,
                    headers(("ETag" = String, description = "Changes whenever a figure may have"))),
                NotModified,
                (status = 400, description = "An unknown `chart`", body = Problem, content_type = "application/problem+json"),
                NotLoggedIn,
                NoSuchDashboard,
            )
        )]
        pub async fn $svg(
            req: HttpRequest,
            db: web::Data<Db>,
            state: web::Data<AppState>,
            user: AuthUser,
            id: web::Path<$id>,
            query: web::Query<ChartQuery>,
        ) -> Result<HttpResponse, ApiError> {
            let id = id.into_inner();
            let chart = query.into_inner().chart.unwrap_or_default();
            let name = format!("{} {}", capitalised($name), id);
            svg_answer(req, db, state, user, Subject::$variant(id), chart, name).await
        }
    )+};
}

/// "cohort" → "Cohort".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

dashboard_endpoints! {
    get_cohort_dashboard, get_cohort_dashboard_csv, get_cohort_dashboard_svg, CohortId, Cohort, "cohort",
        "/api/v1/cohorts/{id}/dashboard", "/api/v1/cohorts/{id}/dashboard.csv", "/api/v1/cohorts/{id}/dashboard.svg", "dashboards", "a cohort (its participants)";
    get_course_dashboard, get_course_dashboard_csv, get_course_dashboard_svg, CourseId, Course, "course",
        "/api/v1/courses/{id}/dashboard", "/api/v1/courses/{id}/dashboard.csv", "/api/v1/courses/{id}/dashboard.svg", "dashboards", "a course (its enrolled learners, with where they stop)";
    get_programme_dashboard, get_programme_dashboard_csv, get_programme_dashboard_svg, ProgrammeId, Programme, "programme",
        "/api/v1/programmes/{id}/dashboard", "/api/v1/programmes/{id}/dashboard.csv", "/api/v1/programmes/{id}/dashboard.svg", "dashboards", "a programme (the participants of its cohorts, against its targets)";
    get_organisation_dashboard, get_organisation_dashboard_csv, get_organisation_dashboard_svg, OrganisationId, Organisation, "organisation",
        "/api/v1/organisations/{id}/dashboard", "/api/v1/organisations/{id}/dashboard.csv", "/api/v1/organisations/{id}/dashboard.svg", "dashboards", "a union (its members' participation; its own leaders, coordinators and admins)";
}

/// The participants of a programme, one row each (cohort, union, country, gender, age
/// band, furthest funnel stage, follow-up flags; names and emails for admins only), as a
/// CSV streamed in pages: coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}/participants.csv",
    tag = "dashboards",
    operation_id = "export_programme_participants",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The participants as an attachment (`Cache-Control: no-store`)", content_type = "text/csv", body = String),
        NotLoggedIn,
        (status = 403, description = "A union leader (not a coordinator or admin)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such programme, or the caller may not read programmes", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export_programme_participants(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ProgrammeId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let plan = db
        .read(move |conn| service::plan_export(conn, &user, id))
        .await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let header = csv::participants_header(plan.with_names);
    let db = db.into_inner();
    // One page at a time, each its own read: memory stays flat whatever the programme's size,
    // and no connection is held while the client is slow.
    actix_web::rt::spawn(async move {
        if tx.send(Ok(Bytes::from(header))).await.is_err() {
            return;
        }
        let mut after = 0;
        loop {
            let page_plan = plan.clone();
            let page = db
                .read(move |conn| service::export_page(conn, &page_plan, after))
                .await;
            match page {
                Ok((text, next)) => {
                    if !text.is_empty() && tx.send(Ok(Bytes::from(text))).await.is_err() {
                        return;
                    }
                    match next {
                        Some(n) => after = n,
                        None => return,
                    }
                }
                Err(err) => {
                    tracing::error!(programme.id = %plan.programme, error = %err, "participant export failed");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            }
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"programme-{id}-participants.csv\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}
