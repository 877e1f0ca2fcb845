//! Queries on enrolments, completions and certificates, and the course tables they read.
//!
//! Courses, modules and lessons are read straight from their tables here (not through
//! the courses domain), so that learning depends only on the schema.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::courses::model::{CourseStatus, Format, LessonKind};
use crate::db::schema::{
    certificates, course_modules, course_translations, courses, enrolments, lesson_completions,
    lesson_translations, lessons, module_translations, users,
};
use crate::db::sql::Sql;
use crate::db::{self, DbConn, any_of};
use crate::learning::model::{
    Certificate, Completion, CourseState, Enrolment, EnrolmentSort, LessonRef, NewCertificate,
    NewCompletion, NewEnrolment,
};
use crate::types::{CertificateId, CohortId, CourseId, EnrolmentId, LessonId, ModuleId, UserId};

/// A course row as stored, before its vocabularies are read.
#[derive(Queryable, Selectable)]
#[diesel(table_name = courses)]
struct CourseRow {
    id: CourseId,
    slug: String,
    default_language: String,
    format: String,
    status: String,
    capacity: Option<i32>,
    version: i64,
}

/// `value`, or a deserialisation error naming the unknown stored `raw` (an opaque 500,
/// logged): a bad stored value is never read as a default.
fn known<T>(value: Option<T>, what: &str, raw: &str) -> QueryResult<T> {
    value.ok_or_else(|| {
        diesel::result::Error::DeserializationError(format!("unknown stored {what} `{raw}`").into())
    })
}

impl TryFrom<CourseRow> for CourseState {
    type Error = diesel::result::Error;

    fn try_from(row: CourseRow) -> QueryResult<Self> {
        Ok(Self {
            format: known(Format::parse(&row.format), "course format", &row.format)?,
            status: known(
                CourseStatus::parse(&row.status),
                "course status",
                &row.status,
            )?,
            id: row.id,
            slug: row.slug,
            default_language: row.default_language,
            capacity: row.capacity,
            version: row.version,
        })
    }
}

/// The version of everything a learner's view of a course shows of it: the course's own
/// version plus those of its modules and lessons, deleted ones included (a deletion bumps
/// its row's version), so that any change to the course's texts or structure changes it.
pub fn content_version(conn: &mut DbConn, course_id: CourseId) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        version: i64,
    }
    // One statement (it was three round trips); PostgreSQL sums BIGINTs as NUMERIC, hence
    // the casts. No row: the course does not exist.
    let id = course_id.get();
    Sql::new(
        "SELECT c.version \
           + CAST(COALESCE((SELECT SUM(m.version) FROM course_modules m WHERE m.course_id = ?), 0) AS BIGINT) \
           + CAST(COALESCE((SELECT SUM(l.version) FROM lessons l WHERE l.course_id = ?), 0) AS BIGINT) \
           AS version FROM courses c WHERE c.id = ?",
    )
    .bind_i64(id)
    .bind_i64(id)
    .bind_i64(id)
    .load::<Version>(conn)?
    .into_iter()
    .next()
    .map(|v| v.version)
    .ok_or(diesel::result::Error::NotFound)
}

/// A live (not deleted) course, whatever its status.
pub fn course_state(conn: &mut DbConn, id: CourseId) -> QueryResult<Option<CourseState>> {
    courses::table
        .filter(courses::id.eq(id))
        .filter(courses::deleted_at.is_null())
        .select(CourseRow::as_select())
        .first(conn)
        .optional()?
        .map(CourseState::try_from)
        .transpose()
}

/// Live courses by id.
pub fn course_states(conn: &mut DbConn, ids: &[CourseId]) -> QueryResult<Vec<CourseState>> {
    courses::table
        .filter(any_of(courses::id, ids.iter().copied()))
        .filter(courses::deleted_at.is_null())
        .select(CourseRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CourseState::try_from)
        .collect()
}

/// A member's enrolment row in a course, active or not. With `lock`, the row is held until
/// the transaction ends (PostgreSQL), so that concurrent completions of one learner in one
/// course run one after the other and the last one sees the others' lessons.
pub fn find_enrolment(
    conn: &mut DbConn,
    course_id: CourseId,
    user_id: UserId,
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

/// Stores a new enrolment.
pub fn insert_enrolment(conn: &mut DbConn, new: &NewEnrolment) -> QueryResult<Enrolment> {
    diesel::insert_into(enrolments::table)
        .values(new)
        .returning(enrolments::all_columns)
        .get_result(conn)
}

/// Enrols again a member who had unenrolled: the enrolment starts anew.
pub fn revive_enrolment(
    conn: &mut DbConn,
    id: EnrolmentId,
    at: NaiveDateTime,
) -> QueryResult<Enrolment> {
    diesel::update(enrolments::table.find(id))
        .set((
            enrolments::deleted_at.eq(None::<NaiveDateTime>),
            enrolments::created_at.eq(at),
            enrolments::updated_at.eq(at),
            enrolments::version.eq(enrolments::version + 1),
        ))
        .returning(enrolments::all_columns)
        .get_result(conn)
}

/// Marks an enrolment as ended (a tombstone for syncing apps).
pub fn end_enrolment(conn: &mut DbConn, id: EnrolmentId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(enrolments::table.find(id))
        .set((
            enrolments::deleted_at.eq(Some(at)),
            enrolments::updated_at.eq(at),
            enrolments::version.eq(enrolments::version + 1),
        ))
        .execute(conn)
}

/// Sets or clears when the enrolment was completed.
pub fn set_enrolment_completed(
    conn: &mut DbConn,
    id: EnrolmentId,
    completed_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(enrolments::table.find(id))
        .set((
            enrolments::completed_at.eq(completed_at),
            enrolments::updated_at.eq(at),
            enrolments::version.eq(enrolments::version + 1),
        ))
        .execute(conn)
}

/// A new version of the learner's record in the course, after their lessons changed
/// (`updated_at` stays: it dates the enrolment itself, which `updated_since` syncs).
pub fn bump_enrolment(conn: &mut DbConn, id: EnrolmentId) -> QueryResult<usize> {
    // A statement each connection keeps (`db::sql`): diesel prepares every `UPDATE` anew,
    // and every completion bumps its enrolment.
    Sql::new("UPDATE enrolments SET version = version + 1 WHERE id = ?")
        .bind_i64(id.get())
        .execute(conn)
}

/// Recounts a course's active enrolments into `courses.enrolment_count`; returns the count.
pub fn refresh_enrolment_count(conn: &mut DbConn, course_id: CourseId) -> QueryResult<i64> {
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
pub fn count_active_enrolments(conn: &mut DbConn, course_id: CourseId) -> QueryResult<i64> {
    enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::deleted_at.is_null())
        .count()
        .get_result(conn)
}

/// Which page of a member's enrolments to list.
#[derive(Debug, Clone)]
pub struct EnrolmentPage {
    /// Only rows changed at or after this, ended ones included.
    pub since: Option<NaiveDateTime>,
    pub sort: EnrolmentSort,
    /// The `updated_at` and id of the last row of the previous page.
    pub after: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
}

/// One page of a member's enrolments, by `updated_at` then id. Without `since`, only the
/// active ones; with it, every row changed at or after `since`, ended ones included.
pub fn list_my_enrolments(
    conn: &mut DbConn,
    user_id: UserId,
    page: &EnrolmentPage,
) -> QueryResult<Vec<Enrolment>> {
    let EnrolmentPage {
        since,
        sort,
        after,
        limit,
    } = *page;
    let mut query = enrolments::table
        .filter(enrolments::user_id.eq(user_id))
        .into_boxed();
    match since {
        Some(since) => query = query.filter(enrolments::updated_at.ge(since)),
        None => query = query.filter(enrolments::deleted_at.is_null()),
    }
    if let Some((at, id)) = after {
        query = match sort {
            EnrolmentSort::UpdatedAsc => query.filter(
                enrolments::updated_at
                    .gt(at)
                    .or(enrolments::updated_at.eq(at).and(enrolments::id.gt(id))),
            ),
            EnrolmentSort::UpdatedDesc => query.filter(
                enrolments::updated_at
                    .lt(at)
                    .or(enrolments::updated_at.eq(at).and(enrolments::id.lt(id))),
            ),
        };
    }
    query = match sort {
        EnrolmentSort::UpdatedAsc => {
            query.order((enrolments::updated_at.asc(), enrolments::id.asc()))
        }
        EnrolmentSort::UpdatedDesc => {
            query.order((enrolments::updated_at.desc(), enrolments::id.desc()))
        }
    };
    query.limit(limit).load(conn)
}

/// One page of a course's active enrolments with the members' display names, by enrolment id.
pub fn list_course_enrolments(
    conn: &mut DbConn,
    course_id: CourseId,
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

/// A live lesson's live course and the lesson's kind, in one statement (every completion
/// and its undoing start here); `None` for a deleted lesson, module or course.
pub fn lesson_with_course(
    conn: &mut DbConn,
    lesson_id: LessonId,
) -> QueryResult<Option<(CourseState, LessonKind)>> {
    lessons::table
        .inner_join(course_modules::table.inner_join(courses::table))
        .filter(lessons::id.eq(lesson_id))
        .filter(lessons::deleted_at.is_null())
        .filter(course_modules::deleted_at.is_null())
        .filter(courses::deleted_at.is_null())
        .select((CourseRow::as_select(), lessons::kind))
        .first::<(CourseRow, LessonKind)>(conn)
        .optional()?
        .map(|(row, kind)| Ok((CourseState::try_from(row)?, kind)))
        .transpose()
}

/// The courses of the live lessons among `lesson_ids`: (lesson id, course id).
pub fn lesson_courses(
    conn: &mut DbConn,
    lesson_ids: &[LessonId],
) -> QueryResult<Vec<(LessonId, CourseId)>> {
    lessons::table
        .inner_join(course_modules::table)
        .filter(any_of(lessons::id, lesson_ids.iter().copied()))
        .filter(lessons::deleted_at.is_null())
        .filter(course_modules::deleted_at.is_null())
        .select((lessons::id, lessons::course_id))
        .load(conn)
}

/// The live lessons (in live modules) of every course, in outline order (course, module
/// position, then lesson position), as [`LessonRow`]s: what [`course_lessons`] and
/// [`lessons_of_courses`] narrow to their courses.
#[diesel::dsl::auto_type(no_type_alias)]
fn live_lessons() -> _ {
    lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::deleted_at.is_null())
        .filter(course_modules::deleted_at.is_null())
        .order((
            lessons::course_id.asc(),
            course_modules::position.asc(),
            course_modules::id.asc(),
            lessons::position.asc(),
            lessons::id.asc(),
        ))
        .select((
            lessons::course_id,
            (
                lessons::id,
                lessons::module_id,
                course_modules::position,
                lessons::position,
                lessons::required,
                lessons::kind,
            ),
        ))
}

/// One row of [`live_lessons`]: the course, and the lesson.
type LessonRow = (CourseId, LessonRef);

/// The live lessons of a course, in outline order (module position, then lesson
/// position): one cached statement (an `IN` list would be prepared at every call).
pub fn course_lessons(conn: &mut DbConn, course_id: CourseId) -> QueryResult<Vec<LessonRef>> {
    // The modules narrowed to the course too: PostgreSQL otherwise hashes every module of
    // every course to join a course's few.
    live_lessons()
        .filter(lessons::course_id.eq(course_id))
        .filter(course_modules::course_id.eq(course_id))
        .load::<LessonRow>(conn)
        .map(|rows| rows.into_iter().map(|(_, lesson)| lesson).collect())
}

/// The kinds of lessons: (lesson id, kind).
pub fn lesson_kinds(
    conn: &mut DbConn,
    lesson_ids: &[LessonId],
) -> QueryResult<Vec<(LessonId, LessonKind)>> {
    lessons::table
        .filter(any_of(lessons::id, lesson_ids.iter().copied()))
        .select((lessons::id, lessons::kind))
        .load::<(LessonId, String)>(conn)?
        .into_iter()
        .map(|(id, kind)| Ok((id, known(LessonKind::parse(&kind), "lesson kind", &kind)?)))
        .collect()
}

/// A member's completions in a course: (lesson id, completed at).
pub fn completions_of(
    conn: &mut DbConn,
    user_id: UserId,
    course_id: CourseId,
) -> QueryResult<Vec<(LessonId, NaiveDateTime)>> {
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
    user_id: UserId,
    lesson_ids: &[LessonId],
) -> QueryResult<Vec<(LessonId, NaiveDateTime)>> {
    lesson_completions::table
        .filter(lesson_completions::user_id.eq(user_id))
        .filter(any_of(
            lesson_completions::lesson_id,
            lesson_ids.iter().copied(),
        ))
        .select((
            lesson_completions::lesson_id,
            lesson_completions::completed_at,
        ))
        .load(conn)
}

/// One completion.
pub fn find_completion(
    conn: &mut DbConn,
    user_id: UserId,
    lesson_id: LessonId,
) -> QueryResult<Option<Completion>> {
    lesson_completions::table
        .filter(lesson_completions::user_id.eq(user_id))
        .filter(lesson_completions::lesson_id.eq(lesson_id))
        .first(conn)
        .optional()
}

/// A learner's completion of a lesson, with their certificate for `course_id` when they
/// have one: a repeated completion's whole answer in one statement.
pub fn find_completion_with_certificate(
    conn: &mut DbConn,
    user_id: UserId,
    lesson_id: LessonId,
    course_id: CourseId,
) -> QueryResult<Option<(Completion, Option<Certificate>)>> {
    lesson_completions::table
        .left_join(
            certificates::table.on(certificates::user_id
                .eq(lesson_completions::user_id)
                .and(certificates::course_id.eq(course_id))),
        )
        .filter(lesson_completions::user_id.eq(user_id))
        .filter(lesson_completions::lesson_id.eq(lesson_id))
        .select((
            lesson_completions::all_columns,
            certificates::all_columns.nullable(),
        ))
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
pub fn delete_completion(
    conn: &mut DbConn,
    user_id: UserId,
    lesson_id: LessonId,
) -> QueryResult<usize> {
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
    course_ids: &[CourseId],
) -> QueryResult<Vec<(CourseId, String, String)>> {
    course_translations::table
        .filter(any_of(
            course_translations::course_id,
            course_ids.iter().copied(),
        ))
        .select((
            course_translations::course_id,
            course_translations::language,
            course_translations::title,
        ))
        .load(conn)
}

/// Titles of a course's live modules: (module id, language, title). One cached statement
/// (an `IN` list of the modules would be prepared at every call).
pub fn course_module_titles(
    conn: &mut DbConn,
    course_id: CourseId,
) -> QueryResult<Vec<(ModuleId, String, String)>> {
    module_translations::table
        .inner_join(course_modules::table)
        .filter(course_modules::course_id.eq(course_id))
        .filter(course_modules::deleted_at.is_null())
        .select((
            module_translations::module_id,
            module_translations::language,
            module_translations::title,
        ))
        .load(conn)
}

/// Titles of a course's live lessons: (lesson id, language, title). One cached statement,
/// like [`course_module_titles`].
pub fn course_lesson_titles(
    conn: &mut DbConn,
    course_id: CourseId,
) -> QueryResult<Vec<(LessonId, String, String)>> {
    lesson_translations::table
        .inner_join(lessons::table)
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::deleted_at.is_null())
        .select((
            lesson_translations::lesson_id,
            lesson_translations::language,
            lesson_translations::title,
        ))
        .load(conn)
}

/// A member's display name and preferred language.
pub fn holder(conn: &mut DbConn, user_id: UserId) -> QueryResult<(String, String)> {
    users::table
        .find(user_id)
        .select((users::display_name, users::preferred_language))
        .first(conn)
}

/// A member's certificate for a course, revoked or not.
pub fn find_certificate(
    conn: &mut DbConn,
    user_id: UserId,
    course_id: CourseId,
) -> QueryResult<Option<Certificate>> {
    certificates::table
        .filter(certificates::user_id.eq(user_id))
        .filter(certificates::course_id.eq(course_id))
        .first(conn)
        .optional()
}

/// A member's certificate for a cohort, revoked or not.
pub fn find_cohort_certificate(
    conn: &mut DbConn,
    user_id: UserId,
    cohort_id: CohortId,
) -> QueryResult<Option<Certificate>> {
    certificates::table
        .filter(certificates::user_id.eq(user_id))
        .filter(certificates::cohort_id.eq(cohort_id))
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
    id: CertificateId,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<Certificate> {
    diesel::update(certificates::table.find(id))
        .set((
            certificates::revoked_at.eq(Some(at)),
            certificates::revoked_reason.eq(Some(reason)),
            certificates::version.eq(certificates::version + 1),
        ))
        .returning(certificates::all_columns)
        .get_result(conn)
}

/// One page of a member's certificates, newest first (by id).
pub fn list_my_certificates(
    conn: &mut DbConn,
    user_id: UserId,
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
    db::insert_chunked!(conn, enrolments::table, rows, 1000)
}

/// Completions in bulk (seeding): several rows per statement, per backend.
pub fn insert_completions_bulk(conn: &mut DbConn, rows: &[NewCompletion]) -> QueryResult<usize> {
    db::insert_chunked!(conn, lesson_completions::table, rows, 1000)
}

/// Certificates in bulk (seeding).
pub fn insert_certificates_bulk(conn: &mut DbConn, rows: &[NewCertificate]) -> QueryResult<usize> {
    db::insert_chunked!(conn, certificates::table, rows, 500)
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
pub fn open_course_ids(conn: &mut DbConn) -> QueryResult<Vec<CourseId>> {
    courses::table
        .filter(courses::deleted_at.is_null())
        .filter(courses::status.eq(CourseStatus::Published.as_str()))
        .filter(courses::format.eq(Format::SelfPaced.as_str()))
        .select(courses::id)
        .order(courses::id.asc())
        .load(conn)
}

/// The live lessons of several courses, each course in outline order (seeding).
pub fn lessons_of_courses(
    conn: &mut DbConn,
    course_ids: &[CourseId],
) -> QueryResult<Vec<(CourseId, LessonRef)>> {
    live_lessons()
        .filter(any_of(lessons::course_id, course_ids.iter().copied()))
        .filter(any_of(
            course_modules::course_id,
            course_ids.iter().copied(),
        ))
        .load(conn)
}

/// Every enrolment pair (seeding): (course id, user id).
pub fn enrolment_pairs_of(
    conn: &mut DbConn,
    user_ids: &[UserId],
) -> QueryResult<Vec<(CourseId, UserId)>> {
    let mut out = Vec::new();
    for chunk in user_ids.chunks(5000) {
        out.extend(
            enrolments::table
                .filter(any_of(enrolments::user_id, chunk.iter().copied()))
                .select((enrolments::course_id, enrolments::user_id))
                .load::<(CourseId, UserId)>(conn)?,
        );
    }
    Ok(out)
}
