//! Texts of the domain. Each kind of text has one [`TextRule`]: its accepted length in
//! characters and in UTF-8 bytes, and whether it may span lines. The rule is applied when the
//! text is parsed, and the wire contract describes the same rule, so the two cannot drift.

use crate::problems::{FieldError, Problem};
use std::fmt;

/// What a text must be: trimmed, `min..=max` characters, at most `max_bytes` bytes of UTF-8,
/// and free of control characters (line breaks and tabs only where `multiline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    pub min_chars: usize,
    pub max_chars: usize,
    pub max_bytes: usize,
    pub multiline: bool,
}

impl TextRule {
    /// A one-line text of `min` to `max` characters (and so at most four bytes each).
    pub const fn line(min: usize, max: usize) -> Self {
        Self {
            min_chars: min,
            max_chars: max,
            max_bytes: max * 4,
            multiline: false,
        }
    }

    /// A text that may hold line breaks and tabs.
    pub const fn multiline(min: usize, max: usize, max_bytes: usize) -> Self {
        Self {
            min_chars: min,
            max_chars: max,
            max_bytes,
            multiline: true,
        }
    }

    /// The text trimmed, or why it is not acceptable.
    pub fn parse(&self, field: &str, raw: &str) -> Result<String, FieldError> {
        let text = raw.trim();
        let chars = text.chars().count();
        if chars < self.min_chars {
            return Err(if self.min_chars == 1 {
                FieldError::new(field, Problem::Required, format!("{field} must not be blank"))
            } else {
                FieldError::new(
                    field,
                    Problem::Length,
                    format!("{field} must be at least {} characters", self.min_chars),
                )
                .rejecting(raw)
            });
        }
        if chars > self.max_chars {
            return Err(FieldError::new(
                field,
                Problem::Length,
                format!("{field} must be at most {} characters (was {chars})", self.max_chars),
            )
            .rejecting(raw));
        }
        if text.len() > self.max_bytes {
            return Err(FieldError::new(
                field,
                Problem::Length,
                format!(
                    "{field} must be at most {} bytes of UTF-8 (was {})",
                    self.max_bytes,
                    text.len()
                ),
            )
            .rejecting(raw));
        }
        let allowed = |c: char| !c.is_control() || (self.multiline && matches!(c, '\n' | '\r' | '\t'));
        if !text.chars().all(allowed) {
            return Err(FieldError::new(
                field,
                Problem::Format,
                format!("{field} must not contain control characters"),
            ));
        }
        Ok(text.to_string())
    }

    /// An optional text: absent stays absent.
    pub fn parse_opt(&self, field: &str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
        raw.map(|r| self.parse(field, r)).transpose()
    }
}

/// A text value type: built only by parsing with its rule.
macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub const RULE: TextRule = $rule;

            pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
                Self::RULE.parse(field, raw).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value!(
    /// Who made a change (createdBy, changedBy): "web, app or username of employee".
    Actor,
    TextRule::line(1, 100)
);

text_value!(
    /// Through which sales channel or system a change was made.
    Channel,
    TextRule::line(1, 100)
);

text_value!(
    /// "Vipps unique user identifier".
    VippsId,
    TextRule::line(1, 100)
);

text_value!(
    /// An account id for account-based ticketing (and the deprecated customerAccountId).
    AccountId,
    TextRule::line(1, 60)
);

/// A first or last name. Placeholder values that older systems wrote for unknown names
/// ('ikke satt', 'ikkesatt', in any casing or spacing) become the empty string, on write and
/// on read (contract: customers-5.3.0). An empty name is accepted: the contract produces them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonName(String);

impl PersonName {
    pub const RULE: TextRule = TextRule::line(0, 100);

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let text = Self::RULE.parse(field, raw)?;
        Ok(Self(Self::without_placeholder(&text)))
    }

    pub fn empty() -> Self {
        Self(String::new())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn without_placeholder(name: &str) -> String {
        let squashed: String = name
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        if squashed == "ikkesatt" {
            String::new()
        } else {
            name.to_string()
        }
    }

    /// The form names are compared in: case and surrounding space do not count.
    pub fn search_form(&self) -> String {
        self.0.trim().to_lowercase()
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_bounded_in_characters_and_bytes() {
        let rule = TextRule::line(1, 5);
        assert_eq!(rule.parse("f", "  abc "), Ok("abc".to_string()));
        assert_eq!(rule.parse("f", "   ").map_err(|e| e.problem), Err(Problem::Required));
        assert_eq!(rule.parse("f", "abcdef").map_err(|e| e.problem), Err(Problem::Length));
        assert!(rule.parse("f", "ééééé").is_ok(), "five characters of two bytes");
        let tight = TextRule { max_bytes: 6, ..rule };
        assert_eq!(tight.parse("f", "éééé").map_err(|e| e.problem), Err(Problem::Length));
        assert_eq!(rule.parse("f", "a\u{0}b").map_err(|e| e.problem), Err(Problem::Format));
        assert_eq!(rule.parse("f", "a\nb").map_err(|e| e.problem), Err(Problem::Format));
        assert!(TextRule::multiline(1, 5, 20).parse("f", "a\nb").is_ok());
    }

    #[test]
    fn placeholder_names_become_empty_in_any_casing_and_spacing() {
        for raw in ["ikke satt", "IKKE SATT", "Ikkesatt", " ikke  Satt ", "ikke-satt"] {
            assert_eq!(
                PersonName::parse("firstName", raw).map(|n| n.0),
                Ok(String::new()),
                "{raw}"
            );
        }
        assert_eq!(
            PersonName::parse("firstName", "Ola").map(|n| n.0),
            Ok("Ola".to_string())
        );
        assert_eq!(
            PersonName::parse("firstName", "Ikke").map(|n| n.0),
            Ok("Ikke".to_string())
        );
    }
}
