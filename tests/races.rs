//! Races that a check before the write would lose: every request of a race is started at once
//! (joined futures on the multi-threaded runtime, against DynamoDB Local), and exactly the
//! answers one atomic write allows come back, with the stored data to match.

use axum::http::StatusCode;
use customers_tests::app::{TestApp, email};
use futures::future::join_all;
use serde_json::{Value, json};

fn number(v: &Value) -> i64 {
    v["customerNumber"].as_i64().unwrap_or(0)
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// Twelve parallel creates of one preference code (in differing case) leave one preference:
/// one 201, eleven 409, and the catalogue holds the code once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_creates_of_one_preference_code_let_exactly_one_win() {
    let app = TestApp::profiles().await;
    let code = format!("RACE-{}", app.org);
    let answers = join_all((0..12).map(|i| {
        let code = if i % 2 == 0 { code.clone() } else { code.to_lowercase() };
        let app = &app;
        async move { app.post("/preferences", json!({"preferenceCode": code})).await }
    }))
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status).collect();
    assert_eq!(count(&statuses, StatusCode::CREATED), 1, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::CONFLICT), 11, "{statuses:?}");
    for r in answers.iter().filter(|r| r.status == StatusCode::CONFLICT) {
        assert_eq!(r.error_code(), 660, "{}", r.text);
    }
    let catalogue = app.get("/preferences").await;
    let codes: Vec<String> = catalogue
        .body
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["preferenceCode"].as_str().map(str::to_lowercase))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(codes, vec![code.to_lowercase()], "{}", catalogue.text);
}

/// A deactivated profile's restore races a new profile taking its email, over several rounds:
/// each round exactly one wins (restore 200 and create 409, or create 201 and restore 409), and
/// afterwards exactly one active profile holds the email.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restore_racing_a_new_profile_for_its_email_lets_exactly_one_hold_it() {
    let app = TestApp::profiles().await;
    let stamp = json!({"changedBy": "s", "changedByChannel": "c"});
    let until = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let mut restored_wins = 0;
    let mut created_wins = 0;
    for round in 0..8 {
        let address = email(&format!("restore-race-{round}"));
        let old = number(&app.create(app.new_profile(Some(&address))).await);
        let mut deactivation = stamp.clone();
        deactivation["expirationDate"] = json!(until);
        let d = app.post(&format!("/profiles/{old}/deactivate"), deactivation).await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.text);
        let restore_path = format!("/profiles/{old}/restore");
        let (restore, create) = tokio::join!(
            app.post(&restore_path, stamp.clone()),
            app.post("/profiles", app.new_profile(Some(&address)))
        );
        let holders: Vec<i64> = app
            .get(&format!("/profiles?email={address}"))
            .await
            .body
            .as_array()
            .map(|a| a.iter().map(number).collect())
            .unwrap_or_default();
        match (restore.status, create.status) {
            (StatusCode::OK, StatusCode::CONFLICT) => {
                restored_wins += 1;
                assert_eq!(create.error_code(), 620, "{}", create.text);
                assert_eq!(holders, vec![old]);
            }
            (StatusCode::CONFLICT, StatusCode::CREATED) => {
                created_wins += 1;
                assert_eq!(restore.error_code(), 620, "{}", restore.text);
                assert_eq!(holders, vec![number(&create.body)]);
                let still = app.get(&format!("/profiles/{old}")).await;
                assert_eq!(still.body["status"], "D", "{}", still.text);
            }
            other => panic!("round {round}: {other:?}: {} / {}", restore.text, create.text),
        }
    }
    assert_eq!(restored_wins + created_wins, 8);
}
