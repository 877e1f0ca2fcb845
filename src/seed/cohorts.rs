//! Demo and scale cohorts: a completed Training-of-Trainers, the cohorts its graduates run,
//! and an open call with nominations in every state (`data/cohorts.toml`), all made through
//! the cohorts, calls and nominations services as the demo accounts, each body parsed as
//! the API parses it.
//!
//! Two things the API cannot do are done here with one documented write each: a cohort
//! that ran in the past is created and run with future dates (the API takes calls only
//! for cohorts to come), then its dates and its call's deadline are moved back; and the
//! emails the services queue for the demo accounts (nominations, decisions) are dropped,
//! as no one reads them.

use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::json;

use crate::auth::AuthUser;
use crate::cohorts::calls::{dto::CallRequest, model::CallInput, service as calls};
use crate::cohorts::dto::CreateCohortRequest;
use crate::cohorts::model::CohortStatus;
use crate::cohorts::model::NewCohortInput;
use crate::cohorts::nominations::dto::{
    CreateNominationRequest, CreateNominationTransitionRequest,
};
use crate::cohorts::nominations::model::{MoveInput, NominationInput};
use crate::cohorts::nominations::service as nominations;
use crate::cohorts::service as cohorts;
use crate::db::schema::{cohort_calls, cohorts as cohort_rows, courses, email_outbox};
use crate::db::{Db, DbConn, write_transaction};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::types::{CohortId, CourseId};

use super::cohort_work;
use super::data::{self, Demo};
use super::{actor, directory_entry};

/// The demo accounts' domain: cohorts name accounts by the part before it.
const DEMO_DOMAIN: &str = "@demo.bayanihan.org";

/// Loads the demo cohorts, once: nothing when any cohort exists.
pub fn demo(db: &Db, data: &Demo) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let (added, nominated) = write_transaction(&mut conn, |conn| {
        let any: i64 = cohort_rows::table.count().get_result(conn)?;
        if any > 0 {
            return Ok::<_, ApiError>((0, 0));
        }
        let first_email: Option<i64> = email_outbox::table
            .select(diesel::dsl::max(email_outbox::id))
            .first(conn)?;
        let mut nominated = 0;
        for cohort in &data.cohorts {
            nominated += demo_cohort(conn, data, cohort)?;
        }
        // The demo accounts' notices of their nominations and decisions: no one reads them.
        diesel::delete(email_outbox::table.filter(email_outbox::id.gt(first_email.unwrap_or(0))))
            .execute(conn)?;
        Ok((data.cohorts.len(), nominated))
    })?;
    tracing::info!(
        cohorts.added = added,
        nominations.added = nominated,
        "demo cohorts seeded"
    );
    Ok(())
}

pub(super) fn who(conn: &mut DbConn, handle: &str) -> Result<AuthUser, ApiError> {
    actor(conn, &format!("{handle}{DEMO_DOMAIN}"))
}

fn seed_error(what: String) -> ApiError {
    ApiError::internal(anyhow::anyhow!(what))
}

/// One demo cohort, brought to its state; how many nominations it got.
fn demo_cohort(conn: &mut DbConn, data: &Demo, c: &data::Cohort) -> Result<usize, ApiError> {
    let coordinator = who(conn, "coordinator")?;
    let mut body = serde_json::to_value(&c.body).map_err(ApiError::internal)?;
    let facilitators = c
        .facilitators
        .iter()
        .map(|h| who(conn, h).map(|u| u.id.get()))
        .collect::<Result<Vec<_>, _>>()?;
    let course_ids = c
        .courses
        .iter()
        .map(|slug| course_id(conn, slug).map(CourseId::get))
        .collect::<Result<Vec<_>, _>>()?;
    body["facilitator_ids"] = json!(facilitators);
    body["course_ids"] = json!(course_ids);
    let request: CreateCohortRequest = serde_json::from_value(body)
        .map_err(|e| seed_error(format!("demo cohort {}: {e}", c.key)))?;
    let input = NewCohortInput::try_from(request)?;
    let id = cohorts::create(conn, &coordinator, input)?.view.id;

    let mut nominated = 0;
    if let Some(call) = &c.call {
        let mut invited = Vec::new();
        for key in &call.invited_organisations {
            let org = directory_entry(conn, &data.organisations, key)?
                .ok_or_else(|| seed_error(format!("demo organisation {key} is not loaded")))?;
            invited.push(org.get());
        }
        let deadline = (chrono::Utc::now() + TimeDelta::days(call.deadline_in_days)).to_rfc3339();
        let request = json!({
            "deadline": deadline,
            "members_may_apply": call.members_may_apply,
            "invited_organisation_ids": invited,
            "invited_countries": [],
            "organisation_quotas": [],
            "country_quotas": [],
            "profile": serde_json::to_value(&call.profile).map_err(ApiError::internal)?,
        });
        let input = CallInput::try_from(
            serde_json::from_value::<CallRequest>(request)
                .map_err(|e| seed_error(format!("demo call of {}: {e}", c.key)))?,
        )?;
        calls::put(conn, &coordinator, id, input, None)?;
        move_to(conn, &coordinator, id, CohortStatus::NominationsOpen)?;
        for n in &c.nominations {
            nominate(conn, id, n)?;
            nominated += 1;
        }
    }
    for &status in CohortStatus::Planning.steps_to(c.status) {
        if c.call.is_some() && status == CohortStatus::NominationsOpen {
            continue;
        }
        if status == CohortStatus::Completed {
            // Its sessions, attendance and hand-ins before it completes, which certifies.
            cohort_work::demo(conn, c, id)?;
        }
        move_to(conn, &coordinator, id, status)?;
    }
    if c.status != CohortStatus::Completed {
        cohort_work::demo(conn, c, id)?;
    }
    if let Some(ran) = &c.ran {
        backdate(conn, id, ran)?;
        cohort_work::backdate(conn, c, id)?;
    }
    Ok(nominated)
}

pub(super) fn move_to(
    conn: &mut DbConn,
    coordinator: &AuthUser,
    id: CohortId,
    to: CohortStatus,
) -> Result<(), ApiError> {
    cohorts::transition(conn, coordinator, id, to, None, Preferences::default())?;
    Ok(())
}

pub(super) fn course_id(conn: &mut DbConn, slug: &str) -> Result<CourseId, ApiError> {
    courses::table
        .filter(courses::slug.eq(slug))
        .select(courses::id)
        .first::<i64>(conn)
        .optional()?
        .map(CourseId)
        .ok_or_else(|| seed_error(format!("demo course {slug} is not loaded")))
}

/// One nomination, made and moved as the accounts it names.
fn nominate(conn: &mut DbConn, cohort: CohortId, n: &data::Nomination) -> Result<(), ApiError> {
    let by = who(conn, &n.by)?;
    let nominee = who(conn, &n.nominee)?;
    let input = NominationInput::try_from(CreateNominationRequest {
        nominee_id: Some(nominee.id.get()),
        organisation_id: None,
        statement: n.statement.clone(),
        profile_read: true,
    })?;
    let id = nominations::create(conn, &by, cohort, input)?.body.id;
    for m in &n.moves {
        let mover = who(conn, &m.by)?;
        let input = MoveInput::try_from(CreateNominationTransitionRequest {
            status: m.to,
            reason: m.reason.clone(),
        })?;
        nominations::transition(conn, &mover, id, input, None)?;
    }
    Ok(())
}

/// Moves a cohort that ran in the past to its real dates, and its call's deadline to a
/// week before its start.
pub(super) fn backdate(conn: &mut DbConn, id: CohortId, ran: &data::Ran) -> Result<(), ApiError> {
    diesel::update(cohort_rows::table.find(id.get()))
        .set((
            cohort_rows::starts_on.eq(ran.starts_on),
            cohort_rows::ends_on.eq(ran.ends_on),
        ))
        .execute(conn)?;
    if let Some(start) = ran.starts_on.and_hms_opt(0, 0, 0) {
        diesel::update(cohort_calls::table.find(id.get()))
            .set(cohort_calls::deadline.eq(start - TimeDelta::days(7)))
            .execute(conn)?;
    }
    Ok(())
}
