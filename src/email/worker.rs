//! The background worker that delivers the outboxes — emails, webhook deliveries and
//! machine-translation jobs — one row at a time, with retries.
//!
//! Each channel ([`Channel`]) runs its own loop, a task of its own, so that a slow
//! receiver of one (a webhook that answers only at its timeout) never delays another
//! (email): a loop claims a due row (exclusively, across instances), makes one attempt,
//! and records the outcome: delivered, retried after a backoff that doubles per attempt,
//! or given up for good (a permanent failure, or a channel's last attempt). What differs
//! per channel is only which table is claimed and how an attempt is made; adding one is
//! one line in [`run`].

use std::future::Future;
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::QueryResult;

use crate::db::outbox::{self, AfterFailure};
use crate::db::{self, Db, DbConn};
use crate::email::model::OutboxEmail;
use crate::email::repo;
use crate::email::transport::{self, EmailSettings, Transport};
use crate::error::ApiError;

/// The longest wait between two attempts at one row.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60 * 60);

/// What one delivery attempt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Delivered; `status` is the receiver's answer, where there is one (HTTP).
    Delivered { status: Option<u16> },
    /// Not delivered: `error` is safe to store and log (no secrets, no addresses);
    /// `permanent` when no later attempt can do better.
    Failed {
        error: String,
        status: Option<u16>,
        permanent: bool,
    },
}

impl Attempt {
    /// Not delivered, for `error` (safe to store: no secrets, no addresses).
    pub fn failed(error: impl Into<String>, status: Option<u16>, permanent: bool) -> Self {
        Self::Failed {
            error: error.into(),
            status,
            permanent,
        }
    }
}

/// One outbox the worker delivers: how its rows are claimed, attempted and recorded.
pub trait Channel: Send + Sync {
    /// A claimed row, with what an attempt needs.
    type Item: Clone + Send + 'static;
    /// The channel's name in logs (`email`, `webhook`).
    const NAME: &'static str;
    /// Claims the next due row (a lease until `now + LEASE`, the attempt counted), or
    /// `None` when nothing is due. Two claimers never get the same row.
    fn claim(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Option<Self::Item>>;
    /// The row's id, attempts so far (this one included) and kind, for the logs.
    fn describe(item: &Self::Item) -> (i64, i32, String);
    /// After this many attempts a failure is final; `None` retries for ever (with the
    /// backoff capped at [`MAX_BACKOFF`]).
    fn max_attempts(&self) -> Option<i32>;
    /// Makes one attempt.
    fn attempt(&self, item: &Self::Item) -> impl Future<Output = Attempt> + Send;
    /// Records a delivery. Not conditional on the lease: the row has left, so it must never
    /// be sent again.
    fn delivered(
        conn: &mut DbConn,
        item: &Self::Item,
        status: Option<u16>,
        now: NaiveDateTime,
    ) -> QueryResult<bool>;
    /// Records a failed attempt, only while the item's lease is still the one it holds.
    fn failed(
        conn: &mut DbConn,
        item: &Self::Item,
        status: Option<u16>,
        error: &str,
        after: AfterFailure,
    ) -> QueryResult<bool>;
}

/// Starts delivering the outboxes in the background, for as long as the runtime runs.
///
/// `tokio::spawn` rather than `actix_web::rt::spawn`: the worker's future is `Send`, so it
/// runs on any Tokio runtime — the server's actix system and `#[tokio::test]` alike,
/// where actix's `spawn_local` would need a `LocalSet`. Every database call goes through
/// [`Db::read`]/[`Db::write`], on the blocking pool.
///
/// Several instances may run this against one database: claims are exclusive
/// (see [`repo::claim_next`]). Delivery is at least once: an instance that stops between
/// sending and recording it leaves the row to be sent again when its lease runs out.
pub fn spawn_worker(db: Db, settings: EmailSettings) {
    tokio::spawn(supervise(db, settings));
}

/// Starts one loop per channel and waits for them (for ever, while the runtime runs).
async fn supervise(db: Db, settings: EmailSettings) {
    let mut loops = tokio::task::JoinSet::new();
    run(&mut loops, &db, &settings);
    while loops.join_next().await.is_some() {}
}

/// Spawns the loop of every channel into `loops`: one line per channel.
fn run(loops: &mut tokio::task::JoinSet<()>, db: &Db, settings: &EmailSettings) {
    if let Some(email) = email_channel(settings) {
        loops.spawn(serve(db.clone(), settings.clone(), email));
    }
    let webhooks = crate::webhooks::delivery::WebhookChannel::new(settings.webhooks.clone());
    loops.spawn(serve(db.clone(), settings.clone(), webhooks));
    if let Some(translations) = settings.machine_translation.clone() {
        let translations = crate::post_translations::machine::MtChannel::new(translations);
        loops.spawn(serve(db.clone(), settings.clone(), translations));
    }
}

fn email_channel(settings: &EmailSettings) -> Option<EmailChannel> {
    match Transport::build(&settings.transport) {
        Ok(transport) => {
            tracing::info!(email.transport = transport.kind(), "email worker started");
            Some(EmailChannel {
                secrets: Transport::secrets(&settings.transport),
                transport,
                from: settings.from.clone(),
            })
        }
        Err(err) => {
            // `EmailSettings::from_config` checked this already; settings built by hand may not be.
            tracing::error!(error = %format!("{err:#}"), "the email worker cannot start; emails stay in the outbox");
            None
        }
    }
}

/// The loop of one channel, restarted should it ever panic, so that one bad row cannot
/// stop the rest (nor another channel, whose loop is a task of its own).
async fn serve<C: Channel + 'static>(db: Db, settings: EmailSettings, channel: C) {
    let channel = std::sync::Arc::new(channel);
    loop {
        let (db, channel, base, poll) = (
            db.clone(),
            channel.clone(),
            settings.backoff_base,
            settings.poll_interval,
        );
        match tokio::spawn(async move { channel_loop(&db, &*channel, base, poll).await }).await {
            Ok(()) => return,
            Err(err) if err.is_cancelled() => return,
            Err(_) => {
                tracing::error!(
                    outbox.channel = C::NAME,
                    "an outbox loop panicked; restarting it"
                );
                tokio::time::sleep(settings.poll_interval).await;
            }
        }
    }
}

/// Delivers `channel`'s due rows one after the other; waits `poll` when none is due.
async fn channel_loop<C: Channel>(db: &Db, channel: &C, backoff_base: Duration, poll: Duration) {
    loop {
        // After a delivery, more may be due at once; otherwise wait.
        if !step(db, channel, backoff_base).await {
            tokio::time::sleep(poll).await;
        }
    }
}

/// One turn of one channel; whether it delivered (or tried) something.
async fn step<C: Channel>(db: &Db, channel: &C, backoff_base: Duration) -> bool {
    match deliver_next(db, channel, backoff_base).await {
        Ok(busy) => busy,
        Err(err) => {
            tracing::warn!(outbox.channel = C::NAME, error = %err, "the outbox cannot be read or updated; will retry");
            false
        }
    }
}

/// Claims and attempts the next due row of `channel`; returns whether there was one.
pub async fn deliver_next<C: Channel>(
    db: &Db,
    channel: &C,
    backoff_base: Duration,
) -> Result<bool, ApiError> {
    let now = db::now();
    let Some(item) = db.read(move |conn| Ok(C::claim(conn, now)?)).await? else {
        return Ok(false);
    };
    let (id, attempts, kind) = C::describe(&item);
    match channel.attempt(&item).await {
        Attempt::Delivered { status } => {
            db.write(move |conn| Ok(C::delivered(conn, &item, status, db::now())?))
                .await?;
            tracing::info!(
                outbox.channel = C::NAME,
                outbox.id = id,
                outbox.kind = %kind,
                outbox.attempt = attempts,
                "delivered"
            );
        }
        Attempt::Failed {
            error,
            status,
            permanent,
        } => {
            let last = channel.max_attempts().is_some_and(|max| attempts >= max);
            let after = if permanent || last {
                tracing::warn!(
                    outbox.channel = C::NAME,
                    outbox.id = id,
                    outbox.kind = %kind,
                    outbox.attempt = attempts,
                    error = %error,
                    "refused for good or out of attempts; not retried"
                );
                AfterFailure::GiveUp(db::now())
            } else {
                let delay = backoff(backoff_base, attempts);
                tracing::warn!(
                    outbox.channel = C::NAME,
                    outbox.id = id,
                    outbox.kind = %kind,
                    outbox.attempt = attempts,
                    retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    error = %error,
                    "not delivered; will retry"
                );
                AfterFailure::RetryAt(
                    db::now() + TimeDelta::from_std(delay).unwrap_or(TimeDelta::hours(1)),
                )
            };
            db.write(move |conn| Ok(C::failed(conn, &item, status, &error, after)?))
                .await?;
        }
    }
    Ok(true)
}

/// The email channel: the `email_outbox` table, through SMTP or `.eml` files.
struct EmailChannel {
    transport: Transport,
    from: lettre::message::Mailbox,
    /// What error texts must never show (the SMTP password).
    secrets: Vec<String>,
}

impl Channel for EmailChannel {
    type Item = OutboxEmail;
    const NAME: &'static str = "email";

    fn claim(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Option<OutboxEmail>> {
        repo::claim_next(conn, now)
    }

    fn describe(email: &OutboxEmail) -> (i64, i32, String) {
        (email.id, email.attempts, email.template.clone())
    }

    fn max_attempts(&self) -> Option<i32> {
        None
    }

    async fn attempt(&self, email: &OutboxEmail) -> Attempt {
        let result = match transport::message(&self.from, email) {
            Ok(message) => self.transport.send(message).await,
            // The stored email itself is unusable: no later attempt can do better.
            Err(text) => Err(transport::SendError {
                text,
                permanent: true,
            }),
        };
        match result {
            Ok(()) => Attempt::Delivered { status: None },
            Err(failure) => Attempt::Failed {
                error: transport::scrub(&failure.text, &self.secrets),
                status: None,
                permanent: failure.permanent,
            },
        }
    }

    fn delivered(
        conn: &mut DbConn,
        email: &OutboxEmail,
        _status: Option<u16>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        repo::mark_sent(conn, email.outbox_id(), now)
    }

    fn failed(
        conn: &mut DbConn,
        email: &OutboxEmail,
        _status: Option<u16>,
        error: &str,
        after: AfterFailure,
    ) -> QueryResult<bool> {
        let leased_until = outbox::lease_of(email.locked_until, email.next_attempt_at);
        repo::mark_failed(conn, email.outbox_id(), leased_until, error, after)
    }
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
