//! Issue 10, item 1: every list and string in a request body has a maximum, checked before
//! anything else and before the write transaction, so that one member's oversized (but
//! valid-sized) body is refused at once instead of holding the write lock. The reported
//! cases, through HTTP: a thread with 38,000 distinct short tags, and `PATCH /me` with
//! 25,000 other languages; normal sizes still work.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

/// The largest JSON body the server reads (256 KiB).
const BODY_LIMIT: usize = 256 * 1024;

/// `n` distinct tags of three letters or digits (`a00`, `a01`, …), each a valid tag.
fn short_tags(n: usize) -> Vec<String> {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..n)
        .map(|i| {
            let (a, b, c) = (i / (36 * 36), (i / 36) % 36, i % 36);
            [DIGITS[a % 36], DIGITS[b], DIGITS[c]]
                .iter()
                .map(|&d| char::from(d))
                .collect()
        })
        .collect()
}

async fn send(
    app: &TestApp,
    user: &TestUser,
    method: Method,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    let text = serde_json::to_string(body).unwrap();
    assert!(
        text.len() < BODY_LIMIT,
        "{} bytes: the body must be one the server reads",
        text.len()
    );
    app.authed(method, path, &user.token)
        .header("content-type", "application/json")
        .body(text)
        .send()
        .await
        .unwrap()
}

async fn ok_json(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let text = res.text().await.unwrap();
    assert_eq!(code, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Asserts a 422 whose only error is `code` on `field`.
async fn refused(res: reqwest::Response, field: &str, code: &str) {
    let body = assert_problem(res, 422, "validation_failed").await;
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(
        errors.len(),
        1,
        "one error for the list, not one per item: {body}"
    );
    assert_eq!(errors[0]["field"], field, "{body}");
    assert_eq!(errors[0]["code"], code, "{body}");
}

#[tokio::test]
async fn a_thread_with_thousands_of_tags_is_refused_by_its_length() {
    let app = spawn_app().await;
    let moderator = app.user("coordinator").await;
    let community = app.create_community(&moderator, "public").await;
    let member = app.user("member").await;
    assert!(matches!(
        app.join_community(&member, community).await,
        200 | 201
    ));
    let threads = format!("/api/v1/communities/{community}/threads");

    // The reported body: 38,000 distinct short tags, under the body limit.
    let many = short_tags(38_000);
    let body = json!({"kind": "discussion", "title": "Tags", "body": "x", "tags": many});
    refused(
        send(&app, &member, Method::POST, &threads, &body).await,
        "tags",
        "too_many_tags",
    )
    .await;

    // Five tags (the most) still make a thread; repeats beyond five are refused as sent.
    let five = short_tags(5);
    let body = json!({"kind": "discussion", "title": "Tags", "body": "x", "tags": five});
    let thread = ok_json(
        send(&app, &member, Method::POST, &threads, &body).await,
        201,
    )
    .await;
    assert_eq!(thread["tags"], json!(five));
    let body = json!({"kind": "discussion", "title": "Tags", "body": "x",
        "tags": ["osh", "osh", "osh", "osh", "osh", "osh"]});
    refused(
        send(&app, &member, Method::POST, &threads, &body).await,
        "tags",
        "too_many_tags",
    )
    .await;

    // The same on an edit, and the thread is left as it was.
    let path = format!("/api/v1/threads/{}", thread["id"]);
    refused(
        send(&app, &member, Method::PATCH, &path, &json!({"tags": many})).await,
        "tags",
        "too_many_tags",
    )
    .await;
    let edited = send(
        &app,
        &member,
        Method::PATCH,
        &path,
        &json!({"tags": ["wages"]}),
    )
    .await;
    assert_eq!(ok_json(edited, 200).await["tags"], json!(["wages"]));

    // A title is measured as sent: white space padding does not slip past the maximum.
    let padded = format!("{}Title", " ".repeat(200));
    let body = json!({"kind": "discussion", "title": padded, "body": "x"});
    refused(
        send(&app, &member, Method::POST, &threads, &body).await,
        "title",
        "invalid_length",
    )
    .await;

    // At most 50 mentions in a post; 50 are fine.
    let mentions = |n: usize| {
        (1..=n)
            .map(|i| format!("<@{i}>"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let posts = format!("/api/v1/threads/{}/posts", thread["id"]);
    refused(
        send(
            &app,
            &member,
            Method::POST,
            &posts,
            &json!({"body": mentions(51)}),
        )
        .await,
        "body",
        "too_many_mentions",
    )
    .await;
    let reply = send(
        &app,
        &member,
        Method::POST,
        &posts,
        &json!({"body": mentions(50)}),
    )
    .await;
    ok_json(reply, 201).await;
}

#[tokio::test]
async fn course_lists_are_bounded_and_orders_checked_before_the_transaction() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let course_body = |topics: Value| {
        json!({
            "slug": format!("c-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
            "default_language": "en",
            "title": "Limits",
            "topics": topics,
            "level": "introductory",
            "format": "self_paced",
        })
    };
    let courses = "/api/v1/courses";
    refused(
        send(
            &app,
            &trainer,
            Method::POST,
            courses,
            &course_body(json!(short_tags(30_000))),
        )
        .await,
        "topics",
        "too_many_topics",
    )
    .await;
    let twelve = short_tags(12);
    let course = send(
        &app,
        &trainer,
        Method::POST,
        courses,
        &course_body(json!(twelve)),
    )
    .await;
    let course = ok_json(course, 201).await;
    let id = course["id"].as_i64().unwrap();
    let path = format!("/api/v1/courses/{id}");
    refused(
        send(
            &app,
            &trainer,
            Method::PATCH,
            &path,
            &json!({"topics": short_tags(13)}),
        )
        .await,
        "topics",
        "too_many_topics",
    )
    .await;

    // Modules: an order of 30,000 ids is refused by its length, a repeated id before the
    // transaction; a course holds at most 100 modules, so every order fits.
    let modules = format!("/api/v1/courses/{id}/modules");
    let mut module_ids = Vec::new();
    for i in 0..100 {
        let res = send(
            &app,
            &trainer,
            Method::POST,
            &modules,
            &json!({"title": format!("M{i}")}),
        )
        .await;
        module_ids.push(ok_json(res, 201).await["id"].as_i64().unwrap());
    }
    let res = send(
        &app,
        &trainer,
        Method::POST,
        &modules,
        &json!({"title": "One more"}),
    )
    .await;
    assert_problem(res, 409, "too_many_modules").await;
    let order = format!("/api/v1/courses/{id}/modules/order");
    let huge: Vec<i64> = (1..=30_000).collect();
    refused(
        send(
            &app,
            &trainer,
            Method::PUT,
            &order,
            &json!({"module_ids": huge}),
        )
        .await,
        "module_ids",
        "too_many_items",
    )
    .await;
    let mut repeated = module_ids.clone();
    repeated[1] = repeated[0];
    refused(
        send(
            &app,
            &trainer,
            Method::PUT,
            &order,
            &json!({"module_ids": repeated}),
        )
        .await,
        "module_ids",
        "order_mismatch",
    )
    .await;
    let reversed: Vec<i64> = module_ids.iter().rev().copied().collect();
    let outline = send(
        &app,
        &trainer,
        Method::PUT,
        &order,
        &json!({"module_ids": reversed}),
    )
    .await;
    let outline = ok_json(outline, 200).await;
    let now: Vec<i64> = outline["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(now, reversed);

    // Lessons: captions at most 30 languages.
    let lessons = format!("/api/v1/modules/{}/lessons", module_ids[0]);
    let video = |captions: Vec<String>| {
        json!({"kind": "video", "title": "Clip", "url": "https://v.example.org/1",
            "caption_languages": captions})
    };
    let languages: Vec<String> = short_tags(40)
        .into_iter()
        .map(|t| format!("x{t}"))
        .collect();
    refused(
        send(
            &app,
            &trainer,
            Method::POST,
            &lessons,
            &video(languages.clone()),
        )
        .await,
        "caption_languages",
        "too_many_languages",
    )
    .await;
    let languages = ["en", "fil", "ceb", "EN"].map(String::from).to_vec();
    let lesson = send(&app, &trainer, Method::POST, &lessons, &video(languages)).await;
    assert_eq!(
        ok_json(lesson, 201).await["caption_languages"],
        json!(["en", "fil", "ceb"])
    );
}

#[tokio::test]
async fn a_profile_with_thousands_of_languages_is_refused_by_its_length() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    // The reported body: 25,000 distinct language tags (`en-000`, `en-001`, …).
    let many: Vec<String> = short_tags(25_000)
        .into_iter()
        .map(|t| format!("en-{t}"))
        .collect();
    refused(
        send(
            &app,
            &member,
            Method::PATCH,
            "/api/v1/me",
            &json!({"other_languages": many}),
        )
        .await,
        "other_languages",
        "too_many_languages",
    )
    .await;
    // Twenty (the most) are fine; repeats count as sent and are kept once.
    let twenty: Vec<String> = many[..20].to_vec();
    let me = send(
        &app,
        &member,
        Method::PATCH,
        "/api/v1/me",
        &json!({"other_languages": twenty}),
    )
    .await;
    assert_eq!(ok_json(me, 200).await["other_languages"], json!(twenty));
    let body = json!({"other_languages": ["fil", "FIL", "ceb"]});
    let me = send(&app, &member, Method::PATCH, "/api/v1/me", &body).await;
    assert_eq!(
        ok_json(me, 200).await["other_languages"],
        json!(["fil", "ceb"])
    );
    let body = json!({"other_languages": vec!["fil"; 21]});
    refused(
        send(&app, &member, Method::PATCH, "/api/v1/me", &body).await,
        "other_languages",
        "too_many_languages",
    )
    .await;
    // A bio is measured as sent.
    let body = json!({"bio": format!("{}bio", "\n".repeat(2_000))});
    refused(
        send(&app, &member, Method::PATCH, "/api/v1/me", &body).await,
        "bio",
        "invalid_bio",
    )
    .await;
}

#[tokio::test]
async fn secrets_and_addresses_longer_than_any_are_refused_before_they_are_read() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let post = |path: &'static str, body: Value| {
        let req = app.client.post(app.url(path)).json(&body);
        async move { req.send().await.unwrap() }
    };
    let long_password = "p".repeat(257);
    let res = post(
        "/api/v1/auth/login",
        json!({"email": member.email, "password": long_password}),
    )
    .await;
    refused(res, "password", "too_long").await;
    let res = post(
        "/api/v1/auth/login",
        json!({"email": format!("{}@example.org", "a".repeat(250)), "password": "x"}),
    )
    .await;
    refused(res, "email", "too_long").await;
    let res = post(
        "/api/v1/auth/refresh",
        json!({"refresh_token": "t".repeat(65)}),
    )
    .await;
    refused(res, "refresh_token", "too_long").await;
    let res = post(
        "/api/v1/auth/verify-email",
        json!({"token": "t".repeat(65)}),
    )
    .await;
    refused(res, "token", "too_long").await;
    let res = post(
        "/api/v1/auth/password/forgot",
        json!({"email": " ".repeat(300)}),
    )
    .await;
    refused(res, "email", "invalid_email").await;
    let res = send(
        &app,
        &member,
        Method::DELETE,
        "/api/v1/me",
        &json!({"password": long_password}),
    )
    .await;
    refused(res, "password", "too_long").await;
    // The account is still there, and a right password of ordinary length logs in.
    let res = post(
        "/api/v1/auth/login",
        json!({"email": member.email, "password": member.password}),
    )
    .await;
    ok_json(res, 200).await;
}

/// Every body is a JSON object: serde would otherwise read a struct from an array of its
/// fields in order, so `[]` passed for a PATCH whose fields are all optional (schemathesis
/// found it on `PATCH /communities/{id}`) and an array of values for a create.
#[tokio::test]
async fn a_body_must_be_an_object() {
    let app = spawn_app().await;
    let moderator = app.user("coordinator").await;
    let community = app.create_community(&moderator, "public").await;
    let path = format!("/api/v1/communities/{community}");
    let before = ok_json(
        app.authed(Method::GET, &path, &moderator.token)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;

    for body in [
        json!([]),
        json!(["Renamed", null, "en", "public", null]),
        json!("x"),
    ] {
        let res = send(&app, &moderator, Method::PATCH, &path, &body).await;
        let problem = assert_problem(res, 400, "invalid_body").await;
        assert!(
            problem["detail"].as_str().unwrap().contains("object"),
            "{problem}"
        );
    }
    let res = send(
        &app,
        &moderator,
        Method::POST,
        "/api/v1/communities",
        &json!(["Positional", "Fields", "en", "public"]),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;

    // Nothing changed, and an object still works.
    let after = ok_json(
        app.authed(Method::GET, &path, &moderator.token)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(after["name"], before["name"]);
    let res = send(&app, &moderator, Method::PATCH, &path, &json!({})).await;
    assert_eq!(ok_json(res, 200).await["name"], before["name"]);
}
