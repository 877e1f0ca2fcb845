//! Reminder emails a day and an hour before each session, to its audience and the
//! cohort's facilitators, each in their preferred language.
//!
//! A reminder is due from 24 hours (1 hour) before the start until the next one is; a
//! session planned less than an hour ahead gets only the hour's. Each reminder of a
//! session to a person is claimed by a row in `session_reminders` (unique per session,
//! person and kind) written in the same transaction as its email in the outbox: of several
//! instances running at once, exactly one sends it, and a rolled-back run sends nothing.

use chrono::{NaiveDateTime, TimeDelta, TimeZone, Utc};

use crate::cohorts::model::CohortStatus;
use crate::cohorts::repo as cohorts;
use crate::cohorts::sessions::model::{LiveSession, ReminderKind};
use crate::cohorts::sessions::repo;
use crate::cohorts::sessions::service::{audience_of, pick_title, titles};
use crate::db::{DbConn, write_transaction};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::http::links;
use crate::types::UserId;

const DAY: TimeDelta = TimeDelta::hours(24);
const HOUR: TimeDelta = TimeDelta::hours(1);

/// The reminder due for a session starting at `starts_at`, seen at `now`.
pub fn due(starts_at: NaiveDateTime, now: NaiveDateTime) -> Option<ReminderKind> {
    let ahead = starts_at - now;
    if ahead <= TimeDelta::zero() || ahead > DAY {
        None
    } else if ahead <= HOUR {
        Some(ReminderKind::Hour)
    } else {
        Some(ReminderKind::Day)
    }
}

/// Queues every reminder due at `now`; answers how many emails went into the outbox.
/// Each session's reminders are one transaction of their own (call it outside one).
pub fn send_due(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, ApiError> {
    let mut sent = 0;
    for session in repo::starting_between(conn, now, now + DAY)? {
        let Some(kind) = due(session.starts_at, now) else {
            continue;
        };
        sent += write_transaction(conn, |conn| remind(conn, &session, kind, now))?;
    }
    Ok(sent)
}

/// `at` in the cohort's zone, for people: `2027-02-03 09:00 (UTC+08:00)`.
fn when(at: NaiveDateTime, time_zone: &str) -> String {
    let utc = Utc.from_utc_datetime(&at);
    match time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => utc
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M (UTC%:z)")
            .to_string(),
        Err(_) => utc.format("%Y-%m-%d %H:%M (UTC)").to_string(),
    }
}

/// Claims and queues the `kind` reminders of one session still due; how many were queued.
fn remind(
    conn: &mut DbConn,
    seen: &LiveSession,
    kind: ReminderKind,
    now: NaiveDateTime,
) -> Result<usize, ApiError> {
    // Read again inside the transaction: the session may have moved or gone.
    let Some(session) = repo::find(conn, seen.id)? else {
        return Ok(0);
    };
    if due(session.starts_at, now) != Some(kind) {
        return Ok(0);
    }
    let Some(cohort) = cohorts::find(conn, session.cohort_id)? else {
        return Ok(0);
    };
    if cohort.status == CohortStatus::Cancelled {
        return Ok(0);
    }
    let mut people = audience_of(conn, &session)?;
    people.extend(
        cohorts::facilitators(conn, &[cohort.id])?
            .into_iter()
            .map(|(_, u)| u),
    );
    let done: Vec<UserId> = repo::reminded(conn, session.id, kind)?;
    people.retain(|p| !done.contains(p));
    if people.is_empty() {
        return Ok(0);
    }
    let translations = cohorts::translations(conn, &[cohort.id])?;
    let session_titles = titles(
        conn,
        &cohort.default_language,
        std::slice::from_ref(&session),
    )?
    .remove(&session.id)
    .unwrap_or_default();
    let link = session.meeting_url.clone().unwrap_or_else(|| {
        links::frontend(&format!("/cohorts/{}/sessions/{}", cohort.id, session.id))
    });
    let starts = when(session.starts_at, &cohort.time_zone);
    let mut sent = 0;
    // `contacts` answers each account once, however often `people` names it.
    for (user, display_name, email, language) in cohorts::contacts(conn, &people)? {
        let Some(email) = email else { continue };
        if !repo::claim_reminder(conn, session.id, user, kind, now)? {
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
        let session_title = pick_title(
            &Preferences::only(&language),
            &session_titles,
            &cohort.default_language,
        )
        .map_or_else(|| session.title.clone(), |(_, t)| t.clone());
        enqueue(
            conn,
            &OutgoingEmail {
                to: email,
                template: Template::SessionReminder,
                language,
                vars: vec![
                    ("display_name", display_name),
                    ("cohort", title),
                    ("session", session_title),
                    ("starts_at", starts.clone()),
                    ("time_zone", cohort.time_zone.clone()),
                    ("link", link.clone()),
                ],
            },
        )?;
        sent += 1;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_ahead_then_an_hour_ahead() {
        let start = chrono::NaiveDate::from_ymd_opt(2027, 2, 3)
            .and_then(|d| d.and_hms_opt(1, 0, 0))
            .unwrap_or_default();
        assert_eq!(due(start, start - TimeDelta::hours(25)), None);
        assert_eq!(due(start, start - DAY), Some(ReminderKind::Day));
        assert_eq!(
            due(start, start - TimeDelta::hours(2)),
            Some(ReminderKind::Day)
        );
        assert_eq!(due(start, start - HOUR), Some(ReminderKind::Hour));
        assert_eq!(due(start, start), None);
        assert_eq!(when(start, "Asia/Manila"), "2027-02-03 09:00 (UTC+08:00)");
    }
}
