//! Threads and posts in the communities: replies, quotes, edits with history, tombstones,
//! reactions, accepted answers, mentions, read state.
//!
//! Rules decided here (see docs/COMMUNITY.md for the contract):
//! - Threads are listed pinned first, then by last activity, newest first, then by id.
//! - Bodies are Markdown, rendered once on write, before the transaction (`dto.rs` parses
//!   and renders, `markdown.rs` adds mentions); reads never render.
//! - Threads and posts carry a version every change of their answer bumps; ETags and
//!   `If-Match` use it (`model::thread_etag`, `model::post_etag`), never the body.
//! - A post's `mentions` are the mentions its HTML was rendered with, named as they are now.
//! - The opening post is not deleted on its own (409 `opening_post`): delete the thread.
//! - Deleting a post deletes its earlier versions too; a tombstone keeps nothing of the text.
//! - `unread_count` counts posts that are not deleted and that the reader can see, after
//!   their last read post (all of them when never read). It is read from counters kept on
//!   the thread and the reader's read state (`counts`), never counted over the posts.

pub mod counts;
pub mod dto;
pub mod handlers;
pub mod markdown;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// The forums' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/communities/{id}/threads")
            .get(list_threads)
            .post(create_thread),
    )
    .service(
        resource("/threads/{id}")
            .get(get_thread)
            .patch(update_thread)
            .delete(delete_thread),
    )
    .service(
        resource("/threads/{id}/posts")
            .get(list_posts)
            .post(create_post),
    )
    .service(
        resource("/threads/{id}/accepted-answer")
            .put(put_accepted_answer)
            .delete(delete_accepted_answer),
    )
    .service(resource("/threads/{id}/read-state").put(put_read_state))
    .service(
        resource("/posts/{id}")
            .get(get_post)
            .patch(update_post)
            .delete(delete_post),
    )
    .service(resource("/posts/{id}/revisions").get(list_post_revisions))
    .service(resource("/resources/{id}/posts").get(list_resource_posts))
    .service(
        resource("/posts/{id}/reactions/{kind}")
            .put(put_post_reaction)
            .delete(delete_post_reaction),
    );
}

/// The forums' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_threads,
        handlers::create_thread,
        handlers::get_thread,
        handlers::update_thread,
        handlers::delete_thread,
        handlers::list_posts,
        handlers::create_post,
        handlers::get_post,
        handlers::update_post,
        handlers::delete_post,
        handlers::list_post_revisions,
        handlers::put_post_reaction,
        handlers::delete_post_reaction,
        handlers::put_accepted_answer,
        handlers::delete_accepted_answer,
        handlers::put_read_state,
        handlers::list_resource_posts,
    ),
    components(schemas(model::ThreadKind, model::ReactionKind)),
    tags((name = "threads", description = "Threads in a community"), (name = "posts", description = "Posts, reactions and accepted answers"))
)]
pub struct Api;
