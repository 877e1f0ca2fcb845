//! Secret calendar feeds: an account's feed of every cohort it takes part in, and its feed
//! of one cohort, each at an address a calendar app subscribes to without a login. Only a
//! hash of the token is stored; renewing replaces the token, revoking deletes it, and an
//! address whose token is gone answers 404. What a feed shows is decided when it is read,
//! with the owner's access at that moment.

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeDelta};

use crate::accounts::service::profile_preferences;
use crate::auth::tokens::{hash_token, new_opaque_token};
use crate::auth::{AuthUser, Role};
use crate::cohorts::model::Cohort;
use crate::cohorts::repo as cohorts;
use crate::cohorts::sessions::dto::CalendarFeedResponse;
use crate::cohorts::sessions::ical::{Calendar, Event};
use crate::cohorts::sessions::model::LiveSession;
use crate::cohorts::sessions::repo;
use crate::cohorts::sessions::service::{access_of, local, pick_title};
use crate::db::{self, DbConn};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::http::links;
use crate::types::split_tags;
use crate::types::{CohortId, LessonId, LiveSessionId};

/// How far back a feed reaches.
pub const FEED_PAST: TimeDelta = TimeDelta::days(90);
/// The most events in one feed.
pub const FEED_MAX_EVENTS: i64 = 1_000;

/// The feed's public address.
fn feed_url(token: &str) -> String {
    links::api(&format!("/api/v1/calendar-feeds/{token}"))
}

/// 404 unless the cohort exists and `actor` reads some of its sessions.
fn check_cohort(conn: &mut DbConn, actor: &AuthUser, cohort: CohortId) -> Result<(), ApiError> {
    cohorts::find(conn, cohort)?.ok_or(ApiError::NotFound)?;
    let access = access_of(conn, actor.id, actor.role, cohort)?;
    if access.audiences().is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// Makes the caller's feed (of `cohort`, or their own), ending the one before: its address.
pub fn renew(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort: Option<CohortId>,
) -> Result<CalendarFeedResponse, ApiError> {
    if let Some(cohort) = cohort {
        check_cohort(conn, actor, cohort)?;
    }
    repo::delete_feed(conn, actor.id, cohort)?;
    let token = new_opaque_token();
    let at = db::now();
    repo::insert_feed(conn, actor.id, cohort, &hash_token(&token), at)?;
    Ok(CalendarFeedResponse {
        url: feed_url(&token),
        cohort_id: cohort,
        created_at: at.and_utc(),
    })
}

/// Ends the caller's feed (of `cohort`, or their own); none to end is no error.
pub fn revoke(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort: Option<CohortId>,
) -> Result<(), ApiError> {
    if let Some(cohort) = cohort {
        cohorts::find(conn, cohort)?.ok_or(ApiError::NotFound)?;
    }
    repo::delete_feed(conn, actor.id, cohort)?;
    Ok(())
}

/// The feed whose token is `token`, as iCalendar text at `now`; 404 for a token that
/// opens no feed, an owner no longer active, or a cohort the owner no longer reads.
pub fn render(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> Result<String, ApiError> {
    let (owner, cohort) =
        repo::feed_by_hash(conn, &hash_token(token))?.ok_or(ApiError::NotFound)?;
    let (role, status) = repo::account(conn, owner)?.ok_or(ApiError::NotFound)?;
    let role = Role::parse(&role).ok_or(ApiError::NotFound)?;
    if status != "active" {
        return Err(ApiError::NotFound);
    }
    let (mut all_of, mut participant_of, mut leader_of) = (Vec::new(), Vec::new(), Vec::new());
    match cohort {
        Some(cohort) => {
            let access = access_of(conn, owner, role, cohort)?;
            if access.audiences().is_empty() {
                return Err(ApiError::NotFound);
            }
            if access.manage {
                all_of.push(cohort);
            }
            if access.participant {
                participant_of.push(cohort);
            }
            if access.leader {
                leader_of.push(cohort);
            }
        }
        None => {
            if role >= Role::Trainer {
                all_of = repo::facilitated_cohorts(conn, owner)?;
            }
            participant_of = repo::participant_cohorts(conn, owner)?;
            leader_of = repo::cohorts_inviting_leader(conn, owner)?;
        }
    }
    let sessions = repo::for_feed(
        conn,
        &all_of,
        &participant_of,
        &leader_of,
        now - FEED_PAST,
        FEED_MAX_EVENTS,
    )?;
    let prefs = profile_preferences(conn, Preferences::default(), owner)?;
    let mut ids: Vec<CohortId> = sessions.iter().map(|s| s.cohort_id).collect();
    ids.extend(cohort);
    ids.sort();
    ids.dedup();
    let mut known: HashMap<CohortId, (Cohort, String)> = HashMap::new();
    let translations = cohorts::translations(conn, &ids)?;
    for id in &ids {
        if let Some(c) = cohorts::find(conn, *id)? {
            let texts: Vec<_> = translations.iter().filter(|t| t.cohort_id == *id).collect();
            let title = prefs
                .pick_item(&texts, |t| t.language.as_str(), &c.default_language)
                .map(|t| t.title.clone())
                .unwrap_or_default();
            known.insert(*id, (c, title));
        }
    }
    let session_ids: Vec<LiveSessionId> = sessions.iter().map(|s| s.id).collect();
    let mut materials: HashMap<LiveSessionId, Vec<LessonId>> = HashMap::new();
    for (s, l) in repo::materials(conn, &session_ids)? {
        materials.entry(s).or_default().push(l);
    }
    let (name, zone) = match cohort.and_then(|c| known.get(&c)) {
        Some((c, title)) => (title.clone(), Some(c.time_zone.clone())),
        None => ("Bayanihan sessions".to_owned(), None),
    };
    let mut session_titles: HashMap<LiveSessionId, Vec<(String, String)>> = HashMap::new();
    for t in repo::translations(conn, &session_ids)? {
        session_titles
            .entry(t.session_id)
            .or_default()
            .push((t.language, t.title));
    }
    let mut cal = Calendar::new(&name, zone.as_deref());
    for s in &sessions {
        let Some((c, title)) = known.get(&s.cohort_id) else {
            continue;
        };
        // The session's title in the owner's language, where it has one.
        let mut titles = vec![(c.default_language.clone(), s.title.clone())];
        titles.extend(session_titles.remove(&s.id).unwrap_or_default());
        let mut s = s.clone();
        if let Some((_, picked)) = pick_title(&prefs, &titles, &c.default_language) {
            s.title.clone_from(picked);
        }
        cal.event(&event(
            &s,
            c,
            title,
            materials.get(&s.id).map_or(&[][..], Vec::as_slice),
        ));
    }
    Ok(cal.finish())
}

/// The host the feed's UIDs end with: the configured API address's.
fn uid_host() -> String {
    url::Url::parse(&links::api("/"))
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "bayanihan.invalid".to_owned())
}

fn event(s: &LiveSession, cohort: &Cohort, cohort_title: &str, materials: &[LessonId]) -> Event {
    let mut description = vec![cohort_title.to_owned()];
    description.push(format!(
        "Starts {} ({})",
        local(s.starts_at, &cohort.time_zone),
        cohort.time_zone
    ));
    let interpretation = split_tags(&s.interpretation_languages);
    description.push(if interpretation.is_empty() {
        format!("Language: {}", s.delivery_language)
    } else {
        format!(
            "Language: {}; interpretation: {}",
            s.delivery_language,
            interpretation.join(", ")
        )
    });
    if let Some(url) = &s.meeting_url {
        description.push(format!("Join: {url}"));
    }
    if let Some(url) = &s.recording_url {
        description.push(format!("Recording: {url}"));
    }
    for lesson in materials {
        description.push(format!(
            "Material: {}",
            links::frontend(&format!("/lessons/{lesson}"))
        ));
    }
    Event {
        uid: format!("session-{}@{}", s.id, uid_host()),
        stamp: s.updated_at,
        created: s.created_at,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        summary: s.title.clone(),
        description: description.join("\n"),
        url: s.meeting_url.clone(),
        location: s.meeting_url.clone(),
        sequence: s.version - 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_addresses_come_from_configuration() {
        assert!(feed_url("abc").ends_with("/api/v1/calendar-feeds/abc"));
    }
}
