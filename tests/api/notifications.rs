//! Tests of the community of practice: notifications, subscriptions, emails and digests.

use bayanihan::db::now;
use bayanihan::notifications::digest::send_due;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

/// Runs one SQL statement on the test database (for states the API sets elsewhere).
fn sql(app: &TestApp, statement: &str) {
    let mut conn = app.db.conn().expect("a connection");
    diesel::sql_query(statement)
        .execute(&mut *conn)
        .expect("statement runs");
}

/// Sends the digests due at `at`; how many emails were queued.
fn digests(app: &TestApp, at: NaiveDateTime) -> usize {
    let mut conn = app.db.conn().expect("a connection");
    send_due(&mut conn, at).expect("digests are sent")
}

/// The outbox emails to `user`: (subject, text).
fn emails_to(app: &TestApp, user: &TestUser) -> Vec<(String, String)> {
    app.outbox()
        .into_iter()
        .filter(|(to, _, _)| *to == user.email)
        .map(|(_, subject, text)| (subject, text))
        .collect()
}

/// The caller's notification items (first page of 100).
async fn notifications(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let (status, body) = app
        .get_as(Some(user), "/api/v1/me/notifications?limit=100")
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn unread(app: &TestApp, user: &TestUser) -> i64 {
    let (status, body) = app
        .get_as(Some(user), "/api/v1/me/notifications/unread-count")
        .await;
    assert_eq!(status, 200, "{body}");
    body["unread_count"].as_i64().unwrap()
}

async fn set_preference(app: &TestApp, user: &TestUser, community: i64, preference: &str) {
    let (status, body) = app
        .send_as(
            user,
            Method::PUT,
            &format!("/api/v1/communities/{community}/subscription"),
            Some(json!({"email_preference": preference})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email_preference"], preference);
}

/// A public community (moderated by a coordinator) with two joined members; the first
/// starts a thread. Returns (author, replier, community, thread).
async fn setup(app: &TestApp) -> (TestUser, TestUser, i64, i64) {
    let moderator = app.user("coordinator").await;
    let community = app.create_community(&moderator, "public").await;
    // The creator watches the community; keep their digests out of the counts.
    set_preference(app, &moderator, community, "never").await;
    let author = app.user("member").await;
    let replier = app.user("member").await;
    for user in [&author, &replier] {
        assert!(matches!(
            app.join_community(user, community).await,
            200 | 201
        ));
    }
    let (thread, _) = app
        .create_thread(
            &author,
            community,
            "discussion",
            "Organising night-shift workers",
            "How do you reach them?",
        )
        .await;
    (author, replier, community, thread)
}

#[tokio::test]
async fn a_reply_notifies_the_watchers_but_not_its_author() {
    let app = spawn_app().await;
    let (author, replier, community, thread) = setup(&app).await;
    let bystander = app.user("member").await;
    app.join_community(&bystander, community).await;

    let post = app
        .reply(&replier, thread, "We meet them at the gate at 6.")
        .await;
    let items = notifications(&app, &author).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item["kind"], "reply");
    assert_eq!(item["community"]["id"], community);
    assert_eq!(item["thread"]["id"], thread);
    assert_eq!(item["thread"]["title"], "Organising night-shift workers");
    assert_eq!(item["post_id"], post);
    assert_eq!(item["actor"]["id"], replier.id);
    assert!(item["read_at"].is_null());
    assert!(item["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(notifications(&app, &replier).await.is_empty());
    assert!(notifications(&app, &bystander).await.is_empty());

    // Replying made the replier a watcher; the thread's author is not told of their own post.
    let (status, body) = app
        .get_as(
            Some(&replier),
            &format!("/api/v1/threads/{thread}/subscription"),
        )
        .await;
    assert_eq!((status, body), (200, json!({"watching": true})));
    app.reply(&author, thread, "Thanks, trying it.").await;
    assert_eq!(notifications(&app, &author).await.len(), 1);
    let items = notifications(&app, &replier).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["actor"]["id"], author.id);
}

/// The watchers' fan-out is one statement in the database: it must keep every rule of the
/// one-by-one check. Watchers who were banned, whose account closed, or who no longer
/// belong to a private community hear nothing; a mentioned watcher hears once, of the
/// mention; the community's watchers hear of a new thread, with their email preferences.
#[tokio::test]
async fn the_fan_out_reaches_only_watchers_who_may_read() {
    let app = spawn_app().await;
    for visibility in ["public", "private"] {
        let moderator = app.user("coordinator").await;
        let community = app.create_community(&moderator, visibility).await;
        set_preference(&app, &moderator, community, "never").await;
        let author = app.user("member").await;
        let [kept, banned, closed, left, mentioned] = [
            app.user("member").await,
            app.user("member").await,
            app.user("member").await,
            app.user("member").await,
            app.user("member").await,
        ];
        let everyone = [&author, &kept, &banned, &closed, &left, &mentioned];
        for user in everyone {
            app.add_member(&moderator, community, user).await;
        }
        // Every member watches the community: they hear of new threads.
        for user in everyone {
            let (status, body) = app
                .send_as(
                    user,
                    Method::PUT,
                    &format!("/api/v1/communities/{community}/subscription"),
                    Some(json!({"watching": true, "email_preference": "weekly"})),
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
        set_preference(&app, &kept, community, "immediately").await;
        let (thread, _) = app
            .create_thread(
                &author,
                community,
                "discussion",
                "Shift rosters",
                "Who has one?",
            )
            .await;
        for user in [&kept, &banned, &closed, &left, &mentioned] {
            let items = about_posts(&app, user).await;
            assert_eq!(items.len(), 1, "{visibility}: {items:?}");
            assert_eq!(items[0]["kind"], "new_thread");
            assert_eq!(items[0]["thread"]["id"], thread);
            let (status, _) = app
                .send_as(
                    user,
                    Method::PUT,
                    &format!("/api/v1/threads/{thread}/subscription"),
                    Some(json!({"watching": true})),
                )
                .await;
            assert_eq!(status, 200);
        }
        assert_eq!(emails_to(&app, &kept).len(), 1, "emailed at once");
        assert!(emails_to(&app, &banned).is_empty(), "a weekly digest waits");

        sql(
            &app,
            &format!(
                "UPDATE community_members SET status = 'banned' \
                 WHERE community_id = {community} AND user_id = {}",
                banned.id
            ),
        );
        sql(
            &app,
            &format!(
                "UPDATE users SET status = 'suspended' WHERE id = {}",
                closed.id
            ),
        );
        sql(
            &app,
            &format!(
                "DELETE FROM community_members WHERE community_id = {community} AND user_id = {}",
                left.id
            ),
        );
        let mention = format!("<@{}> have a look", mentioned.id);
        let post = app.reply(&author, thread, &mention).await;
        let items = about_posts(&app, &kept).await;
        assert_eq!(items.len(), 2, "{visibility}: {items:?}");
        assert_eq!(
            (&items[0]["kind"], &items[0]["post_id"]),
            (&json!("reply"), &json!(post))
        );
        assert_eq!(emails_to(&app, &kept).len(), 2, "the reply too, at once");
        let items = about_posts(&app, &mentioned).await;
        assert_eq!(items.len(), 2, "{visibility}: {items:?}");
        assert_eq!(items[0]["kind"], "mention", "a mention, not also a reply");
        assert_eq!(items[0]["post_id"], post);
        let banned_items = about_posts(&app, &banned).await;
        let left_items = about_posts(&app, &left).await;
        match visibility {
            // Anyone logged in reads a public community: the banned member still sees the
            // earlier notice, but hears of no reply; one who left still watches the thread.
            "public" => {
                assert_eq!(banned_items.len(), 1, "{banned_items:?}");
                assert_eq!(left_items.len(), 2, "{left_items:?}");
            }
            // A private community is gone for both, with what they were told of it.
            _ => {
                assert_eq!(banned_items.len(), 0, "{banned_items:?}");
                assert_eq!(left_items.len(), 0, "{left_items:?}");
            }
        }
        let mut conn = app.db.conn().unwrap();
        let closed_rows: i64 = diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = {} AND post_id = {post}",
            closed.id
        ))
        .get_result::<Count>(&mut *conn)
        .unwrap()
        .n;
        assert_eq!(closed_rows, 0, "{visibility}: a suspended account");
        let banned_rows: i64 = diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = {} AND post_id = {post}",
            banned.id
        ))
        .get_result::<Count>(&mut *conn)
        .unwrap()
        .n;
        assert_eq!(banned_rows, 0, "{visibility}: a banned member");
        let left_rows: i64 = diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = {} AND post_id = {post}",
            left.id
        ))
        .get_result::<Count>(&mut *conn)
        .unwrap()
        .n;
        let expected = i64::from(visibility == "public");
        assert_eq!(left_rows, expected, "{visibility}: one who left");
    }
}

/// The caller's notifications about posts (not the invitation to a community).
async fn about_posts(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let mut items = notifications(app, user).await;
    items.retain(|item| !item["post_id"].is_null());
    items
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test]
async fn a_mention_notifies_only_members_who_can_read() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let community = app.create_community(&trainer, "private").await;
    let member = app.user("member").await;
    let colleague = app.user("member").await;
    let outsider = app.user("member").await;
    app.add_member(&trainer, community, &member).await;
    app.add_member(&trainer, community, &colleague).await;

    let body = format!("Asking <@{}> and <@{}>.", colleague.id, outsider.id);
    let (thread, post) = app
        .create_thread(&member, community, "question", "Dues check-off", &body)
        .await;
    // (The invitation is a notification too.)
    let items: Vec<Value> = notifications(&app, &colleague)
        .await
        .into_iter()
        .filter(|i| i["kind"] != "invited")
        .collect();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "mention");
    assert_eq!(items[0]["post_id"], post);
    assert_eq!(items[0]["thread"]["id"], thread);
    assert!(notifications(&app, &outsider).await.is_empty());
    assert_eq!(unread(&app, &outsider).await, 0);
    let invited = notifications(&app, &member).await;
    assert!(
        invited
            .iter()
            .any(|i| i["kind"] == "invited" && i["thread"].is_null()),
        "{invited:?}"
    );

    // A mention wins over a reply: one notification per member and post.
    app.reply(&colleague, thread, "Here is how we do it.").await;
    let reply = app
        .reply(&colleague, thread, &format!("And <@{}> again.", member.id))
        .await;
    let items = notifications(&app, &member).await;
    let about_reply: Vec<&Value> = items.iter().filter(|i| i["post_id"] == reply).collect();
    assert_eq!(about_reply.len(), 1, "{items:?}");
    assert_eq!(about_reply[0]["kind"], "mention");
}

#[tokio::test]
async fn the_list_is_unread_first_and_can_be_marked_read() {
    let app = spawn_app().await;
    let (author, replier, _, thread) = setup(&app).await;
    let p1 = app.reply(&replier, thread, "One").await;
    let p2 = app.reply(&replier, thread, "Two").await;
    let p3 = app.reply(&replier, thread, "Three").await;
    let items = notifications(&app, &author).await;
    let ids: Vec<i64> = items.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    let posts: Vec<i64> = items
        .iter()
        .map(|i| i["post_id"].as_i64().unwrap())
        .collect();
    assert_eq!(posts, vec![p3, p2, p1], "newest first");
    assert_eq!(unread(&app, &author).await, 3);

    // Reading the newest moves it behind the unread ones.
    let (status, _) = app
        .send_as(
            &author,
            Method::POST,
            &format!("/api/v1/me/notifications/{}/read", ids[0]),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let order: Vec<i64> = notifications(&app, &author)
        .await
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![ids[1], ids[2], ids[0]]);
    assert_eq!(unread(&app, &author).await, 2);
    let (_, body) = app
        .get_as(Some(&author), "/api/v1/me/notifications?unread=true")
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    assert!(body["next_cursor"].is_null());

    // Pages of one walk the same order without repeats.
    let mut walked = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, body) = app
            .get_as(
                Some(&author),
                &format!("/api/v1/me/notifications?limit=1&cursor={cursor}"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        walked.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap()),
        );
        match body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(walked, order);

    // Someone else's notification does not exist for them; nor does an unknown one.
    for (user, id) in [(&replier, ids[1]), (&author, 999_999)] {
        let res = app
            .authed(
                Method::POST,
                &format!("/api/v1/me/notifications/{id}/read"),
                &user.token,
            )
            .send()
            .await
            .unwrap();
        assert_problem(res, 404, "not_found").await;
    }
    let res = app.get("/api/v1/me/notifications").await;
    assert_eq!(res.status().as_u16(), 401);
    let res = app
        .authed(
            Method::GET,
            "/api/v1/me/notifications?limit=0",
            &author.token,
        )
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "invalid_query").await;

    let (status, _) = app
        .send_as(
            &author,
            Method::POST,
            "/api/v1/me/notifications/read-all",
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(unread(&app, &author).await, 0);
    assert_eq!(notifications(&app, &author).await.len(), 3);
}

#[tokio::test]
async fn notifications_about_a_hidden_post_disappear() {
    let app = spawn_app().await;
    let (author, replier, _, thread) = setup(&app).await;
    let post = app.reply(&replier, thread, "Something regrettable").await;
    assert_eq!(unread(&app, &author).await, 1);
    sql(
        &app,
        &format!("UPDATE posts SET hidden_at = CURRENT_TIMESTAMP WHERE id = {post}"),
    );
    assert!(notifications(&app, &author).await.is_empty());
    assert_eq!(unread(&app, &author).await, 0);
}

#[tokio::test]
async fn immediately_sends_one_email_at_once() {
    let app = spawn_app().await;
    let (author, replier, community, thread) = setup(&app).await;
    set_preference(&app, &author, community, "immediately").await;
    let post = app.reply(&replier, thread, "Gate at 6.").await;
    let emails = emails_to(&app, &author);
    assert_eq!(emails.len(), 1, "{emails:?}");
    let (subject, text) = &emails[0];
    assert!(
        subject.contains("Organising night-shift workers"),
        "{subject}"
    );
    assert!(text.contains("Test member replied"), "{text}");
    assert!(
        text.contains(&format!(
            "http://frontend.test/threads/{thread}#post-{post}"
        )),
        "{text}"
    );
    assert!(!text.contains("Gate at 6."), "no post text in emails");
    assert!(emails_to(&app, &replier).is_empty());
    // Nothing waits for a digest.
    assert_eq!(digests(&app, now() + TimeDelta::days(8)), 0);
}

#[tokio::test]
async fn never_sends_no_email() {
    let app = spawn_app().await;
    let (author, replier, community, thread) = setup(&app).await;
    set_preference(&app, &author, community, "never").await;
    app.reply(&replier, thread, "One").await;
    assert_eq!(notifications(&app, &author).await.len(), 1);
    assert_eq!(digests(&app, now() + TimeDelta::days(8)), 0);
    assert!(emails_to(&app, &author).is_empty());
}

#[tokio::test]
async fn a_daily_digest_batches_the_day_once() {
    let app = spawn_app().await;
    let (author, replier, _, thread) = setup(&app).await;
    // `daily` is the default preference.
    let p1 = app.reply(&replier, thread, "One").await;
    let p2 = app.reply(&replier, thread, "Two").await;
    let start = now();
    assert_eq!(digests(&app, start), 0, "not due yet");
    assert_eq!(
        digests(&app, start + TimeDelta::hours(23)),
        0,
        "not due yet"
    );
    assert!(emails_to(&app, &author).is_empty());

    assert_eq!(digests(&app, start + TimeDelta::hours(25)), 1);
    let emails = emails_to(&app, &author);
    assert_eq!(emails.len(), 1, "{emails:?}");
    let (subject, text) = &emails[0];
    assert!(subject.contains('2'), "{subject}");
    for post in [p1, p2] {
        assert!(
            text.contains(&format!("/threads/{thread}#post-{post}")),
            "{text}"
        );
    }
    assert!(text.contains("Organising night-shift workers"));
    // A second run at the same time sends nothing; nor does the next day without news.
    assert_eq!(digests(&app, start + TimeDelta::hours(25)), 0);
    assert_eq!(digests(&app, start + TimeDelta::hours(50)), 0);
    assert_eq!(emails_to(&app, &author).len(), 1);

    // News after a digest waits a day after the last one.
    app.reply(&replier, thread, "Three").await;
    assert_eq!(digests(&app, start + TimeDelta::hours(40)), 0);
    assert_eq!(digests(&app, start + TimeDelta::hours(50)), 1);
    assert_eq!(emails_to(&app, &author).len(), 2);
}

#[tokio::test]
async fn a_weekly_digest_waits_a_week() {
    let app = spawn_app().await;
    let (author, replier, community, thread) = setup(&app).await;
    set_preference(&app, &author, community, "weekly").await;
    app.reply(&replier, thread, "One").await;
    let start = now();
    assert_eq!(digests(&app, start + TimeDelta::hours(25)), 0);
    assert_eq!(digests(&app, start + TimeDelta::days(6)), 0);
    assert_eq!(
        digests(&app, start + TimeDelta::days(7) + TimeDelta::hours(1)),
        1
    );
    assert_eq!(emails_to(&app, &author).len(), 1);
}

#[tokio::test]
async fn a_digest_leaves_out_what_was_hidden_meanwhile() {
    let app = spawn_app().await;
    let (author, replier, _, thread) = setup(&app).await;
    let hidden = app.reply(&replier, thread, "Regrettable").await;
    let kept = app.reply(&replier, thread, "Fine").await;
    sql(
        &app,
        &format!("UPDATE posts SET hidden_at = CURRENT_TIMESTAMP WHERE id = {hidden}"),
    );
    assert_eq!(digests(&app, now() + TimeDelta::hours(25)), 1);
    let emails = emails_to(&app, &author);
    assert_eq!(emails.len(), 1);
    let (subject, text) = &emails[0];
    assert!(subject.contains('1'), "{subject}");
    assert!(text.contains(&format!("#post-{kept}")), "{text}");
    assert!(!text.contains(&format!("#post-{hidden}")), "{text}");

    // When everything was hidden, no digest at all.
    let gone = app.reply(&replier, thread, "Also regrettable").await;
    sql(
        &app,
        &format!("UPDATE posts SET hidden_at = CURRENT_TIMESTAMP WHERE id = {gone}"),
    );
    assert_eq!(digests(&app, now() + TimeDelta::hours(60)), 0);
    assert_eq!(emails_to(&app, &author).len(), 1);
}

#[tokio::test]
async fn a_thread_can_be_watched_and_unwatched() {
    let app = spawn_app().await;
    let (_, replier, community, thread) = setup(&app).await;
    let watcher = app.user("member").await;
    app.join_community(&watcher, community).await;
    let path = format!("/api/v1/threads/{thread}/subscription");

    assert_eq!(
        app.get_as(Some(&watcher), &path).await,
        (200, json!({"watching": false}))
    );
    for _ in 0..2 {
        let (status, body) = app.send_as(&watcher, Method::PUT, &path, None).await;
        assert_eq!(
            (status, body),
            (200, json!({"watching": true})),
            "idempotent"
        );
    }
    assert_eq!(
        app.get_as(Some(&watcher), &path).await,
        (200, json!({"watching": true}))
    );
    app.reply(&replier, thread, "News").await;
    assert_eq!(notifications(&app, &watcher).await.len(), 1);

    let (status, _) = app.send_as(&watcher, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    assert_eq!(
        app.get_as(Some(&watcher), &path).await,
        (200, json!({"watching": false}))
    );
    app.reply(&replier, thread, "More news").await;
    assert_eq!(notifications(&app, &watcher).await.len(), 1);

    // A reader who is not a member may look but not watch; anonymous callers must log in.
    let reader = app.user("member").await;
    assert_eq!(
        app.get_as(Some(&reader), &path).await,
        (200, json!({"watching": false}))
    );
    let res = app
        .authed(Method::PUT, &path, &reader.token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "not_a_member").await;
    let res = app.get(&path).await;
    assert_eq!(res.status().as_u16(), 401);

    // Private threads do not exist for outsiders; deleted and unknown threads neither.
    let trainer = app.user("trainer").await;
    let private = app.create_community(&trainer, "private").await;
    let (secret, _) = app
        .create_thread(&trainer, private, "discussion", "Secret", "Body")
        .await;
    let secret_path = format!("/api/v1/threads/{secret}/subscription");
    let res = app
        .authed(Method::GET, &secret_path, &reader.token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
    let res = app
        .authed(Method::PUT, &secret_path, &reader.token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
    sql(
        &app,
        &format!("UPDATE threads SET deleted_at = CURRENT_TIMESTAMP WHERE id = {thread}"),
    );
    let res = app
        .authed(Method::GET, &path, &watcher.token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
    let res = app
        .authed(
            Method::GET,
            "/api/v1/threads/999999/subscription",
            &watcher.token,
        )
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn community_subscription_sets_watching_and_email_preference() {
    let app = spawn_app().await;
    let (author, member, community, _) = setup(&app).await;
    let path = format!("/api/v1/communities/{community}/subscription");
    assert_eq!(
        app.get_as(Some(&member), &path).await,
        (200, json!({"watching": false, "email_preference": "daily"}))
    );
    let (status, body) = app
        .send_as(&member, Method::PUT, &path, Some(json!({"watching": true})))
        .await;
    assert_eq!(
        (status, body),
        (200, json!({"watching": true, "email_preference": "daily"}))
    );
    let (status, body) = app
        .send_as(
            &member,
            Method::PUT,
            &path,
            Some(json!({"email_preference": "weekly"})),
        )
        .await;
    assert_eq!(
        (status, body),
        (200, json!({"watching": true, "email_preference": "weekly"}))
    );

    // Watching the community tells of new threads.
    let (thread, post) = app
        .create_thread(
            &author,
            community,
            "question",
            "Shift rosters",
            "Who decides?",
        )
        .await;
    let items = notifications(&app, &member).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "new_thread");
    assert_eq!(items[0]["thread"]["id"], thread);
    assert_eq!(items[0]["post_id"], post);

    // Bad input.
    let res = app
        .authed(Method::PUT, &path, &member.token)
        .json(&json!({"email_preference": "hourly"}))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "email_preference");
    let res = app
        .authed(Method::PUT, &path, &member.token)
        .json(&json!({"watch": true}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "unknown_field").await;
    assert_eq!(
        app.get_as(Some(&member), &path).await.1,
        json!({"watching": true, "email_preference": "weekly"}),
        "nothing changed"
    );

    // Non-members: 403 in a public community, 404 in a private one.
    let outsider = app.user("member").await;
    let res = app
        .authed(Method::GET, &path, &outsider.token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "not_a_member").await;
    let res = app
        .authed(Method::PUT, &path, &outsider.token)
        .json(&json!({"watching": true}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "not_a_member").await;
    let trainer = app.user("trainer").await;
    let private = app.create_community(&trainer, "private").await;
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/communities/{private}/subscription"),
            &outsider.token,
        )
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
    let res = app.get(&path).await;
    assert_eq!(res.status().as_u16(), 401);
}

#[tokio::test]
async fn the_digests_command_queues_the_due_digests_once() {
    let app = spawn_app().await;
    let (author, replier, _, thread) = setup(&app).await;
    let post = app.reply(&replier, thread, "One").await;
    let database_url = app.db.url().to_env_value();
    let run = |at: Option<String>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_bayanihan"));
        cmd.arg("digests")
            .env("DATABASE_URL", &database_url)
            .env("BAYANIHAN_DATA_DIR", app.data_dir.path())
            .env("BAYANIHAN_PUBLIC_URL", "http://cli.test");
        if let Some(at) = at {
            cmd.args(["--now", &at]);
        }
        cmd.output().unwrap()
    };
    let out = run(None);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "digests: 0 emails queued"
    );
    let later = (chrono::Utc::now() + TimeDelta::hours(25)).to_rfc3339();
    let out = run(Some(later.clone()));
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "digests: 1 emails queued"
    );
    let emails = emails_to(&app, &author);
    assert_eq!(emails.len(), 1);
    assert!(
        emails[0]
            .1
            .contains(&format!("http://cli.test/threads/{thread}#post-{post}")),
        "{}",
        emails[0].1
    );
    let out = run(Some(later));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "digests: 0 emails queued"
    );
    let out = run(Some("tomorrow".to_owned()));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

#[tokio::test]
async fn notices_about_oneself_stay_visible_when_the_content_is_not() {
    let app = spawn_app().await;
    let moderator = app.user("coordinator").await;
    let community = app.create_community(&moderator, "public").await;
    let (author, replier, reporter) = (
        app.user("member").await,
        app.user("member").await,
        app.user("member").await,
    );
    for user in [&author, &replier, &reporter] {
        app.join_community(user, community).await;
    }
    let (thread, _) = app
        .create_thread(&author, community, "discussion", "Rosters", "Body")
        .await;
    let post = app.reply(&replier, thread, "Spam, spam, spam").await;
    assert_eq!(notifications(&app, &author).await.len(), 1);
    let (status, flag) = app
        .send_as(
            &reporter,
            Method::POST,
            &format!("/api/v1/posts/{post}/flags"),
            Some(json!({"reason": "spam"})),
        )
        .await;
    assert_eq!(status, 201, "{flag}");
    let (status, body) = app
        .send_as(
            &moderator,
            Method::POST,
            &format!("/api/v1/flags/{}/resolve", flag["id"]),
            Some(json!({"outcome": "upheld"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The hidden reply is gone from the thread author's list...
    assert!(notifications(&app, &author).await.is_empty());
    // ...but its author is told it was hidden, and the reporter that the flag was decided.
    let items = notifications(&app, &replier).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "post_hidden");
    assert_eq!(items[0]["post_id"], post);
    let items = notifications(&app, &reporter).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "flag_resolved");
    assert_eq!(unread(&app, &reporter).await, 1);

    // A member banned from a private community still learns of it, with nothing inside.
    let trainer = app.user("trainer").await;
    let private = app.create_community(&trainer, "private").await;
    app.add_member(&trainer, private, &replier).await;
    let (status, body) = app
        .send_as(
            &trainer,
            Method::POST,
            &format!("/api/v1/communities/{private}/bans"),
            Some(json!({"user_id": replier.id, "reason": "spam"})),
        )
        .await;
    assert!(matches!(status, 200 | 201 | 204), "{status} {body}");
    let banned: Vec<Value> = notifications(&app, &replier)
        .await
        .into_iter()
        .filter(|i| i["community"]["id"] == private)
        .collect();
    let kinds: Vec<&str> = banned.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["banned", "invited"], "{banned:?}");
    assert!(banned[0]["thread"].is_null());
}

#[tokio::test]
async fn personal_answers_are_not_stored_and_counts_are_named_alike() {
    let app = spawn_app().await;
    let (author, replier, community, thread) = setup(&app).await;
    app.reply(&replier, thread, "A reply").await;
    for path in [
        "/api/v1/me/notifications".to_owned(),
        "/api/v1/me/notifications/unread-count".to_owned(),
        format!("/api/v1/threads/{thread}/subscription"),
        format!("/api/v1/communities/{community}/subscription"),
    ] {
        let res = app
            .authed(Method::GET, &path, &author.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    // `unread_count`, as threads name their unread posts.
    let (_, body) = app
        .get_as(Some(&author), "/api/v1/me/notifications/unread-count")
        .await;
    assert_eq!(body, json!({"unread_count": 1}));
    let items = notifications(&app, &author).await;
    let res = app
        .authed(
            Method::POST,
            "/api/v1/me/notifications/999999/read",
            &author.token,
        )
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/me/notifications/{}/read", items[0]["id"]),
            &replier.token,
        )
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
    let res = app
        .authed(
            Method::POST,
            "/api/v1/me/notifications/x/read",
            &author.token,
        )
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 400, "invalid_path").await;
    assert_eq!(body["errors"][0]["field"], "id");
}
