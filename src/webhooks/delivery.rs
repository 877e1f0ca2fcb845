//! Sending webhook deliveries: the webhook channel of the outbox worker
//! (`email::worker`), signatures, and the HTTP client's limits.
//!
//! Each attempt resolves the subscription's host again, vets every address
//! ([`target::resolve`]) and connects only to those (pinned in the client), follows no
//! redirect, reads the status and nothing of the body, and gives up after a short timeout.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDateTime;
use diesel::QueryResult;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Config;
use crate::db::DbConn;
use crate::db::outbox::AfterFailure;
use crate::email::{Attempt, Channel};
use crate::http::outbound;
use crate::webhooks::repo::{self, Claimed};
use crate::webhooks::target;

/// How long one delivery attempt may take, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts before a delivery is given up: with the default 30 s backoff base doubling up
/// to an hour, the last one comes about four hours after the event.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 10;

/// How deliveries go out.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// `BAYANIHAN_WEBHOOK_ALLOW_PRIVATE`: `http` URLs and loopback and private addresses
    /// allowed (local receivers and tests).
    pub allow_private: bool,
    /// The whole attempt's timeout.
    pub timeout: Duration,
    /// Attempts before giving up.
    pub max_attempts: i32,
}

impl DeliverySettings {
    /// The settings `config` describes.
    pub fn from_config(config: &Config) -> Self {
        Self {
            allow_private: config.webhook_allow_private,
            timeout: DEFAULT_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// The `webhook-signature` header of a delivery: `v1,` and the base64 HMAC-SHA256 of
/// `{msg_id}.{timestamp}.{body}`, keyed with the secret's bytes (the base64 after
/// `whsec_`), as the Standard Webhooks specification says.
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &str) -> String {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| secret.as_bytes().to_vec());
    #[expect(
        clippy::expect_used,
        reason = "HMAC takes a key of any length; new_from_slice never fails for it"
    )]
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC accepts any key length");
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The webhook channel of the outbox worker.
pub struct WebhookChannel {
    settings: DeliverySettings,
}

impl WebhookChannel {
    /// A channel with these settings.
    pub fn new(settings: DeliverySettings) -> Self {
        Self { settings }
    }
}

impl Channel for WebhookChannel {
    type Item = Claimed;
    const NAME: &'static str = "webhook";

    fn claim(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Option<Claimed>> {
        repo::claim_next(conn, now)
    }

    fn describe(item: &Claimed) -> (i64, i32, String) {
        let d = &item.delivery;
        (d.id.get(), d.attempts, d.event.as_str().to_owned())
    }

    fn max_attempts(&self) -> Option<i32> {
        Some(self.settings.max_attempts)
    }

    async fn attempt(&self, item: &Claimed) -> Attempt {
        let Some((url, secret)) = &item.target else {
            return Attempt::failed(
                "the webhook is inactive, or its owner no longer manages webhooks",
                None,
                true,
            );
        };
        let Ok(url) = url::Url::parse(url) else {
            return Attempt::failed("the webhook URL is not a URL", None, true);
        };
        // Vetted again now: the name may resolve elsewhere than when it was registered,
        // and the operator may have withdrawn the private-address allowance.
        let target = match target::resolve(&url, self.settings.allow_private).await {
            Ok(target) => target,
            // A name that does not resolve may come back; an address refused stays refused.
            Err(target::Refusal::Unresolvable) => {
                return Attempt::failed("the webhook URL's host does not resolve", None, false);
            }
            Err(refusal) => {
                return Attempt::failed(
                    format!("webhook URL not allowed: {}", refusal.reason()),
                    None,
                    true,
                );
            }
        };
        let mut builder = outbound::client_builder(
            concat!("Bayanihan-Webhooks/", env!("CARGO_PKG_VERSION")),
            self.settings.timeout,
        );
        if let Some(host) = &target.host {
            // Connect to the vetted addresses, never to what a second lookup might say.
            builder = builder.resolve_to_addrs(host, &target.addrs);
        }
        let client = match builder.build() {
            Ok(client) => client,
            Err(_) => return Attempt::failed("the HTTP client could not be built", None, false),
        };
        let d = &item.delivery;
        let timestamp = chrono::Utc::now().timestamp();
        let signature = sign(secret, &d.message_id, timestamp, &d.payload);
        let sent = client
            .post(target.url)
            .header("content-type", "application/json")
            .header("webhook-id", &d.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(d.payload.clone())
            .send()
            .await;
        // The status is all that is read: the body is dropped unread.
        match sent {
            Ok(res) => {
                let status = res.status().as_u16();
                drop(res);
                if (200..300).contains(&status) {
                    Attempt::Delivered {
                        status: Some(status),
                    }
                } else {
                    // 410 Gone: the receiver says the endpoint is gone for good.
                    Attempt::failed(
                        format!("the receiver answered {status}"),
                        Some(status),
                        status == 410,
                    )
                }
            }
            Err(err) => Attempt::failed(outbound::describe(&err, "the receiver"), None, false),
        }
    }

    fn delivered(
        conn: &mut DbConn,
        item: &Claimed,
        status: Option<u16>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        repo::mark_delivered(conn, item.delivery.id, status.map_or(0, i32::from), now)
    }

    fn failed(
        conn: &mut DbConn,
        item: &Claimed,
        status: Option<u16>,
        error: &str,
        after: AfterFailure,
    ) -> QueryResult<bool> {
        let d = &item.delivery;
        let leased_until = crate::db::outbox::lease_of(d.locked_until, d.next_attempt_at);
        repo::mark_failed(
            conn,
            d.id,
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
    fn signatures_follow_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
