//! Demo and scale data: `bayanihan seed --demo` and `bayanihan seed --scale N`.

mod assessment;
mod cohort_lineage;
mod cohort_scale;
mod cohort_work;
mod cohorts;
mod community;
mod community_demo;
mod courses;
mod data;
// Training follow-up (issue 15).
mod followup;
mod learning;
pub mod library;
mod needs;
mod post_translations;
mod programmes;
mod surveys;
// Language access (issue 17).
pub mod translations;

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use crate::accounts::model::{Gender, UserStatus};
use crate::auth::AuthUser;
use crate::auth::policy::Role;
use crate::db::schema::organisations;
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::organisations::dto::CreateOrganisationRequest;
use crate::organisations::model::{
    MembershipRole, MembershipStatus, NewMembership, OrganisationInput, OrganisationKind,
};
use crate::organisations::{repo, service};
use crate::types::{CountryCode, OrganisationId, SessionId, UserId};

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

/// Loads the demo directory and the demo accounts; running it again adds nothing.
pub fn demo(db: &Db) -> anyhow::Result<SeedReport> {
    let data = data::demo()?;
    let hash = demo_password_hash()?;
    let mut conn = db.conn()?;
    let (organisations, users) = write_transaction(&mut conn, |conn| {
        let users = demo_users(conn, &data.users, &hash)?;
        let admin = actor(conn, ADMIN)?;
        let organisations = demo_organisations(conn, &admin, &data.organisations)?;
        demo_memberships(conn, &data.organisations, &data.users)?;
        Ok::<_, ApiError>((organisations, users))
    })?;
    courses::demo(db, &data.courses)?;
    learning::demo(db)?;
    assessment::demo(db)?;
    community::demo(db, &data)?;
    cohorts::demo(db, &data)?;
    assessment::demo_cohort_quiz(db)?;
    surveys::demo(db)?;
    needs::demo(db, &data.organisations)?;
    // Training follow-up.
    followup::demo(db)?;
    // Language access.
    translations::demo(db)?;
    // Issue 17, item 5: community posts across languages.
    post_translations::demo(db)?;
    // Programmes.
    programmes::demo(db)?;
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

/// The demo administrator, who adds the directory.
const ADMIN: &str = "admin@demo.bayanihan.org";

/// The demo coordinator, who opens the synthetic needs round.
const COORDINATOR: &str = "coordinator@demo.bayanihan.org";

/// The seed acting as an account, with the account's current role. It acts without a
/// login, so there is no session (id 0).
fn actor(conn: &mut DbConn, email: &str) -> Result<AuthUser, ApiError> {
    let user = crate::accounts::repo::find_by_email(conn, email)?.ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!("the demo account {email} is missing"))
    })?;
    Ok(AuthUser {
        id: user.id,
        role: user.role,
        session_id: SessionId(0),
        language: Default::default(),
        name: None,
    })
}

fn demo_users(conn: &mut DbConn, demo: &[data::User], hash: &str) -> Result<usize, ApiError> {
    use crate::accounts::model::{NewUser, user_lookalike, user_search_text};
    use crate::accounts::repo as users;
    let mut added = 0;
    for u in demo {
        let email = u.email.as_str();
        if users::find_by_email(conn, &email.to_lowercase())?.is_some() {
            continue;
        }
        let at = now();
        users::insert(
            conn,
            &NewUser {
                email: Some(email.to_owned()),
                email_normalized: Some(email.to_lowercase()),
                password_hash: Some(hash.to_owned()),
                display_name: u.display_name.clone(),
                country: Some(u.country.clone()),
                preferred_language: u.language.clone(),
                other_languages: if u.language == "en" {
                    String::new()
                } else {
                    "en".to_owned()
                },
                gender: u.gender,
                birth_year: u.birth_year,
                role: u.role,
                status: UserStatus::Active,
                email_verified_at: Some(at),
                search_text: user_search_text(&u.display_name, Some(email)),
                lookalike: Some(user_lookalike(&u.display_name, Some(email))),
                created_at: at,
                updated_at: at,
            },
        )?;
        added += 1;
    }
    Ok(added)
}

/// The demo accounts' memberships of the directory's unions, those not there yet, with
/// their union roles. Written with the organisations domain's own rows (the service's
/// `join` and `decide` would email the demo accounts).
fn demo_memberships(
    conn: &mut DbConn,
    directory: &[data::Organisation],
    demo: &[data::User],
) -> Result<(), ApiError> {
    use crate::accounts::repo as users;
    use crate::organisations::model::MembershipChanges;
    for u in demo {
        let (Some(membership), Some(user)) = (
            &u.union,
            users::find_by_email(conn, &u.email.to_lowercase())?,
        ) else {
            continue;
        };
        let Some(org) = directory_entry(conn, directory, &membership.organisation)? else {
            continue;
        };
        if repo::find_membership(conn, org, user.id)?.is_some() {
            continue;
        }
        let at = now();
        let row = repo::insert_membership(
            conn,
            &NewMembership {
                role: membership.role,
                status: membership.status,
                ..NewMembership::request(user.id, org, at)
            },
        )?;
        if let Some(union_role) = membership.union_role {
            repo::update_membership(
                conn,
                row.id,
                &MembershipChanges {
                    union_role: Some(union_role),
                    ..MembershipChanges::default()
                },
            )?;
        }
    }
    Ok(())
}

/// The id of the demo directory's entry `key`, once loaded.
fn directory_entry(
    conn: &mut DbConn,
    directory: &[data::Organisation],
    key: &str,
) -> Result<Option<OrganisationId>, ApiError> {
    let entry = directory.iter().find(|o| o.key == key).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!("no demo organisation has the key {key}"))
    })?;
    let country =
        CountryCode::parse(&entry.country).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
    Ok(repo::find_by_name(conn, country, &entry.name)?.map(|o| o.id))
}

/// Adds the demo directory through the organisations service, as the demo admin: each
/// entry is a `POST /organisations` body, checked as the API checks it. Entries whose name
/// exists in their country are left alone.
fn demo_organisations(
    conn: &mut DbConn,
    admin: &AuthUser,
    demo: &[data::Organisation],
) -> Result<usize, ApiError> {
    let mut ids: HashMap<&str, OrganisationId> = HashMap::new();
    let mut added = 0;
    for org in demo {
        let parent_id = match &org.parent {
            Some(key) => Some(ids.get(key.as_str()).copied().ok_or_else(|| {
                ApiError::internal(anyhow::anyhow!(
                    "demo entry {} has unknown parent {key}",
                    org.key
                ))
            })?),
            None => None,
        };
        let input = OrganisationInput::try_from(CreateOrganisationRequest {
            name: org.name.clone(),
            acronym: org.acronym.clone(),
            country: org.country.clone(),
            kind: org.kind,
            parent_id: parent_id.map(OrganisationId::get),
            sector: org.sector.clone(),
            sector_code: None,
            website: org.website.clone(),
        })?;
        let id = match repo::find_by_name(conn, input.country, &input.name)? {
            Some(existing) => existing.id,
            None => {
                added += 1;
                service::create(conn, admin, input)?.id
            }
        };
        ids.insert(&org.key, id);
    }
    Ok(added)
}

/// Prefix of every synthetic organisation's name.
const SYNTHETIC_PREFIX: &str = "Synthetic Union ";

/// Makes sure `n` synthetic organisations and `n` synthetic members exist (with the demo
/// directory as their parents; each member belongs to one synthetic organisation).
pub fn scale(db: &Db, n: usize) -> anyhow::Result<SeedReport> {
    let mut report = demo(db)?;
    let words = data::scale()?;
    let mut conn = db.conn()?;
    report.organisations += write_transaction(&mut conn, |conn| {
        let admin = actor(conn, ADMIN)?;
        scale_organisations(conn, &admin, n, &words.organisations.sectors)
    })?;
    let hash = demo_password_hash()?;
    report.users += write_transaction(&mut conn, |conn| scale_users(conn, n, &hash))?;
    courses::scale(db, n, &words.courses)?;
    learning::scale(db, n)?;
    community::scale(db, n, &words.communities)?;
    cohort_scale::scale(db, n)?;
    cohort_lineage::scale(db, n)?;
    assessment::scale(db, n)?;
    surveys::scale(db, n)?;
    needs::scale(db, n)?;
    // Training follow-up.
    followup::scale(db, n)?;
    // Programmes.
    programmes::scale(db)?;
    Ok(report)
}

/// Domain of every synthetic account.
const SYNTHETIC_DOMAIN: &str = "@scale.bayanihan.test";

fn scale_users(conn: &mut DbConn, n: usize, hash: &str) -> Result<usize, ApiError> {
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
        // A mix the selection view and dashboards can count: two in five women, two in
        // five men, one in five not stated; one in seven without a birth year.
        let gender = match i % 5 {
            0 | 1 => Some(Gender::Female),
            2 | 3 => Some(Gender::Male),
            _ => None,
        };
        let birth_year = (i % 7 != 6).then(|| 1962 + i32::try_from((i * 7) % 42).unwrap_or(0));
        let account = SyntheticAccount {
            email,
            name: format!("Synthetic Member {:06}", i + 1),
            gender,
            birth_year,
        };
        synthetic_account(
            conn,
            &account,
            orgs.get(i % orgs.len().max(1)),
            MembershipRole::Member,
            hash,
        )?;
        added += 1;
    }
    Ok(added)
}

/// A synthetic account to add (`scale.bayanihan.test`).
struct SyntheticAccount {
    email: String,
    name: String,
    gender: Option<Gender>,
    birth_year: Option<i32>,
}

/// Adds one synthetic account, verified and active, with an approved membership of `org`
/// (id and country) in `role`.
fn synthetic_account(
    conn: &mut DbConn,
    account: &SyntheticAccount,
    org: Option<&(i64, String)>,
    role: MembershipRole,
    hash: &str,
) -> Result<UserId, ApiError> {
    use crate::accounts::model::{NewUser, user_lookalike, user_search_text};
    use crate::accounts::repo as users;
    let at = now();
    let SyntheticAccount {
        email,
        name,
        gender,
        birth_year,
    } = account;
    let user = users::insert(
        conn,
        &NewUser {
            email: Some(email.clone()),
            email_normalized: Some(email.clone()),
            password_hash: Some(hash.to_owned()),
            search_text: user_search_text(name, Some(email)),
            lookalike: Some(user_lookalike(name, Some(email))),
            display_name: name.clone(),
            country: org.map(|(_, c)| c.clone()),
            preferred_language: "en".to_owned(),
            other_languages: String::new(),
            gender: *gender,
            birth_year: *birth_year,
            role: Role::Member,
            status: UserStatus::Active,
            email_verified_at: Some(at),
            created_at: at,
            updated_at: at,
        },
    )?;
    if let Some((org, _)) = org {
        repo::insert_membership(
            conn,
            &NewMembership {
                user_id: user.id,
                organisation_id: OrganisationId(*org),
                role,
                status: MembershipStatus::Approved,
                created_at: at,
                updated_at: at,
            },
        )?;
    }
    Ok(user.id)
}

/// Adds the synthetic organisations through the organisations service (as the demo admin),
/// one `POST /organisations` body each, under the demo national centres.
fn scale_organisations(
    conn: &mut DbConn,
    admin: &AuthUser,
    n: usize,
    sectors: &[String],
) -> Result<usize, ApiError> {
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
        let kind = if i % 5 == 0 {
            OrganisationKind::Federation
        } else {
            OrganisationKind::Union
        };
        let input = OrganisationInput::try_from(CreateOrganisationRequest {
            name,
            acronym: Some(format!("SU{}", i + 1)),
            country: country.to_string(),
            kind,
            parent_id: Some(parent.get()),
            sector: Some(sectors[i % sectors.len()].clone()),
            sector_code: None,
            website: None,
        })?;
        service::create(conn, admin, input)?;
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
