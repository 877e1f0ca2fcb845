//! Calls, participant profiles, nominations and the selection view through HTTP: the walk
//! of a new coordinator, leader and members, every move, every denial, the emails.

use reqwest::Method;
use serde_json::{Value, json};

use crate::cohorts::{
    cohort_body, create, ok_json, published_course, send, set_language, transition,
};
use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};
use bayanihan::organisations::model::OrganisationKind;

pub(crate) fn union(app: &TestApp, name: &str, country: &str) -> i64 {
    app.insert_org(name, None, country, OrganisationKind::Union, None)
}

/// `user` asks to join `org` and `coordinator` approves them, as leader or member, with
/// `union_role`.
pub(crate) async fn join(
    app: &TestApp,
    coordinator: &TestUser,
    org: i64,
    user: &TestUser,
    leader: bool,
    union_role: &str,
) {
    let path = format!("/api/v1/organisations/{org}/memberships");
    ok_json(send(app, Method::POST, &path, &user.token, None).await, 201).await;
    let role = if leader { "leader" } else { "member" };
    let res = send(
        app,
        Method::PATCH,
        &format!("{path}/{}", user.id),
        &coordinator.token,
        Some(json!({"status": "approved", "role": role, "union_role": union_role})),
    )
    .await;
    ok_json(res, 200).await;
}

fn set_facts(app: &TestApp, user: &TestUser, gender: Option<&str>, birth_year: Option<i32>) {
    use bayanihan::db::schema::users::dsl;
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    diesel::update(dsl::users.filter(dsl::id.eq(user.id)))
        .set((dsl::gender.eq(gender), dsl::birth_year.eq(birth_year)))
        .execute(&mut *conn)
        .unwrap();
}

/// Moves a call's deadline into the past, as time would.
fn close_deadline(app: &TestApp, cohort: i64) {
    use bayanihan::db::schema::cohort_calls::dsl;
    use diesel::prelude::*;
    let mut conn = app.db.conn().unwrap();
    let past = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    diesel::update(dsl::cohort_calls.filter(dsl::cohort_id.eq(cohort)))
        .set(dsl::deadline.eq(past))
        .execute(&mut *conn)
        .unwrap();
}

async fn put_call(app: &TestApp, user: &TestUser, cohort: i64, body: Value) -> reqwest::Response {
    send(
        app,
        Method::PUT,
        &format!("/api/v1/cohorts/{cohort}/call"),
        &user.token,
        Some(body),
    )
    .await
}

pub(crate) async fn nominate(
    app: &TestApp,
    by: &TestUser,
    cohort: i64,
    body: Value,
) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/cohorts/{cohort}/nominations"),
        &by.token,
        Some(body),
    )
    .await
}

pub(crate) fn nomination_of(nominee: &TestUser) -> Value {
    json!({"nominee_id": nominee.id, "statement": "Runs the union's study circles.", "profile_read": true})
}

fn application() -> Value {
    json!({"statement": "I train shop stewards in my region.", "profile_read": true})
}

pub(crate) async fn move_to(
    app: &TestApp,
    by: &TestUser,
    nomination: i64,
    status: &str,
    reason: Option<&str>,
) -> reqwest::Response {
    let mut body = json!({"status": status});
    if let Some(reason) = reason {
        body["reason"] = json!(reason);
    }
    send(
        app,
        Method::POST,
        &format!("/api/v1/nominations/{nomination}/transitions"),
        &by.token,
        Some(body),
    )
    .await
}

pub(crate) async fn moved(
    app: &TestApp,
    by: &TestUser,
    id: i64,
    status: &str,
    reason: Option<&str>,
) -> Value {
    let body = ok_json(move_to(app, by, id, status, reason).await, 200).await;
    assert_eq!(body["status"], status, "{body}");
    body
}

async fn enrolled(app: &TestApp, user: &TestUser, course: i64) -> bool {
    let res = send(
        app,
        Method::GET,
        &format!("/api/v1/courses/{course}/enrolments/me"),
        &user.token,
        None,
    )
    .await;
    match res.status().as_u16() {
        200 => true,
        404 => false,
        other => panic!("enrolment answered {other}"),
    }
}

/// The emails to `to` so far: (subject, text).
pub(crate) fn mail_to(app: &TestApp, to: &TestUser) -> Vec<(String, String)> {
    app.outbox()
        .into_iter()
        .filter(|(r, _, _)| *r == to.email)
        .map(|(_, s, t)| (s, t))
        .collect()
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect()
}

/// A cohort in `planning` with one published course, for `capacity` participants.
pub(crate) async fn cohort_with_course(
    app: &TestApp,
    coordinator: &TestUser,
    capacity: i64,
) -> (i64, i64) {
    let course = published_course(
        app,
        coordinator,
        &format!("course-{}", uuid::Uuid::new_v4().simple()),
    )
    .await;
    let mut body = cohort_body(&[], &[course]);
    body["capacity"] = json!(capacity);
    let cohort = create(app, coordinator, body).await["id"].as_i64().unwrap();
    (cohort, course)
}

pub(crate) fn call_body(orgs: &[i64], extra: Value) -> Value {
    let mut body = json!({
        "deadline": "2027-01-25T00:00:00Z",
        "members_may_apply": true,
        "invited_organisation_ids": orgs,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

pub(crate) async fn open(app: &TestApp, coordinator: &TestUser, cohort: i64, call: Value) {
    ok_json(put_call(app, coordinator, cohort, call).await, 201).await;
    ok_json(
        transition(app, coordinator, cohort, "nominations_open").await,
        200,
    )
    .await;
}

#[tokio::test]
async fn a_coordinator_opens_a_call_leaders_nominate_and_a_waitlisted_member_moves_up() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let leader = app.user("member").await;
    let (ana, ben, cora) = (
        app.user("member").await,
        app.user("member").await,
        app.user("member").await,
    );
    set_language(&app, &ben, "fil");
    let org = union(&app, "Kilusang Manggagawa", "PH");
    join(&app, &coordinator, org, &leader, true, "officer").await;
    for m in [&ana, &ben, &cora] {
        join(&app, &coordinator, org, m, false, "educator").await;
    }
    let (cohort, course) = cohort_with_course(&app, &coordinator, 1).await;
    open(
        &app,
        &coordinator,
        cohort,
        call_body(
            &[org],
            json!({"profile": {"union_roles": ["educator", "organiser"]}}),
        ),
    )
    .await;

    // The leader nominates two members; each is emailed in their language.
    let a = ok_json(
        nominate(&app, &leader, cohort, nomination_of(&ana)).await,
        201,
    )
    .await;
    assert_eq!(a["status"], "awaiting_nominee");
    assert_eq!(a["origin"], "leader");
    assert_eq!(a["leader"]["id"], leader.id);
    assert_eq!(a["organisation"]["id"], org);
    assert!(a["soft_criteria"].is_null(), "only coordinators see them");
    let b = ok_json(
        nominate(&app, &leader, cohort, nomination_of(&ben)).await,
        201,
    )
    .await;
    let (a, b) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
    let (subject, text) = mail_to(&app, &ana).pop().unwrap();
    assert_eq!(
        subject,
        "You are nominated: Training of e-trainers, Asia-Pacific 2027"
    );
    assert!(text.contains(&format!("/nominations/{a}")), "{text}");
    assert!(text.contains("Kilusang Manggagawa"), "{text}");
    let (subject, _) = mail_to(&app, &ben).pop().unwrap();
    assert!(subject.starts_with("Ikaw ay nominado"), "{subject}");

    // One accepts, one declines.
    moved(&app, &ana, a, "submitted", None).await;
    moved(&app, &ben, b, "declined", Some("Not this year")).await;

    // A member applies; the leader is asked to endorse, and endorses.
    let c = ok_json(nominate(&app, &cora, cohort, application()).await, 201).await;
    assert_eq!(c["status"], "awaiting_leader");
    assert_eq!(c["origin"], "application");
    assert!(c["leader"].is_null());
    let c = c["id"].as_i64().unwrap();
    let (subject, _) = mail_to(&app, &leader).pop().unwrap();
    assert!(subject.starts_with("Application to endorse"), "{subject}");
    let endorsed = moved(&app, &leader, c, "submitted", None).await;
    assert_eq!(endorsed["leader"]["id"], leader.id);

    // The coordinator sees both with their soft criteria, accepts one and waitlists the
    // other: the cohort has one place.
    let (_, list) = (
        (),
        ok_json(
            send(
                &app,
                Method::GET,
                &format!("/api/v1/cohorts/{cohort}/nominations?status=submitted"),
                &coordinator.token,
                None,
            )
            .await,
            200,
        )
        .await,
    );
    assert_eq!(ids(&list), vec![a, c]);
    assert_eq!(list["items"][0]["soft_criteria"]["gender"], "not_stated");
    let accepted = moved(&app, &coordinator, a, "accepted", Some("Strong educator")).await;
    assert_eq!(accepted["decision_reason"], "Strong educator");
    assert!(enrolled(&app, &ana, course).await, "accepting enrols");
    let res = move_to(&app, &coordinator, c, "accepted", Some("Also strong")).await;
    assert_problem(res, 409, "cohort_full").await;
    moved(
        &app,
        &coordinator,
        c,
        "waitlisted",
        Some("The cohort is full"),
    )
    .await;
    for who in [&ana, &leader] {
        let mails = mail_to(&app, who);
        assert!(
            mails
                .iter()
                .any(|(s, t)| s.starts_with("Accepted:") && t.contains("Strong educator")),
            "{mails:?}"
        );
    }
    assert!(
        mail_to(&app, &cora)
            .iter()
            .any(|(s, t)| s.starts_with("Waiting list:") && t.contains("The cohort is full"))
    );
    assert!(!enrolled(&app, &cora, course).await);

    // The accepted one withdraws: the waitlisted one moves up, is enrolled and emailed.
    moved(&app, &ana, a, "withdrawn", Some("New job")).await;
    assert!(
        !enrolled(&app, &ana, course).await,
        "a withdrawn participant leaves"
    );
    let (_, up) = (
        (),
        ok_json(
            send(
                &app,
                Method::GET,
                &format!("/api/v1/nominations/{c}"),
                &cora.token,
                None,
            )
            .await,
            200,
        )
        .await,
    );
    assert_eq!(up["status"], "accepted");
    assert!(enrolled(&app, &cora, course).await, "moving up enrols");
    for who in [&cora, &leader] {
        assert!(
            mail_to(&app, who).iter().any(|(s, _)| s
                == "A place for Test member in Training of e-trainers, Asia-Pacific 2027"),
            "{:?}",
            mail_to(&app, who)
        );
    }

    // Every step is audited: who, what, why.
    let events = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/cohorts/{cohort}/nomination-events?limit=100"),
            &coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    let steps: Vec<(i64, Value, String, Value)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["nomination_id"].as_i64().unwrap(),
                e["from_status"].clone(),
                e["to_status"].as_str().unwrap().to_owned(),
                e["actor_id"].clone(),
            )
        })
        .collect();
    let expected = vec![
        (a, Value::Null, "awaiting_nominee", json!(leader.id)),
        (b, Value::Null, "awaiting_nominee", json!(leader.id)),
        (a, json!("awaiting_nominee"), "submitted", json!(ana.id)),
        (b, json!("awaiting_nominee"), "declined", json!(ben.id)),
        (c, Value::Null, "awaiting_leader", json!(cora.id)),
        (c, json!("awaiting_leader"), "submitted", json!(leader.id)),
        (a, json!("submitted"), "accepted", json!(coordinator.id)),
        (c, json!("submitted"), "waitlisted", json!(coordinator.id)),
        (a, json!("accepted"), "withdrawn", json!(ana.id)),
        (c, json!("waitlisted"), "accepted", json!(ana.id)),
    ];
    let expected: Vec<(i64, Value, String, Value)> = expected
        .into_iter()
        .map(|(n, f, t, a)| (n, f, t.to_owned(), a))
        .collect();
    assert_eq!(steps, expected);
    assert_eq!(events["items"][3]["reason"], "Not this year");
    assert!(
        events["items"][9]["reason"]
            .as_str()
            .unwrap()
            .contains("waiting list")
    );
    let one = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/cohorts/{cohort}/nomination-events?nomination_id={b}"),
            &coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(one["items"].as_array().unwrap().len(), 2);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/cohorts/{cohort}/nomination-events"),
        &leader.token,
        None,
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn who_may_nominate_answer_decide_withdraw_and_read() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let leader = app.user("member").await;
    let other_leader = app.user("member").await;
    let member = app.user("member").await;
    let outsider = app.user("member").await;
    let stranger = app.user("member").await;
    let org = union(&app, "Union A", "PH");
    let other = union(&app, "Union B", "PH");
    join(&app, &coordinator, org, &leader, true, "officer").await;
    join(&app, &coordinator, org, &member, false, "member").await;
    join(&app, &coordinator, other, &other_leader, true, "officer").await;
    join(&app, &coordinator, other, &outsider, false, "member").await;
    let (cohort, _) = cohort_with_course(&app, &coordinator, 5).await;

    // Before the call opens: closed.
    let res = nominate(&app, &leader, cohort, nomination_of(&member)).await;
    assert_problem(res, 409, "nominations_closed").await;
    open(
        &app,
        &coordinator,
        cohort,
        call_body(&[org, other], json!({})),
    )
    .await;

    // A member nominating anyone, a leader nominating a member of another union, a
    // coordinator who leads no union: 403.
    let res = nominate(&app, &member, cohort, nomination_of(&outsider)).await;
    assert_problem(res, 403, "forbidden").await;
    let res = nominate(&app, &leader, cohort, nomination_of(&outsider)).await;
    assert_problem(res, 403, "forbidden").await;
    let mut through_other = nomination_of(&outsider);
    through_other["organisation_id"] = json!(other);
    let res = nominate(&app, &leader, cohort, through_other).await;
    assert_problem(res, 403, "forbidden").await;
    let res = nominate(&app, &coordinator, cohort, nomination_of(&member)).await;
    assert_problem(res, 403, "forbidden").await;
    // Someone in no union cannot apply.
    let res = nominate(&app, &stranger, cohort, application()).await;
    assert_problem(res, 403, "forbidden").await;
    // The profile must be read, the statement given.
    let mut unread = nomination_of(&member);
    unread["profile_read"] = json!(false);
    unread["statement"] = json!("  ");
    let body = assert_problem(
        nominate(&app, &leader, cohort, unread).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["invalid_statement", "profile_not_read"]);

    let res = nominate(&app, &leader, cohort, nomination_of(&member)).await;
    let tag = etag(&res);
    let n = ok_json(res, 201).await["id"].as_i64().unwrap();
    assert_eq!(tag, format!("\"nomination-{n}-v1\""));
    // Twice for one cohort: 409, by the same leader or by the member applying.
    let res = nominate(&app, &leader, cohort, nomination_of(&member)).await;
    assert_problem(res, 409, "already_nominated").await;
    let res = nominate(&app, &member, cohort, application()).await;
    assert_problem(res, 409, "already_nominated").await;

    // Reading: the nominee, the union's leaders, coordinators; 404 for anyone else.
    let path = format!("/api/v1/nominations/{n}");
    for who in [&member, &leader, &coordinator] {
        let res = send(&app, Method::GET, &path, &who.token, None).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers().get("cache-control").unwrap(),
            "no-store",
            "personal data"
        );
    }
    for who in [&other_leader, &outsider, &stranger] {
        let res = send(&app, Method::GET, &path, &who.token, None).await;
        assert_problem(res, 404, "not_found").await;
        // Nor may they move it: still 404, not 403.
        let res = move_to(&app, who, n, "withdrawn", None).await;
        assert_problem(res, 404, "not_found").await;
    }
    let list = |who: &TestUser| {
        let token = who.token.clone();
        let app = &app;
        async move {
            ok_json(
                app.authed(
                    Method::GET,
                    &format!("/api/v1/cohorts/{cohort}/nominations"),
                    &token,
                )
                .send()
                .await
                .unwrap(),
                200,
            )
            .await
        }
    };
    assert_eq!(ids(&list(&member).await), vec![n]);
    assert_eq!(ids(&list(&leader).await), vec![n]);
    assert_eq!(ids(&list(&coordinator).await), vec![n]);
    assert!(ids(&list(&other_leader).await).is_empty());
    assert!(ids(&list(&stranger).await).is_empty());

    // Answering is the nominee's; deciding the coordinators'; moves that do not exist
    // are 409.
    let res = move_to(&app, &leader, n, "submitted", None).await;
    assert_problem(res, 403, "forbidden").await;
    let res = move_to(&app, &coordinator, n, "accepted", Some("Good")).await;
    assert_problem(res, 409, "invalid_transition").await;
    let res = move_to(&app, &member, n, "not_endorsed", None).await;
    assert_problem(res, 409, "invalid_transition").await;
    let stale = app
        .authed(Method::POST, &format!("{path}/transitions"), &member.token)
        .header("if-match", "\"nomination-1-v9\"")
        .json(&json!({"status": "submitted"}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "precondition_failed").await;
    let res = app
        .authed(Method::POST, &format!("{path}/transitions"), &member.token)
        .header("if-match", tag.as_str())
        .json(&json!({"status": "submitted"}))
        .send()
        .await
        .unwrap();
    assert_eq!(etag(&res), format!("\"nomination-{n}-v2\""));
    ok_json(res, 200).await;
    let res = move_to(&app, &member, n, "submitted", None).await;
    assert_problem(res, 409, "invalid_transition").await;
    let res = move_to(&app, &member, n, "accepted", Some("Me!")).await;
    assert_problem(res, 403, "forbidden").await;
    let res = move_to(&app, &leader, n, "rejected", Some("No")).await;
    assert_problem(res, 403, "forbidden").await;
    let res = move_to(&app, &coordinator, n, "rejected", None).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "reason_required");
    moved(
        &app,
        &coordinator,
        n,
        "rejected",
        Some("Another educator fits better"),
    )
    .await;
    let res = move_to(&app, &member, n, "withdrawn", None).await;
    assert_problem(res, 409, "invalid_transition").await;
    // A rejected member is not nominated again for the cohort.
    let res = nominate(&app, &leader, cohort, nomination_of(&member)).await;
    assert_problem(res, 409, "already_nominated").await;

    // Applications: a leader does not endorse their own; the other union's leader is not
    // theirs; a leader withdraws their member's application.
    let own = ok_json(
        nominate(&app, &other_leader, cohort, application()).await,
        201,
    )
    .await;
    let own = own["id"].as_i64().unwrap();
    let res = move_to(&app, &other_leader, own, "submitted", None).await;
    assert_problem(res, 403, "forbidden").await;
    let app_o = ok_json(nominate(&app, &outsider, cohort, application()).await, 201).await;
    let app_o = app_o["id"].as_i64().unwrap();
    let res = move_to(&app, &leader, app_o, "submitted", None).await;
    assert_problem(res, 404, "not_found").await;
    let res = move_to(&app, &outsider, app_o, "submitted", None).await;
    assert_problem(res, 403, "forbidden").await;
    moved(
        &app,
        &other_leader,
        app_o,
        "not_endorsed",
        Some("Not ready yet"),
    )
    .await;
    // Not endorsed is over: the member may be put forward again, and their leader
    // withdraws it.
    let again = nominate(&app, &other_leader, cohort, nomination_of(&outsider)).await;
    let again = ok_json(again, 201).await["id"].as_i64().unwrap();
    moved(&app, &other_leader, again, "withdrawn", None).await;

    // After the deadline: closed.
    close_deadline(&app, cohort);
    let res = nominate(&app, &other_leader, cohort, nomination_of(&outsider)).await;
    assert_problem(res, 409, "nominations_closed").await;
}

#[tokio::test]
async fn quotas_and_calls_that_take_no_applications() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let leader_a = app.user("member").await;
    let leader_b = app.user("member").await;
    let members: Vec<TestUser> = {
        let mut v = Vec::new();
        for _ in 0..5 {
            v.push(app.user("member").await);
        }
        v
    };
    let a = union(&app, "Union A", "PH");
    let b = union(&app, "Union B", "PH");
    let fiji = union(&app, "Fiji Union", "FJ");
    join(&app, &coordinator, a, &leader_a, true, "officer").await;
    join(&app, &coordinator, b, &leader_b, true, "officer").await;
    for m in &members[..3] {
        join(&app, &coordinator, a, m, false, "member").await;
    }
    for m in &members[3..] {
        join(&app, &coordinator, b, m, false, "member").await;
    }
    let (cohort, _) = cohort_with_course(&app, &coordinator, 10).await;
    let call = json!({
        "deadline": "2027-01-25T00:00:00Z",
        "invited_countries": ["PH"],
        "invited_organisation_ids": [fiji],
        "organisation_quotas": [{"organisation_id": a, "places": 2}],
        "country_quotas": [{"country": "PH", "places": 3}],
    });
    open(&app, &coordinator, cohort, call).await;

    // The call takes nominations by leaders only.
    let res = nominate(&app, &members[0], cohort, application()).await;
    assert_problem(res, 403, "applications_not_accepted").await;

    let first = ok_json(
        nominate(&app, &leader_a, cohort, nomination_of(&members[0])).await,
        201,
    )
    .await;
    ok_json(
        nominate(&app, &leader_a, cohort, nomination_of(&members[1])).await,
        201,
    )
    .await;
    let res = nominate(&app, &leader_a, cohort, nomination_of(&members[2])).await;
    assert_problem(res, 409, "quota_full").await;
    // A declined nomination frees its place in the quota.
    moved(
        &app,
        &members[0],
        first["id"].as_i64().unwrap(),
        "declined",
        None,
    )
    .await;
    ok_json(
        nominate(&app, &leader_a, cohort, nomination_of(&members[2])).await,
        201,
    )
    .await;
    // Union B is invited through its country, which has one place of three left.
    ok_json(
        nominate(&app, &leader_b, cohort, nomination_of(&members[3])).await,
        201,
    )
    .await;
    let res = nominate(&app, &leader_b, cohort, nomination_of(&members[4])).await;
    assert_problem(res, 409, "quota_full").await;
}

#[tokio::test]
async fn a_nominee_who_misses_a_hard_criterion_is_refused_naming_it() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let leader = app.user("member").await;
    let fits = app.user("member").await;
    let misses = app.user("member").await;
    let unstated = app.user("member").await;
    let org = union(&app, "Union A", "PH");
    let uninvited = union(&app, "Union C", "ID");
    join(&app, &coordinator, org, &leader, true, "officer").await;
    join(&app, &coordinator, uninvited, &leader, true, "officer").await;
    for m in [&fits, &unstated] {
        join(&app, &coordinator, org, m, false, "educator").await;
    }
    join(&app, &coordinator, org, &misses, false, "shop_steward").await;
    join(&app, &coordinator, uninvited, &fits, false, "educator").await;

    // The prerequisite course: `fits` completes it (its one lesson).
    let prereq = crate::cohorts::published_course(&app, &coordinator, "prerequisite-course").await;
    set_facts(&app, &fits, Some("female"), Some(1990));
    set_facts(&app, &misses, Some("male"), Some(1950));
    set_facts(&app, &unstated, None, None);
    {
        use bayanihan::db::schema::enrolments::dsl;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        let now = bayanihan::db::now();
        for user in [&fits, &unstated] {
            diesel::insert_into(dsl::enrolments)
                .values((
                    dsl::course_id.eq(prereq),
                    dsl::user_id.eq(user.id),
                    dsl::created_at.eq(now),
                    dsl::updated_at.eq(now),
                    dsl::completed_at.eq(Some(now)),
                ))
                .execute(&mut *conn)
                .unwrap();
        }
    }
    for m in [&fits, &unstated] {
        let res = send(
            &app,
            Method::PUT,
            "/api/v1/me/languages",
            &m.token,
            Some(json!({"languages": [{"language": "en-PH", "level": "B2"}]})),
        )
        .await;
        ok_json(res, 200).await;
    }
    let res = send(
        &app,
        Method::PUT,
        "/api/v1/me/languages",
        &misses.token,
        Some(json!({"languages": [{"language": "en", "level": "A2"}]})),
    )
    .await;
    ok_json(res, 200).await;

    // A completed earlier cohort `fits` and `unstated` took part in.
    let (earlier, _) = cohort_with_course(&app, &coordinator, 5).await;
    open(&app, &coordinator, earlier, call_body(&[org], json!({}))).await;
    for m in [&fits, &unstated] {
        let n = ok_json(
            nominate(&app, &leader, earlier, nomination_of(m)).await,
            201,
        )
        .await;
        let n = n["id"].as_i64().unwrap();
        moved(&app, m, n, "submitted", None).await;
        moved(&app, &coordinator, n, "accepted", Some("Fits")).await;
    }
    for status in ["selection", "running", "completed"] {
        ok_json(transition(&app, &coordinator, earlier, status).await, 200).await;
    }

    let (cohort, _) = cohort_with_course(&app, &coordinator, 5).await;
    let profile = json!({"profile": {
        "union_roles": ["educator"],
        "languages": [{"language": "en", "min_level": "B1"}],
        "prerequisite_course_ids": [prereq],
        "prerequisite_cohort_ids": [earlier],
        "min_age": 25, "max_age": 45,
        "target_shares": {"women_percent": 50, "under_35_percent": 40},
        "notes": "Experience running union education."
    }});
    open(&app, &coordinator, cohort, call_body(&[org], profile)).await;
    let call = app.get(&format!("/api/v1/cohorts/{cohort}/call")).await;
    let call: Value = call.json().await.unwrap();
    assert_eq!(call["published"], true);
    assert_eq!(call["open"], true);
    assert_eq!(call["profile"]["languages"][0]["min_level"], "B1");

    let body = assert_problem(
        nominate(&app, &leader, cohort, nomination_of(&misses)).await,
        422,
        "validation_failed",
    )
    .await;
    let errors: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("profile.union_roles", "union_role_required"),
        ("profile.languages", "language_level_too_low"),
        (
            "profile.prerequisite_course_ids",
            "prerequisite_course_not_completed",
        ),
        (
            "profile.prerequisite_cohort_ids",
            "prerequisite_cohort_not_completed",
        ),
        ("profile.age_range", "outside_age_range"),
    ]
    .iter()
    .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(errors, expected);

    // Through an organisation the call does not invite.
    let mut through = nomination_of(&fits);
    through["organisation_id"] = json!(uninvited);
    let body = assert_problem(
        nominate(&app, &leader, cohort, through).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "organisation_not_invited");
    assert_eq!(body["errors"][0]["field"], "organisation_id");

    // Fitting every criterion passes (the invited union is chosen among two); no birth
    // year is "not stated", never a refusal.
    let n = ok_json(
        nominate(&app, &leader, cohort, nomination_of(&fits)).await,
        201,
    )
    .await;
    assert_eq!(n["organisation"]["id"], org);
    let u = ok_json(
        nominate(&app, &leader, cohort, nomination_of(&unstated)).await,
        201,
    )
    .await;
    for n in [&n, &u] {
        let id = n["id"].as_i64().unwrap();
        let who = if n["nominee"]["id"] == fits.id {
            &fits
        } else {
            &unstated
        };
        moved(&app, who, id, "submitted", None).await;
    }
    let seen = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/nominations/{}", u["id"]),
            &coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        seen["soft_criteria"],
        json!({"gender": "not_stated", "age_band": "not_stated", "under_35": null, "country": "PH"})
    );

    // The selection view counts what was put forward against the targets.
    moved(
        &app,
        &coordinator,
        n["id"].as_i64().unwrap(),
        "accepted",
        Some("Fits"),
    )
    .await;
    let view = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/cohorts/{cohort}/selection"),
            &coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(view["submitted"]["total"], 2);
    assert_eq!(view["accepted"]["total"], 1);
    let share = |set: &str, dim: &str, value: &str| {
        view[set][dim]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["value"] == value)
            .map(|s| (s["count"].as_i64().unwrap(), s["percent"].as_f64().unwrap()))
            .unwrap()
    };
    assert_eq!(share("submitted", "gender", "female"), (1, 50.0));
    assert_eq!(share("submitted", "gender", "not_stated"), (1, 50.0));
    assert_eq!(share("submitted", "age_band", "35_44"), (1, 50.0));
    assert_eq!(share("submitted", "age_band", "not_stated"), (1, 50.0));
    assert_eq!(share("accepted", "gender", "female"), (1, 100.0));
    assert_eq!(share("accepted", "country", "PH"), (1, 100.0));
    assert_eq!(view["submitted"]["union"][0]["organisation_id"], org);
    assert_eq!(view["submitted"]["union"][0]["count"], 2);
    assert_eq!(
        view["targets"],
        json!([
            {"target": "women", "target_percent": 50, "submitted_percent": 50.0, "accepted_percent": 100.0},
            {"target": "under_35", "target_percent": 40, "submitted_percent": 0.0, "accepted_percent": 0.0},
        ])
    );
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/cohorts/{cohort}/selection"),
        &leader.token,
        None,
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn calls_are_drafts_until_nominations_open_and_are_checked() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let org = union(&app, "Union A", "PH");
    let fiji = union(&app, "Fiji Union", "FJ");
    let (cohort, _) = cohort_with_course(&app, &coordinator, 5).await;
    let path = format!("/api/v1/cohorts/{cohort}/call");

    assert_eq!(app.get(&path).await.status(), 404);
    let body = call_body(&[org], json!({}));
    for who in [&trainer, &member] {
        assert_problem(
            put_call(&app, who, cohort, body.clone()).await,
            403,
            "forbidden",
        )
        .await;
    }
    let res = put_call(&app, &coordinator, cohort, body.clone()).await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.headers().get("location").unwrap().to_str().unwrap(),
        path
    );
    let tag = etag(&res);
    assert_eq!(tag, format!("\"call-{cohort}-v1\""));
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["published"], false);
    assert_eq!(created["open"], false);
    assert_eq!(created["invited_organisation_ids"], json!([org]));
    // A draft: coordinators read it, nobody else.
    assert_eq!(app.get(&path).await.status(), 404);
    let res = send(&app, Method::GET, &path, &member.token, None).await;
    assert_problem(res, 404, "not_found").await;
    ok_json(
        send(&app, Method::GET, &path, &coordinator.token, None).await,
        200,
    )
    .await;

    // The same call again changes nothing; a stale tag is refused.
    let res = put_call(&app, &coordinator, cohort, body.clone()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(etag(&res), tag);
    let mut changed = call_body(
        &[org, fiji],
        json!({"organisation_quotas": [{"organisation_id": fiji, "places": 2}]}),
    );
    let res = app
        .authed(Method::PUT, &path, &coordinator.token)
        .header("if-match", "\"call-1-v7\"")
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    let res = app
        .authed(Method::PUT, &path, &coordinator.token)
        .header("if-match", tag.as_str())
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(etag(&res), format!("\"call-{cohort}-v2\""));
    let call = ok_json(res, 200).await;
    assert_eq!(
        call["organisation_quotas"],
        json!([{"organisation_id": fiji, "places": 2}])
    );

    // What the database knows is checked: organisations, courses, cohorts; a quota for an
    // organisation the call does not invite.
    changed["invited_organisation_ids"] = json!([org, 999_999]);
    changed["organisation_quotas"] = json!([{"organisation_id": fiji, "places": 2}]);
    changed["profile"] =
        json!({"prerequisite_course_ids": [999_999], "prerequisite_cohort_ids": [cohort]});
    let body_err = assert_problem(
        put_call(&app, &coordinator, cohort, changed).await,
        422,
        "validation_failed",
    )
    .await;
    let codes: Vec<&str> = body_err["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "not_invited",
            "unknown_organisation",
            "unknown_course",
            "unknown_cohort"
        ]
    );
    let late = call_body(&[org], json!({"deadline": "2027-06-01T00:00:00Z"}));
    let res = put_call(&app, &coordinator, cohort, late).await;
    let err = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(err["errors"][0]["code"], "deadline_after_start");

    // Opening nominations publishes it.
    ok_json(
        transition(&app, &coordinator, cohort, "nominations_open").await,
        200,
    )
    .await;
    let (status, call) = app.get_json(&path).await;
    assert_eq!(status, 200);
    assert_eq!(call["published"], true);
    assert_eq!(call["open"], true);
    // After nominations, the call is kept as it was.
    ok_json(
        transition(&app, &coordinator, cohort, "selection").await,
        200,
    )
    .await;
    let res = put_call(&app, &coordinator, cohort, body).await;
    assert_problem(res, 409, "call_closed").await;
}

#[tokio::test]
async fn cancelling_a_cohort_emails_nominees_and_their_leaders() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let leader = app.user("member").await;
    let nominee = app.user("member").await;
    let declined = app.user("member").await;
    set_language(&app, &nominee, "fil");
    let org = union(&app, "Union A", "PH");
    join(&app, &coordinator, org, &leader, true, "officer").await;
    join(&app, &coordinator, org, &nominee, false, "member").await;
    join(&app, &coordinator, org, &declined, false, "member").await;
    let (cohort, _) = cohort_with_course(&app, &coordinator, 5).await;
    open(&app, &coordinator, cohort, call_body(&[org], json!({}))).await;
    ok_json(
        nominate(&app, &leader, cohort, nomination_of(&nominee)).await,
        201,
    )
    .await;
    let d = ok_json(
        nominate(&app, &leader, cohort, nomination_of(&declined)).await,
        201,
    )
    .await;
    moved(&app, &declined, d["id"].as_i64().unwrap(), "declined", None).await;

    ok_json(
        transition(&app, &coordinator, cohort, "cancelled").await,
        200,
    )
    .await;
    let cancelled = |who: &TestUser| {
        mail_to(&app, who)
            .into_iter()
            .filter(|(s, _)| s.starts_with("Cancelled:") || s.starts_with("Kinansela:"))
            .count()
    };
    assert_eq!(cancelled(&nominee), 1);
    assert!(
        mail_to(&app, &nominee)
            .iter()
            .any(|(s, _)| s.starts_with("Kinansela:"))
    );
    assert_eq!(cancelled(&leader), 1, "the leader once, though named twice");
    assert_eq!(cancelled(&declined), 0, "a declined nomination is over");
    // Nothing moves in a cancelled cohort.
    let res = nominate(&app, &leader, cohort, nomination_of(&declined)).await;
    assert_problem(res, 409, "nominations_closed").await;
}

#[tokio::test]
async fn the_remaining_moves_and_pages_of_nominations() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let leader = app.user("member").await;
    let mut members = Vec::new();
    for _ in 0..5 {
        members.push(app.user("member").await);
    }
    let org = union(&app, "Union A", "PH");
    join(&app, &coordinator, org, &leader, true, "officer").await;
    for m in &members {
        join(&app, &coordinator, org, m, false, "member").await;
    }
    let (cohort, course) = cohort_with_course(&app, &coordinator, 1).await;
    open(&app, &coordinator, cohort, call_body(&[org], json!({}))).await;
    let mut ns = Vec::new();
    for m in &members[..4] {
        let n = ok_json(nominate(&app, &leader, cohort, nomination_of(m)).await, 201).await;
        let n = n["id"].as_i64().unwrap();
        moved(&app, m, n, "submitted", None).await;
        ns.push(n);
    }
    // An application withdrawn by the applicant before any leader answered.
    let applied = ok_json(
        nominate(&app, &members[4], cohort, application()).await,
        201,
    )
    .await;
    moved(
        &app,
        &members[4],
        applied["id"].as_i64().unwrap(),
        "withdrawn",
        None,
    )
    .await;
    // A submitted nomination withdrawn by the leader.
    moved(&app, &leader, ns[0], "withdrawn", Some("Changed shifts")).await;
    // Waitlisted ones: accepted by hand, rejected, withdrawn.
    for &n in &ns[1..] {
        moved(
            &app,
            &coordinator,
            n,
            "waitlisted",
            Some("Waiting for a place"),
        )
        .await;
    }
    moved(&app, &coordinator, ns[1], "accepted", Some("First in line")).await;
    assert!(enrolled(&app, &members[1], course).await);
    moved(
        &app,
        &coordinator,
        ns[2],
        "rejected",
        Some("Profile fits less"),
    )
    .await;
    moved(&app, &members[3], ns[3], "withdrawn", None).await;
    // Nothing follows a withdrawal, a rejection or a decline.
    for &n in &[ns[0], ns[2]] {
        let res = move_to(&app, &coordinator, n, "accepted", Some("Again")).await;
        assert_problem(res, 409, "invalid_transition").await;
    }

    // The list and the audit trail page by id with the kernel's cursors.
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/cohorts/{cohort}/nominations?limit=2");
    loop {
        let page = ok_json(
            send(&app, Method::GET, &path, &coordinator.token, None).await,
            200,
        )
        .await;
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/cohorts/{cohort}/nominations?limit=2&cursor={c}"),
            None => break,
        }
    }
    let mut all = ns.clone();
    all.push(applied["id"].as_i64().unwrap());
    assert_eq!(seen, all);
    let page = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/cohorts/{cohort}/nominations?status=waitlisted"),
            &coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert!(ids(&page).is_empty());
    let mut steps = 0;
    let mut path = format!("/api/v1/cohorts/{cohort}/nomination-events?limit=3");
    loop {
        let page = ok_json(
            send(&app, Method::GET, &path, &coordinator.token, None).await,
            200,
        )
        .await;
        steps += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(c) => {
                path = format!("/api/v1/cohorts/{cohort}/nomination-events?limit=3&cursor={c}");
            }
            None => break,
        }
    }
    // 4 nominations and answers, an application and its withdrawal, a withdrawal, three
    // waitlistings, an acceptance, a rejection, a withdrawal.
    assert_eq!(steps, 8 + 2 + 1 + 3 + 3);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/cohorts/{cohort}/nominations?limit=0"),
        &coordinator.token,
        None,
    )
    .await;
    assert_problem(res, 400, "invalid_query").await;
}
