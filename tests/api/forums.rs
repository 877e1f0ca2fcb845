//! Tests of the community of practice: forums (threads, posts, quotes, edits, reactions,
//! accepted answers, mentions, read state).

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, etag, ok_json, send, spawn_app};

/// Runs one SQL statement on the test database (for states the API sets elsewhere).
fn sql(app: &TestApp, statement: &str) {
    let mut conn = app.db.conn().expect("a connection");
    diesel::sql_query(statement)
        .execute(&mut *conn)
        .expect("statement runs");
}

/// Sends a request and gives back the raw response (for `assert_problem`).
async fn raw(
    app: &TestApp,
    user: Option<&TestUser>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = match user {
        Some(u) => app.authed(method, path, &u.token),
        None => app.client.request(method, app.url(path)),
    };
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

/// A public community whose moderator is a coordinator, with one joined member.
async fn setup(app: &TestApp) -> (TestUser, TestUser, i64) {
    let moderator = app.user("coordinator").await;
    let community = app.create_community(&moderator, "public").await;
    let member = app.user("member").await;
    let joined = app.join_community(&member, community).await;
    assert!(matches!(joined, 200 | 201), "join answered {joined}");
    (moderator, member, community)
}

async fn joined_member(app: &TestApp, community: i64) -> TestUser {
    let user = app.user("member").await;
    let joined = app.join_community(&user, community).await;
    assert!(matches!(joined, 200 | 201), "join answered {joined}");
    user
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn threads_are_created_listed_pinned_first_and_paged() {
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let res = raw(
        &app,
        Some(&member),
        Method::POST,
        &format!("/api/v1/communities/{community}/threads"),
        Some(
            json!({"kind": "question", "title": "  How do we run a safety audit?  ",
            "body": "Any **checklists**?", "tags": ["Safety", "safety", "ohs-2026"]}),
        ),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(res.headers().contains_key("etag"));
    let first: Value = res.json().await.unwrap();
    let t1 = first["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/threads/{t1}"));
    assert_eq!(first["title"], "How do we run a safety audit?");
    assert_eq!(first["kind"], "question");
    assert_eq!(first["tags"], json!(["safety", "ohs-2026"]));
    assert_eq!(first["author"]["id"], member.id);
    assert_eq!(first["reply_count"], 0);
    assert_eq!(first["community"]["id"], community);
    assert_eq!(first["first_post"]["is_first"], true);
    assert_eq!(
        first["first_post"]["body_html"],
        "<p>Any <strong>checklists</strong>?</p>\n"
    );
    assert_eq!(first["last_post_id"], first["first_post"]["id"]);
    assert_eq!(first["last_read_post_id"], first["first_post"]["id"]);
    assert_eq!(first["unread_count"], 0);
    assert_eq!(first["first_unread_post_id"], Value::Null);

    let (t2, _) = app
        .create_thread(&member, community, "discussion", "Second thread", "Hello")
        .await;
    let (t3, _) = app
        .create_thread(&member, community, "discussion", "Third thread", "Hello")
        .await;
    // The oldest thread gets pinned; a reply makes the second the most recent.
    sql(
        &app,
        &format!("UPDATE threads SET pinned = TRUE WHERE id = {t1}"),
    );
    app.reply(&member, t2, "bump").await;

    let list = format!("/api/v1/communities/{community}/threads");
    let (status, page) = app.get_as(Some(&member), &list).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(ids(&page), vec![t1, t2, t3]);
    assert_eq!(page["items"][0]["pinned"], true);
    assert_eq!(page["items"][1]["reply_count"], 1);
    assert_eq!(page["items"][1]["unread_count"], 0);

    // Anonymous readers of a public community: no read state.
    let (status, page) = app.get_as(None, &list).await;
    assert_eq!(status, 200);
    assert_eq!(page["items"][0]["unread_count"], Value::Null);
    assert_eq!(page["items"][0]["last_read_post_id"], Value::Null);

    // Pages of two.
    let (_, p1) = app.get_as(None, &format!("{list}?limit=2")).await;
    assert_eq!(ids(&p1), vec![t1, t2]);
    let cursor = p1["next_cursor"].as_str().unwrap();
    let (_, p2) = app
        .get_as(None, &format!("{list}?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(ids(&p2), vec![t3]);
    assert_eq!(p2["next_cursor"], Value::Null);

    // Filters.
    let (_, q) = app.get_as(None, &format!("{list}?kind=question")).await;
    assert_eq!(ids(&q), vec![t1]);
    let (_, q) = app.get_as(None, &format!("{list}?tag=OHS-2026")).await;
    assert_eq!(ids(&q), vec![t1]);
    let (_, q) = app.get_as(None, &format!("{list}?tag=none")).await;
    assert_eq!(ids(&q), Vec::<i64>::new());
    let res = raw(&app, None, Method::GET, &format!("{list}?kind=poll"), None).await;
    assert_problem(res, 400, "invalid_query").await;
    let res = raw(&app, None, Method::GET, &format!("{list}?sort=title"), None).await;
    assert_problem(res, 400, "invalid_query").await;

    // The thread itself, with an ETag.
    let res = raw(&app, None, Method::GET, &location, None).await;
    assert_eq!(res.status().as_u16(), 200);
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let res = app
        .client
        .get(app.url(&location))
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);
}

#[tokio::test]
async fn thread_bodies_are_validated() {
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let path = format!("/api/v1/communities/{community}/threads");
    let post = |body: Value| raw(&app, Some(&member), Method::POST, &path, Some(body));
    let body = assert_problem(
        post(json!({"kind": "discussion", "title": " ab ", "body": " ", "tags": []})).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["title", "body"]);
    let body = assert_problem(
        post(json!({"kind": "discussion", "title": "Tags", "body": "x",
            "tags": ["a", "b", "c", "d", "e", "f"]}))
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "too_many_tags");
    let body = assert_problem(
        post(json!({"kind": "discussion", "title": "Tags", "body": "x", "tags": ["-bad"]})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "invalid_tag");
    assert_problem(
        post(json!({"kind": "discussion", "title": "Long", "body": "x".repeat(20_001)})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        post(json!({"kind": "poll", "title": "Kind", "body": "x"})).await,
        400,
        "invalid_body",
    )
    .await;
    assert_problem(
        post(json!({"kind": "discussion", "title": "Extra", "body": "x", "pinned": true})).await,
        400,
        "unknown_field",
    )
    .await;
    let (_, page) = app.get_as(None, &path).await;
    assert_eq!(page["items"], json!([]), "nothing was written");
}

#[tokio::test]
async fn who_may_read_and_take_part() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let (thread, first) = app
        .create_thread(&member, community, "discussion", "Open thread", "Hello")
        .await;
    let outsider = app.user("member").await;
    let body = json!({"kind": "discussion", "title": "Mine", "body": "x"});
    let res = raw(
        &app,
        Some(&outsider),
        Method::POST,
        &format!("/api/v1/communities/{community}/threads"),
        Some(body.clone()),
    )
    .await;
    assert_problem(res, 403, "not_a_member").await;
    let res = raw(
        &app,
        Some(&outsider),
        Method::POST,
        &format!("/api/v1/threads/{thread}/posts"),
        Some(json!({"body": "hi"})),
    )
    .await;
    assert_problem(res, 403, "not_a_member").await;
    let res = raw(
        &app,
        Some(&outsider),
        Method::PUT,
        &format!("/api/v1/posts/{first}/reactions/like"),
        None,
    )
    .await;
    assert_problem(res, 403, "not_a_member").await;
    let res = raw(
        &app,
        None,
        Method::POST,
        &format!("/api/v1/threads/{thread}/posts"),
        Some(json!({"body": "hi"})),
    )
    .await;
    assert_eq!(res.status().as_u16(), 401);

    // A private community does not exist for outsiders.
    let trainer = app.user("trainer").await;
    let private = app.create_community(&trainer, "private").await;
    let (secret, secret_post) = app
        .create_thread(&trainer, private, "discussion", "Secret", "Hush")
        .await;
    for path in [
        format!("/api/v1/communities/{private}/threads"),
        format!("/api/v1/threads/{secret}"),
        format!("/api/v1/threads/{secret}/posts"),
        format!("/api/v1/posts/{secret_post}"),
    ] {
        let res = raw(&app, Some(&outsider), Method::GET, &path, None).await;
        assert_problem(res, 404, "not_found").await;
        // Platform staff do not see private communities either.
        let res = raw(&app, Some(&moderator), Method::GET, &path, None).await;
        assert_problem(res, 404, "not_found").await;
    }
    let res = raw(
        &app,
        Some(&outsider),
        Method::POST,
        &format!("/api/v1/communities/{private}/threads"),
        Some(body.clone()),
    )
    .await;
    assert_problem(res, 404, "not_found").await;

    // A members-only community: log in to read.
    let members = app.create_community(&moderator, "members").await;
    let (m_thread, _) = app
        .create_thread(&moderator, members, "discussion", "Members only", "Hi")
        .await;
    for path in [
        format!("/api/v1/communities/{members}/threads"),
        format!("/api/v1/threads/{m_thread}"),
        format!("/api/v1/threads/{m_thread}/posts"),
    ] {
        let res = raw(&app, None, Method::GET, &path, None).await;
        assert_problem(res, 401, "login_required").await;
        let (status, _) = app.get_as(Some(&outsider), &path).await;
        assert_eq!(status, 200, "{path}");
    }
    let res = raw(&app, None, Method::GET, "/api/v1/threads/999999", None).await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn posts_are_paged_in_order_and_open_at_a_post() {
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let (thread, first) = app
        .create_thread(&member, community, "discussion", "Paging", "Opening")
        .await;
    let mut all = vec![first];
    for i in 0..4 {
        all.push(app.reply(&member, thread, &format!("reply {i}")).await);
    }
    let path = format!("/api/v1/threads/{thread}/posts");
    let (status, p1) = app.get_as(None, &format!("{path}?limit=2")).await;
    assert_eq!(status, 200, "{p1}");
    assert_eq!(ids(&p1), all[..2].to_vec());
    let c = p1["next_cursor"].as_str().unwrap();
    let (_, p2) = app
        .get_as(None, &format!("{path}?limit=2&cursor={c}"))
        .await;
    assert_eq!(ids(&p2), all[2..4].to_vec());
    let c = p2["next_cursor"].as_str().unwrap();
    let (_, p3) = app
        .get_as(None, &format!("{path}?limit=2&cursor={c}"))
        .await;
    assert_eq!(ids(&p3), all[4..].to_vec());
    assert_eq!(p3["next_cursor"], Value::Null);

    let (_, from) = app
        .get_as(None, &format!("{path}?from_post_id={}&limit=2", all[2]))
        .await;
    assert_eq!(ids(&from), all[2..4].to_vec());
    let c = from["next_cursor"].as_str().unwrap();
    let (_, next) = app
        .get_as(
            None,
            &format!("{path}?from_post_id={}&limit=2&cursor={c}", all[2]),
        )
        .await;
    assert_eq!(ids(&next), all[4..].to_vec());

    let post = &p1["items"][1];
    assert_eq!(post["thread_id"], thread);
    assert_eq!(post["community_id"], community);
    assert_eq!(post["is_first"], false);
    assert_eq!(post["body"], "reply 0");
    assert_eq!(
        post["reactions"],
        json!({"like": 0, "thanks": 0, "insightful": 0})
    );
    assert_eq!(post["my_reactions"], json!([]));
    assert_eq!(post["accepted"], false);
    assert_eq!(post["deleted"], false);
    assert_eq!(post["hidden"], false);
    assert_eq!(post["quote"], Value::Null);
    assert_eq!(post["edited_at"], Value::Null);

    for bad in [
        "limit=0",
        "limit=101",
        "cursor=nope",
        "from_post_id=x",
        "foo=1",
    ] {
        let res = raw(&app, None, Method::GET, &format!("{path}?{bad}"), None).await;
        assert_problem(res, 400, "invalid_query").await;
    }
    let res = raw(
        &app,
        Some(&member),
        Method::POST,
        &path,
        Some(json!({"body": ""})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = raw(
        &app,
        Some(&member),
        Method::POST,
        &path,
        Some(json!({"body": "x", "quote_post_id": "x"})),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
}

#[tokio::test]
async fn html_is_sanitised_and_mentions_are_rendered() {
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let other = joined_member(&app, community).await;
    sql(
        &app,
        &format!(
            "UPDATE users SET display_name = 'Ana <b>Cruz</b>' WHERE id = {}",
            other.id
        ),
    );
    let (thread, _) = app
        .create_thread(&member, community, "discussion", "Markup", "Hello")
        .await;
    let body = format!(
        "Hi <@{}> and <@999999>!\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n\
         [click](javascript:alert(1)) and `<@{}>`\n\n\
         <span class=\"mention\" data-user-id=\"1\">@Forged</span>",
        other.id, member.id
    );
    let (status, post) = app
        .send_as(
            &member,
            Method::POST,
            &format!("/api/v1/threads/{thread}/posts"),
            Some(json!({"body": body})),
        )
        .await;
    assert_eq!(status, 201, "{post}");
    let html = post["body_html"].as_str().unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(
        html.contains(&format!(
            "<span class=\"mention\" data-user-id=\"{}\">@Ana &lt;b&gt;Cruz&lt;/b&gt;</span>",
            other.id
        )),
        "{html}"
    );
    assert!(html.contains("&lt;@999999&gt;"), "{html}");
    assert!(!html.contains("data-user-id=\"1\""), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert_eq!(post["body"], body, "the Markdown is kept as written");
    assert_eq!(
        post["mentions"],
        json!([{"id": other.id, "display_name": "Ana <b>Cruz</b>"}])
    );
    // Names are current: a rename shows in the list of mentions.
    sql(
        &app,
        &format!(
            "UPDATE users SET display_name = 'Ana' WHERE id = {}",
            other.id
        ),
    );
    let (_, got) = app
        .get_as(None, &format!("/api/v1/posts/{}", post["id"]))
        .await;
    assert_eq!(got["mentions"][0]["display_name"], "Ana");
}

#[tokio::test]
async fn quotes_point_at_visible_posts_of_the_same_thread() {
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let other = joined_member(&app, community).await;
    let (thread, first) = app
        .create_thread(&member, community, "discussion", "Quotes", "Opening words")
        .await;
    let (elsewhere, elsewhere_first) = app
        .create_thread(&member, community, "discussion", "Elsewhere", "Other")
        .await;
    let long = "x".repeat(300);
    let quoted = app.reply(&other, thread, &long).await;
    let path = format!("/api/v1/threads/{thread}/posts");
    let (status, post) = app
        .send_as(
            &member,
            Method::POST,
            &path,
            Some(json!({"body": "Agreed", "quote_post_id": quoted})),
        )
        .await;
    assert_eq!(status, 201, "{post}");
    assert_eq!(post["quote"]["post_id"], quoted);
    assert_eq!(post["quote"]["author"]["id"], other.id);
    assert_eq!(post["quote"]["excerpt"], "x".repeat(200));
    let (_, post_first) = app
        .send_as(
            &member,
            Method::POST,
            &path,
            Some(json!({"body": "Quoting the start", "quote_post_id": first})),
        )
        .await;
    assert_eq!(post_first["quote"]["excerpt"], "Opening words");

    for bad in [elsewhere_first, 999_999] {
        let res = raw(
            &app,
            Some(&member),
            Method::POST,
            &path,
            Some(json!({"body": "x", "quote_post_id": bad})),
        )
        .await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["code"], "invalid_quote");
    }
    let _ = elsewhere;
    // Once the quoted post is deleted, the quote stays without its text, and it can no
    // longer be quoted.
    let (status, _) = app
        .send_as(
            &other,
            Method::DELETE,
            &format!("/api/v1/posts/{quoted}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (_, again) = app
        .get_as(None, &format!("/api/v1/posts/{}", post["id"]))
        .await;
    assert_eq!(again["quote"]["post_id"], quoted);
    assert_eq!(again["quote"]["excerpt"], Value::Null);
    let res = raw(
        &app,
        Some(&member),
        Method::POST,
        &path,
        Some(json!({"body": "x", "quote_post_id": quoted})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "invalid_quote");
}

/// A reply's answer is built from what its transaction holds (no read back): it must be
/// the post as anyone reads it afterwards, quote, mentions and names included.
#[tokio::test]
async fn a_new_posts_answer_is_the_post_as_read() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let other = joined_member(&app, community).await;
    sql(
        &app,
        &format!(
            "UPDATE users SET display_name = 'Rosa <i>Reyes</i>' WHERE id = {}",
            member.id
        ),
    );
    let (thread, _) = app
        .create_thread(&other, community, "question", "Answers", "Who knows?")
        .await;
    let quoted = app.reply(&other, thread, "The first answer").await;
    // Hidden by a moderator: its author still quotes it with its text, others without.
    let own = app.reply(&member, thread, "My hidden words").await;
    let (status, body) = app
        .send_as(
            &moderator,
            Method::POST,
            &format!("/api/v1/posts/{own}/hide"),
            Some(json!({"reason": "off topic"})),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let path = format!("/api/v1/threads/{thread}/posts");
    for (body, quote) in [
        (
            format!("Thanks <@{}>, and <@{}> agrees", other.id, member.id),
            quoted,
        ),
        (
            format!("Quoting myself, <@{}> <@{}>", other.id, other.id),
            own,
        ),
    ] {
        let (status, post) = app
            .send_as(
                &member,
                Method::POST,
                &path,
                Some(json!({"body": body, "quote_post_id": quote})),
            )
            .await;
        assert_eq!(status, 201, "{post}");
        assert_eq!(post["author"]["display_name"], "Rosa <i>Reyes</i>");
        assert_eq!(post["quote"]["post_id"], quote);
        assert!(post["quote"]["excerpt"].is_string(), "{post}");
        assert!(!post["mentions"].as_array().unwrap().is_empty(), "{post}");
        assert_eq!(post["my_reactions"], json!([]));
        let (status, read) = app
            .get_as(Some(&member), &format!("/api/v1/posts/{}", post["id"]))
            .await;
        assert_eq!(status, 200);
        assert_eq!(read, post);
    }
}

/// A reply's answer names its author as they are called now: a new display name is in the
/// next reply's answer at once (the name rides with the kept login, and changing it is a
/// change of logins), and in the post read back.
#[tokio::test]
async fn a_replys_answer_names_its_author_as_now() {
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let (thread, _) = app
        .create_thread(&member, community, "discussion", "Names", "Opening")
        .await;
    let path = format!("/api/v1/threads/{thread}/posts");
    for name in ["Rosa Reyes", "Rosa R.", "Rosa Reyes"] {
        let me = send(&app, Method::GET, "/api/v1/me", &member, None).await;
        let res = app
            .authed(Method::PATCH, "/api/v1/me", &member.token)
            .header("If-Match", etag(&me))
            .json(&json!({"display_name": name}))
            .send()
            .await
            .unwrap();
        ok_json(res, 200).await;
        let (status, post) = app
            .send_as(&member, Method::POST, &path, Some(json!({"body": "Hello"})))
            .await;
        assert_eq!(status, 201, "{post}");
        assert_eq!(post["author"]["display_name"], name, "{post}");
        let (_, read) = app
            .get_as(Some(&member), &format!("/api/v1/posts/{}", post["id"]))
            .await;
        assert_eq!(read, post);
    }
}

/// Replies sent at once each take their own place in the thread, and the thread counts
/// every one (on PostgreSQL the thread's row is held by the read that finds it).
#[tokio::test]
async fn replies_at_once_are_numbered_and_counted_once() {
    use bayanihan::db::schema::{posts, threads};
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let other = joined_member(&app, community).await;
    let (thread, _) = app
        .create_thread(&member, community, "discussion", "Busy", "Opening")
        .await;
    let path = format!("/api/v1/threads/{thread}/posts");
    let answers = futures_util::future::join_all((0..12).map(|i| {
        let user = if i % 2 == 0 { &member } else { &other };
        app.send_as(
            user,
            Method::POST,
            &path,
            Some(json!({"body": format!("Reply {i}")})),
        )
    }))
    .await;
    for (status, body) in answers {
        assert_eq!(status, 201, "{body}");
    }
    let mut conn = app.db.conn().expect("a connection");
    let places: Vec<i64> = posts::table
        .filter(posts::thread_id.eq(thread))
        .select(posts::seq)
        .order(posts::seq)
        .load(&mut *conn)
        .expect("places");
    assert_eq!(places, (1..=13).collect::<Vec<i64>>());
    let counts: (i64, i32) = threads::table
        .find(thread)
        .select((threads::post_count, threads::reply_count))
        .first(&mut *conn)
        .expect("counts");
    assert_eq!(counts, (13, 12));
}

/// A community's activity follows its posts to within a second, and never goes back.
#[tokio::test]
async fn a_communitys_activity_follows_its_posts() {
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let path = format!("/api/v1/communities/{community}");
    let activity = |body: &Value| body["last_activity_at"].clone();
    let (_, before) = app.get_as(None, &path).await;
    assert_eq!(activity(&before), Value::Null);
    let (thread, first) = app
        .create_thread(&member, community, "discussion", "Activity", "Opening")
        .await;
    let (_, first) = app.get_as(None, &format!("/api/v1/posts/{first}")).await;
    let (_, now) = app.get_as(None, &path).await;
    assert_eq!(activity(&now), first["created_at"], "set by the first post");
    // An activity older than a second moves to the new post.
    sql(
        &app,
        &format!(
            "UPDATE communities SET last_activity_at = '2020-01-02 03:04:05' WHERE id = {community}"
        ),
    );
    let reply = app.reply(&member, thread, "A reply").await;
    let (_, reply) = app.get_as(None, &format!("/api/v1/posts/{reply}")).await;
    let (_, now) = app.get_as(None, &path).await;
    assert_eq!(activity(&now), reply["created_at"], "moved by a reply");
    // One that is not older is left as it is: a reply never moves it back.
    sql(
        &app,
        &format!(
            "UPDATE communities SET last_activity_at = '2999-01-02 03:04:05' WHERE id = {community}"
        ),
    );
    app.reply(&member, thread, "Another reply").await;
    let (_, now) = app.get_as(None, &path).await;
    assert_eq!(activity(&now), "2999-01-02T03:04:05Z");
}

#[tokio::test]
async fn edits_keep_history_and_deletion_leaves_a_tombstone() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let other = joined_member(&app, community).await;
    let (thread, opening) = app
        .create_thread(&member, community, "discussion", "Edits", "Opening")
        .await;
    let res = raw(
        &app,
        Some(&member),
        Method::DELETE,
        &format!("/api/v1/posts/{opening}"),
        None,
    )
    .await;
    assert_problem(res, 409, "opening_post").await;
    let post = app.reply(&member, thread, "first version").await;
    let later = app.reply(&other, thread, "later reply").await;
    let path = format!("/api/v1/posts/{post}");

    let res = raw(
        &app,
        Some(&other),
        Method::PATCH,
        &path,
        Some(json!({"body": "hijack"})),
    )
    .await;
    assert_problem(res, 403, "not_author").await;
    let res = raw(
        &app,
        Some(&moderator),
        Method::PATCH,
        &path,
        Some(json!({"body": "moderated"})),
    )
    .await;
    assert_problem(res, 403, "not_author").await;
    let res = raw(
        &app,
        Some(&member),
        Method::PATCH,
        &path,
        Some(json!({"body": ""})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;

    let (status, edited) = app
        .send_as(
            &member,
            Method::PATCH,
            &path,
            Some(json!({"body": "second version"})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["body"], "second version");
    assert_eq!(edited["body_html"], "<p>second version</p>\n");
    assert!(edited["edited_at"].is_string());
    let (status, edited) = app
        .send_as(
            &member,
            Method::PATCH,
            &path,
            Some(json!({"body": "third version"})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");

    // A stale If-Match is refused.
    let res = app
        .authed(Method::PATCH, &path, &member.token)
        .header("If-Match", "\"stale\"")
        .json(&json!({"body": "fourth"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;

    let (status, revs) = app
        .get_as(Some(&member), &format!("{path}/revisions"))
        .await;
    assert_eq!(status, 200, "{revs}");
    let bodies: Vec<&str> = revs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, vec!["second version", "first version"]);
    assert_eq!(revs["items"][0]["editor"]["id"], member.id);
    // Each version was written when the one before it was replaced.
    assert_eq!(
        revs["items"][0]["written_at"],
        revs["items"][1]["replaced_at"]
    );
    let (status, _) = app
        .get_as(Some(&moderator), &format!("{path}/revisions"))
        .await;
    assert_eq!(status, 200);
    let res = raw(
        &app,
        Some(&other),
        Method::GET,
        &format!("{path}/revisions"),
        None,
    )
    .await;
    assert_problem(res, 403, "forbidden").await;

    // Others may not delete; the author may, and the post keeps its place.
    let res = raw(&app, Some(&other), Method::DELETE, &path, None).await;
    assert_problem(res, 403, "forbidden").await;
    let (status, _) = app.send_as(&member, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    let (status, _) = app.send_as(&member, Method::DELETE, &path, None).await;
    assert_eq!(status, 204, "deleting again changes nothing");
    let (_, page) = app
        .get_as(None, &format!("/api/v1/threads/{thread}/posts"))
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["id"], post);
    assert_eq!(items[1]["deleted"], true);
    assert_eq!(items[1]["body"], "");
    assert_eq!(items[1]["body_html"], "");
    assert_eq!(items[1]["mentions"], json!([]));
    assert_eq!(items[2]["id"], later);
    let (_, t) = app.get_as(None, &format!("/api/v1/threads/{thread}")).await;
    assert_eq!(t["reply_count"], 1);
    let res = raw(
        &app,
        Some(&member),
        Method::PATCH,
        &path,
        Some(json!({"body": "back"})),
    )
    .await;
    assert_problem(res, 409, "post_deleted").await;
    let (status, revs) = app
        .get_as(Some(&member), &format!("{path}/revisions"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        revs["items"],
        json!([]),
        "a deleted post keeps no earlier text"
    );

    // A moderator deletes someone else's post: logged.
    let (status, _) = app
        .send_as(
            &moderator,
            Method::DELETE,
            &format!("/api/v1/posts/{later}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let mut conn = app.db.conn().unwrap();
    use bayanihan::db::schema::moderation_log::dsl as log;
    let actions: Vec<(String, Option<i64>)> = log::moderation_log
        .select((log::action, log::post_id))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(actions, vec![("delete_post".to_owned(), Some(later))]);
}

#[tokio::test]
async fn reactions_are_idempotent_and_counted() {
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let other = joined_member(&app, community).await;
    let third = joined_member(&app, community).await;
    let (thread, _) = app
        .create_thread(&member, community, "discussion", "Reactions", "Opening")
        .await;
    let post = app.reply(&member, thread, "react to me").await;
    let like = format!("/api/v1/posts/{post}/reactions/like");
    for _ in 0..2 {
        let (status, body) = app.send_as(&other, Method::PUT, &like, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["reactions"],
            json!({"like": 1, "thanks": 0, "insightful": 0})
        );
        assert_eq!(body["my_reactions"], json!(["like"]));
    }
    let (_, body) = app
        .send_as(
            &other,
            Method::PUT,
            &format!("/api/v1/posts/{post}/reactions/insightful"),
            None,
        )
        .await;
    assert_eq!(body["my_reactions"], json!(["like", "insightful"]));
    let (_, body) = app.send_as(&third, Method::PUT, &like, None).await;
    assert_eq!(
        body["reactions"],
        json!({"like": 2, "thanks": 0, "insightful": 1})
    );
    assert_eq!(body["my_reactions"], json!(["like"]));

    let (_, page) = app
        .get_as(Some(&other), &format!("/api/v1/threads/{thread}/posts"))
        .await;
    assert_eq!(
        page["items"][1]["my_reactions"],
        json!(["like", "insightful"])
    );
    assert_eq!(page["items"][1]["reactions"]["like"], 2);
    let (_, page) = app
        .get_as(None, &format!("/api/v1/threads/{thread}/posts"))
        .await;
    assert_eq!(page["items"][1]["my_reactions"], json!([]));

    for _ in 0..2 {
        let (status, body) = app.send_as(&third, Method::DELETE, &like, None).await;
        assert_eq!(status, 200);
        assert_eq!(body["reactions"]["like"], 1);
        assert_eq!(body["my_reactions"], json!([]));
    }
    let res = raw(&app, Some(&member), Method::PUT, &like, None).await;
    assert_problem(res, 403, "own_post").await;
    let res = raw(
        &app,
        Some(&other),
        Method::PUT,
        &format!("/api/v1/posts/{post}/reactions/love"),
        None,
    )
    .await;
    assert_problem(res, 400, "invalid_path").await;
    let res = raw(&app, None, Method::PUT, &like, None).await;
    assert_eq!(res.status().as_u16(), 401);
    let res = raw(
        &app,
        Some(&other),
        Method::PUT,
        "/api/v1/posts/999999/reactions/like",
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let (status, _) = app
        .send_as(
            &member,
            Method::DELETE,
            &format!("/api/v1/posts/{post}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let res = raw(&app, Some(&third), Method::PUT, &like, None).await;
    assert_problem(res, 409, "post_deleted").await;
}

#[tokio::test]
async fn accepted_answers_follow_the_rules() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let other = joined_member(&app, community).await;
    let (question, opening) = app
        .create_thread(&member, community, "question", "A question", "Why?")
        .await;
    let (discussion, _) = app
        .create_thread(&member, community, "discussion", "A discussion", "Talk")
        .await;
    let (_, elsewhere) = app
        .create_thread(&member, community, "question", "Another question", "How?")
        .await;
    let answer = app.reply(&other, question, "Because.").await;
    let other_answer = app.reply(&other, discussion, "Hmm").await;
    let path = format!("/api/v1/threads/{question}/accepted-answer");

    let res = raw(
        &app,
        Some(&other),
        Method::PUT,
        &path,
        Some(json!({"post_id": answer})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let res = raw(
        &app,
        Some(&member),
        Method::PUT,
        &format!("/api/v1/threads/{discussion}/accepted-answer"),
        Some(json!({"post_id": other_answer})),
    )
    .await;
    assert_problem(res, 409, "not_a_question").await;
    for bad in [opening, elsewhere, 999_999] {
        let res = raw(
            &app,
            Some(&member),
            Method::PUT,
            &path,
            Some(json!({"post_id": bad})),
        )
        .await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["code"], "invalid_answer");
    }
    let res = raw(&app, Some(&member), Method::PUT, &path, Some(json!({}))).await;
    assert_problem(res, 400, "invalid_body").await;

    let (status, body) = app
        .send_as(
            &member,
            Method::PUT,
            &path,
            Some(json!({"post_id": answer})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted_post_id"], answer);
    let (_, page) = app
        .get_as(None, &format!("/api/v1/threads/{question}/posts"))
        .await;
    assert_eq!(page["items"][1]["accepted"], true);
    assert_eq!(page["items"][0]["accepted"], false);

    // Moderators choose too; clearing is 204.
    let (status, _) = app.send_as(&moderator, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    let (_, t) = app
        .get_as(None, &format!("/api/v1/threads/{question}"))
        .await;
    assert_eq!(t["accepted_post_id"], Value::Null);
    let (status, _) = app
        .send_as(
            &moderator,
            Method::PUT,
            &path,
            Some(json!({"post_id": answer})),
        )
        .await;
    assert_eq!(status, 200);

    // Turning the question into a discussion clears the answer.
    let (status, t) = app
        .send_as(
            &member,
            Method::PATCH,
            &format!("/api/v1/threads/{question}"),
            Some(json!({"kind": "discussion"})),
        )
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["kind"], "discussion");
    assert_eq!(t["accepted_post_id"], Value::Null);

    // Deleting the accepted answer clears it.
    app.send_as(
        &member,
        Method::PATCH,
        &format!("/api/v1/threads/{question}"),
        Some(json!({"kind": "question"})),
    )
    .await;
    app.send_as(
        &member,
        Method::PUT,
        &path,
        Some(json!({"post_id": answer})),
    )
    .await;
    let (status, _) = app
        .send_as(
            &other,
            Method::DELETE,
            &format!("/api/v1/posts/{answer}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (_, t) = app
        .get_as(None, &format!("/api/v1/threads/{question}"))
        .await;
    assert_eq!(t["accepted_post_id"], Value::Null);
}

#[tokio::test]
async fn read_state_moves_forward_and_counts_unread() {
    let app = spawn_app().await;
    let (_moderator, member, community) = setup(&app).await;
    let reader = joined_member(&app, community).await;
    let (thread, first) = app
        .create_thread(&member, community, "discussion", "Reading", "Opening")
        .await;
    let r1 = app.reply(&member, thread, "one").await;
    let r2 = app.reply(&member, thread, "two").await;
    let (_, other_first) = app
        .create_thread(&member, community, "discussion", "Other", "x")
        .await;

    let list = format!("/api/v1/communities/{community}/threads");
    let (_, page) = app.get_as(Some(&reader), &list).await;
    let item = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == thread)
        .unwrap()
        .clone();
    assert_eq!(item["unread_count"], 3, "never read: every post");
    assert_eq!(item["last_read_post_id"], Value::Null);
    let (_, t) = app
        .get_as(Some(&reader), &format!("/api/v1/threads/{thread}"))
        .await;
    assert_eq!(t["first_unread_post_id"], first);
    let (_, t) = app.get_as(None, &format!("/api/v1/threads/{thread}")).await;
    assert_eq!(t["first_unread_post_id"], Value::Null);
    assert_eq!(t["unread_count"], Value::Null);

    let path = format!("/api/v1/threads/{thread}/read-state");
    let (status, state) = app
        .send_as(
            &reader,
            Method::PUT,
            &path,
            Some(json!({"last_read_post_id": r1})),
        )
        .await;
    assert_eq!(status, 200, "{state}");
    assert_eq!(state, json!({"last_read_post_id": r1, "unread_count": 1}));
    let (_, t) = app
        .get_as(Some(&reader), &format!("/api/v1/threads/{thread}"))
        .await;
    assert_eq!(t["first_unread_post_id"], r2);
    assert_eq!(t["last_read_post_id"], r1);
    assert_eq!(t["unread_count"], 1);

    // Never backwards.
    let (_, state) = app
        .send_as(
            &reader,
            Method::PUT,
            &path,
            Some(json!({"last_read_post_id": first})),
        )
        .await;
    assert_eq!(state, json!({"last_read_post_id": r1, "unread_count": 1}));
    let (_, state) = app
        .send_as(
            &reader,
            Method::PUT,
            &path,
            Some(json!({"last_read_post_id": r2})),
        )
        .await;
    assert_eq!(state["unread_count"], 0);
    let (_, t) = app
        .get_as(Some(&reader), &format!("/api/v1/threads/{thread}"))
        .await;
    assert_eq!(t["first_unread_post_id"], Value::Null);

    // A new reply is unread for the reader, not for its author.
    let r3 = app.reply(&member, thread, "three").await;
    let (_, page) = app.get_as(Some(&reader), &list).await;
    let item = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == thread)
        .unwrap()
        .clone();
    assert_eq!(item["unread_count"], 1);
    assert_eq!(item["last_post_id"], r3);
    let (_, page) = app.get_as(Some(&member), &list).await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["unread_count"] == 0),
        "{page}"
    );

    let res = raw(
        &app,
        Some(&reader),
        Method::PUT,
        &path,
        Some(json!({"last_read_post_id": other_first})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "last_read_post_id");
    let res = raw(
        &app,
        None,
        Method::PUT,
        &path,
        Some(json!({"last_read_post_id": r1})),
    )
    .await;
    assert_eq!(res.status().as_u16(), 401);
}

#[tokio::test]
async fn locked_threads_take_only_moderators_posts() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let (thread, _) = app
        .create_thread(&member, community, "discussion", "Locked", "Opening")
        .await;
    let post = app.reply(&member, thread, "before the lock").await;
    sql(
        &app,
        &format!("UPDATE threads SET locked = TRUE WHERE id = {thread}"),
    );
    let res = raw(
        &app,
        Some(&member),
        Method::POST,
        &format!("/api/v1/threads/{thread}/posts"),
        Some(json!({"body": "after"})),
    )
    .await;
    assert_problem(res, 409, "thread_locked").await;
    let res = raw(
        &app,
        Some(&member),
        Method::PATCH,
        &format!("/api/v1/posts/{post}"),
        Some(json!({"body": "edited"})),
    )
    .await;
    assert_problem(res, 409, "thread_locked").await;
    // The community's moderator (its creator, a member) still posts.
    app.join_community(&moderator, community).await;
    let (status, body) = app
        .send_as(
            &moderator,
            Method::POST,
            &format!("/api/v1/threads/{thread}/posts"),
            Some(json!({"body": "moderator note"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn threads_are_changed_and_deleted_by_their_author_or_moderators() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let other = joined_member(&app, community).await;
    let (thread, _) = app
        .create_thread(&member, community, "discussion", "Original", "Opening")
        .await;
    let path = format!("/api/v1/threads/{thread}");
    let res = raw(
        &app,
        Some(&other),
        Method::PATCH,
        &path,
        Some(json!({"title": "Mine now"})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let res = raw(
        &app,
        Some(&member),
        Method::PATCH,
        &path,
        Some(json!({"title": null})),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
    let res = raw(
        &app,
        Some(&member),
        Method::PATCH,
        &path,
        Some(json!({"tags": ["ok", "no way"]})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;

    let res = app
        .authed(Method::GET, &path, &member.token)
        .send()
        .await
        .unwrap();
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let res = app
        .authed(Method::PATCH, &path, &member.token)
        .header("If-Match", &tag)
        .json(&json!({"title": "Renamed", "tags": ["Wages"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["title"], "Renamed");
    assert_eq!(body["tags"], json!(["wages"]));
    let res = app
        .authed(Method::PATCH, &path, &member.token)
        .header("If-Match", &tag)
        .json(&json!({"title": "Again"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let (_, page) = app
        .get_as(
            None,
            &format!("/api/v1/communities/{community}/threads?tag=wages"),
        )
        .await;
    assert_eq!(ids(&page), vec![thread]);

    let res = raw(&app, Some(&other), Method::DELETE, &path, None).await;
    assert_problem(res, 403, "forbidden").await;
    let (status, _) = app.send_as(&moderator, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    let res = raw(&app, None, Method::GET, &path, None).await;
    assert_problem(res, 404, "not_found").await;
    let res = raw(&app, None, Method::GET, &format!("{path}/posts"), None).await;
    assert_problem(res, 404, "not_found").await;
    let (_, page) = app
        .get_as(None, &format!("/api/v1/communities/{community}/threads"))
        .await;
    assert_eq!(page["items"], json!([]));
    let (_, c) = app
        .get_as(None, &format!("/api/v1/communities/{community}"))
        .await;
    assert_eq!(c["thread_count"], 0, "{c}");
    let mut conn = app.db.conn().unwrap();
    use bayanihan::db::schema::moderation_log::dsl as log;
    let actions: Vec<(String, Option<i64>)> = log::moderation_log
        .select((log::action, log::thread_id))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(actions, vec![("delete_thread".to_owned(), Some(thread))]);
}

/// `user`'s unread count in `thread` as the old query counted it, straight from the posts:
/// not deleted, not hidden unless `see_hidden` or their own, after their last read post.
fn counted_unread(app: &TestApp, user: i64, thread: i64, see_hidden: bool) -> i64 {
    let hidden = if see_hidden {
        String::new()
    } else {
        format!("AND (p.hidden_at IS NULL OR p.author_id = {user})")
    };
    number(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM posts p WHERE p.thread_id = {thread} \
               AND p.deleted_at IS NULL {hidden} \
               AND p.id > COALESCE((SELECT r.last_read_post_id FROM thread_reads r \
                   WHERE r.thread_id = {thread} AND r.user_id = {user}), 0)"
        ),
    )
}

/// `user`'s unread count in `thread`, as the thread list and the thread give it (they
/// agree), checked against the count over the posts.
async fn unread_of(
    app: &TestApp,
    user: &TestUser,
    community: i64,
    thread: i64,
    see_hidden: bool,
) -> i64 {
    let (_, page) = app
        .get_as(
            Some(user),
            &format!("/api/v1/communities/{community}/threads"),
        )
        .await;
    let listed = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == thread)
        .unwrap()["unread_count"]
        .as_i64()
        .unwrap();
    let (_, t) = app
        .get_as(Some(user), &format!("/api/v1/threads/{thread}"))
        .await;
    assert_eq!(t["unread_count"], listed, "thread and list agree: {t}");
    let counted = counted_unread(app, user.id, thread, see_hidden);
    assert_eq!(
        listed, counted,
        "counters agree with the posts for {}",
        user.id
    );
    listed
}

/// Unread counts are kept by counters (issue 18); they answer as a count over the posts
/// would: replies after a read, posts hidden before or after a reader's mark (for members,
/// moderators and the post's author), deleted and restored posts, threads never opened.
#[tokio::test]
async fn unread_counts_follow_replies_hiding_deletion_and_restoring() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let author = joined_member(&app, community).await;
    let reader = joined_member(&app, community).await;
    let newcomer = joined_member(&app, community).await;
    let (thread, _) = app
        .create_thread(&member, community, "discussion", "Counted", "Opening")
        .await;
    let r1 = app.reply(&member, thread, "one").await;
    let r2 = app.reply(&author, thread, "two").await;
    let r3 = app.reply(&member, thread, "three").await;
    let read_state = format!("/api/v1/threads/{thread}/read-state");
    let mark = |user: &TestUser, post: i64| {
        let (app, user, path) = (&app, user.clone(), read_state.clone());
        async move {
            let (status, state) = app
                .send_as(
                    &user,
                    Method::PUT,
                    &path,
                    Some(json!({"last_read_post_id": post})),
                )
                .await;
            assert_eq!(status, 200, "{state}");
            state["unread_count"].as_i64().unwrap()
        }
    };
    let moderate = |action: &'static str, post: i64| {
        let (app, moderator) = (&app, moderator.clone());
        let path = format!("/api/v1/posts/{post}/{action}");
        async move {
            let body = if action == "hide" {
                json!({"reason": "off topic"})
            } else {
                json!({})
            };
            let (status, body) = app
                .send_as(&moderator, Method::POST, &path, Some(body))
                .await;
            assert_eq!(status, 204, "{body}");
        }
    };
    // (user, sees hidden posts, expected unread count)
    let check = |expected: [i64; 5]| {
        let app = &app;
        let users = [
            (member.clone(), false),
            (author.clone(), false),
            (reader.clone(), false),
            (newcomer.clone(), false),
            (moderator.clone(), true),
        ];
        async move {
            for ((user, see_hidden), want) in users.iter().zip(expected) {
                let got = unread_of(app, user, community, thread, *see_hidden).await;
                assert_eq!(got, want, "user {} ({expected:?})", user.id);
            }
        }
    };

    // Authors have read up to their own posts; the newcomer and the moderator never opened
    // the thread: every post is unread for them.
    assert_eq!(mark(&reader, r2).await, 1, "after the read, r3 only");
    check([0, 1, 1, 4, 4]).await;
    // A reply after the reader's mark.
    let r4 = app.reply(&member, thread, "four").await;
    check([0, 2, 2, 5, 5]).await;

    // Hidden before the reader's mark (r2, at its author's mark): nothing moves but the
    // newcomer's count; the moderator still sees it.
    moderate("hide", r2).await;
    check([0, 2, 2, 4, 5]).await;
    // Hidden after the reader's and the author's marks (r3, at its author's mark).
    moderate("hide", r3).await;
    check([0, 1, 1, 3, 5]).await;
    // Reading past hidden posts, then a reply: counts start again from the mark.
    assert_eq!(mark(&reader, r4).await, 0);
    assert_eq!(mark(&newcomer, r1).await, 1, "r4: r2 and r3 are hidden");
    let r5 = app.reply(&author, thread, "five").await;
    check([1, 0, 1, 2, 6]).await;

    // The author of a hidden post sees it: unread for them when it is after their mark.
    // (Posting marks a post read for its author, so this is a read state from before it.)
    sql(
        &app,
        &format!(
            "DELETE FROM thread_reads WHERE thread_id = {thread} AND user_id = {}",
            member.id
        ),
    );
    check([5, 0, 1, 2, 6]).await;
    assert_eq!(mark(&member, r1).await, 3, "r3 (own, hidden), r4, r5");
    check([3, 0, 1, 2, 6]).await;

    // Restored: r2 before the reader's mark stays read; after the member's and the
    // newcomer's it is unread.
    moderate("restore", r2).await;
    check([4, 0, 1, 3, 6]).await;

    // Deleted: before the reader's mark (r1, the member's) and after it (r5, the author's);
    // a hidden post deleted (r3) is gone for its author and the moderator.
    let delete = |user: &TestUser, post: i64| {
        let (app, user) = (&app, user.clone());
        async move {
            let (status, body) = app
                .send_as(
                    &user,
                    Method::DELETE,
                    &format!("/api/v1/posts/{post}"),
                    None,
                )
                .await;
            assert_eq!(status, 204, "{body}");
        }
    };
    delete(&member, r1).await;
    check([4, 0, 1, 3, 5]).await;
    delete(&author, r5).await;
    check([3, 0, 0, 2, 4]).await;
    delete(&member, r3).await;
    check([2, 0, 0, 2, 3]).await;

    // A mark at a deleted post counts from there; the moderator reads to the end.
    assert_eq!(mark(&newcomer, r3).await, 1, "r4");
    let last = app.reply(&reader, thread, "six").await;
    assert_eq!(mark(&moderator, last).await, 0);
    check([3, 1, 0, 2, 0]).await;
    // Hiding the last post (read by its author and the moderator only), and restoring it.
    moderate("hide", last).await;
    check([2, 0, 0, 1, 0]).await;
    moderate("restore", last).await;
    check([3, 1, 0, 2, 0]).await;
}

/// A number the test database answers.
fn number(app: &TestApp, query: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Number {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.db.conn().expect("a connection");
    diesel::sql_query(query)
        .get_result::<Number>(&mut *conn)
        .expect("a number")
        .n
}

/// Every post's place, thread's counters and reader's counts as the posts make them.
fn assert_counters_match_posts(app: &TestApp) {
    let posts_before = |mark: &str, visible: &str| {
        format!(
            "(SELECT COUNT(*) FROM posts p WHERE p.thread_id = r.thread_id \
               AND p.id <= {mark} AND p.deleted_at IS NULL {visible})"
        )
    };
    let checks = [
        "SELECT COUNT(*) AS n FROM posts q WHERE q.seq <> (SELECT COUNT(*) FROM posts p \
           WHERE p.thread_id = q.thread_id AND p.id <= q.id)"
            .to_owned(),
        "SELECT COUNT(*) AS n FROM threads t \
         WHERE t.post_count <> (SELECT COUNT(*) FROM posts p WHERE p.thread_id = t.id) \
           OR t.live_count <> (SELECT COUNT(*) FROM posts p WHERE p.thread_id = t.id \
               AND p.deleted_at IS NULL) \
           OR t.visible_count <> (SELECT COUNT(*) FROM posts p WHERE p.thread_id = t.id \
               AND p.deleted_at IS NULL AND p.hidden_at IS NULL)"
            .to_owned(),
        format!(
            "SELECT COUNT(*) AS n FROM thread_reads r WHERE r.read_live <> {} \
               OR r.read_visible <> {}",
            posts_before("r.last_read_post_id", ""),
            posts_before("r.last_read_post_id", "AND p.hidden_at IS NULL")
        ),
    ];
    for check in checks {
        assert_eq!(number(app, &check), 0, "{check}");
    }
}

/// The scale seed sets the unread counters as the posts make them, and so does migration
/// 000080's backfill, run again (down, up) on that data, on either database.
#[tokio::test]
async fn seeded_and_migrated_unread_counters_match_the_posts() {
    let app = spawn_app().await;
    bayanihan::seed::scale(&app.db, 250).unwrap();
    for (what, query) in [
        (
            "hidden posts",
            "SELECT COUNT(*) AS n FROM posts WHERE hidden_at IS NOT NULL",
        ),
        (
            "deleted posts",
            "SELECT COUNT(*) AS n FROM posts WHERE deleted_at IS NOT NULL",
        ),
        ("read states", "SELECT COUNT(*) AS n FROM thread_reads"),
    ] {
        assert!(number(&app, query) > 0, "the seed has {what}");
    }
    assert_counters_match_posts(&app);
    {
        let mut conn = app.db.conn().expect("a connection");
        let scripts = match &*conn {
            #[cfg(feature = "postgres")]
            bayanihan::db::DbConn::Pg(_) => [
                include_str!(
                    "../../migrations/postgres/2026-12-05-000080_unread_counters/down.sql"
                ),
                include_str!("../../migrations/postgres/2026-12-05-000080_unread_counters/up.sql"),
            ],
            _ => [
                include_str!("../../migrations/sqlite/2026-12-05-000080_unread_counters/down.sql"),
                include_str!("../../migrations/sqlite/2026-12-05-000080_unread_counters/up.sql"),
            ],
        };
        for script in scripts {
            diesel::connection::SimpleConnection::batch_execute(&mut *conn, script)
                .expect("the migration runs");
        }
    }
    assert_counters_match_posts(&app);
}

#[tokio::test]
async fn hidden_posts_are_for_their_author_and_moderators() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let author = joined_member(&app, community).await;
    let reader = joined_member(&app, community).await;
    let (thread, _) = app
        .create_thread(&member, community, "question", "Hidden", "Opening")
        .await;
    let hidden = app.reply(&author, thread, "hidden reply").await;
    // Hidden the way moderators hide, which keeps the thread's unread counters.
    let (status, body) = app
        .send_as(
            &moderator,
            Method::POST,
            &format!("/api/v1/posts/{hidden}/hide"),
            Some(json!({"reason": "off topic"})),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let posts = format!("/api/v1/threads/{thread}/posts");
    for (user, sees) in [
        (None, false),
        (Some(&reader), false),
        (Some(&author), true),
        (Some(&moderator), true),
    ] {
        let (_, page) = app.get_as(user, &posts).await;
        let found = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == hidden)
            .cloned();
        assert_eq!(found.is_some(), sees, "{page}");
        if let Some(p) = found {
            assert_eq!(p["hidden"], true);
        }
        let (status, _) = app.get_as(user, &format!("/api/v1/posts/{hidden}")).await;
        assert_eq!(status, if sees { 200 } else { 404 });
    }
    let (_, t) = app
        .get_as(Some(&reader), &format!("/api/v1/threads/{thread}"))
        .await;
    assert_eq!(t["unread_count"], 1, "only the opening post: {t}");
    let res = raw(
        &app,
        Some(&reader),
        Method::POST,
        &posts,
        Some(json!({"body": "x", "quote_post_id": hidden})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = raw(
        &app,
        Some(&reader),
        Method::PUT,
        &format!("/api/v1/posts/{hidden}/reactions/like"),
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = raw(
        &app,
        Some(&member),
        Method::PUT,
        &format!("/api/v1/threads/{thread}/accepted-answer"),
        Some(json!({"post_id": hidden})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "invalid_answer");
}

/// A NUL cannot be stored in PostgreSQL text and belongs in no prose: every text field of
/// the forums refuses control characters with a 422 on both databases, never a 500.
#[tokio::test]
async fn control_characters_are_refused_everywhere() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let (thread, post) = app
        .create_thread(&member, community, "discussion", "Hello", "First post")
        .await;
    let reply = app.reply(&moderator, thread, "A reply").await;
    let cases: Vec<(Method, String, Value, &str)> = vec![
        (
            Method::POST,
            format!("/api/v1/communities/{community}/threads"),
            json!({"kind": "discussion", "title": "Nul\u{0} title", "body": "ok", "tags": []}),
            "title",
        ),
        (
            Method::POST,
            format!("/api/v1/communities/{community}/threads"),
            json!({"kind": "discussion", "title": "Fine title", "body": "nul\u{0}", "tags": []}),
            "body",
        ),
        (
            Method::POST,
            format!("/api/v1/threads/{thread}/posts"),
            json!({"body": "bell\u{7} and nul\u{0}"}),
            "body",
        ),
        (
            Method::PATCH,
            format!("/api/v1/posts/{post}"),
            json!({"body": "edited\u{0}"}),
            "body",
        ),
        (
            Method::PATCH,
            format!("/api/v1/threads/{thread}"),
            json!({"title": "Renamed\u{0}"}),
            "title",
        ),
        (
            Method::POST,
            format!("/api/v1/posts/{reply}/flags"),
            json!({"reason": "other", "note": "see\u{0}"}),
            "note",
        ),
    ];
    for (method, path, body, field) in cases {
        let res = raw(&app, Some(&member), method.clone(), &path, Some(body)).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(
            problem["errors"][0]["field"], field,
            "{method} {path}: {problem}"
        );
    }
    let res = raw(
        &app,
        Some(&moderator),
        Method::POST,
        &format!("/api/v1/posts/{post}/hide"),
        Some(json!({"reason": "nul\u{0}"})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    // A tag filter no thread can match finds nothing, without asking the database.
    let (status, body) = app
        .get_as(
            Some(&member),
            &format!("/api/v1/communities/{community}/threads?tag=a%00b"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["items"].as_array().unwrap().is_empty(), "{body}");
    // In a search, control characters break q's documented pattern: 400, never a 500.
    let (status, body) = app
        .get_as(Some(&member), "/api/v1/search/posts?q=First%00post")
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["code"], "control_characters", "{body}");
    let (status, body) = app
        .get_as(Some(&member), "/api/v1/search/posts?q=First%20post")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 1, "{body}");
}

/// Sends `method` to `path` as `user` (or anonymously) with optional conditional headers
/// and body; returns the status, the `ETag` (empty when none) and the body.
async fn conditional(
    app: &TestApp,
    user: Option<&TestUser>,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, String, Value) {
    let mut req = match user {
        Some(u) => app.authed(method, path, &u.token),
        None => app.client.request(method, app.url(path)),
    };
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let tag = res
        .headers()
        .get("etag")
        .map(|t| t.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, tag, res.json().await.unwrap_or(Value::Null))
}

async fn tag_of(app: &TestApp, user: Option<&TestUser>, path: &str) -> String {
    let (status, tag, body) = conditional(app, user, Method::GET, path, &[], None).await;
    assert_eq!(status, 200, "{body}");
    assert!(!tag.is_empty(), "{path} has no ETag");
    tag
}

#[tokio::test]
async fn thread_etags_follow_the_threads_version() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let (thread, opening) = app
        .create_thread(&member, community, "question", "Versions", "First body")
        .await;
    let path = format!("/api/v1/threads/{thread}");
    let anon = tag_of(&app, None, &path).await;
    assert!(anon.starts_with(&format!("\"thread-{thread}-v")), "{anon}");
    let mine = tag_of(&app, Some(&member), &path).await;
    let (_, before) = app.get_as(None, &path).await;

    // A PATCH that changes nothing keeps the version, the tag and `updated_at`.
    let (status, tag, body) = conditional(
        &app,
        Some(&member),
        Method::PATCH,
        &path,
        &[("If-Match", &mine)],
        Some(json!({"title": "Versions", "kind": "question"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(tag, mine);
    assert_eq!(body["updated_at"], before["updated_at"]);
    assert_eq!(tag_of(&app, None, &path).await, anon);

    // A change is a new version; the tag of any reader of the old one is stale.
    let (status, changed, body) = conditional(
        &app,
        Some(&member),
        Method::PATCH,
        &path,
        &[("If-Match", &anon)],
        Some(json!({"title": "Versions, renamed"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(changed, mine);
    let anon2 = tag_of(&app, None, &path).await;
    assert_ne!(anon2, anon);
    let res = app
        .authed(Method::PATCH, &path, &member.token)
        .header("If-Match", &mine)
        .json(&json!({"title": "Lost update"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = app
        .authed(Method::DELETE, &path, &member.token)
        .header("If-Match", &anon)
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;

    // A reply, an edit of the opening post and a lock change the thread's answer: new
    // versions. Locking it again changes nothing.
    let reply = app.reply(&moderator, thread, "A reply").await;
    let anon3 = tag_of(&app, None, &path).await;
    assert_ne!(anon3, anon2);
    let (status, _) = app
        .send_as(
            &member,
            Method::PATCH,
            &format!("/api/v1/posts/{opening}"),
            Some(json!({"body": "First body, edited"})),
        )
        .await;
    assert_eq!(status, 200);
    let anon4 = tag_of(&app, None, &path).await;
    assert_ne!(anon4, anon3);
    let lock = format!("{path}/lock");
    assert_eq!(
        app.send_as(&moderator, Method::POST, &lock, None).await.0,
        204
    );
    let anon5 = tag_of(&app, None, &path).await;
    assert_ne!(anon5, anon4);
    assert_eq!(
        app.send_as(&moderator, Method::POST, &lock, None).await.0,
        204
    );
    assert_eq!(tag_of(&app, None, &path).await, anon5);

    // The reader's answer shows where their reading stopped: reading changes their tag
    // (so If-None-Match does not hand them a stale unread count), not the thread's.
    let mine = tag_of(&app, Some(&member), &path).await;
    let (status, _) = app
        .send_as(
            &member,
            Method::PUT,
            &format!("{path}/read-state"),
            Some(json!({"last_read_post_id": reply})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, read, body) = conditional(
        &app,
        Some(&member),
        Method::GET,
        &path,
        &[("If-None-Match", &mine)],
        None,
    )
    .await;
    assert_eq!(
        status, 200,
        "the reader's tag changed with their read state"
    );
    assert_eq!(body["unread_count"], 0);
    assert_ne!(read, mine);
    let (status, _, _) = conditional(
        &app,
        Some(&member),
        Method::GET,
        &path,
        &[("If-None-Match", &read)],
        None,
    )
    .await;
    assert_eq!(status, 304);
    assert_eq!(tag_of(&app, None, &path).await, anon5);
    // Any of the version's tags passes If-Match.
    let (status, _, body) = conditional(
        &app,
        Some(&moderator),
        Method::PATCH,
        &path,
        &[("If-Match", &read)],
        Some(json!({"tags": ["versions"]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(tag_of(&app, None, &path).await, anon5);
}

#[tokio::test]
async fn post_etags_follow_the_posts_version() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let (thread, _) = app
        .create_thread(&moderator, community, "question", "Posts", "Opening")
        .await;
    let post = app.reply(&member, thread, "First version").await;
    let path = format!("/api/v1/posts/{post}");
    let v1 = tag_of(&app, None, &path).await;
    assert!(v1.starts_with(&format!("\"post-{post}-v")), "{v1}");

    // The same text again changes nothing: same tag, no revision, no edit time.
    let (status, tag, body) = conditional(
        &app,
        Some(&member),
        Method::PATCH,
        &path,
        &[("If-Match", &v1)],
        Some(json!({"body": "First version"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(tag, v1);
    assert_eq!(body["edited_at"], Value::Null);
    let (_, revisions) = app
        .get_as(Some(&member), &format!("{path}/revisions"))
        .await;
    assert_eq!(revisions["items"], json!([]));

    let (status, v2, body) = conditional(
        &app,
        Some(&member),
        Method::PATCH,
        &path,
        &[("If-Match", &v1)],
        Some(json!({"body": "Second version"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(v2, v1);
    assert_eq!(tag_of(&app, None, &path).await, v2);
    let res = app
        .authed(Method::PATCH, &path, &member.token)
        .header("If-Match", &v1)
        .json(&json!({"body": "Lost update"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;

    // Reactions and the accepted mark are part of the post's answer.
    let like = format!("{path}/reactions/like");
    assert_eq!(
        app.send_as(&moderator, Method::PUT, &like, None).await.0,
        200
    );
    let v3 = tag_of(&app, None, &path).await;
    assert_ne!(v3, v2);
    assert_eq!(
        app.send_as(&moderator, Method::PUT, &like, None).await.0,
        200
    );
    assert_eq!(
        tag_of(&app, None, &path).await,
        v3,
        "an idempotent PUT changes nothing"
    );
    let (status, _) = app
        .send_as(
            &moderator,
            Method::PUT,
            &format!("/api/v1/threads/{thread}/accepted-answer"),
            Some(json!({"post_id": post})),
        )
        .await;
    assert_eq!(status, 200);
    let v4 = tag_of(&app, None, &path).await;
    assert_ne!(v4, v3);

    // A stale tag cannot delete it; the current one can.
    let res = app
        .authed(Method::DELETE, &path, &member.token)
        .header("If-Match", &v3)
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let (status, _, _) = conditional(
        &app,
        Some(&member),
        Method::DELETE,
        &path,
        &[("If-Match", &v4)],
        None,
    )
    .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn authors_lose_their_powers_with_their_membership() {
    let app = spawn_app().await;
    let (moderator, member, community) = setup(&app).await;
    let (question, _) = app
        .create_thread(&member, community, "question", "Whose powers?", "Asked")
        .await;
    let answer = app.reply(&moderator, question, "An answer").await;
    let (open, _) = app
        .create_thread(&member, community, "discussion", "Open for now", "Body")
        .await;

    // An author may not retitle their thread once a moderator has locked it.
    let res = raw(
        &app,
        Some(&moderator),
        Method::POST,
        &format!("/api/v1/threads/{open}/lock"),
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    let res = raw(
        &app,
        Some(&member),
        Method::PATCH,
        &format!("/api/v1/threads/{open}"),
        Some(json!({"title": "Retitled after the lock"})),
    )
    .await;
    assert_problem(res, 409, "thread_locked").await;

    // Banned, the author keeps nothing: no edits, no accepted answers, no deletions.
    let res = raw(
        &app,
        Some(&moderator),
        Method::POST,
        &format!("/api/v1/communities/{community}/bans"),
        Some(json!({"user_id": member.id, "reason": "spam"})),
    )
    .await;
    assert!(res.status().is_success(), "ban: {}", res.status());
    let attempts = [
        (
            Method::PATCH,
            format!("/api/v1/threads/{question}"),
            Some(json!({"title": "Edited while banned"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/threads/{question}/accepted-answer"),
            Some(json!({"post_id": answer})),
        ),
        (Method::DELETE, format!("/api/v1/threads/{question}"), None),
    ];
    for (method, path, body) in attempts {
        let res = raw(&app, Some(&member), method.clone(), &path, body).await;
        assert_problem(res, 403, "banned").await;
    }
    let (_, thread) = app
        .get_as(Some(&moderator), &format!("/api/v1/threads/{question}"))
        .await;
    assert_eq!(thread["title"], "Whose powers?");
    assert_eq!(thread["accepted_post_id"], Value::Null);
}
