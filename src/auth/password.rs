//! Passwords: strength rules, and argon2id hashing on a bounded pool.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::blocking::Limited;
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
    hashing: Limited,
    queued: Arc<AtomicUsize>,
    max_queued: usize,
    memory: Memory,
}

/// Argon2's working memory (19 MiB with the parameters above), kept from one hash to the
/// next. A hash runs only with a permit, so no more than one per permit is ever in use or
/// kept. Allocated anew for each hash, it was kept anyway, by the allocator: glibc raises
/// its threshold for returning large blocks to the system after the first one is freed,
/// and each blocking-pool thread's arena then held its own 19–38 MiB. After the benchmark's
/// login load that was 600 MiB of resident memory (bench/README.md).
#[derive(Clone, Default)]
struct Memory(Arc<Mutex<Vec<Vec<Block>>>>);

impl Memory {
    /// Runs `f` with memory for `params` (the pool's when the parameters are ours; a hash
    /// stored with more memory than ours gets its own, not kept).
    fn with<T>(&self, params: &Params, f: impl FnOnce(&mut [Block]) -> T) -> T {
        let count = params.block_count();
        if count > Params::DEFAULT.block_count() {
            return f(&mut vec![Block::default(); count]);
        }
        let kept = self.0.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut blocks =
            kept.unwrap_or_else(|| vec![Block::default(); Params::DEFAULT.block_count()]);
        let result = f(&mut blocks);
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(blocks);
        result
    }

    #[cfg(test)]
    fn kept(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// Verified against when the account does not exist, so that an unknown email costs the
/// same work as a known one. The work depends only on the parameters in the string, which
/// are the ones `argon2()` hashes with; the digest is random bytes, which no password matches.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$PvBtRJ3ZfbWx1YmpuZ7FTw$zYel112x+y0sS1/EJyMUpVlExlDc34WgqQcfx1qz1/s";

impl PasswordHasher {
    /// A hasher running `parallel` hashes at once, with `max_queued` waiting at most.
    pub fn new(parallel: usize, max_queued: usize) -> Self {
        Self {
            hashing: Limited::new(parallel),
            queued: Arc::new(AtomicUsize::new(0)),
            max_queued,
            memory: Memory::default(),
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
        let memory = self.memory.clone();
        self.run(move || memory.with(&Params::DEFAULT, |m| hash_with(&password, m)))
            .await?
    }

    /// Whether `password` matches `hash`; with no hash, does the same work and answers false.
    pub async fn verify(&self, password: Password, hash: Option<String>) -> Result<bool, ApiError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let memory = self.memory.clone();
        let matches = self
            .run(move || verify_with(&password, &hash, &memory))
            .await?;
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
        // A login given up while it hashes keeps its permit until the hash ends, so no more
        // hashes run, and no more blocks of `Memory` are made, than there are permits.
        self.hashing.run(f).await
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
    hash_with(
        password,
        &mut vec![Block::default(); Params::DEFAULT.block_count()],
    )
}

fn argon2_error(err: impl fmt::Display) -> ApiError {
    ApiError::internal(anyhow::anyhow!("argon2: {err}"))
}

/// The PHC string of `password` with a new salt, computed in `memory` (what argon2's own
/// `hash_password` does, with memory it does not allocate).
fn hash_with(password: &Password, memory: &mut [Block]) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    let argon = argon2();
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(argon2_error)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon
        .hash_password_into_with_memory(password.expose(), salt_bytes, &mut out, memory)
        .map_err(argon2_error)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).map_err(argon2_error)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(argon2_error)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `hash`, with the algorithm, version and
/// parameters the string names (what argon2's own `verify_password` does), in memory from
/// `memory`. The comparison takes the same time wherever the digests differ.
fn verify_with(password: &Password, hash: &str, memory: &Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(expected), Some(salt)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.hash,
        parsed.salt,
    ) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let computed = memory.with(&params, |m| {
        argon.hash_password_into_with_memory(password.expose(), salt_bytes, &mut out, m)
    });
    computed.is_ok() && Output::new(&out).is_ok_and(|out| out == expected)
}

#[cfg(test)]
fn verify_blocking(password: &Password, hash: &str) -> bool {
    verify_with(password, hash, &Memory::default())
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

    #[test]
    fn hashes_agree_with_argon2s_own_and_reuse_their_memory() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let memory = Memory::default();
        let password = Password::unchecked("solidarity-lantern".into());
        let ours = memory
            .with(&Params::DEFAULT, |m| hash_with(&password, m))
            .unwrap();
        // Argon2's own verifier accepts our hash ...
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(argon2().verify_password(password.expose(), &parsed).is_ok());
        // ... and ours accepts argon2's, with its salt, in the same memory.
        let salt = SaltString::generate(&mut OsRng);
        let theirs = argon2()
            .hash_password(password.expose(), &salt)
            .unwrap()
            .to_string();
        assert!(verify_with(&password, &theirs, &memory));
        assert!(!verify_with(
            &Password::unchecked("solidarity-lanterns".into()),
            &theirs,
            &memory
        ));
        // One block of memory served all three, and is kept for the next.
        assert_eq!(memory.kept(), 1);
        // A hash made with more memory than ours (an older, stronger setting) verifies
        // too, in memory of its own that is not kept.
        let bigger = Params::new(Params::DEFAULT_M_COST * 2, 1, 1, None).unwrap();
        let stronger = Argon2::new(Algorithm::Argon2id, Version::V0x13, bigger)
            .hash_password(password.expose(), &salt)
            .unwrap()
            .to_string();
        assert!(verify_with(&password, &stronger, &memory));
        assert_eq!(memory.kept(), 1);
        // Other algorithms and versions named by the string are honoured.
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x10, Params::DEFAULT)
            .hash_password(password.expose(), &salt)
            .unwrap()
            .to_string();
        assert!(verify_with(&password, &argon2i, &memory));
        assert!(!verify_with(
            &password,
            "$argon2id$v=19$m=19456,t=2,p=1$",
            &memory
        ));
    }

    #[actix_web::test]
    async fn concurrent_hashes_keep_no_more_memory_than_permits() {
        let hasher = PasswordHasher::new(2, 64);
        let hashes = futures_util::future::join_all(
            (0..6).map(|i| hasher.hash(Password::unchecked(format!("solidarity-lantern-{i}")))),
        )
        .await;
        assert!(hashes.iter().all(Result::is_ok));
        assert!((1..=2).contains(&hasher.memory.kept()));
        let ok = hasher
            .verify(
                Password::unchecked("solidarity-lantern-0".into()),
                Some(hashes[0].as_ref().unwrap().clone()),
            )
            .await
            .unwrap();
        assert!(ok);
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
