//! Transcripts of answers for snapshot tests: status, the headers a client relies on, and the
//! body, with the values that differ from run to run (customer numbers, ids, organisations,
//! timestamps, correlation ids) replaced by stable placeholders. The same raw value always gets
//! the same placeholder, so a snapshot still shows which answers name the same profile.

use crate::app::TestResponse;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Headers whose values the contract promises; others (date, content-length) are left out.
const KEPT_HEADERS: [&str; 6] = [
    "content-type",
    "etag",
    "location",
    "retry-after",
    "idempotent-replayed",
    "allow",
];

/// Object members that always hold a volatile value, whatever the value is.
const VOLATILE_MEMBERS: [(&str, &str); 4] = [
    ("uuid", "[uuid]"),
    ("correlationId", "[correlation-id]"),
    ("eventId", "[event-id]"),
    ("generatedPassword", "[generated-password]"),
];

/// The tests' customer numbers, organisations and ids are at least this long (see
/// `app::ensure_table`, which starts the numbers at 10^9).
pub const MIN_DIGITS: usize = 7;

#[derive(Default)]
pub struct Transcript {
    /// Raw number (as decimal text) → its placeholder.
    names: HashMap<String, String>,
    counters: HashMap<String, usize>,
    /// Exchanges as recorded; masked when the transcript is read, so a value named after its
    /// first appearance is masked everywhere.
    entries: Vec<Value>,
}

impl Transcript {
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives `raw` the placeholder `[kind#k]` (k counting per kind), unless it has one. Only
    /// numbers of at least [`MIN_DIGITS`] digits can be named, so that a name never stands in
    /// for a status or an error code by accident.
    pub fn name(&mut self, kind: &str, raw: impl ToString) -> String {
        let raw = raw.to_string();
        assert!(
            raw.len() >= MIN_DIGITS && raw.bytes().all(|b| b.is_ascii_digit()),
            "{kind} {raw} is too short to be named unambiguously"
        );
        if let Some(existing) = self.names.get(&raw) {
            return existing.clone();
        }
        let counter = self.counters.entry(kind.to_string()).or_insert(0);
        *counter += 1;
        let placeholder = format!("[{kind}#{counter}]");
        self.names.insert(raw, placeholder.clone());
        placeholder
    }

    /// Records one exchange under `step`.
    pub fn record(&mut self, step: &str, request: &str, response: &TestResponse) {
        let mut headers = Map::new();
        for name in KEPT_HEADERS {
            if let Some(v) = response.header(name) {
                let v = if name == "retry-after" { "[seconds]" } else { v };
                headers.insert(name.to_string(), Value::String(v.to_string()));
            }
        }
        headers.insert(
            "x-correlation-id".into(),
            Value::Bool(response.header("x-correlation-id").is_some_and(|v| !v.is_empty())),
        );
        let body = if response.body.is_null() && !response.text.is_empty() {
            Value::String(response.text.clone())
        } else {
            response.body.clone()
        };
        self.entries.push(json!({
            "step": step,
            "request": request,
            "status": response.status.as_u16(),
            "headers": headers,
            "body": body,
        }));
    }

    /// Every exchange, masked.
    pub fn entries(&self) -> Value {
        self.mask(&Value::Array(self.entries.clone()))
    }

    /// A JSON value with volatile values replaced.
    pub fn mask(&self, value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let masked = match VOLATILE_MEMBERS.iter().find(|(name, _)| name == k) {
                            Some((_, placeholder)) if !v.is_null() => Value::String((*placeholder).into()),
                            _ => self.mask(v),
                        };
                        (k.clone(), masked)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.mask(v)).collect()),
            Value::Number(n) => match self.names.get(&n.to_string()) {
                Some(p) => Value::String(p.clone()),
                None => value.clone(),
            },
            Value::String(s) => Value::String(self.mask_text(s)),
            other => other.clone(),
        }
    }

    /// Text with timestamps and named numbers replaced; a number is replaced only as a whole
    /// run of digits, so `12` inside `3124` stays.
    pub fn mask_text(&self, text: &str) -> String {
        if is_timestamp(text) {
            return "[timestamp]".into();
        }
        // A waiting time counts down while the test runs.
        if let Some((head, tail)) = text.split_once("retry in ")
            && let Some((_, rest)) = tail.split_once(' ')
        {
            return format!("{}retry in [seconds] {}", self.mask_text(head), self.mask_text(rest));
        }
        let mut out = String::with_capacity(text.len());
        let mut digits = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            self.flush_digits(&mut digits, &mut out);
            out.push(c);
        }
        self.flush_digits(&mut digits, &mut out);
        out
    }

    fn flush_digits(&self, digits: &mut String, out: &mut String) {
        if digits.is_empty() {
            return;
        }
        match self.names.get(digits.as_str()) {
            Some(p) => out.push_str(p),
            None => out.push_str(digits),
        }
        digits.clear();
    }
}

/// An RFC 3339 timestamp as the service writes them (answers, `Retry-After` excluded).
fn is_timestamp(text: &str) -> bool {
    text.len() >= 20 && text.as_bytes().get(10) == Some(&b'T') && chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_masked_as_whole_runs_and_consistently() {
        let mut t = Transcript::new();
        t.name("customerNumber", 1_000_012);
        t.name("customerNumber", 1_003_124);
        assert_eq!(t.name("customerNumber", 1_000_012), "[customerNumber#1]");
        assert_eq!(
            t.mask_text("/profiles/1000012/notes/1003124 and 11000012"),
            "/profiles/[customerNumber#1]/notes/[customerNumber#2] and 11000012"
        );
        let masked =
            t.mask(&json!({"a": 1_000_012, "b": [1_003_124, 5], "uuid": "x", "at": "2026-11-23T16:20:00.123Z"}));
        assert_eq!(
            masked,
            json!({"a": "[customerNumber#1]", "b": ["[customerNumber#2]", 5], "uuid": "[uuid]", "at": "[timestamp]"})
        );
    }
}
