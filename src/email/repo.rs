//! Queries on the outbox, including the claim that keeps two workers off one email.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::schema::email_outbox::{self, dsl};
use crate::db::{DbConn, write_transaction};
use crate::email::model::{NewOutboxEmail, OutboxEmail, OutboxId};

/// How long a claim holds an email. Delivery must finish well within it (the SMTP
/// timeout is far shorter); if a worker dies mid-delivery, the email becomes claimable
/// again when the lease runs out, so it is delayed, never lost.
pub const LEASE: TimeDelta = TimeDelta::seconds(60);

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

/// Emails waiting to be sent, oldest due first; served by the `email_outbox_due` index.
#[diesel::dsl::auto_type]
fn due(now: NaiveDateTime) -> _ {
    email_outbox::table
        .filter(dsl::sent_at.is_null())
        .filter(dsl::failed_at.is_null())
        .filter(dsl::next_attempt_at.le(now))
        .filter(dsl::locked_until.is_null().or(dsl::locked_until.lt(now)))
        .order((dsl::next_attempt_at.asc(), dsl::id.asc()))
        .select(dsl::id)
}

/// Claims the next due email for one delivery attempt: takes a lease on it until
/// `now + LEASE` and counts the attempt. Returns `None` when nothing is due.
///
/// Two claimers never get the same email: on PostgreSQL the row is locked with
/// `FOR UPDATE SKIP LOCKED` (a concurrent claimer moves on to the next row instead of
/// waiting), on SQLite the whole claim runs under the database's write lock.
pub fn claim_next(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Option<OutboxEmail>> {
    // Most polls find nothing: look first without a transaction, so that an idle worker
    // does not take SQLite's write lock every poll interval.
    if due(now).first::<i64>(conn).optional()?.is_none() {
        return Ok(None);
    }
    write_transaction(conn, |conn| {
        let chosen: Option<i64> = match conn {
            // BEGIN IMMEDIATE already holds the write lock: no other claim can interleave.
            DbConn::Sqlite(c) => due(now).first(c).optional()?,
            #[cfg(feature = "postgres")]
            DbConn::Pg(c) => due(now)
                .limit(1)
                .for_update()
                .skip_locked()
                .get_result(c)
                .optional()?,
        };
        let Some(id) = chosen else {
            return Ok(None);
        };
        diesel::update(email_outbox::table.find(id))
            .set((
                dsl::locked_until.eq(Some(now + LEASE)),
                dsl::attempts.eq(dsl::attempts + 1),
            ))
            // All columns rather than `as_returning()`, whose `SelectBy` is built for one
            // backend and not for the multi-backend connection.
            .returning(email_outbox::all_columns)
            .get_result(conn)
            .map(Some)
    })
}

/// Records a delivery. Returns whether the row changed (false if it was already sent).
///
/// Not conditional on the lease: the email has left, so it must never be sent again,
/// even if the lease ran out meanwhile.
pub fn mark_sent(conn: &mut DbConn, id: OutboxId, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        email_outbox::table
            .find(id.0)
            .filter(dsl::sent_at.is_null()),
    )
    .set((
        dsl::sent_at.eq(Some(now)),
        dsl::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy)]
pub enum AfterFailure {
    /// Try again at this time.
    RetryAt(NaiveDateTime),
    /// The mail server refused it for good at this time: never again.
    GiveUp(NaiveDateTime),
}

/// Records a failed attempt (retried later, or given up for good), releasing the lease.
/// Only while the lease taken at `leased_until` is still ours: if it ran out and another
/// worker claimed the email, that worker's lease is left alone. Returns whether the row
/// changed.
pub fn mark_failed(
    conn: &mut DbConn,
    id: OutboxId,
    leased_until: NaiveDateTime,
    error: &str,
    after: AfterFailure,
) -> QueryResult<bool> {
    let (next_attempt_at, failed_at) = match after {
        AfterFailure::RetryAt(at) => (at, None),
        AfterFailure::GiveUp(at) => (at, Some(at)),
    };
    diesel::update(
        email_outbox::table
            .find(id.0)
            .filter(dsl::sent_at.is_null())
            .filter(dsl::locked_until.eq(leased_until)),
    )
    .set((
        dsl::last_error.eq(Some(error)),
        dsl::next_attempt_at.eq(next_attempt_at),
        dsl::failed_at.eq(failed_at),
        dsl::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}
