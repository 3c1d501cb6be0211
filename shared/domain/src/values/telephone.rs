//! Telephone numbers. Every error in a telephone field is a [`Problem::Telephone`] (the
//! contract gives those a code of their own, customers-5.4.1). Numbers are checked against
//! libphonenumber's metadata (the `rlibphonenumber` crate, loaded per calling code by
//! [`super::numbering_plans`]), so "+47 12" or a number that no operator can have is refused.

use super::numbering_plans::{HOME_REGION, Reading, is_calling_code, read_number};
use crate::problems::{FieldError, Problem};

/// The customer's mobile number in all three of the contract's spellings, kept in step:
/// `countryCode` ("+47"), `telephoneNumberNoCountryCode` ("91234567") and the deprecated full
/// `telephoneNumber` ("+4791234567").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MobileNumber {
    country_code: String,
    national_number: String,
    /// E.164, which is also the form searches compare.
    e164: String,
}

/// A landline number, stored as E.164.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LandlineNumber(String);

impl LandlineNumber {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        parse_full(field, raw).map(|n| Self(n.e164))
    }

    /// A stored number, read back from the E.164 form written after [`Self::parse`] checked it.
    /// Only its form is checked: the metadata check was made when it was accepted, and
    /// building libphonenumber's metadata would cost every reading instance milliseconds and
    /// megabytes (docs/performance.md).
    pub fn from_stored(field: &str, raw: &str) -> Result<Self, FieldError> {
        if !is_e164(raw) {
            return Err(telephone_error(field, format!("{field} must be in E.164 form"), raw));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A valid number, as libphonenumber reads it.
struct ValidNumber {
    country_code: i32,
    e164: String,
}

/// "+" and 2 to 15 digits, the first not 0 (ITU-T E.164).
fn is_e164(raw: &str) -> bool {
    raw.strip_prefix('+').is_some_and(|digits| {
        (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
    })
}

fn telephone_error(field: &str, message: impl Into<String>, raw: &str) -> FieldError {
    FieldError::new(field, Problem::Telephone, message).rejecting(raw)
}

/// "+47": a plus and one to three digits that some country actually uses.
pub fn parse_country_code(field: &str, raw: &str) -> Result<u16, FieldError> {
    let text = raw;
    let digits = text.strip_prefix('+').ok_or_else(|| {
        telephone_error(
            field,
            format!("{field} must start with + followed by 1 to 3 digits, such as +47"),
            raw,
        )
    })?;
    if digits.is_empty() || digits.len() > 3 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(telephone_error(
            field,
            format!("{field} must start with + followed by 1 to 3 digits, such as +47"),
            raw,
        ));
    }
    let code: u16 = digits
        .parse()
        .map_err(|_| telephone_error(field, format!("{field} is not a country calling code"), raw))?;
    if !is_calling_code(i32::from(code)) {
        return Err(telephone_error(
            field,
            format!("{field} {text} is not a country calling code in use"),
            raw,
        ));
    }
    Ok(code)
}

/// Parses a number that may carry its own "+CC"; without one it is read as Norwegian.
fn parse_full(field: &str, raw: &str) -> Result<ValidNumber, FieldError> {
    let text = raw;
    if text.is_empty() || text.chars().count() > 20 || text.trim() != text {
        return Err(telephone_error(
            field,
            format!("{field} must be 1 to 20 characters, without white space at either end"),
            raw,
        ));
    }
    match read_number(text, Some(HOME_REGION)) {
        Reading::Valid { country_code, e164 } => Ok(ValidNumber { country_code, e164 }),
        Reading::Invalid => Err(telephone_error(
            field,
            format!("{field} is not a valid telephone number"),
            raw,
        )),
        Reading::NotANumber => Err(telephone_error(
            field,
            format!("{field} is not a telephone number"),
            raw,
        )),
    }
}

impl MobileNumber {
    /// Builds the number from whichever spellings a request gives. `countryCode` and
    /// `telephoneNumberNoCountryCode` go together; the deprecated `telephoneNumber` alone is
    /// split into them; when all three are given they must agree.
    pub fn parse(
        country_code: Option<&str>,
        national: Option<&str>,
        deprecated_full: Option<&str>,
    ) -> Result<Option<Self>, FieldError> {
        let modern = match (country_code, national) {
            (None, None) => None,
            (Some(cc), None) => {
                parse_country_code("countryCode", cc)?;
                return Err(telephone_error(
                    "telephoneNumberNoCountryCode",
                    "telephoneNumberNoCountryCode is required when countryCode is given",
                    "",
                ));
            }
            (None, Some(n)) => {
                return Err(telephone_error(
                    "countryCode",
                    "countryCode is required when telephoneNumberNoCountryCode is given",
                    n,
                ));
            }
            (Some(cc), Some(n)) => {
                let code = parse_country_code("countryCode", cc)?;
                let digits = national_digits(n)?;
                match read_number(&format!("+{code}{digits}"), None) {
                    Reading::Valid { country_code, e164 } => {
                        Some(Self::from_number(&ValidNumber { country_code, e164 }))
                    }
                    Reading::Invalid => {
                        return Err(telephone_error(
                            "telephoneNumberNoCountryCode",
                            format!("+{code} {digits} is not a valid telephone number"),
                            n,
                        ));
                    }
                    Reading::NotANumber => {
                        return Err(telephone_error(
                            "telephoneNumberNoCountryCode",
                            "telephoneNumberNoCountryCode is not a telephone number",
                            n,
                        ));
                    }
                }
            }
        };
        let old = deprecated_full
            .map(|raw| parse_full("telephoneNumber", raw).map(|n| Self::from_number(&n)))
            .transpose()?;
        match (modern, old) {
            (Some(m), Some(o)) if m.e164 != o.e164 => Err(telephone_error(
                "telephoneNumber",
                "telephoneNumber does not match countryCode and telephoneNumberNoCountryCode",
                deprecated_full.unwrap_or_default(),
            )),
            (Some(m), _) => Ok(Some(m)),
            (None, o) => Ok(o),
        }
    }

    /// A stored number, read back from the three spellings written after [`Self::parse`]
    /// checked it. Only their form and agreement are checked, for the reason given at
    /// [`LandlineNumber::from_stored`].
    pub fn from_stored(field: &str, country_code: &str, national: &str, e164: &str) -> Result<Self, FieldError> {
        let code_ok = country_code
            .strip_prefix('+')
            .is_some_and(|d| (1..=3).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()));
        let national_ok = !national.is_empty() && national.bytes().all(|b| b.is_ascii_digit());
        let agree = e164.strip_prefix(country_code) == Some(national);
        if !(code_ok && national_ok && agree && is_e164(e164)) {
            return Err(telephone_error(
                field,
                format!("{field} must be a country code, a national number and their E.164 form, in step"),
                e164,
            ));
        }
        Ok(Self {
            country_code: country_code.to_string(),
            national_number: national.to_string(),
            e164: e164.to_string(),
        })
    }

    /// "+47".
    pub fn country_code(&self) -> &str {
        &self.country_code
    }

    /// "91234567".
    pub fn national_number(&self) -> &str {
        &self.national_number
    }

    /// "+4791234567".
    pub fn e164(&self) -> &str {
        &self.e164
    }

    fn from_number(number: &ValidNumber) -> Self {
        let e164 = number.e164.clone();
        let code = number.country_code;
        let prefix = format!("+{code}");
        let national = e164.strip_prefix(&prefix).unwrap_or(&e164).to_string();
        Self {
            country_code: prefix,
            national_number: national,
            e164,
        }
    }

    /// A telephone number as a search gives it. `countryCode` with `telephoneNumberNoCountryCode`
    /// win over the full `telephoneNumber`, which wins over a national number without its country
    /// code; the national number alone finds the number in any country;
    /// `countryCode` alone is kept only to say what it lacks.
    pub fn search_form(
        country_code: Option<&str>,
        national: Option<&str>,
        deprecated_full: Option<&str>,
    ) -> Result<Option<PhoneSearch>, FieldError> {
        match (country_code, national, deprecated_full) {
            (Some(cc), Some(n), _) => Ok(Self::parse(Some(cc), Some(n), None)?.map(PhoneSearch::Whole)),
            (_, _, Some(full)) => Ok(Self::parse(None, None, Some(full))?.map(PhoneSearch::Whole)),
            (None, Some(n), None) => national_digits(n).map(|n| Some(PhoneSearch::National(n.to_string()))),
            (Some(cc), None, None) => parse_country_code("countryCode", cc).map(|_| Some(PhoneSearch::CountryCodeOnly)),
            (None, None, None) => Ok(None),
        }
    }
}

/// "91234567": what `telephoneNumberNoCountryCode` holds.
fn national_digits(raw: &str) -> Result<&str, FieldError> {
    if raw.is_empty() || raw.len() > 15 || !raw.chars().all(|c| c.is_ascii_digit()) {
        return Err(telephone_error(
            "telephoneNumberNoCountryCode",
            "telephoneNumberNoCountryCode must be 1 to 15 digits, without country code or punctuation",
            raw,
        ));
    }
    Ok(raw)
}

/// A mobile number a search looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneSearch {
    /// The whole number (country code and national number).
    Whole(MobileNumber),
    /// Only the national number: a number of any country with these digits.
    National(String),
    /// Only `countryCode`: the contract ignores it, and it cannot start a search.
    CountryCodeOnly,
}

impl PhoneSearch {
    /// Whether a profile's mobile number is the one looked for (`CountryCodeOnly` asks nothing).
    pub fn matches(&self, have: Option<&MobileNumber>) -> bool {
        match self {
            PhoneSearch::Whole(m) => have.is_some_and(|h| h.e164 == m.e164),
            PhoneSearch::National(n) => have.is_some_and(|h| &h.national_number == n),
            PhoneSearch::CountryCodeOnly => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_code_needs_plus_and_a_real_code() {
        assert_eq!(parse_country_code("countryCode", "+47"), Ok(47));
        for bad in ["47", "+", "+4a", "+1234", "+999"] {
            let e = parse_country_code("countryCode", bad).err();
            assert_eq!(e.map(|e| e.problem), Some(Problem::Telephone), "{bad}");
        }
    }

    #[test]
    fn the_three_spellings_are_kept_in_step() {
        let m = MobileNumber::parse(Some("+47"), Some("91234567"), None).ok().flatten();
        assert_eq!(m.as_ref().map(|m| m.e164.as_str()), Some("+4791234567"));
        let d = MobileNumber::parse(None, None, Some("+47 912 34 567")).ok().flatten();
        assert_eq!(d, m);
        let national_only = MobileNumber::parse(None, None, Some("91234567")).ok().flatten();
        assert_eq!(national_only, m);
        assert!(MobileNumber::parse(Some("+47"), Some("91234567"), Some("+4791234568")).is_err());
        assert!(MobileNumber::parse(Some("+47"), Some("91234567"), Some("+4791234567")).is_ok());
    }

    #[test]
    fn a_stored_number_reads_back_as_it_was_accepted_and_a_malformed_one_is_refused() {
        let accepted = [
            MobileNumber::parse(Some("+47"), Some("91234567"), None),
            MobileNumber::parse(Some("+46"), Some("701234567"), None),
            MobileNumber::parse(None, None, Some("+44 7400 123456")),
        ];
        for m in accepted {
            let m = m.ok().flatten().unwrap_or_else(|| panic!("a valid number"));
            let back = MobileNumber::from_stored("mobile", m.country_code(), m.national_number(), m.e164());
            assert_eq!(back.as_ref(), Ok(&m));
        }
        for (cc, n, e164) in [
            ("+47", "91234567", "+4791234568"),
            ("47", "91234567", "47912345678"),
            ("+47", "9123 4567", "+479123 4567"),
            ("+47", "", "+47"),
            ("+1234", "5678", "+12345678"),
            ("+0", "1234567", "+01234567"),
            ("+47", "9123456789012345", "+479123456789012345"),
        ] {
            let e = MobileNumber::from_stored("mobile", cc, n, e164)
                .err()
                .map(|e| e.problem);
            assert_eq!(e, Some(Problem::Telephone), "{cc} {n} {e164}");
        }
        let landline = LandlineNumber::parse("landlineNumber", "+47 22 12 34 56").ok();
        let back = landline
            .as_ref()
            .map(|l| LandlineNumber::from_stored("landlineNumber", l.as_str()));
        assert_eq!(back, landline.clone().map(Ok));
        for bad in ["4722123456", "+", "+4", "+47 22", "+0722123456", "+1234567890123456"] {
            assert!(LandlineNumber::from_stored("landlineNumber", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_telephone_error_is_605() {
        let cases = [
            MobileNumber::parse(Some("+47"), None, None),
            MobileNumber::parse(None, Some("91234567"), None),
            MobileNumber::parse(Some("+47"), Some("12"), None),
            MobileNumber::parse(Some("+47"), Some("9123-4567"), None),
            MobileNumber::parse(None, None, Some("not a number")),
        ];
        for c in cases {
            assert_eq!(c.err().map(|e| e.problem), Some(Problem::Telephone));
        }
        assert_eq!(
            LandlineNumber::parse("landlineNumber", "1").err().map(|e| e.problem),
            Some(Problem::Telephone)
        );
        assert!(LandlineNumber::parse("landlineNumber", "+47 22 12 34 56").is_ok());
    }

    #[test]
    fn a_search_takes_the_whole_number_the_national_part_alone_or_says_what_a_country_code_lacks() {
        let whole = MobileNumber::parse(Some("+47"), Some("41234567"), None).ok().flatten();
        let whole = whole.unwrap_or_else(|| panic!("a valid number"));
        let search = |cc, n, full| MobileNumber::search_form(cc, n, full);
        assert_eq!(
            search(Some("+47"), Some("41234567"), Some("+4799999999")),
            Ok(Some(PhoneSearch::Whole(whole.clone()))),
            "countryCode with the national number win over telephoneNumber"
        );
        assert_eq!(
            search(Some("+46"), None, Some("41234567")),
            Ok(Some(PhoneSearch::Whole(whole.clone()))),
            "telephoneNumber alone, read as Norwegian; countryCode ignored"
        );
        assert_eq!(
            search(None, Some("41234567"), None),
            Ok(Some(PhoneSearch::National("41234567".into())))
        );
        assert_eq!(search(Some("+47"), None, None), Ok(Some(PhoneSearch::CountryCodeOnly)));
        assert_eq!(search(None, None, None), Ok(None));
        for (cc, n) in [(None, Some("4123-4567")), (Some("47"), None), (None, Some(""))] {
            let e = search(cc, n, None).err().map(|e| e.problem);
            assert_eq!(e, Some(Problem::Telephone), "{cc:?} {n:?}");
        }
        let national = PhoneSearch::National("41234567".into());
        let swedish = MobileNumber::parse(Some("+46"), Some("701234567"), None).ok().flatten();
        assert!(national.matches(Some(&whole)));
        assert!(!national.matches(swedish.as_ref()));
        assert!(!national.matches(None));
        assert!(PhoneSearch::CountryCodeOnly.matches(None));
    }
}
