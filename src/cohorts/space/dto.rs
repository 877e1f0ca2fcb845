//! The bodies of cohort announcements.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::forums::model::{NewThreadInput, ThreadKind};
use crate::types::{CommunityId, ThreadId};

/// The tag every announcement thread carries in a cohort's space.
pub const ANNOUNCEMENT_TAG: &str = "announcement";

/// `POST /api/v1/cohorts/{id}/announcements`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAnnouncementRequest {
    /// 3 to 200 characters (trimmed), as a thread's title.
    #[schema(min_length = 3, max_length = 200)]
    pub title: String,
    /// Markdown, 1 to 20,000 characters, as a post's body; the email carries it as written.
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
}

/// A checked announcement: the thread it becomes, its opening post rendered, and the body
/// as written for the emails.
#[derive(Debug, Clone)]
pub struct Announcement {
    pub thread: NewThreadInput,
    pub markdown: String,
}

impl TryFrom<CreateAnnouncementRequest> for Announcement {
    type Error = ApiError;

    /// The forums' own checks of a new thread (a `discussion` tagged `announcement`), so an
    /// announcement is refused exactly where a thread would be.
    fn try_from(req: CreateAnnouncementRequest) -> Result<Self, ApiError> {
        let markdown = req.body.clone();
        let tags = [ANNOUNCEMENT_TAG.to_owned()];
        let thread = NewThreadInput::new(
            ThreadKind::Discussion,
            &req.title,
            req.body,
            &tags,
            Vec::new(),
        )?;
        Ok(Self { thread, markdown })
    }
}

/// An announcement posted: the pinned thread it opened in the cohort's space, and how many
/// people it was emailed to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnnouncementResponse {
    /// The thread (`/api/v1/threads/{id}`), readable by the space's members.
    #[schema(value_type = i64)]
    pub thread_id: ThreadId,
    /// The cohort's space.
    #[schema(value_type = i64)]
    pub community_id: CommunityId,
    /// The participants and facilitators emailed (everyone but the author, erased accounts
    /// excepted).
    pub emailed: i64,
}
