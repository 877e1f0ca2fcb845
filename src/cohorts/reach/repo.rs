//! Queries of lineage and reach: a few per level of the tree, whatever its size.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::accounts::model::Gender;
use crate::cohorts::model::{CohortKind, CohortStatus};
use crate::cohorts::nominations::model::NominationStatus;
use crate::db::DbConn;
use crate::db::schema::{cohort_facilitators, cohorts, nominations, trainer_certifications, users};
use crate::types::{CohortId, UserId};

/// What the tree shows of a cohort: id, kind, status, first day, region.
pub type CohortRow = (CohortId, CohortKind, CohortStatus, NaiveDate, String);

/// A participant: cohort, person, country, gender, birth year.
pub type ParticipantRow = (
    CohortId,
    UserId,
    Option<String>,
    Option<Gender>,
    Option<i32>,
);

/// The cohorts `ids` (those that exist).
pub fn cohort_rows(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<CohortRow>> {
    cohorts::table
        .filter(cohorts::id.eq_any(ids))
        .select((
            cohorts::id,
            cohorts::kind,
            cohorts::status,
            cohorts::starts_on,
            cohorts::region,
        ))
        .load(conn)
}

/// The e-trainers certified by the cohorts `ids` (certifications not revoked):
/// (certifying cohort, trainer).
pub fn graduates(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<(CohortId, UserId)>> {
    trainer_certifications::table
        .filter(trainer_certifications::cohort_id.eq_any(ids))
        .filter(trainer_certifications::revoked_at.is_null())
        .select((
            trainer_certifications::cohort_id,
            trainer_certifications::user_id,
        ))
        .load(conn)
}

/// The cohorts the `people` facilitate (any state but cancelled): (cohort, facilitator).
pub fn facilitated(conn: &mut DbConn, people: &[UserId]) -> QueryResult<Vec<(CohortId, UserId)>> {
    cohort_facilitators::table
        .inner_join(cohorts::table)
        .filter(cohort_facilitators::user_id.eq_any(people))
        .filter(cohorts::status.ne(CohortStatus::Cancelled))
        .select((cohort_facilitators::cohort_id, cohort_facilitators::user_id))
        .load(conn)
}

/// The accepted participants of the cohorts `ids`, with what the breakdowns need.
pub fn participants(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<ParticipantRow>> {
    nominations::table
        .inner_join(users::table.on(users::id.eq(nominations::nominee_id)))
        .filter(nominations::cohort_id.eq_any(ids))
        .filter(nominations::status.eq(NominationStatus::Accepted))
        .select((
            nominations::cohort_id,
            users::id,
            users::country,
            users::gender,
            users::birth_year,
        ))
        .load(conn)
}

/// The `tot` cohorts that certified any facilitator of `cohort` (not revoked).
pub fn certifiers(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<CohortId>> {
    let facilitators = cohort_facilitators::table
        .filter(cohort_facilitators::cohort_id.eq(cohort))
        .select(cohort_facilitators::user_id);
    trainer_certifications::table
        .filter(trainer_certifications::user_id.eq_any(facilitators))
        .filter(trainer_certifications::cohort_id.ne(cohort))
        .filter(trainer_certifications::revoked_at.is_null())
        .select(trainer_certifications::cohort_id)
        .distinct()
        .order(trainer_certifications::cohort_id.asc())
        .load(conn)
}
