//! Queries of pre- and post-tests: the pairs, and what their results read of attempts,
//! cohorts and accounts.

use diesel::prelude::*;

use crate::assessment::prepost::model::{NewPrePostTest, PrePostTest};
use crate::cohorts::nominations::model::NominationStatus;
use crate::db::DbConn;
use crate::db::schema::{
    cohort_courses, cohort_facilitators, nominations, pre_post_tests, quiz_attempt_items,
    quiz_attempts, users,
};
use crate::types::ids::{AttemptId, CohortId, CourseId, PrePostTestId, QuestionId, QuizId, UserId};

/// A submitted attempt as read: (attempt, learner, number, score, max score).
pub type SubmittedRow = (AttemptId, UserId, i32, Option<f64>, Option<f64>);

/// Stores a pair.
pub fn insert(conn: &mut DbConn, new: &NewPrePostTest) -> QueryResult<PrePostTest> {
    diesel::insert_into(pre_post_tests::table)
        .values(new)
        .returning(pre_post_tests::all_columns)
        .get_result(conn)
}

/// A pair by id.
pub fn find(conn: &mut DbConn, id: PrePostTestId) -> QueryResult<PrePostTest> {
    pre_post_tests::table
        .find(id)
        .select(PrePostTest::as_select())
        .first(conn)
}

/// A course's pairs, by id.
pub fn of_course(conn: &mut DbConn, course_id: CourseId) -> QueryResult<Vec<PrePostTest>> {
    pre_post_tests::table
        .filter(pre_post_tests::course_id.eq(course_id))
        .select(PrePostTest::as_select())
        .order(pre_post_tests::id.asc())
        .load(conn)
}

/// How many pairs a course has.
pub fn count_of_course(conn: &mut DbConn, course_id: CourseId) -> QueryResult<i64> {
    pre_post_tests::table
        .filter(pre_post_tests::course_id.eq(course_id))
        .count()
        .get_result(conn)
}

/// Whether the cohort runs the course.
pub fn cohort_has_course(
    conn: &mut DbConn,
    cohort: CohortId,
    course: CourseId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        cohort_courses::table
            .filter(cohort_courses::cohort_id.eq(cohort))
            .filter(cohort_courses::course_id.eq(course)),
    ))
    .get_result(conn)
}

/// Whether `user` facilitates the cohort.
pub fn is_facilitator(conn: &mut DbConn, cohort: CohortId, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        cohort_facilitators::table
            .filter(cohort_facilitators::cohort_id.eq(cohort))
            .filter(cohort_facilitators::user_id.eq(user)),
    ))
    .get_result(conn)
}

/// The cohort's participants (accepted nominees).
pub fn participants(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<UserId>> {
    nominations::table
        .filter(nominations::cohort_id.eq(cohort))
        .filter(nominations::status.eq(NominationStatus::Accepted))
        .select(nominations::nominee_id)
        .load(conn)
}

/// Submitted attempts at a quiz, of every learner or `only` one: (attempt, learner,
/// number, score, max score).
pub fn submitted(
    conn: &mut DbConn,
    quiz_id: QuizId,
    only: Option<UserId>,
) -> QueryResult<Vec<SubmittedRow>> {
    let mut query = quiz_attempts::table
        .filter(quiz_attempts::quiz_id.eq(quiz_id))
        .filter(quiz_attempts::submitted_at.is_not_null())
        .select((
            quiz_attempts::id,
            quiz_attempts::user_id,
            quiz_attempts::number,
            quiz_attempts::score,
            quiz_attempts::max_score,
        ))
        .order(quiz_attempts::id.asc())
        .into_boxed();
    if let Some(user_id) = only {
        query = query.filter(quiz_attempts::user_id.eq(user_id));
    }
    query.load(conn)
}

/// The scored questions of a quiz's submitted attempts: (attempt, question, points earned).
pub fn scored_items(
    conn: &mut DbConn,
    quiz_id: QuizId,
) -> QueryResult<Vec<(AttemptId, QuestionId, Option<f64>)>> {
    quiz_attempt_items::table
        .inner_join(quiz_attempts::table)
        .filter(quiz_attempts::quiz_id.eq(quiz_id))
        .filter(quiz_attempts::submitted_at.is_not_null())
        .select((
            quiz_attempt_items::attempt_id,
            quiz_attempt_items::question_id,
            quiz_attempt_items::points,
        ))
        .load(conn)
}

/// Display names of accounts.
pub fn names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String)>> {
    users::table
        .filter(users::id.eq_any(ids.to_vec()))
        .select((users::id, users::display_name))
        .load(conn)
}
