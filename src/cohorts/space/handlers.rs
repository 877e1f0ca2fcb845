//! HTTP handlers of the cohort space.

use crate::cohorts::handlers::NoSuchCohort;
use crate::http::json::Json;
use actix_web::web;

use crate::auth::AuthUser;
use crate::cohorts::space::dto::{Announcement, AnnouncementResponse, CreateAnnouncementRequest};
use crate::cohorts::space::service;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{NotLoggedIn, UnreadableBody};
use crate::http::response::Reply;
use crate::types::CohortId;

/// A facilitator of the cohort (still a trainer), a coordinator or an admin posts an
/// announcement in the cohort's private space: a pinned `discussion` thread tagged
/// `announcement`, which every participant and facilitator but the author is emailed in
/// their language, in the same transaction. Members reply in the thread as in any other.
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/announcements",
    tag = "cohorts",
    operation_id = "create_cohort_announcement",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body = CreateAnnouncementRequest,
    responses(
        (status = 201, description = "Posted and emailed", body = AnnouncementResponse,
            headers(("Location" = String, description = "The announcement's thread, readable by the space's members"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: only the cohort's facilitators, coordinators and admins announce (participants do not)", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
        (status = 409, description = "`cohort_cancelled`: the cohort is cancelled; its space stays readable but takes no more announcements", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, as for a new thread (`title`, `body`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_cohort_announcement(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<CreateAnnouncementRequest>,
) -> Result<Reply<AnnouncementResponse>, ApiError> {
    let input = Announcement::try_from(body.into_inner())?;
    let (cohort, actor) = (id.into_inner(), user.clone());
    let posted = db
        .write(move |conn| service::announce(conn, &actor, cohort, input))
        .await?;
    let thread = posted.thread_id;
    tracing::info!(cohort.id = %cohort, thread.id = %thread, user.id = %user.id, "cohort announcement posted");
    Ok(Reply::created(posted, format!("/api/v1/threads/{thread}")))
}
