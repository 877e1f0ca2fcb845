//! The trade-union directory: `GET /api/v1/organisations…`.

use std::collections::HashSet;

use bayanihan::organisations::model::OrganisationKind as Kind;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// Follows `next_cursor` from `path` to the end; returns every item's name.
async fn walk(app: &TestApp, path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut url = path.to_owned();
    let sep = if path.contains('?') { '&' } else { '?' };
    for _ in 0..100 {
        let (status, body) = app.get_json(&url).await;
        assert_eq!(status, 200, "{url}: {body}");
        names.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_owned()),
        );
        match body["next_cursor"].as_str() {
            Some(cursor) => url = format!("{path}{sep}cursor={cursor}"),
            None => return names,
        }
    }
    panic!("pagination of {path} does not end");
}

fn names(body: &Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn list_pages_through_every_organisation_once_in_name_order() {
    let app = spawn_app().await;
    for i in (0..45).rev() {
        app.insert_org(&format!("Union {i:02}"), None, "PH", Kind::Union, None);
    }
    let (status, first) = app.get_json("/api/v1/organisations").await;
    assert_eq!(status, 200);
    assert_eq!(
        first["items"].as_array().unwrap().len(),
        20,
        "default page size is 20"
    );
    assert!(first["next_cursor"].is_string());

    let all = walk(&app, "/api/v1/organisations?limit=7").await;
    let expected: Vec<String> = (0..45).map(|i| format!("Union {i:02}")).collect();
    assert_eq!(all, expected);

    let desc = walk(&app, "/api/v1/organisations?sort=-name&limit=10").await;
    assert_eq!(desc, expected.iter().rev().cloned().collect::<Vec<_>>());

    let oldest_first = walk(&app, "/api/v1/organisations?sort=created_at&limit=9").await;
    assert_eq!(
        oldest_first,
        expected.iter().rev().cloned().collect::<Vec<_>>(),
        "inserted from 44 down to 0"
    );
    let newest_first = walk(&app, "/api/v1/organisations?sort=-created_at&limit=100").await;
    assert_eq!(newest_first, expected);
}

#[tokio::test]
async fn organisation_answers_all_its_fields() {
    let app = spawn_app().await;
    let parent = app.insert_org(
        "Trade Union Congress of the Philippines",
        Some("TUCP"),
        "PH",
        Kind::NationalCentre,
        None,
    );
    let id = app.insert_org(
        "Associated Labor Unions",
        Some("ALU"),
        "PH",
        Kind::Federation,
        Some(parent),
    );
    let (status, org) = app.get_json(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(org["id"], id);
    assert_eq!(org["name"], "Associated Labor Unions");
    assert_eq!(org["acronym"], "ALU");
    assert_eq!(org["country"], "PH");
    assert_eq!(org["kind"], "federation");
    assert_eq!(org["parent_id"], parent);
    assert!(org["created_at"].as_str().unwrap().ends_with('Z'), "{org}");
    assert!(
        org.get("search_text").is_none(),
        "internal columns stay internal"
    );
    chrono::DateTime::parse_from_rfc3339(org["updated_at"].as_str().unwrap()).expect("RFC 3339");
}

#[tokio::test]
async fn filters_narrow_the_list() {
    let app = spawn_app().await;
    let tucp = app.insert_org(
        "Trade Union Congress of the Philippines",
        Some("TUCP"),
        "PH",
        Kind::NationalCentre,
        None,
    );
    app.insert_org(
        "Associated Labor Unions",
        Some("ALU"),
        "PH",
        Kind::Federation,
        Some(tucp),
    );
    app.insert_org("Delivery Riders Union", None, "PH", Kind::Union, Some(tucp));
    app.insert_org(
        "Fiji Trades Union Congress",
        Some("FTUC"),
        "FJ",
        Kind::NationalCentre,
        None,
    );
    app.insert_org("100% Union_Of Workers", None, "FJ", Kind::Union, None);

    let (_, body) = app.get_json("/api/v1/organisations?country=FJ").await;
    assert_eq!(
        names(&body),
        vec!["100% Union_Of Workers", "Fiji Trades Union Congress"]
    );

    let (_, body) = app
        .get_json("/api/v1/organisations?kind=national_centre")
        .await;
    assert_eq!(
        names(&body),
        vec![
            "Fiji Trades Union Congress",
            "Trade Union Congress of the Philippines"
        ]
    );

    let (_, body) = app
        .get_json(&format!("/api/v1/organisations?parent_id={tucp}"))
        .await;
    assert_eq!(
        names(&body),
        vec!["Associated Labor Unions", "Delivery Riders Union"]
    );

    // q matches name or acronym, in any case.
    let (_, body) = app.get_json("/api/v1/organisations?q=ftuc").await;
    assert_eq!(names(&body), vec!["Fiji Trades Union Congress"]);
    let (_, body) = app.get_json("/api/v1/organisations?q=RIDERS").await;
    assert_eq!(names(&body), vec!["Delivery Riders Union"]);
    // LIKE wildcards in q are plain characters.
    let (_, body) = app.get_json("/api/v1/organisations?q=100%25").await;
    assert_eq!(names(&body), vec!["100% Union_Of Workers"]);
    let (_, body) = app.get_json("/api/v1/organisations?q=n_o").await;
    assert_eq!(names(&body), vec!["100% Union_Of Workers"]);

    // Filters combine.
    let (_, body) = app
        .get_json("/api/v1/organisations?country=PH&kind=union&q=union")
        .await;
    assert_eq!(names(&body), vec!["Delivery Riders Union"]);
    let (_, body) = app.get_json("/api/v1/organisations?country=NZ").await;
    assert_eq!(body["items"], serde_json::json!([]));
    assert_eq!(body["next_cursor"], Value::Null);
}

#[tokio::test]
async fn search_is_case_insensitive_beyond_ascii() {
    let app = spawn_app().await;
    app.insert_org("Ē TŪ UNION", None, "NZ", Kind::Union, None);
    let (_, body) = app
        .get_json("/api/v1/organisations?q=%C4%93%20t%C5%AB")
        .await; // "ē tū"
    assert_eq!(names(&body), vec!["Ē TŪ UNION"]);
}

#[tokio::test]
async fn bad_list_queries_are_rejected_with_the_parameter_named() {
    let app = spawn_app().await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("country=ph", "country"),
        ("country=ZZ", "country"),
        ("cursor=not-a-cursor", "cursor"),
    ] {
        let res = app.get(&format!("/api/v1/organisations?{query}")).await;
        let body = assert_problem(res, 400, "invalid_query").await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    for query in [
        "limit=abc",
        "kind=guild",
        "sort=popularity",
        "parent_id=x",
        "countr=PH",
    ] {
        let res = app.get(&format!("/api/v1/organisations?{query}")).await;
        assert_problem(res, 400, "invalid_query").await;
    }
    let long = "x".repeat(201);
    assert_problem(
        app.get(&format!("/api/v1/organisations?q={long}")).await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn a_cursor_only_works_with_the_sort_it_was_made_for() {
    let app = spawn_app().await;
    for i in 0..3 {
        app.insert_org(&format!("Union {i}"), None, "PH", Kind::Union, None);
    }
    let (_, body) = app.get_json("/api/v1/organisations?limit=1").await;
    let cursor = body["next_cursor"].as_str().unwrap();
    let res = app
        .get(&format!(
            "/api/v1/organisations?limit=1&sort=-created_at&cursor={cursor}"
        ))
        .await;
    let body = assert_problem(res, 400, "invalid_query").await;
    assert_eq!(body["errors"][0]["code"], "invalid_cursor");
}

#[tokio::test]
async fn get_answers_an_etag_and_304_when_unchanged() {
    let app = spawn_app().await;
    let id = app.insert_org(
        "Nepal Trade Union Congress",
        Some("NTUC"),
        "NP",
        Kind::NationalCentre,
        None,
    );
    let res = app.get(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(res.status().as_u16(), 200);
    let etag = res
        .headers()
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");

    let res = app
        .client
        .get(app.url(&format!("/api/v1/organisations/{id}")))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);
    assert_eq!(res.headers().get("etag").unwrap().to_str().unwrap(), etag);
    assert!(res.bytes().await.unwrap().is_empty());

    let res = app
        .client
        .get(app.url(&format!("/api/v1/organisations/{id}")))
        .header("If-None-Match", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);

    let res = app
        .client
        .head(app.url(&format!("/api/v1/organisations/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn unknown_or_malformed_ids_are_404_and_400() {
    let app = spawn_app().await;
    assert_problem(
        app.get("/api/v1/organisations/987654").await,
        404,
        "not_found",
    )
    .await;
    assert_problem(app.get("/api/v1/organisations/-1").await, 404, "not_found").await;
    assert_problem(
        app.get("/api/v1/organisations/abc").await,
        400,
        "invalid_path",
    )
    .await;
    assert_problem(
        app.get("/api/v1/organisations/99999999999999999999").await,
        400,
        "invalid_path",
    )
    .await;
    assert_problem(
        app.get("/api/v1/organisations/987654/children").await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn children_are_the_direct_children_by_name_and_paged() {
    let app = spawn_app().await;
    let centre = app.insert_org("Sri Lanka Centre", None, "LK", Kind::NationalCentre, None);
    let fed = app.insert_org(
        "Plantation Federation",
        None,
        "LK",
        Kind::Federation,
        Some(centre),
    );
    app.insert_org("Estate Union", None, "LK", Kind::Union, Some(fed));
    for name in ["Teachers Union", "Nurses Union", "Bank Employees Union"] {
        app.insert_org(name, None, "LK", Kind::Union, Some(centre));
    }
    let all = walk(
        &app,
        &format!("/api/v1/organisations/{centre}/children?limit=2"),
    )
    .await;
    assert_eq!(
        all,
        vec![
            "Bank Employees Union",
            "Nurses Union",
            "Plantation Federation",
            "Teachers Union"
        ]
    );
    let (status, body) = app
        .get_json(&format!("/api/v1/organisations/{fed}/children"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(names(&body), vec!["Estate Union"]);
    assert_problem(
        app.get(&format!(
            "/api/v1/organisations/{centre}/children?limit=500"
        ))
        .await,
        400,
        "invalid_query",
    )
    .await;
    assert_problem(
        app.get(&format!(
            "/api/v1/organisations/{centre}/children?kind=union"
        ))
        .await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn demo_directory_is_a_plausible_hierarchy_and_seeding_twice_adds_nothing() {
    let app = spawn_app().await;
    app.seed_demo();
    let first = walk(&app, "/api/v1/organisations?limit=100").await;
    app.seed_demo();
    let second = walk(&app, "/api/v1/organisations?limit=100").await;
    assert_eq!(
        first.len(),
        second.len(),
        "seeding twice duplicates nothing"
    );
    assert!(first.len() >= 100, "{} organisations", first.len());

    let mut countries = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/organisations?kind=national_centre&limit=100&cursor={c}"),
            None => "/api/v1/organisations?kind=national_centre&limit=100".to_owned(),
        };
        let (_, body) = app.get_json(&path).await;
        for org in body["items"].as_array().unwrap() {
            countries.insert(org["country"].as_str().unwrap().to_owned());
            // Every national centre sits under a regional organisation.
            let (_, parent) = app
                .get_json(&format!("/api/v1/organisations/{}", org["parent_id"]))
                .await;
            assert_eq!(parent["kind"], "regional", "{org}");
        }
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert!(
        countries.len() >= 24,
        "national centres in {} countries",
        countries.len()
    );
    let (_, tucp) = app
        .get_json("/api/v1/organisations?q=TUCP&country=PH")
        .await;
    assert_eq!(tucp["items"][0]["acronym"], "TUCP");
}

#[tokio::test]
async fn scale_seeding_makes_exactly_n_synthetic_organisations() {
    let app = spawn_app().await;
    let report = bayanihan::seed::scale(&app.db, 250).unwrap();
    assert!(report.organisations >= 250);
    let again = bayanihan::seed::scale(&app.db, 250).unwrap();
    assert_eq!(again.organisations, 0, "running it twice adds nothing");
    let more = bayanihan::seed::scale(&app.db, 260).unwrap();
    assert_eq!(more.organisations, 10);
    let synthetic = walk(&app, "/api/v1/organisations?q=synthetic%20union&limit=100").await;
    assert_eq!(synthetic.len(), 260);
}
