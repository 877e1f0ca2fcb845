//! The trade-union directory: international, regional and national organisations and their unions.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;

use actix_web::web;

use crate::http::resource;

/// The directory's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/organisations").get(handlers::list_organisations))
        .service(resource("/organisations/{id}").get(handlers::get_organisation))
        .service(
            resource("/organisations/{id}/children").get(handlers::list_organisation_children),
        );
}
