//! Courses, modules and lessons as stored, and their closed vocabularies.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{
    course_modules, course_owners, course_topics, course_translations, courses,
    lesson_translations, lessons, module_translations,
};

/// Identifier of a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct CourseId(pub i64);

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            /// Parses the stored spelling.
            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }
    };
}

vocabulary! {
    /// How much a course expects the learner to know already.
    Level {
        /// No prior knowledge.
        Introductory = "introductory",
        /// Some experience.
        Intermediate = "intermediate",
        /// For experienced organisers and educators.
        Advanced = "advanced",
    }
}

vocabulary! {
    /// How a course is delivered.
    Format {
        /// Alone, at one's own pace.
        SelfPaced = "self_paced",
        /// With a cohort and facilitators.
        Cohort = "cohort",
        /// Self-paced lessons and live sessions.
        Blended = "blended",
    }
}

vocabulary! {
    /// Where a course is in its life: `draft` → `published` → `archived`.
    CourseStatus {
        /// Being written; seen only by its owners, coordinators and admins.
        Draft = "draft",
        /// In the catalogue.
        Published = "published",
        /// Out of the catalogue; still readable by link.
        Archived = "archived",
    }
}

vocabulary! {
    /// Who may read a course's lesson content (the outline is public once published).
    Visibility {
        /// Anyone, without logging in.
        Public = "public",
        /// The enrolled, the course's owners, coordinators and admins.
        Members = "members",
    }
}

vocabulary! {
    /// What a lesson is.
    LessonKind {
        /// Markdown text.
        Text = "text",
        /// A video at a URL, with a duration and caption languages.
        Video = "video",
        /// A link to a page elsewhere.
        Link = "link",
        /// A downloadable file, with a size and media type.
        File = "file",
    }
}

/// A course row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = courses)]
pub struct Course {
    pub id: i64,
    pub slug: String,
    pub default_language: String,
    pub level: String,
    pub format: String,
    pub estimated_hours: Option<f64>,
    pub licence: Option<String>,
    pub status: String,
    pub visibility: String,
    pub capacity: Option<i32>,
    pub enrolment_count: i32,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
}

impl Course {
    /// Whether the course is (still) in the published state.
    pub fn is_published(&self) -> bool {
        self.status == CourseStatus::Published.as_str()
    }

    /// Whether the course is a draft.
    pub fn is_draft(&self) -> bool {
        self.status == CourseStatus::Draft.as_str()
    }

    /// Whether anyone may read the lesson content.
    pub fn is_public(&self) -> bool {
        self.visibility == Visibility::Public.as_str()
    }
}

/// A new course row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = courses)]
pub struct NewCourse {
    pub slug: String,
    pub default_language: String,
    pub level: String,
    pub format: String,
    pub estimated_hours: Option<f64>,
    pub licence: Option<String>,
    pub status: String,
    pub visibility: String,
    pub capacity: Option<i32>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

/// Changes to a course; `None` leaves a column alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = courses)]
pub struct CourseChanges {
    pub slug: Option<String>,
    pub default_language: Option<String>,
    pub level: Option<String>,
    pub format: Option<String>,
    pub estimated_hours: Option<Option<f64>>,
    pub licence: Option<Option<String>>,
    pub status: Option<String>,
    pub visibility: Option<String>,
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
    pub course_id: i64,
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
    pub course_id: i64,
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
    pub course_id: i64,
    pub topic: String,
}

/// A new owner of a course.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = course_owners)]
pub struct NewCourseOwner {
    pub course_id: i64,
    pub user_id: i64,
}

/// A module row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course_modules)]
pub struct Module {
    pub id: i64,
    pub course_id: i64,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A new module row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = course_modules)]
pub struct NewModule {
    pub course_id: i64,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A module's title in one language.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = module_translations)]
pub struct ModuleTranslation {
    pub id: i64,
    pub module_id: i64,
    pub language: String,
    pub title: String,
}

/// A new module translation row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = module_translations)]
pub struct NewModuleTranslation {
    pub module_id: i64,
    pub language: String,
    pub title: String,
}

/// A lesson row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lessons)]
pub struct Lesson {
    pub id: i64,
    pub module_id: i64,
    pub course_id: i64,
    pub position: i32,
    pub kind: String,
    pub required: bool,
    pub duration_minutes: Option<i32>,
    pub url: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    pub caption_languages: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A new lesson row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = lessons)]
pub struct NewLesson {
    pub module_id: i64,
    pub course_id: i64,
    pub position: i32,
    pub kind: String,
    pub required: bool,
    pub duration_minutes: Option<i32>,
    pub url: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    pub caption_languages: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to a lesson's own columns (the whole lesson is validated before).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = lessons)]
pub struct LessonChanges {
    pub kind: String,
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
    pub lesson_id: i64,
    pub language: String,
    pub title: String,
    pub content: String,
}

/// A new lesson translation row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = lesson_translations)]
pub struct NewLessonTranslation {
    pub lesson_id: i64,
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
}
