//! Community posts across languages (issue 17, item 5): a post's language, reading in
//! one's language, members' translations, requests, and machine translation through a
//! small LibreTranslate-speaking server of the test's own.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{Options, TestApp, TestUser, spawn_app, spawn_app_with};

const FILIPINO: &str = "Magandang umaga sa lahat! Ang ating unyon ay magkakaroon ng pagpupulong \
                        bukas tungkol sa kaligtasan sa trabaho at ang mga karapatan ng mga manggagawa.";
const INDONESIAN: &str = "Selamat pagi semuanya! Serikat pekerja kita akan mengadakan rapat besok \
                          tentang keselamatan kerja dan hak-hak para pekerja di pabrik.";

/// A LibreTranslate-speaking server on 127.0.0.1: `POST /translate` answers
/// `{"translatedText": "[<target>] <q>"}`, or 500 while it is set to fail. Records every
/// request body.
#[derive(Clone)]
struct Translator {
    url: String,
    got: Arc<Mutex<Vec<Value>>>,
    failing: Arc<Mutex<bool>>,
}

impl Translator {
    async fn start(failing: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = Self {
            url,
            got: Arc::default(),
            failing: Arc::new(Mutex::new(failing)),
        };
        let s = server.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let s = s.clone();
                tokio::spawn(async move {
                    let Some((path, body)) = read_request(&mut socket).await else {
                        return;
                    };
                    let request: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                    s.got.lock().unwrap().push(request.clone());
                    let failing = *s.failing.lock().unwrap();
                    let (status, answer) = if failing || path != "/translate" {
                        (500, json!({"error": "down"}).to_string())
                    } else {
                        let text = format!(
                            "[{}] {}",
                            request["target"].as_str().unwrap_or("?"),
                            request["q"].as_str().unwrap_or("")
                        );
                        (200, json!({ "translatedText": text }).to_string())
                    };
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                        answer.len()
                    );
                    let _ = socket.write_all(reply.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        server
    }

    fn requests(&self) -> Vec<Value> {
        self.got.lock().unwrap().clone()
    }

    fn set_failing(&self, failing: bool) {
        *self.failing.lock().unwrap() = failing;
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some((path, String::from_utf8_lossy(&buf[head_end..]).to_string()))
}

/// Polls `check` until it gives a value (the deadline only keeps a broken build from
/// hanging).
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A public community with its moderator (the coordinator who made it) and two members.
struct Setup {
    moderator: TestUser,
    author: TestUser,
    reader: TestUser,
    community: i64,
}

async fn setup(app: &TestApp, visibility: &str) -> Setup {
    let moderator = app.user("coordinator").await;
    let community = app.create_community(&moderator, visibility).await;
    let author = app.user("member").await;
    let reader = app.user("member").await;
    app.add_member(&moderator, community, &author).await;
    app.add_member(&moderator, community, &reader).await;
    Setup {
        moderator,
        author,
        reader,
        community,
    }
}

/// Starts a thread with `body` (and `language`, if given); (thread id, opening post).
async fn thread(app: &TestApp, s: &Setup, body: &str, language: Option<&str>) -> (i64, Value) {
    let mut req = json!({"kind": "discussion", "title": "Safety meeting", "body": body});
    if let Some(l) = language {
        req["language"] = json!(l);
    }
    let (status, json) = app
        .send_as(
            &s.author,
            Method::POST,
            &format!("/api/v1/communities/{}/threads", s.community),
            Some(req),
        )
        .await;
    assert_eq!(status, 201, "{json}");
    (json["id"].as_i64().unwrap(), json["first_post"].clone())
}

async fn get_with(
    app: &TestApp,
    user: Option<&TestUser>,
    path: &str,
    accept_language: Option<&str>,
) -> reqwest::Response {
    let mut req = match user {
        Some(u) => app.authed(Method::GET, path, &u.token),
        None => app.client.get(app.url(path)),
    };
    if let Some(l) = accept_language {
        req = req.header("accept-language", l);
    }
    req.send().await.unwrap()
}

async fn translate(
    app: &TestApp,
    user: &TestUser,
    post: i64,
    lang: &str,
    body: &str,
) -> (u16, Value) {
    app.send_as(
        user,
        Method::PUT,
        &format!("/api/v1/posts/{post}/translations/{lang}"),
        Some(json!({ "body": body })),
    )
    .await
}

async fn ask(app: &TestApp, user: &TestUser, post: i64, lang: &str) -> (u16, Value) {
    app.send_as(
        user,
        Method::POST,
        &format!("/api/v1/posts/{post}/translation-requests"),
        Some(json!({ "language": lang })),
    )
    .await
}

fn code(body: &Value) -> String {
    body["errors"][0]["code"]
        .as_str()
        .or(body["code"].as_str())
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn a_post_records_its_language_chosen_or_detected() {
    let app = spawn_app().await;
    let s = setup(&app, "public").await;
    // Detected from the text.
    let (thread_id, first) = thread(&app, &s, FILIPINO, None).await;
    assert_eq!(first["language"], "fil", "{first}");
    assert_eq!(first["translated_from"], Value::Null);
    assert_eq!(first["translation"], Value::Null);
    // Chosen by the author.
    let (status, reply) = app
        .send_as(
            &s.author,
            Method::POST,
            &format!("/api/v1/threads/{thread_id}/posts"),
            Some(json!({"body": "Salamat!", "language": "ID"})),
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    assert_eq!(reply["language"], "id");
    let detected = app.reply(&s.author, thread_id, INDONESIAN).await;
    let (_, p) = app.get_as(None, &format!("/api/v1/posts/{detected}")).await;
    assert_eq!(p["language"], "id");
    // Too short to tell: the author's preferred language.
    let short = app.reply(&s.author, thread_id, "Ok po!").await;
    let (_, p) = app.get_as(None, &format!("/api/v1/posts/{short}")).await;
    assert_eq!(p["language"], "en");
    // A language outside the platform's list, or not a tag: 422.
    for bad in ["xx", "not a tag"] {
        let (status, body) = app
            .send_as(
                &s.author,
                Method::POST,
                &format!("/api/v1/threads/{thread_id}/posts"),
                Some(json!({"body": "Hello there", "language": bad})),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "language");
    }
    // An edit may set it; without one it stays.
    let (status, edited) = app
        .send_as(
            &s.author,
            Method::PATCH,
            &format!("/api/v1/posts/{short}"),
            Some(json!({"body": "Ok po!", "language": "fil"})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["language"], "fil");
    let (_, edited) = app
        .send_as(
            &s.author,
            Method::PATCH,
            &format!("/api/v1/posts/{short}"),
            Some(json!({"body": "Ok po, salamat!"})),
        )
        .await;
    assert_eq!(edited["language"], "fil");
}

#[tokio::test]
async fn members_translate_and_readers_get_their_language() {
    let app = spawn_app().await;
    let s = setup(&app, "public").await;
    let (thread_id, first) = thread(&app, &s, FILIPINO, None).await;
    let post = first["id"].as_i64().unwrap();
    let second = app.reply(&s.author, thread_id, INDONESIAN).await;

    let (status, t) = translate(
        &app,
        &s.reader,
        post,
        "en",
        "Good morning, **everyone**! <script>x</script>",
    )
    .await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(t["origin"], "member");
    assert_eq!(t["translator"]["id"], s.reader.id);
    assert_eq!(t["source_language"], "fil");
    assert_eq!(t["outdated"], false);
    // Current: no source date (the rule of every translated text).
    assert!(t["source_updated_at"].is_null(), "{t}");
    assert!(
        t["body_html"]
            .as_str()
            .unwrap()
            .contains("<strong>everyone</strong>")
    );
    assert!(!t["body_html"].as_str().unwrap().contains("<script"));
    // Into the post's own language, or one the platform does not offer: 422.
    let (status, body) = translate(&app, &s.reader, post, "fil", "x").await;
    assert_eq!(
        (status, code(&body).as_str()),
        (422, "is_original_language")
    );
    let (status, body) = translate(&app, &s.reader, post, "xx", "x").await;
    assert_eq!(
        (status, code(&body).as_str()),
        (422, "unsupported_language")
    );

    // An English reader gets the translation, marked as one.
    let res = get_with(&app, None, &format!("/api/v1/posts/{post}"), Some("en")).await;
    assert_eq!(res.headers()["content-language"], "en");
    assert!(
        res.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Language")
    );
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["language"], "en");
    assert_eq!(p["translated_from"], "fil");
    assert_eq!(p["translation"]["origin"], "member");
    assert_eq!(p["translation"]["outdated"], false);
    assert!(p["translation"]["source_updated_at"].is_null(), "{p}");
    assert_eq!(p["translation"]["translator"]["id"], s.reader.id);
    assert!(p["body"].as_str().unwrap().starts_with("Good morning"));
    // The original, with ?lang= its language; a different entity tag.
    let res = get_with(
        &app,
        None,
        &format!("/api/v1/posts/{post}?lang=fil"),
        Some("en"),
    )
    .await;
    assert_ne!(res.headers()["etag"].to_str().unwrap(), tag);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["language"], "fil");
    assert_eq!(p["body"], FILIPINO);
    assert_eq!(p["translation"], Value::Null);
    // A logged-in reader's preferred language (English) picks it too.
    let (_, p) = app
        .get_as(Some(&s.moderator), &format!("/api/v1/posts/{post}"))
        .await;
    assert_eq!(p["language"], "en");

    // The thread page: each post in the reader's language when it can be.
    let res = get_with(
        &app,
        None,
        &format!("/api/v1/threads/{thread_id}/posts"),
        Some("en"),
    )
    .await;
    assert_eq!(res.headers()["content-language"], "en, id");
    let page: Value = res.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items[0]["language"], "en");
    assert_eq!(items[0]["translated_from"], "fil");
    assert_eq!(items[1]["id"], second);
    assert_eq!(items[1]["language"], "id");
    assert_eq!(items[1]["translation"], Value::Null);
    let (_, th) = app
        .get_as(None, &format!("/api/v1/threads/{thread_id}?lang=en"))
        .await;
    assert_eq!(th["first_post"]["language"], "en");

    // The list of a post's translations; replacing one (another member) answers 200.
    let (status, list) = app
        .get_as(None, &format!("/api/v1/posts/{post}/translations"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (status, t) = translate(&app, &s.author, post, "en", "Good morning to all!").await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["translator"]["id"], s.author.id);
}

#[tokio::test]
async fn without_machine_translation_a_request_says_so_and_nothing_leaves() {
    let server = Translator::start(false).await;
    let app = spawn_app().await; // no BAYANIHAN_MT_URL
    let s = setup(&app, "public").await;
    let (_, first) = thread(&app, &s, FILIPINO, None).await;
    let post = first["id"].as_i64().unwrap();

    let (status, r) = ask(&app, &s.reader, post, "en").await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r["machine_translation"], "not_configured");
    assert_eq!(r["translation_available"], false);
    assert_eq!(r["attempts"], 0);
    // Asked again: the first request, 200.
    let (status, again) = ask(&app, &s.reader, post, "en").await;
    assert_eq!(status, 200);
    assert_eq!(again["requested_at"], r["requested_at"]);
    let (status, got) = app
        .get_as(
            Some(&s.reader),
            &format!("/api/v1/posts/{post}/translation-requests/en"),
        )
        .await;
    assert_eq!(
        (status, got["machine_translation"].as_str()),
        (200, Some("not_configured"))
    );
    // Bad languages: 422.
    for (lang, expected) in [
        ("xx", "unsupported_language"),
        ("fil", "is_original_language"),
        ("not a tag", "invalid_language"),
    ] {
        let (status, body) = ask(&app, &s.reader, post, lang).await;
        assert_eq!((status, code(&body).as_str()), (422, expected), "{lang}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(server.requests().is_empty());
    let jobs: i64 = {
        use bayanihan::db::schema::machine_translation_jobs::dsl;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        dsl::machine_translation_jobs
            .count()
            .get_result(&mut *conn)
            .unwrap()
    };
    assert_eq!(jobs, 0);

    // A member's translation is published: the requester is told.
    let (status, _) = translate(&app, &s.author, post, "en", "Good morning, everyone!").await;
    assert_eq!(status, 201);
    let (_, notes) = app
        .get_as(Some(&s.reader), "/api/v1/me/notifications")
        .await;
    let kinds: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"post_translated"), "{notes}");
    let (_, r) = ask(&app, &s.reader, post, "en").await;
    assert_eq!(r["machine_translation"], "not_needed");
    assert_eq!(r["translation_available"], true);
}

#[tokio::test]
async fn machine_translation_is_retried_while_down_and_readers_see_the_original() {
    let server = Translator::start(true).await;
    let app = spawn_app_with(Options {
        mt_url: Some(server.url.clone()),
        ..Options::default()
    })
    .await;
    let s = setup(&app, "public").await;
    let (_, first) = thread(&app, &s, FILIPINO, None).await;
    let post = first["id"].as_i64().unwrap();

    let (status, r) = ask(&app, &s.reader, post, "en").await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r["machine_translation"], "queued");
    // The service is down: the job is tried, and tried again.
    eventually("two attempts", || async {
        (server.requests().len() >= 2).then_some(())
    })
    .await;
    let sent = &server.requests()[0];
    assert_eq!(sent["q"], FILIPINO);
    assert_eq!(sent["source"], "tl");
    assert_eq!(sent["target"], "en");
    assert_eq!(sent["format"], "text");
    let (_, state) = app
        .get_as(
            Some(&s.reader),
            &format!("/api/v1/posts/{post}/translation-requests/en"),
        )
        .await;
    assert_eq!(state["machine_translation"], "retrying", "{state}");
    assert!(state["attempts"].as_i64().unwrap() >= 1);
    assert_eq!(state["last_error"], "the translation service answered 500");
    // Meanwhile the reader sees the original.
    let (_, p) = app
        .get_as(Some(&s.reader), &format!("/api/v1/posts/{post}"))
        .await;
    assert_eq!(p["language"], "fil");
    assert_eq!(p["translation"], Value::Null);

    // The service comes back: the translation is published, the requester told.
    server.set_failing(false);
    let p = eventually("the machine translation", || async {
        let (_, p) = app
            .get_as(Some(&s.reader), &format!("/api/v1/posts/{post}"))
            .await;
        (p["language"] == "en").then_some(p)
    })
    .await;
    assert_eq!(p["translated_from"], "fil");
    assert_eq!(p["translation"]["origin"], "machine");
    assert_eq!(p["translation"]["translator"], Value::Null);
    assert_eq!(p["body"], format!("[en] {FILIPINO}"));
    let (_, state) = app
        .get_as(
            Some(&s.reader),
            &format!("/api/v1/posts/{post}/translation-requests/en"),
        )
        .await;
    assert_eq!(state["machine_translation"], "not_needed");
    let (_, notes) = app
        .get_as(Some(&s.reader), "/api/v1/me/notifications")
        .await;
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "post_translated" && n["post_id"] == post),
        "{notes}"
    );
    // Asked again: nothing more is sent.
    let before = server.requests().len();
    let (status, _) = ask(&app, &s.reader, post, "en").await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests().len(), before);

    // A member's translation replaces the machine's.
    let (status, t) = translate(&app, &s.author, post, "en", "Good morning, everyone!").await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["origin"], "member");
    let (_, p) = app
        .get_as(Some(&s.reader), &format!("/api/v1/posts/{post}"))
        .await;
    assert_eq!(p["translation"]["origin"], "member");
}

#[tokio::test]
async fn an_edit_outdates_translations_and_hiding_hides_them() {
    let app = spawn_app().await;
    let s = setup(&app, "public").await;
    let (_, first) = thread(&app, &s, FILIPINO, None).await;
    let post = first["id"].as_i64().unwrap();
    let (status, _) = translate(&app, &s.reader, post, "en", "Good morning, everyone!").await;
    assert_eq!(status, 201);

    // The author edits: the translation is still served, flagged with the newer date.
    let (status, edited) = app
        .send_as(
            &s.author,
            Method::PATCH,
            &format!("/api/v1/posts/{post}"),
            Some(json!({"body": format!("{FILIPINO} Dalhin ang inyong ID.")})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    let (_, p) = app
        .get_as(None, &format!("/api/v1/posts/{post}?lang=en"))
        .await;
    assert_eq!(p["language"], "en");
    assert_eq!(p["translation"]["outdated"], true);
    assert_eq!(p["translation"]["source_updated_at"], edited["edited_at"]);
    let (_, t) = app
        .get_as(None, &format!("/api/v1/posts/{post}/translations/en"))
        .await;
    assert_eq!(t["outdated"], true);
    assert_eq!(t["source_updated_at"], edited["edited_at"]);
    // Translated again: current.
    let (status, t) = translate(&app, &s.reader, post, "en", "Good morning! Bring your ID.").await;
    assert_eq!((status, t["outdated"].as_bool()), (200, Some(false)));
    assert!(t["source_updated_at"].is_null(), "{t}");
    let (_, p) = app
        .get_as(None, &format!("/api/v1/posts/{post}?lang=en"))
        .await;
    assert_eq!(p["translation"]["outdated"], false);
    assert!(p["translation"]["source_updated_at"].is_null(), "{p}");

    // A moderator hides the translation: readers get the original; members cannot
    // replace it; the moderator still sees it.
    let hide = format!("/api/v1/posts/{post}/translations/en/hide");
    let (status, _) = app.send_as(&s.reader, Method::POST, &hide, None).await;
    assert_eq!(status, 403);
    let (status, _) = app.send_as(&s.moderator, Method::POST, &hide, None).await;
    assert_eq!(status, 204);
    let (status, body) = app.send_as(&s.moderator, Method::POST, &hide, None).await;
    assert_eq!((status, code(&body).as_str()), (409, "already_hidden"));
    let (_, p) = app
        .get_as(None, &format!("/api/v1/posts/{post}?lang=en"))
        .await;
    assert_eq!(p["language"], "fil");
    let (status, _) = app
        .get_as(None, &format!("/api/v1/posts/{post}/translations/en"))
        .await;
    assert_eq!(status, 404);
    let (status, body) = translate(&app, &s.author, post, "en", "Hi").await;
    assert_eq!((status, code(&body).as_str()), (409, "translation_hidden"));
    let (status, t) = app
        .get_as(
            Some(&s.moderator),
            &format!("/api/v1/posts/{post}/translations/en"),
        )
        .await;
    assert_eq!((status, t["hidden"].as_bool()), (200, Some(true)));
    let (_, log) = app
        .get_as(
            Some(&s.moderator),
            &format!("/api/v1/communities/{}/moderation-log", s.community),
        )
        .await;
    assert!(log.to_string().contains("hide_translation"), "{log}");
    let restore = format!("/api/v1/posts/{post}/translations/en/restore");
    let (status, _) = app
        .send_as(&s.moderator, Method::POST, &restore, None)
        .await;
    assert_eq!(status, 204);
    let (_, p) = app
        .get_as(None, &format!("/api/v1/posts/{post}?lang=en"))
        .await;
    assert_eq!(p["language"], "en");

    // A hidden post: its translations are neither served nor requestable.
    let (status, _) = app
        .send_as(
            &s.moderator,
            Method::POST,
            &format!("/api/v1/posts/{post}/hide"),
            Some(json!({"reason": "spam"})),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .get_as(
            Some(&s.reader),
            &format!("/api/v1/posts/{post}/translations"),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = ask(&app, &s.reader, post, "en").await;
    assert_eq!(status, 404);
    // Its author still sees the post, in the original only.
    let (status, p) = app
        .get_as(Some(&s.author), &format!("/api/v1/posts/{post}?lang=en"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (p["language"].as_str(), p["hidden"].as_bool()),
        (Some("fil"), Some(true))
    );
    assert_eq!(p["translation"], Value::Null);
}

#[tokio::test]
async fn a_private_community_s_translations_are_404_to_others() {
    let app = spawn_app().await;
    let s = setup(&app, "private").await;
    let (_, first) = thread(&app, &s, FILIPINO, None).await;
    let post = first["id"].as_i64().unwrap();
    let (status, _) = translate(&app, &s.reader, post, "en", "Good morning!").await;
    assert_eq!(status, 201);
    let outsider = app.user("member").await;
    let (status, _) = app
        .get_as(
            Some(&outsider),
            &format!("/api/v1/posts/{post}/translations/en"),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get_as(
            Some(&outsider),
            &format!("/api/v1/posts/{post}/translations"),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = ask(&app, &outsider, post, "en").await;
    assert_eq!(status, 404);
    let (status, _) = translate(&app, &outsider, post, "id", "Selamat pagi!").await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get_as(
            Some(&s.reader),
            &format!("/api/v1/posts/{post}/translations/en"),
        )
        .await;
    assert_eq!(status, 200);
}

/// The post ids of a demo thread, in order.
fn demo_posts(app: &TestApp, slug: &str, title: &str) -> Vec<i64> {
    use bayanihan::db::schema::{communities, posts, threads};
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    posts::table
        .inner_join(threads::table.inner_join(communities::table))
        .filter(communities::slug.eq(slug))
        .filter(threads::title.eq(title))
        .order(posts::id.asc())
        .select(posts::id)
        .load(&mut *conn)
        .unwrap()
}

#[tokio::test]
async fn the_demo_has_posts_across_languages() {
    let app = spawn_app().await;
    app.seed_demo();
    let k3 = demo_posts(
        &app,
        "forum-pelatih-indonesia",
        "Materi K3 untuk pekerja pabrik garmen",
    );
    let (_, p) = app
        .get_as(None, &format!("/api/v1/posts/{}?lang=en", k3[0]))
        .await;
    assert_eq!(p["translated_from"], "id", "{p}");
    assert_eq!(p["translation"]["origin"], "member");
    let (_, p) = app
        .get_as(None, &format!("/api/v1/posts/{}?lang=fil", k3[0]))
        .await;
    assert_eq!(p["translation"]["origin"], "machine", "{p}");
    // The outdated one.
    let (_, p) = app
        .get_as(None, &format!("/api/v1/posts/{}?lang=en", k3[1]))
        .await;
    assert_eq!(p["translation"]["origin"], "machine", "{p}");
    assert_eq!(p["translation"]["outdated"], true);
    let youth = demo_posts(
        &app,
        "youth-organisers-network",
        "Pagsasanay para sa mga bagong lider ng kabataan",
    );
    let (_, p) = app
        .get_as(None, &format!("/api/v1/posts/{}?lang=en", youth[0]))
        .await;
    assert_eq!(p["translated_from"], "fil", "{p}");
    assert_eq!(p["translation"]["origin"], "member");
    let (_, p) = app
        .get_as(None, &format!("/api/v1/posts/{}?lang=id", youth[0]))
        .await;
    assert_eq!(p["translation"]["origin"], "machine", "{p}");
    // A second run adds nothing.
    app.seed_demo();
    let (_, list) = app
        .get_as(None, &format!("/api/v1/posts/{}/translations", youth[0]))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2);
}
