//! Liveness, readiness and metrics.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::ApiError;
use crate::http::metrics::Metrics;
use crate::http::resource;

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

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations", operation_id = "get_metrics",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn metrics(metrics: web::Data<Metrics>) -> Result<HttpResponse, ApiError> {
    let body = metrics.render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}

/// The operational endpoints.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/health/live").get(live))
        .service(resource("/health/ready").get(ready))
        .service(resource("/metrics").get(metrics));
}
