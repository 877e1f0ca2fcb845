//! Requests and answers of pre- and post-tests.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::assessment::prepost::model::{GroupGain, ItemStat, LearnerGain, PrePostTest};
use crate::error::{ApiError, Fields};
use crate::types::ids::{CohortId, CourseId, LessonId, PrePostTestId, QuestionId, UserId};

/// `POST /courses/{id}/pre-post-tests`: two quiz lessons of the course, given before and
/// after it (over the same pool, or two parallel forms), for the course's learners or one
/// cohort's participants.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrePostTestRequest {
    /// The quiz lesson taken before.
    #[serde(deserialize_with = "crate::http::json::int")]
    pub pre_lesson_id: i64,
    /// The quiz lesson taken after (another lesson).
    #[serde(deserialize_with = "crate::http::json::int")]
    pub post_lesson_id: i64,
    /// A cohort that runs the course: its participants are the group. None: every learner
    /// of the course.
    #[serde(default, deserialize_with = "crate::http::json::opt_int")]
    pub cohort_id: Option<i64>,
}

/// A pair as parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrePostInput {
    pub pre_lesson_id: LessonId,
    pub post_lesson_id: LessonId,
    pub cohort_id: Option<CohortId>,
}

impl TryFrom<PrePostTestRequest> for PrePostInput {
    type Error = ApiError;

    fn try_from(r: PrePostTestRequest) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        if r.pre_lesson_id == r.post_lesson_id {
            f.push(
                "post_lesson_id",
                "same_lesson",
                "the post-test is another lesson than the pre-test",
            );
        }
        f.finish()?;
        Ok(Self {
            pre_lesson_id: LessonId(r.pre_lesson_id),
            post_lesson_id: LessonId(r.post_lesson_id),
            cohort_id: r.cohort_id.map(CohortId),
        })
    }
}

/// A pre/post pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrePostTestResponse {
    #[schema(value_type = i64)]
    pub id: PrePostTestId,
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    #[schema(value_type = Option<i64>)]
    pub cohort_id: Option<CohortId>,
    #[schema(value_type = i64)]
    pub pre_lesson_id: LessonId,
    #[schema(value_type = i64)]
    pub post_lesson_id: LessonId,
    pub created_at: DateTime<Utc>,
}

impl From<&PrePostTest> for PrePostTestResponse {
    fn from(t: &PrePostTest) -> Self {
        Self {
            id: t.id,
            course_id: t.course_id,
            cohort_id: t.cohort_id,
            pre_lesson_id: t.pre_lesson_id,
            post_lesson_id: t.post_lesson_id,
            created_at: t.created_at.and_utc(),
        }
    }
}

/// A course's pairs.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrePostTestList {
    pub items: Vec<PrePostTestResponse>,
}

/// One learner's pre, post and gain. Scores are percent of the attempt's points: the
/// first submitted attempt at the pre quiz, the last at the post quiz.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearnerGainResponse {
    #[schema(value_type = i64)]
    pub user_id: UserId,
    /// In the group results only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub pre: Option<f64>,
    pub post: Option<f64>,
    /// `(post − pre) / (100 − pre)`; none without both, or with full marks before.
    pub gain: Option<f64>,
    /// Full marks on the pre-test: no gain can be measured, counted apart.
    pub ceiling: bool,
}

impl LearnerGainResponse {
    /// A learner's figures, with their name when given.
    pub fn new(l: &LearnerGain, display_name: Option<String>) -> Self {
        Self {
            user_id: l.user_id,
            display_name,
            pre: l.pre,
            post: l.post,
            gain: l.gain,
            ceiling: l.ceiling,
        }
    }
}

/// One question of one form.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemStatResponse {
    #[schema(value_type = i64)]
    pub question_id: QuestionId,
    /// Counted attempts that asked it.
    pub asked: i64,
    /// Share answered right, 0 to 1.
    pub share_correct: f64,
    /// Share right in the upper 27 % of attempts (by score) minus that in the lower 27 %;
    /// none when either group holds no attempt that asked it.
    pub discrimination: Option<f64>,
}

impl From<&ItemStat> for ItemStatResponse {
    fn from(s: &ItemStat) -> Self {
        Self {
            question_id: s.question_id,
            asked: i64::try_from(s.asked).unwrap_or(i64::MAX),
            share_correct: s.share_correct,
            discrimination: s.discrimination,
        }
    }
}

/// The group's results: counts, means over the learners with both tests, gains, item
/// analysis of each form, and each learner.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrePostResultsResponse {
    #[schema(value_type = i64)]
    pub pre_post_test_id: PrePostTestId,
    /// Learners with a pre-test, with a post-test, and with both.
    pub pre_count: i64,
    pub post_count: i64,
    pub paired_count: i64,
    /// Of those with both, how many had full marks before (no gain measured).
    pub ceiling_count: i64,
    /// Mean pre and post scores (percent) of the learners with both.
    pub mean_pre: Option<f64>,
    pub mean_post: Option<f64>,
    /// Mean of the individual normalised gains (those with both, without the ceiling ones).
    pub mean_gain: Option<f64>,
    /// The normalised gain of the means: `(mean_post − mean_pre) / (100 − mean_pre)`.
    pub gain_of_means: Option<f64>,
    pub pre_items: Vec<ItemStatResponse>,
    pub post_items: Vec<ItemStatResponse>,
    /// Every learner of the group with a test, by id.
    pub learners: Vec<LearnerGainResponse>,
}

/// The counts of [`GroupGain`] as JSON integers.
pub fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl PrePostResultsResponse {
    /// The answer from the computed figures.
    pub fn new(
        id: PrePostTestId,
        g: &GroupGain,
        pre_items: &[ItemStat],
        post_items: &[ItemStat],
        learners: Vec<LearnerGainResponse>,
    ) -> Self {
        Self {
            pre_post_test_id: id,
            pre_count: count(g.pre_count),
            post_count: count(g.post_count),
            paired_count: count(g.paired_count),
            ceiling_count: count(g.ceiling_count),
            mean_pre: g.mean_pre,
            mean_post: g.mean_post,
            mean_gain: g.mean_gain,
            gain_of_means: g.gain_of_means,
            pre_items: pre_items.iter().map(Into::into).collect(),
            post_items: post_items.iter().map(Into::into).collect(),
            learners,
        }
    }
}
