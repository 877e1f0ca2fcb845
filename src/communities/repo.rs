//! Queries of communities and memberships.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamp};

use crate::communities::access::{CommunityRole, MemberStatus, Visibility};
use crate::communities::dto::CommunitySort;
use crate::communities::model::{Community, CommunityChanges, Member, NewCommunity, NewMember};
use crate::db::schema::{
    communities, community_members, courses, thread_subscriptions, threads, users,
};
use crate::db::{DbConn, like_contains, now};
use crate::error::ApiError;

/// How time sort keys are written into cursors.
pub const TIME_KEY_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

diesel::define_sql_function! {
    /// Unicode lower case. SQLite's own `lower` folds only ASCII letters, so on SQLite this
    /// is registered on the connection before a query uses it.
    fn unicode_lower(x: Text) -> Text;
}

/// The SQL function that lower-cases Unicode text on this connection (registering it on
/// SQLite).
fn lower_fn(conn: &mut DbConn) -> Result<&'static str, ApiError> {
    match conn {
        DbConn::Sqlite(c) => {
            unicode_lower_utils::register_impl(c, |s: String| s.to_lowercase())?;
            Ok("unicode_lower")
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => Ok("LOWER"),
    }
}

fn bad_cursor() -> ApiError {
    ApiError::invalid_query(
        "cursor",
        "invalid_cursor",
        "is not a cursor this list gave out",
    )
}

/// A time key of a cursor.
pub fn parse_time_key(key: &str) -> Result<NaiveDateTime, ApiError> {
    NaiveDateTime::parse_from_str(key, TIME_KEY_FORMAT).map_err(|_| bad_cursor())
}

// ---------------------------------------------------------------- communities

/// Holds the community's row until the transaction ends (PostgreSQL; SQLite write
/// transactions hold the whole database already), so that membership changes of one
/// community happen one after the other.
#[cfg_attr(
    not(feature = "postgres"),
    expect(unused_variables, reason = "only PostgreSQL locks single rows")
)]
pub fn lock_community(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(_) => Ok(()),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => {
            communities::table
                .find(id)
                .select(communities::id)
                .for_update()
                .first::<i64>(pg)
                .optional()?;
            Ok(())
        }
    }
}

/// One community.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Community>> {
    communities::table
        .find(id)
        .select(Community::as_select())
        .first(conn)
        .optional()
}

/// Whether a community has this slug.
pub fn slug_taken(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    Ok(communities::table
        .filter(communities::slug.eq(slug.to_owned()))
        .select(communities::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// Whether a course exists (and is not deleted).
pub fn course_exists(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    Ok(courses::table
        .find(id)
        .filter(courses::deleted_at.is_null())
        .select(courses::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
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
    id: i64,
    changes: &CommunityChanges,
) -> QueryResult<Community> {
    diesel::update(communities::table.find(id))
        .set(changes)
        .returning(communities::all_columns)
        .get_result(conn)
}

/// Filters of the community list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// The caller, when logged in.
    pub viewer: Option<i64>,
    /// Private communities the caller may read (those they are an active member of).
    pub private_ids: Vec<i64>,
    /// Lower-cased search text.
    pub q: Option<String>,
    pub language: Option<String>,
    pub visibility: Option<Visibility>,
    pub course_id: Option<i64>,
    /// Only communities the viewer is an active member of.
    pub joined: bool,
}

/// One page of readable communities after `after` (sort key as text, id).
pub fn list(
    conn: &mut DbConn,
    filter: &ListFilter,
    sort: CommunitySort,
    after: Option<&(String, i64)>,
    limit: i64,
) -> Result<Vec<Community>, ApiError> {
    let lower = if filter.q.is_some() {
        lower_fn(conn)?
    } else {
        "LOWER"
    };
    let mut q = communities::table
        .select(Community::as_select())
        .into_boxed();
    // Readable: public; members-only when logged in; private only to its active members.
    q = match filter.viewer {
        None => q.filter(communities::visibility.eq(Visibility::Public.as_str())),
        Some(_) => q.filter(
            communities::visibility
                .eq_any([Visibility::Public.as_str(), Visibility::Members.as_str()])
                .or(communities::id.eq_any(filter.private_ids.clone())),
        ),
    };
    if filter.joined {
        let viewer = filter.viewer.unwrap_or_default();
        q = q.filter(
            communities::id.eq_any(
                community_members::table
                    .filter(community_members::user_id.eq(viewer))
                    .filter(community_members::status.eq(MemberStatus::Active.as_str()))
                    .select(community_members::community_id),
            ),
        );
    }
    if let Some(language) = &filter.language {
        q = q.filter(communities::language.eq(language.clone()));
    }
    if let Some(visibility) = filter.visibility {
        q = q.filter(communities::visibility.eq(visibility.as_str()));
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
    if let Some((key, id)) = after {
        let id = *id;
        q = match sort {
            CommunitySort::Name => q.filter(
                communities::name.gt(key.clone()).or(communities::name
                    .eq(key.clone())
                    .and(communities::id.gt(id))),
            ),
            CommunitySort::NameDesc => q.filter(
                communities::name.lt(key.clone()).or(communities::name
                    .eq(key.clone())
                    .and(communities::id.lt(id))),
            ),
            CommunitySort::LastActivityDesc => {
                let at = parse_time_key(key)?;
                q.filter(
                    activity()
                        .lt(at)
                        .or(activity().eq(at).and(communities::id.lt(id))),
                )
            }
            CommunitySort::CreatedDesc => {
                let at = parse_time_key(key)?;
                q.filter(
                    communities::created_at
                        .lt(at)
                        .or(communities::created_at.eq(at).and(communities::id.lt(id))),
                )
            }
        };
    }
    q = match sort {
        CommunitySort::Name => q.order((communities::name.asc(), communities::id.asc())),
        CommunitySort::NameDesc => q.order((communities::name.desc(), communities::id.desc())),
        CommunitySort::LastActivityDesc => q.order((activity().desc(), communities::id.desc())),
        CommunitySort::CreatedDesc => {
            q.order((communities::created_at.desc(), communities::id.desc()))
        }
    };
    Ok(q.limit(limit).load(conn)?)
}

/// The sort key of a community in a list sorted by `sort`.
pub fn sort_key(c: &Community, sort: CommunitySort) -> (String, i64) {
    let key = match sort {
        CommunitySort::Name | CommunitySort::NameDesc => c.name.clone(),
        CommunitySort::LastActivityDesc => c
            .last_activity_at
            .unwrap_or(c.created_at)
            .format(TIME_KEY_FORMAT)
            .to_string(),
        CommunitySort::CreatedDesc => c.created_at.format(TIME_KEY_FORMAT).to_string(),
    };
    (key, c.id)
}

// ---------------------------------------------------------------- members

/// The membership row of `user_id` in `community_id`.
pub fn member(conn: &mut DbConn, community_id: i64, user_id: i64) -> QueryResult<Option<Member>> {
    community_members::table
        .find((community_id, user_id))
        .select(Member::as_select())
        .first(conn)
        .optional()
}

/// The membership rows of `user_id` in several communities.
pub fn memberships_of(
    conn: &mut DbConn,
    user_id: i64,
    community_ids: &[i64],
) -> QueryResult<Vec<Member>> {
    community_members::table
        .filter(community_members::user_id.eq(user_id))
        .filter(community_members::community_id.eq_any(community_ids.to_vec()))
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
    community_id: i64,
    user_id: i64,
    status: MemberStatus,
    role: Option<CommunityRole>,
    ban_reason: Option<&str>,
) -> QueryResult<Member> {
    let target = community_members::table.find((community_id, user_id));
    if let Some(role) = role {
        diesel::update(target)
            .set(community_members::role.eq(role.as_str()))
            .execute(conn)?;
    }
    diesel::update(target)
        .set((
            community_members::status.eq(status.as_str()),
            community_members::ban_reason.eq(ban_reason),
            community_members::updated_at.eq(now()),
        ))
        .returning(community_members::all_columns)
        .get_result(conn)
}

/// Sets a member's role.
pub fn set_role(
    conn: &mut DbConn,
    community_id: i64,
    user_id: i64,
    role: CommunityRole,
) -> QueryResult<Member> {
    diesel::update(community_members::table.find((community_id, user_id)))
        .set((
            community_members::role.eq(role.as_str()),
            community_members::updated_at.eq(now()),
        ))
        .returning(community_members::all_columns)
        .get_result(conn)
}

/// Deletes a membership row; whether there was one.
pub fn delete_member(conn: &mut DbConn, community_id: i64, user_id: i64) -> QueryResult<bool> {
    Ok(diesel::delete(community_members::table.find((community_id, user_id))).execute(conn)? > 0)
}

/// How many active moderators the community has.
pub fn active_moderators(conn: &mut DbConn, community_id: i64) -> QueryResult<i64> {
    community_members::table
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::status.eq(MemberStatus::Active.as_str()))
        .filter(community_members::role.eq(CommunityRole::Moderator.as_str()))
        .count()
        .get_result(conn)
}

/// Recomputes `member_count` (active members), in the transaction of the change.
pub fn recount_members(conn: &mut DbConn, community_id: i64) -> QueryResult<()> {
    let count: i64 = community_members::table
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::status.eq(MemberStatus::Active.as_str()))
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
    community_id: i64,
    user_id: i64,
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
pub fn active_user(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<String>> {
    users::table
        .find(user_id)
        .filter(users::status.eq("active"))
        .filter(users::deleted_at.is_null())
        .select(users::display_name)
        .first(conn)
        .optional()
}

/// The display name and platform role of an account (any status), unless deleted.
pub fn user_name_and_role(
    conn: &mut DbConn,
    user_id: i64,
) -> QueryResult<Option<(String, String)>> {
    users::table
        .find(user_id)
        .filter(users::deleted_at.is_null())
        .select((users::display_name, users::role))
        .first(conn)
        .optional()
}

/// One page of a community's members with `status` (and `role`), oldest membership first,
/// after (`created_at` as text, user id).
pub fn list_members(
    conn: &mut DbConn,
    community_id: i64,
    status: MemberStatus,
    role: Option<CommunityRole>,
    after: Option<&(String, i64)>,
    limit: i64,
) -> Result<Vec<(Member, String)>, ApiError> {
    let mut q = community_members::table
        .inner_join(users::table.on(users::id.eq(community_members::user_id)))
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::status.eq(status.as_str()))
        .filter(users::deleted_at.is_null())
        .select((Member::as_select(), users::display_name))
        .into_boxed();
    if let Some(role) = role {
        q = q.filter(community_members::role.eq(role.as_str()));
    }
    if let Some((key, id)) = after {
        let at = parse_time_key(key)?;
        let id = *id;
        q = q.filter(
            community_members::created_at
                .gt(at)
                .or(community_members::created_at
                    .eq(at)
                    .and(community_members::user_id.gt(id))),
        );
    }
    Ok(q.order((
        community_members::created_at.asc(),
        community_members::user_id.asc(),
    ))
    .limit(limit)
    .load(conn)?)
}
