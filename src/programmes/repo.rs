//! Queries on programmes and their members: `QueryResult`, nothing of HTTP.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{programme_cohorts, programme_courses, programmes};
use crate::programmes::model::{Member, NewProgramme, Programme, ProgrammeChanges};
use crate::types::{CohortId, CourseId, ProgrammeId};

/// One programme.
pub fn find(conn: &mut DbConn, id: ProgrammeId) -> QueryResult<Programme> {
    programmes::table.find(id).first(conn)
}

/// Inserts a programme.
pub fn insert(conn: &mut DbConn, new: &NewProgramme) -> QueryResult<Programme> {
    diesel::insert_into(programmes::table)
        .values(new)
        .returning(programmes::all_columns)
        .get_result(conn)
}

/// Writes a programme's row.
pub fn update(
    conn: &mut DbConn,
    id: ProgrammeId,
    changes: &ProgrammeChanges,
) -> QueryResult<Programme> {
    diesel::update(programmes::table.find(id))
        .set(changes)
        .returning(programmes::all_columns)
        .get_result(conn)
}

/// Bumps a programme's version (a member came or went).
pub fn bump(
    conn: &mut DbConn,
    id: ProgrammeId,
    at: chrono::NaiveDateTime,
) -> QueryResult<Programme> {
    diesel::update(programmes::table.find(id))
        .set((
            programmes::version.eq(programmes::version + 1),
            programmes::updated_at.eq(at),
        ))
        .returning(programmes::all_columns)
        .get_result(conn)
}

/// One page of programmes, newest first, after `after`.
pub fn list(
    conn: &mut DbConn,
    after: Option<ProgrammeId>,
    limit: i64,
) -> QueryResult<Vec<Programme>> {
    let mut query = programmes::table.into_boxed();
    if let Some(after) = after {
        query = query.filter(programmes::id.lt(after));
    }
    query.order(programmes::id.desc()).limit(limit).load(conn)
}

/// The cohorts of the programmes `ids`: (programme, cohort), by cohort id.
pub fn cohorts_of(
    conn: &mut DbConn,
    ids: &[ProgrammeId],
) -> QueryResult<Vec<(ProgrammeId, CohortId)>> {
    programme_cohorts::table
        .filter(programme_cohorts::programme_id.eq_any(ids))
        .select((
            programme_cohorts::programme_id,
            programme_cohorts::cohort_id,
        ))
        .order(programme_cohorts::cohort_id.asc())
        .load(conn)
}

/// The courses of the programmes `ids`: (programme, course), by course id.
pub fn courses_of(
    conn: &mut DbConn,
    ids: &[ProgrammeId],
) -> QueryResult<Vec<(ProgrammeId, CourseId)>> {
    programme_courses::table
        .filter(programme_courses::programme_id.eq_any(ids))
        .select((
            programme_courses::programme_id,
            programme_courses::course_id,
        ))
        .order(programme_courses::course_id.asc())
        .load(conn)
}

/// Runs `$body` on the link table of `$member` (`links`), its member column (`member_id`)
/// and the member's id (`$m`): cohorts and courses are linked alike.
macro_rules! with_links {
    ($member:expr, |$m:ident| $body:expr) => {
        match $member {
            Member::Cohort($m) => {
                use programme_cohorts::{self as links, cohort_id as member_id};
                $body
            }
            Member::Course($m) => {
                use programme_courses::{self as links, course_id as member_id};
                $body
            }
        }
    };
}

/// Adds a cohort or course; whether it was not there yet (the caller holds the
/// programme's row).
pub fn add_member(conn: &mut DbConn, id: ProgrammeId, member: Member) -> QueryResult<bool> {
    with_links!(member, |m| {
        let there: bool = diesel::select(diesel::dsl::exists(
            links::table
                .filter(links::programme_id.eq(id))
                .filter(member_id.eq(m)),
        ))
        .get_result(conn)?;
        if there {
            return Ok(false);
        }
        diesel::insert_into(links::table)
            .values((links::programme_id.eq(id), member_id.eq(m)))
            .execute(conn)?;
        Ok(true)
    })
}

/// Removes a cohort or course; whether it was there.
pub fn remove_member(conn: &mut DbConn, id: ProgrammeId, member: Member) -> QueryResult<bool> {
    with_links!(member, |m| {
        let n = diesel::delete(
            links::table
                .filter(links::programme_id.eq(id))
                .filter(member_id.eq(m)),
        )
        .execute(conn)?;
        Ok(n > 0)
    })
}
