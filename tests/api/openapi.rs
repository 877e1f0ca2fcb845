//! The committed API document is what the code generates and the server serves, and it
//! documents exactly the operations the server routes.

use std::collections::BTreeSet;
use std::time::Duration;

use actix_web::http::Method;
use actix_web::test::{TestRequest, call_service, init_service};
use bayanihan::http::record_routes;
use bayanihan::startup::app;
use bayanihan::state::AppState;
use serde_json::Value;

use crate::helpers::{TestDatabase, spawn_app};

#[tokio::test]
async fn committed_api_document_is_current() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/api-docs/openapi.json"
    ))
    .expect("api-docs/openapi.json exists");
    let generated = bayanihan::openapi::document_json().unwrap();
    assert!(
        committed == generated,
        "api-docs/openapi.json is stale; regenerate it with `cargo run -- openapi > api-docs/openapi.json`"
    );

    let app = spawn_app().await;
    let (status, served) = app.get_json("/api-docs/openapi.json").await;
    assert_eq!(status, 200);
    let committed: Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(
        served, committed,
        "the server serves the committed document"
    );
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[test]
fn every_operation_is_named_and_documents_its_errors() {
    let doc: Value = serde_json::from_str(&bayanihan::openapi::document_json().unwrap()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/organisations"));
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{id}"
            );
            for status in ["400", "500", "503"] {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{method} {path} does not document {status}"
                );
            }
        }
    }
}

/// The scope every API route lives in; the app's only scope.
const API_SCOPE: &str = "/api/v1";

/// `path` with each `{parameter}` replaced by `1`, a value every parameter accepts.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => in_parameter = true,
            '}' => {
                in_parameter = false;
                out.push('1');
            }
            _ if in_parameter => {}
            _ => out.push(c),
        }
    }
    out
}

/// Routes registered outside `http::resource` (so not recorded, and not in the document):
/// `/docs`, `/docs/{_:.*}` and `/api-docs/openapi.json` are Swagger UI and the document
/// itself, served by utoipa-swagger-ui; they describe the API rather than belong to it.
#[actix_web::test]
async fn every_route_is_documented_and_every_documented_operation_is_routed() {
    let database = TestDatabase::create();
    let db = database.connect(1, Duration::from_secs(5));
    let (service, registered) =
        record_routes(init_service(app(AppState::with_defaults(db).unwrap()))).await;
    assert!(registered.len() > 50, "{registered:?}");

    let mut routed = BTreeSet::new();
    for route in &registered {
        let path = if route.at_root {
            route.path.clone()
        } else {
            format!("{API_SCOPE}{}", route.path)
        };
        // The real app must answer an unserved method on that path with 405 and exactly
        // the recorded methods: proof that the path (and its scope) is what is served.
        let req = TestRequest::default()
            .method(Method::TRACE)
            .uri(&concrete(&path))
            .to_request();
        let res = call_service(&service, req).await;
        assert_eq!(res.status(), 405, "TRACE {path}");
        let allow = res.headers().get("allow").unwrap().to_str().unwrap();
        assert_eq!(allow, route.methods.join(", "), "{path}");
        for method in &route.methods {
            // HEAD comes with every GET and is not documented on its own.
            if *method != "HEAD" {
                routed.insert((path.clone(), method.to_lowercase()));
            }
        }
    }

    let doc: Value = serde_json::from_str(&bayanihan::openapi::document_json().unwrap()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((path.clone(), method.clone()));
        }
    }

    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "routed but not in the OpenAPI document: {undocumented:?}\n\
         in the OpenAPI document but not routed: {unrouted:?}"
    );
}
