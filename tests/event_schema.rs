//! The change events' published contract, `docs/events/customer-changed.schema.json`, as a
//! validator: included by the test binaries that check events and documents against it.

use serde_json::Value;

pub const SCHEMA_PATH: &str = "docs/events/customer-changed.schema.json";

pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn schema() -> Value {
    let text = std::fs::read_to_string(root().join(SCHEMA_PATH)).unwrap_or_else(|e| panic!("{SCHEMA_PATH}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{SCHEMA_PATH}: {e}"))
}

/// The schema, with `format` asserted (a `changedAt` that is no date-time fails).
pub fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema())
        .unwrap_or_else(|e| panic!("{SCHEMA_PATH} is not a usable JSON Schema: {e}"))
}

/// Every way `event` breaks the schema, each with where.
pub fn violations(validator: &jsonschema::Validator, event: &Value) -> Vec<String> {
    validator
        .iter_errors(event)
        .map(|e| format!("{e} (at '{}')", e.instance_path()))
        .collect()
}

pub fn assert_valid(validator: &jsonschema::Validator, event: &Value, what: &str) {
    let found = violations(validator, event);
    assert!(
        found.is_empty(),
        "{what} does not match {SCHEMA_PATH}: {found:?}\n{event}"
    );
}
