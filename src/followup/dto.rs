//! What the follow-up endpoints read and write, and how a request becomes domain input.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Fields};
use crate::followup::model::{
    ActionPlan, Barrier, CheckIn, CheckInInput, Confirmation, ConfirmationInput, GuidanceInput,
    GuidanceRequest, GuidanceState, PlanInput, PlanPatch, PlanStep, Report, ReportInput, StepInput,
    StepStatus,
};
use crate::types::text::{clean_block, clean_line, web_address};
use crate::types::{
    ActionPlanId, CheckInId, CheckInReportId, CohortId, GuidanceRequestId, OrganisationId,
    PlanStepId, ResourceId, UserId,
};

// The limits of follow-up bodies, as the OpenAPI schemas state them.
/// Most goals of a plan.
pub const MAX_GOALS: usize = 10;
/// Longest goal.
pub const MAX_GOAL_CHARS: usize = 300;
/// Most steps of a plan (and so reports of a check-in).
pub const MAX_STEPS: usize = 20;
/// Longest step title.
pub const MAX_STEP_TITLE: usize = 200;
/// Longest free text (support needed, what was applied, questions, answers).
pub const MAX_TEXT: usize = 4000;
/// Longest note (barriers, confirmations).
pub const MAX_NOTE: usize = 2000;
/// Most evidence links and most evidence resources of a report.
pub const MAX_EVIDENCE: usize = 5;
/// Longest evidence link.
pub const MAX_LINK: usize = 2000;

/// The sort of follow-up list cursors: by id.
pub const ID_SORT: &str = "id";

// ---------------------------------------------------------------- requests

/// One step of a plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanStepRequest {
    /// When editing: the id of an existing step to keep (its reports stay with it); absent
    /// for a new step.
    #[schema(value_type = Option<i64>)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub id: Option<i64>,
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// `YYYY-MM-DD`, not before the cohort's start.
    pub due_on: NaiveDate,
}

/// `POST /api/v1/cohorts/{id}/action-plans`: the caller's action plan for the cohort.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActionPlanRequest {
    /// 1 to 10 goals, each 1 to 300 characters.
    #[schema(min_items = 1, max_items = 10, min_length = 1, max_length = 300)]
    pub goals: Vec<String>,
    /// 1 to 20 steps, in order.
    #[schema(min_items = 1, max_items = 20)]
    pub steps: Vec<PlanStepRequest>,
    /// The support needed from the union, up to 4,000 characters.
    #[schema(max_length = 4000)]
    pub support_needed: Option<String>,
}

/// `PATCH /api/v1/action-plans/{id}`: the parts to change (`steps` replaces the list: name
/// an existing step's `id` to keep it; a step with reports cannot be left out).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateActionPlanRequest {
    /// 1 to 10 goals, each 1 to 300 characters.
    #[schema(
        min_items = 1,
        max_items = 10,
        min_length = 1,
        max_length = 300,
        nullable = false
    )]
    pub goals: Option<Vec<String>>,
    /// 1 to 20 steps, in order.
    #[schema(min_items = 1, max_items = 20, nullable = false)]
    pub steps: Option<Vec<PlanStepRequest>>,
    /// Up to 4,000 characters.
    #[schema(max_length = 4000, nullable = false)]
    pub support_needed: Option<String>,
}

fn goals(f: &mut Fields, raw: &[String]) -> Option<Vec<String>> {
    if raw.is_empty() {
        f.push("goals", "no_goals", "a plan has at least one goal");
        return None;
    }
    if !f.at_most("goals", "too_many_goals", raw.len(), MAX_GOALS) {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut ok = true;
    for (i, g) in raw.iter().enumerate() {
        match f.check(
            &format!("goals[{i}]"),
            "invalid_goal",
            clean_line(g, 1, MAX_GOAL_CHARS),
        ) {
            Some(g) => out.push(g),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn steps(f: &mut Fields, raw: &[PlanStepRequest]) -> Option<Vec<StepInput>> {
    if raw.is_empty() {
        f.push("steps", "no_steps", "a plan has at least one step");
        return None;
    }
    if !f.at_most("steps", "too_many_steps", raw.len(), MAX_STEPS) {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut ok = true;
    for (i, s) in raw.iter().enumerate() {
        let title = f.check(
            &format!("steps[{i}].title"),
            "invalid_title",
            clean_line(&s.title, 1, MAX_STEP_TITLE),
        );
        if !(2000..=9999).contains(&s.due_on.year()) {
            f.push(
                &format!("steps[{i}].due_on"),
                "out_of_range",
                "must lie in the years 2000 to 9999",
            );
            ok = false;
        }
        let id = s.id.map(PlanStepId);
        if id.is_some() && raw[..i].iter().any(|o| o.id == s.id) {
            f.push(
                &format!("steps[{i}].id"),
                "duplicate_step",
                "this step is named twice",
            );
            ok = false;
        }
        match title {
            Some(title) => out.push(StepInput {
                id,
                title,
                due_on: s.due_on,
            }),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn support(f: &mut Fields, raw: Option<&str>) -> Option<Option<String>> {
    f.check_opt("support_needed", "invalid_text", raw, |t| {
        if t.trim().is_empty() {
            Ok(String::new())
        } else {
            clean_block(t, MAX_TEXT)
        }
    })
}

impl TryFrom<CreateActionPlanRequest> for PlanInput {
    type Error = ApiError;

    fn try_from(r: CreateActionPlanRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let goals = goals(&mut f, &r.goals);
        let steps = steps(&mut f, &r.steps);
        let support = support(&mut f, r.support_needed.as_deref());
        for (i, s) in r.steps.iter().enumerate() {
            if s.id.is_some() {
                f.push(
                    &format!("steps[{i}].id"),
                    "not_allowed",
                    "a new plan's steps have no ids yet",
                );
            }
        }
        f.finish_with(|| {
            Some(Self {
                goals: goals?,
                steps: steps?,
                support_needed: support?.unwrap_or_default(),
            })
        })
    }
}

impl TryFrom<UpdateActionPlanRequest> for PlanPatch {
    type Error = ApiError;

    fn try_from(r: UpdateActionPlanRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let goals = r.goals.as_deref().map(|g| goals(&mut f, g));
        let steps = r.steps.as_deref().map(|s| steps(&mut f, s));
        let support = support(&mut f, r.support_needed.as_deref());
        f.finish_with(|| {
            Some(Self {
                goals: match goals {
                    Some(g) => Some(g?),
                    None => None,
                },
                steps: match steps {
                    Some(s) => Some(s?),
                    None => None,
                },
                support_needed: support?,
            })
        })
    }
}

/// `PUT /api/v1/cohorts/{id}/follow-up-schedule`: the rounds, in days after the cohort's end.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRequest {
    /// 1 to 6 rounds, strictly increasing, each 1 to 730 days after the cohort's end.
    #[schema(min_items = 1, max_items = 6, value_type = Vec<i64>)]
    #[serde(deserialize_with = "crate::http::json::int_list")]
    pub offsets_days: Vec<i64>,
}

/// One step's report in a check-in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// A step of the plan.
    #[schema(value_type = i64)]
    #[serde(deserialize_with = "crate::http::json::int")]
    pub step_id: i64,
    /// `done`, `in_progress` or `dropped`.
    pub status: StepStatus,
    /// What was applied, up to 4,000 characters.
    #[schema(max_length = 4000)]
    pub applied: Option<String>,
    /// What stood in the way (each at most once).
    #[schema(max_items = 8)]
    pub barriers: Option<Vec<Barrier>>,
    /// More about the barriers, up to 2,000 characters.
    #[schema(max_length = 2000)]
    pub barrier_note: Option<String>,
    /// Up to 5 `http(s)` addresses, each up to 2,000 characters.
    #[schema(max_items = 5, max_length = 2000)]
    pub evidence_links: Option<Vec<String>>,
    /// Up to 5 library resources the caller may read.
    #[schema(max_items = 5, value_type = Option<Vec<i64>>)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int_list")]
    pub resource_ids: Option<Vec<i64>>,
}

/// `POST /api/v1/action-plans/{id}/check-ins`: one round's check-in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCheckInRequest {
    /// The round, from 1, as the cohort's schedule numbers them; due from its day on.
    #[schema(value_type = i64, minimum = 1, maximum = 6)]
    #[serde(deserialize_with = "crate::http::json::int")]
    pub round: i64,
    /// 1 to 20 reports, each on a different step of the plan.
    #[schema(min_items = 1, max_items = 20)]
    pub reports: Vec<ReportRequest>,
}

/// `PATCH /api/v1/check-ins/{id}`: the reports again (a report that changes loses its
/// leader's confirmation).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCheckInRequest {
    /// 1 to 20 reports, each on a different step of the plan.
    #[schema(min_items = 1, max_items = 20)]
    pub reports: Vec<ReportRequest>,
}

/// An evidence link: an http(s) address without control characters (a NUL never reaches
/// the database).
fn link(raw: &str) -> Result<String, String> {
    if raw.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    web_address(raw, MAX_LINK)
}

/// Text of 1 to [`MAX_TEXT`] characters.
fn required_block(raw: &str) -> Result<String, String> {
    let text = clean_block(raw, MAX_TEXT)?;
    if text.is_empty() {
        return Err(format!("must be 1 to {MAX_TEXT} characters"));
    }
    Ok(text)
}

fn opt_text(f: &mut Fields, field: &str, raw: Option<&str>, max: usize) -> Option<String> {
    f.check_opt(field, "invalid_text", raw, |t| {
        if t.trim().is_empty() {
            Ok(String::new())
        } else {
            clean_block(t, max)
        }
    })
    .map(Option::unwrap_or_default)
}

fn reports(f: &mut Fields, raw: &[ReportRequest]) -> Option<Vec<ReportInput>> {
    if raw.is_empty() {
        f.push(
            "reports",
            "no_reports",
            "a check-in reports on at least one step",
        );
        return None;
    }
    if !f.at_most("reports", "too_many_reports", raw.len(), MAX_STEPS) {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut ok = true;
    for (i, r) in raw.iter().enumerate() {
        let field = format!("reports[{i}]");
        if raw[..i].iter().any(|o| o.step_id == r.step_id) {
            f.push(
                &format!("{field}.step_id"),
                "duplicate_step",
                "this step is reported twice",
            );
            ok = false;
        }
        let applied = opt_text(
            f,
            &format!("{field}.applied"),
            r.applied.as_deref(),
            MAX_TEXT,
        );
        let note = opt_text(
            f,
            &format!("{field}.barrier_note"),
            r.barrier_note.as_deref(),
            MAX_NOTE,
        );
        let mut barriers = Vec::new();
        let raw_barriers = r.barriers.as_deref().unwrap_or_default();
        if f.at_most(
            &format!("{field}.barriers"),
            "too_many_barriers",
            raw_barriers.len(),
            Barrier::ALL.len(),
        ) {
            for b in raw_barriers {
                if !barriers.contains(b) {
                    barriers.push(*b);
                }
            }
        } else {
            ok = false;
        }
        let raw_links = r.evidence_links.as_deref().unwrap_or_default();
        let mut links = Vec::new();
        if f.at_most(
            &format!("{field}.evidence_links"),
            "too_many_links",
            raw_links.len(),
            MAX_EVIDENCE,
        ) {
            for (j, l) in raw_links.iter().enumerate() {
                match f.check(
                    &format!("{field}.evidence_links[{j}]"),
                    "invalid_link",
                    link(l),
                ) {
                    Some(l) => links.push(l),
                    None => ok = false,
                }
            }
        } else {
            ok = false;
        }
        let raw_resources = r.resource_ids.as_deref().unwrap_or_default();
        let mut resources = Vec::new();
        if f.at_most(
            &format!("{field}.resource_ids"),
            "too_many_resources",
            raw_resources.len(),
            MAX_EVIDENCE,
        ) {
            for id in raw_resources {
                let id = ResourceId(*id);
                if !resources.contains(&id) {
                    resources.push(id);
                }
            }
        } else {
            ok = false;
        }
        match (applied, note) {
            (Some(applied), Some(barrier_note)) => out.push(ReportInput {
                step_id: PlanStepId(r.step_id),
                status: r.status,
                applied,
                barriers,
                barrier_note,
                evidence_links: links,
                resource_ids: resources,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

impl TryFrom<CreateCheckInRequest> for CheckInInput {
    type Error = ApiError;

    fn try_from(r: CreateCheckInRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let round = i32::try_from(r.round)
            .ok()
            .filter(|n| (1..=crate::followup::model::MAX_ROUNDS as i32).contains(n));
        if round.is_none() {
            f.push(
                "round",
                "out_of_range",
                "must be a round of the schedule, 1 to 6",
            );
        }
        let reports = reports(&mut f, &r.reports);
        f.finish_with(|| {
            Some(Self {
                round: round?,
                reports: reports?,
            })
        })
    }
}

impl TryFrom<UpdateCheckInRequest> for Vec<ReportInput> {
    type Error = ApiError;

    fn try_from(r: UpdateCheckInRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let reports = reports(&mut f, &r.reports);
        f.finish_with(|| reports)
    }
}

/// `PUT /api/v1/check-in-reports/{id}/confirmation`: a union leader's verdict.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationRequest {
    /// `confirmed` or `questioned`.
    pub state: Confirmation,
    /// Why, up to 2,000 characters.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

impl TryFrom<ConfirmationRequest> for ConfirmationInput {
    type Error = ApiError;

    fn try_from(r: ConfirmationRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let note = opt_text(&mut f, "note", r.note.as_deref(), MAX_NOTE);
        f.finish_with(|| {
            let note = note?;
            Some(Self {
                state: r.state,
                note: (!note.is_empty()).then_some(note),
            })
        })
    }
}

/// `POST /api/v1/action-plans/{id}/guidance-requests`: a question for the facilitators.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGuidanceRequest {
    /// 1 to 4,000 characters.
    #[schema(min_length = 1, max_length = 4000)]
    pub question: String,
    /// A step of the plan the question is about.
    #[schema(value_type = Option<i64>)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub step_id: Option<i64>,
}

impl TryFrom<CreateGuidanceRequest> for GuidanceInput {
    type Error = ApiError;

    fn try_from(r: CreateGuidanceRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let question = f.check(
            "question",
            "invalid_text",
            clean_block(&r.question, MAX_TEXT),
        );
        f.finish_with(|| {
            Some(Self {
                question: question?,
                step_id: r.step_id.map(PlanStepId),
            })
        })
    }
}

/// `POST /api/v1/guidance-requests/{id}/answer`: a facilitator's answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerGuidanceRequest {
    /// 1 to 4,000 characters.
    #[schema(min_length = 1, max_length = 4000)]
    pub answer: String,
}

impl TryFrom<AnswerGuidanceRequest> for String {
    type Error = ApiError;

    fn try_from(r: AnswerGuidanceRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let answer = f.check("answer", "invalid_text", required_block(&r.answer));
        f.finish_with(|| answer)
    }
}

/// `?state=` and paging of a cohort's guidance requests.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListGuidanceQuery {
    /// Only requests in this state (`open` or `answered`).
    pub state: Option<GuidanceState>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Paging and `?cohort_id=` of a union's plans.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListPlansQuery {
    /// Only plans of this cohort.
    #[param(value_type = Option<i64>, minimum = 1)]
    pub cohort_id: Option<i64>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

// ---------------------------------------------------------------- answers

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A step of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanStepResponse {
    #[schema(value_type = i64)]
    pub id: PlanStepId,
    pub title: String,
    pub due_on: NaiveDate,
}

impl From<&PlanStep> for PlanStepResponse {
    fn from(s: &PlanStep) -> Self {
        Self {
            id: s.id,
            title: s.title.clone(),
            due_on: s.due_on,
        }
    }
}

/// An action plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionPlanResponse {
    #[schema(value_type = i64)]
    pub id: ActionPlanId,
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    /// The participant who wrote it.
    #[schema(value_type = i64)]
    pub user_id: UserId,
    /// Their display name.
    pub display_name: String,
    /// The union the participant came through (their accepted nomination's).
    #[schema(value_type = Option<i64>)]
    pub organisation_id: Option<OrganisationId>,
    pub goals: Vec<String>,
    /// In order.
    pub steps: Vec<PlanStepResponse>,
    pub support_needed: String,
    /// The union leader who endorsed this version of the plan, if any (an edit clears it).
    #[schema(value_type = Option<i64>)]
    pub endorsed_by: Option<UserId>,
    pub endorsed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl ActionPlanResponse {
    /// The answer for a plan, its steps and its author's name.
    pub fn new(plan: &ActionPlan, steps: &[PlanStep], display_name: String) -> Self {
        Self {
            id: plan.id,
            cohort_id: plan.cohort_id,
            user_id: plan.user_id,
            display_name,
            organisation_id: plan.organisation_id,
            goals: plan.goal_list(),
            steps: steps.iter().map(PlanStepResponse::from).collect(),
            support_needed: plan.support_needed.clone(),
            endorsed_by: plan.endorsed_by,
            endorsed_at: plan.endorsed_at.map(utc),
            created_at: utc(plan.created_at),
            updated_at: utc(plan.updated_at),
            version: plan.version,
        }
    }
}

/// One round of a schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleRoundResponse {
    /// From 1.
    pub round: i32,
    /// Days after the cohort's end.
    pub offset_days: i32,
    /// The day check-ins for it open (and reminders go out).
    pub due_on: NaiveDate,
}

/// A cohort's follow-up schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleResponse {
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    /// The cohort's last day, from which rounds count.
    pub ends_on: NaiveDate,
    /// Whether the default (30, 90, 180 days) applies.
    pub default: bool,
    pub rounds: Vec<ScheduleRoundResponse>,
    /// 0 while the default applies.
    pub version: i64,
}

/// A report on one step.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportResponse {
    #[schema(value_type = i64)]
    pub id: CheckInReportId,
    #[schema(value_type = i64)]
    pub step_id: PlanStepId,
    pub status: StepStatus,
    pub applied: String,
    pub barriers: Vec<Barrier>,
    pub barrier_note: String,
    pub evidence_links: Vec<String>,
    #[schema(value_type = Vec<i64>)]
    pub resource_ids: Vec<ResourceId>,
    /// The union leader's verdict, if given.
    pub confirmation: Option<Confirmation>,
    pub confirmation_note: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl From<&Report> for ReportResponse {
    fn from(r: &Report) -> Self {
        Self {
            id: r.id,
            step_id: r.step_id,
            status: r.status,
            applied: r.applied.clone(),
            barriers: r.barrier_list(),
            barrier_note: r.barrier_note.clone(),
            evidence_links: r.link_list(),
            resource_ids: r.resource_list(),
            confirmation: r.confirmation,
            confirmation_note: r.confirmation_note.clone(),
            confirmed_by: r.confirmed_by,
            confirmed_at: r.confirmed_at.map(utc),
        }
    }
}

/// A check-in.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInResponse {
    #[schema(value_type = i64)]
    pub id: CheckInId,
    #[schema(value_type = i64)]
    pub plan_id: ActionPlanId,
    pub round: i32,
    pub reports: Vec<ReportResponse>,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl CheckInResponse {
    /// The answer for a check-in and its reports.
    pub fn new(c: &CheckIn, reports: &[Report]) -> Self {
        Self {
            id: c.id,
            plan_id: c.plan_id,
            round: c.round,
            reports: reports.iter().map(ReportResponse::from).collect(),
            submitted_at: utc(c.submitted_at),
            updated_at: utc(c.updated_at),
            version: c.version,
        }
    }
}

/// A plan's check-ins, by round.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInList {
    /// At most one per round (6 at most).
    pub items: Vec<CheckInResponse>,
}

/// A guidance request.
#[derive(Debug, Serialize, ToSchema)]
pub struct GuidanceResponse {
    #[schema(value_type = i64)]
    pub id: GuidanceRequestId,
    #[schema(value_type = i64)]
    pub plan_id: ActionPlanId,
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    #[schema(value_type = Option<i64>)]
    pub step_id: Option<PlanStepId>,
    pub question: String,
    pub state: GuidanceState,
    pub answer: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub answered_by: Option<UserId>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

impl From<&GuidanceRequest> for GuidanceResponse {
    fn from(g: &GuidanceRequest) -> Self {
        Self {
            id: g.id,
            plan_id: g.plan_id,
            cohort_id: g.cohort_id,
            step_id: g.step_id,
            question: g.question.clone(),
            state: g.state,
            answer: g.answer.clone(),
            answered_by: g.answered_by,
            answered_at: g.answered_at.map(utc),
            created_at: utc(g.created_at),
            version: g.version,
        }
    }
}

impl TryFrom<ScheduleRequest> for crate::followup::model::Schedule {
    type Error = ApiError;

    fn try_from(r: ScheduleRequest) -> Result<Self, ApiError> {
        let offsets: Option<Vec<i32>> = r
            .offsets_days
            .iter()
            .map(|d| i32::try_from(*d).ok())
            .collect();
        let mut f = Fields::default();
        let schedule = f.check(
            "offsets_days",
            "invalid_schedule",
            offsets
                .ok_or_else(|| "each round is 1 to 730 days after the end".to_owned())
                .and_then(Self::new),
        );
        f.finish_with(|| schedule)
    }
}
