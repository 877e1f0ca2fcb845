//! Use cases of programmes: create, change, read, list, and their cohorts and courses.

use std::collections::HashMap;

use crate::auth::AuthUser;
use crate::auth::policy::{self, Action, allowed};
use crate::cohorts::nominations::repo::led_organisations;
use crate::db::{self, DbConn, now};
use crate::error::ApiError;
use crate::http::etag::{IfMatch, Versioned};
use crate::http::pagination::{Page, PageRequest};
use crate::programmes::dto::check_dates;
use crate::programmes::model::{
    Member, NewProgramme, Programme, ProgrammeChanges, ProgrammeInput, ProgrammePatch,
    ProgrammeView,
};
use crate::programmes::repo;
use crate::types::{CohortId, CourseId, ProgrammeId};

/// The sort a list cursor of programmes is made for (newest first).
pub const NEWEST_FIRST: &str = "-id";

/// Whether `actor` may read programmes (coordinators, admins, union leaders).
pub fn may_read(conn: &mut DbConn, actor: &AuthUser) -> Result<bool, ApiError> {
    if allowed(actor, Action::WriteProgrammes) {
        return Ok(true);
    }
    let leads_union = !led_organisations(conn, actor.id)?.is_empty();
    Ok(allowed(actor, Action::ReadProgrammes { leads_union }))
}

fn views(conn: &mut DbConn, rows: Vec<Programme>) -> Result<Vec<ProgrammeView>, ApiError> {
    let ids: Vec<ProgrammeId> = rows.iter().map(|p| p.id).collect();
    let mut cohorts: HashMap<ProgrammeId, Vec<CohortId>> = HashMap::new();
    for (p, c) in repo::cohorts_of(conn, &ids)? {
        cohorts.entry(p).or_default().push(c);
    }
    let mut courses: HashMap<ProgrammeId, Vec<CourseId>> = HashMap::new();
    for (p, c) in repo::courses_of(conn, &ids)? {
        courses.entry(p).or_default().push(c);
    }
    Ok(rows
        .into_iter()
        .map(|programme| ProgrammeView {
            cohort_ids: cohorts.remove(&programme.id).unwrap_or_default(),
            course_ids: courses.remove(&programme.id).unwrap_or_default(),
            programme,
        })
        .collect())
}

/// The programme with its members.
pub fn view(conn: &mut DbConn, programme: Programme) -> Result<ProgrammeView, ApiError> {
    views(conn, vec![programme])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a programme view went missing")))
}

/// Creates a programme (coordinators and admins).
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: ProgrammeInput,
) -> Result<ProgrammeView, ApiError> {
    policy::authorize(actor, Action::WriteProgrammes)?;
    let row = repo::insert(conn, &NewProgramme::new(input, Some(actor.id), now()))?;
    view(conn, row)
}

/// Changes a programme (coordinators and admins), if it is still the version `if_match`
/// names. A change that changes nothing makes no new version.
pub fn update(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ProgrammeId,
    patch: ProgrammePatch,
    if_match: Option<&IfMatch>,
) -> Result<ProgrammeView, ApiError> {
    policy::authorize(actor, Action::WriteProgrammes)?;
    db::lock_row(conn, "programmes", id.get())?;
    let row = repo::find(conn, id)?;
    row.check_if_match(if_match)?;
    let current = ProgrammeInput::from(&row);
    let target = patch.apply(&current);
    if target == current {
        return view(conn, row);
    }
    check_dates(target.starts_on, target.ends_on)?;
    let row = repo::update(conn, id, &ProgrammeChanges::new(target, row.version, now()))?;
    view(conn, row)
}

/// One programme, for those who may read programmes (404 for others).
pub fn get(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ProgrammeId,
) -> Result<ProgrammeView, ApiError> {
    if !may_read(conn, actor)? {
        return Err(ApiError::NotFound);
    }
    let row = repo::find(conn, id)?;
    view(conn, row)
}

/// One page of programmes, newest first (empty for those who may not read programmes).
pub fn list(
    conn: &mut DbConn,
    actor: &AuthUser,
    page: &PageRequest<i64>,
) -> Result<Page<ProgrammeView>, ApiError> {
    let rows = if may_read(conn, actor)? {
        let after = page.after.as_ref().map(|(_, id)| ProgrammeId(*id));
        repo::list(conn, after, page.fetch_limit())?
    } else {
        Vec::new()
    };
    let page = page.finish(rows, NEWEST_FIRST, |r| (r.id.get(), r.id.get()), |r| r);
    Ok(Page {
        items: views(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// Adds (`add`) or removes a cohort or course (coordinators and admins); 404 when the
/// programme or the cohort or course is unknown. The version moves only when the members
/// change.
pub fn set_member(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ProgrammeId,
    member: Member,
    add: bool,
) -> Result<ProgrammeView, ApiError> {
    policy::authorize(actor, Action::WriteProgrammes)?;
    db::lock_row(conn, "programmes", id.get())?;
    let row = repo::find(conn, id)?;
    let known = match member {
        Member::Cohort(c) => crate::cohorts::repo::find(conn, c)?.is_some(),
        Member::Course(c) => crate::courses::repo::find_course(conn, c)?.is_some(),
    };
    if !known {
        return Err(ApiError::NotFound);
    }
    let changed = if add {
        repo::add_member(conn, id, member)?
    } else {
        repo::remove_member(conn, id, member)?
    };
    let row = if changed {
        repo::bump(conn, id, now())?
    } else {
        row
    };
    view(conn, row)
}
