//! Queries of post translations, translation requests and the machine-translation outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::outbox::{AfterFailure, claim_next, mark_done, mark_failed};
use crate::db::schema::machine_translation_jobs::{self as jobs, dsl as j};
use crate::db::schema::post_translation_requests::{self as requests, dsl as r};
use crate::db::schema::post_translations::{self as translations, dsl as t};
use crate::db::schema::{communities, posts, threads, users};
use crate::db::{DbConn, any_of};
use crate::post_translations::model::{
    MachineJob, NewMachineJob, PostTranslation, TranslationOrigin, TranslationText,
};
use crate::types::{CommunityId, MachineTranslationJobId, PostId, ThreadId, UserId};

/// A post as translations need it: its text, language, place and state.
#[derive(Debug, Clone, Queryable)]
pub struct SourcePost {
    pub id: PostId,
    pub thread_id: ThreadId,
    pub community_id: CommunityId,
    pub author_id: UserId,
    pub body: String,
    pub language: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub version: i64,
    pub thread_deleted_at: Option<NaiveDateTime>,
    pub thread_locked: bool,
}

impl SourcePost {
    /// When its current text was written.
    pub fn written_at(&self) -> NaiveDateTime {
        self.edited_at.unwrap_or(self.created_at)
    }

    /// Not deleted, not hidden, in a live thread: its translations may be served.
    pub fn visible(&self) -> bool {
        self.deleted_at.is_none() && self.hidden_at.is_none() && self.thread_deleted_at.is_none()
    }
}

/// One post with its thread's state.
pub fn source_post(conn: &mut DbConn, id: PostId) -> QueryResult<Option<SourcePost>> {
    posts::table
        .inner_join(threads::table)
        .filter(posts::id.eq(id))
        .select((
            posts::id,
            posts::thread_id,
            posts::community_id,
            posts::author_id,
            posts::body,
            posts::language,
            posts::created_at,
            posts::edited_at,
            posts::deleted_at,
            posts::hidden_at,
            posts::version,
            threads::deleted_at,
            threads::locked,
        ))
        .first(conn)
        .optional()
}

/// An account's preferred language and a community's language, for a post whose language
/// could not be detected.
pub fn languages_of(
    conn: &mut DbConn,
    user: UserId,
    community: CommunityId,
) -> QueryResult<(Option<String>, Option<String>)> {
    let preferred = users::table
        .find(user)
        .select(users::preferred_language)
        .first::<String>(conn)
        .optional()?;
    let community = communities::table
        .find(community)
        .select(communities::language)
        .first::<String>(conn)
        .optional()?;
    Ok((preferred, community))
}

/// The translations of `post_ids` that are not hidden, in one query (a page of posts).
pub fn published_for(conn: &mut DbConn, post_ids: &[PostId]) -> QueryResult<Vec<PostTranslation>> {
    translations::table
        .filter(any_of(t::post_id, post_ids.iter().copied()))
        .filter(t::hidden_at.is_null())
        .order((t::post_id.asc(), t::language.asc()))
        .select(PostTranslation::as_select())
        .load(conn)
}

/// Every translation of a post, hidden ones included, by language.
pub fn all_for(conn: &mut DbConn, post_id: PostId) -> QueryResult<Vec<PostTranslation>> {
    translations::table
        .filter(t::post_id.eq(post_id))
        .order(t::language.asc())
        .select(PostTranslation::as_select())
        .load(conn)
}

/// A post's translation into `language`.
pub fn find(
    conn: &mut DbConn,
    post_id: PostId,
    language: &str,
) -> QueryResult<Option<PostTranslation>> {
    translations::table
        .filter(t::post_id.eq(post_id))
        .filter(t::language.eq(language))
        .select(PostTranslation::as_select())
        .first(conn)
        .optional()
}

/// Writes a post's translation into `language`: a new row, or the existing one replaced
/// (version + 1). Returns whether it was created.
pub fn put(
    conn: &mut DbConn,
    post_id: PostId,
    language: &str,
    text: &TranslationText,
) -> QueryResult<bool> {
    let updated = diesel::update(
        translations::table
            .filter(t::post_id.eq(post_id))
            .filter(t::language.eq(language)),
    )
    .set((text, t::version.eq(t::version + 1)))
    .execute(conn)?;
    if updated > 0 {
        return Ok(false);
    }
    diesel::insert_into(translations::table)
        .values((
            t::post_id.eq(post_id),
            t::language.eq(language),
            text,
            t::created_at.eq(text.updated_at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Hides (`Some(moderator)`) or restores (`None`) a translation; whether it changed.
pub fn set_hidden(
    conn: &mut DbConn,
    post_id: PostId,
    language: &str,
    by: Option<UserId>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = translations::table
        .filter(t::post_id.eq(post_id))
        .filter(t::language.eq(language));
    let n = match by {
        Some(moderator) => diesel::update(target.filter(t::hidden_at.is_null()))
            .set((
                t::hidden_at.eq(Some(now)),
                t::hidden_by.eq(Some(moderator)),
                t::version.eq(t::version + 1),
            ))
            .execute(conn)?,
        None => diesel::update(target.filter(t::hidden_at.is_not_null()))
            .set((
                t::hidden_at.eq(None::<NaiveDateTime>),
                t::hidden_by.eq(None::<UserId>),
                t::version.eq(t::version + 1),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Display names of accounts.
pub fn names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(any_of(users::id, ids.iter().copied()))
        .select((users::id, users::display_name))
        .load(conn)
}

/// Records a member's request (once per member, post and language); whether it is new,
/// and when it was first made.
pub fn request(
    conn: &mut DbConn,
    post_id: PostId,
    language: &str,
    requester: UserId,
    now: NaiveDateTime,
) -> QueryResult<(bool, NaiveDateTime)> {
    if let Some(at) = requested_at(conn, post_id, language, requester)? {
        return Ok((false, at));
    }
    diesel::insert_into(requests::table)
        .values((
            r::post_id.eq(post_id),
            r::language.eq(language),
            r::requester_id.eq(requester),
            r::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok((true, now))
}

/// When `requester` asked for `post_id` in `language`, if they did.
pub fn requested_at(
    conn: &mut DbConn,
    post_id: PostId,
    language: &str,
    requester: UserId,
) -> QueryResult<Option<NaiveDateTime>> {
    requests::table
        .filter(r::post_id.eq(post_id))
        .filter(r::language.eq(language))
        .filter(r::requester_id.eq(requester))
        .select(r::created_at)
        .first(conn)
        .optional()
}

/// The members who asked for `post_id` in `language` and were not told yet; marks them
/// told.
pub fn take_unnotified(
    conn: &mut DbConn,
    post_id: PostId,
    language: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<UserId>> {
    let waiting = requests::table
        .filter(r::post_id.eq(post_id))
        .filter(r::language.eq(language))
        .filter(r::notified_at.is_null());
    let ids: Vec<UserId> = waiting.select(r::requester_id).load(conn)?;
    if !ids.is_empty() {
        diesel::update(waiting)
            .set(r::notified_at.eq(Some(now)))
            .execute(conn)?;
    }
    Ok(ids)
}

/// The newest machine-translation job of a post and language.
pub fn latest_job(
    conn: &mut DbConn,
    post_id: PostId,
    language: &str,
) -> QueryResult<Option<MachineJob>> {
    jobs::table
        .filter(j::post_id.eq(post_id))
        .filter(j::language.eq(language))
        .order(j::id.desc())
        .select(MachineJob::as_select())
        .first(conn)
        .optional()
}

/// Queues a job; its id.
pub fn insert_job(conn: &mut DbConn, new: &NewMachineJob) -> QueryResult<MachineTranslationJobId> {
    diesel::insert_into(jobs::table)
        .values(new)
        .returning(j::id)
        .get_result(conn)
}

/// Claims the next due job for one attempt (`db::outbox::claim_next!`): a lease until
/// `now + LEASE` and the attempt counted; `FOR UPDATE SKIP LOCKED` on PostgreSQL, the
/// write lock on SQLite, so two instances never both call the service
/// for one job. Returns the job and its post (`None` when the post is gone).
pub fn claim_next(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> QueryResult<Option<(MachineJob, Option<SourcePost>)>> {
    claim_next!(conn, jobs, done_at, now, |conn, job: MachineJob| {
        let post = source_post(conn, job.post_id)?;
        Ok((job, post))
    })
}

/// Records a job done with the service's `status`.
pub fn mark_done(
    conn: &mut DbConn,
    id: MachineTranslationJobId,
    status: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    mark_done!(
        conn,
        jobs,
        done_at,
        id,
        now,
        j::last_status.eq(status),
        j::last_error.eq(None::<String>),
    )
}

/// Records a failed attempt (retried later, or given up), releasing the lease only while
/// it is still ours (`db::outbox::mark_failed!`).
pub fn mark_failed(
    conn: &mut DbConn,
    id: MachineTranslationJobId,
    leased_until: NaiveDateTime,
    status: Option<i32>,
    error: &str,
    after: AfterFailure,
) -> QueryResult<bool> {
    mark_failed!(
        conn,
        jobs,
        done_at,
        id,
        leased_until,
        error,
        after,
        j::last_status.eq(status),
    )
}

/// Whether a member's translation of `post_id` into `language` exists.
pub fn member_translation(
    conn: &mut DbConn,
    post_id: PostId,
    language: &str,
) -> QueryResult<Option<PostTranslation>> {
    Ok(find(conn, post_id, language)?.filter(|t| t.origin == TranslationOrigin::Member))
}
