//! The notification rules (the contract other domains call).
//!
//! Every function here runs inside the caller's write transaction: the notifications and
//! any immediate email are committed with the change that caused them, or not at all.
//!
//! Links in emails use the public address of the web frontend, set once per process with
//! [`set_public_url`] (by the server at startup and by the `digests` command); before it
//! is set, links are relative paths (`/threads/7#post-9`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::auth::Role;
use crate::communities::access;
use crate::db::{self, DbConn};
use crate::email::{self, OutgoingEmail, Template};
use crate::error::ApiError;
use crate::notifications::repo::{self, NewNotification};

/// Why someone is notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A new post in a thread they watch.
    Reply,
    /// They were mentioned in a post.
    Mention,
    /// A new thread in a community they watch.
    NewThread,
    /// Their reply was accepted as the answer.
    AcceptedAnswer,
    /// A moderator hid their post.
    PostHidden,
    /// A moderator restored their post.
    PostRestored,
    /// A flag they raised was decided (upheld or dismissed).
    FlagResolved,
    /// They were banned from a community.
    Banned,
    /// A moderator invited them into a community.
    Invited,
    /// A moderator approved their request to join.
    JoinApproved,
}

impl NoticeKind {
    /// Every kind.
    pub const ALL: [Self; 10] = [
        Self::Reply,
        Self::Mention,
        Self::NewThread,
        Self::AcceptedAnswer,
        Self::PostHidden,
        Self::PostRestored,
        Self::FlagResolved,
        Self::Banned,
        Self::Invited,
        Self::JoinApproved,
    ];

    /// The stored value (`notifications.kind`), also the API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reply => "reply",
            Self::Mention => "mention",
            Self::NewThread => "new_thread",
            Self::AcceptedAnswer => "accepted_answer",
            Self::PostHidden => "post_hidden",
            Self::PostRestored => "post_restored",
            Self::FlagResolved => "flag_resolved",
            Self::Banned => "banned",
            Self::Invited => "invited",
            Self::JoinApproved => "join_approved",
        }
    }

    /// The kind stored as `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// The recipient is told about themselves: they need not be able to read the community.
    fn about_themselves(self) -> bool {
        matches!(
            self,
            Self::Banned | Self::Invited | Self::JoinApproved | Self::PostHidden
        )
    }

    /// One notification per member and post among these.
    fn is_fan_out(self) -> bool {
        matches!(self, Self::Reply | Self::Mention | Self::NewThread)
    }
}

/// A new post, just written (the opening post of a new thread included).
#[derive(Debug, Clone)]
pub struct PostCreated {
    pub community_id: i64,
    pub thread_id: i64,
    pub post_id: i64,
    pub author_id: i64,
    /// The opening post of a new thread (community watchers hear of it).
    pub is_first: bool,
    /// Members mentioned in the body (ids from the mention syntax, not yet checked).
    pub mentioned: Vec<i64>,
}

/// One notification for one member.
#[derive(Debug, Clone)]
pub struct Notice {
    pub user_id: i64,
    pub kind: NoticeKind,
    pub community_id: i64,
    pub thread_id: Option<i64>,
    pub post_id: Option<i64>,
    /// Who caused it (never notified of their own action).
    pub actor_id: Option<i64>,
}

/// Fans a new post out: the author starts watching the thread; thread watchers get
/// `Reply`, mentioned members `Mention` (instead of `Reply`), and for an opening post the
/// community's watchers get `NewThread`; each only if they can read the community.
pub fn post_created(conn: &mut DbConn, post: &PostCreated) -> Result<(), ApiError> {
    watch_thread(conn, post.thread_id, post.author_id)?;
    // Later inserts win: a mention beats a reply, which beats a new thread.
    let mut recipients = BTreeMap::new();
    if post.is_first {
        for user in repo::community_watchers(conn, post.community_id)? {
            recipients.insert(user, NoticeKind::NewThread);
        }
    }
    for user in repo::thread_watchers(conn, post.thread_id)? {
        recipients.insert(user, NoticeKind::Reply);
    }
    for &user in &post.mentioned {
        recipients.insert(user, NoticeKind::Mention);
    }
    fan_out(
        conn,
        post.community_id,
        post.thread_id,
        post.post_id,
        post.author_id,
        recipients,
    )
}

/// Mentions added by an edit: `Mention` for each member newly mentioned in `post_id`.
pub fn mentions_added(
    conn: &mut DbConn,
    community_id: i64,
    thread_id: i64,
    post_id: i64,
    author_id: i64,
    mentioned: &[i64],
) -> Result<(), ApiError> {
    let recipients = mentioned
        .iter()
        .map(|&user| (user, NoticeKind::Mention))
        .collect();
    fan_out(
        conn,
        community_id,
        thread_id,
        post_id,
        author_id,
        recipients,
    )
}

/// One notification, if the recipient may see it and is not the actor.
pub fn notify_one(conn: &mut DbConn, notice: &Notice) -> Result<(), ApiError> {
    if notice.actor_id == Some(notice.user_id) {
        return Ok(());
    }
    let Some(access) = access::for_user(conn, notice.community_id, notice.user_id)? else {
        return Ok(());
    };
    if !notice.kind.about_themselves() && !access.can_read() {
        return Ok(());
    }
    if let Some(post_id) = notice.post_id
        && notice.kind.is_fan_out()
        && repo::notified_about_post(conn, notice.user_id, post_id)?
    {
        return Ok(());
    }
    let about = About::load(conn, notice.community_id, notice.thread_id, notice.actor_id)?;
    deliver(conn, notice, &about)
}

/// `user_id` watches `thread_id` (idempotent).
pub fn watch_thread(conn: &mut DbConn, thread_id: i64, user_id: i64) -> Result<(), ApiError> {
    repo::watch(conn, thread_id, user_id, db::now())?;
    Ok(())
}

/// Sets the public address of the web frontend that links in emails point to. The first
/// call wins (one process serves one frontend).
pub fn set_public_url(url: &str) {
    let _ = PUBLIC_URL.set(url.trim_end_matches('/').to_owned());
}

static PUBLIC_URL: OnceLock<String> = OnceLock::new();

/// The frontend's address of `path` (a relative path before [`set_public_url`]).
pub(crate) fn frontend_link(path: &str) -> String {
    format!("{}{path}", PUBLIC_URL.get().map_or("", String::as_str))
}

/// Where a notification leads in the frontend.
pub(crate) fn link_for(community_id: i64, thread_id: Option<i64>, post_id: Option<i64>) -> String {
    match (thread_id, post_id) {
        (Some(thread), Some(post)) => frontend_link(&format!("/threads/{thread}#post-{post}")),
        (Some(thread), None) => frontend_link(&format!("/threads/{thread}")),
        _ => frontend_link(&format!("/communities/{community_id}")),
    }
}

/// One line saying who did what, naming the thread; never any post text.
pub(crate) fn headline(
    kind: NoticeKind,
    actor: Option<&str>,
    thread_title: Option<&str>,
) -> String {
    let who = actor.unwrap_or("Someone");
    let thread = thread_title.map_or_else(|| "a thread".to_owned(), |t| format!("“{t}”"));
    match kind {
        NoticeKind::Reply => format!("{who} replied in {thread}"),
        NoticeKind::Mention => format!("{who} mentioned you in {thread}"),
        NoticeKind::NewThread => format!("{who} started a new thread: {thread}"),
        NoticeKind::AcceptedAnswer => format!("{who} accepted your answer in {thread}"),
        NoticeKind::PostHidden => format!("A moderator hid your post in {thread}"),
        NoticeKind::PostRestored => format!("A moderator restored your post in {thread}"),
        NoticeKind::FlagResolved => format!("A moderator decided on your flag in {thread}"),
        NoticeKind::Banned => "A moderator banned you from this community".to_owned(),
        NoticeKind::Invited => format!("{who} invited you to join this community"),
        NoticeKind::JoinApproved => "Your request to join this community was approved".to_owned(),
    }
}

/// The names a notification's email mentions.
struct About {
    community: String,
    thread_title: Option<String>,
    actor: Option<String>,
}

impl About {
    fn load(
        conn: &mut DbConn,
        community_id: i64,
        thread_id: Option<i64>,
        actor_id: Option<i64>,
    ) -> Result<Self, ApiError> {
        let community = repo::community_name(conn, community_id)?.unwrap_or_default();
        let thread_title = match thread_id {
            Some(thread) => repo::thread_brief(conn, thread)?.map(|(_, title, _)| title),
            None => None,
        };
        let actor = match actor_id {
            Some(actor) => repo::display_name(conn, actor)?,
            None => None,
        };
        Ok(Self {
            community,
            thread_title,
            actor,
        })
    }
}

/// Notifies each of `recipients` about a visible post, once per member and post, when
/// they may read it and did not write it.
fn fan_out(
    conn: &mut DbConn,
    community_id: i64,
    thread_id: i64,
    post_id: i64,
    author_id: i64,
    mut recipients: BTreeMap<i64, NoticeKind>,
) -> Result<(), ApiError> {
    recipients.remove(&author_id);
    if recipients.is_empty() || !repo::post_is_visible(conn, post_id)? {
        return Ok(());
    }
    // A few queries for the whole fan-out, whatever the number of watchers: a busy thread
    // must not make each reply slower.
    let ids: Vec<i64> = recipients.keys().copied().collect();
    let Some(visibility) = repo::community_visibility(conn, community_id)? else {
        return Ok(());
    };
    let notified: std::collections::HashSet<i64> = repo::already_notified(conn, post_id, &ids)?
        .into_iter()
        .collect();
    let about = About::load(conn, community_id, Some(thread_id), Some(author_id))?;
    let now = db::now();
    let mut rows = Vec::new();
    for candidate in repo::candidates(conn, community_id, &ids)? {
        let access = access::Access {
            community_id,
            visibility,
            viewer: Some(candidate.user_id),
            membership: candidate
                .member_role
                .as_deref()
                .zip(candidate.member_status.as_deref())
                .and_then(|(role, status)| {
                    Some((
                        access::CommunityRole::parse(role)?,
                        access::MemberStatus::parse(status)?,
                    ))
                }),
            staff: Role::parse(&candidate.role).is_some_and(|r| r >= Role::Coordinator),
        };
        if !access.can_read() || access.is_banned() || notified.contains(&candidate.user_id) {
            continue;
        }
        let Some(&kind) = recipients.get(&candidate.user_id) else {
            continue;
        };
        let notice = Notice {
            user_id: candidate.user_id,
            kind,
            community_id,
            thread_id: Some(thread_id),
            post_id: Some(post_id),
            actor_id: Some(author_id),
        };
        let contact = repo::Contact {
            email: candidate.email,
            display_name: candidate.display_name,
            preferred_language: candidate.preferred_language,
        };
        let preference = candidate.email_preference.as_deref().unwrap_or("daily");
        rows.push(prepare(
            conn,
            &notice,
            &about,
            Some(&contact),
            preference,
            now,
        )?);
    }
    repo::insert_many(conn, &rows)?;
    Ok(())
}

/// Stores `notice` and emails it now, marks it for a digest, or not, by the recipient's
/// preference in that community (`daily` without a membership).
fn deliver(conn: &mut DbConn, notice: &Notice, about: &About) -> Result<(), ApiError> {
    let preference = repo::member_settings(conn, notice.community_id, notice.user_id)?
        .map_or_else(|| "daily".to_owned(), |(_, preference)| preference);
    let contact = repo::contact(conn, notice.user_id)?;
    let row = prepare(
        conn,
        notice,
        about,
        contact.as_ref(),
        &preference,
        db::now(),
    )?;
    repo::insert(conn, &row)?;
    Ok(())
}

/// The row of `notice` for a recipient with `contact` and email `preference`; an
/// immediate email is put in the outbox here.
fn prepare(
    conn: &mut DbConn,
    notice: &Notice,
    about: &About,
    contact: Option<&repo::Contact>,
    preference: &str,
    now: chrono::NaiveDateTime,
) -> Result<NewNotification, ApiError> {
    let address = contact.and_then(|c| c.email.clone());
    let (email_status, email_cadence) = match (preference, &address) {
        (_, None) | ("never", _) => ("none", None),
        ("immediately", Some(_)) => ("sent", None),
        (cadence, Some(_)) => ("pending", Some(cadence.to_owned())),
    };
    if let (Some(contact), Some(to), "sent") = (contact, address, email_status) {
        email::enqueue(
            conn,
            &OutgoingEmail {
                to,
                template: Template::CommunityNotification,
                language: contact.preferred_language.clone(),
                vars: vec![
                    ("display_name", contact.display_name.clone()),
                    (
                        "headline",
                        headline(
                            notice.kind,
                            about.actor.as_deref(),
                            about.thread_title.as_deref(),
                        ),
                    ),
                    ("community", about.community.clone()),
                    (
                        "link",
                        link_for(notice.community_id, notice.thread_id, notice.post_id),
                    ),
                ],
            },
        )?;
    }
    Ok(NewNotification {
        user_id: notice.user_id,
        kind: notice.kind.as_str().to_owned(),
        community_id: notice.community_id,
        thread_id: notice.thread_id,
        post_id: notice.post_id,
        actor_id: notice.actor_id,
        created_at: now,
        read_at: None,
        email_status: email_status.to_owned(),
        email_cadence,
    })
}
