//! Queries on webhook subscriptions and deliveries: `QueryResult`, nothing of HTTP.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use crate::auth::Role;
use crate::db::DbConn;
use crate::db::outbox::{AfterFailure, claim_next, mark_done, mark_failed};
use crate::db::schema::users;
use crate::db::schema::webhook_deliveries::{self, dsl as d};
use crate::db::schema::webhook_subscription_events::{self, dsl as e};
use crate::db::schema::webhook_subscriptions::{self, dsl as s};
use crate::types::{UserId, WebhookDeliveryId, WebhookId};
use crate::webhooks::model::{
    Delivery, DeliveryType, EventType, NewDelivery, NewSubscription, Subscription,
    SubscriptionChanges,
};

/// One subscription by id.
pub fn find(conn: &mut DbConn, id: WebhookId) -> QueryResult<Subscription> {
    webhook_subscriptions::table
        .find(id)
        .select(Subscription::as_select())
        .first(conn)
}

/// The events of some subscriptions: (subscription, event), in order.
pub fn events_of(conn: &mut DbConn, ids: &[WebhookId]) -> QueryResult<Vec<(WebhookId, EventType)>> {
    webhook_subscription_events::table
        .filter(e::subscription_id.eq_any(ids))
        .order((e::subscription_id.asc(), e::event.asc()))
        .select((e::subscription_id, e::event))
        .load(conn)
}

/// Replaces the events of a subscription.
pub fn set_events(conn: &mut DbConn, id: WebhookId, events: &[EventType]) -> QueryResult<()> {
    diesel::delete(webhook_subscription_events::table.filter(e::subscription_id.eq(id)))
        .execute(conn)?;
    for event in events {
        diesel::insert_into(webhook_subscription_events::table)
            .values((e::subscription_id.eq(id), e::event.eq(*event)))
            .execute(conn)?;
    }
    Ok(())
}

/// Adds a subscription.
pub fn insert(conn: &mut DbConn, new: &NewSubscription) -> QueryResult<Subscription> {
    diesel::insert_into(webhook_subscriptions::table)
        .values(new)
        .returning(webhook_subscriptions::all_columns)
        .get_result(conn)
}

/// Changes a subscription.
pub fn update(
    conn: &mut DbConn,
    id: WebhookId,
    changes: &SubscriptionChanges,
) -> QueryResult<Subscription> {
    diesel::update(webhook_subscriptions::table.find(id))
        .set(changes)
        .returning(webhook_subscriptions::all_columns)
        .get_result(conn)
}

/// Deletes a subscription with its events and deliveries.
pub fn delete(conn: &mut DbConn, id: WebhookId) -> QueryResult<usize> {
    diesel::delete(webhook_deliveries::table.filter(d::subscription_id.eq(id))).execute(conn)?;
    diesel::delete(webhook_subscription_events::table.filter(e::subscription_id.eq(id)))
        .execute(conn)?;
    diesel::delete(webhook_subscriptions::table.find(id)).execute(conn)
}

/// One page of subscriptions by id, of one owner or of everyone.
pub fn list(
    conn: &mut DbConn,
    owner: Option<UserId>,
    after: Option<WebhookId>,
    limit: i64,
) -> QueryResult<Vec<Subscription>> {
    let mut query = webhook_subscriptions::table
        .select(Subscription::as_select())
        .order(s::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(owner) = owner {
        query = query.filter(s::owner_id.eq(owner));
    }
    if let Some(after) = after {
        query = query.filter(s::id.gt(after));
    }
    query.load(conn)
}

/// One page of a subscription's deliveries, newest first.
pub fn deliveries(
    conn: &mut DbConn,
    id: WebhookId,
    before: Option<WebhookDeliveryId>,
    limit: i64,
) -> QueryResult<Vec<Delivery>> {
    let mut query = webhook_deliveries::table
        .filter(d::subscription_id.eq(id))
        .select(Delivery::as_select())
        .order(d::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(d::id.lt(before));
    }
    query.load(conn)
}

/// Queues one delivery (the ping).
pub fn insert_delivery(conn: &mut DbConn, new: &NewDelivery) -> QueryResult<Delivery> {
    diesel::insert_into(webhook_deliveries::table)
        .values(new)
        .returning(webhook_deliveries::all_columns)
        .get_result(conn)
}

/// Queues one delivery of an event to every active subscription that wants `event` and
/// whose owner is still a coordinator or an admin, in one statement
/// (`INSERT … SELECT`); answers how many.
pub fn emit(
    conn: &mut DbConn,
    event: EventType,
    message_id: &str,
    payload: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let kind = DeliveryType::from(event);
    let staff = [Role::Coordinator, Role::Admin];
    // The constant columns are bound parameters (`sql` fragments carry no values of
    // their own), so the statement is the same whatever the event.
    let subscribers = webhook_subscription_events::table
        .inner_join(webhook_subscriptions::table.inner_join(users::table))
        .filter(e::event.eq(event))
        .filter(s::active.eq(true))
        .filter(users::role.eq_any(staff));
    let columns = (
        d::subscription_id,
        d::event,
        d::message_id,
        d::payload,
        d::created_at,
        d::attempts,
        d::next_attempt_at,
    );
    macro_rules! insert_select {
        ($c:expr) => {
            diesel::insert_into(webhook_deliveries::table)
                .values(subscribers.select((
                    s::id,
                    kind.into_sql::<Text>(),
                    message_id.into_sql::<Text>(),
                    payload.into_sql::<Text>(),
                    now.into_sql::<Timestamp>(),
                    0.into_sql::<Integer>(),
                    now.into_sql::<Timestamp>(),
                )))
                .into_columns(columns)
                .execute($c)
        };
    }
    match conn {
        DbConn::Sqlite(c) => insert_select!(c),
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => insert_select!(c),
    }
}

/// What a delivery attempt needs: the delivery, and its subscription's URL and secret
/// when it may still be delivered (active, owner still staff).
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub target: Option<(String, String)>,
}

/// Claims the next due delivery for one attempt (`db::outbox::claim_next!`): a lease
/// until `now + LEASE` and the attempt counted; `FOR UPDATE SKIP LOCKED` on PostgreSQL,
/// the write lock on SQLite.
pub fn claim_next(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Option<Claimed>> {
    claim_next!(
        conn,
        webhook_deliveries,
        delivered_at,
        now,
        |conn, delivery: Delivery| {
            let target = webhook_subscriptions::table
                .inner_join(users::table)
                .filter(s::id.eq(delivery.subscription_id))
                .filter(s::active.eq(true))
                .filter(users::role.eq_any([Role::Coordinator, Role::Admin]))
                .select((s::url, s::secret))
                .first::<(String, String)>(conn)
                .optional()?;
            Ok(Claimed { delivery, target })
        }
    )
}

/// Records a delivery the receiver accepted with `status`.
pub fn mark_delivered(
    conn: &mut DbConn,
    id: WebhookDeliveryId,
    status: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    mark_done!(
        conn,
        webhook_deliveries,
        delivered_at,
        id,
        now,
        d::last_status.eq(Some(status)),
        d::last_error.eq(None::<String>),
    )
}

/// Records a failed attempt (retried later, or given up), releasing the lease only while
/// it is still ours (`db::outbox::mark_failed!`).
pub fn mark_failed(
    conn: &mut DbConn,
    id: WebhookDeliveryId,
    leased_until: NaiveDateTime,
    status: Option<i32>,
    error: &str,
    after: AfterFailure,
) -> QueryResult<bool> {
    mark_failed!(
        conn,
        webhook_deliveries,
        delivered_at,
        id,
        leased_until,
        error,
        after,
        d::last_status.eq(status),
    )
}
