//! Raw SQL written once for both databases, that each connection prepares once.
//!
//! `diesel::sql_query` marks its statement as never to be cached, so a connection parses and
//! plans it again at every execution (on SQLite, a fan-out `INSERT … SELECT` spent more time
//! being prepared than running). [`Sql`] is the same raw text with its values bound, kept in
//! the connection's statement cache under its text: write `?` where each value goes, in
//! order, and the backend numbers them (`$1`, `$2`, … on PostgreSQL). The text must hold no
//! `?` other than the placeholders, and values go in binds, never into the text (a text that
//! changes with each value would fill the cache).
//!
//! Statements whose text is different at every call (an `IN` list of literal ids) gain
//! nothing from the cache; they may stay `sql_query`.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::deserialize::QueryableByName;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Text, Timestamp, Untyped};
use diesel::{QueryResult, RunQueryDsl};

use super::DbConn;

/// One bound value of an [`Sql`] statement, with its SQL type (add a type here when a
/// statement needs it).
#[derive(Debug, Clone)]
enum Value {
    BigInt(i64),
    Text(String),
    Timestamp(NaiveDateTime),
}

/// A raw statement and its values: see the module's docs.
#[derive(Debug, Clone)]
#[must_use = "a statement runs only when executed or loaded"]
pub struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    /// The statement `text`, with a `?` for each value bound next, in order.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            values: Vec::new(),
        }
    }

    /// Binds the next `?`.
    fn bind(mut self, value: Value) -> Self {
        self.values.push(value);
        self
    }

    /// Binds the next `?` to a `BIGINT`.
    pub fn bind_i64(self, value: i64) -> Self {
        self.bind(Value::BigInt(value))
    }

    /// Binds the next `?` to a text.
    pub fn bind_text(self, value: impl Into<String>) -> Self {
        self.bind(Value::Text(value.into()))
    }

    /// Binds the next `?` to a timestamp.
    pub fn bind_timestamp(self, value: NaiveDateTime) -> Self {
        self.bind(Value::Timestamp(value))
    }

    /// Runs the statement; the number of rows it changed.
    pub fn execute(self, conn: &mut DbConn) -> QueryResult<usize> {
        match conn {
            DbConn::Sqlite(c) => RunQueryDsl::execute(self, c),
            #[cfg(feature = "postgres")]
            DbConn::Pg(c) => RunQueryDsl::execute(self, c),
        }
    }

    /// Runs the query; its rows, read by column name.
    pub fn load<T>(self, conn: &mut DbConn) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<diesel::sqlite::Sqlite> + 'static,
        T: PgRow,
    {
        match conn {
            DbConn::Sqlite(c) => RunQueryDsl::load(self, c),
            #[cfg(feature = "postgres")]
            DbConn::Pg(c) => RunQueryDsl::load(self, c),
        }
    }
}

/// Rows PostgreSQL can give (every row type, when built without it).
#[cfg(feature = "postgres")]
pub trait PgRow: QueryableByName<diesel::pg::Pg> {}
#[cfg(feature = "postgres")]
impl<T: QueryableByName<diesel::pg::Pg>> PgRow for T {}
/// Rows PostgreSQL can give (every row type, when built without it).
#[cfg(not(feature = "postgres"))]
pub trait PgRow {}
#[cfg(not(feature = "postgres"))]
impl<T> PgRow for T {}

impl<DB> QueryFragment<DB> for Sql
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text> + HasSqlType<Timestamp>,
    i64: ToSql<BigInt, DB>,
    String: ToSql<Text, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let mut pieces = self.text.split('?');
        let mut values = self.values.iter();
        if let Some(first) = pieces.next() {
            out.push_sql(first);
        }
        for piece in pieces {
            match values.next() {
                Some(Value::BigInt(v)) => out.push_bind_param::<BigInt, _>(v)?,
                Some(Value::Text(v)) => out.push_bind_param::<Text, _>(v)?,
                Some(Value::Timestamp(v)) => out.push_bind_param::<Timestamp, _>(v)?,
                None => return Err(mismatch(&self.text, self.values.len())),
            }
            out.push_sql(piece);
        }
        if values.next().is_some() {
            return Err(mismatch(&self.text, self.values.len()));
        }
        Ok(())
    }
}

/// The error of a statement whose placeholders and values differ in number: a bug, answered
/// as an opaque 500 and logged.
fn mismatch(text: &str, values: usize) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(
        format!(
            "{} placeholders for {values} values in `{text}`",
            text.matches('?').count()
        )
        .into(),
    )
}

impl QueryId for Sql {
    type QueryId = ();
    // No type of its own: the statement cache keys it by its text and its values' types.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Sql {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Sql {}

/// Tests: records the text of every statement `conn` puts in its cache from now on.
#[cfg(test)]
pub(crate) fn record_cached(
    conn: &mut impl diesel::Connection,
) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    let cached = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&cached);
    let instrumentation: Box<dyn Instrumentation> = Box::new(move |e: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::CacheQuery { sql, .. } = e {
            seen.lock().unwrap().push(sql.to_owned());
        }
    });
    conn.set_instrumentation(instrumentation);
    cached
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use diesel::{Connection, QueryableByName, SqliteConnection};

    use super::*;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = Text)]
        t: String,
    }

    /// A connection that counts the statements it puts in its cache.
    fn counting() -> (SqliteConnection, Arc<Mutex<Vec<String>>>) {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let cached = record_cached(&mut conn);
        (conn, cached)
    }

    #[test]
    fn a_statement_is_prepared_once_whatever_its_values() {
        let (mut conn, cached) = counting();
        for i in 0..3_i64 {
            let rows: Vec<Row> = RunQueryDsl::load(
                Sql::new("SELECT ? + 1 AS n, ? AS t")
                    .bind_i64(i)
                    .bind_text(format!("v{i}")),
                &mut conn,
            )
            .unwrap();
            assert_eq!(
                rows,
                vec![Row {
                    n: i + 1,
                    t: format!("v{i}")
                }]
            );
        }
        assert_eq!(
            *cached.lock().unwrap(),
            vec!["SELECT ? + 1 AS n, ? AS t".to_owned()]
        );
        // What it replaces: diesel's `sql_query` is never kept.
        for _ in 0..2 {
            let _: Vec<Row> = diesel::sql_query("SELECT 1 AS n, 'x' AS t")
                .load(&mut conn)
                .unwrap();
        }
        assert_eq!(cached.lock().unwrap().len(), 1);
    }

    #[test]
    fn placeholders_and_values_must_agree_in_number() {
        let (mut conn, _) = counting();
        for sql in [
            Sql::new("SELECT ? AS n, 'x' AS t"),
            Sql::new("SELECT ? AS n, 'x' AS t").bind_i64(1).bind_i64(2),
        ] {
            let err = RunQueryDsl::load::<Row>(sql, &mut conn).unwrap_err();
            assert!(
                matches!(err, diesel::result::Error::QueryBuilderError(_)),
                "{err:?}"
            );
        }
    }
}
