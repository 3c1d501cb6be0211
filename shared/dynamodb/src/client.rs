//! Building the SDK client once per Lambda instance.

use aws_sdk_dynamodb::config::{retry::RetryConfig, timeout::TimeoutConfig};
use std::time::Duration;

/// Where the store lives: read from the environment once at start-up.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub table_name: String,
    /// Set for DynamoDB Local (`http://127.0.0.1:8000`); unset on AWS.
    pub endpoint: Option<String>,
}

impl StoreConfig {
    pub fn from_env() -> Result<Self, String> {
        let table_name = std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set".to_string())?;
        let endpoint = std::env::var("DYNAMODB_ENDPOINT").ok().filter(|s| !s.is_empty());
        Ok(Self { table_name, endpoint })
    }
}

/// Counts every attempt the client sends in the request's metrics (`DynamoDbCalls`), retries
/// included: the count comes from the client itself, so no call can be left out.
#[derive(Debug)]
struct CountCalls;

impl aws_sdk_dynamodb::config::Intercept for CountCalls {
    fn name(&self) -> &'static str {
        "CountCalls"
    }

    fn read_before_attempt(
        &self,
        _context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &aws_sdk_dynamodb::config::RuntimeComponents,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        customers_telemetry::metrics::count_dynamodb_call();
        Ok(())
    }
}

/// A client with short timeouts: a Lambda answering an API call must give up on a sick
/// database within seconds and say 503, not hang until its own timeout. (Each request's own
/// deadline bounds the calls further: see `error::within_deadline`.)
pub fn dynamodb_client(config: &StoreConfig) -> Result<aws_sdk_dynamodb::Client, String> {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(3))
        .operation_timeout(Duration::from_secs(8))
        .build();
    let shared = customers_aws::sdk_config(config.endpoint.as_deref())?
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .build();
    let config = aws_sdk_dynamodb::config::Builder::from(&shared)
        .interceptor(CountCalls)
        .build();
    Ok(aws_sdk_dynamodb::Client::from_conf(config))
}
