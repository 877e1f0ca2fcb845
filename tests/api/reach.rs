//! Lineage and reach through HTTP: a ToT certifies e-trainers, one of them runs a ToT of
//! their own whose graduate runs a training, another runs a small training; the first
//! ToT's reach shows the three levels, with small cells withheld for all but admins.

use reqwest::Method;
use serde_json::{Value, json};

use crate::assignments::{Running, running_cohort};
use crate::cohorts::{ok_json, send};
use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

async fn reach(app: &TestApp, by: &TestUser, cohort: i64) -> reqwest::Response {
    send(
        app,
        Method::GET,
        &format!("/api/v1/cohorts/{cohort}/reach"),
        &by.token,
        None,
    )
    .await
}

/// Certifies every participant of `c` (rules that ask nothing).
async fn certify_all(app: &TestApp, c: &Running) {
    let lax = json!({"min_attendance_percent": 0, "all_assignments_passed": false, "all_courses_completed": false});
    let path = format!("/api/v1/cohorts/{}/completion-rules", c.id);
    ok_json(
        send(app, Method::PUT, &path, &c.coordinator.token, Some(lax)).await,
        201,
    )
    .await;
    let path = format!("/api/v1/cohorts/{}/certificates", c.id);
    let done = ok_json(
        send(app, Method::POST, &path, &c.coordinator.token, None).await,
        200,
    )
    .await;
    assert_eq!(
        done["issued"].as_array().unwrap().len(),
        c.participants.len()
    );
}

/// A running cohort of `n` participants, facilitated by `trainer`.
async fn run_by(app: &TestApp, kind: &str, trainer: &TestUser, n: usize) -> Running {
    let c = running_cohort(app, kind, &[], n).await;
    let path = format!("/api/v1/cohorts/{}", c.id);
    ok_json(
        send(
            app,
            Method::PATCH,
            &path,
            &c.coordinator.token,
            Some(json!({"facilitator_ids": [trainer.id]})),
        )
        .await,
        200,
    )
    .await;
    c
}

fn node(body: &Value, cohort: i64) -> Value {
    body["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["cohort_id"] == cohort)
        .unwrap_or_else(|| panic!("no node {cohort}: {body}"))
        .clone()
}

#[tokio::test]
async fn a_tots_reach_follows_its_graduates_for_three_levels_and_withholds_small_cells() {
    let app = spawn_app().await;
    let tot = running_cohort(&app, "tot", &[], 6).await;
    certify_all(&app, &tot).await;
    let (first, second) = (&tot.participants[0], &tot.participants[1]);

    // The first graduate runs a ToT of seven, whose own graduate runs a training of five;
    // the second graduate runs a training of two.
    let tot2 = run_by(&app, "tot", first, 7).await;
    certify_all(&app, &tot2).await;
    let training = run_by(&app, "training", &tot2.participants[0], 5).await;
    let small = run_by(&app, "training", second, 2).await;

    let body = ok_json(reach(&app, &tot.coordinator, tot.id).await, 200).await;
    assert_eq!(body["suppressed_below"], 5);
    assert_eq!(body["certified_by"], json!([]));
    assert_eq!(body["nodes"].as_array().unwrap().len(), 4, "{body}");
    let root = node(&body, tot.id);
    assert_eq!(root["level"], 0);
    assert_eq!(root["parent_cohort_id"], Value::Null);
    assert_eq!(root["graduates"], 6);
    assert_eq!(root["reached"]["trainees"], 6);
    let n2 = node(&body, tot2.id);
    assert_eq!(
        (n2["level"].clone(), n2["parent_cohort_id"].clone()),
        (json!(1), json!(tot.id))
    );
    assert_eq!(n2["graduates"], 7);
    let n3 = node(&body, training.id);
    assert_eq!(
        (n3["level"].clone(), n3["parent_cohort_id"].clone()),
        (json!(2), json!(tot2.id))
    );
    assert_eq!(n3["reached"]["trainees"], 5);
    // Two trainees: withheld, and every cell of their breakdowns with them.
    let n4 = node(&body, small.id);
    assert_eq!(n4["level"], 1);
    assert_eq!(n4["reached"]["trainees"], Value::Null, "{n4}");
    for breakdown in ["gender", "age_band", "country"] {
        for cell in n4["reached"][breakdown].as_array().unwrap() {
            assert_eq!(cell["count"], Value::Null, "{n4}");
        }
    }
    // Levels count each person once; the reach below the root is everyone of levels 1-2.
    let levels = body["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 3);
    assert_eq!(levels[1]["cohorts"], 2);
    assert_eq!(levels[1]["reached"]["trainees"], 9);
    assert_eq!(levels[2]["reached"]["trainees"], 5);
    assert_eq!(body["reached_below"]["trainees"], 14);
    let genders = body["reached_below"]["gender"].as_array().unwrap();
    assert!(
        genders
            .iter()
            .any(|g| g["value"] == "not_stated" && g["count"] == 14),
        "{body}"
    );

    // Admins see every figure.
    let admin = app.user("admin").await;
    let all = ok_json(reach(&app, &admin, tot.id).await, 200).await;
    assert_eq!(all["suppressed_below"], 1);
    assert_eq!(node(&all, small.id)["reached"]["trainees"], 2);

    // Each cohort knows the ToT that certified its facilitators.
    let lower = ok_json(reach(&app, &tot.coordinator, training.id).await, 200).await;
    assert_eq!(lower["certified_by"], json!([tot2.id]));
    assert_eq!(lower["nodes"].as_array().unwrap().len(), 1);

    // The root's facilitator reads it; a graduate facilitating another cohort, a member and
    // a stranger do not; an unknown cohort is 404.
    ok_json(reach(&app, &tot.facilitator, tot.id).await, 200).await;
    assert_problem(reach(&app, first, tot.id).await, 403, "forbidden").await;
    ok_json(reach(&app, first, tot2.id).await, 200).await;
    assert_problem(
        reach(&app, &tot.participants[5], tot.id).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(reach(&app, &admin, 999_999).await, 404, "not_found").await;
    let res = app.get(&format!("/api/v1/cohorts/{}/reach", tot.id)).await;
    assert_eq!(res.status().as_u16(), 401);
}

/// The reach's counts are kept between reads, but never past a change they depend on: a
/// trainee's new gender and a new participant show at the next read.
#[tokio::test]
async fn the_reach_follows_changes_to_its_trainees_and_participants() {
    let app = spawn_app().await;
    let tot = running_cohort(&app, "tot", &[], 2).await;
    certify_all(&app, &tot).await;
    let training = run_by(&app, "training", &tot.participants[0], 6).await;
    let admin = app.user("admin").await;
    let genders = |body: &Value| -> Vec<(String, i64)> {
        node(body, training.id)["reached"]["gender"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["value"].as_str().unwrap().to_owned(),
                    c["count"].as_i64().unwrap(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    };
    let before = ok_json(reach(&app, &admin, tot.id).await, 200).await;
    assert_eq!(genders(&before), [("not_stated".to_owned(), 6)], "{before}");
    let again = ok_json(reach(&app, &admin, tot.id).await, 200).await;
    assert_eq!(again, before);

    // A trainee states her gender: her cohort, her level and the reach below all show it.
    let trainee = &training.participants[0];
    ok_json(
        send(
            &app,
            Method::PATCH,
            "/api/v1/me",
            &trainee.token,
            Some(json!({"gender": "female"})),
        )
        .await,
        200,
    )
    .await;
    let after = ok_json(reach(&app, &admin, tot.id).await, 200).await;
    assert_eq!(
        genders(&after),
        [("female".to_owned(), 1), ("not_stated".to_owned(), 5)],
        "{after}"
    );
    assert!(
        after["reached_below"]["gender"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["value"] == "female" && g["count"] == 1),
        "{after}"
    );

    // Another cohort of a graduate joins the tree with its participants.
    let more = run_by(&app, "training", &tot.participants[1], 5).await;
    let grown = ok_json(reach(&app, &admin, tot.id).await, 200).await;
    assert_eq!(node(&grown, more.id)["reached"]["trainees"], 5, "{grown}");
    assert_eq!(grown["reached_below"]["trainees"], 11, "{grown}");
}
