//! Pre- and post-tests (issue 13, item 4): two quiz lessons of a course, given before and
//! after it, for its learners or one cohort's participants; each learner's normalised gain,
//! the group's, and an item analysis of each form.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;
