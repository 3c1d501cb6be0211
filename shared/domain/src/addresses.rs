//! Postal addresses of a profile.

use crate::customer::Customer;
use crate::error::{Listed, Missing};
use crate::listed::{ListedItem, ProfileList};
use crate::problems::{FieldError, Problem};
use crate::values::{Country, ItemId, TextRule};
use chrono::{DateTime, Utc};

pub const TOWN: TextRule = TextRule::line(1, 100);
pub const POST_CODE: TextRule = TextRule::line(1, 20);
pub const ADDRESS_LINE: TextRule = TextRule::line(0, 100);

/// 'P' = Private (the default), 'I' = Invoice, 'S' = Shadow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressType {
    Private,
    Invoice,
    Shadow,
}

impl AddressType {
    pub const CODES: [&'static str; 3] = ["P", "I", "S"];

    pub fn code(self) -> &'static str {
        match self {
            AddressType::Private => "P",
            AddressType::Invoice => "I",
            AddressType::Shadow => "S",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        match raw {
            "P" => Ok(AddressType::Private),
            "I" => Ok(AddressType::Invoice),
            "S" => Ok(AddressType::Shadow),
            _ => Err(
                FieldError::new(field, Problem::NotAllowed, format!("{field} must be 'P', 'I' or 'S'")).rejecting(raw),
            ),
        }
    }
}

/// What a client gives for an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddressDetails {
    pub town: String,
    pub post_code: Option<String>,
    pub country: Country,
    pub kind: AddressType,
    pub verified_at: Option<DateTime<Utc>>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
}

/// A Norwegian post code is exactly four digits; other countries' are only bounded in length.
pub fn check_post_code(field: &str, country: &Country, post_code: &str) -> Result<(), FieldError> {
    if country == &Country::norway() && !(post_code.len() == 4 && post_code.bytes().all(|c| c.is_ascii_digit())) {
        return Err(
            FieldError::new(field, Problem::Format, "a Norwegian postCode is exactly 4 digits").rejecting(post_code),
        );
    }
    Ok(())
}

/// A post code as searches compare it: upper-cased, without white space, so "sw1a 1aa" finds
/// "SW1A 1AA" and "111 22" finds "11122".
pub fn post_code_key(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress {
    pub id: ItemId,
    pub details: PostalAddressDetails,
    pub created_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

impl PostalAddress {
    pub fn new(details: PostalAddressDetails, now: DateTime<Utc>) -> Self {
        Self::create(details, ItemId::generate(), now)
    }

    /// For the `postCode` search parameter: `wanted` in [`post_code_key`] form.
    pub fn has_post_code(&self, wanted: &str) -> bool {
        self.details
            .post_code
            .as_deref()
            .is_some_and(|c| post_code_key(c) == wanted)
    }

    /// For the `postalAddress` search parameter: part of any address line, ignoring case.
    pub fn has_line(&self, wanted: &str) -> bool {
        [&self.details.address_line1, &self.details.address_line2]
            .into_iter()
            .flatten()
            .any(|l| l.to_lowercase().contains(wanted))
    }
}

impl ListedItem for PostalAddress {
    type Details = PostalAddressDetails;
    const LIST: Listed = Listed::PostalAddresses;
    const MAX: usize = 10;
    const MISSING: Missing = Missing::PostalAddress;

    fn id(&self) -> ItemId {
        self.id
    }

    fn list(customer: &Customer) -> &[Self] {
        &customer.postal_addresses
    }

    fn list_mut(customer: &mut Customer) -> &mut Vec<Self> {
        &mut customer.postal_addresses
    }

    fn create(details: PostalAddressDetails, id: ItemId, now: DateTime<Utc>) -> Self {
        Self {
            id,
            details,
            created_at: now,
            changed_at: now,
        }
    }

    fn replaced(&self, details: PostalAddressDetails, now: DateTime<Utc>) -> Self {
        Self {
            id: self.id,
            details,
            created_at: self.created_at,
            changed_at: now,
        }
    }
}

/// A profile's postal addresses.
pub type AddressBook = ProfileList<PostalAddress>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_post_codes_have_four_digits() {
        let norway = Country::norway();
        assert!(check_post_code("postCode", &norway, "0150").is_ok());
        for bad in ["150", "01500", "01a0"] {
            assert!(check_post_code("postCode", &norway, bad).is_err(), "{bad}");
        }
        let sweden = Country::parse("c", "SWE").unwrap_or_else(|_| Country::norway());
        assert!(check_post_code("postCode", &sweden, "111 22").is_ok());
        assert!(AddressType::parse("t", "X").is_err());
    }
}
