//! Faults of the dependencies, each on an instance of the test's own that the test stops and
//! starts again (never the shared ones). Ignored in a plain `cargo test`: `infra/local/test.sh`
//! runs them with `-- --ignored`, giving DynamoDB Local's jar (`DYNAMODB_LOCAL_JAR`) and free
//! ports (`FAULT_DYNAMODB_PORT`, `FAULT_MOTO_PORT`). (The token issuer stopped is in
//! `tests/tokens.rs`: it needs no process of its own.)

use aws_lambda_events::event::dynamodb::Event;
use axum::http::StatusCode;
use customers_domain::values::OrganisationId;
use customers_sns::{FailureQueue, SnsPublisher, topic_name};
use customers_tests::app::{TestApp, ensure_table};
use customers_tests::pipeline::{by_profile, deliver, drain, subscribed_queue};
use customers_tests::poller::{StreamPoller, streams_client};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn port(name: &str) -> u16 {
    std::env::var(name)
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{name} names the port of this test's own instance"))
}

/// A service process of the test's own, killed when dropped.
struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Service {
    /// Stops it (SIGTERM, as a host shutting the service down would) and waits until it is gone.
    fn stop(mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

/// Waits until something accepts connections on `port` (polling, bounded: a start, not a
/// measurement).
async fn accepting(port: u16) {
    for _ in 0..600 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("nothing listens on port {port}");
}

/// DynamoDB Local on `port`, keeping its data in `dir` so that it outlives a stop.
async fn dynamodb_local(port: u16, dir: &std::path::Path) -> Service {
    let jar = std::path::PathBuf::from(
        std::env::var("DYNAMODB_LOCAL_JAR").unwrap_or_else(|_| panic!("DYNAMODB_LOCAL_JAR names DynamoDBLocal.jar")),
    );
    let home = jar.parent().unwrap_or_else(|| panic!("{jar:?} has no directory"));
    let child = Command::new("java")
        .current_dir(home)
        .args(["-Xms64m", "-Xmx512m", "-Djava.library.path=./DynamoDBLocal_lib", "-jar"])
        .arg(&jar)
        .args(["-sharedDb", "-dbPath"])
        .arg(dir)
        .args(["-port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("java: {e}"));
    let service = Service(child);
    accepting(port).await;
    service
}

async fn moto(port: u16) -> Service {
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("moto_server: {e}"));
    let service = Service(child);
    accepting(port).await;
    service
}

/// Every item of the table, grouped by the profile (customer number) it belongs to.
async fn items_by_profile(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
) -> BTreeMap<i64, Vec<customers_tests::storage::Item>> {
    let mut by_profile: BTreeMap<i64, Vec<_>> = BTreeMap::new();
    let mut start = None;
    loop {
        let out = client
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap_or_else(|e| panic!("scan: {e}"));
        for item in out.items.unwrap_or_default() {
            let number = match item.get("customerNumber") {
                Some(aws_sdk_dynamodb::types::AttributeValue::N(n)) => n.parse().unwrap_or(0),
                _ => continue,
            };
            by_profile.entry(number).or_default().push(item);
        }
        match out.last_evaluated_key {
            Some(k) => start = Some(k),
            None => return by_profile,
        }
    }
}

/// Eight clients create profiles (each with an email and an address) on a DynamoDB Local the
/// test stops in the middle of the run. Every answer is 201 or the contract's 503 with
/// `Retry-After` (never another 5xx), every request after the stop is 503, and after a restart
/// every profile is whole: one profile item with its email guard and search entries, every 201
/// readable as answered, and nothing left of a create that did not land.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "starts and stops its own DynamoDB Local: run by infra/local/test.sh"]
async fn a_database_stopped_mid_writes_answers_503_and_leaves_no_profile_half_written() {
    let port = port("FAULT_DYNAMODB_PORT");
    let dir = std::env::temp_dir().join(format!("customers-faults-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let db = dynamodb_local(port, &dir).await;
    let endpoint = format!("http://127.0.0.1:{port}");
    let client = customers_dynamodb::dynamodb_client(&customers_dynamodb::StoreConfig {
        table_name: "customers-faults".into(),
        endpoint: Some(endpoint),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    ensure_table(&client, "customers-faults", true).await;
    let app = Arc::new(TestApp::profiles_with_client(client.clone(), "customers-faults").await);

    let stopped = Arc::new(AtomicBool::new(false));
    let created = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let (app, stopped, created) = (app.clone(), stopped.clone(), created.clone());
            tokio::spawn(async move {
                let mut answers = Vec::new();
                let mut after_stop = 0;
                for i in 0.. {
                    let address = format!("fault-{w}-{i}@example.org");
                    let mut body = app.new_profile(Some(&address));
                    body["postalAddresses"] = json!([{"town": format!("T{w}x{i}")}]);
                    let sent_after_stop = stopped.load(Ordering::SeqCst);
                    let r = app.post("/profiles", body).await;
                    if r.status == StatusCode::CREATED {
                        created.fetch_add(1, Ordering::SeqCst);
                    }
                    answers.push((address, sent_after_stop, r));
                    if sent_after_stop {
                        after_stop += 1;
                        if after_stop == 3 {
                            return answers;
                        }
                    }
                }
                answers
            })
        })
        .collect();
    while created.load(Ordering::SeqCst) < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    db.stop();
    stopped.store(true, Ordering::SeqCst);
    let mut answers = Vec::new();
    for w in writers {
        answers.extend(w.await.unwrap_or_else(|e| panic!("{e}")));
    }
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for (address, after, r) in &answers {
        *statuses.entry(r.status.as_u16()).or_insert(0) += 1;
        match r.status {
            StatusCode::CREATED => assert!(!after, "{address}: created after the stop"),
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(r.error_code(), 800, "{}", r.text);
                assert!(r.header("retry-after").is_some(), "{:?}", r.headers);
            }
            other => panic!("{address}: {other}: {}", r.text),
        }
    }
    eprintln!("answers around the stop: {statuses:?}");
    assert!(statuses.get(&503).copied().unwrap_or(0) >= 24, "{statuses:?}");

    let _db = dynamodb_local(port, &dir).await;
    let stored = items_by_profile(&client, "customers-faults").await;
    for (number, items) in &stored {
        let kinds: Vec<String> = items.iter().map(customers_tests::storage::kind_of).collect();
        let profiles = kinds.iter().filter(|k| *k == "PROFILE").count();
        assert_eq!(
            profiles, 1,
            "{number}: every item belongs to a stored profile: {kinds:?}"
        );
        assert!(kinds.iter().any(|k| k == "UNIQUE#EMAIL"), "{number}: {kinds:?}");
        assert!(kinds.iter().any(|k| k == "SEARCH#EMAIL"), "{number}: {kinds:?}");
    }
    let mut landed = 0;
    for (address, _, r) in &answers {
        let found = app.get(&format!("/profiles?email={address}")).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.text);
        let found = found.body.as_array().cloned().unwrap_or_default();
        if r.status == StatusCode::CREATED {
            assert_eq!(found, vec![r.body.clone()], "{address}: read as answered");
        }
        if let Some(p) = found.first() {
            landed += 1;
            assert_eq!(p["postalAddresses"].as_array().map(Vec::len), Some(1), "{address}: {p}");
        }
    }
    eprintln!(
        "{} profiles stored whole after the restart ({landed} found by email)",
        stored.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// moto (SNS) is stopped while profiles change. The function reports exactly the record it could not
/// publish in `batchItemFailures`; once SNS is back, every change arrives, once, in version
/// order per profile, each with an id of its own.
#[tokio::test]
#[ignore = "starts and stops its own moto: run by infra/local/test.sh"]
async fn events_published_while_sns_is_down_arrive_once_it_is_back() {
    let port = port("FAULT_MOTO_PORT");
    let endpoint = format!("http://127.0.0.1:{port}");
    let sns_service = moto(port).await;
    let sns = customers_sns::sns_client(Some(&endpoint)).unwrap_or_else(|e| panic!("{e}"));
    let sqs = customers_sns::sqs_client(Some(&endpoint)).unwrap_or_else(|e| panic!("{e}"));
    let stage = format!("f{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let publisher = SnsPublisher::new(sns.clone(), stage.clone());
    let failures = FailureQueue::new(sqs.clone(), format!("{endpoint}/123456789012/none"));
    let (app, table) = TestApp::with_fresh_table().await;
    let mut poller = StreamPoller::new(
        streams_client(&customers_tests::dynamodb_endpoint()),
        &app.client,
        &table,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let before = subscribed_queue(&publisher, &sns, &sqs, app.org).await;
    let first = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    deliver(&mut poller, &publisher, &failures).await;
    let mut events = drain(&sqs, &before).await;
    assert_eq!(events.len(), 1, "{events:?}");

    sns_service.stop();
    let stamp = json!({"firstName": "Kari", "surname": "Nordmann", "changedBy": "x", "changedByChannel": "x"});
    let mut numbers = vec![first];
    for _ in 0..3 {
        numbers.push(
            app.create(app.new_profile(None)).await["customerNumber"]
                .as_i64()
                .unwrap_or(0),
        );
    }
    for n in &numbers {
        let r = app.put(&format!("/profiles/{n}"), stamp.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    // One batch through the function with SNS down: exactly its first record is reported.
    let reported: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let first_in_batch: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    poller
        .poll_once(|event| {
            let (publisher, failures) = (&publisher, &failures);
            let (reported, first_in_batch) = (reported.clone(), first_in_batch.clone());
            async move {
                let event: Event = serde_json::from_value(event).map_err(|e| e.to_string())?;
                if let Ok(mut first) = first_in_batch.lock() {
                    *first = event.records.first().and_then(|r| r.change.sequence_number.clone());
                }
                let response = change_events::handle(event, publisher, failures).await;
                let failed: Vec<String> = response
                    .batch_item_failures
                    .iter()
                    .filter_map(|f| f.item_identifier.clone())
                    .collect();
                let first_failed = failed.first().cloned();
                if let Ok(mut r) = reported.lock() {
                    r.extend(failed);
                }
                Ok(first_failed)
            }
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let first_record = first_in_batch.lock().map(|f| f.clone()).unwrap_or(None);
    assert!(first_record.is_some(), "a batch was handed over");
    assert_eq!(
        reported.lock().map(|r| r.clone()).unwrap_or_default(),
        first_record.into_iter().collect::<Vec<_>>(),
        "exactly the first record, which could not be published, is reported"
    );

    // SNS is back (empty, as a restarted moto is): the topic and a subscriber are set up again.
    let _sns_service = moto(port).await;
    let org = OrganisationId::parse("o", app.org).unwrap_or_else(|e| panic!("{e:?}"));
    sns.create_topic()
        .name(topic_name(&stage, org))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let after = subscribed_queue(&publisher, &sns, &sqs, app.org).await;
    deliver(&mut poller, &publisher, &failures).await;
    events.extend(drain(&sqs, &after).await);
    let ids: BTreeSet<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids.len(), events.len(), "one id per event, none twice: {events:#?}");
    let profiles = by_profile(&events);
    use customers_domain::events::ChangeType::{Create, Update};
    for n in &numbers {
        assert_eq!(
            profiles.get(n),
            Some(&vec![(1, Create), (2, Update)]),
            "{n}: every change, in version order"
        );
    }
    app.drop_table(&table).await;
}
