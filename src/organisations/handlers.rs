//! HTTP handlers of the trade-union directory.

use crate::http::json::Json;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{IfNoneMatch, NotCoordinator, NotLoggedIn, NotModified, UnreadableBody};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::pagination::Page;
use crate::http::response::{Reply, no_content};
use crate::organisations::dto::{
    CreateOrganisationRequest, ListChildrenQuery, ListMembershipsQuery, ListOrganisationsQuery,
    MemberResponse, OrganisationListing, OrganisationResponse, UpdateMembershipRequest,
    UpdateOrganisationRequest,
};
use crate::organisations::model::{Member, MembershipUpdate, OrganisationInput, OrganisationPatch};
use crate::organisations::service;
use crate::types::{OrganisationId, UserId};

crate::http::doc::problem_answers! {
    /// 404: the organisation is unknown.
    NoSuchOrganisation = (404, "No such organisation");
    /// 404: the organisation or the membership is unknown.
    NoSuchMembership = (404, "No such organisation or membership");
}

/// Lists organisations, filtered and paged.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    tag = "organisations",
    operation_id = "list_organisations",
    params(ListOrganisationsQuery),
    responses(
        (status = 200, description = "One page of organisations", body = Page<OrganisationResponse>),
    )
)]
pub async fn list_organisations(
    db: web::Data<Db>,
    query: web::Query<ListOrganisationsQuery>,
) -> Result<Reply<Page<OrganisationResponse>>, ApiError> {
    let listing = OrganisationListing::try_from(query.into_inner())?;
    let page = db
        .read_short(move |conn| service::list(conn, &listing))
        .await?;
    Ok(Reply::ok(page.map(|o| OrganisationResponse::from(&o))))
}

/// One organisation.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}",
    tag = "organisations",
    operation_id = "get_organisation",
    params(
        ("id" = i64, Path, description = "Organisation id"),
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The organisation", body = OrganisationResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match, or in If-Match to change or delete this version"))),
        NotModified,
        (status = 404, description = "No such organisation", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_organisation(
    db: web::Data<Db>,
    id: web::Path<OrganisationId>,
) -> Result<Reply<OrganisationResponse>, ApiError> {
    let id = id.into_inner();
    let org = db.read_short(move |conn| service::get(conn, id)).await?;
    Ok(Reply::ok(OrganisationResponse::from(&org)).etag(org.etag()))
}

/// The direct children of an organisation, by name.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/children",
    tag = "organisations",
    operation_id = "list_organisation_children",
    params(("id" = i64, Path, description = "Organisation id"), ListChildrenQuery),
    responses(
        (status = 200, description = "One page of child organisations", body = Page<OrganisationResponse>),
        (status = 404, description = "No such organisation", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_organisation_children(
    db: web::Data<Db>,
    id: web::Path<OrganisationId>,
    query: web::Query<ListChildrenQuery>,
) -> Result<Reply<Page<OrganisationResponse>>, ApiError> {
    let id = id.into_inner();
    let listing = query.listing(id)?;
    let page = db
        .read_short(move |conn| service::children(conn, id, &listing))
        .await?;
    Ok(Reply::ok(page.map(|o| OrganisationResponse::from(&o))))
}

/// Adds an organisation to the directory (coordinators and admins).
#[utoipa::path(
    post,
    path = "/api/v1/organisations",
    tag = "organisations",
    operation_id = "create_organisation",
    security(("bearer" = [])),
    request_body = CreateOrganisationRequest,
    responses(
        (status = 201, description = "Created", body = OrganisationResponse,
            headers(
                ("Location" = String, description = "The new organisation"),
                ("ETag" = String, description = "Entity tag of the new organisation"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NotCoordinator,
        (status = 409, description = "`name_taken`: the name is taken in this country", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: name, acronym, country, sector, website; `unknown_parent`, `hierarchy_violation`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_organisation(
    db: web::Data<Db>,
    user: AuthUser,
    body: Json<CreateOrganisationRequest>,
) -> Result<Reply<OrganisationResponse>, ApiError> {
    let input = OrganisationInput::try_from(body.into_inner())?;
    let actor = user.clone();
    let org = db
        .write(move |conn| service::create(conn, &actor, input))
        .await?;
    tracing::info!(organisation.id = %org.id, user.id = user.id.get(), "organisation created");
    let location = format!("/api/v1/organisations/{}", org.id);
    Ok(Reply::created(OrganisationResponse::from(&org), location).etag(org.etag()))
}

/// Changes some fields of an organisation (coordinators and admins).
#[utoipa::path(
    patch,
    path = "/api/v1/organisations/{id}",
    tag = "organisations",
    operation_id = "update_organisation",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Organisation id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed; the change is refused (412) when the organisation changed since"),
    ),
    request_body = UpdateOrganisationRequest,
    responses(
        (status = 200, description = "The organisation as changed", body = OrganisationResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        (status = 400, description = "Unreadable body, unknown field, or `null` for a required field", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotCoordinator,
        NoSuchOrganisation,
        (status = 409, description = "`name_taken`: the name is taken in this country", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the organisation changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `unknown_parent`, `parent_cycle`, `hierarchy_violation`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_organisation(
    req: HttpRequest,
    db: web::Data<Db>,
    // 1. Extract: the caller (401 login_required / invalid_token) and the typed id
    //    (400 invalid_path naming the field `id`).
    user: AuthUser,
    id: web::Path<OrganisationId>,
    body: Json<UpdateOrganisationRequest>,
) -> Result<Reply<OrganisationResponse>, ApiError> {
    // 2. Parse the body into domain input before any transaction: 422 with every field error.
    let patch = OrganisationPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    // 3. One transaction, one service call.
    let org = db
        .write(move |conn| service::update(conn, &actor, id, patch, if_match.as_ref()))
        .await?;
    tracing::info!(organisation.id = %id, user.id = user.id.get(), "organisation changed");
    // 4. One response helper; the ETag comes from the row's version.
    Ok(Reply::ok(OrganisationResponse::from(&org)).etag(org.etag()))
}

/// Deletes an organisation without child organisations or approved members (coordinators
/// and admins). Its pending and rejected membership requests go with it.
#[utoipa::path(
    delete,
    path = "/api/v1/organisations/{id}",
    tag = "organisations",
    operation_id = "delete_organisation",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Organisation id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted; refused (412) when the organisation changed since"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        NotCoordinator,
        NoSuchOrganisation,
        (status = 409, description = "`has_children` or `has_members`: move or delete them first", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the organisation changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_organisation(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<OrganisationId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    db.write(move |conn| service::delete(conn, &actor, id, if_match.as_ref()))
        .await?;
    tracing::info!(organisation.id = %id, user.id = user.id.get(), "organisation deleted");
    Ok(no_content())
}

/// Where a membership is read.
fn membership_location(organisation_id: OrganisationId, user_id: UserId) -> String {
    format!("/api/v1/organisations/{organisation_id}/memberships/{user_id}")
}

/// A membership's answer: the body and its `ETag`.
fn member_reply(member: &Member) -> Reply<MemberResponse> {
    Reply::ok(MemberResponse::from(member)).etag(member.membership.etag())
}

/// Asks to join an organisation; a leader or coordinator decides. A rejected request may
/// be made again.
#[utoipa::path(
    post,
    path = "/api/v1/organisations/{id}/memberships",
    tag = "memberships",
    operation_id = "create_membership",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 201, description = "Asked; the membership is `pending`", body = MemberResponse,
            headers(
                ("Location" = String, description = "The membership"),
                ("ETag" = String, description = "Entity tag of the membership"),
            )),
        NotLoggedIn,
        NoSuchOrganisation,
        (status = 409, description = "`membership_pending` (asked already) or `already_member`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_membership(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<OrganisationId>,
) -> Result<Reply<MemberResponse>, ApiError> {
    let (id, actor) = (id.into_inner(), user.clone());
    let member = db
        .write(move |conn| service::join(conn, &actor, id))
        .await?;
    let location = membership_location(id, member.membership.user_id);
    Ok(Reply::created(MemberResponse::from(&member), location)
        .etag(member.membership.etag())
        .private())
}

/// One membership: for the member, the organisation's leaders, coordinators and admins.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/memberships/{user_id}",
    tag = "memberships",
    operation_id = "get_membership",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Organisation id"),
        ("user_id" = i64, Path, description = "The member's user id"),
        IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The membership", body = MemberResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match"))),
        NotModified,
        NotLoggedIn,
        (status = 403, description = "Neither the member, a leader of the organisation, nor a coordinator", body = Problem, content_type = "application/problem+json"),
        NoSuchMembership,
    )
)]
pub async fn get_membership(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(OrganisationId, UserId)>,
) -> Result<Reply<MemberResponse>, ApiError> {
    let (id, member_id) = path.into_inner();
    let member = db
        .read(move |conn| service::get_member(conn, &user, id, member_id))
        .await?;
    Ok(member_reply(&member).private())
}

/// An organisation's memberships and requests, by user id: for its leaders, coordinators
/// and admins. Emails are never listed.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/memberships",
    tag = "memberships",
    operation_id = "list_memberships",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id"), ListMembershipsQuery),
    responses(
        (status = 200, description = "One page of memberships, by user id", body = Page<MemberResponse>),
        NotLoggedIn,
        (status = 403, description = "Not a leader of the organisation, nor a coordinator", body = Problem, content_type = "application/problem+json"),
        NoSuchOrganisation,
    )
)]
pub async fn list_memberships(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<OrganisationId>,
    query: web::Query<ListMembershipsQuery>,
) -> Result<Reply<Page<MemberResponse>>, ApiError> {
    let id = id.into_inner();
    let (filter, page) = query.parse()?;
    let members = db
        .read(move |conn| service::list_members(conn, &user, id, filter, &page))
        .await?;
    Ok(Reply::ok(members.map(|m| MemberResponse::from(&m))).private())
}

/// Approves or rejects a membership, makes an approved member a leader (or not), or sets
/// the member's union role: the organisation's approved leaders, coordinators and admins;
/// nobody decides their own. The member is emailed when the status changes.
#[utoipa::path(
    patch,
    path = "/api/v1/organisations/{id}/memberships/{user_id}",
    tag = "memberships",
    operation_id = "update_membership",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Organisation id"),
        ("user_id" = i64, Path, description = "The member's user id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being decided on; refused (412) when the membership changed since"),
    ),
    request_body = UpdateMembershipRequest,
    responses(
        (status = 200, description = "The membership as decided", body = MemberResponse,
            headers(("ETag" = String, description = "Entity tag of the membership"))),
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "Not a leader of the organisation nor a coordinator (`forbidden`), or the caller's own membership (`own_membership`)", body = Problem, content_type = "application/problem+json"),
        NoSuchMembership,
        (status = 412, description = "`precondition_failed`: the membership changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`leader_must_be_approved`; `status` `required` for a `role` without a decision", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_membership(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(OrganisationId, UserId)>,
    body: Json<UpdateMembershipRequest>,
) -> Result<Reply<MemberResponse>, ApiError> {
    let update = MembershipUpdate::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let ((id, member_id), actor) = (path.into_inner(), user.clone());
    let member = db
        .write(move |conn| service::decide(conn, &actor, id, member_id, update, if_match.as_ref()))
        .await?;
    tracing::info!(
        organisation.id = %id,
        member.id = %member_id,
        user.id = user.id.get(),
        "membership decided"
    );
    Ok(member_reply(&member).private())
}

/// Ends a membership or withdraws a request: the member themself, or the organisation's
/// leaders, coordinators and admins.
#[utoipa::path(
    delete,
    path = "/api/v1/organisations/{id}/memberships/{user_id}",
    tag = "memberships",
    operation_id = "delete_membership",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Organisation id"),
        ("user_id" = i64, Path, description = "The member's user id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being removed; refused (412) when the membership changed since"),
    ),
    responses(
        (status = 204, description = "Removed"),
        NotLoggedIn,
        (status = 403, description = "Someone else's membership, and not a leader of the organisation nor a coordinator", body = Problem, content_type = "application/problem+json"),
        NoSuchMembership,
        (status = 412, description = "`precondition_failed`: the membership changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_membership(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(OrganisationId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let (id, member_id) = path.into_inner();
    db.write(move |conn| service::remove(conn, &user, id, member_id, if_match.as_ref()))
        .await?;
    Ok(no_content())
}
