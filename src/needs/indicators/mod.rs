//! Organisational indicators (Kirkpatrick level 4): what a union achieved in a period,
//! reported by its leaders.
//!
//! Rules decided here:
//! - A period is a calendar year (`quarter` absent) or one of its quarters (`quarter` 1-4),
//!   that has begun; one report per organisation and period (409 `report_exists`: change
//!   it with `PATCH` and `If-Match` instead).
//! - Approved leaders of the organisation report and change its reports; they and
//!   coordinators and admins read them; anyone else gets 404 (a coordinator who leads no
//!   union may read but not report: 403).
//! - `trainings_run` counts the trainings the union ran itself; `training_cohort_ids` names
//!   the platform cohorts among them. Each must be a cohort (not cancelled) facilitated by
//!   one of the union's e-trainers: an approved member of the organisation holding a
//!   trainer certification from a Training-of-Trainers cohort that is not revoked (the
//!   lineage of `cohorts::reach`); else 422 `not_in_lineage`. There are never more cohorts
//!   than `trainings_run` (422 `too_few_trainings`).
//! - Erasure: an erased author's reports stay, without the account (`author_id` NULL).

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;

use crate::http::resource;

/// The indicators' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/organisations/{id}/indicator-reports")
            .get(list_indicator_reports)
            .post(create_indicator_report),
    )
    .service(
        resource("/indicator-reports/{id}")
            .get(get_indicator_report)
            .patch(update_indicator_report),
    );
}
