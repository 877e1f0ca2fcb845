//! HTTP handlers of course reuse: adaptations, exports, imports, lesson resources.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use crate::accounts::service::reader_preferences;
use crate::auth::{AuthUser, MaybeUser};
use crate::courses::dto::CourseResponse;
use crate::courses::dto::LangQuery;
use crate::courses::reuse::dto::{
    AdaptCourseRequest, AdaptationItem, ExportFormat, ExportQuery, LessonResourcesRequest,
    LessonResourcesResponse, ResourceLessonItem,
};
use crate::courses::reuse::package::{
    self, FetchedFile, ImportPlan, Limits, TempFile, read_package,
};
use crate::courses::reuse::service::{self, NewImportedResource, StoredFile};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    BadLang, BadPage, NotLoggedIn, UnreadableBody, UploadUnavailable, UploadsInProgress,
};
use crate::http::json::Json;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::Reply;
use crate::library::service::NewFileInput;
use crate::library::storage::{self, Storage, UploadError};
use crate::types::ids::{CourseId, LessonId, ResourceId};

/// How many times the package limit an imported package may inflate to.
const INFLATE_FACTOR: u64 = 4;
/// Bytes read from a temporary file at a time.
const CHUNK_BYTES: usize = 256 * 1024;

fn internal(err: impl std::fmt::Display) -> ApiError {
    ApiError::internal(anyhow::anyhow!("course package: {err}"))
}

/// A temporary file as a stream of chunks, read off the async workers; the file is
/// removed when the stream ends or is dropped.
fn file_stream(file: TempFile) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    let opened = std::fs::File::open(file.path());
    chunks(opened, file)
}

/// A file that is not removed as a stream of it ends (the import's files belong to their
/// [`ImportPlan`]).
fn borrowed_stream(path: &Path) -> impl Stream<Item = Result<Bytes, std::io::Error>> + use<> {
    chunks(std::fs::File::open(path), ())
}

/// The file `opened` as a stream of chunks, read off the async workers, holding `guard`
/// until the stream ends or is dropped.
fn chunks<G: 'static>(
    opened: std::io::Result<std::fs::File>,
    guard: G,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold(Some((guard, opened)), |state| async move {
        let (guard, opened) = state?;
        let f = match opened {
            Ok(f) => f,
            Err(err) => return Some((Err(err), None)),
        };
        let read = web::block(move || {
            let mut f = f;
            let mut buf = vec![0u8; CHUNK_BYTES];
            let n = f.read(&mut buf)?;
            buf.truncate(n);
            Ok::<_, std::io::Error>((f, buf))
        })
        .await;
        match read {
            Ok(Ok((_, buf))) if buf.is_empty() => None,
            Ok(Ok((f, buf))) => Some((Ok(Bytes::from(buf)), Some((guard, Ok(f))))),
            Ok(Err(err)) => Some((Err(err), None)),
            Err(err) => Some((Err(std::io::Error::other(err.to_string())), None)),
        }
    })
}

/// Copies `storage`'s object `key` (`size` bytes) into a new temporary file under `dir`.
async fn fetch(storage: &Storage, key: &str, size: u64, dir: &Path) -> Result<TempFile, ApiError> {
    let temp = TempFile::new(dir, ".part").map_err(internal)?;
    let mut stream = storage
        .read(key, 0..size)
        .await
        .map_err(storage::unavailable)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(temp.path()).map_err(internal)?);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(storage::unavailable)?;
        out.write_all(&chunk).map_err(internal)?;
    }
    out.flush().map_err(internal)?;
    Ok(temp)
}

/// Copies course `id` into a new draft owned by the caller (a trainer, coordinator or
/// admin who may read its lessons): modules, lessons, texts in every language, resource
/// links and quiz settings (not quiz questions, which belong to the original's question
/// bank). The copy records the original and its attribution.
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/adaptations",
    tag = "courses",
    operation_id = "adapt_course",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The course to adapt")),
    request_body = AdaptCourseRequest,
    responses(
        (status = 201, description = "The adaptation, a draft owned by the caller", body = CourseResponse,
            headers(
                ("Location" = String, description = "The new course"),
                ("ETag" = String, description = "Entity tag of the new course"),
                ("Content-Language" = String, description = "The language of its texts"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "Not a trainer, coordinator or admin; or the lessons are for enrolled members (`not_enrolled`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`licence_forbids_adaptation` (an `-ND` licence or all rights reserved), `slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid slug", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn adapt_course(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CourseId>,
    body: Json<AdaptCourseRequest>,
) -> Result<Reply<CourseResponse>, ApiError> {
    let slug = body.into_inner().parse()?;
    let prefs = Preferences::from_request(&req, None)?;
    let (id, actor) = (id.into_inner(), user.clone());
    let course = db
        .write(move |conn| service::adapt(conn, &actor, id, slug, prefs))
        .await?;
    let new_id = course.view.summary.id;
    tracing::info!(course.id = %new_id, course.adapted_from = %id, user.id = %user.id, "course adapted");
    Ok(
        Reply::localised(actix_web::http::StatusCode::CREATED, course)
            .location(format!("/api/v1/courses/{new_id}")),
    )
}

/// The adaptations of a course the caller may see (drafts only for their owners,
/// coordinators and admins), oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/adaptations",
    tag = "courses",
    operation_id = "list_course_adaptations",
    params(("id" = i64, Path, description = "The original course"), PageQuery),
    responses(
        (status = 200, description = "A page of adaptations", body = Page<AdaptationItem>),
        BadPage,
        (status = 404, description = "No such course, or a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_course_adaptations(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<CourseId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<AdaptationItem>>, ApiError> {
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), "id")?;
    let prefs = Preferences::from_request(&req, None)?;
    let (id, user) = (id.into_inner(), user.0);
    let (page, language) = db
        .read(move |conn| service::list_adaptations(conn, user.as_ref(), id, page, prefs))
        .await?;
    Ok(Reply::ok(page).language(language))
}

/// Exports a course for those who may read its lessons, as one ZIP: Bayanihan's package
/// (`manifest.json` with `format_version` 1, Markdown lessons per language, the files of
/// the published `public`/`members` resources its lessons point to, with their SHA-256),
/// or with `?format=common-cartridge` an IMS Common Cartridge 1.3 in one language.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/export",
    tag = "courses",
    operation_id = "export_course",
    params(("id" = i64, Path, description = "Course id"), ExportQuery),
    responses(
        (status = 200, description = "The package", content_type = "application/zip", body = Vec<u8>,
            headers(("Content-Disposition" = String, description = "`attachment` with the file name"))),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Members-only lessons without a login", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Members-only lessons, not enrolled", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The file storage is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export_course(
    req: HttpRequest,
    db: web::Data<Db>,
    storage: web::Data<Storage>,
    user: MaybeUser,
    id: web::Path<CourseId>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let format = query.format.unwrap_or_default();
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user) = (id.into_inner(), user.0);
    let (data, prefs) = db
        .read(move |conn| {
            let data = service::export_data(conn, user.as_ref(), id)?;
            let prefs = reader_preferences(conn, prefs, user.as_ref())?;
            Ok((data, prefs))
        })
        .await?;
    let dir = package::temp_dir(&storage.config.data_dir);
    let mut fetched = Vec::new();
    for r in &data.resources {
        for f in &r.files {
            let size = u64::try_from(f.size_bytes).unwrap_or(0);
            fetched.push(FetchedFile {
                resource: r.resource.id,
                language: f.language.clone(),
                file: fetch(&storage, &f.storage_key, size, &dir).await?,
            });
        }
    }
    let out = TempFile::new(&dir, ".zip").map_err(internal)?;
    let path: PathBuf = out.path().to_owned();
    let slug = data.course.slug.clone();
    let language = web::block(move || {
        let written = match format {
            ExportFormat::Bayanihan => {
                package::write_package(&data, &fetched, &path).map(|()| None)
            }
            ExportFormat::CommonCartridge => {
                package::write_cartridge(&data, &fetched, &prefs, &path).map(Some)
            }
        };
        drop(fetched);
        written
    })
    .await
    .map_err(internal)??;
    let (name, media_type) = match format {
        ExportFormat::Bayanihan => (format!("{slug}.zip"), "application/zip"),
        ExportFormat::CommonCartridge => (format!("{slug}.imscc"), "application/zip"),
    };
    tracing::info!(course.id = %id, export.format = %format, "course exported");
    let mut res = HttpResponse::Ok();
    res.content_type(media_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(language) = language {
        res.insert_header((header::CONTENT_LANGUAGE, language));
    }
    Ok(res.streaming(file_stream(out)))
}

fn package_too_large(max: u64) -> ApiError {
    ApiError::Status {
        status: 413,
        code: "package_too_large",
        detail: format!("a course package may be at most {max} bytes"),
    }
}

/// Imports a course package (the body: a ZIP made by `GET /api/v1/courses/{id}/export`,
/// sent with `Content-Type: application/zip`) as a new draft owned by the
/// caller (a trainer, coordinator or admin), with its resources and their files in the
/// library (owned by the caller, within their storage quota). The package is checked
/// before anything is written: its size (the library's file limit: 413
/// `package_too_large`), what it inflates to, its entry count and names, its manifest and
/// each file's SHA-256 (422 with a stable code).
#[utoipa::path(
    post,
    path = "/api/v1/courses/imports",
    tag = "courses",
    operation_id = "import_course",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The imported course, a draft owned by the caller", body = CourseResponse,
            headers(("Location" = String, description = "The new course"))),
        (status = 400, description = "The body broke off", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "Not a trainer, coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`package_too_large`, `file_too_large`, `quota_exceeded`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/zip`; or a resource file whose type is not allowed or does not match its name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_package`, `too_many_entries`, `uncompressed_too_large`, `unsafe_path`, `missing_manifest`, `invalid_manifest`, `unsupported_format_version`, `missing_file`, `checksum_mismatch`, `file_rejected`", body = Problem, content_type = "application/problem+json"),
        UploadsInProgress,
        UploadUnavailable,
    )
)]
pub async fn import_course(
    req: HttpRequest,
    db: web::Data<Db>,
    storage: web::Data<Storage>,
    user: AuthUser,
    mut body: web::Payload,
) -> Result<Reply<CourseResponse>, ApiError> {
    service::check_may_import(&user)?;
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !matches!(
        media.as_deref(),
        Some("application/zip" | "application/x-zip-compressed" | "application/octet-stream")
    ) {
        return Err(ApiError::Status {
            status: 415,
            code: "unsupported_media_type",
            detail: "send the package as the body, with Content-Type: application/zip".to_owned(),
        });
    }
    let max = storage.config.max_file_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(package_too_large(max));
    }
    // Held until the package's files are stored and the course written (or refused).
    let _slot = storage.admit(user.id)?;
    let dir = package::temp_dir(&storage.config.data_dir);
    let package = TempFile::new(&dir, ".zip").map_err(internal)?;
    {
        let mut out =
            std::io::BufWriter::new(std::fs::File::create(package.path()).map_err(internal)?);
        let mut size: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|_| {
                ApiError::bad_request(
                    "invalid_body",
                    "the package did not arrive whole; send it again",
                )
            })?;
            size += chunk.len() as u64;
            if size > max {
                return Err(package_too_large(max));
            }
            out.write_all(&chunk).map_err(internal)?;
        }
        out.flush().map_err(internal)?;
    }
    let limits = Limits {
        uncompressed: max.saturating_mul(INFLATE_FACTOR),
    };
    let (path, read_dir) = (package.path().to_owned(), dir.clone());
    let plan: ImportPlan = web::block(move || read_package(&path, &read_dir, limits))
        .await
        .map_err(internal)??;
    drop(package);
    let mut temp_keys: Vec<String> = Vec::new();
    let stored = store_files(&storage, &plan, &mut temp_keys).await;
    let stored = match stored {
        Ok(s) => s,
        Err(err) => {
            for key in &temp_keys {
                storage.delete_quietly(key).await;
            }
            return Err(err);
        }
    };
    let ImportPlan {
        tree,
        attribution,
        resources,
    } = plan;
    let resources: Vec<NewImportedResource> = resources
        .into_iter()
        .map(|r| NewImportedResource {
            input: r.input,
            more_texts: r.more_texts,
        })
        .collect();
    let (actor, quota) = (user.clone(), storage.config.quota_bytes);
    let result = db
        .write(move |conn| {
            service::import(conn, &actor, tree, attribution, resources, stored, quota)
        })
        .await;
    let course = match result {
        Ok(c) => c,
        Err(err) => {
            for key in &temp_keys {
                storage.delete_quietly(key).await;
            }
            return Err(err);
        }
    };
    for key in &temp_keys {
        if let Some(id) = storage::id_of(key)
            && let Err(err) = storage.promote(id).await
        {
            tracing::warn!(error = %err, object = %key, "could not move an imported file to its final key");
        }
    }
    let id = course.view.summary.id;
    tracing::info!(course.id = %id, user.id = %user.id, "course imported");
    Ok(
        Reply::localised(actix_web::http::StatusCode::CREATED, course)
            .location(format!("/api/v1/courses/{id}")),
    )
}

/// Streams each resource file of `plan` into the storage (type checked as an upload's, the
/// operator's scan run), noting each temporary key in `keys`.
async fn store_files(
    storage: &Storage,
    plan: &ImportPlan,
    keys: &mut Vec<String>,
) -> Result<Vec<StoredFile>, ApiError> {
    let max = storage.config.max_file_bytes;
    let mut stored = Vec::new();
    for (ri, r) in plan.resources.iter().enumerate() {
        for f in &r.files {
            let stream = Box::pin(borrowed_stream(f.file.path()));
            let received = match storage.receive(stream, &f.extension, max).await {
                Ok(received) => received,
                Err(UploadError::TooLarge) => {
                    return Err(ApiError::Status {
                        status: 413,
                        code: "file_too_large",
                        detail: format!("files may be at most {max} bytes"),
                    });
                }
                Err(UploadError::Type(err)) => return Err(err),
                Err(UploadError::Storage(err)) => return Err(storage::unavailable(err)),
                Err(UploadError::Body) => return Err(internal("a package file could not be read")),
            };
            keys.push(storage::temp_key(&received.id));
            if received.sha256 != f.sha256 || received.size != f.size {
                return Err(internal("a package file changed while it was stored"));
            }
            if !storage.scan(&received.id).await? {
                return Err(ApiError::invalid_field(
                    "file",
                    "file_rejected",
                    format!("`{}` was refused by the server's scan", f.file_name),
                ));
            }
            stored.push(StoredFile {
                resource: ri,
                file: NewFileInput {
                    language: f.language.clone(),
                    file_name: f.file_name.clone(),
                    media_type: received.file_type.media_type().to_owned(),
                    size: received.size,
                    sha256: received.sha256.clone(),
                    storage_key: storage::final_key(&received.id),
                },
            });
        }
    }
    Ok(stored)
}

/// Sets the library resources a lesson points to (its course's editors), in order; each
/// must be one the caller may read (published, or their own). Answers them in the caller's
/// language.
#[utoipa::path(
    put,
    path = "/api/v1/lessons/{id}/resources",
    tag = "courses",
    operation_id = "put_lesson_resources",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lesson id"), LangQuery),
    request_body = LessonResourcesRequest,
    responses(
        (status = 200, description = "The resources the lesson now points to", body = LessonResourcesResponse,
            headers(("Content-Language" = String, description = "The languages of the resources' titles"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "Not an editor of the course", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`too_many_items`, `duplicate_item`, `unknown_resource`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_lesson_resources(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<LessonId>,
    query: web::Query<LangQuery>,
    body: Json<LessonResourcesRequest>,
) -> Result<Reply<LessonResourcesResponse>, ApiError> {
    let ids = body.into_inner().parse()?;
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, actor) = (id.into_inner(), user.clone());
    let answer = db
        .write(move |conn| service::set_lesson_resources(conn, &actor, id, ids, prefs))
        .await?;
    let languages = answer.languages();
    Ok(Reply::ok(answer).languages(&languages))
}

/// The library resources a lesson points to, for those who may read the lesson: each one
/// the reader may read, with its title and current file in the reader's language.
#[utoipa::path(
    get,
    path = "/api/v1/lessons/{id}/resources",
    tag = "courses",
    operation_id = "list_lesson_resources",
    params(("id" = i64, Path, description = "Lesson id"), LangQuery),
    responses(
        (status = 200, description = "The resources, in order", body = LessonResourcesResponse,
            headers(("Content-Language" = String, description = "The languages of the resources' titles"))),
        BadLang,
        (status = 401, description = "Members-only lessons without a login", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Members-only lessons, not enrolled", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_lesson_resources(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<LessonId>,
    query: web::Query<LangQuery>,
) -> Result<Reply<LessonResourcesResponse>, ApiError> {
    let prefs = Preferences::from_request(&req, query.lang.as_deref())?;
    let (id, user) = (id.into_inner(), user.0);
    let answer = db
        .read(move |conn| service::lesson_resources(conn, user.as_ref(), id, prefs))
        .await?;
    let languages = answer.languages();
    Ok(Reply::ok(answer).languages(&languages))
}

/// The lessons that point to a library resource the caller may read, in courses the
/// caller may see (drafts only for their owners, coordinators and admins), by lesson id;
/// titles in the reader's language.
#[utoipa::path(
    get,
    path = "/api/v1/resources/{id}/lessons",
    tag = "library",
    operation_id = "list_resource_lessons",
    params(("id" = i64, Path, description = "Resource id"), PageQuery),
    responses(
        (status = 200, description = "A page of lessons", body = Page<ResourceLessonItem>,
            headers(("Content-Language" = String, description = "The languages of the lessons' titles"))),
        BadPage,
        (status = 401, description = "A members-only resource without a login", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resource, or one the caller may not read", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`resource_taken_down`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_resource_lessons(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<ResourceId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<ResourceLessonItem>>, ApiError> {
    let page = PageRequest::<i64>::parse(
        query.limit,
        query.cursor.as_deref(),
        service::RESOURCE_LESSONS_SORT,
    )?;
    let prefs = Preferences::from_request(&req, None)?;
    let (id, user) = (id.into_inner(), user.0);
    let (page, languages) = db
        .read(move |conn| {
            let prefs = reader_preferences(conn, prefs, user.as_ref())?;
            service::lessons_using(conn, user.as_ref(), id, page, prefs)
        })
        .await?;
    Ok(Reply::ok(page).languages(&languages))
}
