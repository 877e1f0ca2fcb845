//! Requests and answers of quizzes and attempts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::assessment::dto::{Position, tag};
use crate::assessment::model::{
    Answer, AttemptStatus, LatePolicy, QuestionKind, QuizEntry, QuizSettings, ShowWhen,
};
use crate::db::truncate_to_stored;
use crate::error::{ApiError, FieldError, Fields};
use crate::types::ids::{AttemptId, CohortId, CourseId, LessonId, QuestionId, QuizId};
use crate::types::text::at_most_chars;
use crate::types::text::clean_line;

/// Most entries of a quiz.
pub const MAX_ENTRIES: usize = 50;
/// Most questions drawn by one entry.
pub const MAX_DRAW: i32 = 50;
/// Longest short-text answer, in characters.
pub const MAX_ANSWER_TEXT: usize = 500;

/// One entry of a quiz: `question_id` for a fixed question, or `tag` and `count` to draw
/// `count` questions at random among those tagged `tag` (a question is never drawn twice).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuizEntryBody {
    #[schema(value_type = Option<i64>)]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::http::json::opt_int"
    )]
    pub question_id: Option<QuestionId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 40)]
    pub tag: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::http::json::opt_int"
    )]
    #[schema(minimum = 1, maximum = 50)]
    pub count: Option<i32>,
}

impl From<&QuizEntry> for QuizEntryBody {
    fn from(e: &QuizEntry) -> Self {
        match e {
            QuizEntry::Fixed(id) => Self {
                question_id: Some(*id),
                tag: None,
                count: None,
            },
            QuizEntry::Drawn { tag, count } => Self {
                question_id: None,
                tag: Some(tag.clone()),
                count: Some(*count),
            },
        }
    }
}

/// `PUT /lessons/{id}/quiz`: a quiz lesson's settings, whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuizRequest {
    /// 1 to 50 entries, in order.
    #[schema(max_items = 50)]
    pub questions: Vec<QuizEntryBody>,
    /// Attempts each learner may make, 1 to 100; none: unlimited.
    #[schema(minimum = 1, maximum = 100)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub attempts_allowed: Option<i32>,
    /// Time limit of an attempt in seconds, 30 to 86400; none: no limit.
    #[schema(minimum = 30, maximum = 86400)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub time_limit_seconds: Option<i32>,
    /// Seconds after the limit still taken as in time, 0 to 3600 (default 0).
    #[schema(minimum = 0, maximum = 3600)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub grace_seconds: Option<i32>,
    /// What becomes of answers after the limit and the grace period (default `refuse`).
    pub late_policy: Option<LatePolicy>,
    /// Percent of the points needed to pass, 0 to 100 (default 70).
    #[schema(minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub pass_mark: Option<i32>,
    /// Shuffle the questions of each attempt (default false).
    pub shuffle_questions: Option<bool>,
    /// Shuffle the choices of each question (default false; orderings and matching pairs
    /// are always shuffled).
    pub shuffle_choices: Option<bool>,
    /// When learners see feedback and which answers were right (default `after_submit`).
    pub show_feedback: Option<ShowWhen>,
    /// When learners see the correct answers (default `after_submit`).
    pub show_answers: Option<ShowWhen>,
    /// After this time no attempt starts; `after_close` reviews open then.
    pub closes_at: Option<DateTime<Utc>>,
}

/// A quiz's settings as parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizInput {
    pub settings: QuizSettings,
    pub entries: Vec<QuizEntry>,
}

fn in_range(f: &mut Fields, field: &str, v: Option<i32>, lo: i32, hi: i32) {
    if v.is_some_and(|v| !(lo..=hi).contains(&v)) {
        f.push(field, "out_of_range", format!("{lo} to {hi}"));
    }
}

impl TryFrom<QuizRequest> for QuizInput {
    type Error = ApiError;

    fn try_from(r: QuizRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let mut entries = Vec::new();
        if r.questions.is_empty() {
            f.push("questions", "required", "at least one entry");
        }
        if f.at_most("questions", "too_many", r.questions.len(), MAX_ENTRIES) {
            for (i, e) in r.questions.iter().enumerate() {
                let at = format!("questions[{i}]");
                match (e.question_id, &e.tag, e.count) {
                    (Some(id), None, None) => entries.push(QuizEntry::Fixed(id)),
                    (None, Some(t), Some(count)) => {
                        let t = f.check(&format!("{at}.tag"), "invalid_tag", tag(t));
                        if !(1..=MAX_DRAW).contains(&count) {
                            f.push(
                                &format!("{at}.count"),
                                "out_of_range",
                                format!("1 to {MAX_DRAW}"),
                            );
                        } else if let Some(tag) = t {
                            entries.push(QuizEntry::Drawn { tag, count });
                        }
                    }
                    _ => f.push(&at, "invalid_entry", "either question_id, or tag and count"),
                }
            }
        }
        in_range(&mut f, "attempts_allowed", r.attempts_allowed, 1, 100);
        in_range(
            &mut f,
            "time_limit_seconds",
            r.time_limit_seconds,
            30,
            86_400,
        );
        in_range(&mut f, "grace_seconds", r.grace_seconds, 0, 3600);
        in_range(&mut f, "pass_mark", r.pass_mark, 0, 100);
        f.finish()?;
        Ok(Self {
            entries,
            settings: QuizSettings {
                attempts_allowed: r.attempts_allowed,
                time_limit_seconds: r.time_limit_seconds,
                grace_seconds: r.grace_seconds.unwrap_or(0),
                late_policy: r.late_policy.unwrap_or(LatePolicy::Refuse),
                pass_mark: r.pass_mark.unwrap_or(70),
                shuffle_questions: r.shuffle_questions.unwrap_or(false),
                shuffle_choices: r.shuffle_choices.unwrap_or(false),
                show_feedback: r.show_feedback.unwrap_or(ShowWhen::AfterSubmit),
                show_answers: r.show_answers.unwrap_or(ShowWhen::AfterSubmit),
                closes_at: r.closes_at.map(|t| truncate_to_stored(t.naive_utc())),
            },
        })
    }
}

/// The cursor order of a cohort's quizzes.
pub const ID_SORT: &str = "id";
/// Longest title of a cohort's quiz, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// `POST /cohorts/{id}/quizzes`, `PUT /quizzes/{id}`: a cohort's quiz, whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortQuizRequest {
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// One of the cohort's courses, whose question bank the quiz draws on.
    #[serde(deserialize_with = "crate::http::json::int")]
    pub course_id: i64,
    /// The questions and settings, as for a quiz lesson.
    pub quiz: QuizRequest,
}

/// A cohort's quiz as parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortQuizInput {
    pub title: String,
    pub course_id: CourseId,
    pub quiz: QuizInput,
}

impl TryFrom<CohortQuizRequest> for CohortQuizInput {
    type Error = ApiError;

    fn try_from(r: CohortQuizRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let title = f.check(
            "title",
            "invalid_title",
            clean_line(&r.title, 1, MAX_TITLE_CHARS),
        );
        let quiz = match QuizInput::try_from(r.quiz) {
            Ok(q) => Some(q),
            Err(ApiError::Validation(errors)) => {
                for e in errors {
                    f.add(FieldError {
                        field: format!("quiz.{}", e.field),
                        ..e
                    });
                }
                None
            }
            Err(e) => return Err(e),
        };
        f.finish()?;
        // Both are there once no field is in error.
        title
            .zip(quiz)
            .map(|(title, quiz)| Self {
                title,
                course_id: CourseId(r.course_id),
                quiz,
            })
            .ok_or(ApiError::Validation(Vec::new()))
    }
}

/// One of the caller's attempts, in brief.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptSummary {
    #[schema(value_type = i64)]
    pub id: AttemptId,
    pub number: i32,
    pub status: AttemptStatus,
    pub started_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passed: Option<bool>,
}

/// A quiz's settings (a quiz lesson's, or a cohort's quiz's). Its entries (which questions)
/// only for its editors; the caller's own attempts for everyone.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuizResponse {
    #[schema(value_type = i64)]
    pub id: QuizId,
    /// The quiz lesson; none for a cohort's quiz.
    #[schema(value_type = Option<i64>)]
    pub lesson_id: Option<LessonId>,
    /// The cohort whose activity it is; none for a quiz lesson.
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    /// A cohort's quiz's title; none for a quiz lesson (the lesson has its title).
    pub title: Option<String>,
    /// The course whose question bank the quiz draws on.
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    /// How many questions an attempt holds (at most).
    pub question_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questions: Option<Vec<QuizEntryBody>>,
    pub attempts_allowed: Option<i32>,
    /// Attempts the caller may still start; none when unlimited.
    pub attempts_left: Option<i32>,
    pub time_limit_seconds: Option<i32>,
    pub grace_seconds: i32,
    pub late_policy: LatePolicy,
    pub pass_mark: i32,
    pub shuffle_questions: bool,
    pub shuffle_choices: bool,
    pub show_feedback: ShowWhen,
    pub show_answers: ShowWhen,
    pub closes_at: Option<DateTime<Utc>>,
    pub my_attempts: Vec<AttemptSummary>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// An answer: exactly one field, the one of the question's kind, in the positions the
/// attempt shows (choices numbered from 0 as listed in `choices`, matching pairs as listed
/// in `pairs`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// `single_choice`: the chosen choice.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::http::json::opt_int"
    )]
    #[schema(minimum = 0, maximum = 19)]
    pub choice: Option<usize>,
    /// `multiple_choice`: every chosen choice.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::http::json::opt_int_list"
    )]
    #[schema(max_items = 20, value_type = Option<Vec<Position>>, inline)]
    pub choices: Option<Vec<usize>>,
    /// `true_false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boolean: Option<bool>,
    /// `short_text`, at most 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 500)]
    pub text: Option<String>,
    /// `numeric`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    /// `ordering`: the shown choices in the order the learner puts them.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::http::json::opt_int_list"
    )]
    #[schema(max_items = 20, value_type = Option<Vec<Position>>, inline)]
    pub order: Option<Vec<usize>>,
    /// `matching`: for each shown choice, the shown pair it goes with.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::http::json::opt_int_list"
    )]
    #[schema(max_items = 20, value_type = Option<Vec<Position>>, inline)]
    pub pairs: Option<Vec<usize>>,
}

impl TryFrom<AnswerBody> for Answer {
    type Error = ApiError;

    fn try_from(b: AnswerBody) -> Result<Self, ApiError> {
        let mut found = Vec::new();
        if let Some(v) = b.choice {
            found.push(Answer::Choice(v));
        }
        if let Some(v) = b.choices {
            found.push(Answer::Choices(v));
        }
        if let Some(v) = b.boolean {
            found.push(Answer::Boolean(v));
        }
        if let Some(v) = b.text {
            at_most_chars(&v, MAX_ANSWER_TEXT)
                .map_err(|m| ApiError::invalid_field("text", "too_long", m))?;
            if crate::types::text::has_stray_controls(&v) {
                return Err(ApiError::invalid_field(
                    "text",
                    "invalid_text",
                    "must not contain control characters",
                ));
            }
            found.push(Answer::Text(v));
        }
        if let Some(v) = b.number {
            found.push(Answer::Number(v));
        }
        if let Some(v) = b.order {
            found.push(Answer::Order(v));
        }
        if let Some(v) = b.pairs {
            found.push(Answer::Pairs(v));
        }
        if found.len() != 1 {
            return Err(ApiError::invalid_field(
                "answer",
                "wrong_shape",
                "exactly one answer field, the one of the question's kind",
            ));
        }
        found.pop().ok_or(ApiError::NotFound)
    }
}

impl From<&Answer> for AnswerBody {
    fn from(a: &Answer) -> Self {
        let mut b = Self::default();
        match a {
            Answer::Choice(v) => b.choice = Some(*v),
            Answer::Choices(v) => b.choices = Some(v.clone()),
            Answer::Boolean(v) => b.boolean = Some(*v),
            Answer::Text(v) => b.text = Some(v.clone()),
            Answer::Number(v) => b.number = Some(*v),
            Answer::Order(v) => b.order = Some(v.clone()),
            Answer::Pairs(v) => b.pairs = Some(v.clone()),
        }
        b
    }
}

/// A question of an attempt. Before submission it holds no key and no feedback; after,
/// `earned`, `correct` and `feedback` as `show_feedback` allows and `correct_answer` as
/// `show_answers` allows.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptQuestion {
    #[schema(value_type = i64)]
    pub question_id: QuestionId,
    pub position: i32,
    pub kind: QuestionKind,
    pub stem: String,
    /// The choices in the order this attempt shows them (an ordering's items shuffled; a
    /// matching's left sides).
    pub choices: Vec<String>,
    /// A matching's right sides, in the order this attempt shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<String>,
    /// Points a correct answer earns.
    pub points: i32,
    pub answer: Option<AnswerBody>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Saved after the time limit and grace period (`mark_late` quizzes).
    pub late: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earned: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct_answer: Option<AnswerBody>,
}

/// An attempt: its state, its questions in order and, once submitted, its score.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptResponse {
    #[schema(value_type = i64)]
    pub id: AttemptId,
    #[schema(value_type = i64)]
    pub quiz_id: QuizId,
    /// The quiz lesson; none for a cohort's quiz.
    #[schema(value_type = Option<i64>)]
    pub lesson_id: Option<LessonId>,
    /// The cohort of a cohort's quiz; none for a quiz lesson.
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    pub number: i32,
    pub status: AttemptStatus,
    /// The language of the texts.
    pub language: String,
    pub started_at: DateTime<Utc>,
    /// When the time limit ends (the grace period comes after it).
    pub deadline_at: Option<DateTime<Utc>>,
    pub grace_seconds: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub pass_mark: i32,
    pub passed: Option<bool>,
    pub questions: Vec<AttemptQuestion>,
    pub version: i64,
}
