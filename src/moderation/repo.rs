//! What moderation reads and writes.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{moderation_log, post_flags, posts, threads, users};
use crate::db::{DbConn, any_of};
use crate::moderation::model::{
    Flag, FlagStatus, LogRow, NewFlag, PostState, QueuedFlag, ThreadState,
};
use crate::types::{CommunityId, FlagId, PostId, ThreadId, UserId};

/// The post `id` with its thread's deletion, if the post exists.
pub fn find_post(conn: &mut DbConn, id: PostId) -> QueryResult<Option<PostState>> {
    posts::table
        .inner_join(threads::table)
        .filter(posts::id.eq(id))
        .select((
            posts::id,
            posts::thread_id,
            posts::community_id,
            posts::author_id,
            posts::deleted_at,
            posts::hidden_at,
            threads::deleted_at,
        ))
        .first(conn)
        .optional()
}

/// The thread `id`, if it exists.
pub fn find_thread(conn: &mut DbConn, id: ThreadId) -> QueryResult<Option<ThreadState>> {
    threads::table
        .find(id)
        .select((threads::id, threads::community_id, threads::deleted_at))
        .first(conn)
        .optional()
}

/// Whether `reporter_id` has an open flag on `post_id`.
pub fn has_open_flag(conn: &mut DbConn, post_id: PostId, reporter_id: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        post_flags::table
            .filter(post_flags::post_id.eq(post_id))
            .filter(post_flags::reporter_id.eq(reporter_id))
            .filter(post_flags::status.eq(FlagStatus::Open)),
    ))
    .get_result(conn)
}

/// Inserts a flag.
pub fn insert_flag(conn: &mut DbConn, new: &NewFlag<'_>) -> QueryResult<Flag> {
    diesel::insert_into(post_flags::table)
        .values(new)
        .returning(post_flags::all_columns)
        .get_result(conn)
}

/// The flag `id`, if it exists.
pub fn find_flag(conn: &mut DbConn, id: FlagId) -> QueryResult<Option<Flag>> {
    post_flags::table
        .find(id)
        .select(Flag::as_select())
        .first(conn)
        .optional()
}

/// The open flags on a post.
pub fn open_flags_of_post(conn: &mut DbConn, post_id: PostId) -> QueryResult<Vec<Flag>> {
    post_flags::table
        .filter(post_flags::post_id.eq(post_id))
        .filter(post_flags::status.eq(FlagStatus::Open))
        .select(Flag::as_select())
        .order(post_flags::id.asc())
        .load(conn)
}

/// Closes the flags `ids` (those still open) with `status`.
pub fn resolve_flags(
    conn: &mut DbConn,
    ids: &[FlagId],
    status: FlagStatus,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        post_flags::table
            .filter(any_of(post_flags::id, ids.iter().copied()))
            .filter(post_flags::status.eq(FlagStatus::Open)),
    )
    .set((
        post_flags::status.eq(status),
        post_flags::resolved_by.eq(Some(by)),
        post_flags::resolved_at.eq(Some(at)),
    ))
    .execute(conn)
}

/// One page of a community's flags with `status`: ascending ids (oldest first) or
/// descending, after the id `after`.
pub fn list_flags(
    conn: &mut DbConn,
    community_id: CommunityId,
    status: FlagStatus,
    ascending: bool,
    after: Option<FlagId>,
    limit: i64,
) -> QueryResult<Vec<QueuedFlag>> {
    let mut query = post_flags::table
        .inner_join(posts::table)
        .filter(post_flags::community_id.eq(community_id))
        .filter(post_flags::status.eq(status))
        .select((
            Flag::as_select(),
            posts::thread_id,
            posts::author_id,
            posts::body,
            posts::hidden_at.is_not_null(),
        ))
        .limit(limit)
        .into_boxed();
    query = if ascending {
        if let Some(after) = after {
            query = query.filter(post_flags::id.gt(after));
        }
        query.order(post_flags::id.asc())
    } else {
        if let Some(after) = after {
            query = query.filter(post_flags::id.lt(after));
        }
        query.order(post_flags::id.desc())
    };
    let rows: Vec<(Flag, ThreadId, UserId, String, bool)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(flag, thread_id, author_id, body, hidden)| QueuedFlag {
            flag,
            thread_id,
            author_id,
            body,
            hidden,
        })
        .collect())
}

/// One page of a community's moderation log, newest first, before the id `before`.
pub fn list_log(
    conn: &mut DbConn,
    community_id: CommunityId,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<LogRow>> {
    let mut query = moderation_log::table
        .filter(moderation_log::community_id.eq(community_id))
        .select(LogRow::as_select())
        .order(moderation_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(moderation_log::id.lt(before));
    }
    query.load(conn)
}

/// The display names of `ids`.
pub fn display_names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<HashMap<UserId, String>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<(UserId, String)> = users::table
        .filter(any_of(users::id, ids.iter().copied()))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
