//! HTTP handlers of quizzes and attempts.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};

use crate::assessment::handlers::PreconditionFailed;
use crate::assessment::model::Answer;
use crate::assessment::quizzes::dto::{
    AnswerBody, AttemptResponse, QuizInput, QuizRequest, QuizResponse,
};
use crate::assessment::quizzes::service;
use crate::assessment::service::Localised;
use crate::auth::AuthUser;
use crate::db::{Db, now};
use crate::error::{ApiError, Problem};
use crate::http::doc::{NotLoggedIn, ReaderLanguage};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::json::Json;
use crate::http::language::Preferences;
use crate::http::response::Reply;
use crate::types::ids::{AttemptId, LessonId, QuestionId};

crate::http::doc::problem_answers! {
    /// 404: no such quiz lesson, or one the caller may not see.
    NoSuchQuiz = (404, "No such lesson or quiz, or not one the caller may see");
    /// 404: no such attempt, or another learner's.
    NoSuchAttempt = (404, "No such attempt, or not the caller's");
    /// 409: the lesson is not a quiz.
    NotAQuiz = (409, "`not_a_quiz`");
    /// 422: some fields are invalid; each is named.
    InvalidQuiz = (422, "Invalid fields (also `unknown_question`, `not_enough_questions`)");
}

fn attempt_reply(status: StatusCode, v: Localised<AttemptResponse>) -> Reply<AttemptResponse> {
    Reply::with_status(status, v.view)
        .etag(v.etag)
        .language(v.language)
        .private()
}

/// Writes a quiz lesson's settings (its course's editors).
#[utoipa::path(
    put,
    path = "/api/v1/lessons/{id}/quiz",
    tag = "assessment",
    operation_id = "put_quiz",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Lesson id (of kind `quiz`)"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the settings being replaced; refused (412) when they changed since"),
    ),
    request_body = QuizRequest,
    responses(
        (status = 200, description = "Replaced (or unchanged)", body = QuizResponse,
            headers(("ETag" = String, description = "Entity tag of the settings' version"))),
        (status = 201, description = "Created", body = QuizResponse,
            headers(
                ("Location" = String, description = "The quiz"),
                ("ETag" = String, description = "Entity tag of the settings' version"),
            )),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NoSuchQuiz,
        NotAQuiz,
        PreconditionFailed,
        InvalidQuiz,
    )
)]
pub async fn put_quiz(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LessonId>,
    body: Json<QuizRequest>,
) -> Result<Reply<QuizResponse>, ApiError> {
    let input = QuizInput::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let lesson_id = id.into_inner();
    let (quiz, created, view) = db
        .write(move |conn| {
            let at = now();
            let (quiz, created) =
                service::put_quiz(conn, &user, lesson_id, input, if_match.as_ref(), at)?;
            let view = service::get_quiz(conn, &user, lesson_id, at)?;
            Ok::<_, ApiError>((quiz, created, view))
        })
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let reply = Reply::with_status(status, view).etag(quiz.etag()).private();
    Ok(if created {
        reply.location(format!("/api/v1/lessons/{lesson_id}/quiz"))
    } else {
        reply
    })
}

/// A quiz lesson's settings: all of them for its editors; for enrolled learners without
/// its questions, with their own attempts.
#[utoipa::path(
    get,
    path = "/api/v1/lessons/{id}/quiz",
    tag = "assessment",
    operation_id = "get_quiz",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lesson id (of kind `quiz`)")),
    responses(
        (status = 200, description = "The quiz", body = QuizResponse),
        NotLoggedIn,
        NoSuchQuiz,
        NotAQuiz,
    )
)]
pub async fn get_quiz(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LessonId>,
) -> Result<Reply<QuizResponse>, ApiError> {
    let lesson_id = id.into_inner();
    let view = db
        .read(move |conn| service::get_quiz(conn, &user, lesson_id, now()))
        .await?;
    Ok(Reply::ok(view).private())
}

/// Starts an attempt: the server chooses the questions and hands them out without their
/// keys or feedback. The caller's open attempt, if any, is answered instead (200).
#[utoipa::path(
    post,
    path = "/api/v1/lessons/{id}/quiz/attempts",
    tag = "assessment",
    operation_id = "create_attempt",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lesson id (of kind `quiz`)"), ReaderLanguage),
    responses(
        (status = 201, description = "Started", body = AttemptResponse,
            headers(
                ("Location" = String, description = "The attempt"),
                ("ETag" = String, description = "Entity tag of the attempt's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        (status = 200, description = "The caller's open attempt", body = AttemptResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the attempt's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        NotLoggedIn,
        (status = 403, description = "`not_enrolled`", body = Problem, content_type = "application/problem+json"),
        NoSuchQuiz,
        (status = 409, description = "`not_a_quiz`, `not_open` (archived course), `quiz_closed`, `no_attempts_left`, `quiz_empty`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_attempt(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LessonId>,
) -> Result<Reply<AttemptResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, None)?;
    let lesson_id = id.into_inner();
    let seed: i64 = rand::random();
    let (v, created) = db
        .write(move |conn| {
            let at = now();
            let (attempt, created) = service::start(conn, &user, lesson_id, seed, at)?;
            let v = service::read_own(conn, &user, attempt.id, prefs, at)?;
            Ok::<_, ApiError>((v, created))
        })
        .await?;
    Ok(if created {
        let location = format!("/api/v1/attempts/{}", v.view.id);
        attempt_reply(StatusCode::CREATED, v).location(location)
    } else {
        attempt_reply(StatusCode::OK, v)
    })
}

/// An attempt, for its learner (or the course's editors): no key before submission; after
/// it, the score, and feedback and correct answers as the quiz's settings allow.
#[utoipa::path(
    get,
    path = "/api/v1/attempts/{id}",
    tag = "assessment",
    operation_id = "get_attempt",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Attempt id"), ReaderLanguage),
    responses(
        (status = 200, description = "The attempt", body = AttemptResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the attempt's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        NotLoggedIn,
        NoSuchAttempt,
    )
)]
pub async fn get_attempt(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AttemptId>,
) -> Result<Reply<AttemptResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, None)?;
    let id = id.into_inner();
    let v = db
        .read(move |conn| service::get_attempt(conn, &user, id, prefs, now()))
        .await?;
    Ok(attempt_reply(StatusCode::OK, v))
}

/// Saves one answer; the same answer again changes nothing. Answers the attempt.
#[utoipa::path(
    put,
    path = "/api/v1/attempts/{id}/answers/{question_id}",
    tag = "assessment",
    operation_id = "put_answer",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Attempt id"),
        ("question_id" = i64, Path, description = "A question of the attempt"),
        ReaderLanguage,
    ),
    request_body = AnswerBody,
    responses(
        (status = 200, description = "Saved; the attempt (without keys)", body = AttemptResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the attempt's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NoSuchAttempt,
        (status = 409, description = "`attempt_submitted`, or `attempt_expired` past the time limit and grace period", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`not_in_attempt` (question_id) or `wrong_shape` (answer)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_answer(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(AttemptId, QuestionId)>,
    body: Json<AnswerBody>,
) -> Result<Reply<AttemptResponse>, ApiError> {
    let answer = Answer::try_from(body.into_inner())?;
    let prefs = Preferences::from_request(&req, None)?;
    let (id, question_id) = path.into_inner();
    let v = db
        .write(move |conn| {
            let at = now();
            service::save_answer(conn, &user, id, question_id, answer, at)?;
            service::read_own(conn, &user, id, prefs, at)
        })
        .await?;
    Ok(attempt_reply(StatusCode::OK, v))
}

/// Submits an attempt: scored on the server in one transaction; a repeat submit changes
/// nothing. Passing completes the quiz lesson.
#[utoipa::path(
    post,
    path = "/api/v1/attempts/{id}/submit",
    tag = "assessment",
    operation_id = "submit_attempt",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Attempt id"), ReaderLanguage),
    responses(
        (status = 200, description = "Submitted; the scored attempt", body = AttemptResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the attempt's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        NotLoggedIn,
        NoSuchAttempt,
    )
)]
pub async fn submit_attempt(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AttemptId>,
) -> Result<Reply<AttemptResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, None)?;
    let id = id.into_inner();
    let v = db
        .write(move |conn| {
            let at = now();
            service::submit(conn, &user, id, at)?;
            service::read_own(conn, &user, id, prefs, at)
        })
        .await?;
    tracing::info!(attempt.id = %id, "attempt submitted");
    Ok(attempt_reply(StatusCode::OK, v))
}
