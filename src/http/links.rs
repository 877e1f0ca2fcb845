//! The absolute addresses the server writes (in emails, documents and answers): always from
//! configuration, never from request headers (`Host`, `X-Forwarded-Host`, `Forwarded`), which
//! the client controls.
//!
//! The addresses are process-wide configuration, set once at startup (the server, and the
//! commands that send email): services deep inside a transaction (a notification's link)
//! need them without every caller passing them along. This is the one place they are read.

use std::sync::OnceLock;

/// The configured public addresses.
#[derive(Debug)]
struct Links {
    /// `BAYANIHAN_PUBLIC_URL`: the web frontend's pages.
    frontend: String,
    /// `BAYANIHAN_API_URL`: this API as the public reaches it.
    api: String,
}

static LINKS: OnceLock<Links> = OnceLock::new();

/// Sets the public addresses, once per process; later calls change nothing (tests start
/// many apps in one process, all with the same addresses).
pub fn set(frontend: &str, api: &str) {
    // Only the first configuration of the process counts.
    let _ = LINKS.set(Links {
        frontend: frontend.trim_end_matches('/').to_owned(),
        api: api.trim_end_matches('/').to_owned(),
    });
}

/// The absolute address of the API's `path` (`/api/v1/...`); `path` alone before [`set`].
pub fn api(path: &str) -> String {
    format!("{}{path}", LINKS.get().map_or("", |l| l.api.as_str()))
}

/// The absolute address of the frontend's page `path`; `path` alone before [`set`].
pub fn frontend(path: &str) -> String {
    format!("{}{path}", LINKS.get().map_or("", |l| l.frontend.as_str()))
}
