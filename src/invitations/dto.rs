//! What the invitation endpoints read and write.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::model::MAX_NAME_CHARS;
use crate::auth::password::MAX_CHARS as MAX_PASSWORD_CHARS;
use crate::auth::tokens::MAX_OPAQUE_TOKEN_CHARS;
use crate::error::{ApiError, Fields};
use crate::invitations::model::{Invitation, InvitationStatus, StaffRole};
use crate::types::{Email, InvitationId, LanguageTag, Secret, UserId};

/// `POST /api/v1/invitations`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStaffInvitationRequest {
    /// Who is invited.
    #[schema(value_type = Email)]
    pub email: String,
    /// The role the account will have: admins invite any staff role, coordinators trainers.
    pub role: StaffRole,
    /// BCP 47 tag of the email (and of the account it creates); the inviter's preferred
    /// language when absent.
    #[schema(value_type = Option<LanguageTag>)]
    pub language: Option<String>,
}

/// An invitation to send, parsed.
#[derive(Debug)]
pub struct InvitationInput {
    pub email: Email,
    pub role: StaffRole,
    pub language: Option<LanguageTag>,
}

impl TryFrom<CreateStaffInvitationRequest> for InvitationInput {
    type Error = ApiError;

    fn try_from(req: CreateStaffInvitationRequest) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        let email = fields.check("email", "invalid_email", Email::parse(&req.email));
        let language = fields.check_opt(
            "language",
            "invalid_language",
            req.language.as_deref(),
            LanguageTag::parse,
        );
        fields.finish_with(|| {
            Some(Self {
                email: email?,
                role: req.role,
                language: language?,
            })
        })
    }
}

/// `POST /api/v1/invitations/accept`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptStaffInvitationRequest {
    /// The token of the emailed link.
    #[schema(value_type = String, max_length = 64)]
    pub token: Secret,
    /// Required when the address has no account yet (ignored otherwise): 1 to 100
    /// characters.
    #[schema(example = "Ana Cruz", min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    /// Required when the address has no account yet (ignored otherwise): 10 to 256
    /// characters, not a common password.
    #[schema(value_type = Option<String>, format = Password, min_length = 10, max_length = 256)]
    pub password: Option<Secret>,
}

impl AcceptStaffInvitationRequest {
    /// 422 when a field is longer than its maximum, whether or not it would be used:
    /// checked before the token is looked up.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut fields = Fields::default();
        fields.fits("token", self.token.expose(), MAX_OPAQUE_TOKEN_CHARS);
        if let Some(name) = &self.display_name {
            fields.fits("display_name", name, MAX_NAME_CHARS);
        }
        if let Some(password) = &self.password {
            fields.fits("password", password.expose(), MAX_PASSWORD_CHARS);
        }
        fields.finish()
    }
}

/// An invitation as staff see it: personal data (an address), answered with
/// `Cache-Control: no-store`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StaffInvitationResponse {
    #[schema(value_type = i64)]
    pub id: InvitationId,
    pub email: String,
    pub role: StaffRole,
    /// `expired` once a pending invitation's time ran out.
    pub status: InvitationStatus,
    pub language: String,
    /// Who sent it (`null` once that account is gone).
    #[schema(value_type = Option<i64>)]
    pub invited_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// The link works until then.
    pub expires_at: DateTime<Utc>,
    /// The account that accepted it.
    #[schema(value_type = Option<i64>)]
    pub accepted_by: Option<UserId>,
    pub accepted_at: Option<DateTime<Utc>>,
    #[schema(value_type = Option<i64>)]
    pub revoked_by: Option<UserId>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl StaffInvitationResponse {
    /// The invitation as it is at `at`.
    pub fn at(inv: Invitation, at: NaiveDateTime) -> Self {
        Self {
            status: inv.status_at(at),
            updated_at: if inv.status_at(at) == inv.status {
                inv.updated_at
            } else {
                inv.expires_at
            }
            .and_utc(),
            id: inv.id,
            email: inv.email,
            role: inv.role,
            language: inv.language,
            invited_by: inv.invited_by,
            created_at: inv.created_at.and_utc(),
            expires_at: inv.expires_at.and_utc(),
            accepted_by: inv.accepted_by,
            accepted_at: inv.accepted_at.map(|t| t.and_utc()),
            revoked_by: inv.revoked_by,
            revoked_at: inv.revoked_at.map(|t| t.and_utc()),
        }
    }
}

/// Query of `GET /api/v1/invitations`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListStaffInvitationsQuery {
    /// Only invitations in this status (`expired` includes pending ones whose time ran out).
    pub status: Option<InvitationStatus>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_are_the_checked_ones() {
        crate::openapi::assert_documented_limits(&[
            (
                "AcceptStaffInvitationRequest",
                "token",
                "maxLength",
                MAX_OPAQUE_TOKEN_CHARS,
            ),
            (
                "AcceptStaffInvitationRequest",
                "display_name",
                "maxLength",
                MAX_NAME_CHARS,
            ),
            (
                "AcceptStaffInvitationRequest",
                "password",
                "maxLength",
                MAX_PASSWORD_CHARS,
            ),
        ]);
        let long = AcceptStaffInvitationRequest {
            token: Secret::new("t".repeat(MAX_OPAQUE_TOKEN_CHARS + 1)),
            display_name: Some("n".repeat(MAX_NAME_CHARS + 1)),
            password: Some(Secret::new("p".repeat(MAX_PASSWORD_CHARS + 1))),
        };
        let Err(ApiError::Validation(errors)) = long.check() else {
            panic!("too long");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["token", "display_name", "password"]);
        let invite = InvitationInput::try_from(CreateStaffInvitationRequest {
            email: format!("{}@x.org", "a".repeat(Email::MAX_LEN)),
            role: StaffRole::Trainer,
            language: Some("en-".repeat(100)),
        });
        let Err(ApiError::Validation(errors)) = invite else {
            panic!("too long");
        };
        assert_eq!(errors.len(), 2);
    }
}
