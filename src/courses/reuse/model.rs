//! Where an adapted or imported course came from, and the resources lessons point to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{course_attributions, lesson_resources};
use crate::types::ids::{CourseId, LessonId, ResourceId};

crate::vocabulary! {
    /// How a course was made from another.
    pub enum Origin {
        /// Copied from a course on this installation (`POST /api/v1/courses/{id}/adaptations`).
        Adaptation => "adaptation",
        /// Imported from a package (`POST /api/v1/courses/imports`).
        Import => "import",
    }
}

/// The attribution of the course another was made from, as it was when copied.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = course_attributions)]
pub struct CourseAttribution {
    pub course_id: CourseId,
    /// The original, while it is on this installation (`None` for imports).
    pub adapted_from: Option<CourseId>,
    pub origin: Origin,
    /// The original's title in its default language.
    pub title: String,
    /// That language.
    pub language: String,
    /// The original's authors (its owners' display names), comma-separated.
    pub authors: String,
    /// The original's licence (an SPDX id), if it had one.
    pub licence: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A library resource a lesson points to.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lesson_resources)]
pub struct LessonResource {
    pub lesson_id: LessonId,
    pub resource_id: ResourceId,
    /// 1-based order within the lesson.
    pub position: i32,
}
