//! Call use cases: read a cohort's call, write it whole. Each runs inside the caller's one
//! transaction and asks `auth::policy` with the actor's current role.

use std::collections::{HashMap, HashSet};

use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed, authorize};
use crate::cohorts::calls::dto::CallResponse;
use crate::cohorts::calls::model::{CallInput, CohortCall, Profile};
use crate::cohorts::calls::repo;
use crate::cohorts::model::{Cohort, CohortStatus};
use crate::cohorts::repo as cohorts;
use crate::db::{self, DbConn, now};
use crate::error::{ApiError, Fields};
use crate::http::etag::{IfMatch, Versioned};
use crate::types::{CohortId, CountryCode, OrganisationId};

use crate::db::Written;

/// A call as answered, with its entity tag.
#[derive(Debug)]
pub struct CallView {
    pub body: CallResponse,
    pub etag: String,
}

/// A stored call: its row and its whole content.
#[derive(Debug, Clone)]
pub struct StoredCall {
    pub row: CohortCall,
    pub input: CallInput,
}

impl StoredCall {
    /// Whether nominations are taken now: the cohort is open and the deadline to come.
    pub fn is_open(&self, cohort: &Cohort) -> bool {
        cohort.status == CohortStatus::NominationsOpen && now() <= self.row.deadline
    }
}

/// A cohort's call, whole, if it has one.
pub fn stored(conn: &mut DbConn, cohort: CohortId) -> Result<Option<StoredCall>, ApiError> {
    let Some(row) = repo::find(conn, cohort)? else {
        return Ok(None);
    };
    let input = CallInput {
        deadline: row.deadline,
        members_may_apply: row.members_may_apply,
        organisations: repo::organisations(conn, cohort)?,
        countries: repo::countries(conn, cohort)?,
        profile: Profile {
            union_roles: repo::union_roles(conn, cohort)?,
            languages: repo::languages(conn, cohort)?,
            course_ids: repo::prerequisite_courses(conn, cohort)?,
            cohort_ids: repo::prerequisite_cohorts(conn, cohort)?,
            min_age: row.min_age,
            max_age: row.max_age,
            target_women_percent: row.target_women_percent,
            target_under_35_percent: row.target_under_35_percent,
            notes: row.notes.clone(),
        },
    };
    Ok(Some(StoredCall { row, input }))
}

fn view(cohort: &Cohort, call: &StoredCall) -> CallView {
    CallView {
        body: CallResponse::of(
            cohort.id,
            &call.input,
            cohort.status != CohortStatus::Planning,
            call.is_open(cohort),
            call.row.created_at.and_utc(),
            call.row.updated_at.and_utc(),
        ),
        etag: call.row.etag(),
    }
}

/// A cohort's call. Until the cohort opens nominations the call is a draft that only
/// those who may write it read (404 for anyone else).
pub fn get(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    cohort_id: CohortId,
) -> Result<CallView, ApiError> {
    let cohort = cohorts::find(conn, cohort_id)?.ok_or(ApiError::NotFound)?;
    let call = stored(conn, cohort_id)?.ok_or(ApiError::NotFound)?;
    let may_write = reader.is_some_and(|r| allowed(r, Action::WriteCall));
    if cohort.status == CohortStatus::Planning && !may_write {
        return Err(ApiError::NotFound);
    }
    Ok(view(&cohort, &call))
}

/// 422 naming each organisation, course and cohort of `call` the database does not know,
/// or a quota for an organisation the call does not invite.
fn check_references(conn: &mut DbConn, cohort: CohortId, call: &CallInput) -> Result<(), ApiError> {
    let mut f = Fields::default();
    let ids: Vec<OrganisationId> = call
        .organisations
        .iter()
        .map(|o| o.organisation_id)
        .collect();
    let countries: HashMap<OrganisationId, CountryCode> = repo::organisation_countries(conn, &ids)?
        .into_iter()
        .collect();
    for o in &call.organisations {
        let field = if o.invited {
            "invited_organisation_ids"
        } else {
            "organisation_quotas"
        };
        match countries.get(&o.organisation_id) {
            None => f.push(
                field,
                "unknown_organisation",
                format!("there is no organisation {}", o.organisation_id),
            ),
            Some(country) if !call.invites(o.organisation_id, country) => f.push(
                "organisation_quotas",
                "not_invited",
                format!(
                    "organisation {} is not invited (neither listed nor of an invited country)",
                    o.organisation_id
                ),
            ),
            Some(_) => {}
        }
    }
    let p = &call.profile;
    let courses: HashSet<_> = repo::existing_courses(conn, &p.course_ids)?
        .into_iter()
        .collect();
    for id in p.course_ids.iter().filter(|id| !courses.contains(id)) {
        f.push(
            "profile.prerequisite_course_ids",
            "unknown_course",
            format!("there is no course {id}"),
        );
    }
    let cohorts: HashSet<_> = repo::existing_cohorts(conn, &p.cohort_ids)?
        .into_iter()
        .collect();
    for id in &p.cohort_ids {
        if *id == cohort || !cohorts.contains(id) {
            f.push(
                "profile.prerequisite_cohort_ids",
                "unknown_cohort",
                format!("cohort {id} is not another existing cohort"),
            );
        }
    }
    f.finish()
}

/// Writes a cohort's call whole (coordinators, admins), while the cohort is in `planning`
/// or `nominations_open` (409 `call_closed` after), if it is still the version `if_match`
/// names. The same content again changes nothing.
pub fn put(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    call: CallInput,
    if_match: Option<&IfMatch>,
) -> Result<(CallView, Written), ApiError> {
    authorize(actor, Action::WriteCall)?;
    db::lock_row(conn, "cohorts", cohort_id.get())?;
    let cohort = cohorts::find(conn, cohort_id)?.ok_or(ApiError::NotFound)?;
    let current = stored(conn, cohort_id)?;
    match (&current, if_match) {
        (Some(c), _) => c.row.check_if_match(if_match)?,
        (None, Some(_)) => return Err(ApiError::PreconditionFailed),
        (None, None) => {}
    }
    if !matches!(
        cohort.status,
        CohortStatus::Planning | CohortStatus::NominationsOpen
    ) {
        return Err(ApiError::Conflict {
            code: "call_closed",
            detail: format!(
                "a cohort in `{}` took its nominations; its call is kept as it was",
                cohort.status
            ),
        });
    }
    if call.deadline.date() > cohort.starts_on {
        return Err(ApiError::invalid_field(
            "deadline",
            "deadline_after_start",
            format!(
                "nominations must close by the cohort's first day ({})",
                cohort.starts_on
            ),
        ));
    }
    if let Some(c) = &current
        && c.input == call
    {
        return Ok((view(&cohort, c), Written::Unchanged));
    }
    check_references(conn, cohort_id, &call)?;
    let at = now();
    let (row, written) = match &current {
        Some(c) => (
            call.row(cohort_id, c.row.version + 1, c.row.created_at, at),
            Written::Changed,
        ),
        None => (call.row(cohort_id, 1, at, at), Written::Created),
    };
    repo::write(conn, &row, &call)?;
    let stored = StoredCall { row, input: call };
    Ok((view(&cohort, &stored), written))
}
