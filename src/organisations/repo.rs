//! Queries on organisations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::model::{Membership, NewMembership};
use crate::db::DbConn;
use crate::db::schema::organisations::{self, dsl};
use crate::db::schema::{memberships, users};
use crate::error::ApiError;
use crate::organisations::model::{
    MembershipChanges, MembershipRole, MembershipStatus, NewOrganisation, Organisation,
    OrganisationChanges, OrganisationKind,
};
use crate::types::CountryCode;

/// Filters of the organisation list.
#[derive(Debug, Default, Clone)]
pub struct OrganisationFilter {
    pub country: Option<CountryCode>,
    pub kind: Option<OrganisationKind>,
    pub parent_id: Option<i64>,
    /// Lower-cased text that name or acronym must contain.
    pub q: Option<String>,
}

/// Orders of the organisation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationOrder {
    NameAsc,
    NameDesc,
    CreatedAsc,
    CreatedDesc,
}

/// The key a page ends on: the sort field's value (as text) and the id.
pub type PageKey = (String, i64);

/// One organisation by id.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Organisation> {
    organisations::table.find(id).first(conn)
}

/// One organisation by its natural key.
pub fn find_by_name(
    conn: &mut DbConn,
    country: &str,
    name: &str,
) -> QueryResult<Option<Organisation>> {
    organisations::table
        .filter(dsl::country.eq(country))
        .filter(dsl::name.eq(name))
        .first(conn)
        .optional()
}

/// Whether an organisation exists.
pub fn exists(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
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
    id: i64,
    changes: &OrganisationChanges,
) -> QueryResult<Organisation> {
    diesel::update(organisations::table.find(id))
        .set(changes)
        .returning(organisations::all_columns)
        .get_result(conn)
}

/// Deletes one organisation; its memberships go with it (foreign key cascade).
pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(organisations::table.find(id)).execute(conn)
}

/// Holds the organisation's row until the transaction ends, so that a concurrent change
/// cannot slip in between reading it (to check `If-Match`) and writing it. SQLite needs
/// nothing: its write transactions hold the whole database from the start.
#[cfg_attr(
    not(feature = "postgres"),
    expect(unused_variables, reason = "only PostgreSQL locks single rows")
)]
pub fn lock(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(_) => Ok(()),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => {
            organisations::table
                .find(id)
                .select(dsl::id)
                .for_update()
                .first::<i64>(pg)
                .optional()?;
            Ok(())
        }
    }
}

/// The parent of an organisation: `None` when there is no such organisation.
pub fn parent_of(conn: &mut DbConn, id: i64) -> QueryResult<Option<Option<i64>>> {
    organisations::table
        .find(id)
        .select(dsl::parent_id)
        .first(conn)
        .optional()
}

/// Whether an organisation has child organisations.
pub fn has_children(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        organisations::table.filter(dsl::parent_id.eq(id)),
    ))
    .get_result(conn)
}

/// The distinct kinds of an organisation's children.
pub fn child_kinds(conn: &mut DbConn, id: i64) -> QueryResult<Vec<String>> {
    organisations::table
        .filter(dsl::parent_id.eq(id))
        .select(dsl::kind)
        .distinct()
        .load(conn)
}

/// A user's membership of an organisation, whatever its status.
pub fn find_membership(
    conn: &mut DbConn,
    organisation_id: i64,
    user_id: i64,
) -> QueryResult<Option<Membership>> {
    memberships::table
        .filter(memberships::organisation_id.eq(organisation_id))
        .filter(memberships::user_id.eq(user_id))
        .first(conn)
        .optional()
}

/// Whether a user is an approved leader of an organisation.
pub fn is_leader(conn: &mut DbConn, organisation_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::organisation_id.eq(organisation_id))
            .filter(memberships::user_id.eq(user_id))
            .filter(memberships::role.eq(MembershipRole::Leader.as_str()))
            .filter(memberships::status.eq(MembershipStatus::Approved.as_str())),
    ))
    .get_result(conn)
}

/// Whether an organisation has approved members.
pub fn has_members(conn: &mut DbConn, organisation_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::organisation_id.eq(organisation_id))
            .filter(memberships::status.eq(MembershipStatus::Approved.as_str())),
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
    id: i64,
    changes: &MembershipChanges,
) -> QueryResult<Membership> {
    diesel::update(memberships::table.find(id))
        .set(changes)
        .returning(memberships::all_columns)
        .get_result(conn)
}

/// Deletes one membership.
pub fn delete_membership(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
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
    organisation_id: i64,
    user_id: i64,
) -> QueryResult<Option<(Membership, String)>> {
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
    organisation_id: i64,
    filter: MemberFilter,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(Membership, String)>> {
    let mut query = memberships::table
        .inner_join(users::table.on(users::id.eq(memberships::user_id)))
        .filter(memberships::organisation_id.eq(organisation_id))
        .select((memberships::all_columns, users::display_name))
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(memberships::status.eq(status.as_str()));
    }
    if let Some(role) = filter.role {
        query = query.filter(memberships::role.eq(role.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(memberships::user_id.gt(after));
    }
    query
        .order(memberships::user_id.asc())
        .limit(limit)
        .load(conn)
}

/// How many organisations there are.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    organisations::table.count().get_result(conn)
}

/// One page of organisations after `after`, `limit` rows at most.
pub fn list(
    conn: &mut DbConn,
    filter: &OrganisationFilter,
    order: OrganisationOrder,
    after: Option<&PageKey>,
    limit: i64,
) -> Result<Vec<Organisation>, ApiError> {
    use OrganisationOrder::*;
    let mut query = organisations::table.into_boxed();
    if let Some(country) = &filter.country {
        query = query.filter(dsl::country.eq(country.as_str().to_owned()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(dsl::kind.eq(kind.as_str()));
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
    if let Some((key, id)) = after {
        let id = *id;
        query = match order {
            NameAsc => query.filter(
                dsl::name
                    .gt(key.clone())
                    .or(dsl::name.eq(key.clone()).and(dsl::id.gt(id))),
            ),
            NameDesc => query.filter(
                dsl::name
                    .lt(key.clone())
                    .or(dsl::name.eq(key.clone()).and(dsl::id.lt(id))),
            ),
            CreatedAsc | CreatedDesc => {
                let at = parse_time_key(key)?;
                if order == CreatedAsc {
                    query.filter(
                        dsl::created_at
                            .gt(at)
                            .or(dsl::created_at.eq(at).and(dsl::id.gt(id))),
                    )
                } else {
                    query.filter(
                        dsl::created_at
                            .lt(at)
                            .or(dsl::created_at.eq(at).and(dsl::id.lt(id))),
                    )
                }
            }
        };
    }
    query = match order {
        NameAsc => query.order((dsl::name.asc(), dsl::id.asc())),
        NameDesc => query.order((dsl::name.desc(), dsl::id.desc())),
        CreatedAsc => query.order((dsl::created_at.asc(), dsl::id.asc())),
        CreatedDesc => query.order((dsl::created_at.desc(), dsl::id.desc())),
    };
    Ok(query.limit(limit).load(conn)?)
}

/// The page key of a row under `order`.
pub fn page_key(row: &Organisation, order: OrganisationOrder) -> PageKey {
    match order {
        OrganisationOrder::NameAsc | OrganisationOrder::NameDesc => (row.name.clone(), row.id),
        OrganisationOrder::CreatedAsc | OrganisationOrder::CreatedDesc => {
            (row.created_at.format(TIME_KEY_FORMAT).to_string(), row.id)
        }
    }
}

const TIME_KEY_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

fn parse_time_key(key: &str) -> Result<NaiveDateTime, ApiError> {
    NaiveDateTime::parse_from_str(key, TIME_KEY_FORMAT).map_err(|_| {
        ApiError::invalid_query(
            "cursor",
            "invalid_cursor",
            "is not a cursor this list gave out",
        )
    })
}
