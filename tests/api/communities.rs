//! Tests of the community of practice: communities and memberships.

use bayanihan::db::schema::{
    community_members, moderation_log, notifications, thread_subscriptions, threads,
};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

/// POST /communities with `body`; returns the response.
async fn post_community(app: &TestApp, user: &TestUser, body: Value) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/communities", &user.token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Creates a community named `name`; returns its id.
async fn create_named(app: &TestApp, user: &TestUser, name: &str, visibility: &str) -> i64 {
    let res = post_community(
        app,
        user,
        json!({"name": name, "language": "en", "visibility": visibility}),
    )
    .await;
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

fn member_status(app: &TestApp, community: i64, user: i64) -> Option<String> {
    let mut conn = app.db.conn().unwrap();
    community_members::table
        .find((community, user))
        .select(community_members::status)
        .first(&mut *conn)
        .optional()
        .unwrap()
}

fn logged_actions(app: &TestApp, community: i64) -> Vec<String> {
    let mut conn = app.db.conn().unwrap();
    moderation_log::table
        .filter(moderation_log::community_id.eq(community))
        .order(moderation_log::id.asc())
        .select(moderation_log::action)
        .load(&mut *conn)
        .unwrap()
}

/// A thread in `community` watched by `user`, made directly (threads are the forums' part).
fn watched_thread(app: &TestApp, community: i64, author: i64, user: i64) -> i64 {
    let mut conn = app.db.conn().unwrap();
    let now = bayanihan::db::now();
    let thread: i64 = diesel::insert_into(threads::table)
        .values((
            threads::community_id.eq(community),
            threads::author_id.eq(author),
            threads::kind.eq("discussion"),
            threads::title.eq("Mobilising riders"),
            threads::last_activity_at.eq(now),
            threads::created_at.eq(now),
            threads::updated_at.eq(now),
        ))
        .returning(threads::id)
        .get_result(&mut *conn)
        .unwrap();
    diesel::insert_into(thread_subscriptions::table)
        .values((
            thread_subscriptions::thread_id.eq(thread),
            thread_subscriptions::user_id.eq(user),
            thread_subscriptions::created_at.eq(now),
        ))
        .execute(&mut *conn)
        .unwrap();
    thread
}

/// The kinds of the notifications `user` got about `community`, oldest first.
fn notified(app: &TestApp, community: i64, user: i64) -> Vec<String> {
    let mut conn = app.db.conn().unwrap();
    notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::community_id.eq(community))
        .order(notifications::id.asc())
        .select(notifications::kind)
        .load(&mut *conn)
        .unwrap()
}

fn subscriptions(app: &TestApp, user: i64) -> i64 {
    let mut conn = app.db.conn().unwrap();
    thread_subscriptions::table
        .filter(thread_subscriptions::user_id.eq(user))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

#[tokio::test]
async fn coordinators_create_any_community_trainers_only_private_ones() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;

    let res = post_community(
        &app,
        &coordinator,
        json!({"name": "Platform  Organisers", "slug": "platform-organisers",
               "description": "Share **what works**. <script>alert(1)</script>",
               "language": "FIL", "visibility": "public"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(res.headers().contains_key("etag"));
    let body: Value = res.json().await.unwrap();
    let id = body["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/communities/{id}"));
    assert_eq!(body["name"], "Platform Organisers");
    assert_eq!(body["slug"], "platform-organisers");
    assert_eq!(body["language"], "fil");
    assert_eq!(body["visibility"], "public");
    assert_eq!(body["member_count"], 1);
    assert_eq!(body["thread_count"], 0);
    assert_eq!(body["last_activity_at"], Value::Null);
    assert_eq!(body["course_id"], Value::Null);
    let html = body["description_html"].as_str().unwrap();
    assert!(html.contains("<strong>what works</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert_eq!(
        body["my_membership"],
        json!({"role": "moderator", "status": "active", "email_preference": "daily", "watching": true})
    );

    // Trainers: private only.
    let res = post_community(
        &app,
        &trainer,
        json!({"name": "Trainers' corner", "language": "en", "visibility": "members"}),
    )
    .await;
    assert_problem(res, 403, "private_only").await;
    let res = post_community(
        &app,
        &trainer,
        json!({"name": "Trainers' corner", "language": "en", "visibility": "private"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["slug"], "trainers-corner", "slug made from the name");
    assert_eq!(body["my_membership"]["role"], "moderator");

    // Members: none.
    let res = post_community(
        &app,
        &member,
        json!({"name": "Mine", "language": "en", "visibility": "private"}),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    // Anonymous: 401.
    let res = app
        .post_json(
            "/api/v1/communities",
            &json!({"name": "Mine", "language": "en", "visibility": "public"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 401);
}

#[tokio::test]
async fn creating_checks_every_field() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;

    let res = post_community(
        &app,
        &coordinator,
        json!({"name": "x", "slug": "Bad Slug", "description": "d".repeat(5001),
               "language": "english!", "visibility": "public"}),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["description", "language", "name", "slug"],
        "{body}"
    );

    let res = post_community(
        &app,
        &coordinator,
        json!({"name": "Fine", "language": "en", "visibility": "public", "colour": "red"}),
    )
    .await;
    assert_problem(res, 400, "unknown_field").await;
    let res = post_community(
        &app,
        &coordinator,
        json!({"name": "Fine", "language": "en", "visibility": "secret"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 400);
    let res = post_community(
        &app,
        &coordinator,
        json!({"name": "Fine", "language": "en", "visibility": "public", "course_id": 999999}),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "unknown_course");
    let res = post_community(
        &app,
        &coordinator,
        json!({"name": "日本語", "language": "ja", "visibility": "public"}),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "slug_required");

    // Slugs: folded from the name; unique.
    let res = post_community(
        &app,
        &coordinator,
        json!({"name": "Mga Gurò ng Unyon", "language": "fil", "visibility": "public"}),
    )
    .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["slug"], "mga-guro-ng-unyon");
    let res = post_community(
        &app,
        &coordinator,
        json!({"name": "Other", "slug": "mga-guro-ng-unyon", "language": "fil", "visibility": "public"}),
    )
    .await;
    assert_problem(res, 409, "slug_taken").await;
    let res = post_community(
        &app,
        &coordinator,
        json!({"name": "Mga guro ng unyon", "language": "fil", "visibility": "public"}),
    )
    .await;
    assert_problem(res, 409, "slug_taken").await;
}

#[tokio::test]
async fn the_list_shows_only_readable_communities() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let insider = app.user("member").await;

    let public = create_named(&app, &coordinator, "Alpha public", "public").await;
    let members = create_named(&app, &coordinator, "Bravo members", "members").await;
    let private = create_named(&app, &trainer, "Charlie private", "private").await;
    app.add_member(&trainer, private, &insider).await;

    let (status, body) = app.get_as(None, "/api/v1/communities").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body), [public]);
    assert_eq!(body["items"][0]["my_membership"], Value::Null);
    assert_eq!(body["next_cursor"], Value::Null);

    let (_, body) = app.get_as(Some(&member), "/api/v1/communities").await;
    assert_eq!(ids(&body), [public, members]);
    let (_, body) = app.get_as(Some(&coordinator), "/api/v1/communities").await;
    assert_eq!(
        ids(&body),
        [public, members],
        "staff see no private community"
    );
    let (_, body) = app.get_as(Some(&insider), "/api/v1/communities").await;
    assert_eq!(ids(&body), [public, members, private]);
    assert_eq!(body["items"][2]["my_membership"]["status"], "active");
    assert_eq!(body["items"][2]["member_count"], 2);

    // joined=true: only the caller's active memberships; needs a login.
    assert_eq!(app.join_community(&member, members).await, 201);
    let (_, body) = app
        .get_as(Some(&member), "/api/v1/communities?joined=true")
        .await;
    assert_eq!(ids(&body), [members]);
    assert_eq!(body["items"][0]["my_membership"]["role"], "member");
    let (status, body) = app.get_as(None, "/api/v1/communities?joined=true").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "login_required");

    // Filters.
    let (_, body) = app
        .get_as(Some(&insider), "/api/v1/communities?visibility=private")
        .await;
    assert_eq!(ids(&body), [private]);
    let (_, body) = app
        .get_as(Some(&insider), "/api/v1/communities?q=BRAVO")
        .await;
    assert_eq!(ids(&body), [members]);
    let (_, body) = app
        .get_as(Some(&insider), "/api/v1/communities?q=educators%20sharing")
        .await;
    assert!(ids(&body).is_empty(), "{body}");
    let (_, body) = app
        .get_as(Some(&insider), "/api/v1/communities?q=%25")
        .await;
    assert!(ids(&body).is_empty(), "% is a plain character: {body}");
    let (_, body) = app
        .get_as(Some(&insider), "/api/v1/communities?language=EN")
        .await;
    assert_eq!(ids(&body).len(), 3);
    let (_, body) = app
        .get_as(Some(&insider), "/api/v1/communities?language=fil")
        .await;
    assert!(ids(&body).is_empty());
    let (status, _) = app
        .get_as(Some(&insider), "/api/v1/communities?language=english!")
        .await;
    assert_eq!(status, 400);
    let (status, body) = app.get_as(None, "/api/v1/communities?colour=red").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_query"))
    );
    let (status, _) = app.get_as(None, "/api/v1/communities?sort=size").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn q_matches_non_ascii_text_in_any_case_and_literal_wildcards() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let ecole = create_named(&app, &coordinator, "ÉCOLE syndicale", "public").await;
    let percent = create_named(&app, &coordinator, "Wages 100% fair", "public").await;
    let _other = create_named(&app, &coordinator, "Wages 100 fairly", "public").await;
    let (_, body) = app.get_as(None, "/api/v1/communities?q=%C3%A9cole").await;
    assert_eq!(ids(&body), [ecole], "{body}");
    let (_, body) = app.get_as(None, "/api/v1/communities?q=100%25").await;
    assert_eq!(ids(&body), [percent], "{body}");
}

#[tokio::test]
async fn lists_are_paged_with_cursors_in_each_sort() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let mut created = Vec::new();
    for name in ["Delta", "Alpha", "Echo", "Charlie", "Bravo"] {
        created.push(create_named(&app, &coordinator, name, "public").await);
    }

    let mut seen = Vec::new();
    let mut path = "/api/v1/communities?limit=2".to_owned();
    loop {
        let (status, body) = app.get_as(None, &path).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["items"].as_array().unwrap().len() <= 2);
        seen.extend(names(&body));
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/communities?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]);

    let (_, body) = app
        .get_as(None, "/api/v1/communities?sort=-name&limit=3")
        .await;
    assert_eq!(names(&body), ["Echo", "Delta", "Charlie"]);
    let cursor = body["next_cursor"].as_str().unwrap().to_owned();
    let (_, body) = app
        .get_as(
            None,
            &format!("/api/v1/communities?sort=-name&limit=3&cursor={cursor}"),
        )
        .await;
    assert_eq!(names(&body), ["Bravo", "Alpha"]);
    assert_eq!(body["next_cursor"], Value::Null);
    // A cursor belongs to its sort.
    let (status, body) = app
        .get_as(None, &format!("/api/v1/communities?cursor={cursor}"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_query"))
    );

    for sort in ["-created_at", "-last_activity_at"] {
        let (_, first) = app
            .get_as(None, &format!("/api/v1/communities?sort={sort}&limit=3"))
            .await;
        let cursor = first["next_cursor"].as_str().unwrap().to_owned();
        let (_, rest) = app
            .get_as(
                None,
                &format!("/api/v1/communities?sort={sort}&limit=3&cursor={cursor}"),
            )
            .await;
        let mut all = ids(&first);
        all.extend(ids(&rest));
        let mut newest_first = created.clone();
        newest_first.reverse();
        assert_eq!(all, newest_first, "{sort}");
    }
    let (status, _) = app.get_as(None, "/api/v1/communities?limit=0").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn private_communities_are_hidden_except_from_members_and_the_invited() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let stranger = app.user("member").await;
    let invited = app.user("member").await;
    let asker = app.user("member").await;
    let private = create_named(&app, &trainer, "Quiet room", "private").await;
    let path = format!("/api/v1/communities/{private}");

    let (status, _) = app.get_as(None, &path).await;
    assert_eq!(status, 404);
    let (status, _) = app.get_as(Some(&stranger), &path).await;
    assert_eq!(status, 404);
    let (status, _) = app.get_as(Some(&coordinator), &path).await;
    assert_eq!(status, 404, "staff see no private community");
    let (status, _) = app
        .get_as(Some(&stranger), "/api/v1/communities/999999")
        .await;
    assert_eq!(status, 404);

    let (status, _) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{path}/invitations"),
            Some(json!({"user_id": invited.id})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = app.get_as(Some(&invited), &path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Quiet room");
    assert_eq!(body["member_count"], Value::Null);
    assert_eq!(body["thread_count"], Value::Null);
    assert_eq!(body["last_activity_at"], Value::Null);
    assert_eq!(body["my_membership"]["status"], "invited");
    // ...but not its members.
    let (status, _) = app.get_as(Some(&invited), &format!("{path}/members")).await;
    assert_eq!(status, 404);

    // Asking to join without an invitation answers as an unknown id does, and reveals
    // nothing afterwards either.
    assert_eq!(app.join_community(&asker, private).await, 404);
    let (status, _) = app.get_as(Some(&asker), &path).await;
    assert_eq!(status, 404);
    assert_eq!(member_status(&app, private, asker.id), None);
    // A request made before that rule still shows the community, without its counts.
    app.earlier_request(private, asker.id);
    let (status, body) = app.get_as(Some(&asker), &path).await;
    assert_eq!(status, 200);
    assert_eq!(body["member_count"], Value::Null);
    assert_eq!(body["my_membership"]["status"], "pending");

    let (status, body) = app.get_as(Some(&trainer), &path).await;
    assert_eq!(status, 200);
    assert_eq!(body["member_count"], 1);

    // Members-only: a login is needed.
    let members = create_named(&app, &coordinator, "Members room", "members").await;
    let (status, body) = app
        .get_as(None, &format!("/api/v1/communities/{members}"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("login_required"))
    );
    let (status, body) = app
        .get_as(Some(&stranger), &format!("/api/v1/communities/{members}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["my_membership"], Value::Null);
}

#[tokio::test]
async fn get_answers_an_etag_and_304() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let id = create_named(&app, &coordinator, "Tagged", "public").await;
    let res = app.get(&format!("/api/v1/communities/{id}")).await;
    assert_eq!(res.status().as_u16(), 200);
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let res = app
        .client
        .get(app.url(&format!("/api/v1/communities/{id}")))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);
}

fn etag_of(res: &reqwest::Response) -> String {
    res.headers()["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_etag_follows_the_version_and_what_the_caller_sees() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    let id = create_named(&app, &coordinator, "Versions", "public").await;
    let path = format!("/api/v1/communities/{id}");
    let get = |token: &str| app.authed(Method::GET, &path, token).send();
    let patch = |tag: &str, body: Value| {
        app.authed(Method::PATCH, &path, &coordinator.token)
            .header("if-match", tag)
            .json(&body)
            .send()
    };

    let v1 = etag_of(&get(&coordinator.token).await.unwrap());
    assert!(v1.starts_with(&format!("\"community-{id}-v1-")), "{v1}");

    // A PATCH that changes nothing keeps the version, the tag and `updated_at`.
    let (_, before) = app.get_as(Some(&coordinator), &path).await;
    let res = patch(&v1, json!({"name": "Versions", "visibility": "public"}))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(etag_of(&res), v1);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["updated_at"], before["updated_at"]);

    // A change bumps the version; the old tag is stale.
    let res = patch(&v1, json!({"description": "Now with a text"}))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let v2 = etag_of(&res);
    assert!(v2.starts_with(&format!("\"community-{id}-v2-")), "{v2}");
    assert_eq!(etag_of(&get(&coordinator.token).await.unwrap()), v2);
    assert_problem(
        patch(&v1, json!({"name": "Lost update"})).await.unwrap(),
        412,
        "precondition_failed",
    )
    .await;

    // The counters and the caller's membership are part of the answer, so they change
    // the tag (a cached copy is not reused) but not the version: If-Match still holds.
    assert_eq!(app.join_community(&member, id).await, 201);
    let res = app
        .authed(Method::GET, &path, &coordinator.token)
        .header("if-none-match", &v2)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        200,
        "a new member changes member_count"
    );
    let counted = etag_of(&res);
    assert_ne!(counted, v2);
    assert!(
        counted.starts_with(&format!("\"community-{id}-v2-")),
        "{counted}"
    );
    let res = app
        .authed(Method::GET, &path, &coordinator.token)
        .header("if-none-match", &counted)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);
    let as_member = etag_of(&get(&member.token).await.unwrap());
    assert_ne!(as_member, counted, "the member sees their own membership");
    let anonymous = etag_of(&app.get(&path).await);
    assert_ne!(anonymous, as_member);
    // Any tag of the current version names it for If-Match.
    let res = patch(&anonymous, json!({"name": "Versions, renamed"}))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(etag_of(&res).starts_with(&format!("\"community-{id}-v3-")));
}

#[tokio::test]
async fn moderators_change_communities_with_if_match() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    let id = create_named(&app, &trainer, "Draft room", "private").await;
    let path = format!("/api/v1/communities/{id}");
    app.add_member(&trainer, id, &member).await;

    let res = app
        .authed(Method::GET, &path, &trainer.token)
        .send()
        .await
        .unwrap();
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();

    let res = app
        .authed(Method::PATCH, &path, &trainer.token)
        .header("if-match", &tag)
        .json(&json!({"name": "Reading room", "description": "Books *we* like", "language": "fil"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let new_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["name"], "Reading room");
    assert_eq!(body["language"], "fil");
    assert_eq!(body["slug"], "draft-room", "the slug stays");
    assert!(
        body["description_html"]
            .as_str()
            .unwrap()
            .contains("<em>we</em>")
    );
    // The answer's tag is the one GET gives.
    let res = app
        .authed(Method::GET, &path, &trainer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["etag"].to_str().unwrap(), new_tag);

    // A stale tag changes nothing.
    let res = app
        .authed(Method::PATCH, &path, &trainer.token)
        .header("if-match", &tag)
        .json(&json!({"name": "Lost update"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let (_, body) = app.get_as(Some(&trainer), &path).await;
    assert_eq!(body["name"], "Reading room");

    // Not moderators.
    let res = app
        .authed(Method::PATCH, &path, &member.token)
        .json(&json!({"name": "Mine now"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "not_a_moderator").await;
    let res = app
        .authed(Method::PATCH, &path, &coordinator.token)
        .json(&json!({"name": "Mine now"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;

    // Only staff widen the visibility.
    let (status, body) = app
        .send_as(
            &trainer,
            Method::PATCH,
            &path,
            Some(json!({"visibility": "public"})),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("private_only")));
    let (status, body) = app
        .send_as(&trainer, Method::PATCH, &path, Some(json!({"name": null})))
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = app
        .send_as(&trainer, Method::PATCH, &path, Some(json!({"name": "x"})))
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = app
        .send_as(
            &trainer,
            Method::PATCH,
            &path,
            Some(json!({"course_id": 424242})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown_course");
    let (status, body) = app
        .send_as(
            &trainer,
            Method::PATCH,
            &path,
            Some(json!({"description": null})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["description"], "");

    let public = create_named(&app, &coordinator, "Open room", "public").await;
    let (status, body) = app
        .send_as(
            &coordinator,
            Method::PATCH,
            &format!("/api/v1/communities/{public}"),
            Some(json!({"visibility": "members"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["visibility"], "members");
    // Staff moderate public and members communities without joining.
    let other = app.user("coordinator").await;
    let (status, _) = app
        .send_as(
            &other,
            Method::PATCH,
            &format!("/api/v1/communities/{public}"),
            Some(json!({"name": "Open room, renamed"})),
        )
        .await;
    assert_eq!(status, 200);

    assert_eq!(
        logged_actions(&app, id),
        ["invite_member", "update_community", "update_community"]
    );
}

#[tokio::test]
async fn joining_follows_the_visibility() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let trainer = app.user("trainer").await;
    let user = app.user("member").await;
    let public = create_named(&app, &coordinator, "Open", "public").await;
    let members = create_named(&app, &coordinator, "Members", "members").await;
    let private = create_named(&app, &trainer, "Closed", "private").await;

    let (status, body) = app
        .send_as(
            &user,
            Method::PUT,
            &format!("/api/v1/communities/{public}/membership"),
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "active");
    assert_eq!(body["role"], "member");
    assert_eq!(body["user_id"], user.id);
    assert_eq!(app.join_community(&user, public).await, 200, "idempotent");
    let (_, body) = app
        .get_as(Some(&user), &format!("/api/v1/communities/{public}"))
        .await;
    assert_eq!(body["member_count"], 2);
    assert_eq!(body["my_membership"]["status"], "active");

    assert_eq!(app.join_community(&user, members).await, 201);

    let (status, body) = app
        .send_as(
            &user,
            Method::PUT,
            &format!("/api/v1/communities/{private}/membership"),
            None,
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], "not_found");
    let (unknown_status, unknown) = app
        .send_as(
            &user,
            Method::PUT,
            "/api/v1/communities/999999/membership",
            None,
        )
        .await;
    assert_eq!(
        (unknown_status, &unknown),
        (status, &body),
        "as an unknown id"
    );
    app.earlier_request(private, user.id);
    assert_eq!(
        app.join_community(&user, private).await,
        200,
        "an earlier request stays pending"
    );
    let (_, body) = app
        .get_as(Some(&trainer), &format!("/api/v1/communities/{private}"))
        .await;
    assert_eq!(body["member_count"], 1, "a request is not a member");

    // Withdrawing a request.
    let (status, _) = app
        .send_as(
            &user,
            Method::DELETE,
            &format!("/api/v1/communities/{private}/membership"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(member_status(&app, private, user.id), None);

    // An invitation lets the invited in at once; declining deletes it.
    let (status, _) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("/api/v1/communities/{private}/invitations"),
            Some(json!({"user_id": user.id})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = app
        .send_as(
            &user,
            Method::PUT,
            &format!("/api/v1/communities/{private}/membership"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "active");
    let (_, body) = app
        .get_as(Some(&user), &format!("/api/v1/communities/{private}"))
        .await;
    assert_eq!(body["member_count"], 2);

    let decliner = app.user("member").await;
    app.send_as(
        &trainer,
        Method::POST,
        &format!("/api/v1/communities/{private}/invitations"),
        Some(json!({"user_id": decliner.id})),
    )
    .await;
    let (status, _) = app
        .send_as(
            &decliner,
            Method::DELETE,
            &format!("/api/v1/communities/{private}/membership"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(member_status(&app, private, decliner.id), None);

    // Unknown community; anonymous.
    assert_eq!(app.join_community(&user, 999_999).await, 404);
    let res = app
        .client
        .put(app.url(&format!("/api/v1/communities/{public}/membership")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
}

#[tokio::test]
async fn moderators_invite_approve_and_reject() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let insider = app.user("member").await;
    let asker = app.user("member").await;
    let other_asker = app.user("member").await;
    let outsider = app.user("member").await;
    let id = create_named(&app, &trainer, "Circle", "private").await;
    let base = format!("/api/v1/communities/{id}");
    app.add_member(&trainer, id, &insider).await;

    // Inviting: moderators only; existing members and unknown accounts refused.
    let (status, body) = app
        .send_as(
            &insider,
            Method::POST,
            &format!("{base}/invitations"),
            Some(json!({"user_id": outsider.id})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("not_a_moderator"))
    );
    let (status, body) = app
        .send_as(
            &outsider,
            Method::POST,
            &format!("{base}/invitations"),
            Some(json!({"user_id": outsider.id})),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/invitations"),
            Some(json!({"user_id": insider.id})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_member"))
    );
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/invitations"),
            Some(json!({"user_id": 987_654})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown_user");
    let (status, _) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/invitations"),
            Some(json!({"user_id": outsider.id, "role": "moderator"})),
        )
        .await;
    assert_eq!(status, 400, "unknown field");

    // Requests.
    assert_eq!(app.join_community(&asker, id).await, 404, "invitation only");
    app.earlier_request(id, asker.id);
    app.earlier_request(id, other_asker.id);
    let (status, body) = app
        .get_as(Some(&insider), &format!("{base}/members?status=pending"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("not_a_moderator"))
    );
    let (status, body) = app
        .get_as(Some(&trainer), &format!("{base}/members?status=pending"))
        .await;
    assert_eq!(status, 200, "{body}");
    let pending: Vec<i64> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(pending, [asker.id, other_asker.id]);
    assert_eq!(body["items"][0]["display_name"], "Test member");
    assert_eq!(body["items"][0]["status"], "pending");

    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/members/{}/approve", asker.id),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "active");
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/members/{}/approve", asker.id),
            None,
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("not_pending")));
    let (status, _) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/members/{}/approve", outsider.id),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .send_as(
            &insider,
            Method::POST,
            &format!("{base}/members/{}/reject", other_asker.id),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/members/{}/reject", other_asker.id),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(member_status(&app, id, other_asker.id), None);
    let (status, _) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/members/{}/reject", other_asker.id),
            None,
        )
        .await;
    assert_eq!(status, 404);

    // An invitation answers a pending request.
    app.earlier_request(id, outsider.id);
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/invitations"),
            Some(json!({"user_id": outsider.id})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "active");

    let (_, body) = app.get_as(Some(&insider), &base).await;
    assert_eq!(body["member_count"], 4);
    let (status, body) = app.get_as(Some(&insider), &format!("{base}/members")).await;
    assert_eq!(status, 200);
    assert_eq!(body["items"].as_array().unwrap().len(), 4);
    let (_, body) = app
        .get_as(Some(&insider), &format!("{base}/members?role=moderator"))
        .await;
    assert_eq!(body["items"][0]["user_id"], trainer.id);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);

    assert_eq!(
        logged_actions(&app, id),
        [
            "invite_member",
            "approve_member",
            "reject_member",
            "invite_member"
        ]
    );
    assert_eq!(notified(&app, id, insider.id), ["invited"]);
    assert_eq!(notified(&app, id, asker.id), ["join_approved"]);
    assert!(notified(&app, id, other_asker.id).is_empty());
    assert_eq!(notified(&app, id, outsider.id), ["join_approved"]);
}

#[tokio::test]
async fn member_lists_are_paged_and_follow_the_visibility() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let public = create_named(&app, &coordinator, "Big room", "public").await;
    let mut joined = vec![coordinator.id];
    for _ in 0..4 {
        let u = app.user("member").await;
        assert_eq!(app.join_community(&u, public).await, 201);
        joined.push(u.id);
    }
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/communities/{public}/members?limit=2");
    loop {
        let (status, body) = app.get_as(None, &path).await;
        assert_eq!(status, 200, "{body}");
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["user_id"].as_i64().unwrap()),
        );
        match body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/communities/{public}/members?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, joined);
    let (status, _) = app
        .get_as(
            None,
            &format!("/api/v1/communities/{public}/members?status=banned"),
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = app
        .get_as(
            None,
            &format!("/api/v1/communities/{public}/members?status=nope"),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn roles_change_and_the_last_moderator_stays() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let helper = app.user("member").await;
    let waiting = app.user("member").await;
    let id = create_named(&app, &coordinator, "Guild", "members").await;
    let base = format!("/api/v1/communities/{id}");
    assert_eq!(app.join_community(&helper, id).await, 201);

    // The only moderator cannot leave nor be demoted.
    let (status, body) = app
        .send_as(
            &coordinator,
            Method::DELETE,
            &format!("{base}/membership"),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("last_moderator"))
    );
    let (status, body) = app
        .send_as(
            &coordinator,
            Method::PATCH,
            &format!("{base}/members/{}", coordinator.id),
            Some(json!({"role": "member"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("last_moderator"))
    );
    let (status, body) = app
        .send_as(
            &helper,
            Method::PATCH,
            &format!("{base}/members/{}", helper.id),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("not_a_moderator"))
    );

    let (status, body) = app
        .send_as(
            &coordinator,
            Method::PATCH,
            &format!("{base}/members/{}", helper.id),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["role"], "moderator");
    let (status, _) = app
        .send_as(
            &coordinator,
            Method::PATCH,
            &format!("{base}/members/{}", helper.id),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .send_as(
            &coordinator,
            Method::PATCH,
            &format!("{base}/members/{}", waiting.id),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(status, 404);

    // Now the creator may go; the helper is the last moderator.
    let (status, _) = app
        .send_as(
            &coordinator,
            Method::DELETE,
            &format!("{base}/membership"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .send_as(
            &coordinator,
            Method::DELETE,
            &format!("{base}/membership"),
            None,
        )
        .await;
    assert_eq!(status, 404, "not a member any more");
    let (_, body) = app.get_as(Some(&helper), &base).await;
    assert_eq!(body["member_count"], 1);

    // The moderator removes members; invitations are not active memberships.
    let private = create_named(&app, &coordinator, "Inner", "private").await;
    let pbase = format!("/api/v1/communities/{private}");
    app.send_as(
        &coordinator,
        Method::POST,
        &format!("{pbase}/invitations"),
        Some(json!({"user_id": waiting.id})),
    )
    .await;
    let (status, body) = app
        .send_as(
            &coordinator,
            Method::PATCH,
            &format!("{pbase}/members/{}", waiting.id),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("not_active")));
    app.add_member(&coordinator, private, &helper).await;
    let thread = watched_thread(&app, private, coordinator.id, helper.id);
    assert!(thread > 0);
    assert_eq!(subscriptions(&app, helper.id), 1);
    let (status, _) = app
        .send_as(
            &helper,
            Method::DELETE,
            &format!("{pbase}/members/{}", waiting.id),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .send_as(
            &coordinator,
            Method::DELETE,
            &format!("{pbase}/members/{}", helper.id),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        subscriptions(&app, helper.id),
        0,
        "removal ends thread watching"
    );
    let (status, _) = app.get_as(Some(&helper), &pbase).await;
    assert_eq!(status, 404);
    let (status, body) = app
        .send_as(
            &coordinator,
            Method::DELETE,
            &format!("{pbase}/members/{}", coordinator.id),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("last_moderator"))
    );
    assert_eq!(logged_actions(&app, id), ["change_role"]);
    assert_eq!(
        logged_actions(&app, private),
        ["invite_member", "invite_member", "remove_member"]
    );
}

#[tokio::test]
async fn leaving_ends_thread_watching() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let user = app.user("member").await;
    let id = create_named(&app, &coordinator, "Watchers", "public").await;
    assert_eq!(app.join_community(&user, id).await, 201);
    watched_thread(&app, id, coordinator.id, user.id);
    let other = create_named(&app, &coordinator, "Elsewhere", "public").await;
    watched_thread(&app, other, coordinator.id, user.id);
    assert_eq!(subscriptions(&app, user.id), 2);
    let (status, _) = app
        .send_as(
            &user,
            Method::DELETE,
            &format!("/api/v1/communities/{id}/membership"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        subscriptions(&app, user.id),
        1,
        "only this community's threads"
    );
}

#[tokio::test]
async fn bans_keep_members_out() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let troll = app.user("member").await;
    let stranger = app.user("member").await;
    let deputy = app.user("member").await;
    let private = create_named(&app, &trainer, "Safe space", "private").await;
    let base = format!("/api/v1/communities/{private}");
    app.add_member(&trainer, private, &troll).await;
    app.add_member(&trainer, private, &deputy).await;
    app.send_as(
        &trainer,
        Method::PATCH,
        &format!("{base}/members/{}", deputy.id),
        Some(json!({"role": "moderator"})),
    )
    .await;
    watched_thread(&app, private, trainer.id, troll.id);

    // Refusals first.
    let (status, body) = app
        .send_as(
            &troll,
            Method::POST,
            &format!("{base}/bans"),
            Some(json!({"user_id": deputy.id, "reason": "revenge"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("not_a_moderator"))
    );
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/bans"),
            Some(json!({"user_id": deputy.id, "reason": "disagreement"})),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("is_moderator")));
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/bans"),
            Some(json!({"user_id": trainer.id, "reason": "tired"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/bans"),
            Some(json!({"user_id": troll.id, "reason": "  "})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "reason");
    let (status, _) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/bans"),
            Some(json!({"user_id": troll.id, "reason": "x".repeat(501)})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/bans"),
            Some(json!({"user_id": 777_777, "reason": "ghost"})),
        )
        .await;
    assert_eq!(status, 422);

    // The ban.
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/bans"),
            Some(json!({"user_id": troll.id, "reason": "Harassed other members"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "banned");
    assert_eq!(body["ban_reason"], "Harassed other members");
    assert_eq!(notified(&app, private, troll.id), ["invited", "banned"]);
    assert_eq!(subscriptions(&app, troll.id), 0);
    let (_, body) = app.get_as(Some(&trainer), &base).await;
    assert_eq!(body["member_count"], 2);
    // Banned: the private community is gone, joining is refused, leaving too.
    let (status, _) = app.get_as(Some(&troll), &base).await;
    assert_eq!(status, 404);
    let (status, body) = app
        .send_as(&troll, Method::PUT, &format!("{base}/membership"), None)
        .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("banned")));
    let (status, body) = app
        .send_as(&troll, Method::DELETE, &format!("{base}/membership"), None)
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("banned")));
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/invitations"),
            Some(json!({"user_id": troll.id})),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("banned")));
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/bans"),
            Some(json!({"user_id": troll.id, "reason": "again"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_banned"))
    );
    let (status, body) = app
        .get_as(Some(&deputy), &format!("{base}/members?status=banned"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["items"][0]["user_id"], troll.id);

    // Banning someone who never joined keeps them out too.
    let (status, _) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("{base}/bans"),
            Some(json!({"user_id": stranger.id, "reason": "Spam elsewhere"})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = app
        .send_as(&stranger, Method::PUT, &format!("{base}/membership"), None)
        .await;
    assert_eq!(status, 403);

    // Lifting the ban.
    let (status, _) = app
        .send_as(
            &troll,
            Method::DELETE,
            &format!("{base}/bans/{}", stranger.id),
            None,
        )
        .await;
    assert_eq!(
        status, 404,
        "a banned member cannot read the private community"
    );
    let (status, _) = app
        .send_as(
            &deputy,
            Method::DELETE,
            &format!("{base}/bans/{}", troll.id),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .send_as(
            &deputy,
            Method::DELETE,
            &format!("{base}/bans/{}", troll.id),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(member_status(&app, private, troll.id), None);
    assert_eq!(
        app.join_community(&troll, private).await,
        404,
        "a stranger again: invitation only"
    );

    // In a public community a banned member still reads, but cannot rejoin; staff
    // moderate it and cannot be banned.
    let public = create_named(&app, &coordinator, "Town square", "public").await;
    let user = app.user("member").await;
    assert_eq!(app.join_community(&user, public).await, 201);
    let (status, _) = app
        .send_as(
            &coordinator,
            Method::POST,
            &format!("/api/v1/communities/{public}/bans"),
            Some(json!({"user_id": user.id, "reason": "Spam"})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = app
        .get_as(Some(&user), &format!("/api/v1/communities/{public}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["my_membership"]["status"], "banned");
    assert_eq!(body["member_count"], 1);
    assert_eq!(app.join_community(&user, public).await, 403);
    let other_staff = app.user("admin").await;
    let (status, body) = app
        .send_as(
            &coordinator,
            Method::POST,
            &format!("/api/v1/communities/{public}/bans"),
            Some(json!({"user_id": other_staff.id, "reason": "no"})),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("is_moderator")));

    assert_eq!(
        logged_actions(&app, private),
        [
            "invite_member",
            "invite_member",
            "change_role",
            "ban_member",
            "ban_member",
            "unban_member"
        ]
    );
}

#[tokio::test]
async fn the_demo_communities_are_seeded_once_through_the_services() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let (status, page) = app.get_json("/api/v1/communities?limit=100").await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    // Anonymous readers see the three public ones, each once.
    assert_eq!(items.len(), 3, "{page}");
    let circle = items
        .iter()
        .find(|c| c["slug"] == "etrainers-circle")
        .unwrap();
    assert_eq!(circle["member_count"], 5, "{circle}");
    assert_eq!(circle["thread_count"], 4, "{circle}");
    let id = circle["id"].as_i64().unwrap();
    let (_, threads) = app
        .get_json(&format!("/api/v1/communities/{id}/threads?limit=100"))
        .await;
    let threads = threads["items"].as_array().unwrap();
    // The pinned welcome thread first, written weeks ago, with its replies counted.
    assert_eq!(threads[0]["pinned"], true, "{threads:?}");
    assert_eq!(threads[0]["reply_count"], 3, "{threads:?}");
    assert!(
        threads[0]["created_at"].as_str().unwrap()
            < threads[1]["last_activity_at"].as_str().unwrap()
    );
    // The demo member has exactly the unread notifications the data gives them.
    let (token, _) = app
        .login("member@demo.bayanihan.org", bayanihan::seed::DEMO_PASSWORD)
        .await;
    let res = app
        .authed(Method::GET, "/api/v1/me/notifications/unread-count", &token)
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["unread_count"], 2, "{body}");
    let mut conn = app.db.conn().unwrap();
    let pending: i64 = notifications::table
        .filter(notifications::email_status.ne("none"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(pending, 0, "weeks-old demo activity is not mailed");
}
