//! Throttling of guessable endpoints (login, registration, email links), per instance.
//!
//! Limits live in memory: with several instances, each enforces them on its own, so the
//! effective limit is the per-instance one times the instances a client reaches.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// A keyed limit: `burst` events, refilled evenly over `period`.
pub struct Limit {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl Limit {
    /// `burst` events per `period` per key.
    pub fn new(burst: u32, period: Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        // A zero period refills at once, which is no limit at all.
        let quota = Quota::with_period(period / burst.get())
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// Counts one event for `key`; 429 with `Retry-After` when over the limit.
    pub fn hit(&self, key: &str) -> Result<(), ApiError> {
        self.limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                ApiError::RateLimited {
                    retry_after: wait.as_secs().max(1),
                }
            })?;
        self.maybe_shrink();
        Ok(())
    }

    fn maybe_shrink(&self) {
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
    }
}

/// Limits failures only: a key is blocked once its failures exceed the limit, until the
/// limiter lets it through again. Successes cost nothing.
pub struct FailureLimit {
    failures: Limit,
    blocked: Mutex<HashMap<String, Instant>>,
}

impl FailureLimit {
    /// At most `max_failures` per `period` per key: the last of them blocks the key.
    pub fn new(max_failures: u32, period: Duration) -> Self {
        // The limiter lets `max_failures - 1` through; the next failure is refused, which blocks.
        let burst = max_failures.saturating_sub(1).max(1);
        let per_event = period / max_failures.max(1);
        Self {
            failures: Limit::new(burst, per_event * burst),
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// 429 when `key` is blocked.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = blocked.get(key).copied() {
            let now = Instant::now();
            if until > now {
                return Err(ApiError::RateLimited {
                    retry_after: (until - now).as_secs().max(1),
                });
            }
            blocked.remove(key);
        }
        Ok(())
    }

    /// Records a failure; blocks the key when it is over the limit.
    pub fn fail(&self, key: &str) {
        if let Err(ApiError::RateLimited { retry_after }) = self.failures.hit(key) {
            let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
            if blocked.len() > 100_000 {
                let now = Instant::now();
                blocked.retain(|_, until| *until > now);
            }
            blocked.insert(
                key.to_owned(),
                Instant::now() + Duration::from_secs(retry_after),
            );
        }
    }
}

/// Every throttle of the service.
pub struct Limiters {
    /// Failed logins per account and client address: 5 in 15 minutes.
    pub login_account: FailureLimit,
    /// Failed logins per account from anywhere: 50 in 15 minutes. Looser than the per-address
    /// limit, so that a stranger's guesses cannot lock the owner out for long, yet a guessing
    /// botnet still gets few tries.
    pub login_account_global: FailureLimit,
    /// Failed logins per client address: 20 in 15 minutes.
    pub login_ip: FailureLimit,
    /// Registrations per client address: 10 an hour.
    pub register_ip: Limit,
    /// Verification resends and password-reset requests per client address: 10 an hour.
    pub email_ip: Limit,
    /// Verification resends and password-reset requests per account: 3 an hour.
    pub email_account: Limit,
}

impl Limiters {
    /// The production limits.
    pub fn new() -> Self {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        Self {
            login_account: FailureLimit::new(5, minutes(15)),
            login_account_global: FailureLimit::new(50, minutes(15)),
            login_ip: FailureLimit::new(20, minutes(15)),
            register_ip: Limit::new(10, minutes(60)),
            email_ip: Limit::new(10, minutes(60)),
            email_account: Limit::new(3, minutes(60)),
        }
    }
}

impl Default for Limiters {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_block_after_the_burst_and_successes_cost_nothing() {
        let limit = FailureLimit::new(3, Duration::from_secs(900));
        for _ in 0..10 {
            assert!(limit.check("ana").is_ok(), "checks alone never block");
        }
        for _ in 0..2 {
            limit.fail("ana");
        }
        assert!(limit.check("ana").is_ok());
        limit.fail("ana");
        let err = limit.check("ana").unwrap_err();
        assert!(matches!(err, ApiError::RateLimited { retry_after } if retry_after >= 1));
        assert!(limit.check("ben").is_ok(), "keys are separate");
    }

    #[test]
    fn limits_count_every_event() {
        let limit = Limit::new(2, Duration::from_secs(3600));
        assert!(limit.hit("1.2.3.4").is_ok());
        assert!(limit.hit("1.2.3.4").is_ok());
        assert!(limit.hit("1.2.3.4").is_err());
    }
}
