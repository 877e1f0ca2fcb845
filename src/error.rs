//! One error type for the whole API, written as RFC 9457 problem details.

use std::fmt;

use actix_web::{HttpRequest, HttpResponse, ResponseError, http::StatusCode, http::header};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::request_id;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request, inside a problem's `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field (or query parameter) at fault.
    pub field: String,
    /// Stable snake_case code for the fault.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Collects field errors, to answer them all at once.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    /// Records the error of `result`, if any.
    pub fn check<T, E: Into<String>>(
        &mut self,
        field: &str,
        code: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.0.push(FieldError::new(field, code, message.into()));
                None
            }
        }
    }

    /// Checks an optional value; `None` stays `None`.
    pub fn check_opt<T, R: ?Sized>(
        &mut self,
        field: &str,
        code: &str,
        raw: Option<&R>,
        parse: impl Fn(&R) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match raw {
            Some(raw) => self.check(field, code, parse(raw)).map(Some),
            None => Some(None),
        }
    }

    /// Whether `raw` holds at most `max` characters as sent; records `too_long` on `field`
    /// when not. Secrets and addresses are measured before anything else reads them.
    pub fn fits(&mut self, field: &str, raw: &str, max: usize) -> bool {
        self.check(
            field,
            "too_long",
            crate::types::text::at_most_chars(raw, max),
        )
        .is_some()
    }

    /// Whether a list of `len` items holds at most `max`; records `code` on `field` when not.
    /// Ask this before any per-item work, so that an oversized list costs nothing more.
    pub fn at_most(&mut self, field: &str, code: &str, len: usize, max: usize) -> bool {
        if len <= max {
            return true;
        }
        self.push(
            field,
            code,
            format!("must hold at most {max} items, not {len}"),
        );
        false
    }

    /// Whether `ids` holds at most `max` items (`too_many_items`) and each once
    /// (`duplicate_item`); records the error on `field` when not. Linear in the list, which
    /// is measured first.
    pub fn distinct<T: Eq + std::hash::Hash>(
        &mut self,
        field: &str,
        ids: &[T],
        max: usize,
    ) -> bool {
        if !self.at_most(field, "too_many_items", ids.len(), max) {
            return false;
        }
        let mut seen = std::collections::HashSet::with_capacity(ids.len());
        if ids.iter().all(|id| seen.insert(id)) {
            return true;
        }
        self.push(field, "duplicate_item", "names an item more than once");
        false
    }

    /// Records an error.
    pub fn push(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// 422 with every error recorded, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

impl Fields {
    /// Records `error`.
    pub fn add(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `value` when no error was recorded, else 422 with every error: the end of a
    /// `TryFrom` that parses a request body.
    pub fn finish_with<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, ApiError> {
        self.finish()?;
        value().ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("a field was missing without an error"))
        })
    }
}

/// RFC 9457 problem details, as every error answer carries it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`; `code` says what went wrong.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the status.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Stable snake_case identifier clients can switch on.
    pub code: String,
    /// Explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The id of the request, to quote when reporting a server error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Invalid fields, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request could not be read (bad JSON, bad query or path, bad cursor).
    #[error("bad request: {detail}")]
    BadRequest {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// The request was readable but some values are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Missing, invalid or expired credentials.
    #[error("unauthorized: {code}")]
    Unauthorized { code: &'static str, detail: String },
    /// Authenticated, but not allowed to do this.
    #[error("forbidden: {code}")]
    Forbidden { code: &'static str, detail: String },
    /// No route, or no object the caller may know about.
    #[error("not found")]
    NotFound,
    /// The route exists but not for this method; `allow` lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    /// The change conflicts with the current state (duplicate, wrong state).
    #[error("conflict: {detail}")]
    Conflict { code: &'static str, detail: String },
    /// `If-Match` names a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed,
    /// Too many attempts; retry after the given seconds.
    #[error("rate limited")]
    RateLimited { retry_after: u64 },
    /// The request body is larger than allowed.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The request body did not arrive within the time allowed (`BAYANIHAN_BODY_TIMEOUT_SECS`).
    #[error("request body timed out")]
    BodyTimeout,
    /// The request body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// Too much work queued (e.g. password hashing); retry after the given seconds.
    #[error("overloaded")]
    Overloaded { retry_after: u64 },
    /// The database is unreachable or every connection is busy.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A write failed because the database or its disk is full; nothing was changed.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// A client error with a status of its own (410 gone, 413 or 415 with a specific code).
    #[error("{code}: {detail}")]
    Status {
        status: u16,
        code: &'static str,
        detail: String,
    },
    /// Anything unexpected: logged with the request id, never shown.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ApiError {
    /// A 400 with a stable code and a message.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A 400 about one query parameter.
    pub fn invalid_query(field: &str, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::BadRequest {
            code: "invalid_query",
            detail: format!("query parameter `{field}` is invalid: {message}"),
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    /// A 401 with a stable code.
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Unauthorized {
            code,
            detail: detail.into(),
        }
    }

    /// A 403 with a stable code.
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            detail: detail.into(),
        }
    }

    /// A 422 about one field.
    pub fn invalid_field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// A 500 from any error (a 503 `storage_full` when it is a database error saying the
    /// storage is full).
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        let err = err.into();
        match err.downcast_ref::<diesel::result::Error>() {
            Some(db) if crate::db::is_storage_full(db) => Self::StorageFull(format!("{err:#}")),
            _ => Self::Internal(err),
        }
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Conflict { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Status { code, .. } => code,
            Self::PreconditionFailed => "precondition_failed",
            Self::RateLimited { .. } => "rate_limited",
            Self::Overloaded { .. } => "overloaded",
            Self::Validation(_) => "validation_failed",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::BodyTimeout => "body_timeout",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Unavailable(_) => "service_unavailable",
            Self::StorageFull(_) => "storage_full",
            Self::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            Self::BadRequest { detail, .. }
            | Self::Conflict { detail, .. }
            | Self::Unauthorized { detail, .. }
            | Self::Forbidden { detail, .. }
            | Self::Status { detail, .. } => Some(detail.clone()),
            Self::PreconditionFailed => Some(
                "the resource changed since you read it (If-Match); read it again and retry"
                    .to_owned(),
            ),
            Self::RateLimited { retry_after: 1 } => {
                Some("too many attempts; retry in 1 second".to_owned())
            }
            Self::RateLimited { retry_after } => {
                Some(format!("too many attempts; retry in {retry_after} seconds"))
            }
            Self::Overloaded { .. } => Some("the server is busy, retry shortly".to_owned()),
            Self::Validation(errors) => Some(match errors.len() {
                1 => "1 field is invalid".to_owned(),
                n => format!("{n} fields are invalid"),
            }),
            Self::NotFound => Some("the requested resource does not exist".to_owned()),
            Self::MethodNotAllowed { .. } => {
                Some("this method is not allowed on this resource".to_owned())
            }
            Self::PayloadTooLarge => Some("the request body is too large".to_owned()),
            Self::BodyTimeout => {
                Some("the request body did not arrive in time; send it again".to_owned())
            }
            Self::UnsupportedMediaType => {
                Some("the request body must be application/json".to_owned())
            }
            Self::Unavailable(_) => {
                Some("the service is temporarily unavailable, retry later".to_owned())
            }
            Self::StorageFull(_) => {
                Some("the server's storage is full; nothing was changed, retry later".to_owned())
            }
            Self::Internal(_) => None,
        }
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let errors = match self {
            Self::BadRequest { errors, .. } | Self::Validation(errors) => errors.clone(),
            _ => Vec::new(),
        };
        let request_id = match self {
            Self::Internal(_) | Self::Unavailable(_) | Self::StorageFull(_) => {
                request_id::current()
            }
            _ => None,
        };
        Problem {
            kind: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            code: self.code().to_owned(),
            detail: self.detail(),
            request_id,
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable(_) | Self::StorageFull(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Status { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST)
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            // Logged here, once, inside the request's span (which carries the request id).
            Self::Internal(err) => tracing::error!(error = %format!("{err:#}"), "internal error"),
            Self::Unavailable(cause) => tracing::warn!(error = %cause, "service unavailable"),
            Self::StorageFull(cause) => {
                tracing::error!(error = %cause, "storage full: the database cannot take writes")
            }
            _ => {}
        }
        self.to_response()
    }
}

impl ApiError {
    /// The problem+json answer, without logging the cause.
    pub fn to_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::Unavailable(_) => {
                res.insert_header((header::RETRY_AFTER, "5"));
            }
            Self::StorageFull(_) => {
                res.insert_header((header::RETRY_AFTER, STORAGE_FULL_RETRY_AFTER));
            }
            Self::RateLimited { retry_after } | Self::Overloaded { retry_after } => {
                res.insert_header((header::RETRY_AFTER, retry_after.max(&1).to_string()));
            }
            Self::Unauthorized { code, .. } => {
                let value = if *code == "login_required" {
                    "Bearer realm=\"bayanihan\"".to_owned()
                } else {
                    format!(
                        "Bearer realm=\"bayanihan\", error=\"invalid_token\", error_description=\"{code}\""
                    )
                };
                res.insert_header((header::WWW_AUTHENTICATE, value));
            }
            Self::MethodNotAllowed { allow } if !allow.is_empty() => {
                res.insert_header((header::ALLOW, allow.as_str()));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

/// Seconds a client is asked to wait after `storage_full`: freeing space takes an operator.
pub const STORAGE_FULL_RETRY_AFTER: &str = "60";

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Self::Conflict {
                code: "already_exists",
                detail: "a resource with these values already exists".to_owned(),
            },
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => Self::Conflict {
                code: "conflicting_reference",
                detail: "the change refers to a resource that does not exist or is still in use"
                    .to_owned(),
            },
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            ref full if crate::db::is_storage_full(full) => Self::StorageFull(full.to_string()),
            other => Self::Internal(other.into()),
        }
    }
}

impl ApiError {
    /// Maps a unique violation to `conflict` (a concurrent write slipped past the check the
    /// service made first), and any other database error as usual:
    /// `repo::insert(..).map_err(ApiError::unique_or(email_taken))`.
    pub fn unique_or(conflict: fn() -> Self) -> impl FnOnce(diesel::result::Error) -> Self {
        move |err| match err {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => conflict(),
            other => other.into(),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(err: r2d2::Error) -> Self {
        // The pool timed out: every connection is busy or the database is unreachable.
        Self::Unavailable(err.to_string())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.code)
    }
}

/// Routes actix's JSON body errors into problem details.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => ApiError::PayloadTooLarge,
        E::ContentType => ApiError::UnsupportedMediaType,
        E::Payload(actix_web::error::PayloadError::Io(e))
            if e.kind() == std::io::ErrorKind::TimedOut =>
        {
            ApiError::BodyTimeout
        }
        E::Deserialize(e) if e.is_data() => {
            let msg = e.to_string();
            if msg.starts_with("unknown field") {
                ApiError::bad_request("unknown_field", msg)
            } else {
                ApiError::bad_request("invalid_body", msg)
            }
        }
        E::Deserialize(e) => {
            ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
        }
        other => ApiError::bad_request("invalid_body", other.to_string()),
    };
    api.into()
}

/// Routes actix's query-string errors into problem details.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    let msg = match &err {
        actix_web::error::QueryPayloadError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    ApiError::BadRequest {
        code: "invalid_query",
        detail: format!("the query string is invalid: {msg}"),
        errors: Vec::new(),
    }
    .into()
}

/// Routes actix's path-parameter errors into problem details.
pub fn path_error(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    // Every path parameter of the API is an id or a language tag; name the one at fault,
    // as a query or body error would.
    let field = req
        .match_info()
        .iter()
        .find(|(name, value)| {
            (*name == "id" || name.ends_with("_id")) && !value.parse::<i64>().is_ok_and(|v| v > 0)
        })
        .map(|(name, _)| name.to_owned());
    let msg = match &err {
        actix_web::error::PathError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    match field {
        Some(field) => ApiError::BadRequest {
            code: "invalid_path",
            detail: format!("path parameter `{field}` is not an id"),
            errors: vec![FieldError::new(
                field,
                "invalid_id",
                "must be a positive whole number",
            )],
        },
        None => ApiError::bad_request(
            "invalid_path",
            format!("a path parameter is invalid: {msg}"),
        ),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_status_and_code() {
        let cases: Vec<(ApiError, u16, &str)> = vec![
            (
                ApiError::bad_request("malformed_json", "x"),
                400,
                "malformed_json",
            ),
            (
                ApiError::Validation(vec![FieldError::new("a", "b", "c")]),
                422,
                "validation_failed",
            ),
            (ApiError::NotFound, 404, "not_found"),
            (
                ApiError::unauthorized("invalid_token", "x"),
                401,
                "invalid_token",
            ),
            (ApiError::forbidden("forbidden", "x"), 403, "forbidden"),
            (ApiError::PreconditionFailed, 412, "precondition_failed"),
            (
                ApiError::RateLimited { retry_after: 3 },
                429,
                "rate_limited",
            ),
            (ApiError::Overloaded { retry_after: 1 }, 503, "overloaded"),
            (
                ApiError::MethodNotAllowed {
                    allow: "GET".into(),
                },
                405,
                "method_not_allowed",
            ),
            (
                ApiError::Conflict {
                    code: "already_exists",
                    detail: "d".into(),
                },
                409,
                "already_exists",
            ),
            (ApiError::PayloadTooLarge, 413, "payload_too_large"),
            (ApiError::BodyTimeout, 408, "body_timeout"),
            (
                ApiError::UnsupportedMediaType,
                415,
                "unsupported_media_type",
            ),
            (
                ApiError::Unavailable("down".into()),
                503,
                "service_unavailable",
            ),
            (
                ApiError::internal(anyhow::anyhow!("secret cause")),
                500,
                "internal_error",
            ),
            (ApiError::StorageFull("disk".into()), 503, "storage_full"),
        ];
        for (err, status, code) in cases {
            assert_eq!(err.status_code().as_u16(), status, "{err:?}");
            assert_eq!(err.code(), code);
            let problem = err.problem();
            assert_eq!(problem.status, status);
            assert_eq!(problem.code, code);
        }
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let err = ApiError::internal(anyhow::anyhow!("password=hunter2 at db.example"));
        let body = serde_json::to_string(&err.problem()).unwrap();
        assert!(!body.contains("hunter2"), "{body}");
        assert!(!body.contains("db.example"), "{body}");
    }

    #[test]
    fn a_unique_violation_can_name_its_own_conflict() {
        let taken = || ApiError::Conflict {
            code: "email_taken",
            detail: "taken".to_owned(),
        };
        let unique = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_owned()),
        );
        assert_eq!(ApiError::unique_or(taken)(unique).code(), "email_taken");
        let missing = ApiError::unique_or(taken)(diesel::result::Error::NotFound);
        assert!(matches!(missing, ApiError::NotFound));
    }

    #[test]
    fn database_errors_map_to_client_errors_where_they_can() {
        assert!(matches!(
            ApiError::from(diesel::result::Error::NotFound),
            ApiError::NotFound
        ));
        let unique = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_owned()),
        );
        assert_eq!(ApiError::from(unique).status_code(), StatusCode::CONFLICT);
        let other = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::Unknown,
            Box::new("syntax error near SELECT".to_owned()),
        );
        let err = ApiError::from(other);
        assert_eq!(err.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            !serde_json::to_string(&err.problem())
                .unwrap()
                .contains("SELECT")
        );
    }

    #[test]
    fn a_full_database_or_disk_is_a_503_storage_full_with_retry_after() {
        use diesel::result::{DatabaseErrorKind, Error};
        let full = |kind, message: &str| Error::DatabaseError(kind, Box::new(message.to_owned()));
        let cases = [
            // SQLite's SQLITE_FULL.
            full(DatabaseErrorKind::Unknown, "database or disk is full"),
            // PostgreSQL's disk_full (53100), from relation extension and from temp files.
            full(
                DatabaseErrorKind::Unknown,
                "could not extend file \"base/16384/16385\": No space left on device",
            ),
            full(
                DatabaseErrorKind::Unknown,
                "could not write to file \"base/pgsql_tmp/pgsql_tmp123.0\": No space left on device",
            ),
        ];
        for err in cases {
            let api = ApiError::from(err);
            assert_eq!(api.code(), "storage_full", "{api:?}");
            let res = api.to_response();
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(res.headers().get(header::RETRY_AFTER).unwrap(), "60");
            let body = serde_json::to_string(&api.problem()).unwrap();
            assert!(!body.contains("base/16384"), "{body}");
        }
        // Wrapped in anyhow on the way, it is still recognised.
        let wrapped =
            ApiError::internal(full(DatabaseErrorKind::Unknown, "database or disk is full"));
        assert_eq!(wrapped.code(), "storage_full");
        // Other errors that mention files are not.
        let other = ApiError::from(full(
            DatabaseErrorKind::Unknown,
            "could not open file \"x\"",
        ));
        assert_eq!(other.code(), "internal_error");
    }
}
