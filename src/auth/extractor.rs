//! The `AuthUser` extractor: the one way a handler learns who is calling.

use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use futures_util::future::LocalBoxFuture;

use crate::accounts::model::UserStatus;
use crate::auth::Role;
use crate::db::now;
use crate::db::recent::{self, Recent};
use crate::db::schema::{sessions, users};
use crate::error::ApiError;
use crate::state::AppState;
use crate::types::{SessionId, UserId};

/// The authenticated caller: a valid access token whose login is still open and whose
/// account is active. The session, status, role, language and name are read from the database,
/// or from [`SessionCache`] when read there a moment ago: a logout, a changed role or a
/// suspension takes effect at once on the instance that made it and within two seconds on
/// the others (`db::recent`).
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: UserId,
    pub role: Role,
    /// The login the token belongs to.
    pub session_id: SessionId,
    /// The account's `preferred_language`, read with the login and kept with it (a change
    /// to it is a change of logins: seen at once here, within two seconds elsewhere).
    pub language: ProfileLanguage,
    /// The account's display name, read with the login and kept with it as the language
    /// is; `None` for an actor not made from a login (a command's, another domain's):
    /// whoever needs the name reads it.
    pub name: Option<Arc<str>>,
}

/// An account's `preferred_language` as its caller carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProfileLanguage {
    /// Not read with a login (an actor a command or another domain made): whoever needs it
    /// reads it (`accounts::service::reader_preferences`).
    #[default]
    Unread,
    /// Read with the login.
    Read(Arc<str>),
}

impl AuthUser {
    /// Whether the caller has at least `role`.
    pub fn is_at_least(&self, role: Role) -> bool {
        self.role >= role
    }
}

/// Open logins read lately, by session and account: their account's status, role,
/// preferred language and display name, and when the login expires (`db::recent`: a change made in this
/// process is seen at once, one made by another instance within two seconds). Read again
/// only after a write that ended a login or changed one of those ([`recent::LOGINS`];
/// every such write goes through `accounts::repo`), not after every write.
#[derive(Debug, Clone)]
pub struct SessionCache(Recent<(SessionId, UserId), KeptLogin>);

/// An open login as kept: the account's status, role, language and name, and when it
/// expires.
type KeptLogin = (UserStatus, Role, NaiveDateTime, ProfileLanguage, Arc<str>);

/// Logins kept at most: beyond, the cache starts again.
const SESSIONS_KEPT: usize = 100_000;

impl Default for SessionCache {
    fn default() -> Self {
        Self(Recent::after(&recent::LOGINS, SESSIONS_KEPT))
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token?;
            let state = state.ok_or_else(|| {
                ApiError::internal(anyhow::anyhow!("application state not configured"))
            })?;
            let claims = state.keys.verify(&token)?;
            let user_id = UserId(claims.sub.parse().map_err(|_| {
                ApiError::unauthorized("invalid_token", "the access token is not valid")
            })?);
            let session_id = SessionId(claims.sid);
            let key = (session_id, user_id);
            let found = match state.sessions.0.get(&key) {
                Some(open) => Some(open),
                None => {
                    let seen = state.sessions.0.seen();
                    let found: Option<KeptLogin> = state
                        .db
                        // Two rows by key: short (`Db::read_short`).
                        .read_short(move |conn| {
                            Ok(sessions::table
                                .inner_join(users::table)
                                .filter(sessions::id.eq(session_id))
                                .filter(sessions::user_id.eq(user_id))
                                .filter(sessions::revoked_at.is_null())
                                .filter(sessions::expires_at.gt(now()))
                                .select((
                                    users::status,
                                    users::role,
                                    sessions::expires_at,
                                    users::preferred_language,
                                    users::display_name,
                                ))
                                .first::<(UserStatus, Role, NaiveDateTime, String, String)>(conn)
                                .optional()?
                                .map(|(status, role, expires_at, language, name)| {
                                    let language = ProfileLanguage::Read(language.into());
                                    (status, role, expires_at, language, name.into())
                                }))
                        })
                        .await?;
                    match &found {
                        Some(open) => state.sessions.0.keep(key, seen, open.clone()),
                        // Ended since it was kept: nobody is given the kept answer again.
                        None => state.sessions.0.forget(&key),
                    }
                    found
                }
            };
            match found {
                Some((UserStatus::Active, role, expires_at, language, name))
                    if expires_at > now() =>
                {
                    Ok(AuthUser {
                        id: user_id,
                        role,
                        session_id,
                        language,
                        name: Some(name),
                    })
                }
                Some((UserStatus::Active, ..)) | None => Err(ApiError::unauthorized(
                    "session_revoked",
                    "this login has ended; log in again",
                )),
                Some(_) => Err(ApiError::unauthorized(
                    "account_inactive",
                    "this account is suspended or deleted",
                )),
            }
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::unauthorized(
                "login_required",
                "this endpoint needs `Authorization: Bearer <token>`",
            )
        })?;
    let value = header
        .to_str()
        .map_err(|_| ApiError::unauthorized("invalid_token", "the access token is not valid"))?;
    let (scheme, token) = value.split_once(' ').ok_or_else(|| {
        ApiError::unauthorized("invalid_token", "expected `Authorization: Bearer <token>`")
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized(
            "invalid_token",
            "expected `Authorization: Bearer <token>`",
        ));
    }
    Ok(token.trim().to_owned())
}

/// The caller when a bearer token is sent (and then it must be valid), else nobody.
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req
            .headers()
            .contains_key(actix_web::http::header::AUTHORIZATION)
        {
            let fut = AuthUser::from_request(req, payload);
            Box::pin(async move { fut.await.map(|u| MaybeUser(Some(u))) })
        } else {
            Box::pin(async { Ok(MaybeUser(None)) })
        }
    }
}
