//! Every retry keeps the request's deadline: the domain's retries of lost races (against a real
//! rival writer on DynamoDB Local), the adapter's retries of keys a batch read leaves
//! unprocessed, and the SDK's own attempts on a database that never answers. Each ends in the
//! contract's 503 with `Retry-After` before the deadline. Time is a `ManualTimer`: nothing here
//! sleeps, and nothing depends on how fast the machine is.

use async_trait::async_trait;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Utc};
use customers_domain::conditional::ATTEMPTS;
use customers_domain::customer::Customer;
use customers_domain::deadline::{ManualTimer, Timer};
use customers_domain::ports::{Change, NewProfile, ProfileReads, ProfileWrites, Requirement, StoreError};
use customers_domain::values::{AccountId, CustomerNumber, CustomerRef, OrganisationId};
use customers_dynamodb::DynamoStore;
use customers_telemetry::metrics::CapturedMetrics;
use customers_tests::app::{TEST_TABLE, TestApp, TestResponse};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The real store, with a rival that changes the same profile just before each write, so
/// that every write of the request loses its race (as under heavy contention).
struct Rival {
    store: Arc<DynamoStore>,
    writes: AtomicUsize,
}

#[async_trait]
impl ProfileReads for Rival {
    async fn profile(&self, org: OrganisationId, number: CustomerNumber) -> Result<Option<Customer>, StoreError> {
        self.store.profile(org, number).await
    }

    async fn profile_by_ref(&self, org: OrganisationId, r: &CustomerRef) -> Result<Option<Customer>, StoreError> {
        self.store.profile_by_ref(org, r).await
    }

    async fn profile_by_account(&self, org: OrganisationId, a: &AccountId) -> Result<Option<Customer>, StoreError> {
        self.store.profile_by_account(org, a).await
    }
}

#[async_trait]
impl ProfileWrites for Rival {
    async fn insert(&self, profile: NewProfile<'_>) -> Result<(), StoreError> {
        self.store.insert(profile).await
    }

    async fn write(
        &self,
        changes: &[Change<'_>],
        requirements: &[Requirement],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        for change in changes {
            let rival = change.previous.bumped();
            let first = Change {
                previous: change.previous,
                next: &rival,
                password: None,
                growth: change.growth,
            };
            self.store.write(&[first], &[], now).await?;
        }
        self.store.write(changes, requirements, now).await
    }

    async fn delete(&self, customer: &Customer) -> Result<(), StoreError> {
        self.store.delete(customer).await
    }
}

fn one_line(metrics: &CapturedMetrics) -> Value {
    let lines = metrics.take();
    assert_eq!(lines.len(), 1, "{lines:?}");
    serde_json::from_str(&lines[0]).unwrap_or_else(|e| panic!("{e}: {}", lines[0]))
}

fn assert_out_of_time(r: &TestResponse) {
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.error_code(), 800);
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("ran out of time")),
        "{}",
        r.text
    );
}

/// Adds an account while a rival wins every race, under a request budget of `budget`.
async fn contended_add(budget: Duration) -> (TestResponse, usize, Arc<ManualTimer>, Value) {
    let app = TestApp::profiles().await;
    let number = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let rival = Arc::new(Rival {
        store: Arc::new(DynamoStore::new(app.client.clone(), TEST_TABLE)),
        writes: AtomicUsize::new(0),
    });
    let timer = Arc::new(ManualTimer::skipping_pauses());
    let metrics = Arc::new(CapturedMetrics::default());
    let settings = app
        .settings()
        .with_timer(timer.clone())
        .with_request_budget(budget)
        .with_metrics(metrics.clone());
    let router = customer_accounts::router(rival.clone(), settings).unwrap_or_else(|e| panic!("{e}"));
    let account = format!("acc-{}", uuid::Uuid::new_v4().simple());
    let r = app
        .call_on(
            &router,
            Method::POST,
            &format!("/profiles/{number}/customer-accounts"),
            Some(json!({"accountId": account})),
            &[],
        )
        .await;
    let attempts = rival.writes.load(Ordering::SeqCst);
    (r, attempts, timer, one_line(&metrics))
}

#[tokio::test]
async fn lost_races_stop_at_the_deadline_with_503_and_retry_after() {
    let budget = Duration::from_millis(100);
    let (r, attempts, timer, emf) = contended_add(budget).await;
    assert_out_of_time(&r);
    assert!(attempts >= 2 && attempts < ATTEMPTS as usize, "{attempts} attempts");
    assert!(
        timer.now() < budget,
        "the pauses stayed within the budget: {:?}",
        timer.now()
    );
    assert_eq!(
        (emf["Status5xx"].as_u64(), emf["Operation"].as_str()),
        (Some(1), Some("createCustomerAccount"))
    );
}

#[tokio::test]
async fn with_time_enough_the_same_races_use_every_attempt_and_answer_409() {
    let (r, attempts, _, _) = contended_add(Duration::from_secs(60)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(attempts, ATTEMPTS as usize);
}

/// A stand-in for DynamoDB's endpoint that answers every BatchGetItem with all its keys left
/// unprocessed (as DynamoDB does under throttling), counting the calls.
async fn unprocessing_endpoint() -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
        let calls = counted.clone();
        async move {
            let target = headers
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let answer = if target.ends_with("BatchGetItem") {
                calls.fetch_add(1, Ordering::SeqCst);
                let mut responses = serde_json::Map::new();
                for table in request["RequestItems"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(t, _)| t)
                {
                    responses.insert(table.clone(), json!([]));
                }
                (
                    StatusCode::OK,
                    json!({"Responses": responses, "UnprocessedKeys": request["RequestItems"]}),
                )
            } else {
                (
                    StatusCode::BAD_REQUEST,
                    json!({"__type": "com.amazon.coral.validate#ValidationException", "message": "not served here"}),
                )
            };
            (
                answer.0,
                [("content-type", "application/x-amz-json-1.0")],
                answer.1.to_string(),
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://127.0.0.1:{port}"), calls)
}

async fn store_at(endpoint: &str) -> Arc<DynamoStore> {
    let config = customers_dynamodb::StoreConfig {
        table_name: "customers-elsewhere".into(),
        endpoint: Some(endpoint.to_string()),
    };
    Arc::new(DynamoStore::new(
        customers_dynamodb::dynamodb_client(&config).unwrap_or_else(|e| panic!("{e}")),
        "customers-elsewhere",
    ))
}

#[tokio::test]
async fn unprocessed_keys_are_retried_only_while_the_deadline_allows() {
    let app = TestApp::profiles().await;
    let (endpoint, calls) = unprocessing_endpoint().await;
    let timer = Arc::new(ManualTimer::skipping_pauses());
    let metrics = Arc::new(CapturedMetrics::default());
    let budget = Duration::from_millis(200);
    let settings = app
        .settings()
        .with_timer(timer.clone())
        .with_request_budget(budget)
        .with_metrics(metrics.clone());
    let router = profiles::router(store_at(&endpoint).await, settings).unwrap_or_else(|e| panic!("{e}"));
    let r = app
        .call_on(
            &router,
            Method::POST,
            "/profiles/bulk",
            Some(json!({"customerNumbers": [1000000001, 1000000002]})),
            &[],
        )
        .await;
    assert_out_of_time(&r);
    // Pauses of 40 and 80 ms fit in 200 ms with time for an attempt after each; a third of
    // 160 ms does not (without a deadline, five rounds are tried).
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(timer.now(), Duration::from_millis(120));
    let emf = one_line(&metrics);
    assert_eq!(emf["DynamoDbCalls"].as_u64(), Some(3), "{emf}");
}

/// An endpoint that takes connections and never answers: a database that has stopped.
async fn silent_endpoint() -> (String, Arc<AtomicUsize>) {
    let accepted = Arc::new(AtomicUsize::new(0));
    let counted = accepted.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (format!("http://127.0.0.1:{port}"), accepted)
}

#[tokio::test]
async fn a_database_that_never_answers_gets_503_at_the_deadline_not_the_sdks_retries() {
    let app = TestApp::profiles().await;
    let (endpoint, accepted) = silent_endpoint().await;
    let timer = Arc::new(ManualTimer::new());
    let metrics = Arc::new(CapturedMetrics::default());
    let budget = Duration::from_secs(5);
    let settings = app
        .settings()
        .with_timer(timer.clone())
        .with_request_budget(budget)
        .with_metrics(metrics.clone());
    let router = profiles::router(store_at(&endpoint).await, settings).unwrap_or_else(|e| panic!("{e}"));
    let request = app.call_on(&router, Method::GET, "/profiles/1000000001", None, &[]);
    let clock = async {
        // Once the GetItem is on the wire (and the request waits on its deadline), the
        // deadline comes.
        while accepted.load(Ordering::SeqCst) == 0 || timer.sleepers() == 0 {
            tokio::task::yield_now().await;
        }
        timer.advance(budget);
    };
    let (r, ()) = tokio::join!(request, clock);
    assert_out_of_time(&r);
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "the SDK did not get to retry");
    let emf = one_line(&metrics);
    assert_eq!(
        (emf["Status5xx"].as_u64(), emf["DynamoDbCalls"].as_u64()),
        (Some(1), Some(1)),
        "{emf}"
    );
}
