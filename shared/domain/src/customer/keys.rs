//! Which of a profile's values must be unique in its organisation, and which values a search
//! can start from. The store keeps a guard per unique value and an entry per search key,
//! written in the same atomic step as the profile.

use super::{Customer, ProfileType, Status};

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

/// A value a search can start from; the store keeps one entry per profile and key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SearchKey {
    /// Lower-cased.
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
    pub fn search_keys(&self) -> Vec<SearchKey> {
        let mut keys = Vec::new();
        if self.status != Status::Active {
            return keys;
        }
        if let Some(email) = &self.email {
            keys.push(SearchKey::Email(email.key()));
        }
        if let Some(mobile) = &self.mobile {
            keys.push(SearchKey::Telephone(mobile.e164().to_string()));
        }
        if let Some(v) = &self.vipps_id {
            keys.push(SearchKey::VippsId(v.as_str().to_string()));
        }
        let surname = self.surname.search_form();
        if !surname.is_empty() {
            keys.push(SearchKey::Name {
                surname,
                first_name: self.first_name.search_form(),
            });
        }
        keys
    }
}
