//! HTTP handlers of staff invitations: `/api/v1/invitations…`.

use crate::http::doc::{NotLoggedIn, UnreadableBody};
use crate::http::json::Json;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::accounts::model::{display_name, new_password};
use crate::auth::throttle;
use crate::auth::tokens::TokenResponse;
use crate::auth::{AuthUser, MaybeUser};
use crate::db::now;
use crate::error::{ApiError, Fields, Problem};
use crate::http::etag::IfMatch;
use crate::http::pagination::{Page, PageRequest};
use crate::http::response::{Reply, no_content};
use crate::invitations::dto::*;
use crate::invitations::service::{self, Newcomer};
use crate::state::{AppState, client_ip};
use crate::types::InvitationId;

/// Invites an address to become staff; the link is emailed (admins: any staff role;
/// coordinators: trainers).
#[utoipa::path(post, path = "/api/v1/invitations", tag = "invitations", operation_id = "create_staff_invitation",
    security(("bearer" = [])),
    request_body = CreateStaffInvitationRequest,
    responses(
        (status = 201, description = "Invited; the email with the link is on its way (`Cache-Control: no-store`)", body = StaffInvitationResponse,
            headers(
                ("Location" = String, description = "The new invitation"),
                ("ETag" = String, description = "Version of the invitation"),
            )),
        (status = 400, description = "Unreadable body, unknown field, or a role that is not `trainer`, `coordinator` or `admin`", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "Not allowed to invite this role", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invitation_pending`: the address has a pending invitation; `role_already_held`: its account has this role or a higher one", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `email` or `language`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_staff_invitation(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CreateStaffInvitationRequest>,
) -> Result<Reply<StaffInvitationResponse>, ApiError> {
    let input = InvitationInput::try_from(body.into_inner())?;
    let inviter = user.id;
    let invitation = state
        .db
        .write(move |conn| service::create(conn, &user, input))
        .await?;
    tracing::info!(
        invitation.id = invitation.id.get(),
        user.id = inviter.get(),
        role = invitation.role.as_str(),
        "staff invited"
    );
    let at = now();
    let location = format!("/api/v1/invitations/{}", invitation.id);
    let etag = invitation.etag_at(at);
    Ok(
        Reply::created(StaffInvitationResponse::at(invitation, at), location)
            .etag(etag)
            .private(),
    )
}

/// The invitations the caller may manage, newest first (admins: all; coordinators: trainers').
#[utoipa::path(get, path = "/api/v1/invitations", tag = "invitations", operation_id = "list_staff_invitations",
    security(("bearer" = [])),
    params(ListStaffInvitationsQuery),
    responses(
        (status = 200, description = "One page of invitations, newest first (`Cache-Control: no-store`)", body = Page<StaffInvitationResponse>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        (status = 403, description = "Neither a coordinator nor an admin", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_staff_invitations(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ListStaffInvitationsQuery>,
) -> Result<Reply<Page<StaffInvitationResponse>>, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), "-id")?;
    let before = page.after.as_ref().map(|(_, id)| InvitationId(*id));
    let limit = page.fetch_limit();
    let status = query.status;
    let at = now();
    let rows = state
        .db
        .read(move |conn| service::list(conn, &user, status, before, limit, at))
        .await?;
    let page = page.finish(
        rows,
        "-id",
        |i| (i.id.get(), i.id.get()),
        |i| StaffInvitationResponse::at(i, at),
    );
    Ok(Reply::ok(page).private())
}

/// One invitation.
#[utoipa::path(get, path = "/api/v1/invitations/{id}", tag = "invitations", operation_id = "get_staff_invitation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Invitation id"),
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of the version the client has: 304 when it is still current")),
    responses(
        (status = 200, description = "The invitation (`Cache-Control: no-store`)", body = StaffInvitationResponse,
            headers(("ETag" = String, description = "Version of the invitation; send it in If-None-Match, or in If-Match to revoke this version"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        NotLoggedIn,
        (status = 403, description = "Not allowed to manage invitations of this role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invitation", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_staff_invitation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<InvitationId>,
) -> Result<Reply<StaffInvitationResponse>, ApiError> {
    let id = id.into_inner();
    let invitation = state
        .db
        .read(move |conn| service::get(conn, &user, id))
        .await?;
    let at = now();
    let etag = invitation.etag_at(at);
    Ok(Reply::ok(StaffInvitationResponse::at(invitation, at))
        .etag(etag)
        .private())
}

/// Revokes a pending invitation: its link stops working.
#[utoipa::path(delete, path = "/api/v1/invitations/{id}", tag = "invitations", operation_id = "delete_staff_invitation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Invitation id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being revoked; refused (412) when it changed since")),
    responses(
        (status = 204, description = "Revoked (or it was already)"),
        NotLoggedIn,
        (status = 403, description = "Not allowed to manage invitations of this role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invitation_used` or `invitation_expired`: it is no longer pending", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`precondition_failed`: the invitation changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_staff_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<InvitationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let if_match = IfMatch::from_request(&req);
    let revoker = user.id;
    state
        .db
        .write(move |conn| service::revoke(conn, &user, id, if_match.as_ref()))
        .await?;
    tracing::info!(
        invitation.id = id.get(),
        user.id = revoker.get(),
        "invitation revoked"
    );
    Ok(no_content())
}

/// Accepts an invitation with the token of its emailed link, and logs in. When the invited
/// address has no account, `display_name` and `password` create it (verified, with the
/// role); when it has one, the caller must be logged in as it, and the role is granted.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "invitations", operation_id = "accept_staff_invitation",
    security((), ("bearer" = [])),
    request_body = AcceptStaffInvitationRequest,
    responses(
        (status = 200, description = "The caller's account got the role; a new login (`Cache-Control: no-store`)", body = TokenResponse),
        (status = 201, description = "The account was created with the role; its first login (`Cache-Control: no-store`)", body = TokenResponse,
            headers(("Location" = String, description = "The new account's public profile"))),
        UnreadableBody,
        (status = 401, description = "`login_required`: the invited address has an account; log in as it and accept again", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`invitation_for_another_account`: logged in as another account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invitation_used`, `invitation_revoked` or `invitation_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unknown_invitation` (token), a missing or invalid `display_name` or `password`, or a field longer than its maximum (`too_long`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many unknown tokens from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept_staff_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeUser,
    body: Json<AcceptStaffInvitationRequest>,
) -> Result<Reply<TokenResponse>, ApiError> {
    body.check()?;
    let body = body.into_inner();
    let ip = client_ip(&req, &state.settings);
    throttle::INVITATION_ADDRESS
        .check(&state.db, ip.clone())
        .await?;
    // Read what the link opens before hashing a password outside any transaction; the write
    // checks it all again.
    let token = body.token.clone();
    let preview = match state
        .db
        .read(move |conn| service::preview(conn, &token))
        .await
    {
        Err(err @ ApiError::Validation(_)) => {
            throttle::INVITATION_ADDRESS.fail(&state.db, ip).await?;
            return Err(err);
        }
        other => other?,
    };
    let newcomer = if preview.has_account || caller.0.is_some() {
        None
    } else {
        let mut fields = Fields::default();
        let name = match body.display_name.as_deref() {
            Some(raw) => fields.check("display_name", "invalid_display_name", display_name(raw)),
            None => {
                fields.push(
                    "display_name",
                    "required",
                    "is required to create the account",
                );
                None
            }
        };
        let password = match &body.password {
            Some(raw) => {
                let context = [
                    preview.email.as_str(),
                    body.display_name.as_deref().unwrap_or(""),
                ];
                new_password(&mut fields, "password", raw, &context)
            }
            None => {
                fields.push("password", "required", "is required to create the account");
                None
            }
        };
        let (name, password) = fields.finish_with(|| Some((name?, password?)))?;
        Some(Newcomer {
            display_name: name,
            password_hash: state.hasher.hash(password).await?,
        })
    };
    let token = body.token;
    let caller = caller.0;
    let accepted = state
        .db
        .write(move |conn| service::accept(conn, caller.as_ref(), &token, newcomer))
        .await?;
    let user = &accepted.user;
    let tokens = state.keys.login(
        user.id,
        user.role,
        accepted.session_id,
        accepted.refresh_token,
    )?;
    let reply = if accepted.created {
        Reply::created(tokens, format!("/api/v1/users/{}", user.id))
    } else {
        Reply::ok(tokens)
    };
    Ok(reply.private())
}
