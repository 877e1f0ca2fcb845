//! HTTP handlers of training follow-up: thin, one transaction each.

use actix_web::{HttpRequest, web};

use crate::auth::AuthUser;
use crate::db::{Db, now};
use crate::error::{ApiError, Problem};
use crate::followup::dto::{
    ActionPlanResponse, AnswerGuidanceRequest, CheckInList, CheckInResponse, ConfirmationRequest,
    CreateActionPlanRequest, CreateCheckInRequest, CreateGuidanceRequest, GuidanceResponse,
    ID_SORT, ListGuidanceQuery, ListPlansQuery, ReportResponse, ScheduleRequest, ScheduleResponse,
    UpdateActionPlanRequest, UpdateCheckInRequest,
};
use crate::followup::model::{
    CheckInInput, ConfirmationInput, GuidanceInput, PlanInput, PlanPatch, ReportInput, Schedule,
};
use crate::followup::service::{self, Tagged};
use crate::http::doc::{BadFilter, BadPage, NotLoggedIn, UnreadableBody};
use crate::http::etag::IfMatch;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::Reply;
use crate::types::{
    ActionPlanId, CheckInId, CheckInReportId, CohortId, GuidanceRequestId, OrganisationId,
};

crate::http::doc::problem_answers! {
    /// 404: no such plan, or not one the caller may see.
    NoSuchPlan = (404, "No such action plan, or not one the caller may see");
    /// 404: no such check-in, or not one the caller may see.
    NoSuchCheckIn = (404, "No such check-in, or not one the caller may see");
    /// 404: no such guidance request, or not one the caller may see.
    NoSuchGuidance = (404, "No such guidance request, or not one the caller may see");
    /// 404: no such cohort, or the caller has no part in its follow-up.
    NoSuchCohortFollowUp = (404, "No such cohort, or the caller has no part in its follow-up");
    /// 403: only the plan's author.
    NotTheAuthor = (403, "`not_the_author`: the caller may read but not write it");
    /// 403: only a leader of the author's union.
    NotTheLeader = (403, "`not_the_union_leader`: only a leader of the participant's union, not the participant");
    /// 412: If-Match names another version.
    StaleVersion = (412, "`precondition_failed`: it changed since the version in If-Match");
    /// 422: a plan's invalid fields.
    InvalidPlan = (422, "Invalid fields, each named: `no_goals`, `too_many_goals`, `invalid_goal`, `no_steps`, `too_many_steps`, `invalid_title`, `out_of_range`, `before_cohort` (a step due before the cohort starts), `duplicate_step`, `not_a_step_of_plan`, `not_allowed`, `invalid_text`");
    /// 422: a check-in's invalid fields.
    InvalidCheckIn = (422, "Invalid fields, each named: `out_of_range`, `no_such_round`, `no_reports`, `too_many_reports`, `duplicate_step`, `not_a_step_of_plan` (a step not in the plan), `too_many_barriers`, `too_many_links`, `invalid_link`, `too_many_resources`, `unknown_resource` (no library resource the caller may read), `invalid_text`");
}

fn tagged<T: serde::Serialize>(v: Tagged<T>) -> Reply<T> {
    Reply::ok(v.body).etag(v.etag).private()
}

fn page_of(limit: Option<u32>, cursor: Option<&str>) -> Result<PageRequest<i64>, ApiError> {
    PageRequest::<i64>::parse(limit, cursor, ID_SORT)
}

/// A participant writes their action plan for a running or completed cohort (one each).
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/action-plans",
    tag = "follow-up",
    operation_id = "create_action_plan",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body = CreateActionPlanRequest,
    responses(
        (status = 201, description = "Created (`Cache-Control: no-store`)", body = ActionPlanResponse,
            headers(("Location" = String, description = "The plan"), ("ETag" = String, description = "Entity tag of the plan's version"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`not_a_participant`: the caller is not an accepted participant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cohort", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`action_plan_exists`: the caller has one (edit it); `plans_not_open`: the cohort is not running or completed", body = Problem, content_type = "application/problem+json"),
        InvalidPlan,
    )
)]
pub async fn create_action_plan(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<CreateActionPlanRequest>,
) -> Result<Reply<ActionPlanResponse>, ApiError> {
    let input = PlanInput::try_from(body.into_inner())?;
    let cohort = id.into_inner();
    let v = db
        .write(move |conn| service::create_plan(conn, &user, cohort, input, now()))
        .await?;
    tracing::info!(action_plan.id = %v.body.id, "action plan written");
    let location = format!("/api/v1/action-plans/{}", v.body.id);
    Ok(Reply::created(v.body, location).etag(v.etag).private())
}

/// A cohort's action plans by id: all for its facilitators and coordinators, their union's
/// for a leader, their own for a participant.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/action-plans",
    tag = "follow-up",
    operation_id = "list_cohort_action_plans",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), PageQuery),
    responses(
        (status = 200, description = "One page of plans (`Cache-Control: no-store`)", body = Page<ActionPlanResponse>),
        BadPage,
        NotLoggedIn,
        NoSuchCohortFollowUp,
    )
)]
pub async fn list_cohort_action_plans(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<ActionPlanResponse>>, ApiError> {
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let cohort = id.into_inner();
    let page = db
        .read(move |conn| service::list_cohort_plans(conn, &user, cohort, &page))
        .await?;
    Ok(Reply::ok(page).private())
}

/// A union's action plans by id, for its approved leaders, coordinators and admins (404
/// for others: another union's leader, members).
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/action-plans",
    tag = "follow-up",
    operation_id = "list_union_action_plans",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id"), ListPlansQuery),
    responses(
        (status = 200, description = "One page of plans (`Cache-Control: no-store`)", body = Page<ActionPlanResponse>),
        BadFilter,
        NotLoggedIn,
        (status = 404, description = "No such organisation, or the caller does not lead it", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_union_action_plans(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<OrganisationId>,
    query: web::Query<ListPlansQuery>,
) -> Result<Reply<Page<ActionPlanResponse>>, ApiError> {
    let query = query.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let cohort = crate::http::query::positive_id("cohort_id", query.cohort_id)?.map(CohortId);
    let org = id.into_inner();
    let page = db
        .read(move |conn| service::list_union_plans(conn, &user, org, cohort, &page))
        .await?;
    Ok(Reply::ok(page).private())
}

/// An action plan, for its author, their union's leaders, the cohort's facilitators,
/// coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/action-plans/{id}",
    tag = "follow-up",
    operation_id = "get_action_plan",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Action plan id")),
    responses(
        (status = 200, description = "The plan (`Cache-Control: no-store`)", body = ActionPlanResponse,
            headers(("ETag" = String, description = "Entity tag of this version; send it in If-Match to change it"))),
        NotLoggedIn,
        NoSuchPlan,
    )
)]
pub async fn get_action_plan(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ActionPlanId>,
) -> Result<Reply<ActionPlanResponse>, ApiError> {
    let id = id.into_inner();
    let v = db
        .read(move |conn| service::get_plan(conn, &user, id))
        .await?;
    Ok(tagged(v))
}

/// The author changes their plan (`steps` replaces the list); any change clears the
/// leader's endorsement.
#[utoipa::path(
    patch,
    path = "/api/v1/action-plans/{id}",
    tag = "follow-up",
    operation_id = "update_action_plan",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Action plan id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed; refused (412) when the plan changed since"),
    ),
    request_body = UpdateActionPlanRequest,
    responses(
        (status = 200, description = "The plan as it is now", body = ActionPlanResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        NotTheAuthor,
        NoSuchPlan,
        (status = 409, description = "`step_reported`: a step with check-in reports was left out", body = Problem, content_type = "application/problem+json"),
        StaleVersion,
        InvalidPlan,
    )
)]
pub async fn update_action_plan(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ActionPlanId>,
    body: Json<UpdateActionPlanRequest>,
) -> Result<Reply<ActionPlanResponse>, ApiError> {
    let patch = PlanPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let v = db
        .write(move |conn| service::update_plan(conn, &user, id, patch, if_match.as_ref(), now()))
        .await?;
    Ok(tagged(v))
}

/// A leader of the author's union endorses the plan as it is (again: no change).
#[utoipa::path(
    post,
    path = "/api/v1/action-plans/{id}/endorsement",
    tag = "follow-up",
    operation_id = "create_action_plan_endorsement",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Action plan id")),
    responses(
        (status = 200, description = "The endorsed plan", body = ActionPlanResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        NotLoggedIn,
        NotTheLeader,
        NoSuchPlan,
    )
)]
pub async fn create_action_plan_endorsement(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ActionPlanId>,
) -> Result<Reply<ActionPlanResponse>, ApiError> {
    let id = id.into_inner();
    let v = db
        .write(move |conn| service::endorse_plan(conn, &user, id, now()))
        .await?;
    Ok(tagged(v))
}

/// A cohort's follow-up rounds (default: 30, 90 and 180 days after its end), for its
/// facilitators, coordinators and participants.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/follow-up-schedule",
    tag = "follow-up",
    operation_id = "get_follow_up_schedule",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "The schedule", body = ScheduleResponse),
        NotLoggedIn,
        NoSuchCohortFollowUp,
    )
)]
pub async fn get_follow_up_schedule(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
) -> Result<Reply<ScheduleResponse>, ApiError> {
    let cohort = id.into_inner();
    let v = db
        .read(move |conn| service::get_schedule(conn, &user, cohort))
        .await?;
    Ok(Reply::ok(v).private())
}

/// The cohort's facilitators and coordinators set its follow-up rounds.
#[utoipa::path(
    put,
    path = "/api/v1/cohorts/{id}/follow-up-schedule",
    tag = "follow-up",
    operation_id = "put_follow_up_schedule",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body = ScheduleRequest,
    responses(
        (status = 200, description = "The schedule", body = ScheduleResponse),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "A participant: only facilitators and coordinators set it", body = Problem, content_type = "application/problem+json"),
        NoSuchCohortFollowUp,
        (status = 409, description = "`rounds_in_use`: check-ins exist for a round the schedule drops", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_schedule`: 1 to 6 strictly increasing rounds, each 1 to 730 days", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_follow_up_schedule(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<ScheduleRequest>,
) -> Result<Reply<ScheduleResponse>, ApiError> {
    let schedule = Schedule::try_from(body.into_inner())?;
    let cohort = id.into_inner();
    let v = db
        .write(move |conn| service::put_schedule(conn, &user, cohort, schedule, now()))
        .await?;
    Ok(Reply::ok(v).private())
}

/// The author checks in for a round of the schedule, from its day on, with a report per
/// step (one check-in per round: change it with PATCH).
#[utoipa::path(
    post,
    path = "/api/v1/action-plans/{id}/check-ins",
    tag = "follow-up",
    operation_id = "create_check_in",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Action plan id")),
    request_body = CreateCheckInRequest,
    responses(
        (status = 201, description = "Created", body = CheckInResponse,
            headers(("Location" = String, description = "The check-in"), ("ETag" = String, description = "Entity tag of its version"))),
        UnreadableBody,
        NotLoggedIn,
        NotTheAuthor,
        NoSuchPlan,
        (status = 409, description = "`check_in_exists`: the round has one (PATCH it); `round_not_due`: the round's day has not come", body = Problem, content_type = "application/problem+json"),
        InvalidCheckIn,
    )
)]
pub async fn create_check_in(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ActionPlanId>,
    body: Json<CreateCheckInRequest>,
) -> Result<Reply<CheckInResponse>, ApiError> {
    let input = CheckInInput::try_from(body.into_inner())?;
    let plan = id.into_inner();
    let v = db
        .write(move |conn| service::create_check_in(conn, &user, plan, input, now()))
        .await?;
    tracing::info!(check_in.id = %v.body.id, "check-in submitted");
    let location = format!("/api/v1/check-ins/{}", v.body.id);
    Ok(Reply::created(v.body, location).etag(v.etag).private())
}

/// A plan's check-ins by round, for those who may read the plan.
#[utoipa::path(
    get,
    path = "/api/v1/action-plans/{id}/check-ins",
    tag = "follow-up",
    operation_id = "list_check_ins",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Action plan id")),
    responses(
        (status = 200, description = "The check-ins (6 at most)", body = CheckInList),
        NotLoggedIn,
        NoSuchPlan,
    )
)]
pub async fn list_check_ins(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ActionPlanId>,
) -> Result<Reply<CheckInList>, ApiError> {
    let plan = id.into_inner();
    let v = db
        .read(move |conn| service::list_check_ins(conn, &user, plan))
        .await?;
    Ok(Reply::ok(v).private())
}

/// A check-in, for those who may read its plan.
#[utoipa::path(
    get,
    path = "/api/v1/check-ins/{id}",
    tag = "follow-up",
    operation_id = "get_check_in",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Check-in id")),
    responses(
        (status = 200, description = "The check-in", body = CheckInResponse,
            headers(("ETag" = String, description = "Entity tag of this version"))),
        NotLoggedIn,
        NoSuchCheckIn,
    )
)]
pub async fn get_check_in(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CheckInId>,
) -> Result<Reply<CheckInResponse>, ApiError> {
    let id = id.into_inner();
    let v = db
        .read(move |conn| service::get_check_in(conn, &user, id))
        .await?;
    Ok(tagged(v))
}

/// The author changes a check-in's reports (the list replaces them); a report that
/// changes loses its leader's confirmation.
#[utoipa::path(
    patch,
    path = "/api/v1/check-ins/{id}",
    tag = "follow-up",
    operation_id = "update_check_in",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Check-in id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed; refused (412) when it changed since"),
    ),
    request_body = UpdateCheckInRequest,
    responses(
        (status = 200, description = "The check-in as it is now", body = CheckInResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        NotTheAuthor,
        NoSuchCheckIn,
        StaleVersion,
        InvalidCheckIn,
    )
)]
pub async fn update_check_in(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CheckInId>,
    body: Json<UpdateCheckInRequest>,
) -> Result<Reply<CheckInResponse>, ApiError> {
    let reports = Vec::<ReportInput>::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let v = db
        .write(move |conn| {
            service::update_check_in(conn, &user, id, reports, if_match.as_ref(), now())
        })
        .await?;
    Ok(tagged(v))
}

/// A leader of the author's union confirms or questions a reported application.
#[utoipa::path(
    put,
    path = "/api/v1/check-in-reports/{id}/confirmation",
    tag = "follow-up",
    operation_id = "put_report_confirmation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Check-in report id")),
    request_body = ConfirmationRequest,
    responses(
        (status = 200, description = "The report with the verdict", body = ReportResponse),
        UnreadableBody,
        NotLoggedIn,
        NotTheLeader,
        (status = 404, description = "No such report, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_text`: the note", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_report_confirmation(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CheckInReportId>,
    body: Json<ConfirmationRequest>,
) -> Result<Reply<ReportResponse>, ApiError> {
    let input = ConfirmationInput::try_from(body.into_inner())?;
    let id = id.into_inner();
    let v = db
        .write(move |conn| service::confirm_report(conn, &user, id, input, now()))
        .await?;
    Ok(Reply::ok(v).private())
}

/// The author asks the cohort's facilitators for guidance (each is emailed).
#[utoipa::path(
    post,
    path = "/api/v1/action-plans/{id}/guidance-requests",
    tag = "follow-up",
    operation_id = "create_guidance_request",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Action plan id")),
    request_body = CreateGuidanceRequest,
    responses(
        (status = 201, description = "Created, `open`", body = GuidanceResponse,
            headers(("Location" = String, description = "The request"), ("ETag" = String, description = "Entity tag of its version"))),
        UnreadableBody,
        NotLoggedIn,
        NotTheAuthor,
        NoSuchPlan,
        (status = 422, description = "`invalid_text`, `not_a_step_of_plan`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_guidance_request(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ActionPlanId>,
    body: Json<CreateGuidanceRequest>,
) -> Result<Reply<GuidanceResponse>, ApiError> {
    let input = GuidanceInput::try_from(body.into_inner())?;
    let plan = id.into_inner();
    let v = db
        .write(move |conn| service::create_guidance(conn, &user, plan, input, now()))
        .await?;
    let location = format!("/api/v1/guidance-requests/{}", v.body.id);
    Ok(Reply::created(v.body, location).etag(v.etag).private())
}

/// A plan's guidance requests by id, for its author and the cohort's facilitators.
#[utoipa::path(
    get,
    path = "/api/v1/action-plans/{id}/guidance-requests",
    tag = "follow-up",
    operation_id = "list_plan_guidance_requests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Action plan id"), PageQuery),
    responses(
        (status = 200, description = "One page of requests", body = Page<GuidanceResponse>),
        BadPage,
        NotLoggedIn,
        NoSuchPlan,
    )
)]
pub async fn list_plan_guidance_requests(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ActionPlanId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<GuidanceResponse>>, ApiError> {
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let plan = id.into_inner();
    let v = db
        .read(move |conn| service::list_plan_guidance(conn, &user, plan, &page))
        .await?;
    Ok(Reply::ok(v).private())
}

/// A cohort's guidance requests by id (`?state=open` for those waiting), for its
/// facilitators, coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/guidance-requests",
    tag = "follow-up",
    operation_id = "list_cohort_guidance_requests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), ListGuidanceQuery),
    responses(
        (status = 200, description = "One page of requests", body = Page<GuidanceResponse>),
        BadFilter,
        NotLoggedIn,
        NoSuchCohortFollowUp,
    )
)]
pub async fn list_cohort_guidance_requests(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<ListGuidanceQuery>,
) -> Result<Reply<Page<GuidanceResponse>>, ApiError> {
    let query = query.into_inner();
    let page = page_of(query.limit, query.cursor.as_deref())?;
    let cohort = id.into_inner();
    let state = query.state;
    let v = db
        .read(move |conn| service::list_cohort_guidance(conn, &user, cohort, state, &page))
        .await?;
    Ok(Reply::ok(v).private())
}

/// A guidance request, for its author and the cohort's facilitators.
#[utoipa::path(
    get,
    path = "/api/v1/guidance-requests/{id}",
    tag = "follow-up",
    operation_id = "get_guidance_request",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Guidance request id")),
    responses(
        (status = 200, description = "The request", body = GuidanceResponse,
            headers(("ETag" = String, description = "Entity tag of this version"))),
        NotLoggedIn,
        NoSuchGuidance,
    )
)]
pub async fn get_guidance_request(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<GuidanceRequestId>,
) -> Result<Reply<GuidanceResponse>, ApiError> {
    let id = id.into_inner();
    let v = db
        .read(move |conn| service::get_guidance(conn, &user, id))
        .await?;
    Ok(tagged(v))
}

/// A facilitator answers a guidance request (`open` → `answered`); the author is emailed.
#[utoipa::path(
    post,
    path = "/api/v1/guidance-requests/{id}/answer",
    tag = "follow-up",
    operation_id = "create_guidance_answer",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Guidance request id")),
    request_body = AnswerGuidanceRequest,
    responses(
        (status = 200, description = "The answered request", body = GuidanceResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`not_a_facilitator`: the author cannot answer", body = Problem, content_type = "application/problem+json"),
        NoSuchGuidance,
        (status = 409, description = "`already_answered`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_text`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_guidance_answer(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<GuidanceRequestId>,
    body: Json<AnswerGuidanceRequest>,
) -> Result<Reply<GuidanceResponse>, ApiError> {
    let answer = String::try_from(body.into_inner())?;
    let id = id.into_inner();
    let v = db
        .write(move |conn| service::answer_guidance(conn, &user, id, answer, now()))
        .await?;
    Ok(tagged(v))
}
