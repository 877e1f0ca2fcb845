//! The committed API document is what the code generates and the server serves.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn committed_api_document_is_current() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/api-docs/openapi.json"
    ))
    .expect("api-docs/openapi.json exists");
    let generated = bayanihan::openapi::document_json();
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
    let doc: Value = serde_json::from_str(&bayanihan::openapi::document_json()).unwrap();
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
