//! Identifiers: of organisations, profiles, what hangs off a profile, and versions.

use super::text::TextRule;
use crate::problems::{FieldError, Problem};
use rand::Rng;
use rand::distr::Alphanumeric;
use std::fmt;

fn positive(field: &str, raw: i64) -> Result<i64, FieldError> {
    if raw <= 0 {
        return Err(
            FieldError::new(field, Problem::Format, format!("{field} must be a positive number")).rejecting(raw),
        );
    }
    Ok(raw)
}

/// A whole number written as decimal digits only (no sign, no space), if it fits an int64.
fn digits(raw: &str) -> Option<i64> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// A positive whole number written as text (a path segment, a query parameter).
fn positive_text(field: &str, raw: &str) -> Result<i64, FieldError> {
    let n: i64 = digits(raw).ok_or(()).map_err(|_| {
        FieldError::new(
            field,
            Problem::Format,
            format!("{field} must be a whole number (int64)"),
        )
        .rejecting(raw)
    })?;
    positive(field, n)
}

/// The organisation (tenant) a profile belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrganisationId(i64);

impl OrganisationId {
    pub fn parse(field: &str, raw: i64) -> Result<Self, FieldError> {
        positive(field, raw).map(Self)
    }

    pub fn value(self) -> i64 {
        self.0
    }
}

impl fmt::Display for OrganisationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The service-assigned, unique int64 that identifies a profile everywhere in the sales system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerNumber(i64);

impl CustomerNumber {
    pub fn parse(field: &str, raw: i64) -> Result<Self, FieldError> {
        positive(field, raw).map(Self)
    }

    pub fn parse_text(field: &str, raw: &str) -> Result<Self, FieldError> {
        positive_text(field, raw).map(Self)
    }

    pub fn value(self) -> i64 {
        self.0
    }
}

impl fmt::Display for CustomerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// "A universal unique id for the customer. 32 random alphanumeric characters."
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerUuid(String);

impl CustomerUuid {
    pub fn generate() -> Self {
        Self(
            rand::rng()
                .sample_iter(&Alphanumeric)
                .take(32)
                .map(char::from)
                .collect(),
        )
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        if raw.len() == 32 && raw.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(Self(raw.to_string()))
        } else {
            Err(
                FieldError::new(field, Problem::Format, format!("{field} must be 32 letters and digits"))
                    .rejecting(raw),
            )
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomerUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The organisation's own reference for a customer: unique within the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerRef(String);

impl CustomerRef {
    pub const RULE: TextRule = TextRule::line(1, 40);

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        Self::RULE.parse(field, raw).map(Self)
    }

    /// "Defaults to customer number if not set".
    pub fn from_customer_number(number: CustomerNumber) -> Self {
        Self(number.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomerRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of something kept in a profile's lists (an address, an ecard, a note, an account) or
/// of a catalogue preference: positive and below 2^53, so it is exact in every JSON reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(i64);

impl ItemId {
    pub const MAX: i64 = (1 << 53) - 1;

    pub fn generate() -> Self {
        Self(rand::rng().random_range(1..=Self::MAX))
    }

    pub fn parse(field: &str, raw: i64) -> Result<Self, FieldError> {
        if (1..=Self::MAX).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(FieldError::new(
                field,
                Problem::Format,
                format!("{field} must be a whole number from 1 to {}", Self::MAX),
            )
            .rejecting(raw))
        }
    }

    /// A path segment: any text that is not such a number is refused the same way.
    pub fn parse_text(field: &str, raw: &str) -> Result<Self, FieldError> {
        match digits(raw) {
            Some(n) if (1..=Self::MAX).contains(&n) => Ok(Self(n)),
            _ => Err(FieldError::new(
                field,
                Problem::Format,
                format!("{field} must be a positive whole number"),
            )
            .rejecting(raw)),
        }
    }

    pub fn value(self) -> i64 {
        self.0
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A profile's version: one on creation, one more with every change. The ETag is made of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(u64);

impl Version {
    pub const FIRST: Version = Version(1);

    pub fn parse(field: &str, raw: u64) -> Result<Self, FieldError> {
        if raw == 0 || raw > i64::MAX as u64 {
            return Err(FieldError::new(field, Problem::Format, format!("{field} must be positive")).rejecting(raw));
        }
        Ok(Self(raw))
    }

    pub fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }

    pub fn value(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_positive_int64s() {
        assert!(CustomerNumber::parse("n", 1).is_ok());
        assert!(CustomerNumber::parse("n", 0).is_err());
        assert!(CustomerNumber::parse_text("n", "9223372036854775807").is_ok());
        assert!(CustomerNumber::parse_text("n", "9223372036854775808").is_err());
        assert!(CustomerNumber::parse_text("n", "-1").is_err());
        assert!(ItemId::parse("id", 1 << 53).is_err());
        assert!(ItemId::parse_text("id", "x").is_err());
    }

    #[test]
    fn uuids_are_32_random_alphanumerics() {
        let a = CustomerUuid::generate();
        assert!(CustomerUuid::parse("uuid", a.as_str()).is_ok());
        assert_ne!(a, CustomerUuid::generate());
        assert!(CustomerUuid::parse("uuid", "short").is_err());
    }

    #[test]
    fn customer_ref_is_taken_as_sent_and_bounded() {
        assert_eq!(
            CustomerRef::parse("customerRef", "a bc").map(|r| r.0),
            Ok("a bc".into())
        );
        assert_eq!(
            CustomerRef::parse("customerRef", "  abc ").map_err(|e| e.problem),
            Err(Problem::Format)
        );
        assert_eq!(
            CustomerRef::parse("customerRef", "  ").map_err(|e| e.problem),
            Err(Problem::Required)
        );
        assert!(CustomerRef::parse("customerRef", &"x".repeat(41)).is_err());
        assert!(CustomerRef::parse("customerRef", &"x".repeat(40)).is_ok());
    }
}
