//! Machine translation of posts: the machine-translation channel of the outbox worker
//! (`email::worker`), speaking the LibreTranslate API.
//!
//! A job is written in the transaction of the request that asks for it; the worker claims
//! it (a lease, so two instances never both call the service for one job), makes one
//! attempt, and records the outcome: the translation published (and the requesters told),
//! retried after a backoff, or given up. The job row is the delivery log (attempts, last
//! status, last error).
//!
//! One attempt is `POST {BAYANIHAN_MT_URL}/translate` with the JSON body
//! `{"q": <the post's Markdown>, "source": .., "target": .., "format": "text", "api_key": ..}`
//! and expects `{"translatedText": ".."}`. The Markdown is sent as text, so the service
//! keeps its marks, and what comes back is rendered and sanitised like a member's
//! translation: the service is never trusted with HTML. The URL is the operator's
//! configuration, not a member's input, so loopback and private addresses are allowed (a
//! service on the same host is the usual set-up); redirects are not followed, no proxy is
//! used, the attempt is bounded in time and the answer read is bounded in size.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde::Deserialize;

use crate::config::Config;
use crate::db::DbConn;
use crate::db::outbox::AfterFailure;
use crate::email::{Attempt, Channel};
use crate::http::outbound;
use crate::post_translations::model::{MachineJob, TranslationInput};
use crate::post_translations::repo::{self, SourcePost};
use crate::post_translations::service;

/// How long one attempt may take, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Attempts before a job is given up (about four hours with the default backoff).
pub const DEFAULT_MAX_ATTEMPTS: i32 = 10;
/// The largest answer read from the service; a larger one is a failure.
pub const MAX_RESPONSE_BYTES: usize = 512 * 1024;

/// The machine-translation service.
#[derive(Clone)]
pub struct MtSettings {
    /// `BAYANIHAN_MT_URL`, without a trailing `/`.
    pub url: String,
    /// `BAYANIHAN_MT_API_KEY`.
    pub api_key: Option<String>,
    /// The whole attempt's timeout.
    pub timeout: Duration,
    /// Attempts before giving up.
    pub max_attempts: i32,
}

impl std::fmt::Debug for MtSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MtSettings")
            .field("url", &self.url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl MtSettings {
    /// The service `config` names; `None` when none is configured.
    pub fn from_config(config: &Config) -> Option<Self> {
        Some(Self {
            url: config.mt_url.clone()?,
            api_key: config.mt_api_key.clone(),
            timeout: DEFAULT_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        })
    }
}

/// The language code LibreTranslate uses for a BCP 47 tag: its primary subtag, with
/// Filipino as Tagalog (`tl`) and Chinese in simplified script as `zh`.
pub fn service_code(tag: &str) -> String {
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    match primary.as_str() {
        "fil" => "tl".to_owned(),
        _ => primary,
    }
}

/// A claimed job, its post as it is now, and the slot the attempt leaves its translation
/// in for [`Channel::delivered`] to publish.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub job: MachineJob,
    pub post: Option<SourcePost>,
    result: Arc<Mutex<Option<TranslationInput>>>,
}

/// The machine-translation channel of the outbox worker.
pub struct MtChannel {
    settings: MtSettings,
    /// Built once (its TLS roots with it); `None` if it could not be.
    client: Option<reqwest13::Client>,
}

impl MtChannel {
    /// A channel calling the service of `settings`.
    pub fn new(settings: MtSettings) -> Self {
        let client = outbound::client_builder(
            concat!("Bayanihan-Translations/", env!("CARGO_PKG_VERSION")),
            settings.timeout,
        )
        .build()
        .ok();
        Self { settings, client }
    }
}

#[derive(Deserialize)]
struct Translated {
    #[serde(rename = "translatedText")]
    translated_text: String,
}

impl Channel for MtChannel {
    type Item = Claimed;
    const NAME: &'static str = "machine_translation";

    fn claim(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Option<Claimed>> {
        Ok(repo::claim_next(conn, now)?.map(|(job, post)| Claimed {
            job,
            post,
            result: Arc::default(),
        }))
    }

    fn describe(item: &Claimed) -> (i64, i32, String) {
        let j = &item.job;
        (
            j.id.get(),
            j.attempts,
            format!("{}>{}", j.source_language, j.language),
        )
    }

    fn max_attempts(&self) -> Option<i32> {
        Some(self.settings.max_attempts)
    }

    async fn attempt(&self, item: &Claimed) -> Attempt {
        let Some(post) = item.post.as_ref().filter(|p| p.visible()) else {
            return Attempt::failed("the post is deleted or hidden", None, true);
        };
        let mut body = serde_json::json!({
            "q": post.body,
            "source": service_code(&post.language),
            "target": service_code(&item.job.language),
            "format": "text",
        });
        if let Some(key) = &self.settings.api_key {
            body["api_key"] = serde_json::Value::String(key.clone());
        }
        let Some(client) = &self.client else {
            return Attempt::failed("the HTTP client could not be built", None, false);
        };
        let sent = client
            .post(format!("{}/translate", self.settings.url))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body.to_string())
            .send()
            .await;
        let mut res = match sent {
            Ok(res) => res,
            Err(err) => {
                return Attempt::failed(
                    outbound::describe(&err, "the translation service"),
                    None,
                    false,
                );
            }
        };
        let status = res.status().as_u16();
        if !(200..300).contains(&status) {
            // 400 (a language pair it does not offer), 403 (a refused key) and the like
            // will not change by themselves; 429 and 5xx may.
            let permanent = (400..500).contains(&status) && status != 408 && status != 429;
            return Attempt::failed(
                format!("the translation service answered {status}"),
                Some(status),
                permanent,
            );
        }
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            match res.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                        return Attempt::failed(
                            "the translation service's answer is too large",
                            Some(status),
                            false,
                        );
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(err) => {
                    return Attempt::failed(
                        outbound::describe(&err, "the translation service"),
                        Some(status),
                        false,
                    );
                }
            }
        }
        let Ok(answer) = serde_json::from_slice::<Translated>(&bytes) else {
            return Attempt::failed(
                "the translation service's answer is not a translation",
                Some(status),
                false,
            );
        };
        // Control characters other than line breaks are dropped rather than refused: the
        // service's text is not the member's to fix.
        let text: String = answer
            .translated_text
            .chars()
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
            .collect();
        match TranslationInput::new(text) {
            Ok(input) => {
                if let Ok(mut slot) = item.result.lock() {
                    *slot = Some(input);
                }
                Attempt::Delivered {
                    status: Some(status),
                }
            }
            Err(_) => Attempt::failed(
                "the translation service's text is empty or too long",
                Some(status),
                false,
            ),
        }
    }

    fn delivered(
        conn: &mut DbConn,
        item: &Claimed,
        status: Option<u16>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let text = item.result.lock().ok().and_then(|mut slot| slot.take());
        if let (Some(text), Some(post)) = (text, &item.post) {
            service::publish_machine(conn, &item.job, post, text).map_err(|err| {
                diesel::result::Error::QueryBuilderError(
                    format!("publishing a machine translation failed: {err}").into(),
                )
            })?;
        }
        repo::mark_done(conn, item.job.id, status.map(i32::from), now)
    }

    fn failed(
        conn: &mut DbConn,
        item: &Claimed,
        status: Option<u16>,
        error: &str,
        after: AfterFailure,
    ) -> QueryResult<bool> {
        let j = &item.job;
        let leased_until = crate::db::outbox::lease_of(j.locked_until, j.next_attempt_at);
        repo::mark_failed(
            conn,
            j.id,
            leased_until,
            status.map(i32::from),
            error,
            after,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_codes_are_primary_subtags() {
        assert_eq!(service_code("fil"), "tl");
        assert_eq!(service_code("id"), "id");
        assert_eq!(service_code("zh-Hans"), "zh");
        assert_eq!(service_code("pt-BR"), "pt");
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let s = MtSettings {
            url: "http://mt.local".to_owned(),
            api_key: Some("sekret".to_owned()),
            timeout: DEFAULT_TIMEOUT,
            max_attempts: 3,
        };
        assert!(!format!("{s:?}").contains("sekret"));
    }
}
