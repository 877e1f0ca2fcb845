//! The `bayanihan` command itself.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_bayanihan");

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["seed", "--help"],
        vec!["openapi", "--help"],
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn seed_needs_to_be_told_what_to_load() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("seed")
        .env("BAYANIHAN_DATA_DIR", dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn bad_configuration_exits_at_once_and_says_why() {
    let out = Command::new(BIN)
        .arg("migrate")
        .env("BAYANIHAN_DB_POOL_SIZE", "many")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("BAYANIHAN_DB_POOL_SIZE"));
}

#[cfg(not(feature = "postgres"))]
#[test]
fn a_postgres_url_without_the_feature_says_how_to_build() {
    let out = Command::new(BIN)
        .arg("serve")
        .env("DATABASE_URL", "postgres://localhost/x")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--features postgres"), "{err}");
}

#[test]
fn serve_on_port_zero_logs_its_address_and_exits_zero_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .arg("serve")
        .env("BAYANIHAN_DATA_DIR", dir.path())
        .env("BAYANIHAN_BIND", "127.0.0.1:0")
        .env("BAYANIHAN_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env_remove("DATABASE_URL")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let started = Instant::now();
    let mut address = None;
    while started.elapsed() < Duration::from_secs(30) {
        let Some(Ok(line)) = lines.next() else { break };
        let log: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        if let Some(addr) = log["address"].as_str() {
            address = Some(addr.to_owned());
            break;
        }
    }
    let address = address.expect("the listening address is logged");
    assert!(!address.ends_with(":0"), "{address}");
    assert!(
        dir.path().join("bayanihan.db").exists(),
        "the SQLite database is created under the data dir"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "SIGTERM is a clean exit");
}

/// A free port on loopback (bound, then released for the child to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GET `path` from 127.0.0.1:`port` over a fresh connection; the status and body.
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let status = answer.get(9..12)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

/// Serves with standard error on `stderr`, makes requests that all log, checks that the
/// lines it could not write are counted, and that SIGTERM still ends it cleanly.
fn keeps_serving_with_stderr(stderr: Stdio, close_pipe: bool) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(BIN)
        .arg("serve")
        .env("BAYANIHAN_DATA_DIR", dir.path())
        .env("BAYANIHAN_BIND", format!("127.0.0.1:{port}"))
        .env("BAYANIHAN_WORKERS", "1")
        .env("RUST_LOG", "info")
        .env_remove("DATABASE_URL")
        .stderr(stderr)
        .spawn()
        .unwrap();
    if close_pipe {
        drop(child.stderr.take());
    }
    let mut up = false;
    for _ in 0..300 {
        if http_get(port, "/health/live").is_some_and(|(s, _)| s == 200) {
            up = true;
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the server died while starting: {:?}",
            child.try_wait()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(up, "the server answers");
    for i in 0..50 {
        let (status, _) = http_get(port, &format!("/health/live?n={i}")).expect("an answer");
        assert_eq!(status, 200);
    }
    let (status, metrics) = http_get(port, "/metrics").expect("an answer");
    assert_eq!(status, 200);
    let dropped: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("log_lines_dropped_total "))
        .expect("the dropped-lines counter")
        .trim()
        .parse()
        .unwrap();
    assert!(dropped > 0, "lines that could not be written are counted");
    assert!(child.try_wait().unwrap().is_none(), "still running");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut exit = None;
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            exit = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let Some(exit) = exit else {
        let _ = child.kill();
        panic!("the server did not stop on SIGTERM");
    };
    assert_eq!(
        exit.code(),
        Some(0),
        "SIGTERM is a clean exit, not an abort"
    );
}

#[test]
fn logging_to_a_full_disk_never_stops_the_server() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    keeps_serving_with_stderr(Stdio::from(full), false);
}

#[test]
fn logging_to_a_closed_pipe_never_stops_the_server() {
    keeps_serving_with_stderr(Stdio::piped(), true);
}
