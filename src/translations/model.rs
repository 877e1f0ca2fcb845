//! Language access as stored: which version of its original each translation translates,
//! translators and their drafts, learners' requests and the union glossary.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{glossary_entries, translation_drafts, translation_requests};
use crate::types::ids::{CourseId, GlossaryEntryId, TranslationDraftId, UserId};

crate::vocabulary! {
    /// Which translatable text of a course.
    #[derive(PartialOrd, Ord)]
    pub enum TextKind {
        /// A course's title, summary and description.
        Course => "course",
        /// A module's title.
        Module => "module",
        /// A lesson's title and content.
        Lesson => "lesson",
    }
}

impl TextKind {
    /// The place of the kind in a course's order of texts (course, modules, lessons).
    pub fn rank(self) -> i64 {
        match self {
            Self::Course => 0,
            Self::Module => 1,
            Self::Lesson => 2,
        }
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
    pub course_id: CourseId,
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
    pub course_id: CourseId,
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
    pub course_id: CourseId,
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
    pub course_id: CourseId,
    pub user_id: UserId,
    pub language: String,
    pub country: Option<String>,
    pub created_at: NaiveDateTime,
    pub notified_at: Option<NaiveDateTime>,
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
