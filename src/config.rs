//! Configuration, read from environment variables (see the README's table).

use std::path::PathBuf;

use crate::db::{DatabaseUrl, default_sqlite_url};

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    Pretty,
    /// One JSON object a line, for production.
    Json,
}

/// Everything the service reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub bind: String,
    /// Folder for the SQLite database and other local files.
    pub data_dir: PathBuf,
    /// This instance's post search index (`BAYANIHAN_SEARCH_DIR`; `search/` in the data
    /// folder by default). Derived from the database and rebuilt when missing: several
    /// instances each need their own.
    pub search_dir: PathBuf,
    /// The database.
    pub database_url: DatabaseUrl,
    /// Connections in the pool.
    pub db_pool_size: u32,
    /// Log format.
    pub log_format: LogFormat,
    /// Origins allowed by CORS; none by default.
    pub cors_origins: Vec<String>,
    /// HTTP worker threads; defaults to the CPUs available to the process.
    pub workers: usize,
    /// Public address of the web frontend, for links in emails.
    pub public_url: String,
    /// Public address of this API, for absolute API links (`BAYANIHAN_API_URL`; defaults to
    /// the public URL: the API served at the frontend's origin).
    pub api_url: String,
    /// How old an offline completion may be when it reaches the server
    /// (`BAYANIHAN_OFFLINE_WINDOW_DAYS`, 1 to 365; 30 by default).
    pub offline_window_days: i64,
    /// How long a client may take to send a request body (`BAYANIHAN_BODY_TIMEOUT_SECS`,
    /// 1 to 3600; 60 by default): a body trickled slower is refused with 408.
    pub body_timeout_secs: u64,
    /// SMTP server in lettre's URL syntax (`smtps://` is TLS, `smtp://…?tls=required` is
    /// STARTTLS, plain `smtp://` has no TLS); `None` writes `.eml` files.
    pub smtp_url: Option<String>,
    /// Sender of every email.
    pub email_from: String,
    /// Key that signs access tokens; `None` means a key kept in the data folder.
    pub jwt_secret: Option<String>,
    /// The Ed25519 key that signs Open Badges (`BAYANIHAN_BADGE_KEY`: a PKCS#8 PEM private
    /// key or a base64 32-byte seed); `None` means `badge-key.pem` in the data folder,
    /// generated on the first start. Several instances must share one key.
    pub badge_key: Option<String>,
    /// Trust `X-Forwarded-For` for the client address (set only behind a reverse proxy).
    pub trust_proxy: bool,
    /// Address ranges of trusted reverse proxies (`BAYANIHAN_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A separate address for `/metrics`; when set, the main address does not serve it.
    pub metrics_bind: Option<String>,
    /// The resource library's file storage and limits (`BAYANIHAN_STORAGE`, …).
    pub library: crate::library::storage::StorageConfig,
    /// `BAYANIHAN_WEBHOOK_ALLOW_PRIVATE`: webhooks may use `http` and reach loopback and
    /// private addresses (local receivers and tests; never on a shared server).
    pub webhook_allow_private: bool,
    /// The languages the platform offers content in (`BAYANIHAN_LANGUAGES`: BCP 47 tags,
    /// comma-separated; [`crate::types::DEFAULT_PLATFORM_LANGUAGES`] by default).
    pub languages: Vec<String>,
    /// The machine-translation service of community posts (`BAYANIHAN_MT_URL`: the base
    /// address of an HTTP API compatible with LibreTranslate, `POST {url}/translate`);
    /// `None`: no machine translation, and nothing about a post leaves the server.
    pub mt_url: Option<String>,
    /// The API key of that service (`BAYANIHAN_MT_API_KEY`), sent as `api_key`.
    pub mt_api_key: Option<String>,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `get` (testable without touching the environment).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |key: &str| {
            get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let data_dir =
            PathBuf::from(get("BAYANIHAN_DATA_DIR").unwrap_or_else(|| "./data".to_owned()));
        let url = get("DATABASE_URL").unwrap_or_else(|| default_sqlite_url(&data_dir));
        let database_url = DatabaseUrl::parse(&url)?;
        let db_pool_size = match get("BAYANIHAN_DB_POOL_SIZE") {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "BAYANIHAN_DB_POOL_SIZE must be a number from 1 to 1000, not `{v}`"
                    )
                })?,
            None => 10,
        };
        let log_format = match get("BAYANIHAN_LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                anyhow::bail!("BAYANIHAN_LOG_FORMAT must be `pretty` or `json`, not `{other}`")
            }
        };
        let cors_origins = get("BAYANIHAN_CORS_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_owned())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let workers = match get("BAYANIHAN_WORKERS") {
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=256).contains(n))
                .ok_or_else(|| {
                    anyhow::anyhow!("BAYANIHAN_WORKERS must be a number from 1 to 256, not `{v}`")
                })?,
            None => std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(1),
        };
        let public_url =
            get("BAYANIHAN_PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
        anyhow::ensure!(
            public_url.starts_with("http://") || public_url.starts_with("https://"),
            "BAYANIHAN_PUBLIC_URL must start with http:// or https://, not `{public_url}`"
        );
        let api_url = get("BAYANIHAN_API_URL").unwrap_or_else(|| public_url.clone());
        anyhow::ensure!(
            api_url.starts_with("http://") || api_url.starts_with("https://"),
            "BAYANIHAN_API_URL must start with http:// or https://, not `{api_url}`"
        );
        let offline_window_days = match get("BAYANIHAN_OFFLINE_WINDOW_DAYS") {
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=365).contains(n))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "BAYANIHAN_OFFLINE_WINDOW_DAYS must be a number from 1 to 365, not `{v}`"
                    )
                })?,
            None => 30,
        };
        let body_timeout_secs = match get("BAYANIHAN_BODY_TIMEOUT_SECS") {
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=3600).contains(n))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "BAYANIHAN_BODY_TIMEOUT_SECS must be a number from 1 to 3600, not `{v}`"
                    )
                })?,
            None => 60,
        };
        let smtp_url = get("BAYANIHAN_SMTP_URL");
        if let Some(url) = &smtp_url {
            anyhow::ensure!(
                url.starts_with("smtp://") || url.starts_with("smtps://"),
                "BAYANIHAN_SMTP_URL must start with smtp:// or smtps://"
            );
        }
        let jwt_secret = get("BAYANIHAN_JWT_SECRET");
        if let Some(secret) = &jwt_secret {
            anyhow::ensure!(
                secret.len() >= 32,
                "BAYANIHAN_JWT_SECRET must be at least 32 characters long"
            );
        }
        let trust_proxy = match get("BAYANIHAN_TRUST_PROXY").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => {
                anyhow::bail!("BAYANIHAN_TRUST_PROXY must be `true` or `false`, not `{other}`")
            }
        };
        let trusted_proxies = match get("BAYANIHAN_TRUSTED_PROXIES") {
            Some(v) => crate::http::client::ProxyTrust::parse_ranges(&v)
                .map_err(|e| anyhow::anyhow!("BAYANIHAN_TRUSTED_PROXIES: {e}"))?,
            None => Vec::new(),
        };
        let webhook_allow_private = match get("BAYANIHAN_WEBHOOK_ALLOW_PRIVATE").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => anyhow::bail!(
                "BAYANIHAN_WEBHOOK_ALLOW_PRIVATE must be `true` or `false`, not `{other}`"
            ),
        };
        let languages = match get("BAYANIHAN_LANGUAGES") {
            Some(v) => crate::types::parse_platform_languages(&v)
                .map_err(|e| anyhow::anyhow!("BAYANIHAN_LANGUAGES {e}"))?,
            None => crate::types::default_platform_languages(),
        };
        let mt_url = match get("BAYANIHAN_MT_URL").filter(|v| !v.trim().is_empty()) {
            Some(v) => {
                let url = url::Url::parse(v.trim())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                    .ok_or_else(|| {
                        anyhow::anyhow!("BAYANIHAN_MT_URL must be an http:// or https:// address")
                    })?;
                Some(url.as_str().trim_end_matches('/').to_owned())
            }
            None => None,
        };
        let mt_api_key = get("BAYANIHAN_MT_API_KEY").filter(|v| !v.is_empty());
        let library = crate::library::storage::StorageConfig::from_lookup(get, &data_dir)?;
        let search_dir =
            get("BAYANIHAN_SEARCH_DIR").map_or_else(|| data_dir.join("search"), PathBuf::from);
        Ok(Self {
            search_dir,
            mt_url,
            mt_api_key,
            webhook_allow_private,
            languages,
            library,
            trust_proxy,
            trusted_proxies,
            metrics_bind: get("BAYANIHAN_METRICS_BIND"),
            public_url: public_url.trim_end_matches('/').to_owned(),
            api_url: api_url.trim_end_matches('/').to_owned(),
            offline_window_days,
            body_timeout_secs,
            smtp_url,
            email_from: get("BAYANIHAN_EMAIL_FROM")
                .unwrap_or_else(|| "Bayanihan <no-reply@bayanihan.localhost>".to_owned()),
            jwt_secret,
            badge_key: get("BAYANIHAN_BADGE_KEY"),
            bind: get("BAYANIHAN_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            data_dir,
            database_url,
            db_pool_size,
            log_format,
            cors_origins,
            workers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_run_on_sqlite_under_data() {
        let c = config(&[]).unwrap();
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(
            c.database_url,
            DatabaseUrl::Sqlite(PathBuf::from("./data/bayanihan.db"))
        );
        assert_eq!(c.log_format, LogFormat::Pretty);
        assert!(c.cors_origins.is_empty());
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_named() {
        let err = config(&[("BAYANIHAN_DB_POOL_SIZE", "lots")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("BAYANIHAN_DB_POOL_SIZE"), "{err}");
        assert!(config(&[("BAYANIHAN_LOG_FORMAT", "xml")]).is_err());
        assert!(config(&[("DATABASE_URL", "mysql://x")]).is_err());
    }

    #[test]
    fn trusted_proxies_are_ranges() {
        let c = config(&[("BAYANIHAN_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7")]).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert!(!c.trust_proxy);
        let err = config(&[("BAYANIHAN_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("BAYANIHAN_TRUSTED_PROXIES") && err.contains("proxy.local"),
            "{err}"
        );
    }

    #[test]
    fn cors_origins_are_a_comma_separated_list() {
        let c = config(&[(
            "BAYANIHAN_CORS_ORIGINS",
            "https://a.example, https://b.example/",
        )])
        .unwrap();
        assert_eq!(
            c.cors_origins,
            vec!["https://a.example", "https://b.example"]
        );
    }

    #[cfg(not(feature = "postgres"))]
    #[test]
    fn postgres_url_without_the_feature_says_how_to_build() {
        let err = config(&[("DATABASE_URL", "postgres://localhost/x")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--features postgres"), "{err}");
    }
}
