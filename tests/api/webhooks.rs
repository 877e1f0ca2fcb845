//! Webhooks through HTTP: subscriptions and who may manage them, the URLs that are refused,
//! and real deliveries to a receiver in this process (signed, retried, never for a
//! rolled-back change).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bayanihan::error::ApiError;
use bayanihan::types::{CertificateId, CourseId, UserId};
use bayanihan::webhooks::{Event, emit};
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{Options, TestApp, TestUser, assert_problem, etag, spawn_app, spawn_app_with};
use crate::learning::{Spec, complete, enrol, make_course};

/// A public address written as an IP literal: accepted without any name lookup.
const PUBLIC_URL: &str = "https://93.184.216.34/hooks/bayanihan";

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

/// A small HTTP receiver on 127.0.0.1 that records every request and answers the queued
/// statuses in turn (200 once the queue is empty).
#[derive(Clone)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    statuses: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    async fn start(statuses: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let receiver = Self {
            url,
            got: Arc::default(),
            statuses: Arc::new(Mutex::new(statuses.iter().copied().collect())),
        };
        let r = receiver.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let r = r.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    r.got.lock().unwrap().push(request);
                    let status = r.statuses.lock().unwrap().pop_front().unwrap_or(200);
                    let answer = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        receiver
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
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
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    Some(Received { headers, body })
}

/// Polls `check` until it gives a value. The deadline only keeps a broken build from
/// hanging; nothing asserts how fast deliveries go.
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

/// Verifies a delivery's signature as a receiver would: HMAC-SHA256 of
/// `{webhook-id}.{webhook-timestamp}.{body}` keyed with the base64-decoded secret.
fn verify(secret: &str, r: &Received) {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .unwrap();
    let id = &r.headers["webhook-id"];
    let ts = &r.headers["webhook-timestamp"];
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.{}", r.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    let sent = &r.headers["webhook-signature"];
    assert!(
        sent.split(' ').any(|s| s == expected),
        "signature {sent} is not {expected}"
    );
    let ts: i64 = ts.parse().unwrap();
    assert!(
        (chrono::Utc::now().timestamp() - ts).abs() < 300,
        "a fresh timestamp"
    );
}

async fn send(app: &TestApp, method: Method, path: &str, user: &TestUser) -> reqwest::Response {
    app.authed(method, path, &user.token).send().await.unwrap()
}

async fn send_json(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &TestUser,
    body: &Value,
) -> reqwest::Response {
    app.authed(method, path, &user.token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn create(app: &TestApp, user: &TestUser, url: &str, events: &[&str]) -> Value {
    let res = send_json(
        app,
        Method::POST,
        "/api/v1/webhooks",
        user,
        &json!({"url": url, "events": events}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201, "{:?}", res.text().await);
    res.json().await.unwrap()
}

async fn deliveries(app: &TestApp, user: &TestUser, id: i64) -> Vec<Value> {
    let res = send(
        app,
        Method::GET,
        &format!("/api/v1/webhooks/{id}/deliveries"),
        user,
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn webhooks_belong_to_their_coordinator_and_admins_see_all() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let other = app.user("coordinator").await;
    let admin = app.user("admin").await;
    let member = app.user("member").await;
    let trainer = app.user("trainer").await;

    let res = send_json(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        &coordinator,
        &json!({"url": PUBLIC_URL, "events": ["certified", "enrolled"], "description": "LMS sync"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/webhooks/{id}"));
    assert_eq!(created["events"], json!(["enrolled", "certified"]));
    assert_eq!(created["active"], true);
    assert_eq!(created["description"], "LMS sync");
    // The secret, shown once: whsec_ and 32 random bytes.
    let secret = created["secret"].as_str().unwrap();
    let bytes = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    assert_eq!(bytes.len(), 32);

    // Readable where Location points, without the secret.
    let res = send(&app, Method::GET, &location, &coordinator).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"].to_str().unwrap(), "no-store");
    let tag = etag(&res);
    let body: Value = res.json().await.unwrap();
    assert!(body.get("secret").is_none(), "{body}");
    assert_eq!(body["url"], PUBLIC_URL);

    // Another coordinator neither sees nor touches it.
    let theirs = create(&app, &other, PUBLIC_URL, &["nominated"]).await;
    let list: Value = send(&app, Method::GET, "/api/v1/webhooks", &other)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], theirs["id"]);
    for method in [Method::GET, Method::DELETE] {
        assert_problem(
            send(&app, method, &location, &other).await,
            404,
            "not_found",
        )
        .await;
    }
    assert_problem(
        send_json(
            &app,
            Method::PATCH,
            &location,
            &other,
            &json!({"active": false}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    for path in ["secret", "ping"] {
        assert_problem(
            send(&app, Method::POST, &format!("{location}/{path}"), &other).await,
            404,
            "not_found",
        )
        .await;
    }
    assert_problem(
        send(&app, Method::GET, &format!("{location}/deliveries"), &other).await,
        404,
        "not_found",
    )
    .await;

    // Members and trainers manage no webhooks at all.
    for user in [&member, &trainer] {
        assert_problem(
            send_json(
                &app,
                Method::POST,
                "/api/v1/webhooks",
                user,
                &json!({"url": PUBLIC_URL, "events": ["certified"]}),
            )
            .await,
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            send(&app, Method::GET, "/api/v1/webhooks", user).await,
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            send(&app, Method::GET, &location, user).await,
            403,
            "forbidden",
        )
        .await;
    }
    // Without a token: 401.
    assert_eq!(
        app.client
            .get(app.url("/api/v1/webhooks"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );

    // Admins see and manage every webhook.
    let list: Value = send(&app, Method::GET, "/api/v1/webhooks?limit=1", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["id"], id);
    let cursor = list["next_cursor"].as_str().unwrap();
    let next: Value = send(
        &app,
        Method::GET,
        &format!("/api/v1/webhooks?limit=1&cursor={cursor}"),
        &admin,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(next["items"][0]["id"], theirs["id"]);
    assert_eq!(next["next_cursor"], Value::Null);
    assert_eq!(
        send(&app, Method::GET, &location, &admin)
            .await
            .status()
            .as_u16(),
        200
    );

    // PATCH with If-Match: the current version changes it, a stale one is refused.
    let res = app
        .authed(Method::PATCH, &location, &coordinator.token)
        .header("if-match", &tag)
        .json(&json!({"events": ["completed"], "active": false, "description": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let new_tag = etag(&res);
    assert_ne!(new_tag, tag);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["events"], json!(["completed"]));
    assert_eq!(body["active"], false);
    assert_eq!(body["description"], Value::Null);
    let res = app
        .authed(Method::PATCH, &location, &coordinator.token)
        .header("if-match", &tag)
        .json(&json!({"active": true}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    // A PATCH that changes nothing keeps the version.
    let res = send_json(
        &app,
        Method::PATCH,
        &location,
        &coordinator,
        &json!({"active": false}),
    )
    .await;
    assert_eq!(etag(&res), new_tag);

    // Rotating the secret shows a new one, once.
    let res = send(
        &app,
        Method::POST,
        &format!("{location}/secret"),
        &coordinator,
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let rotated: Value = res.json().await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_"));
    assert_ne!(new_secret, secret);

    // Pinging an inactive webhook is refused.
    assert_problem(
        send(
            &app,
            Method::POST,
            &format!("{location}/ping"),
            &coordinator,
        )
        .await,
        409,
        "webhook_inactive",
    )
    .await;

    // Bad input.
    for (body, status, code) in [
        (
            json!({"url": PUBLIC_URL, "events": []}),
            422,
            "validation_failed",
        ),
        (
            json!({"url": PUBLIC_URL, "events": ["certified", "certified"]}),
            422,
            "validation_failed",
        ),
        (
            json!({"url": "not a url", "events": ["certified"]}),
            422,
            "validation_failed",
        ),
        (
            json!({"url": "https://93.184.216.34/\u{0}", "events": ["certified"]}),
            422,
            "validation_failed",
        ),
        (
            json!({"url": PUBLIC_URL, "events": ["certified"], "description": "a\u{7}b"}),
            422,
            "validation_failed",
        ),
        (
            json!({"url": PUBLIC_URL, "events": ["graduated"]}),
            400,
            "invalid_body",
        ),
        (
            json!({"url": PUBLIC_URL, "events": ["certified"], "secret": "mine"}),
            400,
            "unknown_field",
        ),
        (json!({"events": ["certified"]}), 400, "invalid_body"),
    ] {
        let res = send_json(&app, Method::POST, "/api/v1/webhooks", &coordinator, &body).await;
        assert_problem(res, status, code).await;
    }
    assert_problem(
        send_json(
            &app,
            Method::PATCH,
            &location,
            &coordinator,
            &json!({"events": null}),
        )
        .await,
        400,
        "invalid_body",
    )
    .await;
    assert_problem(
        send(&app, Method::GET, "/api/v1/webhooks?limit=0", &coordinator).await,
        400,
        "invalid_query",
    )
    .await;

    // Deleting: 204, then gone.
    let res = send(&app, Method::DELETE, &location, &coordinator).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_problem(
        send(&app, Method::GET, &location, &coordinator).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn webhook_urls_that_could_reach_inside_are_refused() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    for (url, reason) in [
        ("http://93.184.216.34/hook", "scheme"),
        ("ftp://93.184.216.34/hook", "scheme"),
        ("https://user:pw@93.184.216.34/hook", "credentials"),
        ("https://127.0.0.1/hook", "loopback"),
        ("https://127.0.0.1:8443/hook", "loopback"),
        ("https://10.0.0.1/hook", "private"),
        ("https://192.168.1.10/hook", "private"),
        ("https://172.16.0.5/hook", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link_local"),
        ("https://[::1]/hook", "loopback"),
        ("https://[fd00::1]/hook", "private"),
        ("https://[fe80::1]/hook", "link_local"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("https://[::]/hook", "unspecified"),
        ("https://224.0.0.1/hook", "multicast"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://[::ffff:169.254.169.254]/hook", "link_local"),
        ("https://[::ffff:10.0.0.1]/hook", "private"),
        // Spellings that are still 127.0.0.1.
        ("https://2130706433/hook", "loopback"),
        ("https://0x7f.0.0.1/hook", "loopback"),
        // A name is resolved, and every address it has is vetted.
        ("https://localhost/hook", "loopback"),
        ("https://localhost:9000/hook", "loopback"),
    ] {
        let res = send_json(
            &app,
            Method::POST,
            "/api/v1/webhooks",
            &coordinator,
            &json!({"url": url, "events": ["certified"]}),
        )
        .await;
        let body = assert_problem(res, 422, "webhook_url_not_allowed").await;
        let detail = body["detail"].as_str().unwrap();
        assert!(
            detail.contains(&format!("reason: {reason}")),
            "{url}: {detail}"
        );
    }
    // Changing a webhook's URL is checked alike.
    let created = create(&app, &coordinator, PUBLIC_URL, &["certified"]).await;
    let path = format!("/api/v1/webhooks/{}", created["id"]);
    assert_problem(
        send_json(
            &app,
            Method::PATCH,
            &path,
            &coordinator,
            &json!({"url": "https://169.254.169.254/"}),
        )
        .await,
        422,
        "webhook_url_not_allowed",
    )
    .await;
    let body: Value = send(&app, Method::GET, &path, &coordinator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["url"], PUBLIC_URL);
    // Nothing was written for the refused ones.
    let list: Value = send(&app, Method::GET, "/api/v1/webhooks", &coordinator)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

async fn private_app() -> TestApp {
    spawn_app_with(Options {
        webhook_allow_private: true,
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn a_certified_event_arrives_signed_with_ids_only() {
    let app = private_app().await;
    let receiver = Receiver::start(&[]).await;
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    let hook = create(&app, &coordinator, &receiver.url, &["certified"]).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let id = hook["id"].as_i64().unwrap();

    // Completing a one-lesson course issues a certificate.
    let course = make_course(
        &app,
        Spec {
            modules: &[&[true]],
            ..Spec::default()
        },
    );
    enrol(&app, course.id, &member).await;
    let res = complete(&app, course.lessons[0], &member).await;
    assert_eq!(res.status().as_u16(), 201);

    let got = eventually("the certified event", || async {
        let got = receiver.received();
        (!got.is_empty()).then_some(got)
    })
    .await;
    let r = &got[0];
    verify(&secret, r);
    assert_eq!(r.headers["content-type"], "application/json");
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["type"], "certified");
    assert_eq!(body["id"], r.headers["webhook-id"].as_str());
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(body["data"]["user_id"], member.id);
    assert_eq!(body["data"]["course_id"], course.id);
    assert_eq!(body["data"]["cohort_id"], Value::Null);
    assert!(body["data"]["certificate_id"].as_i64().unwrap() > 0);
    // Ids only: no name, no address.
    assert!(!r.body.contains('@'), "{}", r.body);
    assert!(!r.body.contains("Test member"), "{}", r.body);
    assert!(!r.body.contains("Organising"), "{}", r.body);

    // The log shows it delivered once; the enrolment and completion, not subscribed to,
    // were not queued for this webhook.
    let log = eventually("the log to show the delivery", || async {
        let log = deliveries(&app, &coordinator, id).await;
        (log.len() == 1 && log[0]["status"] == "delivered").then_some(log)
    })
    .await;
    assert_eq!(log[0]["event"], "certified");
    assert_eq!(log[0]["attempts"], 1);
    assert_eq!(log[0]["last_status_code"], 200);
    assert_eq!(log[0]["last_error"], Value::Null);
    assert_eq!(log[0]["next_attempt_at"], Value::Null);
    assert!(log[0]["delivered_at"].is_string());
    assert_eq!(log[0]["message_id"], r.headers["webhook-id"].as_str());
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn a_refused_delivery_is_retried_and_the_log_shows_the_attempts() {
    let app = private_app().await;
    let receiver = Receiver::start(&[500]).await;
    let coordinator = app.user("coordinator").await;
    let hook = create(&app, &coordinator, &receiver.url, &["enrolled"]).await;
    let id = hook["id"].as_i64().unwrap();
    let secret = hook["secret"].as_str().unwrap().to_owned();

    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/webhooks/{id}/ping"),
        &coordinator,
    )
    .await;
    assert_eq!(res.status().as_u16(), 202);
    let queued: Value = res.json().await.unwrap();
    assert_eq!(queued["event"], "ping");
    assert_eq!(queued["status"], "pending");

    let log = eventually("the retry to succeed", || async {
        let log = deliveries(&app, &coordinator, id).await;
        (log.len() == 1 && log[0]["status"] == "delivered").then_some(log)
    })
    .await;
    assert_eq!(log[0]["attempts"], 2);
    assert_eq!(log[0]["last_status_code"], 200);
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    // The same message on both attempts, each signed.
    assert_eq!(got[0].headers["webhook-id"], got[1].headers["webhook-id"]);
    assert_eq!(got[0].body, got[1].body);
    for r in &got {
        verify(&secret, r);
    }
    let body: Value = serde_json::from_str(&got[1].body).unwrap();
    assert_eq!(body["type"], "ping");
    assert_eq!(body["data"]["webhook_id"], id);
}

#[tokio::test]
async fn a_receiver_that_is_gone_is_not_retried() {
    let app = private_app().await;
    let receiver = Receiver::start(&[410]).await;
    let coordinator = app.user("coordinator").await;
    let hook = create(&app, &coordinator, &receiver.url, &["certified"]).await;
    let id = hook["id"].as_i64().unwrap();
    send(
        &app,
        Method::POST,
        &format!("/api/v1/webhooks/{id}/ping"),
        &coordinator,
    )
    .await;
    let log = eventually("the delivery to fail", || async {
        let log = deliveries(&app, &coordinator, id).await;
        (log.len() == 1 && log[0]["status"] == "failed").then_some(log)
    })
    .await;
    assert_eq!(log[0]["attempts"], 1);
    assert_eq!(log[0]["last_status_code"], 410);
    assert_eq!(log[0]["last_error"], "the receiver answered 410");
    assert_eq!(log[0]["next_attempt_at"], Value::Null);
    assert_eq!(receiver.received().len(), 1);
}

fn certified(user: i64, certificate: i64) -> Event {
    Event::Certified {
        user_id: UserId(user),
        certificate_id: CertificateId(certificate),
        course_id: Some(CourseId(1)),
        cohort_id: None,
    }
}

#[tokio::test]
async fn a_rolled_back_change_sends_nothing_and_inactive_webhooks_get_nothing() {
    let app = private_app().await;
    let receiver = Receiver::start(&[]).await;
    let coordinator = app.user("coordinator").await;
    let hook = create(&app, &coordinator, &receiver.url, &["certified"]).await;
    let id = hook["id"].as_i64().unwrap();
    let quiet = Receiver::start(&[]).await;
    let off = create(&app, &coordinator, &quiet.url, &["certified"]).await;
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/api/v1/webhooks/{}", off["id"]),
        &coordinator,
        &json!({"active": false}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);

    // The event is queued, then the transaction fails: nothing stays queued.
    let rolled_back = app
        .db
        .write(|conn| {
            let queued = emit(conn, &certified(1, 111))?;
            assert_eq!(queued, 1, "one active subscriber");
            Err::<(), _>(ApiError::Conflict {
                code: "test",
                detail: "rolled back".to_owned(),
            })
        })
        .await;
    assert!(rolled_back.is_err());
    assert!(deliveries(&app, &coordinator, id).await.is_empty());

    // A committed event goes out, and only that one.
    app.db
        .write(|conn| emit(conn, &certified(1, 222)))
        .await
        .unwrap();
    eventually("the committed event", || async {
        let log = deliveries(&app, &coordinator, id).await;
        (log.len() == 1 && log[0]["status"] == "delivered").then_some(())
    })
    .await;
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["data"]["certificate_id"], 222);
    // The inactive webhook got nothing queued.
    assert!(
        deliveries(&app, &coordinator, off["id"].as_i64().unwrap())
            .await
            .is_empty()
    );
    assert!(quiet.received().is_empty());
}

#[tokio::test]
async fn the_address_is_checked_again_at_delivery_time() {
    // A webhook to a loopback receiver registered while the operator allowed it, delivered
    // by an instance that does not: refused for good at delivery, never connected to.
    let receiver = Receiver::start(&[]).await;
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let url = receiver.url.replace("http://", "https://");
    let owner = UserId(coordinator.id);
    let id = app
        .db
        .write(move |conn| {
            let sub = bayanihan::webhooks::repo::insert(
                conn,
                &bayanihan::webhooks::model::NewSubscription {
                    owner_id: owner,
                    url,
                    description: None,
                    secret: bayanihan::webhooks::service::new_secret(),
                    active: true,
                    version: 1,
                    created_at: bayanihan::db::now(),
                    updated_at: bayanihan::db::now(),
                },
            )?;
            bayanihan::webhooks::repo::set_events(
                conn,
                sub.id,
                &[bayanihan::webhooks::EventType::Certified],
            )?;
            emit(conn, &certified(1, 333))?;
            Ok(sub.id.get())
        })
        .await
        .unwrap();
    let log = eventually("the delivery to be refused", || async {
        let log = deliveries(&app, &coordinator, id).await;
        (log.len() == 1 && log[0]["status"] == "failed").then_some(log)
    })
    .await;
    assert_eq!(log[0]["last_error"], "webhook URL not allowed: loopback");
    assert_eq!(log[0]["attempts"], 1);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn nominations_selection_enrolment_and_check_ins_are_events_too() {
    let app = private_app().await;
    let receiver = Receiver::start(&[]).await;
    let admin = app.user("admin").await;
    let hook = create(
        &app,
        &admin,
        &receiver.url,
        &["nominated", "selected", "enrolled", "checkin_reported"],
    )
    .await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let id = hook["id"].as_i64().unwrap();

    // Two members nominated, accepted (and so enrolled) into a cohort that has ended.
    let s = crate::followup::setup(&app, 2).await;
    let p0 = &s.participants[0];
    let plan = crate::followup::write_plan(&app, &s, p0).await;
    let steps = crate::followup::steps_of(&plan);
    let res = send_json(
        &app,
        Method::POST,
        &format!("/api/v1/action-plans/{}/check-ins", plan["id"]),
        p0,
        &crate::followup::check_in_body(1, &steps),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let check_in: Value = res.json().await.unwrap();

    let got = eventually("seven events", || async {
        let got = receiver.received();
        (got.len() >= 7).then_some(got)
    })
    .await;
    let mut by_type: HashMap<String, Vec<Value>> = HashMap::new();
    for r in &got {
        verify(&secret, r);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        by_type
            .entry(body["type"].as_str().unwrap().to_owned())
            .or_default()
            .push(body["data"].clone());
    }
    let people: Vec<i64> = s.participants.iter().map(|p| p.id).collect();
    for kind in ["nominated", "selected", "enrolled"] {
        let mut users: Vec<i64> = by_type[kind]
            .iter()
            .map(|d| d["user_id"].as_i64().unwrap())
            .collect();
        users.sort_unstable();
        assert_eq!(users, people, "{kind}");
    }
    for d in by_type["nominated"].iter().chain(&by_type["selected"]) {
        assert_eq!(d["cohort_id"], s.cohort);
        assert!(d["nomination_id"].is_i64());
    }
    assert!(by_type["enrolled"].iter().all(|d| d["course_id"].is_i64()));
    let reported = &by_type["checkin_reported"];
    assert_eq!(reported.len(), 1);
    assert_eq!(reported[0]["user_id"], p0.id);
    assert_eq!(reported[0]["action_plan_id"], plan["id"]);
    assert_eq!(reported[0]["check_in_id"], check_in["id"]);
    // Ids only: none of the statements, goals or reports went out.
    for r in &got {
        assert!(!r.body.contains("study circle"), "{}", r.body);
        assert!(!r.body.contains('@'), "{}", r.body);
    }
    // The log shows every one delivered.
    let log = eventually("every delivery logged as delivered", || async {
        let log = deliveries(&app, &admin, id).await;
        (log.len() == 7 && log.iter().all(|d| d["status"] == "delivered")).then_some(log)
    })
    .await;
    assert_eq!(log.len(), 7);
}

#[tokio::test]
async fn a_course_completion_sends_enrolled_completed_and_certified_in_order() {
    let app = private_app().await;
    let receiver = Receiver::start(&[]).await;
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    create(
        &app,
        &coordinator,
        &receiver.url,
        &["enrolled", "completed", "certified"],
    )
    .await;
    let course = make_course(
        &app,
        Spec {
            modules: &[&[true]],
            ..Spec::default()
        },
    );
    enrol(&app, course.id, &member).await;
    complete(&app, course.lessons[0], &member).await;
    let got = eventually("three events", || async {
        let got = receiver.received();
        (got.len() >= 3).then_some(got)
    })
    .await;
    let types: Vec<String> = got
        .iter()
        .map(|r| {
            serde_json::from_str::<Value>(&r.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(types, ["enrolled", "completed", "certified"]);
    // A webhook whose owner is no longer a coordinator gets nothing more.
    let mut conn = app.db.conn().unwrap();
    {
        use bayanihan::db::schema::users;
        use diesel::prelude::*;
        diesel::update(users::table.find(coordinator.id))
            .set(users::role.eq("member"))
            .execute(&mut *conn)
            .unwrap();
    }
    drop(conn);
    let other = make_course(&app, Spec::default());
    enrol(&app, other.id, &member).await;
    let queued = app
        .db
        .read(|conn| {
            use bayanihan::db::schema::webhook_deliveries;
            use diesel::prelude::*;
            Ok(webhook_deliveries::table.count().get_result::<i64>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(queued, 3);
}

/// A receiver that takes each request and answers 200 only once `release` is notified:
/// a delivery to it stays open (past any timeout) for as long as the test wants.
async fn held_receiver() -> (String, Arc<tokio::sync::Notify>, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let release = Arc::new(tokio::sync::Notify::new());
    let got = Arc::new(Mutex::new(0_usize));
    let (r, g) = (release.clone(), got.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let (r, g) = (r.clone(), g.clone());
            tokio::spawn(async move {
                if read_request(&mut socket).await.is_none() {
                    return;
                }
                let released = r.notified();
                *g.lock().unwrap() += 1;
                released.await;
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                    )
                    .await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (url, release, got)
}

#[tokio::test]
async fn a_slow_webhook_receiver_does_not_hold_up_emails() {
    use bayanihan::email::{self, OutgoingEmail, Template, repo};
    let app = private_app().await;
    let (url, release, got) = held_receiver().await;
    let coordinator = app.user("coordinator").await;
    let hook = create(&app, &coordinator, &url, &["enrolled"]).await;
    let id = hook["id"].as_i64().unwrap();
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/webhooks/{id}/ping"),
        &coordinator,
    )
    .await;
    assert_eq!(res.status().as_u16(), 202);
    // The webhook's delivery is under way, and held by its receiver.
    eventually("the receiver to hold the delivery", || async {
        (*got.lock().unwrap() > 0).then_some(())
    })
    .await;

    // An email queued now goes out while that delivery is still open.
    let to = format!("slow-{}@example.org", uuid::Uuid::new_v4().simple());
    let outgoing = OutgoingEmail {
        to: to.clone(),
        template: Template::VerifyEmail,
        language: "en".to_owned(),
        vars: vec![
            ("display_name", "Ana".to_owned()),
            (
                "link",
                "https://frontend.test/verify-email?token=abc".to_owned(),
            ),
        ],
    };
    app.db
        .write(move |conn| email::enqueue(conn, &outgoing))
        .await
        .unwrap();
    eventually("the email to be sent", || async {
        let rows = app
            .db
            .read(|conn| Ok(repo::all(conn)?))
            .await
            .unwrap_or_default();
        rows.iter()
            .any(|r| r.recipient == to && r.sent_at.is_some())
            .then_some(())
    })
    .await;
    // Ordering, not timing: when the email was sent, the webhook's attempt had not ended
    // (no outcome recorded, nothing timed out), since its receiver has not answered yet.
    let log = deliveries(&app, &coordinator, id).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["status"], "pending", "{log:?}");
    assert_eq!(log[0]["last_error"], Value::Null, "{log:?}");
    assert_eq!(log[0]["delivered_at"], Value::Null, "{log:?}");

    // Once the receiver answers, the delivery completes too.
    release.notify_waiters();
    eventually("the held delivery to complete", || async {
        let log = deliveries(&app, &coordinator, id).await;
        (log.len() == 1 && log[0]["status"] == "delivered").then_some(())
    })
    .await;
}
