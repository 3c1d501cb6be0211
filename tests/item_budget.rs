//! A profile never reaches DynamoDB's 400 KB item limit through the API: a change that would
//! grow it past its budget is refused with 422 naming the part that takes the room, nothing is
//! written, and the full profile still reads, signs in, deactivates and restores. Each test
//! works in a table of its own, deleted at its end: its profiles are the largest there are.

use axum::http::StatusCode;
use customers_dynamodb::size::{PROFILE_BUDGET, PROFILE_CEILING, item_size};
use customers_tests::app::{TestApp, TestResponse, email};
use serde_json::json;

/// A character of four bytes in UTF-8 (a musical G clef).
const WIDE: &str = "\u{1D11E}";

fn assert_too_large(r: &TestResponse, part: &str) {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_code(), 670);
    assert_eq!(r.body["errors"][0]["field"], part, "{}", r.text);
    let message = r.body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("bytes of storage") && message.contains(&PROFILE_BUDGET.to_string()),
        "{message}"
    );
}

async fn stored_size(app: &TestApp, table: &str, number: i64) -> usize {
    let items = app.raw_items(table, number).await;
    items
        .iter()
        .find(|i| i.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("PROFILE"))
        .map(item_size)
        .unwrap_or(0)
}

#[tokio::test]
async fn fifty_wide_notes_and_six_addresses_then_the_next_address_is_422_never_500() {
    let (app, table) = TestApp::with_fresh_table().await;
    let address = email("full");
    let password = "Full-profile-1";
    let mut body = app.new_profile(Some(&address));
    body["password"] = json!(password);
    let n = app.create(body).await["customerNumber"].as_i64().unwrap_or(0);

    let note = json!({"text": WIDE.repeat(2000), "createdBy": "agent"});
    let mut kept = 0;
    let mut refused = 0;
    for _ in 0..50 {
        let r = app.post(&format!("/profiles/{n}/notes"), note.clone()).await;
        if r.status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_too_large(&r, "notes");
            refused += 1;
        } else {
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            kept += 1;
        }
    }
    assert!(kept >= 40 && refused >= 1, "{kept} notes kept, {refused} refused");
    eprintln!(
        "{kept} notes kept, {refused} refused: {} bytes stored",
        stored_size(&app, &table, n).await
    );

    let wide_address = json!({
        "addressLine1": WIDE.repeat(100), "addressLine2": WIDE.repeat(100),
        "town": WIDE.repeat(100), "postCode": "0150"
    });
    for _ in 0..6 {
        let r = app
            .post(&format!("/profiles/{n}/postal-addresses"), wide_address.clone())
            .await;
        if r.status != StatusCode::CREATED {
            assert_too_large(&r, "notes");
        }
    }
    let before = app.get(&format!("/profiles/{n}")).await;
    let r = app
        .post(&format!("/profiles/{n}/postal-addresses"), wide_address.clone())
        .await;
    assert_too_large(&r, "notes");
    let after = app.get(&format!("/profiles/{n}")).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.header("etag"), before.header("etag"), "nothing was written");
    let size = stored_size(&app, &table, n).await;
    assert!(size <= PROFILE_BUDGET, "{size} bytes stored");

    // What the service records by itself still fits: a sign-in, a deactivation, a restore.
    let signed_in = app
        .post(
            "/profiles/verify-credentials",
            json!({"email": address, "password": password, "lastSignInFrom": WIDE.repeat(100)}),
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
    let expires = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let deactivated = app
        .post(
            &format!("/profiles/{n}/deactivate"),
            json!({"expirationDate": expires, "changedBy": "s", "changedByChannel": "c"}),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.text);
    let restored = app
        .post(
            &format!("/profiles/{n}/restore"),
            json!({"changedBy": "s", "changedByChannel": "c"}),
        )
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text);
    let size = stored_size(&app, &table, n).await;
    assert!(size <= PROFILE_CEILING, "{size} bytes stored");

    // Removing a note makes room again.
    let notes = app.get(&format!("/profiles/{n}/notes")).await;
    let first = notes.body[0]["id"].as_i64().unwrap_or(0);
    let removed = app
        .call(
            axum::http::Method::DELETE,
            &format!("/profiles/{n}/notes/{first}"),
            None,
            &[],
        )
        .await;
    assert!(removed.status.is_success(), "{}", removed.text);
    let r = app.post(&format!("/profiles/{n}/postal-addresses"), wide_address).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    app.drop_table(&table).await;
}

#[tokio::test]
async fn a_full_update_that_would_outgrow_the_budget_is_refused_whole() {
    let (app, table) = TestApp::with_fresh_table().await;
    let n = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let note = json!({"text": WIDE.repeat(2000), "createdBy": "agent"});
    loop {
        let r = app.post(&format!("/profiles/{n}/notes"), note.clone()).await;
        if r.status != StatusCode::CREATED {
            assert_too_large(&r, "notes");
            break;
        }
    }
    let addresses: Vec<_> = (0..10)
        .map(|_| json!({"addressLine1": WIDE.repeat(100), "town": WIDE.repeat(100), "postCode": "0150"}))
        .collect();
    let put = json!({"firstName": "Ola", "surname": "Nordmann", "changedBy": "x", "changedByChannel": "y",
        "postalAddresses": addresses});
    let r = app.put(&format!("/profiles/{n}"), put).await;
    assert_too_large(&r, "notes");
    let stored = app.get(&format!("/profiles/{n}")).await;
    assert_eq!(stored.body["postalAddresses"], json!([]));
    app.drop_table(&table).await;
}

/// A profile stored above the ceiling before sizes were kept (written here straight to the
/// table) still reads and signs in; what would grow it further is refused, not failed.
#[tokio::test]
async fn a_profile_stored_above_the_ceiling_still_reads_and_signs_in() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use customers_dynamodb::size::ITEM_LIMIT;
    let (app, table) = TestApp::with_fresh_table().await;
    let address = email("legacy");
    let password = "Legacy-profile-1";
    let mut body = app.new_profile(Some(&address));
    body["password"] = json!(password);
    body["postalAddresses"] = json!([{"addressLine1": WIDE.repeat(100), "town": WIDE.repeat(100), "postCode": "0150"}]);
    let n = app.create(body).await["customerNumber"].as_i64().unwrap_or(0);
    let note = json!({"text": WIDE.repeat(2000), "createdBy": "agent"});
    while app.post(&format!("/profiles/{n}/notes"), note.clone()).await.status == StatusCode::CREATED {}

    // More notes, then more addresses, straight to the table, until it is above the ceiling.
    let key: std::collections::HashMap<String, AttributeValue> = [
        ("pk".to_string(), AttributeValue::S(format!("CUSTOMER#{}#{n}", app.org))),
        ("sk".to_string(), AttributeValue::S("PROFILE".into())),
    ]
    .into_iter()
    .collect();
    let first_of = |list: &str, item: &std::collections::HashMap<String, AttributeValue>| match item.get(list) {
        Some(AttributeValue::L(l)) => (l.first().cloned(), l.len()),
        _ => (None, 0),
    };
    let mut next_id = 4_242_424_242_i64;
    for list in ["notes", "postalAddresses"] {
        loop {
            let item = app
                .client
                .get_item()
                .table_name(&table)
                .set_key(Some(key.clone()))
                .send()
                .await
                .ok()
                .and_then(|o| o.item)
                .unwrap_or_else(|| panic!("no item"));
            let size = customers_dynamodb::size::item_size(&item);
            let (first, count) = first_of(list, &item);
            let Some(AttributeValue::M(mut copy)) = first else {
                panic!("no {list}")
            };
            let step = customers_dynamodb::size::value_size(&AttributeValue::M(copy.clone())) + 1;
            let enough = match list {
                "notes" => count >= 50 || size + step > PROFILE_CEILING,
                _ => size > PROFILE_CEILING,
            };
            if enough {
                break;
            }
            assert!(count < 10 || list == "notes", "ten addresses did not reach the ceiling");
            next_id += 1;
            copy.insert("id".into(), AttributeValue::N(next_id.to_string()));
            app.client
                .update_item()
                .table_name(&table)
                .set_key(Some(key.clone()))
                .update_expression("SET #list = list_append(#list, :more)")
                .expression_attribute_names("#list", list)
                .expression_attribute_values(":more", AttributeValue::L(vec![AttributeValue::M(copy)]))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let size = stored_size(&app, &table, n).await;
    assert!(size > PROFILE_CEILING && size < ITEM_LIMIT, "{size} bytes stored");

    assert_eq!(app.get(&format!("/profiles/{n}")).await.status, StatusCode::OK);
    let signed_in = app
        .post(
            "/profiles/verify-credentials",
            json!({"email": address, "password": password, "lastSignInFrom": "app"}),
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
    let r = app
        .post(
            &format!("/profiles/{n}/postal-addresses"),
            json!({"town": "Oslo", "postCode": "0150"}),
        )
        .await;
    assert_too_large(&r, "notes");
    app.drop_table(&table).await;
}
