//! Permanent profiles on the wire: create and update requests, the profile as answered, lists
//! and pages of profiles, and bulk lookups. Descriptions are the contract's own.

use crate::accounts::CustomerAccountResponse;
use crate::addresses::{PostalAddressRequest, PostalAddressResponse};
use crate::ecards::EcardOwnershipResponse;
use crate::lifecycle::change_stamp;
use crate::notes::NoteResponse;
use crate::preferences::CustomerPreferenceResponse;
use chrono::{DateTime, Datelike, Utc};
use customers_domain::addresses::{PostalAddress, PostalAddressDetails};
use customers_domain::customer::{CustomerUpdate, NewCustomer, PersonalDetails};
use customers_domain::listed::ListedItem;
use customers_domain::problems::{FieldError, Problem, Problems};
use customers_domain::profiles::{BULK_MAX, BulkLookup};
use customers_domain::values::{
    AccountId, Actor, Channel, Country, CustomerNumber, CustomerRef, DateOfBirth, EmailAddress, ItemId, LandlineNumber,
    Language, MobileNumber, OrganisationId, Password, PersonName, VippsId, format_instant, in_future, parse_instant,
};
use customers_domain::{Customer, ProfileType};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A registered customer post request.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPostRequest {
    /// First and middle name.
    #[schema(max_length = 100)]
    pub first_name: Option<String>,
    /// Surname.
    #[schema(max_length = 100)]
    pub surname: Option<String>,
    /// Email used for contact and potentially also for login.
    #[schema(max_length = 80)]
    pub email: Option<String>,
    /// The users password. Stored only as an Argon2id hash; never returned.
    #[schema(min_length = 6, max_length = 128, write_only)]
    pub password: Option<String>,
    /// The organisation the customer is registered with. Must be the organisation of the access token.
    #[serde(default, deserialize_with = "crate::integers::optional")]
    pub organisation_id: Option<i64>,
    /// Who created the customer. Either web, app or username of employee. Used for traceability in accordance with GDPR
    #[schema(max_length = 100)]
    pub created_by: Option<String>,
    /// Which sales channel or system who created the customer. Examples include web, app, crm. Used for traceability in accordance with GDPR
    #[schema(max_length = 100)]
    pub created_by_channel: Option<String>,
    /// Vipps unique user identifier
    pub vipps_id: Option<String>,
    /// Telephone number country code, starting with +.
    #[schema(max_length = 4, example = "+47")]
    pub country_code: Option<String>,
    /// Optional customer reference. Defaults to customer number if not set
    #[schema(min_length = 1, max_length = 40)]
    pub customer_ref: Option<String>,
    /// Date of birth. ISO 8601 date format
    #[schema(format = Date, example = "1990-05-17")]
    pub date_of_birth: Option<String>,
    /// The customers nationality. ISO 3166-1 alpha-3 format
    #[schema(example = "NOR")]
    pub nationality: Option<String>,
    /// Type of profile. Types supported: 'S' = Standard customer, 'P' = Personnel ticket customer, 'T' = Temporary customer. Default is 'S'.
    #[schema(example = "S")]
    pub profile_type: Option<String>,
    /// The date when the customers personal data should be deleted. Personal data will be deleted continuously. ISO 8601 date format
    pub expiration_date: Option<String>,
    /// Landline telephone number.
    pub landline_number: Option<String>,
    /// Deprecated. Please use countryCode and telephoneNumberNoCountryCode. Telephone number for customer. This should be a cell phone number.
    #[schema(deprecated)]
    pub telephone_number: Option<String>,
    /// Which language the customer wants information in. ISO 639-3 format. Default is 'NOB'.
    #[serde(rename = "languagePreferenceISO6393")]
    pub language_preference_iso6393: Option<String>,
    /// When the telephone number was verified. ISO 8601 date format
    pub telephone_number_verified_at: Option<String>,
    /// Telephone number without country code or punctuation.
    pub telephone_number_no_country_code: Option<String>,
    /// Deprecated. Use /profiles/{customerNumber}/customer-accounts. Customer account id used for account based ticketing
    #[schema(max_length = 60, deprecated)]
    pub customer_account_id: Option<String>,
    /// Deprecated, please use languagePreferenceISO6393. Which language the customer wants information in. Default is 'NO'.
    #[schema(deprecated)]
    pub language_preference: Option<String>,
    /// The postal addresses connected to the customer.
    pub postal_addresses: Option<Vec<PostalAddressRequest>>,
}

/// A registered customer put request. Replaces every updatable field: an absent optional field is cleared.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPutRequest {
    /// Surname.
    #[schema(max_length = 100)]
    pub surname: Option<String>,
    /// Who last changed the customer. Either web, app or username of employee. Used for traceability in accordance with GDPR
    #[schema(max_length = 100)]
    pub changed_by: Option<String>,
    /// First and middle name.
    #[schema(max_length = 100)]
    pub first_name: Option<String>,
    /// Which sales channel or system who last changed the customer. Used for traceability in accordance with GDPR
    #[schema(max_length = 100)]
    pub changed_by_channel: Option<String>,
    /// Email used for contact and potentially also for login
    #[schema(max_length = 80)]
    pub email: Option<String>,
    /// Customer status. Statuses supported: 'A' = Active, 'P' = Passive, 'D' = Deleted. Default is 'A'. Only 'A' is accepted here: deactivation and merging have operations of their own.
    pub status: Option<String>,
    /// Vipps unique user identifier
    pub vipps_id: Option<String>,
    /// Telephone number country code, starting with +.
    #[schema(max_length = 4)]
    pub country_code: Option<String>,
    /// Date of birth. ISO 8601 date format
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
    /// The customers nationality. ISO 3166-1 alpha-3 format
    pub nationality: Option<String>,
    /// The date when the customers personal data should be deleted. Personal data will be deleted continuously. ISO 8601 date format
    pub expiration_date: Option<String>,
    /// Landline telephone number.
    pub landline_number: Option<String>,
    /// When the email was verified. ISO 8601 date format
    pub email_verified_at: Option<String>,
    /// Deprecated. Please use countryCode and telephoneNumberNoCountryCode. Telephone number for customer. This should be a cell phone number.
    #[schema(deprecated)]
    pub telephone_number: Option<String>,
    /// Which language the customer wants information in. ISO 639-3 format. Default is 'NOB'.
    #[serde(rename = "languagePreferenceISO6393")]
    pub language_preference_iso6393: Option<String>,
    /// When the telephone number was verified. ISO 8601 date format
    pub telephone_number_verified_at: Option<String>,
    /// Telephone number without country code or punctuation.
    pub telephone_number_no_country_code: Option<String>,
    /// Deprecated. The field is no longer stored. Use /profiles/{customerNumber}/customer-accounts. Customer account id used for account based ticketing.
    #[schema(max_length = 60, deprecated)]
    pub customer_account_id: Option<String>,
    /// Deprecated, please use languagePreferenceISO6393. Which language the customer wants information in. Default is 'NO'.
    #[schema(deprecated)]
    pub language_preference: Option<String>,
    /// The postal addresses connected to the customer. When given, they replace the profile's addresses (an address with the id of an existing one updates it); when left out, the addresses stay.
    pub postal_addresses: Option<Vec<PostalAddressRequest>>,
}

/// Date as object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct LocalDateResponse {
    /// year
    pub year: i32,
    /// month number
    pub month: u32,
    /// day of month
    pub day: u32,
}

/// A registered customer response.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerResponse {
    /// A universal unique id for the customer. 32 random alphanumeric characters. Not RFC 4122 compliant
    pub uuid: String,
    /// Customer status. Statuses supported: 'A' = Active, 'P' = Passive, 'D' = Deleted. Default is 'A'.
    #[schema(example = "A")]
    pub status: String,
    /// Surname.
    pub surname: String,
    /// When the customer was last changed. ISO 8601 date format
    #[schema(format = DateTime)]
    pub changed_at: String,
    /// Who last changed the customer. Either web, app or username of employee. Used for traceability in accordance with GDPR
    pub changed_by: String,
    /// When the customer was created. ISO 8601 date format
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Who created the customer. Either web, app or username of employee. Used for traceability in accordance with GDPR
    pub created_by: String,
    /// First and middle name.
    pub first_name: String,
    /// Type of profile. Types supported: 'S' = Standard customer, 'P' = Personnel ticket customer, 'T' = Temporary customer. Default is 'S'.
    #[schema(example = "S")]
    pub profile_type: String,
    /// Customer number.
    pub customer_number: i64,
    /// The organisation the customer is registered with.
    pub organisation_id: i64,
    /// Which sales channel or system who last changed the customer. Used for traceability in accordance with GDPR
    pub changed_by_channel: String,
    /// Which sales channel or system who created the customer. Used for traceability in accordance with GDPR
    pub created_by_channel: String,
    /// Contact email. May become different from username
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Vipps unique user identifier
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vipps_id: Option<String>,
    /// When customer is deleted (status='D'), the value of 'email' is moved here to allow creation of a new customer with the same email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_old: Option<String>,
    /// Id of the parent customer. Used to connect different customer types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    /// Username the customer can use to log unto their profile. Only available on profile type S(tamkunde) and profile status A(ctive)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Telephone number country code, starting with +.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Optional customer reference. Defaults to customer number if not set.
    pub customer_ref: String,
    /// Date of birth, as object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<LocalDateResponse>,
    /// The customers nationality. ISO 3166-1 alpha-3 format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// The preferences connected to the customer.
    pub preferences: Vec<CustomerPreferenceResponse>,
    /// When the customer last signed in. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_sign_in_at: Option<String>,
    /// The date when the customers personal data should be deleted. Personal data will be deleted continuously. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<String>,
    /// Landline telephone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landline_number: Option<String>,
    /// Where the customer last signed in from. Typically web or app. Typically used to display to the user where the last login was performed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_sign_in_from: Option<String>,
    /// The ecards connected to the customer. Present when includeECards=true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecards: Option<Vec<EcardOwnershipResponse>>,
    /// When the email was verified. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified_at: Option<String>,
    /// The postal addresses connected to the customer.
    pub postal_addresses: Vec<PostalAddressResponse>,
    /// Deprecated. Please use countryCode and telephoneNumberNoCountryCode. Telephone number for customer. This should be a cell phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(deprecated)]
    pub telephone_number: Option<String>,
    /// Customer accounts used for account based ticketing
    pub customer_accounts: Vec<CustomerAccountResponse>,
    /// Customer account id used for account based ticketing
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(deprecated)]
    pub customer_account_id: Option<String>,
    /// The customer number of profiles which has been merged into the current profile. These may be used to lookup customer information in other systems
    pub related_customer_numbers: Vec<i64>,
    /// Which language the customer wants information in. ISO 639-3 format. Default is 'NOB'.
    #[serde(rename = "languagePreferenceISO6393")]
    pub language_preference_iso6393: String,
    /// When the telephone number was verified. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone_number_verified_at: Option<String>,
    /// Telephone number without country code or punctuation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone_number_no_country_code: Option<String>,
    /// Customer id. Deprecated
    #[schema(deprecated)]
    pub id: i64,
    /// Deprecated. The notes connected to the customer.
    #[schema(deprecated)]
    pub notes: Vec<NoteResponse>,
    /// Deprecated, please use languagePreferenceISO6393. Which language the customer wants information in. Default is 'NO'.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(deprecated)]
    pub language_preference: Option<String>,
}

/// A customer as listed by searches and bulk lookups: the same fields as CustomerResponse.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(transparent)]
pub struct ListCustomerResponse(pub CustomerResponse);

/// One page of a search.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageCustomerResponse {
    /// Items on a specific page
    pub items: Vec<ListCustomerResponse>,
    /// Total number of items
    pub total_items: u64,
    /// Total number of pages available to browse
    pub total_pages: u64,
    /// The page returned, counted from 0.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

/// Look up many profiles at once, by customer numbers or by customer references.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfilesBulkRequest {
    /// Customer numbers to look up. Max 1000 numbers at a time.
    #[schema(max_items = 1000)]
    #[serde(default, deserialize_with = "crate::integers::optional_list")]
    pub customer_numbers: Option<Vec<i64>>,
    /// Customer references (aka external references) to look up. Will not be used if non-empty list of customer numbers is provided. Max 1000 references at a time.
    #[schema(max_items = 1000)]
    pub customer_references: Option<Vec<String>>,
    /// Optional flag to include profile preferences
    pub include_preferences: Option<bool>,
}

/// The fields a permanent profile's create and update share, borrowed from either request.
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
}

/// The shared fields of either request, borrowed: both have them under the same names.
macro_rules! personal_input {
    ($request:expr) => {
        PersonalInput {
            first_name: $request.first_name.as_deref(),
            surname: $request.surname.as_deref(),
            email: $request.email.as_deref(),
            vipps_id: $request.vipps_id.as_deref(),
            country_code: $request.country_code.as_deref(),
            telephone_number_no_country_code: $request.telephone_number_no_country_code.as_deref(),
            telephone_number: $request.telephone_number.as_deref(),
            telephone_number_verified_at: $request.telephone_number_verified_at.as_deref(),
            landline_number: $request.landline_number.as_deref(),
            date_of_birth: $request.date_of_birth.as_deref(),
            nationality: $request.nationality.as_deref(),
            language_preference_iso6393: $request.language_preference_iso6393.as_deref(),
            language_preference: $request.language_preference.as_deref(),
            expiration_date: $request.expiration_date.as_deref(),
        }
    };
}

/// Addresses given with a profile, with the ids they name (an update keeps those).
type GivenAddresses = Vec<(Option<ItemId>, PostalAddressDetails)>;

fn personal(input: PersonalInput<'_>, now: DateTime<Utc>, p: &mut Problems) -> Option<PersonalDetails> {
    let first_name = p
        .required("firstName", input.first_name)
        .and_then(|v| p.take(PersonName::parse("firstName", v)));
    let surname = p
        .required("surname", input.surname)
        .and_then(|v| p.take(PersonName::parse("surname", v)));
    let email = p.take_opt(input.email.map(|v| EmailAddress::parse("email", v)));
    let vipps_id = p.take_opt(input.vipps_id.map(|v| VippsId::parse("vippsId", v)));
    let mobile = p.take(MobileNumber::parse(
        input.country_code,
        input.telephone_number_no_country_code,
        input.telephone_number,
    ));
    let telephone_number_verified_at = p.take_opt(
        input
            .telephone_number_verified_at
            .map(|v| parse_instant("telephoneNumberVerifiedAt", v)),
    );
    let landline_number = p.take_opt(
        input
            .landline_number
            .map(|v| LandlineNumber::parse("landlineNumber", v)),
    );
    let date_of_birth = p.take_opt(
        input
            .date_of_birth
            .map(|v| DateOfBirth::parse("dateOfBirth", v, now.date_naive())),
    );
    let nationality = p.take_opt(input.nationality.map(|v| Country::parse("nationality", v)));
    let language = p.take(Language::parse(
        input.language_preference_iso6393,
        input.language_preference,
    ));
    let expiration_date = p.take_opt(
        input
            .expiration_date
            .map(|v| parse_instant("expirationDate", v).and_then(|t| in_future("expirationDate", t, now))),
    );
    Some(PersonalDetails {
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
    })
}

fn addresses(given: Option<&[PostalAddressRequest]>, p: &mut Problems) -> Option<GivenAddresses> {
    let list = given?;
    if list.len() > PostalAddress::MAX {
        p.push(FieldError::new(
            "postalAddresses",
            Problem::Length,
            format!("at most {} postal addresses", PostalAddress::MAX),
        ));
    }
    Some(
        list.iter()
            .enumerate()
            .filter_map(|(i, a)| match a.details() {
                // details() has refused an id that is not one.
                Ok(d) => Some((a.id.and_then(|id| ItemId::parse("id", id).ok()), d)),
                Err(errors) => {
                    p.extend(errors.into_iter().map(|e| e.within(&format!("postalAddresses[{i}]"))));
                    None
                }
            })
            .collect(),
    )
}

fn profile_type(raw: &str) -> Result<ProfileType, FieldError> {
    match raw {
        "S" => Ok(ProfileType::Standard),
        "P" => Ok(ProfileType::Personnel),
        "T" => Err(FieldError::new(
            "profileType",
            Problem::NotAllowed,
            "temporary profiles are created with POST /profiles/temporary",
        )
        .rejecting(raw)),
        _ => Err(FieldError::new("profileType", Problem::NotAllowed, "profileType must be 'S' or 'P'").rejecting(raw)),
    }
}

impl CustomerPostRequest {
    /// The create, parsed: every problem reported at once.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<NewCustomer, Vec<FieldError>> {
        let mut p = Problems::new();
        let organisation_id = match self.organisation_id {
            None => {
                p.push(FieldError::new(
                    "organisationId",
                    Problem::Required,
                    "organisationId is required",
                ));
                None
            }
            Some(raw) => p.take(OrganisationId::parse("organisationId", raw)),
        };
        let created_by = p
            .required("createdBy", self.created_by.as_deref())
            .and_then(|v| p.take(Actor::parse("createdBy", v)));
        let created_by_channel = p
            .required("createdByChannel", self.created_by_channel.as_deref())
            .and_then(|v| p.take(Channel::parse("createdByChannel", v)));
        let profile_type = p
            .take_opt(self.profile_type.as_deref().map(profile_type))
            .unwrap_or(ProfileType::Standard);
        let password = p.take_opt(self.password.as_deref().map(|v| Password::parse("password", v)));
        let customer_ref = p.take_opt(
            self.customer_ref
                .as_deref()
                .map(|v| CustomerRef::parse("customerRef", v)),
        );
        let customer_account_id = p.take_opt(
            self.customer_account_id
                .as_deref()
                .map(|v| AccountId::parse("customerAccountId", v)),
        );
        let details = personal(personal_input!(self), now, &mut p);
        let postal_addresses = addresses(self.postal_addresses.as_deref(), &mut p);
        let parsed = (|| {
            Some(NewCustomer {
                organisation_id: organisation_id?,
                profile_type,
                details: details?,
                password,
                customer_ref,
                customer_account_id,
                created_by: created_by?,
                created_by_channel: created_by_channel?,
                postal_addresses: postal_addresses
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect(),
            })
        })();
        p.finish(parsed)
    }
}

impl CustomerPutRequest {
    /// The full update, parsed: every problem reported at once.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<CustomerUpdate, Vec<FieldError>> {
        let mut p = Problems::new();
        let (changed_by, changed_by_channel) =
            change_stamp(&mut p, self.changed_by.as_deref(), self.changed_by_channel.as_deref());
        if let Some(status) = self.status.as_deref()
            && status != "A"
        {
            p.push(
                FieldError::new(
                    "status",
                    Problem::NotAllowed,
                    "status can only be 'A' here: deactivate and connect have operations of their own",
                )
                .rejecting(status),
            );
        }
        // Validated for the caller's sake, but no longer stored (the contract says so).
        p.take_opt(
            self.customer_account_id
                .as_deref()
                .map(|v| AccountId::parse("customerAccountId", v)),
        );
        let email_verified_at = p.take_opt(
            self.email_verified_at
                .as_deref()
                .map(|v| parse_instant("emailVerifiedAt", v)),
        );
        let details = personal(personal_input!(self), now, &mut p);
        let postal_addresses = addresses(self.postal_addresses.as_deref(), &mut p);
        let parsed = (|| {
            Some(CustomerUpdate {
                details: details?,
                email_verified_at,
                changed_by: changed_by?,
                changed_by_channel: changed_by_channel?,
                postal_addresses,
            })
        })();
        p.finish(parsed)
    }
}

impl ProfilesBulkRequest {
    /// Numbers win over references; at most [`BULK_MAX`] either way.
    pub fn parse(&self) -> Result<BulkLookup, Vec<FieldError>> {
        let numbers = self.customer_numbers.as_deref().unwrap_or_default();
        let references = self.customer_references.as_deref().unwrap_or_default();
        let too_many = |field: &str, n: usize| {
            vec![FieldError::new(
                field,
                Problem::Length,
                format!(
                    "at most {BULK_MAX} {} at a time (got {n})",
                    if field == "customerNumbers" {
                        "customer numbers"
                    } else {
                        "customer references"
                    }
                ),
            )]
        };
        if numbers.len() > BULK_MAX {
            return Err(too_many("customerNumbers", numbers.len()));
        }
        if references.len() > BULK_MAX {
            return Err(too_many("customerReferences", references.len()));
        }
        // Both lists are read whole, so what is accepted is valid even where numbers win.
        let mut p = Problems::new();
        let numbers: Vec<CustomerNumber> = numbers
            .iter()
            .filter_map(|n| p.take(CustomerNumber::parse("customerNumbers", *n)))
            .collect();
        let references: Vec<CustomerRef> = references
            .iter()
            .filter_map(|r| p.take(CustomerRef::parse("customerReferences", r)))
            .collect();
        if !numbers.is_empty() {
            return p.finish(Some(BulkLookup::Numbers(numbers)));
        }
        if !references.is_empty() {
            return p.finish(Some(BulkLookup::References(references)));
        }
        let errors = p.into_errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        Err(vec![FieldError::new(
            "customerNumbers",
            Problem::Required,
            format!("give customerNumbers or customerReferences (at most {BULK_MAX})"),
        )])
    }
}

impl CustomerResponse {
    pub fn of(c: &Customer, include_ecards: bool) -> Self {
        let show_username = c.can_sign_in();
        CustomerResponse {
            uuid: c.uuid.to_string(),
            status: c.status.code().into(),
            surname: c.surname.to_string(),
            changed_at: format_instant(&c.changed.at),
            changed_by: c.changed.by.to_string(),
            created_at: format_instant(&c.created.at),
            created_by: c.created.by.to_string(),
            first_name: c.first_name.to_string(),
            profile_type: c.profile_type.code().into(),
            customer_number: c.customer_number.value(),
            organisation_id: c.organisation_id.value(),
            changed_by_channel: c.changed.channel.to_string(),
            created_by_channel: c.created.channel.to_string(),
            email: c.email.as_ref().map(ToString::to_string),
            vipps_id: c.vipps_id.as_ref().map(ToString::to_string),
            email_old: c.email_old.as_ref().map(ToString::to_string),
            parent_id: c.parent_id.map(CustomerNumber::value),
            username: if show_username {
                c.username.as_ref().map(ToString::to_string)
            } else {
                None
            },
            country_code: c.mobile.as_ref().map(|m| m.country_code().to_string()),
            customer_ref: c.customer_ref.to_string(),
            date_of_birth: c.date_of_birth.map(|d| LocalDateResponse {
                year: d.date().year(),
                month: d.date().month(),
                day: d.date().day(),
            }),
            nationality: c.nationality.as_ref().map(ToString::to_string),
            preferences: c
                .preferences
                .iter()
                .map(|p| CustomerPreferenceResponse::of(p, c.customer_number))
                .collect(),
            last_sign_in_at: c.last_sign_in_at.as_ref().map(format_instant),
            expiration_date: c.expiration_date.as_ref().map(format_instant),
            landline_number: c.landline_number.as_ref().map(|l| l.as_str().to_string()),
            last_sign_in_from: c.last_sign_in_from.as_ref().map(ToString::to_string),
            ecards: include_ecards.then(|| {
                c.ecards
                    .iter()
                    .map(|e| EcardOwnershipResponse::of(e, c.customer_number))
                    .collect()
            }),
            email_verified_at: c.email_verified_at.as_ref().map(format_instant),
            postal_addresses: c
                .postal_addresses
                .iter()
                .map(|a| PostalAddressResponse::of(a, c.customer_number))
                .collect(),
            telephone_number: c.mobile.as_ref().map(|m| m.e164().to_string()),
            customer_accounts: c
                .customer_accounts
                .iter()
                .map(|a| CustomerAccountResponse::of(a, c))
                .collect(),
            customer_account_id: c.customer_account_id.as_ref().map(ToString::to_string),
            related_customer_numbers: c.related_customer_numbers.iter().map(|n| n.value()).collect(),
            language_preference_iso6393: c.language.iso6393().to_string(),
            telephone_number_verified_at: c.telephone_number_verified_at.as_ref().map(format_instant),
            telephone_number_no_country_code: c.mobile.as_ref().map(|m| m.national_number().to_string()),
            id: c.customer_number.value(),
            notes: c.notes.iter().map(|n| NoteResponse::of(n, c.customer_number)).collect(),
            language_preference: c.language.legacy().map(str::to_string),
        }
    }
}

impl ListCustomerResponse {
    pub fn of(customer: &Customer) -> Self {
        ListCustomerResponse(CustomerResponse::of(customer, false))
    }

    pub fn list(customers: &[Customer]) -> Vec<ListCustomerResponse> {
        customers.iter().map(Self::of).collect()
    }
}
