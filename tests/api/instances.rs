//! Several server instances on one PostgreSQL database: each email, digest and reminder is
//! queued once and delivered once, whichever instance caused, queued or claimed it, and the
//! login limits count the failures seen by either instance. (A SQLite file belongs to one
//! process: these tests are skipped there.)

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bayanihan::db::{Db, now};
use bayanihan::email::EmailSettings;
use bayanihan::startup::Application;
use chrono::TimeDelta;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{Options, TestApp, assert_problem, spawn_app_with};
use crate::sessions::{END, START, cohort, planned, session_body};

/// Kills the SMTP server when the test ends, however it ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Messages the test SMTP server stored.
fn delivered(maildir: &Path) -> usize {
    ["new", "cur"]
        .iter()
        .map(|d| std::fs::read_dir(maildir.join(d)).map_or(0, |e| e.count()))
        .sum()
}

/// (id, recipient, subject, body, sent) of every outbox row.
fn outbox(db: &Db) -> Vec<(i64, String, String, String, bool)> {
    use bayanihan::db::schema::email_outbox::dsl as o;
    let mut conn = db.conn().expect("a connection");
    o::email_outbox
        .select((
            o::id,
            o::recipient,
            o::subject,
            o::body_text,
            o::sent_at.is_not_null(),
        ))
        .order(o::id.asc())
        .load(&mut *conn)
        .expect("outbox rows")
}

/// Runs `pass` at once on each instance's own pool (as two servers' timers would), each on
/// a thread of its own; the numbers each answered.
fn at_once(dbs: &[Db], pass: fn(&Db) -> usize) -> Vec<usize> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(dbs.len()));
    let handles: Vec<_> = dbs
        .iter()
        .cloned()
        .map(|db| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                pass(&db)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("the pass runs"))
        .collect()
}

#[tokio::test]
async fn two_instances_queue_and_deliver_each_email_once_and_share_the_login_limits() {
    if std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .is_none()
    {
        eprintln!(
            "skipped: several instances share a PostgreSQL database (set TEST_DATABASE_URL); \
             a SQLite file is one process's"
        );
        return;
    }
    let Some(python) = std::env::var_os("TEST_SMTP_PYTHON").filter(|p| !p.is_empty()) else {
        eprintln!(
            "skipped: set TEST_SMTP_PYTHON to a python with aiosmtpd installed to run the SMTP test"
        );
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let spool = tempfile::tempdir().expect("temp dir");
    let maildir = spool.path().join("mbox");
    let _server = KillOnDrop(
        Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .spawn()
            .expect("the SMTP server starts"),
    );
    // Instance A, and instance B with a pool of its own on the same database: two servers,
    // each with its outbox worker polling every 50 ms.
    let a = spawn_app_with(Options {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..Options::default()
    })
    .await;
    let b_db = Db::connect(a.config.database_url.clone(), 4).expect("a second pool");
    let mut settings = EmailSettings::from_config(&a.config).expect("email settings");
    settings.poll_interval = Duration::from_millis(50);
    settings.backoff_base = Duration::from_millis(100);
    let b = Application::build_with_email(&a.second_config(), b_db.clone(), settings)
        .expect("B starts");
    let b_address = format!("http://127.0.0.1:{}", b.port());
    tokio::spawn(b.run_until_stopped());
    let bases = [a.address.clone(), b_address.clone()];

    // Emails caused by requests: replies through both instances notify three members who
    // want an email at once; the thread's author waits for a daily digest.
    let moderator = a.user("coordinator").await;
    let community = a.create_community(&moderator, "public").await;
    let author = a.user("member").await;
    let watchers = [
        a.user("member").await,
        a.user("member").await,
        a.user("member").await,
    ];
    for user in std::iter::once(&author).chain(&watchers) {
        assert!(matches!(a.join_community(user, community).await, 200 | 201));
    }
    for user in std::iter::once(&moderator).chain(&watchers) {
        let preference = if user.id == moderator.id {
            "never"
        } else {
            "immediately"
        };
        let (status, body) = a
            .send_as(
                user,
                Method::PUT,
                &format!("/api/v1/communities/{community}/subscription"),
                Some(json!({"email_preference": preference})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (thread, _) = a
        .create_thread(
            &author,
            community,
            "discussion",
            "Two servers",
            "One database.",
        )
        .await;
    for user in &watchers {
        let (status, body) = a
            .send_as(
                user,
                Method::PUT,
                &format!("/api/v1/threads/{thread}/subscription"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    for i in 0..10 {
        let res = a
            .client
            .post(format!("{}/api/v1/threads/{thread}/posts", bases[i % 2]))
            .bearer_auth(&author.token)
            .json(&json!({"body": format!("Reply number {i}")}))
            .send()
            .await
            .expect("reply");
        assert_eq!(res.status().as_u16(), 201);
    }
    // A reply by a watcher: the author's digest waits for it.
    a.reply(&watchers[0], thread, "Noted.").await;
    let replies = outbox(&a.db).len();
    // 10 replies to 3 watchers, and the last one's 2 others.
    assert_eq!(replies, 32, "{:?}", outbox(&a.db));

    // The digests both servers find due at the same moment: the author's, queued once.
    let dbs = [a.db.clone(), b_db.clone()];
    let digests = at_once(&dbs, |db| {
        let mut conn = db.conn().expect("a connection");
        bayanihan::notifications::digest::send_due(&mut conn, now() + TimeDelta::hours(25))
            .expect("digests")
    });
    assert_eq!(digests.iter().sum::<usize>(), 1, "{digests:?}");

    // Reminders both servers find due at once: a session's day-before reminders (its
    // participant and its facilitator), queued once.
    let c = cohort(&a).await;
    planned(&a, &c, session_body("Opening", START, END)).await;
    let before = outbox(&a.db).len();
    let reminders = at_once(&dbs, |db| {
        let mut conn = db.conn().expect("a connection");
        let due = chrono::DateTime::parse_from_rfc3339("2027-02-02T02:00:00Z")
            .expect("a time")
            .naive_utc();
        bayanihan::startup::reminders()
            .iter()
            .map(|(_, send_due)| send_due(&mut conn, due).expect("reminders"))
            .sum()
    });
    assert_eq!(reminders.iter().sum::<usize>(), 2, "{reminders:?}");

    // Every queued email is delivered once, by one of the two workers.
    let queued = outbox(&a.db);
    assert!(queued.len() >= before + 2, "{}", queued.len());
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for (_, to, subject, body, _) in &queued {
        *seen.entry((to, subject, body)).or_default() += 1;
    }
    assert!(seen.values().all(|&n| n == 1), "an email queued twice");
    let deadline = Instant::now() + Duration::from_secs(60);
    while outbox(&a.db).iter().any(|r| !r.4) {
        assert!(Instant::now() < deadline, "the outbox drains");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Both workers are still polling: a double delivery would show within a few polls.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        delivered(&maildir),
        queued.len(),
        "each email delivered once"
    );

    // Login limits: 20 failed logins from this address, split over the two servers, close
    // the address on both.
    for i in 0..20 {
        let guess = json!({"email": format!("nobody-{i}@example.org"), "password": "guess-guess"});
        let res = login(&a, &bases[i % 2], &guess).await;
        assert_problem(res, 401, "invalid_credentials").await;
    }
    for base in &bases {
        let res = login(
            &a,
            base,
            &json!({"email": author.email, "password": author.password}),
        )
        .await;
        assert_problem(res, 429, "rate_limited").await;
    }
}

async fn login(app: &TestApp, base: &str, body: &serde_json::Value) -> reqwest::Response {
    app.client
        .post(format!("{base}/api/v1/auth/login"))
        .json(body)
        .send()
        .await
        .expect("login answers")
}

/// A login ended on one instance ends on the other within `db::recent::WINDOW`: the other
/// may have kept the login check for that long, no longer.
#[tokio::test]
async fn a_logout_on_one_instance_ends_the_login_on_the_other_within_a_second() {
    if std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .is_none()
    {
        eprintln!("skipped: several instances share a PostgreSQL database (set TEST_DATABASE_URL)");
        return;
    }
    let a = spawn_app_with(Options::default()).await;
    let b_db = Db::connect(a.config.database_url.clone(), 4).expect("a second pool");
    let settings = EmailSettings::from_config(&a.config).expect("email settings");
    let b = Application::build_with_email(&a.config, b_db, settings).expect("B starts");
    let b_address = format!("http://127.0.0.1:{}", b.port());
    tokio::spawn(b.run_until_stopped());
    let user = a.user("member").await;
    let me_on_b = || {
        a.client
            .get(format!("{b_address}/api/v1/me"))
            .bearer_auth(&user.token)
            .send()
    };
    // B checks the login and keeps the answer.
    assert_eq!(me_on_b().await.unwrap().status().as_u16(), 200);
    assert_eq!(me_on_b().await.unwrap().status().as_u16(), 200);
    let res = a
        .authed(Method::POST, "/api/v1/auth/logout", &user.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    // On A at once.
    let res = a
        .authed(Method::GET, "/api/v1/me", &user.token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "session_revoked").await;
    // On B once the window has passed, whatever it kept.
    tokio::time::sleep(bayanihan::db::recent::WINDOW + Duration::from_millis(100)).await;
    assert_problem(me_on_b().await.unwrap(), 401, "session_revoked").await;
}

/// A login ended behind this instance's back (a direct change to the database, as another
/// instance would make it) is refused by every request once the kept login check has
/// outlived `db::recent::WINDOW`. Both databases. (That the requests after the one that
/// read it again are not given the kept check is `db::recent`'s unit test: here the
/// background tasks' writes may have ended the kept check anyway.)
#[tokio::test]
async fn a_login_ended_elsewhere_stays_ended_once_seen() {
    use bayanihan::db::schema::sessions;
    let app = spawn_app_with(Options::default()).await;
    let user = app.user("member").await;
    let me = || app.authed(Method::GET, "/api/v1/me", &user.token).send();
    // Checked, and kept.
    assert_eq!(me().await.unwrap().status().as_u16(), 200);
    assert_eq!(me().await.unwrap().status().as_u16(), 200);
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(sessions::table)
            .set(sessions::revoked_at.eq(now()))
            .execute(&mut *conn)
            .unwrap();
    }
    tokio::time::sleep(bayanihan::db::recent::WINDOW + Duration::from_millis(100)).await;
    // The first request past the window reads it again; the ones after it are not given
    // what was kept before.
    for _ in 0..4 {
        assert_problem(me().await.unwrap(), 401, "session_revoked").await;
    }
}
