//! Demo and scale data: `bayanihan seed --demo` and `bayanihan seed --scale N`.

mod community;
mod courses;
mod demo_data;
mod learning;

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use crate::db::schema::organisations;
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::organisations::model::{
    MembershipRole, MembershipStatus, NewOrganisation, OrganisationKind, search_text,
};
use crate::organisations::repo;
use crate::types::{CountryCode, OrganisationId, UserId};

pub use demo_data::DEMO_ORGANISATIONS;

/// What a seed run added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Organisations inserted by this run (those already present are skipped).
    pub organisations: usize,
    /// Accounts inserted by this run.
    pub users: usize,
}

/// Password of every demo and synthetic account. Demo data only: never on a real server.
pub const DEMO_PASSWORD: &str = "bayanihan-demo-2026";

/// A demo account: email, display name, role, country, language, and union role and
/// membership status in TUCP.
type DemoUser = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(MembershipRole, MembershipStatus)>,
);

/// The demo accounts, one per role (see the README).
pub const DEMO_USERS: &[DemoUser] = &[
    (
        "admin@demo.bayanihan.org",
        "Demo Admin",
        "admin",
        "SG",
        "en",
        None,
    ),
    (
        "coordinator@demo.bayanihan.org",
        "Maria Santos (coordinator)",
        "coordinator",
        "PH",
        "en",
        None,
    ),
    (
        "trainer@demo.bayanihan.org",
        "Ravi Kumar (e-trainer)",
        "trainer",
        "IN",
        "en",
        None,
    ),
    (
        "leader@demo.bayanihan.org",
        "Jose Reyes (TUCP leader)",
        "member",
        "PH",
        "fil",
        Some((MembershipRole::Leader, MembershipStatus::Approved)),
    ),
    (
        "member@demo.bayanihan.org",
        "Ana Cruz (member)",
        "member",
        "PH",
        "fil",
        Some((MembershipRole::Member, MembershipStatus::Approved)),
    ),
    (
        "newcomer@demo.bayanihan.org",
        "Lito Garcia (asks to join)",
        "member",
        "PH",
        "fil",
        Some((MembershipRole::Member, MembershipStatus::Pending)),
    ),
];

/// Loads the demo directory and the demo accounts; running it again adds nothing.
pub fn demo(db: &Db) -> anyhow::Result<SeedReport> {
    let mut conn = db.conn()?;
    let organisations = write_transaction(&mut conn, demo_organisations)?;
    let hash = demo_password_hash()?;
    let users = write_transaction(&mut conn, |conn| demo_users(conn, &hash))?;
    courses::demo(db)?;
    learning::demo(db)?;
    community::demo(db)?;
    Ok(SeedReport {
        organisations,
        users,
    })
}

fn demo_password_hash() -> anyhow::Result<String> {
    use crate::auth::password::{Password, hash_blocking};
    hash_blocking(&Password::unchecked(DEMO_PASSWORD.to_owned()))
        .map_err(|e| anyhow::anyhow!("{e}"))
}

fn demo_users(conn: &mut DbConn, hash: &str) -> Result<usize, ApiError> {
    use crate::accounts::model::{NewMembership, NewUser, user_search_text};
    use crate::accounts::repo as users;
    let ph = CountryCode::parse("PH").map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
    let tucp =
        repo::find_by_name(conn, ph, "Trade Union Congress of the Philippines")?.map(|o| o.id);
    let mut added = 0;
    for (email, name, role, country, language, membership) in DEMO_USERS {
        if users::find_by_email(conn, email)?.is_some() {
            continue;
        }
        let at = now();
        let user = users::insert(
            conn,
            &NewUser {
                email: Some((*email).to_owned()),
                email_normalized: Some(email.to_lowercase()),
                password_hash: Some(hash.to_owned()),
                display_name: (*name).to_owned(),
                country: Some((*country).to_owned()),
                preferred_language: (*language).to_owned(),
                other_languages: if *language == "en" {
                    String::new()
                } else {
                    "en".to_owned()
                },
                gender: None,
                birth_year: None,
                role: (*role).to_owned(),
                status: "active".to_owned(),
                email_verified_at: Some(at),
                search_text: user_search_text(name, Some(email)),
                created_at: at,
                updated_at: at,
            },
        )?;
        added += 1;
        if let (Some(org), Some((union_role, status))) = (tucp, membership) {
            users::insert_membership(
                conn,
                &NewMembership {
                    user_id: UserId(user.id),
                    organisation_id: org,
                    role: *union_role,
                    status: *status,
                    created_at: at,
                    updated_at: at,
                },
            )?;
        }
    }
    Ok(added)
}

fn demo_organisations(conn: &mut DbConn) -> Result<usize, ApiError> {
    let mut ids: HashMap<&str, (OrganisationId, OrganisationKind)> = HashMap::new();
    let mut added = 0;
    for org in DEMO_ORGANISATIONS {
        let kind = OrganisationKind::parse(org.kind).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "demo entry {} has kind {}",
                org.key,
                org.kind
            ))
        })?;
        let country = CountryCode::parse(org.country)
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
        let id = match repo::find_by_name(conn, country, org.name)? {
            Some(existing) => existing.id,
            None => {
                added += 1;
                let at = now();
                repo::insert(
                    conn,
                    &NewOrganisation {
                        name: org.name.to_owned(),
                        acronym: org.acronym.map(str::to_owned),
                        country,
                        kind,
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

/// Makes sure `n` synthetic organisations and `n` synthetic members exist (with the demo
/// directory as their parents; each member belongs to one synthetic organisation).
pub fn scale(db: &Db, n: usize) -> anyhow::Result<SeedReport> {
    let mut report = demo(db)?;
    let mut conn = db.conn()?;
    report.organisations += write_transaction(&mut conn, |conn| scale_organisations(conn, n))?;
    let hash = demo_password_hash()?;
    report.users += write_transaction(&mut conn, |conn| scale_users(conn, n, &hash))?;
    courses::scale(db, n)?;
    learning::scale(db, n)?;
    community::scale(db, n)?;
    Ok(report)
}

/// Domain of every synthetic account.
const SYNTHETIC_DOMAIN: &str = "@scale.bayanihan.test";

fn scale_users(conn: &mut DbConn, n: usize, hash: &str) -> Result<usize, ApiError> {
    use crate::accounts::model::{NewMembership, NewUser, user_search_text};
    use crate::accounts::repo as users;
    use crate::db::schema::users::dsl as u;
    let existing: HashSet<String> = u::users
        .select(u::email_normalized)
        .filter(u::email_normalized.like(format!("%{SYNTHETIC_DOMAIN}")))
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    let orgs: Vec<(i64, String)> = organisations::table
        .select((organisations::id, organisations::country))
        .filter(organisations::name.like(format!("{SYNTHETIC_PREFIX}%")))
        .order(organisations::id.asc())
        .load(conn)?;
    let mut added = 0;
    for i in 0..n {
        let email = format!("member{:06}{SYNTHETIC_DOMAIN}", i + 1);
        if existing.contains(&email) {
            continue;
        }
        let at = now();
        let name = format!("Synthetic Member {:06}", i + 1);
        let org = orgs.get(i % orgs.len().max(1));
        let user = users::insert(
            conn,
            &NewUser {
                email: Some(email.clone()),
                email_normalized: Some(email.clone()),
                password_hash: Some(hash.to_owned()),
                search_text: user_search_text(&name, Some(&email)),
                display_name: name,
                country: org.map(|(_, c)| c.clone()),
                preferred_language: "en".to_owned(),
                other_languages: String::new(),
                gender: None,
                birth_year: None,
                role: "member".to_owned(),
                status: "active".to_owned(),
                email_verified_at: Some(at),
                created_at: at,
                updated_at: at,
            },
        )?;
        if let Some((org, _)) = org {
            users::insert_membership(
                conn,
                &NewMembership {
                    user_id: UserId(user.id),
                    organisation_id: OrganisationId(*org),
                    role: MembershipRole::Member,
                    status: MembershipStatus::Approved,
                    created_at: at,
                    updated_at: at,
                },
            )?;
        }
        added += 1;
    }
    Ok(added)
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
    let centres: Vec<(OrganisationId, CountryCode)> = dsl::organisations
        .select((dsl::id, dsl::country))
        .filter(dsl::kind.eq(OrganisationKind::NationalCentre))
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
                country: *country,
                kind,
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

/// Refreshes the query planner's statistics after a bulk load, so that the first requests
/// after seeding do not run on plans made for empty tables (PostgreSQL; autovacuum would
/// get there eventually). SQLite plans well without statistics and is left alone.
pub fn analyze(db: &Db) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    match &mut *conn {
        DbConn::Sqlite(_) => Ok(()),
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => diesel::connection::SimpleConnection::batch_execute(c, "ANALYZE")
            .map_err(|e| anyhow::anyhow!("ANALYZE failed: {e}")),
    }
}
