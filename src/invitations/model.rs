//! Staff invitations as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Role;
use crate::db::schema::invitations;
use crate::types::{InvitationId, UserId};

crate::vocabulary! {
    /// The roles an invitation may offer: staff, never a plain member (that is
    /// self-registration).
    pub enum StaffRole {
        /// An e-trainer.
        Trainer => "trainer",
        /// A programme coordinator.
        Coordinator => "coordinator",
        /// A platform admin.
        Admin => "admin",
    }
}

impl From<StaffRole> for Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::Trainer => Self::Trainer,
            StaffRole::Coordinator => Self::Coordinator,
            StaffRole::Admin => Self::Admin,
        }
    }
}

crate::vocabulary! {
    /// Where an invitation stands.
    pub enum InvitationStatus {
        /// Sent; the link works until it expires.
        Pending => "pending",
        /// The link was used: the account exists with the role.
        Accepted => "accepted",
        /// Withdrawn before it was used.
        Revoked => "revoked",
        /// Not used in time.
        Expired => "expired",
    }
}

/// An invitation row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: InvitationId,
    pub email: String,
    pub email_normalized: String,
    pub role: StaffRole,
    /// The language of the email, and of the account it creates.
    pub language: String,
    /// As stored: a `pending` invitation past `expires_at` is expired all the same
    /// (see [`Invitation::status_at`]).
    pub status: InvitationStatus,
    pub token_hash: String,
    pub invited_by: Option<UserId>,
    pub accepted_by: Option<UserId>,
    pub revoked_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl Invitation {
    /// Whether it is stored as pending but its time ran out.
    fn lapsed(&self, at: NaiveDateTime) -> bool {
        self.status == InvitationStatus::Pending && self.expires_at <= at
    }

    /// The status at `at`: a pending invitation whose time ran out is expired.
    pub fn status_at(&self, at: NaiveDateTime) -> InvitationStatus {
        if self.lapsed(at) {
            InvitationStatus::Expired
        } else {
            self.status
        }
    }

    /// The version at `at`: running out of time is a change, counted as the one version
    /// that writing `expired` down later spends, so the tag is the same before and after.
    pub fn version_at(&self, at: NaiveDateTime) -> i64 {
        self.version + i64::from(self.lapsed(at))
    }

    /// The `ETag` of the invitation as it is at `at`.
    pub fn etag_at(&self, at: NaiveDateTime) -> String {
        crate::http::etag::versioned("invitation", self.id.get(), self.version_at(at), None)
    }
}

/// A new invitation.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = invitations)]
pub struct NewInvitation {
    pub email: String,
    pub email_normalized: String,
    pub role: StaffRole,
    pub language: String,
    pub status: InvitationStatus,
    pub token_hash: String,
    pub invited_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// How an invitation ends: accepted or revoked, with who and when.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = invitations)]
pub struct InvitationChanges {
    pub status: InvitationStatus,
    pub accepted_by: Option<UserId>,
    pub accepted_at: Option<NaiveDateTime>,
    pub revoked_by: Option<UserId>,
    pub revoked_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}
