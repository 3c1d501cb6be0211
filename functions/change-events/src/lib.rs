//! The `change-events` Lambda: reads the table's stream (NEW_AND_OLD_IMAGES) and publishes one
//! `CustomerChanged` event per change of a profile item to the organisation's topic. Guard,
//! search, idempotency and other bookkeeping items produce no event.
//!
//! Records are handled in stream order. When one cannot be published, the handler stops and
//! reports it in `batchItemFailures`: Lambda retries from that record, so no later event of the
//! batch overtakes it and none before it is sent twice.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use chrono::Utc;
use customers_domain::events::{CustomerChanged, EventPublisher};

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
pub async fn handle(event: Event, publisher: &dyn EventPublisher) -> DynamoDbEventResponse {
    for record in &event.records {
        let sequence = record.change.sequence_number.as_deref().unwrap_or("");
        let changed = match event_for(record) {
            Ok(None) => continue,
            Ok(Some(changed)) => changed,
            Err(e) => {
                // Retrying cannot mend it; after the retries Lambda sends it to the on-failure queue.
                let key = customers_dynamodb::stream::record_key(record);
                tracing::error!(sequence, key, error = %e, "stream record cannot be read");
                return failed_at(record);
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

    #[async_trait::async_trait]
    impl EventPublisher for Recorder {
        async fn publish(&self, event: &CustomerChanged) -> Result<(), String> {
            self.0.lock().map_err(|e| e.to_string())?.push(event.clone());
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_ttl_removal_by_the_service_principal_is_an_expire() {
        let recorder = Recorder::default();
        let response = handle(ttl_removal(), &recorder).await;
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
        handle(event, &recorder).await;
        assert_eq!(
            recorder.0.lock().map(|e| e[0].event_type).ok(),
            Some(ChangeType::Delete)
        );

        let mut guard = ttl_removal();
        guard.records[0].change.keys =
            serde_json::from_value(serde_json::json!({"pk": {"S": "UNIQUE#7#REF#42"}, "sk": {"S": "UNIQUE"}}))
                .unwrap_or_else(|e| panic!("{e}"));
        let recorder = Recorder::default();
        let response = handle(guard, &recorder).await;
        assert!(response.batch_item_failures.is_empty());
        assert!(recorder.0.lock().map(|e| e.is_empty()).unwrap_or(false));
    }
}
