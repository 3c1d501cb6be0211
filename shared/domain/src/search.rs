//! Finding profiles. Every search starts from a key the store indexes (email, telephone,
//! customerRef, vippsId or surname) and narrows by every other parameter given: all must match.

use crate::profile::{Customer, ProfileType, SearchKey, Status};
use crate::telephone::{LandlineNumber, MobileNumber};
use crate::validation::{ErrorCode, FieldError, Problems};
use crate::values::{CustomerRef, DateOfBirth, EmailAddress, OrganisationId, PersonName, VippsId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

/// The query parameters of `GET /profiles` and `GET /profiles-search`, as sent.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CustomerSearchParams {
    /// First and middle name; matches the whole first name or its leading words, ignoring case.
    pub first_name: Option<String>,
    /// Surname, ignoring case. Can start a search.
    pub surname: Option<String>,
    /// Email, ignoring case. Can start a search.
    pub email: Option<String>,
    /// Ignored unless telephoneNumberNoCountryCode is also set.
    pub country_code: Option<String>,
    /// Ignored if countryCode and telephoneNumberNoCountryCode are set. Can start a search.
    pub telephone_number: Option<String>,
    /// Telephone number with no country code prefix. Ignored unless countryCode is also set. With countryCode, can start a search.
    pub telephone_number_no_country_code: Option<String>,
    /// Landline telephone number.
    pub landline_number: Option<String>,
    /// Date of birth, ISO 8601 date.
    pub date_of_birth: Option<String>,
    /// Part of an address line of one of the customer's postal addresses, ignoring case.
    pub postal_address: Option<String>,
    /// Post code of one of the customer's postal addresses.
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
    pub ticket_right_owner: Option<String>,
    /// Personnel tickets are not served by this service: refused when given.
    pub ticket_right_bearer: Option<String>,
    /// Invoice profiles are not served by this service: refused when given.
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

/// Where a search starts: a key the store can look up without scanning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchStart {
    Indexed(SearchKey),
    CustomerRef(CustomerRef),
}

/// A parsed search: where it starts and what every result must match.
#[derive(Debug, Clone)]
pub struct CustomerQuery {
    pub start: SearchStart,
    first_name: Option<String>,
    surname: Option<String>,
    email: Option<String>,
    telephone: Option<String>,
    landline: Option<String>,
    date_of_birth: Option<NaiveDate>,
    vipps_id: Option<String>,
    customer_ref: Option<String>,
    postal_address: Option<String>,
    post_code: Option<String>,
    pub include_temporary: bool,
    pub max_result_set: usize,
}

pub const DEFAULT_MAX_RESULT_SET: usize = 100;
pub const MAX_RESULT_SET: usize = 1000;
pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;

/// The parameters that can start a search, named in the 400 answer when none is given.
pub const STARTING_PARAMETERS: &str = "email, countryCode with telephoneNumberNoCountryCode, telephoneNumber, customerRef, vippsId, surname (optionally with firstName)";

fn non_blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_bool(field: &str, raw: Option<&str>) -> Result<bool, FieldError> {
    match raw.map(|s| s.to_ascii_lowercase()) {
        None => Ok(false),
        Some(s) if s == "true" => Ok(true),
        Some(s) if s == "false" => Ok(false),
        Some(s) => {
            Err(FieldError::new(field, ErrorCode::Format, format!("{field} must be true or false")).rejecting(s))
        }
    }
}

pub fn parse_bounded_number(
    field: &str,
    raw: Option<&str>,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, FieldError> {
    match raw {
        None => Ok(default),
        Some(s) => match s.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(FieldError::new(
                field,
                ErrorCode::Format,
                format!("{field} must be a whole number from {min} to {max}"),
            )
            .rejecting(s)),
        },
    }
}

impl CustomerQuery {
    pub fn parse(
        params: &CustomerSearchParams,
        caller: OrganisationId,
        today: NaiveDate,
    ) -> Result<Self, crate::CustomerError> {
        let mut problems = Problems::new();
        for (field, value) in [
            ("ticketRightOwner", &params.ticket_right_owner),
            ("ticketRightBearer", &params.ticket_right_bearer),
            ("invoiceOrganisationId", &params.invoice_organisation_id),
        ] {
            if non_blank(value).is_some() {
                problems.push(FieldError::new(
                    field,
                    ErrorCode::NotAllowed,
                    format!("{field} is not supported by this service"),
                ));
            }
        }
        if let Some(org) = non_blank(&params.organisation_id) {
            match org.parse::<i64>() {
                Ok(n) if n == caller.value() => {}
                Ok(n) => {
                    return Err(crate::CustomerError::OrganisationMismatch {
                        given: n,
                        token: caller.value(),
                    });
                }
                Err(_) => problems.push(
                    FieldError::new(
                        "organisationId",
                        ErrorCode::Format,
                        "organisationId must be a whole number",
                    )
                    .rejecting(org),
                ),
            }
        }
        let email =
            problems.take_opt(non_blank(&params.email).map(|v| EmailAddress::parse("email", v).map(|e| e.key())));
        let telephone = problems
            .take(MobileNumber::search_form(
                non_blank(&params.country_code),
                non_blank(&params.telephone_number_no_country_code),
                non_blank(&params.telephone_number),
            ))
            .flatten();
        let landline = problems.take_opt(
            non_blank(&params.landline_number)
                .map(|v| LandlineNumber::parse("landlineNumber", v).map(|l| l.as_str().to_string())),
        );
        let date_of_birth = problems.take_opt(
            non_blank(&params.date_of_birth)
                .map(|v| DateOfBirth::parse("dateOfBirth", v, today).map(DateOfBirth::date)),
        );
        let vipps_id = problems.take_opt(non_blank(&params.vipps_id).map(|v| VippsId::parse("vippsId", v)));
        let customer_ref =
            problems.take_opt(non_blank(&params.customer_ref).map(|v| CustomerRef::parse("customerRef", v)));
        let surname = problems.take_opt(non_blank(&params.surname).map(|v| PersonName::parse("surname", v)));
        let first_name = problems.take_opt(non_blank(&params.first_name).map(|v| PersonName::parse("firstName", v)));
        let include_temporary = problems
            .take(parse_bool("includeTemporary", non_blank(&params.include_temporary)))
            .unwrap_or(false);
        let max_result_set = problems
            .take(parse_bounded_number(
                "maxResultSet",
                non_blank(&params.max_result_set),
                DEFAULT_MAX_RESULT_SET as u64,
                1,
                MAX_RESULT_SET as u64,
            ))
            .unwrap_or(DEFAULT_MAX_RESULT_SET as u64) as usize;
        if !problems.is_empty() {
            return Err(crate::CustomerError::Invalid(problems.into_errors()));
        }
        let surname = surname.map(|s| s.search_form()).filter(|s| !s.is_empty());
        let first_name = first_name.map(|s| s.search_form()).filter(|s| !s.is_empty());
        // The most selective key given starts the search.
        let start = if let Some(e) = &email {
            SearchStart::Indexed(SearchKey::Email(e.clone()))
        } else if let Some(t) = &telephone {
            SearchStart::Indexed(SearchKey::Telephone(t.clone()))
        } else if let Some(r) = &customer_ref {
            SearchStart::CustomerRef(r.clone())
        } else if let Some(v) = &vipps_id {
            SearchStart::Indexed(SearchKey::VippsId(v.as_str().to_string()))
        } else if let Some(s) = &surname {
            SearchStart::Indexed(SearchKey::Name {
                surname: s.clone(),
                first_name: first_name.clone().unwrap_or_default(),
            })
        } else {
            return Err(crate::CustomerError::Invalid(vec![FieldError::new(
                "",
                ErrorCode::SearchNotIndexed,
                format!("a search needs at least one of: {STARTING_PARAMETERS}"),
            )]));
        };
        Ok(Self {
            start,
            first_name,
            surname,
            email,
            telephone,
            landline,
            date_of_birth,
            vipps_id: vipps_id.map(|v| v.as_str().to_string()),
            customer_ref: customer_ref.map(|r| r.as_str().to_string()),
            postal_address: non_blank(&params.postal_address).map(str::to_lowercase),
            post_code: non_blank(&params.post_code).map(str::to_string),
            include_temporary,
            max_result_set,
        })
    }

    /// True when the profile is visible to searches and matches every parameter given.
    pub fn matches(&self, c: &Customer, now: DateTime<Utc>) -> bool {
        if c.is_expired(now) || c.status != Status::Active {
            return false;
        }
        if c.profile_type == ProfileType::Temporary && !self.include_temporary {
            return false;
        }
        let name = |n: &PersonName| PersonName::without_placeholder(n.as_str()).trim().to_lowercase();
        let first_name_matches = |wanted: &str| {
            let have = name(&c.first_name);
            have == wanted || have.strip_prefix(wanted).is_some_and(|rest| rest.starts_with(' '))
        };
        self.surname.as_deref().is_none_or(|s| name(&c.surname) == s)
            && self.first_name.as_deref().is_none_or(first_name_matches)
            && self
                .email
                .as_deref()
                .is_none_or(|e| c.email.as_ref().is_some_and(|x| x.key() == e))
            && self
                .telephone
                .as_deref()
                .is_none_or(|t| c.mobile.as_ref().is_some_and(|m| m.e164 == t))
            && self
                .landline
                .as_deref()
                .is_none_or(|l| c.landline_number.as_ref().is_some_and(|x| x.as_str() == l))
            && self
                .date_of_birth
                .is_none_or(|d| c.date_of_birth.is_some_and(|x| x.date() == d))
            && self
                .vipps_id
                .as_deref()
                .is_none_or(|v| c.vipps_id.as_ref().is_some_and(|x| x.as_str() == v))
            && self
                .customer_ref
                .as_deref()
                .is_none_or(|r| c.customer_ref.as_str() == r)
            && self
                .postal_address
                .as_deref()
                .is_none_or(|l| c.postal_addresses.iter().any(|a| a.has_line(l)))
            && self
                .post_code
                .as_deref()
                .is_none_or(|code| c.postal_addresses.iter().any(|a| a.post_code.as_deref() == Some(code)))
    }
}

/// Validated paging.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    pub fn parse(params: &PageParams) -> Result<Self, Vec<FieldError>> {
        let mut problems = Problems::new();
        let page = problems.take(parse_bounded_number("page", non_blank(&params.page), 0, 0, 100_000));
        let per_page = problems.take(parse_bounded_number(
            "perPage",
            non_blank(&params.per_page),
            DEFAULT_PER_PAGE as u64,
            1,
            MAX_PER_PAGE as u64,
        ));
        match (page, per_page) {
            (Some(page), Some(per_page)) if problems.is_empty() => Ok(Self {
                page: page as u32,
                per_page: per_page as u32,
            }),
            _ => Err(problems.into_errors()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CustomerError;

    fn org() -> OrganisationId {
        OrganisationId::parse("o", 1).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn parse(v: serde_json::Value) -> Result<CustomerQuery, CustomerError> {
        let params: CustomerSearchParams = serde_json::from_value(v).unwrap_or_default();
        CustomerQuery::parse(&params, org(), today())
    }

    #[test]
    fn each_starting_parameter_starts_a_search_on_its_own() {
        let cases = [
            serde_json::json!({"email": "Ola@Nordmann.org"}),
            serde_json::json!({"countryCode": "+47", "telephoneNumberNoCountryCode": "91234567"}),
            serde_json::json!({"telephoneNumber": "+4791234567"}),
            serde_json::json!({"customerRef": "abc"}),
            serde_json::json!({"vippsId": "v-1"}),
            serde_json::json!({"surname": "Nordmann"}),
        ];
        for c in cases {
            assert!(parse(c.clone()).is_ok(), "{c}");
        }
        let q = parse(serde_json::json!({"surname": "Nordmann", "firstName": "Ola"})).ok();
        assert_eq!(
            q.map(|q| q.start),
            Some(SearchStart::Indexed(SearchKey::Name {
                surname: "nordmann".into(),
                first_name: "ola".into()
            }))
        );
    }

    #[test]
    fn parameters_that_cannot_start_a_search_are_refused_with_the_list() {
        for c in [
            serde_json::json!({"firstName": "Ola"}),
            serde_json::json!({"dateOfBirth": "1990-01-01"}),
            serde_json::json!({"countryCode": "+47"}),
            serde_json::json!({}),
        ] {
            match parse(c.clone()) {
                Err(CustomerError::Invalid(errors)) => {
                    assert_eq!(errors[0].code, ErrorCode::SearchNotIndexed, "{c}");
                    assert!(errors[0].message.contains("vippsId"));
                }
                other => panic!("{c}: {other:?}"),
            }
        }
    }

    #[test]
    fn another_organisation_is_refused() {
        assert!(matches!(
            parse(serde_json::json!({"email": "a@b.no", "organisationId": "2"})),
            Err(CustomerError::OrganisationMismatch { given: 2, token: 1 })
        ));
        assert!(parse(serde_json::json!({"email": "a@b.no", "organisationId": "1"})).is_ok());
    }

    #[test]
    fn temporary_deleted_and_expired_profiles_are_left_out_unless_asked_for() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let request: crate::contract::CustomerPostRequest = serde_json::from_value(serde_json::json!({
            "firstName": "Ola", "surname": "Nordmann", "email": "ola@nordmann.org",
            "createdBy": "t", "createdByChannel": "t", "organisationId": 1
        }))
        .unwrap_or_default();
        let customer = crate::profile::NewCustomer::parse(&request, now)
            .map(|n| n.into_customer(crate::values::CustomerNumber::assigned(5), now))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let q = parse(serde_json::json!({"email": "OLA@nordmann.org"})).unwrap_or_else(|e| panic!("{e:?}"));
        let with_temporary = parse(serde_json::json!({"email": "ola@nordmann.org", "includeTemporary": "true"}))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(q.matches(&customer, now));
        let mut temporary = customer.clone();
        temporary.profile_type = ProfileType::Temporary;
        assert!(!q.matches(&temporary, now));
        assert!(with_temporary.matches(&temporary, now));
        let mut deleted = customer.clone();
        deleted.status = Status::Deleted;
        assert!(!with_temporary.matches(&deleted, now));
        let mut expired = temporary.clone();
        expired.expiration_date = Some(now - chrono::Duration::seconds(1));
        assert!(!with_temporary.matches(&expired, now), "expired is gone at once");
    }

    #[test]
    fn limits_are_checked() {
        assert!(parse(serde_json::json!({"email": "a@b.no", "maxResultSet": "0"})).is_err());
        assert!(parse(serde_json::json!({"email": "a@b.no", "maxResultSet": "1001"})).is_err());
        assert!(parse(serde_json::json!({"email": "a@b.no", "includeTemporary": "yes"})).is_err());
        assert!(
            Page::parse(&PageParams {
                page: None,
                per_page: Some("101".into())
            })
            .is_err()
        );
    }
}
