//! Finding profiles. Every parameter of the contract but `postalAddress` (a fragment of an address
//! line) can start a search on its own: the store keeps an entry per profile and value. A search
//! starts from the most selective value it is given and narrows by every other one: all must
//! match.

use crate::addresses::post_code_key;
use crate::customer::{Customer, ProfileType, SearchKey, Status};
use crate::error::DomainError;
use crate::ports::FiledEntry;
use crate::problems::{FieldError, Problem};
use crate::values::{CustomerRef, DateOfBirth, EmailAddress, LandlineNumber, PersonName, PhoneSearch, VippsId};
use chrono::{DateTime, NaiveDate, Utc};

pub const DEFAULT_MAX_RESULT_SET: usize = 100;
pub const MAX_RESULT_SET: usize = 1000;
pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 100_000;

/// The parameters that can start a search, named when none is given.
pub const STARTING_PARAMETERS: &str = "email, telephoneNumber, telephoneNumberNoCountryCode (with or without countryCode), customerRef, vippsId, landlineNumber, dateOfBirth, surname, postCode, firstName";

/// The values a search is given, parsed.
#[derive(Debug, Clone, Default)]
pub struct SearchCriteria {
    pub first_name: Option<PersonName>,
    pub surname: Option<PersonName>,
    pub email: Option<EmailAddress>,
    pub telephone: Option<PhoneSearch>,
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
    telephone: Option<PhoneSearch>,
    landline: Option<String>,
    date_of_birth: Option<NaiveDate>,
    vipps_id: Option<String>,
    customer_ref: Option<String>,
    postal_address: Option<String>,
    post_code: Option<String>,
    pub include_temporary: bool,
    pub max_result_set: usize,
}

/// Why a search cannot start, and what to add.
fn no_start(c: &SearchCriteria) -> DomainError {
    let message = if c.postal_address.is_some() {
        format!(
            "postalAddress only narrows a search (a part of an address line cannot be looked up on its own): add postCode, or another of: {STARTING_PARAMETERS}"
        )
    } else if c.telephone == Some(PhoneSearch::CountryCodeOnly) {
        format!(
            "countryCode alone cannot start a search (it is ignored without telephoneNumberNoCountryCode): add telephoneNumberNoCountryCode, or another of: {STARTING_PARAMETERS}"
        )
    } else {
        format!("a search needs at least one of: {STARTING_PARAMETERS}")
    };
    DomainError::invalid(FieldError::new("", Problem::SearchNeedsStart, message))
}

impl CustomerQuery {
    pub fn new(c: SearchCriteria) -> Result<Self, DomainError> {
        let surname = c
            .surname
            .as_ref()
            .map(PersonName::search_form)
            .filter(|s| !s.is_empty());
        let first_name = c
            .first_name
            .as_ref()
            .map(PersonName::search_form)
            .filter(|s| !s.is_empty());
        let email = c.email.as_ref().map(EmailAddress::key);
        let post_code = c.post_code.as_deref().map(post_code_key).filter(|p| !p.is_empty());
        let date_of_birth = c.date_of_birth.map(DateOfBirth::date);
        // The most selective value given starts the search: identifiers first (one profile
        // each, or a household's), then a birth date (a register spread over some 30,000 days),
        // a surname (with the first name, when given), a post code, and a first name alone.
        let start = if let Some(e) = &email {
            SearchStart::Indexed(SearchKey::Email(e.clone()))
        } else if let Some(PhoneSearch::Whole(m)) = &c.telephone {
            SearchStart::Indexed(SearchKey::Telephone {
                national: m.national_number().to_string(),
                country_code: m.country_code().to_string(),
            })
        } else if let Some(r) = &c.customer_ref {
            SearchStart::CustomerRef(r.clone())
        } else if let Some(v) = &c.vipps_id {
            SearchStart::Indexed(SearchKey::VippsId(v.as_str().to_string()))
        } else if let Some(l) = &c.landline {
            SearchStart::Indexed(SearchKey::Landline(l.as_str().to_string()))
        } else if let Some(PhoneSearch::National(n)) = &c.telephone {
            SearchStart::Indexed(SearchKey::Telephone {
                national: n.clone(),
                country_code: String::new(),
            })
        } else if let Some(d) = date_of_birth {
            SearchStart::Indexed(SearchKey::DateOfBirth(d))
        } else if let Some(s) = &surname {
            SearchStart::Indexed(SearchKey::Name {
                surname: s.clone(),
                first_name: first_name.clone().unwrap_or_default(),
            })
        } else if let Some(p) = &post_code {
            SearchStart::Indexed(SearchKey::PostCode(p.clone()))
        } else if let Some(f) = &first_name {
            SearchStart::Indexed(SearchKey::FirstName(f.clone()))
        } else {
            return Err(no_start(&c));
        };
        Ok(Self {
            start,
            first_name,
            surname,
            email,
            telephone: c.telephone,
            landline: c.landline.map(|l| l.as_str().to_string()),
            date_of_birth,
            vipps_id: c.vipps_id.map(|v| v.as_str().to_string()),
            customer_ref: c.customer_ref.map(|r| r.as_str().to_string()),
            postal_address: c.postal_address.map(|a| a.to_lowercase()),
            post_code,
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
        let first_name_matches = |wanted: &str| first_name_matches(&c.first_name.search_form(), wanted);
        self.surname.as_deref().is_none_or(|s| c.surname.search_form() == s)
            && self.first_name.as_deref().is_none_or(first_name_matches)
            && self
                .email
                .as_deref()
                .is_none_or(|e| c.email.as_ref().is_some_and(|x| x.key() == e))
            && self.telephone.as_ref().is_none_or(|t| t.matches(c.mobile.as_ref()))
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
                .is_none_or(|code| c.postal_addresses.iter().any(|a| a.has_post_code(code)))
    }
}

/// A first name asked for matches the whole name or its first words: "ola" finds "ola johan",
/// not "olav".
fn first_name_matches(have: &str, wanted: &str) -> bool {
    have == wanted || have.strip_prefix(wanted).is_some_and(|rest| rest.starts_with(' '))
}

impl CustomerQuery {
    /// Whether the entries of the starting key decide the search alone: every value given is
    /// one of the key's own, which its entries hold.
    pub fn decided_by_entries(&self) -> bool {
        let SearchStart::Indexed(start) = &self.start else {
            return false;
        };
        let given = [
            self.first_name.is_some(),
            self.surname.is_some(),
            self.email.is_some(),
            self.telephone.is_some(),
            self.landline.is_some(),
            self.date_of_birth.is_some(),
            self.vipps_id.is_some(),
            self.customer_ref.is_some(),
            self.postal_address.is_some(),
            self.post_code.is_some(),
        ]
        .into_iter()
        .filter(|given| *given)
        .count();
        let own = match start {
            SearchKey::Name { .. } => 1 + usize::from(self.first_name.is_some()),
            _ => 1,
        };
        given == own
    }

    /// Whether the profile an entry names matches, judged from the entry alone as
    /// [`CustomerQuery::matches`] judges the profile, for a search [decided by its
    /// entries](CustomerQuery::decided_by_entries) (asked once, by the caller): `None` when the
    /// entry does not say (it predates what entries record). Entries are kept for active
    /// profiles only.
    pub fn admits(&self, entry: &FiledEntry, now: DateTime<Utc>) -> Option<bool> {
        let facts = entry.facts?;
        let SearchStart::Indexed(start) = &self.start else {
            return None;
        };
        if facts.expiration_date.is_some_and(|t| t <= now) {
            return Some(false);
        }
        if facts.profile_type == ProfileType::Temporary && !self.include_temporary {
            return Some(false);
        }
        let first_name = match &entry.filed {
            SearchKey::Name { first_name, .. } | SearchKey::FirstName(first_name) => self
                .first_name
                .as_deref()
                .is_none_or(|w| first_name_matches(first_name, w)),
            _ => true,
        };
        Some(first_name && start.finds(&entry.filed))
    }
}

/// One page of a paged search, counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    /// This page's share of `all`, in their order.
    pub fn of<T>(self, all: impl IntoIterator<Item = T>) -> Vec<T> {
        let start = (self.page as usize).saturating_mul(self.per_page as usize);
        all.into_iter().skip(start).take(self.per_page as usize).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{CustomerRef, MobileNumber};

    /// Every combination of names, kinds and expiries against searches its entries decide: a
    /// profile is admitted from its entries exactly when it matches.
    #[test]
    fn entries_admit_exactly_the_profiles_that_match() {
        use crate::ports::EntryFacts;
        use crate::testing::{name_of, new_customer, organisation};
        let now = DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let number = crate::values::CustomerNumber::parse("n", 1_000_000_001).unwrap_or_else(|e| panic!("{e:?}"));
        let mut profiles = Vec::new();
        for first in ["Ola", "Ola Johan", "Olav", "ola", "Kari"] {
            for surname in ["Nordmann", "Nordmannsen"] {
                for kind in [ProfileType::Standard, ProfileType::Temporary, ProfileType::Personnel] {
                    for expiry in [None, Some(-1), Some(0), Some(1)] {
                        let mut c = new_customer(organisation(1), None).into_customer(number, now);
                        c.first_name = name_of(first);
                        c.surname = name_of(surname);
                        c.profile_type = kind;
                        c.expiration_date = expiry.map(|s| now + chrono::Duration::seconds(s));
                        profiles.push(c);
                    }
                }
            }
        }
        let searches = [
            (Some("Nordmann"), None),
            (Some("nordmann"), Some("Ola")),
            (Some("Nordmann"), Some("ola johan")),
            (Some("Nordmannsen"), Some("O")),
            (None, Some("Ola")),
            (None, Some("Olav")),
            (None, Some("Ola Johan")),
        ];
        let mut decided = 0;
        for (surname, first_name) in searches {
            for include_temporary in [false, true] {
                let query = parsed(CustomerQuery::new(SearchCriteria {
                    surname: surname.map(name_of),
                    first_name: first_name.map(name_of),
                    include_temporary,
                    max_result_set: 10,
                    ..Default::default()
                }));
                assert!(query.decided_by_entries(), "{surname:?} {first_name:?}");
                let SearchStart::Indexed(start) = &query.start else {
                    panic!("{surname:?} {first_name:?} starts from a key");
                };
                for c in &profiles {
                    let admitted: Vec<Option<bool>> = c
                        .search_keys()
                        .into_iter()
                        .filter(|filed| start.finds(filed))
                        .map(|filed| {
                            query.admits(
                                &FiledEntry {
                                    number: c.customer_number,
                                    filed,
                                    facts: Some(EntryFacts {
                                        profile_type: c.profile_type,
                                        expiration_date: c.expiration_date,
                                    }),
                                },
                                now,
                            )
                        })
                        .collect();
                    assert!(admitted.iter().all(Option::is_some));
                    assert_eq!(
                        admitted.contains(&Some(true)),
                        query.matches(c, now),
                        "{surname:?} {first_name:?} temporary {include_temporary}: {} {} {:?} {:?}",
                        c.first_name,
                        c.surname,
                        c.profile_type,
                        c.expiration_date
                    );
                    decided += 1;
                }
            }
        }
        assert_eq!(decided, 14 * profiles.len());
    }

    /// A value the entries do not hold, or an entry from before they recorded their profile,
    /// leaves the search to the profiles.
    #[test]
    fn entries_decide_only_a_search_by_their_own_values() {
        let query = |c: SearchCriteria| parsed(CustomerQuery::new(c));
        let surname = Some(parsed(PersonName::parse("surname", "Nordmann")));
        let by_surname = query(SearchCriteria {
            surname: surname.clone(),
            ..Default::default()
        });
        assert!(by_surname.decided_by_entries());
        let narrowed = [
            SearchCriteria {
                surname: surname.clone(),
                post_code: Some("0150".into()),
                ..Default::default()
            },
            SearchCriteria {
                surname: surname.clone(),
                postal_address: Some("storgata".into()),
                ..Default::default()
            },
            SearchCriteria {
                surname: surname.clone(),
                customer_ref: Some(parsed(CustomerRef::parse("customerRef", "r-1"))),
                ..Default::default()
            },
        ];
        for c in narrowed {
            assert!(!query(c).decided_by_entries());
        }
        let filed = SearchKey::Name {
            surname: "nordmann".into(),
            first_name: "ola".into(),
        };
        let now = Utc::now();
        let old = FiledEntry {
            number: parsed(crate::values::CustomerNumber::parse("n", 1_000_000_001)),
            filed,
            facts: None,
        };
        assert_eq!(by_surname.admits(&old, now), None);
    }

    fn parsed<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
        r.unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// Every parameter given; each step takes away the one the search started from.
    #[test]
    fn a_search_starts_from_the_most_selective_value_it_is_given() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let mobile = parsed(MobileNumber::parse(Some("+47"), Some("41234567"), None));
        let mut c = SearchCriteria {
            first_name: Some(parsed(PersonName::parse("firstName", "Kari Anne"))),
            surname: Some(parsed(PersonName::parse("surname", "Fjellheim"))),
            email: Some(parsed(EmailAddress::parse("email", "Kari@example.org"))),
            telephone: mobile.map(PhoneSearch::Whole),
            landline: Some(parsed(LandlineNumber::parse("landlineNumber", "+4722123456"))),
            date_of_birth: Some(parsed(DateOfBirth::parse("dateOfBirth", "1990-05-17", today))),
            vipps_id: Some(parsed(VippsId::parse("vippsId", "v-1"))),
            customer_ref: Some(parsed(CustomerRef::parse("customerRef", "r-1"))),
            postal_address: Some("Storgata".into()),
            post_code: Some("sw1a 1aa".into()),
            include_temporary: false,
            max_result_set: 10,
        };
        let start = |c: &SearchCriteria| CustomerQuery::new(c.clone()).map(|q| q.start).ok();
        let indexed = |k: SearchKey| Some(SearchStart::Indexed(k));
        assert_eq!(start(&c), indexed(SearchKey::Email("kari@example.org".into())));
        c.email = None;
        let phone = |cc: &str| SearchKey::Telephone {
            national: "41234567".into(),
            country_code: cc.into(),
        };
        assert_eq!(start(&c), indexed(phone("+47")));
        c.telephone = Some(PhoneSearch::National("41234567".into()));
        assert_eq!(start(&c), c.customer_ref.clone().map(SearchStart::CustomerRef));
        c.customer_ref = None;
        assert_eq!(start(&c), indexed(SearchKey::VippsId("v-1".into())));
        c.vipps_id = None;
        assert_eq!(start(&c), indexed(SearchKey::Landline("+4722123456".into())));
        c.landline = None;
        assert_eq!(start(&c), indexed(phone("")));
        c.telephone = Some(PhoneSearch::CountryCodeOnly);
        let birth = NaiveDate::from_ymd_opt(1990, 5, 17).unwrap_or_default();
        assert_eq!(start(&c), indexed(SearchKey::DateOfBirth(birth)));
        c.date_of_birth = None;
        let name = SearchKey::Name {
            surname: "fjellheim".into(),
            first_name: "kari anne".into(),
        };
        assert_eq!(start(&c), indexed(name));
        c.surname = None;
        assert_eq!(start(&c), indexed(SearchKey::PostCode("SW1A1AA".into())));
        c.post_code = None;
        assert_eq!(start(&c), indexed(SearchKey::FirstName("kari anne".into())));
        c.first_name = None;
        assert_eq!(
            start(&c),
            None,
            "a part of an address line and a country code start nothing"
        );
    }
}
