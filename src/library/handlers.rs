//! HTTP handlers of the resource library: resources and their texts, moderation, files
//! (streamed uploads, ranged downloads), bookmarks, votes and collections.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::TryStreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::{AuthUser, MaybeUser};
use crate::db::Db;
use crate::db::Written;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    AnswerLanguage, BadFilter, BadPage, IfNoneMatch, NotLoggedIn, NotModified, PreconditionFailed,
    ReaderLanguage, UnreadableBody, UploadUnavailable, UploadsInProgress,
};
use crate::http::etag::IfMatch;
use crate::http::json::Json;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
use crate::http::query::parse_q;
use crate::http::response::{Reply, no_content};
use crate::library::dto::{
    CollectionResponse, CreateCollectionRequest, CreateResourceRequest, DownloadQuery, FileBytes,
    FileResponse, LangQuery, ListCollectionsQuery, ListResourcesQuery, ReasonRequest, ResourceItem,
    ResourceLogEntry, ResourceResponse, ResourceTranslationRequest, UpdateCollectionRequest,
    UpdateResourceRequest, UploadQuery,
};
use crate::library::filetype::{self, FileType};
use crate::library::model::{
    NewResourceInput, ResourceFile, ResourcePatch, ResourceTexts, UploadInput, parse_language,
};
use crate::library::repo::ListFilter;
use crate::library::service::{self, CollectionInput, Decision, ListRequest, NewFileInput};
use crate::library::storage::{self, Storage, UploadError};
use crate::state::AppState;
use crate::types::topic::parse_topic;
use crate::types::{CollectionId, CountryCode, ResourceFileId, ResourceId};

crate::http::doc::problem_answers! {
    /// 403: changing a resource needs its owner, a coordinator or an admin.
    NotResourceOwner = (403, "`not_resource_owner`");
    /// 403: moderating the library needs a coordinator or an admin.
    NotLibraryModerator = (403, "`not_a_library_moderator`");
    /// 404: no such resource, or one the caller may not read.
    NoSuchResource = (404, "No such resource, or one the caller may not read (restricted to a cohort or community, or not published)");
    /// 410: the resource was taken down.
    TakenDown = (410, "`resource_taken_down`: taken down, `detail` says why");
    /// 422: invalid fields, each named.
    InvalidFields = (422, "Invalid fields, each named in `errors`");
    /// 503: the file storage is unavailable; nothing was stored.
    StorageUnavailable = (503, "`service_unavailable`: the file storage (disk or S3) failed; nothing was kept");
}

fn empty_page<T: Serialize>() -> Reply<Page<T>> {
    Reply::ok(Page {
        items: Vec::new(),
        next_cursor: None,
    })
}

/// The library: published resources the caller may read (or their own, or the moderation
/// queue), filtered and searched, newest first, in the reader's language.
#[utoipa::path(
    get,
    path = "/api/v1/resources",
    tag = "library",
    operation_id = "list_resources",
    params(ListResourcesQuery, ReaderLanguage),
    responses(
        (status = 200, description = "One page of resources", body = Page<ResourceItem>,
            headers(("Content-Language" = String, description = "The languages of the titles on this page"))),
        BadFilter,
        (status = 401, description = "`mine`, `bookmarked` or a `status` other than `published` without logging in, or an invalid token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_resources(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    query: web::Query<ListResourcesQuery>,
) -> Result<Reply<Page<ResourceItem>>, ApiError> {
    let query = query.into_inner();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), service::LIST_SORT)?;
    let q = parse_q(query.q.as_deref())?;
    let topic = query
        .topic
        .as_deref()
        .map(|t| parse_topic(t).map_err(|m| ApiError::invalid_query("topic", "invalid_topic", m)))
        .transpose()?;
    let language = query
        .language
        .as_deref()
        .map(|l| {
            parse_language(l)
                .map_err(|m| ApiError::invalid_query("language", "invalid_language", m))
        })
        .transpose()?;
    let well_formed = |c: &str| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase());
    if query.country.as_deref().is_some_and(|c| !well_formed(c)) {
        return Err(ApiError::invalid_query(
            "country",
            "invalid_country",
            "must be an ISO 3166-1 alpha-2 code in upper case, e.g. `PH`",
        ));
    }
    // A well-formed code no country has matches nothing.
    let country = match query.country.as_deref().map(CountryCode::parse) {
        Some(Ok(c)) => Some(c.as_str().to_owned()),
        Some(Err(_)) => return Ok(empty_page()),
        None => None,
    };
    let request = ListRequest {
        filter: ListFilter {
            kind: query.kind,
            language,
            topic,
            country,
            licence: query.licence,
            status: query.status,
            ..ListFilter::default()
        },
        q,
        mine: query.mine.unwrap_or(false),
        bookmarked: query.bookmarked.unwrap_or(false),
        page,
        prefs,
    };
    let user = user.0;
    let page = db
        .read(move |conn| service::list(conn, user.as_ref(), request))
        .await?;
    Ok(Reply::localised_page(page))
}

/// Creates a resource. Trainers, coordinators and admins publish at once; a member's
/// resource waits in the moderation queue (`status: pending`).
#[utoipa::path(
    post,
    path = "/api/v1/resources",
    tag = "library",
    operation_id = "create_resource",
    security(("bearer" = [])),
    request_body = CreateResourceRequest,
    responses(
        (status = 201, description = "Created, `published` or `pending`; in its default language", body = ResourceResponse,
            headers(
                ("Location" = String, description = "The new resource"),
                ("ETag" = String, description = "Entity tag of the new resource"),
                ("Content-Language" = String, description = "The resource's default language"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 422, description = "Invalid fields; `unknown_organisation`, `unknown_cohort`, `unknown_community`, `not_in_cohort`, `not_in_community`, `url_required`, `invalid_audience`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_resource(
    db: web::Data<Db>,
    user: AuthUser,
    body: Json<CreateResourceRequest>,
) -> Result<Reply<ResourceResponse>, ApiError> {
    let input = NewResourceInput::try_from(body.into_inner())?;
    let actor = user.clone();
    let r = db
        .write(move |conn| service::create(conn, &actor, input))
        .await?;
    let id = r.view.id;
    tracing::info!(resource.id = %id, user.id = %user.id, "resource created");
    Ok(Reply::localised(StatusCode::CREATED, r).location(format!("/api/v1/resources/{id}")))
}

/// One resource in the reader's language, with its files (the variant in the reader's
/// language first).
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}",
    tag = "library",
    operation_id = "get_resource",
    params(("id" = i64, Path, description = "Resource id"), LangQuery, ReaderLanguage, IfNoneMatch),
    responses(
        (status = 200, description = "The resource", body = ResourceResponse,
            headers(
                ("ETag" = String, description = "Entity tag of this version in this language"),
                ("Content-Language" = String, description = "The language of the texts"),
            )),
        NotModified,
        (status = 401, description = "Members-only without a login, or an invalid token", body = Problem, content_type = "application/problem+json"),
        NoSuchResource,
        TakenDown,
    )
)]
pub async fn get_resource(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<ResourceId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<ResourceResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user) = (id.into_inner(), user.0);
    let r = db
        .read_short(move |conn| service::get(conn, user.as_ref(), id, prefs))
        .await?;
    Ok(Reply::localised(StatusCode::OK, r))
}

/// Changes some fields of a resource (its owner, coordinators and admins). A member's
/// change to their published or rejected resource sends it back to the moderation queue.
#[utoipa::path(
    patch,
    path = "/api/v1/resources/{id}",
    tag = "library",
    operation_id = "update_resource",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Resource id"), LangQuery, AnswerLanguage,
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed; 412 when it changed since"),
    ),
    request_body = UpdateResourceRequest,
    responses(
        (status = 200, description = "The resource as changed", body = ResourceResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        NotResourceOwner,
        NoSuchResource,
        TakenDown,
        PreconditionFailed,
        (status = 422, description = "Invalid fields; `no_translation` for a default language without texts, `visibility_required`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_resource(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
    query: web::Query<LangQuery>,
    body: Json<UpdateResourceRequest>,
) -> Result<Reply<ResourceResponse>, ApiError> {
    let patch = ResourcePatch::try_from(body.into_inner())?;
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let r = db
        .write(move |conn| service::update(conn, &actor, id, patch, if_match.as_ref(), prefs))
        .await?;
    tracing::info!(resource.id = %id, user.id = %user.id, "resource changed");
    Ok(Reply::localised(StatusCode::OK, r))
}

/// Adds or changes a resource's title and description in one language. A change in the
/// resource's default language (its original) outdates the translations unless it is marked
/// `minor`; a translation written here is published at once against the current original.
#[utoipa::path(
    put,
    path = "/api/v1/resources/{id}/translations/{lang}",
    tag = "library",
    operation_id = "put_resource_translation",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Resource id"),
        ("lang" = String, Path, description = "BCP 47 language tag", pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed"),
    ),
    request_body = ResourceTranslationRequest,
    responses(
        (status = 200, description = "Changed (or unchanged)", body = ResourceResponse),
        (status = 201, description = "Added", body = ResourceResponse,
            headers(("Location" = String, description = "The resource in that language"))),
        (status = 400, description = "Unreadable body or not a language tag", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotResourceOwner,
        NoSuchResource,
        TakenDown,
        PreconditionFailed,
        InvalidFields,
    )
)]
pub async fn put_resource_translation(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(ResourceId, String)>,
    body: Json<ResourceTranslationRequest>,
) -> Result<Reply<ResourceResponse>, ApiError> {
    let (id, lang) = path.into_inner();
    let language = parse_language(&lang)
        .map_err(|m| ApiError::bad_request("invalid_path", format!("`lang` {m}")))?;
    let body = body.into_inner();
    let minor = body.minor.unwrap_or(false);
    let texts = ResourceTexts::try_from(body)?;
    let if_match = IfMatch::from_request(&req);
    let actor = user.clone();
    let (r, written) = db
        .write(move |conn| {
            service::put_translation(conn, &actor, id, language, texts, minor, if_match.as_ref())
        })
        .await?;
    Ok(match written {
        Written::Created => {
            let location = format!("/api/v1/resources/{id}?lang={}", r.language);
            Reply::localised(StatusCode::CREATED, r).location(location)
        }
        Written::Changed | Written::Unchanged => Reply::localised(StatusCode::OK, r),
    })
}

/// Deletes a resource with every file of it (its owner, coordinators and admins).
#[utoipa::path(
    delete,
    path = "/api/v1/resources/{id}",
    tag = "library",
    operation_id = "delete_resource",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Resource id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted"),
    ),
    responses(
        (status = 204, description = "Deleted, with its files"),
        NotLoggedIn,
        NotResourceOwner,
        NoSuchResource,
        TakenDown,
        PreconditionFailed,
    )
)]
pub async fn delete_resource(
    req: HttpRequest,
    db: web::Data<Db>,
    storage: web::Data<Storage>,
    user: AuthUser,
    id: web::Path<ResourceId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let keys = db
        .write(move |conn| service::delete(conn, &actor, id, if_match.as_ref()))
        .await?;
    for key in keys {
        storage.delete_quietly(&key).await;
    }
    tracing::info!(resource.id = %id, user.id = %user.id, "resource deleted");
    Ok(no_content())
}

async fn decide(
    db: web::Data<Db>,
    user: AuthUser,
    id: ResourceId,
    decision: Decision,
    reason: Option<String>,
) -> Result<Reply<ResourceResponse>, ApiError> {
    let actor = user.clone();
    let r = db
        .write(move |conn| service::decide(conn, &actor, id, decision, reason))
        .await?;
    tracing::info!(resource.id = %id, user.id = %user.id, decision = ?decision, "resource moderated");
    Ok(Reply::localised(StatusCode::OK, r))
}

/// Publishes a resource waiting in the moderation queue (coordinators and admins).
#[utoipa::path(
    post,
    path = "/api/v1/resources/{id}/approve",
    tag = "library",
    operation_id = "approve_resource",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    responses(
        (status = 200, description = "Published", body = ResourceResponse),
        NotLoggedIn,
        NotLibraryModerator,
        NoSuchResource,
        TakenDown,
        (status = 409, description = "`not_pending`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve_resource(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
) -> Result<Reply<ResourceResponse>, ApiError> {
    decide(db, user, id.into_inner(), Decision::Approve, None).await
}

/// Refuses a resource waiting in the moderation queue, with a reason its owner reads
/// (coordinators and admins).
#[utoipa::path(
    post,
    path = "/api/v1/resources/{id}/reject",
    tag = "library",
    operation_id = "reject_resource",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Rejected", body = ResourceResponse),
        UnreadableBody,
        NotLoggedIn,
        NotLibraryModerator,
        NoSuchResource,
        TakenDown,
        (status = 409, description = "`not_pending`", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    )
)]
pub async fn reject_resource(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
    body: Json<ReasonRequest>,
) -> Result<Reply<ResourceResponse>, ApiError> {
    let reason = body.into_inner().parse()?;
    decide(db, user, id.into_inner(), Decision::Reject, Some(reason)).await
}

/// Takes a resource down (its owner, coordinators and admins): it then answers 410 with
/// the reason; its files stay until it is deleted or restored.
#[utoipa::path(
    post,
    path = "/api/v1/resources/{id}/takedown",
    tag = "library",
    operation_id = "take_down_resource",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Taken down", body = ResourceResponse),
        UnreadableBody,
        NotLoggedIn,
        NotLibraryModerator,
        NoSuchResource,
        TakenDown,
        (status = 409, description = "`already_taken_down`", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    )
)]
pub async fn take_down_resource(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
    body: Json<ReasonRequest>,
) -> Result<Reply<ResourceResponse>, ApiError> {
    let reason = body.into_inner().parse()?;
    decide(db, user, id.into_inner(), Decision::TakeDown, Some(reason)).await
}

/// Puts a taken-down resource back (coordinators and admins).
#[utoipa::path(
    post,
    path = "/api/v1/resources/{id}/restore",
    tag = "library",
    operation_id = "restore_resource",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    responses(
        (status = 200, description = "Published again", body = ResourceResponse),
        NotLoggedIn,
        NotLibraryModerator,
        NoSuchResource,
        TakenDown,
        (status = 409, description = "`not_taken_down`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restore_resource(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
) -> Result<Reply<ResourceResponse>, ApiError> {
    decide(db, user, id.into_inner(), Decision::Restore, None).await
}

/// What happened to a resource in moderation, oldest first (its owner, coordinators and
/// admins).
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}/moderation-log",
    tag = "library",
    operation_id = "list_resource_moderation_log",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    responses(
        (status = 200, description = "The log", body = Vec<ResourceLogEntry>),
        NotLoggedIn,
        NotLibraryModerator,
        NoSuchResource,
        TakenDown,
    )
)]
pub async fn list_resource_moderation_log(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
) -> Result<Reply<Vec<ResourceLogEntry>>, ApiError> {
    let id = id.into_inner();
    let rows = db
        .read(move |conn| service::moderation_log(conn, &user, id))
        .await?;
    Ok(Reply::ok(
        rows.into_iter()
            .map(|e| ResourceLogEntry {
                action: e.action,
                moderator_id: e.moderator_id,
                reason: e.reason,
                created_at: e.created_at.and_utc(),
            })
            .collect(),
    )
    .private())
}

// ---------------------------------------------------------------- files

fn file_too_large(max: u64) -> ApiError {
    ApiError::Status {
        status: 413,
        code: "file_too_large",
        detail: format!("files may be at most {max} bytes"),
    }
}

/// Uploads a file of a resource in one language, streamed: the body is the file itself
/// (any `Content-Type`). Its type is detected from its content and must match its name's
/// extension; it supersedes the current file in that language, which stays listed.
#[utoipa::path(
    post,
    path = "/api/v1/resources/{id}/files",
    tag = "library",
    operation_id = "upload_resource_file",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id"), UploadQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Stored and recorded", body = FileResponse,
            headers(("Location" = String, description = "The file's description"))),
        (status = 400, description = "Bad `language` or `file_name`, or the body broke off", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotResourceOwner,
        NoSuchResource,
        TakenDown,
        (status = 413, description = "`file_too_large` (over `BAYANIHAN_LIBRARY_MAX_FILE_BYTES`) or `quota_exceeded`; refused as soon as the limit is passed, nothing kept", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`file_type_not_allowed` (outside the allow-list) or `file_type_mismatch` (the content is not what the name says)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`empty_file`, or `file_rejected` by the operator's scan", body = Problem, content_type = "application/problem+json"),
        UploadsInProgress,
        UploadUnavailable,
    )
)]
pub async fn upload_resource_file(
    req: HttpRequest,
    db: web::Data<Db>,
    storage: web::Data<Storage>,
    user: AuthUser,
    id: web::Path<ResourceId>,
    query: web::Query<UploadQuery>,
    body: web::Payload,
) -> Result<Reply<FileResponse>, ApiError> {
    let input = UploadInput::try_from(query.into_inner())?;
    let file_type = FileType::from_extension(&input.extension)
        .ok_or_else(|| filetype::not_allowed(&input.extension))?;
    let id = id.into_inner();
    let (max, quota) = (storage.config.max_file_bytes, storage.config.quota_bytes);
    let actor = user.clone();
    let remaining = db
        .read(move |conn| service::upload_allowance(conn, &actor, id, quota))
        .await?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(file_too_large(max));
    }
    if declared.is_some_and(|n| n > remaining) {
        return Err(service::quota_exceeded());
    }
    let limit = max.min(remaining);
    // Held until the file is stored, scanned and recorded (or refused).
    let _slot = storage.admit(user.id)?;
    let received = match storage.receive(body, &input.extension, limit).await {
        Ok(r) => r,
        Err(UploadError::TooLarge) if limit == max => return Err(file_too_large(max)),
        Err(UploadError::TooLarge) => return Err(service::quota_exceeded()),
        Err(UploadError::Type(err)) => return Err(err),
        Err(UploadError::Body) => {
            return Err(ApiError::bad_request(
                "invalid_body",
                "the file did not arrive whole; send it again",
            ));
        }
        Err(UploadError::Storage(err)) => return Err(storage::unavailable(err)),
    };
    let temp = storage::temp_key(&received.id);
    let refuse = |code: &'static str, message: &str| ApiError::invalid_field("file", code, message);
    let checked = if received.size == 0 {
        Err(refuse("empty_file", "the file is empty"))
    } else {
        match storage.scan(&received.id).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(refuse(
                "file_rejected",
                "the file was refused by the server's scan",
            )),
            Err(err) => Err(err),
        }
    };
    if let Err(err) = checked {
        storage.delete_quietly(&temp).await;
        return Err(err);
    }
    debug_assert_eq!(file_type, received.file_type);
    let record = NewFileInput {
        language: input.language,
        file_name: input.file_name,
        media_type: received.file_type.media_type().to_owned(),
        size: received.size,
        sha256: received.sha256.clone(),
        storage_key: storage::final_key(&received.id),
    };
    let actor = user.clone();
    let file = match db
        .write(move |conn| service::add_file(conn, &actor, id, record, quota))
        .await
    {
        Ok(file) => file,
        Err(err) => {
            storage.delete_quietly(&temp).await;
            return Err(err);
        }
    };
    if let Err(err) = storage.promote(&received.id).await {
        // The row is written: downloads read the temporary key until the repair command
        // moves it.
        tracing::warn!(error = %err, object = %temp, "could not move an upload to its final key");
    }
    tracing::info!(resource.id = %id, file.id = %file.id, user.id = %user.id, file.size = received.size, "resource file uploaded");
    let location = format!("/api/v1/resources/{id}/files/{}", file.id);
    Ok(Reply::created(file, location))
}

/// One file's description (for those who may read the resource).
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}/files/{file_id}",
    tag = "library",
    operation_id = "get_resource_file",
    params(("id" = i64, Path, description = "Resource id"), ("file_id" = i64, Path, description = "File id")),
    responses(
        (status = 200, description = "The file", body = FileResponse),
        (status = 401, description = "Members-only without a login, or an invalid token", body = Problem, content_type = "application/problem+json"),
        NoSuchResource,
        TakenDown,
    )
)]
pub async fn get_resource_file(
    db: web::Data<Db>,
    user: MaybeUser,
    path: web::Path<(ResourceId, ResourceFileId)>,
) -> Result<Reply<FileResponse>, ApiError> {
    let (id, file_id) = path.into_inner();
    let user = user.0;
    let file = db
        .read(move |conn| service::get_file(conn, user.as_ref(), id, file_id))
        .await?;
    Ok(Reply::ok(FileResponse::from(&file)))
}

/// Downloads one file (any version). Single ranges (`Range: bytes=…`) answer 206 and
/// resume with `If-Range`; several ranges get the whole file; a range past the end is 416.
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}/files/{file_id}/content",
    tag = "library",
    operation_id = "download_resource_file",
    params(
        ("id" = i64, Path, description = "Resource id"),
        ("file_id" = i64, Path, description = "File id"),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=1000-`"),
        ("If-Range" = Option<String>, Header, description = "The `ETag` the earlier part came with: the range applies only if the file is still that one"),
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The whole file", content_type = "*/*", body = Vec<u8>,
            headers(
                ("ETag" = String, description = "The SHA-256 of the content"),
                ("Content-Disposition" = String, description = "The file name (RFC 6266, `filename*` for non-ASCII names); `attachment` for SVG, HTML, office files and archives"),
                ("Accept-Ranges" = String, description = "`bytes`"),
            )),
        (status = 206, description = "The requested range", content_type = "*/*", body = Vec<u8>,
            headers(("Content-Range" = String, description = "e.g. `bytes 1000-1999/5000`"))),
        NotModified,
        (status = 401, description = "Members-only without a login, or an invalid token", body = Problem, content_type = "application/problem+json"),
        NoSuchResource,
        TakenDown,
        (status = 416, description = "`range_not_satisfiable`: the range starts past the end (`Content-Range: bytes */size`)", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
pub async fn download_resource_file(
    req: HttpRequest,
    db: web::Data<Db>,
    storage: web::Data<Storage>,
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<(ResourceId, ResourceFileId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = path.into_inner();
    let actor = user.0.clone();
    let file = db
        .read(move |conn| service::get_file(conn, actor.as_ref(), id, file_id))
        .await?;
    serve(&req, &db, &storage, &state, user, file).await
}

/// Downloads the current file of a resource in the reader's language (else its default
/// language's, else any), as `download_resource_file` does.
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}/content",
    tag = "library",
    operation_id = "download_resource",
    params(
        ("id" = i64, Path, description = "Resource id"),
        DownloadQuery,
        ReaderLanguage,
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=1000-`"),
        ("If-Range" = Option<String>, Header, description = "The `ETag` the earlier part came with"),
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The whole file", content_type = "*/*", body = Vec<u8>,
            headers(
                ("ETag" = String, description = "The SHA-256 of the content"),
                ("Content-Language" = String, description = "The file's language"),
            )),
        (status = 206, description = "The requested range", content_type = "*/*", body = Vec<u8>),
        NotModified,
        (status = 400, description = "`lang` is not a language tag", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Members-only without a login, or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resource, one the caller may not read, or one without files", body = Problem, content_type = "application/problem+json"),
        TakenDown,
        (status = 416, description = "`range_not_satisfiable`", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
pub async fn download_resource(
    req: HttpRequest,
    db: web::Data<Db>,
    storage: web::Data<Storage>,
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<ResourceId>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let id = id.into_inner();
    let actor = user.0.clone();
    let file = db
        .read(move |conn| service::pick_file(conn, actor.as_ref(), id, prefs))
        .await?;
    serve(&req, &db, &storage, &state, user, file).await
}

/// What part of a file to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// All of it.
    Whole,
    /// Bytes `start..=end`.
    Range(u64, u64),
    /// Nothing can be sent: 416.
    Unsatisfiable,
}

/// Reads a `Range` header for a file of `len` bytes. Anything but one well-formed byte
/// range gets the whole file (RFC 9110 lets a server ignore ranges it does not serve).
pub fn plan_range(range: Option<&str>, len: u64) -> Part {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Part::Whole;
    };
    if spec.contains(',') {
        return Part::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Part::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        return match last.parse::<u64>() {
            Ok(0) => Part::Unsatisfiable,
            Ok(_) if len == 0 => Part::Unsatisfiable,
            Ok(n) => Part::Range(len.saturating_sub(n), len - 1),
            Err(_) => Part::Whole,
        };
    }
    let Ok(start) = first.parse::<u64>() else {
        return Part::Whole;
    };
    let end = if last.is_empty() {
        None
    } else {
        match last.parse::<u64>() {
            Ok(end) if end >= start => Some(end),
            _ => return Part::Whole,
        }
    };
    if start >= len {
        return Part::Unsatisfiable;
    }
    Part::Range(start, end.unwrap_or(len - 1).min(len - 1))
}

/// `Content-Disposition` for `name`: an ASCII `filename` and, when the name is not plain
/// ASCII, its UTF-8 form in `filename*` (RFC 6266, RFC 5987).
pub fn content_disposition(inline: bool, name: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ascii == name {
        return format!("{kind}; filename=\"{ascii}\"");
    }
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Who downloads, for counting once a day: the account, else a hash of the address.
fn reader_key(req: &HttpRequest, state: &AppState, user: Option<&AuthUser>) -> String {
    match user {
        Some(u) => format!("u{}", u.id),
        None => {
            let addr = crate::http::client::client_addr(req, &state.settings.proxies)
                .map(|a| a.to_string())
                .unwrap_or_default();
            let digest = Sha256::digest(addr.as_bytes());
            let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
            format!("a{hex}")
        }
    }
}

async fn serve(
    req: &HttpRequest,
    db: &Db,
    storage: &Storage,
    state: &AppState,
    user: MaybeUser,
    file: ResourceFile,
) -> Result<HttpResponse, ApiError> {
    let etag = format!("\"{}\"", file.sha256);
    let len = u64::try_from(file.size_bytes).unwrap_or(0);
    let last_modified = file
        .created_at
        .and_utc()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let file_type = FileType::from_media_type(&file.media_type);
    let inline = file_type.is_some_and(FileType::inline);
    let cache = "private, no-cache";
    if crate::http::etag::none_match(req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let header_text = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let if_range_holds =
        header_text(header::IF_RANGE).is_none_or(|v| v.trim() == etag || v.trim() == last_modified);
    let part = if if_range_holds {
        plan_range(header_text(header::RANGE).as_deref(), len)
    } else {
        Part::Whole
    };
    let (status, start, end) = match part {
        Part::Whole => (StatusCode::OK, 0, len),
        Part::Range(a, b) => (StatusCode::PARTIAL_CONTENT, a, b + 1),
        Part::Unsatisfiable => {
            let err = ApiError::Status {
                status: 416,
                code: "range_not_satisfiable",
                detail: format!("the range starts past the end of the file ({len} bytes)"),
            };
            let mut res = err.to_response();
            res.headers_mut().insert(
                header::CONTENT_RANGE,
                header::HeaderValue::from_str(&format!("bytes */{len}"))
                    .map_err(ApiError::internal)?,
            );
            return Ok(res);
        }
    };
    if start == 0 && req.method() == actix_web::http::Method::GET {
        let reader = reader_key(req, state, user.0.as_ref());
        let id = file.resource_id;
        db.write(move |conn| service::count_download(conn, id, &reader, crate::db::now()))
            .await?;
    }
    let stream = if end > start {
        storage
            .read(&file.storage_key, start..end)
            .await
            .map_err(storage::unavailable)?
    } else {
        Box::pin(futures_util::stream::empty())
    };
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CONTENT_TYPE, file.media_type.as_str()))
        .insert_header((header::ETAG, etag))
        .insert_header((header::LAST_MODIFIED, last_modified))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::CONTENT_LANGUAGE, file.language.as_str()))
        // Sent as stored: compressing would break ranges and the checksum.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            content_disposition(inline, &file.file_name),
        ))
        // A file is never a page of this origin: no scripts, even if opened directly.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        ));
    if status == StatusCode::PARTIAL_CONTENT {
        res.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{len}", end - 1),
        ));
    }
    res.no_chunking(end - start);
    Ok(res.streaming(stream.map_err(|e| {
        tracing::warn!(error = %e, "a download broke off: the file storage failed");
        actix_web::error::ErrorServiceUnavailable("file storage")
    })))
}

// ---------------------------------------------------------------- bookmarks and votes

async fn mark(
    db: web::Data<Db>,
    user: AuthUser,
    id: ResourceId,
    vote: bool,
    on: bool,
) -> Result<HttpResponse, ApiError> {
    db.write(move |conn| service::mark(conn, &user, id, vote, on))
        .await?;
    Ok(no_content())
}

/// Bookmarks a resource (idempotent); list them with `GET /api/v1/resources?bookmarked=true`.
#[utoipa::path(
    put, path = "/api/v1/resources/{id}/bookmark", tag = "library", operation_id = "bookmark_resource",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    responses((status = 204, description = "Bookmarked"), NotLoggedIn, NoSuchResource, TakenDown)
)]
pub async fn bookmark_resource(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
) -> Result<HttpResponse, ApiError> {
    mark(db, user, id.into_inner(), false, true).await
}

/// Removes a bookmark (idempotent).
#[utoipa::path(
    delete, path = "/api/v1/resources/{id}/bookmark", tag = "library", operation_id = "unbookmark_resource",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    responses((status = 204, description = "Not bookmarked"), NotLoggedIn, NoSuchResource, TakenDown)
)]
pub async fn unbookmark_resource(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
) -> Result<HttpResponse, ApiError> {
    mark(db, user, id.into_inner(), false, false).await
}

/// Votes a resource useful (idempotent; not one's own).
#[utoipa::path(
    put, path = "/api/v1/resources/{id}/vote", tag = "library", operation_id = "vote_resource",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    responses(
        (status = 204, description = "Voted"), NotLoggedIn, NoSuchResource, TakenDown,
        (status = 422, description = "`own_resource`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn vote_resource(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
) -> Result<HttpResponse, ApiError> {
    mark(db, user, id.into_inner(), true, true).await
}

/// Takes back a "useful" vote (idempotent).
#[utoipa::path(
    delete, path = "/api/v1/resources/{id}/vote", tag = "library", operation_id = "unvote_resource",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    responses((status = 204, description = "Not voted"), NotLoggedIn, NoSuchResource, TakenDown)
)]
pub async fn unvote_resource(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ResourceId>,
) -> Result<HttpResponse, ApiError> {
    mark(db, user, id.into_inner(), true, false).await
}

// ---------------------------------------------------------------- collections

/// Collections of resources curated by trainers, newest first, in the reader's language.
#[utoipa::path(
    get, path = "/api/v1/resource-collections", tag = "library", operation_id = "list_resource_collections",
    params(ListCollectionsQuery, ReaderLanguage),
    responses(
        (status = 200, description = "One page of collections", body = Page<CollectionResponse>),
        BadPage,
        (status = 401, description = "An invalid token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_resource_collections(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    query: web::Query<ListCollectionsQuery>,
) -> Result<Reply<Page<CollectionResponse>>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), service::LIST_SORT)?;
    let user = user.0;
    let page = db
        .read(move |conn| service::list_collections(conn, user.as_ref(), page, prefs))
        .await?;
    Ok(Reply::ok(page))
}

/// Creates a collection (trainers, coordinators, admins).
#[utoipa::path(
    post, path = "/api/v1/resource-collections", tag = "library", operation_id = "create_resource_collection",
    security(("bearer" = [])),
    request_body = CreateCollectionRequest,
    responses(
        (status = 201, description = "Created", body = CollectionResponse,
            headers(("Location" = String, description = "The new collection"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "Not a trainer, coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `unknown_resource`, `duplicate_resource`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_resource_collection(
    db: web::Data<Db>,
    user: AuthUser,
    body: Json<CreateCollectionRequest>,
) -> Result<Reply<CollectionResponse>, ApiError> {
    let input = CollectionInput::try_from(body.into_inner())?;
    let c = db
        .write(move |conn| service::create_collection(conn, &user, input))
        .await?;
    let location = format!("/api/v1/resource-collections/{}", c.id);
    let language = c.language.clone();
    Ok(Reply::created(c, location).language(language))
}

/// One collection with the resources the reader may read, in order.
#[utoipa::path(
    get, path = "/api/v1/resource-collections/{id}", tag = "library", operation_id = "get_resource_collection",
    params(("id" = i64, Path, description = "Collection id"), LangQuery, ReaderLanguage),
    responses(
        (status = 200, description = "The collection", body = CollectionResponse),
        (status = 401, description = "An invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such collection", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_resource_collection(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<CollectionId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<CollectionResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user) = (id.into_inner(), user.0);
    let c = db
        .read(move |conn| service::get_collection(conn, user.as_ref(), id, prefs))
        .await?;
    let language = c.language.clone();
    Ok(Reply::ok(c).language(language))
}

/// Changes a collection's title in one language and, when given, its resources (its
/// curator, coordinators, admins).
#[utoipa::path(
    patch, path = "/api/v1/resource-collections/{id}", tag = "library", operation_id = "update_resource_collection",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Collection id")),
    request_body = UpdateCollectionRequest,
    responses(
        (status = 200, description = "The collection as changed", body = CollectionResponse),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "Not its curator, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such collection", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `unknown_resource`, `duplicate_resource`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_resource_collection(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CollectionId>,
    body: Json<UpdateCollectionRequest>,
) -> Result<Reply<CollectionResponse>, ApiError> {
    let input = CollectionInput::try_from(body.into_inner())?;
    let id = id.into_inner();
    let c = db
        .write(move |conn| service::update_collection(conn, &user, id, input))
        .await?;
    let language = c.language.clone();
    Ok(Reply::ok(c).language(language))
}

/// Deletes a collection (not its resources).
#[utoipa::path(
    delete, path = "/api/v1/resource-collections/{id}", tag = "library", operation_id = "delete_resource_collection",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Collection id")),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        (status = 403, description = "Not its curator, a coordinator or an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such collection", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_resource_collection(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CollectionId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.write(move |conn| service::delete_collection(conn, &user, id))
        .await?;
    Ok(no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_planned_as_rfc_9110_says() {
        assert_eq!(plan_range(None, 10), Part::Whole);
        assert_eq!(plan_range(Some("bytes=0-4"), 10), Part::Range(0, 4));
        assert_eq!(plan_range(Some("bytes=5-"), 10), Part::Range(5, 9));
        assert_eq!(plan_range(Some("bytes=-3"), 10), Part::Range(7, 9));
        assert_eq!(plan_range(Some("bytes=0-99"), 10), Part::Range(0, 9));
        assert_eq!(plan_range(Some("bytes=10-"), 10), Part::Unsatisfiable);
        assert_eq!(plan_range(Some("bytes=0-1,3-4"), 10), Part::Whole);
        assert_eq!(plan_range(Some("bytes=5-2"), 10), Part::Whole);
        assert_eq!(plan_range(Some("items=0-1"), 10), Part::Whole);
    }

    #[test]
    fn non_ascii_names_go_in_filename_star() {
        assert_eq!(
            content_disposition(true, "toolkit.pdf"),
            "inline; filename=\"toolkit.pdf\""
        );
        assert_eq!(
            content_disposition(false, "gabay sa ñ.pdf"),
            "attachment; filename=\"gabay sa _.pdf\"; filename*=UTF-8''gabay%20sa%20%C3%B1.pdf"
        );
    }
}
