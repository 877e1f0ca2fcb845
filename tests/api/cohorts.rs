//! Cohorts through HTTP: creation and editing, languages, states, denials and bad input.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};

pub(crate) async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.authed(method, path, token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

/// The shared one, for the cohort tests that import it from here.
pub(crate) use crate::helpers::ok_json;

pub(crate) fn header(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// A published course made by `coordinator`; its id.
pub(crate) async fn published_course(app: &TestApp, coordinator: &TestUser, slug: &str) -> i64 {
    let res = send(
        app,
        Method::POST,
        "/api/v1/courses",
        &coordinator.token,
        Some(json!({
            "slug": slug, "default_language": "en", "title": "Organising platform workers",
            "level": "introductory", "format": "cohort"
        })),
    )
    .await;
    let id = ok_json(res, 201).await["id"].as_i64().unwrap();
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/courses/{id}/publish"),
        &coordinator.token,
        None,
    )
    .await;
    ok_json(res, 200).await;
    id
}

pub(crate) fn cohort_body(facilitators: &[i64], courses: &[i64]) -> Value {
    json!({
        "kind": "tot",
        "default_language": "en",
        "title": "Training of e-trainers, Asia-Pacific 2027",
        "description": "Union educators become **e-trainers**.",
        "starts_on": "2027-02-01",
        "ends_on": "2027-03-15",
        "time_zone": "Asia/Manila",
        "delivery_language": "en",
        "interpretation_languages": ["fil", "id", "fil"],
        "capacity": 30,
        "region": "asia-pacific",
        "facilitator_ids": facilitators,
        "course_ids": courses,
    })
}

pub(crate) async fn create(app: &TestApp, coordinator: &TestUser, body: Value) -> Value {
    let res = send(
        app,
        Method::POST,
        "/api/v1/cohorts",
        &coordinator.token,
        Some(body),
    )
    .await;
    ok_json(res, 201).await
}

pub(crate) async fn transition(
    app: &TestApp,
    user: &TestUser,
    id: i64,
    to: &str,
) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/cohorts/{id}/transitions"),
        &user.token,
        Some(json!({"status": to})),
    )
    .await
}

pub(crate) fn set_language(app: &TestApp, user: &TestUser, language: &str) {
    use bayanihan::db::schema::users::dsl;
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    diesel::update(dsl::users.filter(dsl::id.eq(user.id)))
        .set(dsl::preferred_language.eq(language))
        .execute(&mut *conn)
        .unwrap();
}

/// A call inviting a fresh Philippine union, closing a week before the cohort starts: what
/// a cohort needs before it opens nominations. Returns the union's id.
pub(crate) async fn write_call(app: &TestApp, coordinator: &TestUser, id: i64) -> i64 {
    use bayanihan::organisations::model::OrganisationKind;
    let org = app.insert_org(
        &format!("Union {}", uuid::Uuid::new_v4().simple()),
        None,
        "PH",
        OrganisationKind::Union,
        None,
    );
    let res = send(
        app,
        Method::PUT,
        &format!("/api/v1/cohorts/{id}/call"),
        &coordinator.token,
        Some(json!({"deadline": "2027-01-25T00:00:00Z", "invited_organisation_ids": [org]})),
    )
    .await;
    ok_json(res, 201).await;
    org
}

#[tokio::test]
async fn coordinators_create_cohorts_that_everyone_reads_in_their_language() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let course = published_course(&app, &coordinator, "organising-platform-workers").await;
    let body = cohort_body(&[trainer.id], &[course]);

    // Anonymous callers, members and trainers do not create cohorts.
    let res = app.post_json("/api/v1/cohorts", &body).await;
    assert_problem(res, 401, "login_required").await;
    for user in [&member, &trainer] {
        let res = send(
            &app,
            Method::POST,
            "/api/v1/cohorts",
            &user.token,
            Some(body.clone()),
        )
        .await;
        assert_problem(res, 403, "forbidden").await;
    }

    let res = send(
        &app,
        Method::POST,
        "/api/v1/cohorts",
        &coordinator.token,
        Some(body),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(header(&res, "content-language").as_deref(), Some("en"));
    let location = header(&res, "location").unwrap();
    let created_tag = etag(&res);
    let cohort: Value = res.json().await.unwrap();
    let id = cohort["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/cohorts/{id}"));
    assert_eq!(created_tag, format!("\"cohort-{id}-v1-en\""));
    assert_eq!(cohort["status"], "planning");
    assert_eq!(cohort["kind"], "tot");
    assert_eq!(cohort["starts_on"], "2027-02-01");
    assert_eq!(cohort["ends_on"], "2027-03-15");
    assert_eq!(cohort["time_zone"], "Asia/Manila");
    assert_eq!(cohort["interpretation_languages"], json!(["fil", "id"]));
    assert_eq!(cohort["facilitator_ids"], json!([trainer.id]));
    assert_eq!(cohort["course_ids"], json!([course]));
    assert_eq!(cohort["available_languages"], json!(["en"]));

    // Anyone reads it at its Location; the tag gives 304.
    let res = app.get(&location).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "vary").as_deref(), Some("Accept-Language"));
    let tag = etag(&res);
    assert_eq!(tag, created_tag);
    let res = app
        .client
        .get(app.url(&location))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    // A Filipino translation: 201 with the Location of the cohort in Filipino, then the
    // same texts again change nothing.
    let path = format!("/api/v1/cohorts/{id}/translations/fil");
    let texts =
        json!({"title": "Pagsasanay ng mga e-trainer", "description": "Para sa mga edukador."});
    let res = send(
        &app,
        Method::PUT,
        &path,
        &coordinator.token,
        Some(texts.clone()),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        header(&res, "location").unwrap(),
        format!("/api/v1/cohorts/{id}?lang=fil")
    );
    let fil_tag = etag(&res);
    assert_eq!(fil_tag, format!("\"cohort-{id}-v2-fil\""));
    let res = send(&app, Method::PUT, &path, &coordinator.token, Some(texts)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(etag(&res), fil_tag);

    // Accept-Language and ?lang= pick the language, falling back to the default one.
    let res = app
        .client
        .get(app.url(&location))
        .header("accept-language", "fil-PH, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "content-language").as_deref(), Some("fil"));
    let read: Value = res.json().await.unwrap();
    assert_eq!(read["title"], "Pagsasanay ng mga e-trainer");
    assert_eq!(read["available_languages"], json!(["en", "fil"]));
    let (status, read) = app.get_json(&format!("{location}?lang=de")).await;
    assert_eq!(status, 200);
    assert_eq!(read["language"], "en");
    assert_eq!(read["title"], "Training of e-trainers, Asia-Pacific 2027");
    // A logged-in reader's preferred language applies when the request names none.
    set_language(&app, &member, "fil");
    let res = send(&app, Method::GET, &location, &member.token, None).await;
    assert_eq!(ok_json(res, 200).await["language"], "fil");
    let res = app.get(&format!("{location}?lang=not a tag")).await;
    assert_problem(res, 400, "invalid_query").await;
    assert_eq!(app.get("/api/v1/cohorts/999999").await.status(), 404);
}

#[tokio::test]
async fn facilitators_edit_texts_and_only_coordinators_change_the_rest() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let facilitator = app.user("trainer").await;
    let other_trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let cohort = create(&app, &coordinator, cohort_body(&[facilitator.id], &[])).await;
    let id = cohort["id"].as_i64().unwrap();
    let path = format!("/api/v1/cohorts/{id}");

    // The facilitator changes the texts.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &facilitator.token,
        Some(json!({"title": "E-trainers 2027"})),
    )
    .await;
    let tag = etag(&res);
    let changed = ok_json(res, 200).await;
    assert_eq!(changed["title"], "E-trainers 2027");
    assert_eq!(tag, format!("\"cohort-{id}-v2-en\""));
    let res = send(
        &app,
        Method::PUT,
        &format!("{path}/translations/id"),
        &facilitator.token,
        Some(json!({"title": "Pelatihan e-trainer"})),
    )
    .await;
    assert_eq!(res.status(), 201);

    // But not the rest; another trainer, a member: nothing at all.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &facilitator.token,
        Some(json!({"capacity": 40})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    for user in [&other_trainer, &member] {
        let res = send(
            &app,
            Method::PATCH,
            &path,
            &user.token,
            Some(json!({"title": "Mine"})),
        )
        .await;
        assert_problem(res, 403, "forbidden").await;
        let res = send(
            &app,
            Method::PUT,
            &format!("{path}/translations/fil"),
            &user.token,
            Some(json!({"title": "Akin"})),
        )
        .await;
        assert_problem(res, 403, "forbidden").await;
    }
    let res = app
        .client
        .patch(app.url(&path))
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "login_required").await;

    // A facilitator demoted to member loses the power.
    {
        use bayanihan::db::schema::users::dsl;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        diesel::update(dsl::users.filter(dsl::id.eq(facilitator.id)))
            .set(dsl::role.eq("member"))
            .execute(&mut *conn)
            .unwrap();
    }
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &facilitator.token,
        Some(json!({"title": "Again"})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;

    // The coordinator changes anything, with If-Match; a stale tag is 412.
    let res = send(&app, Method::GET, &path, &coordinator.token, None).await;
    let current = etag(&res);
    let res = app
        .authed(Method::PATCH, &path, &coordinator.token)
        .header("if-match", &tag)
        .json(&json!({"capacity": 40}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = app
        .authed(Method::PATCH, &path, &coordinator.token)
        .header("if-match", &current)
        .json(&json!({
            "capacity": 40, "kind": "training", "region": "pacific", "time_zone": "Pacific/Fiji",
            "ends_on": "2027-04-01", "facilitator_ids": [other_trainer.id],
            "interpretation_languages": []
        }))
        .send()
        .await
        .unwrap();
    let new_tag = etag(&res);
    let changed = ok_json(res, 200).await;
    assert_eq!(changed["capacity"], 40);
    assert_eq!(changed["kind"], "training");
    assert_eq!(changed["time_zone"], "Pacific/Fiji");
    assert_eq!(changed["ends_on"], "2027-04-01");
    assert_eq!(changed["facilitator_ids"], json!([other_trainer.id]));
    assert_eq!(changed["interpretation_languages"], json!([]));
    assert_ne!(new_tag, current);

    // The same values again change nothing: the same tag and updated_at.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({"capacity": 40})),
    )
    .await;
    assert_eq!(etag(&res), new_tag);
    assert_eq!(ok_json(res, 200).await["updated_at"], changed["updated_at"]);

    // The new facilitator edits texts now.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &other_trainer.token,
        Some(json!({"description": "New"})),
    )
    .await;
    assert_eq!(ok_json(res, 200).await["description"], "New");
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let published = published_course(&app, &coordinator, "published-one").await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses",
        &coordinator.token,
        Some(
            json!({"slug": "a-draft", "default_language": "en", "title": "Draft",
            "level": "introductory", "format": "cohort"}),
        ),
    )
    .await;
    let draft = ok_json(res, 201).await["id"].as_i64().unwrap();

    let post = |body: Value| {
        let app = &app;
        let token = coordinator.token.clone();
        async move { send(app, Method::POST, "/api/v1/cohorts", &token, Some(body)).await }
    };
    let field_code = |body: &Value| -> Vec<(String, String)> {
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
    };
    let with = |changes: Value| {
        let mut body = cohort_body(&[trainer.id], &[published]);
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };

    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"ends_on": "2027-01-31"}),
            "ends_on",
            "ends_before_start",
        ),
        (
            json!({"time_zone": "Mars/Olympus_Mons"}),
            "time_zone",
            "invalid_time_zone",
        ),
        (
            json!({"time_zone": "+08:00"}),
            "time_zone",
            "invalid_time_zone",
        ),
        (
            json!({"delivery_language": "english"}),
            "delivery_language",
            "invalid_language",
        ),
        (
            json!({"interpretation_languages": ["fil", "x"]}),
            "interpretation_languages",
            "invalid_language",
        ),
        (json!({"capacity": 0}), "capacity", "invalid_capacity"),
        (
            json!({"region": "Asia Pacific"}),
            "region",
            "invalid_region",
        ),
        (json!({"title": "  "}), "title", "invalid_title"),
        (
            json!({"facilitator_ids": [member.id]}),
            "facilitator_ids",
            "not_a_trainer",
        ),
        (
            json!({"facilitator_ids": [987654]}),
            "facilitator_ids",
            "unknown_user",
        ),
        (
            json!({"facilitator_ids": (1..=21).collect::<Vec<i64>>()}),
            "facilitator_ids",
            "too_many",
        ),
        (
            json!({"course_ids": [draft]}),
            "course_ids",
            "course_not_published",
        ),
        (
            json!({"course_ids": [987654]}),
            "course_ids",
            "unknown_course",
        ),
    ];
    for (changes, field, code) in cases {
        let res = post(with(changes.clone())).await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(
            field_code(&body),
            vec![(field.to_owned(), code.to_owned())],
            "{changes}"
        );
    }
    // Every field error at once.
    let res = post(with(
        json!({"ends_on": "2026-01-01", "time_zone": "Nowhere"}),
    ))
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);
    // Unreadable dates and unknown fields are 400.
    let res = post(with(json!({"starts_on": "1 Feb 2027"}))).await;
    assert_problem(res, 400, "invalid_body").await;
    let res = post(with(json!({"status": "running"}))).await;
    assert_problem(res, 400, "unknown_field").await;
    let res = post(with(json!({"kind": "webinar"}))).await;
    assert_problem(res, 400, "invalid_body").await;

    // A PATCH is checked against the stored dates; `null` is refused.
    let cohort = create(&app, &coordinator, cohort_body(&[trainer.id], &[published])).await;
    let path = format!("/api/v1/cohorts/{}", cohort["id"]);
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({"ends_on": "2027-01-01"})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        field_code(&body),
        vec![("ends_on".to_owned(), "ends_before_start".to_owned())]
    );
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({"course_ids": [draft]})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        field_code(&body),
        vec![("course_ids".to_owned(), "course_not_published".to_owned())]
    );
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({"time_zone": "Asia/Nowhere"})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({"title": null})),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({"capacity": null})),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("{path}/translations/not-a-language!"),
        &coordinator.token,
        Some(json!({"title": "x"})),
    )
    .await;
    assert_problem(res, 400, "invalid_path").await;
    // Nothing of the refused writes stuck.
    let (_, read) = app.get_json(&path).await;
    assert_eq!(read["ends_on"], "2027-03-15");
    assert_eq!(read["course_ids"], json!([published]));
}

#[tokio::test]
async fn coordinators_move_cohorts_through_their_states_and_cancelling_emails_facilitators() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let trainer_en = app.user("trainer").await;
    let trainer_fil = app.user("trainer").await;
    set_language(&app, &trainer_fil, "fil");
    let cohort = create(
        &app,
        &coordinator,
        cohort_body(&[trainer_en.id, trainer_fil.id], &[]),
    )
    .await;
    let id = cohort["id"].as_i64().unwrap();
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/cohorts/{id}/translations/fil"),
        &coordinator.token,
        Some(json!({"title": "Pagsasanay ng mga e-trainer"})),
    )
    .await;
    assert_eq!(res.status(), 201);

    // Facilitators do not move the state; skipping a state is a conflict.
    let res = transition(&app, &trainer_en, id, "nominations_open").await;
    assert_problem(res, 403, "forbidden").await;
    let res = transition(&app, &coordinator, id, "running").await;
    assert_problem(res, 409, "invalid_transition").await;
    let res = transition(&app, &coordinator, id, "planning").await;
    assert_problem(res, 409, "invalid_transition").await;
    let res = transition(&app, &coordinator, id, "paused").await;
    assert_problem(res, 400, "invalid_body").await;

    // Opening nominations publishes the call: there must be one.
    let res = transition(&app, &coordinator, id, "nominations_open").await;
    assert_problem(res, 409, "no_call").await;
    write_call(&app, &coordinator, id).await;
    for status in ["nominations_open", "selection", "running"] {
        let res = transition(&app, &coordinator, id, status).await;
        assert_eq!(ok_json(res, 200).await["status"], status);
    }
    // A cohort past planning is not deleted.
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/cohorts/{id}"),
        &coordinator.token,
        None,
    )
    .await;
    assert_problem(res, 409, "not_deletable").await;

    // A stale If-Match refuses the move.
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/cohorts/{id}/transitions"),
            &coordinator.token,
        )
        .header("if-match", format!("\"cohort-{id}-v1-en\""))
        .json(&json!({"status": "cancelled"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    assert!(app.outbox().is_empty());

    let res = transition(&app, &coordinator, id, "cancelled").await;
    assert_eq!(ok_json(res, 200).await["status"], "cancelled");
    let mut outbox = app.outbox();
    outbox.sort();
    let mut expected = vec![trainer_en.email.clone(), trainer_fil.email.clone()];
    expected.sort();
    assert_eq!(
        outbox
            .iter()
            .map(|(to, _, _)| to.clone())
            .collect::<Vec<_>>(),
        expected
    );
    let (_, subject_en, text_en) = outbox
        .iter()
        .find(|(to, _, _)| *to == trainer_en.email)
        .unwrap();
    assert_eq!(
        subject_en,
        "Cancelled: Training of e-trainers, Asia-Pacific 2027"
    );
    assert!(text_en.contains("2027-02-01"), "{text_en}");
    let (_, subject_fil, text_fil) = outbox
        .iter()
        .find(|(to, _, _)| *to == trainer_fil.email)
        .unwrap();
    assert_eq!(subject_fil, "Kinansela: Pagsasanay ng mga e-trainer");
    assert!(text_fil.contains("Kinansela"), "{text_fil}");

    // Nothing follows cancelled, nor completed.
    let res = transition(&app, &coordinator, id, "cancelled").await;
    assert_problem(res, 409, "invalid_transition").await;
    let other = create(&app, &coordinator, cohort_body(&[], &[])).await;
    let other = other["id"].as_i64().unwrap();
    write_call(&app, &coordinator, other).await;
    for status in ["nominations_open", "selection", "running", "completed"] {
        ok_json(transition(&app, &coordinator, other, status).await, 200).await;
    }
    let res = transition(&app, &coordinator, other, "cancelled").await;
    assert_problem(res, 409, "invalid_transition").await;

    // A cohort in planning can be deleted, by coordinators only.
    let third = create(&app, &coordinator, cohort_body(&[], &[])).await;
    let path = format!("/api/v1/cohorts/{}", third["id"]);
    let res = send(&app, Method::DELETE, &path, &trainer_en.token, None).await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .authed(Method::DELETE, &path, &coordinator.token)
        .header("if-match", "\"cohort-1-v99\"")
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = send(&app, Method::DELETE, &path, &coordinator.token, None).await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get(&path).await.status(), 404);
}

#[tokio::test]
async fn the_list_filters_and_pages_by_start_date() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let mut ids = Vec::new();
    for (starts, kind, region) in [
        ("2027-05-01", "training", "pacific"),
        ("2027-01-10", "tot", "asia-pacific"),
        ("2027-03-01", "training", "asia-pacific"),
    ] {
        let mut body = cohort_body(&[], &[]);
        body["starts_on"] = json!(starts);
        body["ends_on"] = json!("2027-12-31");
        body["kind"] = json!(kind);
        body["region"] = json!(region);
        ids.push(
            create(&app, &coordinator, body).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    write_call(&app, &coordinator, ids[2]).await;
    ok_json(
        transition(&app, &coordinator, ids[2], "nominations_open").await,
        200,
    )
    .await;
    let list_ids = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };

    let res = app.get("/api/v1/cohorts").await;
    assert_eq!(header(&res, "content-language").as_deref(), Some("en"));
    let page: Value = res.json().await.unwrap();
    assert_eq!(list_ids(&page), vec![ids[1], ids[2], ids[0]]);
    assert!(page["next_cursor"].is_null());

    let (_, page) = app.get_json("/api/v1/cohorts?kind=training").await;
    assert_eq!(list_ids(&page), vec![ids[2], ids[0]]);
    let (_, page) = app
        .get_json("/api/v1/cohorts?region=asia-pacific&status=planning")
        .await;
    assert_eq!(list_ids(&page), vec![ids[1]]);
    let (_, page) = app
        .get_json("/api/v1/cohorts?status=nominations_open")
        .await;
    assert_eq!(list_ids(&page), vec![ids[2]]);

    // Pages of one, following the cursor.
    let mut seen = Vec::new();
    let mut path = "/api/v1/cohorts?limit=1".to_owned();
    loop {
        let (status, page) = app.get_json(&path).await;
        assert_eq!(status, 200);
        seen.extend(list_ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/cohorts?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, vec![ids[1], ids[2], ids[0]]);

    for bad in [
        "status=paused",
        "kind=webinar",
        "region=Asia",
        "limit=0",
        "cursor=zzz",
        "colour=red",
    ] {
        let res = app.get(&format!("/api/v1/cohorts?{bad}")).await;
        assert_eq!(res.status(), 400, "{bad}");
    }
}

// ---------------------------------------------------------------- the profile cohorts read

#[tokio::test]
async fn leaders_and_coordinators_set_a_members_union_role() {
    use bayanihan::organisations::model::OrganisationKind;
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let leader = app.user("member").await;
    let member = app.user("member").await;
    let org = app.insert_org(
        "Union of Teachers",
        None,
        "PH",
        OrganisationKind::Union,
        None,
    );
    let memberships = format!("/api/v1/organisations/{org}/memberships");
    for user in [&leader, &member] {
        let res = send(&app, Method::POST, &memberships, &user.token, None).await;
        assert_eq!(ok_json(res, 201).await["union_role"], "member");
    }
    // The coordinator approves the leader as leader and organiser at once.
    let res = send(
        &app,
        Method::PATCH,
        &format!("{memberships}/{}", leader.id),
        &coordinator.token,
        Some(json!({"status": "approved", "role": "leader", "union_role": "organiser"})),
    )
    .await;
    let body = ok_json(res, 200).await;
    assert_eq!(
        (body["role"].as_str(), body["union_role"].as_str()),
        (Some("leader"), Some("organiser"))
    );

    // A plain member sets nobody's union role, not even their own.
    let path = format!("{memberships}/{}", member.id);
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &member.token,
        Some(json!({"union_role": "educator"})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;

    // The leader approves and then sets the union role alone: a new version each time.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &leader.token,
        Some(json!({"status": "approved"})),
    )
    .await;
    let approved_tag = etag(&res);
    assert_eq!(ok_json(res, 200).await["union_role"], "member");
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &leader.token,
        Some(json!({"union_role": "shop_steward"})),
    )
    .await;
    let tag = etag(&res);
    let body = ok_json(res, 200).await;
    assert_eq!(body["union_role"], "shop_steward");
    assert_eq!(body["status"], "approved");
    assert_ne!(tag, approved_tag);
    // The same again changes nothing; the member sees it among their memberships.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &leader.token,
        Some(json!({"union_role": "shop_steward"})),
    )
    .await;
    assert_eq!(etag(&res), tag);
    let res = send(
        &app,
        Method::GET,
        "/api/v1/me/memberships",
        &member.token,
        None,
    )
    .await;
    assert_eq!(ok_json(res, 200).await[0]["union_role"], "shop_steward");

    // Outside the vocabulary: 400; a leader role without a decision: 422.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &leader.token,
        Some(json!({"union_role": "president"})),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({"role": "leader"})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "status");
}

#[tokio::test]
async fn members_record_their_languages_with_a_cefr_level() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let other = app.user("member").await;
    let path = "/api/v1/me/languages";

    assert_problem(app.get(path).await, 401, "login_required").await;
    let res = send(&app, Method::GET, path, &member.token, None).await;
    assert_eq!(header(&res, "cache-control").as_deref(), Some("no-store"));
    assert_eq!(ok_json(res, 200).await, json!({"languages": []}));

    let res = send(
        &app,
        Method::PUT,
        path,
        &member.token,
        Some(json!({"languages": [{"language": "fil", "level": "C2"}, {"language": "EN", "level": "B1"}]})),
    )
    .await;
    let expected = json!({"languages": [
        {"language": "en", "level": "B1"}, {"language": "fil", "level": "C2"}
    ]});
    assert_eq!(ok_json(res, 200).await, expected);
    let res = send(&app, Method::GET, path, &member.token, None).await;
    assert_eq!(ok_json(res, 200).await, expected);
    // Each member has their own.
    let res = send(&app, Method::GET, path, &other.token, None).await;
    assert_eq!(ok_json(res, 200).await, json!({"languages": []}));

    // Levels outside A1–C2, bad tags, a language twice, too many: 422 naming the item.
    for (languages, field, code) in [
        (
            json!([{"language": "en", "level": "C3"}]),
            "languages[0].level",
            "invalid_level",
        ),
        (
            json!([{"language": "en", "level": "a1"}]),
            "languages[0].level",
            "invalid_level",
        ),
        (
            json!([{"language": "en", "level": "B1"}, {"language": "english", "level": "B1"}]),
            "languages[1].language",
            "invalid_language",
        ),
        (
            json!([{"language": "en", "level": "B1"}, {"language": "en", "level": "C1"}]),
            "languages[1].language",
            "duplicate_language",
        ),
        (
            json!(vec![json!({"language": "en", "level": "B1"}); 21]),
            "languages",
            "too_many",
        ),
    ] {
        let res = send(
            &app,
            Method::PUT,
            path,
            &member.token,
            Some(json!({"languages": languages})),
        )
        .await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], field, "{body}");
        assert_eq!(body["errors"][0]["code"], code, "{body}");
    }
    let res = send(
        &app,
        Method::PUT,
        path,
        &member.token,
        Some(json!({"languages": [{"language": "en", "level": "B1", "since": 2001}]})),
    )
    .await;
    assert_problem(res, 400, "unknown_field").await;
    // Nothing of the refused writes stuck; an empty list clears them.
    let res = send(&app, Method::GET, path, &member.token, None).await;
    assert_eq!(ok_json(res, 200).await, expected);
    let res = send(
        &app,
        Method::PUT,
        path,
        &member.token,
        Some(json!({"languages": []})),
    )
    .await;
    assert_eq!(ok_json(res, 200).await, json!({"languages": []}));
}

/// A cohort's texts, facilitators and courses are kept between reads (with the version
/// they were read at): every change shows in the next read, of the cohort and of the list.
#[tokio::test]
async fn a_cohort_read_again_shows_every_change() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let first = app.user("trainer").await;
    let second = app.user("trainer").await;
    let course_a = published_course(&app, &coordinator, "kept-a").await;
    let course_b = published_course(&app, &coordinator, "kept-b").await;
    let cohort = create(&app, &coordinator, cohort_body(&[first.id], &[course_a])).await;
    let id = cohort["id"].as_i64().unwrap();
    let path = format!("/api/v1/cohorts/{id}");
    let read = |lang: &'static str| {
        let app = &app;
        let path = &path;
        async move {
            let res = app
                .client
                .get(app.url(&format!("{path}?lang={lang}")))
                .send()
                .await
                .unwrap();
            let tag = etag(&res);
            (tag, ok_json(res, 200).await)
        }
    };
    let listed = |app: &TestApp| {
        let url = app.url("/api/v1/cohorts?limit=100&lang=fil");
        let client = app.client.clone();
        async move {
            let res = client.get(url).send().await.unwrap();
            let page = ok_json(res, 200).await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == id)
                .cloned()
                .unwrap()
        }
    };
    // Read twice (the second from what was kept), and listed.
    for _ in 0..2 {
        let (tag, body) = read("fil").await;
        assert_eq!(tag, format!("\"cohort-{id}-v1-en\""));
        assert_eq!(body["facilitator_ids"], json!([first.id]));
        assert_eq!(body["course_ids"], json!([course_a]));
        assert_eq!(body["language"], "en");
        assert_eq!(listed(&app).await["title"], cohort["title"]);
    }

    // Facilitators, courses and the title change: the next reads show them.
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({
            "title": "E-trainers, second intake",
            "facilitator_ids": [second.id, first.id],
            "course_ids": [course_b, course_a],
        })),
    )
    .await;
    ok_json(res, 200).await;
    let (tag, body) = read("fil").await;
    assert_eq!(tag, format!("\"cohort-{id}-v2-en\""));
    assert_eq!(body["title"], "E-trainers, second intake");
    let mut facilitators = vec![first.id, second.id];
    facilitators.sort_unstable();
    assert_eq!(body["facilitator_ids"], json!(facilitators));
    assert_eq!(body["course_ids"], json!([course_b, course_a]));
    let item = listed(&app).await;
    assert_eq!(item["title"], "E-trainers, second intake");
    assert_eq!(item["course_ids"], json!([course_b, course_a]));

    // A new language: read in it at once, from the cohort and from the list.
    let res = send(
        &app,
        Method::PUT,
        &format!("{path}/translations/fil"),
        &coordinator.token,
        Some(json!({"title": "Mga e-trainer", "description": "Para sa mga guro ng unyon."})),
    )
    .await;
    assert_eq!(res.status(), 201);
    let (tag, body) = read("fil").await;
    assert_eq!(tag, format!("\"cohort-{id}-v3-fil\""));
    assert_eq!(body["title"], "Mga e-trainer");
    assert_eq!(body["available_languages"], json!(["en", "fil"]));
    assert_eq!(listed(&app).await["title"], "Mga e-trainer");
    let (_, body) = read("en").await;
    assert_eq!(body["title"], "E-trainers, second intake");

    // Its texts changed again in that language.
    let res = send(
        &app,
        Method::PUT,
        &format!("{path}/translations/fil"),
        &coordinator.token,
        Some(json!({"title": "Mga e-trainer 2027", "description": "Para sa mga guro."})),
    )
    .await;
    ok_json(res, 200).await;
    let (_, body) = read("fil").await;
    assert_eq!(body["title"], "Mga e-trainer 2027");
    assert_eq!(body["description"], "Para sa mga guro.");
}
