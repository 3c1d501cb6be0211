//! The item layout: keys of every kind of item, and profiles to and from items.

use crate::records::ProfileRecord;
use aws_sdk_dynamodb::types::AttributeValue;
use customers_domain::credentials::AttemptKey;
use customers_domain::customer::{Customer, ProfileType, SearchKey, UniqueClaim, first_word};
use customers_domain::ports::{EntryFacts, FiledEntry, StoreError, Unreadable};
use customers_domain::profiles::IdempotencyKey;
use customers_domain::values::{CustomerNumber, ItemId, OrganisationId, format_instant, parse_instant};
use std::collections::HashMap;

pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) const PK: &str = "pk";
pub(crate) const SK: &str = "sk";
/// The table's TTL attribute (epoch seconds).
pub(crate) const EXPIRES_AT: &str = "expiresAt";
pub(crate) const KIND: &str = "kind";
/// The profile a guard or search entry belongs to.
pub(crate) const OWNER: &str = "customerNumber";
/// A search entry's copy of its profile's type and exact expiry.
pub(crate) const ENTRY_PROFILE_TYPE: &str = "profileType";
pub(crate) const ENTRY_EXPIRATION: &str = "expirationDate";
/// The preference a code guard belongs to.
pub(crate) const PREFERENCE_OWNER: &str = "preferenceId";
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

pub(crate) fn key(pk: String, sk: &str) -> Item {
    HashMap::from([(PK.into(), s(pk)), (SK.into(), s(sk))])
}

pub(crate) fn profile_pk(org: OrganisationId, number: CustomerNumber) -> String {
    format!("CUSTOMER#{org}#{number}")
}

pub(crate) fn profile_key(org: OrganisationId, number: CustomerNumber) -> Item {
    key(profile_pk(org, number), PROFILE_SK)
}

/// A key no profile has (customer numbers are positive): read when there is nothing to read,
/// so that both paths do the same work.
pub(crate) fn nobodys_key(org: OrganisationId) -> Item {
    key(format!("CUSTOMER#{org}#0"), PROFILE_SK)
}

pub(crate) fn unique_pk(org: OrganisationId, claim: &UniqueClaim) -> String {
    match claim {
        UniqueClaim::Email(e) => format!("UNIQUE#{org}#EMAIL#{e}"),
        UniqueClaim::CustomerRef(r) => format!("UNIQUE#{org}#REF#{r}"),
        UniqueClaim::Account(a) => format!("UNIQUE#{org}#ACCOUNT#{a}"),
    }
}

pub(crate) fn guard_key(org: OrganisationId, claim: &UniqueClaim) -> Item {
    key(unique_pk(org, claim), UNIQUE_SK)
}

pub(crate) fn guard_item(org: OrganisationId, claim: &UniqueClaim, customer: &Customer) -> Item {
    let mut item = guard_key(org, claim);
    item.insert(KIND.into(), s("UNIQUE"));
    item.insert(OWNER.into(), n(customer.customer_number.value()));
    if let Some(t) = customer.expiration_date {
        item.insert(EXPIRES_AT.into(), n(t.timestamp()));
    }
    item
}

/// The partition of a search key and the sort-key prefix to query within it. A key whose query
/// may be partial (a first name as a prefix, a national number without its country code) keeps
/// the rest of its value at the front of the sort key.
pub(crate) fn search_partition(org: OrganisationId, key: &SearchKey) -> (String, String) {
    match key {
        SearchKey::Email(e) => (format!("SEARCH#{org}#EMAIL#{e}"), String::new()),
        SearchKey::Telephone { national, country_code } => {
            let prefix = if country_code.is_empty() {
                String::new()
            } else {
                format!("{country_code}#")
            };
            (format!("SEARCH#{org}#PHONE#{national}"), prefix)
        }
        SearchKey::VippsId(v) => (format!("SEARCH#{org}#VIPPS#{v}"), String::new()),
        SearchKey::Landline(l) => (format!("SEARCH#{org}#LANDLINE#{l}"), String::new()),
        SearchKey::Name { surname, first_name } => (format!("SEARCH#{org}#SURNAME#{surname}"), first_name.clone()),
        SearchKey::FirstName(f) => (format!("SEARCH#{org}#FIRSTNAME#{}", first_word(f)), f.clone()),
        SearchKey::DateOfBirth(d) => (format!("SEARCH#{org}#BIRTH#{}", d.format("%Y-%m-%d")), String::new()),
        SearchKey::PostCode(p) => (format!("SEARCH#{org}#POSTCODE#{p}"), String::new()),
    }
}

fn search_sk(key: &SearchKey, number: CustomerNumber) -> String {
    match key {
        SearchKey::Name { first_name, .. } | SearchKey::FirstName(first_name) => {
            format!("{first_name}#{:020}", number.value())
        }
        SearchKey::Telephone { country_code, .. } => format!("{country_code}#{:020}", number.value()),
        _ => format!("{:020}", number.value()),
    }
}

pub(crate) fn search_entry_key(org: OrganisationId, key: &SearchKey, number: CustomerNumber) -> Item {
    let (pk, _) = search_partition(org, key);
    HashMap::from([(PK.into(), s(pk)), (SK.into(), s(search_sk(key, number)))])
}

/// An entry records its profile's type and exact expiry, so a search its entries decide can be
/// counted without reading the profiles; they are written with the profile, and rewritten when
/// either changes.
pub(crate) fn search_entry(org: OrganisationId, key: &SearchKey, customer: &Customer) -> Item {
    let mut item = search_entry_key(org, key, customer.customer_number);
    item.insert(KIND.into(), s("SEARCH"));
    item.insert(OWNER.into(), n(customer.customer_number.value()));
    item.insert(ENTRY_PROFILE_TYPE.into(), s(customer.profile_type.code()));
    if let Some(t) = customer.expiration_date {
        item.insert(EXPIRES_AT.into(), n(t.timestamp()));
        item.insert(ENTRY_EXPIRATION.into(), s(format_instant(&t)));
    }
    item
}

/// The attributes of an entry that [`filed_entry`] reads, as a projection, and the attribute
/// each placeholder of it names.
pub(crate) const ENTRY_PROJECTION: &str = "#sk, #owner, #type, #expiration";
pub(crate) const ENTRY_PROJECTION_NAMES: [(&str, &str); 4] = [
    ("#sk", SK),
    ("#owner", OWNER),
    ("#type", ENTRY_PROFILE_TYPE),
    ("#expiration", ENTRY_EXPIRATION),
];

/// An entry read under the key searched for: the profile it names, the key it is filed under
/// (the rest of its value is kept in its sort key), and what it records of its profile (`None`
/// for an entry written before entries recorded it, or a value that does not read).
pub(crate) fn filed_entry(wanted: &SearchKey, item: &Item) -> Option<FiledEntry> {
    let number = owner_of(item)?;
    let sk = match item.get(SK) {
        Some(AttributeValue::S(sk)) => sk.as_str(),
        _ => return None,
    };
    // The part of the sort key before the number: a first name, or a country code.
    let value = sk
        .rsplit_once('#')
        .map(|(value, _)| value.to_string())
        .unwrap_or_default();
    let filed = match wanted {
        SearchKey::Name { surname, .. } => SearchKey::Name {
            surname: surname.clone(),
            first_name: value,
        },
        SearchKey::FirstName(_) => SearchKey::FirstName(value),
        SearchKey::Telephone { national, .. } => SearchKey::Telephone {
            national: national.clone(),
            country_code: value,
        },
        other => other.clone(),
    };
    let profile_type = match item.get(ENTRY_PROFILE_TYPE) {
        Some(AttributeValue::S(code)) => ProfileType::from_code(code),
        _ => None,
    };
    let expiration_date = match item.get(ENTRY_EXPIRATION) {
        None => Some(None),
        Some(AttributeValue::S(at)) => parse_instant(ENTRY_EXPIRATION, at).ok().map(Some),
        Some(_) => None,
    };
    let facts = match (profile_type, expiration_date) {
        (Some(profile_type), Some(expiration_date)) => Some(EntryFacts {
            profile_type,
            expiration_date,
        }),
        _ => None,
    };
    Some(FiledEntry { number, filed, facts })
}

pub(crate) fn idempotency_key(org: OrganisationId, key: &IdempotencyKey) -> Item {
    self::key(format!("IDEMPOTENCY#{org}#{}", key.as_str()), IDEMPOTENCY_SK)
}

pub(crate) fn counter_key() -> Item {
    key("COUNTER#CUSTOMER_NUMBER".into(), "COUNTER")
}

pub(crate) fn attempts_key(org: OrganisationId, key: &AttemptKey) -> Item {
    let pk = match key {
        AttemptKey::Email(e) => format!("THROTTLE#{org}#EMAIL#{e}"),
        AttemptKey::Customer(n) => format!("THROTTLE#{org}#CUSTOMER#{n}"),
    };
    self::key(pk, "SIGN_IN")
}

/// The organisation's preference catalogue is one item collection.
pub(crate) fn preferences_pk(org: OrganisationId) -> String {
    format!("PREFERENCES#{org}")
}

pub(crate) fn preference_key(org: OrganisationId, id: ItemId) -> Item {
    key(preferences_pk(org), &format!("PREFERENCE#{:020}", id.value()))
}

/// Claims a preference code (lower-cased) in the catalogue.
pub(crate) fn preference_code_key(org: OrganisationId, code_key: &str) -> Item {
    key(format!("UNIQUE#{org}#PREFERENCE_CODE#{code_key}"), UNIQUE_SK)
}

/// The profile's own attributes (absent values are left out rather than stored as NULL).
pub(crate) fn customer_attributes(customer: &Customer) -> Result<Item, StoreError> {
    let item: Item = serde_dynamo::to_item(ProfileRecord::of(customer))
        .map_err(|e| StoreError::Corrupt(format!("writing profile {}: {e}", customer.customer_number)))?;
    Ok(item
        .into_iter()
        .filter(|(_, v)| !matches!(v, AttributeValue::Null(_)))
        .collect())
}

pub(crate) fn profile_item(customer: &Customer) -> Result<Item, StoreError> {
    let mut item = customer_attributes(customer)?;
    item.extend(profile_key(customer.organisation_id, customer.customer_number));
    item.insert(KIND.into(), s("PROFILE"));
    if let Some(t) = customer.expiration_date {
        item.insert(EXPIRES_AT.into(), n(t.timestamp()));
    }
    Ok(item)
}

fn text(value: Option<AttributeValue>) -> String {
    match value {
        Some(AttributeValue::S(v)) => v,
        _ => String::new(),
    }
}

/// A stored profile, or which item cannot be read and why.
pub(crate) fn customer_from_item(mut item: Item) -> Result<Customer, Unreadable> {
    // Taken out rather than copied: the record does not read them, and only an error names them.
    let (pk, sk) = (item.remove(PK), item.remove(SK));
    crate::records::from_item::<ProfileRecord>(item)
        .map_err(|e| e.to_string())
        .and_then(ProfileRecord::into_customer)
        .map_err(|reason| Unreadable {
            key: format!("{}/{}", text(pk), text(sk)),
            reason,
        })
}

pub(crate) fn number_of(item: &Item, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

pub(crate) fn owner_of(item: &Item) -> Option<CustomerNumber> {
    number_of(item, OWNER).and_then(|n| CustomerNumber::parse(OWNER, n).ok())
}
