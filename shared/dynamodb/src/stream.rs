//! The table's stream, read back into domain changes: which records are profile items, and
//! what happened to them. Guards, search entries and other bookkeeping items are not profiles.

use crate::items::{self, Item, PROFILE_SK, SK};
use aws_lambda_events::event::dynamodb::EventRecord;
use aws_sdk_dynamodb::types::AttributeValue;
use customers_domain::Customer;
use customers_domain::events::ProfileChange;
use customers_domain::values::{CustomerNumber, OrganisationId};

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

/// The profile a `pk/sk` key (as [`record_key`] writes it) names, if it names a profile item.
pub fn profile_of_key(key: &str) -> Option<(OrganisationId, CustomerNumber)> {
    let (pk, sk) = key.split_once('/')?;
    if sk != PROFILE_SK {
        return None;
    }
    let mut parts = pk.strip_prefix("CUSTOMER#")?.split('#');
    let org = parts.next()?.parse().ok()?;
    let number = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Some((
        OrganisationId::parse("organisationId", org).ok()?,
        CustomerNumber::parse("customerNumber", number).ok()?,
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_key_names_its_organisation_and_number() {
        let named = profile_of_key("CUSTOMER#7#1000000042/PROFILE").map(|(o, n)| (o.value(), n.value()));
        assert_eq!(named, Some((7, 1000000042)));
        assert_eq!(profile_of_key("UNIQUE#7#REF#x/UNIQUE"), None);
        assert_eq!(profile_of_key("CUSTOMER#7#x/PROFILE"), None);
        assert_eq!(profile_of_key("CUSTOMER#7#42#9/PROFILE"), None);
    }
}
