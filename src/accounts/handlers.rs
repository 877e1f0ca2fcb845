//! HTTP handlers of accounts: `/api/v1/auth/…`, `/api/v1/me…`, `/api/v1/users…`.

use crate::http::doc::{InvalidFields, NotLoggedIn, UnreadableBody};
use crate::http::json::Json;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, Responder, web};

use crate::accounts::dto::*;
use crate::accounts::model::new_password;
use crate::accounts::repo::UserFilter;
use crate::accounts::service;
use crate::auth::AuthUser;
use crate::auth::password::Password;
use crate::auth::throttle;
use crate::auth::tokens::TokenResponse;
use crate::db::DbConn;
use crate::error::{ApiError, Fields, Problem};
use crate::http::etag::IfMatch;
use crate::http::pagination::{Page, PageRequest};
use crate::http::query::parse_q;
use crate::http::response::{Reply, no_content};
use crate::state::{AppState, client_ip};
use crate::types::{CountryCode, Email, UserId};

crate::http::doc::problem_answers! {
    /// 422: `email` is not an email address.
    NotAnEmail = (422, "Not an email address");
    /// 429: the client address or the account asked too often.
    TooManyRequests = (429, "Too many requests");
}

/// Registers an account and emails a verification link. The answer is the same whether
/// or not the address has an account (then its owner is emailed instead).
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", operation_id = "register",
    request_body = RegisterRequest,
    responses(
        (status = 202, description = "An email is on its way to the address: a verification link for the new account, or, when the address has an account already, a note to its owner (the answer is the same, so that it tells nobody whether an address has an account; `Cache-Control: no-store`, no body)"),
        InvalidFields,
        (status = 429, description = "Too many registrations from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    throttle::REGISTER_ADDRESS
        .hit(&state.db, client_ip(&req, &state.settings))
        .await?;
    let registration = Registration::try_from(body.into_inner())?;
    // Hashed in every case, so that a known address costs the same time as a new one.
    let hash = state.hasher.hash(registration.password.clone()).await?;
    let (retry, retry_hash) = (registration.clone(), hash.clone());
    let first = state
        .db
        .write(move |conn| service::register(conn, registration, hash))
        .await;
    match first {
        // A concurrent registration took the address between the check and the insert:
        // once more, which now finds the account and emails its owner.
        Err(ApiError::Conflict {
            code: "email_taken",
            ..
        }) => {
            state
                .db
                .write(move |conn| service::register(conn, retry, retry_hash))
                .await?
        }
        other => other?,
    }
    Ok(HttpResponse::Accepted()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
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
    body: Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    body.check()?;
    let token = body.into_inner().token;
    state
        .db
        .write(move |conn| service::verify_email(conn, &token))
        .await?;
    Ok(no_content())
}

/// Sends a new verification link (if the account exists and is unverified).
#[utoipa::path(post, path = "/api/v1/auth/verify-email/resend", tag = "auth", operation_id = "resend_verification",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the account exists and is unverified, an email is on its way"),
        NotAnEmail,
        TooManyRequests,
    ))]
pub async fn resend_verification(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    email_a_link(&req, &state, &body, service::resend_verification).await
}

/// A request that emails a link (verification, password reset): the address counted
/// against the per-client-address and per-account limits, then `send` in one transaction;
/// 202 whether or not an account matched.
async fn email_a_link(
    req: &HttpRequest,
    state: &AppState,
    body: &EmailRequest,
    send: fn(&mut DbConn, &Email) -> Result<(), ApiError>,
) -> Result<HttpResponse, ApiError> {
    throttle::EMAIL_ADDRESS
        .hit(&state.db, client_ip(req, &state.settings))
        .await?;
    let email = email_field(&body.email)?;
    throttle::EMAIL_ACCOUNT
        .hit(&state.db, email.normalized().to_owned())
        .await?;
    state.db.write(move |conn| send(conn, &email)).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Logs in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in (`Cache-Control: no-store`)", body = TokenResponse),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`too_long`: an email or password longer than any account's", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Email not verified, or account suspended", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<Reply<TokenResponse>, ApiError> {
    body.check()?;
    let body = body.into_inner();
    let address = client_ip(&req, &state.settings);
    let account_key = body.email.trim().to_lowercase();
    // The attempt is counted before the password is checked (outside any transaction: it
    // costs tens of milliseconds of CPU), and taken back when it matches.
    let (key, device) = (account_key.clone(), body.device_token);
    let pending = state
        .db
        .write(move |conn| service::begin_login(conn, &key, &address, device.as_ref()))
        .await?;
    let hash = pending.user.as_ref().and_then(|u| u.password_hash.clone());
    let password = Password::unchecked(body.password.expose().to_owned());
    if !state.hasher.verify(password, hash).await? || pending.user.is_none() {
        return Err(ApiError::unauthorized(
            "invalid_credentials",
            "the email or password is wrong",
        ));
    }
    let opened = state
        .db
        .write(move |conn| service::finish_login(conn, pending, &account_key))
        .await??;
    let mut tokens = state.keys.login(
        opened.user_id,
        opened.role,
        opened.session_id,
        opened.refresh_token,
    )?;
    tokens.device_token = Some(opened.device_token);
    Ok(Reply::ok(tokens).private())
}

/// Spends a refresh token for a new token pair.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", operation_id = "refresh_token",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair; the old refresh token is spent (`Cache-Control: no-store`)", body = TokenResponse),
        (status = 401, description = "Invalid, expired or reused refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`too_long`: longer than any refresh token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<Reply<TokenResponse>, ApiError> {
    body.check()?;
    let token = body.into_inner().refresh_token;
    let outcome = state
        .db
        .write(move |conn| service::refresh(conn, &token))
        .await?;
    let (user_id, role, session_id, refresh_token) = outcome.into_result()?;
    let tokens = state.keys.login(user_id, role, session_id, refresh_token)?;
    Ok(Reply::ok(tokens).private())
}

/// Ends the current login.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", operation_id = "logout",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        NotLoggedIn,
    ))]
pub async fn logout(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    state
        .db
        .write(move |conn| service::logout(conn, &user, false))
        .await?;
    Ok(no_content())
}

/// Ends every login of the caller.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "auth", operation_id = "logout_all",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Every login ended"),
        NotLoggedIn,
    ))]
pub async fn logout_all(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    state
        .db
        .write(move |conn| service::logout(conn, &user, true))
        .await?;
    Ok(no_content())
}

/// Emails a password-reset link, if the account exists.
#[utoipa::path(post, path = "/api/v1/auth/password/forgot", tag = "auth", operation_id = "forgot_password",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the account exists, an email is on its way"),
        NotAnEmail,
        TooManyRequests,
    ))]
pub async fn forgot_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    email_a_link(&req, &state, &body, service::forgot_password).await
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
    body: Json<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    body.check()?;
    let body = body.into_inner();
    let password = sole_new_password("new_password", &body.new_password, &[])?;
    let hash = state.hasher.hash(password).await?;
    let token = body.token;
    state
        .db
        .write(move |conn| service::reset_password(conn, &token, hash))
        .await?;
    Ok(no_content())
}

/// A new password that is the request's only field, or 422 naming `field`.
fn sole_new_password(
    field: &str,
    raw: &crate::types::Secret,
    context: &[&str],
) -> Result<Password, ApiError> {
    let mut fields = Fields::default();
    let password = new_password(&mut fields, field, raw, context);
    fields.finish_with(|| password)
}

/// The caller's own account, private fields included.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", operation_id = "get_me", security(("bearer" = [])),
    params(("If-None-Match" = Option<String>, Header, description = "The `ETag` of the version the client has: 304 when it is still current")),
    responses(
        (status = 200, description = "My account (`Cache-Control: no-store`)", body = UserResponse,
            headers(("ETag" = String, description = "Version of the account; send it in If-None-Match, or in If-Match to change this version"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        NotLoggedIn,
    ))]
pub async fn get_me(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<Reply<UserResponse>, ApiError> {
    let me = state
        .db
        .read_short(move |conn| service::me(conn, &user))
        .await?;
    let etag = me.etag();
    Ok(Reply::ok(UserResponse::from(me)).etag(etag).private())
}

/// Changes the caller's profile. Email, role, status and ids cannot be set here.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", operation_id = "update_me", security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed; refused (412) when the account changed since")),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated account (`Cache-Control: no-store`); a patch that changes nothing keeps the ETag and `updated_at`", body = UserResponse,
            headers(("ETag" = String, description = "The account's new version"))),
        (status = 400, description = "Unreadable body, unknown field, or `null` for a required field", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 412, description = "`precondition_failed`: the account changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    ))]
pub async fn update_me(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<UpdateMeRequest>,
) -> Result<Reply<UserResponse>, ApiError> {
    let patch = ProfilePatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let me = state
        .db
        .write(move |conn| service::update_me(conn, &user, patch, if_match.as_ref()))
        .await?;
    let etag = me.etag();
    Ok(Reply::ok(UserResponse::from(me)).etag(etag).private())
}

/// Checks the caller's current password (throttled like logins) before a change that
/// needs it; the check runs outside any transaction.
async fn check_password(
    state: &AppState,
    user: &AuthUser,
    field: &str,
    raw: &crate::types::Secret,
) -> Result<crate::accounts::model::User, ApiError> {
    let caller = user.clone();
    let (me, attempt) = state
        .db
        .write(move |conn| service::begin_password_check(conn, &caller))
        .await?;
    let password = Password::unchecked(raw.expose().to_owned());
    if !state
        .hasher
        .verify(password, me.password_hash.clone())
        .await?
    {
        return Err(ApiError::invalid_field(
            field,
            "incorrect_password",
            "the password is not correct",
        ));
    }
    let caller = user.clone();
    state
        .db
        .write(move |conn| service::password_checked(conn, &caller, attempt))
        .await?;
    Ok(me)
}

/// Erases the caller's personal data and ends every login (the password confirms it).
#[utoipa::path(delete, path = "/api/v1/me", tag = "me", operation_id = "delete_me", security(("bearer" = [])),
    request_body = DeleteMeRequest,
    responses(
        (status = 204, description = "Erased"),
        NotLoggedIn,
        (status = 422, description = "Wrong password (`incorrect_password`), or one longer than 256 characters (`too_long`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<DeleteMeRequest>,
) -> Result<HttpResponse, ApiError> {
    body.check()?;
    check_password(&state, &user, "password", &body.password).await?;
    state
        .db
        .write(move |conn| service::erase(conn, &user))
        .await?;
    Ok(no_content())
}

/// Changes the caller's password; ends their other logins.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", operation_id = "change_password", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        NotLoggedIn,
        (status = 422, description = "Wrong current password or weak new one", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    body.check()?;
    let body = body.into_inner();
    let me = check_password(&state, &user, "current_password", &body.current_password).await?;
    let context = [
        me.email.as_deref().unwrap_or_default(),
        me.display_name.as_str(),
    ];
    let password = sole_new_password("new_password", &body.new_password, &context)?;
    let hash = state.hasher.hash(password).await?;
    state
        .db
        .write(move |conn| service::change_password(conn, &user, hash))
        .await?;
    Ok(no_content())
}

/// Everything stored about the caller, as JSON.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "me", operation_id = "export_me", security(("bearer" = [])),
    responses(
        (status = 200, description = "My data (`Cache-Control: no-store`)", body = ExportResponse),
        NotLoggedIn,
    ))]
pub async fn export_me(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<impl Responder, ApiError> {
    let export = state
        .db
        .read(move |conn| service::export(conn, &user))
        .await?;
    Ok(Reply::ok(export).private().customize().insert_header((
        header::CONTENT_DISPOSITION,
        "attachment; filename=\"bayanihan-export.json\"",
    )))
}

/// A member's public profile: never their email, gender or birth year.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", operation_id = "get_user", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id"),
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of the version the client has: 304 when it is still current")),
    responses(
        (status = 200, description = "The public profile", body = PublicUserResponse,
            headers(("ETag" = String, description = "Version of the profile: of the account, its approved memberships and their organisations"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        NotLoggedIn,
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_user(
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<UserId>,
) -> Result<Reply<PublicUserResponse>, ApiError> {
    let id = id.into_inner();
    let (profile, etag) = state
        .db
        .read_short(move |conn| service::public_profile(conn, id))
        .await?;
    Ok(Reply::ok(profile).etag(etag))
}

/// Every account, with private fields (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", operation_id = "list_users", security(("bearer" = [])),
    params(ListUsersQuery),
    responses(
        (status = 200, description = "One page of accounts, by id (`Cache-Control: no-store`)", body = Page<UserResponse>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_users(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ListUsersQuery>,
) -> Result<Reply<Page<UserResponse>>, ApiError> {
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
        role: query.role,
        country: country.map(|c| c.to_string()),
        organisation_id: query.organisation_id,
        q: parse_q(query.q.as_deref())?,
        lookalike: query.lookalike,
    };
    let after = page.after.as_ref().map(|(_, id)| UserId(*id));
    let limit = page.fetch_limit();
    let rows = state
        .db
        .read(move |conn| service::list_users(conn, &user, &filter, after, limit))
        .await?;
    let page = page.finish(
        rows,
        "id",
        |u| (u.id.get(), u.id.get()),
        UserResponse::for_admins,
    );
    Ok(Reply::ok(page).private())
}

/// Changes an account's role, status or verification (admins; coordinators grant or remove `trainer`).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", operation_id = "update_user", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the account version being changed (from `GET /api/v1/me` of its owner or an earlier answer here); refused (412) when it changed since")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The updated account (`Cache-Control: no-store`); a change to what the account already is keeps its ETag", body = UserResponse,
            headers(("ETag" = String, description = "The account's new version"))),
        NotLoggedIn,
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account was erased", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the account changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing to change", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<UserId>,
    body: Json<UpdateUserRequest>,
) -> Result<Reply<UserResponse>, ApiError> {
    let change = AccountChange::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let updated = state
        .db
        .write(move |conn| service::update_user(conn, &user, id, change, if_match.as_ref()))
        .await?;
    let etag = updated.etag();
    Ok(Reply::ok(UserResponse::from(updated)).etag(etag).private())
}

/// The caller's languages, each with a CEFR level, by language tag.
#[utoipa::path(get, path = "/api/v1/me/languages", tag = "me", operation_id = "list_my_languages", security(("bearer" = [])),
    responses(
        (status = 200, description = "My languages (`Cache-Control: no-store`)", body = UserLanguagesBody),
        NotLoggedIn,
    ))]
pub async fn list_my_languages(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<Reply<UserLanguagesBody>, ApiError> {
    let rows = state
        .db
        .read(move |conn| service::my_languages(conn, &user))
        .await?;
    Ok(Reply::ok(UserLanguagesBody::from(rows)).private())
}

/// Replaces the caller's languages (each once, with a CEFR level `A1` to `C2`).
#[utoipa::path(put, path = "/api/v1/me/languages", tag = "me", operation_id = "replace_my_languages", security(("bearer" = [])),
    request_body = UserLanguagesBody,
    responses(
        (status = 200, description = "My languages as stored, by tag (`Cache-Control: no-store`)", body = UserLanguagesBody),
        UnreadableBody,
        NotLoggedIn,
        (status = 422, description = "`invalid_language`, `invalid_level` (not `A1`–`C2`), `duplicate_language`, `too_many`, naming `languages[i].language` or `languages[i].level`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn replace_my_languages(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<UserLanguagesBody>,
) -> Result<Reply<UserLanguagesBody>, ApiError> {
    let languages = Vec::try_from(body.into_inner())?;
    let rows = state
        .db
        .write(move |conn| service::replace_my_languages(conn, &user, languages))
        .await?;
    Ok(Reply::ok(UserLanguagesBody::from(rows)).private())
}

/// The caller's memberships, pending ones included.
#[utoipa::path(get, path = "/api/v1/me/memberships", tag = "me", operation_id = "list_my_memberships", security(("bearer" = [])),
    responses(
        (status = 200, description = "My memberships (`Cache-Control: no-store`)", body = Vec<MembershipResponse>),
        NotLoggedIn,
    ))]
pub async fn list_my_memberships(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<Reply<Vec<MembershipResponse>>, ApiError> {
    let rows = state
        .db
        .read(move |conn| service::my_memberships(conn, &user))
        .await?;
    Ok(Reply::ok(rows.into_iter().map(Into::into).collect()).private())
}
