//! Queries on indicator reports: `QueryResult`, nothing of HTTP.

use diesel::prelude::*;

use crate::cohorts::model::CohortStatus;
use crate::db::DbConn;
use crate::db::schema::{
    cohort_facilitators, cohorts, indicator_report_cohorts, indicator_reports, memberships,
    trainer_certifications,
};
use crate::needs::indicators::model::{IndicatorReport, NewIndicatorReport, ReportChanges};
use crate::organisations::model::MembershipStatus;
use crate::types::{CohortId, IndicatorReportId, OrganisationId, UserId};

/// One report.
pub fn find(conn: &mut DbConn, id: IndicatorReportId) -> QueryResult<IndicatorReport> {
    indicator_reports::table.find(id).first(conn)
}

/// Inserts a report.
pub fn insert(conn: &mut DbConn, new: &NewIndicatorReport) -> QueryResult<IndicatorReport> {
    diesel::insert_into(indicator_reports::table)
        .values(new)
        .returning(indicator_reports::all_columns)
        .get_result(conn)
}

/// Changes a report's figures.
pub fn update(
    conn: &mut DbConn,
    id: IndicatorReportId,
    changes: &ReportChanges,
) -> QueryResult<IndicatorReport> {
    diesel::update(indicator_reports::table.find(id))
        .set(changes)
        .returning(indicator_reports::all_columns)
        .get_result(conn)
}

/// Replaces the cohorts of a report.
pub fn set_cohorts(
    conn: &mut DbConn,
    id: IndicatorReportId,
    cohorts: &[CohortId],
) -> QueryResult<()> {
    diesel::delete(
        indicator_report_cohorts::table.filter(indicator_report_cohorts::report_id.eq(id)),
    )
    .execute(conn)?;
    for cohort in cohorts {
        diesel::insert_into(indicator_report_cohorts::table)
            .values((
                indicator_report_cohorts::report_id.eq(id),
                indicator_report_cohorts::cohort_id.eq(cohort),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The cohorts of the reports `ids`: (report, cohort).
pub fn cohorts_of(
    conn: &mut DbConn,
    ids: &[IndicatorReportId],
) -> QueryResult<Vec<(IndicatorReportId, CohortId)>> {
    indicator_report_cohorts::table
        .filter(indicator_report_cohorts::report_id.eq_any(ids))
        .select((
            indicator_report_cohorts::report_id,
            indicator_report_cohorts::cohort_id,
        ))
        .order((
            indicator_report_cohorts::report_id,
            indicator_report_cohorts::cohort_id,
        ))
        .load(conn)
}

/// Which of the cohorts `ids` the organisation's e-trainers ran: cohorts (not cancelled)
/// with a facilitator who is an approved member of the organisation and holds a trainer
/// certification that is not revoked.
pub fn in_lineage(
    conn: &mut DbConn,
    organisation: OrganisationId,
    ids: &[CohortId],
) -> QueryResult<Vec<CohortId>> {
    let members = memberships::table
        .filter(memberships::organisation_id.eq(organisation))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select(memberships::user_id);
    let trainers = trainer_certifications::table
        .filter(trainer_certifications::revoked_at.is_null())
        .select(trainer_certifications::user_id);
    let running = cohorts::table
        .filter(cohorts::id.eq_any(ids))
        .filter(cohorts::status.ne(CohortStatus::Cancelled))
        .select(cohorts::id);
    cohort_facilitators::table
        .filter(cohort_facilitators::cohort_id.eq_any(running))
        .filter(cohort_facilitators::user_id.eq_any(members))
        .filter(cohort_facilitators::user_id.eq_any(trainers))
        .select(cohort_facilitators::cohort_id)
        .distinct()
        .load(conn)
}

/// One page of an organisation's reports, newest period first, after (`period key`, id).
pub fn list(
    conn: &mut DbConn,
    organisation: OrganisationId,
    year: Option<i32>,
    after: Option<(i32, IndicatorReportId)>,
    limit: i64,
) -> QueryResult<Vec<IndicatorReport>> {
    use indicator_reports::dsl as r;
    let key = r::year * 10 + r::quarter;
    let mut query = r::indicator_reports
        .filter(r::organisation_id.eq(organisation))
        .into_boxed();
    if let Some(year) = year {
        query = query.filter(r::year.eq(year));
    }
    if let Some((k, id)) = after {
        query = query.filter(key.lt(k).or(key.eq(k).and(r::id.lt(id))));
    }
    query
        .order((r::year.desc(), r::quarter.desc(), r::id.desc()))
        .limit(limit)
        .load(conn)
}

/// Erasure: reports of `user` stay, without the account.
pub fn forget_user(conn: &mut DbConn, user: UserId) -> QueryResult<usize> {
    diesel::update(indicator_reports::table.filter(indicator_reports::author_id.eq(user)))
        .set(indicator_reports::author_id.eq(None::<UserId>))
        .execute(conn)
}
