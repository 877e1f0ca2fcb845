//! Post search for one caller: the communities they read, the page they asked for.

use crate::auth::AuthUser;
use crate::communities::service::access;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::search::dto::{PostSearchHit, SearchInput};
use crate::search::index::SearchIndex;
use crate::search::repo::{self, SearchQuery};

/// The posts matching `input` that `viewer` may read, best first. Narrowed to a community,
/// the caller must read it (401 `login_required` or 404 otherwise).
pub fn search_posts(
    conn: &mut DbConn,
    index: &SearchIndex,
    viewer: Option<&AuthUser>,
    input: &SearchInput,
) -> Result<Page<PostSearchHit>, ApiError> {
    if let Some(id) = input.community_id {
        access(conn, id, viewer)?.require_read()?;
    }
    let hits = repo::search_posts(
        conn,
        index,
        &SearchQuery {
            text: input.q.clone(),
            viewer: viewer.map(|u| u.id),
            community_id: input.community_id,
            after: input.page.after,
            limit: input.page.fetch_limit(),
        },
    )?;
    Ok(input.page.finish(
        hits,
        &input.sort,
        |h| (h.rank, h.post_id.get()),
        |h| PostSearchHit::new(h, &input.q),
    ))
}
