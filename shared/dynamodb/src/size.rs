//! How large a stored profile may be. DynamoDB refuses an item above 400 KB (names and values
//! counted in UTF-8 bytes) with an error no retry can cure, and would then refuse every later
//! change of that profile, sign-ins included. So each write measures the profile item it would
//! leave, by DynamoDB's own rules, and refuses a change that grows it past its limit before
//! anything is written:
//!
//! - what a client puts in a profile may bring it to [`PROFILE_BUDGET`];
//! - what the service records by itself (sign-ins, passwords, status, links) may use the room
//!   above that, up to [`PROFILE_CEILING`], so a full profile still signs in and deactivates;
//! - a change that does not make the profile larger is never refused for its size.

use crate::items::{self, Item};
use aws_sdk_dynamodb::types::AttributeValue;
use customers_domain::customer::Customer;
use customers_domain::error::{Listed, ProfilePart, TooLarge};
use customers_domain::ports::{Growth, StoreError};

/// DynamoDB's item size limit.
pub const ITEM_LIMIT: usize = 400 * 1024;
/// What clients' changes may bring a profile item to.
pub const PROFILE_BUDGET: usize = 380_000;
/// What any change may bring it to: the item limit less a margin for rounding in the rules
/// below (DynamoDB's own count of a number's size is approximate).
pub const PROFILE_CEILING: usize = ITEM_LIMIT - 4 * 1024;
/// The most what the service records by itself adds to a profile in one change: a sign-in's
/// time and source, a changed-by stamp, an expiry, the email moved to `emailOld`, each at its
/// longest in four-byte characters (the password hash is counted in full already).
const MOST_RECORDED: usize = 2 * 4 * 100 + 2 * 4 * 100 + 3 * 40 + 2 * 4 * 80 + 64;
const _: () = assert!(PROFILE_BUDGET + MOST_RECORDED < PROFILE_CEILING && PROFILE_CEILING < ITEM_LIMIT);

/// Room counted for a stored password hash, which the profile entity does not carry: an
/// Argon2id PHC string is about 100 bytes.
const PASSWORD_HASH_ROOM: usize = 256;

/// The lists kept in the profile item, by attribute.
const LISTS: [(&str, Listed); 5] = [
    ("postalAddresses", Listed::PostalAddresses),
    ("customerAccounts", Listed::CustomerAccounts),
    ("preferences", Listed::Preferences),
    ("ecards", Listed::Ecards),
    ("notes", Listed::Notes),
];

/// A number's size: one byte per two significant digits, plus one.
fn number_size(n: &str) -> usize {
    let mantissa = n.split(['e', 'E']).next().unwrap_or(n);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len().max(1);
    significant.div_ceil(2) + 1
}

/// A value's size: strings and binaries their bytes, numbers as above, a list or map 3 bytes
/// plus one per element plus its elements (and a map's names).
pub fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(list) => 3 + list.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => 3 + map.iter().map(|(k, v)| 1 + k.len() + value_size(v)).sum::<usize>(),
        AttributeValue::Ss(set) => set.iter().map(String::len).sum(),
        AttributeValue::Ns(set) => set.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(set) => set.iter().map(|b| b.as_ref().len()).sum(),
        // A type this SDK version does not know: counted generously.
        _ => 1024,
    }
}

/// An item's size: every attribute's name and value.
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(name, value)| name.len() + value_size(value)).sum()
}

/// The size of a profile's item as stored, and the part taking the most room.
fn measure(customer: &Customer) -> Result<(usize, ProfilePart, usize), StoreError> {
    let item = items::profile_item(customer)?;
    let total = item_size(&item) + items::PASSWORD_HASH.len() + PASSWORD_HASH_ROOM;
    let attribute = |name: &str| item.get(name).map_or(0, |v| name.len() + value_size(v));
    let lists: usize = LISTS.iter().map(|(name, _)| attribute(name)).sum();
    let (largest, largest_bytes) = LISTS
        .iter()
        .map(|(name, list)| (ProfilePart::List(*list), attribute(name)))
        .chain(std::iter::once((ProfilePart::Fields, total - lists)))
        .max_by_key(|(_, bytes)| *bytes)
        .unwrap_or((ProfilePart::Fields, total));
    Ok((total, largest, largest_bytes))
}

/// Refuses a change (or, without `previous`, a new profile) that would grow the stored profile
/// past what its kind of change may.
pub(crate) fn check(previous: Option<&Customer>, next: &Customer, growth: Growth) -> Result<(), StoreError> {
    let (bytes, largest, largest_bytes) = measure(next)?;
    let limit = match growth {
        Growth::ClientData => PROFILE_BUDGET,
        Growth::Record => PROFILE_CEILING,
    };
    if bytes <= limit {
        return Ok(());
    }
    let before = match previous {
        Some(p) => measure(p)?.0,
        None => 0,
    };
    if bytes <= before {
        return Ok(());
    }
    Err(StoreError::ItemTooLarge(TooLarge {
        bytes,
        limit,
        largest,
        largest_bytes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.into())
    }

    #[test]
    fn sizes_follow_dynamodbs_rules() {
        assert_eq!(value_size(&s("æøå")), 6);
        assert_eq!(number_size("0"), 2);
        assert_eq!(number_size("12345"), 4);
        assert_eq!(number_size("-1200"), 2);
        assert_eq!(number_size("1000000001"), 6);
        assert_eq!(number_size("0.0001234"), 3);
        assert_eq!(value_size(&AttributeValue::L(vec![])), 3);
        // 3 + (1 + 1) + (1 + 2)
        assert_eq!(value_size(&AttributeValue::L(vec![s("a"), s("bc")])), 8);
        // 3 + (1 + "k" + "vv")
        let map = HashMap::from([("k".to_string(), s("vv"))]);
        assert_eq!(value_size(&AttributeValue::M(map.clone())), 7);
        let item = HashMap::from([("name".to_string(), AttributeValue::M(map))]);
        assert_eq!(item_size(&item), 11);
    }
}
