//! Queries on calls and their lists: `QueryResult`, nothing of HTTP.

use diesel::prelude::*;

use crate::accounts::model::CefrLevel;
use crate::cohorts::calls::model::{CallCountry, CallInput, CallOrganisation, CohortCall};
use crate::db::schema::{
    call_countries, cohort_calls, cohorts, courses, organisations, profile_cohorts,
    profile_courses, profile_languages, profile_union_roles,
};
use crate::db::{self, DbConn};
use crate::organisations::model::UnionRole;
use crate::types::{CohortId, CountryCode, CourseId, OrganisationId};

/// A cohort's call row.
pub fn find(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Option<CohortCall>> {
    cohort_calls::table
        .find(cohort)
        .select(CohortCall::as_select())
        .first(conn)
        .optional()
}

/// The organisations a call names, by id.
pub fn organisations(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<CallOrganisation>> {
    use crate::db::schema::call_organisations as co;
    co::table
        .filter(co::cohort_id.eq(cohort))
        .select((co::organisation_id, co::invited, co::places))
        .order(co::organisation_id.asc())
        .load(conn)
}

/// The countries a call names, by code.
pub fn countries(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<CallCountry>> {
    call_countries::table
        .filter(call_countries::cohort_id.eq(cohort))
        .select((
            call_countries::country,
            call_countries::invited,
            call_countries::places,
            call_countries::target_percent,
        ))
        .order(call_countries::country.asc())
        .load(conn)
}

/// The union roles a profile asks for.
pub fn union_roles(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<UnionRole>> {
    profile_union_roles::table
        .filter(profile_union_roles::cohort_id.eq(cohort))
        .select(profile_union_roles::union_role)
        .order(profile_union_roles::union_role.asc())
        .load(conn)
}

/// The languages a profile asks for, with their least levels.
pub fn languages(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<(String, CefrLevel)>> {
    profile_languages::table
        .filter(profile_languages::cohort_id.eq(cohort))
        .select((profile_languages::language, profile_languages::min_level))
        .order(profile_languages::language.asc())
        .load(conn)
}

/// The courses a profile asks to have completed.
pub fn prerequisite_courses(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<CourseId>> {
    profile_courses::table
        .filter(profile_courses::cohort_id.eq(cohort))
        .select(profile_courses::course_id)
        .order(profile_courses::course_id.asc())
        .load(conn)
}

/// The cohorts a profile asks to have taken part in.
pub fn prerequisite_cohorts(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<CohortId>> {
    profile_cohorts::table
        .filter(profile_cohorts::cohort_id.eq(cohort))
        .select(profile_cohorts::required_cohort_id)
        .order(profile_cohorts::required_cohort_id.asc())
        .load(conn)
}

/// Writes a call's row (insert or replace) and replaces every list it holds.
pub fn write(conn: &mut DbConn, row: &CohortCall, call: &CallInput) -> QueryResult<()> {
    use crate::db::schema::call_organisations as co;
    let id = row.cohort_id;
    db::update_or_insert!(
        conn,
        cohort_calls::table.find(id),
        (
            cohort_calls::deadline.eq(row.deadline),
            cohort_calls::members_may_apply.eq(row.members_may_apply),
            cohort_calls::min_age.eq(row.min_age),
            cohort_calls::max_age.eq(row.max_age),
            cohort_calls::target_women_percent.eq(row.target_women_percent),
            cohort_calls::target_under_35_percent.eq(row.target_under_35_percent),
            cohort_calls::notes.eq(&row.notes),
            cohort_calls::updated_at.eq(row.updated_at),
            cohort_calls::version.eq(row.version),
        ),
        cohort_calls::table,
        row,
    )?;
    diesel::delete(co::table.filter(co::cohort_id.eq(id))).execute(conn)?;
    for o in &call.organisations {
        diesel::insert_into(co::table)
            .values((
                co::cohort_id.eq(id),
                co::organisation_id.eq(o.organisation_id),
                co::invited.eq(o.invited),
                co::places.eq(o.places),
            ))
            .execute(conn)?;
    }
    diesel::delete(call_countries::table.filter(call_countries::cohort_id.eq(id))).execute(conn)?;
    for c in &call.countries {
        diesel::insert_into(call_countries::table)
            .values((
                call_countries::cohort_id.eq(id),
                call_countries::country.eq(c.country),
                call_countries::invited.eq(c.invited),
                call_countries::places.eq(c.places),
                call_countries::target_percent.eq(c.target_percent),
            ))
            .execute(conn)?;
    }
    let p = &call.profile;
    diesel::delete(profile_union_roles::table.filter(profile_union_roles::cohort_id.eq(id)))
        .execute(conn)?;
    for role in &p.union_roles {
        diesel::insert_into(profile_union_roles::table)
            .values((
                profile_union_roles::cohort_id.eq(id),
                profile_union_roles::union_role.eq(*role),
            ))
            .execute(conn)?;
    }
    diesel::delete(profile_languages::table.filter(profile_languages::cohort_id.eq(id)))
        .execute(conn)?;
    for (language, level) in &p.languages {
        diesel::insert_into(profile_languages::table)
            .values((
                profile_languages::cohort_id.eq(id),
                profile_languages::language.eq(language),
                profile_languages::min_level.eq(*level),
            ))
            .execute(conn)?;
    }
    diesel::delete(profile_courses::table.filter(profile_courses::cohort_id.eq(id)))
        .execute(conn)?;
    for course in &p.course_ids {
        diesel::insert_into(profile_courses::table)
            .values((
                profile_courses::cohort_id.eq(id),
                profile_courses::course_id.eq(*course),
            ))
            .execute(conn)?;
    }
    diesel::delete(profile_cohorts::table.filter(profile_cohorts::cohort_id.eq(id)))
        .execute(conn)?;
    for cohort in &p.cohort_ids {
        diesel::insert_into(profile_cohorts::table)
            .values((
                profile_cohorts::cohort_id.eq(id),
                profile_cohorts::required_cohort_id.eq(*cohort),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The country of each existing organisation of `ids`.
pub fn organisation_countries(
    conn: &mut DbConn,
    ids: &[OrganisationId],
) -> QueryResult<Vec<(OrganisationId, CountryCode)>> {
    organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::country))
        .load(conn)
}

/// The existing (not deleted) courses of `ids`.
pub fn existing_courses(conn: &mut DbConn, ids: &[CourseId]) -> QueryResult<Vec<CourseId>> {
    courses::table
        .filter(courses::id.eq_any(ids))
        .filter(courses::deleted_at.is_null())
        .select(courses::id)
        .load(conn)
}

/// The existing cohorts of `ids`.
pub fn existing_cohorts(conn: &mut DbConn, ids: &[CohortId]) -> QueryResult<Vec<CohortId>> {
    cohorts::table
        .filter(cohorts::id.eq_any(ids))
        .select(cohorts::id)
        .load(conn)
}
