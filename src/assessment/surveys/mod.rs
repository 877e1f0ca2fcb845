//! Reaction surveys (issue 13, item 5; Kirkpatrick level 1): Likert, rating, single-choice
//! and open items in several languages, attached to a live session, a course's end or a
//! cohort's end; one reminder by email to those who have not responded; results with
//! fewer than five responses withheld from everyone but admins.
//!
//! Anonymity: an anonymous survey's response has a random id, the date only and no
//! respondent; who has responded is kept apart (survey and account, nothing else), so a
//! second response is refused without anything tying the two.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod reminders;
pub mod repo;
pub mod service;
