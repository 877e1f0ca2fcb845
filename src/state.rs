//! Shared state of the HTTP application, built once and handed to every worker.

use std::sync::Arc;

use crate::auth::password::PasswordHasher;
use crate::auth::tokens::TokenKeys;
use crate::badges::key::BadgeKey;
use crate::config::Config;
use crate::db::Db;
use crate::http::client::ProxyTrust;
use crate::http::metrics::Metrics;

/// Settings handlers need from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Which hops are trusted proxies, for the client address.
    pub proxies: ProxyTrust,
    /// How old an offline completion may be when it reaches the server.
    pub offline_window: chrono::TimeDelta,
    /// How long a client may take to send a request body.
    pub body_timeout: std::time::Duration,
    /// Origins allowed by CORS.
    pub cors_origins: Vec<String>,
    /// `/metrics` has an address of its own (`BAYANIHAN_METRICS_BIND`), so the main one
    /// does not serve it.
    pub metrics_elsewhere: bool,
    /// `BAYANIHAN_WEBHOOK_ALLOW_PRIVATE`: webhook URLs may be `http` and reach loopback and
    /// private addresses.
    pub webhook_allow_private: bool,
    /// The languages the platform offers content in (`BAYANIHAN_LANGUAGES`).
    pub languages: Vec<String>,
    /// A machine-translation service is configured (`BAYANIHAN_MT_URL`).
    pub machine_translation: bool,
}

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub metrics: Metrics,
    pub keys: TokenKeys,
    /// The key that signs Open Badges.
    pub badges: BadgeKey,
    pub hasher: PasswordHasher,
    /// Where the library's files are kept.
    pub library: crate::library::storage::Storage,
    /// The counts of the cohort reach trees read lately.
    pub reach: crate::cohorts::reach::service::ReachCache,
    /// Cohorts' texts, facilitators and courses read lately.
    pub cohorts: crate::cohorts::service::CohortMemo,
    /// Courses' texts and outlines read lately.
    pub courses: crate::courses::service::CourseMemo,
    /// Courses' outlines read for learners' progress lately.
    pub progress: crate::learning::service::ProgressMemo,
    /// The totals of the needs rounds read lately.
    pub needs_totals: crate::needs::service::TotalsMemo,
    /// Dashboards computed lately, with the stamps they were computed at.
    pub dashboards: crate::dashboards::service::SummaryCache,
    /// Open logins read lately.
    pub sessions: crate::auth::extractor::SessionCache,
    pub settings: Arc<Settings>,
    /// This instance's post search index (`BAYANIHAN_SEARCH_DIR`).
    pub search: Arc<crate::search::index::SearchIndex>,
}

impl AppState {
    /// The state for `config` over `db`.
    pub fn new(config: &Config, db: Db) -> anyhow::Result<Self> {
        Ok(Self {
            keys: TokenKeys::load(config.jwt_secret.as_deref(), &config.data_dir)?,
            badges: BadgeKey::load(config.badge_key.as_deref(), &config.data_dir)?,
            library: crate::library::storage::Storage::open(&config.library)?,
            reach: crate::cohorts::reach::service::ReachCache::default(),
            cohorts: crate::cohorts::service::CohortMemo::default(),
            courses: crate::courses::service::CourseMemo::default(),
            progress: crate::learning::service::ProgressMemo::default(),
            needs_totals: crate::needs::service::TotalsMemo::default(),
            dashboards: crate::dashboards::service::SummaryCache::default(),
            sessions: crate::auth::extractor::SessionCache::default(),
            search: Arc::new(crate::search::index::SearchIndex::open(
                &config.search_dir,
                &mut *db.conn()?,
            )?),
            db,
            metrics: Metrics::new()?,
            hasher: PasswordHasher::for_this_machine(),
            settings: Arc::new(Settings {
                proxies: ProxyTrust {
                    peer_is_proxy: config.trust_proxy,
                    ranges: config.trusted_proxies.clone(),
                },
                offline_window: chrono::TimeDelta::days(config.offline_window_days),
                body_timeout: std::time::Duration::from_secs(config.body_timeout_secs),
                cors_origins: config.cors_origins.clone(),
                metrics_elsewhere: config.metrics_bind.is_some(),
                webhook_allow_private: config.webhook_allow_private,
                languages: config.languages.clone(),
                machine_translation: config.mt_url.is_some(),
            }),
        })
    }
}

impl AppState {
    /// State with default settings and a fixed signing key, for tests and tools.
    pub fn with_defaults(db: Db) -> anyhow::Result<Self> {
        Ok(Self {
            library: crate::library::storage::Storage::open(
                &crate::library::storage::StorageConfig::local(
                    &std::env::temp_dir().join("bayanihan-library"),
                ),
            )?,
            reach: crate::cohorts::reach::service::ReachCache::default(),
            cohorts: crate::cohorts::service::CohortMemo::default(),
            courses: crate::courses::service::CourseMemo::default(),
            progress: crate::learning::service::ProgressMemo::default(),
            needs_totals: crate::needs::service::TotalsMemo::default(),
            dashboards: crate::dashboards::service::SummaryCache::default(),
            sessions: crate::auth::extractor::SessionCache::default(),
            search: Arc::new(crate::search::index::SearchIndex::temporary()?),
            db,
            metrics: Metrics::new()?,
            keys: TokenKeys::from_secret(b"a fixed key for tests and tools, never production"),
            badges: BadgeKey::generate()?,
            hasher: PasswordHasher::for_this_machine(),
            settings: Arc::new(Settings {
                proxies: ProxyTrust::default(),
                offline_window: chrono::TimeDelta::days(30),
                body_timeout: std::time::Duration::from_secs(60),
                cors_origins: Vec::new(),
                metrics_elsewhere: false,
                webhook_allow_private: false,
                languages: crate::types::default_platform_languages(),
                machine_translation: false,
            }),
        })
    }
}

/// The client's address, for throttling: the peer, or, behind trusted proxies, the
/// right-most `X-Forwarded-For` address that is not one of them (see [`crate::http::client`]).
pub fn client_ip(req: &actix_web::HttpRequest, settings: &Settings) -> String {
    crate::http::client::client_addr(req, &settings.proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
