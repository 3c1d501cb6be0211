//! The documents kept beside the code stay in step with it: the OpenAPI description and the
//! local router of `cargo lambda watch`.

use axum::http::StatusCode;
use customers_tests::app::TestApp;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_committed_openapi_document_is_the_generated_one() {
    let generated = customers_tests::openapi::rendered();
    let path = root().join(customers_tests::openapi::PATH);
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("{e}"));
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date: regenerate it with `UPDATE_OPENAPI=1 cargo test -p customers-tests --test documents`",
        customers_tests::openapi::PATH
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap_or_default();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/profiles",
        "/profiles/{customerNumber}",
        "/profiles-search",
        "/profiles/bulk",
        "/profiles/customer-ref/{customerRef}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not documented");
    }
    let post = &doc["paths"]["/profiles"]["post"];
    let params: Vec<&str> = post["parameters"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(params.contains(&"ET-Client-Name") && params.contains(&"X-Correlation-Id"));
    for schema in [
        "CustomerPostRequest",
        "CustomerPutRequest",
        "CustomerResponse",
        "ListCustomerResponse",
        "ErrorResponse",
        "ProfilesBulkRequest",
        "PageCustomerResponse",
    ] {
        assert!(doc["components"]["schemas"].get(schema).is_some(), "{schema}");
    }
}

/// Every path the local router sends to a function is a path that function serves.
#[tokio::test]
async fn the_watch_router_routes_only_to_paths_the_functions_serve() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap_or_default();
    let section = manifest
        .split("[workspace.metadata.lambda.watch.router]")
        .nth(1)
        .unwrap_or("");
    let routes: Vec<(String, String)> = section
        .lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| {
            let (path, function) = l.split_once('=')?;
            Some((
                path.trim().trim_matches('"').to_string(),
                function.trim().trim_matches('"').to_string(),
            ))
        })
        .collect();
    assert!(routes.len() >= 6, "router section not found: {routes:?}");
    let app = TestApp::profiles().await;
    let doc = customers_tests::openapi::document();
    let mut served = 0;
    for (path, function) in &routes {
        let expected = if path.starts_with("/profiles/temporary") {
            "temporary-profiles"
        } else if path.ends_with("password") || path.ends_with("credentials") {
            "credentials"
        } else if path.contains("customer-accounts") {
            "customer-accounts"
        } else if path.contains("preferences") {
            "preferences"
        } else {
            "profiles"
        };
        assert_eq!(function, expected, "{path}");
        let concrete = path
            .replace("{customerNumber}", "1")
            .replace("{customerRef}", "r")
            .replace("{accountId}", "a")
            .replace("{addressId}", "1")
            .replace("{ecardId}", "1")
            .replace("{noteId}", "1")
            .replace("{preferenceId}", "1");
        for method in [
            axum::http::Method::GET,
            axum::http::Method::POST,
            axum::http::Method::PUT,
            axum::http::Method::DELETE,
            axum::http::Method::PATCH,
        ] {
            let r = app.call(method.clone(), &concrete, None, &[]).await;
            let unknown = r.status == StatusCode::NOT_FOUND
                && r.body["message"].as_str().unwrap_or("").starts_with("No operation");
            assert!(
                !unknown,
                "{method} {path} is routed locally but the function has no such path"
            );
            served += usize::from(r.status != StatusCode::METHOD_NOT_ALLOWED);
        }
        let documented = doc.paths.paths.contains_key(path.trim_end_matches('/')) || path == "/profiles/";
        assert!(documented, "{path} is routed but not documented");
    }
    assert!(served >= routes.len(), "every routed path serves at least one method");
}

#[test]
fn the_deploy_template_carries_the_one_table_definition() {
    let rendered = customers_tests::template::rendered().unwrap_or_else(|e| panic!("{e}"));
    let t: serde_json::Value = serde_json::from_str(&rendered).unwrap_or_default();
    let table = &t["Resources"]["CustomersTable"]["Properties"];
    assert_eq!(table["TimeToLiveSpecification"]["AttributeName"], "expiresAt");
    assert_eq!(table["StreamSpecification"]["StreamViewType"], "NEW_AND_OLD_IMAGES");
    assert_eq!(table["KeySchema"][0]["AttributeName"], "pk");
    let def: serde_json::Value = serde_json::from_str(customers_dynamodb::table::DEFINITION).unwrap_or_default();
    assert_eq!(table, &def);
    assert!(!rendered.contains("__FROM_TABLE_JSON__"));
    // The architecture is a deploy-time choice.
    assert_eq!(
        t["Parameters"]["Architecture"]["AllowedValues"],
        serde_json::json!(["x86_64", "arm64"])
    );
}

#[test]
fn the_stream_feeds_change_events_with_partial_batch_failures_and_a_failure_queue() {
    let rendered = customers_tests::template::rendered().unwrap_or_else(|e| panic!("{e}"));
    let t: serde_json::Value = serde_json::from_str(&rendered).unwrap_or_default();
    let mapping = &t["Resources"]["ChangeEventsSource"]["Properties"];
    assert_eq!(
        mapping["FunctionResponseTypes"],
        serde_json::json!(["ReportBatchItemFailures"])
    );
    assert_eq!(mapping["BisectBatchOnFunctionError"], true);
    assert!(
        mapping["MaximumRetryAttempts"]
            .as_i64()
            .is_some_and(|n| n > 0 && n <= 100)
    );
    assert!(mapping["DestinationConfig"]["OnFailure"]["Destination"].is_object());
    assert_eq!(
        mapping["EventSourceArn"]["Fn::GetAtt"],
        serde_json::json!(["CustomersTable", "StreamArn"])
    );
}
