//! The resource library: documents, links and media in several languages, their files
//! (local disk or S3-compatible storage), moderation of members' submissions, search,
//! bookmarks, "useful" votes and collections.
//!
//! Rules decided here:
//! - Anyone reads published public resources; `members` resources need a login;
//!   `cohort` and `community` ones are read by that cohort's participants and
//!   facilitators or that community's active members (404 for others). Their owner and
//!   the library's moderators (coordinators, admins) read them in any state.
//! - Trainers, coordinators and admins publish directly; a member's resource is `pending`
//!   in the moderation queue (`GET /api/v1/resources?status=pending`) until approved or
//!   rejected; a member's later change sends it back to the queue.
//! - Owners and moderators take a resource down (410 `resource_taken_down` with the
//!   reason) or delete it with its files.
//! - A file is per language; a new upload in a language supersedes the current one,
//!   which stays listed and downloadable. See `storage` for how files are kept.

pub mod dto;
pub mod filetype;
pub mod handlers;
pub mod model;
pub mod repair;
pub mod repo;
pub mod service;
pub mod storage;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// The library's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/resources")
            .get(list_resources)
            .post(create_resource),
    )
    .service(
        resource("/resources/{id}")
            .get(get_resource)
            .patch(update_resource)
            .delete(delete_resource),
    )
    .service(resource("/resources/{id}/translations/{lang}").put(put_resource_translation))
    .service(resource("/resources/{id}/approve").post(approve_resource))
    .service(resource("/resources/{id}/reject").post(reject_resource))
    .service(resource("/resources/{id}/takedown").post(take_down_resource))
    .service(resource("/resources/{id}/restore").post(restore_resource))
    .service(resource("/resources/{id}/moderation-log").get(list_resource_moderation_log))
    .service(resource("/resources/{id}/files").post(upload_resource_file))
    .service(resource("/resources/{id}/files/{file_id}").get(get_resource_file))
    .service(resource("/resources/{id}/files/{file_id}/content").get(download_resource_file))
    .service(resource("/resources/{id}/content").get(download_resource))
    .service(
        resource("/resources/{id}/bookmark")
            .put(bookmark_resource)
            .delete(unbookmark_resource),
    )
    .service(
        resource("/resources/{id}/vote")
            .put(vote_resource)
            .delete(unvote_resource),
    )
    .service(
        resource("/resource-collections")
            .get(list_resource_collections)
            .post(create_resource_collection),
    )
    .service(
        resource("/resource-collections/{id}")
            .get(get_resource_collection)
            .patch(update_resource_collection)
            .delete(delete_resource_collection),
    );
}

/// The library's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_resources,
        handlers::create_resource,
        handlers::get_resource,
        handlers::update_resource,
        handlers::delete_resource,
        handlers::put_resource_translation,
        handlers::approve_resource,
        handlers::reject_resource,
        handlers::take_down_resource,
        handlers::restore_resource,
        handlers::list_resource_moderation_log,
        handlers::upload_resource_file,
        handlers::get_resource_file,
        handlers::download_resource_file,
        handlers::download_resource,
        handlers::bookmark_resource,
        handlers::unbookmark_resource,
        handlers::vote_resource,
        handlers::unvote_resource,
        handlers::list_resource_collections,
        handlers::create_resource_collection,
        handlers::get_resource_collection,
        handlers::update_resource_collection,
        handlers::delete_resource_collection,
    ),
    components(schemas(
        model::ResourceKind,
        model::ResourceVisibility,
        model::ResourceStatus,
        crate::types::Licence,
        dto::CreateResourceRequest,
        dto::UpdateResourceRequest,
        dto::ResourceTranslationRequest,
        dto::ReasonRequest,
        dto::ResourceResponse,
        dto::ResourceItem,
        dto::FileResponse,
        dto::ResourceLogEntry,
        dto::CreateCollectionRequest,
        dto::UpdateCollectionRequest,
        dto::CollectionResponse,
    )),
    tags((name = "library", description = "The resource library: resources in several languages, files, moderation, collections"))
)]
pub struct Api;
