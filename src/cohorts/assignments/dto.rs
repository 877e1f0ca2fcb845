//! What the assignment endpoints read and write, and how a request becomes domain input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::cohorts::assignments::model::{
    Assignment, AssignmentInput, AssignmentPatch, Grading, Mark, MarkInput, Marking, Submission,
    SubmissionInput, SubmissionStatus,
};
use crate::db::truncate_to_stored;
use crate::error::{ApiError, Fields};
use crate::types::markdown::to_safe_html;
use crate::types::text::{clean_block, clean_line, web_address};
use crate::types::{AssignmentId, CohortId, SubmissionId, UserId};

// The limits of assignment bodies, as the OpenAPI schema states them.
const MAX_TITLE_CHARS: usize = 200;
const MAX_INSTRUCTIONS_CHARS: usize = 20_000;
const MAX_TEXT_CHARS: usize = 20_000;
const MAX_LINKS: usize = 10;
const MAX_LINK_CHARS: usize = 2_000;
const MAX_FEEDBACK_CHARS: usize = 10_000;
const MAX_POINTS: i64 = 1_000;

/// The sort of assignment and submission cursors: by id.
pub const ID_SORT: &str = "id";

// ---------------------------------------------------------------- requests

/// `POST /api/v1/cohorts/{id}/assignments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssignmentRequest {
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Markdown, at most 20,000 characters; answered as written and as safe HTML.
    #[schema(max_length = 20000)]
    pub instructions: String,
    /// When it is due (RFC 3339); a submission after it is marked late.
    pub due_at: DateTime<Utc>,
    /// `pass_fail`, or `points` (then `max_points` and `pass_points` are required).
    pub grading: Grading,
    /// With `points`: the most a submission can get, 1 to 1,000.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_points: Option<i64>,
    /// With `points`: the points needed to pass, 0 to `max_points`.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 0, maximum = 1000)]
    pub pass_points: Option<i64>,
}

/// `PATCH /api/v1/assignments/{id}`: absent fields stay. The marking (`grading`,
/// `max_points`, `pass_points`) changes as a whole: send `grading` with the points it needs;
/// it cannot change once a submission was marked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAssignmentRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 20000)]
    pub instructions: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub grading: Option<Grading>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_points: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 0, maximum = 1000)]
    pub pass_points: Option<i64>,
}

/// `PUT /api/v1/assignments/{id}/submissions/me`: text and/or links (at least one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// The answer as text (Markdown), at most 20,000 characters.
    #[schema(max_length = 20000)]
    #[serde(default)]
    pub text: Option<String>,
    /// Web addresses (http or https) of the work, at most 10 of at most 2,000 characters;
    /// a repeated one is kept once.
    #[schema(max_items = 10, max_length = 2000)]
    #[serde(default)]
    pub links: Option<Vec<String>>,
}

/// `POST /api/v1/submissions/{id}/grade`: `passed` for a `pass_fail` assignment, `points`
/// for a `points` one; feedback for the participant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeSubmissionRequest {
    pub passed: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    #[schema(minimum = 0, maximum = 1000)]
    pub points: Option<i64>,
    /// At most 10,000 characters.
    #[schema(max_length = 10000)]
    pub feedback: Option<String>,
}

/// Query of `GET /api/v1/assignments/{id}/submissions`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListSubmissionsQuery {
    /// Only submissions in this state.
    pub status: Option<SubmissionStatus>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

// ---------------------------------------------------------------- parsing

fn title(f: &mut Fields, raw: &str) -> Option<String> {
    f.check(
        "title",
        "invalid_title",
        clean_line(raw, 1, MAX_TITLE_CHARS),
    )
}

fn instructions(f: &mut Fields, raw: &str) -> Option<(String, String)> {
    let text = if raw.trim().is_empty() {
        Some(String::new())
    } else {
        f.check(
            "instructions",
            "invalid_instructions",
            clean_block(raw, MAX_INSTRUCTIONS_CHARS),
        )
    }?;
    let html = to_safe_html(&text);
    Some((text, html))
}

fn marking(
    f: &mut Fields,
    grading: Grading,
    max: Option<i64>,
    pass: Option<i64>,
) -> Option<Marking> {
    match grading {
        Grading::PassFail => {
            let mut ok = true;
            for (field, value) in [("max_points", max), ("pass_points", pass)] {
                if value.is_some() {
                    f.push(
                        field,
                        "not_for_pass_fail",
                        "a pass_fail assignment has no points",
                    );
                    ok = false;
                }
            }
            ok.then_some(Marking::PassFail)
        }
        Grading::Points => {
            let max = match max {
                None => {
                    f.push(
                        "max_points",
                        "required",
                        "a points assignment needs max_points",
                    );
                    None
                }
                Some(m) if !(1..=MAX_POINTS).contains(&m) => {
                    f.push("max_points", "out_of_range", "must be 1 to 1000");
                    None
                }
                Some(m) => i32::try_from(m).ok(),
            };
            let pass = match (pass, max) {
                (None, _) => {
                    f.push(
                        "pass_points",
                        "required",
                        "a points assignment needs pass_points",
                    );
                    None
                }
                (Some(p), Some(m)) if p < 0 || p > i64::from(m) => {
                    f.push("pass_points", "out_of_range", "must be 0 to max_points");
                    None
                }
                (Some(p), _) => i32::try_from(p).ok(),
            };
            Some(Marking::Points {
                max: max?,
                pass: pass?,
            })
        }
    }
}

impl TryFrom<CreateAssignmentRequest> for AssignmentInput {
    type Error = ApiError;

    fn try_from(body: CreateAssignmentRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = title(&mut f, &body.title);
        let instructions = instructions(&mut f, &body.instructions);
        let marking = marking(&mut f, body.grading, body.max_points, body.pass_points);
        f.finish_with(|| {
            let (instructions, instructions_html) = instructions?;
            Some(Self {
                title: title?,
                instructions,
                instructions_html,
                due_at: truncate_to_stored(body.due_at.naive_utc()),
                marking: marking?,
            })
        })
    }
}

impl TryFrom<UpdateAssignmentRequest> for AssignmentPatch {
    type Error = ApiError;

    fn try_from(body: UpdateAssignmentRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = body.title.as_deref().map(|t| title(&mut f, t));
        let instructions = body
            .instructions
            .as_deref()
            .map(|i| instructions(&mut f, i));
        let marking = match (body.grading, body.max_points, body.pass_points) {
            (None, None, None) => None,
            (None, _, _) => {
                f.push(
                    "grading",
                    "required",
                    "points change with the marking as a whole: send grading too",
                );
                None
            }
            (Some(g), max, pass) => Some(marking(&mut f, g, max, pass)),
        };
        f.finish_with(|| {
            Some(Self {
                title: title.map(|t| t.ok_or(())).transpose().ok()?,
                instructions: instructions.map(|t| t.ok_or(())).transpose().ok()?,
                due_at: body.due_at.map(|d| truncate_to_stored(d.naive_utc())),
                marking: marking.map(|m| m.ok_or(())).transpose().ok()?,
            })
        })
    }
}

impl TryFrom<SubmitRequest> for SubmissionInput {
    type Error = ApiError;

    fn try_from(body: SubmitRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let text = match body.text.as_deref() {
            None => Some(String::new()),
            Some(t) if t.trim().is_empty() => Some(String::new()),
            Some(t) => f.check("text", "invalid_text", clean_block(t, MAX_TEXT_CHARS)),
        };
        let raw_links = body.links.unwrap_or_default();
        let mut links: Vec<String> = Vec::new();
        if raw_links.len() > MAX_LINKS {
            f.push("links", "too_many_links", "at most 10 links");
        } else {
            for (i, raw) in raw_links.iter().enumerate() {
                if let Some(link) = f.check(
                    &format!("links[{i}]"),
                    "invalid_link",
                    web_address(raw, MAX_LINK_CHARS),
                ) && !links.contains(&link)
                {
                    links.push(link);
                }
            }
        }
        if f.is_empty() && text.as_deref().is_some_and(str::is_empty) && links.is_empty() {
            f.push(
                "text",
                "empty_submission",
                "hand in some text or at least one link",
            );
        }
        f.finish_with(|| Some(Self { text: text?, links }))
    }
}

impl TryFrom<GradeSubmissionRequest> for MarkInput {
    type Error = ApiError;

    fn try_from(body: GradeSubmissionRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let mark = match (body.passed, body.points) {
            (Some(p), None) => Some(Mark::Passed(p)),
            (None, Some(p)) if (0..=MAX_POINTS).contains(&p) => {
                i32::try_from(p).ok().map(Mark::Points)
            }
            (None, Some(_)) => {
                f.push("points", "out_of_range", "must be 0 to 1000");
                None
            }
            (None, None) => {
                f.push(
                    "passed",
                    "mark_required",
                    "send passed (pass_fail) or points (points)",
                );
                None
            }
            (Some(_), Some(_)) => {
                f.push("points", "one_mark", "send passed or points, not both");
                None
            }
        };
        let feedback = match body.feedback.as_deref() {
            None => Some(None),
            Some(t) if t.trim().is_empty() => Some(None),
            Some(t) => f
                .check(
                    "feedback",
                    "invalid_feedback",
                    clean_block(t, MAX_FEEDBACK_CHARS),
                )
                .map(Some),
        };
        f.finish_with(|| {
            Some(Self {
                mark: mark?,
                feedback: feedback?,
            })
        })
    }
}

// ---------------------------------------------------------------- responses

/// An assignment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssignmentResponse {
    #[schema(value_type = i64)]
    pub id: AssignmentId,
    #[schema(value_type = i64)]
    pub cohort_id: CohortId,
    pub title: String,
    /// Markdown as written.
    pub instructions: String,
    /// The instructions as safe HTML.
    pub instructions_html: String,
    pub due_at: DateTime<Utc>,
    pub grading: Grading,
    pub max_points: Option<i32>,
    pub pass_points: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Assignment> for AssignmentResponse {
    fn from(a: &Assignment) -> Self {
        Self {
            id: a.id,
            cohort_id: a.cohort_id,
            title: a.title.clone(),
            instructions: a.instructions.clone(),
            instructions_html: a.instructions_html.clone(),
            due_at: a.due_at.and_utc(),
            grading: a.grading,
            max_points: a.max_points,
            pass_points: a.pass_points,
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
        }
    }
}

/// A participant's submission, with its mark once given.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubmissionResponse {
    #[schema(value_type = i64)]
    pub id: SubmissionId,
    #[schema(value_type = i64)]
    pub assignment_id: AssignmentId,
    #[schema(value_type = i64)]
    pub user_id: UserId,
    /// The participant's display name.
    pub display_name: String,
    pub text: String,
    pub links: Vec<String>,
    /// When it was last handed in.
    pub submitted_at: DateTime<Utc>,
    /// Handed in (last) after the assignment's due time.
    pub late: bool,
    /// How many times it was handed in.
    pub submission_count: i32,
    pub status: SubmissionStatus,
    pub points: Option<i32>,
    pub feedback: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub graded_by: Option<UserId>,
    pub graded_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl SubmissionResponse {
    /// The answer for `s`, handed in by `display_name`.
    pub fn of(s: &Submission, display_name: String) -> Self {
        Self {
            id: s.id,
            assignment_id: s.assignment_id,
            user_id: s.user_id,
            display_name,
            text: s.body.clone(),
            links: s
                .links
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            submitted_at: s.submitted_at.and_utc(),
            late: s.late,
            submission_count: s.submission_count,
            status: s.status,
            points: s.points,
            feedback: s.feedback.clone(),
            graded_by: s.graded_by,
            graded_at: s.graded_at.map(|t| t.and_utc()),
            updated_at: s.updated_at.and_utc(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_are_the_checked_ones() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap_or_default();
        let schemas = &doc["components"]["schemas"];
        let limits: &[(&str, &str, &str, usize)] = &[
            (
                "CreateAssignmentRequest",
                "title",
                "maxLength",
                MAX_TITLE_CHARS,
            ),
            (
                "CreateAssignmentRequest",
                "instructions",
                "maxLength",
                MAX_INSTRUCTIONS_CHARS,
            ),
            ("SubmitRequest", "text", "maxLength", MAX_TEXT_CHARS),
            ("SubmitRequest", "links", "maxItems", MAX_LINKS),
            (
                "GradeSubmissionRequest",
                "feedback",
                "maxLength",
                MAX_FEEDBACK_CHARS,
            ),
        ];
        for &(schema, property, key, expected) in limits {
            let at = &schemas[schema]["properties"][property];
            let found = at[key].as_f64().or_else(|| {
                at["oneOf"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find_map(|branch| branch[key].as_f64())
            });
            assert_eq!(found, Some(expected as f64), "{schema}.{property}: {at}");
        }
        let links = serde_json::to_string(&schemas["SubmitRequest"]["properties"]["links"])
            .unwrap_or_default();
        assert!(
            links.contains(&format!("\"maxLength\":{MAX_LINK_CHARS}")),
            "{links}"
        );
    }
}
