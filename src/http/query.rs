//! Query-string values every list shares: free text (`?q=`), `?updated_since=` and the
//! `?language=` filter.
//!
//! A query parameter that cannot be used is always 400 `invalid_query`, with the
//! parameter in `errors[].field` (see docs/API.md).

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::db::truncate_to_stored;
use crate::error::ApiError;
use crate::types::LanguageTag;

/// Longest `?q=`, in characters.
pub const MAX_Q_CHARS: usize = 200;

/// The documented pattern of a required `q` of at least two characters ([`require_q`]):
/// no control characters, and two characters that are not white space.
pub const REQUIRED_Q_PATTERN: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";

/// `q` as every search and filter reads it: control characters separate words (a NUL
/// cannot even reach PostgreSQL), runs of white space become one space, trimmed,
/// lower-cased.
fn clean_q(raw: &str) -> String {
    raw.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// An optional free-text filter: `None` when absent or blank; 400 when longer than
/// [`MAX_Q_CHARS`].
pub fn parse_q(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    if raw.chars().count() > MAX_Q_CHARS {
        return Err(ApiError::invalid_query(
            "q",
            "too_long",
            format!("must be at most {MAX_Q_CHARS} characters"),
        ));
    }
    Ok(Some(clean_q(raw)).filter(|q| !q.is_empty()))
}

/// A required search text of at least `min` characters once cleaned: 400 when absent,
/// shorter (spaces around it not counted) or longer than [`MAX_Q_CHARS`].
pub fn require_q(raw: Option<&str>, min: usize) -> Result<String, ApiError> {
    // A required query is documented with a pattern (see `REQUIRED_Q_PATTERN`): no control
    // characters, and `min` characters that are not spaces. What breaks it is refused.
    if raw.is_some_and(|r| r.chars().any(char::is_control)) {
        return Err(ApiError::invalid_query(
            "q",
            "control_characters",
            "must not contain control characters",
        ));
    }
    let Some(q) = parse_q(raw)? else {
        return Err(match raw {
            None => ApiError::invalid_query("q", "required", "is required"),
            Some(_) => ApiError::invalid_query(
                "q",
                "too_short",
                format!("must be at least {min} characters, spaces around it not counted"),
            ),
        });
    };
    if q.chars().count() < min {
        return Err(ApiError::invalid_query(
            "q",
            "too_short",
            format!("must be at least {min} characters, spaces around it not counted"),
        ));
    }
    Ok(q)
}

/// `?updated_since=` (RFC 3339; a `+` turned into a space by form decoding is read back
/// as `+`), as a stored timestamp (UTC, microseconds).
pub fn parse_since(raw: Option<&str>) -> Result<Option<NaiveDateTime>, ApiError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    DateTime::parse_from_rfc3339(&raw.trim().replace(' ', "+"))
        .map(|t| Some(truncate_to_stored(t.with_timezone(&Utc).naive_utc())))
        .map_err(|_| {
            ApiError::invalid_query(
                "updated_since",
                "invalid_timestamp",
                "must be an RFC 3339 time such as 2026-03-01T09:30:00Z",
            )
        })
}

/// `?language=` as a filter: a BCP 47 tag in canonical case (`EN` finds `en`); 400 when
/// it is not a tag.
pub fn parse_language(raw: Option<&str>) -> Result<Option<LanguageTag>, ApiError> {
    raw.map(|l| {
        LanguageTag::parse(l)
            .map_err(|m| ApiError::invalid_query("language", "invalid_language", m))
    })
    .transpose()
}

/// An id from the query string (`minimum: 1`): 400 `out_of_range` naming the parameter
/// when it is not positive.
pub fn positive_id(field: &str, value: Option<i64>) -> Result<Option<i64>, ApiError> {
    match value {
        Some(v) if v < 1 => Err(ApiError::invalid_query(
            field,
            "out_of_range",
            "must be a positive id",
        )),
        other => Ok(other),
    }
}

/// A bounded number from the query string, as documented (`minimum`/`maximum`): 400
/// `out_of_range` naming the parameter when it is outside `min..=max`.
pub fn in_range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &str,
    value: Option<T>,
    min: T,
    max: T,
) -> Result<Option<T>, ApiError> {
    match value {
        Some(v) if v < min || v > max => Err(ApiError::invalid_query(
            field,
            "out_of_range",
            format!("must be between {min} and {max}"),
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_is_cleaned_one_way() {
        assert_eq!(parse_q(None).unwrap(), None);
        assert_eq!(parse_q(Some("   ")).unwrap(), None);
        assert_eq!(
            parse_q(Some(" Heat\u{0}STRESS  now ")).unwrap().as_deref(),
            Some("heat stress now")
        );
        assert!(parse_q(Some(&"x".repeat(MAX_Q_CHARS + 1))).is_err());
        assert!(require_q(None, 2).is_err());
        assert!(require_q(Some("  a "), 2).is_err());
        assert_eq!(require_q(Some(" ab "), 2).unwrap(), "ab");
    }

    #[test]
    fn language_filters_are_tags() {
        assert_eq!(parse_language(None).unwrap(), None);
        assert_eq!(parse_language(Some("EN")).unwrap().unwrap().as_str(), "en");
        assert!(parse_language(Some("english!")).is_err());
    }

    #[test]
    fn since_reads_rfc3339_and_a_decoded_plus() {
        let t = parse_since(Some("2026-03-01T09:30:00 08:00"))
            .unwrap()
            .unwrap();
        assert_eq!(t.to_string(), "2026-03-01 01:30:00");
        assert!(parse_since(Some("yesterday")).is_err());
        assert_eq!(parse_since(None).unwrap(), None);
    }
}
