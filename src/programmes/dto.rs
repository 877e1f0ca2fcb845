//! What the programme endpoints read and write, and how a request becomes domain input.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, Fields};
use crate::programmes::model::{ProgrammeInput, ProgrammePatch, ProgrammeView, Targets};
use crate::types::text::{clean_block, clean_line};
use crate::types::{CohortId, CourseId, ProgrammeId};

/// Longest programme name.
const MAX_NAME_CHARS: usize = 200;
/// Longest programme description.
const MAX_DESCRIPTION_CHARS: usize = 5000;
/// Most participants a programme may aim at.
const MAX_PARTICIPANTS: i32 = 1_000_000;
/// Most countries a programme may aim at.
const MAX_COUNTRIES: i32 = 250;

/// A programme's target figures; each may be `null` (no target).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsBody {
    /// Participants reached (selected), 1 to 1,000,000.
    #[schema(minimum = 1, maximum = 1_000_000)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub participants: Option<i32>,
    /// Percent of participants who are women, 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub women_percent: Option<i32>,
    /// Percent of participants under 35, 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub under_35_percent: Option<i32>,
    /// Countries the participants come from, 1 to 250.
    #[schema(minimum = 1, maximum = 250)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub countries: Option<i32>,
    /// Percent of participants who complete, 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub completion_percent: Option<i32>,
}

impl From<Targets> for TargetsBody {
    fn from(t: Targets) -> Self {
        Self {
            participants: t.participants,
            women_percent: t.women_percent,
            under_35_percent: t.under_35_percent,
            countries: t.countries,
            completion_percent: t.completion_percent,
        }
    }
}

/// A programme: cohorts and courses judged together against target figures.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProgrammeResponse {
    #[schema(value_type = i64)]
    pub id: ProgrammeId,
    pub name: String,
    /// Plain text or Markdown source.
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub targets: TargetsBody,
    /// Its cohorts, by id.
    #[schema(value_type = Vec<i64>)]
    pub cohort_ids: Vec<CohortId>,
    /// Its courses, by id.
    #[schema(value_type = Vec<i64>)]
    pub course_ids: Vec<CourseId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ProgrammeView> for ProgrammeResponse {
    fn from(v: &ProgrammeView) -> Self {
        let p = &v.programme;
        Self {
            id: p.id,
            name: p.name.clone(),
            description: p.description.clone(),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            targets: p.targets().into(),
            cohort_ids: v.cohort_ids.clone(),
            course_ids: v.course_ids.clone(),
            created_at: p.created_at.and_utc(),
            updated_at: p.updated_at.and_utc(),
        }
    }
}

/// `POST /api/v1/programmes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProgrammeRequest {
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// At most 5,000 characters.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    /// First day (`YYYY-MM-DD`).
    pub starts_on: NaiveDate,
    /// Last day, not before `starts_on`.
    pub ends_on: NaiveDate,
    /// Target figures (default: none).
    #[serde(default, deserialize_with = "crate::http::json::object")]
    pub targets: TargetsBody,
}

/// `PATCH /api/v1/programmes/{id}`: only the fields given change; `targets` given replaces
/// every target (a figure left out or `null` is no target).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProgrammeRequest {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(min_length = 1, max_length = 200, nullable = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(max_length = 5000, nullable = false)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub starts_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub ends_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::http::json::present_object")]
    #[schema(nullable = false)]
    pub targets: Option<TargetsBody>,
}

fn parse_name(raw: &str) -> Result<String, String> {
    clean_line(raw, 1, MAX_NAME_CHARS)
}

fn parse_description(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    clean_block(raw, MAX_DESCRIPTION_CHARS)
}

/// Each target in its range (422 `out_of_range` naming `targets.<figure>`).
fn parse_targets(f: &mut Fields, t: &TargetsBody) -> Option<Targets> {
    let mut ok = true;
    let mut check = |name: &str, v: Option<i32>, lo: i32, hi: i32| {
        if v.is_some_and(|v| v < lo || v > hi) {
            f.push(
                &format!("targets.{name}"),
                "out_of_range",
                format!("must be from {lo} to {hi}"),
            );
            ok = false;
        }
    };
    check("participants", t.participants, 1, MAX_PARTICIPANTS);
    check("women_percent", t.women_percent, 0, 100);
    check("under_35_percent", t.under_35_percent, 0, 100);
    check("countries", t.countries, 1, MAX_COUNTRIES);
    check("completion_percent", t.completion_percent, 0, 100);
    ok.then_some(Targets {
        participants: t.participants,
        women_percent: t.women_percent,
        under_35_percent: t.under_35_percent,
        countries: t.countries,
        completion_percent: t.completion_percent,
    })
}

/// 422 `invalid_dates` unless the programme starts before it ends.
pub fn check_dates(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), ApiError> {
    if starts_on > ends_on {
        return Err(ApiError::invalid_field(
            "ends_on",
            "invalid_dates",
            "must not be before starts_on",
        ));
    }
    Ok(())
}

impl TryFrom<CreateProgrammeRequest> for ProgrammeInput {
    type Error = ApiError;

    /// Every field checked; 422 with all the errors at once.
    fn try_from(req: CreateProgrammeRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let name = f.check("name", "invalid_name", parse_name(&req.name));
        let description = f.check(
            "description",
            "invalid_description",
            parse_description(&req.description),
        );
        if req.starts_on > req.ends_on {
            f.push("ends_on", "invalid_dates", "must not be before starts_on");
        }
        let targets = parse_targets(&mut f, &req.targets);
        f.finish_with(|| {
            Some(Self {
                name: name?,
                description: description?,
                starts_on: req.starts_on,
                ends_on: req.ends_on,
                targets: targets?,
            })
        })
    }
}

impl TryFrom<UpdateProgrammeRequest> for ProgrammePatch {
    type Error = ApiError;

    /// Every field given checked; 422 with all the errors at once (the dates' order is
    /// checked against the stored ones by the service).
    fn try_from(req: UpdateProgrammeRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let name = f.check_opt("name", "invalid_name", req.name.as_deref(), parse_name);
        let description = f.check_opt(
            "description",
            "invalid_description",
            req.description.as_deref(),
            parse_description,
        );
        if let (Some(s), Some(e)) = (req.starts_on, req.ends_on)
            && s > e
        {
            f.push("ends_on", "invalid_dates", "must not be before starts_on");
        }
        let targets = match &req.targets {
            Some(t) => parse_targets(&mut f, t).map(Some),
            None => Some(None),
        };
        f.finish_with(|| {
            Some(Self {
                name: name?,
                description: description?,
                starts_on: req.starts_on,
                ends_on: req.ends_on,
                targets: targets?,
            })
        })
    }
}

/// The cohorts or courses of a programme.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProgrammeMembersResponse {
    #[schema(value_type = i64)]
    pub programme_id: ProgrammeId,
    /// Their ids, ascending.
    pub ids: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let mut limits = vec![];
        for schema in ["CreateProgrammeRequest", "UpdateProgrammeRequest"] {
            limits.extend([
                (schema, "name", "maxLength", MAX_NAME_CHARS),
                (schema, "description", "maxLength", MAX_DESCRIPTION_CHARS),
            ]);
        }
        limits.extend([
            (
                "TargetsBody",
                "participants",
                "maximum",
                MAX_PARTICIPANTS as usize,
            ),
            (
                "TargetsBody",
                "countries",
                "maximum",
                MAX_COUNTRIES as usize,
            ),
        ]);
        crate::openapi::assert_documented_limits(&limits);
    }
}
