//! Snapshots of every route's answers, errors included: status, the headers a client relies on,
//! and the body with volatile values masked (see `customers_tests::transcript`). A change of
//! any answer shows up here, so a refactoring cannot change behaviour unnoticed. The snapshots
//! live in `tests/snapshots/`; review a deliberate change with `INSTA_UPDATE=always` and a diff.

use axum::http::Method;
use customers_tests::app::{TestApp, TestResponse};
use customers_tests::transcript::Transcript;
use serde_json::{Value, json};

/// Drives one function's routes and keeps the transcript.
struct Session {
    app: TestApp,
    transcript: Transcript,
}

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

impl Session {
    async fn new() -> Self {
        let app = TestApp::profiles().await;
        let mut transcript = Transcript::new();
        transcript.name("org", app.org);
        transcript.name("otherOrg", app.org + 1);
        Self { app, transcript }
    }

    async fn send(
        &mut self,
        step: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let response = self.app.call(method.clone(), path, body, extra).await;
        self.transcript.record(step, &format!("{method} {path}"), &response);
        response
    }

    async fn get(&mut self, step: &str, path: &str) -> TestResponse {
        self.send(step, Method::GET, path, None, &[]).await
    }

    async fn post(&mut self, step: &str, path: &str, body: Value) -> TestResponse {
        self.send(step, Method::POST, path, Some(body), &[]).await
    }

    async fn put(&mut self, step: &str, path: &str, body: Value) -> TestResponse {
        self.send(step, Method::PUT, path, Some(body), &[]).await
    }

    async fn delete(&mut self, step: &str, path: &str) -> TestResponse {
        self.send(step, Method::DELETE, path, None, &[]).await
    }

    /// Creates a permanent profile and names its number.
    async fn profile(&mut self, step: &str, email: &str, extra: Value) -> i64 {
        let mut body = json!({"firstName": "Ola", "surname": "Nordmann", "email": email, "languagePreference": "NO",
            "createdBy": "test", "createdByChannel": "test", "organisationId": self.app.org});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let r = self.app.post("/profiles", body).await;
        let number = r.body["customerNumber"].as_i64().unwrap_or(0);
        assert!(number > 0, "{}", r.text);
        self.transcript.name("customerNumber", number);
        self.transcript.record(step, "POST /profiles", &r);
        number
    }

    fn name_id(&mut self, kind: &str, response: &TestResponse, member: &str) -> i64 {
        let id = response.body[member].as_i64().unwrap_or(0);
        assert!(id > 0, "{member} in {}", response.text);
        self.transcript.name(kind, id);
        id
    }

    fn snapshot(&self, name: &str) {
        insta::assert_json_snapshot!(name, self.transcript.entries());
    }
}

#[tokio::test]
async fn profiles_routes() {
    let mut s = Session::new().await;
    let org = s.app.org;
    let n = s
        .profile("create", "ola@nordmann.org", json!({"password": "abcD123"}))
        .await;
    s.post(
        "create with a taken email",
        "/profiles",
        json!({"firstName": "Kari", "surname": "Nordmann", "email": "OLA@nordmann.org", "createdBy": "t", "createdByChannel": "t", "organisationId": org}),
    )
    .await;
    s.post("create with nothing", "/profiles", json!({})).await;
    s.post(
        "create for another organisation",
        "/profiles",
        json!({"firstName": "A", "surname": "B", "createdBy": "t", "createdByChannel": "t", "organisationId": org + 1}),
    )
    .await;
    let keyed = json!({"firstName": "Kari", "surname": "Nordmann", "email": "kari@nordmann.org",
        "createdBy": "t", "createdByChannel": "t", "organisationId": org, "customerRef": "kari-1",
        "countryCode": "+47", "telephoneNumberNoCountryCode": "91234567", "dateOfBirth": "1990-05-17",
        "postalAddresses": [{"addressLine1": "Storgata 1", "postCode": "0150", "town": "Oslo"}]});
    let first = s
        .send(
            "create with an idempotency key",
            Method::POST,
            "/profiles",
            Some(keyed.clone()),
            &[("idempotency-key", "key-1")],
        )
        .await;
    let m = first.body["customerNumber"].as_i64().unwrap_or(0);
    s.transcript.name("customerNumber", m);
    let address = first.body["postalAddresses"][0]["id"].as_i64().unwrap_or(0);
    s.transcript.name("addressId", address);
    s.send(
        "the same create replayed",
        Method::POST,
        "/profiles",
        Some(keyed.clone()),
        &[("idempotency-key", "key-1")],
    )
    .await;
    let mut changed = keyed.clone();
    changed["firstName"] = json!("Other");
    s.send(
        "the key reused with another body",
        Method::POST,
        "/profiles",
        Some(changed),
        &[("idempotency-key", "key-1")],
    )
    .await;

    s.get("get", &format!("/profiles/{n}")).await;
    s.get("get with ecards", &format!("/profiles/{m}?includeECards=true"))
        .await;
    s.get("get a number no profile has", "/profiles/999999999999").await;
    s.get("get a number that is not one", "/profiles/abc").await;
    s.get("get with a bad flag", &format!("/profiles/{n}?includeECards=maybe"))
        .await;

    let put = json!({"firstName": "Ola Johan", "surname": "Nordmann", "email": "ola@nordmann.org",
        "changedBy": "crm", "changedByChannel": "crm", "languagePreferenceISO6393": "ENG"});
    s.put("update", &format!("/profiles/{n}"), put.clone()).await;
    s.send(
        "update with a stale If-Match",
        Method::PUT,
        &format!("/profiles/{n}"),
        Some(put.clone()),
        &[("if-match", "\"1\"")],
    )
    .await;
    s.send(
        "update with the current If-Match",
        Method::PUT,
        &format!("/profiles/{n}"),
        Some(put),
        &[("if-match", "\"2\"")],
    )
    .await;
    s.put("update with nothing", &format!("/profiles/{n}"), json!({})).await;

    s.get("find by email", "/profiles?email=ola@nordmann.org").await;
    s.get(
        "find by surname and first name",
        "/profiles?surname=nordmann&firstName=kari",
    )
    .await;
    s.get("find by first name alone", "/profiles?firstName=Ola").await;
    s.get(
        "find by a parameter that cannot start a search",
        "/profiles?countryCode=%2B47",
    )
    .await;
    s.get("find by a part of an address alone", "/profiles?postalAddress=storgata")
        .await;
    s.get("find with nothing", "/profiles").await;
    s.get("search a page", "/profiles-search?surname=Nordmann&perPage=1&page=1")
        .await;
    s.get(
        "search with a bad page size",
        "/profiles-search?surname=Nordmann&perPage=0",
    )
    .await;
    s.post(
        "bulk by numbers",
        "/profiles/bulk",
        json!({"customerNumbers": [m, n, 999_999_999_999i64, n]}),
    )
    .await;
    s.post(
        "bulk by references",
        "/profiles/bulk",
        json!({"customerReferences": ["kari-1", "nobody"]}),
    )
    .await;
    s.post("bulk with nothing", "/profiles/bulk", json!({})).await;
    s.get("by reference", "/profiles/customer-ref/kari-1").await;
    s.get("by an unknown reference", "/profiles/customer-ref/nobody").await;

    // Postal addresses.
    let path = format!("/profiles/{n}/postal-addresses");
    let added = s
        .post(
            "add an address",
            &path,
            json!({"addressLine1": "Storgata 1", "postCode": "0150", "town": "Oslo"}),
        )
        .await;
    let a = s.name_id("addressId", &added, "id");
    s.post("add a bad address", &path, json!({"postCode": "150"})).await;
    s.get("list addresses", &path).await;
    s.put(
        "replace an address",
        &format!("{path}/{a}"),
        json!({"town": "Stockholm", "postCode": "111 22", "countryCode": "SWE", "typeOfAddress": "I"}),
    )
    .await;
    s.delete("delete an address", &format!("{path}/{a}")).await;
    s.delete("delete it again", &format!("{path}/{a}")).await;
    s.put(
        "replace an address id that is not a number",
        &format!("{path}/x"),
        json!({"town": "Oslo"}),
    )
    .await;

    // Ecards.
    let path = format!("/profiles/{n}/ecards");
    let card = json!({"ecardNumber": 1234, "ecardOperator": "RUT", "ecardNumber16digits": "1234567890123456",
        "startOfOwnership": "2026-01-01", "ecardName": "Mine"});
    let added = s.post("add an ecard", &path, card.clone()).await;
    let e = s.name_id("ecardId", &added, "id");
    s.post("add a bad ecard", &path, json!({"ecardNumber": 0})).await;
    s.get("list ecards", &path).await;
    let mut renamed = card;
    renamed["ecardName"] = json!("Renamed");
    s.put("replace an ecard", &format!("{path}/{e}"), renamed).await;
    s.delete("delete an ecard", &format!("{path}/{e}")).await;

    // Notes.
    let path = format!("/profiles/{n}/notes");
    let added = s
        .post(
            "add a note",
            &path,
            json!({"text": "Called about a refund", "createdBy": "agent-7"}),
        )
        .await;
    let note = s.name_id("noteId", &added, "id");
    s.get("list notes", &path).await;
    s.delete("delete a note", &format!("{path}/{note}")).await;
    s.delete("delete an unknown note", &format!("{path}/{note}")).await;

    // Lifecycle.
    let stamp = json!({"changedBy": "crm", "changedByChannel": "crm"});
    s.post(
        "deactivate without an expiration date",
        &format!("/profiles/{n}/deactivate"),
        stamp.clone(),
    )
    .await;
    let mut deactivation = stamp.clone();
    deactivation["expirationDate"] = json!(in_days(3));
    s.post("deactivate", &format!("/profiles/{n}/deactivate"), deactivation)
        .await;
    s.put(
        "update a deactivated profile",
        &format!("/profiles/{n}"),
        json!({"firstName": "X", "surname": "Y", "changedBy": "c", "changedByChannel": "c"}),
    )
    .await;
    s.post("restore", &format!("/profiles/{n}/restore"), stamp.clone())
        .await;
    s.post("restore an active profile", &format!("/profiles/{n}/restore"), stamp)
        .await;
    let connect = json!({"customerNumberToConnect": m, "changedByChannel": "crm"});
    s.post("connect", &format!("/profiles/{n}/connect"), connect.clone())
        .await;
    s.get("get the merged number", &format!("/profiles/{m}")).await;
    s.post("connect again", &format!("/profiles/{n}/connect"), connect)
        .await;
    s.post(
        "connect to itself",
        &format!("/profiles/{n}/connect"),
        json!({"customerNumberToConnect": n, "changedByChannel": "crm"}),
    )
    .await;

    // What every route shares.
    s.get("an unknown path", &format!("/profiles/{n}/nothing")).await;
    s.delete("a method the path does not take", &format!("/profiles/{n}"))
        .await;
    s.send(
        "an empty body",
        Method::POST,
        "/profiles",
        None,
        &[("content-type", "application/json")],
    )
    .await;
    s.send(
        "an unsupported content type",
        Method::POST,
        "/profiles",
        Some(json!({})),
        &[("content-type", "text/plain")],
    )
    .await;
    s.send(
        "no token",
        Method::GET,
        &format!("/profiles/{n}"),
        None,
        &[("authorization", "")],
    )
    .await;
    s.send(
        "no client name",
        Method::GET,
        &format!("/profiles/{n}"),
        None,
        &[("et-client-name", "")],
    )
    .await;
    s.snapshot("profiles_routes");
}

#[tokio::test]
async fn temporary_profiles_routes() {
    let mut s = Session::new().await;
    let body = json!({"createdBy": "web", "createdByChannel": "web", "expirationDate": in_days(5),
        "email": "anon@example.org", "firstName": "Anne"});
    let created = s
        .send(
            "create",
            Method::POST,
            "/profiles/temporary",
            Some(body.clone()),
            &[("idempotency-key", "tmp-1")],
        )
        .await;
    let t = created.body["customerNumber"].as_i64().unwrap_or(0);
    s.transcript.name("customerNumber", t);
    s.send(
        "the same create replayed",
        Method::POST,
        "/profiles/temporary",
        Some(body),
        &[("idempotency-key", "tmp-1")],
    )
    .await;
    s.post(
        "create without an expiration date",
        "/profiles/temporary",
        json!({"createdBy": "web", "createdByChannel": "web"}),
    )
    .await;
    s.post(
        "create with a past expiration date",
        "/profiles/temporary",
        json!({"createdBy": "web", "createdByChannel": "web", "expirationDate": "2020-01-01"}),
    )
    .await;
    let path = format!("/profiles/temporary/{t}");
    s.get("get", &path).await;
    s.get("get through the permanent path", &format!("/profiles/{t}")).await;
    let put = json!({"changedBy": "web", "changedByChannel": "web", "expirationDate": in_days(6), "surname": "Anonym"});
    s.put("update", &path, put.clone()).await;
    s.send(
        "update with a stale If-Match",
        Method::PUT,
        &path,
        Some(put),
        &[("if-match", "\"1\"")],
    )
    .await;
    s.post(
        "convert without names",
        &format!("{path}/convert"),
        json!({"changedBy": "web", "changedByChannel": "web"}),
    )
    .await;
    s.post(
        "convert",
        &format!("{path}/convert"),
        json!({"changedBy": "web", "changedByChannel": "web", "firstName": "Anne", "surname": "Anonym", "password": "secret12"}),
    )
    .await;
    s.get("a converted profile on the temporary path", &path).await;

    let other = s
        .post(
            "create another",
            "/profiles/temporary",
            json!({"createdBy": "web", "createdByChannel": "web", "expirationDate": in_days(1)}),
        )
        .await;
    let o = s.name_id("customerNumber", &other, "customerNumber");
    s.delete("delete", &format!("/profiles/temporary/{o}")).await;
    s.get("get a deleted one", &format!("/profiles/temporary/{o}")).await;
    s.delete("delete it again", &format!("/profiles/temporary/{o}")).await;
    s.snapshot("temporary_profiles_routes");
}

#[tokio::test]
async fn credentials_routes() {
    let mut s = Session::new().await;
    let n = s
        .profile("create", "sign.in@example.org", json!({"password": "abcD123"}))
        .await;
    let verify =
        |password: &str| json!({"email": "sign.in@example.org", "password": password, "lastSignInFrom": "app"});
    s.post("verify", "/profiles/verify-credentials", verify("abcD123"))
        .await;
    s.post(
        "verify a wrong password",
        "/profiles/verify-credentials",
        verify("wrong-1"),
    )
    .await;
    s.post(
        "verify an unknown email",
        "/profiles/verify-credentials",
        json!({"email": "nobody@example.org", "password": "abcD123"}),
    )
    .await;
    s.post(
        "verify without a password",
        "/profiles/verify-credentials",
        json!({"email": "x@y.no"}),
    )
    .await;
    s.put(
        "set a password",
        &format!("/profiles/{n}/password"),
        json!({"newPassword": "adminSet1"}),
    )
    .await;
    s.put(
        "set a too short password",
        &format!("/profiles/{n}/password"),
        json!({"newPassword": "a"}),
    )
    .await;
    s.post(
        "change a password",
        &format!("/profiles/{n}/change-password"),
        json!({"oldPassword": "adminSet1", "newPassword": "changed12"}),
    )
    .await;
    s.post(
        "change with a wrong old password",
        &format!("/profiles/{n}/change-password"),
        json!({"oldPassword": "adminSet1", "newPassword": "changed13"}),
    )
    .await;
    let generated = s
        .post(
            "generate a password",
            "/profiles/generate-password",
            json!({"email": "sign.in@example.org"}),
        )
        .await;
    let password = generated.body["generatedPassword"].as_str().unwrap_or("").to_string();
    assert_eq!(password.len(), 16, "{}", generated.text);
    s.post(
        "generate for an unknown email",
        "/profiles/generate-password",
        json!({"email": "nobody@example.org"}),
    )
    .await;
    for i in 0..5 {
        s.app
            .post("/profiles/verify-credentials", verify(&format!("wrong-{i}")))
            .await;
    }
    s.post(
        "verify after five failures",
        "/profiles/verify-credentials",
        verify(&password),
    )
    .await;
    s.snapshot("credentials_routes");
}

#[tokio::test]
async fn customer_accounts_routes() {
    let mut s = Session::new().await;
    let n = s.profile("create", "accounts@example.org", json!({})).await;
    let path = format!("/profiles/{n}/customer-accounts");
    let first = s
        .post("add an account", &path, json!({"accountId": "acc-1", "alias": "Work"}))
        .await;
    s.name_id("accountRowId", &first, "id");
    let second = s
        .post("add a second account", &path, json!({"accountId": "acc-2"}))
        .await;
    s.name_id("accountRowId", &second, "id");
    s.post("add a taken account id", &path, json!({"accountId": "acc-1"}))
        .await;
    s.post("add without an account id", &path, json!({"alias": "x"})).await;
    s.get("list accounts", &path).await;
    let patch = |body: Value| (Method::PATCH, body);
    let (method, body) = patch(json!({"isDefault": true, "alias": null}));
    s.send(
        "make the second the default",
        method,
        &format!("{path}/acc-2"),
        Some(body),
        &[("content-type", "application/merge-patch+json")],
    )
    .await;
    s.send(
        "unset the only default",
        Method::PATCH,
        &format!("{path}/acc-2"),
        Some(json!({"isDefault": false})),
        &[("content-type", "application/merge-patch+json")],
    )
    .await;
    s.send(
        "patch with plain JSON",
        Method::PATCH,
        &format!("{path}/acc-2"),
        Some(json!({"alias": "x"})),
        &[],
    )
    .await;
    s.send(
        "patch an unknown member",
        Method::PATCH,
        &format!("{path}/acc-2"),
        Some(json!({"accountId": "other"})),
        &[("content-type", "application/merge-patch+json")],
    )
    .await;
    s.get("the owner of an account", "/profiles/customer-accounts/acc-1")
        .await;
    s.get("the owner of an unknown account", "/profiles/customer-accounts/nobody")
        .await;
    s.delete("delete the default account", &format!("{path}/acc-2")).await;
    s.delete("delete an unknown account", &format!("{path}/acc-9")).await;
    s.snapshot("customer_accounts_routes");
}

#[tokio::test]
async fn preferences_routes() {
    let mut s = Session::new().await;
    let n = s.profile("create", "prefs@example.org", json!({})).await;
    let added = s
        .post(
            "add to the catalogue",
            "/preferences",
            json!({"preferenceCode": "NEWSLETTER", "preferenceType": "MARKETING", "preferenceDescription": "News by email"}),
        )
        .await;
    let p = s.name_id("preferenceId", &added, "id");
    s.post(
        "add a taken code",
        "/preferences",
        json!({"preferenceCode": "newsletter"}),
    )
    .await;
    s.post("add without a code", "/preferences", json!({})).await;
    s.get("list the catalogue", "/preferences").await;
    s.get("get one", &format!("/preferences/{p}")).await;
    s.get("get an unknown one", "/preferences/999999").await;
    s.put(
        "change one",
        &format!("/preferences/{p}"),
        json!({"preferenceCode": "NEWSLETTER", "preferenceDescription": "Monthly news"}),
    )
    .await;
    let path = format!("/profiles/{n}/preferences");
    s.post(
        "choose a preference",
        &path,
        json!({"preferenceId": p, "preferenceValue": "weekly"}),
    )
    .await;
    s.post("choose an unknown preference", &path, json!({"preferenceId": 999_999}))
        .await;
    s.get("list the choices", &path).await;
    s.put(
        "replace the choices",
        &path,
        json!([{"preferenceId": p, "preferenceValue": "monthly"}]),
    )
    .await;
    s.put(
        "replace with a duplicate",
        &path,
        json!([{"preferenceId": p}, {"preferenceId": p}]),
    )
    .await;
    s.delete("remove a choice", &format!("{path}/{p}")).await;
    s.delete("remove it again", &format!("{path}/{p}")).await;
    s.delete("delete from the catalogue", &format!("/preferences/{p}"))
        .await;
    s.get("get a deleted one", &format!("/preferences/{p}")).await;
    s.snapshot("preferences_routes");
}

/// A retried create answers exactly what the first create answered, in the shape of the
/// operation it was sent to: body, status and headers alike.
#[tokio::test]
async fn a_replayed_create_answers_exactly_as_the_first_did_on_both_create_paths() {
    let app = TestApp::profiles().await;
    let temporary =
        json!({"createdBy": "web", "createdByChannel": "web", "expirationDate": in_days(2), "firstName": "Anne"});
    let permanent = app.new_profile(Some("replayed@example.org"));
    for (path, body, key) in [
        ("/profiles/temporary", temporary, "replay-temporary"),
        ("/profiles", permanent, "replay-permanent"),
    ] {
        let first = app
            .call(Method::POST, path, Some(body.clone()), &[("idempotency-key", key)])
            .await;
        assert_eq!(first.status.as_u16(), 201, "{}", first.text);
        let again = app
            .call(Method::POST, path, Some(body), &[("idempotency-key", key)])
            .await;
        assert_eq!(again.status, first.status, "{path}");
        assert_eq!(again.body, first.body, "{path}: the same body, in the same shape");
        for header in ["etag", "location", "content-type"] {
            assert_eq!(again.header(header), first.header(header), "{path}: {header}");
        }
        assert_eq!(first.header("idempotent-replayed"), None);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
    }
}
