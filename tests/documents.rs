//! The documents kept beside the code stay in step with it: the OpenAPI description, the local
//! router of `cargo lambda watch`, and the deploy template.

use axum::http::StatusCode;
use customers_tests::app::TestApp;
use customers_tests::template::{self, Route};
use serde_json::{Value, json};

mod event_schema;

use event_schema::root;

/// The `[workspace.metadata.lambda.watch.router]` table of the workspace manifest: path → function.
fn watch_router() -> Vec<(String, String)> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap_or_default();
    let section = manifest
        .split("[workspace.metadata.lambda.watch.router]")
        .nth(1)
        .unwrap_or("");
    section
        .lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| {
            let (path, function) = l.split_once('=')?;
            Some((
                path.trim().trim_matches('"').to_string(),
                function.trim().trim_matches('"').to_string(),
            ))
        })
        .collect()
}

#[test]
fn every_request_member_and_parameter_is_described_by_its_parser_rule() {
    let (_, problems) = customers_tests::openapi::tightened();
    assert!(
        problems.is_empty(),
        "undescribed in shared/contract/src/schema: {problems:#?}"
    );
}

#[test]
fn every_request_shape_has_an_example_its_own_schema_accepts() {
    let (doc, problems) = customers_tests::openapi::tightened();
    assert!(problems.is_empty(), "{problems:#?}");
    let mut checked = 0;
    for shape in customers_contract::schema::requests::REQUESTS {
        let examples = &doc["components"]["schemas"][shape.schema]["examples"];
        assert_eq!(examples.as_array().map(Vec::len), Some(1), "{}", shape.schema);
        // The shape's schema, with the document's components beside it so its references resolve.
        let schema = json!({
            "$ref": format!("#/components/schemas/{}", shape.schema),
            "components": doc["components"].clone(),
        });
        let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{}: {e}", shape.schema));
        let errors: Vec<String> = validator.iter_errors(&examples[0]).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", shape.schema);
        // And a wrong example would be caught: one without its required members is refused.
        let required = doc["components"]["schemas"][shape.schema]["required"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !required.is_empty() {
            assert!(
                !validator.is_valid(&json!({})),
                "{}: an empty body is refused",
                shape.schema
            );
        }
        checked += 1;
    }
    assert_eq!(checked, customers_contract::schema::requests::REQUESTS.len());
    assert!(checked >= 20, "every request shape is checked ({checked})");
}

#[test]
fn every_operation_on_a_created_resource_is_linked_from_its_create() {
    let (doc, _) = customers_tests::openapi::tightened();
    let mut operations = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            if let Some(id) = operation["operationId"].as_str() {
                operations.insert(id.to_string(), path.clone());
            }
        }
    }
    let mut linked = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let created = &item["post"]["responses"]["201"];
        let schema_name = created["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or_default();
        let answered = &doc["components"]["schemas"][schema_name]["properties"];
        for (name, link) in created["links"].as_object().into_iter().flatten() {
            let target = operations
                .get(name)
                .unwrap_or_else(|| panic!("{path}: link {name} names an operation"));
            assert_eq!(link["operationId"], name.as_str());
            let mut filled: Vec<&str> = link["parameters"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.as_str())
                .collect();
            let mut needed = customers_contract::schema::links::path_parameters(target);
            filled.sort_unstable();
            needed.sort_unstable();
            assert_eq!(
                filled, needed,
                "{path} -> {target}: the link fills exactly the path's parameters"
            );
            for (parameter, expression) in link["parameters"].as_object().into_iter().flatten() {
                let expression = expression.as_str().unwrap_or_default();
                if let Some(member) = expression.strip_prefix("$response.body#/") {
                    assert!(
                        answered[member].is_object(),
                        "{path}: {schema_name} answers {member} for {parameter}"
                    );
                } else {
                    assert_eq!(expression, format!("$request.path.{parameter}"), "{path} -> {target}");
                    assert!(path.contains(&format!("{{{parameter}}}")), "{path} has {parameter}");
                }
            }
            linked.insert(name.clone());
        }
    }
    let unlinked: Vec<(&String, &String)> = operations
        .iter()
        .filter(|(id, path)| path.contains('{') && !linked.contains(*id))
        .collect();
    assert!(
        unlinked.is_empty(),
        "operations on a resource no create links to: {unlinked:#?}"
    );
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
    let routes = watch_router();
    let app = TestApp::profiles().await;
    let doc = customers_tests::openapi::document();
    // Exactly the documented paths are routed, each once, and `/profiles/` beside `/profiles`.
    let mut routed: Vec<&str> = routes.iter().map(|(p, _)| p.as_str()).collect();
    routed.sort_unstable();
    let mut expected: Vec<&str> = doc
        .paths
        .paths
        .keys()
        .map(String::as_str)
        .chain(["/profiles/"])
        .collect();
    expected.sort_unstable();
    assert_eq!(routed, expected, "the router section: {routes:?}");
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
        let item = doc.paths.paths.get(path.trim_end_matches('/'));
        let mut served = Vec::new();
        let mut documented_methods = Vec::new();
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
            if r.status != StatusCode::METHOD_NOT_ALLOWED {
                served.push(method.clone());
            }
            let operation = item.and_then(|i| match method {
                axum::http::Method::GET => i.get.as_ref(),
                axum::http::Method::POST => i.post.as_ref(),
                axum::http::Method::PUT => i.put.as_ref(),
                axum::http::Method::DELETE => i.delete.as_ref(),
                _ => i.patch.as_ref(),
            });
            if operation.is_some() {
                documented_methods.push(method);
            }
        }
        assert!(!served.is_empty(), "{path} serves no method");
        assert_eq!(
            served, documented_methods,
            "{path}: the methods served are the documented ones"
        );
        let documented = doc.paths.paths.contains_key(path.trim_end_matches('/')) || path == "/profiles/";
        assert!(documented, "{path} is routed but not documented");
    }
}

const FUNCTIONS: [&str; 6] = [
    "change-events",
    "credentials",
    "customer-accounts",
    "preferences",
    "profiles",
    "temporary-profiles",
];

/// The table `local-stack create-table` and the tests create is read from the deploy template, so
/// the two have the same keys, stream and TTL; the store writes `pk`, `sk` and `expiresAt`.
#[test]
fn the_local_table_is_the_deploy_templates_table() {
    let local = customers_dynamodb::table::definition().unwrap_or_else(|e| panic!("{e}"));
    let keys: Vec<(&str, &str)> = local
        .key_schema
        .iter()
        .map(|k| (k.attribute_name.as_str(), k.key_type.as_str()))
        .collect();
    assert_eq!(keys, [("pk", "HASH"), ("sk", "RANGE")]);
    let attributes: Vec<(&str, &str)> = local
        .attribute_definitions
        .iter()
        .map(|a| (a.attribute_name.as_str(), a.attribute_type.as_str()))
        .collect();
    assert_eq!(attributes, [("pk", "S"), ("sk", "S")]);
    assert_eq!(local.billing_mode, "PAY_PER_REQUEST");
    assert_eq!(
        local.stream_specification.as_ref().map(|s| s.stream_view_type.as_str()),
        Some("NEW_AND_OLD_IMAGES")
    );
    assert_eq!(
        local
            .time_to_live_specification
            .as_ref()
            .map(|t| (t.attribute_name.as_str(), t.enabled)),
        Some(("expiresAt", true))
    );

    // What only the deployed table has: it survives the stack, a mistaken delete and a bad write.
    let t = template::template();
    let table = &t["Resources"]["CustomersTable"];
    let properties = &table["Properties"];
    assert_eq!(table["DeletionPolicy"], "Retain");
    assert_eq!(table["UpdateReplacePolicy"], "Retain");
    assert_eq!(properties["DeletionProtectionEnabled"], true);
    assert_eq!(
        properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    assert_eq!(properties["SSESpecification"]["SSEEnabled"], true);
    assert!(
        properties.get("GlobalSecondaryIndexes").is_none(),
        "every read is on the primary key"
    );
    // The architecture is a deploy-time choice.
    assert_eq!(
        t["Parameters"]["Architecture"]["AllowedValues"],
        json!(["x86_64", "arm64"])
    );
}

/// Every operation the functions document has its own route at the gateway, behind the JWT
/// authorizer, to the function that serves it (the one the local router names too). Nothing else
/// is routed: an unknown path or method is refused before any function starts.
#[test]
fn the_gateway_routes_exactly_the_documented_operations_to_their_functions() {
    let t = template::template();
    let routes = template::routes(&t);
    let doc: serde_json::Value = serde_json::from_str(&customers_tests::openapi::rendered()).unwrap_or_default();
    let mut documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(method, _)| ["get", "put", "post", "delete", "patch"].contains(&method.as_str()))
                .map(move |(method, _)| (method.to_uppercase(), path.clone()))
        })
        .collect();
    documented.sort();
    let mut routed: Vec<(String, String)> = routes.iter().map(|r| (r.method.clone(), r.path.clone())).collect();
    routed.sort();
    assert!(documented.len() >= 40, "operations not found: {documented:?}");
    assert_eq!(routed, documented);

    let router = watch_router();
    for Route {
        method,
        path,
        function,
        authorization,
        authorizer,
        ..
    } in &routes
    {
        assert_eq!(authorization, "JWT", "{method} {path}");
        assert_eq!(authorizer.as_deref(), Some("HttpApiAuthorizer"), "{method} {path}");
        let local = router.iter().find(|(p, _)| p == path).map(|(_, f)| f);
        assert_eq!(
            local,
            Some(function),
            "{method} {path} is served by another function locally"
        );
    }
    let authorizer = &t["Resources"]["HttpApiAuthorizer"]["Properties"];
    assert_eq!(authorizer["AuthorizerType"], "JWT");
    assert_eq!(authorizer["IdentitySource"], json!(["$request.header.Authorization"]));
    assert_eq!(authorizer["JwtConfiguration"]["Issuer"], json!({ "Ref": "JwtIssuer" }));
    assert_eq!(
        authorizer["JwtConfiguration"]["Audience"],
        json!([{ "Ref": "JwtAudience" }])
    );
}

/// Each role grants the table actions in one statement on the table alone (a transaction is
/// authorised by the item actions it contains, and none reads the whole table), and beyond that
/// only its own log group and, for change-events, the stream, its stage's topics and its queue.
#[test]
fn each_function_may_touch_only_its_own_resources() {
    let t = template::template();
    let mut functions = template::functions(&t);
    functions.sort();
    assert_eq!(functions, FUNCTIONS);
    for f in FUNCTIONS {
        assert_eq!(
            template::table_statements(&t, f).len(),
            1,
            "{f}: one statement on the table"
        );
        let actions = template::table_actions(&t, f);
        assert!(actions.iter().any(|a| a == "dynamodb:GetItem"), "{f}: {actions:?}");
        for a in &actions {
            let item_action = a.starts_with("dynamodb:") && (a.ends_with("Item") || a == "dynamodb:Query");
            assert!(item_action, "{f}: {a} is not an item action");
        }
        let statements = template::role_statements(&t, f);
        for s in &statements {
            assert_eq!(s["Effect"], "Allow", "{f}");
            assert_ne!(s["Resource"], "*", "{f}: a statement on every resource");
            let actions = s["Action"].as_array().cloned().unwrap_or_default();
            assert!(
                actions.iter().all(|a| a.as_str().is_some_and(|a| !a.contains('*'))),
                "{f}: {s}"
            );
        }
        let grants = |service: &str| {
            statements.iter().any(|s| {
                s["Action"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|a| a.as_str().is_some_and(|a| a.starts_with(service)))
            })
        };
        assert_eq!(grants("sns:"), f == "change-events", "{f}: SNS");
        assert_eq!(grants("sqs:"), f == "change-events", "{f}: SQS");
    }
    let topics = template::role_statements(&t, "change-events")
        .into_iter()
        .find(|s| {
            s["Action"]
                .as_array()
                .is_some_and(|a| a.contains(&json!("sns:Publish")))
        })
        .map(|s| s["Resource"].clone());
    assert_eq!(
        topics,
        Some(
            json!({ "Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:customer-changed-${Stage}-*" })
        )
    );
}

/// Every function gets the settings its code reads, is traced, logs into a log group of the
/// template (so that retention applies) and has alarms on its errors and throttles. An HTTP
/// function's timeout is below the gateway's, so the function's own deadline answers first.
#[test]
fn every_function_is_configured_traced_logged_and_alarmed() {
    let t = template::template();
    let resources = t["Resources"].as_object().cloned().unwrap_or_default();
    for f in FUNCTIONS {
        let id = template::function_resource(&t, f).unwrap_or_else(|| panic!("{f} is not deployed"));
        let p = &t["Resources"][&id]["Properties"];
        assert_eq!(p["Runtime"], "provided.al2023", "{f}");
        assert_eq!(p["Handler"], "bootstrap", "{f}");
        assert_eq!(p["Architectures"], json!([{ "Ref": "Architecture" }]), "{f}");
        assert_eq!(p["TracingConfig"]["Mode"], "Active", "{f}");
        let needed: &[&str] = if f == "change-events" {
            &["TABLE_NAME", "STAGE", "FAILURE_QUEUE_URL"]
        } else {
            &["TABLE_NAME", "STAGE", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_JWKS_URL"]
        };
        for variable in needed {
            assert!(p["Environment"]["Variables"].get(variable).is_some(), "{f}: {variable}");
        }
        assert_eq!(p["FunctionName"]["Fn::Sub"], format!("customers-{f}-${{Stage}}"));
        let log = p["LoggingConfig"]["LogGroup"]["Ref"].as_str().unwrap_or_default();
        let log = &t["Resources"][log];
        assert_eq!(log["Type"], "AWS::Logs::LogGroup", "{f}");
        assert_eq!(
            log["Properties"]["LogGroupName"]["Fn::Sub"],
            format!("/aws/lambda/customers-{f}-${{Stage}}")
        );
        assert_eq!(
            log["Properties"]["RetentionInDays"],
            json!({ "Ref": "LogRetentionDays" })
        );
        for metric in ["Errors", "Throttles"] {
            let alarmed = resources.values().any(|r| {
                r["Type"] == "AWS::CloudWatch::Alarm"
                    && r["Properties"]["MetricName"] == metric
                    && r["Properties"]["Dimensions"] == json!([{ "Name": "FunctionName", "Value": { "Ref": id } }])
            });
            assert!(alarmed, "{f}: no alarm on {metric}");
        }
        if f != "change-events" {
            let integration = resources
                .values()
                .find(|r| {
                    r["Type"] == "AWS::ApiGatewayV2::Integration"
                        && r["Properties"]["IntegrationUri"]["Fn::GetAtt"] == json!([id, "Arn"])
                })
                .unwrap_or_else(|| panic!("{f} has no integration"));
            let gateway_ms = integration["Properties"]["TimeoutInMillis"].as_i64().unwrap_or(30_000);
            let function_ms = p["Timeout"].as_i64().unwrap_or(3) * 1000;
            assert!(
                function_ms < gateway_ms,
                "{f}: {function_ms} ms against the gateway's {gateway_ms}"
            );
        }
    }
}

/// The routes of the credentials function (each hashes a password with Argon2id) get a tighter
/// throttle than the stage's default; the access log names the route, never the raw path (which
/// may carry a customer number) or a header.
#[test]
fn password_routes_are_throttled_tighter_and_access_logs_name_only_the_route() {
    let t = template::template();
    let stage = &t["Resources"]["HttpApiStage"];
    let settings = stage["Properties"]["RouteSettings"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut throttled: Vec<&String> = settings.keys().collect();
    throttled.sort();
    let credentials: Vec<Route> = template::routes(&t)
        .into_iter()
        .filter(|r| r.function == "credentials")
        .collect();
    let mut expected: Vec<String> = credentials.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    expected.sort();
    assert_eq!(throttled, expected.iter().collect::<Vec<_>>());
    let default_rate = t["Parameters"]["ThrottlingRateLimit"]["Default"]
        .as_f64()
        .unwrap_or(0.0);
    let default_burst = t["Parameters"]["ThrottlingBurstLimit"]["Default"]
        .as_f64()
        .unwrap_or(0.0);
    for (route, s) in &settings {
        assert!(
            s["ThrottlingRateLimit"]
                .as_f64()
                .is_some_and(|r| r > 0.0 && r < default_rate),
            "{route}"
        );
        assert!(
            s["ThrottlingBurstLimit"]
                .as_f64()
                .is_some_and(|b| b > 0.0 && b < default_burst),
            "{route}"
        );
    }
    // The stage names those routes, so it is created after them.
    let mut depends: Vec<&str> = stage["DependsOn"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str())
        .collect();
    depends.sort_unstable();
    let mut ids: Vec<&str> = credentials.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(depends, ids);
    assert_eq!(
        stage["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"],
        json!({ "Ref": "ThrottlingRateLimit" })
    );

    let format: serde_json::Value = stage["Properties"]["AccessLogSettings"]["Format"]
        .as_str()
        .and_then(|f| serde_json::from_str(f).ok())
        .unwrap_or_default();
    let values: Vec<&str> = format
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, v)| v.as_str())
        .collect();
    assert!(values.contains(&"$context.routeKey"), "{format}");
    for v in values {
        let lower = v.to_lowercase();
        assert!(
            !lower.contains("path") && !lower.contains("header") && !lower.contains("querystring"),
            "{v}"
        );
    }
}

#[test]
fn the_stream_feeds_change_events_with_partial_batch_failures_and_a_failure_queue() {
    let t = template::template();
    let mapping = &t["Resources"]["ChangeEventsSource"]["Properties"];
    assert_eq!(mapping["FunctionResponseTypes"], json!(["ReportBatchItemFailures"]));
    assert_eq!(mapping["BisectBatchOnFunctionError"], true);
    assert!(
        mapping["MaximumRetryAttempts"]
            .as_i64()
            .is_some_and(|n| n > 0 && n <= 100)
    );
    assert_eq!(
        mapping["DestinationConfig"]["OnFailure"]["Destination"],
        json!({ "Fn::GetAtt": ["ChangeEventsFailureQueue", "Arn"] })
    );
    assert_eq!(
        mapping["EventSourceArn"]["Fn::GetAtt"],
        json!(["CustomersTable", "StreamArn"])
    );
    // change-events sends undecodable records to the same queue itself.
    let function = template::function_resource(&t, "change-events").unwrap_or_default();
    assert_eq!(mapping["FunctionName"], json!({ "Ref": function }));
    assert_eq!(
        t["Resources"][&function]["Properties"]["Environment"]["Variables"]["FAILURE_QUEUE_URL"],
        json!({ "Ref": "ChangeEventsFailureQueue" })
    );
}

/// `docs/asyncapi.yaml` describes the events as published: its payload is the schema file the
/// events are checked against, its headers are that schema's members, its channel is the
/// publisher's topic name, and its examples (one per event type) match the schema.
#[test]
fn the_asyncapi_document_describes_the_published_events() {
    use customers_domain::events::ChangeType;
    let text = std::fs::read_to_string(root().join("docs/asyncapi.yaml")).unwrap_or_default();
    let doc: Value = serde_norway::from_str(&text).unwrap_or_else(|e| panic!("docs/asyncapi.yaml: {e}"));
    assert_eq!(doc["asyncapi"], "3.0.0");
    let schema = event_schema::schema();
    assert!(jsonschema::meta::is_valid(&schema), "the schema is valid JSON Schema");
    let file = "./events/customer-changed.schema.json";
    assert_eq!(
        format!("docs/{}", file.trim_start_matches("./")),
        event_schema::SCHEMA_PATH
    );
    let message = &doc["components"]["messages"]["CustomerChanged"];
    assert_eq!(message["payload"]["$ref"], file, "the payload is the schema file");
    assert_eq!(message["contentType"], "application/json");
    let headers = &message["headers"];
    assert_eq!(headers["required"], json!(["eventType", "profileType"]));
    for name in ["eventType", "profileType"] {
        let reference = format!("{file}#/properties/{name}");
        assert_eq!(headers["properties"][name]["$ref"], reference.as_str());
        assert!(schema["properties"][name].is_object(), "{reference} exists");
    }
    // The channel is the topic the publisher publishes to.
    let channel = &doc["channels"]["customerChanged"];
    let org = customers_domain::values::OrganisationId::parse("o", 1).unwrap_or_else(|e| panic!("{e:?}"));
    let address = channel["address"].as_str().unwrap_or("");
    assert_eq!(
        address
            .replace("{stage}", "production")
            .replace("{organisationId}", "1"),
        customers_sns::topic_name("production", org)
    );
    assert_eq!(channel["bindings"]["sns"]["name"], address);
    // The schema's members are exactly what the service serialises, all required.
    let event = customers_contract::events::CustomerChangedEvent {
        event_id: "e".into(),
        event_type: "CREATE".into(),
        organisation_id: 1,
        customer_number: 1,
        related_customer_numbers: vec![],
        profile_type: "S".into(),
        changed_at: "2026-11-23T12:00:00.000Z".into(),
        version: 1,
    };
    let serialised = serde_json::to_value(&event).unwrap_or_default();
    let members = |v: &Value| {
        let mut keys: Vec<String> = v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        keys.sort();
        keys
    };
    assert_eq!(members(&schema["properties"]), members(&serialised));
    let mut required: Vec<String> = serde_json::from_value(schema["required"].clone()).unwrap_or_default();
    required.sort();
    assert_eq!(required, members(&serialised));
    let types: Vec<&str> = ChangeType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(schema["properties"]["eventType"]["enum"], json!(types));
    // One example per event type, each a valid event whose headers repeat its members.
    let validator = event_schema::validator();
    let examples = message["examples"].as_array().cloned().unwrap_or_default();
    let mut example_types: Vec<&str> = Vec::new();
    for example in &examples {
        let payload = &example["payload"];
        event_schema::assert_valid(&validator, payload, &format!("example {}", example["name"]));
        for name in ["eventType", "profileType"] {
            assert_eq!(example["headers"][name], payload[name], "example {}", example["name"]);
        }
        example_types.push(payload["eventType"].as_str().unwrap_or(""));
    }
    assert_eq!(example_types, types);
    // The schema refuses what is not an event: it does not accept just anything.
    let mut broken = serialised.clone();
    broken["changedAt"] = json!("yesterday");
    broken["surname"] = json!("Nordmann");
    let found = event_schema::violations(&validator, &broken);
    assert!(found.iter().any(|v| v.contains("'/changedAt'")), "{found:?}");
    assert!(found.iter().any(|v| v.contains("surname")), "{found:?}");
    assert!(event_schema::violations(&validator, &serialised).is_empty());
}
