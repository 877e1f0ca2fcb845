//! The course catalogue, authoring, languages and lesson access through HTTP.

use bayanihan::db::write_transaction;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

fn course_body(slug: &str, title: &str) -> Value {
    json!({
        "slug": slug,
        "default_language": "en",
        "title": title,
        "summary": "Know your rights on the app",
        "description": "## Why\nBecause.",
        "topics": ["platform-workers", "youth"],
        "level": "introductory",
        "format": "self_paced",
        "estimated_hours": 6.0,
        "licence": "CC-BY-4.0",
        "capacity": 50.0
    })
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.authed(method, path, token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

async fn ok_json(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let text = res.text().await.unwrap();
    assert_eq!(code, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Creates a course as `user`; its body.
async fn create(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let res = send(
        app,
        Method::POST,
        "/api/v1/courses",
        &user.token,
        Some(body),
    )
    .await;
    ok_json(res, 201).await
}

async fn publish(app: &TestApp, coordinator: &TestUser, id: i64) {
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/courses/{id}/publish"),
        &coordinator.token,
        None,
    )
    .await;
    ok_json(res, 200).await;
}

async fn add_module(app: &TestApp, user: &TestUser, course: i64, title: &str) -> i64 {
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/courses/{course}/modules"),
        &user.token,
        Some(json!({"title": title})),
    )
    .await;
    ok_json(res, 201).await["id"].as_i64().unwrap()
}

async fn add_lesson(app: &TestApp, user: &TestUser, module: i64, body: Value) -> Value {
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/modules/{module}/lessons"),
        &user.token,
        Some(body),
    )
    .await;
    ok_json(res, 201).await
}

fn header(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// A `GET` of `path` as `user` with `If-None-Match: tag`.
async fn get_unless(app: &TestApp, user: &TestUser, path: &str, tag: &str) -> reqwest::Response {
    app.authed(Method::GET, path, &user.token)
        .header("if-none-match", tag)
        .send()
        .await
        .unwrap()
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn trainers_author_their_own_courses_and_coordinators_publish() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let other = app.user("trainer").await;
    let member = app.user("member").await;
    let coordinator = app.user("coordinator").await;

    // Anonymous and members cannot create.
    let res = app
        .post_json("/api/v1/courses", &course_body("a", "A"))
        .await;
    assert_problem(res, 401, "login_required").await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses",
        &member.token,
        Some(course_body("a", "A")),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;

    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses",
        &trainer.token,
        Some(course_body("platform-rights", "Platform workers' rights")),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let location = header(&res, "location").unwrap();
    assert!(header(&res, "etag").is_some());
    let course: Value = res.json().await.unwrap();
    let id = course["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/courses/{id}"));
    assert_eq!(course["status"], "draft");
    assert_eq!(course["owners"], json!([trainer.id]));
    assert_eq!(course["capacity"], 50);
    assert_eq!(course["topics"], json!(["platform-workers", "youth"]));
    assert_eq!(course["language"], "en");

    // Slug is unique.
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses",
        &other.token,
        Some(course_body("platform-rights", "Again")),
    )
    .await;
    assert_problem(res, 409, "slug_taken").await;

    // The draft is hidden from others.
    assert_eq!(
        app.get(&format!("/api/v1/courses/{id}")).await.status(),
        404
    );
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{id}"),
        &other.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 404);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{id}"),
        &trainer.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 200);

    // The owner edits; another trainer and a member may not.
    let path = format!("/api/v1/courses/{id}");
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &trainer.token,
        Some(json!({"level": "advanced", "licence": null})),
    )
    .await;
    let changed = ok_json(res, 200).await;
    assert_eq!(changed["level"], "advanced");
    assert_eq!(changed["licence"], Value::Null);
    // The course is still a draft: to those who may not see it, it does not exist.
    for user in [&other, &member] {
        let res = send(
            &app,
            Method::PATCH,
            &path,
            &user.token,
            Some(json!({"level": "advanced"})),
        )
        .await;
        assert_problem(res, 404, "not_found").await;
    }
    let res = app
        .client
        .patch(app.url(&path))
        .json(&json!({"level": "advanced"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "login_required").await;

    // Only coordinators publish.
    let res = send(
        &app,
        Method::POST,
        &format!("{path}/publish"),
        &trainer.token,
        None,
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    publish(&app, &coordinator, id).await;
    let res = send(
        &app,
        Method::POST,
        &format!("{path}/publish"),
        &coordinator.token,
        None,
    )
    .await;
    assert_problem(res, 409, "invalid_transition").await;
    let (status, body) = app.get_json(&path).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "published");
    assert!(body["published_at"].is_string());

    // Coordinators edit any course.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({"format": "blended"})),
    )
    .await;
    assert_eq!(ok_json(res, 200).await["format"], "blended");

    // Owners: add the other trainer, who may then edit; members cannot own.
    let res = send(
        &app,
        Method::PUT,
        &format!("{path}/owners/{}", member.id),
        &trainer.token,
        None,
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("{path}/owners/{}", other.id),
        &trainer.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &other.token,
        Some(json!({"estimated_hours": 8})),
    )
    .await;
    assert_eq!(ok_json(res, 200).await["estimated_hours"], 8.0);
    let res = send(
        &app,
        Method::DELETE,
        &format!("{path}/owners/{}", trainer.id),
        &other.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let res = send(
        &app,
        Method::DELETE,
        &format!("{path}/owners/{}", other.id),
        &other.token,
        None,
    )
    .await;
    assert_problem(res, 409, "last_owner").await;

    // Archive, then delete: gone.
    let res = send(
        &app,
        Method::POST,
        &format!("{path}/archive"),
        &coordinator.token,
        None,
    )
    .await;
    assert_eq!(ok_json(res, 200).await["status"], "archived");
    let res = send(&app, Method::DELETE, &path, &member.token, None).await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(&app, Method::DELETE, &path, &other.token, None).await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get(&path).await.status(), 404);
    // The slug is free again.
    create(&app, &trainer, course_body("platform-rights", "Again")).await;
}

#[tokio::test]
async fn bad_input_is_refused() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses",
        &trainer.token,
        Some(json!({
            "slug": "Bad Slug", "default_language": "english", "title": " ",
            "topics": ["Not A Topic"], "level": "introductory", "format": "self_paced",
            "estimated_hours": -1, "capacity": 0
        })),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "slug",
        "default_language",
        "title",
        "topics",
        "estimated_hours",
        "capacity",
    ] {
        assert!(fields.contains(&f), "{f} in {body}");
    }
    let mut unknown = course_body("x", "X");
    unknown["colour"] = json!("red");
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses",
        &trainer.token,
        Some(unknown),
    )
    .await;
    assert_problem(res, 400, "unknown_field").await;
    let mut bad_level = course_body("x", "X");
    bad_level["level"] = json!("expert");
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses",
        &trainer.token,
        Some(bad_level),
    )
    .await;
    assert_eq!(res.status(), 400);
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses",
        &trainer.token,
        Some(
            course_body("x", "X")
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| *k != "capacity")
                .map(|(k, v)| {
                    (
                        k.clone(),
                        if k == "estimated_hours" {
                            json!(1.5)
                        } else {
                            v.clone()
                        },
                    )
                })
                .collect(),
        ),
    )
    .await;
    let course = ok_json(res, 201).await;
    let id = course["id"].as_i64().unwrap();
    let path = format!("/api/v1/courses/{id}");
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &trainer.token,
        Some(json!({"slug": null})),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &trainer.token,
        Some(json!({"default_language": "fil"})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "no_translation");
    // Lessons: a video needs a url; a text lesson has none.
    let module = add_module(&app, &trainer, id, "One").await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/modules/{module}/lessons"),
        &trainer.token,
        Some(json!({"kind": "video", "title": "Watch"})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "url");
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/modules/{module}/lessons"),
        &trainer.token,
        Some(json!({"kind": "link", "title": "Go", "url": "javascript:alert(1)"})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = app.get("/api/v1/courses?sort=sideways").await;
    assert_problem(res, 400, "invalid_query").await;
    let res = app.get("/api/v1/courses?updated_since=yesterday").await;
    assert_problem(res, 400, "invalid_query").await;
    let res = app.get("/api/v1/courses?lang=english").await;
    assert_problem(res, 400, "invalid_query").await;
    let res = app.get("/api/v1/courses?status=draft").await;
    assert_problem(res, 401, "login_required").await;
}

#[tokio::test]
async fn if_match_guards_course_and_lesson_edits() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let course = create(&app, &trainer, course_body("osh", "Safety at work")).await;
    let id = course["id"].as_i64().unwrap();
    let path = format!("/api/v1/courses/{id}");
    let res = send(&app, Method::GET, &path, &trainer.token, None).await;
    let tag = header(&res, "etag").unwrap();
    // If-None-Match gives 304, which varies with the language as the 200 does.
    let res = get_unless(&app, &trainer, &path, &tag).await;
    assert_eq!(res.status(), 304);
    assert_eq!(header(&res, "vary").as_deref(), Some("Accept-Language"));
    let res = app
        .authed(Method::PATCH, &path, &trainer.token)
        .header("if-match", &tag)
        .json(&json!({"level": "intermediate"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let new_tag = header(&res, "etag").unwrap();
    // The old tag is stale now.
    let res = app
        .authed(Method::PATCH, &path, &trainer.token)
        .header("if-match", &tag)
        .json(&json!({"level": "advanced"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = app
        .authed(Method::DELETE, &path, &trainer.token)
        .header("if-match", &tag)
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    // The tag of the PATCH answer is the one GET gives.
    let res = send(&app, Method::GET, &path, &trainer.token, None).await;
    assert_eq!(header(&res, "etag").unwrap(), new_tag);

    let module = add_module(&app, &trainer, id, "Hazards").await;
    let lesson = add_lesson(
        &app,
        &trainer,
        module,
        json!({"kind": "text", "title": "Spot them", "content": "Look around."}),
    )
    .await;
    let lpath = format!("/api/v1/lessons/{}", lesson["id"]);
    let res = send(&app, Method::GET, &lpath, &trainer.token, None).await;
    let ltag = header(&res, "etag").unwrap();
    let res = app
        .authed(Method::PATCH, &lpath, &trainer.token)
        .header("if-match", &ltag)
        .json(&json!({"required": false, "duration_minutes": 12.0}))
        .send()
        .await
        .unwrap();
    let body = ok_json(res, 200).await;
    assert_eq!(body["required"], false);
    assert_eq!(body["duration_minutes"], 12);
    let res = app
        .authed(Method::PATCH, &lpath, &trainer.token)
        .header("if-match", &ltag)
        .json(&json!({"title": "Stale"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = app
        .authed(Method::DELETE, &lpath, &trainer.token)
        .header("if-match", "*")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = send(&app, Method::GET, &lpath, &trainer.token, None).await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn modules_and_lessons_are_ordered_in_one_request() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let other = app.user("trainer").await;
    let course = create(&app, &trainer, course_body("dialogue", "Social dialogue")).await;
    let id = course["id"].as_i64().unwrap();
    let m1 = add_module(&app, &trainer, id, "One").await;
    let m2 = add_module(&app, &trainer, id, "Two").await;
    let m3 = add_module(&app, &trainer, id, "Three").await;
    let l1 = add_lesson(&app, &trainer, m1, json!({"kind": "text", "title": "A"})).await["id"]
        .as_i64()
        .unwrap();
    let l2 = add_lesson(&app, &trainer, m1, json!({"kind": "video", "title": "B", "url": "https://video.example.org/b", "duration_minutes": 7, "caption_languages": ["en", "fil"]})).await["id"].as_i64().unwrap();
    let l3 = add_lesson(&app, &trainer, m1, json!({"kind": "file", "title": "C", "url": "https://files.example.org/c.pdf", "size_bytes": 1024, "media_type": "application/pdf", "required": false})).await["id"].as_i64().unwrap();

    // Members and other trainers do not touch the structure (the draft is an unknown id to
    // them); anonymous callers log in first.
    let member = app.user("member").await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{id}/modules"),
        &member.token,
        Some(json!({"title": "Mine"})),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/modules/{m1}/lessons"),
        &other.token,
        Some(json!({"kind": "text", "title": "Mine"})),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/lessons/{l1}"),
        &member.token,
        Some(json!({"title": "Mine"})),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .post_json(
            &format!("/api/v1/courses/{id}/modules"),
            &json!({"title": "Mine"}),
        )
        .await;
    assert_problem(res, 401, "login_required").await;
    // The module of a draft is hidden like the draft.
    assert_eq!(
        app.get(&format!("/api/v1/modules/{m1}")).await.status(),
        404
    );
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/modules/{m1}"),
        &trainer.token,
        None,
    )
    .await;
    assert_eq!(ok_json(res, 200).await["title"], "One");

    let path = format!("/api/v1/courses/{id}/modules/order");
    let res = send(
        &app,
        Method::PUT,
        &path,
        &other.token,
        Some(json!({"module_ids": [m3, m1, m2]})),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    for wrong in [
        json!([m3, m1]),
        json!([m3, m1, m2, m2]),
        json!([m3, m1, 999_999]),
    ] {
        let res = send(
            &app,
            Method::PUT,
            &path,
            &trainer.token,
            Some(json!({"module_ids": wrong})),
        )
        .await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["code"], "order_mismatch");
    }
    let res = send(
        &app,
        Method::PUT,
        &path,
        &trainer.token,
        Some(json!({"module_ids": [m3, m1, m2]})),
    )
    .await;
    let outline = ok_json(res, 200).await;
    let order: Vec<i64> = outline["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![m3, m1, m2]);

    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/modules/{m1}/lessons/order"),
        &trainer.token,
        Some(json!({"lesson_ids": [l3, l1, l2]})),
    )
    .await;
    let outline = ok_json(res, 200).await;
    let lessons = &outline["modules"][1]["lessons"];
    let order: Vec<i64> = lessons
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![l3, l1, l2]);
    assert_eq!(lessons[0]["kind"], "file");
    assert_eq!(lessons[0]["required"], false);
    assert_eq!(lessons[2]["duration_minutes"], 7);
    assert_eq!(lessons[2]["position"], 3);

    // Deleting a module closes the gap; its lessons go too.
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/modules/{m3}"),
        &trainer.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{id}"),
        &trainer.token,
        None,
    )
    .await;
    let outline = ok_json(res, 200).await;
    assert_eq!(outline["modules"][0]["id"], m1);
    assert_eq!(outline["modules"][0]["position"], 1);
    let res = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/modules/{m2}"),
        &trainer.token,
        Some(json!({"title": "Deux"})),
    )
    .await;
    assert_eq!(ok_json(res, 200).await["title"], "Deux");
}

#[tokio::test]
async fn text_lessons_come_with_sanitised_html() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let course = create(&app, &trainer, course_body("html", "Safe HTML")).await;
    let module = add_module(&app, &trainer, course["id"].as_i64().unwrap(), "M").await;
    let lesson = add_lesson(&app, &trainer, module, json!({
        "kind": "text", "title": "Organise",
        "content": "# Organise\n\n**Now**. [Read](https://example.org)\n\n<script>alert('x')</script>\n\n<a href=\"#\" onclick=\"steal()\">click</a>"
    })).await;
    let html = lesson["content_html"].as_str().unwrap();
    assert!(html.contains("<h1>Organise</h1>"), "{html}");
    assert!(html.contains("<strong>Now</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("onclick"), "{html}");
    assert!(lesson["content"].as_str().unwrap().contains("<script>"));
}

#[tokio::test]
async fn members_only_lessons_need_enrolment() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    let enrolled = app.user("member").await;
    let mut body = course_body("members", "For members");
    body["visibility"] = json!("members");
    let course = create(&app, &trainer, body).await;
    let id = course["id"].as_i64().unwrap();
    let module = add_module(&app, &trainer, id, "M").await;
    let lesson = add_lesson(
        &app,
        &trainer,
        module,
        json!({"kind": "text", "title": "Secret", "content": "Strike plan"}),
    )
    .await;
    publish(&app, &coordinator, id).await;
    let path = format!("/api/v1/lessons/{}", lesson["id"]);

    // The outline stays public.
    let (status, outline) = app.get_json(&format!("/api/v1/courses/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(outline["modules"][0]["lessons"][0]["title"], "Secret");

    assert_problem(app.get(&path).await, 401, "login_required").await;
    let res = send(&app, Method::GET, &path, &member.token, None).await;
    assert_problem(res, 403, "not_enrolled").await;
    for user in [&trainer, &coordinator] {
        let res = send(&app, Method::GET, &path, &user.token, None).await;
        assert_eq!(ok_json(res, 200).await["content"], "Strike plan");
    }
    {
        use bayanihan::db::schema::enrolments;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        let now = bayanihan::db::now();
        write_transaction(&mut conn, |conn| {
            diesel::insert_into(enrolments::table)
                .values((
                    enrolments::course_id.eq(id),
                    enrolments::user_id.eq(enrolled.id),
                    enrolments::created_at.eq(now),
                    enrolments::updated_at.eq(now),
                ))
                .execute(conn)
        })
        .unwrap();
    }
    let res = send(&app, Method::GET, &path, &enrolled.token, None).await;
    assert_eq!(ok_json(res, 200).await["title"], "Secret");
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{id}/lessons"),
        &enrolled.token,
        None,
    )
    .await;
    assert_eq!(
        ok_json(res, 200).await["items"][0]["content"],
        "Strike plan"
    );
    assert_problem(
        app.get(&format!("/api/v1/courses/{id}/lessons")).await,
        401,
        "login_required",
    )
    .await;

    // A public course's lessons are for anyone.
    let res = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/courses/{id}"),
        &trainer.token,
        Some(json!({"visibility": "public"})),
    )
    .await;
    ok_json(res, 200).await;
    let (status, _) = app.get_json(&path).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn texts_fall_back_to_the_default_language() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let course = create(&app, &trainer, course_body("youth", "Youth organising")).await;
    let id = course["id"].as_i64().unwrap();
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/courses/{id}/translations/fil"),
        &trainer.token,
        Some(json!({"title": "Pag-oorganisa ng kabataan", "summary": "Alamin ang karapatan"})),
    )
    .await;
    let body = ok_json(res, 201).await;
    assert_eq!(body["language"], "fil");
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/courses/{id}/translations/fil"),
        &trainer.token,
        Some(
            json!({"title": "Pag-oorganisa ng kabataan", "summary": "Alamin ang iyong karapatan"}),
        ),
    )
    .await;
    assert_eq!(
        ok_json(res, 200).await["summary"],
        "Alamin ang iyong karapatan"
    );
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/courses/{id}/translations/not a tag"),
        &trainer.token,
        Some(json!({"title": "x"})),
    )
    .await;
    assert_eq!(res.status(), 400);
    let module = add_module(&app, &trainer, id, "Getting started").await;
    let lesson = add_lesson(
        &app,
        &trainer,
        module,
        json!({"kind": "text", "title": "Welcome", "content": "Hello"}),
    )
    .await;
    let lid = lesson["id"].as_i64().unwrap();
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/lessons/{lid}/translations/fil"),
        &trainer.token,
        Some(json!({"title": "Maligayang pagdating", "content": "Kumusta"})),
    )
    .await;
    // A new translation is created: 201, as for courses.
    ok_json(res, 201).await;
    publish(&app, &coordinator, id).await;

    // Accept-Language with q-values: fil wins over en.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/courses/{id}")))
        .header("accept-language", "de;q=1.0, fil-PH;q=0.9, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "content-language").as_deref(), Some("fil"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["title"], "Pag-oorganisa ng kabataan");
    assert_eq!(body["available_languages"], json!(["en", "fil"]));
    // The module has no Filipino title: it falls back to English and says so.
    assert_eq!(body["modules"][0]["title"], "Getting started");
    assert_eq!(body["modules"][0]["language"], "en");
    assert_eq!(
        body["modules"][0]["lessons"][0]["title"],
        "Maligayang pagdating"
    );
    assert_eq!(body["modules"][0]["lessons"][0]["language"], "fil");
    // ?lang= overrides the header; an unknown language falls back.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/courses/{id}?lang=id")))
        .header("accept-language", "fil")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "content-language").as_deref(), Some("en"));
    let (_, lesson) = app
        .get_json(&format!("/api/v1/lessons/{lid}?lang=fil"))
        .await;
    assert_eq!(lesson["content"], "Kumusta");
    assert_eq!(lesson["language"], "fil");
    // The catalogue speaks the same language, and filters by it.
    let (_, page) = app.get_json("/api/v1/courses?lang=fil").await;
    assert_eq!(page["items"][0]["title"], "Pag-oorganisa ng kabataan");
    let (_, page) = app.get_json("/api/v1/courses?language=fil").await;
    assert_eq!(ids(&page), vec![id]);
    let (_, page) = app.get_json("/api/v1/courses?language=id").await;
    assert!(ids(&page).is_empty());
    // q searches the requested language's texts.
    let (_, page) = app.get_json("/api/v1/courses?lang=fil&q=KABATAAN").await;
    assert_eq!(ids(&page), vec![id]);
    let res = app
        .client
        .get(app.url("/api/v1/courses?q=kabataan"))
        .header("accept-language", "fil-PH, en;q=0.5")
        .send()
        .await
        .unwrap();
    let page: Value = res.json().await.unwrap();
    assert_eq!(ids(&page), vec![id]);
    let (_, page) = app.get_json("/api/v1/courses?q=kabataan").await;
    assert!(ids(&page).is_empty());
}

#[tokio::test]
async fn the_catalogue_filters_sorts_pages_and_syncs() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let other = app.user("trainer").await;
    let titles = [
        "Delta organising",
        "Alpha rights",
        "Charlie safety",
        "Bravo dialogue",
        "Echo skills",
    ];
    let mut created = Vec::new();
    for (i, title) in titles.iter().enumerate() {
        let mut body = course_body(&format!("course-{i}"), title);
        body["summary"] = json!(if i == 2 {
            "About organising safely"
        } else {
            "Plain"
        });
        body["topics"] = json!(if i % 2 == 0 {
            vec!["osh"]
        } else {
            vec!["youth"]
        });
        body["level"] = json!(if i == 4 { "advanced" } else { "introductory" });
        let c = create(&app, &trainer, body).await;
        created.push(c["id"].as_i64().unwrap());
    }
    for id in &created[..4] {
        publish(&app, &coordinator, *id).await;
    }
    let draft = created[4];

    // Drafts are hidden from the catalogue; owners and coordinators list them.
    let (_, page) = app.get_json("/api/v1/courses").await;
    let mut newest = created[..4].to_vec();
    newest.reverse();
    assert_eq!(ids(&page), newest);
    let res = send(
        &app,
        Method::GET,
        "/api/v1/courses?status=draft",
        &trainer.token,
        None,
    )
    .await;
    assert_eq!(ids(&ok_json(res, 200).await), vec![draft]);
    let res = send(
        &app,
        Method::GET,
        "/api/v1/courses?status=draft",
        &other.token,
        None,
    )
    .await;
    assert!(ids(&ok_json(res, 200).await).is_empty());
    let res = send(
        &app,
        Method::GET,
        "/api/v1/courses?status=draft",
        &coordinator.token,
        None,
    )
    .await;
    assert_eq!(ids(&ok_json(res, 200).await), vec![draft]);

    // Sorts and filters.
    let (_, page) = app.get_json("/api/v1/courses?sort=title").await;
    assert_eq!(
        ids(&page),
        vec![created[1], created[3], created[2], created[0]]
    );
    let (_, page) = app.get_json("/api/v1/courses?topic=osh&sort=title").await;
    assert_eq!(ids(&page), vec![created[2], created[0]]);
    let (_, page) = app.get_json("/api/v1/courses?level=advanced").await;
    assert!(ids(&page).is_empty());
    let (_, page) = app.get_json("/api/v1/courses?format=cohort").await;
    assert!(ids(&page).is_empty());
    // q: a title match ranks above a summary match.
    let (_, page) = app.get_json("/api/v1/courses?q=organis").await;
    assert_eq!(ids(&page), vec![created[0], created[2]]);
    // popular: by enrolments, then newest id first.
    {
        use bayanihan::db::schema::courses;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        diesel::update(courses::table.find(created[1]))
            .set(courses::enrolment_count.eq(10))
            .execute(&mut *conn)
            .unwrap();
    }
    let (_, page) = app.get_json("/api/v1/courses?sort=popular").await;
    assert_eq!(ids(&page)[0], created[1]);

    // A walk through pages of two sees each course once, in order; the cursor keeps its sort.
    for sort in ["newest", "title", "popular"] {
        let (_, all) = app.get_json(&format!("/api/v1/courses?sort={sort}")).await;
        let mut walked = Vec::new();
        let mut cursor = String::new();
        loop {
            let (status, page) = app
                .get_json(&format!(
                    "/api/v1/courses?sort={sort}&limit=2&cursor={cursor}"
                ))
                .await;
            assert_eq!(status, 200, "{page}");
            walked.extend(ids(&page));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
        }
        assert_eq!(walked, ids(&all), "{sort}");
    }
    let (_, page) = app.get_json("/api/v1/courses?sort=title&limit=2").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let res = app
        .get(&format!("/api/v1/courses?sort=newest&cursor={cursor}"))
        .await;
    assert_problem(res, 400, "invalid_query").await;
    let (_, page) = app.get_json("/api/v1/courses?q=organis&limit=1").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, page) = app
        .get_json(&format!(
            "/api/v1/courses?q=organis&limit=1&cursor={cursor}"
        ))
        .await;
    assert_eq!(ids(&page), vec![created[2]]);

    // Sync: changes since a time, with tombstones when asked.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let res = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/courses/{}", created[0]),
        &trainer.token,
        Some(json!({"level": "intermediate"})),
    )
    .await;
    ok_json(res, 200).await;
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/courses/{}", created[1]),
        &trainer.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{}/archive", created[2]),
        &coordinator.token,
        None,
    )
    .await;
    ok_json(res, 200).await;
    let since_q = since.replace('+', "%2B");
    let (_, page) = app
        .get_json(&format!("/api/v1/courses?updated_since={since_q}"))
        .await;
    assert_eq!(ids(&page), vec![created[0]]);
    let (_, page) = app
        .get_json(&format!(
            "/api/v1/courses?updated_since={since_q}&include_deleted=true"
        ))
        .await;
    assert_eq!(ids(&page), vec![created[0], created[1], created[2]]);
    assert_eq!(page["items"][1]["deleted"], true);
    assert!(page["items"][1]["updated_at"].is_string());
    assert!(page["items"][1].get("title").is_none());
    assert_eq!(page["items"][2]["deleted"], true);
    assert!(page["items"][0].get("deleted").is_none());
    // The sync order wins over `sort`.
    let (_, page) = app
        .get_json(&format!(
            "/api/v1/courses?updated_since={since_q}&sort=title"
        ))
        .await;
    assert_eq!(ids(&page), vec![created[0]]);
}

#[tokio::test]
async fn lesson_sync_lists_changes_and_tombstones() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let course = create(&app, &trainer, course_body("sync", "Sync")).await;
    let id = course["id"].as_i64().unwrap();
    let module = add_module(&app, &trainer, id, "M").await;
    let a = add_lesson(
        &app,
        &trainer,
        module,
        json!({"kind": "text", "title": "A"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let b = add_lesson(
        &app,
        &trainer,
        module,
        json!({"kind": "link", "title": "B", "url": "https://example.org"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    publish(&app, &coordinator, id).await;
    let (status, page) = app.get_json(&format!("/api/v1/courses/{id}/lessons")).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&page), vec![a, b]);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let since = chrono::Utc::now()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        .replace('+', "%2B");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/lessons/{a}"),
        &trainer.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let (_, page) = app
        .get_json(&format!(
            "/api/v1/courses/{id}/lessons?updated_since={since}&include_deleted=true"
        ))
        .await;
    // b moved up to position 1, so it changed too.
    assert_eq!(ids(&page), vec![a, b]);
    assert_eq!(page["items"][0]["deleted"], true);
    assert_eq!(page["items"][1]["position"], 1);
    let (_, page) = app
        .get_json(&format!(
            "/api/v1/courses/{id}/lessons?updated_since={since}"
        ))
        .await;
    assert_eq!(ids(&page), vec![b]);
}

#[tokio::test]
async fn the_demo_catalogue_is_seeded_once() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let (status, page) = app.get_json("/api/v1/courses?limit=100").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&page).len(), 5, "{page}");
    let (_, page) = app.get_json("/api/v1/courses?language=fil").await;
    assert_eq!(ids(&page).len(), 2);
    let (_, page) = app.get_json("/api/v1/courses?topic=osh&lang=id").await;
    assert_eq!(page["items"][0]["title"], "Keselamatan dan kesehatan kerja");
    let id = page["items"][0]["id"].as_i64().unwrap();
    let (_, course) = app.get_json(&format!("/api/v1/courses/{id}")).await;
    let kinds: Vec<&str> = course["modules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["lessons"].as_array().unwrap())
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"video") && kinds.contains(&"link"),
        "{kinds:?}"
    );
    assert_eq!(course["owners"].as_array().unwrap().len(), 1, "{course}");
    let lesson = course["modules"][0]["lessons"][0]["id"].as_i64().unwrap();
    let (status, lesson) = app.get_json(&format!("/api/v1/lessons/{lesson}")).await;
    assert_eq!(status, 200);
    assert!(lesson["content_html"].as_str().unwrap().contains("<h2>"));
}

/// Sends `body` with `method` and an optional `If-Match`; the status, `ETag` and body.
async fn write(
    app: &TestApp,
    user: &TestUser,
    method: Method,
    path: &str,
    if_match: Option<&str>,
    body: Option<Value>,
) -> (u16, Option<String>, Value) {
    let mut req = app.authed(method, path, &user.token);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let tag = header(&res, "etag");
    let text = res.text().await.unwrap();
    (
        status,
        tag,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// A draft course of `trainer` with one module, "One", holding one lesson: their ids.
async fn course_with_lesson(
    app: &TestApp,
    trainer: &TestUser,
    slug: &str,
    lesson: Value,
) -> (i64, i64, i64) {
    let course = create(app, trainer, course_body(slug, slug)).await;
    let id = course["id"].as_i64().unwrap();
    let module = add_module(app, trainer, id, "One").await;
    let lesson = add_lesson(app, trainer, module, lesson).await["id"]
        .as_i64()
        .unwrap();
    (id, module, lesson)
}

/// The `Content-Language` of a `GET` of `path` (200, varying with `Accept-Language`),
/// asking for `accept` when given, as `user` when given.
async fn answer_language(
    app: &TestApp,
    path: &str,
    accept: Option<&str>,
    user: Option<&TestUser>,
) -> Option<String> {
    let mut req = match user {
        Some(u) => app.authed(Method::GET, path, &u.token),
        None => app.client.get(app.url(path)),
    };
    if let Some(accept) = accept {
        req = req.header("accept-language", accept);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(header(&res, "vary").as_deref(), Some("Accept-Language"));
    header(&res, "content-language")
}

/// The `ETag` and body of a `GET` as `user`.
async fn tagged_get(app: &TestApp, user: &TestUser, path: &str) -> (String, Value) {
    let res = send(app, Method::GET, path, &user.token, None).await;
    let tag = header(&res, "etag").unwrap();
    (tag, ok_json(res, 200).await)
}

#[tokio::test]
async fn translations_answer_201_when_new_and_writing_the_same_texts_changes_nothing() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let lesson = json!({"kind": "text", "title": "Hello", "content": "Hi"});
    let (id, module, lesson) = course_with_lesson(&app, &trainer, "again", lesson).await;
    let cases = [
        (
            format!("/api/v1/courses/{id}"),
            json!({"title": "Muli", "summary": "Sabihin muli"}),
            json!({"title": "Muli!", "summary": "Sabihin muli"}),
        ),
        (
            format!("/api/v1/modules/{module}"),
            json!({"title": "Unang hakbang"}),
            json!({"title": "Mga unang hakbang"}),
        ),
        (
            format!("/api/v1/lessons/{lesson}"),
            json!({"title": "Kumusta", "content": "Hoy"}),
            json!({"title": "Kumusta", "content": "Hoy!"}),
        ),
    ];
    for (path, body, changed) in cases {
        let translation = format!("{path}/translations/fil");
        let res = send(
            &app,
            Method::PUT,
            &translation,
            &trainer.token,
            Some(body.clone()),
        )
        .await;
        assert_eq!(res.status(), 201, "{translation}");
        let location = header(&res, "location").unwrap();
        assert_eq!(location, format!("/api{}?lang=fil", &path[4..]));
        assert_eq!(header(&res, "content-language").as_deref(), Some("fil"));
        assert_eq!(header(&res, "vary").as_deref(), Some("Accept-Language"));
        let created_tag = header(&res, "etag").unwrap();
        let created = ok_json(res, 201).await;
        assert_eq!(created["language"], "fil");
        // The Location reads the resource in that language, with the same tag.
        let (tag, read) = tagged_get(&app, &trainer, &location).await;
        assert_eq!(tag, created_tag, "{location}");
        assert_eq!(read["language"], "fil");
        let (course_tag, course) =
            tagged_get(&app, &trainer, &format!("/api/v1/courses/{id}")).await;

        // The same texts again: 200, nothing written, the same tag and times.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let (status, tag, again) =
            write(&app, &trainer, Method::PUT, &translation, None, Some(body)).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(tag.as_deref(), Some(created_tag.as_str()), "{translation}");
        assert_eq!(again["updated_at"], created["updated_at"], "{translation}");
        let (tag, unchanged) = tagged_get(&app, &trainer, &format!("/api/v1/courses/{id}")).await;
        assert_eq!(tag, course_tag, "{translation}");
        assert_eq!(unchanged["updated_at"], course["updated_at"]);

        // Other texts: 200 and a new version, of the resource and of its course.
        let (status, tag, _) = write(
            &app,
            &trainer,
            Method::PUT,
            &translation,
            None,
            Some(changed),
        )
        .await;
        assert_eq!(status, 200);
        assert_ne!(tag.as_deref(), Some(created_tag.as_str()), "{translation}");
        let (tag, _) = tagged_get(&app, &trainer, &format!("/api/v1/courses/{id}")).await;
        assert_ne!(tag, course_tag, "{translation}");
        // The tag of the old version no longer guards a write.
        if !path.contains("/courses/") {
            let (status, _, _) = write(
                &app,
                &trainer,
                Method::PATCH,
                &path,
                Some(&created_tag),
                Some(json!({"title": "Stale"})),
            )
            .await;
            assert_eq!(status, 412, "{path}");
        }
    }
}

#[tokio::test]
async fn a_write_that_changes_nothing_keeps_the_version() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let lesson = json!({"kind": "text", "title": "Read", "content": "Text"});
    let (id, m1, lesson) = course_with_lesson(&app, &trainer, "still", lesson).await;
    let path = format!("/api/v1/courses/{id}");
    let mpath = format!("/api/v1/modules/{m1}");
    let m2 = add_module(&app, &trainer, id, "Two").await;
    publish(&app, &coordinator, id).await;
    let (course_tag, _) = tagged_get(&app, &trainer, &path).await;
    assert!(
        course_tag.starts_with(&format!("\"course-{id}-v")),
        "{course_tag}"
    );
    assert!(course_tag.ends_with("-en\""), "{course_tag}");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let since = chrono::Utc::now()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        .replace('+', "%2B");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    // A PATCH with the values stored, guarded by the current tag: 200, nothing written.
    let same = [
        (
            path.clone(),
            json!({"level": "introductory", "topics": ["youth", "platform-workers"], "capacity": 50}),
        ),
        (mpath.clone(), json!({"title": "One"})),
        (
            format!("/api/v1/lessons/{lesson}"),
            json!({"title": "Read", "content": "Text", "required": true, "kind": "text"}),
        ),
    ];
    for (p, body) in same {
        let (tag, stored) = tagged_get(&app, &trainer, &p).await;
        let (status, kept, answer) =
            write(&app, &trainer, Method::PATCH, &p, Some(&tag), Some(body)).await;
        assert_eq!(status, 200, "{p}: {answer}");
        assert_eq!(kept, Some(tag), "{p}");
        assert_eq!(answer["updated_at"], stored["updated_at"], "{p}");
    }
    // The order the modules have.
    let order = format!("{path}/modules/order");
    let body = json!({"module_ids": [m1, m2]});
    let (status, tag, _) = write(&app, &trainer, Method::PUT, &order, None, Some(body)).await;
    assert_eq!(status, 200);
    assert_eq!(tag.as_deref(), Some(course_tag.as_str()));
    // Nothing changed, so nothing is sent again to syncing clients.
    let (_, page) = app
        .get_json(&format!("/api/v1/courses?updated_since={since}"))
        .await;
    assert!(ids(&page).is_empty(), "{page}");
    let (_, page) = app
        .get_json(&format!(
            "/api/v1/courses/{id}/lessons?updated_since={since}"
        ))
        .await;
    assert!(ids(&page).is_empty(), "{page}");

    // A change is a new version of the module and its course; the old tags are stale.
    let (module_tag, _) = tagged_get(&app, &trainer, &mpath).await;
    let rename = Some(json!({"title": "Uno"}));
    let (status, new_tag, _) = write(
        &app,
        &trainer,
        Method::PATCH,
        &mpath,
        Some(&module_tag),
        rename,
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(new_tag.as_deref(), Some(module_tag.as_str()));
    let (tag, _) = tagged_get(&app, &trainer, &path).await;
    assert_ne!(tag, course_tag);
    for (p, stale) in [(&mpath, &module_tag), (&path, &course_tag)] {
        let (status, _, _) = write(&app, &trainer, Method::DELETE, p, Some(stale), None).await;
        assert_eq!(status, 412, "{p}");
    }
    let (status, _, _) = write(
        &app,
        &trainer,
        Method::DELETE,
        &mpath,
        new_tag.as_deref(),
        None,
    )
    .await;
    assert_eq!(status, 204);

    // A new enrolment count is a new version too: the answer changed.
    let (tag, _) = tagged_get(&app, &trainer, &path).await;
    {
        use bayanihan::db::schema::courses;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        diesel::update(courses::table.find(id))
            .set(courses::enrolment_count.eq(3))
            .execute(&mut *conn)
            .unwrap();
    }
    let res = get_unless(&app, &trainer, &path, &tag).await;
    assert_eq!(res.status(), 200);
    assert_ne!(header(&res, "etag").unwrap(), tag);
}

#[tokio::test]
async fn localised_answers_name_their_language_and_follow_the_reader() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let reader = app.user("member").await;
    let lesson = json!({"kind": "text", "title": "Lesson"});
    let (id, module, lesson) = course_with_lesson(&app, &trainer, "lang", lesson).await;
    for (path, body) in [
        (
            format!("/api/v1/courses/{id}"),
            json!({"title": "Mga wika"}),
        ),
        (
            format!("/api/v1/modules/{module}"),
            json!({"title": "Modyul"}),
        ),
        (
            format!("/api/v1/lessons/{lesson}"),
            json!({"title": "Aralin"}),
        ),
    ] {
        let res = send(
            &app,
            Method::PUT,
            &format!("{path}/translations/fil"),
            &trainer.token,
            Some(body),
        )
        .await;
        assert_eq!(res.status(), 201);
    }
    publish(&app, &coordinator, id).await;
    let paths = [
        "/api/v1/courses".to_owned(),
        format!("/api/v1/courses/{id}"),
        format!("/api/v1/modules/{module}"),
        format!("/api/v1/lessons/{lesson}"),
        format!("/api/v1/courses/{id}/lessons"),
    ];
    // Anonymous, no language asked: the default language.
    for path in &paths {
        let lang = answer_language(&app, path, None, None).await;
        assert_eq!(lang.as_deref(), Some("en"), "{path}");
    }
    // Accept-Language and ?lang= (which wins) on every one of them.
    for path in &paths {
        let lang = answer_language(&app, path, Some("fil-PH, en;q=0.5"), None).await;
        assert_eq!(lang.as_deref(), Some("fil"), "{path}");
        let sep = if path.contains('?') { '&' } else { '?' };
        let asked = format!("{path}{sep}lang=fil");
        let lang = answer_language(&app, &asked, Some("en"), None).await;
        assert_eq!(lang.as_deref(), Some("fil"), "{path}");
    }
    // A logged-in reader who prefers Filipino gets it when the request names no language;
    // what the request asks for still wins.
    {
        use bayanihan::db::schema::users;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        diesel::update(users::table.find(reader.id))
            .set(users::preferred_language.eq("fil"))
            .execute(&mut *conn)
            .unwrap();
    }
    for path in &paths {
        let lang = answer_language(&app, path, None, Some(&reader)).await;
        assert_eq!(lang.as_deref(), Some("fil"), "{path}");
        let lang = answer_language(&app, path, Some("en"), Some(&reader)).await;
        assert_eq!(lang.as_deref(), Some("en"), "{path}");
        let body = ok_json(
            send(&app, Method::GET, path, &reader.token, None).await,
            200,
        )
        .await;
        let item = if body["items"].is_array() {
            body["items"][0].clone()
        } else {
            body
        };
        assert_eq!(item["language"], "fil", "{path}");
    }
    // The catalogue searches the reader's language too.
    let res = send(
        &app,
        Method::GET,
        "/api/v1/courses?q=wika",
        &reader.token,
        None,
    )
    .await;
    assert_eq!(ids(&ok_json(res, 200).await), vec![id]);
    // A page mixing languages names them all.
    let other = create(&app, &trainer, course_body("english-only", "English only")).await;
    publish(&app, &coordinator, other["id"].as_i64().unwrap()).await;
    let lang = answer_language(&app, "/api/v1/courses?lang=fil", None, None).await;
    assert_eq!(lang.as_deref(), Some("en, fil"));
}

#[tokio::test]
async fn a_course_read_again_shows_every_change_made_since() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let other = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    let lesson = json!({"kind": "text", "title": "Hello", "content": "Hi"});
    let (id, _, lesson) = course_with_lesson(&app, &trainer, "kept", lesson).await;
    publish(&app, &coordinator, id).await;
    let path = format!("/api/v1/courses/{id}");
    let read = |lang: &'static str| {
        let (app, member, path) = (&app, &member, &path);
        async move {
            let res = send(
                app,
                Method::GET,
                &format!("{path}?lang={lang}"),
                &member.token,
                None,
            )
            .await;
            ok_json(res, 200).await
        }
    };
    let first_title = |c: &Value| c["modules"][0]["lessons"][0]["title"].clone();
    // Read twice: the second answer (from what the first kept) is the same.
    let first = read("en").await;
    assert_eq!(first_title(&first), "Hello");
    assert_eq!(read("en").await, first);

    // A lesson's title changes: the next read has it.
    let (status, _, _) = write(
        &app,
        &trainer,
        Method::PATCH,
        &format!("/api/v1/lessons/{lesson}"),
        None,
        Some(json!({"title": "Hello again"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(first_title(&read("en").await), "Hello again");

    // Filipino texts: Filipino readers get them, English readers still the original.
    for (p, body) in [
        (
            path.clone(),
            json!({"title": "Muli", "summary": "Sabihin muli"}),
        ),
        (
            format!("/api/v1/lessons/{lesson}"),
            json!({"title": "Kumusta", "content": "Hoy"}),
        ),
    ] {
        let res = send(
            &app,
            Method::PUT,
            &format!("{p}/translations/fil"),
            &trainer.token,
            Some(body),
        )
        .await;
        assert_eq!(res.status(), 201);
    }
    let fil = read("fil").await;
    assert_eq!(
        (&fil["language"], &fil["title"]),
        (&json!("fil"), &json!("Muli"))
    );
    assert_eq!(first_title(&fil), "Kumusta");
    let en = read("en").await;
    assert_eq!(
        (&en["title"], first_title(&en)),
        (&json!("kept"), json!("Hello again"))
    );

    // A new module, a second owner: both in the next read.
    add_module(&app, &trainer, id, "Two").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("{path}/owners/{}", other.id),
        &trainer.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let c = read("en").await;
    assert_eq!(c["modules"].as_array().unwrap().len(), 2, "{c}");
    assert_eq!(c["owners"], json!([trainer.id, other.id]));

    // An enrolment changes the course's count, not its texts: the count is read anew.
    assert_eq!(c["enrolment_count"], 0);
    let res = send(
        &app,
        Method::POST,
        &format!("{path}/enrolments"),
        &member.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(read("en").await["enrolment_count"], 1);
    assert_eq!(read("fil").await["enrolment_count"], 1);
}

#[tokio::test]
async fn the_catalogue_read_again_shows_every_change_to_its_courses_texts() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let lesson = json!({"kind": "text", "title": "Hello", "content": "Hi"});
    let (id, _, _) = course_with_lesson(&app, &trainer, "listed", lesson).await;
    publish(&app, &coordinator, id).await;
    let card = |lang: &'static str| {
        let app = &app;
        async move {
            let res = app.get(&format!("/api/v1/courses?lang={lang}")).await;
            let page = ok_json(res, 200).await;
            let items = page["items"].as_array().unwrap().clone();
            items.into_iter().find(|c| c["id"] == id).unwrap()
        }
    };
    // Read twice: the second page (from what the first kept) is the same.
    let first = card("en").await;
    assert_eq!(first["title"], "listed");
    assert_eq!(card("en").await, first);

    // New texts in the default language and in Filipino, new topics: all in the next page.
    for (lang, title) in [("en", "Listed again"), ("fil", "Nakalista")] {
        let res = send(
            &app,
            Method::PUT,
            &format!("/api/v1/courses/{id}/translations/{lang}"),
            &trainer.token,
            Some(json!({"title": title, "summary": "Short"})),
        )
        .await;
        assert!(res.status().is_success(), "{}", res.status());
    }
    let res = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/courses/{id}"),
        &trainer.token,
        Some(json!({"topics": ["health-and-safety"]})),
    )
    .await;
    assert_eq!(res.status(), 200);
    let en = card("en").await;
    assert_eq!(
        (&en["title"], &en["topics"]),
        (&json!("Listed again"), &json!(["health-and-safety"]))
    );
    assert_eq!(en["available_languages"], json!(["en", "fil"]));
    let fil = card("fil").await;
    assert_eq!(
        (&fil["language"], &fil["title"]),
        (&json!("fil"), &json!("Nakalista"))
    );
    // And the course page agrees with the card.
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{id}"),
        &trainer.token,
        None,
    )
    .await;
    assert_eq!(ok_json(res, 200).await["title"], "Listed again");

    // An enrolment changes the card's count and the popular order; a course published
    // enters the page, an archived one leaves it.
    let ids_of = |sort: &'static str| {
        let app = &app;
        async move {
            let res = app.get(&format!("/api/v1/courses?sort={sort}")).await;
            ids(&ok_json(res, 200).await)
        }
    };
    let lesson = json!({"kind": "text", "title": "Two", "content": "2"});
    let (second, _, _) = course_with_lesson(&app, &trainer, "listed-second", lesson).await;
    assert_eq!(ids_of("popular").await, vec![id]);
    publish(&app, &coordinator, second).await;
    assert_eq!(ids_of("popular").await, vec![second, id]);
    let member = app.user("member").await;
    crate::learning::enrol(&app, id, &member).await;
    assert_eq!(ids_of("popular").await, vec![id, second]);
    assert_eq!(card("en").await["enrolment_count"], 1);
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{id}/archive"),
        &coordinator.token,
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(ids_of("popular").await, vec![second]);
}

#[tokio::test]
async fn a_lesson_read_again_shows_every_change_to_its_texts() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let lesson = json!({"kind": "text", "title": "Hello", "content": "Hi *there*"});
    let (id, _, lesson) = course_with_lesson(&app, &trainer, "kept-lesson", lesson).await;
    publish(&app, &coordinator, id).await;
    let path = format!("/api/v1/lessons/{lesson}");
    let read = |lang: &'static str| {
        let (app, path) = (&app, &path);
        async move { ok_json(app.get(&format!("{path}?lang={lang}")).await, 200).await }
    };
    // Read twice: the second answer (from what the first kept) is the same.
    let first = read("en").await;
    assert_eq!(first["content_html"], "<p>Hi <em>there</em></p>\n");
    assert_eq!(read("en").await, first);

    // The original changes: the next read has it.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &trainer.token,
        Some(json!({"content": "Hello **all**"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    let en = read("en").await;
    assert_eq!(
        (&en["content"], &en["content_html"]),
        (
            &json!("Hello **all**"),
            &json!("<p>Hello <strong>all</strong></p>\n")
        )
    );

    // A Filipino text: Filipino readers get it, up to date, then outdated once the
    // original changes again; English readers the original all along.
    let res = send(
        &app,
        Method::PUT,
        &format!("{path}/translations/fil"),
        &trainer.token,
        Some(json!({"title": "Kumusta", "content": "Kumusta sa lahat"})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let fil = read("fil").await;
    assert_eq!(
        (&fil["language"], &fil["content"], &fil["outdated"]),
        (&json!("fil"), &json!("Kumusta sa lahat"), &json!(false))
    );
    assert_eq!(fil["available_languages"], json!(["en", "fil"]));
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &trainer.token,
        Some(json!({"content": "Hello everyone"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    let fil = read("fil").await;
    assert_eq!(
        (&fil["content"], &fil["outdated"]),
        (&json!("Kumusta sa lahat"), &json!(true))
    );
    assert!(fil["source_updated_at"].is_string(), "{fil}");
    assert_eq!(read("en").await["content"], "Hello everyone");
}
