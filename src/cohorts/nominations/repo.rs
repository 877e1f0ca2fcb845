//! Queries on nominations, their audit trail and what the profile checks read of people:
//! `QueryResult`, nothing of HTTP.

use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::accounts::model::{CefrLevel, Gender};
use crate::cohorts::model::CohortStatus;
use crate::cohorts::nominations::model::{
    NewNomination, NewNominationEvent, Nomination, NominationChanges, NominationEvent,
    NominationStatus,
};
use crate::courses::model::Format;
use crate::db::schema::{
    cohort_courses, cohorts, courses, enrolments, memberships, nomination_events, nominations,
    organisations, user_languages, users,
};
use crate::db::{DbConn, any_of, any_of_text};
use crate::organisations::model::{MembershipRole, MembershipStatus, UnionRole};
use crate::types::{CohortId, CountryCode, CourseId, NominationId, OrganisationId, UserId};

/// Filters of a cohort's nomination list.
#[derive(Debug, Default, Clone)]
pub struct NominationFilter {
    pub status: Option<NominationStatus>,
    pub organisation: Option<OrganisationId>,
    /// `None` for coordinators (everything); else what this user may see: their own
    /// nominations and those of the organisations they lead.
    pub visible_to: Option<(UserId, Vec<OrganisationId>)>,
}

/// Inserts one nomination.
pub fn insert(conn: &mut DbConn, new: &NewNomination) -> QueryResult<Nomination> {
    diesel::insert_into(nominations::table)
        .values(new)
        .returning(nominations::all_columns)
        .get_result(conn)
}

/// One nomination by id.
pub fn find(conn: &mut DbConn, id: NominationId) -> QueryResult<Option<Nomination>> {
    nominations::table
        .find(id)
        .select(Nomination::as_select())
        .first(conn)
        .optional()
}

/// Applies a move to one nomination.
pub fn update(
    conn: &mut DbConn,
    id: NominationId,
    changes: &NominationChanges,
) -> QueryResult<Nomination> {
    diesel::update(nominations::table.find(id))
        .set(changes)
        .returning(nominations::all_columns)
        .get_result(conn)
}

/// Whether `nominee` has a nomination for the cohort that is not over (declined, not
/// endorsed, withdrawn).
pub fn has_open_nomination(
    conn: &mut DbConn,
    cohort: CohortId,
    nominee: UserId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        nominations::table
            .filter(nominations::cohort_id.eq(cohort))
            .filter(nominations::nominee_id.eq(nominee))
            .filter(nominations::status.ne_all(NominationStatus::ENDED)),
    ))
    .get_result(conn)
}

/// The cohort's nominations through `organisation` that count towards its quota.
pub fn count_for_organisation(
    conn: &mut DbConn,
    cohort: CohortId,
    organisation: OrganisationId,
) -> QueryResult<i64> {
    nominations::table
        .filter(nominations::cohort_id.eq(cohort))
        .filter(nominations::organisation_id.eq(organisation))
        .filter(any_of_text(nominations::status, NominationStatus::LIVE))
        .count()
        .get_result(conn)
}

/// The cohort's nominations through organisations of `country` that count towards its
/// quota.
pub fn count_for_country(
    conn: &mut DbConn,
    cohort: CohortId,
    country: &CountryCode,
) -> QueryResult<i64> {
    nominations::table
        .inner_join(organisations::table)
        .filter(nominations::cohort_id.eq(cohort))
        .filter(organisations::country.eq(*country))
        .filter(any_of_text(nominations::status, NominationStatus::LIVE))
        .count()
        .get_result(conn)
}

/// The cohort's nominations in `status`.
pub fn count_with_status(
    conn: &mut DbConn,
    cohort: CohortId,
    status: NominationStatus,
) -> QueryResult<i64> {
    nominations::table
        .filter(nominations::cohort_id.eq(cohort))
        .filter(nominations::status.eq(status))
        .count()
        .get_result(conn)
}

/// The nominees of the cohort's accepted nominations: its participants.
pub fn participants(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<UserId>> {
    nominations::table
        .filter(nominations::cohort_id.eq(cohort))
        .filter(nominations::status.eq(NominationStatus::Accepted))
        .select(nominations::nominee_id)
        .order(nominations::nominee_id.asc())
        .load(conn)
}

/// Whether `user` is an accepted participant of the cohort.
pub fn is_participant(conn: &mut DbConn, cohort: CohortId, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        nominations::table
            .filter(nominations::cohort_id.eq(cohort))
            .filter(nominations::nominee_id.eq(user))
            .filter(nominations::status.eq(NominationStatus::Accepted)),
    ))
    .get_result(conn)
}

/// The first on the cohort's waiting list.
pub fn first_waitlisted(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Option<Nomination>> {
    nominations::table
        .filter(nominations::cohort_id.eq(cohort))
        .filter(nominations::status.eq(NominationStatus::Waitlisted))
        .order((nominations::waitlisted_at.asc(), nominations::id.asc()))
        .select(Nomination::as_select())
        .first(conn)
        .optional()
}

/// One page of a cohort's nominations by id, after `after`, `limit` rows at most.
pub fn list(
    conn: &mut DbConn,
    cohort: CohortId,
    filter: &NominationFilter,
    after: Option<NominationId>,
    limit: i64,
) -> QueryResult<Vec<Nomination>> {
    let mut query = nominations::table
        .filter(nominations::cohort_id.eq(cohort))
        .select(Nomination::as_select())
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(nominations::status.eq(status));
    }
    if let Some(org) = filter.organisation {
        query = query.filter(nominations::organisation_id.eq(org));
    }
    if let Some((user, orgs)) = &filter.visible_to {
        query = query.filter(
            nominations::nominee_id
                .eq(*user)
                .or(nominations::organisation_id.eq_any(orgs.clone())),
        );
    }
    if let Some(after) = after {
        query = query.filter(nominations::id.gt(after));
    }
    query.order(nominations::id.asc()).limit(limit).load(conn)
}

/// The organisations `user` is an approved leader of.
pub fn led_organisations(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<OrganisationId>> {
    memberships::table
        .filter(memberships::user_id.eq(user))
        .filter(memberships::role.eq(MembershipRole::Leader))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select(memberships::organisation_id)
        .order(memberships::organisation_id.asc())
        .load(conn)
}

/// The approved leaders of `organisation`.
pub fn leaders_of(conn: &mut DbConn, organisation: OrganisationId) -> QueryResult<Vec<UserId>> {
    memberships::table
        .filter(memberships::organisation_id.eq(organisation))
        .filter(memberships::role.eq(MembershipRole::Leader))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select(memberships::user_id)
        .order(memberships::user_id.asc())
        .load(conn)
}

/// `user`'s approved memberships: organisation, union role and the organisation's country.
pub fn approved_memberships(
    conn: &mut DbConn,
    user: UserId,
) -> QueryResult<Vec<(OrganisationId, UnionRole, CountryCode)>> {
    memberships::table
        .inner_join(organisations::table)
        .filter(memberships::user_id.eq(user))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select((
            memberships::organisation_id,
            memberships::union_role,
            organisations::country,
        ))
        .order(memberships::organisation_id.asc())
        .load(conn)
}

/// An active account's birth year (`Some(None)` when not given; `None` when there is no
/// such active account).
pub fn birth_year(conn: &mut DbConn, user: UserId) -> QueryResult<Option<Option<i32>>> {
    users::table
        .find(user)
        .filter(users::deleted_at.is_null())
        .filter(users::status.eq("active"))
        .select(users::birth_year)
        .first(conn)
        .optional()
}

/// The languages `user` speaks, with levels.
pub fn languages(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<(String, CefrLevel)>> {
    user_languages::table
        .filter(user_languages::user_id.eq(user))
        .select((user_languages::language, user_languages::level))
        .load(conn)
}

/// The courses of `ids` that `user` completed.
pub fn completed_courses(
    conn: &mut DbConn,
    user: UserId,
    ids: &[CourseId],
) -> QueryResult<Vec<CourseId>> {
    enrolments::table
        .filter(enrolments::user_id.eq(user))
        .filter(any_of(enrolments::course_id, ids.iter().copied()))
        .filter(enrolments::completed_at.is_not_null())
        .select(enrolments::course_id)
        .load(conn)
}

/// The cohorts of `ids` that completed with `user` as an accepted participant.
pub fn completed_cohorts(
    conn: &mut DbConn,
    user: UserId,
    ids: &[CohortId],
) -> QueryResult<Vec<CohortId>> {
    nominations::table
        .inner_join(cohorts::table)
        .filter(nominations::nominee_id.eq(user))
        .filter(any_of(nominations::cohort_id, ids.iter().copied()))
        .filter(nominations::status.eq(NominationStatus::Accepted))
        .filter(cohorts::status.eq(CohortStatus::Completed))
        .select(nominations::cohort_id)
        .load(conn)
}

/// Name and country of each organisation of `ids`.
pub fn organisations(
    conn: &mut DbConn,
    ids: &[OrganisationId],
) -> QueryResult<Vec<(OrganisationId, String, CountryCode)>> {
    organisations::table
        .filter(any_of(organisations::id, ids.iter().copied()))
        .select((
            organisations::id,
            organisations::name,
            organisations::country,
        ))
        .load(conn)
}

/// A person on a nomination: id, display name, gender and birth year.
pub type Person = (UserId, String, Option<Gender>, Option<i32>);

/// The people of `ids`.
pub fn people(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<Person>> {
    users::table
        .filter(any_of(users::id, ids.iter().copied()))
        .select((
            users::id,
            users::display_name,
            users::gender,
            users::birth_year,
        ))
        .load(conn)
}

/// Adds a step to the audit trail.
pub fn insert_event(conn: &mut DbConn, new: &NewNominationEvent) -> QueryResult<usize> {
    diesel::insert_into(nomination_events::table)
        .values(new)
        .execute(conn)
}

/// One page of a cohort's audit trail by id, after `after`.
pub fn list_events(
    conn: &mut DbConn,
    cohort: CohortId,
    nomination: Option<NominationId>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<NominationEvent>> {
    let mut query = nomination_events::table
        .filter(nomination_events::cohort_id.eq(cohort))
        .select(NominationEvent::as_select())
        .into_boxed();
    if let Some(n) = nomination {
        query = query.filter(nomination_events::nomination_id.eq(n));
    }
    if let Some(after) = after {
        query = query.filter(nomination_events::id.gt(after));
    }
    query
        .order(nomination_events::id.asc())
        .limit(limit)
        .load(conn)
}

/// The nominees and accountable leaders of the cohort's nominations that are not over.
pub fn involved(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<UserId>> {
    let rows: Vec<(UserId, Option<UserId>)> = nominations::table
        .filter(nominations::cohort_id.eq(cohort))
        .filter(any_of_text(nominations::status, NominationStatus::LIVE))
        .select((nominations::nominee_id, nominations::leader_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .flat_map(|(nominee, leader)| std::iter::once(nominee).chain(leader))
        .collect())
}

/// The cohort's courses with their formats, in order.
pub fn course_formats(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<(CourseId, Format)>> {
    cohort_courses::table
        .inner_join(courses::table.on(courses::id.eq(cohort_courses::course_id)))
        .filter(cohort_courses::cohort_id.eq(cohort))
        .select((cohort_courses::course_id, courses::format))
        .order(cohort_courses::position.asc())
        .load(conn)
}

// ---------------------------------------------------------------- selection view

/// A count of nominations in one status whose nominees share a gender and birth year.
pub type PersonCount = (NominationStatus, Option<Gender>, Option<i32>, i64);

/// Nominations put forward, counted by status and the nominee's gender and birth year.
pub fn count_by_person(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<PersonCount>> {
    nominations::table
        .inner_join(users::table.on(users::id.eq(nominations::nominee_id)))
        .filter(nominations::cohort_id.eq(cohort))
        .filter(any_of_text(
            nominations::status,
            NominationStatus::PUT_FORWARD,
        ))
        .group_by((nominations::status, users::gender, users::birth_year))
        .select((
            nominations::status,
            users::gender,
            users::birth_year,
            count_star(),
        ))
        .load(conn)
}

/// Nominations put forward, counted by status and organisation.
pub fn count_by_organisation(
    conn: &mut DbConn,
    cohort: CohortId,
) -> QueryResult<Vec<(NominationStatus, OrganisationId, i64)>> {
    nominations::table
        .filter(nominations::cohort_id.eq(cohort))
        .filter(any_of_text(
            nominations::status,
            NominationStatus::PUT_FORWARD,
        ))
        .group_by((nominations::status, nominations::organisation_id))
        .select((
            nominations::status,
            nominations::organisation_id,
            count_star(),
        ))
        .load(conn)
}
