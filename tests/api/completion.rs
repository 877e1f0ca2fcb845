//! Completion and certification through HTTP: a cohort's rules, each participant's
//! completion with what is missing, certificates issued through learning's certificates
//! (when the cohort completes, or by a coordinator's action), and e-trainers made by a
//! `tot` cohort.

use reqwest::Method;
use serde_json::{Value, json};

use crate::assignments::{grade, pass_fail, running_cohort, set_assignment, submit};
use crate::cohorts::{cohort_body, create, ok_json, send, transition};
use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};
use crate::learning::{Spec, complete, make_course};

async fn completion(app: &TestApp, by: &TestUser, cohort: i64) -> reqwest::Response {
    send(
        app,
        Method::GET,
        &format!("/api/v1/cohorts/{cohort}/completion"),
        &by.token,
        None,
    )
    .await
}

async fn put_rules(app: &TestApp, by: &TestUser, cohort: i64, body: Value) -> reqwest::Response {
    send(
        app,
        Method::PUT,
        &format!("/api/v1/cohorts/{cohort}/completion-rules"),
        &by.token,
        Some(body),
    )
    .await
}

async fn role_of(app: &TestApp, user: &TestUser) -> String {
    let me = ok_json(
        send(app, Method::GET, "/api/v1/me", &user.token, None).await,
        200,
    )
    .await;
    me["role"].as_str().unwrap().to_owned()
}

/// A published cohort course with one required lesson: (course, lesson).
pub(crate) fn cohort_course(app: &TestApp) -> (i64, i64) {
    let course = make_course(
        app,
        Spec {
            format: "cohort",
            modules: &[&[true]],
            ..Spec::default()
        },
    );
    (course.id, course.lessons[0])
}

#[tokio::test]
async fn completing_a_tot_cohort_certifies_the_participant_as_an_e_trainer() {
    let app = spawn_app().await;
    let (course, lesson) = cohort_course(&app);
    let c = running_cohort(&app, "tot", &[course], 2).await;
    let (ana, ben) = (&c.participants[0], &c.participants[1]);

    // Rules: the defaults until stated; then stated by the coordinator (201, then 200).
    let (status, rules) = app
        .get_json(&format!("/api/v1/cohorts/{}/completion-rules", c.id))
        .await;
    assert_eq!(status, 200);
    assert_eq!(rules["stated"], false);
    assert_eq!(rules["min_attendance_percent"], 75);
    let body = json!({"min_attendance_percent": 80, "all_assignments_passed": true, "all_courses_completed": true});
    let stated = ok_json(
        put_rules(&app, &c.coordinator, c.id, body.clone()).await,
        201,
    )
    .await;
    assert_eq!(stated["stated"], true);
    let res = put_rules(&app, &c.coordinator, c.id, body).await;
    let tag = etag(&res);
    ok_json(res, 200).await;
    assert!(tag.contains("-v1"), "{tag}");

    // Ana passes the assignment and completes the course; Ben does neither.
    let a = ok_json(
        set_assignment(
            &app,
            &c.facilitator,
            c.id,
            pass_fail("Session plan", "2030-01-01T00:00:00Z"),
        )
        .await,
        201,
    )
    .await;
    let a_id = a["id"].as_i64().unwrap();
    let s = ok_json(
        submit(&app, ana, a_id, json!({"text": "My plan"})).await,
        201,
    )
    .await;
    ok_json(
        grade(
            &app,
            &c.facilitator,
            s["id"].as_i64().unwrap(),
            json!({"passed": true}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(complete(&app, lesson, ana).await.status().as_u16(), 201);

    // The facilitator reads everyone's completion, with what is missing.
    let all = ok_json(completion(&app, &c.facilitator, c.id).await, 200).await;
    assert_eq!(all["rules"]["min_attendance_percent"], 80);
    assert_eq!(all["course_ids"], json!([course]));
    assert_eq!(all["assignment_ids"], json!([a_id]));
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let row = |id: i64| items.iter().find(|i| i["user_id"] == id).unwrap().clone();
    let (ana_row, ben_row) = (row(ana.id), row(ben.id));
    assert_eq!(ana_row["complete"], true, "{ana_row}");
    assert_eq!(ana_row["missing"], json!([]));
    assert_eq!(ana_row["attendance_percent"], Value::Null);
    assert_eq!(ben_row["complete"], false);
    assert_eq!(ben_row["missing"], json!(["assignments", "courses"]));
    assert_eq!(ben_row["missing_assignment_ids"], json!([a_id]));
    assert_eq!(ben_row["missing_course_ids"], json!([course]));
    // A participant reads only their own; outsiders (a trainer who does not facilitate, a
    // member) are refused.
    let mine = ok_json(completion(&app, ben, c.id).await, 200).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["user_id"], ben.id);
    let outsider = app.user("trainer").await;
    assert_problem(completion(&app, &outsider, c.id).await, 403, "forbidden").await;
    let member = app.user("member").await;
    assert_problem(completion(&app, &member, c.id).await, 403, "forbidden").await;
    // Paging: one participant a page.
    let first = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/cohorts/{}/completion?limit=1", c.id),
            &c.coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = ok_json(
        send(
            &app,
            Method::GET,
            &format!(
                "/api/v1/cohorts/{}/completion?limit=1&cursor={cursor}",
                c.id
            ),
            &c.coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_ne!(first["items"][0]["user_id"], second["items"][0]["user_id"]);
    assert_eq!(second["next_cursor"], Value::Null);

    // Completing the cohort certifies Ana: a cohort certificate, and the trainer role.
    assert_eq!(role_of(&app, ana).await, "member");
    ok_json(
        transition(&app, &c.coordinator, c.id, "completed").await,
        200,
    )
    .await;
    assert_eq!(role_of(&app, ana).await, "trainer");
    assert_eq!(role_of(&app, ben).await, "member");
    let all = ok_json(completion(&app, &c.coordinator, c.id).await, 200).await;
    let items = all["items"].as_array().unwrap();
    let ana_row = items.iter().find(|i| i["user_id"] == ana.id).unwrap();
    let ben_row = items.iter().find(|i| i["user_id"] == ben.id).unwrap();
    assert_eq!(ana_row["certified_trainer"], true);
    assert_eq!(ana_row["certificate_valid"], true);
    assert_eq!(ben_row["certificate_code"], Value::Null);
    let code = ana_row["certificate_code"].as_str().unwrap();
    let (status, cert) = app.get_json(&format!("/api/v1/certificates/{code}")).await;
    assert_eq!(status, 200);
    assert_eq!(cert["cohort_id"], c.id);
    assert_eq!(cert["course_id"], Value::Null);
    assert_eq!(
        cert["course_title"],
        "Training of e-trainers, Asia-Pacific 2027"
    );
    assert_eq!(
        cert["badge_url"],
        format!("http://api.test/api/v1/certificates/{code}/badge")
    );
    let document = app
        .get(&format!("/api/v1/certificates/{code}/document"))
        .await
        .text()
        .await
        .unwrap();
    assert!(document.contains("training programme"));
    // The record names the certifying cohort.
    {
        use bayanihan::db::schema::trainer_certifications::dsl;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        let rows: Vec<(i64, String, String, Option<i64>)> = dsl::trainer_certifications
            .select((
                dsl::cohort_id,
                dsl::role_before,
                dsl::role_after,
                dsl::certified_by,
            ))
            .filter(dsl::user_id.eq(ana.id))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            rows,
            vec![(
                c.id,
                "member".to_owned(),
                "trainer".to_owned(),
                Some(c.coordinator.id)
            )]
        );
    }
    // Certifying again issues nothing new; the rules are settled.
    let again = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/cohorts/{}/certificates", c.id),
            &c.coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(again["issued"], json!([]));
    assert_eq!(again["complete_count"], 1);
    assert_eq!(again["incomplete_count"], 1);
    assert_problem(
        put_rules(&app, &c.coordinator, c.id, json!({"min_attendance_percent": 0, "all_assignments_passed": false, "all_courses_completed": false})).await,
        409,
        "cohort_closed",
    )
    .await;
}

#[tokio::test]
async fn coordinators_certify_by_action_and_rules_are_checked() {
    let app = spawn_app().await;
    let c = running_cohort(&app, "training", &[], 2).await;
    let lax = json!({"min_attendance_percent": 0, "all_assignments_passed": false, "all_courses_completed": false});
    // Only coordinators and admins state rules and certify.
    assert_problem(
        put_rules(&app, &c.facilitator, c.id, lax.clone()).await,
        403,
        "forbidden",
    )
    .await;
    let path = format!("/api/v1/cohorts/{}/certificates", c.id);
    assert_problem(
        send(&app, Method::POST, &path, &c.facilitator.token, None).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        send(&app, Method::POST, &path, &c.participants[0].token, None).await,
        403,
        "forbidden",
    )
    .await;
    // Bad rules: out of range, a fraction, an unknown field, a missing one.
    let problem = assert_problem(
        put_rules(&app, &c.coordinator, c.id, json!({"min_attendance_percent": 101, "all_assignments_passed": true, "all_courses_completed": true})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "min_attendance_percent");
    for body in [
        json!({"min_attendance_percent": 50.5, "all_assignments_passed": true, "all_courses_completed": true}),
        json!({"min_attendance_percent": 50, "all_assignments_passed": true, "all_courses_completed": true, "cohort_id": 2}),
        json!({"min_attendance_percent": 50, "all_assignments_passed": true}),
    ] {
        assert_eq!(
            put_rules(&app, &c.coordinator, c.id, body)
                .await
                .status()
                .as_u16(),
            400
        );
    }
    // A stale If-Match is refused.
    let stale = app
        .authed(
            Method::PUT,
            &format!("/api/v1/cohorts/{}/completion-rules", c.id),
            &c.coordinator.token,
        )
        .header("If-Match", "\"completion-rules-1-v9\"")
        .json(&lax)
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "precondition_failed").await;
    ok_json(put_rules(&app, &c.coordinator, c.id, lax).await, 201).await;
    // With no requirement, everyone completes; a training cohort makes no trainers.
    let done = ok_json(
        send(&app, Method::POST, &path, &c.coordinator.token, None).await,
        200,
    )
    .await;
    assert_eq!(done["issued"].as_array().unwrap().len(), 2);
    assert_eq!(done["issued"][0]["certified_trainer"], false);
    for p in &c.participants {
        assert_eq!(role_of(&app, p).await, "member");
    }
    // A cohort that is not running is not certified.
    let planning = create(&app, &c.coordinator, cohort_body(&[], &[])).await["id"]
        .as_i64()
        .unwrap();
    assert_problem(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/cohorts/{planning}/certificates"),
            &c.coordinator.token,
            None,
        )
        .await,
        409,
        "cohort_not_running",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::POST,
            "/api/v1/cohorts/999999/certificates",
            &c.coordinator.token,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_attendance_rule_reads_the_minutes_attended_in_live_sessions() {
    let app = spawn_app().await;
    let c = running_cohort(&app, "training", &[], 2).await;
    let (ana, ben) = (&c.participants[0], &c.participants[1]);
    let res = put_rules(
        &app,
        &c.coordinator,
        c.id,
        json!({"min_attendance_percent": 80, "all_assignments_passed": false, "all_courses_completed": false}),
    )
    .await;
    ok_json(res, 201).await;
    // A two-hour session held in the past, and a leader briefing that does not count.
    let session = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/cohorts/{}/sessions", c.id),
            &c.facilitator.token,
            Some(json!({"title": "Opening", "starts_at": "2026-01-10T01:00:00Z", "ends_at": "2026-01-10T03:00:00Z"})),
        )
        .await,
        201,
    )
    .await;
    let session = session["id"].as_i64().unwrap();
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/cohorts/{}/sessions", c.id),
        &c.facilitator.token,
        Some(json!({"title": "Briefing", "audience": "leaders", "starts_at": "2026-01-11T01:00:00Z", "ends_at": "2026-01-11T02:00:00Z"})),
    )
    .await;
    ok_json(res, 201).await;
    for (who, joined, left) in [
        (ana, "2026-01-10T01:00:00Z", "2026-01-10T02:40:00Z"),
        (ben, "2026-01-10T02:00:00Z", "2026-01-10T02:30:00Z"),
    ] {
        let res = send(
            &app,
            Method::PUT,
            &format!("/api/v1/sessions/{session}/attendance/{}", who.id),
            &c.facilitator.token,
            Some(json!({"joined_at": joined, "left_at": left})),
        )
        .await;
        ok_json(res, 201).await;
    }
    let all = ok_json(completion(&app, &c.facilitator, c.id).await, 200).await;
    assert_eq!(all["session_minutes"], 120);
    let items = all["items"].as_array().unwrap();
    let ana_row = items.iter().find(|i| i["user_id"] == ana.id).unwrap();
    let ben_row = items.iter().find(|i| i["user_id"] == ben.id).unwrap();
    assert_eq!(ana_row["attended_minutes"], 100);
    assert_eq!(ana_row["attendance_percent"], 83.3);
    assert_eq!(ana_row["complete"], true, "{ana_row}");
    assert_eq!(ben_row["attendance_percent"], 25.0);
    assert_eq!(ben_row["missing"], json!(["attendance"]));
    let done = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/cohorts/{}/certificates", c.id),
            &c.coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(done["issued"].as_array().unwrap().len(), 1);
    assert_eq!(done["issued"][0]["user_id"], ana.id);
}

/// Completing a `tot` cohort emails the new e-trainer (in their language), and revoking
/// the cohort's certificate revokes the e-trainer certification it made: the role it
/// granted is given back, the completion and the reach no longer count it, and the record
/// stays with when it was revoked.
#[tokio::test]
async fn revoking_a_tot_certificate_revokes_the_e_trainer_it_made() {
    let app = spawn_app().await;
    let (course, _) = cohort_course(&app);
    let c = running_cohort(&app, "tot", &[course], 1).await;
    let ana = &c.participants[0];
    let none = json!({"min_attendance_percent": 0, "all_assignments_passed": false, "all_courses_completed": false});
    ok_json(put_rules(&app, &c.coordinator, c.id, none).await, 201).await;
    ok_json(
        transition(&app, &c.coordinator, c.id, "completed").await,
        200,
    )
    .await;
    assert_eq!(role_of(&app, ana).await, "trainer");
    let all = ok_json(completion(&app, &c.coordinator, c.id).await, 200).await;
    let code = all["items"][0]["certificate_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, subject, text) = app
        .outbox()
        .into_iter()
        .find(|(to, subject, _)| {
            *to == ana.email && subject.starts_with("You are now an e-trainer")
        })
        .expect("the new e-trainer is emailed");
    assert!(
        subject.ends_with("Training of e-trainers, Asia-Pacific 2027"),
        "{subject}"
    );
    assert!(
        text.contains(&format!("/certificates/{code}"))
            && text.contains(&format!("/api/v1/certificates/{code}/badge")),
        "{text}"
    );
    let reach = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/cohorts/{}/reach", c.id),
            &c.coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(reach["nodes"][0]["graduates"], 1, "{reach}");

    // A participant may not revoke; a coordinator does, with a reason.
    let path = format!("/api/v1/certificates/{code}/revoke");
    let reason = json!({"reason": "The final assignment was copied."});
    let res = send(&app, Method::POST, &path, &ana.token, Some(reason.clone())).await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(
        &app,
        Method::POST,
        &path,
        &c.coordinator.token,
        Some(reason),
    )
    .await;
    ok_json(res, 200).await;
    assert_eq!(role_of(&app, ana).await, "member");
    let all = ok_json(completion(&app, &c.coordinator, c.id).await, 200).await;
    assert_eq!(all["items"][0]["certified_trainer"], false, "{all}");
    assert_eq!(all["items"][0]["certificate_valid"], false, "{all}");
    let reach = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/cohorts/{}/reach", c.id),
            &c.coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(reach["nodes"][0]["graduates"], 0, "{reach}");
    {
        use bayanihan::db::schema::trainer_certifications::dsl;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        let revoked: Vec<Option<chrono::NaiveDateTime>> = dsl::trainer_certifications
            .select(dsl::revoked_at)
            .filter(dsl::user_id.eq(ana.id))
            .load(&mut *conn)
            .unwrap();
        assert!(revoked.len() == 1 && revoked[0].is_some(), "{revoked:?}");
    }
    // Certifying again makes no new e-trainer of a revoked certificate.
    let again = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/cohorts/{}/certificates", c.id),
            &c.coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(again["issued"], json!([]), "{again}");
    assert_eq!(role_of(&app, ana).await, "member");
}
