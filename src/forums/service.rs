//! The forums' rules: who may read and write what, and the transactions that keep
//! threads, posts, counters, read state and notifications in step.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::AuthUser;
use crate::communities::access::{self, Access};
use crate::communities::audit;
use crate::db::{Db, DbConn, now};
use crate::error::ApiError;
use crate::forums::counts;
use crate::forums::dto::{
    CommunityRef, CreatePostRequest, CreateThreadRequest, ListPostsQuery, ListThreadsQuery,
    NewThreadInput, PageQuery, PostResponse, QuoteResponse, Reactions, ReactionsResponse,
    ReadStateResponse, RevisionResponse, ThreadPatch, ThreadResponse, ThreadSummary,
    UpdateThreadRequest, UserRef, check_body, excerpt,
};
use crate::forums::markdown;
use crate::forums::model::{
    NewPost, NewRevision, NewThread, Post, PostChanges, ReactionKind, Thread, ThreadChanges,
    ThreadKind,
};
use crate::forums::repo::{self, PostRow, ThreadFilter, ThreadRow};
use crate::http::etag::{self, IfMatch};
use crate::http::pagination::{Page, PageRequest};
use crate::notifications::{self, Notice, NoticeKind, PostCreated};

/// The sort name thread cursors are made for.
const THREAD_SORT: &str = "activity";
/// The sort name post cursors are made for.
const POST_SORT: &str = "id";
/// The sort name revision cursors are made for.
const REVISION_SORT: &str = "-id";

fn forbidden(detail: &str) -> ApiError {
    ApiError::forbidden("forbidden", detail.to_owned())
}

fn thread_locked() -> ApiError {
    ApiError::Conflict {
        code: "thread_locked",
        detail: "the thread is locked".to_owned(),
    }
}

fn post_deleted() -> ApiError {
    ApiError::Conflict {
        code: "post_deleted",
        detail: "the post was deleted".to_owned(),
    }
}

/// Whether the caller sees `post`: hidden posts only for their author and moderators.
fn can_see(post: &Post, access: &Access) -> bool {
    post.hidden_at.is_none() || access.viewer == Some(post.author_id) || access.is_moderator()
}

/// A thread that is not deleted; 404 otherwise.
fn live_thread(conn: &mut DbConn, id: i64) -> Result<Thread, ApiError> {
    repo::find_thread(conn, id)?
        .filter(|t| t.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

/// A live thread the caller may read, and the caller's access to its community.
fn readable_thread(
    conn: &mut DbConn,
    id: i64,
    user: Option<&AuthUser>,
) -> Result<(Thread, Access), ApiError> {
    let thread = live_thread(conn, id)?;
    let access = access::load(conn, thread.community_id, user)?;
    access.require_read()?;
    Ok((thread, access))
}

/// A post the caller may see, in a live thread they may read.
fn readable_post(
    conn: &mut DbConn,
    id: i64,
    user: Option<&AuthUser>,
) -> Result<(Post, Thread, Access), ApiError> {
    let post = repo::find_post(conn, id)?.ok_or(ApiError::NotFound)?;
    let (thread, access) = readable_thread(conn, post.thread_id, user)?;
    if !can_see(&post, &access) {
        return Err(ApiError::NotFound);
    }
    Ok((post, thread, access))
}

/// 412 unless `if_match` names `current` (as its `GET` gives it).
fn check_precondition<T: Serialize>(
    current: &T,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let Some(cond) = if_match else {
        return Ok(());
    };
    if matches!(cond, IfMatch::Any) {
        return Ok(());
    }
    let body = serde_json::to_vec(current).map_err(ApiError::internal)?;
    if cond.matches(&etag::of(&body)) {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed)
    }
}

/// The ids mentioned in `body` that name active accounts, and their names.
fn resolve_mentions(
    conn: &mut DbConn,
    body: &str,
) -> Result<(Vec<i64>, HashMap<i64, String>), ApiError> {
    let ids = markdown::mention_ids(body);
    let names: HashMap<i64, String> = repo::active_names(conn, &ids)?.into_iter().collect();
    let ids = ids
        .into_iter()
        .filter(|id| names.contains_key(id))
        .collect();
    Ok((ids, names))
}

fn summary(
    t: Thread,
    author_name: String,
    last_read: Option<i64>,
    unread: Option<i64>,
) -> ThreadSummary {
    let tags = t.tag_list();
    ThreadSummary {
        id: t.id,
        community_id: t.community_id,
        kind: ThreadKind::parse(&t.kind),
        title: t.title,
        tags,
        author: UserRef {
            id: t.author_id,
            display_name: author_name,
        },
        pinned: t.pinned,
        locked: t.locked,
        reply_count: t.reply_count,
        accepted_post_id: t.accepted_post_id,
        last_post_id: t.last_post_id,
        last_activity_at: t.last_activity_at.and_utc(),
        created_at: t.created_at.and_utc(),
        updated_at: t.updated_at.and_utc(),
        unread_count: unread,
        last_read_post_id: last_read,
    }
}

/// Thread rows as the caller sees them, with one query for all their unread counts.
fn summaries(
    conn: &mut DbConn,
    access: &Access,
    rows: Vec<ThreadRow>,
) -> Result<Vec<ThreadSummary>, ApiError> {
    let unread: HashMap<i64, i64> = match access.viewer {
        Some(uid) if !rows.is_empty() => {
            let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
            repo::unread_counts(conn, uid, &ids, access.is_moderator())?
                .into_iter()
                .collect()
        }
        _ => HashMap::new(),
    };
    Ok(rows
        .into_iter()
        .map(|(t, name, last_read)| {
            let unread = access
                .viewer
                .map(|_| unread.get(&t.id).copied().unwrap_or(0));
            summary(t, name, last_read, unread)
        })
        .collect())
}

/// Post rows as the caller sees them: one query each for the caller's reactions, the
/// mentioned members' names and the quoted posts, whatever the number of posts.
fn post_views(
    conn: &mut DbConn,
    access: &Access,
    accepted: Option<i64>,
    rows: Vec<PostRow>,
) -> Result<Vec<PostResponse>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
    let mut mine: HashMap<i64, Vec<ReactionKind>> = HashMap::new();
    if let Some(uid) = access.viewer {
        for (post_id, kind) in repo::reactions_of(conn, uid, &ids)? {
            if let Some(kind) = ReactionKind::parse(&kind) {
                mine.entry(post_id).or_default().push(kind);
            }
        }
    }
    let mentions: Vec<Vec<i64>> = rows
        .iter()
        .map(|(p, _)| {
            if p.deleted_at.is_some() {
                Vec::new()
            } else {
                markdown::mentions_in_html(&p.body_html)
            }
        })
        .collect();
    let mut all: Vec<i64> = mentions.iter().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    let names: HashMap<i64, String> = repo::names(conn, &all)?.into_iter().collect();
    let mut quote_ids: Vec<i64> = rows
        .iter()
        .filter(|(p, _)| p.deleted_at.is_none())
        .filter_map(|(p, _)| p.quote_post_id)
        .collect();
    quote_ids.sort_unstable();
    quote_ids.dedup();
    let quoted: HashMap<i64, PostRow> = if quote_ids.is_empty() {
        HashMap::new()
    } else {
        repo::post_rows(conn, &quote_ids)?
            .into_iter()
            .map(|r| (r.0.id, r))
            .collect()
    };
    Ok(rows
        .into_iter()
        .zip(mentions)
        .map(|((p, author_name), mentioned)| {
            let deleted = p.deleted_at.is_some();
            let quote = if deleted {
                None
            } else {
                p.quote_post_id
                    .and_then(|q| quoted.get(&q))
                    .map(|(q, q_name)| QuoteResponse {
                        post_id: q.id,
                        author: UserRef {
                            id: q.author_id,
                            display_name: q_name.clone(),
                        },
                        excerpt: (q.deleted_at.is_none() && can_see(q, access))
                            .then(|| excerpt(&q.body)),
                    })
            };
            let mut my_reactions = mine.remove(&p.id).unwrap_or_default();
            my_reactions.sort_by_key(|k| ReactionKind::ALL.iter().position(|a| a == k));
            PostResponse {
                id: p.id,
                thread_id: p.thread_id,
                community_id: p.community_id,
                author: UserRef {
                    id: p.author_id,
                    display_name: author_name,
                },
                is_first: p.is_first,
                body: if deleted { String::new() } else { p.body },
                body_html: if deleted { String::new() } else { p.body_html },
                quote,
                mentions: mentioned
                    .into_iter()
                    .filter_map(|id| {
                        names.get(&id).map(|n| UserRef {
                            id,
                            display_name: n.clone(),
                        })
                    })
                    .collect(),
                reactions: Reactions {
                    like: p.like_count,
                    thanks: p.thanks_count,
                    insightful: p.insightful_count,
                },
                my_reactions,
                accepted: accepted == Some(p.id),
                created_at: p.created_at.and_utc(),
                edited_at: p.edited_at.map(|t| t.and_utc()),
                deleted,
                hidden: p.hidden_at.is_some(),
            }
        })
        .collect())
}

/// One post as the caller sees it.
fn post_view(
    conn: &mut DbConn,
    access: &Access,
    thread: &Thread,
    post_id: i64,
) -> Result<PostResponse, ApiError> {
    let rows = repo::post_rows(conn, &[post_id])?;
    post_views(conn, access, thread.accepted_post_id, rows)?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// One thread's summary as the caller sees it.
fn thread_summary(
    conn: &mut DbConn,
    access: &Access,
    thread_id: i64,
) -> Result<ThreadSummary, ApiError> {
    let row = repo::thread_row(conn, thread_id, access.viewer)?;
    summaries(conn, access, vec![row])?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// The thread as `GET /api/v1/threads/{id}` gives it to the caller.
fn thread_view(
    conn: &mut DbConn,
    access: &Access,
    thread_id: i64,
) -> Result<ThreadResponse, ApiError> {
    let (thread, author_name, last_read) = repo::thread_row(conn, thread_id, access.viewer)?;
    let first_post_id = thread.first_post_id;
    let accepted = thread.accepted_post_id;
    let summary = summaries(conn, access, vec![(thread, author_name, last_read)])?
        .pop()
        .ok_or(ApiError::NotFound)?;
    let (id, name, slug) = repo::community_ref(conn, summary.community_id)?;
    let first_post = match first_post_id {
        Some(fid) => {
            let rows: Vec<PostRow> = repo::post_rows(conn, &[fid])?
                .into_iter()
                .filter(|(p, _)| can_see(p, access))
                .collect();
            post_views(conn, access, accepted, rows)?.pop()
        }
        None => None,
    };
    let first_unread_post_id = match access.viewer {
        Some(uid) => repo::first_unread(conn, thread_id, uid, last_read, access.is_moderator())?,
        None => None,
    };
    Ok(ThreadResponse {
        summary,
        community: CommunityRef { id, name, slug },
        first_post,
        first_unread_post_id,
    })
}

/// A community's threads, pinned first, then by last activity.
pub async fn list_threads(
    db: &Db,
    user: Option<AuthUser>,
    community_id: i64,
    query: ListThreadsQuery,
) -> Result<Page<ThreadSummary>, ApiError> {
    let page = PageRequest::<(bool, NaiveDateTime)>::parse(
        query.limit,
        query.cursor.as_deref(),
        THREAD_SORT,
    )?;
    let tag = query.tag.map(|t| t.trim().to_lowercase());
    // A tag no thread can carry matches nothing (and never reaches the database).
    let impossible_tag = tag
        .as_deref()
        .is_some_and(|t| !crate::forums::dto::valid_tag(t));
    db.read(move |conn| {
        let access = access::load(conn, community_id, user.as_ref())?;
        access.require_read()?;
        if impossible_tag {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        let filter = ThreadFilter {
            community_id,
            kind: query.kind.map(|k| k.as_str().to_owned()),
            tag,
            after: page.after.map(|((pinned, at), id)| (pinned, at, id)),
            limit: page.fetch_limit(),
        };
        let rows = repo::list_threads(conn, &filter, access.viewer)?;
        let page = page.finish(
            rows,
            THREAD_SORT,
            |r| ((r.0.pinned, r.0.last_activity_at), r.0.id),
            |r| r,
        );
        Ok(Page {
            items: summaries(conn, &access, page.items)?,
            next_cursor: page.next_cursor,
        })
    })
    .await
}

/// Starts a thread with its opening post; the author has read it and watches it.
pub async fn create_thread(
    db: &Db,
    user: AuthUser,
    community_id: i64,
    req: CreateThreadRequest,
) -> Result<ThreadResponse, ApiError> {
    db.write(move |conn| {
        let access = access::load(conn, community_id, Some(&user))?;
        access.require_participate()?;
        let input = NewThreadInput::try_from(req)?;
        let at = now();
        let thread = repo::insert_thread(
            conn,
            &NewThread {
                community_id,
                author_id: user.id,
                kind: input.kind.as_str().to_owned(),
                title: input.title,
                tags: String::new(),
                last_activity_at: at,
                created_at: at,
                updated_at: at,
            },
        )?;
        repo::set_tags(conn, thread.id, &input.tags)?;
        let (mentioned, names) = resolve_mentions(conn, &input.body)?;
        let body_html = markdown::render(&input.body, &names);
        let post = repo::insert_post(
            conn,
            &NewPost {
                thread_id: thread.id,
                community_id,
                author_id: user.id,
                is_first: true,
                body: input.body,
                body_html,
                quote_post_id: None,
                created_at: at,
            },
        )?;
        repo::update_thread(
            conn,
            thread.id,
            &ThreadChanges {
                first_post_id: Some(Some(post.id)),
                ..ThreadChanges::default()
            },
        )?;
        counts::recount_thread(conn, thread.id)?;
        repo::touch_community(conn, community_id, at)?;
        counts::recount_community(conn, community_id)?;
        notifications::post_created(
            conn,
            &PostCreated {
                community_id,
                thread_id: thread.id,
                post_id: post.id,
                author_id: user.id,
                is_first: true,
                mentioned,
            },
        )?;
        repo::advance_read(conn, thread.id, user.id, post.id, at)?;
        thread_view(conn, &access, thread.id)
    })
    .await
}

/// One thread with its opening post, as the caller sees it.
pub async fn get_thread(
    db: &Db,
    user: Option<AuthUser>,
    id: i64,
) -> Result<ThreadResponse, ApiError> {
    db.read(move |conn| {
        let (_, access) = readable_thread(conn, id, user.as_ref())?;
        thread_view(conn, &access, id)
    })
    .await
}

/// Changes a thread's title, tags or kind (its author or a moderator).
pub async fn update_thread(
    db: &Db,
    user: AuthUser,
    id: i64,
    if_match: Option<IfMatch>,
    req: UpdateThreadRequest,
) -> Result<ThreadResponse, ApiError> {
    db.write(move |conn| {
        let (thread, access) = readable_thread(conn, id, Some(&user))?;
        if thread.author_id != user.id && !access.is_moderator() {
            return Err(forbidden(
                "only the thread's author and moderators may change it",
            ));
        }
        repo::lock_thread(conn, id)?;
        let current = thread_view(conn, &access, id)?;
        check_precondition(&current, if_match.as_ref())?;
        let patch = ThreadPatch::try_from(req)?;
        let kind = ThreadKind::parse(&thread.kind);
        let mut changes = ThreadChanges::default();
        if let Some(title) = patch.title.filter(|t| *t != thread.title) {
            changes.title = Some(title);
        }
        if let Some(new_kind) = patch.kind.filter(|k| *k != kind) {
            changes.kind = Some(new_kind.as_str().to_owned());
            if new_kind == ThreadKind::Discussion && thread.accepted_post_id.is_some() {
                changes.accepted_post_id = Some(None);
            }
        }
        let tags = patch.tags.filter(|t| *t != thread.tag_list());
        if changes.title.is_none() && changes.kind.is_none() && tags.is_none() {
            return Ok(current);
        }
        changes.updated_at = Some(now());
        repo::update_thread(conn, id, &changes)?;
        if let Some(tags) = tags {
            repo::set_tags(conn, id, &tags)?;
        }
        thread_view(conn, &access, id)
    })
    .await
}

/// Deletes a thread (its author or a moderator); logged when a moderator deletes another's.
pub async fn delete_thread(
    db: &Db,
    user: AuthUser,
    id: i64,
    if_match: Option<IfMatch>,
) -> Result<(), ApiError> {
    db.write(move |conn| {
        let (thread, access) = readable_thread(conn, id, Some(&user))?;
        let own = thread.author_id == user.id;
        if !own && !access.is_moderator() {
            return Err(forbidden(
                "only the thread's author and moderators may delete it",
            ));
        }
        repo::lock_thread(conn, id)?;
        if if_match.is_some() {
            let current = thread_view(conn, &access, id)?;
            check_precondition(&current, if_match.as_ref())?;
        }
        let at = now();
        repo::update_thread(
            conn,
            id,
            &ThreadChanges {
                deleted_at: Some(Some(at)),
                updated_at: Some(at),
                ..ThreadChanges::default()
            },
        )?;
        counts::recount_community(conn, thread.community_id)?;
        if !own {
            audit::record(
                conn,
                &audit::Entry {
                    community_id: thread.community_id,
                    moderator_id: user.id,
                    action: "delete_thread",
                    target_user_id: Some(thread.author_id),
                    thread_id: Some(id),
                    ..audit::Entry::default()
                },
            )?;
        }
        Ok(())
    })
    .await
}

/// A page of a thread's posts in order; tombstones keep their place.
pub async fn list_posts(
    db: &Db,
    user: Option<AuthUser>,
    thread_id: i64,
    query: ListPostsQuery,
) -> Result<Page<PostResponse>, ApiError> {
    let page = PageRequest::<()>::parse(query.limit, query.cursor.as_deref(), POST_SORT)?;
    db.read(move |conn| {
        let (thread, access) = readable_thread(conn, thread_id, user.as_ref())?;
        let rows = repo::list_posts(
            conn,
            thread_id,
            query.from_post_id,
            page.after.map(|(_, id)| id),
            access.viewer,
            access.is_moderator(),
            page.fetch_limit(),
        )?;
        let page = page.finish(rows, POST_SORT, |r| ((), r.0.id), |r| r);
        Ok(Page {
            items: post_views(conn, &access, thread.accepted_post_id, page.items)?,
            next_cursor: page.next_cursor,
        })
    })
    .await
}

/// Replies in a thread.
pub async fn create_post(
    db: &Db,
    user: AuthUser,
    thread_id: i64,
    req: CreatePostRequest,
) -> Result<PostResponse, ApiError> {
    db.write(move |conn| {
        let thread = live_thread(conn, thread_id)?;
        let access = access::load(conn, thread.community_id, Some(&user))?;
        access.require_participate()?;
        if thread.locked && !access.is_moderator() {
            return Err(thread_locked());
        }
        let mut errors = Vec::new();
        check_body(&req.body, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        if let Some(q) = req.quote_post_id {
            let ok = repo::find_post(conn, q)?.is_some_and(|p| {
                p.thread_id == thread.id && p.deleted_at.is_none() && can_see(&p, &access)
            });
            if !ok {
                return Err(ApiError::invalid_field(
                    "quote_post_id",
                    "invalid_quote",
                    "must be a visible post of this thread",
                ));
            }
        }
        repo::lock_thread(conn, thread.id)?;
        let at = now();
        let (mentioned, names) = resolve_mentions(conn, &req.body)?;
        let body_html = markdown::render(&req.body, &names);
        let post = repo::insert_post(
            conn,
            &NewPost {
                thread_id: thread.id,
                community_id: thread.community_id,
                author_id: user.id,
                is_first: false,
                body: req.body,
                body_html,
                quote_post_id: req.quote_post_id,
                created_at: at,
            },
        )?;
        repo::update_thread(
            conn,
            thread.id,
            &ThreadChanges {
                last_activity_at: Some(at),
                updated_at: Some(at),
                ..ThreadChanges::default()
            },
        )?;
        counts::recount_thread(conn, thread.id)?;
        repo::touch_community(conn, thread.community_id, at)?;
        notifications::post_created(
            conn,
            &PostCreated {
                community_id: thread.community_id,
                thread_id: thread.id,
                post_id: post.id,
                author_id: user.id,
                is_first: false,
                mentioned,
            },
        )?;
        repo::advance_read(conn, thread.id, user.id, post.id, at)?;
        post_view(conn, &access, &thread, post.id)
    })
    .await
}

/// One post; hidden ones only for their author and moderators.
pub async fn get_post(db: &Db, user: Option<AuthUser>, id: i64) -> Result<PostResponse, ApiError> {
    db.read(move |conn| {
        let (_, thread, access) = readable_post(conn, id, user.as_ref())?;
        post_view(conn, &access, &thread, id)
    })
    .await
}

/// Edits a post (its author only), keeping the earlier version.
pub async fn update_post(
    db: &Db,
    user: AuthUser,
    id: i64,
    if_match: Option<IfMatch>,
    body: String,
) -> Result<PostResponse, ApiError> {
    db.write(move |conn| {
        let (post, thread, access) = readable_post(conn, id, Some(&user))?;
        if post.author_id != user.id {
            return Err(ApiError::forbidden(
                "not_author",
                "only the author may edit a post",
            ));
        }
        if access.is_banned() {
            return Err(ApiError::forbidden(
                "banned",
                "you were banned from this community",
            ));
        }
        if post.deleted_at.is_some() {
            return Err(post_deleted());
        }
        if thread.locked && !access.is_moderator() {
            return Err(thread_locked());
        }
        repo::lock_post(conn, id)?;
        let current = post_view(conn, &access, &thread, id)?;
        check_precondition(&current, if_match.as_ref())?;
        let mut errors = Vec::new();
        check_body(&body, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        if body == post.body {
            return Ok(current);
        }
        let at = now();
        repo::insert_revision(
            conn,
            &NewRevision {
                post_id: id,
                editor_id: user.id,
                body: post.body.clone(),
                written_at: post.edited_at.unwrap_or(post.created_at),
                replaced_at: at,
            },
        )?;
        let before = markdown::mentions_in_html(&post.body_html);
        let (mentioned, names) = resolve_mentions(conn, &body)?;
        let body_html = markdown::render(&body, &names);
        repo::update_post(
            conn,
            id,
            &PostChanges {
                body: Some(body),
                body_html: Some(body_html),
                edited_at: Some(Some(at)),
                ..PostChanges::default()
            },
        )?;
        let added: Vec<i64> = mentioned
            .into_iter()
            .filter(|m| !before.contains(m))
            .collect();
        if !added.is_empty() {
            notifications::mentions_added(
                conn,
                thread.community_id,
                thread.id,
                id,
                user.id,
                &added,
            )?;
        }
        post_view(conn, &access, &thread, id)
    })
    .await
}

/// Deletes a post (its author or a moderator), leaving a tombstone.
pub async fn delete_post(
    db: &Db,
    user: AuthUser,
    id: i64,
    if_match: Option<IfMatch>,
) -> Result<(), ApiError> {
    db.write(move |conn| {
        let (post, thread, access) = readable_post(conn, id, Some(&user))?;
        let own = post.author_id == user.id;
        if !own && !access.is_moderator() {
            return Err(forbidden(
                "only the author and moderators may delete a post",
            ));
        }
        if post.is_first {
            return Err(ApiError::Conflict {
                code: "opening_post",
                detail: "the opening post goes with its thread: delete the thread".to_owned(),
            });
        }
        if post.deleted_at.is_some() {
            return Ok(());
        }
        repo::lock_thread(conn, thread.id)?;
        if if_match.is_some() {
            let current = post_view(conn, &access, &thread, id)?;
            check_precondition(&current, if_match.as_ref())?;
        }
        let at = now();
        repo::update_post(
            conn,
            id,
            &PostChanges {
                body: Some(String::new()),
                body_html: Some(String::new()),
                deleted_at: Some(Some(at)),
                ..PostChanges::default()
            },
        )?;
        repo::delete_revisions(conn, id)?;
        if thread.accepted_post_id == Some(id) {
            repo::update_thread(
                conn,
                thread.id,
                &ThreadChanges {
                    accepted_post_id: Some(None),
                    updated_at: Some(at),
                    ..ThreadChanges::default()
                },
            )?;
        }
        counts::recount_thread(conn, thread.id)?;
        if !own {
            audit::record(
                conn,
                &audit::Entry {
                    community_id: thread.community_id,
                    moderator_id: user.id,
                    action: "delete_post",
                    target_user_id: Some(post.author_id),
                    thread_id: Some(thread.id),
                    post_id: Some(id),
                    ..audit::Entry::default()
                },
            )?;
        }
        Ok(())
    })
    .await
}

/// A post's earlier versions, newest first (its author and moderators).
pub async fn list_revisions(
    db: &Db,
    user: AuthUser,
    id: i64,
    query: PageQuery,
) -> Result<Page<RevisionResponse>, ApiError> {
    let page = PageRequest::<()>::parse(query.limit, query.cursor.as_deref(), REVISION_SORT)?;
    db.read(move |conn| {
        let (post, _, access) = readable_post(conn, id, Some(&user))?;
        if post.author_id != user.id && !access.is_moderator() {
            return Err(forbidden(
                "only the author and moderators may read earlier versions",
            ));
        }
        let rows = repo::revisions(conn, id, page.after.map(|(_, id)| id), page.fetch_limit())?;
        Ok(page.finish(
            rows,
            REVISION_SORT,
            |r| ((), r.0),
            |(_, body, written_at, replaced_at, editor_id, editor_name)| RevisionResponse {
                body,
                written_at: written_at.and_utc(),
                replaced_at: replaced_at.and_utc(),
                editor: UserRef {
                    id: editor_id,
                    display_name: editor_name,
                },
            },
        ))
    })
    .await
}

/// Adds (`add`) or removes the caller's reaction of `kind` to a post; idempotent.
pub async fn react(
    db: &Db,
    user: AuthUser,
    id: i64,
    kind: ReactionKind,
    add: bool,
) -> Result<ReactionsResponse, ApiError> {
    db.write(move |conn| {
        let (post, _, access) = readable_post(conn, id, Some(&user))?;
        access.require_participate()?;
        if post.deleted_at.is_some() {
            return Err(post_deleted());
        }
        if add && post.author_id == user.id {
            return Err(ApiError::forbidden(
                "own_post",
                "you cannot react to your own post",
            ));
        }
        repo::lock_post(conn, id)?;
        let changed = if add {
            repo::add_reaction(conn, id, user.id, kind.as_str(), now())?
        } else {
            repo::remove_reaction(conn, id, user.id, kind.as_str())?
        };
        if changed {
            repo::recount_reactions(conn, id, kind.as_str())?;
        }
        let post = repo::find_post(conn, id)?.ok_or(ApiError::NotFound)?;
        let mut mine: Vec<ReactionKind> = repo::reactions_of(conn, user.id, &[id])?
            .into_iter()
            .filter_map(|(_, k)| ReactionKind::parse(&k))
            .collect();
        mine.sort_by_key(|k| ReactionKind::ALL.iter().position(|a| a == k));
        Ok(ReactionsResponse {
            reactions: Reactions {
                like: post.like_count,
                thanks: post.thanks_count,
                insightful: post.insightful_count,
            },
            my_reactions: mine,
        })
    })
    .await
}

/// The thread's author or a moderator, else 403; and a question, else 409.
fn answerable(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: i64,
) -> Result<(Thread, Access), ApiError> {
    let (thread, access) = readable_thread(conn, thread_id, Some(user))?;
    if thread.author_id != user.id && !access.is_moderator() {
        return Err(forbidden(
            "only the thread's author and moderators choose the accepted answer",
        ));
    }
    if ThreadKind::parse(&thread.kind) != ThreadKind::Question {
        return Err(ApiError::Conflict {
            code: "not_a_question",
            detail: "only questions have an accepted answer".to_owned(),
        });
    }
    Ok((thread, access))
}

/// Accepts a reply as the answer of a question; its author is notified.
pub async fn accept_answer(
    db: &Db,
    user: AuthUser,
    thread_id: i64,
    post_id: i64,
) -> Result<ThreadSummary, ApiError> {
    db.write(move |conn| {
        let (thread, access) = answerable(conn, &user, thread_id)?;
        let post = repo::find_post(conn, post_id)?
            .filter(|p| {
                p.thread_id == thread.id
                    && !p.is_first
                    && p.deleted_at.is_none()
                    && p.hidden_at.is_none()
            })
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "post_id",
                    "invalid_answer",
                    "must be a visible reply in this thread",
                )
            })?;
        if thread.accepted_post_id != Some(post.id) {
            repo::update_thread(
                conn,
                thread.id,
                &ThreadChanges {
                    accepted_post_id: Some(Some(post.id)),
                    updated_at: Some(now()),
                    ..ThreadChanges::default()
                },
            )?;
            notifications::notify_one(
                conn,
                &Notice {
                    user_id: post.author_id,
                    kind: NoticeKind::AcceptedAnswer,
                    community_id: thread.community_id,
                    thread_id: Some(thread.id),
                    post_id: Some(post.id),
                    actor_id: Some(user.id),
                },
            )?;
        }
        thread_summary(conn, &access, thread.id)
    })
    .await
}

/// Clears a question's accepted answer.
pub async fn clear_answer(db: &Db, user: AuthUser, thread_id: i64) -> Result<(), ApiError> {
    db.write(move |conn| {
        let (thread, _) = answerable(conn, &user, thread_id)?;
        if thread.accepted_post_id.is_some() {
            repo::update_thread(
                conn,
                thread.id,
                &ThreadChanges {
                    accepted_post_id: Some(None),
                    updated_at: Some(now()),
                    ..ThreadChanges::default()
                },
            )?;
        }
        Ok(())
    })
    .await
}

/// Moves the caller's read state forward to a post of the thread.
pub async fn mark_read(
    db: &Db,
    user: AuthUser,
    thread_id: i64,
    post_id: i64,
) -> Result<ReadStateResponse, ApiError> {
    db.write(move |conn| {
        let (thread, access) = readable_thread(conn, thread_id, Some(&user))?;
        if repo::find_post(conn, post_id)?.is_none_or(|p| p.thread_id != thread.id) {
            return Err(ApiError::invalid_field(
                "last_read_post_id",
                "invalid_post",
                "must be a post of this thread",
            ));
        }
        repo::advance_read(conn, thread.id, user.id, post_id, now())?;
        let last = repo::last_read(conn, thread.id, user.id)?.unwrap_or(post_id);
        let unread = repo::unread_counts(conn, user.id, &[thread.id], access.is_moderator())?
            .into_iter()
            .map(|(_, n)| n)
            .sum();
        Ok(ReadStateResponse {
            last_read_post_id: last,
            unread_count: unread,
        })
    })
    .await
}
