//! Queries of dashboards: a few per dashboard whatever its size (id lists cut into chunks
//! SQLite binds), and the one read of stamps that tells whether kept figures still hold.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::accounts::model::Gender;
use crate::assessment::surveys::model::ItemKind;
use crate::cohorts::nominations::model::NominationStatus;
use crate::db::DbConn;
use crate::db::schema::{
    action_plans, certificates, check_in_reports, check_ins, cohort_courses, cohorts,
    course_modules, dashboard_stamps, enrolments, followup_schedules, indicator_reports,
    lesson_completions, lessons, memberships, nominations, organisations, pre_post_tests,
    programme_cohorts, programme_courses, survey_answers, survey_items, survey_respondents,
    survey_responses, surveys, users,
};
use crate::followup::model::{Confirmation, StepStatus};
use crate::organisations::model::MembershipStatus;
use crate::types::{
    CohortId, CountryCode, CourseId, IsicSection, LessonId, OrganisationId, ProgrammeId, SurveyId,
    UserId,
};

/// An organisation: id, name, country, ISIC section.
pub type OrganisationRow = (OrganisationId, String, CountryCode, Option<IsicSection>);

/// A step report: cohort, author, status, confirmation.
pub type ReportRow = (CohortId, UserId, StepStatus, Option<Confirmation>);

/// A scale answer: response, respondent, value, the item's scale.
pub type AnswerRow = (String, Option<UserId>, i32, i32);

/// An indicator report: organisation and its five figures.
pub type IndicatorRow = (OrganisationId, i32, i32, i32, i32, i32);

/// Ids bound in one `IN (…)` list at most (SQLite refuses more than 32,766 bound values).
const CHUNK: usize = 10_000;

/// Runs `query` over `ids` cut into chunks of at most [`CHUNK`], the rows of all of them.
pub fn chunked<I, T>(
    ids: &[I],
    mut query: impl FnMut(&[I]) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        rows.extend(query(chunk)?);
    }
    Ok(rows)
}

/// A nomination with what the breakdowns need: nomination id, cohort, person, union,
/// status, the person's country, gender and birth year.
pub type NominationRow = (
    i64,
    CohortId,
    UserId,
    OrganisationId,
    NominationStatus,
    Option<String>,
    Option<Gender>,
    Option<i32>,
);

/// Where nominations come from.
#[derive(Debug, Clone, Copy)]
pub enum NominationsOf<'a> {
    /// These cohorts'.
    Cohorts(&'a [CohortId]),
    /// Every nomination by this union.
    Organisation(OrganisationId),
}

/// Nominations (any state) of `of`, only those of the unions `only` when given, with id
/// above `after`, at most `limit` (by id).
pub fn nominations_page(
    conn: &mut DbConn,
    of: NominationsOf<'_>,
    only: Option<&[OrganisationId]>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<NominationRow>> {
    let mut q = nominations::table
        .inner_join(users::table.on(users::id.eq(nominations::nominee_id)))
        .filter(nominations::id.gt(after))
        .select((
            nominations::id,
            nominations::cohort_id,
            users::id,
            nominations::organisation_id,
            nominations::status,
            users::country,
            users::gender,
            users::birth_year,
        ))
        .into_boxed();
    match of {
        NominationsOf::Cohorts(ids) => q = q.filter(nominations::cohort_id.eq_any(ids.to_vec())),
        NominationsOf::Organisation(org) => q = q.filter(nominations::organisation_id.eq(org)),
    }
    if let Some(only) = only {
        q = q.filter(nominations::organisation_id.eq_any(only.to_vec()));
    }
    q.order(nominations::id.asc()).limit(limit).load(conn)
}

/// Every nomination of `of` (as [`nominations_page`]), in pages of [`CHUNK`].
pub fn nominations(
    conn: &mut DbConn,
    of: NominationsOf<'_>,
    only: Option<&[OrganisationId]>,
) -> QueryResult<Vec<NominationRow>> {
    let mut rows: Vec<NominationRow> = Vec::new();
    loop {
        let after = rows.last().map_or(0, |r| r.0);
        let page = nominations_page(conn, of, only, after, CHUNK as i64)?;
        let done = page.len() < CHUNK;
        rows.extend(page);
        if done {
            return Ok(rows);
        }
    }
}

/// The first and last day of the cohorts `ids`.
pub fn cohort_dates(
    conn: &mut DbConn,
    ids: &[CohortId],
) -> QueryResult<Vec<(CohortId, NaiveDate, NaiveDate)>> {
    chunked(ids, |ids| {
        cohorts::table
            .filter(cohorts::id.eq_any(ids))
            .select((cohorts::id, cohorts::starts_on, cohorts::ends_on))
            .load(conn)
    })
}

/// The follow-up schedules of the cohorts `ids` that are stored (others follow the
/// default): cohort and stored offsets.
pub fn schedules(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<(CohortId, String)>> {
    chunked(ids, |ids| {
        followup_schedules::table
            .filter(followup_schedules::cohort_id.eq_any(ids))
            .select((followup_schedules::cohort_id, followup_schedules::offsets))
            .load(conn)
    })
}

/// The courses of the cohorts `ids`.
pub fn cohort_courses(
    conn: &mut DbConn,
    ids: &[CohortId],
) -> QueryResult<Vec<(CohortId, CourseId)>> {
    chunked(ids, |ids| {
        cohort_courses::table
            .filter(cohort_courses::cohort_id.eq_any(ids))
            .select((cohort_courses::cohort_id, cohort_courses::course_id))
            .load(conn)
    })
}

/// The cohorts a union nominated anyone to.
pub fn cohorts_nominated_by(conn: &mut DbConn, org: OrganisationId) -> QueryResult<Vec<CohortId>> {
    nominations::table
        .filter(nominations::organisation_id.eq(org))
        .select(nominations::cohort_id)
        .distinct()
        .order(nominations::cohort_id.asc())
        .load(conn)
}

/// The cohorts that run `course`.
pub fn cohorts_running(conn: &mut DbConn, course: CourseId) -> QueryResult<Vec<CohortId>> {
    cohort_courses::table
        .filter(cohort_courses::course_id.eq(course))
        .select(cohort_courses::cohort_id)
        .order(cohort_courses::cohort_id.asc())
        .load(conn)
}

/// Name, country and ISIC section of the organisations `ids`.
pub fn organisations(
    conn: &mut DbConn,
    ids: &[OrganisationId],
) -> QueryResult<Vec<OrganisationRow>> {
    chunked(ids, |ids| {
        organisations::table
            .filter(organisations::id.eq_any(ids))
            .select((
                organisations::id,
                organisations::name,
                organisations::country,
                organisations::sector_code,
            ))
            .load(conn)
    })
}

/// Who completed at least one lesson of each of `courses` (person, course), of `people`.
pub fn started(
    conn: &mut DbConn,
    courses: &[CourseId],
    people: &[UserId],
) -> QueryResult<Vec<(UserId, CourseId)>> {
    chunked(people, |people| {
        lesson_completions::table
            .filter(lesson_completions::course_id.eq_any(courses))
            .filter(lesson_completions::user_id.eq_any(people))
            .select((lesson_completions::user_id, lesson_completions::course_id))
            .distinct()
            .load(conn)
    })
}

/// Who completed each of `courses` (person, course), of `people`.
pub fn completed(
    conn: &mut DbConn,
    courses: &[CourseId],
    people: &[UserId],
) -> QueryResult<Vec<(UserId, CourseId)>> {
    chunked(people, |people| {
        enrolments::table
            .filter(enrolments::course_id.eq_any(courses))
            .filter(enrolments::user_id.eq_any(people))
            .filter(enrolments::completed_at.is_not_null())
            .filter(enrolments::deleted_at.is_null())
            .select((enrolments::user_id, enrolments::course_id))
            .load(conn)
    })
}

/// A learner: person, country, gender, birth year, when they enrolled.
pub type LearnerRow = (
    UserId,
    Option<String>,
    Option<Gender>,
    Option<i32>,
    NaiveDateTime,
);

/// The learners enrolled in `course`, with their account's country, gender, birth year
/// and when they enrolled.
pub fn enrolled(conn: &mut DbConn, course: CourseId) -> QueryResult<Vec<LearnerRow>> {
    enrolments::table
        .inner_join(users::table.on(users::id.eq(enrolments::user_id)))
        .filter(enrolments::course_id.eq(course))
        .filter(enrolments::deleted_at.is_null())
        .select((
            users::id,
            users::country,
            users::gender,
            users::birth_year,
            enrolments::created_at,
        ))
        .order(users::id.asc())
        .load(conn)
}

/// The approved memberships of `people` (person, organisation), by organisation id.
pub fn memberships_of(
    conn: &mut DbConn,
    people: &[UserId],
) -> QueryResult<Vec<(UserId, OrganisationId)>> {
    chunked(people, |people| {
        memberships::table
            .filter(memberships::user_id.eq_any(people))
            .filter(memberships::status.eq(MembershipStatus::Approved))
            .select((memberships::user_id, memberships::organisation_id))
            .order(memberships::organisation_id.asc())
            .load(conn)
    })
}

/// Certificates not revoked of the cohorts `ids` held by `people` (cohort, holder).
pub fn certified_in_cohorts(
    conn: &mut DbConn,
    ids: &[CohortId],
    people: &[UserId],
) -> QueryResult<Vec<(Option<CohortId>, UserId)>> {
    chunked(people, |people| {
        certificates::table
            .filter(certificates::cohort_id.eq_any(ids))
            .filter(certificates::user_id.eq_any(people))
            .filter(certificates::revoked_at.is_null())
            .select((certificates::cohort_id, certificates::user_id))
            .load(conn)
    })
}

/// Holders of a course certificate not revoked.
pub fn certified_in_course(conn: &mut DbConn, course: CourseId) -> QueryResult<Vec<UserId>> {
    certificates::table
        .filter(certificates::course_id.eq(course))
        .filter(certificates::revoked_at.is_null())
        .select(certificates::user_id)
        .load(conn)
}

/// Action plans of the cohorts `ids` by `people` (cohort, author).
pub fn plans(
    conn: &mut DbConn,
    ids: &[CohortId],
    people: &[UserId],
) -> QueryResult<Vec<(CohortId, UserId)>> {
    chunked(people, |people| {
        action_plans::table
            .filter(action_plans::cohort_id.eq_any(ids))
            .filter(action_plans::user_id.eq_any(people))
            .select((action_plans::cohort_id, action_plans::user_id))
            .load(conn)
    })
}

/// Plans of the cohorts `ids` by `people` with at least one check-in (cohort, author).
pub fn checked_in(
    conn: &mut DbConn,
    ids: &[CohortId],
    people: &[UserId],
) -> QueryResult<Vec<(CohortId, UserId)>> {
    chunked(people, |people| {
        check_ins::table
            .inner_join(action_plans::table)
            .filter(action_plans::cohort_id.eq_any(ids))
            .filter(action_plans::user_id.eq_any(people))
            .select((action_plans::cohort_id, action_plans::user_id))
            .distinct()
            .load(conn)
    })
}

/// The rounds people checked in for on their plans in the cohorts `ids` (cohort, author,
/// round).
pub fn check_in_rounds(
    conn: &mut DbConn,
    ids: &[CohortId],
    people: &[UserId],
) -> QueryResult<Vec<(CohortId, UserId, i32)>> {
    chunked(people, |people| {
        check_ins::table
            .inner_join(action_plans::table)
            .filter(action_plans::cohort_id.eq_any(ids))
            .filter(action_plans::user_id.eq_any(people))
            .select((
                action_plans::cohort_id,
                action_plans::user_id,
                check_ins::round,
            ))
            .distinct()
            .load(conn)
    })
}

/// Reports of check-ins of the cohorts `ids` by `people`: cohort, author, status,
/// confirmation.
pub fn reports(
    conn: &mut DbConn,
    ids: &[CohortId],
    people: &[UserId],
) -> QueryResult<Vec<ReportRow>> {
    chunked(people, |people| {
        check_in_reports::table
            .inner_join(check_ins::table.inner_join(action_plans::table))
            .filter(action_plans::cohort_id.eq_any(ids))
            .filter(action_plans::user_id.eq_any(people))
            .select((
                action_plans::cohort_id,
                action_plans::user_id,
                check_in_reports::status,
                check_in_reports::confirmation,
            ))
            .load(conn)
    })
}

/// A survey: id, cohort, course.
pub type SurveyRow = (SurveyId, Option<CohortId>, Option<CourseId>);

/// Surveys of the cohorts or courses: id, cohort, course.
pub fn surveys(
    conn: &mut DbConn,
    cohort_ids: &[CohortId],
    course_ids: &[CourseId],
) -> QueryResult<Vec<SurveyRow>> {
    let mut rows = chunked(cohort_ids, |ids| {
        surveys::table
            .filter(surveys::cohort_id.eq_any(ids))
            .select((surveys::id, surveys::cohort_id, surveys::course_id))
            .load(conn)
    })?;
    rows.extend(chunked(course_ids, |ids| {
        surveys::table
            .filter(surveys::course_id.eq_any(ids))
            .filter(surveys::cohort_id.is_null())
            .select((surveys::id, surveys::cohort_id, surveys::course_id))
            .load::<SurveyRow>(conn)
    })?);
    Ok(rows)
}

/// Who answered the surveys `ids` (survey, person).
pub fn respondents(conn: &mut DbConn, ids: &[SurveyId]) -> QueryResult<Vec<(SurveyId, UserId)>> {
    chunked(ids, |ids| {
        survey_respondents::table
            .filter(survey_respondents::survey_id.eq_any(ids))
            .select((survey_respondents::survey_id, survey_respondents::user_id))
            .load(conn)
    })
}

/// Rating and Likert answers of the surveys `ids`: response, respondent (none when
/// anonymous), value, the item's scale.
pub fn scale_answers(conn: &mut DbConn, ids: &[SurveyId]) -> QueryResult<Vec<AnswerRow>> {
    chunked(ids, |ids| {
        survey_answers::table
            .inner_join(survey_items::table)
            .inner_join(
                survey_responses::table.on(survey_responses::id.eq(survey_answers::response_id)),
            )
            .filter(survey_items::survey_id.eq_any(ids))
            .filter(survey_items::kind.eq_any([ItemKind::Likert, ItemKind::Rating]))
            .filter(survey_answers::value.is_not_null())
            .select((
                survey_answers::response_id,
                survey_responses::respondent_id,
                survey_answers::value.assume_not_null(),
                survey_items::scale_max,
            ))
            .load(conn)
    })
}

/// Pre/post tests of `courses`: cohort (none: for every learner), pre and post lessons.
pub fn prepost_tests(
    conn: &mut DbConn,
    courses: &[CourseId],
) -> QueryResult<Vec<(Option<CohortId>, LessonId, LessonId)>> {
    chunked(courses, |ids| {
        pre_post_tests::table
            .filter(pre_post_tests::course_id.eq_any(ids))
            .select((
                pre_post_tests::cohort_id,
                pre_post_tests::pre_lesson_id,
                pre_post_tests::post_lesson_id,
            ))
            .load(conn)
    })
}

/// A quarter, as indicator reports name them: (year, quarter 1-4).
pub type Quarter = (i32, i32);

/// Indicator reports of the organisations `ids` for the quarters from `from` to `to`
/// (both included; `None`: every quarter): organisation, members recruited, agreements
/// signed and improved, policies adopted, trainings run.
pub fn indicators(
    conn: &mut DbConn,
    ids: &[OrganisationId],
    window: Option<(Quarter, Quarter)>,
) -> QueryResult<Vec<IndicatorRow>> {
    chunked(ids, |ids| {
        let mut q = indicator_reports::table
            .filter(indicator_reports::organisation_id.eq_any(ids))
            .into_boxed();
        if let Some(((from_year, from_q), (to_year, to_q))) = window {
            // (year, quarter) >= from and <= to, written without row comparisons.
            q = q
                .filter(
                    indicator_reports::year
                        .gt(from_year)
                        .or(indicator_reports::year
                            .eq(from_year)
                            .and(indicator_reports::quarter.ge(from_q))),
                )
                .filter(
                    indicator_reports::year
                        .lt(to_year)
                        .or(indicator_reports::year
                            .eq(to_year)
                            .and(indicator_reports::quarter.le(to_q))),
                );
        }
        q.select((
            indicator_reports::organisation_id,
            indicator_reports::members_recruited,
            indicator_reports::agreements_signed,
            indicator_reports::agreements_improved,
            indicator_reports::policies_adopted,
            indicator_reports::trainings_run,
        ))
        .load(conn)
    })
}

/// The lessons of `course` in course order (modules, then lessons), not deleted.
pub fn lessons_in_order(conn: &mut DbConn, course: CourseId) -> QueryResult<Vec<LessonId>> {
    lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::course_id.eq(course))
        .filter(lessons::deleted_at.is_null())
        .filter(course_modules::deleted_at.is_null())
        .select(lessons::id)
        .order((
            course_modules::position.asc(),
            lessons::position.asc(),
            lessons::id.asc(),
        ))
        .load(conn)
}

/// Completed lessons of `course` (person, lesson).
pub fn lesson_completions(
    conn: &mut DbConn,
    course: CourseId,
) -> QueryResult<Vec<(UserId, LessonId)>> {
    lesson_completions::table
        .filter(lesson_completions::course_id.eq(course))
        .select((lesson_completions::user_id, lesson_completions::lesson_id))
        .load(conn)
}

/// What a dashboard's stamp is read over: the subject, whose cohorts and courses are
/// found by the stamp query itself (no list of ids travels to the database and back).
#[derive(Debug, Clone, Copy)]
pub enum StampOf {
    Cohort(CohortId),
    Course(CourseId),
    Programme(ProgrammeId),
    Organisation(OrganisationId),
}

/// The stamp of what a dashboard counts: the sum and number of the counters in
/// `dashboard_stamps` (kept by triggers, see the migration `000051_dashboard_stamps`) of
/// `all`, of the subject's cohorts and of their courses (and a programme's own courses).
/// Any change of a row counted bumps one of them (counters only grow), and a cohort or
/// course joining or leaving the subject changes their number; a programme's membership
/// also bumps the programme's version, which the caller adds. Three aggregate reads by
/// primary key, whatever the number of cohorts. Also the sum of the versions of the
/// cohorts' stored follow-up schedules (a schedule decides which check-ins are due; its
/// changes bump no stamp).
pub fn stamp(conn: &mut DbConn, of: StampOf) -> QueryResult<(i64, i64, i64)> {
    use diesel::dsl::{count_star, sql};
    use diesel::sql_types::BigInt;
    let sum = || sql::<BigInt>("CAST(COALESCE(SUM(n), 0) AS BIGINT)");
    let all: (i64, i64) = dashboard_stamps::table
        .filter(dashboard_stamps::scope.eq("all"))
        .select((sum(), count_star()))
        .get_result(conn)?;
    // The counters of a set of cohorts and of their courses; `$ids` is a subquery of
    // cohort ids, written out at each use.
    macro_rules! over_cohorts {
        ($ids:expr) => {{
            let of_cohorts: (i64, i64) = dashboard_stamps::table
                .filter(dashboard_stamps::scope.eq("cohort"))
                .filter(dashboard_stamps::scope_id.eq_any($ids))
                .select((sum(), count_star()))
                .get_result(conn)?;
            let of_courses: (i64, i64) = dashboard_stamps::table
                .filter(dashboard_stamps::scope.eq("course"))
                .filter(
                    dashboard_stamps::scope_id.eq_any(
                        cohort_courses::table
                            .filter(cohort_courses::cohort_id.eq_any($ids))
                            .select(cohort_courses::course_id),
                    ),
                )
                .select((sum(), count_star()))
                .get_result(conn)?;
            let schedules: Vec<i64> = followup_schedules::table
                .filter(followup_schedules::cohort_id.eq_any($ids))
                .select(followup_schedules::version)
                .load(conn)?;
            (
                vec![of_cohorts, of_courses],
                schedules.into_iter().sum::<i64>(),
            )
        }};
    }
    let course = |conn: &mut DbConn, id: CourseId| -> QueryResult<(i64, i64)> {
        dashboard_stamps::table
            .filter(dashboard_stamps::scope.eq("course"))
            .filter(dashboard_stamps::scope_id.eq(id.get()))
            .select((sum(), count_star()))
            .get_result(conn)
    };
    let (parts, schedules): (Vec<(i64, i64)>, i64) = match of {
        StampOf::Course(id) => (vec![course(conn, id)?], 0),
        StampOf::Cohort(id) => over_cohorts!(
            cohorts::table
                .filter(cohorts::id.eq(id))
                .select(cohorts::id)
        ),
        StampOf::Programme(id) => {
            let (mut parts, schedules) = over_cohorts!(
                programme_cohorts::table
                    .filter(programme_cohorts::programme_id.eq(id))
                    .select(programme_cohorts::cohort_id)
            );
            parts.push(
                dashboard_stamps::table
                    .filter(dashboard_stamps::scope.eq("course"))
                    .filter(
                        dashboard_stamps::scope_id.eq_any(
                            programme_courses::table
                                .filter(programme_courses::programme_id.eq(id))
                                .select(programme_courses::course_id),
                        ),
                    )
                    .select((sum(), count_star()))
                    .get_result(conn)?,
            );
            (parts, schedules)
        }
        StampOf::Organisation(id) => over_cohorts!(
            nominations::table
                .filter(nominations::organisation_id.eq(id))
                .select(nominations::cohort_id)
        ),
    };
    let (sum, n) = parts
        .into_iter()
        .fold(all, |(s, n), (s2, n2)| (s.wrapping_add(s2), n + n2));
    Ok((sum, n, schedules))
}

/// Display names and emails of `people`.
pub fn names(
    conn: &mut DbConn,
    people: &[UserId],
) -> QueryResult<Vec<(UserId, String, Option<String>)>> {
    chunked(people, |people| {
        users::table
            .filter(users::id.eq_any(people))
            .select((users::id, users::display_name, users::email))
            .load(conn)
    })
}
