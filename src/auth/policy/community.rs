//! Who may read, take part in and moderate a community.
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
//! The read rule is written once, as data: [`open_to`] (the visibilities read without a
//! membership) and [`READER_STATUS`] (the membership that reads any community). The Rust
//! check [`may_read`] and the SQL condition [`readable`] (a diesel filter) are made from
//! them, and a test runs the SQL form against every case of the Rust check. It binds the
//! viewer's id, so a connection keeps the statements that use it. Single objects: [`Access`], loaded by
//! `communities::service::access`.

use diesel::prelude::*;

use crate::auth::{AuthUser, Role};
use crate::communities::model::{CommunityRole, MemberStatus, Visibility};
use crate::db::schema::{communities, community_members};
use crate::error::ApiError;
use crate::types::{CommunityId, UserId};

/// The visibilities a caller reads without being a member: `public` always, `members` once
/// logged in.
pub fn open_to(logged_in: bool) -> &'static [Visibility] {
    if logged_in {
        &[Visibility::Public, Visibility::Members]
    } else {
        &[Visibility::Public]
    }
}

/// The membership status that reads a community whatever its visibility.
pub const READER_STATUS: MemberStatus = MemberStatus::Active;

/// Whether a caller (`logged_in` or not, with membership `status` in it) reads a community
/// of `visibility`.
pub fn may_read(visibility: Visibility, logged_in: bool, status: Option<MemberStatus>) -> bool {
    open_to(logged_in).contains(&visibility) || (logged_in && status == Some(READER_STATUS))
}

/// A SQL condition, for raw queries over many logged-in accounts at once (a fan-out), that
/// holds when the account of a row reads a community of `visibility`, given its membership
/// row of that community aliased `member` (left-joined: all NULL when it has none):
/// [`may_read`] in SQL for one visibility. Only spellings of the vocabularies are formatted
/// into it.
pub fn reader_sql(visibility: Visibility, member: &str) -> String {
    debug_assert!(
        member
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    );
    if open_to(true).contains(&visibility) {
        "1 = 1".to_owned()
    } else {
        format!("{member}.status = '{READER_STATUS}'")
    }
}

/// [`may_read`] as a diesel filter, for queries that have the `communities` table (not
/// aliased) in their `FROM`: the community's visibility is open to the viewer, or it is
/// among the viewer's reading memberships. The values are bound (without a viewer, `NULL`
/// matches no membership), so the statement's text is the same for every viewer.
pub fn readable(viewer: Option<UserId>) -> readable_by {
    let open = open_to(viewer.is_some());
    // One or two open visibilities: the first and the last (the same when there is one).
    readable_by(open[0], open[open.len() - 1], viewer, READER_STATUS)
}

/// [`readable`] with its open visibilities and reading status spelt out: the community is
/// of either visibility, or among those where `viewer`'s membership has `status`.
#[diesel::dsl::auto_type]
pub fn readable_by(
    first: Visibility,
    last: Visibility,
    viewer: Option<UserId>,
    status: MemberStatus,
) -> _ {
    communities::visibility
        .eq(first)
        .or(communities::visibility.eq(last))
        .or(communities::id.eq_any(
            community_members::table
                .filter(community_members::user_id.nullable().eq(viewer))
                .filter(community_members::status.eq(status))
                .select(community_members::community_id),
        ))
}

/// Whether `role` is platform staff (coordinators and admins): they moderate the `public`
/// and `members` communities without joining.
pub fn is_staff(role: Role) -> bool {
    role >= Role::Coordinator
}

/// What one caller may do in one community.
#[derive(Debug, Clone)]
pub struct Access {
    /// The community.
    pub community_id: CommunityId,
    /// Its visibility.
    pub visibility: Visibility,
    /// The caller, when logged in.
    pub viewer: Option<UserId>,
    /// The caller's membership row, when there is one.
    pub membership: Option<(CommunityRole, MemberStatus)>,
    /// The caller is platform staff ([`is_staff`]).
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

    /// The caller was invited or asked to join, and waits.
    pub fn is_waiting(&self) -> bool {
        matches!(
            self.membership,
            Some((_, MemberStatus::Invited | MemberStatus::Pending))
        )
    }

    /// The caller may read the community's threads and posts ([`may_read`]).
    pub fn can_read(&self) -> bool {
        may_read(
            self.visibility,
            self.viewer.is_some(),
            self.membership.map(|(_, status)| status),
        )
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

    /// 404 for a private community the caller is not in (it must not be revealed), 401
    /// `login_required` for a members-only community without a login.
    pub fn require_read(&self) -> Result<(), ApiError> {
        if self.can_read() {
            return Ok(());
        }
        match self.visibility {
            Visibility::Members => Err(login_required("log in to read this community")),
            _ => Err(ApiError::NotFound),
        }
    }

    /// [`Self::require_read`], then 401 without a login, 403 `banned` or `not_a_member`.
    pub fn require_participate(&self) -> Result<(), ApiError> {
        self.require_read()?;
        if self.viewer.is_none() {
            return Err(login_required("log in to take part in this community"));
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

    /// The caller may act on what they wrote (`is_author`) in a thread that is `locked` or
    /// not: a moderator always; an author only as an active member now, whatever they were
    /// when they wrote it (403 `banned` or `not_a_member`), and not in a locked thread (409
    /// `thread_locked`); anyone else gets `not_theirs`.
    pub fn require_author(
        &self,
        is_author: bool,
        locked: bool,
        not_theirs: ApiError,
    ) -> Result<(), ApiError> {
        if self.is_moderator() {
            return Ok(());
        }
        if !is_author {
            return Err(not_theirs);
        }
        self.require_participate()?;
        if locked {
            return Err(thread_locked());
        }
        Ok(())
    }

    /// [`Self::require_read`], then 401 without a login, 403 `not_a_moderator`.
    pub fn require_moderator(&self) -> Result<(), ApiError> {
        self.require_read()?;
        if self.viewer.is_none() {
            return Err(login_required("log in to moderate this community"));
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

/// 409 `thread_locked`: only moderators change a locked thread.
pub fn thread_locked() -> ApiError {
    ApiError::Conflict {
        code: "thread_locked",
        detail: "the thread is locked".to_owned(),
    }
}

fn login_required(detail: &str) -> ApiError {
    ApiError::unauthorized("login_required", detail.to_owned())
}

/// Who may create a community of this visibility: coordinators and admins any; trainers
/// only `private` ones (403 `private_only`); members none (403 `forbidden`).
pub fn may_create(user: &AuthUser, visibility: Visibility) -> Result<(), ApiError> {
    if user.is_at_least(Role::Trainer) {
        return may_set_visibility(user, visibility);
    }
    Err(ApiError::forbidden(
        "forbidden",
        "only trainers, coordinators and admins create communities",
    ))
}

/// Whether `user` may give a community `visibility`: only staff make it readable beyond
/// its members (403 `private_only`).
pub fn may_set_visibility(user: &AuthUser, visibility: Visibility) -> Result<(), ApiError> {
    if visibility == Visibility::Private || is_staff(user.role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "private_only",
            "only coordinators and admins make a community public or members-only",
        ))
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sqlite::SqliteConnection;

    use super::*;

    fn access(
        visibility: Visibility,
        viewer: bool,
        membership: Option<(CommunityRole, MemberStatus)>,
        staff: bool,
    ) -> Access {
        Access {
            community_id: CommunityId(1),
            visibility,
            viewer: viewer.then_some(UserId(7)),
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

    /// The SQL condition and the Rust check are one rule: every visibility, with and
    /// without a login, with every membership status and none, agrees.
    #[test]
    fn the_sql_rule_is_the_rust_rule() {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute(
            "CREATE TABLE communities (id BIGINT PRIMARY KEY, visibility TEXT NOT NULL);
             CREATE TABLE community_members (community_id BIGINT, user_id BIGINT, status TEXT,
                 PRIMARY KEY (community_id, user_id));",
        )
        .unwrap();
        // Community ids: one per (visibility, the viewer's status or none).
        let statuses: Vec<Option<MemberStatus>> = std::iter::once(None)
            .chain(MemberStatus::ALL.iter().copied().map(Some))
            .collect();
        let mut cases = Vec::new();
        for visibility in Visibility::ALL {
            for status in &statuses {
                let id = i64::try_from(cases.len()).unwrap() + 1;
                diesel::sql_query(format!(
                    "INSERT INTO communities VALUES ({id}, '{visibility}')"
                ))
                .execute(&mut conn)
                .unwrap();
                if let Some(status) = status {
                    diesel::sql_query(format!(
                        "INSERT INTO community_members VALUES ({id}, 7, '{status}'), ({id}, 8, 'active')"
                    ))
                    .execute(&mut conn)
                    .unwrap();
                }
                cases.push((id, *visibility, *status));
            }
        }
        for viewer in [None, Some(UserId(7))] {
            let readable: Vec<i64> = communities::table
                .filter(super::readable(viewer))
                .select(communities::id)
                .order(communities::id)
                .load(&mut conn)
                .unwrap();
            let expected: Vec<i64> = cases
                .iter()
                .filter(|(_, visibility, status)| {
                    may_read(
                        *visibility,
                        viewer.is_some(),
                        status.filter(|_| viewer.is_some()),
                    )
                })
                .map(|(id, ..)| *id)
                .collect();
            assert_eq!(readable, expected, "viewer {viewer:?}");
        }
        // The fan-out's form: account 7 as a reader of each community, by its membership.
        for visibility in Visibility::ALL {
            let readable: Vec<i64> = diesel::sql_query(format!(
                "SELECT c.id FROM communities c LEFT JOIN community_members m \
                 ON m.community_id = c.id AND m.user_id = 7 \
                 WHERE c.visibility = '{visibility}' AND {} ORDER BY c.id",
                reader_sql(*visibility, "m")
            ))
            .load::<Row>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
            let expected: Vec<i64> = cases
                .iter()
                .filter(|(_, v, status)| v == visibility && may_read(*v, true, *status))
                .map(|(id, ..)| *id)
                .collect();
            assert_eq!(readable, expected, "{visibility}");
        }
    }

    /// The diesel filter binds the viewer: one statement text for every logged-in viewer,
    /// so a connection keeps it (a literal with the id in it was prepared at every call).
    #[test]
    fn the_filter_binds_the_viewer() {
        let text = |viewer| {
            let q = communities::table
                .filter(readable(viewer))
                .select(communities::id);
            let text = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&q).to_string();
            text.split(" -- binds").next().unwrap().to_owned()
        };
        assert_eq!(text(Some(UserId(7))), text(Some(UserId(8))));
        assert!(!text(Some(UserId(7))).contains('7'));
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
            Err(ApiError::Unauthorized {
                code: "login_required",
                ..
            })
        ));
        assert!(matches!(
            access(Members, false, None, false).require_read(),
            Err(ApiError::Unauthorized {
                code: "login_required",
                ..
            })
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
    fn who_creates_what() {
        let user = |role| AuthUser {
            id: crate::types::UserId(1),
            role,
            session_id: crate::types::SessionId(1),
            language: Default::default(),
            name: None,
        };
        for visibility in Visibility::ALL {
            assert!(may_create(&user(Role::Member), *visibility).is_err());
            assert!(may_create(&user(Role::Coordinator), *visibility).is_ok());
            assert_eq!(
                may_create(&user(Role::Trainer), *visibility).is_ok(),
                *visibility == Visibility::Private
            );
        }
    }
}
