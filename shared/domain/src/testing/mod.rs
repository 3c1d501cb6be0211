//! What unit tests of the rules use: an in-memory store of every port, a clock set by hand,
//! and profiles to start from. Built for this crate's tests and, with the `testing` feature,
//! for other crates' tests.

mod store;
mod world;

pub use store::{InMemoryStore, State};
pub use world::{World, quick_hasher};

use crate::clock::Clock;
use crate::customer::{NewCustomer, PersonalDetails, ProfileType};
use crate::values::{Actor, Channel, EmailAddress, Language, OrganisationId, PersonName};
use chrono::{DateTime, Utc};
use std::sync::Mutex;

/// A clock that stands still until moved.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn at(rfc3339: &str) -> Self {
        let t = DateTime::parse_from_rfc3339(rfc3339)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        Self(Mutex::new(t))
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_default()
    }
}

pub fn organisation(n: i64) -> OrganisationId {
    OrganisationId::parse("organisationId", n).unwrap_or_else(|e| panic!("{e:?}"))
}

fn name(raw: &str) -> PersonName {
    PersonName::parse("name", raw).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Ola Nordmann of `org`, with an email when given.
pub fn new_customer(org: OrganisationId, email: Option<&str>) -> NewCustomer {
    NewCustomer {
        organisation_id: org,
        profile_type: ProfileType::Standard,
        details: PersonalDetails {
            first_name: name("Ola"),
            surname: name("Nordmann"),
            email: email.map(|e| EmailAddress::parse("email", e).unwrap_or_else(|err| panic!("{err:?}"))),
            vipps_id: None,
            mobile: None,
            telephone_number_verified_at: None,
            landline_number: None,
            date_of_birth: None,
            nationality: None,
            language: Language::norwegian_bokmal(),
            expiration_date: None,
        },
        password: None,
        customer_ref: None,
        customer_account_id: None,
        created_by: actor("test"),
        created_by_channel: channel("test"),
        postal_addresses: Vec::new(),
    }
}

pub fn name_of(raw: &str) -> PersonName {
    name(raw)
}

pub fn actor(raw: &str) -> Actor {
    Actor::parse("changedBy", raw).unwrap_or_else(|e| panic!("{e:?}"))
}

pub fn channel(raw: &str) -> Channel {
    Channel::parse("changedByChannel", raw).unwrap_or_else(|e| panic!("{e:?}"))
}
