//! Cohorts as stored, the domain's input values, and its vocabularies.
//!
//! A cohort carries a `version` that every change bumps (its fields, its texts in any
//! language, its facilitators, its courses, its status), together with `updated_at`; a
//! write that changes nothing touches neither. Its `ETag`s derive from it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::accounts::model::Gender;
use crate::db::schema::{cohort_translations, cohorts};
use crate::http::etag;
use crate::types::join_tags;
use crate::types::{CohortId, CommunityId, CourseId, UserId};

crate::vocabulary! {
    /// What a cohort is for.
    pub enum CohortKind {
        /// Members learn a subject.
        Training => "training",
        /// Training of trainers: union educators become e-trainers.
        Tot => "tot",
    }
}

crate::vocabulary! {
    /// Where a cohort is in its life: `planning` → `nominations_open` → `selection` →
    /// `running` → `completed`, or `cancelled` from any state before `completed`.
    pub enum CohortStatus {
        /// Being prepared by the coordinators.
        Planning => "planning",
        /// Union leaders nominate participants.
        NominationsOpen => "nominations_open",
        /// Coordinators choose among the nominees.
        Selection => "selection",
        /// Under way.
        Running => "running",
        /// Over.
        Completed => "completed",
        /// Called off; enrolments stay as they are.
        Cancelled => "cancelled",
    }
}

impl CohortStatus {
    /// The states a cohort goes through, in order, when it is not cancelled.
    pub const PATH: [Self; 5] = [
        Self::Planning,
        Self::NominationsOpen,
        Self::Selection,
        Self::Running,
        Self::Completed,
    ];

    /// The states after this one up to `to` along [`Self::PATH`], in order; empty when `to`
    /// is not ahead (or either is `cancelled`).
    pub fn steps_to(self, to: Self) -> &'static [Self] {
        let at = |s: Self| Self::PATH.iter().position(|p| *p == s);
        match (at(self), at(to)) {
            (Some(from), Some(to)) if from < to => &Self::PATH[from + 1..=to],
            _ => &[],
        }
    }

    /// Whether a cohort in this state may move to `to`.
    pub fn may_become(self, to: Self) -> bool {
        use CohortStatus::*;
        matches!(
            (self, to),
            (Planning, NominationsOpen)
                | (NominationsOpen, Selection)
                | (Selection, Running)
                | (Running, Completed)
                | (Planning | NominationsOpen | Selection | Running, Cancelled)
        )
    }
}

/// A cohort row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cohorts)]
pub struct Cohort {
    pub id: CohortId,
    pub kind: CohortKind,
    pub status: CohortStatus,
    pub default_language: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub time_zone: String,
    pub delivery_language: String,
    /// Comma-separated language tags.
    pub interpretation_languages: String,
    pub capacity: i32,
    pub region: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change; the `ETag` derives from it.
    pub version: i64,
    /// The cohort's private space (`cohorts::space`); `None` only for a cohort older than
    /// spaces until the server links it.
    pub community_id: Option<CommunityId>,
}

// A cohort's answers are localised: their tags are `etag_in` their language.
etag::versioned_row!(Cohort, "cohort");

/// A cohort's title and description in one language.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cohort_translations)]
pub struct CohortTranslation {
    pub id: i64,
    pub cohort_id: CohortId,
    pub language: String,
    pub title: String,
    pub description: String,
}

/// A title and a description, each valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortTexts {
    pub title: String,
    pub description: String,
}

/// A cohort's own fields, each valid on its own (what the database knows is checked
/// later: facilitators, courses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortFields {
    pub kind: CohortKind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub time_zone: String,
    pub delivery_language: String,
    /// Distinct, in the order given.
    pub interpretation_languages: Vec<String>,
    pub capacity: i32,
    pub region: String,
    /// Distinct, in the order given.
    pub facilitator_ids: Vec<UserId>,
    /// Distinct, in the order given.
    pub course_ids: Vec<CourseId>,
}

/// A new cohort: its fields, its default language and its texts in it.
#[derive(Debug, Clone)]
pub struct NewCohortInput {
    pub fields: CohortFields,
    pub default_language: String,
    pub texts: CohortTexts,
}

/// A valid partial change: `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortPatch {
    pub kind: Option<CohortKind>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub time_zone: Option<String>,
    pub delivery_language: Option<String>,
    pub interpretation_languages: Option<Vec<String>>,
    pub capacity: Option<i32>,
    pub region: Option<String>,
    pub facilitator_ids: Option<Vec<UserId>>,
    pub course_ids: Option<Vec<CourseId>>,
    /// Texts in the default language.
    pub title: Option<String>,
    pub description: Option<String>,
}

impl CohortPatch {
    /// Whether the patch names only texts (what a facilitator may change).
    pub fn only_texts(&self) -> bool {
        let Self {
            title: _,
            description: _,
            kind,
            starts_on,
            ends_on,
            time_zone,
            delivery_language,
            interpretation_languages,
            capacity,
            region,
            facilitator_ids,
            course_ids,
        } = self;
        kind.is_none()
            && starts_on.is_none()
            && ends_on.is_none()
            && time_zone.is_none()
            && delivery_language.is_none()
            && interpretation_languages.is_none()
            && capacity.is_none()
            && region.is_none()
            && facilitator_ids.is_none()
            && course_ids.is_none()
    }

    /// The fields `current` would become.
    pub fn apply(&self, current: &CohortFields) -> CohortFields {
        CohortFields {
            kind: self.kind.unwrap_or(current.kind),
            starts_on: self.starts_on.unwrap_or(current.starts_on),
            ends_on: self.ends_on.unwrap_or(current.ends_on),
            time_zone: self
                .time_zone
                .clone()
                .unwrap_or_else(|| current.time_zone.clone()),
            delivery_language: self
                .delivery_language
                .clone()
                .unwrap_or_else(|| current.delivery_language.clone()),
            interpretation_languages: self
                .interpretation_languages
                .clone()
                .unwrap_or_else(|| current.interpretation_languages.clone()),
            capacity: self.capacity.unwrap_or(current.capacity),
            region: self
                .region
                .clone()
                .unwrap_or_else(|| current.region.clone()),
            facilitator_ids: self
                .facilitator_ids
                .clone()
                .unwrap_or_else(|| current.facilitator_ids.clone()),
            course_ids: self
                .course_ids
                .clone()
                .unwrap_or_else(|| current.course_ids.clone()),
        }
    }

    /// The texts `current` would become.
    pub fn apply_texts(&self, current: &CohortTexts) -> CohortTexts {
        CohortTexts {
            title: self.title.clone().unwrap_or_else(|| current.title.clone()),
            description: self
                .description
                .clone()
                .unwrap_or_else(|| current.description.clone()),
        }
    }
}

/// A new cohort row (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cohorts)]
pub struct NewCohort {
    pub kind: CohortKind,
    pub status: CohortStatus,
    pub default_language: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub time_zone: String,
    pub delivery_language: String,
    pub interpretation_languages: String,
    pub capacity: i32,
    pub region: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to a cohort row; `None` leaves a column alone. Every write names `updated_at`
/// and `version`.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = cohorts)]
pub struct CohortChanges {
    pub kind: Option<CohortKind>,
    pub status: Option<CohortStatus>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub time_zone: Option<String>,
    pub delivery_language: Option<String>,
    pub interpretation_languages: Option<String>,
    pub capacity: Option<i32>,
    pub region: Option<String>,
    pub community_id: Option<Option<CommunityId>>,
    pub updated_at: Option<NaiveDateTime>,
    pub version: Option<i64>,
}

impl CohortChanges {
    /// Only the new version, stamped `at`: for a change to texts, facilitators or courses.
    pub fn bump(version: i64, at: NaiveDateTime) -> Self {
        Self {
            updated_at: Some(at),
            version: Some(version + 1),
            ..Self::default()
        }
    }

    /// The row's changes that turn `from` into `to`, as version `version + 1` at `at`.
    pub fn between(
        from: &CohortFields,
        to: &CohortFields,
        version: i64,
        at: NaiveDateTime,
    ) -> Self {
        fn changed<T: PartialEq + Clone>(from: &T, to: &T) -> Option<T> {
            (from != to).then(|| to.clone())
        }
        Self {
            kind: changed(&from.kind, &to.kind),
            status: None,
            starts_on: changed(&from.starts_on, &to.starts_on),
            ends_on: changed(&from.ends_on, &to.ends_on),
            time_zone: changed(&from.time_zone, &to.time_zone),
            delivery_language: changed(&from.delivery_language, &to.delivery_language),
            interpretation_languages: (from.interpretation_languages
                != to.interpretation_languages)
                .then(|| join_tags(&to.interpretation_languages)),
            capacity: changed(&from.capacity, &to.capacity),
            region: changed(&from.region, &to.region),
            community_id: None,
            updated_at: Some(at),
            version: Some(version + 1),
        }
    }
}

// ---------------------------------------------------------------- demographics
// How the selection view and the reach count people: one vocabulary of genders and age
// bands, `not_stated` for whoever did not say.

/// `not_stated` for people who did not give a gender or preferred not to say.
pub fn gender_value(gender: Option<Gender>) -> &'static str {
    match gender {
        None | Some(Gender::PreferNotToSay) => "not_stated",
        Some(g) => g.as_str(),
    }
}

/// The age band of someone born in `birth_year`, in `year`.
pub fn age_band(birth_year: Option<i32>, year: i32) -> &'static str {
    match birth_year.map(|b| year - b) {
        None => "not_stated",
        Some(a) if a < 25 => "under_25",
        Some(a) if a < 35 => "25_34",
        Some(a) if a < 45 => "35_44",
        Some(a) if a < 55 => "45_54",
        Some(_) => "55_plus",
    }
}

pub const GENDERS: [&str; 5] = ["female", "male", "non_binary", "other", "not_stated"];
pub const AGE_BANDS: [&str; 6] = [
    "under_25",
    "25_34",
    "35_44",
    "45_54",
    "55_plus",
    "not_stated",
];

#[cfg(test)]
mod tests {
    use super::*;
    use CohortStatus::*;

    #[test]
    fn steps_follow_the_path_and_each_may_be_taken() {
        assert_eq!(Planning.steps_to(Selection), &[NominationsOpen, Selection]);
        assert_eq!(Running.steps_to(Completed), &[Completed]);
        assert!(Selection.steps_to(Planning).is_empty());
        assert!(Planning.steps_to(Planning).is_empty());
        assert!(Planning.steps_to(Cancelled).is_empty());
        let mut at = Planning;
        for &next in Planning.steps_to(Completed) {
            assert!(at.may_become(next), "{at} -> {next}");
            at = next;
        }
        assert_eq!(at, Completed);
    }

    #[test]
    fn statuses_move_forward_or_to_cancelled() {
        let forward = [
            (Planning, NominationsOpen),
            (NominationsOpen, Selection),
            (Selection, Running),
            (Running, Completed),
        ];
        for from in CohortStatus::ALL {
            for to in CohortStatus::ALL {
                let expected = forward.contains(&(*from, *to))
                    || (*to == Cancelled && !matches!(from, Completed | Cancelled));
                assert_eq!(from.may_become(*to), expected, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn a_patch_of_texts_only_is_one_a_facilitator_may_send() {
        let texts = CohortPatch {
            title: Some("T".into()),
            ..CohortPatch::default()
        };
        assert!(texts.only_texts());
        let capacity = CohortPatch {
            capacity: Some(3),
            ..texts
        };
        assert!(!capacity.only_texts());
    }
}
