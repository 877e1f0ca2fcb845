//! Learning: enrolment in courses, progress through their lessons, and certificates
//! anyone can verify.
//!
//! Rules decided here:
//! - Enrolling: only published self-paced courses. A draft or unknown course is 404; an
//!   archived one 409 `not_open`; cohort and blended ones 409 `enrolment_by_nomination`; a
//!   full one 409 `course_full` (counted inside the write transaction, the course row
//!   locked on PostgreSQL); enrolling twice 409 `already_enrolled`. Unenrolling is soft
//!   (a tombstone for `updated_since`); enrolling again renews the same row, and lessons
//!   done before still count. `courses.enrolment_count` is recounted in each change.
//! - Completing a lesson (`PUT`) answers 201 the first time and 200 with the same body
//!   after; `DELETE` answers 204 whether or not it was done. Not enrolled: 403
//!   `not_enrolled`; a lesson of a draft course: 404; of an archived course: 409 `not_open`.
//! - A course is complete when every required lesson is done (every lesson, when none is
//!   required). Then `enrolments.completed_at` is set to the latest of those completions
//!   and the certificate is issued, once per learner and course, in the same transaction.
//!   Undoing a lesson clears `completed_at` but never revokes the certificate; completing
//!   again reuses it. Only coordinators and admins revoke.
//! - Offline sync keeps an existing completion as it is (`already_done`) and stores new
//!   ones with the device's timestamp, refused (`in_future`) beyond 5 minutes ahead.

pub mod document;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;

use crate::http::resource;

/// Learning's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/courses/{id}/enrolments")
            .get(list_course_enrolments)
            .post(create_enrolment),
    )
    .service(
        resource("/courses/{id}/enrolments/me")
            .get(get_my_enrolment)
            .delete(delete_enrolment),
    )
    .service(resource("/courses/{id}/progress/{user_id}").get(get_learner_progress))
    .service(resource("/me/enrolments").get(list_my_enrolments))
    .service(
        resource("/me/lessons/{lesson_id}/completion")
            .put(complete_lesson)
            .delete(uncomplete_lesson),
    )
    .service(resource("/me/completions/batch").post(sync_completions))
    .service(resource("/me/courses/{id}/progress").get(get_progress))
    .service(resource("/me/certificates").get(list_my_certificates))
    .service(resource("/certificates/{code}").get(get_certificate))
    .service(resource("/certificates/{code}/document").get(get_certificate_document))
    .service(resource("/certificates/{code}/revoke").post(revoke_certificate));
}
