//! Accounts as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{email_tokens, refresh_tokens, sessions, users};

/// An account row.
#[derive(Debug, Clone, Queryable)]
pub struct User {
    pub id: i64,
    pub email: Option<String>,
    pub email_normalized: Option<String>,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub country: Option<String>,
    pub preferred_language: String,
    /// Comma-separated language tags.
    pub other_languages: String,
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub bio: Option<String>,
    pub role: String,
    pub status: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

impl User {
    /// The other languages as a list.
    pub fn other_languages(&self) -> Vec<String> {
        split_languages(&self.other_languages)
    }
}

/// Splits the stored comma-separated list.
pub fn split_languages(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
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
    pub gender: Option<String>,
    pub birth_year: Option<i32>,
    pub role: String,
    pub status: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to an account's profile; `None` leaves a column alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub country: Option<Option<String>>,
    pub preferred_language: Option<String>,
    pub other_languages: Option<String>,
    pub gender: Option<Option<String>>,
    pub birth_year: Option<Option<i32>>,
    pub bio: Option<Option<String>>,
    pub role: Option<String>,
    pub status: Option<String>,
    pub email_verified_at: Option<Option<NaiveDateTime>>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// The text `q` searches in the user list: display name and email, lower-cased.
pub fn user_search_text(display_name: &str, email: Option<&str>) -> String {
    format!(
        "{} {}",
        display_name.to_lowercase(),
        email.unwrap_or_default().to_lowercase()
    )
}

/// A single-use emailed token.
#[derive(Debug, Clone, Queryable)]
pub struct EmailToken {
    pub id: i64,
    pub user_id: i64,
    pub purpose: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// A new emailed token.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = email_tokens)]
pub struct NewEmailToken {
    pub user_id: i64,
    pub purpose: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// A login.
#[derive(Debug, Clone, Queryable)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A new login.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession {
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// A refresh token (its hash).
#[derive(Debug, Clone, Queryable)]
pub struct RefreshToken {
    pub id: i64,
    pub session_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// A new refresh token.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken {
    pub session_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Memberships belong to the organisations domain; accounts read them.
pub use crate::organisations::model::{Membership, NewMembership};
