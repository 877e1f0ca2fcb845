//! The demo communities of `seed --demo`, written through the services the API uses.
//!
//! Every community, membership, thread, post, edit, reaction, flag, hidden post, pin,
//! accepted answer and read mark is a request body parsed by its domain's own `TryFrom`
//! and written by its domain's service as a demo account with the role the API asks for,
//! so the seed can never hold a row the API would refuse; counters, mentions, watchers,
//! notifications and the moderation log are the services' own.
//!
//! Only time is not the services': they stamp "now", and a demo in which everything
//! happened in the last second reads badly. [`backdate`] moves the timestamps of the rows
//! just written to when the data says they happened, and leaves the demo's notifications
//! with no email to send (weeks-old activity is not mailed in a digest).

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::auth::AuthUser;
use crate::auth::policy::community::may_create;
use crate::communities::dto::{CreateCommunityRequest, NewCommunityInput};
use crate::communities::model::{CommunityRole, Visibility};
use crate::communities::service as communities;
use crate::db::schema::{
    communities as communities_t, community_members, courses, moderation_log, notifications,
    post_flags, post_reactions, post_revisions, posts, thread_reads, thread_subscriptions, threads,
};
use crate::db::{DbConn, now};
use crate::error::ApiError;
use crate::forums::model::{NewPostInput, NewThreadInput, PostEdit, ReactionKind, ThreadKind};
use crate::forums::service as forums;
use crate::moderation::dto::{CreateFlagRequest, HideInput, HidePostRequest, NewFlagInput};
use crate::moderation::model::FlagReason;
use crate::moderation::service::{self as moderation, ThreadAction};
use crate::notifications::dto::SubscriptionPatch;
use crate::notifications::model::{EmailStatus, NoticeKind};
use crate::notifications::service as notifications_service;
use crate::types::{CommunityId, PostId, ThreadId, UserId};

use super::community::CommunityReport;
use super::data::{self, Community};

/// The demo account whose read state and notifications the demo shows.
const MEMBER: &str = "member";
/// The demo coordinator: sets up the communities its moderators may not create themselves.
const COORDINATOR: &str = "coordinator";

/// Adds the demo communities whose slug is not taken; the demo accounts must exist.
pub fn demo_communities(conn: &mut DbConn, demo: &data::Demo) -> Result<CommunityReport, ApiError> {
    let mut report = CommunityReport::default();
    let mut people: HashMap<&str, AuthUser> = HashMap::new();
    for u in &demo.users {
        people.insert(u.handle(), super::actor(conn, &u.email.to_lowercase())?);
    }
    let people = People(people);
    let at = now();
    let mut clock = Clock::default();
    for c in &demo.communities {
        if crate::communities::repo::slug_taken(conn, &c.slug)? {
            continue;
        }
        demo_community(conn, c, &people, at, &mut clock, &mut report)?;
    }
    backdate(conn, &clock)?;
    Ok(report)
}

/// The demo accounts by handle (the part of their email before the `@`).
struct People<'a>(HashMap<&'a str, AuthUser>);

impl People<'_> {
    fn get(&self, who: &str) -> Result<&AuthUser, ApiError> {
        self.0
            .get(who)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("demo data names no account {who}")))
    }

    fn id(&self, who: &str) -> Result<UserId, ApiError> {
        Ok(self.get(who)?.id)
    }
}

/// When the rows the seed wrote happened, as the data tells it.
#[derive(Default)]
struct Clock {
    communities: Vec<(CommunityId, NaiveDateTime)>,
    /// (community, member, joined).
    members: Vec<(CommunityId, UserId, NaiveDateTime)>,
    /// (thread, started, last visible activity).
    threads: Vec<(ThreadId, NaiveDateTime, NaiveDateTime)>,
    posts: Vec<PostTimes>,
    /// (thread, pinned at).
    pins: Vec<(ThreadId, NaiveDateTime)>,
    /// Notifications the data lists: (to, kind, post, at, read).
    notices: Vec<(UserId, NoticeKind, PostId, NaiveDateTime, bool)>,
}

struct PostTimes {
    id: PostId,
    written: NaiveDateTime,
    edited: Option<NaiveDateTime>,
    hidden: Option<NaiveDateTime>,
}

fn bad(what: &str, raw: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("demo data: unknown {what} {raw}"))
}

fn demo_community(
    conn: &mut DbConn,
    c: &Community,
    people: &People,
    at: NaiveDateTime,
    clock: &mut Clock,
    report: &mut CommunityReport,
) -> Result<(), ApiError> {
    let created = at - TimeDelta::days(c.days_ago);
    let visibility =
        Visibility::parse(&c.visibility).ok_or_else(|| bad("visibility", &c.visibility))?;
    let Some(first) = c.moderators.first() else {
        return Err(bad("moderator of", &c.slug));
    };
    let course_id = match &c.course {
        Some(slug) => courses::table
            .filter(courses::slug.eq(slug))
            .filter(courses::deleted_at.is_null())
            .select(courses::id)
            .first(conn)
            .optional()?,
        None => None,
    };
    let input = NewCommunityInput::try_from(CreateCommunityRequest {
        name: c.name.clone(),
        slug: Some(c.slug.clone()),
        description: Some(c.description.clone()),
        language: c.language.clone(),
        visibility,
        course_id,
    })?;
    // Its first moderator creates it when the policy lets them; else the coordinator sets
    // it up for them and steps back.
    let creator = if may_create(people.get(first)?, visibility).is_ok() {
        first.as_str()
    } else {
        COORDINATOR
    };
    let host = people.get(creator)?;
    let id = communities::create(conn, host, input)?.community.id;
    clock.communities.push((id, created));
    report.communities += 1;
    let everyone: Vec<(&str, CommunityRole)> = c
        .moderators
        .iter()
        .map(|w| (w.as_str(), CommunityRole::Moderator))
        .chain(
            c.members
                .iter()
                .map(|w| (w.as_str(), CommunityRole::Member)),
        )
        .collect();
    for (k, &(who, role)) in everyone.iter().enumerate() {
        let joined = created + TimeDelta::hours(2 + 7 * i64::try_from(k).unwrap_or(0));
        let user = people.get(who)?;
        clock.members.push((id, user.id, joined));
        if who == creator {
            continue;
        }
        if visibility == Visibility::Private {
            communities::invite(conn, host, id, user.id)?;
        }
        communities::join(conn, user, id)?;
        if role == CommunityRole::Moderator {
            communities::change_role(conn, host, id, user.id, role)?;
        }
    }
    if creator == COORDINATOR && !c.moderators.iter().any(|m| m == COORDINATOR) {
        let coordinator = people.get(COORDINATOR)?;
        if c.members.iter().any(|m| m == COORDINATOR) {
            let moderator = people.get(first)?;
            communities::change_role(conn, moderator, id, coordinator.id, CommunityRole::Member)?;
        } else {
            communities::leave(conn, coordinator, id)?;
        }
    }
    for (who, _) in &everyone {
        let patch = SubscriptionPatch {
            watching: Some(c.watching.iter().any(|w| w == who)),
            email_preference: None,
        };
        notifications_service::update_community_subscription(conn, people.get(who)?, id, patch)?;
    }
    for t in &c.threads {
        demo_thread(conn, id, t, people, first, at, clock, report)?;
    }
    Ok(())
}

#[expect(
    clippy::too_many_arguments,
    reason = "one demo thread and where it goes"
)]
fn demo_thread(
    conn: &mut DbConn,
    community_id: CommunityId,
    t: &data::Thread,
    people: &People,
    moderator: &str,
    at: NaiveDateTime,
    clock: &mut Clock,
    report: &mut CommunityReport,
) -> Result<(), ApiError> {
    let start = at - TimeDelta::days(t.days_ago) - TimeDelta::hours(3);
    let Some(opening) = t.posts.first() else {
        return Ok(());
    };
    let kind = ThreadKind::parse(&t.kind).ok_or_else(|| bad("thread kind", &t.kind))?;
    let mut input = NewThreadInput::new(
        kind,
        &t.title,
        mentions(&opening.body, people),
        &t.tags,
        Vec::new(),
    )?;
    // The language a post written through the API would get: detected from its text.
    input.language = language_of(&opening.body);
    let thread = forums::create_thread(conn, people.get(&opening.by)?, community_id, input)?;
    let thread_id = thread.summary.id;
    let first_post = thread
        .first_post
        .map(|p| p.id)
        .ok_or_else(|| bad("opening post of", &t.title))?;
    report.threads += 1;
    if t.pinned {
        let host = people.get(moderator)?;
        moderation::thread_action(conn, host, thread_id, ThreadAction::Pin)?;
        clock.pins.push((thread_id, start + TimeDelta::hours(1)));
    }
    let mut post_ids: Vec<PostId> = Vec::with_capacity(t.posts.len());
    let mut last_seen = start;
    for (index, p) in t.posts.iter().enumerate() {
        let written = start + TimeDelta::hours(p.hours);
        let author = people.get(&p.by)?;
        // An edited post was first written as it was before.
        let first_body = p.edited.as_ref().map_or(&p.body, |e| &e.before);
        let post_id = if index == 0 {
            first_post
        } else {
            let mut input = NewPostInput::new(
                mentions(first_body, people),
                p.quote.and_then(|q| post_ids.get(q).copied()),
                Vec::new(),
            )?;
            input.language = language_of(first_body);
            forums::create_post(conn, author, thread_id, input)?.id
        };
        post_ids.push(post_id);
        report.posts += 1;
        for r in &p.reactions {
            let kind = ReactionKind::parse(&r.kind).ok_or_else(|| bad("reaction", &r.kind))?;
            forums::react(conn, people.get(&r.by)?, post_id, kind, true)?;
            report.reactions += 1;
        }
        if p.edited.is_some() {
            let edit = PostEdit::new(mentions(&p.body, people), None)?;
            forums::update_post(conn, author, post_id, edit, None)?;
        }
        if let Some(f) = &p.flagged {
            let reason =
                FlagReason::parse(&f.reason).ok_or_else(|| bad("flag reason", &f.reason))?;
            let input = NewFlagInput::try_from(CreateFlagRequest {
                reason,
                note: Some(f.note.clone()),
            })?;
            moderation::create_flag(conn, people.get(&f.by)?, post_id, input)?;
        }
        if let Some(h) = &p.hidden {
            let input = HideInput::try_from(HidePostRequest {
                reason: h.reason.clone(),
            })?;
            moderation::set_post_hidden(conn, people.get(&h.by)?, post_id, input)?;
        } else {
            last_seen = last_seen.max(written);
        }
        clock.posts.push(PostTimes {
            id: post_id,
            written,
            edited: p
                .edited
                .as_ref()
                .map(|e| written + TimeDelta::hours(e.hours)),
            hidden: p.hidden.as_ref().map(|_| written + TimeDelta::hours(1)),
        });
        for notice in &p.notify {
            let kind =
                NoticeKind::parse(&notice.kind).ok_or_else(|| bad("notice", &notice.kind))?;
            // An accepted answer is notified when it was accepted: the actor's next post.
            let when = if kind == NoticeKind::AcceptedAnswer {
                t.posts
                    .iter()
                    .skip(index + 1)
                    .find(|later| later.by == notice.by)
                    .map_or(written, |later| start + TimeDelta::hours(later.hours))
            } else {
                written
            };
            clock
                .notices
                .push((people.id(&notice.to)?, kind, post_id, when, notice.read));
        }
    }
    if let Some(answer) = t.accepted.and_then(|a| post_ids.get(a).copied()) {
        forums::accept_answer(conn, people.get(&opening.by)?, thread_id, answer)?;
    }
    if let Some(read) = t.member_read.and_then(|r| post_ids.get(r).copied()) {
        forums::mark_read(conn, people.get(MEMBER)?, thread_id, read)?;
    }
    clock.threads.push((thread_id, start, last_seen));
    Ok(())
}

/// `body` with each `{@handle}` written as the API's mention of that account, `<@id>`.
fn mentions(body: &str, people: &People) -> String {
    let mut out = body.to_owned();
    for (who, user) in &people.0 {
        out = out.replace(&format!("{{@{who}}}"), &format!("<@{}>", user.id.get()));
    }
    out
}

/// The language detected in a demo post, among the default platform languages (`None`:
/// the author's preferred language, as for a post whose language cannot be told).
fn language_of(body: &str) -> Option<String> {
    crate::post_translations::detect::detect(body, &crate::types::default_platform_languages())
}

/// Moves what the seed just wrote to when the data says it happened (see the module's
/// comment): the one place the demo writes rows without a service, and only timestamps,
/// read marks and email states.
fn backdate(conn: &mut DbConn, clock: &Clock) -> Result<(), ApiError> {
    for &(id, created) in &clock.communities {
        diesel::update(communities_t::table.find(id))
            .set((
                communities_t::created_at.eq(created),
                communities_t::updated_at.eq(created),
            ))
            .execute(conn)?;
        // Invitations and role changes while it was set up.
        diesel::update(moderation_log::table.filter(moderation_log::community_id.eq(id)))
            .set(moderation_log::created_at.eq(created + TimeDelta::hours(1)))
            .execute(conn)?;
    }
    for &(community, user, joined) in &clock.members {
        diesel::update(
            community_members::table
                .filter(community_members::community_id.eq(community))
                .filter(community_members::user_id.eq(user)),
        )
        .set((
            community_members::created_at.eq(joined),
            community_members::updated_at.eq(joined),
        ))
        .execute(conn)?;
    }
    for p in &clock.posts {
        let (written, id) = (p.written, p.id);
        diesel::update(posts::table.find(id))
            .set((posts::created_at.eq(written), posts::edited_at.eq(p.edited)))
            .execute(conn)?;
        if let Some(hidden) = p.hidden {
            diesel::update(posts::table.find(id))
                .set(posts::hidden_at.eq(hidden))
                .execute(conn)?;
            diesel::update(moderation_log::table.filter(moderation_log::post_id.eq(id)))
                .set(moderation_log::created_at.eq(hidden))
                .execute(conn)?;
        }
        diesel::update(post_reactions::table.filter(post_reactions::post_id.eq(id)))
            .set(post_reactions::created_at.eq(written + TimeDelta::minutes(40)))
            .execute(conn)?;
        diesel::update(post_revisions::table.filter(post_revisions::post_id.eq(id)))
            .set((
                post_revisions::written_at.eq(written),
                post_revisions::replaced_at.eq(p.edited.unwrap_or(written)),
            ))
            .execute(conn)?;
        diesel::update(post_flags::table.filter(post_flags::post_id.eq(id)))
            .set(post_flags::created_at.eq(written + TimeDelta::hours(2)))
            .execute(conn)?;
        // Notifications about it: when it was written, read three hours later unless the
        // data says the demo account has not read it yet.
        diesel::update(notifications::table.filter(notifications::post_id.eq(id)))
            .set((
                notifications::created_at.eq(written),
                notifications::read_at.eq(Some(written + TimeDelta::hours(3))),
                notifications::email_status.eq(EmailStatus::None),
                notifications::email_cadence.eq(None::<String>),
            ))
            .execute(conn)?;
        // Watching and reading since the reader's own post.
        let author: UserId = posts::table.find(id).select(posts::author_id).first(conn)?;
        let thread: ThreadId = posts::table.find(id).select(posts::thread_id).first(conn)?;
        diesel::update(
            thread_reads::table
                .filter(thread_reads::thread_id.eq(thread))
                .filter(thread_reads::user_id.eq(author)),
        )
        .set(thread_reads::updated_at.eq(written))
        .execute(conn)?;
        diesel::update(
            thread_subscriptions::table
                .filter(thread_subscriptions::thread_id.eq(thread))
                .filter(thread_subscriptions::user_id.eq(author))
                .filter(thread_subscriptions::created_at.gt(written)),
        )
        .set(thread_subscriptions::created_at.eq(written))
        .execute(conn)?;
    }
    for &(to, kind, post, when, read) in &clock.notices {
        diesel::update(
            notifications::table
                .filter(notifications::user_id.eq(to))
                .filter(notifications::kind.eq(kind))
                .filter(notifications::post_id.eq(post)),
        )
        .set((
            notifications::created_at.eq(when),
            notifications::read_at.eq(read.then(|| when + TimeDelta::hours(3))),
        ))
        .execute(conn)?;
    }
    // Notifications of the setting up (invitations): read long ago.
    let ids: Vec<CommunityId> = clock.communities.iter().map(|(id, _)| *id).collect();
    for &(id, created) in &clock.communities {
        diesel::update(
            notifications::table
                .filter(notifications::community_id.eq(id))
                .filter(notifications::post_id.is_null()),
        )
        .set((
            notifications::created_at.eq(created + TimeDelta::hours(1)),
            notifications::read_at.eq(Some(created + TimeDelta::hours(2))),
            notifications::email_status.eq(EmailStatus::None),
            notifications::email_cadence.eq(None::<String>),
        ))
        .execute(conn)?;
    }
    for &(id, started, last_seen) in &clock.threads {
        diesel::update(threads::table.find(id))
            .set((
                threads::created_at.eq(started),
                threads::updated_at.eq(last_seen),
                threads::last_activity_at.eq(last_seen),
            ))
            .execute(conn)?;
        diesel::update(
            thread_subscriptions::table
                .filter(thread_subscriptions::thread_id.eq(id))
                .filter(thread_subscriptions::created_at.lt(started)),
        )
        .set(thread_subscriptions::created_at.eq(started))
        .execute(conn)?;
    }
    for &(id, pinned) in &clock.pins {
        diesel::update(
            moderation_log::table
                .filter(moderation_log::thread_id.eq(id))
                .filter(moderation_log::post_id.is_null()),
        )
        .set(moderation_log::created_at.eq(pinned))
        .execute(conn)?;
    }
    for id in ids {
        let last: Option<NaiveDateTime> = threads::table
            .filter(threads::community_id.eq(id))
            .filter(threads::deleted_at.is_null())
            .select(diesel::dsl::max(threads::last_activity_at))
            .first(conn)?;
        diesel::update(communities_t::table.find(id))
            .set(communities_t::last_activity_at.eq(last))
            .execute(conn)?;
    }
    Ok(())
}
