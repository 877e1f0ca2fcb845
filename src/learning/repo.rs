//! Queries on enrolments, completions and certificates, and the course tables they read.
//!
//! Courses, modules and lessons are read straight from their tables here (not through
//! the courses domain), so that learning depends only on the schema.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    certificates, course_modules, course_owners, course_translations, courses, enrolments,
    lesson_completions, lesson_translations, lessons, module_translations, users,
};
use crate::learning::model::{
    Certificate, Completion, CourseState, Enrolment, LessonRef, NewCertificate, NewCompletion,
    NewEnrolment,
};

/// A live (not deleted) course, whatever its status.
pub fn course_state(conn: &mut DbConn, id: i64) -> QueryResult<Option<CourseState>> {
    courses::table
        .filter(courses::id.eq(id))
        .filter(courses::deleted_at.is_null())
        .select((
            courses::id,
            courses::slug,
            courses::default_language,
            courses::format,
            courses::status,
            courses::capacity,
        ))
        .first(conn)
        .optional()
}

/// Live courses by id.
pub fn course_states(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<CourseState>> {
    courses::table
        .filter(courses::id.eq_any(ids.to_vec()))
        .filter(courses::deleted_at.is_null())
        .select((
            courses::id,
            courses::slug,
            courses::default_language,
            courses::format,
            courses::status,
            courses::capacity,
        ))
        .load(conn)
}

/// Holds the course's row until the transaction ends, so that two enrolments cannot both
/// take the last place. SQLite needs nothing: its write transactions hold the database.
#[cfg_attr(
    not(feature = "postgres"),
    expect(unused_variables, reason = "only PostgreSQL locks single rows")
)]
pub fn lock_course(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(_) => Ok(()),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => {
            courses::table
                .find(id)
                .select(courses::id)
                .for_update()
                .first::<i64>(pg)
                .optional()?;
            Ok(())
        }
    }
}

/// Whether `user_id` owns the course.
pub fn is_owner(conn: &mut DbConn, course_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        course_owners::table
            .filter(course_owners::course_id.eq(course_id))
            .filter(course_owners::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// A member's enrolment row in a course, active or not. With `lock`, the row is held until
/// the transaction ends (PostgreSQL), so that concurrent completions of one learner in one
/// course run one after the other and the last one sees the others' lessons.
pub fn find_enrolment(
    conn: &mut DbConn,
    course_id: i64,
    user_id: i64,
    lock: bool,
) -> QueryResult<Option<Enrolment>> {
    #[cfg(feature = "postgres")]
    if lock && let DbConn::Pg(pg) = conn {
        return enrolments::table
            .filter(enrolments::course_id.eq(course_id))
            .filter(enrolments::user_id.eq(user_id))
            .for_update()
            .first(pg)
            .optional();
    }
    let _ = lock;
    enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::user_id.eq(user_id))
        .first(conn)
        .optional()
}

/// A member's active enrolments among `course_ids`.
pub fn active_enrolments_in(
    conn: &mut DbConn,
    user_id: i64,
    course_ids: &[i64],
) -> QueryResult<Vec<Enrolment>> {
    enrolments::table
        .filter(enrolments::user_id.eq(user_id))
        .filter(enrolments::course_id.eq_any(course_ids.to_vec()))
        .filter(enrolments::deleted_at.is_null())
        .load(conn)
}

/// Stores a new enrolment.
pub fn insert_enrolment(conn: &mut DbConn, new: &NewEnrolment) -> QueryResult<Enrolment> {
    diesel::insert_into(enrolments::table)
        .values(new)
        .returning(enrolments::all_columns)
        .get_result(conn)
}

/// Enrols again a member who had unenrolled: the enrolment starts anew.
pub fn revive_enrolment(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<Enrolment> {
    diesel::update(enrolments::table.find(id))
        .set((
            enrolments::deleted_at.eq(None::<NaiveDateTime>),
            enrolments::created_at.eq(at),
            enrolments::updated_at.eq(at),
        ))
        .returning(enrolments::all_columns)
        .get_result(conn)
}

/// Marks an enrolment as ended (a tombstone for syncing apps).
pub fn end_enrolment(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(enrolments::table.find(id))
        .set((
            enrolments::deleted_at.eq(Some(at)),
            enrolments::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Sets or clears when the enrolment was completed.
pub fn set_enrolment_completed(
    conn: &mut DbConn,
    id: i64,
    completed_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(enrolments::table.find(id))
        .set((
            enrolments::completed_at.eq(completed_at),
            enrolments::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Recounts a course's active enrolments into `courses.enrolment_count`; returns the count.
pub fn refresh_enrolment_count(conn: &mut DbConn, course_id: i64) -> QueryResult<i64> {
    let count: i64 = enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::deleted_at.is_null())
        .count()
        .get_result(conn)?;
    diesel::update(courses::table.find(course_id))
        .set(courses::enrolment_count.eq(i32::try_from(count).unwrap_or(i32::MAX)))
        .execute(conn)?;
    Ok(count)
}

/// How many members are enrolled in a course now.
pub fn count_active_enrolments(conn: &mut DbConn, course_id: i64) -> QueryResult<i64> {
    enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::deleted_at.is_null())
        .count()
        .get_result(conn)
}

/// Order of the caller's enrolment list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolmentOrder {
    UpdatedAsc,
    UpdatedDesc,
}

/// One page of a member's enrolments, by `updated_at` then id. Without `since`, only the
/// active ones; with it, every row changed at or after `since`, ended ones included.
pub fn list_my_enrolments(
    conn: &mut DbConn,
    user_id: i64,
    since: Option<NaiveDateTime>,
    order: EnrolmentOrder,
    after: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> QueryResult<Vec<Enrolment>> {
    let mut query = enrolments::table
        .filter(enrolments::user_id.eq(user_id))
        .into_boxed();
    match since {
        Some(since) => query = query.filter(enrolments::updated_at.ge(since)),
        None => query = query.filter(enrolments::deleted_at.is_null()),
    }
    if let Some((at, id)) = after {
        query = match order {
            EnrolmentOrder::UpdatedAsc => query.filter(
                enrolments::updated_at
                    .gt(at)
                    .or(enrolments::updated_at.eq(at).and(enrolments::id.gt(id))),
            ),
            EnrolmentOrder::UpdatedDesc => query.filter(
                enrolments::updated_at
                    .lt(at)
                    .or(enrolments::updated_at.eq(at).and(enrolments::id.lt(id))),
            ),
        };
    }
    query = match order {
        EnrolmentOrder::UpdatedAsc => {
            query.order((enrolments::updated_at.asc(), enrolments::id.asc()))
        }
        EnrolmentOrder::UpdatedDesc => {
            query.order((enrolments::updated_at.desc(), enrolments::id.desc()))
        }
    };
    query.limit(limit).load(conn)
}

/// One page of a course's active enrolments with the members' display names, by enrolment id.
pub fn list_course_enrolments(
    conn: &mut DbConn,
    course_id: i64,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(Enrolment, String)>> {
    let mut query = enrolments::table
        .inner_join(users::table.on(users::id.eq(enrolments::user_id)))
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::deleted_at.is_null())
        .select((enrolments::all_columns, users::display_name))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(enrolments::id.gt(after));
    }
    query.order(enrolments::id.asc()).limit(limit).load(conn)
}

/// The course of a live lesson in a live module, if there is one.
pub fn lesson_course(conn: &mut DbConn, lesson_id: i64) -> QueryResult<Option<i64>> {
    lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::id.eq(lesson_id))
        .filter(lessons::deleted_at.is_null())
        .filter(course_modules::deleted_at.is_null())
        .select(lessons::course_id)
        .first(conn)
        .optional()
}

/// The courses of the live lessons among `lesson_ids`: (lesson id, course id).
pub fn lesson_courses(conn: &mut DbConn, lesson_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::id.eq_any(lesson_ids.to_vec()))
        .filter(lessons::deleted_at.is_null())
        .filter(course_modules::deleted_at.is_null())
        .select((lessons::id, lessons::course_id))
        .load(conn)
}

/// The live lessons of a course, in outline order (module position, then lesson position).
pub fn course_lessons(conn: &mut DbConn, course_id: i64) -> QueryResult<Vec<LessonRef>> {
    lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::deleted_at.is_null())
        .filter(course_modules::deleted_at.is_null())
        .select((
            lessons::id,
            lessons::module_id,
            course_modules::position,
            lessons::position,
            lessons::required,
        ))
        .order((
            course_modules::position.asc(),
            course_modules::id.asc(),
            lessons::position.asc(),
            lessons::id.asc(),
        ))
        .load(conn)
}

/// The kinds of lessons: (lesson id, kind).
pub fn lesson_kinds(conn: &mut DbConn, lesson_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    lessons::table
        .filter(lessons::id.eq_any(lesson_ids.to_vec()))
        .select((lessons::id, lessons::kind))
        .load(conn)
}

/// A member's completions in a course: (lesson id, completed at).
pub fn completions_of(
    conn: &mut DbConn,
    user_id: i64,
    course_id: i64,
) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    lesson_completions::table
        .filter(lesson_completions::user_id.eq(user_id))
        .filter(lesson_completions::course_id.eq(course_id))
        .select((
            lesson_completions::lesson_id,
            lesson_completions::completed_at,
        ))
        .load(conn)
}

/// A member's completions among `lesson_ids`: (lesson id, completed at).
pub fn completions_among(
    conn: &mut DbConn,
    user_id: i64,
    lesson_ids: &[i64],
) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    lesson_completions::table
        .filter(lesson_completions::user_id.eq(user_id))
        .filter(lesson_completions::lesson_id.eq_any(lesson_ids.to_vec()))
        .select((
            lesson_completions::lesson_id,
            lesson_completions::completed_at,
        ))
        .load(conn)
}

/// One completion.
pub fn find_completion(
    conn: &mut DbConn,
    user_id: i64,
    lesson_id: i64,
) -> QueryResult<Option<Completion>> {
    lesson_completions::table
        .filter(lesson_completions::user_id.eq(user_id))
        .filter(lesson_completions::lesson_id.eq(lesson_id))
        .first(conn)
        .optional()
}

/// Stores one completion.
pub fn insert_completion(conn: &mut DbConn, new: &NewCompletion) -> QueryResult<Completion> {
    diesel::insert_into(lesson_completions::table)
        .values(new)
        .returning(lesson_completions::all_columns)
        .get_result(conn)
}

/// Removes one completion; returns how many rows went.
pub fn delete_completion(conn: &mut DbConn, user_id: i64, lesson_id: i64) -> QueryResult<usize> {
    diesel::delete(
        lesson_completions::table
            .filter(lesson_completions::user_id.eq(user_id))
            .filter(lesson_completions::lesson_id.eq(lesson_id)),
    )
    .execute(conn)
}

/// Titles of courses: (course id, language, title).
pub fn course_titles(
    conn: &mut DbConn,
    course_ids: &[i64],
) -> QueryResult<Vec<(i64, String, String)>> {
    course_translations::table
        .filter(course_translations::course_id.eq_any(course_ids.to_vec()))
        .select((
            course_translations::course_id,
            course_translations::language,
            course_translations::title,
        ))
        .load(conn)
}

/// Titles of modules: (module id, language, title).
pub fn module_titles(
    conn: &mut DbConn,
    module_ids: &[i64],
) -> QueryResult<Vec<(i64, String, String)>> {
    module_translations::table
        .filter(module_translations::module_id.eq_any(module_ids.to_vec()))
        .select((
            module_translations::module_id,
            module_translations::language,
            module_translations::title,
        ))
        .load(conn)
}

/// Titles of lessons: (lesson id, language, title).
pub fn lesson_titles(
    conn: &mut DbConn,
    lesson_ids: &[i64],
) -> QueryResult<Vec<(i64, String, String)>> {
    lesson_translations::table
        .filter(lesson_translations::lesson_id.eq_any(lesson_ids.to_vec()))
        .select((
            lesson_translations::lesson_id,
            lesson_translations::language,
            lesson_translations::title,
        ))
        .load(conn)
}

/// A member's display name and preferred language.
pub fn holder(conn: &mut DbConn, user_id: i64) -> QueryResult<(String, String)> {
    users::table
        .find(user_id)
        .select((users::display_name, users::preferred_language))
        .first(conn)
}

/// A member's certificate for a course, revoked or not.
pub fn find_certificate(
    conn: &mut DbConn,
    user_id: i64,
    course_id: i64,
) -> QueryResult<Option<Certificate>> {
    certificates::table
        .filter(certificates::user_id.eq(user_id))
        .filter(certificates::course_id.eq(course_id))
        .first(conn)
        .optional()
}

/// A certificate by its verification code.
pub fn find_certificate_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Certificate>> {
    certificates::table
        .filter(certificates::code.eq(code))
        .first(conn)
        .optional()
}

/// Stores a certificate.
pub fn insert_certificate(conn: &mut DbConn, new: &NewCertificate) -> QueryResult<Certificate> {
    diesel::insert_into(certificates::table)
        .values(new)
        .returning(certificates::all_columns)
        .get_result(conn)
}

/// Revokes a certificate.
pub fn revoke_certificate(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<Certificate> {
    diesel::update(certificates::table.find(id))
        .set((
            certificates::revoked_at.eq(Some(at)),
            certificates::revoked_reason.eq(Some(reason)),
        ))
        .returning(certificates::all_columns)
        .get_result(conn)
}

/// One page of a member's certificates, newest first (by id).
pub fn list_my_certificates(
    conn: &mut DbConn,
    user_id: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Certificate>> {
    let mut query = certificates::table
        .filter(certificates::user_id.eq(user_id))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(certificates::id.lt(before));
    }
    query.order(certificates::id.desc()).limit(limit).load(conn)
}

/// Rows for bulk inserts (seeding): several rows per statement, per backend.
pub fn insert_enrolments_bulk(conn: &mut DbConn, rows: &[NewEnrolment]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in rows.chunks(1000) {
        n += match conn {
            DbConn::Sqlite(c) => diesel::insert_into(enrolments::table)
                .values(chunk)
                .execute(c)?,
            #[cfg(feature = "postgres")]
            DbConn::Pg(c) => diesel::insert_into(enrolments::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(n)
}

/// Completions in bulk (seeding): several rows per statement, per backend.
pub fn insert_completions_bulk(conn: &mut DbConn, rows: &[NewCompletion]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in rows.chunks(1000) {
        n += match conn {
            DbConn::Sqlite(c) => diesel::insert_into(lesson_completions::table)
                .values(chunk)
                .execute(c)?,
            #[cfg(feature = "postgres")]
            DbConn::Pg(c) => diesel::insert_into(lesson_completions::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(n)
}

/// Certificates in bulk (seeding).
pub fn insert_certificates_bulk(conn: &mut DbConn, rows: &[NewCertificate]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in rows.chunks(500) {
        n += match conn {
            DbConn::Sqlite(c) => diesel::insert_into(certificates::table)
                .values(chunk)
                .execute(c)?,
            #[cfg(feature = "postgres")]
            DbConn::Pg(c) => diesel::insert_into(certificates::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(n)
}

/// Recounts every course's active enrolments (seeding).
pub fn refresh_all_enrolment_counts(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE courses SET enrolment_count = (SELECT COUNT(*) FROM enrolments e \
         WHERE e.course_id = courses.id AND e.deleted_at IS NULL)",
    )
    .execute(conn)
}

/// Published self-paced live courses, by id (seeding).
pub fn open_course_ids(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    courses::table
        .filter(courses::deleted_at.is_null())
        .filter(courses::status.eq(crate::learning::model::PUBLISHED))
        .filter(courses::format.eq(crate::learning::model::SELF_PACED))
        .select(courses::id)
        .order(courses::id.asc())
        .load(conn)
}

/// The live lessons of several courses, each course in outline order (seeding).
pub fn lessons_of_courses(
    conn: &mut DbConn,
    course_ids: &[i64],
) -> QueryResult<Vec<(i64, LessonRef)>> {
    let rows: Vec<(i64, i64, i64, i32, i32, bool)> = lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::course_id.eq_any(course_ids.to_vec()))
        .filter(lessons::deleted_at.is_null())
        .filter(course_modules::deleted_at.is_null())
        .select((
            lessons::course_id,
            lessons::id,
            lessons::module_id,
            course_modules::position,
            lessons::position,
            lessons::required,
        ))
        .order((
            lessons::course_id.asc(),
            course_modules::position.asc(),
            course_modules::id.asc(),
            lessons::position.asc(),
            lessons::id.asc(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(course_id, id, module_id, module_position, position, required)| {
                (
                    course_id,
                    LessonRef {
                        id,
                        module_id,
                        module_position,
                        position,
                        required,
                    },
                )
            },
        )
        .collect())
}

/// Every enrolment pair (seeding): (course id, user id).
pub fn enrolment_pairs_of(conn: &mut DbConn, user_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for chunk in user_ids.chunks(5000) {
        out.extend(
            enrolments::table
                .filter(enrolments::user_id.eq_any(chunk.to_vec()))
                .select((enrolments::course_id, enrolments::user_id))
                .load::<(i64, i64)>(conn)?,
        );
    }
    Ok(out)
}
