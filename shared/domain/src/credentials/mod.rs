//! Credentials (the contract's "Authentication admin"): verify, set, change and generate
//! passwords. The email is the login name; only an active standard profile can sign in. Every
//! failed sign-in answers alike after the same work, and attempts are counted per login name
//! before any password is checked, so parallel guesses cannot outrun the limit.

mod hashing;

pub use hashing::{PasswordHash, PasswordHasher, on_hashing_thread, time_spent_verifying, verifications_performed};

use crate::clock::Clock;
use crate::conditional::{Edit, Profiles};
use crate::customer::{ChangeStamp, Customer, ProfileType, Status};
use crate::error::{Action, DomainError, Missing, Refusal};
use crate::ports::{
    AttemptVerdict, Change, Growth, PasswordHashes, Port, ProfileReads, ProfileWrites, SignInAttempts, StoreError,
};
use crate::values::{Actor, Channel, CustomerNumber, EmailAddress, OrganisationId, Password};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

/// Attempts allowed per login name within [`ATTEMPT_WINDOW_MINUTES`]; a success clears them.
pub const MAX_ATTEMPTS: u32 = 5;
pub const ATTEMPT_WINDOW_MINUTES: i64 = 15;

/// What attempts are counted by: the login name (so an unknown email is limited just like a
/// known one), or the profile for a password change.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttemptKey {
    Email(String),
    Customer(CustomerNumber),
}

/// A sign-in as a client asks for it.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub email: EmailAddress,
    pub password: Password,
    /// Where the customer signs in from (web, app), shown to them later.
    pub from: Option<Channel>,
}

/// A new password for the profile with this email, shown once.
#[derive(Debug, Clone)]
pub struct GeneratedPassword {
    pub customer: Customer,
    pub password: Password,
}

pub struct Credentials {
    profiles: Profiles,
    attempts: Arc<dyn SignInAttempts>,
    hashes: Arc<dyn PasswordHashes>,
    hasher: PasswordHasher,
}

impl PasswordHasher {
    /// Hashes on the hashing thread, off the request's runtime.
    pub async fn hash_password(&self, password: Password) -> Result<PasswordHash, DomainError> {
        let hasher = *self;
        on_hashing_thread(move || hasher.hash(&password))
            .await
            .map_err(DomainError::Internal)?
            .map_err(DomainError::Internal)
    }

    /// One Argon2 verification on the hashing thread, real or stand-in (no hash: an unknown
    /// account costs what a known one does).
    pub async fn check_password(&self, password: Password, hash: Option<PasswordHash>) -> Result<bool, DomainError> {
        let hasher = *self;
        on_hashing_thread(move || match hash {
            Some(hash) => hasher.verify(&password, &hash),
            None => {
                hasher.verify_nothing(&password);
                false
            }
        })
        .await
        .map_err(DomainError::Internal)
    }
}

fn window() -> Duration {
    Duration::minutes(ATTEMPT_WINDOW_MINUTES)
}

fn too_many(until: DateTime<Utc>, now: DateTime<Utc>) -> DomainError {
    DomainError::TooManyAttempts {
        retry_after_seconds: (until - now).num_seconds().max(1),
    }
}

/// Only an active permanent profile has a password.
fn ensure_password_profile(c: &Customer) -> Result<(), DomainError> {
    if c.profile_type == ProfileType::Temporary {
        return Err(DomainError::refused(Refusal::Temporary {
            number: c.customer_number,
            action: Action::SetPassword,
        }));
    }
    if c.status != Status::Active {
        return Err(DomainError::refused(Refusal::Status {
            number: c.customer_number,
            status: c.status,
            action: Action::SetPassword,
        }));
    }
    Ok(())
}

impl Credentials {
    pub const PORTS: &[Port] = &[
        Port::ProfileReads,
        Port::ProfileWrites,
        Port::SignInAttempts,
        Port::PasswordHashes,
    ];

    pub fn new<S>(store: Arc<S>, clock: Arc<dyn Clock>, hasher: PasswordHasher) -> Self
    where
        S: ProfileReads + ProfileWrites + SignInAttempts + PasswordHashes + 'static,
    {
        Self {
            profiles: Profiles::new(store.clone(), clock),
            attempts: store.clone(),
            hashes: store,
            hasher,
        }
    }

    /// Counts the attempt, or refuses it when the window's attempts are used up.
    async fn count(&self, org: OrganisationId, key: &AttemptKey) -> Result<(), DomainError> {
        let now = self.profiles.now();
        match self
            .attempts
            .count_attempt(org, key, now, window(), MAX_ATTEMPTS)
            .await?
        {
            AttemptVerdict::Allowed { .. } => Ok(()),
            AttemptVerdict::Refused { until } => Err(too_many(until, now)),
        }
    }

    /// `verify-credentials`. A wrong password, an unknown email, and a profile that may not
    /// sign in (deactivated, merged, temporary, personnel) all answer the same
    /// [`DomainError::WrongCredentials`] after the same reads and one Argon2 verification.
    pub async fn sign_in(&self, org: OrganisationId, sign_in: SignIn) -> Result<Customer, DomainError> {
        let key = AttemptKey::Email(sign_in.email.key());
        let now = self.profiles.now();
        // The attempt is counted while the profile is read: no password is checked before
        // both are done, and the two round trips take the time of one.
        let email = sign_in.email.key();
        let (counted, candidate) = tokio::join!(self.count(org, &key), self.hashes.sign_in_candidate(org, &email));
        counted?;
        let candidate = candidate?.filter(|(c, _)| !c.is_expired(now) && c.can_sign_in());
        let (customer, hash) = match candidate {
            Some((c, hash)) => (Some(c), hash),
            None => (None, None),
        };
        if !self
            .hasher
            .check_password(sign_in.password.clone(), hash.clone())
            .await?
        {
            tracing::info!("sign-in refused");
            return Err(DomainError::WrongCredentials);
        }
        let Some(current) = customer else {
            return Err(DomainError::WrongCredentials);
        };
        // Record the sign-in, upgrading the hash if the parameters changed since it was made.
        let rehash = match hash {
            Some(h) if self.hasher.needs_rehash(&h) => Some(self.hasher.hash_password(sign_in.password).await?),
            _ => None,
        };
        let mut next = current.bumped();
        next.last_sign_in_at = Some(now);
        next.last_sign_in_from = sign_in.from;
        let changes = [Change {
            previous: &current,
            next: &next,
            password: rehash.as_ref(),
            growth: Growth::Record,
        }];
        // Clearing the attempts and recording the sign-in touch different items: both at once.
        let (cleared, recorded) = tokio::join!(
            self.attempts.clear_attempts(org, &key),
            self.profiles.writes.write(&changes, &[], now)
        );
        cleared?;
        match recorded {
            Ok(()) => {
                tracing::info!(customer_number = %current.customer_number, rehashed = rehash.is_some(), "signed in");
                Ok(next)
            }
            // A concurrent change of the profile: the sign-in itself is valid; answer the profile.
            Err(StoreError::Conflict) => self.profiles.live(org, current.customer_number).await,
            // A profile stored larger than its ceiling (before sizes were kept) cannot record
            // the sign-in; the sign-in itself is valid.
            Err(StoreError::ItemTooLarge(t)) => {
                tracing::warn!(customer_number = %current.customer_number, bytes = t.bytes, "sign-in not recorded: the profile is too large");
                Ok(current)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Stores a new password hash with the change stamp of `by`.
    async fn store_password(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        password: Password,
        by: Actor,
    ) -> Result<Customer, DomainError> {
        let hash = self.hasher.hash_password(password).await?;
        let channel = Channel::parse("changedByChannel", "credentials").map_err(DomainError::invalid)?;
        let edit_of = Edit::of(org, number).with_password(Some(&hash)).recording();
        self.profiles
            .edit(edit_of, |current, now| {
                ensure_password_profile(current)?;
                let mut next = current.bumped();
                next.changed = ChangeStamp {
                    by: by.clone(),
                    channel: channel.clone(),
                    at: now,
                };
                Ok(next)
            })
            .await
    }

    /// An administrator sets a new password.
    pub async fn set_password(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        password: Password,
        by: Actor,
    ) -> Result<(), DomainError> {
        let current = self.profiles.live(org, number).await?;
        ensure_password_profile(&current)?;
        self.store_password(org, number, password, by).await?;
        tracing::info!(customer_number = %number, "password set");
        Ok(())
    }

    /// The customer changes the password, proving the old one.
    pub async fn change_password(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        old: Password,
        new: Password,
        by: Actor,
    ) -> Result<(), DomainError> {
        let current = self.profiles.live(org, number).await?;
        ensure_password_profile(&current)?;
        let key = AttemptKey::Customer(number);
        self.count(org, &key).await?;
        let hash = self.hashes.password_hash(org, number).await?;
        if !self.hasher.check_password(old, hash).await? {
            return Err(DomainError::WrongCredentials);
        }
        self.attempts.clear_attempts(org, &key).await?;
        self.store_password(org, number, new, by).await?;
        tracing::info!(customer_number = %number, "password changed");
        Ok(())
    }

    /// A new random password for the active standard profile with this email, returned once.
    pub async fn generate_password(
        &self,
        org: OrganisationId,
        email: &EmailAddress,
        by: Actor,
    ) -> Result<GeneratedPassword, DomainError> {
        let now = self.profiles.now();
        let (current, _) = self
            .hashes
            .sign_in_candidate(org, &email.key())
            .await?
            .filter(|(c, _)| !c.is_expired(now))
            .ok_or(DomainError::NotFound(Missing::Profile))?;
        ensure_password_profile(&current)?;
        let password = self.hasher.generate();
        let customer = self
            .store_password(org, current.customer_number, password.clone(), by)
            .await?;
        tracing::info!(customer_number = %customer.customer_number, "password generated");
        Ok(GeneratedPassword { customer, password })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{World, actor, new_customer, organisation};

    fn sign_in(password: &str) -> SignIn {
        SignIn {
            email: EmailAddress::parse("email", "ola@nordmann.org").unwrap_or_else(|e| panic!("{e:?}")),
            password: Password::attempt("password", password).unwrap_or_else(|e| panic!("{e:?}")),
            from: None,
        }
    }

    #[tokio::test]
    async fn attempts_are_counted_before_any_password_is_checked() {
        let w = World::new();
        let org = organisation(1);
        let mut new = new_customer(org, Some("ola@nordmann.org"));
        new.password = Password::parse("password", "abcD123").ok();
        w.profiles
            .create(org, new, None)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let before = verifications_performed();
        for _ in 0..MAX_ATTEMPTS {
            let wrong = w.credentials.sign_in(org, sign_in("wrong-1")).await;
            assert!(matches!(wrong, Err(DomainError::WrongCredentials)), "{wrong:?}");
        }
        // The window's attempts are used up: even the right password is refused, unchecked.
        let refused = w.credentials.sign_in(org, sign_in("abcD123")).await;
        assert!(
            matches!(
                refused,
                Err(DomainError::TooManyAttempts {
                    retry_after_seconds: 900
                })
            ),
            "{refused:?}"
        );
        assert!(verifications_performed() - before >= u64::from(MAX_ATTEMPTS));
        // A new window, and a success clears the count.
        w.clock.advance(Duration::minutes(ATTEMPT_WINDOW_MINUTES));
        let signed_in = w.credentials.sign_in(org, sign_in("abcD123")).await;
        assert!(signed_in.is_ok_and(|c| c.last_sign_in_at == Some(w.clock.now())));
        let attempts = w.store.with_state(|s| s.attempts.len()).ok();
        assert_eq!(attempts, Some(0));
    }

    #[tokio::test]
    async fn an_unknown_email_is_counted_and_answered_like_a_wrong_password() {
        let w = World::new();
        let org = organisation(1);
        for _ in 0..MAX_ATTEMPTS {
            let r = w.credentials.sign_in(org, sign_in("whatever")).await;
            assert!(matches!(r, Err(DomainError::WrongCredentials)), "{r:?}");
        }
        let r = w.credentials.sign_in(org, sign_in("whatever")).await;
        assert!(matches!(r, Err(DomainError::TooManyAttempts { .. })), "{r:?}");
        let number = w
            .profiles
            .create(org, new_customer(org, None), None)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .customer()
            .customer_number;
        let set = w
            .credentials
            .set_password(
                org,
                number,
                Password::parse("p", "newPass1").unwrap_or_else(|e| panic!("{e:?}")),
                actor("admin"),
            )
            .await;
        assert!(set.is_ok(), "{set:?}");
        let hash = w.store.with_state(|s| s.hashes.contains_key(&(org, number))).ok();
        assert_eq!(hash, Some(true));
    }
}
