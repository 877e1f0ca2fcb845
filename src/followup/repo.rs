//! Follow-up queries: nothing of HTTP.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::cohorts::model::{Cohort, CohortStatus};
use crate::db::schema::{
    action_plan_steps, action_plans, check_in_reminders, check_in_reports, check_ins, cohorts,
    followup_erased_counts, followup_schedules, guidance_requests, nominations, users,
};
use crate::db::{self, DbConn};
use crate::followup::model::{
    ActionPlan, CheckIn, Confirmation, ErasedCounts, GuidanceRequest, GuidanceState, NewActionPlan,
    NewCheckIn, NewGuidanceRequest, NewPlanStep, NewReport, PlanStep, Report, ScheduleRow,
    StepStatus,
};
use crate::types::{
    ActionPlanId, CheckInId, CheckInReportId, CohortId, GuidanceRequestId, OrganisationId,
    PlanStepId, UserId,
};

// ---------------------------------------------------------------- schedules

/// A cohort's stored schedule, if it has its own.
pub fn schedule(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Option<ScheduleRow>> {
    followup_schedules::table
        .find(cohort)
        .select(ScheduleRow::as_select())
        .first(conn)
        .optional()
}

/// Stores a cohort's schedule (a new row at version 1, or the next version).
pub fn put_schedule(
    conn: &mut DbConn,
    cohort: CohortId,
    offsets: &str,
    existing: Option<&ScheduleRow>,
    at: NaiveDateTime,
) -> QueryResult<ScheduleRow> {
    match existing {
        None => diesel::insert_into(followup_schedules::table)
            .values(&ScheduleRow {
                cohort_id: cohort,
                offsets: offsets.to_owned(),
                updated_at: at,
                version: 1,
            })
            .returning(followup_schedules::all_columns)
            .get_result(conn),
        Some(row) => diesel::update(followup_schedules::table.find(cohort))
            .set((
                followup_schedules::offsets.eq(offsets),
                followup_schedules::updated_at.eq(at),
                followup_schedules::version.eq(row.version + 1),
            ))
            .returning(followup_schedules::all_columns)
            .get_result(conn),
    }
}

/// The highest round checked in for any plan of the cohort (0 when none).
pub fn highest_round(conn: &mut DbConn, cohort: CohortId) -> QueryResult<i32> {
    check_ins::table
        .inner_join(action_plans::table)
        .filter(action_plans::cohort_id.eq(cohort))
        .select(diesel::dsl::max(check_ins::round))
        .first::<Option<i32>>(conn)
        .map(Option::unwrap_or_default)
}

/// Cohorts running or completed whose end falls between `from` and `to` (for reminders).
pub fn cohorts_ended_between(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Cohort>> {
    cohorts::table
        .filter(cohorts::ends_on.ge(from))
        .filter(cohorts::ends_on.le(to))
        .filter(cohorts::status.eq_any([CohortStatus::Running, CohortStatus::Completed]))
        .select(Cohort::as_select())
        .order(cohorts::id.asc())
        .load(conn)
}

// ---------------------------------------------------------------- plans

/// The organisation of `user`'s accepted nomination to the cohort; `None` when they are not
/// a participant (`Some(None)` never occurs: a nomination always names one).
pub fn participation(
    conn: &mut DbConn,
    cohort: CohortId,
    user: UserId,
) -> QueryResult<Option<OrganisationId>> {
    use crate::cohorts::nominations::model::NominationStatus;
    nominations::table
        .filter(nominations::cohort_id.eq(cohort))
        .filter(nominations::nominee_id.eq(user))
        .filter(nominations::status.eq(NominationStatus::Accepted))
        .select(nominations::organisation_id)
        .first(conn)
        .optional()
}

/// Inserts a plan.
pub fn insert_plan(conn: &mut DbConn, new: &NewActionPlan) -> QueryResult<ActionPlan> {
    diesel::insert_into(action_plans::table)
        .values(new)
        .returning(action_plans::all_columns)
        .get_result(conn)
}

/// A plan.
pub fn find_plan(conn: &mut DbConn, id: ActionPlanId) -> QueryResult<ActionPlan> {
    action_plans::table
        .find(id)
        .select(ActionPlan::as_select())
        .first(conn)
}

/// Changes a plan's goals and support (or neither), clears its endorsement and makes a new
/// version.
pub fn update_plan(
    conn: &mut DbConn,
    id: ActionPlanId,
    goals: &str,
    support: &str,
    at: NaiveDateTime,
) -> QueryResult<ActionPlan> {
    diesel::update(action_plans::table.find(id))
        .set((
            action_plans::goals.eq(goals),
            action_plans::support_needed.eq(support),
            action_plans::endorsed_by.eq(None::<UserId>),
            action_plans::endorsed_at.eq(None::<NaiveDateTime>),
            db::new_version!(action_plans, at),
        ))
        .returning(action_plans::all_columns)
        .get_result(conn)
}

/// Records a leader's endorsement as a new version.
pub fn endorse(
    conn: &mut DbConn,
    id: ActionPlanId,
    leader: UserId,
    at: NaiveDateTime,
) -> QueryResult<ActionPlan> {
    diesel::update(action_plans::table.find(id))
        .set((
            action_plans::endorsed_by.eq(Some(leader)),
            action_plans::endorsed_at.eq(Some(at)),
            db::new_version!(action_plans, at),
        ))
        .returning(action_plans::all_columns)
        .get_result(conn)
}

/// The steps of plans, in plan then position order.
pub fn steps(conn: &mut DbConn, plans: &[ActionPlanId]) -> QueryResult<Vec<PlanStep>> {
    action_plan_steps::table
        .filter(action_plan_steps::plan_id.eq_any(plans))
        .select(PlanStep::as_select())
        .order((
            action_plan_steps::plan_id.asc(),
            action_plan_steps::position.asc(),
        ))
        .load(conn)
}

/// Inserts steps.
pub fn insert_steps(conn: &mut DbConn, new: &[NewPlanStep]) -> QueryResult<usize> {
    let mut n = 0;
    for s in new {
        n += diesel::insert_into(action_plan_steps::table)
            .values(s)
            .execute(conn)?;
    }
    Ok(n)
}

/// Changes a step's place, title and day.
pub fn update_step(
    conn: &mut DbConn,
    id: PlanStepId,
    position: i32,
    title: &str,
    due_on: NaiveDate,
) -> QueryResult<usize> {
    diesel::update(action_plan_steps::table.find(id))
        .set((
            action_plan_steps::position.eq(position),
            action_plan_steps::title.eq(title),
            action_plan_steps::due_on.eq(due_on),
        ))
        .execute(conn)
}

/// Removes steps (none of them reported).
pub fn delete_steps(conn: &mut DbConn, ids: &[PlanStepId]) -> QueryResult<usize> {
    diesel::delete(action_plan_steps::table.filter(action_plan_steps::id.eq_any(ids))).execute(conn)
}

/// The steps among `ids` that a check-in reports on.
pub fn reported_steps(conn: &mut DbConn, ids: &[PlanStepId]) -> QueryResult<Vec<PlanStepId>> {
    check_in_reports::table
        .filter(check_in_reports::step_id.eq_any(ids))
        .select(check_in_reports::step_id)
        .distinct()
        .load(conn)
}

/// Which plans to list.
#[derive(Debug, Clone)]
pub enum PlanScope {
    /// A cohort's plans, all of them or only those of some unions or one author.
    Cohort {
        cohort: CohortId,
        organisations: Option<Vec<OrganisationId>>,
        author: Option<UserId>,
    },
    /// A union's plans, of one cohort or all.
    Organisation {
        organisation: OrganisationId,
        cohort: Option<CohortId>,
    },
}

/// One page of plans by id, after `after`, `limit` at most.
pub fn list_plans(
    conn: &mut DbConn,
    scope: &PlanScope,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ActionPlan>> {
    let mut q = action_plans::table
        .select(ActionPlan::as_select())
        .into_boxed();
    match scope {
        PlanScope::Cohort {
            cohort,
            organisations,
            author,
        } => {
            q = q.filter(action_plans::cohort_id.eq(*cohort));
            match (organisations, author) {
                (Some(orgs), Some(user)) => {
                    q = q.filter(
                        action_plans::organisation_id
                            .eq_any(orgs.clone())
                            .or(action_plans::user_id.eq(*user)),
                    );
                }
                (Some(orgs), None) => {
                    q = q.filter(action_plans::organisation_id.eq_any(orgs.clone()));
                }
                (None, Some(user)) => q = q.filter(action_plans::user_id.eq(*user)),
                (None, None) => {}
            }
        }
        PlanScope::Organisation {
            organisation,
            cohort,
        } => {
            q = q.filter(action_plans::organisation_id.eq(*organisation));
            if let Some(c) = cohort {
                q = q.filter(action_plans::cohort_id.eq(*c));
            }
        }
    }
    if let Some(after) = after {
        q = q.filter(action_plans::id.gt(ActionPlanId(after)));
    }
    q.order(action_plans::id.asc()).limit(limit).load(conn)
}

/// Display names of `ids`.
pub fn names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)
}

// ---------------------------------------------------------------- check-ins

/// Inserts a check-in (409 through the unique key when the round has one).
pub fn insert_check_in(conn: &mut DbConn, new: &NewCheckIn) -> QueryResult<CheckIn> {
    diesel::insert_into(check_ins::table)
        .values(new)
        .returning(check_ins::all_columns)
        .get_result(conn)
}

/// Whether the plan has a check-in for `round`.
pub fn has_check_in(conn: &mut DbConn, plan: ActionPlanId, round: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        check_ins::table
            .filter(check_ins::plan_id.eq(plan))
            .filter(check_ins::round.eq(round)),
    ))
    .get_result(conn)
}

/// A check-in.
pub fn find_check_in(conn: &mut DbConn, id: CheckInId) -> QueryResult<CheckIn> {
    check_ins::table
        .find(id)
        .select(CheckIn::as_select())
        .first(conn)
}

/// A plan's check-ins by round.
pub fn check_ins_of(conn: &mut DbConn, plan: ActionPlanId) -> QueryResult<Vec<CheckIn>> {
    check_ins::table
        .filter(check_ins::plan_id.eq(plan))
        .select(CheckIn::as_select())
        .order(check_ins::round.asc())
        .load(conn)
}

/// A new version of a check-in.
pub fn touch_check_in(conn: &mut DbConn, id: CheckInId, at: NaiveDateTime) -> QueryResult<CheckIn> {
    diesel::update(check_ins::table.find(id))
        .set(db::new_version!(check_ins, at))
        .returning(check_ins::all_columns)
        .get_result(conn)
}

/// The reports of check-ins, in check-in then id order.
pub fn reports(conn: &mut DbConn, check_ins: &[CheckInId]) -> QueryResult<Vec<Report>> {
    check_in_reports::table
        .filter(check_in_reports::check_in_id.eq_any(check_ins))
        .select(Report::as_select())
        .order((
            check_in_reports::check_in_id.asc(),
            check_in_reports::id.asc(),
        ))
        .load(conn)
}

/// One report.
pub fn find_report(conn: &mut DbConn, id: CheckInReportId) -> QueryResult<Report> {
    check_in_reports::table
        .find(id)
        .select(Report::as_select())
        .first(conn)
}

/// Inserts reports.
pub fn insert_reports(conn: &mut DbConn, new: &[NewReport]) -> QueryResult<usize> {
    let mut n = 0;
    for r in new {
        n += diesel::insert_into(check_in_reports::table)
            .values(r)
            .execute(conn)?;
    }
    Ok(n)
}

/// Removes reports.
pub fn delete_reports(conn: &mut DbConn, ids: &[CheckInReportId]) -> QueryResult<usize> {
    diesel::delete(check_in_reports::table.filter(check_in_reports::id.eq_any(ids))).execute(conn)
}

/// Records a leader's verdict on a report.
pub fn confirm(
    conn: &mut DbConn,
    id: CheckInReportId,
    state: Confirmation,
    note: Option<&str>,
    leader: UserId,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(check_in_reports::table.find(id))
        .set((
            check_in_reports::confirmation.eq(Some(state)),
            check_in_reports::confirmation_note.eq(note),
            check_in_reports::confirmed_by.eq(Some(leader)),
            check_in_reports::confirmed_at.eq(Some(at)),
        ))
        .execute(conn)
}

// ---------------------------------------------------------------- reminders

/// The cohort's plans without a check-in for `round` nor a reminder of it: id and author.
pub fn unreminded(
    conn: &mut DbConn,
    cohort: CohortId,
    round: i32,
) -> QueryResult<Vec<(ActionPlanId, UserId)>> {
    action_plans::table
        .filter(action_plans::cohort_id.eq(cohort))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            check_ins::table
                .filter(check_ins::plan_id.eq(action_plans::id))
                .filter(check_ins::round.eq(round)),
        )))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            check_in_reminders::table
                .filter(check_in_reminders::plan_id.eq(action_plans::id))
                .filter(check_in_reminders::round.eq(round)),
        )))
        .select((action_plans::id, action_plans::user_id))
        .order(action_plans::id.asc())
        .load(conn)
}

/// Claims the reminder of a plan's round; `false` when another instance has.
pub fn claim_reminder(
    conn: &mut DbConn,
    plan: ActionPlanId,
    round: i32,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        check_in_reminders::plan_id.eq(plan),
        check_in_reminders::round.eq(round),
        check_in_reminders::sent_at.eq(at),
    );
    Ok(db::insert_or_ignore!(conn, check_in_reminders::table, row)? == 1)
}

// ---------------------------------------------------------------- guidance

/// Inserts a guidance request.
pub fn insert_guidance(
    conn: &mut DbConn,
    new: &NewGuidanceRequest,
) -> QueryResult<GuidanceRequest> {
    diesel::insert_into(guidance_requests::table)
        .values(new)
        .returning(guidance_requests::all_columns)
        .get_result(conn)
}

/// A guidance request.
pub fn find_guidance(conn: &mut DbConn, id: GuidanceRequestId) -> QueryResult<GuidanceRequest> {
    guidance_requests::table
        .find(id)
        .select(GuidanceRequest::as_select())
        .first(conn)
}

/// Records an answer.
pub fn answer_guidance(
    conn: &mut DbConn,
    id: GuidanceRequestId,
    answer: &str,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<GuidanceRequest> {
    diesel::update(guidance_requests::table.find(id))
        .set((
            guidance_requests::answer.eq(Some(answer)),
            guidance_requests::answered_by.eq(Some(by)),
            guidance_requests::answered_at.eq(Some(at)),
            guidance_requests::state.eq(GuidanceState::Answered),
            db::new_version!(guidance_requests, at),
        ))
        .returning(guidance_requests::all_columns)
        .get_result(conn)
}

/// A plan's guidance requests by id (at most `limit`).
pub fn guidance_of_plan(
    conn: &mut DbConn,
    plan: ActionPlanId,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<GuidanceRequest>> {
    let mut q = guidance_requests::table
        .filter(guidance_requests::plan_id.eq(plan))
        .select(GuidanceRequest::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(guidance_requests::id.gt(GuidanceRequestId(after)));
    }
    q.order(guidance_requests::id.asc()).limit(limit).load(conn)
}

/// One page of a cohort's guidance requests by id.
pub fn guidance_of_cohort(
    conn: &mut DbConn,
    cohort: CohortId,
    state: Option<GuidanceState>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<GuidanceRequest>> {
    let mut q = guidance_requests::table
        .filter(guidance_requests::cohort_id.eq(cohort))
        .select(GuidanceRequest::as_select())
        .into_boxed();
    if let Some(state) = state {
        q = q.filter(guidance_requests::state.eq(state));
    }
    if let Some(after) = after {
        q = q.filter(guidance_requests::id.gt(GuidanceRequestId(after)));
    }
    q.order(guidance_requests::id.asc()).limit(limit).load(conn)
}

// ---------------------------------------------------------------- erasure

/// `user`'s plans.
pub fn plans_of(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<ActionPlan>> {
    action_plans::table
        .filter(action_plans::user_id.eq(user))
        .select(ActionPlan::as_select())
        .order(action_plans::id.asc())
        .load(conn)
}

/// What a plan amounts to as counts.
pub fn counts_of(conn: &mut DbConn, plan: &ActionPlan) -> QueryResult<ErasedCounts> {
    let steps: i64 = action_plan_steps::table
        .filter(action_plan_steps::plan_id.eq(plan.id))
        .count()
        .get_result(conn)?;
    let check_in_ids: Vec<CheckInId> = check_ins::table
        .filter(check_ins::plan_id.eq(plan.id))
        .select(check_ins::id)
        .load(conn)?;
    let reports = reports(conn, &check_in_ids)?;
    let count = |f: &dyn Fn(&Report) -> bool| -> i64 {
        i64::try_from(reports.iter().filter(|r| f(r)).count()).unwrap_or(i64::MAX)
    };
    let guidance: Vec<GuidanceState> = guidance_requests::table
        .filter(guidance_requests::plan_id.eq(plan.id))
        .select(guidance_requests::state)
        .load(conn)?;
    let len = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    Ok(ErasedCounts {
        plans: 1,
        endorsed_plans: i64::from(plan.endorsed_at.is_some()),
        steps,
        check_ins: len(check_in_ids.len()),
        reports_done: count(&|r| r.status == StepStatus::Done),
        reports_in_progress: count(&|r| r.status == StepStatus::InProgress),
        reports_dropped: count(&|r| r.status == StepStatus::Dropped),
        reports_confirmed: count(&|r| r.confirmation == Some(Confirmation::Confirmed)),
        reports_questioned: count(&|r| r.confirmation == Some(Confirmation::Questioned)),
        guidance_requests: len(guidance.len()),
        guidance_answered: len(guidance
            .iter()
            .filter(|s| **s == GuidanceState::Answered)
            .count()),
    })
}

/// Adds counts to a cohort's erased counts (the caller holds the cohort's key lock).
pub fn add_erased_counts(conn: &mut DbConn, cohort: CohortId, c: &ErasedCounts) -> QueryResult<()> {
    use followup_erased_counts as t;
    let exists: bool =
        diesel::select(diesel::dsl::exists(t::table.find(cohort))).get_result(conn)?;
    if !exists {
        diesel::insert_into(t::table)
            .values(t::cohort_id.eq(cohort))
            .execute(conn)?;
    }
    diesel::update(t::table.find(cohort))
        .set((
            t::plans.eq(t::plans + c.plans),
            t::endorsed_plans.eq(t::endorsed_plans + c.endorsed_plans),
            t::steps.eq(t::steps + c.steps),
            t::check_ins.eq(t::check_ins + c.check_ins),
            t::reports_done.eq(t::reports_done + c.reports_done),
            t::reports_in_progress.eq(t::reports_in_progress + c.reports_in_progress),
            t::reports_dropped.eq(t::reports_dropped + c.reports_dropped),
            t::reports_confirmed.eq(t::reports_confirmed + c.reports_confirmed),
            t::reports_questioned.eq(t::reports_questioned + c.reports_questioned),
            t::guidance_requests.eq(t::guidance_requests + c.guidance_requests),
            t::guidance_answered.eq(t::guidance_answered + c.guidance_answered),
        ))
        .execute(conn)?;
    Ok(())
}

/// A cohort's erased counts, if any member's were added.
pub fn erased_counts(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Option<ErasedCounts>> {
    use followup_erased_counts as t;
    t::table
        .find(cohort)
        .select((
            t::plans,
            t::endorsed_plans,
            t::steps,
            t::check_ins,
            t::reports_done,
            t::reports_in_progress,
            t::reports_dropped,
            t::reports_confirmed,
            t::reports_questioned,
            t::guidance_requests,
            t::guidance_answered,
        ))
        .first::<(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)>(conn)
        .optional()
        .map(|row| {
            row.map(|r| ErasedCounts {
                plans: r.0,
                endorsed_plans: r.1,
                steps: r.2,
                check_ins: r.3,
                reports_done: r.4,
                reports_in_progress: r.5,
                reports_dropped: r.6,
                reports_confirmed: r.7,
                reports_questioned: r.8,
                guidance_requests: r.9,
                guidance_answered: r.10,
            })
        })
}

/// Deletes a plan with its steps, check-ins, reports, guidance and reminder claims (in
/// the order the foreign keys need).
pub fn delete_plan(conn: &mut DbConn, plan: ActionPlanId) -> QueryResult<()> {
    let check_in_ids: Vec<CheckInId> = check_ins::table
        .filter(check_ins::plan_id.eq(plan))
        .select(check_ins::id)
        .load(conn)?;
    diesel::delete(
        check_in_reports::table.filter(check_in_reports::check_in_id.eq_any(&check_in_ids)),
    )
    .execute(conn)?;
    diesel::delete(check_ins::table.filter(check_ins::plan_id.eq(plan))).execute(conn)?;
    diesel::delete(guidance_requests::table.filter(guidance_requests::plan_id.eq(plan)))
        .execute(conn)?;
    diesel::delete(check_in_reminders::table.filter(check_in_reminders::plan_id.eq(plan)))
        .execute(conn)?;
    diesel::delete(action_plan_steps::table.filter(action_plan_steps::plan_id.eq(plan)))
        .execute(conn)?;
    diesel::delete(action_plans::table.find(plan)).execute(conn)?;
    Ok(())
}
