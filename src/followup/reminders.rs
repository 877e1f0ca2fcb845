//! One reminder email per action plan and follow-up round, to its author in their preferred
//! language, from the round's day for [`WINDOW`] (so that old rounds stop being read), while
//! the round has no check-in.
//!
//! As with sessions' and surveys' reminders, each is claimed by a row in
//! `check_in_reminders` (unique per plan and round) written in the same transaction as its
//! email in the outbox: of several instances running at once, exactly one sends it.

use chrono::{NaiveDateTime, TimeDelta};

use crate::cohorts::model::Cohort;
use crate::cohorts::repo as cohorts;
use crate::db::{DbConn, write_transaction};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::ApiError;
use crate::followup::model::{MAX_OFFSET, Schedule};
use crate::followup::repo;
use crate::followup::service::schedule_of;
use crate::http::language::Preferences;
use crate::http::links;

/// How long after a round's day its reminder is still sent.
pub const WINDOW: TimeDelta = TimeDelta::days(30);

/// Whether round `round` of `schedule` is due for reminders at `now`.
pub fn due(schedule: &Schedule, cohort: &Cohort, round: i32, now: NaiveDateTime) -> bool {
    schedule
        .due_on(cohort.ends_on, round)
        .is_some_and(|d| d <= now.date() && now.date() - d <= WINDOW)
}

/// Queues every check-in reminder due at `now`; how many emails went into the outbox. Each
/// cohort's reminders are one transaction of their own (call it outside one).
pub fn send_due(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, ApiError> {
    let today = now.date();
    let from = today - TimeDelta::days(i64::from(MAX_OFFSET)) - WINDOW;
    let mut sent = 0;
    for cohort in repo::cohorts_ended_between(conn, from, today)? {
        sent += write_transaction(conn, |conn| remind(conn, &cohort, now))?;
    }
    Ok(sent)
}

fn remind(conn: &mut DbConn, cohort: &Cohort, now: NaiveDateTime) -> Result<usize, ApiError> {
    let (schedule, _) = schedule_of(conn, cohort.id)?;
    let translations = cohorts::translations(conn, &[cohort.id])?;
    let mut sent = 0;
    for round in 1..=schedule.rounds() {
        if !due(&schedule, cohort, round, now) {
            continue;
        }
        let Some(due_on) = schedule.due_on(cohort.ends_on, round) else {
            continue;
        };
        let plans = repo::unreminded(conn, cohort.id, round)?;
        for chunk in plans.chunks(1000) {
            let users: Vec<_> = chunk.iter().map(|(_, u)| *u).collect();
            for (user, display_name, email, language) in cohorts::contacts(conn, &users)? {
                let Some(email) = email else { continue };
                let Some((plan, _)) = chunk.iter().find(|(_, u)| *u == user) else {
                    continue;
                };
                if !repo::claim_reminder(conn, *plan, round, now)? {
                    continue;
                }
                let title = Preferences::only(&language)
                    .pick_item(
                        &translations,
                        |t| t.language.as_str(),
                        &cohort.default_language,
                    )
                    .map(|t| t.title.clone())
                    .unwrap_or_default();
                enqueue(
                    conn,
                    &OutgoingEmail {
                        to: email,
                        template: Template::CheckInReminder,
                        language,
                        vars: vec![
                            ("display_name", display_name),
                            ("cohort", title),
                            ("round", round.to_string()),
                            ("due_on", due_on.to_string()),
                            ("link", links::frontend(&format!("/action-plans/{plan}"))),
                        ],
                    },
                )?;
                sent += 1;
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_round_is_due_from_its_day_for_thirty_days() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let at = |d: NaiveDate| d.and_hms_opt(9, 0, 0).unwrap_or_default();
        let schedule = Schedule::default_rounds();
        let ends = day(2027, 3, 15);
        let cohort_due = |round, now| {
            schedule
                .due_on(ends, round)
                .is_some_and(|d: NaiveDate| d <= now && now - d <= WINDOW)
        };
        assert!(!cohort_due(1, day(2027, 4, 13)));
        assert!(cohort_due(1, day(2027, 4, 14)));
        assert!(cohort_due(1, day(2027, 5, 14)));
        assert!(!cohort_due(1, day(2027, 5, 15)));
        assert!(!cohort_due(4, day(2028, 5, 15)));
        let _ = at(ends);
    }
}
