//! The change-event failure queue (SQS): stream records that cannot be read are described there,
//! so the stream moves on and an operator can replay them.

use async_trait::async_trait;
use customers_domain::events::{SetAside, SetAsides};
use serde_json::json;

pub struct FailureQueue {
    client: aws_sdk_sqs::Client,
    url: String,
}

impl FailureQueue {
    pub fn new(client: aws_sdk_sqs::Client, url: impl Into<String>) -> Self {
        Self {
            client,
            url: url.into(),
        }
    }

    /// `FAILURE_QUEUE_URL`; `SNS_ENDPOINT` points at a local SQS (moto) too.
    pub async fn from_env() -> Result<Self, String> {
        let url = std::env::var("FAILURE_QUEUE_URL").map_err(|_| "FAILURE_QUEUE_URL is not set".to_string())?;
        let endpoint = std::env::var("SNS_ENDPOINT").ok();
        Ok(Self::new(sqs_client(endpoint.as_deref()).await, url))
    }
}

/// An SQS client; with `endpoint`, for a local SQS with fixed credentials.
pub async fn sqs_client(endpoint: Option<&str>) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(&crate::aws_config(endpoint).await)
}

/// The message describing a record set aside.
pub fn message(record: &SetAside) -> String {
    json!({
        "source": "change-events",
        "reason": record.reason,
        "key": record.key,
        "sequenceNumber": record.sequence_number,
        "eventId": record.event_id,
    })
    .to_string()
}

#[async_trait]
impl SetAsides for FailureQueue {
    async fn set_aside(&self, record: &SetAside) -> Result<(), String> {
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(message(record))
            .send()
            .await
            .map_err(|e| {
                format!(
                    "SendMessage to {}: {}",
                    self.url,
                    aws_sdk_sqs::error::DisplayErrorContext(&e)
                )
            })?;
        Ok(())
    }
}
