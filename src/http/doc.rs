//! Answers and headers that many operations document alike, written once for their
//! `#[utoipa::path]` attributes: `responses(NotLoggedIn, …)`, `params(ConditionalRead, …)`.
//! An answer whose meaning differs per operation keeps its own tuple and description.

use utoipa::IntoParams;

/// Declares unit-like answer types, each one problem+json response with a fixed status and
/// description.
macro_rules! problem_answers {
    ($($(#[$doc:meta])* $name:ident = ($status:literal, $description:literal);)+) => {$(
        $(#[$doc])*
        #[derive(utoipa::IntoResponses)]
        #[response(status = $status, description = $description, content_type = "application/problem+json")]
        pub struct $name(pub $crate::error::Problem);
    )+};
}
pub(crate) use problem_answers;

problem_answers! {
    /// 401: the operation needs a logged-in caller (`login_required`, `invalid_token`).
    NotLoggedIn = (401, "Not logged in");
    /// 400: the JSON body could not be read.
    UnreadableBody = (400, "Unreadable body or unknown field");
    /// 400: `lang` is not a language tag.
    BadLang = (400, "`lang` is not a language tag");
    /// 400: a list's `cursor` or `limit` is not one it gave or accepts.
    BadPage = (400, "Bad cursor or limit");
    /// 400: a list's filter, `cursor` or `limit` is not one it accepts.
    BadFilter = (400, "Bad filter, cursor or limit");
    /// 412: `If-Match` names another version than the stored one.
    PreconditionFailed = (412, "`precondition_failed`");
    /// 422: some fields are invalid; each is named.
    InvalidFields = (422, "Invalid fields");
    /// 403: community moderation needs a moderator of the community.
    NotAModerator = (403, "`not_a_moderator`");
    /// 403: community participation needs a current, unbanned member.
    NotAMember = (403, "`not_a_member` or `banned`");
    /// 403: the directory and staff views need a coordinator or an admin.
    NotCoordinator = (403, "Not a coordinator or admin");
    /// 429: the caller already has as many uploads in progress as one account may.
    UploadsInProgress = (429, "`too_many_uploads`: the account has 2 uploads in progress; send the next when one is done");
    /// 503 of an upload: the storage failed, or every upload slot is taken.
    UploadUnavailable = (503, "`service_unavailable`: the file storage (disk or S3) failed, nothing was kept; or `overloaded` (with `Retry-After`): the server receives as many uploads as it may at once");
    /// 404: the community is unknown, or private and the caller is not in it.
    NoSuchCommunity = (404, "No such community, or a private one the caller is not in");
}

/// 200, 201 and 400 of `PUT …/translations/{language}`: the resource `T` in the language
/// written, created (with its `Location` in that language) or replaced.
#[derive(utoipa::IntoResponses)]
pub enum TranslationWritten<T: utoipa::ToSchema> {
    /// Replaced (or unchanged); the resource in that language
    #[response(
        status = 200,
        headers(
            ("ETag" = String, description = "Entity tag of the resource's version"),
            ("Content-Language" = String, description = "The language written"),
        )
    )]
    Replaced(T),
    /// Created; the resource in that language
    #[response(
        status = 201,
        headers(
            ("Location" = String, description = "The resource in that language"),
            ("ETag" = String, description = "Entity tag of the resource's new version"),
            ("Content-Language" = String, description = "The language written"),
        )
    )]
    Created(T),
    /// Unreadable body, unknown field or bad language tag
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(crate::error::Problem),
}

/// 304: the copy named in `If-None-Match` is still current (no body).
#[derive(utoipa::IntoResponses)]
#[response(
    status = 304,
    description = "Not modified since the ETag in If-None-Match"
)]
pub struct NotModified;

/// `Accept-Language` on a localised read.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ReaderLanguage {
    /// The reader's languages, with q-values; `lang` overrides it, and without either a logged-in reader's `preferred_language` applies
    #[param(rename = "Accept-Language")]
    pub accept_language: Option<String>,
}

/// `Accept-Language` on a write that answers with localised texts.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct AnswerLanguage {
    /// The languages to answer in, with q-values; `lang` overrides it
    #[param(rename = "Accept-Language")]
    pub accept_language: Option<String>,
}

/// `If-None-Match` on a read that answers with an `ETag`.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfNoneMatch {
    /// The `ETag` of the copy the caller has: 304 when it is still current
    #[param(rename = "If-None-Match")]
    pub if_none_match: Option<String>,
}
