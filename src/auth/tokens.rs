//! Access tokens (short-lived JWTs) and opaque single-use tokens (refresh, email links).

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::Role;
use crate::error::ApiError;
use crate::types::{SessionId, UserId};

/// Lifetime of an access token, in seconds.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// Issuer and audience of access tokens.
pub const ISSUER: &str = "bayanihan";
/// Audience of access tokens.
pub const AUDIENCE: &str = "bayanihan-api";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub iss: String,
    pub aud: String,
    /// Unique id of this token.
    pub jti: String,
    /// The platform role when the token was issued.
    pub role: String,
    /// The login (session) the token belongs to, so that logging out ends it.
    pub sid: i64,
}

/// The signing key, used with HS256 only.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    /// Keys from a secret.
    pub fn from_secret(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        // A token that says it is not valid yet is refused (the service issues none such).
        validation.validate_nbf = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Keys from `BAYANIHAN_JWT_SECRET`, or from a random key kept in `{data_dir}/jwt-secret`
    /// (created on first start with mode 0600), so that restarts keep logins.
    pub fn load(secret: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(secret) = secret {
            return Ok(Self::from_secret(secret.as_bytes()));
        }
        let path = data_dir.join("jwt-secret");
        let stored = crate::db::read_or_create_private_file(data_dir, "jwt-secret", || {
            let mut key = [0u8; 64];
            rand::rng().fill_bytes(&mut key);
            Ok(STANDARD.encode(key))
        })?;
        let key = STANDARD
            .decode(stored.trim())
            .map_err(|e| anyhow::anyhow!("{} is corrupt: {e}", path.display()))?;
        anyhow::ensure!(key.len() >= 32, "{} holds too short a key", path.display());
        Ok(Self::from_secret(&key))
    }

    /// A new access token; returns it and its lifetime in seconds.
    pub fn issue(
        &self,
        user_id: UserId,
        role: Role,
        session_id: SessionId,
    ) -> Result<(String, i64), ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            exp: now + ACCESS_TTL_SECS,
            iat: now,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            jti: uuid::Uuid::new_v4().to_string(),
            role: role.as_str().to_owned(),
            sid: session_id.get(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)?;
        Ok((token, ACCESS_TTL_SECS))
    }

    /// The answer of a login: a new access token for the login `session_id`, with its
    /// first (or next) `refresh_token`.
    pub fn login(
        &self,
        user_id: UserId,
        role: Role,
        session_id: SessionId,
        refresh_token: String,
    ) -> Result<TokenResponse, ApiError> {
        let (access_token, expires_in) = self.issue(user_id, role, session_id)?;
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer".to_owned(),
            expires_in,
            refresh_token,
            device_token: None,
        })
    }

    /// The claims of a valid token; 401 otherwise (bad signature, algorithm, issuer,
    /// audience, or expired).
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        use jsonwebtoken::errors::ErrorKind;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::unauthorized(
                    "token_expired",
                    "the access token has expired; refresh it",
                ),
                _ => ApiError::unauthorized("invalid_token", "the access token is not valid"),
            })
    }
}

/// A new access token and refresh token: credentials, answered with
/// `Cache-Control: no-store` and never printed (no `Debug`).
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer …`, valid `expires_in` seconds.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
    /// Opaque, single use: spend it at `/api/v1/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// Logins only: this device's token. Keep it (it lives 180 days) and send it as
    /// `device_token` with the next login from this device, which then is not held by
    /// failed logins of strangers on the account; each login answers a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
}

/// Longest opaque token a request body may carry (refresh tokens, emailed links,
/// invitations): those the server makes are 43 characters, so a longer one is refused by its
/// length before anything reads it.
pub const MAX_OPAQUE_TOKEN_CHARS: usize = 64;

/// A new opaque token with 256 bits of randomness, URL-safe.
pub fn new_opaque_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How opaque tokens are stored: only their SHA-256 (they are random, so no salt is needed).
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_other_keys_are_refused() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let (token, ttl) = keys.issue(UserId(7), Role::Member, SessionId(3)).unwrap();
        assert_eq!(ttl, 900);
        let claims = keys.verify(&token).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.sid, claims.role.as_str()),
            ("7", 3, "member")
        );
        let other = TokenKeys::from_secret(b"another-key-another-key-another!");
        assert!(other.verify(&token).is_err());
    }

    #[test]
    fn opaque_tokens_are_long_and_hashed() {
        let t = new_opaque_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, new_opaque_token());
        assert_eq!(hash_token(&t).len(), 64);
    }

    #[test]
    fn generated_key_is_kept_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let a = TokenKeys::load(None, dir.path()).unwrap();
        let (token, _) = a.issue(UserId(1), Role::Admin, SessionId(1)).unwrap();
        let b = TokenKeys::load(None, dir.path()).unwrap();
        assert!(b.verify(&token).is_ok(), "a restart keeps logins");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt-secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn instances_starting_together_share_one_generated_key() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let path = dir.path().to_owned();
                std::thread::spawn(move || {
                    let keys = TokenKeys::load(None, &path).unwrap();
                    keys.issue(UserId(1), Role::Admin, SessionId(1)).unwrap().0
                })
            })
            .collect();
        let tokens: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let keys = TokenKeys::load(None, dir.path()).unwrap();
        for token in &tokens {
            assert!(
                keys.verify(token).is_ok(),
                "every instance signed with the one key"
            );
        }
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(files, vec![std::ffi::OsString::from("jwt-secret")]);
    }
}
