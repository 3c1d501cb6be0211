//! The customers domain: what a customer profile is, which values it may hold, and the rules of
//! each capability (profiles, lifecycle, what hangs off a profile, preferences, credentials).
//! Nothing here knows HTTP, AWS or the wire format: capabilities take parsed commands, return
//! entities and typed errors, and reach storage through the narrow ports in [`ports`].

pub mod accounts;
pub mod addresses;
pub mod clock;
pub mod conditional;
pub mod credentials;
pub mod customer;
pub mod deadline;
pub mod ecards;
pub mod error;
pub mod events;
pub mod lifecycle;
pub mod listed;
pub mod notes;
pub mod ports;
pub mod preferences;
pub mod problems;
pub mod profiles;
pub mod values;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use customer::{Customer, ProfileType, Status};
pub use error::DomainError;
