//! Text people read and addresses the mailer must use: refused with 422, never a 500,
//! through every door that takes them.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn register(app: &TestApp, email: &str, display_name: &str) -> (u16, Value) {
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &json!({
                "email": email,
                "password": "a long enough passphrase",
                "display_name": display_name,
                "country": "PH",
                "preferred_language": "fil",
            }),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn addresses_the_mailer_cannot_use_are_refused_with_422() {
    let app = spawn_app().await;
    for bad in [
        "a..b@x.example",
        ".a@x.example",
        "a(b)@x.example",
        "a@-x.example",
        "\"quoted\"@x.example",
        "x@[127.0.0.1]",
    ] {
        let (status, body) = register(&app, bad, "Ana Cruz").await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(body["code"], "validation_failed", "{bad}");
        assert_eq!(fields(&body), ["email"], "{bad}: {body}");
    }
    let (status, body) = register(&app, "o'brien+union@x.example", "Ana Cruz").await;
    assert!(matches!(status, 201 | 202), "{body}");
}

#[tokio::test]
async fn reversing_and_invisible_names_are_refused_everywhere() {
    let app = spawn_app().await;
    for (i, bad) in [
        "Ana\u{202E}zurC",
        "\u{2063}",
        "\u{200B} \u{FEFF}",
        "x\u{2066}y",
    ]
    .into_iter()
    .enumerate()
    {
        let (status, body) = register(&app, &format!("n{i}@x.example"), bad).await;
        assert_eq!(status, 422, "{bad:?}: {body}");
        assert_eq!(fields(&body), ["display_name"], "{bad:?}: {body}");
    }
    // A script that needs a joiner is a name like any other.
    let (status, body) = register(&app, "k@x.example", "\u{0915}\u{094D}\u{200D}\u{0937}").await;
    assert!(matches!(status, 201 | 202), "{body}");

    // The same rule for communities and threads.
    let coordinator = app.user("coordinator").await;
    let (status, body) = app
        .send_as(
            &coordinator,
            Method::POST,
            "/api/v1/communities",
            Some(json!({"name": "Organisers\u{202E}", "language": "en", "visibility": "public"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["name"], "{body}");
    let community = app.create_community(&coordinator, "public").await;
    let (status, body) = app
        .send_as(
            &coordinator,
            Method::POST,
            &format!("/api/v1/communities/{community}/threads"),
            Some(json!({"kind": "discussion", "title": "\u{2063}\u{2063}\u{2063}", "body": "Hello", "tags": []})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body), ["title"], "{body}");
}

/// The ids on the administrators' user list filtered by `query`, and the flags they show.
async fn flagged(
    app: &TestApp,
    admin: &crate::helpers::TestUser,
    query: &str,
) -> Vec<(i64, Value)> {
    let (status, body) = app
        .send_as(
            admin,
            Method::GET,
            &format!("/api/v1/users?limit=100{query}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].as_i64().unwrap(), u["lookalike"].clone()))
        .collect()
}

#[tokio::test]
async fn lookalike_names_and_addresses_are_flagged_for_administrators_not_refused() {
    let app = spawn_app().await;
    let admin = app.user("admin").await;
    // Registered, not refused: a Cyrillic а in a Latin word, an address in lookalike letters.
    for (email, name) in [
        ("support@x.example", "Bay\u{430}nihan Support"),
        ("\u{440}\u{430}\u{443}\u{440}\u{430}l@x.example", "Pay Pal"),
        ("ivan@x.example", "Иван Петров"),
    ] {
        let (status, body) = register(&app, email, name).await;
        assert_eq!(status, 202, "{name}: {body}");
    }
    let id_of = |email: &str| {
        use bayanihan::db::schema::users;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        users::table
            .filter(users::email.eq(email))
            .select(users::id)
            .first::<i64>(&mut *conn)
            .unwrap()
    };
    let (name_spoof, address_spoof, real) = (
        id_of("support@x.example"),
        id_of("\u{440}\u{430}\u{443}\u{440}\u{430}l@x.example"),
        id_of("ivan@x.example"),
    );
    let only_flagged = flagged(&app, &admin, "&lookalike=true").await;
    assert_eq!(
        only_flagged,
        [(name_spoof, json!(true)), (address_spoof, json!(true))]
    );
    let unflagged = flagged(&app, &admin, "&lookalike=false").await;
    assert!(unflagged.contains(&(real, json!(false))));
    assert!(unflagged.iter().all(|(id, _)| *id != name_spoof));

    // A name changed into a lookalike is flagged, and back again; the holder never sees it.
    let member = app.user("member").await;
    let (status, me) = app
        .send_as(
            &member,
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"display_name": "G\u{3bf}ogle"})),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    assert!(me.get("lookalike").is_none(), "{me}");
    assert!(
        flagged(&app, &admin, "&lookalike=true")
            .await
            .contains(&(member.id, json!(true)))
    );
    app.send_as(
        &member,
        Method::PATCH,
        "/api/v1/me",
        Some(json!({"display_name": "Google Fan"})),
    )
    .await;
    assert!(
        !flagged(&app, &admin, "&lookalike=true")
            .await
            .iter()
            .any(|(id, _)| *id == member.id)
    );

    // Only administrators list accounts.
    let (status, _) = app
        .send_as(&member, Method::GET, "/api/v1/users?lookalike=true", None)
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn accounts_older_than_the_check_are_checked_when_the_server_starts() {
    use bayanihan::db::schema::users;
    use diesel::prelude::*;
    let app = spawn_app().await;
    let admin = app.user("admin").await;
    let old = app.user("member").await;
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(users::table.find(old.id))
            .set((
                users::display_name.eq("Adm\u{456}n"),
                users::lookalike.eq(None::<bool>),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let listed = flagged(&app, &admin, "").await;
    assert!(
        listed.contains(&(old.id, Value::Null)),
        "not checked yet: no flag shown"
    );
    app.second_instance();
    let mut checked = false;
    for _ in 0..100 {
        if flagged(&app, &admin, "&lookalike=true")
            .await
            .contains(&(old.id, json!(true)))
        {
            checked = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(checked, "the starting instance checks it");
}
