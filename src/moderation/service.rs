//! The moderation rules: each action is one function over the caller's write transaction
//! that checks access, changes the rows (threads and posts through the forums' own
//! functions, so that their versions and counters follow), notifies and writes the
//! moderation log. Inputs arrive checked (`dto`).

use std::collections::HashMap;

use crate::auth::AuthUser;
use crate::auth::policy::community::Access;
use crate::communities::audit::{self, Entry};
use crate::communities::service;
use crate::db::{self, DbConn, now};
use crate::error::ApiError;
use crate::forums::service::{self as forums, ThreadSwitch};
use crate::http::pagination::{Page, PageRequest};
use crate::moderation::dto::{
    FlagDecision, FlagListInput, FlagQueueItem, FlagResponse, FlaggedPost, HideInput, LOG_SORT,
    ModerationLogEntry, ModerationPerson, NewFlagInput, flag_sort,
};
use crate::moderation::model::{FlagOutcome, FlagStatus, NewFlag, PostState};
use crate::moderation::repo;
use crate::notifications::{Notice, NoticeKind, notify_one};
use crate::types::{CommunityId, FlagId, PostId, ThreadId, UserId};

/// Characters of a post's body shown in the flag queue.
const EXCERPT_CHARS: usize = 200;

/// The caller's access to a community (the rule is the communities' own).
fn community_access(
    conn: &mut DbConn,
    id: CommunityId,
    user: &AuthUser,
) -> Result<Access, ApiError> {
    service::access(conn, id, Some(user))
}

fn conflict(code: &'static str, detail: &str) -> ApiError {
    ApiError::Conflict {
        code,
        detail: detail.to_owned(),
    }
}

/// The post `post_id` and the caller's access to its community; 404 when the post does
/// not exist.
fn post_and_access(
    conn: &mut DbConn,
    user: &AuthUser,
    post_id: PostId,
) -> Result<(PostState, Access), ApiError> {
    let post = repo::find_post(conn, post_id)?.ok_or(ApiError::NotFound)?;
    let access = community_access(conn, post.community_id, user)?;
    Ok((post, access))
}

/// Flags a post the caller can see and did not write; one open flag per member and post.
pub fn create_flag(
    conn: &mut DbConn,
    user: &AuthUser,
    post_id: PostId,
    input: NewFlagInput,
) -> Result<FlagResponse, ApiError> {
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
    // Two flags by one member at once: the second waits, then sees the first.
    db::lock_row(conn, "posts", post.id.get())?;
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
            reason: input.reason,
            note: input.note.as_deref(),
            status: FlagStatus::Open,
            created_at: now(),
        },
    )?;
    Ok(FlagResponse::from(&flag))
}

/// One flag, for its reporter and the community's moderators; 404 for anyone else.
pub fn get_flag(
    conn: &mut DbConn,
    user: &AuthUser,
    flag_id: FlagId,
) -> Result<FlagResponse, ApiError> {
    let flag = repo::find_flag(conn, flag_id)?.ok_or(ApiError::NotFound)?;
    let access = community_access(conn, flag.community_id, user)?;
    access.require_read()?;
    if flag.reporter_id != user.id && !access.is_moderator() {
        return Err(ApiError::NotFound);
    }
    Ok(FlagResponse::from(&flag))
}

fn person(names: &HashMap<UserId, String>, id: UserId) -> ModerationPerson {
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

/// One page of a community's flag queue, for its moderators.
pub fn list_flags(
    conn: &mut DbConn,
    user: &AuthUser,
    community_id: CommunityId,
    input: FlagListInput,
) -> Result<Page<FlagQueueItem>, ApiError> {
    community_access(conn, community_id, user)?.require_moderator()?;
    let (status, page) = (input.status, input.page);
    let rows = repo::list_flags(
        conn,
        community_id,
        status,
        status == FlagStatus::Open,
        page.after.map(|(_, id)| FlagId(id)),
        page.fetch_limit(),
    )?;
    let ids: Vec<UserId> = rows
        .iter()
        .flat_map(|r| [r.author_id, r.flag.reporter_id])
        .collect();
    let names = repo::display_names(conn, &ids)?;
    Ok(page.finish(
        rows,
        flag_sort(status),
        |r| (r.flag.id.get(), r.flag.id.get()),
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
            reason: r.flag.reason,
            note: r.flag.note.clone(),
            status: r.flag.status,
            created_at: r.flag.created_at.and_utc(),
            resolved_at: r.flag.resolved_at.map(|t| t.and_utc()),
        },
    ))
}

fn notice(user_id: UserId, kind: NoticeKind, post: &PostState, actor_id: UserId) -> Notice {
    Notice {
        user_id,
        kind,
        community_id: post.community_id,
        thread_id: Some(post.thread_id),
        post_id: Some(post.id),
        actor_id: Some(actor_id),
    }
}

/// Hides `post` (not yet hidden) by `moderator`: the forums hide it and recount, the
/// author is told.
fn hide(conn: &mut DbConn, post: &PostState, moderator: UserId) -> Result<(), ApiError> {
    forums::set_hidden(conn, post.id, Some(moderator))?;
    notify_one(
        conn,
        &notice(post.author_id, NoticeKind::PostHidden, post, moderator),
    )
}

/// Writes one moderator action about `post` to the log.
fn log_post_action(
    conn: &mut DbConn,
    moderator: UserId,
    post: &PostState,
    action: &'static str,
    reason: Option<String>,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        &Entry {
            community_id: post.community_id.get(),
            moderator_id: moderator.get(),
            action,
            target_user_id: Some(post.author_id.get()),
            thread_id: Some(post.thread_id.get()),
            post_id: Some(post.id.get()),
            reason,
        },
    )
}

/// Decides an open flag. Upheld hides the post (if it is not hidden yet) and upholds every
/// open flag on it; dismissed closes only this flag. Each reporter is told.
pub fn resolve_flag(
    conn: &mut DbConn,
    user: &AuthUser,
    flag_id: FlagId,
    decision: FlagDecision,
) -> Result<FlagResponse, ApiError> {
    let flag = repo::find_flag(conn, flag_id)?.ok_or(ApiError::NotFound)?;
    community_access(conn, flag.community_id, user)?.require_moderator()?;
    let post = repo::find_post(conn, flag.post_id)?.ok_or(ApiError::NotFound)?;
    // The thread first, as every write of a thread's posts does; then the post, as new
    // flags on it do.
    db::lock_row(conn, "threads", post.thread_id.get())?;
    db::lock_row(conn, "posts", post.id.get())?;
    // Read again under the locks: a concurrent decision may have closed it.
    let flag = repo::find_flag(conn, flag_id)?.ok_or(ApiError::NotFound)?;
    if flag.status != FlagStatus::Open {
        return Err(conflict("flag_resolved", "this flag was already decided"));
    }
    let post = repo::find_post(conn, flag.post_id)?.ok_or(ApiError::NotFound)?;
    let (decided, action) = match decision.outcome {
        FlagOutcome::Upheld => {
            if post.hidden_at.is_none() {
                hide(conn, &post, user.id)?;
            }
            (repo::open_flags_of_post(conn, post.id)?, "uphold_flag")
        }
        FlagOutcome::Dismissed => (vec![flag.clone()], "dismiss_flag"),
    };
    let ids: Vec<FlagId> = decided.iter().map(|f| f.id).collect();
    repo::resolve_flags(conn, &ids, decision.outcome.status(), user.id, now())?;
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
    log_post_action(conn, user.id, &post, action, decision.reason)?;
    let flag = repo::find_flag(conn, flag_id)?.ok_or(ApiError::NotFound)?;
    Ok(FlagResponse::from(&flag))
}

/// Hides or restores a post, as `input` says; the author is told.
pub fn set_post_hidden(
    conn: &mut DbConn,
    user: &AuthUser,
    post_id: PostId,
    input: HideInput,
) -> Result<(), ApiError> {
    let (post, access) = post_and_access(conn, user, post_id)?;
    access.require_moderator()?;
    if post.thread_deleted_at.is_some() {
        return Err(ApiError::NotFound);
    }
    if post.deleted_at.is_some() {
        return Err(conflict("post_deleted", "the post was deleted"));
    }
    db::lock_row(conn, "threads", post.thread_id.get())?;
    let post = repo::find_post(conn, post.id)?.ok_or(ApiError::NotFound)?;
    let action = if input.hide {
        if post.hidden_at.is_some() {
            return Err(conflict("already_hidden", "the post is already hidden"));
        }
        hide(conn, &post, user.id)?;
        "hide_post"
    } else {
        if post.hidden_at.is_none() {
            return Err(conflict("not_hidden", "the post is not hidden"));
        }
        forums::set_hidden(conn, post.id, None)?;
        notify_one(
            conn,
            &notice(post.author_id, NoticeKind::PostRestored, &post, user.id),
        )?;
        "restore_post"
    };
    log_post_action(conn, user.id, &post, action, input.reason)
}

/// A moderator's switch on a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAction {
    Lock,
    Unlock,
    Pin,
    Unpin,
}

impl ThreadAction {
    /// The forums' switch and the moderation log's verb.
    fn switch(self) -> (ThreadSwitch, &'static str) {
        match self {
            Self::Lock => (ThreadSwitch::Locked(true), "lock_thread"),
            Self::Unlock => (ThreadSwitch::Locked(false), "unlock_thread"),
            Self::Pin => (ThreadSwitch::Pinned(true), "pin_thread"),
            Self::Unpin => (ThreadSwitch::Pinned(false), "unpin_thread"),
        }
    }
}

/// Locks, unlocks, pins or unpins a live thread; logged only when it changes something.
pub fn thread_action(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: ThreadId,
    action: ThreadAction,
) -> Result<(), ApiError> {
    let thread = repo::find_thread(conn, thread_id)?.ok_or(ApiError::NotFound)?;
    let access = community_access(conn, thread.community_id, user)?;
    access.require_read()?;
    if thread.deleted_at.is_some() {
        return Err(ApiError::NotFound);
    }
    access.require_moderator()?;
    let (switch, verb) = action.switch();
    if forums::switch_thread(conn, thread.id, switch)? {
        audit::record(
            conn,
            &Entry {
                community_id: thread.community_id.get(),
                moderator_id: user.id.get(),
                action: verb,
                thread_id: Some(thread.id.get()),
                ..Entry::default()
            },
        )?;
    }
    Ok(())
}

/// One page of a community's moderation log, newest first, for its moderators.
pub fn list_log(
    conn: &mut DbConn,
    user: &AuthUser,
    community_id: CommunityId,
    page: PageRequest<i64>,
) -> Result<Page<ModerationLogEntry>, ApiError> {
    community_access(conn, community_id, user)?.require_moderator()?;
    let rows = repo::list_log(
        conn,
        community_id,
        page.after.map(|(_, id)| id),
        page.fetch_limit(),
    )?;
    let ids: Vec<UserId> = rows
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
