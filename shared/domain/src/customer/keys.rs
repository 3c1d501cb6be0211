//! Which of a profile's values must be unique in its organisation, and which values a search
//! can start from. The store keeps a guard per unique value and an entry per search key,
//! written in the same atomic step as the profile.

use super::{Customer, ProfileType, Status};
use crate::addresses::post_code_key;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// A value unique within an organisation, guarded at write time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UniqueClaim {
    /// Email, lower-cased, among active permanent profiles.
    Email(String),
    /// customerRef, among all profiles.
    CustomerRef(String),
    /// A customer account id belongs to at most one profile of the organisation.
    Account(String),
}

/// A value a search can start from; the store keeps one entry per profile and key. As a query,
/// a key may be partial: a first name is a prefix, a telephone number may lack its country code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SearchKey {
    /// Lower-cased.
    Email(String),
    /// A mobile number: its national number, and its country code ("+47"; empty in a query
    /// for the national number alone).
    Telephone {
        national: String,
        country_code: String,
    },
    VippsId(String),
    /// A landline number, E.164.
    Landline(String),
    /// Lower-cased surname, then lower-cased first name (searched by prefix).
    Name {
        surname: String,
        first_name: String,
    },
    /// Lower-cased first name (searched by prefix), filed under its first word.
    FirstName(String),
    DateOfBirth(NaiveDate),
    /// A post code of one of the profile's postal addresses, in its search form.
    PostCode(String),
}

impl SearchKey {
    /// Whether a search for `self` finds a profile filed under `filed`.
    pub fn finds(&self, filed: &SearchKey) -> bool {
        match (self, filed) {
            (
                SearchKey::Name { surname, first_name },
                SearchKey::Name {
                    surname: s,
                    first_name: f,
                },
            ) => surname == s && f.starts_with(first_name.as_str()),
            (SearchKey::FirstName(wanted), SearchKey::FirstName(have)) => {
                first_word(wanted) == first_word(have) && have.starts_with(wanted.as_str())
            }
            (
                SearchKey::Telephone { national, country_code },
                SearchKey::Telephone {
                    national: n,
                    country_code: c,
                },
            ) => national == n && (country_code.is_empty() || country_code == c),
            (wanted, have) => wanted == have,
        }
    }
}

/// The word a first name is filed under: "ola" for "ola johan".
pub fn first_word(first_name: &str) -> &str {
    first_name.split_whitespace().next().unwrap_or("")
}

impl Customer {
    pub fn unique_claims(&self) -> Vec<UniqueClaim> {
        let mut claims = vec![UniqueClaim::CustomerRef(self.customer_ref.as_str().to_string())];
        claims.extend(
            self.customer_accounts
                .iter()
                .map(|a| UniqueClaim::Account(a.account_id.as_str().to_string())),
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
    /// One key per value the profile has; one per distinct post code of its addresses.
    pub fn search_keys(&self) -> Vec<SearchKey> {
        let mut keys = BTreeSet::new();
        if self.status != Status::Active {
            return Vec::new();
        }
        if let Some(email) = &self.email {
            keys.insert(SearchKey::Email(email.key()));
        }
        if let Some(mobile) = &self.mobile {
            keys.insert(SearchKey::Telephone {
                national: mobile.national_number().to_string(),
                country_code: mobile.country_code().to_string(),
            });
        }
        if let Some(v) = &self.vipps_id {
            keys.insert(SearchKey::VippsId(v.as_str().to_string()));
        }
        if let Some(l) = &self.landline_number {
            keys.insert(SearchKey::Landline(l.as_str().to_string()));
        }
        let surname = self.surname.search_form();
        let first_name = self.first_name.search_form();
        if !surname.is_empty() {
            keys.insert(SearchKey::Name {
                surname,
                first_name: first_name.clone(),
            });
        }
        if !first_word(&first_name).is_empty() {
            keys.insert(SearchKey::FirstName(first_name));
        }
        if let Some(d) = self.date_of_birth {
            keys.insert(SearchKey::DateOfBirth(d.date()));
        }
        for a in &self.postal_addresses {
            if let Some(code) = a
                .details
                .post_code
                .as_deref()
                .map(post_code_key)
                .filter(|c| !c.is_empty())
            {
                keys.insert(SearchKey::PostCode(code));
            }
        }
        keys.into_iter().collect()
    }
}
