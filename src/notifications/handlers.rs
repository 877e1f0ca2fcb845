//! HTTP handlers of notifications and subscriptions.

use crate::http::json::Json;
use actix_web::{HttpResponse, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{NotAMember, NotLoggedIn, UnreadableBody};
use crate::http::pagination::Page;
use crate::http::response::{Reply, no_content};
use crate::notifications::dto::{
    CommunitySubscriptionResponse, ListNotificationsQuery, NotificationListInput,
    NotificationResponse, SubscriptionPatch, ThreadSubscriptionResponse, UnreadCountResponse,
    UpdateCommunitySubscriptionRequest,
};
use crate::notifications::service;
use crate::types::{CommunityId, NotificationId, ThreadId};

crate::http::doc::problem_answers! {
    /// 404: the thread is unknown, deleted or unreadable to the caller.
    NoSuchWatchableThread = (404, "No such thread, deleted, or in a private community of others");
}

/// The caller's notifications: unread first, then newest. Notifications about what the
/// caller can no longer see (a hidden or deleted post, a deleted thread, a community they
/// cannot read any more) are left out.
#[utoipa::path(
    get,
    path = "/api/v1/me/notifications",
    tag = "notifications",
    operation_id = "list_my_notifications",
    security(("bearer" = [])),
    params(ListNotificationsQuery),
    responses(
        (status = 200, description = "One page of notifications", body = Page<NotificationResponse>),
        (status = 400, description = "Bad limit, cursor or parameter", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
    )
)]
pub async fn list_my_notifications(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<ListNotificationsQuery>,
) -> Result<Reply<Page<NotificationResponse>>, ApiError> {
    let input = NotificationListInput::try_from(query.into_inner())?;
    let page = db
        .read(move |conn| service::list_mine(conn, &user, input))
        .await?;
    Ok(Reply::ok(page).private())
}

/// How many of the caller's notifications are unread (with the same rules as the list).
#[utoipa::path(
    get,
    path = "/api/v1/me/notifications/unread-count",
    tag = "notifications",
    operation_id = "get_unread_notification_count",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The count", body = UnreadCountResponse),
        NotLoggedIn,
    )
)]
pub async fn get_unread_notification_count(
    db: web::Data<Db>,
    user: AuthUser,
) -> Result<Reply<UnreadCountResponse>, ApiError> {
    let count = db
        .read(move |conn| service::unread_count(conn, &user))
        .await?;
    Ok(Reply::ok(count).private())
}

/// Marks one of the caller's notifications read (204 also when it already was).
#[utoipa::path(
    post,
    path = "/api/v1/me/notifications/{id}/read",
    tag = "notifications",
    operation_id = "read_notification",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Read"),
        NotLoggedIn,
        (status = 404, description = "The caller has no such notification", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read_notification(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NotificationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.write(move |conn| service::mark_read(conn, &user, id))
        .await?;
    Ok(no_content())
}

/// Marks all the caller's notifications read.
#[utoipa::path(
    post,
    path = "/api/v1/me/notifications/read-all",
    tag = "notifications",
    operation_id = "read_all_notifications",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "All read"),
        NotLoggedIn,
    )
)]
pub async fn read_all_notifications(
    db: web::Data<Db>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    db.write(move |conn| service::mark_all_read(conn, &user))
        .await?;
    Ok(no_content())
}

/// Whether the caller watches a thread.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{id}/subscription",
    tag = "notifications",
    operation_id = "get_thread_subscription",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    responses(
        (status = 200, description = "Watching or not", body = ThreadSubscriptionResponse),
        NotLoggedIn,
        NoSuchWatchableThread,
    )
)]
pub async fn get_thread_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
) -> Result<Reply<ThreadSubscriptionResponse>, ApiError> {
    let thread_id = id.into_inner();
    let answer = db
        .read(move |conn| service::thread_subscription(conn, &user, thread_id))
        .await?;
    Ok(Reply::ok(answer).private())
}

/// Watches a thread: the caller is notified of its replies (idempotent).
#[utoipa::path(
    put,
    path = "/api/v1/threads/{id}/subscription",
    tag = "notifications",
    operation_id = "put_thread_subscription",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    responses(
        (status = 200, description = "Watching", body = ThreadSubscriptionResponse),
        NotLoggedIn,
        NotAMember,
        NoSuchWatchableThread,
    )
)]
pub async fn put_thread_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
) -> Result<Reply<ThreadSubscriptionResponse>, ApiError> {
    let thread_id = id.into_inner();
    let answer = db
        .write(move |conn| service::watch(conn, &user, thread_id))
        .await?;
    Ok(Reply::ok(answer).private())
}

/// Stops watching a thread (204 also when the caller did not watch it).
#[utoipa::path(
    delete,
    path = "/api/v1/threads/{id}/subscription",
    tag = "notifications",
    operation_id = "delete_thread_subscription",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    responses(
        (status = 204, description = "Not watching"),
        NotLoggedIn,
        NoSuchWatchableThread,
    )
)]
pub async fn delete_thread_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
) -> Result<HttpResponse, ApiError> {
    let thread_id = id.into_inner();
    db.write(move |conn| service::unwatch(conn, &user, thread_id))
        .await?;
    Ok(no_content())
}

/// The caller's subscription to a community: watching its new threads, and when they are
/// emailed about their notifications there.
#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/subscription",
    tag = "notifications",
    operation_id = "get_community_subscription",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id")),
    responses(
        (status = 200, description = "The subscription", body = CommunitySubscriptionResponse),
        NotLoggedIn,
        NotAMember,
        (status = 404, description = "No such community, or a private one of others", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_community_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CommunityId>,
) -> Result<Reply<CommunitySubscriptionResponse>, ApiError> {
    let community_id = id.into_inner();
    let answer = db
        .read(move |conn| service::community_subscription(conn, &user, community_id))
        .await?;
    Ok(Reply::ok(answer).private())
}

/// Changes the caller's subscription to a community; absent fields stay as they are.
#[utoipa::path(
    put,
    path = "/api/v1/communities/{id}/subscription",
    tag = "notifications",
    operation_id = "put_community_subscription",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id")),
    request_body = UpdateCommunitySubscriptionRequest,
    responses(
        (status = 200, description = "The subscription as it is now", body = CommunitySubscriptionResponse),
        UnreadableBody,
        NotLoggedIn,
        NotAMember,
        (status = 404, description = "No such community, or a private one of others", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_email_preference`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_community_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CommunityId>,
    body: Json<UpdateCommunitySubscriptionRequest>,
) -> Result<Reply<CommunitySubscriptionResponse>, ApiError> {
    let patch = SubscriptionPatch::try_from(body.into_inner())?;
    let community_id = id.into_inner();
    let answer = db
        .write(move |conn| service::update_community_subscription(conn, &user, community_id, patch))
        .await?;
    Ok(Reply::ok(answer).private())
}
