//! Email that is never lost: a transactional outbox.
//!
//! A domain that sends an email calls [`enqueue`] inside its own write transaction. The
//! email is rendered there and then and written to the `email_outbox` table, so it exists
//! exactly when the change that caused it was committed: a rolled-back registration sends
//! nothing, and a committed one cannot lose its email to an SMTP outage. A background
//! worker ([`spawn_worker`]) delivers the outbox with retries, through SMTP or, without it,
//! as `.eml` files under the data folder.

pub mod model;
pub mod repo;
pub mod templates;
mod transport;
pub mod worker;

pub use model::{OutboxEmail, OutboxId};
pub use templates::{Rendered, Template};
pub use transport::{
    DEFAULT_BACKOFF_BASE, DEFAULT_POLL_INTERVAL, EmailSettings, SmtpUrl, TransportChoice,
};
pub use worker::{Attempt, Channel, MAX_BACKOFF, backoff, deliver_next, spawn_worker};

use crate::db::{self, Db, DbConn};
use crate::email::model::NewOutboxEmail;
use crate::error::ApiError;

/// How often the server looks for due reminders (sessions, surveys, check-ins).
pub const REMINDER_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// Queues one kind of reminders (`kind`, for the logs) with `send_due` every
/// [`REMINDER_INTERVAL`] for as long as the runtime runs. Each `send_due` claims every
/// reminder it sends in the transaction of its email, so instances running this at once
/// send each reminder once; a failed pass is logged and tried again at the next tick.
pub fn spawn_reminders(
    db: Db,
    kind: &'static str,
    send_due: fn(&mut DbConn, chrono::NaiveDateTime) -> Result<usize, ApiError>,
) {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + REMINDER_INTERVAL;
        let mut ticker = tokio::time::interval_at(start, REMINDER_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticker.tick().await;
            match db.read(move |conn| send_due(conn, db::now())).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(
                    reminders.kind = kind,
                    reminders.sent = n,
                    "reminders queued"
                ),
                Err(err) => {
                    tracing::warn!(reminders.kind = kind, error = %err, "reminders could not be sent; will retry");
                }
            }
        }
    });
}

/// An email to send, before rendering.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    /// The recipient's address.
    pub to: String,
    /// Which email.
    pub template: Template,
    /// The recipient's preferred language (a BCP 47 tag); English when there is no
    /// translation (see [`templates::resolve_language`]).
    pub language: String,
    /// Exactly the variables the template uses, unescaped.
    pub vars: Vec<(&'static str, String)>,
}

/// Renders `email` and adds it to the outbox. Call it inside the write transaction of the
/// change that causes the email, so that both are committed or neither is.
///
/// A template that cannot be rendered with these variables, or a recipient that is not an
/// address, is a bug in the caller, hence a 500 (which rolls the transaction back).
pub fn enqueue(conn: &mut DbConn, email: &OutgoingEmail) -> Result<(), ApiError> {
    let template = email.template.name();
    let to = email.to.trim().parse::<lettre::Address>().map_err(|_| {
        // The address itself stays out of the message: it ends up in the logs.
        ApiError::internal(anyhow::anyhow!(
            "cannot enqueue a `{template}` email: the recipient is not an email address"
        ))
    })?;
    let rendered = templates::render(email.template, &email.language, &email.vars)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("cannot render an email: {e}")))?;
    let now = db::now();
    repo::insert(
        conn,
        &NewOutboxEmail {
            recipient: to.to_string(),
            subject: rendered.subject,
            body_text: rendered.text,
            body_html: rendered.html,
            template: template.to_owned(),
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
        },
    )?;
    Ok(())
}
