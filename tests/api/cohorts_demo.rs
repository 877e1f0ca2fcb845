//! The demo cohorts (`seed --demo`): a completed Training-of-Trainers whose graduates run
//! the next cohorts, and an open call with a nomination in every state, all made through
//! the services.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

async fn get_as(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.authed(Method::GET, path, token).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_demo_has_a_tot_its_graduates_cohorts_and_a_call_with_every_nomination_state() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let (coordinator, _) = app
        .login(
            "coordinator@demo.bayanihan.org",
            bayanihan::seed::DEMO_PASSWORD,
        )
        .await;
    let cohorts = get_as(&app, &coordinator, "/api/v1/cohorts?limit=100").await;
    let items = cohorts["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "seeded once: {cohorts}");
    let find = |title: &str| {
        items
            .iter()
            .find(|c| c["title"].as_str().unwrap_or_default().contains(title))
            .unwrap_or_else(|| panic!("no cohort {title}"))
    };
    let tot = find("Training of Trainers");
    assert_eq!(tot["kind"], "tot");
    assert_eq!(tot["status"], "completed");
    assert!(
        tot["ends_on"].as_str().unwrap() < "2026-12-01",
        "it ran in the past: {tot}"
    );

    // The ToT's accepted participants are the facilitators of the three cohorts they run.
    let tot_nominations = get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{}/nominations?limit=100", tot["id"]),
    )
    .await;
    let graduates: BTreeSet<i64> = tot_nominations["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["status"] == "accepted")
        .map(|n| n["nominee"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(graduates.len(), 3);
    let mut countries = BTreeSet::new();
    for c in items.iter().filter(|c| c["kind"] == "training") {
        let facilitators: Vec<i64> = c["facilitator_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_i64().unwrap())
            .collect();
        if c["status"] != "nominations_open" {
            assert!(
                facilitators.iter().all(|f| graduates.contains(f)),
                "run by graduates: {c}"
            );
            countries.insert(c["time_zone"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        countries,
        BTreeSet::from([
            "Asia/Jakarta".into(),
            "Asia/Manila".into(),
            "Pacific/Fiji".into()
        ])
    );

    // The open call, with a nomination in every state, and its selection view.
    let open = find("Organising platform workers");
    assert_eq!(open["status"], "nominations_open");
    let call = get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{}/call", open["id"]),
    )
    .await;
    assert_eq!(call["published"], true, "{call}");
    let nominations = get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{}/nominations?limit=100", open["id"]),
    )
    .await;
    let states: BTreeSet<&str> = nominations["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        BTreeSet::from([
            "accepted",
            "awaiting_leader",
            "awaiting_nominee",
            "declined",
            "not_endorsed",
            "rejected",
            "submitted",
            "waitlisted",
            "withdrawn",
        ])
    );
    get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{}/selection", open["id"]),
    )
    .await;

    // A nominee still to answer can, as the API lets them.
    let (rider, _) = app
        .login("rider-1@demo.bayanihan.org", bayanihan::seed::DEMO_PASSWORD)
        .await;
    let waiting = nominations["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["status"] == "awaiting_nominee")
        .unwrap();
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/nominations/{}/transitions", waiting["id"]),
            &rider,
        )
        .json(&serde_json::json!({"status": "submitted"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
}

/// The demo ToT at work: two sessions with attendance (one taken by check-in, one imported
/// from a meeting tool's export), an assignment handed in and passed with feedback, and its
/// three participants certified as e-trainers (a badge each) when it completed; a briefing
/// for the union leaders of the open call.
#[tokio::test]
async fn the_demo_tot_ran_sessions_and_certified_its_graduates() {
    let app = spawn_app().await;
    app.seed_demo();
    let (coordinator, _) = app
        .login(
            "coordinator@demo.bayanihan.org",
            bayanihan::seed::DEMO_PASSWORD,
        )
        .await;
    let cohorts = get_as(&app, &coordinator, "/api/v1/cohorts?limit=100").await;
    let items = cohorts["items"].as_array().unwrap();
    let find = |title: &str| {
        items
            .iter()
            .find(|c| c["title"].as_str().unwrap_or_default().contains(title))
            .unwrap_or_else(|| panic!("no cohort {title}"))
    };
    let tot_id = find("Training of Trainers")["id"].as_i64().unwrap();
    let sessions = get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{tot_id}/sessions?limit=100"),
    )
    .await;
    let sessions = sessions["items"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let mut sources = BTreeSet::new();
    for s in &sessions {
        assert!(s["starts_at"].as_str().unwrap() < "2026-09-26", "{s}");
        let attendance = get_as(
            &app,
            &coordinator,
            &format!("/api/v1/sessions/{}/attendance?limit=100", s["id"]),
        )
        .await;
        let items = attendance["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{attendance}");
        sources.extend(
            items
                .iter()
                .map(|a| a["source"].as_str().unwrap().to_owned()),
        );
    }
    assert!(
        sources.contains("check_in") && sources.contains("import"),
        "{sources:?}"
    );
    let assignments = get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{tot_id}/assignments?limit=100"),
    )
    .await;
    let assignment = &assignments["items"][0];
    assert!(
        assignment["due_at"].as_str().unwrap() < "2026-09-26",
        "{assignment}"
    );
    let submissions = get_as(
        &app,
        &coordinator,
        &format!(
            "/api/v1/assignments/{}/submissions?limit=100",
            assignment["id"]
        ),
    )
    .await;
    let submissions = submissions["items"].as_array().unwrap();
    assert_eq!(submissions.len(), 3, "{submissions:?}");
    assert!(
        submissions
            .iter()
            .all(|s| s["status"] == "passed" && s["late"] == false && s["feedback"].is_string()),
        "{submissions:?}"
    );

    let completion = get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{tot_id}/completion?limit=100"),
    )
    .await;
    let people = completion["items"].as_array().unwrap();
    assert_eq!(people.len(), 3, "{completion}");
    for p in people {
        assert_eq!(p["complete"], true, "{p}");
        assert_eq!(p["certified_trainer"], true, "{p}");
        let code = p["certificate_code"].as_str().unwrap();
        let badge = app.get(&format!("/api/v1/certificates/{code}/badge")).await;
        assert_eq!(badge.status().as_u16(), 200, "badge of {code}");
    }
    let reach = get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{tot_id}/reach"),
    )
    .await;
    let below = reach["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == 1)
        .count();
    assert_eq!(below, 4, "the graduates run four cohorts: {reach}");

    let open = find("Organising platform workers");
    let (leader, _) = app
        .login("leader@demo.bayanihan.org", bayanihan::seed::DEMO_PASSWORD)
        .await;
    let briefings = get_as(
        &app,
        &leader,
        &format!("/api/v1/cohorts/{}/sessions?audience=leaders", open["id"]),
    )
    .await;
    let briefing = &briefings["items"][0];
    assert_eq!(briefing["audience"], "leaders", "{briefings}");
    assert!(
        briefing["starts_at"].as_str().unwrap() > "2026-12-01",
        "{briefing}"
    );
}

/// `seed --scale N`: cohorts and nominations in proportion, through the services, once.
/// At 250: two cohorts; the first one's open call holds 25 nominations (leaders nominating
/// their unions' members), the second five.
#[tokio::test]
async fn the_scale_seed_makes_cohorts_and_a_large_call_once() {
    let app = spawn_app().await;
    bayanihan::seed::scale(&app.db, 250).unwrap();
    bayanihan::seed::scale(&app.db, 250).unwrap();
    let (coordinator, _) = app
        .login(
            "coordinator@demo.bayanihan.org",
            bayanihan::seed::DEMO_PASSWORD,
        )
        .await;
    let cohorts = get_as(&app, &coordinator, "/api/v1/cohorts?limit=100").await;
    let scale: Vec<&Value> = cohorts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["title"].as_str().unwrap().starts_with("Scale cohort"))
        .collect();
    assert_eq!(scale.len(), 2, "seeded once: {cohorts}");
    let first = scale
        .iter()
        .find(|c| c["title"] == "Scale cohort 0001")
        .unwrap();
    assert_eq!(first["status"], "nominations_open");
    let id = first["id"].as_i64().unwrap();

    let nominations = get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{id}/nominations?limit=100"),
    )
    .await;
    let states: Vec<&str> = nominations["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["status"].as_str().unwrap())
        .collect();
    assert_eq!(states.len(), 25, "{nominations}");
    let count = |s: &str| states.iter().filter(|x| **x == s).count();
    assert_eq!(count("awaiting_nominee"), 2);
    assert_eq!(count("declined"), 2);
    assert_eq!(count("accepted"), 4);
    assert_eq!(count("waitlisted"), 2);
    assert_eq!(count("rejected"), 1);
    assert_eq!(count("withdrawn"), 1);
    assert_eq!(count("submitted"), 13);

    // The selection view counts them, with genders and ages as the synthetic members
    // stated them (or not).
    let selection = get_as(
        &app,
        &coordinator,
        &format!("/api/v1/cohorts/{id}/selection"),
    )
    .await;
    assert_eq!(selection["submitted"]["total"], 20, "{selection}");
    assert_eq!(selection["accepted"]["total"], 4, "{selection}");
    let genders: BTreeSet<&str> = selection["submitted"]["gender"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["count"].as_i64().unwrap() > 0)
        .map(|g| g["value"].as_str().unwrap())
        .collect();
    assert!(genders.len() >= 2, "{selection}");

    // The lineage: a ToT whose graduates ran ToTs and trainings, whose graduates ran
    // trainings; at 250 it reaches the 250 members and the 10 level-1 e-trainers, in 15
    // cohorts, and every cohort has six weekly sessions with attendance of those held.
    let (admin, _) = app
        .login("admin@demo.bayanihan.org", bayanihan::seed::DEMO_PASSWORD)
        .await;
    let all = get_as(&app, &admin, "/api/v1/cohorts?limit=100").await;
    let lineage: Vec<&Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["title"].as_str().unwrap().starts_with("Scale lineage"))
        .collect();
    assert_eq!(lineage.len(), 15, "seeded once");
    let root = lineage
        .iter()
        .find(|c| c["title"] == "Scale lineage ToT")
        .unwrap();
    assert_eq!(root["status"], "completed");
    let reach = get_as(
        &app,
        &admin,
        &format!("/api/v1/cohorts/{}/reach", root["id"]),
    )
    .await;
    assert_eq!(reach["nodes"].as_array().unwrap().len(), 15, "{reach}");
    let levels: Vec<(i64, i64)> = reach["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["level"].as_i64().unwrap(), l["cohorts"].as_i64().unwrap()))
        .collect();
    assert_eq!(levels, [(0, 1), (1, 4), (2, 10)], "{reach}");
    assert_eq!(reach["reached_below"]["trainees"], 260, "{reach}");
    assert_eq!(reach["nodes"][0]["graduates"], 2, "{reach}");

    let training = lineage
        .iter()
        .find(|c| c["title"] == "Scale lineage training 0003")
        .unwrap();
    let sessions = get_as(
        &app,
        &admin,
        &format!("/api/v1/cohorts/{}/sessions?limit=100", training["id"]),
    )
    .await;
    let sessions = sessions["items"].as_array().unwrap();
    assert_eq!(sessions.len(), 6);
    let attendance = get_as(
        &app,
        &admin,
        &format!(
            "/api/v1/sessions/{}/attendance?limit=100",
            sessions[0]["id"]
        ),
    )
    .await;
    let n = attendance["items"].as_array().unwrap().len();
    assert!(
        (15..=22).contains(&n),
        "most of the 22 trainees attend: {attendance}"
    );
}
