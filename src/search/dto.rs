//! What the search endpoint reads and answers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Query of `GET /api/v1/search/posts`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchPostsQuery {
    /// The words to find, 2 to 200 characters. Every word must occur (in the thread title
    /// or the post body); the last one may be the start of a word. Quotes, `*`, `-`, `:`
    /// and operators are plain text.
    #[param(required = true, min_length = 2, max_length = 200)]
    pub q: Option<String>,
    /// Only this community.
    pub community_id: Option<i64>,
    /// Page size, 1 to 50 (default 20).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (valid for the same `q` and `community_id`).
    pub cursor: Option<String>,
}

/// The thread a hit is in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchThread {
    pub id: i64,
    pub title: String,
    /// The title as HTML: escaped, the words that start with a word of `q` in `<mark>`.
    pub title_html: String,
    /// `discussion` or `question`.
    pub kind: String,
}

/// The community a hit is in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchCommunity {
    pub id: i64,
    pub name: String,
}

/// The author of a hit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchAuthor {
    pub id: i64,
    pub display_name: String,
}

/// One post that matches.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostSearchHit {
    pub post_id: i64,
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
