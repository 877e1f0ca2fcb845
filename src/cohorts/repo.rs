//! Queries on cohorts, their texts, facilitators and courses: `QueryResult`, nothing of
//! HTTP.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::cohorts::model::{
    Cohort, CohortChanges, CohortKind, CohortStatus, CohortTexts, CohortTranslation, NewCohort,
};
use crate::courses::model::CourseStatus;
use crate::db::schema::{
    cohort_courses, cohort_facilitators, cohort_translations, cohorts, courses, users,
};
use crate::db::{self, DbConn, any_of};
use crate::types::{CohortId, CourseId, UserId};

/// Filters of the cohort list.
#[derive(Debug, Default, Clone)]
pub struct CohortFilter {
    pub status: Option<CohortStatus>,
    pub kind: Option<CohortKind>,
    pub region: Option<String>,
}

/// One cohort by id.
pub fn find(conn: &mut DbConn, id: CohortId) -> QueryResult<Option<Cohort>> {
    cohorts::table
        .find(id)
        .select(Cohort::as_select())
        .first(conn)
        .optional()
}

/// Inserts one cohort.
pub fn insert(conn: &mut DbConn, new: &NewCohort) -> QueryResult<Cohort> {
    diesel::insert_into(cohorts::table)
        .values(new)
        .returning(cohorts::all_columns)
        .get_result(conn)
}

/// Applies changes to one cohort.
pub fn update(conn: &mut DbConn, id: CohortId, changes: &CohortChanges) -> QueryResult<Cohort> {
    diesel::update(cohorts::table.find(id))
        .set(changes)
        .returning(cohorts::all_columns)
        .get_result(conn)
}

/// Deletes one cohort; its texts, facilitators and courses go with it.
pub fn delete(conn: &mut DbConn, id: CohortId) -> QueryResult<usize> {
    diesel::delete(cohorts::table.find(id)).execute(conn)
}

/// One page of cohorts by start date (then id), after `after`, `limit` rows at most.
pub fn list(
    conn: &mut DbConn,
    filter: &CohortFilter,
    after: Option<(NaiveDate, CohortId)>,
    limit: i64,
) -> QueryResult<Vec<Cohort>> {
    let mut query = cohorts::table.select(Cohort::as_select()).into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(cohorts::status.eq(status));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(cohorts::kind.eq(kind));
    }
    if let Some(region) = &filter.region {
        query = query.filter(cohorts::region.eq(region.clone()));
    }
    if let Some((on, id)) = after {
        query = query.filter(
            cohorts::starts_on
                .gt(on)
                .or(cohorts::starts_on.eq(on).and(cohorts::id.gt(id))),
        );
    }
    query
        .order((cohorts::starts_on.asc(), cohorts::id.asc()))
        .limit(limit)
        .load(conn)
}

/// The texts of the cohorts `ids`, in every language.
pub fn translations(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<CohortTranslation>> {
    cohort_translations::table
        .filter(any_of(cohort_translations::cohort_id, ids.iter().copied()))
        .select(CohortTranslation::as_select())
        .order((
            cohort_translations::cohort_id.asc(),
            cohort_translations::language.asc(),
        ))
        .load(conn)
}

/// A cohort's texts in one language.
pub fn texts(
    conn: &mut DbConn,
    id: CohortId,
    language: &str,
) -> QueryResult<Option<CohortTranslation>> {
    cohort_translations::table
        .filter(cohort_translations::cohort_id.eq(id))
        .filter(cohort_translations::language.eq(language))
        .select(CohortTranslation::as_select())
        .first(conn)
        .optional()
}

/// Writes a cohort's texts in one language (the cohort is locked by the caller).
pub fn put_texts(
    conn: &mut DbConn,
    id: CohortId,
    language: &str,
    texts: &CohortTexts,
) -> QueryResult<()> {
    db::update_or_insert!(
        conn,
        cohort_translations::table
            .filter(cohort_translations::cohort_id.eq(id))
            .filter(cohort_translations::language.eq(language)),
        (
            cohort_translations::title.eq(&texts.title),
            cohort_translations::description.eq(&texts.description),
        ),
        cohort_translations::table,
        (
            cohort_translations::cohort_id.eq(id),
            cohort_translations::language.eq(language),
            cohort_translations::title.eq(&texts.title),
            cohort_translations::description.eq(&texts.description),
        ),
    )
    .map(drop)
}

/// The facilitators of the cohorts `ids`, by user id.
pub fn facilitators(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<(CohortId, UserId)>> {
    cohort_facilitators::table
        .filter(any_of(cohort_facilitators::cohort_id, ids.iter().copied()))
        .select((cohort_facilitators::cohort_id, cohort_facilitators::user_id))
        .order((
            cohort_facilitators::cohort_id.asc(),
            cohort_facilitators::user_id.asc(),
        ))
        .load(conn)
}

/// Whether `user` facilitates the cohort.
pub fn is_facilitator(conn: &mut DbConn, id: CohortId, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        cohort_facilitators::table
            .filter(cohort_facilitators::cohort_id.eq(id))
            .filter(cohort_facilitators::user_id.eq(user)),
    ))
    .get_result(conn)
}

/// Replaces a cohort's facilitators.
pub fn set_facilitators(conn: &mut DbConn, id: CohortId, users: &[UserId]) -> QueryResult<()> {
    diesel::delete(cohort_facilitators::table.filter(cohort_facilitators::cohort_id.eq(id)))
        .execute(conn)?;
    for user in users {
        diesel::insert_into(cohort_facilitators::table)
            .values((
                cohort_facilitators::cohort_id.eq(id),
                cohort_facilitators::user_id.eq(*user),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The courses of the cohorts `ids`, in each cohort's order.
pub fn courses(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<(CohortId, CourseId)>> {
    cohort_courses::table
        .filter(any_of(cohort_courses::cohort_id, ids.iter().copied()))
        .select((cohort_courses::cohort_id, cohort_courses::course_id))
        .order((
            cohort_courses::cohort_id.asc(),
            cohort_courses::position.asc(),
        ))
        .load(conn)
}

/// Replaces a cohort's courses, in the order given.
pub fn set_courses(conn: &mut DbConn, id: CohortId, courses: &[CourseId]) -> QueryResult<()> {
    diesel::delete(cohort_courses::table.filter(cohort_courses::cohort_id.eq(id))).execute(conn)?;
    for (position, course) in (1..).zip(courses) {
        diesel::insert_into(cohort_courses::table)
            .values((
                cohort_courses::cohort_id.eq(id),
                cohort_courses::course_id.eq(*course),
                cohort_courses::position.eq(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The role and status of each existing account of `ids`.
pub fn accounts(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String, String)>> {
    users::table
        .filter(any_of(users::id, ids.iter().copied()))
        .filter(users::deleted_at.is_null())
        .select((users::id, users::role, users::status))
        .load(conn)
}

/// The status of each existing (not deleted) course of `ids`.
pub fn course_states(
    conn: &mut DbConn,
    ids: &[CourseId],
) -> QueryResult<Vec<(CourseId, CourseStatus)>> {
    courses::table
        .filter(any_of(courses::id, ids.iter().copied()))
        .filter(courses::deleted_at.is_null())
        .select((courses::id, courses::status))
        .load(conn)
}

/// Where a person is emailed: id, display name, email (none once erased) and language.
pub type Contact = (UserId, String, Option<String>, String);

/// Where each of `ids` is emailed.
pub fn contacts(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<Contact>> {
    users::table
        .filter(any_of(users::id, ids.iter().copied()))
        .select((
            users::id,
            users::display_name,
            users::email,
            users::preferred_language,
        ))
        .order(users::id.asc())
        .load(conn)
}

/// Marks a cohort changed at `at` without other changes: for writes of texts,
/// facilitators and courses.
pub fn touch(conn: &mut DbConn, cohort: &Cohort, at: NaiveDateTime) -> QueryResult<Cohort> {
    update(conn, cohort.id, &CohortChanges::bump(cohort.version, at))
}

/// The cohorts not yet linked to a space, `limit` at most, oldest first.
pub fn without_space(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Cohort>> {
    cohorts::table
        .filter(cohorts::community_id.is_null())
        .select(Cohort::as_select())
        .order(cohorts::id.asc())
        .limit(limit)
        .load(conn)
}
