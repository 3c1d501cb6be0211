//! Tenant isolation over every operation: one organisation's data, with something of every kind
//! (a permanent profile with a password, addresses, an ecard, a note, an account and a chosen
//! preference; a second profile; a temporary profile; a catalogue preference), and a valid token
//! of another organisation calling every operation of the routing table with its identifiers
//! and well-formed bodies. Each answers 404, an empty result, or acts in the caller's own
//! organisation; no answer carries the first organisation's data, and every item the first
//! organisation holds in the table is byte for byte what it was.

use axum::http::{Method, StatusCode};
use customers_contract::routes::{OPERATIONS, operation_at};
use customers_tests::app::{TEST_TABLE, TestApp, TestResponse, email};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// What the other organisation's request must get.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// 404, `errorCode 704`: "not there" for whatever belongs to someone else.
    NotFound,
    /// 200 with no profile (a list, or a page whose `items` is empty).
    Empty,
    /// Another status: refusals that say nothing of the other organisation, and creates that
    /// act in the caller's own organisation.
    Status(u16, Option<u64>),
}

/// A request (method, path, body, extra headers) and what it must get.
type Case<'a> = (Method, String, Option<Value>, &'a [(&'a str, &'a str)], Expect);

fn created(r: &TestResponse, what: &str) -> Value {
    assert_eq!(r.status, StatusCode::CREATED, "{what}: {}", r.text);
    r.body.clone()
}

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test]
async fn another_organisations_token_reaches_nothing_on_any_operation() {
    let app = TestApp::profiles().await;
    let victim = app.org;
    // Everything the victim organisation holds.
    let mail = email("victim");
    let mut body = app.new_profile(Some(&mail));
    body["password"] = json!("Victim-pass-1");
    body["customerRef"] = json!(format!("victim-ref-{victim}"));
    let profile = created(&app.post("/profiles", body).await, "profile");
    let n = profile["customerNumber"].as_i64().unwrap_or(0);
    let reference = profile["customerRef"].as_str().unwrap_or("").to_string();
    let m = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let address = created(
        &app.post(
            &format!("/profiles/{n}/postal-addresses"),
            json!({"addressLine1": "Hemmelig vei 7", "town": "Oslo"}),
        )
        .await,
        "address",
    )["id"]
        .clone();
    let card = json!({"ecardNumber": 77, "ecardOperator": "RUT", "ecardNumber16digits": "7777777777777777"});
    let ecard = created(&app.post(&format!("/profiles/{n}/ecards"), card.clone()).await, "ecard")["id"].clone();
    let note_text = format!("victim note {victim}");
    let note = created(
        &app.post(
            &format!("/profiles/{n}/notes"),
            json!({"text": note_text, "createdBy": "agent"}),
        )
        .await,
        "note",
    )["id"]
        .clone();
    let account = format!("victim-acct-{victim}");
    created(
        &app.post(
            &format!("/profiles/{n}/customer-accounts"),
            json!({"accountId": account}),
        )
        .await,
        "account",
    );
    let code = format!("VICTIM-{victim}");
    let preference = created(
        &app.post("/preferences", json!({"preferenceCode": code})).await,
        "preference",
    )["id"]
        .clone();
    created(
        &app.post(
            &format!("/profiles/{n}/preferences"),
            json!({"preferenceId": preference}),
        )
        .await,
        "chosen preference",
    );
    let temporary = json!({"createdBy": "web", "createdByChannel": "web", "expirationDate": in_days(3)});
    let t = created(&app.post("/profiles/temporary", temporary.clone()).await, "temporary")["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let before = app.org_items(TEST_TABLE, victim).await;
    assert!(
        before.len() > 10,
        "the victim holds items of every kind: {}",
        before.len()
    );

    let stamp = json!({"changedBy": "x", "changedByChannel": "x"});
    let put = json!({"firstName": "Evil", "surname": "Eve", "changedBy": "x", "changedByChannel": "x"});
    let mut deactivation = stamp.clone();
    deactivation["expirationDate"] = json!(in_days(2));
    let mut foreign_create = app.new_profile(Some(&mail));
    foreign_create["organisationId"] = json!(victim);
    use Expect::*;
    let patch_type = [("content-type", "application/merge-patch+json")];
    let cases: Vec<Case> = vec![
        // profiles
        (
            Method::POST,
            "/profiles".into(),
            Some(foreign_create),
            &[],
            Status(403, Some(630)),
        ),
        (Method::GET, format!("/profiles?email={mail}"), None, &[], Empty),
        (
            Method::GET,
            format!("/profiles?customerRef={reference}"),
            None,
            &[],
            Empty,
        ),
        (Method::GET, format!("/profiles-search?email={mail}"), None, &[], Empty),
        (
            Method::POST,
            "/profiles/bulk".into(),
            Some(json!({"customerNumbers": [n, m, t]})),
            &[],
            Empty,
        ),
        (
            Method::POST,
            "/profiles/bulk".into(),
            Some(json!({"customerReferences": [reference]})),
            &[],
            Empty,
        ),
        (
            Method::GET,
            format!("/profiles/customer-ref/{reference}"),
            None,
            &[],
            NotFound,
        ),
        (
            Method::GET,
            format!("/profiles/{n}?includeECards=true"),
            None,
            &[],
            NotFound,
        ),
        (Method::PUT, format!("/profiles/{n}"), Some(put), &[], NotFound),
        (
            Method::POST,
            format!("/profiles/{n}/deactivate"),
            Some(deactivation),
            &[],
            NotFound,
        ),
        (
            Method::POST,
            format!("/profiles/{n}/restore"),
            Some(stamp.clone()),
            &[],
            NotFound,
        ),
        (
            Method::POST,
            format!("/profiles/{n}/connect"),
            Some(json!({"customerNumberToConnect": m, "changedByChannel": "x"})),
            &[],
            NotFound,
        ),
        (
            Method::GET,
            format!("/profiles/{n}/postal-addresses"),
            None,
            &[],
            NotFound,
        ),
        (
            Method::POST,
            format!("/profiles/{n}/postal-addresses"),
            Some(json!({"town": "Bergen"})),
            &[],
            NotFound,
        ),
        (
            Method::PUT,
            format!("/profiles/{n}/postal-addresses/{address}"),
            Some(json!({"town": "Bergen"})),
            &[],
            NotFound,
        ),
        (
            Method::DELETE,
            format!("/profiles/{n}/postal-addresses/{address}"),
            None,
            &[],
            NotFound,
        ),
        (Method::GET, format!("/profiles/{n}/ecards"), None, &[], NotFound),
        (
            Method::POST,
            format!("/profiles/{n}/ecards"),
            Some(card.clone()),
            &[],
            NotFound,
        ),
        (
            Method::PUT,
            format!("/profiles/{n}/ecards/{ecard}"),
            Some(card),
            &[],
            NotFound,
        ),
        (
            Method::DELETE,
            format!("/profiles/{n}/ecards/{ecard}"),
            None,
            &[],
            NotFound,
        ),
        (Method::GET, format!("/profiles/{n}/notes"), None, &[], NotFound),
        (
            Method::POST,
            format!("/profiles/{n}/notes"),
            Some(json!({"text": "x", "createdBy": "x"})),
            &[],
            NotFound,
        ),
        (
            Method::DELETE,
            format!("/profiles/{n}/notes/{note}"),
            None,
            &[],
            NotFound,
        ),
        // temporary profiles: a create acts in the caller's own organisation
        (
            Method::POST,
            "/profiles/temporary".into(),
            Some(temporary.clone()),
            &[],
            Status(201, None),
        ),
        (Method::GET, format!("/profiles/temporary/{t}"), None, &[], NotFound),
        (
            Method::PUT,
            format!("/profiles/temporary/{t}"),
            Some(json!({"changedBy": "x", "changedByChannel": "x", "expirationDate": in_days(4)})),
            &[],
            NotFound,
        ),
        (Method::DELETE, format!("/profiles/temporary/{t}"), None, &[], NotFound),
        (
            Method::POST,
            format!("/profiles/temporary/{t}/convert"),
            Some(json!({"firstName": "Eve", "surname": "Evil", "changedBy": "x", "changedByChannel": "x"})),
            &[],
            NotFound,
        ),
        // customer accounts
        (
            Method::GET,
            format!("/profiles/{n}/customer-accounts"),
            None,
            &[],
            NotFound,
        ),
        (
            Method::POST,
            format!("/profiles/{n}/customer-accounts"),
            Some(json!({"accountId": "evil-account"})),
            &[],
            NotFound,
        ),
        (
            Method::PATCH,
            format!("/profiles/{n}/customer-accounts/{account}"),
            Some(json!({"alias": "evil"})),
            &patch_type,
            NotFound,
        ),
        (
            Method::DELETE,
            format!("/profiles/{n}/customer-accounts/{account}"),
            None,
            &[],
            NotFound,
        ),
        (
            Method::GET,
            format!("/profiles/customer-accounts/{account}"),
            None,
            &[],
            NotFound,
        ),
        // preferences: the catalogue is the caller's own, so the same code is free there
        (Method::GET, "/preferences".into(), None, &[], Empty),
        (
            Method::POST,
            "/preferences".into(),
            Some(json!({"preferenceCode": code})),
            &[],
            Status(201, None),
        ),
        (Method::GET, format!("/preferences/{preference}"), None, &[], NotFound),
        (
            Method::PUT,
            format!("/preferences/{preference}"),
            Some(json!({"preferenceCode": "EVIL"})),
            &[],
            NotFound,
        ),
        (
            Method::DELETE,
            format!("/preferences/{preference}"),
            None,
            &[],
            NotFound,
        ),
        (Method::GET, format!("/profiles/{n}/preferences"), None, &[], NotFound),
        (
            Method::POST,
            format!("/profiles/{n}/preferences"),
            Some(json!({"preferenceId": preference})),
            &[],
            NotFound,
        ),
        (
            Method::PUT,
            format!("/profiles/{n}/preferences"),
            Some(json!([])),
            &[],
            NotFound,
        ),
        (
            Method::DELETE,
            format!("/profiles/{n}/preferences/{preference}"),
            None,
            &[],
            NotFound,
        ),
        // credentials: the victim's email and password are nobody's in the caller's organisation
        (
            Method::POST,
            "/profiles/verify-credentials".into(),
            Some(json!({"email": mail, "password": "Victim-pass-1"})),
            &[],
            Status(403, Some(710)),
        ),
        (
            Method::POST,
            "/profiles/generate-password".into(),
            Some(json!({"email": mail})),
            &[],
            NotFound,
        ),
        (
            Method::PUT,
            format!("/profiles/{n}/password"),
            Some(json!({"newPassword": "Evil-pass-1"})),
            &[],
            NotFound,
        ),
        (
            Method::POST,
            format!("/profiles/{n}/change-password"),
            Some(json!({"oldPassword": "Victim-pass-1", "newPassword": "Evil-pass-1"})),
            &[],
            NotFound,
        ),
    ];

    let token = format!("Bearer {}", app.token_for(victim + 1));
    // What only the victim's data holds: none of it may appear in an answer to the other.
    let secrets = [
        mail.clone(),
        reference.clone(),
        note_text.clone(),
        "Hemmelig".to_string(),
        "7777777777777777".to_string(),
        n.to_string(),
        m.to_string(),
        t.to_string(),
    ];
    let mut covered = BTreeSet::new();
    for (method, path, body, extra, expect) in cases {
        let what = format!("{method} {path}");
        let op = operation_at(&method, path.split('?').next().unwrap_or(""))
            .unwrap_or_else(|| panic!("{what} is no operation"));
        covered.insert(op.id);
        let mut headers = vec![("authorization", token.as_str())];
        headers.extend_from_slice(extra);
        let r = app.call(method, &path, body, &headers).await;
        match expect {
            NotFound => {
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{what}: {}", r.text);
                assert_eq!(r.error_code(), 704, "{what}: {}", r.text);
            }
            Empty => {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.text);
                let items = r.body.get("items").unwrap_or(&r.body);
                assert_eq!(items, &json!([]), "{what}: {}", r.text);
            }
            Status(status, code) => {
                assert_eq!(r.status.as_u16(), status, "{what}: {}", r.text);
                if let Some(code) = code {
                    assert_eq!(r.error_code(), code, "{what}: {}", r.text);
                }
            }
        }
        // The answer, less the echo of the caller's own path, names nothing of the victim's.
        let mut answer = r.body.clone();
        if let Some(o) = answer.as_object_mut() {
            o.remove("path");
        }
        let answer = answer.to_string();
        for secret in &secrets {
            assert!(!answer.contains(secret.as_str()), "{what} answered {secret}: {answer}");
        }
    }
    let every: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(covered, every, "every operation of the routing table is tried");
    assert_eq!(
        app.org_items(TEST_TABLE, victim).await,
        before,
        "the victim organisation's items are unchanged"
    );
}
