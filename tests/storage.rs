//! What the table holds for a profile through its lifecycle: the profile item, its unique guards
//! and its search entries always move together, carry one expiry, and leave nothing behind.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TEST_TABLE, TestApp};
use customers_tests::storage::ProfileItems;
use serde_json::{Value, json};

fn at(days: i64) -> (String, i64) {
    let t = chrono::Utc::now() + chrono::Duration::days(days);
    let t = t - chrono::Duration::nanoseconds(i64::from(t.timestamp_subsec_nanos()));
    (t.to_rfc3339(), t.timestamp())
}

async fn items(app: &TestApp, number: i64) -> ProfileItems {
    ProfileItems::read(&app.client, TEST_TABLE, app.org, number).await
}

fn number(v: &Value) -> i64 {
    v["customerNumber"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn a_profiles_items_move_together_through_its_lifecycle() {
    let app = TestApp::profiles().await;
    let stamp = json!({"changedBy": "crm", "changedByChannel": "crm"});
    let mut body = app.new_profile(Some("whole@example.org"));
    body["countryCode"] = json!("+47");
    body["telephoneNumberNoCountryCode"] = json!("91234567");
    body["vippsId"] = json!("vipps-1");
    body["customerRef"] = json!("ref-whole");
    let n = number(&app.create(body).await);
    let full = [
        "PROFILE",
        "UNIQUE#EMAIL",
        "UNIQUE#REF",
        "SEARCH#EMAIL",
        "SEARCH#PHONE",
        "SEARCH#VIPPS",
        "SEARCH#SURNAME",
    ];
    items(&app, n).await.assert_whole(&full, None);

    let account = app
        .post(
            &format!("/profiles/{n}/customer-accounts"),
            json!({"accountId": "acc-whole"}),
        )
        .await;
    assert_eq!(account.status, StatusCode::CREATED, "{}", account.text);
    let with_account: Vec<&str> = full.iter().copied().chain(["UNIQUE#ACCOUNT"]).collect();
    items(&app, n).await.assert_whole(&with_account, None);

    let (expiry, epoch) = at(3);
    let mut deactivation = stamp.clone();
    deactivation["expirationDate"] = json!(expiry);
    let d = app.post(&format!("/profiles/{n}/deactivate"), deactivation).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    items(&app, n)
        .await
        .assert_whole(&["PROFILE", "UNIQUE#REF", "UNIQUE#ACCOUNT"], Some(epoch));

    let r = app.post(&format!("/profiles/{n}/restore"), stamp.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    items(&app, n).await.assert_whole(&with_account, None);

    // A temporary profile carries its expiry on every item; converting removes it from all.
    let (expiry, epoch) = at(2);
    let t = number(
        &app.post(
            "/profiles/temporary",
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": expiry, "email": "temp.whole@example.org", "surname": "Midlertidig"}),
        )
        .await
        .body,
    );
    assert!(t > 0);
    items(&app, t).await.assert_whole(
        &["PROFILE", "UNIQUE#REF", "SEARCH#EMAIL", "SEARCH#SURNAME"],
        Some(epoch),
    );
    let converted = app
        .post(
            &format!("/profiles/temporary/{t}/convert"),
            json!({"firstName": "Per", "surname": "Hansen", "changedBy": "w", "changedByChannel": "w"}),
        )
        .await;
    assert_eq!(converted.status, StatusCode::OK, "{}", converted.text);
    items(&app, t).await.assert_whole(
        &[
            "PROFILE",
            "UNIQUE#REF",
            "UNIQUE#EMAIL",
            "SEARCH#EMAIL",
            "SEARCH#SURNAME",
        ],
        None,
    );

    // The merged profile gives up its email and its search entries; its reference stays.
    let connected = app
        .post(
            &format!("/profiles/{n}/connect"),
            json!({"customerNumberToConnect": t, "changedByChannel": "crm"}),
        )
        .await;
    assert_eq!(connected.status, StatusCode::OK, "{}", connected.text);
    items(&app, t).await.assert_whole(&["PROFILE", "UNIQUE#REF"], None);
    items(&app, n).await.assert_whole(&with_account, None);

    // Deleting a temporary profile leaves nothing.
    let (expiry, _) = at(1);
    let gone = number(
        &app.post(
            "/profiles/temporary",
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": expiry, "email": "gone@example.org", "surname": "Borte"}),
        )
        .await
        .body,
    );
    let deleted = app
        .call(Method::DELETE, &format!("/profiles/temporary/{gone}"), None, &[])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    items(&app, gone).await.assert_gone();
}
