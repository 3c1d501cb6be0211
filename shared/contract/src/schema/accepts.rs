//! What one request value accepts, as the parser that reads it defines it, and the JSON Schema
//! that says the same thing.

use customers_domain::values::{ItemId, Password, TextRule};
use serde_json::{Value, json};

/// The largest number a JSON `int64` can carry.
const INT64_MAX: i64 = i64::MAX;

/// One kind of accepted value. Every variant names the definition its parser uses, so the
/// document cannot drift from the code that reads requests.
#[derive(Debug, Clone, Copy)]
pub enum Accepts {
    /// A text under its [`TextRule`].
    Text(TextRule),
    /// An email address under the email text rule ([`customers_domain::values::EmailAddress`]).
    Email(TextRule),
    /// A new password (length bounds, not only white space).
    NewPassword,
    /// A password as typed at sign-in: any text up to the maximum.
    AttemptedPassword,
    /// `+` and one to three digits of a calling code in use.
    CallingCode,
    /// One to fifteen digits that, after the calling code, make a valid number.
    NationalNumber,
    /// A whole telephone number, with or without its `+CC` (without one it is Norwegian).
    TelephoneNumber,
    /// ISO 3166-1 alpha-3, any case.
    Country,
    /// ISO 639-3, any case.
    Language3,
    /// ISO 639-1, any case.
    Language1,
    /// `YYYY-MM-DD`, from 1900-01-01 to today.
    BirthDate,
    /// An RFC 3339 date-time or an ISO 8601 calendar date, in the years 0001–9999.
    Instant,
    /// An [`Accepts::Instant`] after the moment of the request.
    FutureInstant,
    /// One of the codes, exactly as written.
    Code(&'static [&'static str]),
    /// A positive `int64` (customer numbers, organisations, ecard numbers).
    PositiveNumber,
    /// An id the service gave out: a positive number JSON can carry exactly.
    ItemId,
    /// A whole number in the range, sent as text (query parameters).
    Bounded { min: u64, max: u64 },
    /// `true` or `false`.
    Flag,
    /// Exactly sixteen digits.
    SixteenDigits,
    /// A list of at most `max` values.
    List { of: &'static Accepts, max: usize },
    /// A list of at most `max` objects of the named schema.
    Objects { schema: &'static str, max: usize },
}

/// Named formats the service defines beyond JSON Schema's own; `docs/fuzzing.md` and
/// `README.md` say what each means, and the fuzzer generates values for each.
pub const CUSTOM_FORMATS: &[(&str, &str)] = &[
    ("telephone-country-code", "a calling code in use, such as +47"),
    (
        "telephone-national-number",
        "digits that make a valid telephone number after the calling code, such as 91234567",
    ),
    (
        "telephone-number",
        "a valid telephone number; with +CC, or Norwegian without one",
    ),
    (
        "iso-3166-alpha-3",
        "an ISO 3166-1 alpha-3 country code, any case, such as NOR",
    ),
    ("iso-639-3", "an ISO 639-3 language code, any case, such as NOB"),
    ("iso-639-1", "an ISO 639-1 language code, any case, such as NO"),
    ("birth-date", "a date YYYY-MM-DD from 1900-01-01 to today"),
    (
        "instant",
        "an RFC 3339 date-time with offset, or a date YYYY-MM-DD (midnight UTC), in the years 0001 to 9999",
    ),
    ("future-instant", "an instant after the moment of the request"),
];

fn text(rule: &TextRule) -> Value {
    json!({
        "type": "string",
        "minLength": rule.min_chars,
        "maxLength": rule.max_chars,
        "pattern": rule.pattern(),
    })
}

/// A value of one of the service's own formats. The format alone says what is accepted (its
/// meaning is in [`CUSTOM_FORMATS`] and the member's description); a pattern beside it would
/// only say less.
fn formatted(format: &str) -> Value {
    json!({ "type": "string", "format": format })
}

/// What a format means, for the description of a member that has it.
pub fn format_meaning(format: &str) -> Option<&'static str> {
    CUSTOM_FORMATS
        .iter()
        .find(|(f, _)| *f == format)
        .map(|(_, meaning)| *meaning)
}

impl Accepts {
    /// The schema of a value that is present (not null).
    pub fn schema(&self) -> Value {
        match self {
            Accepts::Text(rule) => text(rule),
            Accepts::Email(rule) => {
                let mut s = text(rule);
                s["format"] = json!("email");
                s
            }
            Accepts::NewPassword => json!({
                "type": "string",
                "minLength": Password::MIN,
                "maxLength": Password::MAX,
                "pattern": Password::pattern(),
            }),
            Accepts::AttemptedPassword => json!({
                "type": "string",
                "minLength": 1,
                "maxLength": Password::MAX,
            }),
            Accepts::CallingCode => formatted("telephone-country-code"),
            Accepts::NationalNumber => formatted("telephone-national-number"),
            Accepts::TelephoneNumber => formatted("telephone-number"),
            Accepts::Country => formatted("iso-3166-alpha-3"),
            Accepts::Language3 => formatted("iso-639-3"),
            Accepts::Language1 => formatted("iso-639-1"),
            Accepts::BirthDate => formatted("birth-date"),
            Accepts::Instant => formatted("instant"),
            Accepts::FutureInstant => formatted("future-instant"),
            Accepts::Code(codes) => json!({ "type": "string", "enum": codes }),
            Accepts::PositiveNumber => json!({
                "type": "integer", "format": "int64", "minimum": 1, "maximum": INT64_MAX,
            }),
            Accepts::ItemId => json!({
                "type": "integer", "format": "int64", "minimum": 1, "maximum": ItemId::MAX,
            }),
            Accepts::Bounded { min, max } => json!({
                "type": "integer", "minimum": min, "maximum": max,
            }),
            Accepts::Flag => json!({ "type": "boolean" }),
            Accepts::SixteenDigits => json!({
                "type": "string", "pattern": "^[0-9]{16}$", "minLength": 16, "maxLength": 16,
            }),
            Accepts::List { of, max } => json!({
                "type": "array", "items": of.schema(), "maxItems": max,
            }),
            Accepts::Objects { schema, max } => json!({
                "type": "array",
                "items": { "$ref": format!("#/components/schemas/{schema}") },
                "maxItems": max,
            }),
        }
    }

    /// The schema of a member that may also be null or left out: null is read as absent.
    pub fn nullable_schema(&self) -> Value {
        let mut s = self.schema();
        if s.get("format")
            .and_then(Value::as_str)
            .and_then(format_meaning)
            .is_some()
        {
            // Generators draw a format's values only for a plain string schema.
            return json!({ "anyOf": [s, { "type": "null" }] });
        }
        if let Some(kind) = s.get("type").cloned() {
            s["type"] = json!([kind, "null"]);
        }
        if let Some(codes) = s.get_mut("enum").and_then(Value::as_array_mut) {
            codes.push(Value::Null);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nullable_code_lists_null_among_its_codes() {
        let s = Accepts::Code(&["A", "B"]).nullable_schema();
        assert_eq!(s["type"], json!(["string", "null"]));
        assert_eq!(s["enum"], json!(["A", "B", null]));
    }

    #[test]
    fn every_custom_format_used_is_described() {
        let all = [
            Accepts::CallingCode,
            Accepts::NationalNumber,
            Accepts::TelephoneNumber,
            Accepts::Country,
            Accepts::Language3,
            Accepts::Language1,
            Accepts::BirthDate,
            Accepts::Instant,
            Accepts::FutureInstant,
        ];
        for a in all {
            let format = a.schema()["format"].as_str().map(str::to_string).unwrap_or_default();
            assert!(CUSTOM_FORMATS.iter().any(|(f, _)| *f == format), "{a:?}: {format}");
        }
    }
}
