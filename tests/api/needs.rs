//! Training needs and organisational indicators through HTTP (issue 15, items 1 and 4): a
//! coordinator opens a round, union leaders submit needs, members endorse them, the
//! coordinator links them to a course and a cohort and reads the totals; leaders report
//! indicators with the cohorts their e-trainers ran; every denial, bad input, the deadline,
//! duplicates and erasure.

use reqwest::Method;
use serde_json::{Value, json};

use crate::assignments::{Running, running_cohort};
use crate::cohorts::{cohort_body, create, ok_json, published_course, send};
use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};
use crate::nominations::{join, union};

/// A union with a leader and a member, approved by `coordinator`.
struct Union {
    id: i64,
    leader: TestUser,
    member: TestUser,
}

async fn union_with_people(app: &TestApp, coordinator: &TestUser, country: &str) -> Union {
    let id = union(
        app,
        &format!("Union {}", uuid::Uuid::new_v4().simple()),
        country,
    );
    let leader = app.user("member").await;
    let member = app.user("member").await;
    join(app, coordinator, id, &leader, true, "officer").await;
    join(app, coordinator, id, &member, false, "shop_steward").await;
    Union { id, leader, member }
}

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

async fn open_round(app: &TestApp, by: &TestUser, orgs: &[i64], countries: &[&str]) -> i64 {
    let res = send(
        app,
        Method::POST,
        "/api/v1/needs-rounds",
        &by.token,
        Some(json!({
            "title": "Training needs 2027",
            "description": "What should the programme teach next year?",
            "deadline": in_days(30),
            "organisation_ids": orgs,
            "countries": countries,
        })),
    )
    .await;
    let body = ok_json(res, 201).await;
    assert_eq!(body["open"], true);
    body["id"].as_i64().unwrap()
}

fn need_body(org: i64, topic: &str, group: &str) -> Value {
    json!({
        "organisation_id": org,
        "topic": topic,
        "priority": "high",
        "target_group": group,
        "sector": "H",
        "preferred_languages": ["fil", "en", "FIL"],
        "delivery_mode": "blended",
        "estimated_participants": 40,
    })
}

async fn submit(app: &TestApp, by: &TestUser, round: i64, body: Value) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/needs-rounds/{round}/needs"),
        &by.token,
        Some(body),
    )
    .await
}

async fn endorse(app: &TestApp, by: &TestUser, need: i64) -> reqwest::Response {
    send(
        app,
        Method::PUT,
        &format!("/api/v1/needs/{need}/endorsement"),
        &by.token,
        None,
    )
    .await
}

async fn get(app: &TestApp, by: &TestUser, path: &str) -> reqwest::Response {
    send(app, Method::GET, path, &by.token, None).await
}

/// Moves a round's deadline into the past, as time would.
fn close_round(app: &TestApp, round: i64) {
    use bayanihan::db::schema::needs_rounds::dsl;
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    let past = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    diesel::update(dsl::needs_rounds.filter(dsl::id.eq(round)))
        .set(dsl::deadline.eq(past))
        .execute(&mut *conn)
        .unwrap();
}

#[tokio::test]
async fn leaders_submit_members_endorse_and_coordinators_link_and_count() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let ph = union_with_people(&app, &coordinator, "PH").await;
    let id = union_with_people(&app, &coordinator, "ID").await;
    let outsider = union_with_people(&app, &coordinator, "FJ").await;
    // PH by name, Indonesia as a country.
    let round = open_round(&app, &coordinator, &[ph.id], &["ID"]).await;

    // Leaders see the round; a union it does not invite does not.
    let body = ok_json(get(&app, &ph.member, "/api/v1/needs-rounds").await, 200).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    ok_json(
        get(&app, &id.leader, &format!("/api/v1/needs-rounds/{round}")).await,
        200,
    )
    .await;
    let body = ok_json(
        get(&app, &outsider.leader, "/api/v1/needs-rounds").await,
        200,
    )
    .await;
    assert_eq!(body["items"], json!([]));
    let res = get(
        &app,
        &outsider.leader,
        &format!("/api/v1/needs-rounds/{round}"),
    )
    .await;
    assert_problem(res, 404, "not_found").await;

    // The PH leader submits two needs, the Indonesian leader one.
    let res = submit(
        &app,
        &ph.leader,
        round,
        need_body(ph.id, "platform_workers", "youth"),
    )
    .await;
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!(
            "/api/v1/needs/{}",
            res.headers()["location"]
                .to_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
        )
    );
    let need = ok_json(res, 201).await;
    assert_eq!(need["state"], "open");
    assert_eq!(need["country"], "PH");
    assert_eq!(need["author_id"], ph.leader.id);
    assert_eq!(need["preferred_languages"], json!(["fil", "en"]));
    assert_eq!(need["endorsements"], 0);
    let need_id = need["id"].as_i64().unwrap();
    let mut other = need_body(ph.id, "other", "women");
    other["topic_text"] = json!("Care work and unpaid labour");
    other["priority"] = json!("low");
    other["estimated_participants"] = json!(15.0);
    ok_json(submit(&app, &ph.leader, round, other).await, 201).await;
    ok_json(
        submit(
            &app,
            &id.leader,
            round,
            need_body(id.id, "platform_workers", "youth"),
        )
        .await,
        201,
    )
    .await;

    // A member of the union endorses (once); the author does not; another union's leader
    // may not (403) and does not even see the need (404).
    let body = ok_json(endorse(&app, &ph.member, need_id).await, 200).await;
    assert_eq!(body["endorsements"], 1);
    assert_eq!(body["endorsed_by_me"], true);
    let body = ok_json(endorse(&app, &ph.member, need_id).await, 200).await;
    assert_eq!(body["endorsements"], 1, "endorsing twice counts once");
    assert_problem(endorse(&app, &ph.leader, need_id).await, 403, "forbidden").await;
    assert_problem(endorse(&app, &id.leader, need_id).await, 403, "forbidden").await;
    let path = format!("/api/v1/needs/{need_id}");
    assert_problem(get(&app, &id.leader, &path).await, 404, "not_found").await;
    assert_problem(
        get(
            &app,
            &id.leader,
            &format!("/api/v1/organisations/{}/needs", ph.id),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let res = get(&app, &ph.member, &path).await;
    let tag = etag(&res);
    ok_json(res, 200).await;
    let res = app
        .authed(Method::GET, &path, &ph.member.token)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);

    // In the round's list, a leader sees their own union's needs only; coordinators all.
    let list = format!("/api/v1/needs-rounds/{round}/needs");
    let body = ok_json(get(&app, &id.leader, &list).await, 200).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    let body = ok_json(
        get(&app, &coordinator, &format!("{list}?limit=2")).await,
        200,
    )
    .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    let cursor = body["next_cursor"].as_str().unwrap();
    let body = ok_json(
        get(
            &app,
            &coordinator,
            &format!("{list}?limit=2&cursor={cursor}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert_eq!(body["next_cursor"], Value::Null);
    let body = ok_json(
        get(
            &app,
            &coordinator,
            &format!("{list}?topic=platform_workers&country=ID"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);

    // Totals by topic × country × target group, for coordinators only.
    let totals = format!("/api/v1/needs-rounds/{round}/totals");
    assert_problem(get(&app, &ph.leader, &totals).await, 403, "forbidden").await;
    let res = get(&app, &coordinator, &totals).await;
    let totals_tag = etag(&res);
    let body = ok_json(res, 200).await;
    assert_eq!(body["needs"], 3);
    assert_eq!(body["participants"], 95);
    // Unchanged needs: 304, and read again the same (from the memo).
    let res = app
        .authed(Method::GET, &totals, &coordinator.token)
        .header("If-None-Match", &totals_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);
    assert_eq!(
        ok_json(get(&app, &coordinator, &totals).await, 200).await,
        body
    );
    let cells = body["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 3, "{body}");
    // Ordered by topic, country and target group as spelled.
    assert_eq!(cells[0]["topic"], "other");
    assert_eq!(cells[0]["high_priority"], 0);
    assert_eq!(
        cells[1],
        json!({"topic": "platform_workers", "country": "ID", "target_group": "youth",
               "needs": 1, "organisations": 1, "high_priority": 1, "participants": 40,
               "endorsements": 0})
    );
    assert_eq!(cells[2]["country"], "PH");
    assert_eq!(cells[2]["endorsements"], 1);

    // The coordinator links the need to a course and a cohort: planned, then addressed.
    let course = published_course(&app, &coordinator, "platform-rights").await;
    let trainer = app.user("trainer").await;
    let cohort = create(&app, &coordinator, cohort_body(&[trainer.id], &[course])).await["id"]
        .as_i64()
        .unwrap();
    let links = format!("/api/v1/needs/{need_id}/links");
    let res = send(
        &app,
        Method::POST,
        &links,
        &ph.leader.token,
        Some(json!({"course_id": course})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(
        &app,
        Method::POST,
        &links,
        &coordinator.token,
        Some(json!({"course_id": course})),
    )
    .await;
    let body = ok_json(res, 201).await;
    assert_eq!(body["state"], "planned");
    assert_eq!(body["links"][0]["course_id"], course);
    assert_eq!(body["links"][0]["status"], "published");
    let res = send(
        &app,
        Method::POST,
        &links,
        &coordinator.token,
        Some(json!({"course_id": course})),
    )
    .await;
    assert_problem(res, 409, "already_linked").await;
    let res = send(
        &app,
        Method::POST,
        &links,
        &coordinator.token,
        Some(json!({"cohort_id": cohort})),
    )
    .await;
    let body = ok_json(res, 201).await;
    assert_eq!(body["links"][1]["cohort_id"], cohort);
    assert_eq!(body["links"][1]["status"], "planning");
    // A change to a need is a change of the totals' tag.
    let res = app
        .authed(Method::GET, &totals, &coordinator.token)
        .header("If-None-Match", &totals_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_ne!(etag(&res), totals_tag);
    // An endorsement withdrawn is counted at once, and given again as well.
    let endorsement = format!("/api/v1/needs/{need_id}/endorsement");
    let res = send(&app, Method::DELETE, &endorsement, &ph.member.token, None).await;
    assert!(res.status().is_success(), "{}", res.status());
    let body = ok_json(get(&app, &coordinator, &totals).await, 200).await;
    assert_eq!(body["cells"][2]["endorsements"], 0, "{body}");
    ok_json(endorse(&app, &ph.member, need_id).await, 200).await;
    let body = ok_json(get(&app, &coordinator, &totals).await, 200).await;
    assert_eq!(body["cells"][2]["endorsements"], 1, "{body}");
    for bad in [json!({}), json!({"course_id": course, "cohort_id": cohort})] {
        let res = send(&app, Method::POST, &links, &coordinator.token, Some(bad)).await;
        assert_problem(res, 422, "validation_failed").await;
    }
    let res = send(
        &app,
        Method::POST,
        &links,
        &coordinator.token,
        Some(json!({"cohort_id": 999_999})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "unknown_cohort");

    let res = get(&app, &coordinator, &path).await;
    let tag = etag(&res);
    let res = app
        .authed(Method::PATCH, &path, &coordinator.token)
        .header("If-Match", &tag)
        .json(&json!({"state": "addressed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok_json(res, 200).await["state"], "addressed");
    let res = app
        .authed(Method::PATCH, &path, &coordinator.token)
        .header("If-Match", &tag)
        .json(&json!({"state": "planned"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;

    // The leader sees what became of their union's needs.
    let body = ok_json(
        get(
            &app,
            &ph.leader,
            &format!("/api/v1/organisations/{}/needs", ph.id),
        )
        .await,
        200,
    )
    .await;
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let mine = items.iter().find(|n| n["id"] == need_id).unwrap();
    assert_eq!(mine["state"], "addressed");
    assert_eq!(mine["links"].as_array().unwrap().len(), 2);

    // Unlinking everything opens the need again.
    for link in mine["links"].as_array().unwrap() {
        let res = send(
            &app,
            Method::DELETE,
            &format!("{links}/{}", link["id"]),
            &coordinator.token,
            None,
        )
        .await;
        assert_eq!(res.status().as_u16(), 204);
    }
    let body = ok_json(get(&app, &ph.leader, &path).await, 200).await;
    assert_eq!(body["state"], "open");
    assert_eq!(body["links"], json!([]));
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &coordinator.token,
        Some(json!({"state": "addressed"})),
    )
    .await;
    assert_problem(res, 409, "not_planned").await;
}

#[tokio::test]
async fn bad_input_duplicates_denials_and_the_deadline() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let ph = union_with_people(&app, &coordinator, "PH").await;
    let other = union_with_people(&app, &coordinator, "PH").await;
    let round = open_round(&app, &coordinator, &[ph.id], &[]).await;

    // Only coordinators open rounds; a round needs a future deadline and invitations.
    let res = send(
        &app,
        Method::POST,
        "/api/v1/needs-rounds",
        &ph.leader.token,
        Some(json!({"title": "Mine", "deadline": in_days(3), "countries": ["PH"]})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/needs-rounds",
        &coordinator.token,
        Some(
            json!({"title": " ", "deadline": in_days(-1), "countries": ["XX"],
                    "organisation_ids": [999_999]}),
        ),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"invalid_title"), "{body}");
    assert!(codes.contains(&"deadline_in_past"), "{body}");
    assert!(codes.contains(&"invalid_country"), "{body}");
    let res = send(
        &app,
        Method::POST,
        "/api/v1/needs-rounds",
        &coordinator.token,
        Some(json!({"title": "Nobody", "deadline": in_days(3)})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "no_invitations");
    let res = send(
        &app,
        Method::POST,
        "/api/v1/needs-rounds",
        &coordinator.token,
        Some(json!({"title": "Ghost", "deadline": in_days(3), "organisation_ids": [999_999]})),
    )
    .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "unknown_organisation");

    // Bad needs: 422 with every field.
    let mut bad = need_body(ph.id, "other", "everyone");
    bad["target_group"] = json!("youth");
    bad["estimated_participants"] = json!(0);
    bad["preferred_languages"] = json!(["not a tag"]);
    let body = assert_problem(
        submit(&app, &ph.leader, round, bad).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 3, "{body}");
    let mut many = need_body(ph.id, "youth", "youth");
    many["preferred_languages"] = json!(vec!["en"; 11]);
    assert_problem(
        submit(&app, &ph.leader, round, many).await,
        422,
        "validation_failed",
    )
    .await;
    let mut unknown = need_body(ph.id, "youth", "youth");
    unknown["topic"] = json!("astrology");
    assert_problem(
        submit(&app, &ph.leader, round, unknown).await,
        400,
        "invalid_body",
    )
    .await;

    // Who may submit: a plain member may not (403); a leader of an organisation the round
    // does not invite sees no round (404), or, leading an invited one too, is not invited
    // for the other (403 not_invited).
    let body = need_body(ph.id, "youth", "youth");
    assert_problem(
        submit(&app, &ph.member, round, body.clone()).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        submit(
            &app,
            &other.leader,
            round,
            need_body(other.id, "youth", "youth"),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    join(&app, &coordinator, other.id, &ph.leader, true, "officer").await;
    assert_problem(
        submit(
            &app,
            &ph.leader,
            round,
            need_body(other.id, "youth", "youth"),
        )
        .await,
        403,
        "not_invited",
    )
    .await;

    // One need per topic and target group.
    let need = ok_json(submit(&app, &ph.leader, round, body.clone()).await, 201).await;
    assert_problem(
        submit(&app, &ph.leader, round, body.clone()).await,
        409,
        "need_exists",
    )
    .await;

    // A member withdraws nothing; the leader withdraws with If-Match.
    let path = format!("/api/v1/needs/{}", need["id"]);
    assert_problem(
        send(&app, Method::DELETE, &path, &ph.member.token, None).await,
        403,
        "forbidden",
    )
    .await;
    let res = app
        .authed(Method::DELETE, &path, &ph.leader.token)
        .header("If-Match", "\"need-0-v0\"")
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = send(&app, Method::DELETE, &path, &ph.leader.token, None).await;
    assert_eq!(res.status().as_u16(), 204);
    let need = ok_json(submit(&app, &ph.leader, round, body.clone()).await, 201).await;
    let need_id = need["id"].as_i64().unwrap();

    // After the deadline: no needs, no endorsements, no withdrawals.
    close_round(&app, round);
    let res = get(&app, &ph.member, &format!("/api/v1/needs-rounds/{round}")).await;
    assert_eq!(ok_json(res, 200).await["open"], false);
    let late = need_body(ph.id, "organising", "members");
    assert_problem(
        submit(&app, &ph.leader, round, late).await,
        409,
        "round_closed",
    )
    .await;
    assert_problem(
        endorse(&app, &ph.member, need_id).await,
        409,
        "round_closed",
    )
    .await;
    let path = format!("/api/v1/needs/{need_id}");
    assert_problem(
        send(&app, Method::DELETE, &path, &ph.leader.token, None).await,
        409,
        "round_closed",
    )
    .await;

    // Paths and queries.
    assert_problem(
        get(&app, &coordinator, "/api/v1/needs/abc").await,
        400,
        "invalid_path",
    )
    .await;
    assert_problem(
        get(&app, &coordinator, "/api/v1/needs/999999").await,
        404,
        "not_found",
    )
    .await;
    let res = get(
        &app,
        &coordinator,
        &format!("/api/v1/needs-rounds/{round}/needs?country=Philippines"),
    )
    .await;
    let body = assert_problem(res, 400, "invalid_query").await;
    assert_eq!(body["errors"][0]["code"], "invalid_country");
    let res = get(
        &app,
        &coordinator,
        &format!("/api/v1/needs-rounds/{round}/needs?limit=0"),
    )
    .await;
    assert_problem(res, 400, "invalid_query").await;
}

/// Certifies every participant of `c` (rules that ask nothing).
async fn certify_all(app: &TestApp, c: &Running) {
    let lax = json!({"min_attendance_percent": 0, "all_assignments_passed": false, "all_courses_completed": false});
    let path = format!("/api/v1/cohorts/{}/completion-rules", c.id);
    ok_json(
        send(app, Method::PUT, &path, &c.coordinator.token, Some(lax)).await,
        201,
    )
    .await;
    let path = format!("/api/v1/cohorts/{}/certificates", c.id);
    ok_json(
        send(app, Method::POST, &path, &c.coordinator.token, None).await,
        200,
    )
    .await;
}

fn report_body(year: i32, quarter: Option<i32>) -> Value {
    json!({
        "year": year,
        "quarter": quarter,
        "members_recruited": 120,
        "agreements_signed": 2,
        "agreements_improved": 1,
        "policies_adopted": 3,
        "trainings_run": 4,
        "attribution_note": "The organisers trained in the cohort led the recruitment drive.",
    })
}

async fn report(app: &TestApp, by: &TestUser, org: i64, body: Value) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/organisations/{org}/indicator-reports"),
        &by.token,
        Some(body),
    )
    .await
}

#[tokio::test]
async fn leaders_report_indicators_with_their_e_trainers_cohorts() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let ph = union_with_people(&app, &coordinator, "PH").await;
    let other = union_with_people(&app, &coordinator, "PH").await;

    // A ToT certifies e-trainers; one of them, a member of the PH union, runs a training.
    let tot = running_cohort(&app, "tot", &[], 2).await;
    certify_all(&app, &tot).await;
    let e_trainer = &tot.participants[0];
    join(&app, &coordinator, ph.id, e_trainer, false, "educator").await;
    let training = running_cohort(&app, "training", &[], 1).await;
    ok_json(
        send(
            &app,
            Method::PATCH,
            &format!("/api/v1/cohorts/{}", training.id),
            &training.coordinator.token,
            Some(json!({"facilitator_ids": [e_trainer.id]})),
        )
        .await,
        200,
    )
    .await;

    let year = chrono::Utc::now().date_naive().format("%Y").to_string();
    let year: i32 = year.parse().unwrap();
    let mut body = report_body(year, Some(1));
    body["training_cohort_ids"] = json!([training.id]);
    let res = report(&app, &ph.leader, ph.id, body.clone()).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created = ok_json(res, 201).await;
    assert_eq!(created["quarter"], 1);
    assert_eq!(created["training_cohort_ids"], json!([training.id]));
    assert_eq!(created["author_id"], ph.leader.id);

    // One report per period.
    assert_problem(
        report(&app, &ph.leader, ph.id, body.clone()).await,
        409,
        "report_exists",
    )
    .await;
    // The whole year is another period.
    let whole = ok_json(
        report(&app, &ph.leader, ph.id, report_body(year, None)).await,
        201,
    )
    .await;
    assert_eq!(whole["quarter"], Value::Null);

    // Cohorts outside the union's lineage, too few trainings, a future period: 422.
    let mut bad = report_body(year - 1, Some(2));
    bad["training_cohort_ids"] = json!([tot.id]);
    let res = report(&app, &ph.leader, ph.id, bad).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_in_lineage");
    let mut bad = report_body(year - 1, Some(2));
    bad["training_cohort_ids"] = json!([training.id]);
    bad["trainings_run"] = json!(0);
    let problem = assert_problem(
        report(&app, &ph.leader, ph.id, bad).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "too_few_trainings");
    let problem = assert_problem(
        report(&app, &ph.leader, ph.id, report_body(year + 1, None)).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "period_not_begun");
    let mut bad = report_body(year, Some(5));
    bad["members_recruited"] = json!(-1);
    let problem = assert_problem(
        report(&app, &ph.leader, ph.id, bad).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
    // The other union's e-trainers ran nothing: the same cohort is not theirs.
    let mut theirs = report_body(year, Some(1));
    theirs["training_cohort_ids"] = json!([training.id]);
    assert_problem(
        report(&app, &other.leader, other.id, theirs).await,
        422,
        "validation_failed",
    )
    .await;

    // Who reads: the union's leaders and coordinators; a member, another union's leader: 404.
    let res = get(&app, &ph.leader, &location).await;
    let tag = etag(&res);
    ok_json(res, 200).await;
    ok_json(get(&app, &coordinator, &location).await, 200).await;
    assert_problem(get(&app, &ph.member, &location).await, 404, "not_found").await;
    assert_problem(get(&app, &other.leader, &location).await, 404, "not_found").await;
    let list = format!("/api/v1/organisations/{}/indicator-reports", ph.id);
    assert_problem(get(&app, &other.leader, &list).await, 404, "not_found").await;
    let body = ok_json(
        get(&app, &coordinator, &format!("{list}?limit=1")).await,
        200,
    )
    .await;
    assert_eq!(body["items"][0]["quarter"], 1, "newest period first");
    let cursor = body["next_cursor"].as_str().unwrap();
    let body = ok_json(
        get(&app, &ph.leader, &format!("{list}?limit=1&cursor={cursor}")).await,
        200,
    )
    .await;
    assert_eq!(body["items"][0]["quarter"], Value::Null);
    assert_eq!(body["next_cursor"], Value::Null);
    // The documented range of `?year=` is checked: 400, not an empty page.
    let res = get(&app, &coordinator, &format!("{list}?year=1999")).await;
    let problem = assert_problem(res, 400, "invalid_query").await;
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
    // A coordinator reads but does not report.
    assert_problem(
        report(&app, &coordinator, ph.id, report_body(year - 1, None)).await,
        403,
        "forbidden",
    )
    .await;

    // Changes with If-Match; a stale tag is refused.
    let res = app
        .authed(Method::PATCH, &location, &ph.leader.token)
        .header("If-Match", &tag)
        .json(&json!({"members_recruited": 150, "training_cohort_ids": []}))
        .send()
        .await
        .unwrap();
    let changed = ok_json(res, 200).await;
    assert_eq!(changed["members_recruited"], 150);
    assert_eq!(changed["training_cohort_ids"], json!([]));
    let res = app
        .authed(Method::PATCH, &location, &ph.leader.token)
        .header("If-Match", &tag)
        .json(&json!({"members_recruited": 160}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = send(
        &app,
        Method::PATCH,
        &location,
        &ph.member.token,
        Some(json!({"policies_adopted": 9})),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::PATCH,
        &location,
        &ph.leader.token,
        Some(json!({"members_recruited": null})),
    )
    .await;
    assert_eq!(res.status().as_u16(), 400);
}

#[tokio::test]
async fn erased_members_leave_anonymous_counts() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let ph = union_with_people(&app, &coordinator, "PH").await;
    let round = open_round(&app, &coordinator, &[], &["PH"]).await;
    let need = ok_json(
        submit(&app, &ph.leader, round, need_body(ph.id, "youth", "youth")).await,
        201,
    )
    .await;
    let need_id = need["id"].as_i64().unwrap();
    ok_json(endorse(&app, &ph.member, need_id).await, 200).await;
    let year: i32 = chrono::Utc::now()
        .date_naive()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap();
    let report_id = ok_json(
        report(&app, &ph.leader, ph.id, report_body(year, None)).await,
        201,
    )
    .await["id"]
        .as_i64()
        .unwrap();

    for who in [&ph.member, &ph.leader] {
        let res = app
            .authed(Method::DELETE, "/api/v1/me", &who.token)
            .json(&json!({"password": who.password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 204);
    }

    let body = ok_json(
        get(&app, &coordinator, &format!("/api/v1/needs/{need_id}")).await,
        200,
    )
    .await;
    assert_eq!(body["author_id"], Value::Null);
    assert_eq!(body["endorsements"], 1, "the endorsement still counts");
    let totals = ok_json(
        get(
            &app,
            &coordinator,
            &format!("/api/v1/needs-rounds/{round}/totals"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(totals["needs"], 1);
    assert_eq!(totals["cells"][0]["endorsements"], 1);
    let body = ok_json(
        get(
            &app,
            &coordinator,
            &format!("/api/v1/indicator-reports/{report_id}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(body["author_id"], Value::Null);
    assert_eq!(body["members_recruited"], 120);

    // Nothing in the tables names the erased accounts any more.
    use bayanihan::db::schema::{indicator_reports, need_endorsements, needs};
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    let ids = [ph.member.id, ph.leader.id];
    let named: i64 = needs::table
        .filter(needs::author_id.eq_any(ids))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let endorsed: i64 = need_endorsements::table
        .filter(need_endorsements::user_id.eq_any(ids))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let reported: i64 = indicator_reports::table
        .filter(indicator_reports::author_id.eq_any(ids))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!((named, endorsed, reported), (0, 0, 0));
    let kept: i64 = need_endorsements::table
        .filter(need_endorsements::need_id.eq(need_id))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(kept, 1);
}

#[tokio::test]
async fn the_demo_has_needs_of_five_unions_one_planned_and_their_indicators() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let (token, _) = app
        .login(
            "coordinator@demo.bayanihan.org",
            bayanihan::seed::DEMO_PASSWORD,
        )
        .await;
    let res = app
        .authed(Method::GET, "/api/v1/needs-rounds", &token)
        .send()
        .await
        .unwrap();
    let rounds = ok_json(res, 200).await;
    assert_eq!(rounds["items"].as_array().unwrap().len(), 1, "{rounds}");
    let round = rounds["items"][0]["id"].as_i64().unwrap();
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/needs-rounds/{round}/needs?limit=100"),
            &token,
        )
        .send()
        .await
        .unwrap();
    let needs = ok_json(res, 200).await;
    let items = needs["items"].as_array().unwrap();
    assert_eq!(items.len(), 6);
    let unions: std::collections::HashSet<i64> = items
        .iter()
        .map(|n| n["organisation_id"].as_i64().unwrap())
        .collect();
    assert_eq!(unions.len(), 5);
    let planned: Vec<&Value> = items.iter().filter(|n| n["state"] == "planned").collect();
    assert_eq!(planned.len(), 1);
    assert!(planned[0]["links"][0]["cohort_id"].is_i64());
    assert_eq!(planned[0]["endorsements"], 2);

    use bayanihan::db::schema::{indicator_report_cohorts, indicator_reports};
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    let reports: i64 = indicator_reports::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let linked: i64 = indicator_report_cohorts::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!((reports, linked), (5, 3));
}

#[tokio::test]
async fn the_scale_seed_gives_each_synthetic_union_a_need_in_one_round() {
    let app = spawn_app().await;
    bayanihan::seed::scale(&app.db, 120).unwrap();
    bayanihan::seed::scale(&app.db, 120).unwrap();
    let (token, _) = app
        .login(
            "coordinator@demo.bayanihan.org",
            bayanihan::seed::DEMO_PASSWORD,
        )
        .await;
    let res = app
        .authed(Method::GET, "/api/v1/needs-rounds", &token)
        .send()
        .await
        .unwrap();
    let rounds = ok_json(res, 200).await;
    let round = rounds["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Synthetic needs round")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let res = app
        .authed(
            Method::GET,
            &format!("/api/v1/needs-rounds/{round}/totals"),
            &token,
        )
        .send()
        .await
        .unwrap();
    let totals = ok_json(res, 200).await;
    assert_eq!(totals["needs"], 120, "one need per synthetic union, once");
    let cells = totals["cells"].as_array().unwrap();
    let summed: i64 = cells.iter().map(|c| c["needs"].as_i64().unwrap()).sum();
    assert_eq!(summed, 120);
    assert!(cells.len() > 13, "{totals}");
}
