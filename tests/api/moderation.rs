//! Tests of the community of practice: moderation.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};

/// A public community moderated by its creator (a coordinator), with an author who
/// started a thread and replied, and a reporter; both members.
struct Scene {
    moderator: TestUser,
    author: TestUser,
    reporter: TestUser,
    community: i64,
    thread: i64,
    opening: i64,
    reply: i64,
}

async fn scene(app: &TestApp, visibility: &str) -> Scene {
    let moderator = app
        .user(if visibility == "private" {
            "trainer"
        } else {
            "coordinator"
        })
        .await;
    let author = app.user("member").await;
    let reporter = app.user("member").await;
    let community = app.create_community(&moderator, visibility).await;
    if visibility == "private" {
        app.add_member(&moderator, community, &author).await;
        app.add_member(&moderator, community, &reporter).await;
    } else {
        assert!(matches!(
            app.join_community(&author, community).await,
            200 | 201
        ));
        assert!(matches!(
            app.join_community(&reporter, community).await,
            200 | 201
        ));
    }
    let (thread, opening) = app
        .create_thread(
            &author,
            community,
            "discussion",
            "Organising online",
            "How do you start?",
        )
        .await;
    let reply = app
        .reply(&author, thread, "Start with a shared agenda.")
        .await;
    Scene {
        moderator,
        author,
        reporter,
        community,
        thread,
        opening,
        reply,
    }
}

async fn flag(app: &TestApp, user: &TestUser, post: i64, body: Value) -> (u16, Value) {
    app.send_as(
        user,
        Method::POST,
        &format!("/api/v1/posts/{post}/flags"),
        Some(body),
    )
    .await
}

async fn post(app: &TestApp, user: &TestUser, path: &str, body: Option<Value>) -> (u16, Value) {
    app.send_as(user, Method::POST, path, body).await
}

fn assert_code(got: &(u16, Value), status: u16, code: &str) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["code"], code, "{}", got.1);
}

/// The ids of the posts `user` sees in the thread.
async fn visible_posts(app: &TestApp, user: &TestUser, thread: i64) -> Vec<(i64, bool)> {
    let (status, body) = app
        .get_as(Some(user), &format!("/api/v1/threads/{thread}/posts"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_i64().unwrap(),
                p["hidden"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

fn hidden_at(app: &TestApp, post_id: i64) -> Option<chrono::NaiveDateTime> {
    use bayanihan::db::schema::posts;
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    posts::table
        .find(post_id)
        .select(posts::hidden_at)
        .first(&mut *conn)
        .unwrap()
}

/// The kinds of the notifications `user_id` received about `post_id`, oldest first.
fn notices(app: &TestApp, user_id: i64, post_id: i64) -> Vec<String> {
    use bayanihan::db::schema::notifications;
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::post_id.eq(post_id))
        .order(notifications::id.asc())
        .select(notifications::kind)
        .load(&mut *conn)
        .unwrap()
}

async fn log_actions(app: &TestApp, user: &TestUser, community: i64) -> Vec<Value> {
    let (status, body) = app
        .get_as(
            Some(user),
            &format!("/api/v1/communities/{community}/moderation-log"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn members_flag_posts_once() {
    let app = spawn_app().await;
    let s = scene(&app, "public").await;

    let (status, body) = flag(
        &app,
        &s.reporter,
        s.reply,
        json!({"reason": "off_topic", "note": "Not about organising"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["post_id"], s.reply);
    assert_eq!(body["reason"], "off_topic");
    assert_eq!(body["note"], "Not about organising");
    assert_eq!(body["status"], "open");
    assert!(body["id"].as_i64().is_some());
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));

    let again = flag(&app, &s.reporter, s.reply, json!({"reason": "spam"})).await;
    assert_code(&again, 409, "already_flagged");

    let own = flag(&app, &s.author, s.reply, json!({"reason": "spam"})).await;
    assert_code(&own, 422, "validation_failed");
    assert_eq!(own.1["errors"][0]["code"], "own_post");

    let outsider = app.user("member").await;
    let not_member = flag(&app, &outsider, s.reply, json!({"reason": "spam"})).await;
    assert_code(&not_member, 403, "not_a_member");

    let anonymous = app
        .client
        .post(app.url(&format!("/api/v1/posts/{}/flags", s.reply)))
        .json(&json!({"reason": "spam"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);

    let bad_reason = flag(&app, &s.reporter, s.opening, json!({"reason": "rude"})).await;
    assert_eq!(bad_reason.0, 400, "{}", bad_reason.1);
    let unknown = flag(
        &app,
        &s.reporter,
        s.opening,
        json!({"reason": "spam", "x": 1}),
    )
    .await;
    assert_eq!(unknown.0, 400, "{}", unknown.1);
    let long_note = flag(
        &app,
        &s.reporter,
        s.opening,
        json!({"reason": "other", "note": "x".repeat(1001)}),
    )
    .await;
    assert_code(&long_note, 422, "validation_failed");
    let missing = flag(&app, &s.reporter, 999_999, json!({"reason": "spam"})).await;
    assert_code(&missing, 404, "not_found");

    // A deleted post cannot be flagged.
    let (status, _) = app
        .send_as(
            &s.author,
            Method::DELETE,
            &format!("/api/v1/posts/{}", s.reply),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let other = app.user("member").await;
    app.join_community(&other, s.community).await;
    let deleted = flag(&app, &other, s.reply, json!({"reason": "spam"})).await;
    assert_code(&deleted, 409, "post_deleted");
}

#[tokio::test]
async fn private_community_flags_are_not_found_by_outsiders() {
    let app = spawn_app().await;
    let s = scene(&app, "private").await;
    let outsider = app.user("member").await;
    let staff = app.user("coordinator").await;

    let res = flag(&app, &outsider, s.reply, json!({"reason": "spam"})).await;
    assert_code(&res, 404, "not_found");
    let (status, body) = flag(&app, &s.reporter, s.reply, json!({"reason": "abuse"})).await;
    assert_eq!(status, 201, "{body}");
    let flag_id = body["id"].as_i64().unwrap();

    for user in [&outsider, &staff] {
        let queue = app
            .get_as(
                Some(user),
                &format!("/api/v1/communities/{}/flags", s.community),
            )
            .await;
        assert_code(&queue, 404, "not_found");
        let log = app
            .get_as(
                Some(user),
                &format!("/api/v1/communities/{}/moderation-log", s.community),
            )
            .await;
        assert_code(&log, 404, "not_found");
        let resolve = post(
            &app,
            user,
            &format!("/api/v1/flags/{flag_id}/resolve"),
            Some(json!({"outcome": "upheld"})),
        )
        .await;
        assert_code(&resolve, 404, "not_found");
        let hide = post(
            &app,
            user,
            &format!("/api/v1/posts/{}/hide", s.reply),
            Some(json!({"reason": "spam"})),
        )
        .await;
        assert_code(&hide, 404, "not_found");
        let lock = post(
            &app,
            user,
            &format!("/api/v1/threads/{}/lock", s.thread),
            None,
        )
        .await;
        assert_code(&lock, 404, "not_found");
    }

    // The private community's own moderator (a trainer) moderates it.
    let resolve = post(
        &app,
        &s.moderator,
        &format!("/api/v1/flags/{flag_id}/resolve"),
        Some(json!({"outcome": "dismissed"})),
    )
    .await;
    assert_eq!(resolve.0, 200, "{}", resolve.1);
    assert_eq!(resolve.1["status"], "dismissed");
}

#[tokio::test]
async fn the_queue_is_for_moderators() {
    let app = spawn_app().await;
    let s = scene(&app, "public").await;
    let (status, body) = flag(&app, &s.reporter, s.reply, json!({"reason": "spam"})).await;
    assert_eq!(status, 201, "{body}");
    let flag_id = body["id"].as_i64().unwrap();

    let path = format!("/api/v1/communities/{}/flags", s.community);
    for user in [&s.reporter, &s.author] {
        assert_code(&app.get_as(Some(user), &path).await, 403, "not_a_moderator");
    }
    assert_eq!(app.get_as(None, &path).await.0, 401);

    let (status, queue) = app.get_as(Some(&s.moderator), &path).await;
    assert_eq!(status, 200, "{queue}");
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item["id"], flag_id);
    assert_eq!(item["post"]["id"], s.reply);
    assert_eq!(item["post"]["thread_id"], s.thread);
    assert_eq!(item["post"]["author"]["id"], s.author.id);
    assert_eq!(item["post"]["author"]["display_name"], "Test member");
    assert_eq!(item["post"]["excerpt"], "Start with a shared agenda.");
    assert_eq!(item["post"]["hidden"], false);
    assert_eq!(item["reporter"]["id"], s.reporter.id);
    assert_eq!(item["reason"], "spam");
    assert_eq!(item["status"], "open");
    assert!(item["resolved_at"].is_null());
    assert!(queue["next_cursor"].is_null());

    let (status, upheld) = app
        .get_as(Some(&s.moderator), &format!("{path}?status=upheld"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(upheld["items"], json!([]));
    assert_eq!(
        app.get_as(Some(&s.moderator), &format!("{path}?status=closed"))
            .await
            .0,
        400
    );
    assert_code(
        &app.get_as(Some(&s.moderator), "/api/v1/communities/999999/flags")
            .await,
        404,
        "not_found",
    );

    // Pages.
    let third = app.user("member").await;
    app.join_community(&third, s.community).await;
    flag(&app, &third, s.reply, json!({"reason": "other"})).await;
    let (_, first) = app
        .get_as(Some(&s.moderator), &format!("{path}?limit=1"))
        .await;
    assert_eq!(first["items"][0]["id"], flag_id);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = app
        .get_as(
            Some(&s.moderator),
            &format!("{path}?limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["reporter"]["id"], third.id);
    assert!(second["next_cursor"].is_null());
}

#[tokio::test]
async fn upholding_a_flag_hides_the_post_and_closes_its_flags() {
    let app = spawn_app().await;
    let s = scene(&app, "public").await;
    let second = app.user("member").await;
    app.join_community(&second, s.community).await;
    let (_, first_flag) = flag(&app, &s.reporter, s.reply, json!({"reason": "spam"})).await;
    let (_, second_flag) = flag(&app, &second, s.reply, json!({"reason": "abuse"})).await;
    let (_, other_post_flag) = flag(&app, &second, s.opening, json!({"reason": "other"})).await;
    let flag_id = first_flag["id"].as_i64().unwrap();
    let resolve_path = format!("/api/v1/flags/{flag_id}/resolve");

    // Members may not decide.
    let denied = post(
        &app,
        &second,
        &resolve_path,
        Some(json!({"outcome": "upheld"})),
    )
    .await;
    assert_code(&denied, 403, "not_a_moderator");
    let bad = post(
        &app,
        &s.moderator,
        &resolve_path,
        Some(json!({"outcome": "maybe"})),
    )
    .await;
    assert_eq!(bad.0, 400);
    assert!(hidden_at(&app, s.reply).is_none());

    let (status, body) = post(
        &app,
        &s.moderator,
        &resolve_path,
        Some(json!({"outcome": "upheld", "reason": "Advertising"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], flag_id);
    assert_eq!(body["status"], "upheld");
    assert!(body["resolved_at"].is_string());
    assert!(hidden_at(&app, s.reply).is_some());

    let again = post(
        &app,
        &s.moderator,
        &resolve_path,
        Some(json!({"outcome": "dismissed"})),
    )
    .await;
    assert_code(&again, 409, "flag_resolved");
    let second_again = post(
        &app,
        &s.moderator,
        &format!("/api/v1/flags/{}/resolve", second_flag["id"]),
        Some(json!({"outcome": "dismissed"})),
    )
    .await;
    assert_code(&second_again, 409, "flag_resolved");

    let path = format!("/api/v1/communities/{}/flags", s.community);
    let (_, open) = app.get_as(Some(&s.moderator), &path).await;
    let open: Vec<i64> = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(open, vec![other_post_flag["id"].as_i64().unwrap()]);
    let (_, upheld) = app
        .get_as(Some(&s.moderator), &format!("{path}?status=upheld"))
        .await;
    assert_eq!(upheld["items"].as_array().unwrap().len(), 2);
    assert_eq!(upheld["items"][0]["post"]["hidden"], true);

    // Each reporter hears of the decision, the author of the hidden post (once).
    assert_eq!(notices(&app, s.reporter.id, s.reply), vec!["flag_resolved"]);
    assert_eq!(notices(&app, second.id, s.reply), vec!["flag_resolved"]);
    assert_eq!(notices(&app, s.author.id, s.reply), vec!["post_hidden"]);
    assert!(notices(&app, s.moderator.id, s.reply).is_empty());

    // Hidden from other members, still shown to its author and the moderators.
    let seen = visible_posts(&app, &second, s.thread).await;
    assert!(!seen.iter().any(|(id, _)| *id == s.reply), "{seen:?}");
    assert!(
        visible_posts(&app, &s.author, s.thread)
            .await
            .contains(&(s.reply, true))
    );
    assert!(
        visible_posts(&app, &s.moderator, s.thread)
            .await
            .contains(&(s.reply, true))
    );
    // A hidden post cannot be flagged by those who cannot see it.
    let third = app.user("member").await;
    app.join_community(&third, s.community).await;
    let hidden = flag(&app, &third, s.reply, json!({"reason": "spam"})).await;
    assert_code(&hidden, 404, "not_found");

    let log = log_actions(&app, &s.moderator, s.community).await;
    assert_eq!(log[0]["action"], "uphold_flag");
    assert_eq!(log[0]["post_id"], s.reply);
    assert_eq!(log[0]["thread_id"], s.thread);
    assert_eq!(log[0]["reason"], "Advertising");
    assert_eq!(log[0]["moderator"]["id"], s.moderator.id);
    assert_eq!(log[0]["target_user"]["id"], s.author.id);
}

#[tokio::test]
async fn dismissing_a_flag_keeps_the_post() {
    let app = spawn_app().await;
    let s = scene(&app, "members").await;
    let (_, f) = flag(&app, &s.reporter, s.reply, json!({"reason": "privacy"})).await;
    let (status, body) = post(
        &app,
        &s.moderator,
        &format!("/api/v1/flags/{}/resolve", f["id"]),
        Some(json!({"outcome": "dismissed"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "dismissed");
    assert!(hidden_at(&app, s.reply).is_none());
    let log = log_actions(&app, &s.moderator, s.community).await;
    assert_eq!(log[0]["action"], "dismiss_flag");
    assert!(log[0]["reason"].is_null());
    // A decided flag no longer blocks a new one.
    let (status, _) = flag(&app, &s.reporter, s.reply, json!({"reason": "privacy"})).await;
    assert_eq!(status, 201);
    let missing = post(
        &app,
        &s.moderator,
        "/api/v1/flags/999999/resolve",
        Some(json!({"outcome": "dismissed"})),
    )
    .await;
    assert_code(&missing, 404, "not_found");
}

#[tokio::test]
async fn moderators_hide_and_restore_posts() {
    let app = spawn_app().await;
    let s = scene(&app, "public").await;
    let hide_path = format!("/api/v1/posts/{}/hide", s.reply);
    let restore_path = format!("/api/v1/posts/{}/restore", s.reply);

    let denied = post(&app, &s.reporter, &hide_path, Some(json!({"reason": "no"}))).await;
    assert_code(&denied, 403, "not_a_moderator");
    let empty = post(
        &app,
        &s.moderator,
        &hide_path,
        Some(json!({"reason": "  "})),
    )
    .await;
    assert_code(&empty, 422, "validation_failed");
    let long = post(
        &app,
        &s.moderator,
        &hide_path,
        Some(json!({"reason": "x".repeat(501)})),
    )
    .await;
    assert_code(&long, 422, "validation_failed");
    let missing = post(&app, &s.moderator, &hide_path, Some(json!({}))).await;
    assert_eq!(missing.0, 400);

    let (_, thread) = app
        .get_as(Some(&s.reporter), &format!("/api/v1/threads/{}", s.thread))
        .await;
    assert_eq!(thread["reply_count"], 1, "{thread}");

    let hidden = post(
        &app,
        &s.moderator,
        &hide_path,
        Some(json!({"reason": "Personal data"})),
    )
    .await;
    assert_eq!(hidden.0, 204, "{}", hidden.1);
    assert!(hidden_at(&app, s.reply).is_some());
    let (_, thread) = app
        .get_as(Some(&s.reporter), &format!("/api/v1/threads/{}", s.thread))
        .await;
    assert_eq!(thread["reply_count"], 0, "{thread}");
    assert!(
        !visible_posts(&app, &s.reporter, s.thread)
            .await
            .iter()
            .any(|(id, _)| *id == s.reply)
    );
    assert!(
        visible_posts(&app, &s.author, s.thread)
            .await
            .contains(&(s.reply, true))
    );

    let twice = post(
        &app,
        &s.moderator,
        &hide_path,
        Some(json!({"reason": "again"})),
    )
    .await;
    assert_code(&twice, 409, "already_hidden");
    let denied = post(&app, &s.reporter, &restore_path, Some(json!({}))).await;
    assert_code(&denied, 403, "not_a_moderator");

    let restored = post(&app, &s.moderator, &restore_path, Some(json!({}))).await;
    assert_eq!(restored.0, 204, "{}", restored.1);
    assert!(hidden_at(&app, s.reply).is_none());
    assert!(
        visible_posts(&app, &s.reporter, s.thread)
            .await
            .contains(&(s.reply, false))
    );
    assert_eq!(
        notices(&app, s.author.id, s.reply),
        vec!["post_hidden", "post_restored"]
    );
    let twice = post(
        &app,
        &s.moderator,
        &restore_path,
        Some(json!({"reason": "ok"})),
    )
    .await;
    assert_code(&twice, 409, "not_hidden");

    // Hiding the opening post hides that post only; the thread stays.
    let opening = post(
        &app,
        &s.moderator,
        &format!("/api/v1/posts/{}/hide", s.opening),
        Some(json!({"reason": "Spam"})),
    )
    .await;
    assert_eq!(opening.0, 204);
    let (status, _) = app
        .get_as(Some(&s.reporter), &format!("/api/v1/threads/{}", s.thread))
        .await;
    assert_eq!(status, 200);

    let log = log_actions(&app, &s.moderator, s.community).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["hide_post", "restore_post", "hide_post"]);
    assert_eq!(log[2]["reason"], "Personal data");
    assert_eq!(log[2]["post_id"], s.reply);
    assert!(log[1]["reason"].is_null());
}

#[tokio::test]
async fn moderators_lock_and_pin_threads() {
    let app = spawn_app().await;
    let s = scene(&app, "public").await;
    let base = format!("/api/v1/threads/{}", s.thread);

    for action in ["lock", "unlock", "pin", "unpin"] {
        let denied = post(&app, &s.author, &format!("{base}/{action}"), None).await;
        assert_code(&denied, 403, "not_a_moderator");
    }
    let log_path = format!("/api/v1/communities/{}/moderation-log", s.community);
    assert_code(
        &app.get_as(Some(&s.author), &log_path).await,
        403,
        "not_a_moderator",
    );

    assert_eq!(
        post(&app, &s.moderator, &format!("{base}/lock"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        post(&app, &s.moderator, &format!("{base}/lock"), None)
            .await
            .0,
        204
    );
    let (_, thread) = app.get_as(Some(&s.author), &base).await;
    assert_eq!(thread["locked"], true, "{thread}");
    let res = app
        .send_as(
            &s.reporter,
            Method::POST,
            &format!("{base}/posts"),
            Some(json!({"body": "Me too"})),
        )
        .await;
    assert_code(&res, 409, "thread_locked");

    assert_eq!(
        post(&app, &s.moderator, &format!("{base}/pin"), None)
            .await
            .0,
        204
    );
    let (_, thread) = app.get_as(Some(&s.author), &base).await;
    assert_eq!(thread["pinned"], true);
    assert_eq!(
        post(&app, &s.moderator, &format!("{base}/unpin"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        post(&app, &s.moderator, &format!("{base}/unlock"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        post(&app, &s.moderator, &format!("{base}/unlock"), None)
            .await
            .0,
        204
    );
    let (_, thread) = app.get_as(Some(&s.author), &base).await;
    assert_eq!(thread["locked"], false);
    assert_eq!(thread["pinned"], false);

    let log = log_actions(&app, &s.moderator, s.community).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        vec!["unlock_thread", "unpin_thread", "pin_thread", "lock_thread"]
    );
    assert_eq!(log[0]["thread_id"], s.thread);
    assert!(log[0]["post_id"].is_null());
    assert!(log[0]["target_user"].is_null());
    assert_eq!(log[0]["moderator"]["display_name"], "Test coordinator");

    // Pages, newest first.
    let (_, first) = app
        .get_as(Some(&s.moderator), &format!("{log_path}?limit=3"))
        .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, rest) = app
        .get_as(
            Some(&s.moderator),
            &format!("{log_path}?limit=3&cursor={cursor}"),
        )
        .await;
    assert_eq!(rest["items"][0]["action"], "lock_thread");
    assert!(rest["next_cursor"].is_null());

    // A deleted thread is gone.
    assert_code(
        &post(&app, &s.moderator, "/api/v1/threads/999999/lock", None).await,
        404,
        "not_found",
    );
    let (status, _) = app.send_as(&s.author, Method::DELETE, &base, None).await;
    assert_eq!(status, 204);
    assert_code(
        &post(&app, &s.moderator, &format!("{base}/pin"), None).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn staff_moderate_public_communities_without_joining() {
    let app = spawn_app().await;
    let s = scene(&app, "public").await;
    let staff = app.user("admin").await;
    let (_, f) = flag(&app, &s.reporter, s.reply, json!({"reason": "spam"})).await;

    let (status, queue) = app
        .get_as(
            Some(&staff),
            &format!("/api/v1/communities/{}/flags", s.community),
        )
        .await;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    let resolved = post(
        &app,
        &staff,
        &format!("/api/v1/flags/{}/resolve", f["id"]),
        Some(json!({"outcome": "upheld"})),
    )
    .await;
    assert_eq!(resolved.0, 200, "{}", resolved.1);
    assert_eq!(
        post(
            &app,
            &staff,
            &format!("/api/v1/threads/{}/lock", s.thread),
            None
        )
        .await
        .0,
        204
    );
    let log = log_actions(&app, &staff, s.community).await;
    assert_eq!(log[0]["moderator"]["id"], staff.id);
    assert_eq!(log[0]["action"], "lock_thread");

    // But not a private community they are not in.
    let p = scene(&app, "private").await;
    let hide = post(
        &app,
        &staff,
        &format!("/api/v1/posts/{}/hide", p.reply),
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_code(&hide, 404, "not_found");
}

#[tokio::test]
async fn a_flag_is_read_at_its_location_by_its_reporter_and_the_moderators() {
    let app = spawn_app().await;
    let s = scene(&app, "public").await;
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/posts/{}/flags", s.reply),
            &s.reporter.token,
        )
        .json(&json!({"reason": "spam", "note": "Looks like an advert"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/flags/{}", created["id"]));

    let (status, body) = app.get_as(Some(&s.reporter), &location).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, created);
    let (status, body) = app.get_as(Some(&s.moderator), &location).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "open");
    // The flagged post's author and other members do not learn who flagged what.
    let got = app.get_as(Some(&s.author), &location).await;
    assert_code(&got, 404, "not_found");
    let (status, _) = app.get_as(None, &location).await;
    assert_eq!(status, 401);
    let got = app.get_as(Some(&s.reporter), "/api/v1/flags/999999").await;
    assert_code(&got, 404, "not_found");
}
