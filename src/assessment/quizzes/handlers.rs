//! HTTP handlers of quizzes and attempts.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use chrono::NaiveDateTime;

use crate::assessment::model::Answer;
use crate::assessment::model::Attempt;
use crate::assessment::quizzes::dto::{
    AnswerBody, AttemptResponse, CohortQuizInput, CohortQuizRequest, ID_SORT, QuizInput,
    QuizRequest, QuizResponse,
};
use crate::assessment::quizzes::service;
use crate::assessment::service::Localised;
use crate::auth::AuthUser;
use crate::db::{Db, DbConn, now};
use crate::error::{ApiError, Problem};
use crate::http::doc::{BadPage, NotLoggedIn, PreconditionFailed, ReaderLanguage, UnreadableBody};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::json::Json;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::Reply;
use crate::types::ids::{AttemptId, CohortId, LessonId, QuestionId, QuizId};

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
    Reply::localised(status, v).private()
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
        UnreadableBody,
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
        AttemptStarted,
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
    let lesson_id = id.into_inner();
    started(&req, &db, user, move |conn, user, seed, at| {
        service::start(conn, user, lesson_id, seed, at)
    })
    .await
}

/// 201 or 200 of starting an attempt (`started`): a new attempt, or the caller's open one.
#[derive(utoipa::IntoResponses)]
pub enum AttemptStarted {
    /// Started
    #[response(
        status = 201,
        headers(
            ("Location" = String, description = "The attempt"),
            ("ETag" = String, description = "Entity tag of the attempt's version"),
            ("Content-Language" = String, description = "The language of the texts"),
        )
    )]
    Started(AttemptResponse),
    /// The caller's open attempt
    #[response(
        status = 200,
        headers(
            ("ETag" = String, description = "Entity tag of the attempt's version"),
            ("Content-Language" = String, description = "The language of the texts"),
        )
    )]
    Open(AttemptResponse),
}

/// Starts an attempt through `start` (with a fresh seed) and answers it: 201 with its
/// `Location`, or 200 for the caller's open attempt.
async fn started<F>(
    req: &HttpRequest,
    db: &Db,
    user: AuthUser,
    start: F,
) -> Result<Reply<AttemptResponse>, ApiError>
where
    F: FnOnce(&mut DbConn, &AuthUser, i64, NaiveDateTime) -> Result<(Attempt, bool), ApiError>
        + Send
        + 'static,
{
    let prefs = Preferences::from_request(req, None)?;
    let seed: i64 = rand::random();
    let (v, created) = db
        .write(move |conn| {
            let at = now();
            let (attempt, created) = start(conn, &user, seed, at)?;
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
        UnreadableBody,
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

/// Sets a quiz for a cohort (its facilitators, coordinators and admins), on the question
/// bank of one of the cohort's courses.
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/quizzes",
    tag = "assessment",
    operation_id = "create_cohort_quiz",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body = CohortQuizRequest,
    responses(
        (status = 201, description = "Created", body = QuizResponse,
            headers(
                ("Location" = String, description = "The quiz"),
                ("ETag" = String, description = "Entity tag of the quiz's version"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: not staff of the cohort", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`cohort_closed`, `too_many_quizzes`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (also `course_not_in_cohort`, `unknown_question`, `not_enough_questions`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_cohort_quiz(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<CohortQuizRequest>,
) -> Result<Reply<QuizResponse>, ApiError> {
    let input = CohortQuizInput::try_from(body.into_inner())?;
    let cohort = id.into_inner();
    let (view, quiz) = db
        .write(move |conn| {
            let at = now();
            let quiz = service::create_cohort_quiz(conn, &user, cohort, input, at)?;
            service::get_cohort_quiz(conn, &user, quiz.id, at)
        })
        .await?;
    tracing::info!(quiz.id = %quiz.id, cohort.id = %cohort, "cohort quiz created");
    Ok(Reply::with_status(StatusCode::CREATED, view)
        .etag(quiz.etag())
        .location(format!("/api/v1/quizzes/{}", quiz.id))
        .private())
}

/// A cohort's quizzes by id, for its staff (with their questions) and participants (with
/// their own attempts).
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/quizzes",
    tag = "assessment",
    operation_id = "list_cohort_quizzes",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), PageQuery),
    responses(
        (status = 200, description = "One page of quizzes, by id", body = Page<QuizResponse>),
        BadPage,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: neither staff of the cohort nor a participant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_cohort_quizzes(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<QuizResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), ID_SORT)?;
    let cohort = id.into_inner();
    let page = db
        .read(move |conn| service::list_cohort_quizzes(conn, &user, cohort, &page, now()))
        .await?;
    Ok(Reply::ok(page).private())
}

/// A cohort's quiz: with its questions for the cohort's staff; without them, with their own
/// attempts, for its participants.
#[utoipa::path(
    get,
    path = "/api/v1/quizzes/{id}",
    tag = "assessment",
    operation_id = "get_cohort_quiz",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Quiz id (of a cohort's quiz)")),
    responses(
        (status = 200, description = "The quiz", body = QuizResponse,
            headers(("ETag" = String, description = "Entity tag of the quiz's version"))),
        NotLoggedIn,
        NoSuchQuiz,
    )
)]
pub async fn get_cohort_quiz(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<QuizId>,
) -> Result<Reply<QuizResponse>, ApiError> {
    let id = id.into_inner();
    let (view, quiz) = db
        .read(move |conn| service::get_cohort_quiz(conn, &user, id, now()))
        .await?;
    Ok(Reply::ok(view).etag(quiz.etag()).private())
}

/// Replaces a cohort's quiz (its staff), if it is still the version `If-Match` names.
#[utoipa::path(
    put,
    path = "/api/v1/quizzes/{id}",
    tag = "assessment",
    operation_id = "replace_cohort_quiz",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Quiz id (of a cohort's quiz)"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the quiz being replaced; refused (412) when it changed since"),
    ),
    request_body = CohortQuizRequest,
    responses(
        (status = 200, description = "Replaced (or unchanged)", body = QuizResponse,
            headers(("ETag" = String, description = "Entity tag of the quiz's version"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: a participant", body = Problem, content_type = "application/problem+json"),
        NoSuchQuiz,
        (status = 409, description = "`cohort_closed`", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
        (status = 422, description = "Invalid fields (also `course_not_in_cohort`, `unknown_question`, `not_enough_questions`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn replace_cohort_quiz(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<QuizId>,
    body: Json<CohortQuizRequest>,
) -> Result<Reply<QuizResponse>, ApiError> {
    let input = CohortQuizInput::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let (view, quiz) = db
        .write(move |conn| {
            let at = now();
            service::replace_cohort_quiz(conn, &user, id, input, if_match.as_ref(), at)?;
            service::get_cohort_quiz(conn, &user, id, at)
        })
        .await?;
    Ok(Reply::ok(view).etag(quiz.etag()).private())
}

/// Starts an attempt at a cohort's quiz (its participants): the server chooses the
/// questions and hands them out without their keys or feedback. The caller's open attempt,
/// if any, is answered instead (200).
#[utoipa::path(
    post,
    path = "/api/v1/quizzes/{id}/attempts",
    tag = "assessment",
    operation_id = "create_cohort_attempt",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Quiz id (of a cohort's quiz)"), ReaderLanguage),
    responses(
        AttemptStarted,
        NotLoggedIn,
        (status = 403, description = "`not_participant`: the cohort's staff", body = Problem, content_type = "application/problem+json"),
        NoSuchQuiz,
        (status = 409, description = "`cohort_closed`, `quiz_closed`, `no_attempts_left`, `quiz_empty`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_cohort_attempt(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<QuizId>,
) -> Result<Reply<AttemptResponse>, ApiError> {
    let id = id.into_inner();
    started(&req, &db, user, move |conn, user, seed, at| {
        service::start_cohort_attempt(conn, user, id, seed, at)
    })
    .await
}
