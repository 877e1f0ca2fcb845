//! HTTP handlers of the needs assessment.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    IfNoneMatch, InvalidFields, NotCoordinator, NotLoggedIn, NotModified, UnreadableBody,
};
use crate::http::etag::{self, IfMatch, Versioned};
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::{Rendered, Reply, no_content};
use crate::needs::dto::{
    CreateNeedLinkRequest, CreateNeedRequest, CreateRoundRequest, ListNeedsQuery, NeedResponse,
    RoundResponse, TotalsResponse, UpdateNeedRequest, UpdateRoundRequest,
};
use crate::needs::model::{LinkTarget, NeedInput, NeedView, RoundInput, RoundPatch, RoundView};
use crate::needs::service::{self, NEWEST_FIRST};
use crate::state::AppState;
use crate::types::{NeedId, NeedLinkId, NeedsRoundId, OrganisationId};

fn round_reply(view: &RoundView) -> Reply<RoundResponse> {
    Reply::ok(RoundResponse::from(view))
        .etag(view.round.etag())
        .private()
}

fn need_reply(view: &NeedView) -> Reply<NeedResponse> {
    Reply::ok(NeedResponse::from(view))
        .etag(view.need.etag())
        .private()
}

/// Opens a needs round: coordinators and admins.
#[utoipa::path(
    post,
    path = "/api/v1/needs-rounds",
    tag = "needs",
    operation_id = "create_needs_round",
    security(("bearer" = [])),
    request_body = CreateRoundRequest,
    responses(
        (status = 201, description = "Opened", body = RoundResponse,
            headers(("Location" = String, description = "The round"), ("ETag" = String, description = "Entity tag of the round"))),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        (status = 422, description = "Invalid fields; `deadline_in_past`, `no_invitations`, `unknown_organisation`, `invalid_country`, `too_many_items`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_needs_round(
    db: web::Data<Db>,
    user: AuthUser,
    body: Json<CreateRoundRequest>,
) -> Result<Reply<RoundResponse>, ApiError> {
    let input = RoundInput::try_from(body.into_inner())?;
    let actor = user.clone();
    let view = db
        .write(move |conn| service::create_round(conn, &actor, input))
        .await?;
    tracing::info!(needs_round.id = %view.round.id, user.id = user.id.get(), "needs round opened");
    let location = format!("/api/v1/needs-rounds/{}", view.round.id);
    Ok(Reply::created(RoundResponse::from(&view), location)
        .etag(view.round.etag())
        .private())
}

/// The needs rounds the caller may see, newest first: every round for coordinators and
/// admins, the rounds inviting one of their organisations (by name or country) for members.
#[utoipa::path(
    get,
    path = "/api/v1/needs-rounds",
    tag = "needs",
    operation_id = "list_needs_rounds",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of rounds", body = Page<RoundResponse>),
        NotLoggedIn,
    )
)]
pub async fn list_needs_rounds(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<RoundResponse>>, ApiError> {
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), NEWEST_FIRST)?;
    let rounds = db
        .read(move |conn| service::list_rounds(conn, &user, &page))
        .await?;
    Ok(Reply::ok(rounds.map(|r| RoundResponse::from(&r))).private())
}

/// One needs round: coordinators, admins and members of organisations it invites.
#[utoipa::path(
    get,
    path = "/api/v1/needs-rounds/{id}",
    tag = "needs",
    operation_id = "get_needs_round",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id"), IfNoneMatch),
    responses(
        (status = 200, description = "The round", body = RoundResponse,
            headers(("ETag" = String, description = "Entity tag"))),
        NotModified,
        NotLoggedIn,
        (status = 404, description = "No such round, or one that does not invite the caller's organisations", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_needs_round(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedsRoundId>,
) -> Result<Reply<RoundResponse>, ApiError> {
    let id = id.into_inner();
    let view = db
        .read(move |conn| service::get_round(conn, &user, id))
        .await?;
    Ok(round_reply(&view))
}

/// Changes a needs round: coordinators and admins. Invitations given replace the old ones;
/// a deadline in the past closes the round.
#[utoipa::path(
    patch,
    path = "/api/v1/needs-rounds/{id}",
    tag = "needs",
    operation_id = "update_needs_round",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Round id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed"),
    ),
    request_body = UpdateRoundRequest,
    responses(
        (status = 200, description = "The round as changed", body = RoundResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the round changed since", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `no_invitations`, `unknown_organisation`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_needs_round(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedsRoundId>,
    body: Json<UpdateRoundRequest>,
) -> Result<Reply<RoundResponse>, ApiError> {
    let patch = RoundPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let view = db
        .write(move |conn| service::update_round(conn, &user, id, patch, if_match.as_ref()))
        .await?;
    Ok(round_reply(&view))
}

/// A round's totals by topic × country × target group, counted by the database:
/// coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/needs-rounds/{id}/totals",
    tag = "needs",
    operation_id = "get_needs_totals",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id"), IfNoneMatch),
    responses(
        (status = 200, description = "The totals", body = TotalsResponse,
            headers(("ETag" = String, description = "Changes with every change to the round's needs"))),
        NotModified,
        NotLoggedIn,
        NotCoordinator,
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_needs_totals(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<NeedsRoundId>,
) -> Result<Reply<Rendered>, ApiError> {
    let id = id.into_inner();
    let memo = state.needs_totals.clone();
    let (round, totals) = state
        .db
        .read(move |conn| service::totals(conn, &user, id, &memo))
        .await?;
    let tag = etag::versioned("needs-totals", round.id.get(), round.needs_version, None);
    Ok(Reply::ok(Rendered::clone(&totals)).etag(tag).private())
}

/// Submits a need of the caller's union to an open round that invites it: the union's
/// approved leaders.
#[utoipa::path(
    post,
    path = "/api/v1/needs-rounds/{id}/needs",
    tag = "needs",
    operation_id = "create_need",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    request_body = CreateNeedRequest,
    responses(
        (status = 201, description = "Submitted; `open`", body = NeedResponse,
            headers(("Location" = String, description = "The need"), ("ETag" = String, description = "Entity tag of the need"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden` (not a leader of the organisation) or `not_invited` (the round does not invite it)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round (or one the caller is not invited to), or no such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`round_closed` (the deadline passed) or `need_exists` (the organisation has a need of this topic and target group in the round)", body = Problem, content_type = "application/problem+json"),
        InvalidFields,
    )
)]
pub async fn create_need(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedsRoundId>,
    body: Json<CreateNeedRequest>,
) -> Result<Reply<NeedResponse>, ApiError> {
    let input = NeedInput::try_from(body.into_inner())?;
    let (id, actor) = (id.into_inner(), user.clone());
    let view = db
        .write(move |conn| service::submit(conn, &actor, id, input))
        .await?;
    tracing::info!(need.id = %view.need.id, user.id = user.id.get(), "need submitted");
    let location = format!("/api/v1/needs/{}", view.need.id);
    Ok(Reply::created(NeedResponse::from(&view), location)
        .etag(view.need.etag())
        .private())
}

/// A round's needs, newest first: every union's for coordinators and admins, their own
/// organisations' for members of invited organisations.
#[utoipa::path(
    get,
    path = "/api/v1/needs-rounds/{id}/needs",
    tag = "needs",
    operation_id = "list_round_needs",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id"), ListNeedsQuery),
    responses(
        (status = 200, description = "One page of needs", body = Page<NeedResponse>),
        NotLoggedIn,
        (status = 404, description = "No such round, or one that does not invite the caller's organisations", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_round_needs(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedsRoundId>,
    query: web::Query<ListNeedsQuery>,
) -> Result<Reply<Page<NeedResponse>>, ApiError> {
    let id = id.into_inner();
    let (filter, page) = query.parse()?;
    let needs = db
        .read(move |conn| service::list_round_needs(conn, &user, id, filter, &page))
        .await?;
    Ok(Reply::ok(needs.map(|n| NeedResponse::from(&n))).private())
}

/// An organisation's needs in every round, newest first, with their links and states:
/// what became of them. For its approved members, coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/needs",
    tag = "needs",
    operation_id = "list_organisation_needs",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id"), ListNeedsQuery),
    responses(
        (status = 200, description = "One page of needs", body = Page<NeedResponse>),
        NotLoggedIn,
        (status = 404, description = "No such organisation, or not one the caller is a member of", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_organisation_needs(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<OrganisationId>,
    query: web::Query<ListNeedsQuery>,
) -> Result<Reply<Page<NeedResponse>>, ApiError> {
    let id = id.into_inner();
    let (filter, page) = query.parse()?;
    let needs = db
        .read(move |conn| service::list_organisation_needs(conn, &user, id, filter, &page))
        .await?;
    Ok(Reply::ok(needs.map(|n| NeedResponse::from(&n))).private())
}

/// One need: the members of its union, coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/needs/{id}",
    tag = "needs",
    operation_id = "get_need",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id"), IfNoneMatch),
    responses(
        (status = 200, description = "The need", body = NeedResponse,
            headers(("ETag" = String, description = "Entity tag"))),
        NotModified,
        NotLoggedIn,
        (status = 404, description = "No such need, or another union's", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_need(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedId>,
) -> Result<Reply<NeedResponse>, ApiError> {
    let id = id.into_inner();
    let view = db
        .read(move |conn| service::get_need(conn, &user, id))
        .await?;
    Ok(need_reply(&view))
}

/// Marks a planned need `addressed`, or an addressed one `planned` again: coordinators and
/// admins.
#[utoipa::path(
    patch,
    path = "/api/v1/needs/{id}",
    tag = "needs",
    operation_id = "update_need",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Need id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed"),
    ),
    request_body = UpdateNeedRequest,
    responses(
        (status = 200, description = "The need", body = NeedResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        (status = 404, description = "No such need", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_planned`: nothing is linked to the need, or the move is to `open` (unlink instead)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the need changed since", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_need(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedId>,
    body: Json<UpdateNeedRequest>,
) -> Result<Reply<NeedResponse>, ApiError> {
    let state = body.into_inner().state;
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    let view = db
        .write(move |conn| service::set_state(conn, &user, id, state, if_match.as_ref()))
        .await?;
    Ok(need_reply(&view))
}

/// Withdraws a need while its round is open: the leaders of its union.
#[utoipa::path(
    delete,
    path = "/api/v1/needs/{id}",
    tag = "needs",
    operation_id = "delete_need",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Need id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted"),
    ),
    responses(
        (status = 204, description = "Withdrawn, with its endorsements and links"),
        NotLoggedIn,
        (status = 403, description = "A member of the union who does not lead it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such need, or another union's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`round_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the need changed since", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_need(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let id = id.into_inner();
    db.write(move |conn| service::delete_need(conn, &user, id, if_match.as_ref()))
        .await?;
    Ok(no_content())
}

/// Endorses a need of the caller's own union while its round is open (once: endorsing
/// again changes nothing). Its author does not endorse it.
#[utoipa::path(
    put,
    path = "/api/v1/needs/{id}/endorsement",
    tag = "needs",
    operation_id = "put_need_endorsement",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id")),
    responses(
        (status = 200, description = "The need, endorsed by the caller", body = NeedResponse,
            headers(("ETag" = String, description = "Entity tag"))),
        NotLoggedIn,
        (status = 403, description = "Not a member of the need's union, or its author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such need", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`round_closed`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_need_endorsement(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedId>,
) -> Result<Reply<NeedResponse>, ApiError> {
    let id = id.into_inner();
    let view = db
        .write(move |conn| service::endorse(conn, &user, id))
        .await?;
    Ok(need_reply(&view))
}

/// Withdraws the caller's endorsement while the round is open.
#[utoipa::path(
    delete,
    path = "/api/v1/needs/{id}/endorsement",
    tag = "needs",
    operation_id = "delete_need_endorsement",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id")),
    responses(
        (status = 204, description = "Withdrawn (or there was none)"),
        NotLoggedIn,
        (status = 404, description = "No such need, or another union's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`round_closed`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_need_endorsement(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db.write(move |conn| service::withdraw_endorsement(conn, &user, id))
        .await?;
    Ok(no_content())
}

/// Links a need to a course or cohort planned to answer it (an `open` need becomes
/// `planned`): coordinators and admins.
#[utoipa::path(
    post,
    path = "/api/v1/needs/{id}/links",
    tag = "needs",
    operation_id = "create_need_link",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id")),
    request_body = CreateNeedLinkRequest,
    responses(
        (status = 201, description = "Linked; the need", body = NeedResponse,
            headers(("Location" = String, description = "The need"), ("ETag" = String, description = "Entity tag of the need"))),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        (status = 404, description = "No such need", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_linked`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`one_target`, `unknown_course`, `unknown_cohort`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_need_link(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<NeedId>,
    body: Json<CreateNeedLinkRequest>,
) -> Result<Reply<NeedResponse>, ApiError> {
    let target = LinkTarget::try_from(body.into_inner())?;
    let id = id.into_inner();
    let view = db
        .write(move |conn| service::link(conn, &user, id, target))
        .await?;
    let location = format!("/api/v1/needs/{id}");
    Ok(Reply::created(NeedResponse::from(&view), location)
        .etag(view.need.etag())
        .private())
}

/// Removes a link (a need left without links is `open` again): coordinators and admins.
#[utoipa::path(
    delete,
    path = "/api/v1/needs/{id}/links/{link_id}",
    tag = "needs",
    operation_id = "delete_need_link",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Need id"),
        ("link_id" = i64, Path, description = "Link id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        NotLoggedIn,
        NotCoordinator,
        (status = 404, description = "No such need or link", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_need_link(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(NeedId, NeedLinkId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, link) = path.into_inner();
    db.write(move |conn| service::unlink(conn, &user, id, link))
        .await?;
    Ok(no_content())
}
