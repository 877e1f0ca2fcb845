//! HTTP handlers of question banks, quizzes and attempts: each parses its input, runs one
//! `db.read` or `db.write` around one service call, and answers through [`Reply`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::assessment::dto::{
    LangQuery, ListQuestionsQuery, QuestionInput, QuestionRequest, QuestionResponse,
    QuestionTranslationRequest, RegradeList, RegradeRequest, RegradeResponse, path_language,
    regrade_reason, tag, translation_texts,
};
use crate::assessment::regrade::{self, Requester};
use crate::assessment::service::{self, Localised};
use crate::auth::AuthUser;
use crate::db::Written;
use crate::db::{Db, now};
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    AnswerLanguage, InvalidFields, NotLoggedIn, PreconditionFailed, ReaderLanguage,
    TranslationWritten, UnreadableBody,
};
use crate::http::etag::IfMatch;
use crate::http::json::Json;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
use crate::http::response::{Reply, no_content};
use crate::types::ids::{CourseId, QuestionId};

crate::http::doc::problem_answers! {
    /// 404: no such course, or the caller may not edit it (banks are invisible to others).
    NoSuchBank = (404, "No such course, or not one the caller edits");
    /// 404: no such question, or the caller may not edit its course.
    NoSuchQuestion = (404, "No such question, or not one the caller edits");
}

fn localised(status: StatusCode, v: Localised<QuestionResponse>) -> Reply<QuestionResponse> {
    Reply::localised(status, v).private()
}

/// Adds a question to a course's bank.
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/questions",
    tag = "assessment",
    operation_id = "create_question",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), LangQuery, AnswerLanguage),
    request_body = QuestionRequest,
    responses(
        (status = 201, description = "Created (version 1), with its key", body = QuestionResponse,
            headers(
                ("Location" = String, description = "The new question"),
                ("ETag" = String, description = "Entity tag of the question's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NoSuchBank,
        InvalidFields,
    )
)]
pub async fn create_question(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
    body: Json<QuestionRequest>,
) -> Result<Reply<QuestionResponse>, ApiError> {
    let input = QuestionInput::try_from(body.into_inner())?;
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let course_id = id.into_inner();
    let v = db
        .write(move |conn| {
            let view = service::create_question(conn, &user, course_id, input, now())?;
            service::render_question(&view, &prefs)
        })
        .await?;
    let location = format!("/api/v1/questions/{}", v.view.id);
    Ok(localised(StatusCode::CREATED, v).location(location))
}

/// A course's bank, for its editors: questions with their keys, by id, filtered by tag.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/questions",
    tag = "assessment",
    operation_id = "list_questions",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), ListQuestionsQuery, ReaderLanguage),
    responses(
        (status = 200, description = "One page of questions", body = Page<QuestionResponse>),
        (status = 400, description = "Bad limit, cursor or language", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NoSuchBank,
    )
)]
pub async fn list_questions(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<ListQuestionsQuery>,
) -> Result<Reply<Page<QuestionResponse>>, ApiError> {
    let query = query.into_inner();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let page = PageRequest::<()>::parse(query.limit, query.cursor.as_deref(), "id")?;
    // A tag no question can carry matches nothing (200, empty), as the forums' tag filter.
    let tag = query.tag.map(|t| tag(&t.trim().to_lowercase()).ok());
    let course_id = id.into_inner();
    let after = page.after.as_ref().map(|(_, id)| QuestionId(*id));
    let limit = page.fetch_limit();
    let rows = db
        .read(move |conn| service::list_questions(conn, &user, course_id, tag, after, limit, prefs))
        .await?;
    let page = page.finish(rows, "id", |v| ((), v.view.id.get()), |v| v.view);
    Ok(Reply::ok(page).private())
}

/// One question with its key, for the editors of its course.
#[utoipa::path(
    get,
    path = "/api/v1/questions/{id}",
    tag = "assessment",
    operation_id = "get_question",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Question id"), LangQuery, ReaderLanguage),
    responses(
        (status = 200, description = "The question in the reader's language (else its default)", body = QuestionResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the question's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        NotLoggedIn,
        NoSuchQuestion,
    )
)]
pub async fn get_question(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<QuestionId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<QuestionResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let id = id.into_inner();
    let v = db
        .read(move |conn| service::get_question(conn, &user, id, prefs))
        .await?;
    Ok(localised(StatusCode::OK, v))
}

/// Replaces a question (a new version; past attempts keep theirs). Translations whose
/// choices no longer fit are removed.
#[utoipa::path(
    put,
    path = "/api/v1/questions/{id}",
    tag = "assessment",
    operation_id = "replace_question",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Question id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being replaced; refused (412) when the question changed since"),
        LangQuery, AnswerLanguage,
    ),
    request_body = QuestionRequest,
    responses(
        (status = 200, description = "Replaced (or unchanged)", body = QuestionResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the question's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NoSuchQuestion,
        PreconditionFailed,
        InvalidFields,
    )
)]
pub async fn replace_question(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<QuestionId>,
    query: web::Query<LangQuery>,
    body: Json<QuestionRequest>,
) -> Result<Reply<QuestionResponse>, ApiError> {
    let input = QuestionInput::try_from(body.into_inner())?;
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let v = db
        .write(move |conn| {
            let view = service::replace_question(conn, &user, id, input, if_match.as_ref(), now())?;
            service::render_question(&view, &prefs)
        })
        .await?;
    Ok(localised(StatusCode::OK, v))
}

/// Writes a question's texts in one language (stem, feedback, choices).
#[utoipa::path(
    put,
    path = "/api/v1/questions/{id}/translations/{language}",
    tag = "assessment",
    operation_id = "put_question_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Question id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = QuestionTranslationRequest,
    responses(
        TranslationWritten<QuestionResponse>,
        NotLoggedIn,
        NoSuchQuestion,
        InvalidFields,
    )
)]
pub async fn put_question_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(QuestionId, String)>,
    body: Json<QuestionTranslationRequest>,
) -> Result<Reply<QuestionResponse>, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let body = body.into_inner();
    let minor = body.minor.unwrap_or(false);
    let (texts, _) = translation_texts(body)?;
    let (v, written) = db
        .write(move |conn| {
            let prefs = Preferences::only(&language);
            let (view, written) =
                service::put_translation(conn, &user, id, language, texts, minor, now())?;
            Ok::<_, ApiError>((service::render_question(&view, &prefs)?, written))
        })
        .await?;
    let resource = format!("/api/v1/questions/{id}");
    Ok(Reply::translation(v, written == Written::Created, &resource).private())
}

/// Removes a question from its bank; past attempts keep the version they were scored with.
#[utoipa::path(
    delete,
    path = "/api/v1/questions/{id}",
    tag = "assessment",
    operation_id = "delete_question",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Question id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted; refused (412) when the question changed since"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        NoSuchQuestion,
        PreconditionFailed,
    )
)]
pub async fn delete_question(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<QuestionId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    db.write(move |conn| service::delete_question(conn, &user, id, if_match.as_ref(), now()))
        .await?;
    Ok(no_content())
}

/// Regrades a question whose answer key was wrong: correct it first (`PUT
/// /questions/{id}`), then every attempt that asked it is scored against the corrected
/// version (submitted ones at once), and the regrade is recorded with its reason.
#[utoipa::path(
    post,
    path = "/api/v1/questions/{id}/regrade",
    tag = "assessment",
    operation_id = "regrade_question",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Question id")),
    request_body = RegradeRequest,
    responses(
        (status = 200, description = "Regraded and recorded, with the attempts whose score or pass changed", body = RegradeResponse),
        UnreadableBody,
        NotLoggedIn,
        NoSuchQuestion,
        (status = 409, description = "`regrade_incompatible`: the current version asks another kind of question, or has another number of choices, than attempts were shown", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    )
)]
pub async fn regrade_question(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<QuestionId>,
    body: Json<RegradeRequest>,
) -> Result<Reply<RegradeResponse>, ApiError> {
    let reason = regrade_reason(body.into_inner())?;
    let id = id.into_inner();
    let actor = user.clone();
    let outcome = db
        .write(move |conn| regrade::regrade(conn, Requester::Editor(&actor), id, reason, now()))
        .await?;
    tracing::info!(
        question.id = %id,
        regrade.id = %outcome.regrade.id,
        user.id = user.id.get(),
        "question regraded"
    );
    let mut body = RegradeResponse::from(&outcome.regrade);
    body.changed = Some(outcome.changed.iter().map(Into::into).collect());
    Ok(Reply::ok(body).private())
}

/// A question's regrades, newest first (its course's editors).
#[utoipa::path(
    get,
    path = "/api/v1/questions/{id}/regrades",
    tag = "assessment",
    operation_id = "list_regrades",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Question id")),
    responses(
        (status = 200, description = "The question's audit trail of regrades", body = RegradeList),
        NotLoggedIn,
        NoSuchQuestion,
    )
)]
pub async fn list_regrades(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<QuestionId>,
) -> Result<Reply<RegradeList>, ApiError> {
    let id = id.into_inner();
    let rows = db.read(move |conn| regrade::list(conn, &user, id)).await?;
    Ok(Reply::ok(RegradeList {
        items: rows.iter().map(RegradeResponse::from).collect(),
    })
    .private())
}
