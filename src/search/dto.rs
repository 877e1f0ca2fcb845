//! What the search endpoint reads and answers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::http::query::require_q;
use crate::search::repo::{Hit, MARK_END, MARK_START};
use crate::types::markdown::escape_html_into;
use crate::types::{CommunityId, PostId, ThreadId, UserId};

/// Largest search page.
pub const MAX_SEARCH_LIMIT: u32 = 50;
/// Shortest query, in characters once cleaned (the longest is `http::query::MAX_Q_CHARS`).
pub const MIN_Q_CHARS: usize = 2;

/// Query of `GET /api/v1/search/posts`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchPostsQuery {
    /// The words to find, 2 to 200 characters (spaces around them not counted). Every word
    /// must occur (in the thread title or the post body); the last one may be the start of
    /// a word. Quotes, `*`, `-`, `:` and operators are plain text.
    #[param(
        required = true,
        min_length = 2,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub q: Option<String>,
    /// Only this community.
    #[param(value_type = Option<i64>)]
    pub community_id: Option<CommunityId>,
    /// Page size, 1 to 50 (default 20).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (valid for the same `q` and `community_id`).
    pub cursor: Option<String>,
}

/// A search, checked: the cleaned words, where, and the page.
#[derive(Debug, Clone)]
pub struct SearchInput {
    /// `q` cleaned (`http::query::require_q`): words separated by single spaces, lower case.
    pub q: String,
    pub community_id: Option<CommunityId>,
    /// The cursor's sort name, bound to `q` and `community_id`.
    pub sort: String,
    pub page: PageRequest<f64>,
}

impl TryFrom<SearchPostsQuery> for SearchInput {
    type Error = ApiError;

    /// Every problem of the query string is 400 `invalid_query`, naming the parameter.
    fn try_from(query: SearchPostsQuery) -> Result<Self, ApiError> {
        let q = require_q(query.q.as_deref(), MIN_Q_CHARS)?;
        if query.limit.is_some_and(|l| l > MAX_SEARCH_LIMIT) {
            return Err(ApiError::invalid_query(
                "limit",
                "out_of_range",
                format!("must be between 1 and {MAX_SEARCH_LIMIT}"),
            ));
        }
        let sort = cursor_sort(&q, query.community_id);
        let page = PageRequest::<f64>::parse(query.limit, query.cursor.as_deref(), &sort)?;
        Ok(Self {
            q,
            community_id: query.community_id,
            sort,
            page,
        })
    }
}

/// The cursor remembers the query it was made for, so it is refused with another one.
fn cursor_sort(q: &str, community_id: Option<CommunityId>) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (q, community_id.map(CommunityId::get)).hash(&mut hasher);
    format!("search:{:016x}", hasher.finish())
}

/// The thread a hit is in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchThread {
    #[schema(value_type = i64)]
    pub id: ThreadId,
    pub title: String,
    /// The title as HTML: escaped, the words that start with a word of `q` in `<mark>`.
    pub title_html: String,
    /// `discussion` or `question`.
    pub kind: String,
}

/// The community a hit is in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchCommunity {
    #[schema(value_type = i64)]
    pub id: CommunityId,
    pub name: String,
}

/// The author of a hit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchAuthor {
    #[schema(value_type = i64)]
    pub id: UserId,
    pub display_name: String,
}

/// One post that matches.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostSearchHit {
    #[schema(value_type = i64)]
    pub post_id: PostId,
    pub thread: SearchThread,
    pub community: SearchCommunity,
    pub author: SearchAuthor,
    /// A piece of the body around the matches, as HTML: matches in `<mark>`, every other
    /// character escaped (the text is the Markdown as written, not rendered).
    pub snippet: String,
    pub created_at: DateTime<Utc>,
    /// Relevance, higher first; posts whose thread title matches come before the others.
    /// Only comparable within one search.
    pub rank: f64,
}

impl PostSearchHit {
    /// The answer for `hit`, a hit of the search for `q`.
    pub fn new(hit: Hit, q: &str) -> Self {
        Self {
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
}

/// The raw snippet as HTML: every character escaped, the match markers turned into
/// balanced `<mark>` elements (stray markers in a post cannot unbalance them).
pub fn snippet_html(raw: &str) -> String {
    let mut html = String::with_capacity(raw.len() + 32);
    let mut open = false;
    let mut buf = [0; 4];
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
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => escape_html_into(c.encode_utf8(&mut buf), &mut html),
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

    #[test]
    fn query_problems_are_400() {
        let query = |q: Option<&str>, limit| SearchPostsQuery {
            q: q.map(str::to_owned),
            community_id: None,
            limit,
            cursor: None,
        };
        for bad in [
            query(None, None),
            query(Some("a"), None),
            query(Some(" a  "), None),
            query(Some(&"x".repeat(201)), None),
            query(Some("ab"), Some(51)),
        ] {
            let err = SearchInput::try_from(bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    ApiError::BadRequest {
                        code: "invalid_query",
                        ..
                    }
                ),
                "{err:?}"
            );
        }
        let ok = SearchInput::try_from(query(Some("  Heat\tStress "), Some(50)));
        assert!(ok.is_err(), "a tab is a control character");
        let ok = SearchInput::try_from(query(Some("  Heat   Stress "), Some(50))).unwrap();
        assert_eq!(ok.q, "heat stress");
    }
}

#[cfg(test)]
mod q_pattern_tests {
    #[test]
    fn the_documented_pattern_is_the_kernels() {
        let doc = crate::openapi::document();
        let json = serde_json::to_value(&doc).unwrap_or_default();
        let params = &json["paths"]["/api/v1/search/posts"]["get"]["parameters"];
        let q = params
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == "q"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            q["schema"]["pattern"],
            crate::http::query::REQUIRED_Q_PATTERN,
            "{q}"
        );
    }
}
