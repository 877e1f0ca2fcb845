//! The one response helper: status, body, `ETag`, `Location`, `Content-Language`, caching.
//!
//! A handler returns `Result<Reply<T>, ApiError>`. For a `GET` with an `ETag`, a matching
//! `If-None-Match` answers 304 without a body. A localised answer names its language
//! (`Content-Language`) and varies with `Accept-Language`.

use actix_web::body::BoxBody;
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Responder};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use std::sync::Arc;

use crate::error::ApiError;
use crate::http::etag;
use crate::http::pagination::Page;

/// A view in the language it was rendered in, with the entity tag of the version it shows
/// in that language (the row's `Versioned::etag_in`). Services answer it; handlers turn it
/// into [`Reply::localised`].
#[derive(Debug)]
pub struct Localised<T> {
    pub view: T,
    pub language: String,
    pub etag: String,
}

impl<T> Localised<T> {
    /// The same answer with its view turned into another (a view into its response).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Localised<U> {
        Localised {
            view: f(self.view),
            language: self.language,
            etag: self.etag,
        }
    }
}

/// A page of localised items, and the languages their texts are in (distinct, in order):
/// the answer's `Content-Language` ([`Reply::localised_page`]).
#[derive(Debug)]
pub struct LocalisedPage<T> {
    pub page: Page<T>,
    pub languages: Vec<String>,
}

/// A JSON body rendered once and kept (a `db::memo::Memo` value): [`Reply`] sends its bytes
/// as they are, so an answer read many times between two changes is rendered once.
#[derive(Debug, Clone)]
pub struct Rendered(Arc<RawValue>);

impl Rendered {
    /// `value` as JSON.
    pub fn of<T: Serialize>(value: &T) -> Result<Self, ApiError> {
        let raw = serde_json::value::to_raw_value(value).map_err(ApiError::internal)?;
        Ok(Self(Arc::from(raw)))
    }

    /// The body's size in bytes.
    pub fn size(&self) -> usize {
        self.0.get().len()
    }
}

impl Serialize for Rendered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// A JSON answer and its headers.
#[derive(Debug)]
#[must_use]
pub struct Reply<T> {
    status: StatusCode,
    body: T,
    etag: Option<String>,
    location: Option<String>,
    language: Option<String>,
    private: bool,
}

impl<T: Serialize> Reply<T> {
    /// 200 with `body`.
    pub fn ok(body: T) -> Self {
        Self::with_status(StatusCode::OK, body)
    }

    /// 201 with the created `body`, readable at `location`.
    pub fn created(body: T, location: impl Into<String>) -> Self {
        Self::with_status(StatusCode::CREATED, body).location(location)
    }

    /// `status` with `body`.
    pub fn with_status(status: StatusCode, body: T) -> Self {
        Self {
            status,
            body,
            etag: None,
            location: None,
            language: None,
            private: false,
        }
    }

    /// Adds an entity tag (from [`etag::versioned`]).
    pub fn etag(mut self, tag: impl Into<String>) -> Self {
        self.etag = Some(tag.into());
        self
    }

    /// Adds a `Location`.
    pub fn location(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// Names the language of a localised answer: `Content-Language` and
    /// `Vary: Accept-Language`.
    pub fn language(mut self, lang: impl Into<String>) -> Self {
        self.language = Some(lang.into());
        self
    }

    /// Names the languages of an answer that mixes several (a list): `Content-Language`
    /// with all of them and `Vary`; nothing for none.
    pub fn languages(self, languages: &[String]) -> Self {
        if languages.is_empty() {
            self
        } else {
            self.language(languages.join(", "))
        }
    }

    /// `status` with a localised view: its `ETag` and `Content-Language` (+ `Vary`).
    pub fn localised(status: StatusCode, v: Localised<T>) -> Self {
        Self::with_status(status, v.view)
            .etag(v.etag)
            .language(v.language)
    }

    /// A translation written at `PUT …/translations/{language}`: 201 with the `Location` of
    /// `resource` in that language when the language is new, else 200 (`doc::TranslationWritten`).
    pub fn translation(v: Localised<T>, created: bool, resource: &str) -> Self {
        if created {
            let location = format!("{resource}?lang={}", v.language);
            Self::localised(StatusCode::CREATED, v).location(location)
        } else {
            Self::localised(StatusCode::OK, v)
        }
    }

    /// Personal data or credentials: `Cache-Control: no-store`.
    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }

    fn into_response(self, req: &HttpRequest) -> Result<HttpResponse, ApiError> {
        let cache = if self.private { "no-store" } else { "no-cache" };
        let head = Head {
            status: self.status,
            etag: self.etag.as_deref(),
            language: self.language.as_deref(),
            cache,
        };
        let Some(mut res) = head.start(req) else {
            return Ok(head.not_modified());
        };
        if let Some(location) = self.location {
            res.insert_header((header::LOCATION, location));
        }
        let body = serde_json::to_vec(&self.body).map_err(ApiError::internal)?;
        Ok(res.content_type("application/json").body(body))
    }
}

/// What every answer of this module sends before its body: status, `Cache-Control`,
/// `Content-Language` + `Vary`, `ETag`, or a 304 when the caller has the tag.
struct Head<'a> {
    status: StatusCode,
    etag: Option<&'a str>,
    language: Option<&'a str>,
    cache: &'a str,
}

impl Head<'_> {
    /// The answer's builder with its headers, or `None` when a `GET` or `HEAD` names its
    /// tag in `If-None-Match` (answer [`Head::not_modified`]).
    fn start(&self, req: &HttpRequest) -> Option<actix_web::HttpResponseBuilder> {
        if let Some(tag) = self.etag {
            let safe = matches!(*req.method(), Method::GET | Method::HEAD);
            if safe && self.status == StatusCode::OK && etag::none_match(req, tag) {
                return None;
            }
        }
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CACHE_CONTROL, self.cache));
        if let Some(lang) = self.language {
            res.insert_header((header::CONTENT_LANGUAGE, lang))
                .insert_header((header::VARY, "Accept-Language"));
        }
        if let Some(tag) = self.etag {
            res.insert_header((header::ETAG, tag));
        }
        Some(res)
    }

    /// 304 with the tag, and (RFC 9110 §15.4.5) the `Vary` the 200 would have, so that a
    /// cache keeps one copy per language.
    fn not_modified(&self) -> HttpResponse {
        let mut res = HttpResponse::NotModified();
        res.insert_header((header::CACHE_CONTROL, self.cache));
        if let Some(tag) = self.etag {
            res.insert_header((header::ETAG, tag));
        }
        if self.language.is_some() {
            res.insert_header((header::VARY, "Accept-Language"));
        }
        res.finish()
    }
}

/// An answer that is not JSON (a CSV, an SVG chart, an HTML page), with the same headers
/// as [`Reply`]: `ETag` and 304, `Content-Language` + `Vary`, `Cache-Control`, and any
/// header of its own (`Content-Disposition`, `Content-Security-Policy`). The body is
/// rendered only when it is sent: a 304 renders nothing.
#[must_use]
pub struct Document {
    content_type: &'static str,
    render: Box<dyn FnOnce() -> String>,
    etag: Option<String>,
    language: Option<String>,
    private: bool,
    headers: Vec<(header::HeaderName, String)>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("content_type", &self.content_type)
            .field("etag", &self.etag)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl Document {
    /// 200 with the body `render` writes, of type `content_type`.
    pub fn ok(content_type: &'static str, render: impl FnOnce() -> String + 'static) -> Self {
        Self {
            content_type,
            render: Box::new(render),
            etag: None,
            language: None,
            private: false,
            headers: Vec::new(),
        }
    }

    /// Adds an entity tag.
    pub fn etag(mut self, tag: impl Into<String>) -> Self {
        self.etag = Some(tag.into());
        self
    }

    /// Names the body's language: `Content-Language` and `Vary: Accept-Language`.
    pub fn language(mut self, lang: impl Into<String>) -> Self {
        self.language = Some(lang.into());
        self
    }

    /// Figures about people: kept by no shared cache, revalidated by the reader's own
    /// (`Cache-Control: private, no-cache`).
    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }

    /// Adds a header of this answer's own.
    pub fn header(mut self, name: header::HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

impl Responder for Document {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        let head = Head {
            status: StatusCode::OK,
            etag: self.etag.as_deref(),
            language: self.language.as_deref(),
            cache: if self.private {
                "private, no-cache"
            } else {
                "no-cache"
            },
        };
        let Some(mut res) = head.start(req) else {
            return head.not_modified();
        };
        for (name, value) in self.headers {
            res.insert_header((name, value));
        }
        res.content_type(self.content_type).body((self.render)())
    }
}

impl<T: Serialize> Responder for Reply<T> {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        self.into_response(req)
            .unwrap_or_else(|err| actix_web::ResponseError::error_response(&err))
    }
}

impl<T: Serialize> Reply<Page<T>> {
    /// 200 with a page of localised items, naming the languages of their texts (no
    /// `Content-Language` for a page without any).
    pub fn localised_page(p: LocalisedPage<T>) -> Self {
        Self::ok(p.page).languages(&p.languages)
    }
}

/// 204 No Content: what a `DELETE` (or an action without a body) answers.
pub fn no_content() -> HttpResponse {
    HttpResponse::NoContent().finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;
    use actix_web::test::TestRequest;

    #[actix_web::test]
    async fn sends_the_headers_it_is_given() {
        let req = TestRequest::post().to_http_request();
        let res = Reply::created(serde_json::json!({"id": 1}), "/api/v1/things/1")
            .etag("\"t-1-v1\"")
            .language("fil")
            .respond_to(&req);
        assert_eq!(res.status(), StatusCode::CREATED);
        let h = res.headers();
        assert_eq!(h.get(header::LOCATION).unwrap(), "/api/v1/things/1");
        assert_eq!(h.get(header::ETAG).unwrap(), "\"t-1-v1\"");
        assert_eq!(h.get(header::CONTENT_LANGUAGE).unwrap(), "fil");
        assert_eq!(h.get(header::VARY).unwrap(), "Accept-Language");
        assert_eq!(
            to_bytes(res.into_body()).await.unwrap().as_ref(),
            b"{\"id\":1}"
        );
    }

    #[actix_web::test]
    async fn a_get_the_caller_has_is_304_and_a_write_never_is() {
        let get = TestRequest::get()
            .insert_header((header::IF_NONE_MATCH, "\"t-1-v1\""))
            .to_http_request();
        let res = Reply::ok(1).etag("\"t-1-v1\"").respond_to(&get);
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert!(!res.headers().contains_key(header::VARY));
        // A localised answer's 304 varies as its 200 does.
        let res = Reply::ok(1)
            .etag("\"t-1-v1\"")
            .language("fil")
            .respond_to(&get);
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(res.headers().get(header::VARY).unwrap(), "Accept-Language");
        assert_eq!(res.headers().get(header::ETAG).unwrap(), "\"t-1-v1\"");
        let patch = TestRequest::patch()
            .insert_header((header::IF_NONE_MATCH, "\"t-1-v1\""))
            .to_http_request();
        let res = Reply::ok(1).etag("\"t-1-v1\"").respond_to(&patch);
        assert_eq!(res.status(), StatusCode::OK);
    }

    #[actix_web::test]
    async fn a_document_has_the_same_headers_and_renders_nothing_for_a_304() {
        let req = TestRequest::get().to_http_request();
        let res = Document::ok("text/csv; charset=utf-8", || "a,b\r\n".to_owned())
            .etag("\"d-1-v2\"")
            .language("fil")
            .private()
            .header(header::CONTENT_DISPOSITION, "attachment")
            .respond_to(&req);
        assert_eq!(res.status(), StatusCode::OK);
        let h = res.headers();
        assert_eq!(
            h.get(header::CONTENT_TYPE).unwrap(),
            "text/csv; charset=utf-8"
        );
        assert_eq!(h.get(header::CONTENT_LANGUAGE).unwrap(), "fil");
        assert_eq!(h.get(header::VARY).unwrap(), "Accept-Language");
        assert_eq!(h.get(header::CACHE_CONTROL).unwrap(), "private, no-cache");
        assert_eq!(h.get(header::CONTENT_DISPOSITION).unwrap(), "attachment");
        assert_eq!(
            to_bytes(res.into_body()).await.unwrap().as_ref(),
            b"a,b\r\n"
        );
        let get = TestRequest::get()
            .insert_header((header::IF_NONE_MATCH, "\"d-1-v2\""))
            .to_http_request();
        let res = Document::ok("image/svg+xml", || unreachable!("a 304 renders nothing"))
            .etag("\"d-1-v2\"")
            .language("fil")
            .respond_to(&get);
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(res.headers().get(header::VARY).unwrap(), "Accept-Language");
    }

    #[actix_web::test]
    async fn private_answers_are_not_stored() {
        let req = TestRequest::get().to_http_request();
        let res = Reply::ok(1).private().respond_to(&req);
        assert_eq!(
            res.headers().get(header::CACHE_CONTROL).unwrap(),
            "no-store"
        );
    }
}
