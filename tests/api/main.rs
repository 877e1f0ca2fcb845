//! Integration tests through HTTP. One binary; each test gets its own database:
//! a temporary SQLite file, or a fresh PostgreSQL database when
//! `TEST_DATABASE_URL` points at a server (built with `--features postgres`).

// clippy's allow-*-in-tests covers `#[test]` functions only; the helpers they share
// are test code too, where a panic is a failed test.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test by panicking"
)]

mod accounts;
mod assessment;
mod assignments;
mod badges;
mod cli;
mod cohort_quizzes;
mod cohort_space;
mod cohorts;
mod cohorts_demo;
mod communities;
mod community_helpers;
mod community_visibility;
mod completion;
mod courses;
mod dashboards;
mod db;
mod email;
mod embeds;
mod errors;
mod followup;
mod forums;
mod headers;
mod helpers;
mod human_input;
mod input_limits;
mod instances;
mod invitations;
mod learning;
mod library;
mod library_files;
mod logins;
mod memberships;
mod moderation;
mod needs;
mod nominations;
mod notifications;
mod openapi;
mod operations;
mod organisation_writes;
mod organisations;
mod post_translations;
mod prepost;
mod programmes;
mod proxies;
mod reach;
mod reuse;
mod search;
mod search_index;
mod sessions;
mod storage;
mod surveys;
mod translation_helpers;
mod translations;
mod translations_items;
mod webhooks;
