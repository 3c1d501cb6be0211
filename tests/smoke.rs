//! The smoke suite: the local path users rely on, through `cargo lambda watch` over real HTTP,
//! exactly as a client calls it. infra/local/test.sh starts the stack and runs this with
//! `--ignored`, giving `CUSTOMERS_BASE_URL`.

use customers_tests::issuer;
use serde_json::{Value, json};

struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    fn new() -> Self {
        let base = std::env::var("CUSTOMERS_BASE_URL")
            .unwrap_or_else(|_| panic!("CUSTOMERS_BASE_URL is not set: run infra/local/test.sh"));
        Self {
            base,
            http: reqwest::Client::new(),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        org: Option<i64>,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("ET-Client-Name", "entur-smoke")
            .header("X-Correlation-Id", "smoke-1");
        if let Some(org) = org {
            request = request.bearer_auth(issuer::token(org, 600).unwrap_or_default());
        }
        if let Some(b) = body {
            // As the docs' curl example sends it: no JSON content type.
            request = request.body(b.to_string());
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("request to {path}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, headers, body)
    }
}

#[tokio::test]
#[ignore = "needs the local stack: run infra/local/test.sh"]
async fn the_docs_example_through_cargo_lambda_watch() {
    let client = Client::new();
    let org = customers_tests::app::unique_org();
    let address = customers_tests::app::email("smoke");
    let body = json!({"firstName": "Ola", "surname": "Nordmann", "email": address, "languagePreference": "NO",
        "createdBy": "test", "createdByChannel": "test", "organisationId": org, "password": "abcD123"});
    let (status, headers, created) = client
        .send(reqwest::Method::POST, "/profiles/", Some(org), Some(body))
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        headers.get("x-correlation-id").and_then(|v| v.to_str().ok()),
        Some("smoke-1")
    );
    assert!(headers.get("etag").is_some());
    let number = created["customerNumber"].as_i64().unwrap_or(0);

    // The path parameter arrives as API Gateway sends it.
    let (status, _, fetched) = client
        .send(reqwest::Method::GET, &format!("/profiles/{number}"), Some(org), None)
        .await;
    assert_eq!(status, 200, "{fetched}");
    assert_eq!(fetched["customerNumber"], number);
    assert!(fetched.get("password").is_none());

    let (status, _, found) = client
        .send(
            reqwest::Method::GET,
            &format!("/profiles?email={address}&surname=Nordmann"),
            Some(org),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(found.as_array().map(Vec::len), Some(1));

    let (status, _, hidden) = client
        .send(
            reqwest::Method::GET,
            &format!("/profiles/{number}"),
            Some(org + 1),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(hidden["correlationId"], "smoke-1");

    let (status, _, _) = client
        .send(reqwest::Method::GET, &format!("/profiles/{number}"), None, None)
        .await;
    assert_eq!(status, 401);

    let (status, _, by_ref) = client
        .send(
            reqwest::Method::GET,
            &format!("/profiles/customer-ref/{number}"),
            Some(org),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(by_ref["customerNumber"], number);

    let put = json!({"firstName": "Kari", "surname": "Nordmann", "changedBy": "smoke", "changedByChannel": "test", "email": address});
    let (status, _, updated) = client
        .send(
            reqwest::Method::PUT,
            &format!("/profiles/{number}"),
            Some(org),
            Some(put),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["firstName"], "Kari");

    let (status, _, page) = client
        .send(
            reqwest::Method::GET,
            "/profiles-search?surname=Nordmann&perPage=5",
            Some(org),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["totalItems"], 1);
    let (status, _, bulk) = client
        .send(
            reqwest::Method::POST,
            "/profiles/bulk",
            Some(org),
            Some(json!({"customerNumbers": [number]})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(bulk[0]["customerNumber"], number);
}

#[tokio::test]
#[ignore = "needs the local stack: run infra/local/test.sh"]
async fn the_lifecycle_across_both_functions_through_cargo_lambda_watch() {
    let client = Client::new();
    let org = customers_tests::app::unique_org();
    let expires = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let temporary =
        json!({"createdBy": "web", "createdByChannel": "web", "expirationDate": expires, "firstName": "Anon"});
    let (status, _, created) = client
        .send(reqwest::Method::POST, "/profiles/temporary", Some(org), Some(temporary))
        .await;
    assert_eq!(status, 201, "{created}");
    let t = created["customerNumber"].as_i64().unwrap_or(0);
    let (status, _, fetched) = client
        .send(
            reqwest::Method::GET,
            &format!("/profiles/temporary/{t}"),
            Some(org),
            None,
        )
        .await;
    assert_eq!(status, 200, "{fetched}");
    let address = customers_tests::app::email("smoke-convert");
    let convert = json!({"firstName": "Kari", "surname": "Nordmann", "changedBy": "web", "changedByChannel": "web", "email": address});
    let (status, _, converted) = client
        .send(
            reqwest::Method::POST,
            &format!("/profiles/temporary/{t}/convert"),
            Some(org),
            Some(convert),
        )
        .await;
    assert_eq!(status, 200, "{converted}");
    assert_eq!(converted["profileType"], "S");

    let other = json!({"firstName": "Ola", "surname": "Nordmann", "createdBy": "t", "createdByChannel": "t", "organisationId": org});
    let (_, _, merged) = client
        .send(reqwest::Method::POST, "/profiles", Some(org), Some(other))
        .await;
    let m = merged["customerNumber"].as_i64().unwrap_or(0);
    let (status, _, connected) = client
        .send(
            reqwest::Method::POST,
            &format!("/profiles/{t}/connect"),
            Some(org),
            Some(json!({"customerNumberToConnect": m, "changedByChannel": "web"})),
        )
        .await;
    assert_eq!(status, 200, "{connected}");
    let (_, _, via) = client
        .send(reqwest::Method::GET, &format!("/profiles/{m}"), Some(org), None)
        .await;
    assert_eq!(via["customerNumber"], t);

    let deactivate = json!({"expirationDate": expires, "changedBy": "s", "changedByChannel": "crm"});
    let (status, _, d) = client
        .send(
            reqwest::Method::POST,
            &format!("/profiles/{t}/deactivate"),
            Some(org),
            Some(deactivate),
        )
        .await;
    assert_eq!((status, d["status"].as_str()), (200, Some("D")), "{d}");
    let (status, _, r) = client
        .send(
            reqwest::Method::POST,
            &format!("/profiles/{t}/restore"),
            Some(org),
            Some(json!({"changedBy": "s", "changedByChannel": "crm"})),
        )
        .await;
    assert_eq!((status, r["email"].as_str()), (200, Some(address.as_str())), "{r}");
}

#[tokio::test]
#[ignore = "needs the local stack: run infra/local/test.sh"]
async fn a_change_reaches_a_subscriber_through_the_stream_poller_and_the_watched_function() {
    let endpoint =
        std::env::var("SNS_ENDPOINT").unwrap_or_else(|_| panic!("SNS_ENDPOINT is not set: run infra/local/test.sh"));
    let stage = std::env::var("STAGE").unwrap_or_else(|_| "local".to_string());
    let client = Client::new();
    let org = customers_tests::app::unique_org();
    // A subscriber: a queue on the organisation's topic.
    let sns = customers_sns::sns_client(Some(&endpoint)).unwrap_or_else(|e| panic!("{e}"));
    let publisher = customers_sns::SnsPublisher::new(sns.clone(), stage);
    let topic = publisher
        .topic_arn(customers_domain::values::OrganisationId::parse("o", org).unwrap_or_else(|e| panic!("{e:?}")))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sqs = customers_sns::sqs_client(Some(&endpoint)).unwrap_or_else(|e| panic!("{e}"));
    let url = sqs
        .create_queue()
        .queue_name(format!("smoke-{org}"))
        .send()
        .await
        .ok()
        .and_then(|q| q.queue_url)
        .unwrap_or_default();
    let arn = format!("arn:aws:sqs:eu-north-1:123456789012:smoke-{org}");
    sns.subscribe()
        .topic_arn(topic)
        .protocol("sqs")
        .endpoint(arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let body = json!({"firstName": "Ola", "surname": "Nordmann", "createdBy": "t", "createdByChannel": "t", "organisationId": org});
    let (status, _, created) = client
        .send(reqwest::Method::POST, "/profiles", Some(org), Some(body))
        .await;
    assert_eq!(status, 201);
    let number = created["customerNumber"].as_i64().unwrap_or(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
    loop {
        let out = sqs
            .receive_message()
            .queue_url(&url)
            .wait_time_seconds(2)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let events: Vec<Value> = out
            .messages
            .unwrap_or_default()
            .iter()
            .filter_map(|m| serde_json::from_str(m.body()?).ok())
            .collect();
        if let Some(event) = events.iter().find(|e| e["customerNumber"] == number) {
            assert_eq!(event["eventType"], "CREATE");
            assert_eq!(event["organisationId"], org);
            assert_eq!(event["version"], 1);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no CREATE event for {number} arrived"
        );
    }
}
