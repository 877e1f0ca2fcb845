//! Completion and certification: each cohort states its completion rules (a minimum share
//! of the live sessions' minutes attended, every assignment passed, every course of the
//! cohort completed); completion is computed per participant with what is missing; the
//! cohort's certificates are issued through learning's certificates, by a coordinator's
//! action or when the cohort moves to `completed`; completing a `tot` cohort makes the
//! participant an e-trainer (the trainer role, with the certifying cohort recorded).

pub mod attendance;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;
