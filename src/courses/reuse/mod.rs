//! Courses that other regions reuse (issue 14, items 6-8): lessons that point to library
//! resources, adaptations (a copy of a course as a new draft, keeping the original's
//! attribution), and packages that move a course between installations (Bayanihan's own
//! ZIP, exported and imported; IMS Common Cartridge 1.3, exported).
//!
//! Rules decided here:
//! - Adapting needs the right to create courses and to read the original's lessons; a
//!   licence that forbids derivatives (`-ND`, all rights reserved) refuses it (409
//!   `licence_forbids_adaptation`); a course without a licence may be adapted.
//! - The copy is a draft owned by the caller; its `attribution` keeps the original's title,
//!   authors and licence as they were, whatever becomes of the original.
//! - Exports carry the published `public`/`members` resources the lessons point to; links
//!   to cohort- or community-only resources are left out. Quiz questions travel with
//!   neither an adaptation nor a package (quiz settings do with an adaptation).

pub mod dto;
pub mod handlers;
pub mod model;
pub mod package;
pub mod repo;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// Reuse's HTTP surface; registered before `/courses/{id}` so that `/courses/imports` is
/// not read as a course id.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(resource("/courses/imports").post(import_course))
        .service(
            resource("/courses/{id}/adaptations")
                .get(list_course_adaptations)
                .post(adapt_course),
        )
        .service(resource("/courses/{id}/export").get(export_course))
        .service(
            resource("/lessons/{id}/resources")
                .get(list_lesson_resources)
                .put(put_lesson_resources),
        )
        .service(resource("/resources/{id}/lessons").get(list_resource_lessons));
}

/// Reuse's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::adapt_course,
        handlers::list_course_adaptations,
        handlers::export_course,
        handlers::import_course,
        handlers::put_lesson_resources,
        handlers::list_lesson_resources,
        handlers::list_resource_lessons,
    ),
    components(schemas(
        dto::AdaptCourseRequest,
        dto::AdaptationItem,
        dto::AttributionResponse,
        dto::LessonResourcesRequest,
        dto::LessonResourcesResponse,
        dto::ResourceLessonItem,
        crate::library::model::ResourceEmbed,
        crate::library::model::EmbeddedFile,
        dto::ExportFormat,
        model::Origin,
    ))
)]
pub struct Api;
