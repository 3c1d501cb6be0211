//! Dates and instants. The contract writes ISO 8601; this service accepts calendar dates
//! (`YYYY-MM-DD`) and RFC 3339 date-times with four-digit years from 0001 to 9999, in UTC after
//! any offset is applied, and writes every instant as `2026-11-23T16:20:00.123Z`. So whatever is
//! accepted can be written and read back.

use crate::problems::{FieldError, Problem};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, SecondsFormat, SubsecRound, Utc};

/// The years an accepted date or instant may fall in.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// `2026-11-23T16:20:00.123Z`: the one form every instant is written in.
pub fn format_instant(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `YYYY-MM-DD` with four-digit year, two-digit month and day: exactly ten characters.
fn calendar_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    // The shape is checked: the digits are read as they stand, without a format string.
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?).filter(|d| YEARS.contains(&d.year()))
}

/// An RFC 3339 date-time whose year has four digits before and after conversion to UTC.
fn date_time(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() < 20 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return None;
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .filter(|t| YEARS.contains(&t.year()))
}

/// An instant: an RFC 3339 date-time, or a calendar date meaning the start of that day in UTC.
/// Used for expirationDate, the verification stamps and the ecard dates. Kept to the
/// millisecond, the precision it is written with.
pub fn parse_instant(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    let text = raw;
    date_time(text)
        .map(|t| t.trunc_subsecs(3))
        .or_else(|| calendar_date(text).map(|d| d.and_time(NaiveTime::MIN).and_utc()))
        .ok_or_else(|| {
            FieldError::new(
                field,
                Problem::Format,
                format!(
                    "{field} must be an ISO 8601 date (YYYY-MM-DD) or date-time with offset, in the years 0001 to 9999"
                ),
            )
            .rejecting(raw)
        })
}

/// An instant that must lie after `now` (an expiration date).
pub fn in_future(field: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, FieldError> {
    if at <= now {
        return Err(
            FieldError::new(field, Problem::NotAllowed, format!("{field} must be in the future"))
                .rejecting(format_instant(&at)),
        );
    }
    Ok(at)
}

/// A calendar date `YYYY-MM-DD` in the years 0001 to 9999.
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    calendar_date(raw).ok_or_else(|| {
        FieldError::new(
            field,
            Problem::Format,
            format!("{field} must be an ISO 8601 date (YYYY-MM-DD)"),
        )
        .rejecting(raw)
    })
}

/// A date of birth: a calendar date, not in the future and not before 1900.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateOfBirth(NaiveDate);

impl DateOfBirth {
    pub fn parse(field: &str, raw: &str, today: NaiveDate) -> Result<Self, FieldError> {
        let date = parse_date(field, raw)?;
        let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
        if date > today || date < earliest {
            return Err(FieldError::new(
                field,
                Problem::NotAllowed,
                format!("{field} must be between 1900-01-01 and today"),
            )
            .rejecting(raw));
        }
        Ok(Self(date))
    }

    /// A stored date of birth: the same form, without the "not after today" rule (today moves).
    pub fn from_stored(field: &str, raw: &str) -> Result<Self, FieldError> {
        parse_date(field, raw).map(Self)
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Read digit by digit, a calendar date is the date chrono's format parser reads.
        #[test]
        fn a_calendar_date_reads_as_chronos_parser_reads_it(
            year in 0u32..10_000, month in 0u32..14, day in 0u32..33, noise in "[0-9]{10}"
        ) {
            for text in [format!("{year:04}-{month:02}-{day:02}"), format!("{}-{}-{}", &noise[..4], &noise[4..6], &noise[6..8])] {
                let chrono = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok().filter(|d| YEARS.contains(&d.year()));
                proptest::prop_assert_eq!(calendar_date(&text), chrono, "{}", text);
            }
        }
    }

    #[test]
    fn instants_accept_dates_and_date_times_in_four_digit_years() {
        assert!(parse_instant("e", "2026-12-01").is_ok());
        assert!(parse_instant("e", "2026-12-01T10:00:00+01:00").is_ok());
        assert!(parse_instant("e", "9999-12-31T23:59:59Z").is_ok());
        assert!(parse_instant("e", "0001-01-01").is_ok());
        for bad in [
            "tomorrow",
            "+12026-01-01",
            "12026-01-01",
            "-2026-01-01",
            "0000-01-01",
            "0000-12-31T23:00:00Z",
            "9999-12-31T23:59:59-01:00",
            "0001-01-01T00:00:00+01:00",
            "2026-1-1",
            "2026-02-30",
        ] {
            assert!(parse_instant("e", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_accepted_instant_is_written_in_a_form_that_reads_back() {
        for raw in ["9999-12-31T23:59:59.999999Z", "0001-01-01", "2026-11-23T16:20:00+05:30"] {
            let at = parse_instant("e", raw).unwrap_or_else(|e| panic!("{raw}: {e:?}"));
            assert_eq!(parse_instant("e", &format_instant(&at)), Ok(at));
        }
    }

    #[test]
    fn date_of_birth_is_a_past_calendar_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        assert!(DateOfBirth::parse("dateOfBirth", "1990-05-17", today).is_ok());
        assert!(DateOfBirth::parse("dateOfBirth", "2030-01-01", today).is_err());
        assert!(DateOfBirth::parse("dateOfBirth", "17.05.1990", today).is_err());
        assert!(DateOfBirth::parse("dateOfBirth", "1990-02-30", today).is_err());
        assert!(DateOfBirth::parse("dateOfBirth", "+1990-02-03", today).is_err());
    }
}
