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
