//! Builds the HTTP application and runs the server.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::db::Db;
use crate::error::{self, ApiError};
use crate::http::metrics::Metrics;
use crate::http::middleware::observe;
use crate::{health, openapi, organisations};

/// Largest JSON body accepted.
pub const MAX_JSON_BYTES: usize = 256 * 1024;

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Connects to the database, applies migrations and binds the listener.
    pub fn build(config: &Config) -> anyhow::Result<Self> {
        let db = Db::connect(config.database_url.clone(), config.db_pool_size)?;
        let ran = db.migrate()?;
        tracing::info!(db.backend = db.url().backend(), migrations.applied = ran, "database ready");
        Self::build_with_db(config, db)
    }

    /// Binds the listener over an existing database handle.
    pub fn build_with_db(config: &Config, db: Db) -> anyhow::Result<Self> {
        let listener =
            TcpListener::bind(&config.bind).map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
        let addr = listener.local_addr()?;
        let metrics = Metrics::new();
        let cors_origins = config.cors_origins.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(db.clone()))
                .app_data(web::Data::new(metrics.clone()))
                .app_data(web::JsonConfig::default().limit(MAX_JSON_BYTES).error_handler(error::json_error))
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .wrap(Condition::new(!cors_origins.is_empty(), cors(&cors_origins)))
                .wrap(from_fn(observe))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "no-referrer"))
                        .add(("X-Frame-Options", "DENY")),
                )
                .wrap(Compress::default())
                .service(web::scope("/api/v1").configure(organisations::routes))
                .configure(health::routes)
                .service(web::redirect("/docs", "/docs/"))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", openapi::document()))
                .default_service(web::to(|| async { Err::<HttpResponse, _>(ApiError::NotFound) }))
        })
        .workers(config.workers)
        .listen(listener)?
        .run();
        tracing::info!(address = %addr, "listening on http://{addr}");
        Ok(Self { port: addr.port(), server })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT or SIGTERM, letting in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// CORS for the configured origins only; none when the list is empty.
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers(["authorization", "content-type", "if-match", "if-none-match", "x-request-id", "accept-language"])
        .expose_headers(["etag", "location", "retry-after", "x-request-id", "content-language"])
        .max_age(3600)
        // Other origins simply get no CORS headers (the browser then blocks them);
        // answering them with an error would not be problem+json.
        .block_on_origin_mismatch(false);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}
