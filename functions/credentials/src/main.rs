//! Lambda entry point: wires the store, the token verifier and the router once per instance.

use customers_dynamodb::DynamoProfileStore;
use customers_http::{ApiState, AuthConfig};
use lambda_http::Error;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    customers_http::telemetry::init();
    let state = async {
        let store = DynamoProfileStore::from_env().await?;
        ApiState::new(
            Arc::new(store),
            AuthConfig::from_env()?,
            ApiState::number_block_from_env(),
        )
    }
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "configuration is incomplete");
        Error::from(e)
    })?;
    lambda_http::run(credentials::router(state)).await
}
