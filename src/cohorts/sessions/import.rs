//! Attendance from a meeting tool's export: a CSV file with a header naming the columns
//! `email`, `join` and `leave` (in any order, any case; other columns are ignored; `join
//! time`, `leave time` and `email address` are read too). Times are RFC 3339, or local
//! times `YYYY-MM-DD HH:MM[:SS]` in the cohort's time zone. A participant may have several
//! lines (they left and came back), which must not overlap.
//!
//! Each line's result: `ok`, `unknown_email`, `not_a_participant`, `overlapping_times`,
//! `bad_time` (unreadable, or leaving before joining), `missing_field`. A dry run reports
//! them; the real run writes the attendance of every participant named (replacing what was
//! recorded) only when every line is `ok`, else 422 naming each failing line.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, TimeZone};

use crate::auth::AuthUser;
use crate::cohorts::sessions::csv::{self, Record};
use crate::cohorts::sessions::dto::{ImportLineResponse, ImportResponse, stored};
use crate::cohorts::sessions::model::{Attendance, AttendanceSource, minutes_within};
use crate::cohorts::sessions::repo;
use crate::cohorts::sessions::service::{self, attendance_response, audience_of};
use crate::db::{self, DbConn};
use crate::error::{ApiError, FieldError};
use crate::types::{LiveSessionId, UserId};

/// The largest file taken, in bytes.
pub const MAX_CSV_BYTES: usize = 512 * 1024;
/// The most lines taken (the header excluded).
pub const MAX_LINES: usize = 5_000;
/// The most characters of one field.
const MAX_FIELD_CHARS: usize = 320;

/// One line as read from the file, before anything is looked up.
#[derive(Debug, Clone)]
pub struct Line {
    pub line: usize,
    pub email: String,
    pub join: String,
    pub leave: String,
    /// Set when the line lacks a field (or one is too long).
    pub problem: Option<String>,
}

fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h = h.trim().to_lowercase();
        names.contains(&h.as_str())
    })
}

/// Reads the file (UTF-8 CSV with a header): 422 `validation_failed` on `csv` when it is
/// not CSV, lacks a column, or holds more than [`MAX_LINES`] lines.
pub fn parse(bytes: &[u8]) -> Result<Vec<Line>, ApiError> {
    let invalid = |code: &str, message: String| ApiError::invalid_field("csv", code, message);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| invalid("not_utf8", "the file must be UTF-8 text".to_owned()))?;
    let records = csv::parse(text)
        .map_err(|e| invalid("malformed_csv", format!("line {}: {}", e.line, e.message)))?;
    let mut records = records.into_iter();
    let Some(Record { fields: header, .. }) = records.next() else {
        return Err(invalid(
            "missing_header",
            "the file is empty; the first line names the columns `email,join,leave`".to_owned(),
        ));
    };
    let (Some(email), Some(join), Some(leave)) = (
        column(&header, &["email", "email address", "e-mail", "user email"]),
        column(&header, &["join", "join time", "joined", "joined at"]),
        column(&header, &["leave", "leave time", "left", "left at"]),
    ) else {
        return Err(invalid(
            "missing_header",
            "the first line must name the columns `email`, `join` and `leave`".to_owned(),
        ));
    };
    let records: Vec<Record> = records.collect();
    if records.len() > MAX_LINES {
        return Err(invalid(
            "too_many_lines",
            format!("at most {MAX_LINES} lines, not {}", records.len()),
        ));
    }
    Ok(records
        .into_iter()
        .map(|r| {
            let get = |i: usize| r.fields.get(i).map(|f| f.trim().to_owned());
            let (e, j, l) = (get(email), get(join), get(leave));
            let problem = match (&e, &j, &l) {
                (Some(e), Some(j), Some(l)) if !e.is_empty() && !j.is_empty() && !l.is_empty() => {
                    [e, j, l]
                        .iter()
                        .any(|f| f.chars().count() > MAX_FIELD_CHARS)
                        .then(|| format!("a field is longer than {MAX_FIELD_CHARS} characters"))
                }
                _ => Some("the line needs an email, a join time and a leave time".to_owned()),
            };
            let cut = |f: Option<String>| {
                f.unwrap_or_default()
                    .chars()
                    .take(MAX_FIELD_CHARS)
                    .collect::<String>()
            };
            Line {
                line: r.line,
                email: cut(e),
                join: cut(j),
                leave: cut(l),
                problem,
            }
        })
        .collect())
}

/// A time of the file: RFC 3339, or a local time in `tz`.
fn parse_time(raw: &str, tz: Option<chrono_tz::Tz>) -> Option<NaiveDateTime> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(stored(at.to_utc()));
    }
    let tz = tz?;
    let normal = raw.replacen('T', " ", 1);
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&normal, f).ok())
        .and_then(|local| tz.from_local_datetime(&local).single())
        .map(|at| stored(at.to_utc()))
}

struct Checked {
    line: ImportLineResponse,
    interval: Option<(UserId, NaiveDateTime, NaiveDateTime)>,
}

fn result(line: &Line, code: &str, detail: Option<String>, user: Option<UserId>) -> Checked {
    Checked {
        line: ImportLineResponse {
            line: line.line,
            email: line.email.clone(),
            result: code.to_owned(),
            detail,
            user_id: user,
        },
        interval: None,
    }
}

/// Checks every line against the session and, unless `dry_run` or a line fails, writes
/// the attendance (its facilitators, coordinators, admins).
pub fn import(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    lines: &[Line],
    dry_run: bool,
) -> Result<ImportResponse, ApiError> {
    let (session, cohort) = service::manageable(conn, actor, id)?;
    let tz = cohort.time_zone.parse::<chrono_tz::Tz>().ok();
    let audience: HashSet<UserId> = audience_of(conn, &session)?.into_iter().collect();
    let emails: Vec<String> = lines
        .iter()
        .map(|l| l.email.to_lowercase())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let accounts: HashMap<String, (UserId, String)> = repo::users_by_email(conn, &emails)?
        .into_iter()
        .map(|(email, id, name)| (email, (id, name)))
        .collect();
    let mut checked: Vec<Checked> = lines
        .iter()
        .map(|line| {
            if let Some(problem) = &line.problem {
                return result(line, "missing_field", Some(problem.clone()), None);
            }
            let Some((user, _)) = accounts.get(&line.email.to_lowercase()) else {
                return result(
                    line,
                    "unknown_email",
                    Some("no account has this address".to_owned()),
                    None,
                );
            };
            if !audience.contains(user) {
                return result(
                    line,
                    "not_a_participant",
                    Some("this account is not in the session's audience".to_owned()),
                    Some(*user),
                );
            }
            let (Some(join), Some(leave)) =
                (parse_time(&line.join, tz), parse_time(&line.leave, tz))
            else {
                return result(
                    line,
                    "bad_time",
                    Some(
                        "times are RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` in the cohort's time zone"
                            .to_owned(),
                    ),
                    Some(*user),
                );
            };
            if leave < join {
                return result(
                    line,
                    "bad_time",
                    Some("leaves before joining".to_owned()),
                    Some(*user),
                );
            }
            let mut ok = result(line, "ok", None, Some(*user));
            ok.interval = Some((*user, join, leave));
            ok
        })
        .collect();
    // Overlaps, per participant: a later line that starts before an earlier one ended.
    let mut by_user: HashMap<UserId, Vec<usize>> = HashMap::new();
    for (i, c) in checked.iter().enumerate() {
        if let Some((user, _, _)) = c.interval {
            by_user.entry(user).or_default().push(i);
        }
    }
    for indexes in by_user.values() {
        let mut sorted = indexes.clone();
        sorted.sort_by_key(|i| checked[*i].interval.map(|(_, j, _)| j));
        let mut last_end: Option<(NaiveDateTime, usize)> = None;
        for i in sorted {
            let Some((_, join, leave)) = checked[i].interval else {
                continue;
            };
            if let Some((end, other)) = last_end
                && join < end
            {
                let other_line = checked[other].line.line;
                let c = &mut checked[i];
                c.line.result = "overlapping_times".to_owned();
                c.line.detail = Some(format!(
                    "overlaps line {other_line} of the same participant"
                ));
                c.interval = None;
                continue;
            }
            if last_end.is_none_or(|(end, _)| leave > end) {
                last_end = Some((leave, i));
            }
        }
    }
    let error_count = checked.iter().filter(|c| c.line.result != "ok").count();
    let mut intervals: HashMap<UserId, Vec<(NaiveDateTime, Option<NaiveDateTime>)>> =
        HashMap::new();
    for (user, join, leave) in checked.iter().filter_map(|c| c.interval) {
        intervals.entry(user).or_default().push((join, Some(leave)));
    }
    let at = db::now();
    let names: HashMap<UserId, String> = accounts.into_values().collect();
    let mut rows: Vec<Attendance> = intervals
        .into_iter()
        .map(|(user, spans)| Attendance {
            session_id: id,
            user_id: user,
            joined_at: spans
                .iter()
                .map(|(j, _)| *j)
                .min()
                .unwrap_or(session.starts_at),
            left_at: spans.iter().filter_map(|(_, l)| *l).max(),
            minutes: minutes_within(session.starts_at, session.ends_at, &spans),
            source: AttendanceSource::Import,
            recorded_by: Some(actor.id),
            recorded_at: at,
        })
        .collect();
    rows.sort_by_key(|r| r.user_id);
    if !dry_run && error_count > 0 {
        return Err(ApiError::Validation(
            checked
                .iter()
                .filter(|c| c.line.result != "ok")
                .map(|c| {
                    FieldError::new(
                        format!("lines[{}]", c.line.line),
                        c.line.result.clone(),
                        format!(
                            "line {} ({}): {}",
                            c.line.line,
                            c.line.email,
                            c.line.detail.clone().unwrap_or_default()
                        ),
                    )
                })
                .collect(),
        ));
    }
    let applied = !dry_run;
    if applied {
        for row in &rows {
            repo::put_attendance(conn, row)?;
        }
    }
    let lines: Vec<ImportLineResponse> = checked.into_iter().map(|c| c.line).collect();
    Ok(ImportResponse {
        dry_run,
        applied,
        ok_count: lines.len() - error_count,
        error_count,
        lines,
        attendance: rows
            .into_iter()
            .map(|r| {
                let name = names.get(&r.user_id).cloned().unwrap_or_default();
                attendance_response(r, name)
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_the_columns_in_any_order() {
        let lines = parse(b"Name,Leave Time,Email,Join Time\nAna,2027-02-03T02:00:00Z,ana@x.org,2027-02-03T01:00:00Z\nBen,,ben@x.org,\n")
            .unwrap_or_default();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].email, "ana@x.org");
        assert!(lines[0].problem.is_none());
        assert_eq!(lines[1].line, 3);
        assert!(lines[1].problem.is_some());
        assert!(parse(b"who,when\n").is_err());
        assert!(parse(b"\xff\xfe").is_err());
    }

    #[test]
    fn times_are_rfc_3339_or_local_to_the_cohort() {
        let manila = "Asia/Manila".parse::<chrono_tz::Tz>().ok();
        let utc = parse_time("2027-02-03T01:00:00Z", manila);
        assert_eq!(utc, parse_time("2027-02-03 09:00", manila));
        assert_eq!(utc, parse_time("2027-02-03T09:00:00", manila));
        assert_eq!(parse_time("yesterday", manila), None);
    }
}
