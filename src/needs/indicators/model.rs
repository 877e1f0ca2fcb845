//! Indicator reports as stored and the domain's input values.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::indicator_reports;
use crate::http::etag;
use crate::types::{CohortId, IndicatorReportId, OrganisationId, UserId};

/// An indicator report.
#[derive(Debug, Clone, Queryable)]
pub struct IndicatorReport {
    pub id: IndicatorReportId,
    pub organisation_id: OrganisationId,
    pub year: i32,
    /// 1 to 4, or 0 for the whole year.
    pub quarter: i32,
    pub members_recruited: i32,
    pub agreements_signed: i32,
    pub agreements_improved: i32,
    pub policies_adopted: i32,
    pub trainings_run: i32,
    pub attribution_note: String,
    /// Who reported it; `None` once they erased their account.
    pub author_id: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change; the `ETag` derives from it.
    pub version: i64,
}

etag::versioned_row!(IndicatorReport, "indicator-report");

impl IndicatorReport {
    /// The order of periods, newest last: `year * 10 + quarter` (a year sorts before its
    /// quarters).
    pub fn period_key(&self) -> i64 {
        i64::from(self.year) * 10 + i64::from(self.quarter)
    }
}

/// A report with the platform cohorts among its trainings.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub report: IndicatorReport,
    pub cohort_ids: Vec<CohortId>,
}

/// A period: a year, or one of its quarters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    /// 1 to 4, or 0 for the whole year.
    pub quarter: i32,
}

impl Period {
    /// Its first day.
    pub fn starts_on(self) -> Option<NaiveDate> {
        let month = if self.quarter == 0 {
            1
        } else {
            u32::try_from(self.quarter * 3 - 2).ok()?
        };
        NaiveDate::from_ymd_opt(self.year, month, 1)
    }

    /// Whether it has begun on `today`.
    pub fn has_begun(self, today: NaiveDate) -> bool {
        self.starts_on()
            .is_some_and(|d| d <= today && d.year() >= 2000)
    }
}

/// The figures of a report, each valid on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub members_recruited: i32,
    pub agreements_signed: i32,
    pub agreements_improved: i32,
    pub policies_adopted: i32,
    pub trainings_run: i32,
    pub training_cohort_ids: Vec<CohortId>,
    pub attribution_note: String,
}

/// A new report, valid on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    pub period: Period,
    pub figures: Figures,
}

/// A change to a report: `None` leaves a figure alone; cohorts given replace the old ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportPatch {
    pub members_recruited: Option<i32>,
    pub agreements_signed: Option<i32>,
    pub agreements_improved: Option<i32>,
    pub policies_adopted: Option<i32>,
    pub trainings_run: Option<i32>,
    pub training_cohort_ids: Option<Vec<CohortId>>,
    pub attribution_note: Option<String>,
}

impl ReportPatch {
    /// The figures `current` would become.
    pub fn apply(&self, current: &Figures) -> Figures {
        Figures {
            members_recruited: self.members_recruited.unwrap_or(current.members_recruited),
            agreements_signed: self.agreements_signed.unwrap_or(current.agreements_signed),
            agreements_improved: self
                .agreements_improved
                .unwrap_or(current.agreements_improved),
            policies_adopted: self.policies_adopted.unwrap_or(current.policies_adopted),
            trainings_run: self.trainings_run.unwrap_or(current.trainings_run),
            training_cohort_ids: self
                .training_cohort_ids
                .clone()
                .unwrap_or_else(|| current.training_cohort_ids.clone()),
            attribution_note: self
                .attribution_note
                .clone()
                .unwrap_or_else(|| current.attribution_note.clone()),
        }
    }
}

impl From<&ReportView> for Figures {
    fn from(v: &ReportView) -> Self {
        let r = &v.report;
        Self {
            members_recruited: r.members_recruited,
            agreements_signed: r.agreements_signed,
            agreements_improved: r.agreements_improved,
            policies_adopted: r.policies_adopted,
            trainings_run: r.trainings_run,
            training_cohort_ids: v.cohort_ids.clone(),
            attribution_note: r.attribution_note.clone(),
        }
    }
}

/// A new report row (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = indicator_reports)]
pub struct NewIndicatorReport {
    pub organisation_id: OrganisationId,
    pub year: i32,
    pub quarter: i32,
    pub members_recruited: i32,
    pub agreements_signed: i32,
    pub agreements_improved: i32,
    pub policies_adopted: i32,
    pub trainings_run: i32,
    pub attribution_note: String,
    pub author_id: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The figures of a report row as a changeset.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = indicator_reports)]
pub struct ReportChanges {
    pub members_recruited: i32,
    pub agreements_signed: i32,
    pub agreements_improved: i32,
    pub policies_adopted: i32,
    pub trainings_run: i32,
    pub attribution_note: String,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_has_begun_on_its_first_day() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let q3 = Period {
            year: 2026,
            quarter: 3,
        };
        assert_eq!(q3.starts_on(), Some(day(2026, 7, 1)));
        assert!(q3.has_begun(day(2026, 7, 1)));
        assert!(!q3.has_begun(day(2026, 6, 30)));
        let year = Period {
            year: 2027,
            quarter: 0,
        };
        assert!(!year.has_begun(day(2026, 12, 31)));
        assert!(year.has_begun(day(2027, 1, 1)));
    }
}
