//! Programmes through HTTP: create, read, change with `If-Match`, validation, members,
//! and who may do what.

use reqwest::Method;
use serde_json::{Value, json};

use crate::dashboards::{Fixture, fixture};
use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};

pub(crate) async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    by: &TestUser,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.authed(method, path, &by.token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.expect("request is sent")
}

pub(crate) async fn ok(res: reqwest::Response, status: u16) -> Value {
    let url = res.url().clone();
    let got = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "status of {url}: {body}");
    body
}

fn programme_body() -> Value {
    json!({
        "name": "Asia-Pacific union education 2026-2028",
        "description": "Three years of training of trainers.",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "targets": {"participants": 10, "women_percent": 50, "under_35_percent": 70,
                    "countries": 2, "completion_percent": 60},
    })
}

#[tokio::test]
async fn coordinators_create_and_change_programmes_leaders_read_them_members_do_not() {
    let app = spawn_app().await;
    let f: Fixture = fixture(&app).await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/programmes",
        &f.coordinator,
        Some(programme_body()),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let tag = etag(&res);
    let body: Value = res.json().await.unwrap();
    let id = body["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/programmes/{id}"));
    assert_eq!(body["targets"]["women_percent"], 50);
    assert_eq!(body["cohort_ids"], json!([]));

    // Members: a cohort and a course, idempotent; unknown ones are 404.
    let path = format!("/api/v1/programmes/{id}/cohorts/{}", f.cohort);
    let with = ok(
        send(&app, Method::PUT, &path, &f.coordinator, None).await,
        200,
    )
    .await;
    assert_eq!(with["cohort_ids"], json!([f.cohort]));
    ok(
        send(&app, Method::PUT, &path, &f.coordinator, None).await,
        200,
    )
    .await;
    let path = format!("/api/v1/programmes/{id}/courses/{}", f.course);
    ok(
        send(&app, Method::PUT, &path, &f.coordinator, None).await,
        200,
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::PUT,
            &format!("/api/v1/programmes/{id}/cohorts/999999"),
            &f.coordinator,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let listed = ok(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/programmes/{id}/cohorts"),
            &f.leader,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(listed["ids"], json!([f.cohort]));
    let listed = ok(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/programmes/{id}/courses"),
            &f.coordinator,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(listed["ids"], json!([f.course]));

    // The members moved the version: the first tag is stale.
    let res = app
        .authed(Method::PATCH, &location, &f.coordinator.token)
        .header("If-Match", &tag)
        .json(&json!({"name": "Renamed"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = send(&app, Method::GET, &location, &f.leader, None).await;
    let fresh = etag(&res);
    let res = app
        .authed(Method::PATCH, &location, &f.coordinator.token)
        .header("If-Match", &fresh)
        .json(&json!({"name": "Renamed", "targets": {"participants": 20}}))
        .send()
        .await
        .unwrap();
    let changed = ok(res, 200).await;
    assert_eq!(changed["name"], "Renamed");
    assert_eq!(changed["targets"]["participants"], 20);
    assert_eq!(changed["targets"]["women_percent"], Value::Null);

    // Removing.
    let path = format!("/api/v1/programmes/{id}/courses/{}", f.course);
    let without = ok(
        send(&app, Method::DELETE, &path, &f.coordinator, None).await,
        200,
    )
    .await;
    assert_eq!(without["course_ids"], json!([]));

    // Who: leaders read, members get 404 and an empty list, nobody but staff writes.
    let list = ok(
        send(&app, Method::GET, "/api/v1/programmes", &f.leader, None).await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let list = ok(
        send(&app, Method::GET, "/api/v1/programmes", &f.member, None).await,
        200,
    )
    .await;
    assert_eq!(list["items"], json!([]));
    assert_problem(
        send(&app, Method::GET, &location, &f.member, None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &f.leader,
            Some(programme_body()),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::PATCH,
            &location,
            &f.leader,
            Some(json!({"name": "x"})),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::GET,
            "/api/v1/programmes/999999",
            &f.coordinator,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn bad_programmes_are_422_with_every_field_named() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    // Targets are an object, not a list of its fields (serde would read one).
    for targets in [json!([null, null]), json!([1, 2, 3, 4, 5])] {
        let body = json!({"name": "P", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
                          "targets": targets});
        let res = send(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &coordinator,
            Some(body),
        )
        .await;
        assert_problem(res, 400, "invalid_body").await;
    }
    let body = json!({
        "name": "",
        "starts_on": "2027-01-01",
        "ends_on": "2026-01-01",
        "targets": {"participants": 0, "women_percent": 101, "countries": 300},
    });
    let problem = assert_problem(
        send(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &coordinator,
            Some(body),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in [
        "name",
        "ends_on",
        "targets.participants",
        "targets.women_percent",
        "targets.countries",
    ] {
        assert!(fields.contains(&field), "{field} in {problem}");
    }
    // A change that would put the end before the start.
    let created = ok(
        send(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &coordinator,
            Some(programme_body()),
        )
        .await,
        201,
    )
    .await;
    let path = format!("/api/v1/programmes/{}", created["id"]);
    assert_problem(
        send(
            &app,
            Method::PATCH,
            &path,
            &coordinator,
            Some(json!({"ends_on": "2025-01-01"})),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    // Unknown fields and null for a required field are refused.
    assert_problem(
        send(
            &app,
            Method::PATCH,
            &path,
            &coordinator,
            Some(json!({"nmae": "x"})),
        )
        .await,
        400,
        "unknown_field",
    )
    .await;
}
