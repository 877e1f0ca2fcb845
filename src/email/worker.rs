//! The background worker that delivers the outbox, one email at a time, with retries.

use std::time::Duration;

use chrono::TimeDelta;

use crate::db::{self, Db};
use crate::email::repo::{self, LEASE};
use crate::email::transport::{self, EmailSettings, Transport};
use crate::error::ApiError;

/// The longest wait between two attempts at one email.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60 * 60);

/// Starts delivering the outbox in the background, for as long as the runtime runs.
///
/// `tokio::spawn` rather than `actix_web::rt::spawn`: the worker's future is `Send`, so it
/// runs on any Tokio runtime — the server's actix system and `#[tokio::test]` alike,
/// where actix's `spawn_local` would need a `LocalSet`. Every database call goes through
/// [`Db::read`]/[`Db::write`], on the blocking pool.
///
/// Several instances may run this against one database: claims are exclusive
/// (see [`repo::claim_next`]). Delivery is at least once: an instance that stops between
/// sending and recording it leaves the email to be sent again when its lease runs out.
pub fn spawn_worker(db: Db, settings: EmailSettings) {
    tokio::spawn(supervise(db, settings));
}

/// Restarts the worker should it ever panic, so that one bad email cannot stop the rest.
async fn supervise(db: Db, settings: EmailSettings) {
    loop {
        match tokio::spawn(run(db.clone(), settings.clone())).await {
            Ok(()) => return,
            Err(err) if err.is_cancelled() => return,
            Err(_) => {
                tracing::error!("the email worker panicked; restarting it");
                tokio::time::sleep(settings.poll_interval).await;
            }
        }
    }
}

async fn run(db: Db, settings: EmailSettings) {
    let transport = match Transport::build(&settings.transport) {
        Ok(transport) => transport,
        Err(err) => {
            // `EmailSettings::from_config` checked this already; settings built by hand may not be.
            tracing::error!(error = %format!("{err:#}"), "the email worker cannot start; emails stay in the outbox");
            return;
        }
    };
    tracing::info!(email.transport = transport.kind(), "email worker started");
    let secrets = Transport::secrets(&settings.transport);
    loop {
        let busy = match deliver_next(&db, &transport, &settings, &secrets).await {
            Ok(busy) => busy,
            Err(err) => {
                tracing::warn!(error = %err, "the email outbox cannot be read or updated; will retry");
                false
            }
        };
        // After a delivery, more may be due at once; otherwise wait.
        if !busy {
            tokio::time::sleep(settings.poll_interval).await;
        }
    }
}

/// Claims and delivers the next due email; returns whether there was one.
async fn deliver_next(
    db: &Db,
    transport: &Transport,
    settings: &EmailSettings,
    secrets: &[String],
) -> Result<bool, ApiError> {
    let now = db::now();
    let Some(email) = db
        .read(move |conn| Ok(repo::claim_next(conn, now)?))
        .await?
    else {
        return Ok(false);
    };
    let id = email.outbox_id();
    let leased_until = email.locked_until.unwrap_or(now + LEASE);
    let result = match transport::message(&settings.from, &email) {
        Ok(message) => transport.send(message).await,
        // The stored email itself is unusable: no later attempt can do better.
        Err(text) => Err(transport::SendError {
            text,
            permanent: true,
        }),
    };
    match result {
        Ok(()) => {
            db.write(move |conn| Ok(repo::mark_sent(conn, id, db::now())?))
                .await?;
            tracing::info!(
                email.id = %id,
                email.template = %email.template,
                email.attempt = email.attempts,
                "email sent"
            );
        }
        Err(failure) => {
            let error = transport::scrub(&failure.text, secrets);
            let after = if failure.permanent {
                tracing::warn!(
                    email.id = %id,
                    email.template = %email.template,
                    email.attempt = email.attempts,
                    error = %error,
                    "email refused for good; not retried"
                );
                repo::AfterFailure::GiveUp(db::now())
            } else {
                let delay = backoff(settings.backoff_base, email.attempts);
                tracing::warn!(
                    email.id = %id,
                    email.template = %email.template,
                    email.attempt = email.attempts,
                    retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    error = %error,
                    "email not delivered; will retry"
                );
                repo::AfterFailure::RetryAt(
                    db::now() + TimeDelta::from_std(delay).unwrap_or(TimeDelta::hours(1)),
                )
            };
            db.write(move |conn| Ok(repo::mark_failed(conn, id, leased_until, &error, after)?))
                .await?;
        }
    }
    Ok(true)
}

/// The wait after attempt number `attempts` (1 for the first) failed: `base`, doubling
/// with each attempt, at most [`MAX_BACKOFF`].
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(30);
    base.saturating_mul(1_u32 << doublings).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 3), Duration::from_secs(120));
        assert_eq!(backoff(base, 8), Duration::from_secs(3600));
        assert_eq!(backoff(base, 1000), MAX_BACKOFF);
        assert_eq!(backoff(base, i32::MAX), MAX_BACKOFF);
        // Never shorter than the base, even for nonsense counts.
        assert_eq!(backoff(base, 0), base);
        assert_eq!(backoff(base, -5), base);
        assert_eq!(
            backoff(Duration::from_millis(100), 4),
            Duration::from_millis(800)
        );
    }
}
