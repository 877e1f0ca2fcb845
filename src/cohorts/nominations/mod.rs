//! Nominations: union leaders put their members forward for a cohort (who accept or
//! decline), members apply (their leader endorses them or not), coordinators decide, and
//! every step is audited. The selection view sets what was put forward against the
//! profile's target shares.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;
