//! Sign-in attempts on DynamoDB: one counter item per login name and window, counted with a
//! conditional update before any password is checked, so that parallel attempts on any number
//! of Lambda instances cannot count past the limit. The item expires with its window.

use crate::error::{unavailable, within_deadline};
use crate::items::{self, EXPIRES_AT, Item, KIND, PK, n, s};
use crate::store::DynamoStore;
use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};
use chrono::{DateTime, Utc};
use customers_domain::credentials::AttemptKey;
use customers_domain::ports::{AttemptVerdict, SignInAttempts, StoreError};
use customers_domain::values::OrganisationId;

const ATTEMPTS: &str = "attempts";
const WINDOW_START: &str = "windowStart";
/// Rounds of "count, or open a window" before giving up on a key others keep opening.
const ROUNDS: u32 = 4;

/// The item a failed condition left as it was, when the failure was a condition's.
fn failed_condition<R>(error: &SdkError<UpdateItemError, R>) -> Option<Option<Item>> {
    match error {
        SdkError::ServiceError(e) => match e.err() {
            UpdateItemError::ConditionalCheckFailedException(c) => Some(c.item().cloned()),
            _ => None,
        },
        _ => None,
    }
}

impl DynamoStore {
    /// An update of a key's attempts item, with what both of its updates name: the count, the
    /// window's start, one attempt, and the oldest start still open.
    fn attempts_update(&self, org: OrganisationId, key: &AttemptKey, floor: i64) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(items::attempts_key(org, key)))
            .expression_attribute_names("#attempts", ATTEMPTS)
            .expression_attribute_names("#start", WINDOW_START)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":floor", n(floor))
    }
}

#[async_trait]
impl SignInAttempts for DynamoStore {
    async fn count_attempt(
        &self,
        org: OrganisationId,
        key: &AttemptKey,
        now: DateTime<Utc>,
        window: chrono::Duration,
        max: u32,
    ) -> Result<AttemptVerdict, StoreError> {
        let floor = (now - window).timestamp();
        // The window, when open, as a failed condition left it: full, or with room.
        let full = |existing: &Option<Item>| {
            let item = existing.as_ref()?;
            let start = items::number_of(item, WINDOW_START).filter(|start| *start > floor)?;
            let count = items::number_of(item, ATTEMPTS).unwrap_or(i64::from(max));
            Some((count >= i64::from(max), start))
        };
        let refused = |start: i64| AttemptVerdict::Refused {
            until: DateTime::from_timestamp(start, 0).unwrap_or(now) + window,
        };
        for _ in 0..ROUNDS {
            // Open a window with this attempt, unless one is open. Tried first: a sign-in that
            // succeeds clears its key, so most attempts find none and take this one request.
            let opened = within_deadline(
                "UpdateItem(attempts)",
                self.attempts_update(org, key, floor)
                    .update_expression("SET #attempts = :one, #start = :now, #exp = :end, #kind = :kind")
                    .condition_expression("attribute_not_exists(#pk) OR #start <= :floor")
                    .expression_attribute_names("#exp", EXPIRES_AT)
                    .expression_attribute_names("#kind", KIND)
                    .expression_attribute_names("#pk", PK)
                    .expression_attribute_values(":now", n(now.timestamp()))
                    .expression_attribute_values(":end", n((now + window).timestamp()))
                    .expression_attribute_values(":kind", s("THROTTLE"))
                    .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                    .send(),
            )
            .await?;
            let existing = match opened {
                Ok(_) => return Ok(AttemptVerdict::Allowed { count: 1 }),
                Err(e) => match failed_condition(&e) {
                    Some(existing) => existing,
                    None => return Err(unavailable("UpdateItem(attempts)", e)),
                },
            };
            match full(&existing) {
                Some((true, start)) => return Ok(refused(start)),
                // A window with room: count in it below.
                Some((false, _)) => {}
                // Closed or cleared since: open one again.
                None => continue,
            }
            // Count in the open window while it has room.
            let counted = within_deadline(
                "UpdateItem(attempts)",
                self.attempts_update(org, key, floor)
                    .update_expression("ADD #attempts :one")
                    .condition_expression("#start > :floor AND #attempts < :max")
                    .expression_attribute_values(":max", n(max))
                    .return_values(ReturnValue::UpdatedNew)
                    .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                    .send(),
            )
            .await?;
            match counted {
                Ok(out) => {
                    let count = out
                        .attributes
                        .as_ref()
                        .and_then(|a| items::number_of(a, ATTEMPTS))
                        .unwrap_or(i64::from(max));
                    return Ok(AttemptVerdict::Allowed {
                        count: u32::try_from(count).unwrap_or(max),
                    });
                }
                Err(e) => match failed_condition(&e) {
                    // Others filled the window meanwhile.
                    Some(existing) => {
                        if let Some((true, start)) = full(&existing) {
                            return Ok(refused(start));
                        }
                    }
                    None => return Err(unavailable("UpdateItem(attempts)", e)),
                },
            }
        }
        // Windows opened and filled under our feet the whole time: refuse rather than guess.
        Ok(AttemptVerdict::Refused { until: now + window })
    }

    async fn clear_attempts(&self, org: OrganisationId, key: &AttemptKey) -> Result<(), StoreError> {
        within_deadline(
            "DeleteItem(attempts)",
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(items::attempts_key(org, key)))
                .send(),
        )
        .await?
        .map_err(|e| unavailable("DeleteItem(attempts)", e))?;
        Ok(())
    }
}
