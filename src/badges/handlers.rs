//! HTTP handlers of badges. None needs a login: anyone holding a certificate's code reads
//! its badge, and anyone verifies one.

use actix_web::web;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::badges::credential::{issuer_profile, sign};
use crate::badges::key::BadgeKey;
use crate::badges::service::{check_certificate, check_signature};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::UnreadableBody;
use crate::http::json::Json;
use crate::http::response::Reply;

/// A certificate's Open Badges 3.0 credential.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BadgeResponse {
    /// The credential as a VC-JWT (JOSE header `alg: EdDSA`, `kid`), to hand to any
    /// verifier or wallet.
    pub jwt: String,
    /// The JWT's payload: the `OpenBadgeCredential` with `iss`, `jti`, `sub` and `nbf`.
    #[schema(value_type = Object)]
    pub credential: Value,
}

/// `POST /api/v1/badges/verify`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBadgeRequest {
    /// A badge's VC-JWT.
    #[schema(max_length = 20000)]
    pub jwt: String,
}

/// A badge that verifies.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VerifiedBadgeResponse {
    /// Always `true`: a badge that does not verify is refused with the reason.
    pub valid: bool,
    /// The certificate it stands for.
    pub certificate_code: String,
    pub holder_name: String,
    /// The course's or cohort's title.
    pub title: String,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    /// The verified payload.
    #[schema(value_type = Object)]
    pub credential: Value,
}

/// The public keys that sign this issuer's badges, as a JWK set (RFC 7517; `OKP`,
/// `Ed25519`, with `kid`): what any JWT library verifies a badge with.
#[utoipa::path(
    get,
    path = "/api/v1/badges/jwks.json",
    tag = "badges",
    operation_id = "get_badge_keys",
    responses((status = 200, description = "The JWK set", body = Object)),
)]
pub async fn get_badge_keys(key: web::Data<BadgeKey>) -> Reply<Value> {
    Reply::ok(serde_json::json!({"keys": [key.jwk()]}))
}

/// The issuer of every badge (an Open Badges 3.0 `Profile`), at its id.
#[utoipa::path(
    get,
    path = "/api/v1/badges/issuer",
    tag = "badges",
    operation_id = "get_badge_issuer",
    responses((status = 200, description = "The issuer profile", body = Object)),
)]
pub async fn get_badge_issuer() -> Reply<Value> {
    Reply::ok(issuer_profile())
}

fn plausible_code(raw: String) -> Result<String, ApiError> {
    let ok = !raw.is_empty()
        && raw.len() <= 100
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(raw) } else { Err(ApiError::NotFound) }
}

/// A certificate's Open Badges 3.0 credential, signed now (the same certificate always
/// gives the same credential). Anyone holding the code may read it; a revoked
/// certificate's badge is still given, and refused by verification.
#[utoipa::path(
    get,
    path = "/api/v1/certificates/{code}/badge",
    tag = "badges",
    operation_id = "get_certificate_badge",
    params(("code" = String, Path, description = "The certificate's verification code")),
    responses(
        (status = 200, description = "The badge", body = BadgeResponse),
        (status = 404, description = "No certificate has this code", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_certificate_badge(
    db: web::Data<Db>,
    key: web::Data<BadgeKey>,
    code: web::Path<String>,
) -> Result<Reply<BadgeResponse>, ApiError> {
    let code = plausible_code(code.into_inner())?;
    let cert = db
        .read(move |conn| crate::learning::service::certificate(conn, &code))
        .await?;
    let (jwt, credential) = sign(&key, &cert)?;
    Ok(Reply::ok(BadgeResponse { jwt, credential }))
}

/// Verifies a badge: its signature with this issuer's key, its issuer, and that the
/// certificate it stands for exists and is not revoked. A badge that does not verify is
/// refused (422 `validation_failed`, field `jwt`) with the reason as `errors[0].code`.
#[utoipa::path(
    post,
    path = "/api/v1/badges/verify",
    tag = "badges",
    operation_id = "verify_badge",
    request_body = VerifyBadgeRequest,
    responses(
        (status = 200, description = "The badge verifies", body = VerifiedBadgeResponse),
        UnreadableBody,
        (status = 422, description = "Refused, `errors[0].code` saying why: `malformed_badge`, `too_long`, `unsupported_algorithm`, `unknown_key`, `signature_invalid`, `issuer_invalid`, `not_yet_valid`, `unknown_certificate`, `revoked` (the message gives the reason given)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify_badge(
    db: web::Data<Db>,
    key: web::Data<BadgeKey>,
    body: Json<VerifyBadgeRequest>,
) -> Result<Reply<VerifiedBadgeResponse>, ApiError> {
    let signed = check_signature(&key, &body.into_inner().jwt)?;
    let (cert, signed) = db
        .read(move |conn| check_certificate(conn, &signed).map(|c| (c, signed)))
        .await?;
    Ok(Reply::ok(VerifiedBadgeResponse {
        valid: true,
        certificate_code: cert.code,
        holder_name: cert.holder_name,
        title: cert.course_title,
        issued_at: cert.issued_at.and_utc(),
        credential: signed.claims,
    }))
}
