//! The cohort space's use cases, each in the caller's one transaction: linking a cohort to
//! its space, moving people in and out of it as the cohort changes, and announcements.

use crate::auth::AuthUser;
use crate::auth::policy::{Action, authorize};
use crate::cohorts::model::{Cohort, CohortChanges, CohortStatus};
use crate::cohorts::nominations::repo as nominations;
use crate::cohorts::repo;
use crate::cohorts::service::email_each;
use crate::cohorts::space::dto::{Announcement, AnnouncementResponse};
use crate::communities::model::CommunityRole;
use crate::communities::service as communities;
use crate::db::{self, DbConn, now};
use crate::email::Template;
use crate::error::ApiError;
use crate::forums::service::{self as forums, ThreadSwitch};
use crate::http::links;
use crate::types::{CohortId, CommunityId, UserId};

/// The longest community name (the communities' own limit).
const MAX_NAME_CHARS: usize = 120;

fn broken(id: CohortId) -> ApiError {
    ApiError::internal(anyhow::anyhow!("cohort {id} has no stored texts"))
}

/// The cohort's space, made now when it has none (named after the cohort's title in its
/// default language, created by the cohort's creator, or else its first facilitator, or
/// else `actor`): the cohort answers a new version then. The cohort is locked by the
/// caller.
pub fn ensure(
    conn: &mut DbConn,
    cohort: Cohort,
    actor: Option<UserId>,
) -> Result<(Cohort, CommunityId), ApiError> {
    link(conn, cohort, actor, true)
}

/// Makes the space of a cohort created in this transaction, with its `facilitators` as
/// moderators: part of the cohort's first version, which no one has seen without it.
pub fn open_for_new(
    conn: &mut DbConn,
    cohort: Cohort,
    facilitators: &[UserId],
) -> Result<Cohort, ApiError> {
    let (cohort, _) = link(conn, cohort, None, false)?;
    follow(conn, cohort, facilitators)
}

fn link(
    conn: &mut DbConn,
    cohort: Cohort,
    actor: Option<UserId>,
    bump: bool,
) -> Result<(Cohort, CommunityId), ApiError> {
    if let Some(space) = cohort.community_id {
        return Ok((cohort, space));
    }
    let title = repo::texts(conn, cohort.id, &cohort.default_language)?
        .ok_or_else(|| broken(cohort.id))?
        .title;
    let name: String = title.chars().take(MAX_NAME_CHARS).collect();
    let creator = match cohort.created_by {
        Some(user) => Some(user),
        None => repo::facilitators(conn, &[cohort.id])?
            .first()
            .map(|(_, u)| *u)
            .or(actor),
    }
    .ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "cohort {} has no creator or facilitator to make its space",
            cohort.id
        ))
    })?;
    let community = communities::create_managed(
        conn,
        creator,
        &format!("cohort-{}", cohort.id),
        name,
        cohort.default_language.clone(),
    )?;
    let changes = if bump {
        CohortChanges {
            community_id: Some(Some(community.id)),
            ..CohortChanges::bump(cohort.version, now())
        }
    } else {
        CohortChanges {
            community_id: Some(Some(community.id)),
            ..CohortChanges::default()
        }
    };
    let cohort = repo::update(conn, cohort.id, &changes)?;
    Ok((cohort, community.id))
}

/// Brings the space's membership of each of `people` in line with the cohort as it is now
/// in this transaction: facilitators moderate, accepted participants are members, anyone
/// else of them is no member. Makes the space first when the cohort has none; answers the
/// cohort as it is then.
pub fn follow(conn: &mut DbConn, cohort: Cohort, people: &[UserId]) -> Result<Cohort, ApiError> {
    let (cohort, space) = ensure(conn, cohort, None)?;
    let mut seen = Vec::with_capacity(people.len());
    for user in people {
        if seen.contains(user) {
            continue;
        }
        seen.push(*user);
        let role = if repo::is_facilitator(conn, cohort.id, *user)? {
            Some(CommunityRole::Moderator)
        } else if nominations::is_participant(conn, cohort.id, *user)? {
            Some(CommunityRole::Member)
        } else {
            None
        };
        communities::set_managed_member(conn, space, *user, role)?;
    }
    Ok(cohort)
}

/// Everyone the space follows: the cohort's facilitators and accepted participants.
fn everyone(conn: &mut DbConn, cohort: CohortId) -> Result<Vec<UserId>, ApiError> {
    let mut people: Vec<UserId> = repo::facilitators(conn, &[cohort])?
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    people.extend(nominations::participants(conn, cohort)?);
    Ok(people)
}

/// Links up to `limit` cohorts that have no space yet (made before spaces existed) to a new
/// one with their facilitators and participants; answers how many.
pub fn link_older_cohorts(conn: &mut DbConn, limit: i64) -> Result<usize, ApiError> {
    let older = repo::without_space(conn, limit)?;
    let count = older.len();
    for cohort in older {
        db::lock_row(conn, "cohorts", cohort.id.get())?;
        let people = everyone(conn, cohort.id)?;
        follow(conn, cohort, &people)?;
    }
    Ok(count)
}

/// A facilitator (still a trainer), coordinator or admin posts an announcement in the
/// cohort's space: a pinned discussion tagged `announcement`, emailed in this transaction
/// to every participant and facilitator but the author, each in their language. 403 for
/// anyone else; 409 `cohort_cancelled` once the cohort is cancelled.
pub fn announce(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CohortId,
    announcement: Announcement,
) -> Result<AnnouncementResponse, ApiError> {
    db::lock_row(conn, "cohorts", id.get())?;
    let cohort = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let is_facilitator = repo::is_facilitator(conn, id, actor.id)?;
    authorize(actor, Action::AnnounceToCohort { is_facilitator })?;
    if cohort.status == CohortStatus::Cancelled {
        return Err(ApiError::Conflict {
            code: "cohort_cancelled",
            detail:
                "the cohort is cancelled: its space stays readable, but takes no more announcements"
                    .to_owned(),
        });
    }
    let (cohort, space) = ensure(conn, cohort, Some(actor.id))?;
    let title = announcement.thread.title.clone();
    let thread = forums::start_thread(conn, actor.id, space, announcement.thread)?;
    forums::switch_thread(conn, thread.id, ThreadSwitch::Pinned(true))?;
    let author = repo::contacts(conn, &[actor.id])?
        .pop()
        .map(|(_, name, _, _)| name)
        .unwrap_or_default();
    let people: Vec<UserId> = everyone(conn, id)?
        .into_iter()
        .filter(|u| *u != actor.id)
        .collect();
    let emailed = email_each(
        conn,
        &cohort,
        &people,
        Template::CohortAnnouncement,
        &[
            ("author", author),
            ("title", title),
            ("body", announcement.markdown),
            ("link", links::frontend(&format!("/threads/{}", thread.id))),
        ],
    )?;
    Ok(AnnouncementResponse {
        thread_id: thread.id,
        community_id: space,
        emailed: i64::try_from(emailed).unwrap_or(i64::MAX),
    })
}
