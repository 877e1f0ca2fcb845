//! Account rules: each public function is one use case over one connection, inside the
//! caller's transaction, with its emails (written to the outbox in that transaction).
//!
//! Password hashing and checking are CPU work that must not hold the SQLite write lock, so
//! they happen in the handlers, between a read and the write that follows it (login,
//! password change, erasure) or before the write (registration, reset).

use chrono::{NaiveDateTime, TimeDelta};

use crate::accounts::dto::{AccountChange, ExportResponse, ProfilePatch, Registration};
use crate::accounts::model::*;
use crate::accounts::repo::{self, UserFilter};
use crate::auth::policy::{Action, authorize};
use crate::auth::throttle::{self, Attempt};
use crate::auth::tokens::{hash_token, new_opaque_token};
use crate::auth::{AuthUser, ProfileLanguage, Role};
use crate::db::{self, DbConn, now};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::ApiError;
use crate::http::etag::{self, IfMatch};
use crate::http::language::Preferences;
use crate::http::links;
use crate::organisations::repo as organisations;
use crate::types::{Email, Secret, SessionId, UserId};

/// Verification links live 48 hours.
const VERIFY_TTL: TimeDelta = TimeDelta::hours(48);
/// Password-reset links live one hour.
const RESET_TTL: TimeDelta = TimeDelta::hours(1);
/// A login lasts at most 30 days.
const SESSION_TTL: TimeDelta = TimeDelta::days(30);
/// A refresh token not used for 7 days expires.
const REFRESH_IDLE_TTL: TimeDelta = TimeDelta::days(7);

/// Writes `changes` to `user` with the next version, or returns `user` as it is when
/// nothing changes (no version spent, `updated_at` untouched).
/// The languages a reader gets: those the request named, else (for a logged-in reader)
/// their profile's preferred language, as their login carries it. Every localised answer
/// of every domain asks here.
pub fn reader_preferences(
    conn: &mut DbConn,
    prefs: Preferences,
    reader: Option<&AuthUser>,
) -> Result<Preferences, ApiError> {
    match reader {
        Some(user) => match &user.language {
            ProfileLanguage::Read(language) => Ok(prefs.or_preferred(Some(language))),
            ProfileLanguage::Unread => profile_preferences(conn, prefs, user.id),
        },
        None => Ok(prefs),
    }
}

/// [`reader_preferences`] for an account that is not the caller (a calendar feed's
/// owner): its preferred language is read.
pub fn profile_preferences(
    conn: &mut DbConn,
    prefs: Preferences,
    user: UserId,
) -> Result<Preferences, ApiError> {
    if prefs.first().is_some() {
        return Ok(prefs);
    }
    let preferred = repo::preferred_language(conn, user)?;
    Ok(prefs.or_preferred(preferred.as_deref()))
}

pub fn save(conn: &mut DbConn, user: User, changes: UserChanges) -> Result<User, ApiError> {
    if changes.is_empty() {
        return Ok(user);
    }
    let changes = UserChanges {
        updated_at: Some(now()),
        version: Some(user.version + 1),
        ..changes
    };
    Ok(repo::update(conn, user.id, &changes)?)
}

/// Stores a new single-use token for `user` and returns the raw token for the link.
fn issue_email_token(
    conn: &mut DbConn,
    user_id: UserId,
    purpose: TokenPurpose,
    ttl: TimeDelta,
) -> Result<String, ApiError> {
    let at = now();
    repo::void_email_tokens(conn, user_id, purpose, at)?;
    let token = new_opaque_token();
    repo::insert_email_token(
        conn,
        &NewEmailToken {
            user_id,
            purpose,
            token_hash: hash_token(&token),
            created_at: at,
            expires_at: at + ttl,
        },
    )?;
    Ok(token)
}

fn send_verification(conn: &mut DbConn, user: &User) -> Result<(), ApiError> {
    let Some(email) = &user.email else {
        return Ok(());
    };
    let token = issue_email_token(conn, user.id, TokenPurpose::VerifyEmail, VERIFY_TTL)?;
    enqueue(
        conn,
        &OutgoingEmail {
            to: email.clone(),
            template: Template::VerifyEmail,
            language: user.preferred_language.clone(),
            vars: vec![
                ("display_name", user.display_name.clone()),
                (
                    "link",
                    links::frontend(&format!("/verify-email?token={token}")),
                ),
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

fn email_taken() -> ApiError {
    ApiError::Conflict {
        code: "email_taken",
        detail: "an account with this email exists; log in or reset the password".to_owned(),
    }
}

/// A new account, before it is stored.
#[derive(Debug)]
pub struct NewAccount<'a> {
    pub email: &'a Email,
    pub display_name: String,
    pub password_hash: String,
    pub country: Option<String>,
    pub preferred_language: String,
    pub gender: Option<Gender>,
    pub birth_year: Option<i32>,
    pub role: Role,
    /// Set when the address is proven already (an invitation link, the command line).
    pub verified_at: Option<NaiveDateTime>,
}

/// Stores a new active account; 409 `email_taken` when the address has one.
pub fn create_account(conn: &mut DbConn, new: NewAccount<'_>) -> Result<User, ApiError> {
    if repo::find_by_email(conn, new.email.normalized())?.is_some() {
        return Err(email_taken());
    }
    let at = now();
    repo::insert(
        conn,
        &NewUser {
            email: Some(new.email.as_str().to_owned()),
            email_normalized: Some(new.email.normalized().to_owned()),
            password_hash: Some(new.password_hash),
            search_text: user_search_text(&new.display_name, Some(new.email.as_str())),
            lookalike: Some(user_lookalike(&new.display_name, Some(new.email.as_str()))),
            display_name: new.display_name,
            country: new.country,
            preferred_language: new.preferred_language,
            other_languages: String::new(),
            gender: new.gender,
            birth_year: new.birth_year,
            role: new.role,
            status: UserStatus::Active,
            email_verified_at: new.verified_at,
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(ApiError::unique_or(email_taken))
}

/// Registers an account (`hash` is the hash of `reg.password`); the verification email is
/// queued in the same transaction. When the address has an account already, nothing is
/// created and its owner is emailed instead: the caller answers the same either way, so
/// that registering never tells whether an address has an account.
pub fn register(conn: &mut DbConn, reg: Registration, hash: String) -> Result<(), ApiError> {
    if let Some(org) = reg.organisation_id
        && !organisations::exists(conn, org)?
    {
        return Err(ApiError::invalid_field(
            "organisation_id",
            "unknown_organisation",
            "no such organisation",
        ));
    }
    if let Some(owner) = repo::find_by_email(conn, reg.email.normalized())? {
        return send_registration_attempt(conn, &owner);
    }
    let user = create_account(
        conn,
        NewAccount {
            email: &reg.email,
            display_name: reg.display_name,
            password_hash: hash,
            country: Some(reg.country.to_string()),
            preferred_language: reg.language.to_string(),
            gender: reg.gender,
            birth_year: reg.birth_year,
            role: Role::Member,
            verified_at: None,
        },
    )?;
    if let Some(org) = reg.organisation_id {
        let at = user.created_at;
        organisations::insert_membership(conn, &NewMembership::request(user.id, org, at))?;
    }
    send_verification(conn, &user)
}

/// Tells the owner of an address that someone tried to register with it, in their language.
fn send_registration_attempt(conn: &mut DbConn, owner: &User) -> Result<(), ApiError> {
    let Some(email) = &owner.email else {
        return Ok(());
    };
    enqueue(
        conn,
        &OutgoingEmail {
            to: email.clone(),
            template: Template::RegistrationAttempt,
            language: owner.preferred_language.clone(),
            vars: vec![
                ("display_name", owner.display_name.clone()),
                ("login_link", links::frontend("/login")),
                ("reset_link", links::frontend("/forgot-password")),
            ],
        },
    )
}

fn invalid_link() -> ApiError {
    ApiError::invalid_field(
        "token",
        "invalid_or_expired",
        "this link is invalid, expired or already used; ask for a new one",
    )
}

/// Marks the address of `user` verified (following an emailed link proves it); nothing
/// changes when it is verified already.
pub fn mark_verified(conn: &mut DbConn, user: User) -> Result<User, ApiError> {
    let changes = UserChanges::default().with_verification_of(&user);
    save(conn, user, changes)
}

/// Spends a verification token and marks the email verified.
pub fn verify_email(conn: &mut DbConn, token: &Secret) -> Result<(), ApiError> {
    let hash = hash_token(token.expose().trim());
    let user_id = repo::spend_email_token(conn, &hash, TokenPurpose::VerifyEmail, now())?
        .ok_or_else(invalid_link)?;
    let user = repo::find(conn, user_id)?;
    mark_verified(conn, user)?;
    Ok(())
}

/// Sends a new verification email when the account exists and is unverified. The answer
/// does not say which, so that it cannot be used to find accounts.
pub fn resend_verification(conn: &mut DbConn, email: &Email) -> Result<(), ApiError> {
    if let Some(user) = repo::find_by_email(conn, email.normalized())?
        && user.status == UserStatus::Active
        && user.email_verified_at.is_none()
    {
        send_verification(conn, &user)?;
    }
    Ok(())
}

/// Sets the lookalike flag of up to `batch` accounts created before the check existed; how
/// many it set (0 when none is left).
pub fn check_lookalikes(conn: &mut DbConn, batch: i64) -> Result<usize, ApiError> {
    let unchecked = repo::unchecked_lookalikes(conn, batch)?;
    for (id, name, email) in &unchecked {
        repo::set_lookalike(conn, *id, user_lookalike(name, email.as_deref()))?;
    }
    Ok(unchecked.len())
}

/// A login whose password is about to be checked (outside any transaction): the account
/// it names, if any, and the attempt, counted as a failure until [`finish_login`].
pub struct PendingLogin {
    pub user: Option<User>,
    attempt: Attempt,
}

/// Opens a login attempt on the account typed as `account_key` from `address`, with the
/// device token the client sent: 429 when the limits of [`throttle::begin_login`] hold it.
pub fn begin_login(
    conn: &mut DbConn,
    account_key: &str,
    address: &str,
    device_token: Option<&Secret>,
) -> Result<PendingLogin, ApiError> {
    let user = repo::find_by_email(conn, account_key)?;
    let device_hash = device_token.map(|token| hash_token(token.expose()));
    let attempt = throttle::begin_login(
        conn,
        account_key,
        address,
        user.as_ref().map(|u| u.id),
        device_hash.as_deref(),
        now(),
    )?;
    Ok(PendingLogin { user, attempt })
}

/// A login whose password matched: the session, its first refresh token and a new device
/// token (raw, for the answer).
pub struct OpenedLogin {
    pub user_id: UserId,
    pub role: Role,
    pub session_id: SessionId,
    pub refresh_token: String,
    pub device_token: String,
}

/// Ends a login attempt whose password matched `user`'s: the attempt is no failure (this
/// is committed whatever follows), then, when the account may log in, its session opens.
/// The inner error is why it may not (suspended, not verified).
pub fn finish_login(
    conn: &mut DbConn,
    pending: PendingLogin,
    account_key: &str,
) -> Result<Result<OpenedLogin, ApiError>, ApiError> {
    let PendingLogin { user, attempt } = pending;
    let device = attempt.device();
    attempt.succeeded(conn, throttle::LOGIN_ACCOUNT, account_key)?;
    let Some(user) = user else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "a login matched no account"
        )));
    };
    if let Err(refused) = check_may_log_in(&user) {
        return Ok(Err(refused));
    }
    let (session_id, refresh_token) = open_session(conn, user.id)?;
    let device_token = throttle::new_device_token(conn, user.id, device, now())?;
    Ok(Ok(OpenedLogin {
        user_id: user.id,
        role: user.role,
        session_id,
        refresh_token,
        device_token,
    }))
}

/// Opens a check of the caller's current password before a change that needs it: their
/// account, and the attempt, counted against [`throttle::PASSWORD_CHECK`] until
/// [`password_checked`].
pub fn begin_password_check(
    conn: &mut DbConn,
    actor: &AuthUser,
) -> Result<(User, Attempt), ApiError> {
    let attempt =
        throttle::begin_check(conn, throttle::PASSWORD_CHECK, &actor.id.to_string(), now())?;
    Ok((me(conn, actor)?, attempt))
}

/// The caller's password matched: the attempt is no failure.
pub fn password_checked(
    conn: &mut DbConn,
    actor: &AuthUser,
    attempt: Attempt,
) -> Result<(), ApiError> {
    Ok(attempt.succeeded(conn, throttle::PASSWORD_CHECK, &actor.id.to_string())?)
}

/// Ends every login of `user` but `keep`, and forgets the devices they logged in from, so
/// that the next login from any of them counts as unknown.
fn end_logins(
    conn: &mut DbConn,
    user: UserId,
    keep: Option<SessionId>,
    at: NaiveDateTime,
) -> diesel::QueryResult<()> {
    repo::revoke_sessions(conn, user, keep, at)?;
    throttle::forget_devices(conn, user)?;
    Ok(())
}

/// Whether an account whose password matched may log in. Asked only after the password
/// matched, so that these answers reveal nothing to a guesser.
pub fn check_may_log_in(user: &User) -> Result<(), ApiError> {
    if user.status != UserStatus::Active {
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
    Ok(())
}

/// Opens a login for `user_id`: its session and first refresh token (raw, for the answer).
pub fn open_session(conn: &mut DbConn, user_id: UserId) -> Result<(SessionId, String), ApiError> {
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
    session_id: SessionId,
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

/// What spending a refresh token came to. A reused token revokes its login, and that
/// must be committed even though the caller gets an error: hence an outcome, not an `Err`.
#[derive(Debug)]
pub enum RefreshOutcome {
    /// A new refresh token for the same login.
    Renewed {
        user_id: UserId,
        role: Role,
        session_id: SessionId,
        token: String,
    },
    /// A spent token came back: the login was revoked.
    Reused,
    /// Not spendable: the code and detail of the 401.
    Invalid(&'static str, &'static str),
}

impl RefreshOutcome {
    /// The login's identity and new refresh token, or the 401 to answer.
    pub fn into_result(self) -> Result<(UserId, Role, SessionId, String), ApiError> {
        match self {
            Self::Renewed {
                user_id,
                role,
                session_id,
                token,
            } => Ok((user_id, role, session_id, token)),
            Self::Reused => Err(ApiError::unauthorized(
                "refresh_token_reused",
                "this refresh token was already used; the login has been revoked for safety",
            )),
            Self::Invalid(code, detail) => Err(ApiError::unauthorized(code, detail)),
        }
    }
}

/// Spends a refresh token for a new one. A spent token presented again revokes its whole login.
pub fn refresh(conn: &mut DbConn, token: &Secret) -> Result<RefreshOutcome, ApiError> {
    let hash = hash_token(token.expose().trim());
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
            session.id = session.id.get(),
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
    if user.status != UserStatus::Active {
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
}

/// Ends the caller's login, or every login of theirs.
pub fn logout(conn: &mut DbConn, actor: &AuthUser, everywhere: bool) -> Result<(), ApiError> {
    let at = now();
    if everywhere {
        end_logins(conn, actor.id, None, at)?;
    } else {
        repo::revoke_session(conn, actor.session_id, at)?;
    }
    Ok(())
}

/// Emails a reset link when the account exists; answers the same either way.
pub fn forgot_password(conn: &mut DbConn, email: &Email) -> Result<(), ApiError> {
    let Some(user) = repo::find_by_email(conn, email.normalized())? else {
        return Ok(());
    };
    let Some(address) = user
        .email
        .clone()
        .filter(|_| user.status == UserStatus::Active)
    else {
        return Ok(());
    };
    let token = issue_email_token(conn, user.id, TokenPurpose::ResetPassword, RESET_TTL)?;
    enqueue(
        conn,
        &OutgoingEmail {
            to: address,
            template: Template::ResetPassword,
            language: user.preferred_language.clone(),
            vars: vec![
                ("display_name", user.display_name.clone()),
                (
                    "link",
                    links::frontend(&format!("/reset-password?token={token}")),
                ),
            ],
        },
    )
}

/// Sets a new password (`hash`) from a reset link and ends every login. Following the
/// emailed link proves the address too.
pub fn reset_password(conn: &mut DbConn, token: &Secret, hash: String) -> Result<(), ApiError> {
    let token_hash = hash_token(token.expose().trim());
    let at = now();
    let user_id = repo::spend_email_token(conn, &token_hash, TokenPurpose::ResetPassword, at)?
        .ok_or_else(invalid_link)?;
    end_logins(conn, user_id, None, at)?;
    let user = repo::find(conn, user_id)?;
    let changes = UserChanges {
        password_hash: Some(Some(hash)),
        ..Default::default()
    }
    .with_verification_of(&user);
    let user = save(conn, user, changes)?;
    send_password_changed(conn, &user)
}

/// The caller's account, to check their current password against (outside the transaction).
pub fn me(conn: &mut DbConn, actor: &AuthUser) -> Result<User, ApiError> {
    Ok(repo::find(conn, actor.id)?)
}

/// Sets the caller's new password (`hash`; the current one was checked) and ends their
/// other logins.
pub fn change_password(conn: &mut DbConn, actor: &AuthUser, hash: String) -> Result<(), ApiError> {
    db::lock_row(conn, "users", actor.id.get())?;
    let user = repo::find(conn, actor.id)?;
    end_logins(conn, actor.id, Some(actor.session_id), now())?;
    let changes = UserChanges {
        password_hash: Some(Some(hash)),
        ..Default::default()
    };
    let user = save(conn, user, changes)?;
    send_password_changed(conn, &user)
}

/// Applies `PATCH /api/v1/me`. A patch that changes nothing spends no version.
pub fn update_me(
    conn: &mut DbConn,
    actor: &AuthUser,
    patch: ProfilePatch,
    if_match: Option<&IfMatch>,
) -> Result<User, ApiError> {
    db::lock_row(conn, "users", actor.id.get())?;
    let user = repo::find(conn, actor.id)?;
    etag::check_version(if_match, "user", user.id.get(), user.version)?;
    let changes = patch.changes_against(&user);
    save(conn, user, changes)
}

/// Everything stored about the caller.
pub fn export(conn: &mut DbConn, actor: &AuthUser) -> Result<ExportResponse, ApiError> {
    let user = repo::find(conn, actor.id)?;
    let memberships = repo::memberships_of(conn, actor.id)?;
    let sessions = repo::sessions_of(conn, actor.id)?;
    Ok(ExportResponse::new(user, memberships, sessions, now()))
}

/// Erases the caller's personal data and ends every login; the id remains (their password
/// was checked). Invitations to their address go too.
pub fn erase(conn: &mut DbConn, actor: &AuthUser) -> Result<(), ApiError> {
    db::lock_row(conn, "users", actor.id.get())?;
    let user = repo::find(conn, actor.id)?;
    let at = now();
    end_logins(conn, actor.id, None, at)?;
    repo::delete_email_tokens(conn, actor.id)?;
    repo::delete_memberships(conn, actor.id)?;
    repo::delete_languages(conn, actor.id)?;
    // Issue 15: needs, endorsements and indicator reports stay as anonymous counts.
    crate::needs::service::forget_user(conn, actor.id)?;
    crate::needs::indicators::service::forget_user(conn, actor.id)?;
    // Training follow-up: plans, check-ins and guidance become anonymous counts.
    crate::followup::service::erase_member(conn, actor.id)?;
    if let Some(address) = &user.email_normalized {
        crate::invitations::service::forget_address(conn, address)?;
    }
    repo::erase(conn, &user, at)?;
    Ok(())
}

/// A member's public profile and its entity tag.
pub fn public_profile(
    conn: &mut DbConn,
    id: UserId,
) -> Result<(crate::accounts::dto::PublicUserResponse, String), ApiError> {
    use crate::accounts::dto::{ProfileOrganisation, PublicUserResponse};
    let user = repo::find(conn, id)?;
    let memberships = repo::approved_memberships_of(conn, id)?;
    let etag = profile_etag(&user, &memberships);
    let organisations = memberships
        .into_iter()
        .map(|(m, name, _)| ProfileOrganisation {
            id: m.organisation_id,
            name,
            role: m.role,
        })
        .collect();
    let profile = PublicUserResponse {
        id: user.id,
        deleted: user.status == UserStatus::Deleted,
        display_name: user.display_name,
        country: user.country,
        role: user.role,
        bio: user.bio,
        organisations,
    };
    Ok((profile, etag))
}

/// A public profile shows the account and its approved memberships with their
/// organisations' names, so its tag is made of their versions: the account's, and a
/// digest of each membership's id and version and its organisation's version (no body
/// is rendered to compare).
fn profile_etag(user: &User, memberships: &[(Membership, String, i64)]) -> String {
    use sha2::{Digest, Sha256};
    let versions: String = memberships
        .iter()
        .map(|(m, _, org_version)| format!("{}.{}.{};", m.id, m.version, org_version))
        .collect();
    let digest = Sha256::digest(versions.as_bytes());
    let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    etag::versioned("profile", user.id.get(), user.version, Some(&short))
}

/// One page of accounts (admins).
pub fn list_users(
    conn: &mut DbConn,
    actor: &AuthUser,
    filter: &UserFilter,
    after: Option<UserId>,
    limit: i64,
) -> Result<Vec<User>, ApiError> {
    authorize(actor, Action::ListUsers)?;
    Ok(repo::list(conn, filter, after, limit)?)
}

/// The caller's languages, by language tag.
pub fn my_languages(conn: &mut DbConn, actor: &AuthUser) -> Result<Vec<UserLanguage>, ApiError> {
    Ok(repo::languages_of(conn, actor.id)?)
}

/// Replaces the caller's languages; answers them as stored.
pub fn replace_my_languages(
    conn: &mut DbConn,
    actor: &AuthUser,
    languages: Vec<UserLanguage>,
) -> Result<Vec<UserLanguage>, ApiError> {
    let id = actor.id;
    db::lock_row(conn, "users", id.get())?;
    if repo::languages_of(conn, id)? != languages {
        repo::replace_languages(conn, id, &languages)?;
    }
    Ok(repo::languages_of(conn, id)?)
}

/// The caller's memberships, pending ones included.
pub fn my_memberships(
    conn: &mut DbConn,
    actor: &AuthUser,
) -> Result<Vec<(Membership, String)>, ApiError> {
    Ok(repo::memberships_of(conn, actor.id)?)
}

/// Applies `PATCH /api/v1/users/{id}`, asking the policy for each change. A change to what
/// the account already is spends no version.
pub fn update_user(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: UserId,
    change: AccountChange,
    if_match: Option<&IfMatch>,
) -> Result<User, ApiError> {
    authorize(actor, Action::ChangeAccounts)?;
    db::lock_row(conn, "users", id.get())?;
    let target = repo::find(conn, id)?;
    if target.status == UserStatus::Deleted {
        return Err(ApiError::Conflict {
            code: "account_deleted",
            detail: "this account was erased".to_owned(),
        });
    }
    etag::check_version(if_match, "user", id.get(), target.version)?;
    if let Some(to) = change.role {
        authorize(
            actor,
            Action::ChangeRole {
                target: id,
                from: target.role,
                to,
            },
        )?;
    }
    if change.status.is_some() || change.email_verified.is_some() {
        authorize(actor, Action::ChangeAccountStatus { target: id })?;
    }
    let at = now();
    let mut changes = UserChanges {
        role: change.role.filter(|r| *r != target.role),
        status: change.status.filter(|s| *s != target.status),
        ..Default::default()
    };
    if changes.status == Some(UserStatus::Suspended) {
        end_logins(conn, id, None, at)?;
    }
    changes.email_verified_at = match change.email_verified {
        Some(true) if target.email_verified_at.is_none() => Some(Some(at)),
        Some(false) if target.email_verified_at.is_some() => Some(None),
        _ => None,
    };
    save(conn, target, changes)
}

/// Gives `user` the `role` (an accepted invitation), and marks the address verified (the
/// emailed link proves it). Never lowers a role.
pub fn grant_role(conn: &mut DbConn, user: User, role: Role) -> Result<User, ApiError> {
    db::lock_row(conn, "users", user.id.get())?;
    let changes = UserChanges {
        role: Some(role).filter(|r| *r > user.role),
        ..Default::default()
    }
    .with_verification_of(&user);
    save(conn, user, changes)
}

/// Raises the account's role to `role` (never lowers it: a coordinator stays one); answers
/// the role before and after. Runs in the caller's transaction.
pub fn raise_role(
    conn: &mut DbConn,
    user_id: UserId,
    role: Role,
) -> Result<(Role, Role), ApiError> {
    db::lock_row(conn, "users", user_id.get())?;
    let user = repo::find(conn, user_id)?;
    let before = user.role;
    let changes = UserChanges {
        role: Some(role).filter(|r| *r > user.role),
        ..Default::default()
    };
    let user = save(conn, user, changes)?;
    Ok((before, user.role))
}

/// Gives back the role an e-trainer certification raised the account from (`before`), when
/// the account still has the role it `granted` (a role changed since is left alone); answers
/// the role before and after. Runs in the caller's transaction.
pub fn restore_role(
    conn: &mut DbConn,
    user_id: UserId,
    granted: Role,
    before: Role,
) -> Result<(Role, Role), ApiError> {
    db::lock_row(conn, "users", user_id.get())?;
    let user = repo::find(conn, user_id)?;
    let current = user.role;
    let changes = UserChanges {
        role: Some(before).filter(|r| current == granted && *r < current),
        ..Default::default()
    };
    let user = save(conn, user, changes)?;
    Ok((current, user.role))
}

/// Creates a verified, active account from the command line (`bayanihan admin create-user`).
pub fn create_verified_user(
    db: &crate::db::Db,
    email: &str,
    name: &str,
    role: Role,
    password: String,
) -> anyhow::Result<User> {
    use crate::auth::password::Password;
    let email = Email::parse(email).map_err(|m| anyhow::anyhow!("--email {m}"))?;
    let name =
        crate::accounts::model::display_name(name).map_err(|m| anyhow::anyhow!("--name {m}"))?;
    let password = Password::parse_new(password, &[email.as_str(), &name])
        .map_err(|(_, m)| anyhow::anyhow!("the password {m}"))?;
    let hash =
        crate::auth::password::hash_blocking(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut conn = db.conn().map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::db::write_transaction(&mut conn, |conn| {
        create_account(
            conn,
            NewAccount {
                email: &email,
                display_name: name,
                password_hash: hash,
                country: None,
                preferred_language: "en".to_owned(),
                gender: None,
                birth_year: None,
                role,
                verified_at: Some(now()),
            },
        )
    })
    .map_err(|e| match e {
        ApiError::Conflict { .. } => anyhow::anyhow!("an account with this email exists"),
        other => anyhow::anyhow!("{other}"),
    })
}
