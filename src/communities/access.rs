//! Who may read and take part in a community: the one place the visibility rule lives.
//!
//! - `public`: anyone reads, logged in or not;
//! - `members`: any logged-in account reads;
//! - `private`: only its active members read; to everyone else it does not exist (404).
//!
//! Taking part (posting, reacting, flagging, watching) needs an active membership.
//! Moderating needs the community role `moderator`; platform coordinators and admins
//! moderate the `public` and `members` communities too, but never see a private
//! community they are not a member of. A banned member can no longer take part, and
//! loses a private community altogether.
//!
//! Every endpoint that shows community content goes through [`load`] and one of the
//! `require_*` checks; every list or search query that spans communities filters with
//! [`readable_sql`] (raw SQL) or [`readable_private_ids`] (diesel).

use diesel::prelude::*;

use crate::auth::{AuthUser, Role};
use crate::db::DbConn;
use crate::db::schema::{communities, community_members, users};
use crate::error::ApiError;

/// Who can read a community: `public` anyone, `members` any logged-in account, `private`
/// only its members.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
// Named apart from the courses' `Visibility` (which has no `private`) in the OpenAPI document.
#[schema(as = CommunityVisibility)]
pub enum Visibility {
    /// Anyone, without logging in.
    Public,
    /// Any logged-in account.
    Members,
    /// Only the community's own members.
    Private,
}

impl Visibility {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Members => "members",
            Self::Private => "private",
        }
    }

    /// The value stored in `communities.visibility`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "public" => Some(Self::Public),
            "members" => Some(Self::Members),
            "private" => Some(Self::Private),
            _ => None,
        }
    }
}

/// A member's role inside one community.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CommunityRole {
    /// Reads and takes part.
    Member,
    /// Also moderates: flags, hiding, locking, pinning, bans, members.
    Moderator,
}

impl CommunityRole {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Moderator => "moderator",
        }
    }

    /// The value stored in `community_members.role`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "member" => Some(Self::Member),
            "moderator" => Some(Self::Moderator),
            _ => None,
        }
    }
}

/// Where a membership stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// A member.
    Active,
    /// Asked to join a private community; waits for a moderator.
    Pending,
    /// Invited by a moderator; becomes active when they join.
    Invited,
    /// Banned by a moderator.
    Banned,
}

impl MemberStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Invited => "invited",
            Self::Banned => "banned",
        }
    }

    /// The value stored in `community_members.status`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "active" => Some(Self::Active),
            "pending" => Some(Self::Pending),
            "invited" => Some(Self::Invited),
            "banned" => Some(Self::Banned),
            _ => None,
        }
    }
}

/// What one caller may do in one community.
#[derive(Debug, Clone)]
pub struct Access {
    /// The community.
    pub community_id: i64,
    /// Its visibility.
    pub visibility: Visibility,
    /// The caller, when logged in.
    pub viewer: Option<i64>,
    /// The caller's membership row, when there is one.
    pub membership: Option<(CommunityRole, MemberStatus)>,
    /// The caller is a platform coordinator or admin.
    pub staff: bool,
}

impl Access {
    /// The caller holds an active membership.
    pub fn is_active_member(&self) -> bool {
        matches!(self.membership, Some((_, MemberStatus::Active)))
    }

    /// The caller was banned here.
    pub fn is_banned(&self) -> bool {
        matches!(self.membership, Some((_, MemberStatus::Banned)))
    }

    /// The caller may read the community's threads and posts.
    pub fn can_read(&self) -> bool {
        match self.visibility {
            Visibility::Public => true,
            Visibility::Members => self.viewer.is_some(),
            Visibility::Private => self.is_active_member(),
        }
    }

    /// The caller may post, react, flag and watch.
    pub fn can_participate(&self) -> bool {
        self.is_active_member()
    }

    /// The caller moderates: an active moderator, or platform staff outside private communities.
    pub fn is_moderator(&self) -> bool {
        matches!(
            self.membership,
            Some((CommunityRole::Moderator, MemberStatus::Active))
        ) || (self.staff && self.visibility != Visibility::Private)
    }

    /// 404 for a private community the caller is not in (it must not be revealed), 401 for
    /// a members-only community without a login.
    pub fn require_read(&self) -> Result<(), ApiError> {
        if self.can_read() {
            return Ok(());
        }
        match self.visibility {
            Visibility::Members => Err(ApiError::unauthorized(
                "login_required",
                "log in to read this community",
            )),
            _ => Err(ApiError::NotFound),
        }
    }

    /// [`Self::require_read`], then 401 without a login, 403 `banned` or `not_a_member`.
    pub fn require_participate(&self) -> Result<(), ApiError> {
        self.require_read()?;
        if self.viewer.is_none() {
            return Err(ApiError::unauthorized(
                "login_required",
                "log in to take part in this community",
            ));
        }
        if self.is_banned() {
            return Err(ApiError::forbidden(
                "banned",
                "you were banned from this community",
            ));
        }
        if !self.can_participate() {
            return Err(ApiError::forbidden(
                "not_a_member",
                "join this community to take part",
            ));
        }
        Ok(())
    }

    /// [`Self::require_read`], then 401 without a login, 403 `not_a_moderator`.
    pub fn require_moderator(&self) -> Result<(), ApiError> {
        self.require_read()?;
        if self.viewer.is_none() {
            return Err(ApiError::unauthorized(
                "login_required",
                "log in to moderate this community",
            ));
        }
        if !self.is_moderator() {
            return Err(ApiError::forbidden(
                "not_a_moderator",
                "only this community's moderators may do this",
            ));
        }
        Ok(())
    }
}

/// The caller's access to community `community_id`; 404 when it does not exist.
pub fn load(
    conn: &mut DbConn,
    community_id: i64,
    viewer: Option<&AuthUser>,
) -> Result<Access, ApiError> {
    let visibility: String = communities::table
        .find(community_id)
        .select(communities::visibility)
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    let membership = match viewer {
        Some(user) => membership_of(conn, community_id, user.id)?,
        None => None,
    };
    Ok(Access {
        community_id,
        visibility: Visibility::parse(&visibility).unwrap_or(Visibility::Private),
        viewer: viewer.map(|u| u.id),
        membership,
        staff: viewer.is_some_and(|u| u.is_at_least(Role::Coordinator)),
    })
}

/// The access of account `user_id`, read from the database (for notifying someone who is
/// not the caller); `None` when the community or an active account does not exist.
pub fn for_user(
    conn: &mut DbConn,
    community_id: i64,
    user_id: i64,
) -> Result<Option<Access>, ApiError> {
    let Some(visibility) = communities::table
        .find(community_id)
        .select(communities::visibility)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let Some(role) = users::table
        .find(user_id)
        .filter(users::status.eq("active"))
        .filter(users::deleted_at.is_null())
        .select(users::role)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let membership = membership_of(conn, community_id, user_id)?;
    Ok(Some(Access {
        community_id,
        visibility: Visibility::parse(&visibility).unwrap_or(Visibility::Private),
        viewer: Some(user_id),
        membership,
        staff: Role::parse(&role).is_some_and(|r| r >= Role::Coordinator),
    }))
}

fn membership_of(
    conn: &mut DbConn,
    community_id: i64,
    user_id: i64,
) -> Result<Option<(CommunityRole, MemberStatus)>, ApiError> {
    let row: Option<(String, String)> = community_members::table
        .find((community_id, user_id))
        .select((community_members::role, community_members::status))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(role, status)| {
        Some((CommunityRole::parse(&role)?, MemberStatus::parse(&status)?))
    }))
}

/// The private communities `user_id` is an active member of (for diesel queries:
/// readable = public, or members when logged in, or one of these).
pub fn readable_private_ids(conn: &mut DbConn, user_id: i64) -> Result<Vec<i64>, ApiError> {
    Ok(community_members::table
        .inner_join(communities::table)
        .filter(community_members::user_id.eq(user_id))
        .filter(community_members::status.eq(MemberStatus::Active.as_str()))
        .filter(communities::visibility.eq(Visibility::Private.as_str()))
        .select(communities::id)
        .load(conn)?)
}

/// A SQL condition, for raw queries, that holds for the rows of `communities` aliased
/// `alias` that `viewer` may read. Only integers are formatted into it.
pub fn readable_sql(alias: &str, viewer: Option<i64>) -> String {
    debug_assert!(alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match viewer {
        None => format!("({alias}.visibility = 'public')"),
        Some(uid) => format!(
            "({alias}.visibility IN ('public', 'members') OR EXISTS (SELECT 1 FROM community_members \
             cm_read WHERE cm_read.community_id = {alias}.id AND cm_read.user_id = {uid} \
             AND cm_read.status = 'active'))"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(
        visibility: Visibility,
        viewer: bool,
        membership: Option<(CommunityRole, MemberStatus)>,
        staff: bool,
    ) -> Access {
        Access {
            community_id: 1,
            visibility,
            viewer: viewer.then_some(7),
            membership,
            staff,
        }
    }

    #[test]
    fn reading_follows_visibility() {
        use MemberStatus::*;
        use Visibility::*;
        let m = |s| Some((CommunityRole::Member, s));
        assert!(access(Public, false, None, false).can_read());
        assert!(!access(Members, false, None, false).can_read());
        assert!(access(Members, true, None, false).can_read());
        assert!(!access(Private, true, None, false).can_read());
        assert!(
            !access(Private, true, None, true).can_read(),
            "staff see no private community"
        );
        assert!(!access(Private, true, m(Pending), false).can_read());
        assert!(!access(Private, true, m(Invited), false).can_read());
        assert!(!access(Private, true, m(Banned), false).can_read());
        assert!(access(Private, true, m(Active), false).can_read());
        assert!(access(Public, true, m(Banned), false).can_read());
    }

    #[test]
    fn taking_part_needs_an_active_membership() {
        use MemberStatus::*;
        use Visibility::*;
        let m = |s| Some((CommunityRole::Member, s));
        assert!(
            access(Public, true, m(Active), false)
                .require_participate()
                .is_ok()
        );
        assert!(matches!(
            access(Public, true, None, true).require_participate(),
            Err(ApiError::Forbidden {
                code: "not_a_member",
                ..
            })
        ));
        assert!(matches!(
            access(Public, true, m(Banned), false).require_participate(),
            Err(ApiError::Forbidden { code: "banned", .. })
        ));
        assert!(matches!(
            access(Public, false, None, false).require_participate(),
            Err(ApiError::Unauthorized { .. })
        ));
        assert!(matches!(
            access(Private, true, m(Banned), false).require_participate(),
            Err(ApiError::NotFound)
        ));
    }

    #[test]
    fn moderators_and_staff_moderate() {
        use MemberStatus::*;
        use Visibility::*;
        let moderator = Some((CommunityRole::Moderator, Active));
        assert!(access(Private, true, moderator, false).is_moderator());
        assert!(access(Members, true, None, true).is_moderator());
        assert!(!access(Private, true, None, true).is_moderator());
        assert!(!access(Public, true, Some((CommunityRole::Member, Active)), false).is_moderator());
        assert!(
            !access(
                Public,
                true,
                Some((CommunityRole::Moderator, Banned)),
                false
            )
            .is_moderator()
        );
    }

    #[test]
    fn readable_sql_formats_only_the_id() {
        assert_eq!(readable_sql("c", None), "(c.visibility = 'public')");
        assert!(readable_sql("c", Some(42)).contains("cm_read.user_id = 42"));
    }
}
