//! Live sessions of cohorts: when they start and end (UTC, shown in the cohort's time
//! zone), where to join, in which languages, with which lessons, and for whom — the
//! participants, or (a leader briefing) the leaders of the organisations the call invites.
//! Around them: check-in codes and attendance (self check-in, recorded by a facilitator,
//! or imported from a meeting tool's CSV export), secret iCalendar feeds, and reminder
//! emails a day and an hour before.

pub mod csv;
pub mod dto;
pub mod feeds;
pub mod handlers;
pub mod ical;
pub mod import;
pub mod model;
pub mod reminders;
pub mod repo;
pub mod service;
