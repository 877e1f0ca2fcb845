//! Queries of communities and memberships.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamp};

use crate::auth::Role;
use crate::auth::policy::community::{self as policy, Access};
use crate::communities::model::{
    Community, CommunityChanges, CommunityRole, CommunitySort, Member, MemberStatus, NewCommunity,
    NewMember, Visibility,
};
use crate::db::schema::{
    communities, community_members, courses, thread_subscriptions, threads, users,
};
use crate::db::{DbConn, any_of, like_contains, now};
use crate::types::{CommunityId, CourseId, UserId};

/// The SQL function that lower-cases Unicode text on this connection (registered on every
/// SQLite connection when it opens: `db::unicode_lower`).
fn lower_fn(conn: &mut DbConn) -> &'static str {
    match conn {
        DbConn::Sqlite(_) => "unicode_lower",
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => "LOWER",
    }
}

// ---------------------------------------------------------------- access

/// The access of `viewer` (an account with its platform role, or nobody) to community `id`;
/// `None` when the community does not exist. One statement: the community with the
/// viewer's membership, if any (nobody is viewer 0, whom no membership names).
pub fn access(
    conn: &mut DbConn,
    id: CommunityId,
    viewer: Option<(UserId, Role)>,
) -> QueryResult<Option<Access>> {
    let user_id = viewer.map_or(UserId(0), |(user_id, _)| user_id);
    let Some((visibility, membership)) = communities::table
        .left_join(community_members::table.on(membership_on(user_id)))
        .filter(communities::id.eq(id))
        .select((
            communities::visibility,
            (community_members::role, community_members::status).nullable(),
        ))
        .first::<(Visibility, Option<(CommunityRole, MemberStatus)>)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    Ok(Some(access_from(id, visibility, viewer, membership)))
}

/// Joins to `communities` the membership of account `user_id` (of nobody for 0), for
/// [`access`] and the statements that extend it.
#[diesel::dsl::auto_type]
pub fn membership_on(user_id: UserId) -> _ {
    community_members::community_id
        .eq(communities::id)
        .and(community_members::user_id.eq(user_id))
}

/// The access of `viewer` to community `id` from the community's visibility and the
/// viewer's membership, read beside another row (the rule of [`access`], whose statement
/// they extend: the community, and the membership left-joined on the viewer or on 0).
pub fn access_from(
    id: CommunityId,
    visibility: Visibility,
    viewer: Option<(UserId, Role)>,
    membership: Option<(CommunityRole, MemberStatus)>,
) -> Access {
    Access {
        community_id: id,
        visibility,
        viewer: viewer.map(|(user_id, _)| user_id),
        membership,
        staff: viewer.is_some_and(|(_, role)| policy::is_staff(role)),
    }
}

/// A stored platform role.
fn role(raw: &str) -> QueryResult<Role> {
    Role::parse(raw).ok_or_else(|| {
        diesel::result::Error::DeserializationError(format!("unknown stored Role `{raw}`").into())
    })
}

/// The platform role of an active, not deleted account.
pub fn active_role(conn: &mut DbConn, user_id: UserId) -> QueryResult<Option<Role>> {
    let raw: Option<String> = users::table
        .find(user_id)
        .filter(users::status.eq("active"))
        .filter(users::deleted_at.is_null())
        .select(users::role)
        .first(conn)
        .optional()?;
    raw.as_deref().map(role).transpose()
}

/// The display name and platform role of an account (any status), unless deleted.
pub fn user_name_and_role(
    conn: &mut DbConn,
    user_id: UserId,
) -> QueryResult<Option<(String, Role)>> {
    let row: Option<(String, String)> = users::table
        .find(user_id)
        .filter(users::deleted_at.is_null())
        .select((users::display_name, users::role))
        .first(conn)
        .optional()?;
    row.map(|(name, raw)| Ok((name, role(&raw)?))).transpose()
}

// ---------------------------------------------------------------- communities

/// One community.
pub fn find(conn: &mut DbConn, id: CommunityId) -> QueryResult<Option<Community>> {
    communities::table
        .find(id)
        .select(Community::as_select())
        .first(conn)
        .optional()
}

/// Whether a community has this slug.
pub fn slug_taken(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        communities::table.filter(communities::slug.eq(slug.to_owned())),
    ))
    .get_result(conn)
}

/// Whether a course exists (and is not deleted).
pub fn course_exists(conn: &mut DbConn, id: CourseId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        courses::table
            .filter(courses::id.eq(id))
            .filter(courses::deleted_at.is_null()),
    ))
    .get_result(conn)
}

/// Inserts a community.
pub fn insert_community(conn: &mut DbConn, new: &NewCommunity) -> QueryResult<Community> {
    diesel::insert_into(communities::table)
        .values(new)
        .returning(communities::all_columns)
        .get_result(conn)
}

/// Changes a community.
pub fn update_community(
    conn: &mut DbConn,
    id: CommunityId,
    changes: &CommunityChanges,
) -> QueryResult<Community> {
    diesel::update(communities::table.find(id))
        .set(changes)
        .returning(communities::all_columns)
        .get_result(conn)
}

/// Where a page of the community list starts: after this sort key (of the list's sort)
/// and id.
#[derive(Debug, Clone)]
pub enum After {
    /// A name (sorts `name` and `-name`).
    Name(String, CommunityId),
    /// A time (sorts `-last_activity_at` and `-created_at`).
    At(NaiveDateTime, CommunityId),
}

/// Filters of the community list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Lower-cased search text.
    pub q: Option<String>,
    pub language: Option<String>,
    pub visibility: Option<Visibility>,
    pub course_id: Option<CourseId>,
    /// Only communities the viewer is an active member of.
    pub joined: bool,
}

/// One page of the communities `viewer` reads, after `after`.
pub fn list(
    conn: &mut DbConn,
    viewer: Option<UserId>,
    filter: &ListFilter,
    sort: CommunitySort,
    after: Option<&After>,
    limit: i64,
) -> QueryResult<Vec<Community>> {
    let lower = if filter.q.is_some() {
        lower_fn(conn)
    } else {
        "LOWER"
    };
    let mut q = communities::table
        .select(Community::as_select())
        .filter(policy::readable(viewer))
        .into_boxed();
    if filter.joined {
        let viewer = viewer.unwrap_or(UserId(0));
        q = q.filter(
            communities::id.eq_any(
                community_members::table
                    .filter(community_members::user_id.eq(viewer))
                    .filter(community_members::status.eq(MemberStatus::Active))
                    .select(community_members::community_id),
            ),
        );
    }
    if let Some(language) = &filter.language {
        q = q.filter(communities::language.eq(language.clone()));
    }
    if let Some(visibility) = filter.visibility {
        q = q.filter(communities::visibility.eq(visibility));
    }
    if let Some(course_id) = filter.course_id {
        q = q.filter(communities::course_id.eq(course_id));
    }
    if let Some(text) = &filter.q {
        let pattern = like_contains(text);
        q = q.filter(
            sql::<Bool>(&format!("({lower}(communities.name) LIKE "))
                .bind::<Text, _>(pattern.clone())
                .sql(&format!(
                    " ESCAPE '\\' OR {lower}(communities.description) LIKE "
                ))
                .bind::<Text, _>(pattern)
                .sql(" ESCAPE '\\')"),
        );
    }
    // A community without posts counts as active since its creation.
    let activity =
        || sql::<Timestamp>("COALESCE(communities.last_activity_at, communities.created_at)");
    q = match (sort, after) {
        (_, None) => q,
        (CommunitySort::Name, Some(After::Name(key, id))) => q.filter(
            communities::name.gt(key.clone()).or(communities::name
                .eq(key.clone())
                .and(communities::id.gt(*id))),
        ),
        (CommunitySort::NameDesc, Some(After::Name(key, id))) => q.filter(
            communities::name.lt(key.clone()).or(communities::name
                .eq(key.clone())
                .and(communities::id.lt(*id))),
        ),
        (CommunitySort::LastActivityDesc, Some(After::At(at, id))) => q.filter(
            activity()
                .lt(*at)
                .or(activity().eq(*at).and(communities::id.lt(*id))),
        ),
        (CommunitySort::CreatedDesc, Some(After::At(at, id))) => q.filter(
            communities::created_at
                .lt(*at)
                .or(communities::created_at.eq(*at).and(communities::id.lt(*id))),
        ),
        // A key of another sort cannot come from a cursor (it names its sort): no rows
        // rather than a wrong page.
        _ => q.filter(sql::<Bool>("1 = 0")),
    };
    q = match sort {
        CommunitySort::Name => q.order((communities::name.asc(), communities::id.asc())),
        CommunitySort::NameDesc => q.order((communities::name.desc(), communities::id.desc())),
        CommunitySort::LastActivityDesc => q.order((activity().desc(), communities::id.desc())),
        CommunitySort::CreatedDesc => {
            q.order((communities::created_at.desc(), communities::id.desc()))
        }
    };
    q.limit(limit).load(conn)
}

// ---------------------------------------------------------------- members

/// The membership row of `user_id` in `community_id`.
pub fn member(
    conn: &mut DbConn,
    community_id: CommunityId,
    user_id: UserId,
) -> QueryResult<Option<Member>> {
    community_members::table
        .find((community_id, user_id))
        .select(Member::as_select())
        .first(conn)
        .optional()
}

/// The membership rows of `user_id` in several communities.
pub fn memberships_of(
    conn: &mut DbConn,
    user_id: UserId,
    community_ids: &[CommunityId],
) -> QueryResult<Vec<Member>> {
    community_members::table
        .filter(community_members::user_id.eq(user_id))
        .filter(any_of(
            community_members::community_id,
            community_ids.iter().copied(),
        ))
        .select(Member::as_select())
        .load(conn)
}

/// Inserts a membership row.
pub fn insert_member(conn: &mut DbConn, new: &NewMember<'_>) -> QueryResult<Member> {
    diesel::insert_into(community_members::table)
        .values(new)
        .returning(community_members::all_columns)
        .get_result(conn)
}

/// Sets a membership's status (and role, when given); a ban reason is kept only on bans.
pub fn set_status(
    conn: &mut DbConn,
    community_id: CommunityId,
    user_id: UserId,
    status: MemberStatus,
    role: Option<CommunityRole>,
    ban_reason: Option<&str>,
) -> QueryResult<Member> {
    let target = community_members::table.find((community_id, user_id));
    if let Some(role) = role {
        diesel::update(target)
            .set(community_members::role.eq(role))
            .execute(conn)?;
    }
    diesel::update(target)
        .set((
            community_members::status.eq(status),
            community_members::ban_reason.eq(ban_reason),
            community_members::updated_at.eq(now()),
        ))
        .returning(community_members::all_columns)
        .get_result(conn)
}

/// Sets a member's role.
pub fn set_role(
    conn: &mut DbConn,
    community_id: CommunityId,
    user_id: UserId,
    role: CommunityRole,
) -> QueryResult<Member> {
    diesel::update(community_members::table.find((community_id, user_id)))
        .set((
            community_members::role.eq(role),
            community_members::updated_at.eq(now()),
        ))
        .returning(community_members::all_columns)
        .get_result(conn)
}

/// Deletes a membership row; whether there was one.
pub fn delete_member(
    conn: &mut DbConn,
    community_id: CommunityId,
    user_id: UserId,
) -> QueryResult<bool> {
    Ok(diesel::delete(community_members::table.find((community_id, user_id))).execute(conn)? > 0)
}

/// How many active moderators the community has.
pub fn active_moderators(conn: &mut DbConn, community_id: CommunityId) -> QueryResult<i64> {
    community_members::table
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::status.eq(MemberStatus::Active))
        .filter(community_members::role.eq(CommunityRole::Moderator))
        .count()
        .get_result(conn)
}

/// Recomputes `member_count` (active members), in the transaction of the change.
pub fn recount_members(conn: &mut DbConn, community_id: CommunityId) -> QueryResult<()> {
    let count: i64 = community_members::table
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::status.eq(MemberStatus::Active))
        .count()
        .get_result(conn)?;
    diesel::update(communities::table.find(community_id))
        .set(communities::member_count.eq(i32::try_from(count).unwrap_or(i32::MAX)))
        .execute(conn)?;
    Ok(())
}

/// Stops `user_id` watching every thread of the community.
pub fn remove_thread_subscriptions(
    conn: &mut DbConn,
    community_id: CommunityId,
    user_id: UserId,
) -> QueryResult<usize> {
    diesel::delete(
        thread_subscriptions::table
            .filter(thread_subscriptions::user_id.eq(user_id))
            .filter(
                thread_subscriptions::thread_id.eq_any(
                    threads::table
                        .filter(threads::community_id.eq(community_id))
                        .select(threads::id),
                ),
            ),
    )
    .execute(conn)
}

/// The display name of an active, not deleted account.
pub fn active_user(conn: &mut DbConn, user_id: UserId) -> QueryResult<Option<String>> {
    users::table
        .find(user_id)
        .filter(users::status.eq("active"))
        .filter(users::deleted_at.is_null())
        .select(users::display_name)
        .first(conn)
        .optional()
}

/// The display name of an account (any status), unless deleted.
pub fn user_name(conn: &mut DbConn, user_id: UserId) -> QueryResult<Option<String>> {
    users::table
        .find(user_id)
        .filter(users::deleted_at.is_null())
        .select(users::display_name)
        .first(conn)
        .optional()
}

/// One page of a community's members with `status` (and `role`), oldest membership first,
/// after (`created_at`, user id).
pub fn list_members(
    conn: &mut DbConn,
    community_id: CommunityId,
    status: MemberStatus,
    role: Option<CommunityRole>,
    after: Option<(NaiveDateTime, UserId)>,
    limit: i64,
) -> QueryResult<Vec<(Member, String)>> {
    let mut q = community_members::table
        .inner_join(users::table.on(users::id.eq(community_members::user_id)))
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::status.eq(status))
        .filter(users::deleted_at.is_null())
        .select((Member::as_select(), users::display_name))
        .into_boxed();
    if let Some(role) = role {
        q = q.filter(community_members::role.eq(role));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            community_members::created_at
                .gt(at)
                .or(community_members::created_at
                    .eq(at)
                    .and(community_members::user_id.gt(id))),
        );
    }
    q.order((
        community_members::created_at.asc(),
        community_members::user_id.asc(),
    ))
    .limit(limit)
    .load(conn)
}

/// Deletes a community; its members, threads, posts and logs go with it.
pub fn delete_community(conn: &mut DbConn, id: CommunityId) -> QueryResult<usize> {
    diesel::delete(communities::table.find(id)).execute(conn)
}
