//! Question banks, quizzes and attempts, through HTTP.

use bayanihan::db::schema::course_owners;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, ok_json, send, spawn_app};
use crate::learning::{Spec, make_course};

pub(crate) fn add_owner(app: &TestApp, course_id: i64, user_id: i64) {
    let mut conn = app.db.conn().expect("a connection");
    diesel::insert_into(course_owners::table)
        .values((
            course_owners::course_id.eq(course_id),
            course_owners::user_id.eq(user_id),
        ))
        .execute(&mut *conn)
        .expect("insert owner");
}

/// A course with one owner (a trainer); the course's id and the owner.
async fn course_with_owner(app: &TestApp) -> (i64, TestUser) {
    let course = make_course(app, Spec::default());
    let owner = app.user("trainer").await;
    add_owner(app, course.id, owner.id);
    (course.id, owner)
}

/// One question of every kind, as an author writes them.
pub(crate) fn every_kind() -> Vec<Value> {
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

pub(crate) async fn create_question(
    app: &TestApp,
    course_id: i64,
    owner: &TestUser,
    body: Value,
) -> Value {
    let path = format!("/api/v1/courses/{course_id}/questions");
    ok_json(send(app, Method::POST, &path, owner, Some(body)).await, 201).await
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
    let got = ok_json(
        send(
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
    let list = ok_json(
        send(
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
    let next = ok_json(
        send(
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
    // A tag no question can carry (empty, or not a tag at all) matches nothing: 200, empty.
    for tag in ["", "Not%20a%20tag!", "%C3%A9t%C3%A9", "nobody-uses-this"] {
        let list = ok_json(
            send(
                &app,
                Method::GET,
                &format!("/api/v1/courses/{course_id}/questions?tag={tag}"),
                &owner,
                None,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(list["items"], json!([]), "?tag={tag}");
    }
    // Upper case is the same tag.
    let list = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/courses/{course_id}/questions?tag=ILO"),
            &owner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    // Integers may be written as integral floats, as JSON Schema allows.
    let floats = create_question(
        &app,
        course_id,
        &owner,
        json!({"kind": "single_choice", "stem": "Floats?", "difficulty": 2.0, "points": 50.0,
            "choices": [{"text": "a"}, {"text": "b"}], "correct": [1.0]}),
    )
    .await;
    assert_eq!(
        (
            floats["points"].clone(),
            floats["difficulty"].clone(),
            floats["correct"].clone()
        ),
        (json!(50), json!(2), json!([1]))
    );
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{course_id}/questions"),
        &owner,
        Some(
            json!({"kind": "true_false", "stem": "Half?", "correct_boolean": true, "points": 1.5}),
        ),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
    let path = format!("/api/v1/questions/{}", floats["id"]);
    ok_json(send(&app, Method::DELETE, &path, &owner, None).await, 204).await;

    // A translation is a new version; read in Filipino, the English stays the fallback.
    let path = format!("/api/v1/questions/{single}/translations/fil");
    let body = json!({"stem": "Aling lupon ang nagtatakda ng pamantayan sa paggawa?",
        "choices": [{"text": "Ang ILO"}, {"text": "Ang WTO"}, {"text": "Ang IMF"}]});
    let t = ok_json(
        send(&app, Method::PUT, &path, &owner, Some(body.clone())).await,
        201,
    )
    .await;
    assert_eq!(t["version"], 2);
    assert_eq!(t["language"], "fil");
    let again = ok_json(
        send(&app, Method::PUT, &path, &owner, Some(body)).await,
        200,
    )
    .await;
    assert_eq!(again["version"], 2, "the same texts again change nothing");
    let wrong = json!({"stem": "Mali", "choices": [{"text": "Isa"}]});
    let res = send(&app, Method::PUT, &path, &owner, Some(wrong)).await;
    assert_problem(res, 422, "validation_failed").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/questions/{single}?lang=fil"),
        &owner,
        None,
    )
    .await;
    assert_eq!(res.headers()["content-language"], "fil");
    let res = send(
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
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/questions/{single}"),
        &owner,
        Some(replaced.clone()),
    )
    .await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let r = ok_json(res, 200).await;
    assert_eq!(r["version"], 3);
    assert_eq!(r["languages"], json!(["en"]));
    let unchanged = ok_json(
        send(
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
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/questions/{single}"),
        &owner,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    let res = send(
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
        let res = send(
            &app,
            Method::GET,
            &format!("/api/v1/questions/{id}"),
            user,
            None,
        )
        .await;
        assert_problem(res, 404, "not_found").await;
        let res = send(
            &app,
            Method::GET,
            &format!("/api/v1/courses/{course_id}/questions"),
            user,
            None,
        )
        .await;
        assert_problem(res, 404, "not_found").await;
        let res = send(
            &app,
            Method::POST,
            &format!("/api/v1/courses/{course_id}/questions"),
            user,
            Some(every_kind()[2].clone()),
        )
        .await;
        assert_problem(res, 404, "not_found").await;
        let res = send(
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
    let res = send(
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
        let res = send(
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

// ---- Quizzes and attempts -------------------------------------------------------------

/// A published course whose first lesson is a quiz over one question of every kind, with
/// an owner and an enrolled learner: (course id, quiz lesson id, question ids, owner,
/// learner).
async fn quiz_setup(app: &TestApp, settings: Value) -> (i64, i64, Vec<i64>, TestUser, TestUser) {
    let course = make_course(app, Spec::default());
    let owner = app.user("trainer").await;
    add_owner(app, course.id, owner.id);
    let lesson = course.lessons[0];
    make_quiz_lesson(app, lesson);
    let mut ids = Vec::new();
    for q in every_kind() {
        ids.push(
            create_question(app, course.id, &owner, q).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let mut body = settings;
    if body.get("questions").is_none() {
        body["questions"] = ids.iter().map(|id| json!({"question_id": id})).collect();
    }
    let res = send(
        app,
        Method::PUT,
        &format!("/api/v1/lessons/{lesson}/quiz"),
        &owner,
        Some(body),
    )
    .await;
    ok_json(res, 201).await;
    let learner = app.user("member").await;
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/courses/{}/enrolments", course.id),
        &learner,
        None,
    )
    .await;
    ok_json(res, 201).await;
    (course.id, lesson, ids, owner, learner)
}

pub(crate) fn make_quiz_lesson(app: &TestApp, lesson: i64) {
    use bayanihan::db::schema::lessons;
    let mut conn = app.db.conn().unwrap();
    diesel::update(lessons::table.find(lesson))
        .set(lessons::kind.eq("quiz"))
        .execute(&mut *conn)
        .unwrap();
}

/// Fails when a learner-facing answer holds a key, feedback or score of a question.
pub(crate) fn assert_no_key(body: &Value, accepted: &[&str], feedback: &[&str]) {
    for q in body["questions"].as_array().unwrap() {
        for field in [
            "correct",
            "correct_answer",
            "feedback",
            "earned",
            "correct_boolean",
            "accepted_answers",
            "numeric_answer",
            "tolerance",
        ] {
            assert!(q.get(field).is_none(), "{field} before submission: {q}");
        }
    }
    let text = body.to_string();
    for secret in accepted.iter().chain(feedback) {
        assert!(!text.contains(secret), "{secret} before submission: {text}");
    }
    assert!(body["score"].is_null() && body["passed"].is_null());
}

fn position_of(list: &Value, text: &str) -> usize {
    list.as_array()
        .unwrap()
        .iter()
        .position(|t| t == text)
        .unwrap_or_else(|| panic!("{text} in {list}"))
}

/// The right answer to each question of `every_kind`, read off the shown texts as a
/// learner who knows the subject would; the numeric one is answered wrong.
pub(crate) fn answers_for(attempt: &Value) -> Vec<(i64, Value)> {
    attempt["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let c = &q["choices"];
            let answer = match q["kind"].as_str().unwrap() {
                // Integral floats are integers (JSON Schema's rule).
                "single_choice" => json!({"choice": position_of(c, "The ILO") as f64}),
                "multiple_choice" => {
                    json!({"choices": [position_of(c, "C87") as f64, position_of(c, "C98")]})
                }
                "true_false" => json!({"boolean": true}),
                "short_text" => json!({"text": "  UNYON "}),
                "numeric" => json!({"number": 1920.0}),
                "ordering" => {
                    let order: Vec<usize> = [
                        "Map the workplace",
                        "Build a committee",
                        "Go public",
                        "Bargain",
                    ]
                    .iter()
                    .map(|t| position_of(c, t))
                    .collect();
                    json!({ "order": order })
                }
                "matching" => {
                    let pairs = [
                        ("C87", "Freedom of association"),
                        ("C98", "Collective bargaining"),
                        ("C190", "Violence and harassment"),
                    ];
                    let chosen: Vec<usize> = c
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|left| {
                            let right = pairs.iter().find(|(l, _)| left == l).unwrap().1;
                            position_of(&q["pairs"], right)
                        })
                        .collect();
                    json!({ "pairs": chosen })
                }
                other => panic!("kind {other}"),
            };
            (q["question_id"].as_i64().unwrap(), answer)
        })
        .collect()
}

#[tokio::test]
async fn assessment_attempt_shows_no_key_before_submission_and_is_scored_once_on_the_server() {
    let app = spawn_app().await;
    let (course_id, lesson, ids, owner, learner) = quiz_setup(
        &app,
        json!({"attempts_allowed": 2, "pass_mark": 70, "shuffle_questions": true, "shuffle_choices": true}),
    )
    .await;
    let accepted = ["Unyón"];
    let feedback = ["The ILO, since 1919."];

    // The learner reads the settings without the questions.
    let quiz = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/lessons/{lesson}/quiz"),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert!(quiz.get("questions").is_none(), "{quiz}");
    assert_eq!(quiz["question_count"], 7);
    assert_eq!(quiz["attempts_left"], 2);

    // Only passing the quiz completes its lesson: not the learner's word, online or offline.
    let path = format!("/api/v1/me/lessons/{lesson}/completion");
    let res = send(&app, Method::PUT, &path, &learner, None).await;
    assert_problem(res, 409, "completed_by_quiz").await;
    let res = send(&app, Method::DELETE, &path, &learner, None).await;
    assert_problem(res, 409, "completed_by_quiz").await;
    let body = json!({"completions": [{"lesson_id": lesson, "completed_at": chrono::Utc::now().to_rfc3339()}]});
    let synced = ok_json(
        send(
            &app,
            Method::POST,
            "/api/v1/me/completions/batch",
            &learner,
            Some(body),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        synced["results"][0]["code"], "completed_by_quiz",
        "{synced}"
    );

    // Start: every question, no key; starting again gives the same attempt back.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/lessons/{lesson}/quiz/attempts"),
        &learner,
        None,
    )
    .await;
    let attempt = ok_json(res, 201).await;
    assert_no_key(&attempt, &accepted, &feedback);
    assert_eq!(attempt["questions"].as_array().unwrap().len(), 7);
    assert_eq!(attempt["status"], "in_progress");
    let id = attempt["id"].as_i64().unwrap();
    let again = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/lessons/{lesson}/quiz/attempts"),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        again["questions"], attempt["questions"],
        "a reload shows the same order"
    );

    // Save each answer (each answer read for keys), twice: the second changes nothing.
    for (question_id, answer) in answers_for(&attempt) {
        let path = format!("/api/v1/attempts/{id}/answers/{question_id}");
        let saved = ok_json(
            send(&app, Method::PUT, &path, &learner, Some(answer.clone())).await,
            200,
        )
        .await;
        assert_no_key(&saved, &accepted, &feedback);
        let version = saved["version"].clone();
        let repeat = ok_json(
            send(&app, Method::PUT, &path, &learner, Some(answer)).await,
            200,
        )
        .await;
        assert_eq!(
            repeat["version"], version,
            "the same answer again changes nothing"
        );
    }
    let read = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/attempts/{id}"),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_no_key(&read, &accepted, &feedback);
    assert!(
        read["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| !q["answer"].is_null())
    );

    // Bad answers: another question, another shape, two fields at once.
    let outsider = create_question(&app, course_id, &owner, every_kind()[2].clone()).await["id"]
        .as_i64()
        .unwrap();
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/attempts/{id}/answers/{outsider}"),
        &learner,
        Some(json!({"boolean": true})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/attempts/{id}/answers/{}", ids[0]),
        &learner,
        Some(json!({"boolean": true})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/attempts/{id}/answers/{}", ids[0]),
        &learner,
        Some(json!({"choice": 0, "boolean": true})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/attempts/{id}/answers/{}", ids[5]),
        &learner,
        Some(json!({"order": [0, 0, 1, 2]})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;

    // Another learner sees nothing of it; the course's owner does.
    let other = app.user("member").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/attempts/{id}"),
        &other,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/attempts/{id}/submit"),
        &other,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/questions/{}", ids[0]),
        &learner,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/attempts/{id}"),
            &owner,
            None,
        )
        .await,
        200,
    )
    .await;

    // Submit: 6 of 8 points (the numeric answer, worth 2, is wrong), passed.
    let submitted = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/attempts/{id}/submit"),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["score"], 6.0);
    assert_eq!(submitted["max_score"], 8.0);
    assert_eq!(submitted["passed"], true);
    for q in submitted["questions"].as_array().unwrap() {
        assert_eq!(q["correct"], q["kind"] != "numeric", "{q}");
        assert!(q.get("correct_answer").is_some());
    }
    let single = submitted["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "single_choice")
        .unwrap();
    assert_eq!(single["feedback"], "The ILO, since 1919.");
    let repeat = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/attempts/{id}/submit"),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(repeat["version"], submitted["version"]);
    assert_eq!(repeat["score"], 6.0);
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/attempts/{id}/answers/{}", ids[4]),
        &learner,
        Some(json!({"number": 1919.0})),
    )
    .await;
    assert_problem(res, 409, "attempt_submitted").await;

    // Nothing half-scored: every question of the attempt carries its points.
    {
        use bayanihan::db::schema::{lesson_completions, quiz_attempt_items};
        let mut conn = app.db.conn().unwrap();
        let points: Vec<Option<f64>> = quiz_attempt_items::table
            .filter(quiz_attempt_items::attempt_id.eq(id))
            .select(quiz_attempt_items::points)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(points.len(), 7);
        assert!(points.iter().all(Option::is_some));
        // Passing completed the quiz lesson.
        let done: i64 = lesson_completions::table
            .filter(lesson_completions::lesson_id.eq(lesson))
            .filter(lesson_completions::user_id.eq(learner.id))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(done, 1);
    }

    // Editing a question later changes nothing of how this attempt was scored.
    let changed = json!({"kind": "single_choice", "stem": "Which body sets labour standards?",
        "choices": [{"text": "The ILO"}, {"text": "The WTO"}, {"text": "The IMF"}], "correct": [1]});
    ok_json(
        send(
            &app,
            Method::PUT,
            &format!("/api/v1/questions/{}", ids[0]),
            &owner,
            Some(changed),
        )
        .await,
        200,
    )
    .await;
    let review = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/attempts/{id}"),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(review["score"], 6.0);
    let single = review["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "single_choice")
        .unwrap();
    assert_eq!(single["correct"], true);

    // The second attempt is the last one allowed.
    let second = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/lessons/{lesson}/quiz/attempts"),
            &learner,
            None,
        )
        .await,
        201,
    )
    .await;
    assert_no_key(&second, &accepted, &feedback);
    assert_eq!(second["number"], 2);
    ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/attempts/{}/submit", second["id"]),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/lessons/{lesson}/quiz/attempts"),
        &learner,
        None,
    )
    .await;
    assert_problem(res, 409, "no_attempts_left").await;
}

#[tokio::test]
async fn assessment_time_limits_follow_the_clock_given_to_the_services() {
    use bayanihan::assessment::model::Answer;
    use bayanihan::assessment::quizzes::service;
    use bayanihan::auth::{AuthUser, Role};
    use bayanihan::db::write_transaction;
    use bayanihan::types::{AttemptId, LessonId, QuestionId, SessionId, UserId};

    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let owner = app.user("trainer").await;
    add_owner(&app, course.id, owner.id);
    let q = create_question(&app, course.id, &owner, every_kind()[2].clone()).await["id"]
        .as_i64()
        .unwrap();
    let (refusing, marking) = (course.lessons[0], course.lessons[1]);
    for (lesson, policy) in [(refusing, "refuse"), (marking, "mark_late")] {
        make_quiz_lesson(&app, lesson);
        let body = json!({"questions": [{"question_id": q}], "time_limit_seconds": 60, "grace_seconds": 10,
            "late_policy": policy, "show_answers": "never", "show_feedback": "never"});
        ok_json(
            send(
                &app,
                Method::PUT,
                &format!("/api/v1/lessons/{lesson}/quiz"),
                &owner,
                Some(body),
            )
            .await,
            201,
        )
        .await;
    }
    let learner = app.user("member").await;
    ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/courses/{}/enrolments", course.id),
            &learner,
            None,
        )
        .await,
        201,
    )
    .await;
    let actor = AuthUser {
        id: UserId(learner.id),
        role: Role::Member,
        session_id: SessionId(0),
        language: Default::default(),
        name: None,
    };
    // Started two minutes ago, by the clock handed to the service.
    let t0 = bayanihan::db::now() - chrono::Duration::seconds(120);
    let secs = |s| t0 + chrono::Duration::seconds(s);
    let start = |lesson: i64| {
        let mut conn = app.db.conn().unwrap();
        write_transaction(&mut conn, |conn| {
            service::start(conn, &actor, LessonId(lesson), 7, t0)
        })
        .unwrap()
        .0
        .id
    };
    let save = |id: AttemptId, at| {
        let mut conn = app.db.conn().unwrap();
        write_transaction(&mut conn, |conn| {
            service::save_answer(conn, &actor, id, QuestionId(q), Answer::Boolean(true), at)
        })
    };

    let id = start(refusing);
    save(id, secs(30)).expect("in time");
    save(id, secs(70)).expect("within the grace period");
    let err = save(id, secs(71)).expect_err("after the grace period");
    assert_eq!(err.code(), "attempt_expired");
    // Through HTTP, with the real clock: expired, answers refused, submit scores what came in time.
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/attempts/{}/answers/{q}", id.get()),
        &learner,
        Some(json!({"boolean": false})),
    )
    .await;
    assert_problem(res, 409, "attempt_expired").await;
    let read = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/attempts/{}", id.get()),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(read["status"], "expired");
    let done = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/attempts/{}/submit", id.get()),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(done["score"], 1.0);
    assert_eq!(done["late"], false);
    assert!(
        done["questions"][0].get("correct_answer").is_none(),
        "show_answers is never"
    );
    assert!(
        done["questions"][0].get("feedback").is_none(),
        "show_feedback is never"
    );

    let id = start(marking);
    let saved = send(
        &app,
        Method::PUT,
        &format!("/api/v1/attempts/{}/answers/{q}", id.get()),
        &learner,
        Some(json!({"boolean": false})),
    )
    .await;
    let saved = ok_json(saved, 200).await;
    assert_eq!(saved["late"], true);
    assert_eq!(saved["questions"][0]["late"], true);
    assert_eq!(saved["status"], "in_progress");
    let done = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/attempts/{}/submit", id.get()),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(done["late"], true);
    assert_eq!(done["score"], 0.0);
    assert_eq!(done["passed"], false);
}

#[tokio::test]
async fn assessment_quiz_settings_are_checked_and_kept_from_learners() {
    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let owner = app.user("trainer").await;
    add_owner(&app, course.id, owner.id);
    let tagged = create_question(&app, course.id, &owner, every_kind()[0].clone()).await["id"]
        .as_i64()
        .unwrap();
    let (quiz_lesson, text_lesson) = (course.lessons[0], course.lessons[1]);
    make_quiz_lesson(&app, quiz_lesson);
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/lessons/{text_lesson}/quiz"),
        &owner,
        Some(json!({"questions": [{"question_id": tagged}]})),
    )
    .await;
    assert_problem(res, 409, "not_a_quiz").await;
    for (body, field) in [
        (json!({"questions": []}), "questions"),
        (
            json!({"questions": [{"question_id": 999_999}]}),
            "questions[0].question_id",
        ),
        (
            json!({"questions": [{"tag": "ilo", "count": 2}]}),
            "questions[0].count",
        ),
        (json!({"questions": [{"tag": "ilo"}]}), "questions[0]"),
        (
            json!({"questions": [{"question_id": tagged}], "pass_mark": 101}),
            "pass_mark",
        ),
        (
            json!({"questions": [{"question_id": tagged}], "time_limit_seconds": 5}),
            "time_limit_seconds",
        ),
    ] {
        let res = send(
            &app,
            Method::PUT,
            &format!("/api/v1/lessons/{quiz_lesson}/quiz"),
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
    let body = json!({"questions": [{"tag": "ilo", "count": 1.0}], "attempts_allowed": 1.0,
        "pass_mark": 50.0, "time_limit_seconds": 600.0, "grace_seconds": 30.0});
    let created = ok_json(
        send(
            &app,
            Method::PUT,
            &format!("/api/v1/lessons/{quiz_lesson}/quiz"),
            &owner,
            Some(body.clone()),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(created["questions"], json!([{"tag": "ilo", "count": 1}]));
    assert_eq!(
        (
            created["attempts_allowed"].clone(),
            created["pass_mark"].clone()
        ),
        (json!(1), json!(50))
    );
    let same = ok_json(
        send(
            &app,
            Method::PUT,
            &format!("/api/v1/lessons/{quiz_lesson}/quiz"),
            &owner,
            Some(body),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(same["version"], created["version"]);

    // Not enrolled: the settings are hidden and no attempt starts.
    let stranger = app.user("member").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/lessons/{quiz_lesson}/quiz"),
        &stranger,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/lessons/{quiz_lesson}/quiz/attempts"),
        &stranger,
        None,
    )
    .await;
    assert_problem(res, 403, "not_enrolled").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/lessons/{quiz_lesson}/quiz"),
        &stranger,
        Some(json!({"questions": [{"question_id": tagged}]})),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
}

/// Starts an attempt, answers it as `answers_for` does and submits it; the submitted body.
async fn take_quiz(app: &TestApp, lesson: i64, learner: &TestUser) -> Value {
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/lessons/{lesson}/quiz/attempts"),
        learner,
        None,
    )
    .await;
    let attempt = ok_json(res, 201).await;
    let id = attempt["id"].as_i64().unwrap();
    for (question, answer) in answers_for(&attempt) {
        let res = send(
            app,
            Method::PUT,
            &format!("/api/v1/attempts/{id}/answers/{question}"),
            learner,
            Some(answer),
        )
        .await;
        assert!(res.status().is_success(), "{}", res.status());
    }
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/attempts/{id}/submit"),
        learner,
        None,
    )
    .await;
    ok_json(res, 200).await
}

#[tokio::test]
async fn assessment_regrade_rescores_submitted_attempts_and_is_audited() {
    use bayanihan::db::schema::{lesson_completions, question_regrades};
    let app = spawn_app().await;
    let (_, lesson, ids, owner, learner) =
        quiz_setup(&app, json!({"attempts_allowed": 3, "pass_mark": 80})).await;
    // 6 of 8: the numeric answer (1920, worth 2) is wrong against the key 1919.
    let submitted = take_quiz(&app, lesson, &learner).await;
    let attempt = submitted["id"].as_i64().unwrap();
    assert_eq!(
        (submitted["score"].clone(), submitted["passed"].clone()),
        (json!(6.0), json!(false))
    );
    let completions = || -> i64 {
        let mut conn = app.db.conn().unwrap();
        lesson_completions::table
            .filter(lesson_completions::lesson_id.eq(lesson))
            .filter(lesson_completions::user_id.eq(learner.id))
            .count()
            .get_result(&mut *conn)
            .unwrap()
    };
    assert_eq!(completions(), 0);

    // The key was wrong (say the course teaches 1920): correct it, then regrade.
    let numeric = ids[4];
    let corrected = json!({"kind": "numeric", "stem": "In which year was the ILO founded?",
        "numeric_answer": 1920.0, "tolerance": 0.0, "difficulty": 4, "points": 2});
    let path = format!("/api/v1/questions/{numeric}");
    ok_json(
        send(&app, Method::PUT, &path, &owner, Some(corrected)).await,
        200,
    )
    .await;
    // Until the regrade, the attempt keeps its score.
    let review = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/attempts/{attempt}"),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(review["score"], 6.0);

    let regrade = format!("/api/v1/questions/{numeric}/regrade");
    let body = json!({"reason": "The key said 1919; the course teaches 1920."});
    // Nobody but the course's editors: 404, as for the bank.
    let other_trainer = app.user("trainer").await;
    for who in [&learner, &other_trainer] {
        let res = send(&app, Method::POST, &regrade, who, Some(body.clone())).await;
        assert_problem(res, 404, "not_found").await;
        let res = send(&app, Method::GET, &format!("{path}/regrades"), who, None).await;
        assert_problem(res, 404, "not_found").await;
    }
    let res = send(
        &app,
        Method::POST,
        &regrade,
        &owner,
        Some(json!({"reason": " "})),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "reason");
    let res = send(&app, Method::POST, &regrade, &owner, Some(json!({}))).await;
    assert_problem(res, 400, "invalid_body").await;

    let done = ok_json(
        send(&app, Method::POST, &regrade, &owner, Some(body.clone())).await,
        200,
    )
    .await;
    assert_eq!(done["via"], "api");
    assert_eq!(done["actor_id"], owner.id);
    assert_eq!(done["version"], 2);
    assert_eq!(
        (
            done["items_rekeyed"].clone(),
            done["attempts_rescored"].clone(),
            done["scores_changed"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    assert_eq!(
        done["changed"],
        json!([{"attempt_id": attempt, "old_score": 6.0, "new_score": 8.0, "old_max_score": 8.0,
            "new_max_score": 8.0, "old_passed": false, "new_passed": true}])
    );
    // The learner's review shows the new score and the corrected key; passing now
    // completed the lesson, as a submit would have.
    let review = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/attempts/{attempt}"),
            &learner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (review["score"].clone(), review["passed"].clone()),
        (json!(8.0), json!(true))
    );
    let q = review["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "numeric")
        .unwrap();
    assert_eq!(
        (q["correct"].clone(), q["earned"].clone()),
        (json!(true), json!(2.0))
    );
    assert_eq!(q["correct_answer"], json!({"number": 1920.0}));
    assert_eq!(completions(), 1);

    // Again: nothing left to rescore, and that too is recorded.
    let again = ok_json(
        send(&app, Method::POST, &regrade, &owner, Some(body)).await,
        200,
    )
    .await;
    assert_eq!(
        (
            again["items_rekeyed"].clone(),
            again["attempts_rescored"].clone()
        ),
        (json!(0), json!(0))
    );
    let trail = ok_json(
        send(&app, Method::GET, &format!("{path}/regrades"), &owner, None).await,
        200,
    )
    .await;
    let items = trail["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], again["id"]);
    assert_eq!(
        items[1]["reason"],
        "The key said 1919; the course teaches 1920."
    );
    assert!(items[1].get("changed").is_none());

    // A correction that no longer fits the answers given (another number of choices).
    let single = ids[0];
    let four = json!({"kind": "single_choice", "stem": "Which body sets labour standards?",
        "choices": [{"text": "The ILO"}, {"text": "The WTO"}, {"text": "The IMF"}, {"text": "The UN"}],
        "correct": [0]});
    ok_json(
        send(
            &app,
            Method::PUT,
            &format!("/api/v1/questions/{single}"),
            &owner,
            Some(four),
        )
        .await,
        200,
    )
    .await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/questions/{single}/regrade"),
        &owner,
        Some(json!({"reason": "typo"})),
    )
    .await;
    assert_problem(res, 409, "regrade_incompatible").await;

    // The command line does the same, recorded without an account.
    let database_url = app.db.url().to_env_value();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bayanihan"))
        .args([
            "regrade",
            "--question",
            &ids[1].to_string(),
            "--reason",
            "C98 was left out",
        ])
        .env("DATABASE_URL", &database_url)
        .env("BAYANIHAN_DATA_DIR", app.data_dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 attempts rescored"),
        "{out:?}"
    );
    let mut conn = app.db.conn().unwrap();
    let (via, actor): (String, Option<i64>) = question_regrades::table
        .filter(question_regrades::question_id.eq(ids[1]))
        .select((question_regrades::via, question_regrades::actor_id))
        .first(&mut *conn)
        .unwrap();
    assert_eq!((via.as_str(), actor), ("command_line", None));
}

#[tokio::test]
async fn assessment_starts_at_once_give_each_learner_one_attempt() {
    use bayanihan::db::schema::quiz_attempts;
    let app = spawn_app().await;
    let (course, lesson, _, _, first) = quiz_setup(&app, json!({"attempts_allowed": 2})).await;
    let second = app.user("member").await;
    crate::learning::enrol(&app, course, &second).await;
    // Six starts by each learner at once: one attempt each, given back to the other five.
    let path = format!("/api/v1/lessons/{lesson}/quiz/attempts");
    let starts =
        futures_util::future::join_all([&first, &second].into_iter().cycle().take(12).map(
            |l| async {
                let res = app.authed(Method::POST, &path, &l.token).send().await;
                (l.id, res.unwrap())
            },
        ))
        .await;
    let mut created = Vec::new();
    let mut ids = std::collections::HashMap::new();
    for (learner, res) in starts {
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap();
        assert!(status == 200 || status == 201, "{status} {body}");
        if status == 201 {
            created.push(learner);
        }
        let id = body["id"].as_i64().unwrap();
        assert_eq!(*ids.entry(learner).or_insert(id), id, "one attempt each");
    }
    created.sort_unstable();
    assert_eq!(created, vec![first.id, second.id], "one 201 each");
    let mut conn = app.db.conn().unwrap();
    let stored: i64 = quiz_attempts::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(stored, 2);
}
