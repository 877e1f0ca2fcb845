//! Threads and posts in the communities: replies, quotes, edits with history, tombstones,
//! reactions, accepted answers, mentions, read state.

pub mod counts;

use actix_web::web;
use utoipa::OpenApi;

/// The forums' HTTP surface.
pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// The forums' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(), tags((name = "threads", description = "Threads in a community"), (name = "posts", description = "Posts, reactions and accepted answers")))]
pub struct Api;
