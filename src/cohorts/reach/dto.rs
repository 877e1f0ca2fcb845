//! The answer of `GET /api/v1/cohorts/{id}/reach`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::cohorts::model::{CohortKind, CohortStatus};
use crate::types::CohortId;

use crate::types::cells::CountCell as ReachCell;

/// Distinct trainees and their breakdowns.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReachCounts {
    /// `null` when withheld (fewer than `suppressed_below`).
    pub trainees: Option<i64>,
    /// By the account's country (`not_stated` when none), largest first.
    pub country: Vec<ReachCell>,
    /// `female`, `male`, `non_binary`, `other`, `not_stated`.
    pub gender: Vec<ReachCell>,
    /// Age in the year the cohort starts: `under_25`, `25_34`, `35_44`, `45_54`,
    /// `55_plus`, `not_stated`.
    pub age_band: Vec<ReachCell>,
}

/// A cohort of the tree.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReachNode {
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    /// The cohort whose graduates facilitate this one (`null` for the root).
    #[schema(value_type = Option<i64>)]
    pub parent_cohort_id: Option<CohortId>,
    /// 0 for the root, 1 for the cohorts its graduates ran, and so on.
    pub level: i32,
    pub kind: CohortKind,
    pub status: CohortStatus,
    pub starts_on: NaiveDate,
    pub region: String,
    /// E-trainers this cohort certified (a `tot` cohort's graduates; 0 for others).
    pub graduates: i64,
    /// The cohort's participants (accepted nominations).
    pub reached: ReachCounts,
}

/// Every cohort of one level together (each person counted once).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReachLevel {
    pub level: i32,
    pub cohorts: i64,
    pub reached: ReachCounts,
}

/// The lineage and reach of a cohort.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReachResponse {
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    /// The `tot` cohorts that certified this cohort's facilitators (its lineage, one step
    /// up; empty when none of them was certified here).
    #[schema(value_type = Vec<i64>)]
    pub certified_by: Vec<CohortId>,
    /// Cells under this many people are withheld (`count: null`): 5, or 1 for admins, who
    /// see every figure.
    pub suppressed_below: i64,
    /// The cohort and every cohort below it, breadth first (at most five levels below).
    pub nodes: Vec<ReachNode>,
    /// The totals of each level.
    pub levels: Vec<ReachLevel>,
    /// Everyone reached below the cohort (levels 1 and deeper), each person once: the
    /// multiplier effect of the cohort's graduates.
    pub reached_below: ReachCounts,
}
