//! The notification rules (the contract other domains call).
//!
//! Every function here runs inside the caller's write transaction: the notifications and
//! any immediate email are committed with the change that caused them, or not at all.
//!
//! Links in emails use the public address of the web frontend (`http::links`, set once per
//! process by the server at startup and by the `digests` command); before it is set, links
//! are relative paths (`/threads/7#post-9`).

use std::collections::BTreeMap;

use crate::auth::policy::community::{self as community_policy, Access};
use crate::auth::{AuthUser, Role};
use crate::communities::model::EmailPreference;
use crate::communities::model::{CommunityRole, MemberStatus, Visibility};
use crate::communities::service::{access as community_access, access_for};
use crate::db::{self, DbConn};
use crate::email::{self, OutgoingEmail, Template};
use crate::error::ApiError;
use crate::http::links::frontend as frontend_link;
use crate::http::pagination::Page;
use crate::notifications::dto::{
    CommunitySubscriptionResponse, NotificationListInput, NotificationResponse, SORT,
    SubscriptionPatch, ThreadSubscriptionResponse, UnreadCountResponse,
};
use crate::notifications::model::{
    Contact, DigestCadence, EmailStatus, NewNotification, Notice, NoticeKind,
};
use crate::notifications::repo;
use crate::types::{CommunityId, NotificationId, PostId, ThreadId, UserId};

/// A new post, just written (the opening post of a new thread included).
#[derive(Debug, Clone)]
pub struct PostCreated {
    pub community_id: CommunityId,
    pub thread_id: ThreadId,
    pub post_id: PostId,
    pub author_id: UserId,
    /// The opening post of a new thread (community watchers hear of it).
    pub is_first: bool,
    /// Members mentioned in the body (ids from the mention syntax, not yet checked).
    pub mentioned: Vec<UserId>,
    /// The community's visibility, as the writer read it in this transaction.
    pub visibility: Visibility,
}

/// Fans a new post out: the author starts watching the thread; thread watchers get
/// `Reply`, mentioned members `Mention` (instead of `Reply`), and for an opening post the
/// community's watchers get `NewThread`; each only if they can read the community.
///
/// The watchers, however many, are notified by one statement in the database
/// (`repo::notify_watchers`; `repo::watchers_emailed_at_once` reads the few emailed at once,
/// only when it marked some); the mentioned, a handful at most, one by one. A post just written is visible
/// (hiding is a moderator's later act), so nothing is read to find that out.
pub fn post_created(conn: &mut DbConn, post: &PostCreated) -> Result<(), ApiError> {
    let visibility = post.visibility;
    let mentioned: BTreeMap<UserId, NoticeKind> = post
        .mentioned
        .iter()
        .map(|&user| (user, NoticeKind::Mention))
        .collect();
    let except: Vec<UserId> = mentioned.keys().copied().collect();
    let (watchers, kind) = if post.is_first {
        (
            repo::Watchers::Community(post.community_id),
            NoticeKind::NewThread,
        )
    } else {
        (repo::Watchers::Thread(post.thread_id), NoticeKind::Reply)
    };
    let fan_out_to_watchers = repo::WatcherFanOut {
        watchers,
        kind,
        community_id: post.community_id,
        visibility,
        thread_id: post.thread_id,
        post_id: post.post_id,
        actor_id: post.author_id,
        except: &except,
        created_at: db::now(),
    };
    // The author watches the thread from now on, in the same statement.
    let emailed = repo::notify_watchers(conn, &fan_out_to_watchers)?;
    let at_once = match emailed {
        0 => Vec::new(),
        _ => repo::watchers_emailed_at_once(conn, &fan_out_to_watchers)?,
    };
    if !at_once.is_empty() {
        let about = About::load(
            conn,
            post.community_id,
            Some(post.thread_id),
            Some(post.author_id),
        )?;
        let link = link_for(post.community_id, Some(post.thread_id), Some(post.post_id));
        for contact in &at_once {
            email_at_once(conn, kind, &about, contact, &link)?;
        }
    }
    let posted = Posted {
        community_id: post.community_id,
        thread_id: post.thread_id,
        post_id: post.post_id,
        author_id: post.author_id,
        visibility,
    };
    fan_out(conn, &posted, mentioned, Earlier::None)
}

/// Mentions added by an edit: `Mention` for each member newly mentioned in `post_id`.
pub fn mentions_added(
    conn: &mut DbConn,
    community_id: CommunityId,
    thread_id: ThreadId,
    post_id: PostId,
    author_id: UserId,
    mentioned: &[UserId],
) -> Result<(), ApiError> {
    let recipients: BTreeMap<UserId, NoticeKind> = mentioned
        .iter()
        .filter(|&&user| user != author_id)
        .map(|&user| (user, NoticeKind::Mention))
        .collect();
    if recipients.is_empty() || !repo::post_is_visible(conn, post_id)? {
        return Ok(());
    }
    let Some(visibility) = repo::community_visibility(conn, community_id)? else {
        return Ok(());
    };
    let posted = Posted {
        community_id,
        thread_id,
        post_id,
        author_id,
        visibility,
    };
    fan_out(conn, &posted, recipients, Earlier::Possible)
}

/// One notification, if the recipient may see it and is not the actor.
pub fn notify_one(conn: &mut DbConn, notice: &Notice) -> Result<(), ApiError> {
    if notice.actor_id == Some(notice.user_id) {
        return Ok(());
    }
    let Some(access) = access_for(conn, notice.community_id, notice.user_id)? else {
        return Ok(());
    };
    if !notice.kind.reaches_non_readers() && !access.can_read() {
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
pub fn watch_thread(
    conn: &mut DbConn,
    thread_id: ThreadId,
    user_id: UserId,
) -> Result<(), ApiError> {
    repo::watch(conn, thread_id, user_id, db::now())?;
    Ok(())
}

/// Where a notification leads in the frontend.
pub(crate) fn link_for(
    community_id: CommunityId,
    thread_id: Option<ThreadId>,
    post_id: Option<PostId>,
) -> String {
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
        NoticeKind::PostTranslated => {
            format!("A post you asked to read in your language was translated in {thread}")
        }
    }
}

/// The names a notification's email mentions.
#[derive(Default)]
struct About {
    community: String,
    thread_title: Option<String>,
    actor: Option<String>,
}

impl About {
    fn load(
        conn: &mut DbConn,
        community_id: CommunityId,
        thread_id: Option<ThreadId>,
        actor_id: Option<UserId>,
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

/// Whether anyone can have been notified about a post before this fan-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Earlier {
    /// The post was written in this transaction: nobody has heard of it yet, so nothing is
    /// read to find out (a reply reaches every watcher of its thread, and this check was
    /// a quarter of posting's time).
    None,
    /// An edit: some may have been notified already (by the post's creation or an earlier
    /// edit).
    Possible,
}

/// A visible post that notices are about, and its community's visibility.
struct Posted {
    community_id: CommunityId,
    thread_id: ThreadId,
    post_id: PostId,
    author_id: UserId,
    visibility: Visibility,
}

/// Notifies each of `recipients` about the visible post `posted`, once per member and
/// post, when they may read it and did not write it.
fn fan_out(
    conn: &mut DbConn,
    posted: &Posted,
    mut recipients: BTreeMap<UserId, NoticeKind>,
    earlier: Earlier,
) -> Result<(), ApiError> {
    let Posted {
        community_id,
        thread_id,
        post_id,
        author_id,
        visibility,
    } = *posted;
    recipients.remove(&author_id);
    if recipients.is_empty() {
        return Ok(());
    }
    // A few queries for the whole fan-out, whatever the number of watchers: a busy thread
    // must not make each reply slower.
    let ids: Vec<UserId> = recipients.keys().copied().collect();
    let notified: std::collections::HashSet<UserId> = match earlier {
        Earlier::None => std::collections::HashSet::new(),
        Earlier::Possible => repo::already_notified(conn, post_id, &ids)?
            .into_iter()
            .collect(),
    };
    let candidates = repo::candidates(conn, community_id, &ids)?;
    // The names are read only when someone is emailed at once (most wait for a digest).
    let emailed_now = candidates.iter().any(|c| {
        c.email.is_some()
            && c.email_preference.as_deref() == Some(EmailPreference::Immediately.as_str())
    });
    let about = if emailed_now {
        About::load(conn, community_id, Some(thread_id), Some(author_id))?
    } else {
        About::default()
    };
    let now = db::now();
    let mut rows = Vec::new();
    for candidate in candidates {
        let access = Access {
            community_id,
            visibility,
            viewer: Some(candidate.user_id),
            membership: candidate
                .member_role
                .as_deref()
                .zip(candidate.member_status.as_deref())
                .and_then(|(role, status)| {
                    Some((CommunityRole::parse(role)?, MemberStatus::parse(status)?))
                }),
            staff: Role::parse(&candidate.role).is_some_and(community_policy::is_staff),
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
        let contact = Contact {
            email: candidate.email,
            display_name: candidate.display_name,
            preferred_language: candidate.preferred_language,
        };
        let preference = match candidate.email_preference.as_deref() {
            Some(raw) => stored_preference(raw)?,
            None => EmailPreference::Daily,
        };
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
    let preference = match repo::member_settings(conn, notice.community_id, notice.user_id)? {
        Some((_, raw)) => stored_preference(&raw)?,
        None => EmailPreference::Daily,
    };
    let contact = repo::contact(conn, notice.user_id)?;
    let row = prepare(conn, notice, about, contact.as_ref(), preference, db::now())?;
    repo::insert(conn, &row)?;
    Ok(())
}

/// The row of `notice` for a recipient with `contact` and email `preference`; an
/// immediate email is put in the outbox here.
fn prepare(
    conn: &mut DbConn,
    notice: &Notice,
    about: &About,
    contact: Option<&Contact>,
    preference: EmailPreference,
    now: chrono::NaiveDateTime,
) -> Result<NewNotification, ApiError> {
    let address = contact.and_then(|c| c.email.clone());
    let (email_status, email_cadence) = match (preference, &address) {
        (_, None) | (EmailPreference::Never, _) => (EmailStatus::None, None),
        (EmailPreference::Immediately, Some(_)) => (EmailStatus::Sent, None),
        (EmailPreference::Daily, Some(_)) => (EmailStatus::Pending, Some(DigestCadence::Daily)),
        (EmailPreference::Weekly, Some(_)) => (EmailStatus::Pending, Some(DigestCadence::Weekly)),
    };
    if let (Some(contact), Some(_), EmailStatus::Sent) = (contact, address, email_status) {
        let link = link_for(notice.community_id, notice.thread_id, notice.post_id);
        email_at_once(conn, notice.kind, about, contact, &link)?;
    }
    Ok(NewNotification {
        notice: notice.clone(),
        created_at: now,
        read_at: None,
        email_status,
        email_cadence,
    })
}

/// Emails `contact` (who has an address) about a notification of `kind` at once.
fn email_at_once(
    conn: &mut DbConn,
    kind: NoticeKind,
    about: &About,
    contact: &Contact,
    link: &str,
) -> Result<(), ApiError> {
    let Some(to) = contact.email.clone() else {
        return Ok(());
    };
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
                    headline(kind, about.actor.as_deref(), about.thread_title.as_deref()),
                ),
                ("community", about.community.clone()),
                ("link", link.to_owned()),
            ],
        },
    )?;
    Ok(())
}

/// A stored email preference; an unknown one is an error, never a default.
fn stored_preference(raw: &str) -> Result<EmailPreference, ApiError> {
    EmailPreference::parse(raw).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!("unknown stored email preference `{raw}`"))
    })
}

/// The caller's notifications: unread first, then newest, without those about what they
/// can no longer see.
pub fn list_mine(
    conn: &mut DbConn,
    user: &AuthUser,
    input: NotificationListInput,
) -> Result<Page<NotificationResponse>, ApiError> {
    let page = input.page;
    let rows = repo::list(
        conn,
        user.id,
        input.unread_only,
        page.after.map(|(read, id)| (read, NotificationId(id))),
        page.fetch_limit(),
    )?;
    Ok(page.finish(
        rows,
        SORT,
        |r| (r.read_at.is_some(), r.id.get()),
        NotificationResponse::from,
    ))
}

/// How many of the caller's notifications are unread (with the same rules as the list).
pub fn unread_count(conn: &mut DbConn, user: &AuthUser) -> Result<UnreadCountResponse, ApiError> {
    Ok(UnreadCountResponse {
        unread_count: repo::unread_count(conn, user.id)?,
    })
}

/// Marks one of the caller's notifications read (left alone when it already was); 404 when
/// they have no such notification.
pub fn mark_read(conn: &mut DbConn, user: &AuthUser, id: NotificationId) -> Result<(), ApiError> {
    if repo::mark_read(conn, user.id, id, db::now())? {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Marks all the caller's notifications read.
pub fn mark_all_read(conn: &mut DbConn, user: &AuthUser) -> Result<(), ApiError> {
    repo::mark_all_read(conn, user.id, db::now())?;
    Ok(())
}

/// The caller's access to the community of live thread `thread_id` (404 for a deleted one).
fn thread_access(
    conn: &mut DbConn,
    thread_id: ThreadId,
    user: &AuthUser,
) -> Result<Access, ApiError> {
    let (community_id, _, deleted_at) =
        repo::thread_brief(conn, thread_id)?.ok_or(ApiError::NotFound)?;
    if deleted_at.is_some() {
        return Err(ApiError::NotFound);
    }
    community_access(conn, community_id, Some(user))
}

/// Whether the caller watches a thread they may read.
pub fn thread_subscription(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: ThreadId,
) -> Result<ThreadSubscriptionResponse, ApiError> {
    thread_access(conn, thread_id, user)?.require_read()?;
    Ok(ThreadSubscriptionResponse {
        watching: repo::is_watching(conn, thread_id, user.id)?,
    })
}

/// The caller watches a thread (a member's right; idempotent).
pub fn watch(
    conn: &mut DbConn,
    user: &AuthUser,
    thread_id: ThreadId,
) -> Result<ThreadSubscriptionResponse, ApiError> {
    thread_access(conn, thread_id, user)?.require_participate()?;
    watch_thread(conn, thread_id, user.id)?;
    Ok(ThreadSubscriptionResponse { watching: true })
}

/// The caller stops watching a thread (idempotent).
pub fn unwatch(conn: &mut DbConn, user: &AuthUser, thread_id: ThreadId) -> Result<(), ApiError> {
    thread_access(conn, thread_id, user)?.require_read()?;
    repo::unwatch(conn, thread_id, user.id)?;
    Ok(())
}

/// The caller's watching flag and email preference in a community they are a member of.
pub fn community_subscription(
    conn: &mut DbConn,
    user: &AuthUser,
    community_id: CommunityId,
) -> Result<CommunitySubscriptionResponse, ApiError> {
    community_access(conn, community_id, Some(user))?.require_participate()?;
    let (watching, preference) =
        repo::member_settings(conn, community_id, user.id)?.ok_or(ApiError::NotFound)?;
    Ok(CommunitySubscriptionResponse {
        watching,
        email_preference: stored_preference(&preference)?,
    })
}

/// Changes the caller's subscription to a community; settings `patch` leaves alone stay,
/// and a change to nothing writes nothing.
pub fn update_community_subscription(
    conn: &mut DbConn,
    user: &AuthUser,
    community_id: CommunityId,
    patch: SubscriptionPatch,
) -> Result<CommunitySubscriptionResponse, ApiError> {
    let current = community_subscription(conn, user, community_id)?;
    let next = CommunitySubscriptionResponse {
        watching: patch.watching.unwrap_or(current.watching),
        email_preference: patch.email_preference.unwrap_or(current.email_preference),
    };
    if next.watching != current.watching || next.email_preference != current.email_preference {
        repo::update_member_settings(
            conn,
            community_id,
            user.id,
            next.watching,
            next.email_preference.as_str(),
            db::now(),
        )?;
    }
    Ok(next)
}
