//! Open Badges 3.0 through HTTP: every certificate is a VC-JWT that a real JWT library
//! verifies with the published JWK, and the verification endpoint refuses, with the reason,
//! a badge whose signature or issuer does not verify or whose certificate was revoked.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use reqwest::Method;
use serde_json::{Value, json};

use crate::assignments::running_cohort;
use crate::cohorts::{ok_json, send};
use crate::helpers::{TestApp, assert_problem, spawn_app};
use crate::learning::{Spec, complete, enrol, make_course};

const ISSUER: &str = "http://api.test/api/v1/badges/issuer";

async fn verify(app: &TestApp, jwt: &str) -> reqwest::Response {
    app.post_json("/api/v1/badges/verify", &json!({"jwt": jwt}))
        .await
}

/// The reason a badge is refused.
async fn refused(app: &TestApp, jwt: &str) -> String {
    let problem = assert_problem(verify(app, jwt).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "jwt");
    problem["errors"][0]["code"].as_str().unwrap().to_owned()
}

/// The badge of the certificate with `code`: (jwt, credential).
async fn badge(app: &TestApp, code: &str) -> (String, Value) {
    let (status, body) = app
        .get_json(&format!("/api/v1/certificates/{code}/badge"))
        .await;
    assert_eq!(status, 200, "{body}");
    (
        body["jwt"].as_str().unwrap().to_owned(),
        body["credential"].clone(),
    )
}

/// Verifies `jwt` as a third party would: the JWK set, then jsonwebtoken.
async fn verify_with_library(
    app: &TestApp,
    jwt: &str,
) -> Result<Value, jsonwebtoken::errors::Error> {
    let (status, jwks) = app.get_json("/api/v1/badges/jwks.json").await;
    assert_eq!(status, 200);
    let jwks: JwkSet = serde_json::from_value(jwks).unwrap();
    let header = jsonwebtoken::decode_header(jwt)?;
    assert_eq!(header.alg, Algorithm::EdDSA);
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("the kid is published");
    let key = DecodingKey::from_jwk(jwk)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.validate_exp = false;
    validation.required_spec_claims = ["iss", "nbf", "jti", "sub"].map(str::to_owned).into();
    validation.set_issuer(&[ISSUER]);
    Ok(jsonwebtoken::decode::<Value>(jwt, &key, &validation)?.claims)
}

/// `jwt` with its payload replaced by `claims` (the signature kept).
fn with_payload(jwt: &str, claims: &Value) -> String {
    let parts: Vec<&str> = jwt.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// Signs `claims` with the Ed25519 key in PKCS#8 `der`, naming `kid`.
fn signed(der: &[u8], kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(der)).unwrap()
}

#[tokio::test]
async fn a_course_certificate_is_a_badge_that_verifies_with_any_jwt_library() {
    let app = spawn_app().await;
    let member = app.user("member").await;
    let course = make_course(
        &app,
        Spec {
            modules: &[&[true]],
            ..Spec::default()
        },
    );
    enrol(&app, course.id, &member).await;
    let done = ok_json(complete(&app, course.lessons[0], &member).await, 201).await;
    let code = done["certificate"]["code"].as_str().unwrap().to_owned();
    assert_eq!(
        done["certificate"]["badge_url"],
        format!("http://api.test/api/v1/certificates/{code}/badge")
    );

    let (jwt, credential) = badge(&app, &code).await;
    let claims = verify_with_library(&app, &jwt)
        .await
        .expect("the badge verifies");
    assert_eq!(claims, credential);
    assert_eq!(
        claims["type"],
        json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    assert_eq!(
        claims["@context"][0],
        "https://www.w3.org/ns/credentials/v2"
    );
    assert!(
        claims["@context"][1]
            .as_str()
            .unwrap()
            .contains("/ob/v3p0/")
    );
    assert_eq!(claims["issuer"]["id"], ISSUER);
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(
        claims["jti"],
        format!("http://api.test/api/v1/certificates/{code}")
    );
    assert_eq!(claims["id"], claims["jti"]);
    assert_eq!(claims["sub"], claims["credentialSubject"]["id"]);
    assert_eq!(
        claims["credentialSubject"]["achievement"]["name"],
        "Organising platform workers"
    );
    assert_eq!(
        claims["credentialSubject"]["achievement"]["id"],
        format!("http://api.test/api/v1/courses/{}", course.id)
    );
    assert_eq!(
        claims["credentialSubject"]["identifier"][0]["identityHash"],
        "Test member"
    );
    assert!(claims["validFrom"].as_str().unwrap().ends_with('Z'));
    // The issuer profile lives at its id; the key in the JWK set is an Ed25519 OKP key.
    let (_, issuer) = app.get_json("/api/v1/badges/issuer").await;
    assert_eq!(issuer["id"], ISSUER);
    let (_, jwks) = app.get_json("/api/v1/badges/jwks.json").await;
    assert_eq!(jwks["keys"][0]["kty"], "OKP");
    assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
    let kid = jwks["keys"][0]["kid"].as_str().unwrap().to_owned();
    // A second instance over the same configuration publishes the same key.
    let second = app.second_instance();
    let other: Value = app
        .client
        .get(format!("{second}/api/v1/badges/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(other, jwks);

    // The verification endpoint accepts it...
    let ok = ok_json(verify(&app, &jwt).await, 200).await;
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["certificate_code"], code);
    // ...and refuses, with the reason, what does not verify.
    let mut altered = claims.clone();
    altered["credentialSubject"]["achievement"]["name"] = json!("Something else");
    let tampered = with_payload(&jwt, &altered);
    assert!(verify_with_library(&app, &tampered).await.is_err());
    assert_eq!(refused(&app, &tampered).await, "signature_invalid");
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let stranger_der = {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        stranger.to_pkcs8_der().unwrap().as_bytes().to_vec()
    };
    assert_eq!(
        refused(&app, &signed(&stranger_der, &kid, &claims)).await,
        "signature_invalid"
    );
    assert_eq!(
        refused(&app, &signed(&stranger_der, "another-key", &claims)).await,
        "unknown_key"
    );
    // Signed with the issuer's own key but naming another issuer.
    let own_der = {
        use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
        let pem = std::fs::read_to_string(app.data_dir.path().join("badge-key.pem")).unwrap();
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(&pem).unwrap();
        key.to_pkcs8_der().unwrap().as_bytes().to_vec()
    };
    // Re-signed as it is with that key, it verifies: the key in the data folder is the one.
    ok_json(verify(&app, &signed(&own_der, &kid, &claims)).await, 200).await;
    let mut elsewhere = claims.clone();
    elsewhere["iss"] = json!("https://evil.example/issuer");
    assert_eq!(
        refused(&app, &signed(&own_der, &kid, &elsewhere)).await,
        "issuer_invalid"
    );
    let mut profile = claims.clone();
    profile["issuer"]["id"] = json!("https://evil.example/issuer");
    assert_eq!(
        refused(&app, &signed(&own_der, &kid, &profile)).await,
        "issuer_invalid"
    );
    let mut unknown = claims.clone();
    unknown["jti"] = json!("http://api.test/api/v1/certificates/nosuchcode");
    assert_eq!(
        refused(&app, &signed(&own_der, &kid, &unknown)).await,
        "unknown_certificate"
    );
    assert_eq!(refused(&app, "not.a.jwt").await, "malformed_badge");
    assert_eq!(refused(&app, "").await, "malformed_badge");
    let res = app
        .post_json(
            "/api/v1/badges/verify",
            &json!({"jwt": jwt, "trust_me": true}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 400);

    // Once the certificate is revoked, its badge is refused with the reason.
    let coordinator = app.user("coordinator").await;
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/certificates/{code}/revoke"),
        &coordinator.token,
        Some(json!({"reason": "Issued in error"})),
    )
    .await;
    ok_json(res, 200).await;
    let problem = assert_problem(verify(&app, &jwt).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "revoked");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Issued in error")
    );
    assert_problem(
        app.get("/api/v1/certificates/nosuchcode/badge").await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_cohort_certificate_is_a_badge_too() {
    let app = spawn_app().await;
    let c = running_cohort(&app, "tot", &[], 1).await;
    let lax = json!({"min_attendance_percent": 0, "all_assignments_passed": false, "all_courses_completed": false});
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/cohorts/{}/completion-rules", c.id),
        &c.coordinator.token,
        Some(lax),
    )
    .await;
    ok_json(res, 201).await;
    let done = ok_json(
        send(
            &app,
            Method::POST,
            &format!("/api/v1/cohorts/{}/certificates", c.id),
            &c.coordinator.token,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(done["issued"][0]["certified_trainer"], true);
    let code = done["issued"][0]["certificate_code"].as_str().unwrap();
    let (jwt, _) = badge(&app, code).await;
    let claims = verify_with_library(&app, &jwt)
        .await
        .expect("the badge verifies");
    assert_eq!(
        claims["credentialSubject"]["achievement"]["id"],
        format!("http://api.test/api/v1/cohorts/{}", c.id)
    );
    assert_eq!(claims["name"], "Training of e-trainers, Asia-Pacific 2027");
    assert_eq!(ok_json(verify(&app, &jwt).await, 200).await["valid"], true);
}
