//! Shared steps for the language-access tests: a course translated into Filipino,
//! translators, the state of a text in the translations list.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, call};
use crate::nominations::join;

/// A published English course with one module and one lesson, all translated into Filipino
/// by its owner: (course, module, lesson).
pub(crate) struct Course {
    pub id: i64,
    pub module: i64,
    pub lesson: i64,
}

pub(crate) async fn course_in_fil(
    app: &TestApp,
    owner: &TestUser,
    coordinator: &TestUser,
    slug: &str,
    with_fil: bool,
) -> Course {
    let course = call(
        app,
        Method::POST,
        "/api/v1/courses",
        owner,
        Some(json!({
            "slug": slug,
            "default_language": "en",
            "title": "Organising platform workers",
            "summary": "Know your rights on the app",
            "description": "## Why\nBecause.",
            "topics": ["platform-workers"],
            "level": "introductory",
            "format": "self_paced",
            "visibility": "public"
        })),
        201,
    )
    .await;
    let id = course["id"].as_i64().unwrap();
    let module = call(
        app,
        Method::POST,
        &format!("/api/v1/courses/{id}/modules"),
        owner,
        Some(json!({"title": "Bargaining"})),
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let lesson = call(
        app,
        Method::POST,
        &format!("/api/v1/modules/{module}/lessons"),
        owner,
        Some(json!({"kind": "text", "title": "What a union does",
            "content": "Your union negotiates a Collective Bargaining Agreement."})),
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    if with_fil {
        for (path, body) in [
            (
                format!("/api/v1/courses/{id}/translations/fil"),
                json!({"title": "Pag-oorganisa ng mga platform worker", "summary": "Alamin ang iyong mga karapatan"}),
            ),
            (
                format!("/api/v1/modules/{module}/translations/fil"),
                json!({"title": "Sama-samang pakikipagtawaran"}),
            ),
            (
                format!("/api/v1/lessons/{lesson}/translations/fil"),
                json!({"title": "Ano ang ginagawa ng unyon", "content": "Nakikipagtawaran ang unyon mo."}),
            ),
        ] {
            call(app, Method::PUT, &path, owner, Some(body), 201).await;
        }
    }
    call(
        app,
        Method::POST,
        &format!("/api/v1/courses/{id}/publish"),
        coordinator,
        None,
        200,
    )
    .await;
    Course { id, module, lesson }
}

/// A member of a union that `coordinator` approved, made a translator into `language`.
pub(crate) async fn translator(
    app: &TestApp,
    coordinator: &TestUser,
    org: i64,
    language: &str,
) -> TestUser {
    let t = app.user("member").await;
    join(app, coordinator, org, &t, false, "educator").await;
    let body = call(
        app,
        Method::PUT,
        &format!("/api/v1/translators/{}/languages/{language}", t.id),
        coordinator,
        None,
        201,
    )
    .await;
    assert!(
        body["languages"]
            .as_array()
            .unwrap()
            .contains(&json!(language))
    );
    t
}

/// The state of a text in a language in `GET /api/v1/courses/{id}/translations`.
pub(crate) fn state_of(list: &Value, kind: &str, id: i64, language: &str) -> String {
    let text = list["texts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == kind && t["id"] == id)
        .expect("the text is listed");
    text["translations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["language"] == language)
        .expect("the language is listed")["state"]
        .as_str()
        .unwrap()
        .to_owned()
}
