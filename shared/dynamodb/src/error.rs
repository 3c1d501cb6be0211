//! SDK errors as store errors: everything the database does wrong is "unavailable" (503)
//! except a request it rejects as malformed, which is a fault of this service.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use customers_domain::ports::StoreError;

pub(crate) fn unavailable<E, R>(operation: &str, e: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let code = e.code().unwrap_or("").to_string();
    let message = format!("{operation}: {}", aws_sdk_dynamodb::error::DisplayErrorContext(&e));
    if code == "ValidationException" || code == "SerializationException" {
        tracing::error!(operation, code, "DynamoDB rejected a request of this service");
        return StoreError::Corrupt(message);
    }
    tracing::warn!(operation, code, "DynamoDB call failed");
    StoreError::Unavailable(message)
}

/// Runs one SDK call within the request's deadline: a call still running then (the SDK's own
/// attempts and backoff included) is abandoned, so the request can answer 503 in time.
pub(crate) async fn within_deadline<F: std::future::Future>(operation: &str, call: F) -> Result<F::Output, StoreError> {
    customers_domain::deadline::bounded(call).await.map_err(|_| {
        tracing::warn!(operation, "the request's deadline came before DynamoDB answered");
        StoreError::OutOfTime(format!("{operation}: the request's deadline came first"))
    })
}

/// The pause before retrying what DynamoDB left undone, unless the deadline leaves no time.
pub(crate) async fn pause_before_retry(operation: &str, pause: std::time::Duration) -> Result<(), StoreError> {
    customers_domain::deadline::pause_before_retry(pause)
        .await
        .map_err(|_| {
            tracing::warn!(
                operation,
                "no time left for another attempt before the request's deadline"
            );
            StoreError::OutOfTime(format!("{operation}: no time left for another attempt"))
        })
}
