//! The resource library's files: streamed uploads checked by content, limits and quotas,
//! ranged downloads, the operator's scan, storage failures and the repair command. Every
//! test runs on the local disk, or on S3 when `TEST_S3_ENDPOINT` and `TEST_S3_BUCKET` name
//! one (CI runs them against moto's S3 server).

use std::path::Path;

use bayanihan::library::storage::{Backend, Storage, StorageConfig};
use futures_util::StreamExt;
use object_store::ObjectStoreExt;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, TestUser, assert_problem, spawn_app_with};
use crate::library::{create_resource, ok_json, resource_body, send};

/// Storage settings for a test: S3 under a prefix of its own when the environment names a
/// bucket, else a folder under the app's data folder.
fn storage(max_file_bytes: u64, quota_bytes: u64) -> StorageConfig {
    let mut config = StorageConfig::local(Path::new(""));
    config.max_file_bytes = max_file_bytes;
    config.quota_bytes = quota_bytes;
    if let (Ok(endpoint), Ok(bucket)) = (
        std::env::var("TEST_S3_ENDPOINT"),
        std::env::var("TEST_S3_BUCKET"),
    ) {
        config.backend = Backend::S3 {
            bucket,
            endpoint: Some(endpoint),
            region: "us-east-1".to_owned(),
            access_key_id: Some("testing".to_owned()),
            secret_access_key: Some("testing".to_owned()),
            prefix: Some(format!("test-{}", uuid::Uuid::new_v4().simple())),
        };
    }
    config
}

async fn app_with(config: StorageConfig) -> TestApp {
    spawn_app_with(Options {
        library: Some(config),
        ..Options::default()
    })
    .await
}

/// Every object key in the app's storage.
async fn objects(app: &TestApp) -> Vec<String> {
    let storage = Storage::open(&app.config.library).unwrap();
    let mut keys: Vec<String> = Vec::new();
    for prefix in ["tmp", "files"] {
        keys.extend(
            storage
                .list(prefix)
                .await
                .unwrap()
                .into_iter()
                .map(|(k, _)| k),
        );
    }
    keys.sort();
    keys
}

async fn upload(
    app: &TestApp,
    user: &TestUser,
    resource: i64,
    language: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!("/api/v1/resources/{resource}/files"),
        &user.token,
    )
    .query(&[("language", language), ("file_name", name)])
    .header("Content-Type", "application/octet-stream")
    .body(bytes)
    .send()
    .await
    .unwrap()
}

fn pdf(size: usize, seed: u8) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend(
        (0..size.saturating_sub(bytes.len()))
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)),
    );
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn files_upload_in_several_languages_and_download_in_ranges() {
    let app = app_with(storage(1_000_000, 10_000_000)).await;
    let trainer = app.user("trainer").await;
    let reader = app.user("member").await;
    let r = create_resource(
        &app,
        &trainer,
        resource_body("Platform workers' rights toolkit"),
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    let en = pdf(20_000, 1);
    let res = upload(&app, &trainer, id, "en", "toolkit.pdf", en.clone()).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let file = ok_json(res, 201).await;
    assert_eq!(file["media_type"], "application/pdf");
    assert_eq!(file["sha256"], sha256_hex(&en));
    assert_eq!(file["size_bytes"], 20_000);
    assert_eq!(file["version"], 1);
    assert_eq!(
        ok_json(app.get(&location).await, 200).await["id"],
        file["id"]
    );
    let fil = pdf(5_000, 2);
    let fil_file = ok_json(
        upload(
            &app,
            &trainer,
            id,
            "fil",
            "../Gabay sa plataporma ñ.pdf",
            fil.clone(),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        fil_file["file_name"], "Gabay sa plataporma ñ.pdf",
        "no path reaches the name"
    );

    // The variant in the reader's language.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/resources/{id}")))
        .header("Accept-Language", "fil")
        .send()
        .await
        .unwrap();
    let body = ok_json(res, 200).await;
    assert_eq!(body["variant"]["language"], "fil");
    assert_eq!(body["files"].as_array().unwrap().len(), 2);
    let res = app
        .client
        .get(app.url(&format!("/api/v1/resources/{id}/content")))
        .header("Accept-Language", "fil")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()["content-disposition"].to_str().unwrap(),
        "inline; filename=\"Gabay sa plataporma _.pdf\"; filename*=UTF-8''Gabay%20sa%20plataporma%20%C3%B1.pdf"
    );
    assert_eq!(res.headers()["content-language"], "fil");
    assert_eq!(res.bytes().await.unwrap().to_vec(), fil);

    // Whole, ranged, resumed, and past the end.
    let content = format!("/api/v1/resources/{id}/files/{}/content", file["id"]);
    let res = app.get(&content).await;
    assert_eq!(res.status().as_u16(), 200);
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(tag, format!("\"{}\"", sha256_hex(&en)));
    assert_eq!(res.headers()["accept-ranges"], "bytes");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().to_vec(), en);
    let res = app
        .client
        .get(app.url(&content))
        .header("Range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 206);
    assert_eq!(res.headers()["content-range"], "bytes 100-199/20000");
    assert_eq!(res.bytes().await.unwrap().to_vec(), en[100..200].to_vec());
    let res = app
        .client
        .get(app.url(&content))
        .header("Range", "bytes=15000-")
        .header("If-Range", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 206);
    assert_eq!(res.bytes().await.unwrap().to_vec(), en[15000..].to_vec());
    let res = app
        .client
        .get(app.url(&content))
        .header("Range", "bytes=15000-")
        .header("If-Range", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "a changed file is sent whole");
    let res = app
        .client
        .get(app.url(&content))
        .header("Range", "bytes=0-1,5-6")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        200,
        "several ranges get the whole file"
    );
    assert_eq!(res.bytes().await.unwrap().len(), 20_000);
    let res = app
        .client
        .get(app.url(&content))
        .header("Range", "bytes=20000-")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-range"], "bytes */20000");
    assert_problem(res, 416, "range_not_satisfiable").await;
    let res = app
        .client
        .get(app.url(&content))
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);

    // Counted once per reader and day, however many requests.
    for _ in 0..2 {
        let res = send(&app, Method::GET, &content, Some(&reader), None).await;
        assert_eq!(res.status().as_u16(), 200);
    }
    let body = ok_json(app.get(&format!("/api/v1/resources/{id}")).await, 200).await;
    assert_eq!(
        body["download_count"], 2,
        "the anonymous reader and the member"
    );

    // A new version supersedes; the old one stays listed and downloadable.
    let v2 = pdf(3_000, 3);
    let second = ok_json(
        upload(&app, &trainer, id, "en", "toolkit-2026.pdf", v2.clone()).await,
        201,
    )
    .await;
    assert_eq!(second["version"], 2);
    let body = ok_json(
        app.get(&format!("/api/v1/resources/{id}?lang=en")).await,
        200,
    )
    .await;
    assert_eq!(body["variant"]["id"], second["id"]);
    let old = body["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == file["id"])
        .unwrap()
        .clone();
    assert_eq!(old["current"], false);
    assert_eq!(app.get(&content).await.bytes().await.unwrap().to_vec(), en);

    // Deleting the resource deletes its files.
    assert_eq!(objects(&app).await.len(), 3);
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/resources/{id}"),
        Some(&trainer),
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    assert!(objects(&app).await.is_empty());
}

#[tokio::test]
async fn uploads_are_refused_by_type_size_quota_and_owner() {
    let app = app_with(storage(4_000, 6_000)).await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let id = create_resource(&app, &trainer, resource_body("Slides")).await["id"]
        .as_i64()
        .unwrap();

    assert_problem(
        upload(
            &app,
            &trainer,
            id,
            "en",
            "setup.exe",
            b"MZ\x90\x00rest".to_vec(),
        )
        .await,
        415,
        "file_type_not_allowed",
    )
    .await;
    assert_problem(
        upload(
            &app,
            &trainer,
            id,
            "en",
            "brief.pdf",
            b"\x89PNG\r\n\x1a\nimage".to_vec(),
        )
        .await,
        415,
        "file_type_mismatch",
    )
    .await;
    assert_problem(
        upload(
            &app,
            &trainer,
            id,
            "en",
            "notes.txt",
            b"plain\0binary".to_vec(),
        )
        .await,
        415,
        "file_type_mismatch",
    )
    .await;
    assert_problem(
        upload(&app, &trainer, id, "en", "empty.txt", Vec::new()).await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        upload(&app, &trainer, id, "en", "big.pdf", pdf(50_000, 0)).await,
        413,
        "file_too_large",
    )
    .await;
    assert_problem(
        upload(&app, &trainer, id, "xx-!!", "a.pdf", pdf(10, 0)).await,
        400,
        "invalid_query",
    )
    .await;
    assert_problem(
        upload(&app, &trainer, id, "en", "../", pdf(10, 0)).await,
        400,
        "invalid_query",
    )
    .await;
    assert_problem(
        upload(&app, &member, id, "en", "a.pdf", pdf(10, 0)).await,
        403,
        "not_resource_owner",
    )
    .await;
    assert_problem(
        upload(&app, &trainer, 424242, "en", "a.pdf", pdf(10, 0)).await,
        404,
        "not_found",
    )
    .await;
    assert!(objects(&app).await.is_empty(), "nothing refused is kept");

    // A streamed body without a length is stopped as soon as it passes the limit.
    let chunks = futures_util::stream::iter((0..64).map(|i| {
        Ok::<_, std::io::Error>(if i == 0 {
            b"%PDF-1.4\n".to_vec()
        } else {
            vec![b'x'; 512]
        })
    }));
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/resources/{id}/files"),
            &trainer.token,
        )
        .query(&[("language", "en"), ("file_name", "stream.pdf")])
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_problem(res, 413, "file_too_large").await;
    assert!(objects(&app).await.is_empty());

    // ZIP containers: the extension says which; SVG is only ever an attachment.
    let docx = ok_json(
        upload(
            &app,
            &trainer,
            id,
            "en",
            "agreement.docx",
            b"PK\x03\x04docx-ish".to_vec(),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        docx["media_type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let svg = ok_json(
        upload(
            &app,
            &trainer,
            id,
            "fil",
            "chart.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
        )
        .await,
        201,
    )
    .await;
    let res = app.get(svg["download_url"].as_str().unwrap()).await;
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );

    // The quota counts every version the account uploaded.
    ok_json(
        upload(&app, &trainer, id, "en", "a.pdf", pdf(3_000, 1)).await,
        201,
    )
    .await;
    assert_problem(
        upload(&app, &trainer, id, "en", "b.pdf", pdf(3_000, 2)).await,
        413,
        "quota_exceeded",
    )
    .await;
    assert_eq!(objects(&app).await.len(), 3);
}

#[tokio::test]
async fn restricted_files_are_served_only_to_their_audience() {
    let app = app_with(storage(100_000, 1_000_000)).await;
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    let outsider = app.user("member").await;
    let community = app.create_community(&coordinator, "public").await;
    assert!(matches!(
        app.join_community(&member, community).await,
        200 | 201
    ));
    let mut body = resource_body("Internal bargaining brief");
    body["visibility"] = json!("community");
    body["community_id"] = json!(community);
    let id = create_resource(&app, &coordinator, body).await["id"]
        .as_i64()
        .unwrap();
    let file = ok_json(
        upload(&app, &coordinator, id, "en", "brief.pdf", pdf(500, 4)).await,
        201,
    )
    .await;
    let url = file["download_url"].as_str().unwrap();
    assert_eq!(
        send(&app, Method::GET, url, Some(&member), None)
            .await
            .status()
            .as_u16(),
        200
    );
    assert_problem(
        send(&app, Method::GET, url, Some(&outsider), None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(app.get(url).await, 404, "not_found").await;
    assert_problem(
        app.get(&format!("/api/v1/resources/{id}/content")).await,
        404,
        "not_found",
    )
    .await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_operators_scan_runs_before_a_file_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("scan.sh");
    std::fs::write(&script, "#!/bin/sh\n! grep -q EICAR-TEST \"$1\"\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut config = storage(100_000, 1_000_000);
    config.scan_command = Some(script);
    let app = app_with(config).await;
    let trainer = app.user("trainer").await;
    let id = create_resource(&app, &trainer, resource_body("Scanned")).await["id"]
        .as_i64()
        .unwrap();
    let res = upload(
        &app,
        &trainer,
        id,
        "en",
        "infected.txt",
        b"hello EICAR-TEST world".to_vec(),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "file_rejected");
    assert!(objects(&app).await.is_empty());
    ok_json(
        upload(
            &app,
            &trainer,
            id,
            "en",
            "clean.txt",
            b"hello world".to_vec(),
        )
        .await,
        201,
    )
    .await;
}

/// An upload whose body arrives as the test sends it: the first bytes of a PDF now, the
/// rest when `finish` is dropped.
fn held_upload(
    app: &TestApp,
    user: &TestUser,
    resource: i64,
    name: &str,
) -> (
    tokio::task::JoinHandle<reqwest::Response>,
    tokio::sync::mpsc::Sender<Vec<u8>>,
) {
    let (finish, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, std::io::Error>(b), rx))
    });
    let req = app
        .authed(
            Method::POST,
            &format!("/api/v1/resources/{resource}/files"),
            &user.token,
        )
        .query(&[("language", "en"), ("file_name", name)])
        .body(reqwest::Body::wrap_stream(body));
    let first = pdf(5_000, 1);
    let sender = finish.clone();
    let handle = tokio::spawn(async move {
        sender.send(first).await.unwrap();
        drop(sender);
        req.send().await.unwrap()
    });
    (handle, finish)
}

#[tokio::test]
async fn uploads_in_progress_are_bounded_per_account_and_per_server() {
    let mut config = storage(1_000_000, 10_000_000);
    config.max_uploads = 2;
    let app = app_with(config).await;
    let (a, b) = (app.user("trainer").await, app.user("trainer").await);
    let ra = create_resource(&app, &a, resource_body("Slides")).await["id"]
        .as_i64()
        .unwrap();
    let rb = create_resource(&app, &b, resource_body("Notes")).await["id"]
        .as_i64()
        .unwrap();

    // Two uploads by one trainer, held open, take every slot of this server. Until both
    // are in, the other trainer's empty probe is let in (and refused for its content); a
    // held upload that met a probe in its slot is refused at once and started again.
    let start = |name: &'static str| held_upload(&app, &a, ra, name);
    let mut held = [start("one.pdf"), start("two.pdf")];
    let mut full = false;
    for _ in 0..500 {
        for (h, name) in held.iter_mut().zip(["one.pdf", "two.pdf"]) {
            if h.0.is_finished() {
                *h = start(name);
            }
        }
        let res = upload(&app, &b, rb, "en", "probe.pdf", Vec::new()).await;
        if res.status() == 503 && held.iter().all(|h| !h.0.is_finished()) {
            full = true;
            break;
        }
        if res.status() != 503 {
            assert_problem(res, 415, "file_type_mismatch").await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(full, "both held uploads got in");
    let [(first, finish_first), (second, finish_second)] = held;
    // A third by the same trainer: 429, whatever the server's room.
    let p = assert_problem(
        upload(&app, &a, ra, "en", "probe.pdf", pdf(2_000, 4)).await,
        429,
        "too_many_uploads",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains('2'), "{p}");
    // Another trainer: the server is full, 503 with when to come back.
    let res = upload(&app, &b, rb, "en", "b.pdf", pdf(2_000, 2)).await;
    assert_eq!(res.headers()["retry-after"], "10");
    assert_problem(res, 503, "overloaded").await;

    // One finishes: its file is kept, and the other trainer's upload now goes in.
    drop(finish_first);
    ok_json(first.await.unwrap(), 201).await;
    ok_json(
        upload(&app, &b, rb, "en", "b.pdf", pdf(2_000, 2)).await,
        201,
    )
    .await;
    drop(finish_second);
    ok_json(second.await.unwrap(), 201).await;
    // Both slots are free again.
    ok_json(
        upload(&app, &a, ra, "en", "three.pdf", pdf(2_000, 3)).await,
        201,
    )
    .await;
    let files = ok_json(app.get(&format!("/api/v1/resources/{ra}")).await, 200).await;
    assert_eq!(files["files"].as_array().unwrap().len(), 3, "{files}");
}

#[tokio::test]
async fn storage_failures_answer_503_and_keep_nothing() {
    let mut config = storage(100_000, 1_000_000);
    // A storage nobody answers at (S3), or a library folder that is a file (local disk).
    let local = matches!(config.backend, Backend::Local(_));
    if let Backend::S3 { endpoint, .. } = &mut config.backend {
        *endpoint = Some("http://127.0.0.1:9".to_owned());
    }
    let app = app_with(config).await;
    if local {
        let dir = app.data_dir.path().join("library");
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::write(&dir, b"not a folder").unwrap();
    }
    let trainer = app.user("trainer").await;
    let id = create_resource(&app, &trainer, resource_body("Unlucky")).await["id"]
        .as_i64()
        .unwrap();
    let res = upload(&app, &trainer, id, "en", "a.pdf", pdf(1_000, 5)).await;
    let body = assert_problem(res, 503, "service_unavailable").await;
    assert!(body["request_id"].is_string());
    let r = ok_json(app.get(&format!("/api/v1/resources/{id}")).await, 200).await;
    assert!(
        r["files"].as_array().unwrap().is_empty(),
        "no row without its file"
    );
}

#[tokio::test]
async fn the_repair_command_finds_and_fixes_strays() {
    let app = app_with(storage(100_000, 1_000_000)).await;
    let trainer = app.user("trainer").await;
    let id = create_resource(&app, &trainer, resource_body("Repaired")).await["id"]
        .as_i64()
        .unwrap();
    let a = ok_json(
        upload(&app, &trainer, id, "en", "a.pdf", pdf(700, 1)).await,
        201,
    )
    .await;
    ok_json(
        upload(&app, &trainer, id, "fil", "b.pdf", pdf(800, 2)).await,
        201,
    )
    .await;
    let storage = Storage::open(&app.config.library).unwrap();
    let store = storage.store();
    let keys = objects(&app).await;
    assert_eq!(keys.len(), 2);
    // A crash after the row, before the move; a lost object; a file without a row.
    let (first, second) = (keys[0].clone(), keys[1].clone());
    let first_id = first.trim_start_matches("files/").to_owned();
    store
        .rename(
            &first.as_str().into(),
            &format!("tmp/{first_id}").as_str().into(),
        )
        .await
        .unwrap();
    store.delete(&second.as_str().into()).await.unwrap();
    store
        .put(&"files/stray".into(), b"orphan".to_vec().into())
        .await
        .unwrap();
    // An unpromoted file is still served.
    let bytes = app.get(a["download_url"].as_str().unwrap()).await;
    let downloaded_a = bytes.status().as_u16();
    let report = bayanihan::library::repair::run(&app.db, &storage, false)
        .await
        .unwrap();
    assert_eq!(report.strays, ["files/stray"]);
    assert_eq!(report.unpromoted.len() + report.missing.len(), 2);
    let fixed = bayanihan::library::repair::run(&app.db, &storage, true)
        .await
        .unwrap();
    assert_eq!(fixed, report);
    let again = bayanihan::library::repair::run(&app.db, &storage, false)
        .await
        .unwrap();
    assert!(again.is_clean(), "{again:?}");
    let r = ok_json(app.get(&format!("/api/v1/resources/{id}")).await, 200).await;
    assert_eq!(
        r["files"].as_array().unwrap().len(),
        1,
        "the lost file's row is gone"
    );
    let kept = r["files"][0]["download_url"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&kept).await.status().as_u16(), 200);
    let listed: Vec<Value> = futures_util::stream::iter(objects(&app).await)
        .map(|k| json!(k))
        .collect()
        .await;
    assert_eq!(listed.len(), 1);
    let _ = downloaded_a;
}
