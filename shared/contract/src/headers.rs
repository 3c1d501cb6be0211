//! Headers with meaning in the contract: `ETag` and `If-Match` (a profile's version), and
//! `Idempotency-Key` with the fingerprint of the request it was sent with.

use crate::errors::{ErrorCode, WireError};
use customers_domain::conditional::ExpectedVersion;
use customers_domain::profiles::{IdempotencyKey, Keyed, RequestFingerprint};
use customers_domain::values::Version;
use sha2::{Digest, Sha256};

pub const IF_MATCH: &str = "If-Match";
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// Set on an answer that repeats an earlier create's.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// A strong entity tag: `"<version>"`.
pub fn etag(version: Version) -> String {
    format!("\"{version}\"")
}

/// `If-Match`: `*` or a list of strong entity tags. Weak tags never match (RFC 9110 strong
/// comparison), and a tag that names no version of ours matches nothing.
pub fn if_match(value: Option<&str>) -> Result<Option<ExpectedVersion>, WireError> {
    let Some(text) = value.map(str::trim) else {
        return Ok(None);
    };
    if text == "*" {
        return Ok(Some(ExpectedVersion::Any));
    }
    let mut versions = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let strong = !part.starts_with("W/");
        let tag = part.trim_start_matches("W/");
        let Some(inner) = tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
            return Err(WireError::bad_request(
                IF_MATCH,
                ErrorCode::Header,
                "If-Match must be * or a list of entity tags in double quotes, as the ETag header gives them",
            ));
        };
        if strong
            && let Ok(n) = inner.parse::<u64>()
            && let Ok(v) = Version::parse(IF_MATCH, n)
        {
            versions.push(v);
        }
    }
    Ok(Some(ExpectedVersion::OneOf(versions)))
}

/// SHA-256 of the request with the password removed, over a canonical JSON form (serde_json
/// sorts object keys), so formatting and key order do not make a retry look different.
pub fn fingerprint(body: &serde_json::Value) -> RequestFingerprint {
    let mut body = body.clone();
    if let Some(map) = body.as_object_mut() {
        map.remove("password");
    }
    let digest = Sha256::digest(body.to_string().as_bytes());
    RequestFingerprint(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// `Idempotency-Key` with the request it came with.
pub fn idempotency(value: Option<&str>, body: &serde_json::Value) -> Result<Option<Keyed>, WireError> {
    let Some(text) = value else {
        return Ok(None);
    };
    let key = IdempotencyKey::parse(IDEMPOTENCY_KEY, text)
        .map_err(|e| WireError::bad_request(IDEMPOTENCY_KEY, ErrorCode::Header, e.message))?;
    Ok(Some(Keyed {
        key,
        fingerprint: fingerprint(body),
    }))
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
    fn if_match_takes_star_and_strong_tags_of_versions() {
        assert_eq!(if_match(None).ok(), Some(None));
        assert_eq!(if_match(Some("*")).ok(), Some(Some(ExpectedVersion::Any)));
        let v = |n| Version::parse("v", n).unwrap_or(Version::FIRST);
        assert_eq!(
            if_match(Some("\"2\", W/\"3\", \"abc\"")).ok(),
            Some(Some(ExpectedVersion::OneOf(vec![v(2)])))
        );
        assert!(if_match(Some("2")).is_err());
    }
}
