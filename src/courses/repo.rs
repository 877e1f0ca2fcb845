//! Queries on courses, modules and lessons.
//!
//! Every write of a course, module or lesson row bumps its `version` with its
//! `updated_at`; callers write only what changed.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};

use crate::courses::model::{
    Course, CourseChanges, CourseStatus, CourseTranslation, Format, Lesson, LessonChanges,
    LessonTranslation, Level, Module, ModuleTranslation, NewCourse, NewCourseOwner, NewCourseTopic,
    NewCourseTranslation, NewLesson, NewLessonTranslation, NewModule, NewModuleTranslation,
    OutlineLesson,
};
use crate::db::schema::{
    course_modules, course_owners, course_topics, course_translations, courses, enrolments,
    lesson_translations, lessons, module_translations, users,
};
use crate::db::{self, DbConn, any_of, like_contains};
use crate::types::ids::{CourseId, LessonId, ModuleId, UserId};

// ---------------------------------------------------------------- courses

/// One course that is not deleted.
pub fn find_course(conn: &mut DbConn, id: CourseId) -> QueryResult<Option<Course>> {
    courses::table
        .find(id)
        .filter(courses::deleted_at.is_null())
        .select(Course::as_select())
        .first(conn)
        .optional()
}

/// Whether another course has this slug.
pub fn slug_taken(conn: &mut DbConn, slug: &str, except: Option<CourseId>) -> QueryResult<bool> {
    let found: Option<CourseId> = courses::table
        .filter(courses::slug.eq(slug.to_owned()))
        .select(courses::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some_and(|id| Some(id) != except))
}

/// Inserts a course (version 1).
pub fn insert_course(conn: &mut DbConn, new: &NewCourse) -> QueryResult<Course> {
    diesel::insert_into(courses::table)
        .values(new)
        .returning(courses::all_columns)
        .get_result(conn)
}

/// Changes a course and bumps its version.
pub fn update_course(
    conn: &mut DbConn,
    id: CourseId,
    changes: &CourseChanges,
) -> QueryResult<Course> {
    diesel::update(courses::table.find(id))
        .set((changes, courses::version.eq(courses::version + 1)))
        .returning(courses::all_columns)
        .get_result(conn)
}

/// Marks a course changed (its texts, structure or owners changed): a new version.
pub fn touch_course(conn: &mut DbConn, id: CourseId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(courses::table.find(id))
        .set(db::new_version!(courses, at))
        .execute(conn)
        .map(drop)
}

/// Frees the slug of a deleted course, so that it can be used again.
pub fn retire_slug(conn: &mut DbConn, id: CourseId, slug: &str) -> QueryResult<()> {
    diesel::update(courses::table.find(id))
        .set(courses::slug.eq(format!("{slug}~deleted-{id}")))
        .execute(conn)
        .map(drop)
}

/// The translations of some courses, by course and language.
pub fn translations(
    conn: &mut DbConn,
    course_ids: &[CourseId],
) -> QueryResult<Vec<CourseTranslation>> {
    course_translations::table
        .filter(any_of(
            course_translations::course_id,
            course_ids.iter().copied(),
        ))
        .order((
            course_translations::course_id.asc(),
            course_translations::language.asc(),
        ))
        .select(CourseTranslation::as_select())
        .load(conn)
}

/// A course's title, summary and description in one language, if it has them.
pub fn course_texts(
    conn: &mut DbConn,
    course_id: CourseId,
    language: &str,
) -> QueryResult<Option<(String, String, String)>> {
    course_translations::table
        .filter(course_translations::course_id.eq(course_id))
        .filter(course_translations::language.eq(language))
        .select((
            course_translations::title,
            course_translations::summary,
            course_translations::description,
        ))
        .first(conn)
        .optional()
}

/// Creates or replaces a course's texts in one language.
pub fn upsert_course_translation(conn: &mut DbConn, new: &NewCourseTranslation) -> QueryResult<()> {
    db::update_or_insert!(
        conn,
        course_translations::table
            .filter(course_translations::course_id.eq(new.course_id))
            .filter(course_translations::language.eq(&new.language)),
        (
            course_translations::title.eq(&new.title),
            course_translations::summary.eq(&new.summary),
            course_translations::description.eq(&new.description),
            course_translations::search_text.eq(&new.search_text),
            course_translations::updated_at.eq(new.updated_at),
        ),
        course_translations::table,
        new,
    )
    .map(drop)
}

/// The topics of some courses: (course id, topic), sorted.
pub fn topics(conn: &mut DbConn, course_ids: &[CourseId]) -> QueryResult<Vec<(CourseId, String)>> {
    course_topics::table
        .filter(any_of(course_topics::course_id, course_ids.iter().copied()))
        .order((course_topics::course_id.asc(), course_topics::topic.asc()))
        .select((course_topics::course_id, course_topics::topic))
        .load(conn)
}

/// Replaces a course's topics.
pub fn set_topics(conn: &mut DbConn, course_id: CourseId, topics: &[String]) -> QueryResult<()> {
    diesel::delete(course_topics::table.filter(course_topics::course_id.eq(course_id)))
        .execute(conn)?;
    for topic in topics {
        diesel::insert_into(course_topics::table)
            .values(&NewCourseTopic {
                course_id,
                topic: topic.clone(),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// A course's owners, by user id.
pub fn owners(conn: &mut DbConn, course_id: CourseId) -> QueryResult<Vec<UserId>> {
    course_owners::table
        .filter(course_owners::course_id.eq(course_id))
        .order(course_owners::user_id.asc())
        .select(course_owners::user_id)
        .load(conn)
}

/// The owners of some courses, by course and user id.
pub fn owners_of(
    conn: &mut DbConn,
    course_ids: &[CourseId],
) -> QueryResult<Vec<(CourseId, UserId)>> {
    course_owners::table
        .filter(any_of(course_owners::course_id, course_ids.iter().copied()))
        .order((course_owners::course_id.asc(), course_owners::user_id.asc()))
        .select((course_owners::course_id, course_owners::user_id))
        .load(conn)
}

/// Whether a user owns a course.
pub fn is_owner(conn: &mut DbConn, course_id: CourseId, user_id: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        course_owners::table
            .filter(course_owners::course_id.eq(course_id))
            .filter(course_owners::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// Makes a user an owner (nothing when they are one already).
pub fn add_owner(conn: &mut DbConn, course_id: CourseId, user_id: UserId) -> QueryResult<()> {
    if !is_owner(conn, course_id, user_id)? {
        diesel::insert_into(course_owners::table)
            .values(&NewCourseOwner { course_id, user_id })
            .execute(conn)?;
    }
    Ok(())
}

/// Removes an owner; how many rows went.
pub fn remove_owner(conn: &mut DbConn, course_id: CourseId, user_id: UserId) -> QueryResult<usize> {
    diesel::delete(
        course_owners::table
            .filter(course_owners::course_id.eq(course_id))
            .filter(course_owners::user_id.eq(user_id)),
    )
    .execute(conn)
}

/// A user's role and status, if the account exists and is not deleted.
pub fn user_role(conn: &mut DbConn, user_id: UserId) -> QueryResult<Option<(String, String)>> {
    users::table
        .find(user_id)
        .filter(users::deleted_at.is_null())
        .select((users::role, users::status))
        .first(conn)
        .optional()
}

/// Whether a user has an active enrolment in a course.
pub fn is_enrolled(conn: &mut DbConn, course_id: CourseId, user_id: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        enrolments::table
            .filter(enrolments::course_id.eq(course_id))
            .filter(enrolments::user_id.eq(user_id))
            .filter(enrolments::deleted_at.is_null()),
    ))
    .get_result(conn)
}

// ---------------------------------------------------------------- modules

/// A course's modules in order (not deleted).
pub fn modules(conn: &mut DbConn, course_id: CourseId) -> QueryResult<Vec<Module>> {
    course_modules::table
        .filter(course_modules::course_id.eq(course_id))
        .filter(course_modules::deleted_at.is_null())
        .order((course_modules::position.asc(), course_modules::id.asc()))
        .select(Module::as_select())
        .load(conn)
}

/// One module that is not deleted.
pub fn find_module(conn: &mut DbConn, id: ModuleId) -> QueryResult<Option<Module>> {
    course_modules::table
        .find(id)
        .filter(course_modules::deleted_at.is_null())
        .select(Module::as_select())
        .first(conn)
        .optional()
}

/// Titles of some modules.
pub fn module_translations(
    conn: &mut DbConn,
    module_ids: &[ModuleId],
) -> QueryResult<Vec<ModuleTranslation>> {
    module_translations::table
        .filter(any_of(
            module_translations::module_id,
            module_ids.iter().copied(),
        ))
        .order((
            module_translations::module_id.asc(),
            module_translations::language.asc(),
        ))
        .select(ModuleTranslation::as_select())
        .load(conn)
}

/// A module's title in one language, if it has one.
pub fn module_title(
    conn: &mut DbConn,
    module_id: ModuleId,
    language: &str,
) -> QueryResult<Option<String>> {
    module_translations::table
        .filter(module_translations::module_id.eq(module_id))
        .filter(module_translations::language.eq(language))
        .select(module_translations::title)
        .first(conn)
        .optional()
}

/// Inserts a module (version 1).
pub fn insert_module(conn: &mut DbConn, new: &NewModule) -> QueryResult<Module> {
    diesel::insert_into(course_modules::table)
        .values(new)
        .returning(course_modules::all_columns)
        .get_result(conn)
}

/// Creates or replaces a module's title in one language.
pub fn upsert_module_translation(conn: &mut DbConn, new: &NewModuleTranslation) -> QueryResult<()> {
    db::update_or_insert!(
        conn,
        module_translations::table
            .filter(module_translations::module_id.eq(new.module_id))
            .filter(module_translations::language.eq(&new.language)),
        module_translations::title.eq(&new.title),
        module_translations::table,
        new,
    )
    .map(drop)
}

/// Sets a module's position: a new version.
pub fn set_module_position(
    conn: &mut DbConn,
    id: ModuleId,
    position: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(course_modules::table.find(id))
        .set((
            course_modules::position.eq(position),
            db::new_version!(course_modules, at),
        ))
        .execute(conn)
        .map(drop)
}

/// Marks a module changed: a new version.
pub fn touch_module(conn: &mut DbConn, id: ModuleId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(course_modules::table.find(id))
        .set(db::new_version!(course_modules, at))
        .execute(conn)
        .map(drop)
}

/// Soft-deletes a module and its lessons.
pub fn delete_module(conn: &mut DbConn, id: ModuleId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(course_modules::table.find(id))
        .set((
            course_modules::deleted_at.eq(Some(at)),
            db::new_version!(course_modules, at),
        ))
        .execute(conn)?;
    diesel::update(
        lessons::table
            .filter(lessons::module_id.eq(id))
            .filter(lessons::deleted_at.is_null()),
    )
    .set((
        lessons::deleted_at.eq(Some(at)),
        db::new_version!(lessons, at),
    ))
    .execute(conn)?;
    Ok(())
}

// ---------------------------------------------------------------- lessons

/// A course's lessons (not deleted), by module then position: the query both
/// [`course_lessons`] and [`outline_lessons`] select from.
#[diesel::dsl::auto_type(no_type_alias)]
fn live_lessons_of(course_id: CourseId) -> _ {
    lessons::table
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::deleted_at.is_null())
        .order((
            lessons::module_id.asc(),
            lessons::position.asc(),
            lessons::id.asc(),
        ))
}

/// A course's lessons (not deleted), by module then position.
pub fn course_lessons(conn: &mut DbConn, course_id: CourseId) -> QueryResult<Vec<Lesson>> {
    live_lessons_of(course_id)
        .select(Lesson::as_select())
        .load(conn)
}

/// A course's lessons (not deleted) as its outline shows them, by module then position.
pub fn outline_lessons(conn: &mut DbConn, course_id: CourseId) -> QueryResult<Vec<OutlineLesson>> {
    live_lessons_of(course_id)
        .select(OutlineLesson::as_select())
        .load(conn)
}

/// The titles of a course's lessons (not deleted), by lesson and language: one statement
/// whatever the number of lessons (an `IN` list is prepared anew for each length).
pub fn outline_lesson_titles(
    conn: &mut DbConn,
    course_id: CourseId,
) -> QueryResult<Vec<(LessonId, String, String)>> {
    lesson_translations::table
        .inner_join(lessons::table)
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::deleted_at.is_null())
        .order((
            lesson_translations::lesson_id.asc(),
            lesson_translations::language.asc(),
        ))
        .select((
            lesson_translations::lesson_id,
            lesson_translations::language,
            lesson_translations::title,
        ))
        .load(conn)
}

/// A module's lessons in order (not deleted).
pub fn module_lessons(conn: &mut DbConn, module_id: ModuleId) -> QueryResult<Vec<Lesson>> {
    lessons::table
        .filter(lessons::module_id.eq(module_id))
        .filter(lessons::deleted_at.is_null())
        .order((lessons::position.asc(), lessons::id.asc()))
        .select(Lesson::as_select())
        .load(conn)
}

/// One lesson that is not deleted, with its course when that is not deleted either: one
/// statement for a lesson's reader.
pub fn find_lesson_and_course(
    conn: &mut DbConn,
    id: LessonId,
) -> QueryResult<Option<(Lesson, Course)>> {
    lessons::table
        .inner_join(courses::table.on(courses::id.eq(lessons::course_id)))
        .filter(lessons::id.eq(id))
        .filter(lessons::deleted_at.is_null())
        .filter(courses::deleted_at.is_null())
        .select((Lesson::as_select(), Course::as_select()))
        .first(conn)
        .optional()
}

/// One lesson that is not deleted.
pub fn find_lesson(conn: &mut DbConn, id: LessonId) -> QueryResult<Option<Lesson>> {
    lessons::table
        .find(id)
        .filter(lessons::deleted_at.is_null())
        .select(Lesson::as_select())
        .first(conn)
        .optional()
}

/// Titles of some lessons: (lesson id, language, title), without the content.
pub fn lesson_titles(
    conn: &mut DbConn,
    lesson_ids: &[LessonId],
) -> QueryResult<Vec<(LessonId, String, String)>> {
    lesson_translations::table
        .filter(any_of(
            lesson_translations::lesson_id,
            lesson_ids.iter().copied(),
        ))
        .order((
            lesson_translations::lesson_id.asc(),
            lesson_translations::language.asc(),
        ))
        .select((
            lesson_translations::lesson_id,
            lesson_translations::language,
            lesson_translations::title,
        ))
        .load(conn)
}

/// Titles and content of some lessons.
pub fn lesson_translations(
    conn: &mut DbConn,
    lesson_ids: &[LessonId],
) -> QueryResult<Vec<LessonTranslation>> {
    lesson_translations::table
        .filter(any_of(
            lesson_translations::lesson_id,
            lesson_ids.iter().copied(),
        ))
        .order((
            lesson_translations::lesson_id.asc(),
            lesson_translations::language.asc(),
        ))
        .select(LessonTranslation::as_select())
        .load(conn)
}

/// A lesson's title and content in one language, if it has them.
pub fn lesson_texts(
    conn: &mut DbConn,
    lesson_id: LessonId,
    language: &str,
) -> QueryResult<Option<(String, String)>> {
    lesson_translations::table
        .filter(lesson_translations::lesson_id.eq(lesson_id))
        .filter(lesson_translations::language.eq(language))
        .select((lesson_translations::title, lesson_translations::content))
        .first(conn)
        .optional()
}

/// Inserts a lesson (version 1).
pub fn insert_lesson(conn: &mut DbConn, new: &NewLesson) -> QueryResult<Lesson> {
    diesel::insert_into(lessons::table)
        .values(new)
        .returning(lessons::all_columns)
        .get_result(conn)
}

/// Changes a lesson and bumps its version.
pub fn update_lesson(
    conn: &mut DbConn,
    id: LessonId,
    changes: &LessonChanges,
) -> QueryResult<Lesson> {
    diesel::update(lessons::table.find(id))
        .set((changes, lessons::version.eq(lessons::version + 1)))
        .returning(lessons::all_columns)
        .get_result(conn)
}

/// Marks a lesson changed (its texts changed): a new version.
pub fn touch_lesson(conn: &mut DbConn, id: LessonId, at: NaiveDateTime) -> QueryResult<Lesson> {
    diesel::update(lessons::table.find(id))
        .set(db::new_version!(lessons, at))
        .returning(lessons::all_columns)
        .get_result(conn)
}

/// Sets a lesson's position: a new version.
pub fn set_lesson_position(
    conn: &mut DbConn,
    id: LessonId,
    position: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(lessons::table.find(id))
        .set((
            lessons::position.eq(position),
            db::new_version!(lessons, at),
        ))
        .execute(conn)
        .map(drop)
}

/// Soft-deletes a lesson.
pub fn delete_lesson(conn: &mut DbConn, id: LessonId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(lessons::table.find(id))
        .set((
            lessons::deleted_at.eq(Some(at)),
            db::new_version!(lessons, at),
        ))
        .execute(conn)
        .map(drop)
}

/// Creates or replaces a lesson's texts in one language.
pub fn upsert_lesson_translation(conn: &mut DbConn, new: &NewLessonTranslation) -> QueryResult<()> {
    db::update_or_insert!(
        conn,
        lesson_translations::table
            .filter(lesson_translations::lesson_id.eq(new.lesson_id))
            .filter(lesson_translations::language.eq(&new.language)),
        (
            lesson_translations::title.eq(&new.title),
            lesson_translations::content.eq(&new.content),
        ),
        lesson_translations::table,
        new,
    )
    .map(drop)
}

/// Where a page of a course's lessons starts: after this lesson, in the list's order.
#[derive(Debug, Clone, Copy)]
pub enum LessonsAfter {
    /// In id order.
    Id(LessonId),
    /// In change order (with `since`).
    Changed(NaiveDateTime, LessonId),
}

/// One page of a course's lessons for sync: by change time when `since` is given (with
/// the deleted ones when `with_deleted`), else by id.
pub fn sync_lessons(
    conn: &mut DbConn,
    course_id: CourseId,
    since: Option<NaiveDateTime>,
    with_deleted: bool,
    after: Option<LessonsAfter>,
    limit: i64,
) -> QueryResult<Vec<Lesson>> {
    let mut q = lessons::table
        .filter(lessons::course_id.eq(course_id))
        .select(Lesson::as_select())
        .into_boxed();
    if !(with_deleted && since.is_some()) {
        q = q.filter(lessons::deleted_at.is_null());
    }
    if let Some(since) = since {
        q = q.filter(lessons::updated_at.ge(since));
    }
    match after {
        Some(LessonsAfter::Changed(at, id)) => {
            q = q.filter(
                lessons::updated_at
                    .gt(at)
                    .or(lessons::updated_at.eq(at).and(lessons::id.gt(id))),
            );
        }
        Some(LessonsAfter::Id(id)) => q = q.filter(lessons::id.gt(id)),
        None => {}
    }
    q = if since.is_some() {
        q.order((lessons::updated_at.asc(), lessons::id.asc()))
    } else {
        q.order(lessons::id.asc())
    };
    q.limit(limit).load(conn)
}

// ---------------------------------------------------------------- catalogue

/// Orders of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueOrder {
    /// `created_at` descending (drafts).
    Newest,
    /// `published_at` descending (published and archived courses, which all have one).
    NewestPublished,
    /// Default-language title ascending.
    Title,
    /// `enrolment_count` descending.
    Popular,
    /// `updated_at` ascending (sync).
    Updated,
}

/// Filters of the catalogue.
#[derive(Debug, Clone)]
pub struct CatalogueFilter {
    pub status: CourseStatus,
    /// Only courses this user owns (drafts and archived courses of a trainer).
    pub owner: Option<UserId>,
    pub topic: Option<String>,
    pub language: Option<String>,
    pub level: Option<Level>,
    pub format: Option<Format>,
    /// Lower-cased search text.
    pub q: Option<String>,
    /// The language `q` searches (else each course's default language).
    pub q_language: Option<String>,
    pub since: Option<NaiveDateTime>,
    /// With `since`: also rows that are deleted or no longer in `status`.
    pub with_removed: bool,
}

/// The sort value of the last row of the previous page, as the order needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    /// `Newest`, `NewestPublished`, `Updated`.
    Time(NaiveDateTime),
    /// `Title`.
    Title(String),
    /// `Popular`.
    Count(i32),
}

/// Where a catalogue page starts: after the row with this rank (under `q`), sort value
/// and id.
#[derive(Debug, Clone)]
pub struct CatalogueAfter {
    pub rank: i32,
    pub value: SortValue,
    pub id: CourseId,
}

/// One catalogue row: the course and its default-language title.
pub type CatalogueRow = (Course, String);

/// The courses of the catalogue joined with their default-language texts, boxed.
type CatalogueQuery = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::InnerJoinOn<
        courses::table,
        course_translations::table,
        diesel::dsl::And<
            diesel::dsl::Eq<course_translations::course_id, courses::id>,
            diesel::dsl::Eq<course_translations::language, courses::default_language>,
        >,
    >,
    <DbConn as diesel::Connection>::Backend,
>;

/// One page of the catalogue after `after`: its rows. See [`catalogue_query`].
pub fn catalogue(
    conn: &mut DbConn,
    filter: &CatalogueFilter,
    order: CatalogueOrder,
    after: Option<&CatalogueAfter>,
    limit: i64,
) -> QueryResult<Vec<CatalogueRow>> {
    catalogue_query(filter, order, after, limit)
        .select((Course::as_select(), course_translations::title))
        .load(conn)
}

/// The same page's courses and their versions only: what a kept page was made from.
pub fn catalogue_versions(
    conn: &mut DbConn,
    filter: &CatalogueFilter,
    order: CatalogueOrder,
    after: Option<&CatalogueAfter>,
    limit: i64,
) -> QueryResult<Vec<(CourseId, i64)>> {
    catalogue_query(filter, order, after, limit)
        .select((courses::id, courses::version))
        .load(conn)
}

/// One page of the catalogue after `after`. With `q` (and not in sync order), courses whose
/// title matches come first (rank 1, then 0); `after` carries the rank of the last row. A
/// sort value that does not fit the order matches nothing.
fn catalogue_query(
    filter: &CatalogueFilter,
    order: CatalogueOrder,
    after: Option<&CatalogueAfter>,
    limit: i64,
) -> CatalogueQuery {
    use CatalogueOrder::*;
    // `q` is matched against the course's texts in the reader's language, or in its default
    // language when it has none in that one. An empty language matches no translation, so
    // every course falls back to its default language.
    let lang = filter.q_language.clone().unwrap_or_default();
    // `fil-PH` also searches `fil`, as the texts shown would be.
    let primary = search_languages(&lang).1;
    let exists_match = |pattern: String| {
        sql::<Bool>(
            "EXISTS (SELECT 1 FROM course_translations t WHERE t.course_id = courses.id \
             AND t.search_text LIKE ",
        )
        .bind::<Text, _>(pattern)
        .sql(" ESCAPE '\\' AND (t.language IN (")
        .bind::<Text, _>(lang.clone())
        .sql(", ")
        .bind::<Text, _>(primary.clone())
        .sql(
            ") OR (t.language = courses.default_language AND NOT EXISTS (SELECT 1 FROM \
             course_translations t2 WHERE t2.course_id = courses.id AND t2.language IN (",
        )
        .bind::<Text, _>(lang.clone())
        .sql(", ")
        .bind::<Text, _>(primary.clone())
        .sql(")))))")
    };
    let q_pattern = filter.q.as_deref().map(like_contains);
    // The title is the first line of `search_text`: a match followed by the line break.
    let title_pattern = q_pattern
        .as_ref()
        .map(|p| format!("{p}\n%"))
        .unwrap_or_default();
    let rank = || {
        sql::<Integer>(
            "(CASE WHEN EXISTS (SELECT 1 FROM course_translations t WHERE t.course_id = courses.id \
             AND t.search_text LIKE ",
        )
        .bind::<Text, _>(title_pattern.clone())
        .sql(" ESCAPE '\\' AND (t.language IN (")
        .bind::<Text, _>(lang.clone())
        .sql(", ")
        .bind::<Text, _>(primary.clone())
        .sql(
            ") OR (t.language = courses.default_language AND NOT EXISTS (SELECT 1 FROM \
             course_translations t2 WHERE t2.course_id = courses.id AND t2.language IN (",
        )
        .bind::<Text, _>(lang.clone())
        .sql(", ")
        .bind::<Text, _>(primary.clone())
        .sql("))))) THEN 1 ELSE 0 END)")
    };
    let ranked = q_pattern.is_some() && order != Updated;

    let mut q = courses::table
        .inner_join(
            course_translations::table.on(course_translations::course_id
                .eq(courses::id)
                .and(course_translations::language.eq(courses::default_language))),
        )
        .into_boxed();
    if !(filter.with_removed && filter.since.is_some()) {
        q = q
            .filter(courses::status.eq(filter.status))
            .filter(courses::deleted_at.is_null());
    } else if filter.status == CourseStatus::Published {
        // Tombstones only for courses that were ever in the catalogue.
        q = q.filter(courses::published_at.is_not_null());
    }
    if let Some(owner) = filter.owner {
        q = q.filter(
            courses::id.eq_any(
                course_owners::table
                    .filter(course_owners::user_id.eq(owner))
                    .select(course_owners::course_id),
            ),
        );
    }
    if let Some(topic) = &filter.topic {
        q = q.filter(
            courses::id.eq_any(
                course_topics::table
                    .filter(course_topics::topic.eq(topic.clone()))
                    .select(course_topics::course_id),
            ),
        );
    }
    if let Some(language) = &filter.language {
        q = q.filter(
            sql::<Bool>(
                "EXISTS (SELECT 1 FROM course_translations l WHERE l.course_id = courses.id \
                 AND l.language = ",
            )
            .bind::<Text, _>(language.clone())
            .sql(")"),
        );
    }
    if let Some(level) = filter.level {
        q = q.filter(courses::level.eq(level));
    }
    if let Some(format) = filter.format {
        q = q.filter(courses::format.eq(format));
    }
    if let Some(pattern) = &q_pattern {
        q = q.filter(exists_match(pattern.clone()));
    }
    if let Some(since) = filter.since {
        q = q.filter(courses::updated_at.ge(since));
    }
    if let Some(CatalogueAfter { rank: r, value, id }) = after {
        let (r, id) = (*r, *id);
        macro_rules! keyset {
            ($cond:expr) => {
                if ranked {
                    q.filter(rank().lt(r).or(rank().eq(r).and($cond)))
                } else {
                    q.filter($cond)
                }
            };
        }
        q = match (order, value.clone()) {
            (Newest, SortValue::Time(at)) => keyset!(
                courses::created_at
                    .lt(at)
                    .or(courses::created_at.eq(at).and(courses::id.lt(id)))
            ),
            (NewestPublished, SortValue::Time(at)) => keyset!(
                courses::published_at
                    .lt(at)
                    .or(courses::published_at.eq(at).and(courses::id.lt(id)))
            ),
            (Title, SortValue::Title(title)) => keyset!(
                course_translations::title
                    .gt(title.clone())
                    .or(course_translations::title.eq(title).and(courses::id.gt(id)))
            ),
            (Popular, SortValue::Count(n)) => keyset!(
                courses::enrolment_count
                    .lt(n)
                    .or(courses::enrolment_count.eq(n).and(courses::id.lt(id)))
            ),
            (Updated, SortValue::Time(at)) => q.filter(
                courses::updated_at
                    .gt(at)
                    .or(courses::updated_at.eq(at).and(courses::id.gt(id))),
            ),
            _ => q.filter(sql::<Bool>("1 = 0")),
        };
    }
    if ranked {
        q = q.order_by(rank().desc());
    }
    q = match order {
        Newest => q.then_order_by((courses::created_at.desc(), courses::id.desc())),
        NewestPublished => q.then_order_by((courses::published_at.desc(), courses::id.desc())),
        Title => q.then_order_by((course_translations::title.asc(), courses::id.asc())),
        Popular => q.then_order_by((courses::enrolment_count.desc(), courses::id.desc())),
        Updated => q.then_order_by((courses::updated_at.asc(), courses::id.asc())),
    };
    q.limit(limit)
}

/// The languages `q` searches for a reader language: the tag itself and its primary
/// language (`fil-PH` → `fil-PH`, `fil`).
pub fn search_languages(tag: &str) -> (String, String) {
    (
        tag.to_owned(),
        tag.split('-').next().unwrap_or(tag).to_owned(),
    )
}

/// The sort value of a row under `order`.
pub fn sort_value(course: &Course, title: &str, order: CatalogueOrder) -> SortValue {
    match order {
        CatalogueOrder::Newest => SortValue::Time(course.created_at),
        CatalogueOrder::NewestPublished => {
            SortValue::Time(course.published_at.unwrap_or(course.created_at))
        }
        CatalogueOrder::Title => SortValue::Title(title.to_owned()),
        CatalogueOrder::Popular => SortValue::Count(course.enrolment_count),
        CatalogueOrder::Updated => SortValue::Time(course.updated_at),
    }
}

// ---------------------------------------------------------------- bulk inserts (seeding)

/// Inserts many modules. PostgreSQL takes them in one statement; SQLite, which has no
/// `DEFAULT` in multi-row inserts, one by one (cheap in one transaction).
pub fn insert_modules(conn: &mut DbConn, rows: &[NewModule]) -> QueryResult<Vec<Module>> {
    match conn {
        DbConn::Sqlite(_) => rows.iter().map(|r| insert_module(conn, r)).collect(),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => diesel::insert_into(course_modules::table)
            .values(rows)
            .returning(course_modules::all_columns)
            .get_results(pg),
    }
}

/// Inserts many module titles.
pub fn insert_module_translations(
    conn: &mut DbConn,
    rows: &[NewModuleTranslation],
) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(sqlite) => {
            for r in rows {
                diesel::insert_into(module_translations::table)
                    .values(r)
                    .execute(sqlite)?;
            }
            Ok(())
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => diesel::insert_into(module_translations::table)
            .values(rows)
            .execute(pg)
            .map(drop),
    }
}

/// Inserts many lessons.
pub fn insert_lessons(conn: &mut DbConn, rows: &[NewLesson]) -> QueryResult<Vec<Lesson>> {
    match conn {
        DbConn::Sqlite(_) => rows.iter().map(|r| insert_lesson(conn, r)).collect(),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => diesel::insert_into(lessons::table)
            .values(rows)
            .returning(lessons::all_columns)
            .get_results(pg),
    }
}

/// Inserts many lesson texts.
pub fn insert_lesson_translations(
    conn: &mut DbConn,
    rows: &[NewLessonTranslation],
) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(sqlite) => {
            for r in rows {
                diesel::insert_into(lesson_translations::table)
                    .values(r)
                    .execute(sqlite)?;
            }
            Ok(())
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => diesel::insert_into(lesson_translations::table)
            .values(rows)
            .execute(pg)
            .map(drop),
    }
}
