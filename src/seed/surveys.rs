//! Demo and scale reaction surveys.
//!
//! Demo (`data/surveys.toml`): the demo ToT's end-of-cohort survey, anonymous, in English
//! and Filipino, made by its facilitator and answered by its three graduates through the
//! services the API uses (each body parsed as the API parses it). Skipped when the cohort
//! has a survey.
//!
//! Scale: an anonymous end-of-course survey on the first open synthetic course (the one
//! the assessment scale data uses), answered by `n` synthetic members (10,000 at the
//! benchmark's scale), who are enrolled first when they are not. The responses, their
//! answers and the has-responded records are written directly in multi-row inserts, with
//! the same random ids and dates only as the service writes, and the answers added to the
//! items' kept counts as the service adds them; skipped when the course has a survey.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::assessment::surveys::dto::{
    ResponseInput, ResponseRequest, SurveyInput, SurveyRequest, SurveyTranslationRequest,
};
use crate::assessment::surveys::model::{NewAnswer, NewResponse, SurveyTexts, response_id};
use crate::assessment::surveys::{repo, service};
use crate::db::schema::{
    cohort_translations, cohorts, courses, survey_answers, survey_respondents, survey_responses,
    users,
};
use crate::db::{self, Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::types::ids::{CohortId, CourseId, SurveyId, UserId};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    cohort: String,
    facilitator: String,
    en: Texts,
    fil: Texts,
    responses: Vec<Answered>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Texts {
    title: String,
    description: String,
    items: Vec<ItemText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemText {
    prompt: String,
    #[serde(default)]
    options: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answered {
    who: String,
    values: Vec<i64>,
    text: String,
}

fn data() -> anyhow::Result<Demo> {
    Ok(toml::from_str(include_str!("data/surveys.toml"))?)
}

fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("demo survey does not parse: {e}")))
}

/// The kinds of the demo items, in order (the texts come from the data file).
const DEMO_KINDS: [&str; 5] = ["likert", "likert", "rating", "single_choice", "open_text"];

/// Loads the demo survey; a second run adds nothing. How many responses were added.
pub fn demo(db: &Db) -> anyhow::Result<usize> {
    let data = data()?;
    let mut conn = db.conn()?;
    let added = write_transaction(&mut conn, |conn| demo_in(conn, &data))?;
    tracing::info!(responses.added = added, "demo survey seeded");
    Ok(added)
}

fn demo_in(conn: &mut DbConn, data: &Demo) -> Result<usize, ApiError> {
    let Some(cohort_id) = cohort_translations::table
        .inner_join(cohorts::table)
        .filter(cohort_translations::title.eq(&data.cohort))
        .select(cohorts::id)
        .first::<CohortId>(conn)
        .optional()?
    else {
        return Ok(0);
    };
    if repo::count_of(conn, None, Some(cohort_id))? > 0 {
        return Ok(0);
    }
    let Ok(facilitator) = super::actor(conn, &data.facilitator) else {
        return Ok(0);
    };
    let ends_on: chrono::NaiveDate = cohorts::table
        .find(cohort_id)
        .select(cohorts::ends_on)
        .first(conn)?;
    let opens_at = ends_on.and_hms_opt(0, 0, 0).unwrap_or_default();
    let items: Vec<serde_json::Value> = data
        .en
        .items
        .iter()
        .zip(DEMO_KINDS)
        .map(|(t, kind)| {
            let mut item = json!({"kind": kind, "prompt": t.prompt});
            if !t.options.is_empty() {
                item["options"] = json!(t.options);
            }
            if kind == "rating" {
                item["scale_max"] = json!(10);
            }
            item
        })
        .collect();
    let input = SurveyInput::try_from(parse::<SurveyRequest>(json!({
        "title": data.en.title,
        "description": data.en.description,
        "language": "en",
        "anonymous": true,
        "opens_at": format!("{}Z", opens_at.format("%Y-%m-%dT%H:%M:%S")),
        "items": items,
    }))?)?;
    let at = now();
    let created = service::create_for_cohort(conn, &facilitator, cohort_id, input, at)?;
    let survey = created.view.id;
    let item_ids: Vec<i64> = created.view.items.iter().map(|i| i.id.get()).collect();
    let fil = SurveyTexts::try_from(parse::<SurveyTranslationRequest>(json!({
        "title": data.fil.title,
        "description": data.fil.description,
        "items": data.fil.items.iter().map(|t| {
            if t.options.is_empty() {
                json!({"prompt": t.prompt})
            } else {
                json!({"prompt": t.prompt, "options": t.options})
            }
        }).collect::<Vec<_>>(),
    }))?)?;
    service::put_translation(conn, &facilitator, survey, "fil".to_owned(), fil, false, at)?;
    let mut added = 0;
    for r in &data.responses {
        let Ok(who) = super::actor(conn, &r.who) else {
            continue;
        };
        let mut answers: Vec<serde_json::Value> = item_ids
            .iter()
            .zip(&r.values)
            .map(|(item, value)| json!({"item_id": item, "value": value}))
            .collect();
        if !r.text.is_empty()
            && let Some(item) = item_ids.get(r.values.len())
        {
            answers.push(json!({"item_id": item, "text": r.text}));
        }
        let input =
            ResponseInput::try_from(parse::<ResponseRequest>(json!({ "answers": answers }))?)?;
        service::respond(conn, &who, survey, input, at)?;
        added += 1;
    }
    Ok(added)
}

/// Responses written per transaction.
const SCALE_BATCH: usize = 2000;
/// Open answers of the scale survey, drawn in turn.
const SCALE_TEXTS: [&str; 5] = [
    "More practice in breakout rooms.",
    "Shorter sessions, please.",
    "The materials in Filipino helped a lot.",
    "Add a module on platform workers.",
    "Good pace.",
];

/// Scale data: `n` responses to an anonymous survey of the first open synthetic course.
/// How many responses were added.
pub fn scale(db: &Db, n: usize) -> anyhow::Result<usize> {
    let mut conn = db.conn()?;
    let Some((course, survey, items)) = write_transaction(&mut conn, scale_setup)? else {
        return Ok(0);
    };
    let members: Vec<UserId> = users::table
        .filter(users::email_normalized.like("%@scale.bayanihan.test"))
        .select(users::id)
        .order(users::id.asc())
        .limit(i64::try_from(n).unwrap_or(i64::MAX))
        .load(&mut *conn)?;
    let today = now().date();
    let mut added = 0;
    for (b, batch) in members.chunks(SCALE_BATCH).enumerate() {
        added += write_transaction(&mut conn, |conn| {
            let mut responses = Vec::with_capacity(batch.len());
            let mut answers = Vec::with_capacity(batch.len() * items.len());
            let mut respondents = Vec::with_capacity(batch.len());
            for (i, &user) in batch.iter().enumerate() {
                if !crate::courses::repo::is_enrolled(conn, course, user)? {
                    crate::learning::service::enrol_nominated(conn, user, course)?;
                }
                let k = b * SCALE_BATCH + i;
                let id = response_id();
                let days = i64::try_from(k % 30).unwrap_or(0);
                responses.push(NewResponse {
                    id: id.clone(),
                    survey_id: survey,
                    respondent_id: None,
                    submitted_on: today - TimeDelta::days(days),
                });
                // Likert answers lean positive, ratings spread 4 to 10, options in turn,
                // one open answer in five.
                let values = [
                    Some(i32::try_from(3 + k % 3).unwrap_or(3)),
                    Some(i32::try_from(1 + (k * 7) % 5).unwrap_or(1)),
                    Some(i32::try_from(4 + (k * 3) % 7).unwrap_or(4)),
                    Some(i32::try_from(k % 3).unwrap_or(0)),
                ];
                for (item, value) in items.iter().zip(values) {
                    answers.push(NewAnswer {
                        response_id: id.clone(),
                        item_id: *item,
                        value,
                        text: None,
                    });
                }
                if k.is_multiple_of(5)
                    && let Some(item) = items.get(4)
                {
                    answers.push(NewAnswer {
                        response_id: id.clone(),
                        item_id: *item,
                        value: None,
                        text: Some(SCALE_TEXTS[k / 5 % SCALE_TEXTS.len()].to_owned()),
                    });
                }
                respondents.push((
                    survey_respondents::survey_id.eq(survey),
                    survey_respondents::user_id.eq(user),
                ));
            }
            db::insert_chunked!(conn, survey_respondents::table, &respondents, 1000)?;
            db::insert_chunked!(conn, survey_responses::table, &responses, 1000)?;
            db::insert_chunked!(conn, survey_answers::table, &answers, 1000)?;
            repo::count_responses(
                conn,
                survey,
                i64::try_from(responses.len()).unwrap_or(i64::MAX),
            )?;
            repo::count_values(conn, &answers)?;
            Ok::<_, ApiError>(batch.len())
        })?;
    }
    tracing::info!(responses.added = added, "scale survey seeded");
    Ok(added)
}

type ScaleSurvey = (CourseId, SurveyId, Vec<crate::types::ids::SurveyItemId>);

/// The synthetic course's survey; none when there is no open synthetic course or it has a
/// survey already.
fn scale_setup(conn: &mut DbConn) -> Result<Option<ScaleSurvey>, ApiError> {
    let Some(course) = courses::table
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
    if repo::course_has_survey(conn, course)? {
        return Ok(None);
    }
    let admin = super::actor(conn, super::ADMIN)?;
    let opened: NaiveDateTime = now() - TimeDelta::days(40);
    let input = SurveyInput::try_from(parse::<SurveyRequest>(json!({
        "title": "How was this course?",
        "anonymous": true,
        "opens_at": format!("{}Z", opened.format("%Y-%m-%dT%H:%M:%S")),
        "items": [
            {"kind": "likert", "prompt": "The course was relevant to my union work."},
            {"kind": "likert", "prompt": "The course was easy to follow on my phone."},
            {"kind": "rating", "prompt": "Rate the course.", "scale_max": 10},
            {"kind": "single_choice", "prompt": "How did you take it?",
                "options": ["Phone", "Computer", "Both"]},
            {"kind": "open_text", "prompt": "What should change?"},
        ],
    }))?)?;
    let created = service::create_for_course(conn, &admin, course, input, now())?;
    let items = created.view.items.iter().map(|i| i.id).collect();
    Ok(Some((course, created.view.id, items)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_data_parses_and_fits_its_items() {
        let d = super::data().unwrap();
        assert_eq!(d.en.items.len(), super::DEMO_KINDS.len());
        assert_eq!(d.fil.items.len(), d.en.items.len());
        assert!(
            d.en.items
                .iter()
                .zip(&d.fil.items)
                .all(|(a, b)| a.options.len() == b.options.len())
        );
        assert!(d.responses.iter().all(|r| r.values.len() == 4));
    }
}
