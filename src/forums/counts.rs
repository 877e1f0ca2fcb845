//! The counters kept on threads and communities.
//!
//! A new post or thread adds one, by increment, in its transaction; every write that
//! removes, hides or restores a post or a thread recomputes the thread's `reply_count` and
//! the community's `thread_count` in its transaction, so a count never disagrees with what
//! readers can see.
//!
//! Unread counts (issue 18) are differences of counters, never counts of posts: a thread
//! keeps how many of its posts are live (not deleted) and visible (neither deleted nor
//! hidden), and each reader's `thread_reads` row how many of those are at or before their
//! last read post. A new post has the highest id, so it is after every reader's mark: the
//! thread's counters go up by one and no reader's. Deleting, hiding or restoring a post
//! moves the thread's counters and, by the same amount, those of the readers whose mark is
//! at or after it ([`post_standing_changed`]), so hiding a post a reader has passed takes
//! it out of both sides of their difference. A mark's counts are the thread's less the
//! posts after it ([`mark_at`]): the posts' places (`seq`) say how many there are, and only
//! the deleted or hidden ones among them are read. The unread count of a reader who sees
//! hidden posts is `live_count - read_live`; of any other, `visible_count - read_visible`
//! plus their own hidden posts after their mark (they see those).

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{communities, posts, thread_reads, threads};
use crate::forums::model::{Post, Thread, ThreadChanges};
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

/// What a post adds to the unread counters: (live, visible).
fn standing(deleted: bool, hidden: bool) -> (i64, i64) {
    (i64::from(!deleted), i64::from(!deleted && !hidden))
}

/// `post` (as it was) is now `deleted` and `hidden`: its thread's counters and those of the
/// readers whose last read post is at or after it move by the difference, by increments;
/// nothing when its standing did not change (hiding a deleted post).
pub fn post_standing_changed(
    conn: &mut DbConn,
    post: &Post,
    deleted: bool,
    hidden: bool,
) -> QueryResult<()> {
    let (live, visible) = standing(post.deleted_at.is_some(), post.hidden_at.is_some());
    let (now_live, now_visible) = standing(deleted, hidden);
    let (dl, dv) = (now_live - live, now_visible - visible);
    if dl == 0 && dv == 0 {
        return Ok(());
    }
    diesel::update(threads::table.find(post.thread_id))
        .set((
            threads::live_count.eq(threads::live_count + dl),
            threads::visible_count.eq(threads::visible_count + dv),
        ))
        .execute(conn)?;
    diesel::update(
        thread_reads::table
            .filter(thread_reads::thread_id.eq(post.thread_id))
            .filter(thread_reads::last_read_post_id.ge(post.id)),
    )
    .set((
        thread_reads::read_live.eq(thread_reads::read_live + dl),
        thread_reads::read_visible.eq(thread_reads::read_visible + dv),
    ))
    .execute(conn)?;
    Ok(())
}

/// A reader's mark at a post: its id and how many of its thread's live and visible posts
/// are at or before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub post_id: PostId,
    pub read_live: i64,
    pub read_visible: i64,
}

/// The mark at post `post_id` (place `seq`) of `thread` (its counters as committed under
/// the thread's lock): the thread's counters less the posts after it, of which only the
/// deleted or hidden ones are read (`posts_unseen`), and none when the thread has none.
pub fn mark_at(conn: &mut DbConn, thread: &Thread, post_id: PostId, seq: i64) -> QueryResult<Mark> {
    let after = thread.post_count - seq;
    let (mut live_after, mut visible_after) = (after, after);
    if after > 0 && thread.visible_count < thread.post_count {
        let unseen: Vec<Option<chrono::NaiveDateTime>> = posts::table
            .filter(posts::thread_id.eq(thread.id))
            .filter(posts::id.gt(post_id))
            .filter(
                posts::deleted_at
                    .is_not_null()
                    .or(posts::hidden_at.is_not_null()),
            )
            .select(posts::deleted_at)
            .load(conn)?;
        for deleted in unseen {
            if deleted.is_some() {
                live_after -= 1;
            }
            visible_after -= 1;
        }
    }
    Ok(Mark {
        post_id,
        read_live: thread.live_count - live_after,
        read_visible: thread.visible_count - visible_after,
    })
}
