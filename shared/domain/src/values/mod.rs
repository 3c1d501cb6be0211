//! Typed values of the customers domain. Each can only be built by parsing, so a value that
//! exists is a valid value ("parse, don't validate"), and the same parser reads stored values
//! back, so whatever was accepted can be read again.

mod email;
mod ids;
mod language;
mod numbering_plans;
mod password;
mod telephone;
mod text;
mod time;

pub use email::EmailAddress;
pub use ids::{CustomerNumber, CustomerRef, CustomerUuid, ItemId, OrganisationId, Version};
pub use language::{Country, Language};
pub use password::Password;
pub use telephone::{LandlineNumber, MobileNumber, PhoneSearch, parse_country_code};
pub use text::{AccountId, Actor, Channel, PersonName, TextRule, VippsId};
pub use time::{DateOfBirth, YEARS, format_instant, in_future, parse_date, parse_instant};
