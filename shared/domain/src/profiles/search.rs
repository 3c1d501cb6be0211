//! Finding profiles. A search starts from the most selective value it is given that the store
//! keeps entries for, and narrows by every other value: all must match.

use crate::customer::{Customer, ProfileType, SearchKey, Status};
use crate::error::DomainError;
use crate::problems::{FieldError, Problem};
use crate::values::{CustomerRef, DateOfBirth, EmailAddress, LandlineNumber, PersonName, VippsId};
use chrono::{DateTime, NaiveDate, Utc};

pub const DEFAULT_MAX_RESULT_SET: usize = 100;
pub const MAX_RESULT_SET: usize = 1000;
pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 100_000;

/// The parameters that can start a search, named when none is given.
pub const STARTING_PARAMETERS: &str = "email, countryCode with telephoneNumberNoCountryCode, telephoneNumber, customerRef, vippsId, surname (optionally with firstName)";

/// The values a search is given, parsed.
#[derive(Debug, Clone, Default)]
pub struct SearchCriteria {
    pub first_name: Option<PersonName>,
    pub surname: Option<PersonName>,
    pub email: Option<EmailAddress>,
    /// E.164.
    pub telephone: Option<String>,
    pub landline: Option<LandlineNumber>,
    pub date_of_birth: Option<DateOfBirth>,
    pub vipps_id: Option<VippsId>,
    pub customer_ref: Option<CustomerRef>,
    /// Part of an address line, any case.
    pub postal_address: Option<String>,
    pub post_code: Option<String>,
    pub include_temporary: bool,
    pub max_result_set: usize,
}

/// Where a search starts: a key the store can look up without scanning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchStart {
    Indexed(SearchKey),
    CustomerRef(CustomerRef),
}

/// A search: where it starts and what every result must match.
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

impl CustomerQuery {
    pub fn new(c: SearchCriteria) -> Result<Self, DomainError> {
        let surname = c.surname.map(|s| s.search_form()).filter(|s| !s.is_empty());
        let first_name = c.first_name.map(|s| s.search_form()).filter(|s| !s.is_empty());
        let email = c.email.map(|e| e.key());
        // The most selective key given starts the search.
        let start = if let Some(e) = &email {
            SearchStart::Indexed(SearchKey::Email(e.clone()))
        } else if let Some(t) = &c.telephone {
            SearchStart::Indexed(SearchKey::Telephone(t.clone()))
        } else if let Some(r) = &c.customer_ref {
            SearchStart::CustomerRef(r.clone())
        } else if let Some(v) = &c.vipps_id {
            SearchStart::Indexed(SearchKey::VippsId(v.as_str().to_string()))
        } else if let Some(s) = &surname {
            SearchStart::Indexed(SearchKey::Name {
                surname: s.clone(),
                first_name: first_name.clone().unwrap_or_default(),
            })
        } else {
            return Err(DomainError::invalid(FieldError::new(
                "",
                Problem::SearchNeedsStart,
                format!("a search needs at least one of: {STARTING_PARAMETERS}"),
            )));
        };
        Ok(Self {
            start,
            first_name,
            surname,
            email,
            telephone: c.telephone,
            landline: c.landline.map(|l| l.as_str().to_string()),
            date_of_birth: c.date_of_birth.map(DateOfBirth::date),
            vipps_id: c.vipps_id.map(|v| v.as_str().to_string()),
            customer_ref: c.customer_ref.map(|r| r.as_str().to_string()),
            postal_address: c.postal_address.map(|a| a.to_lowercase()),
            post_code: c.post_code,
            include_temporary: c.include_temporary,
            max_result_set: c.max_result_set,
        })
    }

    /// True when the profile is visible to searches and matches every value given.
    pub fn matches(&self, c: &Customer, now: DateTime<Utc>) -> bool {
        if c.is_expired(now) || c.status != Status::Active {
            return false;
        }
        if c.profile_type == ProfileType::Temporary && !self.include_temporary {
            return false;
        }
        let first_name_matches = |wanted: &str| {
            let have = c.first_name.search_form();
            have == wanted || have.strip_prefix(wanted).is_some_and(|rest| rest.starts_with(' '))
        };
        self.surname.as_deref().is_none_or(|s| c.surname.search_form() == s)
            && self.first_name.as_deref().is_none_or(first_name_matches)
            && self
                .email
                .as_deref()
                .is_none_or(|e| c.email.as_ref().is_some_and(|x| x.key() == e))
            && self
                .telephone
                .as_deref()
                .is_none_or(|t| c.mobile.as_ref().is_some_and(|m| m.e164() == t))
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
            && self.post_code.as_deref().is_none_or(|code| {
                c.postal_addresses
                    .iter()
                    .any(|a| a.details.post_code.as_deref() == Some(code))
            })
    }
}

/// One page of a paged search, counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}
