//! The customers domain: what a customer profile is, which values it may hold and which rules
//! govern it. Nothing here knows about HTTP or AWS; storage is reached through the ports in
//! [`store`], and the wire shapes of the contract live in [`contract`].

pub mod contract;
pub mod credentials;
pub mod error;
pub mod events;
pub mod idempotency;
pub mod lifecycle;
pub mod password;
pub mod profile;
pub mod resource_service;
pub mod resources;
pub mod search;
pub mod service;
pub mod store;
pub mod telephone;
pub mod time;
pub mod validation;
pub mod values;

pub use error::CustomerError;
pub use profile::{Customer, ProfileType, Status};
pub use service::ProfileService;
pub use values::{CustomerNumber, CustomerRef, OrganisationId};
