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
pub mod repo;
pub mod service;

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
    .service(resource("/questions/{id}/translations/{language}").put(put_question_translation));
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
))]
pub struct Api;
