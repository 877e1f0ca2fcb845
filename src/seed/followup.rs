//! Demo training follow-up (`data/followup.toml`): the demo ToT's graduates' action plans,
//! check-ins for the first round, their union leader's endorsement and verdicts, and
//! guidance asked and answered, through the follow-up services as the demo accounts, each
//! body parsed as the API parses it. Skipped when the cohort has plans. Scale data: see
//! [`scale`].

use chrono::TimeDelta;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::auth::AuthUser;
use crate::cohorts::nominations::repo as nominations;
use crate::db::schema::{action_plans, cohort_translations, cohorts, users};
use crate::db::{self, Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::followup::dto::{
    AnswerGuidanceRequest, ConfirmationRequest, CreateActionPlanRequest, CreateCheckInRequest,
    CreateGuidanceRequest,
};
use crate::followup::model::StepStatus;
use crate::followup::model::{CheckInInput, ConfirmationInput, GuidanceInput, PlanInput, Schedule};
use crate::followup::service;
use crate::types::{CohortId, SessionId, UserId};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    cohort: String,
    facilitator: String,
    plans: Vec<Plan>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Plan {
    goals: Vec<String>,
    support_needed: String,
    endorse: bool,
    steps: Vec<serde_json::Value>,
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    answer: Option<String>,
    #[serde(default)]
    reports: Vec<Report>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    status: String,
    applied: String,
    barriers: Option<Vec<String>>,
    barrier_note: Option<String>,
    confirm: Option<String>,
    note: Option<String>,
}

fn data() -> anyhow::Result<Demo> {
    Ok(toml::from_str(include_str!("data/followup.toml"))?)
}

fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("demo follow-up does not parse: {e}")))
}

/// Loads the demo follow-up; a second run adds nothing. How many plans were added.
pub fn demo(db: &Db) -> anyhow::Result<usize> {
    let data = data()?;
    let mut conn = db.conn()?;
    let added = write_transaction(&mut conn, |conn| demo_in(conn, &data))?;
    tracing::info!(action_plans.added = added, "demo follow-up seeded");
    Ok(added)
}

fn as_actor(conn: &mut DbConn, id: UserId) -> Result<AuthUser, ApiError> {
    let role = users::table.find(id).select(users::role).first(conn)?;
    Ok(AuthUser {
        id,
        role,
        session_id: SessionId(0),
        language: Default::default(),
        name: None,
    })
}

fn demo_in(conn: &mut DbConn, data: &Demo) -> Result<usize, ApiError> {
    let Some(cohort_id) = cohort_translations::table
        .inner_join(cohorts::table)
        .filter(cohort_translations::title.eq(&data.cohort))
        .select(cohorts::id)
        .first::<CohortId>(conn)
        .optional()?
    else {
        return Ok(0);
    };
    let planned: i64 = action_plans::table
        .filter(action_plans::cohort_id.eq(cohort_id))
        .count()
        .get_result(conn)?;
    if planned > 0 {
        return Ok(0);
    }
    let Ok(facilitator) = super::actor(conn, &data.facilitator) else {
        return Ok(0);
    };
    let ends_on: chrono::NaiveDate = cohorts::table
        .find(cohort_id)
        .select(cohorts::ends_on)
        .first(conn)?;
    // Round 1's day, or now when later: the check-ins are made when they may be.
    let round_one = Schedule::default_rounds()
        .due_on(ends_on, 1)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default();
    let at = now().max(round_one);
    let graduates = nominations::participants(conn, cohort_id)?;
    let mut added = 0;
    for (plan, who) in data.plans.iter().zip(graduates) {
        let graduate = as_actor(conn, who)?;
        let input = PlanInput::try_from(parse::<CreateActionPlanRequest>(json!({
            "goals": plan.goals,
            "steps": plan.steps,
            "support_needed": plan.support_needed,
        }))?)?;
        let created =
            service::create_plan(conn, &graduate, cohort_id, input, at - TimeDelta::days(1))?;
        added += 1;
        let plan_id = created.body.id;
        let steps: Vec<i64> = created.body.steps.iter().map(|s| s.id.get()).collect();
        let leader = match created.body.organisation_id {
            Some(org) => nominations::leaders_of(conn, org)?
                .into_iter()
                .find(|l| *l != who),
            None => None,
        };
        let leader = match leader {
            Some(l) => Some(as_actor(conn, l)?),
            None => None,
        };
        if plan.endorse
            && let Some(leader) = &leader
        {
            service::endorse_plan(conn, leader, plan_id, at - TimeDelta::hours(12))?;
        }
        if !plan.reports.is_empty() {
            let reports: Vec<serde_json::Value> = plan
                .reports
                .iter()
                .zip(&steps)
                .map(|(r, step)| {
                    json!({
                        "step_id": step,
                        "status": r.status,
                        "applied": r.applied,
                        "barriers": r.barriers.clone().unwrap_or_default(),
                        "barrier_note": r.barrier_note.clone().unwrap_or_default(),
                    })
                })
                .collect();
            let input = CheckInInput::try_from(parse::<CreateCheckInRequest>(json!({
                "round": 1,
                "reports": reports,
            }))?)?;
            let check_in = service::create_check_in(conn, &graduate, plan_id, input, at)?;
            if let Some(leader) = &leader {
                for (r, stored) in plan.reports.iter().zip(&check_in.body.reports) {
                    let Some(state) = &r.confirm else { continue };
                    let input = ConfirmationInput::try_from(parse::<ConfirmationRequest>(
                        json!({"state": state, "note": r.note}),
                    )?)?;
                    service::confirm_report(conn, leader, stored.id, input, at)?;
                }
            }
        }
        if let Some(question) = &plan.question {
            let input = GuidanceInput::try_from(parse::<CreateGuidanceRequest>(json!({
                "question": question,
                "step_id": steps.first(),
            }))?)?;
            let asked = service::create_guidance(conn, &graduate, plan_id, input, at)?;
            if let Some(answer) = &plan.answer {
                let answer =
                    String::try_from(parse::<AnswerGuidanceRequest>(json!({"answer": answer}))?)?;
                service::answer_guidance(conn, &facilitator, asked.body.id, answer, at)?;
            }
        }
    }
    Ok(added)
}

/// Scale rows written per transaction.
const SCALE_BATCH: usize = 2000;
/// Statuses of the scale reports, drawn in turn.
const SCALE_STATUSES: [StepStatus; 3] = [
    StepStatus::Done,
    StepStatus::InProgress,
    StepStatus::Dropped,
];

/// Scale data: `n` synthetic members become participants of the first completed scale
/// cohort (accepted nominations through their union), each with an action plan of two
/// steps; two in three have checked in for round 1 (the rest are what the benchmark checks
/// in). Written directly in multi-row inserts, as the services would write them; skipped
/// when that cohort has plans. How many plans were added.
pub fn scale(db: &Db, n: usize) -> anyhow::Result<usize> {
    use crate::cohorts::model::CohortStatus;
    use crate::cohorts::nominations::model::{NewNomination, NominationOrigin, NominationStatus};
    use crate::db::schema::{
        action_plan_steps, check_in_reports, check_ins, memberships, nominations as nomination_rows,
    };
    use crate::followup::model::{NewActionPlan, NewCheckIn, NewPlanStep, NewReport};
    use crate::organisations::model::MembershipStatus;
    use crate::types::{ActionPlanId, CheckInId, OrganisationId, PlanStepId};

    let mut conn = db.conn()?;
    let Some((cohort, starts_on, ends_on)) = cohort_translations::table
        .inner_join(cohorts::table)
        .filter(cohort_translations::title.like("Scale cohort %"))
        .filter(cohorts::status.eq(CohortStatus::Completed))
        .select((cohorts::id, cohorts::starts_on, cohorts::ends_on))
        .order(cohorts::id.asc())
        .first::<(CohortId, chrono::NaiveDate, chrono::NaiveDate)>(&mut *conn)
        .optional()?
    else {
        return Ok(0);
    };
    let planned: i64 = action_plans::table
        .filter(action_plans::cohort_id.eq(cohort))
        .count()
        .get_result(&mut *conn)?;
    if planned > 0 {
        return Ok(0);
    }
    let nominated: Vec<UserId> = nomination_rows::table
        .filter(nomination_rows::cohort_id.eq(cohort))
        .select(nomination_rows::nominee_id)
        .load(&mut *conn)?;
    let members: Vec<UserId> = users::table
        .filter(users::email_normalized.like("member%@scale.bayanihan.test"))
        .select(users::id)
        .order(users::id.asc())
        .limit(i64::try_from(n).unwrap_or(i64::MAX))
        .load(&mut *conn)?;
    let members: Vec<UserId> = members
        .into_iter()
        .filter(|m| !nominated.contains(m))
        .collect();
    let at = now();
    let checked_at = (ends_on + TimeDelta::days(31))
        .and_hms_opt(9, 0, 0)
        .unwrap_or_default()
        .min(at);
    let mut added = 0;
    for (b, batch) in members.chunks(SCALE_BATCH).enumerate() {
        added += write_transaction(&mut conn, |conn| {
            let unions: Vec<(UserId, OrganisationId)> = memberships::table
                .filter(memberships::user_id.eq_any(batch))
                .filter(memberships::status.eq(MembershipStatus::Approved))
                .select((memberships::user_id, memberships::organisation_id))
                .order(memberships::user_id.asc())
                .load(conn)?;
            let mut seen = std::collections::HashSet::new();
            let unions: Vec<(UserId, OrganisationId)> = unions
                .into_iter()
                .filter(|(u, _)| seen.insert(*u))
                .collect();
            let noms: Vec<NewNomination> = unions
                .iter()
                .map(|(user, org)| NewNomination {
                    cohort_id: cohort,
                    nominee_id: *user,
                    organisation_id: *org,
                    origin: NominationOrigin::Leader,
                    status: NominationStatus::Accepted,
                    leader_id: None,
                    statement: "Scale participant.".to_owned(),
                    profile_read_at: at,
                    created_at: at,
                    updated_at: at,
                })
                .collect();
            db::insert_chunked!(conn, nomination_rows::table, &noms, 500)?;
            let plans: Vec<NewActionPlan> = unions
                .iter()
                .map(|(user, org)| NewActionPlan {
                    cohort_id: cohort,
                    user_id: *user,
                    organisation_id: Some(*org),
                    goals: r#"["Run a study circle in my union","Recruit new members"]"#.to_owned(),
                    support_needed: "A room and time off for the sessions.".to_owned(),
                    created_at: at,
                    updated_at: at,
                })
                .collect();
            db::insert_chunked!(conn, action_plans::table, &plans, 500)?;
            let ids: Vec<(ActionPlanId, UserId)> = action_plans::table
                .filter(action_plans::cohort_id.eq(cohort))
                .filter(action_plans::user_id.eq_any(batch))
                .select((action_plans::id, action_plans::user_id))
                .order(action_plans::id.asc())
                .load(conn)?;
            let steps: Vec<NewPlanStep> = ids
                .iter()
                .flat_map(|(plan, _)| {
                    [
                        NewPlanStep {
                            plan_id: *plan,
                            position: 0,
                            title: "Hold a first study circle".to_owned(),
                            due_on: starts_on + TimeDelta::days(60),
                        },
                        NewPlanStep {
                            plan_id: *plan,
                            position: 1,
                            title: "Report to the executive board".to_owned(),
                            due_on: starts_on + TimeDelta::days(120),
                        },
                    ]
                })
                .collect();
            db::insert_chunked!(conn, action_plan_steps::table, &steps, 500)?;
            // Two in three plans have checked in for round 1.
            let checking: Vec<ActionPlanId> = ids
                .iter()
                .enumerate()
                .filter(|(i, _)| (b * SCALE_BATCH + i) % 3 != 2)
                .map(|(_, (plan, _))| *plan)
                .collect();
            let rows: Vec<NewCheckIn> = checking
                .iter()
                .map(|plan| NewCheckIn {
                    plan_id: *plan,
                    round: 1,
                    submitted_at: checked_at,
                    updated_at: checked_at,
                })
                .collect();
            db::insert_chunked!(conn, check_ins::table, &rows, 500)?;
            let made: Vec<(CheckInId, ActionPlanId)> = check_ins::table
                .filter(check_ins::plan_id.eq_any(&checking))
                .select((check_ins::id, check_ins::plan_id))
                .load(conn)?;
            let step_ids: Vec<(PlanStepId, ActionPlanId)> = action_plan_steps::table
                .filter(action_plan_steps::plan_id.eq_any(&checking))
                .select((action_plan_steps::id, action_plan_steps::plan_id))
                .order(action_plan_steps::id.asc())
                .load(conn)?;
            let mut by_plan: std::collections::HashMap<ActionPlanId, Vec<PlanStepId>> =
                std::collections::HashMap::new();
            for (step, plan) in step_ids {
                by_plan.entry(plan).or_default().push(step);
            }
            let mut reports = Vec::with_capacity(made.len() * 2);
            for (k, (check_in, plan)) in made.iter().enumerate() {
                for (j, step) in by_plan.get(plan).into_iter().flatten().enumerate() {
                    let status = SCALE_STATUSES[(k + j) % SCALE_STATUSES.len()];
                    reports.push(NewReport {
                        check_in_id: *check_in,
                        step_id: *step,
                        status,
                        applied: "Held it with eight members.".to_owned(),
                        barriers: if status == StepStatus::Done {
                            String::new()
                        } else {
                            "time".to_owned()
                        },
                        barrier_note: String::new(),
                        evidence_links: "[]".to_owned(),
                        resource_ids: "[]".to_owned(),
                    });
                }
            }
            db::insert_chunked!(conn, check_in_reports::table, &reports, 500)?;
            Ok::<_, ApiError>(ids.len())
        })?;
    }
    tracing::info!(action_plans.added = added, "scale follow-up seeded");
    Ok(added)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_file_parses() {
        let data = super::data();
        assert!(data.is_ok(), "{data:?}");
    }
}
