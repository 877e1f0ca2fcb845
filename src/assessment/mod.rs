//! Assessment: question banks per course, quizzes (lessons of kind `quiz`) and attempts,
//! graded on the server.
//!
//! Rules decided here:
//! - A bank belongs to a course and is edited by those who edit the course (its owners
//!   while trainers, coordinators, admins); to everyone else it does not exist (404), so a
//!   learner never reads a question with its answer.
//! - Every change to a question, translations included, makes a new version; the version's
//!   snapshot (key and every language's texts) is what attempts show and are scored
//!   against, so editing a question never changes how a past attempt was scored.
//! - Choices are numbered from 0 in the author's order; an ordering's answer is that
//!   order, a matching's each choice with its own pair. Short answers compare ignoring
//!   case, accents and runs of white space; numbers within the tolerance.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod prepost;
pub mod quizzes;
pub mod regrade;
pub mod repo;
pub mod service;
pub mod surveys;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// Assessment's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        resource("/courses/{id}/questions")
            .get(list_questions)
            .post(create_question),
    )
    .service(
        resource("/questions/{id}")
            .get(get_question)
            .put(replace_question)
            .delete(delete_question),
    )
    .service(resource("/questions/{id}/translations/{language}").put(put_question_translation))
    .service(resource("/questions/{id}/regrade").post(regrade_question))
    .service(resource("/questions/{id}/regrades").get(list_regrades));
    quiz_routes(cfg);
    prepost_routes(cfg);
    survey_routes(cfg);
}

/// Reaction surveys (`assessment::surveys`).
fn survey_routes(cfg: &mut web::ServiceConfig) {
    use surveys::handlers::*;
    cfg.service(
        resource("/courses/{id}/surveys")
            .get(list_course_surveys)
            .post(create_course_survey),
    )
    .service(
        resource("/cohorts/{id}/surveys")
            .get(list_cohort_surveys)
            .post(create_cohort_survey),
    )
    .service(resource("/surveys/{id}").get(get_survey))
    .service(resource("/surveys/{id}/translations/{language}").put(put_survey_translation))
    .service(resource("/surveys/{id}/responses").post(create_survey_response))
    .service(resource("/surveys/{id}/results").get(get_survey_results))
    .service(resource("/surveys/{id}/items/{item_id}/open-answers").get(list_survey_open_answers));
}

/// Pre- and post-tests (`assessment::prepost`).
fn prepost_routes(cfg: &mut web::ServiceConfig) {
    use prepost::handlers::*;
    cfg.service(
        resource("/courses/{id}/pre-post-tests")
            .get(list_pre_post_tests)
            .post(create_pre_post_test),
    )
    .service(resource("/pre-post-tests/{id}").get(get_pre_post_test))
    .service(resource("/pre-post-tests/{id}/me").get(get_my_gain))
    .service(resource("/pre-post-tests/{id}/results").get(get_pre_post_results));
}

/// Quizzes and attempts (`assessment::quizzes`).
fn quiz_routes(cfg: &mut web::ServiceConfig) {
    use quizzes::handlers::*;
    cfg.service(resource("/lessons/{id}/quiz").get(get_quiz).put(put_quiz))
        .service(resource("/lessons/{id}/quiz/attempts").post(create_attempt))
        .service(
            resource("/cohorts/{id}/quizzes")
                .get(list_cohort_quizzes)
                .post(create_cohort_quiz),
        )
        .service(
            resource("/quizzes/{id}")
                .get(get_cohort_quiz)
                .put(replace_cohort_quiz),
        )
        .service(resource("/quizzes/{id}/attempts").post(create_cohort_attempt))
        .service(resource("/attempts/{id}").get(get_attempt))
        .service(resource("/attempts/{id}/answers/{question_id}").put(put_answer))
        .service(resource("/attempts/{id}/submit").post(submit_attempt));
}

/// Assessment's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    handlers::create_question,
    handlers::list_questions,
    handlers::get_question,
    handlers::replace_question,
    handlers::put_question_translation,
    handlers::delete_question,
    handlers::regrade_question,
    handlers::list_regrades,
    quizzes::handlers::put_quiz,
    quizzes::handlers::get_quiz,
    quizzes::handlers::create_attempt,
    quizzes::handlers::get_attempt,
    quizzes::handlers::put_answer,
    quizzes::handlers::submit_attempt,
    quizzes::handlers::create_cohort_quiz,
    quizzes::handlers::list_cohort_quizzes,
    quizzes::handlers::get_cohort_quiz,
    quizzes::handlers::replace_cohort_quiz,
    quizzes::handlers::create_cohort_attempt,
    prepost::handlers::create_pre_post_test,
    prepost::handlers::list_pre_post_tests,
    prepost::handlers::get_pre_post_test,
    prepost::handlers::get_my_gain,
    prepost::handlers::get_pre_post_results,
    surveys::handlers::create_course_survey,
    surveys::handlers::list_course_surveys,
    surveys::handlers::create_cohort_survey,
    surveys::handlers::list_cohort_surveys,
    surveys::handlers::get_survey,
    surveys::handlers::put_survey_translation,
    surveys::handlers::create_survey_response,
    surveys::handlers::get_survey_results,
    surveys::handlers::list_survey_open_answers,
))]
pub struct Api;
