//! The counters kept on threads and communities, recomputed from the rows they count.
//!
//! A new post or thread adds one, by increment, in its transaction; every write that
//! removes, hides or restores a post or a thread recomputes them in its transaction, so a
//! count never disagrees with what readers can see.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{communities, posts, threads};
use crate::forums::model::{Thread, ThreadChanges};
use crate::types::{CommunityId, PostId, ThreadId};

/// A thread's counters as its posts make them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// Replies not hidden, not deleted, the opening post excluded.
    pub reply_count: i32,
    /// The highest post id, tombstones included: they keep their place.
    pub last_post_id: Option<PostId>,
}

impl Counters {
    /// Adds to `changes` the counters that differ from `thread`'s.
    pub fn apply(self, thread: &Thread, changes: &mut ThreadChanges) {
        if self.reply_count != thread.reply_count {
            changes.reply_count = Some(self.reply_count);
        }
        if self.last_post_id != thread.last_post_id {
            changes.last_post_id = Some(self.last_post_id);
        }
    }
}

/// Counts a thread's posts.
pub fn thread_counters(conn: &mut DbConn, thread_id: ThreadId) -> QueryResult<Counters> {
    let replies: i64 = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::is_first.eq(false))
        .filter(posts::deleted_at.is_null())
        .filter(posts::hidden_at.is_null())
        .count()
        .get_result(conn)?;
    let last: Option<PostId> = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .select(diesel::dsl::max(posts::id))
        .first(conn)?;
    Ok(Counters {
        reply_count: i32::try_from(replies).unwrap_or(i32::MAX),
        last_post_id: last,
    })
}

/// Recomputes a community's `thread_count` (threads not deleted). A counter, not a change
/// of the community: its version stays.
pub fn recount_community(conn: &mut DbConn, community_id: CommunityId) -> QueryResult<()> {
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

/// One more thread in a community's `thread_count`: an increment, where a new thread is
/// added (a recount would read every thread of the community inside the write lock).
pub fn add_thread(conn: &mut DbConn, community_id: CommunityId) -> QueryResult<()> {
    diesel::update(communities::table.find(community_id))
        .set(communities::thread_count.eq(communities::thread_count + 1))
        .execute(conn)?;
    Ok(())
}
