//! Demo training follow-up (`data/followup.toml`): the demo ToT's graduates' action plans,
//! check-ins for the first round, their union leader's endorsement and verdicts, and
//! guidance asked and answered, through the follow-up services as the demo accounts, each
//! body parsed as the API parses it. Skipped when the cohort has plans.

use chrono::TimeDelta;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::auth::AuthUser;
use crate::cohorts::nominations::repo as nominations;
use crate::db::schema::{action_plans, cohort_translations, cohorts, users};
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::followup::dto::{
    AnswerGuidanceRequest, ConfirmationRequest, CreateActionPlanRequest, CreateCheckInRequest,
    CreateGuidanceRequest,
};
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_file_parses() {
        let data = super::data();
        assert!(data.is_ok(), "{data:?}");
    }
}
