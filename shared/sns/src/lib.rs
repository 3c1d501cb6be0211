//! The messaging adapters: change events published to SNS, and the failure queue (SQS).
//!
//! Publishes change events to SNS: one standard topic per organisation,
//! `customer-changed-{stage}-{organisationId}`, created when first needed. Each message carries
//! `eventType` and `profileType` as message attributes, so subscribers can filter.

mod failures;

pub use failures::{FailedRecords, FailureQueue, QUEUE_ACTIONS, Received, parse_message, sqs_client};

use async_trait::async_trait;
use aws_sdk_sns::types::MessageAttributeValue;
use customers_contract::events::CustomerChangedEvent;
use customers_domain::events::{CustomerChanged, EventPublisher};
use customers_domain::values::OrganisationId;
use std::collections::HashMap;
use tokio::sync::Mutex;

/// The contract's topic name for an organisation.
pub fn topic_name(stage: &str, organisation: OrganisationId) -> String {
    format!("customer-changed-{stage}-{organisation}")
}

pub struct SnsPublisher {
    client: aws_sdk_sns::Client,
    stage: String,
    /// Topic ARNs already created or looked up by this instance.
    topics: Mutex<HashMap<OrganisationId, String>>,
}

impl SnsPublisher {
    pub fn new(client: aws_sdk_sns::Client, stage: impl Into<String>) -> Self {
        Self {
            client,
            stage: stage.into(),
            topics: Mutex::new(HashMap::new()),
        }
    }

    /// `STAGE` names the topics; `SNS_ENDPOINT` points at a local SNS (moto) instead of AWS.
    pub async fn from_env() -> Result<Self, String> {
        let stage = std::env::var("STAGE").map_err(|_| "STAGE is not set".to_string())?;
        Ok(Self::new(
            sns_client(std::env::var("SNS_ENDPOINT").ok().as_deref())?,
            stage,
        ))
    }

    /// `CreateTopic` is idempotent: it returns the existing topic's ARN.
    pub async fn topic_arn(&self, organisation: OrganisationId) -> Result<String, String> {
        let mut topics = self.topics.lock().await;
        if let Some(arn) = topics.get(&organisation) {
            return Ok(arn.clone());
        }
        let name = topic_name(&self.stage, organisation);
        let out = self
            .client
            .create_topic()
            .name(&name)
            .send()
            .await
            .map_err(|e| format!("CreateTopic {name}: {}", aws_sdk_sns::error::DisplayErrorContext(&e)))?;
        let arn = out
            .topic_arn
            .ok_or_else(|| format!("CreateTopic {name} returned no ARN"))?;
        topics.insert(organisation, arn.clone());
        Ok(arn)
    }
}

/// An SNS client; with `endpoint`, for a local SNS with fixed credentials.
pub fn sns_client(endpoint: Option<&str>) -> Result<aws_sdk_sns::Client, String> {
    Ok(aws_sdk_sns::Client::new(&sdk_config(endpoint)?))
}

/// The AWS configuration; with `endpoint`, for a local emulator with fixed credentials.
fn sdk_config(endpoint: Option<&str>) -> Result<aws_types::SdkConfig, String> {
    Ok(customers_aws::sdk_config(endpoint)?.build())
}

fn attribute(value: &str) -> Result<MessageAttributeValue, String> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| e.to_string())
}

#[async_trait]
impl EventPublisher for SnsPublisher {
    /// To the topic of the event's own organisation, in the contract's JSON.
    async fn publish(&self, event: &CustomerChanged) -> Result<(), String> {
        let arn = self.topic_arn(event.organisation_id).await?;
        let wire = CustomerChangedEvent::of(event);
        let message = serde_json::to_string(&wire).map_err(|e| e.to_string())?;
        self.client
            .publish()
            .topic_arn(&arn)
            .message(message)
            .message_attributes("eventType", attribute(&wire.event_type)?)
            .message_attributes("profileType", attribute(&wire.profile_type)?)
            .send()
            .await
            .map_err(|e| format!("Publish to {arn}: {}", aws_sdk_sns::error::DisplayErrorContext(&e)))?;
        Ok(())
    }
}
