//! Full-text search over thread titles and post bodies the caller may read.
//!
//! Rules decided here:
//! - `q` is read by `http::query::require_q`: control characters are refused (400 `control_characters`, as its documented pattern says), it is
//!   lower-cased, and 2 to 200 characters once trimmed (else 400 `invalid_query`, field
//!   `q`, like every other query-string problem). It is split into words at white space; every word must occur (in the thread title or the
//!   post body), the last may be the start of a word. Query-language syntax (quotes, `*`,
//!   `-`, `:`, `NEAR`, `OR`) is plain text. At most 16 words count.
//! - Only posts in communities the caller can read (`auth::policy::community::readable`), not hidden,
//!   not deleted, in threads not deleted. `community_id` narrows to one community (404 or
//!   401 when the caller cannot read it).
//! - Order: posts whose thread title contains a word first, then relevance (bm25 over the
//!   thread title, weighted 10, and the body; the title counts for the opening post only),
//!   then post id. `limit` is 1 to 50; the cursor holds the last (rank, post id) and is
//!   tied to the `q` and `community_id` it was made for. Words are split at every
//!   character that is not a letter or digit, lower-cased and accent-folded, the same on
//!   both databases; a word of several pieces (`it's`) is a phrase.
//! - Every match is ranked, however old: the index ranks all matches and keeps the best
//!   few while it collects; the reader's rights are then checked on those only, and more
//!   are fetched when too few are readable. So an old, better answer to a common word is
//!   found first. Pages never repeat a hit.
//!
//! The index (`index.rs`, Tantivy) and how it stays true:
//! - The database is the truth; the index is derived, and each server instance keeps its
//!   own, on disk (`BAYANIHAN_SEARCH_DIR`, `search/` in the data folder by default;
//!   memory-mapped, with a 20 MB writer heap and one merge thread). It holds one document
//!   per live post (id, community, thread title on the opening post, body), nothing stored.
//! - Every write that changes what it holds logs the post's id in `search_changes(seq,
//!   post_id)` in the same transaction, through triggers on `posts` (insert; body, hidden,
//!   deleted, thread, community changed; delete, including the cascades of a thread or
//!   community deleted) and `threads` (title: the opening post; deleted: all its posts).
//!   Triggers rather than calls in forums, moderation and communities: no write path, the
//!   seed's bulk inserts included, can forget them. The databases' own full-text search
//!   of posts (SQLite's FTS5 `post_search`, PostgreSQL's `posts.search_vector`) and their
//!   triggers are gone (migration 000075): the index replaced them.
//! - A search runs in steps, and holds a pooled connection only while it reads: (1) one
//!   short read checks `community_id` and reads the log after the instance's watermark
//!   (one indexed read, nothing more when nothing is new); (2) when it saw changes the index
//!   does not hold yet, it waits for a *round* that applies them: one round at a time per
//!   instance reads the log and the changed posts' current state in a short read, gives the
//!   connection back, replaces the posts' documents and commits once on the blocking pool;
//!   searches that arrive meanwhile wait for that round and re-check when it ends (at most
//!   one more round runs for all of them), and a search whose changes are already applied
//!   does not wait at all; (3) the best matches are ranked on the blocking pool, outside any
//!   connection, at most one ranking per CPU at once (the others wait for a permit,
//!   `SearchIndex::rank`); (4) one short read checks the reader's rights on them and reads
//!   the page.
//! - Freshness: a search waits for every change committed before it started (its read of
//!   the log sees them; it ranks only once a round that applied them has ended), through
//!   any instance: a post is found by the next search after its creation answered 201. A
//!   change committed while a search is under way may or may not be in its answer.
//! - On PostgreSQL a sequence number is taken before its transaction commits, so a later
//!   number can be seen before an earlier one: a hole below the newest row is kept open
//!   (its rows re-read) for 60 s before the watermark passes it (a rolled-back write).
//! - Commits are not synced one by one (`lazy_dir`: about ten fsyncs each): the index's
//!   writes are put on disk every 2 s by a background task. A power cut may lose those
//!   seconds; the watermark is the payload of each commit, so an index that comes back
//!   older applies the changes after it again from the log, and an index left unsynced
//!   (a marker file says so) is checked at start and rebuilt if a file is damaged.
//! - At start an index that is missing, unreadable, of another schema, or whose watermark
//!   the log does not cover (past its last row: another or a restored database; before its
//!   first: rows pruned) is rebuilt from the database, and `bayanihan search-rebuild`
//!   rebuilds it on demand (with that instance stopped).
//! - The log is pruned (`changes`): every minute each instance reports the position its
//!   index holds on disk (`search_instances`) and deletes the rows below the lowest position
//!   of the instances heard from within the hour, in the background. An instance silent
//!   for longer is forgotten; when it comes back behind the log, it rebuilds (at start, or
//!   at its next report while running).
//! - Readability is checked in the database on the few best hits (live post and thread,
//!   `auth::policy::community::readable`), not filtered in the index: who may read a
//!   community changes with memberships, roles and visibility, which the index would have
//!   to follow for every post of the community; the check is one query on a page's worth
//!   of ids. Hidden and deleted posts are not in the index, so they cost nothing.
//!   `community_id` narrows in the index (the community is indexed).
//! - `snippet` is HTML: up to 24 words of the body around the most matches, escaped,
//!   matches in `<mark>` (made from the body read from the database, `index::snippet`).
//! - The last word's prefix is ranked by bm25 over its first 64 completions; beyond those,
//!   the other completions still match but add nothing to the rank.

pub mod changes;
pub mod dto;
pub mod handlers;
pub mod index;
pub mod lazy_dir;
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

/// How often the index's writes are put on disk (`lazy_dir`): at most this much of the
/// index is lost at a power cut, and applied again from the log at the next start.
pub const SYNC_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

/// Starts the index's upkeep, off the requests: its writes synced every [`SYNC_INTERVAL`];
/// every `changes::REPORT_INTERVAL`, the instance's durable position reported and the change
/// log pruned below every live instance's (`changes`). Stops when the index is dropped.
pub fn spawn_upkeep(db: crate::db::Db, index: &std::sync::Arc<index::SearchIndex>) {
    let index = std::sync::Arc::downgrade(index);
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(SYNC_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_report: Option<tokio::time::Instant> = None;
        loop {
            ticker.tick().await;
            let Some(index) = index.upgrade() else { return };
            let syncing = std::sync::Arc::clone(&index);
            match web::block(move || syncing.checkpoint()).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => {
                    tracing::warn!(error = %err, "search index: sync failed; will retry")
                }
                Err(err) => tracing::warn!(error = %err, "search index: sync failed; will retry"),
            }
            if last_report.is_some_and(|at| at.elapsed() < changes::REPORT_INTERVAL) {
                continue;
            }
            last_report = Some(tokio::time::Instant::now());
            match index.report_and_prune(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(search.pruned = n, "search change log pruned"),
                Err(err) => {
                    tracing::warn!(error = %err, "search change log: report or prune failed; will retry");
                }
            }
        }
    });
}
