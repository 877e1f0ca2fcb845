//! Moderation: flags and the flag queue, hiding and restoring posts, locking and pinning
//! threads; every action in the community's moderation log.

use actix_web::web;
use utoipa::OpenApi;

/// Moderation's HTTP surface.
pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// Moderation's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(), tags((name = "moderation", description = "Flags, hiding posts, locking and pinning threads, the moderation log")))]
pub struct Api;
