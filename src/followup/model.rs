//! Action plans, follow-up schedules, check-ins and guidance requests as stored, the
//! domain's input values and vocabularies, and the arithmetic of rounds (pure functions,
//! unit-tested here).

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::schema::{
    action_plan_steps, action_plans, check_in_reports, check_ins, followup_schedules,
    guidance_requests,
};
use crate::http::etag;
use crate::types::{
    ActionPlanId, CheckInId, CheckInReportId, CohortId, GuidanceRequestId, OrganisationId,
    PlanStepId, ResourceId, UserId,
};

crate::vocabulary! {
    /// Where a plan step stands at a check-in.
    pub enum StepStatus {
        /// Carried out.
        Done => "done",
        /// Started, not finished.
        InProgress => "in_progress",
        /// Given up.
        Dropped => "dropped",
    }
}

crate::vocabulary! {
    /// What stood in the way of applying a step.
    pub enum Barrier {
        /// Not enough time.
        Time => "time",
        /// Not enough money.
        Money => "money",
        /// The employer resisted.
        EmployerResistance => "employer_resistance",
        /// Too little support from the union.
        UnionSupport => "union_support",
        /// Skills still missing.
        Skills => "skills",
        /// Language.
        Language => "language",
        /// Personal safety.
        Safety => "safety",
        /// Something else (say what in the note).
        Other => "other",
    }
}

crate::vocabulary! {
    /// A union leader's verdict on a reported application (level 3, verified by someone
    /// other than the learner).
    pub enum Confirmation {
        /// The leader confirms it happened.
        Confirmed => "confirmed",
        /// The leader questions it.
        Questioned => "questioned",
    }
}

crate::vocabulary! {
    /// Where a guidance request stands.
    pub enum GuidanceState {
        /// Waiting for a facilitator.
        Open => "open",
        /// A facilitator answered.
        Answered => "answered",
    }
}

/// The default follow-up rounds: days after the cohort's end.
pub const DEFAULT_OFFSETS: [i32; 3] = [30, 90, 180];
/// Most rounds of a schedule.
pub const MAX_ROUNDS: usize = 6;
/// Latest round, in days after the cohort's end (two years).
pub const MAX_OFFSET: i32 = 730;

/// A follow-up schedule: strictly increasing offsets in days after the cohort's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(Vec<i32>);

impl Schedule {
    /// The default 30, 90, 180 days.
    pub fn default_rounds() -> Self {
        Self(DEFAULT_OFFSETS.to_vec())
    }

    /// Checks offsets: 1 to [`MAX_ROUNDS`] of them, each 1 to [`MAX_OFFSET`], strictly
    /// increasing; the problem as a message otherwise.
    pub fn new(offsets: Vec<i32>) -> Result<Self, String> {
        if offsets.is_empty() || offsets.len() > MAX_ROUNDS {
            return Err(format!("must hold 1 to {MAX_ROUNDS} rounds"));
        }
        if offsets.iter().any(|d| !(1..=MAX_OFFSET).contains(d)) {
            return Err(format!(
                "each round is 1 to {MAX_OFFSET} days after the end"
            ));
        }
        if offsets.windows(2).any(|w| w[0] >= w[1]) {
            return Err("rounds must be strictly increasing".to_owned());
        }
        Ok(Self(offsets))
    }

    /// Reads the stored text; the default when it is not a valid schedule.
    pub fn from_stored(raw: &str) -> Option<Self> {
        let offsets: Result<Vec<i32>, _> = raw.split(',').map(str::parse).collect();
        Self::new(offsets.ok()?).ok()
    }

    /// The stored text.
    pub fn stored(&self) -> String {
        self.0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The offsets in days.
    pub fn offsets(&self) -> &[i32] {
        &self.0
    }

    /// How many rounds.
    pub fn rounds(&self) -> i32 {
        i32::try_from(self.0.len()).unwrap_or(i32::MAX)
    }

    /// The day round `round` (from 1) is due, after a cohort ending on `ends_on`.
    pub fn due_on(&self, ends_on: NaiveDate, round: i32) -> Option<NaiveDate> {
        let i = usize::try_from(round.checked_sub(1)?).ok()?;
        let days = *self.0.get(i)?;
        ends_on.checked_add_signed(TimeDelta::days(i64::from(days)))
    }
}

/// A cohort's stored schedule.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = followup_schedules)]
pub struct ScheduleRow {
    pub cohort_id: CohortId,
    pub offsets: String,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// An action plan as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = action_plans)]
pub struct ActionPlan {
    pub id: ActionPlanId,
    pub cohort_id: CohortId,
    pub user_id: UserId,
    pub organisation_id: Option<OrganisationId>,
    /// JSON list of texts.
    pub goals: String,
    pub support_needed: String,
    pub endorsed_by: Option<UserId>,
    pub endorsed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

etag::versioned_row!(ActionPlan, "action-plan");

impl ActionPlan {
    /// The goals as a list (none when the stored text is not a list of texts).
    pub fn goal_list(&self) -> Vec<String> {
        serde_json::from_str(&self.goals).unwrap_or_default()
    }
}

/// A new action plan.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = action_plans)]
pub struct NewActionPlan {
    pub cohort_id: CohortId,
    pub user_id: UserId,
    pub organisation_id: Option<OrganisationId>,
    pub goals: String,
    pub support_needed: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A plan step as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = action_plan_steps)]
pub struct PlanStep {
    pub id: PlanStepId,
    pub plan_id: ActionPlanId,
    pub position: i32,
    pub title: String,
    pub due_on: NaiveDate,
}

/// A new plan step.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = action_plan_steps)]
pub struct NewPlanStep {
    pub plan_id: ActionPlanId,
    pub position: i32,
    pub title: String,
    pub due_on: NaiveDate,
}

/// A step as parsed: an existing step's id to keep it (and its reports), none for a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepInput {
    pub id: Option<PlanStepId>,
    pub title: String,
    pub due_on: NaiveDate,
}

/// A new plan as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    pub goals: Vec<String>,
    pub steps: Vec<StepInput>,
    pub support_needed: String,
}

/// A change to a plan as parsed: `None` leaves a part alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanPatch {
    pub goals: Option<Vec<String>>,
    pub steps: Option<Vec<StepInput>>,
    pub support_needed: Option<String>,
}

/// A check-in as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = check_ins)]
pub struct CheckIn {
    pub id: CheckInId,
    pub plan_id: ActionPlanId,
    pub round: i32,
    pub submitted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

etag::versioned_row!(CheckIn, "check-in");

/// A new check-in.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = check_ins)]
pub struct NewCheckIn {
    pub plan_id: ActionPlanId,
    pub round: i32,
    pub submitted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A report on one step as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = check_in_reports)]
pub struct Report {
    pub id: CheckInReportId,
    pub check_in_id: CheckInId,
    pub step_id: PlanStepId,
    pub status: StepStatus,
    pub applied: String,
    /// Comma-separated [`Barrier`]s.
    pub barriers: String,
    pub barrier_note: String,
    /// JSON list of addresses.
    pub evidence_links: String,
    /// JSON list of library resource ids.
    pub resource_ids: String,
    pub confirmation: Option<Confirmation>,
    pub confirmation_note: Option<String>,
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<NaiveDateTime>,
}

impl Report {
    /// The barriers as a list (unknown stored values are skipped: the column is checked
    /// on the way in).
    pub fn barrier_list(&self) -> Vec<Barrier> {
        self.barriers
            .split(',')
            .filter_map(Barrier::parse)
            .collect()
    }

    /// The evidence links.
    pub fn link_list(&self) -> Vec<String> {
        serde_json::from_str(&self.evidence_links).unwrap_or_default()
    }

    /// The library resources given as evidence.
    pub fn resource_list(&self) -> Vec<ResourceId> {
        serde_json::from_str::<Vec<i64>>(&self.resource_ids)
            .unwrap_or_default()
            .into_iter()
            .map(ResourceId)
            .collect()
    }

    /// The report as input, to compare with an edit.
    pub fn as_input(&self) -> ReportInput {
        ReportInput {
            step_id: self.step_id,
            status: self.status,
            applied: self.applied.clone(),
            barriers: self.barrier_list(),
            barrier_note: self.barrier_note.clone(),
            evidence_links: self.link_list(),
            resource_ids: self.resource_list(),
        }
    }
}

/// A new report.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = check_in_reports)]
pub struct NewReport {
    pub check_in_id: CheckInId,
    pub step_id: PlanStepId,
    pub status: StepStatus,
    pub applied: String,
    pub barriers: String,
    pub barrier_note: String,
    pub evidence_links: String,
    pub resource_ids: String,
}

/// One step's report as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    pub step_id: PlanStepId,
    pub status: StepStatus,
    pub applied: String,
    pub barriers: Vec<Barrier>,
    pub barrier_note: String,
    pub evidence_links: Vec<String>,
    pub resource_ids: Vec<ResourceId>,
}

impl ReportInput {
    /// The row of this report in `check_in`.
    pub fn row(&self, check_in: CheckInId) -> NewReport {
        NewReport {
            check_in_id: check_in,
            step_id: self.step_id,
            status: self.status,
            applied: self.applied.clone(),
            barriers: self
                .barriers
                .iter()
                .map(|b| b.as_str())
                .collect::<Vec<_>>()
                .join(","),
            barrier_note: self.barrier_note.clone(),
            evidence_links: serde_json::to_string(&self.evidence_links)
                .unwrap_or_else(|_| "[]".to_owned()),
            resource_ids: serde_json::to_string(
                &self
                    .resource_ids
                    .iter()
                    .map(|r| r.get())
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_else(|_| "[]".to_owned()),
        }
    }
}

/// A check-in as parsed: the round and a report per step (steps distinct).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInInput {
    pub round: i32,
    pub reports: Vec<ReportInput>,
}

/// A leader's verdict as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationInput {
    pub state: Confirmation,
    pub note: Option<String>,
}

/// A guidance request as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = guidance_requests)]
pub struct GuidanceRequest {
    pub id: GuidanceRequestId,
    pub plan_id: ActionPlanId,
    pub cohort_id: CohortId,
    pub step_id: Option<PlanStepId>,
    pub question: String,
    pub state: GuidanceState,
    pub answer: Option<String>,
    pub answered_by: Option<UserId>,
    pub answered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

etag::versioned_row!(GuidanceRequest, "guidance-request");

/// A new guidance request.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = guidance_requests)]
pub struct NewGuidanceRequest {
    pub plan_id: ActionPlanId,
    pub cohort_id: CohortId,
    pub step_id: Option<PlanStepId>,
    pub question: String,
    pub state: GuidanceState,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A guidance request as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuidanceInput {
    pub question: String,
    pub step_id: Option<PlanStepId>,
}

/// What an erased member's follow-up leaves in a cohort's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErasedCounts {
    pub plans: i64,
    pub endorsed_plans: i64,
    pub steps: i64,
    pub check_ins: i64,
    pub reports_done: i64,
    pub reports_in_progress: i64,
    pub reports_dropped: i64,
    pub reports_confirmed: i64,
    pub reports_questioned: i64,
    pub guidance_requests: i64,
    pub guidance_answered: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_are_bounded_increasing_and_give_due_days() {
        assert!(Schedule::new(vec![]).is_err());
        assert!(Schedule::new(vec![0]).is_err());
        assert!(Schedule::new(vec![731]).is_err());
        assert!(Schedule::new(vec![30, 30]).is_err());
        assert!(Schedule::new(vec![1, 2, 3, 4, 5, 6, 7]).is_err());
        let s = Schedule::default_rounds();
        assert_eq!(Schedule::from_stored(&s.stored()), Some(s.clone()));
        assert_eq!(Schedule::from_stored("x"), None);
        let end = NaiveDate::from_ymd_opt(2027, 3, 15).unwrap_or_default();
        assert_eq!(
            s.due_on(end, 1),
            NaiveDate::from_ymd_opt(2027, 4, 14),
            "30 days after the end"
        );
        assert_eq!(s.due_on(end, 0), None);
        assert_eq!(s.due_on(end, 4), None);
        assert_eq!(s.rounds(), 3);
    }
}
