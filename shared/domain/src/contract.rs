//! The wire shapes of Entur's Customers API v2, field for field. Requests are read into these
//! loose shapes first and then parsed into domain values (see [`crate::profile`]); responses are
//! built from domain values. Descriptions are the contract's own.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A registered customer post request.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CustomerPostRequest)]
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
    pub postal_addresses: Option<Vec<crate::resources::PostalAddressRequest>>,
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
    pub postal_addresses: Option<Vec<crate::resources::PostalAddressRequest>>,
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
    pub preferences: Vec<crate::resources::CustomerPreferenceResponse>,
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
    pub ecards: Option<Vec<crate::resources::EcardOwnershipResponse>>,
    /// When the email was verified. ISO 8601 date format
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified_at: Option<String>,
    /// The postal addresses connected to the customer.
    pub postal_addresses: Vec<crate::resources::PostalAddressResponse>,
    /// Deprecated. Please use countryCode and telephoneNumberNoCountryCode. Telephone number for customer. This should be a cell phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(deprecated)]
    pub telephone_number: Option<String>,
    /// Customer accounts used for account based ticketing
    pub customer_accounts: Vec<crate::resources::CustomerAccountResponse>,
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
    pub customer_numbers: Option<Vec<i64>>,
    /// Customer references (aka external references) to look up. Will not be used if non-empty list of customer numbers is provided. Max 1000 references at a time.
    #[schema(max_items = 1000)]
    pub customer_references: Option<Vec<String>>,
    /// Optional flag to include profile preferences
    pub include_preferences: Option<bool>,
}
