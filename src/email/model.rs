//! Outbox rows as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::email_outbox;

/// Identifier of an outbox email; the only thing about an email that logs may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutboxId(pub i64);

impl std::fmt::Display for OutboxId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One email in the outbox, rendered and waiting or delivered.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct OutboxEmail {
    pub id: i64,
    /// The address only (`ana@example.org`).
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// The template's name, for operators.
    pub template: String,
    pub created_at: NaiveDateTime,
    /// Delivery attempts started (counted when the email is claimed).
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    /// The lease of the worker delivering it; claimable again once past.
    pub locked_until: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    /// The last delivery failure, scrubbed of addresses and secrets.
    pub last_error: Option<String>,
    /// When the mail server refused it for good; it is not retried.
    pub failed_at: Option<NaiveDateTime>,
}

impl OutboxEmail {
    /// The typed id.
    pub fn outbox_id(&self) -> OutboxId {
        OutboxId(self.id)
    }
}

/// A new outbox row, due at once.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = email_outbox)]
pub struct NewOutboxEmail {
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub template: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
}
