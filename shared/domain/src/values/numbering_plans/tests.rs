//! The plans loaded code by code against the crate's own whole metadata.

use super::*;
use proptest::prelude::*;
use rlibphonenumber::PHONE_NUMBER_UTIL;

/// What the crate's own rules, every entry loaded, make of a number.
fn whole_reading(text: &str, default_region: Option<Region>) -> Reading {
    let rules = &*PHONE_NUMBER_UTIL;
    let Ok(number) = rules.parse(text, default_region) else {
        return Reading::NotANumber;
    };
    if !rules.is_valid_number(&number) {
        return Reading::Invalid;
    }
    Reading::Valid {
        country_code: number.country_code,
        e164: rules.format(&number, PhoneNumberFormat::E164).into_owned(),
    }
}

fn plans() -> NumberingPlans {
    NumberingPlans::new().unwrap_or_else(|e| panic!("Norway's plan builds: {e}"))
}

#[test]
fn the_copy_of_the_metadata_is_the_crates_own() {
    let list = EntryList::decode(Bytes::from_static(METADATA)).unwrap_or_default();
    assert_eq!(list.entries.len(), 254, "every entry of the copy");
    assert_eq!(
        ENTRIES.values().map(Vec::len).sum::<usize>(),
        254,
        "every entry indexed by its code"
    );
    let all: BTreeSet<i32> = ENTRIES.keys().copied().collect();
    let crates: BTreeSet<i32> = PHONE_NUMBER_UTIL.get_supported_calling_codes().collect();
    assert_eq!(all, crates);
    let copy = rules_for(&all).unwrap_or_else(|e| panic!("the whole copy builds: {e}"));
    let regions: BTreeSet<String> = copy.get_supported_regions().map(|r| r.to_string()).collect();
    let crates_regions: BTreeSet<String> = PHONE_NUMBER_UTIL
        .get_supported_regions()
        .map(|r| r.to_string())
        .collect();
    assert_eq!(regions, crates_regions);
    for region in PHONE_NUMBER_UTIL.get_supported_regions() {
        let types = PHONE_NUMBER_UTIL.get_supported_types_for_region(region);
        assert_eq!(copy.get_supported_types_for_region(region), types, "{region}");
        for kind in types.into_iter().flatten() {
            assert_eq!(
                copy.get_example_number_for_type_and_region(region, kind).ok(),
                PHONE_NUMBER_UTIL
                    .get_example_number_for_type_and_region(region, kind)
                    .ok(),
                "{region} {kind:?}"
            );
        }
    }
    for code in PHONE_NUMBER_UTIL.get_supported_global_network_calling_codes() {
        assert_eq!(
            copy.get_example_number_for_non_geo_entity(code).ok(),
            PHONE_NUMBER_UTIL.get_example_number_for_non_geo_entity(code).ok(),
            "+{code}"
        );
    }
}

#[test]
fn norways_international_prefix_is_the_one_the_codes_are_looked_for_after() {
    let norway = ENTRIES
        .get(&HOME_CODE)
        .into_iter()
        .flatten()
        .filter_map(|entry| PhoneMetadata::decode(entry.clone()).ok())
        .find(|m| m.id == "NO");
    // The metadata holds it as an anchored pattern: exactly "00". (The field is deprecated for
    // the crate's own wrapper, which keeps it elsewhere; decoded here it is the metadata's.)
    #[allow(deprecated)]
    let prefix = norway.and_then(|m| m.international_prefix);
    assert_eq!(prefix, Some(format!("^(?:{HOME_INTERNATIONAL_PREFIX})$")));
}

#[test]
fn a_code_is_loaded_when_a_number_is_written_with_it_and_not_before() {
    let plans = plans();
    assert_eq!(plans.loaded_codes(), BTreeSet::from([47]));
    let norwegian = plans.read("+47 912 34 567", Some(HOME_REGION));
    assert_eq!(
        norwegian,
        Reading::Valid {
            country_code: 47,
            e164: "+4791234567".into()
        }
    );
    assert_eq!(plans.read("912 34 567", Some(HOME_REGION)), norwegian);
    assert_eq!(
        plans.loaded_codes(),
        BTreeSet::from([47]),
        "Norway's numbers need nothing more"
    );

    let swedish = plans.read("0046 70 123 45 67", Some(HOME_REGION));
    assert_eq!(
        swedish,
        Reading::Valid {
            country_code: 46,
            e164: "+46701234567".into()
        }
    );
    assert_eq!(plans.loaded_codes(), BTreeSet::from([46, 47]));
    assert_eq!(
        plans.read("+44 7400 123456", None),
        whole_reading("+44 7400 123456", None)
    );
    assert_eq!(plans.loaded_codes(), BTreeSet::from([44, 46, 47]));

    assert_eq!(plans.read("+999 1234 5678", Some(HOME_REGION)), Reading::NotANumber);
    assert_eq!(plans.loaded_codes(), BTreeSet::from([44, 46, 47]), "no region has +999");
    assert!(is_calling_code(47) && is_calling_code(1) && is_calling_code(979));
    assert!(!is_calling_code(999) && !is_calling_code(0));
}

#[test]
fn past_the_codes_loaded_one_by_one_every_code_is_loaded() {
    let plans = plans();
    let codes: Vec<i32> = ENTRIES.keys().copied().filter(|c| *c != HOME_CODE).collect();
    for code in codes.iter().take(WHOLE_AFTER - 1) {
        plans.read(&format!("+{code} 1234 5678"), None);
    }
    assert_eq!(plans.loaded_codes().len(), WHOLE_AFTER, "one by one up to the limit");
    let next = codes.get(WHOLE_AFTER - 1).copied().unwrap_or_default();
    let text = format!("+{next} 1234 5678");
    assert_eq!(plans.read(&text, None), whole_reading(&text, None));
    assert_eq!(
        plans.loaded_codes(),
        ENTRIES.keys().copied().collect(),
        "then the whole"
    );
}

#[test]
fn the_spellings_libphonenumber_reads_its_own_way_load_their_codes() {
    for text in [
        // the code in an RFC 3966 phone context, whole or as the start of the number
        "tel:20-7946-0958;phone-context=+44",
        "tel:4-20-7946-0958;phone-context=+4",
        // a plus before Norway's international prefix
        "+00 46 70 123 45 67",
        // letters read as digits ("+x4x9x…" is +94 99…, an "x" being punctuation too), after a
        // character that is numeric but no digit, and before a line feed that libphonenumber
        // trims
        "+x4x9x 1234567",
        "\u{00B2}ab+x4x9x 1234567",
        "+x4x9x 1234567\n",
    ] {
        let whole = whole_reading(text, Some(HOME_REGION));
        assert_ne!(whole, Reading::NotANumber, "{text:?} is a number to the whole metadata");
        assert_eq!(plans().read(text, Some(HOME_REGION)), whole, "{text:?}");
    }
}

/// Numbers as people and systems write them: a plus (ASCII or full width), Norway's
/// international prefix or a national zero, a calling code in use or not, digits with
/// separators and letters, an extension, RFC 3966 parts; and loose strings of the characters
/// libphonenumber treats apart (full-width and Arabic-Indic digits, a superscript two).
fn written_number() -> impl Strategy<Value = String> {
    let codes: Vec<i32> = ENTRIES.keys().copied().collect();
    let code = prop_oneof![
        3 => proptest::sample::select(codes).prop_map(|c| c.to_string()),
        1 => "[0-9]{1,3}",
    ];
    let start = proptest::sample::select(vec![
        "", "+", "\u{FF0B}", "00", "+00", "0", "tel:", "tel:+", "++", " (", "a+",
    ]);
    // Noise before the number, and letters inside it, which libphonenumber maps to digits
    // when it sees three.
    let noise = "[\u{00B2}a-z ]{0,4}";
    let body = ("[0-9 ()./x-]{0,8}", "[a-z]{0,3}", "[0-9 ()./x-]{0,6}").prop_map(|(a, b, c)| format!("{a}{b}{c}"));
    let end = proptest::sample::select(vec![
        "",
        "",
        " ext. 12",
        ";ext=7",
        " x302/x2303",
        ";phone-context=+44",
        ";phone-context=+1",
        ";phone-context=example.com",
        ";isub=12",
        "abc",
        "\n",
        "#",
    ]);
    let structured = (noise, start, code, body, end).prop_map(|(n, s, c, b, e)| format!("{n}{s}{c}{b}{e}"));
    let loose = "[0-9+\u{FF0B}\u{FF14}\u{0663}\u{00B2} A-Za-z;=:.()/\n-]{0,24}";
    prop_oneof![4 => structured, 1 => loose]
}

fn default_region() -> impl Strategy<Value = Option<Region>> {
    prop_oneof![Just(Some(HOME_REGION)), Just(None)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// From Norway's plan alone, each number reads as it does with the whole metadata.
    #[test]
    fn a_number_reads_as_with_the_whole_metadata(text in written_number(), region in default_region()) {
        prop_assert_eq!(plans().read(&text, region), whole_reading(&text, region));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// Plans that grow over many numbers, as a function's do, read each as the whole does.
    #[test]
    fn numbers_read_by_growing_plans_read_as_with_the_whole_metadata(
        texts in proptest::collection::vec((written_number(), default_region()), 1..8)
    ) {
        static SHARED: LazyLock<NumberingPlans> = LazyLock::new(plans);
        for (text, region) in texts {
            prop_assert_eq!(SHARED.read(&text, region), whole_reading(&text, region), "{}", text);
        }
    }
}
