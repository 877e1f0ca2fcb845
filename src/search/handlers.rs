//! HTTP handler of post search.

use actix_web::web;

use crate::auth::MaybeUser;
use crate::communities::access;
use crate::db::Db;
use crate::error::{ApiError, FieldError, Problem};
use crate::http::pagination::{Page, PageRequest};
use crate::search::dto::{
    PostSearchHit, SearchAuthor, SearchCommunity, SearchPostsQuery, SearchThread,
};
use crate::search::repo::{self, Hit, MARK_END, MARK_START, SearchQuery};

/// Largest search page.
pub const MAX_SEARCH_LIMIT: u32 = 50;
/// Shortest and longest query, in characters after trimming.
const Q_CHARS: (usize, usize) = (2, 200);

/// The raw snippet as HTML: every character escaped, the match markers turned into
/// balanced `<mark>` elements (stray markers in a post cannot unbalance them).
pub fn snippet_html(raw: &str) -> String {
    let mut html = String::with_capacity(raw.len() + 32);
    let mut open = false;
    for c in raw.chars() {
        match c {
            MARK_START if !open => {
                html.push_str("<mark>");
                open = true;
            }
            MARK_END if open => {
                html.push_str("</mark>");
                open = false;
            }
            MARK_START | MARK_END => {}
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => html.push(c),
        }
    }
    if open {
        html.push_str("</mark>");
    }
    html
}

/// The thread title as HTML like the snippet: escaped, with every word of the title that
/// starts with a word of the query (ignoring case) in `<mark>`, so that a hit found by its
/// title shows why.
pub fn title_html(title: &str, q: &str) -> String {
    let needles: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut marked = String::with_capacity(title.len() + 8);
    let mut word = String::new();
    let flush = |word: &mut String, marked: &mut String| {
        if word.is_empty() {
            return;
        }
        let lower = word.to_lowercase();
        if needles.iter().any(|n| lower.starts_with(n.as_str())) {
            marked.push(MARK_START);
            marked.push_str(word);
            marked.push(MARK_END);
        } else {
            marked.push_str(word);
        }
        word.clear();
    };
    for c in title.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut marked);
            if c != MARK_START && c != MARK_END {
                marked.push(c);
            }
        }
    }
    flush(&mut word, &mut marked);
    snippet_html(&marked)
}

/// The cursor remembers the query it was made for, so it is refused with another one.
fn cursor_sort(q: &str, community_id: Option<i64>) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (q, community_id).hash(&mut hasher);
    format!("search:{:016x}", hasher.finish())
}

fn to_response(hit: Hit, q: &str) -> PostSearchHit {
    PostSearchHit {
        post_id: hit.post_id,
        thread: SearchThread {
            id: hit.thread_id,
            title_html: title_html(&hit.thread_title, q),
            title: hit.thread_title,
            kind: hit.thread_kind,
        },
        community: SearchCommunity {
            id: hit.community_id,
            name: hit.community_name,
        },
        author: SearchAuthor {
            id: hit.author_id,
            display_name: hit.author_name,
        },
        snippet: snippet_html(&hit.snippet),
        created_at: hit.created_at.and_utc(),
        rank: hit.rank,
    }
}

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
        (status = 400, description = "`q` missing, shorter than 2 or longer than 200 characters; bad `limit` (1 to 50) or `cursor`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`q` shorter than 2 characters once the spaces around it are trimmed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`community_id` of a members-only community without a login", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`community_id` of no community the caller can read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search_posts(
    db: web::Data<Db>,
    user: MaybeUser,
    query: web::Query<SearchPostsQuery>,
) -> Result<web::Json<Page<PostSearchHit>>, ApiError> {
    let query = query.into_inner();
    // Control characters (a NUL cannot even reach PostgreSQL) separate words like spaces.
    let q: String = query
        .q
        .as_deref()
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned();
    let chars = q.chars().count();
    let raw_chars = query.q.as_deref().map(|q| q.chars().count());
    match raw_chars {
        None => return Err(ApiError::invalid_query("q", "required", "is required")),
        Some(n) if n < Q_CHARS.0 || n > Q_CHARS.1 => {
            return Err(ApiError::invalid_query(
                "q",
                "invalid_length",
                format!("must be {} to {} characters", Q_CHARS.0, Q_CHARS.1),
            ));
        }
        Some(_) => {}
    }
    if chars < Q_CHARS.0 || chars > Q_CHARS.1 {
        // Readable, but not a search: e.g. two spaces, which trim to nothing.
        return Err(ApiError::Validation(vec![FieldError::new(
            "q",
            "invalid_length",
            format!(
                "must be {} to {} characters, spaces around it not counted",
                Q_CHARS.0, Q_CHARS.1
            ),
        )]));
    }
    if query.limit.is_some_and(|l| l > MAX_SEARCH_LIMIT) {
        return Err(ApiError::invalid_query(
            "limit",
            "out_of_range",
            format!("must be between 1 and {MAX_SEARCH_LIMIT}"),
        ));
    }
    let community_id = query.community_id;
    let sort = cursor_sort(&q, community_id);
    let page = PageRequest::<f64>::parse(query.limit, query.cursor.as_deref(), &sort)?;
    let viewer = user.0;
    let page = db
        .read(move |conn| {
            if let Some(id) = community_id {
                access::load(conn, id, viewer.as_ref())?.require_read()?;
            }
            let hits = repo::search_posts(
                conn,
                &SearchQuery {
                    text: q.clone(),
                    viewer: viewer.map(|u| u.id),
                    community_id,
                    after: page.after,
                    limit: page.fetch_limit(),
                },
            )?;
            Ok(page.finish(hits, &sort, |h| (h.rank, h.post_id), |h| to_response(h, &q)))
        })
        .await?;
    Ok(web::Json(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_and_marked() {
        assert_eq!(
            snippet_html("a <script>\u{2}x\u{3}</script> & \"q\""),
            "a &lt;script&gt;<mark>x</mark>&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(snippet_html("\u{3}a\u{2}b\u{2}c"), "a<mark>bc</mark>");
    }

    #[test]
    fn titles_mark_the_words_of_the_query() {
        assert_eq!(
            title_html("Monsoon <outages> & monsoons", "monsoon OUT"),
            "<mark>Monsoon</mark> &lt;<mark>outages</mark>&gt; &amp; <mark>monsoons</mark>"
        );
        assert_eq!(title_html("Heat stress", "cold"), "Heat stress");
        assert_eq!(
            title_html("Pag-oorganisa", "oorg"),
            "Pag-<mark>oorganisa</mark>"
        );
    }
}
