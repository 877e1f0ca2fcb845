//! Post search's reads: the ranking comes from the instance's index (`search::index`),
//! the reader's rights, the names and the bodies from the database, on the page's hits only.
//! Values are bound, never formatted into the SQL.
//!
//! The query-language quoting of the database's own full-text search (`fts5_query`,
//! `tsquery`) is kept here for the resource library, which still searches in the database.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Double;

use crate::auth::policy::community;
use crate::db::schema::{communities, posts, threads, users};
use crate::db::{DbConn, any_of};
use crate::error::ApiError;
use crate::search::index::snippet;
use crate::types::{CommunityId, PostId, ThreadId, UserId};

/// Most words of a query that are searched for; the rest are ignored.
pub const MAX_WORDS: usize = 16;
/// The best-ranked matches fetched at first, per hit asked for: every match is ranked,
/// but only this many are then checked against the reader's rights; more are fetched
/// (four times as many each time) only when too few of them are readable.
pub const FIRST_FETCH: usize = 4;
/// Marks the start of a match in a raw snippet.
pub const MARK_START: char = '\u{2}';
/// Marks the end of a match in a raw snippet.
pub const MARK_END: char = '\u{3}';

/// What to search for, and for whom.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// The caller's text, cleaned (`http::query::require_q`).
    pub text: String,
    /// The caller, for the readability rule.
    pub viewer: Option<UserId>,
    /// Only this community.
    pub community_id: Option<CommunityId>,
    /// The rank and post id of the last hit of the previous page.
    pub after: Option<(f64, i64)>,
    /// Rows to return.
    pub limit: i64,
}

/// One matching post.
#[derive(Debug, Clone, Queryable)]
pub struct Hit {
    pub post_id: PostId,
    pub thread_id: ThreadId,
    pub thread_title: String,
    pub thread_kind: String,
    pub community_id: CommunityId,
    pub community_name: String,
    pub author_id: UserId,
    pub author_name: String,
    /// A piece of the body, matches between [`MARK_START`] and [`MARK_END`]; not escaped.
    pub snippet: String,
    pub created_at: NaiveDateTime,
    pub rank: f64,
}

/// The searchable words of `text`: split at white space, those with a letter or digit.
pub fn words(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_WORDS)
        .collect()
}

/// FTS5 query: every word a quoted string (`"` doubled), ANDed, the last one a prefix.
/// With `title_any`, instead: any word, in the `title` column only.
pub fn fts5_query(words: &[&str], title_any: bool) -> String {
    let last = words.len().saturating_sub(1);
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            if i == last { quoted + "*" } else { quoted }
        })
        .collect();
    if title_any {
        format!("{{title}} : ({})", terms.join(" OR "))
    } else {
        terms.join(" ")
    }
}

/// tsquery text: every word a quoted lexeme (`'` doubled, `\` escaped), ANDed, the last
/// one a prefix. With `title_any`, instead: any word, with weight A (the title) only.
pub fn tsquery(words: &[&str], title_any: bool) -> String {
    let last = words.len().saturating_sub(1);
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("'{}'", w.replace('\\', "\\\\").replace('\'', "''"));
            match (i == last, title_any) {
                (true, true) => quoted + ":*A",
                (true, false) => quoted + ":*",
                (false, true) => quoted + ":A",
                (false, false) => quoted,
            }
        })
        .collect();
    terms.join(if title_any { " | " } else { " & " })
}

/// Those of `ids` that `query`'s viewer may read (live posts, live threads, readable
/// communities: `auth::policy::community::readable`). Every value is bound, the ids as one
/// list (`db::any_of`), so a connection keeps one statement per (community or not).
fn readable_ids(conn: &mut DbConn, query: &SearchQuery, ids: &[i64]) -> QueryResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut readable = posts::table
        .inner_join(threads::table.inner_join(communities::table))
        .filter(any_of(posts::id, ids.iter().copied()))
        .filter(posts::hidden_at.is_null())
        .filter(posts::deleted_at.is_null())
        .filter(threads::deleted_at.is_null())
        .filter(community::readable(query.viewer))
        .select(posts::id)
        .into_boxed();
    if let Some(c) = query.community_id {
        readable = readable.filter(posts::community_id.eq(c));
    }
    readable.load(conn)
}

/// The page of `query` from `best`, the best matches the index ranked (post id, rank;
/// best first; `exhausted` when there are no more): those the viewer may read, at most
/// `query.limit`, with their details and snippets. `None` when fewer than `limit` are
/// readable and more matches could be ranked: the caller ranks more and asks again.
pub fn page_of(
    conn: &mut DbConn,
    query: &SearchQuery,
    best: &[(i64, f64)],
    exhausted: bool,
) -> Result<Option<Vec<Hit>>, ApiError> {
    let limit = usize::try_from(query.limit).unwrap_or(0);
    let ids: Vec<i64> = best.iter().map(|r| r.0).collect();
    let readable: HashSet<i64> = readable_ids(conn, query, &ids)?.into_iter().collect();
    let ranked: Vec<(i64, f64)> = best
        .iter()
        .filter(|r| readable.contains(&r.0))
        .take(limit)
        .copied()
        .collect();
    if !exhausted && ranked.len() < limit {
        return Ok(None);
    }
    if ranked.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let ids: Vec<i64> = ranked.iter().map(|r| r.0).collect();
    let details: Vec<Hit> = posts::table
        .inner_join(threads::table.inner_join(communities::table))
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(any_of(posts::id, ids.iter().copied()))
        .select((
            posts::id,
            threads::id,
            threads::title,
            threads::kind,
            communities::id,
            communities::name,
            users::id,
            users::display_name,
            posts::body,
            posts::created_at,
            0.0_f64.into_sql::<Double>(),
        ))
        .load(conn)?;
    let mut details: HashMap<i64, Hit> =
        details.into_iter().map(|d| (d.post_id.get(), d)).collect();
    let words = words(&query.text);
    Ok(Some(
        ranked
            .into_iter()
            .filter_map(|(id, rank)| {
                let mut hit = details.remove(&id)?;
                hit.snippet = snippet(&hit.snippet, &words, MARK_START, MARK_END);
                hit.rank = rank;
                Some(hit)
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_syntax_is_quoted() {
        let w = words(r#"say "hi" NEAR(a b) -x col:y * ** "#);
        assert_eq!(w, vec!["say", "\"hi\"", "NEAR(a", "b)", "-x", "col:y"]);
        assert_eq!(fts5_query(&["a\"b", "c"], false), r#""a""b" "c"*"#);
        assert_eq!(fts5_query(&["a", "c"], true), r#"{title} : ("a" OR "c"*)"#);
        assert_eq!(tsquery(&["it's", "a\\b"], false), r"'it''s' & 'a\\b':*");
        assert_eq!(tsquery(&["x", "y"], true), "'x':A | 'y':*A");
    }
}
