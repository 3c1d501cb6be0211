//! An in-process client of a function's router, wired to the real local DynamoDB and a real
//! JWKS endpoint: the requests take the same path as under Lambda, minus the event decoding.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use customers_contract::routes::{Function, function_for};
use customers_domain::clock::ShiftedClock;
use customers_dynamodb::DynamoStore;
use customers_http::{AuthConfig, Settings};
use customers_telemetry::metrics::{CapturedMetrics, MetricsSink, RequestMetrics};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use tower::ServiceExt;

/// Every function's router, as each Lambda builds it, over the real DynamoDB adapter.
pub fn routers(store: Arc<DynamoStore>, settings: Settings) -> Result<HashMap<Function, axum::Router>, String> {
    Ok(HashMap::from([
        (Function::Profiles, profiles::router(store.clone(), settings.clone())?),
        (
            Function::TemporaryProfiles,
            temporary_profiles::router(store.clone(), settings.clone())?,
        ),
        (
            Function::Credentials,
            credentials::router(store.clone(), settings.clone())?,
        ),
        (
            Function::CustomerAccounts,
            customer_accounts::router(store.clone(), settings.clone())?,
        ),
        (Function::Preferences, preferences::router(store, settings)?),
    ]))
}

/// Every function's router behind one entry, routed by path as API Gateway routes them: by the
/// routing table. A path no operation has goes to the profiles function, whose fallback answers.
#[derive(Clone)]
pub struct Gateway {
    routers: HashMap<Function, axum::Router>,
}

impl Gateway {
    pub fn new(routers: HashMap<Function, axum::Router>) -> Self {
        Self { routers }
    }

    pub fn function_for(&self, path: &str) -> axum::Router {
        let path = path.split('?').next().unwrap_or("");
        self.router(function_for(path).unwrap_or(Function::Profiles))
    }

    /// One function's router.
    pub fn router(&self, function: Function) -> axum::Router {
        self.routers
            .get(&function)
            .cloned()
            .unwrap_or_else(|| panic!("no router for {}", function.name()))
    }
}

/// The gateway over the real DynamoDB adapter with this clock; metric lines go to standard
/// output, as under Lambda.
pub fn gateway(client: aws_sdk_dynamodb::Client, table: &str, auth: AuthConfig, clock: Arc<ShiftedClock>) -> Gateway {
    let settings = Settings::new(auth, clock, 10).unwrap_or_else(|e| panic!("{e}"));
    gateway_with(client, table, settings)
}

/// The gateway over the real DynamoDB adapter with these settings.
pub fn gateway_with(client: aws_sdk_dynamodb::Client, table: &str, settings: Settings) -> Gateway {
    let store = Arc::new(DynamoStore::new(client, table));
    Gateway::new(routers(store, settings).unwrap_or_else(|e| panic!("{e}")))
}

/// An attribute value as JSON with its map members in one order, to compare items.
fn canonical(v: &aws_sdk_dynamodb::types::AttributeValue) -> Value {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    match v {
        A::M(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), canonical(v)))
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_iter()
                .collect(),
        ),
        A::L(l) => Value::Array(l.iter().map(canonical).collect()),
        other => Value::String(format!("{other:?}")),
    }
}

/// The table the in-process tests share; each test works in organisations of its own.
pub const TEST_TABLE: &str = "customers-it";

pub struct TestApp {
    pub router: Gateway,
    /// The functions' clock: moving it moves "now" for every rule that depends on time.
    pub clock: Arc<ShiftedClock>,
    /// The metric lines the functions wrote, one per request.
    pub metrics: Arc<CapturedMetrics>,
    /// An organisation no other test uses.
    pub org: i64,
    pub client: aws_sdk_dynamodb::Client,
    pub jwks_url: String,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the contract's ErrorResponse shape and returns it.
    pub fn error(&self) -> &Value {
        for field in [
            "timestamp",
            "status",
            "error",
            "message",
            "path",
            "correlationId",
            "errors",
            "errorCode",
        ] {
            assert!(
                self.body.get(field).is_some(),
                "ErrorResponse lacks {field}: {}",
                self.text
            );
        }
        assert_eq!(self.body["status"], self.status.as_u16(), "{}", self.text);
        assert_eq!(
            self.header("x-correlation-id"),
            self.body["correlationId"].as_str(),
            "correlation id in header and body"
        );
        &self.body
    }

    pub fn error_code(&self) -> u64 {
        self.error()["errorCode"].as_u64().unwrap_or(0)
    }
}

/// JSON logs as in production, but written through the test harness so they show only for a
/// failing test; or, when `CUSTOMERS_TEST_LOG` names a file, appended to it, so that a run's
/// logs can be searched for personal data (`infra/local/check-logs.sh`).
pub fn init_test_logs() {
    use tracing_subscriber::fmt::writer::BoxMakeWriter;
    let file = test_log_file().and_then(|f| f.lock().ok()?.try_clone().ok());
    let writer = match file {
        Some(file) => BoxMakeWriter::new(std::sync::Mutex::new(file)),
        None => BoxMakeWriter::new(tracing_subscriber::fmt::TestWriter::new()),
    };
    let _ = tracing_subscriber::util::SubscriberInitExt::try_init(customers_telemetry::subscriber(writer));
}

/// The test log's file, when `CUSTOMERS_TEST_LOG` names one.
fn test_log_file() -> Option<&'static std::sync::Mutex<std::fs::File>> {
    static FILE: std::sync::OnceLock<Option<std::sync::Mutex<std::fs::File>>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let path = std::env::var("CUSTOMERS_TEST_LOG").ok()?;
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path).ok()?;
        Some(std::sync::Mutex::new(file))
    })
    .as_ref()
}

/// Each request's line (its metrics and which request it was) kept for the tests, and written
/// to the test log as in production, so the search for personal data reads it too.
struct LoggedMetrics(Arc<CapturedMetrics>);

impl MetricsSink for LoggedMetrics {
    fn emit(&self, metrics: &RequestMetrics) {
        self.0.emit(metrics);
        if let Some(Ok(mut file)) = test_log_file().map(|f| f.lock()) {
            // One write per line: the tracing lines append to the same file.
            let _ = file.write_all(&metrics.line());
        }
    }
}

fn logged(metrics: &Arc<CapturedMetrics>) -> Arc<dyn MetricsSink> {
    Arc::new(LoggedMetrics(metrics.clone()))
}

pub fn unique_org() -> i64 {
    // Organisations unique across test runs against a long-lived DynamoDB Local.
    use rand::Rng;
    rand::rng().random_range(1_000_000..1_000_000_000_000)
}

pub async fn dynamodb_client() -> aws_sdk_dynamodb::Client {
    customers_dynamodb::dynamodb_client(&customers_dynamodb::StoreConfig {
        table_name: TEST_TABLE.to_string(),
        endpoint: Some(crate::dynamodb_endpoint()),
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A table like the test table but with TTL off: expired items stay.
pub const NO_TTL_TABLE: &str = "customers-it-no-ttl";

/// Creates the test table once; parallel tests may race, which is fine.
pub async fn ensure_test_table(client: &aws_sdk_dynamodb::Client) {
    ensure_table(client, TEST_TABLE, true).await
}

pub async fn ensure_table(client: &aws_sdk_dynamodb::Client, name: &str, ttl: bool) {
    for _ in 0..5 {
        match customers_dynamodb::table::ensure_table_with_ttl(client, name, ttl).await {
            Ok(()) => {
                start_customer_numbers_high(client, name).await;
                return;
            }
            Err(e) if e.contains("ResourceInUse") || e.contains("preexisting") => {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(e) => panic!(
                "DynamoDB Local at {} is not usable ({e}); start it with infra/local/test.sh",
                crate::dynamodb_endpoint()
            ),
        }
    }
}

/// Test customer numbers start at 10^9, so that a number in an answer cannot be mistaken for
/// a status, an error code or a count (see `transcript`).
async fn start_customer_numbers_high(client: &aws_sdk_dynamodb::Client, table: &str) {
    use aws_sdk_dynamodb::types::AttributeValue;
    let result = client
        .update_item()
        .table_name(table)
        .key("pk", AttributeValue::S("COUNTER#CUSTOMER_NUMBER".into()))
        .key("sk", AttributeValue::S("COUNTER".into()))
        .update_expression("SET #next = :start")
        .condition_expression("attribute_not_exists(#next) OR #next < :start")
        .expression_attribute_names("#next", "next")
        .expression_attribute_values(":start", AttributeValue::N("1000000000".into()))
        .send()
        .await;
    match result {
        Ok(_) => {}
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_conditional_check_failed_exception()) => {}
        Err(e) => panic!("starting the customer numbers of {table}: {e}"),
    }
}

impl TestApp {
    /// The profiles function against the test table.
    pub async fn profiles() -> Self {
        let client = dynamodb_client().await;
        ensure_test_table(&client).await;
        Self::profiles_with_client(client, TEST_TABLE).await
    }

    /// The functions against a new table of their own (TTL on): DynamoDB Local's TTL job takes
    /// longer the more items a table holds, so a test that waits for it uses a small table.
    pub async fn with_fresh_table() -> (Self, String) {
        let client = dynamodb_client().await;
        let table = format!("customers-it-{}", uuid::Uuid::new_v4().simple());
        ensure_table(&client, &table, true).await;
        (Self::profiles_with_client(client, &table).await, table)
    }

    /// Deletes a table of the test's own (one holding large items, so that it does not slow
    /// every other test's scans of the shared table).
    pub async fn drop_table(&self, table: &str) {
        self.client
            .delete_table()
            .table_name(table)
            .send()
            .await
            .unwrap_or_else(|e| panic!("deleting {table}: {e}"));
    }

    /// The functions against a table whose TTL is off.
    pub async fn without_ttl() -> Self {
        let client = dynamodb_client().await;
        ensure_table(&client, NO_TTL_TABLE, false).await;
        Self::profiles_with_client(client, NO_TTL_TABLE).await
    }

    /// Every item of organisation `org` (its profiles, guards, search entries, counters), read
    /// straight from the table and sorted, to compare what a run of requests left.
    pub async fn org_items(&self, table: &str, org: i64) -> Vec<std::collections::BTreeMap<String, String>> {
        use aws_sdk_dynamodb::types::AttributeValue;
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .scan()
                .table_name(table)
                .filter_expression("contains(#pk, :org)")
                .expression_attribute_names("#pk", "pk")
                .expression_attribute_values(":org", AttributeValue::S(format!("#{org}#")))
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap_or_else(|e| panic!("scan: {e}"));
            items.extend(out.items.unwrap_or_default().into_iter().map(|item| {
                item.into_iter()
                    .map(|(k, v)| (k, canonical(&v).to_string()))
                    .collect::<std::collections::BTreeMap<_, _>>()
            }));
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => break,
            }
        }
        items.sort();
        items
    }

    /// Every item of `number`, read straight from the table (a test-only scan).
    pub async fn raw_items(
        &self,
        table: &str,
        number: i64,
    ) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
        use aws_sdk_dynamodb::types::AttributeValue;
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .scan()
                .table_name(table)
                .filter_expression("customerNumber = :n")
                .expression_attribute_values(":n", AttributeValue::N(number.to_string()))
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap_or_else(|e| panic!("scan: {e}"));
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return items,
            }
        }
    }

    pub async fn profiles_with_client(client: aws_sdk_dynamodb::Client, table: &str) -> Self {
        init_test_logs();
        let jwks_url = crate::issuer::spawn_jwks().await.unwrap_or_else(|e| panic!("{e}"));
        let auth = AuthConfig {
            jwks_url: jwks_url.clone(),
            issuer: crate::issuer::ISSUER.to_string(),
            audience: crate::issuer::AUDIENCE.to_string(),
        };
        let clock = Arc::new(ShiftedClock::new());
        let metrics = Arc::new(CapturedMetrics::default());
        let settings = Settings::new(auth, clock.clone(), 10)
            .unwrap_or_else(|e| panic!("{e}"))
            .with_metrics(logged(&metrics));
        Self {
            router: gateway_with(client.clone(), table, settings),
            metrics,
            clock,
            org: unique_org(),
            client,
            jwks_url,
        }
    }

    pub fn token(&self) -> String {
        self.token_for(self.org)
    }

    pub fn token_for(&self, org: i64) -> String {
        crate::issuer::token(org, 3600).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A request with the caller's token and client name; `extra` headers override.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>, extra: &[(&str, &str)]) -> TestResponse {
        let router = self.router.function_for(path);
        self.call_on(&router, method, path, body, extra).await
    }

    /// [`TestApp::call`] on one router of the test's own making.
    pub async fn call_on(
        &self,
        router: &axum::Router,
        method: Method,
        path: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let token = self.token();
        let mut headers: Vec<(&str, String)> = vec![
            ("authorization", format!("Bearer {token}")),
            ("et-client-name", "entur-tests".into()),
        ];
        if body.is_some() {
            headers.push(("content-type", "application/json".into()));
        }
        for (k, v) in extra {
            headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
            if !v.is_empty() {
                headers.push((k, (*v).to_string()));
            }
        }
        let raw = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.raw_on(router, method, path, raw, &headers).await
    }

    /// Settings as the test's routers have them (same issuer and clock), for a router of the
    /// test's own making.
    pub fn settings(&self) -> Settings {
        let auth = AuthConfig {
            jwks_url: self.jwks_url.clone(),
            issuer: crate::issuer::ISSUER.to_string(),
            audience: crate::issuer::AUDIENCE.to_string(),
        };
        Settings::new(auth, self.clock.clone(), 10)
            .unwrap_or_else(|e| panic!("{e}"))
            .with_metrics(logged(&self.metrics))
    }

    pub async fn raw(&self, method: Method, path: &str, body: Vec<u8>, headers: &[(&str, String)]) -> TestResponse {
        let router = self.router.function_for(path);
        self.raw_on(&router, method, path, body, headers).await
    }

    /// A request to one function's router, whatever the path.
    pub async fn raw_on(
        &self,
        router: &axum::Router,
        method: Method,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            builder = builder.header(*k, v);
        }
        let request = builder
            .body(Body::from(body))
            .unwrap_or_else(|e| panic!("request: {e}"));
        let response = router.clone().oneshot(request).await.unwrap_or_else(|e| match e {});
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        TestResponse {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.call(Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::POST, path, Some(body), &[]).await
    }

    pub async fn put(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::PUT, path, Some(body), &[]).await
    }

    /// A valid create body for this test's organisation.
    pub fn new_profile(&self, email: Option<&str>) -> Value {
        let mut body = serde_json::json!({
            "firstName": "Ola", "surname": "Nordmann", "languagePreference": "NO",
            "createdBy": "test", "createdByChannel": "test", "organisationId": self.org
        });
        if let Some(e) = email {
            body["email"] = Value::String(e.to_string());
        }
        body
    }

    /// Creates a profile and returns its response body.
    pub async fn create(&self, body: Value) -> Value {
        let r = self.post("/profiles", body).await;
        assert_eq!(r.status, StatusCode::CREATED, "create failed: {}", r.text);
        r.body
    }
}

/// A unique email for a test.
pub fn email(tag: &str) -> String {
    format!("{tag}.{}@example.org", uuid::Uuid::new_v4().simple())
}
