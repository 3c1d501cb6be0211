//! Local set-up: `local-stack create-table [TABLE]` creates the table from `infra/table.json`
//! in the DynamoDB at `DYNAMODB_ENDPOINT`; `local-stack template` prints the deploy template with
//! the same table definition filled in; `local-stack openapi` prints the OpenAPI document.

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
        Some("template") => customers_tests::template::rendered().map(|t| print!("{t}")),
        Some("openapi") => {
            print!("{}", customers_tests::openapi::rendered());
            Ok(())
        }
        _ => Err("usage: local-stack create-table [TABLE] | template | openapi".to_string()),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
