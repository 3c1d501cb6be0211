//! One CloudWatch embedded-metric-format line per request, written by the shared middleware:
//! well formed (as CloudWatch reads EMF), with the function, the routing table's operationId,
//! the status class and the DynamoDB calls the request made, counted by the client itself.

use axum::http::{Method, StatusCode};
use customers_domain::clock::Clock;
use customers_telemetry::metrics::CapturedMetrics;
use customers_tests::app::{TEST_TABLE, TestApp};
use serde_json::{Value, json};
use std::sync::Arc;

const UNITS: [&str; 2] = ["Milliseconds", "Count"];

/// Checks a line as CloudWatch reads EMF: the `_aws` block, each dimension a top-level string
/// member, each metric a top-level number with a known unit; answers the document.
fn emf(line: &str) -> Value {
    let doc: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    let aws = &doc["_aws"];
    assert!(aws["Timestamp"].as_i64().is_some_and(|t| t > 0), "{line}");
    let directives = aws["CloudWatchMetrics"].as_array().cloned().unwrap_or_default();
    assert_eq!(directives.len(), 1, "{line}");
    let directive = &directives[0];
    assert_eq!(directive["Namespace"], "CustomersApi");
    assert_eq!(
        directive["Dimensions"],
        json!([["Function", "Operation"], ["Function"]])
    );
    for set in directive["Dimensions"].as_array().into_iter().flatten() {
        for key in set.as_array().into_iter().flatten() {
            let key = key.as_str().unwrap_or_default();
            assert!(
                doc[key].as_str().is_some_and(|v| !v.is_empty()),
                "dimension {key}: {line}"
            );
        }
    }
    let metrics: Vec<(String, String)> = directive["Metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let name = m["Name"].as_str().unwrap_or_default().to_string();
            let unit = m["Unit"].as_str().unwrap_or_default().to_string();
            assert!(UNITS.contains(&unit.as_str()), "{unit}");
            assert!(doc[&name].is_number(), "metric {name}: {line}");
            (name, unit)
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("Latency", "Milliseconds"),
        ("Requests", "Count"),
        ("Status4xx", "Count"),
        ("Status5xx", "Count"),
        ("DynamoDbCalls", "Count"),
    ]
    .iter()
    .map(|(n, u)| (n.to_string(), u.to_string()))
    .collect();
    assert_eq!(metrics, expected);
    assert!(doc["Latency"].as_f64().is_some_and(|l| l >= 0.0));
    doc
}

struct Measured {
    app: TestApp,
    metrics: Arc<CapturedMetrics>,
    profiles: axum::Router,
    credentials: axum::Router,
}

async fn measured() -> Measured {
    let app = TestApp::profiles().await;
    let metrics = Arc::new(CapturedMetrics::default());
    let settings = app.settings().with_metrics(metrics.clone());
    let store = Arc::new(customers_dynamodb::DynamoStore::new(app.client.clone(), TEST_TABLE));
    Measured {
        profiles: profiles::router(store.clone(), settings.clone()).unwrap_or_else(|e| panic!("{e}")),
        credentials: credentials::router(store, settings).unwrap_or_else(|e| panic!("{e}")),
        app,
        metrics,
    }
}

impl Measured {
    /// The one line the last request wrote.
    fn line(&self) -> Value {
        let lines = self.metrics.take();
        assert_eq!(lines.len(), 1, "exactly one line per request: {lines:?}");
        emf(&lines[0])
    }

    fn values(doc: &Value) -> (String, String, u64, u64, u64, u64) {
        (
            doc["Function"].as_str().unwrap_or_default().to_string(),
            doc["Operation"].as_str().unwrap_or_default().to_string(),
            doc["Requests"].as_u64().unwrap_or(9),
            doc["Status4xx"].as_u64().unwrap_or(9),
            doc["Status5xx"].as_u64().unwrap_or(9),
            doc["DynamoDbCalls"].as_u64().unwrap_or(99),
        )
    }
}

fn values(
    function: &str,
    operation: &str,
    status4xx: u64,
    status5xx: u64,
    calls: u64,
) -> (String, String, u64, u64, u64, u64) {
    (function.into(), operation.into(), 1, status4xx, status5xx, calls)
}

#[tokio::test]
async fn each_request_writes_one_line_with_its_operation_status_and_dynamodb_calls() {
    let m = measured().await;
    let app = &m.app;

    // A create: the block of customer numbers (UpdateItem), then the transaction.
    let body = app.new_profile(Some(&customers_tests::app::email("metrics")));
    let created = app
        .call_on(&m.profiles, Method::POST, "/profiles", Some(body), &[])
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let number = created.body["customerNumber"].as_i64().unwrap_or(0);
    let doc = m.line();
    assert_eq!(Measured::values(&doc), values("profiles", "createCustomer", 0, 0, 2));
    assert!((doc["_aws"]["Timestamp"].as_i64().unwrap_or(0) - app.clock.now().timestamp_millis()).abs() < 60_000);

    // A read is one GetItem. The line is the request's log line too: which request, for whom.
    let r = app
        .call_on(&m.profiles, Method::GET, &format!("/profiles/{number}"), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = m.line();
    assert_eq!(
        Measured::values(&doc),
        values("profiles", "findCustomerByCustomerNumber", 0, 0, 1)
    );
    assert_eq!(
        (
            &doc["level"],
            &doc["message"],
            &doc["method"],
            &doc["route"],
            &doc["organisation"],
            &doc["StatusCode"]
        ),
        (
            &json!("INFO"),
            &json!("answered"),
            &json!("GET"),
            &json!("/profiles/{customerNumber}"),
            &json!(app.org),
            &json!(200)
        )
    );
    assert_eq!(doc["correlation_id"].as_str(), r.header("x-correlation-id"), "{doc}");
    assert!(doc["client"].as_str().is_some_and(|c| !c.is_empty()), "{doc}");

    // Not found: a 4xx, after the same one GetItem.
    let r = app
        .call_on(&m.profiles, Method::GET, "/profiles/1999999998", None, &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        Measured::values(&m.line()),
        values("profiles", "findCustomerByCustomerNumber", 1, 0, 1)
    );

    // No token: refused before any call.
    let r = app
        .raw_on(
            &m.profiles,
            Method::GET,
            "/profiles/1",
            Vec::new(),
            &[("et-client-name", "t".into())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let doc = m.line();
    assert_eq!(
        Measured::values(&doc),
        values("profiles", "findCustomerByCustomerNumber", 1, 0, 0)
    );
    assert_eq!(doc["organisation"], Value::Null, "no token, no organisation: {doc}");

    // A path no operation has.
    let r = app.call_on(&m.profiles, Method::GET, "/nothing/here", None, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(Measured::values(&m.line()), values("profiles", "unknown", 1, 0, 0));

    // Another function names itself.
    let r = app
        .call_on(
            &m.credentials,
            Method::POST,
            "/profiles/verify-credentials",
            Some(json!({"email": "nobody@example.org", "password": "wrong-password-1"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let doc = m.line();
    assert_eq!(doc["Function"], "credentials");
    assert_eq!(doc["Operation"], "verifyCredentials");
    assert_eq!(doc["Status4xx"], 1);
    assert!(doc["DynamoDbCalls"].as_u64().is_some_and(|n| n >= 2), "{doc}");
}

/// Sign-ins count their attempt first. A key with no open window (every key after a successful
/// sign-in) opens one in one request; only a key with attempts already in its window takes a
/// second. A sign-in: the attempt, the email's guard and the profile, clearing the attempts,
/// and recording the sign-in.
#[tokio::test]
async fn a_sign_in_makes_one_request_for_its_attempt_unless_a_window_is_open() {
    let m = measured().await;
    let app = &m.app;
    let address = customers_tests::app::email("metrics-sign-in");
    let mut body = app.new_profile(Some(&address));
    body["password"] = json!("rightPass1");
    let created = app
        .call_on(&m.profiles, Method::POST, "/profiles", Some(body), &[])
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    m.metrics.take();
    let sign_in = async |password: &str, status: StatusCode| {
        let r = app
            .call_on(
                &m.credentials,
                Method::POST,
                "/profiles/verify-credentials",
                Some(json!({"email": address, "password": password})),
                &[],
            )
            .await;
        assert_eq!(r.status, status, "{}", r.text);
        m.line()["DynamoDbCalls"].as_u64().unwrap_or(99)
    };
    assert_eq!(sign_in("rightPass1", StatusCode::OK).await, 5, "no window open");
    assert_eq!(
        sign_in("rightPass1", StatusCode::OK).await,
        5,
        "cleared by the last sign-in"
    );
    assert_eq!(sign_in("wrongPass1", StatusCode::FORBIDDEN).await, 3, "opens a window");
    assert_eq!(
        sign_in("wrongPass2", StatusCode::FORBIDDEN).await,
        4,
        "counts in the open window"
    );
    assert_eq!(
        sign_in("rightPass1", StatusCode::OK).await,
        6,
        "counts, then clears the window"
    );
    assert_eq!(sign_in("rightPass1", StatusCode::OK).await, 5, "no window open again");
}

/// A paged search that its entries decide (a surname alone) reads the entries and the page's
/// profiles: one `Query` and one `BatchGetItem`, however many match. Narrowed by a value the
/// entries do not hold, it reads every match (two of each for 105), and so it does where an
/// entry predates what entries record. Every way answers the same page and totals.
#[tokio::test]
async fn a_paged_search_its_entries_decide_reads_only_the_page() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let m = measured().await;
    let app = &m.app;
    let surname = format!("Sider{}", uuid::Uuid::new_v4().simple());
    let mut numbers = Vec::new();
    for i in 0..105 {
        let mut body = app.new_profile(None);
        body["surname"] = json!(surname);
        body["firstName"] = json!(format!("Per{i}"));
        body["postalAddresses"] = json!([{"addressLine1": "Storgata 1", "postCode": "0150", "town": "Oslo"}]);
        numbers.push(app.create(body).await["customerNumber"].as_i64().unwrap_or(0));
    }
    numbers.sort();
    m.metrics.take();
    let m = &m;
    let page = async |query: String| {
        let r = app.call_on(&m.profiles, Method::GET, &query, None, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let calls = m.line()["DynamoDbCalls"].as_u64().unwrap_or(99);
        (r.body, calls)
    };
    let expected = json!({
        "totalItems": 105, "totalPages": 6, "page": 2, "perPage": 20,
        "items": numbers[40..60].to_vec(),
    });
    let summary = |body: &Value| {
        json!({
            "totalItems": body["totalItems"], "totalPages": body["totalPages"], "page": body["page"],
            "perPage": body["perPage"],
            "items": body["items"].as_array().into_iter().flatten().map(|c| c["customerNumber"].clone()).collect::<Vec<_>>(),
        })
    };
    let (decided, calls) = page(format!("/profiles-search?surname={surname}&perPage=20&page=2")).await;
    assert_eq!(summary(&decided), expected);
    assert_eq!(calls, 2, "the entries, then the page's profiles");
    let (narrowed, calls) = page(format!(
        "/profiles-search?surname={surname}&postCode=0150&perPage=20&page=2"
    ))
    .await;
    assert_eq!(summary(&narrowed), expected);
    assert_eq!(calls, 4, "every match's entry and profile, a hundred at a time");
    // An entry as written before entries recorded the profile's type: Per0's, created first
    // and so holding the lowest number.
    let first = numbers.first().copied().unwrap_or(0);
    app.client
        .update_item()
        .table_name(TEST_TABLE)
        .key(
            "pk",
            AttributeValue::S(format!("SEARCH#{}#SURNAME#{}", app.org, surname.to_lowercase())),
        )
        .key("sk", AttributeValue::S(format!("per0#{first:020}")))
        .update_expression("REMOVE profileType")
        .condition_expression("attribute_exists(pk)")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&e)));
    let (older, calls) = page(format!("/profiles-search?surname={surname}&perPage=20&page=2")).await;
    assert_eq!(summary(&older), expected);
    assert_eq!(calls, 5, "the entries, then every match's entry and profile");
}

/// The dashboard reads only metrics the functions write: the namespace, the metric names, the
/// dimension sets and the functions named in it are those of the lines above.
#[test]
fn the_dashboard_reads_the_metrics_the_functions_write() {
    let t = customers_tests::template::template();
    let body = t["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
        .as_str()
        .unwrap_or_default();
    let dashboard: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}"));
    let written = ["Latency", "Requests", "Status4xx", "Status5xx", "DynamoDbCalls"];
    let functions: Vec<&str> = customers_contract::routes::Function::ALL
        .iter()
        .map(|f| f.name())
        .collect();
    let mut read = 0;
    for widget in dashboard["widgets"].as_array().into_iter().flatten() {
        for metric in widget["properties"]["metrics"].as_array().into_iter().flatten() {
            let parts = metric.as_array().cloned().unwrap_or_default();
            if parts.first() == Some(&json!("CustomersApi")) {
                read += 1;
                let name = parts.get(1).and_then(Value::as_str).unwrap_or_default();
                assert!(written.contains(&name), "{metric}");
                assert_eq!(parts.get(2), Some(&json!("Function")), "{metric}");
                let function = parts.get(3).and_then(Value::as_str).unwrap_or_default();
                assert!(functions.contains(&function), "{function} writes no metrics");
            }
            if let Some(expression) = parts.first().and_then(|p| p["expression"].as_str())
                && expression.contains("CustomersApi")
            {
                read += 1;
                assert!(expression.contains("{CustomersApi,Function,Operation}"), "{expression}");
                assert!(
                    written
                        .iter()
                        .any(|m| expression.contains(&format!("MetricName=\"{m}\""))),
                    "{expression}"
                );
            }
        }
    }
    assert!(read >= 10, "the dashboard reads {read} of the functions' metrics");
}
