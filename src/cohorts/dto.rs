//! What the cohort endpoints read and write, and how a request becomes domain input.

use std::hash::Hash;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cohorts::model::{
    CohortFields, CohortKind, CohortPatch, CohortStatus, CohortTexts, NewCohortInput,
};
use crate::error::{ApiError, FieldError, Fields};
use crate::types::text::{clean_block, clean_line, is_slug};
use crate::types::{CohortId, CommunityId, CourseId, LanguageTag, UserId};

// The limits of cohort bodies; `documented_limits_are_the_checked_ones` below ties each
// to the number the OpenAPI schema states.
const MAX_TITLE_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 20_000;
const MAX_LANGUAGE_CHARS: usize = 35;
const MAX_TIME_ZONE_CHARS: usize = 64;
const MAX_REGION_CHARS: usize = 40;
const MAX_INTERPRETATION_LANGUAGES: usize = 10;
const MAX_FACILITATORS: usize = 20;
const MAX_COURSES: usize = 20;
const MAX_CAPACITY: i32 = 10_000;

// ---------------------------------------------------------------- responses

/// A cohort in the reader's language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CohortResponse {
    #[schema(value_type = i64)]
    pub id: CohortId,
    pub kind: CohortKind,
    pub status: CohortStatus,
    /// The language the cohort was described in; every text falls back to it.
    pub default_language: String,
    /// The language of `title` and `description`.
    pub language: String,
    /// Every language the cohort's texts exist in.
    pub available_languages: Vec<String>,
    pub title: String,
    /// Markdown, in `language`.
    pub description: String,
    /// First day (`YYYY-MM-DD`), in `time_zone`.
    pub starts_on: NaiveDate,
    /// Last day (`YYYY-MM-DD`), in `time_zone`; never before `starts_on`.
    pub ends_on: NaiveDate,
    /// IANA time zone the cohort's times are shown in (e.g. `Asia/Manila`); times are
    /// answered in UTC.
    pub time_zone: String,
    /// The language sessions are held in.
    pub delivery_language: String,
    /// Languages interpretation is offered in.
    pub interpretation_languages: Vec<String>,
    /// Most participants.
    pub capacity: i32,
    /// Region code, e.g. `asia-pacific`.
    pub region: String,
    /// User ids of the facilitators (trainers).
    #[schema(value_type = Vec<i64>)]
    pub facilitator_ids: Vec<UserId>,
    /// Ids of the courses the cohort runs, in order.
    #[schema(value_type = Vec<i64>)]
    pub course_ids: Vec<CourseId>,
    /// The cohort's private space: a community (`/api/v1/communities/{id}`) whose members
    /// are its facilitators (as moderators) and accepted participants, and nobody else
    /// reads. `null` only for a cohort created before spaces, until the server links one.
    #[schema(value_type = Option<i64>)]
    pub community_id: Option<CommunityId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// ---------------------------------------------------------------- requests

/// `POST /api/v1/cohorts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCohortRequest {
    pub kind: CohortKind,
    /// BCP 47 tag of the language `title` and `description` are in.
    #[schema(min_length = 2, max_length = 35)]
    pub default_language: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown, at most 20,000 characters.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub starts_on: NaiveDate,
    /// Last day, `YYYY-MM-DD`; not before `starts_on` (422 `ends_before_start`).
    pub ends_on: NaiveDate,
    /// IANA time zone name, e.g. `Asia/Manila`, `Pacific/Fiji`, `UTC`.
    #[schema(min_length = 1, max_length = 64)]
    pub time_zone: String,
    /// BCP 47 tag of the language sessions are held in.
    #[schema(min_length = 2, max_length = 35)]
    pub delivery_language: String,
    /// BCP 47 tags; at most 10.
    #[serde(default)]
    #[schema(max_items = 10, min_length = 2, max_length = 35)]
    pub interpretation_languages: Vec<String>,
    /// Most participants, 1 to 10,000.
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: i32,
    /// Lower-case words joined by `-`, e.g. `asia-pacific`.
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub region: String,
    /// Accounts with the trainer role (or coordinators, admins); at most 20.
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(max_items = 20)]
    pub facilitator_ids: Vec<i64>,
    /// Published courses; at most 20, in the order they run.
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(max_items = 20)]
    pub course_ids: Vec<i64>,
}

/// `PATCH /api/v1/cohorts/{id}`: only the fields given change; the rules of creation
/// hold for the result. A facilitator may send `title` and `description` only.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCohortRequest {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub kind: Option<CohortKind>,
    /// In the cohort's default language.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Markdown, in the cohort's default language.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, max_length = 20000)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = NaiveDate, required = false)]
    pub starts_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = NaiveDate, required = false)]
    pub ends_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, min_length = 1, max_length = 64)]
    pub time_zone: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, min_length = 2, max_length = 35)]
    pub delivery_language: Option<String>,
    /// Replaces the whole list.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false, max_items = 10, min_length = 2, max_length = 35)]
    pub interpretation_languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present_int")]
    #[schema(nullable = false, minimum = 1, maximum = 10000)]
    pub capacity: Option<i32>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 40,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub region: Option<String>,
    /// Replaces the whole set.
    #[serde(default, deserialize_with = "crate::http::json::present_int_list")]
    #[schema(nullable = false, max_items = 20)]
    pub facilitator_ids: Option<Vec<i64>>,
    /// Replaces the whole list.
    #[serde(default, deserialize_with = "crate::http::json::present_int_list")]
    #[schema(nullable = false, max_items = 20)]
    pub course_ids: Option<Vec<i64>>,
}

/// An integer that may be absent but not `null`.
fn present_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    crate::http::json::int(d).map(Some)
}

/// `PUT /api/v1/cohorts/{id}/translations/{language}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortTranslationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown, at most 20,000 characters.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
}

/// `POST /api/v1/cohorts/{id}/transitions`: the state to move to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCohortTransitionRequest {
    /// The next state: `nominations_open` from `planning`, `selection` from
    /// `nominations_open`, `running` from `selection`, `completed` from `running`, or
    /// `cancelled` from any state before `completed`.
    pub status: CohortStatus,
}

/// `?lang=` of a single cohort.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CohortLangQuery {
    /// The language to answer in (BCP 47); overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
}

/// Query of `GET /api/v1/cohorts`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListCohortsQuery {
    /// Only cohorts in this state.
    pub status: Option<CohortStatus>,
    /// Only cohorts of this kind.
    pub kind: Option<CohortKind>,
    /// Only cohorts of this region code.
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 40)]
    pub region: Option<String>,
    /// The language to answer in (BCP 47); overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The sort a cohort-list cursor is made for: by start date, then id.
pub const COHORT_SORT: &str = "starts_on";

// ---------------------------------------------------------------- parsing

fn parse_title(raw: &str) -> Result<String, String> {
    clean_line(raw, 1, MAX_TITLE_CHARS)
}

fn parse_description(raw: &str) -> Result<String, String> {
    if raw.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(format!(
            "must be at most {MAX_DESCRIPTION_CHARS} characters"
        ));
    }
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    clean_block(raw, MAX_DESCRIPTION_CHARS)
}

/// A language tag in canonical case.
fn parse_language(raw: &str) -> Result<String, String> {
    if raw.chars().count() > MAX_LANGUAGE_CHARS {
        return Err(format!("must be at most {MAX_LANGUAGE_CHARS} characters"));
    }
    LanguageTag::parse(raw).map(|t| t.as_str().to_owned())
}

/// An IANA time zone name the tz database knows (`Asia/Manila`, `UTC`).
pub fn parse_time_zone(raw: &str) -> Result<String, String> {
    if raw.len() > MAX_TIME_ZONE_CHARS {
        return Err(format!("must be at most {MAX_TIME_ZONE_CHARS} characters"));
    }
    chrono_tz::Tz::from_str(raw)
        .map(|tz| tz.name().to_owned())
        .map_err(|_| {
            format!("`{raw}` is not an IANA time zone name, e.g. `Asia/Manila` or `Pacific/Fiji`")
        })
}

/// A region code: lower-case ASCII words joined by single `-`.
pub fn parse_region(raw: &str) -> Result<String, String> {
    if raw.len() <= MAX_REGION_CHARS && is_slug(raw, '-') {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "must be lower-case words joined by `-`, at most {MAX_REGION_CHARS} characters, e.g. `asia-pacific`"
        ))
    }
}

fn parse_capacity(raw: i32) -> Result<i32, String> {
    if (1..=MAX_CAPACITY).contains(&raw) {
        Ok(raw)
    } else {
        Err(format!("must be 1 to {MAX_CAPACITY}"))
    }
}

/// A list of at most `max` items, counted as sent (before any other work).
fn bounded<T>(items: &[T], max: usize) -> Result<(), String> {
    if items.len() <= max {
        Ok(())
    } else {
        Err(format!(
            "must hold at most {max} items, not {}",
            items.len()
        ))
    }
}

fn parse_languages(raw: &[String]) -> Result<Vec<String>, String> {
    bounded(raw, MAX_INTERPRETATION_LANGUAGES)?;
    let langs = raw
        .iter()
        .map(|l| parse_language(l))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(crate::types::distinct(langs))
}

fn parse_ids<T: From<i64> + Eq + Hash + Clone>(
    raw: Vec<i64>,
    max: usize,
) -> Result<Vec<T>, String> {
    bounded(&raw, max)?;
    Ok(crate::types::distinct(raw.into_iter().map(T::from)))
}

/// The texts of a body, each checked.
fn texts(f: &mut Fields, title: &str, description: Option<&str>) -> Option<CohortTexts> {
    let title = f.check("title", "invalid_title", parse_title(title));
    let description = f.check(
        "description",
        "invalid_description",
        parse_description(description.unwrap_or("")),
    );
    Some(CohortTexts {
        title: title?,
        description: description?,
    })
}

/// 422 `ends_before_start` when the last day comes before the first.
pub fn check_dates(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), ApiError> {
    if ends_on < starts_on {
        Err(ApiError::invalid_field(
            "ends_on",
            "ends_before_start",
            "the last day cannot come before the first (`starts_on`)",
        ))
    } else {
        Ok(())
    }
}

impl TryFrom<CreateCohortRequest> for NewCohortInput {
    type Error = ApiError;

    /// Every field checked; 422 with all the errors at once.
    fn try_from(req: CreateCohortRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let default_language = f.check(
            "default_language",
            "invalid_language",
            parse_language(&req.default_language),
        );
        let texts = texts(&mut f, &req.title, req.description.as_deref());
        let time_zone = f.check(
            "time_zone",
            "invalid_time_zone",
            parse_time_zone(&req.time_zone),
        );
        let delivery_language = f.check(
            "delivery_language",
            "invalid_language",
            parse_language(&req.delivery_language),
        );
        let interpretation = f.check(
            "interpretation_languages",
            "invalid_language",
            parse_languages(&req.interpretation_languages),
        );
        let capacity = f.check("capacity", "invalid_capacity", parse_capacity(req.capacity));
        let region = f.check("region", "invalid_region", parse_region(&req.region));
        let facilitators = f.check(
            "facilitator_ids",
            "too_many",
            parse_ids::<UserId>(req.facilitator_ids, MAX_FACILITATORS),
        );
        let courses = f.check(
            "course_ids",
            "too_many",
            parse_ids::<CourseId>(req.course_ids, MAX_COURSES),
        );
        if req.ends_on < req.starts_on {
            f.push(
                "ends_on",
                "ends_before_start",
                "the last day cannot come before the first (`starts_on`)",
            );
        }
        f.finish_with(|| {
            Some(Self {
                fields: CohortFields {
                    kind: req.kind,
                    starts_on: req.starts_on,
                    ends_on: req.ends_on,
                    time_zone: time_zone?,
                    delivery_language: delivery_language?,
                    interpretation_languages: interpretation?,
                    capacity: capacity?,
                    region: region?,
                    facilitator_ids: facilitators?,
                    course_ids: courses?,
                },
                default_language: default_language?,
                texts: texts?,
            })
        })
    }
}

impl TryFrom<UpdateCohortRequest> for CohortPatch {
    type Error = ApiError;

    /// Every field given checked; 422 with all the errors at once. Dates are checked
    /// against each other once the stored ones are known.
    fn try_from(req: UpdateCohortRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let mut patch = Self {
            kind: req.kind,
            starts_on: req.starts_on,
            ends_on: req.ends_on,
            ..Self::default()
        };
        if let Some(title) = req.title {
            patch.title = f.check("title", "invalid_title", parse_title(&title));
        }
        if let Some(description) = req.description {
            patch.description = f.check(
                "description",
                "invalid_description",
                parse_description(&description),
            );
        }
        if let Some(zone) = req.time_zone {
            patch.time_zone = f.check("time_zone", "invalid_time_zone", parse_time_zone(&zone));
        }
        if let Some(lang) = req.delivery_language {
            patch.delivery_language = f.check(
                "delivery_language",
                "invalid_language",
                parse_language(&lang),
            );
        }
        if let Some(langs) = req.interpretation_languages {
            patch.interpretation_languages = f.check(
                "interpretation_languages",
                "invalid_language",
                parse_languages(&langs),
            );
        }
        if let Some(capacity) = req.capacity {
            patch.capacity = f.check("capacity", "invalid_capacity", parse_capacity(capacity));
        }
        if let Some(region) = req.region {
            patch.region = f.check("region", "invalid_region", parse_region(&region));
        }
        if let Some(ids) = req.facilitator_ids {
            patch.facilitator_ids = f.check(
                "facilitator_ids",
                "too_many",
                parse_ids(ids, MAX_FACILITATORS),
            );
        }
        if let Some(ids) = req.course_ids {
            patch.course_ids = f.check("course_ids", "too_many", parse_ids(ids, MAX_COURSES));
        }
        if let (Some(starts), Some(ends)) = (patch.starts_on, patch.ends_on)
            && ends < starts
        {
            f.push(
                "ends_on",
                "ends_before_start",
                "the last day cannot come before the first (`starts_on`)",
            );
        }
        f.finish()?;
        Ok(patch)
    }
}

impl TryFrom<CohortTranslationRequest> for CohortTexts {
    type Error = ApiError;

    fn try_from(req: CohortTranslationRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let texts = texts(&mut f, &req.title, req.description.as_deref());
        f.finish_with(|| texts)
    }
}

/// Checks a language in a path: 400 `invalid_path` naming `language`.
pub fn path_language(raw: &str) -> Result<String, ApiError> {
    parse_language(raw).map_err(|msg| ApiError::BadRequest {
        code: "invalid_path",
        detail: format!("the language in the path is invalid: {msg}"),
        errors: vec![FieldError::new("language", "invalid_language", msg)],
    })
}

/// Checks the `region` filter: 400 `invalid_query`.
pub fn query_region(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    raw.map(|r| parse_region(r).map_err(|m| ApiError::invalid_query("region", "invalid_region", m)))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_come_from_the_tz_database() {
        assert_eq!(parse_time_zone("Asia/Manila").unwrap(), "Asia/Manila");
        assert_eq!(parse_time_zone("UTC").unwrap(), "UTC");
        assert_eq!(parse_time_zone("Pacific/Fiji").unwrap(), "Pacific/Fiji");
        for bad in [
            "Mars/Olympus",
            "",
            "asia/manila ",
            "+08:00",
            &"A".repeat(65),
        ] {
            assert!(parse_time_zone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions_are_lower_case_words() {
        assert!(parse_region("asia-pacific").is_ok());
        for bad in ["", "Asia", "asia--pacific", "-a", "a b", &"a".repeat(41)] {
            assert!(parse_region(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_are_bounded_as_sent_and_made_distinct() {
        assert_eq!(
            parse_languages(&["fil".into(), "EN".into(), "fil".into()]).unwrap(),
            ["fil", "en"]
        );
        assert!(parse_languages(&vec!["en".to_owned(); 11]).is_err());
        assert_eq!(
            parse_ids::<UserId>(vec![3, 1, 3], 20).unwrap(),
            [UserId(3), UserId(1)]
        );
        assert!(parse_ids::<UserId>(vec![1; 21], 20).is_err());
    }

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let limits: &[(&str, &str, &str, usize)] = &[
            ("CreateCohortRequest", "title", "maxLength", MAX_TITLE_CHARS),
            ("UpdateCohortRequest", "title", "maxLength", MAX_TITLE_CHARS),
            (
                "CohortTranslationRequest",
                "title",
                "maxLength",
                MAX_TITLE_CHARS,
            ),
            (
                "CreateCohortRequest",
                "description",
                "maxLength",
                MAX_DESCRIPTION_CHARS,
            ),
            (
                "UpdateCohortRequest",
                "description",
                "maxLength",
                MAX_DESCRIPTION_CHARS,
            ),
            (
                "CohortTranslationRequest",
                "description",
                "maxLength",
                MAX_DESCRIPTION_CHARS,
            ),
            (
                "CreateCohortRequest",
                "default_language",
                "maxLength",
                MAX_LANGUAGE_CHARS,
            ),
            (
                "CreateCohortRequest",
                "delivery_language",
                "maxLength",
                MAX_LANGUAGE_CHARS,
            ),
            (
                "UpdateCohortRequest",
                "delivery_language",
                "maxLength",
                MAX_LANGUAGE_CHARS,
            ),
            (
                "CreateCohortRequest",
                "time_zone",
                "maxLength",
                MAX_TIME_ZONE_CHARS,
            ),
            (
                "UpdateCohortRequest",
                "time_zone",
                "maxLength",
                MAX_TIME_ZONE_CHARS,
            ),
            (
                "CreateCohortRequest",
                "region",
                "maxLength",
                MAX_REGION_CHARS,
            ),
            (
                "UpdateCohortRequest",
                "region",
                "maxLength",
                MAX_REGION_CHARS,
            ),
            (
                "CreateCohortRequest",
                "capacity",
                "maximum",
                MAX_CAPACITY as usize,
            ),
            (
                "UpdateCohortRequest",
                "capacity",
                "maximum",
                MAX_CAPACITY as usize,
            ),
            (
                "CreateCohortRequest",
                "interpretation_languages",
                "maxItems",
                MAX_INTERPRETATION_LANGUAGES,
            ),
            (
                "UpdateCohortRequest",
                "interpretation_languages",
                "maxItems",
                MAX_INTERPRETATION_LANGUAGES,
            ),
            (
                "CreateCohortRequest",
                "facilitator_ids",
                "maxItems",
                MAX_FACILITATORS,
            ),
            (
                "UpdateCohortRequest",
                "facilitator_ids",
                "maxItems",
                MAX_FACILITATORS,
            ),
            ("CreateCohortRequest", "course_ids", "maxItems", MAX_COURSES),
            ("UpdateCohortRequest", "course_ids", "maxItems", MAX_COURSES),
        ];
        for &(schema, property, keyword, expected) in limits {
            let at = &schemas[schema]["properties"][property];
            let stated = at[keyword].as_f64();
            assert_eq!(
                stated,
                Some(expected as f64),
                "{schema}.{property}.{keyword}: {at}"
            );
        }
        for (schema, property) in [
            ("CreateCohortRequest", "interpretation_languages"),
            ("UpdateCohortRequest", "interpretation_languages"),
        ] {
            let items = &schemas[schema]["properties"][property]["items"];
            assert_eq!(
                items["maxLength"].as_f64(),
                Some(MAX_LANGUAGE_CHARS as f64),
                "{schema}.{property}[]: {items}"
            );
        }
    }
}
