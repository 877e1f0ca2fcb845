//! Training follow-up (issue 15, items 2 and 3): participants' action plans at the end of a
//! cohort, the cohort's follow-up schedule, check-ins per round with a report per step that
//! the participant's union leader confirms or questions (level 3, verified by someone other
//! than the learner), guidance requests answered by the facilitators, and check-in
//! reminders.
//!
//! Rules decided here (see also `service.rs` for who sees what):
//! - A plan belongs to an accepted participant of a cohort that is `running` or `completed`
//!   (409 `plans_not_open` before); one each (409 `action_plan_exists`). Its union is the
//!   organisation of the participant's accepted nomination.
//! - Rounds count from the cohort's last day (`ends_on`); a check-in for a round is taken
//!   from the round's day on: before, 409 `round_not_due` (the body is fine, the time is
//!   not). One check-in per round (409 `check_in_exists`; change it with PATCH).
//! - Any change to a plan clears its endorsement; a changed report loses its confirmation.
//! - An erased member's follow-up becomes counts per cohort (`followup_erased_counts`).

pub mod dto;
pub mod handlers;
pub mod model;
pub mod reminders;
pub mod repo;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// Follow-up's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/cohorts/{id}/action-plans")
            .get(list_cohort_action_plans)
            .post(create_action_plan),
    )
    .service(resource("/organisations/{id}/action-plans").get(list_union_action_plans))
    .service(
        resource("/action-plans/{id}")
            .get(get_action_plan)
            .patch(update_action_plan),
    )
    .service(resource("/action-plans/{id}/endorsement").post(create_action_plan_endorsement))
    .service(
        resource("/cohorts/{id}/follow-up-schedule")
            .get(get_follow_up_schedule)
            .put(put_follow_up_schedule),
    )
    .service(
        resource("/action-plans/{id}/check-ins")
            .get(list_check_ins)
            .post(create_check_in),
    )
    .service(
        resource("/check-ins/{id}")
            .get(get_check_in)
            .patch(update_check_in),
    )
    .service(resource("/check-in-reports/{id}/confirmation").put(put_report_confirmation))
    .service(
        resource("/action-plans/{id}/guidance-requests")
            .get(list_plan_guidance_requests)
            .post(create_guidance_request),
    )
    .service(resource("/cohorts/{id}/guidance-requests").get(list_cohort_guidance_requests))
    .service(resource("/guidance-requests/{id}").get(get_guidance_request))
    .service(resource("/guidance-requests/{id}/answer").post(create_guidance_answer));
}

/// Follow-up's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::create_action_plan,
        handlers::list_cohort_action_plans,
        handlers::list_union_action_plans,
        handlers::get_action_plan,
        handlers::update_action_plan,
        handlers::create_action_plan_endorsement,
        handlers::get_follow_up_schedule,
        handlers::put_follow_up_schedule,
        handlers::create_check_in,
        handlers::list_check_ins,
        handlers::get_check_in,
        handlers::update_check_in,
        handlers::put_report_confirmation,
        handlers::create_guidance_request,
        handlers::list_plan_guidance_requests,
        handlers::list_cohort_guidance_requests,
        handlers::get_guidance_request,
        handlers::create_guidance_answer,
    ),
    tags((name = "follow-up", description = "Action plans, follow-up check-ins, guidance and union leaders' confirmation"))
)]
pub struct Api;
