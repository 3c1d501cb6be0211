//! Extreme years in every date a client can send. Each date member of every request body (found
//! from the parsers' own table, so a new one cannot be missed) and the search's `dateOfBirth` are
//! sent with five-digit, signed and zero years and the last second of 9999, on every operation
//! that takes them. Each answer is a 400 naming the field, or a success whose value reads back
//! equal; afterwards a search and a bulk lookup over everything written still answer, and every
//! record of the table's stream still decodes into a change event.

use axum::http::{Method, StatusCode};
use chrono::{DateTime, NaiveDate};
use customers_contract::schema::accepts::Accepts;
use customers_contract::schema::examples::example;
use customers_contract::schema::requests::REQUESTS;
use customers_tests::app::{TestApp, TestResponse, email};
use customers_tests::pipeline::{by_profile, deliver, drain, harness, receive_all, subscribed_queue};
use serde_json::{Value, json};

const INSTANTS: [&str; 8] = [
    "10000-01-01T00:00:00Z",
    "+10000-01-01T00:00:00Z",
    "+2030-01-01T00:00:00Z",
    "-0001-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "0000-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
];
const DATES: [&str; 7] = [
    "10000-01-01",
    "+1990-01-01",
    "-0001-01-01",
    "0000-01-01",
    "0001-01-01",
    "1900-01-01",
    "9999-12-31",
];

/// The operations whose body is `schema`, from the document.
fn operations_of(doc: &Value, schema: &str) -> Vec<(Method, String)> {
    let reference = format!("#/components/schemas/{schema}");
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let body = &operation["requestBody"]["content"]["application/json"]["schema"];
            if body["$ref"] == reference.as_str() || body["items"]["$ref"] == reference.as_str() {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap_or_else(|e| panic!("{e}"));
                found.push((method, path.clone()));
            }
        }
    }
    found
}

/// The same moment or day, however it is written.
fn same_date(sent: &str, answered: &str) -> bool {
    match (
        DateTime::parse_from_rfc3339(sent),
        DateTime::parse_from_rfc3339(answered),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => {
            let day = |s: &str| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok();
            day(sent).is_some() && day(sent) == day(answered)
        }
    }
}

/// A date as answered: a text, or the contract's `{year, month, day}` for a birth date.
fn answered_date(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(_) => Some(format!(
            "{:04}-{:02}-{:02}",
            v["year"].as_i64()?,
            v["month"].as_i64()?,
            v["day"].as_i64()?
        )),
        _ => None,
    }
}

/// Every value of the members named `name`, anywhere in `value`.
fn values_named<'a>(value: &'a Value, name: &str, found: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == name {
                    found.push(inner);
                }
                values_named(inner, name, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| values_named(v, name, found)),
        _ => {}
    }
}

fn refused_naming(r: &TestResponse, field: &str) -> bool {
    r.status == StatusCode::BAD_REQUEST
        && r.body["errors"]
            .as_array()
            .is_some_and(|errors| errors.iter().any(|e| e["field"] == field))
}

/// A body of `schema` that the server accepts for a fresh profile of `app`'s organisation.
fn base_body(app: &TestApp, schema: &str) -> Value {
    let mut body = example(schema).unwrap_or_else(|| panic!("{schema} has an example"));
    match schema {
        "CustomerPostRequest" => {
            body["organisationId"] = json!(app.org);
            body["email"] = json!(email("years"));
        }
        "CustomerPutRequest" => body["email"] = json!(email("years")),
        // The start defaults to now, so that only the date under test decides.
        "EcardOwnershipRequest" => {
            body.as_object_mut().map(|o| o.remove("startOfOwnership"));
        }
        _ => {}
    }
    body
}

struct Written {
    /// Active permanent profiles.
    numbers: Vec<i64>,
    /// Temporary and deactivated ones.
    others: Vec<i64>,
    accepted: usize,
    refused: usize,
}

/// Sends `value` as `member` of a `schema` body on `method path`, and checks the answer.
async fn send(
    app: &TestApp,
    written: &mut Written,
    schema: &str,
    method: &Method,
    path: &str,
    member: &str,
    value: &str,
) {
    let permanent = app.create(app.new_profile(Some(&email("years-owner")))).await["customerNumber"]
        .as_i64()
        .unwrap_or_else(|| panic!("a profile"));
    written.numbers.push(permanent);
    let mut number = permanent;
    if path.contains("/temporary/") {
        let temporary = app
            .post("/profiles/temporary", base_body(app, "TemporaryCustomerPostRequest"))
            .await;
        assert_eq!(temporary.status, StatusCode::CREATED, "{}", temporary.text);
        number = temporary.body["customerNumber"].as_i64().unwrap_or(0);
        written.others.push(number);
    }
    let mut target = path.replace("{customerNumber}", &number.to_string());
    for (id, list, shape) in [
        ("{addressId}", "postal-addresses", "PostalAddressRequest"),
        ("{ecardId}", "ecards", "EcardOwnershipRequest"),
    ] {
        if target.contains(id) {
            let made = app
                .post(&format!("/profiles/{number}/{list}"), base_body(app, shape))
                .await;
            assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
            target = target.replace(id, &made.body["id"].to_string());
        }
    }
    let mut body = base_body(app, schema);
    body[member] = json!(value);
    let r = app.call(method.clone(), &target, Some(body), &[]).await;
    let case = format!("{method} {path} {member}={value}");
    if refused_naming(&r, member) {
        written.refused += 1;
        return;
    }
    assert!(
        r.status.is_success(),
        "{case}: neither accepted nor refused naming the field: {}",
        r.text
    );
    written.accepted += 1;
    // Read it back where the service keeps it.
    let created = r.body["customerNumber"].as_i64();
    let read = match (method.as_str(), path) {
        ("POST", "/profiles") => format!("/profiles/{}", created.unwrap_or(0)),
        ("POST", "/profiles/temporary") => format!("/profiles/temporary/{}", created.unwrap_or(0)),
        _ if path.contains("/ecards") => format!("/profiles/{number}/ecards"),
        _ if path.contains("/temporary/") => format!("/profiles/temporary/{number}"),
        _ => format!("/profiles/{number}"),
    };
    // The bulk lookup answers active permanent profiles: keep the others apart.
    match created {
        Some(n) if path.contains("temporary") => written.others.push(n),
        Some(n) => written.numbers.push(n),
        None => {}
    }
    if path.ends_with("/deactivate") {
        written.numbers.retain(|n| *n != number);
        written.others.push(number);
    }
    let back = app.get(&read).await;
    assert_eq!(back.status, StatusCode::OK, "{case}: read back {read}: {}", back.text);
    let mut found = Vec::new();
    values_named(&back.body, member, &mut found);
    assert!(
        found
            .iter()
            .any(|v| answered_date(v).is_some_and(|a| same_date(value, &a))),
        "{case}: {read} does not give it back: {}",
        back.text
    );
}

#[tokio::test]
async fn every_date_member_takes_extreme_years_as_a_400_or_reads_them_back() {
    let mut h = harness().await;
    let app = &h.app;
    let subscriber = subscribed_queue(&h.publisher, &h.sns, &h.sqs, app.org).await;
    let (doc, problems) = customers_tests::openapi::tightened();
    assert!(problems.is_empty(), "{problems:#?}");
    let mut written = Written {
        numbers: Vec::new(),
        others: Vec::new(),
        accepted: 0,
        refused: 0,
    };
    let mut tried = Vec::new();
    for shape in REQUESTS {
        for member in shape.members {
            let values: &[&str] = match member.accepts {
                Accepts::Instant | Accepts::FutureInstant => &INSTANTS,
                Accepts::BirthDate => &DATES,
                _ => continue,
            };
            let operations = operations_of(&doc, shape.schema);
            assert!(!operations.is_empty(), "{} is the body of an operation", shape.schema);
            for (method, path) in &operations {
                for value in values {
                    send(app, &mut written, shape.schema, method, path, member.name, value).await;
                }
                tried.push(format!("{method} {path} {}", member.name));
            }
        }
    }
    // Every operation with a date in its body was tried.
    for expected in [
        "POST /profiles dateOfBirth",
        "PUT /profiles/{customerNumber} emailVerifiedAt",
        "POST /profiles/temporary expirationDate",
        "PUT /profiles/temporary/{customerNumber} expirationDate",
        "POST /profiles/{customerNumber}/deactivate expirationDate",
        "PUT /profiles/{customerNumber}/postal-addresses/{addressId} verifiedAt",
        "POST /profiles/{customerNumber}/ecards endOfOwnership",
        "PUT /profiles/{customerNumber}/ecards/{ecardId} shippingDate",
    ] {
        assert!(tried.iter().any(|t| t == expected), "{expected} was tried: {tried:#?}");
    }
    // Both outcomes happen: the years 0001–9999 are taken, the others refused.
    assert!(
        written.accepted > 0 && written.refused > 0,
        "{} accepted, {} refused",
        written.accepted,
        written.refused
    );

    // The search's dateOfBirth.
    for value in DATES {
        let r = app
            .get(&format!("/profiles?dateOfBirth={}", value.replace('+', "%2B")))
            .await;
        assert!(
            refused_naming(&r, "dateOfBirth") || r.status == StatusCode::OK,
            "search dateOfBirth={value}: {}",
            r.text
        );
    }
    // Searches and bulk lookups over everything written still answer.
    let search = app.get("/profiles?surname=Nordmann&maxResultSet=1000").await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.text);
    let numbers: Vec<i64> = written.numbers.iter().copied().take(1000).collect();
    let bulk = app.post("/profiles/bulk", json!({ "customerNumbers": numbers })).await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.text);
    let answered: Vec<i64> = bulk
        .body
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["customerNumber"].as_i64())
        .collect();
    let missing: Vec<&i64> = numbers.iter().filter(|n| !answered.contains(n)).collect();
    assert!(missing.is_empty(), "every profile is read; missing {missing:?}");

    // Every stream record decodes: the change-events function publishes to moto's SNS and sets
    // nothing aside, and each profile's events reach a subscriber.
    deliver(&mut h.poller, &h.publisher, &h.failures).await;
    let set_aside = receive_all(&h.sqs, &h.failure_queue).await;
    assert!(set_aside.is_empty(), "no stream record is set aside: {set_aside:?}");
    let events = by_profile(&drain(&h.sqs, &subscriber).await);
    for n in written.numbers.iter().chain(&written.others) {
        assert!(events.contains_key(n), "profile {n} has its events");
    }
    h.app.drop_table(&h.table).await;
}
