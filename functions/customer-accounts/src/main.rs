//! Lambda entry point: the store, the token verifier and the router, wired once per instance.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    customers_http::lambda::serve(
        customers_dynamodb::DynamoProfileStore::from_env().await,
        customer_accounts::router,
    )
    .await
}
