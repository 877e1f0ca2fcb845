//! Entity tags for single-resource answers, and `If-None-Match`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// A strong entity tag of a serialised body.
pub fn of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 says).
fn none_match(req: &HttpRequest, etag: &str) -> bool {
    let Some(value) = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// Answers 200 with `value` as JSON and its `ETag`, or 304 when the caller has it already.
pub fn json_with_etag<T: Serialize>(
    req: &HttpRequest,
    value: &T,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    let etag = of(&body);
    if none_match(req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body))
}

/// `value` as JSON with `status`, its `ETag` and, for a created resource, its `Location`:
/// the answer of a write, which gives the client the tag to send in its next `If-Match`.
pub fn tagged<T: Serialize>(
    status: actix_web::http::StatusCode,
    value: &T,
    location: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    let mut res = HttpResponse::build(status);
    res.insert_header((header::ETAG, of(&body)))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if let Some(location) = location {
        res.insert_header((header::LOCATION, location));
    }
    Ok(res.content_type("application/json").body(body))
}

/// The `If-Match` header of a request: which versions the caller says it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: any current version.
    Any,
    /// A list of entity tags, as the caller received them in `ETag`.
    Tags(Vec<String>),
}

impl IfMatch {
    /// The request's `If-Match` header; `None` when there is none (the precondition is
    /// optional).
    pub fn from_request(req: &HttpRequest) -> Option<Self> {
        Self::from_header(req.headers().get(header::IF_MATCH).map(|v| v.as_bytes()))
    }

    /// Reads the header value; `None` when there is none.
    pub fn from_header(value: Option<&[u8]>) -> Option<Self> {
        let value = value?;
        // A value that is not text cannot name any of our tags.
        let Ok(value) = std::str::from_utf8(value) else {
            return Some(Self::Tags(Vec::new()));
        };
        if value.trim() == "*" {
            return Some(Self::Any);
        }
        Some(Self::Tags(
            value
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        ))
    }

    /// Whether `etag` (a strong tag) is one the caller names. RFC 9110 wants the strong
    /// comparison here: a weak tag (`W/"…"`) never matches.
    pub fn matches(&self, etag: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Tags(tags) => tags.iter().any(|t| t == etag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists() {
        let tag = of(b"{}");
        let req = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, format!("\"x\", W/{tag}")))
            .to_http_request();
        assert!(none_match(&req, &tag));
        let req = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"other\""))
            .to_http_request();
        assert!(!none_match(&req, &tag));
        assert!(!none_match(&TestRequest::default().to_http_request(), &tag));
    }
}
