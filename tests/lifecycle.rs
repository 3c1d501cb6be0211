//! The profile lifecycle: temporary profiles, expiry, deactivate and restore, convert, connect.

use aws_sdk_dynamodb::types::AttributeValue;
use axum::http::{Method, StatusCode};
use customers_tests::app::{NO_TTL_TABLE, TEST_TABLE, TestApp, email};
use serde_json::{Value, json};
use std::time::Duration;

fn in_seconds(s: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(s)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn number(v: &Value) -> i64 {
    v["customerNumber"].as_i64().unwrap_or(0)
}

fn temporary(email: Option<&str>, expires_in: i64) -> Value {
    let mut body = json!({"createdBy": "web", "createdByChannel": "web", "expirationDate": in_seconds(expires_in)});
    if let Some(e) = email {
        body["email"] = json!(e);
    }
    body
}

async fn wait_until_past(iso: &str) {
    let at = chrono::DateTime::parse_from_rfc3339(iso)
        .map(|t| t.timestamp_millis())
        .unwrap_or(0);
    let now = chrono::Utc::now().timestamp_millis();
    if at >= now {
        tokio::time::sleep(Duration::from_millis((at - now + 200) as u64)).await;
    }
}

fn expires_at(item: &std::collections::HashMap<String, AttributeValue>) -> Option<i64> {
    match item.get("expiresAt") {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}

#[tokio::test]
async fn a_temporary_profile_is_created_read_updated_and_deleted() {
    let app = TestApp::profiles().await;
    let created = app.post("/profiles/temporary", temporary(None, 3600)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let n = number(&created.body);
    assert_eq!(
        created.header("location"),
        Some(format!("/profiles/temporary/{n}").as_str())
    );
    assert_eq!(
        created.body["organisationId"], app.org,
        "defaults to the token's organisation"
    );
    assert_eq!(created.body["firstName"], "");
    assert!(created.body["expirationDate"].as_str().is_some());
    let as_profile = app.get(&format!("/profiles/{n}")).await;
    assert_eq!(as_profile.body["profileType"], "T");

    let address = email("temp");
    let put = json!({"changedBy": "web", "changedByChannel": "app", "expirationDate": in_seconds(7200), "firstName": "Anon",
        "email": address, "countryCode": "+47", "telephoneNumberNoCountryCode": "91234567", "dateOfBirth": "1990-01-02"});
    let updated = app.put(&format!("/profiles/temporary/{n}"), put).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.body["email"], address.as_str());
    assert_eq!(updated.body["dateOfBirth"], "1990-01-02");
    assert_eq!(updated.body["changedByChannel"], "app");
    // All fields are overwritten: what the next PUT leaves out is cleared.
    let put = json!({"changedBy": "web", "changedByChannel": "app", "expirationDate": in_seconds(7200)});
    let cleared = app.put(&format!("/profiles/temporary/{n}"), put).await;
    assert!(
        cleared.body.get("email").is_none() && cleared.body.get("countryCode").is_none(),
        "{}",
        cleared.text
    );
    assert_eq!(cleared.header("etag"), Some("\"3\""));
    // Temporary profiles are searched only when asked for; they do not hold their email.
    app.put(
        &format!("/profiles/temporary/{n}"),
        json!({"changedBy": "w", "changedByChannel": "w", "expirationDate": in_seconds(7200), "email": address}),
    )
    .await;
    assert_eq!(app.get(&format!("/profiles?email={address}")).await.body, json!([]));
    let with = app
        .get(&format!("/profiles?email={address}&includeTemporary=true"))
        .await;
    assert_eq!(with.body[0]["customerNumber"], n);
    let second = app.post("/profiles/temporary", temporary(Some(&address), 3600)).await;
    assert_eq!(
        second.status,
        StatusCode::CREATED,
        "an anonymous buyer may reuse an email"
    );
    // A permanent profile is not a temporary one, and vice versa.
    let permanent = app.create(app.new_profile(None)).await;
    assert_eq!(
        app.get(&format!("/profiles/temporary/{}", number(&permanent)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let wrong_put = json!({"firstName": "a", "surname": "b", "changedBy": "x", "changedByChannel": "y"});
    assert_eq!(
        app.put(&format!("/profiles/{n}"), wrong_put).await.status,
        StatusCode::CONFLICT
    );

    let deleted = app
        .call(Method::DELETE, &format!("/profiles/temporary/{n}"), None, &[])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(
        app.get(&format!("/profiles/temporary/{n}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.raw_items(TEST_TABLE, n).await.is_empty(),
        "every item of the profile is gone"
    );
    assert_eq!(
        app.call(Method::DELETE, &format!("/profiles/temporary/{n}"), None, &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn temporary_profiles_need_a_future_expiration_and_their_own_organisation() {
    let app = TestApp::profiles().await;
    for (body, field) in [
        (json!({"createdBy": "w", "createdByChannel": "w"}), "expirationDate"),
        (
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": "2001-01-01"}),
            "expirationDate",
        ),
        (
            json!({"createdByChannel": "w", "expirationDate": in_seconds(60)}),
            "createdBy",
        ),
        (
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": in_seconds(60), "countryCode": "47"}),
            "countryCode",
        ),
    ] {
        let r = app.post("/profiles/temporary", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.error()["errors"][0]["field"], field);
    }
    let mut other = temporary(None, 60);
    other["organisationId"] = json!(app.org + 1);
    assert_eq!(
        app.post("/profiles/temporary", other).await.status,
        StatusCode::FORBIDDEN
    );
}

/// On a table without TTL the expired items stay, and still every read treats them as gone.
#[tokio::test]
async fn an_expired_profile_is_gone_at_once_before_any_ttl_deletion() {
    let app = TestApp::without_ttl().await;
    let address = email("expiring");
    let reference = format!("exp-{}", uuid::Uuid::new_v4().simple());
    let mut body = app.new_profile(Some(&address));
    body["customerRef"] = json!(reference);
    body["expirationDate"] = json!(in_seconds(2));
    let permanent = app.create(body).await;
    let temp = app.post("/profiles/temporary", temporary(Some(&address), 2)).await.body;
    let (p, t) = (number(&permanent), number(&temp));
    assert_eq!(app.get(&format!("/profiles/{p}")).await.status, StatusCode::OK);
    wait_until_past(permanent["expirationDate"].as_str().unwrap_or("")).await;
    wait_until_past(temp["expirationDate"].as_str().unwrap_or("")).await;

    assert!(
        !app.raw_items(NO_TTL_TABLE, p).await.is_empty(),
        "the items are still stored"
    );
    assert_eq!(app.get(&format!("/profiles/{p}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/profiles/temporary/{t}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/profiles/customer-ref/{reference}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/profiles?email={address}&includeTemporary=true"))
            .await
            .body,
        json!([])
    );
    let bulk = app.post("/profiles/bulk", json!({"customerNumbers": [p, t]})).await;
    assert_eq!(bulk.body, json!([]));
    let put = json!({"changedBy": "w", "changedByChannel": "w", "expirationDate": in_seconds(3600)});
    assert_eq!(
        app.put(&format!("/profiles/temporary/{t}"), put).await.status,
        StatusCode::NOT_FOUND,
        "cannot be reused"
    );
    // Its email and reference are free again.
    let mut again = app.new_profile(Some(&address));
    again["customerRef"] = json!(reference);
    let reused = app.post("/profiles", again).await;
    assert_eq!(reused.status, StatusCode::CREATED, "{}", reused.text);
    let by_ref = app.get(&format!("/profiles/customer-ref/{reference}")).await;
    assert_eq!(by_ref.body["customerNumber"], reused.body["customerNumber"]);
}

#[tokio::test]
async fn changing_the_expiration_moves_the_ttl_of_every_item_of_the_profile() {
    let app = TestApp::profiles().await;
    let address = email("ttl-move");
    let mut create = temporary(Some(&address), 3600);
    create["surname"] = json!("Flytt");
    create["countryCode"] = json!("+47");
    create["telephoneNumberNoCountryCode"] = json!("91234567");
    let t = number(&app.post("/profiles/temporary", create).await.body);
    let items = app.raw_items(TEST_TABLE, t).await;
    assert!(
        items.len() >= 4,
        "profile, reference guard and search entries: {}",
        items.len()
    );
    let first = expires_at(&items[0]);
    assert!(
        items.iter().all(|i| expires_at(i) == first && first.is_some()),
        "every item carries the TTL"
    );

    let later = in_seconds(86_400);
    let put = json!({"changedBy": "w", "changedByChannel": "w", "expirationDate": later, "email": address, "surname": "Flytt",
        "countryCode": "+47", "telephoneNumberNoCountryCode": "91234567"});
    assert_eq!(
        app.put(&format!("/profiles/temporary/{t}"), put).await.status,
        StatusCode::OK
    );
    let moved = chrono::DateTime::parse_from_rfc3339(&later).map(|d| d.timestamp()).ok();
    let items = app.raw_items(TEST_TABLE, t).await;
    assert!(items.len() >= 4);
    for item in &items {
        assert_eq!(expires_at(item), moved, "{item:?}");
    }
}

/// DynamoDB Local 2.6.1 runs TTL for real: an expired profile is physically deleted, whole.
#[tokio::test]
async fn dynamodb_ttl_deletes_an_expired_profile_with_every_item() {
    let (app, table) = TestApp::with_fresh_table().await;
    let address = email("ttl");
    let mut body = temporary(Some(&address), 2);
    body["surname"] = json!("Utløpt");
    body["countryCode"] = json!("+47");
    body["telephoneNumberNoCountryCode"] = json!("91234567");
    let created = app.post("/profiles/temporary", body).await.body;
    let t = number(&created);
    assert!(app.raw_items(&table, t).await.len() >= 4);
    wait_until_past(created["expirationDate"].as_str().unwrap_or("")).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(240);
    loop {
        let left = app.raw_items(&table, t).await;
        if left.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "TTL left {} items: {left:?}",
            left.len()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn stamp() -> Value {
    json!({"changedBy": "support", "changedByChannel": "crm"})
}

fn deactivation(expires_in: i64) -> Value {
    json!({"expirationDate": in_seconds(expires_in), "changedBy": "support", "changedByChannel": "crm"})
}

#[tokio::test]
async fn a_deactivated_profile_frees_its_email_and_can_be_restored() {
    let app = TestApp::profiles().await;
    let address = email("deact");
    let c = app.create(app.new_profile(Some(&address))).await;
    let n = number(&c);
    for bad in [json!({"changedBy": "s", "changedByChannel": "c"}), deactivation(-60)] {
        let r = app.post(&format!("/profiles/{n}/deactivate"), bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.error()["errors"][0]["field"], "expirationDate");
    }
    let d = app
        .post(&format!("/profiles/{n}/deactivate"), deactivation(3 * 86_400))
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.body["status"], "D");
    assert_eq!(d.body["emailOld"], address.as_str());
    assert!(d.body.get("email").is_none() && d.body.get("username").is_none());
    assert!(d.body["expirationDate"].as_str().is_some());
    // Still readable, no longer usable or findable.
    assert_eq!(app.get(&format!("/profiles/{n}")).await.body["status"], "D");
    assert_eq!(
        app.get(&format!("/profiles?surname=Nordmann&customerRef={n}"))
            .await
            .body,
        json!([])
    );
    let put = json!({"firstName": "a", "surname": "b", "changedBy": "x", "changedByChannel": "y"});
    assert_eq!(
        app.put(&format!("/profiles/{n}"), put).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.post(&format!("/profiles/{n}/deactivate"), deactivation(60))
            .await
            .status,
        StatusCode::CONFLICT
    );

    let r = app.post(&format!("/profiles/{n}/restore"), stamp()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "A");
    assert_eq!(r.body["email"], address.as_str());
    assert!(r.body.get("emailOld").is_none() && r.body.get("expirationDate").is_none());
    // Its email is unique again, and it is findable again.
    assert_eq!(
        app.post("/profiles", app.new_profile(Some(&address))).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.get(&format!("/profiles?email={address}")).await.body[0]["customerNumber"],
        n
    );
    assert_eq!(
        app.post(&format!("/profiles/{n}/restore"), stamp()).await.status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn a_deactivated_profiles_email_reused_by_a_new_profile_blocks_the_restore() {
    let app = TestApp::profiles().await;
    let address = email("reuse");
    let old = number(&app.create(app.new_profile(Some(&address))).await);
    assert_eq!(
        app.post(&format!("/profiles/{old}/deactivate"), deactivation(86_400))
            .await
            .status,
        StatusCode::OK
    );
    let new = app
        .post("/profiles", app.new_profile(Some(&address.to_uppercase())))
        .await;
    assert_eq!(new.status, StatusCode::CREATED, "the address is free: {}", new.text);
    let refused = app.post(&format!("/profiles/{old}/restore"), stamp()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.error_code(), 620);
    assert!(refused.body["message"].as_str().unwrap_or("").contains("deactivated"));
    assert_eq!(
        app.get(&format!("/profiles/{old}")).await.body["status"],
        "D",
        "nothing changed"
    );
}

#[tokio::test]
async fn a_deactivated_profile_expires_and_cannot_be_restored_after() {
    let app = TestApp::without_ttl().await;
    let n = number(&app.create(app.new_profile(Some(&email("gone")))).await);
    let d = app.post(&format!("/profiles/{n}/deactivate"), deactivation(2)).await;
    wait_until_past(d.body["expirationDate"].as_str().unwrap_or("")).await;
    assert_eq!(
        app.post(&format!("/profiles/{n}/restore"), stamp()).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&format!("/profiles/{n}")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_temporary_profile_converts_to_a_permanent_one_with_the_same_number() {
    let app = TestApp::profiles().await;
    let address = email("convert");
    let t = number(&app.post("/profiles/temporary", temporary(None, 3600)).await.body);
    let convert = json!({"firstName": "Kari", "surname": "Nordmann", "changedBy": "web", "changedByChannel": "web",
        "email": address, "password": "abcD123"});
    let c = app
        .post(&format!("/profiles/temporary/{t}/convert"), convert.clone())
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["customerNumber"], t);
    assert_eq!(c.body["profileType"], "S");
    assert_eq!(c.body["username"], address.as_str());
    assert!(c.body.get("expirationDate").is_none());
    assert!(!c.text.contains("abcD123"));
    assert_eq!(
        app.get(&format!("/profiles/temporary/{t}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/profiles?email={address}")).await.body[0]["customerNumber"],
        t
    );
    assert_eq!(
        app.post("/profiles", app.new_profile(Some(&address))).await.status,
        StatusCode::CONFLICT,
        "now unique"
    );
    let items = app.raw_items(TEST_TABLE, t).await;
    assert!(
        items.iter().all(|i| !i.contains_key("expiresAt")),
        "no item keeps the old expiry"
    );
    assert!(
        items
            .iter()
            .any(|i| matches!(i.get("passwordHash"), Some(AttributeValue::S(h)) if h.starts_with("$argon2id$")))
    );
    let again = app.post(&format!("/profiles/temporary/{t}/convert"), convert).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Email and password are optional; a taken email is refused and changes nothing.
    let t2 = number(&app.post("/profiles/temporary", temporary(None, 3600)).await.body);
    let taken = json!({"firstName": "A", "surname": "B", "changedBy": "w", "changedByChannel": "w", "email": address});
    let r = app.post(&format!("/profiles/temporary/{t2}/convert"), taken).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        app.get(&format!("/profiles/temporary/{t2}")).await.status,
        StatusCode::OK,
        "still temporary"
    );
    let bare = json!({"firstName": "A", "surname": "B", "changedBy": "w", "changedByChannel": "w"});
    let r = app.post(&format!("/profiles/temporary/{t2}/convert"), bare).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body.get("email").is_none());
}

#[tokio::test]
async fn a_convert_racing_an_update_ends_in_one_consistent_profile() {
    let app = TestApp::profiles().await;
    for round in 0..4 {
        let address = email(&format!("race{round}"));
        let t = number(&app.post("/profiles/temporary", temporary(None, 3600)).await.body);
        let convert = json!({"firstName": "Kari", "surname": "Nordmann", "changedBy": "w", "changedByChannel": "w", "email": address});
        let update = json!({"changedBy": "w", "changedByChannel": "w", "expirationDate": in_seconds(7200), "firstName": "Updated"});
        let (convert_path, update_path) = (
            format!("/profiles/temporary/{t}/convert"),
            format!("/profiles/temporary/{t}"),
        );
        let (c, u) = tokio::join!(app.post(&convert_path, convert), app.put(&update_path, update));
        assert_eq!(c.status, StatusCode::OK, "the convert always goes through: {}", c.text);
        assert!(
            u.status == StatusCode::OK || u.status == StatusCode::NOT_FOUND,
            "{}",
            u.text
        );
        let now = app.get(&format!("/profiles/{t}")).await.body;
        assert_eq!(now["profileType"], "S");
        assert_eq!(now["firstName"], "Kari", "the convert came last or alone");
        assert!(now.get("expirationDate").is_none());
        assert_eq!(
            app.post("/profiles", app.new_profile(Some(&address))).await.status,
            StatusCode::CONFLICT
        );
        let items = app.raw_items(TEST_TABLE, t).await;
        assert!(
            items.iter().all(|i| !i.contains_key("expiresAt")),
            "round {round}: an item kept the TTL"
        );
    }
}

#[tokio::test]
async fn connect_merges_a_profile_into_the_survivor() {
    let app = TestApp::profiles().await;
    let survivor = number(&app.create(app.new_profile(Some(&email("survivor")))).await);
    let temp = number(&app.post("/profiles/temporary", temporary(None, 3600)).await.body);
    let merged_address = email("merged");
    let other = number(&app.create(app.new_profile(Some(&merged_address))).await);

    let r = app
        .post(
            &format!("/profiles/{survivor}/connect"),
            json!({"customerNumberToConnect": temp, "changedByChannel": "web"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["relatedCustomerNumbers"], json!([temp]));
    // The deprecated field still works.
    let r = app
        .post(
            &format!("/profiles/{survivor}/connect"),
            json!({"temporaryCustomerNumber": other, "changedByChannel": "web"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["relatedCustomerNumbers"], json!([temp, other]));

    let via_merged = app.get(&format!("/profiles/{other}")).await;
    assert_eq!(via_merged.status, StatusCode::OK);
    assert_eq!(
        via_merged.body["customerNumber"], survivor,
        "a merged number answers with the survivor"
    );
    assert_eq!(via_merged.body["relatedCustomerNumbers"], json!([temp, other]));
    assert_eq!(
        app.get(&format!("/profiles/{temp}")).await.body["customerNumber"],
        survivor
    );
    // The merged profile no longer holds its email nor appears in searches.
    assert_eq!(
        app.get(&format!("/profiles?email={merged_address}")).await.body,
        json!([])
    );
    app.create(app.new_profile(Some(&merged_address))).await;
    let stored = app.raw_items(TEST_TABLE, other).await;
    let profile = stored
        .iter()
        .find(|i| matches!(i.get("sk"), Some(AttributeValue::S(s)) if s == "PROFILE"));
    assert!(matches!(profile.and_then(|p| p.get("status")), Some(AttributeValue::S(s)) if s == "P"));
}

#[tokio::test]
async fn connect_refuses_what_cannot_be_merged() {
    let app = TestApp::profiles().await;
    let a = number(&app.create(app.new_profile(None)).await);
    let b = number(&app.create(app.new_profile(None)).await);
    let temp = number(&app.post("/profiles/temporary", temporary(None, 3600)).await.body);
    let body = |n: i64| json!({"customerNumberToConnect": n, "changedByChannel": "web"});
    assert_eq!(
        app.post(&format!("/profiles/{a}/connect"), body(a)).await.status,
        StatusCode::BAD_REQUEST,
        "itself"
    );
    assert_eq!(
        app.post(&format!("/profiles/{a}/connect"), body(999_999_999_999))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.post(&format!("/profiles/{a}/connect"), json!({"changedByChannel": "web"}))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.post(&format!("/profiles/{temp}/connect"), body(a)).await.status,
        StatusCode::CONFLICT,
        "into a temporary"
    );
    assert_eq!(
        app.post(&format!("/profiles/{a}/deactivate"), deactivation(86_400))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.post(&format!("/profiles/{b}/connect"), body(a)).await.status,
        StatusCode::CONFLICT,
        "a deactivated one"
    );
    // Another organisation's profile is not there.
    let token = format!("Bearer {}", app.token_for(app.org + 1));
    let r = app
        .call(
            Method::POST,
            &format!("/profiles/{b}/connect"),
            Some(body(temp)),
            &[("authorization", &token)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Once merged, a profile cannot be merged again.
    assert_eq!(
        app.post(&format!("/profiles/{b}/connect"), body(temp)).await.status,
        StatusCode::OK
    );
    let c = number(&app.create(app.new_profile(None)).await);
    assert_eq!(
        app.post(&format!("/profiles/{c}/connect"), body(temp)).await.status,
        StatusCode::CONFLICT
    );
}
