//! Request ids, security headers, compression, CORS, health, metrics, docs.

use crate::helpers::{Options, spawn_app, spawn_app_with};

#[tokio::test]
async fn request_id_is_echoed_or_generated() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/health/live"))
        .header("X-Request-Id", "mobile-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("x-request-id").unwrap(), "mobile-42");

    let a = app
        .get("/health/live")
        .await
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let b = app
        .get("/health/live")
        .await
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!a.is_empty() && a != b, "each request gets its own id");

    // An id that could forge a log line is replaced.
    let res = app
        .client
        .get(app.url("/health/live"))
        .header("X-Request-Id", "a b\"c")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers().get("x-request-id").unwrap(), "a b\"c");
    // Errors carry it too.
    let res = app
        .client
        .get(app.url("/nope"))
        .header("X-Request-Id", "err-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("x-request-id").unwrap(), "err-1");
}

#[tokio::test]
async fn security_headers_are_on_every_answer() {
    let app = spawn_app().await;
    for path in ["/health/live", "/api/v1/organisations", "/nope"] {
        let res = app.get(path).await;
        let h = res.headers();
        assert_eq!(
            h.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer", "{path}");
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{path}");
    }
}

#[tokio::test]
async fn answers_are_gzipped_when_the_client_accepts_it() {
    let app = spawn_app().await;
    app.seed_demo();
    let res = app
        .client
        .get(app.url("/api/v1/organisations?limit=100"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers().get("content-encoding").unwrap(), "gzip");
    let res = app
        .client
        .get(app.url("/api/v1/organisations?limit=100"))
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let app = spawn_app_with(Options {
        cors_origins: vec!["https://learn.example.org".to_owned()],
        ..Options::default()
    })
    .await;
    let res = app
        .client
        .get(app.url("/api/v1/organisations"))
        .header("Origin", "https://learn.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers().get("access-control-allow-origin").unwrap(),
        "https://learn.example.org"
    );

    let res = app
        .client
        .get(app.url("/api/v1/organisations"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());

    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/organisations"))
        .header("Origin", "https://learn.example.org")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://learn.example.org"
    );

    // Without configured origins, no origin is allowed.
    let closed = spawn_app().await;
    let res = closed
        .client
        .get(closed.url("/api/v1/organisations"))
        .header("Origin", "https://learn.example.org")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn health_endpoints_answer() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/health/live").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = app.get_json("/health/ready").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_method_and_status() {
    let app = spawn_app().await;
    let id = app.insert_org(
        "Mongolian Confederation",
        Some("CMTU"),
        "MN",
        bayanihan::organisations::model::OrganisationKind::NationalCentre,
        None,
    );
    app.get(&format!("/api/v1/organisations/{id}")).await;
    app.get("/api/v1/organisations/424242").await;
    let res = app.get("/metrics").await;
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = res.text().await.unwrap();
    assert!(
        text.contains(
            r#"http_requests_total{method="GET",route="/api/v1/organisations/{id}",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(
        r#"http_requests_total{method="GET",route="/api/v1/organisations/{id}",status="404"} 1"#
    ));
    assert!(text.contains(r#"http_request_duration_seconds_bucket{method="GET",route="/api/v1/organisations/{id}",status="200",le="0.005"}"#));
}

#[tokio::test]
async fn docs_page_is_served_without_the_internet() {
    let app = spawn_app().await;
    let res = app.get("/docs/").await;
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // Every script and stylesheet the page loads comes from this server.
    for attr in ["src=\"http", "href=\"http", "src='http", "href='http"] {
        assert!(
            !html.contains(attr),
            "external asset in the docs page: {html}"
        );
    }
    let res = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(res.status().as_u16(), 200);
    let res = app.get("/docs/swagger-initializer.js").await;
    let init = res.text().await.unwrap();
    assert!(init.contains("/api-docs/openapi.json"), "{init}");
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/docs"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("location").unwrap(), "/docs/");
}
