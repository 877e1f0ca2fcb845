//! The moderation rules: each action is one write transaction that checks access, changes
//! the rows, recounts, notifies and writes the moderation log.

use std::collections::HashMap;

use crate::auth::AuthUser;
use crate::communities::access::{self, Access};
use crate::communities::audit::{self, Entry};
use crate::db::{DbConn, now};
use crate::error::ApiError;
use crate::forums::counts;
use crate::http::pagination::{Page, PageRequest};
use crate::moderation::dto::{
    CreateFlagRequest, FlagOutcome, FlagQueueItem, FlagReason, FlagResponse, FlagStatus,
    FlaggedPost, MAX_NOTE, MAX_REASON, ModerationLogEntry, ModerationPerson,
};
use crate::moderation::repo::{self, Flag, NewFlag, PostState, ThreadState};
use crate::notifications::{Notice, NoticeKind, notify_one};

/// Characters of a post's body shown in the flag queue.
const EXCERPT_CHARS: usize = 200;

fn conflict(code: &'static str, detail: &str) -> ApiError {
    ApiError::Conflict {
        code,
        detail: detail.to_owned(),
    }
}

/// A reason as given: trimmed, `None` when empty; 422 beyond `max` characters.
fn optional_text(field: &str, raw: Option<String>, max: usize) -> Result<Option<String>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let text = raw.trim();
    if crate::types::text::has_stray_controls(text) {
        return Err(ApiError::invalid_field(
            field,
            "control_characters",
            "must not contain control characters other than line breaks",
        ));
    }
    if text.chars().count() > max {
        return Err(ApiError::invalid_field(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// A reason that must be given (1 to `max` characters after trimming).
pub fn required_text(field: &str, raw: String, max: usize) -> Result<String, ApiError> {
    optional_text(field, Some(raw), max)?
        .ok_or_else(|| ApiError::invalid_field(field, "required", "must not be empty"))
}

/// Checks a resolve or restore reason before any database work.
pub fn check_reason(raw: Option<String>) -> Result<Option<String>, ApiError> {
    optional_text("reason", raw, MAX_REASON)
}

fn parse_reason(raw: &str) -> FlagReason {
    match raw {
        "spam" => FlagReason::Spam,
        "abuse" => FlagReason::Abuse,
        "off_topic" => FlagReason::OffTopic,
        "privacy" => FlagReason::Privacy,
        _ => FlagReason::Other,
    }
}

fn parse_status(raw: &str) -> FlagStatus {
    match raw {
        "upheld" => FlagStatus::Upheld,
        "dismissed" => FlagStatus::Dismissed,
        _ => FlagStatus::Open,
    }
}

/// The answer for a flag.
pub fn flag_response(flag: &Flag) -> FlagResponse {
    FlagResponse {
        id: flag.id,
        post_id: flag.post_id,
        reason: parse_reason(&flag.reason),
        note: flag.note.clone(),
        status: parse_status(&flag.status),
        created_at: flag.created_at.and_utc(),
        resolved_at: flag.resolved_at.map(|t| t.and_utc()),
    }
}

/// The post `post_id` and the caller's access to its community; 404 when the post or its
/// thread does not exist (or was deleted, for the thread).
fn post_and_access(
    conn: &mut DbConn,
    user: &AuthUser,
    post_id: i64,
) -> Result<(PostState, Access), ApiError> {
    let post = repo::find_post(conn, post_id)?.ok_or(ApiError::NotFound)?;
    let access = access::load(conn, post.community_id, Some(user))?;
    Ok((post, access))
}

/// The thread `thread_id` (not deleted) and the caller's access to its community.
fn thread_and_access(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: i64,
) -> Result<(ThreadState, Access), ApiError> {
    let thread = repo::find_thread(conn, thread_id)?.ok_or(ApiError::NotFound)?;
    let access = access::load(conn, thread.community_id, Some(user))?;
    access.require_read()?;
    if thread.deleted_at.is_some() {
        return Err(ApiError::NotFound);
    }
    Ok((thread, access))
}

/// Flags a post the caller can see and did not write; one open flag per member and post.
pub fn create_flag(
    conn: &mut DbConn,
    user: &AuthUser,
    post_id: i64,
    req: CreateFlagRequest,
) -> Result<FlagResponse, ApiError> {
    let note = optional_text("note", req.note, MAX_NOTE)?;
    let (post, access) = post_and_access(conn, user, post_id)?;
    access.require_participate()?;
    let sees_hidden = post.author_id == user.id || access.is_moderator();
    if post.thread_deleted_at.is_some() || (post.hidden_at.is_some() && !sees_hidden) {
        return Err(ApiError::NotFound);
    }
    if post.deleted_at.is_some() {
        return Err(conflict("post_deleted", "the post was deleted"));
    }
    if post.author_id == user.id {
        return Err(ApiError::invalid_field(
            "post_id",
            "own_post",
            "you cannot flag your own post",
        ));
    }
    repo::lock_post(conn, post.id)?;
    if repo::has_open_flag(conn, post.id, user.id)? {
        return Err(conflict(
            "already_flagged",
            "you already flagged this post; a moderator will look at it",
        ));
    }
    let flag = repo::insert_flag(
        conn,
        &NewFlag {
            post_id: post.id,
            community_id: post.community_id,
            reporter_id: user.id,
            reason: req.reason.as_str(),
            note: note.as_deref(),
            status: FlagStatus::Open.as_str(),
            created_at: now(),
        },
    )?;
    Ok(flag_response(&flag))
}

fn person(names: &HashMap<i64, String>, id: i64) -> ModerationPerson {
    ModerationPerson {
        id,
        display_name: names.get(&id).cloned().unwrap_or_default(),
    }
}

fn excerpt(body: &str) -> String {
    let mut chars = body.chars();
    let mut text: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        text.push('…');
    }
    text
}

/// The sort a flag list's cursor is made for.
pub fn flag_sort(status: FlagStatus) -> &'static str {
    match status {
        FlagStatus::Open => "flags:id",
        FlagStatus::Upheld => "flags:upheld:-id",
        FlagStatus::Dismissed => "flags:dismissed:-id",
    }
}

/// One page of a community's flag queue, for its moderators.
pub fn list_flags(
    conn: &mut DbConn,
    user: &AuthUser,
    community_id: i64,
    status: FlagStatus,
    page: &PageRequest<i64>,
) -> Result<Page<FlagQueueItem>, ApiError> {
    access::load(conn, community_id, Some(user))?.require_moderator()?;
    let rows = repo::list_flags(
        conn,
        community_id,
        status.as_str(),
        status == FlagStatus::Open,
        page.after.map(|(_, id)| id),
        page.fetch_limit(),
    )?;
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.author_id, r.flag.reporter_id])
        .collect();
    let names = repo::display_names(conn, &ids)?;
    Ok(page.finish(
        rows,
        flag_sort(status),
        |r| (r.flag.id, r.flag.id),
        |r| FlagQueueItem {
            id: r.flag.id,
            post: FlaggedPost {
                id: r.flag.post_id,
                thread_id: r.thread_id,
                author: person(&names, r.author_id),
                excerpt: excerpt(&r.body),
                hidden: r.hidden,
            },
            reporter: person(&names, r.flag.reporter_id),
            reason: parse_reason(&r.flag.reason),
            note: r.flag.note.clone(),
            status: parse_status(&r.flag.status),
            created_at: r.flag.created_at.and_utc(),
            resolved_at: r.flag.resolved_at.map(|t| t.and_utc()),
        },
    ))
}

fn notice(user_id: i64, kind: NoticeKind, post: &PostState, actor_id: i64) -> Notice {
    Notice {
        user_id,
        kind,
        community_id: post.community_id,
        thread_id: Some(post.thread_id),
        post_id: Some(post.id),
        actor_id: Some(actor_id),
    }
}

/// Hides `post` (not yet hidden) by `moderator_id`: recounts and tells the author.
fn hide(conn: &mut DbConn, post: &PostState, moderator_id: i64) -> Result<(), ApiError> {
    repo::set_hidden(conn, post.id, Some((moderator_id, now())))?;
    counts::recount_thread(conn, post.thread_id)?;
    notify_one(
        conn,
        &notice(post.author_id, NoticeKind::PostHidden, post, moderator_id),
    )
}

/// Decides an open flag. Upheld hides the post (if it is not hidden yet) and upholds every
/// open flag on it; dismissed closes only this flag. Each reporter is told.
pub fn resolve_flag(
    conn: &mut DbConn,
    user: &AuthUser,
    flag_id: i64,
    outcome: FlagOutcome,
    reason: Option<String>,
) -> Result<FlagResponse, ApiError> {
    let flag = repo::find_flag(conn, flag_id)?.ok_or(ApiError::NotFound)?;
    access::load(conn, flag.community_id, Some(user))?.require_moderator()?;
    repo::lock_post(conn, flag.post_id)?;
    // Read again under the lock: a concurrent decision may have closed it.
    let flag = repo::find_flag(conn, flag_id)?.ok_or(ApiError::NotFound)?;
    if flag.status != FlagStatus::Open.as_str() {
        return Err(conflict("flag_resolved", "this flag was already decided"));
    }
    let post = repo::find_post(conn, flag.post_id)?.ok_or(ApiError::NotFound)?;
    let at = now();
    let (decided, status, action) = match outcome {
        FlagOutcome::Upheld => {
            if post.hidden_at.is_none() {
                hide(conn, &post, user.id)?;
            }
            (
                repo::open_flags_of_post(conn, post.id)?,
                FlagStatus::Upheld,
                "uphold_flag",
            )
        }
        FlagOutcome::Dismissed => (vec![flag.clone()], FlagStatus::Dismissed, "dismiss_flag"),
    };
    let ids: Vec<i64> = decided.iter().map(|f| f.id).collect();
    repo::resolve_flags(conn, &ids, status.as_str(), user.id, at)?;
    for decided in &decided {
        notify_one(
            conn,
            &notice(
                decided.reporter_id,
                NoticeKind::FlagResolved,
                &post,
                user.id,
            ),
        )?;
    }
    audit::record(
        conn,
        &Entry {
            community_id: flag.community_id,
            moderator_id: user.id,
            action,
            target_user_id: Some(post.author_id),
            thread_id: Some(post.thread_id),
            post_id: Some(post.id),
            reason,
        },
    )?;
    let flag = repo::find_flag(conn, flag_id)?.ok_or(ApiError::NotFound)?;
    Ok(flag_response(&flag))
}

/// Hides (`Some(reason)`) or restores (`None` hides nothing: `hide` false) a post.
pub fn set_post_hidden(
    conn: &mut DbConn,
    user: &AuthUser,
    post_id: i64,
    hidden: bool,
    reason: Option<String>,
) -> Result<(), ApiError> {
    let (post, access) = post_and_access(conn, user, post_id)?;
    access.require_moderator()?;
    if post.thread_deleted_at.is_some() {
        return Err(ApiError::NotFound);
    }
    if post.deleted_at.is_some() {
        return Err(conflict("post_deleted", "the post was deleted"));
    }
    repo::lock_post(conn, post.id)?;
    let post = repo::find_post(conn, post.id)?.ok_or(ApiError::NotFound)?;
    let action = if hidden {
        if post.hidden_at.is_some() {
            return Err(conflict("already_hidden", "the post is already hidden"));
        }
        hide(conn, &post, user.id)?;
        "hide_post"
    } else {
        if post.hidden_at.is_none() {
            return Err(conflict("not_hidden", "the post is not hidden"));
        }
        repo::set_hidden(conn, post.id, None)?;
        counts::recount_thread(conn, post.thread_id)?;
        notify_one(
            conn,
            &notice(post.author_id, NoticeKind::PostRestored, &post, user.id),
        )?;
        "restore_post"
    };
    audit::record(
        conn,
        &Entry {
            community_id: post.community_id,
            moderator_id: user.id,
            action,
            target_user_id: Some(post.author_id),
            thread_id: Some(post.thread_id),
            post_id: Some(post.id),
            reason,
        },
    )
}

/// A moderator's switch on a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAction {
    Lock,
    Unlock,
    Pin,
    Unpin,
}

/// Locks, unlocks, pins or unpins a thread; logged only when it changes something.
pub fn thread_action(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: i64,
    action: ThreadAction,
) -> Result<(), ApiError> {
    let (thread, access) = thread_and_access(conn, user, thread_id)?;
    access.require_moderator()?;
    let (changed, verb) = match action {
        ThreadAction::Lock if !thread.locked => {
            (repo::set_locked(conn, thread.id, true)?, "lock_thread")
        }
        ThreadAction::Unlock if thread.locked => {
            (repo::set_locked(conn, thread.id, false)?, "unlock_thread")
        }
        ThreadAction::Pin if !thread.pinned => {
            (repo::set_pinned(conn, thread.id, true)?, "pin_thread")
        }
        ThreadAction::Unpin if thread.pinned => {
            (repo::set_pinned(conn, thread.id, false)?, "unpin_thread")
        }
        _ => (0, ""),
    };
    if changed > 0 {
        audit::record(
            conn,
            &Entry {
                community_id: thread.community_id,
                moderator_id: user.id,
                action: verb,
                thread_id: Some(thread.id),
                ..Entry::default()
            },
        )?;
    }
    Ok(())
}

/// The sort the moderation log's cursor is made for.
pub const LOG_SORT: &str = "log:-id";

/// One page of a community's moderation log, newest first, for its moderators.
pub fn list_log(
    conn: &mut DbConn,
    user: &AuthUser,
    community_id: i64,
    page: &PageRequest<i64>,
) -> Result<Page<ModerationLogEntry>, ApiError> {
    access::load(conn, community_id, Some(user))?.require_moderator()?;
    let rows = repo::list_log(
        conn,
        community_id,
        page.after.map(|(_, id)| id),
        page.fetch_limit(),
    )?;
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| std::iter::once(r.moderator_id).chain(r.target_user_id))
        .collect();
    let names = repo::display_names(conn, &ids)?;
    Ok(page.finish(
        rows,
        LOG_SORT,
        |r| (r.id, r.id),
        |r| ModerationLogEntry {
            id: r.id,
            action: r.action,
            moderator: person(&names, r.moderator_id),
            target_user: r.target_user_id.map(|id| person(&names, id)),
            thread_id: r.thread_id,
            post_id: r.post_id,
            reason: r.reason,
            created_at: r.created_at.and_utc(),
        },
    ))
}
