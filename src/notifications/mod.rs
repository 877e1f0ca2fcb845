//! Subscriptions, notifications and email (immediate or in digests) for the community of
//! practice.
//!
//! Other domains call the functions below inside the write transaction of the change
//! that causes a notification; this module decides who is told (watchers, mentioned
//! members, the people concerned), checks that each recipient may see what they are told
//! about, never tells anyone about their own action, and emails according to each
//! member's preference in that community (through the email outbox).
//!
//! Rules decided here:
//! - A member without a membership row (say, a watcher of a public community) is emailed
//!   by the default preference, `daily`; an account without an email address never is.
//! - The list and the unread count leave out notifications about a hidden or deleted post
//!   (except `post_hidden`/`post_restored` about the recipient's own post, and
//!   `flag_resolved`, which only names the thread), about a deleted thread, or in a
//!   community the recipient can no longer read (except `banned`, `invited`,
//!   `join_approved`). Digests check each item again by the same rule.
//! - Digests: see [`digest`] for when one is due. The server looks every five minutes;
//!   `bayanihan digests` runs it once.
//! - Links in emails: `{public_url}/threads/{thread_id}#post-{post_id}`, or
//!   `{public_url}/communities/{id}` for notifications without a thread; the public URL is
//!   set once per process (`http::links`).

pub mod digest;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

pub use model::{Notice, NoticeKind};
pub use service::{PostCreated, mentions_added, notify_one, post_created, watch_thread};

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// Notifications' and subscriptions' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(resource("/me/notifications").get(list_my_notifications))
        .service(resource("/me/notifications/unread-count").get(get_unread_notification_count))
        .service(resource("/me/notifications/read-all").post(read_all_notifications))
        .service(resource("/me/notifications/{id}/read").post(read_notification))
        .service(
            resource("/threads/{id}/subscription")
                .get(get_thread_subscription)
                .put(put_thread_subscription)
                .delete(delete_thread_subscription),
        )
        .service(
            resource("/communities/{id}/subscription")
                .get(get_community_subscription)
                .put(put_community_subscription),
        );
}

/// Notifications' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_my_notifications,
        handlers::get_unread_notification_count,
        handlers::read_notification,
        handlers::read_all_notifications,
        handlers::get_thread_subscription,
        handlers::put_thread_subscription,
        handlers::delete_thread_subscription,
        handlers::get_community_subscription,
        handlers::put_community_subscription,
    ),
    components(schemas(
        model::NoticeKind,
        dto::NotificationResponse,
        dto::CommunityRef,
        dto::ThreadRef,
        dto::ActorRef,
        dto::UnreadCountResponse,
        dto::ThreadSubscriptionResponse,
        dto::CommunitySubscriptionResponse,
        dto::UpdateCommunitySubscriptionRequest,
        dto::EmailPreference,
    )),
    tags((name = "notifications", description = "Watching threads and communities, notifications, email preferences and digests"))
)]
pub struct Api;
