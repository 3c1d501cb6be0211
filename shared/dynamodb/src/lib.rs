//! The DynamoDB adapter of the customers store: the item layout (keys, record types mapped to
//! and from the domain's entities), the ports on one table, and the table's stream read back
//! into domain changes.
//!
//! | item | pk | sk | serves |
//! |---|---|---|---|
//! | profile | `CUSTOMER#{org}#{customerNumber}` | `PROFILE` | get, update, bulk by number; holds what hangs off the profile |
//! | unique guard | `UNIQUE#{org}#EMAIL#{email}`, `…#REF#{customerRef}`, `…#ACCOUNT#{accountId}` | `UNIQUE` | uniqueness under concurrent writes; lookups by reference, account and login email |
//! | preference code | `UNIQUE#{org}#PREFERENCE_CODE#{code}` | `UNIQUE` | one preference per code in a catalogue |
//! | search entry | `SEARCH#{org}#{KIND}#{value}` | `{customerNumber:020}` (names: `{firstName}#{customerNumber:020}`) | searches |
//! | preference | `PREFERENCES#{org}` | `PREFERENCE#{id:020}` | the organisation's catalogue |
//! | idempotency record | `IDEMPOTENCY#{org}#{key}` | `IDEMPOTENCY` | replayed creates |
//! | sign-in attempts | `THROTTLE#{org}#EMAIL#{email}` / `…#CUSTOMER#{n}` | `SIGN_IN` | attempts per login name and window |
//! | number counter | `COUNTER#CUSTOMER_NUMBER` | `COUNTER` | reserving blocks of customer numbers |
//!
//! Guards and search entries are written in the same transaction as their profile and carry
//! its `expiresAt` (the table's TTL attribute), so a profile expires whole.

mod attempts;
mod catalogue;
mod client;
mod error;
mod hashes;
mod items;
mod numbers;
pub mod permissions;
mod profiles;
mod records;
pub mod size;
mod store;
pub mod stream;
pub mod stream_reader;
pub mod table;
mod transact;

pub use client::{StoreConfig, dynamodb_client};
pub use store::DynamoStore;
