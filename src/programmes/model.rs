//! Programmes as stored and the domain's input values.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::programmes;
use crate::http::etag;
use crate::types::{CohortId, CourseId, ProgrammeId, UserId};

/// A programme: cohorts and courses judged together against its target figures.
#[derive(Debug, Clone, Queryable)]
pub struct Programme {
    pub id: ProgrammeId,
    pub name: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub target_participants: Option<i32>,
    pub target_women_percent: Option<i32>,
    pub target_under_35_percent: Option<i32>,
    pub target_countries: Option<i32>,
    pub target_completion_percent: Option<i32>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change, members included; the `ETag` derives from it.
    pub version: i64,
}

etag::versioned_row!(Programme, "programme");

impl Programme {
    /// The programme's target figures.
    pub fn targets(&self) -> Targets {
        Targets {
            participants: self.target_participants,
            women_percent: self.target_women_percent,
            under_35_percent: self.target_under_35_percent,
            countries: self.target_countries,
            completion_percent: self.target_completion_percent,
        }
    }
}

/// What a programme aims at; every figure optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Targets {
    /// Participants reached (selected), 1 to 1,000,000.
    pub participants: Option<i32>,
    /// Percent of participants who are women, 0 to 100.
    pub women_percent: Option<i32>,
    /// Percent of participants under 35, 0 to 100.
    pub under_35_percent: Option<i32>,
    /// Countries the participants come from, 1 to 250.
    pub countries: Option<i32>,
    /// Percent of participants who complete, 0 to 100.
    pub completion_percent: Option<i32>,
}

/// A programme with its members.
#[derive(Debug, Clone)]
pub struct ProgrammeView {
    pub programme: Programme,
    pub cohort_ids: Vec<CohortId>,
    pub course_ids: Vec<CourseId>,
}

impl ProgrammeView {
    /// The ids of its members of `kind`, in order.
    pub fn member_ids(&self, kind: MemberKind) -> Vec<i64> {
        match kind {
            MemberKind::Cohort => self.cohort_ids.iter().map(|c| c.get()).collect(),
            MemberKind::Course => self.course_ids.iter().map(|c| c.get()).collect(),
        }
    }
}

/// What a programme groups: cohorts and courses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    Cohort,
    Course,
}

/// A member of a programme: one cohort or one course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    Cohort(CohortId),
    Course(CourseId),
}

impl From<CohortId> for Member {
    fn from(id: CohortId) -> Self {
        Self::Cohort(id)
    }
}

impl From<CourseId> for Member {
    fn from(id: CourseId) -> Self {
        Self::Course(id)
    }
}

/// A programme's own fields, each valid, the dates in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeInput {
    pub name: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub targets: Targets,
}

/// A valid change to a programme; `None` leaves a field alone. `targets` replaces them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub targets: Option<Targets>,
}

impl ProgrammePatch {
    /// `current` with the patch applied.
    pub fn apply(&self, current: &ProgrammeInput) -> ProgrammeInput {
        ProgrammeInput {
            name: self.name.clone().unwrap_or_else(|| current.name.clone()),
            description: self
                .description
                .clone()
                .unwrap_or_else(|| current.description.clone()),
            starts_on: self.starts_on.unwrap_or(current.starts_on),
            ends_on: self.ends_on.unwrap_or(current.ends_on),
            targets: self.targets.unwrap_or(current.targets),
        }
    }
}

impl From<&Programme> for ProgrammeInput {
    fn from(p: &Programme) -> Self {
        Self {
            name: p.name.clone(),
            description: p.description.clone(),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            targets: p.targets(),
        }
    }
}

/// A programme's own columns, as `ProgrammeInput` holds them: what a new programme
/// inserts and a change writes (every one, `None` as NULL).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = programmes, treat_none_as_null = true)]
pub struct ProgrammeColumns {
    pub name: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub target_participants: Option<i32>,
    pub target_women_percent: Option<i32>,
    pub target_under_35_percent: Option<i32>,
    pub target_countries: Option<i32>,
    pub target_completion_percent: Option<i32>,
}

impl From<ProgrammeInput> for ProgrammeColumns {
    fn from(input: ProgrammeInput) -> Self {
        let t = input.targets;
        Self {
            name: input.name,
            description: input.description,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            target_participants: t.participants,
            target_women_percent: t.women_percent,
            target_under_35_percent: t.under_35_percent,
            target_countries: t.countries,
            target_completion_percent: t.completion_percent,
        }
    }
}

/// A new programme (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = programmes)]
pub struct NewProgramme {
    #[diesel(embed)]
    pub columns: ProgrammeColumns,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl NewProgramme {
    /// The row of `input`, created by `by` at `at`.
    pub fn new(input: ProgrammeInput, by: Option<UserId>, at: NaiveDateTime) -> Self {
        Self {
            columns: input.into(),
            created_by: by,
            created_at: at,
            updated_at: at,
        }
    }
}

/// A whole new state of a programme's row (every field written, version + 1).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = programmes)]
pub struct ProgrammeChanges {
    #[diesel(embed)]
    pub columns: ProgrammeColumns,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl ProgrammeChanges {
    /// `target` as the next version after `version`, changed `at`.
    pub fn new(target: ProgrammeInput, version: i64, at: NaiveDateTime) -> Self {
        Self {
            columns: target.into(),
            updated_at: at,
            version: version + 1,
        }
    }
}
