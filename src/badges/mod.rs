//! Open Badges 3.0: every certificate (a course's or a cohort's) is also an Open Badges
//! 3.0 credential in the VC-JWT form, signed with the instance's Ed25519 badge key
//! ([`key`]); the public key is published as a JWK set, the issuer's profile at its id, and
//! a verification endpoint tells why a badge does not verify.

pub mod credential;
pub mod handlers;
pub mod key;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// The badges' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(resource("/badges/jwks.json").get(get_badge_keys))
        .service(resource("/badges/issuer").get(get_badge_issuer))
        .service(resource("/badges/verify").post(verify_badge))
        .service(resource("/certificates/{code}/badge").get(get_certificate_badge));
}

/// The badges' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::get_badge_keys,
        handlers::get_badge_issuer,
        handlers::verify_badge,
        handlers::get_certificate_badge,
    ),
    components(schemas(
        handlers::BadgeResponse,
        handlers::VerifyBadgeRequest,
        handlers::VerifiedBadgeResponse,
    )),
    tags((name = "badges", description = "Open Badges 3.0 credentials of certificates: signed VC-JWTs, the public key, verification")),
)]
pub struct Api;
