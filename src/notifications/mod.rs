//! Subscriptions, notifications and email (immediate or in digests) for the community of
//! practice.
//!
//! Other domains call the functions below inside the write transaction of the change
//! that causes a notification; this module decides who is told (watchers, mentioned
//! members, the people concerned), checks that each recipient may see what they are told
//! about, never tells anyone about their own action, and emails according to each
//! member's preference in that community (through the email outbox).

pub mod service;

pub use service::{
    Notice, NoticeKind, PostCreated, mentions_added, notify_one, post_created, watch_thread,
};

use actix_web::web;
use utoipa::OpenApi;

/// Notifications' and subscriptions' HTTP surface.
pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// Notifications' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(), tags((name = "notifications", description = "Watching threads and communities, notifications, email preferences and digests")))]
pub struct Api;
