//! Email addresses.

use super::text::TextRule;
use crate::problems::{FieldError, Problem};
use std::fmt;

/// An email address of at most 80 characters, with a domain that has a dot. Compared without
/// regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const RULE: TextRule = TextRule::line(1, 80);

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let text = Self::RULE.parse(field, raw)?;
        let valid = email_address::EmailAddress::parse_with_options(
            &text,
            email_address::Options::default()
                .without_display_text()
                .without_domain_literal(),
        )
        .is_ok()
            && text.rsplit_once('@').is_some_and(|(_, domain)| domain.contains('.'));
        if !valid {
            return Err(
                FieldError::new(field, Problem::Format, format!("{field} is not a valid email address")).rejecting(raw),
            );
        }
        Ok(Self(text))
    }

    /// The form uniqueness and search use: the contract compares emails case-insensitively.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_validated_and_keyed_case_insensitively() {
        assert!(
            EmailAddress::parse("email", " Ola@Nordmann.org ").is_err(),
            "taken as sent"
        );
        let e = EmailAddress::parse("email", "Ola@Nordmann.org").map_err(|e| e.message);
        assert_eq!(e.as_ref().map(|e| e.key()), Ok("ola@nordmann.org".to_string()));
        assert_eq!(e.map(|e| e.0), Ok("Ola@Nordmann.org".to_string()));
        for bad in ["ola", "ola@", "@nordmann.org", "ola@nordmann", "Ola <ola@nordmann.org>"] {
            assert!(EmailAddress::parse("email", bad).is_err(), "{bad}");
        }
        let long = format!("{}@nordmann.org", "a".repeat(70));
        assert_eq!(
            EmailAddress::parse("email", &long).map_err(|e| e.problem),
            Err(Problem::Length)
        );
    }
}
