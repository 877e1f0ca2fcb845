//! Community and membership rules: who may create and change communities, and every
//! membership change, each in one transaction with its counters, notifications and log.

use crate::auth::{AuthUser, Role};
use crate::communities::access::{self, Access, CommunityRole, MemberStatus, Visibility};
use crate::communities::audit::{self, Entry};
use crate::communities::dto::{
    CommunityPatch, CommunityResponse, CommunitySort, MemberItem, MembershipResponse, MyMembership,
    NewCommunityInput, utc,
};
use crate::communities::model::{
    Community, CommunityChanges, EmailPreference, Member, NewCommunity, NewMember,
};
use crate::communities::repo::{self, ListFilter};
use crate::db::{Db, DbConn, now};
use crate::error::ApiError;
use crate::http::etag::{self, IfMatch};
use crate::http::pagination::{Page, PageRequest};
use crate::notifications::{Notice, NoticeKind, notify_one};
use crate::types::markdown::to_safe_html;

// ---------------------------------------------------------------- rules

/// Who may create a community of this visibility: coordinators and admins any; trainers
/// only `private` ones (403 `private_only`); members none (403 `forbidden`).
pub fn may_create(user: &AuthUser, visibility: Visibility) -> Result<(), ApiError> {
    if user.is_at_least(Role::Coordinator) {
        return Ok(());
    }
    if user.is_at_least(Role::Trainer) {
        if visibility == Visibility::Private {
            return Ok(());
        }
        return Err(private_only());
    }
    Err(ApiError::forbidden(
        "forbidden",
        "only trainers, coordinators and admins create communities",
    ))
}

/// Whether `user` may give a community `visibility`: only staff make it readable beyond
/// its members.
fn may_set_visibility(user: &AuthUser, visibility: Visibility) -> Result<(), ApiError> {
    if visibility == Visibility::Private || user.is_at_least(Role::Coordinator) {
        Ok(())
    } else {
        Err(private_only())
    }
}

fn private_only() -> ApiError {
    ApiError::forbidden(
        "private_only",
        "only coordinators and admins make a community public or members-only",
    )
}

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

fn broken(what: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("stored {what} is not a known value"))
}

fn role_of(m: &Member) -> Result<CommunityRole, ApiError> {
    CommunityRole::parse(&m.role).ok_or_else(|| broken("community role"))
}

fn status_of(m: &Member) -> Result<MemberStatus, ApiError> {
    MemberStatus::parse(&m.status).ok_or_else(|| broken("member status"))
}

fn is_active_moderator(m: &Member) -> bool {
    m.status == MemberStatus::Active.as_str() && m.role == CommunityRole::Moderator.as_str()
}

// ---------------------------------------------------------------- views

fn my_membership(m: &Member) -> Result<MyMembership, ApiError> {
    Ok(MyMembership {
        role: role_of(m)?,
        status: status_of(m)?,
        email_preference: EmailPreference::parse(&m.email_preference)
            .ok_or_else(|| broken("email preference"))?,
        watching: m.watching,
    })
}

/// A community as its caller sees it; `limited` hides the counts (an invited or pending
/// caller of a private community).
fn view(
    c: &Community,
    membership: Option<&Member>,
    limited: bool,
) -> Result<CommunityResponse, ApiError> {
    Ok(CommunityResponse {
        id: c.id,
        slug: c.slug.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        description_html: to_safe_html(&c.description),
        language: c.language.clone(),
        visibility: Visibility::parse(&c.visibility).ok_or_else(|| broken("visibility"))?,
        course_id: c.course_id,
        member_count: (!limited).then_some(c.member_count),
        thread_count: (!limited).then_some(c.thread_count),
        last_activity_at: if limited {
            None
        } else {
            c.last_activity_at.map(utc)
        },
        created_at: utc(c.created_at),
        updated_at: utc(c.updated_at),
        my_membership: membership.map(my_membership).transpose()?,
    })
}

fn membership_view(m: &Member) -> Result<MembershipResponse, ApiError> {
    let mine = my_membership(m)?;
    Ok(MembershipResponse {
        community_id: m.community_id,
        user_id: m.user_id,
        role: mine.role,
        status: mine.status,
        email_preference: mine.email_preference,
        watching: mine.watching,
        created_at: utc(m.created_at),
        updated_at: utc(m.updated_at),
    })
}

fn member_item(m: &Member, display_name: String) -> Result<MemberItem, ApiError> {
    Ok(MemberItem {
        user_id: m.user_id,
        display_name,
        role: role_of(m)?,
        status: status_of(m)?,
        created_at: utc(m.created_at),
        ban_reason: m.ban_reason.clone(),
    })
}

fn member_item_of(conn: &mut DbConn, m: &Member) -> Result<MemberItem, ApiError> {
    let name = repo::user_name_and_role(conn, m.user_id)?
        .map(|(name, _)| name)
        .unwrap_or_default();
    member_item(m, name)
}

/// The community as `viewer` may see it: in full for readers, limited for an invited or
/// pending caller of a private community; else the error of [`Access::require_read`].
fn readable_view(
    conn: &mut DbConn,
    id: i64,
    viewer: Option<&AuthUser>,
) -> Result<CommunityResponse, ApiError> {
    let access = access::load(conn, id, viewer)?;
    let community = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let membership = match viewer {
        Some(u) => repo::member(conn, id, u.id)?,
        None => None,
    };
    if access.can_read() {
        return view(&community, membership.as_ref(), false);
    }
    let waiting = matches!(
        access.membership,
        Some((_, MemberStatus::Invited | MemberStatus::Pending))
    );
    if access.visibility == Visibility::Private && waiting {
        return view(&community, membership.as_ref(), true);
    }
    access.require_read()?;
    Err(ApiError::NotFound)
}

// ---------------------------------------------------------------- communities

/// A page of the communities `viewer` may read.
pub async fn list(
    db: &Db,
    viewer: Option<AuthUser>,
    mut filter: ListFilter,
    sort: CommunitySort,
    page: PageRequest<String>,
) -> Result<Page<CommunityResponse>, ApiError> {
    db.read(move |conn| {
        filter.viewer = viewer.as_ref().map(|u| u.id);
        if let Some(u) = &viewer {
            filter.private_ids = access::readable_private_ids(conn, u.id)?;
        }
        let rows = repo::list(conn, &filter, sort, page.after.as_ref(), page.fetch_limit())?;
        let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
        let memberships = match &viewer {
            Some(u) => repo::memberships_of(conn, u.id, &ids)?,
            None => Vec::new(),
        };
        let page = page.finish(rows, sort.as_str(), |c| repo::sort_key(c, sort), |c| c);
        let items = page
            .items
            .iter()
            .map(|c| {
                let mine = memberships.iter().find(|m| m.community_id == c.id);
                view(c, mine, false)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
        })
    })
    .await
}

/// One community as `viewer` may see it.
pub async fn get(
    db: &Db,
    viewer: Option<AuthUser>,
    id: i64,
) -> Result<CommunityResponse, ApiError> {
    db.read(move |conn| readable_view(conn, id, viewer.as_ref()))
        .await
}

/// Creates a community; its creator becomes its first moderator.
pub async fn create(
    db: &Db,
    user: &AuthUser,
    input: NewCommunityInput,
) -> Result<CommunityResponse, ApiError> {
    may_create(user, input.visibility)?;
    let user_id = user.id;
    db.write(move |conn| {
        if let Some(course_id) = input.course_id
            && !repo::course_exists(conn, course_id)?
        {
            return Err(ApiError::invalid_field(
                "course_id",
                "unknown_course",
                "no such course",
            ));
        }
        if repo::slug_taken(conn, &input.slug)? {
            return Err(slug_taken());
        }
        let at = now();
        let community = repo::insert_community(
            conn,
            &NewCommunity {
                slug: input.slug,
                name: input.name,
                description: input.description,
                language: input.language,
                visibility: input.visibility.as_str().to_owned(),
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
                role: CommunityRole::Moderator.as_str(),
                status: MemberStatus::Active.as_str(),
                watching: true,
                invited_by: None,
                ban_reason: None,
                created_at: at,
                updated_at: at,
            },
        )?;
        repo::recount_members(conn, community.id)?;
        let community = repo::find(conn, community.id)?.ok_or(ApiError::NotFound)?;
        view(&community, Some(&member), false)
    })
    .await
}

fn slug_taken() -> ApiError {
    conflict(
        "slug_taken",
        "another community has this slug; choose another",
    )
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

/// Changes a community (its moderators), if it is still the version `if_match` names.
pub async fn update(
    db: &Db,
    user: &AuthUser,
    id: i64,
    if_match: Option<IfMatch>,
    patch: CommunityPatch,
) -> Result<CommunityResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        repo::lock_community(conn, id)?;
        access::load(conn, id, Some(&user))?.require_moderator()?;
        let current = readable_view(conn, id, Some(&user))?;
        if let Some(cond) = &if_match
            && !cond.matches(&etag::of(
                &serde_json::to_vec(&current).map_err(ApiError::internal)?,
            ))
        {
            return Err(ApiError::PreconditionFailed);
        }
        let c = repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
        let mut changes = CommunityChanges::default();
        if let Some(name) = patch.name.filter(|n| *n != c.name) {
            changes.name = Some(name);
        }
        if let Some(description) = patch.description.filter(|d| *d != c.description) {
            changes.description = Some(description);
        }
        if let Some(language) = patch.language.filter(|l| *l != c.language) {
            changes.language = Some(language);
        }
        if let Some(visibility) = patch
            .visibility
            .filter(|v| v.as_str() != c.visibility.as_str())
        {
            may_set_visibility(&user, visibility)?;
            changes.visibility = Some(visibility.as_str().to_owned());
        }
        if let Some(course_id) = patch.course_id.filter(|v| *v != c.course_id) {
            if let Some(course_id) = course_id
                && !repo::course_exists(conn, course_id)?
            {
                return Err(ApiError::invalid_field(
                    "course_id",
                    "unknown_course",
                    "no such course",
                ));
            }
            changes.course_id = Some(course_id);
        }
        let unchanged = changes.name.is_none()
            && changes.description.is_none()
            && changes.language.is_none()
            && changes.visibility.is_none()
            && changes.course_id.is_none();
        if unchanged {
            return Ok(current);
        }
        changes.updated_at = Some(now());
        repo::update_community(conn, id, &changes)?;
        audit::record(
            conn,
            &Entry {
                community_id: id,
                moderator_id: user.id,
                action: "update_community",
                ..Entry::default()
            },
        )?;
        readable_view(conn, id, Some(&user))
    })
    .await
}

// ---------------------------------------------------------------- own membership

/// What joining did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// A new active membership.
    Created,
    /// Active already, or an invitation accepted.
    Active,
    /// A new request, waiting for a moderator.
    Requested,
    /// Requested already.
    StillPending,
}

/// The caller joins: at once in `public` and `members` communities (and in a private one
/// they were invited to), else as a request a moderator decides.
pub async fn join(
    db: &Db,
    user: &AuthUser,
    id: i64,
) -> Result<(Joined, MembershipResponse), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        repo::lock_community(conn, id)?;
        // A private community may be asked to join by anyone who knows its id.
        let access = access::load(conn, id, Some(&user))?;
        let existing = repo::member(conn, id, user.id)?;
        let (outcome, member) = match existing {
            Some(m) => match status_of(&m)? {
                MemberStatus::Banned => {
                    return Err(ApiError::forbidden(
                        "banned",
                        "you were banned from this community",
                    ));
                }
                MemberStatus::Active => (Joined::Active, m),
                MemberStatus::Invited => (
                    Joined::Active,
                    repo::set_status(conn, id, user.id, MemberStatus::Active, None, None)?,
                ),
                MemberStatus::Pending if access.visibility != Visibility::Private => (
                    Joined::Active,
                    repo::set_status(conn, id, user.id, MemberStatus::Active, None, None)?,
                ),
                MemberStatus::Pending => (Joined::StillPending, m),
            },
            None => {
                let (outcome, status) = if access.visibility == Visibility::Private {
                    (Joined::Requested, MemberStatus::Pending)
                } else {
                    (Joined::Created, MemberStatus::Active)
                };
                let at = now();
                let m = repo::insert_member(
                    conn,
                    &NewMember {
                        community_id: id,
                        user_id: user.id,
                        role: CommunityRole::Member.as_str(),
                        status: status.as_str(),
                        watching: false,
                        invited_by: None,
                        ban_reason: None,
                        created_at: at,
                        updated_at: at,
                    },
                )?;
                (outcome, m)
            }
        };
        repo::recount_members(conn, id)?;
        Ok((outcome, membership_view(&member)?))
    })
    .await
}

/// The caller leaves, withdraws their request or declines an invitation.
pub async fn leave(db: &Db, user: &AuthUser, id: i64) -> Result<(), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        repo::lock_community(conn, id)?;
        access::load(conn, id, Some(&user))?;
        let member = repo::member(conn, id, user.id)?.ok_or(ApiError::NotFound)?;
        if status_of(&member)? == MemberStatus::Banned {
            return Err(conflict(
                "banned",
                "you were banned from this community; a ban is lifted only by its moderators",
            ));
        }
        if is_active_moderator(&member) && repo::active_moderators(conn, id)? <= 1 {
            return Err(last_moderator());
        }
        repo::delete_member(conn, id, user.id)?;
        repo::remove_thread_subscriptions(conn, id, user.id)?;
        repo::recount_members(conn, id)?;
        Ok(())
    })
    .await
}

// ---------------------------------------------------------------- members

/// A page of a community's members: active ones for readers, the other statuses for
/// moderators.
pub async fn list_members(
    db: &Db,
    viewer: Option<AuthUser>,
    id: i64,
    status: MemberStatus,
    role: Option<CommunityRole>,
    page: PageRequest<String>,
) -> Result<Page<MemberItem>, ApiError> {
    db.read(move |conn| {
        let access = access::load(conn, id, viewer.as_ref())?;
        access.require_read()?;
        if status != MemberStatus::Active {
            access.require_moderator()?;
        }
        let rows = repo::list_members(
            conn,
            id,
            status,
            role,
            page.after.as_ref(),
            page.fetch_limit(),
        )?;
        let page = page.finish(
            rows,
            "created_at",
            |(m, _)| {
                (
                    m.created_at.format(repo::TIME_KEY_FORMAT).to_string(),
                    m.user_id,
                )
            },
            |r| r,
        );
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|(m, name)| member_item(&m, name))
                .collect::<Result<Vec<_>, _>>()?,
            next_cursor: page.next_cursor,
        })
    })
    .await
}

/// The moderator's access, checked, with the community row locked.
fn moderate(conn: &mut DbConn, user: &AuthUser, id: i64) -> Result<Access, ApiError> {
    repo::lock_community(conn, id)?;
    let access = access::load(conn, id, Some(user))?;
    access.require_moderator()?;
    Ok(access)
}

fn log(
    conn: &mut DbConn,
    id: i64,
    moderator: i64,
    action: &'static str,
    target: i64,
    reason: Option<String>,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        &Entry {
            community_id: id,
            moderator_id: moderator,
            action,
            target_user_id: Some(target),
            reason,
            ..Entry::default()
        },
    )
}

fn notify(
    conn: &mut DbConn,
    id: i64,
    user_id: i64,
    kind: NoticeKind,
    actor: i64,
) -> Result<(), ApiError> {
    notify_one(
        conn,
        &Notice {
            user_id,
            kind,
            community_id: id,
            thread_id: None,
            post_id: None,
            actor_id: Some(actor),
        },
    )
}

fn unknown_user() -> ApiError {
    ApiError::invalid_field("user_id", "unknown_user", "no such active account")
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
pub async fn invite(
    db: &Db,
    user: &AuthUser,
    id: i64,
    target: i64,
) -> Result<(Invited, MemberItem), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        moderate(conn, &user, id)?;
        let name = repo::active_user(conn, target)?.ok_or_else(unknown_user)?;
        let (outcome, member) = match repo::member(conn, id, target)? {
            Some(m) => match status_of(&m)? {
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
                    log(conn, id, user.id, "invite_member", target, None)?;
                    notify(conn, id, target, NoticeKind::JoinApproved, user.id)?;
                    (Invited::Existing, m)
                }
            },
            None => {
                let at = now();
                let m = repo::insert_member(
                    conn,
                    &NewMember {
                        community_id: id,
                        user_id: target,
                        role: CommunityRole::Member.as_str(),
                        status: MemberStatus::Invited.as_str(),
                        watching: false,
                        invited_by: Some(user.id),
                        ban_reason: None,
                        created_at: at,
                        updated_at: at,
                    },
                )?;
                log(conn, id, user.id, "invite_member", target, None)?;
                notify(conn, id, target, NoticeKind::Invited, user.id)?;
                (Invited::Created, m)
            }
        };
        repo::recount_members(conn, id)?;
        Ok((outcome, member_item(&member, name)?))
    })
    .await
}

/// A moderator's decision on a pending request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

/// A moderator approves (the requester becomes active, and is told) or rejects (the request
/// is deleted) a pending request. Answers the member after an approval.
pub async fn decide(
    db: &Db,
    user: &AuthUser,
    id: i64,
    target: i64,
    decision: Decision,
) -> Result<Option<MemberItem>, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        moderate(conn, &user, id)?;
        let member = repo::member(conn, id, target)?.ok_or(ApiError::NotFound)?;
        if status_of(&member)? != MemberStatus::Pending {
            return Err(conflict(
                "not_pending",
                "this account has no pending request to join",
            ));
        }
        match decision {
            Decision::Approve => {
                let m = repo::set_status(conn, id, target, MemberStatus::Active, None, None)?;
                repo::recount_members(conn, id)?;
                log(conn, id, user.id, "approve_member", target, None)?;
                notify(conn, id, target, NoticeKind::JoinApproved, user.id)?;
                Ok(Some(member_item_of(conn, &m)?))
            }
            Decision::Reject => {
                repo::delete_member(conn, id, target)?;
                log(conn, id, user.id, "reject_member", target, None)?;
                Ok(None)
            }
        }
    })
    .await
}

/// A moderator changes an active member's role; the last moderator stays one.
pub async fn change_role(
    db: &Db,
    user: &AuthUser,
    id: i64,
    target: i64,
    role: CommunityRole,
) -> Result<MemberItem, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        moderate(conn, &user, id)?;
        let member = repo::member(conn, id, target)?.ok_or(ApiError::NotFound)?;
        if status_of(&member)? != MemberStatus::Active {
            return Err(conflict(
                "not_active",
                "only active members have a role to change",
            ));
        }
        if role_of(&member)? == role {
            return member_item_of(conn, &member);
        }
        if role == CommunityRole::Member && repo::active_moderators(conn, id)? <= 1 {
            return Err(last_moderator());
        }
        let m = repo::set_role(conn, id, target, role)?;
        log(
            conn,
            id,
            user.id,
            "change_role",
            target,
            Some(role.as_str().to_owned()),
        )?;
        member_item_of(conn, &m)
    })
    .await
}

/// A moderator removes a membership (or withdraws an invitation, or drops a request);
/// banned accounts are unbanned through the bans instead.
pub async fn remove_member(db: &Db, user: &AuthUser, id: i64, target: i64) -> Result<(), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        moderate(conn, &user, id)?;
        let member = repo::member(conn, id, target)?.ok_or(ApiError::NotFound)?;
        if status_of(&member)? == MemberStatus::Banned {
            return Err(conflict(
                "banned",
                "this account is banned; lift the ban with DELETE /communities/{id}/bans/{user_id}",
            ));
        }
        if is_active_moderator(&member) && repo::active_moderators(conn, id)? <= 1 {
            return Err(last_moderator());
        }
        repo::delete_member(conn, id, target)?;
        repo::remove_thread_subscriptions(conn, id, target)?;
        repo::recount_members(conn, id)?;
        log(conn, id, user.id, "remove_member", target, None)?;
        Ok(())
    })
    .await
}

/// A moderator bans an account (a member or not): it can no longer take part, loses a
/// private community, stops watching its threads, and is told.
pub async fn ban(
    db: &Db,
    user: &AuthUser,
    id: i64,
    target: i64,
    reason: String,
) -> Result<MemberItem, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let access = moderate(conn, &user, id)?;
        let (name, platform_role) =
            repo::user_name_and_role(conn, target)?.ok_or_else(unknown_user)?;
        if target == user.id {
            return Err(conflict("cannot_ban_self", "nobody bans themselves"));
        }
        let existing = repo::member(conn, id, target)?;
        // Platform staff moderate public and members-only communities without joining.
        let staff = Role::parse(&platform_role).is_some_and(|r| r >= Role::Coordinator)
            && access.visibility != Visibility::Private;
        if staff || existing.as_ref().is_some_and(is_active_moderator) {
            return Err(conflict(
                "is_moderator",
                "moderators cannot be banned; make them a member first",
            ));
        }
        let member = match existing {
            Some(m) if status_of(&m)? == MemberStatus::Banned => {
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
            None => {
                let at = now();
                repo::insert_member(
                    conn,
                    &NewMember {
                        community_id: id,
                        user_id: target,
                        role: CommunityRole::Member.as_str(),
                        status: MemberStatus::Banned.as_str(),
                        watching: false,
                        invited_by: None,
                        ban_reason: Some(&reason),
                        created_at: at,
                        updated_at: at,
                    },
                )?
            }
        };
        repo::remove_thread_subscriptions(conn, id, target)?;
        repo::recount_members(conn, id)?;
        log(
            conn,
            id,
            user.id,
            "ban_member",
            target,
            Some(reason.clone()),
        )?;
        notify(conn, id, target, NoticeKind::Banned, user.id)?;
        member_item(&member, name)
    })
    .await
}

/// A moderator lifts a ban: the banned row goes, and the account may join again.
pub async fn unban(db: &Db, user: &AuthUser, id: i64, target: i64) -> Result<(), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        moderate(conn, &user, id)?;
        match repo::member(conn, id, target)? {
            Some(m) if status_of(&m)? == MemberStatus::Banned => {}
            _ => return Err(ApiError::NotFound),
        }
        repo::delete_member(conn, id, target)?;
        log(conn, id, user.id, "unban_member", target, None)?;
        Ok(())
    })
    .await
}
