//! The demo cohorts at work (`data/cohorts.toml`): completion rules, live sessions with the
//! attendance taken at each (a check-in with the session's code, a facilitator's record, a
//! meeting tool's CSV export imported), and assignments handed in and marked, all through
//! the sessions, assignments and completion services as the demo accounts, each body
//! parsed as the API parses it. It runs before the cohort completes, so completing it
//! certifies whoever met its rules through the real certification.
//!
//! The services take the clock where a time matters (check-in codes); a check-in is made
//! at its moment in the session. Hand-ins are made now, before the cohort is moved back to
//! when it ran; [`backdate`] then moves the assignments' due times and the hand-ins with it
//! (one documented write, as the cohort's own dates are moved).

use chrono::{NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::auth::AuthUser;
use crate::cohorts::assignments::dto::{
    CreateAssignmentRequest, GradeSubmissionRequest, SubmitRequest,
};
use crate::cohorts::assignments::model::{AssignmentInput, MarkInput, SubmissionInput};
use crate::cohorts::assignments::service as assignments;
use crate::cohorts::completion::dto::CompletionRulesRequest;
use crate::cohorts::completion::model::Rules;
use crate::cohorts::completion::service as completion;
use crate::cohorts::sessions::dto::CreateSessionRequest;
use crate::cohorts::sessions::model::SessionFields;
use crate::cohorts::sessions::{import, service as sessions};
use crate::db::DbConn;
use crate::db::schema::{assignment_submissions, assignments as assignment_rows};
use crate::error::ApiError;
use crate::types::CohortId;

use super::cohorts::who;
use super::data;

fn seed_error(what: String) -> ApiError {
    ApiError::internal(anyhow::anyhow!(what))
}

/// A TOML table as the JSON body the API would receive.
fn body(table: &toml::Table) -> Result<Value, ApiError> {
    serde_json::to_value(table).map_err(ApiError::internal)
}

fn parse<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| seed_error(format!("{what}: {e}")))
}

/// The cohort's rules, sessions with their attendance, and assignments with their hand-ins
/// and marks, as its coordinator, first facilitator and participants.
pub fn demo(conn: &mut DbConn, c: &data::Cohort, id: CohortId) -> Result<(), ApiError> {
    let coordinator = who(conn, "coordinator")?;
    if let Some(rules) = &c.rules {
        let request: CompletionRulesRequest = parse(body(rules)?, "demo rules")?;
        completion::put_rules(conn, &coordinator, id, Rules::try_from(request)?, None)?;
    }
    let Some(facilitator) = c.facilitators.first() else {
        return Ok(());
    };
    let facilitator = who(conn, facilitator)?;
    for s in &c.sessions {
        session(conn, &facilitator, id, s)?;
    }
    for a in &c.assignments {
        assignment(conn, &facilitator, id, a)?;
    }
    Ok(())
}

/// One session and the attendance taken at it.
fn session(
    conn: &mut DbConn,
    facilitator: &AuthUser,
    cohort: CohortId,
    s: &data::Session,
) -> Result<(), ApiError> {
    let starts = match (s.starts_at, s.starts_in_days) {
        (Some(at), None) => at,
        (None, Some(days)) => {
            let day = Utc::now().date_naive() + TimeDelta::days(days);
            day.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc()
        }
        _ => {
            return Err(seed_error(
                "a demo session has `starts_at` or `starts_in_days`".to_owned(),
            ));
        }
    };
    let mut request = body(&s.body)?;
    request["starts_at"] = json!(starts.to_rfc3339());
    request["ends_at"] = json!((starts + TimeDelta::minutes(s.minutes)).to_rfc3339());
    let request: CreateSessionRequest = parse(request, "demo session")?;
    let fields = SessionFields::try_from(request)?;
    let id = sessions::create(conn, facilitator, cohort, fields)?.body.id;
    let start = starts.naive_utc();
    let at = |minutes: i64| start + TimeDelta::minutes(minutes);

    if !s.check_ins.is_empty() {
        let code = sessions::rotate_code(conn, facilitator, id, at(-10))?.code;
        for c in &s.check_ins {
            let participant = who(conn, &c.who)?;
            sessions::check_in(conn, &participant, id, &code, at(c.after_minutes))?;
        }
    }
    for p in &s.recorded {
        let participant = who(conn, &p.who)?;
        let times: (NaiveDateTime, Option<NaiveDateTime>) =
            (at(p.joined_minutes), Some(at(p.left_minutes)));
        sessions::record(conn, facilitator, id, participant.id, times)?;
    }
    if let Some(csv) = &s.import {
        let lines = import::parse(csv.trim_start().as_bytes())?;
        let report = import::import(conn, facilitator, id, &lines, false)?;
        if !report.applied {
            return Err(seed_error(format!(
                "the demo attendance export of session {id} does not import: {:?}",
                report.lines
            )));
        }
    }
    Ok(())
}

/// One assignment, its hand-ins and their marks.
fn assignment(
    conn: &mut DbConn,
    facilitator: &AuthUser,
    cohort: CohortId,
    a: &data::Assignment,
) -> Result<(), ApiError> {
    let request: CreateAssignmentRequest = parse(body(&a.body)?, "demo assignment")?;
    let id = assignments::create(
        conn,
        facilitator,
        cohort,
        AssignmentInput::try_from(request)?,
    )?
    .id;
    for s in &a.submissions {
        let participant = who(conn, &s.by)?;
        let request: SubmitRequest = parse(body(&s.body)?, "demo submission")?;
        let (view, _) =
            assignments::submit(conn, &participant, id, SubmissionInput::try_from(request)?)?;
        if let Some(mark) = &s.mark {
            let request: GradeSubmissionRequest = parse(body(mark)?, "demo mark")?;
            assignments::mark(
                conn,
                facilitator,
                view.submission.id,
                MarkInput::try_from(request)?,
                None,
            )?;
        }
    }
    Ok(())
}

/// Moves the cohort's assignments to their `ran_due_at` and their hand-ins to a day before
/// it (marked two days after), once the cohort itself is moved back to when it ran.
pub fn backdate(conn: &mut DbConn, c: &data::Cohort, id: CohortId) -> Result<(), ApiError> {
    for a in &c.assignments {
        let Some(due) = a.ran_due_at else { continue };
        let title = a
            .body
            .get("title")
            .and_then(|t| t.as_str())
            .unwrap_or_default();
        let due = due.naive_utc();
        let ids: Vec<i64> = assignment_rows::table
            .filter(assignment_rows::cohort_id.eq(id.get()))
            .filter(assignment_rows::title.eq(title))
            .select(assignment_rows::id)
            .load(conn)?;
        diesel::update(assignment_rows::table.filter(assignment_rows::id.eq_any(&ids)))
            .set((
                assignment_rows::due_at.eq(due),
                assignment_rows::created_at.eq(due - TimeDelta::days(21)),
                assignment_rows::updated_at.eq(due - TimeDelta::days(21)),
            ))
            .execute(conn)?;
        let handed_in = due - TimeDelta::days(1);
        let marked = due + TimeDelta::days(2);
        diesel::update(
            assignment_submissions::table
                .filter(assignment_submissions::assignment_id.eq_any(&ids)),
        )
        .set((
            assignment_submissions::submitted_at.eq(handed_in),
            assignment_submissions::late.eq(false),
            assignment_submissions::created_at.eq(handed_in),
            assignment_submissions::updated_at.eq(marked),
        ))
        .execute(conn)?;
        diesel::update(
            assignment_submissions::table
                .filter(assignment_submissions::assignment_id.eq_any(&ids))
                .filter(assignment_submissions::graded_at.is_not_null()),
        )
        .set(assignment_submissions::graded_at.eq(marked))
        .execute(conn)?;
    }
    Ok(())
}
