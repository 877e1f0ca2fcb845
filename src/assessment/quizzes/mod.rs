//! Quizzes (the settings of a lesson of kind `quiz`, or a quiz of a cohort) and attempts at
//! them.
//!
//! Rules decided here:
//! - Settings are written by the course's editors; enrolled learners read them without the
//!   questions; everyone else gets 404.
//! - Starting: the learner must be enrolled (403 `not_enrolled`); an open attempt is
//!   answered again (200), so a reconnecting phone finds it; otherwise 409
//!   `no_attempts_left`, `quiz_closed`, `not_open` (archived course). The server draws the
//!   questions (seeded per attempt, stored, so a reload shows the same order) at their
//!   current versions and hands them out without keys or feedback.
//! - Saving: one answer per request, idempotent; 422 for a question not in the attempt
//!   (`not_in_attempt`) or an answer of another shape (`wrong_shape`); 409
//!   `attempt_submitted` after a submit; after the time limit plus grace, 409
//!   `attempt_expired` (`refuse`) or taken and marked late (`mark_late`).
//! - Submitting scores every question and marks the attempt submitted in one transaction
//!   (all or nothing); a repeat submit changes nothing. Each question is all or nothing.
//!   Passing (score ≥ `pass_mark` % of the points) completes the lesson through learning's
//!   progress rules.
//! - A cohort's quiz is set and reviewed by the cohort's staff (facilitators, coordinators,
//!   admins) on the bank of one of the cohort's courses, read and taken by its participants
//!   only; it closes with the cohort (409 `cohort_closed`).

pub mod dto;
pub mod handlers;
pub mod service;
