//! The DynamoDB adapter of the customers store.
//!
//! One table holds everything, keyed `pk`/`sk`, with no secondary index: every lookup is a
//! `GetItem`, `BatchGetItem` or `Query` on the primary key, strongly consistent.
//!
//! | item | pk | sk | serves |
//! |---|---|---|---|
//! | profile | `CUSTOMER#{org}#{customerNumber}` | `PROFILE` | get, update, bulk by number |
//! | unique guard | `UNIQUE#{org}#EMAIL#{email}` / `UNIQUE#{org}#REF#{customerRef}` | `UNIQUE` | uniqueness under concurrent writes; lookup by customerRef |
//! | search entry | `SEARCH#{org}#{KIND}#{value}` | `{customerNumber:020}` (names: `{firstName}#{customerNumber:020}`) | searches by email, telephone, vippsId, surname (+firstName prefix) |
//! | idempotency record | `IDEMPOTENCY#{org}#{key}` | `IDEMPOTENCY` | replayed creates |
//! | number counter | `COUNTER#CUSTOMER_NUMBER` | `COUNTER` | reserving blocks of customer numbers |
//!
//! Guards and search entries are written in the same transaction as their profile and carry
//! its `expiresAt` (the table's TTL attribute), so a profile expires whole.

mod client;
mod error;
mod items;
mod store;
pub mod table;

pub use client::{StoreConfig, dynamodb_client};
pub use store::DynamoProfileStore;
