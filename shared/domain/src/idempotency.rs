//! Idempotent creation: a retried POST with the same Idempotency-Key answers the first answer.

use crate::validation::{ErrorCode, FieldError};
use crate::values::CustomerNumber;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A client-chosen key: 1 to 255 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let ok = !raw.is_empty() && raw.len() <= 255 && raw.bytes().all(|b| (0x21..=0x7e).contains(&b));
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(FieldError::new(
                "Idempotency-Key",
                ErrorCode::Header,
                "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a create answered, kept for 24 hours under its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyRecord {
    pub fingerprint: String,
    /// Whether the request carried a password; it is compared by verifying against the stored
    /// hash, never by keeping the password or a fast hash of it.
    pub has_password: bool,
    pub customer_number: CustomerNumber,
    pub status: u16,
    pub response: serde_json::Value,
    pub etag: String,
    /// Epoch seconds after which the record may be deleted.
    pub expires_at: i64,
}

pub const RECORD_LIFETIME_SECONDS: i64 = 24 * 60 * 60;

/// SHA-256 of the request with the password removed, over a canonical JSON form (serde_json
/// sorts object keys), so formatting and key order do not make a retry look different.
pub fn fingerprint(body: &serde_json::Value) -> String {
    let mut body = body.clone();
    if let Some(map) = body.as_object_mut() {
        map.remove("password");
    }
    let canonical = body.to_string();
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_key_order_and_password_but_not_content() {
        let a = serde_json::json!({"a": 1, "b": "x", "password": "one"});
        let b: serde_json::Value = serde_json::from_str(r#"{ "b":"x", "password":"two", "a":1 }"#).unwrap_or_default();
        let c = serde_json::json!({"a": 2, "b": "x"});
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }

    #[test]
    fn keys_are_bounded_printable_ascii() {
        assert!(IdempotencyKey::parse("3f0c-11ee").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
    }
}
