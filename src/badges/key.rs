//! The Ed25519 key that signs every Open Badge: from `BAYANIHAN_BADGE_KEY` (a PKCS#8 PEM
//! private key, or the 32-byte seed in base64), else `badge-key.pem` in the data folder,
//! generated on the first start.
//!
//! Every instance must sign with the same key, or a badge issued by one would not verify
//! against the key another publishes: several instances configure the same
//! `BAYANIHAN_BADGE_KEY` (or share the data folder). Generation is race-safe: the key is
//! written whole to a file of its own and then linked to `badge-key.pem`, which fails when
//! another process got there first (create-new semantics); the loser reads the winner's.

use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{DecodingKey, EncodingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The file in the data folder that holds a generated key.
pub const KEY_FILE: &str = "badge-key.pem";

/// The badge signing key and what is published of it.
#[derive(Clone)]
pub struct BadgeKey {
    inner: Arc<Inner>,
}

struct Inner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// The public key, base64url (the JWK's `x`).
    x: String,
    /// The JWK thumbprint (RFC 7638) of the public key.
    kid: String,
}

impl std::fmt::Debug for BadgeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BadgeKey")
            .field("kid", &self.inner.kid)
            .finish_non_exhaustive()
    }
}

impl BadgeKey {
    /// The configured key, else the data folder's (generated when there is none).
    pub fn load(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        match configured {
            Some(raw) => Self::parse(raw).map_err(|e| anyhow::anyhow!("BAYANIHAN_BADGE_KEY: {e}")),
            None => Self::from_data_dir(data_dir),
        }
    }

    /// A PKCS#8 PEM private key, or a 32-byte seed in base64 (standard or URL-safe).
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let raw = raw.trim();
        let signing = if raw.starts_with("-----BEGIN") {
            SigningKey::from_pkcs8_pem(raw)
                .map_err(|e| anyhow::anyhow!("not an Ed25519 PKCS#8 private key: {e}"))?
        } else {
            let bytes = STANDARD
                .decode(raw)
                .or_else(|_| URL_SAFE_NO_PAD.decode(raw.trim_end_matches('=')))
                .map_err(|_| anyhow::anyhow!("neither a PEM key nor a base64 seed"))?;
            let seed: [u8; 32] = bytes
                .try_into()
                .map_err(|_| anyhow::anyhow!("a seed is 32 bytes"))?;
            SigningKey::from_bytes(&seed)
        };
        Self::from_signing(&signing)
    }

    /// A fresh random key (tests and tools).
    pub fn generate() -> anyhow::Result<Self> {
        Self::from_signing(&random_key())
    }

    fn from_data_dir(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(KEY_FILE);
        let stored = crate::db::read_or_create_private_file(data_dir, KEY_FILE, || {
            random_key()
                .to_pkcs8_pem(LineEnding::LF)
                .map(|pem| pem.to_string())
                .map_err(|e| anyhow::anyhow!("cannot encode a badge key: {e}"))
        })?;
        Self::parse(&stored).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    fn from_signing(signing: &SigningKey) -> anyhow::Result<Self> {
        let der = signing
            .to_pkcs8_der()
            .map_err(|e| anyhow::anyhow!("cannot encode the badge key: {e}"))?;
        let x = URL_SAFE_NO_PAD.encode(signing.verifying_key().as_bytes());
        let decoding = DecodingKey::from_ed_components(&x)?;
        Ok(Self {
            inner: Arc::new(Inner {
                encoding: EncodingKey::from_ed_der(der.as_bytes()),
                decoding,
                kid: thumbprint(&x),
                x,
            }),
        })
    }

    /// The key id: the RFC 7638 thumbprint of the public key.
    pub fn kid(&self) -> &str {
        &self.inner.kid
    }

    /// The signing key.
    pub fn encoding(&self) -> &EncodingKey {
        &self.inner.encoding
    }

    /// The verifying key.
    pub fn decoding(&self) -> &DecodingKey {
        &self.inner.decoding
    }

    /// The public key as a JWK (RFC 8037: `OKP`, `Ed25519`).
    pub fn jwk(&self) -> serde_json::Value {
        serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": self.inner.x,
            "kid": self.inner.kid,
            "use": "sig",
            "alg": "EdDSA",
        })
    }
}

fn random_key() -> SigningKey {
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    SigningKey::from_bytes(&seed)
}

/// RFC 7638: SHA-256 of the required members in lexicographic order, base64url.
fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_and_its_pem_are_the_same_key() {
        let seed = STANDARD.encode([7u8; 32]);
        let a = BadgeKey::parse(&seed).unwrap_or_else(|e| panic!("{e}"));
        let pem = SigningKey::from_bytes(&[7u8; 32])
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap_or_else(|e| panic!("{e}"));
        let b = BadgeKey::parse(&pem).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.kid(), b.kid());
        assert_eq!(a.jwk(), b.jwk());
        assert!(BadgeKey::parse("not a key").is_err());
        assert!(BadgeKey::parse(&STANDARD.encode([1u8; 31])).is_err());
    }

    #[test]
    fn instances_starting_together_share_one_generated_key() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let path = dir.path().to_owned();
                std::thread::spawn(move || {
                    BadgeKey::load(None, &path)
                        .map(|k| k.kid().to_owned())
                        .unwrap_or_else(|e| panic!("{e}"))
                })
            })
            .collect();
        let kids: Vec<String> = threads
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|_| panic!("a thread panicked")))
            .collect();
        assert!(kids.windows(2).all(|w| w[0] == w[1]), "{kids:?}");
        // The next start reads the same key; no temporary file is left behind.
        let again = BadgeKey::load(None, dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.kid(), kids[0]);
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(files, vec![std::ffi::OsString::from(KEY_FILE)]);
    }
}
