//! The error statuses that depend on what an operation does, beyond those every operation can
//! answer (400, 401, 403, 404, 413, 415, 500, 503: added where the document is assembled).

use serde_json::{Value, json};

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorResponse" } } },
    })
}

fn has_parameter(operation: &Value, name: &str) -> bool {
    operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|p| p.get("name").and_then(Value::as_str) == Some(name)))
}

/// Operations that count failed password attempts.
const THROTTLED: [&str; 2] = ["verifyCredentials", "changePassword"];

pub(super) fn add(method: &str, operation: &mut Value) {
    let mut extra = Vec::new();
    if method != "get" {
        extra.push((
            "409",
            "The change conflicts with the resource's state or a unique value (errorCode says which); nothing was changed",
        ));
    }
    if has_parameter(operation, "If-Match") {
        extra.push(("412", "The profile has changed since the version named in If-Match"));
    }
    if has_parameter(operation, "Idempotency-Key") {
        extra.push(("422", "The Idempotency-Key was used before with a different request"));
    }
    let id = operation.get("operationId").and_then(Value::as_str).unwrap_or_default();
    if THROTTLED.contains(&id) {
        extra.push(("429", "Too many failed attempts; Retry-After says when to try again"));
    }
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    for (status, description) in extra {
        responses.entry(status).or_insert_with(|| error(description));
    }
}
