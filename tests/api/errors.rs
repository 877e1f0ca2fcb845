//! Every error answer is problem+json with a stable code, whatever produced it.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, test, web};
use bayanihan::db::Db;
use bayanihan::error::ApiError;
use bayanihan::http::resource;
use bayanihan::startup::{MAX_JSON_BYTES, app};
use diesel::RunQueryDsl;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::helpers::{TestDatabase, assert_problem, spawn_app};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "the fields exist to be parsed")]
struct Echo {
    name: String,
    count: u32,
}

async fn echo(body: web::Json<Echo>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"name": body.name}))
}

async fn panics() -> HttpResponse {
    panic!("a bug in a handler");
}

async fn bad_sql(db: web::Data<Db>) -> Result<HttpResponse, ApiError> {
    db.read(|conn| {
        diesel::sql_query("SELECT * FROM no_such_table WHERE secret = 'hunter2'").execute(conn)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().finish())
}

async fn organisations(db: web::Data<Db>) -> Result<HttpResponse, ApiError> {
    let n = db
        .read(|conn| Ok(bayanihan::organisations::repo::count(conn)?))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "count": n })))
}

/// The real application, plus a few routes that fail on purpose.
macro_rules! test_app {
    ($db:expr) => {
        test::init_service(
            app(bayanihan::state::AppState::with_defaults($db).unwrap())
                .service(resource("/test/echo").post(echo))
                .service(resource("/test/panic").get(panics))
                .service(resource("/test/bad-sql").get(bad_sql))
                .service(resource("/test/count").get(organisations)),
        )
        .await
    };
}

async fn problem_of<B: actix_web::body::MessageBody>(
    res: actix_web::dev::ServiceResponse<B>,
) -> (StatusCode, Value) {
    let status = res.status();
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/problem+json",
        "status {status}"
    );
    let body: Value = test::read_body_json(res).await;
    (status, body)
}

fn migrated_db() -> (TestDatabase, Db) {
    let database = TestDatabase::create();
    let db = database.connect(2, Duration::from_secs(5));
    db.migrate().unwrap();
    (database, db)
}

#[actix_web::test]
async fn json_bodies_that_cannot_be_read_get_400_413_415() {
    let (_guard, db) = migrated_db();
    let app = test_app!(db);
    let cases: Vec<(test::TestRequest, u16, &str)> = vec![
        (
            test::TestRequest::post()
                .uri("/test/echo")
                .insert_header(("content-type", "application/json"))
                .set_payload("{\"name\": "),
            400,
            "malformed_json",
        ),
        (
            test::TestRequest::post()
                .uri("/test/echo")
                .set_json(json!({"name": "a", "count": 1, "role": "admin"})),
            400,
            "unknown_field",
        ),
        (
            test::TestRequest::post()
                .uri("/test/echo")
                .set_json(json!({"name": "a", "count": "many"})),
            400,
            "invalid_body",
        ),
        (
            test::TestRequest::post()
                .uri("/test/echo")
                .set_json(json!({"name": "a"})),
            400,
            "invalid_body",
        ),
        (
            test::TestRequest::post()
                .uri("/test/echo")
                .insert_header(("content-type", "text/plain"))
                .set_payload("name=a"),
            415,
            "unsupported_media_type",
        ),
        (
            test::TestRequest::post()
                .uri("/test/echo")
                .insert_header(("content-type", "application/json"))
                .set_payload(format!(
                    "{{\"name\": \"{}\", \"count\": 1}}",
                    "x".repeat(MAX_JSON_BYTES)
                )),
            413,
            "payload_too_large",
        ),
    ];
    for (req, status, code) in cases {
        let res = test::call_service(&app, req.to_request()).await;
        let (got, body) = problem_of(res).await;
        assert_eq!(got.as_u16(), status, "{body}");
        assert_eq!(body["code"], code, "{body}");
    }
    let ok = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/test/echo")
            .set_json(json!({"name": "a", "count": 2}))
            .to_request(),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_panic_answers_500_with_only_the_request_id() {
    let (_guard, db) = migrated_db();
    let app = test_app!(db);
    let req = test::TestRequest::get()
        .uri("/test/panic")
        .insert_header(("x-request-id", "req-panic-1"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.headers().get("x-request-id").unwrap(), "req-panic-1");
    let (status, body) = problem_of(res).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["code"], "internal_error");
    assert_eq!(body["request_id"], "req-panic-1");
    assert!(!body.to_string().contains("a bug in a handler"), "{body}");
    // The worker survives.
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/health/live").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_unexpected_database_error_is_an_opaque_500() {
    let (_guard, db) = migrated_db();
    let app = test_app!(db);
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/test/bad-sql").to_request(),
    )
    .await;
    let request_id = res
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = problem_of(res).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["request_id"], request_id.as_str());
    let text = body.to_string();
    assert!(
        !text.contains("no_such_table") && !text.contains("hunter2"),
        "{text}"
    );
}

#[actix_web::test]
async fn an_exhausted_pool_answers_503_with_retry_after() {
    let database = TestDatabase::create();
    let db = database.connect(1, Duration::from_millis(200));
    db.migrate().unwrap();
    let app = test_app!(db.clone());
    let held = db.conn().unwrap();
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/test/count").to_request(),
    )
    .await;
    assert!(res.headers().get("retry-after").is_some());
    let (status, body) = problem_of(res).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "service_unavailable");
    drop(held);
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/test/count").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn readiness_is_503_until_the_database_is_migrated() {
    let database = TestDatabase::create_unmigrated();
    let db = database.connect(2, Duration::from_secs(5));
    let app = test_app!(db.clone());
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/health/ready").to_request(),
    )
    .await;
    let (status, _) = problem_of(res).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    db.migrate().unwrap();
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/health/ready").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_are_problems() {
    let app = spawn_app().await;
    assert_problem(app.get("/api/v1/nothing-here").await, 404, "not_found").await;
    assert_problem(app.get("/").await, 404, "not_found").await;
    let res = app
        .client
        .delete(app.url("/api/v1/organisations/1/children"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("allow").unwrap(), "GET, HEAD");
    assert_problem(res, 405, "method_not_allowed").await;
    let res = app
        .client
        .post(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_problem(res, 405, "method_not_allowed").await;
}
