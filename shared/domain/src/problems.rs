//! What is wrong with an input, field by field, collected so that one answer names every bad
//! field at once. The wire contract turns each [`Problem`] into its error code.

use std::fmt;

/// The kind of fault in one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    /// A required value is absent or blank.
    Required,
    /// A text or list is longer (or shorter) than allowed.
    Length,
    /// A value has the wrong form (email, date, code, number).
    Format,
    /// A value is well formed but not one of the allowed ones.
    NotAllowed,
    /// Anything wrong with a telephone number (the contract gives these a code of their own).
    Telephone,
    /// A search names no parameter it can start from.
    SearchNeedsStart,
}

/// One rejected field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
    pub message: String,
    /// The value as sent, shortened: it can be personal data or huge.
    pub rejected: Option<String>,
}

/// How much of a rejected value is echoed back.
const ECHO_CHARS: usize = 100;

impl FieldError {
    pub fn new(field: impl Into<String>, problem: Problem, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem,
            message: message.into(),
            rejected: None,
        }
    }

    pub fn rejecting(mut self, value: impl fmt::Display) -> Self {
        let mut shown = value.to_string();
        if shown.chars().count() > ECHO_CHARS {
            shown = shown.chars().take(ECHO_CHARS).collect::<String>() + "…";
        }
        self.rejected = Some(shown);
        self
    }

    /// The same error for a field inside a list or object (`postalAddresses[0].town`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else if self.field.starts_with('[') {
            format!("{prefix}{}", self.field)
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

/// Collects field errors while an input is parsed into domain values.
#[derive(Debug, Default)]
pub struct Problems {
    errors: Vec<FieldError>,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        self.errors.extend(errors);
    }

    /// Passes a given value on; records "is required" when it is absent.
    pub fn required<'a>(&mut self, field: &str, value: Option<&'a str>) -> Option<&'a str> {
        if value.is_none() {
            self.push(FieldError::new(
                field,
                Problem::Required,
                format!("{field} is required"),
            ));
        }
        value
    }

    /// Keeps the value when it parsed, records the error when it did not.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Like [`Problems::take`] for optional inputs.
    pub fn take_opt<T>(&mut self, result: Option<Result<T, FieldError>>) -> Option<T> {
        result.and_then(|r| self.take(r))
    }

    /// Like [`Problems::take`] for parsers that report several errors.
    pub fn take_all<T>(&mut self, result: Result<T, Vec<FieldError>>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.extend(e);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `value` when nothing was wrong, else every problem.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors),
        }
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_values_are_shortened_and_fields_nest() {
        let e = FieldError::new("town", Problem::Length, "too long").rejecting("x".repeat(500));
        assert_eq!(e.rejected.as_deref().map(|r| r.chars().count()), Some(101));
        assert_eq!(e.within("postalAddresses[2]").field, "postalAddresses[2].town");
        let list = FieldError::new("[0].preferenceId", Problem::Required, "m");
        assert_eq!(list.within("items").field, "items[0].preferenceId");
    }

    #[test]
    fn finish_needs_a_value_and_no_problems() {
        let mut p = Problems::new();
        assert_eq!(p.take(Ok::<_, FieldError>(1)), Some(1));
        let ok: Result<i32, _> = Problems::new().finish(Some(3));
        assert_eq!(ok, Ok(3));
        p.required("a", None);
        assert_eq!(p.finish(Some(1)).map_err(|e| e.len()), Err(1));
    }
}
