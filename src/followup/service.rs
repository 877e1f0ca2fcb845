//! Follow-up use cases: synchronous, over one connection.
//!
//! Who sees what (asked of `auth::policy` with the caller's current role and memberships):
//! - a plan, its check-ins and reports: its author, the approved leaders of the union the
//!   author came through (their accepted nomination's), the cohort's facilitators while
//!   trainers, coordinators and admins; anyone else gets 404;
//! - guidance requests: their author, the cohort's facilitators, coordinators and admins
//!   (not the union's leaders: a question to a trainer stays between them); others 404;
//! - only the author writes their plan, check-ins and questions (403 for other readers);
//!   only a leader of the author's union, not the author, endorses a plan and confirms or
//!   questions a report (403 for other readers).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};

use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed};
use crate::cohorts::model::{Cohort, CohortStatus, CohortTranslation};
use crate::cohorts::nominations::repo as nominations;
use crate::cohorts::repo as cohorts;
use crate::db::{self, DbConn};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::{ApiError, FieldError};
use crate::followup::dto::{
    ActionPlanResponse, CheckInList, CheckInResponse, GuidanceResponse, ID_SORT, ReportResponse,
    ScheduleResponse, ScheduleRoundResponse,
};
use crate::followup::model::{
    ActionPlan, CheckIn, CheckInInput, ConfirmationInput, GuidanceInput, GuidanceRequest,
    GuidanceState, NewActionPlan, NewCheckIn, NewGuidanceRequest, NewPlanStep, PlanInput,
    PlanPatch, PlanStep, ReportInput, Schedule, StepInput,
};
use crate::followup::repo::{self, PlanScope};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::language::Preferences;
use crate::http::links;
use crate::http::pagination::{Page, PageRequest};
use crate::types::{
    ActionPlanId, CheckInId, CheckInReportId, CohortId, GuidanceRequestId, OrganisationId,
    PlanStepId, UserId,
};

/// An answer with its entity tag.
#[derive(Debug)]
pub struct Tagged<T> {
    pub body: T,
    pub etag: String,
}

/// How the caller stands to a plan.
#[derive(Debug, Clone, Copy)]
struct Standing {
    is_author: bool,
    leads_union: bool,
    is_facilitator: bool,
}

fn standing(conn: &mut DbConn, actor: &AuthUser, plan: &ActionPlan) -> Result<Standing, ApiError> {
    let leads_union = match plan.organisation_id {
        Some(org) => nominations::led_organisations(conn, actor.id)?.contains(&org),
        None => false,
    };
    Ok(Standing {
        is_author: plan.user_id == actor.id,
        leads_union,
        is_facilitator: cohorts::is_facilitator(conn, plan.cohort_id, actor.id)?,
    })
}

fn may_read(actor: &AuthUser, s: Standing) -> bool {
    allowed(
        actor,
        Action::ReadActionPlan {
            is_author: s.is_author,
            leads_union: s.leads_union,
            is_facilitator: s.is_facilitator,
        },
    )
}

/// The plan and the caller's standing; 404 unless the caller may read it.
fn readable_plan(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ActionPlanId,
) -> Result<(ActionPlan, Standing), ApiError> {
    let plan = repo::find_plan(conn, id)?;
    let s = standing(conn, actor, &plan)?;
    if !may_read(actor, s) {
        return Err(ApiError::NotFound);
    }
    Ok((plan, s))
}

/// The plan, 404 unless readable and 403 unless the caller wrote it.
fn own_plan(conn: &mut DbConn, actor: &AuthUser, id: ActionPlanId) -> Result<ActionPlan, ApiError> {
    let (plan, s) = readable_plan(conn, actor, id)?;
    if !s.is_author {
        return Err(ApiError::forbidden(
            "not_the_author",
            "only the participant who wrote this plan may do this",
        ));
    }
    Ok(plan)
}

fn cohort_of(conn: &mut DbConn, id: CohortId) -> Result<Cohort, ApiError> {
    cohorts::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// Whether the caller facilitates the cohort (while a trainer) or coordinates.
fn facilitates(conn: &mut DbConn, actor: &AuthUser, cohort: CohortId) -> Result<bool, ApiError> {
    let is_facilitator = cohorts::is_facilitator(conn, cohort, actor.id)?;
    Ok(allowed(actor, Action::FacilitateCohort { is_facilitator }))
}

fn plan_view(conn: &mut DbConn, plan: &ActionPlan) -> Result<Tagged<ActionPlanResponse>, ApiError> {
    let steps = repo::steps(conn, &[plan.id])?;
    let name = repo::names(conn, &[plan.user_id])?
        .into_iter()
        .next()
        .map(|(_, n)| n)
        .unwrap_or_default();
    Ok(Tagged {
        body: ActionPlanResponse::new(plan, &steps, name),
        etag: plan.etag(),
    })
}

fn plan_page(
    conn: &mut DbConn,
    page: &PageRequest<i64>,
    rows: Vec<ActionPlan>,
) -> Result<Page<ActionPlanResponse>, ApiError> {
    let rows = page.finish(rows, ID_SORT, |p| (p.id.get(), p.id.get()), |p| p);
    let ids: Vec<ActionPlanId> = rows.items.iter().map(|p| p.id).collect();
    let authors: Vec<UserId> = rows.items.iter().map(|p| p.user_id).collect();
    let mut steps: BTreeMap<ActionPlanId, Vec<PlanStep>> = BTreeMap::new();
    for s in repo::steps(conn, &ids)? {
        steps.entry(s.plan_id).or_default().push(s);
    }
    let names: BTreeMap<UserId, String> = repo::names(conn, &authors)?.into_iter().collect();
    Ok(rows.map(|p| {
        let name = names.get(&p.user_id).cloned().unwrap_or_default();
        ActionPlanResponse::new(&p, steps.get(&p.id).map_or(&[][..], Vec::as_slice), name)
    }))
}

/// 422 for steps due before the cohort starts.
fn check_dates(cohort: &Cohort, steps: &[StepInput]) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.due_on < cohort.starts_on)
        .map(|(i, _)| {
            FieldError::new(
                format!("steps[{i}].due_on"),
                "before_cohort",
                format!(
                    "must not be before the cohort starts ({})",
                    cohort.starts_on
                ),
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn new_steps(plan: ActionPlanId, steps: &[StepInput], from: usize) -> Vec<NewPlanStep> {
    steps
        .iter()
        .enumerate()
        .skip(from)
        .map(|(i, s)| NewPlanStep {
            plan_id: plan,
            position: i32::try_from(i).unwrap_or(i32::MAX),
            title: s.title.clone(),
            due_on: s.due_on,
        })
        .collect()
}

fn goals_text(goals: &[String]) -> Result<String, ApiError> {
    serde_json::to_string(goals).map_err(ApiError::internal)
}

// ---------------------------------------------------------------- plans

/// A participant writes their plan for a cohort that is running or completed.
pub fn create_plan(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    input: PlanInput,
    at: NaiveDateTime,
) -> Result<Tagged<ActionPlanResponse>, ApiError> {
    let cohort = cohort_of(conn, cohort_id)?;
    let Some(organisation) = repo::participation(conn, cohort_id, actor.id)? else {
        return Err(ApiError::forbidden(
            "not_a_participant",
            "only the cohort's participants write action plans",
        ));
    };
    if !matches!(
        cohort.status,
        CohortStatus::Running | CohortStatus::Completed
    ) {
        return Err(ApiError::Conflict {
            code: "plans_not_open",
            detail: "action plans are written once the cohort runs".to_owned(),
        });
    }
    check_dates(&cohort, &input.steps)?;
    let plan = repo::insert_plan(
        conn,
        &NewActionPlan {
            cohort_id,
            user_id: actor.id,
            organisation_id: Some(organisation),
            goals: goals_text(&input.goals)?,
            support_needed: input.support_needed,
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(ApiError::unique_or(|| ApiError::Conflict {
        code: "action_plan_exists",
        detail: "you have a plan for this cohort; edit it instead".to_owned(),
    }))?;
    repo::insert_steps(conn, &new_steps(plan.id, &input.steps, 0))?;
    plan_view(conn, &plan)
}

/// A plan, for those who may read it.
pub fn get_plan(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ActionPlanId,
) -> Result<Tagged<ActionPlanResponse>, ApiError> {
    let (plan, _) = readable_plan(conn, actor, id)?;
    plan_view(conn, &plan)
}

/// The author changes their plan; any change clears the endorsement.
pub fn update_plan(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ActionPlanId,
    patch: PlanPatch,
    if_match: Option<&IfMatch>,
    at: NaiveDateTime,
) -> Result<Tagged<ActionPlanResponse>, ApiError> {
    db::lock_row(conn, "action_plans", id.get())?;
    let plan = own_plan(conn, actor, id)?;
    plan.check_if_match(if_match)?;
    let current_steps = repo::steps(conn, &[id])?;
    let goals = patch.goals.unwrap_or_else(|| plan.goal_list());
    let support = patch
        .support_needed
        .unwrap_or_else(|| plan.support_needed.clone());
    let mut steps_changed = false;
    if let Some(steps) = &patch.steps {
        let cohort = cohort_of(conn, plan.cohort_id)?;
        let mut errors = Vec::new();
        for (i, s) in steps.iter().enumerate() {
            if let Some(sid) = s.id
                && !current_steps.iter().any(|c| c.id == sid)
            {
                errors.push(FieldError::new(
                    format!("steps[{i}].id"),
                    "not_a_step_of_plan",
                    "no step of this plan",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        check_dates(&cohort, steps)?;
        let kept: BTreeSet<PlanStepId> = steps.iter().filter_map(|s| s.id).collect();
        let removed: Vec<PlanStepId> = current_steps
            .iter()
            .map(|s| s.id)
            .filter(|s| !kept.contains(s))
            .collect();
        if !repo::reported_steps(conn, &removed)?.is_empty() {
            return Err(ApiError::Conflict {
                code: "step_reported",
                detail: "a step with check-in reports stays in the plan (mark it dropped instead)"
                    .to_owned(),
            });
        }
        let same = steps.len() == current_steps.len()
            && steps
                .iter()
                .zip(&current_steps)
                .all(|(s, c)| s.id == Some(c.id) && s.title == c.title && s.due_on == c.due_on);
        if !same {
            steps_changed = true;
            repo::delete_steps(conn, &removed)?;
            for (i, s) in steps.iter().enumerate() {
                let position = i32::try_from(i).unwrap_or(i32::MAX);
                match s.id {
                    Some(sid) => {
                        repo::update_step(conn, sid, position, &s.title, s.due_on)?;
                    }
                    None => {
                        repo::insert_steps(
                            conn,
                            &[NewPlanStep {
                                plan_id: id,
                                position,
                                title: s.title.clone(),
                                due_on: s.due_on,
                            }],
                        )?;
                    }
                }
            }
        }
    }
    if !steps_changed && goals == plan.goal_list() && support == plan.support_needed {
        return plan_view(conn, &plan);
    }
    let plan = repo::update_plan(conn, id, &goals_text(&goals)?, &support, at)?;
    plan_view(conn, &plan)
}

/// A leader of the author's union endorses this version of the plan.
pub fn endorse_plan(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ActionPlanId,
    at: NaiveDateTime,
) -> Result<Tagged<ActionPlanResponse>, ApiError> {
    db::lock_row(conn, "action_plans", id.get())?;
    let (plan, s) = readable_plan(conn, actor, id)?;
    vouch(actor, s)?;
    if plan.endorsed_at.is_some() {
        return plan_view(conn, &plan);
    }
    let plan = repo::endorse(conn, id, actor.id, at)?;
    plan_view(conn, &plan)
}

fn vouch(actor: &AuthUser, s: Standing) -> Result<(), ApiError> {
    if allowed(
        actor,
        Action::VouchForFollowUp {
            leads_union: s.leads_union,
            is_author: s.is_author,
        },
    ) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "not_the_union_leader",
            "only a leader of the participant's union (not the participant) may do this",
        ))
    }
}

/// A cohort's plans: all for its facilitators and coordinators, their union's for a
/// leader, their own for a participant; 404 for anyone else.
pub fn list_cohort_plans(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    page: &PageRequest<i64>,
) -> Result<Page<ActionPlanResponse>, ApiError> {
    cohort_of(conn, cohort_id)?;
    let scope = if facilitates(conn, actor, cohort_id)? {
        PlanScope::Cohort {
            cohort: cohort_id,
            organisations: None,
            author: None,
        }
    } else {
        let led = nominations::led_organisations(conn, actor.id)?;
        let participant = repo::participation(conn, cohort_id, actor.id)?.is_some();
        if led.is_empty() && !participant {
            return Err(ApiError::NotFound);
        }
        PlanScope::Cohort {
            cohort: cohort_id,
            organisations: Some(led),
            author: Some(actor.id),
        }
    };
    let after = page.after.as_ref().map(|(_, id)| *id);
    let rows = repo::list_plans(conn, &scope, after, page.fetch_limit())?;
    plan_page(conn, page, rows)
}

/// A union's plans, for its approved leaders, coordinators and admins; 404 for others.
pub fn list_union_plans(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation: OrganisationId,
    cohort: Option<CohortId>,
    page: &PageRequest<i64>,
) -> Result<Page<ActionPlanResponse>, ApiError> {
    let leads_union = nominations::led_organisations(conn, actor.id)?.contains(&organisation);
    let may = allowed(
        actor,
        Action::ReadActionPlan {
            is_author: false,
            leads_union,
            is_facilitator: false,
        },
    );
    if !may {
        return Err(ApiError::NotFound);
    }
    let scope = PlanScope::Organisation {
        organisation,
        cohort,
    };
    let after = page.after.as_ref().map(|(_, id)| *id);
    let rows = repo::list_plans(conn, &scope, after, page.fetch_limit())?;
    plan_page(conn, page, rows)
}

// ---------------------------------------------------------------- schedules

/// A cohort's schedule (its own or the default).
pub fn schedule_of(conn: &mut DbConn, cohort: CohortId) -> Result<(Schedule, i64), ApiError> {
    Ok(match repo::schedule(conn, cohort)? {
        Some(row) => (
            Schedule::from_stored(&row.offsets).unwrap_or_else(Schedule::default_rounds),
            row.version,
        ),
        None => (Schedule::default_rounds(), 0),
    })
}

fn schedule_view(cohort: &Cohort, schedule: &Schedule, version: i64) -> ScheduleResponse {
    ScheduleResponse {
        cohort_id: cohort.id,
        ends_on: cohort.ends_on,
        default: version == 0,
        rounds: (1..=schedule.rounds())
            .filter_map(|r| {
                Some(ScheduleRoundResponse {
                    round: r,
                    offset_days: *schedule.offsets().get(usize::try_from(r - 1).ok()?)?,
                    due_on: schedule.due_on(cohort.ends_on, r)?,
                })
            })
            .collect(),
        version,
    }
}

/// The schedule, for the cohort's facilitators, coordinators and participants (404 for
/// others).
pub fn get_schedule(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
) -> Result<ScheduleResponse, ApiError> {
    let cohort = cohort_of(conn, cohort_id)?;
    if !facilitates(conn, actor, cohort_id)?
        && repo::participation(conn, cohort_id, actor.id)?.is_none()
    {
        return Err(ApiError::NotFound);
    }
    let (schedule, version) = schedule_of(conn, cohort_id)?;
    Ok(schedule_view(&cohort, &schedule, version))
}

/// Facilitators and coordinators set the rounds; rounds already checked in stay.
pub fn put_schedule(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    schedule: Schedule,
    at: NaiveDateTime,
) -> Result<ScheduleResponse, ApiError> {
    db::lock_row(conn, "cohorts", cohort_id.get())?;
    let cohort = cohort_of(conn, cohort_id)?;
    if !facilitates(conn, actor, cohort_id)? {
        if repo::participation(conn, cohort_id, actor.id)?.is_some() {
            return Err(ApiError::forbidden(
                "forbidden",
                "only the cohort's facilitators and coordinators set its follow-up",
            ));
        }
        return Err(ApiError::NotFound);
    }
    if repo::highest_round(conn, cohort_id)? > schedule.rounds() {
        return Err(ApiError::Conflict {
            code: "rounds_in_use",
            detail: "participants have checked in for a round this schedule drops".to_owned(),
        });
    }
    let existing = repo::schedule(conn, cohort_id)?;
    let (current, version) = schedule_of(conn, cohort_id)?;
    if existing.is_some() && current == schedule {
        return Ok(schedule_view(&cohort, &current, version));
    }
    let row = repo::put_schedule(conn, cohort_id, &schedule.stored(), existing.as_ref(), at)?;
    Ok(schedule_view(&cohort, &schedule, row.version))
}

// ---------------------------------------------------------------- check-ins

fn check_in_view(conn: &mut DbConn, c: &CheckIn) -> Result<Tagged<CheckInResponse>, ApiError> {
    let reports = repo::reports(conn, &[c.id])?;
    Ok(Tagged {
        body: CheckInResponse::new(c, &reports),
        etag: c.etag(),
    })
}

/// 422 for reports on steps not in the plan, and for evidence the author may not read.
fn check_reports(
    conn: &mut DbConn,
    actor: &AuthUser,
    plan: ActionPlanId,
    reports: &[ReportInput],
) -> Result<(), ApiError> {
    let steps: Vec<PlanStepId> = repo::steps(conn, &[plan])?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let evidence: Vec<crate::types::ResourceId> = reports
        .iter()
        .flat_map(|r| r.resource_ids.iter().copied())
        .collect();
    let readable = crate::library::service::readable_ids(conn, Some(actor), &evidence)?;
    let mut errors = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        if !steps.contains(&r.step_id) {
            errors.push(FieldError::new(
                format!("reports[{i}].step_id"),
                "not_a_step_of_plan",
                "no step of this plan",
            ));
        }
        for (j, id) in r.resource_ids.iter().enumerate() {
            if !readable.contains(id) {
                errors.push(FieldError::new(
                    format!("reports[{i}].resource_ids[{j}]"),
                    "unknown_resource",
                    "no library resource you may read",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The author checks in for a round that is due (409 `round_not_due` before its day, 409
/// `check_in_exists` for a second one).
pub fn create_check_in(
    conn: &mut DbConn,
    actor: &AuthUser,
    plan_id: ActionPlanId,
    input: CheckInInput,
    at: NaiveDateTime,
) -> Result<Tagged<CheckInResponse>, ApiError> {
    let plan = own_plan(conn, actor, plan_id)?;
    let cohort = cohort_of(conn, plan.cohort_id)?;
    let (schedule, _) = schedule_of(conn, plan.cohort_id)?;
    let Some(due_on) = schedule.due_on(cohort.ends_on, input.round) else {
        return Err(ApiError::invalid_field(
            "round",
            "no_such_round",
            format!("the cohort's schedule has {} rounds", schedule.rounds()),
        ));
    };
    check_reports(conn, actor, plan_id, &input.reports)?;
    if repo::has_check_in(conn, plan_id, input.round)? {
        return Err(check_in_exists());
    }
    if at.date() < due_on {
        return Err(ApiError::Conflict {
            code: "round_not_due",
            detail: format!("this round's check-in opens on {due_on}"),
        });
    }
    let c = repo::insert_check_in(
        conn,
        &NewCheckIn {
            plan_id,
            round: input.round,
            submitted_at: at,
            updated_at: at,
        },
    )
    .map_err(ApiError::unique_or(check_in_exists))?;
    let rows: Vec<_> = input.reports.iter().map(|r| r.row(c.id)).collect();
    repo::insert_reports(conn, &rows)?;
    crate::webhooks::emit(
        conn,
        &crate::webhooks::Event::CheckinReported {
            check_in_id: c.id,
            action_plan_id: plan_id,
            user_id: actor.id,
        },
    )?;
    check_in_view(conn, &c)
}

fn check_in_exists() -> ApiError {
    ApiError::Conflict {
        code: "check_in_exists",
        detail: "this round has a check-in; change it with PATCH instead".to_owned(),
    }
}

/// A plan's check-ins, for those who may read the plan.
pub fn list_check_ins(
    conn: &mut DbConn,
    actor: &AuthUser,
    plan_id: ActionPlanId,
) -> Result<CheckInList, ApiError> {
    readable_plan(conn, actor, plan_id)?;
    let check_ins = repo::check_ins_of(conn, plan_id)?;
    let ids: Vec<CheckInId> = check_ins.iter().map(|c| c.id).collect();
    let reports = repo::reports(conn, &ids)?;
    Ok(CheckInList {
        items: check_ins
            .iter()
            .map(|c| {
                let mine: Vec<_> = reports
                    .iter()
                    .filter(|r| r.check_in_id == c.id)
                    .cloned()
                    .collect();
                CheckInResponse::new(c, &mine)
            })
            .collect(),
    })
}

/// A check-in, for those who may read its plan.
pub fn get_check_in(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CheckInId,
) -> Result<Tagged<CheckInResponse>, ApiError> {
    let c = repo::find_check_in(conn, id)?;
    readable_plan(conn, actor, c.plan_id)?;
    check_in_view(conn, &c)
}

/// The author changes a check-in's reports; a report that changes loses its confirmation.
pub fn update_check_in(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CheckInId,
    reports: Vec<ReportInput>,
    if_match: Option<&IfMatch>,
    at: NaiveDateTime,
) -> Result<Tagged<CheckInResponse>, ApiError> {
    db::lock_row(conn, "check_ins", id.get())?;
    let c = repo::find_check_in(conn, id)?;
    own_plan(conn, actor, c.plan_id)?;
    c.check_if_match(if_match)?;
    check_reports(conn, actor, c.plan_id, &reports)?;
    let current = repo::reports(conn, &[id])?;
    let mut gone = Vec::new();
    let mut fresh = Vec::new();
    for old in &current {
        match reports.iter().find(|r| r.step_id == old.step_id) {
            Some(new) if *new == old.as_input() => {}
            _ => gone.push(old.id),
        }
    }
    for new in &reports {
        if !current
            .iter()
            .any(|old| old.step_id == new.step_id && *new == old.as_input())
        {
            fresh.push(new.row(id));
        }
    }
    if gone.is_empty() && fresh.is_empty() {
        return check_in_view(conn, &c);
    }
    repo::delete_reports(conn, &gone)?;
    repo::insert_reports(conn, &fresh)?;
    let c = repo::touch_check_in(conn, id, at)?;
    check_in_view(conn, &c)
}

/// A leader of the author's union confirms or questions a report.
pub fn confirm_report(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CheckInReportId,
    input: ConfirmationInput,
    at: NaiveDateTime,
) -> Result<ReportResponse, ApiError> {
    let report = repo::find_report(conn, id)?;
    let c = repo::find_check_in(conn, report.check_in_id)?;
    db::lock_row(conn, "check_ins", c.id.get())?;
    let (_, s) = readable_plan(conn, actor, c.plan_id)?;
    vouch(actor, s)?;
    repo::confirm(conn, id, input.state, input.note.as_deref(), actor.id, at)?;
    // The check-in changed as its readers see it: a new version.
    repo::touch_check_in(conn, c.id, at)?;
    Ok(ReportResponse::from(&repo::find_report(conn, id)?))
}

// ---------------------------------------------------------------- guidance

fn may_read_guidance(
    conn: &mut DbConn,
    actor: &AuthUser,
    g: &GuidanceRequest,
    plan: &ActionPlan,
) -> Result<(bool, bool), ApiError> {
    let is_author = plan.user_id == actor.id;
    let facilitates = facilitates(conn, actor, g.cohort_id)?;
    Ok((is_author, facilitates))
}

fn cohort_title(conn: &mut DbConn, cohort: &Cohort, language: &str) -> Result<String, ApiError> {
    let translations: Vec<CohortTranslation> = cohorts::translations(conn, &[cohort.id])?;
    Ok(Preferences::only(language)
        .pick_item(
            &translations,
            |t| t.language.as_str(),
            &cohort.default_language,
        )
        .map(|t| t.title.clone())
        .unwrap_or_default())
}

/// The author asks their cohort's facilitators; each is emailed.
pub fn create_guidance(
    conn: &mut DbConn,
    actor: &AuthUser,
    plan_id: ActionPlanId,
    input: GuidanceInput,
    at: NaiveDateTime,
) -> Result<Tagged<GuidanceResponse>, ApiError> {
    let plan = own_plan(conn, actor, plan_id)?;
    if let Some(step) = input.step_id
        && !repo::steps(conn, &[plan_id])?.iter().any(|s| s.id == step)
    {
        return Err(ApiError::invalid_field(
            "step_id",
            "not_a_step_of_plan",
            "no step of this plan",
        ));
    }
    let g = repo::insert_guidance(
        conn,
        &NewGuidanceRequest {
            plan_id,
            cohort_id: plan.cohort_id,
            step_id: input.step_id,
            question: input.question,
            state: GuidanceState::Open,
            created_at: at,
            updated_at: at,
        },
    )?;
    let cohort = cohort_of(conn, plan.cohort_id)?;
    let facilitators: Vec<UserId> = cohorts::facilitators(conn, &[cohort.id])?
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    let author = repo::names(conn, &[actor.id])?
        .into_iter()
        .next()
        .map(|(_, n)| n)
        .unwrap_or_default();
    let link = links::frontend(&format!("/guidance-requests/{}", g.id));
    for (_, display_name, email, language) in cohorts::contacts(conn, &facilitators)? {
        let Some(email) = email else { continue };
        let title = cohort_title(conn, &cohort, &language)?;
        enqueue(
            conn,
            &OutgoingEmail {
                to: email,
                template: Template::GuidanceRequested,
                language,
                vars: vec![
                    ("display_name", display_name),
                    ("participant", author.clone()),
                    ("cohort", title),
                    ("question", g.question.clone()),
                    ("link", link.clone()),
                ],
            },
        )?;
    }
    Ok(Tagged {
        body: GuidanceResponse::from(&g),
        etag: g.etag(),
    })
}

/// A guidance request, for its author and the cohort's facilitators (404 for others).
pub fn get_guidance(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: GuidanceRequestId,
) -> Result<Tagged<GuidanceResponse>, ApiError> {
    let g = repo::find_guidance(conn, id)?;
    let plan = repo::find_plan(conn, g.plan_id)?;
    let (author, facilitates) = may_read_guidance(conn, actor, &g, &plan)?;
    if !author && !facilitates {
        return Err(ApiError::NotFound);
    }
    Ok(Tagged {
        body: GuidanceResponse::from(&g),
        etag: g.etag(),
    })
}

/// A facilitator answers; the author is emailed (409 `already_answered` the second time).
pub fn answer_guidance(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: GuidanceRequestId,
    answer: String,
    at: NaiveDateTime,
) -> Result<Tagged<GuidanceResponse>, ApiError> {
    db::lock_row(conn, "guidance_requests", id.get())?;
    let g = repo::find_guidance(conn, id)?;
    let plan = repo::find_plan(conn, g.plan_id)?;
    let (author, facilitates) = may_read_guidance(conn, actor, &g, &plan)?;
    if !facilitates {
        if author {
            return Err(ApiError::forbidden(
                "not_a_facilitator",
                "the cohort's facilitators answer guidance requests",
            ));
        }
        return Err(ApiError::NotFound);
    }
    if g.state == GuidanceState::Answered {
        return Err(ApiError::Conflict {
            code: "already_answered",
            detail: "this request has an answer".to_owned(),
        });
    }
    let g = repo::answer_guidance(conn, id, &answer, actor.id, at)?;
    let cohort = cohort_of(conn, g.cohort_id)?;
    let link = links::frontend(&format!("/guidance-requests/{}", g.id));
    for (_, display_name, email, language) in cohorts::contacts(conn, &[plan.user_id])? {
        let Some(email) = email else { continue };
        let title = cohort_title(conn, &cohort, &language)?;
        enqueue(
            conn,
            &OutgoingEmail {
                to: email,
                template: Template::GuidanceAnswered,
                language,
                vars: vec![
                    ("display_name", display_name),
                    ("cohort", title),
                    ("answer", answer.clone()),
                    ("link", link.clone()),
                ],
            },
        )?;
    }
    Ok(Tagged {
        body: GuidanceResponse::from(&g),
        etag: g.etag(),
    })
}

/// A plan's guidance requests, for its author and the cohort's facilitators.
pub fn list_plan_guidance(
    conn: &mut DbConn,
    actor: &AuthUser,
    plan_id: ActionPlanId,
    page: &PageRequest<i64>,
) -> Result<Page<GuidanceResponse>, ApiError> {
    let plan = repo::find_plan(conn, plan_id)?;
    if plan.user_id != actor.id && !facilitates(conn, actor, plan.cohort_id)? {
        return Err(ApiError::NotFound);
    }
    let after = page.after.as_ref().map(|(_, id)| *id);
    let rows = repo::guidance_of_plan(conn, plan_id, after, page.fetch_limit())?;
    Ok(page.finish(
        rows,
        ID_SORT,
        |g| (g.id.get(), g.id.get()),
        |g| GuidanceResponse::from(&g),
    ))
}

/// A cohort's guidance requests, for its facilitators and coordinators (404 for others).
pub fn list_cohort_guidance(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    state: Option<GuidanceState>,
    page: &PageRequest<i64>,
) -> Result<Page<GuidanceResponse>, ApiError> {
    cohort_of(conn, cohort_id)?;
    if !facilitates(conn, actor, cohort_id)? {
        return Err(ApiError::NotFound);
    }
    let after = page.after.as_ref().map(|(_, id)| *id);
    let rows = repo::guidance_of_cohort(conn, cohort_id, state, after, page.fetch_limit())?;
    Ok(page.finish(
        rows,
        ID_SORT,
        |g| (g.id.get(), g.id.get()),
        |g| GuidanceResponse::from(&g),
    ))
}

// ---------------------------------------------------------------- erasure

/// An erased member's follow-up becomes counts per cohort (`followup_erased_counts`): their
/// plans, steps, check-ins, reports and guidance requests are deleted with every text in
/// them, and only how many there were (by status, confirmation and state) stays. Runs
/// inside the erasure's transaction.
pub fn erase_member(conn: &mut DbConn, user: UserId) -> Result<(), ApiError> {
    for plan in repo::plans_of(conn, user)? {
        let counts = repo::counts_of(conn, &plan)?;
        db::lock_key(conn, "followup_erased_counts", &plan.cohort_id.to_string())?;
        repo::add_erased_counts(conn, plan.cohort_id, &counts)?;
        repo::delete_plan(conn, plan.id)?;
    }
    Ok(())
}

/// The day a round is due for a cohort, if the round exists.
pub fn round_due_on(schedule: &Schedule, cohort: &Cohort, round: i32) -> Option<NaiveDate> {
    schedule.due_on(cohort.ends_on, round)
}
