//! HTTP handlers of the learning cloud's catalogue, courses, modules and lessons.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::auth::{AuthUser, MaybeUser};
use crate::courses::dto::{
    CatalogueItem, CourseResponse, CourseSort, CourseTexts, CourseTranslationRequest,
    CreateCourseRequest, CreateLessonRequest, CreateModuleRequest, LangQuery, LessonItem,
    LessonOrderRequest, LessonPatch, LessonResponse, LessonTranslationRequest, ListCoursesQuery,
    ListLessonsQuery, ModuleOrderRequest, ModuleResponse, ModuleTranslationRequest, NewCourseInput,
    NewLessonInput, UpdateCourseRequest, UpdateLessonRequest, UpdateModuleRequest, lesson_texts,
    module_title, parse_language, parse_topic, path_language,
};
use crate::courses::model::CourseStatus;
use crate::courses::repo::{CatalogueFilter, CatalogueOrder};
use crate::courses::service::{self, CatalogueRequest, Transition};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::etag::IfMatch;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
use crate::http::query::{parse_q, parse_since};

fn prefs(req: &HttpRequest, lang: Option<&str>) -> Result<Preferences, ApiError> {
    Preferences::from_request(req, lang)
}

/// Whether `If-None-Match` names `tag` (weak comparison).
fn none_match(req: &HttpRequest, tag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.trim_start_matches("W/") == tag)
        })
}

/// `value` as JSON with its `ETag` and `Content-Language`; 304 for a `GET` whose
/// `If-None-Match` names the tag.
fn tagged<T: Serialize>(
    req: Option<&HttpRequest>,
    status: StatusCode,
    value: &T,
    language: &str,
    location: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    let tag = crate::http::etag::of(&body);
    let not_modified = req.is_some_and(|r| none_match(r, &tag));
    let mut res = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::build(status)
    };
    res.insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_LANGUAGE, language.to_owned()))
        .insert_header((header::VARY, "Accept-Language"));
    if let Some(location) = location {
        res.insert_header((header::LOCATION, location));
    }
    if not_modified {
        return Ok(res.finish());
    }
    Ok(res.content_type("application/json").body(body))
}

fn course_answer(
    req: Option<&HttpRequest>,
    status: StatusCode,
    course: &CourseResponse,
) -> Result<HttpResponse, ApiError> {
    let location =
        (status == StatusCode::CREATED).then(|| format!("/api/v1/courses/{}", course.summary.id));
    tagged(req, status, course, &course.summary.language, location)
}

/// The published catalogue (drafts and archived courses for their owners and
/// coordinators), filtered, sorted and paged, in the reader's language.
#[utoipa::path(
    get,
    path = "/api/v1/courses",
    tag = "courses",
    operation_id = "list_courses",
    params(ListCoursesQuery, ("Accept-Language" = Option<String>, Header, description = "The reader's languages, with q-values")),
    responses(
        (status = 200, description = "One page of courses (and tombstones when asked)", body = Page<CatalogueItem>,
            headers(("Content-Language" = String, description = "The first language asked for, when any"))),
        (status = 400, description = "Bad filter, sort, cursor, limit or `updated_since`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`status=draft` or `archived` without logging in, or an invalid token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_courses(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    query: web::Query<ListCoursesQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let prefs = prefs(&req, query.lang.as_deref())?;
    let since = parse_since(query.updated_since.as_deref())?;
    let sort = query.sort.unwrap_or_default();
    let (order, sort_name) = match (since, sort) {
        (Some(_), _) => (CatalogueOrder::Updated, "updated"),
        // Drafts have no publication time; the others sort by it.
        (None, CourseSort::Newest) if query.status == Some(CourseStatus::Draft) => {
            (CatalogueOrder::Newest, sort.as_str())
        }
        (None, CourseSort::Newest) => (CatalogueOrder::NewestPublished, sort.as_str()),
        (None, CourseSort::Title) => (CatalogueOrder::Title, sort.as_str()),
        (None, CourseSort::Popular) => (CatalogueOrder::Popular, sort.as_str()),
    };
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), sort_name)?;
    let topic = query
        .topic
        .as_deref()
        .map(|t| parse_topic(t).map_err(|m| ApiError::invalid_query("topic", "invalid_topic", m)))
        .transpose()?;
    let language = query
        .language
        .as_deref()
        .map(|l| {
            parse_language(l)
                .map_err(|m| ApiError::invalid_query("language", "invalid_language", m))
        })
        .transpose()?;
    let filter = CatalogueFilter {
        status: query.status.unwrap_or(CourseStatus::Published),
        owner: None,
        topic,
        language,
        level: query.level,
        format: query.format,
        q: parse_q(query.q.as_deref())?,
        q_language: prefs.first().map(str::to_owned),
        since,
        with_removed: query.include_deleted.unwrap_or(false),
    };
    let content_language = prefs.first().map(str::to_owned);
    let page = service::catalogue(
        &db,
        user.0,
        CatalogueRequest {
            filter,
            order,
            sort_name,
            page,
            prefs,
        },
    )
    .await?;
    let mut res = HttpResponse::Ok();
    res.insert_header((header::VARY, "Accept-Language"));
    if let Some(lang) = content_language {
        res.insert_header((header::CONTENT_LANGUAGE, lang));
    }
    Ok(res.json(page))
}

/// One course with its outline (modules, lesson titles, kinds, durations), in the reader's
/// language. Drafts answer 404 to those who may not see them.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}",
    tag = "courses",
    operation_id = "get_course",
    params(("id" = i64, Path, description = "Course id"), LangQuery,
        ("Accept-Language" = Option<String>, Header, description = "The reader's languages, with q-values")),
    responses(
        (status = 200, description = "The course", body = CourseResponse,
            headers(
                ("ETag" = String, description = "Entity tag of this answer; send it in If-None-Match, or in If-Match to change or delete this version"),
                ("Content-Language" = String, description = "The language of the course's texts"),
            )),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let prefs = prefs(&req, query.lang.as_deref())?;
    let course = service::get_course(&db, user.0, id.into_inner(), prefs).await?;
    course_answer(Some(&req), StatusCode::OK, &course)
}

/// Creates a draft course; the caller (a trainer, coordinator or admin) becomes its owner.
#[utoipa::path(
    post,
    path = "/api/v1/courses",
    tag = "courses",
    operation_id = "create_course",
    security(("bearer" = [])),
    request_body = CreateCourseRequest,
    responses(
        (status = 201, description = "Created, as a draft", body = CourseResponse,
            headers(("Location" = String, description = "The new course"), ("ETag" = String, description = "Entity tag of the new course"))),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a trainer, coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_course(
    db: web::Data<Db>,
    user: AuthUser,
    body: web::Json<CreateCourseRequest>,
) -> Result<HttpResponse, ApiError> {
    crate::auth::policy::authorize(&user, crate::auth::policy::Action::CreateCourse)?;
    let input = NewCourseInput::try_from(body.into_inner())?;
    let course = service::create_course(&db, &user, input).await?;
    tracing::info!(
        course.id = course.summary.id,
        user.id = user.id,
        "course created"
    );
    course_answer(None, StatusCode::CREATED, &course)
}

/// Changes some fields of a course (its owners, coordinators and admins).
#[utoipa::path(
    patch,
    path = "/api/v1/courses/{id}",
    tag = "courses",
    operation_id = "update_course",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Course id"), LangQuery,
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed (in any language); refused (412) when the course changed since"),
    ),
    request_body = UpdateCourseRequest,
    responses(
        (status = 200, description = "The course as changed", body = CourseResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        (status = 400, description = "Unreadable body, unknown field, or `null` for a required field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the course changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `no_translation` for a default language without texts", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<LangQuery>,
    body: web::Json<UpdateCourseRequest>,
) -> Result<HttpResponse, ApiError> {
    let prefs = prefs(&req, query.lang.as_deref())?;
    let patch = body.into_inner().try_into()?;
    let course = service::update_course(
        &db,
        &user,
        id.into_inner(),
        IfMatch::from_request(&req),
        patch,
        prefs,
    )
    .await?;
    tracing::info!(
        course.id = course.summary.id,
        user.id = user.id,
        "course changed"
    );
    course_answer(None, StatusCode::OK, &course)
}

/// Deletes a course (a soft delete: sync clients get a tombstone); its slug is freed.
#[utoipa::path(
    delete,
    path = "/api/v1/courses/{id}",
    tag = "courses",
    operation_id = "delete_course",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Course id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted; refused (412) when the course changed since"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    service::delete_course(&db, &user, id, IfMatch::from_request(&req)).await?;
    tracing::info!(course.id = id, user.id = user.id, "course deleted");
    Ok(HttpResponse::NoContent().finish())
}

/// Publishes a draft or archived course (coordinators and admins).
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/publish",
    tag = "courses",
    operation_id = "publish_course",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), LangQuery),
    responses(
        (status = 200, description = "The course, published", body = CourseResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: published already", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn publish_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let prefs = prefs(&req, query.lang.as_deref())?;
    let course =
        service::transition(&db, &user, id.into_inner(), Transition::Publish, prefs).await?;
    tracing::info!(
        course.id = course.summary.id,
        user.id = user.id,
        "course published"
    );
    course_answer(None, StatusCode::OK, &course)
}

/// Archives a published course: out of the catalogue, still readable (coordinators and
/// admins).
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/archive",
    tag = "courses",
    operation_id = "archive_course",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), LangQuery),
    responses(
        (status = 200, description = "The course, archived", body = CourseResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: not published", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn archive_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let prefs = prefs(&req, query.lang.as_deref())?;
    let course =
        service::transition(&db, &user, id.into_inner(), Transition::Archive, prefs).await?;
    tracing::info!(
        course.id = course.summary.id,
        user.id = user.id,
        "course archived"
    );
    course_answer(None, StatusCode::OK, &course)
}

/// Creates or replaces the course's title, summary and description in one language.
#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/translations/{language}",
    tag = "courses",
    operation_id = "put_course_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = CourseTranslationRequest,
    responses(
        (status = 200, description = "Replaced; the course in that language", body = CourseResponse),
        (status = 201, description = "Created; the course in that language", body = CourseResponse),
        (status = 400, description = "Unreadable body, unknown field, or a bad language tag", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_course_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, String)>,
    body: web::Json<CourseTranslationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let texts = CourseTexts::try_from(body.into_inner())?;
    let (course, created) =
        service::put_course_translation(&db, &user, id, language, texts).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = created.then(|| {
        format!(
            "/api/v1/courses/{}?lang={}",
            course.summary.id, course.summary.language
        )
    });
    tagged(None, status, &course, &course.summary.language, location)
}

/// Makes a trainer, coordinator or admin an owner of the course (owners, coordinators and
/// admins). Idempotent.
#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/owners/{user_id}",
    tag = "courses",
    operation_id = "put_course_owner",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), ("user_id" = i64, Path, description = "The new owner")),
    responses(
        (status = 204, description = "The user owns the course"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unknown_user`, or `not_a_trainer`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_course_owner(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, owner) = path.into_inner();
    service::add_owner(&db, &user, id, owner).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes an owner of the course; the last one stays.
#[utoipa::path(
    delete,
    path = "/api/v1/courses/{id}/owners/{user_id}",
    tag = "courses",
    operation_id = "delete_course_owner",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), ("user_id" = i64, Path, description = "The owner to remove")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or the user is not an owner", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_owner`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_course_owner(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, owner) = path.into_inner();
    service::remove_owner(&db, &user, id, owner).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A course's lessons with their content, for offline sync: with `updated_since`, only
/// those changed since (oldest change first), deleted ones as tombstones when asked.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/lessons",
    tag = "lessons",
    operation_id = "list_course_lessons",
    params(("id" = i64, Path, description = "Course id"), ListLessonsQuery),
    responses(
        (status = 200, description = "One page of lessons", body = Page<LessonItem>),
        (status = 400, description = "Bad `updated_since`, limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Members-only course and not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_enrolled`: members-only course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_course_lessons(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
    query: web::Query<ListLessonsQuery>,
) -> Result<web::Json<Page<LessonItem>>, ApiError> {
    let query = query.into_inner();
    let prefs = prefs(&req, query.lang.as_deref())?;
    let since = parse_since(query.updated_since.as_deref())?;
    let sort = if since.is_some() { "updated" } else { "id" };
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), sort)?;
    let with_deleted = query.include_deleted.unwrap_or(false);
    Ok(web::Json(
        service::list_lessons(
            &db,
            user.0,
            id.into_inner(),
            since,
            with_deleted,
            page,
            prefs,
        )
        .await?,
    ))
}

/// Adds a module at the end of the course.
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/modules",
    tag = "modules",
    operation_id = "create_module",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    request_body = CreateModuleRequest,
    responses(
        (status = 201, description = "Created", body = ModuleResponse,
            headers(("Location" = String, description = "The new module"))),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_module(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<CreateModuleRequest>,
) -> Result<HttpResponse, ApiError> {
    let title = module_title(&body.title)?;
    let module = service::create_module(&db, &user, id.into_inner(), title).await?;
    let location = format!("/api/v1/modules/{}", module.id);
    tagged(
        None,
        StatusCode::CREATED,
        &module,
        &module.language.clone(),
        Some(location),
    )
}

/// One module.
#[utoipa::path(
    get,
    path = "/api/v1/modules/{id}",
    tag = "modules",
    operation_id = "get_module",
    params(("id" = i64, Path, description = "Module id"), LangQuery),
    responses(
        (status = 200, description = "The module", body = ModuleResponse),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 404, description = "No such module, or in a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_module(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let prefs = prefs(&req, query.lang.as_deref())?;
    let module = service::get_module(&db, user.0, id.into_inner(), prefs).await?;
    tagged(Some(&req), StatusCode::OK, &module, &module.language, None)
}

/// Renames a module (its title in the course's default language).
#[utoipa::path(
    patch,
    path = "/api/v1/modules/{id}",
    tag = "modules",
    operation_id = "update_module",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Module id")),
    request_body = UpdateModuleRequest,
    responses(
        (status = 200, description = "The module", body = ModuleResponse),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such module", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_module(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<UpdateModuleRequest>,
) -> Result<HttpResponse, ApiError> {
    let title = module_title(&body.title)?;
    let module = service::put_module_title(&db, &user, id.into_inner(), None, title).await?;
    tagged(None, StatusCode::OK, &module, &module.language, None)
}

/// Sets a module's title in one language.
#[utoipa::path(
    put,
    path = "/api/v1/modules/{id}/translations/{language}",
    tag = "modules",
    operation_id = "put_module_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Module id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = ModuleTranslationRequest,
    responses(
        (status = 200, description = "The module in that language", body = ModuleResponse),
        (status = 400, description = "Unreadable body, unknown field or bad language tag", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such module", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_module_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, String)>,
    body: web::Json<ModuleTranslationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let title = module_title(&body.title)?;
    let module = service::put_module_title(&db, &user, id, Some(language), title).await?;
    tagged(None, StatusCode::OK, &module, &module.language, None)
}

/// Deletes a module and its lessons (tombstones for sync); later modules move up.
#[utoipa::path(
    delete,
    path = "/api/v1/modules/{id}",
    tag = "modules",
    operation_id = "delete_module",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Module id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such module", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_module(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    service::delete_module(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Puts all of a course's modules in a new order, in one request.
#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/modules/order",
    tag = "modules",
    operation_id = "order_modules",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), LangQuery),
    request_body = ModuleOrderRequest,
    responses(
        (status = 200, description = "The course with its new outline", body = CourseResponse),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`order_mismatch`: not exactly the course's modules", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn order_modules(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<LangQuery>,
    body: web::Json<ModuleOrderRequest>,
) -> Result<HttpResponse, ApiError> {
    let prefs = prefs(&req, query.lang.as_deref())?;
    let course = service::order_modules(
        &db,
        &user,
        id.into_inner(),
        body.into_inner().module_ids,
        prefs,
    )
    .await?;
    course_answer(None, StatusCode::OK, &course)
}

/// Puts all of a module's lessons in a new order, in one request.
#[utoipa::path(
    put,
    path = "/api/v1/modules/{id}/lessons/order",
    tag = "lessons",
    operation_id = "order_lessons",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Module id"), LangQuery),
    request_body = LessonOrderRequest,
    responses(
        (status = 200, description = "The course with its new outline", body = CourseResponse),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such module", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`order_mismatch`: not exactly the module's lessons", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn order_lessons(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<LangQuery>,
    body: web::Json<LessonOrderRequest>,
) -> Result<HttpResponse, ApiError> {
    let prefs = prefs(&req, query.lang.as_deref())?;
    let course = service::order_lessons(
        &db,
        &user,
        id.into_inner(),
        body.into_inner().lesson_ids,
        prefs,
    )
    .await?;
    course_answer(None, StatusCode::OK, &course)
}

/// Adds a lesson at the end of the module.
#[utoipa::path(
    post,
    path = "/api/v1/modules/{id}/lessons",
    tag = "lessons",
    operation_id = "create_lesson",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Module id")),
    request_body = CreateLessonRequest,
    responses(
        (status = 201, description = "Created", body = LessonResponse,
            headers(("Location" = String, description = "The new lesson"), ("ETag" = String, description = "Entity tag of the new lesson"))),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such module", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or fields that do not fit the kind (`required`, `not_for_kind`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_lesson(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<CreateLessonRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = NewLessonInput::try_from(body.into_inner())?;
    let lesson = service::create_lesson(&db, &user, id.into_inner(), input).await?;
    let location = format!("/api/v1/lessons/{}", lesson.id);
    tagged(
        None,
        StatusCode::CREATED,
        &lesson,
        &lesson.language,
        Some(location),
    )
}

/// A lesson with its content (Markdown and sanitised HTML) in the reader's language.
/// Lessons of members-only courses are for the enrolled, the course's owners,
/// coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/lessons/{id}",
    tag = "lessons",
    operation_id = "get_lesson",
    params(("id" = i64, Path, description = "Lesson id"), LangQuery,
        ("Accept-Language" = Option<String>, Header, description = "The reader's languages, with q-values")),
    responses(
        (status = 200, description = "The lesson", body = LessonResponse,
            headers(
                ("ETag" = String, description = "Entity tag; send it in If-None-Match, or in If-Match to change or delete this version"),
                ("Content-Language" = String, description = "The language of the title and content"),
            )),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "Members-only course and not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_enrolled`: members-only course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson, or in a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_lesson(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let prefs = prefs(&req, query.lang.as_deref())?;
    let lesson = service::get_lesson(&db, user.0, id.into_inner(), prefs).await?;
    tagged(Some(&req), StatusCode::OK, &lesson, &lesson.language, None)
}

/// Changes some fields of a lesson; `title` and `content` are those of the course's
/// default language.
#[utoipa::path(
    patch,
    path = "/api/v1/lessons/{id}",
    tag = "lessons",
    operation_id = "update_lesson",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Lesson id"), LangQuery,
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed; refused (412) when the lesson changed since"),
    ),
    request_body = UpdateLessonRequest,
    responses(
        (status = 200, description = "The lesson as changed", body = LessonResponse),
        (status = 400, description = "Unreadable body, unknown field, or `null` for a required field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or fields that do not fit the kind", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_lesson(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<LangQuery>,
    body: web::Json<UpdateLessonRequest>,
) -> Result<HttpResponse, ApiError> {
    let prefs = prefs(&req, query.lang.as_deref())?;
    let patch = LessonPatch {
        req: body.into_inner(),
    };
    let lesson = service::update_lesson(
        &db,
        &user,
        id.into_inner(),
        IfMatch::from_request(&req),
        patch,
        prefs,
    )
    .await?;
    tagged(None, StatusCode::OK, &lesson, &lesson.language, None)
}

/// Sets a lesson's title and content in one language.
#[utoipa::path(
    put,
    path = "/api/v1/lessons/{id}/translations/{language}",
    tag = "lessons",
    operation_id = "put_lesson_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lesson id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = LessonTranslationRequest,
    responses(
        (status = 200, description = "The lesson in that language", body = LessonResponse),
        (status = 400, description = "Unreadable body, unknown field or bad language tag", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_lesson_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, String)>,
    body: web::Json<LessonTranslationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let (title, content) = lesson_texts(body.into_inner())?;
    let lesson = service::put_lesson_translation(&db, &user, id, language, title, content).await?;
    tagged(None, StatusCode::OK, &lesson, &lesson.language, None)
}

/// Deletes a lesson (a tombstone for sync); later lessons move up.
#[utoipa::path(
    delete,
    path = "/api/v1/lessons/{id}",
    tag = "lessons",
    operation_id = "delete_lesson",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Lesson id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted; refused (412) when the lesson changed since"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_lesson(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    service::delete_lesson(&db, &user, id.into_inner(), IfMatch::from_request(&req)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_those_of_the_body() {
        let tag = service::tag_of(&serde_json::json!({"a": 1})).unwrap();
        assert_eq!(tag, crate::http::etag::of(br#"{"a":1}"#));
    }
}
