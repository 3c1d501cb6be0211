//! Languages (ISO 639) and countries (ISO 3166-1 alpha-3).

use crate::problems::{FieldError, Problem};
use std::fmt;

/// A country as an ISO 3166-1 alpha-3 code, upper case (NOR, SWE, …): nationality, and the
/// country of a postal address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Country(String);

impl Country {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        // Codes are compared without regard to case, and taken as sent otherwise. Only ASCII
        // letters are codes: Unicode case mapping would turn "ıta" into "ITA".
        let code = raw.to_ascii_uppercase();
        let letters = raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_alphabetic());
        match isocountry::CountryCode::for_alpha3(&code).ok().filter(|_| letters) {
            Some(c) => Ok(Self(c.alpha3().to_string())),
            None => Err(FieldError::new(
                field,
                Problem::Format,
                format!("{field} must be an ISO 3166-1 alpha-3 country code, such as NOR"),
            )
            .rejecting(raw)),
        }
    }

    pub fn norway() -> Self {
        Self("NOR".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The customer's language: ISO 639-3 (`languagePreferenceISO6393`, default NOB) and the
/// deprecated two-letter `languagePreference` (default NO), always kept in step.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Language {
    iso6393: String,
    legacy: Option<String>,
}

impl Language {
    pub fn norwegian_bokmal() -> Self {
        Self {
            iso6393: "NOB".into(),
            legacy: Some("NO".into()),
        }
    }

    /// "NOB".
    pub fn iso6393(&self) -> &str {
        &self.iso6393
    }

    /// "NO", when the language has a two-letter code.
    pub fn legacy(&self) -> Option<&str> {
        self.legacy.as_deref()
    }

    /// Accepts either field or both; both must then name the same language.
    pub fn parse(iso6393: Option<&str>, legacy: Option<&str>) -> Result<Self, FieldError> {
        let modern = iso6393.map(Self::parse_iso6393).transpose()?;
        let old = legacy.map(Self::parse_legacy).transpose()?;
        match (modern, old) {
            (None, None) => Ok(Self::norwegian_bokmal()),
            (Some(m), None) => Ok(m),
            (None, Some(o)) => Ok(o),
            (Some(m), Some(o)) if m.iso6393 == o.iso6393 => Ok(m),
            (Some(m), Some(o)) => Err(FieldError::new(
                "languagePreference",
                Problem::NotAllowed,
                format!(
                    "languagePreference {} does not name the same language as languagePreferenceISO6393 {}",
                    o.legacy.unwrap_or_default(),
                    m.iso6393
                ),
            )),
        }
    }

    fn parse_iso6393(raw: &str) -> Result<Self, FieldError> {
        let code = raw.to_ascii_lowercase();
        let letters = raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_alphabetic());
        let lang = isolang::Language::from_639_3(&code)
            .filter(|_| letters)
            .ok_or_else(|| {
                FieldError::new(
                    "languagePreferenceISO6393",
                    Problem::Format,
                    "languagePreferenceISO6393 must be an ISO 639-3 language code, such as NOB",
                )
                .rejecting(raw)
            })?;
        let legacy = match lang.to_639_3() {
            // The contract pairs the default NOB with the legacy NO.
            "nob" => Some("NO".to_string()),
            _ => lang.to_639_1().map(str::to_uppercase),
        };
        Ok(Self {
            iso6393: lang.to_639_3().to_uppercase(),
            legacy,
        })
    }

    fn parse_legacy(raw: &str) -> Result<Self, FieldError> {
        let code = raw.to_ascii_lowercase();
        let letters = raw.len() == 2 && raw.bytes().all(|b| b.is_ascii_alphabetic());
        let iso6393 = match code.as_str() {
            "no" | "nb" => Some("nob"),
            _ => isolang::Language::from_639_1(&code).map(|l| l.to_639_3()),
        }
        .filter(|_| letters)
        .ok_or_else(|| {
            FieldError::new(
                "languagePreference",
                Problem::Format,
                "languagePreference must be a two-letter ISO 639-1 language code, such as NO",
            )
            .rejecting(raw)
        })?;
        Ok(Self {
            iso6393: iso6393.to_uppercase(),
            legacy: Some(code.to_uppercase()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_iso_3166_alpha3() {
        assert_eq!(Country::parse("nationality", "nor").map(|n| n.0), Ok("NOR".into()));
        assert!(Country::parse("nationality", "NO").is_err());
        assert!(Country::parse("nationality", "XXX").is_err());
    }

    #[test]
    fn language_defaults_and_stays_in_step() {
        assert_eq!(Language::parse(None, None), Ok(Language::norwegian_bokmal()));
        assert_eq!(Language::parse(None, Some("NO")), Ok(Language::norwegian_bokmal()));
        assert_eq!(Language::parse(Some("nob"), None), Ok(Language::norwegian_bokmal()));
        let en = Language::parse(None, Some("en")).ok();
        assert_eq!(en.as_ref().map(Language::iso6393), Some("ENG"));
        let nn = Language::parse(Some("NNO"), None).ok();
        assert_eq!(nn.as_ref().and_then(Language::legacy), Some("NN"));
        // South Sami has no two-letter code: the deprecated field is left empty.
        assert_eq!(Language::parse(Some("SMA"), None).map(|l| l.legacy), Ok(None));
        assert!(Language::parse(Some("ENG"), Some("NO")).is_err());
        assert!(Language::parse(Some("XQZ"), None).is_err());
        assert!(Language::parse(None, Some("ZZ")).is_err());
    }
}
