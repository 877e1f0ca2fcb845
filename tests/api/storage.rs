//! A full database or disk, and the files the database is kept in.

use std::time::Duration;

use bayanihan::db::{DatabaseUrl, Db};
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// Connections in the test app's pool (see `helpers::spawn_app_with`).
const POOL_SIZE: usize = 4;

/// Runs `sql` on every connection of the app's pool: SQLite pragmas such as
/// `max_page_count` hold per connection, so each pooled connection must get it.
fn on_every_connection(app: &TestApp, sql: &str) {
    let mut held = Vec::new();
    for _ in 0..POOL_SIZE {
        let mut conn = app.db.conn().expect("a connection");
        conn.batch_execute(sql).expect("the statement runs");
        held.push(conn);
    }
}

/// Makes every write that needs space fail as on a full disk.
fn fill_storage(app: &TestApp) {
    match app.db.url() {
        // Cannot go below the current size: the file is full as it stands.
        DatabaseUrl::Sqlite(_) => on_every_connection(app, "PRAGMA max_page_count = 1"),
        // PostgreSQL cannot cap a database's size; the test raises the error a full disk
        // raises (SQLSTATE 53100, same message) from every insert into courses and every
        // table creation (the readiness probe), in this test's own database.
        DatabaseUrl::Postgres(_) => {
            let mut conn = app.db.conn().expect("a connection");
            conn.batch_execute(
                r#"
                CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'could not extend file "base/1/2": No space left on device'
                    USING ERRCODE = 'disk_full';
                END $$;
                CREATE FUNCTION test_disk_full_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'could not extend file "base/1/3": No space left on device'
                    USING ERRCODE = 'disk_full';
                END $$;
                CREATE TRIGGER test_disk_full BEFORE INSERT ON courses
                  FOR EACH ROW EXECUTE FUNCTION test_disk_full();
                CREATE EVENT TRIGGER test_disk_full_ddl ON ddl_command_end
                  WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION test_disk_full_ddl();
                "#,
            )
            .expect("the disk-full triggers install");
        }
    }
}

/// Gives the database room again.
fn free_storage(app: &TestApp) {
    match app.db.url() {
        DatabaseUrl::Sqlite(_) => on_every_connection(app, "PRAGMA max_page_count = 1073741823"),
        DatabaseUrl::Postgres(_) => {
            let mut conn = app.db.conn().expect("a connection");
            conn.batch_execute(
                "DROP EVENT TRIGGER test_disk_full_ddl; DROP TRIGGER test_disk_full ON courses;",
            )
            .expect("the triggers go");
        }
    }
}

async fn create_course(app: &TestApp, token: &str, n: usize) -> reqwest::Response {
    app.authed(reqwest::Method::POST, "/api/v1/courses", token)
        .json(&json!({
            "slug": format!("full-disk-{n}"),
            "default_language": "en",
            "title": format!("Course {n}"),
            "summary": "Filling the disk",
            // About 19 KB: each course needs pages of its own.
            "description": "Solidarity. ".repeat(1_600),
            "level": "introductory",
            "format": "self_paced"
        }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_full_database_answers_503_storage_full_and_recovers_without_a_restart() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let res = create_course(&app, &trainer.token, 0).await;
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap());

    fill_storage(&app);
    let mut refused = None;
    for n in 1..=40 {
        let res = create_course(&app, &trainer.token, n).await;
        match res.status().as_u16() {
            201 => continue,
            _ => {
                refused = Some(res);
                break;
            }
        }
    }
    let res = refused.expect("a write that needs space is refused");
    assert_eq!(res.headers().get("retry-after").unwrap(), "60");
    let body = assert_problem(res, 503, "storage_full").await;
    assert!(body["request_id"].is_string(), "{body}");
    assert!(!body.to_string().contains("base/1"), "no internals: {body}");

    // Readiness says the database cannot take writes, and keeps saying it.
    for _ in 0..2 {
        let res = app.get("/health/ready").await;
        assert_problem(res, 503, "storage_full").await;
    }
    // Reads still work.
    let (status, _) = app.get_json("/api/v1/courses").await;
    assert_eq!(status, 200);

    free_storage(&app);
    let (status, body) = app.get_json("/health/ready").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("ready")),
        "{body}"
    );
    for n in 100..100 + POOL_SIZE {
        let res = create_course(&app, &trainer.token, n).await;
        assert_eq!(res.status().as_u16(), 201, "every connection writes again");
    }
}

#[cfg(unix)]
#[test]
fn the_database_files_and_folder_are_private_to_the_owner() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data").join("db");
    let path = dir.join("bayanihan.db");
    let db = Db::connect_with_timeout(DatabaseUrl::Sqlite(path.clone()), 2, Duration::from_secs(5))
        .unwrap();
    db.migrate().unwrap();
    // An open connection keeps the -wal and -shm files.
    let _conn = db.conn().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&root.path().join("data")), 0o700);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&path), 0o600);
    for suffix in ["-wal", "-shm"] {
        let side = dir.join(format!("bayanihan.db{suffix}"));
        assert!(side.exists(), "{suffix} exists while connections are open");
        assert_eq!(mode(&side), 0o600, "{suffix}");
    }
}
