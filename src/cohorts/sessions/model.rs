//! Live sessions as stored, the domain's input values and its vocabularies.
//!
//! A session carries a `version` that every change bumps (its fields and its materials);
//! its `ETag` derives from it. Attendance, check-in codes and reminders are rows of their
//! own and never change the session's version.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{cohort_sessions, session_attendance, session_translations};
use crate::http::etag;
use crate::types::{CohortId, LessonId, LiveSessionId, UserId};

crate::vocabulary! {
    /// Whom a session is for.
    pub enum Audience {
        /// The cohort's accepted participants.
        Participants => "participants",
        /// A leader briefing: the approved leaders of the organisations the cohort's call
        /// invites (by name or by country).
        Leaders => "leaders",
    }
}

crate::vocabulary! {
    /// Where an attendance record came from.
    pub enum AttendanceSource {
        /// The participant checked in with the session's code.
        CheckIn => "check_in",
        /// A facilitator (or coordinator) recorded it.
        Facilitator => "facilitator",
        /// A meeting tool's attendance export, imported as CSV.
        Import => "import",
    }
}

crate::vocabulary! {
    /// Which reminder of a session.
    pub enum ReminderKind {
        /// A day before the start.
        Day => "24h",
        /// An hour before the start.
        Hour => "1h",
    }
}

/// A session row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cohort_sessions)]
pub struct LiveSession {
    pub id: LiveSessionId,
    pub cohort_id: CohortId,
    pub title: String,
    pub audience: Audience,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub meeting_url: Option<String>,
    pub delivery_language: String,
    /// Comma-separated language tags.
    pub interpretation_languages: String,
    pub recording_url: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change; the `ETag` derives from it.
    pub version: i64,
}

// A session's tag is `"session-{id}-v{version}"`.
etag::versioned_row!(LiveSession, "session");

/// A session's own fields, each valid on its own (materials are checked against the
/// cohort's courses later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFields {
    pub title: String,
    pub audience: Audience,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub meeting_url: Option<String>,
    /// `None`: the cohort's.
    pub delivery_language: Option<String>,
    /// `None`: the cohort's. Distinct, in the order given.
    pub interpretation_languages: Option<Vec<String>>,
    pub recording_url: Option<String>,
    /// Distinct, in the order given.
    pub material_lesson_ids: Vec<LessonId>,
}

/// A valid partial change: `None` leaves a field alone; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionPatch {
    pub title: Option<String>,
    pub audience: Option<Audience>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub meeting_url: Option<Option<String>>,
    pub delivery_language: Option<String>,
    pub interpretation_languages: Option<Vec<String>>,
    pub recording_url: Option<Option<String>>,
    pub material_lesson_ids: Option<Vec<LessonId>>,
}

/// A new session row (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cohort_sessions)]
pub struct NewLiveSession {
    pub cohort_id: CohortId,
    pub title: String,
    pub audience: Audience,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub meeting_url: Option<String>,
    pub delivery_language: String,
    pub interpretation_languages: String,
    pub recording_url: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A session's title in a language other than its cohort's default language.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_translations)]
pub struct SessionTranslation {
    pub session_id: LiveSessionId,
    pub language: String,
    pub title: String,
}

/// Changes to a session row; every write names `updated_at` and `version`.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = cohort_sessions)]
pub struct SessionChanges {
    pub title: Option<String>,
    pub audience: Option<Audience>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub meeting_url: Option<Option<String>>,
    pub delivery_language: Option<String>,
    pub interpretation_languages: Option<String>,
    pub recording_url: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
    pub version: Option<i64>,
}

/// One person's attendance of one session.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_attendance)]
pub struct Attendance {
    pub session_id: LiveSessionId,
    pub user_id: UserId,
    pub joined_at: NaiveDateTime,
    /// `None`: stayed until the end (a check-in records no leaving).
    pub left_at: Option<NaiveDateTime>,
    pub minutes: i32,
    pub source: AttendanceSource,
    pub recorded_by: Option<UserId>,
    pub recorded_at: NaiveDateTime,
}

/// Whole minutes of `intervals` (join, leave; no leave: until the end) that fall within
/// the session from `starts_at` to `ends_at`; intervals are assumed not to overlap.
pub fn minutes_within(
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    intervals: &[(NaiveDateTime, Option<NaiveDateTime>)],
) -> i32 {
    let seconds: i64 = intervals
        .iter()
        .map(|(join, leave)| {
            let from = (*join).max(starts_at);
            let to = leave.unwrap_or(ends_at).min(ends_at);
            (to - from).num_seconds().max(0)
        })
        .sum();
    i32::try_from(seconds / 60).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2027, 2, 3)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .unwrap_or_default()
    }

    #[test]
    fn minutes_count_only_what_falls_within_the_session() {
        let (start, end) = (at(9, 0), at(11, 0));
        assert_eq!(minutes_within(start, end, &[(at(8, 30), None)]), 120);
        assert_eq!(
            minutes_within(start, end, &[(at(9, 10), Some(at(9, 40)))]),
            30
        );
        assert_eq!(
            minutes_within(
                start,
                end,
                &[(at(9, 0), Some(at(9, 30))), (at(10, 0), Some(at(12, 0)))]
            ),
            90
        );
        assert_eq!(
            minutes_within(start, end, &[(at(12, 0), Some(at(13, 0)))]),
            0
        );
    }
}
