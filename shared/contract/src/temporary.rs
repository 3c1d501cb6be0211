//! Temporary profiles on the wire: create, overwrite, the profile as answered, and conversion
//! to a permanent profile.

use crate::addresses::PostalAddressResponse;
use crate::lifecycle::{change_stamp, future_instant};
use crate::notes::NoteResponse;
use crate::preferences::CustomerPreferenceResponse;
use chrono::{DateTime, Utc};
use customers_domain::Customer;
use customers_domain::lifecycle::{Conversion, NewTemporaryCustomer, TemporaryDetails, TemporaryUpdate};
use customers_domain::problems::{FieldError, Problems};
use customers_domain::values::{
    AccountId, Actor, Channel, CustomerRef, DateOfBirth, EmailAddress, LandlineNumber, MobileNumber, OrganisationId,
    Password, PersonName, format_instant,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A registered customer. Required fields are expirationDate, createdBy and createdByChannel.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemporaryCustomerPostRequest {
    /// Who created the customer. Either web, app or username of employee. Used for traceability in accordance with GDPR
    #[schema(max_length = 100)]
    pub created_by: Option<String>,
    /// The date when the customers personal data should be deleted. Personal data will be deleted continuously. ISO 8601 date format
    pub expiration_date: Option<String>,
    /// Which sales channel or system who created the customer. Used for traceability in accordance with GDPR
    #[schema(max_length = 100)]
    pub created_by_channel: Option<String>,
    /// Contact email
    #[schema(max_length = 80)]
    pub email: Option<String>,
    /// Surname.
    pub surname: Option<String>,
    /// First and middle name.
    pub first_name: Option<String>,
    /// Telephone number country code, starting with +.
    #[schema(max_length = 4)]
    pub country_code: Option<String>,
    /// Date of birth. ISO 8601 date format
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
    /// Landline telephone number.
    pub landline_number: Option<String>,
    /// The organisation the customer is registered with. Defaults to the token's organisation.
    #[serde(default, deserialize_with = "crate::integers::optional")]
    pub organisation_id: Option<i64>,
    /// Deprecated. Please use countryCode and telephoneNumberNoCountryCode. Telephone number for customer. This should be a cell phone number.
    #[schema(deprecated)]
    pub telephone_number: Option<String>,
    /// Telephone number without country code or punctuation.
    pub telephone_number_no_country_code: Option<String>,
    /// Deprecated. Use /profiles/{customerNumber}/customer-accounts. Customer account id used for account based ticketing
    #[schema(max_length = 60, deprecated)]
    pub customer_account_id: Option<String>,
}

/// Updates a temporary profile: all fields are overwritten.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemporaryCustomerPutRequest {
    /// Who last changed the customer. Either web, app or username of employee. Used for traceability in accordance with GDPR
    #[schema(max_length = 100)]
    pub changed_by: Option<String>,
    /// The date when the customers personal data should be deleted. Personal data will be deleted continuously. ISO 8601 date format
    pub expiration_date: Option<String>,
    /// Which sales channel or system who last changed the customer. Used for traceability in accordance with GDPR
    #[schema(max_length = 100)]
    pub changed_by_channel: Option<String>,
    /// Contact email
    #[schema(max_length = 80)]
    pub email: Option<String>,
    /// Surname.
    pub surname: Option<String>,
    /// First and middle name.
    pub first_name: Option<String>,
    /// Telephone number country code, starting with +.
    #[schema(max_length = 4)]
    pub country_code: Option<String>,
    /// Date of birth. ISO 8601 date format
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
    /// Landline telephone number.
    pub landline_number: Option<String>,
    /// Deprecated. Please use countryCode and telephoneNumberNoCountryCode.
    #[schema(deprecated)]
    pub telephone_number: Option<String>,
    /// Telephone number without country code or punctuation.
    pub telephone_number_no_country_code: Option<String>,
    /// Deprecated. Use /profiles/{customerNumber}/customer-accounts.
    #[schema(max_length = 60, deprecated)]
    pub customer_account_id: Option<String>,
}

/// A temporary customer: every field the profile holds, as the contract lists them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemporaryCustomerResponse {
    /// A universal unique id for the customer. 32 random alphanumeric characters. Not RFC 4122 compliant
    pub uuid: String,
    /// Customer status. Statuses supported: 'A' = Active, 'P' = Passive, 'D' = Deleted. Default is 'A'.
    pub status: String,
    /// Surname.
    pub surname: String,
    /// When the customer was last changed. ISO 8601 date format
    pub changed_at: String,
    /// Who last changed the customer.
    pub changed_by: String,
    /// When the customer was created. ISO 8601 date format
    pub created_at: String,
    /// Who created the customer.
    pub created_by: String,
    /// First and middle name.
    pub first_name: String,
    /// Customer number.
    pub customer_number: i64,
    /// The date when the customers personal data should be deleted. ISO 8601 date format
    pub expiration_date: String,
    /// The organisation the customer is registered with.
    pub organisation_id: i64,
    /// Which sales channel or system who last changed the customer.
    pub changed_by_channel: String,
    /// Which sales channel or system who created the customer.
    pub created_by_channel: String,
    /// Contact email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Deprecated. The notes connected to the customer.
    #[schema(deprecated)]
    pub notes: Vec<NoteResponse>,
    /// When customer is deleted (status='D'), the value of 'email' is moved here to allow creation of a new customer with the same email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_old: Option<String>,
    /// Telephone number country code, starting with +.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Optional customer reference. Defaults to customer number if not set.
    pub customer_ref: String,
    /// Date of birth. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// The customers nationality. ISO 3166-1 alpha-3 format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// The preferences connected to the customer.
    pub preferences: Vec<CustomerPreferenceResponse>,
    /// Landline telephone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landline_number: Option<String>,
    /// When the email was verified. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified_at: Option<String>,
    /// The postal addresses connected to the customer.
    pub postal_addresses: Vec<PostalAddressResponse>,
    /// Deprecated. Please use countryCode and telephoneNumberNoCountryCode. Telephone number for customer. This should be a cell phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(deprecated)]
    pub telephone_number: Option<String>,
    /// Customer account id used for account based ticketing
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(deprecated)]
    pub customer_account_id: Option<String>,
    /// When the telephone number was verified. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone_number_verified_at: Option<String>,
    /// Telephone number without country code or punctuation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone_number_no_country_code: Option<String>,
}

/// Convert a temporary customer to a permanent customer (same customer number).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConvertTemporaryCustomerRequest {
    /// Surname of the temporary customer to be converted to a permanent customer
    pub surname: Option<String>,
    /// ChangedBy of the temporary customer to be converted to a permanent customer
    pub changed_by: Option<String>,
    /// First name of the temporary customer to be converted to a permanent customer
    pub first_name: Option<String>,
    /// ChangedByChannel of the temporary customer to be converted to a permanent customer
    pub changed_by_channel: Option<String>,
    /// Optional email of the temporary customer to be converted to a permanent customer
    pub email: Option<String>,
    /// Password of the temporary customer to be converted to a permanent customer (optional)
    #[schema(write_only)]
    pub password: Option<String>,
    /// Optional customer reference. Defaults to customer number if not set
    pub customer_ref: Option<String>,
    /// Organisation id of the temporary customer to be converted to a permanent customer
    #[serde(default, deserialize_with = "crate::integers::optional")]
    pub organisation_id: Option<i64>,
}

/// The fields of a temporary profile, borrowed from either request.
struct TemporaryInput<'a> {
    expiration_date: Option<&'a str>,
    first_name: Option<&'a str>,
    surname: Option<&'a str>,
    email: Option<&'a str>,
    country_code: Option<&'a str>,
    telephone_number_no_country_code: Option<&'a str>,
    telephone_number: Option<&'a str>,
    landline_number: Option<&'a str>,
    date_of_birth: Option<&'a str>,
    customer_account_id: Option<&'a str>,
}

/// The fields of either request, borrowed: both have them under the same names.
macro_rules! temporary_input {
    ($request:expr) => {
        TemporaryInput {
            expiration_date: $request.expiration_date.as_deref(),
            first_name: $request.first_name.as_deref(),
            surname: $request.surname.as_deref(),
            email: $request.email.as_deref(),
            country_code: $request.country_code.as_deref(),
            telephone_number_no_country_code: $request.telephone_number_no_country_code.as_deref(),
            telephone_number: $request.telephone_number.as_deref(),
            landline_number: $request.landline_number.as_deref(),
            date_of_birth: $request.date_of_birth.as_deref(),
            customer_account_id: $request.customer_account_id.as_deref(),
        }
    };
}

fn temporary_details(input: TemporaryInput<'_>, now: DateTime<Utc>, p: &mut Problems) -> Option<TemporaryDetails> {
    let expiration_date = future_instant(p, "expirationDate", input.expiration_date, now);
    let name = |p: &mut Problems, field: &str, raw: Option<&str>| {
        p.take(raw.map_or(Ok(PersonName::empty()), |v| PersonName::parse(field, v)))
    };
    let first_name = name(p, "firstName", input.first_name);
    let surname = name(p, "surname", input.surname);
    let email = p.take_opt(input.email.map(|v| EmailAddress::parse("email", v)));
    let mobile = p.take(MobileNumber::parse(
        input.country_code,
        input.telephone_number_no_country_code,
        input.telephone_number,
    ));
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
    let customer_account_id = p.take_opt(
        input
            .customer_account_id
            .map(|v| AccountId::parse("customerAccountId", v)),
    );
    Some(TemporaryDetails {
        first_name: first_name?,
        surname: surname?,
        email,
        mobile: mobile?,
        landline_number,
        date_of_birth,
        customer_account_id,
        expiration_date: expiration_date?,
    })
}

impl TemporaryCustomerPostRequest {
    /// `caller` is the token's organisation, used when the body names none.
    pub fn parse(&self, caller: OrganisationId, now: DateTime<Utc>) -> Result<NewTemporaryCustomer, Vec<FieldError>> {
        let mut p = Problems::new();
        let organisation_id = match self.organisation_id {
            None => Some(caller),
            Some(raw) => p.take(OrganisationId::parse("organisationId", raw)),
        };
        let created_by = p
            .required("createdBy", self.created_by.as_deref())
            .and_then(|v| p.take(Actor::parse("createdBy", v)));
        let created_by_channel = p
            .required("createdByChannel", self.created_by_channel.as_deref())
            .and_then(|v| p.take(Channel::parse("createdByChannel", v)));
        let details = temporary_details(temporary_input!(self), now, &mut p);
        let parsed = (|| {
            Some(NewTemporaryCustomer {
                organisation_id: organisation_id?,
                details: details?,
                created_by: created_by?,
                created_by_channel: created_by_channel?,
            })
        })();
        p.finish(parsed)
    }
}

impl TemporaryCustomerPutRequest {
    pub fn parse(&self, now: DateTime<Utc>) -> Result<TemporaryUpdate, Vec<FieldError>> {
        let mut p = Problems::new();
        let (changed_by, changed_by_channel) =
            change_stamp(&mut p, self.changed_by.as_deref(), self.changed_by_channel.as_deref());
        let details = temporary_details(temporary_input!(self), now, &mut p);
        let parsed = (|| {
            Some(TemporaryUpdate {
                details: details?,
                changed_by: changed_by?,
                changed_by_channel: changed_by_channel?,
            })
        })();
        p.finish(parsed)
    }
}

impl ConvertTemporaryCustomerRequest {
    pub fn parse(&self) -> Result<Conversion, Vec<FieldError>> {
        let mut p = Problems::new();
        let (changed_by, changed_by_channel) =
            change_stamp(&mut p, self.changed_by.as_deref(), self.changed_by_channel.as_deref());
        let first_name = p
            .required("firstName", self.first_name.as_deref())
            .and_then(|v| p.take(PersonName::parse("firstName", v)));
        let surname = p
            .required("surname", self.surname.as_deref())
            .and_then(|v| p.take(PersonName::parse("surname", v)));
        let email = p.take_opt(self.email.as_deref().map(|v| EmailAddress::parse("email", v)));
        let password = p.take_opt(self.password.as_deref().map(|v| Password::parse("password", v)));
        let customer_ref = p.take_opt(
            self.customer_ref
                .as_deref()
                .map(|v| CustomerRef::parse("customerRef", v)),
        );
        let organisation_id = p.take_opt(self.organisation_id.map(|v| OrganisationId::parse("organisationId", v)));
        let parsed = (|| {
            Some(Conversion {
                first_name: first_name?,
                surname: surname?,
                email,
                password,
                customer_ref,
                organisation_id,
                changed_by: changed_by?,
                changed_by_channel: changed_by_channel?,
            })
        })();
        p.finish(parsed)
    }
}

impl TemporaryCustomerResponse {
    pub fn of(c: &Customer) -> Self {
        Self {
            uuid: c.uuid.to_string(),
            status: c.status.code().into(),
            surname: c.surname.to_string(),
            changed_at: format_instant(&c.changed.at),
            changed_by: c.changed.by.to_string(),
            created_at: format_instant(&c.created.at),
            created_by: c.created.by.to_string(),
            first_name: c.first_name.to_string(),
            customer_number: c.customer_number.value(),
            expiration_date: c.expiration_date.as_ref().map(format_instant).unwrap_or_default(),
            organisation_id: c.organisation_id.value(),
            changed_by_channel: c.changed.channel.to_string(),
            created_by_channel: c.created.channel.to_string(),
            email: c.email.as_ref().map(ToString::to_string),
            notes: c.notes.iter().map(|n| NoteResponse::of(n, c.customer_number)).collect(),
            email_old: c.email_old.as_ref().map(ToString::to_string),
            country_code: c.mobile.as_ref().map(|m| m.country_code().to_string()),
            customer_ref: c.customer_ref.to_string(),
            date_of_birth: c.date_of_birth.map(DateOfBirth::iso),
            nationality: c.nationality.as_ref().map(ToString::to_string),
            preferences: c
                .preferences
                .iter()
                .map(|p| CustomerPreferenceResponse::of(p, c.customer_number))
                .collect(),
            landline_number: c.landline_number.as_ref().map(|l| l.as_str().to_string()),
            email_verified_at: c.email_verified_at.as_ref().map(format_instant),
            postal_addresses: c
                .postal_addresses
                .iter()
                .map(|a| PostalAddressResponse::of(a, c.customer_number))
                .collect(),
            telephone_number: c.mobile.as_ref().map(|m| m.e164().to_string()),
            customer_account_id: c.customer_account_id.as_ref().map(ToString::to_string),
            telephone_number_verified_at: c.telephone_number_verified_at.as_ref().map(format_instant),
            telephone_number_no_country_code: c.mobile.as_ref().map(|m| m.national_number().to_string()),
        }
    }
}
