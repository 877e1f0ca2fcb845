//! Use cases of organisational indicators.

use std::collections::{HashMap, HashSet};

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::auth::AuthUser;
use crate::auth::policy::{self, Action, allowed};
use crate::db::{self, DbConn, now};
use crate::error::{ApiError, Fields};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::pagination::{Page, PageRequest};
use crate::needs::indicators::model::{
    Figures, IndicatorReport, NewIndicatorReport, ReportChanges, ReportInput, ReportPatch,
    ReportView,
};
use crate::needs::indicators::repo;
use crate::needs::repo as needs;
use crate::organisations::model::MembershipRole;
use crate::types::{CohortId, IndicatorReportId, OrganisationId, UserId};

/// The sort a list cursor of reports is made for (newest period first).
pub const PERIOD_DESC: &str = "-period";

/// Whether the caller leads `organisation`; 404 unless they may read its reports (its
/// leaders, coordinators and admins) or when it does not exist.
fn readable(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation: OrganisationId,
) -> Result<bool, ApiError> {
    if needs::country_of(conn, organisation)?.is_none() {
        return Err(ApiError::NotFound);
    }
    let leads = needs::role_in(conn, organisation, actor.id)? == Some(MembershipRole::Leader);
    if leads || allowed(actor, Action::ManageNeeds) {
        Ok(leads)
    } else {
        Err(ApiError::NotFound)
    }
}

/// 422 unless the figures hold together and the cohorts are the organisation's own.
fn check_figures(
    conn: &mut DbConn,
    organisation: OrganisationId,
    figures: &Figures,
) -> Result<(), ApiError> {
    let mut f = Fields::default();
    let cohorts = &figures.training_cohort_ids;
    if usize::try_from(figures.trainings_run).unwrap_or(0) < cohorts.len() {
        f.push(
            "trainings_run",
            "too_few_trainings",
            format!(
                "counts fewer trainings than the {} cohorts named in `training_cohort_ids`",
                cohorts.len()
            ),
        );
    }
    if !cohorts.is_empty() {
        let ours: HashSet<CohortId> = repo::in_lineage(conn, organisation, cohorts)?
            .into_iter()
            .collect();
        for c in cohorts.iter().filter(|c| !ours.contains(c)) {
            f.push(
                "training_cohort_ids",
                "not_in_lineage",
                format!("cohort {c} was not run by one of this organisation's e-trainers"),
            );
        }
    }
    f.finish()
}

fn views(conn: &mut DbConn, reports: Vec<IndicatorReport>) -> Result<Vec<ReportView>, ApiError> {
    let ids: Vec<IndicatorReportId> = reports.iter().map(|r| r.id).collect();
    let mut cohorts: HashMap<IndicatorReportId, Vec<CohortId>> = HashMap::new();
    for (report, cohort) in repo::cohorts_of(conn, &ids)? {
        cohorts.entry(report).or_default().push(cohort);
    }
    Ok(reports
        .into_iter()
        .map(|report| ReportView {
            cohort_ids: cohorts.remove(&report.id).unwrap_or_default(),
            report,
        })
        .collect())
}

fn view(conn: &mut DbConn, report: IndicatorReport) -> Result<ReportView, ApiError> {
    views(conn, vec![report])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a report view went missing")))
}

/// A leader of the organisation reports its indicators for a period that has begun.
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation: OrganisationId,
    input: ReportInput,
) -> Result<ReportView, ApiError> {
    let leads = readable(conn, actor, organisation)?;
    policy::authorize(
        actor,
        Action::SpeakForUnion {
            leads_organisation: leads,
        },
    )?;
    if !input.period.has_begun(now().date()) {
        return Err(ApiError::invalid_field(
            "year",
            "period_not_begun",
            "the period has not begun: report it once it has",
        ));
    }
    check_figures(conn, organisation, &input.figures)?;
    let at = now();
    let f = input.figures;
    let report = repo::insert(
        conn,
        &NewIndicatorReport {
            organisation_id: organisation,
            year: input.period.year,
            quarter: input.period.quarter,
            members_recruited: f.members_recruited,
            agreements_signed: f.agreements_signed,
            agreements_improved: f.agreements_improved,
            policies_adopted: f.policies_adopted,
            trainings_run: f.trainings_run,
            attribution_note: f.attribution_note,
            author_id: Some(actor.id),
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(|err| match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::Conflict {
            code: "report_exists",
            detail: "the organisation has a report for this period; change it with PATCH"
                .to_owned(),
        },
        other => other.into(),
    })?;
    repo::set_cohorts(conn, report.id, &f.training_cohort_ids)?;
    view(conn, report)
}

/// One report: the organisation's leaders, coordinators and admins (else 404).
pub fn get(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: IndicatorReportId,
) -> Result<ReportView, ApiError> {
    let report = repo::find(conn, id)?;
    readable(conn, actor, report.organisation_id)?;
    view(conn, report)
}

/// One page of an organisation's reports, newest period first.
pub fn list(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation: OrganisationId,
    year: Option<i32>,
    page: &PageRequest<i64>,
) -> Result<Page<ReportView>, ApiError> {
    readable(conn, actor, organisation)?;
    let after = page.after.as_ref().map(|(k, id)| {
        (
            i32::try_from(*k).unwrap_or(i32::MAX),
            IndicatorReportId(*id),
        )
    });
    let rows = repo::list(conn, organisation, year, after, page.fetch_limit())?;
    let page = page.finish(rows, PERIOD_DESC, |r| (r.period_key(), r.id.get()), |r| r);
    Ok(Page {
        items: views(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// A leader of the organisation changes a report, if it is still the version `if_match`
/// names.
pub fn update(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: IndicatorReportId,
    patch: ReportPatch,
    if_match: Option<&IfMatch>,
) -> Result<ReportView, ApiError> {
    let report = repo::find(conn, id)?;
    let leads = readable(conn, actor, report.organisation_id)?;
    policy::authorize(
        actor,
        Action::SpeakForUnion {
            leads_organisation: leads,
        },
    )?;
    db::lock_row(conn, "indicator_reports", id.get())?;
    let report = repo::find(conn, id)?;
    report.check_if_match(if_match)?;
    let current = view(conn, report)?;
    let before = Figures::from(&current);
    let target = patch.apply(&before);
    if target == before {
        return Ok(current); // nothing changes: no new version
    }
    check_figures(conn, current.report.organisation_id, &target)?;
    let report = repo::update(
        conn,
        id,
        &ReportChanges {
            members_recruited: target.members_recruited,
            agreements_signed: target.agreements_signed,
            agreements_improved: target.agreements_improved,
            policies_adopted: target.policies_adopted,
            trainings_run: target.trainings_run,
            attribution_note: target.attribution_note,
            updated_at: now(),
            version: current.report.version + 1,
        },
    )?;
    if target.training_cohort_ids != before.training_cohort_ids {
        repo::set_cohorts(conn, id, &target.training_cohort_ids)?;
    }
    view(conn, report)
}

/// Erasure of `user`'s account: their reports stay, without the account.
pub fn forget_user(conn: &mut DbConn, user: UserId) -> Result<(), ApiError> {
    repo::forget_user(conn, user)?;
    Ok(())
}
