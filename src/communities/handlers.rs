//! HTTP handlers of communities and memberships: extract, parse, one transaction, answer.

use crate::http::json::Json;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::policy::community;
use crate::auth::{AuthUser, MaybeUser};
use crate::communities::dto::{
    BanInput, BanRequest, CommunityListInput, CommunityPatch, CommunityResponse,
    CreateCommunityRequest, InvitationRequest, ListCommunitiesQuery, ListMembersQuery, MemberItem,
    MembershipResponse, NewCommunityInput, UpdateCommunityRequest, UpdateMemberRequest,
};
use crate::communities::model::{MemberStatus, Visibility};
use crate::communities::service::{self, Decision, Invited, Joined};
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{
    BadFilter, NoSuchCommunity, NotAModerator, NotLoggedIn, NotModified, UnreadableBody,
};
use crate::http::etag::IfMatch;
use crate::http::pagination::{Page, PageRequest, TimeKey};
use crate::http::response::{Reply, no_content};
use crate::types::{CommunityId, UserId};

crate::http::doc::problem_answers! {
    /// 404: the community or the membership is unknown.
    NoSuchMembership = (404, "No such community or membership");
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
) -> Result<Reply<Page<CommunityResponse>>, ApiError> {
    let input = CommunityListInput::try_from(query.into_inner())?;
    if input.filter.joined && user.0.is_none() {
        return Err(ApiError::unauthorized(
            "login_required",
            "log in to list the communities you joined",
        ));
    }
    let page = db
        .read(move |conn| {
            service::list(
                conn,
                user.0.as_ref(),
                &input.filter,
                input.sort,
                &input.page,
                input.after.as_ref(),
            )
        })
        .await?;
    Ok(Reply::ok(page))
}

/// One community, with the caller's membership. A private community answers 404 to
/// everyone but its members, except that an invited or pending caller sees it without
/// its counts.
#[utoipa::path(
    get,
    path = "/api/v1/communities/{id}",
    tag = "communities",
    operation_id = "get_community",
    params(
        ("id" = i64, Path, description = "Community id"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` of this community; 304 when it is still current"),
    ),
    responses(
        (status = 200, description = "The community", body = CommunityResponse,
            headers(("ETag" = String, description = "Entity tag of this answer; send it in If-None-Match, or in If-Match to change this version"))),
        NotModified,
        (status = 401, description = "`login_required` for a members-only community, or an invalid token", body = Problem, content_type = "application/problem+json"),
        NoSuchCommunity,
    )
)]
pub async fn get_community(
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<CommunityId>,
) -> Result<Reply<CommunityResponse>, ApiError> {
    let id = id.into_inner();
    let view = db
        .read_short(move |conn| service::get(conn, user.0.as_ref(), id))
        .await?;
    Ok(Reply::ok(CommunityResponse::from(&view)).etag(view.etag()))
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
        UnreadableBody,
        NotLoggedIn,
        (status = 403, description = "`forbidden` for members; `private_only` for trainers asking for another visibility", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `unknown_course`; `slug_required` when the name gives no slug", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_community(
    db: web::Data<Db>,
    user: AuthUser,
    body: Json<CreateCommunityRequest>,
) -> Result<Reply<CommunityResponse>, ApiError> {
    // Members are refused before their body is looked at.
    community::may_create(&user, Visibility::Private)?;
    let input = NewCommunityInput::try_from(body.into_inner())?;
    let actor = user.clone();
    let view = db
        .write(move |conn| service::create(conn, &actor, input))
        .await?;
    let id = view.community.id;
    tracing::info!(community.id = %id, user.id = %user.id, "community created");
    Ok(Reply::created(
        CommunityResponse::from(&view),
        format!("/api/v1/communities/{id}"),
    )
    .etag(view.etag()))
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
        NotLoggedIn,
        (status = 403, description = "`not_a_moderator`; `private_only` when a non-staff moderator widens the visibility", body = Problem, content_type = "application/problem+json"),
        NoSuchCommunity,
        (status = 412, description = "`precondition_failed`: the community changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `unknown_course`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_community(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CommunityId>,
    body: Json<UpdateCommunityRequest>,
) -> Result<Reply<CommunityResponse>, ApiError> {
    let patch = CommunityPatch::try_from(body.into_inner())?;
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let view = db
        .write(move |conn| service::update(conn, &actor, id, patch, if_match.as_ref()))
        .await?;
    tracing::info!(community.id = %id, user.id = %user.id, "community changed");
    Ok(Reply::ok(CommunityResponse::from(&view)).etag(view.etag()))
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
        NotLoggedIn,
        (status = 403, description = "`banned`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such community, or a private one the caller was not invited to (the same answer)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn join_community(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CommunityId>,
) -> Result<Reply<MembershipResponse>, ApiError> {
    let (id, actor) = (id.into_inner(), user.clone());
    let (joined, member) = db
        .write(move |conn| service::join(conn, &actor, id))
        .await?;
    let status = match joined {
        Joined::Created => StatusCode::CREATED,
        Joined::Active | Joined::StillPending => StatusCode::OK,
    };
    if joined == Joined::Created {
        tracing::info!(community.id = %id, user.id = %user.id, outcome = ?joined, "joined community");
    }
    Ok(Reply::with_status(
        status,
        MembershipResponse::from(&member),
    ))
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
        NotLoggedIn,
        (status = 404, description = "No such community, or the caller is not in it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_moderator`; `banned` (a ban stays until moderators lift it)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn leave_community(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CommunityId>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.clone());
    db.write(move |conn| service::leave(conn, &actor, id))
        .await?;
    tracing::info!(community.id = %id, user.id = %user.id, "left community");
    Ok(no_content())
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
        BadFilter,
        (status = 401, description = "`login_required` for a members-only community, or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_a_moderator`: a status other than `active`", body = Problem, content_type = "application/problem+json"),
        NoSuchCommunity,
    )
)]
pub async fn list_community_members(
    db: web::Data<Db>,
    user: MaybeUser,
    id: web::Path<CommunityId>,
    query: web::Query<ListMembersQuery>,
) -> Result<Reply<Page<MemberItem>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<TimeKey>::parse(query.limit, query.cursor.as_deref(), "created_at")?;
    let (id, status, role) = (
        id.into_inner(),
        query.status.unwrap_or(MemberStatus::Active),
        query.role,
    );
    let page = db
        .read(move |conn| service::list_members(conn, user.0.as_ref(), id, status, role, &page))
        .await?;
    Ok(Reply::ok(page))
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
        UnreadableBody,
        NotLoggedIn,
        NotAModerator,
        NoSuchCommunity,
        (status = 409, description = "`already_member`; `banned`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unknown_user`: no such active account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_invitation(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CommunityId>,
    body: Json<InvitationRequest>,
) -> Result<Reply<MemberItem>, ApiError> {
    let (id, target, actor) = (id.into_inner(), body.into_inner().user_id, user.clone());
    let (outcome, member) = db
        .write(move |conn| service::invite(conn, &actor, id, target))
        .await?;
    tracing::info!(community.id = %id, user.id = %user.id, target.id = %target, "invited");
    let item = MemberItem::from(&member);
    Ok(match outcome {
        Invited::Created => {
            Reply::created(item, format!("/api/v1/communities/{id}/members/{target}"))
        }
        Invited::Existing => Reply::ok(item),
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
        NotLoggedIn,
        NotAModerator,
        NoSuchMembership,
        (status = 409, description = "`not_pending`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve_member(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CommunityId, UserId)>,
) -> Result<Reply<MemberItem>, ApiError> {
    let ((id, target), actor) = (path.into_inner(), user.clone());
    let member = db
        .write(move |conn| service::decide(conn, &actor, id, target, Decision::Approve))
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("an approval answers the member")))?;
    tracing::info!(community.id = %id, user.id = %user.id, target.id = %target, "request approved");
    Ok(Reply::ok(MemberItem::from(&member)))
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
        NotLoggedIn,
        NotAModerator,
        NoSuchMembership,
        (status = 409, description = "`not_pending`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reject_member(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CommunityId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, target), actor) = (path.into_inner(), user.clone());
    db.write(move |conn| service::decide(conn, &actor, id, target, Decision::Reject))
        .await?;
    tracing::info!(community.id = %id, user.id = %user.id, target.id = %target, "request rejected");
    Ok(no_content())
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
        UnreadableBody,
        NotLoggedIn,
        NotAModerator,
        NoSuchMembership,
        (status = 409, description = "`not_active`; `last_moderator`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_member(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CommunityId, UserId)>,
    body: Json<UpdateMemberRequest>,
) -> Result<Reply<MemberItem>, ApiError> {
    let ((id, target), actor) = (path.into_inner(), user.clone());
    let role = body.into_inner().role;
    let member = db
        .write(move |conn| service::change_role(conn, &actor, id, target, role))
        .await?;
    tracing::info!(community.id = %id, user.id = %user.id, target.id = %target, "role changed");
    Ok(Reply::ok(MemberItem::from(&member)))
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
        NotLoggedIn,
        NotAModerator,
        NoSuchMembership,
        (status = 409, description = "`last_moderator`; `banned` (lift the ban instead)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_member(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CommunityId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, target), actor) = (path.into_inner(), user.clone());
    db.write(move |conn| service::remove_member(conn, &actor, id, target))
        .await?;
    tracing::info!(community.id = %id, user.id = %user.id, target.id = %target, "member removed");
    Ok(no_content())
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
        UnreadableBody,
        NotLoggedIn,
        NotAModerator,
        NoSuchCommunity,
        (status = 409, description = "`is_moderator`; `cannot_ban_self`; `already_banned`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `reason`; `unknown_user`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_ban(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<CommunityId>,
    body: Json<BanRequest>,
) -> Result<Reply<MemberItem>, ApiError> {
    let ban = BanInput::try_from(body.into_inner())?;
    let (id, target, actor) = (id.into_inner(), ban.user_id, user.clone());
    let member = db
        .write(move |conn| service::ban(conn, &actor, id, ban.user_id, ban.reason))
        .await?;
    tracing::info!(community.id = %id, user.id = %user.id, target.id = %target, "member banned");
    Ok(Reply::created(
        MemberItem::from(&member),
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
        NotLoggedIn,
        NotAModerator,
        (status = 404, description = "No such community, or the account is not banned", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_ban(
    db: web::Data<Db>,
    user: AuthUser,
    path: web::Path<(CommunityId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, target), actor) = (path.into_inner(), user.clone());
    db.write(move |conn| service::unban(conn, &actor, id, target))
        .await?;
    tracing::info!(community.id = %id, user.id = %user.id, target.id = %target, "ban lifted");
    Ok(no_content())
}
