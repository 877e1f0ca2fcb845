//! Each cohort's private space: a community of the communities domain, made with the
//! cohort and named after it, whose members follow the cohort in the transaction of the
//! change that moves them — facilitators are its moderators, accepted participants its
//! members, and nobody else reads it (the private-community rule of `auth::policy`).
//! Facilitators and coordinators post announcements there, emailed to every participant
//! and facilitator in their language. A cancelled cohort's space stays as it is, readable
//! by its members; no announcement is posted in it any more (409 `cohort_cancelled`).

pub mod dto;
pub mod handlers;
pub mod service;

use crate::db::Db;

/// Links the cohorts made before spaces existed to a space of their own, with their
/// facilitators and participants as members, a few at a time, once at startup.
pub fn spawn_backfill(db: Db) {
    tokio::spawn(async move {
        loop {
            match db.write(|conn| service::link_older_cohorts(conn, 50)).await {
                Ok(0) => break,
                Ok(n) => tracing::info!(cohorts.linked = n, "cohort spaces made"),
                Err(err) => {
                    tracing::warn!(error = %err, "cohort spaces could not be made; next start retries");
                    break;
                }
            }
        }
    });
}
