//! The scale lineage (`seed --scale N`): a Training-of-Trainers and three generations of
//! what its graduates did, with live sessions and attendance, so that the reach endpoint
//! and the benchmark see a tree of realistic size.
//!
//! - Level 0: "Scale lineage ToT" (facilitated by the demo trainer), completed; its
//!   `N / 1,000` (at least 2) participants are synthetic e-trainers
//!   (`etrainerNNNNN@scale.bayanihan.test`), certified by the real certification when it
//!   completes.
//! - Level 1: each of those graduates runs a ToT of [`TOT_SIZE`] new e-trainers (completed,
//!   certified the same way) and a training of members (running).
//! - Level 2: each level-1 ToT graduate runs a training of members (running).
//!
//! The `N` synthetic members are the trainees: a tenth in the level-1 trainings, the rest
//! in the level-2 ones (about 180 a cohort whatever `N`, at least one), so the tree reaches
//! `N` members plus the level-1 e-trainers: at `N` = 10,000, 71 cohorts and 10,050
//! distinct people below the root.
//!
//! Cohorts, their calls, transitions and sessions go through the services as the demo
//! coordinator and the facilitators. Participants are written directly as accepted
//! nominations (no audit trail, no course enrolment: the cohorts have no courses), and
//! attendance in multi-row inserts: making 10,000 people nominate, submit and be accepted
//! one by one would take minutes and show nothing new. Each cohort has [`SESSIONS`] weekly
//! sessions; everyone attends the ToTs' whole, and in trainings most people attend most
//! sessions held so far (joining a few minutes late, by check-in, facilitator or import).
//! The emails the services queue are dropped: no one reads the synthetic inboxes.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::accounts::model::Gender;
use crate::auth::AuthUser;
use crate::auth::policy::Role;
use crate::cohorts::calls::{dto::CallRequest, model::CallInput, service as calls};
use crate::cohorts::dto::CreateCohortRequest;
use crate::cohorts::model::{CohortStatus, NewCohortInput};
use crate::cohorts::nominations::model::{NewNomination, NominationOrigin, NominationStatus};
use crate::cohorts::service as cohorts;
use crate::cohorts::sessions::dto::CreateSessionRequest;
use crate::cohorts::sessions::model::{
    Attendance, AttendanceSource, SessionFields, minutes_within,
};
use crate::cohorts::sessions::service as sessions;
use crate::db::schema::{
    cohort_translations, email_outbox, memberships, nominations, organisations, session_attendance,
    users,
};
use crate::db::{self, Db, DbConn, write_transaction};
use crate::error::ApiError;
use crate::organisations::model::MembershipRole;
use crate::types::{CohortId, OrganisationId, SessionId, UserId};

use super::cohorts::{backdate, move_to, who};
use super::data::Ran;
use super::{SYNTHETIC_DOMAIN, SYNTHETIC_PREFIX, SyntheticAccount, synthetic_account};

/// The root's title; one is enough to know the lineage is loaded.
const ROOT_TITLE: &str = "Scale lineage ToT";

/// E-trainers each level-1 ToT certifies.
pub const TOT_SIZE: usize = 5;

/// Live sessions of each lineage cohort, a week apart.
pub const SESSIONS: i64 = 6;

/// Length of each session, in minutes.
const SESSION_MINUTES: i64 = 90;

/// The lineage's shape at scale `n`: graduates of the root, and how the `n` members are
/// split between the level-1 and the level-2 trainings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Participants (graduates) of the root ToT; each runs a level-1 ToT and training.
    pub root_graduates: usize,
    /// Members in the level-1 trainings, in all.
    pub level1_trainees: usize,
    /// Members in the level-2 trainings, in all.
    pub level2_trainees: usize,
}

impl Shape {
    /// The shape at scale `n` (`n` synthetic members).
    pub fn of(n: usize) -> Self {
        let level1_trainees = n / 10;
        Self {
            root_graduates: (n / 1000).max(2),
            level1_trainees,
            level2_trainees: n - level1_trainees,
        }
    }

    /// The level-1 ToTs' graduates, who run the level-2 trainings.
    pub fn level1_graduates(self) -> usize {
        self.root_graduates * TOT_SIZE
    }

    /// Cohorts in the tree, the root included.
    pub fn cohorts(self) -> usize {
        1 + 2 * self.root_graduates + self.level1_graduates()
    }

    /// Distinct people below the root: the members and the level-1 ToTs' graduates.
    pub fn reached_below(self) -> usize {
        self.level1_trainees + self.level2_trainees + self.level1_graduates()
    }
}

/// A person to place in a cohort: account and the union they are nominated through.
type Person = (UserId, OrganisationId);

/// Loads the lineage, once: nothing when its root exists.
pub fn scale(db: &Db, n: usize) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let loaded: i64 = cohort_translations::table
        .filter(cohort_translations::title.eq(ROOT_TITLE))
        .count()
        .get_result(&mut *conn)?;
    if loaded > 0 {
        tracing::info!(cohorts.added = 0, "scale lineage present");
        return Ok(());
    }
    let shape = Shape::of(n);
    let members = people(&mut conn, "member", n)?;
    if members.len() < n {
        anyhow::bail!(
            "seed --scale {n}: {n} synthetic members are needed for the lineage, {} exist",
            members.len()
        );
    }
    let trainers = e_trainers(&mut conn, shape.root_graduates + shape.level1_graduates())?;
    let (root_grads, level1_grads) = trainers.split_at(shape.root_graduates);
    let (level1_members, level2_members) = members.split_at(shape.level1_trainees);
    let today = Utc::now().date_naive();
    let mut made = 0;

    // Level 0: the root ToT ran half a year ago.
    made += in_transaction(&mut conn, |conn| {
        let trainer = who(conn, "trainer")?;
        let ran = ran_at(today - TimeDelta::days(200));
        lineage_cohort(conn, ROOT_TITLE, true, trainer.id, root_grads, &ran, true)?;
        Ok(1)
    })?;

    // Level 1: each root graduate's ToT (ran two and a half months ago, within the calendar
    // feeds' window) and training (running).
    let level1_split = split(level1_members, shape.root_graduates);
    for (i, grad) in root_grads.iter().enumerate() {
        let tot_people = &level1_grads[i * TOT_SIZE..(i + 1) * TOT_SIZE];
        let trainees = level1_split[i];
        made += in_transaction(&mut conn, |conn| {
            let title = format!("Scale lineage ToT {:04}", i + 1);
            let ran = ran_at(today - TimeDelta::days(75));
            lineage_cohort(conn, &title, true, grad.0, tot_people, &ran, true)?;
            let title = format!("Scale lineage training {:04}", i + 1);
            let ran = ran_at(today - TimeDelta::days(20));
            lineage_cohort(conn, &title, false, grad.0, trainees, &ran, false)?;
            Ok(2)
        })?;
    }

    // Level 2: each level-1 ToT graduate's training (running).
    let level2_split = split(level2_members, level1_grads.len());
    for (i, grad) in level1_grads.iter().enumerate() {
        let trainees = level2_split[i];
        made += in_transaction(&mut conn, |conn| {
            let title = format!("Scale lineage training {:04}", shape.root_graduates + i + 1);
            let ran = ran_at(today - TimeDelta::days(15 + i64::try_from(i % 7).unwrap_or(0)));
            lineage_cohort(conn, &title, false, grad.0, trainees, &ran, false)?;
            Ok(1)
        })?;
    }
    tracing::info!(
        cohorts.added = made,
        cohorts.planned = shape.cohorts(),
        reached = shape.reached_below(),
        "scale lineage seeded"
    );
    Ok(())
}

/// Six weeks from `starts_on`.
fn ran_at(starts_on: NaiveDate) -> Ran {
    Ran {
        starts_on,
        ends_on: starts_on + TimeDelta::days(41),
    }
}

/// `people` in `parts` consecutive slices of nearly equal length.
fn split(people: &[Person], parts: usize) -> Vec<&[Person]> {
    let parts = parts.max(1);
    (0..parts)
        .map(|i| &people[i * people.len() / parts..(i + 1) * people.len() / parts])
        .collect()
}

/// Runs `f` in one write transaction and drops the emails it queued.
fn in_transaction(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<usize, ApiError>,
) -> anyhow::Result<usize> {
    write_transaction(conn, |conn| {
        let first_email: Option<i64> = email_outbox::table
            .select(diesel::dsl::max(email_outbox::id))
            .first(conn)?;
        let made = f(conn)?;
        diesel::delete(email_outbox::table.filter(email_outbox::id.gt(first_email.unwrap_or(0))))
            .execute(conn)?;
        Ok::<_, ApiError>(made)
    })
    .map_err(|e| anyhow::anyhow!("scale lineage: {e:?}"))
}

/// The first `n` synthetic accounts whose address starts with `prefix`, with their union.
fn people(conn: &mut DbConn, prefix: &str, n: usize) -> QueryResult<Vec<Person>> {
    let rows: Vec<(i64, i64)> = users::table
        .inner_join(memberships::table.on(memberships::user_id.eq(users::id)))
        .filter(users::email_normalized.like(format!("{prefix}%{SYNTHETIC_DOMAIN}")))
        .order((users::email_normalized.asc(), memberships::id.asc()))
        .select((users::id, memberships::organisation_id))
        .load(conn)?;
    let mut seen = BTreeSet::new();
    Ok(rows
        .into_iter()
        .filter(|(user, _)| seen.insert(*user))
        .take(n)
        .map(|(user, org)| (UserId(user), OrganisationId(org)))
        .collect())
}

/// `count` synthetic members who become e-trainers (`etrainerNNNNN@…`), each of a
/// synthetic union; those an interrupted run made are kept.
fn e_trainers(conn: &mut DbConn, count: usize) -> anyhow::Result<Vec<Person>> {
    let unions: Vec<(i64, String)> = organisations::table
        .select((organisations::id, organisations::country))
        .filter(organisations::name.like(format!("{SYNTHETIC_PREFIX}%")))
        .order(organisations::id.asc())
        .load(conn)?;
    let made = people(conn, "etrainer", count)?.len();
    let hash = super::demo_password_hash()?;
    write_transaction(conn, |conn| {
        for i in made..count {
            let account = SyntheticAccount {
                email: format!("etrainer{:05}{SYNTHETIC_DOMAIN}", i + 1),
                name: format!("Synthetic E-trainer {:05}", i + 1),
                gender: match i % 3 {
                    0 => Some(Gender::Female),
                    1 => Some(Gender::Male),
                    _ => None,
                },
                birth_year: Some(1975 + i32::try_from(i % 25).unwrap_or(0)),
            };
            synthetic_account(
                conn,
                &account,
                unions.get(i % unions.len().max(1)),
                MembershipRole::Member,
                &hash,
            )?;
        }
        Ok::<_, ApiError>(())
    })?;
    Ok(people(conn, "etrainer", count)?)
}

/// One lineage cohort, facilitated by `facilitator`, with `people` accepted, its sessions
/// and their attendance, moved to `ran`'s dates; a `tot` that `completes` is completed
/// (which certifies its participants as e-trainers).
fn lineage_cohort(
    conn: &mut DbConn,
    title: &str,
    tot: bool,
    facilitator: UserId,
    people: &[Person],
    ran: &Ran,
    completes: bool,
) -> Result<CohortId, ApiError> {
    let coordinator = who(conn, "coordinator")?;
    // Dates to come while it is made, as the API takes calls only for cohorts to come.
    let starts = Utc::now().date_naive() + TimeDelta::days(120);
    let orgs: Vec<i64> = people.iter().map(|(_, org)| org.get()).collect();
    let mut countries: BTreeSet<String> = organisations::table
        .filter(organisations::id.eq_any(&orgs))
        .select(organisations::country)
        .distinct()
        .load(conn)?
        .into_iter()
        .collect();
    if countries.is_empty() {
        countries.insert("PH".to_owned());
    }
    let body = json!({
        "kind": if tot { "tot" } else { "training" },
        "default_language": "en",
        "title": title,
        "description": "A synthetic cohort of the scale lineage.",
        "starts_on": starts,
        "ends_on": starts + TimeDelta::days(41),
        "time_zone": "Asia/Manila",
        "delivery_language": "en",
        "interpretation_languages": ["fil", "id"],
        "capacity": people.len().max(2),
        "region": "asia-pacific",
        "facilitator_ids": [facilitator.get()],
        "course_ids": [],
    });
    let request: CreateCohortRequest = serde_json::from_value(body).map_err(ApiError::internal)?;
    let id = cohorts::create(conn, &coordinator, NewCohortInput::try_from(request)?)?
        .view
        .id;
    let call = json!({
        "deadline": (Utc::now() + TimeDelta::days(60)).to_rfc3339(),
        "members_may_apply": false,
        "invited_organisation_ids": [],
        "invited_countries": countries,
        "organisation_quotas": [],
        "country_quotas": [],
        "profile": {
            "target_shares": {"women_percent": 50, "under_35_percent": 30, "countries": []},
            "notes": "Members who can give three hours a week.",
        },
    });
    let request: CallRequest = serde_json::from_value(call).map_err(ApiError::internal)?;
    calls::put(conn, &coordinator, id, CallInput::try_from(request)?, None)?;
    for status in [
        CohortStatus::NominationsOpen,
        CohortStatus::Selection,
        CohortStatus::Running,
    ] {
        move_to(conn, &coordinator, id, status)?;
    }
    accept(conn, id, people)?;

    // The facilitator acts as the trainer they are (the root's graduates since it
    // certified them), without a login.
    let facilitator = AuthUser {
        id: facilitator,
        role: Role::Trainer,
        session_id: SessionId(0),
        language: Default::default(),
        name: None,
    };
    let now = db::now();
    let mut attendance = Vec::new();
    for k in 0..SESSIONS {
        let day = ran.starts_on + TimeDelta::days(7 * k);
        let starts_at = day.and_hms_opt(1, 0, 0).unwrap_or_default();
        let ends_at = starts_at + TimeDelta::minutes(SESSION_MINUTES);
        let request: CreateSessionRequest = serde_json::from_value(json!({
            "title": format!("Week {}: live session", k + 1),
            "starts_at": starts_at.and_utc().to_rfc3339(),
            "ends_at": ends_at.and_utc().to_rfc3339(),
            "meeting_url": format!("https://meet.example.org/scale-{}-{}", id.get(), k + 1),
        }))
        .map_err(ApiError::internal)?;
        let session = sessions::create(conn, &facilitator, id, SessionFields::try_from(request)?)?
            .body
            .id;
        if starts_at > now {
            continue;
        }
        for (i, (person, _)) in people.iter().enumerate() {
            let i = i64::try_from(i).unwrap_or(0);
            if !tot && (i + k) % 7 == 0 {
                continue;
            }
            let late = if tot { 0 } else { i % 6 };
            let joined_at = starts_at + TimeDelta::minutes(late);
            let (left_at, source) = match i % 3 {
                0 => (None, AttendanceSource::CheckIn),
                1 => (Some(ends_at), AttendanceSource::Import),
                _ => (Some(ends_at), AttendanceSource::Facilitator),
            };
            attendance.push(Attendance {
                session_id: session,
                user_id: *person,
                joined_at,
                left_at,
                minutes: minutes_within(starts_at, ends_at, &[(joined_at, left_at)]),
                source,
                recorded_by: Some(if source == AttendanceSource::CheckIn {
                    *person
                } else {
                    facilitator.id
                }),
                recorded_at: ends_at,
            });
        }
    }
    insert_attendance(conn, &attendance)?;
    if completes {
        move_to(conn, &coordinator, id, CohortStatus::Completed)?;
    }
    backdate(conn, id, ran)?;
    Ok(id)
}

/// Writes `people` as the cohort's accepted participants.
fn accept(conn: &mut DbConn, cohort: CohortId, people: &[Person]) -> QueryResult<usize> {
    let at = db::now();
    let rows: Vec<NewNomination> = people
        .iter()
        .map(|(user, org)| NewNomination {
            cohort_id: cohort,
            nominee_id: *user,
            organisation_id: *org,
            origin: NominationOrigin::Leader,
            status: NominationStatus::Accepted,
            leader_id: None,
            statement: "An active member who organises at their workplace.".to_owned(),
            profile_read_at: at,
            created_at: at,
            updated_at: at,
        })
        .collect();
    db::insert_chunked!(conn, nominations::table, rows, 1000)
}

/// Attendance in multi-row statements.
fn insert_attendance(conn: &mut DbConn, rows: &[Attendance]) -> QueryResult<usize> {
    db::insert_chunked!(conn, session_attendance::table, rows, 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shape_grows_with_the_scale() {
        let big = Shape::of(10_000);
        assert_eq!(big.root_graduates, 10);
        assert_eq!(big.level1_graduates(), 50);
        assert_eq!(big.cohorts(), 71);
        assert_eq!(big.reached_below(), 10_050);
        let small = Shape::of(250);
        assert_eq!(small.root_graduates, 2);
        assert_eq!(small.level1_trainees, 25);
        assert_eq!(small.reached_below(), 260);
    }

    #[test]
    fn split_covers_everyone_once() {
        let people: Vec<Person> = (0..23).map(|i| (UserId(i), OrganisationId(1))).collect();
        let parts = split(&people, 5);
        assert_eq!(parts.len(), 5);
        assert_eq!(parts.iter().map(|p| p.len()).sum::<usize>(), 23);
        assert!(parts.iter().all(|p| p.len() >= 4));
    }
}
