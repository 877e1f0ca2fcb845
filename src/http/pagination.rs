//! Keyset (cursor) pagination, the one way every list is paged.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Query of lists that only page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The format of a timestamp inside a cursor: microseconds, as stored.
const TIME_KEY_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// A timestamp sort key: in a cursor it is written to the microsecond, so a page never
/// repeats or skips rows that share a second. Use `PageRequest<TimeKey>` for lists sorted
/// by a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeKey(pub chrono::NaiveDateTime);

impl Serialize for TimeKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format(TIME_KEY_FORMAT))
    }
}

impl<'de> Deserialize<'de> for TimeKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        chrono::NaiveDateTime::parse_from_str(&raw, TIME_KEY_FORMAT)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

impl TimeKey {
    /// The key as text, for sort keys that mix times with other text.
    pub fn text(at: chrono::NaiveDateTime) -> String {
        at.format(TIME_KEY_FORMAT).to_string()
    }

    /// Reads [`TimeKey::text`] back; 400 `invalid_cursor` when it is not one.
    pub fn parse_text(raw: &str) -> Result<chrono::NaiveDateTime, ApiError> {
        chrono::NaiveDateTime::parse_from_str(raw, TIME_KEY_FORMAT).map_err(|_| {
            ApiError::invalid_query(
                "cursor",
                "invalid_cursor",
                "is not a cursor this list gave out",
            )
        })
    }
}

/// Page size when the caller gives none.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page a caller may ask for.
pub const MAX_LIMIT: u32 = 100;

/// One page of a collection.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page, in the requested order.
    pub items: Vec<T>,
    /// Pass as `?cursor=` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The same page with every item turned into another (a row into its answer).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// A validated page request: how many rows, and where to start.
#[derive(Debug, Clone)]
pub struct PageRequest<K> {
    /// Rows the page holds.
    pub limit: u32,
    /// The sort key and id of the last row of the previous page.
    pub after: Option<(K, i64)>,
}

#[derive(Serialize, Deserialize)]
struct CursorData<K> {
    /// The sort the cursor was made for, so a cursor is not reused with another.
    s: String,
    k: K,
    i: i64,
}

impl<K: Serialize + DeserializeOwned> PageRequest<K> {
    /// Validates `limit` and decodes `cursor`, which must come from a list sorted by `sort`.
    pub fn parse(limit: Option<u32>, cursor: Option<&str>, sort: &str) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid_query(
                "limit",
                "out_of_range",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        // An empty `?cursor=` means the first page, like no cursor at all.
        let after = cursor
            .filter(|c| !c.is_empty())
            .map(|c| decode::<K>(c, sort))
            .transpose()?;
        Ok(Self { limit, after })
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    /// Turns the fetched rows into a page; `key` gives a row's sort key and id.
    pub fn finish<R, T>(
        &self,
        mut rows: Vec<R>,
        sort: &str,
        key: impl Fn(&R) -> (K, i64),
        map: impl FnMut(R) -> T,
    ) -> Page<T> {
        let limit = self.limit as usize;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| encode(sort, key(last)))
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

#[expect(
    clippy::expect_used,
    reason = "serde_json fails only on maps with non-string keys or a failing Serialize impl; \
              sort keys are strings, numbers, times and tuples of them"
)]
fn encode<K: Serialize>(sort: &str, (k, i): (K, i64)) -> String {
    let json = serde_json::to_vec(&CursorData {
        s: sort.to_owned(),
        k,
        i,
    })
    .expect("cursor serialises");
    URL_SAFE_NO_PAD.encode(json)
}

fn decode<K: DeserializeOwned>(cursor: &str, sort: &str) -> Result<(K, i64), ApiError> {
    let invalid = || {
        ApiError::invalid_query(
            "cursor",
            "invalid_cursor",
            "is not a cursor this list gave out",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let data: CursorData<K> = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if data.s != sort {
        return Err(ApiError::invalid_query(
            "cursor",
            "invalid_cursor",
            "was made for another sort order; start again without a cursor",
        ));
    }
    Ok((data.k, data.i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_trip_through_the_cursor() {
        let req = PageRequest::<String>::parse(Some(2), None, "name").unwrap();
        let rows = vec![
            ("a".to_owned(), 1),
            ("b".to_owned(), 2),
            ("c".to_owned(), 3),
        ];
        let page = req.finish(rows, "name", |r| (r.0.clone(), r.1), |r| r.1);
        assert_eq!(page.items, vec![1, 2]);
        let next =
            PageRequest::<String>::parse(Some(2), page.next_cursor.as_deref(), "name").unwrap();
        assert_eq!(next.after, Some(("b".to_owned(), 2)));
    }

    #[test]
    fn time_keys_keep_microseconds() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_micro_opt(9, 30, 0, 123_456)
            .unwrap();
        let req = PageRequest::<TimeKey>::parse(Some(1), None, "-created_at").unwrap();
        let page = req.finish(
            vec![(TimeKey(at), 1), (TimeKey(at), 2)],
            "-created_at",
            |r| *r,
            |r| r.1,
        );
        let next =
            PageRequest::<TimeKey>::parse(Some(1), page.next_cursor.as_deref(), "-created_at")
                .unwrap();
        assert_eq!(next.after, Some((TimeKey(at), 1)));
        assert_eq!(TimeKey::parse_text(&TimeKey::text(at)).unwrap(), at);
    }

    #[test]
    fn last_page_has_no_cursor() {
        let req = PageRequest::<String>::parse(None, None, "name").unwrap();
        let page = req.finish(
            vec![("a".to_owned(), 1)],
            "name",
            |r| (r.0.clone(), r.1),
            |r| r.1,
        );
        assert!(page.next_cursor.is_none());
    }

    #[test]
    fn rejects_bad_limits_and_cursors() {
        assert!(PageRequest::<String>::parse(Some(0), None, "name").is_err());
        assert!(PageRequest::<String>::parse(Some(101), None, "name").is_err());
        assert!(PageRequest::<String>::parse(None, Some("not base64!"), "name").is_err());
        let other = encode("-name", ("x".to_owned(), 1));
        assert!(PageRequest::<String>::parse(None, Some(&other), "name").is_err());
    }
}
