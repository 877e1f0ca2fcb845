//! HTTP handlers of webhooks.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::AuthUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::doc::{IfNoneMatch, NotLoggedIn, NotModified, UnreadableBody};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery, PageRequest};
use crate::http::response::{Reply, no_content};
use crate::state::AppState;
use crate::types::WebhookId;
use crate::webhooks::dto::{
    CreateWebhookRequest, UpdateWebhookRequest, WebhookDeliveryResponse, WebhookResponse,
};
use crate::webhooks::model::{SubscriptionInput, SubscriptionPatch, SubscriptionView};
use crate::webhooks::service::{self, DELIVERY_SORT, LIST_SORT};
use crate::webhooks::target;

crate::http::doc::problem_answers! {
    /// 403: webhooks are for coordinators and admins.
    NotWebhookStaff = (403, "`forbidden`: not a coordinator or admin");
    /// 404: the webhook is unknown, or another coordinator's.
    NoSuchWebhook = (404, "No such webhook, or one of another coordinator");
    /// 422: invalid fields, or a URL that may not be used.
    BadWebhook = (422, "`validation_failed` (url, events, description) or `webhook_url_not_allowed`: not https, credentials in the URL, a host that does not resolve, or one that is or resolves to a loopback, private, link-local, unspecified, multicast or reserved address; the detail names the reason");
}

fn location(id: WebhookId) -> String {
    format!("/api/v1/webhooks/{id}")
}

fn reply(v: &SubscriptionView) -> Reply<WebhookResponse> {
    Reply::ok(WebhookResponse::of(v))
        .etag(v.subscription.etag())
        .private()
}

/// Checks that the URL may be used now (name resolution included), before any transaction.
async fn vet(state: &AppState, url: &url::Url) -> Result<url::Url, ApiError> {
    target::resolve(url, state.settings.webhook_allow_private)
        .await
        .map(|t| t.url)
        .map_err(target::Refusal::into_error)
}

/// Registers a webhook (coordinators and admins). The answer shows the signing secret,
/// this once.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    operation_id = "create_webhook",
    security(("bearer" = [])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Registered; `secret` is shown this once", body = WebhookResponse,
            headers(
                ("Location" = String, description = "The new webhook"),
                ("ETag" = String, description = "Entity tag of the webhook"),
            )),
        UnreadableBody,
        NotLoggedIn,
        NotWebhookStaff,
        BadWebhook,
    )
)]
pub async fn create_webhook(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<CreateWebhookRequest>,
) -> Result<Reply<WebhookResponse>, ApiError> {
    crate::auth::policy::authorize(&user, crate::auth::policy::Action::RegisterWebhooks)?;
    let mut input = SubscriptionInput::try_from(body.into_inner())?;
    input.url = vet(&state, &input.url).await?;
    let secret = service::new_secret();
    let actor = user.clone();
    let v = db
        .write(move |conn| service::create(conn, &actor, input, secret))
        .await?;
    tracing::info!(webhook.id = %v.subscription.id, user.id = user.id.get(), "webhook registered");
    Ok(Reply::created(
        WebhookResponse::with_secret(&v),
        location(v.subscription.id),
    )
    .etag(v.subscription.etag())
    .private())
}

/// The caller's webhooks (every one for an admin), oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    operation_id = "list_webhooks",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of webhooks", body = Page<WebhookResponse>),
        (status = 400, description = "`invalid_query`: bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotWebhookStaff,
    )
)]
pub async fn list_webhooks(
    db: web::Data<Db>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<WebhookResponse>>, ApiError> {
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), LIST_SORT)?;
    let page = db
        .read(move |conn| service::list(conn, &user, &page))
        .await?;
    Ok(Reply::ok(page.map(|v| WebhookResponse::of(&v))).private())
}

/// One webhook.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "get_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id"), IfNoneMatch),
    responses(
        (status = 200, description = "The webhook (without its secret)", body = WebhookResponse,
            headers(("ETag" = String, description = "Entity tag; send it back in If-None-Match, or in If-Match to change or delete this version"))),
        NotModified,
        NotLoggedIn,
        NotWebhookStaff,
        NoSuchWebhook,
    )
)]
pub async fn get_webhook(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<WebhookId>,
) -> Result<Reply<WebhookResponse>, ApiError> {
    let id = id.into_inner();
    let v = db.read(move |conn| service::get(conn, &user, id)).await?;
    Ok(reply(&v))
}

/// Changes a webhook's URL, events, description or state.
#[utoipa::path(
    patch,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "update_webhook",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Webhook id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being changed; refused (412) when the webhook changed since"),
    ),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, description = "The webhook as changed", body = WebhookResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        (status = 400, description = "Unreadable body, unknown field, or `null` for a field that refuses it", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotWebhookStaff,
        NoSuchWebhook,
        (status = 412, description = "`precondition_failed`: the webhook changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
        BadWebhook,
    )
)]
pub async fn update_webhook(
    req: HttpRequest,
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<WebhookId>,
    body: Json<UpdateWebhookRequest>,
) -> Result<Reply<WebhookResponse>, ApiError> {
    crate::auth::policy::authorize(&user, crate::auth::policy::Action::RegisterWebhooks)?;
    let mut patch = SubscriptionPatch::try_from(body.into_inner())?;
    if let Some(url) = &patch.url {
        patch.url = Some(vet(&state, url).await?);
    }
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    let v = db
        .write(move |conn| service::update(conn, &actor, id, patch, if_match.as_ref()))
        .await?;
    tracing::info!(webhook.id = %id, user.id = user.id.get(), "webhook changed");
    Ok(reply(&v))
}

/// Deletes a webhook and its delivery log; queued deliveries are not sent.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "delete_webhook",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Webhook id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version being deleted; refused (412) when the webhook changed since"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        NotLoggedIn,
        NotWebhookStaff,
        NoSuchWebhook,
        (status = 412, description = "`precondition_failed`: the webhook changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_webhook(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let (id, actor) = (id.into_inner(), user.clone());
    db.write(move |conn| service::delete(conn, &actor, id, if_match.as_ref()))
        .await?;
    tracing::info!(webhook.id = %id, user.id = user.id.get(), "webhook deleted");
    Ok(no_content())
}

/// Replaces a webhook's signing secret; the answer shows the new one, this once.
/// Deliveries not yet sent are signed with it.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/secret",
    tag = "webhooks",
    operation_id = "rotate_webhook_secret",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Webhook id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the current version; refused (412) when the webhook changed since"),
    ),
    responses(
        (status = 200, description = "The webhook with its new `secret`, shown this once", body = WebhookResponse,
            headers(("ETag" = String, description = "Entity tag of the new version"))),
        NotLoggedIn,
        NotWebhookStaff,
        NoSuchWebhook,
        (status = 412, description = "`precondition_failed`: the webhook changed since the version in If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rotate_webhook_secret(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<WebhookId>,
) -> Result<Reply<WebhookResponse>, ApiError> {
    let if_match = IfMatch::from_request(&req);
    let secret = service::new_secret();
    let (id, actor) = (id.into_inner(), user.clone());
    let v = db
        .write(move |conn| service::rotate_secret(conn, &actor, id, secret, if_match.as_ref()))
        .await?;
    tracing::info!(webhook.id = %id, user.id = user.id.get(), "webhook secret rotated");
    Ok(Reply::ok(WebhookResponse::with_secret(&v))
        .etag(v.subscription.etag())
        .private())
}

/// Queues a signed `ping` delivery to this webhook only, to test the receiver.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/ping",
    tag = "webhooks",
    operation_id = "ping_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses(
        (status = 202, description = "Queued; follow it in the delivery log", body = WebhookDeliveryResponse),
        NotLoggedIn,
        NotWebhookStaff,
        NoSuchWebhook,
        (status = 409, description = "`webhook_inactive`: activate the webhook first", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ping_webhook(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<WebhookId>,
) -> Result<Reply<WebhookDeliveryResponse>, ApiError> {
    let id = id.into_inner();
    let delivery = db.write(move |conn| service::ping(conn, &user, id)).await?;
    Ok(Reply::with_status(
        StatusCode::ACCEPTED,
        WebhookDeliveryResponse::from(&delivery),
    )
    .location(format!("/api/v1/webhooks/{id}/deliveries"))
    .private())
}

/// A webhook's delivery log, newest first: each event's attempts, last answer and error,
/// and the next attempt.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    operation_id = "list_webhook_deliveries",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Webhook id"), PageQuery),
    responses(
        (status = 200, description = "One page of deliveries", body = Page<WebhookDeliveryResponse>),
        (status = 400, description = "`invalid_query`: bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        NotLoggedIn,
        NotWebhookStaff,
        NoSuchWebhook,
    )
)]
pub async fn list_webhook_deliveries(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<WebhookId>,
    query: web::Query<PageQuery>,
) -> Result<Reply<Page<WebhookDeliveryResponse>>, ApiError> {
    let id = id.into_inner();
    let page = PageRequest::<i64>::parse(query.limit, query.cursor.as_deref(), DELIVERY_SORT)?;
    let page = db
        .read(move |conn| service::deliveries(conn, &user, id, &page))
        .await?;
    Ok(Reply::ok(page.map(|d| WebhookDeliveryResponse::from(&d))).private())
}
