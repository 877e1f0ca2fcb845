//! Calls for nominations: whom a cohort invites, until when, with which quotas, and the
//! participant profile nominees must fit. One call per cohort, written by coordinators and
//! published when the cohort opens nominations.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;
