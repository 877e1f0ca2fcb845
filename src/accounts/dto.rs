//! What the account endpoints read and write, and the parsing of bodies into domain input.

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::model::{
    CefrLevel, Gender, MAX_NAME_CHARS, Membership, Session, User, UserChanges, UserLanguage,
    UserStatus, display_name, new_password,
};
use crate::auth::Role;
use crate::types::join_tags;
use std::collections::HashSet;

use crate::auth::password::{MAX_CHARS as MAX_PASSWORD_CHARS, Password};
use crate::auth::tokens::MAX_OPAQUE_TOKEN_CHARS;
use crate::error::{ApiError, Fields};
use crate::organisations::model::{MembershipRole, MembershipStatus, UnionRole};
use crate::types::text::{at_most_chars, clean_block};
use crate::types::{CountryCode, Email, LanguageTag, OrganisationId, Secret, SessionId, UserId};

/// Longest email address, in characters.
const MAX_EMAIL_CHARS: usize = Email::MAX_LEN;

// The limits of account bodies; `documented_limits_are_the_checked_ones` below ties each to
// the number the OpenAPI schema states (passwords: `auth::password`, tokens:
// `auth::tokens`, addresses: `types::email`).

/// Longest bio, in characters.
pub const MAX_BIO_CHARS: usize = 2000;
/// Most other languages a profile lists (as sent, repeats included).
pub const MAX_OTHER_LANGUAGES: usize = 20;
/// Earliest birth year.
pub const MIN_BIRTH_YEAR: i32 = 1900;

/// 422 when the opaque token in `field` is longer than any the server gives out.
fn token_fits(field: &str, token: &Secret) -> Result<(), ApiError> {
    let mut fields = Fields::default();
    fields.fits(field, token.expose(), MAX_OPAQUE_TOKEN_CHARS);
    fields.finish()
}

/// `raw` when it fits in `max` characters, else "" (for zxcvbn's context, whose cost grows
/// with the length of what it is given).
fn bounded(raw: &str, max: usize) -> &str {
    at_most_chars(raw, max).unwrap_or("")
}

/// A birth year: from 1900 to 13 years ago.
fn birth_year(year: i32) -> Result<i32, String> {
    let this_year = Utc::now().year();
    if (MIN_BIRTH_YEAR..=this_year - 13).contains(&year) {
        Ok(year)
    } else {
        Err(format!(
            "must be between {MIN_BIRTH_YEAR} and {}",
            this_year - 13
        ))
    }
}

/// An email address in a body, or 422 on `email`.
pub fn email_field(raw: &str) -> Result<Email, ApiError> {
    Email::parse(raw).map_err(|m| ApiError::invalid_field("email", "invalid_email", m))
}

/// `POST /api/v1/auth/register`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(value_type = Email)]
    pub email: String,
    /// 10 to 256 characters, not a common password.
    #[schema(value_type = String, format = Password, min_length = 10, max_length = 256)]
    pub password: Secret,
    /// 1 to 100 characters.
    #[schema(example = "Ana Cruz", min_length = 1, max_length = 100)]
    pub display_name: String,
    #[schema(value_type = CountryCode)]
    pub country: String,
    /// BCP 47 tag, e.g. `fil`.
    #[schema(value_type = LanguageTag)]
    pub preferred_language: String,
    pub gender: Option<Gender>,
    /// From 1900 to 13 years ago.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 1900)]
    pub birth_year: Option<i32>,
    /// Ask to join this organisation (a leader or coordinator approves).
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(value_type = Option<i64>)]
    pub organisation_id: Option<i64>,
}

/// A registration, parsed.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: Email,
    pub display_name: String,
    pub country: CountryCode,
    pub language: LanguageTag,
    pub gender: Option<Gender>,
    pub birth_year: Option<i32>,
    pub organisation_id: Option<OrganisationId>,
    pub password: Password,
}

impl TryFrom<RegisterRequest> for Registration {
    type Error = ApiError;

    fn try_from(req: RegisterRequest) -> Result<Self, ApiError> {
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
        let birth = fields.check_opt(
            "birth_year",
            "invalid_birth_year",
            req.birth_year.as_ref(),
            |y| birth_year(*y),
        );
        let context = [
            bounded(&req.email, MAX_EMAIL_CHARS),
            bounded(&req.display_name, MAX_NAME_CHARS),
        ];
        let password = new_password(&mut fields, "password", &req.password, &context);
        fields.finish_with(|| {
            Some(Self {
                email: email?,
                display_name: name?,
                country: country?,
                language: language?,
                gender: req.gender,
                birth_year: birth?,
                organisation_id: req.organisation_id.map(OrganisationId),
                password: password?,
            })
        })
    }
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's address (at most 254 characters).
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(value_type = String, format = Password, max_length = 256)]
    pub password: Secret,
    /// The `device_token` the last login from this device answered, if any.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 64)]
    pub device_token: Option<Secret>,
}

impl LoginRequest {
    /// 422 when the address or the password is longer than any account's can be.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut fields = Fields::default();
        fields.fits("email", &self.email, MAX_EMAIL_CHARS);
        // No account's address holds a control character, and PostgreSQL refuses NUL in
        // text: refused here, before the attempt is counted under this address.
        if self.email.chars().any(char::is_control) {
            fields.push(
                "email",
                "invalid_email",
                "an email address has no control characters",
            );
        }
        fields.fits("password", self.password.expose(), MAX_PASSWORD_CHARS);
        if let Some(token) = &self.device_token {
            fields.fits("device_token", token.expose(), MAX_OPAQUE_TOKEN_CHARS);
        }
        fields.finish()
    }
}

/// `POST /api/v1/auth/refresh`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(value_type = String, max_length = 64)]
    pub refresh_token: Secret,
}

impl RefreshRequest {
    /// 422 when the token is longer than any the server gives out.
    pub fn check(&self) -> Result<(), ApiError> {
        token_fits("refresh_token", &self.refresh_token)
    }
}

/// A token from an emailed link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(value_type = String, max_length = 64)]
    pub token: Secret,
}

impl TokenRequest {
    /// 422 when the token is longer than any the server gives out.
    pub fn check(&self) -> Result<(), ApiError> {
        token_fits("token", &self.token)
    }
}

/// An email address, for resending verification or resetting a password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    #[schema(value_type = Email)]
    pub email: String,
}

/// `POST /api/v1/auth/password/reset`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    #[schema(value_type = String, max_length = 64)]
    pub token: Secret,
    /// 10 to 256 characters, not a common password.
    #[schema(value_type = String, format = Password, min_length = 10, max_length = 256)]
    pub new_password: Secret,
}

impl ResetPasswordRequest {
    /// 422 when the token is longer than any the server gives out.
    pub fn check(&self) -> Result<(), ApiError> {
        token_fits("token", &self.token)
    }
}

/// `POST /api/v1/me/password`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(value_type = String, format = Password, max_length = 256)]
    pub current_password: Secret,
    /// 10 to 256 characters, not a common password.
    #[schema(value_type = String, format = Password, min_length = 10, max_length = 256)]
    pub new_password: Secret,
}

impl ChangePasswordRequest {
    /// 422 when a password is longer than any can be, before the current one is checked.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut fields = Fields::default();
        fields.fits(
            "current_password",
            self.current_password.expose(),
            MAX_PASSWORD_CHARS,
        );
        fields.fits(
            "new_password",
            self.new_password.expose(),
            MAX_PASSWORD_CHARS,
        );
        fields.finish()
    }
}

/// `DELETE /api/v1/me`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMeRequest {
    #[schema(value_type = String, format = Password, max_length = 256)]
    pub password: Secret,
}

impl DeleteMeRequest {
    /// 422 when the password is longer than any can be.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut fields = Fields::default();
        fields.fits("password", self.password.expose(), MAX_PASSWORD_CHARS);
        fields.finish()
    }
}

/// `PATCH /api/v1/me`: every field optional; `null` clears the optional ones.
/// Email, role, status and ids cannot be set here.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// 1 to 100 characters.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<CountryCode>)]
    pub country: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = LanguageTag, required = false)]
    pub preferred_language: Option<String>,
    /// Replaces the list: at most 20 (repeats included); a repeated language is kept once.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Vec<LanguageTag>, required = false, max_items = 20)]
    pub other_languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<Option<Gender>>,
    /// From 1900 to 13 years ago; `null` clears it.
    #[serde(default, deserialize_with = "crate::http::json::double_opt_int")]
    #[schema(value_type = Option<i32>, minimum = 1900)]
    pub birth_year: Option<Option<i32>>,
    /// Markdown, at most 2,000 characters; `null` or empty clears it.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub bio: Option<Option<String>>,
}

/// `PATCH /api/v1/me`, parsed: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct ProfilePatch {
    pub display_name: Option<String>,
    pub country: Option<Option<CountryCode>>,
    pub preferred_language: Option<LanguageTag>,
    /// Canonical tags, duplicates removed, in the order given.
    pub other_languages: Option<Vec<String>>,
    pub gender: Option<Option<Gender>>,
    pub birth_year: Option<Option<i32>>,
    /// An empty bio clears it.
    pub bio: Option<Option<String>>,
}

impl TryFrom<UpdateMeRequest> for ProfilePatch {
    type Error = ApiError;

    fn try_from(req: UpdateMeRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let name = fields.check_opt(
            "display_name",
            "invalid_display_name",
            req.display_name.as_deref(),
            display_name,
        );
        let country = req.country.map(|c| {
            fields.check_opt("country", "invalid_country", c.as_deref(), |c| {
                CountryCode::parse(c)
            })
        });
        let language = fields.check_opt(
            "preferred_language",
            "invalid_language",
            req.preferred_language.as_deref(),
            LanguageTag::parse,
        );
        let other_languages = req
            .other_languages
            .map(|langs| other_languages(&mut fields, &langs));
        let birth = req.birth_year.map(|y| {
            fields.check_opt("birth_year", "invalid_birth_year", y.as_ref(), |y| {
                birth_year(*y)
            })
        });
        let bio = req.bio.map(|b| {
            fields
                .check_opt("bio", "invalid_bio", b.as_deref(), |b| {
                    clean_block(b, MAX_BIO_CHARS)
                })
                .map(|b| b.filter(|b| !b.is_empty()))
        });
        fields.finish_with(|| {
            Some(Self {
                display_name: name?,
                country: country.map_or(Some(None), |c| c.map(Some))?,
                preferred_language: language?,
                other_languages,
                gender: req.gender,
                birth_year: birth.map_or(Some(None), |b| b.map(Some))?,
                bio: bio.map_or(Some(None), |b| b.map(Some))?,
            })
        })
    }
}

/// Other languages: at most [`MAX_OTHER_LANGUAGES`] as sent (checked before any tag is
/// read), each a tag, in canonical case, each once (a set finds repeats), in the order given.
fn other_languages(fields: &mut Fields, raw: &[String]) -> Vec<String> {
    if !fields.at_most(
        "other_languages",
        "too_many_languages",
        raw.len(),
        MAX_OTHER_LANGUAGES,
    ) {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut tags = Vec::new();
    for lang in raw {
        if let Some(tag) = fields.check(
            "other_languages",
            "invalid_language",
            LanguageTag::parse(lang),
        ) && seen.insert(tag.to_string())
        {
            tags.push(tag.to_string());
        }
    }
    tags
}

/// `Some(to)` when `to` is given and differs from `from`.
fn differs<T: PartialEq>(from: &T, to: Option<T>) -> Option<T> {
    to.filter(|to| to != from)
}

impl ProfilePatch {
    /// What would change in `user`: only the fields that differ, so that an edit that
    /// changes nothing is empty.
    pub fn changes_against(self, user: &User) -> UserChanges {
        let display_name = differs(&user.display_name, self.display_name);
        UserChanges {
            search_text: display_name
                .as_deref()
                .map(|name| crate::accounts::model::user_search_text(name, user.email.as_deref())),
            lookalike: display_name.as_deref().map(|name| {
                Some(crate::accounts::model::user_lookalike(
                    name,
                    user.email.as_deref(),
                ))
            }),
            display_name,
            country: differs(
                &user.country,
                self.country.map(|c| c.map(|c| c.to_string())),
            ),
            preferred_language: differs(
                &user.preferred_language,
                self.preferred_language.map(|l| l.to_string()),
            ),
            other_languages: differs(
                &user.other_languages,
                self.other_languages.map(|tags| join_tags(&tags)),
            ),
            gender: differs(&user.gender, self.gender),
            birth_year: differs(&user.birth_year, self.birth_year),
            bio: differs(&user.bio, self.bio),
            ..UserChanges::default()
        }
    }
}

/// An account as its owner (or an admin) sees it: personal data, answered with
/// `Cache-Control: no-store`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserResponse {
    #[schema(value_type = i64)]
    pub id: UserId,
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
    pub status: UserStatus,
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// In the administrators' list only: whether the display name or email address could
    /// pass for another's in a different script (a word mixing Latin and Cyrillic, an
    /// address in lookalike letters). A flag to look at, never a refusal; absent while an
    /// account older than the check waits for the server to check it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookalike: Option<bool>,
}

impl UserResponse {
    /// An account as the administrators' list shows it, with its lookalike flag.
    pub fn for_admins(u: User) -> Self {
        let lookalike = u.lookalike;
        Self {
            lookalike,
            ..Self::from(u)
        }
    }
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
            gender: u.gender,
            birth_year: u.birth_year,
            bio: u.bio,
            role: u.role,
            status: u.status,
            email_verified: u.email_verified_at.is_some(),
            created_at: u.created_at.and_utc(),
            updated_at: u.updated_at.and_utc(),
            lookalike: None,
        }
    }
}

/// An organisation a user belongs to, on their public profile.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProfileOrganisation {
    #[schema(value_type = i64)]
    pub id: OrganisationId,
    pub name: String,
    pub role: MembershipRole,
}

/// What anyone logged in may see of a member: never email, gender or birth year.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicUserResponse {
    #[schema(value_type = i64)]
    pub id: UserId,
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
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub role: MembershipRole,
    /// What the member does in the union.
    pub union_role: UnionRole,
    pub status: MembershipStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<(Membership, String)> for MembershipResponse {
    fn from((m, name): (Membership, String)) -> Self {
        Self {
            organisation_id: m.organisation_id,
            organisation_name: name,
            role: m.role,
            union_role: m.union_role,
            status: m.status,
            created_at: m.created_at.and_utc(),
            updated_at: m.updated_at.and_utc(),
        }
    }
}

/// A login, in the data export.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionExport {
    #[schema(value_type = i64)]
    pub id: SessionId,
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

impl ExportResponse {
    /// The export of `user` at `at`.
    pub fn new(
        user: User,
        memberships: Vec<(Membership, String)>,
        sessions: Vec<Session>,
        at: NaiveDateTime,
    ) -> Self {
        Self {
            user: user.into(),
            memberships: memberships.into_iter().map(Into::into).collect(),
            sessions: sessions.into_iter().map(Into::into).collect(),
            exported_at: at.and_utc(),
        }
    }
}

crate::vocabulary! {
    /// Account status an admin may set.
    pub enum AccountStatus {
        /// May log in again.
        Active => "active",
        /// Blocked; every login ends.
        Suspended => "suspended",
    }
}

impl From<AccountStatus> for UserStatus {
    fn from(s: AccountStatus) -> Self {
        match s {
            AccountStatus::Active => Self::Active,
            AccountStatus::Suspended => Self::Suspended,
        }
    }
}

/// `PATCH /api/v1/users/{id}` (admins; coordinators may only grant or remove `trainer`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub role: Option<Role>,
    pub status: Option<AccountStatus>,
    pub email_verified: Option<bool>,
}

/// `PATCH /api/v1/users/{id}`, parsed: at least one change asked for.
#[derive(Debug, Clone, Copy)]
pub struct AccountChange {
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub email_verified: Option<bool>,
}

impl TryFrom<UpdateUserRequest> for AccountChange {
    type Error = ApiError;

    fn try_from(req: UpdateUserRequest) -> Result<Self, ApiError> {
        if req.role.is_none() && req.status.is_none() && req.email_verified.is_none() {
            return Err(ApiError::invalid_field(
                "role",
                "nothing_to_change",
                "give at least one of role, status, email_verified",
            ));
        }
        Ok(Self {
            role: req.role,
            status: req.status.map(Into::into),
            email_verified: req.email_verified,
        })
    }
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
    #[param(value_type = Option<i64>)]
    pub organisation_id: Option<OrganisationId>,
    /// Text the display name or email contains, in any case.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// `true`: only accounts whose name or address could pass for another's (`lookalike`);
    /// `false`: only the others.
    pub lookalike: Option<bool>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::password::MIN_CHARS as MIN_PASSWORD_CHARS;

    #[test]
    fn documented_limits_are_the_checked_ones() {
        crate::openapi::assert_documented_limits(&[
            (
                "RegisterRequest",
                "password",
                "minLength",
                MIN_PASSWORD_CHARS,
            ),
            (
                "RegisterRequest",
                "password",
                "maxLength",
                MAX_PASSWORD_CHARS,
            ),
            (
                "RegisterRequest",
                "display_name",
                "maxLength",
                MAX_NAME_CHARS,
            ),
            (
                "RegisterRequest",
                "birth_year",
                "minimum",
                MIN_BIRTH_YEAR as usize,
            ),
            ("LoginRequest", "email", "maxLength", MAX_EMAIL_CHARS),
            ("LoginRequest", "password", "maxLength", MAX_PASSWORD_CHARS),
            (
                "LoginRequest",
                "device_token",
                "maxLength",
                MAX_OPAQUE_TOKEN_CHARS,
            ),
            (
                "RefreshRequest",
                "refresh_token",
                "maxLength",
                MAX_OPAQUE_TOKEN_CHARS,
            ),
            ("TokenRequest", "token", "maxLength", MAX_OPAQUE_TOKEN_CHARS),
            (
                "ResetPasswordRequest",
                "token",
                "maxLength",
                MAX_OPAQUE_TOKEN_CHARS,
            ),
            (
                "ResetPasswordRequest",
                "new_password",
                "minLength",
                MIN_PASSWORD_CHARS,
            ),
            (
                "ResetPasswordRequest",
                "new_password",
                "maxLength",
                MAX_PASSWORD_CHARS,
            ),
            (
                "ChangePasswordRequest",
                "current_password",
                "maxLength",
                MAX_PASSWORD_CHARS,
            ),
            (
                "ChangePasswordRequest",
                "new_password",
                "minLength",
                MIN_PASSWORD_CHARS,
            ),
            (
                "ChangePasswordRequest",
                "new_password",
                "maxLength",
                MAX_PASSWORD_CHARS,
            ),
            (
                "DeleteMeRequest",
                "password",
                "maxLength",
                MAX_PASSWORD_CHARS,
            ),
            (
                "UpdateMeRequest",
                "display_name",
                "maxLength",
                MAX_NAME_CHARS,
            ),
            (
                "UpdateMeRequest",
                "other_languages",
                "maxItems",
                MAX_OTHER_LANGUAGES,
            ),
            (
                "UpdateMeRequest",
                "birth_year",
                "minimum",
                MIN_BIRTH_YEAR as usize,
            ),
            ("UpdateMeRequest", "bio", "maxLength", MAX_BIO_CHARS),
        ]);
    }

    #[test]
    fn other_languages_are_bounded_before_they_are_read() {
        let patch = |langs: Vec<String>| {
            ProfilePatch::try_from(UpdateMeRequest {
                other_languages: Some(langs),
                ..UpdateMeRequest::default()
            })
        };
        let many: Vec<String> = (0..25_000).map(|i| format!("x{i}")).collect();
        let Err(ApiError::Validation(errors)) = patch(many) else {
            panic!("too many languages");
        };
        assert_eq!(errors.len(), 1, "one error for the list, not one per tag");
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("other_languages", "too_many_languages")
        );
        let langs = ["en", "fil", "EN", "ceb", "fil"].map(String::from).to_vec();
        assert_eq!(
            patch(langs).unwrap().other_languages.unwrap(),
            ["en", "fil", "ceb"]
        );
        assert!(patch(vec!["en".to_owned(); MAX_OTHER_LANGUAGES + 1]).is_err());
    }

    #[test]
    fn secrets_are_measured_first() {
        let login = LoginRequest {
            email: "a".repeat(MAX_EMAIL_CHARS + 1),
            password: Secret::new("p".repeat(MAX_PASSWORD_CHARS + 1)),
            device_token: Some(Secret::new("d".repeat(MAX_OPAQUE_TOKEN_CHARS + 1))),
        };
        let Err(ApiError::Validation(errors)) = login.check() else {
            panic!("too long");
        };
        assert_eq!(errors.len(), 3);
        let refresh = RefreshRequest {
            refresh_token: Secret::new("t".repeat(MAX_OPAQUE_TOKEN_CHARS + 1)),
        };
        assert!(refresh.check().is_err());
        let fine = RefreshRequest {
            refresh_token: Secret::new(crate::auth::tokens::new_opaque_token()),
        };
        assert!(fine.check().is_ok());
    }
}

/// Most languages a member records.
const MAX_USER_LANGUAGES: usize = 20;
/// Longest language tag.
const MAX_LANGUAGE_TAG_CHARS: usize = 35;
/// Longest CEFR level as sent (`A1` … `C2`).
const MAX_LEVEL_CHARS: usize = 2;

/// A language a member speaks, and how well.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserLanguageItem {
    /// BCP 47 tag, e.g. `fil`.
    #[schema(min_length = 2, max_length = 35)]
    pub language: String,
    /// CEFR level: `A1`, `A2`, `B1`, `B2`, `C1` or `C2` (anything else is 422
    /// `invalid_level`).
    #[schema(
        min_length = 2,
        max_length = 2,
        pattern = "^[ABC][12]$",
        example = "B2"
    )]
    pub level: String,
}

/// The caller's languages, by language tag (`GET` and `PUT /api/v1/me/languages`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserLanguagesBody {
    /// Each language once; at most 20.
    #[schema(max_items = 20)]
    pub languages: Vec<UserLanguageItem>,
}

impl From<Vec<UserLanguage>> for UserLanguagesBody {
    fn from(languages: Vec<UserLanguage>) -> Self {
        Self {
            languages: languages
                .into_iter()
                .map(|l| UserLanguageItem {
                    language: l.language,
                    level: l.level.as_str().to_owned(),
                })
                .collect(),
        }
    }
}

impl TryFrom<UserLanguagesBody> for Vec<UserLanguage> {
    type Error = ApiError;

    /// Every item checked (422 naming `languages[i].language` or `.level`); the list
    /// sorted by tag. A language twice is 422 `duplicate_language`.
    fn try_from(body: UserLanguagesBody) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        if body.languages.len() > MAX_USER_LANGUAGES {
            f.push(
                "languages",
                "too_many",
                format!(
                    "must hold at most {MAX_USER_LANGUAGES} items, not {}",
                    body.languages.len()
                ),
            );
            return f.finish_with(|| None);
        }
        let mut out: Vec<UserLanguage> = Vec::with_capacity(body.languages.len());
        let mut seen = std::collections::HashSet::new();
        for (i, item) in body.languages.iter().enumerate() {
            let language = f.check(
                &format!("languages[{i}].language"),
                "invalid_language",
                if item.language.chars().count() > MAX_LANGUAGE_TAG_CHARS {
                    Err(format!(
                        "must be at most {MAX_LANGUAGE_TAG_CHARS} characters"
                    ))
                } else {
                    LanguageTag::parse(&item.language).map(|t| t.as_str().to_owned())
                },
            );
            let level = f.check(
                &format!("languages[{i}].level"),
                "invalid_level",
                if item.level.len() > MAX_LEVEL_CHARS {
                    Err(format!("must be one of {}", CefrLevel::expected()))
                } else {
                    item.level.parse::<CefrLevel>()
                },
            );
            if let (Some(language), Some(level)) = (language, level) {
                if seen.insert(language.clone()) {
                    out.push(UserLanguage { language, level });
                } else {
                    f.push(
                        &format!("languages[{i}].language"),
                        "duplicate_language",
                        format!("`{language}` is given twice"),
                    );
                }
            }
        }
        out.sort_by(|a, b| a.language.cmp(&b.language));
        f.finish_with(|| Some(out))
    }
}

#[cfg(test)]
mod language_tests {
    use super::*;

    fn body(items: &[(&str, &str)]) -> UserLanguagesBody {
        UserLanguagesBody {
            languages: items
                .iter()
                .map(|(l, v)| UserLanguageItem {
                    language: (*l).to_owned(),
                    level: (*v).to_owned(),
                })
                .collect(),
        }
    }

    #[test]
    fn levels_are_a1_to_c2_and_languages_are_distinct_tags() {
        let parsed = Vec::<UserLanguage>::try_from(body(&[("fil", "C2"), ("EN", "B1")])).unwrap();
        assert_eq!(
            parsed,
            vec![
                UserLanguage {
                    language: "en".into(),
                    level: CefrLevel::B1
                },
                UserLanguage {
                    language: "fil".into(),
                    level: CefrLevel::C2
                },
            ]
        );
        for bad in [
            body(&[("en", "C3")]),
            body(&[("en", "b1")]),
            body(&[("en", "")]),
            body(&[("english", "B1")]),
            body(&[("en", "B1"), ("en", "C1")]),
            body(&vec![("en", "B1"); 21]),
        ] {
            assert!(Vec::<UserLanguage>::try_from(bad).is_err());
        }
    }

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["UserLanguagesBody"]["properties"]["languages"]["maxItems"].as_f64(),
            Some(MAX_USER_LANGUAGES as f64)
        );
        let item = &schemas["UserLanguageItem"]["properties"];
        assert_eq!(
            item["language"]["maxLength"].as_f64(),
            Some(MAX_LANGUAGE_TAG_CHARS as f64)
        );
        assert_eq!(
            item["level"]["maxLength"].as_f64(),
            Some(MAX_LEVEL_CHARS as f64),
            "{item}"
        );
    }
}
