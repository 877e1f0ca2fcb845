//! The resource library: publishing and moderation, texts in several languages, audiences,
//! take-downs, search and filters, bookmarks, votes and collections.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

pub fn resource_body(title: &str) -> Value {
    json!({
        "kind": "toolkit",
        "default_language": "en",
        "title": title,
        "description": "Organising platform workers: a step-by-step toolkit for union educators.",
        "licence": "CC-BY-4.0",
        "topics": ["platform-workers", "organising"],
        "countries": ["PH", "ID"]
    })
}

pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    user: Option<&TestUser>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path));
    if let Some(user) = user {
        req = req.bearer_auth(&user.token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

pub async fn ok_json(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let url = res.url().to_string();
    let text = res.text().await.unwrap();
    assert_eq!(code, status, "{url}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// Creates a resource as `user`; its answer.
pub async fn create_resource(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let res = send(
        app,
        Method::POST,
        "/api/v1/resources",
        Some(user),
        Some(body),
    )
    .await;
    ok_json(res, 201).await
}

#[tokio::test]
async fn trainers_publish_members_submit_and_moderators_decide() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let other = app.user("member").await;
    let coordinator = app.user("coordinator").await;

    let res = send(
        &app,
        Method::POST,
        "/api/v1/resources",
        Some(&trainer),
        Some(resource_body("Platform workers' rights toolkit")),
    )
    .await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(res.headers().get("etag").is_some());
    let published = ok_json(res, 201).await;
    assert_eq!(published["status"], "published");
    assert_eq!(
        published["topics"],
        json!(["organising", "platform-workers"])
    );
    assert_eq!(published["countries"], json!(["ID", "PH"]));
    let (status, body) = app.get_json(&location).await;
    assert_eq!(
        status, 200,
        "anyone reads a published public resource: {body}"
    );

    let submitted = create_resource(&app, &member, resource_body("Heat stress checklist")).await;
    assert_eq!(submitted["status"], "pending");
    let id = submitted["id"].as_i64().unwrap();
    let path = format!("/api/v1/resources/{id}");
    assert_problem(app.get(&path).await, 404, "not_found").await;
    assert_problem(
        send(&app, Method::GET, &path, Some(&other), None).await,
        404,
        "not_found",
    )
    .await;
    ok_json(
        send(&app, Method::GET, &path, Some(&member), None).await,
        200,
    )
    .await;

    // The queue: coordinators see every pending resource, members their own.
    let queue = ok_json(
        send(
            &app,
            Method::GET,
            "/api/v1/resources?status=pending",
            Some(&coordinator),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    let theirs = ok_json(
        send(
            &app,
            Method::GET,
            "/api/v1/resources?status=pending",
            Some(&other),
            None,
        )
        .await,
        200,
    )
    .await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    assert_problem(
        app.get("/api/v1/resources?status=pending").await,
        401,
        "login_required",
    )
    .await;
    let public = ok_json(app.get("/api/v1/resources").await, 200).await;
    assert_eq!(
        public["items"].as_array().unwrap().len(),
        1,
        "only the published one"
    );

    assert_problem(
        send(
            &app,
            Method::POST,
            &format!("{path}/approve"),
            Some(&trainer),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::POST,
            &format!("{path}/approve"),
            Some(&member),
            None,
        )
        .await,
        403,
        "not_a_library_moderator",
    )
    .await;
    let approved = ok_json(
        send(
            &app,
            Method::POST,
            &format!("{path}/approve"),
            Some(&coordinator),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(approved["status"], "published");
    assert!(approved["published_at"].is_string());
    assert_eq!(app.get(&path).await.status().as_u16(), 200);
    assert_problem(
        send(
            &app,
            Method::POST,
            &format!("{path}/approve"),
            Some(&coordinator),
            None,
        )
        .await,
        409,
        "not_pending",
    )
    .await;

    // A member's change sends it back to the queue; a rejection carries its reason.
    let changed = ok_json(
        send(
            &app,
            Method::PATCH,
            &path,
            Some(&member),
            Some(json!({"licence": "CC-BY-SA-4.0"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["status"], "pending");
    let rejected = ok_json(
        send(
            &app,
            Method::POST,
            &format!("{path}/reject"),
            Some(&coordinator),
            Some(json!({"reason": "Please add the source."})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    let own = ok_json(
        send(&app, Method::GET, &path, Some(&member), None).await,
        200,
    )
    .await;
    assert_eq!(own["status_reason"], "Please add the source.");
    assert_problem(
        send(
            &app,
            Method::POST,
            &format!("{path}/reject"),
            Some(&coordinator),
            Some(json!({"reason": ""})),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let log = ok_json(
        send(
            &app,
            Method::GET,
            &format!("{path}/moderation-log"),
            Some(&member),
            None,
        )
        .await,
        200,
    )
    .await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["submitted", "approved", "submitted", "rejected"]);
    assert_problem(
        send(
            &app,
            Method::GET,
            &format!("{path}/moderation-log"),
            Some(&other),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // Others may not change it.
    let trainers = published["id"].as_i64().unwrap();
    assert_problem(
        send(
            &app,
            Method::PATCH,
            &format!("/api/v1/resources/{trainers}"),
            Some(&member),
            Some(json!({"kind": "document"})),
        )
        .await,
        403,
        "not_resource_owner",
    )
    .await;
}

#[tokio::test]
async fn texts_fall_back_and_search_finds_every_language() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let r = create_resource(
        &app,
        &trainer,
        resource_body("Platform workers' rights toolkit"),
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    let path = format!("/api/v1/resources/{id}");
    let res = send(&app, Method::PUT, &format!("{path}/translations/fil"), Some(&trainer),
        Some(json!({"title": "Gabay sa karapatan ng mga manggagawa sa plataporma", "description": "Para sa mga tagapagturo ng unyon."}))).await;
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("{path}?lang=fil")
    );
    ok_json(res, 201).await;
    let res = app
        .client
        .get(app.url(&path))
        .header("Accept-Language", "fil-PH, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-language"], "fil");
    let body = ok_json(res, 200).await;
    assert_eq!(body["languages"], json!(["en", "fil"]));
    assert!(body["title"].as_str().unwrap().starts_with("Gabay"));
    let de = ok_json(app.get(&format!("{path}?lang=de")).await, 200).await;
    assert_eq!(de["language"], "en", "falls back to the default language");
    assert_problem(
        app.get(&format!("{path}?lang=!!")).await,
        400,
        "invalid_query",
    )
    .await;

    create_resource(
        &app,
        &trainer,
        json!({
            "kind": "policy_brief", "default_language": "en", "title": "Heat stress at work",
            "licence": "CC-BY-NC-4.0", "topics": ["osh"], "countries": ["VN"]
        }),
    )
    .await;
    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let found = ok_json(app.get("/api/v1/resources?q=manggagawa").await, 200).await;
    assert_eq!(
        found["items"].as_array().unwrap().len(),
        1,
        "found in its second language"
    );
    assert_eq!(found["items"][0]["id"], id);
    let prefix = ok_json(app.get("/api/v1/resources?q=hea").await, 200).await;
    assert_eq!(titles(&prefix), ["Heat stress at work"]);
    assert_eq!(
        titles(&ok_json(app.get("/api/v1/resources?kind=policy_brief").await, 200).await),
        ["Heat stress at work"]
    );
    assert_eq!(
        titles(&ok_json(app.get("/api/v1/resources?topic=osh").await, 200).await),
        ["Heat stress at work"]
    );
    assert_eq!(
        titles(&ok_json(app.get("/api/v1/resources?country=PH").await, 200).await),
        ["Platform workers' rights toolkit"]
    );
    assert_eq!(
        titles(&ok_json(app.get("/api/v1/resources?licence=CC-BY-NC-4.0").await, 200).await),
        ["Heat stress at work"]
    );
    assert_eq!(
        titles(&ok_json(app.get("/api/v1/resources?language=fil").await, 200).await),
        ["Platform workers' rights toolkit"]
    );
    assert!(titles(&ok_json(app.get("/api/v1/resources?country=ZZ").await, 200).await).is_empty());
    assert_problem(
        app.get("/api/v1/resources?country=ph").await,
        400,
        "invalid_query",
    )
    .await;
    let collections = ok_json(
        app.get("/api/v1/resource-collections?lang=fil&limit=5")
            .await,
        200,
    )
    .await;
    assert!(collections["items"].as_array().unwrap().is_empty());
    // A NUL separates words like a space: a blank search is no search.
    assert_eq!(
        titles(&ok_json(app.get("/api/v1/resources?q=%00").await, 200).await).len(),
        2
    );
    assert_problem(
        app.get("/api/v1/resources?topic=Not%20A%20Topic").await,
        400,
        "invalid_query",
    )
    .await;
    assert_problem(
        app.get("/api/v1/resources?licence=GPL-3.0").await,
        400,
        "invalid_query",
    )
    .await;
    // Pages.
    let first = ok_json(app.get("/api/v1/resources?limit=1").await, 200).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = ok_json(
        app.get(&format!("/api/v1/resources?limit=1&cursor={cursor}"))
            .await,
        200,
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
}

#[tokio::test]
async fn bad_input_is_refused_with_every_field_named() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/resources",
        Some(&trainer),
        Some(json!({
            "kind": "link", "default_language": "english", "title": " ", "licence": "CC-BY-4.0",
            "topics": ["Bad Topic"], "countries": ["XX"], "organisation_id": 999999.0,
            "visibility": "cohort"
        })),
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
        "default_language",
        "title",
        "topics",
        "countries",
        "cohort_id",
    ] {
        assert!(fields.contains(&field), "{field} in {body}");
    }
    let mut link = resource_body("A link");
    link["kind"] = json!("link");
    let res = send(
        &app,
        Method::POST,
        "/api/v1/resources",
        Some(&trainer),
        Some(link.clone()),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    link["url"] = json!("https://www.ilo.org/platform-work");
    link["organisation_id"] = json!(999999);
    let body = assert_problem(
        send(
            &app,
            Method::POST,
            "/api/v1/resources",
            Some(&trainer),
            Some(link.clone()),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "unknown_organisation");
    link.as_object_mut().unwrap().remove("organisation_id");
    let created = create_resource(&app, &trainer, link).await;
    assert_problem(
        send(
            &app,
            Method::POST,
            "/api/v1/resources",
            None,
            Some(resource_body("x")),
        )
        .await,
        401,
        "login_required",
    )
    .await;
    let mut unknown = resource_body("x");
    unknown["licence"] = json!("WTFPL");
    assert_problem(
        send(
            &app,
            Method::POST,
            "/api/v1/resources",
            Some(&trainer),
            Some(unknown),
        )
        .await,
        400,
        "invalid_body",
    )
    .await;

    // If-Match, and a PATCH that changes nothing keeps the version.
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/resources/{id}");
    let res = send(&app, Method::GET, &path, Some(&trainer), None).await;
    let tag = crate::helpers::etag(&res);
    let res = app
        .authed(Method::PATCH, &path, &trainer.token)
        .header("If-Match", &tag)
        .json(&json!({"url": null}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .authed(Method::PATCH, &path, &trainer.token)
        .header("If-Match", &tag)
        .json(&json!({"topics": ["osh"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = app
        .authed(Method::PATCH, &path, &trainer.token)
        .header("If-Match", &tag)
        .json(&json!({"topics": ["youth"]}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = send(
        &app,
        Method::PATCH,
        &path,
        Some(&trainer),
        Some(json!({"default_language": "fil"})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "no_translation");
    let res = send(
        &app,
        Method::PATCH,
        &path,
        Some(&trainer),
        Some(json!({"kind": null})),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
    let res = send(
        &app,
        Method::PATCH,
        &path,
        Some(&trainer),
        Some(json!({"cohort_id": 1})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn restricted_resources_are_read_only_by_their_audience() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let outsider = app.user("member").await;
    let community = app.create_community(&coordinator, "public").await;
    assert!(matches!(
        app.join_community(&member, community).await,
        200 | 201
    ));

    let mut body = resource_body("Model collective agreement (draft)");
    body["visibility"] = json!("community");
    body["community_id"] = json!(community);
    let res = send(
        &app,
        Method::POST,
        "/api/v1/resources",
        Some(&trainer),
        Some(body.clone()),
    )
    .await;
    let refused = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(refused["errors"][0]["code"], "not_in_community");
    let r = create_resource(&app, &coordinator, body).await;
    let path = format!("/api/v1/resources/{}", r["id"]);
    ok_json(
        send(&app, Method::GET, &path, Some(&member), None).await,
        200,
    )
    .await;
    assert_problem(
        send(&app, Method::GET, &path, Some(&outsider), None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(app.get(&path).await, 404, "not_found").await;
    let listed = ok_json(
        send(
            &app,
            Method::GET,
            "/api/v1/resources",
            Some(&outsider),
            None,
        )
        .await,
        200,
    )
    .await;
    assert!(listed["items"].as_array().unwrap().is_empty());
    let listed = ok_json(
        send(&app, Method::GET, "/api/v1/resources", Some(&member), None).await,
        200,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    let mut members_only = resource_body("Bargaining notes");
    members_only["visibility"] = json!("members");
    let r = create_resource(&app, &trainer, members_only).await;
    let path = format!("/api/v1/resources/{}", r["id"]);
    assert_problem(app.get(&path).await, 401, "login_required").await;
    ok_json(
        send(&app, Method::GET, &path, Some(&outsider), None).await,
        200,
    )
    .await;
}

#[tokio::test]
async fn a_resource_taken_down_answers_410_with_the_reason() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let coordinator = app.user("coordinator").await;
    let r = create_resource(&app, &trainer, resource_body("Outdated guide")).await;
    let path = format!("/api/v1/resources/{}", r["id"]);
    assert_problem(
        send(
            &app,
            Method::POST,
            &format!("{path}/takedown"),
            Some(&member),
            Some(json!({"reason": "spam"})),
        )
        .await,
        403,
        "not_a_library_moderator",
    )
    .await;
    let down = ok_json(
        send(
            &app,
            Method::POST,
            &format!("{path}/takedown"),
            Some(&trainer),
            Some(json!({"reason": "Superseded by the 2026 edition."})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(down["status"], "taken_down");
    let body = assert_problem(app.get(&path).await, 410, "resource_taken_down").await;
    assert!(
        body["detail"].as_str().unwrap().contains("2026 edition"),
        "{body}"
    );
    assert_problem(
        send(
            &app,
            Method::POST,
            &format!("{path}/takedown"),
            Some(&coordinator),
            Some(json!({"reason": "again"})),
        )
        .await,
        409,
        "already_taken_down",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::POST,
            &format!("{path}/restore"),
            Some(&trainer),
            None,
        )
        .await,
        403,
        "not_a_library_moderator",
    )
    .await;
    ok_json(
        send(
            &app,
            Method::POST,
            &format!("{path}/restore"),
            Some(&coordinator),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(app.get(&path).await.status().as_u16(), 200);
    let res = send(&app, Method::DELETE, &path, Some(&member), None).await;
    assert_problem(res, 403, "not_resource_owner").await;
    assert_eq!(
        send(&app, Method::DELETE, &path, Some(&trainer), None)
            .await
            .status()
            .as_u16(),
        204
    );
    assert_problem(app.get(&path).await, 404, "not_found").await;
}

#[tokio::test]
async fn bookmarks_votes_and_collections() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let a = create_resource(&app, &trainer, resource_body("Toolkit A")).await["id"]
        .as_i64()
        .unwrap();
    let b = create_resource(&app, &trainer, resource_body("Toolkit B")).await["id"]
        .as_i64()
        .unwrap();

    for _ in 0..2 {
        assert_eq!(
            send(
                &app,
                Method::PUT,
                &format!("/api/v1/resources/{a}/bookmark"),
                Some(&member),
                None
            )
            .await
            .status()
            .as_u16(),
            204
        );
        assert_eq!(
            send(
                &app,
                Method::PUT,
                &format!("/api/v1/resources/{a}/vote"),
                Some(&member),
                None
            )
            .await
            .status()
            .as_u16(),
            204
        );
    }
    let mine = ok_json(
        send(
            &app,
            Method::GET,
            "/api/v1/resources?bookmarked=true",
            Some(&member),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let r = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/resources/{a}"),
            Some(&member),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            r["bookmarked"].clone(),
            r["voted_useful"].clone(),
            r["useful_count"].clone()
        ),
        (json!(true), json!(true), json!(1))
    );
    let own = send(
        &app,
        Method::PUT,
        &format!("/api/v1/resources/{a}/vote"),
        Some(&trainer),
        None,
    )
    .await;
    assert_problem(own, 422, "validation_failed").await;
    assert_eq!(
        send(
            &app,
            Method::DELETE,
            &format!("/api/v1/resources/{a}/vote"),
            Some(&member),
            None
        )
        .await
        .status()
        .as_u16(),
        204
    );
    let r = ok_json(app.get(&format!("/api/v1/resources/{a}")).await, 200).await;
    assert_eq!(r["useful_count"], 0);
    assert_problem(
        app.client
            .put(app.url(&format!("/api/v1/resources/{a}/bookmark")))
            .send()
            .await
            .unwrap(),
        401,
        "login_required",
    )
    .await;

    let body =
        json!({"language": "en", "title": "Starter kit for organisers", "resource_ids": [b, a]});
    assert_problem(
        send(
            &app,
            Method::POST,
            "/api/v1/resource-collections",
            Some(&member),
            Some(body.clone()),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/resource-collections",
        Some(&trainer),
        Some(body),
    )
    .await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let c = ok_json(res, 201).await;
    let order: Vec<i64> = c["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [b, a]);
    ok_json(
        send(
            &app,
            Method::PATCH,
            &location,
            Some(&trainer),
            Some(json!({"language": "fil", "title": "Panimulang kit", "resource_ids": [a]})),
        )
        .await,
        200,
    )
    .await;
    let fil = ok_json(app.get(&format!("{location}?lang=fil")).await, 200).await;
    assert_eq!(fil["title"], "Panimulang kit");
    assert_eq!(fil["items"].as_array().unwrap().len(), 1);
    let en = ok_json(app.get(&location).await, 200).await;
    assert_eq!(en["title"], "Starter kit for organisers");
    let bad = send(
        &app,
        Method::POST,
        "/api/v1/resource-collections",
        Some(&trainer),
        Some(json!({"language": "en", "title": "x", "resource_ids": [a, a, 424242]})),
    )
    .await;
    assert_problem(bad, 422, "validation_failed").await;
    assert_problem(
        send(&app, Method::DELETE, &location, Some(&member), None).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        send(&app, Method::DELETE, &location, Some(&trainer), None)
            .await
            .status()
            .as_u16(),
        204
    );
    let list = ok_json(app.get("/api/v1/resource-collections").await, 200).await;
    assert!(list["items"].as_array().unwrap().is_empty());
}
