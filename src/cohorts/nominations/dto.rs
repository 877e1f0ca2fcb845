//! What the nomination endpoints read and write, and how a request becomes domain input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cohorts::nominations::model::{
    MoveInput, NominationInput, NominationOrigin, NominationStatus,
};
use crate::error::{ApiError, Fields};
use crate::types::text::clean_block;
use crate::types::{CohortId, NominationEventId, NominationId, OrganisationId, UserId};

// The limits of nomination bodies; `documented_limits_are_the_checked_ones` ties each to
// the number the OpenAPI schema states.
const MAX_STATEMENT_CHARS: usize = 4_000;
const MAX_REASON_CHARS: usize = 2_000;

/// The sort of nomination and audit-trail cursors: by id.
pub const ID_SORT: &str = "id";

// ---------------------------------------------------------------- requests

/// `POST /api/v1/cohorts/{id}/nominations`: a leader nominates a member of their union,
/// or a member applies (no `nominee_id`, or their own).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNominationRequest {
    /// The member nominated; absent (or the caller's own id) to apply.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub nominee_id: Option<i64>,
    /// The organisation the nomination comes through: one the caller leads and the
    /// nominee is an approved member of (for an application, one the caller is a member
    /// of). Needed only when several would fit.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub organisation_id: Option<i64>,
    /// Why the nominee fits the profile (a leader's statement of fit, or the applicant's
    /// motivation); 1 to 4,000 characters.
    #[schema(min_length = 1, max_length = 4000)]
    pub statement: String,
    /// Must be `true`: the caller read the cohort's participant profile.
    pub profile_read: bool,
}

/// `POST /api/v1/nominations/{id}/transitions`: the state to move to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNominationTransitionRequest {
    /// The nominee answers a leader's nomination: `submitted` (accept) or `declined`; a
    /// leader of the applicant's union answers an application: `submitted` (endorse) or
    /// `not_endorsed`; coordinators decide on `submitted` (and `waitlisted`) ones:
    /// `accepted`, `waitlisted`, `rejected`; the nominee or a leader of their union
    /// withdraws: `withdrawn`.
    pub status: NominationStatus,
    /// Why; required for `accepted`, `waitlisted` and `rejected` (emailed to nominee and
    /// leader); at most 2,000 characters.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// Query of `GET /api/v1/cohorts/{id}/nominations`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListNominationsQuery {
    /// Only nominations in this state.
    pub status: Option<NominationStatus>,
    /// Only nominations through this organisation.
    pub organisation_id: Option<i64>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /api/v1/cohorts/{id}/nomination-events`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListNominationEventsQuery {
    /// Only the steps of this nomination.
    pub nomination_id: Option<i64>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

// ---------------------------------------------------------------- responses

/// A person named on a nomination.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonBrief {
    #[schema(value_type = i64)]
    pub id: UserId,
    pub display_name: String,
}

/// The organisation a nomination comes through.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganisationBrief {
    #[schema(value_type = i64)]
    pub id: OrganisationId,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// The nominee's facts the profile's soft criteria look at, for coordinators.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SoftCriteria {
    /// `female`, `male`, `non_binary`, `other`, or `not_stated` (not given, or preferred
    /// not to say).
    pub gender: String,
    /// In the year the cohort starts: `under_25`, `25_34`, `35_44`, `45_54`, `55_plus`,
    /// or `not_stated`.
    pub age_band: String,
    /// Whether the nominee is under 35 in the year the cohort starts (`null`: not stated).
    pub under_35: Option<bool>,
    /// The organisation's country (ISO 3166-1 alpha-2).
    pub country: String,
}

/// A nomination, as its nominee, the leaders of its organisation and coordinators see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NominationResponse {
    #[schema(value_type = i64)]
    pub id: NominationId,
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    pub nominee: PersonBrief,
    pub organisation: OrganisationBrief,
    pub origin: NominationOrigin,
    pub status: NominationStatus,
    /// The accountable leader: who nominated, or who endorsed the application.
    pub leader: Option<PersonBrief>,
    pub statement: String,
    /// When the nominator (or applicant) confirmed reading the participant profile.
    pub profile_read_at: DateTime<Utc>,
    /// The coordinators' reason for their last decision.
    pub decision_reason: Option<String>,
    /// When the nomination joined the waiting list (the first there moves up first).
    pub waitlisted_at: Option<DateTime<Utc>>,
    /// For coordinators and admins only (`null` for others): the nominee's facts the
    /// profile's target shares look at.
    pub soft_criteria: Option<SoftCriteria>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One step of a nomination: who, when, what, why.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NominationEventResponse {
    #[schema(value_type = i64)]
    pub id: NominationEventId,
    #[schema(value_type = i64)]
    pub nomination_id: NominationId,
    /// Who made the step (`null` once their account is gone).
    #[schema(value_type = Option<i64>)]
    pub actor_id: Option<UserId>,
    /// The state before (`null` when the nomination was made).
    pub from_status: Option<NominationStatus>,
    pub to_status: NominationStatus,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// How many of a set have one value of a dimension.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ShareCount {
    /// The value (`not_stated` where people did not say).
    pub value: String,
    pub count: i64,
    /// Of the set, 0 to 100, one decimal.
    pub percent: f64,
}

/// How many of a set come through one organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnionCount {
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub name: String,
    pub count: i64,
    pub percent: f64,
}

/// One set of nominations by gender, age band, country and union.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SelectionSet {
    pub total: i64,
    pub gender: Vec<ShareCount>,
    pub age_band: Vec<ShareCount>,
    /// By the organisation's country.
    pub country: Vec<ShareCount>,
    pub union: Vec<UnionCount>,
}

/// A target share against the two sets (`null` shares of an empty set).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TargetShare {
    /// `women`, `under_35`, or a country code.
    pub target: String,
    pub target_percent: i32,
    pub submitted_percent: Option<f64>,
    pub accepted_percent: Option<f64>,
}

/// The selection view of a cohort.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SelectionResponse {
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    pub capacity: i32,
    /// Every nomination that reached the coordinators: `submitted`, `accepted`,
    /// `waitlisted` or `rejected`.
    pub submitted: SelectionSet,
    /// The participants: `accepted`.
    pub accepted: SelectionSet,
    /// The profile's target shares (women, under 35, each country) against both sets.
    pub targets: Vec<TargetShare>,
}

// ---------------------------------------------------------------- parsing

fn statement(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Err("say why the nominee fits the profile".to_owned());
    }
    clean_block(raw, MAX_STATEMENT_CHARS)
}

impl TryFrom<CreateNominationRequest> for NominationInput {
    type Error = ApiError;

    fn try_from(req: CreateNominationRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let text = f.check("statement", "invalid_statement", statement(&req.statement));
        if !req.profile_read {
            f.push(
                "profile_read",
                "profile_not_read",
                "read the cohort's participant profile and confirm it with `true`",
            );
        }
        f.finish_with(|| {
            Some(Self {
                nominee_id: req.nominee_id.map(UserId),
                organisation_id: req.organisation_id.map(OrganisationId),
                statement: text?,
            })
        })
    }
}

impl TryFrom<CreateNominationTransitionRequest> for MoveInput {
    type Error = ApiError;

    fn try_from(req: CreateNominationTransitionRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let reason = match req.reason.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(_) => f.check(
                "reason",
                "invalid_reason",
                clean_block(req.reason.as_deref().unwrap_or_default(), MAX_REASON_CHARS),
            ),
        };
        if reason.is_none() && req.status.is_decision() && f.is_empty() {
            f.push(
                "reason",
                "reason_required",
                "a decision carries its reason, emailed to the nominee and their leader",
            );
        }
        f.finish()?;
        Ok(Self {
            to: req.status,
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_need_a_reason_and_other_moves_do_not() {
        let req = |status, reason: Option<&str>| CreateNominationTransitionRequest {
            status,
            reason: reason.map(str::to_owned),
        };
        for decision in [
            NominationStatus::Accepted,
            NominationStatus::Waitlisted,
            NominationStatus::Rejected,
        ] {
            assert!(MoveInput::try_from(req(decision, None)).is_err());
            assert!(MoveInput::try_from(req(decision, Some("  "))).is_err());
            assert!(MoveInput::try_from(req(decision, Some("Fits well"))).is_ok());
        }
        let mv = MoveInput::try_from(req(NominationStatus::Withdrawn, None)).unwrap();
        assert!(mv.reason.is_none());
    }

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let limits: &[(&str, &str, usize)] = &[
            ("CreateNominationRequest", "statement", MAX_STATEMENT_CHARS),
            (
                "CreateNominationTransitionRequest",
                "reason",
                MAX_REASON_CHARS,
            ),
        ];
        for &(schema, property, expected) in limits {
            let at = &schemas[schema]["properties"][property];
            assert_eq!(
                at["maxLength"].as_f64(),
                Some(expected as f64),
                "{schema}.{property}: {at}"
            );
        }
    }
}
