//! A bounded load run against the local stack: 16 clients send 2,000 mixed requests (creates,
//! reads, updates, address and account writes, searches, bulk lookups) at DynamoDB Local at
//! once. Ignored in a plain `cargo test`, where DynamoDB Local may be shared with other work
//! and slowed by it: `infra/local/test.sh` runs it with `-- --ignored` on its own instance. No answer may be a 5xx, and afterwards every write that was answered as done is
//! read back as written. Counts, not times: the figures it prints go to docs/reliability.md.

use axum::http::{Method, StatusCode};
use customers_tests::app::{TestApp, email};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

const CLIENTS: usize = 16;
const REQUESTS: usize = 2_000;

/// What one client wrote to one of its profiles, to compare with a read afterwards.
#[derive(Debug, Default, Clone)]
struct Written {
    email: String,
    surname: String,
    towns: Vec<String>,
    accounts: Vec<String>,
}

#[derive(Debug, Default)]
struct Tally {
    answers: BTreeMap<(String, u16), usize>,
    profiles: BTreeMap<i64, Written>,
}

fn operation(method: &Method, path: &str) -> String {
    let bare = path.split('?').next().unwrap_or("");
    customers_contract::routes::operation_at(method, bare)
        .map_or_else(|| format!("{method} {bare}"), |o| o.id.to_string())
}

/// One client: its share of the requests, over profiles of its own, mixed round-robin.
async fn client(app: Arc<TestApp>, id: usize, requests: usize) -> Tally {
    let mut tally = Tally::default();
    let mut mine: Vec<i64> = Vec::new();
    for i in 0..requests {
        let (method, path, body) = match (i % 10, mine.len()) {
            (_, 0) | (0 | 5, _) => {
                let address = email(&format!("load-{id}"));
                let mut body = app.new_profile(Some(&address));
                body["surname"] = json!(format!("Load{id}x{i}"));
                (Method::POST, "/profiles".to_string(), Some(body))
            }
            (k, n) => {
                let number = mine[(i / 10 + k) % n];
                match k {
                    1 | 6 => (Method::GET, format!("/profiles/{number}"), None),
                    2 => (
                        Method::PUT,
                        format!("/profiles/{number}"),
                        Some(
                            json!({"firstName": "Ola", "surname": format!("Load{id}u{i}"), "email": tally.profiles.get(&number).map(|w| w.email.clone()), "changedBy": "load", "changedByChannel": "load"}),
                        ),
                    ),
                    3 if tally.profiles.get(&number).is_some_and(|w| w.towns.len() < 10) => (
                        Method::POST,
                        format!("/profiles/{number}/postal-addresses"),
                        Some(json!({"town": format!("Town{id}x{i}")})),
                    ),
                    4 if tally.profiles.get(&number).is_some_and(|w| w.accounts.len() < 20) => (
                        Method::POST,
                        format!("/profiles/{number}/customer-accounts"),
                        Some(json!({"accountId": format!("load-{}-{id}-{i}", app.org)})),
                    ),
                    7 => {
                        let address = tally.profiles.get(&number).map(|w| w.email.clone()).unwrap_or_default();
                        (Method::GET, format!("/profiles?email={address}"), None)
                    }
                    8 => (
                        Method::POST,
                        "/profiles/bulk".to_string(),
                        Some(json!({"customerNumbers": mine.iter().rev().take(20).collect::<Vec<_>>()})),
                    ),
                    _ => (Method::GET, format!("/profiles/{number}/postal-addresses"), None),
                }
            }
        };
        let r = app.call(method.clone(), &path, body.clone(), &[]).await;
        *tally
            .answers
            .entry((operation(&method, &path), r.status.as_u16()))
            .or_insert(0) += 1;
        assert!(
            !r.status.is_server_error(),
            "client {id}, request {i}: {method} {path}: {}",
            r.text
        );
        if !r.status.is_success() {
            continue;
        }
        let body = body.unwrap_or(Value::Null);
        match (method, r.status) {
            (Method::POST, StatusCode::CREATED) if path == "/profiles" => {
                let number = r.body["customerNumber"].as_i64().unwrap_or(0);
                mine.push(number);
                tally.profiles.insert(
                    number,
                    Written {
                        email: body["email"].as_str().unwrap_or("").to_string(),
                        surname: body["surname"].as_str().unwrap_or("").to_string(),
                        ..Written::default()
                    },
                );
            }
            (Method::PUT, _) => {
                if let Some(w) = number_in(&path).and_then(|n| tally.profiles.get_mut(&n)) {
                    w.surname = body["surname"].as_str().unwrap_or("").to_string();
                }
            }
            (Method::POST, StatusCode::CREATED) if path.ends_with("/postal-addresses") => {
                if let Some(w) = number_in(&path).and_then(|n| tally.profiles.get_mut(&n)) {
                    w.towns.push(body["town"].as_str().unwrap_or("").to_string());
                }
            }
            (Method::POST, StatusCode::CREATED) if path.ends_with("/customer-accounts") => {
                if let Some(w) = number_in(&path).and_then(|n| tally.profiles.get_mut(&n)) {
                    w.accounts.push(body["accountId"].as_str().unwrap_or("").to_string());
                }
            }
            _ => {}
        }
    }
    tally
}

fn number_in(path: &str) -> Option<i64> {
    path.split('/').nth(2).and_then(|n| n.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a load run: infra/local/test.sh runs it on its own DynamoDB Local, not a shared one"]
async fn two_thousand_mixed_requests_from_sixteen_clients_no_5xx_and_every_write_readable() {
    // A table of its own, dropped at the end: the run leaves thousands of items.
    let (app, table) = TestApp::with_fresh_table().await;
    let app = Arc::new(app);
    // One create first, so that the run starts on a table in use (its number counter made).
    app.create(app.new_profile(None)).await;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|id| tokio::spawn(client(app.clone(), id, REQUESTS / CLIENTS)))
        .collect();
    let mut answers: BTreeMap<(String, u16), usize> = BTreeMap::new();
    let mut written: BTreeMap<i64, Written> = BTreeMap::new();
    for c in clients {
        let tally = c.await.unwrap_or_else(|e| panic!("a client failed: {e}"));
        for (k, v) in tally.answers {
            *answers.entry(k).or_insert(0) += v;
        }
        written.extend(tally.profiles);
    }
    let total: usize = answers.values().sum();
    assert_eq!(total, REQUESTS);
    eprintln!("answers by operation and status: {answers:#?}");
    eprintln!("{} profiles written", written.len());
    // Every write answered as done is read back as written.
    for (number, w) in &written {
        let r = app.get(&format!("/profiles/{number}")).await;
        assert_eq!(r.status, StatusCode::OK, "{number}: {}", r.text);
        assert_eq!(r.body["email"], json!(w.email), "{number}");
        assert_eq!(r.body["surname"], json!(w.surname), "{number}");
        let mut towns: Vec<String> = r.body["postalAddresses"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p["town"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        towns.sort();
        let mut expected = w.towns.clone();
        expected.sort();
        assert_eq!(towns, expected, "{number}");
        let mut accounts: Vec<String> = r.body["customerAccounts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p["customerAccountId"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        accounts.sort();
        let mut expected = w.accounts.clone();
        expected.sort();
        assert_eq!(accounts, expected, "{number}");
    }
    let writes: usize = answers
        .iter()
        .filter(|((op, status), _)| (200..300).contains(status) && !op.starts_with("find") && !op.starts_with("get"))
        .map(|(_, n)| n)
        .sum();
    assert!(writes >= REQUESTS / 3, "a run of mostly writes: {writes}");
    app.drop_table(&table).await;
}
