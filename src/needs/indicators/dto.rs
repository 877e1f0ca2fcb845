//! What the indicator endpoints read and write, and how a request becomes domain input.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Fields};
use crate::http::pagination::PageRequest;
use crate::needs::indicators::model::{Figures, Period, ReportInput, ReportPatch, ReportView};
use crate::needs::indicators::service::PERIOD_DESC;
use crate::types::text::clean_block;
use crate::types::{CohortId, IndicatorReportId, OrganisationId, UserId};

/// Largest count of members recruited in one period.
const MAX_MEMBERS: i64 = 10_000_000;
/// Largest count of agreements, policies or trainings in one period.
const MAX_COUNT: i64 = 100_000;
/// Most platform cohorts named in one report.
const MAX_COHORTS: usize = 50;
/// Longest attribution note.
const MAX_NOTE_CHARS: usize = 4000;
/// Earliest year reported.
const MIN_YEAR: i64 = 2000;
/// Latest year the database takes (a period must have begun, too).
const MAX_YEAR: i64 = 2100;

/// An organisation's indicators for one period.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorReportResponse {
    #[schema(value_type = i64)]
    pub id: IndicatorReportId,
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub year: i32,
    /// 1 to 4; `null` for the whole year.
    pub quarter: Option<i32>,
    pub members_recruited: i32,
    pub agreements_signed: i32,
    pub agreements_improved: i32,
    pub policies_adopted: i32,
    /// Trainings the union ran itself.
    pub trainings_run: i32,
    /// The platform cohorts among them, run by the union's e-trainers.
    #[schema(value_type = Vec<i64>)]
    pub training_cohort_ids: Vec<CohortId>,
    /// How the union sees the training's part in these results.
    pub attribution_note: String,
    /// The leader who reported it; `null` once they erased their account.
    #[schema(value_type = Option<i64>)]
    pub author_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ReportView> for IndicatorReportResponse {
    fn from(v: &ReportView) -> Self {
        let r = &v.report;
        Self {
            id: r.id,
            organisation_id: r.organisation_id,
            year: r.year,
            quarter: (r.quarter != 0).then_some(r.quarter),
            members_recruited: r.members_recruited,
            agreements_signed: r.agreements_signed,
            agreements_improved: r.agreements_improved,
            policies_adopted: r.policies_adopted,
            trainings_run: r.trainings_run,
            training_cohort_ids: v.cohort_ids.clone(),
            attribution_note: r.attribution_note.clone(),
            author_id: r.author_id,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// `POST /api/v1/organisations/{id}/indicator-reports`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIndicatorReportRequest {
    /// The period's year, 2000 or later; the period must have begun.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    /// 1 to 4 for a quarter; absent or `null` for the whole year.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: Option<i64>,
    /// 0 to 10,000,000.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub members_recruited: i64,
    /// 0 to 100,000.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 0, maximum = 100_000)]
    pub agreements_signed: i64,
    /// 0 to 100,000.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 0, maximum = 100_000)]
    pub agreements_improved: i64,
    /// 0 to 100,000.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 0, maximum = 100_000)]
    pub policies_adopted: i64,
    /// Trainings the union ran itself, 0 to 100,000; at least as many as
    /// `training_cohort_ids`.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 0, maximum = 100_000)]
    pub trainings_run: i64,
    /// The platform cohorts among them, at most 50, each run by one of the union's
    /// e-trainers.
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(max_items = 50)]
    pub training_cohort_ids: Vec<i64>,
    /// How the union sees the training's part in these results; at most 4,000 characters.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub attribution_note: String,
}

/// `PATCH /api/v1/indicator-reports/{id}`: only the figures given change; cohorts given
/// replace the old ones. The period stays.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIndicatorReportRequest {
    #[serde(default, deserialize_with = "present_int")]
    #[schema(minimum = 0, maximum = 10_000_000, nullable = false)]
    pub members_recruited: Option<i64>,
    #[serde(default, deserialize_with = "present_int")]
    #[schema(minimum = 0, maximum = 100_000, nullable = false)]
    pub agreements_signed: Option<i64>,
    #[serde(default, deserialize_with = "present_int")]
    #[schema(minimum = 0, maximum = 100_000, nullable = false)]
    pub agreements_improved: Option<i64>,
    #[serde(default, deserialize_with = "present_int")]
    #[schema(minimum = 0, maximum = 100_000, nullable = false)]
    pub policies_adopted: Option<i64>,
    #[serde(default, deserialize_with = "present_int")]
    #[schema(minimum = 0, maximum = 100_000, nullable = false)]
    pub trainings_run: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::json::present_int_list")]
    #[schema(max_items = 50, nullable = false)]
    pub training_cohort_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(max_length = 4000, nullable = false)]
    pub attribution_note: Option<String>,
}

/// An integer field of a `PATCH` that may be absent (left alone) but not `null`; any
/// integral JSON number, as `http::json::int` reads it.
fn present_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Number>::deserialize(d)? {
        Some(n) => crate::http::json::int(n)
            .map(Some)
            .map_err(D::Error::custom),
        None => Err(D::Error::custom(
            "this field cannot be null; leave it out to keep its value",
        )),
    }
}

/// A count within `0..=max`, or an error on `field`.
fn count(f: &mut Fields, field: &str, raw: i64, max: i64) -> Option<i32> {
    if (0..=max).contains(&raw) {
        i32::try_from(raw).ok()
    } else {
        f.push(
            field,
            "out_of_range",
            format!("must be between 0 and {max}"),
        );
        None
    }
}

fn opt_count(f: &mut Fields, field: &str, raw: Option<i64>, max: i64) -> Option<Option<i32>> {
    match raw {
        Some(raw) => count(f, field, raw, max).map(Some),
        None => Some(None),
    }
}

fn cohorts(f: &mut Fields, raw: &[i64]) -> Option<Vec<CohortId>> {
    if !f.at_most(
        "training_cohort_ids",
        "too_many_items",
        raw.len(),
        MAX_COHORTS,
    ) {
        return None;
    }
    let unique: BTreeSet<i64> = raw.iter().copied().collect();
    Some(unique.into_iter().map(CohortId).collect())
}

fn note(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    clean_block(raw, MAX_NOTE_CHARS)
}

impl TryFrom<CreateIndicatorReportRequest> for ReportInput {
    type Error = ApiError;

    /// Every field checked; 422 with all the errors at once.
    fn try_from(req: CreateIndicatorReportRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let year = if (MIN_YEAR..=MAX_YEAR).contains(&req.year) {
            i32::try_from(req.year).ok()
        } else {
            f.push(
                "year",
                "out_of_range",
                format!("must be between {MIN_YEAR} and {MAX_YEAR}"),
            );
            None
        };
        let quarter = match req.quarter {
            None => Some(0),
            Some(q @ 1..=4) => i32::try_from(q).ok(),
            Some(_) => {
                f.push(
                    "quarter",
                    "out_of_range",
                    "must be 1, 2, 3 or 4 (or absent)",
                );
                None
            }
        };
        let members_recruited = count(
            &mut f,
            "members_recruited",
            req.members_recruited,
            MAX_MEMBERS,
        );
        let agreements_signed = count(
            &mut f,
            "agreements_signed",
            req.agreements_signed,
            MAX_COUNT,
        );
        let agreements_improved = count(
            &mut f,
            "agreements_improved",
            req.agreements_improved,
            MAX_COUNT,
        );
        let policies_adopted = count(&mut f, "policies_adopted", req.policies_adopted, MAX_COUNT);
        let trainings_run = count(&mut f, "trainings_run", req.trainings_run, MAX_COUNT);
        let training_cohort_ids = cohorts(&mut f, &req.training_cohort_ids);
        let attribution_note = f.check(
            "attribution_note",
            "invalid_attribution_note",
            note(&req.attribution_note),
        );
        f.finish_with(|| {
            Some(Self {
                period: Period {
                    year: year?,
                    quarter: quarter?,
                },
                figures: Figures {
                    members_recruited: members_recruited?,
                    agreements_signed: agreements_signed?,
                    agreements_improved: agreements_improved?,
                    policies_adopted: policies_adopted?,
                    trainings_run: trainings_run?,
                    training_cohort_ids: training_cohort_ids?,
                    attribution_note: attribution_note?,
                },
            })
        })
    }
}

impl TryFrom<UpdateIndicatorReportRequest> for ReportPatch {
    type Error = ApiError;

    /// Every field given checked; 422 with all the errors at once.
    fn try_from(req: UpdateIndicatorReportRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let members_recruited = opt_count(
            &mut f,
            "members_recruited",
            req.members_recruited,
            MAX_MEMBERS,
        );
        let agreements_signed = opt_count(
            &mut f,
            "agreements_signed",
            req.agreements_signed,
            MAX_COUNT,
        );
        let agreements_improved = opt_count(
            &mut f,
            "agreements_improved",
            req.agreements_improved,
            MAX_COUNT,
        );
        let policies_adopted =
            opt_count(&mut f, "policies_adopted", req.policies_adopted, MAX_COUNT);
        let trainings_run = opt_count(&mut f, "trainings_run", req.trainings_run, MAX_COUNT);
        let training_cohort_ids = match &req.training_cohort_ids {
            Some(raw) => cohorts(&mut f, raw).map(Some),
            None => Some(None),
        };
        let attribution_note = f.check_opt(
            "attribution_note",
            "invalid_attribution_note",
            req.attribution_note.as_deref(),
            note,
        );
        f.finish_with(|| {
            Some(Self {
                members_recruited: members_recruited?,
                agreements_signed: agreements_signed?,
                agreements_improved: agreements_improved?,
                policies_adopted: policies_adopted?,
                trainings_run: trainings_run?,
                training_cohort_ids: training_cohort_ids?,
                attribution_note: attribution_note?,
            })
        })
    }
}

/// Query of `GET /api/v1/organisations/{id}/indicator-reports`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListIndicatorReportsQuery {
    /// Only the reports of this year (the year's and its quarters').
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListIndicatorReportsQuery {
    /// The page: 400 naming the bad parameter.
    pub fn page(&self) -> Result<PageRequest<i64>, ApiError> {
        PageRequest::parse(self.limit, self.cursor.as_deref(), PERIOD_DESC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let mut limits = Vec::new();
        for schema in [
            "CreateIndicatorReportRequest",
            "UpdateIndicatorReportRequest",
        ] {
            limits.extend([
                (schema, "training_cohort_ids", "maxItems", MAX_COHORTS),
                (schema, "attribution_note", "maxLength", MAX_NOTE_CHARS),
                (schema, "members_recruited", "maximum", MAX_MEMBERS as usize),
                (schema, "trainings_run", "maximum", MAX_COUNT as usize),
            ]);
        }
        crate::openapi::assert_documented_limits(&limits);
    }
}
