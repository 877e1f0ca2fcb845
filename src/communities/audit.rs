//! The moderation log: every moderator action, written in the transaction of the action.

use diesel::prelude::*;

use crate::db::schema::moderation_log;
use crate::db::{DbConn, now};
use crate::error::ApiError;

/// One moderator action to record.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// Where it happened.
    pub community_id: i64,
    /// Who did it.
    pub moderator_id: i64,
    /// What was done, a stable snake_case verb: `hide_post`, `restore_post`, `lock_thread`,
    /// `unlock_thread`, `pin_thread`, `unpin_thread`, `delete_thread`, `uphold_flag`,
    /// `dismiss_flag`, `ban_member`, `unban_member`, `approve_member`, `reject_member`,
    /// `invite_member`, `remove_member`, `change_role`, `update_community`.
    pub action: &'static str,
    /// The member acted upon, if any.
    pub target_user_id: Option<i64>,
    /// The thread acted upon, if any.
    pub thread_id: Option<i64>,
    /// The post acted upon, if any.
    pub post_id: Option<i64>,
    /// The moderator's reason, as given.
    pub reason: Option<String>,
}

/// Appends `entry` to the community's moderation log. Call it inside the action's transaction.
pub fn record(conn: &mut DbConn, entry: &Entry) -> Result<(), ApiError> {
    diesel::insert_into(moderation_log::table)
        .values((
            moderation_log::community_id.eq(entry.community_id),
            moderation_log::moderator_id.eq(entry.moderator_id),
            moderation_log::action.eq(entry.action),
            moderation_log::target_user_id.eq(entry.target_user_id),
            moderation_log::thread_id.eq(entry.thread_id),
            moderation_log::post_id.eq(entry.post_id),
            moderation_log::reason.eq(entry.reason.as_deref()),
            moderation_log::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
