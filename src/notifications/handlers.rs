//! HTTP handlers of notifications and subscriptions.

use actix_web::{HttpResponse, web};

use crate::auth::AuthUser;
use crate::communities::access::{self, Access};
use crate::db::{self, Db, DbConn};
use crate::error::{ApiError, Problem};
use crate::http::pagination::{Page, PageRequest};
use crate::notifications::dto::{
    CommunitySubscriptionResponse, EmailPreference, ListNotificationsQuery, NotificationResponse,
    ThreadSubscriptionResponse, UnreadCountResponse, UpdateCommunitySubscriptionRequest,
};
use crate::notifications::repo;

/// The one order of the notification list (a cursor remembers it).
const SORT: &str = "unread_first";

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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_my_notifications(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<ListNotificationsQuery>,
) -> Result<web::Json<Page<NotificationResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<bool>::parse(query.limit, query.cursor.as_deref(), SORT)?;
    let unread_only = query.unread.unwrap_or(false);
    let (after, limit, user_id) = (page.after, page.fetch_limit(), user.id);
    let rows = db
        .read(move |conn| {
            let private = access::readable_private_ids(conn, user_id)?;
            Ok(repo::list(
                conn,
                user_id,
                private,
                unread_only,
                after,
                limit,
            )?)
        })
        .await?;
    Ok(web::Json(page.finish(
        rows,
        SORT,
        |r| (r.read_at.is_some(), r.id),
        NotificationResponse::from,
    )))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_unread_notification_count(
    db: web::Data<Db>,
    user: AuthUser,
) -> Result<web::Json<UnreadCountResponse>, ApiError> {
    let user_id = user.id;
    let unread = db
        .read(move |conn| {
            let private = access::readable_private_ids(conn, user_id)?;
            Ok(repo::unread_count(conn, user_id, private)?)
        })
        .await?;
    Ok(web::Json(UnreadCountResponse { unread }))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The caller has no such notification", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read_notification(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, user_id) = (id.into_inner(), user.id);
    let found = db
        .write(move |conn| Ok(repo::mark_read(conn, user_id, id, db::now())?))
        .await?;
    if !found {
        return Err(ApiError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read_all_notifications(
    db: web::Data<Db>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let user_id = user.id;
    db.write(move |conn| Ok(repo::mark_all_read(conn, user_id, db::now())?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's access to the community of live thread `thread_id` (404 for a deleted one).
fn thread_access(conn: &mut DbConn, thread_id: i64, user: &AuthUser) -> Result<Access, ApiError> {
    let (community_id, _, deleted_at) =
        repo::thread_brief(conn, thread_id)?.ok_or(ApiError::NotFound)?;
    if deleted_at.is_some() {
        return Err(ApiError::NotFound);
    }
    access::load(conn, community_id, Some(user))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread, deleted, or in a private community of others", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_thread_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<web::Json<ThreadSubscriptionResponse>, ApiError> {
    let thread_id = id.into_inner();
    let watching = db
        .read(move |conn| {
            thread_access(conn, thread_id, &user)?.require_read()?;
            Ok(repo::is_watching(conn, thread_id, user.id)?)
        })
        .await?;
    Ok(web::Json(ThreadSubscriptionResponse { watching }))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_member` or `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread, deleted, or in a private community of others", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_thread_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<web::Json<ThreadSubscriptionResponse>, ApiError> {
    let thread_id = id.into_inner();
    db.write(move |conn| {
        thread_access(conn, thread_id, &user)?.require_participate()?;
        Ok(repo::watch(conn, thread_id, user.id, db::now())?)
    })
    .await?;
    Ok(web::Json(ThreadSubscriptionResponse { watching: true }))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread, deleted, or in a private community of others", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_thread_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let thread_id = id.into_inner();
    db.write(move |conn| {
        thread_access(conn, thread_id, &user)?.require_read()?;
        Ok(repo::unwatch(conn, thread_id, user.id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's watching flag and email preference in a community they are a member of.
fn community_settings(
    conn: &mut DbConn,
    community_id: i64,
    user: &AuthUser,
) -> Result<CommunitySubscriptionResponse, ApiError> {
    access::load(conn, community_id, Some(user))?.require_participate()?;
    let (watching, preference) =
        repo::member_settings(conn, community_id, user.id)?.ok_or(ApiError::NotFound)?;
    Ok(CommunitySubscriptionResponse {
        watching,
        email_preference: EmailPreference::parse(&preference).unwrap_or(EmailPreference::Daily),
    })
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_member` or `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one of others", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_community_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<web::Json<CommunitySubscriptionResponse>, ApiError> {
    let community_id = id.into_inner();
    let body = db
        .read(move |conn| community_settings(conn, community_id, &user))
        .await?;
    Ok(web::Json(body))
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
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_member` or `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one of others", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_email_preference`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_community_subscription(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<UpdateCommunitySubscriptionRequest>,
) -> Result<web::Json<CommunitySubscriptionResponse>, ApiError> {
    let community_id = id.into_inner();
    let body = body.into_inner();
    let answer = db
        .write(move |conn| {
            let current = community_settings(conn, community_id, &user)?;
            let preference = body.preference()?;
            let watching = body.watching.unwrap_or(current.watching);
            let email_preference = preference.unwrap_or(current.email_preference);
            if watching != current.watching || email_preference != current.email_preference {
                repo::update_member_settings(
                    conn,
                    community_id,
                    user.id,
                    watching,
                    email_preference.as_str(),
                    db::now(),
                )?;
            }
            Ok(CommunitySubscriptionResponse {
                watching,
                email_preference,
            })
        })
        .await?;
    Ok(web::Json(answer))
}
