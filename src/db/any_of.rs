//! `column IN (ids)` (or texts) that a connection prepares once, whatever the list's length.
//!
//! Diesel's `eq_any` writes one placeholder per value on SQLite and marks the statement
//! never to be cached (its text changes with the list's length), so every page that reads
//! the rows of many ids (a page's reactions, authors, translations) was parsed and planned
//! at every request. [`any_of`] binds the whole list as one value instead:
//!
//! - SQLite: `column IN (SELECT value FROM json_each(?))`, the ids bound as one JSON array
//!   text (the list is read once per execution into a temporary index; the column's own
//!   index is used for each id);
//! - PostgreSQL: `column = ANY(?)`, the ids bound as one `BIGINT[]`, as diesel does there.
//!
//! [`any_of_text`] is the same for a text column (a vocabulary's spellings: `TEXT[]` on
//! PostgreSQL).
//!
//! The text is the same for any list, so the statement stays in the connection's cache.
//! `eq_any` with a subquery (no list of values) is cached as it is, and stays.

use std::fmt::Write as _;

use diesel::QueryResult;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::sqlite::Sqlite;

use super::DbConn;

/// The backend of [`DbConn`] (both databases).
type Multi = <DbConn as diesel::Connection>::Backend;

/// `column` is one of `ids`: see the module's docs. An empty list matches no row.
pub fn any_of<C, I, T>(column: C, ids: I) -> AnyOf<C>
where
    C: Expression<SqlType = BigInt>,
    I: IntoIterator<Item = T>,
    T: Into<i64>,
{
    AnyOf::new(
        column,
        Values::Ids(ids.into_iter().map(Into::into).collect()),
    )
}

/// `column` is one of `texts` (strings, or a vocabulary's values by their spelling):
/// [`any_of`] for a text column.
pub fn any_of_text<C, I, T>(column: C, texts: I) -> AnyOf<C>
where
    C: Expression<SqlType = Text>,
    I: IntoIterator<Item = T>,
    T: std::fmt::Display,
{
    AnyOf::new(
        column,
        Values::Texts(texts.into_iter().map(|t| t.to_string()).collect()),
    )
}

/// The listed values, as PostgreSQL binds them.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
enum Values {
    Ids(Vec<i64>),
    Texts(Vec<String>),
}

/// The expression [`any_of`] and [`any_of_text`] build.
#[derive(Debug, Clone)]
pub struct AnyOf<C> {
    column: C,
    /// PostgreSQL's bind.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    values: Values,
    /// SQLite's bind: the values as a JSON array.
    json: String,
}

impl<C> AnyOf<C> {
    fn new(column: C, values: Values) -> Self {
        let json = match &values {
            Values::Ids(ids) => {
                // One buffer, not a string per id: this runs on every listed read.
                let mut json = String::with_capacity(ids.len() * 8 + 2);
                json.push('[');
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    let _ = write!(json, "{id}");
                }
                json.push(']');
                json
            }
            Values::Texts(texts) => serde_json::Value::from(texts.clone()).to_string(),
        };
        Self {
            column,
            values,
            json,
        }
    }
}

impl<C: Expression> Expression for AnyOf<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for AnyOf<C> {}

impl<C: SelectableExpression<QS>, QS> SelectableExpression<QS> for AnyOf<C> {}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for AnyOf<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C> QueryId for AnyOf<C> {
    type QueryId = ();
    // No type of its own: the statement cache keys the query by its text, which does not
    // depend on the ids.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for AnyOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<C: QueryFragment<diesel::pg::Pg>> QueryFragment<diesel::pg::Pg> for AnyOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(");
        match &self.values {
            Values::Ids(ids) => {
                out.push_bind_param::<diesel::sql_types::Array<BigInt>, _>(ids)?;
            }
            Values::Texts(texts) => {
                out.push_bind_param::<diesel::sql_types::Array<Text>, _>(texts)?;
            }
        }
        out.push_sql(")");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<C> QueryFragment<Multi> for AnyOf<C>
where
    C: QueryFragment<Sqlite> + QueryFragment<diesel::pg::Pg>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Multi>) -> QueryResult<()> {
        Multi::walk_variant_ast(self, pass)
    }
}

#[cfg(not(feature = "postgres"))]
impl<C: QueryFragment<Sqlite>> QueryFragment<Multi> for AnyOf<C> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Multi>) -> QueryResult<()> {
        Multi::walk_variant_ast(self, pass)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use diesel::{Connection, ExpressionMethods, QueryDsl, RunQueryDsl, sql_query};

    use super::*;

    diesel::table! {
        items (id) {
            id -> BigInt,
            owner -> BigInt,
        }
    }

    /// A SQLite database through [`DbConn`] (the backend every repo uses), with `items` 1..=9
    /// owned by `id % 3`, that records the statements it caches.
    fn items_db() -> (DbConn, Arc<Mutex<Vec<String>>>) {
        let mut conn = DbConn::establish(":memory:").unwrap();
        sql_query("CREATE TABLE items (id INTEGER PRIMARY KEY, owner BIGINT NOT NULL)")
            .execute(&mut conn)
            .unwrap();
        sql_query("CREATE INDEX items_owner ON items (owner)")
            .execute(&mut conn)
            .unwrap();
        for id in 1..=9_i64 {
            diesel::insert_into(items::table)
                .values((items::id.eq(id), items::owner.eq(id % 3)))
                .execute(&mut conn)
                .unwrap();
        }
        let cached = crate::db::sql::record_cached(&mut conn);
        (conn, cached)
    }

    fn ids_of(conn: &mut DbConn, ids: &[i64]) -> Vec<i64> {
        items::table
            .filter(any_of(items::id, ids.iter().copied()))
            .select(items::id)
            .order(items::id)
            .load(conn)
            .unwrap()
    }

    #[test]
    fn matches_the_listed_ids_only() {
        let (mut conn, _) = items_db();
        assert_eq!(ids_of(&mut conn, &[2, 5, 42, 5]), vec![2, 5]);
        assert_eq!(ids_of(&mut conn, &[]), Vec::<i64>::new());
        assert_eq!(ids_of(&mut conn, &[i64::MAX, -1, 9]), vec![9]);
        // Beside other conditions, and in a boxed query.
        let owned: Vec<i64> = items::table
            .filter(items::owner.eq(1))
            .filter(any_of(items::id, [1_i64, 2, 3, 4]))
            .select(items::id)
            .order(items::id)
            .into_boxed()
            .load(&mut conn)
            .unwrap();
        assert_eq!(owned, vec![1, 4]);
    }

    #[test]
    fn texts_match_whatever_they_hold() {
        let (mut conn, cached) = items_db();
        sql_query("CREATE TABLE words (w TEXT NOT NULL)")
            .execute(&mut conn)
            .unwrap();
        sql_query(r#"INSERT INTO words VALUES ('reply'), ('it''s "quoted"'), ('ñ'), ('other')"#)
            .execute(&mut conn)
            .unwrap();
        diesel::table! { words (w) { w -> Text, } }
        let found = |conn: &mut DbConn, list: &[&str]| -> Vec<String> {
            words::table
                .filter(any_of_text(words::w, list.iter().copied()))
                .select(words::w)
                .order(words::w)
                .load(conn)
                .unwrap()
        };
        assert_eq!(
            found(&mut conn, &["reply", "it's \"quoted\"", "ñ", "none"]),
            vec!["it's \"quoted\"", "reply", "ñ"]
        );
        assert_eq!(found(&mut conn, &[]), Vec::<String>::new());
        assert_eq!(cached.lock().unwrap().len(), 1);
    }

    #[test]
    fn one_statement_is_kept_for_lists_of_every_length() {
        let (mut conn, cached) = items_db();
        for n in 1..=5_i64 {
            assert_eq!(
                ids_of(&mut conn, &(1..=n).collect::<Vec<_>>()).len(),
                n as usize
            );
        }
        let cached = cached.lock().unwrap();
        assert_eq!(
            cached.len(),
            1,
            "one statement for five lengths: {cached:?}"
        );
        assert!(cached[0].contains("json_each"), "{cached:?}");
    }

    #[test]
    fn sqlite_looks_each_id_up_in_the_index() {
        #[derive(diesel::QueryableByName)]
        struct Plan {
            #[diesel(sql_type = Text)]
            detail: String,
        }
        let (mut conn, _) = items_db();
        let query = items::table
            .filter(any_of(items::owner, [1_i64, 2]))
            .select(items::id);
        let text = diesel::debug_query::<Sqlite, _>(&query).to_string();
        let text = text
            .split(" -- binds")
            .next()
            .unwrap()
            .replace('?', "'[1,2]'");
        let plan: Vec<Plan> = sql_query(format!("EXPLAIN QUERY PLAN {text}"))
            .load(&mut conn)
            .unwrap();
        let plan: Vec<String> = plan.into_iter().map(|p| p.detail).collect();
        assert!(
            plan.iter()
                .any(|d| d.contains("USING") && d.contains("items_owner")),
            "{plan:?}"
        );
    }
}
