//! Pre- and post-tests: pairs of quiz lessons and the learning gain they measure.
//!
//! Who sees what: the course's editors (and coordinators, admins) create pairs and read
//! every result; a cohort's facilitators read the results of their cohort's pairs; learners
//! (enrolled in the course, or participants of the pair's cohort) read the pair and their
//! own figures only. Everyone else: 404.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;

use crate::assessment::prepost::dto::{LearnerGainResponse, PrePostInput, PrePostResultsResponse};
use crate::assessment::prepost::model::{
    LearnerGain, NewPrePostTest, PrePostTest, Scored, counted, group_gain, item_analysis,
    learner_gains, percent,
};
use crate::assessment::prepost::repo;
use crate::assessment::repo as bank;
use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed};
use crate::courses::model::{CourseStatus, LessonKind};
use crate::db::DbConn;
use crate::error::{ApiError, Fields};
use crate::types::ids::{AttemptId, CourseId, LessonId, PrePostTestId, QuestionId, UserId};

/// Most pairs per course.
pub const MAX_PER_COURSE: i64 = 20;

fn may_edit(conn: &mut DbConn, actor: &AuthUser, course_id: CourseId) -> Result<bool, ApiError> {
    let is_owner = crate::courses::repo::is_owner(conn, course_id, actor.id)?;
    Ok(allowed(actor, Action::EditCourse { is_owner }))
}

/// Whether the actor reads the group's results: the course's editors, or a facilitator of
/// the pair's cohort.
fn reads_group(conn: &mut DbConn, actor: &AuthUser, t: &PrePostTest) -> Result<bool, ApiError> {
    if may_edit(conn, actor, t.course_id)? {
        return Ok(true);
    }
    Ok(match t.cohort_id {
        Some(cohort) => {
            let is_facilitator = repo::is_facilitator(conn, cohort, actor.id)?;
            allowed(actor, Action::FacilitateCohort { is_facilitator })
        }
        None => false,
    })
}

/// Whether the actor may see the pair at all: those who read the group, learners of the
/// course, participants of its cohort.
fn sees(conn: &mut DbConn, actor: &AuthUser, t: &PrePostTest) -> Result<bool, ApiError> {
    if reads_group(conn, actor, t)?
        || crate::courses::repo::is_enrolled(conn, t.course_id, actor.id)?
    {
        return Ok(true);
    }
    Ok(match t.cohort_id {
        Some(cohort) => repo::participants(conn, cohort)?.contains(&actor.id),
        None => false,
    })
}

/// A lesson of the course of kind `quiz`, else the field's error.
fn quiz_lesson_of(
    conn: &mut DbConn,
    f: &mut Fields,
    field: &str,
    course_id: CourseId,
    lesson: LessonId,
) -> Result<(), ApiError> {
    match bank::lesson(conn, lesson)? {
        Some((c, LessonKind::Quiz)) if c == course_id => {}
        _ => f.push(
            field,
            "not_a_quiz_of_course",
            "not a quiz lesson of this course",
        ),
    }
    Ok(())
}

/// Creates a pair (the course's editors; 404 for others).
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    input: PrePostInput,
    now: NaiveDateTime,
) -> Result<PrePostTest, ApiError> {
    let (_, status) = bank::course(conn, course_id)?.ok_or(ApiError::NotFound)?;
    CourseStatus::parse(&status).ok_or(ApiError::NotFound)?;
    if !may_edit(conn, actor, course_id)? {
        return Err(ApiError::NotFound);
    }
    let mut f = Fields::default();
    quiz_lesson_of(
        conn,
        &mut f,
        "pre_lesson_id",
        course_id,
        input.pre_lesson_id,
    )?;
    quiz_lesson_of(
        conn,
        &mut f,
        "post_lesson_id",
        course_id,
        input.post_lesson_id,
    )?;
    if let Some(cohort) = input.cohort_id
        && !repo::cohort_has_course(conn, cohort, course_id)?
    {
        f.push(
            "cohort_id",
            "course_not_in_cohort",
            "no cohort of this course",
        );
    }
    f.finish()?;
    if repo::count_of_course(conn, course_id)? >= MAX_PER_COURSE {
        return Err(ApiError::Conflict {
            code: "too_many_pre_post_tests",
            detail: format!("a course has at most {MAX_PER_COURSE} pre/post pairs"),
        });
    }
    Ok(repo::insert(
        conn,
        &NewPrePostTest {
            course_id,
            cohort_id: input.cohort_id,
            pre_lesson_id: input.pre_lesson_id,
            post_lesson_id: input.post_lesson_id,
            created_by: Some(actor.id),
            created_at: now,
        },
    )?)
}

/// A course's pairs, for those who may see the course's pairs (its editors and learners).
pub fn list(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
) -> Result<Vec<PrePostTest>, ApiError> {
    bank::course(conn, course_id)?.ok_or(ApiError::NotFound)?;
    let all = repo::of_course(conn, course_id)?;
    if may_edit(conn, actor, course_id)?
        || crate::courses::repo::is_enrolled(conn, course_id, actor.id)?
    {
        return Ok(all);
    }
    // Facilitators and participants of a pair's cohort see that pair.
    let mut seen = Vec::new();
    for t in all {
        if sees(conn, actor, &t)? {
            seen.push(t);
        }
    }
    if seen.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(seen)
}

/// A pair, for those who may see it.
pub fn get(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: PrePostTestId,
) -> Result<PrePostTest, ApiError> {
    let t = repo::find(conn, id)?;
    if !sees(conn, actor, &t)? {
        return Err(ApiError::NotFound);
    }
    Ok(t)
}

fn scored(rows: Vec<repo::SubmittedRow>) -> Vec<Scored> {
    rows.into_iter()
        .filter_map(|(attempt_id, user_id, number, score, max)| {
            Some(Scored {
                attempt_id,
                user_id,
                number,
                percent: percent(score?, max?)?,
            })
        })
        .collect()
}

/// The counted attempts of one side (the quiz of `lesson`; its first attempts or, with
/// `first` false, its last) for the given learners (all when `group` is none), and the quiz.
pub fn side(
    conn: &mut DbConn,
    lesson: LessonId,
    first: bool,
    only: Option<UserId>,
    group: Option<&HashSet<UserId>>,
) -> Result<(BTreeMap<UserId, Scored>, Option<crate::types::ids::QuizId>), ApiError> {
    let Some(quiz) = bank::quiz_of_lesson(conn, lesson)? else {
        return Ok((BTreeMap::new(), None));
    };
    let mut attempts = scored(repo::submitted(conn, quiz.id, only)?);
    if let Some(group) = group {
        attempts.retain(|a| group.contains(&a.user_id));
    }
    Ok((counted(&attempts, first), Some(quiz.id)))
}

/// The caller's own pre, post and gain.
pub fn mine(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: PrePostTestId,
) -> Result<LearnerGainResponse, ApiError> {
    let t = get(conn, actor, id)?;
    let (pre, _) = side(conn, t.pre_lesson_id, true, Some(actor.id), None)?;
    let (post, _) = side(conn, t.post_lesson_id, false, Some(actor.id), None)?;
    let learner = learner_gains(&pre, &post)
        .into_iter()
        .next()
        .unwrap_or(LearnerGain {
            user_id: actor.id,
            pre: None,
            post: None,
            gain: None,
            ceiling: false,
        });
    Ok(LearnerGainResponse::new(&learner, None))
}

/// Item analysis input of one side: its counted attempts and their scored questions.
fn answers(
    conn: &mut DbConn,
    quiz: Option<crate::types::ids::QuizId>,
    counted: &BTreeMap<UserId, Scored>,
) -> Result<Vec<(AttemptId, QuestionId, bool)>, ApiError> {
    let Some(quiz) = quiz else {
        return Ok(Vec::new());
    };
    let wanted: HashSet<AttemptId> = counted.values().map(|s| s.attempt_id).collect();
    Ok(repo::scored_items(conn, quiz)?
        .into_iter()
        .filter(|(a, _, _)| wanted.contains(a))
        .map(|(a, q, points)| (a, q, points.is_some_and(|p| p > 0.0)))
        .collect())
}

/// The group's results (the course's editors, the cohort's facilitators; 404 for others).
pub fn results(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: PrePostTestId,
) -> Result<PrePostResultsResponse, ApiError> {
    let t = repo::find(conn, id)?;
    if !reads_group(conn, actor, &t)? {
        return Err(ApiError::NotFound);
    }
    let group: Option<HashSet<UserId>> = match t.cohort_id {
        Some(cohort) => Some(repo::participants(conn, cohort)?.into_iter().collect()),
        None => None,
    };
    let (pre, pre_quiz) = side(conn, t.pre_lesson_id, true, None, group.as_ref())?;
    let (post, post_quiz) = side(conn, t.post_lesson_id, false, None, group.as_ref())?;
    let learners = learner_gains(&pre, &post);
    let g = group_gain(&learners);
    let pre_answers = answers(conn, pre_quiz, &pre)?;
    let post_answers = answers(conn, post_quiz, &post)?;
    let pre_items = item_analysis(&pre.values().copied().collect::<Vec<_>>(), &pre_answers);
    let post_items = item_analysis(&post.values().copied().collect::<Vec<_>>(), &post_answers);
    let ids: Vec<UserId> = learners.iter().map(|l| l.user_id).collect();
    let mut names: HashMap<UserId, String> = HashMap::new();
    for chunk in ids.chunks(1000) {
        names.extend(repo::names(conn, chunk)?);
    }
    let rows = learners
        .iter()
        .map(|l| LearnerGainResponse::new(l, names.remove(&l.user_id)))
        .collect();
    Ok(PrePostResultsResponse::new(
        t.id,
        &g,
        &pre_items,
        &post_items,
        rows,
    ))
}
