//! HTTP handlers of live sessions, their check-in, attendance and calendar feeds. Every
//! answer about a session is for its cohort's people only: `Cache-Control: no-store`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::auth::{AuthUser, throttle};
use crate::cohorts::dto::path_language;
use crate::cohorts::handlers::NoSuchCohort;
use crate::cohorts::sessions::dto::{
    ATTENDANCE_SORT, AttendanceCsv, AttendanceResponse, CalendarFeedResponse, CheckInCodeResponse,
    CheckInRequest, CreateSessionRequest, ImportQuery, ImportResponse, ListSessionsQuery,
    RecordAttendanceRequest, SESSION_SORT, SessionLangQuery, SessionResponse,
    SessionTranslationRequest, UpdateSessionRequest, normalise_code, parse_record,
    translation_title,
};
use crate::cohorts::sessions::import::{self, MAX_CSV_BYTES};
use crate::cohorts::sessions::model::{SessionFields, SessionPatch};
use crate::cohorts::sessions::{feeds, service};
use crate::db::Written;
use crate::db::{self, Db};
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    BadPage, NotLoggedIn, PreconditionFailed, TranslationWritten, UnreadableBody,
};
use crate::http::etag::IfMatch;
use crate::http::json::Json;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageQuery, PageRequest, TimeKey};
use crate::http::response::{Reply, no_content};
use crate::types::{CohortId, LiveSessionId, UserId};

crate::http::doc::problem_answers! {
    /// 404: the session is unknown, or one the caller may not read.
    NoSuchSession = (404, "No such session, or one the caller may not read");
}

/// Plans a live session of the cohort: its facilitators (while trainers), coordinators and
/// admins. Times are UTC; the answer also gives them in the cohort's time zone.
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/sessions",
    tag = "cohorts",
    operation_id = "create_session",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body = CreateSessionRequest,
    responses(
        (status = 201, description = "Planned (`Cache-Control: no-store`)", body = SessionResponse,
            headers(
                ("Location" = String, description = "The session"),
                ("ETag" = String, description = "Entity tag of the session"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: not a facilitator of the cohort (while a trainer), coordinator or admin", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
        (status = 409, description = "`cohort_closed`: the cohort is cancelled or completed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: `invalid_title`, `ends_before_start`, `session_too_long`, `invalid_url`, `invalid_language`, `too_many_items`, `unknown_lesson`, `lesson_not_in_cohort`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_session(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<CreateSessionRequest>,
) -> Result<Reply<SessionResponse>, ApiError> {
    let fields = SessionFields::try_from(body.into_inner())?;
    let (cohort, actor) = (id.into_inner(), user.clone());
    let made = db
        .write(move |conn| service::create(conn, &actor, cohort, fields))
        .await?;
    let id = made.body.id;
    tracing::info!(session.id = %id, cohort.id = %cohort, user.id = %user.id, "session planned");
    Ok(Reply::created(made.body, format!("/api/v1/sessions/{id}"))
        .etag(made.etag)
        .private())
}

/// The cohort's sessions the caller may read, by start: every one for its facilitators,
/// coordinators and admins; the participants' sessions for accepted participants; the
/// leader briefings for the leaders of the organisations its call invites.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/sessions",
    tag = "cohorts",
    operation_id = "list_sessions",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), ListSessionsQuery),
    responses(
        (status = 200, description = "One page of sessions, by start, titles in the reader's language (`Cache-Control: no-store`)", body = Page<SessionResponse>,
            headers(("Content-Language" = String, description = "The languages of the titles, in order (absent on an empty page)"))),
        (status = 400, description = "Bad filter, cursor, limit or `lang`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 404, description = "No such cohort, or the caller reads none of its sessions", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_sessions(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<ListSessionsQuery>,
) -> Result<Reply<Page<SessionResponse>>, ApiError> {
    let query = query.into_inner();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let page = PageRequest::<TimeKey>::parse(query.limit, query.cursor.as_deref(), SESSION_SORT)?;
    let cohort = id.into_inner();
    let page = db
        .read(move |conn| service::list(conn, &user, cohort, query.audience, &page, prefs))
        .await?;
    let languages = crate::http::language::distinct(page.items.iter().map(|s| s.language.as_str()));
    Ok(Reply::ok(page).private().languages(&languages))
}

/// One session, for those who may read it.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}",
    tag = "cohorts",
    operation_id = "get_session",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id"), SessionLangQuery),
    responses(
        (status = 200, description = "The session, its title in the reader's language (`Cache-Control: no-store`)", body = SessionResponse,
            headers(
                ("ETag" = String, description = "Entity tag of this version in this language; send it in If-Match to change this version"),
                ("Content-Language" = String, description = "The language of the title"),
            )),
        (status = 400, description = "`invalid_query`: a bad `lang`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NoSuchSession,
    )
)]
pub async fn get_session(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LiveSessionId>,
    query: web::Query<SessionLangQuery>,
) -> Result<Reply<SessionResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.into_inner().lang.as_deref())?;
    let id = id.into_inner();
    let view = db
        .read(move |conn| service::get(conn, &user, id, prefs))
        .await?;
    let language = view.body.language.clone();
    Ok(Reply::ok(view.body)
        .etag(view.etag)
        .language(language)
        .private())
}

/// Creates or replaces the session's title in one language (its facilitators, coordinators
/// and admins); in the cohort's default language it is the session's own title. Sending
/// the title it has changes nothing.
#[utoipa::path(
    put,
    path = "/api/v1/sessions/{id}/translations/{language}",
    tag = "cohorts",
    operation_id = "put_session_translation",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Session id"),
        ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35),
    ),
    request_body = SessionTranslationRequest,
    responses(
        TranslationWritten<SessionResponse>,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: the caller reads the session (or is a trainer) but does not facilitate the cohort", body = Problem, content_type = "application/problem+json"),
        NoSuchSession,
        (status = 422, description = "`title` `invalid_title`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_session_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(LiveSessionId, String)>,
    body: Json<SessionTranslationRequest>,
) -> Result<Reply<SessionResponse>, ApiError> {
    let (id, language) = path.into_inner();
    let language = path_language(&language)?;
    let title = translation_title(body.into_inner())?;
    let (view, written) = db
        .write(move |conn| service::put_translation(conn, &user, id, language, title))
        .await?;
    let language = view.body.language.clone();
    let reply = match written {
        Written::Created => {
            Reply::created(view.body, format!("/api/v1/sessions/{id}?lang={language}"))
        }
        Written::Changed | Written::Unchanged => Reply::ok(view.body),
    };
    Ok(reply.etag(view.etag).language(language).private())
}

/// Changes a session (its facilitators, coordinators, admins): absent fields stay, `null`
/// clears `meeting_url` or `recording_url` (the recording is usually added afterwards).
#[utoipa::path(
    patch,
    path = "/api/v1/sessions/{id}",
    tag = "cohorts",
    operation_id = "update_session",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Session id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed; 412 when the session changed since"),
    ),
    request_body = UpdateSessionRequest,
    responses(
        (status = 200, description = "Changed, or unchanged (`Cache-Control: no-store`)", body = SessionResponse,
            headers(("ETag" = String, description = "Entity tag of the session's version"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: the caller reads the session (or is a trainer) but does not facilitate the cohort", body = Problem, content_type = "application/problem+json"),
        NoSuchSession,
        PreconditionFailed,
        (status = 422, description = "Invalid fields, as when planning", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_session(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LiveSessionId>,
    body: Json<UpdateSessionRequest>,
) -> Result<Reply<SessionResponse>, ApiError> {
    let patch = SessionPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let view = db
        .write(move |conn| service::update(conn, &user, id, patch, if_match.as_ref()))
        .await?;
    Ok(Reply::ok(view.body).etag(view.etag).private())
}

/// Deletes a session with its attendance (its facilitators, coordinators, admins).
#[utoipa::path(
    delete,
    path = "/api/v1/sessions/{id}",
    tag = "cohorts",
    operation_id = "delete_session",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Session id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        (status = 403, description = "`forbidden`", body = Problem, content_type = "application/problem+json"),
        NoSuchSession,
        PreconditionFailed,
    )
)]
pub async fn delete_session(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LiveSessionId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let uid = user.id;
    db.write(move |conn| service::delete(conn, &user, id, if_match.as_ref()))
        .await?;
    tracing::info!(session.id = %id, user.id = %uid, "session deleted");
    Ok(no_content())
}

// ---------------------------------------------------------------- check-in

/// The session's current check-in code, for its facilitators, coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}/check-in-code",
    tag = "cohorts",
    operation_id = "get_check_in_code",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses(
        (status = 200, description = "The code (`Cache-Control: no-store`)", body = CheckInCodeResponse),
        NotLoggedIn,
        (status = 403, description = "`forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session, or no code made yet", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_check_in_code(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LiveSessionId>,
) -> Result<Reply<CheckInCodeResponse>, ApiError> {
    let id = id.into_inner();
    let code = db
        .read(move |conn| service::current_code(conn, &user, id))
        .await?;
    Ok(Reply::ok(code).private())
}

/// Makes a new check-in code for the session (ending the one before), valid until 30
/// minutes after its end; its facilitators, coordinators and admins.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/check-in-code",
    tag = "cohorts",
    operation_id = "rotate_check_in_code",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses(
        (status = 201, description = "The new code (`Cache-Control: no-store`)", body = CheckInCodeResponse,
            headers(("Location" = String, description = "Where the current code is read"))),
        NotLoggedIn,
        (status = 403, description = "`forbidden`", body = Problem, content_type = "application/problem+json"),
        NoSuchSession,
    )
)]
pub async fn rotate_check_in_code(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LiveSessionId>,
) -> Result<Reply<CheckInCodeResponse>, ApiError> {
    let id = id.into_inner();
    let code = db
        .write(move |conn| service::rotate_code(conn, &user, id, db::now()))
        .await?;
    Ok(Reply::created(code, format!("/api/v1/sessions/{id}/check-in-code")).private())
}

/// A participant of the session (for a briefing: an invited leader) checks in with the
/// code the facilitator gives: attendance from now until the end. Wrong codes are counted
/// per account (10 in 15 minutes, then 429).
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/check-in",
    tag = "cohorts",
    operation_id = "check_in",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    request_body = CheckInRequest,
    responses(
        (status = 201, description = "Checked in (`Cache-Control: no-store`)", body = AttendanceResponse,
            headers(("Location" = String, description = "The caller's attendance in the cohort"))),
        (status = 200, description = "Attendance was recorded before; it stays", body = AttendanceResponse),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`not_a_participant`: facilitators and coordinators record attendance instead", body = Problem, content_type = "application/problem+json"),
        NoSuchSession,
        (status = 422, description = "`code`: `wrong_code`, `code_expired`, `too_long`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many wrong codes", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn check_in(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LiveSessionId>,
    body: Json<CheckInRequest>,
) -> Result<Reply<AttendanceResponse>, ApiError> {
    let code = normalise_code(&body.code)?;
    let id = id.into_inner();
    let subject = format!("user:{}", user.id);
    throttle::CHECK_IN_ACCOUNT
        .check(&db, subject.clone())
        .await?;
    let actor = user.clone();
    let outcome = db
        .write(move |conn| service::check_in(conn, &actor, id, &code, db::now()))
        .await;
    let (attendance, created, cohort) = match outcome {
        Err(err) if service::is_wrong_code(&err) => {
            throttle::CHECK_IN_ACCOUNT.fail(&db, subject).await?;
            return Err(err);
        }
        other => other?,
    };
    if created {
        tracing::info!(session.id = %id, user.id = %user.id, "checked in");
        let location = format!("/api/v1/cohorts/{cohort}/attendance/me");
        Ok(Reply::created(attendance, location).private())
    } else {
        Ok(Reply::ok(attendance).private())
    }
}

// ---------------------------------------------------------------- attendance

/// Who attended the session, by user id (its facilitators, coordinators, admins).
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}/attendance",
    tag = "cohorts",
    operation_id = "list_attendance",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id"), PageQuery),
    responses(
        (status = 200, description = "One page of attendance (`Cache-Control: no-store`)", body = Page<AttendanceResponse>),
        BadPage,
        NotLoggedIn,
        (status = 403, description = "`forbidden`", body = Problem, content_type = "application/problem+json"),
        NoSuchSession,
    )
)]
pub async fn list_attendance(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LiveSessionId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<AttendanceResponse>>, ApiError> {
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), ATTENDANCE_SORT)?;
    let id = id.into_inner();
    let page = db
        .read(move |conn| service::list_attendance(conn, &user, id, &page))
        .await?;
    Ok(Reply::ok(page).private())
}

/// A facilitator (coordinator, admin) records a participant's attendance, replacing what
/// was recorded.
#[utoipa::path(
    put,
    path = "/api/v1/sessions/{id}/attendance/{user_id}",
    tag = "cohorts",
    operation_id = "put_attendance",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Session id"),
        ("user_id" = i64, Path, description = "The participant"),
    ),
    request_body = RecordAttendanceRequest,
    responses(
        (status = 201, description = "Recorded (`Cache-Control: no-store`)", body = AttendanceResponse,
            headers(("Location" = String, description = "The session's attendance"))),
        (status = 200, description = "Replaced", body = AttendanceResponse),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`", body = Problem, content_type = "application/problem+json"),
        NoSuchSession,
        (status = 422, description = "`user_id` `not_a_participant`; `left_at` `leave_before_join`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_attendance(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(LiveSessionId, UserId)>,
    body: Json<RecordAttendanceRequest>,
) -> Result<Reply<AttendanceResponse>, ApiError> {
    let times = parse_record(body.into_inner())?;
    let (id, participant) = path.into_inner();
    let (attendance, created) = db
        .write(move |conn| service::record(conn, &user, id, participant, times))
        .await?;
    Ok(if created {
        Reply::created(attendance, format!("/api/v1/sessions/{id}/attendance")).private()
    } else {
        Reply::ok(attendance).private()
    })
}

/// Removes a participant's attendance (its facilitators, coordinators, admins).
#[utoipa::path(
    delete,
    path = "/api/v1/sessions/{id}/attendance/{user_id}",
    tag = "cohorts",
    operation_id = "delete_attendance",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Session id"),
        ("user_id" = i64, Path, description = "The participant"),
    ),
    responses(
        (status = 204, description = "Removed, or there was none"),
        NotLoggedIn,
        (status = 403, description = "`forbidden`", body = Problem, content_type = "application/problem+json"),
        NoSuchSession,
    )
)]
pub async fn delete_attendance(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(LiveSessionId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, participant) = path.into_inner();
    db.write(move |conn| service::unrecord(conn, &user, id, participant))
        .await?;
    Ok(no_content())
}

/// Reads the request body as CSV: `text/csv` (415 otherwise), at most [`MAX_CSV_BYTES`]
/// (413 beyond).
async fn csv_body(req: &HttpRequest, mut payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"));
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType);
    }
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::bad_request("invalid_body", "the body could not be read"))?;
        if body.len() + chunk.len() > MAX_CSV_BYTES {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Imports a meeting tool's attendance export (`text/csv`, at most 512 KiB and 5,000
/// lines): a header naming `email`, `join` and `leave`, then one line per stay (RFC 4180
/// quoting; times RFC 3339 or `YYYY-MM-DD HH:MM[:SS]` in the cohort's time zone). With
/// `?dry_run=true` each line's result is reported and nothing changes; otherwise every
/// participant named gets the attendance of their lines — all of it, or nothing when any
/// line fails (422 naming each failing line as `lines[N]` with its result as code).
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/attendance-import",
    tag = "cohorts",
    operation_id = "import_attendance",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id"), ImportQuery),
    request_body(content = AttendanceCsv, content_type = "text/csv", description = "email,join,leave"),
    responses(
        (status = 200, description = "Each line's result; applied unless a dry run (`Cache-Control: no-store`)", body = ImportResponse),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "`forbidden`", body = Problem, content_type = "application/problem+json"),
        NoSuchSession,
        (status = 413, description = "`payload_too_large`: over 512 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: not `text/csv`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file is not usable (`csv`: `not_utf8`, `malformed_csv`, `missing_header`, `too_many_lines`), or a line failed (`lines[N]`: `unknown_email`, `not_a_participant`, `overlapping_times`, `bad_time`, `missing_field`): nothing was written", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import_attendance(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LiveSessionId>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<Reply<ImportResponse>, ApiError> {
    let dry_run = query.dry_run.unwrap_or(false);
    let bytes = csv_body(&req, payload).await?;
    let lines = import::parse(&bytes)?;
    let id = id.into_inner();
    let uid = user.id;
    let report = if dry_run {
        db.read(move |conn| import::import(conn, &user, id, &lines, true))
            .await?
    } else {
        db.write(move |conn| import::import(conn, &user, id, &lines, false))
            .await?
    };
    if report.applied {
        tracing::info!(session.id = %id, user.id = %uid, lines = report.lines.len(), "attendance imported");
    }
    Ok(Reply::ok(report).private())
}

/// The caller's own attendance of the cohort's sessions, by start.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/attendance/me",
    tag = "cohorts",
    operation_id = "get_own_attendance",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "Every session the caller attended (`Cache-Control: no-store`)", body = Vec<AttendanceResponse>),
        NotLoggedIn,
        (status = 404, description = "No such cohort, or the caller reads none of its sessions", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_own_attendance(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
) -> Result<Reply<Vec<AttendanceResponse>>, ApiError> {
    let cohort = id.into_inner();
    let items = db
        .read(move |conn| service::own_attendance(conn, &user, cohort))
        .await?;
    Ok(Reply::ok(items).private())
}

// ---------------------------------------------------------------- calendar feeds

/// Makes (or renews) the caller's secret calendar feed of every cohort they take part in;
/// the address before stops working.
#[utoipa::path(
    post,
    path = "/api/v1/me/calendar-feed",
    tag = "cohorts",
    operation_id = "renew_my_calendar_feed",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The feed's address (`Cache-Control: no-store`)", body = CalendarFeedResponse,
            headers(("Location" = String, description = "The feed"))),
        NotLoggedIn,
    )
)]
pub async fn renew_my_calendar_feed(
    db: web::Data<Db>,
    user: AuthUser,
) -> Result<Reply<CalendarFeedResponse>, ApiError> {
    let feed = db
        .write(move |conn| feeds::renew(conn, &user, None))
        .await?;
    let url = feed.url.clone();
    Ok(Reply::created(feed, url).private())
}

/// Revokes the caller's own calendar feed: its address answers 404 from now on.
#[utoipa::path(
    delete,
    path = "/api/v1/me/calendar-feed",
    tag = "cohorts",
    operation_id = "revoke_my_calendar_feed",
    security(("bearer" = [])),
    responses((status = 204, description = "Revoked, or there was none"), NotLoggedIn)
)]
pub async fn revoke_my_calendar_feed(
    db: web::Data<Db>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    db.write(move |conn| feeds::revoke(conn, &user, None))
        .await?;
    Ok(no_content())
}

/// Makes (or renews) the caller's secret calendar feed of one cohort's sessions (those
/// they may read); the address before stops working.
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/calendar-feed",
    tag = "cohorts",
    operation_id = "renew_cohort_calendar_feed",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 201, description = "The feed's address (`Cache-Control: no-store`)", body = CalendarFeedResponse,
            headers(("Location" = String, description = "The feed"))),
        NotLoggedIn,
        (status = 404, description = "No such cohort, or the caller reads none of its sessions", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn renew_cohort_calendar_feed(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
) -> Result<Reply<CalendarFeedResponse>, ApiError> {
    let cohort = id.into_inner();
    let feed = db
        .write(move |conn| feeds::renew(conn, &user, Some(cohort)))
        .await?;
    let url = feed.url.clone();
    Ok(Reply::created(feed, url).private())
}

/// Revokes the caller's calendar feed of one cohort.
#[utoipa::path(
    delete,
    path = "/api/v1/cohorts/{id}/calendar-feed",
    tag = "cohorts",
    operation_id = "revoke_cohort_calendar_feed",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 204, description = "Revoked, or there was none"),
        NotLoggedIn,
        NoSuchCohort,
    )
)]
pub async fn revoke_cohort_calendar_feed(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    let cohort = id.into_inner();
    db.write(move |conn| feeds::revoke(conn, &user, Some(cohort)))
        .await?;
    Ok(no_content())
}

/// A calendar feed (iCalendar, RFC 5545), read without a login: the token in the address
/// is the key. Times are UTC; sessions from 90 days back on.
#[utoipa::path(
    get,
    path = "/api/v1/calendar-feeds/{token}",
    tag = "cohorts",
    operation_id = "get_calendar_feed",
    params(("token" = String, Path, description = "The secret token of the feed's address")),
    responses(
        (status = 200, description = "The calendar (`Cache-Control: no-store`)", body = String, content_type = "text/calendar"),
        (status = 404, description = "No such feed: a wrong, renewed or revoked token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_calendar_feed(
    db: web::Data<Db>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    if token.len() > crate::auth::tokens::MAX_OPAQUE_TOKEN_CHARS {
        return Err(ApiError::NotFound);
    }
    let text = db
        .read(move |conn| feeds::render(conn, &token, db::now()))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}
