//! The email outbox: written in the caller's transaction, delivered by the app's worker
//! as `.eml` files or through a real SMTP server, never claimed twice.

use std::collections::BTreeSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bayanihan::db::Db;
use bayanihan::email::{self, OutboxEmail, OutgoingEmail, Template, repo};
use bayanihan::error::ApiError;

use crate::helpers::{Options, TestApp, TestDatabase, spawn_app, spawn_app_with};

const LINK: &str =
    "https://frontend.test/verify-email?token=a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6";

fn verify_email(to: &str, language: &str, display_name: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: to.to_owned(),
        template: Template::VerifyEmail,
        language: language.to_owned(),
        vars: vec![
            ("display_name", display_name.to_owned()),
            ("link", LINK.to_owned()),
        ],
    }
}

/// Enqueues `emails` in one committed write transaction.
async fn enqueue(db: &Db, emails: Vec<OutgoingEmail>) {
    db.write(move |conn| {
        for e in &emails {
            email::enqueue(conn, e)?;
        }
        Ok(())
    })
    .await
    .expect("the emails are enqueued");
}

async fn outbox(db: &Db) -> Vec<OutboxEmail> {
    db.read(|conn| Ok(repo::all(conn)?))
        .await
        .expect("the outbox is readable")
}

/// Polls `check` until it gives a value. The deadline only keeps a broken build from
/// hanging; nothing here asserts how fast email goes.
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

/// Waits until every email in the outbox has been sent; returns them.
async fn all_sent(db: &Db, count: usize) -> Vec<OutboxEmail> {
    eventually("every email to be sent", || async {
        let rows = outbox(db).await;
        (rows.len() == count && rows.iter().all(|r| r.sent_at.is_some())).then_some(rows)
    })
    .await
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn eml_files(app: &TestApp) -> Vec<PathBuf> {
    files_in(&app.data_dir.path().join("outbox"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect()
}

/// The parts of a delivered message that the tests look at, decoded.
#[derive(Debug)]
struct Received {
    to: String,
    subject: String,
    text: String,
    html: String,
}

fn parse(bytes: &[u8]) -> Received {
    use mailparse::MailHeaderMap;
    fn collect(part: &mailparse::ParsedMail<'_>, text: &mut String, html: &mut String) {
        match part.ctype.mimetype.as_str() {
            "text/plain" => text.push_str(&part.get_body().expect("a text body")),
            "text/html" => html.push_str(&part.get_body().expect("an HTML body")),
            _ => {}
        }
        for sub in &part.subparts {
            collect(sub, text, html);
        }
    }
    let mail = mailparse::parse_mail(bytes).expect("a MIME message");
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    let (mut text, mut html) = (String::new(), String::new());
    collect(&mail, &mut text, &mut html);
    Received {
        to: mail.headers.get_first_value("To").unwrap_or_default(),
        subject: mail.headers.get_first_value("Subject").unwrap_or_default(),
        text,
        html,
    }
}

fn read_eml(path: &Path) -> Received {
    parse(&std::fs::read(path).expect("the .eml file is readable"))
}

#[tokio::test]
async fn an_enqueued_email_is_delivered_as_an_eml_file_in_the_readers_language() {
    let app = spawn_app().await;
    enqueue(
        &app.db,
        vec![
            verify_email("ana@example.org", "fil", "Ana"),
            verify_email("haruto@example.org", "ja", "Haruto"),
        ],
    )
    .await;

    let rows = all_sent(&app.db, 2).await;
    for row in &rows {
        assert_eq!(row.template, "verify_email");
        assert_eq!(row.attempts, 1, "delivered at the first attempt");
        assert_eq!(row.last_error, None);
        assert_eq!(row.locked_until, None, "the lease is released");
    }
    let files = eml_files(&app);
    assert_eq!(files.len(), 2, "{files:?}");
    let received: Vec<Received> = files.iter().map(|f| read_eml(f)).collect();

    let ana = received
        .iter()
        .find(|r| r.to.contains("ana@example.org"))
        .expect("Ana's email");
    assert_eq!(
        ana.subject,
        "Kumpirmahin ang iyong email address para sa Bayanihan"
    );
    assert!(ana.text.starts_with("Kumusta Ana,"), "{}", ana.text);
    assert!(ana.text.contains(LINK), "{}", ana.text);
    assert!(
        ana.html.contains(&format!(r#"<a href="{LINK}">"#)),
        "{}",
        ana.html
    );

    let haruto = received
        .iter()
        .find(|r| r.to.contains("haruto@example.org"))
        .expect("Haruto's email");
    assert_eq!(haruto.subject, "Confirm your email address for Bayanihan");
    assert!(haruto.text.starts_with("Hello Haruto,"), "{}", haruto.text);
    assert!(haruto.text.contains(LINK));
}

#[tokio::test]
async fn an_email_enqueued_in_a_failed_transaction_is_never_sent() {
    let app = spawn_app().await;
    let result: Result<(), ApiError> = app
        .db
        .write(|conn| {
            email::enqueue(conn, &verify_email("lost@example.org", "en", "Lost"))?;
            // The change that caused the email fails after it was enqueued.
            Err(ApiError::NotFound)
        })
        .await;
    assert!(matches!(result, Err(ApiError::NotFound)));
    assert!(outbox(&app.db).await.is_empty(), "the row was rolled back");

    // A later email is delivered; the worker takes the oldest due email first, so had the
    // first one been written, it would have gone out before this one.
    enqueue(
        &app.db,
        vec![verify_email("kept@example.org", "en", "Kept")],
    )
    .await;
    all_sent(&app.db, 1).await;
    let files = eml_files(&app);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(read_eml(&files[0]).to.contains("kept@example.org"));
}

#[tokio::test]
async fn values_are_escaped_in_html_and_kept_as_written_in_text() {
    let app = spawn_app().await;
    let name = r#"<img src=x onerror="alert(1)"> & Co's"#;
    enqueue(&app.db, vec![verify_email("esc@example.org", "en", name)]).await;
    all_sent(&app.db, 1).await;
    let files = eml_files(&app);
    let mail = read_eml(&files[0]);
    assert!(!mail.html.contains("<img"), "{}", mail.html);
    assert!(
        mail.html
            .contains("Hello &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co&#39;s,"),
        "{}",
        mail.html
    );
    assert!(
        mail.text.contains(&format!("Hello {name},")),
        "{}",
        mail.text
    );
}

#[tokio::test]
async fn enqueue_refuses_an_invalid_recipient_or_variables_and_writes_nothing() {
    let app = spawn_app().await;
    let bad_address = verify_email("not-an-address", "en", "Ana");
    let err = app
        .db
        .write(move |conn| email::enqueue(conn, &bad_address))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "internal_error");
    assert!(
        !err.to_string().contains("not-an-address"),
        "addresses stay out of errors (they are logged): {err}"
    );

    let mut missing_link = verify_email("ana@example.org", "en", "Ana");
    missing_link.vars.truncate(1);
    let err = app
        .db
        .write(move |conn| email::enqueue(conn, &missing_link))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("link"), "{err}");

    assert!(outbox(&app.db).await.is_empty());
}

#[tokio::test]
async fn concurrent_claimers_never_get_the_same_email() {
    // A database of its own, without an app: no worker competes with the claimers.
    let database = TestDatabase::create();
    let db = database.connect(8, Duration::from_secs(30));
    db.migrate().expect("migrations apply");
    let count = 40;
    enqueue(
        &db,
        (0..count)
            .map(|i| verify_email(&format!("member{i}@example.org"), "en", "Member"))
            .collect(),
    )
    .await;

    let now = bayanihan::db::now();
    let mut claimers = Vec::new();
    for _ in 0..4 {
        let db = db.clone();
        claimers.push(tokio::spawn(async move {
            let mut claimed = Vec::new();
            while let Some(email) = db
                .read(move |conn| Ok(repo::claim_next(conn, now)?))
                .await
                .expect("a claim")
            {
                claimed.push(email.id);
            }
            claimed
        }));
    }
    let mut all_claims = Vec::new();
    for claimer in claimers {
        all_claims.extend(claimer.await.expect("the claimer ends"));
    }
    let distinct: BTreeSet<i64> = all_claims.iter().copied().collect();
    assert_eq!(all_claims.len(), count, "no email was claimed twice");
    assert_eq!(distinct.len(), count, "every email was claimed");

    let rows = outbox(&db).await;
    assert!(
        rows.iter()
            .all(|r| r.attempts == 1 && r.locked_until.is_some())
    );
    // While the leases hold, nothing more is claimable...
    let again = db
        .read(move |conn| Ok(repo::claim_next(conn, now)?))
        .await
        .unwrap();
    assert_eq!(again, None);
    // ...and once they run out (a worker died mid-delivery), the emails come back.
    let later = now + bayanihan::db::outbox::LEASE + chrono::TimeDelta::seconds(1);
    let reclaimed = db
        .read(move |conn| Ok(repo::claim_next(conn, later)?))
        .await
        .unwrap()
        .expect("an expired lease is claimable");
    assert_eq!(reclaimed.attempts, 2);
}

/// Kills the SMTP server when the test ends, however it ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn an_email_waits_in_the_outbox_while_smtp_is_down_and_is_delivered_once_it_is_up() {
    let Some(python) = std::env::var_os("TEST_SMTP_PYTHON").filter(|p| !p.is_empty()) else {
        eprintln!(
            "skipped: set TEST_SMTP_PYTHON to a python with aiosmtpd installed to run the SMTP test"
        );
        return;
    };
    // A free port that nothing listens on (yet).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let app = spawn_app_with(Options {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..Options::default()
    })
    .await;
    enqueue(&app.db, vec![verify_email("ana@example.org", "en", "Ana")]).await;

    let failed = eventually("a failed attempt while the server is down", || async {
        outbox(&app.db)
            .await
            .into_iter()
            .next()
            .filter(|r| r.attempts >= 1 && r.last_error.is_some())
    })
    .await;
    assert_eq!(failed.sent_at, None);
    let error = failed.last_error.unwrap_or_default();
    assert!(
        !error.contains('@'),
        "no address in the stored error: {error}"
    );

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

    let sent = eventually("delivery once the server is up", || async {
        outbox(&app.db)
            .await
            .into_iter()
            .next()
            .filter(|r| r.sent_at.is_some())
    })
    .await;
    assert!(sent.attempts >= 2, "{sent:?}");
    assert_eq!(sent.locked_until, None);

    // The server stores a message before it accepts it, so it is there by now.
    let mut delivered = files_in(&maildir.join("new"));
    delivered.extend(files_in(&maildir.join("cur")));
    assert_eq!(delivered.len(), 1, "delivered exactly once: {delivered:?}");
    let mail = read_eml(&delivered[0]);
    assert!(mail.to.contains("ana@example.org"), "{mail:?}");
    assert_eq!(mail.subject, "Confirm your email address for Bayanihan");
    assert!(mail.text.contains(LINK));
    assert!(mail.html.contains("Hello Ana,"));
    assert!(
        eml_files(&app).is_empty(),
        "with SMTP, no .eml files are written"
    );
}

/// An SMTP server (aiosmtpd) that refuses `nobody@…` for good (550) and takes the rest.
const BOUNCER: &str = r#"
class Bouncer:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
"#;

#[tokio::test]
async fn an_email_refused_for_good_is_marked_failed_and_not_retried() {
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
    let module = tempfile::tempdir().expect("temp dir");
    std::fs::write(module.path().join("bouncer.py"), BOUNCER).expect("the handler is written");
    let _server = KillOnDrop(
        Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "bouncer.Bouncer"])
            .env("PYTHONPATH", module.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("the SMTP server starts"),
    );
    // Listening before the first attempt, so that no attempt fails for a closed port.
    eventually("the SMTP server listens", || async {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    })
    .await;
    let app = spawn_app_with(Options {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..Options::default()
    })
    .await;
    enqueue(
        &app.db,
        vec![
            verify_email("nobody@example.org", "en", "Nobody"),
            verify_email("ana@example.org", "en", "Ana"),
        ],
    )
    .await;
    let rows = eventually("one refused for good, the other sent", || async {
        let rows = outbox(&app.db).await;
        let settled = rows
            .iter()
            .all(|r| r.sent_at.is_some() || r.failed_at.is_some());
        settled.then_some(rows)
    })
    .await;
    let (refused, sent) = (&rows[0], &rows[1]);
    assert!(
        sent.sent_at.is_some() && sent.failed_at.is_none(),
        "{sent:?}"
    );
    assert!(refused.sent_at.is_none(), "{refused:?}");
    assert!(refused.failed_at.is_some(), "{refused:?}");
    assert_eq!(refused.attempts, 1, "not retried: {refused:?}");
    assert_eq!(refused.locked_until, None);
    let error = refused.last_error.clone().unwrap_or_default();
    assert!(
        error.contains("550") || error.contains("No such mailbox"),
        "{error}"
    );
    assert!(
        !error.contains('@'),
        "no address in the stored error: {error}"
    );
    // Later polls leave it alone: a retry would have counted another attempt.
    let later = eventually("a few more polls", || async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Some(outbox(&app.db).await)
    })
    .await;
    assert_eq!(later[0].attempts, 1, "{:?}", later[0]);
}
