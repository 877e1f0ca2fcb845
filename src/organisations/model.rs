//! Organisations and memberships as stored, the domain's input values, and its vocabularies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{memberships, organisations};
use crate::http::etag;
use crate::types::{CountryCode, IsicSection, MembershipId, OrganisationId, UserId};

crate::vocabulary! {
    /// Where an organisation sits in the trade-union hierarchy, from the top down.
    pub enum OrganisationKind {
        /// A global confederation or global union federation.
        International => "international",
        /// A regional organisation (e.g. ITUC Asia-Pacific).
        Regional => "regional",
        /// A national trade-union centre.
        NationalCentre => "national_centre",
        /// A national federation of unions, usually of one sector.
        Federation => "federation",
        /// A union.
        Union => "union",
    }
}

impl OrganisationKind {
    /// Whether an organisation of this kind may sit under one of kind `parent`:
    /// only under a kind higher in the hierarchy (declared earlier).
    pub fn may_sit_under(self, parent: Self) -> bool {
        (parent as u8) < (self as u8)
    }
}

crate::vocabulary! {
    /// What a member is in an organisation.
    pub enum MembershipRole {
        /// A member.
        Member => "member",
        /// A leader: decides the organisation's membership requests and lists its members.
        Leader => "leader",
    }
}

crate::vocabulary! {
    /// What a member does in their union, separate from whether they lead the organisation
    /// on Bayanihan ([`MembershipRole`]): cohorts ask for union roles in their participant
    /// profiles.
    pub enum UnionRole {
        /// Runs education and training.
        Educator => "educator",
        /// Organises workers.
        Organiser => "organiser",
        /// Represents workers at a workplace.
        ShopSteward => "shop_steward",
        /// In charge of young members.
        YouthOfficer => "youth_officer",
        /// In charge of women members.
        WomenOfficer => "women_officer",
        /// Another elected or appointed officer.
        Officer => "officer",
        /// A member (the default).
        Member => "member",
    }
}

crate::vocabulary! {
    /// Where a membership request stands.
    pub enum MembershipStatus {
        /// Asked to join; nobody has decided yet.
        Pending => "pending",
        /// A member.
        Approved => "approved",
        /// Refused; the user may ask again.
        Rejected => "rejected",
    }
}

/// An organisation row.
#[derive(Debug, Clone, Queryable)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub acronym: Option<String>,
    pub country: CountryCode,
    pub kind: OrganisationKind,
    pub parent_id: Option<OrganisationId>,
    pub sector: Option<String>,
    pub website: Option<String>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change; the `ETag` derives from it.
    pub version: i64,
    /// The ISIC Rev.4 section of the sector, if known.
    pub sector_code: Option<IsicSection>,
}

etag::versioned_row!(Organisation, "organisation");

/// An organisation's fields, each one valid on its own (the database checks come later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationInput {
    pub name: String,
    pub acronym: Option<String>,
    pub country: CountryCode,
    pub kind: OrganisationKind,
    pub parent_id: Option<OrganisationId>,
    pub sector: Option<String>,
    pub website: Option<String>,
    pub sector_code: Option<IsicSection>,
}

impl From<&Organisation> for OrganisationInput {
    fn from(org: &Organisation) -> Self {
        Self {
            name: org.name.clone(),
            acronym: org.acronym.clone(),
            country: org.country,
            kind: org.kind,
            parent_id: org.parent_id,
            sector: org.sector.clone(),
            website: org.website.clone(),
            sector_code: org.sector_code,
        }
    }
}

impl OrganisationInput {
    /// The changes that turn `self` into `target`, as version `version + 1` stamped `at`.
    pub fn changes_to(
        &self,
        target: &Self,
        version: i64,
        at: NaiveDateTime,
    ) -> OrganisationChanges {
        fn changed<T: PartialEq + Clone>(from: &T, to: &T) -> Option<T> {
            (from != to).then(|| to.clone())
        }
        OrganisationChanges {
            name: changed(&self.name, &target.name),
            acronym: changed(&self.acronym, &target.acronym),
            country: changed(&self.country, &target.country),
            kind: changed(&self.kind, &target.kind),
            parent_id: changed(&self.parent_id, &target.parent_id),
            sector: changed(&self.sector, &target.sector),
            website: changed(&self.website, &target.website),
            sector_code: changed(&self.sector_code, &target.sector_code),
            search_text: Some(search_text(&target.name, target.acronym.as_deref())),
            updated_at: Some(at),
            version: Some(version + 1),
        }
    }
}

/// A valid partial change: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganisationPatch {
    pub name: Option<String>,
    pub acronym: Option<Option<String>>,
    pub country: Option<CountryCode>,
    pub kind: Option<OrganisationKind>,
    pub parent_id: Option<Option<OrganisationId>>,
    pub sector: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub sector_code: Option<Option<IsicSection>>,
}

impl OrganisationPatch {
    /// The organisation `current` would become.
    pub fn apply(&self, current: &OrganisationInput) -> OrganisationInput {
        let or = |new: &Option<Option<String>>, old: &Option<String>| {
            new.clone().unwrap_or_else(|| old.clone())
        };
        OrganisationInput {
            name: self.name.clone().unwrap_or_else(|| current.name.clone()),
            acronym: or(&self.acronym, &current.acronym),
            country: self.country.unwrap_or(current.country),
            kind: self.kind.unwrap_or(current.kind),
            parent_id: self.parent_id.unwrap_or(current.parent_id),
            sector: or(&self.sector, &current.sector),
            website: or(&self.website, &current.website),
            sector_code: self.sector_code.unwrap_or(current.sector_code),
        }
    }
}

/// A new organisation row (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation {
    pub name: String,
    pub acronym: Option<String>,
    pub country: CountryCode,
    pub kind: OrganisationKind,
    pub parent_id: Option<OrganisationId>,
    pub sector: Option<String>,
    pub website: Option<String>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sector_code: Option<IsicSection>,
}

impl NewOrganisation {
    /// The row of `input`, created `at`.
    pub fn new(input: OrganisationInput, at: NaiveDateTime) -> Self {
        Self {
            search_text: search_text(&input.name, input.acronym.as_deref()),
            name: input.name,
            acronym: input.acronym,
            country: input.country,
            kind: input.kind,
            parent_id: input.parent_id,
            sector: input.sector,
            website: input.website,
            sector_code: input.sector_code,
            created_at: at,
            updated_at: at,
        }
    }
}

/// Changes to an organisation; `None` leaves a column alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    pub acronym: Option<Option<String>>,
    pub country: Option<CountryCode>,
    pub kind: Option<OrganisationKind>,
    pub parent_id: Option<Option<OrganisationId>>,
    pub sector: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub sector_code: Option<Option<IsicSection>>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
    pub version: Option<i64>,
}

/// The text `q` searches: name and acronym, lower-cased the same way on both databases.
pub fn search_text(name: &str, acronym: Option<&str>) -> String {
    match acronym {
        Some(a) => format!("{} {}", name.to_lowercase(), a.to_lowercase()),
        None => name.to_lowercase(),
    }
}

/// A membership of a user in an organisation (or a request for one).
#[derive(Debug, Clone, Queryable)]
pub struct Membership {
    pub id: MembershipId,
    pub user_id: UserId,
    pub organisation_id: OrganisationId,
    pub role: MembershipRole,
    pub status: MembershipStatus,
    /// Who last approved, rejected or changed the role.
    pub decided_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change; the `ETag` derives from it.
    pub version: i64,
    /// What the member does in the union.
    pub union_role: UnionRole,
}

// A membership's tag follows the membership; the member's display name shown with it
// belongs to the account.
etag::versioned_row!(Membership, "membership");

/// A membership with its member's display name: what leaders and coordinators see.
#[derive(Debug, Clone, Queryable)]
pub struct Member {
    pub membership: Membership,
    pub display_name: String,
}

/// A new membership row (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = memberships)]
pub struct NewMembership {
    pub user_id: UserId,
    pub organisation_id: OrganisationId,
    pub role: MembershipRole,
    pub status: MembershipStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl NewMembership {
    /// A request to join, made `at`: a pending membership as a plain member.
    pub fn request(user_id: UserId, organisation_id: OrganisationId, at: NaiveDateTime) -> Self {
        Self {
            user_id,
            organisation_id,
            role: MembershipRole::Member,
            status: MembershipStatus::Pending,
            created_at: at,
            updated_at: at,
        }
    }
}

/// Changes to a membership.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = memberships)]
pub struct MembershipChanges {
    pub role: Option<MembershipRole>,
    pub union_role: Option<UnionRole>,
    pub status: Option<MembershipStatus>,
    pub decided_by: Option<Option<UserId>>,
    pub updated_at: Option<NaiveDateTime>,
    pub version: Option<i64>,
}

/// A change to a membership, valid on its own (who may make it is checked later): a
/// decision, a new union role, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipUpdate {
    pub decision: Option<Decision>,
    pub union_role: Option<UnionRole>,
}

/// A decision on a membership, valid on its own (who may decide is checked later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Approve it, as `role`, or in the role it has when `None`.
    Approve { role: Option<MembershipRole> },
    /// Reject it; a rejected request is a plain member's.
    Reject,
}

impl Decision {
    /// The status and role a membership in `current` role gets.
    pub fn outcome(self, current: MembershipRole) -> (MembershipStatus, MembershipRole) {
        match self {
            Self::Approve { role } => (MembershipStatus::Approved, role.unwrap_or(current)),
            Self::Reject => (MembershipStatus::Rejected, MembershipRole::Member),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OrganisationKind as K;
    use super::*;

    #[test]
    fn hierarchy_only_goes_down() {
        assert!(K::Union.may_sit_under(K::NationalCentre));
        assert!(K::NationalCentre.may_sit_under(K::Regional));
        assert!(!K::NationalCentre.may_sit_under(K::Union));
        assert!(!K::Union.may_sit_under(K::Union));
        for k in K::ALL {
            assert_eq!(K::parse(k.as_str()), Some(*k));
        }
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let current = OrganisationInput {
            name: "A".into(),
            acronym: Some("X".into()),
            country: CountryCode::parse("PH").unwrap(),
            kind: OrganisationKind::Union,
            parent_id: Some(OrganisationId(1)),
            sector: None,
            website: None,
            sector_code: None,
        };
        let patch = OrganisationPatch {
            acronym: Some(None),
            parent_id: Some(Some(OrganisationId(2))),
            ..Default::default()
        };
        let next = patch.apply(&current);
        assert_eq!(next.acronym, None);
        assert_eq!(next.parent_id, Some(OrganisationId(2)));
        assert_eq!(next.name, "A");
        assert_eq!(OrganisationPatch::default().apply(&current), current);

        let at = chrono::DateTime::UNIX_EPOCH.naive_utc();
        let changes = current.changes_to(&next, 4, at);
        assert_eq!(changes.acronym, Some(None));
        assert_eq!(changes.parent_id, Some(Some(OrganisationId(2))));
        assert_eq!(changes.name, None, "unchanged columns are left alone");
        assert_eq!(changes.search_text.as_deref(), Some("a"));
        assert_eq!(changes.version, Some(5));
    }

    #[test]
    fn a_rejection_makes_a_plain_member() {
        use MembershipRole::*;
        let approve = |role| Decision::Approve { role };
        assert_eq!(
            approve(None).outcome(Leader),
            (MembershipStatus::Approved, Leader)
        );
        assert_eq!(
            approve(Some(Member)).outcome(Leader),
            (MembershipStatus::Approved, Member)
        );
        assert_eq!(
            Decision::Reject.outcome(Leader),
            (MembershipStatus::Rejected, Member)
        );
    }
}
