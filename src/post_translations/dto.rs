//! Requests and answers of post translations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::etag;
use crate::post_translations::model::{MachineState, TranslationOrigin};
use crate::types::{PostId, UserId};

/// Body of `POST /api/v1/posts/{id}/translation-requests`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePostTranslationRequestBody {
    /// The language to read the post in: one of the platform's (`BAYANIHAN_LANGUAGES`),
    /// not the post's own.
    #[schema(max_length = 35)]
    pub language: String,
}

/// Body of `PUT /api/v1/posts/{id}/translations/{language}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutPostTranslationRequest {
    /// The translation, Markdown of 1 to 20,000 characters (rendered and sanitised as a
    /// post is).
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
}

/// The member who wrote a translation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranslatorRef {
    #[schema(value_type = i64)]
    pub id: UserId,
    pub display_name: String,
}

/// A post's translation into one language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostTranslationResponse {
    #[schema(value_type = i64)]
    pub post_id: PostId,
    /// Its language (BCP 47).
    pub language: String,
    /// The original post's language.
    pub source_language: String,
    pub origin: TranslationOrigin,
    /// The member who wrote it; `null` for a machine translation.
    pub translator: Option<TranslatorRef>,
    /// Markdown.
    pub body: String,
    /// `body` as sanitised HTML.
    pub body_html: String,
    /// The post was edited after the text translated here.
    pub outdated: bool,
    /// When the post's current text was written, only when `outdated` (the newer
    /// original); `null` for a current translation.
    pub source_updated_at: Option<DateTime<Utc>>,
    /// When this translation was written or last replaced.
    pub updated_at: DateTime<Utc>,
    /// Hidden by a moderator (only moderators see it then).
    pub hidden: bool,
    /// The version the entity tag is made from (not sent).
    #[serde(skip)]
    pub version: i64,
}

impl PostTranslationResponse {
    /// The entity tag of this answer.
    pub fn etag(&self) -> String {
        etag::versioned(
            "post_translation",
            self.post_id.get(),
            self.version,
            Some(&self.language),
        )
    }
}

/// The caller's request to read a post in a language, and where its translation stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostTranslationRequestResponse {
    #[schema(value_type = i64)]
    pub post_id: PostId,
    pub language: String,
    /// When the caller first asked.
    pub requested_at: DateTime<Utc>,
    /// A translation into `language` is published: the post's answers show it to readers
    /// of that language (it may be `outdated`).
    pub translation_available: bool,
    /// `not_configured`: no machine-translation service is configured, nothing left the
    /// server (a member may still translate it); `not_needed`: a current translation is
    /// published; `queued`, `retrying` (the service failed, retried after a backoff),
    /// `done`, `failed` (given up): the machine-translation job for it.
    pub machine_translation: MachineState,
    /// Attempts of that job so far (0 without one).
    pub attempts: i32,
    /// When the job is tried next, while it waits.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The last failure of the job, when it failed (never the service's address or key).
    pub last_error: Option<String>,
}
