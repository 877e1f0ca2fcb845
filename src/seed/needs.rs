//! Demo training needs and organisational indicators (`data/needs.toml`): a round open for
//! sixty days to five countries, needs of five unions submitted by their leaders and
//! endorsed by their members, one linked to the demo platform-rights cohort, and an
//! indicator report of each of the five unions (three naming the cohorts their e-trainers
//! ran). Everything goes through the services the API uses, each body parsed as the API
//! parses it. Skipped when a round of the same title exists.

use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::db::schema::{cohort_translations, cohorts, needs_rounds};
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::needs::dto::{CreateNeedRequest, CreateRoundRequest};
use crate::needs::indicators::dto::CreateIndicatorReportRequest;
use crate::needs::indicators::model::ReportInput;
use crate::needs::indicators::service as indicators;
use crate::needs::model::{LinkTarget, NeedInput, RoundInput};
use crate::needs::service;
use crate::types::{CohortId, OrganisationId};

use super::data::Organisation;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    round: Round,
    needs: Vec<Need>,
    reports: Vec<Report>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Round {
    coordinator: String,
    title: String,
    description: String,
    deadline_in_days: i64,
    countries: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Need {
    leader: String,
    organisation: Option<String>,
    need: Value,
    #[serde(default)]
    endorsed_by: Vec<String>,
    #[serde(default)]
    cohorts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    leader: String,
    organisation: Option<String>,
    report: Value,
    #[serde(default)]
    cohorts: Vec<String>,
}

fn data() -> anyhow::Result<Demo> {
    Ok(toml::from_str(include_str!("data/needs.toml"))?)
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("demo needs do not parse: {e}")))
}

/// TUCP, the demo accounts' union when none is named.
const DEFAULT_UNION: &str = "ph-tucp";

/// Loads the demo round, needs and reports; a second run adds nothing. How many needs were
/// added.
pub fn demo(db: &Db, directory: &[Organisation]) -> anyhow::Result<usize> {
    let data = data()?;
    let mut conn = db.conn()?;
    let added = write_transaction(&mut conn, |conn| demo_in(conn, &data, directory))?;
    tracing::info!(needs.added = added, "demo needs seeded");
    Ok(added)
}

fn organisation(
    conn: &mut DbConn,
    directory: &[Organisation],
    key: Option<&str>,
) -> Result<OrganisationId, ApiError> {
    let key = key.unwrap_or(DEFAULT_UNION);
    super::directory_entry(conn, directory, key)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("demo organisation {key} is missing")))
}

fn cohort(conn: &mut DbConn, title: &str) -> Result<CohortId, ApiError> {
    cohort_translations::table
        .inner_join(cohorts::table)
        .filter(cohort_translations::title.eq(title))
        .select(cohorts::id)
        .first::<CohortId>(conn)
        .optional()?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("demo cohort {title} is missing")))
}

fn demo_in(conn: &mut DbConn, data: &Demo, directory: &[Organisation]) -> Result<usize, ApiError> {
    let exists: i64 = needs_rounds::table
        .filter(needs_rounds::title.eq(&data.round.title))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let coordinator = super::actor(conn, &data.round.coordinator)?;
    let deadline = now().and_utc() + chrono::Duration::days(data.round.deadline_in_days);
    let round = service::create_round(
        conn,
        &coordinator,
        RoundInput::try_from(parse::<CreateRoundRequest>(json!({
            "title": data.round.title,
            "description": data.round.description,
            "deadline": deadline.to_rfc3339(),
            "countries": data.round.countries,
        }))?)?,
    )?
    .round
    .id;
    for n in &data.needs {
        let org = organisation(conn, directory, n.organisation.as_deref())?;
        let leader = super::actor(conn, &n.leader)?;
        let mut body = n.need.clone();
        body["organisation_id"] = json!(org.get());
        let input = NeedInput::try_from(parse::<CreateNeedRequest>(body)?)?;
        let need = service::submit(conn, &leader, round, input)?.need.id;
        for member in &n.endorsed_by {
            let member = super::actor(conn, member)?;
            service::endorse(conn, &member, need)?;
        }
        for title in &n.cohorts {
            let target = LinkTarget::Cohort(cohort(conn, title)?);
            service::link(conn, &coordinator, need, target)?;
        }
    }
    for r in &data.reports {
        let org = organisation(conn, directory, r.organisation.as_deref())?;
        let leader = super::actor(conn, &r.leader)?;
        let mut body = r.report.clone();
        let ids = r
            .cohorts
            .iter()
            .map(|t| cohort(conn, t).map(CohortId::get))
            .collect::<Result<Vec<_>, _>>()?;
        body["training_cohort_ids"] = json!(ids);
        let input = ReportInput::try_from(parse::<CreateIndicatorReportRequest>(body)?)?;
        indicators::create(conn, &leader, org, input)?;
    }
    Ok(data.needs.len())
}

/// Title of the synthetic round of `seed --scale`.
pub const SCALE_ROUND: &str = "Synthetic needs round";

/// Needs written in one transaction by the scale seed.
const SCALE_BATCH: usize = 5_000;

/// Scale: a round inviting every synthetic union's country, and one need of each of the
/// first `n` synthetic unions (10,000 at the benchmark's scale, what its totals count), in
/// every topic, target group and priority in turn, without authors (as after erasure).
/// Written in multi-row inserts; skipped when the round exists. How many needs were added.
pub fn scale(db: &Db, n: usize) -> anyhow::Result<usize> {
    use crate::db::schema::{needs, organisations};
    use crate::needs::model::{
        DeliveryMode, NeedPriority, NeedState, NeedTopic, NewNeed, TargetGroup,
    };
    use crate::types::{CountryCode, IsicSection};
    let mut conn = db.conn()?;
    let exists: i64 = needs_rounds::table
        .filter(needs_rounds::title.eq(SCALE_ROUND))
        .count()
        .get_result(&mut *conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let unions: Vec<(OrganisationId, CountryCode)> = organisations::table
        .filter(organisations::name.like(format!("{}%", super::SYNTHETIC_PREFIX)))
        .select((organisations::id, organisations::country))
        .order(organisations::id.asc())
        .limit(i64::try_from(n).unwrap_or(i64::MAX))
        .load(&mut *conn)?;
    let mut countries: Vec<String> = unions.iter().map(|(_, c)| c.to_string()).collect();
    countries.sort();
    countries.dedup();
    countries.truncate(250);
    let round = write_transaction(&mut conn, |conn| {
        let coordinator = super::actor(conn, super::COORDINATOR)?;
        let deadline = now().and_utc() + chrono::Duration::days(365);
        let input = RoundInput::try_from(parse::<CreateRoundRequest>(json!({
            "title": SCALE_ROUND,
            "description": "Synthetic needs of the synthetic unions, for the benchmark.",
            "deadline": deadline.to_rfc3339(),
            "countries": countries,
        }))?)?;
        Ok::<_, ApiError>(service::create_round(conn, &coordinator, input)?.round.id)
    })?;
    let at = now();
    let mut added = 0;
    for (b, batch) in unions.chunks(SCALE_BATCH).enumerate() {
        let rows: Vec<NewNeed> = batch
            .iter()
            .enumerate()
            .map(|(i, (org, country))| {
                let k = b * SCALE_BATCH + i;
                NewNeed {
                    round_id: round,
                    organisation_id: *org,
                    country: *country,
                    author_id: None,
                    topic: pick(NeedTopic::ALL, k),
                    topic_text: None,
                    priority: pick(NeedPriority::ALL, k * 5),
                    target_group: pick(TargetGroup::ALL, k * 3),
                    sector: Some(pick(IsicSection::ALL, k * 7)),
                    languages: "en".to_owned(),
                    delivery_mode: pick(DeliveryMode::ALL, k * 2),
                    participants: i32::try_from(10 + k % 90).unwrap_or(10),
                    state: NeedState::Open,
                    created_at: at,
                    updated_at: at,
                }
            })
            .collect();
        added += write_transaction(&mut conn, |conn| {
            let added = crate::db::insert_chunked!(conn, needs::table, rows, 1000)?;
            crate::needs::repo::bump_needs_version(conn, round)?;
            Ok::<_, diesel::result::Error>(added)
        })?;
    }
    tracing::info!(needs.added = added, "scale needs seeded");
    Ok(added)
}

/// The value at `k` of `all`, going round.
fn pick<T: Copy>(all: &[T], k: usize) -> T {
    all[k % all.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_file_parses() {
        let data = super::data().unwrap();
        assert_eq!(data.reports.len(), 5);
        assert!(data.needs.iter().any(|n| !n.cohorts.is_empty()));
    }
}
