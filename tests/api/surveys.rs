//! Reaction surveys through HTTP: instruments in two languages, anonymous responses that
//! leave no link to their respondent in the database, one response each, results withheld
//! under five responses, who may see what, bad answers, and reminders.

use bayanihan::db::DbConn;
use bayanihan::db::schema::{
    survey_answers, survey_respondents, survey_responses, survey_value_counts,
};
use chrono::{NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::assessment::add_owner;
use crate::assignments::running_cohort;
use crate::helpers::{TestApp, TestUser, assert_problem, ok_json, send, spawn_app};
use crate::learning::{Spec, make_course};

fn survey_body() -> Value {
    json!({
        "title": "How was the course?",
        "description": "Five minutes. Your answers help the next cohort.",
        "items": [
            {"kind": "likert", "prompt": "The course was relevant to my union work."},
            {"kind": "rating", "prompt": "Rate the trainer.", "scale_max": 10.0},
            {"kind": "single_choice", "prompt": "Which module helped most?",
                "options": ["Organising", "Bargaining", "Health and safety"]},
            {"kind": "open_text", "prompt": "What should we change?"},
        ]
    })
}

fn filipino() -> Value {
    json!({
        "title": "Kumusta ang kurso?",
        "items": [
            {"prompt": "Makabuluhan ang kurso sa gawain ko sa unyon."},
            {"prompt": "I-rate ang tagapagsanay."},
            {"prompt": "Aling module ang pinakanakatulong?",
                "options": ["Pag-oorganisa", "Pakikipagtawaran", "Kalusugan at kaligtasan"]},
            {"prompt": "Ano ang dapat naming baguhin?"},
        ]
    })
}

async fn enrol(app: &TestApp, course: i64, learner: &TestUser) {
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/courses/{course}/enrolments"),
        learner,
        None,
    )
    .await;
    ok_json(res, 201).await;
}

/// A course with an owner, `n` enrolled learners and an anonymous survey (with a Filipino
/// translation); the course, owner, learners, survey and its item ids.
struct Setup {
    course: i64,
    owner: TestUser,
    learners: Vec<TestUser>,
    survey: i64,
    items: Vec<i64>,
}

async fn setup(app: &TestApp, n: usize, body: Value) -> Setup {
    let course = make_course(app, Spec::default());
    let owner = app.user("trainer").await;
    add_owner(app, course.id, owner.id);
    let mut learners = Vec::new();
    for _ in 0..n {
        let l = app.user("member").await;
        enrol(app, course.id, &l).await;
        learners.push(l);
    }
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/courses/{}/surveys", course.id),
        &owner,
        Some(body),
    )
    .await;
    assert_eq!(
        res.headers()["content-language"].to_str().unwrap(),
        "en",
        "created in the course's language"
    );
    let s = ok_json(res, 201).await;
    let survey = s["id"].as_i64().unwrap();
    let items = s["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    Setup {
        course: course.id,
        owner,
        learners,
        survey,
        items,
    }
}

fn answers(items: &[i64], likert: i64, rating: i64, choice: i64, text: Option<&str>) -> Value {
    let mut a = vec![
        json!({"item_id": items[0], "value": likert}),
        json!({"item_id": items[1], "value": rating}),
        json!({"item_id": items[2], "value": choice}),
    ];
    if let Some(t) = text {
        a.push(json!({"item_id": items[3], "text": t}));
    }
    json!({ "answers": a })
}

async fn respond(app: &TestApp, survey: i64, by: &TestUser, body: Value) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/surveys/{survey}/responses"),
        by,
        Some(body),
    )
    .await
}

#[tokio::test]
async fn surveys_anonymous_responses_leave_no_link_to_their_respondent() {
    let app = spawn_app().await;
    let s = setup(&app, 2, survey_body()).await;
    let learner = &s.learners[0];
    let res = respond(
        &app,
        s.survey,
        learner,
        answers(&s.items, 4, 9, 1, Some("More role plays")),
    )
    .await;
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/api/v1/surveys/{}", s.survey)
    );
    let receipt = ok_json(res, 201).await;
    let today = Utc::now().date_naive();
    assert_eq!(receipt["anonymous"], true);
    assert!(
        receipt.get("id").is_none() && receipt.get("submitted_at").is_none(),
        "{receipt}"
    );
    assert_eq!(receipt["submitted_on"], today.to_string());

    // A second response from the same person: 409, nothing more stored.
    let res = respond(&app, s.survey, learner, answers(&s.items, 1, 1, 0, None)).await;
    assert_problem(res, 409, "already_responded").await;
    let mine = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/surveys/{}", s.survey),
            learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (&mine["responded"], &mine["may_respond"]),
        (&json!(true), &json!(false))
    );

    // The database: the response has a random text id, the date only and no respondent;
    // the has-responded record holds the survey and the account, nothing of the response.
    let mut conn = app.db.conn().unwrap();
    let rows: Vec<(String, i64, Option<i64>, NaiveDate)> = survey_responses::table
        .select((
            survey_responses::id,
            survey_responses::survey_id,
            survey_responses::respondent_id,
            survey_responses::submitted_on,
        ))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(rows.len(), 1);
    let (id, _, respondent, on) = &rows[0];
    assert!(
        respondent.is_none(),
        "no respondent on an anonymous response"
    );
    assert_eq!(*on, today);
    assert_eq!(id.len(), 32);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(id.parse::<i64>().is_err(), "not a sequence number");
    let respondents: Vec<(i64, i64)> = survey_respondents::table
        .select((survey_respondents::survey_id, survey_respondents::user_id))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(respondents, [(s.survey, learner.id)]);
    // Answers name the response, never the account.
    let answered: Vec<(String, Option<i32>, Option<String>)> = survey_answers::table
        .select((
            survey_answers::response_id,
            survey_answers::value,
            survey_answers::text,
        ))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(answered.len(), 4);
    assert!(answered.iter().all(|(r, _, _)| r == id));
    // Nothing in the row holds the account's id, the time of day, or a hidden row number
    // (SQLite: WITHOUT ROWID tables).
    assert_no_rowid(&mut conn);
    // The columns of the response tables: none names an account but the respondent
    // column, which stays empty for anonymous surveys.
    drop(conn);

    // A survey that is not anonymous keeps the respondent.
    let mut body = survey_body();
    body["anonymous"] = json!(false);
    body["title"] = json!("Named feedback");
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{}/surveys", s.course),
        &s.owner,
        Some(body),
    )
    .await;
    let named = ok_json(res, 201).await;
    assert_eq!(named["anonymous"], false);
    let items: Vec<i64> = named["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    let res = respond(
        &app,
        named["id"].as_i64().unwrap(),
        learner,
        answers(&items, 5, 10, 0, None),
    )
    .await;
    ok_json(res, 201).await;
    let mut conn = app.db.conn().unwrap();
    let linked: Vec<Option<i64>> = survey_responses::table
        .filter(survey_responses::survey_id.eq(named["id"].as_i64().unwrap()))
        .select(survey_responses::respondent_id)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(linked, [Some(learner.id)]);
}

/// On SQLite, the response tables are WITHOUT ROWID: no hidden row number records the
/// order of insertion.
#[cfg_attr(
    not(feature = "postgres"),
    expect(
        irrefutable_let_patterns,
        reason = "SQLite is the only backend without the postgres feature"
    )
)]
fn assert_no_rowid(conn: &mut DbConn) {
    if let DbConn::Sqlite(c) = conn {
        for table in [
            "survey_responses",
            "survey_respondents",
            "survey_answers",
            "survey_value_counts",
        ] {
            let sql = format!("SELECT rowid FROM {table}");
            assert!(
                diesel::sql_query(sql).execute(c).is_err(),
                "{table} has no rowid"
            );
        }
    }
}

async fn results(app: &TestApp, survey: i64, by: &TestUser) -> reqwest::Response {
    send(
        app,
        Method::GET,
        &format!("/api/v1/surveys/{survey}/results"),
        by,
        None,
    )
    .await
}

async fn open_answers(
    app: &TestApp,
    survey: i64,
    item: i64,
    by: &TestUser,
    query: &str,
) -> reqwest::Response {
    send(
        app,
        Method::GET,
        &format!("/api/v1/surveys/{survey}/items/{item}/open-answers{query}"),
        by,
        None,
    )
    .await
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn surveys_results_are_withheld_under_five_responses_except_for_admins() {
    let app = spawn_app().await;
    let s = setup(&app, 6, survey_body()).await;
    let admin = app.user("admin").await;
    let texts = ["Zebra crossing", "More role plays", "Longer breaks", "Abc"];
    for (i, l) in s.learners.iter().take(4).enumerate() {
        let n = i64::try_from(i).unwrap();
        let res = respond(
            &app,
            s.survey,
            l,
            answers(&s.items, 2 + n, 7 + n, n % 3, Some(texts[i])),
        )
        .await;
        ok_json(res, 201).await;
    }
    // Four responses: the trainer sees the counts, not the figures.
    let r = ok_json(results(&app, s.survey, &s.owner).await, 200).await;
    assert_eq!(r["withheld"], true, "{r}");
    assert_eq!(r["suppressed_below"], 5);
    assert_eq!((&r["responses"], &r["invited"]), (&json!(4), &json!(6)));
    assert!(r["items"].as_array().unwrap().is_empty());
    // Nor the open answers, which say why.
    let res = open_answers(&app, s.survey, s.items[3], &s.owner, "").await;
    assert_problem(res, 403, "results_withheld").await;
    // An admin sees them.
    let page = ok_json(
        open_answers(&app, s.survey, s.items[3], &admin, "").await,
        200,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 4, "{page}");
    assert_eq!(page["items"][0], json!({"text": "Abc", "count": 1}));
    let r = ok_json(results(&app, s.survey, &admin).await, 200).await;
    assert_eq!(
        (&r["withheld"], &r["suppressed_below"]),
        (&json!(false), &json!(1))
    );
    assert_eq!(r["items"].as_array().unwrap().len(), 4);
    // Respondents and strangers never read results: 404.
    for who in [&s.learners[0], &s.learners[5]] {
        assert_problem(results(&app, s.survey, who).await, 404, "not_found").await;
    }
    let stranger = app.user("member").await;
    assert_problem(results(&app, s.survey, &stranger).await, 404, "not_found").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/surveys/{}", s.survey),
        &stranger,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = respond(&app, s.survey, &stranger, answers(&s.items, 1, 1, 0, None)).await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}/surveys", s.course),
        &stranger,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    // The editor may not respond: the survey does not ask them.
    let res = respond(&app, s.survey, &s.owner, answers(&s.items, 1, 1, 0, None)).await;
    assert_problem(res, 403, "not_asked").await;

    // The fifth response: shown to the trainer.
    let res = respond(
        &app,
        s.survey,
        &s.learners[4],
        answers(&s.items, 5, 10, 0, None),
    )
    .await;
    ok_json(res, 201).await;
    let r = ok_json(results(&app, s.survey, &s.owner).await, 200).await;
    assert_eq!(r["withheld"], false, "{r}");
    assert!(close(&r["response_rate"], 5.0 / 6.0), "{r}");
    let items = r["items"].as_array().unwrap();
    // Likert: 2, 3, 4, 5, 5.
    assert!(close(&items[0]["mean"], 19.0 / 5.0), "{r}");
    let counts: Vec<i64> = items[0]["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [0, 1, 1, 1, 2]);
    // Rating out of 10: 7, 8, 9, 10, 10; ten values listed.
    assert!(close(&items[1]["mean"], 44.0 / 5.0), "{r}");
    assert_eq!(items[1]["distribution"].as_array().unwrap().len(), 10);
    // Single choice: options 0, 1, 2, 0, 0 with their labels, no mean.
    assert_eq!(
        items[2]["distribution"],
        json!([
            {"value": 0, "label": "Organising", "count": 3},
            {"value": 1, "label": "Bargaining", "count": 1},
            {"value": 2, "label": "Health and safety", "count": 1},
        ])
    );
    assert!(items[2]["mean"].is_null());
    // Open answers sorted by text, not in the order they came, with no respondent.
    assert_eq!(
        items[3]["open_answers"],
        json!(["Abc", "Longer breaks", "More role plays", "Zebra crossing"])
    );
    assert_eq!(
        (&items[3]["answered"], &items[3]["open_answer_count"]),
        (&json!(4), &json!(4))
    );
    let text = r.to_string();
    for l in &s.learners {
        assert!(!text.contains(&l.email), "no respondent in the results");
    }
    // The results are read from kept counts: they are the answers' counts, and the refused
    // responses above added nothing.
    let mut conn = app.db.conn().unwrap();
    let mut recounted: Vec<(i64, i32, i64)> = survey_answers::table
        .filter(survey_answers::item_id.eq_any(&s.items))
        .filter(survey_answers::value.is_not_null())
        .group_by((survey_answers::item_id, survey_answers::value))
        .select((
            survey_answers::item_id,
            survey_answers::value.assume_not_null(),
            diesel::dsl::count_star(),
        ))
        .load(&mut *conn)
        .unwrap();
    let mut kept: Vec<(i64, i32, i64)> = survey_value_counts::table
        .filter(survey_value_counts::item_id.eq_any(&s.items))
        .select((
            survey_value_counts::item_id,
            survey_value_counts::value,
            survey_value_counts::answers,
        ))
        .load(&mut *conn)
        .unwrap();
    recounted.sort_unstable();
    kept.sort_unstable();
    assert_eq!(kept.len(), 4 + 4 + 3, "a row per value given: {kept:?}");
    assert_eq!(kept, recounted);
    // So is the number of responses.
    let stored: i64 = survey_responses::table
        .filter(survey_responses::survey_id.eq(s.survey))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!((stored, &r["responses"]), (5, &json!(5)), "{r}");
}

#[tokio::test]
async fn surveys_results_show_the_first_open_answers_and_page_through_all_of_them_grouped() {
    let app = spawn_app().await;
    let s = setup(&app, 26, survey_body()).await;
    // 24 distinct texts, given in reverse order; "Answer 05" three times.
    let texts: Vec<String> = (0..26)
        .map(|i| format!("Answer {:02}", if i >= 24 { 5 } else { 23 - i }))
        .collect();
    for (l, text) in s.learners.iter().zip(&texts) {
        let res = respond(&app, s.survey, l, answers(&s.items, 3, 5, 1, Some(text))).await;
        ok_json(res, 201).await;
    }
    let mut sorted = texts.clone();
    sorted.sort();

    // The results show the first 20 by text, duplicates as given, and the count of all.
    let r = ok_json(results(&app, s.survey, &s.owner).await, 200).await;
    let item = &r["items"][3];
    assert_eq!(item["open_answers"], json!(sorted[..20]), "{item}");
    assert_eq!(item["open_answer_count"], 26);

    // The item's answers, grouped by text, ten at a time: every one once, in order.
    let mut seen: Vec<(String, i64)> = Vec::new();
    let mut query = "?limit=10".to_owned();
    let mut pages = 0;
    loop {
        let page = ok_json(
            open_answers(&app, s.survey, s.items[3], &s.owner, &query).await,
            200,
        )
        .await;
        pages += 1;
        for a in page["items"].as_array().unwrap() {
            seen.push((
                a["text"].as_str().unwrap().to_owned(),
                a["count"].as_i64().unwrap(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=10&cursor={c}"),
            None => break,
        }
        assert!(pages < 5, "the pages end");
    }
    assert_eq!(pages, 3);
    let expected: Vec<(String, i64)> = (0..24)
        .map(|i| (format!("Answer {i:02}"), if i == 5 { 3 } else { 1 }))
        .collect();
    assert_eq!(seen, expected);

    // A cursor forged to count past the end: an empty last page.
    for served in [i64::MAX, -1] {
        let forged = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            json!({"s": "text", "k": null, "i": served}).to_string(),
        );
        let page = ok_json(
            open_answers(
                &app,
                s.survey,
                s.items[3],
                &s.owner,
                &format!("?cursor={forged}"),
            )
            .await,
            200,
        )
        .await;
        let n = page["items"].as_array().unwrap().len();
        assert_eq!(n, if served < 0 { 20 } else { 0 }, "{page}");
    }

    // Bad pages, other items, other people.
    for (query, code) in [
        ("?limit=0", "out_of_range"),
        ("?limit=101", "out_of_range"),
        ("?cursor=bm90IGEgY3Vyc29y", "invalid_cursor"),
    ] {
        let res = open_answers(&app, s.survey, s.items[3], &s.owner, query).await;
        let p = assert_problem(res, 400, "invalid_query").await;
        assert_eq!(p["errors"][0]["code"], code, "{p}");
    }
    for item in [s.items[0], s.items[2], i64::MAX] {
        let res = open_answers(&app, s.survey, item, &s.owner, "").await;
        assert_problem(res, 404, "not_found").await;
    }
    let other = setup(&app, 0, survey_body()).await;
    let res = open_answers(&app, other.survey, s.items[3], &other.owner, "").await;
    assert_problem(res, 404, "not_found").await;
    let res = open_answers(&app, s.survey, s.items[3], &other.owner, "").await;
    assert_problem(res, 404, "not_found").await;
    let res = open_answers(&app, s.survey, s.items[3], &s.learners[0], "").await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .client
        .get(app.url(&format!(
            "/api/v1/surveys/{}/items/{}/open-answers",
            s.survey, s.items[3]
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn surveys_refuse_wrong_answers_and_wrong_instruments_with_field_errors() {
    let app = spawn_app().await;
    let s = setup(&app, 2, survey_body()).await;
    let l = &s.learners[0];
    let it = &s.items;
    for (body, field, code) in [
        (
            answers(it, 6, 5, 0, None),
            "answers[0].value",
            "out_of_range",
        ),
        (
            answers(it, 0, 5, 0, None),
            "answers[0].value",
            "out_of_range",
        ),
        (
            answers(it, 3, 11, 0, None),
            "answers[1].value",
            "out_of_range",
        ),
        (
            answers(it, 3, 5, 3, None),
            "answers[2].value",
            "out_of_range",
        ),
        (
            json!({"answers": [{"item_id": it[0], "text": "agree"}]}),
            "answers[0].text",
            "wrong_shape",
        ),
        (
            json!({"answers": [{"item_id": it[0], "value": 3}, {"item_id": it[3], "value": 3}]}),
            "answers[1].value",
            "wrong_shape",
        ),
        (
            json!({"answers": [{"item_id": it[0], "value": 3, "text": "x"}]}),
            "answers[0]",
            "wrong_shape",
        ),
        (
            json!({"answers": [{"item_id": it[0]}]}),
            "answers[0]",
            "wrong_shape",
        ),
        (
            json!({"answers": [{"item_id": 999_999, "value": 3}]}),
            "answers[0].item_id",
            "unknown_item",
        ),
        (
            json!({"answers": [{"item_id": it[3], "text": "only text"}]}),
            "answers",
            "required",
        ),
        (
            json!({"answers": [{"item_id": it[0], "value": 3}, {"item_id": it[0], "value": 4}]}),
            "answers[1].item_id",
            "duplicate_item",
        ),
        (
            json!({"answers": [{"item_id": it[3], "text": "bad\u{0}byte"}]}),
            "answers[0].text",
            "invalid_text",
        ),
    ] {
        let problem = assert_problem(
            respond(&app, s.survey, l, body.clone()).await,
            422,
            "validation_failed",
        )
        .await;
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{body}: {problem}"
        );
    }
    // Unreadable: a fraction for an integer, an unknown field.
    for (body, code) in [
        (
            json!({"answers": [{"item_id": it[0], "value": 3.5}]}),
            "invalid_body",
        ),
        (json!({"answers": [], "extra": 1}), "unknown_field"),
    ] {
        assert_problem(respond(&app, s.survey, l, body).await, 400, code).await;
    }
    // Nothing was stored; an integral float is an integer.
    let body = json!({"answers": [
        {"item_id": it[0] as f64, "value": 3.0},
        {"item_id": it[1], "value": 5},
        {"item_id": it[2], "value": 2},
    ]});
    ok_json(respond(&app, s.survey, l, body).await, 201).await;

    // Instruments: checked before anything is stored.
    let path = format!("/api/v1/courses/{}/surveys", s.course);
    for (body, field, code) in [
        (json!({"title": "Empty", "items": []}), "items", "no_items"),
        (
            json!({"title": "x", "items": [{"kind": "single_choice", "prompt": "One?", "options": ["Only"]}]}),
            "items[0].options",
            "too_few_options",
        ),
        (
            json!({"title": "x", "items": [{"kind": "rating", "prompt": "Rate", "scale_max": 11}]}),
            "items[0].scale_max",
            "out_of_range",
        ),
        (
            json!({"title": "x", "items": [{"kind": "likert", "prompt": "Agree?", "options": ["a", "b"]}]}),
            "items[0].options",
            "not_allowed",
        ),
        (
            json!({"title": "x", "items": [{"kind": "likert", "prompt": "Agree?", "scale_max": 7}]}),
            "items[0].scale_max",
            "not_allowed",
        ),
        (
            json!({"title": " ", "items": [{"kind": "likert", "prompt": "Agree?"}]}),
            "title",
            "invalid_title",
        ),
        (
            json!({"title": "x", "opens_at": "2027-01-02T00:00:00Z", "closes_at": "2027-01-01T00:00:00Z",
                "items": [{"kind": "likert", "prompt": "Agree?"}]}),
            "closes_at",
            "closes_before_opening",
        ),
        (
            json!({"title": "x", "opens_at": "0001-01-01T00:00:00Z",
                "items": [{"kind": "likert", "prompt": "Agree?"}]}),
            "opens_at",
            "out_of_range",
        ),
        (
            json!({"title": "x", "session_id": 1, "items": [{"kind": "likert", "prompt": "Agree?"}]}),
            "session_id",
            "not_allowed",
        ),
    ] {
        let res = send(&app, Method::POST, &path, &s.owner, Some(body.clone())).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
    // Learners do not make surveys.
    let res = send(&app, Method::POST, &path, l, Some(survey_body())).await;
    assert_problem(res, 404, "not_found").await;
    // Translations must give every item, with as many options.
    let mut short = filipino();
    short["items"].as_array_mut().unwrap().pop();
    let tr = format!("/api/v1/surveys/{}/translations/fil", s.survey);
    let res = send(&app, Method::PUT, &tr, &s.owner, Some(short)).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "items_mismatch");
    let mut fewer = filipino();
    fewer["items"][2]["options"] = json!(["Isa", "Dalawa"]);
    let res = send(&app, Method::PUT, &tr, &s.owner, Some(fewer)).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "items[2].options");
    let res = send(&app, Method::PUT, &tr, l, Some(filipino())).await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn surveys_speak_the_readers_language_with_the_course_texts_fallback() {
    let app = spawn_app().await;
    let s = setup(&app, 1, survey_body()).await;
    let tr = format!("/api/v1/surveys/{}/translations/fil", s.survey);
    let res = send(&app, Method::PUT, &tr, &s.owner, Some(filipino())).await;
    assert_eq!(res.headers()["content-language"].to_str().unwrap(), "fil");
    let v = ok_json(res, 201).await;
    assert_eq!(v["title"], "Kumusta ang kurso?");
    // Writing the same again changes nothing.
    let res = send(&app, Method::PUT, &tr, &s.owner, Some(filipino())).await;
    ok_json(res, 200).await;

    let path = format!("/api/v1/surveys/{}", s.survey);
    let learner = &s.learners[0];
    let res = app
        .authed(Method::GET, &path, &learner.token)
        .header("Accept-Language", "fil-PH, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-language"].to_str().unwrap(), "fil");
    assert!(
        res.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Language")
    );
    let v = ok_json(res, 200).await;
    assert_eq!(
        (&v["language"], &v["title"]),
        (&json!("fil"), &json!("Kumusta ang kurso?"))
    );
    assert_eq!(v["items"][2]["options"][0], "Pag-oorganisa");
    assert_eq!(v["languages"], json!(["en", "fil"]));
    assert_eq!(
        (&v["may_respond"], &v["editable"]),
        (&json!(true), &json!(false))
    );
    // ?lang= wins; a language nobody wrote falls back to the default.
    let res = app
        .authed(Method::GET, &format!("{path}?lang=en"), &learner.token)
        .header("Accept-Language", "fil")
        .send()
        .await
        .unwrap();
    assert_eq!(ok_json(res, 200).await["title"], "How was the course?");
    let res = send(&app, Method::GET, &format!("{path}?lang=ja"), learner, None).await;
    assert_eq!(res.headers()["content-language"].to_str().unwrap(), "en");
    let res = send(
        &app,
        Method::GET,
        &format!("{path}?lang=not a tag"),
        learner,
        None,
    )
    .await;
    assert_problem(res, 400, "invalid_query").await;
    // The list and the results speak it too.
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/courses/{}/surveys", s.course),
            &learner.token,
        )
        .header("Accept-Language", "fil")
        .send()
        .await
        .unwrap();
    let list = ok_json(res, 200).await;
    assert_eq!(list["items"][0]["title"], "Kumusta ang kurso?");
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/surveys/{}/results?lang=fil", s.survey),
        &s.owner,
        None,
    )
    .await;
    assert_eq!(res.headers()["content-language"].to_str().unwrap(), "fil");
}

#[tokio::test]
async fn surveys_of_cohorts_and_sessions_ask_their_people_and_remind_them_once() {
    let app = spawn_app().await;
    let course = make_course(
        &app,
        Spec {
            format: "cohort",
            ..Spec::default()
        },
    );
    let c = running_cohort(&app, "training", &[course.id], 3).await;
    let other = running_cohort(&app, "training", &[course.id], 1).await;
    let opened = (Utc::now() - TimeDelta::days(3)).to_rfc3339();
    let mut body = json!({
        "title": "End of cohort",
        "opens_at": opened,
        "items": [{"kind": "likert", "prompt": "I would recommend this training."}],
    });
    let path = format!("/api/v1/cohorts/{}/surveys", c.id);
    // A participant or another cohort's facilitator cannot make one.
    for who in [&c.participants[0], &other.facilitator] {
        let res = send(&app, Method::POST, &path, who, Some(body.clone())).await;
        assert_problem(res, 404, "not_found").await;
    }
    let s = ok_json(
        send(
            &app,
            Method::POST,
            &path,
            &c.facilitator,
            Some(body.clone()),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(s["target"], "cohort");
    let id = s["id"].as_i64().unwrap();
    let item = s["items"][0]["id"].as_i64().unwrap();

    // A live session of the cohort gets its own survey; another cohort's is refused.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/cohorts/{}/sessions", c.id),
        &c.facilitator,
        Some(json!({"title": "Opening", "starts_at": "2027-02-03T01:00:00Z", "ends_at": "2027-02-03T03:00:00Z"})),
    )
    .await;
    let session = ok_json(res, 201).await["id"].as_i64().unwrap();
    body["title"] = json!("The opening session");
    body.as_object_mut().unwrap().remove("opens_at");
    body["session_id"] = json!(session);
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/cohorts/{}/surveys", other.id),
        &other.coordinator,
        Some(body.clone()),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_a_session_of_cohort");
    let s2 = ok_json(
        send(&app, Method::POST, &path, &c.coordinator, Some(body)).await,
        201,
    )
    .await;
    assert_eq!(
        (&s2["target"], &s2["session_id"]),
        (&json!("session"), &json!(session))
    );

    // Participants see both; the other cohort's participant sees neither.
    let list = ok_json(
        send(&app, Method::GET, &path, &c.participants[1], None).await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_problem(
        send(&app, Method::GET, &path, &other.participants[0], None).await,
        404,
        "not_found",
    )
    .await;
    let res = respond(
        &app,
        id,
        &other.participants[0],
        json!({"answers": [{"item_id": item, "value": 5}]}),
    )
    .await;
    assert_problem(res, 404, "not_found").await;

    // One participant responds; the reminders go to the other two (and only once).
    let res = respond(
        &app,
        id,
        &c.participants[0],
        json!({"answers": [{"item_id": item, "value": 5}]}),
    )
    .await;
    ok_json(res, 201).await;
    let before = app.outbox().len();
    let now = bayanihan::db::now();
    let mut conn = app.db.conn().unwrap();
    let sent = bayanihan::assessment::surveys::reminders::send_due(&mut conn, now).unwrap();
    assert_eq!(sent, 2, "the cohort survey's two who have not responded");
    let again = bayanihan::assessment::surveys::reminders::send_due(&mut conn, now).unwrap();
    assert_eq!(again, 0, "claimed once");
    drop(conn);
    let outbox = app.outbox();
    let new: Vec<&(String, String, String)> = outbox[before..].iter().collect();
    let to: Vec<&str> = new.iter().map(|(to, _, _)| to.as_str()).collect();
    assert!(to.contains(&c.participants[1].email.as_str()));
    assert!(to.contains(&c.participants[2].email.as_str()));
    assert!(!to.contains(&c.participants[0].email.as_str()));
    assert!(new[0].1.contains("End of cohort"), "{:?}", new[0]);
    assert!(new[0].2.contains(&format!("/surveys/{id}")), "{:?}", new[0]);
}
