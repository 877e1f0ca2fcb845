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

/// The number of series in a metrics body (lines that are not comments).
fn series(text: &str) -> usize {
    text.lines().filter(|l| !l.starts_with('#')).count()
}

#[tokio::test]
async fn invented_methods_and_paths_do_not_grow_the_metrics() {
    let app = spawn_app().await;
    let invented = |i: usize| reqwest::Method::from_bytes(format!("INVENT{i}").as_bytes()).unwrap();
    // One of each kind first, and two reads, so every series that will exist exists.
    for path in ["/health/live", "/no-such-path-0"] {
        let res = app
            .client
            .request(invented(0), app.url(path))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error());
    }
    app.get("/metrics").await;
    let before = app.get("/metrics").await.text().await.unwrap();
    for i in 1..=50 {
        for path in ["/health/live".to_owned(), format!("/no-such-path-{i}")] {
            let res = app
                .client
                .request(invented(i), app.url(&path))
                .send()
                .await
                .unwrap();
            assert!(res.status().is_client_error(), "{path}");
        }
    }
    let after = app.get("/metrics").await.text().await.unwrap();
    assert_eq!(series(&after), series(&before), "{after}");
    assert!(!after.contains("INVENT"), "{after}");
    assert!(!after.contains("no-such-path"), "{after}");
    assert!(
        after.contains(
            r#"http_requests_total{method="other",route="/health/live",status="405"} 51"#
        ),
        "{after}"
    );
    assert!(
        after.contains(r#"http_requests_total{method="other",route="unmatched",status="404"} 51"#),
        "{after}"
    );
}

#[actix_web::test]
async fn metrics_are_only_for_this_machine() {
    use actix_web::test::{TestRequest, call_service, init_service};
    let database = crate::helpers::TestDatabase::create();
    let db = database.connect(2, std::time::Duration::from_secs(5));
    db.migrate().unwrap();
    let app = init_service(bayanihan::startup::app(
        bayanihan::state::AppState::with_defaults(db).unwrap(),
    ))
    .await;
    let get = |peer: &str| {
        TestRequest::get()
            .uri("/metrics")
            .peer_addr(peer.parse().unwrap())
    };
    let res = call_service(&app, get("127.0.0.1:40000").to_request()).await;
    assert_eq!(res.status().as_u16(), 200);
    let res = call_service(&app, get("[::1]:40000").to_request()).await;
    assert_eq!(res.status().as_u16(), 200);
    for outside in ["203.0.113.9:40000", "10.1.2.3:40000", "[2001:db8::1]:40000"] {
        let res = call_service(&app, get(outside).to_request()).await;
        assert_eq!(res.status().as_u16(), 404, "{outside}");
        assert_eq!(
            res.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
    }
    // A reverse proxy on this machine connects from loopback, but says whom it forwards.
    let res = call_service(
        &app,
        get("127.0.0.1:40000")
            .insert_header(("X-Forwarded-For", "203.0.113.9"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 404);
}

#[tokio::test]
async fn metrics_have_their_own_address_when_configured() {
    let app = spawn_app_with(Options {
        metrics_bind: Some("127.0.0.1:0".to_owned()),
        ..Options::default()
    })
    .await;
    app.get("/health/live").await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status().as_u16(), 404, "not on the main address");
    let metrics = app.metrics_address.as_deref().expect("a metrics listener");
    let res = app
        .client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/health/live",status="200"} 1"#),
        "{text}"
    );
    let res = app
        .client
        .get(format!("{metrics}/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404, "nothing else is served there");
}
