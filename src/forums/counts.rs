//! The counters kept on threads and communities, recomputed from the rows they count.
//!
//! Every write that adds, removes, hides or restores a post or a thread calls these in
//! its transaction, so a count never disagrees with what readers can see.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{communities, posts, threads};
use crate::error::ApiError;

/// Recomputes a thread's `reply_count` (replies not hidden, not deleted, the opening post
/// excluded) and `last_post_id` (highest post id, tombstones included: they keep their place).
pub fn recount_thread(conn: &mut DbConn, thread_id: i64) -> Result<(), ApiError> {
    let replies: i64 = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::is_first.eq(false))
        .filter(posts::deleted_at.is_null())
        .filter(posts::hidden_at.is_null())
        .count()
        .get_result(conn)?;
    let last: Option<i64> = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .select(diesel::dsl::max(posts::id))
        .first(conn)?;
    diesel::update(threads::table.find(thread_id))
        .set((
            threads::reply_count.eq(i32::try_from(replies).unwrap_or(i32::MAX)),
            threads::last_post_id.eq(last),
        ))
        .execute(conn)?;
    Ok(())
}

/// Recomputes a community's `thread_count` (threads not deleted).
pub fn recount_community(conn: &mut DbConn, community_id: i64) -> Result<(), ApiError> {
    let count: i64 = threads::table
        .filter(threads::community_id.eq(community_id))
        .filter(threads::deleted_at.is_null())
        .count()
        .get_result(conn)?;
    diesel::update(communities::table.find(community_id))
        .set(communities::thread_count.eq(i32::try_from(count).unwrap_or(i32::MAX)))
        .execute(conn)?;
    Ok(())
}
