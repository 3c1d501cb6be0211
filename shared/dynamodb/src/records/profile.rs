//! A profile as stored: the item's attributes, and the mapping to and from the domain's
//! `Customer`. Reading re-parses every value with the domain's own parsers, so what was
//! accepted reads back equal, and a damaged item is named instead of passed on.

use chrono::{DateTime, Utc};
use customers_domain::accounts::{ALIAS, CustomerAccount};
use customers_domain::addresses::{ADDRESS_LINE, AddressType, POST_CODE, PostalAddress, PostalAddressDetails, TOWN};
use customers_domain::customer::{ChangeStamp, Customer, ProfileType, Status};
use customers_domain::ecards::{Ecard, EcardDetails, NAME, OPERATOR, parse_number16};
use customers_domain::notes::{Note, NoteDetails, TEXT};
use customers_domain::preferences::ChosenPreference;
use customers_domain::preferences::choices::VALUE;
use customers_domain::problems::FieldError;
use customers_domain::values::{
    AccountId, Actor, Channel, Country, CustomerNumber, CustomerRef, CustomerUuid, DateOfBirth, EmailAddress, ItemId,
    LandlineNumber, Language, MobileNumber, OrganisationId, PersonName, Version, VippsId, format_instant,
    parse_instant,
};
use serde::{Deserialize, Serialize};

/// Collects what cannot be read, attribute by attribute.
#[derive(Default)]
pub(crate) struct Reader {
    faults: Vec<String>,
}

impl Reader {
    pub(crate) fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.faults.push(format!("{}: {}", e.field, e.message));
                None
            }
        }
    }

    pub(crate) fn opt<T>(&mut self, raw: Option<Result<T, FieldError>>) -> Option<T> {
        raw.and_then(|r| self.take(r))
    }

    pub(crate) fn instant(&mut self, field: &str, raw: &str) -> Option<DateTime<Utc>> {
        self.take(parse_instant(field, raw))
    }

    pub(crate) fn opt_instant(&mut self, field: &str, raw: Option<&str>) -> Option<DateTime<Utc>> {
        raw.and_then(|r| self.instant(field, r))
    }

    pub(crate) fn fault(&mut self, message: String) {
        self.faults.push(message);
    }

    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, String> {
        match value {
            Some(v) if self.faults.is_empty() => Ok(v),
            _ => Err(if self.faults.is_empty() {
                "a required attribute is missing".to_string()
            } else {
                self.faults.join("; ")
            }),
        }
    }
}

fn instant(t: &DateTime<Utc>) -> String {
    format_instant(t)
}

fn opt_instant(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(format_instant)
}

/// What a stamp's parts are called in a fault: written out, not formatted for every read.
struct StampNames {
    by: &'static str,
    channel: &'static str,
    at: &'static str,
}

const CREATED: StampNames = StampNames {
    by: "created.by",
    channel: "created.channel",
    at: "created.at",
};
const CHANGED: StampNames = StampNames {
    by: "changed.by",
    channel: "changed.channel",
    at: "changed.at",
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StampRecord {
    by: String,
    channel: String,
    at: String,
}

impl StampRecord {
    fn of(s: &ChangeStamp) -> Self {
        Self {
            by: s.by.to_string(),
            channel: s.channel.to_string(),
            at: instant(&s.at),
        }
    }

    fn read(&self, r: &mut Reader, names: &StampNames) -> Option<ChangeStamp> {
        let by = r.take(Actor::parse(names.by, &self.by));
        let channel = r.take(Channel::parse(names.channel, &self.channel));
        let at = r.instant(names.at, &self.at);
        Some(ChangeStamp {
            by: by?,
            channel: channel?,
            at: at?,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MobileRecord {
    country_code: String,
    national_number: String,
    e164: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LanguageRecord {
    iso6393: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    legacy: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddressRecord {
    id: i64,
    town: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    post_code: Option<String>,
    country_code: String,
    type_of_address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verified_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address_line1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address_line2: Option<String>,
    created_at: String,
    changed_at: String,
}

impl AddressRecord {
    fn of(a: &PostalAddress) -> Self {
        let d = &a.details;
        Self {
            id: a.id.value(),
            town: d.town.clone(),
            post_code: d.post_code.clone(),
            country_code: d.country.to_string(),
            type_of_address: d.kind.code().to_string(),
            verified_at: opt_instant(&d.verified_at),
            address_line1: d.address_line1.clone(),
            address_line2: d.address_line2.clone(),
            created_at: instant(&a.created_at),
            changed_at: instant(&a.changed_at),
        }
    }

    fn read(&self, r: &mut Reader) -> Option<PostalAddress> {
        let id = r.take(ItemId::parse("postalAddresses.id", self.id));
        let country = r.take(Country::parse("postalAddresses.countryCode", &self.country_code));
        let kind = r.take(AddressType::parse(
            "postalAddresses.typeOfAddress",
            &self.type_of_address,
        ));
        let verified_at = r.opt_instant("postalAddresses.verifiedAt", self.verified_at.as_deref());
        let created_at = r.instant("postalAddresses.createdAt", &self.created_at);
        let changed_at = r.instant("postalAddresses.changedAt", &self.changed_at);
        let town = r.take(TOWN.parse("postalAddresses.town", &self.town));
        let post_code = r.take(POST_CODE.parse_opt("postalAddresses.postCode", self.post_code.as_deref()));
        let line1 = r.take(ADDRESS_LINE.parse_opt("postalAddresses.addressLine1", self.address_line1.as_deref()));
        let line2 = r.take(ADDRESS_LINE.parse_opt("postalAddresses.addressLine2", self.address_line2.as_deref()));
        Some(PostalAddress {
            id: id?,
            details: PostalAddressDetails {
                town: town?,
                post_code: post_code?,
                country: country?,
                kind: kind?,
                verified_at,
                address_line1: line1?,
                address_line2: line2?,
            },
            created_at: created_at?,
            changed_at: changed_at?,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountRecord {
    id: i64,
    account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alias: Option<String>,
    created_by: String,
    created_at: String,
    changed_by: String,
    changed_at: String,
}

impl AccountRecord {
    fn of(a: &CustomerAccount) -> Self {
        Self {
            id: a.id.value(),
            account_id: a.account_id.to_string(),
            alias: a.alias.clone(),
            created_by: a.created_by.to_string(),
            created_at: instant(&a.created_at),
            changed_by: a.changed_by.to_string(),
            changed_at: instant(&a.changed_at),
        }
    }

    fn read(&self, r: &mut Reader) -> Option<CustomerAccount> {
        let id = r.take(ItemId::parse("customerAccounts.id", self.id));
        let account_id = r.take(AccountId::parse("customerAccounts.accountId", &self.account_id));
        let created_by = r.take(Actor::parse("customerAccounts.createdBy", &self.created_by));
        let changed_by = r.take(Actor::parse("customerAccounts.changedBy", &self.changed_by));
        let created_at = r.instant("customerAccounts.createdAt", &self.created_at);
        let changed_at = r.instant("customerAccounts.changedAt", &self.changed_at);
        let alias = r.take(ALIAS.parse_opt("customerAccounts.alias", self.alias.as_deref()));
        Some(CustomerAccount {
            id: id?,
            account_id: account_id?,
            alias: alias?,
            created_by: created_by?,
            created_at: created_at?,
            changed_by: changed_by?,
            changed_at: changed_at?,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChosenRecord {
    preference_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preference_value: Option<String>,
    created_at: String,
    changed_at: String,
}

impl ChosenRecord {
    fn of(c: &ChosenPreference) -> Self {
        Self {
            preference_id: c.preference_id.value(),
            preference_value: c.value.clone(),
            created_at: instant(&c.created_at),
            changed_at: instant(&c.changed_at),
        }
    }

    fn read(&self, r: &mut Reader) -> Option<ChosenPreference> {
        let id = r.take(ItemId::parse("preferences.preferenceId", self.preference_id));
        let created_at = r.instant("preferences.createdAt", &self.created_at);
        let changed_at = r.instant("preferences.changedAt", &self.changed_at);
        let value = r.take(VALUE.parse_opt("preferences.preferenceValue", self.preference_value.as_deref()));
        Some(ChosenPreference {
            preference_id: id?,
            value: value?,
            created_at: created_at?,
            changed_at: changed_at?,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EcardRecord {
    id: i64,
    ecard_number: i64,
    ecard_operator: String,
    ecard_number16digits: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ecard_name: Option<String>,
    start_of_ownership: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end_of_ownership: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    booking_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shipping_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expiration_date: Option<String>,
    created_at: String,
    changed_at: String,
}

impl EcardRecord {
    fn of(e: &Ecard) -> Self {
        let d = &e.details;
        Self {
            id: e.id.value(),
            ecard_number: d.ecard_number,
            ecard_operator: d.ecard_operator.clone(),
            ecard_number16digits: d.ecard_number16digits.clone(),
            ecard_name: d.ecard_name.clone(),
            start_of_ownership: instant(&e.start_of_ownership()),
            end_of_ownership: opt_instant(&d.end_of_ownership),
            booking_date: opt_instant(&d.booking_date),
            shipping_date: opt_instant(&d.shipping_date),
            expiration_date: opt_instant(&d.expiration_date),
            created_at: instant(&e.created_at),
            changed_at: instant(&e.changed_at),
        }
    }

    fn read(&self, r: &mut Reader) -> Option<Ecard> {
        let id = r.take(ItemId::parse("ecards.id", self.id));
        let start = r.instant("ecards.startOfOwnership", &self.start_of_ownership);
        let end = r.opt_instant("ecards.endOfOwnership", self.end_of_ownership.as_deref());
        let booking = r.opt_instant("ecards.bookingDate", self.booking_date.as_deref());
        let shipping = r.opt_instant("ecards.shippingDate", self.shipping_date.as_deref());
        let expiration = r.opt_instant("ecards.expirationDate", self.expiration_date.as_deref());
        let created_at = r.instant("ecards.createdAt", &self.created_at);
        let changed_at = r.instant("ecards.changedAt", &self.changed_at);
        let operator = r.take(OPERATOR.parse("ecards.ecardOperator", &self.ecard_operator));
        let digits = r.take(parse_number16("ecards.ecardNumber16digits", &self.ecard_number16digits));
        let name = r.take(NAME.parse_opt("ecards.ecardName", self.ecard_name.as_deref()));
        Some(Ecard {
            id: id?,
            details: EcardDetails {
                ecard_number: self.ecard_number,
                ecard_operator: operator?,
                ecard_number16digits: digits?,
                ecard_name: name?,
                start_of_ownership: Some(start?),
                end_of_ownership: end,
                booking_date: booking,
                shipping_date: shipping,
                expiration_date: expiration,
            },
            created_at: created_at?,
            changed_at: changed_at?,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NoteRecord {
    id: i64,
    text: String,
    created_by: String,
    created_at: String,
}

impl NoteRecord {
    fn of(n: &Note) -> Self {
        Self {
            id: n.id.value(),
            text: n.details.text.clone(),
            created_by: n.details.created_by.to_string(),
            created_at: instant(&n.created_at),
        }
    }

    fn read(&self, r: &mut Reader) -> Option<Note> {
        let id = r.take(ItemId::parse("notes.id", self.id));
        let created_by = r.take(Actor::parse("notes.createdBy", &self.created_by));
        let created_at = r.instant("notes.createdAt", &self.created_at);
        let text = r.take(TEXT.parse("notes.text", &self.text));
        Some(Note {
            id: id?,
            details: NoteDetails {
                text: text?,
                created_by: created_by?,
            },
            created_at: created_at?,
        })
    }
}

/// The profile item's own attributes (keys, TTL and the password hash are added by the store).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProfileRecord {
    customer_number: i64,
    organisation_id: i64,
    uuid: String,
    status: String,
    profile_type: String,
    first_name: String,
    surname: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email_old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email_verified_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    vipps_id: Option<String>,
    customer_ref: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mobile: Option<MobileRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    telephone_number_verified_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    landline_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date_of_birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nationality: Option<String>,
    language: LanguageRecord,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expiration_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer_account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_sign_in_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_sign_in_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_id: Option<i64>,
    #[serde(default)]
    related_customer_numbers: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    merged_into: Option<i64>,
    created: StampRecord,
    changed: StampRecord,
    version: u64,
    #[serde(default)]
    postal_addresses: Vec<AddressRecord>,
    #[serde(default)]
    customer_accounts: Vec<AccountRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_account: Option<String>,
    #[serde(default)]
    preferences: Vec<ChosenRecord>,
    #[serde(default)]
    ecards: Vec<EcardRecord>,
    #[serde(default)]
    notes: Vec<NoteRecord>,
}

impl ProfileRecord {
    pub(crate) fn of(c: &Customer) -> Self {
        Self {
            customer_number: c.customer_number.value(),
            organisation_id: c.organisation_id.value(),
            uuid: c.uuid.to_string(),
            status: c.status.code().to_string(),
            profile_type: c.profile_type.code().to_string(),
            first_name: c.first_name.to_string(),
            surname: c.surname.to_string(),
            email: c.email.as_ref().map(ToString::to_string),
            email_old: c.email_old.as_ref().map(ToString::to_string),
            username: c.username.as_ref().map(ToString::to_string),
            email_verified_at: opt_instant(&c.email_verified_at),
            vipps_id: c.vipps_id.as_ref().map(ToString::to_string),
            customer_ref: c.customer_ref.to_string(),
            mobile: c.mobile.as_ref().map(|m| MobileRecord {
                country_code: m.country_code().to_string(),
                national_number: m.national_number().to_string(),
                e164: m.e164().to_string(),
            }),
            telephone_number_verified_at: opt_instant(&c.telephone_number_verified_at),
            landline_number: c.landline_number.as_ref().map(|l| l.as_str().to_string()),
            date_of_birth: c.date_of_birth.map(DateOfBirth::iso),
            nationality: c.nationality.as_ref().map(ToString::to_string),
            language: LanguageRecord {
                iso6393: c.language.iso6393().to_string(),
                legacy: c.language.legacy().map(str::to_string),
            },
            expiration_date: opt_instant(&c.expiration_date),
            customer_account_id: c.customer_account_id.as_ref().map(ToString::to_string),
            last_sign_in_at: opt_instant(&c.last_sign_in_at),
            last_sign_in_from: c.last_sign_in_from.as_ref().map(ToString::to_string),
            parent_id: c.parent_id.map(CustomerNumber::value),
            related_customer_numbers: c.related_customer_numbers.iter().map(|n| n.value()).collect(),
            merged_into: c.merged_into.map(CustomerNumber::value),
            created: StampRecord::of(&c.created),
            changed: StampRecord::of(&c.changed),
            version: c.version.value(),
            postal_addresses: c.postal_addresses.iter().map(AddressRecord::of).collect(),
            customer_accounts: c.customer_accounts.iter().map(AccountRecord::of).collect(),
            default_account: c.default_account.as_ref().map(ToString::to_string),
            preferences: c.preferences.iter().map(ChosenRecord::of).collect(),
            ecards: c.ecards.iter().map(EcardRecord::of).collect(),
            notes: c.notes.iter().map(NoteRecord::of).collect(),
        }
    }

    /// The profile, or what is wrong with the stored attributes.
    pub(crate) fn into_customer(self) -> Result<Customer, String> {
        let mut r = Reader::default();
        let email = |r: &mut Reader, field: &str, raw: &Option<String>| {
            r.opt(raw.as_deref().map(|v| EmailAddress::parse(field, v)))
        };
        let number = r.take(CustomerNumber::parse("customerNumber", self.customer_number));
        let organisation_id = r.take(OrganisationId::parse("organisationId", self.organisation_id));
        let uuid = r.take(CustomerUuid::parse("uuid", &self.uuid));
        let status = Status::from_code(&self.status);
        if status.is_none() {
            r.fault(format!("status: {} is not a status", self.status));
        }
        let profile_type = ProfileType::from_code(&self.profile_type);
        if profile_type.is_none() {
            r.fault(format!("profileType: {} is not a profile type", self.profile_type));
        }
        let first_name = r.take(PersonName::parse("firstName", &self.first_name));
        let surname = r.take(PersonName::parse("surname", &self.surname));
        let mail = email(&mut r, "email", &self.email);
        let email_old = email(&mut r, "emailOld", &self.email_old);
        let username = email(&mut r, "username", &self.username);
        let email_verified_at = r.opt_instant("emailVerifiedAt", self.email_verified_at.as_deref());
        let vipps_id = r.opt(self.vipps_id.as_deref().map(|v| VippsId::parse("vippsId", v)));
        let customer_ref = r.take(CustomerRef::parse("customerRef", &self.customer_ref));
        let mobile = r.opt(
            self.mobile
                .as_ref()
                .map(|m| MobileNumber::from_stored("mobile", &m.country_code, &m.national_number, &m.e164)),
        );
        let telephone_number_verified_at = r.opt_instant(
            "telephoneNumberVerifiedAt",
            self.telephone_number_verified_at.as_deref(),
        );
        let landline_number = r.opt(
            self.landline_number
                .as_deref()
                .map(|v| LandlineNumber::from_stored("landlineNumber", v)),
        );
        let date_of_birth = r.opt(
            self.date_of_birth
                .as_deref()
                .map(|v| DateOfBirth::from_stored("dateOfBirth", v)),
        );
        let nationality = r.opt(self.nationality.as_deref().map(|v| Country::parse("nationality", v)));
        let language = r.take(Language::parse(
            Some(self.language.iso6393.as_str()),
            self.language.legacy.as_deref(),
        ));
        let expiration_date = r.opt_instant("expirationDate", self.expiration_date.as_deref());
        let customer_account_id = r.opt(
            self.customer_account_id
                .as_deref()
                .map(|v| AccountId::parse("customerAccountId", v)),
        );
        let last_sign_in_at = r.opt_instant("lastSignInAt", self.last_sign_in_at.as_deref());
        let last_sign_in_from = r.opt(
            self.last_sign_in_from
                .as_deref()
                .map(|v| Channel::parse("lastSignInFrom", v)),
        );
        let parent_id = r.opt(self.parent_id.map(|v| CustomerNumber::parse("parentId", v)));
        let related: Vec<CustomerNumber> = self
            .related_customer_numbers
            .iter()
            .filter_map(|n| r.take(CustomerNumber::parse("relatedCustomerNumbers", *n)))
            .collect();
        let merged_into = r.opt(self.merged_into.map(|v| CustomerNumber::parse("mergedInto", v)));
        let created = self.created.read(&mut r, &CREATED);
        let changed = self.changed.read(&mut r, &CHANGED);
        let version = r.take(Version::parse("version", self.version));
        let postal_addresses: Vec<PostalAddress> =
            self.postal_addresses.iter().filter_map(|a| a.read(&mut r)).collect();
        let customer_accounts: Vec<CustomerAccount> =
            self.customer_accounts.iter().filter_map(|a| a.read(&mut r)).collect();
        let default_account = r.opt(
            self.default_account
                .as_deref()
                .map(|v| AccountId::parse("defaultAccount", v)),
        );
        let preferences: Vec<ChosenPreference> = self.preferences.iter().filter_map(|p| p.read(&mut r)).collect();
        let ecards: Vec<Ecard> = self.ecards.iter().filter_map(|e| e.read(&mut r)).collect();
        let notes: Vec<Note> = self.notes.iter().filter_map(|n| n.read(&mut r)).collect();
        let customer = (|| {
            Some(Customer {
                customer_number: number?,
                organisation_id: organisation_id?,
                uuid: uuid?,
                status: status?,
                profile_type: profile_type?,
                first_name: first_name?,
                surname: surname?,
                email: mail,
                email_old,
                username,
                email_verified_at,
                vipps_id,
                customer_ref: customer_ref?,
                mobile,
                telephone_number_verified_at,
                landline_number,
                date_of_birth,
                nationality,
                language: language?,
                expiration_date,
                customer_account_id,
                last_sign_in_at,
                last_sign_in_from,
                parent_id,
                related_customer_numbers: related,
                merged_into,
                created: created?,
                changed: changed?,
                version: version?,
                postal_addresses,
                customer_accounts,
                default_account,
                preferences,
                ecards,
                notes,
            })
        })();
        r.finish(customer)
    }
}
