//! Quizzes and attempts: settings for a quiz lesson or a cohort's quiz, starting (the server chooses the
//! questions, hands them out without keys), saving answers one by one, submitting (scored
//! once, in the same transaction that marks the attempt submitted) and review.
//!
//! `now` is passed in by the caller, so that time limits are tested with a clock.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDateTime, TimeDelta};
use diesel::OptionalExtension;
use rand::Rng;
use rand::seq::SliceRandom;

use crate::accounts::service::reader_preferences;
use crate::assessment::model::{
    Answer, Attempt, AttemptItem, AttemptStatus, LatePolicy, Layout, NewAttempt, NewAttemptItem,
    NewQuizItem, Quiz, QuizEntry, QuizOwner, ShowWhen, Snapshot, attempt_rng, correct_answer,
    is_correct,
};
use crate::assessment::quizzes::dto::{
    AnswerBody, AttemptQuestion, AttemptResponse, AttemptSummary, CohortQuizInput, ID_SORT,
    QuizEntryBody, QuizInput, QuizResponse,
};
use crate::assessment::repo;
use crate::assessment::service::Localised;
use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed};
use crate::cohorts::assignments::service::{Standing, standing};
use crate::cohorts::model::CohortStatus;
use crate::cohorts::repo as cohorts;
use crate::courses::model::{CourseStatus, LessonKind};
use crate::db::{self, DbConn};
use crate::error::{ApiError, Fields};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
use crate::learning;
use crate::types::ids::{AttemptId, CohortId, CourseId, LessonId, QuestionId, QuizId, UserId};

fn conflict(code: &'static str, detail: &str) -> ApiError {
    ApiError::Conflict {
        code,
        detail: detail.to_owned(),
    }
}

fn parse<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    serde_json::from_str(raw).map_err(ApiError::internal)
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string(v).map_err(ApiError::internal)
}

fn may_edit(conn: &mut DbConn, actor: &AuthUser, course_id: CourseId) -> Result<bool, ApiError> {
    let is_owner = crate::courses::repo::is_owner(conn, course_id, actor.id)?;
    Ok(allowed(actor, Action::EditCourse { is_owner }))
}

/// Whether `actor` edits the quiz: its course's editors for a lesson's quiz, the cohort's
/// staff (facilitators, coordinators, admins) for a cohort's.
fn edits(conn: &mut DbConn, actor: &AuthUser, quiz: &Quiz) -> Result<bool, ApiError> {
    match quiz.cohort_id {
        Some(cohort) => Ok(standing(conn, actor, cohort)? == Standing::Staff),
        None => may_edit(conn, actor, quiz.course_id),
    }
}

/// A live lesson of kind `quiz` and its course's status; 404 for an unknown lesson or one
/// of a course the caller may not see, 409 `not_a_quiz` for another kind.
fn quiz_lesson(
    conn: &mut DbConn,
    actor: &AuthUser,
    lesson_id: LessonId,
) -> Result<(CourseId, CourseStatus, bool), ApiError> {
    let (course_id, kind) = repo::lesson(conn, lesson_id)?.ok_or(ApiError::NotFound)?;
    let (_, status) = repo::course(conn, course_id)?.ok_or(ApiError::NotFound)?;
    let status = CourseStatus::parse(&status).ok_or(ApiError::NotFound)?;
    let editor = may_edit(conn, actor, course_id)?;
    if status == CourseStatus::Draft && !editor {
        return Err(ApiError::NotFound);
    }
    if kind != LessonKind::Quiz {
        return Err(conflict("not_a_quiz", "the lesson is not a quiz"));
    }
    Ok((course_id, status, editor))
}

/// Checks a quiz's entries against the bank of `course_id`: fixed questions must be live
/// questions of the course, and each pool must hold as many tagged questions as it draws.
fn check_entries(
    conn: &mut DbConn,
    course_id: CourseId,
    entries: &[QuizEntry],
) -> Result<(), ApiError> {
    let mut f = Fields::default();
    let fixed: Vec<QuestionId> = entries
        .iter()
        .filter_map(|e| match e {
            QuizEntry::Fixed(id) => Some(*id),
            QuizEntry::Drawn { .. } => None,
        })
        .collect();
    let live: HashSet<QuestionId> = repo::questions_of_course(conn, course_id, &fixed)?
        .into_iter()
        .map(|q| q.id)
        .collect();
    for (i, e) in entries.iter().enumerate() {
        match e {
            QuizEntry::Fixed(id) if !live.contains(id) => f.push(
                &format!("questions[{i}].question_id"),
                "unknown_question",
                "not a question of this course's bank",
            ),
            QuizEntry::Drawn { tag, count } => {
                let n = repo::tagged(conn, course_id, tag)?.len();
                if n < usize::try_from(*count).unwrap_or(0) {
                    f.push(
                        &format!("questions[{i}].count"),
                        "not_enough_questions",
                        format!("the bank has {n} questions tagged {tag}"),
                    );
                }
            }
            QuizEntry::Fixed(_) => {}
        }
    }
    f.finish()
}

/// Writes a quiz: a new one for `owner` when `existing` is none (`true`), else replaces
/// the existing one's settings, entries, bank and title if it is still the version
/// `if_match` names. A write that changes nothing changes nothing.
fn write_quiz(
    conn: &mut DbConn,
    existing: Option<Quiz>,
    owner: &QuizOwner,
    course_id: CourseId,
    input: &QuizInput,
    if_match: Option<&IfMatch>,
    now: NaiveDateTime,
) -> Result<(Quiz, bool), ApiError> {
    check_entries(conn, course_id, &input.entries)?;
    let items = |quiz_id| -> Vec<NewQuizItem> {
        input
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let position = i32::try_from(i).unwrap_or(i32::MAX);
                match e {
                    QuizEntry::Fixed(id) => NewQuizItem {
                        quiz_id,
                        position,
                        question_id: Some(*id),
                        tag: None,
                        draw_count: None,
                    },
                    QuizEntry::Drawn { tag, count } => NewQuizItem {
                        quiz_id,
                        position,
                        question_id: None,
                        tag: Some(tag.clone()),
                        draw_count: Some(*count),
                    },
                }
            })
            .collect()
    };
    let title = match owner {
        QuizOwner::Cohort { title, .. } => Some(title.as_str()),
        QuizOwner::Lesson(_) => None,
    };
    match existing {
        None => {
            let quiz = repo::insert_quiz(conn, owner, course_id, &input.settings, now)?;
            repo::replace_quiz_items(conn, quiz.id, &items(quiz.id))?;
            Ok((quiz, true))
        }
        Some(quiz) => {
            // The quiz's key, held: other edits and the starts in progress end first, and
            // none begins until this one ends (starts share it, [`begin`]).
            db::lock_key(conn, QUIZ_KEY, &quiz.id.to_string())?;
            quiz.check_if_match(if_match)?;
            let entries: Vec<QuizEntry> = repo::quiz_items(conn, quiz.id)?
                .iter()
                .map(|i| i.entry())
                .collect();
            if entries == input.entries
                && settings_of(&quiz) == input.settings
                && quiz.course_id == course_id
                && quiz.title.as_deref() == title
            {
                return Ok((quiz, false));
            }
            let quiz = repo::update_quiz(conn, quiz.id, course_id, title, &input.settings, now)?;
            repo::replace_quiz_items(conn, quiz.id, &items(quiz.id))?;
            Ok((quiz, false))
        }
    }
}

/// Writes a quiz lesson's settings (its editors only; 404 for others). `true` when the quiz
/// is new.
pub fn put_quiz(
    conn: &mut DbConn,
    actor: &AuthUser,
    lesson_id: LessonId,
    input: QuizInput,
    if_match: Option<&IfMatch>,
    now: NaiveDateTime,
) -> Result<(Quiz, bool), ApiError> {
    let (course_id, _, editor) = quiz_lesson(conn, actor, lesson_id)?;
    if !editor {
        return Err(ApiError::NotFound);
    }
    let existing = repo::quiz_of_lesson(conn, lesson_id)?;
    let owner = QuizOwner::Lesson(lesson_id);
    write_quiz(conn, existing, &owner, course_id, &input, if_match, now)
}

fn settings_of(q: &Quiz) -> crate::assessment::model::QuizSettings {
    crate::assessment::model::QuizSettings {
        attempts_allowed: q.attempts_allowed,
        time_limit_seconds: q.time_limit_seconds,
        grace_seconds: q.grace_seconds,
        late_policy: q.late_policy,
        pass_mark: q.pass_mark,
        shuffle_questions: q.shuffle_questions,
        shuffle_choices: q.shuffle_choices,
        show_feedback: q.show_feedback,
        show_answers: q.show_answers,
        closes_at: q.closes_at,
    }
}

/// A quiz as `actor` may read it: with its entries for its editors, with their own
/// attempts for everyone.
fn view(
    conn: &mut DbConn,
    actor: &AuthUser,
    quiz: &Quiz,
    editor: bool,
    now: NaiveDateTime,
) -> Result<QuizResponse, ApiError> {
    let entries: Vec<QuizEntry> = repo::quiz_items(conn, quiz.id)?
        .iter()
        .map(|i| i.entry())
        .collect();
    let attempts = repo::attempts_of(conn, quiz.id, actor.id)?;
    Ok(quiz_response(quiz, &entries, &attempts, editor, now))
}

/// A quiz lesson's settings: everything for its editors; for an enrolled learner, the
/// settings without the questions, and their own attempts. 404 for anyone else.
pub fn get_quiz(
    conn: &mut DbConn,
    actor: &AuthUser,
    lesson_id: LessonId,
    now: NaiveDateTime,
) -> Result<QuizResponse, ApiError> {
    let (course_id, _, editor) = quiz_lesson(conn, actor, lesson_id)?;
    if !editor && !crate::courses::repo::is_enrolled(conn, course_id, actor.id)? {
        return Err(ApiError::NotFound);
    }
    let quiz = repo::quiz_of_lesson(conn, lesson_id)?.ok_or(ApiError::NotFound)?;
    view(conn, actor, &quiz, editor, now)
}

/// A quiz's answer.
pub fn quiz_response(
    quiz: &Quiz,
    entries: &[QuizEntry],
    attempts: &[Attempt],
    editor: bool,
    now: NaiveDateTime,
) -> QuizResponse {
    let question_count = entries
        .iter()
        .map(|e| match e {
            QuizEntry::Fixed(_) => 1,
            QuizEntry::Drawn { count, .. } => *count,
        })
        .sum();
    let used = i32::try_from(attempts.len()).unwrap_or(i32::MAX);
    QuizResponse {
        id: quiz.id,
        lesson_id: quiz.lesson_id,
        cohort_id: quiz.cohort_id,
        title: quiz.title.clone(),
        course_id: quiz.course_id,
        question_count,
        questions: editor.then(|| entries.iter().map(QuizEntryBody::from).collect()),
        attempts_allowed: quiz.attempts_allowed,
        attempts_left: quiz.attempts_allowed.map(|a| (a - used).max(0)),
        time_limit_seconds: quiz.time_limit_seconds,
        grace_seconds: quiz.grace_seconds,
        late_policy: quiz.late_policy,
        pass_mark: quiz.pass_mark,
        shuffle_questions: quiz.shuffle_questions,
        shuffle_choices: quiz.shuffle_choices,
        show_feedback: quiz.show_feedback,
        show_answers: quiz.show_answers,
        closes_at: quiz.closes_at.map(|t| t.and_utc()),
        my_attempts: attempts
            .iter()
            .map(|a| AttemptSummary {
                id: a.id,
                number: a.number,
                status: a.status(quiz, now),
                started_at: a.started_at.and_utc(),
                submitted_at: a.submitted_at.map(|t| t.and_utc()),
                late: a.late,
                score: a.score,
                max_score: a.max_score,
                passed: a.passed,
            })
            .collect(),
        version: quiz.version,
        updated_at: quiz.updated_at.and_utc(),
    }
}

/// Starts an attempt at a quiz of a lesson, or gives back the caller's open one (`false`:
/// nothing was created), so a phone that reconnects finds its attempt again. The learner
/// must be enrolled (403 `not_enrolled`); an archived course takes no attempts (409
/// `not_open`).
pub fn start(
    conn: &mut DbConn,
    actor: &AuthUser,
    lesson_id: LessonId,
    seed: i64,
    now: NaiveDateTime,
) -> Result<(Attempt, bool), ApiError> {
    let (course_id, status, _) = quiz_lesson(conn, actor, lesson_id)?;
    let quiz = repo::quiz_of_lesson(conn, lesson_id)?.ok_or(ApiError::NotFound)?;
    if !crate::courses::repo::is_enrolled(conn, course_id, actor.id)? {
        return Err(ApiError::forbidden(
            "not_enrolled",
            "you are not enrolled in this course",
        ));
    }
    if status == CourseStatus::Archived {
        return Err(conflict(
            "not_open",
            "the course is archived and takes no new attempts",
        ));
    }
    begin(conn, actor, &quiz, seed, now)
}

/// The key a quiz's starts share and its editors hold ([`db::share_key`]).
const QUIZ_KEY: &str = "quiz";

/// Starts an attempt at `quiz` for `actor`, whose right to it was checked: the caller's
/// open attempt is given back; a closed quiz takes none (409 `quiz_closed`), nor one whose
/// attempts are used up (409 `no_attempts_left`). An open attempt past its time (refused
/// late answers) is scored first, as a submit would.
fn begin(
    conn: &mut DbConn,
    actor: &AuthUser,
    quiz: &Quiz,
    seed: i64,
    now: NaiveDateTime,
) -> Result<(Attempt, bool), ApiError> {
    // One learner's starts at a quiz run one after the other (a key lock on both); other
    // learners' starts run beside them (the quiz's key shared), and its editors wait for
    // them all ([`write_quiz`] holds the key). 64 learners starting at once queued on the
    // quiz row when starts and edits both locked it.
    db::share_key(conn, QUIZ_KEY, &quiz.id.to_string())?;
    db::lock_key(conn, "quiz_start", &format!("{}:{}", quiz.id, actor.id))?;
    let attempts = repo::attempts_of(conn, quiz.id, actor.id)?;
    if let Some(open) = attempts.last().filter(|a| a.submitted_at.is_none()) {
        if open.status(quiz, now) == AttemptStatus::InProgress {
            return Ok((open.clone(), false));
        }
        score(conn, quiz, open, now)?;
    }
    if quiz.closes_at.is_some_and(|c| now >= c) {
        return Err(conflict("quiz_closed", "the quiz is closed"));
    }
    let number = i32::try_from(attempts.len()).unwrap_or(i32::MAX) + 1;
    if quiz.attempts_allowed.is_some_and(|a| number > a) {
        return Err(conflict(
            "no_attempts_left",
            "every allowed attempt has been made",
        ));
    }
    let mut rng = attempt_rng(seed);
    let chosen = choose(conn, quiz, quiz.course_id, &mut rng)?;
    if chosen.is_empty() {
        return Err(conflict("quiz_empty", "the quiz has no questions to ask"));
    }
    let attempt = repo::insert_attempt(
        conn,
        &NewAttempt {
            quiz_id: quiz.id,
            user_id: actor.id,
            number,
            seed,
            started_at: now,
            deadline_at: quiz
                .time_limit_seconds
                .map(|s| now + TimeDelta::seconds(i64::from(s))),
        },
    )?;
    let mut items = Vec::new();
    for (i, (question_id, version_id, snapshot)) in chosen.into_iter().enumerate() {
        let n = snapshot
            .texts
            .get(&snapshot.default_language)
            .map_or(0, |t| t.choices.len());
        let layout = Layout::new(snapshot.key.kind(), n, quiz.shuffle_choices, &mut rng);
        items.push(NewAttemptItem {
            attempt_id: attempt.id,
            position: i32::try_from(i).unwrap_or(i32::MAX) + 1,
            question_id,
            question_version_id: version_id,
            layout: json(&layout)?,
        });
    }
    repo::insert_attempt_items(conn, &items)?;
    Ok((attempt, true))
}

// ---------------------------------------------------------------- cohorts' quizzes

/// A cohort holds at most this many quizzes.
pub const MAX_COHORT_QUIZZES: i64 = 100;

/// A quiz of a cohort, or 404 (also for a lesson's quiz).
fn cohort_quiz(conn: &mut DbConn, id: QuizId) -> Result<(Quiz, CohortId), ApiError> {
    let quiz = repo::find_quiz(conn, id)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    let cohort = quiz.cohort_id.ok_or(ApiError::NotFound)?;
    Ok((quiz, cohort))
}

/// The cohort, if it may still take work: 404 when unknown, 409 `cohort_closed` once it
/// completed or was cancelled.
fn open_cohort(conn: &mut DbConn, id: CohortId) -> Result<(), ApiError> {
    let cohort = cohorts::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if matches!(
        cohort.status,
        CohortStatus::Completed | CohortStatus::Cancelled
    ) {
        return Err(conflict(
            "cohort_closed",
            "the cohort is over: its quizzes take no changes or attempts",
        ));
    }
    Ok(())
}

fn forbidden() -> ApiError {
    ApiError::forbidden("forbidden", "you are not allowed to do this")
}

/// The bank must be one of the cohort's courses (422 `course_not_in_cohort`).
fn check_bank(conn: &mut DbConn, cohort: CohortId, course: CourseId) -> Result<(), ApiError> {
    if cohorts::courses(conn, &[cohort])?
        .iter()
        .any(|(_, c)| *c == course)
    {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            "course_id",
            "course_not_in_cohort",
            "the question bank must be one of the cohort's courses",
        ))
    }
}

/// A cohort's staff (facilitators, coordinators, admins) set a quiz for the cohort, on the
/// bank of one of its courses. 403 for others, 409 `cohort_closed`,
/// `too_many_quizzes`.
pub fn create_cohort_quiz(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort: CohortId,
    input: CohortQuizInput,
    now: NaiveDateTime,
) -> Result<Quiz, ApiError> {
    db::lock_row(conn, "cohorts", cohort.get())?;
    open_cohort(conn, cohort)?;
    if standing(conn, actor, cohort)? != Standing::Staff {
        return Err(forbidden());
    }
    check_bank(conn, cohort, input.course_id)?;
    if repo::count_cohort_quizzes(conn, cohort)? >= MAX_COHORT_QUIZZES {
        return Err(conflict(
            "too_many_quizzes",
            "a cohort holds at most 100 quizzes",
        ));
    }
    let owner = QuizOwner::Cohort {
        cohort,
        title: input.title,
    };
    let (quiz, _) = write_quiz(conn, None, &owner, input.course_id, &input.quiz, None, now)?;
    Ok(quiz)
}

/// Replaces a cohort's quiz (its staff; 403 for participants, 404 for others), if it is
/// still the version `if_match` names.
pub fn replace_cohort_quiz(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: QuizId,
    input: CohortQuizInput,
    if_match: Option<&IfMatch>,
    now: NaiveDateTime,
) -> Result<Quiz, ApiError> {
    let (quiz, cohort) = cohort_quiz(conn, id)?;
    match standing(conn, actor, cohort)? {
        Standing::Staff => {}
        Standing::Participant => return Err(forbidden()),
        Standing::Outsider => return Err(ApiError::NotFound),
    }
    open_cohort(conn, cohort)?;
    check_bank(conn, cohort, input.course_id)?;
    let owner = QuizOwner::Cohort {
        cohort,
        title: input.title,
    };
    let course = input.course_id;
    let (quiz, _) = write_quiz(conn, Some(quiz), &owner, course, &input.quiz, if_match, now)?;
    Ok(quiz)
}

/// A cohort's quiz: everything for its staff; for its participants without the questions,
/// with their own attempts; 404 for anyone else.
pub fn get_cohort_quiz(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: QuizId,
    now: NaiveDateTime,
) -> Result<(QuizResponse, Quiz), ApiError> {
    let (quiz, cohort) = cohort_quiz(conn, id)?;
    let editor = match standing(conn, actor, cohort)? {
        Standing::Staff => true,
        Standing::Participant => false,
        Standing::Outsider => return Err(ApiError::NotFound),
    };
    Ok((view(conn, actor, &quiz, editor, now)?, quiz))
}

/// A page of a cohort's quizzes by id, for its staff and participants (403 for others).
pub fn list_cohort_quizzes(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort: CohortId,
    page: &PageRequest<i64>,
    now: NaiveDateTime,
) -> Result<Page<QuizResponse>, ApiError> {
    cohorts::find(conn, cohort)?.ok_or(ApiError::NotFound)?;
    let editor = match standing(conn, actor, cohort)? {
        Standing::Staff => true,
        Standing::Participant => false,
        Standing::Outsider => return Err(forbidden()),
    };
    let rows = repo::quizzes_of_cohort(
        conn,
        cohort,
        page.after.map(|(_, id)| id),
        page.fetch_limit(),
    )?;
    // The page's entries and the caller's attempts in one query each, not two per quiz.
    let ids: Vec<QuizId> = rows.iter().map(|q| q.id).collect();
    let mut entries: HashMap<QuizId, Vec<QuizEntry>> = HashMap::new();
    for item in repo::items_of_quizzes(conn, &ids)? {
        entries.entry(item.quiz_id).or_default().push(item.entry());
    }
    let mut attempts: HashMap<QuizId, Vec<Attempt>> = HashMap::new();
    for a in repo::attempts_at_quizzes(conn, &ids, actor.id)? {
        attempts.entry(a.quiz_id).or_default().push(a);
    }
    let views = rows
        .iter()
        .map(|quiz| {
            let e = entries.get(&quiz.id).map_or(&[][..], Vec::as_slice);
            let a = attempts.get(&quiz.id).map_or(&[][..], Vec::as_slice);
            quiz_response(quiz, e, a, editor, now)
        })
        .collect();
    Ok(page.finish(views, ID_SORT, |q| (q.id.get(), q.id.get()), |q| q))
}

/// Starts an attempt at a cohort's quiz: for its participants (403 `not_participant` for
/// its staff, 404 for others); a cohort that is over takes none (409 `cohort_closed`).
pub fn start_cohort_attempt(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: QuizId,
    seed: i64,
    now: NaiveDateTime,
) -> Result<(Attempt, bool), ApiError> {
    let (quiz, cohort) = cohort_quiz(conn, id)?;
    match standing(conn, actor, cohort)? {
        Standing::Participant => {}
        Standing::Staff => {
            return Err(ApiError::forbidden(
                "not_participant",
                "only the cohort's participants take its quizzes",
            ));
        }
        Standing::Outsider => return Err(ApiError::NotFound),
    }
    open_cohort(conn, cohort)?;
    begin(conn, actor, &quiz, seed, now)
}

/// The questions of a new attempt, at their current versions: fixed ones in order
/// (deleted ones left out), pools drawn at random without repeats; all shuffled when
/// the quiz says so.
fn choose(
    conn: &mut DbConn,
    quiz: &Quiz,
    course_id: CourseId,
    rng: &mut impl Rng,
) -> Result<Vec<(QuestionId, i64, Snapshot)>, ApiError> {
    let mut ids: Vec<QuestionId> = Vec::new();
    for entry in repo::quiz_items(conn, quiz.id)?.iter().map(|i| i.entry()) {
        match entry {
            QuizEntry::Fixed(id) => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            QuizEntry::Drawn { tag, count } => {
                let mut pool: Vec<QuestionId> = repo::tagged(conn, course_id, &tag)?
                    .into_iter()
                    .filter(|id| !ids.contains(id))
                    .collect();
                pool.shuffle(rng);
                pool.truncate(usize::try_from(count).unwrap_or(0));
                ids.extend(pool);
            }
        }
    }
    let live: HashMap<QuestionId, i64> = repo::questions_of_course(conn, course_id, &ids)?
        .into_iter()
        .map(|q| (q.id, q.version))
        .collect();
    ids.retain(|id| live.contains_key(id));
    if quiz.shuffle_questions {
        ids.shuffle(rng);
    }
    let mut chosen = Vec::new();
    for id in ids {
        let version = repo::version_of(conn, id, live[&id])?;
        chosen.push((id, version.id, parse(&version.content)?));
    }
    Ok(chosen)
}

/// The caller's attempt (404 for anyone else's, unless they edit the course), locked.
fn own_attempt(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AttemptId,
) -> Result<(Attempt, Quiz), ApiError> {
    db::lock_row(conn, "quiz_attempts", id.get())?;
    let attempt = repo::find_attempt(conn, id)?;
    if attempt.user_id != actor.id {
        return Err(ApiError::NotFound);
    }
    let quiz = repo::find_quiz(conn, attempt.quiz_id)?;
    Ok((attempt, quiz))
}

/// Saves one answer (the same answer again changes nothing). 422 for a question not in
/// the attempt or an answer of the wrong shape; 409 `attempt_submitted` after a submit;
/// after the time limit and grace period, 409 `attempt_expired`, or the answer is taken
/// and marked late (`mark_late`).
pub fn save_answer(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AttemptId,
    question_id: QuestionId,
    answer: Answer,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let (attempt, quiz) = own_attempt(conn, actor, id)?;
    if attempt.submitted_at.is_some() {
        return Err(conflict(
            "attempt_submitted",
            "the attempt is submitted; answers are final",
        ));
    }
    let late = attempt.is_over(&quiz, now);
    if late && quiz.late_policy == LatePolicy::Refuse {
        return Err(conflict("attempt_expired", "the attempt's time is over"));
    }
    let items = repo::attempt_items(conn, id)?;
    let item = items
        .iter()
        .find(|i| i.question_id == question_id)
        .ok_or_else(|| {
            ApiError::invalid_field(
                "question_id",
                "not_in_attempt",
                "the question is not in this attempt",
            )
        })?;
    let layout: Layout = parse(&item.layout)?;
    let version = repo::versions_by_id(conn, &[item.question_version_id])?;
    let snapshot: Snapshot = parse(&version.first().ok_or(ApiError::NotFound)?.content)?;
    answer
        .fits(snapshot.key.kind(), layout.choices.len())
        .map_err(|m| ApiError::invalid_field("answer", "wrong_shape", m))?;
    let stored = json(&answer)?;
    if item.answer.as_deref() == Some(stored.as_str()) {
        return Ok(());
    }
    repo::save_answer(conn, item.id, &stored, now, late)?;
    repo::touch_attempt(conn, id, late)?;
    Ok(())
}

/// Scores an open attempt and marks it submitted, all in the caller's transaction; a
/// passed quiz completes its lesson through learning's progress rules.
fn score(
    conn: &mut DbConn,
    quiz: &Quiz,
    attempt: &Attempt,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let (total, max, passed) = score_items(conn, quiz, attempt.id, None)?;
    if repo::submit_attempt(conn, attempt.id, now, total, max, passed)? == 0 {
        return Err(conflict(
            "attempt_submitted",
            "the attempt was submitted meanwhile",
        ));
    }
    if passed {
        complete_passed(conn, quiz, attempt.user_id)?;
    }
    Ok(())
}

/// Versions by id, read as snapshots.
fn snapshots(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, Snapshot>, ApiError> {
    repo::versions_by_id(conn, ids)?
        .into_iter()
        .map(|v| Ok((v.id, parse(&v.content)?)))
        .collect()
}

/// Scores an attempt's items against the versions that score them (every item, or only
/// those of `only` question), stores each item's points and answers the attempt's total,
/// its maximum and whether it passes.
pub fn score_items(
    conn: &mut DbConn,
    quiz: &Quiz,
    attempt_id: AttemptId,
    only: Option<QuestionId>,
) -> Result<(f64, f64, bool), ApiError> {
    let items = repo::attempt_items(conn, attempt_id)?;
    let ids: Vec<i64> = items.iter().map(AttemptItem::scoring_version).collect();
    let versions = snapshots(conn, &ids)?;
    let (mut total, mut max) = (0.0, 0.0);
    for item in &items {
        let snapshot = versions
            .get(&item.scoring_version())
            .ok_or(ApiError::NotFound)?;
        let points = f64::from(snapshot.points);
        max += points;
        if only.is_some_and(|q| q != item.question_id) {
            total += item.points.unwrap_or(0.0);
            continue;
        }
        let earned = match &item.answer {
            Some(raw) => {
                let answer: Answer = parse(raw)?;
                let layout: Layout = parse(&item.layout)?;
                if is_correct(&snapshot.key, &layout, &answer) {
                    points
                } else {
                    0.0
                }
            }
            None => 0.0,
        };
        total += earned;
        if item.points != Some(earned) {
            repo::score_item(conn, item.id, earned)?;
        }
    }
    let passed = max > 0.0 && total * 100.0 >= f64::from(quiz.pass_mark) * max;
    Ok((total, max, passed))
}

/// Completes a passed quiz's lesson for its learner, through learning, while they are
/// enrolled and the course is not archived.
pub fn complete_passed(conn: &mut DbConn, quiz: &Quiz, user_id: UserId) -> Result<(), ApiError> {
    let Some(lesson) = quiz.lesson_id else {
        return Ok(());
    };
    let course_id = quiz.course_id;
    if crate::courses::repo::is_enrolled(conn, course_id, user_id)? {
        let archived = repo::course(conn, course_id)?
            .is_some_and(|(_, s)| s == CourseStatus::Archived.as_str());
        if !archived {
            learning::service::complete_passed_quiz(conn, user_id, lesson)?;
        }
    }
    Ok(())
}

/// Submits the caller's attempt: scored on the server, once. A repeat submit changes
/// nothing and answers the same. Answers saved after the limit in a `refuse` quiz were
/// refused, so an expired attempt is scored on what was saved in time.
pub fn submit(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AttemptId,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let (attempt, quiz) = own_attempt(conn, actor, id)?;
    if attempt.submitted_at.is_some() {
        return Ok(());
    }
    if attempt.is_over(&quiz, now) && quiz.late_policy == LatePolicy::MarkLate {
        repo::touch_attempt(conn, id, true)?;
    }
    score(conn, &quiz, &attempt, now)
}

fn shown(when: ShowWhen, quiz: &Quiz, now: NaiveDateTime) -> bool {
    match when {
        ShowWhen::AfterSubmit => true,
        ShowWhen::AfterClose => quiz.closes_at.is_some_and(|c| now >= c),
        ShowWhen::Never => false,
    }
}

/// An attempt as its learner (or the course's editors) may read it, in the reader's
/// language: never a key before submission; after it, feedback and correct answers as the
/// quiz's settings allow (editors see both).
pub fn get_attempt(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AttemptId,
    prefs: Preferences,
    now: NaiveDateTime,
) -> Result<Localised<AttemptResponse>, ApiError> {
    let attempt = repo::find_attempt(conn, id)?;
    let quiz = repo::find_quiz(conn, attempt.quiz_id)?;
    let editor = attempt.user_id != actor.id && edits(conn, actor, &quiz)?;
    if attempt.user_id != actor.id && !editor {
        return Err(ApiError::NotFound);
    }
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    render(conn, &quiz, &attempt, editor, &prefs, now)
}

fn render(
    conn: &mut DbConn,
    quiz: &Quiz,
    attempt: &Attempt,
    editor: bool,
    prefs: &Preferences,
    now: NaiveDateTime,
) -> Result<Localised<AttemptResponse>, ApiError> {
    let items: Vec<AttemptItem> = repo::attempt_items(conn, attempt.id)?;
    let ids: Vec<i64> = items
        .iter()
        .flat_map(|i| [i.question_version_id, i.scoring_version()])
        .collect();
    let versions = snapshots(conn, &ids)?;
    let submitted = attempt.submitted_at.is_some();
    let feedback = submitted && (editor || shown(quiz.show_feedback, quiz, now));
    let answers = submitted && (editor || shown(quiz.show_answers, quiz, now));
    let mut language = None;
    let mut questions = Vec::new();
    for item in &items {
        let snapshot = versions
            .get(&item.question_version_id)
            .ok_or(ApiError::NotFound)?;
        // Texts as shown; key and points of the version that scores the answer.
        let scoring = versions
            .get(&item.scoring_version())
            .ok_or(ApiError::NotFound)?;
        let available: Vec<String> = snapshot.texts.keys().cloned().collect();
        let lang = prefs
            .pick(&available, &snapshot.default_language)
            .unwrap_or(&snapshot.default_language)
            .to_owned();
        let texts = snapshot
            .texts
            .get(&lang)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a version without texts")))?;
        let layout: Layout = parse(&item.layout)?;
        let answer: Option<Answer> = item.answer.as_deref().map(parse).transpose()?;
        let correct = match (&answer, submitted) {
            (Some(a), true) => Some(is_correct(&scoring.key, &layout, a)),
            (None, true) => Some(false),
            _ => None,
        };
        questions.push(AttemptQuestion {
            question_id: item.question_id,
            position: item.position,
            kind: snapshot.key.kind(),
            stem: texts.stem.clone(),
            choices: layout
                .choices
                .iter()
                .filter_map(|&i| texts.choices.get(i).map(|c| c.text.clone()))
                .collect(),
            pairs: layout
                .pairs
                .iter()
                .filter_map(|&i| texts.choices.get(i).and_then(|c| c.pair.clone()))
                .collect(),
            points: scoring.points,
            answer: answer.as_ref().map(AnswerBody::from),
            answered_at: item.answered_at.map(|t| t.and_utc()),
            late: item.late,
            earned: if submitted { item.points } else { None },
            correct: correct.filter(|_| feedback),
            feedback: (feedback && !texts.feedback.is_empty()).then(|| texts.feedback.clone()),
            correct_answer: answers
                .then(|| AnswerBody::from(&correct_answer(&scoring.key, &layout))),
        });
        language.get_or_insert(lang);
    }
    let language = language.unwrap_or_else(|| "en".to_owned());
    Ok(Localised {
        etag: attempt.etag_in(&language),
        language: language.clone(),
        view: AttemptResponse {
            id: attempt.id,
            quiz_id: quiz.id,
            lesson_id: quiz.lesson_id,
            cohort_id: quiz.cohort_id,
            number: attempt.number,
            status: attempt.status(quiz, now),
            language,
            started_at: attempt.started_at.and_utc(),
            deadline_at: attempt.deadline_at.map(|t| t.and_utc()),
            grace_seconds: quiz.grace_seconds,
            submitted_at: attempt.submitted_at.map(|t| t.and_utc()),
            late: attempt.late,
            score: attempt.score,
            max_score: attempt.max_score,
            pass_mark: quiz.pass_mark,
            passed: attempt.passed,
            questions,
            version: attempt.version,
        },
    })
}

/// The caller's attempt after a write, re-read in the same transaction.
pub fn read_own(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: AttemptId,
    prefs: Preferences,
    now: NaiveDateTime,
) -> Result<Localised<AttemptResponse>, ApiError> {
    let attempt = repo::find_attempt(conn, id)?;
    if attempt.user_id != actor.id {
        return Err(ApiError::NotFound);
    }
    let quiz = repo::find_quiz(conn, attempt.quiz_id)?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    render(conn, &quiz, &attempt, false, &prefs, now)
}
