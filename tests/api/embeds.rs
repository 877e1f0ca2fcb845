//! Library resources where they are used (issue 14, item 6): posts embed resources their
//! readers may read, lessons show them in the reader's language, and a resource lists the
//! posts and lessons that use it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};
use crate::library::{create_resource, ok_json, resource_body, send};

/// A published toolkit (by a trainer) with its title in English and Filipino; its id.
async fn bilingual_toolkit(app: &TestApp, trainer: &TestUser) -> i64 {
    let r = create_resource(app, trainer, resource_body("Organising toolkit")).await;
    assert_eq!(r["status"], "published");
    let id = r["id"].as_i64().unwrap();
    let res = send(
        app,
        Method::PUT,
        &format!("/api/v1/resources/{id}/translations/fil"),
        Some(trainer),
        Some(json!({"title": "Gabay sa pag-oorganisa", "description": "Para sa mga tagapagturo ng unyon."})),
    )
    .await;
    ok_json(res, 201).await;
    id
}

fn embedded(post: &Value) -> Vec<i64> {
    post["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

fn listed(page: &Value, key: &str) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[key].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn posts_embed_the_resources_their_readers_may_read() {
    let app = spawn_app().await;
    let moderator = app.user("coordinator").await;
    let trainer = app.user("trainer").await;
    let community = app.create_community(&moderator, "public").await;
    let member = app.user("member").await;
    assert!(matches!(
        app.join_community(&member, community).await,
        200 | 201
    ));
    let other = app.user("member").await;
    assert!(matches!(
        app.join_community(&other, community).await,
        200 | 201
    ));

    let toolkit = bilingual_toolkit(&app, &trainer).await;
    // A member's own submission waits for moderation: they may embed it, nobody else sees it.
    let pending = create_resource(&app, &member, resource_body("My union's leaflet")).await;
    assert_eq!(pending["status"], "pending");
    let pending = pending["id"].as_i64().unwrap();
    let others_pending = create_resource(&app, &other, resource_body("Not yours")).await["id"]
        .as_i64()
        .unwrap();

    // A thread whose opening post embeds the toolkit.
    let thread = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/communities/{community}/threads"),
            Some(&member),
            Some(json!({"kind": "discussion", "title": "Organising riders", "body": "This helped us.", "resource_ids": [toolkit]})),
        )
        .await,
        201,
    )
    .await;
    let thread_id = thread["id"].as_i64().unwrap();
    let first = &thread["first_post"];
    assert_eq!(embedded(first), vec![toolkit]);
    let e = &first["resources"][0];
    assert_eq!(e["kind"], "toolkit");
    assert_eq!(e["language"], "en");
    assert_eq!(e["title"], "Organising toolkit");
    assert_eq!(e["href"], format!("/api/v1/resources/{toolkit}"));

    // A reply embedding the toolkit and the member's own pending resource.
    let posts = format!("/api/v1/threads/{thread_id}/posts");
    let reply = ok_json(
        send(
            &app,
            Method::POST,
            &posts,
            Some(&member),
            Some(json!({"body": "And our leaflet.", "resource_ids": [pending, toolkit]})),
        )
        .await,
        201,
    )
    .await;
    let reply_id = reply["id"].as_i64().unwrap();
    assert_eq!(embedded(&reply), vec![pending, toolkit], "in order");
    // The answer is built from what the reply's transaction holds: it is the post as read.
    let read = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/posts/{reply_id}"),
            Some(&member),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(read, reply);
    // Readers see only what they may read: the pending resource stays its author's.
    let page = ok_json(send(&app, Method::GET, &posts, None, None).await, 200).await;
    assert_eq!(embedded(&page["items"][1]), vec![toolkit]);
    let page = ok_json(
        send(&app, Method::GET, &posts, Some(&other), None).await,
        200,
    )
    .await;
    assert_eq!(embedded(&page["items"][1]), vec![toolkit]);

    // The reader's profile language picks the title; it rides with the kept login, so a
    // change to it is read at once.
    let path = format!("/api/v1/posts/{reply_id}");
    for (language, title) in [
        ("fil", "Gabay sa pag-oorganisa"),
        ("en", "Organising toolkit"),
    ] {
        let me = send(&app, Method::GET, "/api/v1/me", Some(&other), None).await;
        let res = app
            .authed(Method::PATCH, "/api/v1/me", &other.token)
            .header("If-Match", etag(&me))
            .json(&json!({"preferred_language": language}))
            .send()
            .await
            .unwrap();
        ok_json(res, 200).await;
        let post = ok_json(
            send(&app, Method::GET, &path, Some(&other), None).await,
            200,
        )
        .await;
        assert_eq!(post["resources"][0]["title"], title);
        assert_eq!(post["resources"][0]["language"], language);
    }

    // Bad lists: unknown, someone else's pending resource, repeated, too many.
    for ids in [
        json!([999_999]),
        json!([others_pending]),
        json!([toolkit, toolkit]),
        json!([1, 2, 3, 4, 5, 6]),
    ] {
        let res = send(
            &app,
            Method::POST,
            &posts,
            Some(&member),
            Some(json!({"body": "Look", "resource_ids": ids})),
        )
        .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "resource_ids", "{problem}");
    }
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/communities/{community}/threads"),
        Some(&member),
        Some(json!({"kind": "discussion", "title": "Not yours", "body": "x", "resource_ids": [others_pending]})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;

    // Editing: absent keeps them; a new list replaces them and makes a new version.
    let path = format!("/api/v1/posts/{reply_id}");
    let res = send(&app, Method::GET, &path, Some(&member), None).await;
    let before = etag(&res);
    let res = app
        .authed(Method::PATCH, &path, &member.token)
        .header("If-Match", before.clone())
        .json(&json!({"body": "And our leaflet."}))
        .send()
        .await
        .unwrap();
    assert_eq!(etag(&res), before, "nothing changed");
    assert_eq!(embedded(&ok_json(res, 200).await), vec![pending, toolkit]);
    let res = app
        .authed(Method::PATCH, &path, &member.token)
        .header("If-Match", before.clone())
        .json(&json!({"body": "And our leaflet.", "resource_ids": [toolkit]}))
        .send()
        .await
        .unwrap();
    assert_ne!(etag(&res), before);
    assert_eq!(embedded(&ok_json(res, 200).await), vec![toolkit]);
    let res = app
        .authed(Method::PATCH, &path, &member.token)
        .json(&json!({"body": "x", "resource_ids": null}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "invalid_body").await;

    // The toolkit lists the posts that embed it, newest first, as each reader may see them.
    let secret = app.create_community(&moderator, "private").await;
    let hidden_thread = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/communities/{secret}/threads"),
            Some(&moderator),
            Some(json!({"kind": "discussion", "title": "Staff only", "body": "See this.", "resource_ids": [toolkit]})),
        )
        .await,
        201,
    )
    .await;
    let hidden_post = hidden_thread["first_post"]["id"].as_i64().unwrap();
    let first_id = first["id"].as_i64().unwrap();
    let uses = format!("/api/v1/resources/{toolkit}/posts");
    let page = ok_json(send(&app, Method::GET, &uses, None, None).await, 200).await;
    assert_eq!(listed(&page, "post_id"), vec![reply_id, first_id]);
    assert_eq!(page["items"][0]["thread_title"], "Organising riders");
    assert_eq!(page["items"][0]["community"]["id"], community);
    assert_eq!(
        page["items"][0]["href"],
        format!("/api/v1/posts/{reply_id}")
    );
    let page = ok_json(
        send(&app, Method::GET, &uses, Some(&moderator), None).await,
        200,
    )
    .await;
    assert_eq!(
        listed(&page, "post_id"),
        vec![hidden_post, reply_id, first_id]
    );
    // Paged with the one cursor.
    let one = ok_json(
        send(&app, Method::GET, &format!("{uses}?limit=1"), None, None).await,
        200,
    )
    .await;
    let cursor = one["next_cursor"].as_str().unwrap().to_owned();
    let two = ok_json(
        send(
            &app,
            Method::GET,
            &format!("{uses}?limit=1&cursor={cursor}"),
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(listed(&two, "post_id"), vec![first_id]);
    // A deleted post is no longer a use.
    let res = app
        .authed(Method::DELETE, &path, &member.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    let page = ok_json(send(&app, Method::GET, &uses, None, None).await, 200).await;
    assert_eq!(listed(&page, "post_id"), vec![first_id]);
    // A resource the caller may not read lists nothing: 404, as for an unknown one.
    for id in [pending, 999_999] {
        let res = send(
            &app,
            Method::GET,
            &format!("/api/v1/resources/{id}/posts"),
            Some(&other),
            None,
        )
        .await;
        assert_problem(res, 404, "not_found").await;
    }
}

#[tokio::test]
async fn lessons_show_resources_in_the_readers_language_and_resources_list_their_lessons() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let toolkit = bilingual_toolkit(&app, &trainer).await;
    for (lang, text) in [("en", "# Toolkit\n"), ("fil", "# Gabay\n")] {
        let res = app
            .authed(
                Method::POST,
                &format!("/api/v1/resources/{toolkit}/files"),
                &trainer.token,
            )
            .query(&[("language", lang), ("file_name", "toolkit.md")])
            .header("Content-Type", "application/octet-stream")
            .body(text.as_bytes().to_vec())
            .send()
            .await
            .unwrap();
        ok_json(res, 201).await;
    }
    let course = ok_json(
        send(
            &app,
            Method::POST,
            "/api/v1/courses",
            Some(&trainer),
            Some(json!({"slug": "embeds", "default_language": "en", "title": "Organising", "summary": "How", "description": "Why", "topics": ["organising"], "level": "introductory", "format": "self_paced"})),
        )
        .await,
        201,
    )
    .await;
    let course_id = course["id"].as_i64().unwrap();
    let module = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/courses/{course_id}/modules"),
            Some(&trainer),
            Some(json!({"title": "First"})),
        )
        .await,
        201,
    )
    .await;
    let lesson = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/modules/{}/lessons", module["id"]),
            Some(&trainer),
            Some(json!({"kind": "text", "title": "Talk to ten co-workers", "content": "Start."})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/lessons/{lesson}/resources");
    let res = send(
        &app,
        Method::PUT,
        &path,
        Some(&trainer),
        Some(json!({"resource_ids": [toolkit]})),
    )
    .await;
    let put = ok_json(res, 200).await;
    assert_eq!(put["resources"][0]["title"], "Organising toolkit");

    // The resource lists the lesson: a draft course's lesson only for those who see drafts.
    let uses = format!("/api/v1/resources/{toolkit}/lessons");
    let page = ok_json(send(&app, Method::GET, &uses, None, None).await, 200).await;
    assert_eq!(page["items"], json!([]));
    let page = ok_json(
        send(&app, Method::GET, &uses, Some(&trainer), None).await,
        200,
    )
    .await;
    assert_eq!(listed(&page, "lesson_id"), vec![lesson]);
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{course_id}/publish"),
        Some(&coordinator),
        None,
    )
    .await;
    ok_json(res, 200).await;
    let page = ok_json(send(&app, Method::GET, &uses, None, None).await, 200).await;
    assert_eq!(listed(&page, "lesson_id"), vec![lesson]);
    let item = &page["items"][0];
    assert_eq!(item["course_id"], course_id);
    assert_eq!(item["lesson_title"], "Talk to ten co-workers");
    assert_eq!(item["course_title"], "Organising");
    assert_eq!(item["href"], format!("/api/v1/lessons/{lesson}"));

    // In Filipino: the resource's Filipino title and its Filipino file.
    let res = app
        .client
        .get(app.url(&path))
        .header("Accept-Language", "fil")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-language"], "fil");
    assert_eq!(res.headers()["vary"], "Accept-Language");
    let body = ok_json(res, 200).await;
    assert_eq!(body["resource_ids"], json!([toolkit]));
    let e = &body["resources"][0];
    assert_eq!(e["title"], "Gabay sa pag-oorganisa");
    assert_eq!(e["file"]["language"], "fil");
    assert_eq!(e["file"]["media_type"], "text/markdown; charset=utf-8");
    let download = e["file"]["download_url"].as_str().unwrap().to_owned();
    let res = send(&app, Method::GET, &download, None, None).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.text().await.unwrap(), "# Gabay\n");
    // `?lang=` wins over Accept-Language, as everywhere.
    let body = ok_json(
        send(&app, Method::GET, &format!("{path}?lang=en"), None, None).await,
        200,
    )
    .await;
    assert_eq!(body["resources"][0]["file"]["language"], "en");

    // A resource taken down disappears from the lesson (the link stays for its editors to
    // see in `resource_ids`), and lists nothing any more: 410.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/resources/{toolkit}/takedown"),
        Some(&coordinator),
        Some(json!({"reason": "Superseded by the 2026 edition."})),
    )
    .await;
    ok_json(res, 200).await;
    let body = ok_json(send(&app, Method::GET, &path, None, None).await, 200).await;
    assert_eq!(body["resource_ids"], json!([toolkit]));
    assert_eq!(body["resources"], json!([]));
    let res = send(&app, Method::GET, &uses, None, None).await;
    assert_problem(res, 410, "resource_taken_down").await;
}
