//! What the webhook endpoints read and write, and how a request becomes domain input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, Fields};
use crate::types::text::clean_line;
use crate::types::{WebhookDeliveryId, WebhookId};
use crate::webhooks::model::{
    Delivery, DeliveryType, EventType, MAX_DESCRIPTION_LEN, MAX_URL_LEN, SubscriptionInput,
    SubscriptionPatch, SubscriptionView, events,
};

/// A webhook subscription.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookResponse {
    #[schema(value_type = i64)]
    pub id: WebhookId,
    /// The endpoint deliveries are POSTed to.
    pub url: String,
    pub description: Option<String>,
    /// The events it receives, in order.
    pub events: Vec<EventType>,
    /// Whether events are delivered; an inactive webhook keeps its log and gets nothing.
    pub active: bool,
    /// The signing secret (`whsec_…`): only in the answers to create and to rotate the
    /// secret, never again. Verify each delivery's `webhook-signature` with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookResponse {
    /// The answer without the secret.
    pub fn of(v: &SubscriptionView) -> Self {
        let s = &v.subscription;
        Self {
            id: s.id,
            url: s.url.clone(),
            description: s.description.clone(),
            events: v.events.clone(),
            active: s.active,
            secret: None,
            created_at: s.created_at.and_utc(),
            updated_at: s.updated_at.and_utc(),
        }
    }

    /// The answer with the secret, shown this once.
    pub fn with_secret(v: &SubscriptionView) -> Self {
        Self {
            secret: Some(v.subscription.secret.clone()),
            ..Self::of(v)
        }
    }
}

/// `POST /api/v1/webhooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// An `https` URL whose host is, and resolves only to, public addresses.
    #[schema(min_length = 1, max_length = 2000)]
    pub url: String,
    /// The events to receive: one to all of them, each once.
    #[schema(min_items = 1, max_items = 6)]
    pub events: Vec<EventType>,
    /// A note for the owner, at most 500 characters.
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

/// `PATCH /api/v1/webhooks/{id}`: only the fields given change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    /// A new endpoint; the rules of creation hold.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(min_length = 1, max_length = 2000, nullable = false)]
    pub url: Option<String>,
    /// The events to receive from now on.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(min_items = 1, max_items = 6, nullable = false)]
    pub events: Option<Vec<EventType>>,
    /// A note for the owner; `null` removes it.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Option<Option<String>>,
    /// `false` stops deliveries (those queued are given up); `true` resumes them.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

/// The URL's syntax: at most [`MAX_URL_LEN`] characters, no control characters, an
/// absolute URL. Whether it may be used is decided by `target` in the handler.
fn parse_url(f: &mut Fields, raw: &str) -> Option<url::Url> {
    if !f.fits("url", raw, MAX_URL_LEN) {
        return None;
    }
    if raw.chars().any(char::is_control) {
        f.push("url", "invalid_url", "must not contain control characters");
        return None;
    }
    f.check(
        "url",
        "invalid_url",
        url::Url::parse(raw.trim()).map_err(|_| "must be an absolute https URL".to_owned()),
    )
}

fn parse_description(f: &mut Fields, raw: Option<&str>) -> Option<Option<String>> {
    f.check_opt("description", "invalid_description", raw, |d| {
        clean_line(d, 1, MAX_DESCRIPTION_LEN)
    })
}

impl TryFrom<CreateWebhookRequest> for SubscriptionInput {
    type Error = ApiError;

    fn try_from(req: CreateWebhookRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let url = parse_url(&mut f, &req.url);
        let events = events(&mut f, &req.events);
        let description = parse_description(&mut f, req.description.as_deref());
        f.finish_with(|| {
            Some(Self {
                url: url?,
                events: events?,
                description: description?,
            })
        })
    }
}

impl TryFrom<UpdateWebhookRequest> for SubscriptionPatch {
    type Error = ApiError;

    fn try_from(req: UpdateWebhookRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let url = req
            .url
            .as_deref()
            .map(|raw| parse_url(&mut f, raw).ok_or(()));
        let events = req
            .events
            .as_deref()
            .map(|raw| events(&mut f, raw).ok_or(()));
        let description = req
            .description
            .map(|d| parse_description(&mut f, d.as_deref()).ok_or(()));
        f.finish_with(|| {
            Some(Self {
                url: url.transpose().ok()?,
                events: events.transpose().ok()?,
                description: description.transpose().ok()?,
                active: req.active,
            })
        })
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up: refused for good, out of attempts, or the webhook was deactivated.
    Failed,
}

/// One event's delivery to a webhook, as the delivery log shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookDeliveryResponse {
    #[schema(value_type = i64)]
    pub id: WebhookDeliveryId,
    /// The event (or `ping`).
    pub event: DeliveryType,
    /// The `webhook-id` header: the same on every attempt, for receivers to drop repeats.
    pub message_id: String,
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: i32,
    /// The HTTP status of the last answer, if any.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When the next attempt is due; `null` once delivered or given up.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<&Delivery> for WebhookDeliveryResponse {
    fn from(d: &Delivery) -> Self {
        let status = if d.delivered_at.is_some() {
            DeliveryStatus::Delivered
        } else if d.failed_at.is_some() {
            DeliveryStatus::Failed
        } else {
            DeliveryStatus::Pending
        };
        Self {
            id: d.id,
            event: d.event,
            message_id: d.message_id.clone(),
            status,
            attempts: d.attempts,
            last_status_code: d.last_status,
            last_error: d.last_error.clone(),
            next_attempt_at: (status == DeliveryStatus::Pending)
                .then(|| d.next_attempt_at.and_utc()),
            delivered_at: d.delivered_at.map(|t| t.and_utc()),
            failed_at: d.failed_at.map(|t| t.and_utc()),
            created_at: d.created_at.and_utc(),
        }
    }
}
