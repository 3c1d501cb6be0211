//! Finding profiles: by each starting key, all parameters must match, paging, bulk lookups.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TestApp, email};
use serde_json::{Value, json};

fn numbers(v: &Value) -> Vec<i64> {
    v.as_array()
        .map(|a| a.iter().filter_map(|c| c["customerNumber"].as_i64()).collect())
        .unwrap_or_default()
}

fn number(v: &Value) -> i64 {
    v["customerNumber"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn each_starting_parameter_finds_the_profile_on_its_own() {
    let app = TestApp::profiles().await;
    let address = email("find");
    let surname = format!("Søkeland{}", uuid::Uuid::new_v4().simple());
    let reference = format!("ref-{}", uuid::Uuid::new_v4().simple());
    let vipps = format!("vipps-{}", uuid::Uuid::new_v4().simple());
    let mut body = app.new_profile(Some(&address));
    body["surname"] = json!(surname);
    body["firstName"] = json!("Ola Johan");
    body["customerRef"] = json!(reference);
    body["vippsId"] = json!(vipps);
    body["countryCode"] = json!("+47");
    body["telephoneNumberNoCountryCode"] = json!("41234567");
    body["dateOfBirth"] = json!("1990-05-17");
    let c = app.create(body).await;
    let n = number(&c);
    let upper_surname = surname.to_uppercase();
    let upper_address = address.to_uppercase();
    for query in [
        format!("email={upper_address}"),
        "countryCode=%2B47&telephoneNumberNoCountryCode=41234567".to_string(),
        "telephoneNumber=%2B4741234567".to_string(),
        "telephoneNumber=41234567".to_string(),
        format!("customerRef={reference}"),
        format!("vippsId={vipps}"),
        format!("surname={upper_surname}"),
        format!("surname={surname}&firstName=ola"),
        format!("surname={surname}&firstName=Ola%20Johan"),
    ] {
        let r = app.get(&format!("/profiles?{query}")).await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
        assert_eq!(numbers(&r.body), vec![n], "{query}");
    }
    // Every parameter must match.
    for query in [
        format!("email={address}&surname=Other"),
        format!("surname={surname}&firstName=Olav"),
        format!("surname={surname}&firstName=Johan"),
        format!("vippsId={vipps}&dateOfBirth=1990-05-18"),
        format!("customerRef={reference}&landlineNumber=%2B4722123456"),
        format!("email={address}&postCode=0150"),
    ] {
        let r = app.get(&format!("/profiles?{query}")).await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
        assert_eq!(r.body, json!([]), "{query}");
    }
    let both = app
        .get(&format!(
            "/profiles?vippsId={vipps}&dateOfBirth=1990-05-17&email={address}"
        ))
        .await;
    assert_eq!(numbers(&both.body), vec![n]);
}

#[tokio::test]
async fn a_search_without_a_starting_parameter_says_which_can_start_one() {
    let app = TestApp::profiles().await;
    for query in [
        "",
        "firstName=Ola",
        "dateOfBirth=1990-05-17",
        "countryCode=%2B47",
        "postCode=0150",
    ] {
        let r = app.get(&format!("/profiles?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(r.error_code(), 607);
        let message = r.body["message"].as_str().unwrap_or("");
        for name in ["email", "telephoneNumber", "customerRef", "vippsId", "surname"] {
            assert!(message.contains(name), "{message}");
        }
    }
    let r = app.get("/profiles?email=a@b.no&maxResultSet=5000").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .get(&format!("/profiles?email=a@b.no&organisationId={}", app.org + 1))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.get("/profiles?email=a@b.no&ticketRightOwner=1").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn max_result_set_caps_and_results_come_in_customer_number_order() {
    let app = TestApp::profiles().await;
    let surname = format!("Mange{}", uuid::Uuid::new_v4().simple());
    let mut created = Vec::new();
    for first in ["Per", "Pål", "Espen", "Askeladden"] {
        let mut body = app.new_profile(None);
        body["surname"] = json!(surname);
        body["firstName"] = json!(first);
        created.push(number(&app.create(body).await));
    }
    created.sort();
    let all = app.get(&format!("/profiles?surname={surname}")).await;
    assert_eq!(numbers(&all.body), created);
    let two = app.get(&format!("/profiles?surname={surname}&maxResultSet=2")).await;
    assert_eq!(numbers(&two.body), created[..2].to_vec());
    let p = app.get(&format!("/profiles?surname={surname}&firstName=p")).await;
    assert_eq!(p.body, json!([]), "a first name matches whole words, not letters");
}

#[tokio::test]
async fn paged_search_reports_totals_and_pages() {
    let app = TestApp::profiles().await;
    let surname = format!("Side{}", uuid::Uuid::new_v4().simple());
    let mut created = Vec::new();
    for _ in 0..5 {
        let mut body = app.new_profile(None);
        body["surname"] = json!(surname);
        created.push(number(&app.create(body).await));
    }
    created.sort();
    let first = app.get(&format!("/profiles-search?surname={surname}&perPage=2")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["totalItems"], 5);
    assert_eq!(first.body["totalPages"], 3);
    assert_eq!(numbers(&first.body["items"]), created[..2].to_vec());
    let last = app
        .get(&format!("/profiles-search?surname={surname}&perPage=2&page=2"))
        .await;
    assert_eq!(numbers(&last.body["items"]), created[4..].to_vec());
    let beyond = app
        .get(&format!("/profiles-search?surname={surname}&perPage=2&page=9"))
        .await;
    assert_eq!(beyond.body["items"], json!([]));
    assert_eq!(
        app.get(&format!("/profiles-search?surname={surname}&perPage=0"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/profiles-search?firstName=Ola").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn bulk_looks_up_by_numbers_or_references_in_request_order() {
    let app = TestApp::profiles().await;
    let mut made = Vec::new();
    for i in 0..3 {
        let mut body = app.new_profile(None);
        body["customerRef"] = json!(format!("bulk-{i}-{}", uuid::Uuid::new_v4().simple()));
        made.push(app.create(body).await);
    }
    let wanted = vec![number(&made[2]), 999_999_999_999, number(&made[0]), number(&made[2])];
    let r = app
        .post(
            "/profiles/bulk",
            json!({"customerNumbers": wanted, "includePreferences": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        numbers(&r.body),
        vec![number(&made[2]), number(&made[0])],
        "order kept, unknown and repeated left out"
    );
    assert_eq!(r.body[0]["preferences"], json!([]));

    let refs: Vec<Value> = vec![
        made[1]["customerRef"].clone(),
        json!("no-such-ref"),
        made[0]["customerRef"].clone(),
    ];
    let r = app.post("/profiles/bulk", json!({"customerReferences": refs})).await;
    assert_eq!(numbers(&r.body), vec![number(&made[1]), number(&made[0])]);
    // Numbers win when both are given.
    let r = app
        .post(
            "/profiles/bulk",
            json!({"customerNumbers": [number(&made[0])], "customerReferences": refs}),
        )
        .await;
    assert_eq!(numbers(&r.body), vec![number(&made[0])]);

    // Another organisation's numbers are not found.
    let token = format!("Bearer {}", app.token_for(app.org + 1));
    let r = app
        .call(
            Method::POST,
            "/profiles/bulk",
            Some(json!({"customerNumbers": [number(&made[0])]})),
            &[("authorization", &token)],
        )
        .await;
    assert_eq!(r.body, json!([]));
}

#[tokio::test]
async fn bulk_refuses_empty_oversized_and_malformed_requests() {
    let app = TestApp::profiles().await;
    let too_many: Vec<i64> = (1..=1001).collect();
    let r = app.post("/profiles/bulk", json!({"customerNumbers": too_many})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["message"].as_str().unwrap_or("").contains("1000"));
    let thousand: Vec<i64> = (1..=1000).collect();
    assert_eq!(
        app.post("/profiles/bulk", json!({"customerNumbers": thousand}))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.post("/profiles/bulk", json!({})).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.post("/profiles/bulk", json!({"customerNumbers": [-1]}))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let r = app.post("/profiles/bulk", json!({"customerNumbers": ["x"]})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error()["errors"][0]["field"], "customerNumbers[0]");
}
