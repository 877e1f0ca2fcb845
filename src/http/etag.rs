//! Entity tags for single-resource answers, `If-None-Match` and the `If-Match`
//! precondition.
//!
//! A resource that carries an `ETag` has an integer `version` column that every change
//! bumps (and a write that changes nothing does not); its tag is [`versioned`], so a
//! precondition is checked against the stored row without rendering any view.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::error::ApiError;

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

/// A stored resource whose `ETag` is its version: implement it on the diesel row and the
/// tag and the `If-Match` check come with it. A localised answer takes [`Versioned::etag_in`]
/// its language; `If-Match` accepts the version's tag in any language.
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

    /// The entity tag of this version answered in `lang` (one tag per language, so that a
    /// cache never mixes languages): [`versioned`].
    fn etag_in(&self, lang: &str) -> String {
        let (id, version) = self.id_and_version();
        versioned(Self::KIND, id, version, Some(lang))
    }

    /// 412 unless `if_match` (when sent) names this version: [`check_version`].
    fn check_if_match(&self, if_match: Option<&IfMatch>) -> Result<(), ApiError> {
        let (id, version) = self.id_and_version();
        check_version(if_match, Self::KIND, id, version)
    }
}

/// `impl Versioned` for a row with an id newtype `id` and an integer `version`, tagged as
/// `$kind`: `versioned_row!(Course, "course");`.
macro_rules! versioned_row {
    ($row:ty, $kind:literal) => {
        impl $crate::http::etag::Versioned for $row {
            const KIND: &'static str = $kind;

            fn id_and_version(&self) -> (i64, i64) {
                (self.id.get(), self.version)
            }
        }
    };
}
pub(crate) use versioned_row;

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
    fn a_versioned_row_tags_each_language_and_matches_any_of_them() {
        struct Row;
        impl Versioned for Row {
            const KIND: &'static str = "course";
            fn id_and_version(&self) -> (i64, i64) {
                (7, 3)
            }
        }
        let tags = |v: &str| IfMatch::from_header(Some(v.as_bytes()));
        assert_eq!(Row.etag(), "\"course-7-v3\"");
        assert_eq!(Row.etag_in("fil"), "\"course-7-v3-fil\"");
        assert!(Row.check_if_match(None).is_ok());
        assert!(
            Row.check_if_match(tags(&Row.etag_in("en")).as_ref())
                .is_ok()
        );
        assert!(Row.check_if_match(tags(&Row.etag()).as_ref()).is_ok());
        assert!(
            Row.check_if_match(tags("\"course-7-v2-fil\"").as_ref())
                .is_err()
        );
    }

    #[test]
    fn if_match_compares_strongly_and_accepts_lists_and_any() {
        let tags = |v: &[u8]| IfMatch::from_header(Some(v));
        assert_eq!(IfMatch::from_header(None), None);
        assert!(check_version(tags(b"*").as_ref(), "post", 7, 3).is_ok());
        assert!(check_version(tags(b"\"x\", \"post-7-v3\"").as_ref(), "post", 7, 3).is_ok());
        // RFC 9110 wants the strong comparison: a weak tag never matches.
        assert!(check_version(tags(b"W/\"post-7-v3\"").as_ref(), "post", 7, 3).is_err());
        assert!(check_version(tags(b"\"post-7-v4\"").as_ref(), "post", 7, 3).is_err());
        // Not text: names no version either.
        assert!(check_version(tags(b"\xff").as_ref(), "course", 7, 3).is_err());
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists() {
        let tag = versioned("post", 1, 2, None);
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
