//! Post translations, translation requests and machine-translation jobs, as stored; the
//! checks of a member's translation; the digest that tells when a post outdates one.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::{machine_translation_jobs, post_translations};
use crate::error::{ApiError, Fields};
use crate::forums::model::MAX_BODY;
use crate::translations::model::Staleness;
use crate::types::{MachineTranslationJobId, PostId, PostTranslationId, UserId};

crate::vocabulary! {
    /// Who wrote a translation.
    pub enum TranslationOrigin {
        /// A member of the community.
        Member => "member",
        /// The machine-translation service the operator configured.
        Machine => "machine",
    }
}

crate::vocabulary! {
    /// Where machine translation stands for a request.
    pub enum MachineState {
        /// No machine-translation service is configured: nothing left the server.
        NotConfigured => "not_configured",
        /// A published, current translation exists: nothing to do.
        NotNeeded => "not_needed",
        /// A job waits for its first attempt.
        Queued => "queued",
        /// The service failed; the job is retried after a backoff.
        Retrying => "retrying",
        /// The service translated it (the translation may since have been replaced).
        Done => "done",
        /// Given up for good (the service refused the language pair, or the post went away).
        Failed => "failed",
    }
}

/// A row of `post_translations`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = post_translations)]
pub struct PostTranslation {
    pub id: PostTranslationId,
    pub post_id: PostId,
    pub language: String,
    pub origin: TranslationOrigin,
    pub translator_id: Option<UserId>,
    pub body: String,
    pub body_html: String,
    /// [`digest`] of the post's Markdown it translates.
    pub source_digest: String,
    /// The post's version when it was translated.
    pub source_version: i64,
    /// When the text it translates was written (the post's `edited_at`, else `created_at`).
    pub source_written_at: NaiveDateTime,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl PostTranslation {
    /// Whether the post's current Markdown is newer than the text translated.
    pub fn outdated_for(&self, post_markdown: &str) -> bool {
        self.source_digest != digest(post_markdown)
    }

    /// Its staleness against the post's current Markdown, written at `written_at`: the
    /// same rule as every other translated text (the date shows only when outdated).
    pub fn staleness(&self, post_markdown: &str, written_at: NaiveDateTime) -> Staleness {
        Staleness {
            outdated: self.outdated_for(post_markdown),
            source_changed_at: Some(written_at),
        }
    }
}

/// A post whose answer may show a translation in place of its text.
#[derive(Debug, Clone, Copy)]
pub struct Original<'a> {
    pub id: PostId,
    /// The language the post is written in.
    pub language: &'a str,
    /// Its current Markdown.
    pub markdown: &'a str,
    /// When its current text was written (`edited_at`, else `created_at`).
    pub written_at: NaiveDateTime,
    /// Neither deleted nor hidden: only then may a translation be shown.
    pub visible: bool,
}

/// The published translation a post's answer shows in the reader's language.
#[derive(Debug, Clone)]
pub struct ShownTranslation {
    pub language: String,
    pub origin: TranslationOrigin,
    /// The member who wrote it and their current display name; none for a machine's.
    pub translator: Option<(UserId, String)>,
    pub staleness: Staleness,
    pub body: String,
    pub body_html: String,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A new translation, or the replacement of one (same post and language).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = post_translations, treat_none_as_null = true)]
pub struct TranslationText {
    pub origin: TranslationOrigin,
    pub translator_id: Option<UserId>,
    pub body: String,
    pub body_html: String,
    pub source_digest: String,
    pub source_version: i64,
    pub source_written_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A row of `machine_translation_jobs`: the outbox row and its delivery log.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = machine_translation_jobs)]
pub struct MachineJob {
    pub id: MachineTranslationJobId,
    pub post_id: PostId,
    pub source_language: String,
    pub language: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub done_at: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub failed_at: Option<NaiveDateTime>,
}

impl MachineJob {
    /// The job's state as a request shows it.
    pub fn state(&self) -> MachineState {
        if self.done_at.is_some() {
            MachineState::Done
        } else if self.failed_at.is_some() {
            MachineState::Failed
        } else if self.attempts == 0 {
            MachineState::Queued
        } else {
            MachineState::Retrying
        }
    }

    /// Still to be attempted (not done, not given up).
    pub fn pending(&self) -> bool {
        self.done_at.is_none() && self.failed_at.is_none()
    }
}

/// A new job, due at once.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = machine_translation_jobs)]
pub struct NewMachineJob {
    pub post_id: PostId,
    pub source_language: String,
    pub language: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
}

/// The hex SHA-256 of a post's Markdown: a translation records the one it translated, and
/// is outdated once the post's differs (an edit that changes the text, not a reaction).
pub fn digest(markdown: &str) -> String {
    Sha256::digest(markdown.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A member's translation, checked and rendered: Markdown of 1 to 20,000 characters (as a
/// post), rendered to safe HTML by the one sanitiser.
#[derive(Debug, Clone)]
pub struct TranslationInput {
    pub body: String,
    pub body_html: String,
}

impl TranslationInput {
    /// Checks and renders `body` (422 `validation_failed` on `body`).
    pub fn new(body: String) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        if crate::types::text::at_most_chars(&body, MAX_BODY).is_err() {
            fields.push(
                "body",
                "too_long",
                format!("must be at most {MAX_BODY} characters"),
            );
        } else if crate::types::text::has_stray_controls(&body) {
            fields.push(
                "body",
                "control_characters",
                "must not contain control characters other than line breaks",
            );
        } else if body.trim().is_empty() {
            fields.push("body", "blank", "must not be empty");
        }
        fields.finish()?;
        let body_html = crate::types::markdown::to_safe_html(&body);
        Ok(Self { body, body_html })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_tell_texts_apart() {
        assert_eq!(digest("a"), digest("a"));
        assert_ne!(digest("a"), digest("a "));
        assert_eq!(digest("").len(), 64);
    }

    #[test]
    fn member_translations_are_checked_and_sanitised() {
        let t = TranslationInput::new("**Kumusta** <script>x</script>".to_owned()).unwrap();
        assert!(t.body_html.contains("<strong>Kumusta</strong>"));
        assert!(!t.body_html.contains("<script"));
        assert!(TranslationInput::new("  ".to_owned()).is_err());
        assert!(TranslationInput::new("a\u{7}".to_owned()).is_err());
        assert!(TranslationInput::new("x".repeat(MAX_BODY + 1)).is_err());
    }
}
