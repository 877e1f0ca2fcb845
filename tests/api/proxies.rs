//! The client address behind reverse proxies: a client cannot choose it.

use crate::helpers::{Options, TestApp, spawn_app_with};

/// Sends password-reset requests "from" `client` through the proxies in `hops`, each with a
/// new forged left-most `X-Forwarded-For` entry and a new email address, until one is
/// throttled; how many went through first (`None` if none was throttled within 40).
async fn requests_until_throttled(app: &TestApp, client: &str, hops: &str) -> Option<usize> {
    for i in 0..40 {
        let forged = format!("198.51.100.{}", i + 1);
        let res = app
            .client
            .post(app.url("/api/v1/auth/password/forgot"))
            .header("X-Forwarded-For", format!("{forged}, {client}{hops}"))
            .json(&serde_json::json!({"email": format!("nobody-{i}-{client}@example.org")}))
            .send()
            .await
            .unwrap();
        match res.status().as_u16() {
            202 => {}
            429 => {
                assert!(res.headers().contains_key("retry-after"));
                return Some(i);
            }
            other => panic!("unexpected status {other}"),
        }
    }
    None
}

#[tokio::test]
async fn a_forged_left_most_address_does_not_escape_the_per_address_limit_with_one_trusted_hop() {
    let app = spawn_app_with(Options {
        trust_proxy: true,
        ..Options::default()
    })
    .await;
    let allowed = requests_until_throttled(&app, "203.0.113.7", "")
        .await
        .expect("the real client address is throttled whatever it forges");
    assert!(allowed >= 1);
    // Another real client, behind the same proxy, is not.
    assert!(
        requests_until_throttled(&app, "203.0.113.8", "")
            .await
            .is_some()
    );
    let res = app
        .client
        .post(app.url("/api/v1/auth/password/forgot"))
        .header("X-Forwarded-For", "203.0.113.9")
        .json(&serde_json::json!({"email": "someone-else@example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        202,
        "a third client still gets through"
    );
}

#[tokio::test]
async fn trusted_proxy_ranges_are_skipped_from_the_right() {
    let app = spawn_app_with(Options {
        trusted_proxies: vec![
            "127.0.0.0/8".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ],
        ..Options::default()
    })
    .await;
    // Two proxies: the load balancer (10.0.0.5) and the local one (the peer, 127.0.0.1).
    let allowed = requests_until_throttled(&app, "203.0.113.7", ", 10.0.0.5")
        .await
        .expect("throttled by the real client address");
    assert!(allowed >= 1);
    let res = app
        .client
        .post(app.url("/api/v1/auth/password/forgot"))
        .header("X-Forwarded-For", "203.0.113.7, 10.0.0.5")
        .json(&serde_json::json!({"email": "late@example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429, "still the same client");
}
