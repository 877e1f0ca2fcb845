//! Staff invitations: an admin (or a coordinator, for trainers) invites an address with a
//! role; the emailed single-use link creates the account, or grants the role to the
//! account that has the address.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// The invitations' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    // `accept` before `{id}`, which would otherwise take the word for an id.
    cfg.service(
        resource("/invitations")
            .get(list_staff_invitations)
            .post(create_staff_invitation),
    )
    .service(resource("/invitations/accept").post(accept_staff_invitation))
    .service(
        resource("/invitations/{id}")
            .get(get_staff_invitation)
            .delete(delete_staff_invitation),
    );
}

/// The staff invitations' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::create_staff_invitation,
        handlers::list_staff_invitations,
        handlers::get_staff_invitation,
        handlers::delete_staff_invitation,
        handlers::accept_staff_invitation,
    ),
    components(schemas(
        dto::CreateStaffInvitationRequest,
        dto::AcceptStaffInvitationRequest,
        dto::StaffInvitationResponse,
        model::StaffRole,
        model::InvitationStatus,
    )),
    tags((name = "invitations", description = "Inviting staff by email: admins any staff role, coordinators trainers")),
)]
pub struct Api;
