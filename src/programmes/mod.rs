//! Programmes (issue 16, item 1): a programme, e.g. a three-year regional programme, groups
//! cohorts and courses and carries the target figures it is judged against (participants,
//! shares of women and under-35s, countries, completion). Its dashboard is in
//! `crate::dashboards`.
//!
//! Rules decided here:
//! - Coordinators and admins create and change programmes (`If-Match` against the
//!   version) and add or remove cohorts and courses (`PUT`/`DELETE`, idempotent; a change
//!   of members bumps the version).
//! - Coordinators, admins and approved union leaders read them; anyone else gets 404 for
//!   one programme and an empty list.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// The programmes' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/programmes")
            .get(list_programmes)
            .post(create_programme),
    )
    .service(
        resource("/programmes/{id}")
            .get(get_programme)
            .patch(update_programme),
    )
    .service(resource("/programmes/{id}/cohorts").get(list_programme_cohorts))
    .service(
        resource("/programmes/{id}/cohorts/{cohort_id}")
            .put(put_programme_cohort)
            .delete(delete_programme_cohort),
    )
    .service(resource("/programmes/{id}/courses").get(list_programme_courses))
    .service(
        resource("/programmes/{id}/courses/{course_id}")
            .put(put_programme_course)
            .delete(delete_programme_course),
    );
}

/// The programmes' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::create_programme,
        handlers::list_programmes,
        handlers::get_programme,
        handlers::update_programme,
        handlers::list_programme_cohorts,
        handlers::put_programme_cohort,
        handlers::delete_programme_cohort,
        handlers::list_programme_courses,
        handlers::put_programme_course,
        handlers::delete_programme_course,
    ),
    components(schemas(
        dto::ProgrammeResponse,
        dto::CreateProgrammeRequest,
        dto::UpdateProgrammeRequest,
        dto::TargetsBody,
        dto::ProgrammeMembersResponse,
    )),
    tags((name = "programmes", description = "Programmes: cohorts and courses judged together against target figures")),
)]
pub struct Api;
