//! Invitation rules: each public function is one use case over one connection, inside the
//! caller's transaction, with its email.
//!
//! Decisions (docs/API.md, "Staff invitations"):
//! - admins invite any staff role, coordinators invite trainers (as they may already make a
//!   member a trainer); members and trainers invite nobody;
//! - one pending invitation per address: inviting it again is 409 `invitation_pending`
//!   (revoke it and invite again to send a new link);
//! - the link is for the invited address: when it has no account, accepting creates one
//!   (verified, with the role); when it has one, its owner must be logged in as it, and
//!   the role is granted (never lowered);
//! - a used, revoked or expired link is 409 with `invitation_used`, `invitation_revoked`
//!   or `invitation_expired`; an unknown one is 422 and counts against the guessing limit.

use chrono::{NaiveDateTime, TimeDelta};

use crate::accounts::model::User;
use crate::accounts::service::{self as accounts, NewAccount};
use crate::auth::AuthUser;
use crate::auth::policy::{Action, authorize, invitable_roles};
use crate::auth::tokens::{hash_token, new_opaque_token};
use crate::db::{self, DbConn, now};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::ApiError;
use crate::http::etag::{self, IfMatch};
use crate::http::links;
use crate::invitations::dto::InvitationInput;
use crate::invitations::model::*;
use crate::invitations::repo::{self, InvitationFilter};
use crate::types::{Email, InvitationId, Secret, SessionId};

/// An invitation link works for 7 days.
pub const INVITATION_TTL: TimeDelta = TimeDelta::days(7);

fn invitation_pending() -> ApiError {
    ApiError::Conflict {
        code: "invitation_pending",
        detail: "this address has a pending invitation; revoke it to send a new one".to_owned(),
    }
}

/// Invites `input.email` to become staff with `input.role`, and emails the link
/// (`{BAYANIHAN_PUBLIC_URL}/accept-invitation?token=…`) in the same transaction.
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: InvitationInput,
) -> Result<Invitation, ApiError> {
    authorize(
        actor,
        Action::InviteStaff {
            role: input.role.into(),
        },
    )?;
    let inviter = accounts::me(conn, actor)?;
    let address = input.email.normalized();
    if let Some(account) = crate::accounts::repo::find_by_email(conn, address)?
        && account.role >= input.role.into()
    {
        return Err(ApiError::Conflict {
            code: "role_already_held",
            detail: format!(
                "the account with this address is already {}",
                account.role.as_str()
            ),
        });
    }
    let at = now();
    repo::expire_lapsed(conn, address, at)?;
    if repo::pending_for(conn, address)?.is_some() {
        return Err(invitation_pending());
    }
    let token = new_opaque_token();
    let language = input
        .language
        .map_or_else(|| inviter.preferred_language.clone(), |l| l.to_string());
    let invitation = repo::insert(
        conn,
        &NewInvitation {
            email: input.email.as_str().to_owned(),
            email_normalized: address.to_owned(),
            role: input.role,
            language,
            status: InvitationStatus::Pending,
            token_hash: hash_token(&token),
            invited_by: Some(actor.id),
            created_at: at,
            expires_at: at + INVITATION_TTL,
            updated_at: at,
        },
    )
    // Another admin may have invited the address at the same moment.
    .map_err(ApiError::unique_or(invitation_pending))?;
    enqueue(
        conn,
        &OutgoingEmail {
            to: invitation.email.clone(),
            template: Template::StaffInvitation,
            language: invitation.language.clone(),
            vars: vec![
                ("inviter", inviter.display_name),
                ("role", invitation.role.as_str().to_owned()),
                (
                    "expires_at",
                    invitation
                        .expires_at
                        .format("%Y-%m-%d %H:%M UTC")
                        .to_string(),
                ),
                (
                    "link",
                    links::frontend(&format!("/accept-invitation?token={token}")),
                ),
            ],
        },
    )?;
    Ok(invitation)
}

/// One invitation, for staff who may issue its role.
pub fn get(conn: &mut DbConn, actor: &AuthUser, id: InvitationId) -> Result<Invitation, ApiError> {
    let invitation = repo::find(conn, id)?;
    authorize(
        actor,
        Action::InviteStaff {
            role: invitation.role.into(),
        },
    )?;
    Ok(invitation)
}

/// One page of the invitations whose roles `actor` may issue, newest first.
pub fn list(
    conn: &mut DbConn,
    actor: &AuthUser,
    status: Option<InvitationStatus>,
    before: Option<InvitationId>,
    limit: i64,
    at: NaiveDateTime,
) -> Result<Vec<Invitation>, ApiError> {
    let roles: Vec<StaffRole> = invitable_roles(actor)
        .into_iter()
        .filter_map(|role| StaffRole::parse(role.as_str()))
        .collect();
    if roles.is_empty() {
        return Err(ApiError::forbidden(
            "forbidden",
            "you are not allowed to do this",
        ));
    }
    let filter = InvitationFilter { roles, status, at };
    Ok(repo::list(conn, &filter, before, limit)?)
}

/// Withdraws a pending invitation: its link stops working. Revoking a revoked one changes
/// nothing; an accepted or expired one cannot be revoked (409).
pub fn revoke(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: InvitationId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    db::lock_row(conn, "invitations", id.get())?;
    let invitation = get(conn, actor, id)?;
    let at = now();
    etag::check_version(if_match, "invitation", id.get(), invitation.version_at(at))?;
    match invitation.status_at(at) {
        InvitationStatus::Revoked => Ok(()),
        InvitationStatus::Pending => {
            let changes = InvitationChanges {
                status: InvitationStatus::Revoked,
                accepted_by: None,
                accepted_at: None,
                revoked_by: Some(actor.id),
                revoked_at: Some(at),
                updated_at: at,
                version: invitation.version + 1,
            };
            repo::finish(conn, id, &changes)?
                .ok_or_else(|| not_pending(InvitationStatus::Accepted))?;
            Ok(())
        }
        other => Err(not_pending(other)),
    }
}

/// The 409 for an invitation that is no longer pending.
fn not_pending(status: InvitationStatus) -> ApiError {
    match status {
        InvitationStatus::Revoked => ApiError::Conflict {
            code: "invitation_revoked",
            detail: "this invitation was withdrawn; ask for a new one".to_owned(),
        },
        InvitationStatus::Expired => ApiError::Conflict {
            code: "invitation_expired",
            detail: "this invitation has expired; ask for a new one".to_owned(),
        },
        InvitationStatus::Accepted | InvitationStatus::Pending => ApiError::Conflict {
            code: "invitation_used",
            detail: "this invitation was already accepted".to_owned(),
        },
    }
}

/// The 422 for a token that belongs to no invitation.
pub fn unknown_invitation() -> ApiError {
    ApiError::invalid_field(
        "token",
        "unknown_invitation",
        "this invitation link is not valid; check that it was copied whole",
    )
}

/// The pending invitation a link's token opens, or why it opens none.
fn open(conn: &mut DbConn, token: &Secret, at: NaiveDateTime) -> Result<Invitation, ApiError> {
    let invitation = repo::find_by_token(conn, &hash_token(token.expose().trim()))?
        .ok_or_else(unknown_invitation)?;
    match invitation.status_at(at) {
        InvitationStatus::Pending => Ok(invitation),
        other => Err(not_pending(other)),
    }
}

/// What accepting a link will do, learnt before the password is hashed (outside any
/// transaction): the invited address, and whether it has an account already.
#[derive(Debug)]
pub struct Preview {
    pub email: String,
    pub has_account: bool,
}

/// Checks a link's token and tells what accepting it would do.
pub fn preview(conn: &mut DbConn, token: &Secret) -> Result<Preview, ApiError> {
    let invitation = open(conn, token, now())?;
    let has_account =
        crate::accounts::repo::find_by_email(conn, &invitation.email_normalized)?.is_some();
    Ok(Preview {
        email: invitation.email,
        has_account,
    })
}

/// The new account's name and password hash, when the invited address has no account.
#[derive(Debug)]
pub struct Newcomer {
    pub display_name: String,
    pub password_hash: String,
}

/// An accepted invitation: the account (new or not) with its role, and a new login.
#[derive(Debug)]
pub struct Accepted {
    pub user: User,
    /// Whether the account was created by this acceptance.
    pub created: bool,
    pub session_id: SessionId,
    pub refresh_token: String,
}

/// Spends a link: creates the account of the invited address (verified, with the role), or
/// grants the role to the caller when they are that account; then opens a login.
pub fn accept(
    conn: &mut DbConn,
    caller: Option<&AuthUser>,
    token: &Secret,
    newcomer: Option<Newcomer>,
) -> Result<Accepted, ApiError> {
    let at = now();
    // Lock, then read again: a concurrent acceptance that held the lock is seen as done.
    let id = open(conn, token, at)?.id;
    db::lock_row(conn, "invitations", id.get())?;
    let invitation = open(conn, token, at)?;
    let existing = crate::accounts::repo::find_by_email(conn, &invitation.email_normalized)?;
    let for_someone_else = || {
        ApiError::forbidden(
            "invitation_for_another_account",
            "this invitation is for another address; log out, or log in as the invited address",
        )
    };
    let (user, created) = match (existing, caller) {
        (Some(account), Some(caller)) if caller.id == account.id => (
            accounts::grant_role(conn, account, invitation.role.into())?,
            false,
        ),
        (Some(_), None) => {
            return Err(ApiError::unauthorized(
                "login_required",
                "the invited address has an account: log in as it, then accept again",
            ));
        }
        (Some(_), Some(_)) | (None, Some(_)) => return Err(for_someone_else()),
        (None, None) => {
            let Some(newcomer) = newcomer else {
                return Err(ApiError::Validation(vec![
                    crate::error::FieldError::new(
                        "display_name",
                        "required",
                        "is required to create the account",
                    ),
                    crate::error::FieldError::new(
                        "password",
                        "required",
                        "is required to create the account",
                    ),
                ]));
            };
            let email = Email::parse(&invitation.email).map_err(|m| {
                ApiError::internal(anyhow::anyhow!(
                    "invitation {} has a bad address: {m}",
                    invitation.id
                ))
            })?;
            let user = accounts::create_account(
                conn,
                NewAccount {
                    email: &email,
                    display_name: newcomer.display_name,
                    password_hash: newcomer.password_hash,
                    country: None,
                    preferred_language: invitation.language.clone(),
                    gender: None,
                    birth_year: None,
                    role: invitation.role.into(),
                    verified_at: Some(at),
                },
            )?;
            (user, true)
        }
    };
    let changes = InvitationChanges {
        status: InvitationStatus::Accepted,
        accepted_by: Some(user.id),
        accepted_at: Some(at),
        revoked_by: None,
        revoked_at: None,
        updated_at: at,
        version: invitation.version + 1,
    };
    // A concurrent acceptance of the same link won: this one changes nothing.
    repo::finish(conn, invitation.id, &changes)?
        .ok_or_else(|| not_pending(InvitationStatus::Accepted))?;
    let (session_id, refresh_token) = accounts::open_session(conn, user.id)?;
    tracing::info!(
        invitation.id = invitation.id.get(),
        user.id = user.id.get(),
        created,
        "invitation accepted"
    );
    Ok(Accepted {
        user,
        created,
        session_id,
        refresh_token,
    })
}

/// Forgets the invitations of an address whose account was erased.
pub fn forget_address(conn: &mut DbConn, email_normalized: &str) -> Result<(), ApiError> {
    repo::delete_for(conn, email_normalized)?;
    Ok(())
}
