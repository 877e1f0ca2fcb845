//! What answers tell browsers, which tokens are accepted, and how long a body may take.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Options, assert_problem, spawn_app, spawn_app_with};

/// The secret the test app signs tokens with (see `helpers::spawn_app_with`).
const TEST_SECRET: &[u8] = b"test-secret-that-is-long-enough-for-hs256!";

#[tokio::test]
async fn a_token_that_is_not_valid_yet_is_refused() {
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
    let app = spawn_app().await;
    let user = app.user("member").await;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    let mut claims: Value = decode::<Value>(
        &user.token,
        &DecodingKey::from_secret(TEST_SECRET),
        &validation,
    )
    .unwrap()
    .claims;
    let sign = |claims: &Value| {
        encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(TEST_SECRET),
        )
        .unwrap()
    };
    let now = chrono::Utc::now().timestamp();
    claims["nbf"] = json!(now - 10);
    let res = app
        .authed(Method::GET, "/api/v1/me", &sign(&claims))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "a past nbf is fine");
    claims["nbf"] = json!(now + 3600);
    let res = app
        .authed(Method::GET, "/api/v1/me", &sign(&claims))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "invalid_token").await;
}

#[tokio::test]
async fn the_docs_page_has_a_strict_policy_and_no_outside_validator() {
    let app = spawn_app().await;
    let res = app.get("/docs/").await;
    assert_eq!(res.status().as_u16(), 200);
    let policy = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(part), "{policy}");
    }
    assert!(!policy.contains("unsafe-eval"), "{policy}");
    assert!(
        !policy.contains("script-src 'self' 'unsafe-inline'"),
        "{policy}"
    );
    let init = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains(r#""validatorUrl": "none""#), "{init}");
    assert!(init.contains("/api-docs/openapi.json"), "{init}");
    // JSON answers get a policy that allows nothing.
    let res = app.get("/health/live").await;
    assert_eq!(
        res.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

#[tokio::test]
async fn a_body_trickled_too_slowly_is_refused_with_408() {
    let app = spawn_app_with(Options {
        body_timeout_secs: Some(1),
        ..Options::default()
    })
    .await;
    let address = app
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let body = r#"{"email":"slow@example.org","password":"correct horse battery"}"#;
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        // Generous: only a server that never answers makes the read fail.
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let head = format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        // One byte, then silence: the rest never comes in time.
        stream.write_all(&body.as_bytes()[..1]).unwrap();
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&answer).contains("body_timeout") {
                break;
            }
        }
        answer
    })
    .await
    .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
}
