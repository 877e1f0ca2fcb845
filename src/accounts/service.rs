//! Account rules: each public function is one use case, one transaction, with its emails.

use chrono::{Datelike, NaiveDateTime, TimeDelta};

use crate::accounts::dto::*;
use crate::accounts::model::*;
use crate::accounts::repo;
use crate::auth::password::Password;
use crate::auth::tokens::{hash_token, new_opaque_token};
use crate::auth::{AuthUser, Role};
use crate::db::{DbConn, now};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::{ApiError, FieldError, Fields};
use crate::organisations::model::MembershipStatus;
use crate::organisations::repo as organisations;
use crate::state::AppState;
use crate::types::{CountryCode, Email, LanguageTag, OrganisationId, UserId};

/// Verification links live 48 hours.
const VERIFY_TTL: TimeDelta = TimeDelta::hours(48);
/// Password-reset links live one hour.
const RESET_TTL: TimeDelta = TimeDelta::hours(1);
/// A login lasts at most 30 days.
const SESSION_TTL: TimeDelta = TimeDelta::days(30);
/// A refresh token not used for 7 days expires.
const REFRESH_IDLE_TTL: TimeDelta = TimeDelta::days(7);

const VERIFY_EMAIL: &str = "verify_email";
const RESET_PASSWORD: &str = "reset_password";

fn display_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err("must not be empty".to_owned()),
        n if n > 100 => Err("must be at most 100 characters".to_owned()),
        _ if name.chars().any(char::is_control) => {
            Err("must not contain control characters".to_owned())
        }
        _ => Ok(name),
    }
}

fn birth_year(year: i32) -> Result<i32, String> {
    let this_year = chrono::Utc::now().year();
    if (1900..=this_year - 13).contains(&year) {
        Ok(year)
    } else {
        Err(format!("must be between 1900 and {}", this_year - 13))
    }
}

fn bio(raw: &str) -> Result<String, String> {
    let bio = raw.trim().to_owned();
    if bio.chars().count() > 2000 {
        Err("must be at most 2000 characters".to_owned())
    } else {
        Ok(bio)
    }
}

fn new_password(
    fields: &mut Fields,
    field: &str,
    raw: String,
    context: &[&str],
) -> Option<Password> {
    match Password::parse_new(raw, context) {
        Ok(p) => Some(p),
        Err((code, message)) => {
            fields.push(field, code, message);
            None
        }
    }
}

/// A new password that is the request's only field, or 422 naming `field`.
fn sole_new_password(field: &str, raw: String, context: &[&str]) -> Result<Password, ApiError> {
    Password::parse_new(raw, context).map_err(|(code, message)| {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    })
}

/// Stores a new single-use token for `user` and returns the raw token for the link.
fn issue_email_token(
    conn: &mut DbConn,
    user_id: i64,
    purpose: &str,
    ttl: TimeDelta,
) -> Result<String, ApiError> {
    let at = now();
    repo::void_email_tokens(conn, user_id, purpose, at)?;
    let token = new_opaque_token();
    repo::insert_email_token(
        conn,
        &NewEmailToken {
            user_id,
            purpose: purpose.to_owned(),
            token_hash: hash_token(&token),
            created_at: at,
            expires_at: at + ttl,
        },
    )?;
    Ok(token)
}

fn send_verification(conn: &mut DbConn, user: &User, public_url: &str) -> Result<(), ApiError> {
    let Some(email) = &user.email else {
        return Ok(());
    };
    let token = issue_email_token(conn, user.id, VERIFY_EMAIL, VERIFY_TTL)?;
    enqueue(
        conn,
        &OutgoingEmail {
            to: email.clone(),
            template: Template::VerifyEmail,
            language: user.preferred_language.clone(),
            vars: vec![
                ("display_name", user.display_name.clone()),
                ("link", format!("{public_url}/verify-email?token={token}")),
            ],
        },
    )
}

fn send_password_changed(conn: &mut DbConn, user: &User) -> Result<(), ApiError> {
    let Some(email) = &user.email else {
        return Ok(());
    };
    enqueue(
        conn,
        &OutgoingEmail {
            to: email.clone(),
            template: Template::PasswordChanged,
            language: user.preferred_language.clone(),
            vars: vec![("display_name", user.display_name.clone())],
        },
    )
}

/// Registers an account; the verification email is queued in the same transaction.
pub async fn register(state: &AppState, req: RegisterRequest, ip: &str) -> Result<User, ApiError> {
    state.limiters.register_ip.hit(ip)?;
    let mut fields = Fields::default();
    let email = fields.check("email", "invalid_email", Email::parse(&req.email));
    let name = fields.check(
        "display_name",
        "invalid_display_name",
        display_name(&req.display_name),
    );
    let country = fields.check(
        "country",
        "invalid_country",
        CountryCode::parse(&req.country),
    );
    let language = fields.check(
        "preferred_language",
        "invalid_language",
        LanguageTag::parse(&req.preferred_language),
    );
    let birth = match req.birth_year {
        Some(y) => fields
            .check("birth_year", "invalid_birth_year", birth_year(y))
            .map(Some),
        None => Some(None),
    };
    let context: Vec<&str> = [req.email.as_str(), req.display_name.as_str()]
        .into_iter()
        .collect();
    let password = new_password(&mut fields, "password", req.password, &context);
    fields.finish()?;
    let (email, name, country, language, birth, password) =
        match (email, name, country, language, birth, password) {
            (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) => (a, b, c, d, e, f),
            _ => unreachable!("validation errors returned above"),
        };
    let hash = state.hasher.hash(password).await?;
    let public_url = state.settings.public_url.clone();
    let organisation_id = req.organisation_id;
    let gender = req.gender;
    state
        .db
        .write(move |conn| {
            if repo::find_by_email(conn, email.normalized())?.is_some() {
                return Err(ApiError::Conflict {
                    code: "email_taken",
                    detail: "an account with this email exists; log in or reset the password"
                        .to_owned(),
                });
            }
            if let Some(org) = organisation_id
                && !organisations::exists(conn, OrganisationId(org))?
            {
                return Err(ApiError::invalid_field(
                    "organisation_id",
                    "unknown_organisation",
                    "no such organisation",
                ));
            }
            let at = now();
            let user = repo::insert(
                conn,
                &NewUser {
                    email: Some(email.as_str().to_owned()),
                    email_normalized: Some(email.normalized().to_owned()),
                    password_hash: Some(hash),
                    search_text: user_search_text(&name, Some(email.as_str())),
                    display_name: name,
                    country: Some(country.to_string()),
                    preferred_language: language.to_string(),
                    other_languages: String::new(),
                    gender: gender.map(|g| g.as_str().to_owned()),
                    birth_year: birth,
                    role: Role::Member.as_str().to_owned(),
                    status: "active".to_owned(),
                    email_verified_at: None,
                    created_at: at,
                    updated_at: at,
                },
            )?;
            if let Some(org) = organisation_id {
                repo::insert_membership(
                    conn,
                    &NewMembership::request(UserId(user.id), OrganisationId(org), at),
                )?;
            }
            send_verification(conn, &user, &public_url)?;
            Ok(user)
        })
        .await
}

fn invalid_link() -> ApiError {
    ApiError::invalid_field(
        "token",
        "invalid_or_expired",
        "this link is invalid, expired or already used; ask for a new one",
    )
}

/// Spends a verification token and marks the email verified.
pub async fn verify_email(state: &AppState, token: String) -> Result<(), ApiError> {
    let hash = hash_token(token.trim());
    state
        .db
        .write(move |conn| {
            let at = now();
            let user_id =
                repo::spend_email_token(conn, &hash, VERIFY_EMAIL, at)?.ok_or_else(invalid_link)?;
            let user = repo::find(conn, user_id)?;
            if user.email_verified_at.is_none() {
                repo::update(
                    conn,
                    user_id,
                    &UserChanges {
                        email_verified_at: Some(Some(at)),
                        updated_at: Some(at),
                        ..Default::default()
                    },
                )?;
            }
            Ok(())
        })
        .await
}

/// Sends a new verification email when the account exists and is unverified. The answer
/// does not say which, so that it cannot be used to find accounts.
pub async fn resend_verification(
    state: &AppState,
    raw_email: &str,
    ip: &str,
) -> Result<(), ApiError> {
    state.limiters.email_ip.hit(ip)?;
    let email = Email::parse(raw_email)
        .map_err(|m| ApiError::invalid_field("email", "invalid_email", m))?;
    state.limiters.email_account.hit(email.normalized())?;
    let public_url = state.settings.public_url.clone();
    state
        .db
        .write(move |conn| {
            if let Some(user) = repo::find_by_email(conn, email.normalized())?
                && user.status == "active"
                && user.email_verified_at.is_none()
            {
                send_verification(conn, &user, &public_url)?;
            }
            Ok(())
        })
        .await
}

/// Checks email and password, then opens a login.
pub async fn login(
    state: &AppState,
    req: LoginRequest,
    ip: &str,
) -> Result<TokenResponse, ApiError> {
    let account_key = req.email.trim().to_lowercase();
    let account_ip_key = format!("{account_key}|{ip}");
    state.limiters.login_ip.check(ip)?;
    state.limiters.login_account.check(&account_ip_key)?;
    state.limiters.login_account_global.check(&account_key)?;
    let lookup = account_key.clone();
    let user = state
        .db
        .read(move |conn| Ok(repo::find_by_email(conn, &lookup)?))
        .await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = state
        .hasher
        .verify(Password::unchecked(req.password), hash)
        .await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => {
            state.limiters.login_ip.fail(ip);
            state.limiters.login_account.fail(&account_ip_key);
            state.limiters.login_account_global.fail(&account_key);
            return Err(ApiError::unauthorized(
                "invalid_credentials",
                "the email or password is wrong",
            ));
        }
    };
    // Only after the password matched, so these answers reveal nothing to a guesser.
    if user.status != "active" {
        return Err(ApiError::forbidden(
            "account_suspended",
            "this account is suspended; contact a coordinator",
        ));
    }
    if user.email_verified_at.is_none() {
        return Err(ApiError::forbidden(
            "email_not_verified",
            "verify your email first: follow the link we sent, or ask for a new one",
        ));
    }
    let user_id = user.id;
    let role = user.role.clone();
    let (session_id, refresh_token) = state
        .db
        .write(move |conn| open_session(conn, user_id))
        .await?;
    let (access_token, expires_in) = state.keys.issue(user_id, &role, session_id)?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in,
        refresh_token,
    })
}

fn open_session(conn: &mut DbConn, user_id: i64) -> Result<(i64, String), ApiError> {
    let at = now();
    let session = repo::insert_session(
        conn,
        &NewSession {
            user_id,
            created_at: at,
            last_used_at: at,
            expires_at: at + SESSION_TTL,
        },
    )?;
    let token = new_refresh_token(conn, session.id, session.expires_at, at)?;
    Ok((session.id, token))
}

fn new_refresh_token(
    conn: &mut DbConn,
    session_id: i64,
    session_expires: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<String, ApiError> {
    let token = new_opaque_token();
    repo::insert_refresh_token(
        conn,
        &NewRefreshToken {
            session_id,
            token_hash: hash_token(&token),
            created_at: at,
            expires_at: (at + REFRESH_IDLE_TTL).min(session_expires),
        },
    )?;
    Ok(token)
}

enum RefreshOutcome {
    Renewed {
        user_id: i64,
        role: String,
        session_id: i64,
        token: String,
    },
    /// A spent token came back: the login was revoked (and that must be committed).
    Reused,
    Invalid(&'static str, &'static str),
}

/// Spends a refresh token for a new pair. A spent token presented again revokes its whole login.
pub async fn refresh(state: &AppState, token: String) -> Result<TokenResponse, ApiError> {
    let hash = hash_token(token.trim());
    let outcome = state
        .db
        .write(move |conn| {
            let at = now();
            let Some((token, session)) = repo::find_refresh_token(conn, &hash)? else {
                return Ok(RefreshOutcome::Invalid(
                    "invalid_refresh_token",
                    "this refresh token is not valid",
                ));
            };
            if session.revoked_at.is_some() {
                return Ok(RefreshOutcome::Invalid(
                    "session_revoked",
                    "this login has ended; log in again",
                ));
            }
            if token.used_at.is_some() || !repo::spend_refresh_token(conn, token.id, at)? {
                repo::revoke_session(conn, session.id, at)?;
                tracing::warn!(
                    session.id = session.id,
                    "spent refresh token presented again; login revoked"
                );
                return Ok(RefreshOutcome::Reused);
            }
            if token.expires_at <= at || session.expires_at <= at {
                return Ok(RefreshOutcome::Invalid(
                    "refresh_token_expired",
                    "this login has expired; log in again",
                ));
            }
            let user = repo::find(conn, session.user_id)?;
            if user.status != "active" {
                repo::revoke_session(conn, session.id, at)?;
                return Ok(RefreshOutcome::Invalid(
                    "account_inactive",
                    "this account is suspended or deleted",
                ));
            }
            repo::touch_session(conn, session.id, at)?;
            let token = new_refresh_token(conn, session.id, session.expires_at, at)?;
            Ok(RefreshOutcome::Renewed {
                user_id: user.id,
                role: user.role,
                session_id: session.id,
                token,
            })
        })
        .await?;
    match outcome {
        RefreshOutcome::Renewed {
            user_id,
            role,
            session_id,
            token,
        } => {
            let (access_token, expires_in) = state.keys.issue(user_id, &role, session_id)?;
            Ok(TokenResponse {
                access_token,
                token_type: "Bearer".to_owned(),
                expires_in,
                refresh_token: token,
            })
        }
        RefreshOutcome::Reused => Err(ApiError::unauthorized(
            "refresh_token_reused",
            "this refresh token was already used; the login has been revoked for safety",
        )),
        RefreshOutcome::Invalid(code, detail) => Err(ApiError::unauthorized(code, detail)),
    }
}

/// Ends the caller's login, or every login of theirs.
pub async fn logout(state: &AppState, user: &AuthUser, everywhere: bool) -> Result<(), ApiError> {
    let (user_id, session_id) = (user.id, user.session_id);
    state
        .db
        .write(move |conn| {
            let at = now();
            if everywhere {
                repo::revoke_sessions(conn, user_id, None, at)?;
            } else {
                repo::revoke_session(conn, session_id, at)?;
            }
            Ok(())
        })
        .await
}

/// Emails a reset link when the account exists; answers the same either way.
pub async fn forgot_password(state: &AppState, raw_email: &str, ip: &str) -> Result<(), ApiError> {
    state.limiters.email_ip.hit(ip)?;
    let email = Email::parse(raw_email)
        .map_err(|m| ApiError::invalid_field("email", "invalid_email", m))?;
    state.limiters.email_account.hit(email.normalized())?;
    let public_url = state.settings.public_url.clone();
    state
        .db
        .write(move |conn| {
            let Some(user) = repo::find_by_email(conn, email.normalized())? else {
                return Ok(());
            };
            if user.status != "active" {
                return Ok(());
            }
            let token = issue_email_token(conn, user.id, RESET_PASSWORD, RESET_TTL)?;
            enqueue(
                conn,
                &OutgoingEmail {
                    to: user.email.clone().unwrap_or_default(),
                    template: Template::ResetPassword,
                    language: user.preferred_language.clone(),
                    vars: vec![
                        ("display_name", user.display_name.clone()),
                        ("link", format!("{public_url}/reset-password?token={token}")),
                    ],
                },
            )
        })
        .await
}

/// Sets a new password from a reset link and ends every login.
pub async fn reset_password(state: &AppState, req: ResetPasswordRequest) -> Result<(), ApiError> {
    let password = sole_new_password("new_password", req.new_password, &[])?;
    let hash = state.hasher.hash(password).await?;
    let token_hash = hash_token(req.token.trim());
    state
        .db
        .write(move |conn| {
            let at = now();
            let user_id = repo::spend_email_token(conn, &token_hash, RESET_PASSWORD, at)?
                .ok_or_else(invalid_link)?;
            repo::set_password(conn, user_id, &hash, at)?;
            repo::revoke_sessions(conn, user_id, None, at)?;
            let mut user = repo::find(conn, user_id)?;
            // Following the emailed link proves the address too.
            if user.email_verified_at.is_none() {
                user = repo::update(
                    conn,
                    user_id,
                    &UserChanges {
                        email_verified_at: Some(Some(at)),
                        ..Default::default()
                    },
                )?;
            }
            send_password_changed(conn, &user)
        })
        .await
}

/// Checks the caller's current password (throttled like logins).
async fn check_password(
    state: &AppState,
    user_id: i64,
    field: &str,
    raw: String,
) -> Result<User, ApiError> {
    let key = format!("user:{user_id}");
    state.limiters.login_account.check(&key)?;
    let user = state
        .db
        .read(move |conn| Ok(repo::find(conn, user_id)?))
        .await?;
    if !state
        .hasher
        .verify(Password::unchecked(raw), user.password_hash.clone())
        .await?
    {
        state.limiters.login_account.fail(&key);
        return Err(ApiError::invalid_field(
            field,
            "incorrect_password",
            "the password is not correct",
        ));
    }
    Ok(user)
}

/// Changes the caller's password and ends their other logins.
pub async fn change_password(
    state: &AppState,
    caller: &AuthUser,
    req: ChangePasswordRequest,
) -> Result<(), ApiError> {
    let user = check_password(state, caller.id, "current_password", req.current_password).await?;
    let context: Vec<&str> = [
        user.email.as_deref().unwrap_or_default(),
        user.display_name.as_str(),
    ]
    .into();
    let password = sole_new_password("new_password", req.new_password, &context)?;
    let hash = state.hasher.hash(password).await?;
    let (user_id, keep) = (caller.id, caller.session_id);
    state
        .db
        .write(move |conn| {
            let at = now();
            repo::set_password(conn, user_id, &hash, at)?;
            repo::revoke_sessions(conn, user_id, Some(keep), at)?;
            send_password_changed(conn, &user)
        })
        .await
}

/// Applies `PATCH /api/v1/me`.
pub async fn update_me(
    state: &AppState,
    caller: &AuthUser,
    req: UpdateMeRequest,
) -> Result<User, ApiError> {
    let mut fields = Fields::default();
    let mut changes = UserChanges::default();
    if let Some(name) = &req.display_name {
        changes.display_name =
            fields.check("display_name", "invalid_display_name", display_name(name));
    }
    if let Some(country) = &req.country {
        changes.country = match country {
            Some(c) => fields
                .check("country", "invalid_country", CountryCode::parse(c))
                .map(|c| Some(c.to_string())),
            None => Some(None),
        };
    }
    if let Some(lang) = &req.preferred_language {
        changes.preferred_language = fields
            .check(
                "preferred_language",
                "invalid_language",
                LanguageTag::parse(lang),
            )
            .map(|l| l.to_string());
    }
    if let Some(langs) = &req.other_languages {
        let mut tags: Vec<String> = Vec::new();
        for lang in langs {
            if let Some(tag) = fields.check(
                "other_languages",
                "invalid_language",
                LanguageTag::parse(lang),
            ) && !tags.contains(&tag.to_string())
            {
                tags.push(tag.to_string());
            }
        }
        if tags.len() > 20 {
            fields.push("other_languages", "too_many", "at most 20 languages");
        }
        changes.other_languages = Some(tags.join(","));
    }
    if let Some(gender) = req.gender {
        changes.gender = Some(gender.map(|g| g.as_str().to_owned()));
    }
    if let Some(year) = req.birth_year {
        changes.birth_year = match year {
            Some(y) => fields
                .check("birth_year", "invalid_birth_year", birth_year(y))
                .map(Some),
            None => Some(None),
        };
    }
    if let Some(text) = &req.bio {
        changes.bio = match text {
            Some(t) => fields
                .check("bio", "invalid_bio", bio(t))
                .map(|b| Some(b).filter(|b| !b.is_empty())),
            None => Some(None),
        };
    }
    fields.finish()?;
    let user_id = caller.id;
    state
        .db
        .write(move |conn| {
            let current = repo::find(conn, user_id)?;
            let at = now();
            if let Some(name) = &changes.display_name {
                changes.search_text = Some(user_search_text(name, current.email.as_deref()));
            }
            changes.updated_at = Some(at);
            Ok(repo::update(conn, user_id, &changes)?)
        })
        .await
}

/// Everything stored about the caller.
pub async fn export(state: &AppState, caller: &AuthUser) -> Result<ExportResponse, ApiError> {
    let user_id = caller.id;
    state
        .db
        .read(move |conn| {
            let user = repo::find(conn, user_id)?;
            let memberships = repo::memberships_of(conn, user_id)?;
            let sessions = repo::sessions_of(conn, user_id)?;
            Ok(ExportResponse {
                user: user.into(),
                memberships: memberships.into_iter().map(Into::into).collect(),
                sessions: sessions.into_iter().map(Into::into).collect(),
                exported_at: now().and_utc(),
            })
        })
        .await
}

/// Erases the caller's personal data and ends every login; the id remains.
pub async fn delete_me(
    state: &AppState,
    caller: &AuthUser,
    password: String,
) -> Result<(), ApiError> {
    check_password(state, caller.id, "password", password).await?;
    let user_id = caller.id;
    state
        .db
        .write(move |conn| {
            let at = now();
            repo::revoke_sessions(conn, user_id, None, at)?;
            repo::delete_email_tokens(conn, user_id)?;
            repo::delete_memberships(conn, user_id)?;
            repo::erase(conn, user_id, at)?;
            Ok(())
        })
        .await
}

/// A public profile.
pub async fn public_profile(state: &AppState, id: i64) -> Result<PublicUserResponse, ApiError> {
    state
        .db
        .read(move |conn| {
            let user = repo::find(conn, id)?;
            let organisations = repo::memberships_of(conn, id)?
                .into_iter()
                .filter(|(m, _)| m.status == MembershipStatus::Approved)
                .map(|(m, name)| ProfileOrganisation {
                    id: m.organisation_id.get(),
                    name,
                    role: m.role.as_str().to_owned(),
                })
                .collect();
            Ok(PublicUserResponse {
                id: user.id,
                deleted: user.status == "deleted",
                display_name: user.display_name,
                country: user.country,
                role: Role::parse(&user.role).unwrap_or(Role::Member),
                bio: user.bio,
                organisations,
            })
        })
        .await
}

/// Applies `PATCH /api/v1/users/{id}`, asking the policy for each change.
pub async fn update_user(
    state: &AppState,
    caller: &AuthUser,
    id: i64,
    req: UpdateUserRequest,
) -> Result<User, ApiError> {
    use crate::auth::policy::{Action, authorize};
    if req.role.is_none() && req.status.is_none() && req.email_verified.is_none() {
        return Err(ApiError::invalid_field(
            "role",
            "nothing_to_change",
            "give at least one of role, status, email_verified",
        ));
    }
    let caller = caller.clone();
    state
        .db
        .write(move |conn| {
            let target = repo::find(conn, id)?;
            if target.status == "deleted" {
                return Err(ApiError::Conflict {
                    code: "account_deleted",
                    detail: "this account was erased".to_owned(),
                });
            }
            let at = now();
            let mut changes = UserChanges {
                updated_at: Some(at),
                ..Default::default()
            };
            if let Some(to) = req.role {
                let from = Role::parse(&target.role).unwrap_or(Role::Member);
                authorize(
                    &caller,
                    Action::ChangeRole {
                        target: id,
                        from,
                        to,
                    },
                )?;
                changes.role = Some(to.as_str().to_owned());
            }
            if req.status.is_some() || req.email_verified.is_some() {
                authorize(&caller, Action::ChangeAccountStatus { target: id })?;
            }
            if let Some(status) = req.status {
                changes.status = Some(
                    match status {
                        AccountStatus::Active => "active",
                        AccountStatus::Suspended => "suspended",
                    }
                    .to_owned(),
                );
                if status == AccountStatus::Suspended {
                    repo::revoke_sessions(conn, id, None, at)?;
                }
            }
            if let Some(verified) = req.email_verified {
                changes.email_verified_at = Some(if verified {
                    target.email_verified_at.or(Some(at))
                } else {
                    None
                });
            }
            Ok(repo::update(conn, id, &changes)?)
        })
        .await
}

/// Creates a verified, active account from the command line (`bayanihan admin create-user`).
pub fn create_verified_user(
    db: &crate::db::Db,
    email: &str,
    name: &str,
    role: Role,
    password: String,
) -> anyhow::Result<User> {
    let email = Email::parse(email).map_err(|m| anyhow::anyhow!("--email {m}"))?;
    let name = display_name(name).map_err(|m| anyhow::anyhow!("--name {m}"))?;
    let password = Password::parse_new(password, &[email.as_str(), &name])
        .map_err(|(_, m)| anyhow::anyhow!("the password {m}"))?;
    let hash =
        crate::auth::password::hash_blocking(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut conn = db.conn().map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::db::write_transaction(&mut conn, |conn| {
        if repo::find_by_email(conn, email.normalized())?.is_some() {
            return Err(ApiError::Conflict {
                code: "email_taken",
                detail: "an account with this email exists".to_owned(),
            });
        }
        let at = now();
        Ok(repo::insert(
            conn,
            &NewUser {
                email: Some(email.as_str().to_owned()),
                email_normalized: Some(email.normalized().to_owned()),
                password_hash: Some(hash),
                search_text: user_search_text(&name, Some(email.as_str())),
                display_name: name,
                country: None,
                preferred_language: "en".to_owned(),
                other_languages: String::new(),
                gender: None,
                birth_year: None,
                role: role.as_str().to_owned(),
                status: "active".to_owned(),
                email_verified_at: Some(at),
                created_at: at,
                updated_at: at,
            },
        )?)
    })
    .map_err(|e| match e {
        ApiError::Conflict { detail, .. } => anyhow::anyhow!("{detail}"),
        other => anyhow::anyhow!("{other}"),
    })
}
