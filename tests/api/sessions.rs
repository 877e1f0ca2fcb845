//! Live sessions of cohorts through HTTP: planning them (and who may), leader briefings,
//! calendar feeds parsed with a real iCalendar parser, reminders queued with a clock,
//! check-in codes, attendance recorded and imported from CSV.

use std::io::BufReader;

use bayanihan::cohorts::sessions::reminders::send_due;
use chrono::{DateTime, NaiveDateTime};
use reqwest::Method;
use serde_json::{Value, json};

use crate::cohorts::{ok_json, send};
use crate::helpers::{TestApp, TestUser, assert_problem, etag, spawn_app};
use crate::nominations::{
    call_body, cohort_with_course, join, mail_to, moved, nominate, nomination_of, open, union,
};

pub(crate) const START: &str = "2027-02-03T01:00:00Z";
pub(crate) const END: &str = "2027-02-03T03:00:00Z";

fn at(raw: &str) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(raw).unwrap().naive_utc()
}

/// A cohort with its people: a coordinator, a facilitator, a trainer who does not
/// facilitate, a leader of the invited union, an accepted participant, a member of the
/// union who was not accepted, and an outsider.
pub(crate) struct Cohort {
    id: i64,
    course: i64,
    coordinator: TestUser,
    facilitator: TestUser,
    other_trainer: TestUser,
    leader: TestUser,
    ana: TestUser,
    ben: TestUser,
    outsider: TestUser,
}

pub(crate) async fn cohort(app: &TestApp) -> Cohort {
    let coordinator = app.user("coordinator").await;
    let facilitator = app.user("trainer").await;
    let other_trainer = app.user("trainer").await;
    let leader = app.user("member").await;
    let ana = app.user("member").await;
    let ben = app.user("member").await;
    let outsider = app.user("member").await;
    let org = union(
        app,
        &format!("Union {}", uuid::Uuid::new_v4().simple()),
        "PH",
    );
    join(app, &coordinator, org, &leader, true, "officer").await;
    join(app, &coordinator, org, &ana, false, "educator").await;
    join(app, &coordinator, org, &ben, false, "educator").await;
    let (id, course) = cohort_with_course(app, &coordinator, 5).await;
    let res = send(
        app,
        Method::PATCH,
        &format!("/api/v1/cohorts/{id}"),
        &coordinator.token,
        Some(json!({"facilitator_ids": [facilitator.id]})),
    )
    .await;
    ok_json(res, 200).await;
    open(app, &coordinator, id, call_body(&[org], json!({}))).await;
    let n = ok_json(nominate(app, &leader, id, nomination_of(&ana)).await, 201).await;
    let n = n["id"].as_i64().unwrap();
    moved(app, &ana, n, "submitted", None).await;
    moved(app, &coordinator, n, "accepted", Some("Strong educator")).await;
    Cohort {
        id,
        course,
        coordinator,
        facilitator,
        other_trainer,
        leader,
        ana,
        ben,
        outsider,
    }
}

async fn plan(app: &TestApp, by: &TestUser, cohort: i64, body: Value) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/cohorts/{cohort}/sessions"),
        &by.token,
        Some(body),
    )
    .await
}

pub(crate) fn session_body(title: &str, starts: &str, ends: &str) -> Value {
    json!({
        "title": title,
        "starts_at": starts,
        "ends_at": ends,
        "meeting_url": "https://meet.example.org/tot-1",
        "interpretation_languages": ["fil"],
    })
}

pub(crate) async fn planned(app: &TestApp, c: &Cohort, body: Value) -> i64 {
    ok_json(plan(app, &c.facilitator, c.id, body).await, 201).await["id"]
        .as_i64()
        .unwrap()
}

async fn status_of(app: &TestApp, user: &TestUser, method: Method, path: &str) -> u16 {
    let body = matches!(method, Method::PATCH).then(|| json!({"title": "Renamed"}));
    send(app, method, path, &user.token, body)
        .await
        .status()
        .as_u16()
}

/// A lesson added to `course`; its id.
async fn lesson(app: &TestApp, by: &TestUser, course: i64) -> i64 {
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/courses/{course}/modules"),
        &by.token,
        Some(json!({"title": "Week 1"})),
    )
    .await;
    let module = ok_json(res, 201).await["id"].as_i64().unwrap();
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/modules/{module}/lessons"),
        &by.token,
        Some(json!({"kind": "text", "title": "Read first", "content": "Before the session."})),
    )
    .await;
    ok_json(res, 201).await["id"].as_i64().unwrap()
}

#[tokio::test]
async fn facilitators_plan_sessions_their_cohort_reads_and_briefings_reach_leaders() {
    let app = spawn_app().await;
    let c = cohort(&app).await;
    let material = lesson(&app, &c.coordinator, c.course).await;
    let (other_course_cohort, other_course) = cohort_with_course(&app, &c.coordinator, 1).await;
    let stranger_lesson = lesson(&app, &c.coordinator, other_course).await;
    let _ = other_course_cohort;

    // Planned by the facilitator, with times answered in UTC and in Manila time.
    let mut body = session_body("Opening: why e-training?", START, END);
    body["material_lesson_ids"] = json!([material]);
    let res = plan(&app, &c.facilitator, c.id, body).await;
    assert_eq!(
        res.headers()
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap(),
        "no-store"
    );
    let location = res
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let s = ok_json(res, 201).await;
    let id = s["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/sessions/{id}"));
    assert_eq!(s["starts_at"], START);
    assert_eq!(s["starts_at_local"], "2027-02-03T09:00:00+08:00");
    assert_eq!(s["ends_at_local"], "2027-02-03T11:00:00+08:00");
    assert_eq!(s["time_zone"], "Asia/Manila");
    assert_eq!(s["audience"], "participants");
    assert_eq!(s["delivery_language"], "en");
    assert_eq!(s["interpretation_languages"], json!(["fil"]));
    assert_eq!(s["material_lesson_ids"], json!([material]));
    assert_eq!(s["recording_url"], Value::Null);

    // Who may plan: not a trainer who does not facilitate (403), not a participant.
    for user in [&c.other_trainer, &c.ana, &c.outsider] {
        let res = plan(&app, user, c.id, session_body("Mine", START, END)).await;
        assert_problem(res, 403, "forbidden").await;
    }
    // A coordinator may.
    ok_json(
        plan(
            &app,
            &c.coordinator,
            c.id,
            session_body(
                "Coordinators' session",
                "2027-02-10T01:00:00Z",
                "2027-02-10T02:00:00Z",
            ),
        )
        .await,
        201,
    )
    .await;

    // Who reads: facilitator, coordinator, the accepted participant; others 404.
    let path = format!("/api/v1/sessions/{id}");
    for user in [&c.facilitator, &c.coordinator, &c.ana] {
        assert_eq!(status_of(&app, user, Method::GET, &path).await, 200);
    }
    for user in [&c.ben, &c.outsider, &c.leader, &c.other_trainer] {
        assert_eq!(
            status_of(&app, user, Method::GET, &path).await,
            404,
            "{}",
            user.id
        );
    }
    // Changing: a participant who reads it 403, the trainer who does not facilitate 403,
    // a member who does not read it 404.
    assert_eq!(status_of(&app, &c.ana, Method::PATCH, &path).await, 403);
    assert_eq!(
        status_of(&app, &c.other_trainer, Method::PATCH, &path).await,
        403
    );
    assert_eq!(
        status_of(&app, &c.other_trainer, Method::DELETE, &path).await,
        403
    );
    assert_eq!(
        status_of(&app, &c.outsider, Method::PATCH, &path).await,
        404
    );

    // The recording comes afterwards; If-Match guards against lost updates.
    let res = send(&app, Method::GET, &path, &c.facilitator.token, None).await;
    let tag = etag(&res);
    let res = app
        .authed(Method::PATCH, &path, &c.facilitator.token)
        .header("If-Match", &tag)
        .json(&json!({"recording_url": "https://video.example.org/rec/1"}))
        .send()
        .await
        .unwrap();
    let changed_tag = etag(&res);
    let changed = ok_json(res, 200).await;
    assert_eq!(changed["recording_url"], "https://video.example.org/rec/1");
    assert_ne!(changed_tag, tag);
    let res = app
        .authed(Method::PATCH, &path, &c.facilitator.token)
        .header("If-Match", &tag)
        .json(&json!({"recording_url": null}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;
    // The same values change nothing: the same tag.
    let res = app
        .authed(Method::PATCH, &path, &c.facilitator.token)
        .json(&json!({"recording_url": "https://video.example.org/rec/1", "title": "Opening: why e-training?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(etag(&res), changed_tag);

    // A leader briefing: the invited union's leader reads it, the participant does not.
    let mut briefing = session_body(
        "Briefing for union leaders",
        "2027-01-20T06:00:00Z",
        "2027-01-20T07:00:00Z",
    );
    briefing["audience"] = json!("leaders");
    let b = planned(&app, &c, briefing).await;
    let bpath = format!("/api/v1/sessions/{b}");
    assert_eq!(status_of(&app, &c.leader, Method::GET, &bpath).await, 200);
    assert_eq!(status_of(&app, &c.ana, Method::GET, &bpath).await, 404);

    // Lists: each sees what they read, by start; others 404.
    let list = format!("/api/v1/cohorts/{}/sessions", c.id);
    let titles = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = ok_json(
        send(&app, Method::GET, &list, &c.facilitator.token, None).await,
        200,
    )
    .await;
    assert_eq!(
        titles(&all),
        vec![
            "Briefing for union leaders",
            "Opening: why e-training?",
            "Coordinators' session"
        ]
    );
    let mine = ok_json(
        send(&app, Method::GET, &list, &c.ana.token, None).await,
        200,
    )
    .await;
    assert_eq!(
        titles(&mine),
        vec!["Opening: why e-training?", "Coordinators' session"]
    );
    let leaders = ok_json(
        send(&app, Method::GET, &list, &c.leader.token, None).await,
        200,
    )
    .await;
    assert_eq!(titles(&leaders), vec!["Briefing for union leaders"]);
    for user in [&c.outsider, &c.ben] {
        let res = send(&app, Method::GET, &list, &user.token, None).await;
        assert_problem(res, 404, "not_found").await;
    }
    // Pages of one, then the next by cursor, with the filter.
    let first = ok_json(
        send(
            &app,
            Method::GET,
            &format!("{list}?limit=1&audience=participants"),
            &c.facilitator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(titles(&first), vec!["Opening: why e-training?"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = ok_json(
        send(
            &app,
            Method::GET,
            &format!("{list}?limit=1&audience=participants&cursor={cursor}"),
            &c.facilitator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(titles(&second), vec!["Coordinators' session"]);
    assert_eq!(second["next_cursor"], Value::Null);

    // Bad input: ends before starts, unknown lessons, lessons of other courses, bad URLs.
    let res = plan(
        &app,
        &c.facilitator,
        c.id,
        session_body("Backwards", END, START),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "ends_at");
    assert_eq!(problem["errors"][0]["code"], "ends_before_start");
    let mut bad = session_body("Materials", START, END);
    bad["material_lesson_ids"] = json!([999_999, stranger_lesson]);
    bad["meeting_url"] = json!("javascript:alert(1)");
    let res = plan(&app, &c.facilitator, c.id, bad.clone()).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "meeting_url");
    assert_eq!(problem["errors"][0]["code"], "invalid_url");
    bad["meeting_url"] = json!("https://meet.example.org/x");
    let res = plan(&app, &c.facilitator, c.id, bad).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["unknown_lesson", "lesson_not_in_cohort"]);
    let res = send(
        &app,
        Method::PATCH,
        &path,
        &c.facilitator.token,
        Some(json!({"ends_at": "2027-02-03T00:30:00Z"})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = plan(
        &app,
        &c.facilitator,
        c.id,
        json!({"title": "x", "starts_at": "tomorrow", "ends_at": END}),
    )
    .await;
    assert_problem(res, 400, "invalid_body").await;

    // Deleting.
    let res = send(&app, Method::DELETE, &bpath, &c.facilitator.token, None).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(status_of(&app, &c.leader, Method::GET, &bpath).await, 404);
}

/// The feed at `url` (an absolute address under the configured API address), read from
/// this app without a login: (status, body).
async fn fetch_feed(app: &TestApp, url: &str) -> (u16, String, Option<String>) {
    let path = url
        .strip_prefix("http://api.test")
        .expect("the configured API address");
    let res = app.get(path).await;
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, res.text().await.unwrap(), kind)
}

/// The events of an iCalendar text, parsed with the `ical` crate: each as its properties
/// (name → value).
fn events(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none(), "only one calendar");
    calendar
        .events
        .into_iter()
        .map(|e| {
            e.properties
                .into_iter()
                .map(|p| (p.name, p.value.unwrap_or_default()))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn calendar_feeds_are_secret_renewable_revocable_and_parse() {
    let app = spawn_app().await;
    let c = cohort(&app).await;
    // A title with every character iCalendar escapes, and long enough (in non-ASCII
    // letters) to be folded.
    let title = "Pagsasanay, bahagi 1; \\ mga tagapagsanay — ñ".to_owned() + &"ñ".repeat(40);
    let first = planned(&app, &c, session_body(&title, START, END)).await;
    let mut briefing = session_body(
        "Leaders' briefing",
        "2027-01-20T06:00:00Z",
        "2027-01-20T07:00:00Z",
    );
    briefing["audience"] = json!("leaders");
    let b = planned(&app, &c, briefing).await;

    // The participant's own feed: the URL comes from configuration, never the request.
    let res = send(
        &app,
        Method::POST,
        "/api/v1/me/calendar-feed",
        &c.ana.token,
        None,
    )
    .await;
    assert_eq!(res.headers().get("cache-control").unwrap(), "no-store");
    let feed = ok_json(res, 201).await;
    let url = feed["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("http://api.test/api/v1/calendar-feeds/"),
        "{url}"
    );
    let (status, text, kind) = fetch_feed(&app, &url).await;
    assert_eq!(status, 200);
    assert_eq!(kind.as_deref(), Some("text/calendar; charset=utf-8"));
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\n'));
    }
    let evs = events(&text);
    assert_eq!(evs.len(), 1, "the participant does not get the briefing");
    let e = &evs[0];
    assert_eq!(e["UID"], format!("session-{first}@api.test"));
    assert_eq!(e["DTSTART"], "20270203T010000Z");
    assert_eq!(e["DTEND"], "20270203T030000Z");
    assert!(e.contains_key("DTSTAMP"));
    // The parser unfolds; escapes stay as written.
    assert_eq!(
        e["SUMMARY"],
        title
            .replace('\\', "\\\\")
            .replace(';', "\\;")
            .replace(',', "\\,")
    );
    assert_eq!(e["URL"], "https://meet.example.org/tot-1");
    assert!(
        e["DESCRIPTION"].contains("interpretation: fil"),
        "{}",
        e["DESCRIPTION"]
    );

    // The UID stays when the session changes.
    let res = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/sessions/{first}"),
        &c.facilitator.token,
        Some(json!({"title": "Opening"})),
    )
    .await;
    ok_json(res, 200).await;
    let (_, text, _) = fetch_feed(&app, &url).await;
    let e = &events(&text)[0];
    assert_eq!(e["UID"], format!("session-{first}@api.test"));
    assert_eq!(e["SUMMARY"], "Opening");
    assert_eq!(e["SEQUENCE"], "1");

    // The leader's feed has the briefing; the facilitator's cohort feed has both.
    let res = send(
        &app,
        Method::POST,
        "/api/v1/me/calendar-feed",
        &c.leader.token,
        None,
    )
    .await;
    let leader_url = ok_json(res, 201).await["url"].as_str().unwrap().to_owned();
    let (_, text, _) = fetch_feed(&app, &leader_url).await;
    let uids: Vec<String> = events(&text).iter().map(|e| e["UID"].clone()).collect();
    assert_eq!(uids, vec![format!("session-{b}@api.test")]);
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/cohorts/{}/calendar-feed", c.id),
        &c.facilitator.token,
        None,
    )
    .await;
    let cohort_url = ok_json(res, 201).await["url"].as_str().unwrap().to_owned();
    let (_, text, _) = fetch_feed(&app, &cohort_url).await;
    assert_eq!(events(&text).len(), 2);
    assert!(text.contains("X-WR-TIMEZONE:Asia/Manila\r\n"));
    // A cohort feed is only for those who read its sessions.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/cohorts/{}/calendar-feed", c.id),
        &c.outsider.token,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;

    // Renewing ends the old address; revoking ends the new one.
    let res = send(
        &app,
        Method::POST,
        "/api/v1/me/calendar-feed",
        &c.ana.token,
        None,
    )
    .await;
    let renewed = ok_json(res, 201).await["url"].as_str().unwrap().to_owned();
    assert_ne!(renewed, url);
    assert_eq!(fetch_feed(&app, &url).await.0, 404);
    assert_eq!(fetch_feed(&app, &renewed).await.0, 200);
    let res = send(
        &app,
        Method::DELETE,
        "/api/v1/me/calendar-feed",
        &c.ana.token,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    let res = app
        .get(renewed.strip_prefix("http://api.test").unwrap())
        .await;
    assert_problem(res, 404, "not_found").await;
    assert_eq!(
        fetch_feed(&app, "http://api.test/api/v1/calendar-feeds/nonsense")
            .await
            .0,
        404
    );
    // The cohort feed is revoked on its own.
    assert_eq!(fetch_feed(&app, &cohort_url).await.0, 200);
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/cohorts/{}/calendar-feed", c.id),
        &c.facilitator.token,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(fetch_feed(&app, &cohort_url).await.0, 404);
}

/// Queues the reminders due at `now` through the service the CLI and the server run.
/// The reminders sent to `to` so far: (subject, text).
fn reminded(app: &TestApp, to: &TestUser) -> Vec<(String, String)> {
    mail_to(app, to)
        .into_iter()
        .filter(|(subject, _)| subject.starts_with("Paalala") || subject.starts_with("Reminder"))
        .collect()
}

fn reminders(app: &TestApp, now: &str) -> usize {
    let mut conn = app.db.conn().unwrap();
    send_due(&mut conn, at(now)).unwrap()
}

#[tokio::test]
async fn reminders_go_out_a_day_and_an_hour_before_once_each() {
    let app = spawn_app().await;
    let c = cohort(&app).await;
    crate::cohorts::set_language(&app, &c.ana, "fil");
    planned(&app, &c, session_body("Opening", START, END)).await;

    // Too early: nothing. A day before: the participant (in Filipino) and the facilitator.
    assert_eq!(reminders(&app, "2027-02-01T23:00:00Z"), 0);
    assert_eq!(reminders(&app, "2027-02-02T02:00:00Z"), 2);
    let ana = reminded(&app, &c.ana);
    assert_eq!(ana.len(), 1);
    assert!(
        ana[0].0.starts_with("Paalala: magsisimula ang Opening"),
        "{}",
        ana[0].0
    );
    assert!(
        ana[0].1.contains("2027-02-03 09:00 (UTC+08:00)"),
        "{}",
        ana[0].1
    );
    assert!(ana[0].1.contains("https://meet.example.org/tot-1"));
    assert_eq!(reminded(&app, &c.facilitator).len(), 1);
    assert!(reminded(&app, &c.leader).is_empty());
    // Each is sent once, however often it runs (two instances: the same claims).
    assert_eq!(reminders(&app, "2027-02-02T02:01:00Z"), 0);
    assert_eq!(reminders(&app, "2027-02-02T20:00:00Z"), 0);
    // An hour before: the second reminder, once.
    assert_eq!(reminders(&app, "2027-02-03T00:10:00Z"), 2);
    assert_eq!(reminders(&app, "2027-02-03T00:11:00Z"), 0);
    assert_eq!(reminded(&app, &c.ana).len(), 2);
    // After the start: nothing more.
    assert_eq!(reminders(&app, "2027-02-03T01:30:00Z"), 0);

    // Runs at once from several threads (as several instances would) send each reminder
    // of a new session once.
    planned(
        &app,
        &c,
        session_body("Second", "2027-02-10T01:00:00Z", "2027-02-10T02:00:00Z"),
    )
    .await;
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let db = app.db.clone();
            std::thread::spawn(move || {
                let mut conn = db.conn().unwrap();
                send_due(&mut conn, at("2027-02-09T12:00:00Z")).unwrap()
            })
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(total, 2);
}

async fn code_of(app: &TestApp, c: &Cohort, session: i64) -> String {
    let res = send(
        app,
        Method::POST,
        &format!("/api/v1/sessions/{session}/check-in-code"),
        &c.facilitator.token,
        None,
    )
    .await;
    ok_json(res, 201).await["code"].as_str().unwrap().to_owned()
}

async fn check_in(app: &TestApp, user: &TestUser, session: i64, code: &str) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/sessions/{session}/check-in"),
        &user.token,
        Some(json!({"code": code})),
    )
    .await
}

#[tokio::test]
async fn participants_check_in_with_the_code_and_facilitators_record_attendance() {
    let app = spawn_app().await;
    let c = cohort(&app).await;
    let s = planned(&app, &c, session_body("Opening", START, END)).await;

    // Only facilitators get the code.
    for user in [&c.ana, &c.other_trainer] {
        let res = send(
            &app,
            Method::POST,
            &format!("/api/v1/sessions/{s}/check-in-code"),
            &user.token,
            None,
        )
        .await;
        assert_problem(res, 403, "forbidden").await;
    }
    let code = code_of(&app, &c, s).await;
    assert_eq!(code.len(), 8);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/sessions/{s}/check-in-code"),
        &c.facilitator.token,
        None,
    )
    .await;
    assert_eq!(ok_json(res, 200).await["code"], code.as_str());

    // A wrong code: 422; the right one (typed loosely): 201, then 200.
    let res = check_in(&app, &c.ana, s, "WRONG123").await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "wrong_code");
    let typed = format!("{}-{}", &code[..4].to_lowercase(), &code[4..]);
    let res = check_in(&app, &c.ana, s, &typed).await;
    assert_eq!(
        res.headers().get("location").unwrap().to_str().unwrap(),
        format!("/api/v1/cohorts/{}/attendance/me", c.id)
    );
    let a = ok_json(res, 201).await;
    assert_eq!(a["source"], "check_in");
    assert_eq!(a["left_at"], Value::Null);
    assert_eq!(
        a["minutes_attended"], 120,
        "from before the start: the whole session"
    );
    ok_json(check_in(&app, &c.ana, s, &code).await, 200).await;
    // Not in the audience: the facilitator 403, the non-participant 404.
    let res = check_in(&app, &c.facilitator, s, &code).await;
    assert_problem(res, 403, "not_a_participant").await;
    let res = check_in(&app, &c.ben, s, &code).await;
    assert_problem(res, 404, "not_found").await;

    // An expired code.
    let s2 = planned(
        &app,
        &c,
        session_body("Week 2", "2027-02-10T01:00:00Z", "2027-02-10T02:00:00Z"),
    )
    .await;
    let code2 = code_of(&app, &c, s2).await;
    {
        use bayanihan::db::schema::session_check_in_codes::dsl;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        diesel::update(dsl::session_check_in_codes.filter(dsl::session_id.eq(s2)))
            .set(dsl::expires_at.eq(at("2020-01-01T00:00:00Z")))
            .execute(&mut *conn)
            .unwrap();
    }
    let res = check_in(&app, &c.ana, s2, &code2).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "code_expired");
    // Rotating gives a new code and ends the old one.
    let code3 = code_of(&app, &c, s2).await;
    assert_ne!(code3, code2);

    // Guessing is throttled per account: after 10 wrong codes, 429 even for the right one.
    for _ in 0..9 {
        let res = check_in(&app, &c.ana, s2, "GUESS234").await;
        assert_problem(res, 422, "validation_failed").await;
    }
    let res = check_in(&app, &c.ana, s2, &code3).await;
    assert_problem(res, 429, "rate_limited").await;

    // The facilitator records attendance instead.
    let path = format!("/api/v1/sessions/{s2}/attendance/{}", c.ana.id);
    let res = send(
        &app,
        Method::PUT,
        &path,
        &c.facilitator.token,
        Some(json!({"joined_at": "2027-02-10T01:10:00Z", "left_at": "2027-02-10T01:40:00Z"})),
    )
    .await;
    let a = ok_json(res, 201).await;
    assert_eq!(a["minutes_attended"], 30);
    assert_eq!(a["source"], "facilitator");
    let res = send(
        &app,
        Method::PUT,
        &path,
        &c.facilitator.token,
        Some(json!({"joined_at": "2027-02-10T01:00:00Z"})),
    )
    .await;
    assert_eq!(ok_json(res, 200).await["minutes_attended"], 60);
    let res = send(
        &app,
        Method::PUT,
        &path,
        &c.facilitator.token,
        Some(json!({"joined_at": "2027-02-10T01:30:00Z", "left_at": "2027-02-10T01:00:00Z"})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/sessions/{s2}/attendance/{}", c.ben.id),
        &c.facilitator.token,
        Some(json!({"joined_at": "2027-02-10T01:00:00Z"})),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_a_participant");
    let res = send(
        &app,
        Method::PUT,
        &path,
        &c.other_trainer.token,
        Some(json!({"joined_at": "2027-02-10T01:00:00Z"})),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;

    // The lists: per session for facilitators, their own for participants.
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/sessions/{s}/attendance"),
        &c.facilitator.token,
        None,
    )
    .await;
    let page = ok_json(res, 200).await;
    assert_eq!(page["items"][0]["user_id"], c.ana.id);
    assert_eq!(page["items"][0]["display_name"], "Test member");
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/sessions/{s}/attendance"),
        &c.ana.token,
        None,
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/cohorts/{}/attendance/me", c.id),
        &c.ana.token,
        None,
    )
    .await;
    let mine = ok_json(res, 200).await;
    let minutes: Vec<i64> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["minutes_attended"].as_i64().unwrap())
        .collect();
    assert_eq!(minutes, vec![120, 60]);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/cohorts/{}/attendance/me", c.id),
        &c.outsider.token,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;

    let res = send(&app, Method::DELETE, &path, &c.facilitator.token, None).await;
    assert_eq!(res.status().as_u16(), 204);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/cohorts/{}/attendance/me", c.id),
        &c.ana.token,
        None,
    )
    .await;
    assert_eq!(ok_json(res, 200).await.as_array().unwrap().len(), 1);
}

async fn import(
    app: &TestApp,
    by: &TestUser,
    session: i64,
    dry_run: bool,
    csv: &str,
) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!("/api/v1/sessions/{session}/attendance-import?dry_run={dry_run}"),
        &by.token,
    )
    .header("content-type", "text/csv; charset=utf-8")
    .body(csv.to_owned())
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn a_meeting_tools_export_is_imported_all_or_nothing() {
    let app = spawn_app().await;
    let c = cohort(&app).await;
    let s = planned(&app, &c, session_body("Opening", START, END)).await;
    let ana = c.ana.email.to_uppercase();
    let bad = format!(
        "Name,Email,Join Time,Leave Time\r\n\
         \"Ana, from the union\",{ana},2027-02-03 09:05,2027-02-03 09:45\r\n\
         Ana again,{ana},2027-02-03T02:00:00Z,2027-02-03T02:30:00Z\r\n\
         Nobody,nobody@example.org,2027-02-03 09:00,2027-02-03 10:00\r\n\
         Ben,{ben},2027-02-03 09:00,2027-02-03 10:00\r\n\
         Ana late,{ana},2027-02-03 10:30,soon\r\n\
         Ana over,{ana},2027-02-03 09:40,2027-02-03 09:50\r\n\
         Short,{ana}\r\n",
        ben = c.ben.email
    );
    // The dry run names each line's result and changes nothing.
    let res = import(&app, &c.facilitator, s, true, &bad).await;
    let report = ok_json(res, 200).await;
    let results: Vec<(i64, &str)> = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["line"].as_i64().unwrap(), l["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        results,
        vec![
            (2, "ok"),
            (3, "ok"),
            (4, "unknown_email"),
            (5, "not_a_participant"),
            (6, "bad_time"),
            (7, "overlapping_times"),
            (8, "missing_field"),
        ]
    );
    assert_eq!(report["applied"], false);
    assert_eq!(report["error_count"], 5);
    assert_eq!(report["attendance"][0]["minutes_attended"], 70);
    let list = format!("/api/v1/sessions/{s}/attendance");
    let res = send(&app, Method::GET, &list, &c.facilitator.token, None).await;
    assert_eq!(ok_json(res, 200).await["items"], json!([]));

    // The real run with failing lines: 422 naming each line, nothing written.
    let res = import(&app, &c.facilitator, s, false, &bad).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let named: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        named,
        vec![
            ("lines[4]", "unknown_email"),
            ("lines[5]", "not_a_participant"),
            ("lines[6]", "bad_time"),
            ("lines[7]", "overlapping_times"),
            ("lines[8]", "missing_field"),
        ]
    );
    let res = send(&app, Method::GET, &list, &c.facilitator.token, None).await;
    assert_eq!(ok_json(res, 200).await["items"], json!([]));

    // A clean file is applied: two stays of Ana, 40 + 30 minutes.
    let good = format!(
        "email,join,leave\n{ana},2027-02-03 09:05,2027-02-03 09:45\n{ana},2027-02-03T02:00:00Z,2027-02-03T02:30:00Z\n"
    );
    let report = ok_json(import(&app, &c.facilitator, s, false, &good).await, 200).await;
    assert_eq!(report["applied"], true);
    let page = ok_json(
        send(&app, Method::GET, &list, &c.facilitator.token, None).await,
        200,
    )
    .await;
    assert_eq!(page["items"][0]["user_id"], c.ana.id);
    assert_eq!(page["items"][0]["minutes_attended"], 70);
    assert_eq!(page["items"][0]["source"], "import");
    assert_eq!(page["items"][0]["joined_at"], "2027-02-03T01:05:00Z");
    assert_eq!(page["items"][0]["left_at"], "2027-02-03T02:30:00Z");

    // Who may, what is a file.
    let res = import(&app, &c.other_trainer, s, true, &good).await;
    assert_problem(res, 403, "forbidden").await;
    let res = import(&app, &c.ana, s, true, &good).await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/sessions/{s}/attendance-import"),
            &c.facilitator.token,
        )
        .json(&json!({"csv": good}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported_media_type").await;
    let res = import(&app, &c.facilitator, s, true, "who,when\nx,y\n").await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "missing_header");
    let res = import(
        &app,
        &c.facilitator,
        s,
        true,
        "email,join,leave\n\"open,x,y\n",
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "malformed_csv");
    let huge = format!("email,join,leave\n{}", "a@example.org,x,y\n".repeat(40_000));
    let res = import(&app, &c.facilitator, s, true, &huge).await;
    assert_problem(res, 413, "payload_too_large").await;
}

#[test]
fn the_reminders_command_takes_a_clock() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_bayanihan");
    let out = Command::new(bin)
        .args(["reminders", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--now"));
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin)
        .args(["reminders", "--now", "2027-02-02T02:00:00Z"])
        .env("BAYANIHAN_DATA_DIR", dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("reminders: 0 emails queued"));
    let out = Command::new(bin)
        .args(["reminders", "--now", "tomorrow"])
        .env("BAYANIHAN_DATA_DIR", dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

/// Session titles in several languages, as course texts: its facilitators write a title
/// per language (the cohort's default language is the session's own title); readers get
/// it in their language (`?lang=`, `Accept-Language`), else in the default, with
/// `Content-Language` and `Vary`; others may not write them.
#[tokio::test]
async fn session_titles_are_answered_in_the_readers_language() {
    let app = spawn_app().await;
    let c = cohort(&app).await;
    let id = planned(&app, &c, session_body("Opening session", START, END)).await;
    let path = format!("/api/v1/sessions/{id}/translations/fil");
    let title = |t: &str| Some(json!({ "title": t }));

    // Only those who manage the session write its titles: a participant who reads it is
    // refused (403), an outsider does not see it (404); bad input is refused.
    let res = send(&app, Method::PUT, &path, &c.ana.token, title("Pambungad")).await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(
        &app,
        Method::PUT,
        &path,
        &c.outsider.token,
        title("Pambungad"),
    )
    .await;
    assert_eq!(res.status().as_u16(), 404);
    let res = send(&app, Method::PUT, &path, &c.facilitator.token, title("  ")).await;
    assert_problem(res, 422, "validation_failed").await;
    let bad = format!("/api/v1/sessions/{id}/translations/e1");
    let res = send(
        &app,
        Method::PUT,
        &bad,
        &c.facilitator.token,
        title("Pambungad"),
    )
    .await;
    assert_problem(res, 400, "invalid_path").await;

    // Written (201), then sent again (200, nothing new).
    let res = send(
        &app,
        Method::PUT,
        &path,
        &c.facilitator.token,
        title("Pambungad na sesyon"),
    )
    .await;
    assert_eq!(res.headers().get("content-language").unwrap(), "fil");
    assert_eq!(
        res.headers().get("location").unwrap(),
        &format!("/api/v1/sessions/{id}?lang=fil")
    );
    let tag = etag(&res);
    let written = ok_json(res, 201).await;
    assert_eq!(written["title"], "Pambungad na sesyon");
    assert_eq!(written["language"], "fil");
    assert_eq!(written["available_languages"], json!(["en", "fil"]));
    let res = send(
        &app,
        Method::PUT,
        &path,
        &c.facilitator.token,
        title("Pambungad na sesyon"),
    )
    .await;
    assert_eq!(etag(&res), tag);
    ok_json(res, 200).await;

    // Readers get their language, else the default.
    let res = app
        .authed(Method::GET, &format!("/api/v1/sessions/{id}"), &c.ana.token)
        .header("Accept-Language", "fil-PH, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("content-language").unwrap(), "fil");
    let vary = res
        .headers()
        .get("vary")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(vary.contains("Accept-Language"), "{vary}");
    let fil_tag = etag(&res);
    let body = ok_json(res, 200).await;
    assert_eq!(body["title"], "Pambungad na sesyon");
    assert_eq!(body["default_language"], "en");
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/sessions/{id}?lang=id"),
        &c.ana.token,
        None,
    )
    .await;
    assert_eq!(res.headers().get("content-language").unwrap(), "en");
    assert_ne!(etag(&res), fil_tag, "one tag per language");
    let body = ok_json(res, 200).await;
    assert_eq!(
        (body["title"].as_str(), body["language"].as_str()),
        (Some("Opening session"), Some("en"))
    );
    let list = app
        .authed(
            Method::GET,
            &format!("/api/v1/cohorts/{}/sessions", c.id),
            &c.ana.token,
        )
        .header("Accept-Language", "fil")
        .send()
        .await
        .unwrap();
    assert_eq!(list.headers().get("content-language").unwrap(), "fil");
    let list = ok_json(list, 200).await;
    assert_eq!(list["items"][0]["title"], "Pambungad na sesyon");

    // The default language's title is the session's own: writing it renames the session.
    let own = format!("/api/v1/sessions/{id}/translations/en");
    let res = send(
        &app,
        Method::PUT,
        &own,
        &c.coordinator.token,
        title("Opening"),
    )
    .await;
    let body = ok_json(res, 200).await;
    assert_eq!(
        (body["title"].as_str(), body["language"].as_str()),
        (Some("Opening"), Some("en"))
    );
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/sessions/{id}?lang=fil"),
        &c.ana.token,
        None,
    )
    .await;
    assert_eq!(ok_json(res, 200).await["title"], "Pambungad na sesyon");
}
