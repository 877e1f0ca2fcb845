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
use crate::http::etag;
use crate::types::{
    CohortId, CommunityId, Licence, OrganisationId, ResourceFileId, ResourceId, UserId,
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
