//! Queries on needs rounds, needs, endorsements and links: `QueryResult`, nothing of HTTP.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::cohorts::model::CohortStatus;
use crate::courses::model::CourseStatus;
use crate::db::DbConn;
use crate::db::schema::{
    cohorts, courses, memberships, need_endorsements, need_links, needs, needs_round_countries,
    needs_round_organisations, needs_rounds, organisations,
};
use crate::needs::model::{
    Need, NeedLink, NeedState, NeedTopic, NeedsRound, NewEndorsement, NewNeed, NewNeedLink,
    NewNeedsRound, RoundChanges, TargetGroup, TotalsRow,
};
use crate::organisations::model::{MembershipRole, MembershipStatus};
use crate::types::{
    CohortId, CountryCode, CourseId, NeedId, NeedLinkId, NeedsRoundId, OrganisationId, UserId,
};

/// One round.
pub fn find_round(conn: &mut DbConn, id: NeedsRoundId) -> QueryResult<NeedsRound> {
    needs_rounds::table.find(id).first(conn)
}

/// Inserts a round.
pub fn insert_round(conn: &mut DbConn, new: &NewNeedsRound) -> QueryResult<NeedsRound> {
    diesel::insert_into(needs_rounds::table)
        .values(new)
        .returning(needs_rounds::all_columns)
        .get_result(conn)
}

/// Changes a round's own row.
pub fn update_round(
    conn: &mut DbConn,
    id: NeedsRoundId,
    changes: &RoundChanges,
) -> QueryResult<NeedsRound> {
    diesel::update(needs_rounds::table.find(id))
        .set(changes)
        .returning(needs_rounds::all_columns)
        .get_result(conn)
}

/// Replaces the organisations and countries a round invites.
pub fn set_invitations(
    conn: &mut DbConn,
    id: NeedsRoundId,
    organisation_ids: &[OrganisationId],
    countries: &[CountryCode],
) -> QueryResult<()> {
    diesel::delete(
        needs_round_organisations::table.filter(needs_round_organisations::round_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(needs_round_countries::table.filter(needs_round_countries::round_id.eq(id)))
        .execute(conn)?;
    for org in organisation_ids {
        diesel::insert_into(needs_round_organisations::table)
            .values((
                needs_round_organisations::round_id.eq(id),
                needs_round_organisations::organisation_id.eq(org),
            ))
            .execute(conn)?;
    }
    for country in countries {
        diesel::insert_into(needs_round_countries::table)
            .values((
                needs_round_countries::round_id.eq(id),
                needs_round_countries::country.eq(country),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The organisations the rounds `ids` invite by name: (round, organisation).
pub fn invited_organisations(
    conn: &mut DbConn,
    ids: &[NeedsRoundId],
) -> QueryResult<Vec<(NeedsRoundId, OrganisationId)>> {
    needs_round_organisations::table
        .filter(needs_round_organisations::round_id.eq_any(ids))
        .select((
            needs_round_organisations::round_id,
            needs_round_organisations::organisation_id,
        ))
        .order((
            needs_round_organisations::round_id,
            needs_round_organisations::organisation_id,
        ))
        .load(conn)
}

/// The countries the rounds `ids` invite: (round, country).
pub fn invited_countries(
    conn: &mut DbConn,
    ids: &[NeedsRoundId],
) -> QueryResult<Vec<(NeedsRoundId, CountryCode)>> {
    needs_round_countries::table
        .filter(needs_round_countries::round_id.eq_any(ids))
        .select((
            needs_round_countries::round_id,
            needs_round_countries::country,
        ))
        .order((
            needs_round_countries::round_id,
            needs_round_countries::country,
        ))
        .load(conn)
}

/// Which of `ids` are organisations.
pub fn existing_organisations(
    conn: &mut DbConn,
    ids: &[OrganisationId],
) -> QueryResult<Vec<OrganisationId>> {
    organisations::table
        .filter(organisations::id.eq_any(ids))
        .select(organisations::id)
        .load(conn)
}

/// The organisations a user is an approved member of (any role), with their countries.
pub fn memberships_of(
    conn: &mut DbConn,
    user: UserId,
) -> QueryResult<Vec<(OrganisationId, CountryCode, MembershipRole)>> {
    memberships::table
        .inner_join(organisations::table)
        .filter(memberships::user_id.eq(user))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select((organisations::id, organisations::country, memberships::role))
        .load(conn)
}

/// A user's approved role in an organisation, if any.
pub fn role_in(
    conn: &mut DbConn,
    organisation: OrganisationId,
    user: UserId,
) -> QueryResult<Option<MembershipRole>> {
    memberships::table
        .filter(memberships::organisation_id.eq(organisation))
        .filter(memberships::user_id.eq(user))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select(memberships::role)
        .first(conn)
        .optional()
}

/// An organisation's country, if it exists.
pub fn country_of(
    conn: &mut DbConn,
    organisation: OrganisationId,
) -> QueryResult<Option<CountryCode>> {
    organisations::table
        .find(organisation)
        .select(organisations::country)
        .first(conn)
        .optional()
}

/// Whether a round invites an organisation, by name or by its country.
pub fn invites(
    conn: &mut DbConn,
    round: NeedsRoundId,
    organisation: OrganisationId,
    country: CountryCode,
) -> QueryResult<bool> {
    let by_name = diesel::select(diesel::dsl::exists(
        needs_round_organisations::table
            .filter(needs_round_organisations::round_id.eq(round))
            .filter(needs_round_organisations::organisation_id.eq(organisation)),
    ))
    .get_result::<bool>(conn)?;
    if by_name {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        needs_round_countries::table
            .filter(needs_round_countries::round_id.eq(round))
            .filter(needs_round_countries::country.eq(country)),
    ))
    .get_result(conn)
}

/// One page of rounds, newest first, after `after`; all of them, or only those inviting
/// one of `organisations` or `countries` when `only` is given.
pub fn list_rounds(
    conn: &mut DbConn,
    only: Option<(&[OrganisationId], &[CountryCode])>,
    after: Option<NeedsRoundId>,
    limit: i64,
) -> QueryResult<Vec<NeedsRound>> {
    let mut query = needs_rounds::table.into_boxed();
    if let Some((orgs, countries)) = only {
        let by_org = needs_round_organisations::table
            .filter(needs_round_organisations::organisation_id.eq_any(orgs.to_vec()))
            .select(needs_round_organisations::round_id);
        let by_country = needs_round_countries::table
            .filter(needs_round_countries::country.eq_any(countries.to_vec()))
            .select(needs_round_countries::round_id);
        query = query.filter(
            needs_rounds::id
                .eq_any(by_org)
                .or(needs_rounds::id.eq_any(by_country)),
        );
    }
    if let Some(after) = after {
        query = query.filter(needs_rounds::id.lt(after));
    }
    query.order(needs_rounds::id.desc()).limit(limit).load(conn)
}

/// One need.
pub fn find_need(conn: &mut DbConn, id: NeedId) -> QueryResult<Need> {
    needs::table.find(id).first(conn)
}

/// Marks that `round`'s needs changed (its totals are counted again): every write to
/// `needs` below calls it, in the same transaction.
pub fn bump_needs_version(conn: &mut DbConn, round: NeedsRoundId) -> QueryResult<usize> {
    diesel::update(needs_rounds::table.find(round))
        .set(needs_rounds::needs_version.eq(needs_rounds::needs_version + 1))
        .execute(conn)
}

/// Inserts a need.
pub fn insert_need(conn: &mut DbConn, new: &NewNeed) -> QueryResult<Need> {
    let need: Need = diesel::insert_into(needs::table)
        .values(new)
        .returning(needs::all_columns)
        .get_result(conn)?;
    bump_needs_version(conn, need.round_id)?;
    Ok(need)
}

/// Deletes a need (its endorsements and links go with it).
pub fn delete_need(conn: &mut DbConn, need: &Need) -> QueryResult<usize> {
    let deleted = diesel::delete(needs::table.find(need.id)).execute(conn)?;
    bump_needs_version(conn, need.round_id)?;
    Ok(deleted)
}

/// Sets a need's state and endorsement count, as a new version stamped `at`.
pub fn touch_need(
    conn: &mut DbConn,
    need: &Need,
    state: NeedState,
    endorsement_count: i32,
    at: NaiveDateTime,
) -> QueryResult<Need> {
    let need: Need = diesel::update(needs::table.find(need.id))
        .set((
            needs::state.eq(state),
            needs::endorsement_count.eq(endorsement_count),
            needs::updated_at.eq(at),
            needs::version.eq(need.version + 1),
        ))
        .returning(needs::all_columns)
        .get_result(conn)?;
    bump_needs_version(conn, need.round_id)?;
    Ok(need)
}

/// Filters of a list of needs.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    pub round_id: Option<NeedsRoundId>,
    pub organisation_id: Option<OrganisationId>,
    /// Only the needs of these organisations.
    pub organisation_ids: Option<Vec<OrganisationId>>,
    pub topic: Option<NeedTopic>,
    pub country: Option<CountryCode>,
    pub target_group: Option<TargetGroup>,
    pub state: Option<NeedState>,
}

/// One page of needs by id, newest first, after `after`.
pub fn list_needs(
    conn: &mut DbConn,
    filter: &NeedFilter,
    after: Option<NeedId>,
    limit: i64,
) -> QueryResult<Vec<Need>> {
    let mut query = needs::table.into_boxed();
    if let Some(round) = filter.round_id {
        query = query.filter(needs::round_id.eq(round));
    }
    if let Some(org) = filter.organisation_id {
        query = query.filter(needs::organisation_id.eq(org));
    }
    if let Some(orgs) = &filter.organisation_ids {
        query = query.filter(needs::organisation_id.eq_any(orgs.clone()));
    }
    if let Some(topic) = filter.topic {
        query = query.filter(needs::topic.eq(topic));
    }
    if let Some(country) = filter.country {
        query = query.filter(needs::country.eq(country));
    }
    if let Some(group) = filter.target_group {
        query = query.filter(needs::target_group.eq(group));
    }
    if let Some(state) = filter.state {
        query = query.filter(needs::state.eq(state));
    }
    if let Some(after) = after {
        query = query.filter(needs::id.lt(after));
    }
    query.order(needs::id.desc()).limit(limit).load(conn)
}

/// The links of the needs `ids`, oldest first.
pub fn links_of(conn: &mut DbConn, ids: &[NeedId]) -> QueryResult<Vec<NeedLink>> {
    need_links::table
        .filter(need_links::need_id.eq_any(ids))
        .order((need_links::need_id, need_links::id))
        .load(conn)
}

/// Which of the needs `ids` `user` endorsed.
pub fn endorsed_by(conn: &mut DbConn, ids: &[NeedId], user: UserId) -> QueryResult<Vec<NeedId>> {
    need_endorsements::table
        .filter(need_endorsements::need_id.eq_any(ids))
        .filter(need_endorsements::user_id.eq(user))
        .select(need_endorsements::need_id)
        .load(conn)
}

/// Records an endorsement; 0 when the member endorsed the need already.
pub fn insert_endorsement(conn: &mut DbConn, new: &NewEndorsement) -> QueryResult<usize> {
    crate::db::insert_or_ignore!(conn, need_endorsements::table, new)
}

/// Withdraws a member's endorsement; 0 when there was none.
pub fn delete_endorsement(conn: &mut DbConn, need: NeedId, user: UserId) -> QueryResult<usize> {
    diesel::delete(
        need_endorsements::table
            .filter(need_endorsements::need_id.eq(need))
            .filter(need_endorsements::user_id.eq(user)),
    )
    .execute(conn)
}

/// How many endorsements a need has (those of erased members too).
pub fn count_endorsements(conn: &mut DbConn, need: NeedId) -> QueryResult<i64> {
    need_endorsements::table
        .filter(need_endorsements::need_id.eq(need))
        .count()
        .get_result(conn)
}

/// Records a link; 0 when the need is linked to that course or cohort already.
pub fn insert_link(conn: &mut DbConn, new: &NewNeedLink) -> QueryResult<usize> {
    crate::db::insert_or_ignore!(conn, need_links::table, new)
}

/// One link of a need.
pub fn find_link(conn: &mut DbConn, need: NeedId, id: NeedLinkId) -> QueryResult<NeedLink> {
    need_links::table
        .filter(need_links::need_id.eq(need))
        .filter(need_links::id.eq(id))
        .first(conn)
}

/// Deletes a link.
pub fn delete_link(conn: &mut DbConn, id: NeedLinkId) -> QueryResult<usize> {
    diesel::delete(need_links::table.find(id)).execute(conn)
}

/// How many links a need has.
pub fn count_links(conn: &mut DbConn, need: NeedId) -> QueryResult<i64> {
    need_links::table
        .filter(need_links::need_id.eq(need))
        .count()
        .get_result(conn)
}

/// The states of the cohorts `ids`.
pub fn cohort_states(
    conn: &mut DbConn,
    ids: &[CohortId],
) -> QueryResult<Vec<(CohortId, CohortStatus)>> {
    cohorts::table
        .filter(cohorts::id.eq_any(ids))
        .select((cohorts::id, cohorts::status))
        .load(conn)
}

/// The states of the courses `ids`.
pub fn course_states(
    conn: &mut DbConn,
    ids: &[CourseId],
) -> QueryResult<Vec<(CourseId, CourseStatus)>> {
    courses::table
        .filter(courses::id.eq_any(ids))
        .select((courses::id, courses::status))
        .load(conn)
}

/// A row of the totals query: the cell's keys, then needs, organisations, high priority,
/// participants and endorsements.
type TotalsTuple = (
    NeedTopic,
    CountryCode,
    TargetGroup,
    (i64, i64, i64, i64, i64),
);

/// A round's totals by topic, country and target group, counted by the database (one
/// `GROUP BY` over the round's rows of the `needs_totals` index and table).
pub fn totals(conn: &mut DbConn, round: NeedsRoundId) -> QueryResult<Vec<TotalsRow>> {
    let rows: Vec<TotalsTuple> = needs::table
            .filter(needs::round_id.eq(round))
            .group_by((needs::topic, needs::country, needs::target_group))
            .select((
                needs::topic,
                needs::country,
                needs::target_group,
                sql::<(BigInt, BigInt, BigInt, BigInt, BigInt)>(
                    "COUNT(*), COUNT(DISTINCT organisation_id), \
                     CAST(COALESCE(SUM(CASE WHEN priority = 'high' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(participants), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(endorsement_count), 0) AS BIGINT)",
                ),
            ))
            .order((needs::topic, needs::country, needs::target_group))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(topic, country, target_group, (n, orgs, high, participants, endorsements))| {
                TotalsRow {
                    topic,
                    country,
                    target_group,
                    needs: n,
                    organisations: orgs,
                    high_priority: high,
                    participants,
                    endorsements,
                }
            },
        )
        .collect())
}

/// Erasure: the needs, endorsements and links of `user` stay as anonymous rows (the
/// account link is dropped, every count stays the same). How many rows were changed.
pub fn forget_user(conn: &mut DbConn, user: UserId) -> QueryResult<usize> {
    let mut changed = diesel::update(needs::table.filter(needs::author_id.eq(user)))
        .set(needs::author_id.eq(None::<UserId>))
        .execute(conn)?;
    changed += diesel::update(need_endorsements::table.filter(need_endorsements::user_id.eq(user)))
        .set(need_endorsements::user_id.eq(None::<UserId>))
        .execute(conn)?;
    changed += diesel::update(need_links::table.filter(need_links::linked_by.eq(user)))
        .set(need_links::linked_by.eq(None::<UserId>))
        .execute(conn)?;
    changed += diesel::update(needs_rounds::table.filter(needs_rounds::created_by.eq(user)))
        .set(needs_rounds::created_by.eq(None::<UserId>))
        .execute(conn)?;
    Ok(changed)
}
