//! Postal addresses on the wire.

use customers_domain::addresses::{
    ADDRESS_LINE, AddressType, POST_CODE, PostalAddress, PostalAddressDetails, TOWN, check_post_code,
};
use customers_domain::problems::{FieldError, Problems};
use customers_domain::values::{Country, CustomerNumber, ItemId, format_instant, parse_instant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ---------------------------------------------------------------- postal addresses

/// A postal address.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddressRequest {
    /// The address post town. Will be required
    pub town: Option<String>,
    /// The address post code. Only 4 digits for Norwegian addresses.
    pub post_code: Option<String>,
    /// The address country code. ISO 3166-1 alpha-3 format
    pub country_code: Option<String>,
    /// The type of address. Types supported: 'P' = Private, 'I' = Invoice, 'S' = Shadow.
    pub type_of_address: Option<String>,
    /// Unique id for postal address. Used when updating a full customer, to identify which of the addresses to update. Otherwise ignored.
    #[serde(default, deserialize_with = "crate::integers::optional")]
    pub id: Option<i64>,
    /// When the address was verified. ISO 8601 date format
    pub verified_at: Option<String>,
    /// Address line 1.
    pub address_line1: Option<String>,
    /// Address line 2, often used for c/o information.
    pub address_line2: Option<String>,
}

/// A postal address as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddressResponse {
    /// Postal address id.
    pub id: i64,
    /// The address post town.
    pub town: String,
    /// The address post code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_code: Option<String>,
    /// When the postal address was last changed. ISO 8601 date format
    pub changed_at: String,
    /// When the postal address was created. ISO 8601 date format
    pub created_at: String,
    /// The customer connected to the address.
    pub customer_id: i64,
    /// The address country code. ISO 3166-1 alpha-3 format
    pub country_code: String,
    /// The type of address. Types supported: 'P' = Private, 'I' = Invoice, 'S' = Shadow.
    pub type_of_address: String,
    /// When the address was verified. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<String>,
    /// Address line 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    /// Address line 2, often used for c/o information.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
}

impl PostalAddressRequest {
    /// The address's details: country NOR and type P unless given.
    pub fn details(&self) -> Result<PostalAddressDetails, Vec<FieldError>> {
        let mut p = Problems::new();
        let town = p
            .required("town", self.town.as_deref())
            .and_then(|t| p.take(TOWN.parse("town", t)));
        let country = match self.country_code.as_deref() {
            None => Some(Country::norway()),
            Some(c) => p.take(Country::parse("countryCode", c)),
        };
        let post_code = p
            .take(POST_CODE.parse_opt("postCode", self.post_code.as_deref()))
            .flatten();
        if let (Some(country), Some(code)) = (&country, &post_code) {
            p.take(check_post_code("postCode", country, code));
        }
        let kind = match self.type_of_address.as_deref() {
            None => Some(AddressType::Private),
            Some(t) => p.take(AddressType::parse("typeOfAddress", t)),
        };
        let verified_at = p.take_opt(self.verified_at.as_deref().map(|v| parse_instant("verifiedAt", v)));
        // Read only in a whole profile's update, but held to its rule wherever it is sent.
        p.take_opt(self.id.map(|id| ItemId::parse("id", id)));
        let address_line1 = p
            .take(ADDRESS_LINE.parse_opt("addressLine1", self.address_line1.as_deref()))
            .flatten();
        let address_line2 = p
            .take(ADDRESS_LINE.parse_opt("addressLine2", self.address_line2.as_deref()))
            .flatten();
        let parsed = (|| {
            Some(PostalAddressDetails {
                town: town?,
                post_code,
                country: country?,
                kind: kind?,
                verified_at,
                address_line1,
                address_line2,
            })
        })();
        p.finish(parsed)
    }
}

impl PostalAddressResponse {
    pub fn of(a: &PostalAddress, customer: CustomerNumber) -> Self {
        let d = &a.details;
        Self {
            id: a.id.value(),
            town: d.town.clone(),
            post_code: d.post_code.clone(),
            changed_at: format_instant(&a.changed_at),
            created_at: format_instant(&a.created_at),
            customer_id: customer.value(),
            country_code: d.country.to_string(),
            type_of_address: d.kind.code().to_string(),
            verified_at: d.verified_at.as_ref().map(format_instant),
            address_line1: d.address_line1.clone(),
            address_line2: d.address_line2.clone(),
        }
    }
}
