//! HTTP handlers of enrolment, progress and certificates.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, DurationRound, NaiveDateTime, TimeDelta};

use crate::auth::AuthUser;
use crate::auth::policy::{Action, authorize};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::etag;
use crate::http::pagination::{Page, PageRequest};
use crate::learning::dto::{
    CertificateResponse, CompletionResponse, CourseEnrolmentResponse, EnrolmentResponse,
    EnrolmentSort, ListMyEnrolmentsQuery, PageQuery, ProgressQuery, ProgressResponse,
    RevokeCertificateRequest, SyncCompletionsRequest, SyncCompletionsResponse,
};
use crate::learning::repo::{self, EnrolmentOrder};
use crate::learning::{document, service};
use crate::types::LanguageTag;

/// The languages the caller asked for: `?lang=`, else `Accept-Language` (by weight).
fn wanted_languages(req: &HttpRequest, lang: Option<&str>) -> Result<Vec<String>, ApiError> {
    if let Some(lang) = lang {
        let tag = LanguageTag::parse(lang)
            .and_then(|tag| {
                // The tag as sent, not padded with spaces.
                if lang.trim() == lang {
                    Ok(tag)
                } else {
                    Err(format!("`{lang}` is not a BCP 47 language tag"))
                }
            })
            .map_err(|e| ApiError::invalid_query("lang", "invalid_language", e))?;
        return Ok(vec![tag.to_string()]);
    }
    let Some(header) = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(Vec::new());
    };
    let mut weighted: Vec<(u32, usize, String)> = Vec::new();
    for (i, part) in header.split(',').enumerate().take(20) {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or_default().trim();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if tag == "*" || q <= 0.0 {
            continue;
        }
        if let Ok(tag) = LanguageTag::parse(tag) {
            weighted.push(((q * 1000.0) as u32, i, tag.to_string()));
        }
    }
    weighted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(weighted.into_iter().map(|(_, _, t)| t).take(5).collect())
}

/// A timestamp from the query string (RFC 3339), as stored.
fn parse_since(raw: &str) -> Result<NaiveDateTime, ApiError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| truncate(t.naive_utc()))
        .map_err(|_| {
            ApiError::invalid_query(
                "updated_since",
                "invalid_timestamp",
                "must be an RFC 3339 timestamp, e.g. 2026-03-01T09:30:00Z",
            )
        })
}

/// Truncated to microseconds, as every stored timestamp is.
fn truncate(t: NaiveDateTime) -> NaiveDateTime {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

fn enrolment_location(course_id: i64) -> String {
    format!("/api/v1/courses/{course_id}/enrolments/me")
}

/// Enrols the caller in a published self-paced course.
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/enrolments",
    tag = "enrolments",
    operation_id = "create_enrolment",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses(
        (status = 201, description = "Enrolled (an ended enrolment is renewed; lessons done before still count)", body = EnrolmentResponse,
            headers(("Location" = String, description = "The enrolment"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or a draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_enrolled`, `course_full`, `not_open` (archived), `enrolment_by_nomination` (cohort and blended courses)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_enrolment(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let course_id = id.into_inner();
    let wanted = wanted_languages(&req, None)?;
    let enrolment = service::enrol(&db, user.id, course_id).await?;
    tracing::info!(course.id = course_id, user.id = user.id, "enrolled");
    let user_id = user.id;
    let body = db
        .read(move |conn| {
            let mut wanted = wanted;
            if wanted.is_empty() {
                wanted.push(repo::holder(conn, user_id)?.1);
            }
            service::enrolment_responses(conn, vec![enrolment], &wanted)
        })
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("enrolment vanished")))?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, enrolment_location(course_id)))
        .json(body))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or the caller is not enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_enrolment(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let course_id = id.into_inner();
    service::unenrol(&db, user.id, course_id).await?;
    tracing::info!(course.id = course_id, user.id = user.id, "unenrolled");
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's enrolments. With `updated_since`, every enrolment changed since, with
/// tombstones `{"course_id", "deleted": true, "updated_at"}` for those that ended.
#[utoipa::path(
    get,
    path = "/api/v1/me/enrolments",
    tag = "enrolments",
    operation_id = "list_my_enrolments",
    security(("bearer" = [])),
    params(ListMyEnrolmentsQuery),
    responses(
        (status = 200, description = "One page of enrolments", body = Page<EnrolmentResponse>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_my_enrolments(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<ListMyEnrolmentsQuery>,
) -> Result<web::Json<Page<EnrolmentResponse>>, ApiError> {
    let query = query.into_inner();
    let since = query
        .updated_since
        .as_deref()
        .map(parse_since)
        .transpose()?;
    let sort = query.sort.unwrap_or_default();
    let wanted = wanted_languages(&req, query.lang.as_deref())?;
    let page =
        PageRequest::<NaiveDateTime>::parse(query.limit, query.cursor.as_deref(), sort.as_str())?;
    let order = match sort {
        EnrolmentSort::UpdatedAsc => EnrolmentOrder::UpdatedAsc,
        EnrolmentSort::UpdatedDesc => EnrolmentOrder::UpdatedDesc,
    };
    let after = page.after;
    let limit = page.fetch_limit();
    let user_id = user.id;
    let (rows, keys) = db
        .read(move |conn| {
            let rows = repo::list_my_enrolments(conn, user_id, since, order, after, limit)?;
            let keys: Vec<(NaiveDateTime, i64)> =
                rows.iter().map(|e| (e.updated_at, e.id)).collect();
            let mut wanted = wanted;
            if wanted.is_empty() {
                wanted.push(repo::holder(conn, user_id)?.1);
            }
            Ok((service::enrolment_responses(conn, rows, &wanted)?, keys))
        })
        .await?;
    let paired: Vec<(EnrolmentResponse, (NaiveDateTime, i64))> =
        rows.into_iter().zip(keys).collect();
    Ok(web::Json(page.finish(
        paired,
        sort.as_str(),
        |(_, key)| *key,
        |(row, _)| row,
    )))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_course_enrolments(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<CourseEnrolmentResponse>>, ApiError> {
    let course_id = id.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), "id")?;
    authorize_course(&db, &user, course_id, |is_owner| {
        Action::ListCourseEnrolments { is_owner }
    })
    .await?;
    let after = page.after.map(|(_, id)| id);
    let limit = page.fetch_limit();
    let rows = db
        .read(move |conn| Ok(repo::list_course_enrolments(conn, course_id, after, limit)?))
        .await?;
    Ok(web::Json(page.finish(
        rows,
        "id",
        |(e, _)| (e.id, e.id),
        |(e, display_name)| CourseEnrolmentResponse {
            user_id: e.user_id,
            display_name,
            enrolled_at: e.created_at.and_utc(),
            completed_at: e.completed_at.map(|t| t.and_utc()),
            updated_at: e.updated_at.and_utc(),
        },
    )))
}

/// 404 for an unknown course, then asks the policy with whether the caller owns it.
async fn authorize_course(
    db: &Db,
    user: &AuthUser,
    course_id: i64,
    action: impl FnOnce(bool) -> Action,
) -> Result<(), ApiError> {
    let user_id = user.id;
    let is_owner = db
        .read(move |conn| {
            repo::course_state(conn, course_id)?.ok_or(ApiError::NotFound)?;
            Ok(repo::is_owner(conn, course_id, user_id)?)
        })
        .await?;
    authorize(user, action(is_owner))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_enrolled`: the caller is not enrolled in the lesson's course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson (or its course is a draft)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_open`: the course is archived", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn complete_lesson(
    db: web::Data<Db>,
    user: AuthUser,
    lesson_id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (body, created) = service::complete(&db, user.id, lesson_id.into_inner()).await?;
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res.json(body))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_enrolled`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_open`: the course is archived", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn uncomplete_lesson(
    db: web::Data<Db>,
    user: AuthUser,
    lesson_id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    service::uncomplete(&db, user.id, lesson_id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Applies lesson completions made offline, with their original timestamps, in one
/// transaction. Each item answers `applied`, `already_done` (the earlier record stays) or
/// `rejected` with a code; completing courses issues their certificates.
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`completions` is empty or holds more than 500 items", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sync_completions(
    db: web::Data<Db>,
    user: AuthUser,
    body: web::Json<SyncCompletionsRequest>,
) -> Result<web::Json<SyncCompletionsResponse>, ApiError> {
    let items = body.into_inner().completions;
    if items.is_empty() || items.len() > service::MAX_BATCH {
        return Err(ApiError::invalid_field(
            "completions",
            "invalid_length",
            format!("must hold 1 to {} items", service::MAX_BATCH),
        ));
    }
    let items = items
        .into_iter()
        .map(|c| (c.lesson_id, truncate(c.completed_at.naive_utc())))
        .collect();
    let (results, certificates_issued) = service::sync(&db, user.id, items).await?;
    Ok(web::Json(SyncCompletionsResponse {
        results,
        certificates_issued,
    }))
}

/// The caller's progress in a course: per module and overall, the next lesson, and when
/// it was completed.
#[utoipa::path(
    get,
    path = "/api/v1/me/courses/{id}/progress",
    tag = "progress",
    operation_id = "get_progress",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), ProgressQuery),
    responses(
        (status = 200, description = "The caller's progress", body = ProgressResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_enrolled`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or a draft", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_progress(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<ProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    let wanted = wanted_languages(&req, query.lang.as_deref())?;
    let progress = service::progress(&db, user.id, id.into_inner(), wanted, true).await?;
    etag::json_with_etag(&req, &progress)
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
        ProgressQuery,
    ),
    responses(
        (status = 200, description = "The learner's progress", body = ProgressResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an owner of the course, nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or the learner is not enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_learner_progress(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    query: web::Query<ProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    let (course_id, learner) = path.into_inner();
    let mut wanted = wanted_languages(&req, query.lang.as_deref())?;
    authorize_course(&db, &user, course_id, |is_owner| {
        Action::ReadLearnerProgress { is_owner }
    })
    .await?;
    if wanted.is_empty() {
        let caller = user.id;
        wanted.push(
            db.read(move |conn| Ok(repo::holder(conn, caller)?.1))
                .await?,
        );
    }
    let progress = service::progress(&db, learner, course_id, wanted, false).await?;
    etag::json_with_etag(&req, &progress)
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_my_certificates(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<CertificateResponse>>, ApiError> {
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), "-id")?;
    let before = page.after.map(|(_, id)| id);
    let limit = page.fetch_limit();
    let user_id = user.id;
    let rows = db
        .read(move |conn| Ok(repo::list_my_certificates(conn, user_id, before, limit)?))
        .await?;
    Ok(web::Json(page.finish(
        rows,
        "-id",
        |c| (c.id, c.id),
        CertificateResponse::from,
    )))
}

async fn find_certificate(db: &Db, code: String) -> Result<CertificateResponse, ApiError> {
    // Codes are URL-safe base64; anything else cannot be one.
    if code.is_empty()
        || code.len() > 100
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::NotFound);
    }
    db.read(move |conn| {
        repo::find_certificate_by_code(conn, &code)?
            .map(CertificateResponse::from)
            .ok_or(ApiError::NotFound)
    })
    .await
}

/// Checks a certificate by its code. Public: no login needed.
#[utoipa::path(
    get,
    path = "/api/v1/certificates/{code}",
    tag = "certificates",
    operation_id = "get_certificate",
    params(("code" = String, Path, description = "The verification code printed on the certificate")),
    responses(
        (status = 200, description = "The certificate; `valid` is `false` once revoked", body = CertificateResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 404, description = "No certificate has this code", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_certificate(
    req: HttpRequest,
    db: web::Data<Db>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let cert = find_certificate(&db, code.into_inner()).await?;
    etag::json_with_etag(&req, &cert)
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
        (status = 404, description = "No certificate has this code", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_certificate_document(
    req: HttpRequest,
    db: web::Data<Db>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let cert = find_certificate(&db, code.into_inner()).await?;
    let html = document::render(&cert, &verify_url(&req, &cert.code));
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}

/// Where the certificate can be checked, as printed on it: this API's public check.
fn verify_url(req: &HttpRequest, code: &str) -> String {
    let info = req.connection_info();
    format!(
        "{}://{}/api/v1/certificates/{code}",
        info.scheme(),
        info.host()
    )
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
        (status = 200, description = "Revoked", body = CertificateResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No certificate has this code", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_revoked`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` is blank or longer than 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_certificate(
    db: web::Data<Db>,
    user: AuthUser,
    code: web::Path<String>,
    body: web::Json<RevokeCertificateRequest>,
) -> Result<web::Json<CertificateResponse>, ApiError> {
    authorize(&user, Action::RevokeCertificates)?;
    let reason = body.into_inner().reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::invalid_field(
            "reason",
            "invalid_reason",
            "must be 1 to 500 characters",
        ));
    }
    if reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::invalid_field(
            "reason",
            "invalid_reason",
            "must not contain control characters",
        ));
    }
    let cert = service::revoke(&db, code.into_inner(), reason).await?;
    tracing::info!(
        certificate.id = cert.id,
        user.id = user.id,
        "certificate revoked"
    );
    Ok(web::Json(cert.into()))
}
