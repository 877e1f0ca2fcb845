//! HTTP handlers of threads, posts, reactions, accepted answers and read state.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{AuthUser, MaybeUser};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::forums::dto::{
    AcceptAnswerRequest, CreatePostRequest, CreateThreadRequest, ListPostsQuery, ListThreadsQuery,
    PageQuery, PostResponse, ReactionsResponse, ReadStateRequest, ReadStateResponse,
    RevisionResponse, ThreadResponse, ThreadSummary, UpdatePostRequest, UpdateThreadRequest,
};
use crate::forums::model::ReactionKind;
use crate::forums::service;
use crate::http::etag::{self, IfMatch};
use crate::http::pagination::Page;

/// A community's threads: pinned first, then by last activity (newest first).
#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/threads",
    tag = "threads",
    operation_id = "list_threads",
    params(("id" = i64, Path, description = "Community id"), ListThreadsQuery),
    responses(
        (status = 200, description = "One page of threads; `unread_count` when logged in", body = Page<ThreadSummary>),
        (status = 401, description = "`login_required` (members-only community) or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller is not in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_threads(
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
    query: web::Query<ListThreadsQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = service::list_threads(&db, user.0, id.into_inner(), query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Starts a thread with its opening post (members).
#[utoipa::path(
    post,
    path = "/api/v1/communities/{id}/threads",
    tag = "threads",
    operation_id = "create_thread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id")),
    request_body = CreateThreadRequest,
    responses(
        (status = 201, description = "The thread", body = ThreadResponse,
            headers(("Location" = String, description = "The thread"), ("ETag" = String, description = "Entity tag of the thread"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_member` or `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller is not in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title, body or tags", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_thread(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<CreateThreadRequest>,
) -> Result<HttpResponse, ApiError> {
    let user_id = user.id;
    let thread = service::create_thread(&db, user, id.into_inner(), body.into_inner()).await?;
    tracing::info!(
        thread.id = thread.summary.id,
        user.id = user_id,
        "thread started"
    );
    let location = format!("/api/v1/threads/{}", thread.summary.id);
    etag::tagged(StatusCode::CREATED, &thread, Some(location))
}

/// One thread with its opening post and where the caller's reading stopped.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{id}",
    tag = "threads",
    operation_id = "get_thread",
    params(("id" = i64, Path, description = "Thread id")),
    responses(
        (status = 200, description = "The thread", body = ThreadResponse,
            headers(("ETag" = String, description = "Entity tag; send it in If-None-Match, or in If-Match to change this version"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "`login_required` (members-only community) or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread, deleted, or in a private community the caller is not in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_thread(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let thread = service::get_thread(&db, user.0, id.into_inner()).await?;
    etag::json_with_etag(&req, &thread)
}

/// Changes a thread's title, tags or kind (its author or a moderator).
#[utoipa::path(
    patch,
    path = "/api/v1/threads/{id}",
    tag = "threads",
    operation_id = "update_thread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version being changed")),
    request_body = UpdateThreadRequest,
    responses(
        (status = 200, description = "The thread", body = ThreadResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the author nor a moderator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the thread changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title or tags", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_thread(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<UpdateThreadRequest>,
) -> Result<HttpResponse, ApiError> {
    let thread = service::update_thread(
        &db,
        user,
        id.into_inner(),
        IfMatch::from_request(&req),
        body.into_inner(),
    )
    .await?;
    etag::tagged(StatusCode::OK, &thread, None)
}

/// Deletes a thread (its author or a moderator).
#[utoipa::path(
    delete,
    path = "/api/v1/threads/{id}",
    tag = "threads",
    operation_id = "delete_thread",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version being deleted")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the author nor a moderator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the thread changed since", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_thread(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let user_id = user.id;
    let id = id.into_inner();
    service::delete_thread(&db, user, id, IfMatch::from_request(&req)).await?;
    tracing::info!(thread.id = id, user.id = user_id, "thread deleted");
    Ok(HttpResponse::NoContent().finish())
}

/// A thread's posts in order (by id); deleted ones stay as tombstones.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{id}/posts",
    tag = "posts",
    operation_id = "list_posts",
    params(("id" = i64, Path, description = "Thread id"), ListPostsQuery),
    responses(
        (status = 200, description = "One page of posts", body = Page<PostResponse>),
        (status = 401, description = "`login_required` (members-only community) or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_posts(
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
    query: web::Query<ListPostsQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = service::list_posts(&db, user.0, id.into_inner(), query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Replies in a thread (members; moderators also in locked threads).
#[utoipa::path(
    post,
    path = "/api/v1/threads/{id}/posts",
    tag = "posts",
    operation_id = "create_post",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    request_body = CreatePostRequest,
    responses(
        (status = 201, description = "The post", body = PostResponse,
            headers(("Location" = String, description = "The post"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_member` or `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`thread_locked`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body, or `invalid_quote`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_post(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<CreatePostRequest>,
) -> Result<HttpResponse, ApiError> {
    let post = service::create_post(&db, user, id.into_inner(), body.into_inner()).await?;
    let location = format!("/api/v1/posts/{}", post.id);
    etag::tagged(StatusCode::CREATED, &post, Some(location))
}

/// One post.
#[utoipa::path(
    get,
    path = "/api/v1/posts/{id}",
    tag = "posts",
    operation_id = "get_post",
    params(("id" = i64, Path, description = "Post id")),
    responses(
        (status = 200, description = "The post", body = PostResponse,
            headers(("ETag" = String, description = "Entity tag; send it in If-None-Match, or in If-Match to change this version"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "`login_required` (members-only community) or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or hidden from the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_post(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let post = service::get_post(&db, user.0, id.into_inner()).await?;
    etag::json_with_etag(&req, &post)
}

/// Edits a post (its author); the earlier version is kept.
#[utoipa::path(
    patch,
    path = "/api/v1/posts/{id}",
    tag = "posts",
    operation_id = "update_post",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version being changed")),
    request_body = UpdatePostRequest,
    responses(
        (status = 200, description = "The post", body = PostResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_author`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`post_deleted` or `thread_locked`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the post changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_post(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<UpdatePostRequest>,
) -> Result<HttpResponse, ApiError> {
    let post = service::update_post(
        &db,
        user,
        id.into_inner(),
        IfMatch::from_request(&req),
        body.into_inner().body,
    )
    .await?;
    etag::tagged(StatusCode::OK, &post, None)
}

/// Deletes a post (its author or a moderator), leaving a tombstone.
#[utoipa::path(
    delete,
    path = "/api/v1/posts/{id}",
    tag = "posts",
    operation_id = "delete_post",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version being deleted")),
    responses(
        (status = 204, description = "Deleted (or already deleted)"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the author nor a moderator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`opening_post`: delete the thread instead", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the post changed since", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_post(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    service::delete_post(&db, user, id.into_inner(), IfMatch::from_request(&req)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A post's earlier versions, newest first (its author and moderators).
#[utoipa::path(
    get,
    path = "/api/v1/posts/{id}/revisions",
    tag = "posts",
    operation_id = "list_post_revisions",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id"), PageQuery),
    responses(
        (status = 200, description = "One page of earlier versions", body = Page<RevisionResponse>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the author nor a moderator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_post_revisions(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = service::list_revisions(&db, user, id.into_inner(), query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Reacts to a post (members; not one's own post). Idempotent.
#[utoipa::path(
    put,
    path = "/api/v1/posts/{id}/reactions/{kind}",
    tag = "posts",
    operation_id = "put_post_reaction",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id"), ("kind" = ReactionKind, Path, description = "`like`, `thanks` or `insightful`")),
    responses(
        (status = 200, description = "The post's reactions", body = ReactionsResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`own_post`, `not_a_member` or `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`post_deleted`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_post_reaction(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, ReactionKind)>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
    let answer = service::react(&db, user, id, kind, true).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Takes back a reaction. Idempotent.
#[utoipa::path(
    delete,
    path = "/api/v1/posts/{id}/reactions/{kind}",
    tag = "posts",
    operation_id = "delete_post_reaction",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id"), ("kind" = ReactionKind, Path, description = "`like`, `thanks` or `insightful`")),
    responses(
        (status = 200, description = "The post's reactions", body = ReactionsResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_member` or `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`post_deleted`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_post_reaction(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, ReactionKind)>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
    let answer = service::react(&db, user, id, kind, false).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Accepts a reply as the answer of a question (the thread's author or a moderator).
#[utoipa::path(
    put,
    path = "/api/v1/threads/{id}/accepted-answer",
    tag = "threads",
    operation_id = "put_accepted_answer",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    request_body = AcceptAnswerRequest,
    responses(
        (status = 200, description = "The thread", body = ThreadSummary),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the thread's author nor a moderator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_a_question`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_answer`: not a visible reply of this thread", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_accepted_answer(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<AcceptAnswerRequest>,
) -> Result<HttpResponse, ApiError> {
    let thread = service::accept_answer(&db, user, id.into_inner(), body.post_id).await?;
    Ok(HttpResponse::Ok().json(thread))
}

/// Clears a question's accepted answer.
#[utoipa::path(
    delete,
    path = "/api/v1/threads/{id}/accepted-answer",
    tag = "threads",
    operation_id = "delete_accepted_answer",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    responses(
        (status = 204, description = "No accepted answer any more"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the thread's author nor a moderator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_a_question`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_accepted_answer(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    service::clear_answer(&db, user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks the thread read up to a post; the read state only moves forward.
#[utoipa::path(
    put,
    path = "/api/v1/threads/{id}/read-state",
    tag = "threads",
    operation_id = "put_read_state",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Thread id")),
    request_body = ReadStateRequest,
    responses(
        (status = 200, description = "Where the caller stands", body = ReadStateResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such thread", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_post`: not a post of this thread", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_read_state(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<ReadStateRequest>,
) -> Result<HttpResponse, ApiError> {
    let state = service::mark_read(&db, user, id.into_inner(), body.last_read_post_id).await?;
    Ok(HttpResponse::Ok().json(state))
}
