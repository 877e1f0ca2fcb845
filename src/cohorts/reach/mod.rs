//! Lineage and reach: which Training-of-Trainers cohort certified a cohort's facilitators,
//! and, from a ToT cohort, the tree of cohorts its graduates ran (and the cohorts their own
//! graduates ran, and so on) with the trainees reached at every level, by country, gender
//! and age band. Small cells are suppressed for everyone but admins.

pub mod dto;
pub mod handlers;
pub mod repo;
pub mod service;
