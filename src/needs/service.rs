//! Use cases of the needs assessment: rounds, needs, endorsements, links, totals.
//!
//! Who sees what: coordinators and admins see every round and need. Anyone else sees the
//! rounds that invite an organisation they are an approved member of (by name or by its
//! country), and the needs of their own organisations; everything else answers 404.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::auth::AuthUser;
use crate::auth::policy::{self, Action, allowed};
use crate::db::memo::Memo;
use crate::db::{self, DbConn, now};
use crate::error::{ApiError, Fields};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::pagination::{Page, PageRequest};
use crate::http::response::Rendered;
use crate::needs::dto::TotalsResponse;
use crate::needs::model::{
    LinkTarget, LinkView, Need, NeedInput, NeedState, NeedView, NeedsRound, NewEndorsement,
    NewNeed, NewNeedLink, NewNeedsRound, RoundChanges, RoundInput, RoundPatch, RoundView,
};
use crate::needs::repo::{self, NeedFilter};
use crate::organisations::model::MembershipRole;
use crate::types::{
    CohortId, CountryCode, CourseId, NeedId, NeedLinkId, NeedsRoundId, OrganisationId, UserId,
    join_tags,
};

/// The sort a list cursor of rounds or needs is made for (newest first).
pub const NEWEST_FIRST: &str = "-id";

fn round_closed() -> ApiError {
    ApiError::Conflict {
        code: "round_closed",
        detail: "the round's deadline has passed; it takes no more needs or endorsements"
            .to_owned(),
    }
}

/// The round with whom it invites.
fn round_view(conn: &mut DbConn, round: NeedsRound) -> Result<RoundView, ApiError> {
    let mut views = round_views(conn, vec![round])?;
    views
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a round view went missing")))
}

fn round_views(conn: &mut DbConn, rounds: Vec<NeedsRound>) -> Result<Vec<RoundView>, ApiError> {
    let ids: Vec<NeedsRoundId> = rounds.iter().map(|r| r.id).collect();
    let mut orgs: HashMap<NeedsRoundId, Vec<OrganisationId>> = HashMap::new();
    for (round, org) in repo::invited_organisations(conn, &ids)? {
        orgs.entry(round).or_default().push(org);
    }
    let mut countries: HashMap<NeedsRoundId, Vec<CountryCode>> = HashMap::new();
    for (round, country) in repo::invited_countries(conn, &ids)? {
        countries.entry(round).or_default().push(country);
    }
    Ok(rounds
        .into_iter()
        .map(|round| RoundView {
            organisation_ids: orgs.remove(&round.id).unwrap_or_default(),
            countries: countries.remove(&round.id).unwrap_or_default(),
            round,
        })
        .collect())
}

/// 422 `unknown_organisation` for invited organisations that do not exist.
fn check_organisations(conn: &mut DbConn, ids: &[OrganisationId]) -> Result<(), ApiError> {
    let found: HashSet<OrganisationId> = repo::existing_organisations(conn, ids)?
        .into_iter()
        .collect();
    let mut f = Fields::default();
    for id in ids.iter().filter(|id| !found.contains(id)) {
        f.push(
            "organisation_ids",
            "unknown_organisation",
            format!("there is no organisation {id}"),
        );
    }
    f.finish()
}

/// Opens a round (coordinators and admins).
pub fn create_round(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: RoundInput,
) -> Result<RoundView, ApiError> {
    policy::authorize(actor, Action::ManageNeeds)?;
    check_organisations(conn, &input.organisation_ids)?;
    let at = now();
    let round = repo::insert_round(
        conn,
        &NewNeedsRound {
            title: input.title,
            description: input.description,
            deadline: input.deadline,
            created_by: Some(actor.id),
            created_at: at,
            updated_at: at,
        },
    )?;
    repo::set_invitations(conn, round.id, &input.organisation_ids, &input.countries)?;
    round_view(conn, round)
}

/// Changes a round (coordinators and admins), if it is still the version `if_match` names.
/// The deadline may move either way: moving it into the past closes the round.
pub fn update_round(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NeedsRoundId,
    patch: RoundPatch,
    if_match: Option<&IfMatch>,
) -> Result<RoundView, ApiError> {
    policy::authorize(actor, Action::ManageNeeds)?;
    db::lock_row(conn, "needs_rounds", id.get())?;
    let round = repo::find_round(conn, id)?;
    round.check_if_match(if_match)?;
    let current = round_view(conn, round)?;
    let changed = |new: &Option<String>, old: &String| new.clone().filter(|n| n != old);
    let changes = RoundChanges {
        title: changed(&patch.title, &current.round.title),
        description: changed(&patch.description, &current.round.description),
        deadline: patch.deadline.filter(|d| *d != current.round.deadline),
        updated_at: None,
        version: None,
    };
    let organisation_ids = patch
        .organisation_ids
        .filter(|o| *o != current.organisation_ids);
    let countries = patch.countries.filter(|c| *c != current.countries);
    let invitations_change = organisation_ids.is_some() || countries.is_some();
    if changes.title.is_none()
        && changes.description.is_none()
        && changes.deadline.is_none()
        && !invitations_change
    {
        return Ok(current); // nothing changes: no new version
    }
    if invitations_change {
        let orgs = organisation_ids.unwrap_or_else(|| current.organisation_ids.clone());
        let countries = countries.unwrap_or_else(|| current.countries.clone());
        if orgs.is_empty() && countries.is_empty() {
            return Err(ApiError::invalid_field(
                "organisation_ids",
                "no_invitations",
                "a round invites at least one organisation or country",
            ));
        }
        check_organisations(conn, &orgs)?;
        repo::set_invitations(conn, id, &orgs, &countries)?;
    }
    let round = repo::update_round(
        conn,
        id,
        &RoundChanges {
            updated_at: Some(now()),
            version: Some(current.round.version + 1),
            ..changes
        },
    )?;
    round_view(conn, round)
}

/// The caller's approved memberships: organisation, country, role.
fn memberships(
    conn: &mut DbConn,
    actor: &AuthUser,
) -> Result<Vec<(OrganisationId, CountryCode, MembershipRole)>, ApiError> {
    Ok(repo::memberships_of(conn, actor.id)?)
}

/// Whether the caller may see `round`: coordinators and admins, and approved members of an
/// organisation it invites.
fn may_see_round(conn: &mut DbConn, actor: &AuthUser, round: &RoundView) -> Result<bool, ApiError> {
    if allowed(actor, Action::ManageNeeds) {
        return Ok(true);
    }
    Ok(memberships(conn, actor)?.iter().any(|(org, country, _)| {
        round.organisation_ids.contains(org) || round.countries.contains(country)
    }))
}

/// One round, if the caller may see it (else 404).
pub fn get_round(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NeedsRoundId,
) -> Result<RoundView, ApiError> {
    let round = repo::find_round(conn, id)?;
    let view = round_view(conn, round)?;
    if may_see_round(conn, actor, &view)? {
        Ok(view)
    } else {
        Err(ApiError::NotFound)
    }
}

/// One page of the rounds the caller may see, newest first.
pub fn list_rounds(
    conn: &mut DbConn,
    actor: &AuthUser,
    page: &PageRequest<i64>,
) -> Result<Page<RoundView>, ApiError> {
    let after = page.after.as_ref().map(|(_, id)| NeedsRoundId(*id));
    let rows = if allowed(actor, Action::ManageNeeds) {
        repo::list_rounds(conn, None, after, page.fetch_limit())?
    } else {
        let mine = memberships(conn, actor)?;
        let orgs: Vec<OrganisationId> = mine.iter().map(|m| m.0).collect();
        let countries: Vec<CountryCode> = mine.iter().map(|m| m.1).collect();
        if orgs.is_empty() {
            Vec::new()
        } else {
            repo::list_rounds(conn, Some((&orgs, &countries)), after, page.fetch_limit())?
        }
    };
    let page = page.finish(rows, NEWEST_FIRST, |r| (r.id.get(), r.id.get()), |r| r);
    let views = round_views(conn, page.items)?;
    Ok(Page {
        items: views,
        next_cursor: page.next_cursor,
    })
}

/// A union leader submits a need of their organisation to an open round it is invited to.
/// Checks, in order: the round is visible (404), the caller leads the organisation (403
/// `forbidden`), the round invites it (403 `not_invited`), the deadline (409
/// `round_closed`), one need per topic and target group (409 `need_exists`).
pub fn submit(
    conn: &mut DbConn,
    actor: &AuthUser,
    round_id: NeedsRoundId,
    input: NeedInput,
) -> Result<NeedView, ApiError> {
    let round = get_round(conn, actor, round_id)?.round;
    let role = repo::role_in(conn, input.organisation_id, actor.id)?;
    policy::authorize(
        actor,
        Action::SpeakForUnion {
            leads_organisation: role == Some(MembershipRole::Leader),
        },
    )?;
    let country = repo::country_of(conn, input.organisation_id)?.ok_or(ApiError::NotFound)?;
    if !repo::invites(conn, round_id, input.organisation_id, country)? {
        return Err(ApiError::forbidden(
            "not_invited",
            "this round does not invite your organisation",
        ));
    }
    let at = now();
    if !round.is_open(at) {
        return Err(round_closed());
    }
    let need = repo::insert_need(
        conn,
        &NewNeed {
            round_id,
            organisation_id: input.organisation_id,
            country,
            author_id: Some(actor.id),
            topic: input.topic,
            topic_text: input.topic_text,
            priority: input.priority,
            target_group: input.target_group,
            sector: input.sector,
            languages: join_tags(&input.languages),
            delivery_mode: input.delivery_mode,
            participants: input.participants,
            state: NeedState::Open,
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(|err| match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => need_exists(),
        other => other.into(),
    })?;
    Ok(NeedView {
        need,
        links: Vec::new(),
        endorsed_by_me: false,
    })
}

fn need_exists() -> ApiError {
    ApiError::Conflict {
        code: "need_exists",
        detail: "your organisation has a need of this topic and target group in this round already"
            .to_owned(),
    }
}

/// Whether the caller may read the needs of `organisation`: its approved members, and
/// coordinators and admins.
fn may_read_union(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation: OrganisationId,
) -> Result<bool, ApiError> {
    Ok(allowed(actor, Action::ManageNeeds)
        || repo::role_in(conn, organisation, actor.id)?.is_some())
}

/// The needs with their links and the caller's endorsements.
fn need_views(
    conn: &mut DbConn,
    actor: &AuthUser,
    needs: Vec<Need>,
) -> Result<Vec<NeedView>, ApiError> {
    let ids: Vec<NeedId> = needs.iter().map(|n| n.id).collect();
    let all = repo::links_of(conn, &ids)?;
    let cohorts: Vec<CohortId> = all.iter().filter_map(|l| l.cohort_id).collect();
    let courses: Vec<CourseId> = all.iter().filter_map(|l| l.course_id).collect();
    let mut statuses: HashMap<LinkTarget, &'static str> = HashMap::new();
    for (id, status) in repo::cohort_states(conn, &cohorts)? {
        statuses.insert(LinkTarget::Cohort(id), status.as_str());
    }
    for (id, status) in repo::course_states(conn, &courses)? {
        statuses.insert(LinkTarget::Course(id), status.as_str());
    }
    let mut links: HashMap<NeedId, Vec<LinkView>> = HashMap::new();
    for link in all {
        let target = match (link.course_id, link.cohort_id) {
            (Some(c), _) => Some(LinkTarget::Course(c)),
            (None, Some(c)) => Some(LinkTarget::Cohort(c)),
            (None, None) => None,
        };
        let status = target.and_then(|t| statuses.get(&t).copied());
        links
            .entry(link.need_id)
            .or_default()
            .push(LinkView { link, status });
    }
    let endorsed: HashSet<NeedId> = repo::endorsed_by(conn, &ids, actor.id)?
        .into_iter()
        .collect();
    Ok(needs
        .into_iter()
        .map(|need| NeedView {
            links: links.remove(&need.id).unwrap_or_default(),
            endorsed_by_me: endorsed.contains(&need.id),
            need,
        })
        .collect())
}

fn need_view(conn: &mut DbConn, actor: &AuthUser, need: Need) -> Result<NeedView, ApiError> {
    need_views(conn, actor, vec![need])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a need view went missing")))
}

/// A need the caller may read (else 404).
fn readable_need(conn: &mut DbConn, actor: &AuthUser, id: NeedId) -> Result<Need, ApiError> {
    let need = repo::find_need(conn, id)?;
    if may_read_union(conn, actor, need.organisation_id)? {
        Ok(need)
    } else {
        Err(ApiError::NotFound)
    }
}

/// One need, for the members of its union, coordinators and admins (else 404).
pub fn get_need(conn: &mut DbConn, actor: &AuthUser, id: NeedId) -> Result<NeedView, ApiError> {
    let need = readable_need(conn, actor, id)?;
    need_view(conn, actor, need)
}

/// A leader of the need's union withdraws it while the round is open, if it is still the
/// version `if_match` names; links and endorsements go with it.
pub fn delete_need(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NeedId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let need = readable_need(conn, actor, id)?;
    let role = repo::role_in(conn, need.organisation_id, actor.id)?;
    policy::authorize(
        actor,
        Action::SpeakForUnion {
            leads_organisation: role == Some(MembershipRole::Leader),
        },
    )?;
    db::lock_row(conn, "needs", id.get())?;
    let need = repo::find_need(conn, id)?;
    need.check_if_match(if_match)?;
    if !repo::find_round(conn, need.round_id)?.is_open(now()) {
        return Err(round_closed());
    }
    repo::delete_need(conn, &need)?;
    Ok(())
}

/// One page of a round's needs, newest first: every union's for coordinators and admins,
/// the needs of the caller's own organisations for the members of invited organisations.
pub fn list_round_needs(
    conn: &mut DbConn,
    actor: &AuthUser,
    round_id: NeedsRoundId,
    mut filter: NeedFilter,
    page: &PageRequest<i64>,
) -> Result<Page<NeedView>, ApiError> {
    get_round(conn, actor, round_id)?;
    filter.round_id = Some(round_id);
    if !allowed(actor, Action::ManageNeeds) {
        let mine: Vec<OrganisationId> =
            memberships(conn, actor)?.into_iter().map(|m| m.0).collect();
        match filter.organisation_id {
            Some(org) if !mine.contains(&org) => return Ok(empty_page()),
            Some(_) => {}
            None => filter.organisation_ids = Some(mine),
        }
    }
    page_of_needs(conn, actor, &filter, page)
}

fn empty_page<T>() -> Page<T> {
    Page {
        items: Vec::new(),
        next_cursor: None,
    }
}

fn page_of_needs(
    conn: &mut DbConn,
    actor: &AuthUser,
    filter: &NeedFilter,
    page: &PageRequest<i64>,
) -> Result<Page<NeedView>, ApiError> {
    let after = page.after.as_ref().map(|(_, id)| NeedId(*id));
    let rows = repo::list_needs(conn, filter, after, page.fetch_limit())?;
    let page = page.finish(rows, NEWEST_FIRST, |n| (n.id.get(), n.id.get()), |n| n);
    Ok(Page {
        items: need_views(conn, actor, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// One page of an organisation's needs in every round, newest first, with their links and
/// states: what became of them. For its approved members, coordinators and admins (else
/// 404).
pub fn list_organisation_needs(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation: OrganisationId,
    mut filter: NeedFilter,
    page: &PageRequest<i64>,
) -> Result<Page<NeedView>, ApiError> {
    if repo::country_of(conn, organisation)?.is_none()
        || !may_read_union(conn, actor, organisation)?
    {
        return Err(ApiError::NotFound);
    }
    filter.organisation_id = Some(organisation);
    page_of_needs(conn, actor, &filter, page)
}

/// An approved member of the need's union endorses it while the round is open (once: a
/// second endorsement changes nothing). 404 for an unknown need; 403 `forbidden` for a
/// member of another union or the need's author; 409 `round_closed` after the deadline.
pub fn endorse(conn: &mut DbConn, actor: &AuthUser, id: NeedId) -> Result<NeedView, ApiError> {
    let need = repo::find_need(conn, id)?;
    let is_member = repo::role_in(conn, need.organisation_id, actor.id)?.is_some();
    policy::authorize(
        actor,
        Action::EndorseNeed {
            is_member,
            is_author: need.author_id == Some(actor.id),
        },
    )?;
    if !repo::find_round(conn, need.round_id)?.is_open(now()) {
        return Err(round_closed());
    }
    db::lock_row(conn, "needs", id.get())?;
    let added = repo::insert_endorsement(
        conn,
        &NewEndorsement {
            need_id: id,
            user_id: Some(actor.id),
            created_at: now(),
        },
    )?;
    let need = recount(conn, id, added > 0)?;
    need_view(conn, actor, need)
}

/// The caller withdraws their endorsement while the round is open (nothing happens when
/// there is none).
pub fn withdraw_endorsement(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NeedId,
) -> Result<NeedView, ApiError> {
    let need = readable_need(conn, actor, id)?;
    if !repo::find_round(conn, need.round_id)?.is_open(now()) {
        return Err(round_closed());
    }
    db::lock_row(conn, "needs", id.get())?;
    let removed = repo::delete_endorsement(conn, id, actor.id)?;
    let need = recount(conn, id, removed > 0)?;
    need_view(conn, actor, need)
}

/// The need after a change of its endorsements: a new version with the count read again
/// when `changed`, else as it is.
fn recount(conn: &mut DbConn, id: NeedId, changed: bool) -> Result<Need, ApiError> {
    let need = repo::find_need(conn, id)?;
    if !changed {
        return Ok(need);
    }
    let count = i32::try_from(repo::count_endorsements(conn, id)?).unwrap_or(i32::MAX);
    Ok(repo::touch_need(conn, &need, need.state, count, now())?)
}

/// A coordinator links a need to a course or cohort planned to answer it; an `open` need
/// becomes `planned`. 422 for an unknown course or cohort, 409 `already_linked`.
pub fn link(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NeedId,
    target: LinkTarget,
) -> Result<NeedView, ApiError> {
    policy::authorize(actor, Action::ManageNeeds)?;
    db::lock_row(conn, "needs", id.get())?;
    let need = repo::find_need(conn, id)?;
    let (course_id, cohort_id) = match target {
        LinkTarget::Course(c) => {
            if repo::course_states(conn, &[c])?.is_empty() {
                return Err(ApiError::invalid_field(
                    "course_id",
                    "unknown_course",
                    format!("there is no course {c}"),
                ));
            }
            (Some(c), None)
        }
        LinkTarget::Cohort(c) => {
            if repo::cohort_states(conn, &[c])?.is_empty() {
                return Err(ApiError::invalid_field(
                    "cohort_id",
                    "unknown_cohort",
                    format!("there is no cohort {c}"),
                ));
            }
            (None, Some(c))
        }
    };
    let at = now();
    let added = repo::insert_link(
        conn,
        &NewNeedLink {
            need_id: id,
            course_id,
            cohort_id,
            linked_by: Some(actor.id),
            created_at: at,
        },
    )?;
    if added == 0 {
        return Err(ApiError::Conflict {
            code: "already_linked",
            detail: "the need is linked to this course or cohort already".to_owned(),
        });
    }
    let state = match need.state {
        NeedState::Open => NeedState::Planned,
        other => other,
    };
    let need = repo::touch_need(conn, &need, state, need.endorsement_count, at)?;
    need_view(conn, actor, need)
}

/// A coordinator removes a link; a need left without links is `open` again.
pub fn unlink(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NeedId,
    link_id: NeedLinkId,
) -> Result<(), ApiError> {
    policy::authorize(actor, Action::ManageNeeds)?;
    db::lock_row(conn, "needs", id.get())?;
    let need = repo::find_need(conn, id)?;
    repo::find_link(conn, id, link_id)?;
    repo::delete_link(conn, link_id)?;
    let state = if repo::count_links(conn, id)? == 0 {
        NeedState::Open
    } else {
        need.state
    };
    repo::touch_need(conn, &need, state, need.endorsement_count, now())?;
    Ok(())
}

/// A coordinator marks a planned need `addressed`, or an addressed one `planned` again, if
/// it is still the version `if_match` names. 409 `not_planned` for an `open` need or a
/// move to `open` (unlink instead).
pub fn set_state(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NeedId,
    state: NeedState,
    if_match: Option<&IfMatch>,
) -> Result<NeedView, ApiError> {
    policy::authorize(actor, Action::ManageNeeds)?;
    db::lock_row(conn, "needs", id.get())?;
    let need = repo::find_need(conn, id)?;
    need.check_if_match(if_match)?;
    if need.state == state {
        return need_view(conn, actor, need);
    }
    if need.state == NeedState::Open || state == NeedState::Open {
        return Err(ApiError::Conflict {
            code: "not_planned",
            detail: "only a need with a course or cohort linked is planned or addressed; \
                     link one first, or unlink them all to open it again"
                .to_owned(),
        });
    }
    let need = repo::touch_need(conn, &need, state, need.endorsement_count, now())?;
    need_view(conn, actor, need)
}

/// A round's totals (coordinators and admins).
/// Rounds whose totals are kept at most (see [`TotalsMemo`]).
const MEMO_ROUNDS: usize = 64;

/// The totals of the rounds read lately, each with the round's `needs_version` it was
/// counted at: counted again only after a change to the round's needs (`db::memo`).
#[derive(Debug, Clone)]
pub struct TotalsMemo(Memo<NeedsRoundId, i64, Rendered>);

impl Default for TotalsMemo {
    fn default() -> Self {
        Self(Memo::new(MEMO_ROUNDS))
    }
}

/// A round's totals by topic × country × target group (a [`TotalsResponse`], rendered):
/// coordinators and admins. Counted by the database and rendered when the round's needs
/// changed since the last count, else from `memo` (the answer is the same for every reader).
pub fn totals(
    conn: &mut DbConn,
    actor: &AuthUser,
    round_id: NeedsRoundId,
    memo: &TotalsMemo,
) -> Result<(NeedsRound, Arc<Rendered>), ApiError> {
    policy::authorize(actor, Action::ManageNeeds)?;
    // The version first: totals counted after it are at least as new as it says.
    let round = repo::find_round(conn, round_id)?;
    let rendered = memo.0.get_or_try(round_id, round.needs_version, || {
        Rendered::of(&TotalsResponse::new(
            round_id,
            &repo::totals(conn, round_id)?,
        ))
    })?;
    Ok((round, rendered))
}

/// Erasure of `user`'s account: their needs and endorsements stay as anonymous counts.
pub fn forget_user(conn: &mut DbConn, user: UserId) -> Result<(), ApiError> {
    repo::forget_user(conn, user)?;
    Ok(())
}
