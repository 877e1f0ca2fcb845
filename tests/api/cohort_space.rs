//! Each cohort's private space through HTTP: its members follow the cohort's facilitators
//! and accepted participants as they change, outsiders never see it, and announcements
//! reach every participant by email in their language.

use reqwest::Method;
use serde_json::{Value, json};

use crate::cohorts::{create, ok_json, send, set_language, transition};
use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};
use crate::nominations::{
    call_body, cohort_with_course, join, mail_to, moved, nominate, nomination_of, open, union,
};

/// Whether `user` reads the space (200) or it does not exist for them (404).
async fn reads(app: &TestApp, user: &TestUser, space: i64) -> bool {
    let res = send(
        app,
        Method::GET,
        &format!("/api/v1/communities/{space}"),
        &user.token,
        None,
    )
    .await;
    match res.status().as_u16() {
        200 => true,
        404 => false,
        other => panic!("the space answered {other}"),
    }
}

/// The space's active members as (user id, role), by user id.
async fn members(app: &TestApp, reader: &TestUser, space: i64) -> Vec<(i64, String)> {
    let page = ok_json(
        send(
            app,
            Method::GET,
            &format!("/api/v1/communities/{space}/members?limit=100"),
            &reader.token,
            None,
        )
        .await,
        200,
    )
    .await;
    let mut all: Vec<(i64, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user_id"].as_i64().unwrap(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    all.sort();
    all
}

async fn cohort(app: &TestApp, coordinator: &TestUser, id: i64) -> Value {
    ok_json(
        send(
            app,
            Method::GET,
            &format!("/api/v1/cohorts/{id}"),
            &coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await
}

async fn announce(app: &TestApp, by: &TestUser, cohort: i64, title: &str) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/cohorts/{cohort}/announcements"),
        &by.token,
        Some(json!({"title": title, "body": "Our first session is on **Monday**, 09:00 Manila time."})),
    )
    .await
}

/// A cohort with `facilitators` and one course for `capacity`, its call open to one union
/// that `leader` leads and each of `members` belongs to; answers (cohort, space).
async fn running_call(
    app: &TestApp,
    coordinator: &TestUser,
    leader: &TestUser,
    members: &[&TestUser],
    facilitators: &[i64],
    capacity: i64,
) -> (i64, i64) {
    let org = union(
        app,
        &format!("Union {}", uuid::Uuid::new_v4().simple()),
        "PH",
    );
    join(app, coordinator, org, leader, true, "officer").await;
    for m in members {
        join(app, coordinator, org, m, false, "educator").await;
    }
    let (cohort, _) = cohort_with_course(app, coordinator, capacity).await;
    if !facilitators.is_empty() {
        let res = send(
            app,
            Method::PATCH,
            &format!("/api/v1/cohorts/{cohort}"),
            &coordinator.token,
            Some(json!({"facilitator_ids": facilitators})),
        )
        .await;
        ok_json(res, 200).await;
    }
    open(app, coordinator, cohort, call_body(&[org], json!({}))).await;
    let space = self::cohort(app, coordinator, cohort).await["community_id"]
        .as_i64()
        .expect("every cohort has a space");
    (cohort, space)
}

/// The leader nominates `member`, who accepts: a submitted nomination's id.
async fn submitted(app: &TestApp, leader: &TestUser, cohort: i64, member: &TestUser) -> i64 {
    let n = ok_json(
        nominate(app, leader, cohort, nomination_of(member)).await,
        201,
    )
    .await;
    let id = n["id"].as_i64().unwrap();
    moved(app, member, id, "submitted", None).await;
    id
}

#[tokio::test]
async fn the_space_follows_accepted_participants_and_facilitators() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let (fac1, fac2) = (app.user("trainer").await, app.user("trainer").await);
    let leader = app.user("member").await;
    let (ana, ben, outsider) = (
        app.user("member").await,
        app.user("member").await,
        app.user("member").await,
    );

    // A new cohort has its space at once, named after it, with its facilitator moderating.
    let (course_cohort, _) = cohort_with_course(&app, &coordinator, 1).await;
    let made = cohort(&app, &coordinator, course_cohort).await;
    assert!(made["community_id"].is_i64(), "{made}");

    let (id, space) = running_call(&app, &coordinator, &leader, &[&ana, &ben], &[fac1.id], 1).await;
    let community = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/communities/{space}"),
            &fac1.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        community["name"],
        "Training of e-trainers, Asia-Pacific 2027"
    );
    assert_eq!(community["visibility"], "private");
    assert_eq!(
        members(&app, &fac1, space).await,
        vec![(fac1.id, "moderator".to_owned())]
    );

    // Outsiders, the union leader and even coordinators who are not in it: 404, as for
    // any private community; nobody joins it by asking.
    for user in [&outsider, &leader, &coordinator, &ana] {
        assert!(!reads(&app, user, space).await, "user {}", user.id);
    }
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/communities/{space}/membership"),
        &outsider.token,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;

    // Accepting makes a member; waitlisting does not.
    let a = submitted(&app, &leader, id, &ana).await;
    let b = submitted(&app, &leader, id, &ben).await;
    assert!(
        !reads(&app, &ana, space).await,
        "submitted is not yet a participant"
    );
    moved(&app, &coordinator, a, "accepted", Some("Strong educator")).await;
    moved(&app, &coordinator, b, "waitlisted", Some("Full")).await;
    assert!(reads(&app, &ana, space).await);
    assert!(!reads(&app, &ben, space).await);
    let mut expected = vec![
        (fac1.id, "moderator".to_owned()),
        (ana.id, "member".to_owned()),
    ];
    expected.sort();
    assert_eq!(members(&app, &ana, space).await, expected);

    // The accepted one withdraws and leaves the space; the waitlisted one moves up and
    // joins it, in the same transaction.
    moved(&app, &ana, a, "withdrawn", Some("A new job")).await;
    assert!(!reads(&app, &ana, space).await);
    assert!(reads(&app, &ben, space).await);

    // Facilitators change: the new one moderates, the old one is out.
    let res = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/cohorts/{id}"),
        &coordinator.token,
        Some(json!({"facilitator_ids": [fac2.id]})),
    )
    .await;
    let changed = ok_json(res, 200).await;
    assert_eq!(changed["community_id"], space);
    assert!(!reads(&app, &fac1, space).await);
    let mut expected = vec![
        (fac2.id, "moderator".to_owned()),
        (ben.id, "member".to_owned()),
    ];
    expected.sort();
    assert_eq!(members(&app, &fac2, space).await, expected);

    // A cancelled cohort's space stays readable by its members.
    ok_json(transition(&app, &coordinator, id, "cancelled").await, 200).await;
    assert!(reads(&app, &ben, space).await);
    assert!(reads(&app, &fac2, space).await);
}

#[tokio::test]
async fn announcements_reach_every_participant_in_their_language() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let (fac1, fac2) = (app.user("trainer").await, app.user("trainer").await);
    let leader = app.user("member").await;
    let (ana, ben, cora, outsider) = (
        app.user("member").await,
        app.user("member").await,
        app.user("member").await,
        app.user("member").await,
    );
    set_language(&app, &ben, "fil");
    let (id, space) = running_call(
        &app,
        &coordinator,
        &leader,
        &[&ana, &ben, &cora],
        &[fac1.id, fac2.id],
        2,
    )
    .await;
    for m in [&ana, &ben] {
        let n = submitted(&app, &leader, id, m).await;
        moved(&app, &coordinator, n, "accepted", Some("Strong")).await;
    }
    // Cora is submitted, not accepted: no announcement for her.
    submitted(&app, &leader, id, &cora).await;
    let before = mail_to(&app, &cora).len();

    // A facilitator announces: every participant and the other facilitator are emailed.
    let res = announce(&app, &fac1, id, "Welcome session").await;
    let location = crate::cohorts::header(&res, "location").unwrap();
    let posted = ok_json(res, 201).await;
    let thread = posted["thread_id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/threads/{thread}"));
    assert_eq!(posted["community_id"], space);
    assert_eq!(posted["emailed"], 3, "ana, ben and fac2; not the author");
    let (subject, text) = mail_to(&app, &ana).pop().unwrap();
    assert_eq!(
        subject,
        "Training of e-trainers, Asia-Pacific 2027: Welcome session"
    );
    assert!(
        text.contains("Our first session is on **Monday**"),
        "{text}"
    );
    assert!(text.contains(&format!("/threads/{thread}")), "{text}");
    let (_, text) = mail_to(&app, &ben).pop().unwrap();
    assert!(text.contains("Nag-post"), "in Filipino: {text}");
    let (subject, _) = mail_to(&app, &fac2).pop().unwrap();
    assert!(subject.ends_with("Welcome session"), "{subject}");
    assert!(
        mail_to(&app, &fac1)
            .iter()
            .all(|(s, _)| !s.ends_with("Welcome session")),
        "the author is not emailed their own announcement"
    );
    assert_eq!(mail_to(&app, &cora).len(), before);

    // Participants read it in the space, pinned and tagged; outsiders do not.
    let t = ok_json(
        send(&app, Method::GET, &location, &ana.token, None).await,
        200,
    )
    .await;
    assert_eq!(t["title"], "Welcome session");
    assert_eq!(t["pinned"], true);
    assert_eq!(t["tags"], json!(["announcement"]));
    let res = send(&app, Method::GET, &location, &outsider.token, None).await;
    assert_problem(res, 404, "not_found").await;

    // Participants, outsiders and other trainers do not announce.
    let stranger = app.user("trainer").await;
    for user in [&ana, &outsider, &stranger] {
        let res = announce(&app, user, id, "Mine").await;
        assert_problem(res, 403, "forbidden").await;
    }
    // Bad input is refused before anything is written.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/cohorts/{id}/announcements"),
        &fac1.token,
        Some(json!({"title": "x", "body": " "})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;

    // A coordinator announces too; everyone in the cohort is emailed.
    let posted = ok_json(announce(&app, &coordinator, id, "Schedule").await, 201).await;
    assert_eq!(posted["emailed"], 4);

    // Once the cohort is cancelled, no more announcements; the space stays readable.
    ok_json(transition(&app, &coordinator, id, "cancelled").await, 200).await;
    let res = announce(&app, &fac1, id, "Too late").await;
    assert_problem(res, 409, "cohort_cancelled").await;
    assert!(reads(&app, &ana, space).await);
    let res = announce(&app, &fac1, 999_999, "Nowhere").await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn a_cohort_deleted_in_planning_takes_its_space_with_it() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let fac = app.user("trainer").await;
    let made = create(
        &app,
        &coordinator,
        crate::cohorts::cohort_body(&[fac.id], &[]),
    )
    .await;
    let (id, space) = (
        made["id"].as_i64().unwrap(),
        made["community_id"].as_i64().unwrap(),
    );
    assert!(
        reads(&app, &fac, space).await,
        "the facilitator moderates it at once"
    );
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/cohorts/{id}"),
        &coordinator.token,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    assert!(!reads(&app, &fac, space).await);
}

#[tokio::test]
async fn cohorts_older_than_spaces_get_one_with_their_people() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let fac = app.user("trainer").await;
    let leader = app.user("member").await;
    let (ana, ben) = (app.user("member").await, app.user("member").await);
    let (id, old_space) =
        running_call(&app, &coordinator, &leader, &[&ana, &ben], &[fac.id], 5).await;
    let a = submitted(&app, &leader, id, &ana).await;
    moved(&app, &coordinator, a, "accepted", Some("Strong")).await;
    submitted(&app, &leader, id, &ben).await;
    let before = cohort(&app, &coordinator, id).await;

    // As the database was before spaces: no link, no community.
    {
        use bayanihan::db::schema::{cohorts, communities};
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        diesel::update(cohorts::table.find(id))
            .set(cohorts::community_id.eq(None::<i64>))
            .execute(&mut *conn)
            .unwrap();
        diesel::delete(communities::table.find(old_space))
            .execute(&mut *conn)
            .unwrap();
        let linked = bayanihan::cohorts::space::service::link_older_cohorts(&mut conn, 10).unwrap();
        assert_eq!(linked, 1);
        let again = bayanihan::cohorts::space::service::link_older_cohorts(&mut conn, 10).unwrap();
        assert_eq!(again, 0, "each cohort is linked once");
    }
    let after = cohort(&app, &coordinator, id).await;
    let space = after["community_id"].as_i64().unwrap();
    assert_ne!(space, old_space);
    assert_ne!(
        after["updated_at"], before["updated_at"],
        "linking is a new version"
    );
    let mut expected = vec![
        (fac.id, "moderator".to_owned()),
        (ana.id, "member".to_owned()),
    ];
    expected.sort();
    assert_eq!(members(&app, &fac, space).await, expected);
    assert!(
        !reads(&app, &ben, space).await,
        "only accepted participants"
    );
}
