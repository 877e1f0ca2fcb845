//! HTTP handler of post search.

use actix_web::web;

use crate::auth::MaybeUser;
use crate::db::Db;
use crate::error::{ApiError, Problem};
use crate::http::pagination::Page;
use crate::http::response::Reply;
use crate::search::dto::{PostSearchHit, SearchInput, SearchPostsQuery};
use crate::search::service;
use crate::state::AppState;

/// Searches thread titles and post bodies in the communities the caller can read; hidden
/// and deleted posts are left out. Every word must occur, the last may be the start of a
/// word; posts whose thread title matches come first, then by relevance.
#[utoipa::path(
    get,
    path = "/api/v1/search/posts",
    tag = "search",
    operation_id = "search_posts",
    security((), ("bearer" = [])),
    params(SearchPostsQuery),
    responses(
        (status = 200, description = "One page of hits, best first", body = Page<PostSearchHit>),
        (status = 400, description = "`invalid_query`: `q` missing, shorter than 2 characters (spaces around it not counted) or longer than 200; bad `limit` (1 to 50), `community_id` or `cursor`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`community_id` of a members-only community without a login", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`community_id` of no community the caller can read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search_posts(
    db: web::Data<Db>,
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<SearchPostsQuery>,
) -> Result<Reply<Page<PostSearchHit>>, ApiError> {
    let input = SearchInput::try_from(query.into_inner())?;
    let page = service::search_posts(&db, &state.search, user.0, input).await?;
    Ok(Reply::ok(page))
}
