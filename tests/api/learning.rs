//! Enrolment, progress, certificates and offline sync, through HTTP.

use bayanihan::db::schema::{
    course_modules, course_owners, course_translations, courses, enrolments, lesson_translations,
    lessons, module_translations, users,
};
use chrono::{DateTime, Duration, Timelike, Utc};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

/// A course made directly in the database (the authoring API is tested elsewhere).
pub(crate) struct Course {
    pub(crate) id: i64,
    /// Lesson ids in outline order.
    pub(crate) lessons: Vec<i64>,
    pub(crate) modules: Vec<i64>,
}

pub(crate) struct Spec<'a> {
    pub(crate) status: &'a str,
    pub(crate) format: &'a str,
    pub(crate) capacity: Option<i32>,
    /// Per module, whether each lesson is required.
    pub(crate) modules: &'a [&'a [bool]],
    /// (language, title); the first is the default language.
    pub(crate) titles: &'a [(&'a str, &'a str)],
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Self {
            status: "published",
            format: "self_paced",
            capacity: None,
            modules: &[&[true, false], &[true]],
            titles: &[("en", "Organising platform workers")],
        }
    }
}

pub(crate) fn make_course(app: &TestApp, spec: Spec<'_>) -> Course {
    let mut conn = app.db.conn().expect("a connection");
    let conn = &mut *conn;
    let now = bayanihan::db::now();
    let slug = format!("course-{}", uuid::Uuid::new_v4().simple());
    let id: i64 = diesel::insert_into(courses::table)
        .values((
            courses::slug.eq(&slug),
            courses::default_language.eq(spec.titles[0].0),
            courses::level.eq("introductory"),
            courses::format.eq(spec.format),
            courses::status.eq(spec.status),
            courses::visibility.eq("public"),
            courses::capacity.eq(spec.capacity),
            courses::enrolment_count.eq(0),
            courses::created_at.eq(now),
            courses::updated_at.eq(now),
            courses::published_at.eq(Some(now)),
        ))
        .returning(courses::id)
        .get_result(conn)
        .expect("insert course");
    for (lang, title) in spec.titles {
        diesel::insert_into(course_translations::table)
            .values((
                course_translations::course_id.eq(id),
                course_translations::language.eq(*lang),
                course_translations::title.eq(*title),
                course_translations::updated_at.eq(now),
            ))
            .execute(conn)
            .expect("insert translation");
    }
    let mut lesson_ids = Vec::new();
    let mut module_ids = Vec::new();
    for (m, required) in spec.modules.iter().enumerate() {
        let module_id: i64 = diesel::insert_into(course_modules::table)
            .values((
                course_modules::course_id.eq(id),
                course_modules::position.eq(m as i32 + 1),
                course_modules::created_at.eq(now),
                course_modules::updated_at.eq(now),
            ))
            .returning(course_modules::id)
            .get_result(conn)
            .expect("insert module");
        diesel::insert_into(module_translations::table)
            .values((
                module_translations::module_id.eq(module_id),
                module_translations::language.eq(spec.titles[0].0),
                module_translations::title.eq(format!("Module {}", m + 1)),
            ))
            .execute(conn)
            .expect("insert module title");
        module_ids.push(module_id);
        for (l, req) in required.iter().enumerate() {
            let lesson_id: i64 = diesel::insert_into(lessons::table)
                .values((
                    lessons::module_id.eq(module_id),
                    lessons::course_id.eq(id),
                    lessons::position.eq(l as i32 + 1),
                    lessons::kind.eq("text"),
                    lessons::required.eq(*req),
                    lessons::created_at.eq(now),
                    lessons::updated_at.eq(now),
                ))
                .returning(lessons::id)
                .get_result(conn)
                .expect("insert lesson");
            diesel::insert_into(lesson_translations::table)
                .values((
                    lesson_translations::lesson_id.eq(lesson_id),
                    lesson_translations::language.eq(spec.titles[0].0),
                    lesson_translations::title.eq(format!("Lesson {}.{}", m + 1, l + 1)),
                ))
                .execute(conn)
                .expect("insert lesson title");
            lesson_ids.push(lesson_id);
        }
    }
    Course {
        id,
        lessons: lesson_ids,
        modules: module_ids,
    }
}

fn add_owner(app: &TestApp, course_id: i64, user_id: i64) {
    let mut conn = app.db.conn().expect("a connection");
    diesel::insert_into(course_owners::table)
        .values((
            course_owners::course_id.eq(course_id),
            course_owners::user_id.eq(user_id),
        ))
        .execute(&mut *conn)
        .expect("insert owner");
}

fn enrolment_count(app: &TestApp, course_id: i64) -> i32 {
    let mut conn = app.db.conn().expect("a connection");
    courses::table
        .find(course_id)
        .select(courses::enrolment_count)
        .first(&mut *conn)
        .expect("course")
}

async fn send(app: &TestApp, method: Method, path: &str, user: &TestUser) -> reqwest::Response {
    app.authed(method, path, &user.token)
        .send()
        .await
        .expect("request is sent")
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let url = res.url().clone();
    assert_eq!(res.status().as_u16(), status, "status of {url}");
    res.json().await.expect("a JSON body")
}

pub(crate) async fn enrol(app: &TestApp, course_id: i64, user: &TestUser) -> Value {
    let path = format!("/api/v1/courses/{course_id}/enrolments");
    json_of(send(app, Method::POST, &path, user).await, 201).await
}

pub(crate) async fn complete(app: &TestApp, lesson_id: i64, user: &TestUser) -> reqwest::Response {
    send(
        app,
        Method::PUT,
        &format!("/api/v1/me/lessons/{lesson_id}/completion"),
        user,
    )
    .await
}

async fn uncomplete(app: &TestApp, lesson_id: i64, user: &TestUser) -> reqwest::Response {
    let path = format!("/api/v1/me/lessons/{lesson_id}/completion");
    send(app, Method::DELETE, &path, user).await
}

async fn progress(app: &TestApp, course_id: i64, user: &TestUser) -> Value {
    let path = format!("/api/v1/me/courses/{course_id}/progress");
    json_of(send(app, Method::GET, &path, user).await, 200).await
}

#[tokio::test]
async fn learning_enrol_unenrol_and_enrol_again() {
    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let member = app.user("member").await;
    let path = format!("/api/v1/courses/{}/enrolments", course.id);

    let res = app.client.post(app.url(&path)).send().await.unwrap();
    assert_problem(res, 401, "login_required").await;

    let res = send(&app, Method::POST, &path, &member).await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(
        res.headers()["location"],
        format!("/api/v1/courses/{}/enrolments/me", course.id).as_str()
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["course_id"], course.id);
    assert_eq!(body["deleted"], false);
    assert_eq!(body["course"]["title"], "Organising platform workers");
    assert_eq!(body["course"]["language"], "en");
    assert_eq!(enrolment_count(&app, course.id), 1);

    let res = send(&app, Method::POST, &path, &member).await;
    assert_problem(res, 409, "already_enrolled").await;

    let list = json_of(
        send(&app, Method::GET, "/api/v1/me/enrolments", &member).await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["next_cursor"], Value::Null);

    let before = Utc::now() - Duration::seconds(1);
    let res = send(&app, Method::DELETE, &format!("{path}/me"), &member).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(enrolment_count(&app, course.id), 0);
    let res = send(&app, Method::DELETE, &format!("{path}/me"), &member).await;
    assert_problem(res, 404, "not_found").await;

    let list = json_of(
        send(&app, Method::GET, "/api/v1/me/enrolments", &member).await,
        200,
    )
    .await;
    assert!(list["items"].as_array().unwrap().is_empty());

    // A syncing app learns of the unenrolment as a tombstone.
    let since = before.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let list = json_of(
        app.authed(Method::GET, "/api/v1/me/enrolments", &member.token)
            .query(&[("updated_since", since.as_str()), ("sort", "updated_at")])
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["course_id"], course.id);
    assert_eq!(items[0]["deleted"], true);
    assert!(items[0]["updated_at"].is_string());
    assert!(items[0].get("course").is_none());
    // Nothing changed since a later instant.
    let later = (Utc::now() + Duration::seconds(5)).to_rfc3339();
    let list = json_of(
        app.authed(Method::GET, "/api/v1/me/enrolments", &member.token)
            .query(&[("updated_since", later.as_str())])
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let res = app
        .authed(Method::GET, "/api/v1/me/enrolments", &member.token)
        .query(&[("updated_since", "yesterday")])
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "invalid_query").await;

    // Enrolling again renews the same enrolment.
    let body = enrol(&app, course.id, &member).await;
    assert_eq!(body["deleted"], false);
    assert_eq!(enrolment_count(&app, course.id), 1);
}

#[tokio::test]
async fn learning_enrolment_rules() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let other = app.user("member").await;
    let full = make_course(
        &app,
        Spec {
            capacity: Some(1),
            ..Spec::default()
        },
    );
    enrol(&app, full.id, &member).await;
    let path = format!("/api/v1/courses/{}/enrolments", full.id);
    let res = send(&app, Method::POST, &path, &other).await;
    assert_problem(res, 409, "course_full").await;
    // A place that frees up can be taken.
    send(&app, Method::DELETE, &format!("{path}/me"), &member).await;
    enrol(&app, full.id, &other).await;
    let res = send(&app, Method::POST, &path, &member).await;
    assert_problem(res, 409, "course_full").await;

    for (status, format, code, http) in [
        ("draft", "self_paced", "not_found", 404),
        ("archived", "self_paced", "not_open", 409),
        ("published", "cohort", "enrolment_by_nomination", 409),
    ] {
        let course = make_course(
            &app,
            Spec {
                status,
                format,
                ..Spec::default()
            },
        );
        let path = format!("/api/v1/courses/{}/enrolments", course.id);
        let res = send(&app, Method::POST, &path, &member).await;
        assert_problem(res, http, code).await;
    }
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses/999999/enrolments",
        &member,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses/abc/enrolments",
        &member,
    )
    .await;
    assert_problem(res, 400, "invalid_path").await;
}

#[tokio::test]
async fn learning_course_enrolments_are_for_owners_and_coordinators() {
    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let member = app.user("member").await;
    let trainer = app.user("trainer").await;
    let coordinator = app.user("coordinator").await;
    add_owner(&app, course.id, trainer.id);
    enrol(&app, course.id, &member).await;
    let path = format!("/api/v1/courses/{}/enrolments", course.id);

    let res = send(&app, Method::GET, &path, &member).await;
    assert_problem(res, 403, "forbidden").await;
    let other_trainer = app.user("trainer").await;
    let res = send(&app, Method::GET, &path, &other_trainer).await;
    assert_problem(res, 403, "forbidden").await;
    for user in [&trainer, &coordinator] {
        let list = json_of(send(&app, Method::GET, &path, user).await, 200).await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["user_id"], member.id);
        assert_eq!(items[0]["display_name"], "Test member");
        assert!(items[0].get("email").is_none());
    }
    let res = send(
        &app,
        Method::GET,
        "/api/v1/courses/999999/enrolments",
        &coordinator,
    )
    .await;
    assert_problem(res, 404, "not_found").await;

    // A learner's progress: the owner and coordinators may look, other members may not.
    let learner_path = format!("/api/v1/courses/{}/progress/{}", course.id, member.id);
    let other = app.user("member").await;
    let res = send(&app, Method::GET, &learner_path, &other).await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(&app, Method::GET, &learner_path, &member).await;
    assert_problem(res, 403, "forbidden").await;
    let body = json_of(send(&app, Method::GET, &learner_path, &trainer).await, 200).await;
    assert_eq!(body["user_id"], member.id);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}/progress/{}", course.id, other.id),
        &coordinator,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn learning_completion_progress_and_certificate() {
    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let member = app.user("member").await;
    let [l1, l2, l3] = course.lessons[..] else {
        panic!("three lessons")
    };

    let res = complete(&app, l1, &member).await;
    assert_problem(res, 403, "not_enrolled").await;
    let res = complete(&app, 999_999, &member).await;
    assert_problem(res, 404, "not_found").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/me/courses/{}/progress", course.id),
        &member,
    )
    .await;
    assert_problem(res, 403, "not_enrolled").await;

    enrol(&app, course.id, &member).await;
    let p = progress(&app, course.id, &member).await;
    assert_eq!(p["required_total"], 2);
    assert_eq!(p["required_done"], 0);
    assert_eq!(p["lessons_total"], 3);
    assert_eq!(p["percent"], 0);
    assert_eq!(p["next_lesson"]["lesson_id"], l1);
    assert_eq!(p["completed_at"], Value::Null);

    let first = json_of(complete(&app, l1, &member).await, 201).await;
    assert_eq!(first["lesson_id"], l1);
    assert_eq!(first["course_id"], course.id);
    assert_eq!(first["course_completed_at"], Value::Null);
    // Idempotent: the same answer, nothing changed.
    let again = json_of(complete(&app, l1, &member).await, 200).await;
    assert_eq!(again, first);

    let p = progress(&app, course.id, &member).await;
    assert_eq!(p["required_done"], 1);
    assert_eq!(p["lessons_done"], 1);
    assert_eq!(p["percent"], 50);
    assert_eq!(p["next_lesson"]["lesson_id"], l2);
    assert_eq!(p["next_lesson"]["title"], "Lesson 1.2");
    assert_eq!(p["modules"][0]["module_id"], course.modules[0]);
    assert_eq!(p["modules"][0]["required_total"], 1);
    assert_eq!(p["modules"][0]["required_done"], 1);
    assert_eq!(p["modules"][0]["lessons_total"], 2);
    assert_eq!(p["modules"][0]["title"], "Module 1");
    assert_eq!(p["modules"][1]["required_done"], 0);
    assert_eq!(p["certificate"], Value::Null);

    // The last required lesson completes the course and issues the certificate.
    let done = json_of(complete(&app, l3, &member).await, 201).await;
    assert!(done["course_completed_at"].is_string());
    let code = done["certificate"]["code"].as_str().unwrap().to_owned();
    assert!(code.len() >= 22, "{code}");
    assert_eq!(done["certificate"]["valid"], true);
    assert_eq!(done["certificate"]["holder_name"], "Test member");
    assert_eq!(
        done["certificate"]["course_title"],
        "Organising platform workers"
    );
    // A repeat is answered from what is stored: the course's completion and the
    // certificate as the first answer gave them.
    let again = json_of(complete(&app, l3, &member).await, 200).await;
    assert_eq!(again, done);
    let p = progress(&app, course.id, &member).await;
    assert_eq!(p["percent"], 100);
    assert_eq!(p["completed_at"], done["course_completed_at"]);
    assert_eq!(
        p["next_lesson"]["lesson_id"], l2,
        "the optional lesson is left"
    );

    // Once: more lessons, undoing and redoing never issue a second one.
    json_of(complete(&app, l2, &member).await, 201).await;
    assert_eq!(uncomplete(&app, l3, &member).await.status().as_u16(), 204);
    let p = progress(&app, course.id, &member).await;
    assert_eq!(p["completed_at"], Value::Null);
    assert_eq!(
        p["certificate"]["code"],
        code.as_str(),
        "undoing does not revoke"
    );
    // Nothing left to undo: 204 again, and nothing changes.
    assert_eq!(uncomplete(&app, l3, &member).await.status().as_u16(), 204);
    assert_eq!(progress(&app, course.id, &member).await, p);
    let redo = json_of(complete(&app, l3, &member).await, 201).await;
    assert_eq!(redo["certificate"]["code"], code.as_str());
    let list = json_of(
        send(&app, Method::GET, "/api/v1/me/certificates", &member).await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["code"], code.as_str());

    // Another member sees no progress of this one, and has no certificate.
    let other = app.user("member").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/me/courses/{}/progress", course.id),
        &other,
    )
    .await;
    assert_problem(res, 403, "not_enrolled").await;
    let list = json_of(
        send(&app, Method::GET, "/api/v1/me/certificates", &other).await,
        200,
    )
    .await;
    assert!(list["items"].as_array().unwrap().is_empty());

    // The enrolment says when it was completed.
    let list = json_of(
        send(&app, Method::GET, "/api/v1/me/enrolments", &member).await,
        200,
    )
    .await;
    assert!(list["items"][0]["completed_at"].is_string());
}

#[tokio::test]
async fn learning_certificate_in_the_holders_language() {
    let app = spawn_app().await;
    let course = make_course(
        &app,
        Spec {
            modules: &[&[true]],
            titles: &[("en", "Social dialogue"), ("fil", "Dayalogong panlipunan")],
            ..Spec::default()
        },
    );
    let member = app.user("member").await;
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(users::table.find(member.id))
            .set(users::preferred_language.eq("fil"))
            .execute(&mut *conn)
            .unwrap();
    }
    enrol(&app, course.id, &member).await;
    let done = json_of(complete(&app, course.lessons[0], &member).await, 201).await;
    assert_eq!(done["certificate"]["language"], "fil");
    assert_eq!(done["certificate"]["course_title"], "Dayalogong panlipunan");
    let list = json_of(
        app.authed(Method::GET, "/api/v1/me/enrolments?lang=en", &member.token)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(list["items"][0]["course"]["title"], "Social dialogue");
    let list = json_of(
        send(&app, Method::GET, "/api/v1/me/enrolments", &member).await,
        200,
    )
    .await;
    assert_eq!(list["items"][0]["course"]["title"], "Dayalogong panlipunan");
}

async fn certified(app: &TestApp, member: &TestUser) -> String {
    let course = make_course(
        app,
        Spec {
            modules: &[&[true]],
            ..Spec::default()
        },
    );
    enrol(app, course.id, member).await;
    let done = json_of(complete(app, course.lessons[0], member).await, 201).await;
    done["certificate"]["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn learning_public_verification_and_revocation() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let code = certified(&app, &member).await;

    // No login needed.
    let (status, body) = app.get_json(&format!("/api/v1/certificates/{code}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["valid"], true);
    assert_eq!(body["holder_name"], "Test member");
    assert_eq!(body["revoked_at"], Value::Null);
    assert!(body.get("user_id").is_none());
    let res = app
        .get("/api/v1/certificates/unknown-code-0000000000")
        .await;
    assert_problem(res, 404, "not_found").await;

    let revoke = format!("/api/v1/certificates/{code}/revoke");
    let res = app
        .authed(Method::POST, &revoke, &member.token)
        .json(&json!({"reason": "mine"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;
    let coordinator = app.user("coordinator").await;
    let res = app
        .authed(Method::POST, &revoke, &coordinator.token)
        .json(&json!({"reason": "   "}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .authed(Method::POST, &revoke, &coordinator.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "invalid_body").await;
    let res = app
        .authed(Method::POST, &revoke, &coordinator.token)
        .json(&json!({"reason": "Issued by mistake"}))
        .send()
        .await
        .unwrap();
    let body = json_of(res, 200).await;
    assert_eq!(body["valid"], false);

    let (status, body) = app.get_json(&format!("/api/v1/certificates/{code}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["valid"], false);
    assert_eq!(body["reason"], "Issued by mistake");
    assert!(body["revoked_at"].is_string());
    let res = app
        .authed(Method::POST, &revoke, &coordinator.token)
        .json(&json!({"reason": "again"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 409, "already_revoked").await;
    let res = app
        .get(&format!("/api/v1/certificates/{code}/document"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("REVOKED"));
}

#[tokio::test]
async fn learning_printable_certificate_escapes_names() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(users::table.find(member.id))
            .set(users::display_name.eq("<script>alert('x')</script> & Co"))
            .execute(&mut *conn)
            .unwrap();
    }
    let code = certified(&app, &member).await;
    let res = app
        .get(&format!("/api/v1/certificates/{code}/document"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(res.headers().contains_key("content-security-policy"));
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"));
    assert!(html.contains(&code));
    assert!(html.contains("@media print"));
    // People check it on the frontend's page (from configuration), not on a JSON address.
    assert!(
        html.contains(&format!("http://frontend.test/certificates/{code}")),
        "{html}"
    );
    assert!(!html.contains("/api/v1/certificates/"), "{html}");
    let res = app.get("/api/v1/certificates/nope/document").await;
    assert_problem(res, 404, "not_found").await;
}

/// Moves `member`'s enrolment in `course_id` `days` into the past.
fn enrolled_days_ago(app: &TestApp, course_id: i64, member: &TestUser, days: i64) {
    let mut conn = app.db.conn().unwrap();
    let then = (Utc::now() - Duration::days(days)).naive_utc();
    diesel::update(
        enrolments::table
            .filter(enrolments::course_id.eq(course_id))
            .filter(enrolments::user_id.eq(member.id)),
    )
    .set(enrolments::created_at.eq(then))
    .execute(&mut *conn)
    .unwrap();
}

#[tokio::test]
async fn learning_offline_completions_cannot_be_backdated() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let course = make_course(
        &app,
        Spec {
            modules: &[&[true, true]],
            ..Spec::default()
        },
    );
    enrol(&app, course.id, &member).await;
    enrolled_days_ago(&app, course.id, &member, 10);
    let ts = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let body = json_of(
        app.authed(Method::POST, "/api/v1/me/completions/batch", &member.token)
            .json(&json!({"completions": [
                {"lesson_id": course.lessons[0], "completed_at": "1970-01-01T00:00:00Z"},
                {"lesson_id": course.lessons[0], "completed_at": ts(Utc::now() - Duration::days(11))},
                {"lesson_id": course.lessons[1], "completed_at": ts(Utc::now() - Duration::days(9))},
            ]}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let codes: Vec<Option<&str>> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [Some("too_old"), Some("before_enrolment"), None],
        "{body}"
    );
    assert!(body["certificates_issued"].as_array().unwrap().is_empty());
    // Older than the offline window (30 days here), even when the enrolment is older still.
    enrolled_days_ago(&app, course.id, &member, 90);
    let body = json_of(
        app.authed(Method::POST, "/api/v1/me/completions/batch", &member.token)
            .json(&json!({"completions": [
                {"lesson_id": course.lessons[0], "completed_at": ts(Utc::now() - Duration::days(31))},
            ]}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(body["results"][0]["code"], "too_old", "{body}");
}

#[tokio::test]
async fn learning_certificate_links_come_from_configuration_not_from_headers() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let code = certified(&app, &member).await;
    let forged = |req: reqwest::RequestBuilder| {
        req.header("Host", "evil.example")
            .header("X-Forwarded-Host", "evil.example")
            .header("X-Forwarded-Proto", "https")
            .header("Forwarded", "host=evil.example;proto=https")
    };
    let res = forged(
        app.client
            .get(app.url(&format!("/api/v1/certificates/{code}"))),
    )
    .send()
    .await
    .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["document_url"],
        format!("http://api.test/api/v1/certificates/{code}/document")
    );
    let res = forged(
        app.client
            .get(app.url(&format!("/api/v1/certificates/{code}/document"))),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(!html.contains("evil.example"), "{html}");
    assert!(
        html.contains(&format!("http://frontend.test/certificates/{code}")),
        "{html}"
    );
}

#[tokio::test]
async fn learning_offline_completions_sync_in_one_batch() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let course = make_course(&app, Spec::default());
    let elsewhere = make_course(&app, Spec::default());
    let [l1, l2, l3] = course.lessons[..] else {
        panic!("three lessons")
    };
    enrol(&app, course.id, &member).await;
    // The member enrolled a week ago, then worked offline.
    enrolled_days_ago(&app, course.id, &member, 7);
    // Six significant fractional digits, as the server writes them (a time that happens to
    // end in 000 microseconds would be written with three and compare unequal).
    let exact = |t: DateTime<Utc>| t.with_nanosecond(123_456_000).unwrap();
    let two_days_ago = exact(Utc::now() - Duration::days(2));
    let yesterday = exact(Utc::now() - Duration::days(1));
    let ts = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let batch = json!({"completions": [
        {"lesson_id": l1, "completed_at": ts(two_days_ago)},
        {"lesson_id": l1, "completed_at": ts(yesterday)},
        {"lesson_id": 999_999, "completed_at": ts(yesterday)},
        {"lesson_id": elsewhere.lessons[0], "completed_at": ts(yesterday)},
        {"lesson_id": l2, "completed_at": ts(Utc::now() + Duration::hours(1))},
        {"lesson_id": l2 as f64, "completed_at": ts(yesterday)},
    ]});
    let sync = |body: Value| {
        app.authed(Method::POST, "/api/v1/me/completions/batch", &member.token)
            .json(&body)
            .send()
    };
    let body = json_of(sync(batch.clone()).await.unwrap(), 200).await;
    let statuses: Vec<(&str, Option<&str>)> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["status"].as_str().unwrap(), r["code"].as_str()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("applied", None),
            ("already_done", None),
            ("rejected", Some("unknown_lesson")),
            ("rejected", Some("not_enrolled")),
            ("rejected", Some("in_future")),
            ("applied", None),
        ]
    );
    assert_eq!(body["results"][1]["completed_at"], ts(two_days_ago));
    assert!(body["certificates_issued"].as_array().unwrap().is_empty());

    // The original timestamps are kept.
    let p = progress(&app, course.id, &member).await;
    assert_eq!(
        p["modules"][0]["lessons"][0]["completed_at"],
        ts(two_days_ago)
    );
    assert_eq!(p["modules"][0]["lessons"][1]["completed_at"], ts(yesterday));

    // Sending the same batch again changes nothing.
    let again = json_of(sync(batch).await.unwrap(), 200).await;
    assert_eq!(again["results"][0]["status"], "already_done");
    assert_eq!(again["results"][0]["completed_at"], ts(two_days_ago));
    assert_eq!(again["results"][5]["status"], "already_done");

    // The last required lesson, done offline, completes the course at that time.
    let an_hour_ago = exact(Utc::now() - Duration::hours(1));
    let body = json_of(
        sync(json!({"completions": [{"lesson_id": l3, "completed_at": ts(an_hour_ago)}]}))
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(body["results"][0]["status"], "applied");
    let issued = body["certificates_issued"].as_array().unwrap();
    assert_eq!(issued.len(), 1);
    // Issued now, by the server, whatever the completion's date.
    let issued_at: DateTime<Utc> = issued[0]["issued_at"].as_str().unwrap().parse().unwrap();
    assert!(
        issued_at > an_hour_ago + Duration::minutes(30),
        "{issued_at}"
    );
    let p = progress(&app, course.id, &member).await;
    assert_eq!(p["completed_at"], ts(an_hour_ago));

    // Bad batches.
    let res = sync(json!({"completions": []})).await.unwrap();
    assert_problem(res, 422, "validation_failed").await;
    let many: Vec<Value> = (0..501)
        .map(|_| json!({"lesson_id": l1, "completed_at": ts(yesterday)}))
        .collect();
    let res = sync(json!({"completions": many})).await.unwrap();
    assert_problem(res, 422, "validation_failed").await;
    let res = sync(json!({"completions": [{"lesson_id": l1, "completed_at": "last week"}]}))
        .await
        .unwrap();
    assert_problem(res, 400, "invalid_body").await;
    let res =
        sync(json!({"completions": [{"lesson_id": l1, "completed_at": ts(yesterday), "x": 1}]}))
            .await
            .unwrap();
    assert_problem(res, 400, "unknown_field").await;
}

#[tokio::test]
async fn learning_concurrent_enrolments_respect_capacity() {
    let app = spawn_app().await;
    let course = make_course(
        &app,
        Spec {
            capacity: Some(2),
            ..Spec::default()
        },
    );
    let mut members = Vec::new();
    for _ in 0..5 {
        members.push(app.user("member").await);
    }
    let path = format!("/api/v1/courses/{}/enrolments", course.id);
    let answers = futures_util::future::join_all(
        members
            .iter()
            .map(|m| app.authed(Method::POST, &path, &m.token).send()),
    )
    .await;
    let mut statuses: Vec<u16> = answers
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, vec![201, 201, 409, 409, 409]);
    assert_eq!(enrolment_count(&app, course.id), 2);
}

#[tokio::test]
async fn learning_concurrent_completions_issue_one_certificate() {
    let app = spawn_app().await;
    let course = make_course(
        &app,
        Spec {
            modules: &[&[true, true, true, true]],
            ..Spec::default()
        },
    );
    let member = app.user("member").await;
    enrol(&app, course.id, &member).await;
    let answers = futures_util::future::join_all(course.lessons.iter().map(|l| {
        app.authed(
            Method::PUT,
            &format!("/api/v1/me/lessons/{l}/completion"),
            &member.token,
        )
        .send()
    }))
    .await;
    for res in answers {
        assert_eq!(res.unwrap().status().as_u16(), 201);
    }
    let p = progress(&app, course.id, &member).await;
    assert_eq!(p["required_done"], 4);
    assert!(p["completed_at"].is_string(), "{p}");
    assert!(p["certificate"]["code"].is_string(), "{p}");
    let list = json_of(
        send(&app, Method::GET, "/api/v1/me/certificates", &member).await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn learning_my_enrolments_page_with_cursors() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let course = make_course(&app, Spec::default());
        enrol(&app, course.id, &member).await;
        ids.push(course.id);
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = json_of(
            app.authed(Method::GET, "/api/v1/me/enrolments", &member.token)
                .query(&[("limit", "2"), ("sort", "updated_at"), ("cursor", &cursor)])
                .send()
                .await
                .unwrap(),
            200,
        )
        .await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["course_id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, ids, "oldest change first, each once");
    let page = json_of(
        app.authed(Method::GET, "/api/v1/me/enrolments?limit=1", &member.token)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(
        page["items"][0]["course_id"], ids[2],
        "newest first by default"
    );
    let res = app
        .authed(
            Method::GET,
            &format!(
                "/api/v1/me/enrolments?sort=updated_at&cursor={}",
                page["next_cursor"].as_str().unwrap()
            ),
            &member.token,
        )
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "invalid_query").await;
    let res = send(&app, Method::GET, "/api/v1/me/enrolments?limit=0", &member).await;
    assert_problem(res, 400, "invalid_query").await;
    let res = send(
        &app,
        Method::GET,
        "/api/v1/me/enrolments?lang=xx-!",
        &member,
    )
    .await;
    assert_problem(res, 400, "invalid_query").await;
    let res = send(
        &app,
        Method::GET,
        "/api/v1/me/enrolments?colour=red",
        &member,
    )
    .await;
    assert_problem(res, 400, "invalid_query").await;
}

/// The `ETag` of an answer.
fn etag_of(res: &reqwest::Response) -> String {
    res.headers()["etag"].to_str().unwrap().to_owned()
}

/// Asserts a localised answer: `Content-Language` is `lang` and it varies with
/// `Accept-Language`.
fn assert_language(res: &reqwest::Response, lang: &str) {
    let url = res.url().clone();
    assert_eq!(
        res.headers()
            .get("content-language")
            .map(|v| v.to_str().unwrap()),
        Some(lang),
        "Content-Language of {url}"
    );
    let vary = res.headers()["vary"].to_str().unwrap();
    assert!(vary.contains("Accept-Language"), "Vary of {url}: {vary}");
}

#[tokio::test]
async fn learning_my_enrolment_is_readable_where_location_points() {
    let app = spawn_app().await;
    let course = make_course(
        &app,
        Spec {
            titles: &[("en", "Social dialogue"), ("fil", "Dayalogong panlipunan")],
            ..Spec::default()
        },
    );
    let draft = make_course(
        &app,
        Spec {
            status: "draft",
            ..Spec::default()
        },
    );
    let member = app.user("member").await;
    let path = format!("/api/v1/courses/{}/enrolments", course.id);
    let me = format!("{path}/me");

    let res = app.client.get(app.url(&me)).send().await.unwrap();
    assert_problem(res, 401, "login_required").await;
    assert_problem(
        send(&app, Method::GET, &me, &member).await,
        404,
        "not_found",
    )
    .await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}/enrolments/me", draft.id),
        &member,
    )
    .await;
    assert_problem(res, 404, "not_found").await;

    let res = app
        .authed(Method::POST, &path, &member.token)
        .header("Accept-Language", "fil-PH, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    assert_language(&res, "fil");
    let created_tag = etag_of(&res);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, me);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["course"]["title"], "Dayalogong panlipunan");

    // The Location answers GET with the same enrolment, tag and language.
    let res = app
        .authed(Method::GET, &location, &member.token)
        .header("Accept-Language", "fil-PH, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_language(&res, "fil");
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(etag_of(&res), created_tag);
    assert_eq!(res.json::<Value>().await.unwrap(), created);
    let res = app
        .authed(Method::GET, &location, &member.token)
        .header("Accept-Language", "fil")
        .header("If-None-Match", created_tag.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);

    // `?lang=` wins over Accept-Language; another language is another tag.
    let res = app
        .authed(Method::GET, &format!("{location}?lang=en"), &member.token)
        .header("Accept-Language", "fil")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_language(&res, "en");
    assert_ne!(etag_of(&res), created_tag);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["course"]["title"], "Social dialogue");
    let res = send(&app, Method::GET, &format!("{location}?lang=xx-!"), &member).await;
    assert_problem(res, 400, "invalid_query").await;
    let res = send(
        &app,
        Method::GET,
        &format!("{location}?colour=red"),
        &member,
    )
    .await;
    assert_problem(res, 400, "invalid_query").await;

    // Someone else's enrolment is not the caller's.
    let other = app.user("member").await;
    assert_problem(send(&app, Method::GET, &me, &other).await, 404, "not_found").await;

    // Ended: 404 again; renewed: readable again.
    let res = send(&app, Method::DELETE, &me, &member).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_problem(
        send(&app, Method::GET, &me, &member).await,
        404,
        "not_found",
    )
    .await;
    enrol(&app, course.id, &member).await;
    let body = json_of(send(&app, Method::GET, &me, &member).await, 200).await;
    assert_eq!(body["deleted"], false);
    assert_eq!(body["course_id"], course.id);
}

#[tokio::test]
async fn learning_localised_answers_name_their_language() {
    let app = spawn_app().await;
    let course = make_course(
        &app,
        Spec {
            titles: &[("en", "Social dialogue"), ("fil", "Dayalogong panlipunan")],
            ..Spec::default()
        },
    );
    let member = app.user("member").await;
    let coordinator = app.user("coordinator").await;
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(users::table.find(member.id))
            .set(users::preferred_language.eq("fil"))
            .execute(&mut *conn)
            .unwrap();
    }
    // Without `lang` or Accept-Language, the reader's preferred language.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{}/enrolments", course.id),
        &member,
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    assert_language(&res, "fil");

    let res = send(&app, Method::GET, "/api/v1/me/enrolments", &member).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_language(&res, "fil");
    let res = app
        .authed(Method::GET, "/api/v1/me/enrolments", &member.token)
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_language(&res, "en");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["items"][0]["course"]["title"], "Social dialogue");

    let own = format!("/api/v1/me/courses/{}/progress", course.id);
    let res = send(&app, Method::GET, &own, &member).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_language(&res, "fil");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let tag = etag_of(&res);
    let res = app
        .authed(Method::GET, &format!("{own}?lang=en"), &member.token)
        .send()
        .await
        .unwrap();
    assert_language(&res, "en");
    assert_ne!(etag_of(&res), tag, "one tag per language");

    // The same progress keeps its tag; a lesson done changes it, a repeat does not.
    let res = app
        .authed(Method::GET, &own, &member.token)
        .header("If-None-Match", tag.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);
    assert_eq!(
        complete(&app, course.lessons[1], &member).await.status(),
        201
    );
    let res = send(&app, Method::GET, &own, &member).await;
    let after_one = etag_of(&res);
    assert_ne!(after_one, tag);
    assert_eq!(
        complete(&app, course.lessons[1], &member).await.status(),
        200
    );
    let res = send(&app, Method::GET, &own, &member).await;
    assert_eq!(etag_of(&res), after_one);

    // A change to the course's lessons or modules (each bumps its row's version) changes it.
    let mut seen = vec![after_one];
    for bump_module in [false, true] {
        {
            let mut conn = app.db.conn().unwrap();
            if bump_module {
                diesel::update(
                    course_modules::table.filter(course_modules::course_id.eq(course.id)),
                )
                .set(course_modules::version.eq(course_modules::version + 1))
                .execute(&mut *conn)
                .unwrap();
            } else {
                diesel::update(lessons::table.find(course.lessons[2]))
                    .set(lessons::version.eq(lessons::version + 1))
                    .execute(&mut *conn)
                    .unwrap();
            }
        }
        let res = send(&app, Method::GET, &own, &member).await;
        let tag = etag_of(&res);
        assert!(
            !seen.contains(&tag),
            "{tag} after a bump (module: {bump_module})"
        );
        seen.push(tag);
    }

    // A coordinator reads it in their own language.
    let learner = format!("/api/v1/courses/{}/progress/{}", course.id, member.id);
    let res = send(&app, Method::GET, &learner, &coordinator).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_language(&res, "en");
    let res = app
        .authed(Method::GET, &learner, &coordinator.token)
        .header("Accept-Language", "fil")
        .send()
        .await
        .unwrap();
    assert_language(&res, "fil");
}

#[tokio::test]
async fn learning_certificate_etag_follows_its_version() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let coordinator = app.user("coordinator").await;
    let code = certified(&app, &member).await;
    let path = format!("/api/v1/certificates/{code}");

    let res = app.get(&path).await;
    assert_eq!(res.status().as_u16(), 200);
    let tag = etag_of(&res);
    assert!(
        tag.starts_with("\"certificate-") && tag.ends_with("-v1\""),
        "{tag}"
    );
    let res = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", tag.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);

    let res = app
        .authed(Method::POST, &format!("{path}/revoke"), &coordinator.token)
        .json(&json!({"reason": "Issued by mistake"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let revoked_tag = etag_of(&res);
    assert_ne!(revoked_tag, tag);
    let res = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", tag.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "the old tag is stale");
    assert_eq!(etag_of(&res), revoked_tag);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["valid"], false);
}

#[tokio::test]
async fn learning_enrolment_runs_inside_another_domains_transaction() {
    use bayanihan::db::write_transaction;
    use bayanihan::error::ApiError;
    use bayanihan::learning::service;
    use bayanihan::types::{CourseId, UserId};

    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let cohort = make_course(
        &app,
        Spec {
            format: "cohort",
            ..Spec::default()
        },
    );
    let member = app.user("member").await;
    let me = format!("/api/v1/courses/{}/enrolments/me", course.id);
    let display_name = |app: &TestApp| -> String {
        let mut conn = app.db.conn().unwrap();
        users::table
            .find(member.id)
            .select(users::display_name)
            .first(&mut *conn)
            .unwrap()
    };
    let before = display_name(&app);
    // What a cohort does: enrol a participant and write its own rows in one transaction.
    let run = |fail: bool| {
        let mut conn = app.db.conn().unwrap();
        write_transaction(&mut conn, |conn| {
            let enrolment = service::enrol(conn, UserId(member.id), CourseId(course.id))?;
            assert_eq!(enrolment.course_id, CourseId(course.id));
            diesel::update(users::table.find(member.id))
                .set(users::display_name.eq("Cohort participant"))
                .execute(conn)?;
            if fail {
                return Err(ApiError::Conflict {
                    code: "cohort_full",
                    detail: "a later step of the caller failed".to_owned(),
                });
            }
            Ok(())
        })
    };

    // A later failure rolls the enrolment back with the caller's own write.
    let err = run(true).unwrap_err();
    assert_eq!(err.code(), "cohort_full");
    assert_eq!(display_name(&app), before);
    assert_eq!(enrolment_count(&app, course.id), 0);
    assert_problem(
        send(&app, Method::GET, &me, &member).await,
        404,
        "not_found",
    )
    .await;

    // Success commits both.
    run(false).unwrap();
    assert_eq!(display_name(&app), "Cohort participant");
    assert_eq!(enrolment_count(&app, course.id), 1);
    let body = json_of(send(&app, Method::GET, &me, &member).await, 200).await;
    assert_eq!(body["course_id"], course.id);

    // A cohort course takes nominated learners only.
    {
        let mut conn = app.db.conn().unwrap();
        let err = write_transaction(&mut conn, |conn| {
            service::enrol(conn, UserId(member.id), CourseId(cohort.id))
        })
        .unwrap_err();
        assert_eq!(err.code(), "enrolment_by_nomination");
        write_transaction(&mut conn, |conn| {
            service::enrol_nominated(conn, UserId(member.id), CourseId(cohort.id))
        })
        .unwrap();
    }
    assert_eq!(enrolment_count(&app, cohort.id), 1);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}/enrolments/me", cohort.id),
        &member,
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn learning_owner_powers_follow_the_current_role_and_drafts_stay_hidden() {
    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let member = app.user("member").await;
    let trainer = app.user("trainer").await;
    let admin = app.user("admin").await;
    add_owner(&app, course.id, trainer.id);
    enrol(&app, course.id, &member).await;
    let enrolments = format!("/api/v1/courses/{}/enrolments", course.id);
    let learner = format!("/api/v1/courses/{}/progress/{}", course.id, member.id);
    json_of(send(&app, Method::GET, &enrolments, &trainer).await, 200).await;

    // Demoted to member, still listed as an owner: the listing stays, the powers go.
    let res = app
        .authed(
            Method::PATCH,
            &format!("/api/v1/users/{}", trainer.id),
            &admin.token,
        )
        .json(&json!({"role": "member"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    for path in [&enrolments, &learner] {
        let res = send(&app, Method::GET, path, &trainer).await;
        assert_problem(res, 403, "forbidden").await;
    }
    let res = app
        .authed(
            Method::PATCH,
            &format!("/api/v1/courses/{}", course.id),
            &trainer.token,
        )
        .json(&json!({"capacity": 10}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;

    // A draft is an unknown id to whoever may not see it, on every path: its owner's
    // enrolments, its learners' progress, and edits by another trainer.
    let draft = make_course(
        &app,
        Spec {
            status: "draft",
            ..Spec::default()
        },
    );
    let other_trainer = app.user("trainer").await;
    for path in [
        format!("/api/v1/courses/{}/enrolments", draft.id),
        format!("/api/v1/courses/{}/progress/{}", draft.id, member.id),
    ] {
        let res = send(&app, Method::GET, &path, &other_trainer).await;
        assert_problem(res, 404, "not_found").await;
    }
    let res = app
        .authed(
            Method::PATCH,
            &format!("/api/v1/courses/{}", draft.id),
            &other_trainer.token,
        )
        .json(&json!({"capacity": 10}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
    // A published course that is not theirs is visible, so editing it is 403.
    let res = app
        .authed(
            Method::PATCH,
            &format!("/api/v1/courses/{}", course.id),
            &other_trainer.token,
        )
        .json(&json!({"capacity": 10}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn learning_progress_read_again_follows_the_course_as_it_changes() {
    let app = spawn_app().await;
    let course = make_course(&app, Spec::default());
    let trainer = app.user("trainer").await;
    add_owner(&app, course.id, trainer.id);
    let member = app.user("member").await;
    enrol(&app, course.id, &member).await;
    let lessons_of = |p: &Value| -> Vec<(i64, String)> {
        p["modules"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["lessons"].as_array().unwrap().clone())
            .map(|l| {
                (
                    l["lesson_id"].as_i64().unwrap(),
                    l["title"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let first = progress(&app, course.id, &member).await;
    assert_eq!(lessons_of(&first).len(), 3, "{first}");
    assert_eq!(progress(&app, course.id, &member).await, first);

    // The owner renames a lesson and adds one: the next read has both.
    let res = app
        .authed(
            Method::PATCH,
            &format!("/api/v1/lessons/{}", course.lessons[0]),
            &trainer.token,
        )
        .json(&json!({"title": "Why organise"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/modules/{}/lessons", course.modules[1]),
            &trainer.token,
        )
        .json(&json!({"kind": "text", "title": "Next steps", "content": "Plan."}))
        .send()
        .await
        .unwrap();
    let added = json_of(res, 201).await["id"].as_i64().unwrap();
    let p = progress(&app, course.id, &member).await;
    let lessons = lessons_of(&p);
    assert_eq!(lessons.len(), 4, "{p}");
    assert_eq!(lessons[0], (course.lessons[0], "Why organise".to_owned()));
    assert_eq!(lessons[3], (added, "Next steps".to_owned()));
    // The owner reads the same through the learner's path.
    let path = format!("/api/v1/courses/{}/progress/{}", course.id, member.id);
    let theirs = json_of(send(&app, Method::GET, &path, &trainer).await, 200).await;
    assert_eq!(lessons_of(&theirs), lessons);
}
