//! HTTP handlers of the learning cloud's catalogue, courses, modules and lessons.
//!
//! Each handler parses its input, runs one `db.read` or `db.write` around one service
//! call, and answers through [`Reply`]: every answer with texts names its language
//! (`Content-Language`, `Vary: Accept-Language`), single resources carry an `ETag` made
//! of their version and that language.

use crate::http::json::Json;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{AuthUser, MaybeUser};
use crate::courses::dto::{
    CatalogueItem, CourseResponse, CourseSort, CourseTexts, CourseTranslationRequest,
    CreateCourseRequest, CreateLessonRequest, CreateModuleRequest, LangQuery, LessonItem,
    LessonOrderRequest, LessonPatch, LessonResponse, LessonTranslationRequest, LessonView,
    ListCoursesQuery, ListLessonsQuery, ModuleOrderRequest, ModuleResponse,
    ModuleTranslationRequest, NewCourseInput, NewLessonInput, UpdateCourseRequest,
    UpdateLessonRequest, UpdateModuleRequest, lesson_texts, module_title, path_language,
};
use crate::courses::model::CourseStatus;
use crate::courses::repo::{CatalogueFilter, CatalogueOrder};
use crate::courses::service::{
    self, CatalogueRequest, LessonEntry, LessonsRequest, Localised, LocalisedPage, Transition,
};
use crate::db::{Db, Written};
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    AnswerLanguage, IfNoneMatch, InvalidFields, NotCoordinator, NotLoggedIn, NotModified,
    PreconditionFailed, ReaderLanguage, TranslationWritten, UnreadableBody,
};
use crate::http::etag::IfMatch;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
use crate::http::query::{parse_language, parse_q, parse_since};
use crate::http::response::{Rendered, Reply, no_content};
use crate::state::AppState;
use crate::types::ids::{CourseId, LessonId, ModuleId, UserId};
use crate::types::topic::parse_topic;

crate::http::doc::problem_answers! {
    /// 403: changing a course needs one of its owners, a coordinator or an admin.
    NotCourseEditor = (403, "Not an owner of the course, a coordinator or an admin");
    /// 404: the course is unknown (or a draft the caller may not see).
    NoSuchCourse = (404, "No such course");
    /// 404: the module is unknown or deleted.
    NoSuchModule = (404, "No such module");
    /// 404: the lesson is unknown or deleted.
    NoSuchLesson = (404, "No such lesson");
    /// 422: the title is empty, too long or holds control characters.
    InvalidTitle = (422, "Invalid title");
}

/// A lesson's answer: its HTML is rendered here, after the transaction.
fn lesson_reply(status: StatusCode, v: Localised<LessonView>) -> Reply<LessonResponse> {
    Reply::localised(status, v.map(LessonResponse::from))
}

/// The catalogue: published courses (drafts and archived courses for their owners and
/// coordinators), filtered, sorted and paged, in the reader's language.
#[utoipa::path(
    get,
    path = "/api/v1/courses",
    tag = "courses",
    operation_id = "list_courses",
    params(ListCoursesQuery, ReaderLanguage),
    responses(
        (status = 200, description = "One page of courses (and tombstones when asked)", body = Page<CatalogueItem>,
            headers(("Content-Language" = String, description = "The languages of the courses' texts on this page, e.g. `fil, en`"))),
        (status = 400, description = "Bad filter, sort, cursor, limit or `updated_since`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`status=draft` or `archived` without logging in, or an invalid token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_courses(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<ListCoursesQuery>,
) -> Result<Reply<Rendered>, ApiError> {
    let query = query.into_inner();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
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
    let after = page
        .after
        .as_ref()
        .map(|a| service::catalogue_after(order, a))
        .transpose()?;
    let topic = query
        .topic
        .as_deref()
        .map(|t| parse_topic(t).map_err(|m| ApiError::invalid_query("topic", "invalid_topic", m)))
        .transpose()?;
    let language = parse_language(query.language.as_deref())?.map(String::from);
    let request = CatalogueRequest {
        filter: CatalogueFilter {
            status: query.status.unwrap_or(CourseStatus::Published),
            owner: None,
            topic,
            language,
            level: query.level,
            format: query.format,
            q: parse_q(query.q.as_deref())?,
            q_language: None,
            since,
            with_removed: query.include_deleted.unwrap_or(false),
        },
        order,
        sort_name,
        page,
        after,
        prefs,
    };
    let (user, memo) = (user.0, state.courses.clone());
    let page = state
        .db
        .read(move |conn| service::catalogue(conn, user.as_ref(), request, &memo))
        .await?;
    Ok(Reply::ok(page.body.clone()).languages(&page.languages))
}

/// One course with its outline (modules, lesson titles, kinds, durations), in the reader's
/// language. Drafts answer 404 to those who may not see them.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}",
    tag = "courses",
    operation_id = "get_course",
    params(("id" = i64, Path, description = "Course id"), LangQuery,
        ReaderLanguage,
        IfNoneMatch),
    responses(
        (status = 200, description = "The course", body = CourseResponse,
            headers(
                ("ETag" = String, description = "Entity tag of this version in this language; send it in If-None-Match, or in If-Match to change or delete this version"),
                ("Content-Language" = String, description = "The language of the course's texts"),
            )),
        NotModified,
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_course(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<CourseResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user) = (id.into_inner(), user.0);
    let memo = state.courses.clone();
    let course = state
        .db
        .read(move |conn| service::get_course(conn, user.as_ref(), id, prefs, &memo))
        .await?;
    Ok(Reply::localised(StatusCode::OK, course))
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
        (status = 201, description = "Created, as a draft; in its default language", body = CourseResponse,
            headers(
                ("Location" = String, description = "The new course"),
                ("ETag" = String, description = "Entity tag of the new course"),
                ("Content-Language" = String, description = "The course's default language"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "Not a trainer, coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    )
)]
pub async fn create_course(
    db: web::Data<Db>,
    user: AuthUser,
    body: Json<CreateCourseRequest>,
) -> Result<Reply<CourseResponse>, ApiError> {
    let input = NewCourseInput::try_from(body.into_inner())?;
    let actor = user.clone();
    let course = db
        .write(move |conn| service::create_course(conn, &actor, input))
        .await?;
    let id = course.view.summary.id;
    tracing::info!(course.id = %id, user.id = %user.id, "course created");
    Ok(Reply::localised(StatusCode::CREATED, course).location(format!("/api/v1/courses/{id}")))
}

/// Changes some fields of a course (its owners, coordinators and admins). A body that
/// changes nothing answers the course as it is, with the same `ETag`.
#[utoipa::path(
    patch,
    path = "/api/v1/courses/{id}",
    tag = "courses",
    operation_id = "update_course",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Course id"), LangQuery,
        AnswerLanguage,
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed (in any language); refused (412) when the course changed since"),
    ),
    request_body = UpdateCourseRequest,
    responses(
        (status = 200, description = "The course as changed", body = CourseResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the new version"),
                ("Content-Language" = String, description = "The language of the course's texts"),
            )),
        (status = 400, description = "Unreadable body, unknown field, or `null` for a required field", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotCourseEditor,
        NoSuchCourse,
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the course changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `no_translation` for a default language without texts", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
    body: Json<UpdateCourseRequest>,
) -> Result<Reply<CourseResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let patch = body.into_inner().try_into()?;
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let course = db
        .write(move |conn| {
            service::update_course(conn, &actor, id, patch, if_match.as_ref(), prefs)
        })
        .await?;
    tracing::info!(course.id = %id, user.id = %user.id, "course changed");
    Ok(Reply::localised(StatusCode::OK, course))
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
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted (in any language); refused (412) when the course changed since"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        NotCourseEditor,
        NoSuchCourse,
        PreconditionFailed,
    )
)]
pub async fn delete_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    db.write(move |conn| service::delete_course(conn, &actor, id, if_match.as_ref()))
        .await?;
    tracing::info!(course.id = %id, user.id = %user.id, "course deleted");
    Ok(no_content())
}

/// Publishes a draft or archived course (coordinators and admins).
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/publish",
    tag = "courses",
    operation_id = "publish_course",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), LangQuery,
        AnswerLanguage),
    responses(
        (status = 200, description = "The course, published", body = CourseResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the new version"),
                ("Content-Language" = String, description = "The language of the course's texts"),
            )),
        NotLoggedIn,
        NotCoordinator,
        NoSuchCourse,
        (status = 409, description = "`invalid_transition`: published already", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn publish_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<CourseResponse>, ApiError> {
    change_status(req, db, user, id.into_inner(), query, Transition::Publish).await
}

/// Archives a published course: out of the catalogue, still readable (coordinators and
/// admins).
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/archive",
    tag = "courses",
    operation_id = "archive_course",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), LangQuery,
        AnswerLanguage),
    responses(
        (status = 200, description = "The course, archived", body = CourseResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the new version"),
                ("Content-Language" = String, description = "The language of the course's texts"),
            )),
        NotLoggedIn,
        NotCoordinator,
        NoSuchCourse,
        (status = 409, description = "`invalid_transition`: not published", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn archive_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<CourseResponse>, ApiError> {
    change_status(req, db, user, id.into_inner(), query, Transition::Archive).await
}

async fn change_status(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: CourseId,
    query: web::Query<LangQuery>,
    to: Transition,
) -> Result<Reply<CourseResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let actor = user.clone();
    let course = db
        .write(move |conn| service::transition(conn, &actor, id, to, prefs))
        .await?;
    tracing::info!(course.id = %id, user.id = %user.id, status = %course.view.summary.status, "course status changed");
    Ok(Reply::localised(StatusCode::OK, course))
}

/// Creates or replaces the course's title, summary and description in one language.
/// Sending the texts it has changes nothing (no new version, the same `ETag`).
#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/translations/{language}",
    tag = "courses",
    operation_id = "put_course_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = CourseTranslationRequest,
    responses(
        TranslationWritten<CourseResponse>,
        NotLoggedIn,
        NotCourseEditor,
        NoSuchCourse,
        InvalidFields,
    )
)]
pub async fn put_course_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CourseId, String)>,
    body: Json<CourseTranslationRequest>,
) -> Result<Reply<CourseResponse>, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let body = body.into_inner();
    let minor = body.minor.unwrap_or(false);
    let texts = CourseTexts::try_from(body)?;
    let (course, written) = db
        .write(move |conn| service::put_course_translation(conn, &user, id, language, texts, minor))
        .await?;
    Ok(Reply::translation(
        course,
        written == Written::Created,
        &format!("/api/v1/courses/{id}"),
    ))
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
        NotLoggedIn,
        NotCourseEditor,
        NoSuchCourse,
        (status = 422, description = "`unknown_user`, or `not_a_trainer`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_course_owner(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CourseId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, owner) = path.into_inner();
    db.write(move |conn| service::add_owner(conn, &user, id, owner))
        .await?;
    Ok(no_content())
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
        NotLoggedIn,
        NotCourseEditor,
        (status = 404, description = "No such course, or the user is not an owner", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_owner`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_course_owner(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CourseId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, owner) = path.into_inner();
    db.write(move |conn| service::remove_owner(conn, &user, id, owner))
        .await?;
    Ok(no_content())
}

/// A course's lessons with their content, for offline sync: with `updated_since`, only
/// those changed since (oldest change first), deleted ones as tombstones when asked.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/lessons",
    tag = "lessons",
    operation_id = "list_course_lessons",
    params(("id" = i64, Path, description = "Course id"), ListLessonsQuery,
        ReaderLanguage),
    responses(
        (status = 200, description = "One page of lessons", body = Page<LessonItem>,
            headers(("Content-Language" = String, description = "The languages of the lessons' texts on this page, e.g. `fil, en`"))),
        (status = 400, description = "Bad `updated_since`, limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Members-only course and not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_enrolled`: members-only course", body = Problem, content_type = "application/problem+json"),
        NoSuchCourse,
    )
)]
pub async fn list_course_lessons(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<CourseId>,
    query: web::Query<ListLessonsQuery>,
) -> Result<Reply<Page<LessonItem>>, ApiError> {
    let query = query.into_inner();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let since = parse_since(query.updated_since.as_deref())?;
    let page = PageRequest::parse(
        query.limit,
        query.cursor.as_deref(),
        LessonsRequest::sort(since),
    )?;
    let request = LessonsRequest {
        since,
        with_deleted: query.include_deleted.unwrap_or(false),
        page,
        prefs,
    };
    let (id, user) = (id.into_inner(), user.0);
    let lessons = db
        .read(move |conn| service::list_lessons(conn, user.as_ref(), id, request))
        .await?;
    // The lessons' HTML is rendered here, after the transaction.
    Ok(Reply::localised_page(LocalisedPage {
        page: lessons.page.map(|entry| match entry {
            LessonEntry::Lesson(view) => LessonItem::Lesson(Box::new(LessonResponse::from(*view))),
            LessonEntry::Deleted(t) => LessonItem::Deleted(t),
        }),
        languages: lessons.languages,
    }))
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
        (status = 201, description = "Created; in the course's default language", body = ModuleResponse,
            headers(
                ("Location" = String, description = "The new module"),
                ("ETag" = String, description = "Entity tag of the new module"),
                ("Content-Language" = String, description = "The course's default language"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NotCourseEditor,
        NoSuchCourse,
        (status = 409, description = "`too_many_modules`: the course has 100 modules already", body = Problem, content_type = "application/problem+json"),
        InvalidTitle,
    )
)]
pub async fn create_module(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    body: Json<CreateModuleRequest>,
) -> Result<Reply<ModuleResponse>, ApiError> {
    let title = module_title(&body.title)?;
    let id = id.into_inner();
    let module = db
        .write(move |conn| service::create_module(conn, &user, id, title))
        .await?;
    let location = format!("/api/v1/modules/{}", module.view.id);
    Ok(Reply::localised(StatusCode::CREATED, module).location(location))
}

/// One module, in the reader's language.
#[utoipa::path(
    get,
    path = "/api/v1/modules/{id}",
    tag = "modules",
    operation_id = "get_module",
    params(("id" = i64, Path, description = "Module id"), LangQuery,
        ReaderLanguage,
        IfNoneMatch),
    responses(
        (status = 200, description = "The module", body = ModuleResponse,
            headers(
                ("ETag" = String, description = "Entity tag of this version in this language; send it in If-None-Match, or in If-Match to change or delete this version"),
                ("Content-Language" = String, description = "The language of the title"),
            )),
        NotModified,
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such module, or in a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_module(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<ModuleId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<ModuleResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user) = (id.into_inner(), user.0);
    let module = db
        .read_short(move |conn| service::get_module(conn, user.as_ref(), id, prefs))
        .await?;
    Ok(Reply::localised(StatusCode::OK, module))
}

/// Renames a module (its title in the course's default language). The title it has
/// already changes nothing.
#[utoipa::path(
    patch,
    path = "/api/v1/modules/{id}",
    tag = "modules",
    operation_id = "update_module",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Module id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed (in any language); refused (412) when the module changed since")),
    request_body = UpdateModuleRequest,
    responses(
        (status = 200, description = "The module, in the course's default language", body = ModuleResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the new version"),
                ("Content-Language" = String, description = "The course's default language"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NotCourseEditor,
        NoSuchModule,
        (status = 412, description = "`precondition_failed`: the module changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        InvalidTitle,
    )
)]
pub async fn update_module(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ModuleId>,
    body: Json<UpdateModuleRequest>,
) -> Result<Reply<ModuleResponse>, ApiError> {
    let title = module_title(&body.title)?;
    let minor = body.minor.unwrap_or(false);
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let module = db
        .write(move |conn| service::update_module(conn, &user, id, title, minor, if_match.as_ref()))
        .await?;
    Ok(Reply::localised(StatusCode::OK, module))
}

/// Sets a module's title in one language. The title it has already changes nothing.
#[utoipa::path(
    put,
    path = "/api/v1/modules/{id}/translations/{language}",
    tag = "modules",
    operation_id = "put_module_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Module id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = ModuleTranslationRequest,
    responses(
        TranslationWritten<ModuleResponse>,
        NotLoggedIn,
        NotCourseEditor,
        NoSuchModule,
        InvalidTitle,
    )
)]
pub async fn put_module_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(ModuleId, String)>,
    body: Json<ModuleTranslationRequest>,
) -> Result<Reply<ModuleResponse>, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let title = module_title(&body.title)?;
    let minor = body.minor.unwrap_or(false);
    let (module, written) = db
        .write(move |conn| service::put_module_translation(conn, &user, id, language, title, minor))
        .await?;
    Ok(Reply::translation(
        module,
        written == Written::Created,
        &format!("/api/v1/modules/{id}"),
    ))
}

/// Deletes a module and its lessons (tombstones for sync); later modules move up.
#[utoipa::path(
    delete,
    path = "/api/v1/modules/{id}",
    tag = "modules",
    operation_id = "delete_module",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Module id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted (in any language); refused (412) when the module changed since")),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        NotCourseEditor,
        NoSuchModule,
        PreconditionFailed,
    )
)]
pub async fn delete_module(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ModuleId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    db.write(move |conn| service::delete_module(conn, &user, id, if_match.as_ref()))
        .await?;
    Ok(no_content())
}

/// Puts all of a course's modules in a new order, in one request.
#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/modules/order",
    tag = "modules",
    operation_id = "order_modules",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), LangQuery,
        AnswerLanguage),
    request_body = ModuleOrderRequest,
    responses(
        (status = 200, description = "The course with its new outline", body = CourseResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the course's version"),
                ("Content-Language" = String, description = "The language of the course's texts"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NotCourseEditor,
        NoSuchCourse,
        (status = 422, description = "`order_mismatch`: not exactly the course's modules, each once; `too_many_items`: more than 100", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn order_modules(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
    body: Json<ModuleOrderRequest>,
) -> Result<Reply<CourseResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let ids = body.into_inner().parse()?;
    let id = id.into_inner();
    let course = db
        .write(move |conn| service::order_modules(conn, &user, id, ids, prefs))
        .await?;
    Ok(Reply::localised(StatusCode::OK, course))
}

/// Puts all of a module's lessons in a new order, in one request.
#[utoipa::path(
    put,
    path = "/api/v1/modules/{id}/lessons/order",
    tag = "lessons",
    operation_id = "order_lessons",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Module id"), LangQuery,
        AnswerLanguage),
    request_body = LessonOrderRequest,
    responses(
        (status = 200, description = "The course with its new outline", body = CourseResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the course's version"),
                ("Content-Language" = String, description = "The language of the course's texts"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NotCourseEditor,
        NoSuchModule,
        (status = 422, description = "`order_mismatch`: not exactly the module's lessons, each once; `too_many_items`: more than 100", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn order_lessons(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ModuleId>,
    query: web::Query<LangQuery>,
    body: Json<LessonOrderRequest>,
) -> Result<Reply<CourseResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let ids = body.into_inner().parse()?;
    let id = id.into_inner();
    let course = db
        .write(move |conn| service::order_lessons(conn, &user, id, ids, prefs))
        .await?;
    Ok(Reply::localised(StatusCode::OK, course))
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
        (status = 201, description = "Created; in the course's default language", body = LessonResponse,
            headers(
                ("Location" = String, description = "The new lesson"),
                ("ETag" = String, description = "Entity tag of the new lesson"),
                ("Content-Language" = String, description = "The course's default language"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NotCourseEditor,
        NoSuchModule,
        (status = 409, description = "`too_many_lessons`: the module has 100 lessons already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or fields that do not fit the kind (`required`, `not_for_kind`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_lesson(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ModuleId>,
    body: Json<CreateLessonRequest>,
) -> Result<Reply<LessonResponse>, ApiError> {
    let input = NewLessonInput::try_from(body.into_inner())?;
    let id = id.into_inner();
    let lesson = db
        .write(move |conn| service::create_lesson(conn, &user, id, input))
        .await?;
    let location = format!("/api/v1/lessons/{}", lesson.view.lesson.id);
    Ok(lesson_reply(StatusCode::CREATED, lesson).location(location))
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
        ReaderLanguage,
        IfNoneMatch),
    responses(
        (status = 200, description = "The lesson", body = LessonResponse,
            headers(
                ("ETag" = String, description = "Entity tag of this version in this language; send it in If-None-Match, or in If-Match to change or delete this version"),
                ("Content-Language" = String, description = "The language of the title and content"),
            )),
        NotModified,
        (status = 401, description = "Members-only course and not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_enrolled`: members-only course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson, or in a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_lesson(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<LessonId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<Rendered>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user, memo) = (id.into_inner(), user.0, state.courses.clone());
    let lesson = state
        .db
        .read_short(move |conn| service::get_lesson(conn, user.as_ref(), id, prefs, &memo))
        .await?;
    Ok(Reply::localised(StatusCode::OK, lesson))
}

/// Changes some fields of a lesson; `title` and `content` are those of the course's
/// default language. A body that changes nothing answers the lesson as it is, with the
/// same `ETag`.
#[utoipa::path(
    patch,
    path = "/api/v1/lessons/{id}",
    tag = "lessons",
    operation_id = "update_lesson",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Lesson id"), LangQuery,
        AnswerLanguage,
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed (in any language); refused (412) when the lesson changed since"),
    ),
    request_body = UpdateLessonRequest,
    responses(
        (status = 200, description = "The lesson as changed", body = LessonResponse,
            headers(
                ("ETag" = String, description = "Entity tag of the new version"),
                ("Content-Language" = String, description = "The language of the title and content"),
            )),
        (status = 400, description = "Unreadable body, unknown field, or `null` for a required field", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotCourseEditor,
        NoSuchLesson,
        PreconditionFailed,
        (status = 422, description = "Invalid fields, or fields that do not fit the kind", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_lesson(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LessonId>,
    query: web::Query<LangQuery>,
    body: Json<UpdateLessonRequest>,
) -> Result<Reply<LessonResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let patch = LessonPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let lesson = db
        .write(move |conn| service::update_lesson(conn, &user, id, patch, if_match.as_ref(), prefs))
        .await?;
    Ok(lesson_reply(StatusCode::OK, lesson))
}

/// Sets a lesson's title and content in one language. The texts it has already change
/// nothing.
#[utoipa::path(
    put,
    path = "/api/v1/lessons/{id}/translations/{language}",
    tag = "lessons",
    operation_id = "put_lesson_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lesson id"), ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = LessonTranslationRequest,
    responses(
        TranslationWritten<LessonResponse>,
        NotLoggedIn,
        NotCourseEditor,
        NoSuchLesson,
        InvalidFields,
    )
)]
pub async fn put_lesson_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(LessonId, String)>,
    body: Json<LessonTranslationRequest>,
) -> Result<Reply<LessonResponse>, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let body = body.into_inner();
    let minor = body.minor.unwrap_or(false);
    let (title, content) = lesson_texts(body)?;
    let (lesson, written) = db
        .write(move |conn| {
            service::put_lesson_translation(conn, &user, id, language, title, content, minor)
        })
        .await?;
    let (lesson, created) = (
        lesson.map(LessonResponse::from),
        written == Written::Created,
    );
    Ok(Reply::translation(
        lesson,
        created,
        &format!("/api/v1/lessons/{id}"),
    ))
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
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted (in any language); refused (412) when the lesson changed since"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        NotCourseEditor,
        NoSuchLesson,
        PreconditionFailed,
    )
)]
pub async fn delete_lesson(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LessonId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    db.write(move |conn| service::delete_lesson(conn, &user, id, if_match.as_ref()))
        .await?;
    Ok(no_content())
}
