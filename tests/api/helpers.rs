//! Spawns the whole application on a random port over a database of its own.

use std::sync::OnceLock;
use std::time::Duration;

use bayanihan::config::{Config, LogFormat};
use bayanihan::db::{DatabaseUrl, Db, write_transaction};
use bayanihan::email::EmailSettings;
use bayanihan::library::storage::StorageConfig;
use bayanihan::organisations::model::{NewOrganisation, OrganisationKind, search_text};
use bayanihan::organisations::repo;
use bayanihan::startup::Application;
use bayanihan::types::{CountryCode, OrganisationId};
use reqwest::Method;
use serde_json::Value;

/// A running application and the database behind it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// The app's data folder (emails land in `outbox/` under it).
    pub data_dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT` of the metrics listener, when [`Options::metrics_bind`] was set.
    pub metrics_address: Option<String>,
    /// What the app was started with.
    pub config: Config,
    _database: TestDatabase,
}

/// Options for [`spawn_app_with`].
#[derive(Default)]
pub struct Options {
    pub cors_origins: Vec<String>,
    /// An SMTP server for the email worker; `None` writes `.eml` files under `data_dir/outbox/`.
    pub smtp_url: Option<String>,
    /// `BAYANIHAN_METRICS_BIND`.
    pub metrics_bind: Option<String>,
    /// `BAYANIHAN_TRUST_PROXY`.
    pub trust_proxy: bool,
    /// `BAYANIHAN_TRUSTED_PROXIES`.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `BAYANIHAN_BODY_TIMEOUT_SECS` (60 when `None`).
    pub body_timeout_secs: Option<u64>,
    /// The library's storage (local disk under the data folder when `None`).
    pub library: Option<StorageConfig>,
    /// `BAYANIHAN_WEBHOOK_ALLOW_PRIVATE`: webhooks to `http` and loopback receivers.
    pub webhook_allow_private: bool,
    /// `BAYANIHAN_MT_URL`: a machine-translation service (none when `None`).
    pub mt_url: Option<String>,
}

/// The library's storage settings under the test's data folder: a relative local folder
/// is taken inside it.
fn library_config(given: Option<StorageConfig>, data_dir: &std::path::Path) -> StorageConfig {
    let Some(mut config) = given else {
        return StorageConfig::local(data_dir);
    };
    if let bayanihan::library::storage::Backend::Local(dir) = &config.backend
        && dir.is_relative()
    {
        config.backend = bayanihan::library::storage::Backend::Local(data_dir.join(dir));
    }
    config.data_dir = data_dir.to_owned();
    config
}

/// A name no other instance of this test run has taken.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Starts the app on a fresh, migrated database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Starts the app with options.
pub async fn spawn_app_with(options: Options) -> TestApp {
    init_logs();
    let database = TestDatabase::create();
    let db = database.connect(4, Duration::from_secs(5));
    db.migrate().expect("migrations apply");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        bind: "127.0.0.1:0".to_owned(),
        data_dir: data_dir.path().to_owned(),
        search_dir: data_dir.path().join("search"),
        database_url: database.url.clone(),
        db_pool_size: 4,
        log_format: LogFormat::Pretty,
        cors_origins: options.cors_origins,
        workers: 1,
        public_url: "http://frontend.test".to_owned(),
        api_url: "http://api.test".to_owned(),
        offline_window_days: 30,
        body_timeout_secs: options.body_timeout_secs.unwrap_or(60),
        smtp_url: options.smtp_url,
        email_from: "Bayanihan <no-reply@bayanihan.test>".to_owned(),
        jwt_secret: Some("test-secret-that-is-long-enough-for-hs256!".to_owned()),
        badge_key: None,
        trust_proxy: options.trust_proxy,
        trusted_proxies: options.trusted_proxies,
        metrics_bind: options.metrics_bind,
        library: library_config(options.library, data_dir.path()),
        webhook_allow_private: options.webhook_allow_private,
        languages: bayanihan::types::default_platform_languages(),
        mt_url: options.mt_url,
        mt_api_key: None,
    };
    // The email worker at test pace: emails go out within a blink, and retries come fast.
    let mut email = EmailSettings::from_config(&config).expect("email settings are valid");
    email.poll_interval = Duration::from_millis(50);
    email.backoff_base = Duration::from_millis(100);
    let app = Application::build_with_email(&config, db.clone(), email).expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}"));
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .no_gzip()
        .build()
        .expect("client builds");
    TestApp {
        address,
        client,
        db,
        data_dir,
        metrics_address,
        config,
        _database: database,
    }
}

impl TestApp {
    /// Starts a second instance of the app over the same database (as several instances
    /// share one PostgreSQL); its base URL.
    pub fn second_instance(&self) -> String {
        let app = Application::build_with_db(&self.second_config(), self.db.clone())
            .expect("the app starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        address
    }

    /// The configuration of another instance beside this one: the same data folder (keys,
    /// files), a search index of its own (each instance keeps one).
    pub fn second_config(&self) -> Config {
        let mut config = self.config.clone();
        config.search_dir = self.data_dir.path().join(format!("search-{}", uuid_like()));
        config
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request is sent")
    }

    /// GET `path`; the status and the JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        let body = res.json::<Value>().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Loads the demo directory.
    pub fn seed_demo(&self) {
        bayanihan::seed::demo(&self.db).expect("demo data loads");
    }

    /// Inserts an organisation directly; returns its id.
    pub fn insert_org(
        &self,
        name: &str,
        acronym: Option<&str>,
        country: &str,
        kind: OrganisationKind,
        parent: Option<i64>,
    ) -> i64 {
        let mut conn = self.db.conn().expect("a connection");
        let now = bayanihan::db::now();
        let new = NewOrganisation {
            name: name.to_owned(),
            acronym: acronym.map(str::to_owned),
            country: CountryCode::parse(country).expect("a country code"),
            kind,
            parent_id: parent.map(OrganisationId),
            sector: None,
            website: None,
            sector_code: None,
            search_text: search_text(name, acronym),
            created_at: now,
            updated_at: now,
        };
        write_transaction(&mut conn, |conn| repo::insert(conn, &new))
            .expect("insert")
            .id
            .get()
    }
}

/// The `ETag` of an answer that must carry one.
pub fn etag(res: &reqwest::Response) -> String {
    res.headers()
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_owned()
}

/// Asserts that `res` is problem+json with `status` and `code`; returns the body.
pub async fn assert_problem(res: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status of {}", res.url());
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let body: Value = res.json().await.expect("a JSON body");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["type"], "about:blank");
    assert!(body["title"].is_string());
    body
}

/// Sends `method` to `path` as `user`, with `body` as JSON when given.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &TestUser,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.authed(method, path, &user.token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

/// The JSON body of `res` (null when it has none, e.g. a 204), which must answer `status`.
pub async fn ok_json(res: reqwest::Response, status: u16) -> Value {
    let url = res.url().clone();
    let code = res.status().as_u16();
    let text = res.text().await.unwrap();
    assert_eq!(code, status, "status of {url}: {text}");
    if text.is_empty() {
        return Value::Null;
    }
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url} answered no JSON ({e}): {text}"))
}

/// Sends as [`send`] does and returns the JSON body, which must answer `status`.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &TestUser,
    body: Option<Value>,
    status: u16,
) -> Value {
    ok_json(send(app, method, path, user, body).await, status).await
}

/// Sets `user`'s preferred language in the database.
pub fn prefer(app: &TestApp, user: &TestUser, language: &str) {
    use bayanihan::db::schema::users::dsl;
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    diesel::update(dsl::users.find(user.id))
        .set(dsl::preferred_language.eq(language))
        .execute(&mut *conn)
        .unwrap();
}

fn init_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            // The writer thread lives as long as the test process.
            std::mem::forget(bayanihan::telemetry::init(LogFormat::Pretty));
        }
    });
}

/// A database that exists for one test and is removed after it.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    #[cfg_attr(
        not(feature = "postgres"),
        expect(dead_code, reason = "only PostgreSQL databases are dropped by name")
    )]
    pg: Option<(String, String)>,
}

impl TestDatabase {
    /// A new empty database: PostgreSQL when `TEST_DATABASE_URL` is set, else a SQLite temp file.
    pub fn create() -> Self {
        Self::new(true)
    }

    /// A new database without any migration applied.
    pub fn create_unmigrated() -> Self {
        Self::new(false)
    }

    fn new(migrated: bool) -> Self {
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(server) => Self::create_postgres(&server, migrated),
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = DatabaseUrl::Sqlite(dir.path().join("test.db"));
                Self {
                    url,
                    _dir: Some(dir),
                    pg: None,
                }
            }
        }
    }

    /// A pool over this database.
    pub fn connect(&self, size: u32, timeout: Duration) -> Db {
        Db::connect_with_timeout(self.url.clone(), size, timeout)
            .expect("the test database is reachable")
    }

    #[cfg(feature = "postgres")]
    fn create_postgres(server: &str, migrated: bool) -> Self {
        use diesel::{Connection, RunQueryDsl, pg::PgConnection};
        let template = if migrated {
            pg_template(server)
        } else {
            "template0".to_owned()
        };
        let name = format!("bayanihan_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(server).expect("TEST_DATABASE_URL is reachable");
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(&mut admin)
            .expect("create test database");
        let url = DatabaseUrl::Postgres(with_database(server, &name));
        Self {
            url,
            _dir: None,
            pg: Some((server.to_owned(), name)),
        }
    }

    #[cfg(not(feature = "postgres"))]
    fn create_postgres(_server: &str, _migrated: bool) -> Self {
        panic!("TEST_DATABASE_URL is set, but the tests were built without `--features postgres`");
    }
}

#[cfg(feature = "postgres")]
impl Drop for TestDatabase {
    fn drop(&mut self) {
        use diesel::{Connection, RunQueryDsl, pg::PgConnection};
        if let Some((server, name)) = &self.pg
            && let Ok(mut admin) = PgConnection::establish(server)
        {
            // Best effort: a leftover database in a throw-away test server harms nothing.
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// A migrated template database, made once per test process; each test clones it.
#[cfg(feature = "postgres")]
fn pg_template(server: &str) -> String {
    use diesel::{Connection, RunQueryDsl, pg::PgConnection};
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let name = format!("bayanihan_template_{}", std::process::id());
            let mut admin =
                PgConnection::establish(server).expect("TEST_DATABASE_URL is reachable");
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .expect("drop old template");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("create template");
            {
                let db = Db::connect(DatabaseUrl::Postgres(with_database(server, &name)), 1)
                    .expect("template reachable");
                db.migrate().expect("template migrates");
            }
            name
        })
        .clone()
}

/// `server` with its database name replaced by `name`.
#[cfg(feature = "postgres")]
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].rfind('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// A user made for a test, logged in.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i64,
    pub email: String,
    pub password: String,
    /// A valid access token.
    pub token: String,
    pub refresh_token: String,
}

/// A password that passes the strength rules.
pub const GOOD_PASSWORD: &str = "lantern-solidarity-typhoon-42";

impl TestApp {
    /// Inserts a verified, active user with `role` and logs them in through the API.
    pub async fn user(&self, role: &str) -> TestUser {
        let email = format!("{}-{}@example.org", role, uuid::Uuid::new_v4().simple());
        let id = self.insert_user(&email, role, true).await;
        let (token, refresh_token) = self.login(&email, GOOD_PASSWORD).await;
        TestUser {
            id,
            email,
            password: GOOD_PASSWORD.to_owned(),
            token,
            refresh_token,
        }
    }

    /// Inserts a user directly (password [`GOOD_PASSWORD`]); returns the id.
    pub async fn insert_user(&self, email: &str, role: &str, verified: bool) -> i64 {
        use bayanihan::accounts::{model, repo as users};
        use bayanihan::auth::password::{Password, PasswordHasher};
        static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        let hash = HASH
            .get_or_init(|| async {
                PasswordHasher::new(1, 10)
                    .hash(Password::unchecked(GOOD_PASSWORD.to_owned()))
                    .await
                    .unwrap()
            })
            .await
            .clone();
        let now = bayanihan::db::now();
        let new = model::NewUser {
            email: Some(email.to_owned()),
            email_normalized: Some(email.to_lowercase()),
            password_hash: Some(hash),
            display_name: format!("Test {role}"),
            country: Some("PH".to_owned()),
            preferred_language: "en".to_owned(),
            other_languages: String::new(),
            gender: None,
            birth_year: None,
            role: bayanihan::auth::Role::parse(role).expect("a known role"),
            status: model::UserStatus::Active,
            email_verified_at: verified.then_some(now),
            search_text: model::user_search_text(&format!("Test {role}"), Some(email)),
            lookalike: Some(false),
            created_at: now,
            updated_at: now,
        };
        let mut conn = self.db.conn().expect("a connection");
        write_transaction(&mut conn, |conn| users::insert(conn, &new))
            .expect("insert user")
            .id
            .get()
    }

    /// Logs in; returns the access and refresh tokens.
    pub async fn login(&self, email: &str, password: &str) -> (String, String) {
        let res = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "login of {email}");
        let body: Value = res.json().await.unwrap();
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["refresh_token"].as_str().unwrap().to_owned(),
        )
    }

    /// A request with `token` as bearer.
    pub fn authed(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    /// POST `body` as JSON to `path`.
    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request is sent")
    }

    /// The outbox rows so far: (recipient, subject, body_text).
    pub fn outbox(&self) -> Vec<(String, String, String)> {
        use bayanihan::db::schema::email_outbox::dsl;
        use diesel::prelude::*;
        let mut conn = self.db.conn().expect("a connection");
        dsl::email_outbox
            .select((dsl::recipient, dsl::subject, dsl::body_text))
            .order(dsl::id.asc())
            .load(&mut *conn)
            .expect("outbox rows")
    }

    /// The token in the last link sent to `email` (`…?token=XYZ`).
    pub fn last_link_token(&self, email: &str) -> String {
        let (_, _, body) = self
            .outbox()
            .into_iter()
            .rev()
            .find(|(to, _, _)| to == email)
            .expect("an email to this address");
        let start = body.find("token=").expect("a link with a token") + "token=".len();
        body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}
