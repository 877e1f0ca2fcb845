//! Visibility of the community of practice, for every way in: no endpoint, search result,
//! notification, digest or count shows a private community's content to a non-member,
//! a members-only community's to an anonymous caller, or a hidden post to other members.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};

/// A word that appears only in the private community's content.
const SECRET: &str = "zamboangasecret";

/// Three communities and the people around them.
struct World {
    app: TestApp,
    /// Creates and moderates the public and members communities.
    coordinator: TestUser,
    /// Moderates the private community.
    trainer: TestUser,
    /// An active member of the private community.
    insider: TestUser,
    /// Logged in, member of the public community only.
    outsider: TestUser,
    public: i64,
    members: i64,
    private: i64,
    /// A question in the private community, with a reply by the insider.
    private_thread: i64,
    private_first_post: i64,
    private_reply: i64,
    /// A thread in the public community.
    public_thread: i64,
}

async fn world() -> World {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let trainer = app.user("trainer").await;
    let insider = app.user("member").await;
    let outsider = app.user("member").await;
    let public = app.create_community(&coordinator, "public").await;
    let members = app.create_community(&coordinator, "members").await;
    let private = app.create_community(&trainer, "private").await;
    app.add_member(&trainer, private, &insider).await;
    assert!(matches!(
        app.join_community(&outsider, public).await,
        200 | 201
    ));
    let (private_thread, private_first_post) = app
        .create_thread(
            &trainer,
            private,
            "question",
            &format!("How do we run the {SECRET} session?"),
            &format!("Planning notes for {SECRET}, ask <@{}>", outsider.id),
        )
        .await;
    let private_reply = app
        .reply(
            &insider,
            private_thread,
            &format!("Start with the {SECRET} case study. <@{}>", outsider.id),
        )
        .await;
    let (public_thread, _) = app
        .create_thread(
            &coordinator,
            public,
            "discussion",
            "Welcome",
            "Say hello here.",
        )
        .await;
    World {
        app,
        coordinator,
        trainer,
        insider,
        outsider,
        public,
        members,
        private,
        private_thread,
        private_first_post,
        private_reply,
        public_thread,
    }
}

/// Every read path into the private community's content.
fn private_read_paths(w: &World) -> Vec<String> {
    let (c, t, p, r) = (
        w.private,
        w.private_thread,
        w.private_first_post,
        w.private_reply,
    );
    vec![
        format!("/api/v1/communities/{c}"),
        format!("/api/v1/communities/{c}/threads"),
        format!("/api/v1/communities/{c}/members"),
        format!("/api/v1/communities/{c}/subscription"),
        format!("/api/v1/communities/{c}/flags"),
        format!("/api/v1/communities/{c}/moderation-log"),
        format!("/api/v1/threads/{t}"),
        format!("/api/v1/threads/{t}/posts"),
        format!("/api/v1/threads/{t}/posts?from_post_id={r}"),
        format!("/api/v1/threads/{t}/subscription"),
        format!("/api/v1/posts/{p}"),
        format!("/api/v1/posts/{r}"),
        format!("/api/v1/posts/{r}/revisions"),
    ]
}

fn leaks(body: &Value) -> bool {
    body.to_string().to_lowercase().contains(SECRET)
}

#[tokio::test]
async fn a_private_community_does_not_exist_for_non_members() {
    let w = world().await;
    for path in private_read_paths(&w) {
        for (who, user) in [("anonymous", None), ("outsider", Some(&w.outsider))] {
            let (status, body) = w.app.get_as(user, &path).await;
            // Endpoints for logged-in callers only may answer 401 before looking anything up.
            let expected = if user.is_none() && status == 401 {
                401
            } else {
                404
            };
            assert_eq!(status, expected, "{who} GET {path}: {body}");
            assert!(!leaks(&body), "{who} GET {path} leaked: {body}");
        }
    }
    // Platform staff are no exception.
    for path in private_read_paths(&w) {
        let (status, _) = w.app.get_as(Some(&w.coordinator), &path).await;
        assert_eq!(status, 404, "coordinator GET {path}");
    }
    // The insider reads what members read.
    for path in [
        format!("/api/v1/communities/{}", w.private),
        format!("/api/v1/communities/{}/threads", w.private),
        format!("/api/v1/threads/{}", w.private_thread),
        format!("/api/v1/threads/{}/posts", w.private_thread),
        format!("/api/v1/posts/{}", w.private_reply),
    ] {
        let (status, body) = w.app.get_as(Some(&w.insider), &path).await;
        assert_eq!(status, 200, "insider GET {path}: {body}");
    }
}

#[tokio::test]
async fn writes_into_a_private_community_are_not_found_for_non_members() {
    let w = world().await;
    let (c, t, r) = (w.private, w.private_thread, w.private_reply);
    let writes: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            format!("/api/v1/communities/{c}/threads"),
            Some(json!({"kind": "discussion", "title": "Intruding", "body": "hello", "tags": []})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/communities/{c}"),
            Some(json!({"name": "Taken over"})),
        ),
        (
            Method::POST,
            format!("/api/v1/threads/{t}/posts"),
            Some(json!({"body": "hello"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/threads/{t}"),
            Some(json!({"title": "Renamed"})),
        ),
        (Method::DELETE, format!("/api/v1/threads/{t}"), None),
        (
            Method::PUT,
            format!("/api/v1/threads/{t}/read-state"),
            Some(json!({"last_read_post_id": r})),
        ),
        (
            Method::PUT,
            format!("/api/v1/threads/{t}/accepted-answer"),
            Some(json!({"post_id": r})),
        ),
        (
            Method::PUT,
            format!("/api/v1/threads/{t}/subscription"),
            None,
        ),
        (Method::POST, format!("/api/v1/threads/{t}/lock"), None),
        (Method::POST, format!("/api/v1/threads/{t}/pin"), None),
        (
            Method::PATCH,
            format!("/api/v1/posts/{r}"),
            Some(json!({"body": "edited"})),
        ),
        (Method::DELETE, format!("/api/v1/posts/{r}"), None),
        (
            Method::PUT,
            format!("/api/v1/posts/{r}/reactions/like"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/posts/{r}/flags"),
            Some(json!({"reason": "spam"})),
        ),
        (
            Method::POST,
            format!("/api/v1/posts/{r}/hide"),
            Some(json!({"reason": "no"})),
        ),
        (
            Method::POST,
            format!("/api/v1/communities/{c}/invitations"),
            Some(json!({"user_id": w.outsider.id})),
        ),
        (
            Method::POST,
            format!("/api/v1/communities/{c}/bans"),
            Some(json!({"user_id": w.insider.id, "reason": "no"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/communities/{c}/subscription"),
            Some(json!({"watching": true})),
        ),
    ];
    for (method, path, body) in writes {
        let (status, answer) = w
            .app
            .send_as(&w.outsider, method.clone(), &path, body.clone())
            .await;
        assert_eq!(status, 404, "outsider {method} {path}: {answer}");
        assert!(!leaks(&answer), "{method} {path} leaked: {answer}");
    }
    // Nothing changed: the insider still reads the thread as it was.
    let (_, thread) = w
        .app
        .get_as(Some(&w.insider), &format!("/api/v1/threads/{t}"))
        .await;
    assert!(leaks(&thread["title"]), "{thread}");
    assert_eq!(thread["locked"], false);
    assert_eq!(thread["pinned"], false);
}

#[tokio::test]
async fn a_reply_elsewhere_cannot_quote_a_private_post() {
    let w = world().await;
    let (status, body) = w
        .app
        .send_as(
            &w.outsider,
            Method::POST,
            &format!("/api/v1/threads/{}/posts", w.public_thread),
            Some(json!({"body": "see this", "quote_post_id": w.private_reply})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(!leaks(&body), "{body}");
}

#[tokio::test]
async fn lists_and_counts_leave_out_what_the_caller_cannot_read() {
    let w = world().await;
    let ids = |body: &Value| -> Vec<i64> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let (status, anon) = w.app.get_as(None, "/api/v1/communities?limit=100").await;
    assert_eq!(status, 200);
    assert_eq!(
        ids(&anon),
        vec![w.public],
        "anonymous sees only the public one"
    );
    let (_, outsider) = w
        .app
        .get_as(Some(&w.outsider), "/api/v1/communities?limit=100")
        .await;
    let mut seen = ids(&outsider);
    seen.sort();
    assert_eq!(seen, vec![w.public, w.members]);
    assert!(!leaks(&outsider));
    let (_, insider) = w
        .app
        .get_as(Some(&w.insider), "/api/v1/communities?limit=100")
        .await;
    assert!(ids(&insider).contains(&w.private));
    // The members community is closed to anonymous callers.
    let (status, _) = w
        .app
        .get_as(None, &format!("/api/v1/communities/{}/threads", w.members))
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn search_finds_private_posts_only_for_members() {
    let w = world().await;
    let path = format!("/api/v1/search/posts?q={SECRET}");
    for (who, user) in [
        ("anonymous", None),
        ("outsider", Some(&w.outsider)),
        ("coordinator", Some(&w.coordinator)),
    ] {
        let (status, body) = w.app.get_as(user, &path).await;
        assert_eq!(status, 200, "{who}: {body}");
        assert_eq!(body["items"].as_array().unwrap().len(), 0, "{who}: {body}");
    }
    let (status, body) = w.app.get_as(Some(&w.insider), &path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 2, "{body}");
    // Restricting the search to the private community does not open it either.
    let (status, body) = w
        .app
        .get_as(
            Some(&w.outsider),
            &format!("{path}&community_id={}", w.private),
        )
        .await;
    assert!(
        status == 404 || body["items"].as_array().is_some_and(|i| i.is_empty()),
        "{status} {body}"
    );
}

#[tokio::test]
async fn members_only_posts_are_not_found_by_anonymous_search() {
    let w = world().await;
    w.app
        .create_thread(
            &w.coordinator,
            w.members,
            "discussion",
            "Bargaining notes",
            "Only for logged-in kalamansimembers",
        )
        .await;
    let (_, anon) = w
        .app
        .get_as(None, "/api/v1/search/posts?q=kalamansimembers")
        .await;
    assert_eq!(anon["items"].as_array().unwrap().len(), 0, "{anon}");
    let (_, member) = w
        .app
        .get_as(Some(&w.outsider), "/api/v1/search/posts?q=kalamansimembers")
        .await;
    assert_eq!(member["items"].as_array().unwrap().len(), 1, "{member}");
}

#[tokio::test]
async fn mentions_do_not_notify_members_who_cannot_read() {
    let w = world().await;
    let (status, body) = w
        .app
        .get_as(Some(&w.outsider), "/api/v1/me/notifications")
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["items"].as_array().unwrap().is_empty(), "{body}");
    assert!(!leaks(&body));
    let (_, count) = w
        .app
        .get_as(Some(&w.outsider), "/api/v1/me/notifications/unread-count")
        .await;
    assert_eq!(count["unread_count"], 0, "{count}");
    // The trainer, who watches the thread they started, hears of the insider's reply.
    let (_, trainer) = w
        .app
        .get_as(Some(&w.trainer), "/api/v1/me/notifications")
        .await;
    assert_eq!(trainer["items"].as_array().unwrap().len(), 1, "{trainer}");
}

#[tokio::test]
async fn a_member_who_leaves_loses_the_community_and_its_notifications() {
    let w = world().await;
    // The insider watches the thread (they replied); the trainer replies again.
    w.app
        .reply(&w.trainer, w.private_thread, "Thanks, noted.")
        .await;
    let about_threads = |body: &Value| -> usize {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| !n["thread"].is_null())
            .count()
    };
    let (_, before) = w
        .app
        .get_as(Some(&w.insider), "/api/v1/me/notifications")
        .await;
    assert_eq!(about_threads(&before), 1, "{before}");
    let (status, _) = w
        .app
        .send_as(
            &w.insider,
            Method::DELETE,
            &format!("/api/v1/communities/{}/membership", w.private),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (_, after) = w
        .app
        .get_as(Some(&w.insider), "/api/v1/me/notifications")
        .await;
    // Only the invitation (about themselves) is left; nothing about the thread.
    assert_eq!(about_threads(&after), 0, "{after}");
    assert!(!leaks(&after), "{after}");
    for path in private_read_paths(&w) {
        let (status, _) = w.app.get_as(Some(&w.insider), &path).await;
        assert_eq!(status, 404, "former member GET {path}");
    }
}

#[tokio::test]
async fn a_banned_member_loses_a_private_community() {
    let w = world().await;
    let (status, body) = w
        .app
        .send_as(
            &w.trainer,
            Method::POST,
            &format!("/api/v1/communities/{}/bans", w.private),
            Some(json!({"user_id": w.insider.id, "reason": "harassment"})),
        )
        .await;
    assert!(matches!(status, 200 | 201 | 204), "{status} {body}");
    for path in private_read_paths(&w) {
        let (status, _) = w.app.get_as(Some(&w.insider), &path).await;
        assert_eq!(status, 404, "banned GET {path}");
    }
    let (_, found) = w
        .app
        .get_as(
            Some(&w.insider),
            &format!("/api/v1/search/posts?q={SECRET}"),
        )
        .await;
    assert!(found["items"].as_array().unwrap().is_empty(), "{found}");
    assert_eq!(w.app.join_community(&w.insider, w.private).await, 403);
}

#[tokio::test]
async fn invited_and_pending_callers_see_the_community_but_not_its_content() {
    let w = world().await;
    let invitee = w.app.user("member").await;
    let (status, _) = w
        .app
        .send_as(
            &w.trainer,
            Method::POST,
            &format!("/api/v1/communities/{}/invitations", w.private),
            Some(json!({"user_id": invitee.id})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, community) = w
        .app
        .get_as(
            Some(&invitee),
            &format!("/api/v1/communities/{}", w.private),
        )
        .await;
    assert_eq!(status, 200, "{community}");
    assert!(community["thread_count"].is_null(), "{community}");
    assert!(community["member_count"].is_null(), "{community}");
    let (status, _) = w
        .app
        .get_as(
            Some(&invitee),
            &format!("/api/v1/communities/{}/threads", w.private),
        )
        .await;
    assert_eq!(status, 404);
    // A request made before private communities became invitation-only stays pending,
    // still without access.
    let requester = w.app.user("member").await;
    assert_eq!(w.app.join_community(&requester, w.private).await, 404);
    w.app.earlier_request(w.private, requester.id);
    let (status, _) = w
        .app
        .get_as(
            Some(&requester),
            &format!("/api/v1/threads/{}/posts", w.private_thread),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn hidden_posts_are_invisible_to_other_members_everywhere() {
    let w = world().await;
    let member = w.app.user("member").await;
    assert!(matches!(
        w.app.join_community(&member, w.public).await,
        200 | 201
    ));
    // The member watches the thread by replying; the outsider then posts something hidden.
    w.app.reply(&member, w.public_thread, "Hello all").await;
    let hidden = w
        .app
        .reply(&w.outsider, w.public_thread, "cheap watches qwertyspam")
        .await;
    let (status, _) = w
        .app
        .send_as(
            &w.coordinator,
            Method::POST,
            &format!("/api/v1/posts/{hidden}/hide"),
            Some(json!({"reason": "spam"})),
        )
        .await;
    assert!(matches!(status, 200 | 204), "hide answered {status}");
    // Posts list, single post, search, thread counts, notifications.
    let (_, posts) = w
        .app
        .get_as(
            Some(&member),
            &format!("/api/v1/threads/{}/posts", w.public_thread),
        )
        .await;
    assert!(
        posts["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != hidden),
        "{posts}"
    );
    let (status, _) = w
        .app
        .get_as(Some(&member), &format!("/api/v1/posts/{hidden}"))
        .await;
    assert_eq!(status, 404);
    for user in [None, Some(&member)] {
        let (_, found) = w
            .app
            .get_as(user, "/api/v1/search/posts?q=qwertyspam")
            .await;
        assert!(found["items"].as_array().unwrap().is_empty(), "{found}");
    }
    let (_, thread) = w
        .app
        .get_as(
            Some(&member),
            &format!("/api/v1/threads/{}", w.public_thread),
        )
        .await;
    assert_eq!(thread["reply_count"], 1, "{thread}");
    let (_, notes) = w
        .app
        .get_as(Some(&member), "/api/v1/me/notifications")
        .await;
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["post_id"] != hidden),
        "{notes}"
    );
    // Its author still sees it, marked hidden; so do moderators.
    for user in [&w.outsider, &w.coordinator] {
        let (status, post) = w
            .app
            .get_as(Some(user), &format!("/api/v1/posts/{hidden}"))
            .await;
        assert_eq!(status, 200, "{post}");
        assert_eq!(post["hidden"], true);
    }
}

#[tokio::test]
async fn digests_leave_out_what_the_member_can_no_longer_read() {
    let w = world().await;
    // The insider (daily digest, the default) hears of the trainer's next reply...
    w.app
        .reply(
            &w.trainer,
            w.private_thread,
            "A second thought on the plan.",
        )
        .await;
    // ...and is banned before the digest goes out.
    let (status, _) = w
        .app
        .send_as(
            &w.trainer,
            Method::POST,
            &format!("/api/v1/communities/{}/bans", w.private),
            Some(json!({"user_id": w.insider.id, "reason": "leaked the plan"})),
        )
        .await;
    assert!(matches!(status, 200 | 201 | 204));
    let later = bayanihan::db::now() + chrono::TimeDelta::days(8);
    let mut conn = w.app.db.conn().unwrap();
    bayanihan::notifications::digest::send_due(&mut conn, later).unwrap();
    drop(conn);
    let outbox = w.app.outbox();
    // The digest did run: the trainer, still a member, got theirs with the thread in it.
    assert!(
        outbox
            .iter()
            .any(|(to, _, body)| to == &w.trainer.email && body.to_lowercase().contains(SECRET)),
        "{outbox:?}"
    );
    for (to, subject, body) in outbox {
        let text = format!("{subject}\n{body}").to_lowercase();
        if to == w.insider.email || to == w.outsider.email {
            assert!(!text.contains(SECRET), "an email to {to} leaked: {text}");
        }
    }
}
