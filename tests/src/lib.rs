//! Test support for the customers API: the local token issuer, the real local DynamoDB, and an
//! in-process client of the very router each Lambda runs.

pub mod app;
pub mod bench;
pub mod checks;
pub mod issuer;
pub mod openapi;
pub mod pipeline;
pub mod poller;
pub mod storage;
pub mod template;
pub mod transcript;

/// DynamoDB Local as the test command starts it (override with `DYNAMODB_ENDPOINT`).
pub fn dynamodb_endpoint() -> String {
    std::env::var("DYNAMODB_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8000".to_string())
}
