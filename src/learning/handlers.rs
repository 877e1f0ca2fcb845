//! HTTP handlers of enrolment, progress and certificates: extract, parse, one
//! `db.read`/`db.write` over the service, one [`Reply`].

use crate::http::json::Json;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    BadLang, IfNoneMatch, NotCoordinator, NotLoggedIn, NotModified, ReaderLanguage,
};
use crate::http::etag;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageQuery, PageRequest, TimeKey};
use crate::http::query::parse_since;
use crate::http::response::{Reply, no_content};
use crate::learning::document;
use crate::learning::dto::{
    CertificateResponse, CompletionResponse, CourseEnrolmentResponse, EnrolmentResponse, LangQuery,
    ListMyEnrolmentsQuery, OfflineCompletions, ProgressResponse, Revocation,
    RevokeCertificateRequest, SyncCompletionsRequest, SyncCompletionsResponse, certificate_code,
};
use crate::learning::model::Certificate;
use crate::learning::repo::EnrolmentPage;
use crate::learning::service::{self, EnrolmentView, ProgressView};
use crate::state::AppState;
use crate::types::{CourseId, LessonId, UserId};

crate::http::doc::problem_answers! {
    /// 404: no certificate has this code.
    NoSuchCertificate = (404, "No certificate has this code");
}

/// Where the caller's enrolment in a course is read (and ended).
fn enrolment_location(course_id: CourseId) -> String {
    format!("/api/v1/courses/{course_id}/enrolments/me")
}

/// The caller's enrolment as answered: localised, private, tagged with the versions it
/// shows (the enrolment's, its course's) and its language.
fn enrolment_reply(
    view: EnrolmentView,
    status: StatusCode,
) -> Result<Reply<EnrolmentResponse>, ApiError> {
    let variant = format!(
        "c{}-{}",
        view.course_version.unwrap_or(0),
        view.language.as_deref().unwrap_or("none")
    );
    let tag = etag::versioned(
        "enrolment",
        view.enrolment.id.get(),
        view.enrolment.version,
        Some(&variant),
    );
    let mut reply = Reply::with_status(status, view.body).etag(tag).private();
    if let Some(lang) = view.language {
        reply = reply.language(lang);
    }
    Ok(reply)
}

/// A learner's progress as answered: localised, private, tagged with the versions it
/// shows (the learner's record, the course's texts and structure, their certificate) and
/// its language: nothing is rendered to compare tags.
fn progress_reply(view: ProgressView) -> Result<Reply<ProgressResponse>, ApiError> {
    let lang = view.body.language.clone();
    let variant = format!(
        "c{}-k{}-{lang}",
        view.content_version,
        view.certificate_version.unwrap_or(0)
    );
    let tag = etag::versioned(
        "progress",
        view.enrolment.id.get(),
        view.enrolment.version,
        Some(&variant),
    );
    Ok(Reply::ok(view.body).etag(tag).language(lang).private())
}

/// A certificate as answered, tagged with its version (not localised: it is in the
/// language it was issued in).
fn certificate_reply(cert: Certificate) -> Reply<CertificateResponse> {
    let tag = etag::versioned("certificate", cert.id.get(), cert.version, None);
    Reply::ok(CertificateResponse::from(cert)).etag(tag)
}

/// Enrols the caller in a published self-paced course.
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/enrolments",
    tag = "enrolments",
    operation_id = "create_enrolment",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Course id"),
        LangQuery,
        ReaderLanguage,
    ),
    responses(
        (status = 201, description = "Enrolled (an ended enrolment is renewed; lessons done before still count)", body = EnrolmentResponse,
            headers(
                ("Location" = String, description = "The enrolment: `/api/v1/courses/{id}/enrolments/me`"),
                ("ETag" = String, description = "Entity tag of the enrolment"),
                ("Content-Language" = String, description = "The language of the course's title"),
            )),
        BadLang,
        NotLoggedIn,
        (status = 404, description = "No such course, or a draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_enrolled`, `course_full`, `not_open` (archived), `enrolment_by_nomination` (cohort and blended courses)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_enrolment(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<EnrolmentResponse>, ApiError> {
    let course_id = id.into_inner();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let view = db
        .write(move |conn| service::enrol_me(conn, &user, course_id, prefs))
        .await?;
    Ok(enrolment_reply(view, StatusCode::CREATED)?.location(enrolment_location(course_id)))
}

/// The caller's enrolment in a course (where `POST …/enrolments` points).
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/enrolments/me",
    tag = "enrolments",
    operation_id = "get_my_enrolment",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Course id"),
        LangQuery,
        ReaderLanguage,
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The caller's enrolment", body = EnrolmentResponse,
            headers(
                ("ETag" = String, description = "Entity tag; send it back in If-None-Match"),
                ("Content-Language" = String, description = "The language of the course's title"),
            )),
        NotModified,
        BadLang,
        NotLoggedIn,
        (status = 404, description = "No such course, a draft, or the caller is not enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_my_enrolment(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<EnrolmentResponse>, ApiError> {
    let course_id = id.into_inner();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let view = db
        .read(move |conn| service::my_enrolment(conn, &user, course_id, prefs))
        .await?;
    enrolment_reply(view, StatusCode::OK)
}

/// Ends the caller's enrolment. Lessons done and certificates stay; enrolling again
/// picks up where the caller left off.
#[utoipa::path(
    delete,
    path = "/api/v1/courses/{id}/enrolments/me",
    tag = "enrolments",
    operation_id = "delete_enrolment",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses(
        (status = 204, description = "Unenrolled"),
        NotLoggedIn,
        (status = 404, description = "No such course, or the caller is not enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_enrolment(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
) -> Result<HttpResponse, ApiError> {
    let course_id = id.into_inner();
    let user_id = user.id;
    db.write(move |conn| service::unenrol(conn, user_id, course_id))
        .await?;
    Ok(no_content())
}

/// The caller's enrolments. With `updated_since`, every enrolment changed since, with
/// tombstones `{"course_id", "deleted": true, "updated_at"}` for those that ended.
#[utoipa::path(
    get,
    path = "/api/v1/me/enrolments",
    tag = "enrolments",
    operation_id = "list_my_enrolments",
    security(("bearer" = [])),
    params(
        ListMyEnrolmentsQuery,
        ReaderLanguage,
    ),
    responses(
        (status = 200, description = "One page of enrolments", body = Page<EnrolmentResponse>,
            headers(("Content-Language" = String, description = "The first language asked for (else the caller's preferred language)"))),
        (status = 400, description = "Bad `updated_since`, `lang`, `sort`, `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
    )
)]
pub async fn list_my_enrolments(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<ListMyEnrolmentsQuery>,
) -> Result<Reply<Page<EnrolmentResponse>>, ApiError> {
    let query = query.into_inner();
    let since = parse_since(query.updated_since.as_deref())?;
    let sort = query.sort.unwrap_or_default();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let page = PageRequest::<TimeKey>::parse(query.limit, query.cursor.as_deref(), sort.as_str())?;
    let wanted = EnrolmentPage {
        since,
        sort,
        after: page.after.map(|(at, id)| (at.0, id)),
        limit: page.fetch_limit(),
    };
    let (views, lang) = db
        .read(move |conn| service::list_my_enrolments(conn, &user, &wanted, prefs))
        .await?;
    let page = page.finish(
        views,
        sort.as_str(),
        |v| (TimeKey(v.enrolment.updated_at), v.enrolment.id.get()),
        |v| v.body,
    );
    let reply = Reply::ok(page).private();
    Ok(match lang {
        Some(lang) => reply.language(lang),
        None => reply,
    })
}

/// A course's enrolled members: for its owners, coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/enrolments",
    tag = "enrolments",
    operation_id = "list_course_enrolments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), PageQuery),
    responses(
        (status = 200, description = "One page of enrolled members, in enrolment order", body = Page<CourseEnrolmentResponse>),
        NotLoggedIn,
        (status = 403, description = "Not an owner of the course, nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_course_enrolments(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<CourseEnrolmentResponse>>, ApiError> {
    let course_id = id.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), "id")?;
    let after = page.after.map(|(_, id)| id);
    let limit = page.fetch_limit();
    let rows = db
        .read(move |conn| service::list_course_enrolments(conn, &user, course_id, after, limit))
        .await?;
    Ok(Reply::ok(page.finish(rows, "id", |(id, _)| (*id, *id), |(_, row)| row)).private())
}

/// Marks a lesson done. Idempotent: a repeat changes nothing and answers the same body
/// (200 instead of 201). Completing the last required lesson completes the course and
/// issues the certificate, once.
#[utoipa::path(
    put,
    path = "/api/v1/me/lessons/{lesson_id}/completion",
    tag = "progress",
    operation_id = "complete_lesson",
    security(("bearer" = [])),
    params(("lesson_id" = i64, Path, description = "Lesson id")),
    responses(
        (status = 201, description = "Marked done now", body = CompletionResponse),
        (status = 200, description = "It was done already; nothing changed", body = CompletionResponse),
        NotLoggedIn,
        (status = 403, description = "`not_enrolled`: the caller is not enrolled in the lesson's course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson (or its course is a draft)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_open`: the course is archived; `completed_by_quiz`: a quiz lesson is done only by passing its quiz", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn complete_lesson(
    db: web::Data<Db>,
    user: AuthUser,
    lesson_id: web::Path<LessonId>,
) -> Result<Reply<CompletionResponse>, ApiError> {
    let (lesson_id, user_id) = (lesson_id.into_inner(), user.id);
    // A repeat (a retry, a sync) is answered by a read where that is cheaper.
    let (body, created) = db
        .write_unless(
            move |conn| {
                let repeat = service::completed_already(conn, user_id, lesson_id)?;
                Ok(repeat.map(|body| (body, false)))
            },
            move |conn| service::complete(conn, user_id, lesson_id),
        )
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(Reply::with_status(status, body).private())
}

/// Undoes a lesson's completion (204 also when it was not done). A certificate already
/// issued stays valid.
#[utoipa::path(
    delete,
    path = "/api/v1/me/lessons/{lesson_id}/completion",
    tag = "progress",
    operation_id = "uncomplete_lesson",
    security(("bearer" = [])),
    params(("lesson_id" = i64, Path, description = "Lesson id")),
    responses(
        (status = 204, description = "Not done any more"),
        NotLoggedIn,
        (status = 403, description = "`not_enrolled`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_open`: the course is archived; `completed_by_quiz`: a quiz lesson's completion belongs to its passed quiz", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn uncomplete_lesson(
    db: web::Data<Db>,
    user: AuthUser,
    lesson_id: web::Path<LessonId>,
) -> Result<HttpResponse, ApiError> {
    let (lesson_id, user_id) = (lesson_id.into_inner(), user.id);
    db.write(move |conn| service::uncomplete(conn, user_id, lesson_id))
        .await?;
    Ok(no_content())
}

/// Applies lesson completions made offline, with their original timestamps, in one
/// transaction. Each item answers `applied`, `already_done` (the earlier record stays) or
/// `rejected` with a code (`in_future`, `before_enrolment`, `too_old` beyond the server's
/// offline window, …); completing courses issues their certificates, dated when issued.
#[utoipa::path(
    post,
    path = "/api/v1/me/completions/batch",
    tag = "progress",
    operation_id = "sync_completions",
    security(("bearer" = [])),
    request_body = SyncCompletionsRequest,
    responses(
        (status = 200, description = "One result per item", body = SyncCompletionsResponse),
        (status = 400, description = "Unreadable body, unknown field, or a timestamp that is not RFC 3339", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 422, description = "`completions` is empty or holds more than 500 items", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sync_completions(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<SyncCompletionsRequest>,
) -> Result<Reply<SyncCompletionsResponse>, ApiError> {
    let items = OfflineCompletions::try_from(body.into_inner())?;
    let user_id = user.id;
    let window = state.settings.offline_window;
    let (results, certificates_issued) = db
        .write(move |conn| service::sync(conn, user_id, items, window))
        .await?;
    Ok(Reply::ok(SyncCompletionsResponse {
        results,
        certificates_issued,
    })
    .private())
}

/// The caller's progress in a course: per module and overall, the next lesson, and when
/// it was completed.
#[utoipa::path(
    get,
    path = "/api/v1/me/courses/{id}/progress",
    tag = "progress",
    operation_id = "get_progress",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Course id"),
        LangQuery,
        ReaderLanguage,
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The caller's progress", body = ProgressResponse,
            headers(
                ("ETag" = String, description = "Entity tag; send it back in If-None-Match"),
                ("Content-Language" = String, description = "`language`: the first language asked for (else the caller's preferred language)"),
            )),
        NotModified,
        BadLang,
        NotLoggedIn,
        (status = 403, description = "`not_enrolled`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or a draft", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_progress(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CourseId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<ProgressResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let course_id = id.into_inner();
    let memo = state.progress.clone();
    let view = state
        .db
        .read(move |conn| service::my_progress(conn, &user, course_id, prefs, &memo))
        .await?;
    progress_reply(view)
}

/// A learner's progress in a course: for the course's owners, coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/progress/{user_id}",
    tag = "progress",
    operation_id = "get_learner_progress",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Course id"),
        ("user_id" = i64, Path, description = "The learner's user id"),
        LangQuery,
        ReaderLanguage,
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The learner's progress", body = ProgressResponse,
            headers(
                ("ETag" = String, description = "Entity tag; send it back in If-None-Match"),
                ("Content-Language" = String, description = "`language`: the first language asked for (else the caller's preferred language)"),
            )),
        NotModified,
        BadLang,
        NotLoggedIn,
        (status = 403, description = "Not an owner of the course, nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or the learner is not enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_learner_progress(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(CourseId, UserId)>,
    query: web::Query<LangQuery>,
) -> Result<Reply<ProgressResponse>, ApiError> {
    let (course_id, learner) = path.into_inner();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let memo = state.progress.clone();
    let view = state
        .db
        .read(move |conn| service::learner_progress(conn, &user, learner, course_id, prefs, &memo))
        .await?;
    progress_reply(view)
}

/// The caller's certificates, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/certificates",
    tag = "certificates",
    operation_id = "list_my_certificates",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of certificates", body = Page<CertificateResponse>),
        NotLoggedIn,
    )
)]
pub async fn list_my_certificates(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<CertificateResponse>>, ApiError> {
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), "-id")?;
    let before = page.after.map(|(_, id)| id);
    let limit = page.fetch_limit();
    let user_id = user.id;
    let rows = db
        .read(move |conn| service::list_my_certificates(conn, user_id, before, limit))
        .await?;
    let page = page.finish(
        rows,
        "-id",
        |c| (c.id.get(), c.id.get()),
        CertificateResponse::from,
    );
    Ok(Reply::ok(page).private())
}

/// Checks a certificate by its code. Public: no login needed.
#[utoipa::path(
    get,
    path = "/api/v1/certificates/{code}",
    tag = "certificates",
    operation_id = "get_certificate",
    params(
        ("code" = String, Path, description = "The verification code printed on the certificate"),
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The certificate; `valid` is `false` once revoked", body = CertificateResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match"))),
        NotModified,
        NoSuchCertificate,
    )
)]
pub async fn get_certificate(
    db: web::Data<Db>,
    code: web::Path<String>,
) -> Result<Reply<CertificateResponse>, ApiError> {
    let code = certificate_code(code.into_inner())?;
    let cert = db
        .read(move |conn| service::certificate(conn, &code))
        .await?;
    Ok(certificate_reply(cert))
}

/// The certificate as a printable HTML page (self-contained, print-friendly). Public.
#[utoipa::path(
    get,
    path = "/api/v1/certificates/{code}/document",
    tag = "certificates",
    operation_id = "get_certificate_document",
    params(("code" = String, Path, description = "The verification code")),
    responses(
        (status = 200, description = "A printable HTML page; a revoked certificate says so", body = String, content_type = "text/html"),
        NoSuchCertificate,
    )
)]
pub async fn get_certificate_document(
    db: web::Data<Db>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = certificate_code(code.into_inner())?;
    let cert = db
        .read(move |conn| service::certificate(conn, &code))
        .await?;
    let cert = CertificateResponse::from(cert);
    let html = document::render(&cert, &verify_url(&cert.code));
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}

/// Where the certificate can be checked, as printed on it: the frontend's page for people
/// (`{BAYANIHAN_PUBLIC_URL}/certificates/{code}`), never an address taken from the request.
fn verify_url(code: &str) -> String {
    crate::http::links::frontend(&format!("/certificates/{code}"))
}

/// Revokes a certificate (coordinators and admins); the public check then says so.
#[utoipa::path(
    post,
    path = "/api/v1/certificates/{code}/revoke",
    tag = "certificates",
    operation_id = "revoke_certificate",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The verification code")),
    request_body = RevokeCertificateRequest,
    responses(
        (status = 200, description = "Revoked", body = CertificateResponse,
            headers(("ETag" = String, description = "Entity tag of the revoked certificate"))),
        NotLoggedIn,
        NotCoordinator,
        NoSuchCertificate,
        (status = 409, description = "`already_revoked`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` is blank or longer than 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_certificate(
    db: web::Data<Db>,
    user: AuthUser,
    code: web::Path<String>,
    body: Json<RevokeCertificateRequest>,
) -> Result<Reply<CertificateResponse>, ApiError> {
    let code = certificate_code(code.into_inner())?;
    let revocation = Revocation::try_from(body.into_inner())?;
    let cert = db
        .write(move |conn| service::revoke(conn, &user, &code, revocation))
        .await?;
    Ok(certificate_reply(cert))
}
