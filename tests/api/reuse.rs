//! Course reuse through HTTP: licences from the known list (and the migration that mapped
//! free text), lessons pointing to resources, adaptations, export and import of packages,
//! IMS Common Cartridge, hostile packages.

use std::collections::HashSet;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use bayanihan::library::storage::StorageConfig;
use reqwest::Method;
use serde_json::{Value, json};
use zip::write::SimpleFileOptions;

use crate::helpers::{Options, TestApp, TestUser, assert_problem, spawn_app, spawn_app_with};
use crate::library::{create_resource, ok_json, resource_body, send};

fn course_body(slug: &str, licence: Option<&str>) -> Value {
    json!({
        "slug": slug,
        "default_language": "en",
        "title": "Platform workers' rights",
        "summary": "Know your rights on the app",
        "description": "## Why\nBecause organising works.",
        "topics": ["platform-workers"],
        "level": "introductory",
        "format": "self_paced",
        "licence": licence,
    })
}

/// A course with two languages, two modules (one with a title in Filipino), a text lesson
/// in two languages pointing to `resource`, and a link lesson; published.
async fn rich_course(
    app: &TestApp,
    owner: &TestUser,
    coordinator: &TestUser,
    slug: &str,
    licence: Option<&str>,
    resource: Option<i64>,
) -> i64 {
    let course = ok_json(
        send(
            app,
            Method::POST,
            "/api/v1/courses",
            Some(owner),
            Some(course_body(slug, licence)),
        )
        .await,
        201,
    )
    .await;
    let id = course["id"].as_i64().unwrap();
    let res = send(
        app,
        Method::PUT,
        &format!("/api/v1/courses/{id}/translations/fil"),
        Some(owner),
        Some(json!({"title": "Karapatan ng mga platform worker", "summary": "Alamin", "description": "## Bakit\nDahil."})),
    )
    .await;
    ok_json(res, 201).await;
    let mut lessons = Vec::new();
    for (n, title) in ["Organising", "Bargaining"].iter().enumerate() {
        let module = ok_json(
            send(
                app,
                Method::POST,
                &format!("/api/v1/courses/{id}/modules"),
                Some(owner),
                Some(json!({"title": title})),
            )
            .await,
            201,
        )
        .await;
        let mid = module["id"].as_i64().unwrap();
        if n == 0 {
            let res = send(
                app,
                Method::PUT,
                &format!("/api/v1/modules/{mid}/translations/fil"),
                Some(owner),
                Some(json!({"title": "Pag-oorganisa"})),
            )
            .await;
            ok_json(res, 201).await;
        }
        let text = ok_json(
            send(
                app,
                Method::POST,
                &format!("/api/v1/modules/{mid}/lessons"),
                Some(owner),
                Some(json!({"kind": "text", "title": format!("{title}: first steps"), "content": "Talk to **ten** co-workers.\n\n- one\n- two", "duration_minutes": 15})),
            )
            .await,
            201,
        )
        .await;
        let lid = text["id"].as_i64().unwrap();
        let res = send(
            app,
            Method::PUT,
            &format!("/api/v1/lessons/{lid}/translations/fil"),
            Some(owner),
            Some(
                json!({"title": "Unang hakbang", "content": "Kausapin ang **sampung** kasamahan."}),
            ),
        )
        .await;
        ok_json(res, 201).await;
        lessons.push(lid);
        let link = send(
            app,
            Method::POST,
            &format!("/api/v1/modules/{mid}/lessons"),
            Some(owner),
            Some(json!({"kind": "link", "title": "ILO on platform work", "url": "https://www.ilo.org/platform-work", "required": false})),
        )
        .await;
        ok_json(link, 201).await;
    }
    if let Some(resource) = resource {
        let res = send(
            app,
            Method::PUT,
            &format!("/api/v1/lessons/{}/resources", lessons[0]),
            Some(owner),
            Some(json!({"resource_ids": [resource]})),
        )
        .await;
        assert_eq!(ok_json(res, 200).await["resource_ids"], json!([resource]));
    }
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/courses/{id}/publish"),
        Some(coordinator),
        None,
    )
    .await;
    ok_json(res, 200).await;
    id
}

/// A resource with a Markdown file in English and Filipino; its id.
async fn resource_with_files(app: &TestApp, owner: &TestUser) -> i64 {
    let r = create_resource(app, owner, resource_body("Organising toolkit")).await;
    let id = r["id"].as_i64().unwrap();
    for (lang, text) in [
        ("en", "# Toolkit\n\nStep one.\n"),
        ("fil", "# Toolkit\n\nUnang hakbang.\n"),
    ] {
        let res = app
            .authed(
                Method::POST,
                &format!("/api/v1/resources/{id}/files"),
                &owner.token,
            )
            .query(&[("language", lang), ("file_name", "toolkit.md")])
            .header("Content-Type", "application/octet-stream")
            .body(text.as_bytes().to_vec())
            .send()
            .await
            .unwrap();
        ok_json(res, 201).await;
    }
    id
}

/// The course, every lesson in every language, and the files of the resources each lesson
/// points to (by checksum): what a copy must keep, without ids.
async fn snapshot(app: &TestApp, user: &TestUser, id: i64) -> Value {
    let course = ok_json(
        send(
            app,
            Method::GET,
            &format!("/api/v1/courses/{id}"),
            Some(user),
            None,
        )
        .await,
        200,
    )
    .await;
    let mut out = json!({
        "fields": [course["default_language"], course["level"], course["format"], course["licence"], course["topics"], course["visibility"], course["available_languages"]],
        "texts": [],
        "modules": [],
    });
    for lang in course["available_languages"].as_array().unwrap() {
        let lang = lang.as_str().unwrap();
        let c = ok_json(
            send(
                app,
                Method::GET,
                &format!("/api/v1/courses/{id}?lang={lang}"),
                Some(user),
                None,
            )
            .await,
            200,
        )
        .await;
        out["texts"].as_array_mut().unwrap().push(json!([
            lang,
            c["title"],
            c["summary"],
            c["description"]
        ]));
        let mut modules = Vec::new();
        for m in c["modules"].as_array().unwrap() {
            let mut lessons = Vec::new();
            for l in m["lessons"].as_array().unwrap() {
                let lid = l["id"].as_i64().unwrap();
                let lesson = ok_json(
                    send(
                        app,
                        Method::GET,
                        &format!("/api/v1/lessons/{lid}?lang={lang}"),
                        Some(user),
                        None,
                    )
                    .await,
                    200,
                )
                .await;
                let links = ok_json(
                    send(
                        app,
                        Method::GET,
                        &format!("/api/v1/lessons/{lid}/resources"),
                        Some(user),
                        None,
                    )
                    .await,
                    200,
                )
                .await;
                let mut files = Vec::new();
                for r in links["resource_ids"].as_array().unwrap() {
                    let r = ok_json(
                        send(
                            app,
                            Method::GET,
                            &format!("/api/v1/resources/{r}"),
                            Some(user),
                            None,
                        )
                        .await,
                        200,
                    )
                    .await;
                    let mut sums: Vec<String> = r["files"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|f| format!("{} {}", f["language"], f["sha256"]))
                        .collect();
                    sums.sort();
                    files.push(json!([r["title"], r["licence"], sums]));
                }
                lessons.push(json!([
                    lesson["kind"],
                    lesson["title"],
                    lesson["language"],
                    lesson["content"],
                    lesson["required"],
                    lesson["duration_minutes"],
                    lesson["url"],
                    files
                ]));
            }
            modules.push(json!([m["title"], m["language"], lessons]));
        }
        out["modules"]
            .as_array_mut()
            .unwrap()
            .push(json!([lang, modules]));
    }
    out
}

fn entries(bytes: &[u8]) -> zip::ZipArchive<Cursor<Vec<u8>>> {
    zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a ZIP archive")
}

fn read_entry(archive: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> String {
    let mut s = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

async fn export(app: &TestApp, user: &TestUser, id: i64, query: &str) -> Vec<u8> {
    let res = send(
        app,
        Method::GET,
        &format!("/api/v1/courses/{id}/export{query}"),
        Some(user),
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
    );
    res.bytes().await.unwrap().to_vec()
}

async fn import(app: &TestApp, user: &TestUser, package: Vec<u8>) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/courses/imports", &user.token)
        .header("Content-Type", "application/zip")
        .body(package)
        .send()
        .await
        .unwrap()
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

// ---------------------------------------------------------------- licences

#[tokio::test]
async fn a_course_licence_is_an_spdx_id_from_the_known_list() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses",
        Some(&trainer),
        Some(course_body("a", Some("CC BY 4.0"))),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "licence");
    assert_eq!(problem["errors"][0]["code"], "invalid_licence");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("CC-BY-4.0") && message.contains("CC-BY-NC-ND-4.0"),
        "{message}"
    );

    let course = ok_json(
        send(
            &app,
            Method::POST,
            "/api/v1/courses",
            Some(&trainer),
            Some(course_body("a", Some("CC-BY-SA-4.0"))),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(course["licence"], "CC-BY-SA-4.0");
    let id = course["id"].as_i64().unwrap();
    let path = format!("/api/v1/courses/{id}");
    for bad in [
        json!("MIT"),
        json!("cc-by-4.0"),
        json!(""),
        json!("CC-BY-4.0\u{0}"),
    ] {
        let res = send(
            &app,
            Method::PATCH,
            &path,
            Some(&trainer),
            Some(json!({"licence": bad})),
        )
        .await;
        assert_problem(res, 422, "validation_failed").await;
    }
    let res = send(
        &app,
        Method::PATCH,
        &path,
        Some(&trainer),
        Some(json!({"licence": 4})),
    )
    .await;
    assert_eq!(res.status().as_u16(), 400);
    let res = send(
        &app,
        Method::PATCH,
        &path,
        Some(&trainer),
        Some(json!({"licence": "LicenseRef-All-Rights-Reserved"})),
    )
    .await;
    assert_eq!(
        ok_json(res, 200).await["licence"],
        "LicenseRef-All-Rights-Reserved"
    );
    let res = send(
        &app,
        Method::PATCH,
        &path,
        Some(&trainer),
        Some(json!({"licence": null})),
    )
    .await;
    assert_eq!(ok_json(res, 200).await["licence"], Value::Null);
}

#[tokio::test]
async fn the_migration_maps_free_text_licences_to_spdx_ids() {
    use diesel::prelude::*;
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let cases = [
        ("CC BY 4.0", Some("CC-BY-4.0")),
        ("cc-by", Some("CC-BY-4.0")),
        ("CC BY-SA", Some("CC-BY-SA-4.0")),
        ("CC BY-SA 4.0 International", Some("CC-BY-SA-4.0")),
        ("CC BY-NC-SA 4.0", Some("CC-BY-NC-SA-4.0")),
        ("CC BY-NC-ND 3.0", Some("CC-BY-NC-ND-4.0")),
        ("CC BY-ND", Some("CC-BY-ND-4.0")),
        ("CC BY 3.0 IGO", Some("CC-BY-3.0-IGO")),
        ("CC0", Some("CC0-1.0")),
        ("Public domain", Some("CC0-1.0")),
        ("GNU FDL", Some("GFDL-1.3-or-later")),
        ("CC BY 3.0", Some("LicenseRef-All-Rights-Reserved")),
        (
            "All rights reserved",
            Some("LicenseRef-All-Rights-Reserved"),
        ),
        ("Ask the union", Some("LicenseRef-All-Rights-Reserved")),
        ("CC-BY-4.0", Some("CC-BY-4.0")),
        ("   ", None),
    ];
    let mut ids = Vec::new();
    for (i, _) in cases.iter().enumerate() {
        let c = ok_json(
            send(
                &app,
                Method::POST,
                "/api/v1/courses",
                Some(&trainer),
                Some(course_body(&format!("c{i}"), None)),
            )
            .await,
            201,
        )
        .await;
        ids.push(c["id"].as_i64().unwrap());
    }
    // Both databases run the same mapping, written once for each.
    let up = include_str!("../../migrations/sqlite/2026-12-05-000027_course_licences/up.sql");
    assert_eq!(
        up,
        include_str!("../../migrations/postgres/2026-12-05-000027_course_licences/up.sql")
    );
    let mut conn = app.db.conn().unwrap();
    bayanihan::db::write_transaction(&mut conn, |conn| {
        use bayanihan::db::schema::courses;
        for ((raw, _), id) in cases.iter().zip(&ids) {
            diesel::update(courses::table.find(id))
                .set(courses::licence.eq(Some(*raw)))
                .execute(conn)?;
        }
        diesel::sql_query(up).execute(conn)?;
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    for ((raw, want), id) in cases.iter().zip(&ids) {
        let c = ok_json(
            send(
                &app,
                Method::GET,
                &format!("/api/v1/courses/{id}"),
                Some(&trainer),
                None,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(c["licence"].as_str(), *want, "{raw}");
    }
}

// ---------------------------------------------------------------- adaptations

#[tokio::test]
async fn an_adaptation_is_a_complete_draft_copy_with_the_original_credited() {
    let app = spawn_app().await;
    let author = app.user("trainer").await;
    let adapter = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let resource = resource_with_files(&app, &author).await;
    let original = rich_course(
        &app,
        &author,
        &coordinator,
        "platform-rights",
        Some("CC-BY-SA-4.0"),
        Some(resource),
    )
    .await;

    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{original}/adaptations"),
        Some(&adapter),
        Some(json!({})),
    )
    .await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let copy = ok_json(res, 201).await;
    let id = copy["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/courses/{id}"));
    assert_ne!(id, original);
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["slug"], "platform-rights-adapted");
    assert_eq!(copy["owners"], json!([adapter.id]));
    assert_eq!(copy["licence"], "CC-BY-SA-4.0");
    let a = &copy["attribution"];
    assert_eq!(a["origin"], "adaptation");
    assert_eq!(a["adapted_from"], original);
    assert_eq!(a["title"], "Platform workers' rights");
    assert_eq!(a["licence"], "CC-BY-SA-4.0");
    assert!(!a["authors"].as_str().unwrap().is_empty());
    let original_view = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/courses/{original}"),
            Some(&author),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(original_view["attribution"], Value::Null);

    // The same course: every text in every language, lessons, links and their files.
    assert_eq!(
        snapshot(&app, &adapter, id).await,
        snapshot(&app, &author, original).await
    );

    // A second adaptation gets the next free slug; an explicit slug is checked.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{original}/adaptations"),
        Some(&adapter),
        Some(json!({})),
    )
    .await;
    assert_eq!(ok_json(res, 201).await["slug"], "platform-rights-adapted-2");
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{original}/adaptations"),
        Some(&adapter),
        Some(json!({"slug": "platform-rights"})),
    )
    .await;
    assert_problem(res, 409, "slug_taken").await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{original}/adaptations"),
        Some(&adapter),
        Some(json!({"slug": "Not A Slug"})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{original}/adaptations"),
        Some(&adapter),
        Some(json!({"title": "x"})),
    )
    .await;
    assert_eq!(res.status().as_u16(), 400);

    // The original lists its adaptations: drafts for their owners and coordinators only.
    let path = format!("/api/v1/courses/{original}/adaptations");
    let mine = ok_json(
        send(&app, Method::GET, &path, Some(&adapter), None).await,
        200,
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    assert_eq!(mine["items"][0]["id"], id);
    assert_eq!(mine["items"][0]["status"], "draft");
    let paged = ok_json(
        send(
            &app,
            Method::GET,
            &format!("{path}?limit=1"),
            Some(&coordinator),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);
    let cursor = paged["next_cursor"].as_str().unwrap().to_owned();
    let next = ok_json(
        send(
            &app,
            Method::GET,
            &format!("{path}?limit=1&cursor={cursor}"),
            Some(&coordinator),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert_eq!(next["next_cursor"], Value::Null);
    let anonymous = ok_json(send(&app, Method::GET, &path, None, None).await, 200).await;
    assert_eq!(anonymous["items"], json!([]));
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{id}/publish"),
        Some(&coordinator),
        None,
    )
    .await;
    ok_json(res, 200).await;
    let anonymous = ok_json(send(&app, Method::GET, &path, None, None).await, 200).await;
    assert_eq!(anonymous["items"][0]["id"], id);
    let res = send(&app, Method::GET, &format!("{path}?limit=0"), None, None).await;
    assert_problem(res, 400, "invalid_query").await;
}

#[tokio::test]
async fn adaptations_need_a_licence_that_allows_them_and_the_right_to_author() {
    let app = spawn_app().await;
    let author = app.user("trainer").await;
    let other = app.user("trainer").await;
    let member = app.user("member").await;
    let coordinator = app.user("coordinator").await;
    let nd = rich_course(
        &app,
        &author,
        &coordinator,
        "no-derivatives",
        Some("CC-BY-NC-ND-4.0"),
        None,
    )
    .await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{nd}/adaptations"),
        Some(&other),
        Some(json!({})),
    )
    .await;
    assert_problem(res, 409, "licence_forbids_adaptation").await;
    let arr = rich_course(
        &app,
        &author,
        &coordinator,
        "reserved",
        Some("LicenseRef-All-Rights-Reserved"),
        None,
    )
    .await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{arr}/adaptations"),
        Some(&other),
        Some(json!({})),
    )
    .await;
    assert_problem(res, 409, "licence_forbids_adaptation").await;

    let open = rich_course(&app, &author, &coordinator, "open", Some("CC-BY-4.0"), None).await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{open}/adaptations"),
        Some(&member),
        Some(json!({})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{open}/adaptations"),
        None,
        Some(json!({})),
    )
    .await;
    assert_eq!(res.status().as_u16(), 401);
    // Someone else's draft is not there for them.
    let draft = ok_json(
        send(
            &app,
            Method::POST,
            "/api/v1/courses",
            Some(&author),
            Some(course_body("draft", Some("CC-BY-4.0"))),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{draft}/adaptations"),
        Some(&other),
        Some(json!({})),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{draft}/adaptations"),
        Some(&other),
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses/999999/adaptations",
        Some(&other),
        Some(json!({})),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    // Its owner may adapt their own draft.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{draft}/adaptations"),
        Some(&author),
        Some(json!({})),
    )
    .await;
    ok_json(res, 201).await;
    // Nothing was half-written by the refusals.
    let drafts = ok_json(
        send(
            &app,
            Method::GET,
            "/api/v1/courses?status=draft",
            Some(&other),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(drafts["items"], json!([]));
}

#[tokio::test]
async fn lessons_point_only_to_resources_their_editors_may_read() {
    let app = spawn_app().await;
    let author = app.user("trainer").await;
    let other = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let course = rich_course(
        &app,
        &author,
        &coordinator,
        "links",
        Some("CC-BY-4.0"),
        None,
    )
    .await;
    let c = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/courses/{course}"),
            Some(&author),
            None,
        )
        .await,
        200,
    )
    .await;
    let lesson = c["modules"][0]["lessons"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/lessons/{lesson}/resources");
    let r = create_resource(&app, &author, resource_body("Toolkit")).await["id"]
        .as_i64()
        .unwrap();
    for (body, code) in [
        (json!({"resource_ids": [999999]}), "validation_failed"),
        (json!({"resource_ids": [r, r]}), "validation_failed"),
        (
            json!({"resource_ids": (1..=21).collect::<Vec<i64>>()}),
            "validation_failed",
        ),
    ] {
        let res = send(&app, Method::PUT, &path, Some(&author), Some(body)).await;
        assert_problem(res, 422, code).await;
    }
    let res = send(
        &app,
        Method::PUT,
        &path,
        Some(&other),
        Some(json!({"resource_ids": [r]})),
    )
    .await;
    assert_eq!(res.status().as_u16(), 403);
    let res = send(
        &app,
        Method::PUT,
        &path,
        Some(&author),
        Some(json!({"resource_ids": [r as f64]})),
    )
    .await;
    assert_eq!(ok_json(res, 200).await["resource_ids"], json!([r]));
    let listed = ok_json(send(&app, Method::GET, &path, None, None).await, 200).await;
    assert_eq!(listed["resource_ids"], json!([r]));
    let res = send(
        &app,
        Method::GET,
        "/api/v1/lessons/999999/resources",
        None,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
}

// ---------------------------------------------------------------- packages

#[tokio::test]
async fn an_exported_course_imports_as_the_same_course() {
    let app = spawn_app().await;
    let author = app.user("trainer").await;
    let importer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let resource = resource_with_files(&app, &author).await;
    let original = rich_course(
        &app,
        &author,
        &coordinator,
        "round-trip",
        Some("CC-BY-4.0"),
        Some(resource),
    )
    .await;

    let package = export(&app, &author, original, "").await;
    let mut archive = entries(&package);
    let manifest: Value = serde_json::from_str(&read_entry(&mut archive, "manifest.json")).unwrap();
    assert_eq!(manifest["format"], "bayanihan-course");
    assert_eq!(manifest["format_version"], 1);
    assert_eq!(
        manifest["resources"][0]["files"].as_array().unwrap().len(),
        2
    );
    let lesson_file = manifest["modules"][0]["lessons"][0]["texts"][1]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(read_entry(&mut archive, &lesson_file).contains("sampung"));

    // Another installation (another app and database) imports it.
    let other = spawn_app().await;
    let importer_there = other.user("trainer").await;
    let res = import(&other, &importer_there, package.clone()).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let copy = ok_json(res, 201).await;
    let id = copy["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/courses/{id}"));
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["owners"], json!([importer_there.id]));
    assert_eq!(copy["attribution"]["origin"], "import");
    assert_eq!(copy["attribution"]["adapted_from"], Value::Null);
    assert_eq!(copy["attribution"]["licence"], "CC-BY-4.0");
    assert_eq!(
        snapshot(&other, &importer_there, id).await,
        snapshot(&app, &author, original).await
    );

    // The same installation: a new slug, new ids, the same course.
    let res = import(&app, &importer, package).await;
    let copy = ok_json(res, 201).await;
    assert_eq!(copy["slug"], "round-trip-2");
    let id = copy["id"].as_i64().unwrap();
    assert_eq!(
        snapshot(&app, &importer, id).await,
        snapshot(&app, &author, original).await
    );
}

#[tokio::test]
async fn a_common_cartridge_has_the_structure_of_the_specification() {
    let app = spawn_app().await;
    let author = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    let resource = resource_with_files(&app, &author).await;
    let course = rich_course(
        &app,
        &author,
        &coordinator,
        "cartridge",
        Some("CC-BY-4.0"),
        Some(resource),
    )
    .await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{course}/export?format=common-cartridge&lang=fil"),
        Some(&author),
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-language"], "fil");
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut archive = entries(&bytes);
    let names: HashSet<String> = archive
        .file_names()
        .map(|n| n.unwrap().to_string())
        .collect();
    let xml = read_entry(&mut archive, "imsmanifest.xml");
    let doc = roxmltree::Document::parse(&xml).expect("the manifest parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "manifest");
    let ns = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1";
    assert_eq!(root.tag_name().namespace(), Some(ns));
    let version = root
        .descendants()
        .find(|n| n.has_tag_name((ns, "schemaversion")))
        .unwrap();
    assert_eq!(version.text(), Some("1.3.0"));
    let spec_types: HashSet<&str> = [
        "webcontent",
        "imswl_xmlv1p3",
        "imsdt_xmlv1p3",
        "imsbasiclti_xmlv1p3",
        "imsqti_xmlv1p2/imscc_xmlv1p3/assessment",
        "imsqti_xmlv1p2/imscc_xmlv1p3/question-bank",
        "associatedcontent/imscc_xmlv1p3/learning-application-resource",
        "imsapip_zipv1p0",
        "imsiwb_iwbv1p0",
    ]
    .into_iter()
    .collect();
    let mut resources = HashSet::new();
    let mut types = HashSet::new();
    for r in root
        .descendants()
        .filter(|n| n.has_tag_name((ns, "resource")))
    {
        let ident = r.attribute("identifier").unwrap();
        assert!(resources.insert(ident.to_owned()), "{ident} is unique");
        let kind = r.attribute("type").unwrap();
        assert!(spec_types.contains(kind), "{kind}");
        types.insert(kind.to_owned());
        let files: Vec<&str> = r
            .children()
            .filter(|n| n.has_tag_name((ns, "file")))
            .map(|n| n.attribute("href").unwrap())
            .collect();
        assert!(!files.is_empty(), "{ident} names its files");
        for f in &files {
            assert!(names.contains(*f), "{f} is in the package");
        }
        if let Some(href) = r.attribute("href") {
            assert!(names.contains(href), "{href} is in the package");
        }
        if kind == "imswl_xmlv1p3" {
            let link = read_entry(&mut archive, files[0]);
            let link = roxmltree::Document::parse(&link).expect("a web link parses");
            assert_eq!(link.root_element().tag_name().name(), "webLink");
            assert!(link.descendants().any(|n| {
                n.has_tag_name("url")
                    && n.attribute("href")
                        .is_some_and(|h| h.starts_with("https://"))
            }));
        }
    }
    assert!(types.contains("webcontent") && types.contains("imswl_xmlv1p3"));
    for r in root
        .descendants()
        .filter(|n| n.has_tag_name((ns, "dependency")))
    {
        assert!(resources.contains(r.attribute("identifierref").unwrap()));
    }
    let org = root
        .descendants()
        .find(|n| n.has_tag_name((ns, "organization")))
        .unwrap();
    assert_eq!(org.attribute("structure"), Some("rooted-hierarchy"));
    let items: Vec<_> = org
        .descendants()
        .filter(|n| n.has_tag_name((ns, "item")) && n.attribute("identifierref").is_some())
        .collect();
    assert_eq!(items.len(), 4);
    for item in &items {
        assert!(resources.contains(item.attribute("identifierref").unwrap()));
    }
    // Lessons in the language asked for, through the sanitiser.
    let titles: Vec<&str> = org
        .descendants()
        .filter(|n| n.has_tag_name((ns, "title")))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        titles.contains(&"Pag-oorganisa") && titles.contains(&"Unang hakbang"),
        "{titles:?}"
    );
    let page = read_entry(&mut archive, "lessons/lesson_1_1.html");
    assert!(page.contains("<strong>sampung</strong>"), "{page}");
}

#[tokio::test]
async fn exports_follow_the_course_rules() {
    let app = spawn_app().await;
    let author = app.user("trainer").await;
    let other = app.user("trainer").await;
    let draft = ok_json(
        send(
            &app,
            Method::POST,
            "/api/v1/courses",
            Some(&author),
            Some(course_body("hidden", None)),
        )
        .await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{draft}/export"),
        Some(&other),
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{draft}/export?format=scorm"),
        Some(&author),
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 400);
    let package = export(&app, &author, draft, "").await;
    assert!(entries(&package).by_name("manifest.json").is_ok());
}

/// An app whose packages may be at most 256 KiB (and inflate to 1 MiB).
async fn small_app() -> TestApp {
    let mut config = StorageConfig::local(Path::new(""));
    config.max_file_bytes = 256 * 1024;
    spawn_app_with(Options {
        library: Some(config),
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn hostile_or_broken_packages_are_refused_with_stable_codes() {
    let app = small_app().await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let coordinator = app.user("coordinator").await;
    let course = rich_course(
        &app,
        &trainer,
        &coordinator,
        "good",
        Some("CC-BY-4.0"),
        None,
    )
    .await;
    let good = export(&app, &trainer, course, "").await;
    let mut archive = entries(&good);
    let manifest: Value = serde_json::from_str(&read_entry(&mut archive, "manifest.json")).unwrap();
    let lesson_path = manifest["modules"][0]["lessons"][0]["texts"][0]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    let lesson = read_entry(&mut archive, &lesson_path);
    let with_manifest = |m: &Value, extra: &[(&str, &[u8])]| {
        let text = serde_json::to_vec(m).unwrap();
        let mut files: Vec<(&str, &[u8])> = vec![("manifest.json", &text)];
        files.extend_from_slice(extra);
        let mut all: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        // Every lesson file of the good package.
        for m in manifest["modules"].as_array().unwrap() {
            for l in m["lessons"].as_array().unwrap() {
                for t in l["texts"].as_array().unwrap() {
                    let p = t["content"].as_str().unwrap();
                    if !all.iter().any(|(n, _)| n == p) {
                        all.push((p.to_owned(), lesson.as_bytes().to_vec()));
                    }
                }
            }
        }
        let refs: Vec<(&str, &[u8])> = all
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        zip_of(&refs)
    };

    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"not a zip at all".to_vec(), 422, "invalid_package"),
        (zip_of(&[("notes.txt", b"hello")]), 422, "missing_manifest"),
        (
            zip_of(&[("manifest.json", b"{ not json")]),
            422,
            "invalid_manifest",
        ),
        (
            zip_of(&[("../../etc/evil", b"x"), ("manifest.json", b"{}")]),
            422,
            "unsafe_path",
        ),
        (zip_of(&[("/abs/path", b"x")]), 422, "unsafe_path"),
        (zip_of(&[("a\\..\\b", b"x")]), 422, "unsafe_path"),
        (
            with_manifest(
                &{
                    let mut m = manifest.clone();
                    m["format_version"] = json!(2);
                    m
                },
                &[],
            ),
            422,
            "unsupported_format_version",
        ),
        (
            with_manifest(
                &{
                    let mut m = manifest.clone();
                    m["course"]["licence"] = json!("CC BY 4.0");
                    m
                },
                &[],
            ),
            422,
            "invalid_manifest",
        ),
        (
            with_manifest(
                &{
                    let mut m = manifest.clone();
                    m["modules"][0]["lessons"][0]["texts"][0]["content"] =
                        json!("lessons/missing.md");
                    m
                },
                &[],
            ),
            422,
            "missing_file",
        ),
        (
            with_manifest(
                &{
                    let mut m = manifest.clone();
                    m["modules"][0]["lessons"][0]["texts"][0]["content"] = json!("../outside.md");
                    m
                },
                &[],
            ),
            422,
            "unsafe_path",
        ),
        (
            with_manifest(
                &{
                    let mut m = manifest.clone();
                    m["resources"] = json!([{
                        "key": "r1", "kind": "document", "default_language": "en", "licence": "CC-BY-4.0",
                        "visibility": "public", "url": null, "topics": [], "countries": [],
                        "texts": [{"language": "en", "title": "Doc", "description": ""}],
                        "files": [{"language": "en", "file_name": "doc.txt", "media_type": "text/plain", "size": 5,
                                   "sha256": "0".repeat(64), "path": "resources/r1/en/doc.txt"}]
                    }]);
                    m
                },
                &[("resources/r1/en/doc.txt", b"hello")],
            ),
            422,
            "checksum_mismatch",
        ),
        (
            // A bomb: 4 MiB of zeros compress to about 4 KiB.
            {
                let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
                w.start_file("manifest.json", SimpleFileOptions::default())
                    .unwrap();
                w.write_all(b"{}").unwrap();
                w.start_file(
                    "zeros.bin",
                    SimpleFileOptions::default()
                        .compression_method(zip::CompressionMethod::Deflated),
                )
                .unwrap();
                w.write_all(&vec![0u8; 4 * 1024 * 1024]).unwrap();
                w.finish().unwrap().into_inner()
            },
            422,
            "uncompressed_too_large",
        ),
        (
            {
                let names: Vec<String> = (0..2_001).map(|i| format!("f{i}")).collect();
                let files: Vec<(&str, &[u8])> =
                    names.iter().map(|n| (n.as_str(), &b""[..])).collect();
                zip_of(&files)
            },
            422,
            "too_many_entries",
        ),
        (vec![0u8; 300 * 1024], 413, "package_too_large"),
    ];
    for (package, status, code) in cases {
        let res = import(&app, &trainer, package).await;
        assert_problem(res, status, code).await;
    }
    // Wrong content type, wrong role.
    let res = app
        .authed(Method::POST, "/api/v1/courses/imports", &trainer.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported_media_type").await;
    let res = import(&app, &member, good.clone()).await;
    assert_problem(res, 403, "forbidden").await;
    // None of it left a course behind; the good package still imports.
    let drafts = ok_json(
        send(
            &app,
            Method::GET,
            "/api/v1/courses?status=draft",
            Some(&coordinator),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(drafts["items"], json!([]));
    let res = import(&app, &trainer, good).await;
    ok_json(res, 201).await;
}
