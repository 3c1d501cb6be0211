//! Passwords as clients send them. Hashing is the credentials capability's.

use crate::problems::{FieldError, Problem};
use std::fmt;

/// A password as the client sent it. Its Debug output is redacted so it cannot reach a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    pub const MIN: usize = 6;
    pub const MAX: usize = 128;

    /// "Not only white space" as a regular expression for the wire contract (unanchored: some
    /// character is not white space).
    pub fn pattern() -> String {
        format!("[^{}]", super::text::WHITE_SPACE)
    }

    /// The policy for new passwords: 6 to 128 characters, not only white space. The contract's
    /// own example (`abcD123`) passes; empty, blank and absurdly long passwords do not.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        if raw.trim().is_empty() {
            return Err(FieldError::new(
                field,
                Problem::Required,
                format!("{field} must not be empty or only white space"),
            ));
        }
        if !(Self::MIN..=Self::MAX).contains(&raw.chars().count()) {
            return Err(FieldError::new(
                field,
                Problem::Length,
                format!("{field} must be {} to {} characters", Self::MIN, Self::MAX),
            ));
        }
        Ok(Self(raw.to_string()))
    }

    /// A password as typed at sign-in: any text up to the maximum is tried as it is, without
    /// the policy for new passwords (which may have changed since it was set).
    pub fn attempt(field: &str, raw: &str) -> Result<Self, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::new(
                field,
                Problem::Required,
                format!("{field} is required"),
            ));
        }
        if raw.chars().count() > Self::MAX {
            return Err(FieldError::new(field, Problem::Length, format!("{field} is too long")));
        }
        Ok(Self(raw.to_string()))
    }

    /// Made by the generator, which follows the policy.
    pub(crate) fn generated(text: String) -> Self {
        Self(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_accepts_the_contract_example_and_refuses_nonsense() {
        assert!(Password::parse("password", "abcD123").is_ok());
        assert!(Password::parse("password", "").is_err());
        assert!(Password::parse("password", "        ").is_err());
        assert!(Password::parse("password", "abc").is_err());
        assert!(Password::parse("password", &"x".repeat(129)).is_err());
        assert!(Password::attempt("password", "abc").is_ok());
        assert!(Password::attempt("password", "").is_err());
        assert_eq!(
            format!("{:?}", Password::attempt("p", "secret")),
            "Ok(Password(<redacted>))"
        );
    }
}
