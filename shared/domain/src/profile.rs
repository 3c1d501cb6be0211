//! The customer profile and the rules that shape it on create and update.

use crate::contract::{CustomerPostRequest, CustomerPutRequest, CustomerResponse, LocalDateResponse};
use crate::password::Password;
use crate::resources::{ChosenPreference, CustomerAccount, Ecard, Note, PostalAddress};
use crate::telephone::{LandlineNumber, MobileNumber};
use crate::time::{format_timestamp, timestamp};
use crate::validation::{ErrorCode, FieldError, Problems};
use crate::values::{
    Actor, Channel, CustomerNumber, CustomerRef, CustomerUuid, DateOfBirth, EmailAddress, Language,
    LegacyCustomerAccountId, Nationality, OrganisationId, PersonName, VippsId, parse_instant,
};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

/// 'A' = Active, 'P' = Passive (merged into another profile), 'D' = Deleted (deactivated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "A")]
    Active,
    #[serde(rename = "P")]
    Passive,
    #[serde(rename = "D")]
    Deleted,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Active => "A",
            Status::Passive => "P",
            Status::Deleted => "D",
        }
    }
}

/// 'S' = Standard, 'P' = Personnel ticket customer, 'T' = Temporary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileType {
    #[serde(rename = "S")]
    Standard,
    #[serde(rename = "P")]
    Personnel,
    #[serde(rename = "T")]
    Temporary,
}

impl ProfileType {
    pub fn code(self) -> &'static str {
        match self {
            ProfileType::Standard => "S",
            ProfileType::Personnel => "P",
            ProfileType::Temporary => "T",
        }
    }

    fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "S" => Ok(Self::Standard),
            "P" => Ok(Self::Personnel),
            "T" => Err(FieldError::new(
                field,
                ErrorCode::NotAllowed,
                "temporary profiles are created with POST /profiles/temporary",
            )
            .rejecting(raw)),
            _ => {
                Err(FieldError::new(field, ErrorCode::NotAllowed, format!("{field} must be 'S' or 'P'")).rejecting(raw))
            }
        }
    }
}

/// Who changed what, when: kept on every write for GDPR traceability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeStamp {
    pub by: Actor,
    pub channel: Channel,
    #[serde(with = "timestamp")]
    pub at: DateTime<Utc>,
}

/// A customer profile as the domain knows it. Its fields hold only parsed values; its serde
/// form is the stored form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub customer_number: CustomerNumber,
    pub organisation_id: OrganisationId,
    pub uuid: CustomerUuid,
    pub status: Status,
    pub profile_type: ProfileType,
    pub first_name: PersonName,
    pub surname: PersonName,
    pub email: Option<EmailAddress>,
    pub email_old: Option<String>,
    pub username: Option<String>,
    #[serde(default, with = "timestamp::option")]
    pub email_verified_at: Option<DateTime<Utc>>,
    pub vipps_id: Option<VippsId>,
    pub customer_ref: CustomerRef,
    pub mobile: Option<MobileNumber>,
    #[serde(default, with = "timestamp::option")]
    pub telephone_number_verified_at: Option<DateTime<Utc>>,
    pub landline_number: Option<LandlineNumber>,
    pub date_of_birth: Option<DateOfBirth>,
    pub nationality: Option<Nationality>,
    pub language: Language,
    #[serde(default, with = "timestamp::option")]
    pub expiration_date: Option<DateTime<Utc>>,
    pub customer_account_id: Option<LegacyCustomerAccountId>,
    #[serde(default, with = "timestamp::option")]
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub last_sign_in_from: Option<String>,
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub related_customer_numbers: Vec<CustomerNumber>,
    /// Set on a Passive profile: the profile it was merged into.
    pub merged_into: Option<CustomerNumber>,
    pub created: ChangeStamp,
    pub changed: ChangeStamp,
    /// Increases by one on every write; the ETag is made from it.
    pub version: u64,
    #[serde(default)]
    pub postal_addresses: Vec<PostalAddress>,
    #[serde(default)]
    pub customer_accounts: Vec<CustomerAccount>,
    /// The account id of the default account: one attribute, so there is always exactly one.
    #[serde(default)]
    pub default_account: Option<String>,
    #[serde(default)]
    pub preferences: Vec<ChosenPreference>,
    #[serde(default)]
    pub ecards: Vec<Ecard>,
    #[serde(default)]
    pub notes: Vec<Note>,
}

/// A value unique within an organisation, guarded at write time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UniqueClaim {
    /// Email, compared case-insensitively, among non-deleted permanent profiles.
    Email(String),
    /// customerRef, among all profiles.
    CustomerRef(String),
    /// A customer account id belongs to at most one profile of the organisation.
    Account(String),
}

/// A value a search can start from; the store keeps one entry per profile and key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SearchKey {
    Email(String),
    /// E.164.
    Telephone(String),
    VippsId(String),
    /// Lower-cased surname, then lower-cased first name (searched by prefix).
    Name {
        surname: String,
        first_name: String,
    },
}

impl Customer {
    /// The next version of this profile, changed by `by` through `channel` at `at`.
    pub fn next_version(&self, by: &Actor, channel: &Channel, at: DateTime<Utc>) -> Customer {
        let mut next = self.clone();
        next.changed = ChangeStamp {
            by: by.clone(),
            channel: channel.clone(),
            at,
        };
        next.version = self.version + 1;
        next
    }

    /// Expired is gone: reads treat a profile past its expiration as absent, whether or not
    /// the database has deleted it yet.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expiration_date.is_some_and(|t| t <= now)
    }

    /// The epoch second at which the database may delete every item of this profile.
    pub fn expires_at_epoch(&self) -> Option<i64> {
        self.expiration_date.map(|t| t.timestamp())
    }

    pub fn etag(&self) -> String {
        format!("\"{}\"", self.version)
    }

    pub fn unique_claims(&self) -> Vec<UniqueClaim> {
        let mut claims = vec![UniqueClaim::CustomerRef(self.customer_ref.as_str().to_string())];
        claims.extend(
            self.customer_accounts
                .iter()
                .map(|a| UniqueClaim::Account(a.account_id.clone())),
        );
        // Only an active permanent profile holds its email: a deactivated one has moved it to
        // emailOld, a merged one lives on in its survivor, a temporary one is anonymous.
        if self.status == Status::Active
            && self.profile_type != ProfileType::Temporary
            && let Some(email) = &self.email
        {
            claims.push(UniqueClaim::Email(email.key()));
        }
        claims
    }

    /// Only active profiles are filed for search: deactivated and merged ones are not found.
    pub fn search_keys(&self) -> Vec<SearchKey> {
        let mut keys = Vec::new();
        if self.status != Status::Active {
            return keys;
        }
        if let Some(email) = &self.email {
            keys.push(SearchKey::Email(email.key()));
        }
        if let Some(mobile) = &self.mobile {
            keys.push(SearchKey::Telephone(mobile.e164.clone()));
        }
        if let Some(v) = &self.vipps_id {
            keys.push(SearchKey::VippsId(v.as_str().to_string()));
        }
        let surname = PersonName::without_placeholder(self.surname.as_str())
            .trim()
            .to_lowercase();
        if !surname.is_empty() {
            keys.push(SearchKey::Name {
                surname,
                first_name: PersonName::without_placeholder(self.first_name.as_str())
                    .trim()
                    .to_lowercase(),
            });
        }
        keys
    }

    pub fn to_response(&self, include_ecards: bool) -> CustomerResponse {
        let show_username = self.profile_type == ProfileType::Standard && self.status == Status::Active;
        CustomerResponse {
            uuid: self.uuid.to_string(),
            status: self.status.code().into(),
            surname: PersonName::without_placeholder(self.surname.as_str()),
            changed_at: format_timestamp(&self.changed.at),
            changed_by: self.changed.by.to_string(),
            created_at: format_timestamp(&self.created.at),
            created_by: self.created.by.to_string(),
            first_name: PersonName::without_placeholder(self.first_name.as_str()),
            profile_type: self.profile_type.code().into(),
            customer_number: self.customer_number.value(),
            organisation_id: self.organisation_id.value(),
            changed_by_channel: self.changed.channel.to_string(),
            created_by_channel: self.created.channel.to_string(),
            email: self.email.as_ref().map(ToString::to_string),
            vipps_id: self.vipps_id.as_ref().map(ToString::to_string),
            email_old: self.email_old.clone(),
            parent_id: self.parent_id,
            username: if show_username { self.username.clone() } else { None },
            country_code: self.mobile.as_ref().map(|m| m.country_code.clone()),
            customer_ref: self.customer_ref.to_string(),
            date_of_birth: self.date_of_birth.map(|d| LocalDateResponse {
                year: d.date().year(),
                month: d.date().month(),
                day: d.date().day(),
            }),
            nationality: self.nationality.as_ref().map(ToString::to_string),
            preferences: self
                .preferences
                .iter()
                .map(|p| p.to_response(self.customer_number))
                .collect(),
            last_sign_in_at: self.last_sign_in_at.as_ref().map(format_timestamp),
            expiration_date: self.expiration_date.as_ref().map(format_timestamp),
            landline_number: self.landline_number.as_ref().map(|l| l.as_str().to_string()),
            last_sign_in_from: self.last_sign_in_from.clone(),
            ecards: include_ecards.then(|| {
                self.ecards
                    .iter()
                    .map(|e| e.to_response(self.customer_number))
                    .collect()
            }),
            email_verified_at: self.email_verified_at.as_ref().map(format_timestamp),
            postal_addresses: self
                .postal_addresses
                .iter()
                .map(|a| a.to_response(self.customer_number))
                .collect(),
            telephone_number: self.mobile.as_ref().map(|m| m.e164.clone()),
            customer_accounts: self
                .customer_accounts
                .iter()
                .map(|a| a.to_response(self.customer_number, self.default_account.as_deref()))
                .collect(),
            customer_account_id: self.customer_account_id.as_ref().map(ToString::to_string),
            related_customer_numbers: self.related_customer_numbers.iter().map(|n| n.value()).collect(),
            language_preference_iso6393: self.language.iso6393.clone(),
            telephone_number_verified_at: self.telephone_number_verified_at.as_ref().map(format_timestamp),
            telephone_number_no_country_code: self.mobile.as_ref().map(|m| m.national_number.clone()),
            id: self.customer_number.value(),
            language_preference: self.language.legacy.clone(),
        }
    }
}

/// The contact and personal fields shared by create and update, parsed together so that one
/// answer lists every problem.
struct PersonalFields {
    first_name: PersonName,
    surname: PersonName,
    email: Option<EmailAddress>,
    vipps_id: Option<VippsId>,
    mobile: Option<MobileNumber>,
    telephone_number_verified_at: Option<DateTime<Utc>>,
    landline_number: Option<LandlineNumber>,
    date_of_birth: Option<DateOfBirth>,
    nationality: Option<Nationality>,
    language: Language,
    expiration_date: Option<DateTime<Utc>>,
    /// Addresses given with the request, with the ids they name (for updates).
    postal_addresses: Option<Vec<(Option<i64>, PostalAddress)>>,
}

struct PersonalInput<'a> {
    first_name: Option<&'a str>,
    surname: Option<&'a str>,
    email: Option<&'a str>,
    vipps_id: Option<&'a str>,
    country_code: Option<&'a str>,
    telephone_number_no_country_code: Option<&'a str>,
    telephone_number: Option<&'a str>,
    telephone_number_verified_at: Option<&'a str>,
    landline_number: Option<&'a str>,
    date_of_birth: Option<&'a str>,
    nationality: Option<&'a str>,
    language_preference_iso6393: Option<&'a str>,
    language_preference: Option<&'a str>,
    expiration_date: Option<&'a str>,
    postal_addresses: Option<&'a [crate::resources::PostalAddressRequest]>,
}

impl PersonalFields {
    fn parse(input: PersonalInput<'_>, now: DateTime<Utc>, problems: &mut Problems) -> Option<Self> {
        let first_name = problems
            .required("firstName", input.first_name)
            .and_then(|v| problems.take(PersonName::parse("firstName", v)));
        let surname = problems
            .required("surname", input.surname)
            .and_then(|v| problems.take(PersonName::parse("surname", v)));
        let email = problems.take_opt(input.email.map(|v| EmailAddress::parse("email", v)));
        let vipps_id = problems.take_opt(input.vipps_id.map(|v| VippsId::parse("vippsId", v)));
        let mobile = problems.take(MobileNumber::parse(
            input.country_code,
            input.telephone_number_no_country_code,
            input.telephone_number,
        ));
        let telephone_number_verified_at = problems.take_opt(
            input
                .telephone_number_verified_at
                .map(|v| parse_instant("telephoneNumberVerifiedAt", v)),
        );
        let landline_number = problems.take_opt(
            input
                .landline_number
                .map(|v| LandlineNumber::parse("landlineNumber", v)),
        );
        let date_of_birth = problems.take_opt(
            input
                .date_of_birth
                .map(|v| DateOfBirth::parse("dateOfBirth", v, now.date_naive())),
        );
        let nationality = problems.take_opt(input.nationality.map(|v| Nationality::parse("nationality", v)));
        let language = problems.take(Language::parse(
            input.language_preference_iso6393,
            input.language_preference,
        ));
        let expiration_date = problems.take_opt(input.expiration_date.map(|v| parse_instant("expirationDate", v)));
        if let Some(t) = expiration_date
            && t <= now
        {
            problems.push(
                FieldError::new(
                    "expirationDate",
                    ErrorCode::NotAllowed,
                    "expirationDate must be in the future",
                )
                .rejecting(format_timestamp(&t)),
            );
        }
        let postal_addresses = input.postal_addresses.map(|list| {
            if list.len() > crate::resources::MAX_ADDRESSES {
                problems.push(FieldError::new(
                    "postalAddresses",
                    ErrorCode::Length,
                    format!("at most {} postal addresses", crate::resources::MAX_ADDRESSES),
                ));
            }
            list.iter()
                .enumerate()
                .filter_map(|(i, request)| match PostalAddress::parse(request, 0, now, now) {
                    Ok(a) => Some((request.id, a)),
                    Err(errors) => {
                        for mut e in errors {
                            e.field = format!("postalAddresses[{i}].{}", e.field);
                            problems.push(e);
                        }
                        None
                    }
                })
                .collect::<Vec<_>>()
        });
        Some(Self {
            first_name: first_name?,
            surname: surname?,
            email,
            vipps_id,
            mobile: mobile?,
            telephone_number_verified_at,
            landline_number,
            date_of_birth,
            nationality,
            language: language?,
            expiration_date,
            postal_addresses,
        })
    }
}

/// A profile ready to be created: every field parsed, the number not yet assigned.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub organisation_id: OrganisationId,
    pub profile_type: ProfileType,
    pub first_name: PersonName,
    pub surname: PersonName,
    pub email: Option<EmailAddress>,
    pub password: Option<Password>,
    pub vipps_id: Option<VippsId>,
    pub customer_ref: Option<CustomerRef>,
    pub mobile: Option<MobileNumber>,
    pub telephone_number_verified_at: Option<DateTime<Utc>>,
    pub landline_number: Option<LandlineNumber>,
    pub date_of_birth: Option<DateOfBirth>,
    pub nationality: Option<Nationality>,
    pub language: Language,
    pub expiration_date: Option<DateTime<Utc>>,
    pub customer_account_id: Option<LegacyCustomerAccountId>,
    pub created_by: Actor,
    pub created_by_channel: Channel,
    pub postal_addresses: Vec<PostalAddress>,
}

impl NewCustomer {
    pub fn parse(request: &CustomerPostRequest, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::new();
        let organisation_id = match request.organisation_id {
            None => {
                problems.push(FieldError::new(
                    "organisationId",
                    ErrorCode::Required,
                    "organisationId is required",
                ));
                None
            }
            Some(raw) => problems.take(OrganisationId::parse("organisationId", raw)),
        };
        let created_by = problems
            .required("createdBy", request.created_by.as_deref())
            .and_then(|v| problems.take(Actor::parse("createdBy", v)));
        let created_by_channel = problems
            .required("createdByChannel", request.created_by_channel.as_deref())
            .and_then(|v| problems.take(Channel::parse("createdByChannel", v)));
        let profile_type = problems
            .take_opt(
                request
                    .profile_type
                    .as_deref()
                    .map(|v| ProfileType::parse("profileType", v)),
            )
            .unwrap_or(ProfileType::Standard);
        let password = problems.take_opt(request.password.as_deref().map(|v| Password::parse("password", v)));
        let customer_ref = problems.take_opt(
            request
                .customer_ref
                .as_deref()
                .map(|v| CustomerRef::parse("customerRef", v)),
        );
        let customer_account_id = problems.take_opt(
            request
                .customer_account_id
                .as_deref()
                .map(|v| LegacyCustomerAccountId::parse("customerAccountId", v)),
        );
        let personal = PersonalFields::parse(
            PersonalInput {
                first_name: request.first_name.as_deref(),
                surname: request.surname.as_deref(),
                email: request.email.as_deref(),
                vipps_id: request.vipps_id.as_deref(),
                country_code: request.country_code.as_deref(),
                telephone_number_no_country_code: request.telephone_number_no_country_code.as_deref(),
                telephone_number: request.telephone_number.as_deref(),
                telephone_number_verified_at: request.telephone_number_verified_at.as_deref(),
                landline_number: request.landline_number.as_deref(),
                date_of_birth: request.date_of_birth.as_deref(),
                nationality: request.nationality.as_deref(),
                language_preference_iso6393: request.language_preference_iso6393.as_deref(),
                language_preference: request.language_preference.as_deref(),
                expiration_date: request.expiration_date.as_deref(),
                postal_addresses: request.postal_addresses.as_deref(),
            },
            now,
            &mut problems,
        );
        match (
            problems.is_empty(),
            organisation_id,
            created_by,
            created_by_channel,
            personal,
        ) {
            (true, Some(organisation_id), Some(created_by), Some(created_by_channel), Some(p)) => Ok(Self {
                organisation_id,
                profile_type,
                first_name: p.first_name,
                surname: p.surname,
                email: p.email,
                password,
                vipps_id: p.vipps_id,
                customer_ref,
                mobile: p.mobile,
                telephone_number_verified_at: p.telephone_number_verified_at,
                landline_number: p.landline_number,
                date_of_birth: p.date_of_birth,
                nationality: p.nationality,
                language: p.language,
                expiration_date: p.expiration_date,
                customer_account_id,
                created_by,
                created_by_channel,
                postal_addresses: p
                    .postal_addresses
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(_, a)| PostalAddress {
                        id: crate::resources::new_id(),
                        ..a
                    })
                    .collect(),
            }),
            _ => Err(problems.into_errors()),
        }
    }

    /// The profile as first stored, under its assigned number.
    pub fn into_customer(self, number: CustomerNumber, now: DateTime<Utc>) -> Customer {
        let stamp = ChangeStamp {
            by: self.created_by,
            channel: self.created_by_channel,
            at: now,
        };
        let username = match self.profile_type {
            ProfileType::Standard => self.email.as_ref().map(ToString::to_string),
            _ => None,
        };
        Customer {
            customer_number: number,
            organisation_id: self.organisation_id,
            uuid: CustomerUuid::generate(),
            status: Status::Active,
            profile_type: self.profile_type,
            first_name: self.first_name,
            surname: self.surname,
            email: self.email,
            email_old: None,
            username,
            email_verified_at: None,
            vipps_id: self.vipps_id,
            customer_ref: self
                .customer_ref
                .unwrap_or_else(|| CustomerRef::from_customer_number(number)),
            mobile: self.mobile,
            telephone_number_verified_at: self.telephone_number_verified_at,
            landline_number: self.landline_number,
            date_of_birth: self.date_of_birth,
            nationality: self.nationality,
            language: self.language,
            expiration_date: self.expiration_date,
            customer_account_id: self.customer_account_id,
            last_sign_in_at: None,
            last_sign_in_from: None,
            parent_id: None,
            related_customer_numbers: Vec::new(),
            merged_into: None,
            created: stamp.clone(),
            changed: stamp,
            version: 1,
            postal_addresses: self.postal_addresses,
            customer_accounts: Vec::new(),
            default_account: None,
            preferences: Vec::new(),
            ecards: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// A full update (PUT): every updatable field replaced, absent optional fields cleared.
#[derive(Debug, Clone)]
pub struct CustomerUpdate {
    personal: PersonalFields,
    email_verified_at: Option<DateTime<Utc>>,
    changed_by: Actor,
    changed_by_channel: Channel,
}

impl std::fmt::Debug for PersonalFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of debug output.
        f.write_str("PersonalFields(<redacted>)")
    }
}

impl Clone for PersonalFields {
    fn clone(&self) -> Self {
        Self {
            first_name: self.first_name.clone(),
            surname: self.surname.clone(),
            email: self.email.clone(),
            vipps_id: self.vipps_id.clone(),
            mobile: self.mobile.clone(),
            telephone_number_verified_at: self.telephone_number_verified_at,
            landline_number: self.landline_number.clone(),
            date_of_birth: self.date_of_birth,
            nationality: self.nationality.clone(),
            language: self.language.clone(),
            expiration_date: self.expiration_date,
            postal_addresses: self.postal_addresses.clone(),
        }
    }
}

impl CustomerUpdate {
    pub fn parse(request: &CustomerPutRequest, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::new();
        let changed_by = problems
            .required("changedBy", request.changed_by.as_deref())
            .and_then(|v| problems.take(Actor::parse("changedBy", v)));
        let changed_by_channel = problems
            .required("changedByChannel", request.changed_by_channel.as_deref())
            .and_then(|v| problems.take(Channel::parse("changedByChannel", v)));
        if let Some(status) = request.status.as_deref()
            && status.trim() != "A"
        {
            problems.push(
                FieldError::new(
                    "status",
                    ErrorCode::NotAllowed,
                    "status can only be 'A' here: deactivate and connect have operations of their own",
                )
                .rejecting(status),
            );
        }
        // Validated for the caller's sake, but no longer stored (the contract says so).
        problems.take_opt(
            request
                .customer_account_id
                .as_deref()
                .map(|v| LegacyCustomerAccountId::parse("customerAccountId", v)),
        );
        let email_verified_at = problems.take_opt(
            request
                .email_verified_at
                .as_deref()
                .map(|v| parse_instant("emailVerifiedAt", v)),
        );
        let personal = PersonalFields::parse(
            PersonalInput {
                first_name: request.first_name.as_deref(),
                surname: request.surname.as_deref(),
                email: request.email.as_deref(),
                vipps_id: request.vipps_id.as_deref(),
                country_code: request.country_code.as_deref(),
                telephone_number_no_country_code: request.telephone_number_no_country_code.as_deref(),
                telephone_number: request.telephone_number.as_deref(),
                telephone_number_verified_at: request.telephone_number_verified_at.as_deref(),
                landline_number: request.landline_number.as_deref(),
                date_of_birth: request.date_of_birth.as_deref(),
                nationality: request.nationality.as_deref(),
                language_preference_iso6393: request.language_preference_iso6393.as_deref(),
                language_preference: request.language_preference.as_deref(),
                expiration_date: request.expiration_date.as_deref(),
                postal_addresses: request.postal_addresses.as_deref(),
            },
            now,
            &mut problems,
        );
        match (problems.is_empty(), changed_by, changed_by_channel, personal) {
            (true, Some(changed_by), Some(changed_by_channel), Some(personal)) => Ok(Self {
                personal,
                email_verified_at,
                changed_by,
                changed_by_channel,
            }),
            _ => Err(problems.into_errors()),
        }
    }

    /// The profile after the update. Identity, type, status, references and sign-in data stay.
    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let p = self.personal.clone();
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        let email_changed = next.email.as_ref().map(EmailAddress::key) != p.email.as_ref().map(EmailAddress::key);
        next.first_name = p.first_name;
        next.surname = p.surname;
        next.email = p.email;
        if next.profile_type == ProfileType::Standard {
            // The login name follows the contact email: uniqueness is guarded on the email.
            next.username = next.email.as_ref().map(ToString::to_string);
        }
        next.email_verified_at = if email_changed && self.email_verified_at.is_none() {
            None
        } else {
            self.email_verified_at
        };
        next.vipps_id = p.vipps_id;
        next.mobile = p.mobile;
        next.telephone_number_verified_at = p.telephone_number_verified_at;
        next.landline_number = p.landline_number;
        next.date_of_birth = p.date_of_birth;
        next.nationality = p.nationality;
        next.language = p.language;
        next.expiration_date = p.expiration_date;
        if let Some(addresses) = p.postal_addresses {
            // Replaces the set; an address naming an existing id updates that address.
            next.postal_addresses = addresses
                .into_iter()
                .map(
                    |(id, a)| match id.and_then(|id| current.postal_addresses.iter().find(|x| x.id == id)) {
                        Some(existing) => PostalAddress {
                            id: existing.id,
                            created_at: existing.created_at,
                            ..a
                        },
                        None => PostalAddress {
                            id: crate::resources::new_id(),
                            ..a
                        },
                    },
                )
                .collect();
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn docs_example() -> CustomerPostRequest {
        serde_json::from_value(serde_json::json!({
            "firstName": "Ola", "surname": "Nordmann", "email": "ola@nordmann.org",
            "languagePreference": "NO", "createdBy": "test", "createdByChannel": "test",
            "organisationId": 1, "password": "abcD123"
        }))
        .unwrap_or_default()
    }

    #[test]
    fn the_docs_example_parses_with_the_contracts_defaults() {
        let new = NewCustomer::parse(&docs_example(), now()).map_err(|e| format!("{e:?}"));
        let c = new.map(|n| n.into_customer(CustomerNumber::assigned(42), now()));
        let c = c.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.status, Status::Active);
        assert_eq!(c.profile_type, ProfileType::Standard);
        assert_eq!(c.language, Language::norwegian_bokmal());
        assert_eq!(c.customer_ref.as_str(), "42");
        assert_eq!(c.username.as_deref(), Some("ola@nordmann.org"));
        assert_eq!(c.version, 1);
        let r = c.to_response(false);
        assert_eq!(r.language_preference.as_deref(), Some("NO"));
        assert_eq!(r.language_preference_iso6393, "NOB");
        assert_eq!(r.created_at, "2026-11-23T12:00:00.000Z");
        assert!(r.ecards.is_none());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let request = CustomerPostRequest {
            email: Some("nope".into()),
            nationality: Some("XX".into()),
            country_code: Some("47".into()),
            telephone_number_no_country_code: Some("91234567".into()),
            ..Default::default()
        };
        let errors = NewCustomer::parse(&request, now()).err().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "organisationId",
            "createdBy",
            "createdByChannel",
            "firstName",
            "surname",
            "email",
            "nationality",
            "countryCode",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        let phone = errors.iter().find(|e| e.field == "countryCode").map(|e| e.code);
        assert_eq!(phone, Some(ErrorCode::Telephone));
    }

    #[test]
    fn placeholder_names_are_cleaned_on_write_and_on_read() {
        let mut request = docs_example();
        request.first_name = Some("IKKE SATT".into());
        let c = NewCustomer::parse(&request, now()).map(|n| n.into_customer(CustomerNumber::assigned(1), now()));
        let mut c = c.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c.first_name.as_str(), "");
        // Data stored before the rule: cleaned when read.
        c.surname = serde_json::from_value(serde_json::json!("ikkesatt")).unwrap_or_else(|_| PersonName::empty());
        assert_eq!(c.to_response(false).surname, "");
    }

    #[test]
    fn email_is_unique_only_while_the_permanent_profile_is_not_deleted() {
        let c = NewCustomer::parse(&docs_example(), now()).map(|n| n.into_customer(CustomerNumber::assigned(7), now()));
        let mut c = c.unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            c.unique_claims()
                .contains(&UniqueClaim::Email("ola@nordmann.org".into()))
        );
        assert!(c.unique_claims().contains(&UniqueClaim::CustomerRef("7".into())));
        c.status = Status::Deleted;
        assert!(!c.unique_claims().iter().any(|u| matches!(u, UniqueClaim::Email(_))));
    }

    #[test]
    fn put_replaces_fields_and_keeps_identity() {
        let c = NewCustomer::parse(&docs_example(), now()).map(|n| n.into_customer(CustomerNumber::assigned(7), now()));
        let c = c.unwrap_or_else(|e| panic!("{e:?}"));
        let put: CustomerPutRequest = serde_json::from_value(serde_json::json!({
            "firstName": "Kari", "surname": "Nordmann", "changedBy": "crm-user", "changedByChannel": "crm",
            "languagePreferenceISO6393": "ENG"
        }))
        .unwrap_or_default();
        let update = CustomerUpdate::parse(&put, now()).unwrap_or_else(|e| panic!("{e:?}"));
        let later = now() + chrono::Duration::seconds(5);
        let next = update.apply_to(&c, later);
        assert_eq!(next.customer_number, c.customer_number);
        assert_eq!(next.uuid, c.uuid);
        assert_eq!(next.first_name.as_str(), "Kari");
        assert_eq!(next.email, None, "absent optional fields are cleared");
        assert_eq!(next.language.legacy.as_deref(), Some("EN"));
        assert_eq!(next.version, 2);
        assert_eq!(next.created, c.created);
        assert_eq!(next.changed.at, later);
        assert_eq!(next.changed.by.as_str(), "crm-user");
    }

    #[test]
    fn put_refuses_other_statuses() {
        let put = CustomerPutRequest {
            first_name: Some("a".into()),
            surname: Some("b".into()),
            changed_by: Some("x".into()),
            changed_by_channel: Some("y".into()),
            status: Some("D".into()),
            ..Default::default()
        };
        let errors = CustomerUpdate::parse(&put, now()).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "status");
    }
}
