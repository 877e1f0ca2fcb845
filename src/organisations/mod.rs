//! The trade-union directory: international, regional and national organisations and their unions.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;

use crate::http::resource;

/// The directory's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/organisations")
            .get(list_organisations)
            .post(create_organisation),
    )
    .service(
        resource("/organisations/{id}")
            .get(get_organisation)
            .patch(update_organisation)
            .delete(delete_organisation),
    )
    .service(resource("/organisations/{id}/children").get(list_organisation_children))
    .service(
        resource("/organisations/{id}/memberships")
            .get(list_memberships)
            .post(create_membership),
    )
    .service(
        resource("/organisations/{id}/memberships/{user_id}")
            .get(get_membership)
            .patch(update_membership)
            .delete(delete_membership),
    );
}
