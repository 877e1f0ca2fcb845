//! The rules of post translations: who may read, ask for, write and hide them; how a page
//! of posts is answered in the reader's language; what a machine translation publishes.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::accounts::service::reader_preferences;
use crate::auth::AuthUser;
use crate::auth::policy::community::{Access, thread_locked};
use crate::communities::audit::{self, Entry};
use crate::communities::service::access as community_access;
use crate::db::{DbConn, now};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::notifications::{self, Notice, NoticeKind};
use crate::post_translations::dto::{
    PostTranslationRequestResponse, PostTranslationResponse, TranslatorRef,
};
use crate::post_translations::model::{
    MachineJob, MachineState, NewMachineJob, Original, PostTranslation, ShownTranslation,
    TranslationInput, TranslationOrigin, TranslationText, digest,
};
use crate::post_translations::repo::{self, SourcePost};
use crate::types::{PostId, UserId};

pub use crate::post_translations::detect::{chosen_language, post_language};

/// The language of a post whose language the author did not choose and detection could
/// not tell: the author's preferred language, else the community's, else English.
pub fn fallback_language(
    conn: &mut DbConn,
    author: UserId,
    community: crate::types::CommunityId,
) -> Result<String, ApiError> {
    let (preferred, community) = repo::languages_of(conn, author, community)?;
    Ok(preferred
        .filter(|l| !l.is_empty())
        .or(community.filter(|l| !l.is_empty()))
        .unwrap_or_else(|| "en".to_owned()))
}

/// The published translation to show for each of `posts` in the reader's language, where
/// one into it exists (one query for the whole page), by post. Posts that are not
/// `visible` (deleted, hidden) keep their original: a hidden post's translations are
/// never served.
pub fn for_reader(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    prefs: Preferences,
    posts: &[Original<'_>],
) -> Result<HashMap<PostId, ShownTranslation>, ApiError> {
    let prefs = reader_preferences(conn, prefs, reader)?;
    let wanted: Vec<PostId> = posts
        .iter()
        .filter(|p| p.visible)
        .filter(|p| prefs.0.iter().any(|l| l != p.language))
        .map(|p| p.id)
        .collect();
    let mut shown = HashMap::new();
    if wanted.is_empty() {
        return Ok(shown);
    }
    let mut by_post: HashMap<PostId, Vec<PostTranslation>> = HashMap::new();
    for t in repo::published_for(conn, &wanted)? {
        by_post.entry(t.post_id).or_default().push(t);
    }
    let mut translator_ids: Vec<UserId> = by_post
        .values()
        .flatten()
        .filter_map(|t| t.translator_id)
        .collect();
    translator_ids.sort_unstable();
    translator_ids.dedup();
    let names: HashMap<UserId, String> = repo::names(conn, &translator_ids)?.into_iter().collect();
    for post in posts {
        let Some(found) = by_post.remove(&post.id) else {
            continue;
        };
        let mut available = vec![post.language.to_owned()];
        available.extend(found.iter().map(|t| t.language.clone()));
        let Some(chosen) = prefs.pick(&available, post.language) else {
            continue;
        };
        if chosen == post.language {
            continue;
        }
        let Some(t) = found.into_iter().find(|t| t.language == chosen) else {
            continue;
        };
        let staleness = t.staleness(post.markdown, post.written_at);
        let translator = t
            .translator_id
            .map(|id| (id, names.get(&id).cloned().unwrap_or_default()));
        shown.insert(
            post.id,
            ShownTranslation {
                language: t.language,
                origin: t.origin,
                translator,
                staleness,
                body: t.body,
                body_html: t.body_html,
                updated_at: t.updated_at,
                version: t.version,
            },
        );
    }
    Ok(shown)
}

/// A post whose translations the caller may use: visible (not deleted, not hidden, in a
/// live thread) in a community they may read; 404 otherwise.
fn readable(
    conn: &mut DbConn,
    user: Option<&AuthUser>,
    id: PostId,
) -> Result<(SourcePost, Access), ApiError> {
    let post = repo::source_post(conn, id)?.ok_or(ApiError::NotFound)?;
    if post.thread_deleted_at.is_some() || post.deleted_at.is_some() {
        return Err(ApiError::NotFound);
    }
    let access = community_access(conn, post.community_id, user)?;
    access.require_read()?;
    if post.hidden_at.is_some() {
        return Err(ApiError::NotFound);
    }
    Ok((post, access))
}

/// A target language of a post: not the post's own (422 `is_original_language`).
fn other_language(post: &SourcePost, language: &str) -> Result<(), ApiError> {
    if post.language == language {
        return Err(ApiError::invalid_field(
            "language",
            "is_original_language",
            format!("the post is written in `{language}`"),
        ));
    }
    Ok(())
}

fn view(
    conn: &mut DbConn,
    post: &SourcePost,
    t: PostTranslation,
) -> Result<PostTranslationResponse, ApiError> {
    let translator = match t.translator_id {
        Some(id) => repo::names(conn, &[id])?
            .into_iter()
            .next()
            .map(|(id, display_name)| TranslatorRef { id, display_name }),
        None => None,
    };
    let (outdated, source_updated_at) = t.staleness(&post.body, post.written_at()).answer();
    Ok(PostTranslationResponse {
        post_id: post.id,
        outdated,
        source_language: post.language.clone(),
        source_updated_at,
        language: t.language,
        origin: t.origin,
        translator,
        body: t.body,
        body_html: t.body_html,
        updated_at: t.updated_at.and_utc(),
        hidden: t.hidden_at.is_some(),
        version: t.version,
    })
}

/// A post's translations, by language; hidden ones only for moderators.
pub fn list(
    conn: &mut DbConn,
    user: Option<&AuthUser>,
    id: PostId,
) -> Result<Vec<PostTranslationResponse>, ApiError> {
    let (post, access) = readable(conn, user, id)?;
    let moderator = access.is_moderator();
    repo::all_for(conn, id)?
        .into_iter()
        .filter(|t| t.hidden_at.is_none() || moderator)
        .map(|t| view(conn, &post, t))
        .collect()
}

/// A post's translation into `language`; a hidden one only for moderators.
pub fn get(
    conn: &mut DbConn,
    user: Option<&AuthUser>,
    id: PostId,
    language: &str,
) -> Result<PostTranslationResponse, ApiError> {
    let (post, access) = readable(conn, user, id)?;
    let t = repo::find(conn, id, language)?
        .filter(|t| t.hidden_at.is_none() || access.is_moderator())
        .ok_or(ApiError::NotFound)?;
    view(conn, &post, t)
}

/// Tells the members who asked for `post` in `language` that a translation is published.
fn notify_requesters(
    conn: &mut DbConn,
    post: &SourcePost,
    language: &str,
    actor: Option<UserId>,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    for user_id in repo::take_unnotified(conn, post.id, language, at)? {
        notifications::notify_one(
            conn,
            &Notice {
                user_id,
                kind: NoticeKind::PostTranslated,
                community_id: post.community_id,
                thread_id: Some(post.thread_id),
                post_id: Some(post.id),
                actor_id: actor,
            },
        )?;
    }
    Ok(())
}

/// Writes a member's translation of a post (members who may post in its thread). It
/// replaces a machine translation, or another member's; a hidden one only a moderator
/// replaces (409 `translation_hidden`). Returns it and whether it is new.
pub fn put(
    conn: &mut DbConn,
    user: &AuthUser,
    id: PostId,
    language: &str,
    input: TranslationInput,
) -> Result<(PostTranslationResponse, bool), ApiError> {
    crate::db::lock_row(conn, "posts", id.get())?;
    let (post, access) = readable(conn, Some(user), id)?;
    access.require_participate()?;
    if post.thread_locked && !access.is_moderator() {
        return Err(thread_locked());
    }
    other_language(&post, language)?;
    let existing = repo::find(conn, id, language)?;
    if existing.as_ref().is_some_and(|t| t.hidden_at.is_some()) && !access.is_moderator() {
        return Err(ApiError::Conflict {
            code: "translation_hidden",
            detail: "a moderator hid this translation".to_owned(),
        });
    }
    if let Some(t) = &existing
        && t.origin == TranslationOrigin::Member
        && t.translator_id == Some(user.id)
        && t.body == input.body
        && !t.outdated_for(&post.body)
    {
        // The same text again: nothing changes.
        return Ok((view(conn, &post, t.clone())?, false));
    }
    let at = now();
    let created = repo::put(
        conn,
        id,
        language,
        &TranslationText {
            origin: TranslationOrigin::Member,
            translator_id: Some(user.id),
            body: input.body,
            body_html: input.body_html,
            source_digest: digest(&post.body),
            source_version: post.version,
            source_written_at: post.written_at(),
            updated_at: at,
        },
    )?;
    notify_requesters(conn, &post, language, Some(user.id), at)?;
    let t = repo::find(conn, id, language)?.ok_or(ApiError::NotFound)?;
    Ok((view(conn, &post, t)?, created))
}

/// Hides (`hide`) or restores a post's translation (the community's moderators), logged
/// in the moderation log. 409 `already_hidden` / `not_hidden` when there is nothing to do.
pub fn set_hidden(
    conn: &mut DbConn,
    user: &AuthUser,
    id: PostId,
    language: &str,
    hide: bool,
) -> Result<(), ApiError> {
    let post = repo::source_post(conn, id)?.ok_or(ApiError::NotFound)?;
    if post.thread_deleted_at.is_some() || post.deleted_at.is_some() {
        return Err(ApiError::NotFound);
    }
    let access = community_access(conn, post.community_id, Some(user))?;
    access.require_read()?;
    access.require_moderator()?;
    let t = repo::find(conn, id, language)?.ok_or(ApiError::NotFound)?;
    let changed = repo::set_hidden(conn, id, language, hide.then_some(user.id), now())?;
    if !changed {
        return Err(if hide {
            ApiError::Conflict {
                code: "already_hidden",
                detail: "the translation is hidden already".to_owned(),
            }
        } else {
            ApiError::Conflict {
                code: "not_hidden",
                detail: "the translation is not hidden".to_owned(),
            }
        });
    }
    audit::record(
        conn,
        &Entry {
            community_id: post.community_id.get(),
            moderator_id: user.id.get(),
            action: if hide {
                "hide_translation"
            } else {
                "restore_translation"
            },
            target_user_id: t.translator_id.map(UserId::get),
            thread_id: Some(post.thread_id.get()),
            post_id: Some(post.id.get()),
            reason: Some(format!("translation into {language}")),
        },
    )
}

fn request_view(
    post_id: PostId,
    language: &str,
    requested_at: NaiveDateTime,
    available: bool,
    state: MachineState,
    job: Option<&MachineJob>,
) -> PostTranslationRequestResponse {
    let waiting = job.filter(|j| j.pending());
    PostTranslationRequestResponse {
        post_id,
        language: language.to_owned(),
        requested_at: requested_at.and_utc(),
        translation_available: available,
        machine_translation: state,
        attempts: job.map_or(0, |j| j.attempts),
        next_attempt_at: waiting.map(|j| j.next_attempt_at.and_utc()),
        last_error: job.and_then(|j| j.last_error.clone()),
    }
}

/// Where machine translation stands for `post` in `language`, queueing a job when
/// `queue` allows and one is needed: no current published translation, none hidden by a
/// moderator, no job waiting, and either no job yet, the last one done on a text since
/// edited, or (for a new request) the last one given up.
fn machine_state(
    conn: &mut DbConn,
    post: &SourcePost,
    language: &str,
    configured: bool,
    new_request: bool,
    queue: bool,
) -> Result<(bool, MachineState, Option<MachineJob>), ApiError> {
    let existing = repo::find(conn, post.id, language)?;
    let available = existing.as_ref().is_some_and(|t| t.hidden_at.is_none());
    let current = existing
        .as_ref()
        .is_some_and(|t| t.hidden_at.is_none() && !t.outdated_for(&post.body));
    let job = repo::latest_job(conn, post.id, language)?;
    if current {
        return Ok((available, MachineState::NotNeeded, job));
    }
    if !configured {
        return Ok((available, MachineState::NotConfigured, job));
    }
    let hidden = existing.as_ref().is_some_and(|t| t.hidden_at.is_some());
    let needed = match &job {
        _ if hidden => false,
        None => true,
        Some(j) if j.pending() => false,
        Some(j) if j.failed_at.is_some() => new_request,
        // Done, yet no current translation: the post was edited since.
        Some(_) => true,
    };
    if needed && queue {
        let at = now();
        let id = repo::insert_job(
            conn,
            &NewMachineJob {
                post_id: post.id,
                source_language: post.language.clone(),
                language: language.to_owned(),
                created_at: at,
                attempts: 0,
                next_attempt_at: at,
            },
        )?;
        tracing::info!(post.id = post.id.get(), job.id = id.get(), language = %language, "machine translation queued");
        let job = repo::latest_job(conn, post.id, language)?;
        return Ok((available, MachineState::Queued, job));
    }
    let state = match &job {
        Some(j) => j.state(),
        None => MachineState::Failed,
    };
    Ok((available, state, job))
}

/// Records the caller's request to read a post in `language` (once per member, post and
/// language; asking again changes nothing) and, when a machine-translation service is
/// `configured`, queues a job for it in the outbox. Returns the request and whether it is
/// new.
pub fn request(
    conn: &mut DbConn,
    user: &AuthUser,
    id: PostId,
    language: &str,
    configured: bool,
) -> Result<(PostTranslationRequestResponse, bool), ApiError> {
    crate::db::lock_row(conn, "posts", id.get())?;
    let (post, _) = readable(conn, Some(user), id)?;
    other_language(&post, language)?;
    let (created, requested_at) = repo::request(conn, id, language, user.id, now())?;
    let (available, state, job) = machine_state(conn, &post, language, configured, created, true)?;
    Ok((
        request_view(id, language, requested_at, available, state, job.as_ref()),
        created,
    ))
}

/// The caller's request to read a post in `language`; 404 when they did not ask.
pub fn get_request(
    conn: &mut DbConn,
    user: &AuthUser,
    id: PostId,
    language: &str,
    configured: bool,
) -> Result<PostTranslationRequestResponse, ApiError> {
    let (post, _) = readable(conn, Some(user), id)?;
    let requested_at =
        repo::requested_at(conn, id, language, user.id)?.ok_or(ApiError::NotFound)?;
    let (available, state, job) = machine_state(conn, &post, language, configured, false, false)?;
    Ok(request_view(
        id,
        language,
        requested_at,
        available,
        state,
        job.as_ref(),
    ))
}

/// Publishes what the machine-translation service gave for `job` (the post's text as it
/// was when the job was claimed, `source`), and tells the requesters. Nothing is published
/// for a post no longer visible, over a hidden translation, or over a member's translation
/// of the current text.
pub fn publish_machine(
    conn: &mut DbConn,
    job: &MachineJob,
    source: &SourcePost,
    text: TranslationInput,
) -> Result<bool, ApiError> {
    let Some(post) = repo::source_post(conn, job.post_id)? else {
        return Ok(false);
    };
    if !post.visible() {
        return Ok(false);
    }
    if let Some(t) = repo::find(conn, post.id, &job.language)? {
        let member_current = t.origin == TranslationOrigin::Member && !t.outdated_for(&post.body);
        if t.hidden_at.is_some() || member_current {
            return Ok(false);
        }
    }
    let at = now();
    repo::put(
        conn,
        post.id,
        &job.language,
        &TranslationText {
            origin: TranslationOrigin::Machine,
            translator_id: None,
            body: text.body,
            body_html: text.body_html,
            source_digest: digest(&source.body),
            source_version: source.version,
            source_written_at: source.written_at(),
            updated_at: at,
        },
    )?;
    notify_requesters(conn, &post, &job.language, None, at)?;
    Ok(true)
}
