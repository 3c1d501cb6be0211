//! Idempotent creation: a retried create with the same key answers what the first answered.

use crate::customer::Customer;
use crate::problems::{FieldError, Problem};
use chrono::{DateTime, Duration, Utc};

/// How long a key is remembered.
pub fn record_lifetime() -> Duration {
    Duration::hours(24)
}

/// A client-chosen key: 1 to 255 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let ok = !raw.is_empty() && raw.len() <= 255 && raw.bytes().all(|b| (0x21..=0x7e).contains(&b));
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(FieldError::new(
                field,
                Problem::Format,
                format!("{field} must be 1 to 255 printable ASCII characters without spaces"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What identifies a request's content (made by whoever reads the request: a digest of what was
/// sent, the password left out). Two requests with the same key must have the same fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFingerprint(pub String);

/// What a create with a key did, kept for [`record_lifetime`].
#[derive(Debug, Clone, PartialEq)]
pub struct IdempotencyRecord {
    pub fingerprint: RequestFingerprint,
    /// Whether the request carried a password; it is compared by verifying against the stored
    /// hash, never by keeping the password or a fast hash of it.
    pub has_password: bool,
    /// The profile as the create made it: a replay answers with exactly this.
    pub created: Customer,
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_bounded_printable_ascii() {
        assert!(IdempotencyKey::parse("k", "3f0c-11ee").is_ok());
        assert!(IdempotencyKey::parse("k", "").is_err());
        assert!(IdempotencyKey::parse("k", "has space").is_err());
        assert!(IdempotencyKey::parse("k", &"k".repeat(256)).is_err());
    }
}
