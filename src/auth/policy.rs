//! Who may do what. Every handler that needs a permission asks [`authorize`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::error::ApiError;

/// Platform roles, from least to most powerful.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A trainee or union member (the default).
    Member,
    /// An e-trainer: authors courses, runs cohorts.
    Trainer,
    /// Runs the programme: publishes courses, opens cohorts, manages the directory.
    Coordinator,
    /// Manages the platform.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 4] = [Self::Member, Self::Trainer, Self::Coordinator, Self::Admin];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Trainer => "trainer",
            Self::Coordinator => "coordinator",
            Self::Admin => "admin",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

/// Something a caller wants to do.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    /// List every account, with private fields.
    ListUsers,
    /// Change another account's role from `from` to `to`.
    ChangeRole { target: i64, from: Role, to: Role },
    /// Suspend or reactivate an account, or mark its email verified.
    ChangeAccountStatus { target: i64 },
    /// Create, change or delete organisations in the directory.
    WriteOrganisations,
    /// Decide (approve, reject, make leader) a membership of an organisation the caller
    /// leads (`is_leader`) or not.
    DecideMembership { is_leader: bool },
    /// List an organisation's members and requests.
    ListMembers { is_leader: bool },
}

/// `Ok` when `actor` may do `action`, else 403.
pub fn authorize(actor: &AuthUser, action: Action) -> Result<(), ApiError> {
    if allowed(actor, action) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "forbidden",
            "you are not allowed to do this",
        ))
    }
}

/// The rules themselves.
pub fn allowed(actor: &AuthUser, action: Action) -> bool {
    use Role::*;
    let role = actor.role;
    match action {
        Action::ListUsers => role == Admin,
        // Nobody changes their own role or status: an admin cannot lock the platform out by mistake.
        Action::ChangeRole { target, .. } | Action::ChangeAccountStatus { target }
            if target == actor.id =>
        {
            false
        }
        Action::ChangeRole { from, to, .. } => match role {
            Admin => true,
            // Coordinators grant and remove the trainer role, and nothing else.
            Coordinator => matches!(
                (from, to),
                (Member, Trainer) | (Trainer, Member) | (Member, Member) | (Trainer, Trainer)
            ),
            _ => false,
        },
        Action::ChangeAccountStatus { .. } => role == Admin,
        Action::WriteOrganisations => matches!(role, Coordinator | Admin),
        Action::DecideMembership { is_leader } | Action::ListMembers { is_leader } => {
            is_leader || matches!(role, Coordinator | Admin)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> AuthUser {
        AuthUser {
            id: 1,
            role,
            session_id: 1,
        }
    }

    #[test]
    fn each_role_against_each_action() {
        use Role::*;
        let table: &[(Action, [bool; 4])] = &[
            (Action::ListUsers, [false, false, false, true]),
            (
                Action::ChangeRole {
                    target: 2,
                    from: Member,
                    to: Trainer,
                },
                [false, false, true, true],
            ),
            (
                Action::ChangeRole {
                    target: 2,
                    from: Trainer,
                    to: Member,
                },
                [false, false, true, true],
            ),
            (
                Action::ChangeRole {
                    target: 2,
                    from: Member,
                    to: Coordinator,
                },
                [false, false, false, true],
            ),
            (
                Action::ChangeRole {
                    target: 2,
                    from: Admin,
                    to: Member,
                },
                [false, false, false, true],
            ),
            (
                Action::ChangeRole {
                    target: 1,
                    from: Admin,
                    to: Member,
                },
                [false, false, false, false],
            ),
            (
                Action::ChangeAccountStatus { target: 2 },
                [false, false, false, true],
            ),
            (
                Action::ChangeAccountStatus { target: 1 },
                [false, false, false, false],
            ),
            (Action::WriteOrganisations, [false, false, true, true]),
            (
                Action::DecideMembership { is_leader: false },
                [false, false, true, true],
            ),
            (
                Action::DecideMembership { is_leader: true },
                [true, true, true, true],
            ),
            (
                Action::ListMembers { is_leader: false },
                [false, false, true, true],
            ),
        ];
        for (action, expected) in table {
            for (role, want) in Role::ALL.into_iter().zip(expected) {
                assert_eq!(allowed(&actor(role), *action), *want, "{role:?} {action:?}");
            }
        }
    }
}
