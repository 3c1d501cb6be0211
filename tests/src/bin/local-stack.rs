//! Local set-up: `local-stack create-table [TABLE]` creates the table as the deploy template
//! defines it (`infra/template.json`) in the DynamoDB at `DYNAMODB_ENDPOINT`; `local-stack
//! create-queue NAME` creates an SQS queue at `SNS_ENDPOINT` and prints its URL; `local-stack
//! poll-stream TABLE URL` plays the stream's event source mapping (records given up go to the
//! queue at `FAILURE_QUEUE_URL`); `local-stack replay-failures TABLE QUEUE_URL` replays that
//! queue as the deployed change-events function does when invoked with `{"replayFailures": {}}`
//! (topics of `STAGE`, default `local`); `local-stack template` prints the template; `local-stack
//! openapi` prints the OpenAPI document; `local-stack serve-api [PORT] [TABLE]` serves every
//! function's router in one process, routed by the routing table, with the local issuer's keys:
//! a quick stand-in for `cargo lambda watch` while developing.

use customers_dynamodb::{StoreConfig, dynamodb_client, table};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("create-table") => {
            let name = args.get(1).cloned().unwrap_or_else(|| "customers".to_string());
            let config = StoreConfig {
                table_name: name.clone(),
                endpoint: Some(customers_tests::dynamodb_endpoint()),
            };
            match dynamodb_client(&config) {
                Ok(client) => table::ensure_table(&client, &name)
                    .await
                    .map(|()| eprintln!("table {name} is ready")),
                Err(e) => Err(e),
            }
        }
        Some("poll-stream") => match (args.get(1), args.get(2)) {
            (Some(table), Some(url)) => poll_forever(table, url).await,
            _ => Err("usage: local-stack poll-stream TABLE INVOKE_URL".to_string()),
        },
        Some("replay-failures") => match (args.get(1), args.get(2)) {
            (Some(table), Some(url)) => replay_failures(table, url).await,
            _ => Err("usage: local-stack replay-failures TABLE QUEUE_URL".to_string()),
        },
        Some("create-queue") => match args.get(1) {
            Some(name) => create_queue(name).await,
            None => Err("usage: local-stack create-queue NAME".to_string()),
        },
        Some("serve-api") => {
            let port: u16 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(9200);
            let table = args.get(2).cloned().unwrap_or_else(|| "customers".to_string());
            serve_api(port, &table).await
        }
        Some("template") => {
            print!("{}", customers_tests::template::TEMPLATE);
            Ok(())
        }
        Some("openapi") => {
            print!("{}", customers_tests::openapi::rendered());
            Ok(())
        }
        _ => Err(
            "usage: local-stack create-table [TABLE] | create-queue NAME | poll-stream TABLE INVOKE_URL | replay-failures TABLE QUEUE_URL | serve-api [PORT] [TABLE] | template | openapi".to_string(),
        ),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

/// Feeds the table's stream to the watched change-events function, as Lambda's event source
/// mapping would, until stopped. A batch the function fails is offered again from the failed
/// record after a pause.
async fn poll_forever(table: &str, invoke_url: &str) -> Result<(), String> {
    let endpoint = customers_tests::dynamodb_endpoint();
    let config = StoreConfig {
        table_name: table.to_string(),
        endpoint: Some(endpoint.clone()),
    };
    let dynamodb = dynamodb_client(&config)?;
    let streams = customers_dynamodb::stream_reader::streams_client(Some(&endpoint))?;
    let mut poller = customers_tests::poller::StreamPoller::new(streams, &dynamodb, table).await?;
    let http = reqwest::Client::new();
    let failures = match std::env::var("FAILURE_QUEUE_URL") {
        Ok(url) => Some((
            customers_sns::sqs_client(std::env::var("SNS_ENDPOINT").ok().as_deref())?,
            url,
        )),
        Err(_) => None,
    };
    eprintln!("polling the stream of {table} into {invoke_url}");
    loop {
        let result = poller
            .poll_once(|event| {
                let http = http.clone();
                async move {
                    let answer: serde_json::Value = http
                        .post(invoke_url)
                        .json(&event)
                        .send()
                        .await
                        .map_err(|e| e.to_string())?
                        .json()
                        .await
                        .map_err(|e| e.to_string())?;
                    Ok(answer["batchItemFailures"][0]["itemIdentifier"]
                        .as_str()
                        .map(str::to_string))
                }
            })
            .await;
        for given_up in poller.take_given_up() {
            // As the deployed mapping's on-failure destination: the record's place, not the record.
            let message = customers_tests::poller::on_failure_message(&given_up, poller.stream_arn());
            eprintln!("stream record {} given up after the retries", given_up.sequence_number);
            if let Some((sqs, url)) = &failures
                && let Err(e) = sqs
                    .send_message()
                    .queue_url(url)
                    .message_body(message.to_string())
                    .send()
                    .await
            {
                eprintln!("cannot describe it on the failure queue: {e}");
            }
        }
        match result {
            Ok(n) if n > 0 => eprintln!("{n} stream records handed over"),
            Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
            Err(e) => {
                eprintln!("stream poll failed: {e}");
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        }
    }
}

/// Replays the failure queue against DynamoDB Local and moto, and prints the report.
async fn replay_failures(table: &str, queue_url: &str) -> Result<(), String> {
    let endpoint = customers_tests::dynamodb_endpoint();
    let config = StoreConfig {
        table_name: table.to_string(),
        endpoint: Some(endpoint.clone()),
    };
    let store = customers_dynamodb::DynamoStore::new(dynamodb_client(&config)?, table);
    let stream = customers_dynamodb::stream_reader::StreamReader::new(
        customers_dynamodb::stream_reader::streams_client(Some(&endpoint))?,
    );
    let moto = std::env::var("SNS_ENDPOINT").ok();
    let queue = customers_sns::FailureQueue::new(customers_sns::sqs_client(moto.as_deref())?, queue_url);
    let stage = std::env::var("STAGE").unwrap_or_else(|_| "local".to_string());
    let publisher = customers_sns::SnsPublisher::new(customers_sns::sns_client(moto.as_deref())?, stage);
    let report = change_events::replay::Replay {
        queue: &queue,
        stream: &stream,
        profiles: &store,
        publisher: &publisher,
    }
    .run(None)
    .await;
    println!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
    Ok(())
}

/// Creates the queue (SQS answers the existing one's URL if it exists) and prints its URL.
async fn create_queue(name: &str) -> Result<(), String> {
    let sqs = customers_sns::sqs_client(std::env::var("SNS_ENDPOINT").ok().as_deref())?;
    let url = sqs
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .map_err(|e| format!("CreateQueue {name}: {e}"))?
        .queue_url
        .ok_or_else(|| format!("CreateQueue {name} answered no URL"))?;
    println!("{url}");
    Ok(())
}

/// Every function's router behind one listener, over DynamoDB Local.
async fn serve_api(port: u16, table: &str) -> Result<(), String> {
    use tower::ServiceExt;
    let config = StoreConfig {
        table_name: table.to_string(),
        endpoint: Some(customers_tests::dynamodb_endpoint()),
    };
    let client = dynamodb_client(&config)?;
    table::ensure_table(&client, table).await?;
    let jwks_url = customers_tests::issuer::spawn_jwks().await?;
    let auth = customers_http::AuthConfig {
        jwks_url,
        issuer: customers_tests::issuer::ISSUER.to_string(),
        audience: customers_tests::issuer::AUDIENCE.to_string(),
    };
    let clock = std::sync::Arc::new(customers_domain::clock::ShiftedClock::new());
    let gateway = customers_tests::app::gateway(client, table, auth, clock);
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let router = gateway.function_for(request.uri().path());
        async move { router.oneshot(request).await }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
    eprintln!("the API at http://127.0.0.1:{port}");
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}
