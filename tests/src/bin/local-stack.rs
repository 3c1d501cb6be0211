//! Local set-up: `local-stack create-table [TABLE]` creates the table as the deploy template
//! defines it (`infra/template.json`) in the DynamoDB at `DYNAMODB_ENDPOINT`; `local-stack
//! template` prints that template; `local-stack openapi` prints the OpenAPI document.

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
            let client = dynamodb_client(&config).await;
            table::ensure_table(&client, &name)
                .await
                .map(|()| eprintln!("table {name} is ready"))
        }
        Some("poll-stream") => match (args.get(1), args.get(2)) {
            (Some(table), Some(url)) => poll_forever(table, url).await,
            _ => Err("usage: local-stack poll-stream TABLE INVOKE_URL".to_string()),
        },
        Some("template") => {
            print!("{}", customers_tests::template::TEMPLATE);
            Ok(())
        }
        Some("openapi") => {
            print!("{}", customers_tests::openapi::rendered());
            Ok(())
        }
        _ => Err(
            "usage: local-stack create-table [TABLE] | poll-stream TABLE INVOKE_URL | template | openapi".to_string(),
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
    let dynamodb = dynamodb_client(&config).await;
    let streams = customers_tests::poller::streams_client(&endpoint).await;
    let mut poller = customers_tests::poller::StreamPoller::new(streams, &dynamodb, table).await?;
    let http = reqwest::Client::new();
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
