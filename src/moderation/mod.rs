//! Moderation: flags and the flag queue, hiding and restoring posts, locking and pinning
//! threads; every action in the community's moderation log.
//!
//! Rules decided here:
//! - Flagging needs an active membership and a post the caller can see (a hidden post the
//!   caller may not see, or one in a deleted thread, is 404; a deleted post 409
//!   `post_deleted`). One's own post: 422 (`errors[].code` `own_post`). One open flag per
//!   member and post: 409 `already_flagged`. A new flag's `Location` is
//!   `/api/v1/flags/{id}`, which its reporter and the moderators read (404 for others).
//! - Moderators (and platform staff outside private communities) read the queue
//!   (`status=open` by default, oldest first; `upheld`/`dismissed` newest first), decide
//!   flags, hide and restore posts, lock, unlock, pin and unpin threads, and read the log.
//!   Others who can read the community get 403 `not_a_moderator`; those who cannot, 404.
//! - Upholding a flag hides the post (if it is not hidden already) and upholds every open
//!   flag on that post; each reporter is notified (`flag_resolved`), the author once
//!   (`post_hidden`). Dismissing closes only that flag. A decided flag: 409 `flag_resolved`.
//! - Hide and restore answer 204; hiding twice 409 `already_hidden`, restoring a visible
//!   post 409 `not_hidden`. Hiding an opening post hides that post only; the thread stays.
//! - Lock, unlock, pin and unpin answer 204 and are idempotent; only a change is logged.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// Moderation's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(resource("/posts/{id}/flags").post(create_flag))
        .service(resource("/communities/{id}/flags").get(list_flags))
        .service(resource("/flags/{id}").get(get_flag))
        .service(resource("/flags/{id}/resolve").post(resolve_flag))
        .service(resource("/posts/{id}/hide").post(hide_post))
        .service(resource("/posts/{id}/restore").post(restore_post))
        .service(resource("/threads/{id}/lock").post(lock_thread))
        .service(resource("/threads/{id}/unlock").post(unlock_thread))
        .service(resource("/threads/{id}/pin").post(pin_thread))
        .service(resource("/threads/{id}/unpin").post(unpin_thread))
        .service(resource("/communities/{id}/moderation-log").get(list_moderation_log));
}

/// Moderation's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::create_flag,
        handlers::get_flag,
        handlers::list_flags,
        handlers::resolve_flag,
        handlers::hide_post,
        handlers::restore_post,
        handlers::lock_thread,
        handlers::unlock_thread,
        handlers::pin_thread,
        handlers::unpin_thread,
        handlers::list_moderation_log,
    ),
    components(schemas(
        model::FlagReason,
        model::FlagStatus,
        model::FlagOutcome,
        dto::CreateFlagRequest,
        dto::ResolveFlagRequest,
        dto::HidePostRequest,
        dto::RestorePostRequest,
        dto::FlagResponse,
        dto::ModerationPerson,
        dto::FlaggedPost,
        dto::FlagQueueItem,
        dto::ModerationLogEntry,
    )),
    tags((name = "moderation", description = "Flags, hiding posts, locking and pinning threads, the moderation log"))
)]
pub struct Api;
