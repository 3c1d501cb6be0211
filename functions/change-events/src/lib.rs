//! The `change-events` Lambda: reads the table's stream (NEW_AND_OLD_IMAGES) and publishes one
//! `CustomerChanged` event per change of a profile item to the organisation's topic. Guard,
//! search, idempotency and other bookkeeping items produce no event.
//!
//! Records are handled in stream order. When one cannot be published, the handler stops and
//! reports it in `batchItemFailures`: Lambda retries from that record, so no later event of the
//! batch overtakes it and none before it is sent twice. A record that cannot be read can never
//! be mended by retrying: it is described on the failure queue (its key and sequence number) and
//! the stream moves on.
//!
//! The same function replays the failure queue when invoked with `{"replayFailures": {}}`
//! ([`replay`]; `infra/replay.sh`).

pub mod replay;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use chrono::Utc;
use customers_domain::events::{CustomerChanged, EventPublisher, SetAside, SetAsides};

/// The storage ports the function uses (a replay re-reads profiles): its IAM policy grants
/// their actions on the table.
pub fn ports() -> std::collections::BTreeSet<customers_domain::ports::Port> {
    [customers_domain::ports::Port::ProfileReads].into_iter().collect()
}

/// What the function is invoked with.
#[derive(Debug)]
pub enum Invocation {
    /// A batch of the table's stream, from the event source mapping.
    Stream(Event),
    /// An operator's request to replay the failure queue.
    ReplayFailures,
}

/// Tells a stream batch (`Records`) from a replay request (`replayFailures`).
pub fn invocation(payload: serde_json::Value) -> Result<Invocation, String> {
    if payload.get("replayFailures").is_some() {
        return Ok(Invocation::ReplayFailures);
    }
    if payload.get("Records").is_some() {
        return serde_json::from_value(payload)
            .map(Invocation::Stream)
            .map_err(|e| format!("not a DynamoDB stream event: {e}"));
    }
    Err("neither a stream batch (Records) nor a replay request (replayFailures)".into())
}

/// The event for one stream record, or `None` for items that are not profiles.
pub fn event_for(record: &EventRecord) -> Result<Option<CustomerChanged>, String> {
    let Some(change) = customers_dynamodb::stream::profile_change(record)? else {
        return Ok(None);
    };
    let seen = record.change.approximate_creation_date_time;
    let at = if seen.timestamp() > 0 { seen } else { Utc::now() };
    Ok(Some(CustomerChanged::from_change(&record.event_id, &change, at)))
}

fn failed_at(record: &EventRecord) -> DynamoDbEventResponse {
    let mut failure = DynamoDbBatchItemFailure::default();
    failure.item_identifier = record.change.sequence_number.clone();
    let mut response = DynamoDbEventResponse::default();
    response.batch_item_failures = vec![failure];
    response
}

/// Handles one batch of stream records.
pub async fn handle(event: Event, publisher: &dyn EventPublisher, set_asides: &dyn SetAsides) -> DynamoDbEventResponse {
    for record in &event.records {
        let sequence = record.change.sequence_number.as_deref().unwrap_or("");
        let changed = match event_for(record) {
            Ok(None) => continue,
            Ok(Some(changed)) => changed,
            Err(reason) => {
                let aside = SetAside {
                    key: customers_dynamodb::stream::record_key(record),
                    sequence_number: sequence.to_string(),
                    event_id: record.event_id.clone(),
                    event_name: record.event_name.clone(),
                    reason,
                };
                tracing::error!(sequence, key = %aside.key, error = %aside.reason, "stream record cannot be read; set aside");
                if let Err(e) = set_asides.set_aside(&aside).await {
                    tracing::warn!(sequence, error = %e, "cannot set the record aside; the batch resumes from it");
                    return failed_at(record);
                }
                continue;
            }
        };
        if let Err(e) = publisher.publish(&changed).await {
            tracing::warn!(sequence, error = %e, "publish failed; the batch resumes from this record");
            return failed_at(record);
        }
        tracing::info!(
            sequence,
            event_type = changed.event_type.as_str(),
            customer_number = %changed.customer_number,
            version = %changed.version,
            "change published"
        );
    }
    DynamoDbEventResponse::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use customers_domain::events::ChangeType;
    use std::sync::Mutex;

    /// A Lambda DynamoDB event as Lambda delivers a TTL deletion: REMOVE by the service principal.
    fn ttl_removal() -> Event {
        let image = serde_json::json!({
            "pk": {"S": "CUSTOMER#7#42"}, "sk": {"S": "PROFILE"}, "kind": {"S": "PROFILE"},
            "customerNumber": {"N": "42"}, "organisationId": {"N": "7"}, "uuid": {"S": "abcdefghijabcdefghijabcdefghij12"},
            "status": {"S": "A"}, "profileType": {"S": "T"}, "firstName": {"S": ""}, "surname": {"S": ""},
            "customerRef": {"S": "42"}, "language": {"M": {"iso6393": {"S": "NOB"}, "legacy": {"S": "NO"}}},
            "expirationDate": {"S": "2026-11-23T12:00:00.000Z"}, "expiresAt": {"N": "1795435200"},
            "created": {"M": {"by": {"S": "web"}, "channel": {"S": "web"}, "at": {"S": "2026-11-23T11:00:00.000Z"}}},
            "changed": {"M": {"by": {"S": "web"}, "channel": {"S": "web"}, "at": {"S": "2026-11-23T11:00:00.000Z"}}},
            "relatedCustomerNumbers": {"L": []}, "version": {"N": "3"}
        });
        serde_json::from_value(serde_json::json!({"Records": [{
            "eventID": "ttl-1", "eventName": "REMOVE", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "eu-north-1", "eventSourceARN": "arn:aws:dynamodb:eu-north-1:1:table/customers/stream/x",
            "userIdentity": {"principalId": "dynamodb.amazonaws.com", "type": "Service"},
            "dynamodb": {"ApproximateCreationDateTime": 1795435260.0, "Keys": {"pk": image["pk"], "sk": image["sk"]},
                "OldImage": image, "SequenceNumber": "100", "SizeBytes": 300, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        }]}))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[derive(Default)]
    struct Recorder(Mutex<Vec<CustomerChanged>>);

    #[derive(Default)]
    struct Aside(Mutex<Vec<SetAside>>);

    #[async_trait::async_trait]
    impl SetAsides for Aside {
        async fn set_aside(&self, record: &SetAside) -> Result<(), String> {
            self.0.lock().map_err(|e| e.to_string())?.push(record.clone());
            Ok(())
        }
    }

    #[async_trait::async_trait]
    impl EventPublisher for Recorder {
        async fn publish(&self, event: &CustomerChanged) -> Result<(), String> {
            self.0.lock().map_err(|e| e.to_string())?.push(event.clone());
            Ok(())
        }
    }

    #[test]
    fn a_stream_batch_and_a_replay_request_are_told_apart() {
        let batch = serde_json::to_value(ttl_removal()).unwrap_or_default();
        assert!(matches!(invocation(batch), Ok(Invocation::Stream(e)) if e.records.len() == 1));
        assert!(matches!(
            invocation(serde_json::json!({"replayFailures": {}})),
            Ok(Invocation::ReplayFailures)
        ));
        assert!(invocation(serde_json::json!({"something": 1})).is_err());
    }

    #[tokio::test]
    async fn a_ttl_removal_by_the_service_principal_is_an_expire() {
        let recorder = Recorder::default();
        let response = handle(ttl_removal(), &recorder, &Aside::default()).await;
        assert!(response.batch_item_failures.is_empty());
        let events = recorder.0.lock().map(|e| e.clone()).unwrap_or_default();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event_type, ChangeType::Expire);
        assert_eq!(
            (
                events[0].customer_number.value(),
                events[0].organisation_id.value(),
                events[0].version.value()
            ),
            (42, 7, 4)
        );
        assert_eq!(events[0].event_id, "ttl-1");
        assert_eq!(events[0].profile_type.code(), "T");
    }

    #[tokio::test]
    async fn a_removal_by_a_user_is_a_delete_and_other_items_make_no_event() {
        let mut event = ttl_removal();
        event.records[0].user_identity = None;
        let recorder = Recorder::default();
        handle(event, &recorder, &Aside::default()).await;
        assert_eq!(
            recorder.0.lock().map(|e| e[0].event_type).ok(),
            Some(ChangeType::Delete)
        );

        let mut guard = ttl_removal();
        guard.records[0].change.keys =
            serde_json::from_value(serde_json::json!({"pk": {"S": "UNIQUE#7#REF#42"}, "sk": {"S": "UNIQUE"}}))
                .unwrap_or_else(|e| panic!("{e}"));
        let recorder = Recorder::default();
        let response = handle(guard, &recorder, &Aside::default()).await;
        assert!(response.batch_item_failures.is_empty());
        assert!(recorder.0.lock().map(|e| e.is_empty()).unwrap_or(false));
    }

    #[tokio::test]
    async fn a_record_that_cannot_be_read_is_set_aside_and_the_batch_goes_on() {
        let mut event = ttl_removal();
        let mut damaged = event.records[0].clone();
        damaged.event_id = "damaged-1".into();
        damaged.change.sequence_number = Some("99".into());
        damaged.change.old_image.insert(
            "expirationDate".into(),
            serde_json::from_value(serde_json::json!({"S": "+12026-01-01T00:00:00Z"}))
                .unwrap_or_else(|e| panic!("{e}")),
        );
        event.records.insert(0, damaged);
        let recorder = Recorder::default();
        let aside = Aside::default();
        let response = handle(event, &recorder, &aside).await;
        assert!(response.batch_item_failures.is_empty());
        let set_aside = aside.0.lock().map(|a| a.clone()).unwrap_or_default();
        assert_eq!(set_aside.len(), 1);
        assert_eq!(
            (
                set_aside[0].key.as_str(),
                set_aside[0].sequence_number.as_str(),
                set_aside[0].event_id.as_str()
            ),
            ("CUSTOMER#7#42/PROFILE", "99", "damaged-1")
        );
        assert!(
            set_aside[0].reason.contains("expirationDate"),
            "{}",
            set_aside[0].reason
        );
        let events = recorder.0.lock().map(|e| e.len()).unwrap_or_default();
        assert_eq!(events, 1, "the readable record after it is published");
    }
}
