//! What moderation reads and writes.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{moderation_log, post_flags, posts, threads, users};

/// A post with what moderation needs to know of it and its thread.
#[derive(Debug, Clone, Queryable)]
pub struct PostState {
    pub id: i64,
    pub thread_id: i64,
    pub community_id: i64,
    pub author_id: i64,
    pub deleted_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub thread_deleted_at: Option<NaiveDateTime>,
}

/// A thread's moderation flags.
#[derive(Debug, Clone, Queryable)]
pub struct ThreadState {
    pub id: i64,
    pub community_id: i64,
    pub pinned: bool,
    pub locked: bool,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A row of `post_flags`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = post_flags)]
pub struct Flag {
    pub id: i64,
    pub post_id: i64,
    pub community_id: i64,
    pub reporter_id: i64,
    pub reason: String,
    pub note: Option<String>,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<NaiveDateTime>,
}

/// A new flag.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = post_flags)]
pub struct NewFlag<'a> {
    pub post_id: i64,
    pub community_id: i64,
    pub reporter_id: i64,
    pub reason: &'a str,
    pub note: Option<&'a str>,
    pub status: &'a str,
    pub created_at: NaiveDateTime,
}

/// A flag in the queue with its post.
#[derive(Debug, Clone)]
pub struct QueuedFlag {
    pub flag: Flag,
    pub thread_id: i64,
    pub author_id: i64,
    pub body: String,
    pub hidden: bool,
}

/// A row of `moderation_log`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_log)]
pub struct LogRow {
    pub id: i64,
    pub community_id: i64,
    pub moderator_id: i64,
    pub action: String,
    pub target_user_id: Option<i64>,
    pub thread_id: Option<i64>,
    pub post_id: Option<i64>,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The post `id` with its thread's deletion, if the post exists.
pub fn find_post(conn: &mut DbConn, id: i64) -> QueryResult<Option<PostState>> {
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

/// Locks the post's row until the transaction ends (PostgreSQL; SQLite write transactions
/// already hold the database), so two flags or two decisions cannot race.
#[cfg_attr(
    not(feature = "postgres"),
    expect(unused_variables, reason = "only PostgreSQL locks single rows")
)]
pub fn lock_post(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(_) => Ok(()),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => {
            posts::table
                .find(id)
                .select(posts::id)
                .for_update()
                .first::<i64>(pg)
                .optional()?;
            Ok(())
        }
    }
}

/// The thread `id`, if it exists.
pub fn find_thread(conn: &mut DbConn, id: i64) -> QueryResult<Option<ThreadState>> {
    threads::table
        .find(id)
        .select((
            threads::id,
            threads::community_id,
            threads::pinned,
            threads::locked,
            threads::deleted_at,
        ))
        .first(conn)
        .optional()
}

/// Sets a thread's `locked` flag.
pub fn set_locked(conn: &mut DbConn, id: i64, locked: bool) -> QueryResult<usize> {
    diesel::update(threads::table.find(id))
        .set(threads::locked.eq(locked))
        .execute(conn)
}

/// Sets a thread's `pinned` flag.
pub fn set_pinned(conn: &mut DbConn, id: i64, pinned: bool) -> QueryResult<usize> {
    diesel::update(threads::table.find(id))
        .set(threads::pinned.eq(pinned))
        .execute(conn)
}

/// Hides a post (`Some(by, at)`) or restores it (`None`).
pub fn set_hidden(
    conn: &mut DbConn,
    id: i64,
    hidden: Option<(i64, NaiveDateTime)>,
) -> QueryResult<usize> {
    diesel::update(posts::table.find(id))
        .set((
            posts::hidden_at.eq(hidden.map(|(_, at)| at)),
            posts::hidden_by.eq(hidden.map(|(by, _)| by)),
        ))
        .execute(conn)
}

/// Whether `reporter_id` has an open flag on `post_id`.
pub fn has_open_flag(conn: &mut DbConn, post_id: i64, reporter_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        post_flags::table
            .filter(post_flags::post_id.eq(post_id))
            .filter(post_flags::reporter_id.eq(reporter_id))
            .filter(post_flags::status.eq("open")),
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
pub fn find_flag(conn: &mut DbConn, id: i64) -> QueryResult<Option<Flag>> {
    post_flags::table
        .find(id)
        .select(Flag::as_select())
        .first(conn)
        .optional()
}

/// The open flags on a post.
pub fn open_flags_of_post(conn: &mut DbConn, post_id: i64) -> QueryResult<Vec<Flag>> {
    post_flags::table
        .filter(post_flags::post_id.eq(post_id))
        .filter(post_flags::status.eq("open"))
        .select(Flag::as_select())
        .order(post_flags::id.asc())
        .load(conn)
}

/// Closes the flags `ids` (those still open) with `status`.
pub fn resolve_flags(
    conn: &mut DbConn,
    ids: &[i64],
    status: &str,
    by: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        post_flags::table
            .filter(post_flags::id.eq_any(ids.to_vec()))
            .filter(post_flags::status.eq("open")),
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
    community_id: i64,
    status: &str,
    ascending: bool,
    after: Option<i64>,
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
    let rows: Vec<(Flag, i64, i64, String, bool)> = query.load(conn)?;
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
    community_id: i64,
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
pub fn display_names(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<(i64, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
