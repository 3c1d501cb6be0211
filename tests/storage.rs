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
    body["landlineNumber"] = json!("+4722123456");
    body["dateOfBirth"] = json!("1990-05-17");
    // Two addresses with one post code file one entry; a third code files another.
    body["postalAddresses"] = json!([
        {"town": "Oslo", "postCode": "0150", "addressLine1": "Storgata 1"},
        {"town": "Oslo", "postCode": "0150", "addressLine1": "Storgata 2", "typeOfAddress": "I"}
    ]);
    let n = number(&app.create(body).await);
    let full = [
        "PROFILE",
        "UNIQUE#EMAIL",
        "UNIQUE#REF",
        "SEARCH#EMAIL",
        "SEARCH#PHONE",
        "SEARCH#VIPPS",
        "SEARCH#LANDLINE",
        "SEARCH#SURNAME",
        "SEARCH#FIRSTNAME",
        "SEARCH#BIRTH",
        "SEARCH#POSTCODE",
    ];
    items(&app, n).await.assert_whole(&full, None);
    let bergen = app
        .post(
            &format!("/profiles/{n}/postal-addresses"),
            json!({"town": "Bergen", "postCode": "5003"}),
        )
        .await;
    assert_eq!(bergen.status, StatusCode::CREATED, "{}", bergen.text);
    let two_codes = ProfileItems::read(&app.client, TEST_TABLE, app.org, n).await;
    assert_eq!(
        two_codes.kinds().get("SEARCH#POSTCODE"),
        Some(&2),
        "{:?}",
        two_codes.kinds()
    );
    let bergen_id = bergen.body["id"].as_i64().unwrap_or(0);
    let removed = app
        .call(
            Method::DELETE,
            &format!("/profiles/{n}/postal-addresses/{bergen_id}"),
            None,
            &[],
        )
        .await;
    assert!(removed.status.is_success(), "{}", removed.text);
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
    // What hangs off a temporary profile (an address, an account) is filed with its expiry.
    let address = app
        .post(
            &format!("/profiles/{t}/postal-addresses"),
            json!({"town": "Trondheim", "postCode": "7010"}),
        )
        .await;
    assert_eq!(address.status, StatusCode::CREATED, "{}", address.text);
    let account = app
        .post(
            &format!("/profiles/{t}/customer-accounts"),
            json!({"accountId": "acc-temporary"}),
        )
        .await;
    assert_eq!(account.status, StatusCode::CREATED, "{}", account.text);
    items(&app, t).await.assert_whole(
        &[
            "PROFILE",
            "UNIQUE#REF",
            "UNIQUE#ACCOUNT",
            "SEARCH#EMAIL",
            "SEARCH#SURNAME",
            "SEARCH#POSTCODE",
        ],
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
            "UNIQUE#ACCOUNT",
            "SEARCH#EMAIL",
            "SEARCH#SURNAME",
            "SEARCH#FIRSTNAME",
            "SEARCH#POSTCODE",
        ],
        None,
    );

    // The merged profile gives up its email and its search entries; its reference stays. Its
    // account and its address move to the survivor: the account's guard names the survivor,
    // and the survivor files the address's post code.
    let connected = app
        .post(
            &format!("/profiles/{n}/connect"),
            json!({"customerNumberToConnect": t, "changedByChannel": "crm"}),
        )
        .await;
    assert_eq!(connected.status, StatusCode::OK, "{}", connected.text);
    items(&app, t).await.assert_whole(&["PROFILE", "UNIQUE#REF"], None);
    let survivor = ProfileItems::read(&app.client, TEST_TABLE, app.org, n).await;
    let mut kinds = full
        .iter()
        .map(|k| (k.to_string(), 1))
        .collect::<std::collections::BTreeMap<_, _>>();
    kinds.insert("UNIQUE#ACCOUNT".into(), 2);
    kinds.insert("SEARCH#POSTCODE".into(), 2);
    assert_eq!(survivor.kinds(), kinds, "the survivor's items after the merge");
    assert!(
        survivor
            .items
            .iter()
            .all(|i| customers_tests::storage::expires_at(i).is_none())
    );

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
