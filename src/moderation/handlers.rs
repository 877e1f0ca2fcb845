//! HTTP handlers of flags, hiding posts, locking and pinning threads, and the moderation log.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::pagination::{Page, PageRequest};
use crate::moderation::dto::{
    CreateFlagRequest, FlagQueueItem, FlagResponse, HidePostRequest, ListFlagsQuery, MAX_REASON,
    ModerationLogEntry, ModerationLogQuery, ResolveFlagRequest, RestorePostRequest,
};
use crate::moderation::service::{self, ThreadAction};

/// Flags a post for the community's moderators.
#[utoipa::path(
    post,
    path = "/api/v1/posts/{id}/flags",
    tag = "moderation",
    operation_id = "create_flag",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    request_body = CreateFlagRequest,
    responses(
        (status = 201, description = "Flagged", body = FlagResponse,
            headers(("Location" = String, description = "The flag's resolve action"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_member` or `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or one the caller cannot see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_flagged` (an open flag by the caller exists), `post_deleted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`own_post`, or a note over 1000 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_flag(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<CreateFlagRequest>,
) -> Result<HttpResponse, ApiError> {
    let post_id = id.into_inner();
    let req = body.into_inner();
    let user_id = user.id;
    let flag = db
        .write(move |conn| service::create_flag(conn, &user, post_id, req))
        .await?;
    tracing::info!(
        post.id = post_id,
        user.id = user_id,
        flag.id = flag.id,
        "post flagged"
    );
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/flags/{}/resolve", flag.id),
        ))
        .json(flag))
}

/// A community's flag queue: open flags by default, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/flags",
    tag = "moderation",
    operation_id = "list_flags",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id"), ListFlagsQuery),
    responses(
        (status = 200, description = "One page of flags", body = Page<FlagQueueItem>),
        (status = 400, description = "Bad `status`, `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller is not in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_flags(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<ListFlagsQuery>,
) -> Result<web::Json<Page<FlagQueueItem>>, ApiError> {
    let community_id = id.into_inner();
    let query = query.into_inner();
    let status = query.status.unwrap_or_default();
    let page = PageRequest::<i64>::parse(
        query.limit,
        query.cursor.as_deref(),
        service::flag_sort(status),
    )?;
    let page = db
        .read(move |conn| service::list_flags(conn, &user, community_id, status, &page))
        .await?;
    Ok(web::Json(page))
}

/// Decides an open flag. `upheld` hides the post and upholds every open flag on it;
/// `dismissed` closes this flag only. Reporters (and, when hidden, the author) are notified.
#[utoipa::path(
    post,
    path = "/api/v1/flags/{id}/resolve",
    tag = "moderation",
    operation_id = "resolve_flag",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Flag id")),
    request_body = ResolveFlagRequest,
    responses(
        (status = 200, description = "Decided", body = FlagResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such flag, or one in a community the caller cannot read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`flag_resolved`: already decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A reason over 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resolve_flag(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<ResolveFlagRequest>,
) -> Result<web::Json<FlagResponse>, ApiError> {
    let flag_id = id.into_inner();
    let req = body.into_inner();
    let reason = service::check_reason(req.reason)?;
    let outcome = req.outcome;
    let user_id = user.id;
    let flag = db
        .write(move |conn| service::resolve_flag(conn, &user, flag_id, outcome, reason))
        .await?;
    tracing::info!(flag.id = flag_id, user.id = user_id, outcome = ?outcome, "flag resolved");
    Ok(web::Json(flag))
}

/// Hides a post from everyone but its author and the moderators; the author is notified.
#[utoipa::path(
    post,
    path = "/api/v1/posts/{id}/hide",
    tag = "moderation",
    operation_id = "hide_post",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    request_body = HidePostRequest,
    responses(
        (status = 204, description = "Hidden"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or one in a community the caller cannot read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_hidden`, `post_deleted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` empty or over 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn hide_post(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<HidePostRequest>,
) -> Result<HttpResponse, ApiError> {
    let post_id = id.into_inner();
    let reason = service::required_text("reason", body.into_inner().reason, MAX_REASON)?;
    let user_id = user.id;
    db.write(move |conn| service::set_post_hidden(conn, &user, post_id, true, Some(reason)))
        .await?;
    tracing::info!(post.id = post_id, user.id = user_id, "post hidden");
    Ok(HttpResponse::NoContent().finish())
}

/// Shows a hidden post again; the author is notified. The body may be `{}`.
#[utoipa::path(
    post,
    path = "/api/v1/posts/{id}/restore",
    tag = "moderation",
    operation_id = "restore_post",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    request_body = RestorePostRequest,
    responses(
        (status = 204, description = "Restored"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or one in a community the caller cannot read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_hidden`, `post_deleted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` over 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restore_post(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<RestorePostRequest>,
) -> Result<HttpResponse, ApiError> {
    let post_id = id.into_inner();
    let reason = service::check_reason(body.into_inner().reason)?;
    let user_id = user.id;
    db.write(move |conn| service::set_post_hidden(conn, &user, post_id, false, reason))
        .await?;
    tracing::info!(post.id = post_id, user.id = user_id, "post restored");
    Ok(HttpResponse::NoContent().finish())
}

async fn thread_action(
    db: web::Data<Db>,
    user: AuthUser,
    thread_id: i64,
    action: ThreadAction,
) -> Result<HttpResponse, ApiError> {
    let user_id = user.id;
    db.write(move |conn| service::thread_action(conn, &user, thread_id, action))
        .await?;
    tracing::info!(thread.id = thread_id, user.id = user_id, action = ?action, "thread moderated");
    Ok(HttpResponse::NoContent().finish())
}

/// Locks a thread: only moderators may still post in it. Idempotent.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{id}/lock",
    tag = "moderation",
    operation_id = "lock_thread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    responses(
        (status = 204, description = "Locked"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread (or deleted), or one the caller cannot read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn lock_thread(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    thread_action(db, user, id.into_inner(), ThreadAction::Lock).await
}

/// Unlocks a thread. Idempotent.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{id}/unlock",
    tag = "moderation",
    operation_id = "unlock_thread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    responses(
        (status = 204, description = "Unlocked"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread (or deleted), or one the caller cannot read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unlock_thread(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    thread_action(db, user, id.into_inner(), ThreadAction::Unlock).await
}

/// Pins a thread to the top of its community's list. Idempotent.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{id}/pin",
    tag = "moderation",
    operation_id = "pin_thread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    responses(
        (status = 204, description = "Pinned"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread (or deleted), or one the caller cannot read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn pin_thread(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    thread_action(db, user, id.into_inner(), ThreadAction::Pin).await
}

/// Unpins a thread. Idempotent.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{id}/unpin",
    tag = "moderation",
    operation_id = "unpin_thread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    responses(
        (status = 204, description = "Unpinned"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread (or deleted), or one the caller cannot read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unpin_thread(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    thread_action(db, user, id.into_inner(), ThreadAction::Unpin).await
}

/// Every moderator action in a community, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/moderation-log",
    tag = "moderation",
    operation_id = "list_moderation_log",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id"), ModerationLogQuery),
    responses(
        (status = 200, description = "One page of the log", body = Page<ModerationLogEntry>),
        (status = 400, description = "Bad `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller is not in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_moderation_log(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<ModerationLogQuery>,
) -> Result<web::Json<Page<ModerationLogEntry>>, ApiError> {
    let community_id = id.into_inner();
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), service::LOG_SORT)?;
    let page = db
        .read(move |conn| service::list_log(conn, &user, community_id, &page))
        .await?;
    Ok(web::Json(page))
}
