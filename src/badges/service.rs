//! Verifying a badge: its signature against the published key, its issuer, and the
//! certificate it stands for (known, not revoked).

use std::collections::HashSet;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::Value;

use crate::badges::credential::{code_of, issuer_id};
use crate::badges::key::BadgeKey;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::learning::model::Certificate;

/// Most characters of a badge JWT the verification endpoint reads.
pub const MAX_JWT_CHARS: usize = 20_000;

fn refused(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::invalid_field("jwt", code, message)
}

/// A badge whose signature and issuer verify: its claims and the certificate code.
#[derive(Debug)]
pub struct Signed {
    pub claims: Value,
    pub code: String,
}

/// Checks what needs no database: the form, the key, the signature and the issuer.
pub fn check_signature(key: &BadgeKey, jwt: &str) -> Result<Signed, ApiError> {
    if jwt.chars().count() > MAX_JWT_CHARS {
        return Err(refused(
            "too_long",
            format!("must be at most {MAX_JWT_CHARS} characters"),
        ));
    }
    let header = jsonwebtoken::decode_header(jwt.trim())
        .map_err(|_| refused("malformed_badge", "is not a JWT (header.payload.signature)"))?;
    if header.alg != Algorithm::EdDSA {
        return Err(refused(
            "unsupported_algorithm",
            format!(
                "is signed {:?}; badges of this issuer are signed EdDSA",
                header.alg
            ),
        ));
    }
    if header.kid.as_deref() != Some(key.kid()) {
        return Err(refused(
            "unknown_key",
            "names no key this issuer publishes (GET /api/v1/badges/jwks.json)",
        ));
    }
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::from(["iss", "nbf", "jti"].map(str::to_owned));
    validation.set_issuer(&[issuer_id()]);
    let data = jsonwebtoken::decode::<Value>(jwt.trim(), key.decoding(), &validation).map_err(
        |e| match e.kind() {
            ErrorKind::InvalidSignature => refused(
                "signature_invalid",
                "the signature does not verify with the issuer's key",
            ),
            ErrorKind::InvalidIssuer => refused(
                "issuer_invalid",
                format!("is not issued by {}", issuer_id()),
            ),
            ErrorKind::ImmatureSignature => refused("not_yet_valid", "is not valid yet (nbf)"),
            ErrorKind::MissingRequiredClaim(claim) => {
                refused("malformed_badge", format!("lacks the `{claim}` claim"))
            }
            _ => refused(
                "malformed_badge",
                "is not a badge credential of this issuer",
            ),
        },
    )?;
    let claims = data.claims;
    if claims["issuer"]["id"].as_str() != Some(issuer_id().as_str()) {
        return Err(refused(
            "issuer_invalid",
            format!("its issuer is not {}", issuer_id()),
        ));
    }
    let types = claims["type"].as_array().cloned().unwrap_or_default();
    if !types.iter().any(|t| t == "OpenBadgeCredential") {
        return Err(refused("malformed_badge", "is not an OpenBadgeCredential"));
    }
    let code = claims["jti"]
        .as_str()
        .and_then(code_of)
        .map(str::to_owned)
        .ok_or_else(|| refused("unknown_certificate", "names no certificate of this issuer"))?;
    Ok(Signed { claims, code })
}

/// The certificate a signed badge stands for, if it is still valid.
pub fn check_certificate(conn: &mut DbConn, signed: &Signed) -> Result<Certificate, ApiError> {
    let cert = match crate::learning::service::certificate(conn, &signed.code) {
        Err(ApiError::NotFound) => {
            return Err(refused(
                "unknown_certificate",
                "names no certificate of this issuer",
            ));
        }
        other => other?,
    };
    if cert.revoked_at.is_some() {
        return Err(refused(
            "revoked",
            format!(
                "the certificate was revoked{}",
                cert.revoked_reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
        ));
    }
    Ok(cert)
}
