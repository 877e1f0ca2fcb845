//! Dashboards (issue 16, items 2 and 3): for a cohort, a course, a programme and an
//! organisation, reach and representativeness against targets, the participation funnel,
//! Kirkpatrick's four levels and, for a course, where learners stop; as JSON
//! ([`model::Dashboard`], the value a renderer takes) and as CSV; and a programme's
//! participants exported one row each, streamed.
//!
//! Rules decided here (the permissions in `auth::policy`, suppression in `types::cells`):
//! - Coordinators and admins read every dashboard; an approved union leader reads those of
//!   cohorts, courses and programmes counting only their own unions' participants, and
//!   their own union's dashboard (another union's: 404); a member: 404.
//! - Every count of people, and every share made of one, is withheld under five people
//!   (and where the total would give a withheld cell away) for all but admins.
//! - Summaries are kept, not recomputed per request: see [`service`].

pub mod csv;
pub mod handlers;
pub mod model;
pub mod pictures;
pub mod repo;
pub mod service;
pub mod words;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// The dashboards' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(resource("/cohorts/{id}/dashboard").get(get_cohort_dashboard))
        .service(resource("/cohorts/{id}/dashboard.csv").get(get_cohort_dashboard_csv))
        .service(resource("/courses/{id}/dashboard").get(get_course_dashboard))
        .service(resource("/courses/{id}/dashboard.csv").get(get_course_dashboard_csv))
        .service(resource("/programmes/{id}/dashboard").get(get_programme_dashboard))
        .service(resource("/programmes/{id}/dashboard.csv").get(get_programme_dashboard_csv))
        .service(resource("/organisations/{id}/dashboard").get(get_organisation_dashboard))
        .service(resource("/organisations/{id}/dashboard.csv").get(get_organisation_dashboard_csv))
        .service(resource("/programmes/{id}/participants.csv").get(export_programme_participants))
        .service(resource("/cohorts/{id}/dashboard.svg").get(get_cohort_dashboard_svg))
        .service(resource("/courses/{id}/dashboard.svg").get(get_course_dashboard_svg))
        .service(resource("/programmes/{id}/dashboard.svg").get(get_programme_dashboard_svg))
        .service(resource("/organisations/{id}/dashboard.svg").get(get_organisation_dashboard_svg))
        .service(resource("/programmes/{id}/report").get(get_programme_report));
}

/// The dashboards' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::get_cohort_dashboard,
        handlers::get_cohort_dashboard_csv,
        handlers::get_course_dashboard,
        handlers::get_course_dashboard_csv,
        handlers::get_programme_dashboard,
        handlers::get_programme_dashboard_csv,
        handlers::get_organisation_dashboard,
        handlers::get_organisation_dashboard_csv,
        handlers::export_programme_participants,
        handlers::get_cohort_dashboard_svg,
        handlers::get_course_dashboard_svg,
        handlers::get_programme_dashboard_svg,
        handlers::get_organisation_dashboard_svg,
        handlers::get_programme_report,
    ),
    components(schemas(
        model::Dashboard,
        model::DashboardKind,
        model::FunnelStage,
        model::Reach,
        model::UnionCell,
        model::TargetCheck,
        model::FunnelCell,
        model::Reaction,
        model::Learning,
        model::Behaviour,
        model::Results,
        model::IndicatorTotals,
        model::LessonDropOff,
        crate::types::cells::CountCell,
        pictures::ChartKind,
    )),
    tags((name = "dashboards", description = "Evaluation dashboards (Kirkpatrick's four levels, reach and representativeness) as JSON and CSV, and participant exports")),
)]
pub struct Api;
