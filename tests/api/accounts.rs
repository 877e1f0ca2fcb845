//! Accounts and access through HTTP: registration, verification, login, tokens,
//! password reset and change, profiles, export, erasure, roles.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{GOOD_PASSWORD, TestApp, assert_problem, spawn_app};

fn registration(email: &str) -> Value {
    json!({
        "email": email,
        "password": GOOD_PASSWORD,
        "display_name": "Ana  Cruz",
        "country": "PH",
        "preferred_language": "FIL",
        "gender": "female",
        "birth_year": 1994
    })
}

async fn register_and_verify(app: &TestApp, email: &str) -> i64 {
    let res = app
        .post_json("/api/v1/auth/register", &registration(email))
        .await;
    assert_eq!(res.status().as_u16(), 202);
    let token = app.last_link_token(email);
    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(res.status().as_u16(), 204);
    let (access, _) = app.login(email, GOOD_PASSWORD).await;
    let me: Value = app
        .authed(Method::GET, "/api/v1/me", &access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    me["id"].as_i64().unwrap()
}

#[tokio::test]
async fn register_verify_login_and_read_me() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &registration("Ana.Cruz@Example.org"),
        )
        .await;
    assert_eq!(res.status().as_u16(), 202);
    assert!(
        res.headers().get("location").is_none(),
        "no id for the asker"
    );
    assert_eq!(res.text().await.unwrap(), "", "nothing of the account");

    // The verification email went to the outbox with a link to the frontend.
    let outbox = app.outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].0, "Ana.Cruz@Example.org");
    assert!(
        outbox[0]
            .2
            .contains("http://frontend.test/verify-email?token="),
        "{}",
        outbox[0].2
    );

    // Not verified yet: the right password still cannot log in.
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "ana.cruz@example.org", "password": GOOD_PASSWORD}),
        )
        .await;
    assert_problem(res, 403, "email_not_verified").await;

    let token = app.last_link_token("Ana.Cruz@Example.org");
    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(res.status().as_u16(), 204);
    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "token", "single use");

    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "ANA.CRUZ@example.org", "password": GOOD_PASSWORD}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let tokens: Value = res.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    assert!(
        tokens["refresh_token"].as_str().unwrap().len() >= 43,
        "256 bits of randomness"
    );

    let res = app
        .authed(
            Method::GET,
            "/api/v1/me",
            tokens["access_token"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers().get("etag").is_some());
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["email"], "Ana.Cruz@Example.org");
    assert_eq!(me["display_name"], "Ana Cruz", "whitespace is normalised");
    assert_eq!(
        me["preferred_language"], "fil",
        "language tag in canonical case"
    );
    assert_eq!(me["role"], "member");
    assert!(me.get("password").is_none() && me.get("password_hash").is_none());
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["gender"], "female");
    assert_eq!(me["birth_year"], 1994);
}

#[tokio::test]
async fn registration_refuses_bad_input() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "not-an-email", "password": "password123", "display_name": " ", "country": "XX",
                    "preferred_language": "english", "birth_year": 2030}),
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in [
        "email",
        "password",
        "display_name",
        "country",
        "preferred_language",
        "birth_year",
    ] {
        assert!(fields.contains(&field), "{field} missing from {body}");
    }
    let short = json!({"email": "a@example.org", "password": "short", "display_name": "A", "country": "PH", "preferred_language": "en"});
    let body = assert_problem(
        app.post_json("/api/v1/auth/register", &short).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "too_short");

    // Roles, statuses and ids are never read from the body.
    let mut with_role = registration("b@example.org");
    with_role["role"] = json!("admin");
    assert_problem(
        app.post_json("/api/v1/auth/register", &with_role).await,
        400,
        "unknown_field",
    )
    .await;

    let mut unknown_org = registration("c@example.org");
    unknown_org["organisation_id"] = json!(999_999);
    let body = assert_problem(
        app.post_json("/api/v1/auth/register", &unknown_org).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "organisation_id");
}

/// Status and headers of an answer, without those that differ on every request.
fn comparable(res: &reqwest::Response) -> (u16, Vec<(String, String)>) {
    let mut headers: Vec<(String, String)> = res
        .headers()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (res.status().as_u16(), headers)
}

#[tokio::test]
async fn registering_a_taken_address_answers_as_a_new_one_and_tells_its_owner() {
    let app = spawn_app().await;
    // The owner reads Filipino; the second registration asks for English.
    let res = app
        .post_json("/api/v1/auth/register", &registration("dup@example.org"))
        .await;
    let new_account = comparable(&res);
    let new_body = res.bytes().await.unwrap();
    assert_eq!(new_account.0, 202);
    let mut again = registration("DUP@example.ORG");
    again["preferred_language"] = json!("en");
    again["display_name"] = json!("Someone Else");
    let res = app.post_json("/api/v1/auth/register", &again).await;
    let taken = comparable(&res);
    assert_eq!(taken, new_account, "the same status and headers");
    assert_eq!(res.bytes().await.unwrap(), new_body, "the same body");
    assert!(
        new_account
            .1
            .contains(&("cache-control".to_owned(), "no-store".to_owned()))
    );

    // No second account: the owner got a note in their language, and no verification link.
    let outbox = app.outbox();
    assert_eq!(outbox.len(), 2, "{outbox:?}");
    let (to, subject, text) = &outbox[1];
    assert_eq!(to, "dup@example.org", "the owner's stored address");
    assert!(subject.starts_with("May sumubok"), "{subject}");
    assert!(text.contains("Kumusta Ana Cruz"), "{text}");
    assert!(text.contains("http://frontend.test/login"), "{text}");
    assert!(
        text.contains("http://frontend.test/forgot-password"),
        "{text}"
    );
    assert!(!text.contains("token="), "{text}");
    let link = &outbox[0].2;
    let token: String = link[link.find("token=").unwrap() + 6..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    app.post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    let (access, _) = app.login("dup@example.org", GOOD_PASSWORD).await;
    let me: Value = app
        .authed(Method::GET, "/api/v1/me", &access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["display_name"], "Ana Cruz", "the account is untouched");
    assert_eq!(me["preferred_language"], "fil");

    // Bad input is still refused first, taken address or not.
    let mut bad = registration("dup@example.org");
    bad["country"] = json!("XX");
    assert_problem(
        app.post_json("/api/v1/auth/register", &bad).await,
        422,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn registering_with_an_organisation_asks_to_join_it() {
    let app = spawn_app().await;
    let org = app.insert_org(
        "Sentro",
        None,
        "PH",
        bayanihan::organisations::model::OrganisationKind::NationalCentre,
        None,
    );
    let mut body = registration("joiner@example.org");
    body["organisation_id"] = json!(org);
    assert_eq!(
        app.post_json("/api/v1/auth/register", &body)
            .await
            .status()
            .as_u16(),
        202
    );
    let token = app.last_link_token("joiner@example.org");
    app.post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    let (access, _) = app.login("joiner@example.org", GOOD_PASSWORD).await;
    let res = app
        .authed(Method::GET, "/api/v1/me/memberships", &access)
        .send()
        .await
        .unwrap();
    let memberships: Value = res.json().await.unwrap();
    assert_eq!(memberships[0]["organisation_id"], org);
    assert_eq!(memberships[0]["status"], "pending");
}

#[tokio::test]
async fn failed_logins_look_alike() {
    // Their throttling: tests/api/logins.rs.
    let app = spawn_app().await;
    let user = app.user("member").await;
    let wrong = json!({"email": user.email, "password": "not-the-password"});
    assert_problem(
        app.post_json("/api/v1/auth/login", &wrong).await,
        401,
        "invalid_credentials",
    )
    .await;
    let unknown = json!({"email": "nobody@example.org", "password": "not-the-password"});
    assert_problem(
        app.post_json("/api/v1/auth/login", &unknown).await,
        401,
        "invalid_credentials",
    )
    .await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_login() {
    let app = spawn_app().await;
    let user = app.user("member").await;
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let second: Value = res.json().await.unwrap();
    let second_refresh = second["refresh_token"].as_str().unwrap().to_owned();
    let second_access = second["access_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, user.refresh_token);
    assert_eq!(
        app.authed(Method::GET, "/api/v1/me", &second_access)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );

    // The first token again: the whole login is revoked, descendants included.
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_problem(res, 401, "refresh_token_reused").await;
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": second_refresh}),
        )
        .await;
    assert_problem(res, 401, "session_revoked").await;
    let res = app
        .authed(Method::GET, "/api/v1/me", &second_access)
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "session_revoked").await;

    let res = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": "made-up"}))
        .await;
    assert_problem(res, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn logout_ends_one_login_and_logout_all_ends_every_login() {
    let app = spawn_app().await;
    let user = app.user("member").await;
    let (other_access, other_refresh) = app.login(&user.email, &user.password).await;

    let res = app
        .authed(Method::POST, "/api/v1/auth/logout", &user.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert_problem(
        app.authed(Method::GET, "/api/v1/me", &user.token)
            .send()
            .await
            .unwrap(),
        401,
        "session_revoked",
    )
    .await;
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(
        app.authed(Method::GET, "/api/v1/me", &other_access)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );

    let (third_access, _) = app.login(&user.email, &user.password).await;
    let res = app
        .authed(Method::POST, "/api/v1/auth/logout-all", &third_access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    for token in [&other_access, &third_access] {
        assert_eq!(
            app.authed(Method::GET, "/api/v1/me", token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            401
        );
    }
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": other_refresh}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 401);
}

#[tokio::test]
async fn password_reset_by_email_link() {
    let app = spawn_app().await;
    let user = app.user("member").await;
    // The same answer whether or not the account exists.
    let res = app
        .post_json(
            "/api/v1/auth/password/forgot",
            &json!({"email": "nobody@example.org"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 202);
    assert!(app.outbox().is_empty());
    let res = app
        .post_json(
            "/api/v1/auth/password/forgot",
            &json!({"email": user.email.to_uppercase()}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 202);
    let token = app.last_link_token(&user.email);
    assert!(
        app.outbox()
            .last()
            .unwrap()
            .2
            .contains("http://frontend.test/reset-password?token=")
    );

    let weak = json!({"token": token, "new_password": "123456789"});
    assert_problem(
        app.post_json("/api/v1/auth/password/reset", &weak).await,
        422,
        "validation_failed",
    )
    .await;
    let new_password = "monsoon-harvest-union-77";
    let res = app
        .post_json(
            "/api/v1/auth/password/reset",
            &json!({"token": token, "new_password": new_password}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 204);
    // Every login ended; the old password is gone; the link is spent.
    assert_eq!(
        app.authed(Method::GET, "/api/v1/me", &user.token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    let old = json!({"email": user.email, "password": user.password});
    assert_problem(
        app.post_json("/api/v1/auth/login", &old).await,
        401,
        "invalid_credentials",
    )
    .await;
    app.login(&user.email, new_password).await;
    let again = json!({"token": token, "new_password": "another-long-passphrase-9"});
    assert_problem(
        app.post_json("/api/v1/auth/password/reset", &again).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        app.outbox().iter().any(
            |(to, subject, _)| to == &user.email && subject.to_lowercase().contains("password")
        )
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_logins() {
    let app = spawn_app().await;
    let user = app.user("member").await;
    let (other, _) = app.login(&user.email, &user.password).await;
    let res = app
        .authed(Method::POST, "/api/v1/me/password", &user.token)
        .json(&json!({"current_password": "wrong-password-here", "new_password": "monsoon-harvest-union-77"}))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "current_password");
    let res = app
        .authed(Method::POST, "/api/v1/me/password", &user.token)
        .json(
            &json!({"current_password": user.password, "new_password": "monsoon-harvest-union-77"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        app.authed(Method::GET, "/api/v1/me", &user.token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        app.authed(Method::GET, "/api/v1/me", &other)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
}

#[tokio::test]
async fn profile_changes_and_forbidden_fields() {
    let app = spawn_app().await;
    let user = app.user("member").await;
    let patch = |body: Value| {
        app.authed(Method::PATCH, "/api/v1/me", &user.token)
            .json(&body)
            .send()
    };
    let res = patch(json!({"display_name": "Ana", "country": "FJ", "other_languages": ["en", "ZH-hant"], "bio": "Organiser"})).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(
        (me["display_name"].as_str(), me["country"].as_str()),
        (Some("Ana"), Some("FJ"))
    );
    assert_eq!(me["other_languages"], json!(["en", "zh-Hant"]));
    let res = patch(json!({"bio": null, "country": null})).await.unwrap();
    let me: Value = res.json().await.unwrap();
    assert_eq!(
        (me["bio"].clone(), me["country"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(me["display_name"], "Ana", "absent fields stay");

    for forbidden in [
        json!({"role": "admin"}),
        json!({"email": "x@example.org"}),
        json!({"status": "active"}),
        json!({"id": 1}),
    ] {
        assert_problem(patch(forbidden).await.unwrap(), 400, "unknown_field").await;
    }
    let body = assert_problem(
        patch(json!({"country": "ph", "birth_year": 1800}))
            .await
            .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);
    assert_problem(
        patch(json!({"display_name": 5})).await.unwrap(),
        400,
        "invalid_body",
    )
    .await;
    // A required field cannot be cleared: null is refused, not silently ignored.
    assert_problem(
        patch(json!({"display_name": null})).await.unwrap(),
        400,
        "invalid_body",
    )
    .await;
}

#[tokio::test]
async fn public_profiles_hide_private_fields_and_need_a_login() {
    let app = spawn_app().await;
    let viewer = app.user("member").await;
    let target = register_and_verify(&app, "private@example.org").await;
    assert_problem(
        app.get(&format!("/api/v1/users/{target}")).await,
        401,
        "login_required",
    )
    .await;
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/users/{target}"),
            &viewer.token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let profile: Value = res.json().await.unwrap();
    assert_eq!(profile["display_name"], "Ana Cruz");
    for private in ["email", "gender", "birth_year", "status"] {
        assert!(
            profile.get(private).is_none(),
            "{private} leaked: {profile}"
        );
    }
    let res = app
        .authed(Method::GET, "/api/v1/users/999999", &viewer.token)
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn export_holds_my_data_and_erasure_keeps_only_the_id() {
    let app = spawn_app().await;
    let user = app.user("member").await;
    let viewer = app.user("member").await;
    let res = app
        .authed(Method::GET, "/api/v1/me/export", &user.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let export: Value = res.json().await.unwrap();
    assert_eq!(export["user"]["email"], user.email.as_str());
    assert!(!export["sessions"].as_array().unwrap().is_empty());

    let res = app
        .authed(Method::DELETE, "/api/v1/me", &user.token)
        .json(&json!({"password": "wrong-password-1"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .authed(Method::DELETE, "/api/v1/me", &user.token)
        .json(&json!({"password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        app.authed(Method::GET, "/api/v1/me", &user.token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    let login = json!({"email": user.email, "password": user.password});
    assert_problem(
        app.post_json("/api/v1/auth/login", &login).await,
        401,
        "invalid_credentials",
    )
    .await;
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/users/{}", user.id),
            &viewer.token,
        )
        .send()
        .await
        .unwrap();
    let profile: Value = res.json().await.unwrap();
    assert_eq!(profile["deleted"], true);
    assert_eq!(profile["display_name"], "Deleted member");
    // The address is free again: a new account, with its verification link.
    let res = app
        .post_json("/api/v1/auth/register", &registration(&user.email))
        .await;
    assert_eq!(res.status().as_u16(), 202);
    let (_, subject, _) = app.outbox().pop().unwrap();
    assert!(subject.starts_with("Kumpirmahin"), "{subject}");
}

mod tokens {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};

    use super::*;

    const SECRET: &[u8] = b"test-secret-that-is-long-enough-for-hs256!";

    fn forge(claims: Value, key: &[u8], alg: Algorithm) -> String {
        jsonwebtoken::encode(&Header::new(alg), &claims, &EncodingKey::from_secret(key)).unwrap()
    }

    fn claims(user: i64, exp_offset: i64, aud: &str) -> Value {
        let now = chrono::Utc::now().timestamp();
        json!({"sub": user.to_string(), "exp": now + exp_offset, "iat": now, "iss": "bayanihan", "aud": aud,
               "jti": "x", "role": "admin", "sid": 1})
    }

    #[tokio::test]
    async fn forged_expired_and_foreign_tokens_are_refused() {
        let app = spawn_app().await;
        let user = app.user("member").await;
        let get = |token: String| app.authed(Method::GET, "/api/v1/me", &token).send();

        // alg: none, with the real claims.
        let header = base64_url(r#"{"alg":"none","typ":"JWT"}"#);
        let payload = base64_url(&claims(user.id, 600, "bayanihan-api").to_string());
        assert_problem(
            get(format!("{header}.{payload}.")).await.unwrap(),
            401,
            "invalid_token",
        )
        .await;
        // Wrong signature.
        let forged = forge(
            claims(user.id, 600, "bayanihan-api"),
            b"another-secret-another-secret-!!!",
            Algorithm::HS256,
        );
        assert_problem(get(forged).await.unwrap(), 401, "invalid_token").await;
        // Another algorithm with the right key.
        let hs512 = forge(
            claims(user.id, 600, "bayanihan-api"),
            SECRET,
            Algorithm::HS512,
        );
        assert_problem(get(hs512).await.unwrap(), 401, "invalid_token").await;
        // Expired.
        let expired = forge(
            claims(user.id, -600, "bayanihan-api"),
            SECRET,
            Algorithm::HS256,
        );
        assert_problem(get(expired).await.unwrap(), 401, "token_expired").await;
        // Wrong audience.
        let foreign = forge(
            claims(user.id, 600, "another-api"),
            SECRET,
            Algorithm::HS256,
        );
        assert_problem(get(foreign).await.unwrap(), 401, "invalid_token").await;
        // Garbage, and no token at all.
        assert_problem(
            get("garbage".to_owned()).await.unwrap(),
            401,
            "invalid_token",
        )
        .await;
        let res = app.get("/api/v1/me").await;
        assert!(
            res.headers()
                .get("www-authenticate")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        assert_problem(res, 401, "login_required").await;
    }

    fn base64_url(text: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }
}

mod roles {
    use super::*;

    #[tokio::test]
    async fn only_admins_list_users_with_filters() {
        let app = spawn_app().await;
        let admin = app.user("admin").await;
        let member = app.user("member").await;
        let trainer = app.user("trainer").await;
        let coordinator = app.user("coordinator").await;
        for who in [&member, &trainer, &coordinator] {
            let res = app
                .authed(Method::GET, "/api/v1/users", &who.token)
                .send()
                .await
                .unwrap();
            assert_problem(res, 403, "forbidden").await;
        }
        let res = app
            .authed(Method::GET, "/api/v1/users?limit=2", &admin.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 2);
        let cursor = page["next_cursor"].as_str().unwrap();
        let res = app
            .authed(
                Method::GET,
                &format!("/api/v1/users?limit=2&cursor={cursor}"),
                &admin.token,
            )
            .send()
            .await
            .unwrap();
        let rest: Value = res.json().await.unwrap();
        assert_eq!(rest["items"].as_array().unwrap().len(), 2);
        assert_eq!(rest["next_cursor"], Value::Null);

        let res = app
            .authed(Method::GET, "/api/v1/users?role=trainer", &admin.token)
            .send()
            .await
            .unwrap();
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["items"][0]["id"], trainer.id);
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        let res = app
            .authed(
                Method::GET,
                &format!("/api/v1/users?q={}", &coordinator.email[..16]),
                &admin.token,
            )
            .send()
            .await
            .unwrap();
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["items"][0]["id"], coordinator.id);
        let res = app
            .authed(Method::GET, "/api/v1/users?role=king", &admin.token)
            .send()
            .await
            .unwrap();
        assert_problem(res, 400, "invalid_query").await;
    }

    #[tokio::test]
    async fn coordinators_grant_trainer_and_admins_do_the_rest() {
        let app = spawn_app().await;
        let admin = app.user("admin").await;
        let coordinator = app.user("coordinator").await;
        let member = app.user("member").await;
        let patch = |who: &str, id: i64, body: Value| {
            app.authed(Method::PATCH, &format!("/api/v1/users/{id}"), who)
                .json(&body)
                .send()
        };
        let read_me = |token: &str| app.authed(Method::GET, "/api/v1/me", token).send();
        // The member's login is read now (and kept a moment, `db::recent`)...
        assert_eq!(read_me(&member.token).await.unwrap().status().as_u16(), 200);
        let res = patch(&coordinator.token, member.id, json!({"role": "trainer"}))
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        // ... and the new role counts at once, on the token already issued.
        let me: Value = app
            .authed(Method::GET, "/api/v1/me", &member.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], "trainer");
        assert_problem(
            patch(
                &coordinator.token,
                member.id,
                json!({"role": "coordinator"}),
            )
            .await
            .unwrap(),
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            patch(
                &coordinator.token,
                member.id,
                json!({"status": "suspended"}),
            )
            .await
            .unwrap(),
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            patch(&member.token, coordinator.id, json!({"role": "member"}))
                .await
                .unwrap(),
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            patch(&admin.token, admin.id, json!({"role": "member"}))
                .await
                .unwrap(),
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            patch(&admin.token, member.id, json!({"role": "emperor"}))
                .await
                .unwrap(),
            400,
            "invalid_body",
        )
        .await;
        assert_problem(
            patch(&admin.token, member.id, json!({})).await.unwrap(),
            422,
            "validation_failed",
        )
        .await;
        assert_problem(
            patch(&admin.token, 999_999, json!({"role": "member"}))
                .await
                .unwrap(),
            404,
            "not_found",
        )
        .await;

        // A lowered role counts at once too, on a login read a moment ago (`db::recent`).
        let res = patch(&coordinator.token, member.id, json!({"role": "trainer"}))
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let res = patch(&admin.token, coordinator.id, json!({"role": "member"}))
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert_problem(
            patch(&coordinator.token, member.id, json!({"role": "trainer"}))
                .await
                .unwrap(),
            403,
            "forbidden",
        )
        .await;

        // Suspension ends every login (kept a moment ago or not) and blocks new ones.
        assert_eq!(read_me(&member.token).await.unwrap().status().as_u16(), 200);
        let res = patch(&admin.token, member.id, json!({"status": "suspended"}))
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(
            app.authed(Method::GET, "/api/v1/me", &member.token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            401
        );
        let res = app
            .post_json(
                "/api/v1/auth/login",
                &json!({"email": member.email, "password": member.password}),
            )
            .await;
        assert_problem(res, 403, "account_suspended").await;
        let res = app
            .post_json(
                "/api/v1/auth/refresh",
                &json!({"refresh_token": member.refresh_token}),
            )
            .await;
        assert_eq!(res.status().as_u16(), 401);
        assert_eq!(
            patch(&admin.token, member.id, json!({"status": "active"}))
                .await
                .unwrap()
                .status()
                .as_u16(),
            200
        );
        app.login(&member.email, &member.password).await;
    }
}

#[tokio::test]
async fn resending_verification_answers_the_same_for_anyone() {
    let app = spawn_app().await;
    app.post_json("/api/v1/auth/register", &registration("late@example.org"))
        .await;
    for email in ["late@example.org", "nobody@example.org"] {
        let res = app
            .post_json("/api/v1/auth/verify-email/resend", &json!({"email": email}))
            .await;
        assert_eq!(res.status().as_u16(), 202);
    }
    assert_eq!(
        app.outbox()
            .iter()
            .filter(|(to, _, _)| to == "late@example.org")
            .count(),
        2
    );
    // The newest link works; the first was replaced.
    let token = app.last_link_token("late@example.org");
    assert_eq!(
        app.post_json("/api/v1/auth/verify-email", &json!({"token": token}))
            .await
            .status()
            .as_u16(),
        204
    );
    let res = app
        .post_json(
            "/api/v1/auth/verify-email/resend",
            &json!({"email": "not an email"}),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn refresh_tokens_expire_when_idle_and_logins_end_after_thirty_days() {
    use bayanihan::db::schema::{refresh_tokens, sessions};
    use diesel::prelude::*;
    let app = spawn_app().await;
    let user = app.user("member").await;
    let past = bayanihan::db::now() - chrono::TimeDelta::seconds(1);
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(refresh_tokens::table)
            .set(refresh_tokens::expires_at.eq(past))
            .execute(&mut *conn)
            .unwrap();
    }
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_problem(res, 401, "refresh_token_expired").await;

    let (_, refresh) = app.login(&user.email, &user.password).await;
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(sessions::table)
            .set(sessions::expires_at.eq(past))
            .execute(&mut *conn)
            .unwrap();
    }
    let res = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .await;
    assert_problem(res, 401, "refresh_token_expired").await;
    // The access token of an expired login no longer works either.
    assert_eq!(
        app.authed(Method::GET, "/api/v1/me", &user.token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
}

#[tokio::test]
async fn me_is_versioned_private_and_guarded_by_if_match() {
    let app = spawn_app().await;
    let user = app.user("member").await;
    let get = || app.authed(Method::GET, "/api/v1/me", &user.token).send();
    let patch = |body: Value, if_match: Option<&str>| {
        let req = app
            .authed(Method::PATCH, "/api/v1/me", &user.token)
            .json(&body);
        match if_match {
            Some(tag) => req.header("If-Match", tag),
            None => req,
        }
        .send()
    };
    let res = get().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(tag, format!("\"user-{}-v1\"", user.id));
    let before: Value = res.json().await.unwrap();
    let res = app
        .authed(Method::GET, "/api/v1/me", &user.token)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);

    // A patch that changes nothing keeps the version, the tag and updated_at.
    let res = patch(
        json!({"display_name": before["display_name"], "country": "PH"}),
        Some(&tag),
    )
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), tag);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let same: Value = res.json().await.unwrap();
    assert_eq!(same["updated_at"], before["updated_at"]);

    // A change bumps it; the old tag is then stale.
    let res = patch(json!({"bio": "Organiser"}), Some(&tag))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let new_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(new_tag, format!("\"user-{}-v2\"", user.id));
    let res = patch(json!({"bio": "Educator"}), Some(&tag)).await.unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let me: Value = get().await.unwrap().json().await.unwrap();
    assert_eq!(me["bio"], "Organiser", "a refused write changes nothing");
    let res = patch(json!({"bio": "Educator"}), Some(&new_tag))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);

    // Changes made by others (an admin's role change) are versions too.
    let admin = app.user("admin").await;
    let set_role = |role: &str, if_match: Option<&str>| {
        let req = app
            .authed(
                Method::PATCH,
                &format!("/api/v1/users/{}", user.id),
                &admin.token,
            )
            .json(&json!({ "role": role }));
        match if_match {
            Some(tag) => req.header("If-Match", tag),
            None => req,
        }
        .send()
    };
    let res = set_role("trainer", None).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let admin_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(admin_tag, format!("\"user-{}-v4\"", user.id));
    let res = set_role("trainer", None).await.unwrap();
    assert_eq!(
        res.headers()["etag"].to_str().unwrap(),
        admin_tag,
        "the same role again is no change"
    );
    let res = set_role("member", Some(&new_tag)).await.unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    assert_eq!(
        get().await.unwrap().headers()["etag"].to_str().unwrap(),
        admin_tag
    );
}

#[tokio::test]
async fn credentials_and_personal_data_are_never_stored_by_caches() {
    let app = spawn_app().await;
    let user = app.user("member").await;
    let admin = app.user("admin").await;
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": user.email, "password": user.password}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let res = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let res = app
        .post_json("/api/v1/auth/register", &registration("cache@example.org"))
        .await;
    assert_eq!(res.status().as_u16(), 202);
    assert_eq!(res.headers()["cache-control"], "no-store");
    for (path, token) in [
        ("/api/v1/me", &user.token),
        ("/api/v1/me/export", &user.token),
        ("/api/v1/me/memberships", &user.token),
        ("/api/v1/me/enrolments", &user.token),
        ("/api/v1/users", &admin.token),
    ] {
        let res = app.authed(Method::GET, path, token).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    // A public profile is no secret among members: revalidated, but storable.
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/users/{}", user.id),
            &admin.token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.headers().get("etag").is_some());
}

#[tokio::test]
async fn a_public_profile_is_tagged_by_the_versions_it_shows() {
    let app = spawn_app().await;
    let admin = app.user("admin").await;
    let user = app.user("member").await;
    let path = format!("/api/v1/users/{}", user.id);
    let send = |method: Method, path: String, token: &str, body: Value| {
        app.authed(method, &path, token).json(&body).send()
    };
    // The profile's tag and body, as an admin reads it.
    let profile = || async {
        let res = app
            .authed(Method::GET, &path, &admin.token)
            .send()
            .await
            .unwrap();
        let tag = res.headers()["etag"].to_str().unwrap().to_owned();
        (tag, res.json::<Value>().await.unwrap())
    };
    let (first, _) = profile().await;
    let versioned = |tag: &str, n: u32| tag.starts_with(&format!("\"profile-{}-v{n}-", user.id));
    assert!(versioned(&first, 1), "{first}");
    let res = app
        .authed(Method::GET, &path, &admin.token)
        .header("If-None-Match", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);

    // Its own fields: a new account version.
    let res = send(
        Method::PATCH,
        "/api/v1/me".into(),
        &user.token,
        json!({"bio": "Organiser"}),
    );
    assert_eq!(res.await.unwrap().status().as_u16(), 200);
    let (second, _) = profile().await;
    assert!(versioned(&second, 2), "{second}");

    // A membership approved, then its organisation renamed: what the profile shows
    // changed, so the tag does, with no account version spent.
    let org = app.insert_org(
        "Profile Union",
        None,
        "PH",
        bayanihan::organisations::model::OrganisationKind::Union,
        None,
    );
    let join = format!("/api/v1/organisations/{org}/memberships");
    let res = send(Method::POST, join.clone(), &user.token, json!({}));
    assert_eq!(res.await.unwrap().status().as_u16(), 201);
    assert_eq!(profile().await.0, second, "a pending request is not shown");
    let decide = format!("{join}/{}", user.id);
    let res = send(
        Method::PATCH,
        decide,
        &admin.token,
        json!({"status": "approved"}),
    );
    assert_eq!(res.await.unwrap().status().as_u16(), 200);
    let (third, body) = profile().await;
    assert_ne!(third, second);
    assert_eq!(body["organisations"][0]["name"], "Profile Union");
    let rename = json!({"name": "Profile Workers Union"});
    let res = send(
        Method::PATCH,
        format!("/api/v1/organisations/{org}"),
        &admin.token,
        rename,
    );
    assert_eq!(res.await.unwrap().status().as_u16(), 200);
    let (fourth, body) = profile().await;
    assert_ne!(fourth, third);
    assert!(versioned(&fourth, 2), "{fourth}");
    assert_eq!(body["organisations"][0]["name"], "Profile Workers Union");
}
