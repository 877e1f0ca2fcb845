//! HTTP handlers of dashboards and exports.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;

use crate::auth::AuthUser;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::accounts::service::reader_preferences;
use crate::dashboards::csv;
use crate::dashboards::model::Dashboard;
use crate::dashboards::pictures::{self, ChartKind};
use crate::dashboards::service::{self, Subject};
use crate::dashboards::words::{self, Words};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{IfNoneMatch, NotLoggedIn, NotModified};
use crate::http::language::{LangQuery, Preferences};
use crate::http::response::{Document, Rendered, Reply};
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
    let (answer, _) = read(&db, &state, user, subject, None).await?;
    Ok(Reply::ok(answer.dashboard.json.clone())
        .etag(answer.etag)
        .private())
}

/// The dashboard of `subject` for `user`, and the language its pictures are written in
/// when `prefs` is given: `?lang=` > `Accept-Language`, else the reader's
/// `preferred_language`, among the catalogue's languages (English when none of them). The
/// answer given to this reader a moment ago is given again without a read
/// (`SummaryCache::recent`), unless the reader's preferred language must be read.
async fn read(
    db: &Db,
    state: &AppState,
    user: AuthUser,
    subject: Subject,
    prefs: Option<Preferences>,
) -> Result<(service::Answer, &'static Words), ApiError> {
    let cache = state.dashboards.clone();
    let needs_preferred = prefs.as_ref().is_some_and(|p| p.first().is_none());
    if !needs_preferred && let Some(answer) = cache.recent(&user, subject) {
        return Ok((answer, in_language(prefs.unwrap_or_default())));
    }
    db.read(move |conn| {
        let prefs = match prefs {
            Some(prefs) => reader_preferences(conn, prefs, Some(&user))?,
            None => Preferences::default(),
        };
        Ok((cache.read(conn, &user, subject)?, in_language(prefs)))
    })
    .await
}

/// The words of the first of `prefs` that the charts are written in, else English's.
fn in_language(prefs: Preferences) -> &'static Words {
    let available: Vec<String> = words::LANGUAGES.iter().map(|l| (*l).to_owned()).collect();
    words::words(prefs.pick(&available, "en").unwrap_or("en"))
}

/// The tag of one rendering of a dashboard: its figures' tag, what it is and its language.
fn tag(answer: &service::Answer, what: &str, lang: Option<&str>) -> String {
    let figures = answer.etag.trim_end_matches('"');
    match lang {
        Some(lang) => format!("{figures}-{what}-{lang}\""),
        None => format!("{figures}-{what}\""),
    }
}

async fn csv_answer(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    subject: Subject,
    name: String,
) -> Result<Document, ApiError> {
    let (answer, _) = read(&db, &state, user, subject, None).await?;
    let etag = tag(&answer, "csv", None);
    Ok(Document::ok("text/csv; charset=utf-8", move || {
        csv::dashboard(&answer.dashboard.dashboard)
    })
    .etag(etag)
    .private()
    .header(
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{name}-dashboard.csv\""),
    ))
}

/// `?chart=` and `?lang=` of a dashboard's SVG.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChartQuery {
    /// `funnel` (default), `levels`, `targets`, `countries`, `gender`, `age_bands`,
    /// `unions` or `sectors`.
    #[param(value_type = Option<ChartKind>)]
    pub chart: Option<ChartKind>,
    /// The language of the chart's words (`en`, `fil`, `id`, `tet`; others fall back to
    /// English); overrides `Accept-Language`, which overrides the reader's
    /// `preferred_language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
}

async fn svg_answer(
    req: HttpRequest,
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    subject: Subject,
    query: ChartQuery,
    name: String,
) -> Result<Document, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let chart = query.chart.unwrap_or_default();
    let (answer, w) = read(&db, &state, user, subject, Some(prefs)).await?;
    let etag = tag(&answer, &format!("svg-{}", chart.as_str()), Some(w.lang));
    Ok(Document::ok("image/svg+xml; charset=utf-8", move || {
        let title = answer.programme_name.clone().unwrap_or(name);
        pictures::chart(&answer.dashboard.dashboard, chart, &title, w).into_string()
    })
    .etag(etag)
    .language(w.lang)
    .private())
}

/// A programme's printable evaluation report: an HTML page with the dashboard's charts
/// and tables, for the same readers as its dashboard (a leader's shows their unions only),
/// in the reader's language (`?lang=` > `Accept-Language` > their `preferred_language`;
/// `en`, `fil`, `id`, `tet`, else English).
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}/report",
    tag = "dashboards",
    operation_id = "get_programme_report",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id"), LangQuery, IfNoneMatch),
    responses(
        (status = 200, description = "The report, a self-contained HTML page (its own `Content-Security-Policy`)", content_type = "text/html", body = String,
            headers(("ETag" = String, description = "Changes whenever a figure may have"),
                    ("Content-Language" = String, description = "The language of its words"))),
        NotModified,
        (status = 400, description = "A `lang` that is not a language tag", body = Problem, content_type = "application/problem+json"),
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
    query: web::Query<LangQuery>,
) -> Result<Document, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let id = id.into_inner();
    let (answer, w) = read(&db, &state, user, Subject::Programme(id), Some(prefs)).await?;
    let etag = tag(&answer, "report", Some(w.lang));
    Ok(Document::ok("text/html; charset=utf-8", move || {
        let name = answer
            .programme_name
            .clone()
            .unwrap_or_else(|| format!("{id}"));
        pictures::programme_report(&answer.dashboard.dashboard, &name, w)
    })
    .etag(etag)
    .language(w.lang)
    .private()
    .header(
        header::CONTENT_SECURITY_POLICY,
        crate::charts::report::content_security_policy(),
    ))
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
            db: web::Data<Db>,
            state: web::Data<AppState>,
            user: AuthUser,
            id: web::Path<$id>,
        ) -> Result<Document, ApiError> {
            let id = id.into_inner();
            csv_answer(db, state, user, Subject::$variant(id), format!("{}-{}", $name, id)).await
        }

        #[doc = concat!("A chart of the dashboard of ", $what, " as a self-contained SVG (`?chart=`: the funnel by default, the four levels, targets, or a breakdown); withheld cells are drawn as withheld, never as zero. Its words are in the reader's language (`?lang=` > `Accept-Language` > their `preferred_language`; `en`, `fil`, `id`, `tet`, else English), named by `Content-Language`.")]
        #[utoipa::path(
            get,
            path = $svg_path,
            tag = $tag,
            operation_id = concat!("get_", $name, "_dashboard_svg"),
            security(("bearer" = [])),
            params(("id" = i64, Path, description = "Id"), ChartQuery, IfNoneMatch),
            responses(
                (status = 200, description = "The chart, its words in the reader's language", content_type = "image/svg+xml", body = String,
                    headers(("ETag" = String, description = "Changes whenever a figure may have"),
                            ("Content-Language" = String, description = "The language of its words"))),
                NotModified,
                (status = 400, description = "An unknown `chart`, or a `lang` that is not a language tag", body = Problem, content_type = "application/problem+json"),
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
        ) -> Result<Document, ApiError> {
            let id = id.into_inner();
            let name = format!("{} {}", capitalised($name), id);
            svg_answer(req, db, state, user, Subject::$variant(id), query.into_inner(), name).await
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
