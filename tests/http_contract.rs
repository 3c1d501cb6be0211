//! The contract around every operation: tokens, headers, correlation ids, error bodies, and
//! bad input or a sick database never turning into a 500.

use axum::http::{Method, StatusCode};
use customers_tests::app::TestApp;
use customers_tests::checks::{assert_error, list_of};
use customers_tests::issuer;
use serde_json::json;

async fn with_token(app: &TestApp, token: &str) -> customers_tests::app::TestResponse {
    let auth = format!("Bearer {token}");
    app.call(Method::GET, "/profiles/999999999999", None, &[("authorization", &auth)])
        .await
}

#[tokio::test]
async fn missing_or_invalid_tokens_answer_401() {
    let app = TestApp::profiles().await;
    let none = app
        .call(Method::GET, "/profiles/999999999999", None, &[("authorization", "")])
        .await;
    assert_error(&none, StatusCode::UNAUTHORIZED, 700, "no token");
    let basic = app
        .call(
            Method::GET,
            "/profiles/999999999999",
            None,
            &[("authorization", "Basic dXNlcjpwdw==")],
        )
        .await;
    assert_error(&basic, StatusCode::UNAUTHORIZED, 700, "basic authentication");
    let org = json!({ issuer::ORGANISATION_CLAIM: app.org });
    let cases = [
        ("garbage", "not.a.jwt".to_string()),
        ("expired", issuer::token(app.org, -120).unwrap_or_default()),
        (
            "other issuer",
            issuer::token_with(
                json!({"iss": "https://evil.example/", issuer::ORGANISATION_CLAIM: app.org}),
                600,
            )
            .unwrap_or_default(),
        ),
        (
            "other audience",
            issuer::token_with(
                json!({"aud": "https://other.api", issuer::ORGANISATION_CLAIM: app.org}),
                600,
            )
            .unwrap_or_default(),
        ),
        (
            "no exp",
            issuer::token_with(json!({"exp": null, issuer::ORGANISATION_CLAIM: app.org}), 600).unwrap_or_default(),
        ),
        (
            "not yet valid",
            issuer::token_with(
                json!({"nbf": chrono::Utc::now().timestamp() + 3600, issuer::ORGANISATION_CLAIM: app.org}),
                7200,
            )
            .unwrap_or_default(),
        ),
    ];
    for (why, token) in cases {
        let r = with_token(&app, &token).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, 700, why);
    }
    // A tampered signature.
    let good = issuer::token_with(org.clone(), 600).unwrap_or_default();
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    if let Some(sig) = parts.get_mut(2) {
        let flipped = if sig.starts_with('A') { "B" } else { "A" };
        sig.replace_range(0..1, flipped);
    }
    assert_error(
        &with_token(&app, &parts.join(".")).await,
        StatusCode::UNAUTHORIZED,
        700,
        "a tampered signature",
    );
    // HS256 with the public key as the secret (the classic algorithm confusion) is refused.
    let jwks = serde_json::to_vec(&issuer::jwks().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_default();
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({"iss": issuer::ISSUER, "aud": issuer::AUDIENCE, "exp": chrono::Utc::now().timestamp() + 600, issuer::ORGANISATION_CLAIM: app.org}),
        &jsonwebtoken::EncodingKey::from_secret(&jwks),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_error(
        &with_token(&app, &forged).await,
        StatusCode::UNAUTHORIZED,
        700,
        "HS256 with the public key",
    );
    // A valid token works: it reaches the function, which answers for the missing profile.
    assert_error(
        &with_token(&app, &good).await,
        StatusCode::NOT_FOUND,
        704,
        "a valid token",
    );
}

#[tokio::test]
async fn a_token_without_an_organisation_is_forbidden() {
    let app = TestApp::profiles().await;
    let token = issuer::token_with(json!({"sub": "someone"}), 600).unwrap_or_default();
    let r = with_token(&app, &token).await;
    assert_error(&r, StatusCode::FORBIDDEN, 701, "no organisation");
    assert!(r.body["message"].as_str().unwrap_or("").contains("organisationID"));
    let token = issuer::token_with(json!({ issuer::ORGANISATION_CLAIM: "12" }), 600).unwrap_or_default();
    assert_error(
        &with_token(&app, &token).await,
        StatusCode::NOT_FOUND,
        704,
        "a numeric string names organisation 12",
    );
}

#[tokio::test]
async fn et_client_name_is_required() {
    let app = TestApp::profiles().await;
    let r = app
        .call(Method::GET, "/profiles/999999999999", None, &[("et-client-name", "")])
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, 608, "no ET-Client-Name");
    assert!(r.body["message"].as_str().unwrap_or("").contains("ET-Client-Name"));
    let long = "x".repeat(101);
    let r = app
        .call(
            Method::GET,
            "/profiles/999999999999",
            None,
            &[("et-client-name", &long)],
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, 608, "a long ET-Client-Name");
    assert!(
        r.body["message"].as_str().unwrap_or("").contains("ET-Client-Name"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn correlation_ids_are_echoed_or_generated_on_every_answer() {
    let app = TestApp::profiles().await;
    let mine = "order-4711-trace";
    let ok = app
        .call(
            Method::POST,
            "/profiles",
            Some(app.new_profile(None)),
            &[("x-correlation-id", mine)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.header("x-correlation-id"), Some(mine));
    let read = app
        .call(
            Method::GET,
            &format!("/profiles/{}", ok.body["customerNumber"]),
            None,
            &[("x-correlation-id", mine)],
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body, ok.body);
    assert_eq!(read.header("x-correlation-id"), Some(mine));
    let err = app
        .call(Method::GET, "/profiles/abc", None, &[("x-correlation-id", mine)])
        .await;
    assert_error(
        &err,
        StatusCode::BAD_REQUEST,
        603,
        "a customer number that is not a number",
    );
    assert_eq!(err.body["correlationId"], mine);
    let generated = app.get("/profiles/999999999999").await;
    assert_error(&generated, StatusCode::NOT_FOUND, 704, "a missing profile");
    let id = generated.header("x-correlation-id").unwrap_or("");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert_eq!(generated.body["correlationId"], id);
    assert_eq!(generated.body["path"], "/profiles/999999999999");
    let unauthenticated = app
        .call(Method::GET, "/profiles/999999999999", None, &[("authorization", "")])
        .await;
    assert_error(&unauthenticated, StatusCode::UNAUTHORIZED, 700, "no token");
    let id = unauthenticated.header("x-correlation-id").unwrap_or("");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert_eq!(unauthenticated.body["correlationId"], id);
}

#[tokio::test]
async fn malformed_input_gets_a_clear_4xx_never_a_500() {
    let app = TestApp::profiles().await;
    let auth = format!("Bearer {}", app.token());
    let headers = |ct: &'static str| {
        vec![
            ("authorization", auth.clone()),
            ("et-client-name", "tests".to_string()),
            ("content-type", ct.to_string()),
        ]
    };
    let cases = vec![
        (
            "broken json",
            b"{\"firstName\": ".to_vec(),
            "application/json",
            StatusCode::BAD_REQUEST,
            606,
            "not valid JSON",
        ),
        (
            "empty body",
            Vec::new(),
            "application/json",
            StatusCode::BAD_REQUEST,
            606,
            "empty",
        ),
        (
            "array body",
            b"[1,2]".to_vec(),
            "application/json",
            StatusCode::BAD_REQUEST,
            606,
            "wrong shape",
        ),
        (
            "wrong type",
            br#"{"organisationId": "one"}"#.to_vec(),
            "application/json",
            StatusCode::BAD_REQUEST,
            606,
            "organisationId",
        ),
        (
            "xml",
            b"<customer/>".to_vec(),
            "application/xml",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            715,
            "application/json",
        ),
        (
            "huge",
            vec![b' '; customers_http::BODY_LIMIT_BYTES + 10],
            "application/json",
            StatusCode::PAYLOAD_TOO_LARGE,
            713,
            "larger",
        ),
    ];
    for (why, body, ct, status, code, text) in cases {
        let r = app.raw(Method::POST, "/profiles", body, &headers(ct)).await;
        assert_error(&r, status, code, why);
        assert!(
            r.body["message"].as_str().unwrap_or("").contains(text),
            "{why}: {}",
            r.text
        );
    }
    let wrong_type = app
        .raw(
            Method::POST,
            "/profiles",
            br#"{"organisationId": "one"}"#.to_vec(),
            &headers("application/json"),
        )
        .await;
    list_of(&wrong_type.body["errors"], 1, "one field error");
    assert_eq!(wrong_type.body["errors"][0]["field"], "organisationId");
    // curl --data sends a form content type: the JSON body is still read, as the docs' example needs.
    let sent = app.new_profile(None);
    let r = app
        .raw(
            Method::POST,
            "/profiles/",
            sent.to_string().into_bytes(),
            &headers("application/x-www-form-urlencoded"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        (&r.body["firstName"], &r.body["surname"], &r.body["organisationId"]),
        (&sent["firstName"], &sent["surname"], &sent["organisationId"])
    );
    let read = app.get(&format!("/profiles/{}", r.body["customerNumber"])).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body, r.body);

    for (method, path, status, code) in [
        (Method::GET, "/profiles/abc", StatusCode::BAD_REQUEST, 603),
        (Method::GET, "/profiles/-5", StatusCode::BAD_REQUEST, 603),
        (
            Method::GET,
            "/profiles/99999999999999999999999",
            StatusCode::BAD_REQUEST,
            603,
        ),
        (
            Method::GET,
            "/profiles/999999999999?includeECards=maybe",
            StatusCode::BAD_REQUEST,
            603,
        ),
        (Method::GET, "/nowhere", StatusCode::NOT_FOUND, 704),
        (
            Method::GET,
            "/profiles/999999999999/unknown",
            StatusCode::NOT_FOUND,
            704,
        ),
        (
            Method::DELETE,
            "/profiles/999999999999",
            StatusCode::METHOD_NOT_ALLOWED,
            705,
        ),
        (Method::PATCH, "/profiles", StatusCode::METHOD_NOT_ALLOWED, 705),
    ] {
        let r = app.call(method.clone(), path, None, &[]).await;
        assert_error(&r, status, code, &format!("{method} {path}"));
    }
}

#[tokio::test]
async fn a_database_fault_answers_503_and_says_nothing_was_changed() {
    // A DynamoDB client aimed at a port where nothing listens: a real connection failure.
    let client = customers_dynamodb::dynamodb_client(&customers_dynamodb::StoreConfig {
        table_name: "unreachable".into(),
        endpoint: Some("http://127.0.0.1:1".into()),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let app = TestApp::profiles_with_client(client, "unreachable").await;
    let create = app.post("/profiles", app.new_profile(None)).await;
    assert_eq!(create.status, StatusCode::SERVICE_UNAVAILABLE, "{}", create.text);
    assert_eq!(create.error_code(), 800);
    assert!(
        create.body["message"]
            .as_str()
            .unwrap_or("")
            .contains("nothing was changed")
    );
    for path in [
        "/profiles/999999999999",
        "/profiles?email=a@b.no",
        "/profiles/customer-ref/x",
    ] {
        assert_error(&app.get(path).await, StatusCode::SERVICE_UNAVAILABLE, 800, path);
    }
    // A missing table is a fault of the deployment, not of the request: 503 as well.
    let real = customers_tests::app::dynamodb_client().await;
    let app = TestApp::profiles_with_client(real, "no-such-table").await;
    assert_error(
        &app.get("/profiles/999999999999").await,
        StatusCode::SERVICE_UNAVAILABLE,
        800,
        "a missing table",
    );
}

#[tokio::test]
async fn an_unreachable_token_issuer_answers_503_not_401() {
    let client = customers_tests::app::dynamodb_client().await;
    let mut app = TestApp::profiles_with_client(client.clone(), customers_tests::app::TEST_TABLE).await;
    let auth = customers_http::AuthConfig {
        jwks_url: "http://127.0.0.1:1/.well-known/jwks.json".into(),
        issuer: issuer::ISSUER.into(),
        audience: issuer::AUDIENCE.into(),
    };
    app.router = customers_tests::app::gateway(client, customers_tests::app::TEST_TABLE, auth, app.clock.clone());
    let r = app.get("/profiles/999999999999").await;
    assert_error(&r, StatusCode::SERVICE_UNAVAILABLE, 800, "an unreachable token issuer");
}
