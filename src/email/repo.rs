//! Queries on the outbox, including the claim that keeps two workers off one email.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::outbox::{AfterFailure, claim_next, mark_done, mark_failed};
use crate::db::schema::email_outbox::{self, dsl};
use crate::email::model::{NewOutboxEmail, OutboxEmail, OutboxId};

/// Adds an email to the outbox, inside the caller's transaction.
pub fn insert(conn: &mut DbConn, new: &NewOutboxEmail) -> QueryResult<OutboxId> {
    diesel::insert_into(email_outbox::table)
        .values(new)
        .returning(dsl::id)
        .get_result(conn)
        .map(OutboxId)
}

/// One email by id.
pub fn find(conn: &mut DbConn, id: OutboxId) -> QueryResult<OutboxEmail> {
    email_outbox::table
        .find(id.0)
        .select(OutboxEmail::as_select())
        .first(conn)
}

/// Every email, oldest first (for tests and operators; the outbox is not an API).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<OutboxEmail>> {
    email_outbox::table
        .order(dsl::id.asc())
        .select(OutboxEmail::as_select())
        .load(conn)
}

/// Claims the next due email for one delivery attempt (`db::outbox::claim_next!`): a
/// lease until `now + LEASE`, the attempt counted; `None` when nothing is due.
pub fn claim_next(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Option<OutboxEmail>> {
    claim_next!(
        conn,
        email_outbox,
        sent_at,
        now,
        |_c, email: OutboxEmail| Ok(email)
    )
}

/// Records a delivery. Returns whether the row changed (false if it was already sent).
///
/// Not conditional on the lease: the email has left, so it must never be sent again,
/// even if the lease ran out meanwhile.
pub fn mark_sent(conn: &mut DbConn, id: OutboxId, now: NaiveDateTime) -> QueryResult<bool> {
    mark_done!(conn, email_outbox, sent_at, id.0, now)
}

/// Records a failed attempt (retried later, or given up for good), releasing the lease
/// only while it is still ours (`db::outbox::mark_failed!`). Returns whether the row
/// changed.
pub fn mark_failed(
    conn: &mut DbConn,
    id: OutboxId,
    leased_until: NaiveDateTime,
    error: &str,
    after: AfterFailure,
) -> QueryResult<bool> {
    mark_failed!(
        conn,
        email_outbox,
        sent_at,
        id.0,
        leased_until,
        error,
        after
    )
}
