//! Reaction surveys as stored, the checks of a response against a survey's items, and the
//! arithmetic of results (pure functions, unit-tested here).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{
    survey_answers, survey_items, survey_responses, survey_translations, surveys,
};
use crate::error::FieldError;
use crate::types::ids::{CohortId, CourseId, LiveSessionId, SurveyId, SurveyItemId, UserId};

crate::vocabulary! {
    /// What a survey is attached to, and so who is asked.
    pub enum SurveyTarget {
        /// A live session of a cohort: its audience.
        Session => "session",
        /// The end of a course: its enrolled learners.
        Course => "course",
        /// The end of a cohort: its participants.
        Cohort => "cohort",
    }
}

crate::vocabulary! {
    /// The kind of a survey item.
    pub enum ItemKind {
        /// Agreement on a 5-point scale, 1 (strongly disagree) to 5 (strongly agree).
        Likert => "likert",
        /// A rating from 1 to the item's `scale_max` (2 to 10).
        Rating => "rating",
        /// One of the item's options, numbered from 0.
        SingleChoice => "single_choice",
        /// Free text.
        OpenText => "open_text",
    }
}

/// Points of a Likert item.
pub const LIKERT_POINTS: i32 = 5;
/// Results with fewer responses than this are withheld from everyone but admins.
pub const THRESHOLD: i64 = 5;

/// A survey as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = surveys)]
pub struct Survey {
    pub id: SurveyId,
    pub target: SurveyTarget,
    pub course_id: Option<CourseId>,
    pub cohort_id: Option<CohortId>,
    pub session_id: Option<LiveSessionId>,
    pub anonymous: bool,
    pub default_language: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    /// Responses so far, kept by the transactions that store them (not in the survey's
    /// representation, so not in its version).
    pub response_count: i64,
}

impl crate::http::etag::Versioned for Survey {
    const KIND: &'static str = "survey";

    fn id_and_version(&self) -> (i64, i64) {
        (self.id.get(), self.version)
    }
}

/// A new survey.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = surveys)]
pub struct NewSurvey {
    pub target: SurveyTarget,
    pub course_id: Option<CourseId>,
    pub cohort_id: Option<CohortId>,
    pub session_id: Option<LiveSessionId>,
    pub anonymous: bool,
    pub default_language: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An item as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = survey_items)]
pub struct SurveyItem {
    pub id: SurveyItemId,
    pub survey_id: SurveyId,
    pub position: i32,
    pub kind: ItemKind,
    pub required: bool,
    /// 5 (Likert), 2 to 10 (rating), the number of options (single choice), 0 (open text).
    pub scale_max: i32,
}

/// A new item.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = survey_items)]
pub struct NewSurveyItem {
    pub survey_id: SurveyId,
    pub position: i32,
    pub kind: ItemKind,
    pub required: bool,
    pub scale_max: i32,
}

/// A survey's texts in one language as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = survey_translations)]
pub struct SurveyTranslation {
    pub survey_id: SurveyId,
    pub language: String,
    pub title: String,
    pub description: String,
    /// JSON list of [`ItemTexts`], in item order.
    pub items: String,
    pub updated_at: NaiveDateTime,
}

/// One item's texts in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemTexts {
    pub prompt: String,
    #[serde(default)]
    pub options: Vec<String>,
}

/// A survey's texts in one language, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyTexts {
    pub title: String,
    pub description: String,
    pub items: Vec<ItemTexts>,
}

impl SurveyTexts {
    /// The row for `language`.
    pub fn row(
        &self,
        survey_id: SurveyId,
        language: String,
        at: NaiveDateTime,
    ) -> Result<SurveyTranslation, serde_json::Error> {
        Ok(SurveyTranslation {
            survey_id,
            language,
            title: self.title.clone(),
            description: self.description.clone(),
            items: serde_json::to_string(&self.items)?,
            updated_at: at,
        })
    }
}

/// An item as parsed from a create request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemInput {
    pub kind: ItemKind,
    pub required: bool,
    pub scale_max: i32,
}

/// A new response: a random id, the day only, and its respondent only when the survey is
/// not anonymous.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = survey_responses)]
pub struct NewResponse {
    pub id: String,
    pub survey_id: SurveyId,
    pub respondent_id: Option<UserId>,
    pub submitted_on: NaiveDate,
}

/// A new answer of a response.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = survey_answers)]
pub struct NewAnswer {
    pub response_id: String,
    pub item_id: SurveyItemId,
    pub value: Option<i32>,
    pub text: Option<String>,
}

/// A random response id: 128 random bits (UUID v4), in hex; nothing in it orders responses.
pub fn response_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// One answer as sent, its shape already read (a value or a text, not both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    /// Likert, rating, or an option's number.
    Value(i64),
    /// Open text, cleaned.
    Text(String),
}

/// One answer as parsed before the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerInput {
    pub item_id: SurveyItemId,
    pub answer: AnswerValue,
}

/// The answers of a response checked against the survey's items: 422 field errors for an
/// item not in the survey, an item answered twice, an answer of the wrong shape or out of
/// range, and a required item left out.
pub fn check_answers(
    items: &[SurveyItem],
    answers: &[AnswerInput],
) -> Result<Vec<(SurveyItemId, AnswerValue)>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut seen: BTreeMap<SurveyItemId, ()> = BTreeMap::new();
    let mut out = Vec::with_capacity(answers.len());
    for (i, a) in answers.iter().enumerate() {
        let Some(item) = items.iter().find(|it| it.id == a.item_id) else {
            errors.push(FieldError::new(
                format!("answers[{i}].item_id"),
                "unknown_item",
                "no item of this survey",
            ));
            continue;
        };
        if seen.insert(a.item_id, ()).is_some() {
            errors.push(FieldError::new(
                format!("answers[{i}].item_id"),
                "duplicate_item",
                "this item is answered twice",
            ));
            continue;
        }
        match (&a.answer, item.kind) {
            (AnswerValue::Text(_), ItemKind::OpenText) => {}
            (AnswerValue::Value(v), ItemKind::Likert | ItemKind::Rating) => {
                if *v < 1 || *v > i64::from(item.scale_max) {
                    errors.push(FieldError::new(
                        format!("answers[{i}].value"),
                        "out_of_range",
                        format!("must be from 1 to {}", item.scale_max),
                    ));
                    continue;
                }
            }
            (AnswerValue::Value(v), ItemKind::SingleChoice) => {
                if *v < 0 || *v >= i64::from(item.scale_max) {
                    errors.push(FieldError::new(
                        format!("answers[{i}].value"),
                        "out_of_range",
                        format!("must be an option's number, 0 to {}", item.scale_max - 1),
                    ));
                    continue;
                }
            }
            (AnswerValue::Text(_), _) => {
                errors.push(FieldError::new(
                    format!("answers[{i}].text"),
                    "wrong_shape",
                    "this item takes a `value`, not a `text`",
                ));
                continue;
            }
            (AnswerValue::Value(_), ItemKind::OpenText) => {
                errors.push(FieldError::new(
                    format!("answers[{i}].value"),
                    "wrong_shape",
                    "this item takes a `text`, not a `value`",
                ));
                continue;
            }
        }
        out.push((a.item_id, a.answer.clone()));
    }
    for item in items.iter().filter(|it| it.required) {
        if !answers.iter().any(|a| a.item_id == item.id) {
            errors.push(FieldError::new(
                "answers",
                "required",
                format!("item {} must be answered", item.id),
            ));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Counts per value (1..=max for scales, 0..max for options) and their mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// `(value, count)` for every possible value, zeros included, in order.
    pub counts: Vec<(i32, i64)>,
    /// Answers counted.
    pub answered: i64,
    /// Mean of the values (scales only; none without answers).
    pub mean: Option<f64>,
}

/// The distribution of an item from the counts stored (`(value, count)` in any order;
/// values outside the item's range are ignored).
pub fn distribution(item: &SurveyItem, stored: &[(i32, i64)]) -> Distribution {
    let values: Vec<i32> = match item.kind {
        ItemKind::Likert | ItemKind::Rating => (1..=item.scale_max).collect(),
        ItemKind::SingleChoice => (0..item.scale_max).collect(),
        ItemKind::OpenText => Vec::new(),
    };
    let counts: Vec<(i32, i64)> = values
        .iter()
        .map(|v| {
            let n = stored
                .iter()
                .filter(|(s, _)| s == v)
                .map(|(_, n)| n)
                .sum::<i64>();
            (*v, n)
        })
        .collect();
    let answered: i64 = counts.iter().map(|(_, n)| n).sum();
    let scale = matches!(item.kind, ItemKind::Likert | ItemKind::Rating);
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of responses are far below 2^52"
    )]
    let mean = (scale && answered > 0).then(|| {
        let sum: i64 = counts.iter().map(|(v, n)| i64::from(*v) * n).sum();
        sum as f64 / answered as f64
    });
    Distribution {
        counts,
        answered,
        mean,
    }
}

/// Responses over people asked; none when nobody is asked.
pub fn response_rate(responses: i64, invited: i64) -> Option<f64> {
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of people are far below 2^52"
    )]
    (invited > 0).then(|| responses as f64 / invited as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, kind: ItemKind, required: bool, scale_max: i32) -> SurveyItem {
        SurveyItem {
            id: SurveyItemId(id),
            survey_id: SurveyId(1),
            position: i32::try_from(id).unwrap_or(0),
            kind,
            required,
            scale_max,
        }
    }

    fn answer(item: i64, a: AnswerValue) -> AnswerInput {
        AnswerInput {
            item_id: SurveyItemId(item),
            answer: a,
        }
    }

    #[test]
    fn answers_are_checked_against_the_items() {
        let items = [
            item(1, ItemKind::Likert, true, 5),
            item(2, ItemKind::Rating, false, 10),
            item(3, ItemKind::SingleChoice, false, 3),
            item(4, ItemKind::OpenText, false, 0),
        ];
        let ok = check_answers(
            &items,
            &[
                answer(1, AnswerValue::Value(5)),
                answer(2, AnswerValue::Value(10)),
                answer(3, AnswerValue::Value(0)),
                answer(4, AnswerValue::Text("Good".into())),
            ],
        );
        assert_eq!(ok.map(|v| v.len()), Ok(4));
        let codes = |answers: &[AnswerInput]| -> Vec<(String, String)> {
            check_answers(&items, answers)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(
            codes(&[answer(1, AnswerValue::Value(6))]),
            [("answers[0].value".into(), "out_of_range".into())]
        );
        assert_eq!(
            codes(&[
                answer(1, AnswerValue::Value(0)),
                answer(3, AnswerValue::Value(3)),
                answer(9, AnswerValue::Value(1)),
                answer(4, AnswerValue::Value(1)),
                answer(2, AnswerValue::Text("x".into())),
            ])
            .into_iter()
            .map(|(_, c)| c)
            .collect::<Vec<_>>(),
            [
                "out_of_range",
                "out_of_range",
                "unknown_item",
                "wrong_shape",
                "wrong_shape"
            ]
        );
        assert_eq!(
            codes(&[answer(2, AnswerValue::Value(3))]),
            [("answers".into(), "required".into())]
        );
        assert_eq!(
            codes(&[
                answer(1, AnswerValue::Value(3)),
                answer(1, AnswerValue::Value(4))
            ]),
            [("answers[1].item_id".into(), "duplicate_item".into())]
        );
    }

    #[test]
    fn distributions_count_every_value_and_average_scales() {
        let likert = item(1, ItemKind::Likert, true, 5);
        let d = distribution(&likert, &[(5, 2), (3, 1), (9, 4)]);
        assert_eq!(d.counts, [(1, 0), (2, 0), (3, 1), (4, 0), (5, 2)]);
        assert_eq!(d.answered, 3);
        assert_eq!(d.mean, Some(13.0 / 3.0));
        let choice = item(2, ItemKind::SingleChoice, true, 2);
        let d = distribution(&choice, &[(1, 4)]);
        assert_eq!((d.counts, d.mean), (vec![(0, 0), (1, 4)], None));
        assert_eq!(distribution(&likert, &[]).mean, None);
        assert_eq!(response_rate(3, 4), Some(0.75));
        assert_eq!(response_rate(3, 0), None);
        let a = response_id();
        assert_eq!(a.len(), 32);
        assert_ne!(a, response_id());
    }
}
