//! Organisations as stored, and their kinds.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{memberships, organisations};

/// Identifier of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct OrganisationId(pub i64);

/// Where an organisation sits in the trade-union hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// A global confederation or global union federation.
    International,
    /// A regional organisation (e.g. ITUC Asia-Pacific).
    Regional,
    /// A national trade-union centre.
    NationalCentre,
    /// A national federation of unions, usually of one sector.
    Federation,
    /// A union.
    Union,
}

impl OrganisationKind {
    /// Every kind, from the top of the hierarchy down.
    pub const ALL: [Self; 5] = [
        Self::International,
        Self::Regional,
        Self::NationalCentre,
        Self::Federation,
        Self::Union,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::International => "international",
            Self::Regional => "regional",
            Self::NationalCentre => "national_centre",
            Self::Federation => "federation",
            Self::Union => "union",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Whether an organisation of this kind may sit under one of kind `parent`:
    /// only under a kind higher in the hierarchy.
    pub fn may_sit_under(self, parent: Self) -> bool {
        (parent as u8) < (self as u8)
    }
}

/// An organisation row.
#[derive(Debug, Clone, Queryable)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub acronym: Option<String>,
    pub country: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub sector: Option<String>,
    pub website: Option<String>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new organisation row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation {
    pub name: String,
    pub acronym: Option<String>,
    pub country: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub sector: Option<String>,
    pub website: Option<String>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to an organisation; `None` leaves a column alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    pub acronym: Option<Option<String>>,
    pub country: Option<String>,
    pub kind: Option<String>,
    pub parent_id: Option<Option<i64>>,
    pub sector: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// What a member is in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MembershipRole {
    /// A member.
    Member,
    /// A leader: decides the organisation's membership requests and lists its members.
    Leader,
}

impl MembershipRole {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Leader => "leader",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Member, Self::Leader]
            .into_iter()
            .find(|r| r.as_str() == raw)
    }
}

/// Where a membership request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    /// Asked to join; nobody has decided yet.
    Pending,
    /// A member.
    Approved,
    /// Refused; the user may ask again.
    Rejected,
}

impl MembershipStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// Changes to a membership.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = memberships)]
pub struct MembershipChanges {
    pub role: Option<String>,
    pub status: Option<String>,
    pub decided_by: Option<Option<i64>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// The text `q` searches: name and acronym, lower-cased the same way on both databases.
pub fn search_text(name: &str, acronym: Option<&str>) -> String {
    match acronym {
        Some(a) => format!("{} {}", name.to_lowercase(), a.to_lowercase()),
        None => name.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::OrganisationKind as K;

    #[test]
    fn hierarchy_only_goes_down() {
        assert!(K::Union.may_sit_under(K::NationalCentre));
        assert!(K::NationalCentre.may_sit_under(K::Regional));
        assert!(!K::NationalCentre.may_sit_under(K::Union));
        assert!(!K::Union.may_sit_under(K::Union));
        for k in K::ALL {
            assert_eq!(K::parse(k.as_str()), Some(k));
        }
    }
}
