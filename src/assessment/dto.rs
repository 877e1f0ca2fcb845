//! Requests and answers of question banks, quizzes and attempts, and their parsing into
//! domain input (every field error at once, before any transaction).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::assessment::model::{
    AnswerKey, ChoiceText, MAX_CHOICES, QuestionKind, QuestionTexts, Regrade, RegradeAttempt,
    RegradeVia,
};
use crate::error::FieldError;
use crate::error::{ApiError, Fields};
use crate::types::LanguageTag;
use crate::types::ids::{AttemptId, CourseId, QuestionId, RegradeId, UserId};
use crate::types::text::{clean_block, clean_line};

/// Longest stem or feedback, in characters.
pub const MAX_TEXT: usize = 4000;
/// Longest choice text, in characters.
pub const MAX_CHOICE: usize = 500;
/// Most tags on a question.
pub const MAX_TAGS: usize = 10;
/// Most accepted answers of a short-text question.
pub const MAX_ACCEPTED: usize = 20;

/// A choice's number, from 0 (the schema of keys' and answers' integers).
pub struct Position;

impl utoipa::PartialSchema for Position {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(0))
            .maximum(Some(MAX_CHOICES - 1))
            .into()
    }
}

impl ToSchema for Position {}

/// A choice as written: its text and, for matching, its pair.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceBody {
    /// The choice (an ordering's item, a matching pair's left side), 1 to 500 characters.
    #[schema(max_length = 500)]
    pub text: String,
    /// A matching pair's right side; only for `matching`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 500)]
    pub pair: Option<String>,
}

/// `POST /courses/{id}/questions` and `PUT /questions/{id}`: a whole question, its texts in
/// one language (the course's default language when `language` is left out) and its key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionRequest {
    pub kind: QuestionKind,
    /// The language of the texts, which becomes the question's default language.
    #[schema(example = "en", max_length = 35)]
    pub language: Option<String>,
    /// The question, Markdown, 1 to 4000 characters.
    #[schema(max_length = 4000)]
    pub stem: String,
    /// Shown after submission as the settings allow, at most 4000 characters.
    #[schema(max_length = 4000)]
    pub feedback: Option<String>,
    /// Choices in the author's order (2 to 20): for `ordering` that order is the answer,
    /// for `matching` each choice goes with its own `pair`. None for the other kinds.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub choices: Vec<ChoiceBody>,
    /// The correct choices, numbered from 0 in `choices`: exactly one for
    /// `single_choice`, at least one for `multiple_choice`.
    #[schema(max_items = 20, value_type = Option<Vec<Position>>, inline)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int_list")]
    pub correct: Option<Vec<usize>>,
    /// The answer of a `true_false` question.
    pub correct_boolean: Option<bool>,
    /// Accepted answers of a `short_text` question (1 to 20), compared ignoring case,
    /// accents and spaces.
    #[schema(max_items = 20, max_length = 500)]
    pub accepted_answers: Option<Vec<String>>,
    /// The answer of a `numeric` question.
    pub numeric_answer: Option<f64>,
    /// How far from `numeric_answer` still counts (default 0).
    pub tolerance: Option<f64>,
    /// Up to 10 tags (lower-case letters, digits and `-`, 1 to 40 characters), for pools.
    #[serde(default)]
    #[schema(max_items = 10, max_length = 40, pattern = "^[a-z0-9-]+$")]
    pub tags: Vec<String>,
    /// 1 (easiest) to 5; default 3.
    #[schema(minimum = 1, maximum = 5)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub difficulty: Option<i32>,
    /// Points for a correct answer, 1 to 100; default 1.
    #[schema(minimum = 1, maximum = 100)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub points: Option<i32>,
    /// `PUT` only: `true` marks a change of the texts as minor (a typo), so that their
    /// translations stay complete; otherwise they become outdated.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub minor: Option<bool>,
}

/// A question as parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionInput {
    pub key: AnswerKey,
    pub language: Option<String>,
    pub texts: QuestionTexts,
    pub tags: Vec<String>,
    pub difficulty: i32,
    pub points: i32,
    /// A change of the texts is minor: translations stay complete.
    pub minor: bool,
}

fn parse_tag(raw: &str) -> Result<String, String> {
    let ok = (1..=40).contains(&raw.len())
        && raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err("tags are 1 to 40 lower-case letters, digits or `-`".to_owned())
    }
}

/// Parses a tag (also of `?tag=` and quiz pools).
pub fn tag(raw: &str) -> Result<String, String> {
    parse_tag(raw)
}

fn texts(
    f: &mut Fields,
    stem: &str,
    feedback: Option<&str>,
    choices: &[ChoiceBody],
) -> Option<QuestionTexts> {
    let stem = f.check(
        "stem",
        "invalid_text",
        clean_block(stem, MAX_TEXT).and_then(|s| {
            if s.is_empty() {
                Err("must not be empty".to_owned())
            } else {
                Ok(s)
            }
        }),
    );
    let feedback = match feedback.filter(|s| !s.trim().is_empty()) {
        Some(s) => f.check("feedback", "invalid_text", clean_block(s, MAX_TEXT)),
        None => Some(String::new()),
    };
    let mut parsed = Vec::new();
    if f.at_most("choices", "too_many", choices.len(), MAX_CHOICES) {
        for (i, c) in choices.iter().enumerate() {
            let text = f.check(
                &format!("choices[{i}].text"),
                "invalid_text",
                clean_line(&c.text, 1, MAX_CHOICE),
            );
            let pair = match &c.pair {
                Some(p) => f
                    .check(
                        &format!("choices[{i}].pair"),
                        "invalid_text",
                        clean_line(p, 1, MAX_CHOICE),
                    )
                    .map(Some),
                None => Some(None),
            };
            if let (Some(text), Some(pair)) = (text, pair) {
                parsed.push(ChoiceText { text, pair });
            }
        }
    }
    Some(QuestionTexts {
        stem: stem?,
        feedback: feedback?,
        choices: parsed,
    })
}

/// Checks that choices fit a kind: how many there are, and pairs only (and always) for
/// matching.
pub fn check_choices(f: &mut Fields, kind: QuestionKind, choices: &[ChoiceBody]) {
    let wants_choices = matches!(
        kind,
        QuestionKind::SingleChoice
            | QuestionKind::MultipleChoice
            | QuestionKind::Ordering
            | QuestionKind::Matching
    );
    if wants_choices && choices.len() < 2 {
        f.push("choices", "required", "this kind needs 2 to 20 choices");
    }
    if !wants_choices && !choices.is_empty() {
        f.push("choices", "not_for_kind", "this kind has no choices");
    }
    for (i, c) in choices.iter().enumerate() {
        match (kind == QuestionKind::Matching, c.pair.is_some()) {
            (true, false) => f.push(
                &format!("choices[{i}].pair"),
                "required",
                "each matching choice needs its pair",
            ),
            (false, true) => f.push(
                &format!("choices[{i}].pair"),
                "not_for_kind",
                "only matching choices have pairs",
            ),
            _ => {}
        }
    }
}

fn not_for_kind<T>(f: &mut Fields, field: &str, value: &Option<T>) {
    if value.is_some() {
        f.push(
            field,
            "not_for_kind",
            "not a field of this kind of question",
        );
    }
}

impl TryFrom<QuestionRequest> for QuestionInput {
    type Error = ApiError;

    fn try_from(r: QuestionRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let language = match &r.language {
            Some(l) => f
                .check(
                    "language",
                    "invalid_language",
                    LanguageTag::parse(l).map(|t| t.as_str().to_owned()),
                )
                .map(Some),
            None => Some(None),
        };
        check_choices(&mut f, r.kind, &r.choices);
        let texts = texts(&mut f, &r.stem, r.feedback.as_deref(), &r.choices);
        let n = r.choices.len();
        if r.kind != QuestionKind::SingleChoice && r.kind != QuestionKind::MultipleChoice {
            not_for_kind(&mut f, "correct", &r.correct);
        }
        if r.kind != QuestionKind::TrueFalse {
            not_for_kind(&mut f, "correct_boolean", &r.correct_boolean);
        }
        if r.kind != QuestionKind::ShortText {
            not_for_kind(&mut f, "accepted_answers", &r.accepted_answers);
        }
        if r.kind != QuestionKind::Numeric {
            not_for_kind(&mut f, "numeric_answer", &r.numeric_answer);
            not_for_kind(&mut f, "tolerance", &r.tolerance);
        }
        let key = match r.kind {
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                let mut correct = r.correct.clone().unwrap_or_default();
                correct.sort_unstable();
                correct.dedup();
                let single = r.kind == QuestionKind::SingleChoice;
                if r.correct.is_none() || correct.is_empty() || (single && correct.len() != 1) {
                    f.push(
                        "correct",
                        "required",
                        if single {
                            "exactly one correct choice"
                        } else {
                            "at least one correct choice"
                        },
                    );
                    None
                } else if correct.iter().any(|&c| c >= n) {
                    f.push(
                        "correct",
                        "out_of_range",
                        format!("choices are numbered 0 to {}", n.saturating_sub(1)),
                    );
                    None
                } else if single {
                    Some(AnswerKey::SingleChoice {
                        correct: correct[0],
                    })
                } else {
                    Some(AnswerKey::MultipleChoice { correct })
                }
            }
            QuestionKind::TrueFalse => match r.correct_boolean {
                Some(correct) => Some(AnswerKey::TrueFalse { correct }),
                None => {
                    f.push(
                        "correct_boolean",
                        "required",
                        "the answer of a true_false question",
                    );
                    None
                }
            },
            QuestionKind::ShortText => {
                let raw = r.accepted_answers.clone().unwrap_or_default();
                if raw.is_empty() {
                    f.push(
                        "accepted_answers",
                        "required",
                        "at least one accepted answer",
                    );
                    None
                } else if f.at_most("accepted_answers", "too_many", raw.len(), MAX_ACCEPTED) {
                    let accepted: Vec<String> = raw
                        .iter()
                        .enumerate()
                        .filter_map(|(i, a)| {
                            f.check(
                                &format!("accepted_answers[{i}]"),
                                "invalid_text",
                                clean_line(a, 1, MAX_CHOICE),
                            )
                        })
                        .collect();
                    Some(AnswerKey::ShortText { accepted })
                } else {
                    None
                }
            }
            QuestionKind::Numeric => {
                let tolerance = r.tolerance.unwrap_or(0.0);
                if !(tolerance.is_finite() && tolerance >= 0.0) {
                    f.push("tolerance", "out_of_range", "a finite number, 0 or more");
                }
                match r.numeric_answer {
                    Some(value) if value.is_finite() => {
                        Some(AnswerKey::Numeric { value, tolerance })
                    }
                    Some(_) => {
                        f.push("numeric_answer", "out_of_range", "a finite number");
                        None
                    }
                    None => {
                        f.push(
                            "numeric_answer",
                            "required",
                            "the answer of a numeric question",
                        );
                        None
                    }
                }
            }
            QuestionKind::Ordering => Some(AnswerKey::Ordering),
            QuestionKind::Matching => Some(AnswerKey::Matching),
        };
        let mut tags = Vec::new();
        if f.at_most("tags", "too_many", r.tags.len(), MAX_TAGS) {
            for (i, t) in r.tags.iter().enumerate() {
                if let Some(t) = f.check(&format!("tags[{i}]"), "invalid_tag", parse_tag(t))
                    && !tags.contains(&t)
                {
                    tags.push(t);
                }
            }
        }
        let difficulty = r.difficulty.unwrap_or(3);
        if !(1..=5).contains(&difficulty) {
            f.push("difficulty", "out_of_range", "1 to 5");
        }
        let points = r.points.unwrap_or(1);
        if !(1..=100).contains(&points) {
            f.push("points", "out_of_range", "1 to 100");
        }
        f.finish_with(|| {
            Some(QuestionInput {
                key: key?,
                language: language?,
                texts: texts?,
                tags,
                difficulty,
                points,
                minor: r.minor.unwrap_or(false),
            })
        })
    }
}

/// `PUT /questions/{id}/translations/{language}`: the texts in one language, with as many
/// choices as the question has, in the author's order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionTranslationRequest {
    /// The question, Markdown, 1 to 4000 characters.
    #[schema(max_length = 4000)]
    pub stem: String,
    /// Feedback, at most 4000 characters.
    #[schema(max_length = 4000)]
    pub feedback: Option<String>,
    /// The choices' texts, in the author's order (pairs for matching).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub choices: Vec<ChoiceBody>,
    /// Only in the question's default language: `true` marks the change as minor (a typo),
    /// so that its translations stay complete; otherwise they become outdated.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(nullable = false)]
    pub minor: Option<bool>,
}

/// Parses a translation; the service checks its choices against the question.
pub fn translation_texts(
    r: QuestionTranslationRequest,
) -> Result<(QuestionTexts, Vec<ChoiceBody>), ApiError> {
    let mut f = Fields::default();
    let t = texts(&mut f, &r.stem, r.feedback.as_deref(), &r.choices);
    f.finish_with(|| t).map(|t| (t, r.choices))
}

/// Query of `GET /courses/{id}/questions`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuestionsQuery {
    /// Only questions with this tag (compared in lower case); a tag no question can carry
    /// matches nothing.
    pub tag: Option<String>,
    /// The reader's language; overrides `Accept-Language`.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub use crate::http::language::LangQuery;

/// A question of a bank, for its editors: texts in one language, the key, and its
/// version (which attempts record).
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResponse {
    #[schema(value_type = i64)]
    pub id: QuestionId,
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    pub kind: QuestionKind,
    /// The language of the texts below.
    pub language: String,
    pub default_language: String,
    /// Every language the question is written in.
    pub languages: Vec<String>,
    pub stem: String,
    pub feedback: String,
    pub choices: Vec<ChoiceBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct: Option<Vec<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_answers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numeric_answer: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    pub tags: Vec<String>,
    pub difficulty: i32,
    pub points: i32,
    /// Bumped by every change, translations included; attempts keep the version they used.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `true` when these texts translate an older version of the original (the texts in
    /// the default language) than the current one (see `source_updated_at`).
    pub outdated: bool,
    /// When the original last changed in a way that outdates translations; given only when
    /// `outdated` is `true`.
    pub source_updated_at: Option<DateTime<Utc>>,
}

impl QuestionResponse {
    /// Fills the key's fields.
    pub fn with_key(mut self, key: &AnswerKey) -> Self {
        match key {
            AnswerKey::SingleChoice { correct } => self.correct = Some(vec![*correct]),
            AnswerKey::MultipleChoice { correct } => self.correct = Some(correct.clone()),
            AnswerKey::TrueFalse { correct } => self.correct_boolean = Some(*correct),
            AnswerKey::ShortText { accepted } => self.accepted_answers = Some(accepted.clone()),
            AnswerKey::Numeric { value, tolerance } => {
                self.numeric_answer = Some(*value);
                self.tolerance = Some(*tolerance);
            }
            AnswerKey::Ordering | AnswerKey::Matching => {}
        }
        self
    }
}

/// A choice's texts as answered.
pub fn choice_bodies(choices: &[ChoiceText]) -> Vec<ChoiceBody> {
    choices
        .iter()
        .map(|c| ChoiceBody {
            text: c.text.clone(),
            pair: c.pair.clone(),
        })
        .collect()
}

/// The language of a translation's path (400 `invalid_path` naming `language`).
pub fn path_language(raw: &str) -> Result<String, ApiError> {
    LanguageTag::parse(raw)
        .map(|t| t.as_str().to_owned())
        .map_err(|msg| ApiError::BadRequest {
            code: "invalid_path",
            detail: format!("the language in the path is invalid: {msg}"),
            errors: vec![FieldError::new("language", "invalid_language", msg)],
        })
}

/// `POST /questions/{id}/regrade`: why the key was wrong (kept in the audit trail).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegradeRequest {
    /// 1 to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Parses a regrade's reason (422 `validation_failed` naming `reason`).
pub fn regrade_reason(r: RegradeRequest) -> Result<String, ApiError> {
    let mut f = Fields::default();
    let reason = f.check(
        "reason",
        "invalid_text",
        clean_line(&r.reason, 1, crate::assessment::regrade::MAX_REASON),
    );
    f.finish_with(|| reason)
}

/// What a regrade did to one submitted attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegradedAttempt {
    #[schema(value_type = i64)]
    pub attempt_id: AttemptId,
    pub old_score: f64,
    pub new_score: f64,
    pub old_max_score: f64,
    pub new_max_score: f64,
    pub old_passed: bool,
    pub new_passed: bool,
}

/// A regrade, as the audit trail holds it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegradeResponse {
    #[schema(value_type = i64)]
    pub id: RegradeId,
    #[schema(value_type = i64)]
    pub question_id: QuestionId,
    /// The corrected version every attempt of the question is now scored against.
    pub version: i64,
    /// Who asked for it; none from the command line (or a removed account).
    #[schema(value_type = Option<i64>)]
    pub actor_id: Option<UserId>,
    pub via: RegradeVia,
    pub reason: String,
    /// Attempts' questions that were scored against an older version.
    pub items_rekeyed: i32,
    /// Submitted attempts scored again.
    pub attempts_rescored: i32,
    /// Of those, how many changed score or pass.
    pub scores_changed: i32,
    pub created_at: DateTime<Utc>,
    /// The submitted attempts whose score or pass changed (only in the regrade's own answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<Vec<RegradedAttempt>>,
}

impl From<&Regrade> for RegradeResponse {
    fn from(r: &Regrade) -> Self {
        Self {
            id: r.id,
            question_id: r.question_id,
            version: r.version,
            actor_id: r.actor_id,
            via: r.via,
            reason: r.reason.clone(),
            items_rekeyed: r.items_rekeyed,
            attempts_rescored: r.attempts_rescored,
            scores_changed: r.scores_changed,
            created_at: r.created_at.and_utc(),
            changed: None,
        }
    }
}

impl From<&RegradeAttempt> for RegradedAttempt {
    fn from(r: &RegradeAttempt) -> Self {
        Self {
            attempt_id: r.attempt_id,
            old_score: r.old_score,
            new_score: r.new_score,
            old_max_score: r.old_max_score,
            new_max_score: r.new_max_score,
            old_passed: r.old_passed,
            new_passed: r.new_passed,
        }
    }
}

/// `GET /questions/{id}/regrades`: a question's regrades, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegradeList {
    pub items: Vec<RegradeResponse>,
}
