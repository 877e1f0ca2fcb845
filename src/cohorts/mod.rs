//! Cohorts: groups that run one or more courses together, with facilitators, between two
//! dates, moving from planning through nominations and selection to running and
//! completion (or cancellation).

pub mod calls;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod nominations;
pub mod repo;
pub mod service;
pub mod space;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// The cohorts' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(resource("/cohorts").get(list_cohorts).post(create_cohort))
        .service(
            resource("/cohorts/{id}")
                .get(get_cohort)
                .patch(update_cohort)
                .delete(delete_cohort),
        )
        .service(resource("/cohorts/{id}/transitions").post(create_cohort_transition))
        .service(
            resource("/cohorts/{id}/announcements")
                .post(space::handlers::create_cohort_announcement),
        )
        .service(
            resource("/cohorts/{id}/call")
                .get(calls::handlers::get_cohort_call)
                .put(calls::handlers::put_cohort_call),
        )
        .service(
            resource("/cohorts/{id}/nominations")
                .get(nominations::handlers::list_nominations)
                .post(nominations::handlers::create_nomination),
        )
        .service(
            resource("/cohorts/{id}/nomination-events")
                .get(nominations::handlers::list_nomination_events),
        )
        .service(
            resource("/cohorts/{id}/selection").get(nominations::handlers::get_cohort_selection),
        )
        .service(resource("/nominations/{id}").get(nominations::handlers::get_nomination))
        .service(
            resource("/nominations/{id}/transitions")
                .post(nominations::handlers::create_nomination_transition),
        )
        .service(resource("/cohorts/{id}/translations/{language}").put(put_cohort_translation));
}

/// The cohorts' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_cohorts,
        handlers::get_cohort,
        handlers::create_cohort,
        handlers::update_cohort,
        handlers::delete_cohort,
        handlers::create_cohort_transition,
        handlers::put_cohort_translation,
        calls::handlers::get_cohort_call,
        calls::handlers::put_cohort_call,
        nominations::handlers::create_nomination,
        nominations::handlers::list_nominations,
        nominations::handlers::get_nomination,
        nominations::handlers::create_nomination_transition,
        nominations::handlers::list_nomination_events,
        nominations::handlers::get_cohort_selection,
        space::handlers::create_cohort_announcement,
    ),
    components(schemas(
        dto::CohortResponse,
        dto::CreateCohortRequest,
        dto::UpdateCohortRequest,
        dto::CohortTranslationRequest,
        dto::CreateCohortTransitionRequest,
        model::CohortKind,
        model::CohortStatus,
        calls::dto::CallRequest,
        calls::dto::CallResponse,
        calls::dto::ProfileBody,
        calls::dto::TargetShares,
        calls::dto::CountryShare,
        calls::dto::LanguageRequirement,
        calls::dto::OrganisationQuota,
        calls::dto::CountryQuota,
        nominations::dto::CreateNominationRequest,
        nominations::dto::CreateNominationTransitionRequest,
        nominations::dto::NominationResponse,
        nominations::dto::NominationEventResponse,
        nominations::dto::PersonBrief,
        nominations::dto::OrganisationBrief,
        nominations::dto::SoftCriteria,
        nominations::dto::SelectionResponse,
        nominations::dto::SelectionSet,
        nominations::dto::ShareCount,
        nominations::dto::UnionCount,
        nominations::dto::TargetShare,
        nominations::model::NominationStatus,
        nominations::model::NominationOrigin,
        space::dto::CreateAnnouncementRequest,
        space::dto::AnnouncementResponse,
    )),
    tags((name = "cohorts", description = "Cohorts: groups running courses with facilitators, from planning to completion")),
)]
pub struct Api;
