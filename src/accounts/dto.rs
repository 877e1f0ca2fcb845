//! What the account endpoints read and write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::model::{Membership, Session, User};
use crate::auth::Role;
use crate::types::CountryCode;

/// Gender, for representativeness statistics; optional and private.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    NonBinary,
    Other,
    PreferNotToSay,
}

impl Gender {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::NonBinary => "non_binary",
            Self::Other => "other",
            Self::PreferNotToSay => "prefer_not_to_say",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Female,
            Self::Male,
            Self::NonBinary,
            Self::Other,
            Self::PreferNotToSay,
        ]
        .into_iter()
        .find(|g| g.as_str() == raw)
    }
}

/// `POST /api/v1/auth/register`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "ana.cruz@example.org")]
    pub email: String,
    /// At least 10 characters, not a common password.
    #[schema(format = Password)]
    pub password: String,
    #[schema(example = "Ana Cruz")]
    pub display_name: String,
    #[schema(value_type = CountryCode)]
    pub country: String,
    /// BCP 47 tag, e.g. `fil`.
    #[schema(example = "fil")]
    pub preferred_language: String,
    pub gender: Option<Gender>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub birth_year: Option<i32>,
    /// Ask to join this organisation (a leader or coordinator approves).
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub organisation_id: Option<i64>,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

/// A new access token and refresh token.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer …`, valid `expires_in` seconds.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
    /// Opaque, single use: spend it at `/api/v1/auth/refresh` for a new pair.
    pub refresh_token: String,
}

/// `POST /api/v1/auth/refresh`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// A token from an emailed link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub token: String,
}

/// An email address, for resending verification or resetting a password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    pub email: String,
}

/// `POST /api/v1/auth/password/reset`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub token: String,
    #[schema(format = Password)]
    pub new_password: String,
}

/// `POST /api/v1/me/password`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(format = Password)]
    pub current_password: String,
    #[schema(format = Password)]
    pub new_password: String,
}

/// `DELETE /api/v1/me`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMeRequest {
    #[schema(format = Password)]
    pub password: String,
}

/// `PATCH /api/v1/me`: every field optional; `null` clears the optional ones.
/// Email, role, status and ids cannot be set here.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<CountryCode>)]
    pub country: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub preferred_language: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub other_languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<Option<Gender>>,
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i32>)]
    pub birth_year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
}

/// An account as its owner (or an admin) sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserResponse {
    pub id: i64,
    pub email: Option<String>,
    pub display_name: String,
    #[schema(value_type = Option<CountryCode>)]
    pub country: Option<String>,
    pub preferred_language: String,
    pub other_languages: Vec<String>,
    pub gender: Option<Gender>,
    pub birth_year: Option<i32>,
    pub bio: Option<String>,
    pub role: Role,
    /// `active`, `suspended` or `deleted`.
    pub status: String,
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(u: User) -> Self {
        Self {
            other_languages: u.other_languages(),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            country: u.country,
            preferred_language: u.preferred_language,
            gender: u.gender.as_deref().and_then(Gender::parse),
            birth_year: u.birth_year,
            bio: u.bio,
            role: Role::parse(&u.role).unwrap_or(Role::Member),
            status: u.status,
            email_verified: u.email_verified_at.is_some(),
            created_at: u.created_at.and_utc(),
            updated_at: u.updated_at.and_utc(),
        }
    }
}

/// An organisation a user belongs to, on their public profile.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProfileOrganisation {
    pub id: i64,
    pub name: String,
    /// `member` or `leader`.
    pub role: String,
}

/// What anyone logged in may see of a member: never email, gender or birth year.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicUserResponse {
    pub id: i64,
    pub display_name: String,
    #[schema(value_type = Option<CountryCode>)]
    pub country: Option<String>,
    pub role: Role,
    pub bio: Option<String>,
    /// Approved memberships.
    pub organisations: Vec<ProfileOrganisation>,
    /// The account was erased; only its id remains.
    pub deleted: bool,
}

/// A membership, as its member sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MembershipResponse {
    pub organisation_id: i64,
    pub organisation_name: String,
    /// `member` or `leader`.
    pub role: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<(Membership, String)> for MembershipResponse {
    fn from((m, name): (Membership, String)) -> Self {
        Self {
            organisation_id: m.organisation_id.get(),
            organisation_name: name,
            role: m.role.as_str().to_owned(),
            status: m.status.as_str().to_owned(),
            created_at: m.created_at.and_utc(),
            updated_at: m.updated_at.and_utc(),
        }
    }
}

/// A login, in the data export.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionExport {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<Session> for SessionExport {
    fn from(s: Session) -> Self {
        Self {
            id: s.id,
            created_at: s.created_at.and_utc(),
            last_used_at: s.last_used_at.and_utc(),
            expires_at: s.expires_at.and_utc(),
            revoked_at: s.revoked_at.map(|t| t.and_utc()),
        }
    }
}

/// Everything stored about the caller.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExportResponse {
    pub user: UserResponse,
    pub memberships: Vec<MembershipResponse>,
    pub sessions: Vec<SessionExport>,
    pub exported_at: DateTime<Utc>,
}

/// Account status an admin may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Suspended,
}

/// `PATCH /api/v1/users/{id}` (admins; coordinators may only grant or remove `trainer`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub role: Option<Role>,
    pub status: Option<AccountStatus>,
    pub email_verified: Option<bool>,
}

/// Query of `GET /api/v1/users`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListUsersQuery {
    pub role: Option<Role>,
    #[param(value_type = Option<CountryCode>)]
    pub country: Option<String>,
    /// Only approved members of this organisation.
    pub organisation_id: Option<i64>,
    /// Text the display name or email contains, in any case.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
