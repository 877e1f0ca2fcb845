//! Resources, their texts, files and moderation log as stored, and the library's closed
//! vocabularies.
//!
//! A resource carries a `version` that every change bumps (its texts, topics, countries and
//! files included, since they are part of its answer), with `updated_at`; its `ETag`
//! derives from it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{
    resource_files, resource_moderation_log, resource_translations, resources,
};
use crate::error::{ApiError, Fields};
use crate::http::etag;
use crate::types::text::{clean_block, clean_line, web_address};
use crate::types::topic::check_topics;
use crate::types::{
    CohortId, CommunityId, CountryCode, LanguageTag, Licence, OrganisationId, ResourceFileId,
    ResourceId, UserId,
};

crate::vocabulary! {
    /// What a resource is.
    pub enum ResourceKind {
        /// A document (report, guide, agreement).
        Document => "document",
        /// A video.
        Video => "video",
        /// A sound recording or podcast.
        Audio => "audio",
        /// A page elsewhere (`url`).
        Link => "link",
        /// A toolkit: a set of materials for organisers and educators.
        Toolkit => "toolkit",
        /// A policy brief.
        PolicyBrief => "policy_brief",
        /// A slide deck.
        Slides => "slides",
        /// A course package (a ZIP another installation or platform imports).
        CoursePackage => "course_package",
    }
}

crate::vocabulary! {
    /// Who may read a resource and download its files.
    pub enum ResourceVisibility {
        /// Anyone, without logging in.
        Public => "public",
        /// Anyone logged in.
        Members => "members",
        /// The participants and facilitators of one cohort (`cohort_id`).
        Cohort => "cohort",
        /// The active members of one community (`community_id`).
        Community => "community",
    }
}

crate::vocabulary! {
    /// Where a resource stands.
    pub enum ResourceStatus {
        /// Submitted by a member; waits in the moderation queue.
        Pending => "pending",
        /// In the library.
        Published => "published",
        /// Refused by a moderator (`status_reason` says why); changing it submits it again.
        Rejected => "rejected",
        /// Taken down by its owner or a moderator: it answers 410 with the reason.
        TakenDown => "taken_down",
    }
}

/// A resource row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resources)]
pub struct Resource {
    pub id: ResourceId,
    pub kind: ResourceKind,
    pub default_language: String,
    pub licence: Licence,
    pub organisation_id: Option<OrganisationId>,
    pub visibility: ResourceVisibility,
    pub cohort_id: Option<CohortId>,
    pub community_id: Option<CommunityId>,
    pub url: Option<String>,
    pub status: ResourceStatus,
    pub status_reason: Option<String>,
    pub created_by: Option<UserId>,
    pub download_count: i64,
    pub useful_count: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub version: i64,
}

// A resource's answers are localised: their tags are `etag_in` their language.
etag::versioned_row!(Resource, "resource");

/// Where a resource may be read: its visibility with the cohort or community it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone.
    Public,
    /// Anyone logged in.
    Members,
    /// One cohort's participants and facilitators.
    Cohort(CohortId),
    /// One community's active members.
    Community(CommunityId),
}

impl Audience {
    /// The stored columns: visibility, cohort, community.
    pub fn columns(self) -> (ResourceVisibility, Option<CohortId>, Option<CommunityId>) {
        match self {
            Self::Public => (ResourceVisibility::Public, None, None),
            Self::Members => (ResourceVisibility::Members, None, None),
            Self::Cohort(id) => (ResourceVisibility::Cohort, Some(id), None),
            Self::Community(id) => (ResourceVisibility::Community, None, Some(id)),
        }
    }
}

impl Resource {
    /// The resource's audience, from its stored columns (the database checks they agree).
    pub fn audience(&self) -> Audience {
        match (self.visibility, self.cohort_id, self.community_id) {
            (ResourceVisibility::Cohort, Some(id), _) => Audience::Cohort(id),
            (ResourceVisibility::Community, _, Some(id)) => Audience::Community(id),
            (ResourceVisibility::Members, _, _) => Audience::Members,
            _ => Audience::Public,
        }
    }
}

/// A new resource row (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = resources)]
pub struct NewResource {
    pub kind: ResourceKind,
    pub default_language: String,
    pub licence: Licence,
    pub organisation_id: Option<OrganisationId>,
    pub visibility: ResourceVisibility,
    pub cohort_id: Option<CohortId>,
    pub community_id: Option<CommunityId>,
    pub url: Option<String>,
    pub status: ResourceStatus,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

/// Changes to a resource; `None` leaves a column alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = resources)]
pub struct ResourceChanges {
    pub kind: Option<ResourceKind>,
    pub default_language: Option<String>,
    pub licence: Option<Licence>,
    pub organisation_id: Option<Option<OrganisationId>>,
    pub visibility: Option<ResourceVisibility>,
    pub cohort_id: Option<Option<CohortId>>,
    pub community_id: Option<Option<CommunityId>>,
    pub url: Option<Option<String>>,
    pub status: Option<ResourceStatus>,
    pub status_reason: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub version: Option<i64>,
}

/// A resource's texts in one language.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resource_translations)]
pub struct ResourceTranslation {
    pub id: i64,
    pub resource_id: ResourceId,
    pub language: String,
    pub title: String,
    pub description: String,
}

/// A file of a resource in one language.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resource_files)]
pub struct ResourceFile {
    pub id: ResourceFileId,
    pub resource_id: ResourceId,
    pub language: String,
    pub file_version: i32,
    pub storage_key: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub superseded_at: Option<NaiveDateTime>,
}

/// A new file row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = resource_files)]
pub struct NewResourceFile {
    pub resource_id: ResourceId,
    pub language: String,
    pub file_version: i32,
    pub storage_key: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

/// A new entry of the library's moderation log.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = resource_moderation_log)]
pub struct NewLogEntry<'a> {
    pub resource_id: ResourceId,
    pub moderator_id: Option<UserId>,
    pub action: &'a str,
    pub reason: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

/// An entry of the library's moderation log.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resource_moderation_log)]
pub struct LogEntry {
    pub id: i64,
    pub resource_id: ResourceId,
    pub moderator_id: Option<UserId>,
    pub action: String,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A library resource as a lesson or a post shows it where it is used: its title in the
/// reader's language and the current file in that language. Only resources the reader may
/// read are ever shown; other domains get these from `library::service::embeds`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResourceEmbed {
    #[schema(value_type = i64)]
    pub id: ResourceId,
    pub kind: ResourceKind,
    /// The language of `title`.
    pub language: String,
    pub title: String,
    /// The page elsewhere, for `link` resources.
    pub url: Option<String>,
    /// The resource in the API.
    pub href: String,
    /// Its current file in the reader's language (else in its default language), if it has
    /// files.
    pub file: Option<EmbeddedFile>,
}

/// The file a [`ResourceEmbed`] offers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EmbeddedFile {
    #[schema(value_type = i64)]
    pub id: ResourceFileId,
    /// The language of this variant.
    pub language: String,
    /// Detected from the content.
    pub media_type: String,
    pub size_bytes: i64,
    /// Where to download it (ranges and `If-Range` supported).
    pub download_url: String,
}

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5000;
/// Most countries on a resource.
pub const MAX_COUNTRIES: usize = 30;
/// Longest link.
pub const MAX_URL_CHARS: usize = 2000;
/// Longest moderation reason.
pub const MAX_REASON_CHARS: usize = 1000;

// ---------------------------------------------------------------- domain input
//
// What the API's requests, the seed and a course package's import become, checked once here.

/// A resource's texts in one language, each valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceTexts {
    pub title: String,
    pub description: String,
}

/// A resource's own fields, each valid (what only the database knows is checked later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceFields {
    pub kind: ResourceKind,
    pub default_language: String,
    pub licence: Licence,
    pub organisation_id: Option<OrganisationId>,
    pub audience: Audience,
    pub url: Option<String>,
    pub topics: Vec<String>,
    pub countries: Vec<String>,
}

/// A valid new resource.
#[derive(Debug, Clone)]
pub struct NewResourceInput {
    pub fields: ResourceFields,
    pub texts: ResourceTexts,
}

/// A valid partial change.
#[derive(Debug, Clone, Default)]
pub struct ResourcePatch {
    pub kind: Option<ResourceKind>,
    pub default_language: Option<String>,
    pub licence: Option<Licence>,
    pub organisation_id: Option<Option<OrganisationId>>,
    pub audience: Option<Audience>,
    pub url: Option<Option<String>>,
    pub topics: Option<Vec<String>>,
    pub countries: Option<Vec<String>>,
}

impl ResourcePatch {
    /// The fields `current` would become.
    pub fn apply(&self, current: &ResourceFields) -> ResourceFields {
        ResourceFields {
            kind: self.kind.unwrap_or(current.kind),
            default_language: self
                .default_language
                .clone()
                .unwrap_or_else(|| current.default_language.clone()),
            licence: self.licence.unwrap_or(current.licence),
            organisation_id: self.organisation_id.unwrap_or(current.organisation_id),
            audience: self.audience.unwrap_or(current.audience),
            url: self.url.clone().unwrap_or_else(|| current.url.clone()),
            topics: self
                .topics
                .clone()
                .unwrap_or_else(|| current.topics.clone()),
            countries: self
                .countries
                .clone()
                .unwrap_or_else(|| current.countries.clone()),
        }
    }
}

/// A parsed upload: the file's language and cleaned name.
#[derive(Debug, Clone)]
pub struct UploadInput {
    pub language: String,
    pub file_name: String,
    /// Lower-case extension of the name.
    pub extension: String,
}

/// A new resource as sent, before its checks ([`NewResourceInput::new`]): what the API's
/// `POST /resources` and a course package's manifest both carry.
#[derive(Debug, Clone)]
pub struct ResourceDraft {
    pub kind: ResourceKind,
    pub default_language: String,
    pub title: String,
    pub description: Option<String>,
    pub licence: Licence,
    pub organisation_id: Option<OrganisationId>,
    pub visibility: Option<ResourceVisibility>,
    pub cohort_id: Option<CohortId>,
    pub community_id: Option<CommunityId>,
    pub url: Option<String>,
    pub topics: Vec<String>,
    pub countries: Vec<String>,
}

impl NewResourceInput {
    /// Checks every field of a new resource: 422 `validation_failed` with every field error.
    pub fn new(req: ResourceDraft) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let language = f.check(
            "default_language",
            "invalid_language",
            parse_language(&req.default_language),
        );
        let texts = check_texts(&mut f, &req.title, req.description.as_deref());
        let url = check_url(&mut f, req.url.as_deref());
        if let Some(url) = &url {
            check_link(&mut f, req.kind, Some(url));
        }
        let topics = check_topics(&mut f, &req.topics);
        let countries = check_countries(&mut f, &req.countries);
        let audience = audience(
            &mut f,
            req.visibility.unwrap_or(ResourceVisibility::Public),
            req.cohort_id,
            req.community_id,
        );
        f.finish_with(|| {
            Some(Self {
                fields: ResourceFields {
                    kind: req.kind,
                    default_language: language?,
                    licence: req.licence,
                    organisation_id: req.organisation_id,
                    audience: audience?,
                    url: url?,
                    topics: topics?,
                    countries: countries?,
                },
                texts: texts?,
            })
        })
    }
}

impl ResourceTexts {
    /// Checks a title and a description (absent: empty): 422 with the field errors.
    pub fn new(title: &str, description: Option<&str>) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let texts = check_texts(&mut f, title, description);
        f.finish_with(|| texts)
    }
}

impl UploadInput {
    /// Checks a file's language and name (400 `invalid_query` naming the parameter).
    pub fn new(language: &str, file_name: &str) -> Result<Self, ApiError> {
        let language = parse_language(language)
            .map_err(|m| ApiError::invalid_query("language", "invalid_language", m))?;
        let file_name = crate::library::filetype::clean_file_name(file_name)
            .map_err(|m| ApiError::invalid_query("file_name", "invalid_file_name", m))?;
        let extension = crate::library::filetype::extension(&file_name);
        Ok(Self {
            language,
            file_name,
            extension,
        })
    }
}

/// A language tag in canonical case.
pub fn parse_language(raw: &str) -> Result<String, String> {
    LanguageTag::parse(raw).map(|t| t.as_str().to_owned())
}

pub(crate) fn check_countries(f: &mut Fields, raw: &[String]) -> Option<Vec<String>> {
    if !f.at_most("countries", "too_many_countries", raw.len(), MAX_COUNTRIES) {
        return None;
    }
    let mut countries = f.check(
        "countries",
        "invalid_country",
        raw.iter()
            .map(|c| CountryCode::parse(c).map(|c| c.as_str().to_owned()))
            .collect::<Result<Vec<_>, _>>(),
    )?;
    countries.sort();
    countries.dedup();
    Some(countries)
}

fn check_texts(f: &mut Fields, title: &str, description: Option<&str>) -> Option<ResourceTexts> {
    let title = f.check(
        "title",
        "invalid_title",
        clean_line(title, 1, MAX_TITLE_CHARS),
    );
    let description = f.check(
        "description",
        "invalid_description",
        clean_block(description.unwrap_or(""), MAX_DESCRIPTION_CHARS),
    );
    Some(ResourceTexts {
        title: title?,
        description: description?,
    })
}

pub(crate) fn check_url(f: &mut Fields, raw: Option<&str>) -> Option<Option<String>> {
    f.check_opt("url", "invalid_url", raw, |u| web_address(u, MAX_URL_CHARS))
}

/// The audience named by a visibility and the ids sent with it.
pub(crate) fn audience(
    f: &mut Fields,
    visibility: ResourceVisibility,
    cohort: Option<CohortId>,
    community: Option<CommunityId>,
) -> Option<Audience> {
    let wrong = |f: &mut Fields, field: &str, message: &str| {
        f.push(field, "invalid_audience", message);
        None
    };
    match (visibility, cohort, community) {
        (ResourceVisibility::Public, None, None) => Some(Audience::Public),
        (ResourceVisibility::Members, None, None) => Some(Audience::Members),
        (ResourceVisibility::Cohort, Some(id), None) => Some(Audience::Cohort(id)),
        (ResourceVisibility::Community, None, Some(id)) => Some(Audience::Community(id)),
        (ResourceVisibility::Cohort, None, _) => {
            wrong(f, "cohort_id", "`visibility: cohort` needs a `cohort_id`")
        }
        (ResourceVisibility::Community, _, None) => wrong(
            f,
            "community_id",
            "`visibility: community` needs a `community_id`",
        ),
        (_, Some(_), _) => wrong(
            f,
            "cohort_id",
            "a `cohort_id` goes only with `visibility: cohort`",
        ),
        (_, _, Some(_)) => wrong(
            f,
            "community_id",
            "a `community_id` goes only with `visibility: community`",
        ),
    }
}

/// A link needs its address.
fn check_link(f: &mut Fields, kind: ResourceKind, url: Option<&Option<String>>) {
    if kind == ResourceKind::Link && matches!(url, Some(None)) {
        f.push("url", "url_required", "a `link` resource needs its `url`");
    }
}
