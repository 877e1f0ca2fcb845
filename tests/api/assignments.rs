//! Assignments through HTTP: facilitators set them, participants hand work in (again until
//! it is marked, late after the due time), facilitators mark it; who sees what, and bad
//! input.

use reqwest::Method;
use serde_json::{Value, json};

use crate::cohorts::{cohort_body, create, ok_json, send, transition};
use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};
use crate::nominations::{call_body, join, moved, nominate, nomination_of, open, union};

/// A running cohort with its coordinator, one facilitator and accepted participants.
pub(crate) struct Running {
    pub(crate) id: i64,
    pub(crate) coordinator: TestUser,
    pub(crate) facilitator: TestUser,
    pub(crate) participants: Vec<TestUser>,
}

/// A `kind` cohort running `courses`, facilitated by a fresh trainer, with `n` members of
/// one union nominated by its leader, accepted and the cohort moved to `running`.
pub(crate) async fn running_cohort(
    app: &TestApp,
    kind: &str,
    courses: &[i64],
    n: usize,
) -> Running {
    let coordinator = app.user("coordinator").await;
    let facilitator = app.user("trainer").await;
    let leader = app.user("member").await;
    let mut participants = Vec::new();
    for _ in 0..n {
        participants.push(app.user("member").await);
    }
    let org = union(
        app,
        &format!("Union {}", uuid::Uuid::new_v4().simple()),
        "PH",
    );
    join(app, &coordinator, org, &leader, true, "officer").await;
    for m in &participants {
        join(app, &coordinator, org, m, false, "educator").await;
    }
    let mut body = cohort_body(&[facilitator.id], courses);
    body["kind"] = json!(kind);
    let id = create(app, &coordinator, body).await["id"]
        .as_i64()
        .unwrap();
    open(app, &coordinator, id, call_body(&[org], json!({}))).await;
    let mut nominations = Vec::new();
    for m in &participants {
        let n = ok_json(nominate(app, &leader, id, nomination_of(m)).await, 201).await;
        let n = n["id"].as_i64().unwrap();
        moved(app, m, n, "submitted", None).await;
        nominations.push(n);
    }
    ok_json(transition(app, &coordinator, id, "selection").await, 200).await;
    for n in nominations {
        moved(app, &coordinator, n, "accepted", Some("Fits the profile.")).await;
    }
    ok_json(transition(app, &coordinator, id, "running").await, 200).await;
    Running {
        id,
        coordinator,
        facilitator,
        participants,
    }
}

/// Sets an assignment as `by`; the answer.
pub(crate) async fn set_assignment(
    app: &TestApp,
    by: &TestUser,
    cohort: i64,
    body: Value,
) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/cohorts/{cohort}/assignments"),
        &by.token,
        Some(body),
    )
    .await
}

pub(crate) fn pass_fail(title: &str, due_at: &str) -> Value {
    json!({
        "title": title,
        "instructions": "Plan a **two-hour** session for shop stewards. <script>alert(1)</script>",
        "due_at": due_at,
        "grading": "pass_fail",
    })
}

pub(crate) async fn submit(
    app: &TestApp,
    by: &TestUser,
    assignment: i64,
    body: Value,
) -> reqwest::Response {
    send(
        app,
        Method::PUT,
        &format!("/api/v1/assignments/{assignment}/submissions/me"),
        &by.token,
        Some(body),
    )
    .await
}

pub(crate) async fn grade(
    app: &TestApp,
    by: &TestUser,
    submission: i64,
    body: Value,
) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/submissions/{submission}/grade"),
        &by.token,
        Some(body),
    )
    .await
}

#[tokio::test]
async fn facilitators_set_participants_hand_in_and_facilitators_mark() {
    let app = spawn_app().await;
    let c = running_cohort(&app, "tot", &[], 2).await;
    let (ana, ben) = (&c.participants[0], &c.participants[1]);

    // A facilitator sets an assignment; the instructions are sanitised Markdown.
    let res = set_assignment(
        &app,
        &c.facilitator,
        c.id,
        pass_fail("Session plan", "2030-01-01T00:00:00Z"),
    )
    .await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let a = ok_json(res, 201).await;
    let a_id = a["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/assignments/{a_id}"));
    assert!(
        a["instructions_html"]
            .as_str()
            .unwrap()
            .contains("<strong>two-hour</strong>")
    );
    assert!(!a["instructions_html"].as_str().unwrap().contains("<script"));
    // Participants read it where Location points, and in the cohort's list.
    let read = send(&app, Method::GET, &location, &ana.token, None).await;
    let tag = etag(&read);
    ok_json(read, 200).await;
    let again = app
        .authed(Method::GET, &location, &ana.token)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    let list = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/cohorts/{}/assignments", c.id),
            &ben.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Ana hands in text and links (a repeated link is kept once), then again: 201, then 200.
    let res = submit(&app, ana, a_id, json!({"text": "My plan", "links": ["https://example.org/plan", "https://example.org/plan"]})).await;
    let sub_location = res.headers()["location"].to_str().unwrap().to_owned();
    let s = ok_json(res, 201).await;
    let s_id = s["id"].as_i64().unwrap();
    assert_eq!(sub_location, format!("/api/v1/submissions/{s_id}"));
    assert_eq!(s["links"], json!(["https://example.org/plan"]));
    assert_eq!(s["late"], false);
    assert_eq!(s["status"], "submitted");
    let s = ok_json(
        submit(&app, ana, a_id, json!({"text": "My better plan"})).await,
        200,
    )
    .await;
    assert_eq!(s["submission_count"], 2);
    assert_eq!(s["text"], "My better plan");
    // The same content again changes nothing.
    let s = ok_json(
        submit(&app, ana, a_id, json!({"text": "My better plan"})).await,
        200,
    )
    .await;
    assert_eq!(s["submission_count"], 2);

    // Ben sees only his own: Ana's is 404 to him, whatever the id; his own is 404 until he
    // hands in.
    assert_problem(
        send(&app, Method::GET, &sub_location, &ben.token, None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/assignments/{a_id}/submissions/me"),
            &ben.token,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // Participants do not list or mark submissions.
    assert_problem(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/assignments/{a_id}/submissions"),
            &ben.token,
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        grade(&app, ana, s_id, json!({"passed": true})).await,
        403,
        "forbidden",
    )
    .await;
    // A trainer who does not facilitate the cohort: 403 on everything.
    let outsider = app.user("trainer").await;
    assert_problem(
        send(&app, Method::GET, &sub_location, &outsider.token, None).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        grade(&app, &outsider, s_id, json!({"passed": true})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        set_assignment(
            &app,
            &outsider,
            c.id,
            pass_fail("Not mine", "2030-01-01T00:00:00Z"),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        send(&app, Method::GET, &location, &outsider.token, None).await,
        403,
        "forbidden",
    )
    .await;
    // A member outside the cohort does not hand in.
    let member = app.user("member").await;
    assert_problem(
        submit(&app, &member, a_id, json!({"text": "x"})).await,
        403,
        "forbidden",
    )
    .await;
    // Staff do not hand in.
    assert_problem(
        submit(&app, &c.facilitator, a_id, json!({"text": "x"})).await,
        403,
        "not_a_participant",
    )
    .await;

    // The facilitator lists and marks; feedback reaches Ana; she cannot hand in again.
    let page = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/assignments/{a_id}/submissions"),
            &c.facilitator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(page["items"][0]["id"], s_id);
    assert_problem(
        grade(&app, &c.facilitator, s_id, json!({"points": 3})).await,
        422,
        "validation_failed",
    )
    .await;
    let marked = ok_json(
        grade(
            &app,
            &c.facilitator,
            s_id,
            json!({"passed": true, "feedback": "Clear and practical."}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(marked["status"], "passed");
    assert_eq!(marked["graded_by"], c.facilitator.id);
    let mine = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/assignments/{a_id}/submissions/me"),
            &ana.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mine["feedback"], "Clear and practical.");
    assert_problem(
        submit(&app, ana, a_id, json!({"text": "Too late to change"})).await,
        409,
        "already_marked",
    )
    .await;
    // The marking stays once something was marked; deleting it too.
    assert_problem(
        send(
            &app,
            Method::PATCH,
            &location,
            &c.facilitator.token,
            Some(json!({"grading": "points", "max_points": 10, "pass_points": 5})),
        )
        .await,
        409,
        "assignment_marked",
    )
    .await;
    assert_problem(
        send(&app, Method::DELETE, &location, &c.coordinator.token, None).await,
        409,
        "has_submissions",
    )
    .await;
}

#[tokio::test]
async fn late_work_is_marked_and_points_pass_at_the_pass_mark() {
    let app = spawn_app().await;
    let c = running_cohort(&app, "training", &[], 1).await;
    let ana = &c.participants[0];
    let a = ok_json(
        set_assignment(
            &app,
            &c.coordinator,
            c.id,
            json!({"title": "Case study", "instructions": "", "due_at": "2020-01-01T00:00:00Z",
                   "grading": "points", "max_points": 10, "pass_points": 6}),
        )
        .await,
        201,
    )
    .await;
    let a_id = a["id"].as_i64().unwrap();
    let s = ok_json(
        submit(
            &app,
            ana,
            a_id,
            json!({"links": ["https://example.org/case"]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(s["late"], true);
    let s_id = s["id"].as_i64().unwrap();
    assert_problem(
        grade(&app, &c.facilitator, s_id, json!({"passed": true})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        grade(&app, &c.facilitator, s_id, json!({"points": 11})).await,
        422,
        "validation_failed",
    )
    .await;
    let m = ok_json(
        grade(&app, &c.facilitator, s_id, json!({"points": 5})).await,
        200,
    )
    .await;
    assert_eq!(m["status"], "failed");
    // Marking again corrects it, honouring If-Match.
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/submissions/{s_id}"),
        &c.facilitator.token,
        None,
    )
    .await;
    let tag = etag(&res);
    let stale = app
        .authed(
            Method::POST,
            &format!("/api/v1/submissions/{s_id}/grade"),
            &c.facilitator.token,
        )
        .header("If-Match", "\"submission-1-v1\"")
        .json(&json!({"points": 6}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "precondition_failed").await;
    let fresh = app
        .authed(
            Method::POST,
            &format!("/api/v1/submissions/{s_id}/grade"),
            &c.facilitator.token,
        )
        .header("If-Match", &tag)
        .json(&json!({"points": 6}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok_json(fresh, 200).await["status"], "passed");
    // Changing the assignment: the title, with If-Match; a stale tag is 412.
    let path = format!("/api/v1/assignments/{a_id}");
    let res = send(&app, Method::GET, &path, &c.facilitator.token, None).await;
    let tag = etag(&res);
    let changed = app
        .authed(Method::PATCH, &path, &c.facilitator.token)
        .header("If-Match", &tag)
        .json(&json!({"title": "Case study (revised)"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok_json(changed, 200).await["title"], "Case study (revised)");
    let stale = app
        .authed(Method::PATCH, &path, &c.facilitator.token)
        .header("If-Match", &tag)
        .json(&json!({"title": "Again"}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "precondition_failed").await;
}

#[tokio::test]
async fn bad_assignments_and_submissions_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let c = running_cohort(&app, "training", &[], 1).await;
    let ana = &c.participants[0];
    let fac = &c.facilitator;
    for (body, field, code) in [
        (
            json!({"title": " ", "instructions": "", "due_at": "2030-01-01T00:00:00Z", "grading": "pass_fail"}),
            "title",
            "invalid_title",
        ),
        (
            json!({"title": "T", "instructions": "", "due_at": "2030-01-01T00:00:00Z", "grading": "points"}),
            "max_points",
            "required",
        ),
        (
            json!({"title": "T", "instructions": "", "due_at": "2030-01-01T00:00:00Z", "grading": "points", "max_points": 5, "pass_points": 6}),
            "pass_points",
            "out_of_range",
        ),
        (
            json!({"title": "T", "instructions": "", "due_at": "2030-01-01T00:00:00Z", "grading": "pass_fail", "max_points": 5}),
            "max_points",
            "not_for_pass_fail",
        ),
        (
            json!({"title": "T\u{0000}", "instructions": "", "due_at": "2030-01-01T00:00:00Z", "grading": "pass_fail"}),
            "title",
            "invalid_title",
        ),
    ] {
        let problem = assert_problem(
            set_assignment(&app, fac, c.id, body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    // Unreadable bodies: a bad date, an unknown grading, an unknown field.
    for body in [
        json!({"title": "T", "instructions": "", "due_at": "tomorrow", "grading": "pass_fail"}),
        json!({"title": "T", "instructions": "", "due_at": "2030-01-01T00:00:00Z", "grading": "stars"}),
        json!({"title": "T", "instructions": "", "due_at": "2030-01-01T00:00:00Z", "grading": "pass_fail", "cohort_id": 1}),
    ] {
        let res = set_assignment(&app, fac, c.id, body).await;
        assert_eq!(res.status().as_u16(), 400);
    }
    assert_problem(
        set_assignment(&app, fac, 999_999, pass_fail("T", "2030-01-01T00:00:00Z")).await,
        404,
        "not_found",
    )
    .await;
    let a = ok_json(
        set_assignment(&app, fac, c.id, pass_fail("T", "2030-01-01T00:00:00Z")).await,
        201,
    )
    .await;
    let a_id = a["id"].as_i64().unwrap();
    for (body, field, code) in [
        (json!({}), "text", "empty_submission"),
        (
            json!({"text": "  ", "links": []}),
            "text",
            "empty_submission",
        ),
        (
            json!({"links": ["javascript:alert(1)"]}),
            "links[0]",
            "invalid_link",
        ),
        (
            json!({"links": ["https://user:pw@example.org/"]}),
            "links[0]",
            "invalid_link",
        ),
        (
            json!({"links": vec!["https://example.org/"; 11]}),
            "links",
            "too_many_links",
        ),
        (json!({"text": "a\u{0007}b"}), "text", "invalid_text"),
    ] {
        let problem = assert_problem(
            submit(&app, ana, a_id, body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    let s = ok_json(submit(&app, ana, a_id, json!({"text": "Done"})).await, 201).await;
    let s_id = s["id"].as_i64().unwrap();
    for (body, field, code) in [
        (json!({}), "passed", "mark_required"),
        (json!({"passed": true, "points": 1}), "points", "one_mark"),
        (json!({"points": -1}), "points", "out_of_range"),
    ] {
        let problem =
            assert_problem(grade(&app, fac, s_id, body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    // After the cohort completes, nothing more is handed in and no assignment is set.
    ok_json(
        transition(&app, &c.coordinator, c.id, "completed").await,
        200,
    )
    .await;
    assert_problem(
        submit(&app, ana, a_id, json!({"text": "Again"})).await,
        409,
        "cohort_not_running",
    )
    .await;
    assert_problem(
        set_assignment(&app, fac, c.id, pass_fail("Late", "2030-01-01T00:00:00Z")).await,
        409,
        "cohort_closed",
    )
    .await;
}
