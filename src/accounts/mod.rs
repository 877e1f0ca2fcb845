//! Accounts and access: registration, verification, login, tokens, profiles, roles.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use actix_web::web;

use crate::http::resource;

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
        .service(resource("/users").get(list_users))
        .service(resource("/users/{id}").get(get_user).patch(update_user));
}
