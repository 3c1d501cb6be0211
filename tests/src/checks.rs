//! Checks the integration tests share, made so that an empty or partial answer cannot pass:
//! lists of an exact length, error answers by status and error code, and a resource read before
//! a refused write, to show that the write changed nothing.

use crate::app::{TestApp, TestResponse};
use axum::http::StatusCode;
use serde_json::Value;

/// The members of `v`, which must be a list of exactly `len` members.
pub fn list_of<'a>(v: &'a Value, len: usize, what: &str) -> &'a [Value] {
    let members = v
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("{what}: not a list: {v}"));
    assert_eq!(members.len(), len, "{what}: {v}");
    members
}

/// The customer numbers of a list of profiles, in the list's order; every member must have one.
pub fn numbers(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list of profiles: {v}"))
        .iter()
        .map(|c| {
            c["customerNumber"]
                .as_i64()
                .unwrap_or_else(|| panic!("a profile without a customer number: {c}"))
        })
        .collect()
}

/// The one member of the list `v` whose `field` is `value`.
pub fn member<'a>(v: &'a Value, field: &str, value: &Value) -> &'a Value {
    let found: Vec<&Value> = v
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .filter(|m| &m[field] == value)
        .collect();
    assert_eq!(found.len(), 1, "one member with {field} = {value}: {v}");
    found[0]
}

/// An error answer: its status, the contract's ErrorResponse shape, and its error code.
pub fn assert_error(r: &TestResponse, status: StatusCode, code: u64, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.text);
    assert_eq!(r.error_code(), code, "{what}: {}", r.text);
}

/// A resource as one GET answered it, to compare with a later read.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub path: String,
    pub etag: Option<String>,
    pub body: Value,
}

impl Snapshot {
    /// Reads `path`, which must answer 200.
    pub async fn take(app: &TestApp, path: &str) -> Self {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.text);
        Self {
            path: path.to_string(),
            etag: r.header("etag").map(str::to_string),
            body: r.body,
        }
    }

    /// Reads the resource again: the same body and the same version as before.
    pub async fn assert_unchanged(&self, app: &TestApp, what: &str) {
        let now = app.get(&self.path).await;
        assert_eq!(now.status, StatusCode::OK, "{what}: GET {}: {}", self.path, now.text);
        assert_eq!(
            now.header("etag"),
            self.etag.as_deref(),
            "{what}: the version of {} moved",
            self.path
        );
        assert_eq!(now.body, self.body, "{what}: {} changed", self.path);
    }
}

/// A refused write: the error answer, and every resource in `before` reads back unchanged.
pub async fn assert_refused(
    app: &TestApp,
    r: &TestResponse,
    status: StatusCode,
    code: u64,
    before: &[&Snapshot],
    what: &str,
) {
    assert_error(r, status, code, what);
    for snapshot in before {
        snapshot.assert_unchanged(app, what).await;
    }
}

/// Reads `path` back: it answers 200 with exactly `expected` as its body.
pub async fn assert_reads_back(app: &TestApp, path: &str, expected: &Value) -> TestResponse {
    let r = app.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.text);
    assert_eq!(&r.body, expected, "GET {path} answers what the write answered");
    r
}
