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
    /// Author a new course (the caller becomes its owner).
    CreateCourse,
    /// Change a course, its texts, structure and owners; `is_owner` when the caller owns it.
    EditCourse { is_owner: bool },
    /// Publish or archive a course.
    PublishCourse,
    /// See a course that is not published (a draft), and list drafts of others.
    ViewUnpublishedCourse { is_owner: bool },
    /// Read lesson content of a members-only course.
    ReadMembersLesson { is_owner: bool, is_enrolled: bool },
    /// List a course's enrolments, as one of its owners (`is_owner`) or not.
    ListCourseEnrolments { is_owner: bool },
    /// Read another learner's progress in a course, as one of its owners (`is_owner`) or not.
    ReadLearnerProgress { is_owner: bool },
    /// Revoke an issued certificate.
    RevokeCertificates,
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
        Action::CreateCourse => role >= Trainer,
        // An owner who lost the trainer role no longer edits.
        Action::EditCourse { is_owner } => {
            (is_owner && role >= Trainer) || matches!(role, Coordinator | Admin)
        }
        Action::PublishCourse => matches!(role, Coordinator | Admin),
        Action::ViewUnpublishedCourse { is_owner } => {
            is_owner || matches!(role, Coordinator | Admin)
        }
        Action::ReadMembersLesson {
            is_owner,
            is_enrolled,
        } => is_owner || is_enrolled || matches!(role, Coordinator | Admin),
        // Course owners follow their own learners; coordinators and admins follow everyone's.
        Action::ListCourseEnrolments { is_owner } | Action::ReadLearnerProgress { is_owner } => {
            is_owner || matches!(role, Coordinator | Admin)
        }
        Action::RevokeCertificates => matches!(role, Coordinator | Admin),
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
            (Action::CreateCourse, [false, true, true, true]),
            (
                Action::EditCourse { is_owner: false },
                [false, false, true, true],
            ),
            (
                Action::EditCourse { is_owner: true },
                [false, true, true, true],
            ),
            (Action::PublishCourse, [false, false, true, true]),
            (
                Action::ViewUnpublishedCourse { is_owner: false },
                [false, false, true, true],
            ),
            (
                Action::ViewUnpublishedCourse { is_owner: true },
                [true, true, true, true],
            ),
            (
                Action::ReadMembersLesson {
                    is_owner: false,
                    is_enrolled: false,
                },
                [false, false, true, true],
            ),
            (
                Action::ReadMembersLesson {
                    is_owner: false,
                    is_enrolled: true,
                },
                [true, true, true, true],
            ),
            (
                Action::ListCourseEnrolments { is_owner: false },
                [false, false, true, true],
            ),
            (
                Action::ListCourseEnrolments { is_owner: true },
                [true, true, true, true],
            ),
            (
                Action::ReadLearnerProgress { is_owner: false },
                [false, false, true, true],
            ),
            (
                Action::ReadLearnerProgress { is_owner: true },
                [true, true, true, true],
            ),
            (Action::RevokeCertificates, [false, false, true, true]),
        ];
        for (action, expected) in table {
            for (role, want) in Role::ALL.into_iter().zip(expected) {
                assert_eq!(allowed(&actor(role), *action), *want, "{role:?} {action:?}");
            }
        }
    }
}
