//! Creating permanent profiles: the docs' example, defaults, uniqueness, validation, idempotency.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TestApp, email};
use customers_tests::checks::{Snapshot, assert_error, assert_reads_back, list_of, numbers};
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

    let fetched = assert_reads_back(&app, &format!("/profiles/{number}"), &created.body).await;
    assert_eq!(fetched.header("etag"), Some("\"1\""));

    let found = app.get(&format!("/profiles?email={address}&surname=Nordmann")).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(numbers(&found.body), vec![number]);

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
    assert_error(&hidden, StatusCode::NOT_FOUND, 704, "another organisation's profile");
    assert_error(&missing, StatusCode::NOT_FOUND, 704, "a missing profile");
    assert_eq!(hidden.body["message"], missing.body["message"]);
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

    assert_reads_back(&app, &format!("/profiles/{number}"), &c).await;

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
    assert_reads_back(&app, &format!("/profiles/{}", c["customerNumber"]), &c).await;

    let address = email("lang");
    let mut body = app.new_profile(Some(&address));
    body["languagePreference"] = json!("EN");
    body["languagePreferenceISO6393"] = json!("NOB");
    let r = app.post("/profiles", body).await;
    assert_error(&r, StatusCode::BAD_REQUEST, 604, "languages that disagree");
    list_of(&r.body["errors"], 1, "one field error");
    assert_eq!(r.body["errors"][0]["field"], "languagePreference", "{}", r.text);
    assert_eq!(
        app.get(&format!("/profiles?email={address}")).await.body,
        json!([]),
        "nothing was created"
    );
}

#[tokio::test]
async fn placeholder_names_are_stored_as_empty_strings() {
    let app = TestApp::profiles().await;
    let mut body = app.new_profile(None);
    body["firstName"] = json!("IKKE SATT");
    body["surname"] = json!("ikkesatt");
    let c = app.create(body).await;
    assert_eq!((c["firstName"].as_str(), c["surname"].as_str()), (Some(""), Some("")));
    assert_reads_back(&app, &format!("/profiles/{}", c["customerNumber"]), &c).await;
}

#[tokio::test]
async fn email_is_unique_per_organisation_ignoring_case() {
    let app = TestApp::profiles().await;
    let address = email("unique");
    let first = app.create(app.new_profile(Some(&address))).await;
    let before = Snapshot::take(&app, &format!("/profiles/{}", first["customerNumber"])).await;
    assert_eq!(before.body, first, "the create's answer is what is stored");
    let again = app
        .post("/profiles", app.new_profile(Some(&address.to_uppercase())))
        .await;
    assert_error(&again, StatusCode::CONFLICT, 620, "a taken email");
    list_of(&again.body["errors"], 1, "one field error");
    assert_eq!(again.body["errors"][0]["field"], "email");
    before.assert_unchanged(&app, "the refused create").await;
    assert_eq!(
        numbers(&app.get(&format!("/profiles?email={address}")).await.body),
        vec![first["customerNumber"].as_i64().unwrap_or(0)],
        "the email still finds only the first profile"
    );

    // The same address in another organisation is a different customer.
    let mut elsewhere = app.new_profile(Some(&address));
    let other = app.org + 1;
    elsewhere["organisationId"] = json!(other);
    let token = format!("Bearer {}", app.token_for(other));
    let r = app
        .call(Method::POST, "/profiles", Some(elsewhere), &[("authorization", &token)])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["organisationId"], other);
    assert_eq!(r.body["email"], address.as_str());
    assert_ne!(r.body["customerNumber"], first["customerNumber"]);
    let read = app
        .call(
            Method::GET,
            &format!("/profiles/{}", r.body["customerNumber"]),
            None,
            &[("authorization", &token)],
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body, r.body);
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
        let (winner, loser) = if a.status == StatusCode::CREATED {
            (&a, &b)
        } else {
            (&b, &a)
        };
        assert_eq!(
            winner.status,
            StatusCode::CREATED,
            "round {round}: {} / {}",
            a.text,
            b.text
        );
        assert_error(loser, StatusCode::CONFLICT, 620, &format!("round {round}"));
        let found = app.get(&format!("/profiles?email={address}")).await;
        assert_eq!(
            numbers(&found.body),
            vec![winner.body["customerNumber"].as_i64().unwrap_or(0)],
            "exactly the winner holds the email"
        );
        assert_eq!(found.body[0], winner.body);
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
    assert_error(&dup, StatusCode::CONFLICT, 621, "a taken reference");
    list_of(&dup.body["errors"], 1, "one field error");
    assert_eq!(dup.body["errors"][0]["field"], "customerRef");

    // The lookup finds the first profile, unchanged by the refused create.
    let by_ref = assert_reads_back(&app, &format!("/profiles/customer-ref/{reference}"), &c).await;
    assert_eq!(by_ref.header("etag"), Some("\"1\""));
    assert_error(
        &app.get("/profiles/customer-ref/no-such-ref").await,
        StatusCode::NOT_FOUND,
        704,
        "an unknown reference",
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
    assert_reads_back(&app, &format!("/profiles/{}", first + 3), &c).await;
    assert_reads_back(&app, &format!("/profiles/{}", first + 1), &s).await;
    assert_error(
        &app.get(&format!("/profiles/{}", first + 2)).await,
        StatusCode::NOT_FOUND,
        704,
        "the skipped number",
    );
}

#[tokio::test]
async fn a_body_for_another_organisation_is_forbidden() {
    let app = TestApp::profiles().await;
    let address = email("foreign");
    let mut body = app.new_profile(Some(&address));
    body["organisationId"] = json!(app.org + 1);
    let r = app.post("/profiles", body).await;
    assert_error(&r, StatusCode::FORBIDDEN, 630, "another organisation in the body");
    assert!(r.body["message"].as_str().unwrap_or("").contains("organisation"));
    // Nothing was created, in either organisation.
    assert_eq!(app.get(&format!("/profiles?email={address}")).await.body, json!([]));
    let token = format!("Bearer {}", app.token_for(app.org + 1));
    let theirs = app
        .call(
            Method::GET,
            &format!("/profiles?email={address}"),
            None,
            &[("authorization", &token)],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);
    assert_eq!(theirs.body, json!([]));
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
        assert_eq!(e["errorCode"], 601, "{field}: {e}");
        list_of(&e["errors"], 1, field);
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
        assert_eq!(e["errorCode"], 602, "{field}: {e}");
        list_of(&e["errors"], 1, field);
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
    let (status, e) = rejected(&app, json!({"email": long_email})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["errorCode"], 602, "{e}");
    list_of(&e["errors"], 1, "a long email");
    assert_eq!(e["errors"][0]["field"], "email");
    // Several problems are reported together.
    let (status, e) = rejected(
        &app,
        json!({"firstName": null, "email": "not-an-email", "nationality": "NO"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let mut fields: Vec<&str> = list_of(&e["errors"], 3, "three problems")
        .iter()
        .map(|x| x["field"].as_str().unwrap_or(""))
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["email", "firstName", "nationality"], "{e}");
    // Nothing half-written: the email of a refused request is still free.
    let address = email("refused");
    let (status, e) = rejected(&app, json!({"email": address, "nationality": "XXX"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(e["errors"][0]["field"], "nationality", "{e}");
    assert_eq!(app.get(&format!("/profiles?email={address}")).await.body, json!([]));
    let c = app.create(app.new_profile(Some(&address))).await;
    assert_eq!(c["email"], address.as_str());
}

#[tokio::test]
async fn formats_of_codes_and_dates_are_checked() {
    let app = TestApp::profiles().await;
    for (field, bad, code) in [
        ("nationality", "NO", 603),
        ("nationality", "XYZ", 603),
        ("dateOfBirth", "17.05.1990", 603),
        ("dateOfBirth", "2999-01-01", 604),
        ("expirationDate", "soon", 603),
        ("expirationDate", "2001-01-01", 604),
        ("profileType", "X", 604),
        ("profileType", "T", 604),
        ("languagePreferenceISO6393", "QQQ", 603),
        ("email", "ola@", 603),
        ("password", " ", 601),
        ("password", "abc", 602),
    ] {
        let (status, e) = rejected(&app, json!({ field: bad })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}={bad}");
        assert_eq!(e["errorCode"], code, "{field}={bad}: {e}");
        list_of(&e["errors"], 1, &format!("{field}={bad}"));
        assert_eq!(e["errors"][0]["field"], field, "{field}={bad}: {e}");
        assert_eq!(e["errors"][0]["errorCode"], code, "{field}={bad}: {e}");
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
    assert_reads_back(&app, &format!("/profiles/{}", ok["customerNumber"]), &ok).await;
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
        list_of(&e["errors"], 1, &patch.to_string());
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
    assert_reads_back(&app, &format!("/profiles/{}", c["customerNumber"]), &c).await;
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
    let number = first.body["customerNumber"].as_i64().unwrap_or(0);
    let stored = assert_reads_back(&app, &format!("/profiles/{number}"), &first.body).await;
    assert_eq!(stored.header("etag"), Some("\"1\""), "written once");
    let found = app.get(&format!("/profiles?email={address}")).await;
    assert_eq!(numbers(&found.body), vec![number]);

    // The same key with another body, or another password, is refused.
    let mut other = body.clone();
    other["firstName"] = json!("Kari");
    let r = app
        .call(Method::POST, "/profiles", Some(other), &[("idempotency-key", &key)])
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, 650, "the key with another body");
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
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        650,
        "the key with another password",
    );
    let stored = assert_reads_back(&app, &format!("/profiles/{number}"), &first.body).await;
    assert_eq!(
        stored.header("etag"),
        Some("\"1\""),
        "the refused retries changed nothing"
    );
    assert_eq!(
        numbers(&app.get(&format!("/profiles?email={address}")).await.body),
        vec![number]
    );
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
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.header("idempotent-replayed").is_none());
    assert_eq!(r.body["organisationId"], other_org);
    assert_ne!(r.body["customerNumber"], number, "a profile of its own");
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
    assert_eq!(a.body, b.body);
    let number = a.body["customerNumber"].as_i64().unwrap_or(0);
    assert_reads_back(&app, &format!("/profiles/{number}"), &a.body).await;
    let found = app.get(&format!("/profiles?email={address}")).await;
    assert_eq!(numbers(&found.body), vec![number]);
    let bad = app
        .call(
            Method::POST,
            "/profiles",
            Some(body),
            &[("idempotency-key", "has space")],
        )
        .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, 608, "a malformed key");
    assert_eq!(
        numbers(&app.get(&format!("/profiles?email={address}")).await.body),
        vec![number],
        "the refused request created nothing"
    );
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
