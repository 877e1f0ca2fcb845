//! Pre- and post-tests through HTTP: pairs of quiz lessons, each learner's gain, the
//! group's figures and item analysis, and who may read what.

use reqwest::Method;
use serde_json::{Value, json};

use crate::assessment::{add_owner, create_question, make_quiz_lesson};
use crate::assignments::running_cohort;
use crate::helpers::{TestApp, TestUser, assert_problem, ok_json, send, spawn_app};
use crate::learning::{Spec, make_course};

/// Two true/false questions (both true), the quiz of `lesson` asking them in order.
async fn two_question_quiz(app: &TestApp, course: i64, lesson: i64, owner: &TestUser) -> [i64; 2] {
    make_quiz_lesson(app, lesson);
    let mut ids = [0; 2];
    for (i, stem) in ["Unions may bargain collectively.", "Strikes are a right."]
        .iter()
        .enumerate()
    {
        let q = json!({"kind": "true_false", "stem": stem, "correct_boolean": true});
        ids[i] = create_question(app, course, owner, q).await["id"]
            .as_i64()
            .unwrap();
    }
    let body = json!({"questions": [{"question_id": ids[0]}, {"question_id": ids[1]}]});
    let res = send(
        app,
        Method::PUT,
        &format!("/api/v1/lessons/{lesson}/quiz"),
        owner,
        Some(body),
    )
    .await;
    ok_json(res, 201).await;
    ids
}

/// One submitted attempt answering each question right or wrong, in order.
async fn attempt(app: &TestApp, lesson: i64, learner: &TestUser, right: [bool; 2]) {
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/lessons/{lesson}/quiz/attempts"),
        learner,
        None,
    )
    .await;
    let a = ok_json(res, 201).await;
    let id = a["id"].as_i64().unwrap();
    for (q, right) in a["questions"].as_array().unwrap().iter().zip(right) {
        let res = send(
            app,
            Method::PUT,
            &format!("/api/v1/attempts/{id}/answers/{}", q["question_id"]),
            learner,
            Some(json!({"boolean": right})),
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
    ok_json(res, 200).await;
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

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn assessment_pre_post_tests_measure_each_learners_gain_and_the_groups() {
    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let owner = app.user("trainer").await;
    add_owner(&app, course.id, owner.id);
    let (pre_lesson, post_lesson, text_lesson) =
        (course.lessons[0], course.lessons[1], course.lessons[2]);
    let questions = two_question_quiz(&app, course.id, pre_lesson, &owner).await;
    make_quiz_lesson(&app, post_lesson);
    // The post-test asks the same pool (the same two questions).
    let body = json!({"questions": [{"question_id": questions[0]}, {"question_id": questions[1]}]});
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/lessons/{post_lesson}/quiz"),
        &owner,
        Some(body),
    )
    .await;
    ok_json(res, 201).await;

    let path = format!("/api/v1/courses/{}/pre-post-tests", course.id);
    // Checked: two lessons, quiz lessons of this course, a cohort that runs it.
    for (body, field, code) in [
        (
            json!({"pre_lesson_id": pre_lesson, "post_lesson_id": pre_lesson}),
            "post_lesson_id",
            "same_lesson",
        ),
        (
            json!({"pre_lesson_id": pre_lesson, "post_lesson_id": text_lesson}),
            "post_lesson_id",
            "not_a_quiz_of_course",
        ),
        (
            json!({"pre_lesson_id": 999_999, "post_lesson_id": post_lesson}),
            "pre_lesson_id",
            "not_a_quiz_of_course",
        ),
        (
            json!({"pre_lesson_id": pre_lesson, "post_lesson_id": post_lesson, "cohort_id": 999_999}),
            "cohort_id",
            "course_not_in_cohort",
        ),
    ] {
        let res = send(&app, Method::POST, &path, &owner, Some(body.clone())).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
    let learners = [
        app.user("member").await,
        app.user("member").await,
        app.user("member").await,
        app.user("member").await,
    ];
    // Only the course's editors create pairs: 404 for a learner.
    enrol(&app, course.id, &learners[0]).await;
    let body = json!({"pre_lesson_id": pre_lesson as f64, "post_lesson_id": post_lesson});
    let res = send(&app, Method::POST, &path, &learners[0], Some(body.clone())).await;
    assert_problem(res, 404, "not_found").await;
    let created = ok_json(
        send(&app, Method::POST, &path, &owner, Some(body)).await,
        201,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        (
            created["pre_lesson_id"].clone(),
            created["cohort_id"].clone()
        ),
        (json!(pre_lesson), Value::Null)
    );

    // Before: 50 %, 100 % (full marks: no gain measurable), 0 %, 50 %; after: 100 %, 100 %,
    // 50 %, and the fourth learner never takes the post-test. The first attempt counts
    // before, the last after.
    for l in &learners[1..] {
        enrol(&app, course.id, l).await;
    }
    attempt(&app, pre_lesson, &learners[0], [true, false]).await;
    attempt(&app, pre_lesson, &learners[0], [true, true]).await;
    attempt(&app, pre_lesson, &learners[1], [true, true]).await;
    attempt(&app, pre_lesson, &learners[2], [false, false]).await;
    attempt(&app, pre_lesson, &learners[3], [false, true]).await;
    attempt(&app, post_lesson, &learners[0], [false, false]).await;
    attempt(&app, post_lesson, &learners[0], [true, true]).await;
    attempt(&app, post_lesson, &learners[1], [true, true]).await;
    attempt(&app, post_lesson, &learners[2], [true, false]).await;

    // Each learner sees their own figures, and only those.
    let me = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/pre-post-tests/{id}/me"),
            &learners[0],
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(me["user_id"], learners[0].id);
    assert!(
        close(&me["pre"], 50.0) && close(&me["post"], 100.0) && close(&me["gain"], 1.0),
        "{me}"
    );
    assert!(me.get("display_name").is_none());
    let me = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/pre-post-tests/{id}/me"),
            &learners[1],
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (me["ceiling"].clone(), me["gain"].clone()),
        (json!(true), Value::Null)
    );
    for l in &learners {
        let res = send(
            &app,
            Method::GET,
            &format!("/api/v1/pre-post-tests/{id}/results"),
            l,
            None,
        )
        .await;
        assert_problem(res, 404, "not_found").await;
    }
    let stranger = app.user("member").await;
    for tail in ["", "/me", "/results"] {
        let res = send(
            &app,
            Method::GET,
            &format!("/api/v1/pre-post-tests/{id}{tail}"),
            &stranger,
            None,
        )
        .await;
        assert_problem(res, 404, "not_found").await;
    }
    let res = send(&app, Method::GET, &path, &stranger, None).await;
    assert_problem(res, 404, "not_found").await;
    let list = ok_json(
        send(&app, Method::GET, &path, &learners[2], None).await,
        200,
    )
    .await;
    assert_eq!(list["items"][0]["id"], id);

    // The group: counts, means over the pairs, the mean of the gains and the gain of the
    // means; item analysis per form; each learner by name.
    let r = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/pre-post-tests/{id}/results"),
            &owner,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        [
            &r["pre_count"],
            &r["post_count"],
            &r["paired_count"],
            &r["ceiling_count"]
        ],
        [&json!(4), &json!(3), &json!(3), &json!(1)],
        "{r}"
    );
    assert!(close(&r["mean_pre"], 50.0), "{r}");
    assert!(close(&r["mean_post"], 250.0 / 3.0), "{r}");
    assert!(close(&r["mean_gain"], 0.75), "{r}");
    assert!(
        close(&r["gain_of_means"], (250.0 / 3.0 - 50.0) / 50.0),
        "{r}"
    );
    // Before: question 1 right for the first two learners of four.
    let pre_items = r["pre_items"].as_array().unwrap();
    assert_eq!(pre_items.len(), 2);
    assert_eq!(pre_items[0]["question_id"], questions[0]);
    assert_eq!(pre_items[0]["asked"], 4);
    assert!(close(&pre_items[0]["share_correct"], 0.5));
    // Four attempts: the upper group is the best one (100 %), the lower the worst (0 %).
    assert!(close(&pre_items[0]["discrimination"], 1.0), "{r}");
    assert!(close(&pre_items[1]["discrimination"], 1.0), "{r}");
    let rows = r["learners"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|l| l["display_name"].is_string()));
    assert!(rows[3]["post"].is_null() && rows[3]["gain"].is_null());
}

#[tokio::test]
async fn assessment_pre_post_tests_of_a_cohort_count_its_participants_for_its_facilitators() {
    let app = spawn_app().await;
    let course = make_course(
        &app,
        Spec {
            format: "cohort",
            modules: &[&[true, true]],
            ..Spec::default()
        },
    );
    let owner = app.user("trainer").await;
    add_owner(&app, course.id, owner.id);
    let (pre_lesson, post_lesson) = (course.lessons[0], course.lessons[1]);
    let questions = two_question_quiz(&app, course.id, pre_lesson, &owner).await;
    make_quiz_lesson(&app, post_lesson);
    let body = json!({"questions": [{"question_id": questions[1]}, {"question_id": questions[0]}]});
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/lessons/{post_lesson}/quiz"),
        &owner,
        Some(body),
    )
    .await;
    ok_json(res, 201).await;
    let c = running_cohort(&app, "training", &[course.id], 2).await;
    let body = json!({"pre_lesson_id": pre_lesson, "post_lesson_id": post_lesson, "cohort_id": c.id as f64});
    let path = format!("/api/v1/courses/{}/pre-post-tests", course.id);
    let created = ok_json(
        send(&app, Method::POST, &path, &c.coordinator, Some(body)).await,
        201,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["cohort_id"], c.id);
    attempt(&app, pre_lesson, &c.participants[0], [false, false]).await;
    attempt(&app, post_lesson, &c.participants[0], [true, true]).await;
    attempt(&app, pre_lesson, &c.participants[1], [true, false]).await;

    // The facilitator reads the group; a facilitator of nothing here does not.
    let results = format!("/api/v1/pre-post-tests/{id}/results");
    let r = ok_json(
        send(&app, Method::GET, &results, &c.facilitator, None).await,
        200,
    )
    .await;
    assert_eq!(
        (r["pre_count"].clone(), r["paired_count"].clone()),
        (json!(2), json!(1)),
        "{r}"
    );
    assert!(close(&r["mean_gain"], 1.0), "{r}");
    let other = app.user("trainer").await;
    let res = send(&app, Method::GET, &results, &other, None).await;
    assert_problem(res, 404, "not_found").await;
    let res = send(&app, Method::GET, &results, &c.participants[0], None).await;
    assert_problem(res, 404, "not_found").await;
    let me = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/pre-post-tests/{id}/me"),
            &c.participants[0],
            None,
        )
        .await,
        200,
    )
    .await;
    assert!(close(&me["gain"], 1.0), "{me}");
    let list = ok_json(
        send(&app, Method::GET, &path, &c.facilitator, None).await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
