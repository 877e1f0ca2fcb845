//! Post search for one caller: the communities they read, the page they asked for.
//!
//! Unlike other use cases, a search is not one closure over one connection: the database is
//! read in short steps and the index's work (applying changes, committing, ranking) runs
//! between them on the blocking pool, holding no pooled connection (`search/mod.rs`).

use std::sync::Arc;

use crate::auth::AuthUser;
use crate::communities::service::access;
use crate::db::{Db, DbConn};
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::search::dto::{PostSearchHit, SearchInput};
use crate::search::index::{SearchIndex, Seen};
use crate::search::repo::{self, FIRST_FETCH, SearchQuery};

/// The first, short read: narrowed to a community, the caller must read it (401
/// `login_required` or 404 otherwise); then what the change log holds that the index may
/// not have applied yet.
pub fn prepare(
    conn: &mut DbConn,
    index: &SearchIndex,
    viewer: Option<&AuthUser>,
    input: &SearchInput,
) -> Result<Seen, ApiError> {
    if let Some(id) = input.community_id {
        access(conn, id, viewer)?.require_read()?;
    }
    Ok(index.seen(conn)?)
}

/// The posts matching `input` that `viewer` may read, best first: the access check and the
/// log in one short read; the index caught up with every change committed before the
/// search started (`SearchIndex::catch_up`); the best `k` matches ranked off the database;
/// then the rights on those and the page's details in one short read. When fewer than the
/// page are readable and there were more matches, `k` grows fourfold and the ranking runs
/// again: the answer is exactly the best readable matches, and in the common case (most
/// matches readable) one ranking and one check suffice.
pub async fn search_posts(
    db: &Db,
    index: &Arc<SearchIndex>,
    viewer: Option<AuthUser>,
    input: SearchInput,
) -> Result<Page<PostSearchHit>, ApiError> {
    let words: Vec<String> = repo::words(&input.q)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let query = SearchQuery {
        text: input.q.clone(),
        viewer: viewer.as_ref().map(|u| u.id),
        community_id: input.community_id,
        after: input.page.after,
        limit: input.page.fetch_limit(),
    };
    let (reading, asked) = (Arc::clone(index), input.clone());
    let seen = db
        .read(move |conn| prepare(conn, &reading, viewer.as_ref(), &asked))
        .await?;
    let hits = if words.is_empty() || query.limit <= 0 {
        Vec::new()
    } else {
        index.catch_up(db, &seen).await?;
        let words = Arc::new(words);
        let after = query.after.unwrap_or((f64::INFINITY, 0));
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        let mut k = limit.saturating_mul(FIRST_FETCH);
        loop {
            let best = index
                .rank(Arc::clone(&words), query.community_id, after, k)
                .await?;
            let exhausted = best.len() < k;
            let asked = query.clone();
            let page = db
                .read(move |conn| repo::page_of(conn, &asked, &best, exhausted))
                .await?;
            if let Some(page) = page {
                break page;
            }
            k = k.saturating_mul(4);
        }
    };
    Ok(input.page.finish(
        hits,
        &input.sort,
        |h| (h.rank, h.post_id.get()),
        |h| PostSearchHit::new(h, &input.q),
    ))
}
