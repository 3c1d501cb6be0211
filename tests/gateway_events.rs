//! Requests as API Gateway delivers them: an HTTP API (payload 2.0) event turned into a request by
//! `lambda_http`'s own conversion, the one the functions run under, then served by the function's
//! router. The local emulator refuses a body that is not UTF-8 before any function runs; API
//! Gateway passes it on base64-encoded, so here it reaches the handlers as it would in production.

use axum::http::StatusCode;
use base64::Engine;
use customers_tests::app::{TestApp, TestResponse, email};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The event API Gateway's HTTP API sends for `method path` with `body` (base64-encoded).
fn event(app: &TestApp, method: &str, path: &str, content_type: &str, body: &[u8]) -> String {
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "authorization": format!("Bearer {}", app.token()),
            "content-type": content_type,
            "et-client-name": "entur-tests",
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.execute-api.eu-north-1.amazonaws.com",
            "domainPrefix": "api",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "tests",
            },
            "requestId": "request-1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "24/Nov/2026:12:00:00 +0000",
            "timeEpoch": 1795003200000_i64,
        },
        "body": base64::engine::general_purpose::STANDARD.encode(body),
        "isBase64Encoded": true,
    })
    .to_string()
}

async fn through_the_gateway(app: &TestApp, method: &str, path: &str, content_type: &str, body: &[u8]) -> TestResponse {
    let request = lambda_http::request::from_str(&event(app, method, path, content_type, body))
        .unwrap_or_else(|e| panic!("the event converts: {e}"));
    let router = app.router.function_for(path);
    let response = router.oneshot(request).await.unwrap_or_else(|e| match e {});
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    TestResponse {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        text: String::from_utf8_lossy(&bytes).to_string(),
    }
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_400_on_every_operation_that_reads_one() {
    let app = TestApp::profiles().await;
    // The positive control: a base64-encoded UTF-8 body is read as any other.
    let created = through_the_gateway(
        &app,
        "POST",
        "/profiles",
        "application/json",
        app.new_profile(Some(&email("gateway"))).to_string().as_bytes(),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let n = created.body["customerNumber"].as_i64().unwrap_or(0);
    let before = app.get(&format!("/profiles/{n}")).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);

    let (doc, _) = customers_tests::openapi::tightened();
    let not_utf8: [&[u8]; 3] = [
        b"\xff\xfe\xfd",
        b"{\"firstName\": \"Ola\xff\", \"surname\": \"Nordmann\"}",
        b"[{\"preferenceId\": 1, \"preferenceValue\": \"\xc3\x28\"}]",
    ];
    let mut tried = 0;
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let Some(content) = operation["requestBody"]["content"].as_object() else {
                continue;
            };
            let content_type = content.keys().next().cloned().unwrap_or_default();
            let target = path
                .replace("{customerNumber}", &n.to_string())
                .replace("{accountId}", "account-1")
                .replace("{customerRef}", "reference-1");
            let target = ["{addressId}", "{ecardId}", "{noteId}", "{preferenceId}"]
                .iter()
                .fold(target, |t, id| t.replace(id, "1"));
            for body in not_utf8 {
                let r = through_the_gateway(&app, &method.to_uppercase(), &target, &content_type, body).await;
                let case = format!("{} {path} {body:?}", method.to_uppercase());
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{case}: {}", r.text);
                assert_eq!(
                    r.body["status"], 400,
                    "{case}: the contract's ErrorResponse: {}",
                    r.text
                );
                assert!(
                    r.body["message"].as_str().is_some_and(|m| m.contains("UTF-8")),
                    "{case}: the message says why: {}",
                    r.text
                );
                tried += 1;
            }
        }
    }
    assert!(tried >= 60, "every operation with a body was tried ({tried})");
    // Nothing was written.
    let after = app.get(&format!("/profiles/{n}")).await;
    assert_eq!(after.body, before.body);
}
