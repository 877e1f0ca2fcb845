//! Nomination use cases: nominate or apply, answer, endorse, decide, withdraw; read one,
//! a cohort's list, its audit trail and its selection view. Each runs inside the caller's
//! one transaction and asks `auth::policy` with the caller's current role and union
//! leadership, read from the database.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;

use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed, authorize};
use crate::cohorts::calls::model::CallInput;
use crate::cohorts::calls::service::{StoredCall, stored};
use crate::cohorts::model::{AGE_BANDS, Cohort, CohortStatus, GENDERS, age_band, gender_value};
use crate::cohorts::nominations::dto::{
    ID_SORT, NominationEventResponse, NominationResponse, OrganisationBrief, PersonBrief,
    SelectionResponse, SelectionSet, ShareCount, SoftCriteria, TargetShare, UnionCount,
};
use crate::cohorts::nominations::model::{
    MoveInput, Mover, NewNomination, NewNominationEvent, Nomination, NominationChanges,
    NominationInput, NominationOrigin, NominationStatus,
};
use crate::cohorts::nominations::repo::{self, NominationFilter, Person};
use crate::cohorts::repo as cohorts;
use crate::cohorts::service::email_each;
use crate::cohorts::space::service as space;
use crate::courses::model::Format;
use crate::db::{self, DbConn, now};
use crate::email::Template;
use crate::error::{ApiError, Fields};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::links;
use crate::http::pagination::{Page, PageRequest};
use crate::learning::service as learning;
use crate::organisations::model::UnionRole;
use crate::types::{CohortId, CountryCode, NominationId, OrganisationId, UserId};

/// A nomination as answered, with its entity tag.
#[derive(Debug)]
pub struct NominationView {
    pub body: NominationResponse,
    pub etag: String,
}

/// How the caller stands to a nomination, read from the database.
#[derive(Debug, Clone, Copy)]
struct Relation {
    is_nominee: bool,
    leads_organisation: bool,
}

fn closed(detail: impl Into<String>) -> ApiError {
    ApiError::Conflict {
        code: "nominations_closed",
        detail: detail.into(),
    }
}

fn already_nominated() -> ApiError {
    ApiError::Conflict {
        code: "already_nominated",
        detail: "this member already has a nomination for the cohort".to_owned(),
    }
}

fn cohort_of(conn: &mut DbConn, id: CohortId) -> Result<Cohort, ApiError> {
    cohorts::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// The nomination, if the caller may see it (its nominee, a leader of its organisation,
/// coordinators and admins); 404 for anyone else, so ids reveal nothing.
fn visible(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NominationId,
) -> Result<(Nomination, Relation), ApiError> {
    let n = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let rel = Relation {
        is_nominee: n.nominee_id == actor.id,
        leads_organisation: repo::led_organisations(conn, actor.id)?.contains(&n.organisation_id),
    };
    let may_read = allowed(
        actor,
        Action::ReadNomination {
            is_nominee: rel.is_nominee,
            leads_organisation: rel.leads_organisation,
        },
    );
    if may_read {
        Ok((n, rel))
    } else {
        Err(ApiError::NotFound)
    }
}

/// The answers for `rows` of one cohort, with names and organisations read in one query
/// each; soft criteria for those who select participants.
fn responses(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort: &Cohort,
    rows: Vec<Nomination>,
) -> Result<Vec<NominationResponse>, ApiError> {
    let selects = allowed(actor, Action::SelectParticipants);
    let mut ids: Vec<UserId> = rows.iter().map(|n| n.nominee_id).collect();
    ids.extend(rows.iter().filter_map(|n| n.leader_id));
    let people: HashMap<UserId, Person> = repo::people(conn, &ids)?
        .into_iter()
        .map(|p| (p.0, p))
        .collect();
    let org_ids: Vec<OrganisationId> = rows.iter().map(|n| n.organisation_id).collect();
    let orgs: HashMap<OrganisationId, (String, CountryCode)> = repo::organisations(conn, &org_ids)?
        .into_iter()
        .map(|(id, name, country)| (id, (name, country)))
        .collect();
    let year = cohort.starts_on.year();
    let brief = |id: UserId| PersonBrief {
        id,
        display_name: people.get(&id).map(|p| p.1.clone()).unwrap_or_default(),
    };
    rows.into_iter()
        .map(|n| {
            let (org_name, country) = orgs.get(&n.organisation_id).cloned().ok_or_else(|| {
                ApiError::internal(anyhow::anyhow!("nomination {} lost its organisation", n.id))
            })?;
            let soft_criteria = selects.then(|| {
                let (gender, birth_year) = people
                    .get(&n.nominee_id)
                    .map_or((None, None), |p| (p.2, p.3));
                SoftCriteria {
                    gender: gender_value(gender).to_owned(),
                    age_band: age_band(birth_year, year).to_owned(),
                    under_35: birth_year.map(|b| year - b < 35),
                    country: country.to_string(),
                }
            });
            Ok(NominationResponse {
                id: n.id,
                cohort_id: n.cohort_id,
                nominee: brief(n.nominee_id),
                organisation: OrganisationBrief {
                    id: n.organisation_id,
                    name: org_name,
                    country: country.to_string(),
                },
                origin: n.origin,
                status: n.status,
                leader: n.leader_id.map(brief),
                statement: n.statement,
                profile_read_at: n.profile_read_at.and_utc(),
                decision_reason: n.decision_reason,
                waitlisted_at: n.waitlisted_at.map(|t| t.and_utc()),
                soft_criteria,
                created_at: n.created_at.and_utc(),
                updated_at: n.updated_at.and_utc(),
            })
        })
        .collect()
}

fn view(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort: &Cohort,
    n: Nomination,
) -> Result<NominationView, ApiError> {
    let etag = n.etag();
    let body = responses(conn, actor, cohort, vec![n])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a nomination without its answer")))?;
    Ok(NominationView { body, etag })
}

/// Adds a step to the audit trail.
fn audit(
    conn: &mut DbConn,
    n: &Nomination,
    actor: UserId,
    from: Option<NominationStatus>,
    reason: Option<String>,
) -> Result<(), ApiError> {
    repo::insert_event(
        conn,
        &NewNominationEvent {
            nomination_id: n.id,
            cohort_id: n.cohort_id,
            actor_id: Some(actor),
            from_status: from,
            to_status: n.status,
            reason,
            created_at: n.updated_at,
        },
    )?;
    Ok(())
}

fn display_name(conn: &mut DbConn, user: UserId) -> Result<String, ApiError> {
    Ok(repo::people(conn, &[user])?
        .pop()
        .map(|p| p.1)
        .unwrap_or_default())
}

fn nomination_link(id: NominationId) -> String {
    links::frontend(&format!("/nominations/{id}"))
}

// ---------------------------------------------------------------- the profile

/// Whether someone who speaks `spoken` meets `required`: the same tag, or a more precise
/// one (`fil-PH` meets `fil`).
fn speaks(spoken: &str, required: &str) -> bool {
    spoken.eq_ignore_ascii_case(required)
        || (spoken.len() > required.len()
            && spoken.as_bytes()[required.len()] == b'-'
            && spoken[..required.len()].eq_ignore_ascii_case(required))
}

/// 422 naming each hard criterion of the profile the nominee misses, one stable code
/// each: `organisation_not_invited`, `union_role_required`, `language_level_too_low`,
/// `prerequisite_course_not_completed`, `prerequisite_cohort_not_completed`,
/// `outside_age_range`. A nominee without a birth year is never refused for their age.
fn check_profile(
    conn: &mut DbConn,
    cohort: &Cohort,
    call: &CallInput,
    nominee: UserId,
    birth_year: Option<i32>,
    (org, union_role, country): (OrganisationId, UnionRole, CountryCode),
) -> Result<(), ApiError> {
    let p = &call.profile;
    let mut f = Fields::default();
    if !call.invites(org, &country) {
        f.push(
            "organisation_id",
            "organisation_not_invited",
            format!("the call does not invite organisation {org} (nor its country, {country})"),
        );
    }
    if !p.union_roles.is_empty() && !p.union_roles.contains(&union_role) {
        let wanted: Vec<&str> = p.union_roles.iter().map(|r| r.as_str()).collect();
        f.push(
            "profile.union_roles",
            "union_role_required",
            format!(
                "the nominee's union role is `{union_role}`; the profile asks for one of {}",
                wanted.join(", ")
            ),
        );
    }
    if !p.languages.is_empty() {
        let spoken = repo::languages(conn, nominee)?;
        for (language, min) in &p.languages {
            let best = spoken
                .iter()
                .filter(|(l, _)| speaks(l, language))
                .map(|(_, level)| *level)
                .max();
            if best.is_none_or(|b| b < *min) {
                f.push(
                    "profile.languages",
                    "language_level_too_low",
                    format!("the profile asks for `{language}` at {min} or above"),
                );
            }
        }
    }
    if !p.course_ids.is_empty() {
        let done = repo::completed_courses(conn, nominee, &p.course_ids)?;
        for id in p.course_ids.iter().filter(|id| !done.contains(id)) {
            f.push(
                "profile.prerequisite_course_ids",
                "prerequisite_course_not_completed",
                format!("the nominee has not completed course {id}"),
            );
        }
    }
    if !p.cohort_ids.is_empty() {
        let done = repo::completed_cohorts(conn, nominee, &p.cohort_ids)?;
        for id in p.cohort_ids.iter().filter(|id| !done.contains(id)) {
            f.push(
                "profile.prerequisite_cohort_ids",
                "prerequisite_cohort_not_completed",
                format!("the nominee did not take part in completed cohort {id}"),
            );
        }
    }
    if let Some(born) = birth_year {
        let age = cohort.starts_on.year() - born;
        if p.min_age.is_some_and(|m| age < m) || p.max_age.is_some_and(|m| age > m) {
            f.push(
                "profile.age_range",
                "outside_age_range",
                format!(
                    "the nominee is {age} in {}; the profile asks for {} to {}",
                    cohort.starts_on.year(),
                    p.min_age.map_or("any".to_owned(), |a| a.to_string()),
                    p.max_age.map_or("any".to_owned(), |a| a.to_string()),
                ),
            );
        }
    }
    f.finish()
}

/// 409 `quota_full` when the organisation's or its country's quota is taken.
fn check_quotas(
    conn: &mut DbConn,
    cohort: CohortId,
    call: &CallInput,
    org: OrganisationId,
    country: &CountryCode,
) -> Result<(), ApiError> {
    let full = |what: String| ApiError::Conflict {
        code: "quota_full",
        detail: format!("the call's quota for {what} is taken"),
    };
    if let Some(places) = call
        .organisations
        .iter()
        .find(|o| o.organisation_id == org)
        .and_then(|o| o.places)
        && repo::count_for_organisation(conn, cohort, org)? >= i64::from(places)
    {
        return Err(full(format!("organisation {org} ({places})")));
    }
    if let Some(places) = call
        .countries
        .iter()
        .find(|c| c.country == *country)
        .and_then(|c| c.places)
        && repo::count_for_country(conn, cohort, country)? >= i64::from(places)
    {
        return Err(full(format!("{country} ({places})")));
    }
    Ok(())
}

/// Of the memberships that fit, the one named, else the only one (or the only invited
/// one); 422 `organisation_required` when several fit.
fn choose(
    fitting: Vec<(OrganisationId, UnionRole, CountryCode)>,
    named: Option<OrganisationId>,
    call: Option<&StoredCall>,
) -> Result<(OrganisationId, UnionRole, CountryCode), ApiError> {
    let forbidden = || {
        ApiError::forbidden(
            "forbidden",
            "you may nominate only approved members of a union you lead, and apply only through a union you are a member of",
        )
    };
    if let Some(named) = named {
        return fitting
            .into_iter()
            .find(|m| m.0 == named)
            .ok_or_else(forbidden);
    }
    let invited: Vec<_> = fitting
        .iter()
        .filter(|m| call.is_some_and(|c| c.input.invites(m.0, &m.2)))
        .cloned()
        .collect();
    match (fitting.len(), invited.len()) {
        (0, _) => Err(forbidden()),
        (1, _) => Ok(fitting[0]),
        (_, 1) => Ok(invited[0]),
        _ => Err(ApiError::invalid_field(
            "organisation_id",
            "organisation_required",
            "several of your organisations fit: name the one the nomination comes through",
        )),
    }
}

// ---------------------------------------------------------------- writes

/// A leader nominates an approved member of a union they lead (`awaiting_nominee`; the
/// nominee is emailed), or a member applies where the call allows it (`awaiting_leader`;
/// the union's leaders are emailed). Checks, in order: who may (403), the call open (409
/// `nominations_closed`), one live nomination per person (409 `already_nominated`), the
/// profile's hard criteria (422), the quotas (409 `quota_full`).
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    input: NominationInput,
) -> Result<NominationView, ApiError> {
    // Quotas are counted under the cohort's lock, so two nominations cannot both take
    // the last place.
    db::lock_row(conn, "cohorts", cohort_id.get())?;
    let cohort = cohort_of(conn, cohort_id)?;
    let call = stored(conn, cohort_id)?;
    let nominee = input.nominee_id.unwrap_or(actor.id);
    let applying = nominee == actor.id;
    let memberships = repo::approved_memberships(conn, nominee)?;
    let fitting = if applying {
        memberships
    } else {
        let led = repo::led_organisations(conn, actor.id)?;
        authorize(
            actor,
            Action::Nominate {
                leads_organisation: !led.is_empty(),
            },
        )?;
        memberships
            .into_iter()
            .filter(|m| led.contains(&m.0))
            .collect()
    };
    let membership = choose(fitting, input.organisation_id, call.as_ref())?;
    let call = match call {
        Some(call) if call.is_open(&cohort) => call,
        Some(_) if cohort.status == CohortStatus::NominationsOpen => {
            return Err(closed("the call's deadline has passed"));
        }
        _ => {
            return Err(closed(format!(
                "the cohort is in `{}`: it takes no nominations",
                cohort.status
            )));
        }
    };
    if applying && !call.input.members_may_apply {
        return Err(ApiError::forbidden(
            "applications_not_accepted",
            "this call takes nominations by union leaders only",
        ));
    }
    let Some(birth_year) = repo::birth_year(conn, nominee)? else {
        return Err(ApiError::invalid_field(
            "nominee_id",
            "nominee_inactive",
            "the nominee's account is not active",
        ));
    };
    if repo::has_open_nomination(conn, cohort_id, nominee)? {
        return Err(already_nominated());
    }
    check_profile(conn, &cohort, &call.input, nominee, birth_year, membership)?;
    let (org, _, country) = membership;
    check_quotas(conn, cohort_id, &call.input, org, &country)?;
    let at = now();
    let n = repo::insert(
        conn,
        &NewNomination {
            cohort_id,
            nominee_id: nominee,
            organisation_id: org,
            origin: if applying {
                NominationOrigin::Application
            } else {
                NominationOrigin::Leader
            },
            status: if applying {
                NominationStatus::AwaitingLeader
            } else {
                NominationStatus::AwaitingNominee
            },
            leader_id: (!applying).then_some(actor.id),
            statement: input.statement,
            profile_read_at: at,
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(ApiError::unique_or(already_nominated))?;
    audit(conn, &n, actor.id, None, None)?;
    crate::webhooks::emit(
        conn,
        &crate::webhooks::Event::Nominated {
            nomination_id: n.id,
            cohort_id,
            user_id: nominee,
        },
    )?;
    let org_name = repo::organisations(conn, &[org])?
        .pop()
        .map(|o| o.1)
        .unwrap_or_default();
    if applying {
        let leaders: Vec<UserId> = repo::leaders_of(conn, org)?
            .into_iter()
            .filter(|l| *l != nominee)
            .collect();
        let vars = [
            ("nominee", display_name(conn, nominee)?),
            ("organisation", org_name),
            ("link", nomination_link(n.id)),
        ];
        email_each(conn, &cohort, &leaders, Template::EndorsementRequest, &vars)?;
    } else {
        let vars = [
            ("leader", display_name(conn, actor.id)?),
            ("organisation", org_name),
            (
                "deadline",
                call.row.deadline.format("%Y-%m-%d %H:%M UTC").to_string(),
            ),
            ("link", nomination_link(n.id)),
        ];
        email_each(
            conn,
            &cohort,
            &[nominee],
            Template::NominationRequest,
            &vars,
        )?;
    }
    view(conn, actor, &cohort, n)
}

/// Enrols `user` in every course the cohort runs (the learning domain's own rules, in
/// this transaction); a course they are enrolled in already stays as it is.
fn enrol(conn: &mut DbConn, cohort: &Cohort, user: UserId) -> Result<(), ApiError> {
    for (course, _) in repo::course_formats(conn, cohort.id)? {
        match learning::enrol_nominated(conn, user, course) {
            Ok(_) => {}
            Err(ApiError::Conflict {
                code: "already_enrolled",
                ..
            }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

/// Ends `user`'s enrolments in the cohort's cohort and blended courses; self-paced ones
/// stay, as they do when a cohort is cancelled.
fn unenrol(conn: &mut DbConn, cohort: &Cohort, user: UserId) -> Result<(), ApiError> {
    for (course, format) in repo::course_formats(conn, cohort.id)? {
        if format == Format::SelfPaced {
            continue;
        }
        match learning::unenrol(conn, user, course) {
            Ok(()) | Err(ApiError::NotFound) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

/// Whether the cohort has a place no accepted participant holds.
fn has_free_place(conn: &mut DbConn, cohort: &Cohort) -> Result<bool, ApiError> {
    Ok(
        repo::count_with_status(conn, cohort.id, NominationStatus::Accepted)?
            < i64::from(cohort.capacity),
    )
}

/// 409 `cohort_full` when every place of the cohort is taken.
fn check_capacity(conn: &mut DbConn, cohort: &Cohort) -> Result<(), ApiError> {
    if !has_free_place(conn, cohort)? {
        return Err(ApiError::Conflict {
            code: "cohort_full",
            detail: format!(
                "all {} places are taken: waitlist the nomination instead",
                cohort.capacity
            ),
        });
    }
    Ok(())
}

/// Emails the nominee and the accountable leader of `n`.
fn email_parties(
    conn: &mut DbConn,
    cohort: &Cohort,
    n: &Nomination,
    template: Template,
    reason: Option<String>,
) -> Result<(), ApiError> {
    let mut vars = vec![("nominee", display_name(conn, n.nominee_id)?)];
    vars.extend(reason.map(|r| ("reason", r)));
    let people: Vec<UserId> = std::iter::once(n.nominee_id).chain(n.leader_id).collect();
    email_each(conn, cohort, &people, template, &vars)?;
    Ok(())
}

/// The `selected` webhook event of an accepted nomination, in its transaction.
fn selected(conn: &mut DbConn, n: &Nomination) -> Result<(), ApiError> {
    crate::webhooks::emit(
        conn,
        &crate::webhooks::Event::Selected {
            nomination_id: n.id,
            cohort_id: n.cohort_id,
            user_id: n.nominee_id,
        },
    )?;
    Ok(())
}

/// Gives a freed place to the first on the waiting list, if there is one and a place is
/// free: accepted, enrolled, audited and emailed with its leader.
fn promote(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort: &Cohort,
    freed: &Nomination,
) -> Result<(), ApiError> {
    let Some(next) = repo::first_waitlisted(conn, cohort.id)? else {
        return Ok(());
    };
    if !has_free_place(conn, cohort)? {
        return Ok(());
    }
    db::lock_row(conn, "nominations", next.id.get())?;
    let reason = format!(
        "moved up from the waiting list: a place became free when nomination {} was withdrawn",
        freed.id
    );
    let promoted = repo::update(
        conn,
        next.id,
        &NominationChanges {
            status: NominationStatus::Accepted,
            leader_id: next.leader_id,
            decision_reason: Some(reason.clone()),
            waitlisted_at: next.waitlisted_at,
            updated_at: now(),
            version: next.version + 1,
        },
    )?;
    audit(
        conn,
        &promoted,
        actor.id,
        Some(NominationStatus::Waitlisted),
        Some(reason),
    )?;
    enrol(conn, cohort, promoted.nominee_id)?;
    selected(conn, &promoted)?;
    space::follow(conn, cohort.clone(), &[promoted.nominee_id])?;
    email_parties(conn, cohort, &promoted, Template::NominationPromoted, None)?;
    tracing::info!(nomination.id = %promoted.id, cohort.id = %cohort.id, "moved up from the waiting list");
    Ok(())
}

/// Moves a nomination (see [`NominationStatus::mover`] for who may make which move), if it
/// is still the version `if_match` names. Accepting enrols the participant in the cohort's
/// courses; a decision emails its reason to nominee and leader; withdrawing an accepted
/// participant frees their place for the first on the waiting list. Every move is audited.
pub fn transition(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NominationId,
    mv: MoveInput,
    if_match: Option<&IfMatch>,
) -> Result<NominationView, ApiError> {
    // The cohort's lock first (places are counted under it), then the nomination's.
    let cohort_id = repo::find(conn, id)?.ok_or(ApiError::NotFound)?.cohort_id;
    db::lock_row(conn, "cohorts", cohort_id.get())?;
    db::lock_row(conn, "nominations", id.get())?;
    let (n, rel) = visible(conn, actor, id)?;
    n.check_if_match(if_match)?;
    let Some(mover) = n.status.mover(mv.to) else {
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            detail: format!("a nomination in `{}` cannot become `{}`", n.status, mv.to),
        });
    };
    let action = match mover {
        Mover::Nominee => Action::AnswerNomination {
            is_nominee: rel.is_nominee,
        },
        Mover::Leader => Action::EndorseApplication {
            leads_organisation: rel.leads_organisation,
            is_nominee: rel.is_nominee,
        },
        Mover::Coordinator => Action::SelectParticipants,
        Mover::NomineeOrLeader => Action::WithdrawNomination {
            is_nominee: rel.is_nominee,
            leads_organisation: rel.leads_organisation,
        },
    };
    authorize(actor, action)?;
    let cohort = cohort_of(conn, n.cohort_id)?;
    if !matches!(
        cohort.status,
        CohortStatus::NominationsOpen | CohortStatus::Selection | CohortStatus::Running
    ) {
        return Err(closed(format!(
            "the cohort is in `{}`: its nominations are settled",
            cohort.status
        )));
    }
    if mv.to == NominationStatus::Accepted {
        check_capacity(conn, &cohort)?;
    }
    let at = now();
    let moved = repo::update(
        conn,
        id,
        &NominationChanges {
            status: mv.to,
            leader_id: if mover == Mover::Leader {
                Some(actor.id)
            } else {
                n.leader_id
            },
            decision_reason: if mv.to.is_decision() {
                mv.reason.clone()
            } else {
                n.decision_reason.clone()
            },
            waitlisted_at: if mv.to == NominationStatus::Waitlisted {
                Some(at)
            } else {
                n.waitlisted_at
            },
            updated_at: at,
            version: n.version + 1,
        },
    )?;
    audit(conn, &moved, actor.id, Some(n.status), mv.reason.clone())?;
    let decided = match mv.to {
        NominationStatus::Accepted => {
            enrol(conn, &cohort, moved.nominee_id)?;
            selected(conn, &moved)?;
            Some(Template::NominationAccepted)
        }
        NominationStatus::Waitlisted => Some(Template::NominationWaitlisted),
        NominationStatus::Rejected => Some(Template::NominationRejected),
        _ => None,
    };
    if let Some(template) = decided {
        email_parties(conn, &cohort, &moved, template, mv.reason)?;
    }
    // The cohort's space follows its participants: in on acceptance, out when they go.
    let cohort = if mv.to == NominationStatus::Accepted || n.status == NominationStatus::Accepted {
        space::follow(conn, cohort, &[moved.nominee_id])?
    } else {
        cohort
    };
    if mv.to == NominationStatus::Withdrawn && n.status == NominationStatus::Accepted {
        unenrol(conn, &cohort, moved.nominee_id)?;
        promote(conn, actor, &cohort, &moved)?;
    }
    view(conn, actor, &cohort, moved)
}

// ---------------------------------------------------------------- reads

/// One nomination, for its nominee, the leaders of its organisation, coordinators and
/// admins (404 for anyone else).
pub fn get(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: NominationId,
) -> Result<NominationView, ApiError> {
    let (n, _) = visible(conn, actor, id)?;
    let cohort = cohort_of(conn, n.cohort_id)?;
    view(conn, actor, &cohort, n)
}

/// One page of a cohort's nominations by id: every one for coordinators and admins; the
/// caller's own and those of the unions they lead for anyone else.
pub fn list(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    mut filter: NominationFilter,
    page: &PageRequest<i64>,
) -> Result<Page<NominationResponse>, ApiError> {
    let cohort = cohort_of(conn, cohort_id)?;
    filter.visible_to = if allowed(actor, Action::SelectParticipants) {
        None
    } else {
        Some((actor.id, repo::led_organisations(conn, actor.id)?))
    };
    let after = page.after.as_ref().map(|(_, id)| NominationId(*id));
    let rows = repo::list(conn, cohort_id, &filter, after, page.fetch_limit())?;
    let rows = page.finish(rows, ID_SORT, |n| (n.id.get(), n.id.get()), |n| n);
    Ok(Page {
        items: responses(conn, actor, &cohort, rows.items)?,
        next_cursor: rows.next_cursor,
    })
}

/// One page of a cohort's audit trail (coordinators and admins), oldest step first.
pub fn events(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    nomination: Option<NominationId>,
    page: &PageRequest<i64>,
) -> Result<Page<NominationEventResponse>, ApiError> {
    authorize(actor, Action::SelectParticipants)?;
    cohort_of(conn, cohort_id)?;
    let after = page.after.as_ref().map(|(_, id)| *id);
    let rows = repo::list_events(conn, cohort_id, nomination, after, page.fetch_limit())?;
    Ok(page.finish(
        rows,
        ID_SORT,
        |e| (e.id.get(), e.id.get()),
        |e| NominationEventResponse {
            id: e.id,
            nomination_id: e.nomination_id,
            actor_id: e.actor_id,
            from_status: e.from_status,
            to_status: e.to_status,
            reason: e.reason,
            created_at: e.created_at.and_utc(),
        },
    ))
}

/// Counts of one set, per dimension.
#[derive(Debug, Default)]
struct Tally {
    total: i64,
    gender: BTreeMap<&'static str, i64>,
    age_band: BTreeMap<&'static str, i64>,
    under_35: i64,
    country: BTreeMap<String, i64>,
    union: BTreeMap<OrganisationId, i64>,
}

fn percent(count: i64, total: i64) -> Option<f64> {
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of nominations are far below 2^52"
    )]
    (total > 0).then(|| (count as f64 * 1000.0 / total as f64).round() / 10.0)
}

impl Tally {
    fn set(&self, names: &HashMap<OrganisationId, String>) -> SelectionSet {
        let share = |value: &str, count: i64| ShareCount {
            value: value.to_owned(),
            count,
            percent: percent(count, self.total).unwrap_or(0.0),
        };
        let fixed = |values: &[&'static str], counts: &BTreeMap<&'static str, i64>| {
            values
                .iter()
                .map(|v| share(v, counts.get(v).copied().unwrap_or(0)))
                .collect()
        };
        let mut country: Vec<ShareCount> = self.country.iter().map(|(c, n)| share(c, *n)).collect();
        country.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
        let mut union: Vec<UnionCount> = self
            .union
            .iter()
            .map(|(id, n)| UnionCount {
                organisation_id: *id,
                name: names.get(id).cloned().unwrap_or_default(),
                count: *n,
                percent: percent(*n, self.total).unwrap_or(0.0),
            })
            .collect();
        union.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.organisation_id.cmp(&b.organisation_id))
        });
        SelectionSet {
            total: self.total,
            gender: fixed(&GENDERS, &self.gender),
            age_band: fixed(&AGE_BANDS, &self.age_band),
            country,
            union,
        }
    }
}

/// The selection view (coordinators and admins): the submitted set (every nomination that
/// reached the coordinators) and the accepted one, by gender, age band, country and union,
/// against the profile's target shares; computed by counting in the database.
pub fn selection(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
) -> Result<SelectionResponse, ApiError> {
    authorize(actor, Action::SelectParticipants)?;
    let cohort = cohort_of(conn, cohort_id)?;
    let call = stored(conn, cohort_id)?;
    let year = cohort.starts_on.year();
    let (mut submitted, mut accepted) = (Tally::default(), Tally::default());
    let mut each = |status: NominationStatus, f: &mut dyn FnMut(&mut Tally)| {
        f(&mut submitted);
        if status == NominationStatus::Accepted {
            f(&mut accepted);
        }
    };
    for (status, gender, born, n) in repo::count_by_person(conn, cohort_id)? {
        each(status, &mut |t| {
            *t.gender.entry(gender_value(gender)).or_default() += n;
            *t.age_band.entry(age_band(born, year)).or_default() += n;
            if born.is_some_and(|b| year - b < 35) {
                t.under_35 += n;
            }
        });
    }
    let by_org = repo::count_by_organisation(conn, cohort_id)?;
    let ids: Vec<OrganisationId> = by_org.iter().map(|r| r.1).collect();
    let orgs = repo::organisations(conn, &ids)?;
    let countries: HashMap<OrganisationId, CountryCode> =
        orgs.iter().map(|(id, _, c)| (*id, *c)).collect();
    let names: HashMap<OrganisationId, String> =
        orgs.into_iter().map(|(id, name, _)| (id, name)).collect();
    for (status, org, n) in by_org {
        let country = countries
            .get(&org)
            .map(ToString::to_string)
            .unwrap_or_default();
        each(status, &mut |t| {
            t.total += n;
            *t.union.entry(org).or_default() += n;
            *t.country.entry(country.clone()).or_default() += n;
        });
    }
    let mut targets = Vec::new();
    if let Some(call) = &call {
        let p = &call.input.profile;
        let target = |name: &str, goal: i32, count: &dyn Fn(&Tally) -> i64| TargetShare {
            target: name.to_owned(),
            target_percent: goal,
            submitted_percent: percent(count(&submitted), submitted.total),
            accepted_percent: percent(count(&accepted), accepted.total),
        };
        let women = |t: &Tally| t.gender.get("female").copied().unwrap_or(0);
        targets.extend(p.target_women_percent.map(|g| target("women", g, &women)));
        let young = |t: &Tally| t.under_35;
        targets.extend(
            p.target_under_35_percent
                .map(|g| target("under_35", g, &young)),
        );
        for c in &call.input.countries {
            if let Some(goal) = c.target_percent {
                let code = c.country.to_string();
                let of_country = |t: &Tally| t.country.get(&code).copied().unwrap_or(0);
                targets.push(target(&code, goal, &of_country));
            }
        }
    }
    Ok(SelectionResponse {
        cohort_id,
        capacity: cohort.capacity,
        submitted: submitted.set(&names),
        accepted: accepted.set(&names),
        targets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::model::Gender;

    #[test]
    fn ages_fall_in_bands_and_unstated_ones_are_not_stated() {
        assert_eq!(age_band(None, 2027), "not_stated");
        assert_eq!(age_band(Some(2003), 2027), "under_25");
        assert_eq!(age_band(Some(2002), 2027), "25_34");
        assert_eq!(age_band(Some(1993), 2027), "25_34");
        assert_eq!(age_band(Some(1992), 2027), "35_44");
        assert_eq!(age_band(Some(1950), 2027), "55_plus");
        assert_eq!(gender_value(None), "not_stated");
        assert_eq!(gender_value(Some(Gender::PreferNotToSay)), "not_stated");
        assert_eq!(gender_value(Some(Gender::Female)), "female");
    }

    #[test]
    fn a_more_precise_language_meets_the_profile() {
        assert!(speaks("fil-PH", "fil"));
        assert!(speaks("EN", "en"));
        assert!(!speaks("fi", "fil"));
        assert!(!speaks("filx", "fil"));
    }

    #[test]
    fn shares_have_one_decimal() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
    }
}
