//! Credentials: verify, set, change and generate passwords; uniform failures; throttling; and
//! no password or hash in any log line.

use axum::http::StatusCode;
use customers_tests::app::{TestApp, TestResponse, email};
use customers_tests::checks::{Snapshot, assert_error, assert_refused};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

async fn member(app: &TestApp, password: Option<&str>) -> (i64, String) {
    let address = email("member");
    let mut body = app.new_profile(Some(&address));
    if let Some(p) = password {
        body["password"] = json!(p);
    }
    let c = app.create(body).await;
    (c["customerNumber"].as_i64().unwrap_or(0), address)
}

async fn verify(app: &TestApp, address: &str, password: &str) -> TestResponse {
    app.post(
        "/profiles/verify-credentials",
        json!({"email": address, "password": password, "lastSignInFrom": "app"}),
    )
    .await
}

/// What a client can tell apart in a failed answer.
fn failure_shape(r: &TestResponse) -> (u16, Value, Value, Value) {
    let e = r.error();
    (
        r.status.as_u16(),
        e["errorCode"].clone(),
        e["message"].clone(),
        e["errors"].clone(),
    )
}

#[tokio::test]
async fn a_correct_password_signs_in_and_records_where_from() {
    let app = TestApp::profiles().await;
    let (n, address) = member(&app, Some("abcD123")).await;
    let r = verify(&app, &address.to_uppercase(), "abcD123").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["customerNumber"], n);
    assert_eq!(r.body["lastSignInFrom"], "app");
    let signed_in_at = r.body["lastSignInAt"].as_str().unwrap_or("");
    assert!(chrono::DateTime::parse_from_rfc3339(signed_in_at).is_ok(), "{}", r.text);
    assert!(!r.text.contains("abcD123") && !r.text.contains("argon2"));
    let stored = app.get(&format!("/profiles/{n}")).await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.text);
    assert_eq!(stored.body["lastSignInAt"], signed_in_at);
    assert_eq!(stored.body["lastSignInFrom"], "app");
    assert_eq!(stored.header("etag"), r.header("etag"));
}

#[tokio::test]
async fn every_failure_answers_alike() {
    let app = TestApp::profiles().await;
    let (_, address) = member(&app, Some("abcD123")).await;
    let wrong = verify(&app, &address, "abcD124").await;
    assert_error(&wrong, StatusCode::FORBIDDEN, 710, "a wrong password");
    let unknown = verify(&app, &email("nobody"), "abcD123").await;
    let (_, no_password) = member(&app, None).await;
    let passwordless = verify(&app, &no_password, "abcD123").await;
    let (d, deactivated_address) = member(&app, Some("abcD123")).await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let deactivation = app
        .post(
            &format!("/profiles/{d}/deactivate"),
            json!({"expirationDate": expires, "changedBy": "s", "changedByChannel": "c"}),
        )
        .await;
    assert_eq!(deactivation.status, StatusCode::OK, "{}", deactivation.text);
    let deactivated = verify(&app, &deactivated_address, "abcD123").await;
    let temp_address = email("temp");
    let t = app
        .post(
            "/profiles/temporary",
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": expires, "email": temp_address}),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let temporary = verify(&app, &temp_address, "abcD123").await;
    let shape = failure_shape(&wrong);
    for (why, r) in [
        ("unknown email", &unknown),
        ("no password", &passwordless),
        ("deactivated", &deactivated),
        ("temporary", &temporary),
    ] {
        assert_eq!(failure_shape(r), shape, "{why} must answer as a wrong password does");
    }
    // The answer names no email and echoes nothing.
    assert!(!wrong.text.contains(&address));
}

#[tokio::test]
async fn repeated_failures_are_throttled_for_known_and_unknown_emails_alike() {
    let app = TestApp::profiles().await;
    let (_, address) = member(&app, Some("abcD123")).await;
    let ghost = email("ghost");
    for target in [&address, &ghost] {
        for i in 0..5 {
            let r = verify(&app, target, "wrongPass1").await;
            assert_error(&r, StatusCode::FORBIDDEN, 710, &format!("attempt {i}"));
        }
        let blocked = verify(&app, target, "abcD123").await;
        assert_error(&blocked, StatusCode::TOO_MANY_REQUESTS, 729, "the sixth attempt");
        let retry: i64 = blocked.header("retry-after").and_then(|v| v.parse().ok()).unwrap_or(0);
        assert!((1..=15 * 60).contains(&retry), "{retry}");
    }
    // Another email of the organisation is not affected.
    let (other_number, other) = member(&app, Some("abcD123")).await;
    let r = verify(&app, &other, "abcD123").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["customerNumber"], other_number);
}

#[tokio::test]
async fn a_success_clears_earlier_failures() {
    let app = TestApp::profiles().await;
    let (n, address) = member(&app, Some("abcD123")).await;
    for round in 0..2 {
        for i in 0..4 {
            let r = verify(&app, &address, "wrongPass1").await;
            assert_error(&r, StatusCode::FORBIDDEN, 710, &format!("round {round}, attempt {i}"));
        }
        let r = verify(&app, &address, "abcD123").await;
        assert_eq!(r.status, StatusCode::OK, "round {round}: {}", r.text);
        assert_eq!(r.body["customerNumber"], n);
    }
}

#[tokio::test]
async fn passwords_are_set_changed_and_generated() {
    let app = TestApp::profiles().await;
    let (n, address) = member(&app, Some("abcD123")).await;
    let profile = format!("/profiles/{n}");
    let before = Snapshot::take(&app, &profile).await;
    let bad = app
        .post(
            &format!("/profiles/{n}/change-password"),
            json!({"oldPassword": "nope123", "newPassword": "newPass99"}),
        )
        .await;
    assert_refused(
        &app,
        &bad,
        StatusCode::FORBIDDEN,
        710,
        &[&before],
        "a wrong old password",
    )
    .await;
    assert_error(
        &verify(&app, &address, "newPass99").await,
        StatusCode::FORBIDDEN,
        710,
        "the new password was not set",
    );
    let ok = app
        .post(
            &format!("/profiles/{n}/change-password"),
            json!({"oldPassword": "abcD123", "newPassword": "newPass99"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text);
    assert_eq!(ok.text, "");
    assert_error(
        &verify(&app, &address, "abcD123").await,
        StatusCode::FORBIDDEN,
        710,
        "the old password",
    );
    assert_eq!(verify(&app, &address, "newPass99").await.status, StatusCode::OK);

    let set = app
        .put(&format!("/profiles/{n}/password"), json!({"newPassword": "adminSet1"}))
        .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.text);
    assert_eq!(set.text, "");
    assert_eq!(verify(&app, &address, "adminSet1").await.status, StatusCode::OK);
    let before = Snapshot::take(&app, &profile).await;
    for (body, code) in [
        (json!({}), 601),
        (json!({"newPassword": "   "}), 601),
        (json!({"newPassword": "x".repeat(129)}), 602),
    ] {
        let r = app.put(&format!("/profiles/{n}/password"), body.clone()).await;
        assert_refused(&app, &r, StatusCode::BAD_REQUEST, code, &[&before], &body.to_string()).await;
        assert_eq!(r.body["errors"][0]["field"], "newPassword", "{}", r.text);
    }
    let r = verify(&app, &address, "adminSet1").await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the refused sets left the password: {}",
        r.text
    );

    let generated = app.post("/profiles/generate-password", json!({"email": address})).await;
    assert_eq!(generated.status, StatusCode::OK, "{}", generated.text);
    assert_eq!(generated.body["customerNumber"], n);
    let password = generated.body["generatedPassword"].as_str().unwrap_or("").to_string();
    assert_eq!(password.len(), 16);
    let signed_in = verify(&app, &address, &password).await;
    assert_eq!(signed_in.status, StatusCode::OK, "the generated password verifies");
    assert_eq!(signed_in.body["customerNumber"], n);
    assert_error(
        &verify(&app, &address, "adminSet1").await,
        StatusCode::FORBIDDEN,
        710,
        "the password before the generated one",
    );
    assert_error(
        &app.post("/profiles/generate-password", json!({"email": email("nobody")}))
            .await,
        StatusCode::NOT_FOUND,
        704,
        "an unknown email",
    );
    let before = Snapshot::take(&app, &profile).await;
    let other_org = json!({"email": address, "organisationId": app.org + 1});
    let r = app.post("/profiles/generate-password", other_org).await;
    assert_refused(
        &app,
        &r,
        StatusCode::FORBIDDEN,
        630,
        &[&before],
        "another organisation in the body",
    )
    .await;
    // Another organisation cannot touch the profile.
    let token = format!("Bearer {}", app.token_for(app.org + 1));
    let foreign = app
        .call(
            axum::http::Method::PUT,
            &format!("/profiles/{n}/password"),
            Some(json!({"newPassword": "hijack123"})),
            &[("authorization", &token)],
        )
        .await;
    assert_refused(
        &app,
        &foreign,
        StatusCode::NOT_FOUND,
        704,
        &[&before],
        "another organisation",
    )
    .await;
    assert_error(
        &verify(&app, &address, "hijack123").await,
        StatusCode::FORBIDDEN,
        710,
        "the foreign password was not set",
    );
    let r = verify(&app, &address, &password).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the generated password still verifies: {}",
        r.text
    );
}

/// A `MakeWriter` that keeps every log line in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn no_password_or_hash_reaches_a_log_line() {
    let captured = Captured::default();
    // The production format and filter, written to memory, for this test's thread.
    let subscriber = customers_telemetry::subscriber(captured.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = TestApp::profiles().await;
    let (n, address) = member(&app, Some("firstSecret1")).await;
    assert_eq!(verify(&app, &address, "firstSecret1").await.status, StatusCode::OK);
    assert_error(
        &verify(&app, &address, "wrongSecret2").await,
        StatusCode::FORBIDDEN,
        710,
        "a wrong password",
    );
    let changed = app
        .post(
            &format!("/profiles/{n}/change-password"),
            json!({"oldPassword": "firstSecret1", "newPassword": "secondSecret3"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
    let set = app
        .put(
            &format!("/profiles/{n}/password"),
            json!({"newPassword": "thirdSecret4"}),
        )
        .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.text);
    let generated = app.post("/profiles/generate-password", json!({"email": address})).await;
    assert_eq!(generated.status, StatusCode::OK, "{}", generated.text);
    let generated = generated.body["generatedPassword"].as_str().unwrap_or("").to_string();
    assert_eq!(generated.len(), 16);
    assert_eq!(verify(&app, &address, &generated).await.status, StatusCode::OK);
    let bad_json = app
        .post(
            "/profiles/verify-credentials",
            json!({"email": address, "password": 12345678}),
        )
        .await;
    assert_error(&bad_json, StatusCode::BAD_REQUEST, 606, "a password that is a number");

    let logs = String::from_utf8_lossy(&captured.0.lock().map(|v| v.clone()).unwrap_or_default()).to_string();
    assert!(
        logs.contains("signed in") && logs.contains("password generated"),
        "the scenario was logged:\n{logs}"
    );
    for secret in [
        "firstSecret1",
        "wrongSecret2",
        "secondSecret3",
        "thirdSecret4",
        generated.as_str(),
        "$argon2",
        "12345678",
    ] {
        assert!(!logs.contains(secret), "{secret} appears in the logs");
    }
}
