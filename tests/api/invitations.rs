//! Staff invitations through HTTP: inviting, permissions, bad input, accepting (new and
//! existing accounts), expired, reused and revoked links.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{GOOD_PASSWORD, TestApp, TestUser, assert_problem, spawn_app};

async fn invite(app: &TestApp, by: &TestUser, email: &str, role: &str) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/invitations", &by.token)
        .json(&json!({"email": email, "role": role}))
        .send()
        .await
        .unwrap()
}

/// Invites `email` as `role` and returns the invitation and the token of the emailed link.
async fn invited(app: &TestApp, by: &TestUser, email: &str, role: &str) -> (Value, String) {
    let res = invite(app, by, email, role).await;
    assert_eq!(res.status().as_u16(), 201, "invite {email} as {role}");
    let body: Value = res.json().await.unwrap();
    (body, app.last_link_token(email))
}

async fn accept(app: &TestApp, body: &Value) -> reqwest::Response {
    app.post_json("/api/v1/invitations/accept", body).await
}

async fn call(app: &TestApp, method: Method, path: &str, by: &TestUser) -> reqwest::Response {
    app.authed(method, path, &by.token).send().await.unwrap()
}

/// The JSON body of a GET by `by`.
async fn read(app: &TestApp, path: &str, by: &TestUser) -> Value {
    call(app, Method::GET, path, by).await.json().await.unwrap()
}

fn newcomer(token: &str) -> Value {
    json!({"token": token, "display_name": "  Rosa  Lim ", "password": GOOD_PASSWORD})
}

#[tokio::test]
async fn an_admin_invites_a_coordinator_who_accepts_with_a_new_account() {
    let app = spawn_app().await;
    let admin = app.user("admin").await;
    let res = invite(&app, &admin, "Rosa.Lim@Example.org", "coordinator").await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let invitation: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/invitations/{}", invitation["id"])
    );
    assert_eq!(invitation["email"], "Rosa.Lim@Example.org");
    assert_eq!(invitation["role"], "coordinator");
    assert_eq!(invitation["status"], "pending");
    assert_eq!(invitation["invited_by"], admin.id);
    assert_eq!(invitation["language"], "en", "the inviter's language");
    assert!(invitation.get("token").is_none() && invitation.get("token_hash").is_none());

    // The Location is readable, with the same tag.
    let res = call(&app, Method::GET, &location, &admin).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(res.headers()["cache-control"], "no-store");

    // The email carries a link to the frontend with the token; only its hash is stored.
    let (to, subject, text) = app.outbox().pop().unwrap();
    assert_eq!(to, "Rosa.Lim@Example.org");
    assert!(subject.contains("coordinator"), "{subject}");
    assert!(text.contains("/accept-invitation?token="), "{text}");
    assert!(text.contains("Test admin"), "the inviter is named: {text}");
    let token = app.last_link_token("Rosa.Lim@Example.org");
    assert!(!invitation.to_string().contains(&token));

    let res = accept(&app, &newcomer(&token)).await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let profile = res.headers()["location"].to_str().unwrap().to_owned();
    let tokens: Value = res.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    let access = tokens["access_token"].as_str().unwrap();
    let me: Value = app
        .authed(Method::GET, "/api/v1/me", access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(profile, format!("/api/v1/users/{}", me["id"]));
    assert_eq!(me["role"], "coordinator");
    assert_eq!(me["email_verified"], true, "the link proves the address");
    assert_eq!(me["display_name"], "Rosa Lim");
    assert_eq!(me["email"], "Rosa.Lim@Example.org");
    // The password chosen works for a normal login, and the refresh token is real.
    app.login("rosa.lim@example.org", GOOD_PASSWORD).await;
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);

    // The invitation is accepted, by that account, with a new version.
    let res = call(&app, Method::GET, &location, &admin).await;
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["status"], "accepted");
    assert_eq!(after["accepted_by"], me["id"]);
    assert!(after["accepted_at"].is_string());

    // A second use of the link is refused with a stable code.
    assert_problem(
        accept(&app, &newcomer(&token)).await,
        409,
        "invitation_used",
    )
    .await;
}

#[tokio::test]
async fn who_may_invite_whom() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let admin = app.user("admin").await;
    for who in [&member, &trainer] {
        assert_problem(
            invite(&app, who, "someone@example.org", "trainer").await,
            403,
            "forbidden",
        )
        .await;
        let res = call(&app, Method::GET, "/api/v1/invitations", who).await;
        assert_problem(res, 403, "forbidden").await;
    }
    for role in ["coordinator", "admin"] {
        assert_problem(
            invite(&app, &coordinator, "someone@example.org", role).await,
            403,
            "forbidden",
        )
        .await;
    }
    assert_problem(
        app.post_json(
            "/api/v1/invitations",
            &json!({"email": "someone@example.org", "role": "trainer"}),
        )
        .await,
        401,
        "login_required",
    )
    .await;
    // Coordinators bring in trainers, and see and revoke only trainers' invitations.
    let (trainer_invitation, _) = invited(&app, &coordinator, "t@example.org", "trainer").await;
    let (admin_invitation, _) = invited(&app, &admin, "a@example.org", "admin").await;
    let res = call(&app, Method::GET, "/api/v1/invitations", &coordinator).await;
    assert_eq!(res.status().as_u16(), 200);
    let page: Value = res.json().await.unwrap();
    let ids: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, vec![&trainer_invitation["id"]]);
    let path = format!("/api/v1/invitations/{}", admin_invitation["id"]);
    for method in [Method::GET, Method::DELETE] {
        let res = call(&app, method, &path, &coordinator).await;
        assert_problem(res, 403, "forbidden").await;
    }
    // Admins see them all, newest first.
    let page: Value = read(&app, "/api/v1/invitations", &admin).await;
    let ids: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(
        ids,
        vec![&admin_invitation["id"], &trainer_invitation["id"]]
    );
}

#[tokio::test]
async fn bad_invitations_are_refused() {
    let app = spawn_app().await;
    let admin = app.user("admin").await;
    let post = |body: Value| {
        app.authed(Method::POST, "/api/v1/invitations", &admin.token)
            .json(&body)
            .send()
    };
    let res = post(json!({"email": "not-an-email", "role": "trainer"}))
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "email");
    for role in ["member", "superuser", ""] {
        let res = post(json!({"email": "x@example.org", "role": role}))
            .await
            .unwrap();
        assert_problem(res, 400, "invalid_body").await;
    }
    let res = post(json!({"email": "x@example.org", "role": "trainer", "token": "mine"}))
        .await
        .unwrap();
    assert_problem(res, 400, "unknown_field").await;
    let res = post(json!({"email": "x@example.org", "role": "trainer", "language": "not a tag"}))
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "language");
    assert!(app.outbox().is_empty(), "nothing was sent");

    // One pending invitation per address, in any case; an account that has the role already
    // needs none.
    invited(&app, &admin, "x@example.org", "trainer").await;
    assert_problem(
        invite(&app, &admin, "X@EXAMPLE.ORG", "coordinator").await,
        409,
        "invitation_pending",
    )
    .await;
    let coordinator = app.user("coordinator").await;
    assert_problem(
        invite(&app, &admin, &coordinator.email, "trainer").await,
        409,
        "role_already_held",
    )
    .await;
}

#[tokio::test]
async fn accepting_needs_a_valid_token_a_name_and_a_good_password() {
    let app = spawn_app().await;
    let admin = app.user("admin").await;
    let (_, token) = invited(&app, &admin, "new@example.org", "trainer").await;
    let res = accept(&app, &json!({"token": "no-such-token"})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "unknown_invitation");
    let res = accept(&app, &json!({"token": token})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["display_name", "password"]);
    let res = accept(
        &app,
        &json!({"token": token, "display_name": "Ana", "password": "password123"}),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "too_common");
    let res = accept(&app, &json!({"token": token, "role": "admin"})).await;
    assert_problem(res, 400, "unknown_field").await;
    // None of that spent the link.
    assert_eq!(accept(&app, &newcomer(&token)).await.status().as_u16(), 201);
}

#[tokio::test]
async fn unknown_tokens_are_throttled_like_logins() {
    let app = spawn_app().await;
    let mut last = 0;
    for i in 0..25 {
        last = accept(&app, &json!({"token": format!("guess-{i}")}))
            .await
            .status()
            .as_u16();
        if last == 429 {
            break;
        }
        assert_eq!(last, 422);
    }
    assert_eq!(last, 429, "guessing is throttled");
}

#[tokio::test]
async fn expired_and_revoked_links_do_not_work() {
    use bayanihan::db::schema::invitations;
    use diesel::prelude::*;
    let app = spawn_app().await;
    let admin = app.user("admin").await;

    let (expiring, token) = invited(&app, &admin, "late@example.org", "trainer").await;
    let path = format!("/api/v1/invitations/{}", expiring["id"]);
    let res = call(&app, Method::GET, &path, &admin).await;
    let pending_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    {
        let past = bayanihan::db::now() - chrono::TimeDelta::seconds(1);
        let mut conn = app.db.conn().unwrap();
        diesel::update(invitations::table)
            .set(invitations::expires_at.eq(past))
            .execute(&mut *conn)
            .unwrap();
    }
    assert_problem(
        accept(&app, &newcomer(&token)).await,
        409,
        "invitation_expired",
    )
    .await;
    let res = call(&app, Method::GET, &path, &admin).await;
    let expired_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(expired_tag, pending_tag, "running out of time is a change");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "expired");
    let res = call(&app, Method::DELETE, &path, &admin).await;
    assert_problem(res, 409, "invitation_expired").await;
    let res = call(
        &app,
        Method::GET,
        "/api/v1/invitations?status=expired",
        &admin,
    )
    .await;
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["items"][0]["id"], expiring["id"]);
    let page: Value = read(&app, "/api/v1/invitations?status=pending", &admin).await;
    assert_eq!(page["items"], json!([]));

    // The address may be invited again; the old invitation is written down as expired, with
    // the tag it was already answered with.
    let (again, token) = invited(&app, &admin, "late@example.org", "trainer").await;
    let res = call(&app, Method::GET, &path, &admin).await;
    assert_eq!(res.headers()["etag"].to_str().unwrap(), expired_tag);

    // Revoking: a stale If-Match is refused, the current one works, and the link dies.
    let again_path = format!("/api/v1/invitations/{}", again["id"]);
    let res = app
        .authed(Method::DELETE, &again_path, &admin.token)
        .header("If-Match", "\"invitation-0-v1\"")
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let tag = call(&app, Method::GET, &again_path, &admin).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let res = app
        .authed(Method::DELETE, &again_path, &admin.token)
        .header("If-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    let res = call(&app, Method::DELETE, &again_path, &admin).await;
    assert_eq!(res.status().as_u16(), 204, "revoking twice changes nothing");
    assert_problem(
        accept(&app, &newcomer(&token)).await,
        409,
        "invitation_revoked",
    )
    .await;
    let body: Value = read(&app, &again_path, &admin).await;
    assert_eq!(body["status"], "revoked");
    assert_eq!(body["revoked_by"], admin.id);
    let res = call(
        &app,
        Method::GET,
        "/api/v1/invitations?status=revoked",
        &admin,
    )
    .await;
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["items"][0]["id"], again["id"]);
    let res = call(&app, Method::GET, "/api/v1/invitations?status=lost", &admin).await;
    assert_problem(res, 400, "invalid_query").await;

    // An accepted invitation cannot be revoked any more.
    let (used, token) = invited(&app, &admin, "quick@example.org", "trainer").await;
    assert_eq!(accept(&app, &newcomer(&token)).await.status().as_u16(), 201);
    let res = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/invitations/{}", used["id"]),
        &admin,
    )
    .await;
    assert_problem(res, 409, "invitation_used").await;
}

#[tokio::test]
async fn an_existing_account_accepts_by_logging_in_and_gets_the_role() {
    let app = spawn_app().await;
    let admin = app.user("admin").await;
    let member = app.user("member").await;
    let other = app.user("member").await;
    let (invitation, token) = invited(&app, &admin, &member.email, "trainer").await;

    let res = accept(&app, &json!({"token": token})).await;
    let body = assert_problem(res, 401, "login_required").await;
    assert!(body["detail"].as_str().unwrap().contains("log in"));
    let res = app
        .authed(Method::POST, "/api/v1/invitations/accept", &other.token)
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "invitation_for_another_account").await;

    let before: Value = read(&app, "/api/v1/me", &member).await;
    let res = app
        .authed(Method::POST, "/api/v1/invitations/accept", &member.token)
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "nothing was created");
    assert!(res.headers().get("location").is_none());
    let tokens: Value = res.json().await.unwrap();
    assert!(tokens["access_token"].is_string());
    let after: Value = read(&app, "/api/v1/me", &member).await;
    assert_eq!(after["role"], "trainer");
    assert_eq!(after["id"], before["id"]);
    assert_eq!(
        after["display_name"], before["display_name"],
        "the profile stays"
    );
    let body: Value = read(
        &app,
        &format!("/api/v1/invitations/{}", invitation["id"]),
        &admin,
    )
    .await;
    assert_eq!(body["accepted_by"], member.id);
    let res = app
        .authed(Method::POST, "/api/v1/invitations/accept", &member.token)
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 409, "invitation_used").await;
}

#[tokio::test]
async fn the_invitation_waits_in_the_outbox_while_smtp_is_down() {
    use bayanihan::db::schema::email_outbox::dsl;
    use diesel::prelude::*;
    // A free port that nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..Default::default()
    })
    .await;
    let admin = app.user("admin").await;
    let (_, token) = invited(&app, &admin, "queued@example.org", "trainer").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let rows: Vec<(String, i32, Option<chrono::NaiveDateTime>)> = {
            let mut conn = app.db.conn().unwrap();
            dsl::email_outbox
                .filter(dsl::template.eq("staff_invitation"))
                .select((dsl::recipient, dsl::attempts, dsl::sent_at))
                .load(&mut *conn)
                .unwrap()
        };
        assert_eq!(rows.len(), 1, "one email, queued");
        let (to, attempts, sent_at) = &rows[0];
        assert_eq!(to, "queued@example.org");
        assert_eq!(*sent_at, None, "nothing can be sent while SMTP is down");
        if *attempts >= 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the worker tried to send it"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The link in the queued email works all the same.
    assert_eq!(accept(&app, &newcomer(&token)).await.status().as_u16(), 201);
}

#[tokio::test]
async fn erasing_an_account_forgets_the_invitations_to_its_address() {
    let app = spawn_app().await;
    let admin = app.user("admin").await;
    let member = app.user("member").await;
    let (invitation, _) = invited(&app, &admin, &member.email, "trainer").await;
    let path = format!("/api/v1/invitations/{}", invitation["id"]);
    let res = call(&app, Method::GET, &path, &admin).await;
    assert_eq!(res.status().as_u16(), 200);
    let res = app
        .authed(Method::DELETE, "/api/v1/me", &member.token)
        .json(&json!({"password": member.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    let res = call(&app, Method::GET, &path, &admin).await;
    assert_problem(res, 404, "not_found").await;
    let page: Value = read(&app, "/api/v1/invitations", &admin).await;
    assert_eq!(page["items"], json!([]));
}
