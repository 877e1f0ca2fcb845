//! What the call endpoints read and write, and how a request becomes a [`CallInput`].

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::model::CefrLevel;
use crate::cohorts::calls::model::{CallCountry, CallInput, CallOrganisation, Profile};
use crate::db::truncate_to_stored;
use crate::error::{ApiError, Fields};
use crate::organisations::model::UnionRole;
use crate::types::text::clean_block;
use crate::types::{CohortId, CountryCode, CourseId, LanguageTag, OrganisationId};

// The limits of call bodies; `documented_limits_are_the_checked_ones` ties each to the
// number the OpenAPI schema states.
const MAX_ORGANISATIONS: usize = 500;
const MAX_COUNTRIES: usize = 250;
const MAX_UNION_ROLES: usize = 7;
const MAX_LANGUAGES: usize = 10;
const MAX_PREREQUISITES: usize = 20;
const MAX_NOTES_CHARS: usize = 5_000;
const MAX_LANGUAGE_CHARS: usize = 35;
const MIN_AGE: i32 = 14;
const MAX_AGE: i32 = 100;
const MAX_PLACES: i32 = 10_000;

/// A language a nominee must speak, at least at `min_level`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageRequirement {
    /// BCP 47 tag; a nominee's `fil-PH` meets `fil`.
    #[schema(min_length = 2, max_length = 35)]
    pub language: String,
    pub min_level: CefrLevel,
}

/// At most `places` nominations from one organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationQuota {
    #[serde(deserialize_with = "crate::http::json::int")]
    pub organisation_id: i64,
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 1, maximum = 10000)]
    pub places: i32,
}

/// At most `places` nominations from the organisations of one country.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountryQuota {
    /// ISO 3166-1 alpha-2, upper case.
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Z]{2}$")]
    pub country: String,
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 1, maximum = 10000)]
    pub places: i32,
}

/// The share of participants the coordinators aim for from one country.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountryShare {
    /// ISO 3166-1 alpha-2, upper case.
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Z]{2}$")]
    pub country: String,
    #[serde(deserialize_with = "crate::http::json::int")]
    #[schema(minimum = 0, maximum = 100)]
    pub percent: i32,
}

/// Soft criteria: shares of participants the coordinators aim for, shown beside the
/// nominations and in the selection view; nobody is refused for them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetShares {
    /// Women among the participants, 0 to 100.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 0, maximum = 100)]
    pub women_percent: Option<i32>,
    /// Participants under 35 in the year the cohort starts, 0 to 100.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 0, maximum = 100)]
    pub under_35_percent: Option<i32>,
    /// Shares per country; together at most 100.
    #[serde(default)]
    #[schema(max_items = 250)]
    pub countries: Vec<CountryShare>,
}

/// The participant profile of a cohort. Hard criteria, checked by the server when someone
/// is nominated or applies (422 naming each one missed): `union_roles`, `languages`,
/// `prerequisite_course_ids`, `prerequisite_cohort_ids`, `min_age`/`max_age` and the
/// call's invited organisations. Soft criteria: `target_shares` and `notes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// The nominee holds one of these union roles in the nominating organisation (empty:
    /// any role).
    #[serde(default)]
    #[schema(max_items = 7)]
    pub union_roles: Vec<UnionRole>,
    /// The nominee speaks each of these at least at its level (`/me/languages`).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub languages: Vec<LanguageRequirement>,
    /// Courses the nominee completed.
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(max_items = 20)]
    pub prerequisite_course_ids: Vec<i64>,
    /// Cohorts the nominee took part in (an accepted participant) and that completed.
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(max_items = 20)]
    pub prerequisite_cohort_ids: Vec<i64>,
    /// Youngest age, in the year the cohort starts (14 to 100). A nominee who has not
    /// given a birth year is "not stated", never refused for it.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 14, maximum = 100)]
    pub min_age: Option<i32>,
    /// Oldest age, in the year the cohort starts (14 to 100).
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 14, maximum = 100)]
    pub max_age: Option<i32>,
    #[serde(default)]
    pub target_shares: TargetShares,
    /// Free text: what else the coordinators look for.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub notes: String,
}

/// `PUT /api/v1/cohorts/{id}/call`: the whole call; what it leaves out is not part of it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallRequest {
    /// Last moment to nominate or apply (RFC 3339); in the future, and not after the
    /// cohort's first day.
    pub deadline: DateTime<Utc>,
    /// Whether members may apply themselves (their leader then endorses them or not).
    #[serde(default)]
    pub members_may_apply: bool,
    /// Organisations invited to nominate.
    #[serde(default, deserialize_with = "crate::http::json::int_list")]
    #[schema(max_items = 500)]
    pub invited_organisation_ids: Vec<i64>,
    /// Countries whose organisations are all invited (ISO 3166-1 alpha-2).
    #[serde(default)]
    #[schema(
        max_items = 250,
        min_length = 2,
        max_length = 2,
        pattern = "^[A-Z]{2}$"
    )]
    pub invited_countries: Vec<String>,
    /// At most so many nominations from an (invited) organisation.
    #[serde(default)]
    #[schema(max_items = 500)]
    pub organisation_quotas: Vec<OrganisationQuota>,
    /// At most so many nominations from the organisations of a country.
    #[serde(default)]
    #[schema(max_items = 250)]
    pub country_quotas: Vec<CountryQuota>,
    #[serde(default)]
    pub profile: ProfileBody,
}

/// A cohort's call for nominations and its participant profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CallResponse {
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    /// Whether the call is published: the cohort went past `planning` (before, only
    /// coordinators and admins read it).
    pub published: bool,
    /// Whether nominations are taken now: the cohort is in `nominations_open` and the
    /// deadline has not passed.
    pub open: bool,
    pub deadline: DateTime<Utc>,
    pub members_may_apply: bool,
    pub invited_organisation_ids: Vec<i64>,
    pub invited_countries: Vec<String>,
    pub organisation_quotas: Vec<OrganisationQuota>,
    pub country_quotas: Vec<CountryQuota>,
    pub profile: ProfileBody,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CallResponse {
    /// The answer for `call`, as stored with the times given.
    pub fn of(
        cohort_id: CohortId,
        call: &CallInput,
        published: bool,
        open: bool,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> Self {
        let p = &call.profile;
        Self {
            cohort_id,
            published,
            open,
            deadline: call.deadline.and_utc(),
            members_may_apply: call.members_may_apply,
            invited_organisation_ids: call
                .organisations
                .iter()
                .filter(|o| o.invited)
                .map(|o| o.organisation_id.get())
                .collect(),
            invited_countries: call
                .countries
                .iter()
                .filter(|c| c.invited)
                .map(|c| c.country.to_string())
                .collect(),
            organisation_quotas: call
                .organisations
                .iter()
                .filter_map(|o| {
                    o.places.map(|places| OrganisationQuota {
                        organisation_id: o.organisation_id.get(),
                        places,
                    })
                })
                .collect(),
            country_quotas: call
                .countries
                .iter()
                .filter_map(|c| {
                    c.places.map(|places| CountryQuota {
                        country: c.country.to_string(),
                        places,
                    })
                })
                .collect(),
            profile: ProfileBody {
                union_roles: p.union_roles.clone(),
                languages: p
                    .languages
                    .iter()
                    .map(|(language, min_level)| LanguageRequirement {
                        language: language.clone(),
                        min_level: *min_level,
                    })
                    .collect(),
                prerequisite_course_ids: p.course_ids.iter().map(|c| c.get()).collect(),
                prerequisite_cohort_ids: p.cohort_ids.iter().map(|c| c.get()).collect(),
                min_age: p.min_age,
                max_age: p.max_age,
                target_shares: TargetShares {
                    women_percent: p.target_women_percent,
                    under_35_percent: p.target_under_35_percent,
                    countries: call
                        .countries
                        .iter()
                        .filter_map(|c| {
                            c.target_percent.map(|percent| CountryShare {
                                country: c.country.to_string(),
                                percent,
                            })
                        })
                        .collect(),
                },
                notes: p.notes.clone(),
            },
            created_at,
            updated_at,
        }
    }
}

// ---------------------------------------------------------------- parsing

fn in_range(value: i32, min: i32, max: i32) -> Result<i32, String> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(format!("must be {min} to {max}"))
    }
}

fn country(raw: &str) -> Result<CountryCode, String> {
    CountryCode::parse(raw)
}

fn language(raw: &str) -> Result<String, String> {
    if raw.chars().count() > MAX_LANGUAGE_CHARS {
        return Err(format!("must be at most {MAX_LANGUAGE_CHARS} characters"));
    }
    LanguageTag::parse(raw).map(|t| t.as_str().to_owned())
}

/// The country entry of `country`, made on first use.
fn country_entry(
    countries: &mut BTreeMap<String, CallCountry>,
    code: CountryCode,
) -> &mut CallCountry {
    countries
        .entry(code.to_string())
        .or_insert_with(|| CallCountry {
            country: code,
            invited: false,
            places: None,
            target_percent: None,
        })
}

/// The organisations of a call: invited ones and quotas (each organisation once).
fn organisations(f: &mut Fields, req: &CallRequest) -> Vec<CallOrganisation> {
    let mut orgs: BTreeMap<i64, CallOrganisation> = BTreeMap::new();
    if f.at_most(
        "invited_organisation_ids",
        "too_many_items",
        req.invited_organisation_ids.len(),
        MAX_ORGANISATIONS,
    ) {
        for &id in &req.invited_organisation_ids {
            orgs.insert(
                id,
                CallOrganisation {
                    organisation_id: OrganisationId(id),
                    invited: true,
                    places: None,
                },
            );
        }
    }
    if f.at_most(
        "organisation_quotas",
        "too_many_items",
        req.organisation_quotas.len(),
        MAX_ORGANISATIONS,
    ) {
        for (i, q) in req.organisation_quotas.iter().enumerate() {
            let field = format!("organisation_quotas[{i}].places");
            let Some(places) = f.check(&field, "invalid_places", in_range(q.places, 1, MAX_PLACES))
            else {
                continue;
            };
            let entry = orgs.entry(q.organisation_id).or_insert(CallOrganisation {
                organisation_id: OrganisationId(q.organisation_id),
                invited: false,
                places: None,
            });
            if entry.places.is_some() {
                f.push(
                    &format!("organisation_quotas[{i}].organisation_id"),
                    "duplicate_organisation",
                    "names an organisation a quota was given already",
                );
            }
            entry.places = Some(places);
        }
    }
    orgs.into_values().collect()
}

/// The countries of a call: invited ones, quotas and target shares (each country once).
fn countries(f: &mut Fields, req: &CallRequest) -> Vec<CallCountry> {
    let mut out: BTreeMap<String, CallCountry> = BTreeMap::new();
    if f.at_most(
        "invited_countries",
        "too_many_items",
        req.invited_countries.len(),
        MAX_COUNTRIES,
    ) {
        for (i, raw) in req.invited_countries.iter().enumerate() {
            if let Some(code) = f.check(
                &format!("invited_countries[{i}]"),
                "invalid_country",
                country(raw),
            ) {
                country_entry(&mut out, code).invited = true;
            }
        }
    }
    if f.at_most(
        "country_quotas",
        "too_many_items",
        req.country_quotas.len(),
        MAX_COUNTRIES,
    ) {
        for (i, q) in req.country_quotas.iter().enumerate() {
            let code = f.check(
                &format!("country_quotas[{i}].country"),
                "invalid_country",
                country(&q.country),
            );
            let places = f.check(
                &format!("country_quotas[{i}].places"),
                "invalid_places",
                in_range(q.places, 1, MAX_PLACES),
            );
            if let (Some(code), Some(places)) = (code, places) {
                let entry = country_entry(&mut out, code);
                if entry.places.is_some() {
                    f.push(
                        &format!("country_quotas[{i}].country"),
                        "duplicate_country",
                        "names a country a quota was given already",
                    );
                }
                entry.places = Some(places);
            }
        }
    }
    let shares = &req.profile.target_shares.countries;
    if f.at_most(
        "profile.target_shares.countries",
        "too_many_items",
        shares.len(),
        MAX_COUNTRIES,
    ) {
        let mut total = 0;
        for (i, s) in shares.iter().enumerate() {
            let code = f.check(
                &format!("profile.target_shares.countries[{i}].country"),
                "invalid_country",
                country(&s.country),
            );
            let percent = f.check(
                &format!("profile.target_shares.countries[{i}].percent"),
                "invalid_share",
                in_range(s.percent, 0, 100),
            );
            if let (Some(code), Some(percent)) = (code, percent) {
                total += percent;
                let entry = country_entry(&mut out, code);
                if entry.target_percent.is_some() {
                    f.push(
                        &format!("profile.target_shares.countries[{i}].country"),
                        "duplicate_country",
                        "names a country a share was given already",
                    );
                }
                entry.target_percent = Some(percent);
            }
        }
        if total > 100 {
            f.push(
                "profile.target_shares.countries",
                "invalid_share",
                format!("the shares add up to {total}%, more than 100%"),
            );
        }
    }
    out.into_values().collect()
}

/// The profile of a body, each part checked; lists sorted and distinct.
fn profile(f: &mut Fields, p: &ProfileBody) -> Profile {
    let mut union_roles = Vec::new();
    if f.at_most(
        "profile.union_roles",
        "too_many_items",
        p.union_roles.len(),
        MAX_UNION_ROLES,
    ) {
        union_roles = p.union_roles.clone();
        union_roles.sort_by_key(|r| r.as_str());
        union_roles.dedup();
    }
    let mut languages: BTreeMap<String, CefrLevel> = BTreeMap::new();
    if f.at_most(
        "profile.languages",
        "too_many_languages",
        p.languages.len(),
        MAX_LANGUAGES,
    ) {
        for (i, l) in p.languages.iter().enumerate() {
            let Some(tag) = f.check(
                &format!("profile.languages[{i}].language"),
                "invalid_language",
                language(&l.language),
            ) else {
                continue;
            };
            match languages.entry(tag) {
                Entry::Vacant(e) => {
                    e.insert(l.min_level);
                }
                Entry::Occupied(_) => f.push(
                    &format!("profile.languages[{i}].language"),
                    "duplicate_language",
                    "names a language listed already",
                ),
            }
        }
    }
    let mut ids = |field: &str, raw: &[i64]| -> Vec<i64> {
        if !f.at_most(field, "too_many_items", raw.len(), MAX_PREREQUISITES) {
            return Vec::new();
        }
        let mut ids = raw.to_vec();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let course_ids = ids(
        "profile.prerequisite_course_ids",
        &p.prerequisite_course_ids,
    )
    .into_iter()
    .map(CourseId)
    .collect();
    let cohort_ids = ids(
        "profile.prerequisite_cohort_ids",
        &p.prerequisite_cohort_ids,
    )
    .into_iter()
    .map(CohortId)
    .collect();
    let age = |f: &mut Fields, field: &str, raw: Option<i32>| {
        raw.and_then(|a| f.check(field, "invalid_age", in_range(a, MIN_AGE, MAX_AGE)))
    };
    let min_age = age(f, "profile.min_age", p.min_age);
    let max_age = age(f, "profile.max_age", p.max_age);
    if let (Some(min), Some(max)) = (min_age, max_age)
        && max < min
    {
        f.push(
            "profile.max_age",
            "invalid_age_range",
            "the oldest age cannot be below the youngest (`min_age`)",
        );
    }
    let share = |f: &mut Fields, field: &str, raw: Option<i32>| {
        raw.and_then(|v| f.check(field, "invalid_share", in_range(v, 0, 100)))
    };
    let target_women_percent = share(
        f,
        "profile.target_shares.women_percent",
        p.target_shares.women_percent,
    );
    let target_under_35_percent = share(
        f,
        "profile.target_shares.under_35_percent",
        p.target_shares.under_35_percent,
    );
    let notes = if p.notes.trim().is_empty() {
        Some(String::new())
    } else {
        f.check(
            "profile.notes",
            "invalid_notes",
            clean_block(&p.notes, MAX_NOTES_CHARS),
        )
    };
    Profile {
        union_roles,
        languages: languages.into_iter().collect(),
        course_ids,
        cohort_ids,
        min_age,
        max_age,
        target_women_percent,
        target_under_35_percent,
        notes: notes.unwrap_or_default(),
    }
}

impl TryFrom<CallRequest> for CallInput {
    type Error = ApiError;

    /// Every field checked; 422 with all the errors at once.
    fn try_from(req: CallRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let deadline = truncate_to_stored(req.deadline.naive_utc());
        if req.deadline <= Utc::now() {
            f.push(
                "deadline",
                "deadline_passed",
                "the deadline must be in the future",
            );
        }
        let organisations = organisations(&mut f, &req);
        let countries = countries(&mut f, &req);
        if !organisations.iter().any(|o| o.invited) && !countries.iter().any(|c| c.invited) {
            f.push(
                "invited_organisation_ids",
                "nobody_invited",
                "a call invites at least one organisation or country",
            );
        }
        let profile = profile(&mut f, &req.profile);
        f.finish()?;
        Ok(Self {
            deadline,
            members_may_apply: req.members_may_apply,
            organisations,
            countries,
            profile,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: serde_json::Value) -> CallRequest {
        serde_json::from_value(body).unwrap()
    }

    fn codes(err: ApiError) -> Vec<(String, String)> {
        match err {
            ApiError::Validation(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_call_merges_invitations_quotas_and_shares_per_organisation_and_country() {
        let input = CallInput::try_from(request(serde_json::json!({
            "deadline": "2099-01-01T00:00:00Z",
            "invited_organisation_ids": [9, 3, 9],
            "invited_countries": ["PH"],
            "organisation_quotas": [{"organisation_id": 3, "places": 2}, {"organisation_id": 5, "places": 1}],
            "country_quotas": [{"country": "PH", "places": 4}],
            "profile": {"union_roles": ["organiser", "educator", "organiser"],
                        "target_shares": {"countries": [{"country": "FJ", "percent": 20}]}}
        })))
        .unwrap();
        let orgs: Vec<_> = input
            .organisations
            .iter()
            .map(|o| (o.organisation_id.get(), o.invited, o.places))
            .collect();
        assert_eq!(
            orgs,
            [(3, true, Some(2)), (5, false, Some(1)), (9, true, None)]
        );
        let countries: Vec<_> = input
            .countries
            .iter()
            .map(|c| (c.country.to_string(), c.invited, c.places, c.target_percent))
            .collect();
        assert_eq!(
            countries,
            [
                ("FJ".to_owned(), false, None, Some(20)),
                ("PH".to_owned(), true, Some(4), None)
            ]
        );
        assert_eq!(
            input.profile.union_roles,
            [UnionRole::Educator, UnionRole::Organiser]
        );
    }

    #[test]
    fn bad_calls_name_every_field() {
        let err = CallInput::try_from(request(serde_json::json!({
            "deadline": "2001-01-01T00:00:00Z",
            "invited_countries": ["ph"],
            "organisation_quotas": [{"organisation_id": 3, "places": 0}],
            "profile": {"min_age": 40, "max_age": 30,
                        "languages": [{"language": "en", "min_level": "B1"}, {"language": "EN", "min_level": "C1"}],
                        "target_shares": {"women_percent": 101,
                            "countries": [{"country": "PH", "percent": 60}, {"country": "ID", "percent": 50}]}}
        })))
        .unwrap_err();
        let codes = codes(err);
        for expected in [
            ("deadline", "deadline_passed"),
            ("invited_countries[0]", "invalid_country"),
            ("organisation_quotas[0].places", "invalid_places"),
            ("invited_organisation_ids", "nobody_invited"),
            ("profile.max_age", "invalid_age_range"),
            ("profile.languages[1].language", "duplicate_language"),
            ("profile.target_shares.women_percent", "invalid_share"),
            ("profile.target_shares.countries", "invalid_share"),
        ] {
            assert!(
                codes.contains(&(expected.0.to_owned(), expected.1.to_owned())),
                "{expected:?} in {codes:?}"
            );
        }
    }

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let limits: &[(&str, &str, &str, usize)] = &[
            (
                "CallRequest",
                "invited_organisation_ids",
                "maxItems",
                MAX_ORGANISATIONS,
            ),
            (
                "CallRequest",
                "invited_countries",
                "maxItems",
                MAX_COUNTRIES,
            ),
            (
                "CallRequest",
                "organisation_quotas",
                "maxItems",
                MAX_ORGANISATIONS,
            ),
            ("CallRequest", "country_quotas", "maxItems", MAX_COUNTRIES),
            ("ProfileBody", "union_roles", "maxItems", MAX_UNION_ROLES),
            ("ProfileBody", "languages", "maxItems", MAX_LANGUAGES),
            (
                "ProfileBody",
                "prerequisite_course_ids",
                "maxItems",
                MAX_PREREQUISITES,
            ),
            (
                "ProfileBody",
                "prerequisite_cohort_ids",
                "maxItems",
                MAX_PREREQUISITES,
            ),
            ("ProfileBody", "notes", "maxLength", MAX_NOTES_CHARS),
            ("ProfileBody", "min_age", "minimum", MIN_AGE as usize),
            ("ProfileBody", "max_age", "maximum", MAX_AGE as usize),
            ("TargetShares", "countries", "maxItems", MAX_COUNTRIES),
            (
                "LanguageRequirement",
                "language",
                "maxLength",
                MAX_LANGUAGE_CHARS,
            ),
            (
                "OrganisationQuota",
                "places",
                "maximum",
                MAX_PLACES as usize,
            ),
            ("CountryQuota", "places", "maximum", MAX_PLACES as usize),
        ];
        for &(schema, property, keyword, expected) in limits {
            let at = &schemas[schema]["properties"][property];
            assert_eq!(
                at[keyword].as_f64(),
                Some(expected as f64),
                "{schema}.{property}.{keyword}: {at}"
            );
        }
    }
}
