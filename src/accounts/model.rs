//! Accounts as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Role;
use crate::auth::password::Password;
use crate::db::schema::{email_tokens, refresh_tokens, sessions, users};
use crate::error::Fields;
use crate::types::Secret;
use crate::types::split_tags;
use crate::types::text::clean_line;
use crate::types::{SessionId, UserId};

crate::vocabulary! {
    /// The state of an account.
    pub enum UserStatus {
        /// May log in.
        Active => "active",
        /// Blocked by an admin; every login ended.
        Suspended => "suspended",
        /// Erased by its owner: only the id remains.
        Deleted => "deleted",
    }
}

crate::vocabulary! {
    /// Gender, for representativeness statistics; optional and private.
    pub enum Gender {
        /// Female.
        Female => "female",
        /// Male.
        Male => "male",
        /// Non-binary.
        NonBinary => "non_binary",
        /// Another gender.
        Other => "other",
        /// Chose not to say.
        PreferNotToSay => "prefer_not_to_say",
    }
}

crate::vocabulary! {
    /// What an emailed single-use token is for.
    pub enum TokenPurpose {
        /// Confirms the address of a new account.
        VerifyEmail => "verify_email",
        /// Lets the owner choose a new password.
        ResetPassword => "reset_password",
    }
}

/// An account row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: Option<String>,
    pub email_normalized: Option<String>,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub country: Option<String>,
    pub preferred_language: String,
    /// Comma-separated language tags.
    pub other_languages: String,
    pub gender: Option<Gender>,
    pub birth_year: Option<i32>,
    pub bio: Option<String>,
    pub role: Role,
    pub status: UserStatus,
    pub email_verified_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    /// Bumped by every change; the `ETag` of `GET /api/v1/me` comes from it.
    pub version: i64,
    /// Whether the name or address could pass for another's ([`user_lookalike`]); `None`
    /// until an account older than the check is checked at startup.
    pub lookalike: Option<bool>,
}

impl User {
    /// The other languages as a list.
    pub fn other_languages(&self) -> Vec<String> {
        split_tags(&self.other_languages)
    }

    /// The `ETag` of this version of the account.
    pub fn etag(&self) -> String {
        crate::http::etag::versioned("user", self.id.get(), self.version, None)
    }
}

/// A new account row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub email: Option<String>,
    pub email_normalized: Option<String>,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub country: Option<String>,
    pub preferred_language: String,
    pub other_languages: String,
    pub gender: Option<Gender>,
    pub birth_year: Option<i32>,
    pub role: Role,
    pub status: UserStatus,
    pub email_verified_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub lookalike: Option<bool>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to an account; `None` leaves a column alone, `Some(None)` clears it. Built by
/// the services only with what differs from the stored row, so an empty value means that
/// nothing changes (and no version is spent).
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub country: Option<Option<String>>,
    pub preferred_language: Option<String>,
    pub other_languages: Option<String>,
    pub gender: Option<Option<Gender>>,
    pub birth_year: Option<Option<i32>>,
    pub bio: Option<Option<String>>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub email_verified_at: Option<Option<NaiveDateTime>>,
    pub password_hash: Option<Option<String>>,
    pub search_text: Option<String>,
    pub lookalike: Option<Option<bool>>,
    pub updated_at: Option<NaiveDateTime>,
    pub version: Option<i64>,
}

impl UserChanges {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Also marks the address of `user` verified, when it is not yet (following an emailed
    /// link proves it).
    pub fn with_verification_of(self, user: &User) -> Self {
        Self {
            email_verified_at: user
                .email_verified_at
                .is_none()
                .then(|| Some(crate::db::now())),
            ..self
        }
    }
}

/// The text `q` searches in the user list: display name and email, lower-cased.
pub fn user_search_text(display_name: &str, email: Option<&str>) -> String {
    format!(
        "{} {}",
        display_name.to_lowercase(),
        email.unwrap_or_default().to_lowercase()
    )
}

/// Whether an account's display name or email address could pass for another's in a
/// different script: flagged for administrators, never refused.
pub fn user_lookalike(display_name: &str, email: Option<&str>) -> bool {
    crate::types::text::mixes_scripts(display_name)
        || email.is_some_and(crate::types::text::email_looks_alike)
}

/// A single-use emailed token.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_tokens)]
pub struct EmailToken {
    pub id: i64,
    pub user_id: UserId,
    pub purpose: TokenPurpose,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// A new emailed token.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = email_tokens)]
pub struct NewEmailToken {
    pub user_id: UserId,
    pub purpose: TokenPurpose,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// A login.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A new login.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession {
    pub user_id: UserId,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// A refresh token (its hash).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: i64,
    pub session_id: SessionId,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// A new refresh token.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken {
    pub session_id: SessionId,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Memberships belong to the organisations domain; accounts read them.
pub use crate::organisations::model::{Membership, NewMembership};

crate::vocabulary! {
    /// A level of the Common European Framework of Reference for Languages, from beginner
    /// (`A1`) to mastery (`C2`).
    #[derive(PartialOrd, Ord)]
    pub enum CefrLevel {
        /// Breakthrough.
        A1 => "A1",
        /// Waystage.
        A2 => "A2",
        /// Threshold.
        B1 => "B1",
        /// Vantage.
        B2 => "B2",
        /// Effective operational proficiency.
        C1 => "C1",
        /// Mastery.
        C2 => "C2",
    }
}

/// A language a member speaks, and how well.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct UserLanguage {
    pub language: String,
    pub level: CefrLevel,
}

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A display name: one line, white space runs made one space, 1 to 100 characters.
pub fn display_name(raw: &str) -> Result<String, String> {
    clean_line(raw, 1, MAX_NAME_CHARS)
}

/// A new password that is checked for strength, or an error on `field`.
pub fn new_password(
    fields: &mut Fields,
    field: &str,
    raw: &Secret,
    context: &[&str],
) -> Option<Password> {
    match Password::parse_new(raw.expose().to_owned(), context) {
        Ok(p) => Some(p),
        Err((code, message)) => {
            fields.push(field, code, message);
            None
        }
    }
}
