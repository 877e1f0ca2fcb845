//! Communities of practice: who is in them, who may read them, who moderates them.

pub mod access;
pub mod audit;

use actix_web::web;
use utoipa::OpenApi;

/// The communities' HTTP surface.
pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// The communities' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(), tags((name = "communities", description = "Communities of practice, their members and moderators")))]
pub struct Api;
