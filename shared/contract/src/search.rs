//! The search parameters of `GET /profiles` and `GET /profiles-search`, as sent, and paging.

use chrono::NaiveDate;
use customers_domain::DomainError;
use customers_domain::addresses::{ADDRESS_LINE, POST_CODE};
use customers_domain::error::ensure_caller;
use customers_domain::problems::{FieldError, Problem, Problems};
use customers_domain::profiles::{
    DEFAULT_MAX_RESULT_SET, DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, MAX_RESULT_SET, Page, SearchCriteria,
};
use customers_domain::values::{
    CustomerRef, DateOfBirth, EmailAddress, LandlineNumber, MobileNumber, OrganisationId, PersonName, TextRule, VippsId,
};
use serde::Deserialize;
use utoipa::IntoParams;

/// The query parameters of `GET /profiles` and `GET /profiles-search`, as sent.
/// A fragment of an address line to look for.
pub const POSTAL_ADDRESS: TextRule = TextRule::line(1, ADDRESS_LINE.max_chars);

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CustomerSearchParams {
    /// First and middle name; matches the whole first name or its leading words, ignoring case. Can start a search.
    pub first_name: Option<String>,
    /// Surname, ignoring case. Can start a search.
    pub surname: Option<String>,
    /// Email, ignoring case. Can start a search.
    pub email: Option<String>,
    /// Ignored unless telephoneNumberNoCountryCode is also set; alone it is refused (400), as it would match every number of a country.
    pub country_code: Option<String>,
    /// Ignored if countryCode and telephoneNumberNoCountryCode are set. Can start a search.
    pub telephone_number: Option<String>,
    /// Telephone number with no country code prefix. With countryCode, the whole number; without it, a number with these digits in any country. Can start a search.
    pub telephone_number_no_country_code: Option<String>,
    /// Landline telephone number. Can start a search.
    pub landline_number: Option<String>,
    /// Date of birth, ISO 8601 date. Can start a search.
    pub date_of_birth: Option<String>,
    /// Part of an address line of one of the customer's postal addresses, ignoring case. Only narrows a search: alone it is refused (400).
    pub postal_address: Option<String>,
    /// Post code of one of the customer's postal addresses, ignoring case and white space. Can start a search.
    pub post_code: Option<String>,
    /// Vipps unique user identifier. Can start a search.
    pub vipps_id: Option<String>,
    /// Customer reference. Can start a search.
    pub customer_ref: Option<String>,
    /// Must be the organisation of the access token when given.
    pub organisation_id: Option<String>,
    /// At most this many results (1 to 1000, default 100).
    pub max_result_set: Option<String>,
    /// Include temporary profiles (default false).
    pub include_temporary: Option<String>,
    /// Personnel tickets are not served by this service: refused when given.
    // Not in the document: the contract lists it, this service refuses it (docs/design.md).
    #[param(ignore)]
    pub ticket_right_owner: Option<String>,
    /// Personnel tickets are not served by this service: refused when given.
    // Not in the document: the contract lists it, this service refuses it (docs/design.md).
    #[param(ignore)]
    pub ticket_right_bearer: Option<String>,
    /// Invoice profiles are not served by this service: refused when given.
    // Not in the document: the contract lists it, this service refuses it (docs/design.md).
    #[param(ignore)]
    pub invoice_organisation_id: Option<String>,
}

/// Paging of `GET /profiles-search`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page to return, counted from 0 (default 0).
    pub page: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub per_page: Option<String>,
}

/// A parameter as sent: given (even empty) or not.
fn non_blank(v: &Option<String>) -> Option<&str> {
    v.as_deref()
}

/// `true` or `false`, any case; absent is false.
/// `true` or `false`, as JSON writes them (the document says boolean).
pub fn flag(field: &str, raw: Option<&str>) -> Result<bool, FieldError> {
    match raw {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => {
            Err(FieldError::new(field, Problem::Format, format!("{field} must be true or false")).rejecting(other))
        }
    }
}

fn bounded_number(field: &str, raw: Option<&str>, default: u64, min: u64, max: u64) -> Result<u64, FieldError> {
    match raw {
        None => Ok(default),
        Some(s) => match s.parse::<u64>().ok().filter(|_| s.bytes().all(|b| b.is_ascii_digit())) {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(FieldError::new(
                field,
                Problem::Format,
                format!("{field} must be a whole number from {min} to {max}"),
            )
            .rejecting(s)),
        },
    }
}

impl CustomerSearchParams {
    pub fn parse(&self, caller: OrganisationId, today: NaiveDate) -> Result<SearchCriteria, DomainError> {
        let mut p = Problems::new();
        for (field, value) in [
            ("ticketRightOwner", &self.ticket_right_owner),
            ("ticketRightBearer", &self.ticket_right_bearer),
            ("invoiceOrganisationId", &self.invoice_organisation_id),
        ] {
            if non_blank(value).is_some() {
                p.push(FieldError::new(
                    field,
                    Problem::NotAllowed,
                    format!("{field} is not supported by this service"),
                ));
            }
        }
        if let Some(org) = non_blank(&self.organisation_id) {
            match org
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0 && org.bytes().all(|b| b.is_ascii_digit()))
            {
                Some(n) => ensure_caller(n, caller)?,
                None => p.push(
                    FieldError::new(
                        "organisationId",
                        Problem::Format,
                        "organisationId must be a positive whole number",
                    )
                    .rejecting(org),
                ),
            }
        }
        let email = p.take_opt(non_blank(&self.email).map(|v| EmailAddress::parse("email", v)));
        let telephone = p
            .take(MobileNumber::search_form(
                non_blank(&self.country_code),
                non_blank(&self.telephone_number_no_country_code),
                non_blank(&self.telephone_number),
            ))
            .flatten();
        let landline = p.take_opt(non_blank(&self.landline_number).map(|v| LandlineNumber::parse("landlineNumber", v)));
        let date_of_birth =
            p.take_opt(non_blank(&self.date_of_birth).map(|v| DateOfBirth::parse("dateOfBirth", v, today)));
        let vipps_id = p.take_opt(non_blank(&self.vipps_id).map(|v| VippsId::parse("vippsId", v)));
        let customer_ref = p.take_opt(non_blank(&self.customer_ref).map(|v| CustomerRef::parse("customerRef", v)));
        let surname = p.take_opt(non_blank(&self.surname).map(|v| PersonName::parse("surname", v)));
        let first_name = p.take_opt(non_blank(&self.first_name).map(|v| PersonName::parse("firstName", v)));
        let postal_address =
            p.take_opt(non_blank(&self.postal_address).map(|v| POSTAL_ADDRESS.parse("postalAddress", v)));
        let post_code = p.take_opt(non_blank(&self.post_code).map(|v| POST_CODE.parse("postCode", v)));
        let include_temporary = p
            .take(flag("includeTemporary", non_blank(&self.include_temporary)))
            .unwrap_or(false);
        let max_result_set = p
            .take(bounded_number(
                "maxResultSet",
                non_blank(&self.max_result_set),
                DEFAULT_MAX_RESULT_SET as u64,
                1,
                MAX_RESULT_SET as u64,
            ))
            .unwrap_or(DEFAULT_MAX_RESULT_SET as u64) as usize;
        let criteria = SearchCriteria {
            first_name,
            surname,
            email,
            telephone,
            landline,
            date_of_birth,
            vipps_id,
            customer_ref,
            postal_address,
            post_code,
            include_temporary,
            max_result_set,
        };
        p.finish(Some(criteria)).map_err(DomainError::Invalid)
    }
}

impl PageParams {
    pub fn parse(&self) -> Result<Page, Vec<FieldError>> {
        let mut p = Problems::new();
        let page = p.take(bounded_number("page", non_blank(&self.page), 0, 0, u64::from(MAX_PAGE)));
        let per_page = p.take(bounded_number(
            "perPage",
            non_blank(&self.per_page),
            u64::from(DEFAULT_PER_PAGE),
            1,
            u64::from(MAX_PER_PAGE),
        ));
        let parsed = page.zip(per_page).map(|(page, per_page)| Page {
            page: page as u32,
            per_page: per_page as u32,
        });
        p.finish(parsed)
    }
}
