//! Cohorts: groups that run one or more courses together, with facilitators, between two
//! dates, moving from planning through nominations and selection to running and
//! completion (or cancellation).

pub mod assignments;
pub mod calls;
pub mod completion;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod nominations;
pub mod reach;
pub mod repo;
pub mod service;
pub mod sessions;
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
        .service(resource("/cohorts/{id}/reach").get(reach::handlers::get_cohort_reach))
        .service(resource("/nominations/{id}").get(nominations::handlers::get_nomination))
        .service(
            resource("/nominations/{id}/transitions")
                .post(nominations::handlers::create_nomination_transition),
        )
        .service(resource("/cohorts/{id}/translations/{language}").put(put_cohort_translation));
    assignments_routes(cfg);
    completion_routes(cfg);
    sessions_routes(cfg);
}

/// Completion rules, completion and certification (`cohorts::completion`).
fn completion_routes(cfg: &mut web::ServiceConfig) {
    use completion::handlers::*;
    cfg.service(
        resource("/cohorts/{id}/completion-rules")
            .get(get_completion_rules)
            .put(put_completion_rules),
    )
    .service(resource("/cohorts/{id}/completion").get(get_cohort_completion))
    .service(resource("/cohorts/{id}/certificates").post(create_cohort_certificates));
}

/// Assignments and submissions (`cohorts::assignments`).
fn assignments_routes(cfg: &mut web::ServiceConfig) {
    use assignments::handlers::*;
    cfg.service(
        resource("/cohorts/{id}/assignments")
            .get(list_assignments)
            .post(create_assignment),
    )
    .service(
        resource("/assignments/{id}")
            .get(get_assignment)
            .patch(update_assignment)
            .delete(delete_assignment),
    )
    .service(resource("/assignments/{id}/submissions").get(list_submissions))
    .service(
        resource("/assignments/{id}/submissions/me")
            .get(get_my_submission)
            .put(put_my_submission),
    )
    .service(resource("/submissions/{id}").get(get_submission))
    .service(resource("/submissions/{id}/grade").post(grade_submission));
}

/// The live sessions' part of the cohorts' surface.
fn sessions_routes(cfg: &mut web::ServiceConfig) {
    use sessions::handlers::*;
    cfg.service(
        resource("/cohorts/{id}/sessions")
            .get(list_sessions)
            .post(create_session),
    )
    .service(
        resource("/sessions/{id}")
            .get(get_session)
            .patch(update_session)
            .delete(delete_session),
    )
    .service(resource("/sessions/{id}/translations/{language}").put(put_session_translation))
    .service(
        resource("/sessions/{id}/check-in-code")
            .get(get_check_in_code)
            .post(rotate_check_in_code),
    )
    .service(resource("/sessions/{id}/check-in").post(check_in))
    .service(resource("/sessions/{id}/attendance").get(list_attendance))
    .service(resource("/sessions/{id}/attendance-import").post(import_attendance))
    .service(
        resource("/sessions/{id}/attendance/{user_id}")
            .put(put_attendance)
            .delete(delete_attendance),
    )
    .service(resource("/cohorts/{id}/attendance/me").get(get_own_attendance))
    .service(
        resource("/cohorts/{id}/calendar-feed")
            .post(renew_cohort_calendar_feed)
            .delete(revoke_cohort_calendar_feed),
    )
    .service(
        resource("/me/calendar-feed")
            .post(renew_my_calendar_feed)
            .delete(revoke_my_calendar_feed),
    )
    .service(resource("/calendar-feeds/{token}").get(get_calendar_feed));
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
        reach::handlers::get_cohort_reach,
        space::handlers::create_cohort_announcement,
        assignments::handlers::create_assignment,
        assignments::handlers::list_assignments,
        assignments::handlers::get_assignment,
        assignments::handlers::update_assignment,
        assignments::handlers::delete_assignment,
        assignments::handlers::put_my_submission,
        assignments::handlers::get_my_submission,
        assignments::handlers::list_submissions,
        assignments::handlers::get_submission,
        assignments::handlers::grade_submission,
        completion::handlers::get_completion_rules,
        completion::handlers::put_completion_rules,
        completion::handlers::get_cohort_completion,
        completion::handlers::create_cohort_certificates,
        sessions::handlers::create_session,
        sessions::handlers::list_sessions,
        sessions::handlers::get_session,
        sessions::handlers::put_session_translation,
        sessions::handlers::update_session,
        sessions::handlers::delete_session,
        sessions::handlers::get_check_in_code,
        sessions::handlers::rotate_check_in_code,
        sessions::handlers::check_in,
        sessions::handlers::list_attendance,
        sessions::handlers::put_attendance,
        sessions::handlers::delete_attendance,
        sessions::handlers::import_attendance,
        sessions::handlers::get_own_attendance,
        sessions::handlers::renew_my_calendar_feed,
        sessions::handlers::revoke_my_calendar_feed,
        sessions::handlers::renew_cohort_calendar_feed,
        sessions::handlers::revoke_cohort_calendar_feed,
        sessions::handlers::get_calendar_feed,
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
        reach::dto::ReachResponse,
        reach::dto::ReachNode,
        reach::dto::ReachLevel,
        reach::dto::ReachCounts,
        crate::types::cells::CountCell,
        space::dto::CreateAnnouncementRequest,
        space::dto::AnnouncementResponse,
        assignments::dto::CreateAssignmentRequest,
        assignments::dto::UpdateAssignmentRequest,
        assignments::dto::SubmitRequest,
        assignments::dto::GradeSubmissionRequest,
        assignments::dto::AssignmentResponse,
        assignments::dto::SubmissionResponse,
        assignments::model::Grading,
        assignments::model::SubmissionStatus,
        completion::dto::CompletionRulesRequest,
        completion::dto::CompletionRulesResponse,
        completion::dto::CohortCompletionResponse,
        completion::dto::ParticipantCompletionResponse,
        completion::dto::CertificationResponse,
        completion::dto::IssuedCertificate,
        sessions::dto::CreateSessionRequest,
        sessions::dto::UpdateSessionRequest,
        sessions::dto::SessionTranslationRequest,
        sessions::dto::SessionResponse,
        sessions::dto::CheckInRequest,
        sessions::dto::CheckInCodeResponse,
        sessions::dto::RecordAttendanceRequest,
        sessions::dto::AttendanceResponse,
        sessions::dto::ImportLineResponse,
        sessions::dto::ImportResponse,
        sessions::dto::AttendanceCsv,
        sessions::dto::CalendarFeedResponse,
        sessions::model::Audience,
        sessions::model::AttendanceSource,
    )),
    tags((name = "cohorts", description = "Cohorts: groups running courses with facilitators, from planning to completion")),
)]
pub struct Api;
