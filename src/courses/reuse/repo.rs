//! Queries of course reuse: attributions, adaptations, the resources lessons point to and
//! the quiz settings an adaptation copies.

use diesel::prelude::*;

use crate::assessment::model::{Quiz, QuizSettings};
use crate::courses::reuse::model::{CourseAttribution, LessonResource};
use crate::db::DbConn;
use crate::db::schema::{
    course_attributions, course_owners, courses, lesson_resources, quizzes, users,
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
