//! The profile lifecycle: temporary profiles, conversion to permanent, deactivation and
//! restoration, and connecting (merging) one profile into another. Wire shapes and the rules
//! that turn one state into the next; the service runs them against the store atomically.

use crate::password::Password;
use crate::profile::{ChangeStamp, Customer, NewCustomer, ProfileType, Status};
use crate::telephone::{LandlineNumber, MobileNumber};
use crate::time::format_timestamp;
use crate::validation::{ErrorCode, FieldError, Problems};
use crate::values::{
    Actor, Channel, CustomerNumber, CustomerRef, DateOfBirth, EmailAddress, LegacyCustomerAccountId, OrganisationId,
    PersonName, parse_instant,
};
use chrono::{DateTime, Utc};
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

/// A temporary customer.
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
    /// Telephone number country code, starting with +.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Optional customer reference. Defaults to customer number if not set.
    pub customer_ref: String,
    /// Date of birth. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// Landline telephone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landline_number: Option<String>,
    /// Deprecated. Telephone number for customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone_number: Option<String>,
    /// Telephone number without country code or punctuation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone_number_no_country_code: Option<String>,
    /// Customer account id used for account based ticketing
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_account_id: Option<String>,
    /// The preferences connected to the customer.
    #[schema(value_type = Vec<Object>)]
    pub preferences: Vec<serde_json::Value>,
    /// The postal addresses connected to the customer.
    #[schema(value_type = Vec<Object>)]
    pub postal_addresses: Vec<serde_json::Value>,
}

impl Customer {
    pub fn to_temporary_response(&self) -> TemporaryCustomerResponse {
        TemporaryCustomerResponse {
            uuid: self.uuid.to_string(),
            status: self.status.code().into(),
            surname: PersonName::without_placeholder(self.surname.as_str()),
            changed_at: format_timestamp(&self.changed.at),
            changed_by: self.changed.by.to_string(),
            created_at: format_timestamp(&self.created.at),
            created_by: self.created.by.to_string(),
            first_name: PersonName::without_placeholder(self.first_name.as_str()),
            customer_number: self.customer_number.value(),
            expiration_date: self.expiration_date.as_ref().map(format_timestamp).unwrap_or_default(),
            organisation_id: self.organisation_id.value(),
            changed_by_channel: self.changed.channel.to_string(),
            created_by_channel: self.created.channel.to_string(),
            email: self.email.as_ref().map(ToString::to_string),
            country_code: self.mobile.as_ref().map(|m| m.country_code.clone()),
            customer_ref: self.customer_ref.to_string(),
            date_of_birth: self.date_of_birth.map(|d| d.date().format("%Y-%m-%d").to_string()),
            landline_number: self.landline_number.as_ref().map(|l| l.as_str().to_string()),
            telephone_number: self.mobile.as_ref().map(|m| m.e164.clone()),
            telephone_number_no_country_code: self.mobile.as_ref().map(|m| m.national_number.clone()),
            customer_account_id: self.customer_account_id.as_ref().map(ToString::to_string),
            preferences: Vec::new(),
            postal_addresses: Vec::new(),
        }
    }
}

/// An expiration date that must lie in the future.
fn future_instant(
    problems: &mut Problems,
    field: &str,
    raw: Option<&str>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let at = problems
        .required(field, raw)
        .and_then(|v| problems.take(parse_instant(field, v)))?;
    if at <= now {
        problems.push(
            FieldError::new(field, ErrorCode::NotAllowed, format!("{field} must be in the future"))
                .rejecting(raw.unwrap_or("")),
        );
        return None;
    }
    Some(at)
}

/// The personal fields a temporary profile may hold, all optional.
#[derive(Clone)]
struct TemporaryFields {
    first_name: PersonName,
    surname: PersonName,
    email: Option<EmailAddress>,
    mobile: Option<MobileNumber>,
    landline_number: Option<LandlineNumber>,
    date_of_birth: Option<DateOfBirth>,
    customer_account_id: Option<LegacyCustomerAccountId>,
    expiration_date: DateTime<Utc>,
}

#[allow(clippy::too_many_arguments)]
fn temporary_fields(
    problems: &mut Problems,
    now: DateTime<Utc>,
    expiration_date: Option<&str>,
    first_name: Option<&str>,
    surname: Option<&str>,
    email: Option<&str>,
    country_code: Option<&str>,
    national: Option<&str>,
    telephone_number: Option<&str>,
    landline_number: Option<&str>,
    date_of_birth: Option<&str>,
    customer_account_id: Option<&str>,
) -> Option<TemporaryFields> {
    let expiration_date = future_instant(problems, "expirationDate", expiration_date, now);
    let first_name = problems.take(first_name.map_or(Ok(PersonName::empty()), |v| PersonName::parse("firstName", v)));
    let surname = problems.take(surname.map_or(Ok(PersonName::empty()), |v| PersonName::parse("surname", v)));
    let email = problems.take_opt(email.map(|v| EmailAddress::parse("email", v)));
    let mobile = problems.take(MobileNumber::parse(country_code, national, telephone_number));
    let landline_number = problems.take_opt(landline_number.map(|v| LandlineNumber::parse("landlineNumber", v)));
    let date_of_birth =
        problems.take_opt(date_of_birth.map(|v| DateOfBirth::parse("dateOfBirth", v, now.date_naive())));
    let customer_account_id =
        problems.take_opt(customer_account_id.map(|v| LegacyCustomerAccountId::parse("customerAccountId", v)));
    Some(TemporaryFields {
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

/// A temporary profile ready to be created.
pub struct NewTemporaryCustomer {
    fields: TemporaryFields,
    pub organisation_id: OrganisationId,
    created_by: Actor,
    created_by_channel: Channel,
}

impl NewTemporaryCustomer {
    /// `caller` is the token's organisation, used when the body names none.
    pub fn parse(
        request: &TemporaryCustomerPostRequest,
        caller: OrganisationId,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::new();
        let organisation_id = match request.organisation_id {
            None => Some(caller),
            Some(raw) => problems.take(OrganisationId::parse("organisationId", raw)),
        };
        let created_by = problems
            .required("createdBy", request.created_by.as_deref())
            .and_then(|v| problems.take(Actor::parse("createdBy", v)));
        let created_by_channel = problems
            .required("createdByChannel", request.created_by_channel.as_deref())
            .and_then(|v| problems.take(Channel::parse("createdByChannel", v)));
        let fields = temporary_fields(
            &mut problems,
            now,
            request.expiration_date.as_deref(),
            request.first_name.as_deref(),
            request.surname.as_deref(),
            request.email.as_deref(),
            request.country_code.as_deref(),
            request.telephone_number_no_country_code.as_deref(),
            request.telephone_number.as_deref(),
            request.landline_number.as_deref(),
            request.date_of_birth.as_deref(),
            request.customer_account_id.as_deref(),
        );
        match (
            problems.is_empty(),
            fields,
            organisation_id,
            created_by,
            created_by_channel,
        ) {
            (true, Some(fields), Some(organisation_id), Some(created_by), Some(created_by_channel)) => Ok(Self {
                fields,
                organisation_id,
                created_by,
                created_by_channel,
            }),
            _ => Err(problems.into_errors()),
        }
    }

    /// As a [`NewCustomer`] of type T, so that creation follows one path.
    pub fn into_new_customer(self) -> NewCustomer {
        let f = self.fields;
        NewCustomer {
            organisation_id: self.organisation_id,
            profile_type: ProfileType::Temporary,
            first_name: f.first_name,
            surname: f.surname,
            email: f.email,
            password: None,
            vipps_id: None,
            customer_ref: None,
            mobile: f.mobile,
            telephone_number_verified_at: None,
            landline_number: f.landline_number,
            date_of_birth: f.date_of_birth,
            nationality: None,
            language: crate::values::Language::norwegian_bokmal(),
            expiration_date: Some(f.expiration_date),
            customer_account_id: f.customer_account_id,
            created_by: self.created_by,
            created_by_channel: self.created_by_channel,
            postal_addresses: Vec::new(),
        }
    }
}

/// A full overwrite of a temporary profile.
pub struct TemporaryUpdate {
    fields: TemporaryFields,
    changed_by: Actor,
    changed_by_channel: Channel,
}

impl TemporaryUpdate {
    pub fn parse(request: &TemporaryCustomerPutRequest, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::new();
        let changed_by = problems
            .required("changedBy", request.changed_by.as_deref())
            .and_then(|v| problems.take(Actor::parse("changedBy", v)));
        let changed_by_channel = problems
            .required("changedByChannel", request.changed_by_channel.as_deref())
            .and_then(|v| problems.take(Channel::parse("changedByChannel", v)));
        let fields = temporary_fields(
            &mut problems,
            now,
            request.expiration_date.as_deref(),
            request.first_name.as_deref(),
            request.surname.as_deref(),
            request.email.as_deref(),
            request.country_code.as_deref(),
            request.telephone_number_no_country_code.as_deref(),
            request.telephone_number.as_deref(),
            request.landline_number.as_deref(),
            request.date_of_birth.as_deref(),
            request.customer_account_id.as_deref(),
        );
        match (problems.is_empty(), fields, changed_by, changed_by_channel) {
            (true, Some(fields), Some(changed_by), Some(changed_by_channel)) => Ok(Self {
                fields,
                changed_by,
                changed_by_channel,
            }),
            _ => Err(problems.into_errors()),
        }
    }

    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let f = self.fields.clone();
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        next.first_name = f.first_name;
        next.surname = f.surname;
        next.email = f.email;
        next.mobile = f.mobile;
        next.landline_number = f.landline_number;
        next.date_of_birth = f.date_of_birth;
        next.customer_account_id = f.customer_account_id;
        next.expiration_date = Some(f.expiration_date);
        next
    }
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
    pub organisation_id: Option<i64>,
}

/// A parsed conversion.
pub struct Conversion {
    first_name: PersonName,
    surname: PersonName,
    email: Option<EmailAddress>,
    pub password: Option<Password>,
    customer_ref: Option<CustomerRef>,
    pub organisation_id: Option<OrganisationId>,
    changed_by: Actor,
    changed_by_channel: Channel,
}

impl Conversion {
    pub fn parse(request: &ConvertTemporaryCustomerRequest) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::new();
        let changed_by = problems
            .required("changedBy", request.changed_by.as_deref())
            .and_then(|v| problems.take(Actor::parse("changedBy", v)));
        let changed_by_channel = problems
            .required("changedByChannel", request.changed_by_channel.as_deref())
            .and_then(|v| problems.take(Channel::parse("changedByChannel", v)));
        let first_name = problems
            .required("firstName", request.first_name.as_deref())
            .and_then(|v| problems.take(PersonName::parse("firstName", v)));
        let surname = problems
            .required("surname", request.surname.as_deref())
            .and_then(|v| problems.take(PersonName::parse("surname", v)));
        let email = problems.take_opt(request.email.as_deref().map(|v| EmailAddress::parse("email", v)));
        let password = problems.take_opt(request.password.as_deref().map(|v| Password::parse("password", v)));
        let customer_ref = problems.take_opt(
            request
                .customer_ref
                .as_deref()
                .map(|v| CustomerRef::parse("customerRef", v)),
        );
        let organisation_id = problems.take_opt(
            request
                .organisation_id
                .map(|v| OrganisationId::parse("organisationId", v)),
        );
        match (problems.is_empty(), changed_by, changed_by_channel, first_name, surname) {
            (true, Some(changed_by), Some(changed_by_channel), Some(first_name), Some(surname)) => Ok(Self {
                first_name,
                surname,
                email,
                password,
                customer_ref,
                organisation_id,
                changed_by,
                changed_by_channel,
            }),
            _ => Err(problems.into_errors()),
        }
    }

    /// The permanent profile: type S, no expiry, the given names; the email when given (else
    /// the one it had), the reference when given (else the one it had).
    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        next.profile_type = ProfileType::Standard;
        next.first_name = self.first_name.clone();
        next.surname = self.surname.clone();
        if let Some(email) = &self.email {
            next.email = Some(email.clone());
        }
        next.username = next.email.as_ref().map(ToString::to_string);
        if let Some(r) = &self.customer_ref {
            next.customer_ref = r.clone();
        }
        next.expiration_date = None;
        next
    }
}

/// Deactivate a profile: the contract's only way to delete one.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeactivateCustomerRequest {
    /// When the profile and everything under it is deleted. Must be in the future; 2 to 3 days ahead is recommended, so an accidental deletion can be undone.
    pub expiration_date: Option<String>,
    /// Who deactivated the customer.
    pub changed_by: Option<String>,
    /// Through which channel or system.
    pub changed_by_channel: Option<String>,
}

/// Restore a deactivated profile before its expiration date.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RestoreCustomerRequest {
    /// Who restored the customer.
    pub changed_by: Option<String>,
    /// Through which channel or system.
    pub changed_by_channel: Option<String>,
}

fn stamp(problems: &mut Problems, by: Option<&str>, channel: Option<&str>) -> (Option<Actor>, Option<Channel>) {
    let by = problems
        .required("changedBy", by)
        .and_then(|v| problems.take(Actor::parse("changedBy", v)));
    let channel = problems
        .required("changedByChannel", channel)
        .and_then(|v| problems.take(Channel::parse("changedByChannel", v)));
    (by, channel)
}

pub struct Deactivation {
    expiration_date: DateTime<Utc>,
    changed_by: Actor,
    changed_by_channel: Channel,
}

impl Deactivation {
    pub fn parse(request: &DeactivateCustomerRequest, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::new();
        let expiration_date = future_instant(&mut problems, "expirationDate", request.expiration_date.as_deref(), now);
        let (by, channel) = stamp(
            &mut problems,
            request.changed_by.as_deref(),
            request.changed_by_channel.as_deref(),
        );
        match (problems.is_empty(), expiration_date, by, channel) {
            (true, Some(expiration_date), Some(changed_by), Some(changed_by_channel)) => Ok(Self {
                expiration_date,
                changed_by,
                changed_by_channel,
            }),
            _ => Err(problems.into_errors()),
        }
    }

    /// Status D, the email moved to emailOld (freeing it for a new profile), deletion scheduled.
    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        next.status = Status::Deleted;
        next.email_old = current.email.as_ref().map(ToString::to_string);
        next.email = None;
        next.expiration_date = Some(self.expiration_date);
        next
    }
}

pub struct Restoration {
    changed_by: Actor,
    changed_by_channel: Channel,
}

impl Restoration {
    pub fn parse(request: &RestoreCustomerRequest) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::new();
        let (by, channel) = stamp(
            &mut problems,
            request.changed_by.as_deref(),
            request.changed_by_channel.as_deref(),
        );
        match (problems.is_empty(), by, channel) {
            (true, Some(changed_by), Some(changed_by_channel)) => Ok(Self {
                changed_by,
                changed_by_channel,
            }),
            _ => Err(problems.into_errors()),
        }
    }

    /// Status A with its email back and no scheduled deletion. The expiry a permanent profile
    /// had before deactivation is not remembered: a restored profile does not expire.
    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        next.status = Status::Active;
        next.email = current
            .email_old
            .as_deref()
            .and_then(|e| EmailAddress::parse("email", e).ok());
        next.email_old = None;
        next.expiration_date = None;
        next
    }
}

/// Connect (merge) the profile `customerNumberToConnect` into the profile in the path.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerConnectRequest {
    /// Which sales channel or system who last changed the customer. Used for traceability in accordance with GDPR
    pub changed_by_channel: Option<String>,
    /// Who made the change (defaults to the client's ET-Client-Name).
    pub changed_by: Option<String>,
    /// Customer number of the profile to connect
    pub customer_number_to_connect: Option<i64>,
    /// Deprecated: customer number of temporary customer to connect. Use customerNumberToConnect.
    #[schema(deprecated)]
    pub temporary_customer_number: Option<i64>,
}

/// The survivor's connected profiles after a connect.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerConnectResponse {
    /// When the list of connected profiles was last changed. ISO 8601 date format
    pub changed_at: String,
    /// Customer numbers of the profiles connected to this profile
    pub related_customer_numbers: Vec<i64>,
}

pub struct Connection {
    pub merged: CustomerNumber,
    changed_by: Actor,
    changed_by_channel: Channel,
}

impl Connection {
    pub fn parse(request: &CustomerConnectRequest, client_name: &str) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::new();
        let raw = request.customer_number_to_connect.or(request.temporary_customer_number);
        let merged = match raw {
            None => {
                problems.push(FieldError::new(
                    "customerNumberToConnect",
                    ErrorCode::Required,
                    "customerNumberToConnect is required",
                ));
                None
            }
            Some(n) => problems.take(CustomerNumber::parse("customerNumberToConnect", n)),
        };
        if let (Some(a), Some(b)) = (request.customer_number_to_connect, request.temporary_customer_number)
            && a != b
        {
            problems.push(FieldError::new(
                "temporaryCustomerNumber",
                ErrorCode::NotAllowed,
                "temporaryCustomerNumber (deprecated) names another profile than customerNumberToConnect",
            ));
        }
        let changed_by = problems.take(Actor::parse(
            "changedBy",
            request.changed_by.as_deref().unwrap_or(client_name),
        ));
        let changed_by_channel = problems
            .required("changedByChannel", request.changed_by_channel.as_deref())
            .and_then(|v| problems.take(Channel::parse("changedByChannel", v)));
        match (problems.is_empty(), merged, changed_by, changed_by_channel) {
            (true, Some(merged), Some(changed_by), Some(changed_by_channel)) => Ok(Self {
                merged,
                changed_by,
                changed_by_channel,
            }),
            _ => Err(problems.into_errors()),
        }
    }

    fn stamp(&self, now: DateTime<Utc>) -> ChangeStamp {
        ChangeStamp {
            by: self.changed_by.clone(),
            channel: self.changed_by_channel.clone(),
            at: now,
        }
    }

    /// The merged profile becomes Passive and points to the survivor; the survivor lists it.
    pub fn apply(&self, survivor: &Customer, merged: &Customer, now: DateTime<Utc>) -> (Customer, Customer) {
        let mut s = survivor.clone();
        if !s.related_customer_numbers.contains(&merged.customer_number) {
            s.related_customer_numbers.push(merged.customer_number);
        }
        s.changed = self.stamp(now);
        s.version = survivor.version + 1;
        let mut m = merged.clone();
        m.status = Status::Passive;
        m.merged_into = Some(survivor.customer_number);
        m.changed = self.stamp(now);
        m.version = merged.version + 1;
        (s, m)
    }
}
