//! libphonenumber's numbering plans (the `rlibphonenumber` crate's rules), loaded one country
//! calling code at a time as numbers arrive. Built whole, the metadata keeps about 4.5 MB for
//! its 254 entries, a third of a function's memory; a function that sees Norwegian numbers
//! needs two of them (docs/performance.md).
//!
//! Why a subset gives the whole metadata's answer: calling codes are prefix-free, so a number
//! whose code is loaded parses exactly as it would with everything loaded, and a number whose
//! code is not loaded fails with `InvalidCountryCode`. Such a number is read again once every
//! code that could be written in it is loaded ([`codes_written_in`]). A property test holds
//! every answer to the whole metadata's.

use bytes::Bytes;
use prost::Message;
use rlibphonenumber::{
    InvalidRegionError, ParseError, PhoneMetadata, PhoneMetadataCollection, PhoneNumberFormat, PhoneNumberUtil, Region,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

/// The metadata of `rlibphonenumber` 2.2.15 (pinned in Cargo.toml), copied from the crate,
/// which keeps its own private. A test requires every entry to equal the crate's.
static METADATA: &[u8] = include_bytes!("../../data/libphonenumber-metadata.bin");

/// Where a number written without a calling code is read: Norway.
pub const HOME_REGION: Region = Region::NO;
/// Norway's calling code, always loaded: a number without one is read in its plan.
const HOME_CODE: i32 = 47;
/// Norway's international prefix: "0046 …" is a Swedish number when read in Norway. A test
/// requires the metadata to say the same.
const HOME_INTERNATIONAL_PREFIX: &str = "00";
/// What libphonenumber takes for a plus sign, and the RFC 3966 parts it reads.
const PLUS_SIGNS: [char; 2] = ['+', '\u{FF0B}'];
const PHONE_CONTEXT: &str = ";phone-context=";
const RFC3966_PREFIX: &str = "tel:";

/// How many calling codes are loaded one by one before the rest are loaded too: each code
/// rebuilds the rules, and an instance that meets numbers of many countries is better served by
/// one build of the whole than by a rebuild per code, whose leftovers fragment the heap.
const WHOLE_AFTER: usize = 32;

/// Every entry of the metadata, undecoded, by calling code: indexed once per instance.
static ENTRIES: LazyLock<BTreeMap<i32, Vec<Bytes>>> = LazyLock::new(index_entries);

/// The plans a function shares between its requests, built on the first number it reads.
static NUMBERING_PLANS: LazyLock<Option<NumberingPlans>> = LazyLock::new(|| match NumberingPlans::new() {
    Ok(plans) => Some(plans),
    Err(error) => {
        tracing::error!(%error, "the numbering plans could not be built");
        None
    }
});

/// Reads a number with the shared plans (see [`NumberingPlans::read`]).
pub fn read_number(text: &str, default_region: Option<Region>) -> Reading {
    NUMBERING_PLANS
        .as_ref()
        .map_or(Reading::NotANumber, |plans| plans.read(text, default_region))
}

/// Whether some region uses this calling code ("+47" yes, "+999" no).
pub fn is_calling_code(code: i32) -> bool {
    ENTRIES.contains_key(&code)
}

/// What libphonenumber makes of a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// Not a telephone number at all ("+47 12", "not a number", an unknown calling code).
    NotANumber,
    /// A number, but one no operator can have.
    Invalid,
    /// A valid number: its calling code and its E.164 form.
    Valid { country_code: i32, e164: String },
}

/// The rules built from the calling codes loaded so far. Rules cannot grow in place, so a new
/// code replaces them with rules for one more code; a reader keeps the ones it started with.
pub struct NumberingPlans {
    loaded: Mutex<Arc<LoadedPlans>>,
}

struct LoadedPlans {
    codes: BTreeSet<i32>,
    rules: PhoneNumberUtil,
}

impl NumberingPlans {
    /// Plans with Norway's calling code loaded.
    pub fn new() -> Result<Self, InvalidRegionError> {
        let codes = BTreeSet::from([HOME_CODE]);
        let rules = rules_for(&codes)?;
        Ok(Self {
            loaded: Mutex::new(Arc::new(LoadedPlans { codes, rules })),
        })
    }

    /// Reads a number that may carry its own "+CC" or "00CC"; without one it is read in
    /// `default_region`'s plan.
    pub fn read(&self, text: &str, default_region: Option<Region>) -> Reading {
        let mut plans = self.current();
        let mut parsed = plans.rules.parse(text, default_region);
        if matches!(parsed, Err(ParseError::InvalidCountryCode)) {
            let missing: BTreeSet<i32> = codes_written_in(&plans.rules, text)
                .into_iter()
                .filter(|code| is_calling_code(*code) && !plans.codes.contains(code))
                .collect();
            if !missing.is_empty() {
                plans = self.load(&missing);
                parsed = plans.rules.parse(text, default_region);
            }
        }
        let Ok(number) = parsed else {
            return Reading::NotANumber;
        };
        if !plans.rules.is_valid_number(&number) {
            return Reading::Invalid;
        }
        Reading::Valid {
            country_code: number.country_code,
            e164: plans.rules.format(&number, PhoneNumberFormat::E164).into_owned(),
        }
    }

    /// The calling codes loaded so far.
    #[cfg(test)]
    pub fn loaded_codes(&self) -> BTreeSet<i32> {
        self.current().codes.clone()
    }

    fn current(&self) -> Arc<LoadedPlans> {
        Arc::clone(&self.loaded.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Rebuilds the rules with these codes added (a few entries build in well under a
    /// millisecond), or with every code once more than [`WHOLE_AFTER`] are wanted. Should that
    /// fail, the rules in place stay, and the number is refused as one with an unknown code.
    fn load(&self, codes: &BTreeSet<i32>) -> Arc<LoadedPlans> {
        let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        let mut wanted: BTreeSet<i32> = loaded.codes.union(codes).copied().collect();
        if wanted.len() == loaded.codes.len() {
            return Arc::clone(&loaded);
        }
        if wanted.len() > WHOLE_AFTER {
            wanted = ENTRIES.keys().copied().collect();
        }
        match rules_for(&wanted) {
            Ok(rules) => *loaded = Arc::new(LoadedPlans { codes: wanted, rules }),
            Err(error) => tracing::error!(%error, ?codes, "numbering plans could not be loaded"),
        }
        Arc::clone(&loaded)
    }
}

/// The metadata's one field, its entries, kept as slices of [`METADATA`].
#[derive(Clone, PartialEq, Message)]
struct EntryList {
    #[prost(bytes = "bytes", repeated, tag = "1")]
    entries: Vec<Bytes>,
}

/// The one field of an entry the index needs (`PhoneMetadata.country_code`); protobuf skips
/// the others without decoding them.
#[derive(Clone, PartialEq, Message)]
struct EntryCallingCode {
    #[prost(int32, optional, tag = "10")]
    country_code: Option<i32>,
}

/// The entries by calling code. The metadata is compiled in, so an entry that cannot be read
/// is a defect a test finds (it requires all 254), not a state a request meets.
fn index_entries() -> BTreeMap<i32, Vec<Bytes>> {
    let mut entries: BTreeMap<i32, Vec<Bytes>> = BTreeMap::new();
    let list = EntryList::decode(Bytes::from_static(METADATA)).unwrap_or_default();
    for entry in list.entries {
        if let Some(code) = EntryCallingCode::decode(entry.clone())
            .ok()
            .and_then(|e| e.country_code)
        {
            entries.entry(code).or_default().push(entry);
        }
    }
    entries
}

/// libphonenumber's rules for these calling codes' entries alone.
fn rules_for(codes: &BTreeSet<i32>) -> Result<PhoneNumberUtil, InvalidRegionError> {
    let metadata = codes
        .iter()
        .filter_map(|code| ENTRIES.get(code))
        .flatten()
        .filter_map(|entry| PhoneMetadata::decode(entry.clone()).ok())
        .collect();
    PhoneNumberUtil::new_for_metadata(PhoneMetadataCollection { metadata })
}

/// Every calling code libphonenumber could find in `text`: the first one to three digits of
/// where it reads the number, with and without Norway's international prefix. It reads from
/// the first digit or plus sign, or, in an RFC 3966 number, from the phone context followed by
/// what comes after "tel:"; it may cut the end (an extension) and keeps digits alone, or maps
/// letters to digits when it sees three, so both of those spellings are taken. Too many codes
/// is harmless (a code loaded for nothing); too few would refuse a valid number, which the
/// property test would find.
fn codes_written_in(rules: &PhoneNumberUtil, text: &str) -> BTreeSet<i32> {
    let is_digit = |c: char| !rules.normalize_digits_only(c.encode_utf8(&mut [0; 4])).is_empty();
    let mut starts = Vec::new();
    if let Some(start) = text.find(|c: char| PLUS_SIGNS.contains(&c) || is_digit(c)) {
        starts.push(text.get(start..).unwrap_or_default().to_string());
    }
    if let Some(at) = text.find(PHONE_CONTEXT) {
        let rest = text.get(at + PHONE_CONTEXT.len()..).unwrap_or_default();
        let context = rest.split(';').next().unwrap_or_default();
        let national_from = text.find(RFC3966_PREFIX).map_or(0, |i| i + RFC3966_PREFIX.len());
        let national = text.get(national_from..at).unwrap_or_default();
        let context = if context.starts_with(PLUS_SIGNS) { context } else { "" };
        starts.push(format!("{context}{national}"));
    }
    let mut codes = BTreeSet::new();
    for start in &starts {
        let written = start.trim_start_matches(PLUS_SIGNS);
        let digits_alone = rules.normalize_digits_only(written);
        // Three letters at the end make libphonenumber map letters to digits; its mapping
        // drops a line feed, which would otherwise stop it from seeing them.
        let letters_mapped = rules.normalize(format!("{}aaa", written.replace('\n', "")));
        for digits in [digits_alone, letters_mapped] {
            let after_prefix = digits.strip_prefix(HOME_INTERNATIONAL_PREFIX).map(str::to_string);
            for digits in [Some(digits), after_prefix].into_iter().flatten() {
                codes.extend((1..=3).filter_map(|len| digits.get(..len)?.parse::<i32>().ok()));
            }
        }
    }
    codes
}

#[cfg(test)]
mod tests;
