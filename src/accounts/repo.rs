//! Queries on accounts, logins and emailed tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::model::*;
use crate::db::DbConn;
use crate::db::schema::{
    email_tokens, memberships, organisations, refresh_tokens, sessions, users,
};

/// One account by id.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<User> {
    users::table.find(id).first(conn)
}

/// One account by email, any case.
pub fn find_by_email(conn: &mut DbConn, normalized: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email_normalized.eq(normalized))
        .first(conn)
        .optional()
}

/// Inserts an account.
pub fn insert(conn: &mut DbConn, new: &NewUser) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::all_columns)
        .get_result(conn)
}

/// Applies profile or admin changes.
pub fn update(conn: &mut DbConn, id: i64, changes: &UserChanges) -> QueryResult<User> {
    diesel::update(users::table.find(id))
        .set(changes)
        .returning(users::all_columns)
        .get_result(conn)
}

/// Sets a new password hash.
pub fn set_password(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(at)))
        .execute(conn)
}

/// Erases every personal field of an account; the row stays for "deleted member".
pub fn erase(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(None::<String>),
            users::email_normalized.eq(None::<String>),
            users::password_hash.eq(None::<String>),
            users::display_name.eq(DELETED_NAME),
            users::country.eq(None::<String>),
            users::other_languages.eq(""),
            users::gender.eq(None::<String>),
            users::birth_year.eq(None::<i32>),
            users::bio.eq(None::<String>),
            users::status.eq("deleted"),
            users::email_verified_at.eq(None::<NaiveDateTime>),
            users::search_text.eq(""),
            users::updated_at.eq(at),
            users::deleted_at.eq(Some(at)),
        ))
        .execute(conn)
}

/// The display name of an erased account.
pub const DELETED_NAME: &str = "Deleted member";

/// Stores a new emailed token.
pub fn insert_email_token(conn: &mut DbConn, new: &NewEmailToken) -> QueryResult<usize> {
    diesel::insert_into(email_tokens::table)
        .values(new)
        .execute(conn)
}

/// Spends an unexpired, unused token of `purpose`; returns its user, or `None` if it is not spendable.
pub fn spend_email_token(
    conn: &mut DbConn,
    hash: &str,
    purpose: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    let token: Option<EmailToken> = email_tokens::table
        .filter(email_tokens::token_hash.eq(hash))
        .filter(email_tokens::purpose.eq(purpose))
        .first(conn)
        .optional()?;
    let Some(token) = token else { return Ok(None) };
    if token.used_at.is_some() || token.expires_at <= at {
        return Ok(None);
    }
    // Conditional update: of two concurrent spends, only one changes a row.
    let spent = diesel::update(
        email_tokens::table
            .find(token.id)
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(at)))
    .execute(conn)?;
    Ok((spent == 1).then_some(token.user_id))
}

/// Marks every open token of `purpose` for a user as used (a new one replaces them).
pub fn void_email_tokens(
    conn: &mut DbConn,
    user_id: i64,
    purpose: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::purpose.eq(purpose))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(at)))
    .execute(conn)
}

/// Deletes every emailed token of a user.
pub fn delete_email_tokens(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    diesel::delete(email_tokens::table.filter(email_tokens::user_id.eq(user_id))).execute(conn)
}

/// Opens a login.
pub fn insert_session(conn: &mut DbConn, new: &NewSession) -> QueryResult<Session> {
    diesel::insert_into(sessions::table)
        .values(new)
        .returning(sessions::all_columns)
        .get_result(conn)
}

/// Stores a refresh token.
pub fn insert_refresh_token(conn: &mut DbConn, new: &NewRefreshToken) -> QueryResult<usize> {
    diesel::insert_into(refresh_tokens::table)
        .values(new)
        .execute(conn)
}

/// A refresh token by hash, with its login.
pub fn find_refresh_token(
    conn: &mut DbConn,
    hash: &str,
) -> QueryResult<Option<(RefreshToken, Session)>> {
    refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(hash))
        .select((refresh_tokens::all_columns, sessions::all_columns))
        .first(conn)
        .optional()
}

/// Spends a refresh token; false when it was spent already (by a concurrent request).
pub fn spend_refresh_token(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(Some(at)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Notes that a login was used.
pub fn touch_session(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_used_at.eq(at))
        .execute(conn)
}

/// Ends one login.
pub fn revoke_session(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(at)))
    .execute(conn)
}

/// Ends every login of a user, except `keep` when given.
pub fn revoke_sessions(
    conn: &mut DbConn,
    user_id: i64,
    keep: Option<i64>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let open = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null());
    match keep {
        Some(keep) => diesel::update(open.filter(sessions::id.ne(keep)))
            .set(sessions::revoked_at.eq(Some(at)))
            .execute(conn),
        None => diesel::update(open)
            .set(sessions::revoked_at.eq(Some(at)))
            .execute(conn),
    }
}

/// Every login of a user (for the data export).
pub fn sessions_of(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .order(sessions::id.asc())
        .load(conn)
}

/// A user's memberships with the organisation names, oldest first.
pub fn memberships_of(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(Membership, String)>> {
    memberships::table
        .inner_join(organisations::table)
        .filter(memberships::user_id.eq(user_id))
        .order(memberships::id.asc())
        .select((memberships::all_columns, organisations::name))
        .load(conn)
}

/// Deletes every membership of a user.
pub fn delete_memberships(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    diesel::delete(memberships::table.filter(memberships::user_id.eq(user_id))).execute(conn)
}

/// Asks to join an organisation.
pub fn insert_membership(conn: &mut DbConn, new: &NewMembership) -> QueryResult<Membership> {
    diesel::insert_into(memberships::table)
        .values(new)
        .returning(memberships::all_columns)
        .get_result(conn)
}

/// Filters of the admin user list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub role: Option<String>,
    pub country: Option<String>,
    pub organisation_id: Option<i64>,
    pub q: Option<String>,
}

/// One page of users by id, after `after`.
pub fn list(
    conn: &mut DbConn,
    filter: &UserFilter,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<User>> {
    let mut query = users::table.into_boxed();
    if let Some(role) = &filter.role {
        query = query.filter(users::role.eq(role.clone()));
    }
    if let Some(country) = &filter.country {
        query = query.filter(users::country.eq(country.clone()));
    }
    if let Some(org) = filter.organisation_id {
        let members = memberships::table
            .filter(memberships::organisation_id.eq(org))
            .filter(memberships::status.eq("approved"))
            .select(memberships::user_id);
        query = query.filter(users::id.eq_any(members));
    }
    if let Some(q) = &filter.q {
        query = query.filter(
            users::search_text
                .like(crate::db::like_contains(q))
                .escape('\\'),
        );
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after));
    }
    query.order(users::id.asc()).limit(limit).load(conn)
}
