//! Webhook use cases: subscriptions, their delivery log, and [`emit`], which other domains
//! call inside the transaction that makes an event happen.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::auth::AuthUser;
use crate::auth::policy::{self, Action};
use crate::db::{self, DbConn, now};
use crate::error::ApiError;
use crate::http::etag::{IfMatch, Versioned};
use crate::http::pagination::{Page, PageRequest};
use crate::types::WebhookId;
use crate::webhooks::model::{
    Delivery, DeliveryType, Event, NewDelivery, NewSubscription, Subscription, SubscriptionChanges,
    SubscriptionInput, SubscriptionPatch, SubscriptionView, new_message_id, payload,
};
use crate::webhooks::repo;

/// The sort name in list cursors.
pub const LIST_SORT: &str = "id";
/// The sort name in delivery-log cursors.
pub const DELIVERY_SORT: &str = "-id";

/// A new signing secret: `whsec_` and the base64 of 32 random bytes (the Standard Webhooks
/// format; the HMAC key is the decoded bytes).
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// Queues `event` for every active subscription that wants it, with one set-based insert,
/// inside the caller's transaction: the deliveries exist exactly when the change that
/// caused them was committed. Answers how many were queued.
pub fn emit(conn: &mut DbConn, event: &Event) -> Result<usize, ApiError> {
    let at = now();
    let message_id = new_message_id();
    let kind = event.event_type();
    let body = payload(kind.into(), &message_id, at, &event.data());
    let queued = repo::emit(conn, kind, &message_id, &body, at)?;
    if queued > 0 {
        tracing::debug!(
            webhook.event = kind.as_str(),
            webhook.message_id = %message_id,
            webhook.queued = queued,
            "webhook event queued"
        );
    }
    Ok(queued)
}

/// The subscription `id` if `actor` may manage it; 403 for callers who manage no
/// webhooks, 404 for a subscription of someone else (its existence is not theirs to know).
fn managed(conn: &mut DbConn, actor: &AuthUser, id: WebhookId) -> Result<Subscription, ApiError> {
    policy::authorize(actor, Action::RegisterWebhooks)?;
    let sub = repo::find(conn, id)?;
    let is_owner = sub.owner_id == actor.id;
    if !policy::allowed(actor, Action::ManageWebhook { is_owner }) {
        return Err(ApiError::NotFound);
    }
    Ok(sub)
}

fn view(conn: &mut DbConn, subscription: Subscription) -> Result<SubscriptionView, ApiError> {
    let events = repo::events_of(conn, &[subscription.id])?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    Ok(SubscriptionView {
        subscription,
        events,
    })
}

/// Registers a subscription owned by `actor`, with a new secret.
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: SubscriptionInput,
    secret: String,
) -> Result<SubscriptionView, ApiError> {
    policy::authorize(actor, Action::RegisterWebhooks)?;
    let at = now();
    let sub = repo::insert(
        conn,
        &NewSubscription {
            owner_id: actor.id,
            url: input.url.to_string(),
            description: input.description,
            secret,
            active: true,
            version: 1,
            created_at: at,
            updated_at: at,
        },
    )?;
    repo::set_events(conn, sub.id, &input.events)?;
    Ok(SubscriptionView {
        subscription: sub,
        events: input.events,
    })
}

/// One subscription.
pub fn get(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: WebhookId,
) -> Result<SubscriptionView, ApiError> {
    let sub = managed(conn, actor, id)?;
    view(conn, sub)
}

/// The caller's subscriptions (every one for an admin), by id.
pub fn list(
    conn: &mut DbConn,
    actor: &AuthUser,
    page: &PageRequest<i64>,
) -> Result<Page<SubscriptionView>, ApiError> {
    policy::authorize(actor, Action::RegisterWebhooks)?;
    let everyone = policy::allowed(actor, Action::ManageWebhook { is_owner: false });
    let owner = (!everyone).then_some(actor.id);
    let after = page.after.as_ref().map(|(_, id)| WebhookId(*id));
    let rows = repo::list(conn, owner, after, page.fetch_limit())?;
    let ids: Vec<WebhookId> = rows.iter().map(|s| s.id).collect();
    let mut events: HashMap<WebhookId, Vec<_>> = HashMap::new();
    for (id, event) in repo::events_of(conn, &ids)? {
        events.entry(id).or_default().push(event);
    }
    Ok(page.finish(
        rows,
        LIST_SORT,
        |s| (s.id.get(), s.id.get()),
        |s| SubscriptionView {
            events: events.remove(&s.id).unwrap_or_default(),
            subscription: s,
        },
    ))
}

/// Changes a subscription's URL, events, description or state.
pub fn update(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: WebhookId,
    patch: SubscriptionPatch,
    if_match: Option<&IfMatch>,
) -> Result<SubscriptionView, ApiError> {
    db::lock_row(conn, "webhook_subscriptions", id.get())?;
    let current = get(conn, actor, id)?;
    current.subscription.check_if_match(if_match)?;
    let sub = &current.subscription;
    let mut changes = SubscriptionChanges::default();
    let url = patch.url.map(|u| u.to_string());
    if let Some(url) = url.filter(|u| *u != sub.url) {
        changes.url = Some(url);
    }
    if let Some(description) = patch.description.filter(|d| *d != sub.description) {
        changes.description = Some(description);
    }
    if let Some(active) = patch.active.filter(|a| *a != sub.active) {
        changes.active = Some(active);
    }
    let events = patch.events.filter(|e| *e != current.events);
    let unchanged = changes.url.is_none()
        && changes.description.is_none()
        && changes.active.is_none()
        && events.is_none();
    if unchanged {
        return Ok(current);
    }
    if let Some(events) = &events {
        repo::set_events(conn, id, events)?;
    }
    changes.version = Some(sub.version + 1);
    changes.updated_at = Some(now());
    let sub = repo::update(conn, id, &changes)?;
    view(conn, sub)
}

/// Deletes a subscription, its events and its delivery log.
pub fn delete(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: WebhookId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    db::lock_row(conn, "webhook_subscriptions", id.get())?;
    let sub = managed(conn, actor, id)?;
    sub.check_if_match(if_match)?;
    repo::delete(conn, id)?;
    Ok(())
}

/// Replaces a subscription's secret; deliveries not yet sent are signed with the new one.
pub fn rotate_secret(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: WebhookId,
    secret: String,
    if_match: Option<&IfMatch>,
) -> Result<SubscriptionView, ApiError> {
    db::lock_row(conn, "webhook_subscriptions", id.get())?;
    let sub = managed(conn, actor, id)?;
    sub.check_if_match(if_match)?;
    let changes = SubscriptionChanges {
        secret: Some(secret),
        version: Some(sub.version + 1),
        updated_at: Some(now()),
        ..SubscriptionChanges::default()
    };
    let sub = repo::update(conn, id, &changes)?;
    view(conn, sub)
}

/// Queues a `ping` delivery to this subscription only (whatever its events; an inactive
/// subscription is 409 `webhook_inactive`).
pub fn ping(conn: &mut DbConn, actor: &AuthUser, id: WebhookId) -> Result<Delivery, ApiError> {
    let sub = managed(conn, actor, id)?;
    if !sub.active {
        return Err(ApiError::Conflict {
            code: "webhook_inactive",
            detail: "the webhook is inactive; activate it first".to_owned(),
        });
    }
    let at = now();
    let message_id = new_message_id();
    let body = payload(
        DeliveryType::Ping,
        &message_id,
        at,
        &serde_json::json!({"webhook_id": sub.id}),
    );
    Ok(repo::insert_delivery(
        conn,
        &NewDelivery {
            subscription_id: sub.id,
            event: DeliveryType::Ping,
            message_id,
            payload: body,
            created_at: at,
            attempts: 0,
            next_attempt_at: at,
        },
    )?)
}

/// A subscription's deliveries, newest first.
pub fn deliveries(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: WebhookId,
    page: &PageRequest<i64>,
) -> Result<Page<Delivery>, ApiError> {
    managed(conn, actor, id)?;
    let before = page
        .after
        .as_ref()
        .map(|(_, id)| crate::types::WebhookDeliveryId(*id));
    let rows = repo::deliveries(conn, id, before, page.fetch_limit())?;
    Ok(page.finish(rows, DELIVERY_SORT, |d| (d.id.get(), d.id.get()), |d| d))
}
