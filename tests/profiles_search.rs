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
    for (query, names) in [
        (
            "",
            &[
                "email",
                "telephoneNumber",
                "customerRef",
                "vippsId",
                "dateOfBirth",
                "postCode",
                "firstName",
            ][..],
        ),
        (
            "includeTemporary=true&maxResultSet=5",
            &["email", "surname", "landlineNumber"][..],
        ),
        (
            "countryCode=%2B47",
            &["countryCode alone", "add telephoneNumberNoCountryCode"][..],
        ),
        (
            "postalAddress=storgata",
            &["postalAddress only narrows", "add postCode"][..],
        ),
        ("postalAddress=storgata&countryCode=%2B47", &["add postCode"][..]),
    ] {
        let r = app.get(&format!("/profiles?{query}")).await;
        assert_error(&r, StatusCode::BAD_REQUEST, 607, query);
        let message = r.body["message"].as_str().unwrap_or("");
        for name in names {
            assert!(message.contains(name), "{query}: {message}");
        }
        let paged = app.get(&format!("/profiles-search?{query}")).await;
        assert_error(&paged, StatusCode::BAD_REQUEST, 607, query);
        assert_eq!(paged.body["message"], r.body["message"], "{query}");
    }
    for (query, field) in [
        ("postCode=", "postCode"),
        ("telephoneNumberNoCountryCode=4123-4567", "telephoneNumberNoCountryCode"),
        ("countryCode=47", "countryCode"),
    ] {
        let r = app.get(&format!("/profiles?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.text);
        assert_eq!(r.body["errors"][0]["field"], field, "{query}: {}", r.text);
    }
    let long = "1".repeat(21);
    let r = app.get(&format!("/profiles?postCode={long}")).await;
    assert_error(&r, StatusCode::BAD_REQUEST, 602, "a post code longer than any");
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

/// A profile body for the organisation `org` with the values every search below looks for.
fn kari(org: i64, first: &str, surname: &str, country_code: &str, line: &str) -> Value {
    json!({
        "firstName": first, "surname": surname, "createdBy": "test", "createdByChannel": "test",
        "organisationId": org, "countryCode": country_code, "telephoneNumberNoCountryCode": "41234567",
        "landlineNumber": "+4722123456", "dateOfBirth": "1990-05-17", "vippsId": "vipps-w",
        "postalAddresses": [{"addressLine1": line, "postCode": "0150", "town": "Oslo"}]
    })
}

#[tokio::test]
async fn every_parameter_starts_a_search_alone_and_finds_exactly_the_matching_profiles() {
    let app = TestApp::profiles().await;
    let w_email = email("wanted");
    let in_minutes = |m: i64| (chrono::Utc::now() + chrono::Duration::minutes(m)).to_rfc3339();

    // Deactivated: every value of the wanted profile, its email included (moved to emailOld).
    let mut d = kari(app.org, "Kari Anne", "Fjellheim", "+47", "Storgata 1");
    d["email"] = json!(w_email);
    let d = number(&app.create(d).await);
    let deactivate = json!({"expirationDate": in_minutes(72 * 60), "changedBy": "t", "changedByChannel": "t"});
    let r = app.post(&format!("/profiles/{d}/deactivate"), deactivate).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The wanted profile, and a second match that shares some of its values.
    let mut w = kari(app.org, "Kari Anne", "Fjellheim", "+47", "Storgata 1");
    w["email"] = json!(w_email);
    w["customerRef"] = json!("ref-w");
    let w = number(&app.create(w).await);
    let mut t = kari(app.org, "Kari", "Berg", "+45", "Kirkeveien 2");
    t["vippsId"] = json!("vipps-t");
    let t = number(&app.create(t).await);
    // Near misses: a first name that only begins like "Kari", another day, number and code.
    let mut n = kari(app.org, "Karina", "Fjellheim", "+47", "Storgata 1");
    n["telephoneNumberNoCountryCode"] = json!("41234568");
    n["landlineNumber"] = json!("+4722123457");
    n["dateOfBirth"] = json!("1990-05-18");
    n["vippsId"] = json!("vipps-n");
    n["postalAddresses"] = json!([{"addressLine1": "Storgata 1", "postCode": "0151", "town": "Oslo"}]);
    let n = number(&app.create(n).await);
    // Expired by the time of the searches: every value of the wanted profile.
    let mut e = kari(app.org, "Kari Anne", "Fjellheim", "+47", "Storgata 1");
    e["expirationDate"] = json!(in_minutes(30));
    let e = number(&app.create(e).await);
    // Another organisation's twin, with the same email and reference.
    let other = app.org + 1;
    let mut o = kari(other, "Kari Anne", "Fjellheim", "+47", "Storgata 1");
    o["email"] = json!(w_email);
    o["customerRef"] = json!("ref-w");
    let token = format!("Bearer {}", app.token_for(other));
    let r = app
        .call(Method::POST, "/profiles", Some(o), &[("authorization", &token)])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let o = number(&r.body);
    // A temporary twin, found only with includeTemporary=true.
    let temporary = json!({
        "createdBy": "t", "createdByChannel": "t", "expirationDate": in_minutes(48 * 60), "email": w_email,
        "firstName": "Kari Anne", "surname": "Fjellheim", "countryCode": "+47",
        "telephoneNumberNoCountryCode": "41234567", "landlineNumber": "+4722123456", "dateOfBirth": "1990-05-17"
    });
    let r = app.post("/profiles/temporary", temporary).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let tmp = number(&r.body);
    let r = app
        .post(
            &format!("/profiles/{tmp}/postal-addresses"),
            json!({"addressLine1": "Storgata 1", "postCode": "0150", "town": "Oslo"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Past the expiry, within the tokens' hour.
    app.clock.advance(chrono::Duration::minutes(40));
    let never = [d, e, o];
    let sorted = |mut v: Vec<i64>| {
        v.sort();
        v
    };

    for (query, expected) in [
        // Each parameter alone.
        ("firstName=Kari", vec![w, t]),
        ("firstName=kari%20anne", vec![w]),
        ("surname=Fjellheim", vec![w, n]),
        ("dateOfBirth=1990-05-17", vec![w, t]),
        ("postCode=0150", vec![w, t]),
        ("landlineNumber=%2B4722123456", vec![w, t]),
        ("landlineNumber=22123456", vec![w, t]),
        ("telephoneNumberNoCountryCode=41234567", vec![w, t]),
        ("countryCode=%2B47&telephoneNumberNoCountryCode=41234567", vec![w]),
        ("telephoneNumber=%2B4541234567", vec![t]),
        ("vippsId=vipps-w", vec![w]),
        ("customerRef=ref-w", vec![w]),
        (&*format!("email={}", w_email.to_uppercase()), vec![w]),
        // Combinations narrow.
        ("firstName=Kari&dateOfBirth=1990-05-17", vec![w, t]),
        ("firstName=Kari&surname=Berg", vec![t]),
        ("postCode=0150&surname=Fjellheim", vec![w]),
        (
            "dateOfBirth=1990-05-17&countryCode=%2B45&telephoneNumberNoCountryCode=41234567",
            vec![t],
        ),
        ("postCode=0150&postalAddress=storgata", vec![w]),
        ("landlineNumber=%2B4722123456&firstName=Kari%20Anne", vec![w]),
        ("firstName=Kari&countryCode=%2B47", vec![w, t]),
        ("dateOfBirth=1990-05-18&postCode=0150", vec![]),
        // Temporary profiles only when asked for.
        ("dateOfBirth=1990-05-17&includeTemporary=true", vec![w, t, tmp]),
        ("postCode=0150&includeTemporary=true", vec![w, t, tmp]),
        (
            "telephoneNumberNoCountryCode=41234567&includeTemporary=true",
            vec![w, t, tmp],
        ),
        ("firstName=Kari%20Anne&includeTemporary=true", vec![w, tmp]),
    ] {
        let r = app.get(&format!("/profiles?{query}")).await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
        let found = numbers(&r.body);
        assert_eq!(found, sorted(expected.clone()), "{query}");
        assert!(found.iter().all(|f| !never.contains(f)), "{query}: {found:?}");
        let paged = app.get(&format!("/profiles-search?{query}&perPage=1")).await;
        assert_eq!(paged.status, StatusCode::OK, "{query}: {}", paged.text);
        assert_eq!(paged.body["totalItems"], json!(expected.len()), "{query}");
        assert_eq!(paged.body["totalPages"], json!(expected.len()), "{query}");
        let mut pages = Vec::new();
        for page in 0..expected.len() {
            let r = app
                .get(&format!("/profiles-search?{query}&perPage=1&page={page}"))
                .await;
            pages.extend(numbers(&r.body["items"]));
        }
        assert_eq!(pages, sorted(expected), "{query}: every page in order");
    }
    let w_profile = app.get(&format!("/profiles/{w}")).await;
    let found = app.get("/profiles?postCode=0150&surname=Fjellheim").await;
    assert_eq!(found.body, json!([w_profile.body]), "the profile as stored");
    // The other organisation finds its own twin only.
    let r = app
        .call(
            Method::GET,
            "/profiles?dateOfBirth=1990-05-17",
            None,
            &[("authorization", &token)],
        )
        .await;
    assert_eq!(numbers(&r.body), vec![o]);
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
        &app.get("/profiles-search?countryCode=%2B47").await,
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
