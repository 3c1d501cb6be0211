//! Ecards (travel cards) connected to a profile.

use crate::customer::{Customer, ProfileType};
use crate::error::{Action, DomainError, Listed, Missing, Refusal};
use crate::listed::{ListedItem, ProfileList};
use crate::problems::{FieldError, Problem};
use crate::values::{ItemId, TextRule};
use chrono::{DateTime, Utc};

pub const OPERATOR: TextRule = TextRule::line(1, 50);
pub const NAME: TextRule = TextRule::line(0, 100);

/// What a client gives for an ecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcardDetails {
    pub ecard_number: i64,
    pub ecard_operator: String,
    pub ecard_number16digits: String,
    pub ecard_name: Option<String>,
    pub start_of_ownership: Option<DateTime<Utc>>,
    pub end_of_ownership: Option<DateTime<Utc>>,
    pub booking_date: Option<DateTime<Utc>>,
    pub shipping_date: Option<DateTime<Utc>>,
    pub expiration_date: Option<DateTime<Utc>>,
}

/// "The 16 digit ecard number": exactly sixteen digits.
pub fn parse_number16(field: &str, raw: &str) -> Result<String, FieldError> {
    let digits = raw;
    if digits.len() == 16 && digits.bytes().all(|c| c.is_ascii_digit()) {
        Ok(digits.to_string())
    } else {
        Err(FieldError::new(field, Problem::Format, format!("{field} must be exactly 16 digits")).rejecting(digits))
    }
}

/// The ownership and shipping dates in order.
pub fn check_dates(details: &EcardDetails, now: DateTime<Utc>) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let start = details.start_of_ownership.unwrap_or(now);
    if details.end_of_ownership.is_some_and(|e| e < start) {
        problems.push(FieldError::new(
            "endOfOwnership",
            Problem::NotAllowed,
            "endOfOwnership must not be before startOfOwnership",
        ));
    }
    if let (Some(b), Some(s)) = (details.booking_date, details.shipping_date)
        && s < b
    {
        problems.push(FieldError::new(
            "shippingDate",
            Problem::NotAllowed,
            "shippingDate must not be before bookingDate",
        ));
    }
    problems
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ecard {
    pub id: ItemId,
    pub details: EcardDetails,
    pub created_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

impl Ecard {
    /// When it was connected: as the client said, else when it was added.
    pub fn start_of_ownership(&self) -> DateTime<Utc> {
        self.details.start_of_ownership.unwrap_or(self.created_at)
    }
}

/// The details with the start of ownership settled.
fn settled(mut details: EcardDetails, now: DateTime<Utc>) -> EcardDetails {
    details.start_of_ownership = Some(details.start_of_ownership.unwrap_or(now));
    details
}

impl ListedItem for Ecard {
    type Details = EcardDetails;
    const LIST: Listed = Listed::Ecards;
    const MAX: usize = 20;
    const MISSING: Missing = Missing::Ecard;

    fn id(&self) -> ItemId {
        self.id
    }

    fn list(customer: &Customer) -> &[Self] {
        &customer.ecards
    }

    fn list_mut(customer: &mut Customer) -> &mut Vec<Self> {
        &mut customer.ecards
    }

    fn create(details: EcardDetails, id: ItemId, now: DateTime<Utc>) -> Self {
        Self {
            id,
            details: settled(details, now),
            created_at: now,
            changed_at: now,
        }
    }

    fn replaced(&self, details: EcardDetails, now: DateTime<Utc>) -> Self {
        Self {
            id: self.id,
            details: settled(details, now),
            created_at: self.created_at,
            changed_at: now,
        }
    }

    fn allowed_on(customer: &Customer) -> Result<(), DomainError> {
        if customer.profile_type == ProfileType::Temporary {
            return Err(DomainError::refused(Refusal::Temporary {
                number: customer.customer_number,
                action: Action::AddEcard,
            }));
        }
        Ok(())
    }
}

/// A profile's ecards.
pub type TravelCards = ProfileList<Ecard>;
