//! HTTP handlers of flags, hiding posts, locking and pinning threads, and the moderation log.

use crate::http::json::Json;
use actix_web::{HttpResponse, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{BadPage, NoSuchCommunity, NotAMember, NotAModerator, NotLoggedIn};
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::{Reply, no_content};
use crate::moderation::dto::{
    CreateFlagRequest, FlagDecision, FlagListInput, FlagQueueItem, FlagResponse, HideInput,
    HidePostRequest, LOG_SORT, ListFlagsQuery, ModerationLogEntry, NewFlagInput,
    ResolveFlagRequest, RestorePostRequest,
};
use crate::moderation::service::{self, ThreadAction};
use crate::types::{CommunityId, FlagId, PostId, ThreadId};

crate::http::doc::problem_answers! {
    /// 404: the thread is unknown, deleted or unreadable to the caller.
    NoSuchReadableThread = (404, "No such thread (or deleted), or one the caller cannot read");
}

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
            headers(("Location" = String, description = "The flag (`GET /api/v1/flags/{id}`)"))),
        NotLoggedIn,
        NotAMember,
        (status = 404, description = "No such post, or one the caller cannot see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_flagged` (an open flag by the caller exists), `post_deleted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`own_post`, or a note over 1000 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_flag(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PostId>,
    body: Json<CreateFlagRequest>,
) -> Result<Reply<FlagResponse>, ApiError> {
    let input = NewFlagInput::try_from(body.into_inner())?;
    let (post_id, user_id) = (id.into_inner(), user.id);
    let flag = db
        .write(move |conn| service::create_flag(conn, &user, post_id, input))
        .await?;
    tracing::info!(
        post.id = post_id.get(),
        user.id = user_id.get(),
        flag.id = flag.id.get(),
        "post flagged"
    );
    let location = format!("/api/v1/flags/{}", flag.id);
    Ok(Reply::created(flag, location))
}

/// One flag: its reporter and the community's moderators read it.
#[utoipa::path(
    get,
    path = "/api/v1/flags/{id}",
    tag = "moderation",
    operation_id = "get_flag",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Flag id")),
    responses(
        (status = 200, description = "The flag", body = FlagResponse),
        NotLoggedIn,
        (status = 404, description = "No such flag, or one the caller neither raised nor moderates", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_flag(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<FlagId>,
) -> Result<Reply<FlagResponse>, ApiError> {
    let id = id.into_inner();
    let flag = db
        .read(move |conn| service::get_flag(conn, &user, id))
        .await?;
    Ok(Reply::ok(flag).private())
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
        NotLoggedIn,
        NotAModerator,
        NoSuchCommunity,
    )
)]
pub async fn list_flags(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CommunityId>,
    query: web::Query<ListFlagsQuery>,
) -> Result<Reply<Page<FlagQueueItem>>, ApiError> {
    let input = FlagListInput::try_from(query.into_inner())?;
    let community_id = id.into_inner();
    let page = db
        .read(move |conn| service::list_flags(conn, &user, community_id, input))
        .await?;
    Ok(Reply::ok(page).private())
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
        NotLoggedIn,
        NotAModerator,
        (status = 404, description = "No such flag, or one in a community the caller cannot read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`flag_resolved`: already decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A reason over 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resolve_flag(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<FlagId>,
    body: Json<ResolveFlagRequest>,
) -> Result<Reply<FlagResponse>, ApiError> {
    let decision = FlagDecision::try_from(body.into_inner())?;
    let outcome = decision.outcome;
    let (flag_id, user_id) = (id.into_inner(), user.id);
    let flag = db
        .write(move |conn| service::resolve_flag(conn, &user, flag_id, decision))
        .await?;
    tracing::info!(flag.id = flag_id.get(), user.id = user_id.get(), outcome = %outcome, "flag resolved");
    Ok(Reply::ok(flag))
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
        NotLoggedIn,
        NotAModerator,
        (status = 404, description = "No such post, or one in a community the caller cannot read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_hidden`, `post_deleted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` empty or over 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn hide_post(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PostId>,
    body: Json<HidePostRequest>,
) -> Result<HttpResponse, ApiError> {
    set_post_hidden(db, user, id, HideInput::try_from(body.into_inner())?).await
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
        NotLoggedIn,
        NotAModerator,
        (status = 404, description = "No such post, or one in a community the caller cannot read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_hidden`, `post_deleted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` over 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restore_post(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PostId>,
    body: Json<RestorePostRequest>,
) -> Result<HttpResponse, ApiError> {
    set_post_hidden(db, user, id, HideInput::try_from(body.into_inner())?).await
}

/// Hides or restores a post, as `input` says (`hide_post`, `restore_post`).
async fn set_post_hidden(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PostId>,
    input: HideInput,
) -> Result<HttpResponse, ApiError> {
    let hide = input.hide;
    let (post_id, user_id) = (id.into_inner(), user.id);
    db.write(move |conn| service::set_post_hidden(conn, &user, post_id, input))
        .await?;
    let what = if hide { "post hidden" } else { "post restored" };
    tracing::info!(post.id = post_id.get(), user.id = user_id.get(), "{what}");
    Ok(no_content())
}

async fn thread_action(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
    action: ThreadAction,
) -> Result<HttpResponse, ApiError> {
    let (thread_id, user_id) = (id.into_inner(), user.id);
    db.write(move |conn| service::thread_action(conn, &user, thread_id, action))
        .await?;
    tracing::info!(thread.id = thread_id.get(), user.id = user_id.get(), action = ?action, "thread moderated");
    Ok(no_content())
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
        NotLoggedIn,
        NotAModerator,
        NoSuchReadableThread,
    )
)]
pub async fn lock_thread(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
) -> Result<HttpResponse, ApiError> {
    thread_action(db, user, id, ThreadAction::Lock).await
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
        NotLoggedIn,
        NotAModerator,
        NoSuchReadableThread,
    )
)]
pub async fn unlock_thread(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
) -> Result<HttpResponse, ApiError> {
    thread_action(db, user, id, ThreadAction::Unlock).await
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
        NotLoggedIn,
        NotAModerator,
        NoSuchReadableThread,
    )
)]
pub async fn pin_thread(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
) -> Result<HttpResponse, ApiError> {
    thread_action(db, user, id, ThreadAction::Pin).await
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
        NotLoggedIn,
        NotAModerator,
        NoSuchReadableThread,
    )
)]
pub async fn unpin_thread(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
) -> Result<HttpResponse, ApiError> {
    thread_action(db, user, id, ThreadAction::Unpin).await
}

/// Every moderator action in a community, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/moderation-log",
    tag = "moderation",
    operation_id = "list_moderation_log",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id"), PageQuery),
    responses(
        (status = 200, description = "One page of the log", body = Page<ModerationLogEntry>),
        BadPage,
        NotLoggedIn,
        NotAModerator,
        NoSuchCommunity,
    )
)]
pub async fn list_moderation_log(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CommunityId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<ModerationLogEntry>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), LOG_SORT)?;
    let community_id = id.into_inner();
    let page = db
        .read(move |conn| service::list_log(conn, &user, community_id, page))
        .await?;
    Ok(Reply::ok(page).private())
}
