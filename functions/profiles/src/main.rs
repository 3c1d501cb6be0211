//! Lambda entry point: the store, the settings and the router, wired once per instance.

// Lambda hands an instance one event at a time: one thread runs it, with no worker threads
// or allocator arenas kept for parallelism that never comes (docs/performance.md).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    customers_http::lambda::run(async {
        let store = customers_dynamodb::DynamoStore::from_env().await?;
        profiles::router(std::sync::Arc::new(store), customers_http::Settings::from_env()?)
    })
    .await
}
