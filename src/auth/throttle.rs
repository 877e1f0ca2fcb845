//! Throttling of guessable endpoints (login, password checks, registration, emailed
//! links, invitation tokens), counted in the database so that every instance sharing it
//! enforces the same limits.
//!
//! A limit is a [`Rule`]: at most `max` events of its scope per subject (a client address,
//! an account) in a sliding `window`; over it, 429 with `Retry-After` until the oldest
//! event leaves the window. Logins add OWASP's two defences against lock-out by strangers:
//! - **growing delays, not a wall**, per account: from devices it does not know, the first
//!   [`ACCOUNT_FREE_FAILURES`] failures in [`LOGIN_WINDOW`] cost nothing; after them each
//!   attempt waits 1, 2, 4 … seconds after the last failure (at most [`MAX_DELAY_SECS`]);
//! - **device tokens**: a successful login returns one; the device sends it back with its
//!   next login, and while it is valid that login is held neither by the account's delays
//!   nor by the address limit, only by the token's own limit ([`DEVICE_MAX_FAILURES`]
//!   failures in a row lock the token for [`LOGIN_WINDOW`]; it then counts as unknown).
//!
//! Failures are written before the password is checked and taken back when it matches, so
//! that parallel guesses cannot all pass the check before any of them is counted; on
//! PostgreSQL the attempts on one account are serialised by a transaction lock on its key.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::auth::tokens::{hash_token, new_opaque_token};
use crate::db::schema::{device_tokens, throttle_events};
use crate::db::{Db, DbConn, now};
use crate::error::ApiError;
use crate::types::UserId;

/// One limit: at most `max` events of `scope` per subject in `window`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Names the limit in `throttle_events.scope`.
    pub scope: &'static str,
    pub max: i64,
    pub window: TimeDelta,
}

impl Rule {
    /// [`hit`] in a write of its own: a handler's guard before any other work.
    pub async fn hit(self, db: &Db, subject: String) -> Result<(), ApiError> {
        db.write(move |conn| hit(conn, self, &subject, now())).await
    }

    /// [`check`] in a read of its own.
    pub async fn check(self, db: &Db, subject: String) -> Result<(), ApiError> {
        db.read(move |conn| check(conn, self, &subject, now()))
            .await
    }

    /// [`record`] in a write of its own: a failure found after the work.
    pub async fn fail(self, db: &Db, subject: String) -> Result<(), ApiError> {
        db.write(move |conn| Ok(record(conn, self, &subject, now())?))
            .await
            .map(drop)
    }
}

/// How long a login failure counts.
pub const LOGIN_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// Failed logins per client address, from devices not known to the account: 20 in 15
/// minutes.
pub const LOGIN_ADDRESS: Rule = Rule {
    scope: "login_address",
    max: 20,
    window: LOGIN_WINDOW,
};
/// Failed logins per account (the address typed, known or not) from unknown devices; held
/// by [`account_delay`], not by `max`.
pub const LOGIN_ACCOUNT: Rule = Rule {
    scope: "login_account",
    max: i64::MAX,
    window: LOGIN_WINDOW,
};
/// Wrong current passwords per account, before a change that needs one: 5 in 15 minutes.
pub const PASSWORD_CHECK: Rule = Rule {
    scope: "password_check",
    max: 5,
    window: LOGIN_WINDOW,
};
/// Registrations per client address: 10 an hour.
pub const REGISTER_ADDRESS: Rule = Rule {
    scope: "register_address",
    max: 10,
    window: TimeDelta::hours(1),
};
/// Verification resends and password-reset requests per client address: 10 an hour.
pub const EMAIL_ADDRESS: Rule = Rule {
    scope: "email_address",
    max: 10,
    window: TimeDelta::hours(1),
};
/// Verification resends and password-reset requests per account: 3 an hour.
pub const EMAIL_ACCOUNT: Rule = Rule {
    scope: "email_account",
    max: 3,
    window: TimeDelta::hours(1),
};
/// Invitation tokens that open nothing, per client address: 20 in 15 minutes.
pub const INVITATION_ADDRESS: Rule = Rule {
    scope: "invitation_address",
    max: 20,
    window: TimeDelta::minutes(15),
};

/// Wrong session check-in codes per account: 10 in 15 minutes.
pub const CHECK_IN_ACCOUNT: Rule = Rule {
    scope: "check_in_account",
    max: 10,
    window: TimeDelta::minutes(15),
};

/// Failures of an account from unknown devices in [`LOGIN_WINDOW`] before delays begin.
pub const ACCOUNT_FREE_FAILURES: i64 = 5;
/// The longest delay between attempts on one account.
pub const MAX_DELAY_SECS: i64 = 60;
/// Failures in a row that lock one device token.
pub const DEVICE_MAX_FAILURES: i32 = 5;
/// How long a device token lives unused.
pub const DEVICE_TTL: TimeDelta = TimeDelta::days(180);
/// Device tokens kept per account (the least recently used go first).
pub const DEVICES_PER_ACCOUNT: i64 = 20;

/// The delay before the next login attempt on an account with `failures` from unknown
/// devices in the window: none for the first [`ACCOUNT_FREE_FAILURES`], then 1, 2, 4 …
/// seconds, at most [`MAX_DELAY_SECS`].
pub fn account_delay(failures: i64) -> Option<TimeDelta> {
    let over = failures - ACCOUNT_FREE_FAILURES;
    if over < 0 {
        return None;
    }
    let secs = if over >= 6 {
        MAX_DELAY_SECS
    } else {
        (1_i64 << over).min(MAX_DELAY_SECS)
    };
    Some(TimeDelta::seconds(secs))
}

/// 429 until `until`, in whole seconds rounded up (at least one).
fn wait_until(until: NaiveDateTime, now: NaiveDateTime) -> ApiError {
    let millis = (until - now).num_milliseconds().max(0);
    ApiError::RateLimited {
        retry_after: u64::try_from((millis + 999) / 1000).unwrap_or(1).max(1),
    }
}

/// Forgets the events of `rule`'s scope that left its window.
fn prune(conn: &mut DbConn, rule: Rule, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        throttle_events::table
            .filter(throttle_events::scope.eq(rule.scope))
            .filter(throttle_events::at.lt(now - rule.window)),
    )
    .execute(conn)
}

/// 429 when `subject` has used up `rule` (its events in the window reached `max`).
pub fn check(
    conn: &mut DbConn,
    rule: Rule,
    subject: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let recent: Vec<NaiveDateTime> = throttle_events::table
        .filter(throttle_events::scope.eq(rule.scope))
        .filter(throttle_events::subject.eq(subject))
        .filter(throttle_events::at.ge(now - rule.window))
        .order(throttle_events::at.desc())
        .limit(rule.max)
        .select(throttle_events::at)
        .load(conn)?;
    match recent.last() {
        Some(oldest) if recent.len() as i64 >= rule.max => {
            Err(wait_until(*oldest + rule.window, now))
        }
        _ => Ok(()),
    }
}

/// Counts one event of `rule` for `subject`; its id, to take it back with [`forget`].
pub fn record(
    conn: &mut DbConn,
    rule: Rule,
    subject: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    prune(conn, rule, now)?;
    diesel::insert_into(throttle_events::table)
        .values((
            throttle_events::scope.eq(rule.scope),
            throttle_events::subject.eq(subject),
            throttle_events::at.eq(now),
        ))
        .returning(throttle_events::id)
        .get_result(conn)
}

/// [`check`], then [`record`]: for limits where every event counts, not only failures.
pub fn hit(
    conn: &mut DbConn,
    rule: Rule,
    subject: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    check(conn, rule, subject, now)?;
    record(conn, rule, subject, now)?;
    Ok(())
}

/// Takes back events written by [`record`] (an attempt that succeeded after all).
pub fn forget(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(throttle_events::table.filter(throttle_events::id.eq_any(ids))).execute(conn)
}

/// Forgets every event of `rule` for `subject` (a success resets the count).
pub fn forget_subject(conn: &mut DbConn, rule: Rule, subject: &str) -> QueryResult<usize> {
    diesel::delete(
        throttle_events::table
            .filter(throttle_events::scope.eq(rule.scope))
            .filter(throttle_events::subject.eq(subject)),
    )
    .execute(conn)
}

/// A failure counted before a password is checked: taken back by [`Attempt::succeeded`].
#[derive(Debug)]
#[must_use = "an attempt is a failure until it succeeds"]
pub struct Attempt {
    events: Vec<i64>,
    device: Option<i64>,
}

impl Attempt {
    /// The password matched: the attempt is no failure, and the count it belongs to starts
    /// again (the account's or the device token's).
    pub fn succeeded(self, conn: &mut DbConn, rule: Rule, subject: &str) -> QueryResult<()> {
        forget(conn, &self.events)?;
        forget_subject(conn, rule, subject)?;
        if let Some(device) = self.device {
            diesel::update(device_tokens::table.find(device))
                .set(device_tokens::failures.eq(0))
                .execute(conn)?;
        }
        Ok(())
    }

    /// The device token the attempt presented, when it was valid.
    pub fn device(&self) -> Option<i64> {
        self.device
    }
}

/// One attempt of a password check that `rule` limits per `subject` (no devices, no
/// delays): 429 when used up, else the attempt, counted as a failure until it succeeds.
pub fn begin_check(
    conn: &mut DbConn,
    rule: Rule,
    subject: &str,
    now: NaiveDateTime,
) -> Result<Attempt, ApiError> {
    crate::db::lock_key(conn, rule.scope, subject)?;
    check(conn, rule, subject, now)?;
    let id = record(conn, rule, subject, now)?;
    Ok(Attempt {
        events: vec![id],
        device: None,
    })
}

/// One login attempt on the account typed as `account` (whether it exists or not), from
/// `address`, with the device token hashed as `device_hash` when one was sent and `user`
/// the account it names, if any. 429 when it must wait; else the attempt, counted as a
/// failure until it succeeds.
pub fn begin_login(
    conn: &mut DbConn,
    account: &str,
    address: &str,
    user: Option<UserId>,
    device_hash: Option<&str>,
    now: NaiveDateTime,
) -> Result<Attempt, ApiError> {
    crate::db::lock_key(conn, LOGIN_ACCOUNT.scope, account)?;
    let device = match (user, device_hash) {
        (Some(user), Some(hash)) => usable_device(conn, user, hash, now)?,
        _ => None,
    };
    if let Some((id, failures)) = device {
        // A known device: only the token's own limit, counted on it and locked at the last.
        let failures = failures + 1;
        let locked = failures >= DEVICE_MAX_FAILURES;
        diesel::update(device_tokens::table.find(id))
            .set((
                device_tokens::failures.eq(if locked { 0 } else { failures }),
                device_tokens::locked_until.eq(locked.then_some(now + LOGIN_WINDOW)),
            ))
            .execute(conn)?;
        return Ok(Attempt {
            events: Vec::new(),
            device: Some(id),
        });
    }
    check(conn, LOGIN_ADDRESS, address, now)?;
    let (failures, last): (i64, Option<NaiveDateTime>) = throttle_events::table
        .filter(throttle_events::scope.eq(LOGIN_ACCOUNT.scope))
        .filter(throttle_events::subject.eq(account))
        .filter(throttle_events::at.ge(now - LOGIN_WINDOW))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(throttle_events::at),
        ))
        .first(conn)?;
    if let (Some(delay), Some(last)) = (account_delay(failures), last)
        && now < last + delay
    {
        return Err(wait_until(last + delay, now));
    }
    let events = vec![
        record(conn, LOGIN_ADDRESS, address, now)?,
        record(conn, LOGIN_ACCOUNT, account, now)?,
    ];
    Ok(Attempt {
        events,
        device: None,
    })
}

/// The id and failure count of `user`'s device token hashed as `hash`, when it is valid
/// (not expired) and not locked.
fn usable_device(
    conn: &mut DbConn,
    user: UserId,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(i64, i32)>> {
    let token: Option<(i64, i32, Option<NaiveDateTime>)> = device_tokens::table
        .filter(device_tokens::token_hash.eq(hash))
        .filter(device_tokens::user_id.eq(user))
        .filter(device_tokens::expires_at.gt(now))
        .select((
            device_tokens::id,
            device_tokens::failures,
            device_tokens::locked_until,
        ))
        .first(conn)
        .optional()?;
    Ok(token
        .filter(|(_, _, locked)| locked.is_none_or(|until| until <= now))
        .map(|(id, failures, _)| (id, failures)))
}

/// A new device token for `user` after a successful login (raw, for the answer), replacing
/// the one the login presented; the account keeps its [`DEVICES_PER_ACCOUNT`] most
/// recently used.
pub fn new_device_token(
    conn: &mut DbConn,
    user: UserId,
    replacing: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<String> {
    if let Some(old) = replacing {
        diesel::delete(device_tokens::table.find(old)).execute(conn)?;
    }
    diesel::delete(
        device_tokens::table
            .filter(device_tokens::user_id.eq(user))
            .filter(device_tokens::expires_at.le(now)),
    )
    .execute(conn)?;
    let keep: Vec<i64> = device_tokens::table
        .filter(device_tokens::user_id.eq(user))
        .order((device_tokens::last_used_at.desc(), device_tokens::id.desc()))
        .limit(DEVICES_PER_ACCOUNT - 1)
        .select(device_tokens::id)
        .load(conn)?;
    diesel::delete(
        device_tokens::table
            .filter(device_tokens::user_id.eq(user))
            .filter(device_tokens::id.ne_all(keep)),
    )
    .execute(conn)?;
    let raw = new_opaque_token();
    diesel::insert_into(device_tokens::table)
        .values((
            device_tokens::user_id.eq(user),
            device_tokens::token_hash.eq(hash_token(&raw)),
            device_tokens::created_at.eq(now),
            device_tokens::last_used_at.eq(now),
            device_tokens::expires_at.eq(now + DEVICE_TTL),
            device_tokens::failures.eq(0),
        ))
        .execute(conn)?;
    Ok(raw)
}

/// Forgets every device token of `user` (a new password, logging out everywhere, an
/// erased or suspended account).
pub fn forget_devices(conn: &mut DbConn, user: UserId) -> QueryResult<usize> {
    diesel::delete(device_tokens::table.filter(device_tokens::user_id.eq(user))).execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_from_the_sixth_failure_and_are_capped() {
        let secs = |n| account_delay(n).map(|d| d.num_seconds());
        assert_eq!(secs(0), None);
        assert_eq!(secs(4), None);
        assert_eq!(secs(5), Some(1));
        assert_eq!(secs(6), Some(2));
        assert_eq!(secs(7), Some(4));
        assert_eq!(secs(10), Some(32));
        assert_eq!(secs(11), Some(60));
        assert_eq!(secs(1_000), Some(60));
        assert_eq!(secs(i64::MAX), Some(60));
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        let now = chrono::DateTime::from_timestamp(1_000_000, 0)
            .unwrap()
            .naive_utc();
        let retry = |until| match wait_until(until, now) {
            ApiError::RateLimited { retry_after } => retry_after,
            _ => unreachable!(),
        };
        assert_eq!(retry(now), 1);
        assert_eq!(retry(now + TimeDelta::milliseconds(1)), 1);
        assert_eq!(retry(now + TimeDelta::milliseconds(1001)), 2);
        assert_eq!(retry(now + TimeDelta::seconds(60)), 60);
    }
}
