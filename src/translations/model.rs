//! Language access as stored: which version of its original each translation translates,
//! translators and their drafts, learners' requests and the union glossary.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{glossary_entries, translation_drafts, translation_requests};
use crate::types::ids::{CourseId, GlossaryEntryId, ResourceId, TranslationDraftId, UserId};

crate::vocabulary! {
    /// Which translatable text: of a course, of the library or of assessment.
    #[derive(PartialOrd, Ord)]
    pub enum TextKind {
        /// A course's title, summary and description.
        Course => "course",
        /// A module's title.
        Module => "module",
        /// A lesson's title and content.
        Lesson => "lesson",
        /// A library resource's title and description.
        Resource => "resource",
        /// A survey's title, description and items (prompts and options).
        Survey => "survey",
        /// A bank question's stem, feedback and choices (what quizzes show).
        Question => "question",
    }
}

impl TextKind {
    /// The place of the kind in a course's order of texts (course, modules, lessons), then
    /// the kinds outside courses.
    pub fn rank(self) -> i64 {
        match self {
            Self::Course => 0,
            Self::Module => 1,
            Self::Lesson => 2,
            Self::Resource => 3,
            Self::Survey => 4,
            Self::Question => 5,
        }
    }

    /// Whether the kind is one of a course's own texts (course, module, lesson), listed by
    /// `GET /api/v1/courses/{id}/translations` and published through the course service.
    pub fn of_course(self) -> bool {
        matches!(self, Self::Course | Self::Module | Self::Lesson)
    }

    /// The kind of a [`TextKind::rank`].
    pub fn from_rank(rank: i64) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.rank() == rank)
    }
}

crate::vocabulary! {
    /// Where a text stands in one language.
    pub enum TextState {
        /// Translated from the current version of the original.
        Complete => "complete",
        /// Translated from an older version of the original: still shown, flagged.
        Outdated => "outdated",
        /// Not translated into this language.
        Missing => "missing",
    }
}

crate::vocabulary! {
    /// Where a translator's draft stands.
    pub enum DraftStatus {
        /// Waiting for review by an owner of the course or another translator.
        Pending => "pending",
        /// Approved and published.
        Approved => "approved",
        /// Refused by a reviewer.
        Rejected => "rejected",
        /// Replaced by a newer draft or a published translation before review.
        Superseded => "superseded",
    }
}

/// Whether the texts answered translate an older version of their original.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Staleness {
    pub outdated: bool,
    /// When the original changed last (in a way that outdates translations).
    pub source_changed_at: Option<NaiveDateTime>,
}

impl Staleness {
    /// The `outdated` and `source_updated_at` fields of an answer.
    pub fn answer(self) -> (bool, Option<DateTime<Utc>>) {
        (
            self.outdated,
            self.source_changed_at
                .filter(|_| self.outdated)
                .map(|at| at.and_utc()),
        )
    }
}

/// The state of a translation that records `recorded` (none: no translation) against the
/// original's `current` version.
pub fn state_of(recorded: Option<i64>, current: i64) -> TextState {
    match recorded {
        None => TextState::Missing,
        Some(v) if v < current => TextState::Outdated,
        Some(_) => TextState::Complete,
    }
}

/// A translator's draft row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = translation_drafts)]
pub struct TranslationDraft {
    pub id: TranslationDraftId,
    pub item_kind: TextKind,
    pub item_id: i64,
    /// The course of the text (none for a resource or a cohort's survey).
    pub course_id: Option<CourseId>,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub content: String,
    pub source_version: i64,
    pub author_id: UserId,
    pub status: DraftStatus,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A new draft row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = translation_drafts)]
pub struct NewTranslationDraft {
    pub item_kind: TextKind,
    pub item_id: i64,
    pub course_id: Option<CourseId>,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub content: String,
    pub source_version: i64,
    pub author_id: UserId,
    pub status: DraftStatus,
    pub created_at: NaiveDateTime,
}

/// A new translation request row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = translation_requests)]
pub struct NewTranslationRequest {
    pub course_id: Option<CourseId>,
    pub resource_id: Option<ResourceId>,
    pub user_id: UserId,
    pub language: String,
    pub country: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A translation request row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = translation_requests)]
pub struct TranslationRequest {
    pub id: crate::types::ids::TranslationRequestId,
    /// The course asked for (exactly one of `course_id` and `resource_id`).
    pub course_id: Option<CourseId>,
    pub user_id: UserId,
    pub language: String,
    pub country: Option<String>,
    pub created_at: NaiveDateTime,
    pub notified_at: Option<NaiveDateTime>,
    /// The library resource asked for.
    pub resource_id: Option<ResourceId>,
}

/// What a learner asks to have in their language: a course or a library resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Requested {
    Course(CourseId),
    Resource(ResourceId),
}

impl Requested {
    /// The kind of the item's own text.
    pub fn kind(self) -> TextKind {
        match self {
            Self::Course(_) => TextKind::Course,
            Self::Resource(_) => TextKind::Resource,
        }
    }

    /// The item's id.
    pub fn id(self) -> i64 {
        match self {
            Self::Course(c) => c.get(),
            Self::Resource(r) => r.get(),
        }
    }
}

/// A glossary entry row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = glossary_entries)]
pub struct GlossaryEntry {
    pub id: GlossaryEntryId,
    pub source_language: String,
    pub target_language: String,
    pub source_term: String,
    pub source_key: String,
    pub target_term: String,
    pub note: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A new glossary entry row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = glossary_entries)]
pub struct NewGlossaryEntry {
    pub source_language: String,
    pub target_language: String,
    pub source_term: String,
    pub source_key: String,
    pub target_term: String,
    pub note: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

crate::http::etag::versioned_row!(GlossaryEntry, "glossary_entry");

/// A change of a glossary entry: its languages, terms and note, as `PATCH` names them.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = glossary_entries)]
pub struct GlossaryEntryChanges {
    pub source_language: String,
    pub target_language: String,
    pub source_term: String,
    pub source_key: String,
    pub target_term: String,
    pub note: String,
    pub updated_at: NaiveDateTime,
}

/// The key a glossary term is unique by in its language pair: lower case, single spaces.
pub fn term_key(term: &str) -> String {
    term.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_compare_versions() {
        assert_eq!(state_of(None, 1), TextState::Missing);
        assert_eq!(state_of(Some(1), 2), TextState::Outdated);
        assert_eq!(state_of(Some(2), 2), TextState::Complete);
        for k in TextKind::ALL {
            assert_eq!(TextKind::from_rank(k.rank()), Some(*k));
        }
    }

    #[test]
    fn only_outdated_texts_name_the_newer_original() {
        let at = crate::db::now();
        let fresh = Staleness {
            outdated: false,
            source_changed_at: Some(at),
        };
        assert_eq!(fresh.answer(), (false, None));
        let stale = Staleness {
            outdated: true,
            source_changed_at: Some(at),
        };
        assert_eq!(stale.answer(), (true, Some(at.and_utc())));
    }
}
