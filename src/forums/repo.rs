//! The forums' queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Role;
use crate::auth::policy::community::Access;
use crate::communities::model::{CommunityRole, MemberStatus, Visibility};
use crate::communities::repo as communities_repo;
use crate::db::schema::{
    communities, community_members, post_reactions, post_resources, post_revisions, posts,
    thread_reads, thread_tags, threads, users,
};
use crate::db::sql::Sql;
use crate::db::{self, DbConn, any_of};
use crate::forums::counts::Mark;
use crate::forums::model::{
    NewPost, NewRevision, NewThread, Post, PostChanges, ReactionKind, Thread, ThreadChanges,
    ThreadKind,
};
use crate::types::{CommunityId, PostId, ResourceId, ThreadId, UserId};

/// A reader's `thread_reads` row: (last read post, live posts at or before it, visible
/// posts at or before it); see `counts`.
pub type ReadRow = (PostId, i64, i64);
/// A thread with its author's name and the reader's read state.
pub type ThreadRow = (Thread, String, Option<ReadRow>);
/// A post with its author's name.
pub type PostRow = (Post, String);
/// An earlier version: (id, body, written_at, replaced_at, editor id, editor name).
pub type RevisionRow = (i64, String, NaiveDateTime, NaiveDateTime, UserId, String);

/// Filters and position of a thread list page.
#[derive(Debug, Clone)]
pub struct ThreadFilter {
    pub community_id: CommunityId,
    pub kind: Option<ThreadKind>,
    pub tag: Option<String>,
    /// (pinned, last activity, id) of the last row of the previous page.
    pub after: Option<(bool, NaiveDateTime, ThreadId)>,
    pub limit: i64,
}

/// One page of a community's live threads: pinned first, then by last activity, newest
/// first (keyset over `threads_activity`), with author names and `reader`'s read state.
pub fn list_threads(
    conn: &mut DbConn,
    filter: &ThreadFilter,
    reader: Option<UserId>,
) -> QueryResult<Vec<ThreadRow>> {
    let mut q = threads::table
        .inner_join(users::table.on(users::id.eq(threads::author_id)))
        .left_join(
            thread_reads::table.on(thread_reads::thread_id
                .eq(threads::id)
                .and(thread_reads::user_id.eq(reader.unwrap_or(UserId(0))))),
        )
        .filter(threads::community_id.eq(filter.community_id))
        .filter(threads::deleted_at.is_null())
        .select((
            Thread::as_select(),
            users::display_name,
            (
                thread_reads::last_read_post_id,
                thread_reads::read_live,
                thread_reads::read_visible,
            )
                .nullable(),
        ))
        .into_boxed();
    if let Some(kind) = filter.kind {
        q = q.filter(threads::kind.eq(kind));
    }
    if let Some(tag) = &filter.tag {
        q = q.filter(
            threads::id.eq_any(
                thread_tags::table
                    .filter(thread_tags::tag.eq(tag.clone()))
                    .select(thread_tags::thread_id),
            ),
        );
    }
    if let Some((pinned, at, id)) = filter.after {
        let later = threads::last_activity_at
            .lt(at)
            .or(threads::last_activity_at.eq(at).and(threads::id.lt(id)));
        q = if pinned {
            q.filter(
                threads::pinned
                    .eq(false)
                    .or(threads::pinned.eq(true).and(later)),
            )
        } else {
            q.filter(threads::pinned.eq(false).and(later))
        };
    }
    q.order((
        threads::pinned.desc(),
        threads::last_activity_at.desc(),
        threads::id.desc(),
    ))
    .limit(filter.limit)
    .load(conn)
}

/// One thread (deleted ones included) with its author's name and `reader`'s read state.
pub fn thread_row(
    conn: &mut DbConn,
    id: ThreadId,
    reader: Option<UserId>,
) -> QueryResult<ThreadRow> {
    threads::table
        .inner_join(users::table.on(users::id.eq(threads::author_id)))
        .left_join(
            thread_reads::table.on(thread_reads::thread_id
                .eq(threads::id)
                .and(thread_reads::user_id.eq(reader.unwrap_or(UserId(0))))),
        )
        .filter(threads::id.eq(id))
        .select((
            Thread::as_select(),
            users::display_name,
            (
                thread_reads::last_read_post_id,
                thread_reads::read_live,
                thread_reads::read_visible,
            )
                .nullable(),
        ))
        .first(conn)
}

/// A thread, deleted or not.
pub fn find_thread(conn: &mut DbConn, id: ThreadId) -> QueryResult<Option<Thread>> {
    threads::table
        .find(id)
        .select(Thread::as_select())
        .first(conn)
        .optional()
}

/// Whether a read of a thread holds its row until the transaction ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// A read only.
    Nothing,
    /// The thread's row, as `db::lock_row` holds it, taken by the read itself (PostgreSQL:
    /// `FOR UPDATE OF threads`, one statement where the lock and the read were two).
    Row,
}

/// The statement of [`thread_with_access`], once for each backend that runs it.
macro_rules! thread_access_query {
    ($id:expr, $user_id:expr) => {
        threads::table
            .inner_join(communities::table.on(communities::id.eq(threads::community_id)))
            .left_join(community_members::table.on(communities_repo::membership_on($user_id)))
            .filter(threads::id.eq($id))
            .select((
                Thread::as_select(),
                communities::visibility,
                (community_members::role, community_members::status).nullable(),
            ))
    };
}

/// A thread, deleted or not, with the access of `viewer` to its community: one statement
/// (`communities::repo::access`'s, extended by the thread), which holds the thread's row
/// when `hold` asks.
#[cfg_attr(
    not(feature = "postgres"),
    expect(unused_variables, reason = "only PostgreSQL holds single rows")
)]
pub fn thread_with_access(
    conn: &mut DbConn,
    id: ThreadId,
    viewer: Option<(UserId, Role)>,
    hold: Hold,
) -> QueryResult<Option<(Thread, Access)>> {
    type Row = (Thread, Visibility, Option<(CommunityRole, MemberStatus)>);
    let user_id = viewer.map_or(UserId(0), |(user_id, _)| user_id);
    let found: Option<Row> = match conn {
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) if hold == Hold::Row => {
            db::for_update_of(thread_access_query!(id, user_id), "threads")
                .get_result(pg)
                .optional()?
        }
        // SQLite's write transaction holds the whole database.
        _ => thread_access_query!(id, user_id).first(conn).optional()?,
    };
    Ok(found.map(|(thread, visibility, membership)| {
        let access =
            communities_repo::access_from(thread.community_id, visibility, viewer, membership);
        (thread, access)
    }))
}

/// A post, deleted or not.
pub fn find_post(conn: &mut DbConn, id: PostId) -> QueryResult<Option<Post>> {
    posts::table
        .find(id)
        .select(Post::as_select())
        .first(conn)
        .optional()
}

/// `reader`'s own posts that are hidden (not deleted) in `thread_ids`: (thread, post). They
/// count as unread for their author, who sees them (`posts_own_hidden`: only these rows).
pub fn own_hidden(
    conn: &mut DbConn,
    reader: UserId,
    thread_ids: &[ThreadId],
) -> QueryResult<Vec<(ThreadId, PostId)>> {
    posts::table
        .filter(posts::author_id.eq(reader))
        .filter(any_of(posts::thread_id, thread_ids.iter().copied()))
        .filter(
            posts::hidden_at
                .is_not_null()
                .and(posts::deleted_at.is_null()),
        )
        .select((posts::thread_id, posts::id))
        .load(conn)
}

/// The first post `reader` has not read (not deleted, visible to them).
pub fn first_unread(
    conn: &mut DbConn,
    thread_id: ThreadId,
    reader: UserId,
    after: Option<PostId>,
    see_hidden: bool,
) -> QueryResult<Option<PostId>> {
    let mut q = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::deleted_at.is_null())
        .filter(posts::id.gt(after.unwrap_or(PostId(0))))
        .select(posts::id)
        .order(posts::id.asc())
        .into_boxed();
    if !see_hidden {
        q = q.filter(posts::hidden_at.is_null().or(posts::author_id.eq(reader)));
    }
    q.first(conn).optional()
}

/// A page of a thread's posts by id, with author names. `viewer`'s hidden posts are
/// included; others' hidden ones only when `see_hidden`.
pub fn list_posts(
    conn: &mut DbConn,
    thread_id: ThreadId,
    from: Option<PostId>,
    after: Option<PostId>,
    viewer: Option<UserId>,
    see_hidden: bool,
    limit: i64,
) -> QueryResult<Vec<PostRow>> {
    let mut q = posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::thread_id.eq(thread_id))
        .select((Post::as_select(), users::display_name))
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(posts::id.gt(after));
    } else if let Some(from) = from {
        q = q.filter(posts::id.ge(from));
    }
    if !see_hidden {
        q = q.filter(
            posts::hidden_at
                .is_null()
                .or(posts::author_id.eq(viewer.unwrap_or(UserId(0)))),
        );
    }
    q.order(posts::id.asc()).limit(limit).load(conn)
}

/// Posts by id with their authors' names.
pub fn post_rows(conn: &mut DbConn, ids: &[PostId]) -> QueryResult<Vec<PostRow>> {
    posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .select((Post::as_select(), users::display_name))
        .filter(any_of(posts::id, ids.iter().copied()))
        .load(conn)
}

/// `user_id`'s reactions among `post_ids`: (post id, kind).
pub fn reactions_of(
    conn: &mut DbConn,
    user_id: UserId,
    post_ids: &[PostId],
) -> QueryResult<Vec<(PostId, ReactionKind)>> {
    post_reactions::table
        .filter(post_reactions::user_id.eq(user_id))
        .filter(any_of(post_reactions::post_id, post_ids.iter().copied()))
        .select((post_reactions::post_id, post_reactions::kind))
        .load(conn)
}

/// Display names of accounts that are not deleted.
pub fn names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(any_of(users::id, ids.iter().copied()))
        .filter(users::deleted_at.is_null())
        .select((users::id, users::display_name))
        .load(conn)
}

/// Display names of active accounts (who may be mentioned).
pub fn active_names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(any_of(users::id, ids.iter().copied()))
        .filter(users::deleted_at.is_null())
        .filter(users::status.eq("active"))
        .select((users::id, users::display_name))
        .load(conn)
}

/// A community's id, name and slug.
pub fn community_ref(
    conn: &mut DbConn,
    id: CommunityId,
) -> QueryResult<(CommunityId, String, String)> {
    communities::table
        .find(id)
        .select((communities::id, communities::name, communities::slug))
        .first(conn)
}

/// Inserts a thread.
pub fn insert_thread(conn: &mut DbConn, new: &NewThread) -> QueryResult<Thread> {
    diesel::insert_into(threads::table)
        .values(new)
        .returning(threads::all_columns)
        .get_result(conn)
}

/// Inserts a post.
pub fn insert_post(conn: &mut DbConn, new: &NewPost) -> QueryResult<Post> {
    diesel::insert_into(posts::table)
        .values(new)
        .returning(posts::all_columns)
        .get_result(conn)
}

/// Replaces a thread's tags (the `thread_tags` rows and the column), without bumping its
/// version: the change that sets them does.
pub fn set_tags(conn: &mut DbConn, thread_id: ThreadId, tags: &[String]) -> QueryResult<()> {
    diesel::delete(thread_tags::table.filter(thread_tags::thread_id.eq(thread_id)))
        .execute(conn)?;
    // One row at a time: batch inserts from a Vec do not work on the MultiConnection.
    for tag in tags {
        diesel::insert_into(thread_tags::table)
            .values((
                thread_tags::thread_id.eq(thread_id),
                thread_tags::tag.eq(tag),
            ))
            .execute(conn)?;
    }
    diesel::update(threads::table.find(thread_id))
        .set(threads::tags.eq(tags.join(",")))
        .execute(conn)?;
    Ok(())
}

/// Stores an earlier version of a post.
pub fn insert_revision(conn: &mut DbConn, new: &NewRevision) -> QueryResult<()> {
    diesel::insert_into(post_revisions::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// A page of a post's earlier versions, newest first, with editor names.
pub fn revisions(
    conn: &mut DbConn,
    post_id: PostId,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<RevisionRow>> {
    let mut q = post_revisions::table
        .inner_join(users::table.on(users::id.eq(post_revisions::editor_id)))
        .filter(post_revisions::post_id.eq(post_id))
        .select((
            post_revisions::id,
            post_revisions::body,
            post_revisions::written_at,
            post_revisions::replaced_at,
            users::id,
            users::display_name,
        ))
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(post_revisions::id.lt(before));
    }
    q.order(post_revisions::id.desc()).limit(limit).load(conn)
}

/// Adds a reaction unless it exists; whether it was added.
pub fn add_reaction(
    conn: &mut DbConn,
    post_id: PostId,
    user_id: UserId,
    kind: ReactionKind,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let values = (
        post_reactions::post_id.eq(post_id),
        post_reactions::user_id.eq(user_id),
        post_reactions::kind.eq(kind),
        post_reactions::created_at.eq(at),
    );
    let n = db::insert_or_ignore!(conn, post_reactions::table, values)?;
    Ok(n > 0)
}

/// Removes a reaction; whether there was one.
pub fn remove_reaction(
    conn: &mut DbConn,
    post_id: PostId,
    user_id: UserId,
    kind: ReactionKind,
) -> QueryResult<bool> {
    let n = diesel::delete(
        post_reactions::table
            .filter(post_reactions::post_id.eq(post_id))
            .filter(post_reactions::user_id.eq(user_id))
            .filter(post_reactions::kind.eq(kind)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// Recomputes `post`'s counter of reactions of `kind` from the reactions: a change of the
/// post (see [`update_post`]).
pub fn recount_reactions(conn: &mut DbConn, post: &Post, kind: ReactionKind) -> QueryResult<()> {
    let n: i64 = post_reactions::table
        .filter(post_reactions::post_id.eq(post.id))
        .filter(post_reactions::kind.eq(kind))
        .count()
        .get_result(conn)?;
    let n = i32::try_from(n).unwrap_or(i32::MAX);
    let target = posts::table.find(post.id);
    let bump = posts::version.eq(posts::version + 1);
    match kind {
        ReactionKind::Like => diesel::update(target)
            .set((posts::like_count.eq(n), bump))
            .execute(conn)?,
        ReactionKind::Thanks => diesel::update(target)
            .set((posts::thanks_count.eq(n), bump))
            .execute(conn)?,
        ReactionKind::Insightful => diesel::update(target)
            .set((posts::insightful_count.eq(n), bump))
            .execute(conn)?,
    };
    opening_post_changed(conn, post)
}

/// [`advance_read`]'s statement: binds the thread, the reader, the mark's post, `at`, the
/// mark's two counts.
macro_rules! advance_read_sql {
    () => {
        "INSERT INTO thread_reads \
         (thread_id, user_id, last_read_post_id, updated_at, read_live, read_visible) \
         VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (user_id, thread_id) DO UPDATE SET \
         last_read_post_id = excluded.last_read_post_id, updated_at = excluded.updated_at, \
         read_live = excluded.read_live, read_visible = excluded.read_visible \
         WHERE thread_reads.last_read_post_id < excluded.last_read_post_id"
    };
}

/// Binds [`advance_read_sql`]'s values.
fn bind_read(sql: Sql, thread_id: ThreadId, user_id: UserId, mark: Mark, at: NaiveDateTime) -> Sql {
    sql.bind_i64(thread_id.get())
        .bind_i64(user_id.get())
        .bind_i64(mark.post_id.get())
        .bind_timestamp(at)
        .bind_i64(mark.read_live)
        .bind_i64(mark.read_visible)
}

/// Moves `user_id`'s read state in a thread forward to `mark` (never back), with the
/// mark's counts (`counts::mark_at`): one upsert, a statement each connection keeps
/// (`db::sql`; diesel prepares every `UPDATE` anew).
pub fn advance_read(
    conn: &mut DbConn,
    thread_id: ThreadId,
    user_id: UserId,
    mark: Mark,
    at: NaiveDateTime,
) -> QueryResult<()> {
    bind_read(Sql::new(advance_read_sql!()), thread_id, user_id, mark, at).execute(conn)?;
    Ok(())
}

/// `user_id`'s last read post in a thread.
pub fn last_read(
    conn: &mut DbConn,
    thread_id: ThreadId,
    user_id: UserId,
) -> QueryResult<Option<PostId>> {
    thread_reads::table
        .find((user_id, thread_id))
        .select(thread_reads::last_read_post_id)
        .first(conn)
        .optional()
}

/// How far behind its latest post a community's `last_activity_at` may be.
pub const ACTIVITY_STEP: chrono::TimeDelta = chrono::TimeDelta::seconds(1);

/// [`touch_community`]'s statement: binds `at`, the community, `at` − [`ACTIVITY_STEP`].
macro_rules! touch_community_sql {
    () => {
        "UPDATE communities SET last_activity_at = ? \
         WHERE id = ? AND (last_activity_at IS NULL OR last_activity_at < ?)"
    };
}

/// [`record_reply`]'s statement for the thread: binds the post, `at` twice, the thread.
macro_rules! record_reply_sql {
    () => {
        "UPDATE threads SET post_count = post_count + 1, live_count = live_count + 1, \
         visible_count = visible_count + 1, reply_count = reply_count + 1, \
         last_post_id = ?, last_activity_at = ?, updated_at = ?, version = version + 1 \
         WHERE id = ?"
    };
}

/// Binds [`touch_community_sql`]'s values.
fn bind_touch(sql: Sql, id: CommunityId, at: NaiveDateTime) -> Sql {
    sql.bind_timestamp(at)
        .bind_i64(id.get())
        .bind_timestamp(at - ACTIVITY_STEP)
}

/// Moves a community's last activity to `at`, when what it holds is older by more than
/// [`ACTIVITY_STEP`] (or nothing): every post of a community would otherwise update, and
/// so lock until its commit, that one row. On PostgreSQL the replies to one community
/// waited for each other there (most of a busy community's posting time). A post that
/// finds the row locked by one that moves it waits for that commit once, then finds it
/// recent and leaves it.
pub fn touch_community(conn: &mut DbConn, id: CommunityId, at: NaiveDateTime) -> QueryResult<()> {
    bind_touch(Sql::new(touch_community_sql!()), id, at).execute(conn)?;
    Ok(())
}

/// A reply just written, for [`record_reply`].
#[derive(Debug, Clone, Copy)]
pub struct Reply {
    pub thread: ThreadId,
    pub community: CommunityId,
    pub post: PostId,
    pub author: UserId,
    /// The author's read mark: the reply, the last post.
    pub mark: Mark,
    pub at: NaiveDateTime,
}

/// What a reply changes besides its post: its (locked) thread, every count one more (a new
/// post is visible and the last), its activity and a new version; its author's read mark
/// ([`advance_read`]); its community's activity ([`touch_community`]). Statements each
/// connection keeps (`db::sql`; diesel prepares every `UPDATE` anew), where
/// [`update_thread`]'s depends on the changes: on PostgreSQL one (the thread's update and
/// the mark in a `WITH`), two round trips fewer; on SQLite, in the process, three.
pub fn record_reply(conn: &mut DbConn, reply: &Reply) -> QueryResult<()> {
    let bind_thread = |sql: Sql| {
        sql.bind_i64(reply.post.get())
            .bind_timestamp(reply.at)
            .bind_timestamp(reply.at)
            .bind_i64(reply.thread.get())
    };
    let bind_mark = |sql| bind_read(sql, reply.thread, reply.author, reply.mark, reply.at);
    match conn {
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => {
            let sql = concat!(
                "WITH reply AS (",
                record_reply_sql!(),
                "), mark AS (",
                advance_read_sql!(),
                ") ",
                touch_community_sql!()
            );
            let sql = bind_mark(bind_thread(Sql::new(sql)));
            bind_touch(sql, reply.community, reply.at).execute(conn)?;
            Ok(())
        }
        DbConn::Sqlite(_) => {
            bind_thread(Sql::new(record_reply_sql!())).execute(conn)?;
            bind_mark(Sql::new(advance_read_sql!())).execute(conn)?;
            touch_community(conn, reply.community, reply.at)
        }
    }
}

/// Changes a thread and bumps its version; nothing at all when `changes` is empty.
pub fn update_thread(conn: &mut DbConn, id: ThreadId, changes: &ThreadChanges) -> QueryResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    diesel::update(threads::table.find(id))
        .set((changes, threads::version.eq(threads::version + 1)))
        .execute(conn)?;
    Ok(())
}

/// Bumps a thread's version: what its answer shows changed elsewhere (its opening post).
pub fn bump_thread(conn: &mut DbConn, id: ThreadId) -> QueryResult<()> {
    diesel::update(threads::table.find(id))
        .set(threads::version.eq(threads::version + 1))
        .execute(conn)?;
    Ok(())
}

/// A thread's answer shows its opening post: a change of that post is a change of the
/// thread.
fn opening_post_changed(conn: &mut DbConn, post: &Post) -> QueryResult<()> {
    if post.is_first {
        bump_thread(conn, post.thread_id)?;
    }
    Ok(())
}

/// Changes `post` and bumps its version (and its thread's, for an opening post); nothing at
/// all when `changes` is empty.
pub fn update_post(conn: &mut DbConn, post: &Post, changes: &PostChanges) -> QueryResult<()> {
    if *changes == PostChanges::default() {
        return Ok(());
    }
    diesel::update(posts::table.find(post.id))
        .set((changes, posts::version.eq(posts::version + 1)))
        .execute(conn)?;
    opening_post_changed(conn, post)
}

/// Bumps a post's version: what its answer shows changed elsewhere (whether it is its
/// thread's accepted answer).
pub fn bump_post(conn: &mut DbConn, id: PostId) -> QueryResult<()> {
    diesel::update(posts::table.find(id))
        .set(posts::version.eq(posts::version + 1))
        .execute(conn)?;
    Ok(())
}

/// Forgets a post's earlier versions.
pub fn delete_revisions(conn: &mut DbConn, post_id: PostId) -> QueryResult<()> {
    diesel::delete(post_revisions::table.filter(post_revisions::post_id.eq(post_id)))
        .execute(conn)?;
    Ok(())
}

/// (post, resource) of the library resources some posts embed, in each post's order.
pub fn post_resources(
    conn: &mut DbConn,
    posts: &[PostId],
) -> QueryResult<Vec<(PostId, ResourceId)>> {
    post_resources::table
        .filter(any_of(post_resources::post_id, posts.iter().copied()))
        .order((post_resources::post_id, post_resources::position))
        .select((post_resources::post_id, post_resources::resource_id))
        .load(conn)
}

/// Replaces the library resources a post embeds.
pub fn set_post_resources(
    conn: &mut DbConn,
    post: PostId,
    resources: &[ResourceId],
) -> QueryResult<()> {
    diesel::delete(post_resources::table.filter(post_resources::post_id.eq(post))).execute(conn)?;
    for (i, r) in resources.iter().enumerate() {
        diesel::insert_into(post_resources::table)
            .values((
                post_resources::post_id.eq(post),
                post_resources::resource_id.eq(*r),
                post_resources::position.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A post that embeds a resource, with its thread's title and its community's name.
pub type UsingPost = (
    PostId,
    ThreadId,
    String,
    (CommunityId, String, String),
    NaiveDateTime,
);

/// A page of the visible posts (neither deleted nor hidden, in live threads of communities
/// `viewer` reads) that embed `resource`, newest first, before post `before`.
pub fn posts_using(
    conn: &mut DbConn,
    resource: ResourceId,
    viewer: Option<UserId>,
    before: Option<PostId>,
    limit: i64,
) -> QueryResult<Vec<UsingPost>> {
    let mut q = post_resources::table
        .inner_join(posts::table.on(posts::id.eq(post_resources::post_id)))
        .inner_join(threads::table.on(threads::id.eq(posts::thread_id)))
        .inner_join(communities::table.on(communities::id.eq(posts::community_id)))
        .filter(post_resources::resource_id.eq(resource))
        .filter(posts::deleted_at.is_null())
        .filter(posts::hidden_at.is_null())
        .filter(threads::deleted_at.is_null())
        .filter(crate::auth::policy::community::readable(viewer))
        .select((
            posts::id,
            threads::id,
            threads::title,
            (communities::id, communities::name, communities::slug),
            posts::created_at,
        ))
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(posts::id.lt(before));
    }
    q.order(posts::id.desc()).limit(limit).load(conn)
}
