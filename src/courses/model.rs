//! Courses, modules and lessons as stored, and their closed vocabularies.
//!
//! Courses, modules and lessons carry a `version` that every change bumps, together with
//! `updated_at` (a write that changes nothing touches neither); their `ETag`s derive from
//! it. A translation has no version of its own: writing one bumps the version of what it
//! translates, and of the course around it, whose answers list every language. The
//! enrolment count, written by enrolment, bumps the course's version through a trigger
//! (migration `course_versions`), since it is part of the course's answer.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    course_modules, course_owners, course_topics, course_translations, courses,
    lesson_translations, lessons, module_translations,
};
use crate::http::etag;
use crate::types::ids::{CourseId, LessonId, ModuleId, UserId};

crate::vocabulary! {
    /// How much a course expects the learner to know already.
    pub enum Level {
        /// No prior knowledge.
        Introductory => "introductory",
        /// Some experience.
        Intermediate => "intermediate",
        /// For experienced organisers and educators.
        Advanced => "advanced",
    }
}

crate::vocabulary! {
    /// How a course is delivered.
    pub enum Format {
        /// Alone, at one's own pace.
        SelfPaced => "self_paced",
        /// With a cohort and facilitators.
        Cohort => "cohort",
        /// Self-paced lessons and live sessions.
        Blended => "blended",
    }
}

crate::vocabulary! {
    /// Where a course is in its life: `draft` → `published` → `archived`.
    pub enum CourseStatus {
        /// Being written; seen only by its owners, coordinators and admins.
        Draft => "draft",
        /// In the catalogue.
        Published => "published",
        /// Out of the catalogue; still readable by link.
        Archived => "archived",
    }
}

crate::vocabulary! {
    /// Who may read a course's lesson content (the outline is public once published).
    pub enum Visibility {
        /// Anyone, without logging in.
        Public => "public",
        /// The enrolled, the course's owners, coordinators and admins.
        Members => "members",
    }
}

crate::vocabulary! {
    /// What a lesson is.
    pub enum LessonKind {
        /// Markdown text.
        Text => "text",
        /// A video at a URL, with a duration and caption languages.
        Video => "video",
        /// A link to a page elsewhere.
        Link => "link",
        /// A downloadable file, with a size and media type.
        File => "file",
        /// A quiz graded on the server (settings and attempts in `assessment`); passing
        /// it completes the lesson.
        Quiz => "quiz",
    }
}

/// A course row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = courses)]
pub struct Course {
    pub id: CourseId,
    pub slug: String,
    pub default_language: String,
    pub level: Level,
    pub format: Format,
    pub estimated_hours: Option<f64>,
    pub licence: Option<String>,
    pub status: CourseStatus,
    pub visibility: Visibility,
    pub capacity: Option<i32>,
    pub enrolment_count: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i64,
}

impl Course {
    /// Whether the course is (still) in the published state.
    pub fn is_published(&self) -> bool {
        self.status == CourseStatus::Published
    }

    /// Whether the course is a draft.
    pub fn is_draft(&self) -> bool {
        self.status == CourseStatus::Draft
    }

    /// Whether anyone may read the lesson content.
    pub fn is_public(&self) -> bool {
        self.visibility == Visibility::Public
    }
}

// A course's answers are localised: their tags are [`Versioned::etag_in`] their language.
etag::versioned_row!(Course, "course");

/// A new course row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = courses)]
pub struct NewCourse {
    pub slug: String,
    pub default_language: String,
    pub level: Level,
    pub format: Format,
    pub estimated_hours: Option<f64>,
    pub licence: Option<String>,
    pub status: CourseStatus,
    pub visibility: Visibility,
    pub capacity: Option<i32>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

/// Changes to a course; `None` leaves a column alone, `Some(None)` clears it. Writing
/// changes bumps the version.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = courses)]
pub struct CourseChanges {
    pub slug: Option<String>,
    pub default_language: Option<String>,
    pub level: Option<Level>,
    pub format: Option<Format>,
    pub estimated_hours: Option<Option<f64>>,
    pub licence: Option<Option<String>>,
    pub status: Option<CourseStatus>,
    pub visibility: Option<Visibility>,
    pub capacity: Option<Option<i32>>,
    pub updated_at: Option<NaiveDateTime>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// A course's texts in one language.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course_translations)]
pub struct CourseTranslation {
    pub id: i64,
    pub course_id: CourseId,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub search_text: String,
    pub updated_at: NaiveDateTime,
}

/// A new course translation row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = course_translations)]
pub struct NewCourseTranslation {
    pub course_id: CourseId,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub search_text: String,
    pub updated_at: NaiveDateTime,
}

/// A new topic of a course.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = course_topics)]
pub struct NewCourseTopic {
    pub course_id: CourseId,
    pub topic: String,
}

/// A new owner of a course.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = course_owners)]
pub struct NewCourseOwner {
    pub course_id: CourseId,
    pub user_id: UserId,
}

/// A module row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course_modules)]
pub struct Module {
    pub id: ModuleId,
    pub course_id: CourseId,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i64,
}

etag::versioned_row!(Module, "module");

/// A new module row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = course_modules)]
pub struct NewModule {
    pub course_id: CourseId,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A module's title in one language.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = module_translations)]
pub struct ModuleTranslation {
    pub id: i64,
    pub module_id: ModuleId,
    pub language: String,
    pub title: String,
}

/// A new module translation row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = module_translations)]
pub struct NewModuleTranslation {
    pub module_id: ModuleId,
    pub language: String,
    pub title: String,
}

/// What a course's outline shows of a lesson: no timestamps, no media, so that an outline
/// of many lessons decodes little.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lessons)]
pub struct OutlineLesson {
    pub id: LessonId,
    pub module_id: ModuleId,
    pub position: i32,
    pub kind: LessonKind,
    pub required: bool,
    pub duration_minutes: Option<i32>,
}

/// A lesson row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lessons)]
pub struct Lesson {
    pub id: LessonId,
    pub module_id: ModuleId,
    pub course_id: CourseId,
    pub position: i32,
    pub kind: LessonKind,
    pub required: bool,
    pub duration_minutes: Option<i32>,
    pub url: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    pub caption_languages: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i64,
}

etag::versioned_row!(Lesson, "lesson");

/// A new lesson row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = lessons)]
pub struct NewLesson {
    pub module_id: ModuleId,
    pub course_id: CourseId,
    pub position: i32,
    pub kind: LessonKind,
    pub required: bool,
    pub duration_minutes: Option<i32>,
    pub url: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    pub caption_languages: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to a lesson's own columns (the whole lesson is validated before). Writing
/// changes bumps the version.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = lessons)]
pub struct LessonChanges {
    pub kind: LessonKind,
    pub required: bool,
    pub duration_minutes: Option<Option<i32>>,
    pub url: Option<Option<String>>,
    pub size_bytes: Option<Option<i64>>,
    pub media_type: Option<Option<String>>,
    pub caption_languages: String,
    pub updated_at: NaiveDateTime,
}

/// A lesson's title and content in one language.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lesson_translations)]
pub struct LessonTranslation {
    pub id: i64,
    pub lesson_id: LessonId,
    pub language: String,
    pub title: String,
    pub content: String,
}

/// A new lesson translation row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = lesson_translations)]
pub struct NewLessonTranslation {
    pub lesson_id: LessonId,
    pub language: String,
    pub title: String,
    pub content: String,
}

/// The text `q` searches: the lower-cased title, a line break, then the lower-cased summary
/// on one line. The title never holds a line break, so a match that ends before the only
/// `\n` is a match in the title (how results are ranked).
pub fn search_text(title: &str, summary: &str) -> String {
    let summary = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{}\n{}", title.to_lowercase(), summary.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip() {
        for l in LessonKind::ALL {
            assert_eq!(LessonKind::parse(l.as_str()), Some(*l));
        }
        assert_eq!(Format::parse("self_paced"), Some(Format::SelfPaced));
        assert_eq!(CourseStatus::parse("gone"), None);
    }

    #[test]
    fn search_text_keeps_the_title_on_the_first_line() {
        assert_eq!(
            search_text("Platform Workers", "Rights\nand  power"),
            "platform workers\nrights and power"
        );
    }

    #[test]
    fn caption_languages_split_on_commas() {}
}
