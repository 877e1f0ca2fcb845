//! Queries on question banks, quizzes and attempts: `QueryResult`, nothing of HTTP.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::assessment::model::{
    Attempt, AttemptItem, NewAttempt, NewAttemptItem, NewQuestion, NewQuestionTranslation,
    NewQuestionVersion, NewQuizItem, NewRegrade, Question, QuestionChanges, QuestionTranslation,
    QuestionVersion, Quiz, QuizItem, QuizOwner, QuizSettings, Regrade, RegradeAttempt,
};
use crate::courses::model::LessonKind;
use crate::db::schema::{
    courses, lessons, question_regrade_attempts, question_regrades, question_translations,
    question_versions, questions, quiz_attempt_items, quiz_attempts, quiz_items, quizzes,
};
use crate::db::{self, DbConn};
use crate::types::ids::{AttemptId, CohortId, CourseId, LessonId, QuestionId, QuizId, UserId};

/// What assessment needs of a live course: its default language and status.
pub fn course(conn: &mut DbConn, id: CourseId) -> QueryResult<Option<(String, String)>> {
    courses::table
        .filter(courses::id.eq(id))
        .filter(courses::deleted_at.is_null())
        .select((courses::default_language, courses::status))
        .first(conn)
        .optional()
}

/// A live lesson's course and kind.
pub fn lesson(conn: &mut DbConn, id: LessonId) -> QueryResult<Option<(CourseId, LessonKind)>> {
    lessons::table
        .filter(lessons::id.eq(id))
        .filter(lessons::deleted_at.is_null())
        .select((lessons::course_id, lessons::kind))
        .first(conn)
        .optional()
}

/// A live question.
pub fn find_question(conn: &mut DbConn, id: QuestionId) -> QueryResult<Question> {
    questions::table
        .filter(questions::id.eq(id))
        .filter(questions::deleted_at.is_null())
        .select(Question::as_select())
        .first(conn)
}

/// Live questions of a course by id.
pub fn questions_of_course(
    conn: &mut DbConn,
    course_id: CourseId,
    ids: &[QuestionId],
) -> QueryResult<Vec<Question>> {
    questions::table
        .filter(questions::course_id.eq(course_id))
        .filter(questions::id.eq_any(ids.to_vec()))
        .filter(questions::deleted_at.is_null())
        .select(Question::as_select())
        .load(conn)
}

/// A page of a course's live questions by id, with a tag if asked.
pub fn list_questions(
    conn: &mut DbConn,
    course_id: CourseId,
    tag: Option<&str>,
    after: Option<QuestionId>,
    limit: i64,
) -> QueryResult<Vec<Question>> {
    let mut q = questions::table
        .filter(questions::course_id.eq(course_id))
        .filter(questions::deleted_at.is_null())
        .select(Question::as_select())
        .order(questions::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(tag) = tag {
        q = q.filter(questions::tags.like(format!("%,{tag},%")));
    }
    if let Some(after) = after {
        q = q.filter(questions::id.gt(after));
    }
    q.load(conn)
}

/// Ids of a course's live questions tagged `tag`, by id.
pub fn tagged(conn: &mut DbConn, course_id: CourseId, tag: &str) -> QueryResult<Vec<QuestionId>> {
    questions::table
        .filter(questions::course_id.eq(course_id))
        .filter(questions::deleted_at.is_null())
        .filter(questions::tags.like(format!("%,{tag},%")))
        .select(questions::id)
        .order(questions::id.asc())
        .load(conn)
}

/// Inserts a question.
pub fn insert_question(conn: &mut DbConn, new: &NewQuestion) -> QueryResult<Question> {
    diesel::insert_into(questions::table)
        .values(new)
        .returning(questions::all_columns)
        .get_result(conn)
}

/// Replaces a question's columns; version + 1.
pub fn update_question(
    conn: &mut DbConn,
    id: QuestionId,
    changes: &QuestionChanges,
) -> QueryResult<Question> {
    diesel::update(questions::table.find(id))
        .set((changes, questions::version.eq(questions::version + 1)))
        .returning(questions::all_columns)
        .get_result(conn)
}

/// Version + 1 and `updated_at` (a translation changed).
pub fn bump_question(
    conn: &mut DbConn,
    id: QuestionId,
    at: NaiveDateTime,
) -> QueryResult<Question> {
    diesel::update(questions::table.find(id))
        .set((
            questions::version.eq(questions::version + 1),
            questions::updated_at.eq(at),
        ))
        .returning(questions::all_columns)
        .get_result(conn)
}

/// Soft-deletes a question (attempts keep their versions).
pub fn delete_question(conn: &mut DbConn, id: QuestionId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(questions::table.find(id))
        .set((
            questions::deleted_at.eq(Some(at)),
            questions::updated_at.eq(at),
            questions::version.eq(questions::version + 1),
        ))
        .execute(conn)
}

/// The translations of some questions.
pub fn translations(
    conn: &mut DbConn,
    ids: &[QuestionId],
) -> QueryResult<Vec<QuestionTranslation>> {
    question_translations::table
        .filter(question_translations::question_id.eq_any(ids.to_vec()))
        .select(QuestionTranslation::as_select())
        .order((
            question_translations::question_id,
            question_translations::language,
        ))
        .load(conn)
}

/// Writes a question's texts in one language; `true` when the language is new.
pub fn put_translation(conn: &mut DbConn, t: &NewQuestionTranslation) -> QueryResult<bool> {
    db::update_or_insert!(
        conn,
        question_translations::table
            .filter(question_translations::question_id.eq(t.question_id))
            .filter(question_translations::language.eq(&t.language)),
        (
            question_translations::stem.eq(&t.stem),
            question_translations::feedback.eq(&t.feedback),
            question_translations::choices.eq(&t.choices),
            question_translations::updated_at.eq(t.updated_at),
        ),
        question_translations::table,
        t,
    )
}

/// Removes one translation.
pub fn delete_translation(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(question_translations::table.find(id)).execute(conn)
}

/// Records a question's version.
pub fn insert_version(conn: &mut DbConn, v: &NewQuestionVersion) -> QueryResult<QuestionVersion> {
    diesel::insert_into(question_versions::table)
        .values(v)
        .returning(question_versions::all_columns)
        .get_result(conn)
}

/// The current versions of some questions (`(question_id, version)` pairs).
pub fn versions_by_id(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<QuestionVersion>> {
    question_versions::table
        .filter(question_versions::id.eq_any(ids.to_vec()))
        .select(QuestionVersion::as_select())
        .load(conn)
}

/// A question's row at `version`.
pub fn version_of(
    conn: &mut DbConn,
    question_id: QuestionId,
    version: i64,
) -> QueryResult<QuestionVersion> {
    question_versions::table
        .filter(question_versions::question_id.eq(question_id))
        .filter(question_versions::version.eq(version))
        .select(QuestionVersion::as_select())
        .first(conn)
}

/// A lesson's quiz.
pub fn quiz_of_lesson(conn: &mut DbConn, lesson_id: LessonId) -> QueryResult<Option<Quiz>> {
    quizzes::table
        .filter(quizzes::lesson_id.eq(lesson_id))
        .select(Quiz::as_select())
        .first(conn)
        .optional()
}

/// A quiz by id.
pub fn find_quiz(conn: &mut DbConn, id: QuizId) -> QueryResult<Quiz> {
    quizzes::table
        .find(id)
        .select(Quiz::as_select())
        .first(conn)
}

/// A page of a cohort's quizzes by id.
pub fn quizzes_of_cohort(
    conn: &mut DbConn,
    cohort: CohortId,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Quiz>> {
    let mut q = quizzes::table
        .filter(quizzes::cohort_id.eq(cohort))
        .select(Quiz::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(quizzes::id.gt(after));
    }
    q.order(quizzes::id.asc()).limit(limit).load(conn)
}

/// How many quizzes a cohort holds.
pub fn count_cohort_quizzes(conn: &mut DbConn, cohort: CohortId) -> QueryResult<i64> {
    quizzes::table
        .filter(quizzes::cohort_id.eq(cohort))
        .count()
        .get_result(conn)
}

/// Inserts a quiz.
pub fn insert_quiz(
    conn: &mut DbConn,
    owner: &QuizOwner,
    course_id: CourseId,
    settings: &QuizSettings,
    at: NaiveDateTime,
) -> QueryResult<Quiz> {
    let (lesson_id, cohort_id, title) = match owner {
        QuizOwner::Lesson(lesson) => (Some(*lesson), None, None),
        QuizOwner::Cohort { cohort, title } => (None, Some(*cohort), Some(title.as_str())),
    };
    diesel::insert_into(quizzes::table)
        .values((
            quizzes::lesson_id.eq(lesson_id),
            quizzes::cohort_id.eq(cohort_id),
            quizzes::title.eq(title),
            quizzes::course_id.eq(course_id),
            settings,
            quizzes::created_at.eq(at),
            quizzes::updated_at.eq(at),
        ))
        .returning(quizzes::all_columns)
        .get_result(conn)
}

/// Replaces a quiz's settings, bank and title; version + 1.
pub fn update_quiz(
    conn: &mut DbConn,
    id: QuizId,
    course_id: CourseId,
    title: Option<&str>,
    settings: &QuizSettings,
    at: NaiveDateTime,
) -> QueryResult<Quiz> {
    diesel::update(quizzes::table.find(id))
        .set((
            settings,
            quizzes::course_id.eq(course_id),
            quizzes::title.eq(title),
            quizzes::updated_at.eq(at),
            quizzes::version.eq(quizzes::version + 1),
        ))
        .returning(quizzes::all_columns)
        .get_result(conn)
}

/// A quiz's entries in order.
pub fn quiz_items(conn: &mut DbConn, quiz_id: QuizId) -> QueryResult<Vec<QuizItem>> {
    quiz_items::table
        .filter(quiz_items::quiz_id.eq(quiz_id))
        .select(QuizItem::as_select())
        .order(quiz_items::position.asc())
        .load(conn)
}

/// The entries of the quizzes `ids`, by quiz and position (one query for a page).
pub fn items_of_quizzes(conn: &mut DbConn, ids: &[QuizId]) -> QueryResult<Vec<QuizItem>> {
    quiz_items::table
        .filter(quiz_items::quiz_id.eq_any(ids))
        .select(QuizItem::as_select())
        .order((quiz_items::quiz_id.asc(), quiz_items::position.asc()))
        .load(conn)
}

/// `user_id`'s attempts at the quizzes `ids`, by quiz and number (one query for a page).
pub fn attempts_at_quizzes(
    conn: &mut DbConn,
    ids: &[QuizId],
    user_id: UserId,
) -> QueryResult<Vec<Attempt>> {
    quiz_attempts::table
        .filter(quiz_attempts::quiz_id.eq_any(ids))
        .filter(quiz_attempts::user_id.eq(user_id))
        .select(Attempt::as_select())
        .order((quiz_attempts::quiz_id.asc(), quiz_attempts::number.asc()))
        .load(conn)
}

/// Replaces a quiz's entries.
pub fn replace_quiz_items(
    conn: &mut DbConn,
    quiz_id: QuizId,
    items: &[NewQuizItem],
) -> QueryResult<()> {
    diesel::delete(quiz_items::table.filter(quiz_items::quiz_id.eq(quiz_id))).execute(conn)?;
    for item in items {
        diesel::insert_into(quiz_items::table)
            .values(item)
            .execute(conn)?;
    }
    Ok(())
}

/// A learner's attempts at a quiz, first to last.
pub fn attempts_of(
    conn: &mut DbConn,
    quiz_id: QuizId,
    user_id: UserId,
) -> QueryResult<Vec<Attempt>> {
    quiz_attempts::table
        .filter(quiz_attempts::quiz_id.eq(quiz_id))
        .filter(quiz_attempts::user_id.eq(user_id))
        .select(Attempt::as_select())
        .order(quiz_attempts::number.asc())
        .load(conn)
}

/// An attempt by id.
pub fn find_attempt(conn: &mut DbConn, id: AttemptId) -> QueryResult<Attempt> {
    quiz_attempts::table
        .find(id)
        .select(Attempt::as_select())
        .first(conn)
}

/// Inserts an attempt.
pub fn insert_attempt(conn: &mut DbConn, new: &NewAttempt) -> QueryResult<Attempt> {
    diesel::insert_into(quiz_attempts::table)
        .values(new)
        .returning(quiz_attempts::all_columns)
        .get_result(conn)
}

/// Inserts an attempt's questions.
pub fn insert_attempt_items(conn: &mut DbConn, items: &[NewAttemptItem]) -> QueryResult<()> {
    for item in items {
        diesel::insert_into(quiz_attempt_items::table)
            .values(item)
            .execute(conn)?;
    }
    Ok(())
}

/// An attempt's questions in order.
pub fn attempt_items(conn: &mut DbConn, attempt_id: AttemptId) -> QueryResult<Vec<AttemptItem>> {
    quiz_attempt_items::table
        .filter(quiz_attempt_items::attempt_id.eq(attempt_id))
        .select(AttemptItem::as_select())
        .order(quiz_attempt_items::position.asc())
        .load(conn)
}

/// Stores an answer.
pub fn save_answer(
    conn: &mut DbConn,
    item_id: i64,
    answer: &str,
    at: NaiveDateTime,
    late: bool,
) -> QueryResult<usize> {
    diesel::update(quiz_attempt_items::table.find(item_id))
        .set((
            quiz_attempt_items::answer.eq(Some(answer)),
            quiz_attempt_items::answered_at.eq(Some(at)),
            quiz_attempt_items::late.eq(late),
        ))
        .execute(conn)
}

/// Stores the points an answer earned.
pub fn score_item(conn: &mut DbConn, item_id: i64, points: f64) -> QueryResult<usize> {
    diesel::update(quiz_attempt_items::table.find(item_id))
        .set(quiz_attempt_items::points.eq(Some(points)))
        .execute(conn)
}

/// Version + 1 of an attempt, marking it late if `late`.
pub fn touch_attempt(conn: &mut DbConn, id: AttemptId, late: bool) -> QueryResult<usize> {
    let q = diesel::update(quiz_attempts::table.find(id));
    if late {
        q.set((
            quiz_attempts::version.eq(quiz_attempts::version + 1),
            quiz_attempts::late.eq(true),
        ))
        .execute(conn)
    } else {
        q.set(quiz_attempts::version.eq(quiz_attempts::version + 1))
            .execute(conn)
    }
}

/// Records an attempt's score, once: only an unsubmitted attempt is changed (0 rows when
/// another submit got there first).
pub fn submit_attempt(
    conn: &mut DbConn,
    id: AttemptId,
    at: NaiveDateTime,
    score: f64,
    max_score: f64,
    passed: bool,
) -> QueryResult<usize> {
    diesel::update(
        quiz_attempts::table
            .filter(quiz_attempts::id.eq(id))
            .filter(quiz_attempts::submitted_at.is_null()),
    )
    .set((
        quiz_attempts::submitted_at.eq(Some(at)),
        quiz_attempts::score.eq(Some(score)),
        quiz_attempts::max_score.eq(Some(max_score)),
        quiz_attempts::passed.eq(Some(passed)),
        quiz_attempts::version.eq(quiz_attempts::version + 1),
    ))
    .execute(conn)
}

/// Every attempt item that asked `question_id`, by attempt.
pub fn items_of_question(
    conn: &mut DbConn,
    question_id: QuestionId,
) -> QueryResult<Vec<AttemptItem>> {
    quiz_attempt_items::table
        .filter(quiz_attempt_items::question_id.eq(question_id))
        .select(AttemptItem::as_select())
        .order((
            quiz_attempt_items::attempt_id.asc(),
            quiz_attempt_items::id.asc(),
        ))
        .load(conn)
}

/// Points attempt items at the version whose key scores them.
pub fn set_key_version(conn: &mut DbConn, item_ids: &[i64], version_id: i64) -> QueryResult<usize> {
    diesel::update(
        quiz_attempt_items::table.filter(quiz_attempt_items::id.eq_any(item_ids.to_vec())),
    )
    .set(quiz_attempt_items::key_version_id.eq(Some(version_id)))
    .execute(conn)
}

/// Attempts by id.
pub fn attempts_by_id(conn: &mut DbConn, ids: &[AttemptId]) -> QueryResult<Vec<Attempt>> {
    quiz_attempts::table
        .filter(quiz_attempts::id.eq_any(ids.to_vec()))
        .select(Attempt::as_select())
        .order(quiz_attempts::id.asc())
        .load(conn)
}

/// A submitted attempt's new score (a regrade): version + 1.
pub fn rescore_attempt(
    conn: &mut DbConn,
    id: AttemptId,
    score: f64,
    max_score: f64,
    passed: bool,
) -> QueryResult<usize> {
    diesel::update(quiz_attempts::table.find(id))
        .set((
            quiz_attempts::score.eq(Some(score)),
            quiz_attempts::max_score.eq(Some(max_score)),
            quiz_attempts::passed.eq(Some(passed)),
            quiz_attempts::version.eq(quiz_attempts::version + 1),
        ))
        .execute(conn)
}

/// Records a regrade.
pub fn insert_regrade(conn: &mut DbConn, new: &NewRegrade) -> QueryResult<Regrade> {
    diesel::insert_into(question_regrades::table)
        .values(new)
        .returning(question_regrades::all_columns)
        .get_result(conn)
}

/// Records what a regrade did to attempts.
pub fn insert_regrade_attempts(conn: &mut DbConn, rows: &[RegradeAttempt]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(question_regrade_attempts::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// A question's regrades, newest first.
pub fn regrades_of(conn: &mut DbConn, question_id: QuestionId) -> QueryResult<Vec<Regrade>> {
    question_regrades::table
        .filter(question_regrades::question_id.eq(question_id))
        .select(Regrade::as_select())
        .order(question_regrades::id.desc())
        .load(conn)
}
