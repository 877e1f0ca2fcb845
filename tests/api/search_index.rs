//! Post search's index (issue 18, item 4): kept up to date from the database's change log,
//! one per instance, rebuilt by a command or at start; the log pruned below every live
//! instance (item 3); a search waits for every change committed before it started.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bayanihan::db::schema::search_instances;
use bayanihan::search::index::SearchIndex;
use bayanihan::search::{changes, lazy_dir};
use bayanihan::startup::Application;
use diesel::prelude::*;
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

/// The post ids `index` ranks for `q` (the index alone, no catch-up).
fn ranked(index: &SearchIndex, q: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = index
        .best_matches(&[q], None, (f64::INFINITY, 0), 50)
        .unwrap()
        .into_iter()
        .map(|r| r.0)
        .collect();
    ids.sort_unstable();
    ids
}

/// Applies what the log holds to `index`, as a search does.
async fn catch_up(app: &TestApp, index: &Arc<SearchIndex>) {
    let seen = index.seen(&mut app.db.conn().unwrap()).unwrap();
    index.catch_up(&app.db, &seen).await.unwrap();
}

fn log_bounds(app: &TestApp) -> (i64, i64) {
    changes::bounds(&mut app.db.conn().unwrap()).unwrap()
}

#[tokio::test]
async fn a_search_finds_every_post_created_before_it_even_while_others_apply_changes() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let community = app.create_community(&owner, "public").await;
    let (thread, _) = app
        .create_thread(&owner, community, "discussion", "Busy", "common words here")
        .await;
    // Searches that run all the time, so that a round is often under way when the checks
    // below start.
    let stop = Arc::new(AtomicBool::new(false));
    let mut background = Vec::new();
    for _ in 0..4 {
        let (client, base, stop) = (app.client.clone(), app.address.clone(), stop.clone());
        background.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let res = client
                    .get(format!("{base}/api/v1/search/posts?q=common&limit=5"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status().as_u16(), 200);
            }
        }));
    }
    for i in 0..12 {
        let word = format!("marker{i}x");
        let post = app
            .reply(&owner, thread, &format!("common {word} text"))
            .await;
        // Every search started after the 201 finds it, however many run at once.
        let checks: Vec<_> = (0..4).map(|_| found(&app, &word)).collect();
        for ids in futures_util::future::join_all(checks).await {
            assert_eq!(ids, vec![post], "{word}");
        }
    }
    stop.store(true, Ordering::Relaxed);
    for task in background {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn the_change_log_is_pruned_below_every_live_instance_and_a_forgotten_one_rebuilds() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let community = app.create_community(&owner, "public").await;
    let (thread, opening) = app
        .create_thread(&owner, community, "discussion", "Tapir", "Tapir snouts")
        .await;
    // C: an instance that stops here, its index at this point of the log.
    let dir_c = app.data_dir.path().join("search-c");
    let c = SearchIndex::open(&dir_c, &mut app.db.conn().unwrap()).unwrap();
    let c_name = c.instance().to_owned();
    let c_position = c.durable_watermark();
    assert_eq!(ranked(&c, "tapir"), vec![opening]);
    drop(c);
    // D: an instance that keeps running, its row forgotten (as after an hour of silence).
    let d = Arc::new(
        SearchIndex::open(
            &app.data_dir.path().join("search-d"),
            &mut app.db.conn().unwrap(),
        )
        .unwrap(),
    );
    changes::forget(&mut app.db.conn().unwrap(), d.instance()).unwrap();
    let mut later = Vec::new();
    for i in 0..5 {
        later.push(app.reply(&owner, thread, &format!("tapir calf {i}")).await);
    }
    // B: a live instance that applied all of it.
    let b = Arc::new(
        SearchIndex::open(
            &app.data_dir.path().join("search-b"),
            &mut app.db.conn().unwrap(),
        )
        .unwrap(),
    );
    catch_up(&app, &b).await;
    b.report_and_prune(&app.db).await.unwrap();
    let b_position = b.durable_watermark();
    assert!(b_position > c_position, "{b_position} {c_position}");

    // Every instance heard from lately holds the log back: C (stopped a moment ago) is
    // behind, so nothing past its position goes.
    let (low, _) = log_bounds(&app);
    let pruned =
        changes::prune(&mut app.db.conn().unwrap(), bayanihan::db::now(), 1_000_000).unwrap();
    let (low_after, _) = log_bounds(&app);
    assert!(
        low_after <= c_position,
        "{low} {low_after} {c_position} {pruned}"
    );

    // Silent for longer than the limit, every instance but B is forgotten (the app's own
    // too), and the log is pruned up to B's position, whose row stays.
    let aged = bayanihan::db::now() - changes::STALE_AFTER - chrono::TimeDelta::minutes(1);
    diesel::update(search_instances::table.filter(search_instances::instance.ne(b.instance())))
        .set(search_instances::seen_at.eq(aged))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    let mut pruned = 0;
    loop {
        let n = changes::prune(&mut app.db.conn().unwrap(), bayanihan::db::now(), 2).unwrap();
        if n == 0 {
            break;
        }
        pruned += n;
    }
    assert!(pruned > 0);
    assert_eq!(log_bounds(&app).0, b_position);
    let names: Vec<String> = search_instances::table
        .select(search_instances::instance)
        .load(&mut *app.db.conn().unwrap())
        .unwrap();
    assert_eq!(names, vec![b.instance().to_owned()]);
    assert!(!names.contains(&c_name));

    // C comes back: the log no longer holds what it missed, so it is rebuilt, and finds
    // the posts written while it was stopped.
    let c = SearchIndex::open(&dir_c, &mut app.db.conn().unwrap()).unwrap();
    let mut all = later.clone();
    all.push(opening);
    all.sort_unstable();
    assert_eq!(ranked(&c, "tapir"), all);
    assert_eq!(c.watermark(), log_bounds(&app).1);

    // D, forgotten while running, finds out at its next report, and rebuilds.
    assert_eq!(ranked(&d, "tapir"), vec![opening]);
    d.report_and_prune(&app.db).await.unwrap();
    assert_eq!(ranked(&d, "tapir"), all);

    // The app's own instance, forgotten too, still applies what is new (and finds at its
    // next report that it must rebuild).
    let newest = app.reply(&owner, thread, "okapi after pruning").await;
    assert_eq!(found(&app, "okapi").await, vec![newest]);
}

#[tokio::test]
async fn an_index_that_lost_its_last_commits_applies_them_again_and_a_damaged_one_is_rebuilt() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let community = app.create_community(&owner, "public").await;
    let (thread, opening) = app
        .create_thread(&owner, community, "discussion", "Dugong", "Dugong seagrass")
        .await;
    let dir = app.data_dir.path().join("search-lost");
    let index = Arc::new(SearchIndex::open(&dir, &mut app.db.conn().unwrap()).unwrap());
    index.checkpoint().unwrap();
    // A copy of the index as it is on disk now: what a power cut could leave.
    let copy = app.data_dir.path().join("search-copy");
    copy_dir(&dir, &copy);
    let reply = app.reply(&owner, thread, "dugong calves").await;
    catch_up(&app, &index).await;
    // Committed but not synced yet: the marker says so until the next sync.
    assert!(dir.join(lazy_dir::UNSYNCED).exists());
    let mut both = vec![opening, reply];
    both.sort_unstable();
    assert_eq!(ranked(&index, "dugong"), both);
    index.checkpoint().unwrap();
    assert!(!dir.join(lazy_dir::UNSYNCED).exists());
    drop(index);

    // The last commit lost: the index opens at the older change it holds and catches up
    // from the log.
    std::fs::remove_dir_all(&dir).unwrap();
    copy_dir(&copy, &dir);
    let index = Arc::new(SearchIndex::open(&dir, &mut app.db.conn().unwrap()).unwrap());
    assert_eq!(ranked(&index, "dugong"), vec![opening]);
    catch_up(&app, &index).await;
    assert_eq!(ranked(&index, "dugong"), both);
    drop(index);

    // Left unsynced and damaged (a file cut short): rebuilt when opened.
    std::fs::write(dir.join(lazy_dir::UNSYNCED), b"").unwrap();
    let segment = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .expect("a segment file");
    let bytes = std::fs::read(&segment).unwrap();
    std::fs::write(&segment, &bytes[..bytes.len() / 2]).unwrap();
    let index = SearchIndex::open(&dir, &mut app.db.conn().unwrap()).unwrap();
    assert_eq!(ranked(&index, "dugong"), both);
    assert!(!dir.join(lazy_dir::UNSYNCED).exists());
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}
