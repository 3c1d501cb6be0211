//! One routing table (`customers_contract::routes`): the functions' routers are built from it,
//! and the OpenAPI document, the local `cargo lambda watch` router and the deploy template are
//! checked against it here. So is each function's IAM policy against the ports it wires.

use axum::http::StatusCode;
use customers_contract::routes::{Function, OPERATIONS, Operation, function_for};
use customers_dynamodb::permissions::actions_for;
use customers_tests::app::TestApp;
use customers_tests::template;
use std::collections::BTreeSet;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn table() -> BTreeSet<(String, String, String)> {
    OPERATIONS
        .iter()
        .map(|o| {
            (
                o.verb.as_str().to_string(),
                o.path.to_string(),
                o.function.name().to_string(),
            )
        })
        .collect()
}

/// A concrete path for a template: every parameter filled.
fn concrete(o: &Operation) -> String {
    o.path
        .replace("{customerNumber}", "1000000001")
        .replace("{customerRef}", "ref-1")
        .replace("{accountId}", "account-1")
        .replace("{addressId}", "1")
        .replace("{ecardId}", "1")
        .replace("{noteId}", "1")
        .replace("{preferenceId}", "1")
}

#[test]
fn the_openapi_document_has_exactly_the_tables_operations() {
    let doc: serde_json::Value =
        serde_json::from_str(&customers_tests::openapi::rendered()).unwrap_or_else(|e| panic!("{e}"));
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                let id = operation["operationId"].as_str().unwrap_or("(none)");
                documented.insert((method.to_uppercase(), path.clone(), id.to_string()));
            }
        }
    }
    let expected: BTreeSet<(String, String, String)> = OPERATIONS
        .iter()
        .map(|o| (o.verb.as_str().to_string(), o.path.to_string(), o.id.to_string()))
        .collect();
    assert_eq!(documented.len(), 44);
    assert_eq!(documented, expected);
}

#[test]
fn the_local_router_sends_each_path_to_the_tables_function() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap_or_default();
    let section = manifest
        .split("[workspace.metadata.lambda.watch.router]")
        .nth(1)
        .unwrap_or("");
    let routed: BTreeSet<(String, String)> = section
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
    let mut expected: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|o| (o.path.to_string(), o.function.name().to_string()))
        .collect();
    // The contract's curl examples post to `/profiles/`.
    expected.insert(("/profiles/".into(), "profiles".into()));
    assert_eq!(routed, expected);
}

#[test]
fn the_gateway_routes_each_operation_to_the_tables_function() {
    let t = template::template();
    let routed: BTreeSet<(String, String, String)> = template::routes(&t)
        .into_iter()
        .map(|r| (r.method, r.path, r.function))
        .collect();
    assert_eq!(routed, table());
}

/// Each function answers every operation the table gives it from its own handler (without a
/// token: 401, not the router's 404 or 405), and knows no operation of another function.
#[tokio::test]
async fn each_function_serves_exactly_its_tables_operations() {
    let app = TestApp::profiles().await;
    for o in OPERATIONS {
        let path = concrete(o);
        assert_eq!(function_for(&path), Some(o.function), "{path}");
        for f in Function::ALL {
            let router = app.router.router(f);
            let r = app
                .raw_on(
                    &router,
                    o.verb.method(),
                    &path,
                    Vec::new(),
                    &[("et-client-name", "t".into())],
                )
                .await;
            if f == o.function {
                assert_eq!(
                    r.status,
                    StatusCode::UNAUTHORIZED,
                    "{} {} on {}: {}",
                    o.verb.as_str(),
                    path,
                    f.name(),
                    r.text
                );
            } else {
                assert!(
                    matches!(r.status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED),
                    "{} {} is answered by {} too: {}",
                    o.verb.as_str(),
                    path,
                    f.name(),
                    r.status
                );
            }
        }
    }
}

/// A function's role grants exactly the DynamoDB actions of the ports it wires.
#[test]
fn each_functions_table_actions_are_those_of_its_ports() {
    let t = template::template();
    let wired = [
        (Function::Profiles, profiles::ports()),
        (Function::TemporaryProfiles, temporary_profiles::ports()),
        (Function::Credentials, credentials::ports()),
        (Function::CustomerAccounts, customer_accounts::ports()),
        (Function::Preferences, preferences::ports()),
    ];
    for (function, ports) in wired {
        let ports: Vec<_> = ports.into_iter().collect();
        let expected: BTreeSet<String> = actions_for(&ports).into_iter().map(str::to_string).collect();
        let granted: BTreeSet<String> = template::table_actions(&t, function.name()).into_iter().collect();
        assert_eq!(granted, expected, "{}: ports {ports:?}", function.name());
    }
}

/// change-events re-reads profiles when it replays the failure queue: its role grants the
/// table actions of that port, and on the queue exactly what it sends, receives and deletes.
#[test]
fn change_events_may_read_profiles_and_use_its_queue_and_nothing_more() {
    let t = template::template();
    let ports: Vec<_> = change_events::ports().into_iter().collect();
    let expected: BTreeSet<String> = actions_for(&ports).into_iter().map(str::to_string).collect();
    let granted: BTreeSet<String> = template::table_actions(&t, "change-events").into_iter().collect();
    assert_eq!(granted, expected);
    let queue: BTreeSet<String> = template::role_statements(&t, "change-events")
        .into_iter()
        .filter(|s| s["Resource"] == serde_json::json!({ "Fn::GetAtt": ["ChangeEventsFailureQueue", "Arn"] }))
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    let used: BTreeSet<String> = customers_sns::QUEUE_ACTIONS.iter().map(|a| a.to_string()).collect();
    assert_eq!(queue, used);
}
