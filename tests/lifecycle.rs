//! The profile lifecycle: temporary profiles, expiry, deactivate and restore, convert, connect.

use aws_sdk_dynamodb::types::AttributeValue;
use axum::http::{Method, StatusCode};
use customers_domain::clock::Clock;
use customers_tests::app::{NO_TTL_TABLE, TEST_TABLE, TestApp, TestResponse, email};
use customers_tests::checks::{Snapshot, assert_error, assert_reads_back, assert_refused, list_of, numbers};
use customers_tests::storage::kind_of;
use serde_json::{Value, json};
use std::collections::HashMap;
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

/// Moves the functions' clock a second past the latest `expirationDate` of these answers.
fn pass_expirations(app: &TestApp, answers: &[&Value]) {
    let latest = answers
        .iter()
        .filter_map(|a| a["expirationDate"].as_str())
        .filter_map(|iso| chrono::DateTime::parse_from_rfc3339(iso).ok())
        .map(|t| t.timestamp_millis())
        .max()
        .unwrap_or_else(|| panic!("no expirationDate in {answers:?}"));
    let now = app.clock.now().timestamp_millis();
    if latest >= now {
        app.clock.advance(chrono::Duration::milliseconds(latest - now + 1000));
    }
}

fn expires_at(item: &HashMap<String, AttributeValue>) -> Option<i64> {
    match item.get("expiresAt") {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}

/// The kinds of a profile's stored items (`PROFILE`, `UNIQUE#REF`, …), sorted.
fn kinds(items: &[HashMap<String, AttributeValue>]) -> Vec<String> {
    let mut kinds: Vec<String> = items.iter().map(kind_of).collect();
    kinds.sort();
    kinds
}

/// The epoch second of an RFC 3339 time.
fn epoch(iso: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(iso).map(|d| d.timestamp()).ok()
}

/// The items a temporary profile with an email, a surname and a telephone number is stored as.
const TEMPORARY_WITH_EMAIL_SURNAME_AND_PHONE: [&str; 5] = [
    "PROFILE",
    "SEARCH#EMAIL",
    "SEARCH#PHONE",
    "SEARCH#SURNAME",
    "UNIQUE#REF",
];

#[tokio::test]
async fn a_temporary_profile_is_created_read_updated_and_deleted() {
    let app = TestApp::profiles().await;
    let body = temporary(None, 3600);
    let created = app.post("/profiles/temporary", body.clone()).await;
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
    assert_eq!(created.body["expirationDate"], body["expirationDate"]);
    assert_eq!(created.header("etag"), Some("\"1\""));
    let read = assert_reads_back(&app, &format!("/profiles/temporary/{n}"), &created.body).await;
    assert_eq!(read.header("etag"), Some("\"1\""));
    let as_profile = app.get(&format!("/profiles/{n}")).await;
    assert_eq!(as_profile.status, StatusCode::OK, "{}", as_profile.text);
    assert_eq!(as_profile.body["customerNumber"], n);
    assert_eq!(as_profile.body["profileType"], "T");

    let address = email("temp");
    let put = json!({"changedBy": "web", "changedByChannel": "app", "expirationDate": in_seconds(7200), "firstName": "Anon",
        "email": address, "countryCode": "+47", "telephoneNumberNoCountryCode": "91234567", "dateOfBirth": "1990-01-02"});
    let updated = app.put(&format!("/profiles/temporary/{n}"), put).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.body["email"], address.as_str());
    assert_eq!(updated.body["dateOfBirth"], "1990-01-02");
    assert_eq!(updated.body["changedByChannel"], "app");
    assert_eq!(updated.body["firstName"], "Anon");
    assert_eq!(updated.header("etag"), Some("\"2\""));
    assert_reads_back(&app, &format!("/profiles/temporary/{n}"), &updated.body).await;
    // All fields are overwritten: what the next PUT leaves out is cleared.
    let put = json!({"changedBy": "web", "changedByChannel": "app", "expirationDate": in_seconds(7200)});
    let cleared = app.put(&format!("/profiles/temporary/{n}"), put).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert!(
        cleared.body.get("email").is_none() && cleared.body.get("countryCode").is_none(),
        "{}",
        cleared.text
    );
    assert_eq!(cleared.header("etag"), Some("\"3\""));
    assert_reads_back(&app, &format!("/profiles/temporary/{n}"), &cleared.body).await;
    // Temporary profiles are searched only when asked for; they do not hold their email.
    let with_email = app
        .put(
            &format!("/profiles/temporary/{n}"),
            json!({"changedBy": "w", "changedByChannel": "w", "expirationDate": in_seconds(7200), "email": address}),
        )
        .await;
    assert_eq!(with_email.status, StatusCode::OK, "{}", with_email.text);
    assert_eq!(with_email.body["email"], address.as_str());
    let without = app.get(&format!("/profiles?email={address}")).await;
    assert_eq!(without.status, StatusCode::OK, "{}", without.text);
    assert_eq!(without.body, json!([]));
    let with = app
        .get(&format!("/profiles?email={address}&includeTemporary=true"))
        .await;
    assert_eq!(with.status, StatusCode::OK, "{}", with.text);
    assert_eq!(numbers(&with.body), vec![n]);
    let second = app.post("/profiles/temporary", temporary(Some(&address), 3600)).await;
    assert_eq!(
        second.status,
        StatusCode::CREATED,
        "an anonymous buyer may reuse an email: {}",
        second.text
    );
    assert_eq!(second.body["email"], address.as_str());
    assert_ne!(number(&second.body), n);
    assert_reads_back(
        &app,
        &format!("/profiles/temporary/{}", number(&second.body)),
        &second.body,
    )
    .await;
    // A permanent profile is not a temporary one, and vice versa.
    let permanent = app.create(app.new_profile(None)).await;
    assert_error(
        &app.get(&format!("/profiles/temporary/{}", number(&permanent))).await,
        StatusCode::NOT_FOUND,
        704,
        "a permanent profile as a temporary one",
    );
    let before = Snapshot::take(&app, &format!("/profiles/temporary/{n}")).await;
    let wrong_put = json!({"firstName": "a", "surname": "b", "changedBy": "x", "changedByChannel": "y"});
    let r = app.put(&format!("/profiles/{n}"), wrong_put).await;
    assert_refused(
        &app,
        &r,
        StatusCode::CONFLICT,
        660,
        &[&before],
        "a permanent update of a temporary profile",
    )
    .await;

    let deleted = app
        .call(Method::DELETE, &format!("/profiles/temporary/{n}"), None, &[])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_error(
        &app.get(&format!("/profiles/temporary/{n}")).await,
        StatusCode::NOT_FOUND,
        704,
        "a deleted profile",
    );
    assert!(
        app.raw_items(TEST_TABLE, n).await.is_empty(),
        "every item of the profile is gone"
    );
    assert_error(
        &app.call(Method::DELETE, &format!("/profiles/temporary/{n}"), None, &[])
            .await,
        StatusCode::NOT_FOUND,
        704,
        "a second delete",
    );
}

#[tokio::test]
async fn temporary_profiles_need_a_future_expiration_and_their_own_organisation() {
    let app = TestApp::profiles().await;
    let address = email("refused-temp");
    for (mut body, field, code) in [
        (
            json!({"createdBy": "w", "createdByChannel": "w"}),
            "expirationDate",
            601,
        ),
        (
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": "2001-01-01"}),
            "expirationDate",
            604,
        ),
        (
            json!({"createdByChannel": "w", "expirationDate": in_seconds(60)}),
            "createdBy",
            601,
        ),
        (
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": in_seconds(60), "countryCode": "47"}),
            "countryCode",
            605,
        ),
    ] {
        body["email"] = json!(address);
        let r = app.post("/profiles/temporary", body).await;
        assert_error(&r, StatusCode::BAD_REQUEST, code, field);
        list_of(&r.body["errors"], 1, field);
        assert_eq!(r.body["errors"][0]["field"], field);
    }
    let mut other = temporary(Some(&address), 60);
    other["organisationId"] = json!(app.org + 1);
    assert_error(
        &app.post("/profiles/temporary", other).await,
        StatusCode::FORBIDDEN,
        630,
        "another organisation",
    );
    // None of the refused requests created a profile.
    let found = app
        .get(&format!("/profiles?email={address}&includeTemporary=true"))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(found.body, json!([]));
}

/// On a table without TTL the expired items stay, and still every read treats them as gone.
#[tokio::test]
async fn an_expired_profile_is_gone_at_once_before_any_ttl_deletion() {
    let app = TestApp::without_ttl().await;
    let address = email("expiring");
    let reference = format!("exp-{}", uuid::Uuid::new_v4().simple());
    let mut body = app.new_profile(Some(&address));
    body["customerRef"] = json!(reference);
    body["expirationDate"] = json!(in_seconds(120));
    let permanent = app.create(body).await;
    let temp = app.post("/profiles/temporary", temporary(Some(&address), 120)).await;
    assert_eq!(temp.status, StatusCode::CREATED, "{}", temp.text);
    let temp = temp.body;
    let (p, t) = (number(&permanent), number(&temp));
    assert_reads_back(&app, &format!("/profiles/{p}"), &permanent).await;
    assert_reads_back(&app, &format!("/profiles/temporary/{t}"), &temp).await;
    // The functions' clock moves past both expirations: no waiting on the machine's speed.
    pass_expirations(&app, &[&permanent, &temp]);

    assert_eq!(
        kinds(&app.raw_items(NO_TTL_TABLE, p).await),
        [
            "PROFILE",
            "SEARCH#EMAIL",
            "SEARCH#FIRSTNAME",
            "SEARCH#SURNAME",
            "UNIQUE#EMAIL",
            "UNIQUE#REF"
        ],
        "the items are still stored"
    );
    assert_error(
        &app.get(&format!("/profiles/{p}")).await,
        StatusCode::NOT_FOUND,
        704,
        "an expired profile",
    );
    assert_error(
        &app.get(&format!("/profiles/temporary/{t}")).await,
        StatusCode::NOT_FOUND,
        704,
        "an expired temporary profile",
    );
    assert_error(
        &app.get(&format!("/profiles/customer-ref/{reference}")).await,
        StatusCode::NOT_FOUND,
        704,
        "the reference of an expired profile",
    );
    let found = app
        .get(&format!("/profiles?email={address}&includeTemporary=true"))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(found.body, json!([]));
    let bulk = app.post("/profiles/bulk", json!({"customerNumbers": [p, t]})).await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.text);
    assert_eq!(bulk.body, json!([]));
    let put = json!({"changedBy": "w", "changedByChannel": "w", "expirationDate": in_seconds(3600)});
    assert_error(
        &app.put(&format!("/profiles/temporary/{t}"), put).await,
        StatusCode::NOT_FOUND,
        704,
        "cannot be reused",
    );
    // Its email and reference are free again.
    let mut again = app.new_profile(Some(&address));
    again["customerRef"] = json!(reference);
    let reused = app.post("/profiles", again).await;
    assert_eq!(reused.status, StatusCode::CREATED, "{}", reused.text);
    assert_reads_back(&app, &format!("/profiles/customer-ref/{reference}"), &reused.body).await;
    assert_eq!(
        numbers(&app.get(&format!("/profiles?email={address}")).await.body),
        vec![number(&reused.body)]
    );
}

#[tokio::test]
async fn changing_the_expiration_moves_the_ttl_of_every_item_of_the_profile() {
    let app = TestApp::profiles().await;
    let address = email("ttl-move");
    let mut create = temporary(Some(&address), 3600);
    create["surname"] = json!("Flytt");
    create["countryCode"] = json!("+47");
    create["telephoneNumberNoCountryCode"] = json!("91234567");
    let first = epoch(create["expirationDate"].as_str().unwrap_or(""));
    assert!(first.is_some(), "{create}");
    let created = app.post("/profiles/temporary", create).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let t = number(&created.body);
    let items = app.raw_items(TEST_TABLE, t).await;
    assert_eq!(
        kinds(&items),
        TEMPORARY_WITH_EMAIL_SURNAME_AND_PHONE,
        "profile, reference guard and search entries"
    );
    for item in &items {
        assert_eq!(expires_at(item), first, "every item carries the TTL: {item:?}");
    }

    let later = in_seconds(86_400);
    let put = json!({"changedBy": "w", "changedByChannel": "w", "expirationDate": later, "email": address, "surname": "Flytt",
        "countryCode": "+47", "telephoneNumberNoCountryCode": "91234567"});
    let r = app.put(&format!("/profiles/temporary/{t}"), put).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["expirationDate"], later.as_str());
    let moved = epoch(&later);
    assert_ne!(moved, first);
    let items = app.raw_items(TEST_TABLE, t).await;
    assert_eq!(kinds(&items), TEMPORARY_WITH_EMAIL_SURNAME_AND_PHONE);
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
    let created = app.post("/profiles/temporary", body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let created = created.body;
    let t = number(&created);
    assert_eq!(
        kinds(&app.raw_items(&table, t).await),
        TEMPORARY_WITH_EMAIL_SURNAME_AND_PHONE
    );
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
    app.drop_table(&table).await;
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
    let path = format!("/profiles/{n}");
    let active = Snapshot::take(&app, &path).await;
    assert_eq!(active.body, c);
    for (bad, code) in [
        (json!({"changedBy": "s", "changedByChannel": "c"}), 601),
        (deactivation(-60), 604),
    ] {
        let r = app.post(&format!("/profiles/{n}/deactivate"), bad).await;
        assert_refused(
            &app,
            &r,
            StatusCode::BAD_REQUEST,
            code,
            &[&active],
            "a bad deactivation",
        )
        .await;
        list_of(&r.body["errors"], 1, "one field error");
        assert_eq!(r.body["errors"][0]["field"], "expirationDate");
    }
    let deactivate = deactivation(3 * 86_400);
    let d = app.post(&format!("/profiles/{n}/deactivate"), deactivate.clone()).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.body["status"], "D");
    assert_eq!(d.body["emailOld"], address.as_str());
    assert!(d.body.get("email").is_none() && d.body.get("username").is_none());
    assert_eq!(d.body["expirationDate"], deactivate["expirationDate"]);
    assert_eq!(d.header("etag"), Some("\"2\""));
    // Still readable, no longer usable or findable.
    let deactivated = Snapshot::take(&app, &path).await;
    assert_eq!(deactivated.body, d.body);
    assert_eq!(deactivated.etag.as_deref(), Some("\"2\""));
    let hidden = app.get(&format!("/profiles?surname=Nordmann&customerRef={n}")).await;
    assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.text);
    assert_eq!(hidden.body, json!([]));
    let put = json!({"firstName": "a", "surname": "b", "changedBy": "x", "changedByChannel": "y"});
    let r = app.put(&path, put).await;
    assert_refused(
        &app,
        &r,
        StatusCode::CONFLICT,
        660,
        &[&deactivated],
        "an update of a deactivated profile",
    )
    .await;
    let r = app.post(&format!("/profiles/{n}/deactivate"), deactivation(60)).await;
    assert_refused(
        &app,
        &r,
        StatusCode::CONFLICT,
        660,
        &[&deactivated],
        "a second deactivation",
    )
    .await;

    let r = app.post(&format!("/profiles/{n}/restore"), stamp()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "A");
    assert_eq!(r.body["email"], address.as_str());
    assert!(r.body.get("emailOld").is_none() && r.body.get("expirationDate").is_none());
    assert_eq!(r.header("etag"), Some("\"3\""));
    let restored = Snapshot::take(&app, &path).await;
    assert_eq!(restored.body, r.body);
    // Its email is unique again, and it is findable again.
    assert_error(
        &app.post("/profiles", app.new_profile(Some(&address))).await,
        StatusCode::CONFLICT,
        620,
        "the restored profile's email",
    );
    assert_eq!(
        numbers(&app.get(&format!("/profiles?email={address}")).await.body),
        vec![n]
    );
    let again = app.post(&format!("/profiles/{n}/restore"), stamp()).await;
    assert_refused(
        &app,
        &again,
        StatusCode::CONFLICT,
        660,
        &[&restored],
        "a second restore",
    )
    .await;
}

#[tokio::test]
async fn a_deactivated_profiles_email_reused_by_a_new_profile_blocks_the_restore() {
    let app = TestApp::profiles().await;
    let address = email("reuse");
    let old = number(&app.create(app.new_profile(Some(&address))).await);
    let d = app
        .post(&format!("/profiles/{old}/deactivate"), deactivation(86_400))
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let new = app
        .post("/profiles", app.new_profile(Some(&address.to_uppercase())))
        .await;
    assert_eq!(new.status, StatusCode::CREATED, "the address is free: {}", new.text);
    let holder = Snapshot::take(&app, &format!("/profiles/{}", number(&new.body))).await;
    assert_eq!(holder.body, new.body);
    let deactivated = Snapshot::take(&app, &format!("/profiles/{old}")).await;
    assert_eq!(deactivated.body, d.body);
    let refused = app.post(&format!("/profiles/{old}/restore"), stamp()).await;
    assert_refused(
        &app,
        &refused,
        StatusCode::CONFLICT,
        620,
        &[&deactivated, &holder],
        "a restore onto a reused email",
    )
    .await;
    assert!(refused.body["message"].as_str().unwrap_or("").contains("deactivated"));
    assert_eq!(deactivated.body["status"], "D", "still deactivated");
    assert_eq!(
        numbers(&app.get(&format!("/profiles?email={address}")).await.body),
        vec![number(&new.body)]
    );
}

#[tokio::test]
async fn a_deactivated_profile_expires_and_cannot_be_restored_after() {
    let app = TestApp::without_ttl().await;
    let n = number(&app.create(app.new_profile(Some(&email("gone")))).await);
    let d = app.post(&format!("/profiles/{n}/deactivate"), deactivation(120)).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    pass_expirations(&app, &[&d.body]);
    assert_error(
        &app.post(&format!("/profiles/{n}/restore"), stamp()).await,
        StatusCode::NOT_FOUND,
        704,
        "a restore after the expiry",
    );
    assert_error(
        &app.get(&format!("/profiles/{n}")).await,
        StatusCode::NOT_FOUND,
        704,
        "an expired deactivated profile",
    );
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
    let converted = Snapshot::take(&app, &format!("/profiles/{t}")).await;
    assert_eq!(converted.body, c.body, "the convert's answer is what is stored");
    assert_eq!(converted.etag.as_deref(), c.header("etag"));
    assert_error(
        &app.get(&format!("/profiles/temporary/{t}")).await,
        StatusCode::NOT_FOUND,
        704,
        "no longer temporary",
    );
    assert_eq!(
        numbers(&app.get(&format!("/profiles?email={address}")).await.body),
        vec![t]
    );
    assert_error(
        &app.post("/profiles", app.new_profile(Some(&address))).await,
        StatusCode::CONFLICT,
        620,
        "now unique",
    );
    let items = app.raw_items(TEST_TABLE, t).await;
    assert_eq!(
        kinds(&items),
        [
            "PROFILE",
            "SEARCH#EMAIL",
            "SEARCH#FIRSTNAME",
            "SEARCH#SURNAME",
            "UNIQUE#EMAIL",
            "UNIQUE#REF"
        ]
    );
    for item in &items {
        assert!(
            !item.contains_key("expiresAt"),
            "no item keeps the old expiry: {item:?}"
        );
    }
    let hashes: Vec<&str> = items
        .iter()
        .filter_map(|i| match i.get("passwordHash") {
            Some(AttributeValue::S(h)) => Some(h.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(hashes.len(), 1, "the profile item alone holds the hash");
    assert!(hashes[0].starts_with("$argon2id$"), "{}", hashes[0]);
    let again = app.post(&format!("/profiles/temporary/{t}/convert"), convert).await;
    assert_refused(
        &app,
        &again,
        StatusCode::CONFLICT,
        660,
        &[&converted],
        "a second convert",
    )
    .await;

    // Email and password are optional; a taken email is refused and changes nothing.
    let t2 = number(&app.post("/profiles/temporary", temporary(None, 3600)).await.body);
    let still_temporary = Snapshot::take(&app, &format!("/profiles/temporary/{t2}")).await;
    let taken = json!({"firstName": "A", "surname": "B", "changedBy": "w", "changedByChannel": "w", "email": address});
    let r = app.post(&format!("/profiles/temporary/{t2}/convert"), taken).await;
    assert_refused(
        &app,
        &r,
        StatusCode::CONFLICT,
        620,
        &[&still_temporary, &converted],
        "a convert to a taken email",
    )
    .await;
    let bare = json!({"firstName": "A", "surname": "B", "changedBy": "w", "changedByChannel": "w"});
    let r = app.post(&format!("/profiles/temporary/{t2}/convert"), bare).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body.get("email").is_none());
    assert_eq!(
        (r.body["customerNumber"].as_i64(), r.body["profileType"].as_str()),
        (Some(t2), Some("S"))
    );
    assert_reads_back(&app, &format!("/profiles/{t2}"), &r.body).await;
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
        if u.status == StatusCode::NOT_FOUND {
            assert_error(&u, StatusCode::NOT_FOUND, 704, "an update after the convert");
        } else {
            assert_eq!(u.status, StatusCode::OK, "{}", u.text);
            assert_eq!(u.body["firstName"], "Updated");
        }
        let now = app.get(&format!("/profiles/{t}")).await;
        assert_eq!(now.status, StatusCode::OK, "{}", now.text);
        let now = now.body;
        assert_eq!(now["profileType"], "S");
        assert_eq!(now["firstName"], "Kari", "the convert came last or alone");
        assert!(now.get("expirationDate").is_none());
        assert_error(
            &app.post("/profiles", app.new_profile(Some(&address))).await,
            StatusCode::CONFLICT,
            620,
            &format!("round {round}: the converted profile holds the email"),
        );
        let items = app.raw_items(TEST_TABLE, t).await;
        assert_eq!(
            kinds(&items),
            [
                "PROFILE",
                "SEARCH#EMAIL",
                "SEARCH#FIRSTNAME",
                "SEARCH#SURNAME",
                "UNIQUE#EMAIL",
                "UNIQUE#REF"
            ],
            "round {round}"
        );
        for item in &items {
            assert!(
                !item.contains_key("expiresAt"),
                "round {round}: an item kept the TTL: {item:?}"
            );
        }
    }
}

/// What a connect answers, as the survivor reads back: when it changed, and whom it took in.
async fn connected(app: &TestApp, survivor: i64) -> Value {
    let r = app.get(&format!("/profiles/{survivor}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["customerNumber"], survivor);
    json!({"changedAt": r.body["changedAt"], "relatedCustomerNumbers": r.body["relatedCustomerNumbers"]})
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
    assert_eq!(r.body, connected(&app, survivor).await);
    assert_eq!(r.body["relatedCustomerNumbers"], json!([temp]));
    // The deprecated field still works.
    let r = app
        .post(
            &format!("/profiles/{survivor}/connect"),
            json!({"temporaryCustomerNumber": other, "changedByChannel": "web"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, connected(&app, survivor).await);
    assert_eq!(r.body["relatedCustomerNumbers"], json!([temp, other]));

    let now = Snapshot::take(&app, &format!("/profiles/{survivor}")).await;
    let via_merged = assert_reads_back(&app, &format!("/profiles/{other}"), &now.body).await;
    assert_eq!(
        via_merged.body["customerNumber"], survivor,
        "a merged number answers with the survivor"
    );
    assert_eq!(via_merged.body["relatedCustomerNumbers"], json!([temp, other]));
    assert_reads_back(&app, &format!("/profiles/{temp}"), &now.body).await;
    // The merged profile no longer holds its email nor appears in searches.
    let found = app.get(&format!("/profiles?email={merged_address}")).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(found.body, json!([]));
    let reuse = app.create(app.new_profile(Some(&merged_address))).await;
    assert_eq!(
        numbers(&app.get(&format!("/profiles?email={merged_address}")).await.body),
        vec![number(&reuse)]
    );
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
    let profile = |n: i64| format!("/profiles/{n}");
    let (sa, sb, st) = (
        Snapshot::take(&app, &profile(a)).await,
        Snapshot::take(&app, &profile(b)).await,
        Snapshot::take(&app, &format!("/profiles/temporary/{temp}")).await,
    );
    let all = [&sa, &sb, &st];
    let r = app.post(&format!("/profiles/{a}/connect"), body(a)).await;
    assert_refused(&app, &r, StatusCode::CONFLICT, 660, &all, "itself").await;
    let r = app.post(&format!("/profiles/{a}/connect"), body(999_999_999_999)).await;
    assert_refused(&app, &r, StatusCode::NOT_FOUND, 704, &all, "an unknown profile").await;
    let r = app
        .post(&format!("/profiles/{a}/connect"), json!({"changedByChannel": "web"}))
        .await;
    assert_refused(&app, &r, StatusCode::BAD_REQUEST, 601, &all, "no profile to connect").await;
    let r = app.post(&format!("/profiles/{temp}/connect"), body(a)).await;
    assert_refused(&app, &r, StatusCode::CONFLICT, 660, &all, "into a temporary").await;
    let d = app
        .post(&format!("/profiles/{a}/deactivate"), deactivation(86_400))
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let sa = Snapshot::take(&app, &profile(a)).await;
    assert_eq!(sa.body, d.body);
    let all = [&sa, &sb, &st];
    let r = app.post(&format!("/profiles/{b}/connect"), body(a)).await;
    assert_refused(&app, &r, StatusCode::CONFLICT, 660, &all, "a deactivated one").await;
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
    assert_refused(&app, &r, StatusCode::NOT_FOUND, 704, &all, "another organisation").await;
    // Once merged, a profile cannot be merged again.
    let merged = app.post(&format!("/profiles/{b}/connect"), body(temp)).await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.text);
    assert_eq!(merged.body["relatedCustomerNumbers"], json!([temp]));
    assert_eq!(merged.body, connected(&app, b).await);
    let sb = Snapshot::take(&app, &profile(b)).await;
    let c = number(&app.create(app.new_profile(None)).await);
    let sc = Snapshot::take(&app, &profile(c)).await;
    let r = app.post(&format!("/profiles/{c}/connect"), body(temp)).await;
    assert_refused(&app, &r, StatusCode::CONFLICT, 660, &[&sb, &sc], "merged already").await;
}

/// The item of a profile as stored: its `mergedInto`, read straight from the table.
async fn merged_into(app: &TestApp, n: i64) -> Option<i64> {
    let stored = app.raw_items(TEST_TABLE, n).await;
    let profile = stored
        .iter()
        .find(|i| matches!(i.get("sk"), Some(AttributeValue::S(s)) if s == "PROFILE"));
    match profile.and_then(|p| p.get("mergedInto")) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

#[tokio::test]
async fn a_merge_moves_what_hangs_off_to_the_survivor_and_keeps_every_chain_one_step_long() {
    let app = TestApp::profiles().await;
    let body = |n: i64| json!({"customerNumberToConnect": n, "changedByChannel": "crm"});
    let created = |status: StatusCode, r: &TestResponse| assert_eq!(r.status, status, "{}", r.text);
    let s = number(&app.create(app.new_profile(None)).await);
    let m = number(&app.create(app.new_profile(None)).await);
    let x = number(&app.create(app.new_profile(None)).await);
    let account = |id: &str| json!({"accountId": format!("{id}-{s}")});
    let r = app
        .post(&format!("/profiles/{s}/customer-accounts"), account("acc-s"))
        .await;
    created(StatusCode::CREATED, &r);
    let r = app
        .post(
            &format!("/profiles/{s}/postal-addresses"),
            json!({"town": "Oslo", "postCode": "0150"}),
        )
        .await;
    created(StatusCode::CREATED, &r);
    let r = app
        .post(&format!("/profiles/{m}/customer-accounts"), account("acc-m"))
        .await;
    created(StatusCode::CREATED, &r);
    // The same address on both: the survivor keeps its own, not a second copy.
    let r = app
        .post(
            &format!("/profiles/{m}/postal-addresses"),
            json!({"town": "Oslo", "postCode": "0150"}),
        )
        .await;
    created(StatusCode::CREATED, &r);
    // x is merged into m first; merging m into s must then point x to s as well.
    let r = app.post(&format!("/profiles/{m}/connect"), body(x)).await;
    created(StatusCode::OK, &r);
    assert_eq!(merged_into(&app, x).await, Some(m));
    let r = app.post(&format!("/profiles/{s}/connect"), body(m)).await;
    created(StatusCode::OK, &r);
    assert_eq!(r.body["relatedCustomerNumbers"], json!([m, x]));
    assert_eq!(
        (merged_into(&app, m).await, merged_into(&app, x).await),
        (Some(s), Some(s))
    );

    // A temporary profile with an address, an account, a preference and a note, connected into
    // a merged profile: it is connected into that profile's survivor.
    let t = number(&app.post("/profiles/temporary", temporary(None, 3600)).await.body);
    let r = app
        .post(
            &format!("/profiles/{t}/postal-addresses"),
            json!({"town": "Bergen", "postCode": "5003"}),
        )
        .await;
    created(StatusCode::CREATED, &r);
    let r = app
        .post(&format!("/profiles/{t}/customer-accounts"), account("acc-t"))
        .await;
    created(StatusCode::CREATED, &r);
    let code = format!("MERGE-{}", uuid::Uuid::new_v4().simple());
    let preference = app.post("/preferences", json!({"preferenceCode": code})).await;
    created(StatusCode::CREATED, &preference);
    let pref = preference.body["id"].as_i64().unwrap_or(0);
    let r = app
        .post(
            &format!("/profiles/{t}/preferences"),
            json!({"preferenceId": pref, "preferenceValue": "1234"}),
        )
        .await;
    created(StatusCode::CREATED, &r);
    let r = app
        .post(
            &format!("/profiles/{t}/notes"),
            json!({"text": "called about a refund", "createdBy": "crm"}),
        )
        .await;
    created(StatusCode::CREATED, &r);
    let r = app.post(&format!("/profiles/{x}/connect"), body(t)).await;
    created(StatusCode::OK, &r);
    assert_eq!(r.body["relatedCustomerNumbers"], json!([m, x, t]));
    assert_eq!(merged_into(&app, t).await, Some(s));

    let survivor = app.get(&format!("/profiles/{s}")).await;
    let accounts: Vec<Value> = list_of(&survivor.body["customerAccounts"], 3, "every account")
        .iter()
        .map(|a| json!([a["customerAccountId"], a["isDefault"]]))
        .collect();
    assert_eq!(
        accounts,
        [
            json!([format!("acc-s-{s}"), true]),
            json!([format!("acc-m-{s}"), false]),
            json!([format!("acc-t-{s}"), false])
        ],
        "moved, and the survivor's default stays"
    );
    let towns: Vec<&Value> = survivor.body["postalAddresses"]
        .as_array()
        .map(|a| a.iter().map(|x| &x["town"]).collect())
        .unwrap_or_default();
    assert_eq!(towns, [&json!("Oslo"), &json!("Bergen")]);
    let chosen = list_of(&survivor.body["preferences"], 1, "the chosen preference");
    assert_eq!(
        (&chosen[0]["preferenceId"], &chosen[0]["preferenceValue"]),
        (&json!(pref), &json!("1234"))
    );
    assert_eq!(
        list_of(&survivor.body["notes"], 1, "the note")[0]["text"],
        "called about a refund"
    );
    // Every account of a merged profile is reached through the survivor, as its number is.
    for id in ["acc-m", "acc-t"] {
        let owner = app.get(&format!("/profiles/customer-accounts/{id}-{s}")).await;
        assert_eq!(owner.status, StatusCode::OK, "{}", owner.text);
        assert_eq!(owner.body, survivor.body, "{id}");
    }
    for merged in [m, x, t] {
        assert_reads_back(&app, &format!("/profiles/{merged}"), &survivor.body).await;
        // Its customerRef (its number, by default) too.
        assert_reads_back(&app, &format!("/profiles/customer-ref/{merged}"), &survivor.body).await;
        let left = app.get(&format!("/profiles/{merged}/customer-accounts")).await;
        assert_eq!(left.body, json!([]), "nothing stays on {merged}");
    }
    let found = app.get("/profiles?postCode=5003").await;
    assert_eq!(
        numbers(&found.body),
        vec![s],
        "the survivor is found by what it took in"
    );
    // An account that came with a merge is the survivor's to give away: it is not locked.
    let removed = app
        .call(
            Method::DELETE,
            &format!("/profiles/{s}/customer-accounts/acc-m-{s}"),
            None,
            &[],
        )
        .await;
    assert!(removed.status.is_success(), "{}", removed.text);
    let other = number(&app.create(app.new_profile(None)).await);
    let r = app
        .post(&format!("/profiles/{other}/customer-accounts"), account("acc-m"))
        .await;
    created(StatusCode::CREATED, &r);

    // A merge that would overfill a list is refused, and nothing changes.
    let full = number(&app.create(app.new_profile(None)).await);
    for i in 0..9 {
        let r = app
            .post(
                &format!("/profiles/{full}/postal-addresses"),
                json!({"town": format!("Town {i}")}),
            )
            .await;
        created(StatusCode::CREATED, &r);
    }
    let before = [
        &Snapshot::take(&app, &format!("/profiles/{s}")).await,
        &Snapshot::take(&app, &format!("/profiles/{full}")).await,
    ];
    let r = app.post(&format!("/profiles/{s}/connect"), body(full)).await;
    assert_refused(&app, &r, StatusCode::CONFLICT, 660, &before, "eleven addresses").await;
    let message = r.body["message"].as_str().unwrap_or("");
    assert!(
        message.contains("11 postal addresses") && message.contains("at most 10"),
        "{message}"
    );
}

/// A connect is one transaction, and DynamoDB takes at most 100 items in one: a merged profile
/// with more live profiles merged into it than that leaves room for is refused whole, never a 500
/// and never half-written.
#[tokio::test]
async fn a_connect_too_large_for_one_transaction_is_refused_and_changes_nothing() {
    let app = TestApp::profiles().await;
    let body = |n: i64| json!({"customerNumberToConnect": n, "changedByChannel": "crm"});
    let s = number(&app.create(app.new_profile(None)).await);
    let m = number(&app.create(app.new_profile(None)).await);
    // The survivor's profile, the merged one's profile and its 2 search entries (name, first
    // name), and one item per profile merged into it: 97 of those make 101 items.
    for _ in 0..97 {
        let x = number(&app.post("/profiles/temporary", temporary(None, 3600)).await.body);
        let r = app.post(&format!("/profiles/{m}/connect"), body(x)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let before = [
        &Snapshot::take(&app, &format!("/profiles/{s}")).await,
        &Snapshot::take(&app, &format!("/profiles/{m}")).await,
    ];
    let r = app.post(&format!("/profiles/{s}/connect"), body(m)).await;
    assert_refused(
        &app,
        &r,
        StatusCode::CONFLICT,
        660,
        &before,
        "101 items in one transaction",
    )
    .await;
    let message = r.body["message"].as_str().unwrap_or("");
    assert!(message.contains("101 items") && message.contains("100"), "{message}");
}
