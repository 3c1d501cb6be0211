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

/// `If-Match`: `*` or a list of entity tags (RFC 9110 §13.1.1), nothing else. Weak tags never
/// match (strong comparison), and a tag that names no version of ours matches nothing: both
/// answer 412, as any tag the profile does not have.
pub fn if_match(value: Option<&str>) -> Result<Option<ExpectedVersion>, WireError> {
    // An empty field is an empty list (RFC 9110 §5.6.1): no precondition, as when absent.
    let Some(text) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if text == "*" {
        return Ok(Some(ExpectedVersion::Any));
    }
    let tags = entity_tags(text).ok_or_else(|| {
        WireError::bad_request(
            IF_MATCH,
            ErrorCode::Header,
            "If-Match must be * or a list of entity tags in double quotes, as the ETag header gives them",
        )
    })?;
    let versions = tags
        .into_iter()
        .filter(|(weak, _)| !weak)
        .filter_map(|(_, tag)| {
            tag.parse::<u64>()
                .ok()
                .filter(|_| tag.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter_map(|n| Version::parse(IF_MATCH, n).ok())
        .collect();
    Ok(Some(ExpectedVersion::OneOf(versions)))
}

/// `1#entity-tag`: `[W/]"<etagc>*"` separated by commas with optional spaces or tabs around
/// them; `etagc` is any visible ASCII but `"` (the schema's `IF_MATCH_PATTERN`). The tags as
/// (weak, opaque text).
fn entity_tags(text: &str) -> Option<Vec<(bool, &str)>> {
    let mut tags = Vec::new();
    let mut rest = text;
    loop {
        let weak = rest.starts_with("W/");
        let quoted = rest.strip_prefix("W/").unwrap_or(rest).strip_prefix('"')?;
        let end = quoted.find('"')?;
        let (tag, after) = quoted.split_at(end);
        if !tag.bytes().all(|b| b == b'!' || (b'#'..=b'~').contains(&b)) {
            return None;
        }
        tags.push((weak, tag));
        let after = after.strip_prefix('"')?;
        if after.is_empty() {
            return Some(tags);
        }
        rest = after
            .trim_start_matches([' ', '\t'])
            .strip_prefix(',')?
            .trim_start_matches([' ', '\t']);
    }
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
    use crate::schema::parameters::IF_MATCH_PATTERN;
    use proptest::prelude::*;

    proptest! {
        /// The parser accepts exactly what the document's pattern describes.
        #[test]
        fn if_match_reads_exactly_what_the_document_describes(
            text in r#"(W/)?"[!-~]{0,4}"([ \t]{0,2},[ \t]{0,2}(W/)?"[ -~]{0,3}"){0,2}[ ,x]?"#
        ) {
            let pattern = regex::Regex::new(IF_MATCH_PATTERN).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(if_match(Some(&text)).is_ok(), pattern.is_match(&text), "{:?}", text);
        }
    }

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
        assert_eq!(
            if_match(Some("\"a,b\" ,\t\"4\"")).ok(),
            Some(Some(ExpectedVersion::OneOf(vec![v(4)]))),
            "a comma inside a tag is part of it"
        );
        assert_eq!(
            if_match(Some("\"+2\"")).ok(),
            Some(Some(ExpectedVersion::OneOf(vec![])))
        );
        assert_eq!(if_match(Some("")).ok(), Some(None));
        for malformed in ["\"2\",", "\"2\" \"3\"", "W/2", "\"2", "\"2\" x", " \"2\"", "\"é\""] {
            assert!(if_match(Some(malformed)).is_err(), "{malformed:?}");
        }
    }
}
