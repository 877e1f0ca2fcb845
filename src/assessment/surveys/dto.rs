//! Requests and answers of reaction surveys.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::assessment::surveys::model::{
    AnswerInput, AnswerValue, ItemInput, ItemKind, ItemTexts, LIKERT_POINTS, SurveyTarget,
    SurveyTexts,
};
use crate::db::truncate_to_stored;
use crate::error::{ApiError, Fields};
use crate::types::LanguageTag;
use crate::types::ids::{CohortId, CourseId, LiveSessionId, SurveyId, SurveyItemId};
use crate::types::text::{clean_block, clean_line};

/// Most items of a survey.
pub const MAX_ITEMS: usize = 50;
/// Most options of a single-choice item.
pub const MAX_OPTIONS: usize = 20;
/// Longest open answer, in characters.
pub const MAX_OPEN_TEXT: usize = 4000;
/// Longest title, prompt and option.
const MAX_TITLE: usize = 200;
const MAX_PROMPT: usize = 500;
const MAX_DESCRIPTION: usize = 4000;

// ---------------------------------------------------------------- requests

/// One item of a new survey, in the survey's default language.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyItemRequest {
    /// `likert` (1 to 5), `rating` (1 to `scale_max`), `single_choice` (an option's number,
    /// from 0) or `open_text`.
    pub kind: ItemKind,
    /// The question or statement, 1 to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub prompt: String,
    /// A single choice's options (2 to 20, each 1 to 200 characters); none for other kinds.
    #[schema(max_items = 20, min_length = 1, max_length = 200)]
    pub options: Option<Vec<String>>,
    /// A rating's highest value, 2 to 10 (default 5); none for other kinds.
    #[schema(value_type = Option<i64>, minimum = 2, maximum = 10)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub scale_max: Option<i64>,
    /// Whether a response must answer it (default: true, false for open text).
    pub required: Option<bool>,
}

/// `POST /courses/{id}/surveys` and `POST /cohorts/{id}/surveys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyRequest {
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Shown before the items, up to 4,000 characters.
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// BCP 47 tag of these texts; the course's or cohort's default language when absent.
    #[schema(max_length = 35)]
    pub language: Option<String>,
    /// Whether responses are anonymous (default true): then nothing stored ties a response
    /// to its respondent.
    pub anonymous: Option<bool>,
    /// RFC 3339; from when responses are taken (and reminders counted); now when absent.
    pub opens_at: Option<DateTime<Utc>>,
    /// RFC 3339, after `opens_at`; open without end when absent.
    pub closes_at: Option<DateTime<Utc>>,
    /// Cohorts only: a live session of the cohort, whose audience is asked (the cohort's
    /// participants when absent: a cohort-end survey).
    #[schema(value_type = Option<i64>)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub session_id: Option<i64>,
    /// 1 to 50 items, in order.
    #[schema(min_items = 1, max_items = 50)]
    pub items: Vec<SurveyItemRequest>,
}

/// A survey as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyInput {
    pub texts: SurveyTexts,
    pub language: Option<String>,
    pub anonymous: bool,
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    pub session_id: Option<LiveSessionId>,
    pub items: Vec<ItemInput>,
}

fn title(f: &mut Fields, field: &str, raw: &str) -> Option<String> {
    f.check(field, "invalid_title", clean_line(raw, 1, MAX_TITLE))
}

fn description(f: &mut Fields, raw: Option<&str>) -> Option<String> {
    f.check_opt("description", "invalid_description", raw, |d| {
        clean_block(d, MAX_DESCRIPTION)
    })
    .map(Option::unwrap_or_default)
}

fn options(f: &mut Fields, field: &str, raw: &[String]) -> Option<Vec<String>> {
    if !f.at_most(field, "too_many_options", raw.len(), MAX_OPTIONS) {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len());
    for (j, o) in raw.iter().enumerate() {
        out.push(f.check(
            &format!("{field}[{j}]"),
            "invalid_option",
            clean_line(o, 1, MAX_TITLE),
        )?);
    }
    Some(out)
}

impl TryFrom<SurveyRequest> for SurveyInput {
    type Error = ApiError;

    fn try_from(r: SurveyRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = title(&mut f, "title", &r.title);
        let description = description(&mut f, r.description.as_deref());
        let language = f.check_opt("language", "invalid_language", r.language.as_deref(), |l| {
            LanguageTag::parse(l).map(|t| t.as_str().to_owned())
        });
        let opens_at = r.opens_at.map(|t| truncate_to_stored(t.naive_utc()));
        let closes_at = r.closes_at.map(|t| truncate_to_stored(t.naive_utc()));
        // Both databases store these years; chrono reads far more.
        for (field, t) in [("opens_at", opens_at), ("closes_at", closes_at)] {
            if t.is_some_and(|t| !(2000..=9999).contains(&t.year())) {
                f.push(field, "out_of_range", "must lie in the years 2000 to 9999");
            }
        }
        if let (Some(o), Some(c)) = (opens_at, closes_at)
            && c <= o
        {
            f.push(
                "closes_at",
                "closes_before_opening",
                "must be after `opens_at`",
            );
        }
        let mut items = Vec::new();
        let mut texts = Vec::new();
        if r.items.is_empty() {
            f.push("items", "no_items", "a survey has at least one item");
        }
        if f.at_most("items", "too_many_items", r.items.len(), MAX_ITEMS) {
            for (i, it) in r.items.iter().enumerate() {
                let field = format!("items[{i}]");
                let prompt = f.check(
                    &format!("{field}.prompt"),
                    "invalid_prompt",
                    clean_line(&it.prompt, 1, MAX_PROMPT),
                );
                let opts = match (it.kind, &it.options) {
                    (ItemKind::SingleChoice, Some(o)) if o.len() >= 2 => {
                        options(&mut f, &format!("{field}.options"), o)
                    }
                    (ItemKind::SingleChoice, _) => {
                        f.push(
                            &format!("{field}.options"),
                            "too_few_options",
                            "a single choice has 2 to 20 options",
                        );
                        None
                    }
                    (_, Some(o)) if !o.is_empty() => {
                        f.push(
                            &format!("{field}.options"),
                            "not_allowed",
                            "only a single choice has options",
                        );
                        None
                    }
                    _ => Some(Vec::new()),
                };
                let scale_max = match (it.kind, it.scale_max) {
                    (ItemKind::Rating, None) => Some(5),
                    (ItemKind::Rating, Some(n)) if (2..=10).contains(&n) => i32::try_from(n).ok(),
                    (ItemKind::Rating, Some(_)) => {
                        f.push(
                            &format!("{field}.scale_max"),
                            "out_of_range",
                            "a rating goes up to 2 to 10",
                        );
                        None
                    }
                    (_, Some(_)) => {
                        f.push(
                            &format!("{field}.scale_max"),
                            "not_allowed",
                            "only a rating has `scale_max`",
                        );
                        None
                    }
                    (ItemKind::Likert, None) => Some(LIKERT_POINTS),
                    (ItemKind::SingleChoice, None) => {
                        opts.as_ref().and_then(|o| i32::try_from(o.len()).ok())
                    }
                    (ItemKind::OpenText, None) => Some(0),
                };
                if let (Some(prompt), Some(opts), Some(scale_max)) = (prompt, opts, scale_max) {
                    items.push(ItemInput {
                        kind: it.kind,
                        required: it.required.unwrap_or(it.kind != ItemKind::OpenText),
                        scale_max,
                    });
                    texts.push(ItemTexts {
                        prompt,
                        options: opts,
                    });
                }
            }
        }
        let session_id = r.session_id.map(LiveSessionId);
        f.finish_with(|| {
            Some(Self {
                texts: SurveyTexts {
                    title: title?,
                    description: description?,
                    items: texts,
                },
                language: language?,
                anonymous: r.anonymous.unwrap_or(true),
                opens_at,
                closes_at,
                session_id,
                items,
            })
        })
    }
}

/// One item's texts in another language.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemTranslationRequest {
    /// 1 to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub prompt: String,
    /// A single choice's options, as many as it has; none for other kinds.
    #[schema(max_items = 20, min_length = 1, max_length = 200)]
    pub options: Option<Vec<String>>,
}

/// `PUT /surveys/{id}/translations/{language}`: the survey's texts in one language, every
/// item in order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyTranslationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// One per item of the survey, in order.
    #[schema(max_items = 50)]
    pub items: Vec<ItemTranslationRequest>,
    /// Only in the survey's default language: `true` marks the change as minor (a typo),
    /// so that its translations stay complete; otherwise they become outdated.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub minor: Option<bool>,
}

impl TryFrom<SurveyTranslationRequest> for SurveyTexts {
    type Error = ApiError;

    fn try_from(r: SurveyTranslationRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = title(&mut f, "title", &r.title);
        let description = description(&mut f, r.description.as_deref());
        let mut items = Vec::new();
        if f.at_most("items", "too_many_items", r.items.len(), MAX_ITEMS) {
            for (i, it) in r.items.iter().enumerate() {
                let prompt = f.check(
                    &format!("items[{i}].prompt"),
                    "invalid_prompt",
                    clean_line(&it.prompt, 1, MAX_PROMPT),
                );
                let opts = options(
                    &mut f,
                    &format!("items[{i}].options"),
                    it.options.as_deref().unwrap_or_default(),
                );
                if let (Some(prompt), Some(options)) = (prompt, opts) {
                    items.push(ItemTexts { prompt, options });
                }
            }
        }
        f.finish_with(|| {
            Some(Self {
                title: title?,
                description: description?,
                items,
            })
        })
    }
}

/// One answer: `value` for a Likert item (1 to 5), a rating (1 to its `scale_max`) or a
/// single choice (the option's number, from 0); `text` for an open item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    #[schema(value_type = i64)]
    #[serde(deserialize_with = "crate::http::json::int")]
    pub item_id: i64,
    #[schema(value_type = Option<i64>)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub value: Option<i64>,
    /// Up to 4,000 characters.
    #[schema(max_length = 4000)]
    pub text: Option<String>,
}

/// `POST /surveys/{id}/responses`: the answers, at most one per item; items left out are
/// not answered (required ones must be).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseRequest {
    #[schema(max_items = 50)]
    pub answers: Vec<AnswerRequest>,
}

/// The answers as parsed (their shape; the survey's items are checked in the service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseInput {
    pub answers: Vec<AnswerInput>,
}

impl TryFrom<ResponseRequest> for ResponseInput {
    type Error = ApiError;

    fn try_from(r: ResponseRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let mut answers = Vec::new();
        if f.at_most("answers", "too_many_answers", r.answers.len(), MAX_ITEMS) {
            for (i, a) in r.answers.into_iter().enumerate() {
                let answer = match (a.value, a.text) {
                    (Some(v), None) => Some(AnswerValue::Value(v)),
                    (None, Some(t)) => f
                        .check(
                            &format!("answers[{i}].text"),
                            "invalid_text",
                            clean_block(&t, MAX_OPEN_TEXT),
                        )
                        .map(AnswerValue::Text),
                    (Some(_), Some(_)) => {
                        f.push(
                            &format!("answers[{i}]"),
                            "wrong_shape",
                            "give either `value` or `text`, not both",
                        );
                        None
                    }
                    (None, None) => {
                        f.push(
                            &format!("answers[{i}]"),
                            "wrong_shape",
                            "give `value` or `text`",
                        );
                        None
                    }
                };
                if let Some(answer) = answer {
                    answers.push(AnswerInput {
                        item_id: SurveyItemId(a.item_id),
                        answer,
                    });
                }
            }
        }
        f.finish()?;
        Ok(Self { answers })
    }
}

// ---------------------------------------------------------------- answers

/// One item in the reader's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyItemResponse {
    #[schema(value_type = i64)]
    pub id: SurveyItemId,
    pub kind: ItemKind,
    pub prompt: String,
    /// A single choice's options, numbered from 0 in this order; empty for other kinds.
    pub options: Vec<String>,
    /// The highest value: 5 (Likert), 2 to 10 (rating), the number of options (single
    /// choice), 0 (open text).
    pub scale_max: i32,
    pub required: bool,
}

/// A survey in the reader's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyResponse {
    #[schema(value_type = i64)]
    pub id: SurveyId,
    pub target: SurveyTarget,
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    #[schema(value_type = Option<i64>)]
    pub session_id: Option<LiveSessionId>,
    pub anonymous: bool,
    /// The language of the texts below.
    pub language: String,
    pub default_language: String,
    /// Every language the survey is written in.
    pub languages: Vec<String>,
    pub title: String,
    pub description: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: Option<DateTime<Utc>>,
    /// Whether responses are taken now.
    pub open: bool,
    /// Whether the caller has responded.
    pub responded: bool,
    /// Whether the caller may respond (asked, not responded, open).
    pub may_respond: bool,
    /// Whether the caller edits it and reads its results.
    pub editable: bool,
    pub items: Vec<SurveyItemResponse>,
    /// `true` when these texts translate an older version of the original (the texts in
    /// the default language) than the current one: still answered, but the original has
    /// changed since (see `source_updated_at`).
    pub outdated: bool,
    /// When the original last changed in a way that outdates translations; given only when
    /// `outdated` is `true`.
    pub source_updated_at: Option<DateTime<Utc>>,
}

/// A target's surveys, by id, each in the reader's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyList {
    pub items: Vec<SurveyResponse>,
}

/// The answer to a response: no id and no time, so that nothing ties it to the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseReceipt {
    #[schema(value_type = i64)]
    pub survey_id: SurveyId,
    /// The day it was recorded (UTC).
    pub submitted_on: NaiveDate,
    pub anonymous: bool,
}

/// How many answers chose one value.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueCount {
    /// 1 to `scale_max` for a scale, the option's number for a single choice.
    pub value: i32,
    /// The option's text, for a single choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub count: i64,
}

/// One distinct open answer and how many gave it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenAnswerResponse {
    pub text: String,
    /// Responses that gave this text, exactly.
    pub count: i64,
}

/// One item's results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemResultResponse {
    #[schema(value_type = i64)]
    pub item_id: SurveyItemId,
    pub kind: ItemKind,
    pub prompt: String,
    /// Responses that answered it.
    pub answered: i64,
    /// Mean value of a Likert item or a rating; null for other kinds or without answers.
    pub mean: Option<f64>,
    /// Every possible value with its count, zeros included (scales and single choices).
    pub distribution: Vec<ValueCount>,
    /// The first 20 open answers by text (never in the order they came); all of them,
    /// grouped by text, page by page from `GET /api/v1/surveys/{id}/items/{item_id}/open-answers`.
    pub open_answers: Vec<String>,
    /// How many open answers there are in all.
    pub open_answer_count: i64,
}

/// A survey's results. Below `suppressed_below` responses they are withheld
/// (`withheld: true`, no items): fewer than five for everyone but admins.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyResultsResponse {
    #[schema(value_type = i64)]
    pub survey_id: SurveyId,
    /// The language of the prompts and labels.
    pub language: String,
    pub anonymous: bool,
    /// People asked now (the session's audience, the cohort's participants, the course's
    /// learners).
    pub invited: i64,
    pub responses: i64,
    /// `responses / invited`; null when nobody is asked.
    pub response_rate: Option<f64>,
    /// Results under this many responses are withheld: 5, or 1 for admins.
    pub suppressed_below: i64,
    /// Whether the items' figures are withheld (too few responses).
    pub withheld: bool,
    /// Each item's figures, in order; empty when withheld.
    pub items: Vec<ItemResultResponse>,
}

/// `?lang=` of a localised read.
pub use crate::assessment::dto::LangQuery;
