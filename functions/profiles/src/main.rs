//! Lambda entry point: the store, the settings and the router, wired once per instance.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    customers_http::lambda::run(async {
        let store = customers_dynamodb::DynamoStore::from_env().await?;
        profiles::router(std::sync::Arc::new(store), customers_http::Settings::from_env()?)
    })
    .await
}
