//! Union memberships through HTTP: asking to join, leaders deciding, listing, leaving.

use bayanihan::organisations::model::OrganisationKind as Kind;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};

/// A timestamp of a body, to compare in time (the text drops trailing zeros of the fraction).
fn at(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a timestamp")).expect("RFC 3339")
}

fn memberships(org: i64) -> String {
    format!("/api/v1/organisations/{org}/memberships")
}

fn membership(org: i64, user: i64) -> String {
    format!("/api/v1/organisations/{org}/memberships/{user}")
}

async fn join(app: &TestApp, org: i64, user: &TestUser) -> reqwest::Response {
    app.authed(Method::POST, &memberships(org), &user.token)
        .send()
        .await
        .unwrap()
}

async fn decide(
    app: &TestApp,
    org: i64,
    member: i64,
    by: &TestUser,
    body: Value,
) -> reqwest::Response {
    app.authed(Method::PATCH, &membership(org, member), &by.token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn call(app: &TestApp, method: Method, path: &str, by: &TestUser) -> reqwest::Response {
    app.authed(method, path, &by.token).send().await.unwrap()
}

/// A member who asked to join `org` and was made its leader by a coordinator.
async fn leader_of(app: &TestApp, org: i64, coordinator: &TestUser) -> TestUser {
    let leader = app.user("member").await;
    assert_eq!(join(app, org, &leader).await.status().as_u16(), 201);
    let res = decide(
        app,
        org,
        leader.id,
        coordinator,
        json!({"status": "approved", "role": "leader"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    leader
}

fn outbox_to(app: &TestApp, email: &str) -> Vec<(String, String)> {
    app.outbox()
        .into_iter()
        .filter(|(to, _, _)| to == email)
        .map(|(_, subject, body)| (subject, body))
        .collect()
}

#[tokio::test]
async fn a_member_asks_and_a_leader_approves_with_an_email() {
    let app = spawn_app().await;
    let org = app.insert_org(
        "Kilusang Mayo Uno",
        Some("KMU"),
        "PH",
        Kind::NationalCentre,
        None,
    );
    let coordinator = app.user("coordinator").await;
    let leader = leader_of(&app, org, &coordinator).await;
    let member = app.user("member").await;

    let res = join(&app, org, &member).await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, membership(org, member.id));
    let asked: Value = res.json().await.unwrap();
    assert_eq!(asked["status"], "pending");
    assert_eq!(asked["role"], "member");
    assert_eq!(asked["user_id"], member.id);
    assert_eq!(asked["organisation_id"], org);
    assert_eq!(asked["display_name"], "Test member");
    assert_eq!(asked["decided_by"], Value::Null);
    assert!(asked.get("email").is_none());

    // The member sees their own request at the Location; asking again is a conflict.
    let res = call(&app, Method::GET, &location, &member).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), asked);
    assert_problem(join(&app, org, &member).await, 409, "membership_pending").await;

    let res = decide(&app, org, member.id, &leader, json!({"status": "approved"})).await;
    assert_eq!(res.status().as_u16(), 200);
    let approved: Value = res.json().await.unwrap();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["role"], "member");
    assert_eq!(approved["decided_by"], leader.id);
    assert!(at(&approved["updated_at"]) > at(&asked["updated_at"]));

    // The email is in the outbox, to the member, in the same commit as the decision.
    let emails = outbox_to(&app, &member.email);
    assert_eq!(emails.len(), 1, "{emails:?}");
    assert_eq!(
        emails[0].0,
        "Your membership of Kilusang Mayo Uno: approved"
    );
    assert!(emails[0].1.contains("Test member"), "{}", emails[0].1);

    let res = call(&app, Method::GET, "/api/v1/me/memberships", &member).await;
    let mine: Value = res.json().await.unwrap();
    assert_eq!(mine[0]["status"], "approved");
    assert_eq!(mine[0]["organisation_id"], org);
    assert_problem(join(&app, org, &member).await, 409, "already_member").await;

    // The same decision again changes nothing and sends nothing.
    let res = decide(&app, org, member.id, &leader, json!({"status": "approved"})).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), approved);
    // A role change is no new decision on the request: no email either.
    let res = decide(
        &app,
        org,
        member.id,
        &leader,
        json!({"status": "approved", "role": "leader"}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["role"], "leader");
    assert_eq!(outbox_to(&app, &member.email).len(), 1);
}

#[tokio::test]
async fn a_rejected_request_may_be_made_again() {
    let app = spawn_app().await;
    let org = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    join(&app, org, &member).await;

    let res = decide(
        &app,
        org,
        member.id,
        &coordinator,
        json!({"status": "rejected", "role": "leader"}),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "leader_must_be_approved");
    let res = decide(
        &app,
        org,
        member.id,
        &coordinator,
        json!({"status": "rejected"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["decided_by"],
        coordinator.id
    );
    assert_eq!(
        outbox_to(&app, &member.email)[0].0,
        "Your membership of KMU: rejected"
    );

    let res = join(&app, org, &member).await;
    assert_eq!(res.status().as_u16(), 201);
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["status"], "pending");
    assert_eq!(again["decided_by"], Value::Null);
}

#[tokio::test]
async fn only_this_organisations_leaders_and_coordinators_decide() {
    let app = spawn_app().await;
    let here = app.insert_org("Here", None, "PH", Kind::Union, None);
    let there = app.insert_org("There", None, "PH", Kind::Union, None);
    let coordinator = app.user("coordinator").await;
    let leader_here = leader_of(&app, here, &coordinator).await;
    let leader_there = leader_of(&app, there, &coordinator).await;
    let member = app.user("member").await;
    join(&app, here, &member).await;

    // A leader elsewhere is a plain member here, as are trainers and members.
    let trainer = app.user("trainer").await;
    let bystander = app.user("member").await;
    for who in [&leader_there, &trainer, &bystander] {
        let res = decide(&app, here, member.id, who, json!({"status": "approved"})).await;
        assert_problem(res, 403, "forbidden").await;
    }
    // Even with a body that claims otherwise: leadership is read from the database.
    let res = decide(
        &app,
        here,
        member.id,
        &leader_there,
        json!({"status": "approved", "is_leader": true}),
    )
    .await;
    assert_problem(res, 400, "unknown_field").await;

    // Asking to join gives no say over the request.
    let res = decide(
        &app,
        here,
        member.id,
        &member,
        json!({"status": "approved"}),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;

    // Nobody decides on their own membership, leaders included.
    let res = decide(
        &app,
        here,
        leader_here.id,
        &leader_here,
        json!({"status": "approved", "role": "member"}),
    )
    .await;
    assert_problem(res, 403, "own_membership").await;

    // Unknown organisation or membership.
    let res = decide(
        &app,
        999_999,
        member.id,
        &coordinator,
        json!({"status": "approved"}),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = decide(
        &app,
        here,
        bystander.id,
        &leader_here,
        json!({"status": "approved"}),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = decide(
        &app,
        here,
        member.id,
        &leader_here,
        json!({"status": "pending"}),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;

    let res = decide(
        &app,
        here,
        member.id,
        &leader_here,
        json!({"status": "approved"}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        outbox_to(&app, &leader_there.email)
            .iter()
            .all(|(s, _)| !s.contains("Here"))
    );
}

#[tokio::test]
async fn leaders_and_coordinators_list_members_and_requests() {
    let app = spawn_app().await;
    let org = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let other = app.insert_org("Other", None, "PH", Kind::NationalCentre, None);
    let coordinator = app.user("coordinator").await;
    let leader = leader_of(&app, org, &coordinator).await;
    let other_leader = leader_of(&app, other, &coordinator).await;
    let mut members = Vec::new();
    for _ in 0..4 {
        let member = app.user("member").await;
        join(&app, org, &member).await;
        members.push(member);
    }
    decide(
        &app,
        org,
        members[0].id,
        &leader,
        json!({"status": "approved"}),
    )
    .await;
    decide(
        &app,
        org,
        members[1].id,
        &leader,
        json!({"status": "rejected"}),
    )
    .await;

    // Plain members, even approved ones, and leaders of other organisations may not list.
    for who in [&members[0], &members[2], &other_leader] {
        let res = call(&app, Method::GET, &memberships(org), who).await;
        assert_problem(res, 403, "forbidden").await;
    }
    let res = app.get(&memberships(org)).await;
    assert_problem(res, 401, "login_required").await;
    // Nor see someone else's membership.
    let res = call(
        &app,
        Method::GET,
        &membership(org, members[3].id),
        &members[2],
    )
    .await;
    assert_problem(res, 403, "forbidden").await;

    let res = call(&app, Method::GET, &memberships(org), &leader).await;
    assert_eq!(res.status().as_u16(), 200);
    let page: Value = res.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "the leader and four members: {page}");
    let ids: Vec<i64> = items
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "by user id");
    assert!(
        items.iter().all(|m| m.get("email").is_none()),
        "never emails"
    );
    assert_eq!(page["next_cursor"], Value::Null);

    let res = call(
        &app,
        Method::GET,
        &format!("{}?status=pending", memberships(org)),
        &leader,
    )
    .await;
    let pending: Value = res.json().await.unwrap();
    let pending: Vec<i64> = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(pending, [members[2].id, members[3].id]);
    let res = call(
        &app,
        Method::GET,
        &format!("{}?role=leader", memberships(org)),
        &coordinator,
    )
    .await;
    let leaders: Value = res.json().await.unwrap();
    assert_eq!(leaders["items"][0]["user_id"], leader.id);
    assert_eq!(leaders["items"].as_array().unwrap().len(), 1);

    // Pages of two, by cursor, each member once.
    let mut seen = Vec::new();
    let mut url = format!("{}?limit=2", memberships(org));
    loop {
        let res = call(&app, Method::GET, &url, &coordinator).await;
        assert_eq!(res.status().as_u16(), 200);
        let page: Value = res.json().await.unwrap();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["user_id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => url = format!("{}?limit=2&cursor={cursor}", memberships(org)),
            None => break,
        }
    }
    assert_eq!(seen, ids);

    let res = call(
        &app,
        Method::GET,
        &format!("{}?status=left", memberships(org)),
        &leader,
    )
    .await;
    assert_problem(res, 400, "invalid_query").await;
    let res = call(&app, Method::GET, &memberships(999_999), &coordinator).await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn members_leave_and_leaders_remove() {
    let app = spawn_app().await;
    let org = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let coordinator = app.user("coordinator").await;
    let leader = leader_of(&app, org, &coordinator).await;
    let stays = app.user("member").await;
    let leaves = app.user("member").await;
    let removed = app.user("member").await;
    for member in [&stays, &leaves, &removed] {
        join(&app, org, member).await;
        decide(&app, org, member.id, &leader, json!({"status": "approved"})).await;
    }

    // A plain member cannot remove another.
    let res = call(&app, Method::DELETE, &membership(org, removed.id), &stays).await;
    assert_problem(res, 403, "forbidden").await;

    let res = call(&app, Method::DELETE, &membership(org, leaves.id), &leaves).await;
    assert_eq!(res.status().as_u16(), 204);
    let res = call(&app, Method::DELETE, &membership(org, removed.id), &leader).await;
    assert_eq!(res.status().as_u16(), 204);
    let res = call(&app, Method::DELETE, &membership(org, removed.id), &leader).await;
    assert_problem(res, 404, "not_found").await;
    let res = call(&app, Method::GET, &membership(org, leaves.id), &leaves).await;
    assert_problem(res, 404, "not_found").await;

    let res = call(&app, Method::GET, &memberships(org), &leader).await;
    let page: Value = res.json().await.unwrap();
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [leader.id, stays.id]);

    // One who left may ask again.
    assert_eq!(join(&app, org, &leaves).await.status().as_u16(), 201);
    // A pending request can be withdrawn by its author.
    let res = call(&app, Method::DELETE, &membership(org, leaves.id), &leaves).await;
    assert_eq!(res.status().as_u16(), 204);
}

#[tokio::test]
async fn joining_needs_a_login_and_an_existing_organisation() {
    let app = spawn_app().await;
    let org = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let res = app
        .client
        .post(app.url(&memberships(org)))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "login_required").await;
    let member = app.user("member").await;
    assert_problem(join(&app, 999_999, &member).await, 404, "not_found").await;
    let res = call(&app, Method::PUT, &memberships(org), &member).await;
    assert_problem(res, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn membership_routes_are_documented() {
    let doc: Value = serde_json::from_str(&bayanihan::openapi::document_json().unwrap()).unwrap();
    let list = &doc["paths"]["/api/v1/organisations/{id}/memberships"];
    let one = &doc["paths"]["/api/v1/organisations/{id}/memberships/{user_id}"];
    for (op, id) in [
        (&list["post"], "create_membership"),
        (&list["get"], "list_memberships"),
        (&one["patch"], "update_membership"),
        (&one["delete"], "delete_membership"),
    ] {
        assert_eq!(op["operationId"], id);
        assert_eq!(op["security"], json!([{"bearer": []}]), "{id}");
        assert!(op["responses"].get("401").is_some(), "{id} documents 401");
    }
}

/// `method` on `path` as `by`, conditional on `tag` (`If-Match` or `If-None-Match`).
async fn conditional(
    app: &TestApp,
    method: Method,
    path: &str,
    by: &TestUser,
    header: &str,
    tag: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.authed(method, path, &by.token).header(header, tag);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_membership_has_a_versioned_etag_and_honours_if_match() {
    let app = spawn_app().await;
    let org = app.insert_org("KMU", None, "PH", Kind::NationalCentre, None);
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    let path = membership(org, member.id);

    let res = join(&app, org, &member).await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.headers()["cache-control"], "no-store", "personal data");
    let v1 = etag(&res);
    assert!(
        v1.starts_with("\"membership-") && v1.ends_with("-v1\""),
        "{v1}"
    );
    let res = call(&app, Method::GET, &path, &member).await;
    assert_eq!(etag(&res), v1, "GET answers POST's tag");
    let res = conditional(
        &app,
        Method::GET,
        &path,
        &member,
        "If-None-Match",
        &v1,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 304);

    // A decision bumps the version; the same decision again changes nothing.
    let approve = json!({"status": "approved"});
    let res = conditional(
        &app,
        Method::PATCH,
        &path,
        &coordinator,
        "If-Match",
        &v1,
        Some(approve.clone()),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let v2 = etag(&res);
    assert_eq!(v2, v1.replace("-v1\"", "-v2\""));
    let decided: Value = res.json().await.unwrap();
    let res = decide(&app, org, member.id, &coordinator, approve).await;
    assert_eq!(etag(&res), v2);
    assert_eq!(
        res.json::<Value>().await.unwrap()["updated_at"],
        decided["updated_at"]
    );

    // A stale tag is refused, for a decision and a removal alike.
    let reject = Some(json!({"status": "rejected"}));
    let res = conditional(
        &app,
        Method::PATCH,
        &path,
        &coordinator,
        "If-Match",
        &v1,
        reject,
    )
    .await;
    assert_problem(res, 412, "precondition_failed").await;
    let res = conditional(&app, Method::DELETE, &path, &member, "If-Match", &v1, None).await;
    assert_problem(res, 412, "precondition_failed").await;
    let res = call(&app, Method::GET, &path, &member).await;
    assert_eq!(etag(&res), v2, "refused writes change nothing");

    let res = conditional(&app, Method::DELETE, &path, &member, "If-Match", &v2, None).await;
    assert_eq!(res.status().as_u16(), 204);
}
