//! Post search's index (issue 18, item 4): kept up to date from the database's change log,
//! one per instance, rebuilt by a command or at start.

use std::process::Command;

use bayanihan::startup::Application;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};

/// The post ids found for `q` through the instance at `base`.
async fn found_at(app: &TestApp, base: &str, user: Option<&TestUser>, q: &str) -> Vec<i64> {
    let mut req = app
        .client
        .get(format!("{base}/api/v1/search/posts?q={q}&limit=50"));
    if let Some(u) = user {
        req = req.bearer_auth(&u.token);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["post_id"].as_i64().unwrap())
        .collect()
}

async fn found(app: &TestApp, q: &str) -> Vec<i64> {
    found_at(app, &app.address, None, q).await
}

#[tokio::test]
async fn writes_are_found_at_once_edits_hides_and_titles_too() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let community = app.create_community(&owner, "public").await;
    // Found right after the 201, without waiting.
    let (thread, opening) = app
        .create_thread(
            &owner,
            community,
            "discussion",
            "Axolotl care",
            "Cold water please",
        )
        .await;
    assert_eq!(found(&app, "axolotl").await, vec![opening]);
    let reply = app.reply(&owner, thread, "Pangolin facts").await;
    assert_eq!(found(&app, "pangolin").await, vec![reply]);

    // An edit: the old words are gone, the new ones found.
    let (status, body) = app
        .send_as(
            &owner,
            Method::PATCH,
            &format!("/api/v1/posts/{reply}"),
            Some(json!({"body": "Narwhal facts"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(found(&app, "pangolin").await.is_empty());
    assert_eq!(found(&app, "narwhal").await, vec![reply]);

    // Hidden, then restored by a moderator.
    let (status, body) = app
        .send_as(
            &owner,
            Method::POST,
            &format!("/api/v1/posts/{reply}/hide"),
            Some(json!({"reason": "Off topic"})),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    assert!(found(&app, "narwhal").await.is_empty());
    let (status, body) = app
        .send_as(
            &owner,
            Method::POST,
            &format!("/api/v1/posts/{reply}/restore"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(found(&app, "narwhal").await, vec![reply]);

    // A new thread title is found with the opening post, the old one no more.
    let (status, body) = app
        .send_as(
            &owner,
            Method::PATCH,
            &format!("/api/v1/threads/{thread}"),
            Some(json!({"title": "Quetzal care"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(found(&app, "axolotl").await.is_empty());
    assert_eq!(found(&app, "quetzal").await, vec![opening]);
}

#[tokio::test]
async fn an_index_removed_or_rebuilt_by_the_command_answers_the_same() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let member = app.user("member").await;
    let open = app.create_community(&owner, "public").await;
    let closed = app.create_community(&owner, "private").await;
    app.join_community(&member, open).await;
    let (thread, _) = app
        .create_thread(
            &owner,
            open,
            "discussion",
            "Solidarity fund",
            "How the solidarity fund pays out",
        )
        .await;
    for i in 0..5 {
        app.reply(
            &member,
            thread,
            &format!("solidarity {}", "again ".repeat(i)),
        )
        .await;
    }
    let (_, secret) = app
        .create_thread(&owner, closed, "discussion", "Inner", "solidarity inside")
        .await;
    let gone = app.reply(&member, thread, "solidarity soon deleted").await;
    let (status, _) = app
        .send_as(
            &member,
            Method::DELETE,
            &format!("/api/v1/posts/{gone}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let before = found(&app, "solidarity").await;
    assert_eq!(before.len(), 6, "{before:?}");
    assert!(!before.contains(&gone) && !before.contains(&secret));
    let owners = found_at(&app, &app.address, Some(&owner), "solid").await;
    assert_eq!(owners.len(), 7);

    // The command rebuilds an unreadable index from the database.
    let config = app.second_config();
    std::fs::create_dir_all(&config.search_dir).unwrap();
    std::fs::write(config.search_dir.join("meta.json"), "not an index").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bayanihan"))
        .arg("search-rebuild")
        .env("DATABASE_URL", config.database_url.to_env_value())
        .env("BAYANIHAN_DATA_DIR", &config.data_dir)
        .env("BAYANIHAN_SEARCH_DIR", &config.search_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("7 posts indexed"), "{stdout}");
    // An instance over the rebuilt index answers the same.
    let rebuilt = Application::build_with_db(&config, app.db.clone()).expect("the app starts");
    let rebuilt_at = format!("http://127.0.0.1:{}", rebuilt.port());
    tokio::spawn(rebuilt.run_until_stopped());
    assert_eq!(
        found_at(&app, &rebuilt_at, None, "solidarity").await,
        before
    );
    assert_eq!(
        found_at(&app, &rebuilt_at, Some(&owner), "solid").await,
        owners
    );

    // An instance whose index folder is missing builds it when it starts.
    let fresh = app.second_instance();
    assert_eq!(found_at(&app, &fresh, None, "solidarity").await, before);
}

#[tokio::test]
async fn two_instances_on_one_database_find_each_others_posts() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let community = app.create_community(&owner, "public").await;
    let b = app.second_instance();
    // Written through A, found through B.
    let (thread, opening) = app
        .create_thread(&owner, community, "discussion", "Okapi", "Striped legs")
        .await;
    assert_eq!(found_at(&app, &b, None, "okapi").await, vec![opening]);
    // Written through B, found through A (and B).
    let res = app
        .client
        .post(format!("{b}/api/v1/threads/{thread}/posts"))
        .bearer_auth(&owner.token)
        .json(&json!({"body": "Okapi calves hide"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let reply = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut at_a = found(&app, "okapi").await;
    at_a.sort_unstable();
    assert_eq!(at_a, vec![opening, reply]);
    assert_eq!(found_at(&app, &b, None, "calves").await, vec![reply]);
    // Deleted through B: gone from A.
    let res = app
        .client
        .delete(format!("{b}/api/v1/posts/{reply}"))
        .bearer_auth(&owner.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert!(found(&app, "calves").await.is_empty());
}
