//! Scale cohorts (`seed --scale N`): cohorts and nominations in proportion to `N`, made
//! through the cohorts, calls and nominations services as the demo coordinator, synthetic
//! union leaders and their members.
//!
//! Each synthetic union has one member (`memberNNNNNN@scale.bayanihan.test`); a union that
//! takes part in a call also gets a leader (`leaderNNNNNN@…`), who nominates that member.
//! With `N` = 10,000:
//! - 20 cohorts through every state (completed ones moved back to past dates, as the demo
//!   does);
//! - the first cohort's open call invites 1,000 unions and holds 1,000 nominations, most of
//!   them submitted, some accepted, waitlisted, rejected, declined or still awaiting the
//!   nominee: the selection view the benchmark reads;
//! - every other cohort with a call holds five nominations.
//!
//! The emails the services queue (nominations, decisions) are dropped: no one reads the
//! synthetic inboxes.

use chrono::{TimeDelta, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::auth::AuthUser;
use crate::auth::policy::Role;
use crate::cohorts::calls::{dto::CallRequest, model::CallInput, service as calls};
use crate::cohorts::dto::CreateCohortRequest;
use crate::cohorts::model::{CohortStatus, NewCohortInput};
use crate::cohorts::nominations::dto::{
    CreateNominationRequest, CreateNominationTransitionRequest,
};
use crate::cohorts::nominations::model::{MoveInput, NominationInput, NominationStatus};
use crate::cohorts::nominations::service as nominations;
use crate::cohorts::service as cohorts;
use crate::db::schema::{cohort_translations, email_outbox, organisations, users};
use crate::db::{Db, DbConn, write_transaction};
use crate::error::ApiError;
use crate::organisations::model::MembershipRole;
use crate::types::{CohortId, SessionId, UserId};

use super::cohorts::{backdate, course_id, move_to, who};
use super::data::Ran;
use super::{SYNTHETIC_DOMAIN, SYNTHETIC_PREFIX, SyntheticAccount, synthetic_account};

/// Every scale cohort's title starts so; one is enough to know the cohorts are loaded.
const TITLE_PREFIX: &str = "Scale cohort ";

/// Nominations in each cohort's call after the first (fewer when `n` is tiny).
const SMALL_CALL: usize = 5;

/// The states the scale cohorts cycle through, from the second cohort on (the first keeps
/// its call open).
const CYCLE: [CohortStatus; 5] = [
    CohortStatus::Planning,
    CohortStatus::NominationsOpen,
    CohortStatus::Selection,
    CohortStatus::Running,
    CohortStatus::Completed,
];

/// How many scale cohorts `n` makes, the nominations in the first one's call and in each
/// other call: never more than the `n` synthetic unions (one nominee each).
fn sizes(n: usize) -> (usize, usize, usize) {
    let count = (n / 500).max(2);
    let big = (n / 10).max(1).min(n);
    let small = SMALL_CALL.min(n.saturating_sub(big) / (count - 1));
    (count, big, small)
}

/// Loads the scale cohorts, once: nothing when they exist.
pub fn scale(db: &Db, n: usize) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let loaded: i64 = cohort_translations::table
        .filter(cohort_translations::title.like(format!("{TITLE_PREFIX}%")))
        .count()
        .get_result(&mut *conn)?;
    if loaded > 0 {
        tracing::info!(cohorts.added = 0, "scale cohorts present");
        return Ok(());
    }
    let (count, big, small) = sizes(n);
    let unions: Vec<(i64, String)> = organisations::table
        .select((organisations::id, organisations::country))
        .filter(organisations::name.like(format!("{SYNTHETIC_PREFIX}%")))
        .order(organisations::id.asc())
        .load(&mut *conn)?;
    let mut members: Vec<UserId> = users::table
        .select(users::id)
        .filter(users::email_normalized.like(format!("member%{SYNTHETIC_DOMAIN}")))
        .order(users::email_normalized.asc())
        .load::<i64>(&mut *conn)?
        .into_iter()
        .map(UserId)
        .collect();
    let wanted = big + small * (count - 1);
    members.truncate(unions.len());
    if members.len() < wanted {
        anyhow::bail!(
            "seed --scale {n}: {wanted} synthetic unions with a member are needed for the cohorts, {} exist",
            members.len()
        );
    }

    let hash = super::demo_password_hash()?;
    // The leaders, each of one union (those an interrupted run made are kept).
    let leader_ids = |conn: &mut DbConn| -> QueryResult<Vec<UserId>> {
        Ok(users::table
            .select(users::id)
            .filter(users::email_normalized.like(format!("leader%{SYNTHETIC_DOMAIN}")))
            .order(users::email_normalized.asc())
            .load::<i64>(conn)?
            .into_iter()
            .map(UserId)
            .collect())
    };
    let made = leader_ids(&mut conn)?.len();
    write_transaction(&mut conn, |conn| {
        for i in made..wanted {
            let account = SyntheticAccount {
                email: format!("leader{:06}{SYNTHETIC_DOMAIN}", i + 1),
                name: format!("Synthetic Leader {:06}", i + 1),
                gender: None,
                birth_year: None,
            };
            synthetic_account(conn, &account, unions.get(i), MembershipRole::Leader, &hash)?;
        }
        Ok::<_, ApiError>(())
    })?;
    let leaders = leader_ids(&mut conn)?;

    let mut nominated = 0;
    let mut next = 0;
    for c in 0..count {
        let take = if c == 0 { big } else { small };
        let range = next..next + take;
        next += take;
        nominated += write_transaction(&mut conn, |conn| {
            let first_email: Option<i64> = email_outbox::table
                .select(diesel::dsl::max(email_outbox::id))
                .first(conn)?;
            let made = scale_cohort(
                conn,
                c,
                &unions[range.clone()],
                &leaders[range.clone()],
                &members[range.clone()],
            )?;
            diesel::delete(
                email_outbox::table.filter(email_outbox::id.gt(first_email.unwrap_or(0))),
            )
            .execute(conn)?;
            Ok::<_, ApiError>(made)
        })
        .map_err(|e| anyhow::anyhow!("scale cohort {}: {e:?}", c + 1))?;
    }
    tracing::info!(
        cohorts.added = count,
        nominations.added = nominated,
        "scale cohorts seeded"
    );
    Ok(())
}

/// Scale cohort `c` (0-based) with a call to `unions`, whose `leaders` nominate their
/// `members`; how many nominations it got.
fn scale_cohort(
    conn: &mut DbConn,
    c: usize,
    unions: &[(i64, String)],
    leaders: &[UserId],
    members: &[UserId],
) -> Result<usize, ApiError> {
    let coordinator = who(conn, "coordinator")?;
    let trainer = who(conn, "trainer")?;
    let course = course_id(conn, "platform-workers-rights")?;
    let status = if c == 0 {
        CohortStatus::NominationsOpen
    } else {
        CYCLE[c % CYCLE.len()]
    };
    // Dates to come, as the API takes calls only for cohorts to come; completed cohorts
    // are moved back afterwards.
    let starts = Utc::now().date_naive() + TimeDelta::days(120 + 7 * i64::try_from(c).unwrap_or(0));
    let body = json!({
        "kind": if c.is_multiple_of(4) { "tot" } else { "training" },
        "default_language": "en",
        "title": format!("{TITLE_PREFIX}{:04}", c + 1),
        "description": "A synthetic cohort of the scale data.",
        "starts_on": starts,
        "ends_on": starts + TimeDelta::days(42),
        "time_zone": "Asia/Manila",
        "delivery_language": "en",
        "interpretation_languages": ["fil", "id"],
        "capacity": (members.len() / 4).max(2),
        "region": "asia-pacific",
        "facilitator_ids": [trainer.id.get()],
        "course_ids": [course.get()],
    });
    let request: CreateCohortRequest = serde_json::from_value(body).map_err(ApiError::internal)?;
    let id = cohorts::create(conn, &coordinator, NewCohortInput::try_from(request)?)?
        .view
        .id;
    if status == CohortStatus::Planning {
        return Ok(0);
    }

    let countries: std::collections::BTreeSet<&str> =
        unions.iter().map(|(_, country)| country.as_str()).collect();
    let call = json!({
        "deadline": (Utc::now() + TimeDelta::days(60)).to_rfc3339(),
        "members_may_apply": false,
        // By country: a call names at most 500 organisations, the first one's 1,000
        // unions span the demo's countries.
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
    move_to(conn, &coordinator, id, CohortStatus::NominationsOpen)?;
    for (i, (leader, member)) in leaders.iter().zip(members).enumerate() {
        nominate(conn, &coordinator, id, *leader, *member, i)?;
    }
    for &next in CohortStatus::NominationsOpen.steps_to(status) {
        move_to(conn, &coordinator, id, next)?;
    }
    if status == CohortStatus::Completed {
        let ends_on = Utc::now().date_naive() - TimeDelta::days(30);
        let ran = Ran {
            starts_on: ends_on - TimeDelta::days(42),
            ends_on,
        };
        backdate(conn, id, &ran)?;
    }
    Ok(members.len())
}

/// A synthetic account acting (each has the member role and acts without a login).
fn synthetic_actor(id: UserId) -> AuthUser {
    AuthUser {
        id,
        role: Role::Member,
        session_id: SessionId(0),
        language: Default::default(),
        name: None,
    }
}

/// The `i`th nomination of a call: made by the union's leader, then moved to a state that
/// depends on `i` (most submitted, one in ten accepted, and every other state).
fn nominate(
    conn: &mut DbConn,
    coordinator: &AuthUser,
    cohort: CohortId,
    leader: UserId,
    member: UserId,
    i: usize,
) -> Result<(), ApiError> {
    use NominationStatus as S;
    let leader = synthetic_actor(leader);
    let nominee = synthetic_actor(member);
    let input = NominationInput::try_from(CreateNominationRequest {
        nominee_id: Some(nominee.id.get()),
        organisation_id: None,
        statement: "An active member who organises at their workplace.".to_owned(),
        profile_read: true,
    })?;
    let id = nominations::create(conn, &leader, cohort, input)?.body.id;
    let moves: &[(S, &AuthUser)] = match i % 20 {
        0 => &[],
        1 => &[(S::Declined, &nominee)],
        2 | 3 => &[(S::Submitted, &nominee), (S::Accepted, coordinator)],
        4 => &[(S::Submitted, &nominee), (S::Waitlisted, coordinator)],
        5 => &[(S::Submitted, &nominee), (S::Rejected, coordinator)],
        6 => &[(S::Submitted, &nominee), (S::Withdrawn, &nominee)],
        _ => &[(S::Submitted, &nominee)],
    };
    for (to, by) in moves {
        let reason = matches!(to, S::Accepted | S::Waitlisted | S::Rejected)
            .then(|| "Decided on the profile and the target shares.".to_owned());
        let input = MoveInput::try_from(CreateNominationTransitionRequest {
            status: *to,
            reason,
        })?;
        nominations::transition(conn, by, id, input, None)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_grow_with_the_scale() {
        assert_eq!(sizes(10_000), (20, 1_000, SMALL_CALL));
        assert_eq!(sizes(100), (2, 10, SMALL_CALL));
        assert_eq!(sizes(12), (2, 1, SMALL_CALL));
        assert_eq!(sizes(3), (2, 1, 2));
        assert_eq!(sizes(1), (2, 1, 0));
    }
}
