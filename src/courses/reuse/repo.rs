//! Queries of course reuse: attributions, adaptations, the resources lessons point to and
//! the quiz settings an adaptation copies.

use diesel::prelude::*;

use crate::assessment::model::{Quiz, QuizSettings};
use crate::courses::model::CourseStatus;
use crate::courses::reuse::model::{CourseAttribution, LessonResource};
use crate::db::DbConn;
use crate::db::schema::{
    course_attributions, course_owners, course_translations, courses, lesson_resources,
    lesson_translations, lessons, quizzes, users,
};
use crate::types::ids::{CourseId, LessonId, ResourceId, UserId};

/// The attribution of a course made from another, if it is one.
pub fn attribution(conn: &mut DbConn, id: CourseId) -> QueryResult<Option<CourseAttribution>> {
    course_attributions::table
        .find(id)
        .select(CourseAttribution::as_select())
        .first(conn)
        .optional()
}

/// Records where a new course came from.
pub fn insert_attribution(conn: &mut DbConn, row: &CourseAttribution) -> QueryResult<()> {
    diesel::insert_into(course_attributions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Who may see which adaptations: `None` everyone's drafts (coordinators, admins), else
/// published and archived ones and the drafts this user owns.
pub type DraftReader = Option<Option<UserId>>;

/// Adaptations of `original` (not deleted) after `after`, by id, at most `limit`; drafts
/// only as `drafts` allows.
pub fn adaptations(
    conn: &mut DbConn,
    original: CourseId,
    drafts: DraftReader,
    after: Option<CourseId>,
    limit: i64,
) -> QueryResult<Vec<CourseId>> {
    let mut q = course_attributions::table
        .inner_join(courses::table)
        .filter(course_attributions::adapted_from.eq(original))
        .filter(courses::deleted_at.is_null())
        .select(courses::id)
        .order(courses::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(courses::id.gt(after));
    }
    match drafts {
        None => {}
        Some(None) => q = q.filter(courses::status.ne("draft")),
        Some(Some(user)) => {
            let own = course_owners::table
                .filter(course_owners::user_id.eq(user))
                .select(course_owners::course_id);
            q = q.filter(courses::status.ne("draft").or(courses::id.eq_any(own)));
        }
    }
    q.load(conn)
}

/// Display names of some users, in the order of `ids`.
pub fn display_names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<String>> {
    let rows: Vec<(UserId, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(ids
        .iter()
        .filter_map(|id| rows.iter().find(|(u, _)| u == id).map(|(_, n)| n.clone()))
        .collect())
}

/// The resources some lessons point to, by lesson then position.
pub fn lesson_resources(
    conn: &mut DbConn,
    lessons: &[LessonId],
) -> QueryResult<Vec<LessonResource>> {
    let mut out = Vec::new();
    // Chunks that SQLite's bound-parameter limit takes.
    for chunk in lessons.chunks(500) {
        out.extend(
            lesson_resources::table
                .filter(lesson_resources::lesson_id.eq_any(chunk))
                .order((
                    lesson_resources::lesson_id.asc(),
                    lesson_resources::position.asc(),
                ))
                .select(LessonResource::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

/// Replaces the resources a lesson points to.
pub fn set_lesson_resources(
    conn: &mut DbConn,
    lesson: LessonId,
    resources: &[ResourceId],
) -> QueryResult<()> {
    diesel::delete(lesson_resources::table.filter(lesson_resources::lesson_id.eq(lesson)))
        .execute(conn)?;
    for (i, r) in resources.iter().enumerate() {
        diesel::insert_into(lesson_resources::table)
            .values(&LessonResource {
                lesson_id: lesson,
                resource_id: *r,
                position: i32::try_from(i + 1).unwrap_or(i32::MAX),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// Which draft courses a reader sees.
#[derive(Debug, Clone, Copy)]
pub enum DraftsSeen {
    /// None (anonymous readers).
    None,
    /// Those this account owns.
    OwnedBy(UserId),
    /// All (coordinators and admins).
    All,
}

/// A page of the lessons (with their course and its default language) that point to
/// `resource`, by lesson id, after lesson `after`; deleted lessons and courses left out.
pub fn lessons_using(
    conn: &mut DbConn,
    resource: ResourceId,
    drafts: DraftsSeen,
    after: Option<LessonId>,
    limit: i64,
) -> QueryResult<Vec<(LessonId, CourseId, String)>> {
    let mut query = lesson_resources::table
        .inner_join(lessons::table.on(lessons::id.eq(lesson_resources::lesson_id)))
        .inner_join(courses::table.on(courses::id.eq(lessons::course_id)))
        .filter(lesson_resources::resource_id.eq(resource))
        .filter(lessons::deleted_at.is_null())
        .filter(courses::deleted_at.is_null())
        .select((lessons::id, courses::id, courses::default_language))
        .into_boxed();
    match drafts {
        DraftsSeen::All => {}
        DraftsSeen::None => query = query.filter(courses::status.ne(CourseStatus::Draft)),
        DraftsSeen::OwnedBy(user) => {
            let owned = course_owners::table
                .filter(course_owners::user_id.eq(user))
                .select(course_owners::course_id);
            query = query.filter(
                courses::status
                    .ne(CourseStatus::Draft)
                    .or(courses::id.eq_any(owned)),
            );
        }
    }
    if let Some(after) = after {
        query = query.filter(lessons::id.gt(after));
    }
    query
        .order(lessons::id.asc())
        .limit(limit)
        .load::<(LessonId, CourseId, String)>(conn)
}

/// (lesson, language, title) of some lessons' translations.
pub fn lesson_titles(
    conn: &mut DbConn,
    ids: &[LessonId],
) -> QueryResult<Vec<(i64, String, String)>> {
    lesson_translations::table
        .filter(lesson_translations::lesson_id.eq_any(ids))
        .order((
            lesson_translations::lesson_id,
            lesson_translations::language,
        ))
        .select((
            lesson_translations::lesson_id,
            lesson_translations::language,
            lesson_translations::title,
        ))
        .load(conn)
}

/// (course, language, title) of some courses' translations.
pub fn course_titles(
    conn: &mut DbConn,
    ids: &[CourseId],
) -> QueryResult<Vec<(i64, String, String)>> {
    course_translations::table
        .filter(course_translations::course_id.eq_any(ids))
        .order((
            course_translations::course_id,
            course_translations::language,
        ))
        .select((
            course_translations::course_id,
            course_translations::language,
            course_translations::title,
        ))
        .load(conn)
}

/// The quiz settings of some lessons.
pub fn quizzes_of(conn: &mut DbConn, lessons: &[LessonId]) -> QueryResult<Vec<Quiz>> {
    quizzes::table
        .filter(quizzes::lesson_id.eq_any(lessons))
        .select(Quiz::as_select())
        .load(conn)
}

/// Gives a copied quiz lesson the settings of its original (no questions).
pub fn insert_quiz_settings(
    conn: &mut DbConn,
    lesson: LessonId,
    course: CourseId,
    settings: &QuizSettings,
    at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(quizzes::table)
        .values((
            settings,
            quizzes::lesson_id.eq(lesson),
            quizzes::course_id.eq(course),
            quizzes::created_at.eq(at),
            quizzes::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}
