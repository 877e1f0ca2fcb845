//! What the reuse endpoints read and write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::courses::dto::{parse_slug, utc};
use crate::courses::model::CourseStatus;
use crate::courses::reuse::model::{CourseAttribution, Origin};
use crate::courses::reuse::service::MAX_LESSON_RESOURCES;
use crate::error::{ApiError, Fields};
use crate::library::model::ResourceEmbed;
use crate::types::Licence;
use crate::types::ids::{CourseId, LessonId, ResourceId, UserId};

/// `POST /api/v1/courses/{id}/adaptations`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdaptCourseRequest {
    /// The new course's slug; left out: the original's with `-adapted` (then `-2`, `-3`…).
    #[schema(max_length = 80, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
}

impl AdaptCourseRequest {
    /// The slug asked for, valid (422 `invalid_slug`).
    pub fn parse(self) -> Result<Option<String>, ApiError> {
        self.slug
            .map(|s| parse_slug(&s).map_err(|m| ApiError::invalid_field("slug", "invalid_slug", m)))
            .transpose()
    }
}

/// Where a course came from: the course it was adapted from, or the package it was
/// imported from, with the original's attribution as it was when copied.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttributionResponse {
    /// `adaptation` or `import`.
    pub origin: Origin,
    /// The original on this installation (`null` for an import).
    #[schema(value_type = Option<i64>)]
    pub adapted_from: Option<CourseId>,
    /// The original's title, in `language` (its default language).
    pub title: String,
    pub language: String,
    /// The original's authors (its owners' names), comma-separated.
    pub authors: String,
    /// The original's licence, an SPDX id.
    #[schema(value_type = Option<Licence>)]
    pub licence: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<CourseAttribution> for AttributionResponse {
    fn from(a: CourseAttribution) -> Self {
        Self {
            origin: a.origin,
            adapted_from: a.adapted_from,
            title: a.title,
            language: a.language,
            authors: a.authors,
            licence: a.licence,
            created_at: utc(a.created_at),
        }
    }
}

/// An adaptation in the list of a course's adaptations.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AdaptationItem {
    #[schema(value_type = i64)]
    pub id: CourseId,
    pub slug: String,
    /// In the reader's language (else the adaptation's default language).
    pub title: String,
    /// The language of `title`.
    pub language: String,
    pub status: CourseStatus,
    #[schema(value_type = Option<Licence>)]
    pub licence: Option<String>,
    #[schema(value_type = Vec<i64>)]
    pub owners: Vec<UserId>,
    pub created_at: DateTime<Utc>,
}

/// `PUT /api/v1/lessons/{id}/resources`: every library resource the lesson points to, in
/// order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonResourcesRequest {
    /// Resource ids, each once, at most 20; `[]` removes them all.
    #[serde(deserialize_with = "crate::http::json::int_list")]
    #[schema(value_type = Vec<i64>, max_items = 20)]
    pub resource_ids: Vec<ResourceId>,
}

impl LessonResourcesRequest {
    /// The ids, at most [`MAX_LESSON_RESOURCES`] and each once (422 otherwise).
    pub fn parse(self) -> Result<Vec<ResourceId>, ApiError> {
        let mut f = Fields::default();
        f.distinct("resource_ids", &self.resource_ids, MAX_LESSON_RESOURCES);
        f.finish()?;
        Ok(self.resource_ids)
    }
}

/// The library resources a lesson points to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LessonResourcesResponse {
    #[schema(value_type = i64)]
    pub lesson_id: LessonId,
    /// In order.
    #[schema(value_type = Vec<i64>)]
    pub resource_ids: Vec<ResourceId>,
    /// Those the reader may read, in order, each in the reader's language (its title, and
    /// its current file in that language when it has one).
    pub resources: Vec<ResourceEmbed>,
}

impl LessonResourcesResponse {
    /// The languages of the resources' titles, for `Content-Language`.
    pub fn languages(&self) -> Vec<String> {
        crate::http::language::distinct(self.resources.iter().map(|r| r.language.as_str()))
    }
}

/// A lesson that points to a resource.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResourceLessonItem {
    #[schema(value_type = i64)]
    pub lesson_id: LessonId,
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    /// The language of `lesson_title`.
    pub language: String,
    pub lesson_title: String,
    pub course_title: String,
    /// The lesson in the API.
    pub href: String,
}

crate::vocabulary! {
    /// What `GET /api/v1/courses/{id}/export` builds.
    #[derive(Default)]
    pub enum ExportFormat {
        /// Bayanihan's own package: `manifest.json`, Markdown lessons per language, the
        /// files of the linked resources (the default; it imports back).
        #[default]
        Bayanihan => "bayanihan",
        /// IMS Common Cartridge 1.3: web content and web links, for Moodle, Canvas and
        /// other learning platforms.
        CommonCartridge => "common-cartridge",
    }
}

/// Query of `GET /api/v1/courses/{id}/export`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `bayanihan` (default) or `common-cartridge`.
    pub format: Option<ExportFormat>,
    /// Common Cartridge only (it holds one language): the language of its texts
    /// (default: the reader's, else the course's default language).
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
}
