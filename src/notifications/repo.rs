//! Queries of subscriptions, notifications and digest state.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::policy::community as community_policy;
use crate::communities::model::{EmailPreference, MemberStatus, Visibility};
use crate::db::schema::{
    communities, community_members, digest_state, notifications, posts, thread_subscriptions,
    threads, users,
};
use crate::db::sql::Sql;
use crate::db::{self, DbConn, any_of, any_of_text};
use crate::notifications::model::{
    Candidate, Contact, DigestCadence, EmailStatus, NewNotification, NoticeKind, NotificationRow,
    PendingRow,
};
use crate::types::{CommunityId, NotificationId, PostId, ThreadId, UserId};

/// `user_id` watches `thread_id`; nothing happens when they already do.
pub fn watch(
    conn: &mut DbConn,
    thread_id: ThreadId,
    user_id: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let row = (
        thread_subscriptions::thread_id.eq(thread_id),
        thread_subscriptions::user_id.eq(user_id),
        thread_subscriptions::created_at.eq(now),
    );
    db::insert_or_ignore!(conn, thread_subscriptions::table, row)?;
    Ok(())
}

/// `user_id` stops watching `thread_id` (nothing when they did not).
pub fn unwatch(conn: &mut DbConn, thread_id: ThreadId, user_id: UserId) -> QueryResult<usize> {
    diesel::delete(thread_subscriptions::table.find((thread_id, user_id))).execute(conn)
}

/// Whether `user_id` watches `thread_id`.
pub fn is_watching(conn: &mut DbConn, thread_id: ThreadId, user_id: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        thread_subscriptions::table.find((thread_id, user_id)),
    ))
    .get_result(conn)
}

/// Everyone watching `thread_id`.
pub fn thread_watchers(conn: &mut DbConn, thread_id: ThreadId) -> QueryResult<Vec<UserId>> {
    thread_subscriptions::table
        .filter(thread_subscriptions::thread_id.eq(thread_id))
        .select(thread_subscriptions::user_id)
        .order(thread_subscriptions::user_id.asc())
        .load(conn)
}

/// The active members watching community `community_id`.
pub fn community_watchers(
    conn: &mut DbConn,
    community_id: CommunityId,
) -> QueryResult<Vec<UserId>> {
    community_members::table
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::status.eq("active"))
        .filter(community_members::watching.eq(true))
        .select(community_members::user_id)
        .order(community_members::user_id.asc())
        .load(conn)
}

/// A thread's community, title and deletion time.
pub fn thread_brief(
    conn: &mut DbConn,
    thread_id: ThreadId,
) -> QueryResult<Option<(CommunityId, String, Option<NaiveDateTime>)>> {
    threads::table
        .find(thread_id)
        .select((threads::community_id, threads::title, threads::deleted_at))
        .first(conn)
        .optional()
}

/// Whether post `post_id` is neither hidden nor deleted (`false` when it does not exist).
pub fn post_is_visible(conn: &mut DbConn, post_id: PostId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        posts::table
            .find(post_id)
            .filter(posts::hidden_at.is_null())
            .filter(posts::deleted_at.is_null()),
    ))
    .get_result(conn)
}

/// A community's visibility (`None` when it does not exist).
pub fn community_visibility(
    conn: &mut DbConn,
    community_id: CommunityId,
) -> QueryResult<Option<Visibility>> {
    communities::table
        .find(community_id)
        .select(communities::visibility)
        .first(conn)
        .optional()
}

/// A community's name.
pub fn community_name(conn: &mut DbConn, community_id: CommunityId) -> QueryResult<Option<String>> {
    communities::table
        .find(community_id)
        .select(communities::name)
        .first(conn)
        .optional()
}

/// An account's display name.
pub fn display_name(conn: &mut DbConn, user_id: UserId) -> QueryResult<Option<String>> {
    users::table
        .find(user_id)
        .select(users::display_name)
        .first(conn)
        .optional()
}

/// How to email an account.
pub fn contact(conn: &mut DbConn, user_id: UserId) -> QueryResult<Option<Contact>> {
    users::table
        .find(user_id)
        .filter(users::deleted_at.is_null())
        .select((users::email, users::display_name, users::preferred_language))
        .first(conn)
        .optional()
}

/// A member's watching flag and email preference in a community (no row: not a member).
pub fn member_settings(
    conn: &mut DbConn,
    community_id: CommunityId,
    user_id: UserId,
) -> QueryResult<Option<(bool, String)>> {
    community_members::table
        .find((community_id, user_id))
        .select((
            community_members::watching,
            community_members::email_preference,
        ))
        .first(conn)
        .optional()
}

/// Changes a member's watching flag and email preference.
pub fn update_member_settings(
    conn: &mut DbConn,
    community_id: CommunityId,
    user_id: UserId,
    watching: bool,
    email_preference: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(community_members::table.find((community_id, user_id)))
        .set((
            community_members::watching.eq(watching),
            community_members::email_preference.eq(email_preference),
            community_members::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Whether `user_id` already has a fan-out notification about `post_id`.
pub fn notified_about_post(
    conn: &mut DbConn,
    user_id: UserId,
    post_id: PostId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::post_id.eq(post_id))
            .filter(any_of_text(notifications::kind, NoticeKind::FAN_OUT)),
    ))
    .get_result(conn)
}

/// Inserts one notification.
pub fn insert(conn: &mut DbConn, new: &NewNotification) -> QueryResult<usize> {
    diesel::insert_into(notifications::table)
        .values(new)
        .execute(conn)
}

/// The notifications of `$user` its recipient may still see: not about a hidden or
/// deleted post (except the recipient's own post for `post_hidden`/`post_restored`, and
/// the flag's decision for `flag_resolved`), not in a deleted thread, and in a community
/// the recipient reads (`auth::policy::community`), except those about
/// themselves (banned, invited, join approved).
macro_rules! visible_notifications {
    ($user:expr) => {
        notifications::table
            .inner_join(communities::table)
            .left_join(threads::table.on(threads::id.nullable().eq(notifications::thread_id)))
            .left_join(posts::table.on(posts::id.nullable().eq(notifications::post_id)))
            .left_join(users::table.on(users::id.nullable().eq(notifications::actor_id)))
            .filter(notifications::user_id.eq($user))
            .filter(threads::id.is_null().or(threads::deleted_at.is_null()))
            .filter(
                posts::id
                    .is_null()
                    .or(posts::hidden_at.is_null().and(posts::deleted_at.is_null()))
                    .or(notifications::kind
                        .eq(NoticeKind::FlagResolved)
                        .and(posts::deleted_at.is_null()))
                    .or(any_of_text(notifications::kind, NoticeKind::ABOUT_OWN_POST)
                        .and(posts::author_id.eq($user))),
            )
            .filter(community_policy::readable(Some($user)).or(any_of_text(
                notifications::kind,
                NoticeKind::ABOUT_THEMSELVES,
            )))
    };
}

/// One page of `user_id`'s visible notifications: unread first, then newest. `after` is
/// the (was read, id) of the previous page's last item.
pub fn list(
    conn: &mut DbConn,
    user_id: UserId,
    unread_only: bool,
    after: Option<(bool, NotificationId)>,
    limit: i64,
) -> QueryResult<Vec<NotificationRow>> {
    let mut query = visible_notifications!(user_id)
        .select((
            notifications::id,
            notifications::kind,
            notifications::community_id,
            notifications::thread_id,
            notifications::post_id,
            notifications::actor_id,
            notifications::created_at,
            notifications::read_at,
            communities::name,
            threads::title.nullable(),
            users::display_name.nullable(),
        ))
        .into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    query = match after {
        Some((false, id)) => query.filter(
            notifications::read_at
                .is_null()
                .and(notifications::id.lt(id))
                .or(notifications::read_at.is_not_null()),
        ),
        Some((true, id)) => query.filter(
            notifications::read_at
                .is_not_null()
                .and(notifications::id.lt(id)),
        ),
        None => query,
    };
    query
        .order((
            notifications::read_at.is_null().desc(),
            notifications::id.desc(),
        ))
        .limit(limit)
        .load(conn)
}

/// How many of `user_id`'s visible notifications are unread.
pub fn unread_count(conn: &mut DbConn, user_id: UserId) -> QueryResult<i64> {
    visible_notifications!(user_id)
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks one of `user_id`'s notifications read (left as it is when already read); `false`
/// when they have no such notification.
pub fn mark_read(
    conn: &mut DbConn,
    user_id: UserId,
    id: NotificationId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let mine = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id));
    let exists: bool = diesel::select(diesel::dsl::exists(mine)).get_result(conn)?;
    if exists {
        diesel::update(mine.filter(notifications::read_at.is_null()))
            .set(notifications::read_at.eq(Some(now)))
            .execute(conn)?;
    }
    Ok(exists)
}

/// Marks all of `user_id`'s notifications read.
pub fn mark_all_read(conn: &mut DbConn, user_id: UserId, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(now)))
    .execute(conn)
}

/// Every (member, cadence) with notifications waiting for a digest.
pub fn pending_digests(conn: &mut DbConn) -> QueryResult<Vec<(UserId, DigestCadence)>> {
    let rows: Vec<(UserId, Option<DigestCadence>)> = notifications::table
        .filter(notifications::email_status.eq(EmailStatus::Pending))
        .select((notifications::user_id, notifications::email_cadence))
        .distinct()
        .order((
            notifications::user_id.asc(),
            notifications::email_cadence.asc(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(user, cadence)| Some((user, cadence?)))
        .collect())
}

/// When the oldest notification waiting for `user_id`'s `cadence` digest was made.
pub fn oldest_pending(
    conn: &mut DbConn,
    user_id: UserId,
    cadence: DigestCadence,
) -> QueryResult<Option<NaiveDateTime>> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::email_status.eq(EmailStatus::Pending))
        .filter(notifications::email_cadence.eq(cadence))
        .select(diesel::dsl::min(notifications::created_at))
        .first(conn)
}

/// When `user_id`'s `cadence` digest was last sent (no row: never).
pub fn last_digest(
    conn: &mut DbConn,
    user_id: UserId,
    cadence: DigestCadence,
) -> QueryResult<Option<NaiveDateTime>> {
    digest_state::table
        .find((user_id, cadence))
        .select(digest_state::last_sent_at)
        .first(conn)
        .optional()
}

/// Claims the digest by moving `last_sent_at` from `previous` to `now`; `true` when this
/// caller won (an instance that read the same `previous` concurrently finds 0 rows).
pub fn claim_digest(
    conn: &mut DbConn,
    user_id: UserId,
    cadence: DigestCadence,
    previous: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = match previous {
        Some(previous) => diesel::update(
            digest_state::table
                .find((user_id, cadence))
                .filter(digest_state::last_sent_at.eq(previous)),
        )
        .set(digest_state::last_sent_at.eq(now))
        .execute(conn)?,
        None => {
            let row = (
                digest_state::user_id.eq(user_id),
                digest_state::cadence.eq(cadence),
                digest_state::last_sent_at.eq(now),
            );
            db::insert_or_ignore!(conn, digest_state::table, row)?
        }
    };
    Ok(n == 1)
}

/// The notifications waiting for `user_id`'s `cadence` digest, oldest first.
pub fn pending_items(
    conn: &mut DbConn,
    user_id: UserId,
    cadence: DigestCadence,
) -> QueryResult<Vec<PendingRow>> {
    notifications::table
        .inner_join(communities::table)
        .left_join(threads::table.on(threads::id.nullable().eq(notifications::thread_id)))
        .left_join(posts::table.on(posts::id.nullable().eq(notifications::post_id)))
        .left_join(users::table.on(users::id.nullable().eq(notifications::actor_id)))
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::email_status.eq(EmailStatus::Pending))
        .filter(notifications::email_cadence.eq(cadence))
        .select((
            notifications::id,
            notifications::kind,
            notifications::community_id,
            notifications::thread_id,
            notifications::post_id,
            communities::name,
            threads::title.nullable(),
            threads::deleted_at.nullable(),
            posts::author_id.nullable(),
            posts::hidden_at.nullable(),
            posts::deleted_at.nullable(),
            users::display_name.nullable(),
        ))
        .order(notifications::id.asc())
        .load(conn)
}

/// Sets the email status of notifications `ids`.
pub fn set_email_status(
    conn: &mut DbConn,
    ids: &[NotificationId],
    status: EmailStatus,
) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(notifications::table.filter(any_of(notifications::id, ids.iter().copied())))
        .set(notifications::email_status.eq(status))
        .execute(conn)
}

/// The active accounts among `user_ids`, with their membership of `community_id`: one query
/// for the whole fan-out instead of several per recipient.
pub fn candidates(
    conn: &mut DbConn,
    community_id: CommunityId,
    user_ids: &[UserId],
) -> QueryResult<Vec<Candidate>> {
    users::table
        .left_join(
            community_members::table.on(community_members::user_id
                .eq(users::id)
                .and(community_members::community_id.eq(community_id))),
        )
        .filter(any_of(users::id, user_ids.iter().copied()))
        .filter(users::status.eq("active"))
        .filter(users::deleted_at.is_null())
        .select((
            users::id,
            users::role,
            users::email,
            users::display_name,
            users::preferred_language,
            community_members::role.nullable(),
            community_members::status.nullable(),
            community_members::email_preference.nullable(),
        ))
        .load(conn)
}

/// Those of `user_ids` who already have a fan-out notification about `post_id`.
pub fn already_notified(
    conn: &mut DbConn,
    post_id: PostId,
    user_ids: &[UserId],
) -> QueryResult<Vec<UserId>> {
    notifications::table
        .filter(notifications::post_id.eq(post_id))
        .filter(any_of(notifications::user_id, user_ids.iter().copied()))
        .filter(any_of_text(notifications::kind, NoticeKind::FAN_OUT))
        .select(notifications::user_id)
        .load(conn)
}

/// Inserts many notifications (a post's fan-out): on PostgreSQL in one statement (one
/// round trip); on SQLite one row at a time through one cached statement. A multi-row
/// `INSERT` makes SQLite keep a statement journal (copying every page it changes, spilling
/// to a temporary file past 64 KiB) and is prepared anew for each number of rows; the fan-out
/// of a reply to a thread with 25 watchers spent 16 % of posting's time there.
pub fn insert_many(conn: &mut DbConn, rows: &[NewNotification]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    match conn {
        DbConn::Sqlite(c) => rows.iter().try_fold(0, |inserted, row| {
            Ok(inserted
                + diesel::insert_into(notifications::table)
                    .values(row)
                    .execute(c)?)
        }),
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => diesel::insert_into(notifications::table)
            .values(rows)
            .execute(c),
    }
}

// ---------------------------------------------------------------- set-based fan-out

/// Whose watch a new post's fan-out follows.
#[derive(Debug, Clone, Copy)]
pub enum Watchers {
    /// Everyone watching the thread (a reply).
    Thread(ThreadId),
    /// The active members watching the community (a new thread).
    Community(CommunityId),
}

/// A new post's fan-out to watchers, done in the database (see [`notify_watchers`]).
#[derive(Debug, Clone, Copy)]
pub struct WatcherFanOut<'a> {
    pub watchers: Watchers,
    pub kind: NoticeKind,
    pub community_id: CommunityId,
    /// Only its active members read the community (it is private).
    pub visibility: Visibility,
    pub thread_id: ThreadId,
    pub post_id: PostId,
    pub actor_id: UserId,
    /// Members notified otherwise (the mentioned: `Mention` instead).
    pub except: &'a [UserId],
    pub created_at: NaiveDateTime,
}

/// The stored email preference of a reader of the row (`daily` without a membership row).
const PREFERENCE: &str = "COALESCE(m.email_preference, 'daily')";

impl WatcherFanOut<'_> {
    /// `FROM … WHERE …` of the readers reached: the watchers (`w`) as accounts (`u`) with
    /// their membership of the community (`m`): active, not the author, not excepted, not
    /// banned, reading the community (the read rule's SQL form). Binds, in order
    /// ([`Self::bind_audience`]): the community, the watched thread or community, the
    /// author, the excepted.
    fn audience(&self) -> String {
        let (from, filter) = match self.watchers {
            Watchers::Thread(_) => ("thread_subscriptions", "w.thread_id = ?".to_owned()),
            Watchers::Community(_) => (
                "community_members",
                format!(
                    "w.community_id = ? AND w.status = '{}' AND w.watching",
                    MemberStatus::Active
                ),
            ),
        };
        let except = if self.except.is_empty() {
            String::new()
        } else {
            format!(
                " AND u.id NOT IN ({})",
                vec!["?"; self.except.len()].join(", ")
            )
        };
        format!(
            "FROM {from} w JOIN users u ON u.id = w.user_id \
             LEFT JOIN community_members m ON m.user_id = u.id AND m.community_id = ? \
             WHERE {filter} AND u.id <> ? AND u.status = 'active' AND u.deleted_at IS NULL \
             AND (m.status IS NULL OR m.status <> '{banned}') AND {reads}{except}",
            banned = MemberStatus::Banned,
            reads = community_policy::reader_sql(self.visibility, "m"),
        )
    }

    /// Binds [`Self::audience`]'s values.
    fn bind_audience(&self, mut sql: Sql) -> Sql {
        sql = sql
            .bind_i64(self.community_id.get())
            .bind_i64(self.source_id())
            .bind_i64(self.actor_id.get());
        for user in self.except {
            sql = sql.bind_i64(user.get());
        }
        sql
    }

    fn source_id(&self) -> i64 {
        match self.watchers {
            Watchers::Thread(id) => id.get(),
            Watchers::Community(id) => id.get(),
        }
    }
}

/// Writes the notifications of a new post's watchers in one `INSERT … SELECT`, whatever
/// their number: no row travels to the server and back, and the statement is prepared once
/// per connection. The email status follows each reader's preference, as
/// `notifications::service` decides it for one: `none` without an address or for `never`,
/// `sent` for `immediately` (the caller sends those: [`watchers_emailed_at_once`]),
/// `pending` for a digest, with its cadence. Answers how many it marked `sent` (from the
/// rows it wrote: usually none, and then nobody is read again for an email).
///
/// The post's author starts watching its thread ([`watch`]) first: on PostgreSQL in the
/// same statement (a `WITH`, a round trip fewer a post; the author is not of the audience,
/// so the watch written there is not read by the `SELECT`), on SQLite as a statement of
/// its own.
pub fn notify_watchers(conn: &mut DbConn, f: &WatcherFanOut<'_>) -> QueryResult<usize> {
    #[derive(QueryableByName)]
    struct Written {
        #[diesel(sql_type = diesel::sql_types::Text)]
        email_status: String,
    }
    let watch_first = match conn {
        DbConn::Sqlite(_) => {
            watch(conn, f.thread_id, f.actor_id, f.created_at)?;
            ""
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => {
            "WITH watch AS (INSERT INTO thread_subscriptions (thread_id, user_id, created_at) \
             VALUES (?, ?, ?) ON CONFLICT DO NOTHING) "
        }
    };
    let sql = format!(
        "{watch_first}\
         INSERT INTO notifications (user_id, kind, community_id, thread_id, post_id, actor_id, \
         created_at, read_at, email_status, email_cadence) \
         SELECT u.id, ?, ?, ?, ?, ?, ?, NULL, \
         CASE WHEN u.email IS NULL OR {PREFERENCE} = '{never}' THEN '{none}' \
              WHEN {PREFERENCE} = '{at_once}' THEN '{sent}' ELSE '{pending}' END, \
         CASE WHEN u.email IS NULL THEN NULL \
              WHEN {PREFERENCE} = '{daily}' THEN '{daily_cadence}' \
              WHEN {PREFERENCE} = '{weekly}' THEN '{weekly_cadence}' END \
         {audience} RETURNING email_status",
        never = EmailPreference::Never,
        at_once = EmailPreference::Immediately,
        daily = EmailPreference::Daily,
        weekly = EmailPreference::Weekly,
        none = EmailStatus::None,
        sent = EmailStatus::Sent,
        pending = EmailStatus::Pending,
        daily_cadence = DigestCadence::Daily,
        weekly_cadence = DigestCadence::Weekly,
        audience = f.audience(),
    );
    let mut sql = Sql::new(sql);
    if !watch_first.is_empty() {
        sql = sql
            .bind_i64(f.thread_id.get())
            .bind_i64(f.actor_id.get())
            .bind_timestamp(f.created_at);
    }
    f.bind_audience(
        sql.bind_text(f.kind.as_str())
            .bind_i64(f.community_id.get())
            .bind_i64(f.thread_id.get())
            .bind_i64(f.post_id.get())
            .bind_i64(f.actor_id.get())
            .bind_timestamp(f.created_at),
    )
    .load::<Written>(conn)
    .map(|rows| {
        let sent = EmailStatus::Sent.as_str();
        rows.iter().filter(|row| row.email_status == sent).count()
    })
}

/// The readers [`notify_watchers`] marks `sent`: those who want every notification by email
/// at once and have an address (usually none).
pub fn watchers_emailed_at_once(
    conn: &mut DbConn,
    f: &WatcherFanOut<'_>,
) -> QueryResult<Vec<Contact>> {
    let sql = format!(
        "SELECT u.email, u.display_name, u.preferred_language {audience} \
         AND u.email IS NOT NULL AND {PREFERENCE} = '{at_once}' ORDER BY u.id",
        audience = f.audience(),
        at_once = EmailPreference::Immediately,
    );
    f.bind_audience(Sql::new(sql)).load(conn)
}
