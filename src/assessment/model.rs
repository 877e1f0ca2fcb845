//! Questions, quizzes and attempts as stored, the domain's vocabularies, and the pure rules
//! of the domain: answer keys, normalisation of short answers, the orders an attempt shows
//! choices in, and scoring.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::db::schema::{
    question_regrade_attempts, question_regrades, question_translations, question_versions,
    questions, quiz_attempt_items, quiz_attempts, quiz_items, quizzes,
};
use crate::http::etag;
use crate::types::ids::{
    AttemptId, CohortId, CourseId, LessonId, QuestionId, QuizId, RegradeId, UserId,
};

crate::vocabulary! {
    /// What a question asks for.
    pub enum QuestionKind {
        /// One of several choices.
        SingleChoice => "single_choice",
        /// Every correct choice and none of the others.
        MultipleChoice => "multiple_choice",
        /// True or false.
        TrueFalse => "true_false",
        /// A short text, compared with the accepted answers ignoring case, accents and spaces.
        ShortText => "short_text",
        /// A number, within a tolerance.
        Numeric => "numeric",
        /// The choices in the author's order.
        Ordering => "ordering",
        /// Each choice with its pair.
        Matching => "matching",
    }
}

crate::vocabulary! {
    /// What becomes of an answer after the time limit and its grace period.
    pub enum LatePolicy {
        /// Refused with 409 `attempt_expired`.
        Refuse => "refuse",
        /// Accepted, and the attempt is marked late.
        MarkLate => "mark_late",
    }
}

crate::vocabulary! {
    /// When a submitted attempt shows feedback or correct answers.
    pub enum ShowWhen {
        /// As soon as the attempt is submitted.
        AfterSubmit => "after_submit",
        /// Once the quiz has closed (`closes_at`).
        AfterClose => "after_close",
        /// Never to learners.
        Never => "never",
    }
}

crate::vocabulary! {
    /// Where an attempt is.
    pub enum AttemptStatus {
        /// Open for answers.
        InProgress => "in_progress",
        /// Past its time limit and grace period, not submitted: answers are refused, a
        /// submit scores what was saved in time.
        Expired => "expired",
        /// Scored; nothing changes any more.
        Submitted => "submitted",
    }
}

/// Most choices a question may have.
pub const MAX_CHOICES: usize = 20;

/// A choice's text in one language; a matching pair's right side is `pair`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceText {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<String>,
}

/// A question's texts in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionTexts {
    pub stem: String,
    pub feedback: String,
    pub choices: Vec<ChoiceText>,
}

/// What counts as correct. Choice numbers are the author's (0-based, in the order written);
/// an ordering's answer is the order written, a matching's each choice with its own pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerKey {
    SingleChoice { correct: usize },
    MultipleChoice { correct: Vec<usize> },
    TrueFalse { correct: bool },
    ShortText { accepted: Vec<String> },
    Numeric { value: f64, tolerance: f64 },
    Ordering,
    Matching,
}

impl AnswerKey {
    /// The kind of question the key answers.
    pub fn kind(&self) -> QuestionKind {
        match self {
            Self::SingleChoice { .. } => QuestionKind::SingleChoice,
            Self::MultipleChoice { .. } => QuestionKind::MultipleChoice,
            Self::TrueFalse { .. } => QuestionKind::TrueFalse,
            Self::ShortText { .. } => QuestionKind::ShortText,
            Self::Numeric { .. } => QuestionKind::Numeric,
            Self::Ordering => QuestionKind::Ordering,
            Self::Matching => QuestionKind::Matching,
        }
    }
}

/// A question as it was at one version: what attempts are shown and scored against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub default_language: String,
    pub points: i32,
    pub key: AnswerKey,
    /// Every language's texts.
    pub texts: BTreeMap<String, QuestionTexts>,
}

/// The order an attempt shows a question's choices in: `choices[i]` is the author's
/// number of the choice shown at `i`; `pairs[j]` that of the pair shown at `j` (matching).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub choices: Vec<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<usize>,
}

impl Layout {
    /// The layout of `n` choices of a `kind` question: orderings and matching pairs are
    /// always shuffled (their order would give the answer away); other choices only when
    /// `shuffle` is set.
    pub fn new(kind: QuestionKind, n: usize, shuffle: bool, rng: &mut StdRng) -> Self {
        let mut choices: Vec<usize> = (0..n).collect();
        let mut pairs = Vec::new();
        match kind {
            QuestionKind::Ordering => choices.shuffle(rng),
            QuestionKind::Matching => {
                if shuffle {
                    choices.shuffle(rng);
                }
                pairs = (0..n).collect();
                pairs.shuffle(rng);
            }
            _ if shuffle => choices.shuffle(rng),
            _ => {}
        }
        Self { choices, pairs }
    }

    fn shown(list: &[usize], authored: usize) -> usize {
        list.iter().position(|&a| a == authored).unwrap_or(0)
    }
}

/// The seeded generator of an attempt: the same seed always gives the same orders.
pub fn attempt_rng(seed: i64) -> StdRng {
    StdRng::seed_from_u64(u64::from_ne_bytes(seed.to_ne_bytes()))
}

/// A learner's answer, in the positions the attempt showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Choice(usize),
    Choices(Vec<usize>),
    Boolean(bool),
    Text(String),
    Number(f64),
    Order(Vec<usize>),
    Pairs(Vec<usize>),
}

impl Answer {
    /// The kind of question this shape answers.
    pub fn kind(&self) -> QuestionKind {
        match self {
            Self::Choice(_) => QuestionKind::SingleChoice,
            Self::Choices(_) => QuestionKind::MultipleChoice,
            Self::Boolean(_) => QuestionKind::TrueFalse,
            Self::Text(_) => QuestionKind::ShortText,
            Self::Number(_) => QuestionKind::Numeric,
            Self::Order(_) => QuestionKind::Ordering,
            Self::Pairs(_) => QuestionKind::Matching,
        }
    }

    /// Whether the answer fits a question of `kind` with `n` choices: choice numbers in
    /// range and distinct, orders and pairs a permutation of every shown position.
    pub fn fits(&self, kind: QuestionKind, n: usize) -> Result<(), String> {
        if self.kind() != kind {
            return Err(format!(
                "a {} question takes `{}`",
                kind.as_str(),
                field_of(kind)
            ));
        }
        let distinct = |v: &[usize]| {
            let mut seen = vec![false; n];
            v.iter()
                .all(|&i| i < n && !std::mem::replace(&mut seen[i], true))
        };
        let ok = match self {
            Self::Choice(i) => *i < n,
            Self::Choices(v) => distinct(v),
            Self::Order(v) | Self::Pairs(v) => v.len() == n && distinct(v),
            Self::Number(x) => x.is_finite(),
            Self::Boolean(_) | Self::Text(_) => true,
        };
        if ok {
            Ok(())
        } else {
            Err(match self {
                Self::Order(_) | Self::Pairs(_) => {
                    format!("must list each of the {n} shown positions once")
                }
                Self::Number(_) => "must be a finite number".to_owned(),
                _ => format!(
                    "choices are numbered 0 to {}, each at most once",
                    n.saturating_sub(1)
                ),
            })
        }
    }
}

/// The answer field a kind takes.
pub fn field_of(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::SingleChoice => "choice",
        QuestionKind::MultipleChoice => "choices",
        QuestionKind::TrueFalse => "boolean",
        QuestionKind::ShortText => "text",
        QuestionKind::Numeric => "number",
        QuestionKind::Ordering => "order",
        QuestionKind::Matching => "pairs",
    }
}

/// A short answer as compared: lower case, accents and other combining marks removed,
/// runs of white space made one space, trimmed.
pub fn normalise(text: &str) -> String {
    let stripped: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `answer` (in the shown positions of `layout`) is correct under `key`.
pub fn is_correct(key: &AnswerKey, layout: &Layout, answer: &Answer) -> bool {
    let authored = |i: &usize| layout.choices.get(*i).copied();
    match (key, answer) {
        (AnswerKey::SingleChoice { correct }, Answer::Choice(i)) => authored(i) == Some(*correct),
        (AnswerKey::MultipleChoice { correct }, Answer::Choices(v)) => {
            let mut got: Vec<Option<usize>> = v.iter().map(authored).collect();
            got.sort_unstable();
            let mut want: Vec<Option<usize>> = correct.iter().map(|c| Some(*c)).collect();
            want.sort_unstable();
            got == want
        }
        (AnswerKey::TrueFalse { correct }, Answer::Boolean(b)) => b == correct,
        (AnswerKey::ShortText { accepted }, Answer::Text(t)) => {
            let t = normalise(t);
            accepted.iter().any(|a| normalise(a) == t)
        }
        (AnswerKey::Numeric { value, tolerance }, Answer::Number(x)) => {
            (x - value).abs() <= *tolerance + f64::EPSILON * value.abs().max(1.0)
        }
        (AnswerKey::Ordering, Answer::Order(v)) => {
            v.len() == layout.choices.len()
                && v.iter().enumerate().all(|(k, i)| authored(i) == Some(k))
        }
        (AnswerKey::Matching, Answer::Pairs(v)) => {
            v.len() == layout.choices.len()
                && v.iter().enumerate().all(|(left, right)| {
                    authored(&left).is_some()
                        && authored(&left) == layout.pairs.get(*right).copied()
                })
        }
        _ => false,
    }
}

/// The correct answer in the shown positions of `layout` (a short text's first accepted
/// answer, a number's value).
pub fn correct_answer(key: &AnswerKey, layout: &Layout) -> Answer {
    match key {
        AnswerKey::SingleChoice { correct } => {
            Answer::Choice(Layout::shown(&layout.choices, *correct))
        }
        AnswerKey::MultipleChoice { correct } => {
            let mut v: Vec<usize> = correct
                .iter()
                .map(|c| Layout::shown(&layout.choices, *c))
                .collect();
            v.sort_unstable();
            Answer::Choices(v)
        }
        AnswerKey::TrueFalse { correct } => Answer::Boolean(*correct),
        AnswerKey::ShortText { accepted } => {
            Answer::Text(accepted.first().cloned().unwrap_or_default())
        }
        AnswerKey::Numeric { value, .. } => Answer::Number(*value),
        AnswerKey::Ordering => Answer::Order(
            (0..layout.choices.len())
                .map(|k| Layout::shown(&layout.choices, k))
                .collect(),
        ),
        AnswerKey::Matching => Answer::Pairs(
            layout
                .choices
                .iter()
                .map(|a| Layout::shown(&layout.pairs, *a))
                .collect(),
        ),
    }
}

/// Tags as stored: between commas, so that `LIKE '%,tag,%'` finds one.
pub fn join_tags(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!(",{},", tags.join(","))
    }
}

/// Stored tags as a list.
pub fn split_tags(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A question row (its current version).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = questions)]
pub struct Question {
    pub id: QuestionId,
    pub course_id: CourseId,
    pub kind: QuestionKind,
    pub default_language: String,
    pub tags: String,
    pub difficulty: i32,
    pub points: i32,
    /// [`AnswerKey`] as JSON.
    pub answer_key: String,
    pub choice_count: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i64,
}

etag::versioned_row!(Question, "question");

/// A new question row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = questions)]
pub struct NewQuestion {
    pub course_id: CourseId,
    pub kind: QuestionKind,
    pub default_language: String,
    pub tags: String,
    pub difficulty: i32,
    pub points: i32,
    pub answer_key: String,
    pub choice_count: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A question's whole new state (a replacement), version bumped by the repo.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = questions)]
pub struct QuestionChanges {
    pub kind: QuestionKind,
    pub default_language: String,
    pub tags: String,
    pub difficulty: i32,
    pub points: i32,
    pub answer_key: String,
    pub choice_count: i32,
    pub updated_at: NaiveDateTime,
}

/// A question's texts in one language, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = question_translations)]
pub struct QuestionTranslation {
    pub id: i64,
    pub question_id: QuestionId,
    pub language: String,
    pub stem: String,
    pub feedback: String,
    /// [`ChoiceText`]s as JSON.
    pub choices: String,
    pub updated_at: NaiveDateTime,
}

/// A new (or replaced) translation.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = question_translations)]
pub struct NewQuestionTranslation {
    pub question_id: QuestionId,
    pub language: String,
    pub stem: String,
    pub feedback: String,
    pub choices: String,
    pub updated_at: NaiveDateTime,
}

/// A question at one version.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = question_versions)]
pub struct QuestionVersion {
    pub id: i64,
    pub question_id: QuestionId,
    pub version: i64,
    /// [`Snapshot`] as JSON.
    pub content: String,
    pub created_at: NaiveDateTime,
}

/// A new version row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = question_versions)]
pub struct NewQuestionVersion {
    pub question_id: QuestionId,
    pub version: i64,
    pub content: String,
    pub created_at: NaiveDateTime,
}

/// A quiz's settings: of a lesson of kind `quiz`, or an activity of a cohort (with a title,
/// drawing on the bank of one of the cohort's courses).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quizzes)]
pub struct Quiz {
    pub id: QuizId,
    pub lesson_id: Option<LessonId>,
    pub cohort_id: Option<CohortId>,
    pub title: Option<String>,
    pub course_id: CourseId,
    pub attempts_allowed: Option<i32>,
    pub time_limit_seconds: Option<i32>,
    pub grace_seconds: i32,
    pub late_policy: LatePolicy,
    pub pass_mark: i32,
    pub shuffle_questions: bool,
    pub shuffle_choices: bool,
    pub show_feedback: ShowWhen,
    pub show_answers: ShowWhen,
    pub closes_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

etag::versioned_row!(Quiz, "quiz");

/// What a quiz belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuizOwner {
    /// A lesson of kind `quiz`.
    Lesson(LessonId),
    /// An activity of a cohort, with its title.
    Cohort { cohort: CohortId, title: String },
}

/// A quiz's settings as written (new or replaced).
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = quizzes, treat_none_as_null = true)]
pub struct QuizSettings {
    pub attempts_allowed: Option<i32>,
    pub time_limit_seconds: Option<i32>,
    pub grace_seconds: i32,
    pub late_policy: LatePolicy,
    pub pass_mark: i32,
    pub shuffle_questions: bool,
    pub shuffle_choices: bool,
    pub show_feedback: ShowWhen,
    pub show_answers: ShowWhen,
    pub closes_at: Option<NaiveDateTime>,
}

/// One entry of a quiz: a fixed question, or `count` drawn from those tagged `tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuizEntry {
    Fixed(QuestionId),
    Drawn { tag: String, count: i32 },
}

/// A quiz entry as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quiz_items)]
pub struct QuizItem {
    pub id: i64,
    pub quiz_id: QuizId,
    pub position: i32,
    pub question_id: Option<QuestionId>,
    pub tag: Option<String>,
    pub draw_count: Option<i32>,
}

impl QuizItem {
    /// The entry this row stores.
    pub fn entry(&self) -> QuizEntry {
        match (self.question_id, &self.tag) {
            (Some(id), _) => QuizEntry::Fixed(id),
            (None, tag) => QuizEntry::Drawn {
                tag: tag.clone().unwrap_or_default(),
                count: self.draw_count.unwrap_or(0),
            },
        }
    }
}

/// A new quiz entry row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = quiz_items, treat_none_as_default_value = false)]
pub struct NewQuizItem {
    pub quiz_id: QuizId,
    pub position: i32,
    pub question_id: Option<QuestionId>,
    pub tag: Option<String>,
    pub draw_count: Option<i32>,
}

/// A learner's attempt.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quiz_attempts)]
pub struct Attempt {
    pub id: AttemptId,
    pub quiz_id: QuizId,
    pub user_id: UserId,
    pub number: i32,
    pub seed: i64,
    pub started_at: NaiveDateTime,
    pub deadline_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub late: bool,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passed: Option<bool>,
    pub version: i64,
}

etag::versioned_row!(Attempt, "attempt");

impl Attempt {
    /// Where the attempt is at `now` under the quiz's grace period.
    pub fn status(&self, quiz: &Quiz, now: NaiveDateTime) -> AttemptStatus {
        if self.submitted_at.is_some() {
            AttemptStatus::Submitted
        } else if self.is_over(quiz, now) && quiz.late_policy == LatePolicy::Refuse {
            AttemptStatus::Expired
        } else {
            AttemptStatus::InProgress
        }
    }

    /// Whether `now` is past the time limit and the grace period.
    pub fn is_over(&self, quiz: &Quiz, now: NaiveDateTime) -> bool {
        self.deadline_at
            .is_some_and(|d| now > d + chrono::TimeDelta::seconds(i64::from(quiz.grace_seconds)))
    }
}

/// A new attempt row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = quiz_attempts)]
pub struct NewAttempt {
    pub quiz_id: QuizId,
    pub user_id: UserId,
    pub number: i32,
    pub seed: i64,
    pub started_at: NaiveDateTime,
    pub deadline_at: Option<NaiveDateTime>,
}

/// A question of an attempt.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quiz_attempt_items)]
pub struct AttemptItem {
    pub id: i64,
    pub attempt_id: AttemptId,
    pub position: i32,
    pub question_id: QuestionId,
    pub question_version_id: i64,
    /// [`Layout`] as JSON.
    pub layout: String,
    /// [`Answer`] as JSON.
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub late: bool,
    pub points: Option<f64>,
    /// The version whose key and points score the answer, once a regrade set it.
    pub key_version_id: Option<i64>,
}

impl AttemptItem {
    /// The version that scores the answer: the one a regrade set, else the one shown.
    pub fn scoring_version(&self) -> i64 {
        self.key_version_id.unwrap_or(self.question_version_id)
    }
}

/// A new attempt question row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = quiz_attempt_items)]
pub struct NewAttemptItem {
    pub attempt_id: AttemptId,
    pub position: i32,
    pub question_id: QuestionId,
    pub question_version_id: i64,
    pub layout: String,
}

crate::vocabulary! {
    /// Where a regrade was asked for.
    pub enum RegradeVia {
        /// `POST /questions/{id}/regrade`, by one of the course's editors.
        Api => "api",
        /// `bayanihan regrade`, by whoever runs the server.
        CommandLine => "command_line",
    }
}

/// A regrade as recorded (assessment's audit trail).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = question_regrades)]
pub struct Regrade {
    pub id: RegradeId,
    pub question_id: QuestionId,
    pub course_id: CourseId,
    pub version: i64,
    pub actor_id: Option<UserId>,
    pub via: RegradeVia,
    pub reason: String,
    pub items_rekeyed: i32,
    pub attempts_rescored: i32,
    pub scores_changed: i32,
    pub created_at: NaiveDateTime,
}

/// A new regrade record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = question_regrades)]
pub struct NewRegrade {
    pub question_id: QuestionId,
    pub course_id: CourseId,
    pub version: i64,
    pub actor_id: Option<UserId>,
    pub via: RegradeVia,
    pub reason: String,
    pub items_rekeyed: i32,
    pub attempts_rescored: i32,
    pub scores_changed: i32,
    pub created_at: NaiveDateTime,
}

/// What a regrade did to one submitted attempt.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = question_regrade_attempts)]
pub struct RegradeAttempt {
    pub regrade_id: RegradeId,
    pub attempt_id: AttemptId,
    pub old_score: f64,
    pub new_score: f64,
    pub old_max_score: f64,
    pub new_max_score: f64,
    pub old_passed: bool,
    pub new_passed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_answers_ignore_case_accents_and_spaces() {
        assert_eq!(
            normalise("  Ang  UNYÓN\tng\nmga  Manggagawà "),
            "ang unyon ng mga manggagawa"
        );
        let key = AnswerKey::ShortText {
            accepted: vec!["Unyon".to_owned()],
        };
        assert!(is_correct(
            &key,
            &Layout::default(),
            &Answer::Text(" unyón ".to_owned())
        ));
        assert!(!is_correct(
            &key,
            &Layout::default(),
            &Answer::Text("union".to_owned())
        ));
    }

    #[test]
    fn the_same_seed_gives_the_same_layout_and_the_correct_answer_scores() {
        for kind in [
            QuestionKind::SingleChoice,
            QuestionKind::MultipleChoice,
            QuestionKind::Ordering,
            QuestionKind::Matching,
        ] {
            let a = Layout::new(kind, 6, true, &mut attempt_rng(42));
            let b = Layout::new(kind, 6, true, &mut attempt_rng(42));
            assert_eq!(a, b);
            let key = match kind {
                QuestionKind::SingleChoice => AnswerKey::SingleChoice { correct: 4 },
                QuestionKind::MultipleChoice => AnswerKey::MultipleChoice {
                    correct: vec![1, 5],
                },
                QuestionKind::Ordering => AnswerKey::Ordering,
                _ => AnswerKey::Matching,
            };
            let right = correct_answer(&key, &a);
            assert!(right.fits(kind, 6).is_ok());
            assert!(is_correct(&key, &a, &right), "{kind:?}");
        }
    }

    #[test]
    fn numbers_within_the_tolerance() {
        let key = AnswerKey::Numeric {
            value: 3.5,
            tolerance: 0.25,
        };
        assert!(is_correct(&key, &Layout::default(), &Answer::Number(3.75)));
        assert!(!is_correct(&key, &Layout::default(), &Answer::Number(3.8)));
    }

    #[test]
    fn answers_of_the_wrong_shape_do_not_fit() {
        assert!(
            Answer::Choice(3)
                .fits(QuestionKind::SingleChoice, 3)
                .is_err()
        );
        assert!(
            Answer::Order(vec![0, 0, 1])
                .fits(QuestionKind::Ordering, 3)
                .is_err()
        );
        assert!(
            Answer::Boolean(true)
                .fits(QuestionKind::Numeric, 0)
                .is_err()
        );
        assert!(
            Answer::Choices(vec![])
                .fits(QuestionKind::MultipleChoice, 3)
                .is_ok()
        );
    }
}
