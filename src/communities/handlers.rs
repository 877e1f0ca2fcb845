//! HTTP handlers of communities and memberships.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::auth::{AuthUser, MaybeUser};
use crate::communities::access::MemberStatus;
use crate::communities::dto::{
    BanRequest, CommunityPatch, CommunityResponse, CreateCommunityRequest, InvitationRequest,
    ListCommunitiesQuery, ListMembersQuery, MemberItem, MembershipResponse, NewCommunityInput,
    UpdateCommunityRequest, UpdateMemberRequest, parse_language, parse_reason,
};
use crate::communities::repo::ListFilter;
use crate::communities::service::{self, Decision, Invited, Joined};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::etag::{self, IfMatch};
use crate::http::pagination::{Page, PageRequest};
use crate::http::query::parse_q;

fn created<T: Serialize>(value: &T, location: String) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(value)
}

/// The communities the caller may read, filtered, sorted and paged.
#[utoipa::path(
    get,
    path = "/api/v1/communities",
    tag = "communities",
    operation_id = "list_communities",
    params(ListCommunitiesQuery),
    responses(
        (status = 200, description = "One page of communities", body = Page<CommunityResponse>),
        (status = 400, description = "Bad filter, sort, cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`joined=true` without logging in, or an invalid token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_communities(
    db: web::Data<Db>,
    user: MaybeUser,
    query: web::Query<ListCommunitiesQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let joined = query.joined.unwrap_or(false);
    if joined && user.0.is_none() {
        return Err(ApiError::unauthorized(
            "login_required",
            "log in to list the communities you joined",
        ));
    }
    let sort = query.sort.unwrap_or_default();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), sort.as_str())?;
    let language = query
        .language
        .as_deref()
        .map(|l| {
            parse_language(l)
                .map_err(|m| ApiError::invalid_query("language", "invalid_language", m))
        })
        .transpose()?;
    let filter = ListFilter {
        q: parse_q(query.q.as_deref())?,
        language,
        visibility: query.visibility,
        course_id: query.course_id,
        joined,
        ..ListFilter::default()
    };
    let page = service::list(&db, user.0, filter, sort, page).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One community, with the caller's membership. A private community answers 404 to
/// everyone but its members, except that an invited or pending caller sees it without
/// its counts.
#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}",
    tag = "communities",
    operation_id = "get_community",
    params(("id" = i64, Path, description = "Community id")),
    responses(
        (status = 200, description = "The community", body = CommunityResponse,
            headers(("ETag" = String, description = "Entity tag of this answer; send it in If-None-Match, or in If-Match to change this version"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "`login_required` for a members-only community, or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller is not in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_community(
    req: HttpRequest,
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let community = service::get(&db, user.0, id.into_inner()).await?;
    etag::json_with_etag(&req, &community)
}

/// Creates a community; the caller becomes its first moderator. Coordinators and admins
/// create any; trainers only private ones.
#[utoipa::path(
    post,
    path = "/api/v1/communities",
    tag = "communities",
    operation_id = "create_community",
    security(("bearer" = [])),
    request_body = CreateCommunityRequest,
    responses(
        (status = 201, description = "Created", body = CommunityResponse,
            headers(("Location" = String, description = "The new community"), ("ETag" = String, description = "Entity tag of the new community"))),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` for members; `private_only` for trainers asking for another visibility", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `unknown_course`; `slug_required` when the name gives no slug", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_community(
    db: web::Data<Db>,
    user: AuthUser,
    body: web::Json<CreateCommunityRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    // Members are refused before their body is looked at.
    service::may_create(&user, crate::communities::access::Visibility::Private)?;
    let input = NewCommunityInput::try_from(body)?;
    let community = service::create(&db, &user, input).await?;
    tracing::info!(
        community.id = community.id,
        user.id = user.id,
        "community created"
    );
    let location = format!("/api/v1/communities/{}", community.id);
    etag::tagged(StatusCode::CREATED, &community, Some(location))
}

/// Changes some fields of a community (its moderators). Only coordinators and admins make
/// a community `public` or `members`.
#[utoipa::path(
    patch,
    path = "/api/v1/communities/{id}",
    tag = "communities",
    operation_id = "update_community",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Community id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed; refused (412) when the community changed since"),
    ),
    request_body = UpdateCommunityRequest,
    responses(
        (status = 200, description = "The community as changed", body = CommunityResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        (status = 400, description = "Unreadable body, unknown field, or `null` for a required field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`; `private_only` when a non-staff moderator widens the visibility", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller is not in", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the community changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `unknown_course`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_community(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<UpdateCommunityRequest>,
) -> Result<HttpResponse, ApiError> {
    let patch = CommunityPatch::try_from(body.into_inner())?;
    let community = service::update(
        &db,
        &user,
        id.into_inner(),
        IfMatch::from_request(&req),
        patch,
    )
    .await?;
    tracing::info!(
        community.id = community.id,
        user.id = user.id,
        "community changed"
    );
    etag::tagged(StatusCode::OK, &community, None)
}

/// Joins a community: at once in public and members-only communities, and in a private one
/// the caller was invited to; otherwise a request for its moderators (202).
#[utoipa::path(
    put,
    path = "/api/v1/communities/{id}/membership",
    tag = "communities",
    operation_id = "join_community",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id")),
    responses(
        (status = 200, description = "A member already, an invitation accepted, or a request still pending", body = MembershipResponse),
        (status = 201, description = "Joined", body = MembershipResponse),
        (status = 202, description = "Asked to join a private community; a moderator decides", body = MembershipResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn join_community(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (joined, membership) = service::join(&db, &user, id).await?;
    let status = match joined {
        Joined::Created => StatusCode::CREATED,
        Joined::Requested => StatusCode::ACCEPTED,
        Joined::Active | Joined::StillPending => StatusCode::OK,
    };
    if matches!(joined, Joined::Created | Joined::Requested) {
        tracing::info!(community.id = id, user.id = user.id, outcome = ?joined, "joined community");
    }
    Ok(HttpResponse::build(status).json(membership))
}

/// Leaves a community, withdraws a request to join, or declines an invitation.
#[utoipa::path(
    delete,
    path = "/api/v1/communities/{id}/membership",
    tag = "communities",
    operation_id = "leave_community",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id")),
    responses(
        (status = 204, description = "Left"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or the caller is not in it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_moderator`; `banned` (a ban stays until moderators lift it)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn leave_community(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    service::leave(&db, &user, id).await?;
    tracing::info!(community.id = id, user.id = user.id, "left community");
    Ok(HttpResponse::NoContent().finish())
}

/// A community's members, oldest membership first: active ones for its readers; pending,
/// invited and banned ones for its moderators.
#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}/members",
    tag = "communities",
    operation_id = "list_community_members",
    params(("id" = i64, Path, description = "Community id"), ListMembersQuery),
    responses(
        (status = 200, description = "One page of members", body = Page<MemberItem>),
        (status = 400, description = "Bad filter, cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`login_required` for a members-only community, or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`: a status other than `active`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller is not in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_community_members(
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<i64>,
    query: web::Query<ListMembersQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), "created_at")?;
    let page = service::list_members(
        &db,
        user.0,
        id.into_inner(),
        query.status.unwrap_or(MemberStatus::Active),
        query.role,
        page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Invites an account (moderators); the account is told. Inviting someone who asked to
/// join makes them a member.
#[utoipa::path(
    post,
    path = "/api/v1/communities/{id}/invitations",
    tag = "communities",
    operation_id = "create_invitation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id")),
    request_body = InvitationRequest,
    responses(
        (status = 200, description = "Invited already, or a pending request accepted by the invitation", body = MemberItem),
        (status = 201, description = "Invited", body = MemberItem,
            headers(("Location" = String, description = "The membership"))),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller is not in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_member`; `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unknown_user`: no such active account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_invitation(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<InvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let target = body.into_inner().user_id;
    let (outcome, member) = service::invite(&db, &user, id, target).await?;
    tracing::info!(
        community.id = id,
        user.id = user.id,
        target.id = target,
        "invited"
    );
    Ok(match outcome {
        Invited::Created => created(
            &member,
            format!("/api/v1/communities/{id}/members/{target}"),
        ),
        Invited::Existing => HttpResponse::Ok().json(member),
    })
}

/// Approves a pending request to join (moderators); the member is told.
#[utoipa::path(
    post,
    path = "/api/v1/communities/{id}/members/{user_id}/approve",
    tag = "communities",
    operation_id = "approve_member",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "The requester")),
    responses(
        (status = 200, description = "Approved: an active member", body = MemberItem),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community or membership", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_pending`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve_member(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    let member = service::decide(&db, &user, id, target, Decision::Approve)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("an approval answers the member")))?;
    tracing::info!(
        community.id = id,
        user.id = user.id,
        target.id = target,
        "request approved"
    );
    Ok(HttpResponse::Ok().json(member))
}

/// Rejects a pending request to join (moderators); the request is deleted.
#[utoipa::path(
    post,
    path = "/api/v1/communities/{id}/members/{user_id}/reject",
    tag = "communities",
    operation_id = "reject_member",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "The requester")),
    responses(
        (status = 204, description = "Rejected"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community or membership", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_pending`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reject_member(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    service::decide(&db, &user, id, target, Decision::Reject).await?;
    tracing::info!(
        community.id = id,
        user.id = user.id,
        target.id = target,
        "request rejected"
    );
    Ok(HttpResponse::NoContent().finish())
}

/// Changes an active member's role (moderators); the last moderator stays one.
#[utoipa::path(
    patch,
    path = "/api/v1/communities/{id}/members/{user_id}",
    tag = "communities",
    operation_id = "update_member",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "The member")),
    request_body = UpdateMemberRequest,
    responses(
        (status = 200, description = "The member", body = MemberItem),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community or membership", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_active`; `last_moderator`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_member(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    body: web::Json<UpdateMemberRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    let member = service::change_role(&db, &user, id, target, body.into_inner().role).await?;
    tracing::info!(
        community.id = id,
        user.id = user.id,
        target.id = target,
        "role changed"
    );
    Ok(HttpResponse::Ok().json(member))
}

/// Removes a member, withdraws an invitation or drops a request (moderators).
#[utoipa::path(
    delete,
    path = "/api/v1/communities/{id}/members/{user_id}",
    tag = "communities",
    operation_id = "delete_member",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "The member")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community or membership", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_moderator`; `banned` (lift the ban instead)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_member(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    service::remove_member(&db, &user, id, target).await?;
    tracing::info!(
        community.id = id,
        user.id = user.id,
        target.id = target,
        "member removed"
    );
    Ok(HttpResponse::NoContent().finish())
}

/// Bans an account from a community (moderators); moderators cannot be banned. The account
/// is told.
#[utoipa::path(
    post,
    path = "/api/v1/communities/{id}/bans",
    tag = "communities",
    operation_id = "create_ban",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id")),
    request_body = BanRequest,
    responses(
        (status = 201, description = "Banned", body = MemberItem,
            headers(("Location" = String, description = "The ban"))),
        (status = 400, description = "Unreadable body or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller is not in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`is_moderator`; `cannot_ban_self`; `already_banned`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `reason`; `unknown_user`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_ban(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<i64>,
    body: web::Json<BanRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let reason = parse_reason(&body.reason)
        .map_err(|m| ApiError::invalid_field("reason", "invalid_reason", m))?;
    let target = body.user_id;
    let member = service::ban(&db, &user, id, target, reason).await?;
    tracing::info!(
        community.id = id,
        user.id = user.id,
        target.id = target,
        "member banned"
    );
    Ok(created(
        &member,
        format!("/api/v1/communities/{id}/bans/{target}"),
    ))
}

/// Lifts a ban (moderators): the account may join again.
#[utoipa::path(
    delete,
    path = "/api/v1/communities/{id}/bans/{user_id}",
    tag = "communities",
    operation_id = "delete_ban",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Community id"), ("user_id" = i64, Path, description = "The banned account")),
    responses(
        (status = 204, description = "The ban is lifted"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or the account is not banned", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_ban(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    service::unban(&db, &user, id, target).await?;
    tracing::info!(
        community.id = id,
        user.id = user.id,
        target.id = target,
        "ban lifted"
    );
    Ok(HttpResponse::NoContent().finish())
}
