//! A small world for unit tests of the rules: the in-memory store, a clock set by hand, and
//! every capability wired over them, as a Lambda wires them over DynamoDB.

use super::{InMemoryStore, ManualClock};
use crate::accounts::CustomerAccounts;
use crate::credentials::{Credentials, PasswordHasher};
use crate::lifecycle::{Lifecycle, TemporaryProfiles};
use crate::preferences::{Catalogue, CustomerPreferences};
use crate::profiles::ProfileService;
use std::sync::Arc;

/// Cheap Argon2 parameters: the rules, not the cost, are under test.
pub fn quick_hasher() -> PasswordHasher {
    PasswordHasher {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    }
}

pub struct World {
    pub store: Arc<InMemoryStore>,
    pub clock: Arc<ManualClock>,
    pub profiles: ProfileService,
    pub temporary: TemporaryProfiles,
    pub lifecycle: Lifecycle,
    pub accounts: CustomerAccounts,
    pub catalogue: Catalogue,
    pub choices: CustomerPreferences,
    pub credentials: Credentials,
}

impl World {
    pub fn new() -> Self {
        let store = Arc::new(InMemoryStore::new());
        let clock = Arc::new(ManualClock::at("2026-11-23T12:00:00Z"));
        Self {
            profiles: ProfileService::new(store.clone(), clock.clone(), 10, quick_hasher()),
            temporary: TemporaryProfiles::new(store.clone(), clock.clone(), 10, quick_hasher()),
            lifecycle: Lifecycle::new(store.clone(), clock.clone()),
            accounts: CustomerAccounts::new(store.clone(), clock.clone()),
            catalogue: Catalogue::new(store.clone(), clock.clone()),
            choices: CustomerPreferences::new(store.clone(), clock.clone()),
            credentials: Credentials::new(store.clone(), clock.clone(), quick_hasher()),
            store,
            clock,
        }
    }
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}
