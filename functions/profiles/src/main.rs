//! Lambda entry point: wires the store, the token verifier and the router once per instance.

use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    customers_http::telemetry::init();
    let state = profiles::ProfilesState::from_env().await.map_err(|e| {
        tracing::error!(error = %e, "configuration is incomplete");
        Error::from(e)
    })?;
    lambda_http::run(profiles::router(state)).await
}
