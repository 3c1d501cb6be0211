//! What every HTTP function's `main` does: logs, configuration, state, and the Lambda runtime.

use crate::{ApiState, AuthConfig};
use axum::Router;
use customers_domain::store::ProfileStore;
use std::sync::Arc;

/// Serves `router` under the Lambda runtime, over `store`, with the token verifier from the
/// environment. A missing setting ends the instance with the reason logged.
pub async fn serve<S>(store: Result<S, String>, router: fn(ApiState) -> Router) -> Result<(), lambda_http::Error>
where
    S: ProfileStore + 'static,
{
    crate::telemetry::init();
    let state = store
        .and_then(|store| {
            ApiState::new(
                Arc::new(store),
                AuthConfig::from_env()?,
                ApiState::number_block_from_env(),
            )
        })
        .map_err(|e| {
            tracing::error!(error = %e, "configuration is incomplete");
            lambda_http::Error::from(e)
        })?;
    lambda_http::run(router(state)).await
}
