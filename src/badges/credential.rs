//! A certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential of type
//! `OpenBadgeCredential`), and its VC-JWT form: the credential's members are the JWT's
//! claims, with `iss` (the issuer's id), `jti` (the credential's id), `sub` (the
//! subject's id) and `nbf` (`validFrom`), signed EdDSA with the badge key, `kid` in the
//! header (OB 3.0 §8.2).

use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};

use crate::badges::key::BadgeKey;
use crate::error::ApiError;
use crate::http::links;
use crate::learning::model::Certificate;

/// The name the issuer goes by.
pub const ISSUER_NAME: &str = "Bayanihan Learning Cloud";

/// The issuer profile's id (and address): from `BAYANIHAN_API_URL`.
pub fn issuer_id() -> String {
    links::api("/api/v1/badges/issuer")
}

/// Where a credential's id points: its certificate's public check.
pub fn credential_id(code: &str) -> String {
    links::api(&format!("/api/v1/certificates/{code}"))
}

/// The certificate code a credential id names, if it is one of ours.
pub fn code_of(credential_id: &str) -> Option<&str> {
    let prefix = links::api("/api/v1/certificates/");
    credential_id.strip_prefix(prefix.as_str()).filter(|c| {
        !c.is_empty()
            && c.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

/// The issuer profile (OB 3.0 `Profile`).
pub fn issuer_profile() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": links::frontend("/"),
    })
}

/// The credential a certificate is, in OB 3.0's data model, with the JWT claims.
pub fn credential(cert: &Certificate) -> Value {
    let (achievement_id, kind, narrative) = match (cert.course_id, cert.cohort_id) {
        (_, Some(cohort)) => (
            links::api(&format!("/api/v1/cohorts/{cohort}")),
            "training programme",
            "Met the cohort's completion rules: the share of live sessions attended, the \
             assignments passed and the courses completed that the cohort states.",
        ),
        (Some(course), None) => (
            links::api(&format!("/api/v1/courses/{course}")),
            "course",
            "Completed every required lesson of the course.",
        ),
        (None, None) => (links::api("/api/v1/courses"), "course", ""),
    };
    let id = credential_id(&cert.code);
    let subject = links::api(&format!("/api/v1/users/{}", cert.user_id));
    let valid_from = cert.issued_at.and_utc();
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": cert.course_title,
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": ISSUER_NAME,
            "url": links::frontend("/"),
        },
        "validFrom": valid_from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": cert.holder_name,
                "identityType": "name",
                "hashed": false,
            }],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": cert.course_title,
                "description": format!("Certificate of completion of the {kind} \u{201c}{}\u{201d}.", cert.course_title),
                "criteria": {"narrative": narrative},
                "inLanguage": cert.language,
            },
        },
        "iss": issuer_id(),
        "jti": id,
        "sub": subject,
        "nbf": valid_from.timestamp(),
    })
}

/// The certificate's credential as a VC-JWT, signed with `key`.
pub fn sign(key: &BadgeKey, cert: &Certificate) -> Result<(String, Value), ApiError> {
    let claims = credential(cert);
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(key.kid().to_owned());
    header.typ = Some("JWT".to_owned());
    let jwt = jsonwebtoken::encode(&header, &claims, key.encoding()).map_err(ApiError::internal)?;
    Ok((jwt, claims))
}
