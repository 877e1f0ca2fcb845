//! Quizzes as activities of a cohort, through HTTP: the cohort's staff set them on the bank
//! of one of its courses, its participants take them (no key before submission, scored
//! once on the server), everyone else is kept out.

use reqwest::Method;
use serde_json::{Value, json};

use crate::assessment::{add_owner, answers_for, assert_no_key, create_question, every_kind};
use crate::assignments::running_cohort;
use crate::cohorts::{ok_json, send};
use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};
use crate::learning::{Spec, make_course};

async fn post(app: &TestApp, by: &TestUser, path: &str, body: Option<Value>) -> reqwest::Response {
    send(app, Method::POST, path, &by.token, body).await
}

async fn get(app: &TestApp, by: &TestUser, path: &str) -> reqwest::Response {
    send(app, Method::GET, path, &by.token, None).await
}

fn quiz_body(title: &str, course: i64, questions: &[i64]) -> Value {
    json!({
        "title": title,
        "course_id": course,
        "quiz": {
            "questions": questions.iter().map(|id| json!({"question_id": id})).collect::<Vec<_>>(),
            "pass_mark": 50,
            "attempts_allowed": 2,
            "show_answers": "never",
        },
    })
}

#[tokio::test]
async fn cohort_quizzes_are_set_by_staff_and_taken_by_participants_only() {
    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let author = app.user("trainer").await;
    add_owner(&app, course.id, author.id);
    let mut questions = Vec::new();
    for q in every_kind() {
        let q = create_question(&app, course.id, &author, q).await;
        questions.push(q["id"].as_i64().unwrap());
    }
    let other_course = make_course(&app, Spec::default());
    let cohort = running_cohort(&app, "training", &[course.id], 2).await;
    let (facilitator, learner, peer) = (
        &cohort.facilitator,
        &cohort.participants[0],
        &cohort.participants[1],
    );
    let outsider = app.user("member").await;
    let list_path = format!("/api/v1/cohorts/{}/quizzes", cohort.id);

    // The facilitator sets the quiz on the bank of the cohort's course.
    let res = post(
        &app,
        facilitator,
        &list_path,
        Some(quiz_body("Check-in quiz", course.id, &questions)),
    )
    .await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let tag = etag(&res);
    let quiz = ok_json(res, 201).await;
    let id = quiz["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/quizzes/{id}"));
    assert_eq!(quiz["cohort_id"], cohort.id);
    assert_eq!(quiz["lesson_id"], Value::Null);
    assert_eq!(quiz["title"], "Check-in quiz");
    assert_eq!(quiz["questions"].as_array().unwrap().len(), 7);
    // The Location is readable, with the same version.
    let res = get(&app, facilitator, &location).await;
    assert_eq!(etag(&res), tag);

    // Refused: a participant or an outsider setting one, a bank outside the cohort, bad fields.
    let body = quiz_body("Mine", course.id, &questions);
    assert_problem(
        post(&app, learner, &list_path, Some(body.clone())).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        post(&app, &outsider, &list_path, Some(body.clone())).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        post(
            &app,
            facilitator,
            "/api/v1/cohorts/999999/quizzes",
            Some(body),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let res = post(
        &app,
        facilitator,
        &list_path,
        Some(quiz_body("Elsewhere", other_course.id, &questions)),
    )
    .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "course_id");
    assert_eq!(p["errors"][0]["code"], "course_not_in_cohort");
    let mut bad = quiz_body(" ", course.id, &questions);
    bad["quiz"]["pass_mark"] = json!(101);
    let p = assert_problem(
        post(&app, facilitator, &list_path, Some(bad)).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "quiz.pass_mark"], "{p}");

    // Participants see it without its questions; outsiders do not see it at all.
    let mine = ok_json(get(&app, learner, &location).await, 200).await;
    assert!(mine.get("questions").is_none(), "{mine}");
    assert_eq!(mine["attempts_left"], 2);
    let page = ok_json(get(&app, learner, &list_path).await, 200).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["id"], id);
    assert_problem(get(&app, &outsider, &location).await, 404, "not_found").await;
    assert_problem(get(&app, &outsider, &list_path).await, 403, "forbidden").await;

    // Only participants take it.
    let attempts = format!("{location}/attempts");
    assert_problem(
        post(&app, facilitator, &attempts, None).await,
        403,
        "not_participant",
    )
    .await;
    assert_problem(
        post(&app, &outsider, &attempts, None).await,
        404,
        "not_found",
    )
    .await;
    let res = post(&app, learner, &attempts, None).await;
    let attempt_location = res.headers()["location"].to_str().unwrap().to_owned();
    let attempt = ok_json(res, 201).await;
    assert_eq!(attempt["quiz_id"], id);
    assert_eq!(attempt["cohort_id"], cohort.id);
    assert_eq!(attempt["lesson_id"], Value::Null);
    assert_no_key(&attempt, &["union", "Unyón"], &["The ILO, since 1919."]);
    // Starting again gives the open attempt back.
    let again = ok_json(post(&app, learner, &attempts, None).await, 200).await;
    assert_eq!(again["id"], attempt["id"]);

    let attempt_id = attempt["id"].as_i64().unwrap();
    for (question, answer) in answers_for(&attempt) {
        let path = format!("/api/v1/attempts/{attempt_id}/answers/{question}");
        let res = send(&app, Method::PUT, &path, &learner.token, Some(answer)).await;
        let saved = ok_json(res, 200).await;
        assert_no_key(&saved, &["union", "Unyón"], &["The ILO, since 1919."]);
    }
    let path = format!("/api/v1/attempts/{attempt_id}/submit");
    let scored = ok_json(post(&app, learner, &path, None).await, 200).await;
    assert_eq!(scored["status"], "submitted");
    assert_eq!(scored["score"], 6.0);
    assert_eq!(scored["max_score"], 8.0);
    assert_eq!(scored["passed"], true);
    // A repeat submit changes nothing.
    let repeat = ok_json(post(&app, learner, &path, None).await, 200).await;
    assert_eq!(repeat["version"], scored["version"]);
    // `show_answers: never`: the learner never sees the correct answers; the staff do.
    assert!(
        scored["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q.get("correct_answer").is_none())
    );
    let seen = ok_json(get(&app, facilitator, &attempt_location).await, 200).await;
    assert!(
        seen["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q.get("correct_answer").is_some())
    );
    assert_problem(get(&app, peer, &attempt_location).await, 404, "not_found").await;
    assert_problem(
        get(&app, &outsider, &attempt_location).await,
        404,
        "not_found",
    )
    .await;
    let mine = ok_json(get(&app, learner, &location).await, 200).await;
    assert_eq!(mine["attempts_left"], 1);
    assert_eq!(mine["my_attempts"][0]["passed"], true);
}

#[tokio::test]
async fn a_cohort_quiz_is_replaced_with_its_version_and_closes_with_the_cohort() {
    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let author = app.user("trainer").await;
    add_owner(&app, course.id, author.id);
    let q = create_question(&app, course.id, &author, every_kind().remove(2)).await;
    let questions = [q["id"].as_i64().unwrap()];
    let cohort = running_cohort(&app, "training", &[course.id], 1).await;
    let list_path = format!("/api/v1/cohorts/{}/quizzes", cohort.id);
    let res = post(
        &app,
        &cohort.facilitator,
        &list_path,
        Some(quiz_body("Before", course.id, &questions)),
    )
    .await;
    let first = etag(&res);
    let id = ok_json(res, 201).await["id"].as_i64().unwrap();
    let path = format!("/api/v1/quizzes/{id}");
    let put = |token: &str, tag: &str, body: Value| {
        let req = app
            .authed(Method::PUT, &path, token)
            .header("If-Match", tag)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    let by = &cohort.facilitator.token;

    // Unchanged: same version; changed: a new one; stale: 412.
    let res = put(by, &first, quiz_body("Before", course.id, &questions)).await;
    assert_eq!(etag(&res), first);
    let res = put(by, &first, quiz_body("After", course.id, &questions)).await;
    let second = etag(&res);
    assert_ne!(second, first);
    assert_eq!(ok_json(res, 200).await["title"], "After");
    let res = put(by, &first, quiz_body("Again", course.id, &questions)).await;
    assert_problem(res, 412, "precondition_failed").await;
    // A participant may not change it; an outsider does not see it.
    let res = put(
        &cohort.participants[0].token,
        &second,
        quiz_body("Mine", course.id, &questions),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let outsider = app.user("member").await;
    let res = put(
        &outsider.token,
        &second,
        quiz_body("Mine", course.id, &questions),
    )
    .await;
    assert_problem(res, 404, "not_found").await;

    // Once the cohort is over, no changes and no attempts.
    let res = crate::cohorts::transition(&app, &cohort.coordinator, cohort.id, "completed").await;
    ok_json(res, 200).await;
    let res = put(by, &second, quiz_body("Late", course.id, &questions)).await;
    assert_problem(res, 409, "cohort_closed").await;
    let res = post(
        &app,
        &cohort.participants[0],
        &format!("{path}/attempts"),
        None,
    )
    .await;
    assert_problem(res, 409, "cohort_closed").await;
}
