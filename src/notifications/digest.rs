//! Daily and weekly digests: one email per member and cadence batching the notifications
//! that waited for it.
//!
//! When a digest is due: a member's `daily` (`weekly`) digest is due when their last one
//! went out at least 24 hours (7 days) before `now`; before their first digest, when the
//! oldest notification waiting for it is that old. So a notification waits at most one
//! period (plus the few minutes between two runs), and a member never gets two digests of
//! one cadence within a period.
//!
//! Each member's digest is one transaction: it is claimed by moving
//! `digest_state.last_sent_at` from the value read to `now` (or inserting the first row),
//! so that of two instances running at once only one sends it; every item is checked again
//! (post still visible, thread not deleted, community still readable) and marked `sent`,
//! or `skipped` when it no longer is; the email goes into the outbox in the same
//! transaction.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::auth::policy::community::Access;
use crate::communities::service::access_for;
use crate::db::{self, Db, DbConn, write_transaction};
use crate::email::{self, OutgoingEmail, Template};
use crate::error::ApiError;
use crate::notifications::model::{DigestCadence, EmailStatus, NoticeKind, PendingRow};
use crate::notifications::repo;
use crate::notifications::service;
use crate::types::{CommunityId, UserId};

/// How often the server looks for due digests.
pub const INTERVAL: Duration = Duration::from_secs(5 * 60);

/// Sends every digest due at `now`; returns how many emails were put in the outbox.
/// Each member's digest is its own transaction (call it outside one).
pub fn send_due(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, ApiError> {
    let mut sent = 0;
    for (user_id, cadence) in repo::pending_digests(conn)? {
        if write_transaction(conn, |conn| send_one(conn, user_id, cadence, now))? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Looks for due digests every [`INTERVAL`] in the background, for as long as the
/// runtime runs (so it stops with the server).
pub fn spawn(db: Db) {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + INTERVAL;
        let mut ticker = tokio::time::interval_at(start, INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticker.tick().await;
            match db.read(|conn| send_due(conn, db::now())).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(digests.sent = n, "digests queued"),
                Err(err) => tracing::warn!(error = %err, "digests could not be sent; will retry"),
            }
        }
    });
}

/// Claims and sends one member's digest of `cadence` when due; `true` when an email was queued.
fn send_one(
    conn: &mut DbConn,
    user_id: UserId,
    cadence: DigestCadence,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    let last = repo::last_digest(conn, user_id, cadence)?;
    let since = match last {
        Some(at) => at,
        None => match repo::oldest_pending(conn, user_id, cadence)? {
            Some(at) => at,
            None => return Ok(false),
        },
    };
    if since > now - cadence.period() {
        return Ok(false);
    }
    if !repo::claim_digest(conn, user_id, cadence, last, now)? {
        return Ok(false);
    }
    let items = repo::pending_items(conn, user_id, cadence)?;
    let contact = repo::contact(conn, user_id)?;
    let mut access: HashMap<CommunityId, Option<Access>> = HashMap::new();
    let (mut kept, mut dropped) = (Vec::new(), Vec::new());
    for item in items {
        let community_access = match access.get(&item.community_id) {
            Some(a) => a.clone(),
            None => {
                let a = access_for(conn, item.community_id, user_id)?;
                access.insert(item.community_id, a.clone());
                a
            }
        };
        if still_visible(&item, user_id, community_access.as_ref()) {
            kept.push(item);
        } else {
            dropped.push(item.id);
        }
    }
    let address = contact.as_ref().and_then(|c| c.email.clone());
    let (Some(contact), Some(to), false) = (contact, address, kept.is_empty()) else {
        dropped.extend(kept.iter().map(|i| i.id));
        repo::set_email_status(conn, &dropped, EmailStatus::Skipped)?;
        return Ok(false);
    };
    let lines: Vec<String> = kept.iter().map(item_line).collect();
    email::enqueue(
        conn,
        &OutgoingEmail {
            to,
            template: Template::CommunityDigest,
            language: contact.preferred_language,
            vars: vec![
                ("display_name", contact.display_name),
                ("count", kept.len().to_string()),
                ("items", lines.join("\n\n")),
                ("link", crate::http::links::frontend("/notifications")),
            ],
        },
    )?;
    let ids: Vec<_> = kept.iter().map(|i| i.id).collect();
    repo::set_email_status(conn, &ids, EmailStatus::Sent)?;
    repo::set_email_status(conn, &dropped, EmailStatus::Skipped)?;
    Ok(true)
}

/// The same rule as the notification list: no hidden or deleted post (but the recipient's
/// own for `post_hidden`/`post_restored`, and the flag's post for `flag_resolved`), no
/// deleted thread, and a community the member still reads (unless told about themselves).
fn still_visible(item: &PendingRow, user_id: UserId, access: Option<&Access>) -> bool {
    let Some(access) = access else {
        // The community is gone or the account is not active any more.
        return false;
    };
    if item.thread_id.is_some() && item.thread_deleted_at.is_some() {
        return false;
    }
    if item.post_id.is_some() {
        let visible = item.post_hidden_at.is_none() && item.post_deleted_at.is_none();
        let own =
            NoticeKind::ABOUT_OWN_POST.contains(&item.kind) && item.post_author_id == Some(user_id);
        let flag = item.kind == NoticeKind::FlagResolved && item.post_deleted_at.is_none();
        if !(visible || own || flag) {
            return false;
        }
    }
    if NoticeKind::ABOUT_THEMSELVES.contains(&item.kind) {
        return true;
    }
    if item.kind.is_fan_out() && access.is_banned() {
        return false;
    }
    access.can_read()
}

/// One item of the digest's list: what happened, where, and the link.
fn item_line(item: &PendingRow) -> String {
    format!(
        "• {} ({})\n  {}",
        service::headline(
            item.kind,
            item.actor_name.as_deref(),
            item.thread_title.as_deref()
        ),
        item.community_name,
        service::link_for(item.community_id, item.thread_id, item.post_id),
    )
}
