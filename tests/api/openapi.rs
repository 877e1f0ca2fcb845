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

#[test]
fn every_language_parameter_documents_the_tag_shape_the_server_accepts() {
    // A generated `lang` the document allows but the server refuses would be a 400 for
    // valid input; one documented pattern, which `LanguageTag::parse` accepts whole.
    let doc: Value = serde_json::from_str(&bayanihan::openapi::document_json().unwrap()).unwrap();
    let mut seen = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                let (name, place) = (param["name"].as_str(), param["in"].as_str());
                if matches!(
                    (name, place),
                    (Some("lang"), Some("query")) | (Some("language"), Some("path"))
                ) {
                    seen += 1;
                    assert_eq!(
                        param["schema"]["pattern"].as_str(),
                        Some(bayanihan::types::LANGUAGE_TAG_PATTERN),
                        "{method} {path}: `{}` documents no or another pattern",
                        name.unwrap()
                    );
                }
            }
        }
    }
    assert!(seen > 10, "only {seen} language parameters found");
}

#[test]
fn every_checked_query_parameter_documents_its_shape() {
    // A string the document allows but the server refuses is a 400 for valid input. Free
    // text is any string (`q`: too long is the only refusal, and `maxLength` says it; a
    // `tag` no thread can carry lists nothing); `cursor` is opaque, handed out by lists;
    // every other string parameter states its shape (pattern, enum or format).
    const FREE: [&str; 3] = ["q", "tag", "cursor"];
    let doc: Value = serde_json::from_str(&bayanihan::openapi::document_json().unwrap()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().unwrap();
                let schema = &param["schema"];
                if param["in"] != "query" || FREE.contains(&name) || schema["type"] != "string" {
                    continue;
                }
                assert!(
                    ["pattern", "enum", "format"]
                        .iter()
                        .any(|k| schema.get(k).is_some()),
                    "{method} {path}: query `{name}` has no documented shape"
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

/// Formats whose grammar bounds a string's length, so that no `maxLength` is needed:
/// RFC 3339 timestamps and dates (chrono reads them in one linear pass and refuses
/// anything longer than the grammar allows).
const BOUNDED_FORMATS: &[&str] = &["date-time", "date"];

/// What a walk over request bodies found.
#[derive(Default)]
struct BodyWalk {
    /// `METHOD path: Schema.field[]…` of every string or array with no stated maximum.
    unbounded: Vec<String>,
    /// How many strings and arrays were looked at.
    checked: usize,
}

impl BodyWalk {
    /// Walks every operation's request body, following `$ref`s (each once per branch),
    /// `allOf`/`oneOf`/`anyOf`, object properties, maps and array items.
    fn of(doc: &Value) -> Self {
        let mut walk = Self::default();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(content) = op["requestBody"]["content"].as_object() else {
                    continue;
                };
                for media in content.values() {
                    let at = format!("{} {path}: ", method.to_uppercase());
                    walk.schema(doc, &media["schema"], at, &mut Vec::new());
                }
            }
        }
        walk
    }

    fn schema(&mut self, doc: &Value, schema: &Value, at: String, refs: &mut Vec<String>) {
        if let Some(target) = schema["$ref"].as_str() {
            let name = target
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{at}: unexpected $ref {target}"));
            if refs.iter().any(|r| r == name) {
                return;
            }
            let resolved = &doc["components"]["schemas"][name];
            assert!(
                resolved.is_object(),
                "{at}: $ref to a missing schema {name}"
            );
            refs.push(name.to_owned());
            let at = if at.ends_with(' ') {
                format!("{at}{name}")
            } else {
                format!("{at}.{name}")
            };
            self.schema(doc, resolved, at, refs);
            refs.pop();
            return;
        }
        for combinator in ["allOf", "oneOf", "anyOf"] {
            for branch in schema[combinator].as_array().into_iter().flatten() {
                self.schema(doc, branch, at.clone(), refs);
            }
        }
        let types: Vec<&str> = match &schema["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.contains(&"string") {
            self.checked += 1;
            let bounded = schema.get("maxLength").is_some()
                || schema.get("enum").is_some()
                || schema.get("const").is_some()
                || schema["format"]
                    .as_str()
                    .is_some_and(|f| BOUNDED_FORMATS.contains(&f));
            if !bounded {
                self.unbounded
                    .push(format!("{at} (string without maxLength)"));
            }
        }
        if types.contains(&"array") {
            self.checked += 1;
            if schema.get("maxItems").is_none() {
                self.unbounded
                    .push(format!("{at} (array without maxItems)"));
            }
            if schema["items"].is_object() {
                self.schema(doc, &schema["items"], format!("{at}[]"), refs);
            }
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (name, property) in properties {
                self.schema(doc, property, format!("{at}.{name}"), refs);
            }
        }
        if schema["additionalProperties"].is_object() {
            self.checked += 1;
            if schema.get("maxProperties").is_none() {
                self.unbounded
                    .push(format!("{at} (map without maxProperties)"));
            }
            self.schema(
                doc,
                &schema["additionalProperties"],
                format!("{at}.*"),
                refs,
            );
        }
    }
}

/// Issue 10, item 1: a body can hold only so much work. Every string in every request body
/// states its longest (`maxLength`, or an `enum` or a bounded `format`), every list its
/// most items, so that clients know the limits the server enforces (each limit's number is
/// tied to the constant the code checks by the unit tests beside the DTOs).
#[test]
fn every_string_and_list_in_a_request_body_has_a_documented_maximum() {
    let doc: Value = serde_json::from_str(&bayanihan::openapi::document_json().unwrap()).unwrap();
    let walk = BodyWalk::of(&doc);
    assert!(walk.checked > 100, "only {} fields walked", walk.checked);
    assert!(
        walk.unbounded.is_empty(),
        "request body fields without a documented maximum:\n{}",
        walk.unbounded.join("\n")
    );
}

/// The walk itself finds what it must: through `$ref`s, nullable types, arrays' items,
/// combinators and maps.
#[test]
fn the_body_walk_finds_unbounded_fields() {
    let doc = serde_json::json!({
        "paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/X"}}}}}}},
        "components": {"schemas": {
            "X": {"type": "object", "properties": {
                "ok": {"type": "string", "maxLength": 3},
                "at": {"type": "string", "format": "date-time"},
                "kind": {"type": "string", "enum": ["a"]},
                "name": {"type": ["string", "null"]},
                "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
                "ids": {"type": "array", "items": {"type": "integer"}},
                "map": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 1}},
                "either": {"oneOf": [{"$ref": "#/components/schemas/Y"}, {"type": "null"}]},
                "self": {"$ref": "#/components/schemas/X"}
            }},
            "Y": {"type": "object", "properties": {"note": {"type": "string"}}}
        }}
    });
    let mut found = BodyWalk::of(&doc).unbounded;
    found.sort();
    assert_eq!(
        found,
        vec![
            "POST /x: X.either.Y.note (string without maxLength)",
            "POST /x: X.ids (array without maxItems)",
            "POST /x: X.map (map without maxProperties)",
            "POST /x: X.name (string without maxLength)",
            "POST /x: X.tags[] (string without maxLength)",
        ]
    );
}
