//! Full-text search over thread titles and post bodies the caller may read.
//!
//! Rules decided here:
//! - `q` is read by `http::query::require_q`: control characters are refused (400 `control_characters`, as its documented pattern says), it is
//!   lower-cased, and 2 to 200 characters once trimmed (else 400 `invalid_query`, field
//!   `q`, like every other query-string problem). It is split into words at white space; every word must occur (in the thread title or the
//!   post body), the last may be the start of a word. Query-language syntax (quotes, `*`,
//!   `-`, `:`, `NEAR`, `OR`) is plain text. At most 16 words count.
//! - Only posts in communities the caller can read (`auth::policy::community::readable_sql`), not hidden,
//!   not deleted, in threads not deleted. `community_id` narrows to one community (404 or
//!   401 when the caller cannot read it).
//! - Order: posts whose thread title contains a word first, then relevance (bm25 with the
//!   title weighted 10 on SQLite, `ts_rank_cd` with the title at weight A on PostgreSQL),
//!   then post id. `limit` is 1 to 50; the cursor holds the last (rank, post id) and is
//!   tied to the `q` and `community_id` it was made for.
//! - Every match is ranked, however old (`repo::search_posts`): the engine ranks all
//!   matches and keeps the best few while it sorts; the reader's rights are then checked on
//!   those only, and more are fetched when too few are readable. So an old, better answer
//!   to a common word is found first. Pages never repeat a hit.
//! - `snippet` is HTML: the body around the matches, escaped, matches in `<mark>`.

pub mod dto;
pub mod handlers;
pub mod index;
pub mod repo;
pub mod service;

use actix_web::web;
use utoipa::OpenApi;

use crate::http::resource;

/// Search's HTTP surface.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/search/posts").get(handlers::search_posts));
}

/// Search's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(handlers::search_posts),
    components(schemas(
        dto::PostSearchHit,
        dto::SearchThread,
        dto::SearchCommunity,
        dto::SearchAuthor
    )),
    tags((name = "search", description = "Search across the communities the caller can read"))
)]
pub struct Api;
