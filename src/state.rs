//! Shared state of the HTTP application, built once and handed to every worker.

use std::sync::Arc;

use crate::auth::limiter::Limiters;
use crate::auth::password::PasswordHasher;
use crate::auth::tokens::TokenKeys;
use crate::config::Config;
use crate::db::Db;
use crate::http::metrics::Metrics;

/// Settings handlers need from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Public address of the web frontend, for links in emails.
    pub public_url: String,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Origins allowed by CORS.
    pub cors_origins: Vec<String>,
    /// `/metrics` has an address of its own (`BAYANIHAN_METRICS_BIND`), so the main one
    /// does not serve it.
    pub metrics_elsewhere: bool,
}

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub metrics: Metrics,
    pub keys: TokenKeys,
    pub hasher: PasswordHasher,
    pub limiters: Arc<Limiters>,
    pub settings: Arc<Settings>,
}

impl AppState {
    /// The state for `config` over `db`.
    pub fn new(config: &Config, db: Db) -> anyhow::Result<Self> {
        Ok(Self {
            keys: TokenKeys::load(config.jwt_secret.as_deref(), &config.data_dir)?,
            db,
            metrics: Metrics::new()?,
            hasher: PasswordHasher::for_this_machine(),
            limiters: Arc::new(Limiters::new()),
            settings: Arc::new(Settings {
                public_url: config.public_url.clone(),
                trust_proxy: config.trust_proxy,
                cors_origins: config.cors_origins.clone(),
                metrics_elsewhere: config.metrics_bind.is_some(),
            }),
        })
    }
}

impl AppState {
    /// State with default settings and a fixed signing key, for tests and tools.
    pub fn with_defaults(db: Db) -> anyhow::Result<Self> {
        Ok(Self {
            db,
            metrics: Metrics::new()?,
            keys: TokenKeys::from_secret(b"a fixed key for tests and tools, never production"),
            hasher: PasswordHasher::for_this_machine(),
            limiters: Arc::new(Limiters::new()),
            settings: Arc::new(Settings {
                public_url: "http://127.0.0.1:8080".to_owned(),
                trust_proxy: false,
                cors_origins: Vec::new(),
                metrics_elsewhere: false,
            }),
        })
    }
}

/// The client's address, for throttling: the peer, or the first `X-Forwarded-For` hop
/// when the service is configured to sit behind a trusted proxy.
pub fn client_ip(req: &actix_web::HttpRequest, settings: &Settings) -> String {
    if settings.trust_proxy
        && let Some(ip) = req.connection_info().realip_remote_addr()
    {
        return ip.to_owned();
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
