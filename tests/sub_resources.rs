//! Everything that hangs off a profile: addresses, accounts, preferences, ecards, notes.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TestApp, TestResponse, email};
use customers_tests::checks::{Snapshot, assert_error, assert_reads_back, assert_refused, list_of, member, numbers};
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
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x[field].clone())
        .collect()
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
    assert_reads_back(&app, &path, &json!([added.body])).await;
    let profile = Snapshot::take(&app, &format!("/profiles/{n}")).await;
    assert_eq!(profile.etag.as_deref(), Some("\"2\""));
    assert_eq!(profile.body["postalAddresses"], json!([added.body]));
    let list = Snapshot::take(&app, &path).await;
    for (bad, field, code) in [
        (json!({"town": "Oslo", "postCode": "150"}), "postCode", 603),
        (json!({"postCode": "0150"}), "town", 601),
        (json!({"town": "Oslo", "typeOfAddress": "X"}), "typeOfAddress", 604),
        (json!({"town": "Oslo", "countryCode": "NO"}), "countryCode", 603),
    ] {
        let r = app.post(&path, bad.clone()).await;
        assert_refused(
            &app,
            &r,
            StatusCode::BAD_REQUEST,
            code,
            &[&profile, &list],
            &bad.to_string(),
        )
        .await;
        list_of(&r.body["errors"], 1, &bad.to_string());
        assert_eq!(r.body["errors"][0]["field"], field, "{bad}");
    }
    let replaced = app.put(&format!("{path}/{id}"), json!({"addressLine1": "Kirkegata 2", "postCode": "111 22", "town": "Stockholm", "countryCode": "SWE", "typeOfAddress": "I"})).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(replaced.body["createdAt"], added.body["createdAt"]);
    assert_eq!(replaced.body["id"], id);
    assert_eq!(replaced.body["town"], "Stockholm");
    assert_eq!(replaced.header("etag"), Some("\"3\""));
    let full = app.get(&format!("/profiles/{n}")).await;
    assert_eq!(full.body["postalAddresses"], json!([replaced.body]));
    assert_reads_back(&app, &path, &json!([replaced.body])).await;
    // Searches find by address, and list the addresses.
    let found = app
        .get(&format!(
            "/profiles?customerRef={n}&postCode=111%2022&postalAddress=kirkegata"
        ))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(numbers(&found.body), vec![n]);
    assert_eq!(found.body[0]["postalAddresses"], json!([replaced.body]));
    assert_eq!(
        app.call(Method::DELETE, &format!("{path}/{id}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let emptied = Snapshot::take(&app, &format!("/profiles/{n}")).await;
    assert_eq!(emptied.body["postalAddresses"], json!([]));
    assert_error(
        &app.call(Method::DELETE, &format!("{path}/{id}"), None, &[]).await,
        StatusCode::NOT_FOUND,
        704,
        "a deleted address",
    );
    assert_reads_back(&app, &path, &json!([])).await;
    let r = app.put(&format!("{path}/abc"), json!({"town": "Oslo"})).await;
    assert_refused(
        &app,
        &r,
        StatusCode::BAD_REQUEST,
        603,
        &[&emptied],
        "an address id that is not a number",
    )
    .await;
}

#[tokio::test]
async fn a_profile_is_created_and_updated_with_its_addresses() {
    let app = TestApp::profiles().await;
    let mut body = app.new_profile(None);
    body["postalAddresses"] = json!([{"addressLine1": "Storgata 1", "postCode": "0150", "town": "Oslo"}]);
    let c = app.create(body).await;
    let created = list_of(&c["postalAddresses"], 1, "the created address");
    assert_eq!(created[0]["town"], "Oslo");
    let id = created[0]["id"].clone();
    assert!(id.as_i64().is_some(), "{c}");
    let n = c["customerNumber"].as_i64().unwrap_or(0);
    assert_reads_back(&app, &format!("/profiles/{n}"), &c).await;
    assert_reads_back(&app, &format!("/profiles/{n}/postal-addresses"), &c["postalAddresses"]).await;
    let put = json!({"firstName": "Ola", "surname": "N", "changedBy": "x", "changedByChannel": "y",
        "postalAddresses": [{"id": id, "town": "Bergen", "postCode": "5003"}, {"town": "Tromsø", "postCode": "9008"}]});
    let r = app.put(&format!("/profiles/{n}"), put).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let addresses = list_of(&r.body["postalAddresses"], 2, "two addresses");
    assert_eq!(addresses[0]["id"], id, "the named address is updated in place");
    assert_eq!(addresses[0]["town"], "Bergen");
    assert_eq!(addresses[1]["town"], "Tromsø");
    assert_ne!(addresses[1]["id"], id);
    assert_reads_back(&app, &format!("/profiles/{n}"), &r.body).await;
    let without = json!({"firstName": "Ola", "surname": "N", "changedBy": "x", "changedByChannel": "y"});
    let kept = app.put(&format!("/profiles/{n}"), without).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text);
    assert_eq!(
        kept.body["postalAddresses"], r.body["postalAddresses"],
        "left out: kept"
    );
    assert_reads_back(&app, &format!("/profiles/{n}"), &kept.body).await;
    let mut bad = app.new_profile(None);
    bad["postalAddresses"] = json!([{"town": "Oslo", "postCode": "12"}]);
    let r = app.post("/profiles", bad).await;
    assert_error(&r, StatusCode::BAD_REQUEST, 603, "a bad post code in a create");
    list_of(&r.body["errors"], 1, "one field error");
    assert_eq!(r.body["errors"][0]["field"], "postalAddresses[0].postCode");
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
    assert_eq!(first.body["alias"], "Work");
    assert_reads_back(&app, &path, &json!([first.body])).await;
    let second = app.post(&path, json!({"accountId": account("b")})).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text);
    assert_eq!(second.body["isDefault"], false);
    let third = app
        .post(&path, json!({"accountId": account("c"), "isDefault": true}))
        .await;
    assert_eq!(third.status, StatusCode::CREATED, "{}", third.text);
    assert_eq!(third.body["isDefault"], true);
    let list = app.get(&path).await.body;
    assert_eq!(
        ids(&list, "customerAccountId"),
        [account("a"), account("b"), account("c")].map(|a| json!(a))
    );
    assert_eq!(member(&list, "customerAccountId", &json!(account("b"))), &second.body);
    assert_eq!(member(&list, "customerAccountId", &json!(account("c"))), &third.body);
    let defaults: Vec<&Value> = list_of(&list, 3, "three accounts")
        .iter()
        .filter(|x| x["isDefault"] == true)
        .collect();
    assert_eq!(defaults.len(), 1, "{list}");
    assert_eq!(defaults[0]["customerAccountId"], account("c"));
    // One profile per account id in the organisation.
    let other = profile(&app).await;
    let ours = Snapshot::take(&app, &format!("/profiles/{n}")).await;
    let theirs = Snapshot::take(&app, &format!("/profiles/{other}")).await;
    let taken = app
        .post(
            &format!("/profiles/{other}/customer-accounts"),
            json!({"accountId": account("a")}),
        )
        .await;
    assert_refused(
        &app,
        &taken,
        StatusCode::CONFLICT,
        622,
        &[&ours, &theirs],
        "another profile's account",
    )
    .await;
    let again = app.post(&path, json!({"accountId": account("a")})).await;
    assert_refused(
        &app,
        &again,
        StatusCode::CONFLICT,
        622,
        &[&ours, &theirs],
        "an account twice",
    )
    .await;
    // The owner of an account.
    let owner = assert_reads_back(
        &app,
        &format!("/profiles/customer-accounts/{}", account("b")),
        &ours.body,
    )
    .await;
    assert_eq!(owner.body["customerNumber"], n);
    assert_eq!(owner.body["customerAccounts"], list);
    assert_error(
        &app.get("/profiles/customer-accounts/no-such").await,
        StatusCode::NOT_FOUND,
        704,
        "an unknown account",
    );
    // Deleting the default makes the oldest remaining one the default.
    let left = app
        .call(Method::DELETE, &format!("{path}/{}", account("c")), None, &[])
        .await;
    assert_eq!(left.status, StatusCode::OK, "{}", left.text);
    assert_eq!(
        ids(&left.body, "customerAccountId"),
        [account("a"), account("b")].map(|a| json!(a))
    );
    let defaults: Vec<Value> = list_of(&left.body, 2, "two accounts left")
        .iter()
        .filter(|x| x["isDefault"] == true)
        .map(|x| x["customerAccountId"].clone())
        .collect();
    assert_eq!(defaults, vec![json!(account("a"))]);
    assert_reads_back(&app, &path, &left.body).await;
    assert_error(
        &app.get(&format!("/profiles/customer-accounts/{}", account("c"))).await,
        StatusCode::NOT_FOUND,
        704,
        "a deleted account",
    );
    // A deleted account id is free again.
    let moved = app
        .post(
            &format!("/profiles/{other}/customer-accounts"),
            json!({"accountId": account("c")}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.text);
    assert_eq!(moved.body["isDefault"], true, "the first account of the other profile");
    assert_reads_back(
        &app,
        &format!("/profiles/{other}/customer-accounts"),
        &json!([moved.body]),
    )
    .await;
    let owner = app.get(&format!("/profiles/customer-accounts/{}", account("c"))).await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text);
    assert_eq!(owner.body["customerNumber"], other);
}

#[tokio::test]
async fn merge_patch_follows_rfc_7396() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let path = format!("/profiles/{n}/customer-accounts");
    let (x, y) = (json!(format!("x-{n}")), json!(format!("y-{n}")));
    for body in [json!({"accountId": x, "alias": "Old"}), json!({"accountId": y})] {
        let r = app.post(&path, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let one = format!("{path}/x-{n}");
    let two = format!("{path}/y-{n}");
    // Absent members stay; given ones change.
    let r = patch(&app, &two, json!({"alias": "Family"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["alias"].as_str(), r.body["isDefault"].as_bool()),
        (Some("Family"), Some(false))
    );
    assert_eq!(member(&app.get(&path).await.body, "customerAccountId", &y), &r.body);
    // null removes.
    let r = patch(&app, &one, json!({"alias": null})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body.get("alias").is_none(), "{}", r.text);
    assert_eq!(r.body["isDefault"], true, "untouched");
    assert_eq!(member(&app.get(&path).await.body, "customerAccountId", &x), &r.body);
    // Making one default clears the other in the same write.
    let r = patch(&app, &two, json!({"isDefault": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["isDefault"], true);
    let list = app.get(&path).await.body;
    assert_eq!(member(&list, "customerAccountId", &y), &r.body);
    assert_eq!(member(&list, "customerAccountId", &x)["isDefault"], false);
    let defaults = list_of(&list, 2, "two accounts")
        .iter()
        .filter(|a| a["isDefault"] == true)
        .count();
    assert_eq!(defaults, 1, "{list}");
    // The default cannot simply stop being one.
    let profile = Snapshot::take(&app, &format!("/profiles/{n}")).await;
    let accounts = Snapshot::take(&app, &path).await;
    let before = [&profile, &accounts];
    let r = patch(&app, &two, json!({"isDefault": false})).await;
    assert_refused(&app, &r, StatusCode::CONFLICT, 660, &before, "isDefault false").await;
    let r = patch(&app, &two, json!({"isDefault": null})).await;
    assert_refused(&app, &r, StatusCode::CONFLICT, 660, &before, "isDefault null").await;
    // Only alias and isDefault: anything else is refused, and nothing changes.
    let r = patch(&app, &one, json!({"alias": "New", "customerAccountId": "hijack"})).await;
    assert_refused(&app, &r, StatusCode::BAD_REQUEST, 604, &before, "another member").await;
    // A wrong type is JSON the operation does not take: 606, naming the field.
    let r = patch(&app, &one, json!({"alias": 5})).await;
    assert_refused(
        &app,
        &r,
        StatusCode::BAD_REQUEST,
        606,
        &before,
        "an alias that is a number",
    )
    .await;
    assert_eq!(r.body["errors"][0]["field"], "alias", "{}", r.text);
    // The merge-patch media type is required.
    let wrong = app.call(Method::PATCH, &one, Some(json!({"alias": "A"})), &[]).await;
    assert_refused(
        &app,
        &wrong,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        715,
        &before,
        "plain JSON",
    )
    .await;
    let r = patch(&app, &format!("{path}/none"), json!({"alias": "A"})).await;
    assert_refused(&app, &r, StatusCode::NOT_FOUND, 704, &before, "an unknown account").await;
}

#[tokio::test]
async fn two_concurrent_requests_for_default_leave_exactly_one() {
    let app = TestApp::profiles().await;
    for round in 0..3 {
        let n = profile(&app).await;
        let path = format!("/profiles/{n}/customer-accounts");
        for x in ["a", "b", "c"] {
            let r = app.post(&path, json!({"accountId": format!("{x}{round}-{n}")})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
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
        let defaults: Vec<Value> = list_of(&list, 3, &format!("round {round}"))
            .iter()
            .filter(|x| x["isDefault"] == true)
            .map(|x| x["customerAccountId"].clone())
            .collect();
        assert_eq!(defaults.len(), 1, "round {round}: {list}");
        assert!(
            defaults[0] == format!("b{round}-{n}") || defaults[0] == format!("c{round}-{n}"),
            "round {round}: one of the two asked for: {list}"
        );
    }
}

#[tokio::test]
async fn preferences_come_from_the_organisations_own_active_catalogue() {
    let app = TestApp::profiles().await;
    let code = format!("WHEELCHAIR-{}", uuid::Uuid::new_v4().simple());
    let added = app.post("/preferences", json!({"preferenceCode": code, "preferenceType": "ASSISTANCE", "preferenceDescription": "Uses a wheelchair"})).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.body["isActive"], true);
    assert_eq!(added.body["preferenceCode"], code.as_str());
    let id = added.body["id"].as_i64().unwrap_or(0);
    assert_reads_back(&app, &format!("/preferences/{id}"), &added.body).await;
    let catalogue = Snapshot::take(&app, "/preferences").await;
    assert_eq!(catalogue.body, json!([added.body]));
    let taken = app.post("/preferences", json!({"preferenceCode": code})).await;
    assert_refused(
        &app,
        &taken,
        StatusCode::CONFLICT,
        660,
        &[&catalogue],
        "codes are unique",
    )
    .await;
    let inactive = app
        .post(
            "/preferences",
            json!({"preferenceCode": format!("OLD-{code}"), "isActive": false}),
        )
        .await;
    assert_eq!(inactive.status, StatusCode::CREATED, "{}", inactive.text);
    assert_eq!(inactive.body["isActive"], false);
    let inactive_body = inactive.body;
    let inactive = inactive_body["id"].as_i64().unwrap_or(0);
    assert_reads_back(&app, &format!("/preferences/{inactive}"), &inactive_body).await;
    let list = app.get("/preferences").await.body;
    assert_eq!(
        ids(&list, "id"),
        vec![json!(id), json!(inactive)],
        "inactive ones are listed too"
    );
    assert_eq!(list, json!([added.body, inactive_body]));

    let n = profile(&app).await;
    let path = format!("/profiles/{n}/preferences");
    let chosen = app
        .post(&path, json!({"preferenceId": id, "preferenceValue": "electric"}))
        .await;
    assert_eq!(chosen.status, StatusCode::CREATED, "{}", chosen.text);
    assert_eq!(
        (&chosen.body["preferenceId"], &chosen.body["preferenceValue"]),
        (&json!(id), &json!("electric"))
    );
    let choices = Snapshot::take(&app, &path).await;
    assert_eq!(choices.body, json!([chosen.body]));
    let with_choice = Snapshot::take(&app, &format!("/profiles/{n}")).await;
    let r = app.post(&path, json!({"preferenceId": inactive})).await;
    assert_refused(
        &app,
        &r,
        StatusCode::CONFLICT,
        660,
        &[&choices, &with_choice],
        "inactive",
    )
    .await;
    assert!(
        r.body["message"].as_str().is_some_and(|m| m.contains("not active")),
        "{}",
        r.text
    );
    let r = app.post(&path, json!({"preferenceId": 424242})).await;
    assert_refused(
        &app,
        &r,
        StatusCode::NOT_FOUND,
        704,
        &[&choices, &with_choice],
        "unknown",
    )
    .await;
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("No such preference")),
        "{}",
        r.text
    );
    // Another organisation's catalogue is not ours.
    let token = format!("Bearer {}", app.token_for(app.org + 1));
    assert_error(
        &app.call(
            Method::GET,
            &format!("/preferences/{id}"),
            None,
            &[("authorization", &token)],
        )
        .await,
        StatusCode::NOT_FOUND,
        704,
        "another organisation's preference",
    );
    let theirs = app
        .call(Method::GET, "/preferences", None, &[("authorization", &token)])
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);
    assert_eq!(theirs.body, json!([]));
    // Embedded in the profile and in bulk answers.
    assert_eq!(with_choice.body["preferences"], json!([chosen.body]));
    let bulk = app
        .post(
            "/profiles/bulk",
            json!({"customerNumbers": [n], "includePreferences": true}),
        )
        .await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.text);
    assert_eq!(numbers(&bulk.body), vec![n]);
    assert_eq!(bulk.body[0]["preferences"], json!([chosen.body]));
    // Replace the set, remove one.
    let second = app
        .post("/preferences", json!({"preferenceCode": format!("NEWS-{code}")}))
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text);
    let second = second.body["id"].as_i64().unwrap_or(0);
    let set = app
        .put(&path, json!([{"preferenceId": second, "preferenceValue": "weekly"}]))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(ids(&set.body, "preferenceId"), vec![json!(second)]);
    assert_eq!(set.body[0]["preferenceValue"], "weekly");
    let choices = Snapshot::take(&app, &path).await;
    assert_eq!(choices.body, set.body);
    let with_choice = Snapshot::take(&app, &format!("/profiles/{n}")).await;
    let r = app.put(&path, json!([{"preferenceId": inactive}])).await;
    assert_refused(
        &app,
        &r,
        StatusCode::CONFLICT,
        660,
        &[&choices, &with_choice],
        "an inactive one in the set",
    )
    .await;
    let r = app.put(&path, json!({"preferenceId": second})).await;
    assert_refused(
        &app,
        &r,
        StatusCode::BAD_REQUEST,
        606,
        &[&choices, &with_choice],
        "a list is required",
    )
    .await;
    assert_eq!(
        app.call(Method::DELETE, &format!("{path}/{second}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_reads_back(&app, &path, &json!([])).await;
    // The catalogue is updated and deleted.
    let updated = app
        .put(
            &format!("/preferences/{id}"),
            json!({"preferenceCode": code, "isActive": false}),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.body["isActive"], false);
    assert_eq!(updated.body["id"], id);
    assert_reads_back(&app, &format!("/preferences/{id}"), &updated.body).await;
    assert_eq!(
        app.call(Method::DELETE, &format!("/preferences/{id}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &app.get(&format!("/preferences/{id}")).await,
        StatusCode::NOT_FOUND,
        704,
        "a deleted preference",
    );
    assert_eq!(
        ids(&app.get("/preferences").await.body, "id"),
        vec![json!(inactive), json!(second)]
    );
}

#[tokio::test]
async fn ecards_and_notes_and_the_temporary_profile_rule() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let ecards = format!("/profiles/{n}/ecards");
    let ecard = json!({"ecardNumber": 1234, "ecardOperator": "RUT", "ecardNumber16digits": "1234567890123456", "startOfOwnership": "2026-01-01"});
    let added = app.post(&ecards, ecard.clone()).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(
        (&added.body["ecardNumber16digits"], &added.body["ecardOperator"]),
        (&json!("1234567890123456"), &json!("RUT"))
    );
    let id = added.body["id"].as_i64().unwrap_or(0);
    assert_reads_back(&app, &ecards, &json!([added.body])).await;
    assert!(
        app.get(&format!("/profiles/{n}")).await.body.get("ecards").is_none(),
        "only with includeECards"
    );
    let profile_path = format!("/profiles/{n}?includeECards=true");
    let with_ecard = Snapshot::take(&app, &profile_path).await;
    assert_eq!(with_ecard.body["ecards"], json!([added.body]));
    let listed = Snapshot::take(&app, &ecards).await;
    let mut bad = ecard.clone();
    bad["ecardNumber16digits"] = json!("123");
    let r = app.post(&ecards, bad).await;
    assert_refused(
        &app,
        &r,
        StatusCode::BAD_REQUEST,
        603,
        &[&with_ecard, &listed],
        "a short card number",
    )
    .await;
    assert_eq!(r.body["errors"][0]["field"], "ecardNumber16digits", "{}", r.text);
    let mut backwards = ecard.clone();
    backwards["endOfOwnership"] = json!("2025-01-01");
    let r = app.put(&format!("{ecards}/{id}"), backwards).await;
    assert_refused(
        &app,
        &r,
        StatusCode::BAD_REQUEST,
        604,
        &[&with_ecard, &listed],
        "an end before the start",
    )
    .await;
    assert_eq!(r.body["errors"][0]["field"], "endOfOwnership", "{}", r.text);
    let mut renamed = ecard.clone();
    renamed["ecardName"] = json!("Mine");
    let r = app.put(&format!("{ecards}/{id}"), renamed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["ecardName"], "Mine");
    assert_eq!(r.body["id"], id);
    assert_reads_back(&app, &ecards, &json!([r.body])).await;
    assert_eq!(
        app.call(Method::DELETE, &format!("{ecards}/{id}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_reads_back(&app, &ecards, &json!([])).await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let t = app
        .post(
            "/profiles/temporary",
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": expires}),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let t = t.body["customerNumber"].as_i64().unwrap_or(0);
    let temporary = Snapshot::take(&app, &format!("/profiles/temporary/{t}")).await;
    let r = app.post(&format!("/profiles/{t}/ecards"), ecard).await;
    assert_refused(
        &app,
        &r,
        StatusCode::CONFLICT,
        660,
        &[&temporary],
        "no ecards on a temporary profile",
    )
    .await;
    let address = app
        .post(&format!("/profiles/{t}/postal-addresses"), json!({"town": "Oslo"}))
        .await;
    assert_eq!(address.status, StatusCode::CREATED, "{}", address.text);
    assert_eq!(address.body["customerId"], t);
    assert_reads_back(&app, &format!("/profiles/{t}/postal-addresses"), &json!([address.body])).await;

    let notes = format!("/profiles/{n}/notes");
    let note = app
        .post(&notes, json!({"text": "Called about a refund", "createdBy": "agent-7"}))
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.text);
    assert_eq!(
        (&note.body["text"], &note.body["createdBy"]),
        (&json!("Called about a refund"), &json!("agent-7"))
    );
    let note_id = note.body["id"].as_i64().unwrap_or(0);
    let listed = assert_reads_back(&app, &notes, &json!([note.body])).await;
    assert_eq!(listed.body[0]["text"], "Called about a refund");
    let listed = Snapshot::take(&app, &notes).await;
    let with_note = Snapshot::take(&app, &profile_path).await;
    let r = app.post(&notes, json!({"text": ""})).await;
    assert_refused(
        &app,
        &r,
        StatusCode::BAD_REQUEST,
        601,
        &[&listed, &with_note],
        "an empty note",
    )
    .await;
    assert_eq!(r.body["errors"][0]["field"], "text", "{}", r.text);
    assert_eq!(
        app.call(Method::DELETE, &format!("{notes}/{note_id}"), None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_reads_back(&app, &notes, &json!([])).await;
}

#[tokio::test]
async fn another_organisation_gets_404_on_every_path() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let created = |r: TestResponse| {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.body["id"].clone()
    };
    let address = created(
        app.post(&format!("/profiles/{n}/postal-addresses"), json!({"town": "Oslo"}))
            .await,
    );
    let account = format!("acct-{n}");
    let made = app
        .post(
            &format!("/profiles/{n}/customer-accounts"),
            json!({"accountId": account}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let ecard = created(
        app.post(
            &format!("/profiles/{n}/ecards"),
            json!({"ecardNumber": 1, "ecardOperator": "RUT", "ecardNumber16digits": "1234567890123456"}),
        )
        .await,
    );
    let note = created(
        app.post(&format!("/profiles/{n}/notes"), json!({"text": "t", "createdBy": "a"}))
            .await,
    );
    let pref = created(
        app.post("/preferences", json!({"preferenceCode": format!("P-{n}")}))
            .await,
    );
    let chosen = app
        .post(&format!("/profiles/{n}/preferences"), json!({"preferenceId": pref}))
        .await;
    assert_eq!(chosen.status, StatusCode::CREATED, "{}", chosen.text);
    let ours = Snapshot::take(&app, &format!("/profiles/{n}?includeECards=true")).await;
    let notes = Snapshot::take(&app, &format!("/profiles/{n}/notes")).await;
    let preference = Snapshot::take(&app, &format!("/preferences/{pref}")).await;
    let catalogue = Snapshot::take(&app, "/preferences").await;
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
        assert_error(&r, StatusCode::NOT_FOUND, 704, &format!("{method} {path}"));
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
    assert_error(
        &r,
        StatusCode::NOT_FOUND,
        704,
        "PATCH of another organisation's account",
    );
    // Nothing of ours changed.
    for snapshot in [&ours, &notes, &preference, &catalogue] {
        snapshot
            .assert_unchanged(&app, "after another organisation's requests")
            .await;
    }
    assert_eq!(ids(&ours.body["postalAddresses"], "id"), vec![address]);
    assert_eq!(ids(&ours.body["ecards"], "id"), vec![ecard]);
    assert_eq!(
        ids(&ours.body["customerAccounts"], "customerAccountId"),
        vec![json!(account)]
    );
    assert_eq!(ids(&ours.body["preferences"], "preferenceId"), vec![pref]);
    assert_eq!(ids(&notes.body, "id"), vec![note]);
}

#[tokio::test]
async fn what_hangs_off_a_profile_goes_with_it() {
    let app = TestApp::without_ttl().await;
    let mut body = app.new_profile(None);
    body["expirationDate"] = json!((chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339());
    let n = app.create(body).await["customerNumber"].as_i64().unwrap_or(0);
    let account = format!("gone-{n}");
    let made = app
        .post(
            &format!("/profiles/{n}/customer-accounts"),
            json!({"accountId": account}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let address = app
        .post(&format!("/profiles/{n}/postal-addresses"), json!({"town": "Oslo"}))
        .await;
    assert_eq!(address.status, StatusCode::CREATED, "{}", address.text);
    let owner = app.get(&format!("/profiles/customer-accounts/{account}")).await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text);
    assert_eq!(owner.body["customerNumber"], n);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_error(
        &app.get(&format!("/profiles/{n}/postal-addresses")).await,
        StatusCode::NOT_FOUND,
        704,
        "the addresses of an expired profile",
    );
    assert_error(
        &app.get(&format!("/profiles/customer-accounts/{account}")).await,
        StatusCode::NOT_FOUND,
        704,
        "the account of an expired profile",
    );
    // The expired profile's account id is free for another profile.
    let other = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let moved = app
        .post(
            &format!("/profiles/{other}/customer-accounts"),
            json!({"accountId": account}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.text);
    let owner = app.get(&format!("/profiles/customer-accounts/{account}")).await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text);
    assert_eq!(owner.body["customerNumber"], other);
    assert_eq!(owner.body["customerAccounts"], json!([moved.body]));
    // A deactivated profile's sub-resources cannot be changed.
    let d = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let until = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let deactivated = app
        .post(
            &format!("/profiles/{d}/deactivate"),
            json!({"expirationDate": until, "changedBy": "s", "changedByChannel": "c"}),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.text);
    let before = Snapshot::take(&app, &format!("/profiles/{d}")).await;
    assert_eq!(before.body, deactivated.body);
    let r = app
        .post(&format!("/profiles/{d}/postal-addresses"), json!({"town": "Oslo"}))
        .await;
    assert_refused(
        &app,
        &r,
        StatusCode::CONFLICT,
        660,
        &[&before],
        "an address for a deactivated profile",
    )
    .await;
    assert_eq!(before.body["postalAddresses"], json!([]));
}

#[tokio::test]
async fn sub_resource_updates_honour_if_match() {
    let app = TestApp::profiles().await;
    let n = profile(&app).await;
    let added = app
        .post(&format!("/profiles/{n}/postal-addresses"), json!({"town": "Oslo"}))
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let etag = added.header("etag").unwrap_or("").to_string();
    assert_eq!(etag, "\"2\"");
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
    assert_eq!(ok.body["town"], "Bergen");
    assert_eq!(ok.header("etag"), Some("\"3\""));
    let profile = Snapshot::take(&app, &format!("/profiles/{n}")).await;
    assert_eq!(profile.body["postalAddresses"], json!([ok.body]));
    let stale = app
        .call(
            Method::PUT,
            &path,
            Some(json!({"town": "Trondheim"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_refused(
        &app,
        &stale,
        StatusCode::PRECONDITION_FAILED,
        640,
        &[&profile],
        "a stale address update",
    )
    .await;
    let account = format!("im-{n}");
    let made = app
        .post(
            &format!("/profiles/{n}/customer-accounts"),
            json!({"accountId": account}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let etag = made.header("etag").unwrap_or("").to_string();
    assert_eq!(etag, "\"4\"");
    let note = app
        .post(
            &format!("/profiles/{n}/notes"),
            json!({"text": "moves the version", "createdBy": "a"}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.text);
    assert_eq!(note.header("etag"), Some("\"5\""));
    let profile = Snapshot::take(&app, &format!("/profiles/{n}")).await;
    let accounts = Snapshot::take(&app, &format!("/profiles/{n}/customer-accounts")).await;
    let stale = app
        .call(
            Method::PATCH,
            &format!("/profiles/{n}/customer-accounts/{account}"),
            Some(json!({"alias": "x"})),
            &[("if-match", &etag), ("content-type", "application/merge-patch+json")],
        )
        .await;
    assert_refused(
        &app,
        &stale,
        StatusCode::PRECONDITION_FAILED,
        640,
        &[&profile, &accounts],
        "a stale account patch",
    )
    .await;
    assert_eq!(profile.body["postalAddresses"], json!([ok.body]));
    assert!(accounts.body[0].get("alias").is_none(), "{}", accounts.body);
}

#[tokio::test]
async fn a_temporary_profile_answers_with_everything_that_hangs_off_it() {
    let app = TestApp::profiles().await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let created = app
        .post(
            "/profiles/temporary",
            json!({"createdBy": "web", "createdByChannel": "web", "expirationDate": expires, "firstName": "Anne"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(
        (
            &created.body["postalAddresses"],
            &created.body["preferences"],
            &created.body["notes"]
        ),
        (&json!([]), &json!([]), &json!([]))
    );
    let t = created.body["customerNumber"].as_i64().unwrap_or(0);
    let address = app
        .post(
            &format!("/profiles/{t}/postal-addresses"),
            json!({"town": "Bergen", "postCode": "5003", "addressLine1": "Bryggen 1"}),
        )
        .await;
    assert_eq!(address.status, StatusCode::CREATED, "{}", address.text);
    let code = format!("TEMP-{}", uuid::Uuid::new_v4().simple());
    let preference = app.post("/preferences", json!({"preferenceCode": code})).await;
    assert_eq!(preference.status, StatusCode::CREATED, "{}", preference.text);
    let chosen = app
        .post(
            &format!("/profiles/{t}/preferences"),
            json!({"preferenceId": preference.body["id"], "preferenceValue": "seat by the window"}),
        )
        .await;
    assert_eq!(chosen.status, StatusCode::CREATED, "{}", chosen.text);
    let note = app
        .post(
            &format!("/profiles/{t}/notes"),
            json!({"text": "bought at the counter", "createdBy": "desk"}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.text);

    let temporary = app.get(&format!("/profiles/temporary/{t}")).await;
    assert_eq!(temporary.status, StatusCode::OK, "{}", temporary.text);
    assert_eq!(temporary.body["postalAddresses"], json!([address.body]));
    assert_eq!(temporary.body["preferences"], json!([chosen.body]));
    assert_eq!(temporary.body["notes"], json!([note.body]));
    // The permanent path answers the same profile with the same lists.
    let permanent = app.get(&format!("/profiles/{t}")).await;
    assert_eq!(permanent.status, StatusCode::OK, "{}", permanent.text);
    for list in ["postalAddresses", "preferences", "notes"] {
        assert_eq!(permanent.body[list], temporary.body[list], "{list}");
    }
    // An overwrite of the temporary profile's fields leaves what hangs off it in place.
    let put = json!({"changedBy": "web", "changedByChannel": "web", "expirationDate": expires, "surname": "Berg"});
    let updated = app.put(&format!("/profiles/temporary/{t}"), put).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.body["postalAddresses"], json!([address.body]));
    assert_eq!(updated.body["notes"], json!([note.body]));
    let found = app.get("/profiles?postCode=5003&includeTemporary=true").await;
    assert_eq!(numbers(&found.body), vec![t], "found by the address it was given");
}
