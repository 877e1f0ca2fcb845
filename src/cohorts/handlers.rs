//! HTTP handlers of cohorts.
//!
//! Each handler parses its input, runs one `db.read` or `db.write` around one service
//! call, and answers through [`Reply`]: every answer names the language of its texts
//! (`Content-Language`, `Vary: Accept-Language`); a single cohort carries an `ETag` made
//! of its version and that language.

use crate::http::json::Json;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{AuthUser, MaybeUser};
use crate::cohorts::dto::{
    COHORT_SORT, CohortLangQuery, CohortResponse, CohortTranslationRequest, CreateCohortRequest,
    CreateCohortTransitionRequest, ListCohortsQuery, UpdateCohortRequest, path_language,
    query_region,
};
use crate::cohorts::model::{CohortPatch, CohortTexts, NewCohortInput};
use crate::cohorts::repo::CohortFilter;
use crate::cohorts::service;
use crate::db::Db;
use crate::db::Written;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    InvalidFields, NotCoordinator, NotLoggedIn, PreconditionFailed, TranslationWritten,
};
use crate::http::etag::IfMatch;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
use crate::http::response::{Reply, no_content};
use crate::state::AppState;
use crate::types::CohortId;

crate::http::doc::problem_answers! {
    /// 404: the cohort is unknown (its sub-resources' operations answer it too).
    NoSuchCohort = (404, "No such cohort");
}

/// Lists cohorts by start date, filtered, in the reader's language. Anyone may read the
/// programme's cohorts.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts",
    tag = "cohorts",
    operation_id = "list_cohorts",
    params(ListCohortsQuery,
        ("Accept-Language" = Option<String>, Header, description = "The reader's languages, with q-values; `lang` overrides it, and without either a logged-in reader's `preferred_language` applies")),
    responses(
        (status = 200, description = "One page of cohorts, by start date then id", body = Page<CohortResponse>,
            headers(("Content-Language" = String, description = "The languages of the cohorts' texts on this page, e.g. `fil, en`"))),
        (status = 400, description = "Bad filter, cursor, limit or `lang`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_cohorts(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<ListCohortsQuery>,
) -> Result<Reply<Page<CohortResponse>>, ApiError> {
    let query = query.into_inner();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let filter = CohortFilter {
        status: query.status,
        kind: query.kind,
        region: query_region(query.region.as_deref())?,
    };
    let page = PageRequest::<String>::parse(query.limit, query.cursor.as_deref(), COHORT_SORT)?;
    let user = user.0;
    let memo = state.cohorts.clone();
    let listed = state
        .db
        .read(move |conn| service::list(conn, user.as_ref(), &filter, &page, prefs, &memo))
        .await?;
    Ok(Reply::localised_page(listed))
}

/// One cohort, in the reader's language.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}",
    tag = "cohorts",
    operation_id = "get_cohort",
    params(("id" = i64, Path, description = "Cohort id"), CohortLangQuery,
        ("Accept-Language" = Option<String>, Header, description = "The reader's languages, with q-values; `lang` overrides it, and without either a logged-in reader's `preferred_language` applies"),
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of the copy the caller has: 304 when it is still current")),
    responses(
        (status = 200, description = "The cohort", body = CohortResponse,
            headers(
                ("ETag" = String, description = "Entity tag of this version in this language; send it in If-None-Match, or in If-Match to change or delete this version"),
                ("Content-Language" = String, description = "The language of the cohort's texts"),
            )),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
    )
)]
pub async fn get_cohort(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<CohortId>,
    query: web::Query<CohortLangQuery>,
) -> Result<Reply<CohortResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user) = (id.into_inner(), user.0);
    let memo = state.cohorts.clone();
    let cohort = state
        .db
        .read_short(move |conn| service::get(conn, user.as_ref(), id, prefs, &memo))
        .await?;
    Ok(Reply::localised(StatusCode::OK, cohort))
}

/// Creates a cohort in `planning` (coordinators and admins).
#[utoipa::path(
    post,
    path = "/api/v1/cohorts",
    tag = "cohorts",
    operation_id = "create_cohort",
    security(("bearer" = [])),
    request_body = CreateCohortRequest,
    responses(
        (status = 201, description = "Created, in `planning`; in its default language", body = CohortResponse,
            headers(
                ("Location" = String, description = "The new cohort"),
                ("ETag" = String, description = "Entity tag of the new cohort"),
                ("Content-Language" = String, description = "The cohort's default language"),
            )),
        (status = 400, description = "Unreadable body (a date not `YYYY-MM-DD`) or unknown field", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotCoordinator,
        (status = 422, description = "Invalid fields: `ends_before_start`, `invalid_time_zone`, `invalid_language`, `invalid_region`, `invalid_capacity`; `facilitator_ids`: `unknown_user`, `not_a_trainer`; `course_ids`: `unknown_course`, `course_not_published`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_cohort(
    db: web::Data<Db>,
    user: AuthUser,
    body: Json<CreateCohortRequest>,
) -> Result<Reply<CohortResponse>, ApiError> {
    let input = NewCohortInput::try_from(body.into_inner())?;
    let actor = user.clone();
    let cohort = db
        .write(move |conn| service::create(conn, &actor, input))
        .await?;
    let id = cohort.view.id;
    tracing::info!(cohort.id = %id, user.id = %user.id, "cohort created");
    Ok(Reply::localised(StatusCode::CREATED, cohort).location(format!("/api/v1/cohorts/{id}")))
}

/// Changes some fields of a cohort: any field for coordinators and admins, `title` and
/// `description` (in the default language) also for its facilitators. A body that
/// changes nothing answers the cohort as it is, with the same `ETag`.
#[utoipa::path(
    patch,
    path = "/api/v1/cohorts/{id}",
    tag = "cohorts",
    operation_id = "update_cohort",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Cohort id"), CohortLangQuery,
        ("Accept-Language" = Option<String>, Header, description = "The languages to answer in, with q-values; `lang` overrides it"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed (in any language); refused (412) when the cohort changed since"),
    ),
    request_body = UpdateCohortRequest,
    responses(
        (status = 200, description = "The cohort as changed", body = CohortResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the new version"),
                ("Content-Language" = String, description = "The language of the cohort's texts"),
            )),
        (status = 400, description = "Unreadable body, unknown field, or `null` for a field", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "Neither a coordinator nor an admin; or a facilitator changing more than texts, or a trainer who does not facilitate the cohort", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
        (status = 412, description = "`precondition_failed`: the cohort changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, as when creating", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_cohort(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<CohortLangQuery>,
    body: Json<UpdateCohortRequest>,
) -> Result<Reply<CohortResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let patch = CohortPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let cohort = db
        .write(move |conn| service::update(conn, &actor, id, patch, if_match.as_ref(), prefs))
        .await?;
    tracing::info!(cohort.id = %id, user.id = %user.id, "cohort changed");
    Ok(Reply::localised(StatusCode::OK, cohort))
}

/// Deletes a cohort still in `planning` (coordinators and admins); a cohort further on is
/// cancelled instead.
#[utoipa::path(
    delete,
    path = "/api/v1/cohorts/{id}",
    tag = "cohorts",
    operation_id = "delete_cohort",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Cohort id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted (in any language); refused (412) when the cohort changed since"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        NotCoordinator,
        NoSuchCohort,
        (status = 409, description = "`not_deletable`: the cohort is past `planning`", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
    )
)]
pub async fn delete_cohort(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    db.write(move |conn| service::delete(conn, &actor, id, if_match.as_ref()))
        .await?;
    tracing::info!(cohort.id = %id, user.id = %user.id, "cohort deleted");
    Ok(no_content())
}

/// Moves a cohort to its next state (coordinators and admins): `planning` →
/// `nominations_open` → `selection` → `running` → `completed`, or `cancelled` from any
/// state before `completed`. Cancelling emails the facilitators, each in their language;
/// enrolments stay as they are.
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/transitions",
    tag = "cohorts",
    operation_id = "create_cohort_transition",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Cohort id"), CohortLangQuery,
        ("Accept-Language" = Option<String>, Header, description = "The languages to answer in, with q-values; `lang` overrides it"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being moved (in any language); refused (412) when the cohort changed since"),
    ),
    request_body = CreateCohortTransitionRequest,
    responses(
        (status = 200, description = "The cohort in its new state", body = CohortResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the new version"),
                ("Content-Language" = String, description = "The language of the cohort's texts"),
            )),
        (status = 400, description = "Unreadable body, unknown field or unknown status", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotCoordinator,
        NoSuchCohort,
        (status = 409, description = "`invalid_transition`: the cohort's state cannot become the one asked", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
    )
)]
pub async fn create_cohort_transition(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<CohortLangQuery>,
    body: Json<CreateCohortTransitionRequest>,
) -> Result<Reply<CohortResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let to = body.into_inner().status;
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let cohort = db
        .write(move |conn| service::transition(conn, &actor, id, to, if_match.as_ref(), prefs))
        .await?;
    tracing::info!(cohort.id = %id, user.id = %user.id, status = %to, "cohort status changed");
    Ok(Reply::localised(StatusCode::OK, cohort))
}

/// Creates or replaces the cohort's title and description in one language (its
/// facilitators, coordinators and admins). Sending the texts it has changes nothing.
#[utoipa::path(
    put,
    path = "/api/v1/cohorts/{id}/translations/{language}",
    tag = "cohorts",
    operation_id = "put_cohort_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = CohortTranslationRequest,
    responses(
        TranslationWritten<CohortResponse>,
        NotLoggedIn,
        (status = 403, description = "Not a facilitator of the cohort, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
        InvalidFields,
    )
)]
pub async fn put_cohort_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CohortId, String)>,
    body: Json<CohortTranslationRequest>,
) -> Result<Reply<CohortResponse>, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let texts = CohortTexts::try_from(body.into_inner())?;
    let (cohort, written) = db
        .write(move |conn| service::put_translation(conn, &user, id, language, texts))
        .await?;
    let created = written == Written::Created;
    Ok(Reply::translation(
        cohort,
        created,
        &format!("/api/v1/cohorts/{id}"),
    ))
}
