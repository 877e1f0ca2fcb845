//! What completion needs of attendance (`cohorts::sessions`): the minutes of the cohort's
//! live sessions for its participants (leader briefings do not count) that have started
//! by now, and the minutes each participant attended, each record capped at its session's
//! length.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::cohorts::sessions::model::Audience;
use crate::db::schema::{cohort_sessions, session_attendance};
use crate::db::{DbConn, now};
use crate::types::{CohortId, LiveSessionId, UserId};

/// The cohort's session minutes and the minutes each participant attended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attendance {
    /// The sum of the lengths of the cohort's sessions held so far, in minutes.
    pub session_minutes: i64,
    /// Minutes attended, per participant asked about (absent: none).
    pub attended: HashMap<UserId, i64>,
}

/// The attendance of `people` in the cohort's participant sessions that have started.
pub fn attended_minutes(
    conn: &mut DbConn,
    cohort: CohortId,
    people: &[UserId],
) -> QueryResult<Attendance> {
    let sessions: Vec<(LiveSessionId, chrono::NaiveDateTime, chrono::NaiveDateTime)> =
        cohort_sessions::table
            .filter(cohort_sessions::cohort_id.eq(cohort))
            .filter(cohort_sessions::audience.eq(Audience::Participants))
            .filter(cohort_sessions::starts_at.le(now()))
            .select((
                cohort_sessions::id,
                cohort_sessions::starts_at,
                cohort_sessions::ends_at,
            ))
            .load(conn)?;
    let length: HashMap<LiveSessionId, i64> = sessions
        .iter()
        .map(|(id, starts, ends)| (*id, (*ends - *starts).num_minutes().max(0)))
        .collect();
    let ids: Vec<LiveSessionId> = sessions.iter().map(|(id, _, _)| *id).collect();
    let mut attended: HashMap<UserId, i64> = HashMap::new();
    if !ids.is_empty() && !people.is_empty() {
        let rows: Vec<(LiveSessionId, UserId, i32)> = session_attendance::table
            .filter(session_attendance::session_id.eq_any(&ids))
            .filter(session_attendance::user_id.eq_any(people))
            .select((
                session_attendance::session_id,
                session_attendance::user_id,
                session_attendance::minutes,
            ))
            .load(conn)?;
        for (session, user, minutes) in rows {
            let cap = length.get(&session).copied().unwrap_or(0);
            *attended.entry(user).or_default() += i64::from(minutes).clamp(0, cap);
        }
    }
    Ok(Attendance {
        session_minutes: length.values().sum(),
        attended,
    })
}
