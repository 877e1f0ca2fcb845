//! Passwords: strength rules, and argon2id hashing on a bounded pool.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::web;
use argon2::password_hash::{
    PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Shortest accepted password, in characters.
pub const MIN_CHARS: usize = 10;
/// Longest accepted password, in characters (argon2 does not care; abuse does).
pub const MAX_CHARS: usize = 256;

/// A password: never printed, never logged.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// A new password, checked for length and against common and guessable passwords
    /// (zxcvbn, which also penalises the user's own name and email in `context`).
    pub fn parse_new(raw: String, context: &[&str]) -> Result<Self, (&'static str, String)> {
        let chars = raw.chars().count();
        if chars < MIN_CHARS {
            return Err((
                "too_short",
                format!("must be at least {MIN_CHARS} characters"),
            ));
        }
        if chars > MAX_CHARS {
            return Err((
                "too_long",
                format!("must be at most {MAX_CHARS} characters"),
            ));
        }
        // zxcvbn's cost grows with length; the first 100 characters tell enough.
        let head: String = raw.chars().take(100).collect();
        let score = u8::from(zxcvbn::zxcvbn(&head, context).score());
        if score < 2 {
            return Err((
                "too_common",
                "is too common or easy to guess; try a longer phrase of unrelated words".to_owned(),
            ));
        }
        Ok(Self(raw))
    }

    /// A password as typed at login, to be compared with a stored hash only.
    pub fn unchecked(raw: String) -> Self {
        Self(raw)
    }

    fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Hashes and verifies passwords with argon2id (OWASP: m = 19456 KiB, t = 2, p = 1).
///
/// Each hash costs tens of milliseconds of CPU, so at most one runs per CPU (a semaphore in
/// front of the blocking pool) and at most `max_queued` wait; beyond that the answer is 503
/// with `Retry-After`, so a flood of logins cannot starve other requests or grow memory.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    queued: Arc<AtomicUsize>,
    max_queued: usize,
}

/// Verified against when the account does not exist, so that an unknown email costs the
/// same work as a known one. The work depends only on the parameters in the string, which
/// are the ones `argon2()` hashes with; the digest is random bytes, which no password matches.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$PvBtRJ3ZfbWx1YmpuZ7FTw$zYel112x+y0sS1/EJyMUpVlExlDc34WgqQcfx1qz1/s";

impl PasswordHasher {
    /// A hasher running `parallel` hashes at once, with `max_queued` waiting at most.
    pub fn new(parallel: usize, max_queued: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(parallel.max(1))),
            queued: Arc::new(AtomicUsize::new(0)),
            max_queued,
        }
    }

    /// One hash at a time per CPU, 64 waiting per CPU.
    pub fn for_this_machine() -> Self {
        let cpus = std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1);
        Self::new(cpus, cpus * 64)
    }

    /// The PHC string of `password`.
    pub async fn hash(&self, password: Password) -> Result<String, ApiError> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// Whether `password` matches `hash`; with no hash, does the same work and answers false.
    pub async fn verify(&self, password: Password, hash: Option<String>) -> Result<bool, ApiError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let matches = self.run(move || verify_blocking(&password, &hash)).await?;
        Ok(known && matches)
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        if self.queued.fetch_add(1, Ordering::SeqCst) >= self.max_queued {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::Overloaded { retry_after: 1 });
        }
        let _queued = QueueSlot(&self.queued);
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        web::block(f).await.map_err(ApiError::internal)
    }
}

/// Frees a queue slot however the wait ends (including a dropped request).
struct QueueSlot<'a>(&'a AtomicUsize);

impl Drop for QueueSlot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn argon2() -> Argon2<'static> {
    // argon2's defaults are OWASP's minimum (m=19456, t=2, p=1); a test pins them.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// Hashes on the calling thread: for command-line tools, never inside a request.
pub fn hash_blocking(password: &Password) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.expose(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(anyhow::anyhow!("argon2: {e}")))
}

fn verify_blocking(password: &Password, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2().verify_password(password.expose(), &parsed).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(
            Password::parse_new("short".into(), &[]).unwrap_err().0,
            "too_short"
        );
        assert_eq!(
            Password::parse_new("password123".into(), &[])
                .unwrap_err()
                .0,
            "too_common"
        );
        assert_eq!(
            Password::parse_new("qwertyuiop".into(), &[]).unwrap_err().0,
            "too_common"
        );
        assert_eq!(
            Password::parse_new("x".repeat(257), &[]).unwrap_err().0,
            "too_long"
        );
        assert!(Password::parse_new("solidarity-lantern-typhoon-42".into(), &[]).is_ok());
    }

    #[test]
    fn passwords_never_print() {
        let p = Password::unchecked("hunter2hunter2".into());
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_with_owasp_parameters() {
        let hash = hash_blocking(&Password::unchecked("solidarity-lantern".into())).unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_blocking(
            &Password::unchecked("solidarity-lantern".into()),
            &hash
        ));
        assert!(!verify_blocking(
            &Password::unchecked("solidarity-lanterns".into()),
            &hash
        ));
        assert!(!verify_blocking(
            &Password::unchecked("x".into()),
            "not a hash"
        ));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_costs() {
        let real = hash_blocking(&Password::unchecked("solidarity-lantern".into())).unwrap();
        let parsed = PasswordHash::new(DUMMY_HASH).unwrap();
        let real = PasswordHash::new(&real).unwrap();
        assert_eq!(parsed.algorithm, real.algorithm);
        assert_eq!(parsed.version, real.version);
        assert_eq!(parsed.params, real.params);
        assert_eq!(parsed.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        assert!(!verify_blocking(
            &Password::unchecked("solidarity-lantern".into()),
            DUMMY_HASH
        ));
    }

    #[actix_web::test]
    async fn a_full_queue_answers_overloaded() {
        let hasher = PasswordHasher::new(1, 0);
        let err = hasher
            .hash(Password::unchecked("whatever-long".into()))
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Overloaded { .. }));
    }
}
