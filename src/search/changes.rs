//! Post search's change log (`search_changes`, written by triggers) and the instances that
//! apply it (`search_instances`): the queries, and the rule that prunes the log.
//!
//! Pruning: each instance reports, every [`REPORT_INTERVAL`], the last change its index holds
//! *on disk* (`position`: everything numbered up to it is applied and synced). A change is
//! deleted only when it is below the position of every instance heard from within
//! [`STALE_AFTER`]; the row at the lowest position is kept, so that the log never looks
//! empty (an empty log reads as "another database" to an index that holds changes). An
//! instance silent for longer is forgotten; when it comes back (a restart, a machine woken
//! up) and the log no longer holds the changes after its position, its index is rebuilt from
//! the database (at start: `SearchIndex::open`; while running: the report that finds its row
//! gone). Registering comes before that check, so a prune that runs meanwhile keeps what it
//! needs.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::DbConn;
use crate::db::schema::{search_changes, search_instances};

/// How often an instance reports its position and prunes.
pub const REPORT_INTERVAL: Duration = Duration::from_secs(60);
/// An instance not heard from for this long no longer holds the log back.
pub const STALE_AFTER: TimeDelta = TimeDelta::hours(1);
/// Rows deleted per statement (each in its own short write transaction).
pub const PRUNE_BATCH: i64 = 10_000;

/// One row of the log.
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct Change {
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    #[diesel(sql_type = BigInt)]
    pub post_id: i64,
}

/// Up to `limit` changes numbered after `seq`, in order.
pub fn after(conn: &mut DbConn, seq: i64, limit: i64) -> QueryResult<Vec<Change>> {
    diesel::sql_query(format!(
        "SELECT seq, post_id FROM search_changes WHERE seq > {seq} ORDER BY seq LIMIT {limit}"
    ))
    .load(conn)
}

/// The lowest and highest numbers in the log (0 when it is empty).
pub fn bounds(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    use diesel::dsl::{max, min};
    let (low, high) = search_changes::table
        .select((min(search_changes::seq), max(search_changes::seq)))
        .get_result::<(Option<i64>, Option<i64>)>(conn)?;
    Ok((low.unwrap_or(0), high.unwrap_or(0)))
}

/// Records that `instance` is alive and holds every change up to `position`; whether its
/// row was there (false: a new instance, or one forgotten for being silent too long).
pub fn report(
    conn: &mut DbConn,
    instance: &str,
    position: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(search_instances::table.find(instance))
        .set((
            search_instances::position.eq(position),
            search_instances::seen_at.eq(now),
        ))
        .execute(conn)?;
    if updated > 0 {
        return Ok(true);
    }
    diesel::insert_into(search_instances::table)
        .values((
            search_instances::instance.eq(instance),
            search_instances::position.eq(position),
            search_instances::seen_at.eq(now),
        ))
        .execute(conn)?;
    Ok(false)
}

/// Forgets `instance` (an instance that stops).
pub fn forget(conn: &mut DbConn, instance: &str) -> QueryResult<()> {
    diesel::delete(search_instances::table.find(instance)).execute(conn)?;
    Ok(())
}

/// Forgets the instances not heard from since `now - STALE_AFTER`, then deletes up to
/// `max_rows` of the oldest changes that every remaining instance is past (below the lowest
/// position; nothing when no instance remains). Returns the changes deleted.
pub fn prune(conn: &mut DbConn, now: NaiveDateTime, max_rows: i64) -> QueryResult<usize> {
    use diesel::dsl::min;
    diesel::delete(search_instances::table.filter(search_instances::seen_at.lt(now - STALE_AFTER)))
        .execute(conn)?;
    let Some(lowest) = search_instances::table
        .select(min(search_instances::position))
        .get_result::<Option<i64>>(conn)?
    else {
        return Ok(0);
    };
    let Some(first) = search_changes::table
        .select(min(search_changes::seq))
        .get_result::<Option<i64>>(conn)?
    else {
        return Ok(0);
    };
    let below = lowest.min(first.saturating_add(max_rows));
    if below <= first {
        return Ok(0);
    }
    diesel::delete(search_changes::table.filter(search_changes::seq.lt(below))).execute(conn)
}
