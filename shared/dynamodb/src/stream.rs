//! The table's stream, read back into domain changes: which records are profile items, and
//! what happened to them. Guards, search entries and other bookkeeping items are not profiles.

use crate::items::{self, Item, PROFILE_SK, SK};
use aws_lambda_events::event::dynamodb::EventRecord;
use aws_sdk_dynamodb::types::AttributeValue;
use customers_domain::Customer;
use customers_domain::events::ProfileChange;

/// The principal of TTL deletions in a stream record's userIdentity.
pub const TTL_PRINCIPAL: &str = "dynamodb.amazonaws.com";

fn image(image: &serde_dynamo::Item, which: &str) -> Result<Box<Customer>, String> {
    if image.is_empty() {
        return Err(format!("the record has no {which} image"));
    }
    let item: Item = image.clone().into();
    items::customer_from_item(item)
        .map(Box::new)
        .map_err(|u| format!("{which} image of {}: {}", u.key, u.reason))
}

/// The record's keys as `pk/sk`, to name it when it cannot be read.
pub fn record_key(record: &EventRecord) -> String {
    let keys: Item = record.change.keys.clone().into();
    let part = |name: &str| match keys.get(name) {
        Some(AttributeValue::S(v)) => v.clone(),
        _ => String::new(),
    };
    format!("{}/{}", part(items::PK), part(SK))
}

/// What a stream record says happened to a profile; `None` for items that are not profiles.
pub fn profile_change(record: &EventRecord) -> Result<Option<ProfileChange>, String> {
    let keys: Item = record.change.keys.clone().into();
    if !matches!(keys.get(SK), Some(AttributeValue::S(sk)) if sk == PROFILE_SK) {
        return Ok(None);
    }
    let change = match record.event_name.as_str() {
        "INSERT" => ProfileChange::Inserted(image(&record.change.new_image, "new")?),
        "MODIFY" => ProfileChange::Modified {
            old: image(&record.change.old_image, "old")?,
            new: image(&record.change.new_image, "new")?,
        },
        "REMOVE" => ProfileChange::Removed {
            old: image(&record.change.old_image, "old")?,
            by_expiry: record
                .user_identity
                .as_ref()
                .is_some_and(|u| u.principal_id == TTL_PRINCIPAL),
        },
        other => return Err(format!("unknown event name {other}")),
    };
    Ok(Some(change))
}
