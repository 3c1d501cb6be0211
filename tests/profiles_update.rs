//! Full updates (PUT): replacement semantics, ETag and If-Match, uniqueness moving with the email.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TestApp, email};
use customers_tests::checks::{Snapshot, assert_error, assert_reads_back, assert_refused, list_of, numbers};
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
    assert_eq!(
        (c["vippsId"].as_str(), c["nationality"].as_str()),
        (Some("vipps-1"), Some("NOR"))
    );

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
    let (changed, created) = (
        r.body["changedAt"].as_str().unwrap_or(""),
        c["changedAt"].as_str().unwrap_or(""),
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(changed).is_ok() && changed >= created,
        "changedAt {changed} after {created}"
    );
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
    let stored = assert_reads_back(&app, &format!("/profiles/{number}"), &r.body).await;
    assert_eq!(stored.header("etag"), Some("\"2\""));
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
    assert_eq!(ok.header("etag"), Some("\"2\""));
    let before = Snapshot::take(&app, &path).await;
    assert_eq!(before.body, ok.body);
    assert_eq!(before.body["firstName"], "First");
    let stale = app
        .call(Method::PUT, &path, Some(put_body("Second", None)), &[("if-match", &v1)])
        .await;
    assert_refused(
        &app,
        &stale,
        StatusCode::PRECONDITION_FAILED,
        640,
        &[&before],
        "a stale If-Match",
    )
    .await;
    // `*` matches any current version; a list matches if any tag does; weak tags never do.
    let star = app
        .call(Method::PUT, &path, Some(put_body("Third", None)), &[("if-match", "*")])
        .await;
    assert_eq!(star.status, StatusCode::OK, "{}", star.text);
    assert_eq!(star.header("etag"), Some("\"3\""));
    assert_eq!(star.body["firstName"], "Third");
    let list = app
        .call(
            Method::PUT,
            &path,
            Some(put_body("Fourth", None)),
            &[("if-match", "\"1\", \"3\"")],
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.header("etag"), Some("\"4\""));
    assert_eq!(list.body["firstName"], "Fourth");
    let before = Snapshot::take(&app, &path).await;
    assert_eq!(before.body, list.body);
    let weak = app
        .call(
            Method::PUT,
            &path,
            Some(put_body("Fifth", None)),
            &[("if-match", "W/\"4\"")],
        )
        .await;
    assert_refused(
        &app,
        &weak,
        StatusCode::PRECONDITION_FAILED,
        640,
        &[&before],
        "a weak tag",
    )
    .await;
    let junk = app
        .call(Method::PUT, &path, Some(put_body("Sixth", None)), &[("if-match", "4")])
        .await;
    assert_refused(&app, &junk, StatusCode::BAD_REQUEST, 608, &[&before], "an unquoted tag").await;
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
    let (winner, loser) = if a.status == StatusCode::OK { (&a, &b) } else { (&b, &a) };
    assert_eq!(winner.status, StatusCode::OK, "{} / {}", a.text, b.text);
    assert_error(loser, StatusCode::PRECONDITION_FAILED, 640, "the second write");
    assert_eq!(winner.header("etag"), Some("\"2\""));
    let now = assert_reads_back(&app, &path, &winner.body).await;
    assert_eq!(now.header("etag"), Some("\"2\""), "only the winner wrote");
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
    let mut etags = [a.header("etag"), b.header("etag")];
    etags.sort();
    assert_eq!(etags, [Some("\"2\""), Some("\"3\"")], "one write after the other");
    let last = if a.header("etag") == Some("\"3\"") { &a } else { &b };
    assert_eq!(now.body, last.body);
}

#[tokio::test]
async fn changing_the_email_moves_its_uniqueness_and_its_search_entry() {
    let app = TestApp::profiles().await;
    let old = email("old");
    let new = email("new");
    let taken = email("taken");
    let c = app.create(app.new_profile(Some(&old))).await;
    let n = c["customerNumber"].as_i64().unwrap_or(0);
    let holder = app.create(app.new_profile(Some(&taken))).await;
    let path = format!("/profiles/{n}");
    let before = Snapshot::take(&app, &path).await;
    let holder_before = Snapshot::take(&app, &format!("/profiles/{}", holder["customerNumber"])).await;

    let clash = app.put(&path, put_body("Ola", Some(&taken.to_uppercase()))).await;
    assert_refused(
        &app,
        &clash,
        StatusCode::CONFLICT,
        620,
        &[&before, &holder_before],
        "a taken email",
    )
    .await;
    assert_eq!(numbers(&app.get(&format!("/profiles?email={old}")).await.body), vec![n]);

    let moved = app.put(&path, put_body("Ola", Some(&new))).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body["username"], new.as_str());
    assert_eq!(moved.body["email"], new.as_str());
    assert_reads_back(&app, &path, &moved.body).await;
    let by_old = app.get(&format!("/profiles?email={old}")).await;
    assert_eq!(by_old.body, json!([]), "no stale search entry");
    let by_new = app.get(&format!("/profiles?email={new}")).await;
    assert_eq!(numbers(&by_new.body), vec![n]);
    // The old address is free again.
    let reuse = app.create(app.new_profile(Some(&old))).await;
    assert_eq!(reuse["email"], old.as_str());
    assert_ne!(reuse["customerNumber"], n);
}

#[tokio::test]
async fn put_validates_like_create_and_answers_404_for_strangers() {
    let app = TestApp::profiles().await;
    let c = app.create(app.new_profile(None)).await;
    let path = format!("/profiles/{}", c["customerNumber"]);
    let before = Snapshot::take(&app, &path).await;
    assert_eq!(before.body, c);
    let missing = app.put(&path, json!({"firstName": "Ola", "surname": "N"})).await;
    assert_refused(
        &app,
        &missing,
        StatusCode::BAD_REQUEST,
        601,
        &[&before],
        "no change stamp",
    )
    .await;
    let fields: Vec<&str> = list_of(&missing.body["errors"], 2, "two missing fields")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(fields, vec!["changedBy", "changedByChannel"]);
    let mut deleted = put_body("Ola", None);
    deleted["status"] = json!("D");
    let r = app.put(&path, deleted).await;
    assert_refused(&app, &r, StatusCode::BAD_REQUEST, 604, &[&before], "status D").await;
    assert_eq!(r.body["errors"][0]["field"], "status", "{}", r.text);
    let mut phone = put_body("Ola", None);
    phone["countryCode"] = json!("+47");
    let r = app.put(&path, phone).await;
    assert_refused(
        &app,
        &r,
        StatusCode::BAD_REQUEST,
        605,
        &[&before],
        "a country code alone",
    )
    .await;

    let token = format!("Bearer {}", app.token_for(app.org + 1));
    let foreign = app
        .call(
            Method::PUT,
            &path,
            Some(put_body("Mallory", None)),
            &[("authorization", &token)],
        )
        .await;
    assert_refused(
        &app,
        &foreign,
        StatusCode::NOT_FOUND,
        704,
        &[&before],
        "another organisation",
    )
    .await;
    assert_eq!(before.body["firstName"], "Ola");
    assert_error(
        &app.put("/profiles/999999999999", put_body("X", None)).await,
        StatusCode::NOT_FOUND,
        704,
        "a missing profile",
    );
}
