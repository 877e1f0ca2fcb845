//! HTTP handlers of the trade-union directory.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::AuthUser;
use crate::auth::policy::{Action, authorize};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::etag;
use crate::http::pagination::{Page, PageRequest};
use crate::organisations::dto::{
    CreateOrganisationRequest, ListChildrenQuery, ListMembershipsQuery, ListOrganisationsQuery,
    MemberResponse, OrganisationInput, OrganisationPatch, OrganisationResponse, OrganisationSort,
    UpdateMembershipRequest, UpdateOrganisationRequest,
};
use crate::organisations::repo::{self, MemberFilter, OrganisationFilter, PageKey};
use crate::organisations::service::{self, IfMatch};

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
) -> Result<web::Json<Page<OrganisationResponse>>, ApiError> {
    let query = query.into_inner();
    let filter = query.filter()?;
    let sort = query.sort.unwrap_or_default();
    let page = PageRequest::<String>::parse(query.limit, query.cursor.as_deref(), sort.as_str())?;
    Ok(web::Json(list_page(&db, filter, sort, page).await?))
}

/// One organisation.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}",
    tag = "organisations",
    operation_id = "get_organisation",
    params(("id" = i64, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match, or in If-Match to change or delete this version"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 404, description = "No such organisation", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_organisation(
    req: HttpRequest,
    db: web::Data<Db>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let org = db.read(move |conn| Ok(repo::find(conn, id)?)).await?;
    etag::json_with_etag(&req, &OrganisationResponse::from(org))
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
    id: web::Path<i64>,
    query: web::Query<ListChildrenQuery>,
) -> Result<web::Json<Page<OrganisationResponse>>, ApiError> {
    let id = id.into_inner();
    let sort = OrganisationSort::Name;
    let page = PageRequest::<String>::parse(query.limit, query.cursor.as_deref(), sort.as_str())?;
    if !db.read(move |conn| Ok(repo::exists(conn, id)?)).await? {
        return Err(ApiError::NotFound);
    }
    let filter = OrganisationFilter {
        parent_id: Some(id),
        ..Default::default()
    };
    Ok(web::Json(list_page(&db, filter, sort, page).await?))
}

async fn list_page(
    db: &Db,
    filter: OrganisationFilter,
    sort: OrganisationSort,
    page: PageRequest<String>,
) -> Result<Page<OrganisationResponse>, ApiError> {
    let order = sort.order();
    let after: Option<PageKey> = page.after.clone();
    let limit = page.fetch_limit();
    let rows = db
        .read(move |conn| repo::list(conn, &filter, order, after.as_ref(), limit))
        .await?;
    Ok(page.finish(
        rows,
        sort.as_str(),
        |row| repo::page_key(row, order),
        OrganisationResponse::from,
    ))
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
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`name_taken`: the name is taken in this country", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: name, acronym, country, sector, website; `unknown_parent`, `hierarchy_violation`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_organisation(
    db: web::Data<Db>,
    user: AuthUser,
    body: web::Json<CreateOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    authorize(&user, Action::WriteOrganisations)?;
    let input = OrganisationInput::try_from(body.into_inner())?;
    let org = service::create(&db, input).await?;
    tracing::info!(
        organisation.id = org.id,
        user.id = user.id,
        "organisation created"
    );
    let location = format!("/api/v1/organisations/{}", org.id);
    etag::tagged(
        StatusCode::CREATED,
        &OrganisationResponse::from(org),
        Some(location),
    )
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`name_taken`: the name is taken in this country", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the organisation changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `unknown_parent`, `parent_cycle`, `hierarchy_violation`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_organisation(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<UpdateOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    authorize(&user, Action::WriteOrganisations)?;
    let patch = OrganisationPatch::try_from(body.into_inner())?;
    let org = service::update(&db, id.into_inner(), IfMatch::from_request(&req), patch).await?;
    tracing::info!(
        organisation.id = org.id,
        user.id = user.id,
        "organisation changed"
    );
    etag::tagged(StatusCode::OK, &OrganisationResponse::from(org), None)
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`has_children` or `has_members`: move or delete them first", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the organisation changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_organisation(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    authorize(&user, Action::WriteOrganisations)?;
    let id = id.into_inner();
    service::delete(&db, id, IfMatch::from_request(&req)).await?;
    tracing::info!(
        organisation.id = id,
        user.id = user.id,
        "organisation deleted"
    );
    Ok(HttpResponse::NoContent().finish())
}

fn membership_location(organisation_id: i64, user_id: i64) -> String {
    format!("/api/v1/organisations/{organisation_id}/memberships/{user_id}")
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
            headers(("Location" = String, description = "The membership"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`membership_pending` (asked already) or `already_member`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_membership(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let membership = service::join(&db, &user, id).await?;
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header((header::LOCATION, membership_location(id, user.id)))
        .json(membership))
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
    ),
    responses(
        (status = 200, description = "The membership", body = MemberResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the member, a leader of the organisation, nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or membership", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_membership(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, member_id) = path.into_inner();
    service::authorize_listing(&db, &user, id, Some(member_id)).await?;
    let member = db
        .read(move |conn| repo::find_member(conn, id, member_id)?.ok_or(ApiError::NotFound))
        .await?;
    etag::json_with_etag(&req, &MemberResponse::from(member))
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a leader of the organisation, nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_memberships(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    query: web::Query<ListMembershipsQuery>,
) -> Result<web::Json<Page<MemberResponse>>, ApiError> {
    let id = id.into_inner();
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), "user_id")?;
    service::authorize_listing(&db, &user, id, None).await?;
    let filter = MemberFilter {
        status: query.status,
        role: query.role,
    };
    let after = page.after.as_ref().map(|(_, user_id)| *user_id);
    let limit = page.fetch_limit();
    let rows = db
        .read(move |conn| Ok(repo::list_members(conn, id, filter, after, limit)?))
        .await?;
    Ok(web::Json(page.finish(
        rows,
        "user_id",
        |(m, _)| (m.user_id, m.user_id),
        MemberResponse::from,
    )))
}

/// Approves or rejects a membership, or makes an approved member a leader (or not): the
/// organisation's approved leaders, coordinators and admins; nobody decides their own. The
/// member is emailed when the status changes.
#[utoipa::path(
    patch,
    path = "/api/v1/organisations/{id}/memberships/{user_id}",
    tag = "memberships",
    operation_id = "update_membership",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Organisation id"),
        ("user_id" = i64, Path, description = "The member's user id"),
    ),
    request_body = UpdateMembershipRequest,
    responses(
        (status = 200, description = "The membership as decided", body = MemberResponse),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a leader of the organisation nor a coordinator (`forbidden`), or the caller's own membership (`own_membership`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or membership", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`leader_must_be_approved`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_membership(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    body: web::Json<UpdateMembershipRequest>,
) -> Result<web::Json<MemberResponse>, ApiError> {
    let (id, member_id) = path.into_inner();
    let member = service::decide(&db, &user, id, member_id, body.into_inner()).await?;
    tracing::info!(
        organisation.id = id,
        member.id = member_id,
        user.id = user.id,
        "membership decided"
    );
    Ok(web::Json(member))
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
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Someone else's membership, and not a leader of the organisation nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or membership", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_membership(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, member_id) = path.into_inner();
    service::remove(&db, &user, id, member_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
