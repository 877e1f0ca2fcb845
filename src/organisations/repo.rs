//! Queries on organisations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::organisations::{self, dsl};
use crate::error::ApiError;
use crate::organisations::model::{NewOrganisation, Organisation, OrganisationKind};
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
        query = query.filter(dsl::search_text.like(crate::db::like_contains(q)).escape('\\'));
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

