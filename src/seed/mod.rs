//! Demo and scale data: `bayanihan seed --demo` and `bayanihan seed --scale N`.

mod demo_data;

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use crate::db::schema::organisations;
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::organisations::model::{NewOrganisation, OrganisationKind, search_text};
use crate::organisations::repo;
use crate::types::CountryCode;

pub use demo_data::DEMO_ORGANISATIONS;

/// What a seed run added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Organisations inserted by this run (those already present are skipped).
    pub organisations: usize,
}

/// Loads the demo directory; running it again adds nothing.
pub fn demo(db: &Db) -> anyhow::Result<SeedReport> {
    let mut conn = db.conn()?;
    let added = write_transaction(&mut conn, |conn| demo_organisations(conn))?;
    Ok(SeedReport {
        organisations: added,
    })
}

fn demo_organisations(conn: &mut DbConn) -> Result<usize, ApiError> {
    let mut ids: HashMap<&str, (i64, OrganisationKind)> = HashMap::new();
    let mut added = 0;
    for org in DEMO_ORGANISATIONS {
        let kind = OrganisationKind::parse(org.kind).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "demo entry {} has kind {}",
                org.key,
                org.kind
            ))
        })?;
        CountryCode::parse(org.country)
            .map_err(|e| ApiError::internal(anyhow::anyhow!("demo entry {}: {e}", org.key)))?;
        let parent = match org.parent {
            Some(key) => {
                let &(id, parent_kind) = ids.get(key).ok_or_else(|| {
                    ApiError::internal(anyhow::anyhow!(
                        "demo entry {} has unknown parent {key}",
                        org.key
                    ))
                })?;
                if !kind.may_sit_under(parent_kind) {
                    return Err(ApiError::internal(anyhow::anyhow!(
                        "demo entry {} cannot sit under {key}",
                        org.key
                    )));
                }
                Some(id)
            }
            None => None,
        };
        let id = match repo::find_by_name(conn, org.country, org.name)? {
            Some(existing) => existing.id,
            None => {
                added += 1;
                let at = now();
                repo::insert(
                    conn,
                    &NewOrganisation {
                        name: org.name.to_owned(),
                        acronym: org.acronym.map(str::to_owned),
                        country: org.country.to_owned(),
                        kind: kind.as_str().to_owned(),
                        parent_id: parent,
                        sector: org.sector.map(str::to_owned),
                        website: org.website.map(str::to_owned),
                        search_text: search_text(org.name, org.acronym),
                        created_at: at,
                        updated_at: at,
                    },
                )?
                .id
            }
        };
        ids.insert(org.key, (id, kind));
    }
    Ok(added)
}

/// Prefix of every synthetic organisation's name.
const SYNTHETIC_PREFIX: &str = "Synthetic Union ";

const SECTORS: &[&str] = &[
    "education",
    "health",
    "public_services",
    "transport",
    "garments",
    "agriculture",
    "construction",
    "domestic_work",
    "platform_work",
    "manufacturing",
    "finance",
    "hospitality",
    "fisheries",
];

/// Makes sure `n` synthetic organisations exist (with the demo directory as their parents).
pub fn scale(db: &Db, n: usize) -> anyhow::Result<SeedReport> {
    let mut report = demo(db)?;
    let mut conn = db.conn()?;
    let added = write_transaction(&mut conn, |conn| scale_organisations(conn, n))?;
    report.organisations += added;
    Ok(report)
}

fn scale_organisations(conn: &mut DbConn, n: usize) -> Result<usize, ApiError> {
    use organisations::dsl;
    let existing: HashSet<String> = dsl::organisations
        .select(dsl::name)
        .filter(dsl::name.like(format!("{SYNTHETIC_PREFIX}%")))
        .load::<String>(conn)?
        .into_iter()
        .collect();
    // Parents: the demo national centres, so synthetic unions hang in a real hierarchy.
    let centres: Vec<(i64, String)> = dsl::organisations
        .select((dsl::id, dsl::country))
        .filter(dsl::kind.eq(OrganisationKind::NationalCentre.as_str()))
        .order(dsl::id.asc())
        .load(conn)?;
    if centres.is_empty() {
        return Err(ApiError::internal(anyhow::anyhow!(
            "the demo directory must be loaded first"
        )));
    }
    let mut added = 0;
    for i in 0..n {
        let name = format!("{SYNTHETIC_PREFIX}{:06}", i + 1);
        if existing.contains(&name) {
            continue;
        }
        let (parent, country) = &centres[i % centres.len()];
        let sector = SECTORS[i % SECTORS.len()];
        let kind = if i % 5 == 0 {
            OrganisationKind::Federation
        } else {
            OrganisationKind::Union
        };
        let acronym = format!("SU{}", i + 1);
        let at = now();
        repo::insert(
            conn,
            &NewOrganisation {
                search_text: search_text(&name, Some(&acronym)),
                name,
                acronym: Some(acronym),
                country: country.clone(),
                kind: kind.as_str().to_owned(),
                parent_id: Some(*parent),
                sector: Some(sector.to_owned()),
                website: None,
                created_at: at,
                updated_at: at,
            },
        )?;
        added += 1;
    }
    Ok(added)
}
