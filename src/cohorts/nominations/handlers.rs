//! HTTP handlers of nominations. Every answer is personal data: `Cache-Control: no-store`.

use crate::cohorts::handlers::NoSuchCohort;
use crate::http::json::Json;
use actix_web::{HttpRequest, web};

use crate::auth::AuthUser;
use crate::cohorts::nominations::dto::{
    CreateNominationRequest, CreateNominationTransitionRequest, ID_SORT, ListNominationEventsQuery,
    ListNominationsQuery, NominationEventResponse, NominationResponse, SelectionResponse,
};
use crate::cohorts::nominations::model::{MoveInput, NominationInput};
use crate::cohorts::nominations::repo::NominationFilter;
use crate::cohorts::nominations::service;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    BadFilter, NotCoordinator, NotLoggedIn, PreconditionFailed, UnreadableBody,
};
use crate::http::etag::IfMatch;
use crate::http::pagination::{Page, PageRequest};
use crate::http::response::Reply;
use crate::types::{CohortId, NominationId, OrganisationId};

/// A union leader nominates an approved member of a union they lead (`awaiting_nominee`:
/// the nominee is emailed in their language to accept or decline), or a member applies
/// where the call allows it (no `nominee_id`, or their own: `awaiting_leader`, and the
/// union's leaders are emailed to endorse it or not). The nominator confirms having read
/// the participant profile.
#[utoipa::path(
    post,
    path = "/api/v1/cohorts/{id}/nominations",
    tag = "cohorts",
    operation_id = "create_nomination",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    request_body = CreateNominationRequest,
    responses(
        (status = 201, description = "Nominated, or applied (`Cache-Control: no-store`)", body = NominationResponse,
            headers(
                ("Location" = String, description = "The nomination"),
                ("ETag" = String, description = "Entity tag of the nomination"),
            )),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden`: the caller leads no union the nominee is an approved member of (a member nominating anyone, a leader nominating a member of another union), or applies through an organisation they are not a member of; `applications_not_accepted`: the call takes nominations by leaders only", body = Problem, content_type = "application/problem+json"),
        NoSuchCohort,
        (status = 409, description = "`nominations_closed` (the cohort is not in `nominations_open`, has no call, or the deadline passed), `already_nominated` (the member has a nomination for this cohort that is not over), `quota_full` (the organisation's or its country's quota is taken)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`statement`: `invalid_statement`; `profile_read`: `profile_not_read`; `organisation_id`: `organisation_required`; `nominee_id`: `nominee_inactive`), or a hard criterion of the profile the nominee misses, each named with its field and code: `organisation_id` `organisation_not_invited`, `profile.union_roles` `union_role_required`, `profile.languages` `language_level_too_low`, `profile.prerequisite_course_ids` `prerequisite_course_not_completed`, `profile.prerequisite_cohort_ids` `prerequisite_cohort_not_completed`, `profile.age_range` `outside_age_range`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_nomination(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    body: Json<CreateNominationRequest>,
) -> Result<Reply<NominationResponse>, ApiError> {
    let input = NominationInput::try_from(body.into_inner())?;
    let (cohort, actor) = (id.into_inner(), user.clone());
    let made = db
        .write(move |conn| service::create(conn, &actor, cohort, input))
        .await?;
    let id = made.body.id;
    tracing::info!(nomination.id = %id, cohort.id = %cohort, user.id = %user.id, "nomination made");
    Ok(
        Reply::created(made.body, format!("/api/v1/nominations/{id}"))
            .etag(made.etag)
            .private(),
    )
}

/// A cohort's nominations, by id: every one for coordinators and admins (with the soft
/// criteria beside each); the caller's own and those of the unions they lead for anyone
/// else.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/nominations",
    tag = "cohorts",
    operation_id = "list_nominations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), ListNominationsQuery),
    responses(
        (status = 200, description = "One page of nominations, by id (`Cache-Control: no-store`)", body = Page<NominationResponse>),
        BadFilter,
        NotLoggedIn,
        NoSuchCohort,
    )
)]
pub async fn list_nominations(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<ListNominationsQuery>,
) -> Result<Reply<Page<NominationResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), ID_SORT)?;
    let filter = NominationFilter {
        status: query.status,
        organisation: query.organisation_id.map(OrganisationId),
        visible_to: None,
    };
    let cohort = id.into_inner();
    let page = db
        .read(move |conn| service::list(conn, &user, cohort, filter, &page))
        .await?;
    Ok(Reply::ok(page).private())
}

/// One nomination, for its nominee, the leaders of its organisation, coordinators and
/// admins; 404 for anyone else.
#[utoipa::path(
    get,
    path = "/api/v1/nominations/{id}",
    tag = "cohorts",
    operation_id = "get_nomination",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Nomination id")),
    responses(
        (status = 200, description = "The nomination (`Cache-Control: no-store`)", body = NominationResponse,
            headers(("ETag" = String, description = "Entity tag of this version; send it in If-Match to move this version"))),
        NotLoggedIn,
        (status = 404, description = "No such nomination, or one the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_nomination(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NominationId>,
) -> Result<Reply<NominationResponse>, ApiError> {
    let id = id.into_inner();
    let n = db.read(move |conn| service::get(conn, &user, id)).await?;
    Ok(Reply::ok(n.body).etag(n.etag).private())
}

/// Moves a nomination. The nominee accepts (`submitted`) or declines (`declined`) a
/// leader's nomination; a leader of the applicant's union endorses (`submitted`) or not
/// (`not_endorsed`) an application; coordinators decide on `submitted` and `waitlisted`
/// ones (`accepted`, `waitlisted`, `rejected`, with a reason emailed to the nominee and
/// their leader; accepting enrols the participant in the cohort's courses in the same
/// transaction); the nominee or a leader of their union withdraws (`withdrawn`), and a
/// withdrawn participant's place goes to the first on the waiting list, who is emailed.
/// Every move is audited.
#[utoipa::path(
    post,
    path = "/api/v1/nominations/{id}/transitions",
    tag = "cohorts",
    operation_id = "create_nomination_transition",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Nomination id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being moved; refused (412) when the nomination changed since"),
    ),
    request_body = CreateNominationTransitionRequest,
    responses(
        (status = 200, description = "The nomination in its new state (`Cache-Control: no-store`)", body = NominationResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "Not the one who makes this move (the nominee answers, a leader of the union other than the applicant endorses, coordinators decide, the nominee or a leader withdraws)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such nomination, or one the caller may not see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition` (no such move from the nomination's state), `nominations_closed` (the cohort is not in `nominations_open`, `selection` or `running`), `cohort_full` (accepting with every place taken), or a refused enrolment (`course_full`, `not_open`)", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
        (status = 422, description = "`reason`: `reason_required` for a decision, `invalid_reason`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_nomination_transition(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NominationId>,
    body: Json<CreateNominationTransitionRequest>,
) -> Result<Reply<NominationResponse>, ApiError> {
    let mv = MoveInput::try_from(body.into_inner())?;
    let to = mv.to;
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let n = db
        .write(move |conn| service::transition(conn, &actor, id, mv, if_match.as_ref()))
        .await?;
    tracing::info!(nomination.id = %id, user.id = %user.id, status = %to, "nomination moved");
    Ok(Reply::ok(n.body).etag(n.etag).private())
}

/// A cohort's audit trail of nominations (coordinators and admins), oldest step first:
/// who made each step, when, from which state to which, and why.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/nomination-events",
    tag = "cohorts",
    operation_id = "list_nomination_events",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id"), ListNominationEventsQuery),
    responses(
        (status = 200, description = "One page of steps, by id (`Cache-Control: no-store`)", body = Page<NominationEventResponse>),
        BadFilter,
        NotLoggedIn,
        NotCoordinator,
        NoSuchCohort,
    )
)]
pub async fn list_nomination_events(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
    query: web::Query<ListNominationEventsQuery>,
) -> Result<Reply<Page<NominationEventResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), ID_SORT)?;
    let nomination = query.nomination_id.map(NominationId);
    let cohort = id.into_inner();
    let page = db
        .read(move |conn| service::events(conn, &user, cohort, nomination, &page))
        .await?;
    Ok(Reply::ok(page).private())
}

/// The selection view of a cohort (coordinators and admins), live: the submitted set
/// (every nomination that reached the coordinators) and the accepted set, by gender, age
/// band, country and union, against the profile's target shares. People who did not state
/// their gender or birth year count as `not_stated`.
#[utoipa::path(
    get,
    path = "/api/v1/cohorts/{id}/selection",
    tag = "cohorts",
    operation_id = "get_cohort_selection",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "The selection view (`Cache-Control: no-store`)", body = SelectionResponse),
        NotLoggedIn,
        NotCoordinator,
        NoSuchCohort,
    )
)]
pub async fn get_cohort_selection(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CohortId>,
) -> Result<Reply<SelectionResponse>, ApiError> {
    let cohort = id.into_inner();
    let view = db
        .read(move |conn| service::selection(conn, &user, cohort))
        .await?;
    Ok(Reply::ok(view).private())
}
