//! Builds the HTTP application and runs the server.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::db::Db;
use crate::email::EmailSettings;
use crate::error::{self, ApiError};
use crate::http::metrics::Metrics;
use crate::http::middleware::{limit_body_time, observe};
use crate::state::AppState;
use crate::{accounts, health, openapi, organisations};

/// Largest JSON body accepted.
pub const MAX_JSON_BYTES: usize = 256 * 1024;

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    /// The `/metrics` listener on `BAYANIHAN_METRICS_BIND`, when set.
    metrics: Option<(u16, Server)>,
}

impl Application {
    /// Connects to the database, applies migrations and binds the listener.
    pub fn build(config: &Config) -> anyhow::Result<Self> {
        let db = Db::connect(config.database_url.clone(), config.db_pool_size)?;
        let ran = db.migrate()?;
        tracing::info!(
            db.backend = db.url().backend(),
            migrations.applied = ran,
            "database ready"
        );
        Self::build_with_db(config, db)
    }

    /// Binds the listener over an existing database handle.
    pub fn build_with_db(config: &Config, db: Db) -> anyhow::Result<Self> {
        Self::build_with_email(config, db, EmailSettings::from_config(config)?)
    }

    /// Like [`Application::build_with_db`], with the email worker's settings given
    /// (tests shorten its intervals). Starts the worker that delivers the outbox.
    pub fn build_with_email(config: &Config, db: Db, email: EmailSettings) -> anyhow::Result<Self> {
        let listener = listen(&config.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
        let addr = listener.local_addr()?;
        crate::http::links::set(&config.public_url, &config.api_url);
        let worker_db = db.clone();
        let state = AppState::new(config, db)?;
        crate::search::spawn_upkeep(worker_db.clone(), &state.search);
        let metrics = match &config.metrics_bind {
            Some(bind) => Some(metrics_server(bind, state.metrics.clone())?),
            None => None,
        };
        let server = HttpServer::new(move || app(state.clone()))
            .workers(config.workers)
            // Signals are handled by `Signals` (see `run_until_signalled`), installed before the address is logged.
            .disable_signals()
            .shutdown_timeout(30)
            .listen(listener)?
            .run();
        crate::notifications::digest::spawn(worker_db.clone());
        crate::accounts::spawn_lookalike_check(worker_db.clone());
        crate::cohorts::space::spawn_backfill(worker_db.clone());
        for (kind, send_due) in reminders() {
            crate::email::spawn_reminders(worker_db.clone(), kind, send_due);
        }
        crate::email::spawn_worker(worker_db, email);
        tracing::info!(address = %addr, "listening on http://{addr}");
        Ok(Self {
            port: addr.port(),
            server,
            metrics,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the `/metrics` listener, when `BAYANIHAN_METRICS_BIND` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// Serves until stopped (see [`Application::run_until_signalled`]).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        match self.metrics {
            Some((_, metrics)) => {
                let (main, metrics) = futures_util::future::join(self.server, metrics).await;
                main.and(metrics)
            }
            None => self.server.await,
        }
    }

    /// Serves until SIGINT or SIGTERM arrives, then lets in-flight requests finish.
    pub async fn run_until_signalled(self, signals: Signals) -> std::io::Result<()> {
        let handle = self.server.handle();
        let metrics = self.metrics.as_ref().map(|(_, server)| server.handle());
        actix_web::rt::spawn(async move {
            let name = signals.recv().await;
            tracing::info!(
                signal = name,
                "shutting down; in-flight requests finish first"
            );
            if let Some(metrics) = metrics {
                metrics.stop(true).await;
            }
            handle.stop(true).await;
        });
        self.run_until_stopped().await
    }
}

/// Connections the kernel keeps waiting for `accept`. The standard library's `bind` listens
/// with 128: when the server's one core is busy, a burst of new connections (a page of
/// images, clients reconnecting after a restart, a benchmark's 64 connections beside its
/// probes) can overflow it, and each dropped handshake costs its client a one-second SYN
/// retransmission (the likely cause of the one-second connect time-outs seen in busy
/// benchmark runs, not yet confirmed by a run). The kernel caps it at `net.core.somaxconn`
/// (4,096 by default).
const LISTEN_BACKLOG: i32 = 4096;

/// A listener on `bind` (`host:port`; the first of its addresses that binds), with
/// [`LISTEN_BACKLOG`] and, as the standard library does, `SO_REUSEADDR`.
fn listen(bind: &str) -> std::io::Result<TcpListener> {
    use std::net::ToSocketAddrs;
    let mut last = None;
    for addr in bind.to_socket_addrs()? {
        let socket = socket2::Socket::new(
            socket2::Domain::for_address(addr),
            socket2::Type::STREAM,
            Some(socket2::Protocol::TCP),
        )?;
        #[cfg(unix)]
        socket.set_reuse_address(true)?;
        match socket
            .bind(&addr.into())
            .and_then(|()| socket.listen(LISTEN_BACKLOG))
        {
            Ok(()) => return Ok(socket.into()),
            Err(err) => last = Some(err),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address to listen on")
    }))
}

/// The `/metrics` listener on its own address (one worker; nothing else is served there).
fn metrics_server(bind: &str, metrics: Metrics) -> anyhow::Result<(u16, Server)> {
    let listener = listen(bind)
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind} (BAYANIHAN_METRICS_BIND): {e}"))?;
    let addr = listener.local_addr()?;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(metrics.clone()))
            .service(crate::http::resource("/metrics").get(health::metrics_listener))
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(ApiError::NotFound)
            }))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(5)
    .listen(listener)?
    .run();
    tracing::info!(address = %addr, "metrics on http://{addr}/metrics");
    Ok((addr.port(), server))
}

/// SIGINT and SIGTERM listeners, registered before the server starts so that no
/// signal sent once the address is logged can be missed.
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    /// Registers the listeners (inside a runtime).
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn recv(mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.int.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "ctrl-c"
        }
    }
}

/// The application: routes, middleware and shared state. Public so that tests can
/// add routes of their own behind the same middleware.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors_origins = state.settings.cors_origins.clone();
    App::new()
        .app_data(web::Data::new(state.db.clone()))
        .app_data(web::Data::new(state.metrics.clone()))
        .app_data(web::Data::new(state.keys.clone()))
        .app_data(web::Data::new(state.badges.clone()))
        .app_data(web::Data::new(state.library.clone()))
        .app_data(web::Data::new(state.clone()))
        .app_data(
            web::JsonConfig::default()
                .limit(MAX_JSON_BYTES)
                .error_handler(error::json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .wrap(Condition::new(
            !cors_origins.is_empty(),
            cors(&cors_origins),
        ))
        .wrap(from_fn(limit_body_time))
        .wrap(from_fn(observe))
        .wrap(
            DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("Referrer-Policy", "no-referrer"))
                .add(("X-Frame-Options", "DENY")),
        )
        .wrap(Compress::default())
        .service(
            web::scope("/api/v1")
                .configure(organisations::routes)
                .configure(accounts::routes)
                .configure(crate::invitations::routes)
                .configure(crate::courses::routes)
                .configure(crate::cohorts::routes)
                .configure(crate::learning::routes)
                .configure(crate::badges::routes)
                .configure(crate::assessment::routes)
                .configure(crate::communities::routes)
                .configure(crate::forums::routes)
                .configure(crate::moderation::routes)
                .configure(crate::notifications::routes)
                .configure(crate::search::routes)
                .configure(crate::library::routes)
                .configure(crate::needs::routes)
                // Training follow-up.
                .configure(crate::followup::routes)
                // Issue 16, item 4: webhooks.
                .configure(crate::webhooks::routes)
                .configure(crate::translations::routes)
                // Issue 17, item 5: community posts across languages.
                .configure(crate::post_translations::routes)
                // Programmes.
                .configure(crate::programmes::routes)
                .configure(crate::dashboards::routes),
        )
        .configure(health::routes)
        .service(web::redirect("/docs", "/docs/"))
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .url("/api-docs/openapi.json", openapi::document())
                // The page never sends the API document to an outside validator service.
                .config(utoipa_swagger_ui::Config::default().validator_url("none")),
        )
        .default_service(web::to(|| async {
            Err::<HttpResponse, _>(ApiError::NotFound)
        }))
}

/// CORS for the configured origins only; none when the list is empty.
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            "authorization",
            "content-type",
            "if-match",
            "if-none-match",
            "x-request-id",
            "accept-language",
        ])
        .expose_headers([
            "etag",
            "location",
            "retry-after",
            "x-request-id",
            "content-language",
        ])
        .max_age(3600)
        // Other origins simply get no CORS headers (the browser then blocks them);
        // answering them with an error would not be problem+json.
        .block_on_origin_mismatch(false);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Queues the reminders of one kind that are due at a time; answers how many emails.
pub type SendDue = fn(&mut crate::db::DbConn, chrono::NaiveDateTime) -> Result<usize, ApiError>;

/// Every kind of reminder, once: the server runs each every minute
/// (`email::spawn_reminders`) and `bayanihan reminders` runs them all once.
pub fn reminders() -> [(&'static str, SendDue); 3] {
    [
        ("session", crate::cohorts::sessions::reminders::send_due),
        ("survey", crate::assessment::surveys::reminders::send_due),
        // Training follow-up: check-in reminders.
        ("check-in", crate::followup::reminders::send_due),
    ]
}
