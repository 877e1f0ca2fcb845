//! Queries of reaction surveys: instruments, responses, the has-responded records, results
//! and reminder claims.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::assessment::surveys::model::{
    NewAnswer, NewResponse, NewSurvey, NewSurveyItem, Survey, SurveyItem, SurveyTranslation,
};
use crate::db::schema::{
    courses, enrolments, survey_answers, survey_items, survey_reminders, survey_respondents,
    survey_responses, survey_translations, survey_value_counts, surveys,
};
use crate::db::sql::Sql;
use crate::db::{self, DbConn};
use crate::types::ids::{CohortId, CourseId, SurveyId, SurveyItemId, UserId};

/// Stores a survey.
pub fn insert(conn: &mut DbConn, new: &NewSurvey) -> QueryResult<Survey> {
    diesel::insert_into(surveys::table)
        .values(new)
        .returning(surveys::all_columns)
        .get_result(conn)
}

/// Stores a survey's items.
pub fn insert_items(conn: &mut DbConn, items: &[NewSurveyItem]) -> QueryResult<usize> {
    db::insert_chunked!(conn, survey_items::table, items, 100)
}

/// A survey by id.
pub fn find(conn: &mut DbConn, id: SurveyId) -> QueryResult<Survey> {
    surveys::table
        .find(id)
        .select(Survey::as_select())
        .first(conn)
}

/// A course's end-of-course surveys, by id.
pub fn of_course(conn: &mut DbConn, course_id: CourseId) -> QueryResult<Vec<Survey>> {
    surveys::table
        .filter(surveys::course_id.eq(course_id))
        .select(Survey::as_select())
        .order(surveys::id.asc())
        .load(conn)
}

/// A cohort's surveys (its end and its sessions'), by id.
pub fn of_cohort(conn: &mut DbConn, cohort_id: CohortId) -> QueryResult<Vec<Survey>> {
    surveys::table
        .filter(surveys::cohort_id.eq(cohort_id))
        .select(Survey::as_select())
        .order(surveys::id.asc())
        .load(conn)
}

/// How many surveys a course or cohort has.
pub fn count_of(
    conn: &mut DbConn,
    course_id: Option<CourseId>,
    cohort_id: Option<CohortId>,
) -> QueryResult<i64> {
    match (course_id, cohort_id) {
        (Some(c), _) => surveys::table
            .filter(surveys::course_id.eq(c))
            .count()
            .get_result(conn),
        (None, Some(c)) => surveys::table
            .filter(surveys::cohort_id.eq(c))
            .count()
            .get_result(conn),
        (None, None) => Ok(0),
    }
}

/// Surveys open at `now` that opened between `from` and `until` (the reminder window).
pub fn opened_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Vec<Survey>> {
    surveys::table
        .filter(surveys::opens_at.ge(from))
        .filter(surveys::opens_at.le(until))
        .filter(surveys::closes_at.is_null().or(surveys::closes_at.gt(now)))
        .select(Survey::as_select())
        .order(surveys::id.asc())
        .load(conn)
}

/// A survey's items in order.
pub fn items(conn: &mut DbConn, survey_id: SurveyId) -> QueryResult<Vec<SurveyItem>> {
    survey_items::table
        .filter(survey_items::survey_id.eq(survey_id))
        .select(SurveyItem::as_select())
        .order(survey_items::position.asc())
        .load(conn)
}

/// One item of `survey`, if it is one of its items.
pub fn item(
    conn: &mut DbConn,
    survey: SurveyId,
    item: SurveyItemId,
) -> QueryResult<Option<SurveyItem>> {
    survey_items::table
        .find(item)
        .filter(survey_items::survey_id.eq(survey))
        .select(SurveyItem::as_select())
        .first(conn)
        .optional()
}

/// A survey's texts in every language, by language.
pub fn translations(conn: &mut DbConn, survey_id: SurveyId) -> QueryResult<Vec<SurveyTranslation>> {
    survey_translations::table
        .filter(survey_translations::survey_id.eq(survey_id))
        .select(SurveyTranslation::as_select())
        .order(survey_translations::language.asc())
        .load(conn)
}

/// Writes a survey's texts in one language (replacing them); whether the language is new.
pub fn put_translation(conn: &mut DbConn, row: &SurveyTranslation) -> QueryResult<bool> {
    let existed = diesel::delete(
        survey_translations::table
            .filter(survey_translations::survey_id.eq(row.survey_id))
            .filter(survey_translations::language.eq(&row.language)),
    )
    .execute(conn)?;
    diesel::insert_into(survey_translations::table)
        .values(row)
        .execute(conn)?;
    Ok(existed == 0)
}

/// Bumps a survey's version.
pub fn touch(conn: &mut DbConn, id: SurveyId, at: NaiveDateTime) -> QueryResult<Survey> {
    diesel::update(surveys::table.find(id))
        .set((
            surveys::version.eq(surveys::version + 1),
            surveys::updated_at.eq(at),
        ))
        .returning(surveys::all_columns)
        .get_result(conn)
}

/// Records that `user` responded; a unique violation when they had.
pub fn insert_respondent(conn: &mut DbConn, survey: SurveyId, user: UserId) -> QueryResult<usize> {
    diesel::insert_into(survey_respondents::table)
        .values((
            survey_respondents::survey_id.eq(survey),
            survey_respondents::user_id.eq(user),
        ))
        .execute(conn)
}

/// Whether `user` has responded.
pub fn has_responded(conn: &mut DbConn, survey: SurveyId, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        survey_respondents::table
            .filter(survey_respondents::survey_id.eq(survey))
            .filter(survey_respondents::user_id.eq(user)),
    ))
    .get_result(conn)
}

/// Who of `people` has responded.
pub fn respondents_among(
    conn: &mut DbConn,
    survey: SurveyId,
    people: &[UserId],
) -> QueryResult<Vec<UserId>> {
    let mut out = Vec::new();
    for chunk in people.chunks(1000) {
        out.extend(
            survey_respondents::table
                .filter(survey_respondents::survey_id.eq(survey))
                .filter(survey_respondents::user_id.eq_any(chunk))
                .select(survey_respondents::user_id)
                .load::<UserId>(conn)?,
        );
    }
    Ok(out)
}

/// Stores a response and its answers, and adds the answers to their items' counts.
pub fn insert_response(
    conn: &mut DbConn,
    response: &NewResponse,
    answers: &[NewAnswer],
) -> QueryResult<()> {
    diesel::insert_into(survey_responses::table)
        .values(response)
        .execute(conn)?;
    db::insert_chunked!(conn, survey_answers::table, answers, 100)?;
    count_responses(conn, response.survey_id, 1)?;
    count_values(conn, answers)
}

/// Adds `n` responses, just stored, to the survey's kept count (`surveys.response_count`).
/// Whoever stores responses calls it in the same transaction (the seed's bulk loader too).
/// It changes no version: the count is not part of the survey's representation.
pub fn count_responses(conn: &mut DbConn, survey: SurveyId, n: i64) -> QueryResult<()> {
    diesel::update(surveys::table.find(survey))
        .set(surveys::response_count.eq(surveys::response_count + n))
        .execute(conn)
        .map(drop)
}

/// Adds the values of `answers`, just stored, to their items' kept counts
/// (`survey_value_counts`): one upsert per item and value, in item and value order, so that
/// two transactions adding to the same counts on PostgreSQL lock them in the same order.
/// Whoever stores answers calls it in the same transaction (the seed's bulk loader too).
pub fn count_values(conn: &mut DbConn, answers: &[NewAnswer]) -> QueryResult<()> {
    let mut tally: BTreeMap<(SurveyItemId, i32), i64> = BTreeMap::new();
    for answer in answers {
        if let Some(value) = answer.value {
            *tally.entry((answer.item_id, value)).or_default() += 1;
        }
    }
    for ((item, value), n) in tally {
        Sql::new(
            "INSERT INTO survey_value_counts (item_id, value, answers) VALUES (?, ?, ?) \
             ON CONFLICT (item_id, value) \
             DO UPDATE SET answers = survey_value_counts.answers + excluded.answers",
        )
        .bind_i64(item.get())
        .bind_i64(i64::from(value))
        .bind_i64(n)
        .execute(conn)?;
    }
    Ok(())
}

/// How many answers to a survey's items carry each value (kept counts, [`count_values`]):
/// (item, value, answers), values nobody gave left out.
pub fn value_counts(
    conn: &mut DbConn,
    survey: SurveyId,
) -> QueryResult<Vec<(SurveyItemId, i32, i64)>> {
    survey_value_counts::table
        .inner_join(survey_items::table)
        .filter(survey_items::survey_id.eq(survey))
        .select((
            survey_value_counts::item_id,
            survey_value_counts::value,
            survey_value_counts::answers,
        ))
        .load(conn)
}

/// How many open answers an item has.
pub fn open_count(conn: &mut DbConn, item: SurveyItemId) -> QueryResult<i64> {
    survey_answers::table
        .filter(survey_answers::item_id.eq(item))
        .filter(survey_answers::text.is_not_null())
        .count()
        .get_result(conn)
}

/// An item's open answers sorted by text (not in the order they came), at most `limit`.
pub fn open_answers(conn: &mut DbConn, item: SurveyItemId, limit: i64) -> QueryResult<Vec<String>> {
    survey_answers::table
        .filter(survey_answers::item_id.eq(item))
        .filter(survey_answers::text.is_not_null())
        .select(survey_answers::text.assume_not_null())
        .order(survey_answers::text.asc())
        .limit(limit)
        .load(conn)
}

/// An item's distinct open answers with how many gave each, sorted by text, `limit` of
/// them after the first `skip`: one walk of the `(item_id, text)` index up to the page.
pub fn open_answer_groups(
    conn: &mut DbConn,
    item: SurveyItemId,
    skip: i64,
    limit: i64,
) -> QueryResult<Vec<(String, i64)>> {
    survey_answers::table
        .filter(survey_answers::item_id.eq(item))
        .filter(survey_answers::text.is_not_null())
        .group_by(survey_answers::text)
        .select((
            survey_answers::text.assume_not_null(),
            diesel::dsl::count_star(),
        ))
        .order(survey_answers::text.asc())
        .limit(limit)
        .offset(skip)
        .load(conn)
}

/// How many learners a course has now: its kept count of active enrolments
/// (`courses.enrolment_count`, recounted by every enrolment and unenrolment), the number
/// the catalogue shows.
pub fn enrolled_count(conn: &mut DbConn, course: CourseId) -> QueryResult<i64> {
    courses::table
        .find(course)
        .select(courses::enrolment_count)
        .first::<i32>(conn)
        .optional()
        .map(|n| n.map_or(0, i64::from))
}

/// A course's learners now.
pub fn enrolled(conn: &mut DbConn, course: CourseId) -> QueryResult<Vec<UserId>> {
    enrolments::table
        .filter(enrolments::course_id.eq(course))
        .filter(enrolments::deleted_at.is_null())
        .select(enrolments::user_id)
        .order(enrolments::user_id.asc())
        .load(conn)
}

/// Claims the reminder of a survey to `user`; false when it was claimed before.
pub fn claim_reminder(
    conn: &mut DbConn,
    survey: SurveyId,
    user: UserId,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        survey_reminders::survey_id.eq(survey),
        survey_reminders::user_id.eq(user),
        survey_reminders::sent_at.eq(at),
    );
    Ok(db::insert_or_ignore!(conn, survey_reminders::table, row)? == 1)
}

/// Who has had the survey's reminder.
pub fn reminded(conn: &mut DbConn, survey: SurveyId) -> QueryResult<Vec<UserId>> {
    survey_reminders::table
        .filter(survey_reminders::survey_id.eq(survey))
        .select(survey_reminders::user_id)
        .load(conn)
}

/// Whether a course has an end-of-course survey (the scale seed stays idempotent with it).
pub fn course_has_survey(conn: &mut DbConn, course: CourseId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        surveys::table.filter(surveys::course_id.eq(course)),
    ))
    .get_result(conn)
}
