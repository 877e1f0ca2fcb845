//! Training follow-up through HTTP: participants' action plans seen by their union's
//! leaders and their cohort's facilitators (and nobody else), check-ins per round with
//! reports the leader confirms or questions, guidance answered by facilitators, reminders
//! sent once, and erasure into anonymous counts.

use bayanihan::db::schema::{action_plans, cohorts, followup_erased_counts, users};
use chrono::{NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::cohorts::{cohort_body, create, transition};
use crate::helpers::{TestApp, TestUser, assert_problem, etag, ok_json, send, spawn_app};
use crate::learning::{Spec, make_course};
use crate::nominations::{call_body, join, moved, nominate, nomination_of, open, union};

/// A running cohort that started 100 days ago and ended 40 days ago (so round 1 of the
/// default schedule is due and round 2 is not), its people, and a second union's leader.
pub(crate) struct Setup {
    pub(crate) cohort: i64,
    pub(crate) org: i64,
    pub(crate) other_org: i64,
    pub(crate) starts_on: NaiveDate,
    pub(crate) coordinator: TestUser,
    pub(crate) facilitator: TestUser,
    pub(crate) leader: TestUser,
    pub(crate) other_leader: TestUser,
    /// A member of the union who is not a participant.
    pub(crate) bystander: TestUser,
    pub(crate) participants: Vec<TestUser>,
}

pub(crate) async fn setup(app: &TestApp, n: usize) -> Setup {
    let course = make_course(
        app,
        Spec {
            format: "cohort",
            ..Spec::default()
        },
    );
    let coordinator = app.user("coordinator").await;
    let facilitator = app.user("trainer").await;
    let leader = app.user("member").await;
    let other_leader = app.user("member").await;
    let bystander = app.user("member").await;
    let mut participants = Vec::new();
    for _ in 0..n {
        participants.push(app.user("member").await);
    }
    let org = union(
        app,
        &format!("Union {}", uuid::Uuid::new_v4().simple()),
        "PH",
    );
    let other_org = union(
        app,
        &format!("Union {}", uuid::Uuid::new_v4().simple()),
        "PH",
    );
    join(app, &coordinator, org, &leader, true, "officer").await;
    join(app, &coordinator, other_org, &other_leader, true, "officer").await;
    join(app, &coordinator, org, &bystander, false, "educator").await;
    for m in &participants {
        join(app, &coordinator, org, m, false, "educator").await;
    }
    let mut body = cohort_body(&[facilitator.id], &[course.id]);
    body["kind"] = json!("training");
    let cohort = create(app, &coordinator, body).await["id"]
        .as_i64()
        .unwrap();
    open(app, &coordinator, cohort, call_body(&[org], json!({}))).await;
    let mut nominations = Vec::new();
    for m in &participants {
        let n = ok_json(nominate(app, &leader, cohort, nomination_of(m)).await, 201).await;
        let n = n["id"].as_i64().unwrap();
        moved(app, m, n, "submitted", None).await;
        nominations.push(n);
    }
    ok_json(
        transition(app, &coordinator, cohort, "selection").await,
        200,
    )
    .await;
    for n in nominations {
        moved(app, &coordinator, n, "accepted", Some("Fits the profile.")).await;
    }
    ok_json(transition(app, &coordinator, cohort, "running").await, 200).await;
    // The cohort is over: move its days into the past (the API only plans future ones).
    let today = Utc::now().date_naive();
    let starts_on = today - TimeDelta::days(100);
    let mut conn = app.db.conn().unwrap();
    diesel::update(cohorts::table.find(cohort))
        .set((
            cohorts::starts_on.eq(starts_on),
            cohorts::ends_on.eq(today - TimeDelta::days(40)),
        ))
        .execute(&mut *conn)
        .unwrap();
    Setup {
        cohort,
        org,
        other_org,
        starts_on,
        coordinator,
        facilitator,
        leader,
        other_leader,
        bystander,
        participants,
    }
}

fn plan_body(s: &Setup) -> Value {
    json!({
        "goals": ["Run a study circle on platform workers' rights", "Recruit ten riders"],
        "steps": [
            {"title": "Book a room at the union hall", "due_on": (s.starts_on + TimeDelta::days(60)).to_string()},
            {"title": "Hold the first study circle", "due_on": (s.starts_on + TimeDelta::days(120)).to_string()},
        ],
        "support_needed": "Photocopies and a small budget for snacks.",
    })
}

pub(crate) async fn write_plan(app: &TestApp, s: &Setup, by: &TestUser) -> Value {
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/cohorts/{}/action-plans", s.cohort),
        by,
        Some(plan_body(s)),
    )
    .await;
    ok_json(res, 201).await
}

pub(crate) fn steps_of(plan: &Value) -> Vec<i64> {
    plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

pub(crate) fn check_in_body(round: i64, steps: &[i64]) -> Value {
    json!({
        "round": round,
        "reports": [
            {"step_id": steps[0], "status": "done", "applied": "Booked the hall for Saturdays.",
                "evidence_links": ["https://example.org/photo.jpg"]},
            {"step_id": steps[1], "status": "in_progress", "applied": "Drafted the invitation.",
                "barriers": ["time", "employer_resistance", "time"], "barrier_note": "Shifts changed."},
        ]
    })
}

#[tokio::test]
async fn followup_plans_are_seen_by_their_union_leader_and_facilitators_only() {
    let app = spawn_app().await;
    let s = setup(&app, 2).await;
    let (p0, p1) = (&s.participants[0], &s.participants[1]);
    let path = format!("/api/v1/cohorts/{}/action-plans", s.cohort);

    let res = send(&app, Method::POST, &path, p0, Some(plan_body(&s))).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let tag = etag(&res);
    let plan = ok_json(res, 201).await;
    let id = plan["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/action-plans/{id}"));
    assert_eq!(plan["organisation_id"], s.org);
    assert_eq!(plan["steps"].as_array().unwrap().len(), 2);
    assert_eq!(plan["endorsed_by"], Value::Null);

    // One plan each; only participants write one; steps not before the cohort.
    let res = send(&app, Method::POST, &path, p0, Some(plan_body(&s))).await;
    assert_problem(res, 409, "action_plan_exists").await;
    let res = send(&app, Method::POST, &path, &s.bystander, Some(plan_body(&s))).await;
    assert_problem(res, 403, "not_a_participant").await;
    let mut early = plan_body(&s);
    early["steps"][1]["due_on"] = json!((s.starts_on - TimeDelta::days(1)).to_string());
    let res = send(&app, Method::POST, &path, p1, Some(early)).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "steps[1].due_on");
    assert_eq!(problem["errors"][0]["code"], "before_cohort");
    let res = send(
        &app,
        Method::POST,
        &path,
        p1,
        Some(json!({"goals": [], "steps": [], "support_needed": "x\u{0}"})),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["no_goals", "no_steps", "invalid_text"]);

    // Who reads it: author, their union's leader, facilitator, coordinator; not another
    // union's leader nor another member.
    for who in [p0, &s.leader, &s.facilitator, &s.coordinator] {
        ok_json(send(&app, Method::GET, &location, who, None).await, 200).await;
    }
    for who in [&s.other_leader, p1, &s.bystander] {
        assert_problem(
            send(&app, Method::GET, &location, who, None).await,
            404,
            "not_found",
        )
        .await;
    }

    // The union's list: its leader, paginated; another union's leader and members: 404.
    ok_json(
        send(&app, Method::POST, &path, p1, Some(plan_body(&s))).await,
        201,
    )
    .await;
    let union_path = format!("/api/v1/organisations/{}/action-plans?limit=1", s.org);
    let page = ok_json(
        send(&app, Method::GET, &union_path, &s.leader, None).await,
        200,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap();
    let page2 = ok_json(
        send(
            &app,
            Method::GET,
            &format!("{union_path}&cursor={cursor}"),
            &s.leader,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2["next_cursor"], Value::Null);
    for who in [&s.other_leader, p0, &s.bystander] {
        assert_problem(
            send(&app, Method::GET, &union_path, who, None).await,
            404,
            "not_found",
        )
        .await;
    }
    let other = format!("/api/v1/organisations/{}/action-plans", s.other_org);
    let empty = ok_json(
        send(&app, Method::GET, &other, &s.other_leader, None).await,
        200,
    )
    .await;
    assert_eq!(empty["items"], json!([]));

    // The cohort's list: all for the facilitator, their own for a participant, nothing of
    // this union for another union's leader, 404 for an outsider.
    let count = |v: &Value| v["items"].as_array().unwrap().len();
    let all = ok_json(
        send(&app, Method::GET, &path, &s.facilitator, None).await,
        200,
    )
    .await;
    assert_eq!(count(&all), 2);
    let own = ok_json(send(&app, Method::GET, &path, p1, None).await, 200).await;
    assert_eq!(count(&own), 1);
    assert_eq!(own["items"][0]["user_id"], p1.id);
    let none = ok_json(
        send(&app, Method::GET, &path, &s.other_leader, None).await,
        200,
    )
    .await;
    assert_eq!(count(&none), 0);
    assert_problem(
        send(&app, Method::GET, &path, &s.bystander, None).await,
        404,
        "not_found",
    )
    .await;

    // The leader endorses (not the author, not the facilitator, not another union).
    let endorse = format!("{location}/endorsement");
    for who in [p0, &s.facilitator] {
        assert_problem(
            send(&app, Method::POST, &endorse, who, None).await,
            403,
            "not_the_union_leader",
        )
        .await;
    }
    assert_problem(
        send(&app, Method::POST, &endorse, &s.other_leader, None).await,
        404,
        "not_found",
    )
    .await;
    let endorsed = ok_json(
        send(&app, Method::POST, &endorse, &s.leader, None).await,
        200,
    )
    .await;
    assert_eq!(endorsed["endorsed_by"], s.leader.id);

    // The author edits with If-Match: a stale tag is refused; an edit clears the endorsement.
    let steps = steps_of(&plan);
    let patch = json!({
        "goals": ["Run a study circle on platform workers' rights"],
        "steps": [
            {"id": steps[1], "title": "Hold the first study circle", "due_on": (s.starts_on + TimeDelta::days(120)).to_string()},
            {"title": "Report to the executive board", "due_on": (s.starts_on + TimeDelta::days(150)).to_string()},
        ],
    });
    let res = app
        .authed(Method::PATCH, &location, &p0.token)
        .header("if-match", &tag)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let current = send(&app, Method::GET, &location, p0, None).await;
    let tag = etag(&current);
    for (who, status, code) in [
        (&s.leader, 403, "not_the_author"),
        (&s.other_leader, 404, "not_found"),
    ] {
        let res = send(&app, Method::PATCH, &location, who, Some(patch.clone())).await;
        assert_problem(res, status, code).await;
    }
    let res = app
        .authed(Method::PATCH, &location, &p0.token)
        .header("if-match", &tag)
        .json(&patch)
        .send()
        .await
        .unwrap();
    let changed = ok_json(res, 200).await;
    assert_eq!(changed["endorsed_by"], Value::Null);
    assert_eq!(changed["goals"].as_array().unwrap().len(), 1);
    let new_steps = steps_of(&changed);
    assert_eq!(new_steps[0], steps[1], "the kept step keeps its id");
    assert_eq!(
        changed["version"],
        endorsed["version"].as_i64().unwrap() + 1
    );
    // The same again (the new step now named by its id) changes nothing.
    let same = json!({"steps": changed["steps"].clone(), "goals": changed["goals"].clone()});
    let again = ok_json(
        send(&app, Method::PATCH, &location, p0, Some(same)).await,
        200,
    )
    .await;
    assert_eq!(again["version"], changed["version"]);
    // A step of another plan cannot be named.
    let foreign = json!({"steps": [{"id": steps[0] + 1000, "title": "X", "due_on": "2030-01-01"}]});
    let res = send(&app, Method::PATCH, &location, p0, Some(foreign)).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_a_step_of_plan");
}

#[tokio::test]
async fn followup_check_ins_per_round_with_leader_confirmation() {
    let app = spawn_app().await;
    let s = setup(&app, 2).await;
    let (p0, p1) = (&s.participants[0], &s.participants[1]);
    let plan = write_plan(&app, &s, p0).await;
    let other_plan = write_plan(&app, &s, p1).await;
    let steps = steps_of(&plan);
    let path = format!("/api/v1/action-plans/{}/check-ins", plan["id"]);

    // The schedule: the default rounds, for participants and facilitators.
    let sched_path = format!("/api/v1/cohorts/{}/follow-up-schedule", s.cohort);
    let sched = ok_json(send(&app, Method::GET, &sched_path, p0, None).await, 200).await;
    assert_eq!(sched["default"], true);
    let offsets: Vec<i64> = sched["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["offset_days"].as_i64().unwrap())
        .collect();
    assert_eq!(offsets, [30, 90, 180]);
    assert_problem(
        send(&app, Method::GET, &sched_path, &s.bystander, None).await,
        404,
        "not_found",
    )
    .await;

    // Round 2 is not due yet; a round the schedule does not have; bad rounds.
    let res = send(
        &app,
        Method::POST,
        &path,
        p0,
        Some(check_in_body(2, &steps)),
    )
    .await;
    assert_problem(res, 409, "round_not_due").await;
    let res = send(
        &app,
        Method::POST,
        &path,
        p0,
        Some(check_in_body(7, &steps)),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "round");
    let res = send(
        &app,
        Method::POST,
        &path,
        p0,
        Some(check_in_body(4, &steps)),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "no_such_round");

    // A step of another plan; a resource that does not exist or the caller may not read.
    let foreign = steps_of(&other_plan);
    let res = send(
        &app,
        Method::POST,
        &path,
        p0,
        Some(check_in_body(1, &[steps[0], foreign[0]])),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "reports[1].step_id");
    assert_eq!(problem["errors"][0]["code"], "not_a_step_of_plan");
    let pending = ok_json(
        crate::library::send(
            &app,
            Method::POST,
            "/api/v1/resources",
            Some(&s.bystander),
            Some(crate::library::resource_body("A member's pending toolkit")),
        )
        .await,
        201,
    )
    .await;
    let published = ok_json(
        crate::library::send(
            &app,
            Method::POST,
            "/api/v1/resources",
            Some(&s.facilitator),
            Some(crate::library::resource_body("Study circle guide")),
        )
        .await,
        201,
    )
    .await;
    let mut body = check_in_body(1, &steps);
    body["reports"][0]["resource_ids"] = json!([pending["id"], 99_999_999]);
    let res = send(&app, Method::POST, &path, p0, Some(body.clone())).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let codes: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("reports[0].resource_ids[0]", "unknown_resource"),
            ("reports[0].resource_ids[1]", "unknown_resource")
        ]
    );
    let mut bad = check_in_body(1, &steps);
    bad["reports"][0]["evidence_links"] =
        json!(["javascript:alert(1)", "https://example.org/a\u{0}b"]);
    let res = send(&app, Method::POST, &path, p0, Some(bad)).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "invalid_link");
    assert_eq!(
        problem["errors"][1]["field"],
        "reports[0].evidence_links[1]"
    );

    // Only the author checks in.
    for (who, status, code) in [(&s.leader, 403, "not_the_author"), (p1, 404, "not_found")] {
        let res = send(
            &app,
            Method::POST,
            &path,
            who,
            Some(check_in_body(1, &steps)),
        )
        .await;
        assert_problem(res, status, code).await;
    }

    body["reports"][0]["resource_ids"] = json!([published["id"]]);
    let res = send(&app, Method::POST, &path, p0, Some(body.clone())).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let c = ok_json(res, 201).await;
    assert_eq!(c["round"], 1);
    assert_eq!(
        c["reports"][1]["barriers"],
        json!(["time", "employer_resistance"])
    );
    assert_eq!(c["reports"][0]["resource_ids"], json!([published["id"]]));
    let res = send(&app, Method::POST, &path, p0, Some(body)).await;
    assert_problem(res, 409, "check_in_exists").await;

    // Readers of the plan read it; others do not.
    for who in [p0, &s.leader, &s.facilitator] {
        ok_json(send(&app, Method::GET, &location, who, None).await, 200).await;
    }
    for who in [p1, &s.other_leader] {
        assert_problem(
            send(&app, Method::GET, &location, who, None).await,
            404,
            "not_found",
        )
        .await;
    }
    let list = ok_json(send(&app, Method::GET, &path, &s.leader, None).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // The leader confirms one application and questions the other.
    let report = c["reports"][0]["id"].as_i64().unwrap();
    let confirm = format!("/api/v1/check-in-reports/{report}/confirmation");
    let verdict = json!({"state": "confirmed", "note": "I attended the first session."});
    for (who, status, code) in [
        (p0, 403, "not_the_union_leader"),
        (&s.facilitator, 403, "not_the_union_leader"),
        (&s.other_leader, 404, "not_found"),
        (p1, 404, "not_found"),
    ] {
        let res = send(&app, Method::PUT, &confirm, who, Some(verdict.clone())).await;
        assert_problem(res, status, code).await;
    }
    let r = ok_json(
        send(&app, Method::PUT, &confirm, &s.leader, Some(verdict)).await,
        200,
    )
    .await;
    assert_eq!(
        (&r["confirmation"], &r["confirmed_by"]),
        (&json!("confirmed"), &json!(s.leader.id))
    );
    let second = c["reports"][1]["id"].as_i64().unwrap();
    let r = ok_json(
        send(
            &app,
            Method::PUT,
            &format!("/api/v1/check-in-reports/{second}/confirmation"),
            &s.leader,
            Some(json!({"state": "questioned"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(r["confirmation"], "questioned");

    // The author edits with PATCH: the changed report loses its verdict, the other keeps it.
    let current = send(&app, Method::GET, &location, p0, None).await;
    let tag = etag(&current);
    let mut edit = check_in_body(1, &steps);
    edit.as_object_mut().unwrap().remove("round");
    edit["reports"][0]["resource_ids"] = json!([published["id"]]);
    edit["reports"][1]["status"] = json!("done");
    let res = app
        .authed(Method::PATCH, &location, &p0.token)
        .header("if-match", "\"stale\"")
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = app
        .authed(Method::PATCH, &location, &p0.token)
        .header("if-match", &tag)
        .json(&edit)
        .send()
        .await
        .unwrap();
    let edited = ok_json(res, 200).await;
    let by_step = |v: &Value, step: i64| {
        v["reports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["step_id"] == step)
            .unwrap()
            .clone()
    };
    assert_eq!(by_step(&edited, steps[0])["confirmation"], "confirmed");
    assert_eq!(by_step(&edited, steps[1])["confirmation"], Value::Null);
    assert_eq!(by_step(&edited, steps[1])["status"], "done");

    // Facilitators change the schedule; participants may not; rounds in use stay.
    let res = send(
        &app,
        Method::PUT,
        &sched_path,
        p0,
        Some(json!({"offsets_days": [20, 40]})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(
        &app,
        Method::PUT,
        &sched_path,
        &s.facilitator,
        Some(json!({"offsets_days": [90, 30]})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let sched = ok_json(
        send(
            &app,
            Method::PUT,
            &sched_path,
            &s.facilitator,
            Some(json!({"offsets_days": [20.0, 40]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (&sched["default"], sched["rounds"].as_array().unwrap().len()),
        (&json!(false), 2)
    );
    ok_json(
        send(
            &app,
            Method::POST,
            &path,
            p0,
            Some(check_in_body(2, &steps)),
        )
        .await,
        201,
    )
    .await;
    let res = send(
        &app,
        Method::PUT,
        &sched_path,
        &s.coordinator,
        Some(json!({"offsets_days": [20]})),
    )
    .await;
    assert_problem(res, 409, "rounds_in_use").await;

    // A reported step stays in the plan.
    let plan_path = format!("/api/v1/action-plans/{}", plan["id"]);
    let res = send(
        &app,
        Method::PATCH,
        &plan_path,
        p0,
        Some(json!({"steps": [{"id": steps[0], "title": "Book a room", "due_on": "2030-01-01"}]})),
    )
    .await;
    assert_problem(res, 409, "step_reported").await;
}

#[tokio::test]
async fn followup_guidance_reaches_the_facilitators_and_is_answered() {
    let app = spawn_app().await;
    let s = setup(&app, 2).await;
    let p0 = &s.participants[0];
    let plan = write_plan(&app, &s, p0).await;
    let steps = steps_of(&plan);
    let path = format!("/api/v1/action-plans/{}/guidance-requests", plan["id"]);

    let res = send(
        &app,
        Method::POST,
        &path,
        p0,
        Some(
            json!({"question": "How do I get the employer to release riders?", "step_id": 999_999}),
        ),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_a_step_of_plan");
    for (who, status, code) in [
        (&s.leader, 403, "not_the_author"),
        (&s.participants[1], 404, "not_found"),
    ] {
        let res = send(
            &app,
            Method::POST,
            &path,
            who,
            Some(json!({"question": "Q?"})),
        )
        .await;
        assert_problem(res, status, code).await;
    }

    let before = app.outbox().len();
    let res = send(
        &app,
        Method::POST,
        &path,
        p0,
        Some(json!({"question": "How do I get the employer to release riders?", "step_id": steps[1]})),
    )
    .await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let g = ok_json(res, 201).await;
    assert_eq!(g["state"], "open");
    let outbox = app.outbox();
    assert_eq!(outbox.len(), before + 1);
    assert_eq!(outbox[before].0, s.facilitator.email);
    assert!(
        outbox[before].2.contains("release riders"),
        "{:?}",
        outbox[before]
    );

    // The facilitators' list of open requests.
    let open_path = format!("/api/v1/cohorts/{}/guidance-requests?state=open", s.cohort);
    let open = ok_json(
        send(&app, Method::GET, &open_path, &s.facilitator, None).await,
        200,
    )
    .await;
    assert_eq!(open["items"].as_array().unwrap().len(), 1);
    for who in [p0, &s.leader] {
        assert_problem(
            send(&app, Method::GET, &open_path, who, None).await,
            404,
            "not_found",
        )
        .await;
    }
    for who in [&s.leader, &s.participants[1], &s.other_leader] {
        assert_problem(
            send(&app, Method::GET, &location, who, None).await,
            404,
            "not_found",
        )
        .await;
    }
    ok_json(send(&app, Method::GET, &location, p0, None).await, 200).await;

    // The author cannot answer; a facilitator does, once; the author is emailed.
    let answer = format!("{location}/answer");
    let body =
        json!({"answer": "Ask the shop steward to raise it at the labour-management council."});
    let res = send(&app, Method::POST, &answer, p0, Some(body.clone())).await;
    assert_problem(res, 403, "not_a_facilitator").await;
    let res = send(&app, Method::POST, &answer, &s.leader, Some(body.clone())).await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::POST,
        &answer,
        &s.facilitator,
        Some(json!({"answer": " "})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let before = app.outbox().len();
    let g = ok_json(
        send(
            &app,
            Method::POST,
            &answer,
            &s.facilitator,
            Some(body.clone()),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (&g["state"], &g["answered_by"]),
        (&json!("answered"), &json!(s.facilitator.id))
    );
    let outbox = app.outbox();
    assert_eq!(outbox.len(), before + 1);
    assert_eq!(outbox[before].0, p0.email);
    assert!(outbox[before].2.contains("labour-management council"));
    let res = send(&app, Method::POST, &answer, &s.coordinator, Some(body)).await;
    assert_problem(res, 409, "already_answered").await;
    let open = ok_json(
        send(&app, Method::GET, &open_path, &s.facilitator, None).await,
        200,
    )
    .await;
    assert_eq!(open["items"], json!([]));
    let mine = ok_json(send(&app, Method::GET, &path, p0, None).await, 200).await;
    assert_eq!(mine["items"][0]["state"], "answered");
}

#[tokio::test]
async fn followup_reminders_go_once_per_round_in_the_participants_language() {
    let app = spawn_app().await;
    let s = setup(&app, 3).await;
    let (p0, p1) = (&s.participants[0], &s.participants[1]);
    let plan = write_plan(&app, &s, p0).await;
    write_plan(&app, &s, p1).await;
    // p2 writes no plan: nothing to check in on, no reminder.
    ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/action-plans/{}/check-ins", plan["id"]),
            p0,
            Some(check_in_body(1, &steps_of(&plan))),
        )
        .await,
        201,
    )
    .await;
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(users::table.find(p1.id))
            .set(users::preferred_language.eq("fil"))
            .execute(&mut *conn)
            .unwrap();
    }
    let before = app.outbox().len();
    let now = bayanihan::db::now();
    let mut conn = app.db.conn().unwrap();
    // Before round 1's day: nothing.
    let early =
        bayanihan::followup::reminders::send_due(&mut conn, now - TimeDelta::days(11)).unwrap();
    assert_eq!(early, 0);
    let sent = bayanihan::followup::reminders::send_due(&mut conn, now).unwrap();
    assert_eq!(sent, 1, "only the plan without a round-1 check-in");
    let again = bayanihan::followup::reminders::send_due(&mut conn, now).unwrap();
    assert_eq!(again, 0, "claimed once");
    // Round 2's day (90 days after the end), for both plans.
    let later =
        bayanihan::followup::reminders::send_due(&mut conn, now + TimeDelta::days(50)).unwrap();
    assert_eq!(later, 2);
    drop(conn);
    let outbox = app.outbox();
    let new = &outbox[before..];
    assert_eq!(new[0].0, p1.email);
    assert!(
        new[0].1.contains("Oras na para mag-check-in"),
        "{:?}",
        new[0]
    );
    assert!(new[0].2.contains("/action-plans/"), "{:?}", new[0]);
    assert!(
        new.iter()
            .any(|(to, subject, _)| to == &p0.email && subject.starts_with("Time to check in"))
    );

    // `bayanihan reminders --now` queues the same, once, from another process.
    let url = app.db.url().to_env_value();
    let at = (Utc::now() + TimeDelta::days(51)).to_rfc3339();
    let cli = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_bayanihan"))
            .args(["reminders", "--now", &at])
            .env("DATABASE_URL", &url)
            .env("BAYANIHAN_DATA_DIR", app.data_dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(
        cli().contains("reminders: 0 emails queued"),
        "round 2 was reminded above"
    );
    {
        let mut conn = app.db.conn().unwrap();
        diesel::delete(bayanihan::db::schema::check_in_reminders::table)
            .execute(&mut *conn)
            .unwrap();
    }
    assert!(cli().contains("reminders: 2 emails queued"));
    assert!(cli().contains("reminders: 0 emails queued"));
}

#[tokio::test]
async fn followup_of_an_erased_member_stays_only_as_counts() {
    let app = spawn_app().await;
    let s = setup(&app, 2).await;
    let p0 = &s.participants[0];
    let plan = write_plan(&app, &s, p0).await;
    write_plan(&app, &s, &s.participants[1]).await;
    let id = plan["id"].as_i64().unwrap();
    let c = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/action-plans/{id}/check-ins"),
            p0,
            Some(check_in_body(1, &steps_of(&plan))),
        )
        .await,
        201,
    )
    .await;
    let report = c["reports"][0]["id"].as_i64().unwrap();
    ok_json(
        send(
            &app,
            Method::PUT,
            &format!("/api/v1/check-in-reports/{report}/confirmation"),
            &s.leader,
            Some(json!({"state": "confirmed"})),
        )
        .await,
        200,
    )
    .await;
    ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/action-plans/{id}/endorsement"),
            &s.leader,
            None,
        )
        .await,
        200,
    )
    .await;
    let g = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/action-plans/{id}/guidance-requests"),
            p0,
            Some(json!({"question": "Where do I find a venue?"})),
        )
        .await,
        201,
    )
    .await;
    ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/guidance-requests/{}/answer", g["id"]),
            &s.facilitator,
            Some(json!({"answer": "The parish hall."})),
        )
        .await,
        200,
    )
    .await;

    let res = app
        .authed(Method::DELETE, "/api/v1/me", &p0.token)
        .json(&json!({"password": p0.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);

    assert_problem(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/action-plans/{id}"),
            &s.leader,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let list = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/organisations/{}/action-plans", s.org),
            &s.leader,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "the other participant's"
    );
    // `?cohort_id=` is an id: 0 is out of its documented range (400), not an empty page.
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/organisations/{}/action-plans?cohort_id=0", s.org),
        &s.leader,
        None,
    )
    .await;
    let problem = assert_problem(res, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
    let mut conn = app.db.conn().unwrap();
    let left: i64 = action_plans::table
        .filter(action_plans::user_id.eq(p0.id))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(left, 0);
    let counts =
        bayanihan::followup::repo::erased_counts(&mut conn, bayanihan::types::CohortId(s.cohort))
            .unwrap()
            .unwrap();
    assert_eq!(
        (
            counts.plans,
            counts.endorsed_plans,
            counts.steps,
            counts.check_ins,
            counts.reports_done,
            counts.reports_in_progress,
            counts.reports_confirmed,
            counts.guidance_requests,
            counts.guidance_answered,
        ),
        (1, 1, 2, 1, 1, 1, 1, 1, 1)
    );
    let rows: i64 = followup_erased_counts::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn followup_demo_has_plans_and_check_ins_in_every_state() {
    use bayanihan::db::schema::{check_in_reports, guidance_requests};
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let mut conn = app.db.conn().unwrap();
    let plans: Vec<Option<i64>> = action_plans::table
        .select(action_plans::endorsed_by)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(plans.len(), 3, "seeded once");
    assert!(plans.iter().any(Option::is_some) && plans.iter().any(Option::is_none));
    let reports: Vec<(String, Option<String>)> = check_in_reports::table
        .select((check_in_reports::status, check_in_reports::confirmation))
        .load(&mut *conn)
        .unwrap();
    for status in ["done", "in_progress", "dropped"] {
        assert!(reports.iter().any(|(s, _)| s == status), "{status}");
    }
    for verdict in [Some("confirmed"), Some("questioned"), None] {
        assert!(
            reports.iter().any(|(_, c)| c.as_deref() == verdict),
            "{verdict:?}"
        );
    }
    let states: Vec<String> = guidance_requests::table
        .select(guidance_requests::state)
        .load(&mut *conn)
        .unwrap();
    assert!(states.contains(&"open".to_owned()) && states.contains(&"answered".to_owned()));
    drop(conn);
    // A leader of the endorsed graduate's union reads the union's plans through the API.
    let (leader_id, org): (i64, i64) = {
        let mut conn = app.db.conn().unwrap();
        action_plans::table
            .filter(action_plans::endorsed_by.is_not_null())
            .select((
                action_plans::endorsed_by.assume_not_null(),
                action_plans::organisation_id.assume_not_null(),
            ))
            .first(&mut *conn)
            .unwrap()
    };
    let email: String = {
        let mut conn = app.db.conn().unwrap();
        users::table
            .find(leader_id)
            .select(users::email.assume_not_null())
            .first(&mut *conn)
            .unwrap()
    };
    let (token, _) = app.login(&email, bayanihan::seed::DEMO_PASSWORD).await;
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/organisations/{org}/action-plans"),
            &token,
        )
        .send()
        .await
        .unwrap();
    let page = ok_json(res, 200).await;
    assert!(!page["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn followup_scale_seed_gives_participants_plans_and_check_ins_once() {
    use bayanihan::db::schema::{check_ins, cohort_translations};
    let app = spawn_app().await;
    bayanihan::seed::scale(&app.db, 250).unwrap();
    // At this size no scale cohort is completed yet: complete the last one, as the larger
    // runs have some.
    let cohort: i64 = {
        let mut conn = app.db.conn().unwrap();
        let id: i64 = cohort_translations::table
            .filter(cohort_translations::title.like("Scale cohort %"))
            .select(cohort_translations::cohort_id)
            .order(cohort_translations::cohort_id.desc())
            .first(&mut *conn)
            .unwrap();
        let today = Utc::now().date_naive();
        diesel::update(cohorts::table.find(id))
            .set((
                cohorts::status.eq("completed"),
                cohorts::starts_on.eq(today - TimeDelta::days(150)),
                cohorts::ends_on.eq(today - TimeDelta::days(100)),
            ))
            .execute(&mut *conn)
            .unwrap();
        id
    };
    bayanihan::seed::scale(&app.db, 250).unwrap();
    bayanihan::seed::scale(&app.db, 250).unwrap();
    let mut conn = app.db.conn().unwrap();
    let plans: i64 = action_plans::table
        .filter(action_plans::cohort_id.eq(cohort))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert!(plans >= 240, "{plans}");
    let checked: i64 = check_ins::table.count().get_result(&mut *conn).unwrap();
    assert!(
        checked > plans / 2 && checked < plans,
        "{checked} of {plans}"
    );
    // A synthetic participant without a round-1 check-in checks in through the API.
    let (plan, user): (i64, i64) = action_plans::table
        .filter(action_plans::cohort_id.eq(cohort))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            check_ins::table.filter(check_ins::plan_id.eq(action_plans::id)),
        )))
        .select((action_plans::id, action_plans::user_id))
        .first(&mut *conn)
        .unwrap();
    let email: String = users::table
        .find(user)
        .select(users::email.assume_not_null())
        .first(&mut *conn)
        .unwrap();
    drop(conn);
    let (token, _) = app.login(&email, bayanihan::seed::DEMO_PASSWORD).await;
    let plan_json = ok_json(
        app.authed(Method::GET, &format!("/api/v1/action-plans/{plan}"), &token)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/action-plans/{plan}/check-ins"),
            &token,
        )
        .json(&check_in_body(1, &steps_of(&plan_json)))
        .send()
        .await
        .unwrap();
    ok_json(res, 201).await;
}
