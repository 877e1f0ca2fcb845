//! What every outbox shares (emails, webhook deliveries, machine-translation jobs): the
//! lease a claim takes, what follows a failed attempt, and the claim itself.

use chrono::{NaiveDateTime, TimeDelta};

/// How long a claim holds a row. Delivery must finish well within it (the SMTP and HTTP
/// timeouts are far shorter); if a worker dies mid-delivery, the row becomes claimable
/// again when the lease runs out, so it is delayed, never lost.
pub const LEASE: TimeDelta = TimeDelta::seconds(60);

/// The lease a claimed row holds: its `locked_until`, which the claim set to `now + LEASE`
/// (else, for a row read some other way, when a claim at its due time would end), so that
/// a failure releases the lease only while it is still ours (`mark_failed!`).
pub fn lease_of(
    locked_until: Option<NaiveDateTime>,
    next_attempt_at: NaiveDateTime,
) -> NaiveDateTime {
    locked_until.unwrap_or(next_attempt_at + LEASE)
}

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy)]
pub enum AfterFailure {
    /// Try again at this time.
    RetryAt(NaiveDateTime),
    /// The receiver refused it for good at this time: never again.
    GiveUp(NaiveDateTime),
}

impl AfterFailure {
    /// The row's `next_attempt_at` and `failed_at` after the attempt.
    pub fn schedule(self) -> (NaiveDateTime, Option<NaiveDateTime>) {
        match self {
            Self::RetryAt(at) => (at, None),
            Self::GiveUp(at) => (at, Some(at)),
        }
    }
}

/// Claims the next due row of the outbox table `$table` for one attempt:
/// `QueryResult<Option<T>>`. A row is due while its column `$done` and `failed_at` are
/// null, `next_attempt_at` has come and no lease holds it; the oldest due first (every
/// outbox has its `…_due` index on these columns). The claim takes a lease on the row
/// until `$now + LEASE`, counts the attempt, and returns `$then` (a `QueryResult<T>`
/// over the claimed row `$row` of type `$ty` and the connection `$c`, inside the claim's
/// transaction).
///
/// Most polls find nothing: it looks first without a transaction, so that an idle worker
/// does not take SQLite's write lock every poll interval. Two claimers never get the same
/// row: on PostgreSQL it is locked with `FOR UPDATE SKIP LOCKED` (a concurrent claimer
/// moves on to the next row instead of waiting), on SQLite the whole claim runs under the
/// write lock (`BEGIN IMMEDIATE`).
macro_rules! claim_next {
    ($conn:expr, $table:ident, $done:ident, $now:expr, |$c:ident, $row:ident: $ty:ty| $then:expr) => {{
        use diesel::prelude::*;
        let conn: &mut $crate::db::DbConn = $conn;
        let now: chrono::NaiveDateTime = $now;
        let due = || {
            $table::table
                .filter($table::$done.is_null())
                .filter($table::failed_at.is_null())
                .filter($table::next_attempt_at.le(now))
                .filter(
                    $table::locked_until
                        .is_null()
                        .or($table::locked_until.lt(now)),
                )
                .order(($table::next_attempt_at.asc(), $table::id.asc()))
                .select($table::id)
        };
        if due().first::<i64>(conn).optional()?.is_none() {
            Ok(None)
        } else {
            $crate::db::write_transaction(conn, |$c: &mut $crate::db::DbConn| {
                let chosen: Option<i64> = match $c {
                    $crate::db::DbConn::Sqlite(c) => due().first(c).optional()?,
                    #[cfg(feature = "postgres")]
                    $crate::db::DbConn::Pg(c) => due()
                        .limit(1)
                        .for_update()
                        .skip_locked()
                        .get_result(c)
                        .optional()?,
                };
                let Some(id) = chosen else {
                    return Ok(None);
                };
                let $row: $ty = diesel::update($table::table.find(id))
                    .set((
                        $table::locked_until.eq(Some(now + $crate::db::outbox::LEASE)),
                        $table::attempts.eq($table::attempts + 1),
                    ))
                    // All columns rather than `as_returning()`, whose `SelectBy` is built
                    // for one backend and not for the multi-backend connection.
                    .returning($table::all_columns)
                    .get_result($c)?;
                $then.map(Some)
            })
        }
    }};
}
pub(crate) use claim_next;

/// Records row `$id` of the outbox table `$table` done at `$now` (its column `$done`),
/// with the table's own `$extra` assignments, releasing the lease: `QueryResult<bool>`,
/// whether the row changed (false if it was already done). Not conditional on the
/// lease: what was delivered must never be delivered again, even if the lease ran out
/// meanwhile.
macro_rules! mark_done {
    ($conn:expr, $table:ident, $done:ident, $id:expr, $now:expr $(, $extra:expr)* $(,)?) => {{
        use diesel::prelude::*;
        diesel::update($table::table.find($id).filter($table::$done.is_null()))
            .set((
                $table::$done.eq(Some($now)),
                $($extra,)*
                $table::locked_until.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute($conn)
            .map(|n| n == 1)
    }};
}
pub(crate) use mark_done;

/// Records a failed attempt at row `$id` of the outbox table `$table` (retried later, or
/// given up for good, as `$after` says), with `$error` and the table's own `$extra`
/// assignments, releasing the lease: `QueryResult<bool>`, whether the row changed. Only
/// while the row is not `$done` and the lease taken at `$leased_until` is still ours: if
/// it ran out and another worker claimed the row, that worker's lease is left alone.
macro_rules! mark_failed {
    ($conn:expr, $table:ident, $done:ident, $id:expr, $leased_until:expr, $error:expr, $after:expr $(, $extra:expr)* $(,)?) => {{
        use diesel::prelude::*;
        let (next_attempt_at, failed_at) = $crate::db::outbox::AfterFailure::schedule($after);
        diesel::update(
            $table::table
                .find($id)
                .filter($table::$done.is_null())
                .filter($table::locked_until.eq($leased_until)),
        )
        .set((
            $($extra,)*
            $table::last_error.eq(Some($error)),
            $table::next_attempt_at.eq(next_attempt_at),
            $table::failed_at.eq(failed_at),
            $table::locked_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute($conn)
        .map(|n| n == 1)
    }};
}
pub(crate) use mark_failed;
