//! Webhooks: signed HTTPS deliveries of the main events (enrolled, completed, certified,
//! nominated, selected, check-in reported) to endpoints that coordinators and admins
//! register.
//!
//! A domain calls [`emit`] inside the transaction that makes the event happen; one
//! set-based insert queues a delivery for every active subscription that wants it, so
//! nothing is lost and nothing is sent for a change that was rolled back. The outbox
//! worker that delivers emails delivers these too (`email::worker`, channel
//! [`delivery::WebhookChannel`]), signed as the Standard Webhooks specification says, to
//! addresses vetted against server-side request forgery at every attempt ([`target`]).

pub mod delivery;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;
pub mod target;

use actix_web::web;

use crate::http::resource;

pub use model::{Event, EventType};
pub use service::emit;

/// The webhooks' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/webhooks")
            .get(list_webhooks)
            .post(create_webhook),
    )
    .service(
        resource("/webhooks/{id}")
            .get(get_webhook)
            .patch(update_webhook)
            .delete(delete_webhook),
    )
    .service(resource("/webhooks/{id}/secret").post(rotate_webhook_secret))
    .service(resource("/webhooks/{id}/ping").post(ping_webhook))
    .service(resource("/webhooks/{id}/deliveries").get(list_webhook_deliveries));
}

/// Webhooks' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        handlers::create_webhook,
        handlers::list_webhooks,
        handlers::get_webhook,
        handlers::update_webhook,
        handlers::delete_webhook,
        handlers::rotate_webhook_secret,
        handlers::ping_webhook,
        handlers::list_webhook_deliveries,
    ),
    tags((name = "webhooks", description = "Signed HTTPS deliveries of events to endpoints that coordinators and admins register; see docs/API.md for verifying signatures"))
)]
pub struct Api;
