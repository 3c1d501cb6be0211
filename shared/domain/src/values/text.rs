//! Texts of the domain. Each kind of text has one [`TextRule`]: its accepted length in
//! characters (and so in UTF-8 bytes), and whether it may span lines. Texts are taken as sent:
//! white space around a value is refused rather than silently cut, so what is stored is what was
//! sent. The rule is applied when the text is parsed, and the wire contract publishes the same
//! rule ([`TextRule::pattern`]), so the two cannot drift.

use crate::problems::{FieldError, Problem};
use std::fmt;

/// What a text must be: `min..=max` characters, no control characters (line breaks and tabs
/// only where `multiline`), no white space at either end, and, when `min` is positive, not blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    pub min_chars: usize,
    pub max_chars: usize,
    pub multiline: bool,
}

/// White space as Rust's `char::is_whitespace` knows it, spelled for a regular expression.
pub(super) const WHITE_SPACE: &str =
    r"\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// Control characters (`char::is_control`: the C0 and C1 controls and DEL).
const CONTROLS: &str = r"\u0000-\u001F\u007F-\u009F";
/// Controls except tab, line feed and carriage return.
const CONTROLS_BUT_LINES: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

impl TextRule {
    /// A one-line text of `min` (0 or 1) to `max` characters.
    pub const fn line(min: usize, max: usize) -> Self {
        Self {
            min_chars: min,
            max_chars: max,
            multiline: false,
        }
    }

    /// A text that may hold line breaks and tabs.
    pub const fn multiline(min: usize, max: usize) -> Self {
        Self {
            min_chars: min,
            max_chars: max,
            multiline: true,
        }
    }

    /// The most UTF-8 bytes an accepted text can take (four per character at most).
    pub const fn max_bytes(&self) -> usize {
        self.max_chars * 4
    }

    fn allowed(&self, c: char) -> bool {
        !c.is_control() || (self.multiline && matches!(c, '\t' | '\n' | '\r'))
    }

    /// The rule as a regular expression (ECMA-262 and Python alike) for the wire contract:
    /// allowed characters, no white space at either end. Lengths are `minLength`/`maxLength`.
    pub fn pattern(&self) -> String {
        let controls = if self.multiline { CONTROLS_BUT_LINES } else { CONTROLS };
        let inner = format!("[^{controls}]");
        let edge = format!("[^{controls}{WHITE_SPACE}]");
        if self.min_chars == 0 {
            format!("^({edge}({inner}*{edge})?)?$")
        } else {
            format!("^{edge}({inner}*{edge})?$")
        }
    }

    /// The text, or why it is not acceptable.
    pub fn parse(&self, field: &str, raw: &str) -> Result<String, FieldError> {
        let chars = raw.chars().count();
        if self.min_chars > 0 && raw.trim().is_empty() {
            return Err(FieldError::new(
                field,
                Problem::Required,
                format!("{field} must not be blank"),
            ));
        }
        if chars < self.min_chars {
            return Err(FieldError::new(
                field,
                Problem::Length,
                format!("{field} must be at least {} characters", self.min_chars),
            )
            .rejecting(raw));
        }
        if chars > self.max_chars {
            return Err(FieldError::new(
                field,
                Problem::Length,
                format!("{field} must be at most {} characters (was {chars})", self.max_chars),
            )
            .rejecting(raw));
        }
        if !raw.chars().all(|c| self.allowed(c)) {
            return Err(FieldError::new(
                field,
                Problem::Format,
                format!("{field} must not contain control characters"),
            ));
        }
        if raw.trim() != raw {
            return Err(FieldError::new(
                field,
                Problem::Format,
                format!("{field} must not begin or end with white space"),
            )
            .rejecting(raw));
        }
        Ok(raw.to_string())
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
    use proptest::prelude::*;

    /// Texts of white space, controls, line breaks and letters of one to four bytes.
    fn any_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just(' '),
                Just('\t'),
                Just('\n'),
                Just('\u{0}'),
                Just('\u{85}'),
                Just('\u{a0}'),
                Just('\u{3000}'),
                Just('\u{7f}'),
                Just('a'),
                Just('é'),
                Just('€'),
                Just('😀'),
            ],
            0..8,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        /// A text parses exactly when the document's pattern and lengths accept it.
        #[test]
        fn a_rule_accepts_exactly_what_its_pattern_and_lengths_describe(
            text in any_text(), min in 0usize..2, max in 1usize..6, multiline: bool
        ) {
            let rule = TextRule { min_chars: min, max_chars: max, multiline };
            let pattern = regex::Regex::new(&rule.pattern()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let chars = text.chars().count();
            let described = pattern.is_match(&text) && (min..=max).contains(&chars);
            prop_assert_eq!(rule.parse("f", &text).is_ok(), described, "{:?} {:?}", text, rule);
            if rule.parse("f", &text).is_ok() {
                prop_assert!(text.len() <= rule.max_bytes(), "{} bytes", text.len());
            }
        }
    }

    #[test]
    fn texts_are_taken_as_sent_and_bounded_in_characters() {
        let rule = TextRule::line(1, 5);
        assert_eq!(rule.parse("f", "a b c"), Ok("a b c".to_string()));
        assert_eq!(rule.parse("f", " abc").map_err(|e| e.problem), Err(Problem::Format));
        assert_eq!(
            rule.parse("f", "abc\u{3000}").map_err(|e| e.problem),
            Err(Problem::Format)
        );
        assert_eq!(rule.parse("f", "   ").map_err(|e| e.problem), Err(Problem::Required));
        assert_eq!(rule.parse("f", "abcdef").map_err(|e| e.problem), Err(Problem::Length));
        assert!(rule.parse("f", "ééééé").is_ok(), "five characters of two bytes");
        assert_eq!(rule.max_bytes(), 20);
        assert_eq!(rule.parse("f", "a\u{0}b").map_err(|e| e.problem), Err(Problem::Format));
        assert_eq!(rule.parse("f", "a\nb").map_err(|e| e.problem), Err(Problem::Format));
        assert!(TextRule::multiline(1, 5).parse("f", "a\nb").is_ok());
        assert!(TextRule::line(0, 5).parse("f", "").is_ok());
    }

    #[test]
    fn placeholder_names_become_empty_in_any_casing_and_spacing() {
        for raw in ["ikke satt", "IKKE SATT", "Ikkesatt", "ikke  Satt", "ikke-satt"] {
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
