//! Directory writes through HTTP: `POST`, `PATCH` and `DELETE /api/v1/organisations…`.

use bayanihan::organisations::model::OrganisationKind as Kind;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, etag, spawn_app};

/// A timestamp of a body, to compare in time (the text drops trailing zeros of the fraction).
fn at(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a timestamp")).expect("RFC 3339")
}

fn tucp() -> Value {
    json!({
        "name": "Trade Union Congress of the Philippines",
        "acronym": "TUCP",
        "country": "PH",
        "kind": "national_centre",
        "sector": "general",
        "website": "https://tucp.org.ph"
    })
}

/// POSTs `body` as `token`; the response.
async fn create(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/organisations", token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Creates an organisation that must be accepted; its body.
async fn created(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = create(app, token, body).await;
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

/// PATCHes organisation `id` with `body`, and `If-Match` when given.
async fn patch(
    app: &TestApp,
    token: &str,
    id: i64,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut req = app
        .authed(Method::PATCH, &format!("/api/v1/organisations/{id}"), token)
        .json(body);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.unwrap()
}

/// DELETEs organisation `id`, with `If-Match` when given.
async fn delete(app: &TestApp, token: &str, id: i64, if_match: Option<&str>) -> reqwest::Response {
    let mut req = app.authed(
        Method::DELETE,
        &format!("/api/v1/organisations/{id}"),
        token,
    );
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.unwrap()
}

/// The ETag `GET` gives organisation `id`.
async fn current_etag(app: &TestApp, id: i64) -> String {
    let res = app.get(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(res.status().as_u16(), 200);
    etag(&res)
}

fn field_codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_coordinator_creates_changes_and_deletes_an_organisation() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let token = &coordinator.token;

    let res = create(&app, token, &tucp()).await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created_tag = etag(&res);
    let org: Value = res.json().await.unwrap();
    let id = org["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/organisations/{id}"));
    assert_eq!(org["name"], "Trade Union Congress of the Philippines");
    assert_eq!(org["acronym"], "TUCP");
    assert_eq!(org["country"], "PH");
    assert_eq!(org["kind"], "national_centre");
    assert_eq!(org["parent_id"], Value::Null);
    assert_eq!(org["sector"], "general");
    assert_eq!(org["website"], "https://tucp.org.ph");
    assert_eq!(org["created_at"], org["updated_at"]);

    // What GET answers is what POST answered, with the same tag.
    let res = app.get(&location).await;
    assert_eq!(etag(&res), created_tag);
    assert_eq!(res.json::<Value>().await.unwrap(), org);

    // GET, then PATCH with that ETag.
    let tag = current_etag(&app, id).await;
    let res = patch(
        &app,
        token,
        id,
        Some(&tag),
        &json!({"name": "  Trade Union Congress  of the Phils ", "acronym": null, "sector": "platform_work"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let new_tag = etag(&res);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["name"], "Trade Union Congress of the Phils");
    assert_eq!(changed["acronym"], Value::Null);
    assert_eq!(changed["sector"], "platform_work");
    assert_eq!(changed["website"], "https://tucp.org.ph", "left alone");
    assert_eq!(changed["created_at"], org["created_at"]);
    assert!(
        at(&changed["updated_at"]) > at(&org["updated_at"]),
        "updated_at moves: {changed}"
    );
    assert_ne!(new_tag, tag);
    assert_eq!(
        current_etag(&app, id).await,
        new_tag,
        "PATCH answers GET's tag"
    );

    // The search follows the new name, and the old acronym is gone from it.
    let (_, found) = app.get_json("/api/v1/organisations?q=phils").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let (_, found) = app.get_json("/api/v1/organisations?q=tucp").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 0);

    // The old tag is stale now, for PATCH and DELETE alike.
    let res = patch(&app, token, id, Some(&tag), &json!({"sector": "education"})).await;
    assert_problem(res, 412, "precondition_failed").await;
    let res = delete(&app, token, id, Some(&tag)).await;
    assert_problem(res, 412, "precondition_failed").await;
    let (_, unchanged) = app.get_json(&location).await;
    assert_eq!(unchanged["sector"], "platform_work");

    let res = delete(&app, token, id, Some(&new_tag)).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(app.get(&location).await.status().as_u16(), 404);
    let res = delete(&app, token, id, None).await;
    assert_problem(res, 404, "not_found").await;
    let res = patch(&app, token, id, None, &json!({"sector": "education"})).await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn an_admin_writes_too_and_if_match_is_optional() {
    let app = spawn_app().await;
    let admin = app.user("admin").await;
    let org = created(
        &app,
        &admin.token,
        &json!({"name": "KMU", "country": "PH", "kind": "national_centre"}),
    )
    .await;
    let id = org["id"].as_i64().unwrap();
    assert_eq!(org["acronym"], Value::Null);

    let res = patch(
        &app,
        &admin.token,
        id,
        None,
        &json!({"website": "http://kmu.net.ph/en"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let res = patch(&app, &admin.token, id, Some("*"), &json!({"website": null})).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["website"], Value::Null);

    // A weak tag never matches for a change (RFC 9110 strong comparison); a list may hold the current one.
    let tag = current_etag(&app, id).await;
    let res = patch(
        &app,
        &admin.token,
        id,
        Some(&format!("W/{tag}")),
        &json!({"acronym": "KMU"}),
    )
    .await;
    assert_problem(res, 412, "precondition_failed").await;
    let res = patch(
        &app,
        &admin.token,
        id,
        Some(&format!("\"old\", {tag}")),
        &json!({"acronym": "KMU"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);

    // Nothing to change: the organisation and its tag stay as they are.
    let tag = current_etag(&app, id).await;
    let (_, before) = app.get_json(&format!("/api/v1/organisations/{id}")).await;
    let res = patch(
        &app,
        &admin.token,
        id,
        Some(&tag),
        &json!({"acronym": "KMU"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(etag(&res), tag);
    assert_eq!(res.json::<Value>().await.unwrap(), before);
    let res = patch(&app, &admin.token, id, None, &json!({})).await;
    assert_eq!(res.status().as_u16(), 200);

    let res = delete(&app, &admin.token, id, None).await;
    assert_eq!(res.status().as_u16(), 204);
}

#[tokio::test]
async fn only_coordinators_and_admins_write() {
    let app = spawn_app().await;
    let id = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let path = format!("/api/v1/organisations/{id}");

    for (method, path) in [
        (Method::POST, "/api/v1/organisations"),
        (Method::PATCH, path.as_str()),
        (Method::DELETE, path.as_str()),
    ] {
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .json(&tucp())
            .send()
            .await
            .unwrap();
        let res = assert_problem(res, 401, "login_required").await;
        assert!(res["detail"].is_string());
        for role in ["member", "trainer"] {
            let user = app.user(role).await;
            let res = app
                .authed(method.clone(), path, &user.token)
                .json(&tucp())
                .send()
                .await
                .unwrap();
            assert_problem(res, 403, "forbidden").await;
        }
    }
    let (_, org) = app.get_json(&path).await;
    assert_eq!(org["name"], "KMU", "nothing changed");
    let (_, list) = app.get_json("/api/v1/organisations").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "nothing created"
    );
}

#[tokio::test]
async fn invalid_fields_are_answered_together() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let token = &coordinator.token;

    let res = create(
        &app,
        token,
        &json!({
            "name": "   ",
            "acronym": "",
            "country": "ph",
            "kind": "union",
            "sector": "Platform Work",
            "website": "ftp://example.org"
        }),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let codes = field_codes(&body);
    for expected in [
        ("name", "invalid_name"),
        ("acronym", "invalid_acronym"),
        ("country", "invalid_country"),
        ("sector", "invalid_sector"),
        ("website", "invalid_website"),
    ] {
        assert!(
            codes.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {body}"
        );
    }
    assert!(
        body["errors"][2]["message"]
            .as_str()
            .unwrap()
            .contains("PH"),
        "a hint: {body}"
    );

    for (body, field) in [
        (
            json!({"name": "x".repeat(201), "country": "PH", "kind": "union"}),
            "name",
        ),
        (
            json!({"name": "A", "country": "XX", "kind": "union"}),
            "country",
        ),
        (
            json!({"name": "A", "country": "PH", "kind": "union", "website": "tucp.org.ph"}),
            "website",
        ),
        (
            json!({"name": "A", "country": "PH", "kind": "union", "website": "https://u:p@tucp.org.ph"}),
            "website",
        ),
        (
            json!({"name": "A", "country": "PH", "kind": "union", "sector": "platform-work"}),
            "sector",
        ),
    ] {
        let res = create(&app, token, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let res = create(
        &app,
        token,
        &json!({"name": "é".repeat(200), "country": "PH", "kind": "union"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201, "200 characters, not bytes");

    // Unreadable bodies are 400.
    let mut unknown = tucp();
    unknown["id"] = json!(7);
    assert_problem(create(&app, token, &unknown).await, 400, "unknown_field").await;
    let res = create(
        &app,
        token,
        &json!({"name": "A", "country": "PH", "kind": "guild"}),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
    let res = create(&app, token, &json!({"name": "A", "country": "PH"})).await;
    assert_problem(res, 400, "invalid_body").await;

    let id = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let res = patch(&app, token, id, None, &json!({"contry": "ID"})).await;
    assert_problem(res, 400, "unknown_field").await;
    let res = patch(&app, token, id, None, &json!({"name": null})).await;
    assert_problem(res, 400, "invalid_body").await;
    let res = patch(&app, token, id, None, &json!({"kind": null})).await;
    assert_problem(res, 400, "invalid_body").await;
    let res = patch(&app, token, id, None, &json!({"country": "Philippines"})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "country");
}

#[tokio::test]
async fn names_are_unique_within_a_country() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let token = &coordinator.token;
    created(&app, token, &tucp()).await;
    let res = create(&app, token, &tucp()).await;
    assert_problem(res, 409, "name_taken").await;
    // Spacing does not make another name.
    let mut spaced = tucp();
    spaced["name"] = json!(" Trade Union  Congress of the Philippines");
    assert_problem(create(&app, token, &spaced).await, 409, "name_taken").await;

    let mut elsewhere = tucp();
    elsewhere["country"] = json!("ID");
    let other = created(&app, token, &elsewhere).await;
    let id = other["id"].as_i64().unwrap();
    let res = patch(&app, token, id, None, &json!({"country": "PH"})).await;
    assert_problem(res, 409, "name_taken").await;
    let res = patch(
        &app,
        token,
        id,
        None,
        &json!({"name": "KSPI", "country": "PH"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn parents_must_exist_sit_higher_and_never_loop() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let token = &coordinator.token;
    let centre = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let federation = app.insert_org(
        "Teachers' Federation",
        None,
        "PH",
        Kind::Federation,
        Some(centre),
    );
    let union = app.insert_org(
        "Manila Teachers' Union",
        None,
        "PH",
        Kind::Union,
        Some(federation),
    );

    let res = create(
        &app,
        token,
        &json!({"name": "A", "country": "PH", "kind": "union", "parent_id": 999_999}),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        field_codes(&body),
        [("parent_id".to_owned(), "unknown_parent".to_owned())]
    );

    let res = create(
        &app,
        token,
        &json!({"name": "A", "country": "PH", "kind": "federation", "parent_id": union}),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        field_codes(&body),
        [("parent_id".to_owned(), "hierarchy_violation".to_owned())]
    );
    let res = create(
        &app,
        token,
        &json!({"name": "A", "country": "PH", "kind": "union", "parent_id": union}),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;

    let child = created(
        &app,
        token,
        &json!({"name": "A", "country": "PH", "kind": "union", "parent_id": federation}),
    )
    .await;
    assert_eq!(child["parent_id"], federation);
    // An integral number is an integer, as JSON Schema says; a fraction is not.
    let res = create(
        &app,
        token,
        &json!({"name": "B", "country": "PH", "kind": "union", "parent_id": federation as f64}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let res = patch(&app, token, union, None, &json!({"parent_id": 1.5})).await;
    assert_problem(res, 400, "invalid_body").await;

    // A parent below itself, or itself.
    let res = patch(&app, token, federation, None, &json!({"parent_id": union})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        field_codes(&body),
        [("parent_id".to_owned(), "parent_cycle".to_owned())]
    );
    let res = patch(&app, token, centre, None, &json!({"parent_id": centre})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        field_codes(&body),
        [("parent_id".to_owned(), "parent_cycle".to_owned())]
    );
    let res = patch(&app, token, union, None, &json!({"parent_id": 999_999})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        field_codes(&body),
        [("parent_id".to_owned(), "unknown_parent".to_owned())]
    );

    // A kind that no longer fits under the parent, or over the children.
    let res = patch(
        &app,
        token,
        union,
        None,
        &json!({"kind": "national_centre"}),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        field_codes(&body),
        [("parent_id".to_owned(), "hierarchy_violation".to_owned())]
    );
    let res = patch(&app, token, federation, None, &json!({"kind": "union"})).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        field_codes(&body),
        [("kind".to_owned(), "hierarchy_violation".to_owned())]
    );

    // Legal moves: kind and parent together, and to the top level.
    let res = patch(
        &app,
        token,
        union,
        None,
        &json!({"kind": "federation", "parent_id": centre}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let res = patch(&app, token, federation, None, &json!({"parent_id": null})).await;
    assert_eq!(res.status().as_u16(), 200);
    let (_, moved) = app
        .get_json(&format!("/api/v1/organisations/{federation}"))
        .await;
    assert_eq!(moved["parent_id"], Value::Null);
    let (_, children) = app
        .get_json(&format!("/api/v1/organisations/{centre}/children"))
        .await;
    assert_eq!(children["items"][0]["name"], "Manila Teachers' Union");
}

#[tokio::test]
async fn deleting_refuses_children_and_approved_members() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let token = &coordinator.token;
    let centre = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let union = app.insert_org("Union", None, "PH", Kind::Union, Some(centre));

    let res = delete(&app, token, centre, None).await;
    assert_problem(res, 409, "has_children").await;

    // An approved member holds the union; a pending request does not.
    let member = app.user("member").await;
    let asker = app.user("member").await;
    for user in [&member, &asker] {
        let res = app
            .authed(
                Method::POST,
                &format!("/api/v1/organisations/{union}/memberships"),
                &user.token,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201);
    }
    let res = app
        .authed(
            Method::PATCH,
            &format!("/api/v1/organisations/{union}/memberships/{}", member.id),
            token,
        )
        .json(&json!({"status": "approved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = delete(&app, token, union, None).await;
    assert_problem(res, 409, "has_members").await;

    let res = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/organisations/{union}/memberships/{}", member.id),
            &member.token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    let res = delete(&app, token, union, None).await;
    assert_eq!(res.status().as_u16(), 204);
    let res = app
        .authed(Method::GET, "/api/v1/me/memberships", &asker.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!([]),
        "the pending request went with the union"
    );

    let res = delete(&app, token, centre, None).await;
    assert_eq!(res.status().as_u16(), 204, "no children left");
}

#[tokio::test]
async fn write_routes_are_documented() {
    let doc: Value = serde_json::from_str(&bayanihan::openapi::document_json().unwrap()).unwrap();
    let item = &doc["paths"]["/api/v1/organisations/{id}"];
    assert_eq!(item["patch"]["operationId"], "update_organisation");
    assert_eq!(item["delete"]["operationId"], "delete_organisation");
    for status in ["401", "403", "404", "412"] {
        assert!(
            item["patch"]["responses"].get(status).is_some(),
            "PATCH {status}"
        );
        assert!(
            item["delete"]["responses"].get(status).is_some(),
            "DELETE {status}"
        );
    }
    assert!(
        item["patch"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "If-Match" && p["in"] == "header")
    );
    let create = &doc["paths"]["/api/v1/organisations"]["post"];
    assert_eq!(create["operationId"], "create_organisation");
    assert_eq!(create["security"], json!([{"bearer": []}]));
}

#[tokio::test]
async fn the_etag_is_the_version_and_only_a_change_bumps_it() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let token = &coordinator.token;
    let res = create(&app, token, &tucp()).await;
    let v1 = etag(&res);
    let org: Value = res.json().await.unwrap();
    let id = org["id"].as_i64().unwrap();
    assert_eq!(v1, format!("\"organisation-{id}-v1\""));

    // Sending what is stored changes nothing: same tag, same updated_at.
    let res = patch(
        &app,
        token,
        id,
        Some(&v1),
        &json!({"acronym": "TUCP", "country": "PH"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(etag(&res), v1);
    assert_eq!(
        res.json::<Value>().await.unwrap()["updated_at"],
        org["updated_at"]
    );

    let res = patch(&app, token, id, Some(&v1), &json!({"sector": "education"})).await;
    let v2 = etag(&res);
    assert_eq!(v2, format!("\"organisation-{id}-v2\""));
    assert_eq!(current_etag(&app, id).await, v2);

    // The first version is stale now; another organisation's tag never matches.
    let res = patch(&app, token, id, Some(&v1), &json!({"sector": "health"})).await;
    assert_problem(res, 412, "precondition_failed").await;
    let other = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let res = patch(
        &app,
        token,
        id,
        Some(&current_etag(&app, other).await),
        &json!({"sector": "health"}),
    )
    .await;
    assert_problem(res, 412, "precondition_failed").await;
    let res = delete(&app, token, id, Some(&v1)).await;
    assert_problem(res, 412, "precondition_failed").await;
    assert_eq!(
        current_etag(&app, id).await,
        v2,
        "refused writes change nothing"
    );

    // A conditional GET with the current tag is 304.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/organisations/{id}")))
        .header("If-None-Match", &v2)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);
    let res = delete(&app, token, id, Some(&v2)).await;
    assert_eq!(res.status().as_u16(), 204);
}

/// Issue 15: the ISIC section of an organisation's sector, guessed from the free text when
/// not given, set and cleared explicitly; the free text is left as it was.
#[tokio::test]
async fn sector_codes_are_isic_sections_next_to_the_free_text() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let mut body = tucp();
    body["sector"] = json!("transport");
    let org = created(&app, &coordinator.token, &body).await;
    assert_eq!(org["sector"], "transport");
    assert_eq!(org["sector_code"], "H", "guessed from the sector word");
    let id = org["id"].as_i64().unwrap();

    let mut body = tucp();
    body["name"] = json!("Domestic Workers Union");
    body["sector"] = json!("platform_work");
    let org = created(&app, &coordinator.token, &body).await;
    assert_eq!(
        org["sector_code"],
        Value::Null,
        "no section for platform work"
    );
    body["name"] = json!("Kasambahay Union");
    body["sector_code"] = json!("T");
    let org = created(&app, &coordinator.token, &body).await;
    assert_eq!(org["sector_code"], "T");

    // A new sector word alone leaves the code; the code is set and cleared by itself.
    let res = patch(
        &app,
        &coordinator.token,
        id,
        None,
        &json!({"sector": "education"}),
    )
    .await;
    let org: Value = res.json().await.unwrap();
    assert_eq!(
        (org["sector"].as_str(), org["sector_code"].as_str()),
        (Some("education"), Some("H"))
    );
    let res = patch(
        &app,
        &coordinator.token,
        id,
        None,
        &json!({"sector_code": "P"}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["sector_code"], "P");
    let res = patch(
        &app,
        &coordinator.token,
        id,
        None,
        &json!({"sector_code": null}),
    )
    .await;
    let org: Value = res.json().await.unwrap();
    assert_eq!(org["sector_code"], Value::Null);
    assert_eq!(org["sector"], "education");

    // Not a section: the body is unreadable (400), as for any closed vocabulary.
    let res = patch(
        &app,
        &coordinator.token,
        id,
        None,
        &json!({"sector_code": "Z"}),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
    let (status, read) = app.get_json(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!((status, read["sector_code"].clone()), (200, Value::Null));
}
