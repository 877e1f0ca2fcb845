//! The notification rules (the contract other domains call).

use crate::db::DbConn;
use crate::error::ApiError;

/// Why someone is notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A new post in a thread they watch.
    Reply,
    /// They were mentioned in a post.
    Mention,
    /// A new thread in a community they watch.
    NewThread,
    /// Their reply was accepted as the answer.
    AcceptedAnswer,
    /// A moderator hid their post.
    PostHidden,
    /// A moderator restored their post.
    PostRestored,
    /// A flag they raised was decided (upheld or dismissed).
    FlagResolved,
    /// They were banned from a community.
    Banned,
    /// A moderator invited them into a community.
    Invited,
    /// A moderator approved their request to join.
    JoinApproved,
}

/// A new post, just written (the opening post of a new thread included).
#[derive(Debug, Clone)]
pub struct PostCreated {
    pub community_id: i64,
    pub thread_id: i64,
    pub post_id: i64,
    pub author_id: i64,
    /// The opening post of a new thread (community watchers hear of it).
    pub is_first: bool,
    /// Members mentioned in the body (ids from the mention syntax, not yet checked).
    pub mentioned: Vec<i64>,
}

/// One notification for one member.
#[derive(Debug, Clone)]
pub struct Notice {
    pub user_id: i64,
    pub kind: NoticeKind,
    pub community_id: i64,
    pub thread_id: Option<i64>,
    pub post_id: Option<i64>,
    /// Who caused it (never notified of their own action).
    pub actor_id: Option<i64>,
}

/// Fans a new post out: the author starts watching the thread; thread watchers get
/// `Reply`, mentioned members `Mention` (instead of `Reply`), and for an opening post the
/// community's watchers get `NewThread`; each only if they can read the community.
pub fn post_created(_conn: &mut DbConn, _post: &PostCreated) -> Result<(), ApiError> {
    Ok(())
}

/// Mentions added by an edit: `Mention` for each member newly mentioned in `post_id`.
pub fn mentions_added(
    _conn: &mut DbConn,
    _community_id: i64,
    _thread_id: i64,
    _post_id: i64,
    _author_id: i64,
    _mentioned: &[i64],
) -> Result<(), ApiError> {
    Ok(())
}

/// One notification, if the recipient may see it and is not the actor.
pub fn notify_one(_conn: &mut DbConn, _notice: &Notice) -> Result<(), ApiError> {
    Ok(())
}

/// `user_id` watches `thread_id` (idempotent).
pub fn watch_thread(_conn: &mut DbConn, _thread_id: i64, _user_id: i64) -> Result<(), ApiError> {
    Ok(())
}
