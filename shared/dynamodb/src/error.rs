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
