//! What hangs off a profile: postal addresses, customer accounts (account-based ticketing),
//! chosen preferences, ecards and notes. They are kept with the profile itself, as bounded
//! lists, so one read returns a profile with everything under it, one conditional write changes
//! them atomically with the profile's version, and they expire with it.

use crate::time::{format_timestamp, timestamp};
use crate::validation::{ErrorCode, FieldError, Problems};
use crate::values::{Actor, CustomerNumber, parse_instant};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many of each a profile may have: bounded so a profile stays one small item.
pub const MAX_ADDRESSES: usize = 10;
pub const MAX_ACCOUNTS: usize = 20;
pub const MAX_PREFERENCES: usize = 50;
pub const MAX_ECARDS: usize = 20;
pub const MAX_NOTES: usize = 50;

/// A new random id: positive, 53 bits (safe in JSON numbers everywhere).
pub fn new_id() -> i64 {
    use rand::Rng;
    rand::rng().random_range(1..(1i64 << 53))
}

fn bounded(problems: &mut Problems, field: &str, value: Option<&str>, max: usize) -> Option<String> {
    let v = value?.trim();
    if v.chars().count() > max {
        problems.push(
            FieldError::new(
                field,
                ErrorCode::Length,
                format!("{field} must be at most {max} characters"),
            )
            .rejecting(v),
        );
        return None;
    }
    Some(v.to_string())
}

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
    pub id: Option<i64>,
    /// When the address was verified. ISO 8601 date format
    pub verified_at: Option<String>,
    /// Address line 1.
    pub address_line1: Option<String>,
    /// Address line 2, often used for c/o information.
    pub address_line2: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    pub id: i64,
    pub town: String,
    pub post_code: Option<String>,
    pub country_code: String,
    pub type_of_address: String,
    #[serde(default, with = "timestamp::option")]
    pub verified_at: Option<DateTime<Utc>>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    #[serde(with = "timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "timestamp")]
    pub changed_at: DateTime<Utc>,
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

impl PostalAddress {
    /// Parses a request into an address with `id`, keeping `created_at` when it replaces one.
    pub fn parse(
        request: &PostalAddressRequest,
        id: i64,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut p = Problems::new();
        let town = p
            .required("town", request.town.as_deref())
            .and_then(|t| bounded(&mut p, "town", Some(t), 100));
        let country = match request.country_code.as_deref() {
            None => Some("NOR".to_string()),
            Some(c) => p.take(crate::values::Nationality::parse("countryCode", c).map(|n| n.to_string())),
        };
        let post_code = bounded(&mut p, "postCode", request.post_code.as_deref(), 20);
        if country.as_deref() == Some("NOR")
            && let Some(code) = &post_code
            && !(code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()))
        {
            p.push(
                FieldError::new(
                    "postCode",
                    ErrorCode::Format,
                    "a Norwegian postCode is exactly 4 digits",
                )
                .rejecting(code),
            );
        }
        let type_of_address = match request.type_of_address.as_deref().map(str::trim) {
            None => Some("P".to_string()),
            Some(t @ ("P" | "I" | "S")) => Some(t.to_string()),
            Some(other) => {
                p.push(
                    FieldError::new(
                        "typeOfAddress",
                        ErrorCode::NotAllowed,
                        "typeOfAddress must be 'P', 'I' or 'S'",
                    )
                    .rejecting(other),
                );
                None
            }
        };
        let verified_at = p.take_opt(request.verified_at.as_deref().map(|v| parse_instant("verifiedAt", v)));
        let line1 = bounded(&mut p, "addressLine1", request.address_line1.as_deref(), 100);
        let line2 = bounded(&mut p, "addressLine2", request.address_line2.as_deref(), 100);
        match (p.is_empty(), town, country, type_of_address) {
            (true, Some(town), Some(country_code), Some(type_of_address)) => Ok(Self {
                id,
                town,
                post_code,
                country_code,
                type_of_address,
                verified_at,
                address_line1: line1,
                address_line2: line2,
                created_at,
                changed_at: now,
            }),
            _ => Err(p.into_errors()),
        }
    }

    pub fn to_response(&self, customer: CustomerNumber) -> PostalAddressResponse {
        PostalAddressResponse {
            id: self.id,
            town: self.town.clone(),
            post_code: self.post_code.clone(),
            changed_at: format_timestamp(&self.changed_at),
            created_at: format_timestamp(&self.created_at),
            customer_id: customer.value(),
            country_code: self.country_code.clone(),
            type_of_address: self.type_of_address.clone(),
            verified_at: self.verified_at.as_ref().map(format_timestamp),
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone(),
        }
    }

    /// For the `postalAddress` search parameter: any address line, ignoring case.
    pub fn has_line(&self, wanted: &str) -> bool {
        [&self.address_line1, &self.address_line2]
            .into_iter()
            .flatten()
            .any(|l| l.to_lowercase().contains(wanted))
    }
}

// ---------------------------------------------------------------- customer accounts

/// Create a new customer account.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAccountRequest {
    /// Customer account alias
    pub alias: Option<String>,
    /// Customer account id.
    pub account_id: Option<String>,
    /// True if account is default for customer. Default false. The first account of a customer is always its default.
    pub is_default: Option<bool>,
}

/// Fields a JSON Merge Patch (RFC 7396) may change.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerAccountPatchRequest {
    /// Customer account alias
    pub alias: Option<String>,
    /// True if account is the default account for the customer.
    pub is_default: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAccount {
    pub id: i64,
    pub account_id: String,
    pub alias: Option<String>,
    pub created_by: Actor,
    #[serde(with = "timestamp")]
    pub created_at: DateTime<Utc>,
    pub changed_by: Actor,
    #[serde(with = "timestamp")]
    pub changed_at: DateTime<Utc>,
}

/// A customer account as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAccountResponse {
    /// Customer account unique id.
    pub id: i64,
    /// When the customer account was created. ISO 8601 date format
    pub created_at: String,
    /// Who created the customer account.
    pub created_by: String,
    /// Unique customer number
    pub customer_number: i64,
    /// Customer account id string
    pub customer_account_id: String,
    /// Alias for the customer account
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// When the customer account was last changed. ISO 8601 date format
    pub changed_at: String,
    /// Who changed the customer account.
    pub changed_by: String,
    /// True if the account is the default account for the customer
    pub is_default: bool,
}

/// An account id: 1 to 60 characters (as the deprecated customerAccountId).
pub fn parse_account_id(field: &str, raw: &str) -> Result<String, FieldError> {
    crate::values::LegacyCustomerAccountId::parse(field, raw).map(|a| a.to_string())
}

pub fn parse_alias(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim) {
        None => Ok(None),
        Some(a) if a.chars().count() > 100 => {
            Err(FieldError::new("alias", ErrorCode::Length, "alias must be at most 100 characters").rejecting(a))
        }
        Some(a) => Ok(Some(a.to_string())),
    }
}

impl CustomerAccount {
    pub fn to_response(&self, customer: CustomerNumber, default: Option<&str>) -> CustomerAccountResponse {
        CustomerAccountResponse {
            id: self.id,
            created_at: format_timestamp(&self.created_at),
            created_by: self.created_by.to_string(),
            customer_number: customer.value(),
            customer_account_id: self.account_id.clone(),
            alias: self.alias.clone(),
            changed_at: format_timestamp(&self.changed_at),
            changed_by: self.changed_by.to_string(),
            is_default: default == Some(self.account_id.as_str()),
        }
    }
}

// ---------------------------------------------------------------- preferences

/// A preference of the organisation's catalogue.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreferenceRequest {
    /// Whether the preference is active.
    pub is_active: Option<bool>,
    /// The preference code.
    pub preference_code: Option<String>,
    /// Type of preference.
    pub preference_type: Option<String>,
    /// A description of the preference.
    pub preference_description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preference {
    pub id: i64,
    pub organisation_id: i64,
    pub is_active: bool,
    pub preference_code: String,
    pub preference_type: Option<String>,
    pub preference_description: Option<String>,
    #[serde(with = "timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "timestamp")]
    pub changed_at: DateTime<Utc>,
    pub version: u64,
}

/// A preference as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreferenceResponse {
    /// Preference id.
    pub id: i64,
    /// Whether the preference is active.
    pub is_active: bool,
    /// When the preference was last changed. ISO 8601 date format
    pub changed_at: String,
    /// When the preference was created. ISO 8601 date format
    pub created_at: String,
    /// The preference code.
    pub preference_code: String,
    /// Type of preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preference_type: Option<String>,
    /// A description of the preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preference_description: Option<String>,
}

impl Preference {
    pub fn parse(
        request: &PreferenceRequest,
        id: i64,
        organisation_id: i64,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
        version: u64,
    ) -> Result<Self, Vec<FieldError>> {
        let mut p = Problems::new();
        let code = p
            .required("preferenceCode", request.preference_code.as_deref())
            .and_then(|c| bounded(&mut p, "preferenceCode", Some(c), 50));
        if code.as_deref() == Some("") {
            p.push(FieldError::new(
                "preferenceCode",
                ErrorCode::Required,
                "preferenceCode must not be blank",
            ));
        }
        let kind = bounded(&mut p, "preferenceType", request.preference_type.as_deref(), 50);
        let description = bounded(
            &mut p,
            "preferenceDescription",
            request.preference_description.as_deref(),
            500,
        );
        match (p.is_empty(), code) {
            (true, Some(preference_code)) => Ok(Self {
                id,
                organisation_id,
                is_active: request.is_active.unwrap_or(true),
                preference_code,
                preference_type: kind,
                preference_description: description,
                created_at,
                changed_at: now,
                version,
            }),
            _ => Err(p.into_errors()),
        }
    }

    pub fn to_response(&self) -> PreferenceResponse {
        PreferenceResponse {
            id: self.id,
            is_active: self.is_active,
            changed_at: format_timestamp(&self.changed_at),
            created_at: format_timestamp(&self.created_at),
            preference_code: self.preference_code.clone(),
            preference_type: self.preference_type.clone(),
            preference_description: self.preference_description.clone(),
        }
    }
}

/// A customer's choice of a preference.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPreferenceRequest {
    /// Id of the preference
    pub preference_id: Option<i64>,
    /// Value of the preference. This can be things like membership number.
    pub preference_value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChosenPreference {
    pub preference_id: i64,
    pub preference_value: Option<String>,
    #[serde(with = "timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "timestamp")]
    pub changed_at: DateTime<Utc>,
}

/// A customer's preference as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPreferenceResponse {
    /// Id of the preference
    pub preference_id: i64,
    /// Value of the preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preference_value: Option<String>,
    /// When the customer preference was created. ISO 8601 date format
    pub created_at: String,
    /// When the customer preference was last changed. ISO 8601 date format
    pub changed_at: String,
    /// Id of the customer. Deprecated
    pub customer_id: i64,
}

impl ChosenPreference {
    pub fn parse(
        request: &CustomerPreferenceRequest,
        created_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut p = Problems::new();
        let id = match request.preference_id {
            None => {
                p.push(FieldError::new(
                    "preferenceId",
                    ErrorCode::Required,
                    "preferenceId is required",
                ));
                None
            }
            Some(n) if n <= 0 => {
                p.push(
                    FieldError::new("preferenceId", ErrorCode::Format, "preferenceId must be positive").rejecting(n),
                );
                None
            }
            Some(n) => Some(n),
        };
        let value = bounded(&mut p, "preferenceValue", request.preference_value.as_deref(), 200);
        match (p.is_empty(), id) {
            (true, Some(preference_id)) => Ok(Self {
                preference_id,
                preference_value: value,
                created_at: created_at.unwrap_or(now),
                changed_at: now,
            }),
            _ => Err(p.into_errors()),
        }
    }

    pub fn to_response(&self, customer: CustomerNumber) -> CustomerPreferenceResponse {
        CustomerPreferenceResponse {
            preference_id: self.preference_id,
            preference_value: self.preference_value.clone(),
            created_at: format_timestamp(&self.created_at),
            changed_at: format_timestamp(&self.changed_at),
            customer_id: customer.value(),
        }
    }
}

// ---------------------------------------------------------------- ecards

/// An ecard connected to a customer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EcardOwnershipRequest {
    /// Ecard number.
    pub ecard_number: Option<i64>,
    /// Ecard operator.
    pub ecard_operator: Option<String>,
    /// When the ecard was first connected to the customer. ISO 8601 date format
    pub start_of_ownership: Option<String>,
    /// Customer defined ecard alias.
    pub ecard_name: Option<String>,
    /// When the physical ecard was booked. ISO 8601 date format
    pub booking_date: Option<String>,
    /// When the physical ecard was shipped to the customer. ISO 8601 date format
    pub shipping_date: Option<String>,
    /// When the customer removed the ecard connection. ISO 8601 date format
    pub end_of_ownership: Option<String>,
    /// When the physical ecard expires. ISO 8601 date format
    pub expiration_date: Option<String>,
    /// The 16 digit ecard number. A combination of ecardNumber, ecardOperator and control digit.
    pub ecard_number16digits: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ecard {
    pub id: i64,
    pub ecard_number: i64,
    pub ecard_operator: String,
    pub ecard_number16digits: String,
    pub ecard_name: Option<String>,
    #[serde(with = "timestamp")]
    pub start_of_ownership: DateTime<Utc>,
    #[serde(default, with = "timestamp::option")]
    pub end_of_ownership: Option<DateTime<Utc>>,
    #[serde(default, with = "timestamp::option")]
    pub booking_date: Option<DateTime<Utc>>,
    #[serde(default, with = "timestamp::option")]
    pub shipping_date: Option<DateTime<Utc>>,
    #[serde(default, with = "timestamp::option")]
    pub expiration_date: Option<DateTime<Utc>>,
    #[serde(with = "timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "timestamp")]
    pub changed_at: DateTime<Utc>,
}

/// An ecard as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EcardOwnershipResponse {
    /// Ecard id.
    pub id: i64,
    /// When the ecard was last changed. ISO 8601 date format
    pub changed_at: String,
    /// When the ecard was created. ISO 8601 date format
    pub created_at: String,
    /// Ecard number.
    pub ecard_number: i64,
    /// Ecard operator.
    pub ecard_operator: String,
    /// When the ecard was first connected to the customer. ISO 8601 date format
    pub start_of_ownership: String,
    /// The 16 digit ecard number.
    pub ecard_number16digits: String,
    /// Customer defined ecard alias.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecard_name: Option<String>,
    /// When the physical ecard was booked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_date: Option<String>,
    /// When the physical ecard was shipped to the customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_date: Option<String>,
    /// When the customer removed the ecard connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_of_ownership: Option<String>,
    /// When the physical ecard expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<String>,
    /// The customer connected to the ecard. Deprecated
    pub customer_id: i64,
}

impl Ecard {
    pub fn parse(
        request: &EcardOwnershipRequest,
        id: i64,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut p = Problems::new();
        let number = match request.ecard_number {
            None => {
                p.push(FieldError::new(
                    "ecardNumber",
                    ErrorCode::Required,
                    "ecardNumber is required",
                ));
                None
            }
            Some(n) if n <= 0 => {
                p.push(FieldError::new("ecardNumber", ErrorCode::Format, "ecardNumber must be positive").rejecting(n));
                None
            }
            Some(n) => Some(n),
        };
        let operator = p
            .required("ecardOperator", request.ecard_operator.as_deref())
            .and_then(|o| bounded(&mut p, "ecardOperator", Some(o), 50));
        let digits = p
            .required("ecardNumber16digits", request.ecard_number16digits.as_deref())
            .map(str::trim);
        if let Some(d) = digits
            && !(d.len() == 16 && d.chars().all(|c| c.is_ascii_digit()))
        {
            p.push(
                FieldError::new(
                    "ecardNumber16digits",
                    ErrorCode::Format,
                    "ecardNumber16digits must be exactly 16 digits",
                )
                .rejecting(d),
            );
        }
        let date = |p: &mut Problems, field: &str, raw: &Option<String>| {
            p.take_opt(raw.as_deref().map(|v| parse_instant(field, v)))
        };
        let start = date(&mut p, "startOfOwnership", &request.start_of_ownership).unwrap_or(now);
        let end = date(&mut p, "endOfOwnership", &request.end_of_ownership);
        let booking = date(&mut p, "bookingDate", &request.booking_date);
        let shipping = date(&mut p, "shippingDate", &request.shipping_date);
        let expiration = date(&mut p, "expirationDate", &request.expiration_date);
        if end.is_some_and(|e| e < start) {
            p.push(FieldError::new(
                "endOfOwnership",
                ErrorCode::NotAllowed,
                "endOfOwnership must not be before startOfOwnership",
            ));
        }
        if let (Some(b), Some(s)) = (booking, shipping)
            && s < b
        {
            p.push(FieldError::new(
                "shippingDate",
                ErrorCode::NotAllowed,
                "shippingDate must not be before bookingDate",
            ));
        }
        let name = bounded(&mut p, "ecardName", request.ecard_name.as_deref(), 100);
        match (p.is_empty(), number, operator, digits) {
            (true, Some(ecard_number), Some(ecard_operator), Some(d)) => Ok(Self {
                id,
                ecard_number,
                ecard_operator,
                ecard_number16digits: d.to_string(),
                ecard_name: name,
                start_of_ownership: start,
                end_of_ownership: end,
                booking_date: booking,
                shipping_date: shipping,
                expiration_date: expiration,
                created_at,
                changed_at: now,
            }),
            _ => Err(p.into_errors()),
        }
    }

    pub fn to_response(&self, customer: CustomerNumber) -> EcardOwnershipResponse {
        let t = |d: &Option<DateTime<Utc>>| d.as_ref().map(format_timestamp);
        EcardOwnershipResponse {
            id: self.id,
            changed_at: format_timestamp(&self.changed_at),
            created_at: format_timestamp(&self.created_at),
            ecard_number: self.ecard_number,
            ecard_operator: self.ecard_operator.clone(),
            start_of_ownership: format_timestamp(&self.start_of_ownership),
            ecard_number16digits: self.ecard_number16digits.clone(),
            ecard_name: self.ecard_name.clone(),
            booking_date: t(&self.booking_date),
            shipping_date: t(&self.shipping_date),
            end_of_ownership: t(&self.end_of_ownership),
            expiration_date: t(&self.expiration_date),
            customer_id: customer.value(),
        }
    }
}

// ---------------------------------------------------------------- notes

/// A customer-service note (deprecated in the contract, kept for compatibility).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteRequest {
    /// Note content.
    pub text: Option<String>,
    /// Who wrote the note.
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: i64,
    pub text: String,
    pub created_by: Actor,
    #[serde(with = "timestamp")]
    pub created_at: DateTime<Utc>,
}

/// A note as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteResponse {
    /// Note id.
    pub id: i64,
    /// Note content.
    pub text: String,
    /// When the note was last changed. ISO 8601 date format
    pub changed_at: String,
    /// Who last changed the note.
    pub changed_by: String,
    /// When the note was created. ISO 8601 date format
    pub created_at: String,
    /// Who created the note.
    pub created_by: String,
    /// Id of the customer connected to the note.
    pub customer_id: i64,
}

impl Note {
    pub fn parse(request: &NoteRequest, id: i64, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let mut p = Problems::new();
        let text = p
            .required("text", request.text.as_deref())
            .and_then(|t| bounded(&mut p, "text", Some(t), 2000));
        if text.as_deref() == Some("") {
            p.push(FieldError::new("text", ErrorCode::Required, "text must not be blank"));
        }
        let by = p
            .required("createdBy", request.created_by.as_deref())
            .and_then(|b| p.take(Actor::parse("createdBy", b)));
        match (p.is_empty(), text, by) {
            (true, Some(text), Some(created_by)) => Ok(Self {
                id,
                text,
                created_by,
                created_at: now,
            }),
            _ => Err(p.into_errors()),
        }
    }

    pub fn to_response(&self, customer: CustomerNumber) -> NoteResponse {
        NoteResponse {
            id: self.id,
            text: self.text.clone(),
            changed_at: format_timestamp(&self.created_at),
            changed_by: self.created_by.to_string(),
            created_at: format_timestamp(&self.created_at),
            created_by: self.created_by.to_string(),
            customer_id: customer.value(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    #[test]
    fn norwegian_post_codes_have_four_digits_and_types_are_p_i_s() {
        let ok = PostalAddressRequest {
            town: Some("Oslo".into()),
            post_code: Some("0150".into()),
            ..Default::default()
        };
        assert!(PostalAddress::parse(&ok, 1, now(), now()).is_ok());
        for (code, country) in [("150", None), ("01500", None), ("01a0", Some("NOR"))] {
            let bad = PostalAddressRequest {
                town: Some("Oslo".into()),
                post_code: Some(code.into()),
                country_code: country.map(Into::into),
                ..Default::default()
            };
            assert!(PostalAddress::parse(&bad, 1, now(), now()).is_err(), "{code}");
        }
        let swedish = PostalAddressRequest {
            town: Some("Stockholm".into()),
            post_code: Some("111 22".into()),
            country_code: Some("SWE".into()),
            ..Default::default()
        };
        assert!(PostalAddress::parse(&swedish, 1, now(), now()).is_ok());
        let bad_type = PostalAddressRequest {
            town: Some("Oslo".into()),
            type_of_address: Some("X".into()),
            ..Default::default()
        };
        assert!(PostalAddress::parse(&bad_type, 1, now(), now()).is_err());
        let bad_country = PostalAddressRequest {
            town: Some("Oslo".into()),
            country_code: Some("NO".into()),
            ..Default::default()
        };
        assert!(PostalAddress::parse(&bad_country, 1, now(), now()).is_err());
    }

    #[test]
    fn ecards_have_sixteen_digits_and_ordered_ownership() {
        let good = EcardOwnershipRequest {
            ecard_number: Some(1234),
            ecard_operator: Some("RUT".into()),
            ecard_number16digits: Some("1234567890123456".into()),
            start_of_ownership: Some("2026-01-01".into()),
            end_of_ownership: Some("2026-06-01".into()),
            ..Default::default()
        };
        assert!(Ecard::parse(&good, 1, now(), now()).is_ok());
        let short = EcardOwnershipRequest {
            ecard_number16digits: Some("123".into()),
            ..good.clone()
        };
        assert!(Ecard::parse(&short, 1, now(), now()).is_err());
        let backwards = EcardOwnershipRequest {
            end_of_ownership: Some("2025-01-01".into()),
            ..good.clone()
        };
        assert!(Ecard::parse(&backwards, 1, now(), now()).is_err());
    }
}
