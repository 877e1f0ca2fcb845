//! Queries on organisations and their memberships: `QueryResult`, nothing of HTTP.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::organisations::{self, dsl};
use crate::db::schema::{memberships, users};
use crate::organisations::model::{
    Member, Membership, MembershipChanges, MembershipRole, MembershipStatus, NewMembership,
    NewOrganisation, Organisation, OrganisationChanges, OrganisationKind,
};
use crate::types::{CountryCode, MembershipId, OrganisationId, UserId};

/// Filters of the organisation list.
#[derive(Debug, Default, Clone)]
pub struct OrganisationFilter {
    pub country: Option<CountryCode>,
    pub kind: Option<OrganisationKind>,
    pub parent_id: Option<OrganisationId>,
    /// Lower-cased text that name or acronym must contain.
    pub q: Option<String>,
}

/// The order of the organisation list and the row (sort key and id) a page starts after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrganisationPosition {
    ByName {
        desc: bool,
        after: Option<(String, OrganisationId)>,
    },
    ByCreated {
        desc: bool,
        after: Option<(NaiveDateTime, OrganisationId)>,
    },
}

/// One organisation by id.
pub fn find(conn: &mut DbConn, id: OrganisationId) -> QueryResult<Organisation> {
    organisations::table.find(id).first(conn)
}

/// One organisation by its natural key.
pub fn find_by_name(
    conn: &mut DbConn,
    country: CountryCode,
    name: &str,
) -> QueryResult<Option<Organisation>> {
    organisations::table
        .filter(dsl::country.eq(country))
        .filter(dsl::name.eq(name))
        .first(conn)
        .optional()
}

/// Whether an organisation exists.
pub fn exists(conn: &mut DbConn, id: OrganisationId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(organisations::table.find(id))).get_result(conn)
}

/// Inserts one organisation.
pub fn insert(conn: &mut DbConn, new: &NewOrganisation) -> QueryResult<Organisation> {
    diesel::insert_into(organisations::table)
        .values(new)
        .returning(organisations::all_columns)
        .get_result(conn)
}

/// Applies changes to one organisation; `changes` must change something.
pub fn update(
    conn: &mut DbConn,
    id: OrganisationId,
    changes: &OrganisationChanges,
) -> QueryResult<Organisation> {
    diesel::update(organisations::table.find(id))
        .set(changes)
        .returning(organisations::all_columns)
        .get_result(conn)
}

/// Deletes one organisation; its memberships go with it (foreign key cascade).
pub fn delete(conn: &mut DbConn, id: OrganisationId) -> QueryResult<usize> {
    diesel::delete(organisations::table.find(id)).execute(conn)
}

/// The parent of an organisation: `None` when there is no such organisation.
pub fn parent_of(
    conn: &mut DbConn,
    id: OrganisationId,
) -> QueryResult<Option<Option<OrganisationId>>> {
    organisations::table
        .find(id)
        .select(dsl::parent_id)
        .first(conn)
        .optional()
}

/// Whether an organisation has child organisations.
pub fn has_children(conn: &mut DbConn, id: OrganisationId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        organisations::table.filter(dsl::parent_id.eq(id)),
    ))
    .get_result(conn)
}

/// The distinct kinds of an organisation's children.
pub fn child_kinds(conn: &mut DbConn, id: OrganisationId) -> QueryResult<Vec<OrganisationKind>> {
    organisations::table
        .filter(dsl::parent_id.eq(id))
        .select(dsl::kind)
        .distinct()
        .load(conn)
}

/// How many organisations there are.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    organisations::table.count().get_result(conn)
}

/// One page of organisations in the order and after the row `position` names, `limit`
/// rows at most.
pub fn list(
    conn: &mut DbConn,
    filter: &OrganisationFilter,
    position: &OrganisationPosition,
    limit: i64,
) -> QueryResult<Vec<Organisation>> {
    let mut query = organisations::table.into_boxed();
    if let Some(country) = filter.country {
        query = query.filter(dsl::country.eq(country));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(dsl::kind.eq(kind));
    }
    if let Some(parent) = filter.parent_id {
        query = query.filter(dsl::parent_id.eq(parent));
    }
    if let Some(q) = &filter.q {
        query = query.filter(
            dsl::search_text
                .like(crate::db::like_contains(q))
                .escape('\\'),
        );
    }
    query = match position {
        OrganisationPosition::ByName { desc: false, after } => {
            if let Some((name, id)) = after.clone() {
                query = query.filter(
                    dsl::name
                        .gt(name.clone())
                        .or(dsl::name.eq(name).and(dsl::id.gt(id))),
                );
            }
            query.order((dsl::name.asc(), dsl::id.asc()))
        }
        OrganisationPosition::ByName { desc: true, after } => {
            if let Some((name, id)) = after.clone() {
                query = query.filter(
                    dsl::name
                        .lt(name.clone())
                        .or(dsl::name.eq(name).and(dsl::id.lt(id))),
                );
            }
            query.order((dsl::name.desc(), dsl::id.desc()))
        }
        OrganisationPosition::ByCreated { desc: false, after } => {
            if let Some((at, id)) = *after {
                query = query.filter(
                    dsl::created_at
                        .gt(at)
                        .or(dsl::created_at.eq(at).and(dsl::id.gt(id))),
                );
            }
            query.order((dsl::created_at.asc(), dsl::id.asc()))
        }
        OrganisationPosition::ByCreated { desc: true, after } => {
            if let Some((at, id)) = *after {
                query = query.filter(
                    dsl::created_at
                        .lt(at)
                        .or(dsl::created_at.eq(at).and(dsl::id.lt(id))),
                );
            }
            query.order((dsl::created_at.desc(), dsl::id.desc()))
        }
    };
    query.limit(limit).load(conn)
}

/// A user's membership of an organisation, whatever its status.
pub fn find_membership(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    user_id: UserId,
) -> QueryResult<Option<Membership>> {
    memberships::table
        .filter(memberships::organisation_id.eq(organisation_id))
        .filter(memberships::user_id.eq(user_id))
        .first(conn)
        .optional()
}

/// Whether a user is an approved leader of an organisation.
pub fn is_leader(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    user_id: UserId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::organisation_id.eq(organisation_id))
            .filter(memberships::user_id.eq(user_id))
            .filter(memberships::role.eq(MembershipRole::Leader))
            .filter(memberships::status.eq(MembershipStatus::Approved)),
    ))
    .get_result(conn)
}

/// Whether an organisation has approved members.
pub fn has_members(conn: &mut DbConn, organisation_id: OrganisationId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::organisation_id.eq(organisation_id))
            .filter(memberships::status.eq(MembershipStatus::Approved)),
    ))
    .get_result(conn)
}

/// Stores a membership request.
pub fn insert_membership(conn: &mut DbConn, new: &NewMembership) -> QueryResult<Membership> {
    diesel::insert_into(memberships::table)
        .values(new)
        .returning(memberships::all_columns)
        .get_result(conn)
}

/// Changes one membership.
pub fn update_membership(
    conn: &mut DbConn,
    id: MembershipId,
    changes: &MembershipChanges,
) -> QueryResult<Membership> {
    diesel::update(memberships::table.find(id))
        .set(changes)
        .returning(memberships::all_columns)
        .get_result(conn)
}

/// Deletes one membership.
pub fn delete_membership(conn: &mut DbConn, id: MembershipId) -> QueryResult<usize> {
    diesel::delete(memberships::table.find(id)).execute(conn)
}

/// Filters of an organisation's member list.
#[derive(Debug, Default, Clone, Copy)]
pub struct MemberFilter {
    pub status: Option<MembershipStatus>,
    pub role: Option<MembershipRole>,
}

/// One membership with its member's display name.
pub fn find_member(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    user_id: UserId,
) -> QueryResult<Option<Member>> {
    memberships::table
        .inner_join(users::table.on(users::id.eq(memberships::user_id)))
        .filter(memberships::organisation_id.eq(organisation_id))
        .filter(memberships::user_id.eq(user_id))
        .select((memberships::all_columns, users::display_name))
        .first(conn)
        .optional()
}

/// One page of an organisation's memberships with display names, by user id, after `after`.
pub fn list_members(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    filter: MemberFilter,
    after: Option<UserId>,
    limit: i64,
) -> QueryResult<Vec<Member>> {
    let mut query = memberships::table
        .inner_join(users::table.on(users::id.eq(memberships::user_id)))
        .filter(memberships::organisation_id.eq(organisation_id))
        .select((memberships::all_columns, users::display_name))
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(memberships::status.eq(status));
    }
    if let Some(role) = filter.role {
        query = query.filter(memberships::role.eq(role));
    }
    if let Some(after) = after {
        query = query.filter(memberships::user_id.gt(after));
    }
    query
        .order(memberships::user_id.asc())
        .limit(limit)
        .load(conn)
}

/// Where a member is emailed: display name, email (none once erased) and language.
pub fn contact_of(
    conn: &mut DbConn,
    user_id: UserId,
) -> QueryResult<(String, Option<String>, String)> {
    users::table
        .find(user_id)
        .select((users::display_name, users::email, users::preferred_language))
        .first(conn)
}
