//! Whatever a parser accepts is stored and read back equal: for every kind of value, arbitrary
//! input (any text, dates in any year, numbers of any size) that parses is put into a profile,
//! written as an item and read again, and the profile read must be the profile written.

use super::ProfileRecord;
use crate::items::Item;
use chrono::{NaiveDate, TimeZone, Utc};
use customers_domain::Customer;
use customers_domain::accounts::{ALIAS, CustomerAccount};
use customers_domain::addresses::{ADDRESS_LINE, AddressType, POST_CODE, PostalAddress, PostalAddressDetails, TOWN};
use customers_domain::customer::ChangeStamp;
use customers_domain::ecards::{Ecard, EcardDetails, NAME, OPERATOR};
use customers_domain::notes::{Note, NoteDetails, TEXT};
use customers_domain::preferences::ChosenPreference;
use customers_domain::preferences::choices::VALUE;
use customers_domain::testing::{new_customer, organisation};
use customers_domain::values::{
    AccountId, Actor, Channel, Country, CustomerNumber, CustomerRef, DateOfBirth, EmailAddress, ItemId, LandlineNumber,
    Language, MobileNumber, PersonName, VippsId, parse_instant,
};
use proptest::prelude::*;

fn base() -> Customer {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap_or_default();
    let number = CustomerNumber::parse("n", 1_000_000_001).unwrap_or_else(|e| panic!("{e:?}"));
    new_customer(organisation(7), Some("ola@nordmann.org")).into_customer(number, now)
}

/// Writes the profile as an item and reads it back, as the store does; `serde_dynamo`'s own
/// reader, the reference, must read the same profile from it.
fn round_trip(c: &Customer) -> Result<Customer, String> {
    let item: Item = serde_dynamo::to_item(ProfileRecord::of(c)).map_err(|e| e.to_string())?;
    let reference = serde_dynamo::from_item::<_, ProfileRecord>(item.clone())
        .map_err(|e| e.to_string())
        .and_then(ProfileRecord::into_customer);
    let read = super::from_item::<ProfileRecord>(item)
        .map_err(|e| e.to_string())
        .and_then(ProfileRecord::into_customer);
    assert_eq!(read, reference, "the store's reader and serde_dynamo's disagree");
    read
}

fn assert_reads_back(c: &Customer) {
    assert_eq!(round_trip(c).as_ref(), Ok(c));
}

/// Any text at all, and texts near the edges of what the rules take.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,120}",
        "[ \\t\\n\\u{0}\\u{7f}\\u{85}a-zA-Z\u{e6}\u{f8}\u{e5}\u{1f600}]{0,40}",
        proptest::collection::vec("[\\u{10000}-\\u{10ffff}]", 0..600).prop_map(|v| v.concat()),
        "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\u{e6}\u{1f600}-]{1,70}@[a-z0-9\u{e5}-]{1,20}\\.[a-z]{2,6}",
    ]
}

/// Date and date-time texts in every year, with and without signs, offsets and fractions.
fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+-]?[0-9]{1,6}-[0-9]{2}-[0-9]{2}",
        "[+-]?[0-9]{1,6}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?(Z|z|[+-][0-9]{2}:[0-9]{2})",
        "(0000|0001|9999|10000)-(01|12)-(01|31)T(00|23):(00|59):(00|59)(\\.999999999)?(Z|-01:00|\\+01:00|\\+14:00)",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn names_emails_and_identifiers_read_back(raw in text()) {
        let mut c = base();
        if let Ok(name) = PersonName::parse("firstName", &raw) {
            c.first_name = name.clone();
            c.surname = name;
        }
        if let Ok(email) = EmailAddress::parse("email", &raw) {
            c.email = Some(email.clone());
            c.username = Some(email.clone());
            c.email_old = Some(email);
        }
        if let Ok(v) = VippsId::parse("vippsId", &raw) {
            c.vipps_id = Some(v);
        }
        if let Ok(r) = CustomerRef::parse("customerRef", &raw) {
            c.customer_ref = r;
        }
        if let Ok(a) = AccountId::parse("customerAccountId", &raw) {
            c.customer_account_id = Some(a);
        }
        if let (Ok(by), Ok(channel)) = (Actor::parse("changedBy", &raw), Channel::parse("changedByChannel", &raw)) {
            c.changed = ChangeStamp { by, channel: channel.clone(), at: c.changed.at };
            c.last_sign_in_from = Some(channel);
        }
        assert_reads_back(&c);
    }

    #[test]
    fn telephone_numbers_languages_and_countries_read_back(raw in text(), code in "\\+?[0-9]{0,4}", digits in "[0-9 ]{0,16}") {
        let mut c = base();
        if let Ok(Some(m)) = MobileNumber::parse(Some(&code), Some(&digits), None) {
            c.mobile = Some(m);
        }
        if let Ok(Some(m)) = MobileNumber::parse(None, None, Some(&format!("{code}{digits}"))) {
            c.mobile = Some(m);
        }
        if let Ok(l) = LandlineNumber::parse("landlineNumber", &format!("{code}{digits}")) {
            c.landline_number = Some(l);
        }
        if let Ok(country) = Country::parse("nationality", &raw) {
            c.nationality = Some(country);
        }
        if let Ok(language) = Language::parse(Some(&raw), None) {
            c.language = language;
        }
        if let Ok(language) = Language::parse(None, Some(&raw)) {
            c.language = language;
        }
        assert_reads_back(&c);
    }

    #[test]
    fn every_accepted_date_and_instant_reads_back(raw in date_text()) {
        let mut c = base();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        if let Ok(d) = DateOfBirth::parse("dateOfBirth", &raw, today) {
            c.date_of_birth = Some(d);
        }
        if let Ok(at) = parse_instant("expirationDate", &raw) {
            c.expiration_date = Some(at);
            c.email_verified_at = Some(at);
            c.telephone_number_verified_at = Some(at);
            c.last_sign_in_at = Some(at);
            c.created.at = at;
        }
        assert_reads_back(&c);
    }

    #[test]
    fn what_hangs_off_a_profile_reads_back(raw in text(), when in date_text(), number in any::<i64>()) {
        let mut c = base();
        let at = parse_instant("at", &when).unwrap_or(c.created.at);
        let id = ItemId::parse("id", number).unwrap_or(ItemId::generate());
        let line = ADDRESS_LINE.parse("addressLine1", &raw).ok();
        if let (Ok(town), Ok(code)) = (TOWN.parse("town", &raw), POST_CODE.parse("postCode", &raw)) {
            c.postal_addresses.push(PostalAddress {
                id,
                details: PostalAddressDetails {
                    town,
                    post_code: Some(code),
                    country: Country::parse("c", "SWE").unwrap_or_else(|_| Country::norway()),
                    kind: AddressType::Invoice,
                    verified_at: Some(at),
                    address_line1: line.clone(),
                    address_line2: line,
                },
                created_at: at,
                changed_at: at,
            });
        }
        if let (Ok(account_id), Ok(alias)) = (AccountId::parse("accountId", &raw), ALIAS.parse("alias", &raw)) {
            let by = Actor::parse("by", "t").unwrap_or_else(|e| panic!("{e:?}"));
            c.customer_accounts.push(CustomerAccount {
                id,
                account_id: account_id.clone(),
                alias: Some(alias),
                created_by: by.clone(),
                created_at: at,
                changed_by: by,
                changed_at: at,
            });
            c.default_account = Some(account_id);
        }
        if let Ok(value) = VALUE.parse("preferenceValue", &raw) {
            c.preferences.push(ChosenPreference { preference_id: id, value: Some(value), created_at: at, changed_at: at });
        }
        if let (Ok(operator), Ok(name)) = (OPERATOR.parse("ecardOperator", &raw), NAME.parse("ecardName", &raw)) {
            c.ecards.push(Ecard {
                id,
                details: EcardDetails {
                    ecard_number: number,
                    ecard_operator: operator,
                    ecard_number16digits: "1234567890123456".into(),
                    ecard_name: Some(name),
                    start_of_ownership: Some(at),
                    end_of_ownership: Some(at),
                    booking_date: Some(at),
                    shipping_date: Some(at),
                    expiration_date: Some(at),
                },
                created_at: at,
                changed_at: at,
            });
        }
        if let Ok(text) = TEXT.parse("text", &raw) {
            let by = Actor::parse("by", "agent").unwrap_or_else(|e| panic!("{e:?}"));
            c.notes.push(Note { id, details: NoteDetails { text, created_by: by }, created_at: at });
        }
        assert_reads_back(&c);
    }
}

#[test]
fn a_damaged_item_is_named_not_passed_on() {
    let mut item: Item = serde_dynamo::to_item(ProfileRecord::of(&base())).unwrap_or_default();
    item.insert(
        "expirationDate".into(),
        aws_sdk_dynamodb::types::AttributeValue::S("+12026-01-01T00:00:00Z".into()),
    );
    let record: ProfileRecord = super::from_item(item).unwrap_or_else(|e| panic!("{e}"));
    let error = record.into_customer().err().unwrap_or_default();
    assert!(error.contains("expirationDate"), "{error}");
}
