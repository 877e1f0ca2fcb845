//! Entity tags for single-resource answers, `If-None-Match` and the `If-Match`
//! precondition.
//!
//! A resource that carries an `ETag` has an integer `version` column that every change
//! bumps (and a write that changes nothing does not); its tag is [`versioned`], so a
//! precondition is checked against the stored row without rendering any view.

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

/// The entity tag of version `version` of the resource `kind` `id`, in `lang` when the
/// answer is localised (one tag per language, so a cache never mixes languages).
pub fn versioned(kind: &str, id: i64, version: i64, lang: Option<&str>) -> String {
    match lang {
        Some(lang) => format!("\"{kind}-{id}-v{version}-{lang}\""),
        None => format!("\"{kind}-{id}-v{version}\""),
    }
}

/// `Ok` unless the caller sent an `If-Match` that names no tag of version `version` of
/// `kind` `id` (in any language): then 412 `precondition_failed`. Checked against the
/// stored row, inside the write transaction, before anything changes.
pub fn check_version(
    if_match: Option<&IfMatch>,
    kind: &str,
    id: i64,
    version: i64,
) -> Result<(), ApiError> {
    let Some(cond) = if_match else {
        return Ok(());
    };
    let exact = versioned(kind, id, version, None);
    let localised = format!("\"{kind}-{id}-v{version}-");
    let ok = match cond {
        IfMatch::Any => true,
        IfMatch::Tags(tags) => tags
            .iter()
            .any(|t| *t == exact || (t.starts_with(&localised) && t.ends_with('"'))),
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed)
    }
}

/// A stored resource whose `ETag` is its version (not localised): implement it on the
/// diesel row and the tag and the `If-Match` check come with it.
pub trait Versioned {
    /// The resource kind in its tags, e.g. `organisation`.
    const KIND: &'static str;

    /// The row's id and version.
    fn id_and_version(&self) -> (i64, i64);

    /// The entity tag of this version: [`versioned`].
    fn etag(&self) -> String {
        let (id, version) = self.id_and_version();
        versioned(Self::KIND, id, version, None)
    }

    /// 412 unless `if_match` (when sent) names this version: [`check_version`].
    fn check_if_match(&self, if_match: Option<&IfMatch>) -> Result<(), ApiError> {
        let (id, version) = self.id_and_version();
        check_version(if_match, Self::KIND, id, version)
    }
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 says).
pub fn none_match(req: &HttpRequest, etag: &str) -> bool {
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
    fn if_match_accepts_the_version_in_any_language() {
        let tags = |v: &str| IfMatch::from_header(Some(v.as_bytes()));
        assert!(check_version(None, "course", 7, 3).is_ok());
        assert!(check_version(tags("*").as_ref(), "course", 7, 3).is_ok());
        assert!(check_version(tags("\"course-7-v3\"").as_ref(), "course", 7, 3).is_ok());
        assert!(check_version(tags("\"x\", \"course-7-v3-fil\"").as_ref(), "course", 7, 3).is_ok());
        assert!(check_version(tags("\"course-7-v2\"").as_ref(), "course", 7, 3).is_err());
        assert!(check_version(tags("\"course-7-v33\"").as_ref(), "course", 7, 3).is_err());
        assert!(check_version(tags("\"course-17-v3\"").as_ref(), "course", 7, 3).is_err());
        assert!(check_version(tags("W/\"course-7-v3\"").as_ref(), "course", 7, 3).is_err());
        assert_eq!(
            versioned("course", 7, 3, Some("fil")),
            "\"course-7-v3-fil\""
        );
    }

    #[test]
    fn if_match_compares_strongly_and_accepts_lists_and_any() {
        let tag = "\"abc\"";
        assert_eq!(IfMatch::from_header(None), None);
        assert!(IfMatch::from_header(Some(b"*")).unwrap().matches(tag));
        assert!(
            IfMatch::from_header(Some(b"\"x\", \"abc\""))
                .unwrap()
                .matches(tag)
        );
        assert!(
            !IfMatch::from_header(Some(b"W/\"abc\""))
                .unwrap()
                .matches(tag)
        );
        assert!(!IfMatch::from_header(Some(b"\"abd\"")).unwrap().matches(tag));
        assert!(!IfMatch::from_header(Some(b"\xff")).unwrap().matches(tag));
        // Not text: names no version either.
        let not_text = IfMatch::from_header(Some(b"\xff"));
        assert!(check_version(not_text.as_ref(), "course", 7, 3).is_err());
    }

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
