//! Liveness, readiness and metrics.

use std::net::IpAddr;

use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::ApiError;
use crate::http::metrics::Metrics;
use crate::http::resource;
use crate::state::AppState;

/// State of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` when live, `ready` when ready.
    pub status: String,
}

/// The process is up.
#[utoipa::path(get, path = "/health/live", tag = "operations", operation_id = "get_liveness",
    responses((status = 200, description = "The process is up", body = HealthResponse)))]
pub async fn live() -> web::Json<HealthResponse> {
    web::Json(HealthResponse {
        status: "ok".to_owned(),
    })
}

/// The database is reachable and fully migrated.
#[utoipa::path(get, path = "/health/ready", tag = "operations", operation_id = "get_readiness",
    responses((status = 200, description = "Ready to serve", body = HealthResponse)))]
pub async fn ready(db: web::Data<Db>) -> Result<web::Json<HealthResponse>, ApiError> {
    if db.ready().await? {
        Ok(web::Json(HealthResponse {
            status: "ready".to_owned(),
        }))
    } else {
        Err(ApiError::Unavailable("migrations are pending".to_owned()))
    }
}

/// Prometheus metrics, for clients on this machine only (404 for anyone else), or only on
/// `BAYANIHAN_METRICS_BIND` when that is set (404 here).
#[utoipa::path(get, path = "/metrics", tag = "operations", operation_id = "get_metrics",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 404, description = "The caller is not on this machine, or metrics have an address of their own", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let peer = req.peer_addr().map(|a| a.ip());
    if state.settings.metrics_elsewhere || !metrics_allowed(peer, req.headers()) {
        return Err(ApiError::NotFound);
    }
    render_metrics(&state.metrics)
}

/// Whether a caller on the main address may read the metrics: it must connect from a
/// loopback address and not through a proxy. A reverse proxy on the same machine connects
/// from loopback too, so a forwarded request (which names its client in `Forwarded`,
/// `X-Forwarded-For` or `X-Real-IP`) is refused whatever the proxy settings are.
pub fn metrics_allowed(peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
    let forwarded = [
        header::FORWARDED,
        header::HeaderName::from_static("x-forwarded-for"),
        header::HeaderName::from_static("x-real-ip"),
    ]
    .iter()
    .any(|name| headers.contains_key(name));
    !forwarded && peer.is_some_and(|ip| ip.to_canonical().is_loopback())
}

fn render_metrics(metrics: &Metrics) -> Result<HttpResponse, ApiError> {
    let body = metrics.render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}

/// `/metrics` on its own address (`BAYANIHAN_METRICS_BIND`): whoever reaches that address
/// may read them.
pub async fn metrics_listener(metrics: web::Data<Metrics>) -> Result<HttpResponse, ApiError> {
    render_metrics(&metrics)
}

/// The operational endpoints.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/health/live").get(live))
        .service(resource("/health/ready").get(ready))
        .service(resource("/metrics").get(metrics));
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn only_loopback_peers_that_are_not_proxied_read_metrics() {
        let none = HeaderMap::new();
        assert!(metrics_allowed(ip("127.0.0.1"), &none));
        assert!(metrics_allowed(ip("127.8.9.10"), &none));
        assert!(metrics_allowed(ip("::1"), &none));
        assert!(metrics_allowed(ip("::ffff:127.0.0.1"), &none));
        for outside in [
            "10.0.0.5",
            "192.168.1.2",
            "203.0.113.9",
            "2001:db8::1",
            "0.0.0.0",
        ] {
            assert!(!metrics_allowed(ip(outside), &none), "{outside}");
        }
        assert!(!metrics_allowed(None, &none));
        for name in ["x-forwarded-for", "forwarded", "x-real-ip"] {
            let mut proxied = HeaderMap::new();
            proxied.insert(
                header::HeaderName::from_static(name),
                HeaderValue::from_static("127.0.0.1"),
            );
            assert!(!metrics_allowed(ip("127.0.0.1"), &proxied), "{name}");
        }
    }
}
