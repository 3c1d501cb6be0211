//! Typed values of the customers domain. Each one can only be built by parsing, so a value that
//! exists is a valid value ("parse, don't validate").

use crate::validation::{ErrorCode, FieldError};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rand::Rng;
use rand::distr::Alphanumeric;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_value {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
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

/// Trims and checks a text's length in characters.
fn bounded(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    let len = trimmed.chars().count();
    if len < min {
        return Err(if min == 1 {
            FieldError::new(field, ErrorCode::Required, format!("{field} must not be blank"))
        } else {
            FieldError::new(
                field,
                ErrorCode::Length,
                format!("{field} must be at least {min} characters"),
            )
            .rejecting(raw)
        });
    }
    if len > max {
        return Err(FieldError::new(
            field,
            ErrorCode::Length,
            format!("{field} must be at most {max} characters (was {len})"),
        )
        .rejecting(raw));
    }
    Ok(trimmed.to_string())
}

/// The organisation (tenant) a profile belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrganisationId(i64);

impl OrganisationId {
    pub fn parse(field: &str, raw: i64) -> Result<Self, FieldError> {
        if raw <= 0 {
            return Err(
                FieldError::new(field, ErrorCode::Format, format!("{field} must be a positive number")).rejecting(raw),
            );
        }
        Ok(Self(raw))
    }

    pub fn value(self) -> i64 {
        self.0
    }

    /// An organisation id no token can carry (ids are positive), for reads that must find nothing.
    pub(crate) fn placeholder() -> Self {
        Self(0)
    }
}

impl fmt::Display for OrganisationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The service-assigned, unique int64 that identifies a profile everywhere in the sales system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerNumber(i64);

impl CustomerNumber {
    pub fn parse(field: &str, raw: i64) -> Result<Self, FieldError> {
        if raw <= 0 {
            return Err(
                FieldError::new(field, ErrorCode::Format, format!("{field} must be a positive number")).rejecting(raw),
            );
        }
        Ok(Self(raw))
    }

    pub fn parse_text(field: &str, raw: &str) -> Result<Self, FieldError> {
        let n: i64 = raw.trim().parse().map_err(|_| {
            FieldError::new(
                field,
                ErrorCode::Format,
                format!("{field} must be a whole number (int64)"),
            )
            .rejecting(raw)
        })?;
        Self::parse(field, n)
    }

    /// Only the number allocator makes new customer numbers.
    pub(crate) fn assigned(raw: i64) -> Self {
        Self(raw)
    }

    pub fn value(self) -> i64 {
        self.0
    }
}

impl fmt::Display for CustomerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

string_value!(
    /// "A universal unique id for the customer. 32 random alphanumeric characters. Not RFC 4122 compliant"
    CustomerUuid
);

impl CustomerUuid {
    pub fn generate() -> Self {
        Self(
            rand::rng()
                .sample_iter(&Alphanumeric)
                .take(32)
                .map(char::from)
                .collect(),
        )
    }

    pub fn is_well_formed(raw: &str) -> bool {
        raw.len() == 32 && raw.chars().all(|c| c.is_ascii_alphanumeric())
    }
}

string_value!(
    /// The organisation's own reference for a customer: unique within the organisation,
    /// 1 to 40 characters, trimmed.
    CustomerRef
);

impl CustomerRef {
    pub const MAX: usize = 40;

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        bounded(field, raw, 1, Self::MAX).map(Self)
    }

    /// "Defaults to customer number if not set".
    pub fn from_customer_number(number: CustomerNumber) -> Self {
        Self(number.to_string())
    }
}

string_value!(
    /// Who made a change (createdBy, changedBy): "web, app or username of employee", 1 to 100 characters.
    Actor
);

impl Actor {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        bounded(field, raw, 1, 100).map(Self)
    }
}

string_value!(
    /// Through which sales channel or system a change was made, 1 to 100 characters.
    Channel
);

impl Channel {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        bounded(field, raw, 1, 100).map(Self)
    }
}

string_value!(
    /// A first or last name. Placeholder values that older systems wrote for unknown names
    /// ('ikke satt', 'ikkesatt', in any casing or spacing) become the empty string, on write and
    /// on read (contract: customers-5.3.0).
    PersonName
);

impl PersonName {
    pub const MAX: usize = 100;

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let text = bounded(field, raw, 0, Self::MAX)?;
        Ok(Self(Self::without_placeholder(&text)))
    }

    pub fn empty() -> Self {
        Self(String::new())
    }

    /// Applied to stored names on read too: data written before the rule existed is cleaned.
    pub fn without_placeholder(name: &str) -> String {
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

    /// The form names are matched in: case and surrounding space do not count.
    pub fn search_form(&self) -> String {
        self.0.trim().to_lowercase()
    }
}

string_value!(
    /// An email address, trimmed, at most 80 characters. Compared without regard to case.
    EmailAddress
);

impl EmailAddress {
    pub const MAX: usize = 80;

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let text = bounded(field, raw, 1, Self::MAX)?;
        let valid = email_address::EmailAddress::parse_with_options(
            &text,
            email_address::Options::default()
                .without_display_text()
                .without_domain_literal(),
        )
        .is_ok()
            && text.rsplit_once('@').is_some_and(|(_, domain)| domain.contains('.'));
        if !valid {
            return Err(FieldError::new(
                field,
                ErrorCode::Format,
                format!("{field} is not a valid email address"),
            )
            .rejecting(raw));
        }
        Ok(Self(text))
    }

    /// The form uniqueness and search use: the contract compares emails case-insensitively.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

string_value!(
    /// "Vipps unique user identifier".
    VippsId
);

impl VippsId {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        bounded(field, raw, 1, 100).map(Self)
    }
}

string_value!(
    /// Deprecated account id on the profile itself, at most 60 characters.
    LegacyCustomerAccountId
);

impl LegacyCustomerAccountId {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        bounded(field, raw, 1, 60).map(Self)
    }
}

string_value!(
    /// Nationality as an ISO 3166-1 alpha-3 code, upper case (NOR, SWE, …).
    Nationality
);

impl Nationality {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim().to_uppercase();
        match isocountry::CountryCode::for_alpha3(&code) {
            Ok(c) => Ok(Self(c.alpha3().to_string())),
            Err(_) => Err(FieldError::new(
                field,
                ErrorCode::Format,
                format!("{field} must be an ISO 3166-1 alpha-3 country code, such as NOR"),
            )
            .rejecting(raw)),
        }
    }
}

/// A date of birth: an ISO 8601 calendar date, not in the future and not before 1900.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DateOfBirth(NaiveDate);

impl DateOfBirth {
    pub fn parse(field: &str, raw: &str, today: NaiveDate) -> Result<Self, FieldError> {
        let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
            FieldError::new(
                field,
                ErrorCode::Format,
                format!("{field} must be an ISO 8601 date (YYYY-MM-DD)"),
            )
            .rejecting(raw)
        })?;
        if date > today || date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(FieldError::new(
                field,
                ErrorCode::NotAllowed,
                format!("{field} must be between 1900-01-01 and today"),
            )
            .rejecting(raw));
        }
        Ok(Self(date))
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

/// Parses an ISO 8601 date-time (with offset) or a calendar date, which means the start of that
/// day in UTC. Used for expirationDate and the verification timestamps.
pub fn parse_instant(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    let text = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(d.and_time(NaiveTime::MIN).and_utc());
    }
    Err(FieldError::new(
        field,
        ErrorCode::Format,
        format!("{field} must be an ISO 8601 date (YYYY-MM-DD) or date-time with offset"),
    )
    .rejecting(raw))
}

/// The customer's language: ISO 639-3 (`languagePreferenceISO6393`, default NOB) and the
/// deprecated two-letter `languagePreference` (default NO), always kept in step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Language {
    pub iso6393: String,
    pub legacy: Option<String>,
}

impl Language {
    pub fn norwegian_bokmal() -> Self {
        Self {
            iso6393: "NOB".into(),
            legacy: Some("NO".into()),
        }
    }

    /// Accepts either field or both; both must then name the same language.
    pub fn parse(iso6393: Option<&str>, legacy: Option<&str>) -> Result<Self, FieldError> {
        let modern = iso6393.map(Self::parse_iso6393).transpose()?;
        let old = legacy.map(Self::parse_legacy).transpose()?;
        match (modern, old) {
            (None, None) => Ok(Self::norwegian_bokmal()),
            (Some(m), None) => Ok(m),
            (None, Some(o)) => Ok(o),
            (Some(m), Some(o)) => {
                if m.iso6393 == o.iso6393 {
                    Ok(m)
                } else {
                    Err(FieldError::new(
                        "languagePreference",
                        ErrorCode::NotAllowed,
                        format!(
                            "languagePreference {} does not name the same language as languagePreferenceISO6393 {}",
                            o.legacy.unwrap_or_default(),
                            m.iso6393
                        ),
                    ))
                }
            }
        }
    }

    fn parse_iso6393(raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim().to_lowercase();
        let lang = isolang::Language::from_639_3(&code).ok_or_else(|| {
            FieldError::new(
                "languagePreferenceISO6393",
                ErrorCode::Format,
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
        let code = raw.trim().to_lowercase();
        let iso6393 = match code.as_str() {
            "no" | "nb" => Some("nob"),
            _ => isolang::Language::from_639_1(&code).map(|l| l.to_639_3()),
        }
        .ok_or_else(|| {
            FieldError::new(
                "languagePreference",
                ErrorCode::Format,
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
    fn uuid_is_32_random_alphanumerics() {
        let a = CustomerUuid::generate();
        let b = CustomerUuid::generate();
        assert!(CustomerUuid::is_well_formed(a.as_str()));
        assert_ne!(a, b);
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
        assert_eq!(PersonName::without_placeholder("Ikke"), "Ikke");
    }

    #[test]
    fn customer_ref_is_trimmed_and_bounded() {
        assert_eq!(
            CustomerRef::parse("customerRef", "  abc ").map(|r| r.0),
            Ok("abc".into())
        );
        assert_eq!(
            CustomerRef::parse("customerRef", "  ").map_err(|e| e.code),
            Err(ErrorCode::Required)
        );
        assert_eq!(
            CustomerRef::parse("customerRef", &"x".repeat(41)).map_err(|e| e.code),
            Err(ErrorCode::Length)
        );
        assert!(CustomerRef::parse("customerRef", &"x".repeat(40)).is_ok());
    }

    #[test]
    fn email_is_validated_and_keyed_case_insensitively() {
        let e = EmailAddress::parse("email", " Ola@Nordmann.org ").map_err(|e| e.message);
        assert_eq!(e.as_ref().map(|e| e.key()), Ok("ola@nordmann.org".to_string()));
        assert_eq!(e.map(|e| e.0), Ok("Ola@Nordmann.org".to_string()));
        for bad in ["ola", "ola@", "@nordmann.org", "ola@nordmann", "Ola <ola@nordmann.org>"] {
            assert!(EmailAddress::parse("email", bad).is_err(), "{bad}");
        }
        let long = format!("{}@nordmann.org", "a".repeat(70));
        assert_eq!(
            EmailAddress::parse("email", &long).map_err(|e| e.code),
            Err(ErrorCode::Length)
        );
    }

    #[test]
    fn nationality_is_iso_3166_alpha3() {
        assert_eq!(Nationality::parse("nationality", "nor").map(|n| n.0), Ok("NOR".into()));
        assert!(Nationality::parse("nationality", "NO").is_err());
        assert!(Nationality::parse("nationality", "XXX").is_err());
    }

    #[test]
    fn language_defaults_and_stays_in_step() {
        assert_eq!(Language::parse(None, None), Ok(Language::norwegian_bokmal()));
        assert_eq!(Language::parse(None, Some("NO")), Ok(Language::norwegian_bokmal()));
        assert_eq!(Language::parse(Some("nob"), None), Ok(Language::norwegian_bokmal()));
        let en = Language::parse(None, Some("en")).ok();
        assert_eq!(en.as_ref().map(|l| l.iso6393.as_str()), Some("ENG"));
        let nn = Language::parse(Some("NNO"), None).ok();
        assert_eq!(nn.and_then(|l| l.legacy), Some("NN".to_string()));
        // South Sami has no two-letter code: the deprecated field is left empty.
        assert_eq!(Language::parse(Some("SMA"), None).map(|l| l.legacy), Ok(None));
        assert!(Language::parse(Some("ENG"), Some("NO")).is_err());
        assert!(Language::parse(Some("XQZ"), None).is_err());
        assert!(Language::parse(None, Some("ZZ")).is_err());
    }

    #[test]
    fn date_of_birth_is_a_past_calendar_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        assert!(DateOfBirth::parse("dateOfBirth", "1990-05-17", today).is_ok());
        assert!(DateOfBirth::parse("dateOfBirth", "2030-01-01", today).is_err());
        assert!(DateOfBirth::parse("dateOfBirth", "17.05.1990", today).is_err());
        assert!(DateOfBirth::parse("dateOfBirth", "1990-02-30", today).is_err());
    }

    #[test]
    fn instants_accept_dates_and_date_times() {
        assert!(parse_instant("expirationDate", "2026-12-01").is_ok());
        assert!(parse_instant("expirationDate", "2026-12-01T10:00:00+01:00").is_ok());
        assert!(parse_instant("expirationDate", "tomorrow").is_err());
    }
}
