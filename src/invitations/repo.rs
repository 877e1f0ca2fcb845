//! Queries on staff invitations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::invitations;
use crate::invitations::model::*;
use crate::types::InvitationId;

/// One invitation by id.
pub fn find(conn: &mut DbConn, id: InvitationId) -> QueryResult<Invitation> {
    invitations::table.find(id).first(conn)
}

/// The invitation a link's token belongs to (by the token's hash).
pub fn find_by_token(conn: &mut DbConn, hash: &str) -> QueryResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::token_hash.eq(hash))
        .first(conn)
        .optional()
}

/// The invitation of `email_normalized` stored as pending, if any.
pub fn pending_for(conn: &mut DbConn, email_normalized: &str) -> QueryResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::email_normalized.eq(email_normalized))
        .filter(invitations::status.eq(InvitationStatus::Pending))
        .first(conn)
        .optional()
}

/// Writes down `expired` on the pending invitations of `email_normalized` whose time ran
/// out by `at`, each with its next version and its expiry as `updated_at`, exactly as
/// they were answered before (see `Invitation::version_at`).
pub fn expire_lapsed(
    conn: &mut DbConn,
    email_normalized: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        invitations::table
            .filter(invitations::email_normalized.eq(email_normalized))
            .filter(invitations::status.eq(InvitationStatus::Pending))
            .filter(invitations::expires_at.le(at)),
    )
    .set((
        invitations::status.eq(InvitationStatus::Expired),
        invitations::updated_at.eq(invitations::expires_at),
        invitations::version.eq(invitations::version + 1),
    ))
    .execute(conn)
}

/// Inserts an invitation.
pub fn insert(conn: &mut DbConn, new: &NewInvitation) -> QueryResult<Invitation> {
    diesel::insert_into(invitations::table)
        .values(new)
        .returning(invitations::all_columns)
        .get_result(conn)
}

/// Ends an invitation (accepted or revoked), only if it is still stored as pending:
/// `None` when a concurrent request ended it first.
pub fn finish(
    conn: &mut DbConn,
    id: InvitationId,
    changes: &InvitationChanges,
) -> QueryResult<Option<Invitation>> {
    diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::status.eq(InvitationStatus::Pending)),
    )
    .set(changes)
    .returning(invitations::all_columns)
    .get_result(conn)
    .optional()
}

/// Deletes every invitation of an address (its owner erased their account).
pub fn delete_for(conn: &mut DbConn, email_normalized: &str) -> QueryResult<usize> {
    diesel::delete(invitations::table.filter(invitations::email_normalized.eq(email_normalized)))
        .execute(conn)
}

/// Filters of the invitation list.
#[derive(Debug, Clone)]
pub struct InvitationFilter {
    /// Only these roles (those the reader may manage).
    pub roles: Vec<StaffRole>,
    /// Only this status, as it is at `at`.
    pub status: Option<InvitationStatus>,
    /// The time statuses are read at.
    pub at: NaiveDateTime,
}

/// One page of invitations, newest first, before `before`.
pub fn list(
    conn: &mut DbConn,
    filter: &InvitationFilter,
    before: Option<InvitationId>,
    limit: i64,
) -> QueryResult<Vec<Invitation>> {
    use InvitationStatus::*;
    let mut query = invitations::table
        .filter(invitations::role.eq_any(filter.roles.clone()))
        .into_boxed();
    let pending = invitations::status.eq(Pending);
    query = match filter.status {
        None => query,
        Some(Pending) => query
            .filter(pending)
            .filter(invitations::expires_at.gt(filter.at)),
        Some(Expired) => query.filter(
            invitations::status
                .eq(Expired)
                .or(pending.and(invitations::expires_at.le(filter.at))),
        ),
        Some(status) => query.filter(invitations::status.eq(status)),
    };
    if let Some(before) = before {
        query = query.filter(invitations::id.lt(before));
    }
    query.order(invitations::id.desc()).limit(limit).load(conn)
}
