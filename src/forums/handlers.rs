//! HTTP handlers of threads, posts, reactions, accepted answers and read state.

use crate::http::json::Json;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{AuthUser, MaybeUser};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::forums::dto::{
    AcceptAnswerRequest, CreatePostRequest, CreateThreadRequest, ListPostsQuery, ListThreadsQuery,
    PostListInput, PostResponse, RESOURCE_POSTS_SORT, REVISION_SORT, ReactionsResponse,
    ReadStateRequest, ReadStateResponse, ResourcePostItem, RevisionResponse, ThreadListInput,
    ThreadResponse, ThreadSummary, UpdatePostRequest, UpdateThreadRequest,
};
use crate::forums::model::{NewPostInput, NewThreadInput, PostEdit, ReactionKind, ThreadPatch};
use crate::forums::service;
use crate::http::doc::{NoSuchCommunity, NotAMember, NotLoggedIn, NotModified};
use crate::http::etag::IfMatch;
use crate::http::language::{LangQuery, Preferences};
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::{LocalisedPage, Reply, no_content};
use crate::post_translations::service as translated;
use crate::state::AppState;
use crate::types::{CommunityId, PostId, ResourceId, ThreadId};

crate::http::doc::problem_answers! {
    /// 404: the thread is unknown or deleted.
    NoSuchThread = (404, "No such thread");
    /// 404: the post is unknown or deleted.
    NoSuchPost = (404, "No such post");
    /// 403: only the author and the community's moderators may do this.
    NotAuthorOrModerator = (403, "Neither the author nor a moderator");
    /// 401: a members-only community needs a logged-in reader.
    MembersOnly = (401, "`login_required` (members-only community) or an invalid token");
}

/// A community's threads: pinned first, then by last activity (newest first).
#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/threads",
    tag = "threads",
    operation_id = "list_threads",
    params(("id" = i64, Path, description = "Community id"), ListThreadsQuery),
    responses(
        (status = 200, description = "One page of threads; `unread_count` when logged in", body = Page<ThreadSummary>),
        MembersOnly,
        NoSuchCommunity,
    )
)]
pub async fn list_threads(
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<CommunityId>,
    query: web::Query<ListThreadsQuery>,
) -> Result<Reply<Page<ThreadSummary>>, ApiError> {
    let input = ThreadListInput::try_from(query.into_inner())?;
    let (id, user) = (id.into_inner(), user.0);
    let page = db
        .read_short(move |conn| service::list_threads(conn, user.as_ref(), id, input))
        .await?;
    Ok(Reply::ok(page))
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
        NotLoggedIn,
        NotAMember,
        NoSuchCommunity,
        (status = 422, description = "Invalid title, body or tags", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_thread(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CommunityId>,
    body: Json<CreateThreadRequest>,
) -> Result<Reply<ThreadResponse>, ApiError> {
    let body = body.into_inner();
    let chosen = body.language.clone();
    let mut input = NewThreadInput::try_from(body)?;
    input.language = translated::post_language(
        chosen.as_deref(),
        &input.body.markdown,
        &state.settings.languages,
    )?;
    let (id, user_id) = (id.into_inner(), user.id);
    let thread = db
        .write(move |conn| service::create_thread(conn, &user, id, input))
        .await?;
    tracing::info!(
        thread.id = thread.summary.id.get(),
        user.id = user_id.get(),
        "thread started"
    );
    let location = format!("/api/v1/threads/{}", thread.summary.id);
    let tag = thread.etag();
    Ok(Reply::created(thread, location).etag(tag))
}

/// One thread with its opening post and where the caller's reading stopped.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{id}",
    tag = "threads",
    operation_id = "get_thread",
    params(("id" = i64, Path, description = "Thread id"), LangQuery,
        ("If-None-Match" = Option<String>, Header, description = "An ETag the caller has: 304 when the thread is still that version")),
    responses(
        (status = 200, description = "The thread", body = ThreadResponse,
            headers(("ETag" = String, description = "Entity tag; send it in If-None-Match, or in If-Match to change this version"))),
        NotModified,
        MembersOnly,
        (status = 404, description = "No such thread, deleted, or in a private community the caller is not in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_thread(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<ThreadId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<ThreadResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user) = (id.into_inner(), user.0);
    let (thread, languages) = db
        .read_short(move |conn| {
            let mut thread = service::get_thread(conn, user.as_ref(), id)?;
            let languages = service::localise(
                conn,
                user.as_ref(),
                prefs,
                thread
                    .first_post
                    .as_mut()
                    .map(std::slice::from_mut)
                    .unwrap_or_default(),
            )?;
            Ok((thread, languages))
        })
        .await?;
    let tag = thread.etag();
    Ok(Reply::ok(thread).etag(tag).languages(&languages))
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
        NotLoggedIn,
        NotAuthorOrModerator,
        NoSuchThread,
        (status = 412, description = "`precondition_failed`: the thread changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid title or tags", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_thread(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
    body: Json<UpdateThreadRequest>,
) -> Result<Reply<ThreadResponse>, ApiError> {
    let patch = ThreadPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let thread = db
        .write(move |conn| service::update_thread(conn, &user, id, patch, if_match.as_ref()))
        .await?;
    let tag = thread.etag();
    Ok(Reply::ok(thread).etag(tag))
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
        NotLoggedIn,
        NotAuthorOrModerator,
        NoSuchThread,
        (status = 412, description = "`precondition_failed`: the thread changed since", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_thread(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let (id, user_id) = (id.into_inner(), user.id);
    db.write(move |conn| service::delete_thread(conn, &user, id, if_match.as_ref()))
        .await?;
    tracing::info!(
        thread.id = id.get(),
        user.id = user_id.get(),
        "thread deleted"
    );
    Ok(no_content())
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
        MembersOnly,
        NoSuchThread,
    )
)]
pub async fn list_posts(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<ThreadId>,
    query: web::Query<ListPostsQuery>,
) -> Result<Reply<Page<PostResponse>>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let input = PostListInput::try_from(query.into_inner())?;
    let (id, user) = (id.into_inner(), user.0);
    let page = db
        .read_short(move |conn| {
            let mut page = service::list_posts(conn, user.as_ref(), id, input)?;
            let languages = service::localise(conn, user.as_ref(), prefs, &mut page.items)?;
            Ok(LocalisedPage { page, languages })
        })
        .await?;
    Ok(Reply::localised_page(page))
}

/// The visible posts that embed a library resource the caller may read, in communities
/// the caller reads, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}/posts",
    tag = "library",
    operation_id = "list_resource_posts",
    params(("id" = i64, Path, description = "Resource id"), PageQuery),
    responses(
        (status = 200, description = "A page of posts", body = Page<ResourcePostItem>),
        (status = 400, description = "Bad `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A members-only resource without a login", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resource, or one the caller may not read", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`resource_taken_down`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_resource_posts(
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<ResourceId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<ResourcePostItem>>, ApiError> {
    let page =
        PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), RESOURCE_POSTS_SORT)?;
    let (id, user) = (id.into_inner(), user.0);
    let page = db
        .read(move |conn| service::posts_using(conn, user.as_ref(), id, page))
        .await?;
    Ok(Reply::ok(page))
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
            headers(("Location" = String, description = "The post"), ("ETag" = String, description = "Entity tag of the post"))),
        NotLoggedIn,
        NotAMember,
        NoSuchThread,
        (status = 409, description = "`thread_locked`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body, or `invalid_quote`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_post(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ThreadId>,
    body: Json<CreatePostRequest>,
) -> Result<Reply<PostResponse>, ApiError> {
    let body = body.into_inner();
    let chosen = body.language.clone();
    let mut input = NewPostInput::try_from(body)?;
    input.language = translated::post_language(
        chosen.as_deref(),
        &input.body.markdown,
        &state.settings.languages,
    )?;
    let id = id.into_inner();
    let post = db
        .write(move |conn| service::create_post(conn, &user, id, input))
        .await?;
    let location = format!("/api/v1/posts/{}", post.id);
    let tag = post.etag();
    Ok(Reply::created(post, location).etag(tag))
}

/// One post.
#[utoipa::path(
    get,
    path = "/api/v1/posts/{id}",
    tag = "posts",
    operation_id = "get_post",
    params(("id" = i64, Path, description = "Post id"), LangQuery,
        ("If-None-Match" = Option<String>, Header, description = "An ETag the caller has: 304 when the post is still that version")),
    responses(
        (status = 200, description = "The post, in the reader's language when a published translation into it exists (`language`, `translated_from`, `translation`)", body = PostResponse,
            headers(("ETag" = String, description = "Entity tag; send it in If-None-Match, or in If-Match to change this version"),
                ("Content-Language" = String, description = "The language of `body`"))),
        NotModified,
        MembersOnly,
        (status = 404, description = "No such post, or hidden from the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_post(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<PostId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<PostResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user) = (id.into_inner(), user.0);
    let post = db
        .read(move |conn| {
            let mut post = service::get_post(conn, user.as_ref(), id)?;
            service::localise(conn, user.as_ref(), prefs, std::slice::from_mut(&mut post))?;
            Ok(post)
        })
        .await?;
    let tag = post.etag();
    let language = post.language.clone();
    Ok(Reply::ok(post).etag(tag).language(language))
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
        NotLoggedIn,
        (status = 403, description = "`not_author`", body = Problem, content_type = "application/problem+json"),
        NoSuchPost,
        (status = 409, description = "`post_deleted` or `thread_locked`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the post changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_post(
    req: HttpRequest,
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<PostId>,
    body: Json<UpdatePostRequest>,
) -> Result<Reply<PostResponse>, ApiError> {
    let body = body.into_inner();
    let chosen = body.language.clone();
    let mut edit = PostEdit::try_from(body)?;
    edit.language = chosen
        .map(|l| translated::chosen_language(&l, &state.settings.languages))
        .transpose()?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let post = db
        .write(move |conn| service::update_post(conn, &user, id, edit, if_match.as_ref()))
        .await?;
    let tag = post.etag();
    Ok(Reply::ok(post).etag(tag))
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
        NotLoggedIn,
        NotAuthorOrModerator,
        NoSuchPost,
        (status = 409, description = "`opening_post`: delete the thread instead", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the post changed since", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_post(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PostId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    db.write(move |conn| service::delete_post(conn, &user, id, if_match.as_ref()))
        .await?;
    Ok(no_content())
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
        NotLoggedIn,
        NotAuthorOrModerator,
        NoSuchPost,
    )
)]
pub async fn list_post_revisions(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PostId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<RevisionResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), REVISION_SORT)?;
    let id = id.into_inner();
    let page = db
        .read(move |conn| service::list_revisions(conn, &user, id, page))
        .await?;
    Ok(Reply::ok(page))
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
        NotLoggedIn,
        (status = 403, description = "`own_post`, `not_a_member` or `banned`", body = Problem, content_type = "application/problem+json"),
        NoSuchPost,
        (status = 409, description = "`post_deleted`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_post_reaction(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(PostId, ReactionKind)>,
) -> Result<Reply<ReactionsResponse>, ApiError> {
    let (id, kind) = path.into_inner();
    let answer = db
        .write(move |conn| service::react(conn, &user, id, kind, true))
        .await?;
    Ok(Reply::ok(answer))
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
        NotLoggedIn,
        NotAMember,
        NoSuchPost,
        (status = 409, description = "`post_deleted`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_post_reaction(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(PostId, ReactionKind)>,
) -> Result<Reply<ReactionsResponse>, ApiError> {
    let (id, kind) = path.into_inner();
    let answer = db
        .write(move |conn| service::react(conn, &user, id, kind, false))
        .await?;
    Ok(Reply::ok(answer))
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
        NotLoggedIn,
        (status = 403, description = "Neither the thread's author nor a moderator", body = Problem, content_type = "application/problem+json"),
        NoSuchThread,
        (status = 409, description = "`not_a_question`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_answer`: not a visible reply of this thread", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_accepted_answer(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
    body: Json<AcceptAnswerRequest>,
) -> Result<Reply<ThreadSummary>, ApiError> {
    let (id, post_id) = (id.into_inner(), body.post_id);
    let thread = db
        .write(move |conn| service::accept_answer(conn, &user, id, post_id))
        .await?;
    Ok(Reply::ok(thread))
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
        NotLoggedIn,
        (status = 403, description = "Neither the thread's author nor a moderator", body = Problem, content_type = "application/problem+json"),
        NoSuchThread,
        (status = 409, description = "`not_a_question`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_accepted_answer(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.write(move |conn| service::clear_answer(conn, &user, id))
        .await?;
    Ok(no_content())
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
        NotLoggedIn,
        NoSuchThread,
        (status = 422, description = "`invalid_post`: not a post of this thread", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_read_state(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ThreadId>,
    body: Json<ReadStateRequest>,
) -> Result<Reply<ReadStateResponse>, ApiError> {
    let (id, post_id) = (id.into_inner(), body.last_read_post_id);
    let state = db
        .write(move |conn| service::mark_read(conn, &user, id, post_id))
        .await?;
    Ok(Reply::ok(state).private())
}
