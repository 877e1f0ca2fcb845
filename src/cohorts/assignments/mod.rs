//! Assignments: a cohort's facilitators (and coordinators) set them with a due time and a
//! way of marking them; participants submit text or links, again until marked; facilitators
//! give feedback and a pass or points. A submission after the due time is marked late.
//!
//! Who sees what: the cohort's facilitators while trainers, coordinators and admins see and
//! mark every submission; a participant (an accepted nominee) sees the assignments and only
//! their own submissions (another's is 404, whatever id they try); a trainer who does not
//! facilitate the cohort is 403; anyone else 403 on the cohort's lists and 404 on a
//! submission.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;
