//! HTTP handlers of accounts: `/api/v1/auth/…`, `/api/v1/me…`, `/api/v1/users…`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::accounts::dto::*;
use crate::accounts::repo::{self, UserFilter};
use crate::accounts::service;
use crate::auth::AuthUser;
use crate::auth::policy::{Action, authorize};
use crate::error::{ApiError, Problem};
use crate::http::etag;
use crate::http::pagination::{Page, PageRequest};
use crate::state::{AppState, client_ip};
use crate::types::CountryCode;

/// Registers an account and emails a verification link.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", operation_id = "register",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered; a verification email is on its way", body = UserResponse,
            headers(("Location" = String, description = "The new account's public profile"))),
        (status = 409, description = "The email is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many registrations from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req, &state.settings);
    let user = service::register(&state, body.into_inner(), &ip).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)))
        .json(UserResponse::from(user)))
}

/// Verifies an email address with the token from the emailed link.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "auth", operation_id = "verify_email",
    request_body = TokenRequest,
    responses(
        (status = 204, description = "Verified"),
        (status = 422, description = "Invalid, expired or used token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    service::verify_email(&state, body.into_inner().token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a new verification link (if the account exists and is unverified).
#[utoipa::path(post, path = "/api/v1/auth/verify-email/resend", tag = "auth", operation_id = "resend_verification",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the account exists and is unverified, an email is on its way"),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn resend_verification(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req, &state.settings);
    service::resend_verification(&state, &body.email, &ip).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Logs in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Email not verified, or account suspended", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let ip = client_ip(&req, &state.settings);
    Ok(web::Json(
        service::login(&state, body.into_inner(), &ip).await?,
    ))
}

/// Spends a refresh token for a new token pair.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", operation_id = "refresh_token",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair; the old refresh token is spent", body = TokenResponse),
        (status = 401, description = "Invalid, expired or reused refresh token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    Ok(web::Json(
        service::refresh(&state, body.into_inner().refresh_token).await?,
    ))
}

/// Ends the current login.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", operation_id = "logout",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    service::logout(&state, &user, false).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every login of the caller.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "auth", operation_id = "logout_all",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Every login ended"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout_all(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    service::logout(&state, &user, true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Emails a password-reset link, if the account exists.
#[utoipa::path(post, path = "/api/v1/auth/password/forgot", tag = "auth", operation_id = "forgot_password",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the account exists, an email is on its way"),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn forgot_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req, &state.settings);
    service::forgot_password(&state, &body.email, &ip).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with the token from the emailed link; ends every login.
#[utoipa::path(post, path = "/api/v1/auth/password/reset", tag = "auth", operation_id = "reset_password",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed; log in again"),
        (status = 422, description = "Weak password, or invalid or expired token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reset_password(
    state: web::Data<AppState>,
    body: web::Json<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    service::reset_password(&state, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own account, private fields included.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", operation_id = "get_me", security(("bearer" = [])),
    responses(
        (status = 200, description = "My account", body = UserResponse),
        (status = 304, description = "Not modified"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_me(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let id = user.id;
    let me = state.db.read(move |conn| Ok(repo::find(conn, id)?)).await?;
    etag::json_with_etag(&req, &UserResponse::from(me))
}

/// Changes the caller's profile. Email, role, status and ids cannot be set here.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", operation_id = "update_me", security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated account", body = UserResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<UpdateMeRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    Ok(web::Json(
        service::update_me(&state, &user, body.into_inner())
            .await?
            .into(),
    ))
}

/// Erases the caller's personal data and ends every login (the password confirms it).
#[utoipa::path(delete, path = "/api/v1/me", tag = "me", operation_id = "delete_me", security(("bearer" = [])),
    request_body = DeleteMeRequest,
    responses(
        (status = 204, description = "Erased"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<DeleteMeRequest>,
) -> Result<HttpResponse, ApiError> {
    service::delete_me(&state, &user, body.into_inner().password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes the caller's password; ends their other logins.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", operation_id = "change_password", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password or weak new one", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    service::change_password(&state, &user, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Everything stored about the caller, as JSON.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "me", operation_id = "export_me", security(("bearer" = [])),
    responses(
        (status = 200, description = "My data", body = ExportResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_me(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let export = service::export(&state, &user).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"bayanihan-export.json\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(export))
}

/// A member's public profile: never their email, gender or birth year.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", operation_id = "get_user", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The public profile", body = PublicUserResponse),
        (status = 304, description = "Not modified"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let profile = service::public_profile(&state, id.into_inner()).await?;
    etag::json_with_etag(&req, &profile)
}

/// Every account, with private fields (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", operation_id = "list_users", security(("bearer" = [])),
    params(ListUsersQuery),
    responses(
        (status = 200, description = "One page of accounts, by id", body = Page<UserResponse>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_users(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ListUsersQuery>,
) -> Result<web::Json<Page<UserResponse>>, ApiError> {
    authorize(&user, Action::ListUsers)?;
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), "id")?;
    let country = query
        .country
        .as_deref()
        .map(|c| {
            CountryCode::parse(c)
                .map_err(|m| ApiError::invalid_query("country", "invalid_country", m))
        })
        .transpose()?;
    let filter = UserFilter {
        role: query.role.map(|r| r.as_str().to_owned()),
        country: country.map(|c| c.to_string()),
        organisation_id: query.organisation_id,
        q: query
            .q
            .map(|q| {
                q.chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
                    .trim()
                    .to_lowercase()
            })
            .filter(|q| !q.is_empty()),
    };
    if filter.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(ApiError::invalid_query(
            "q",
            "too_long",
            "at most 200 characters",
        ));
    }
    let after = page.after.as_ref().map(|(_, id)| *id);
    let limit = page.fetch_limit();
    let rows = state
        .db
        .read(move |conn| Ok(repo::list(conn, &filter, after, limit)?))
        .await?;
    Ok(web::Json(page.finish(
        rows,
        "id",
        |u| (u.id, u.id),
        UserResponse::from,
    )))
}

/// Changes an account's role, status or verification (admins; coordinators grant or remove `trainer`).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", operation_id = "update_user", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The updated account", body = UserResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account was erased", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing to change", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_user(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<UpdateUserRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    if !user.is_at_least(crate::auth::Role::Coordinator) {
        return Err(ApiError::forbidden(
            "forbidden",
            "you are not allowed to do this",
        ));
    }
    Ok(web::Json(
        service::update_user(&state, &user, id.into_inner(), body.into_inner())
            .await?
            .into(),
    ))
}

/// The caller's memberships, pending ones included.
#[utoipa::path(get, path = "/api/v1/me/memberships", tag = "me", operation_id = "list_my_memberships", security(("bearer" = [])),
    responses(
        (status = 200, description = "My memberships", body = Vec<MembershipResponse>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_my_memberships(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<web::Json<Vec<MembershipResponse>>, ApiError> {
    let id = user.id;
    let rows = state
        .db
        .read(move |conn| Ok(repo::memberships_of(conn, id)?))
        .await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}
