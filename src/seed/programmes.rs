//! Demo and scale programmes (`data/programmes.toml`), made through the programmes' service
//! as the demo coordinator, each body parsed as the API parses it:
//! - the demo programme groups every cohort and course of the demo (run by `seed --demo`,
//!   and first thing by `seed --scale`, before any scale content exists);
//! - the scale programme groups every cohort whose title starts with "Scale " (the scale
//!   cohorts and the scale lineage: 10,050 participants at `N` = 10,000).
//!
//! Each is made once: nothing happens when a programme of that name exists.

use diesel::prelude::*;
use serde::Deserialize;

use crate::db::schema::{cohort_translations, cohorts, courses, programmes};
use crate::db::{Db, DbConn, write_transaction};
use crate::error::ApiError;
use crate::programmes::dto::CreateProgrammeRequest;
use crate::programmes::model::{Member, ProgrammeInput};
use crate::programmes::service;
use crate::types::{CohortId, CourseId};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    demo: CreateProgrammeRequest,
    scale: CreateProgrammeRequest,
}

fn data() -> anyhow::Result<Data> {
    Ok(toml::from_str(include_str!("data/programmes.toml"))?)
}

/// Makes `body` with `cohort_ids` and `course_ids` unless a programme of its name exists;
/// whether it made it.
fn make(
    conn: &mut DbConn,
    body: CreateProgrammeRequest,
    cohort_ids: &[CohortId],
    course_ids: &[CourseId],
) -> Result<bool, ApiError> {
    let exists: i64 = programmes::table
        .filter(programmes::name.eq(&body.name))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    let coordinator = super::actor(conn, super::COORDINATOR)?;
    let input = ProgrammeInput::try_from(body)?;
    let id = service::create(conn, &coordinator, input)?.programme.id;
    for c in cohort_ids {
        service::set_member(conn, &coordinator, id, Member::Cohort(*c), true)?;
    }
    for c in course_ids {
        service::set_member(conn, &coordinator, id, Member::Course(*c), true)?;
    }
    Ok(true)
}

/// The demo programme over every cohort and course there is.
pub fn demo(db: &Db) -> anyhow::Result<()> {
    let data = data()?;
    let mut conn = db.conn()?;
    let made = write_transaction(&mut conn, |conn| {
        let cohort_ids: Vec<CohortId> = cohorts::table
            .select(cohorts::id)
            .order(cohorts::id.asc())
            .load(conn)?;
        let course_ids: Vec<CourseId> = courses::table
            .filter(courses::deleted_at.is_null())
            .select(courses::id)
            .order(courses::id.asc())
            .load(conn)?;
        make(conn, data.demo, &cohort_ids, &course_ids)
    })?;
    tracing::info!(programme.added = made, "demo programme seeded");
    Ok(())
}

/// The scale programme over every scale cohort.
pub fn scale(db: &Db) -> anyhow::Result<()> {
    let data = data()?;
    let mut conn = db.conn()?;
    let made = write_transaction(&mut conn, |conn| {
        let mut cohort_ids: Vec<CohortId> = cohort_translations::table
            .inner_join(cohorts::table)
            .filter(cohort_translations::title.like("Scale %"))
            .select(cohorts::id)
            .load(conn)?;
        cohort_ids.sort_unstable();
        cohort_ids.dedup();
        make(conn, data.scale, &cohort_ids, &[])
    })?;
    tracing::info!(programme.added = made, "scale programme seeded");
    Ok(())
}
