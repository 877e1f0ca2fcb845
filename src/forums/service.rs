//! The forums' rules: who may read and write what, and the transactions that keep
//! threads, posts, counters, read state and notifications in step.
//!
//! Every function is synchronous over one connection and runs inside the caller's
//! transaction; bodies arrive parsed and rendered ([`Rendered`]), so nothing here parses
//! Markdown. Writes that touch a thread or its posts lock the thread's row first (on
//! PostgreSQL; SQLite write transactions hold the database): the counters recomputed and
//! the versions checked are then the ones committed, and locks are always taken in the
//! same order.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use crate::auth::AuthUser;
use crate::auth::policy::community::{Access, thread_locked};
use crate::communities::audit;
use crate::communities::model::Visibility;
use crate::communities::service::access as community_access;
use crate::db::{self, DbConn, now};
use crate::error::ApiError;
use crate::forums::counts;
use crate::forums::dto::{
    CommunityRef, POST_SORT, PostListInput, PostResponse, QuoteResponse, RESOURCE_POSTS_SORT,
    REVISION_SORT, Reactions, ReactionsResponse, ReadStateResponse, ResourcePostItem,
    RevisionResponse, THREAD_SORT, ThreadListInput, ThreadResponse, ThreadSummary, UserRef,
    excerpt,
};
use crate::forums::markdown::{self, Rendered};
use crate::forums::model::{
    NewPost, NewRevision, NewThread, Post, PostChanges, ReactionKind, Thread, ThreadChanges,
    ThreadKind,
};
use crate::forums::model::{NewPostInput, NewThreadInput, PostEdit, ThreadPatch};
use crate::forums::repo::{self, Hold, PostRow, ThreadFilter, ThreadRow};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest, TimeKey};
use crate::library::model::ResourceEmbed;
use crate::notifications::{self, Notice, NoticeKind, PostCreated};
use crate::types::{CommunityId, PostId, ResourceId, ThreadId, UserId};

/// The logged-in caller of `access`.
fn viewer(access: &Access) -> Option<UserId> {
    access.viewer
}

fn forbidden(detail: &str) -> ApiError {
    ApiError::forbidden("forbidden", detail.to_owned())
}

fn post_deleted() -> ApiError {
    ApiError::Conflict {
        code: "post_deleted",
        detail: "the post was deleted".to_owned(),
    }
}

/// Whether the caller sees `post`: hidden posts only for their author and moderators.
fn can_see(post: &Post, access: &Access) -> bool {
    post.hidden_at.is_none() || viewer(access) == Some(post.author_id) || access.is_moderator()
}

/// Holds a thread's row until the transaction ends.
fn lock_thread(conn: &mut DbConn, id: ThreadId) -> Result<(), ApiError> {
    Ok(db::lock_row(conn, "threads", id.get())?)
}

/// Holds the row of the thread of post `id` (if the post exists) until the transaction ends.
fn lock_thread_of(conn: &mut DbConn, id: PostId) -> Result<(), ApiError> {
    match repo::find_post(conn, id)? {
        Some(post) => lock_thread(conn, post.thread_id),
        None => Ok(()),
    }
}

/// A thread that is not deleted, and the caller's access to its community (one
/// statement, which holds the thread's row when `hold` asks); 404 for a deleted thread.
fn live_thread(
    conn: &mut DbConn,
    id: ThreadId,
    user: Option<&AuthUser>,
    hold: Hold,
) -> Result<(Thread, Access), ApiError> {
    repo::thread_with_access(conn, id, user.map(|u| (u.id, u.role)), hold)?
        .filter(|(thread, _)| thread.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

/// A live thread the caller may read, and the caller's access to its community.
fn readable_thread(
    conn: &mut DbConn,
    id: ThreadId,
    user: Option<&AuthUser>,
    hold: Hold,
) -> Result<(Thread, Access), ApiError> {
    let (thread, access) = live_thread(conn, id, user, hold)?;
    access.require_read()?;
    Ok((thread, access))
}

/// A post the caller may see, in a live thread they may read; with [`Hold::Row`], the
/// thread is held and the post read again under it (it may have changed before).
fn readable_post(
    conn: &mut DbConn,
    id: PostId,
    user: Option<&AuthUser>,
    hold: Hold,
) -> Result<(Post, Thread, Access), ApiError> {
    let post = repo::find_post(conn, id)?.ok_or(ApiError::NotFound)?;
    let (thread, access) = readable_thread(conn, post.thread_id, user, hold)?;
    let post = match hold {
        Hold::Nothing => post,
        Hold::Row => repo::find_post(conn, id)?.ok_or(ApiError::NotFound)?,
    };
    if !can_see(&post, &access) {
        return Err(ApiError::NotFound);
    }
    Ok((post, thread, access))
}

/// A body with its mentions resolved.
struct Resolved {
    /// The members it mentions who may be mentioned (active accounts).
    mentioned: Vec<UserId>,
    /// Its final HTML.
    html: String,
    /// The names of the active accounts among those mentioned and those asked for too.
    names: HashMap<UserId, String>,
}

/// Resolves `body`'s mentions, reading in the same statement the names of the active
/// accounts among `also` (a new post's author, whose name its answer shows).
fn resolve_mentions(
    conn: &mut DbConn,
    body: &Rendered,
    also: &[UserId],
) -> Result<Resolved, ApiError> {
    let wanted: Vec<UserId> = body.mentions().iter().chain(also).copied().collect();
    let names: HashMap<UserId, String> = repo::active_names(conn, &wanted)?.into_iter().collect();
    let mentioned = body
        .mentions()
        .iter()
        .copied()
        .filter(|id| names.contains_key(id))
        .collect();
    let html = body.resolve(&names);
    Ok(Resolved {
        mentioned,
        html,
        names,
    })
}

/// Writes `changes` to `thread` with its counters recomputed: one new version, or none
/// when nothing changed.
fn save_thread(
    conn: &mut DbConn,
    thread: &Thread,
    mut changes: ThreadChanges,
) -> Result<(), ApiError> {
    counts::thread_counters(conn, thread.id)?.apply(thread, &mut changes);
    Ok(repo::update_thread(conn, thread.id, &changes)?)
}

fn summary(
    t: Thread,
    author_name: String,
    last_read: Option<PostId>,
    unread: Option<i64>,
) -> ThreadSummary {
    let tags = t.tag_list();
    ThreadSummary {
        id: t.id,
        community_id: t.community_id,
        kind: t.kind,
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

/// The caller's unread posts in each of `rows` (none when not logged in): differences of
/// the threads' and the caller's counters (`counts`), plus, for a caller who does not see
/// hidden posts, their own hidden posts after their mark, read in one query and only for
/// threads that have hidden posts. Never a count over a thread's posts.
fn unread_counts(
    conn: &mut DbConn,
    access: &Access,
    rows: &[ThreadRow],
) -> Result<HashMap<ThreadId, i64>, ApiError> {
    let Some(uid) = viewer(access) else {
        return Ok(HashMap::new());
    };
    let see_hidden = access.is_moderator();
    let mut unread: HashMap<ThreadId, i64> = rows
        .iter()
        .map(|(t, _, read)| {
            let n = if see_hidden {
                t.live_count - read.map_or(0, |r| r.1)
            } else {
                t.visible_count - read.map_or(0, |r| r.2)
            };
            (t.id, n)
        })
        .collect();
    if !see_hidden {
        let with_hidden: Vec<ThreadId> = rows
            .iter()
            .filter(|(t, _, _)| t.live_count > t.visible_count)
            .map(|(t, _, _)| t.id)
            .collect();
        if !with_hidden.is_empty() {
            let marks: HashMap<ThreadId, PostId> = rows
                .iter()
                .filter_map(|(t, _, read)| read.map(|r| (t.id, r.0)))
                .collect();
            for (thread, post) in repo::own_hidden(conn, uid, &with_hidden)? {
                if marks.get(&thread).is_none_or(|m| post > *m)
                    && let Some(n) = unread.get_mut(&thread)
                {
                    *n += 1;
                }
            }
        }
    }
    // The counters are kept exact; a negative count would be a bug shown as nothing unread.
    unread.values_mut().for_each(|n| *n = (*n).max(0));
    Ok(unread)
}

/// Thread rows as the caller sees them, with their unread counts.
fn summaries(
    conn: &mut DbConn,
    access: &Access,
    rows: Vec<ThreadRow>,
) -> Result<Vec<ThreadSummary>, ApiError> {
    let unread = unread_counts(conn, access, &rows)?;
    Ok(rows
        .into_iter()
        .map(|(t, name, read)| {
            let unread = viewer(access).map(|_| unread.get(&t.id).copied().unwrap_or(0));
            summary(t, name, read.map(|r| r.0), unread)
        })
        .collect())
}

/// The caller's reactions among `ids`, each post's in the order answers list them.
fn my_reactions(
    conn: &mut DbConn,
    user: UserId,
    ids: &[PostId],
) -> Result<HashMap<PostId, Vec<ReactionKind>>, ApiError> {
    let mut mine: HashMap<PostId, Vec<ReactionKind>> = HashMap::new();
    for (post_id, kind) in repo::reactions_of(conn, user, ids)? {
        mine.entry(post_id).or_default().push(kind);
    }
    for kinds in mine.values_mut() {
        kinds.sort_by_key(|k| ReactionKind::ALL.iter().position(|a| a == k));
    }
    Ok(mine)
}

/// What a post's answer shows besides its row, for a set of posts: the resources each
/// embeds, the caller's reactions, the mentioned members' names and the quoted posts.
struct Around {
    embedded: HashMap<PostId, Vec<ResourceEmbed>>,
    mine: HashMap<PostId, Vec<ReactionKind>>,
    names: HashMap<UserId, String>,
    quoted: HashMap<PostId, PostRow>,
}

/// Post rows as the caller sees them: one query each for the caller's reactions, the
/// mentioned members' names and the quoted posts, whatever the number of posts.
fn post_views(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    access: &Access,
    accepted: Option<PostId>,
    rows: Vec<PostRow>,
) -> Result<Vec<PostResponse>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<PostId> = rows.iter().map(|r| r.0.id).collect();
    let embedded = embedded_resources(conn, reader, &rows)?;
    let mine = match viewer(access) {
        Some(uid) => my_reactions(conn, uid, &ids)?,
        None => HashMap::new(),
    };
    let mentions: Vec<Vec<UserId>> = rows
        .iter()
        .map(|(p, _)| {
            if p.deleted_at.is_some() {
                Vec::new()
            } else {
                markdown::mentions_in_html(&p.body_html)
            }
        })
        .collect();
    let mut all: Vec<UserId> = mentions.iter().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    let names: HashMap<UserId, String> = repo::names(conn, &all)?.into_iter().collect();
    let mut quote_ids: Vec<PostId> = rows
        .iter()
        .filter(|(p, _)| p.deleted_at.is_none())
        .filter_map(|(p, _)| p.quote_post_id)
        .collect();
    quote_ids.sort_unstable();
    quote_ids.dedup();
    let quoted: HashMap<PostId, PostRow> = if quote_ids.is_empty() {
        HashMap::new()
    } else {
        repo::post_rows(conn, &quote_ids)?
            .into_iter()
            .map(|r| (r.0.id, r))
            .collect()
    };
    let around = Around {
        embedded,
        mine,
        names,
        quoted,
    };
    Ok(shown(
        rows.into_iter().zip(mentions),
        around,
        access,
        accepted,
    ))
}

/// Post rows, each with the ids its HTML mentions (none for a tombstone), as the caller of
/// `access` sees them with what `around` holds for them: no query. `around.names` may hold
/// more names than the posts mention.
fn shown(
    rows: impl IntoIterator<Item = (PostRow, Vec<UserId>)>,
    mut around: Around,
    access: &Access,
    accepted: Option<PostId>,
) -> Vec<PostResponse> {
    rows.into_iter()
        .map(|((p, author_name), mentioned)| {
            let deleted = p.deleted_at.is_some();
            let quote = if deleted {
                None
            } else {
                p.quote_post_id
                    .and_then(|q| around.quoted.get(&q))
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
            let mentions = mentioned
                .into_iter()
                .filter_map(|id| {
                    around.names.get(&id).map(|n| UserRef {
                        id,
                        display_name: n.clone(),
                    })
                })
                .collect();
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
                mentions,
                reactions: Reactions {
                    like: p.like_count,
                    thanks: p.thanks_count,
                    insightful: p.insightful_count,
                },
                my_reactions: around.mine.remove(&p.id).unwrap_or_default(),
                resources: around.embedded.remove(&p.id).unwrap_or_default(),
                accepted: accepted == Some(p.id),
                created_at: p.created_at.and_utc(),
                edited_at: p.edited_at.map(|t| t.and_utc()),
                deleted,
                hidden: p.hidden_at.is_some(),
                version: p.version,
                language: p.language,
                translated_from: None,
                translation: None,
            }
        })
        .collect()
}

/// The library resources each live post of `rows` embeds that `reader` may read, in order,
/// in the reader's profile language: two queries for the posts' links, four for the
/// resources, whatever the number of posts.
fn embedded_resources(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    rows: &[PostRow],
) -> Result<HashMap<PostId, Vec<ResourceEmbed>>, ApiError> {
    let live: Vec<PostId> = rows
        .iter()
        .filter(|(p, _)| p.deleted_at.is_none())
        .map(|(p, _)| p.id)
        .collect();
    if live.is_empty() {
        return Ok(HashMap::new());
    }
    let links = repo::post_resources(conn, &live)?;
    if links.is_empty() {
        return Ok(HashMap::new());
    }
    let mut ids: Vec<ResourceId> = links.iter().map(|(_, r)| *r).collect();
    ids.sort_unstable();
    ids.dedup();
    let shown = crate::library::service::embeds(conn, reader, &ids, Preferences(Vec::new()))?;
    let mut out: HashMap<PostId, Vec<ResourceEmbed>> = HashMap::new();
    for (post, resource) in links {
        if let Some(e) = shown.get(&resource) {
            out.entry(post).or_default().push(e.clone());
        }
    }
    Ok(out)
}

/// One post as the caller sees it.
fn post_view(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    access: &Access,
    accepted: Option<PostId>,
    post_id: PostId,
) -> Result<PostResponse, ApiError> {
    let rows = repo::post_rows(conn, &[post_id])?;
    post_views(conn, reader, access, accepted, rows)?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// One thread's summary as the caller sees it.
fn thread_summary(
    conn: &mut DbConn,
    access: &Access,
    thread_id: ThreadId,
) -> Result<ThreadSummary, ApiError> {
    let row = repo::thread_row(conn, thread_id, viewer(access))?;
    summaries(conn, access, vec![row])?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// The thread as `GET /api/v1/threads/{id}` gives it to the caller.
fn thread_view(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    access: &Access,
    thread_id: ThreadId,
) -> Result<ThreadResponse, ApiError> {
    let (thread, author_name, read) = repo::thread_row(conn, thread_id, viewer(access))?;
    let first_post_id = thread.first_post_id;
    let accepted = thread.accepted_post_id;
    let version = thread.version;
    let last_read = read.map(|r| r.0);
    let summary = summaries(conn, access, vec![(thread, author_name, read)])?
        .pop()
        .ok_or(ApiError::NotFound)?;
    let (id, name, slug) = repo::community_ref(conn, summary.community_id)?;
    let first_post = match first_post_id {
        Some(fid) => {
            let rows: Vec<PostRow> = repo::post_rows(conn, &[fid])?
                .into_iter()
                .filter(|(p, _)| can_see(p, access))
                .collect();
            post_views(conn, reader, access, accepted, rows)?.pop()
        }
        None => None,
    };
    let first_unread_post_id = match viewer(access) {
        Some(uid) => repo::first_unread(conn, thread_id, uid, last_read, access.is_moderator())?,
        None => None,
    };
    Ok(ThreadResponse {
        summary,
        community: CommunityRef { id, name, slug },
        first_post,
        first_unread_post_id,
        version,
    })
}

/// A post just added, with the names of the active accounts among its author and the
/// members it mentions (read to write it).
struct Added {
    post: Post,
    names: HashMap<UserId, String>,
}

/// Adds a post by `author` to `thread` (in a community of `visibility`) at `at`: its
/// opening post (`is_first`), or a reply, which is the thread's new activity. The author's
/// name, when the caller carries it (`AuthUser::name`), is not read again. The thread's
/// counters follow (one new version), the community's activity moves, watchers and
/// mentioned members are notified, the author watches the thread and has read up to the
/// post.
fn add_post(
    conn: &mut DbConn,
    thread: &Thread,
    visibility: Visibility,
    (author, author_name): (UserId, Option<&str>),
    is_first: bool,
    input: NewPostInput,
    at: NaiveDateTime,
) -> Result<Added, ApiError> {
    let NewPostInput {
        body,
        quote_post_id,
        resources,
        language,
    } = input;
    let language = match language {
        Some(language) => language,
        None => {
            crate::post_translations::service::fallback_language(conn, author, thread.community_id)?
        }
    };
    let also: &[UserId] = match author_name {
        Some(_) => &[],
        None => &[author],
    };
    let Resolved {
        mentioned,
        html: body_html,
        mut names,
    } = resolve_mentions(conn, &body, also)?;
    if let Some(name) = author_name {
        names.insert(author, name.to_owned());
    }
    let post = repo::insert_post(
        conn,
        &NewPost {
            thread_id: thread.id,
            community_id: thread.community_id,
            author_id: author,
            is_first,
            body: body.markdown,
            body_html,
            quote_post_id,
            created_at: at,
            language,
            seq: thread.post_count + 1,
        },
    )?;
    if !resources.is_empty() {
        repo::set_post_resources(conn, post.id, &resources)?;
    }
    // The author has read up to their post, the last: every post of the thread is at or
    // before it.
    let mark = counts::Mark {
        post_id: post.id,
        read_live: thread.live_count + 1,
        read_visible: thread.visible_count + 1,
    };
    // Counters by increment, not by recount: the thread is locked, and a new post is
    // visible and has the highest id (after every reader's mark: theirs stay).
    if is_first {
        let mut changes = ThreadChanges {
            first_post_id: Some(Some(post.id)),
            post_count: Some(thread.post_count + 1),
            live_count: Some(thread.live_count + 1),
            visible_count: Some(thread.visible_count + 1),
            ..ThreadChanges::default()
        };
        counts::Counters {
            reply_count: thread.reply_count,
            last_post_id: Some(post.id),
        }
        .apply(thread, &mut changes);
        repo::update_thread(conn, thread.id, &changes)?;
        repo::advance_read(conn, thread.id, author, mark, at)?;
        repo::touch_community(conn, thread.community_id, at)?;
    } else {
        let reply = repo::Reply {
            thread: thread.id,
            community: thread.community_id,
            post: post.id,
            author,
            mark,
            at,
        };
        repo::record_reply(conn, &reply)?;
    }
    notifications::post_created(
        conn,
        &PostCreated {
            community_id: thread.community_id,
            thread_id: thread.id,
            post_id: post.id,
            author_id: author,
            is_first,
            mentioned,
            visibility,
        },
    )?;
    Ok(Added { post, names })
}

/// A community's threads, pinned first, then by last activity.
pub fn list_threads(
    conn: &mut DbConn,
    user: Option<&AuthUser>,
    community_id: CommunityId,
    input: ThreadListInput,
) -> Result<Page<ThreadSummary>, ApiError> {
    let access = community_access(conn, community_id, user)?;
    access.require_read()?;
    if input.impossible_tag {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let page = input.page;
    let filter = ThreadFilter {
        community_id,
        kind: input.kind,
        tag: input.tag,
        after: page
            .after
            .map(|((pinned, at), id)| (pinned, at.0, ThreadId(id))),
        limit: page.fetch_limit(),
    };
    let rows = repo::list_threads(conn, &filter, viewer(&access))?;
    let page = page.finish(
        rows,
        THREAD_SORT,
        |r| ((r.0.pinned, TimeKey(r.0.last_activity_at)), r.0.id.get()),
        |r| r,
    );
    Ok(Page {
        items: summaries(conn, &access, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// Starts a thread with its opening post; the author has read it and watches it.
pub fn create_thread(
    conn: &mut DbConn,
    user: &AuthUser,
    community_id: CommunityId,
    input: NewThreadInput,
) -> Result<ThreadResponse, ApiError> {
    let access = community_access(conn, community_id, Some(user))?;
    access.require_participate()?;
    crate::library::service::require_linkable(conn, user, &input.resources, "resource_ids")?;
    let thread = open_thread(conn, user.id, &access, input)?;
    thread_view(conn, Some(user), &access, thread.id)
}

/// Starts a thread by `author` with its opening post, as [`create_thread`] does, for
/// another domain that decided the author may (a cohort's announcement in its space,
/// `cohorts::space`): no community rule is asked here (the community's visibility is read,
/// for whom the new thread reaches). Answers the new thread's row.
pub fn start_thread(
    conn: &mut DbConn,
    author: UserId,
    community_id: CommunityId,
    input: NewThreadInput,
) -> Result<Thread, ApiError> {
    let community = community_access(conn, community_id, None)?;
    open_thread(conn, author, &community, input)
}

/// Starts a thread by `author` in the community of `access` with its opening post.
fn open_thread(
    conn: &mut DbConn,
    author: UserId,
    access: &Access,
    input: NewThreadInput,
) -> Result<Thread, ApiError> {
    let community_id = access.community_id;
    let at = now();
    let thread = repo::insert_thread(
        conn,
        &NewThread {
            community_id,
            author_id: author,
            kind: input.kind,
            title: input.title,
            tags: String::new(),
            last_activity_at: at,
            created_at: at,
            updated_at: at,
        },
    )?;
    repo::set_tags(conn, thread.id, &input.tags)?;
    let opening = NewPostInput {
        body: input.body,
        quote_post_id: None,
        resources: input.resources,
        language: input.language,
    };
    add_post(
        conn,
        &thread,
        access.visibility,
        (author, None),
        true,
        opening,
        at,
    )?;
    counts::add_thread(conn, community_id)?;
    Ok(thread)
}

/// One thread with its opening post, as the caller sees it.
pub fn get_thread(
    conn: &mut DbConn,
    user: Option<&AuthUser>,
    id: ThreadId,
) -> Result<ThreadResponse, ApiError> {
    let (_, access) = readable_thread(conn, id, user, Hold::Nothing)?;
    thread_view(conn, user, &access, id)
}

/// Changes a thread's title, tags or kind (its author or a moderator), if it is still the
/// version `if_match` names. A change to nothing changes nothing, not even the version.
pub fn update_thread(
    conn: &mut DbConn,
    user: &AuthUser,
    id: ThreadId,
    patch: ThreadPatch,
    if_match: Option<&IfMatch>,
) -> Result<ThreadResponse, ApiError> {
    let (thread, access) = readable_thread(conn, id, Some(user), Hold::Row)?;
    access.require_author(
        thread.author_id == user.id,
        thread.locked,
        forbidden("only the thread's author and moderators may change it"),
    )?;
    thread.check_if_match(if_match)?;
    let mut changes = ThreadChanges::default();
    if let Some(title) = patch.title.filter(|t| *t != thread.title) {
        changes.title = Some(title);
    }
    if let Some(kind) = patch.kind.filter(|k| *k != thread.kind) {
        changes.kind = Some(kind);
        if kind == ThreadKind::Discussion && thread.accepted_post_id.is_some() {
            changes.accepted_post_id = Some(None);
        }
    }
    let tags = patch.tags.filter(|t| *t != thread.tag_list());
    if changes.is_empty() && tags.is_none() {
        return thread_view(conn, Some(user), &access, id);
    }
    // `updated_at` makes the changes non-empty: tags alone are a new version too.
    changes.updated_at = Some(now());
    if let Some(tags) = tags {
        repo::set_tags(conn, id, &tags)?;
    }
    if changes.accepted_post_id.is_some()
        && let Some(old) = thread.accepted_post_id
    {
        repo::bump_post(conn, old)?;
    }
    repo::update_thread(conn, id, &changes)?;
    thread_view(conn, Some(user), &access, id)
}

/// Deletes a thread (its author or a moderator), if it is still the version `if_match`
/// names; logged when a moderator deletes another's.
pub fn delete_thread(
    conn: &mut DbConn,
    user: &AuthUser,
    id: ThreadId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let (thread, access) = readable_thread(conn, id, Some(user), Hold::Row)?;
    let own = thread.author_id == user.id;
    access.require_author(
        own,
        false,
        forbidden("only the thread's author and moderators may delete it"),
    )?;
    thread.check_if_match(if_match)?;
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
    log_deletion(conn, user, own, &thread, thread.author_id, None)
}

/// A page of a thread's posts in order; tombstones keep their place.
pub fn list_posts(
    conn: &mut DbConn,
    user: Option<&AuthUser>,
    thread_id: ThreadId,
    input: PostListInput,
) -> Result<Page<PostResponse>, ApiError> {
    let (thread, access) = readable_thread(conn, thread_id, user, Hold::Nothing)?;
    let page = input.page;
    let rows = repo::list_posts(
        conn,
        thread_id,
        input.from,
        page.after.map(|(_, id)| PostId(id)),
        viewer(&access),
        access.is_moderator(),
        page.fetch_limit(),
    )?;
    let page = page.finish(rows, POST_SORT, |r| ((), r.0.id.get()), |r| r);
    Ok(Page {
        items: post_views(conn, user, &access, thread.accepted_post_id, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// Replies in a thread.
pub fn create_post(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: ThreadId,
    input: NewPostInput,
) -> Result<PostResponse, ApiError> {
    let (thread, access) = live_thread(conn, thread_id, Some(user), Hold::Row)?;
    access.require_participate()?;
    if thread.locked && !access.is_moderator() {
        return Err(thread_locked());
    }
    let quoted = match input.quote_post_id {
        Some(q) => {
            let row = repo::post_rows(conn, &[q])?.pop().filter(|(p, _)| {
                p.thread_id == thread.id && p.deleted_at.is_none() && can_see(p, &access)
            });
            if row.is_none() {
                return Err(ApiError::invalid_field(
                    "quote_post_id",
                    "invalid_quote",
                    "must be a visible post of this thread",
                ));
            }
            row
        }
        None => None,
    };
    crate::library::service::require_linkable(conn, user, &input.resources, "resource_ids")?;
    let resources = input.resources.clone();
    let Added { post, names } = add_post(
        conn,
        &thread,
        access.visibility,
        (user.id, user.name.as_deref()),
        false,
        input,
        now(),
    )?;
    // The answer from what this transaction holds: the post as written, its author's name
    // (kept with the login) and the mentioned members', the quoted post; a post just written
    // has no reactions.
    let Some(author_name) = names.get(&user.id).cloned() else {
        // An actor without a kept name whose account is not active any more: the post as
        // stored says what its author is called.
        return post_view(conn, Some(user), &access, thread.accepted_post_id, post.id);
    };
    let embedded = if resources.is_empty() {
        HashMap::new()
    } else {
        let shown =
            crate::library::service::embeds(conn, Some(user), &resources, Preferences(Vec::new()))?;
        let embeds = resources.iter().filter_map(|r| shown.get(r).cloned());
        HashMap::from([(post.id, embeds.collect())])
    };
    let mentioned = markdown::mentions_in_html(&post.body_html);
    let around = Around {
        embedded,
        mine: HashMap::new(),
        names,
        quoted: quoted.into_iter().map(|r| (r.0.id, r)).collect(),
    };
    shown(
        [((post, author_name), mentioned)],
        around,
        &access,
        thread.accepted_post_id,
    )
    .pop()
    .ok_or(ApiError::NotFound)
}

/// One post; hidden ones only for their author and moderators.
pub fn get_post(
    conn: &mut DbConn,
    user: Option<&AuthUser>,
    id: PostId,
) -> Result<PostResponse, ApiError> {
    let (_, thread, access) = readable_post(conn, id, user, Hold::Nothing)?;
    post_view(conn, user, &access, thread.accepted_post_id, id)
}

/// Shows each post of `posts` in the reader's language where a published translation into
/// it exists (the post translations' rule), and returns the languages the answer's texts
/// are in (its `Content-Language`).
pub fn localise(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    prefs: Preferences,
    posts: &mut [PostResponse],
) -> Result<Vec<String>, ApiError> {
    let originals: Vec<_> = posts.iter().map(PostResponse::original).collect();
    let mut shown = crate::post_translations::service::for_reader(conn, reader, prefs, &originals)?;
    for post in posts.iter_mut() {
        if let Some(t) = shown.remove(&post.id) {
            post.show(t);
        }
    }
    Ok(crate::http::language::distinct(
        posts.iter().map(|p| p.language.as_str()),
    ))
}

/// Edits a post (its author only), keeping the earlier version, if it is still the version
/// `if_match` names. The same text again changes nothing.
pub fn update_post(
    conn: &mut DbConn,
    user: &AuthUser,
    id: PostId,
    edit: PostEdit,
    if_match: Option<&IfMatch>,
) -> Result<PostResponse, ApiError> {
    let (post, thread, access) = readable_post(conn, id, Some(user), Hold::Row)?;
    if post.author_id != user.id {
        // Only its author edits a post; moderators hide or delete it.
        return Err(ApiError::forbidden(
            "not_author",
            "only the author may edit a post",
        ));
    }
    if post.deleted_at.is_some() {
        return Err(post_deleted());
    }
    // The author's powers as they are now: an active member, in a thread still open
    // (a moderator editing their own post in a locked thread may).
    access.require_author(
        true,
        thread.locked,
        forbidden("only the author may edit a post"),
    )?;
    post.check_if_match(if_match)?;
    let resources_changed = match &edit.resources {
        Some(ids) => {
            let current: Vec<ResourceId> = repo::post_resources(conn, &[id])?
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            if current == *ids {
                false
            } else {
                crate::library::service::require_linkable(conn, user, ids, "resource_ids")?;
                repo::set_post_resources(conn, id, ids)?;
                true
            }
        }
        None => false,
    };
    let language = edit.language.filter(|l| *l != post.language);
    if edit.body.markdown == post.body {
        if resources_changed || language.is_some() {
            repo::update_post(
                conn,
                &post,
                &PostChanges {
                    edited_at: Some(Some(now())),
                    language,
                    ..PostChanges::default()
                },
            )?;
        }
        return post_view(conn, Some(user), &access, thread.accepted_post_id, id);
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
    let before: HashSet<UserId> = markdown::mentions_in_html(&post.body_html)
        .into_iter()
        .collect();
    let Resolved {
        mentioned,
        html: body_html,
        ..
    } = resolve_mentions(conn, &edit.body, &[])?;
    repo::update_post(
        conn,
        &post,
        &PostChanges {
            body: Some(edit.body.markdown),
            body_html: Some(body_html),
            edited_at: Some(Some(at)),
            language,
            ..PostChanges::default()
        },
    )?;
    let added: Vec<UserId> = mentioned
        .into_iter()
        .filter(|m| !before.contains(m))
        .collect();
    if !added.is_empty() {
        notifications::mentions_added(conn, thread.community_id, thread.id, id, user.id, &added)?;
    }
    post_view(conn, Some(user), &access, thread.accepted_post_id, id)
}

/// Deletes a post (its author or a moderator), leaving a tombstone, if it is still the
/// version `if_match` names.
pub fn delete_post(
    conn: &mut DbConn,
    user: &AuthUser,
    id: PostId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let (post, thread, access) = readable_post(conn, id, Some(user), Hold::Row)?;
    let own = post.author_id == user.id;
    access.require_author(
        own,
        false,
        forbidden("only the author and moderators may delete a post"),
    )?;
    if post.is_first {
        return Err(ApiError::Conflict {
            code: "opening_post",
            detail: "the opening post goes with its thread: delete the thread".to_owned(),
        });
    }
    if post.deleted_at.is_some() {
        return Ok(());
    }
    post.check_if_match(if_match)?;
    let at = now();
    repo::update_post(
        conn,
        &post,
        &PostChanges {
            body: Some(String::new()),
            body_html: Some(String::new()),
            deleted_at: Some(Some(at)),
            ..PostChanges::default()
        },
    )?;
    repo::delete_revisions(conn, id)?;
    counts::post_standing_changed(conn, &post, true, post.hidden_at.is_some())?;
    let mut changes = ThreadChanges::default();
    if thread.accepted_post_id == Some(id) {
        changes.accepted_post_id = Some(None);
        changes.updated_at = Some(at);
    }
    save_thread(conn, &thread, changes)?;
    log_deletion(conn, user, own, &thread, post.author_id, Some(id))
}

/// Logs that a moderator deleted `author`'s thread, or their post `post` in it; an author
/// deleting their own is not moderation and is not logged.
fn log_deletion(
    conn: &mut DbConn,
    user: &AuthUser,
    own: bool,
    thread: &Thread,
    author: UserId,
    post: Option<PostId>,
) -> Result<(), ApiError> {
    if own {
        return Ok(());
    }
    audit::record(
        conn,
        &audit::Entry {
            community_id: thread.community_id.get(),
            moderator_id: user.id.get(),
            action: if post.is_some() {
                "delete_post"
            } else {
                "delete_thread"
            },
            target_user_id: Some(author.get()),
            thread_id: Some(thread.id.get()),
            post_id: post.map(PostId::get),
            ..audit::Entry::default()
        },
    )
}

/// A post's earlier versions, newest first (its author and moderators).
pub fn list_revisions(
    conn: &mut DbConn,
    user: &AuthUser,
    id: PostId,
    page: PageRequest<()>,
) -> Result<Page<RevisionResponse>, ApiError> {
    let (post, _, access) = readable_post(conn, id, Some(user), Hold::Nothing)?;
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
}

/// Adds (`add`) or removes the caller's reaction of `kind` to a post; idempotent. A change
/// of the counts is a new version of the post.
pub fn react(
    conn: &mut DbConn,
    user: &AuthUser,
    id: PostId,
    kind: ReactionKind,
    add: bool,
) -> Result<ReactionsResponse, ApiError> {
    let (post, _, access) = readable_post(conn, id, Some(user), Hold::Row)?;
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
    let changed = if add {
        repo::add_reaction(conn, id, user.id, kind, now())?
    } else {
        repo::remove_reaction(conn, id, user.id, kind)?
    };
    if changed {
        repo::recount_reactions(conn, &post, kind)?;
    }
    let post = repo::find_post(conn, id)?.ok_or(ApiError::NotFound)?;
    Ok(ReactionsResponse {
        reactions: Reactions {
            like: post.like_count,
            thanks: post.thanks_count,
            insightful: post.insightful_count,
        },
        my_reactions: my_reactions(conn, user.id, &[id])?
            .remove(&id)
            .unwrap_or_default(),
    })
}

/// The thread's author or a moderator, else 403; and a question, else 409.
fn answerable(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: ThreadId,
) -> Result<(Thread, Access), ApiError> {
    let (thread, access) = readable_thread(conn, thread_id, Some(user), Hold::Row)?;
    access.require_author(
        thread.author_id == user.id,
        false,
        forbidden("only the thread's author and moderators choose the accepted answer"),
    )?;
    if thread.kind != ThreadKind::Question {
        return Err(ApiError::Conflict {
            code: "not_a_question",
            detail: "only questions have an accepted answer".to_owned(),
        });
    }
    Ok((thread, access))
}

/// Sets (or clears) a question's accepted answer: a new version of the thread and of the
/// posts that gain or lose the mark.
fn set_accepted(
    conn: &mut DbConn,
    thread: &Thread,
    accepted: Option<PostId>,
) -> Result<(), ApiError> {
    for post in [thread.accepted_post_id, accepted].into_iter().flatten() {
        repo::bump_post(conn, post)?;
    }
    Ok(repo::update_thread(
        conn,
        thread.id,
        &ThreadChanges {
            accepted_post_id: Some(accepted),
            updated_at: Some(now()),
            ..ThreadChanges::default()
        },
    )?)
}

/// Accepts a reply as the answer of a question; its author is notified.
pub fn accept_answer(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: ThreadId,
    post_id: PostId,
) -> Result<ThreadSummary, ApiError> {
    let (thread, access) = answerable(conn, user, thread_id)?;
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
        set_accepted(conn, &thread, Some(post.id))?;
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
}

/// Clears a question's accepted answer.
pub fn clear_answer(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: ThreadId,
) -> Result<(), ApiError> {
    let (thread, _) = answerable(conn, user, thread_id)?;
    if thread.accepted_post_id.is_some() {
        set_accepted(conn, &thread, None)?;
    }
    Ok(())
}

/// Moves the caller's read state forward to a post of the thread. The thread's row is held
/// so that the mark's counts and a concurrent hide, restore or deletion (which move the
/// counts of the readers past the post) are applied in turn.
pub fn mark_read(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: ThreadId,
    post_id: PostId,
) -> Result<ReadStateResponse, ApiError> {
    let (thread, access) = readable_thread(conn, thread_id, Some(user), Hold::Row)?;
    let post = repo::find_post(conn, post_id)?
        .filter(|p| p.thread_id == thread.id)
        .ok_or_else(|| {
            ApiError::invalid_field(
                "last_read_post_id",
                "invalid_post",
                "must be a post of this thread",
            )
        })?;
    if repo::last_read(conn, thread.id, user.id)?.is_none_or(|last| last < post_id) {
        let mark = counts::mark_at(conn, &thread, post_id, post.seq)?;
        repo::advance_read(conn, thread.id, user.id, mark, now())?;
    }
    let row = repo::thread_row(conn, thread.id, Some(user.id))?;
    let last = row.2.map_or(post_id, |r| r.0);
    let unread = unread_counts(conn, &access, std::slice::from_ref(&row))?
        .get(&thread.id)
        .copied()
        .unwrap_or(0);
    Ok(ReadStateResponse {
        last_read_post_id: last,
        unread_count: unread,
    })
}

/// Hides a post (`by` the moderator) or shows it again (`None`), for moderation: a new
/// version of the post, and of its thread when its counters or opening post change.
/// Returns the post as it was.
pub fn set_hidden(
    conn: &mut DbConn,
    post_id: PostId,
    by: Option<UserId>,
) -> Result<Post, ApiError> {
    lock_thread_of(conn, post_id)?;
    let post = repo::find_post(conn, post_id)?.ok_or(ApiError::NotFound)?;
    let thread = repo::find_thread(conn, post.thread_id)?.ok_or(ApiError::NotFound)?;
    let at = now();
    repo::update_post(
        conn,
        &post,
        &PostChanges {
            hidden_at: Some(by.map(|_| at)),
            hidden_by: Some(by),
            ..PostChanges::default()
        },
    )?;
    counts::post_standing_changed(conn, &post, post.deleted_at.is_some(), by.is_some())?;
    save_thread(conn, &thread, ThreadChanges::default())?;
    Ok(post)
}

/// A moderator's switch on a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadSwitch {
    /// Only moderators may post (`true`), or everyone again.
    Locked(bool),
    /// At the top of the community's list (`true`), or in its place again.
    Pinned(bool),
}

/// Sets a thread's lock or pin, for moderation; `true` when that changed something (a new
/// version), `false` when the thread already was so.
pub fn switch_thread(
    conn: &mut DbConn,
    thread_id: ThreadId,
    switch: ThreadSwitch,
) -> Result<bool, ApiError> {
    lock_thread(conn, thread_id)?;
    let thread = repo::find_thread(conn, thread_id)?.ok_or(ApiError::NotFound)?;
    let changes = match switch {
        ThreadSwitch::Locked(on) if on != thread.locked => ThreadChanges {
            locked: Some(on),
            ..ThreadChanges::default()
        },
        ThreadSwitch::Pinned(on) if on != thread.pinned => ThreadChanges {
            pinned: Some(on),
            ..ThreadChanges::default()
        },
        _ => return Ok(false),
    };
    repo::update_thread(conn, thread_id, &changes)?;
    Ok(true)
}

/// The visible posts that embed resource `id` (which the caller may read), in communities
/// the caller reads, newest first.
pub fn posts_using(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    id: ResourceId,
    page: PageRequest<i64>,
) -> Result<Page<ResourcePostItem>, ApiError> {
    crate::library::service::readable(conn, reader, id)?;
    let rows = repo::posts_using(
        conn,
        id,
        reader.map(|u| u.id),
        page.after.map(|(_, i)| PostId(i)),
        page.fetch_limit(),
    )?;
    Ok(page.finish(
        rows,
        RESOURCE_POSTS_SORT,
        |r| (r.0.get(), r.0.get()),
        |(post_id, thread_id, thread_title, (id, name, slug), at)| ResourcePostItem {
            post_id,
            thread_id,
            thread_title,
            community: CommunityRef { id, name, slug },
            created_at: at.and_utc(),
            href: format!("/api/v1/posts/{post_id}"),
        },
    ))
}
