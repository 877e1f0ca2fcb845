//! The one full-text search query, per backend: SQLite FTS5 (`post_search`, bm25) and
//! PostgreSQL (`posts.search_vector`, GIN, ts_rank_cd).
//!
//! The caller's words never reach either engine as syntax: each word is quoted as a string
//! of the engine's query language, words are ANDed, the last one is a prefix. The query
//! text and ids are bound parameters; only integers are formatted into the SQL.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use crate::auth::policy::community::readable_sql;
use crate::db::DbConn;
use crate::db::schema::{communities, posts, threads, users};
use crate::types::{CommunityId, PostId, ThreadId, UserId};

/// Most words of a query that are searched for; the rest are ignored.
pub const MAX_WORDS: usize = 16;
/// The best-ranked matches fetched at first, per hit asked for: every match is ranked,
/// but only this many are then checked against the reader's rights; more are fetched
/// (four times as many each time) only when too few of them are readable.
const FIRST_FETCH: i64 = 4;
/// Added to the rank of posts whose thread title matches, so that they come first.
const TITLE_BOOST: f64 = 1_000_000.0;
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

#[derive(QueryableByName)]
struct Ranked {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    score: f64,
}

#[derive(QueryableByName)]
struct Snippet {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    snippet: String,
}

/// The filters both backends share, on `posts p`, `threads t`, `communities c`.
fn visibility_sql(query: &SearchQuery) -> String {
    let mut sql = format!(
        "p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.deleted_at IS NULL AND {}",
        readable_sql("c", query.viewer)
    );
    if let Some(id) = query.community_id {
        sql.push_str(&format!(" AND p.community_id = {id}"));
    }
    sql
}

/// The best `k` matches of `words` after `after` (rank, post id), best first, ranked over
/// every match of the whole index (not only the newest): title matches first, then bm25
/// or ts_rank_cd. Only the match and the rank run here, no join, except to narrow to one
/// community.
fn best_matches(
    conn: &mut DbConn,
    words: &[&str],
    community: Option<CommunityId>,
    after: (f64, i64),
    k: i64,
) -> QueryResult<Vec<Ranked>> {
    let (after_rank, after_id) = after;
    match conn {
        DbConn::Sqlite(c) => {
            // bm25 for every match, the title set once (an IN list SQLite builds first);
            // SQLite keeps only the best k while it sorts.
            let narrow = match community {
                Some(id) => format!(
                    " AND post_search.rowid IN (SELECT id FROM posts WHERE community_id = {id})"
                ),
                None => String::new(),
            };
            let sql = format!(
                "SELECT id, score FROM ( \
                   SELECT post_search.rowid AS id, \
                     (CASE WHEN post_search.rowid IN \
                         (SELECT rowid FROM post_search WHERE post_search MATCH ?) \
                       THEN {TITLE_BOOST:.1} ELSE 0.0 END) - bm25(post_search, 10.0, 1.0) AS score \
                   FROM post_search WHERE post_search MATCH ?{narrow} \
                 ) AS matched \
                 WHERE score < ? OR (score = ? AND id > ?) \
                 ORDER BY score DESC, id ASC LIMIT ?"
            );
            diesel::sql_query(sql)
                .bind::<Text, _>(fts5_query(words, true))
                .bind::<Text, _>(fts5_query(words, false))
                .bind::<Double, _>(after_rank)
                .bind::<Double, _>(after_rank)
                .bind::<BigInt, _>(after_id)
                .bind::<BigInt, _>(k)
                .load(c)
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => {
            let narrow = match community {
                Some(id) => format!(" AND p.community_id = {id}"),
                None => String::new(),
            };
            // The GIN index finds the matches; each is ranked from its stored vector.
            let sql = format!(
                "SELECT id, score FROM ( \
                   SELECT p.id AS id, \
                     (CASE WHEN p.search_vector @@ to_tsquery('simple', $2) \
                       THEN {TITLE_BOOST:.1} ELSE 0.0 END)::float8 \
                       + ts_rank_cd(p.search_vector, to_tsquery('simple', $1))::float8 AS score \
                   FROM posts p \
                   WHERE p.search_vector @@ to_tsquery('simple', $1){narrow} \
                 ) AS matched \
                 WHERE score < $3 OR (score = $3 AND id > $4) \
                 ORDER BY score DESC, id ASC LIMIT $5"
            );
            diesel::sql_query(sql)
                .bind::<Text, _>(tsquery(words, false))
                .bind::<Text, _>(tsquery(words, true))
                .bind::<Double, _>(after_rank)
                .bind::<BigInt, _>(after_id)
                .bind::<BigInt, _>(k)
                .load(c)
        }
    }
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Those of `ids` that `query`'s viewer may read (live posts, live threads, readable
/// communities).
fn readable_ids(conn: &mut DbConn, query: &SearchQuery, ids: &[i64]) -> QueryResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT p.id AS id FROM posts p \
         JOIN threads t ON t.id = p.thread_id \
         JOIN communities c ON c.id = p.community_id \
         WHERE p.id IN ({}) AND {}",
        list.join(", "),
        visibility_sql(query)
    );
    Ok(diesel::sql_query(sql)
        .load::<Id>(conn)?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// Highlighted pieces of the bodies of `ranked` (the page's hits).
fn snippets(conn: &mut DbConn, words: &[&str], ranked: &[Ranked]) -> QueryResult<Vec<Snippet>> {
    let (Some(low), Some(high)) = (
        ranked.iter().map(|r| r.id).min(),
        ranked.iter().map(|r| r.id).max(),
    ) else {
        return Ok(Vec::new());
    };
    let ids: Vec<String> = ranked.iter().map(|r| r.id.to_string()).collect();
    match conn {
        DbConn::Sqlite(c) => {
            // One pass over the match within the page's rowid range (FTS5 takes the range);
            // `+rowid IN` is then checked row by row. Handing FTS5 the IN list instead would
            // rerun the match once per id, which is slow for a prefix of many words.
            diesel::sql_query(format!(
                "SELECT rowid AS id, snippet(post_search, 1, char(2), char(3), '…', 24) \
                 AS snippet FROM post_search WHERE post_search MATCH ? \
                 AND rowid >= {low} AND rowid <= {high} AND +rowid IN ({})",
                ids.join(", ")
            ))
            .bind::<Text, _>(fts5_query(words, false))
            .load(c)
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => {
            // ts_headline (costly) runs only on the page's rows. It drops what looks like an
            // HTML tag, so `<` goes through it disguised: the snippet shows the text as
            // written (escaped later, like SQLite's).
            let rows: Vec<Snippet> = diesel::sql_query(format!(
                "SELECT p.id AS id, ts_headline('simple', replace(p.body, '<', chr(1)), \
                   to_tsquery('simple', $1), \
                   'StartSel=' || chr(2) || ', StopSel=' || chr(3) || \
                   ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet \
                 FROM posts p WHERE p.id IN ({})",
                ids.join(", ")
            ))
            .bind::<Text, _>(tsquery(words, false))
            .load(c)?;
            Ok(rows
                .into_iter()
                .map(|s| Snippet {
                    id: s.id,
                    snippet: s.snippet.replace('\u{1}', "<"),
                })
                .collect())
        }
    }
}

/// The posts matching `query` that its viewer may read, best first: title matches, then
/// by relevance, then by id; after `query.after`, at most `query.limit`.
///
/// Every match is ranked, however old (the best `k` kept while sorting); the reader's
/// rights are then checked on those `k` only. When fewer than `limit` of them are
/// readable and there were more matches, `k` grows fourfold and the ranking runs again:
/// the answer is exactly the best readable matches, and in the common case (most matches
/// readable) one ranking and one check suffice.
pub fn search_posts(conn: &mut DbConn, query: &SearchQuery) -> QueryResult<Vec<Hit>> {
    let words = words(&query.text);
    if words.is_empty() || query.limit <= 0 {
        return Ok(Vec::new());
    }
    let after = query.after.unwrap_or((f64::INFINITY, 0));
    let mut k = query.limit.saturating_mul(FIRST_FETCH);
    let ranked: Vec<Ranked> = loop {
        let best = best_matches(conn, &words, query.community_id, after, k)?;
        let exhausted = i64::try_from(best.len()).unwrap_or(i64::MAX) < k;
        let ids: Vec<i64> = best.iter().map(|r| r.id).collect();
        let readable: std::collections::HashSet<i64> =
            readable_ids(conn, query, &ids)?.into_iter().collect();
        let visible: Vec<Ranked> = best
            .into_iter()
            .filter(|r| readable.contains(&r.id))
            .take(usize::try_from(query.limit).unwrap_or(usize::MAX))
            .collect();
        if exhausted || i64::try_from(visible.len()).unwrap_or(i64::MAX) >= query.limit {
            break visible;
        }
        k = k.saturating_mul(4);
    };
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let snippets = snippets(conn, &words, &ranked)?;
    let ids: Vec<i64> = ranked.iter().map(|r| r.id).collect();
    let details: Vec<Hit> = posts::table
        .inner_join(threads::table.inner_join(communities::table))
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::id.eq_any(ids))
        .select((
            posts::id,
            threads::id,
            threads::title,
            threads::kind,
            communities::id,
            communities::name,
            users::id,
            users::display_name,
            diesel::dsl::sql::<Text>("''"),
            posts::created_at,
            diesel::dsl::sql::<Double>("0.0"),
        ))
        .load(conn)?;
    let mut details: HashMap<i64, Hit> =
        details.into_iter().map(|d| (d.post_id.get(), d)).collect();
    let mut snippets: HashMap<i64, String> =
        snippets.into_iter().map(|s| (s.id, s.snippet)).collect();
    Ok(ranked
        .into_iter()
        .filter_map(|r| {
            let mut hit = details.remove(&r.id)?;
            hit.snippet = snippets.remove(&r.id).unwrap_or_default();
            hit.rank = r.score;
            Some(hit)
        })
        .collect())
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
