//! A call as stored, and its content as one valid value.
//!
//! A call carries a `version` that every change bumps (its own fields and every list it
//! holds); its `ETag` derives from it. Lists are kept sorted and distinct, so two calls with
//! the same content compare equal and a `PUT` of the stored content changes nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::model::CefrLevel;
use crate::db::schema::cohort_calls;
use crate::http::etag::Versioned;
use crate::organisations::model::UnionRole;
use crate::types::{CohortId, CountryCode, CourseId, OrganisationId};

/// A call row: its scalar fields and the profile's.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cohort_calls)]
pub struct CohortCall {
    pub cohort_id: CohortId,
    pub deadline: NaiveDateTime,
    pub members_may_apply: bool,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub target_women_percent: Option<i32>,
    pub target_under_35_percent: Option<i32>,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change; the `ETag` derives from it.
    pub version: i64,
}

/// A call's tag is `"call-{cohort id}-v{version}"`.
impl Versioned for CohortCall {
    const KIND: &'static str = "call";

    fn id_and_version(&self) -> (i64, i64) {
        (self.cohort_id.get(), self.version)
    }
}

/// An organisation a call names: invited, and/or with a quota of nominations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct CallOrganisation {
    pub organisation_id: OrganisationId,
    pub invited: bool,
    pub places: Option<i32>,
}

/// A country a call names: invited (all its organisations), with a quota, and/or with a
/// target share of participants.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CallCountry {
    pub country: CountryCode,
    pub invited: bool,
    pub places: Option<i32>,
    pub target_percent: Option<i32>,
}

/// The participant profile: hard criteria the server checks, soft ones shown beside each
/// nomination.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// A nominee holds one of these in the nominating organisation (none: any role).
    pub union_roles: Vec<UnionRole>,
    /// A nominee speaks each of these at least at the level given.
    pub languages: Vec<(String, CefrLevel)>,
    /// Courses a nominee completed.
    pub course_ids: Vec<CourseId>,
    /// Completed cohorts a nominee took part in.
    pub cohort_ids: Vec<CohortId>,
    /// Age range in the year the cohort starts; a nominee who did not state a birth year
    /// is never refused for it.
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub target_women_percent: Option<i32>,
    pub target_under_35_percent: Option<i32>,
    /// Free text: what else the coordinators look for.
    pub notes: String,
}

/// A call's whole content, each part valid (what only the database knows is checked
/// later: organisations, courses and cohorts exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInput {
    pub deadline: NaiveDateTime,
    pub members_may_apply: bool,
    /// Sorted by id, distinct.
    pub organisations: Vec<CallOrganisation>,
    /// Sorted by country, distinct.
    pub countries: Vec<CallCountry>,
    pub profile: Profile,
}

impl CallInput {
    /// Whether an organisation of `country` is invited.
    pub fn invites(&self, organisation: OrganisationId, country: &CountryCode) -> bool {
        self.organisations
            .iter()
            .any(|o| o.organisation_id == organisation && o.invited)
            || self
                .countries
                .iter()
                .any(|c| c.country == *country && c.invited)
    }

    /// The row of this content for `cohort`, as version `version` at `at`.
    pub fn row(
        &self,
        cohort_id: CohortId,
        version: i64,
        created_at: NaiveDateTime,
        at: NaiveDateTime,
    ) -> CohortCall {
        let p = &self.profile;
        CohortCall {
            cohort_id,
            deadline: self.deadline,
            members_may_apply: self.members_may_apply,
            min_age: p.min_age,
            max_age: p.max_age,
            target_women_percent: p.target_women_percent,
            target_under_35_percent: p.target_under_35_percent,
            notes: p.notes.clone(),
            created_at,
            updated_at: at,
            version,
        }
    }
}
