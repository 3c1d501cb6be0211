//! Finding profiles: by each starting key, all parameters must match, paging, bulk lookups.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TestApp, email};
use customers_tests::checks::{assert_error, list_of, numbers};
use serde_json::{Value, json};

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
    assert_eq!(app.get(&format!("/profiles/{n}")).await.body, c);
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
        assert_eq!(r.body[0], c, "{query}: the profile as stored");
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
    assert_eq!(both.status, StatusCode::OK, "{}", both.text);
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
        assert_error(&r, StatusCode::BAD_REQUEST, 607, query);
        let message = r.body["message"].as_str().unwrap_or("");
        for name in ["email", "telephoneNumber", "customerRef", "vippsId", "surname"] {
            assert!(message.contains(name), "{message}");
        }
    }
    let r = app.get("/profiles?email=a@b.no&maxResultSet=5000").await;
    assert_error(&r, StatusCode::BAD_REQUEST, 603, "maxResultSet above the cap");
    list_of(&r.body["errors"], 1, "one field error");
    assert_eq!(r.body["errors"][0]["field"], "maxResultSet");
    let r = app
        .get(&format!("/profiles?email=a@b.no&organisationId={}", app.org + 1))
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, 630, "another organisation");
    let r = app.get("/profiles?email=a@b.no&ticketRightOwner=1").await;
    assert_error(&r, StatusCode::BAD_REQUEST, 604, "an unsupported parameter");
    list_of(&r.body["errors"], 1, "one field error");
    assert_eq!(r.body["errors"][0]["field"], "ticketRightOwner");
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
    // Created one after the other, the numbers ascend; the first names do not (so an answer in
    // name order or in any other order fails).
    assert!(
        created[0] < created[1] && created[1] < created[2] && created[2] < created[3],
        "{created:?}"
    );
    let all = app.get(&format!("/profiles?surname={surname}")).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(numbers(&all.body), created);
    let two = app.get(&format!("/profiles?surname={surname}&maxResultSet=2")).await;
    assert_eq!(two.status, StatusCode::OK, "{}", two.text);
    assert_eq!(numbers(&two.body), created[..2].to_vec());
    let p = app.get(&format!("/profiles?surname={surname}&firstName=p")).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
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
    assert!(created.windows(2).all(|w| w[0] < w[1]), "{created:?}");
    let first = app.get(&format!("/profiles-search?surname={surname}&perPage=2")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["totalItems"], 5);
    assert_eq!(first.body["totalPages"], 3);
    assert_eq!(numbers(&first.body["items"]), created[..2].to_vec());
    let middle = app
        .get(&format!("/profiles-search?surname={surname}&perPage=2&page=1"))
        .await;
    assert_eq!(middle.status, StatusCode::OK, "{}", middle.text);
    assert_eq!(numbers(&middle.body["items"]), created[2..4].to_vec());
    let last = app
        .get(&format!("/profiles-search?surname={surname}&perPage=2&page=2"))
        .await;
    assert_eq!(last.status, StatusCode::OK, "{}", last.text);
    assert_eq!(
        (&last.body["totalItems"], &last.body["totalPages"]),
        (&json!(5), &json!(3))
    );
    assert_eq!(numbers(&last.body["items"]), created[4..].to_vec());
    let beyond = app
        .get(&format!("/profiles-search?surname={surname}&perPage=2&page=9"))
        .await;
    assert_eq!(beyond.status, StatusCode::OK, "{}", beyond.text);
    assert_eq!(beyond.body["items"], json!([]));
    assert_eq!(
        (&beyond.body["totalItems"], &beyond.body["totalPages"]),
        (&json!(5), &json!(3))
    );
    let r = app.get(&format!("/profiles-search?surname={surname}&perPage=0")).await;
    assert_error(&r, StatusCode::BAD_REQUEST, 603, "perPage 0");
    assert_eq!(r.body["errors"][0]["field"], "perPage", "{}", r.text);
    assert_error(
        &app.get("/profiles-search?firstName=Ola").await,
        StatusCode::BAD_REQUEST,
        607,
        "no starting parameter",
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
    for (i, profile) in list_of(&r.body, 2, "two profiles").iter().enumerate() {
        assert_eq!(profile["preferences"], json!([]), "{i}: {profile}");
    }

    let refs: Vec<Value> = vec![
        made[1]["customerRef"].clone(),
        json!("no-such-ref"),
        made[0]["customerRef"].clone(),
    ];
    let r = app.post("/profiles/bulk", json!({"customerReferences": refs})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(numbers(&r.body), vec![number(&made[1]), number(&made[0])]);
    assert_eq!(r.body, json!([made[1], made[0]]), "the profiles as created");
    // Numbers win when both are given.
    let r = app
        .post(
            "/profiles/bulk",
            json!({"customerNumbers": [number(&made[0])], "customerReferences": refs}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
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
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!([]));
}

#[tokio::test]
async fn bulk_refuses_empty_oversized_and_malformed_requests() {
    let app = TestApp::profiles().await;
    let too_many: Vec<i64> = (1..=1001).collect();
    let r = app.post("/profiles/bulk", json!({"customerNumbers": too_many})).await;
    assert_error(&r, StatusCode::BAD_REQUEST, 602, "1001 numbers");
    assert!(r.body["message"].as_str().unwrap_or("").contains("1000"));
    // A thousand is allowed; this organisation holds none of those numbers.
    let thousand: Vec<i64> = (1..=1000).collect();
    let r = app.post("/profiles/bulk", json!({"customerNumbers": thousand})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!([]));
    assert_error(
        &app.post("/profiles/bulk", json!({})).await,
        StatusCode::BAD_REQUEST,
        601,
        "neither numbers nor references",
    );
    let r = app.post("/profiles/bulk", json!({"customerNumbers": [-1]})).await;
    assert_error(&r, StatusCode::BAD_REQUEST, 603, "a negative number");
    let r = app.post("/profiles/bulk", json!({"customerNumbers": ["x"]})).await;
    assert_error(&r, StatusCode::BAD_REQUEST, 606, "a number that is text");
    list_of(&r.body["errors"], 1, "one field error");
    assert_eq!(r.body["errors"][0]["field"], "customerNumbers[0]");
}
