//! HTTP handlers of language access: each parses its input, runs one `db.read` or
//! `db.write` around one service call, and answers through [`Reply`].

use actix_web::{HttpResponse, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{NotCoordinator, NotLoggedIn, UnreadableBody};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::json::Json;
use crate::http::pagination::{Page, PageRequest};
use crate::http::query::{parse_language, positive_id};
use crate::http::response::{Reply, no_content};
use crate::state::AppState;
use crate::translations::dto::{
    CourseTranslationsQuery, CourseTranslationsResponse, CreateDraftRequest,
    CreateGlossaryEntryRequest, CreateTranslationRequestBody, DraftResponse, GlossaryEntryResponse,
    GlossaryQuery, ItemTranslationsResponse, QueueItemResponse, QueueQuery, RequestTotalResponse,
    TextTranslationResponse, TotalsQuery, TranslationRequestResponse, TranslatorResponse,
    UpdateGlossaryEntryRequest, draft_texts, path_kind, path_language, platform_language,
};
use crate::translations::model::{Requested, TextKind};
use crate::translations::repo::TotalsFilter;
use crate::translations::service;
use crate::types::CountryCode;
use crate::types::ids::{
    CourseId, GlossaryEntryId, ResourceId, SurveyId, TranslationDraftId, UserId,
};

crate::http::doc::problem_answers! {
    /// 404: the course is unknown (or a draft the caller may not see).
    NoSuchCourse = (404, "No such course");
    /// 404: the course, module or lesson is unknown (or in a draft course the caller may not see).
    NoSuchText = (404, "No such course, module or lesson");
    /// 404: the draft is unknown or not the caller's to see.
    NoSuchDraft = (404, "No such draft");
    /// 404: no such glossary entry.
    NoSuchEntry = (404, "No such glossary entry");
    /// 404: the resource is unknown or not one the caller may read.
    NoSuchResource = (404, "No such resource");
}

/// The state (`complete`, `outdated`, `missing`) of every text of a course (its title,
/// summary and description; each module's title; each lesson's title and content) in each
/// language some text is translated into or learners asked for: the course's owners,
/// coordinators, admins and translators.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/translations",
    tag = "translations",
    operation_id = "list_course_translations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), CourseTranslationsQuery),
    responses(
        (status = 200, description = "The course's texts and their states", body = CourseTranslationsResponse),
        (status = 400, description = "Bad `language`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "Not an owner of the course, a coordinator, an admin or a translator", body = Problem, content_type = "application/problem+json"),
        NoSuchCourse,
    )
)]
pub async fn list_course_translations(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<CourseTranslationsQuery>,
) -> Result<Reply<CourseTranslationsResponse>, ApiError> {
    let language = parse_language(query.language.as_deref())?.map(|l| l.as_str().to_owned());
    let id = id.into_inner();
    let states = db
        .read(move |conn| service::course_translations(conn, &user, id, language))
        .await?;
    Ok(Reply::ok(CourseTranslationsResponse::from(states)).private())
}

/// The state (`complete`, `outdated`, `missing`) of a library resource's text (its title
/// and description) in each language it is translated into or learners asked for: the
/// resource's owner, coordinators, admins and translators (who may read it).
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}/translations",
    tag = "translations",
    operation_id = "list_resource_translations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id"), CourseTranslationsQuery),
    responses(
        (status = 200, description = "The resource's text and its states", body = ItemTranslationsResponse),
        (status = 400, description = "Bad `language`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "Not the resource's owner, a coordinator, an admin or a translator", body = Problem, content_type = "application/problem+json"),
        NoSuchResource,
        (status = 410, description = "`resource_taken_down`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_resource_translations(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
    query: web::Query<CourseTranslationsQuery>,
) -> Result<Reply<ItemTranslationsResponse>, ApiError> {
    let language = parse_language(query.language.as_deref())?.map(|l| l.as_str().to_owned());
    let id = id.into_inner();
    let states = db
        .read(move |conn| service::resource_translations(conn, &user, id, language))
        .await?;
    Ok(Reply::ok(ItemTranslationsResponse::from(states)).private())
}

/// The state (`complete`, `outdated`, `missing`) of a survey's text (its title,
/// description and items) in each language it is translated into: its editors,
/// coordinators, admins and translators.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/translations",
    tag = "translations",
    operation_id = "list_survey_translations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Survey id"), CourseTranslationsQuery),
    responses(
        (status = 200, description = "The survey's text and its states", body = ItemTranslationsResponse),
        (status = 400, description = "Bad `language`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 404, description = "No such survey, or not one the caller edits or translates", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_survey_translations(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<SurveyId>,
    query: web::Query<CourseTranslationsQuery>,
) -> Result<Reply<ItemTranslationsResponse>, ApiError> {
    let language = parse_language(query.language.as_deref())?.map(|l| l.as_str().to_owned());
    let id = id.into_inner();
    let states = db
        .read(move |conn| service::survey_translations(conn, &user, id, language))
        .await?;
    Ok(Reply::ok(ItemTranslationsResponse::from(states)).private())
}

/// A learner asks for the course in their language. Idempotent: asking again answers the
/// first request (200). When every text of the course is complete in that language, the
/// requesters are emailed (in their own language) and the request shows `notified_at`.
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/translation-requests",
    tag = "translations",
    operation_id = "create_translation_request",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    request_body = CreateTranslationRequestBody,
    responses(
        (status = 201, description = "Asked", body = TranslationRequestResponse,
            headers(("Location" = String, description = "The request"))),
        (status = 200, description = "Asked before: the first request", body = TranslationRequestResponse),
        UnreadableBody,
        NotLoggedIn,
        NoSuchCourse,
        (status = 409, description = "`already_translated`: every text is complete in that language", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unsupported_language` (not one of the platform's languages), `invalid_language` or `is_default_language`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_translation_request(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CourseId>,
    body: Json<CreateTranslationRequestBody>,
) -> Result<Reply<TranslationRequestResponse>, ApiError> {
    let language = platform_language(&body.language, "language", &state.settings.languages)?;
    let item = Requested::Course(id.into_inner());
    request(db, user, item, language).await
}

async fn request(
    db: web::Data<Db>,
    user: AuthUser,
    item: Requested,
    language: String,
) -> Result<Reply<TranslationRequestResponse>, ApiError> {
    let (request, created) = db
        .write(move |conn| service::request_translation(conn, &user, item, language))
        .await?;
    let body = TranslationRequestResponse::from(request);
    Ok(if created {
        let collection = match item {
            Requested::Course(id) => format!("/api/v1/courses/{id}"),
            Requested::Resource(id) => format!("/api/v1/resources/{id}"),
        };
        let location = format!("{collection}/translation-requests/{}", body.language);
        Reply::created(body, location).private()
    } else {
        Reply::ok(body).private()
    })
}

/// A learner asks for a library resource in their language, as for a course: idempotent;
/// when the resource's text is complete in that language, the requesters are emailed (in
/// their own language) and the request shows `notified_at`.
#[utoipa::path(
    post,
    path = "/api/v1/resources/{id}/translation-requests",
    tag = "translations",
    operation_id = "create_resource_translation_request",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    request_body = CreateTranslationRequestBody,
    responses(
        (status = 201, description = "Asked", body = TranslationRequestResponse,
            headers(("Location" = String, description = "The request"))),
        (status = 200, description = "Asked before: the first request", body = TranslationRequestResponse),
        UnreadableBody,
        NotLoggedIn,
        NoSuchResource,
        (status = 409, description = "`already_translated`: the text is complete in that language", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`resource_taken_down`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unsupported_language` (not one of the platform's languages), `invalid_language` or `is_default_language`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_resource_translation_request(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ResourceId>,
    body: Json<CreateTranslationRequestBody>,
) -> Result<Reply<TranslationRequestResponse>, ApiError> {
    let language = platform_language(&body.language, "language", &state.settings.languages)?;
    let item = Requested::Resource(id.into_inner());
    request(db, user, item, language).await
}

/// The caller's own request for the resource in a language.
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}/translation-requests/{language}",
    tag = "translations",
    operation_id = "get_resource_translation_request",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    responses(
        (status = 200, description = "The request", body = TranslationRequestResponse),
        (status = 400, description = "Bad language tag", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 404, description = "No such resource, or the caller did not ask for this language", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`resource_taken_down`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_resource_translation_request(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(ResourceId, String)>,
) -> Result<Reply<TranslationRequestResponse>, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let item = Requested::Resource(id);
    let request = db
        .read(move |conn| service::own_request(conn, &user, item, &language))
        .await?;
    Ok(Reply::ok(TranslationRequestResponse::from(request)).private())
}

/// The caller's own request for the course in a language.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/translation-requests/{language}",
    tag = "translations",
    operation_id = "get_translation_request",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    responses(
        (status = 200, description = "The request", body = TranslationRequestResponse),
        (status = 400, description = "Bad language tag", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 404, description = "No such course, or the caller did not ask for this language", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_translation_request(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CourseId, String)>,
) -> Result<Reply<TranslationRequestResponse>, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let item = Requested::Course(id);
    let request = db
        .read(move |conn| service::own_request(conn, &user, item, &language))
        .await?;
    Ok(Reply::ok(TranslationRequestResponse::from(request)).private())
}

const TOTALS_SORT: &str = "totals";

/// Translation requests totalled by item (course or library resource), language and the
/// requesters' country, most requested first (coordinators and admins).
#[utoipa::path(
    get,
    path = "/api/v1/translation-requests/totals",
    tag = "translations",
    operation_id = "list_translation_request_totals",
    security(("bearer" = [])),
    params(TotalsQuery),
    responses(
        (status = 200, description = "One page of totals", body = Page<RequestTotalResponse>),
        (status = 400, description = "Bad filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotCoordinator,
    )
)]
pub async fn list_translation_request_totals(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<TotalsQuery>,
) -> Result<Reply<Page<RequestTotalResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<(i64, String, String, String)>::parse(
        query.limit,
        query.cursor.as_deref(),
        TOTALS_SORT,
    )?;
    let language = parse_language(query.language.as_deref())?
        .map(|l| l.as_str().to_owned())
        .unwrap_or_default();
    let country = query
        .country
        .as_deref()
        .map(|c| {
            CountryCode::parse(c)
                .map(|c| c.as_str().to_owned())
                .map_err(|m| ApiError::invalid_query("country", "invalid_country", m))
        })
        .transpose()?
        .unwrap_or_default();
    let course_id = positive_id("course_id", query.course_id)?.map(CourseId);
    let resource_id = positive_id("resource_id", query.resource_id)?.map(ResourceId);
    let item_kind = match query.kind.as_deref() {
        None => String::new(),
        Some(k @ ("course" | "resource")) => k.to_owned(),
        Some(_) => {
            return Err(ApiError::invalid_query(
                "kind",
                "invalid_kind",
                "must be `course` or `resource`",
            ));
        }
    };
    let filter = TotalsFilter {
        language,
        country,
        course_id,
        resource_id,
        item_kind,
    };
    // The cursor: (total, kind, language, country) and the item's id.
    let after = page
        .after
        .clone()
        .map(|((total, kind, language, country), item)| (total, kind, item, language, country));
    let limit = page.fetch_limit();
    let rows = db
        .read(move |conn| service::totals(conn, &user, filter, after, limit))
        .await?;
    let page = page.finish(
        rows,
        TOTALS_SORT,
        |r| {
            (
                (
                    r.total,
                    r.item_kind.clone(),
                    r.language.clone(),
                    r.country.clone(),
                ),
                r.item_id,
            )
        },
        |r| {
            let kind = TextKind::parse(&r.item_kind).unwrap_or(TextKind::Course);
            let title = r.title.unwrap_or_default();
            RequestTotalResponse {
                item_kind: kind,
                item_id: r.item_id,
                course_id: (kind == TextKind::Course).then_some(r.item_id),
                resource_id: (kind == TextKind::Resource).then_some(r.item_id),
                course_title: title.clone(),
                title,
                language: r.language,
                country: (!r.country.is_empty()).then_some(r.country),
                total: r.total,
                open: r.open,
            }
        },
    );
    Ok(Reply::ok(page).private())
}

/// The languages a user translates into: themselves, coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/translators/{user_id}",
    tag = "translations",
    operation_id = "get_translator",
    security(("bearer" = [])),
    params(("user_id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "Their languages (empty: not a translator)", body = TranslatorResponse),
        NotLoggedIn,
        NotCoordinator,
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_translator(
    db: web::Data<Db>,
    user: AuthUser,
    user_id: web::Path<UserId>,
) -> Result<Reply<TranslatorResponse>, ApiError> {
    let user_id = user_id.into_inner();
    let languages = db
        .read(move |conn| service::translator_languages(conn, &user, user_id))
        .await?;
    Ok(Reply::ok(TranslatorResponse { user_id, languages }).private())
}

/// Makes an approved member of a member union a translator into one of the platform's
/// languages (coordinators and admins). Idempotent.
#[utoipa::path(
    put,
    path = "/api/v1/translators/{user_id}/languages/{language}",
    tag = "translations",
    operation_id = "put_translator_language",
    security(("bearer" = [])),
    params(("user_id" = i64, Path, description = "User id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    responses(
        (status = 201, description = "Granted", body = TranslatorResponse,
            headers(("Location" = String, description = "The translator"))),
        (status = 200, description = "Held already", body = TranslatorResponse),
        (status = 400, description = "Bad language tag", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotCoordinator,
        (status = 404, description = "No such active account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unsupported_language` (not one of the platform's languages) or `not_a_union_member`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_translator_language(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(UserId, String)>,
) -> Result<Reply<TranslatorResponse>, ApiError> {
    let (user_id, language) = path.into_inner();
    let language = path_language(&language)?;
    let language = platform_language(&language, "language", &state.settings.languages)?;
    let (languages, created) = db
        .write(move |conn| service::grant_translator(conn, &user, user_id, language))
        .await?;
    let body = TranslatorResponse { user_id, languages };
    Ok(if created {
        Reply::created(body, format!("/api/v1/translators/{user_id}")).private()
    } else {
        Reply::ok(body).private()
    })
}

/// Takes a language back from a translator (coordinators and admins); their pending drafts
/// stay for review.
#[utoipa::path(
    delete,
    path = "/api/v1/translators/{user_id}/languages/{language}",
    tag = "translations",
    operation_id = "delete_translator_language",
    security(("bearer" = [])),
    params(("user_id" = i64, Path, description = "User id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "Bad language tag", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotCoordinator,
        (status = 404, description = "The user does not translate into this language", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_translator_language(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(UserId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, language) = path.into_inner();
    let language = path_language(&language)?;
    db.write(move |conn| service::revoke_translator(conn, &user, user_id, &language))
        .await?;
    Ok(no_content())
}

const QUEUE_SORT: &str = "requests";

/// The caller's translation queue: missing and outdated texts of published courses in the
/// languages they translate into, most requested first (open requests for the course in
/// that language), then by course, language, kind (course, module, lesson) and id; each
/// with the glossary terms found in its source title.
#[utoipa::path(
    get,
    path = "/api/v1/translation-queue",
    tag = "translations",
    operation_id = "list_translation_queue",
    security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "One page of the queue", body = Page<QueueItemResponse>),
        (status = 400, description = "Bad language, limit or cursor", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "`not_a_translator` (of the language asked)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_translation_queue(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<QueueQuery>,
) -> Result<Reply<Page<QueueItemResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<(i64, i64, String, i64)>::parse(
        query.limit,
        query.cursor.as_deref(),
        QUEUE_SORT,
    )?;
    let language = parse_language(query.language.as_deref())?.map(|l| l.as_str().to_owned());
    let after = page
        .after
        .clone()
        .map(|((requests, course, language, rank), item)| (requests, course, language, rank, item));
    let limit = page.fetch_limit();
    let items = db
        .read(move |conn| service::queue(conn, &user, language, after, limit))
        .await?;
    let page = page.finish(
        items,
        QUEUE_SORT,
        |q| {
            (
                (
                    q.row.requests,
                    q.row.group_id,
                    q.row.language.clone(),
                    q.row.kind_rank,
                ),
                q.row.item_id,
            )
        },
        QueueItemResponse::from,
    );
    Ok(Reply::ok(page).private())
}

/// One text in one language as a translator works on it: the original, the published
/// translation and its state, a draft waiting for review, and the glossary terms found in
/// the original (by field, with code-point offsets). The course's owners, coordinators,
/// admins and translators of the language.
#[utoipa::path(
    get,
    path = "/api/v1/translations/{kind}/{id}/{language}",
    tag = "translations",
    operation_id = "get_text_translation",
    security(("bearer" = [])),
    params(
        ("kind" = String, Path, description = "`course`, `module`, `lesson` or `resource`", pattern = "^(course|module|lesson|resource)$", max_length = 8),
        ("id" = i64, Path, description = "Id of the course, module, lesson or resource"),
        ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35),
    ),
    responses(
        (status = 200, description = "The text in that language", body = TextTranslationResponse),
        (status = 400, description = "Bad kind or language tag", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "Not an owner of the course, a coordinator, an admin or a translator of the language", body = Problem, content_type = "application/problem+json"),
        NoSuchText,
    )
)]
pub async fn get_text_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(String, i64, String)>,
) -> Result<Reply<TextTranslationResponse>, ApiError> {
    let (kind, id, language) = path.into_inner();
    let kind = path_kind(&kind)?;
    let language = path_language(&language)?;
    let view = db
        .read(move |conn| service::text_view(conn, &user, kind, id, language))
        .await?;
    Ok(Reply::ok(TextTranslationResponse::from(view)).private())
}

/// A translator's translation of a text into a language they hold: a draft that waits for
/// review by an owner of the course or another translator of the language (owners publish
/// their own translations at once with `PUT …/translations/{language}`). A newer draft of
/// the same text and language supersedes a pending one.
#[utoipa::path(
    post,
    path = "/api/v1/translations/{kind}/{id}/{language}/drafts",
    tag = "translations",
    operation_id = "create_translation_draft",
    security(("bearer" = [])),
    params(
        ("kind" = String, Path, description = "`course`, `module`, `lesson` or `resource`", pattern = "^(course|module|lesson|resource)$", max_length = 8),
        ("id" = i64, Path, description = "Id of the course, module, lesson or resource"),
        ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35),
    ),
    request_body = CreateDraftRequest,
    responses(
        (status = 201, description = "The draft, pending review", body = DraftResponse,
            headers(("Location" = String, description = "The draft"))),
        (status = 400, description = "Unreadable body, unknown field, bad kind or language tag", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "`not_a_translator`: the caller does not translate into this language", body = Problem, content_type = "application/problem+json"),
        NoSuchText,
        (status = 422, description = "Invalid texts (`not_for_kind` for a field the kind has not), or `is_default_language`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_translation_draft(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(String, i64, String)>,
    body: Json<CreateDraftRequest>,
) -> Result<Reply<DraftResponse>, ApiError> {
    let (kind, id, language) = path.into_inner();
    let kind = path_kind(&kind)?;
    let language = path_language(&language)?;
    let texts = draft_texts(kind, body.into_inner())?;
    let draft = db
        .write(move |conn| service::create_draft(conn, &user, kind, id, language, texts))
        .await?;
    tracing::info!(draft.id = %draft.id, "translation draft proposed");
    let location = format!("/api/v1/translation-drafts/{}", draft.id);
    Ok(Reply::created(DraftResponse::from(draft), location).private())
}

/// One draft: its translator, the course's owners, coordinators, admins and translators
/// of its language.
#[utoipa::path(
    get,
    path = "/api/v1/translation-drafts/{id}",
    tag = "translations",
    operation_id = "get_translation_draft",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Draft id")),
    responses(
        (status = 200, description = "The draft", body = DraftResponse),
        NotLoggedIn,
        NoSuchDraft,
    )
)]
pub async fn get_translation_draft(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<TranslationDraftId>,
) -> Result<Reply<DraftResponse>, ApiError> {
    let id = id.into_inner();
    let draft = db
        .read(move |conn| service::get_draft(conn, &user, id))
        .await?;
    Ok(Reply::ok(DraftResponse::from(draft)).private())
}

/// Approves a pending draft: its texts are published as the translation of the version of
/// the original it was made from (outdated at once if the original changed since). An
/// owner of the course, a coordinator, an admin or another translator of the language;
/// never its own translator.
#[utoipa::path(
    post,
    path = "/api/v1/translation-drafts/{id}/approve",
    tag = "translations",
    operation_id = "approve_translation_draft",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Draft id")),
    responses(
        (status = 200, description = "Approved and published", body = DraftResponse),
        NotLoggedIn,
        (status = 403, description = "`own_translation` (the caller wrote it) or `forbidden`", body = Problem, content_type = "application/problem+json"),
        NoSuchDraft,
        (status = 409, description = "`not_pending`: reviewed or superseded already", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve_translation_draft(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<TranslationDraftId>,
) -> Result<Reply<DraftResponse>, ApiError> {
    review(db, user, id.into_inner(), true).await
}

/// Rejects a pending draft (the same reviewers as approval).
#[utoipa::path(
    post,
    path = "/api/v1/translation-drafts/{id}/reject",
    tag = "translations",
    operation_id = "reject_translation_draft",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Draft id")),
    responses(
        (status = 200, description = "Rejected", body = DraftResponse),
        NotLoggedIn,
        (status = 403, description = "`own_translation` (the caller wrote it) or `forbidden`", body = Problem, content_type = "application/problem+json"),
        NoSuchDraft,
        (status = 409, description = "`not_pending`: reviewed or superseded already", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reject_translation_draft(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<TranslationDraftId>,
) -> Result<Reply<DraftResponse>, ApiError> {
    review(db, user, id.into_inner(), false).await
}

async fn review(
    db: web::Data<Db>,
    user: AuthUser,
    id: TranslationDraftId,
    approve: bool,
) -> Result<Reply<DraftResponse>, ApiError> {
    let draft = db
        .write(move |conn| service::review_draft(conn, &user, id, approve))
        .await?;
    tracing::info!(draft.id = %id, draft.status = %draft.status, "translation draft reviewed");
    Ok(Reply::ok(DraftResponse::from(draft)).private())
}

/// The union glossary, by id (any logged-in caller). Coordinators and admins add and
/// remove entries; translators ask them for new ones.
#[utoipa::path(
    get,
    path = "/api/v1/glossary",
    tag = "translations",
    operation_id = "list_glossary_entries",
    security(("bearer" = [])),
    params(GlossaryQuery),
    responses(
        (status = 200, description = "One page of entries", body = Page<GlossaryEntryResponse>),
        (status = 400, description = "Bad language, limit or cursor", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
    )
)]
pub async fn list_glossary_entries(
    db: web::Data<Db>,
    _user: AuthUser,
    query: web::Query<GlossaryQuery>,
) -> Result<Reply<Page<GlossaryEntryResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<()>::parse(query.limit, query.cursor.as_deref(), "id")?;
    let source = parse_language(query.source_language.as_deref())?.map(|l| l.as_str().to_owned());
    let target = parse_language(query.target_language.as_deref())?.map(|l| l.as_str().to_owned());
    let after = page.after.as_ref().map(|(_, id)| GlossaryEntryId(*id));
    let limit = page.fetch_limit();
    let rows = db
        .read(move |conn| service::list_entries(conn, source, target, after, limit))
        .await?;
    let page = page.finish(
        rows,
        "id",
        |e| ((), e.id.get()),
        GlossaryEntryResponse::from,
    );
    Ok(Reply::ok(page))
}

/// Adds a glossary entry (coordinators and admins).
#[utoipa::path(
    post,
    path = "/api/v1/glossary",
    tag = "translations",
    operation_id = "create_glossary_entry",
    security(("bearer" = [])),
    request_body = CreateGlossaryEntryRequest,
    responses(
        (status = 201, description = "Added", body = GlossaryEntryResponse,
            headers(("Location" = String, description = "The entry"))),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        (status = 409, description = "`duplicate_term` in this pair, or `too_many_entries`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`unsupported_language`, `same_language`, `invalid_term`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_glossary_entry(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CreateGlossaryEntryRequest>,
) -> Result<Reply<GlossaryEntryResponse>, ApiError> {
    let input = body.into_inner().parse(&state.settings.languages)?;
    let entry = db
        .write(move |conn| service::add_entry(conn, &user, input))
        .await?;
    let location = format!("/api/v1/glossary/{}", entry.id);
    Ok(Reply::created(GlossaryEntryResponse::from(entry), location))
}

/// One glossary entry (any logged-in caller).
#[utoipa::path(
    get,
    path = "/api/v1/glossary/{id}",
    tag = "translations",
    operation_id = "get_glossary_entry",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry", body = GlossaryEntryResponse),
        NotLoggedIn,
        NoSuchEntry,
    )
)]
pub async fn get_glossary_entry(
    db: web::Data<Db>,
    _user: AuthUser,
    id: web::Path<GlossaryEntryId>,
) -> Result<Reply<GlossaryEntryResponse>, ApiError> {
    let id = id.into_inner();
    let entry = db.read(move |conn| service::get_entry(conn, id)).await?;
    let etag = entry.etag();
    Ok(Reply::ok(GlossaryEntryResponse::from(entry)).etag(etag))
}

/// Changes a glossary entry (coordinators and admins): only the fields given, each checked
/// as on creation. `If-Match` with the entry's `ETag` guards against overwriting a change
/// made since it was read.
#[utoipa::path(
    patch,
    path = "/api/v1/glossary/{id}",
    tag = "translations",
    operation_id = "update_glossary_entry",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Entry id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed"),
    ),
    request_body = UpdateGlossaryEntryRequest,
    responses(
        (status = 200, description = "Changed (or unchanged)", body = GlossaryEntryResponse,
            headers(("ETag" = String, description = "Entity tag of the entry's version"))),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        NoSuchEntry,
        (status = 409, description = "`duplicate_term` in this pair, or `too_many_entries`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: `If-Match` names another version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`unsupported_language`, `same_language`, `invalid_term`, `invalid_note`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_glossary_entry(
    req: actix_web::HttpRequest,
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<GlossaryEntryId>,
    body: Json<UpdateGlossaryEntryRequest>,
) -> Result<Reply<GlossaryEntryResponse>, ApiError> {
    let patch = body.into_inner().parse(&state.settings.languages)?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let entry = db
        .write(move |conn| service::update_entry(conn, &user, id, patch, if_match.as_ref()))
        .await?;
    let etag = entry.etag();
    Ok(Reply::ok(GlossaryEntryResponse::from(entry)).etag(etag))
}

/// Removes a glossary entry (coordinators and admins).
#[utoipa::path(
    delete,
    path = "/api/v1/glossary/{id}",
    tag = "translations",
    operation_id = "delete_glossary_entry",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Entry id")),
    responses(
        (status = 204, description = "Removed"),
        NotLoggedIn,
        NotCoordinator,
        NoSuchEntry,
    )
)]
pub async fn delete_glossary_entry(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<GlossaryEntryId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.write(move |conn| service::delete_entry(conn, &user, id))
        .await?;
    Ok(no_content())
}
