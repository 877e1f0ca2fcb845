//! Communities of practice: who is in them, who may read them, who moderates them.

pub mod audit;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// The communities' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/communities")
            .get(list_communities)
            .post(create_community),
    )
    .service(
        resource("/communities/{id}")
            .get(get_community)
            .patch(update_community),
    )
    .service(
        resource("/communities/{id}/membership")
            .put(join_community)
            .delete(leave_community),
    )
    .service(resource("/communities/{id}/members").get(list_community_members))
    .service(
        resource("/communities/{id}/members/{user_id}")
            .patch(update_member)
            .delete(delete_member),
    )
    .service(resource("/communities/{id}/members/{user_id}/approve").post(approve_member))
    .service(resource("/communities/{id}/members/{user_id}/reject").post(reject_member))
    .service(resource("/communities/{id}/invitations").post(create_invitation))
    .service(resource("/communities/{id}/bans").post(create_ban))
    .service(resource("/communities/{id}/bans/{user_id}").delete(delete_ban));
}

/// The communities' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_communities,
        handlers::create_community,
        handlers::get_community,
        handlers::update_community,
        handlers::join_community,
        handlers::leave_community,
        handlers::list_community_members,
        handlers::create_invitation,
        handlers::approve_member,
        handlers::reject_member,
        handlers::update_member,
        handlers::delete_member,
        handlers::create_ban,
        handlers::delete_ban,
    ),
    components(schemas(
        dto::CommunityResponse,
        dto::MyMembership,
        dto::MembershipResponse,
        dto::MemberItem,
        model::CommunitySort,
        dto::CreateCommunityRequest,
        dto::UpdateCommunityRequest,
        dto::InvitationRequest,
        dto::UpdateMemberRequest,
        dto::BanRequest,
        model::Visibility,
        model::CommunityRole,
        model::MemberStatus,
        model::EmailPreference,
    )),
    tags((name = "communities", description = "Communities of practice, their members and moderators"))
)]
pub struct Api;
