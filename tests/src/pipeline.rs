//! The change-event pipeline as the tests run it: a fresh table and its stream read as Lambda
//! reads it, the change-events function's publisher on moto's SNS, its failure queue on moto's
//! SQS, and subscribers' queues.

use crate::app::TestApp;
use crate::poller::{StreamPoller, streams_client};
use async_trait::async_trait;
use aws_lambda_events::event::dynamodb::Event;
use customers_contract::events::CustomerChangedEvent;
use customers_domain::events::{ChangeType, CustomerChanged, EventPublisher, SetAsides};
use customers_domain::values::OrganisationId;
use customers_sns::{FailureQueue, SnsPublisher};
use std::collections::BTreeMap;

pub fn moto() -> String {
    std::env::var("SNS_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:5011".to_string())
}

pub async fn sqs() -> aws_sdk_sqs::Client {
    customers_sns::sqs_client(Some(&moto())).unwrap_or_else(|e| panic!("{e}"))
}

/// A queue subscribed (raw delivery) to an organisation's topic, as a subscriber would set it up.
pub async fn subscribed_queue(
    publisher: &SnsPublisher,
    sns: &aws_sdk_sns::Client,
    sqs: &aws_sdk_sqs::Client,
    org: i64,
) -> String {
    let topic = publisher
        .topic_arn(OrganisationId::parse("o", org).unwrap_or_else(|e| panic!("{e:?}")))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let name = format!("subscriber-{}", uuid::Uuid::new_v4().simple());
    let url = sqs
        .create_queue()
        .queue_name(&name)
        .send()
        .await
        .ok()
        .and_then(|q| q.queue_url)
        .unwrap_or_default();
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .ok()
        .and_then(|a| a.attributes)
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn).cloned())
        .unwrap_or_default();
    sns.subscribe()
        .topic_arn(topic)
        .protocol("sqs")
        .endpoint(arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .unwrap_or_else(|e| panic!("subscribe: {e}"));
    url
}

/// Everything the queue holds now, in arrival order.
pub async fn drain(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<CustomerChangedEvent> {
    drain_raw(sqs, url)
        .await
        .into_iter()
        .map(|raw| serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{e}: {raw}")))
        .collect()
}

/// The messages the queue holds now, as the JSON a subscriber reads, in arrival order.
pub async fn drain_raw(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<serde_json::Value> {
    receive_all(sqs, url).await.into_iter().map(|(body, _)| body).collect()
}

/// The messages the queue holds now (body, and string message attributes), in arrival order.
pub async fn receive_all(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<(serde_json::Value, BTreeMap<String, String>)> {
    let mut messages = Vec::new();
    let mut empty = 0;
    while empty < 2 {
        let out = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .message_attribute_names("All")
            .send()
            .await
            .unwrap_or_else(|e| panic!("receive: {e}"));
        let received = out.messages.unwrap_or_default();
        if received.is_empty() {
            empty += 1;
        }
        for m in received {
            let body = m.body.unwrap_or_default();
            let attributes = m
                .message_attributes
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(k, v)| v.string_value.map(|s| (k, s)))
                .collect();
            messages.push((
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")),
                attributes,
            ));
            if let Some(receipt) = m.receipt_handle {
                let _ = sqs.delete_message().queue_url(url).receipt_handle(receipt).send().await;
            }
        }
    }
    messages
}

/// Polls the stream through the function until a poll hands over nothing new.
pub async fn deliver(poller: &mut StreamPoller, publisher: &dyn EventPublisher, failures: &dyn SetAsides) -> usize {
    let mut total = 0;
    for _ in 0..50 {
        let n = poller
            .poll_once(|event| async move {
                let event: Event = serde_json::from_value(event).map_err(|e| e.to_string())?;
                let response = change_events::handle(event, publisher, failures).await;
                Ok(response
                    .batch_item_failures
                    .first()
                    .and_then(|f| f.item_identifier.clone()))
            })
            .await
            .unwrap_or_else(|e| panic!("poll: {e}"));
        if n == 0 {
            break;
        }
        total += n;
    }
    total
}

pub struct Harness {
    pub app: TestApp,
    pub table: String,
    pub poller: StreamPoller,
    pub publisher: SnsPublisher,
    pub failures: FailureQueue,
    pub failure_queue: String,
    pub sns: aws_sdk_sns::Client,
    pub sqs: aws_sdk_sqs::Client,
}

pub async fn harness() -> Harness {
    let (app, table) = TestApp::with_fresh_table().await;
    let streams = streams_client(&crate::dynamodb_endpoint());
    let poller = StreamPoller::new(streams, &app.client, &table)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sns = customers_sns::sns_client(Some(&moto())).unwrap_or_else(|e| panic!("{e}"));
    let stage = format!("it{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let sqs = sqs().await;
    let failure_queue = sqs
        .create_queue()
        .queue_name(format!("failed-{stage}"))
        .send()
        .await
        .ok()
        .and_then(|q| q.queue_url)
        .unwrap_or_else(|| panic!("no failure queue"));
    Harness {
        publisher: SnsPublisher::new(sns.clone(), stage),
        failures: FailureQueue::new(sqs.clone(), failure_queue.clone()),
        failure_queue,
        sns,
        sqs,
        app,
        table,
        poller,
    }
}

pub fn kind(e: &CustomerChangedEvent) -> ChangeType {
    e.change_type()
        .unwrap_or_else(|| panic!("an event of an unknown type: {e:?}"))
}

pub fn by_profile(events: &[CustomerChangedEvent]) -> BTreeMap<i64, Vec<(u64, ChangeType)>> {
    let mut map: BTreeMap<i64, Vec<(u64, ChangeType)>> = BTreeMap::new();
    for e in events {
        map.entry(e.customer_number).or_default().push((e.version, kind(e)));
    }
    map
}

/// A publisher that never gets one profile's events through.
pub struct Stuck<'a> {
    pub inner: &'a SnsPublisher,
    pub customer: i64,
}

#[async_trait]
impl EventPublisher for Stuck<'_> {
    async fn publish(&self, event: &CustomerChanged) -> Result<(), String> {
        if event.customer_number.value() == self.customer {
            return Err("this topic refuses the event".into());
        }
        self.inner.publish(event).await
    }
}
