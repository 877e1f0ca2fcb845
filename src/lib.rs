//! Bayanihan: the backend of a learning cloud and community of practice for trade unions.

pub mod accounts;
pub mod assessment;
pub mod auth;
pub mod badges;
pub mod blocking;
// SVG charts and the printable report of the evaluation dashboards (issue 16, item 3).
pub mod charts;
pub mod cohorts;
pub mod communities;
pub mod config;
pub mod courses;
pub mod dashboards;
pub mod db;
pub mod email;
pub mod error;
// Training follow-up (issue 15, items 2 and 3).
pub mod followup;
pub mod forums;
pub mod health;
pub mod http;
pub mod invitations;
pub mod learning;
pub mod library;
pub mod moderation;
pub mod needs;
pub mod notifications;
pub mod openapi;
pub mod organisations;
pub mod post_translations;
pub mod programmes;
pub mod search;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
// Language access (issue 17).
pub mod translations;
pub mod types;
// Issue 16, item 4: signed webhooks.
pub mod webhooks;
