//! Keys and item shapes.

use aws_sdk_dynamodb::types::AttributeValue;
use customers_domain::idempotency::{IdempotencyKey, IdempotencyRecord};
use customers_domain::profile::{Customer, SearchKey, UniqueClaim};
use customers_domain::store::{StoreError, ThrottleKey};
use customers_domain::values::{CustomerNumber, CustomerRef, OrganisationId};
use std::collections::HashMap;

pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) const PK: &str = "pk";
pub(crate) const SK: &str = "sk";
/// The table's TTL attribute (epoch seconds).
pub(crate) const EXPIRES_AT: &str = "expiresAt";
pub(crate) const KIND: &str = "kind";
pub(crate) const OWNER: &str = "customerNumber";
pub(crate) const PASSWORD_HASH: &str = "passwordHash";
pub(crate) const VERSION: &str = "version";

pub(crate) const PROFILE_SK: &str = "PROFILE";
pub(crate) const UNIQUE_SK: &str = "UNIQUE";
pub(crate) const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn profile_pk(org: OrganisationId, number: CustomerNumber) -> String {
    format!("CUSTOMER#{org}#{number}")
}

pub(crate) fn profile_key(org: OrganisationId, number: CustomerNumber) -> Item {
    HashMap::from([(PK.into(), s(profile_pk(org, number))), (SK.into(), s(PROFILE_SK))])
}

pub(crate) fn unique_pk(org: OrganisationId, claim: &UniqueClaim) -> String {
    match claim {
        UniqueClaim::Email(e) => format!("UNIQUE#{org}#EMAIL#{e}"),
        UniqueClaim::CustomerRef(r) => format!("UNIQUE#{org}#REF#{r}"),
        UniqueClaim::Account(a) => format!("UNIQUE#{org}#ACCOUNT#{a}"),
    }
}

pub(crate) fn ref_guard_key(org: OrganisationId, reference: &CustomerRef) -> Item {
    let pk = unique_pk(org, &UniqueClaim::CustomerRef(reference.as_str().to_string()));
    HashMap::from([(PK.into(), s(pk)), (SK.into(), s(UNIQUE_SK))])
}

pub(crate) fn unique_item(org: OrganisationId, claim: &UniqueClaim, customer: &Customer) -> Item {
    let mut item = HashMap::from([
        (PK.into(), s(unique_pk(org, claim))),
        (SK.into(), s(UNIQUE_SK)),
        (KIND.into(), s("UNIQUE")),
        (OWNER.into(), n(customer.customer_number.value())),
    ]);
    if let Some(t) = customer.expires_at_epoch() {
        item.insert(EXPIRES_AT.into(), n(t));
    }
    item
}

/// The partition of a search key and the sort-key prefix to query within it.
pub(crate) fn search_partition(org: OrganisationId, key: &SearchKey) -> (String, String) {
    match key {
        SearchKey::Email(e) => (format!("SEARCH#{org}#EMAIL#{e}"), String::new()),
        SearchKey::Telephone(t) => (format!("SEARCH#{org}#PHONE#{t}"), String::new()),
        SearchKey::VippsId(v) => (format!("SEARCH#{org}#VIPPS#{v}"), String::new()),
        SearchKey::Name { surname, first_name } => (format!("SEARCH#{org}#SURNAME#{surname}"), first_name.clone()),
    }
}

fn search_sk(key: &SearchKey, number: CustomerNumber) -> String {
    match key {
        SearchKey::Name { first_name, .. } => format!("{first_name}#{:020}", number.value()),
        _ => format!("{:020}", number.value()),
    }
}

pub(crate) fn search_key_item(org: OrganisationId, key: &SearchKey, number: CustomerNumber) -> Item {
    let (pk, _) = search_partition(org, key);
    HashMap::from([(PK.into(), s(pk)), (SK.into(), s(search_sk(key, number)))])
}

pub(crate) fn search_item(org: OrganisationId, key: &SearchKey, customer: &Customer) -> Item {
    let mut item = search_key_item(org, key, customer.customer_number);
    item.insert(KIND.into(), s("SEARCH"));
    item.insert(OWNER.into(), n(customer.customer_number.value()));
    if let Some(t) = customer.expires_at_epoch() {
        item.insert(EXPIRES_AT.into(), n(t));
    }
    item
}

pub(crate) fn idempotency_key(org: OrganisationId, key: &IdempotencyKey) -> Item {
    HashMap::from([
        (PK.into(), s(format!("IDEMPOTENCY#{org}#{}", key.as_str()))),
        (SK.into(), s(IDEMPOTENCY_SK)),
    ])
}

pub(crate) fn counter_key() -> Item {
    HashMap::from([(PK.into(), s("COUNTER#CUSTOMER_NUMBER")), (SK.into(), s("COUNTER"))])
}

/// The profile's own attributes (absent values are left out rather than stored as NULL).
pub(crate) fn customer_attributes(customer: &Customer) -> Result<Item, StoreError> {
    let item: Item =
        serde_dynamo::to_item(customer).map_err(|e| StoreError::Corrupt(format!("serialising a profile: {e}")))?;
    Ok(item
        .into_iter()
        .filter(|(_, v)| !matches!(v, AttributeValue::Null(_)))
        .collect())
}

pub(crate) fn profile_item(customer: &Customer) -> Result<Item, StoreError> {
    let mut item = customer_attributes(customer)?;
    item.extend(profile_key(customer.organisation_id, customer.customer_number));
    item.insert(KIND.into(), s("PROFILE"));
    if let Some(t) = customer.expires_at_epoch() {
        item.insert(EXPIRES_AT.into(), n(t));
    }
    Ok(item)
}

pub(crate) fn customer_from_item(item: Item) -> Result<Customer, StoreError> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::Corrupt(format!("reading a stored profile: {e}")))
}

pub(crate) fn idempotency_item(
    org: OrganisationId,
    key: &IdempotencyKey,
    record: &IdempotencyRecord,
) -> Result<Item, StoreError> {
    let mut item: Item = serde_dynamo::to_item(record)
        .map_err(|e| StoreError::Corrupt(format!("serialising an idempotency record: {e}")))?;
    item.extend(idempotency_key(org, key));
    item.insert(KIND.into(), s("IDEMPOTENCY"));
    item.insert(EXPIRES_AT.into(), n(record.expires_at));
    Ok(item)
}

pub(crate) fn owner_of(item: &Item) -> Option<i64> {
    match item.get(OWNER) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

pub(crate) fn expires_at_of(item: &Item) -> Option<i64> {
    match item.get(EXPIRES_AT) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

pub(crate) fn email_guard_key(org: OrganisationId, email_key: &str) -> Item {
    let pk = unique_pk(org, &UniqueClaim::Email(email_key.to_string()));
    HashMap::from([(PK.into(), s(pk)), (SK.into(), s(UNIQUE_SK))])
}

pub(crate) fn throttle_key(org: OrganisationId, key: &ThrottleKey) -> Item {
    let pk = match key {
        ThrottleKey::Email(e) => format!("THROTTLE#{org}#EMAIL#{e}"),
        ThrottleKey::Customer(n) => format!("THROTTLE#{org}#CUSTOMER#{n}"),
    };
    HashMap::from([(PK.into(), s(pk)), (SK.into(), s("SIGN_IN"))])
}

pub(crate) fn account_guard_key(org: OrganisationId, account_id: &str) -> Item {
    let pk = unique_pk(org, &UniqueClaim::Account(account_id.to_string()));
    HashMap::from([(PK.into(), s(pk)), (SK.into(), s(UNIQUE_SK))])
}

/// The organisation's preference catalogue is one item collection.
pub(crate) fn preferences_pk(org: OrganisationId) -> String {
    format!("PREFERENCES#{org}")
}

pub(crate) fn preference_key(org: OrganisationId, id: i64) -> Item {
    HashMap::from([
        (PK.into(), s(preferences_pk(org))),
        (SK.into(), s(format!("PREFERENCE#{id:020}"))),
    ])
}
