//! Queries on accounts, logins and emailed tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::model::*;
use crate::auth::Role;
use crate::db::schema::{
    email_tokens, memberships, organisations, refresh_tokens, sessions, user_languages, users,
};
use crate::db::{DbConn, recent};
use crate::organisations::model::MembershipStatus;
use crate::types::{OrganisationId, SessionId, UserId};

/// The language `user` asked to read in (their profile's `preferred_language`), if the
/// account exists.
pub fn preferred_language(conn: &mut DbConn, user: UserId) -> QueryResult<Option<String>> {
    users::table
        .find(user)
        .select(users::preferred_language)
        .first(conn)
        .optional()
}

/// One account by id.
pub fn find(conn: &mut DbConn, id: UserId) -> QueryResult<User> {
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

/// Applies changes (the caller has set the new version and `updated_at`).
pub fn update(conn: &mut DbConn, id: UserId, changes: &UserChanges) -> QueryResult<User> {
    if changes.status.is_some()
        || changes.role.is_some()
        || changes.preferred_language.is_some()
        || changes.display_name.is_some()
    {
        // Kept logins carry the account's status, role, preferred language and name.
        recent::logins_changed();
    }
    diesel::update(users::table.find(id))
        .set(changes)
        .returning(users::all_columns)
        .get_result(conn)
}

/// Erases every personal field of an account; the row stays for "deleted member".
pub fn erase(conn: &mut DbConn, user: &User, at: NaiveDateTime) -> QueryResult<usize> {
    recent::logins_changed();
    diesel::update(users::table.find(user.id))
        .set((
            users::email.eq(None::<String>),
            users::email_normalized.eq(None::<String>),
            users::password_hash.eq(None::<String>),
            users::display_name.eq(DELETED_NAME),
            users::country.eq(None::<String>),
            users::other_languages.eq(""),
            users::gender.eq(None::<Gender>),
            users::birth_year.eq(None::<i32>),
            users::bio.eq(None::<String>),
            users::status.eq(UserStatus::Deleted),
            users::email_verified_at.eq(None::<NaiveDateTime>),
            users::search_text.eq(""),
            users::lookalike.eq(Some(false)),
            users::updated_at.eq(at),
            users::deleted_at.eq(Some(at)),
            users::version.eq(user.version + 1),
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
    purpose: TokenPurpose,
    at: NaiveDateTime,
) -> QueryResult<Option<UserId>> {
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
    user_id: UserId,
    purpose: TokenPurpose,
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
pub fn delete_email_tokens(conn: &mut DbConn, user_id: UserId) -> QueryResult<usize> {
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
pub fn touch_session(conn: &mut DbConn, id: SessionId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_used_at.eq(at))
        .execute(conn)
}

/// Ends one login.
pub fn revoke_session(conn: &mut DbConn, id: SessionId, at: NaiveDateTime) -> QueryResult<usize> {
    recent::logins_changed();
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
    user_id: UserId,
    keep: Option<SessionId>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    recent::logins_changed();
    // No login has id 0, so `keep: None` keeps nothing.
    let keep = keep.unwrap_or(SessionId(0));
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::id.ne(keep)),
    )
    .set(sessions::revoked_at.eq(Some(at)))
    .execute(conn)
}

/// Every login of a user (for the data export).
pub fn sessions_of(conn: &mut DbConn, user_id: UserId) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .order(sessions::id.asc())
        .load(conn)
}

/// A user's memberships with the organisation names, oldest first.
pub fn memberships_of(
    conn: &mut DbConn,
    user_id: UserId,
) -> QueryResult<Vec<(Membership, String)>> {
    memberships::table
        .inner_join(organisations::table)
        .filter(memberships::user_id.eq(user_id.get()))
        .order(memberships::id.asc())
        .select((memberships::all_columns, organisations::name))
        .load(conn)
}

/// A user's approved memberships with the organisations' names and versions, oldest first
/// (their public profile).
pub fn approved_memberships_of(
    conn: &mut DbConn,
    user_id: UserId,
) -> QueryResult<Vec<(Membership, String, i64)>> {
    memberships::table
        .inner_join(organisations::table)
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .order(memberships::id.asc())
        .select((
            memberships::all_columns,
            organisations::name,
            organisations::version,
        ))
        .load(conn)
}

/// Deletes every membership of a user.
pub fn delete_memberships(conn: &mut DbConn, user_id: UserId) -> QueryResult<usize> {
    diesel::delete(memberships::table.filter(memberships::user_id.eq(user_id.get()))).execute(conn)
}

/// Filters of the admin user list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub country: Option<String>,
    pub organisation_id: Option<OrganisationId>,
    /// Cleaned by `http::query::parse_q`.
    pub q: Option<String>,
    /// Only flagged accounts (`true`) or only the others (`false`; not yet checked counts
    /// as not flagged).
    pub lookalike: Option<bool>,
}

/// Up to `limit` accounts whose lookalike flag was never set: id, display name, email.
pub fn unchecked_lookalikes(
    conn: &mut DbConn,
    limit: i64,
) -> QueryResult<Vec<(UserId, String, Option<String>)>> {
    users::table
        .filter(users::lookalike.is_null())
        .order(users::id.asc())
        .limit(limit)
        .select((users::id, users::display_name, users::email))
        .load(conn)
}

/// Sets an account's lookalike flag (no new version: it is not part of what the account
/// holder sees).
pub fn set_lookalike(conn: &mut DbConn, id: UserId, lookalike: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::lookalike.eq(Some(lookalike)))
        .execute(conn)
}

/// One page of users by id, after `after`.
pub fn list(
    conn: &mut DbConn,
    filter: &UserFilter,
    after: Option<UserId>,
    limit: i64,
) -> QueryResult<Vec<User>> {
    let mut query = users::table.into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role));
    }
    if let Some(country) = &filter.country {
        query = query.filter(users::country.eq(country.clone()));
    }
    if let Some(org) = filter.organisation_id {
        let members = memberships::table
            .filter(memberships::organisation_id.eq(org.get()))
            .filter(memberships::status.eq(MembershipStatus::Approved.as_str()))
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
    match filter.lookalike {
        Some(true) => query = query.filter(users::lookalike.eq(true)),
        Some(false) => {
            query = query.filter(users::lookalike.is_null().or(users::lookalike.eq(false)));
        }
        None => {}
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after));
    }
    query.order(users::id.asc()).limit(limit).load(conn)
}

/// A member's languages, by language tag.
pub fn languages_of(conn: &mut DbConn, user_id: UserId) -> QueryResult<Vec<UserLanguage>> {
    user_languages::table
        .filter(user_languages::user_id.eq(user_id))
        .select((user_languages::language, user_languages::level))
        .order(user_languages::language.asc())
        .load(conn)
}

/// Deletes every language of a member.
pub fn delete_languages(conn: &mut DbConn, user_id: UserId) -> QueryResult<usize> {
    diesel::delete(user_languages::table.filter(user_languages::user_id.eq(user_id))).execute(conn)
}

/// Replaces a member's languages (`languages` holds each language once).
pub fn replace_languages(
    conn: &mut DbConn,
    user_id: UserId,
    languages: &[UserLanguage],
) -> QueryResult<()> {
    delete_languages(conn, user_id)?;
    for l in languages {
        diesel::insert_into(user_languages::table)
            .values((
                user_languages::user_id.eq(user_id),
                user_languages::language.eq(&l.language),
                user_languages::level.eq(l.level),
            ))
            .execute(conn)?;
    }
    Ok(())
}
