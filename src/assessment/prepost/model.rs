//! Pre- and post-tests as stored, and the arithmetic of learning gain and item analysis
//! (pure functions, unit-tested here).
//!
//! Scores are percentages of the attempt's maximum, so two parallel forms with different
//! points compare. A learner's pre-test is their first submitted attempt at the pre quiz;
//! their post-test their last submitted attempt at the post quiz.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::pre_post_tests;
use crate::types::ids::{
    AttemptId, CohortId, CourseId, LessonId, PrePostTestId, QuestionId, UserId,
};

/// A pre/post pair as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pre_post_tests)]
pub struct PrePostTest {
    pub id: PrePostTestId,
    pub course_id: CourseId,
    pub cohort_id: Option<CohortId>,
    pub pre_lesson_id: LessonId,
    pub post_lesson_id: LessonId,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

/// A new pre/post pair.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pre_post_tests)]
pub struct NewPrePostTest {
    pub course_id: CourseId,
    pub cohort_id: Option<CohortId>,
    pub pre_lesson_id: LessonId,
    pub post_lesson_id: LessonId,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

/// A submitted attempt as the results read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub attempt_id: AttemptId,
    pub user_id: UserId,
    pub number: i32,
    /// Score in percent of the attempt's maximum.
    pub percent: f64,
}

/// Score in percent; none for an attempt worth nothing.
pub fn percent(score: f64, max_score: f64) -> Option<f64> {
    (max_score > 0.0).then(|| 100.0 * score / max_score)
}

/// The attempt that counts for each learner: the first (`first`) or the last by number.
pub fn counted(attempts: &[Scored], first: bool) -> BTreeMap<UserId, Scored> {
    let mut out: BTreeMap<UserId, Scored> = BTreeMap::new();
    for a in attempts {
        match out.get(&a.user_id) {
            Some(b) if (first && b.number <= a.number) || (!first && b.number >= a.number) => {}
            _ => {
                out.insert(a.user_id, *a);
            }
        }
    }
    out
}

/// Within this of 100 % a pre-test counts as full marks (scores are sums of integer points).
const EPSILON: f64 = 1e-9;

/// Normalised gain `(post − pre) / (100 − pre)`, in percent points of what was left to
/// learn; undefined (none) when the pre-test had full marks.
pub fn normalised_gain(pre: f64, post: f64) -> Option<f64> {
    (pre < 100.0 - EPSILON).then(|| (post - pre) / (100.0 - pre))
}

/// One learner's pre, post and gain.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerGain {
    pub user_id: UserId,
    pub pre: Option<f64>,
    pub post: Option<f64>,
    /// None without both tests, or with full marks before (`ceiling`).
    pub gain: Option<f64>,
    /// Full marks on the pre-test: no gain can be measured; counted apart.
    pub ceiling: bool,
}

/// Each learner's pre and post (by user id).
pub fn learner_gains(
    pre: &BTreeMap<UserId, Scored>,
    post: &BTreeMap<UserId, Scored>,
) -> Vec<LearnerGain> {
    let mut users: Vec<UserId> = pre.keys().chain(post.keys()).copied().collect();
    users.sort_unstable();
    users.dedup();
    users
        .into_iter()
        .map(|u| {
            let (p, q) = (
                pre.get(&u).map(|s| s.percent),
                post.get(&u).map(|s| s.percent),
            );
            let ceiling = p.is_some_and(|p| p >= 100.0 - EPSILON);
            let gain = match (p, q) {
                (Some(p), Some(q)) => normalised_gain(p, q),
                _ => None,
            };
            LearnerGain {
                user_id: u,
                pre: p,
                post: q,
                gain,
                ceiling,
            }
        })
        .collect()
}

/// The group's figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupGain {
    /// Learners with a pre-test, with a post-test, with both.
    pub pre_count: usize,
    pub post_count: usize,
    pub paired_count: usize,
    /// Of the pairs, those with full marks before (no gain measured).
    pub ceiling_count: usize,
    /// Means over the pairs (learners with both tests).
    pub mean_pre: Option<f64>,
    pub mean_post: Option<f64>,
    /// Mean of the individual gains (pairs without the ceiling ones).
    pub mean_gain: Option<f64>,
    /// The gain of the means: `(mean_post − mean_pre) / (100 − mean_pre)`.
    pub gain_of_means: Option<f64>,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of learners are far below 2^52"
    )]
    (n > 0).then(|| sum / n as f64)
}

/// The group's counts, means and gains.
pub fn group_gain(learners: &[LearnerGain]) -> GroupGain {
    let pairs: Vec<(f64, f64)> = learners
        .iter()
        .filter_map(|l| Some((l.pre?, l.post?)))
        .collect();
    let mean_pre = mean(pairs.iter().map(|p| p.0));
    let mean_post = mean(pairs.iter().map(|p| p.1));
    GroupGain {
        pre_count: learners.iter().filter(|l| l.pre.is_some()).count(),
        post_count: learners.iter().filter(|l| l.post.is_some()).count(),
        paired_count: pairs.len(),
        ceiling_count: learners
            .iter()
            .filter(|l| l.ceiling && l.post.is_some())
            .count(),
        mean_pre,
        mean_post,
        mean_gain: mean(learners.iter().filter_map(|l| l.gain)),
        gain_of_means: match (mean_pre, mean_post) {
            (Some(a), Some(b)) => normalised_gain(a, b),
            _ => None,
        },
    }
}

/// One question's figures over the counted attempts of one form.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStat {
    pub question_id: QuestionId,
    /// Counted attempts that asked it.
    pub asked: usize,
    /// Share of them that answered it right, 0 to 1.
    pub share_correct: f64,
    /// Share right in the upper 27 % (by the attempt's score) minus that in the lower 27 %,
    /// -1 to 1; none when either group holds no attempt that asked it.
    pub discrimination: Option<f64>,
}

/// Share of attempts in each of the upper and lower groups.
pub const GROUP_SHARE: f64 = 0.27;

/// Item analysis of one form: `attempts` are the counted attempts, `answers` each asked
/// question of an attempt and whether it was answered right. Questions by id.
pub fn item_analysis(
    attempts: &[Scored],
    answers: &[(AttemptId, QuestionId, bool)],
) -> Vec<ItemStat> {
    let mut ranked: Vec<&Scored> = attempts.iter().collect();
    ranked.sort_by(|a, b| {
        b.percent
            .total_cmp(&a.percent)
            .then(a.attempt_id.cmp(&b.attempt_id))
    });
    let n = ranked.len();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "a rounded share of a count of attempts, far below 2^52"
    )]
    let k = if n >= 2 {
        ((GROUP_SHARE * n as f64).round() as usize).max(1)
    } else {
        0
    };
    // 1: upper group, -1: lower group, 0: neither (and every attempt when n < 2).
    let mut group: HashMap<AttemptId, i8> = HashMap::new();
    for (i, a) in ranked.iter().enumerate() {
        let g = if i < k {
            1
        } else if i >= n - k {
            -1
        } else {
            0
        };
        group.insert(a.attempt_id, g);
    }
    // Per question: asked, right, upper (asked, right), lower (asked, right).
    let mut tally: BTreeMap<QuestionId, [usize; 6]> = BTreeMap::new();
    for (attempt, question, right) in answers {
        let Some(&g) = group.get(attempt) else {
            continue;
        };
        let t = tally.entry(*question).or_default();
        let right = usize::from(*right);
        t[0] += 1;
        t[1] += right;
        match g {
            1 => {
                t[2] += 1;
                t[3] += right;
            }
            -1 => {
                t[4] += 1;
                t[5] += right;
            }
            _ => {}
        }
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of attempts are far below 2^52"
    )]
    let share = |right: usize, asked: usize| right as f64 / asked as f64;
    tally
        .into_iter()
        .map(|(question_id, t)| ItemStat {
            question_id,
            asked: t[0],
            share_correct: share(t[1], t[0]),
            discrimination: (t[2] > 0 && t[4] > 0).then(|| share(t[3], t[2]) - share(t[5], t[4])),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(attempt: i64, user: i64, number: i32, percent: f64) -> Scored {
        Scored {
            attempt_id: AttemptId(attempt),
            user_id: UserId(user),
            number,
            percent,
        }
    }

    #[test]
    fn gains_count_full_marks_apart() {
        assert_eq!(normalised_gain(40.0, 70.0), Some(0.5));
        assert_eq!(normalised_gain(50.0, 25.0), Some(-0.5));
        assert_eq!(normalised_gain(100.0, 100.0), None);
        let pre = counted(
            &[
                s(1, 1, 1, 40.0),
                s(2, 1, 2, 90.0),
                s(3, 2, 1, 100.0),
                s(4, 3, 1, 20.0),
            ],
            true,
        );
        assert_eq!(
            pre[&UserId(1)].percent,
            40.0,
            "the first attempt counts before"
        );
        let post = counted(
            &[
                s(5, 1, 1, 60.0),
                s(6, 1, 2, 70.0),
                s(7, 2, 1, 100.0),
                s(8, 4, 1, 50.0),
            ],
            false,
        );
        assert_eq!(
            post[&UserId(1)].percent,
            70.0,
            "the last attempt counts after"
        );
        let learners = learner_gains(&pre, &post);
        assert_eq!(learners.len(), 4);
        assert_eq!(learners[0].gain, Some(0.5));
        assert!(learners[1].ceiling && learners[1].gain.is_none());
        assert!(learners[2].gain.is_none() && learners[3].pre.is_none());
        let g = group_gain(&learners);
        assert_eq!(
            (g.pre_count, g.post_count, g.paired_count, g.ceiling_count),
            (3, 3, 2, 1)
        );
        assert_eq!(g.mean_pre, Some(70.0));
        assert_eq!(g.mean_post, Some(85.0));
        assert_eq!(g.mean_gain, Some(0.5));
        assert_eq!(g.gain_of_means, Some(0.5));
        assert_eq!(group_gain(&[]), GroupGain::default());
    }

    #[test]
    fn discrimination_is_upper_minus_lower_27_percent() {
        // Ten attempts scoring 100, 90, …, 10: the upper group is the top 3, the lower
        // the bottom 3. Question 1 is right in the top half only, question 2 always.
        let attempts: Vec<Scored> = (0..10)
            .map(|i| s(i + 1, i + 1, 1, 100.0 - 10.0 * i as f64))
            .collect();
        let mut answers = Vec::new();
        for i in 0..10 {
            answers.push((AttemptId(i + 1), QuestionId(1), i < 5));
            answers.push((AttemptId(i + 1), QuestionId(2), true));
        }
        answers.push((AttemptId(1), QuestionId(3), false));
        let stats = item_analysis(&attempts, &answers);
        assert_eq!(stats.len(), 3);
        assert_eq!((stats[0].asked, stats[0].share_correct), (10, 0.5));
        assert_eq!(stats[0].discrimination, Some(1.0));
        assert_eq!(stats[1].discrimination, Some(0.0));
        assert_eq!(stats[1].share_correct, 1.0);
        assert_eq!(
            stats[2].discrimination, None,
            "nobody in the lower group had it"
        );
        assert!(
            item_analysis(&attempts[..1], &answers)[0]
                .discrimination
                .is_none()
        );
    }
}
