//! Question banks, quizzes and attempts, through HTTP.

use bayanihan::db::schema::course_owners;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};
use crate::learning::{Spec, make_course};

fn add_owner(app: &TestApp, course_id: i64, user_id: i64) {
    let mut conn = app.db.conn().expect("a connection");
    diesel::insert_into(course_owners::table)
        .values((
            course_owners::course_id.eq(course_id),
            course_owners::user_id.eq(user_id),
        ))
        .execute(&mut *conn)
        .expect("insert owner");
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &TestUser,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.authed(method, path, &user.token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.expect("request is sent")
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let url = res.url().clone();
    let got = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "status of {url}: {body}");
    body
}

/// A course with one owner (a trainer); the course's id and the owner.
async fn course_with_owner(app: &TestApp) -> (i64, TestUser) {
    let course = make_course(app, Spec::default());
    let owner = app.user("trainer").await;
    add_owner(app, course.id, owner.id);
    (course.id, owner)
}

/// One question of every kind, as an author writes them.
fn every_kind() -> Vec<Value> {
    vec![
        json!({"kind": "single_choice", "stem": "Which body sets labour standards?",
            "feedback": "The ILO, since 1919.", "tags": ["ilo"],
            "choices": [{"text": "The ILO"}, {"text": "The WTO"}, {"text": "The IMF"}], "correct": [0]}),
        json!({"kind": "multiple_choice", "stem": "Which are core conventions?", "tags": ["ilo"],
            "choices": [{"text": "C87"}, {"text": "C98"}, {"text": "C1"}], "correct": [0, 1]}),
        json!({"kind": "true_false", "stem": "Freedom of association is a right.", "correct_boolean": true, "tags": ["rights"]}),
        json!({"kind": "short_text", "stem": "One word for a workers' organisation?", "accepted_answers": ["Unyón", "union"], "tags": ["rights"]}),
        json!({"kind": "numeric", "stem": "In which year was the ILO founded?", "numeric_answer": 1919.0, "tolerance": 0.0, "difficulty": 4, "points": 2}),
        json!({"kind": "ordering", "stem": "Order the steps of organising.",
            "choices": [{"text": "Map the workplace"}, {"text": "Build a committee"}, {"text": "Go public"}, {"text": "Bargain"}]}),
        json!({"kind": "matching", "stem": "Match the convention with its subject.",
            "choices": [{"text": "C87", "pair": "Freedom of association"}, {"text": "C98", "pair": "Collective bargaining"}, {"text": "C190", "pair": "Violence and harassment"}]}),
    ]
}

async fn create_question(app: &TestApp, course_id: i64, owner: &TestUser, body: Value) -> Value {
    let path = format!("/api/v1/courses/{course_id}/questions");
    json_of(call(app, Method::POST, &path, owner, Some(body)).await, 201).await
}

#[tokio::test]
async fn assessment_bank_of_every_kind_with_versions_and_translations() {
    let app = spawn_app().await;
    let (course_id, owner) = course_with_owner(&app).await;
    let mut ids = Vec::new();
    for q in every_kind() {
        let created = create_question(&app, course_id, &owner, q.clone()).await;
        assert_eq!(created["kind"], q["kind"]);
        assert_eq!(created["version"], 1);
        assert_eq!(created["language"], "en");
        ids.push(created["id"].as_i64().unwrap());
    }
    let single = ids[0];

    // Editors read the key; the list filters by tag.
    let got = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/questions/{single}"),
            &owner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(got["correct"], json!([0]));
    let list = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/courses/{course_id}/questions?tag=ilo&limit=1"),
            &owner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let cursor = list["next_cursor"].as_str().unwrap().to_owned();
    let next = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/courses/{course_id}/questions?tag=ilo&limit=1&cursor={cursor}"),
            &owner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(next["items"][0]["kind"], "multiple_choice");
    assert!(next["next_cursor"].is_null());

    // A translation is a new version; read in Filipino, the English stays the fallback.
    let path = format!("/api/v1/questions/{single}/translations/fil");
    let body = json!({"stem": "Aling lupon ang nagtatakda ng pamantayan sa paggawa?",
        "choices": [{"text": "Ang ILO"}, {"text": "Ang WTO"}, {"text": "Ang IMF"}]});
    let t = json_of(
        call(&app, Method::PUT, &path, &owner, Some(body.clone())).await,
        201,
    )
    .await;
    assert_eq!(t["version"], 2);
    assert_eq!(t["language"], "fil");
    let again = json_of(
        call(&app, Method::PUT, &path, &owner, Some(body)).await,
        200,
    )
    .await;
    assert_eq!(again["version"], 2, "the same texts again change nothing");
    let wrong = json!({"stem": "Mali", "choices": [{"text": "Isa"}]});
    let res = call(&app, Method::PUT, &path, &owner, Some(wrong)).await;
    assert_problem(res, 422, "validation_failed").await;
    let res = call(
        &app,
        Method::GET,
        &format!("/api/v1/questions/{single}?lang=fil"),
        &owner,
        None,
    )
    .await;
    assert_eq!(res.headers()["content-language"], "fil");
    let res = call(
        &app,
        Method::GET,
        &format!("/api/v1/questions/{single}?lang=es"),
        &owner,
        None,
    )
    .await;
    assert_eq!(res.headers()["content-language"], "en");

    // Replacing the key is version 3; a translation whose choices no longer fit goes.
    let replaced = json!({"kind": "single_choice", "stem": "Which body sets labour standards?",
        "choices": [{"text": "The ILO"}, {"text": "The WTO"}], "correct": [0]});
    let res = call(
        &app,
        Method::PUT,
        &format!("/api/v1/questions/{single}"),
        &owner,
        Some(replaced.clone()),
    )
    .await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let r = json_of(res, 200).await;
    assert_eq!(r["version"], 3);
    assert_eq!(r["languages"], json!(["en"]));
    let unchanged = json_of(
        call(
            &app,
            Method::PUT,
            &format!("/api/v1/questions/{single}"),
            &owner,
            Some(replaced.clone()),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(unchanged["version"], 3);
    let stale = app
        .authed(
            Method::PUT,
            &format!("/api/v1/questions/{single}"),
            &owner.token,
        )
        .header("If-Match", "\"question-1-v1\"")
        .json(&replaced)
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "precondition_failed").await;
    let current = app
        .authed(
            Method::PUT,
            &format!("/api/v1/questions/{single}"),
            &owner.token,
        )
        .header("If-Match", etag)
        .json(&replaced)
        .send()
        .await
        .unwrap();
    assert_eq!(current.status().as_u16(), 200);

    // Every version is kept.
    use bayanihan::db::schema::question_versions;
    let mut conn = app.db.conn().unwrap();
    let versions: Vec<i64> = question_versions::table
        .filter(question_versions::question_id.eq(single))
        .select(question_versions::version)
        .order(question_versions::version.asc())
        .load(&mut *conn)
        .unwrap();
    assert_eq!(versions, vec![1, 2, 3]);
    drop(conn);

    // Deleted: gone from the bank.
    let res = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/questions/{single}"),
        &owner,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    let res = call(
        &app,
        Method::GET,
        &format!("/api/v1/questions/{single}"),
        &owner,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn assessment_bank_is_invisible_to_learners_and_checks_every_shape() {
    let app = spawn_app().await;
    let (course_id, owner) = course_with_owner(&app).await;
    let q = create_question(&app, course_id, &owner, every_kind()[0].clone()).await;
    let id = q["id"].as_i64().unwrap();
    let learner = app.user("member").await;
    let other_trainer = app.user("trainer").await;
    for user in [&learner, &other_trainer] {
        let res = call(
            &app,
            Method::GET,
            &format!("/api/v1/questions/{id}"),
            user,
            None,
        )
        .await;
        assert_problem(res, 404, "not_found").await;
        let res = call(
            &app,
            Method::GET,
            &format!("/api/v1/courses/{course_id}/questions"),
            user,
            None,
        )
        .await;
        assert_problem(res, 404, "not_found").await;
        let res = call(
            &app,
            Method::POST,
            &format!("/api/v1/courses/{course_id}/questions"),
            user,
            Some(every_kind()[2].clone()),
        )
        .await;
        assert_problem(res, 404, "not_found").await;
        let res = call(
            &app,
            Method::DELETE,
            &format!("/api/v1/questions/{id}"),
            user,
            None,
        )
        .await;
        assert_problem(res, 404, "not_found").await;
    }
    let coordinator = app.user("coordinator").await;
    let res = call(
        &app,
        Method::GET,
        &format!("/api/v1/questions/{id}"),
        &coordinator,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);

    let bad = [
        (
            json!({"kind": "single_choice", "stem": "x", "choices": [{"text": "a"}, {"text": "b"}], "correct": [0, 1]}),
            "correct",
        ),
        (
            json!({"kind": "single_choice", "stem": "x", "choices": [{"text": "a"}, {"text": "b"}], "correct": [5]}),
            "correct",
        ),
        (
            json!({"kind": "multiple_choice", "stem": "x", "choices": [{"text": "a"}]}),
            "choices",
        ),
        (
            json!({"kind": "true_false", "stem": "x"}),
            "correct_boolean",
        ),
        (
            json!({"kind": "true_false", "stem": "x", "correct_boolean": true, "choices": [{"text": "a"}, {"text": "b"}]}),
            "choices",
        ),
        (
            json!({"kind": "short_text", "stem": "x", "accepted_answers": []}),
            "accepted_answers",
        ),
        (
            json!({"kind": "numeric", "stem": "x", "numeric_answer": 1.0, "tolerance": -1.0}),
            "tolerance",
        ),
        (
            json!({"kind": "numeric", "stem": "x", "correct": [0], "numeric_answer": 1.0}),
            "correct",
        ),
        (
            json!({"kind": "matching", "stem": "x", "choices": [{"text": "a", "pair": "b"}, {"text": "c"}]}),
            "choices[1].pair",
        ),
        (
            json!({"kind": "ordering", "stem": "x", "choices": [{"text": "a", "pair": "b"}, {"text": "c"}]}),
            "choices[0].pair",
        ),
        (
            json!({"kind": "true_false", "stem": "", "correct_boolean": true}),
            "stem",
        ),
        (
            json!({"kind": "true_false", "stem": "x", "correct_boolean": true, "tags": ["Not A Tag"]}),
            "tags[0]",
        ),
        (
            json!({"kind": "true_false", "stem": "x", "correct_boolean": true, "difficulty": 6}),
            "difficulty",
        ),
        (
            json!({"kind": "true_false", "stem": "x", "correct_boolean": true, "language": "not a tag"}),
            "language",
        ),
    ];
    for (body, field) in bad {
        let res = call(
            &app,
            Method::POST,
            &format!("/api/v1/courses/{course_id}/questions"),
            &owner,
            Some(body.clone()),
        )
        .await;
        assert_eq!(res.status().as_u16(), 422, "{body}");
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert!(
            problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{body}: {problem}"
        );
    }
}
