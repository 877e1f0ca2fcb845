//! What completion needs of attendance: the minutes of the cohort's live sessions and the
//! minutes each participant attended.
//!
//! Live sessions and attendance (issue 12, items 1–4) are built beside this module in
//! `cohorts::sessions`. Until their tables land, a cohort has no session minutes, and the
//! attendance rule is met by everyone (there is nothing to attend); once they land, this
//! function reads them and nothing else in completion changes.

use std::collections::HashMap;

use crate::db::DbConn;
use crate::types::{CohortId, UserId};

/// The cohort's session minutes and the minutes each participant attended (each capped at
/// the session's length).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attendance {
    /// The sum of the lengths of the cohort's sessions, in minutes.
    pub session_minutes: i64,
    /// Minutes attended, per participant asked about (absent: none).
    pub attended: HashMap<UserId, i64>,
}

/// The attendance of `people` in the cohort's sessions.
pub fn attended_minutes(
    _conn: &mut DbConn,
    _cohort: CohortId,
    _people: &[UserId],
) -> diesel::QueryResult<Attendance> {
    Ok(Attendance::default())
}
