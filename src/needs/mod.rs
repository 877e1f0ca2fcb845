//! Training follow-up, the union's side (issue 15, items 1 and 4): the bottom-up needs
//! assessment and organisational indicators.
//!
//! Rules decided here:
//! - A coordinator (or admin) opens a round with a deadline and invites organisations by
//!   name and/or whole countries. Approved members of an invited organisation see the
//!   round; others get 404.
//! - An approved leader of an invited organisation submits its needs until the deadline
//!   (409 `round_closed` after it): one per topic and target group (409 `need_exists`).
//!   Leaders withdraw them while the round is open.
//! - Approved members of the need's union endorse it once each while the round is open;
//!   its author does not, nor does anyone of another union (403). Reading another union's
//!   need is 404.
//! - A need is `open` until a coordinator links a course or cohort to it (`planned`); a
//!   coordinator may then mark it `addressed` (and back). Unlinking everything opens it
//!   again. The links show the course's or cohort's own state.
//! - Coordinators read a round's totals by topic × country × target group, counted by the
//!   database with one `GROUP BY`.
//! - Erasure: an erased author's needs and an erased member's endorsements stay, without
//!   the account (`author_id`/`user_id` NULL): totals and endorsement counts do not change.
//!
//! Indicators: see [`indicators`].

pub mod dto;
pub mod handlers;
pub mod indicators;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// The needs assessment's and indicators' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/needs-rounds")
            .get(list_needs_rounds)
            .post(create_needs_round),
    )
    .service(
        resource("/needs-rounds/{id}")
            .get(get_needs_round)
            .patch(update_needs_round),
    )
    .service(
        resource("/needs-rounds/{id}/needs")
            .get(list_round_needs)
            .post(create_need),
    )
    .service(resource("/needs-rounds/{id}/totals").get(get_needs_totals))
    .service(resource("/organisations/{id}/needs").get(list_organisation_needs))
    .service(
        resource("/needs/{id}")
            .get(get_need)
            .patch(update_need)
            .delete(delete_need),
    )
    .service(
        resource("/needs/{id}/endorsement")
            .put(put_need_endorsement)
            .delete(delete_need_endorsement),
    )
    .service(resource("/needs/{id}/links").post(create_need_link))
    .service(resource("/needs/{id}/links/{link_id}").delete(delete_need_link));
    indicators::routes(cfg);
}

/// The needs assessment's and indicators' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::create_needs_round,
        handlers::list_needs_rounds,
        handlers::get_needs_round,
        handlers::update_needs_round,
        handlers::get_needs_totals,
        handlers::create_need,
        handlers::list_round_needs,
        handlers::list_organisation_needs,
        handlers::get_need,
        handlers::update_need,
        handlers::delete_need,
        handlers::put_need_endorsement,
        handlers::delete_need_endorsement,
        handlers::create_need_link,
        handlers::delete_need_link,
        indicators::handlers::create_indicator_report,
        indicators::handlers::list_indicator_reports,
        indicators::handlers::get_indicator_report,
        indicators::handlers::update_indicator_report,
    ),
    components(schemas(
        model::NeedTopic,
        model::NeedPriority,
        model::TargetGroup,
        model::DeliveryMode,
        model::NeedState,
        crate::types::IsicSection,
        dto::RoundResponse,
        dto::CreateRoundRequest,
        dto::UpdateRoundRequest,
        dto::NeedResponse,
        dto::NeedLinkResponse,
        dto::CreateNeedRequest,
        dto::CreateNeedLinkRequest,
        dto::UpdateNeedRequest,
        dto::TotalsResponse,
        dto::TotalsCell,
        indicators::dto::IndicatorReportResponse,
        indicators::dto::CreateIndicatorReportRequest,
        indicators::dto::UpdateIndicatorReportRequest,
    )),
    tags(
        (name = "needs", description = "Bottom-up training needs: rounds, needs, endorsements, links to courses and cohorts, totals"),
        (name = "indicators", description = "Organisational indicators (level 4), reported by union leaders per period"),
    )
)]
pub struct Api;
