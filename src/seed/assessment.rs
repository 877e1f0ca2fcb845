//! Demo data of assessment (`data/assessment.toml`): a question bank in English and
//! Filipino on a demo course, a module of two quiz lessons over it paired as the course's
//! pre- and post-test, and attempts of the demo learners: the union leader (who reads
//! Filipino) took both, the member only the pre-test, so that a demo user can take the
//! post-test and see their gain. Everything goes through the services the API uses; a
//! course that already has a pre/post pair is left alone.

use chrono::TimeDelta;
use diesel::prelude::*;
use serde::Deserialize;

use crate::assessment::dto::{
    ChoiceBody, QuestionInput, QuestionRequest, QuestionTranslationRequest, translation_texts,
};
use crate::assessment::model::{Answer, AnswerKey, Layout, QuestionKind, Snapshot, correct_answer};
use crate::assessment::prepost::dto::PrePostInput;
use crate::assessment::quizzes::dto::{
    CohortQuizInput, CohortQuizRequest, QuizEntryBody, QuizInput, QuizRequest,
};
use crate::assessment::{prepost, quizzes, repo, service};
use crate::auth::AuthUser;
use crate::cohorts::model::CohortStatus;
use crate::courses::dto::{
    CreateLessonRequest, LessonTranslationRequest, NewLessonInput, lesson_texts, module_title,
};
use crate::courses::model::LessonKind;
use crate::db::schema::{cohort_courses, cohorts, courses};
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::types::ids::{CohortId, CourseId, LessonId};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    course: String,
    tag: String,
    pass_mark: i32,
    module: Titles,
    pre: Titles,
    post: Titles,
    questions: Vec<Question>,
    cohort_quiz: CohortQuiz,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CohortQuiz {
    title: String,
    count: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Titles {
    en: String,
    fil: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Question {
    kind: QuestionKind,
    correct: Option<usize>,
    correct_boolean: Option<bool>,
    en: Texts,
    fil: Texts,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Texts {
    stem: String,
    feedback: String,
    #[serde(default)]
    choices: Vec<String>,
}

fn data() -> anyhow::Result<Demo> {
    Ok(toml::from_str(include_str!("data/assessment.toml"))?)
}

fn choices(t: &Texts) -> Vec<ChoiceBody> {
    t.choices
        .iter()
        .map(|c| ChoiceBody {
            text: c.clone(),
            pair: None,
        })
        .collect()
}

/// Loads the demo pre- and post-test; a second run adds nothing.
pub fn demo(db: &Db) -> anyhow::Result<usize> {
    let data = data()?;
    let mut conn = db.conn()?;
    let attempts = write_transaction(&mut conn, |conn| demo_in(conn, &data))?;
    tracing::info!(attempts.added = attempts, "demo assessment seeded");
    Ok(attempts)
}

/// A quiz for the running demo cohort on the bank's course, unless it has one: through
/// the service the API uses, as the administrator.
pub fn demo_cohort_quiz(db: &Db) -> anyhow::Result<usize> {
    let data = data()?;
    let mut conn = db.conn()?;
    let added = write_transaction(&mut conn, |conn| cohort_quiz_in(conn, &data))?;
    tracing::info!(quizzes.added = added, "demo cohort quiz seeded");
    Ok(added)
}

fn cohort_quiz_in(conn: &mut DbConn, data: &Demo) -> Result<usize, ApiError> {
    let Some(course) = courses::table
        .filter(courses::slug.eq(&data.course))
        .select(courses::id)
        .first::<CourseId>(conn)
        .optional()?
    else {
        return Ok(0);
    };
    let Some(cohort) = cohort_courses::table
        .inner_join(cohorts::table)
        .filter(cohort_courses::course_id.eq(course))
        .filter(cohorts::status.eq(CohortStatus::Running))
        .select(cohorts::id)
        .first::<CohortId>(conn)
        .optional()?
    else {
        return Ok(0);
    };
    if repo::count_cohort_quizzes(conn, cohort)? > 0 {
        return Ok(0);
    }
    let admin = super::actor(conn, super::ADMIN)?;
    let quiz = QuizRequest {
        questions: vec![QuizEntryBody {
            question_id: None,
            tag: Some(data.tag.clone()),
            count: Some(data.cohort_quiz.count),
        }],
        attempts_allowed: Some(2),
        time_limit_seconds: None,
        grace_seconds: None,
        late_policy: None,
        pass_mark: Some(data.pass_mark),
        shuffle_questions: Some(true),
        shuffle_choices: Some(true),
        show_feedback: None,
        show_answers: None,
        closes_at: None,
    };
    let input = CohortQuizInput::try_from(CohortQuizRequest {
        title: data.cohort_quiz.title.clone(),
        course_id: course.get(),
        quiz,
    })?;
    quizzes::service::create_cohort_quiz(conn, &admin, cohort, input, now())?;
    Ok(1)
}

fn quiz_lesson(
    conn: &mut DbConn,
    admin: &AuthUser,
    module_id: crate::types::ids::ModuleId,
    titles: &Titles,
) -> Result<LessonId, ApiError> {
    use crate::courses::service as courses_service;
    let input = NewLessonInput::try_from(CreateLessonRequest {
        kind: LessonKind::Quiz,
        title: titles.en.clone(),
        content: None,
        required: Some(false),
        duration_minutes: Some(10),
        url: None,
        size_bytes: None,
        media_type: None,
        caption_languages: None,
    })?;
    let id = courses_service::create_lesson(conn, admin, module_id, input)?
        .view
        .lesson
        .id;
    let (title, content) = lesson_texts(LessonTranslationRequest {
        title: titles.fil.clone(),
        content: None,
        minor: None,
    })?;
    courses_service::put_lesson_translation(
        conn,
        admin,
        id,
        "fil".to_owned(),
        title,
        content,
        false,
    )?;
    Ok(id)
}

fn demo_in(conn: &mut DbConn, data: &Demo) -> Result<usize, ApiError> {
    use crate::courses::service as courses_service;
    let Some(course_id) = courses::table
        .filter(courses::slug.eq(&data.course))
        .select(courses::id)
        .first::<CourseId>(conn)
        .optional()?
    else {
        return Ok(0);
    };
    if prepost::repo::count_of_course(conn, course_id)? > 0 {
        return Ok(0);
    }
    let admin = super::actor(conn, super::ADMIN)?;
    let at = now();
    let module =
        courses_service::create_module(conn, &admin, course_id, module_title(&data.module.en)?)?;
    let module_id = module.view.id;
    courses_service::put_module_translation(
        conn,
        &admin,
        module_id,
        "fil".to_owned(),
        module_title(&data.module.fil)?,
        false,
    )?;
    let pre = quiz_lesson(conn, &admin, module_id, &data.pre)?;
    let post = quiz_lesson(conn, &admin, module_id, &data.post)?;
    for q in &data.questions {
        let input = QuestionInput::try_from(QuestionRequest {
            kind: q.kind,
            language: Some("en".to_owned()),
            stem: q.en.stem.clone(),
            feedback: Some(q.en.feedback.clone()),
            choices: choices(&q.en),
            correct: q.correct.map(|c| vec![c]),
            correct_boolean: q.correct_boolean,
            accepted_answers: None,
            numeric_answer: None,
            tolerance: None,
            tags: vec![data.tag.clone()],
            difficulty: None,
            points: None,
            minor: None,
        })?;
        let view = service::create_question(conn, &admin, course_id, input, at)?;
        let (texts, _) = translation_texts(QuestionTranslationRequest {
            stem: q.fil.stem.clone(),
            feedback: Some(q.fil.feedback.clone()),
            choices: choices(&q.fil),
            minor: None,
        })?;
        service::put_translation(
            conn,
            &admin,
            view.question.id,
            "fil".to_owned(),
            texts,
            false,
            at,
        )?;
    }
    let count = i32::try_from(data.questions.len()).unwrap_or(i32::MAX);
    for lesson in [pre, post] {
        let input = QuizInput::try_from(QuizRequest {
            questions: vec![QuizEntryBody {
                question_id: None,
                tag: Some(data.tag.clone()),
                count: Some(count),
            }],
            attempts_allowed: None,
            time_limit_seconds: Some(1200),
            grace_seconds: Some(60),
            late_policy: None,
            pass_mark: Some(data.pass_mark),
            shuffle_questions: Some(true),
            shuffle_choices: Some(true),
            show_feedback: None,
            show_answers: None,
            closes_at: None,
        })?;
        quizzes::service::put_quiz(conn, &admin, lesson, input, None, at)?;
    }
    prepost::service::create(
        conn,
        &admin,
        course_id,
        PrePostInput {
            pre_lesson_id: pre,
            post_lesson_id: post,
            cohort_id: None,
        },
        at,
    )?;
    // (learner, lesson, how many answers right, days ago)
    let mut added = 0;
    let plan: [(&str, LessonId, usize, i64); 3] = [
        ("leader@demo.bayanihan.org", pre, 2, 14),
        ("leader@demo.bayanihan.org", post, 4, 1),
        ("member@demo.bayanihan.org", pre, 3, 7),
    ];
    for (email, lesson, right, days) in plan {
        let Ok(learner) = super::actor(conn, email) else {
            continue;
        };
        if !crate::courses::repo::is_enrolled(conn, course_id, learner.id)? {
            continue;
        }
        take(conn, &learner, lesson, right, at - TimeDelta::days(days))?;
        added += 1;
    }
    Ok(added)
}

/// Takes a quiz as `learner` at `at`: the first `right` questions answered right, the rest
/// wrong, then submitted.
pub(super) fn take(
    conn: &mut DbConn,
    learner: &AuthUser,
    lesson: LessonId,
    right: usize,
    at: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let seed = lesson
        .get()
        .wrapping_mul(7919)
        .wrapping_add(learner.id.get());
    let (attempt, _) = quizzes::service::start(conn, learner, lesson, seed, at)?;
    let items = repo::attempt_items(conn, attempt.id)?;
    let ids: Vec<i64> = items.iter().map(|i| i.question_version_id).collect();
    let versions = repo::versions_by_id(conn, &ids)?;
    for (i, item) in items.iter().enumerate() {
        let version = versions
            .iter()
            .find(|v| v.id == item.question_version_id)
            .ok_or(ApiError::NotFound)?;
        let snapshot: Snapshot =
            serde_json::from_str(&version.content).map_err(ApiError::internal)?;
        let layout: Layout = serde_json::from_str(&item.layout).map_err(ApiError::internal)?;
        let answer = if i < right {
            correct_answer(&snapshot.key, &layout)
        } else {
            wrong_answer(&snapshot.key, &layout)
        };
        let when = at + TimeDelta::seconds(30 * (i64::try_from(i).unwrap_or(0) + 1));
        quizzes::service::save_answer(conn, learner, attempt.id, item.question_id, answer, when)?;
    }
    let done = at + TimeDelta::seconds(30 * (i64::try_from(items.len()).unwrap_or(0) + 2));
    quizzes::service::submit(conn, learner, attempt.id, done)
}

/// An answer of the right shape that is not the key's.
fn wrong_answer(key: &AnswerKey, layout: &Layout) -> Answer {
    match correct_answer(key, layout) {
        Answer::Choice(c) => Answer::Choice(if c == 0 { 1 } else { 0 }),
        Answer::Boolean(b) => Answer::Boolean(!b),
        Answer::Choices(_) => Answer::Choices(Vec::new()),
        Answer::Text(_) => Answer::Text("—".to_owned()),
        Answer::Number(n) => Answer::Number(n + 1000.0),
        Answer::Order(mut o) => {
            o.reverse();
            Answer::Order(o)
        }
        Answer::Pairs(mut p) => {
            p.rotate_left(1);
            Answer::Pairs(p)
        }
    }
}

/// Questions of the synthetic bank; each synthetic learner takes a pre- and a post-test of
/// all of them.
const SCALE_QUESTIONS: usize = 20;
/// Learners written per transaction.
const SCALE_BATCH: usize = 200;

/// Scale data: the first open synthetic course gets a bank of 20 questions, a pre- and a
/// post-test over it, and n/2 synthetic members take both: n attempts (10,000 at the
/// benchmark's scale), scored as a submit scores them, with pre-test scores spread over
/// the range and most post-tests better. Idempotent: a course with a pair is left alone.
pub fn scale(db: &Db, n: usize) -> anyhow::Result<usize> {
    use crate::db::schema::users;
    let mut conn = db.conn()?;
    let Some((course_id, pre, post)) = write_transaction(&mut conn, scale_setup)? else {
        return Ok(0);
    };
    let members: Vec<crate::types::ids::UserId> = users::table
        .filter(users::email_normalized.like("%@scale.bayanihan.test"))
        .select(users::id)
        .order(users::id.asc())
        .limit(i64::try_from(n / 2).unwrap_or(i64::MAX))
        .load(&mut *conn)?;
    let mut added = 0;
    let started = now() - TimeDelta::days(30);
    for (b, batch) in members.chunks(SCALE_BATCH).enumerate() {
        added += write_transaction(&mut conn, |conn| {
            let mut added = 0;
            for (i, &user_id) in batch.iter().enumerate() {
                let k = b * SCALE_BATCH + i;
                if !crate::courses::repo::is_enrolled(conn, course_id, user_id)? {
                    crate::learning::service::enrol_nominated(conn, user_id, course_id)?;
                }
                let learner = AuthUser {
                    id: user_id,
                    role: crate::auth::policy::Role::Member,
                    session_id: crate::types::SessionId(0),
                    language: Default::default(),
                    name: None,
                };
                // Pre-tests from 2 to 17 right of 20; post-tests up to 8 better (a few worse).
                let right_pre = 2 + (k * 7) % 16;
                let right_post =
                    (right_pre + (k * 5) % 9).saturating_sub(usize::from(k.is_multiple_of(11)) * 3);
                let at = started + TimeDelta::minutes(i64::try_from(k).unwrap_or(0));
                take(conn, &learner, pre, right_pre, at)?;
                take(
                    conn,
                    &learner,
                    post,
                    right_post.min(SCALE_QUESTIONS),
                    at + TimeDelta::days(14),
                )?;
                added += 2;
            }
            Ok::<_, ApiError>(added)
        })?;
    }
    tracing::info!(attempts.added = added, "scale assessment seeded");
    Ok(added)
}

/// The synthetic course, its bank, quizzes and pair; none when there is no open synthetic
/// course or it has its pair already.
fn scale_setup(conn: &mut DbConn) -> Result<Option<(CourseId, LessonId, LessonId)>, ApiError> {
    use crate::courses::service as courses_service;
    let Some(course_id) = courses::table
        .filter(courses::slug.like("scale-course-%"))
        .filter(courses::status.eq("published"))
        .filter(courses::capacity.is_null())
        .select(courses::id)
        .order(courses::id.asc())
        .first::<CourseId>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    if prepost::repo::count_of_course(conn, course_id)? > 0 {
        return Ok(None);
    }
    let admin = super::actor(conn, super::ADMIN)?;
    let at = now();
    let module = courses_service::create_module(
        conn,
        &admin,
        course_id,
        module_title("Pre- and post-test")?,
    )?;
    let titles = |en: &str| Titles {
        en: en.to_owned(),
        fil: format!("{en} (fil)"),
    };
    let pre = quiz_lesson(conn, &admin, module.view.id, &titles("Pre-test"))?;
    let post = quiz_lesson(conn, &admin, module.view.id, &titles("Post-test"))?;
    for q in 0..SCALE_QUESTIONS {
        let input = QuestionInput::try_from(QuestionRequest {
            kind: QuestionKind::SingleChoice,
            language: Some("en".to_owned()),
            stem: format!("Synthetic question {}", q + 1),
            feedback: None,
            choices: (0..4)
                .map(|c| ChoiceBody {
                    text: format!("Choice {}", c + 1),
                    pair: None,
                })
                .collect(),
            correct: Some(vec![q % 4]),
            correct_boolean: None,
            accepted_answers: None,
            numeric_answer: None,
            tolerance: None,
            tags: vec!["scale".to_owned()],
            difficulty: None,
            points: None,
            minor: None,
        })?;
        service::create_question(conn, &admin, course_id, input, at)?;
    }
    for lesson in [pre, post] {
        let input = QuizInput::try_from(QuizRequest {
            questions: vec![QuizEntryBody {
                question_id: None,
                tag: Some("scale".to_owned()),
                count: Some(i32::try_from(SCALE_QUESTIONS).unwrap_or(i32::MAX)),
            }],
            attempts_allowed: None,
            time_limit_seconds: None,
            grace_seconds: None,
            late_policy: None,
            pass_mark: None,
            shuffle_questions: Some(true),
            shuffle_choices: Some(true),
            show_feedback: None,
            show_answers: None,
            closes_at: None,
        })?;
        quizzes::service::put_quiz(conn, &admin, lesson, input, None, at)?;
    }
    prepost::service::create(
        conn,
        &admin,
        course_id,
        PrePostInput {
            pre_lesson_id: pre,
            post_lesson_id: post,
            cohort_id: None,
        },
        at,
    )?;
    Ok(Some((course_id, pre, post)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_data_parses() {
        let d = super::data().unwrap();
        assert_eq!(d.questions.len(), 5);
        assert!(
            d.questions
                .iter()
                .all(|q| q.en.choices.len() == q.fil.choices.len())
        );
    }
}
