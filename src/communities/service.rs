//! Community and membership rules: every membership change, each in the caller's
//! transaction with its counters, notifications and log; and the one way any domain learns
//! a caller's [`Access`] to a community.

use sha2::{Digest, Sha256};

use crate::auth::AuthUser;
use crate::auth::policy::community::{self as policy, Access};
use crate::communities::audit::{self, Entry};
use crate::communities::dto::{CommunityPatch, CommunityResponse, MemberItem, NewCommunityInput};
use crate::communities::model::{
    Community, CommunityChanges, CommunityRole, CommunitySort, Member, MemberStatus, NewCommunity,
    NewMember, Visibility,
};
use crate::communities::repo::{self, After, ListFilter};
use crate::db::{self, DbConn, now};
use crate::error::ApiError;
use crate::http::etag::{self, IfMatch};
use crate::http::pagination::{Page, PageRequest, TimeKey};
use crate::notifications::{Notice, NoticeKind, notify_one};
use crate::types::{CommunityId, UserId};

/// The entity-tag kind of a community.
const ETAG_KIND: &str = "community";

// ---------------------------------------------------------------- access

/// The caller's access to community `id` (decided by `auth::policy::community`); 404 when
/// it does not exist.
pub fn access(
    conn: &mut DbConn,
    id: CommunityId,
    viewer: Option<&AuthUser>,
) -> Result<Access, ApiError> {
    repo::access(conn, id, viewer.map(|u| (u.id, u.role)))?.ok_or(ApiError::NotFound)
}

/// The access of account `user_id`, read from the database (for notifying someone who is
/// not the caller); `None` when the community or an active account does not exist.
pub fn access_for(
    conn: &mut DbConn,
    id: CommunityId,
    user_id: UserId,
) -> Result<Option<Access>, ApiError> {
    let Some(role) = repo::active_role(conn, user_id)? else {
        return Ok(None);
    };
    Ok(repo::access(conn, id, Some((user_id, role)))?)
}

fn access_of(community: &Community, viewer: Option<&AuthUser>, member: Option<&Member>) -> Access {
    Access {
        community_id: community.id,
        visibility: community.visibility,
        viewer: viewer.map(|u| u.id),
        membership: member.map(|m| (m.role, m.status)),
        staff: viewer.is_some_and(|u| policy::is_staff(u.role)),
    }
}

// ---------------------------------------------------------------- views

/// A community as one caller sees it.
#[derive(Debug, Clone)]
pub struct CommunityView {
    /// The row.
    pub community: Community,
    /// The caller's membership row, if any.
    pub membership: Option<Member>,
    /// Only name and description: an invited or pending caller of a private community.
    pub limited: bool,
}

impl CommunityView {
    /// The entity tag: the version of the community's own fields, and a digest of what
    /// the answer shows besides them (its counters, the caller's membership), so that a
    /// cached copy is not reused once they change. `If-Match` compares only the version
    /// (`etag::check_version` accepts any such suffix).
    pub fn etag(&self) -> String {
        let c = &self.community;
        let mut live = format!("{}", self.limited);
        if !self.limited {
            live.push_str(&format!(
                "|{}|{}|{:?}",
                c.member_count, c.thread_count, c.last_activity_at
            ));
        }
        if let Some(m) = &self.membership {
            live.push_str(&format!(
                "|{}|{}|{}|{}",
                m.role, m.status, m.email_preference, m.watching
            ));
        }
        let digest = Sha256::digest(live.as_bytes());
        let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        etag::versioned(ETAG_KIND, c.id.get(), c.version, Some(&short))
    }
}

/// A member with their display name.
#[derive(Debug, Clone)]
pub struct NamedMember {
    pub member: Member,
    pub display_name: String,
}

fn named(conn: &mut DbConn, member: Member) -> Result<NamedMember, ApiError> {
    let display_name = repo::user_name(conn, member.user_id)?.unwrap_or_default();
    Ok(NamedMember {
        member,
        display_name,
    })
}

/// The community as `viewer` may see it: in full for readers, limited for an invited or
/// pending caller of a private community; else the error of [`Access::require_read`].
fn readable_view(
    conn: &mut DbConn,
    id: CommunityId,
    viewer: Option<&AuthUser>,
) -> Result<CommunityView, ApiError> {
    let community = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let membership = match viewer {
        Some(u) => repo::member(conn, id, u.id)?,
        None => None,
    };
    let access = access_of(&community, viewer, membership.as_ref());
    let limited = if access.can_read() {
        false
    } else if access.visibility == Visibility::Private && access.is_waiting() {
        true
    } else {
        access.require_read()?;
        return Err(ApiError::NotFound);
    };
    Ok(CommunityView {
        community,
        membership,
        limited,
    })
}

// ---------------------------------------------------------------- errors

fn conflict(code: &'static str, detail: &str) -> ApiError {
    ApiError::Conflict {
        code,
        detail: detail.to_owned(),
    }
}

fn last_moderator() -> ApiError {
    conflict(
        "last_moderator",
        "the community's last moderator cannot go; make another member a moderator first",
    )
}

fn slug_taken() -> ApiError {
    conflict(
        "slug_taken",
        "another community has this slug; choose another",
    )
}

fn unknown_course() -> ApiError {
    ApiError::invalid_field("course_id", "unknown_course", "no such course")
}

fn unknown_user() -> ApiError {
    ApiError::invalid_field("user_id", "unknown_user", "no such active account")
}

/// A unique violation on insert is a slug taken by a concurrent writer.
fn unique_slug(err: diesel::result::Error) -> ApiError {
    match err {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => slug_taken(),
        other => other.into(),
    }
}

// ---------------------------------------------------------------- communities

/// A page of the communities `viewer` may read.
pub fn list(
    conn: &mut DbConn,
    viewer: Option<&AuthUser>,
    filter: &ListFilter,
    sort: CommunitySort,
    page: &PageRequest<String>,
    after: Option<&After>,
) -> Result<Page<CommunityResponse>, ApiError> {
    let viewer_id = viewer.map(|u| u.id);
    let rows = repo::list(conn, viewer_id, filter, sort, after, page.fetch_limit())?;
    let ids: Vec<CommunityId> = rows.iter().map(|c| c.id).collect();
    let memberships = match viewer_id {
        Some(uid) => repo::memberships_of(conn, uid, &ids)?,
        None => Vec::new(),
    };
    Ok(page.finish(
        rows,
        sort.as_str(),
        |c| sort_key(c, sort),
        |c| {
            let mine = memberships.iter().find(|m| m.community_id == c.id).cloned();
            CommunityResponse::from(&CommunityView {
                community: c,
                membership: mine,
                limited: false,
            })
        },
    ))
}

/// The sort key of a community in a list sorted by `sort`, as a cursor holds it.
fn sort_key(c: &Community, sort: CommunitySort) -> (String, i64) {
    let key = match sort {
        CommunitySort::Name | CommunitySort::NameDesc => c.name.clone(),
        CommunitySort::LastActivityDesc => {
            TimeKey::text(c.last_activity_at.unwrap_or(c.created_at))
        }
        CommunitySort::CreatedDesc => TimeKey::text(c.created_at),
    };
    (key, c.id.get())
}

/// One community as `viewer` may see it.
pub fn get(
    conn: &mut DbConn,
    viewer: Option<&AuthUser>,
    id: CommunityId,
) -> Result<CommunityView, ApiError> {
    readable_view(conn, id, viewer)
}

/// Creates a community; its creator becomes its first moderator.
pub fn create(
    conn: &mut DbConn,
    user: &AuthUser,
    input: NewCommunityInput,
) -> Result<CommunityView, ApiError> {
    policy::may_create(user, input.visibility)?;
    if let Some(course_id) = input.course_id
        && !repo::course_exists(conn, course_id)?
    {
        return Err(unknown_course());
    }
    if repo::slug_taken(conn, &input.slug)? {
        return Err(slug_taken());
    }
    let at = now();
    let user_id = user.id;
    let community = repo::insert_community(
        conn,
        &NewCommunity {
            slug: input.slug,
            name: input.name,
            description: input.description,
            language: input.language,
            visibility: input.visibility,
            course_id: input.course_id,
            created_by: user_id,
            member_count: 0,
            thread_count: 0,
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(unique_slug)?;
    let member = repo::insert_member(
        conn,
        &NewMember {
            community_id: community.id,
            user_id,
            role: CommunityRole::Moderator,
            status: MemberStatus::Active,
            watching: true,
            invited_by: None,
            ban_reason: None,
            created_at: at,
            updated_at: at,
        },
    )?;
    repo::recount_members(conn, community.id)?;
    let community = repo::find(conn, community.id)?.ok_or(ApiError::NotFound)?;
    Ok(CommunityView {
        community,
        membership: Some(member),
        limited: false,
    })
}

/// Changes a community (its moderators), if it is still the version `if_match` names. A
/// change bumps the version; a patch that changes nothing changes nothing.
pub fn update(
    conn: &mut DbConn,
    user: &AuthUser,
    id: CommunityId,
    patch: CommunityPatch,
    if_match: Option<&IfMatch>,
) -> Result<CommunityView, ApiError> {
    db::lock_row(conn, "communities", id.get())?;
    access(conn, id, Some(user))?.require_moderator()?;
    let current = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
    etag::check_version(if_match, ETAG_KIND, id.get(), current.version)?;
    let changes = changes_against(conn, user, &current, patch)?;
    if changes.is_empty() {
        return readable_view(conn, id, Some(user));
    }
    repo::update_community(conn, id, &changes.bump(current.version, now()))?;
    audit::record(
        conn,
        &Entry {
            community_id: id.get(),
            moderator_id: user.id.get(),
            action: "update_community",
            ..Entry::default()
        },
    )?;
    readable_view(conn, id, Some(user))
}

/// The columns `patch` really changes in `c`, checked (only staff widen the visibility; a
/// course must exist).
fn changes_against(
    conn: &mut DbConn,
    user: &AuthUser,
    c: &Community,
    patch: CommunityPatch,
) -> Result<CommunityChanges, ApiError> {
    let visibility = patch.visibility.filter(|v| *v != c.visibility);
    if let Some(visibility) = visibility {
        policy::may_set_visibility(user, visibility)?;
    }
    let course_id = patch.course_id.filter(|v| *v != c.course_id);
    if let Some(Some(course_id)) = course_id
        && !repo::course_exists(conn, course_id)?
    {
        return Err(unknown_course());
    }
    Ok(CommunityChanges {
        name: patch.name.filter(|n| *n != c.name),
        description: patch.description.filter(|d| *d != c.description),
        language: patch.language.filter(|l| *l != c.language),
        visibility,
        course_id,
        ..CommunityChanges::default()
    })
}

// ---------------------------------------------------------------- own membership

/// What joining did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// A new active membership.
    Created,
    /// Active already, or an invitation accepted.
    Active,
    /// A request made earlier (before private communities became invitation-only),
    /// still waiting for a moderator.
    StillPending,
}

fn new_member<'a>(
    community_id: CommunityId,
    user_id: UserId,
    status: MemberStatus,
    invited_by: Option<UserId>,
    ban_reason: Option<&'a str>,
) -> NewMember<'a> {
    let at = now();
    NewMember {
        community_id,
        user_id,
        role: CommunityRole::Member,
        status,
        watching: false,
        invited_by,
        ban_reason,
        created_at: at,
        updated_at: at,
    }
}

/// The caller joins: at once in `public` and `members` communities (and in a private one
/// they were invited to), else as a request a moderator decides.
pub fn join(
    conn: &mut DbConn,
    user: &AuthUser,
    id: CommunityId,
) -> Result<(Joined, Member), ApiError> {
    db::lock_row(conn, "communities", id.get())?;
    // A private community is joined by invitation only: to anyone else it answers as an
    // unknown id does, so that asking to join never reveals it.
    let access = access(conn, id, Some(user))?;
    let user_id = user.id;
    let private = access.visibility == Visibility::Private;
    let activate =
        |conn: &mut DbConn| repo::set_status(conn, id, user_id, MemberStatus::Active, None, None);
    let (outcome, member) = match repo::member(conn, id, user_id)? {
        Some(m) => match m.status {
            MemberStatus::Banned => {
                return Err(ApiError::forbidden(
                    "banned",
                    "you were banned from this community",
                ));
            }
            MemberStatus::Active => (Joined::Active, m),
            MemberStatus::Invited => (Joined::Active, activate(conn)?),
            MemberStatus::Pending if !private => (Joined::Active, activate(conn)?),
            MemberStatus::Pending => (Joined::StillPending, m),
        },
        None if private => return Err(ApiError::NotFound),
        None => {
            let status = MemberStatus::Active;
            let m = repo::insert_member(conn, &new_member(id, user_id, status, None, None))?;
            (Joined::Created, m)
        }
    };
    repo::recount_members(conn, id)?;
    Ok((outcome, member))
}

/// The caller leaves, withdraws their request or declines an invitation.
pub fn leave(conn: &mut DbConn, user: &AuthUser, id: CommunityId) -> Result<(), ApiError> {
    db::lock_row(conn, "communities", id.get())?;
    access(conn, id, Some(user))?;
    drop_membership(
        conn,
        id,
        user.id,
        "you were banned from this community; a ban is lifted only by its moderators",
    )
}

/// Deletes the membership of `user_id` (404 without one) with its thread subscriptions;
/// a ban stays (409 `banned`, saying `if_banned`), and so does the last moderator.
fn drop_membership(
    conn: &mut DbConn,
    id: CommunityId,
    user_id: UserId,
    if_banned: &str,
) -> Result<(), ApiError> {
    let member = repo::member(conn, id, user_id)?.ok_or(ApiError::NotFound)?;
    if member.status == MemberStatus::Banned {
        return Err(conflict("banned", if_banned));
    }
    if member.is_active_moderator() && repo::active_moderators(conn, id)? <= 1 {
        return Err(last_moderator());
    }
    repo::delete_member(conn, id, user_id)?;
    repo::remove_thread_subscriptions(conn, id, user_id)?;
    repo::recount_members(conn, id)?;
    Ok(())
}

// ---------------------------------------------------------------- members

/// A page of a community's members: active ones for readers, the other statuses for
/// moderators.
pub fn list_members(
    conn: &mut DbConn,
    viewer: Option<&AuthUser>,
    id: CommunityId,
    status: MemberStatus,
    role: Option<CommunityRole>,
    page: &PageRequest<TimeKey>,
) -> Result<Page<MemberItem>, ApiError> {
    let access = access(conn, id, viewer)?;
    access.require_read()?;
    if status != MemberStatus::Active {
        access.require_moderator()?;
    }
    let after = page.after.as_ref().map(|(at, uid)| (at.0, UserId(*uid)));
    let rows = repo::list_members(conn, id, status, role, after, page.fetch_limit())?;
    Ok(page.finish(
        rows,
        "created_at",
        |(m, _)| (TimeKey(m.created_at), m.user_id.get()),
        |(member, display_name)| {
            MemberItem::from(&NamedMember {
                member,
                display_name,
            })
        },
    ))
}

/// The moderator's access, checked, with the community row locked.
fn moderate(conn: &mut DbConn, user: &AuthUser, id: CommunityId) -> Result<Access, ApiError> {
    db::lock_row(conn, "communities", id.get())?;
    let access = access(conn, id, Some(user))?;
    access.require_moderator()?;
    Ok(access)
}

fn log(
    conn: &mut DbConn,
    id: CommunityId,
    moderator: &AuthUser,
    action: &'static str,
    target: UserId,
    reason: Option<String>,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        &Entry {
            community_id: id.get(),
            moderator_id: moderator.id.get(),
            action,
            target_user_id: Some(target.get()),
            reason,
            ..Entry::default()
        },
    )
}

fn notify(
    conn: &mut DbConn,
    id: CommunityId,
    user_id: UserId,
    kind: NoticeKind,
    actor: &AuthUser,
) -> Result<(), ApiError> {
    notify_one(
        conn,
        &Notice {
            user_id,
            kind,
            community_id: id,
            thread_id: None,
            post_id: None,
            actor_id: Some(actor.id),
        },
    )
}

/// What an invitation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invited {
    /// A new invitation.
    Created,
    /// Invited already, or a pending request approved by it.
    Existing,
}

/// A moderator invites an account. An invitation answers a pending request (the requester
/// becomes active).
pub fn invite(
    conn: &mut DbConn,
    user: &AuthUser,
    id: CommunityId,
    target: UserId,
) -> Result<(Invited, NamedMember), ApiError> {
    moderate(conn, user, id)?;
    let display_name = repo::active_user(conn, target)?.ok_or_else(unknown_user)?;
    let (outcome, member) = match repo::member(conn, id, target)? {
        Some(m) => match m.status {
            MemberStatus::Active => {
                return Err(conflict(
                    "already_member",
                    "this account is a member already",
                ));
            }
            MemberStatus::Banned => {
                return Err(conflict(
                    "banned",
                    "this account is banned here; lift the ban first",
                ));
            }
            MemberStatus::Invited => (Invited::Existing, m),
            MemberStatus::Pending => {
                let m = repo::set_status(conn, id, target, MemberStatus::Active, None, None)?;
                log(conn, id, user, "invite_member", target, None)?;
                notify(conn, id, target, NoticeKind::JoinApproved, user)?;
                (Invited::Existing, m)
            }
        },
        None => {
            let new = new_member(id, target, MemberStatus::Invited, Some(user.id), None);
            let m = repo::insert_member(conn, &new)?;
            log(conn, id, user, "invite_member", target, None)?;
            notify(conn, id, target, NoticeKind::Invited, user)?;
            (Invited::Created, m)
        }
    };
    repo::recount_members(conn, id)?;
    Ok((
        outcome,
        NamedMember {
            member,
            display_name,
        },
    ))
}

/// The membership of `target` (404 without one) when its status is `status`, else `wrong`.
fn member_with(
    conn: &mut DbConn,
    id: CommunityId,
    target: UserId,
    status: MemberStatus,
    wrong: ApiError,
) -> Result<Member, ApiError> {
    let member = repo::member(conn, id, target)?.ok_or(ApiError::NotFound)?;
    if member.status == status {
        Ok(member)
    } else {
        Err(wrong)
    }
}

/// A moderator's decision on a pending request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

/// A moderator approves (the requester becomes active, and is told) or rejects (the request
/// is deleted) a pending request. Answers the member after an approval.
pub fn decide(
    conn: &mut DbConn,
    user: &AuthUser,
    id: CommunityId,
    target: UserId,
    decision: Decision,
) -> Result<Option<NamedMember>, ApiError> {
    moderate(conn, user, id)?;
    member_with(
        conn,
        id,
        target,
        MemberStatus::Pending,
        conflict("not_pending", "this account has no pending request to join"),
    )?;
    match decision {
        Decision::Approve => {
            let m = repo::set_status(conn, id, target, MemberStatus::Active, None, None)?;
            repo::recount_members(conn, id)?;
            log(conn, id, user, "approve_member", target, None)?;
            notify(conn, id, target, NoticeKind::JoinApproved, user)?;
            Ok(Some(named(conn, m)?))
        }
        Decision::Reject => {
            repo::delete_member(conn, id, target)?;
            log(conn, id, user, "reject_member", target, None)?;
            Ok(None)
        }
    }
}

/// A moderator changes an active member's role; the last moderator stays one.
pub fn change_role(
    conn: &mut DbConn,
    user: &AuthUser,
    id: CommunityId,
    target: UserId,
    role: CommunityRole,
) -> Result<NamedMember, ApiError> {
    moderate(conn, user, id)?;
    let member = member_with(
        conn,
        id,
        target,
        MemberStatus::Active,
        conflict("not_active", "only active members have a role to change"),
    )?;
    if member.role == role {
        return named(conn, member);
    }
    if role == CommunityRole::Member && repo::active_moderators(conn, id)? <= 1 {
        return Err(last_moderator());
    }
    let m = repo::set_role(conn, id, target, role)?;
    log(
        conn,
        id,
        user,
        "change_role",
        target,
        Some(role.as_str().to_owned()),
    )?;
    named(conn, m)
}

/// A moderator removes a membership (or withdraws an invitation, or drops a request);
/// banned accounts are unbanned through the bans instead.
pub fn remove_member(
    conn: &mut DbConn,
    user: &AuthUser,
    id: CommunityId,
    target: UserId,
) -> Result<(), ApiError> {
    moderate(conn, user, id)?;
    drop_membership(
        conn,
        id,
        target,
        "this account is banned; lift the ban with DELETE /communities/{id}/bans/{user_id}",
    )?;
    log(conn, id, user, "remove_member", target, None)?;
    Ok(())
}

/// A moderator bans an account (a member or not): it can no longer take part, loses a
/// private community, stops watching its threads, and is told. Moderators (including
/// platform staff where they moderate) cannot be banned.
pub fn ban(
    conn: &mut DbConn,
    user: &AuthUser,
    id: CommunityId,
    target: UserId,
    reason: String,
) -> Result<NamedMember, ApiError> {
    moderate(conn, user, id)?;
    let (display_name, platform_role) =
        repo::user_name_and_role(conn, target)?.ok_or_else(unknown_user)?;
    if target == user.id {
        return Err(conflict("cannot_ban_self", "nobody bans themselves"));
    }
    let target_access =
        repo::access(conn, id, Some((target, platform_role)))?.ok_or(ApiError::NotFound)?;
    if target_access.is_moderator() {
        return Err(conflict(
            "is_moderator",
            "moderators cannot be banned; make them a member first",
        ));
    }
    let member = match target_access.membership {
        Some((_, MemberStatus::Banned)) => {
            return Err(conflict("already_banned", "this account is banned already"));
        }
        Some(_) => repo::set_status(
            conn,
            id,
            target,
            MemberStatus::Banned,
            Some(CommunityRole::Member),
            Some(&reason),
        )?,
        None => repo::insert_member(
            conn,
            &new_member(id, target, MemberStatus::Banned, None, Some(&reason)),
        )?,
    };
    repo::remove_thread_subscriptions(conn, id, target)?;
    repo::recount_members(conn, id)?;
    log(conn, id, user, "ban_member", target, Some(reason.clone()))?;
    notify(conn, id, target, NoticeKind::Banned, user)?;
    Ok(NamedMember {
        member,
        display_name,
    })
}

/// A moderator lifts a ban: the banned row goes, and the account may join again.
pub fn unban(
    conn: &mut DbConn,
    user: &AuthUser,
    id: CommunityId,
    target: UserId,
) -> Result<(), ApiError> {
    moderate(conn, user, id)?;
    member_with(conn, id, target, MemberStatus::Banned, ApiError::NotFound)?;
    repo::delete_member(conn, id, target)?;
    log(conn, id, user, "unban_member", target, None)?;
    Ok(())
}

// ---------------------------------------------------------------- managed spaces

/// Creates a private community whose members another domain manages (a cohort's space,
/// `cohorts::space`), in the caller's transaction: nobody is a member yet, and its slug is
/// `slug_base`, or `slug_base-2`, `-3`, … when that is taken. The caller has decided who
/// may cause this; no community rule is asked.
pub fn create_managed(
    conn: &mut DbConn,
    created_by: UserId,
    slug_base: &str,
    name: String,
    language: String,
) -> Result<Community, ApiError> {
    let mut slug = slug_base.to_owned();
    let mut n = 1;
    while repo::slug_taken(conn, &slug)? {
        n += 1;
        slug = format!("{slug_base}-{n}");
    }
    let at = now();
    repo::insert_community(
        conn,
        &NewCommunity {
            slug,
            name,
            description: String::new(),
            language,
            visibility: Visibility::Private,
            course_id: None,
            created_by,
            member_count: 0,
            thread_count: 0,
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(unique_slug)
}

/// Makes `user_id` an active member with `role` of a community whose membership another
/// domain manages, or no member (`None`; their thread subscriptions go too), in the
/// caller's transaction; the member count follows. A ban by the community's moderators
/// stands either way. The last-moderator rule guards members leaving on their own and is
/// not applied here: the managing domain decides who moderates.
pub fn set_managed_member(
    conn: &mut DbConn,
    id: CommunityId,
    user_id: UserId,
    role: Option<CommunityRole>,
) -> Result<(), ApiError> {
    db::lock_row(conn, "communities", id.get())?;
    let current = repo::member(conn, id, user_id)?;
    match (current, role) {
        (Some(m), _) if m.status == MemberStatus::Banned => return Ok(()),
        (Some(m), Some(role)) if m.status == MemberStatus::Active && m.role == role => {
            return Ok(());
        }
        (Some(_), Some(role)) => {
            repo::set_status(conn, id, user_id, MemberStatus::Active, Some(role), None)?;
        }
        (None, Some(role)) => {
            let new = NewMember {
                role,
                ..new_member(id, user_id, MemberStatus::Active, None, None)
            };
            repo::insert_member(conn, &new)?;
        }
        (Some(_), None) => {
            repo::delete_member(conn, id, user_id)?;
            repo::remove_thread_subscriptions(conn, id, user_id)?;
        }
        (None, None) => return Ok(()),
    }
    repo::recount_members(conn, id)?;
    Ok(())
}

/// Deletes a community whose members another domain manages, with everything in it, when
/// that domain deletes what it belonged to (a cohort deleted while still in planning).
pub fn delete_managed(conn: &mut DbConn, id: CommunityId) -> Result<(), ApiError> {
    db::lock_row(conn, "communities", id.get())?;
    repo::delete_community(conn, id)?;
    Ok(())
}
