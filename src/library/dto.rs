//! The library's requests and answers, and their parsing into domain input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Fields};
use crate::library::model::{
    MAX_REASON_CHARS, NewResourceInput, ResourceDraft, ResourceFile, ResourceKind, ResourcePatch,
    ResourceStatus, ResourceTexts, ResourceVisibility, UploadInput, audience, check_countries,
    check_url, parse_language,
};
use crate::types::text::{clean_block, clean_line};
use crate::types::topic::check_topics;
use crate::types::{
    CohortId, CollectionId, CommunityId, LanguageTag, Licence, OrganisationId, ResourceFileId,
    ResourceId, UserId,
};

// ---------------------------------------------------------------- queries

/// Query of `GET /api/v1/resources`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListResourcesQuery {
    /// Words the title or description contains, in any of the resource's languages
    /// (full text; the last word may be the start of a word).
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub kind: Option<ResourceKind>,
    /// Only resources with texts or a file in this language (BCP 47).
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub language: Option<String>,
    /// Only resources with this topic, e.g. `platform-workers`.
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 40)]
    pub topic: Option<String>,
    /// Only resources about this country (ISO 3166-1 alpha-2).
    #[param(pattern = "^[A-Z]{2}$")]
    pub country: Option<String>,
    pub licence: Option<Licence>,
    /// `published` (default). `pending`, `rejected` and `taken_down` list the caller's own
    /// resources in that state (every one for coordinators and admins: the moderation
    /// queue is `status=pending`); they need a login.
    pub status: Option<ResourceStatus>,
    /// Only the caller's own resources, in any state (needs a login).
    pub mine: Option<bool>,
    /// Only resources the caller bookmarked (needs a login).
    pub bookmarked: Option<bool>,
    /// The reader's language; overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub use crate::http::language::LangQuery;

/// Query of `GET /api/v1/resource-collections`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListCollectionsQuery {
    /// The reader's language; overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `POST /api/v1/resources/{id}/files`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The language of the file (BCP 47); a file already current in that language is
    /// superseded (it stays listed as an older version).
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub language: String,
    /// The file's name, e.g. `toolkit.pdf`: its extension names the type the content must
    /// be. Only its last path segment is kept, without control characters.
    #[param(
        min_length = 1,
        max_length = 255,
        pattern = r"^([^\x00-\x1f\x7f-\x9f]*[/\\])?[^/\\\x00-\x1f\x7f-\x9f]*[A-Za-z0-9][^/\\\x00-\x1f\x7f-\x9f]*$"
    )]
    pub file_name: String,
}

/// Query of a file download.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// The language of the variant wanted; overrides `Accept-Language` (the resource's
    /// default language, else any, when there is no file in it).
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
}

// ---------------------------------------------------------------- requests

/// `POST /api/v1/resources`. The texts are the resource's default-language translation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateResourceRequest {
    pub kind: ResourceKind,
    /// BCP 47 tag of the language the texts below are in.
    #[schema(value_type = LanguageTag)]
    pub default_language: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Plain text, at most 5,000 characters.
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// An SPDX identifier from the known list.
    pub licence: Licence,
    /// The organisation that wrote it.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub organisation_id: Option<OrganisationId>,
    /// `public` (default), `members`, `cohort` (with `cohort_id`) or `community` (with
    /// `community_id`).
    pub visibility: Option<ResourceVisibility>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub community_id: Option<CommunityId>,
    /// An `http(s)` address; required for `link`.
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// Tags such as `platform-workers`, `osh`; at most 12, each at most 40 characters.
    #[serde(default)]
    #[schema(max_items = 12, max_length = 40, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub topics: Vec<String>,
    /// ISO 3166-1 alpha-2 codes of the countries it is about; at most 30.
    #[serde(default)]
    #[schema(max_items = 30, max_length = 2, pattern = "^[A-Z]{2}$")]
    pub countries: Vec<String>,
}

/// `PATCH /api/v1/resources/{id}`: the fields to change. `visibility` comes with the
/// `cohort_id` or `community_id` it needs.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateResourceRequest {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub kind: Option<ResourceKind>,
    /// A language the resource has texts in.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = LanguageTag, nullable = false)]
    pub default_language: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub licence: Option<Licence>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i64>)]
    pub organisation_id: Option<Option<OrganisationId>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub visibility: Option<ResourceVisibility>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub community_id: Option<CommunityId>,
    /// `null` clears it (not for `link`).
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(max_length = 2000)]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(
        max_items = 12,
        max_length = 40,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$",
        nullable = false
    )]
    pub topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(
        max_items = 30,
        max_length = 2,
        pattern = "^[A-Z]{2}$",
        nullable = false
    )]
    pub countries: Option<Vec<String>>,
}

/// `PUT /api/v1/resources/{id}/translations/{lang}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceTranslationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// Only in the resource's default language: `true` marks the change as minor (a typo),
    /// so that its translations stay complete; otherwise they become outdated.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub minor: Option<bool>,
}

/// A moderator's or owner's reason (reject, take down).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Shown to the resource's owner (and, for a take-down, to every reader).
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

// ---------------------------------------------------------------- answers

/// A file of a resource.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileResponse {
    #[schema(value_type = i64)]
    pub id: ResourceFileId,
    /// The language of this variant.
    pub language: String,
    /// 1 for the first upload in this language, then 2, 3…
    pub version: i32,
    /// Whether it is the current file in its language (older versions stay listed).
    pub current: bool,
    /// The name it was uploaded with (cleaned).
    pub file_name: String,
    /// Detected from the content.
    pub media_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, lower-case hexadecimal (also its download's `ETag`).
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    /// Where to download it (ranges and `If-Range` supported).
    pub download_url: String,
}

impl From<&ResourceFile> for FileResponse {
    fn from(f: &ResourceFile) -> Self {
        Self {
            id: f.id,
            language: f.language.clone(),
            version: f.file_version,
            current: f.superseded_at.is_none(),
            file_name: f.file_name.clone(),
            media_type: f.media_type.clone(),
            size_bytes: f.size_bytes,
            sha256: f.sha256.clone(),
            created_at: f.created_at.and_utc(),
            download_url: format!("/api/v1/resources/{}/files/{}/content", f.resource_id, f.id),
        }
    }
}

/// A resource as one reader sees it, in one language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResourceResponse {
    #[schema(value_type = i64)]
    pub id: ResourceId,
    pub kind: ResourceKind,
    /// The language of `title` and `description`.
    pub language: String,
    pub title: String,
    pub description: String,
    pub default_language: String,
    /// Every language the texts exist in.
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub countries: Vec<String>,
    pub licence: Licence,
    #[schema(value_type = Option<i64>)]
    pub organisation_id: Option<OrganisationId>,
    pub visibility: ResourceVisibility,
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    #[schema(value_type = Option<i64>)]
    pub community_id: Option<CommunityId>,
    pub url: Option<String>,
    pub status: ResourceStatus,
    /// Why it was rejected or taken down (for its owner and moderators).
    pub status_reason: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub created_by: Option<UserId>,
    /// Readers who downloaded a file, counted once per reader and day.
    pub download_count: i64,
    /// "Useful" votes.
    pub useful_count: i64,
    /// The current file in the reader's language (else the default language's, else any).
    pub variant: Option<FileResponse>,
    /// Every file: the current one per language first, then older versions.
    pub files: Vec<FileResponse>,
    /// Whether the caller bookmarked it (false without a login).
    pub bookmarked: bool,
    /// Whether the caller voted it useful (false without a login).
    pub voted_useful: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    /// Of `title` and `description`: `true` when they translate an older version of the
    /// original (the texts in the default language) than the current one: still answered,
    /// but the original has changed since (see `source_updated_at`).
    pub outdated: bool,
    /// When the original last changed in a way that outdates translations; given only when
    /// `outdated` is `true`.
    pub source_updated_at: Option<DateTime<Utc>>,
}

/// A resource in a list, in the reader's language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResourceItem {
    #[schema(value_type = i64)]
    pub id: ResourceId,
    pub kind: ResourceKind,
    pub language: String,
    pub title: String,
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub licence: Licence,
    pub visibility: ResourceVisibility,
    pub status: ResourceStatus,
    pub download_count: i64,
    pub useful_count: i64,
    pub created_at: DateTime<Utc>,
}

/// A collection of resources, in the reader's language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CollectionResponse {
    #[schema(value_type = i64)]
    pub id: CollectionId,
    pub language: String,
    pub title: String,
    pub languages: Vec<String>,
    #[schema(value_type = Option<i64>)]
    pub created_by: Option<UserId>,
    /// Its resources in order (those the reader may read).
    pub items: Vec<ResourceItem>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<UploadQuery> for UploadInput {
    type Error = ApiError;

    fn try_from(q: UploadQuery) -> Result<Self, ApiError> {
        UploadInput::new(&q.language, &q.file_name)
    }
}

impl TryFrom<CreateResourceRequest> for NewResourceInput {
    type Error = ApiError;

    fn try_from(req: CreateResourceRequest) -> Result<Self, ApiError> {
        NewResourceInput::new(ResourceDraft {
            kind: req.kind,
            default_language: req.default_language,
            title: req.title,
            description: req.description,
            licence: req.licence,
            organisation_id: req.organisation_id,
            visibility: req.visibility,
            cohort_id: req.cohort_id,
            community_id: req.community_id,
            url: req.url,
            topics: req.topics,
            countries: req.countries,
        })
    }
}

impl TryFrom<UpdateResourceRequest> for ResourcePatch {
    type Error = ApiError;

    fn try_from(req: UpdateResourceRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let language = f.check_opt(
            "default_language",
            "invalid_language",
            req.default_language.as_deref(),
            parse_language,
        );
        let url = match &req.url {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(raw)) => check_url(&mut f, Some(raw)).map(Some),
        };
        let topics = match &req.topics {
            Some(raw) => check_topics(&mut f, raw).map(Some),
            None => Some(None),
        };
        let countries = match &req.countries {
            Some(raw) => check_countries(&mut f, raw).map(Some),
            None => Some(None),
        };
        let audience = match req.visibility {
            Some(v) => audience(&mut f, v, req.cohort_id, req.community_id).map(Some),
            None if req.cohort_id.is_some() || req.community_id.is_some() => {
                f.push(
                    "visibility",
                    "visibility_required",
                    "send `visibility` with `cohort_id` or `community_id`",
                );
                None
            }
            None => Some(None),
        };
        f.finish_with(|| {
            Some(Self {
                kind: req.kind,
                default_language: language?,
                licence: req.licence,
                organisation_id: req.organisation_id,
                audience: audience?,
                url: url?,
                topics: topics?,
                countries: countries?,
            })
        })
    }
}

impl TryFrom<ResourceTranslationRequest> for ResourceTexts {
    type Error = ApiError;

    fn try_from(req: ResourceTranslationRequest) -> Result<Self, ApiError> {
        ResourceTexts::new(&req.title, req.description.as_deref())
    }
}

impl ReasonRequest {
    /// The reason, one to [`MAX_REASON_CHARS`] characters.
    pub fn parse(self) -> Result<String, ApiError> {
        let mut f = Fields::default();
        let reason = f.check(
            "reason",
            "invalid_reason",
            clean_block(&self.reason, MAX_REASON_CHARS).and_then(|r| {
                if r.is_empty() {
                    Err("must not be empty".to_owned())
                } else {
                    Ok(r)
                }
            }),
        );
        f.finish_with(|| reason)
    }
}

/// Most resources in a collection.
pub const MAX_COLLECTION_ITEMS: usize = 200;

/// `POST /api/v1/resource-collections`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCollectionRequest {
    /// The language of `title` (the collection's default language).
    #[schema(value_type = LanguageTag)]
    pub language: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Its resources, in order; at most 200.
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(value_type = Vec<i64>, max_items = 200)]
    pub resource_ids: Vec<ResourceId>,
}

/// `PATCH /api/v1/resource-collections/{id}`: the title in one language (added or
/// changed) and, when given, the resources in their new order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCollectionRequest {
    #[schema(value_type = LanguageTag)]
    pub language: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default, deserialize_with = "crate::http::json::present_int_list")]
    #[schema(value_type = Option<Vec<i64>>, max_items = 200, nullable = false)]
    pub resource_ids: Option<Vec<ResourceId>>,
}

fn collection_input(
    language: &str,
    title: &str,
    items: Option<Vec<ResourceId>>,
) -> Result<crate::library::service::CollectionInput, ApiError> {
    let mut f = Fields::default();
    let language = f.check("language", "invalid_language", parse_language(language));
    let title = f.check(
        "title",
        "invalid_title",
        clean_line(title, 1, crate::library::model::MAX_TITLE_CHARS),
    );
    let items = match items {
        Some(items) => {
            if f.at_most(
                "resource_ids",
                "too_many_items",
                items.len(),
                MAX_COLLECTION_ITEMS,
            ) {
                let unique = crate::types::distinct(items.iter().copied());
                if unique.len() != items.len() {
                    f.push(
                        "resource_ids",
                        "duplicate_resource",
                        "a resource is listed twice",
                    );
                }
            }
            Some(items)
        }
        None => None,
    };
    f.finish_with(|| {
        Some(crate::library::service::CollectionInput {
            language: language?,
            title: title?,
            items,
        })
    })
}

impl TryFrom<CreateCollectionRequest> for crate::library::service::CollectionInput {
    type Error = ApiError;
    fn try_from(req: CreateCollectionRequest) -> Result<Self, ApiError> {
        collection_input(&req.language, &req.title, Some(req.resource_ids))
    }
}

impl TryFrom<UpdateCollectionRequest> for crate::library::service::CollectionInput {
    type Error = ApiError;
    fn try_from(req: UpdateCollectionRequest) -> Result<Self, ApiError> {
        collection_input(&req.language, &req.title, req.resource_ids)
    }
}

/// An entry of a resource's moderation log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResourceLogEntry {
    /// `submitted`, `approved`, `rejected`, `taken_down` or `restored`.
    pub action: String,
    #[schema(value_type = Option<i64>)]
    pub moderator_id: Option<UserId>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The body of an upload: the file's bytes (documented with the default size limit).
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some(
                "The file's bytes; at most `BAYANIHAN_LIBRARY_MAX_FILE_BYTES` (100 MiB by default)",
            ))
            .max_length(Some(104_857_600))
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {}
