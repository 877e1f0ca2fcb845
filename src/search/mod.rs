//! Full-text search over thread titles and post bodies the caller may read.

use actix_web::web;
use utoipa::OpenApi;

/// Search's HTTP surface.
pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// Search's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(), tags((name = "search", description = "Search across the communities the caller can read")))]
pub struct Api;
