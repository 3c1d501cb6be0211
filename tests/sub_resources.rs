//! Everything that hangs off a profile: addresses, accounts, preferences, ecards, notes.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TestApp, TestResponse, email};
use serde_json::{Value, json};

async fn profile(app: &TestApp) -> i64 {
    app.create(app.new_profile(Some(&email("sub")))).await["customerNumber"]
        .as_i64()
        .unwrap_or(0)
}

async fn patch(app: &TestApp, path: &str, body: Value) -> TestResponse {
    app.call(
        Method::PATCH,
        path,
        Some(body),
        &[("content-type", "application/merge-patch+json")],
    )
    .await
}

fn ids(v: &Value, field: &str) -> Vec<Value> {
    v.as_array()
        .map(|a| a.iter().map(|x| x[field].clone()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn postal_addresses_are_added_replaced_removed_and_embedded_in_the_profile() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let path = format!("/profiles/{n}/postal-addresses");
    let added = app
        .post(
            &path,
            json!({"addressLine1": "Storgata 1", "postCode": "0150", "town": "Oslo"}),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(
        (added.body["typeOfAddress"].as_str(), added.body["countryCode"].as_str()),
        (Some("P"), Some("NOR"))
    );
    assert_eq!(added.body["customerId"], n);
    let id = added.body["id"].as_i64().unwrap_or(0);
    assert_eq!(added.header("etag"), Some("\"2\""), "the profile's version moved");
    for bad in [
        json!({"town": "Oslo", "postCode": "150"}),
        json!({"postCode": "0150"}),
        json!({"town": "Oslo", "typeOfAddress": "X"}),
        json!({"town": "Oslo", "countryCode": "NO"}),
    ] {
        assert_eq!(
            app.post(&path, bad.clone()).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let replaced = app.put(&format!("{path}/{id}"), json!({"addressLine1": "Kirkegata 2", "postCode": "111 22", "town": "Stockholm", "countryCode": "SWE", "typeOfAddress": "I"})).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(replaced.body["createdAt"], added.body["createdAt"]);
    let full = app.get(&format!("/profiles/{n}")).await;
    assert_eq!(full.body["postalAddresses"][0]["town"], "Stockholm");
    assert_eq!(app.get(&path).await.body[0]["id"], id);
    // Searches find by address, and list the addresses.
    let found = app
        .get(&format!(
            "/profiles?customerRef={n}&postCode=111%2022&postalAddress=kirkegata"
        ))
        .await;
    assert_eq!(ids(&found.body, "customerNumber"), vec![json!(n)]);
    assert_eq!(found.body[0]["postalAddresses"][0]["id"], id);
    assert_eq!(
        app.call(Method::DELETE, &format!("{path}/{id}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.call(Method::DELETE, &format!("{path}/{id}"), None, &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&path).await.body, json!([]));
    assert_eq!(
        app.put(&format!("{path}/abc"), json!({"town": "Oslo"})).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_profile_is_created_and_updated_with_its_addresses() {
    let app = TestApp::profiles().await;
    let mut body = app.new_profile(None);
    body["postalAddresses"] = json!([{"addressLine1": "Storgata 1", "postCode": "0150", "town": "Oslo"}]);
    let c = app.create(body).await;
    let id = c["postalAddresses"][0]["id"].clone();
    assert!(id.as_i64().is_some());
    let n = c["customerNumber"].as_i64().unwrap_or(0);
    let put = json!({"firstName": "Ola", "surname": "N", "changedBy": "x", "changedByChannel": "y",
        "postalAddresses": [{"id": id, "town": "Bergen", "postCode": "5003"}, {"town": "Tromsø", "postCode": "9008"}]});
    let r = app.put(&format!("/profiles/{n}"), put).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["postalAddresses"][0]["id"], id,
        "the named address is updated in place"
    );
    assert_eq!(r.body["postalAddresses"].as_array().map(Vec::len), Some(2));
    let without = json!({"firstName": "Ola", "surname": "N", "changedBy": "x", "changedByChannel": "y"});
    assert_eq!(
        app.put(&format!("/profiles/{n}"), without).await.body["postalAddresses"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "left out: kept"
    );
    let mut bad = app.new_profile(None);
    bad["postalAddresses"] = json!([{"town": "Oslo", "postCode": "12"}]);
    let r = app.post("/profiles", bad).await;
    assert_eq!(r.error()["errors"][0]["field"], "postalAddresses[0].postCode");
}

#[tokio::test]
async fn accounts_have_exactly_one_default_and_belong_to_one_profile() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let path = format!("/profiles/{n}/customer-accounts");
    let account = |id: &str| format!("acct-{id}-{n}");
    let first = app
        .post(&path, json!({"accountId": account("a"), "alias": "Work"}))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(first.body["isDefault"], true, "the first account is the default");
    assert_eq!(first.body["customerAccountId"], account("a"));
    let second = app.post(&path, json!({"accountId": account("b")})).await;
    assert_eq!(second.body["isDefault"], false);
    let third = app
        .post(&path, json!({"accountId": account("c"), "isDefault": true}))
        .await;
    assert_eq!(third.body["isDefault"], true);
    let list = app.get(&path).await.body;
    let defaults: Vec<&Value> = list
        .as_array()
        .map(|a| a.iter().filter(|x| x["isDefault"] == true).collect())
        .unwrap_or_default();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0]["customerAccountId"], account("c"));
    // One profile per account id in the organisation.
    let other = profile(&app).await;
    let taken = app
        .post(
            &format!("/profiles/{other}/customer-accounts"),
            json!({"accountId": account("a")}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.text);
    assert_eq!(taken.error_code(), 622);
    assert_eq!(
        app.post(&path, json!({"accountId": account("a")})).await.status,
        StatusCode::CONFLICT
    );
    // The owner of an account.
    let owner = app.get(&format!("/profiles/customer-accounts/{}", account("b"))).await;
    assert_eq!(owner.body["customerNumber"], n);
    assert_eq!(owner.body["customerAccounts"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        app.get("/profiles/customer-accounts/no-such").await.status,
        StatusCode::NOT_FOUND
    );
    // Deleting the default makes the oldest remaining one the default.
    let left = app
        .call(Method::DELETE, &format!("{path}/{}", account("c")), None, &[])
        .await;
    assert_eq!(left.status, StatusCode::OK, "{}", left.text);
    let defaults: Vec<Value> = left
        .body
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|x| x["isDefault"] == true)
                .map(|x| x["customerAccountId"].clone())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(defaults, vec![json!(account("a"))]);
    assert_eq!(
        app.get(&format!("/profiles/customer-accounts/{}", account("c")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A deleted account id is free again.
    assert_eq!(
        app.post(
            &format!("/profiles/{other}/customer-accounts"),
            json!({"accountId": account("c")})
        )
        .await
        .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn merge_patch_follows_rfc_7396() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let path = format!("/profiles/{n}/customer-accounts");
    app.post(&path, json!({"accountId": format!("x-{n}"), "alias": "Old"}))
        .await;
    app.post(&path, json!({"accountId": format!("y-{n}")})).await;
    let one = format!("{path}/x-{n}");
    let two = format!("{path}/y-{n}");
    // Absent members stay; given ones change.
    let r = patch(&app, &two, json!({"alias": "Family"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["alias"].as_str(), r.body["isDefault"].as_bool()),
        (Some("Family"), Some(false))
    );
    // null removes.
    let r = patch(&app, &one, json!({"alias": null})).await;
    assert!(r.body.get("alias").is_none(), "{}", r.text);
    assert_eq!(r.body["isDefault"], true, "untouched");
    // Making one default clears the other in the same write.
    let r = patch(&app, &two, json!({"isDefault": true})).await;
    assert_eq!(r.body["isDefault"], true);
    let list = app.get(&path).await.body;
    assert_eq!(
        list.as_array()
            .map(|a| a.iter().filter(|x| x["isDefault"] == true).count()),
        Some(1)
    );
    // The default cannot simply stop being one.
    assert_eq!(
        patch(&app, &two, json!({"isDefault": false})).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        patch(&app, &two, json!({"isDefault": null})).await.status,
        StatusCode::CONFLICT
    );
    // Only alias and isDefault: anything else is refused, and nothing changes.
    let r = patch(&app, &one, json!({"alias": "New", "customerAccountId": "hijack"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(
        app.get(&path)
            .await
            .body
            .as_array()
            .is_some_and(|a| a.iter().all(|x| x["alias"] != "New"))
    );
    assert_eq!(
        patch(&app, &one, json!({"alias": 5})).await.status,
        StatusCode::BAD_REQUEST
    );
    // The merge-patch media type is required.
    let wrong = app.call(Method::PATCH, &one, Some(json!({"alias": "A"})), &[]).await;
    assert_eq!(wrong.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", wrong.text);
    assert_eq!(
        patch(&app, &format!("{path}/none"), json!({"alias": "A"})).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn two_concurrent_requests_for_default_leave_exactly_one() {
    let app = TestApp::profiles().await;
    for round in 0..3 {
        let n = profile(&app).await;
        let path = format!("/profiles/{n}/customer-accounts");
        for x in ["a", "b", "c"] {
            app.post(&path, json!({"accountId": format!("{x}{round}-{n}")})).await;
        }
        let (pb, pc) = (format!("{path}/b{round}-{n}"), format!("{path}/c{round}-{n}"));
        let (b, c) = tokio::join!(
            patch(&app, &pb, json!({"isDefault": true})),
            patch(&app, &pc, json!({"isDefault": true}))
        );
        assert_eq!(
            (b.status, c.status),
            (StatusCode::OK, StatusCode::OK),
            "{} / {}",
            b.text,
            c.text
        );
        let list = app.get(&path).await.body;
        let defaults: Vec<Value> = list
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|x| x["isDefault"] == true)
                    .map(|x| x["customerAccountId"].clone())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(defaults.len(), 1, "round {round}: {list}");
    }
}

#[tokio::test]
async fn preferences_come_from_the_organisations_own_active_catalogue() {
    let app = TestApp::profiles().await;
    let code = format!("WHEELCHAIR-{}", uuid::Uuid::new_v4().simple());
    let added = app.post("/preferences", json!({"preferenceCode": code, "preferenceType": "ASSISTANCE", "preferenceDescription": "Uses a wheelchair"})).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.body["isActive"], true);
    let id = added.body["id"].as_i64().unwrap_or(0);
    assert_eq!(
        app.post("/preferences", json!({"preferenceCode": code})).await.status,
        StatusCode::CONFLICT,
        "codes are unique"
    );
    let inactive = app
        .post(
            "/preferences",
            json!({"preferenceCode": format!("OLD-{code}"), "isActive": false}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap_or(0);
    let list = app.get("/preferences").await.body;
    assert_eq!(
        ids(&list, "id"),
        vec![json!(id), json!(inactive)],
        "inactive ones are listed too"
    );
    assert_eq!(
        app.get(&format!("/preferences/{id}")).await.body["preferenceCode"],
        code
    );

    let n = profile(&app).await;
    let path = format!("/profiles/{n}/preferences");
    let chosen = app
        .post(&path, json!({"preferenceId": id, "preferenceValue": "electric"}))
        .await;
    assert_eq!(chosen.status, StatusCode::CREATED, "{}", chosen.text);
    assert_eq!(
        app.post(&path, json!({"preferenceId": inactive})).await.status,
        StatusCode::BAD_REQUEST,
        "inactive"
    );
    assert_eq!(
        app.post(&path, json!({"preferenceId": 424242})).await.status,
        StatusCode::BAD_REQUEST,
        "unknown"
    );
    // Another organisation's catalogue is not ours.
    let token = format!("Bearer {}", app.token_for(app.org + 1));
    assert_eq!(
        app.call(
            Method::GET,
            &format!("/preferences/{id}"),
            None,
            &[("authorization", &token)]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let theirs = app
        .call(Method::GET, "/preferences", None, &[("authorization", &token)])
        .await;
    assert_eq!(theirs.body, json!([]));
    // Embedded in the profile and in bulk answers.
    assert_eq!(
        app.get(&format!("/profiles/{n}")).await.body["preferences"][0]["preferenceValue"],
        "electric"
    );
    let bulk = app
        .post(
            "/profiles/bulk",
            json!({"customerNumbers": [n], "includePreferences": true}),
        )
        .await;
    assert_eq!(bulk.body[0]["preferences"][0]["preferenceId"], id);
    // Replace the set, remove one.
    let second = app
        .post("/preferences", json!({"preferenceCode": format!("NEWS-{code}")}))
        .await
        .body["id"]
        .as_i64()
        .unwrap_or(0);
    let set = app
        .put(&path, json!([{"preferenceId": second, "preferenceValue": "weekly"}]))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(ids(&set.body, "preferenceId"), vec![json!(second)]);
    assert_eq!(
        app.put(&path, json!([{"preferenceId": inactive}])).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.put(&path, json!({"preferenceId": second})).await.status,
        StatusCode::BAD_REQUEST,
        "a list is required"
    );
    assert_eq!(
        app.call(Method::DELETE, &format!("{path}/{second}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get(&path).await.body, json!([]));
    // The catalogue is updated and deleted.
    let updated = app
        .put(
            &format!("/preferences/{id}"),
            json!({"preferenceCode": code, "isActive": false}),
        )
        .await;
    assert_eq!(updated.body["isActive"], false);
    assert_eq!(
        app.call(Method::DELETE, &format!("/preferences/{id}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("/preferences/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn ecards_and_notes_and_the_temporary_profile_rule() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let ecard = json!({"ecardNumber": 1234, "ecardOperator": "RUT", "ecardNumber16digits": "1234567890123456", "startOfOwnership": "2026-01-01"});
    let added = app.post(&format!("/profiles/{n}/ecards"), ecard.clone()).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let id = added.body["id"].as_i64().unwrap_or(0);
    assert!(
        app.get(&format!("/profiles/{n}")).await.body.get("ecards").is_none(),
        "only with includeECards"
    );
    assert_eq!(
        app.get(&format!("/profiles/{n}?includeECards=true")).await.body["ecards"][0]["id"],
        id
    );
    let mut bad = ecard.clone();
    bad["ecardNumber16digits"] = json!("123");
    assert_eq!(
        app.post(&format!("/profiles/{n}/ecards"), bad).await.status,
        StatusCode::BAD_REQUEST
    );
    let mut backwards = ecard.clone();
    backwards["endOfOwnership"] = json!("2025-01-01");
    assert_eq!(
        app.put(&format!("/profiles/{n}/ecards/{id}"), backwards).await.status,
        StatusCode::BAD_REQUEST
    );
    let mut renamed = ecard.clone();
    renamed["ecardName"] = json!("Mine");
    assert_eq!(
        app.put(&format!("/profiles/{n}/ecards/{id}"), renamed).await.body["ecardName"],
        "Mine"
    );
    assert_eq!(
        app.call(Method::DELETE, &format!("/profiles/{n}/ecards/{id}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let expires = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let t = app
        .post(
            "/profiles/temporary",
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": expires}),
        )
        .await
        .body["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    assert_eq!(
        app.post(&format!("/profiles/{t}/ecards"), ecard).await.status,
        StatusCode::CONFLICT,
        "no ecards on a temporary profile"
    );
    assert_eq!(
        app.post(&format!("/profiles/{t}/postal-addresses"), json!({"town": "Oslo"}))
            .await
            .status,
        StatusCode::CREATED
    );

    let note = app
        .post(
            &format!("/profiles/{n}/notes"),
            json!({"text": "Called about a refund", "createdBy": "agent-7"}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.text);
    let note_id = note.body["id"].as_i64().unwrap_or(0);
    assert_eq!(
        app.get(&format!("/profiles/{n}/notes")).await.body[0]["text"],
        "Called about a refund"
    );
    assert_eq!(
        app.post(&format!("/profiles/{n}/notes"), json!({"text": ""}))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.call(Method::DELETE, &format!("/profiles/{n}/notes/{note_id}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn another_organisation_gets_404_on_every_path() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let address = app
        .post(&format!("/profiles/{n}/postal-addresses"), json!({"town": "Oslo"}))
        .await
        .body["id"]
        .clone();
    let account = format!("acct-{n}");
    app.post(
        &format!("/profiles/{n}/customer-accounts"),
        json!({"accountId": account}),
    )
    .await;
    let ecard = app
        .post(
            &format!("/profiles/{n}/ecards"),
            json!({"ecardNumber": 1, "ecardOperator": "RUT", "ecardNumber16digits": "1234567890123456"}),
        )
        .await
        .body["id"]
        .clone();
    let note = app
        .post(&format!("/profiles/{n}/notes"), json!({"text": "t", "createdBy": "a"}))
        .await
        .body["id"]
        .clone();
    let pref = app
        .post("/preferences", json!({"preferenceCode": format!("P-{n}")}))
        .await
        .body["id"]
        .clone();
    app.post(&format!("/profiles/{n}/preferences"), json!({"preferenceId": pref}))
        .await;
    let token = format!("Bearer {}", app.token_for(app.org + 1));
    let auth: &[(&str, &str)] = &[("authorization", &token)];
    let cases: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/profiles/{n}/postal-addresses"), None),
        (
            Method::POST,
            format!("/profiles/{n}/postal-addresses"),
            Some(json!({"town": "Oslo"})),
        ),
        (
            Method::PUT,
            format!("/profiles/{n}/postal-addresses/{address}"),
            Some(json!({"town": "Oslo"})),
        ),
        (
            Method::DELETE,
            format!("/profiles/{n}/postal-addresses/{address}"),
            None,
        ),
        (Method::GET, format!("/profiles/{n}/ecards"), None),
        (
            Method::POST,
            format!("/profiles/{n}/ecards"),
            Some(json!({"ecardNumber": 1, "ecardOperator": "R", "ecardNumber16digits": "1234567890123456"})),
        ),
        (
            Method::PUT,
            format!("/profiles/{n}/ecards/{ecard}"),
            Some(json!({"ecardNumber": 1, "ecardOperator": "R", "ecardNumber16digits": "1234567890123456"})),
        ),
        (Method::DELETE, format!("/profiles/{n}/ecards/{ecard}"), None),
        (Method::GET, format!("/profiles/{n}/notes"), None),
        (
            Method::POST,
            format!("/profiles/{n}/notes"),
            Some(json!({"text": "x", "createdBy": "y"})),
        ),
        (Method::DELETE, format!("/profiles/{n}/notes/{note}"), None),
        (Method::GET, format!("/profiles/{n}/customer-accounts"), None),
        (
            Method::POST,
            format!("/profiles/{n}/customer-accounts"),
            Some(json!({"accountId": "evil"})),
        ),
        (
            Method::DELETE,
            format!("/profiles/{n}/customer-accounts/{account}"),
            None,
        ),
        (Method::GET, format!("/profiles/customer-accounts/{account}"), None),
        (Method::GET, format!("/profiles/{n}/preferences"), None),
        (Method::PUT, format!("/profiles/{n}/preferences"), Some(json!([]))),
        (Method::DELETE, format!("/profiles/{n}/preferences/{pref}"), None),
        (Method::GET, format!("/preferences/{pref}"), None),
        (
            Method::PUT,
            format!("/preferences/{pref}"),
            Some(json!({"preferenceCode": "X"})),
        ),
        (Method::DELETE, format!("/preferences/{pref}"), None),
    ];
    for (method, path, body) in cases {
        let r = app.call(method.clone(), &path, body, auth).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}: {}", r.text);
    }
    let r = app
        .call(
            Method::PATCH,
            &format!("/profiles/{n}/customer-accounts/{account}"),
            Some(json!({"alias": "x"})),
            &[
                ("authorization", &token),
                ("content-type", "application/merge-patch+json"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Nothing of ours changed.
    let ours = app.get(&format!("/profiles/{n}?includeECards=true")).await.body;
    assert_eq!(ours["postalAddresses"].as_array().map(Vec::len), Some(1));
    assert_eq!(ours["ecards"].as_array().map(Vec::len), Some(1));
    assert_eq!(ours["customerAccounts"].as_array().map(Vec::len), Some(1));
    assert_eq!(ours["preferences"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.get(&format!("/preferences/{pref}")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn what_hangs_off_a_profile_goes_with_it() {
    let app = TestApp::without_ttl().await;
    let mut body = app.new_profile(None);
    body["expirationDate"] = json!((chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339());
    let n = app.create(body).await["customerNumber"].as_i64().unwrap_or(0);
    let account = format!("gone-{n}");
    app.post(
        &format!("/profiles/{n}/customer-accounts"),
        json!({"accountId": account}),
    )
    .await;
    app.post(&format!("/profiles/{n}/postal-addresses"), json!({"town": "Oslo"}))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        app.get(&format!("/profiles/{n}/postal-addresses")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/profiles/customer-accounts/{account}")).await.status,
        StatusCode::NOT_FOUND
    );
    // The expired profile's account id is free for another profile.
    let other = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    assert_eq!(
        app.post(
            &format!("/profiles/{other}/customer-accounts"),
            json!({"accountId": account})
        )
        .await
        .status,
        StatusCode::CREATED
    );
    // A deactivated profile's sub-resources cannot be changed.
    let d = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let until = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    app.post(
        &format!("/profiles/{d}/deactivate"),
        json!({"expirationDate": until, "changedBy": "s", "changedByChannel": "c"}),
    )
    .await;
    assert_eq!(
        app.post(&format!("/profiles/{d}/postal-addresses"), json!({"town": "Oslo"}))
            .await
            .status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn sub_resource_updates_honour_if_match() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let added = app
        .post(&format!("/profiles/{n}/postal-addresses"), json!({"town": "Oslo"}))
        .await;
    let etag = added.header("etag").unwrap_or("").to_string();
    let id = added.body["id"].clone();
    let path = format!("/profiles/{n}/postal-addresses/{id}");
    let ok = app
        .call(
            Method::PUT,
            &path,
            Some(json!({"town": "Bergen"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let stale = app
        .call(
            Method::PUT,
            &path,
            Some(json!({"town": "Trondheim"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.text);
    let account = format!("im-{n}");
    let made = app
        .post(
            &format!("/profiles/{n}/customer-accounts"),
            json!({"accountId": account}),
        )
        .await;
    let etag = made.header("etag").unwrap_or("").to_string();
    app.post(
        &format!("/profiles/{n}/notes"),
        json!({"text": "moves the version", "createdBy": "a"}),
    )
    .await;
    let stale = app
        .call(
            Method::PATCH,
            &format!("/profiles/{n}/customer-accounts/{account}"),
            Some(json!({"alias": "x"})),
            &[("if-match", &etag), ("content-type", "application/merge-patch+json")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.text);
    assert_eq!(
        app.get(&format!("/profiles/{n}")).await.body["postalAddresses"][0]["town"],
        "Bergen"
    );
}
