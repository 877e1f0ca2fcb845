//! Communities and memberships as stored, and the communities' vocabularies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{communities, community_members};
use crate::types::{CommunityId, CourseId, UserId};
use crate::vocabulary;

vocabulary! {
    /// Who can read a community: `public` anyone, `members` any logged-in account, `private`
    /// only its members (the rule itself: `auth::policy::community`).
    // Named apart from the courses' `Visibility` (which has no `private`) in the OpenAPI
    // document.
    #[schema(as = CommunityVisibility)]
    pub enum Visibility {
        /// Anyone, without logging in.
        Public => "public",
        /// Any logged-in account.
        Members => "members",
        /// Only the community's own members.
        Private => "private",
    }
}

vocabulary! {
    /// A member's role inside one community.
    pub enum CommunityRole {
        /// Reads and takes part.
        Member => "member",
        /// Also moderates: flags, hiding, locking, pinning, bans, members.
        Moderator => "moderator",
    }
}

vocabulary! {
    /// Where a membership stands.
    pub enum MemberStatus {
        /// A member.
        Active => "active",
        /// Asked to join a private community; waits for a moderator.
        Pending => "pending",
        /// Invited by a moderator; becomes active when they join.
        Invited => "invited",
        /// Banned by a moderator.
        Banned => "banned",
    }
}

vocabulary! {
    /// When a member is emailed about what they are notified of in a community.
    pub enum EmailPreference {
        /// One email per notification, at once.
        Immediately => "immediately",
        /// A daily digest (the default).
        Daily => "daily",
        /// A weekly digest.
        Weekly => "weekly",
        /// No email.
        Never => "never",
    }
}

vocabulary! {
    /// Orders of the community list.
    #[derive(Default)]
    pub enum CommunitySort {
        /// By name, A to Z (the default).
        #[default]
        Name => "name",
        /// By name, Z to A.
        NameDesc => "-name",
        /// Latest activity first (a community without posts counts from its creation).
        LastActivityDesc => "-last_activity_at",
        /// Newest first.
        CreatedDesc => "-created_at",
    }
}

/// A community row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = communities)]
pub struct Community {
    pub id: CommunityId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub language: String,
    pub visibility: Visibility,
    pub course_id: Option<CourseId>,
    pub created_by: UserId,
    pub member_count: i32,
    pub thread_count: i32,
    pub last_activity_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change of the community's own fields (not by its counters).
    pub version: i64,
}

/// A new community.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = communities)]
pub struct NewCommunity {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub language: String,
    pub visibility: Visibility,
    pub course_id: Option<CourseId>,
    pub created_by: UserId,
    pub member_count: i32,
    pub thread_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changed columns of a community (`None` leaves a column alone).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = communities)]
pub struct CommunityChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub visibility: Option<Visibility>,
    pub course_id: Option<Option<CourseId>>,
    pub updated_at: Option<NaiveDateTime>,
    pub version: Option<i64>,
}

impl CommunityChanges {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.description.is_none()
            && self.language.is_none()
            && self.visibility.is_none()
            && self.course_id.is_none()
    }

    /// The changes as the next version of a community at `version`, changed at `at`.
    pub fn bump(mut self, version: i64, at: NaiveDateTime) -> Self {
        self.version = Some(version + 1);
        self.updated_at = Some(at);
        self
    }
}

/// A membership row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = community_members)]
pub struct Member {
    pub community_id: CommunityId,
    pub user_id: UserId,
    pub role: CommunityRole,
    pub status: MemberStatus,
    pub email_preference: EmailPreference,
    pub watching: bool,
    pub invited_by: Option<UserId>,
    pub ban_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Member {
    /// An active moderator of the community.
    pub fn is_active_moderator(&self) -> bool {
        self.status == MemberStatus::Active && self.role == CommunityRole::Moderator
    }
}

/// A new membership row (the email preference takes the column's default).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = community_members)]
pub struct NewMember<'a> {
    pub community_id: CommunityId,
    pub user_id: UserId,
    pub role: CommunityRole,
    pub status: MemberStatus,
    pub watching: bool,
    pub invited_by: Option<UserId>,
    pub ban_reason: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
