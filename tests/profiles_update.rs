//! Full updates (PUT): replacement semantics, ETag and If-Match, uniqueness moving with the email.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TestApp, email};
use serde_json::{Value, json};

fn put_body(first_name: &str, email: Option<&str>) -> Value {
    let mut body =
        json!({"firstName": first_name, "surname": "Nordmann", "changedBy": "crm-user", "changedByChannel": "crm"});
    if let Some(e) = email {
        body["email"] = json!(e);
    }
    body
}

#[tokio::test]
async fn put_replaces_the_updatable_fields_and_records_who_changed_them() {
    let app = TestApp::profiles().await;
    let address = email("put");
    let mut create = app.new_profile(Some(&address));
    create["vippsId"] = json!("vipps-1");
    create["nationality"] = json!("NOR");
    create["customerRef"] = json!(format!("ref-{}", uuid::Uuid::new_v4().simple()));
    let c = app.create(create).await;
    let number = c["customerNumber"].as_i64().unwrap_or(0);

    let mut body = put_body("Kari", Some(&address));
    body["languagePreferenceISO6393"] = json!("NNO");
    let r = app.put(&format!("/profiles/{number}"), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["firstName"], "Kari");
    assert_eq!(r.body["languagePreference"], "NN");
    assert_eq!(r.body["changedBy"], "crm-user");
    assert_eq!(r.body["changedByChannel"], "crm");
    assert_eq!(r.body["createdBy"], "test", "creation stamp stays");
    assert_eq!(r.body["createdAt"], c["createdAt"]);
    assert!(r.body["changedAt"].as_str() >= c["changedAt"].as_str());
    assert!(
        r.body.get("vippsId").is_none() && r.body.get("nationality").is_none(),
        "absent fields are cleared"
    );
    assert_eq!(
        r.body["customerRef"], c["customerRef"],
        "the reference is not updatable"
    );
    assert_eq!(r.body["uuid"], c["uuid"]);
    assert_eq!(r.header("etag"), Some("\"2\""));
    assert_eq!(app.get(&format!("/profiles/{number}")).await.body, r.body);
}

#[tokio::test]
async fn a_stale_if_match_is_refused_with_412_and_changes_nothing() {
    let app = TestApp::profiles().await;
    let c = app.create(app.new_profile(None)).await;
    let path = format!("/profiles/{}", c["customerNumber"]);
    let v1 = app
        .get(&path)
        .await
        .header("etag")
        .map(str::to_string)
        .unwrap_or_default();
    assert_eq!(v1, "\"1\"");
    let ok = app
        .call(Method::PUT, &path, Some(put_body("First", None)), &[("if-match", &v1)])
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let stale = app
        .call(Method::PUT, &path, Some(put_body("Second", None)), &[("if-match", &v1)])
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.text);
    assert_eq!(stale.error_code(), 640);
    assert_eq!(app.get(&path).await.body["firstName"], "First");
    // `*` matches any current version; a list matches if any tag does; weak tags never do.
    let star = app
        .call(Method::PUT, &path, Some(put_body("Third", None)), &[("if-match", "*")])
        .await;
    assert_eq!(star.status, StatusCode::OK);
    let list = app
        .call(
            Method::PUT,
            &path,
            Some(put_body("Fourth", None)),
            &[("if-match", "\"1\", \"3\"")],
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let weak = app
        .call(
            Method::PUT,
            &path,
            Some(put_body("Fifth", None)),
            &[("if-match", "W/\"4\"")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::PRECONDITION_FAILED);
    let junk = app
        .call(Method::PUT, &path, Some(put_body("Sixth", None)), &[("if-match", "4")])
        .await;
    assert_eq!(junk.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn concurrent_puts_with_one_if_match_let_exactly_one_win() {
    let app = TestApp::profiles().await;
    let c = app.create(app.new_profile(None)).await;
    let path = format!("/profiles/{}", c["customerNumber"]);
    let headers = [("if-match", "\"1\"")];
    let (a, b) = tokio::join!(
        app.call(Method::PUT, &path, Some(put_body("A", None)), &headers),
        app.call(Method::PUT, &path, Some(put_body("B", None)), &headers)
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{} / {}", a.text, b.text);
    let winner = if a.status == StatusCode::OK { &a } else { &b };
    assert_eq!(app.get(&path).await.body["firstName"], winner.body["firstName"]);
}

#[tokio::test]
async fn without_if_match_concurrent_puts_both_succeed_and_the_last_write_wins() {
    let app = TestApp::profiles().await;
    let c = app.create(app.new_profile(None)).await;
    let path = format!("/profiles/{}", c["customerNumber"]);
    let (a, b) = tokio::join!(app.put(&path, put_body("A", None)), app.put(&path, put_body("B", None)));
    assert_eq!(
        (a.status, b.status),
        (StatusCode::OK, StatusCode::OK),
        "{} / {}",
        a.text,
        b.text
    );
    let now = app.get(&path).await;
    assert_eq!(
        now.header("etag"),
        Some("\"3\""),
        "both writes applied, one after the other"
    );
    let last = if a.header("etag") == Some("\"3\"") { &a } else { &b };
    assert_eq!(now.body["firstName"], last.body["firstName"]);
}

#[tokio::test]
async fn changing_the_email_moves_its_uniqueness_and_its_search_entry() {
    let app = TestApp::profiles().await;
    let old = email("old");
    let new = email("new");
    let taken = email("taken");
    let c = app.create(app.new_profile(Some(&old))).await;
    app.create(app.new_profile(Some(&taken))).await;
    let path = format!("/profiles/{}", c["customerNumber"]);

    let clash = app.put(&path, put_body("Ola", Some(&taken.to_uppercase()))).await;
    assert_eq!(clash.status, StatusCode::CONFLICT, "{}", clash.text);
    assert_eq!(clash.error_code(), 620);

    let moved = app.put(&path, put_body("Ola", Some(&new))).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body["username"], new.as_str());
    let by_old = app.get(&format!("/profiles?email={old}")).await;
    assert_eq!(by_old.body, json!([]), "no stale search entry");
    let by_new = app.get(&format!("/profiles?email={new}")).await;
    assert_eq!(by_new.body.as_array().map(Vec::len), Some(1));
    // The old address is free again.
    app.create(app.new_profile(Some(&old))).await;
}

#[tokio::test]
async fn put_validates_like_create_and_answers_404_for_strangers() {
    let app = TestApp::profiles().await;
    let c = app.create(app.new_profile(None)).await;
    let path = format!("/profiles/{}", c["customerNumber"]);
    let missing = app.put(&path, json!({"firstName": "Ola", "surname": "N"})).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = missing.error()["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, vec!["changedBy", "changedByChannel"]);
    let mut deleted = put_body("Ola", None);
    deleted["status"] = json!("D");
    assert_eq!(app.put(&path, deleted).await.status, StatusCode::BAD_REQUEST);
    let mut phone = put_body("Ola", None);
    phone["countryCode"] = json!("+47");
    assert_eq!(app.put(&path, phone).await.error_code(), 605);

    let token = format!("Bearer {}", app.token_for(app.org + 1));
    let foreign = app
        .call(
            Method::PUT,
            &path,
            Some(put_body("Mallory", None)),
            &[("authorization", &token)],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&path).await.body["firstName"], "Ola", "nothing changed");
    assert_eq!(
        app.put("/profiles/999999999999", put_body("X", None)).await.status,
        StatusCode::NOT_FOUND
    );
}
