//! Queries of lineage and reach: a few per level of the tree, whatever its size (id lists
//! cut into chunks that SQLite binds).

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

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

/// Ids bound in one `IN (…)` list at most: SQLite refuses statements with more than 32,766
/// bound values, and a large lineage can name more cohorts or people than that.
const CHUNK: usize = 10_000;

/// Runs `query` over `ids` cut into chunks of at most [`CHUNK`], the rows of all of them.
fn chunked<I, T>(
    ids: &[I],
    mut query: impl FnMut(&[I]) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        rows.extend(query(chunk)?);
    }
    Ok(rows)
}

/// The cohorts `ids` (those that exist).
pub fn cohort_rows(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<CohortRow>> {
    chunked(ids, |ids| {
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
    })
}

/// The e-trainers certified by the cohorts `ids` (certifications not revoked):
/// (certifying cohort, trainer).
pub fn graduates(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<(CohortId, UserId)>> {
    chunked(ids, |ids| {
        trainer_certifications::table
            .filter(trainer_certifications::cohort_id.eq_any(ids))
            .filter(trainer_certifications::revoked_at.is_null())
            .select((
                trainer_certifications::cohort_id,
                trainer_certifications::user_id,
            ))
            .load(conn)
    })
}

/// The cohorts the `people` facilitate (any state but cancelled): (cohort, facilitator).
pub fn facilitated(conn: &mut DbConn, people: &[UserId]) -> QueryResult<Vec<(CohortId, UserId)>> {
    chunked(people, |people| {
        cohort_facilitators::table
            .inner_join(cohorts::table)
            .filter(cohort_facilitators::user_id.eq_any(people))
            .filter(cohorts::status.ne(CohortStatus::Cancelled))
            .select((cohort_facilitators::cohort_id, cohort_facilitators::user_id))
            .load(conn)
    })
}

/// The accepted participants of the cohorts `ids`, with what the breakdowns need.
pub fn participants(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<ParticipantRow>> {
    chunked(ids, |ids| {
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
    })
}

/// How many nominations the cohorts `ids` have (in any state) and the sum of their
/// versions, then how many accounts there are and the sum of theirs: every change of a
/// nomination or an account bumps its version and neither is ever deleted, so while these
/// four numbers stay the same, so do the participants of those cohorts and what the
/// breakdowns read of them. Read from two small indexes, without the rows.
pub fn stamps(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<[i64; 4]> {
    let mut stamp = [0_i64; 4];
    for part in chunked(ids, |ids| {
        nominations::table
            .filter(nominations::cohort_id.eq_any(ids))
            .select(count_and_versions())
            .load::<(i64, i64)>(conn)
    })? {
        stamp[0] += part.0;
        stamp[1] += part.1;
    }
    (stamp[2], stamp[3]) = users::table.select(count_and_versions()).first(conn)?;
    Ok(stamp)
}

/// `COUNT(*)` and the sum of `version` of a one-table query, as two BIGINTs on both
/// databases (diesel's `sum` of a BIGINT is a NUMERIC on PostgreSQL).
fn count_and_versions() -> SqlLiteral<(BigInt, BigInt)> {
    sql("COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT)")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_id_lists_are_cut_into_chunks_sqlite_binds() {
        let ids: Vec<i64> = (0..25_000).collect();
        let sizes = chunked(&ids, |c| Ok(vec![c.len()])).unwrap();
        assert_eq!(sizes, [CHUNK, CHUNK, 5_000]);
        assert!(
            chunked(&[] as &[i64], |c| Ok(vec![c.len()]))
                .unwrap()
                .is_empty()
        );
    }
}
