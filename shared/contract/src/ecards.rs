//! Ecards on the wire.

use chrono::{DateTime, Utc};
use customers_domain::ecards::{Ecard, EcardDetails, NAME, OPERATOR, check_dates, parse_number16};
use customers_domain::problems::{FieldError, Problem, Problems};
use customers_domain::values::{CustomerNumber, format_instant, parse_instant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ---------------------------------------------------------------- ecards

/// An ecard connected to a customer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EcardOwnershipRequest {
    /// Ecard number.
    #[serde(default, deserialize_with = "crate::integers::optional")]
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

impl EcardOwnershipRequest {
    pub fn details(&self, now: DateTime<Utc>) -> Result<EcardDetails, Vec<FieldError>> {
        let mut p = Problems::new();
        let number = match self.ecard_number {
            None => {
                p.push(FieldError::new(
                    "ecardNumber",
                    Problem::Required,
                    "ecardNumber is required",
                ));
                None
            }
            Some(n) if n <= 0 => {
                p.push(FieldError::new("ecardNumber", Problem::Format, "ecardNumber must be positive").rejecting(n));
                None
            }
            Some(n) => Some(n),
        };
        let operator = p
            .required("ecardOperator", self.ecard_operator.as_deref())
            .and_then(|o| p.take(OPERATOR.parse("ecardOperator", o)));
        let digits = p
            .required("ecardNumber16digits", self.ecard_number16digits.as_deref())
            .and_then(|d| p.take(parse_number16("ecardNumber16digits", d)));
        let date = |p: &mut Problems, field: &str, raw: &Option<String>| {
            p.take_opt(raw.as_deref().map(|v| parse_instant(field, v)))
        };
        let start_of_ownership = date(&mut p, "startOfOwnership", &self.start_of_ownership);
        let end_of_ownership = date(&mut p, "endOfOwnership", &self.end_of_ownership);
        let booking_date = date(&mut p, "bookingDate", &self.booking_date);
        let shipping_date = date(&mut p, "shippingDate", &self.shipping_date);
        let expiration_date = date(&mut p, "expirationDate", &self.expiration_date);
        let ecard_name = p
            .take(NAME.parse_opt("ecardName", self.ecard_name.as_deref()))
            .flatten();
        let parsed = (|| {
            Some(EcardDetails {
                ecard_number: number?,
                ecard_operator: operator?,
                ecard_number16digits: digits?,
                ecard_name,
                start_of_ownership,
                end_of_ownership,
                booking_date,
                shipping_date,
                expiration_date,
            })
        })();
        if let Some(details) = &parsed {
            p.extend(check_dates(details, now));
        }
        p.finish(parsed)
    }
}

impl EcardOwnershipResponse {
    pub fn of(e: &Ecard, customer: CustomerNumber) -> Self {
        let d = &e.details;
        let t = |d: &Option<DateTime<Utc>>| d.as_ref().map(format_instant);
        Self {
            id: e.id.value(),
            changed_at: format_instant(&e.changed_at),
            created_at: format_instant(&e.created_at),
            ecard_number: d.ecard_number,
            ecard_operator: d.ecard_operator.clone(),
            start_of_ownership: format_instant(&e.start_of_ownership()),
            ecard_number16digits: d.ecard_number16digits.clone(),
            ecard_name: d.ecard_name.clone(),
            booking_date: t(&d.booking_date),
            shipping_date: t(&d.shipping_date),
            end_of_ownership: t(&d.end_of_ownership),
            expiration_date: t(&d.expiration_date),
            customer_id: customer.value(),
        }
    }
}
