//! Accounts and access: registration, verification, login, tokens, profiles, roles.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;

use crate::db::Db;
use crate::http::resource;

/// Checks, in the background and in small writes, the lookalike flag of accounts created
/// before it existed (a one-time task after the migration that added it; nothing to do
/// afterwards).
pub fn spawn_lookalike_check(db: Db) {
    tokio::spawn(async move {
        loop {
            match db.write(|conn| service::check_lookalikes(conn, 200)).await {
                Ok(0) => break,
                Ok(n) => tracing::info!(accounts.checked = n, "lookalike flags set"),
                Err(err) => {
                    tracing::warn!(error = %err, "lookalike flags could not be set; next start retries");
                    break;
                }
            }
        }
    });
}

/// The accounts' HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(resource("/auth/register").post(register))
        .service(resource("/auth/verify-email").post(verify_email))
        .service(resource("/auth/verify-email/resend").post(resend_verification))
        .service(resource("/auth/login").post(login))
        .service(resource("/auth/refresh").post(refresh))
        .service(resource("/auth/logout").post(logout))
        .service(resource("/auth/logout-all").post(logout_all))
        .service(resource("/auth/password/forgot").post(forgot_password))
        .service(resource("/auth/password/reset").post(reset_password))
        .service(
            resource("/me")
                .get(get_me)
                .patch(update_me)
                .delete(delete_me),
        )
        .service(resource("/me/password").post(change_password))
        .service(resource("/me/export").get(export_me))
        .service(resource("/me/memberships").get(list_my_memberships))
        .service(
            resource("/me/languages")
                .get(list_my_languages)
                .put(replace_my_languages),
        )
        .service(resource("/users").get(list_users))
        .service(resource("/users/{id}").get(get_user).patch(update_user));
}
