//! Login throttling counted in the database: growing delays per account, device tokens that
//! keep the owner in while strangers fail, the per-address limit, several instances.

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// Counts `n` failed logins from unknown devices on `account`, as if they had just happened
/// (a guesser's, from anywhere): the account then waits the longest delay.
fn fail_logins(app: &TestApp, scope: &str, subject: &str, n: usize) {
    use bayanihan::db::schema::throttle_events as t;
    let mut conn = app.db.conn().unwrap();
    let now = bayanihan::db::now();
    for _ in 0..n {
        diesel::insert_into(t::table)
            .values((t::scope.eq(scope), t::subject.eq(subject), t::at.eq(now)))
            .execute(&mut *conn)
            .unwrap();
    }
}

/// Counted events of `scope` for `subject`.
fn counted(app: &TestApp, scope: &str, subject: &str) -> i64 {
    use bayanihan::db::schema::throttle_events as t;
    let mut conn = app.db.conn().unwrap();
    t::table
        .filter(t::scope.eq(scope))
        .filter(t::subject.eq(subject))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

async fn login(app: &TestApp, base: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{base}/api/v1/auth/login"))
        .json(body)
        .send()
        .await
        .unwrap()
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Logs in with the right password (and `device`); the answer's device token.
async fn device_login(app: &TestApp, email: &str, password: &str, device: Option<&str>) -> String {
    let res = login(
        app,
        &app.address,
        &json!({"email": email, "password": password, "device_token": device}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    let token = body["device_token"].as_str().expect("a device token");
    assert_eq!(token.len(), 43, "256 bits, base64url");
    token.to_owned()
}

#[tokio::test]
async fn strangers_failing_slow_the_account_down_but_not_the_owners_known_device() {
    let app = spawn_app().await;
    let owner = app.user("member").await;
    let device = device_login(&app, &owner.email, &owner.password, None).await;

    // A stranger's first five failures cost nothing...
    let wrong = json!({"email": owner.email, "password": "not-the-password"});
    for _ in 0..5 {
        assert_problem(
            login(&app, &app.address, &wrong).await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    assert_eq!(counted(&app, "login_account", &owner.email), 5);
    // ... and many more make the next attempt from an unknown device wait the longest delay.
    fail_logins(&app, "login_account", &owner.email, 10);
    let right = json!({"email": owner.email, "password": owner.password});
    let res = login(&app, &app.address, &right).await;
    let wait = retry_after(&res);
    assert!((30..=60).contains(&wait), "waits {wait} s");
    assert_problem(res, 429, "rate_limited").await;
    // A guess while waiting is refused unread and not counted.
    assert_problem(login(&app, &app.address, &wrong).await, 429, "rate_limited").await;
    assert_eq!(counted(&app, "login_account", &owner.email), 15);

    // The owner's own device is not held: in, with a new device token, and the account's
    // count starts again.
    let next = device_login(&app, &owner.email, &owner.password, Some(&device)).await;
    assert_ne!(next, device, "each login answers a new token");
    assert_eq!(counted(&app, "login_account", &owner.email), 0);

    // The spent token is no longer known: with the account delayed again, it waits.
    fail_logins(&app, "login_account", &owner.email, 15);
    let res = login(
        &app,
        &app.address,
        &json!({"email": owner.email, "password": owner.password, "device_token": device}),
    )
    .await;
    assert_problem(res, 429, "rate_limited").await;
    // Another account's token does not open this one either.
    let other = app.user("member").await;
    let others = device_login(&app, &other.email, &other.password, None).await;
    let res = login(
        &app,
        &app.address,
        &json!({"email": owner.email, "password": owner.password, "device_token": others}),
    )
    .await;
    assert_problem(res, 429, "rate_limited").await;
    device_login(&app, &owner.email, &owner.password, Some(&next)).await;
}

#[tokio::test]
async fn a_device_token_has_its_own_limit_and_failures_with_it_do_not_count_for_the_account() {
    let app = spawn_app().await;
    let owner = app.user("member").await;
    let device = device_login(&app, &owner.email, &owner.password, None).await;
    let wrong =
        json!({"email": owner.email, "password": "not-the-password", "device_token": device});
    for _ in 0..4 {
        assert_problem(
            login(&app, &app.address, &wrong).await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    assert_eq!(counted(&app, "login_account", &owner.email), 0);
    assert_eq!(counted(&app, "login_address", "127.0.0.1"), 0);
    // The fifth failure in a row locks the token: it then counts as an unknown device, which
    // a delayed account makes wait.
    assert_problem(
        login(&app, &app.address, &wrong).await,
        401,
        "invalid_credentials",
    )
    .await;
    fail_logins(&app, "login_account", &owner.email, 15);
    let right = json!({"email": owner.email, "password": owner.password, "device_token": device});
    assert_problem(login(&app, &app.address, &right).await, 429, "rate_limited").await;
}

#[tokio::test]
async fn the_per_address_limit_holds_over_accounts_and_instances_but_not_for_known_devices() {
    let app = spawn_app().await;
    let owner = app.user("member").await;
    let device = device_login(&app, &owner.email, &owner.password, None).await;
    let second = app.second_instance();
    // Failures through one instance count on the other: 20 from this address, on unknown
    // accounts, spread over both.
    for i in 0..20 {
        let base = if i % 2 == 0 { &app.address } else { &second };
        let guess = json!({"email": format!("nobody-{i}@example.org"), "password": "guess-guess"});
        assert_problem(login(&app, base, &guess).await, 401, "invalid_credentials").await;
    }
    for base in [&app.address, &second] {
        let res = login(
            &app,
            base,
            &json!({"email": owner.email, "password": owner.password}),
        )
        .await;
        assert!(retry_after(&res) >= 1);
        assert_problem(res, 429, "rate_limited").await;
    }
    // The owner's device is not held by the address.
    device_login(&app, &owner.email, &owner.password, Some(&device)).await;
}

#[tokio::test]
async fn a_right_password_takes_its_attempt_back_and_unknown_accounts_are_throttled_alike() {
    let app = spawn_app().await;
    let owner = app.user("member").await;
    for email in [owner.email.as_str(), "nobody@example.org"] {
        let wrong = json!({"email": email, "password": "not-the-password"});
        for _ in 0..5 {
            login(&app, &app.address, &wrong).await;
        }
        fail_logins(&app, "login_account", email, 10);
        assert_problem(login(&app, &app.address, &wrong).await, 429, "rate_limited").await;
    }
    let fresh = app.user("member").await;
    device_login(&app, &fresh.email, &fresh.password, None).await;
    assert_eq!(counted(&app, "login_account", &fresh.email), 0);
}

#[tokio::test]
async fn a_new_password_forgets_the_accounts_devices() {
    let app = spawn_app().await;
    let owner = app.user("member").await;
    let device = device_login(&app, &owner.email, &owner.password, None).await;
    let res = app
        .authed(Method::POST, "/api/v1/me/password", &owner.token)
        .json(
            &json!({"current_password": owner.password, "new_password": "a-new-long-passphrase-9"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    fail_logins(&app, "login_account", &owner.email, 15);
    let res = login(
        &app,
        &app.address,
        &json!({"email": owner.email, "password": "a-new-long-passphrase-9", "device_token": device}),
    )
    .await;
    assert_problem(res, 429, "rate_limited").await;
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled_per_account() {
    let app = spawn_app().await;
    let owner = app.user("member").await;
    let wrong =
        json!({"current_password": "not-the-password", "new_password": "a-new-long-passphrase-9"});
    for _ in 0..5 {
        let res = app
            .authed(Method::POST, "/api/v1/me/password", &owner.token)
            .json(&wrong)
            .send()
            .await
            .unwrap();
        assert_problem(res, 422, "validation_failed").await;
    }
    let right =
        json!({"current_password": owner.password, "new_password": "a-new-long-passphrase-9"});
    let res = app
        .authed(Method::POST, "/api/v1/me/password", &owner.token)
        .json(&right)
        .send()
        .await
        .unwrap();
    assert!(retry_after(&res) >= 1);
    assert_problem(res, 429, "rate_limited").await;
}

#[tokio::test]
async fn an_oversized_device_token_is_refused_before_anything_reads_it() {
    let app = spawn_app().await;
    let owner = app.user("member").await;
    let res = login(
        &app,
        &app.address,
        &json!({"email": owner.email, "password": owner.password, "device_token": "x".repeat(65)}),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "device_token");
    assert_eq!(counted(&app, "login_account", &owner.email), 0);
}

/// An address with a control character is no account's: 422 before anything reads or
/// counts it (PostgreSQL refuses NUL in text; schemathesis sent one).
#[tokio::test]
async fn a_login_with_a_control_character_in_the_email_is_refused() {
    let app = crate::helpers::spawn_app().await;
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"email": "a\u{0}b@example.org", "password": "whatever-it-is"}),
        )
        .await;
    crate::helpers::assert_problem(res, 422, "validation_failed").await;
}
