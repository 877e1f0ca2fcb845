//! The one middleware that observes every request: request id, span, metrics,
//! access log, panic containment, problem+json for every error answer and a
//! Content-Security-Policy on every answer; and the deadline of request bodies.

use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::HttpMessage;
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures_util::Stream;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use futures_util::FutureExt;
use tracing::Instrument;

use crate::error::{ApiError, PROBLEM_JSON};
use crate::http::metrics::Metrics;
use crate::http::request_id;
use crate::state::AppState;

/// Wraps every request; see the module documentation.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let id = request_id::from_request(req.request());
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        http.method = %req.method(),
        http.path = %req.path(),
    );

    let scoped_id = id.clone();
    let handled = async move {
        let res = match AssertUnwindSafe(next.call(req)).catch_unwind().await {
            Ok(Ok(res)) => res.map_into_boxed_body(),
            Ok(Err(err)) => return Err(err),
            // Routes contain their panics (see `contain_panics`); this is the last resort for
            // other services. The panic hook has logged the panic, inside this span.
            Err(_) => return Err(ApiError::internal(anyhow::anyhow!("service panicked")).into()),
        };
        let mut res = ensure_problem(res);
        let status = res.status();
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        let elapsed = started.elapsed();
        if let Some(metrics) = metrics {
            metrics.observe(
                &route,
                res.request().method().as_str(),
                status.as_u16(),
                elapsed.as_secs_f64(),
            );
        }
        tracing::info!(
            http.status = status.as_u16(),
            http.route = %route,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request completed"
        );
        if let Ok(value) = HeaderValue::from_str(&id) {
            res.headers_mut()
                .insert(header::HeaderName::from_static(request_id::HEADER), value);
        }
        let docs = res.request().path().starts_with("/docs");
        content_policy(docs, res.headers_mut());
        Ok(res)
    };
    request_id::scope(scoped_id, handled.instrument(span)).await
}

/// The policy of the documentation page: its scripts, styles and the API document come from
/// this server only (Swagger UI sets inline styles and draws icons from `data:` images).
pub const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

/// The policy of every other answer: JSON needs nothing (a page that sets its own, like
/// the printable certificate, keeps it).
pub const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

fn content_policy(docs: bool, headers: &mut header::HeaderMap) {
    if docs {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOCS_POLICY),
        );
    } else if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_POLICY),
        );
    }
}

/// Gives the request body a deadline (`BAYANIHAN_BODY_TIMEOUT_SECS` from the start of the
/// request): a body trickled slower fails to read, which the JSON extractor answers with
/// 408 `body_timeout`, so that a slow client cannot hold a worker's request open forever.
pub async fn limit_body_time(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let inner = req.take_payload();
    // Most requests (GET, HEAD, DELETE) have no body: nothing to wrap on the hot path.
    if matches!(inner, Payload::None) {
        return next.call(req).await;
    }
    let timeout = req
        .app_data::<web::Data<AppState>>()
        .map_or(Duration::from_secs(60), |s| s.settings.body_timeout);
    let deadline = tokio::time::Instant::now() + timeout;
    req.set_payload(Payload::Stream {
        payload: Box::pin(Deadline {
            inner,
            deadline,
            sleep: None,
            expired: false,
        }),
    });
    next.call(req).await
}

/// A request body that fails with `TimedOut` once its deadline passes.
struct Deadline {
    inner: Payload,
    deadline: tokio::time::Instant,
    /// Made at the first read, so that requests whose body is never read pay nothing.
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    expired: bool,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_ready() {
            this.expired = true;
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body did not arrive in time",
            )))));
        }
        Poll::Pending
    }
}

/// Replaces any error answer that is not yet problem+json (actix's own 404,
/// 405, 413, ...) with a problem document, so that every error looks alike.
fn ensure_problem(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if is_problem {
        return res;
    }
    let api = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed {
            allow: String::new(),
        },
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::SERVICE_UNAVAILABLE => {
            ApiError::Unavailable("upstream answered 503".to_owned())
        }
        s if s.is_server_error() => ApiError::internal(anyhow::anyhow!("unhandled {s} answer")),
        _ => ApiError::bad_request("bad_request", "the request could not be processed"),
    };
    let (req, old) = res.into_parts();
    let mut new = api.to_response();
    // Keep headers such as `Allow` that explain the error.
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, new)
}

/// Answers 500 problem+json (with the request id) when a handler panics.
///
/// It wraps each resource rather than the app because the request may only be
/// cloned once routing has filled in its path parameters.
pub async fn contain_panics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let http_req = req.request().clone();
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(res) => res.map(ServiceResponse::map_into_boxed_body),
        // The panic hook has logged the panic, inside the request's span.
        Err(_) => Ok(ServiceResponse::new(
            http_req,
            ApiError::internal(anyhow::anyhow!("handler panicked")).to_response(),
        )),
    }
}
