//! One reminder email per survey to each person it asks who has not responded, in their
//! preferred language, sent from two days after the survey opens until it closes (and for
//! at most [`WINDOW`] after it opened, so that old surveys stop being read).
//!
//! As with sessions' reminders, each is claimed by a row in `survey_reminders` (unique per
//! survey and person) written in the same transaction as its email in the outbox: of
//! several instances running at once, exactly one sends it. The claim names who was
//! reminded and when, never a response.

use chrono::{NaiveDateTime, TimeDelta};

use crate::assessment::surveys::model::{Survey, SurveyTranslation};
use crate::assessment::surveys::repo;
use crate::assessment::surveys::service::invited;
use crate::cohorts::repo as cohorts;
use crate::db::{DbConn, write_transaction};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::http::links;
use crate::types::UserId;

/// How long after opening a survey's reminder is due.
pub const AFTER: TimeDelta = TimeDelta::days(2);
/// How long after opening reminders are still sent.
pub const WINDOW: TimeDelta = TimeDelta::days(30);

/// Whether a survey that opened at `opens_at` (closing at `closes_at`) is due for
/// reminders at `now`.
pub fn due(opens_at: NaiveDateTime, closes_at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    let since = now - opens_at;
    since >= AFTER && since <= WINDOW && closes_at.is_none_or(|c| now < c)
}

/// Queues every survey reminder due at `now`; how many emails went into the outbox. Each
/// survey's reminders are one transaction of their own (call it outside one).
pub fn send_due(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, ApiError> {
    let mut sent = 0;
    for survey in repo::opened_between(conn, now - WINDOW, now - AFTER, now)? {
        if !due(survey.opens_at, survey.closes_at, now) {
            continue;
        }
        sent += write_transaction(conn, |conn| remind(conn, &survey, now))?;
    }
    Ok(sent)
}

fn remind(conn: &mut DbConn, seen: &Survey, now: NaiveDateTime) -> Result<usize, ApiError> {
    // Read again inside the transaction: the survey may have closed or gone.
    let Ok(survey) = repo::find(conn, seen.id) else {
        return Ok(0);
    };
    if !due(survey.opens_at, survey.closes_at, now) {
        return Ok(0);
    }
    let mut people = invited(conn, &survey)?;
    people.sort_unstable();
    people.dedup();
    let responded = repo::respondents_among(conn, survey.id, &people)?;
    let done: Vec<UserId> = repo::reminded(conn, survey.id)?;
    people.retain(|p| !responded.contains(p) && !done.contains(p));
    if people.is_empty() {
        return Ok(0);
    }
    let translations: Vec<SurveyTranslation> = repo::translations(conn, survey.id)?;
    let link = links::frontend(&format!("/surveys/{}", survey.id));
    let mut sent = 0;
    for chunk in people.chunks(1000) {
        for (user, display_name, email, language) in cohorts::contacts(conn, chunk)? {
            let Some(email) = email else { continue };
            if !repo::claim_reminder(conn, survey.id, user, now)? {
                continue;
            }
            let title = Preferences::only(&language)
                .pick_item(
                    &translations,
                    |t| t.language.as_str(),
                    &survey.default_language,
                )
                .map(|t| t.title.clone())
                .unwrap_or_default();
            enqueue(
                conn,
                &OutgoingEmail {
                    to: email,
                    template: Template::SurveyReminder,
                    language,
                    vars: vec![
                        ("display_name", display_name),
                        ("survey", title),
                        ("link", link.clone()),
                    ],
                },
            )?;
            sent += 1;
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_from_two_days_after_opening_until_closing() {
        let open = chrono::NaiveDate::from_ymd_opt(2027, 2, 3)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap_or_default();
        assert!(!due(open, None, open + TimeDelta::days(1)));
        assert!(due(open, None, open + AFTER));
        assert!(due(open, None, open + TimeDelta::days(29)));
        assert!(!due(open, None, open + TimeDelta::days(31)));
        let closes = Some(open + TimeDelta::days(3));
        assert!(due(open, closes, open + TimeDelta::hours(60)));
        assert!(!due(open, closes, open + TimeDelta::days(3)));
    }
}
