//! HTTP handlers of post translations: each parses its input, runs one `db.read` or
//! `db.write` around one service call, and answers through [`Reply`].

use actix_web::{HttpResponse, web};

use crate::auth::{AuthUser, MaybeUser};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{NotAMember, NotAModerator, NotLoggedIn, NotModified, UnreadableBody};
use crate::http::json::Json;
use crate::http::response::{Reply, no_content};
use crate::post_translations::dto::{
    CreatePostTranslationRequestBody, PostTranslationRequestResponse, PostTranslationResponse,
    PutPostTranslationRequest,
};
use crate::post_translations::model::TranslationInput;
use crate::post_translations::service;
use crate::state::AppState;
use crate::translations::dto::{path_language, platform_language};
use crate::types::PostId;

crate::http::doc::problem_answers! {
    /// 404: the post is unknown, deleted or hidden, or in a community the caller may not read.
    NoSuchPost = (404, "No such post (or deleted, hidden, or in a private community the caller is not in)");
    /// 404: no such translation (or hidden, for readers who are not moderators).
    NoSuchTranslation = (404, "No such post or translation");
    /// 422: the language.
    BadLanguage = (422, "`unsupported_language` (not one of the platform's `BAYANIHAN_LANGUAGES`), `invalid_language` or `is_original_language`");
}

/// The path's post id and language (400 `invalid_path` for a tag that is not one).
fn post_and_language(path: (PostId, String)) -> Result<(PostId, String), ApiError> {
    Ok((path.0, path_language(&path.1)?))
}

/// A post's published translations, by language (hidden ones for moderators only, with
/// `hidden: true`).
#[utoipa::path(
    get,
    path = "/api/v1/posts/{id}/translations",
    tag = "post translations",
    operation_id = "list_post_translations",
    params(("id" = i64, Path, description = "Post id")),
    responses(
        (status = 200, description = "The translations", body = Vec<PostTranslationResponse>),
        (status = 401, description = "`login_required` (members-only community)", body = Problem, content_type = "application/problem+json"),
        NoSuchPost,
    )
)]
pub async fn list_post_translations(
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<PostId>,
) -> Result<Reply<Vec<PostTranslationResponse>>, ApiError> {
    let (id, user) = (id.into_inner(), user.0);
    let list = db
        .read(move |conn| service::list(conn, user.as_ref(), id))
        .await?;
    Ok(Reply::ok(list))
}

/// A post's translation into one language, with whether the post was edited since
/// (`outdated`).
#[utoipa::path(
    get,
    path = "/api/v1/posts/{id}/translations/{language}",
    tag = "post translations",
    operation_id = "get_post_translation",
    params(("id" = i64, Path, description = "Post id"),
        ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35),
        ("If-None-Match" = Option<String>, Header, description = "An ETag the caller has: 304 when the translation is still that version")),
    responses(
        (status = 200, description = "The translation", body = PostTranslationResponse,
            headers(("ETag" = String, description = "Entity tag"), ("Content-Language" = String, description = "The translation's language"))),
        NotModified,
        (status = 400, description = "`invalid_path`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`login_required` (members-only community)", body = Problem, content_type = "application/problem+json"),
        NoSuchTranslation,
    )
)]
pub async fn get_post_translation(
    db: web::Data<Db>,
    user: MaybeUser,
    path: web::Path<(PostId, String)>,
) -> Result<Reply<PostTranslationResponse>, ApiError> {
    let (id, language) = post_and_language(path.into_inner())?;
    let user = user.0;
    let t = db
        .read(move |conn| service::get(conn, user.as_ref(), id, &language))
        .await?;
    let (tag, language) = (t.etag(), t.language.clone());
    Ok(Reply::ok(t).etag(tag).language(language))
}

/// Writes a member's translation of a post into one of the platform's languages (members
/// who may post in its thread). Creates it (201), or replaces the translation there is
/// (200): a machine's, another member's, or one the post was edited since; a hidden one
/// only a moderator replaces. The members who asked for it are notified.
#[utoipa::path(
    put,
    path = "/api/v1/posts/{id}/translations/{language}",
    tag = "post translations",
    operation_id = "put_post_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id"),
        ("language" = String, Path, description = "BCP 47 tag: one of the platform's languages, not the post's own", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    request_body = PutPostTranslationRequest,
    responses(
        (status = 201, description = "Written", body = PostTranslationResponse,
            headers(("Location" = String, description = "The translation"), ("ETag" = String, description = "Entity tag"))),
        (status = 200, description = "Replaced (or the same text again)", body = PostTranslationResponse,
            headers(("ETag" = String, description = "Entity tag"))),
        UnreadableBody,
        NotLoggedIn,
        NotAMember,
        NoSuchPost,
        (status = 409, description = "`thread_locked` or `translation_hidden`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body, or `unsupported_language`, `invalid_language`, `is_original_language` on `language`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_post_translation(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(PostId, String)>,
    body: Json<PutPostTranslationRequest>,
) -> Result<Reply<PostTranslationResponse>, ApiError> {
    let (id, language) = post_and_language(path.into_inner())?;
    let language = platform_language(&language, "language", &state.settings.languages)?;
    let input = TranslationInput::new(body.into_inner().body)?;
    let user_id = user.id;
    let (t, created) = db
        .write(move |conn| service::put(conn, &user, id, &language, input))
        .await?;
    tracing::info!(post.id = id.get(), user.id = user_id.get(), language = %t.language, "post translated");
    let tag = t.etag();
    let location = format!("/api/v1/posts/{id}/translations/{}", t.language);
    Ok(if created {
        Reply::created(t, location).etag(tag)
    } else {
        Reply::ok(t).etag(tag)
    })
}

/// Asks to read a post in one of the platform's languages (once per member, post and
/// language; asking again answers the first request, 200). With a machine-translation
/// service configured, a job is queued and the worker publishes its translation (retrying
/// while the service is down: readers see the original meanwhile); without one,
/// `machine_translation` is `not_configured` and nothing leaves the server. The requester is
/// notified (`post_translated`) when a translation is published, by a member or the machine.
#[utoipa::path(
    post,
    path = "/api/v1/posts/{id}/translation-requests",
    tag = "post translations",
    operation_id = "create_post_translation_request",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    request_body = CreatePostTranslationRequestBody,
    responses(
        (status = 201, description = "Asked", body = PostTranslationRequestResponse,
            headers(("Location" = String, description = "The request"))),
        (status = 200, description = "Asked before: the first request, as it stands", body = PostTranslationRequestResponse),
        UnreadableBody,
        NotLoggedIn,
        NoSuchPost,
        BadLanguage,
    )
)]
pub async fn create_post_translation_request(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<PostId>,
    body: Json<CreatePostTranslationRequestBody>,
) -> Result<Reply<PostTranslationRequestResponse>, ApiError> {
    let language = platform_language(&body.language, "language", &state.settings.languages)?;
    let configured = state.settings.machine_translation;
    let id = id.into_inner();
    let (request, created) = db
        .write(move |conn| service::request(conn, &user, id, &language, configured))
        .await?;
    Ok(if created {
        let location = format!(
            "/api/v1/posts/{id}/translation-requests/{}",
            request.language
        );
        Reply::created(request, location).private()
    } else {
        Reply::ok(request).private()
    })
}

/// The caller's request to read a post in a language, and where its translation stands
/// (the machine-translation job's attempts and last error).
#[utoipa::path(
    get,
    path = "/api/v1/posts/{id}/translation-requests/{language}",
    tag = "post translations",
    operation_id = "get_post_translation_request",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id"),
        ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    responses(
        (status = 200, description = "The request", body = PostTranslationRequestResponse),
        (status = 400, description = "`invalid_path`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 404, description = "No such post, or the caller did not ask", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_post_translation_request(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(PostId, String)>,
) -> Result<Reply<PostTranslationRequestResponse>, ApiError> {
    let (id, language) = post_and_language(path.into_inner())?;
    let configured = state.settings.machine_translation;
    let request = db
        .read(move |conn| service::get_request(conn, &user, id, &language, configured))
        .await?;
    Ok(Reply::ok(request).private())
}

/// Hides a post's translation (the community's moderators): readers get the original.
#[utoipa::path(
    post,
    path = "/api/v1/posts/{id}/translations/{language}/hide",
    tag = "post translations",
    operation_id = "hide_post_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id"),
        ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    responses(
        (status = 204, description = "Hidden"),
        (status = 400, description = "`invalid_path`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotAModerator,
        NoSuchTranslation,
        (status = 409, description = "`already_hidden`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn hide_post_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(PostId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, language) = post_and_language(path.into_inner())?;
    db.write(move |conn| service::set_hidden(conn, &user, id, &language, true))
        .await?;
    Ok(no_content())
}

/// Restores a hidden translation (the community's moderators).
#[utoipa::path(
    post,
    path = "/api/v1/posts/{id}/translations/{language}/restore",
    tag = "post translations",
    operation_id = "restore_post_translation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id"),
        ("language" = String, Path, description = "BCP 47 tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)),
    responses(
        (status = 204, description = "Restored"),
        (status = 400, description = "`invalid_path`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotAModerator,
        NoSuchTranslation,
        (status = 409, description = "`not_hidden`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restore_post_translation(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(PostId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, language) = post_and_language(path.into_inner())?;
    db.write(move |conn| service::set_hidden(conn, &user, id, &language, false))
        .await?;
    Ok(no_content())
}
