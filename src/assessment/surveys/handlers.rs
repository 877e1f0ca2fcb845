//! HTTP handlers of reaction surveys.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};

use crate::assessment::dto::path_language;
use crate::assessment::surveys::dto::{
    LangQuery, OpenAnswerResponse, ResponseInput, ResponseReceipt, ResponseRequest, SurveyInput,
    SurveyList, SurveyRequest, SurveyResponse, SurveyResultsResponse, SurveyTranslationRequest,
};
use crate::assessment::surveys::model::SurveyTexts;
use crate::assessment::surveys::service::{self, Localised};
use crate::auth::AuthUser;
use crate::db::{Db, now};
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    BadLang, BadPage, NotLoggedIn, ReaderLanguage, TranslationWritten, UnreadableBody,
};
use crate::http::json::Json;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::Reply;
use crate::types::ids::{CohortId, CourseId, SurveyId, SurveyItemId};

crate::http::doc::problem_answers! {
    /// 404: no such survey, or not one the caller may see.
    NoSuchSurvey = (404, "No such survey, or not one the caller may see");
    /// 403: the results are withheld under the threshold of responses.
    ResultsWithheld = (403, "`results_withheld`: fewer responses than the threshold (5; 1 for admins)");
    /// 404: no such survey or open-text item, or not a survey the caller edits.
    NoSuchOpenItem = (404, "No such survey or open-text item of it, or not a survey the caller edits");
    /// 422: some fields are invalid; each is named.
    InvalidSurvey = (422, "Invalid fields: `invalid_title`, `invalid_prompt`, `too_few_options`, `not_allowed`, `out_of_range`, `no_items`, `too_many_items`, `closes_before_opening`, …");
}

fn localised(status: StatusCode, v: Localised<SurveyResponse>) -> Reply<SurveyResponse> {
    Reply::localised(status, v).private()
}

fn created(v: Localised<SurveyResponse>) -> Reply<SurveyResponse> {
    let location = format!("/api/v1/surveys/{}", v.view.id);
    localised(StatusCode::CREATED, v).location(location)
}

/// Adds an end-of-course survey, asking the course's learners (the course's editors).
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/surveys",
    tag = "assessment",
    operation_id = "create_course_survey",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    request_body = SurveyRequest,
    responses(
        (status = 201, description = "Created, in its default language", body = SurveyResponse,
            headers(
                ("Location" = String, description = "The survey"),
                ("ETag" = String, description = "Entity tag of the survey's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 404, description = "No such course, or not one the caller edits", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`too_many_surveys`: the course has 50", body = Problem, content_type = "application/problem+json"),
        InvalidSurvey,
    )
)]
pub async fn create_course_survey(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    body: Json<SurveyRequest>,
) -> Result<Reply<SurveyResponse>, ApiError> {
    let input = SurveyInput::try_from(body.into_inner())?;
    let course_id = id.into_inner();
    let v = db
        .write(move |conn| service::create_for_course(conn, &user, course_id, input, now()))
        .await?;
    Ok(created(v))
}

/// Adds a cohort-end survey asking its participants, or with `session_id` a live session's
/// asking its audience (the cohort's facilitators, coordinators, admins).
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/surveys",
    tag = "assessment",
    operation_id = "create_cohort_survey",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body = SurveyRequest,
    responses(
        (status = 201, description = "Created, in its default language", body = SurveyResponse,
            headers(
                ("Location" = String, description = "The survey"),
                ("ETag" = String, description = "Entity tag of the survey's version"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 404, description = "No such cohort, or not one the caller facilitates", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`too_many_surveys`: the cohort has 50", body = Problem, content_type = "application/problem+json"),
        InvalidSurvey,
    )
)]
pub async fn create_cohort_survey(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<SurveyRequest>,
) -> Result<Reply<SurveyResponse>, ApiError> {
    let input = SurveyInput::try_from(body.into_inner())?;
    let cohort_id = id.into_inner();
    let v = db
        .write(move |conn| service::create_for_cohort(conn, &user, cohort_id, input, now()))
        .await?;
    Ok(created(v))
}

/// A course's end-of-course surveys, in the reader's language (its editors and learners).
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/surveys",
    tag = "assessment",
    operation_id = "list_course_surveys",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), LangQuery, ReaderLanguage),
    responses(
        (status = 200, description = "The surveys by id (at most 50), each in the reader's language", body = SurveyList),
        BadLang,
        NotLoggedIn,
        (status = 404, description = "No such course, or the caller neither edits nor takes it", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_course_surveys(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<SurveyList>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let course_id = id.into_inner();
    let items = db
        .read(move |conn| service::list_for_course(conn, &user, course_id, prefs, now()))
        .await?;
    Ok(Reply::ok(SurveyList { items }).private())
}

/// A cohort's surveys (its end's and its sessions'), in the reader's language: all for its
/// editors, those that ask the caller for others.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/surveys",
    tag = "assessment",
    operation_id = "list_cohort_surveys",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), LangQuery, ReaderLanguage),
    responses(
        (status = 200, description = "The surveys by id (at most 50), each in the reader's language", body = SurveyList),
        BadLang,
        NotLoggedIn,
        (status = 404, description = "No such cohort, or none of its surveys is the caller's to see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_cohort_surveys(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<SurveyList>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let cohort_id = id.into_inner();
    let items = db
        .read(move |conn| service::list_for_cohort(conn, &user, cohort_id, prefs, now()))
        .await?;
    Ok(Reply::ok(SurveyList { items }).private())
}

/// A survey in the reader's language (`?lang=`, `Accept-Language`, their preferred
/// language, then the survey's default), with whether the caller has responded.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}",
    tag = "assessment",
    operation_id = "get_survey",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Survey id"), LangQuery, ReaderLanguage),
    responses(
        (status = 200, description = "The survey", body = SurveyResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the survey's version in this language"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        BadLang,
        NotLoggedIn,
        NoSuchSurvey,
    )
)]
pub async fn get_survey(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<SurveyId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<SurveyResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let id = id.into_inner();
    let v = db
        .read(move |conn| service::get(conn, &user, id, prefs, now()))
        .await?;
    Ok(localised(StatusCode::OK, v))
}

/// Writes a survey's texts in one language: title, description, and every item's prompt
/// and options in order (the survey's editors).
#[utoipa::path(
    put,
    path = "/api/v1/surveys/{id}/translations/{language}",
    tag = "assessment",
    operation_id = "put_survey_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Survey id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = SurveyTranslationRequest,
    responses(
        TranslationWritten<SurveyResponse>,
        NotLoggedIn,
        (status = 404, description = "No such survey, or not one the caller edits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: `invalid_title`, `invalid_prompt`, `invalid_option`, `items_mismatch`, `options_mismatch`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_survey_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(SurveyId, String)>,
    body: Json<SurveyTranslationRequest>,
) -> Result<Reply<SurveyResponse>, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let body = body.into_inner();
    let minor = body.minor.unwrap_or(false);
    let texts = SurveyTexts::try_from(body)?;
    let (v, new) = db
        .write(move |conn| service::put_translation(conn, &user, id, language, texts, minor, now()))
        .await?;
    Ok(Reply::translation(v, new, &format!("/api/v1/surveys/{id}")).private())
}

/// Responds to a survey, once (those it asks, while it is open). An anonymous survey keeps
/// nothing that ties the response to the caller; the answer carries the day only.
#[utoipa::path(
    post,
    path = "/api/v1/surveys/{id}/responses",
    tag = "assessment",
    operation_id = "create_survey_response",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Survey id")),
    request_body = ResponseRequest,
    responses(
        (status = 201, description = "Recorded. `Location` is the survey (whose `responded` is now true): a response is never readable on its own", body = ResponseReceipt,
            headers(("Location" = String, description = "The survey"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`not_asked`: an editor the survey does not ask", body = Problem, content_type = "application/problem+json"),
        NoSuchSurvey,
        (status = 409, description = "`already_responded`, `survey_not_open`, `survey_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answers: `unknown_item`, `duplicate_item`, `wrong_shape`, `out_of_range`, `required`, `invalid_text`, `too_many_answers`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_survey_response(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<SurveyId>,
    body: Json<ResponseRequest>,
) -> Result<Reply<ResponseReceipt>, ApiError> {
    let input = ResponseInput::try_from(body.into_inner())?;
    let id = id.into_inner();
    let receipt = db
        .write(move |conn| service::respond(conn, &user, id, input, now()))
        .await?;
    Ok(Reply::created(receipt, format!("/api/v1/surveys/{id}")).private())
}

/// A survey's results: response rate, each item's mean and distribution, open answers
/// (sorted, without respondents). Withheld under five responses for all but admins
/// (`withheld: true`); the survey's editors only (404 for everyone else).
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/results",
    tag = "assessment",
    operation_id = "get_survey_results",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Survey id"), LangQuery, ReaderLanguage),
    responses(
        (status = 200, description = "The results (or, under the threshold, the counts only)", body = SurveyResultsResponse,
            headers(("Content-Language" = String, description = "The language of the prompts"))),
        BadLang,
        NotLoggedIn,
        (status = 404, description = "No such survey, or not one the caller edits", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_survey_results(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<SurveyId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<SurveyResultsResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let id = id.into_inner();
    let body = db
        .read(move |conn| service::results(conn, &user, id, prefs))
        .await?;
    let language = body.language.clone();
    Ok(Reply::ok(body).language(language).private())
}

/// All of an open-text item's answers, one entry per distinct text with how many gave it,
/// sorted by text (never in the order they came, and with no respondent): the results show
/// the first 20. The survey's editors only, once the results are not withheld.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/items/{item_id}/open-answers",
    tag = "assessment",
    operation_id = "list_survey_open_answers",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Survey id"),
        ("item_id" = i64, Path, description = "An open-text item of the survey"),
        PageQuery,
    ),
    responses(
        (status = 200, description = "One page of distinct answers", body = Page<OpenAnswerResponse>),
        BadPage,
        NotLoggedIn,
        ResultsWithheld,
        NoSuchOpenItem,
    )
)]
pub async fn list_survey_open_answers(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(SurveyId, SurveyItemId)>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<OpenAnswerResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::parse(
        query.limit,
        query.cursor.as_deref(),
        service::OPEN_ANSWER_SORT,
    )?;
    let (id, item) = path.into_inner();
    let page = db
        .read(move |conn| service::open_answers(conn, &user, id, item, page))
        .await?;
    Ok(Reply::ok(page).private())
}
