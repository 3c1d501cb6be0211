//! Creating permanent profiles: the docs' example, defaults, uniqueness, validation, idempotency.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TestApp, email};
use serde_json::{Value, json};

#[tokio::test]
async fn the_docs_example_creates_reads_finds_and_hides_from_other_organisations() {
    let app = TestApp::profiles().await;
    let address = email("ola");
    let body = json!({"firstName": "Ola", "surname": "Nordmann", "email": address, "languagePreference": "NO",
        "createdBy": "test", "createdByChannel": "test", "organisationId": app.org, "password": "abcD123"});
    let created = app.post("/profiles", body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let number = created.body["customerNumber"].as_i64().unwrap_or(0);
    assert!(number > 0);
    assert_eq!(created.header("location"), Some(format!("/profiles/{number}").as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert!(
        created.body.get("password").is_none() && !created.text.contains("abcD123"),
        "password never returned"
    );
    assert!(!created.text.contains("argon2"), "hash never returned");

    let fetched = app.get(&format!("/profiles/{number}")).await;
    assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.text);
    assert_eq!(fetched.body, created.body);

    let found = app.get(&format!("/profiles?email={address}&surname=Nordmann")).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    let numbers: Vec<i64> = found
        .body
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["customerNumber"].as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(numbers, vec![number]);

    // Another organisation sees nothing: 404 exactly as for a missing profile, and no search hit.
    let other = app.org + 1;
    let token = app.token_for(other);
    let auth = format!("Bearer {token}");
    let hidden = app
        .call(
            Method::GET,
            &format!("/profiles/{number}"),
            None,
            &[("authorization", &auth)],
        )
        .await;
    let missing = app
        .call(Method::GET, "/profiles/999999999999", None, &[("authorization", &auth)])
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.body["message"], missing.body["message"]);
    assert_eq!(hidden.error_code(), missing.error_code());
    let search = app
        .call(
            Method::GET,
            &format!("/profiles?email={address}"),
            None,
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(search.status, StatusCode::OK);
    assert_eq!(search.body, json!([]));
}

#[tokio::test]
async fn defaults_and_assigned_values_follow_the_contract() {
    let app = TestApp::profiles().await;
    let c = app.create(app.new_profile(None)).await;
    let number = c["customerNumber"].as_i64().unwrap_or(0);
    assert_eq!(c["status"], "A");
    assert_eq!(c["profileType"], "S");
    assert_eq!(c["languagePreferenceISO6393"], "NOB");
    assert_eq!(c["languagePreference"], "NO");
    assert_eq!(
        c["customerRef"],
        number.to_string(),
        "customerRef defaults to the customer number"
    );
    assert_eq!(c["organisationId"], app.org);
    assert_eq!(c["createdBy"], "test");
    assert_eq!(c["changedBy"], "test");
    assert_eq!(c["createdByChannel"], "test");
    assert_eq!(c["createdAt"], c["changedAt"]);
    let uuid = c["uuid"].as_str().unwrap_or("");
    assert_eq!(uuid.len(), 32);
    assert!(uuid.chars().all(|ch| ch.is_ascii_alphanumeric()));
    let created_at = c["createdAt"].as_str().unwrap_or("");
    assert!(
        created_at.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(created_at).is_ok(),
        "{created_at}"
    );

    let other = app.create(app.new_profile(None)).await;
    assert_ne!(other["customerNumber"], c["customerNumber"], "numbers are unique");
    assert_ne!(other["uuid"], c["uuid"]);
}

#[tokio::test]
async fn language_preference_is_kept_in_step_both_ways() {
    let app = TestApp::profiles().await;
    let mut body = app.new_profile(None);
    body.as_object_mut().map(|o| o.remove("languagePreference"));
    body["languagePreferenceISO6393"] = json!("ENG");
    let c = app.create(body).await;
    assert_eq!(
        (
            c["languagePreferenceISO6393"].as_str(),
            c["languagePreference"].as_str()
        ),
        (Some("ENG"), Some("EN"))
    );

    let mut body = app.new_profile(None);
    body["languagePreference"] = json!("EN");
    body["languagePreferenceISO6393"] = json!("NOB");
    let r = app.post("/profiles", body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
}

#[tokio::test]
async fn placeholder_names_are_stored_as_empty_strings() {
    let app = TestApp::profiles().await;
    let mut body = app.new_profile(None);
    body["firstName"] = json!("IKKE SATT");
    body["surname"] = json!("ikkesatt");
    let c = app.create(body).await;
    assert_eq!((c["firstName"].as_str(), c["surname"].as_str()), (Some(""), Some("")));
}

#[tokio::test]
async fn email_is_unique_per_organisation_ignoring_case() {
    let app = TestApp::profiles().await;
    let address = email("unique");
    app.create(app.new_profile(Some(&address))).await;
    let again = app
        .post("/profiles", app.new_profile(Some(&address.to_uppercase())))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert_eq!(again.error_code(), 620);
    assert_eq!(again.body["errors"][0]["field"], "email");

    // The same address in another organisation is a different customer.
    let mut elsewhere = app.new_profile(Some(&address));
    let other = app.org + 1;
    elsewhere["organisationId"] = json!(other);
    let token = format!("Bearer {}", app.token_for(other));
    let r = app
        .call(Method::POST, "/profiles", Some(elsewhere), &[("authorization", &token)])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn two_concurrent_creates_with_one_email_let_exactly_one_win() {
    let app = TestApp::profiles().await;
    let address = email("race");
    for round in 0..3 {
        let address = format!("{round}.{address}");
        let (a, b) = tokio::join!(
            app.post("/profiles", app.new_profile(Some(&address))),
            app.post("/profiles", app.new_profile(Some(&address)))
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "round {round}: {} / {}", a.text, b.text);
        let found = app.get(&format!("/profiles?email={address}")).await;
        assert_eq!(
            found.body.as_array().map(Vec::len),
            Some(1),
            "exactly one profile holds the email"
        );
    }
}

#[tokio::test]
async fn customer_ref_is_unique_per_organisation_and_found_by_lookup() {
    let app = TestApp::profiles().await;
    let reference = format!("crm-{}", uuid::Uuid::new_v4().simple());
    let mut body = app.new_profile(None);
    body["customerRef"] = json!(reference);
    let c = app.create(body.clone()).await;
    let dup = app.post("/profiles", body).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.error_code(), 621);

    let by_ref = app.get(&format!("/profiles/customer-ref/{reference}")).await;
    assert_eq!(by_ref.status, StatusCode::OK, "{}", by_ref.text);
    assert_eq!(by_ref.body["customerNumber"], c["customerNumber"]);
    assert!(by_ref.header("etag").is_some());
    assert_eq!(
        app.get("/profiles/customer-ref/no-such-ref").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_number_whose_default_reference_is_taken_is_skipped() {
    // A fresh app reserves a fresh block of numbers, so its numbers run consecutively.
    let app = TestApp::profiles().await;
    let probe = app.create(app.new_profile(None)).await;
    let first = probe["customerNumber"].as_i64().unwrap_or(0);
    // A client takes, as its own reference, the number the profile after next would get.
    let mut squatter = app.new_profile(None);
    squatter["customerRef"] = json!((first + 2).to_string());
    let s = app.create(squatter).await;
    assert_eq!(s["customerNumber"], first + 1);
    let c = app.create(app.new_profile(None)).await;
    assert_eq!(c["customerNumber"], first + 3, "number {} was skipped", first + 2);
    assert_eq!(c["customerRef"], (first + 3).to_string());
    assert_eq!(
        app.get(&format!("/profiles/{}", first + 2)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_body_for_another_organisation_is_forbidden() {
    let app = TestApp::profiles().await;
    let mut body = app.new_profile(None);
    body["organisationId"] = json!(app.org + 1);
    let r = app.post("/profiles", body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(r.error_code(), 630);
    assert!(r.body["message"].as_str().unwrap_or("").contains("organisation"));
}

async fn rejected(app: &TestApp, patch: Value) -> (StatusCode, Value) {
    let mut body = app.new_profile(None);
    if let (Some(b), Some(p)) = (body.as_object_mut(), patch.as_object()) {
        for (k, v) in p {
            if v.is_null() {
                b.remove(k);
            } else {
                b.insert(k.clone(), v.clone());
            }
        }
    }
    let r = app.post("/profiles", body).await;
    let errors = r.error().clone();
    (r.status, errors)
}

#[tokio::test]
async fn required_fields_and_lengths_are_enforced_with_field_errors() {
    let app = TestApp::profiles().await;
    for field in [
        "firstName",
        "surname",
        "createdBy",
        "createdByChannel",
        "organisationId",
    ] {
        let (status, e) = rejected(&app, json!({ field: null })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}");
        assert_eq!(e["errors"][0]["field"], field);
        assert_eq!(e["errors"][0]["errorCode"], 601);
    }
    for (field, limit) in [
        ("createdBy", 100),
        ("createdByChannel", 100),
        ("customerRef", 40),
        ("firstName", 100),
        ("customerAccountId", 60),
    ] {
        let (status, e) = rejected(&app, json!({ field: "x".repeat(limit + 1) })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}");
        assert_eq!(e["errors"][0]["field"], field);
        assert_eq!(e["errors"][0]["errorCode"], 602);
        assert!(
            e["errors"][0]["defaultMessage"]
                .as_str()
                .unwrap_or("")
                .contains(&limit.to_string())
        );
    }
    let long_email = format!("{}@example.org", "a".repeat(70));
    assert_eq!(
        rejected(&app, json!({"email": long_email})).await.0,
        StatusCode::BAD_REQUEST
    );
    // Several problems are reported together.
    let (_, e) = rejected(
        &app,
        json!({"firstName": null, "email": "not-an-email", "nationality": "NO"}),
    )
    .await;
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.contains(&"firstName") && fields.contains(&"email") && fields.contains(&"nationality"),
        "{fields:?}"
    );
    // Nothing half-written: the email of a refused request is still free.
    let address = email("refused");
    let (status, _) = rejected(&app, json!({"email": address, "nationality": "XXX"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.create(app.new_profile(Some(&address))).await;
}

#[tokio::test]
async fn formats_of_codes_and_dates_are_checked() {
    let app = TestApp::profiles().await;
    for (field, bad) in [
        ("nationality", "NO"),
        ("nationality", "XYZ"),
        ("dateOfBirth", "17.05.1990"),
        ("dateOfBirth", "2999-01-01"),
        ("expirationDate", "soon"),
        ("expirationDate", "2001-01-01"),
        ("profileType", "X"),
        ("profileType", "T"),
        ("languagePreferenceISO6393", "QQQ"),
        ("email", "ola@"),
        ("password", " "),
        ("password", "abc"),
    ] {
        let (status, e) = rejected(&app, json!({ field: bad })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}={bad}");
        assert_eq!(e["errors"][0]["field"], field, "{field}={bad}: {e}");
    }
    let ok = app
        .create({
            let mut b = app.new_profile(None);
            b["nationality"] = json!("swe");
            b["dateOfBirth"] = json!("1990-05-17");
            b["profileType"] = json!("P");
            b
        })
        .await;
    assert_eq!(ok["nationality"], "SWE");
    assert_eq!(ok["dateOfBirth"], json!({"year": 1990, "month": 5, "day": 17}));
    assert_eq!(ok["profileType"], "P");
}

#[tokio::test]
async fn every_telephone_field_error_is_400_with_code_605() {
    let app = TestApp::profiles().await;
    for patch in [
        json!({"countryCode": "47", "telephoneNumberNoCountryCode": "91234567"}),
        json!({"countryCode": "+47", "telephoneNumberNoCountryCode": "123"}),
        json!({"countryCode": "+47"}),
        json!({"telephoneNumberNoCountryCode": "91234567"}),
        json!({"countryCode": "+4712", "telephoneNumberNoCountryCode": "91234567"}),
        json!({"telephoneNumber": "call me"}),
        json!({"landlineNumber": "12"}),
        json!({"countryCode": "+47", "telephoneNumberNoCountryCode": "91234567", "telephoneNumber": "+4799999999"}),
    ] {
        let (status, e) = rejected(&app, patch.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{patch}");
        assert_eq!(e["errorCode"], 605, "{patch}: {e}");
        assert_eq!(e["errors"][0]["errorCode"], 605, "{patch}");
    }
    let c = app
        .create({
            let mut b = app.new_profile(None);
            b["telephoneNumber"] = json!("+47 912 34 567");
            b
        })
        .await;
    assert_eq!(c["countryCode"], "+47");
    assert_eq!(c["telephoneNumberNoCountryCode"], "91234567");
    assert_eq!(c["telephoneNumber"], "+4791234567");
}

#[tokio::test]
async fn a_retried_create_with_the_same_idempotency_key_creates_nothing_new() {
    let app = TestApp::profiles().await;
    let key = uuid::Uuid::new_v4().to_string();
    let address = email("idem");
    let mut body = app.new_profile(Some(&address));
    body["password"] = json!("abcD123");
    let first = app
        .call(
            Method::POST,
            "/profiles",
            Some(body.clone()),
            &[("idempotency-key", &key)],
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let again = app
        .call(
            Method::POST,
            "/profiles",
            Some(body.clone()),
            &[("idempotency-key", &key)],
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.body, first.body, "the first answer, again");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("etag"), first.header("etag"));
    let found = app.get(&format!("/profiles?email={address}")).await;
    assert_eq!(found.body.as_array().map(Vec::len), Some(1));

    // The same key with another body, or another password, is refused.
    let mut other = body.clone();
    other["firstName"] = json!("Kari");
    let r = app
        .call(Method::POST, "/profiles", Some(other), &[("idempotency-key", &key)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_code(), 650);
    let mut other_password = body.clone();
    other_password["password"] = json!("zzzZ999");
    let r = app
        .call(
            Method::POST,
            "/profiles",
            Some(other_password),
            &[("idempotency-key", &key)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // Keys belong to the organisation: the same key elsewhere is a fresh key.
    let other_org = app.org + 1;
    let mut elsewhere = body.clone();
    elsewhere["organisationId"] = json!(other_org);
    let token = format!("Bearer {}", app.token_for(other_org));
    let r = app
        .call(
            Method::POST,
            "/profiles",
            Some(elsewhere),
            &[("idempotency-key", &key), ("authorization", &token)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.header("idempotent-replayed").is_none());
}

#[tokio::test]
async fn concurrent_retries_with_one_idempotency_key_create_one_profile() {
    let app = TestApp::profiles().await;
    let key = uuid::Uuid::new_v4().to_string();
    let address = email("idem-race");
    let body = app.new_profile(Some(&address));
    let headers = [("idempotency-key", key.as_str())];
    let (a, b) = tokio::join!(
        app.call(Method::POST, "/profiles", Some(body.clone()), &headers),
        app.call(Method::POST, "/profiles", Some(body.clone()), &headers)
    );
    assert_eq!(
        (a.status, b.status),
        (StatusCode::CREATED, StatusCode::CREATED),
        "{} / {}",
        a.text,
        b.text
    );
    assert_eq!(a.body["customerNumber"], b.body["customerNumber"]);
    let found = app.get(&format!("/profiles?email={address}")).await;
    assert_eq!(found.body.as_array().map(Vec::len), Some(1));
    let bad = app
        .call(
            Method::POST,
            "/profiles",
            Some(body),
            &[("idempotency-key", "has space")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_password_is_stored_only_as_an_argon2id_hash() {
    let app = TestApp::profiles().await;
    let mut body = app.new_profile(None);
    body["password"] = json!("abcD123");
    let c = app.create(body).await;
    let number = c["customerNumber"].as_i64().unwrap_or(0);
    let item = app
        .client
        .get_item()
        .table_name(customers_tests::app::TEST_TABLE)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("CUSTOMER#{}#{number}", app.org)),
        )
        .key("sk", aws_sdk_dynamodb::types::AttributeValue::S("PROFILE".into()))
        .send()
        .await
        .ok()
        .and_then(|o| o.item)
        .unwrap_or_default();
    let stored = format!("{item:?}");
    assert!(!stored.contains("abcD123"), "plain password must not be stored");
    match item.get("passwordHash") {
        Some(aws_sdk_dynamodb::types::AttributeValue::S(h)) => {
            assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}")
        }
        other => panic!("no hash stored: {other:?}"),
    }
}
