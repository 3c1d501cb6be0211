//! Credentials (the contract's "Authentication admin"): verify, set, change and generate
//! passwords. The email is the login name; only an active standard profile can sign in.

use crate::error::CustomerError;
use crate::password::Password;
use crate::profile::{ChangeStamp, Customer, ProfileType, Status};
use crate::service::{Caller, ProfileService};
use crate::store::{Change, SignInThrottle, StoreError, ThrottleKey};
use crate::validation::{ErrorCode, FieldError, Problems};
use crate::values::{Actor, Channel, CustomerNumber, EmailAddress, OrganisationId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Verify credentials for a customer.
#[derive(Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyCredentialsRequest {
    /// Email used for login. See property 'username' on CustomerResponse
    pub email: Option<String>,
    /// Password used for login.
    #[schema(write_only)]
    pub password: Option<String>,
    /// The place if login. Typically web or app. Typically used to display to the user where the last login was performed.
    pub last_sign_in_from: Option<String>,
}

/// Set a new password (administrators).
#[derive(Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewPasswordRequest {
    /// The new password.
    #[schema(write_only)]
    pub new_password: Option<String>,
}

/// Change a password, proving the old one.
#[derive(Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    /// The new user password.
    #[schema(write_only)]
    pub new_password: Option<String>,
    /// The old user password.
    #[schema(write_only)]
    pub old_password: Option<String>,
}

/// Generate a new password for the profile with this email.
#[derive(Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeneratePasswordRequest {
    /// The email address identifying the profile
    pub email: Option<String>,
    /// The organisation the profile belongs to. Default is tenant organisation ID. Only Internal tenants are allowed to override the organisation id
    pub organisation_id: Option<i64>,
}

/// The generated password, shown once.
#[derive(Clone, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeneratePasswordResponse {
    /// Customer surname.
    pub surname: String,
    /// Customer first and middle name.
    pub first_name: String,
    /// Customer number.
    pub customer_number: i64,
    /// Organisation id.
    pub organisation_id: i64,
    /// The new generated password.
    pub generated_password: String,
    /// Customer reference
    pub customer_ref: String,
    /// Telephone number for customer. This should be a cell phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone_number: Option<String>,
}

// Personal data and secrets stay out of debug output.
macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), "(<redacted>)"))
            }
        }
    )*};
}
redacted_debug!(
    VerifyCredentialsRequest,
    NewPasswordRequest,
    ChangePasswordRequest,
    GeneratePasswordRequest,
    GeneratePasswordResponse
);

/// Failed sign-ins allowed per login name within [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES: u32 = 5;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

fn throttle_window() -> Duration {
    Duration::minutes(THROTTLE_WINDOW_MINUTES)
}

fn required_password(problems: &mut Problems, field: &str, raw: Option<&str>) -> Option<Password> {
    match raw {
        None => {
            problems.push(FieldError::new(
                field,
                ErrorCode::Required,
                format!("{field} is required"),
            ));
            None
        }
        Some(v) => problems.take(Password::parse(field, v)),
    }
}

impl ProfileService {
    /// When the login name has failed too often lately: the moment it may try again.
    async fn throttled_until(
        &self,
        org: OrganisationId,
        key: &ThrottleKey,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, CustomerError> {
        Ok(match self.store.sign_in_failures(org, key).await? {
            Some(SignInThrottle { failures, window_start })
                if failures >= MAX_FAILURES && window_start + throttle_window() > now =>
            {
                Some(window_start + throttle_window())
            }
            _ => None,
        })
    }

    async fn verify_on_blocking_thread(
        &self,
        password: Password,
        customer: Option<&Customer>,
    ) -> Result<bool, CustomerError> {
        // An unknown account does the same reads as a known one: its hash is looked up under a
        // number no profile has.
        let (org, number) = match customer {
            Some(c) => (c.organisation_id, c.customer_number),
            None => (self.placeholder_org, CustomerNumber::assigned(i64::MAX)),
        };
        let hash = self.store.password_hash(org, number).await?;
        let hash = hash.filter(|_| customer.is_some());
        let hasher = self.hasher;
        crate::password::on_hashing_thread(move || match hash {
            Some(hash) => hasher.verify(&password, &hash),
            None => {
                hasher.verify_nothing(&password);
                false
            }
        })
        .await
        .map_err(CustomerError::Internal)
    }

    /// `POST /profiles/verify-credentials`. A wrong password, an unknown email, and a profile
    /// that may not sign in (deactivated, merged, temporary, personnel) all answer the same
    /// [`CustomerError::WrongCredentials`] after the same work (one Argon2 verification).
    pub async fn verify_credentials(
        &self,
        caller: Caller,
        request: &VerifyCredentialsRequest,
    ) -> Result<Customer, CustomerError> {
        let mut problems = Problems::new();
        let email = match request.email.as_deref() {
            None => {
                problems.push(FieldError::new("email", ErrorCode::Required, "email is required"));
                None
            }
            Some(v) => problems.take(EmailAddress::parse("email", v)),
        };
        let password = match request.password.as_deref() {
            None | Some("") => {
                problems.push(FieldError::new("password", ErrorCode::Required, "password is required"));
                None
            }
            // Any text is tried: the policy applies to new passwords, not to old ones.
            Some(v) if v.chars().count() <= Password::MAX => Some(Password::unchecked(v)),
            Some(_) => {
                problems.push(FieldError::new("password", ErrorCode::Length, "password is too long"));
                None
            }
        };
        let from = request
            .last_sign_in_from
            .as_deref()
            .map(|v| crate::values::Channel::parse("lastSignInFrom", v).map(|c| c.to_string()));
        let from = problems.take_opt(from);
        let (Some(email), Some(password)) = (email, password) else {
            return Err(CustomerError::Invalid(problems.into_errors()));
        };
        if !problems.is_empty() {
            return Err(CustomerError::Invalid(problems.into_errors()));
        }
        let org = caller.organisation;
        let key = ThrottleKey::Email(email.key());
        let now = self.clock.now();
        if let Some(until) = self.throttled_until(org, &key, now).await? {
            return Err(CustomerError::TooManyAttempts {
                retry_after_seconds: (until - now).num_seconds().max(1),
            });
        }
        let candidate =
            self.store.get_by_email(org, &email.key()).await?.filter(|c| {
                !c.is_expired(now) && c.status == Status::Active && c.profile_type == ProfileType::Standard
            });
        if !self
            .verify_on_blocking_thread(password.clone(), candidate.as_ref())
            .await?
        {
            let failures = self
                .store
                .record_sign_in_failure(org, &key, now, throttle_window())
                .await?;
            tracing::info!(failures, "sign-in refused");
            return Err(CustomerError::WrongCredentials);
        }
        let Some(current) = candidate else {
            return Err(CustomerError::WrongCredentials);
        };
        self.store.clear_sign_in_failures(org, &key).await?;
        // Record the sign-in, upgrading the hash if the parameters have changed since it was made.
        let stored = self.store.password_hash(org, current.customer_number).await?;
        let rehash = match stored {
            Some(h) if self.hasher.needs_rehash(&h) => Some(self.hash(password).await?),
            _ => None,
        };
        let mut next = current.clone();
        next.last_sign_in_at = Some(now);
        next.last_sign_in_from = from;
        next.version = current.version + 1;
        let change = Change {
            previous: &current,
            next: &next,
            password: rehash.as_ref(),
        };
        match self.store.write(&[change], now).await {
            Ok(()) => {
                tracing::info!(customer_number = %current.customer_number, rehashed = rehash.is_some(), "signed in");
                Ok(next)
            }
            // A concurrent change of the profile: the sign-in itself is valid; answer the profile.
            Err(StoreError::VersionConflict) => self.get(caller, current.customer_number).await,
            Err(e) => Err(e.into()),
        }
    }

    fn ensure_password_profile(c: &Customer) -> Result<(), CustomerError> {
        if c.profile_type == ProfileType::Temporary {
            return Err(CustomerError::InvalidState(format!(
                "profile {} is temporary: convert it to a permanent profile to give it a password",
                c.customer_number
            )));
        }
        if c.status != Status::Active {
            return Err(CustomerError::InvalidState(format!(
                "profile {} is not active",
                c.customer_number
            )));
        }
        Ok(())
    }

    async fn store_password(&self, current: &Customer, password: Password, by: &str) -> Result<(), CustomerError> {
        let hash = self.hash(password).await?;
        let now = self.clock.now();
        let mut next = current.clone();
        next.changed = ChangeStamp {
            by: Actor::parse("changedBy", by).map_err(CustomerError::invalid)?,
            channel: Channel::parse("changedByChannel", "credentials").map_err(CustomerError::invalid)?,
            at: now,
        };
        next.version = current.version + 1;
        let change = Change {
            previous: current,
            next: &next,
            password: Some(&hash),
        };
        match self.store.write(&[change], now).await {
            Ok(()) => Ok(()),
            Err(StoreError::VersionConflict) => Err(CustomerError::InvalidState(format!(
                "profile {} changed while its password was being set; retry",
                current.customer_number
            ))),
            Err(StoreError::Missing) => Err(CustomerError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// `PUT /profiles/{customerNumber}/password`: an administrator sets a new password.
    pub async fn set_password(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &NewPasswordRequest,
        client_name: &str,
    ) -> Result<(), CustomerError> {
        let mut problems = Problems::new();
        let new = required_password(&mut problems, "newPassword", request.new_password.as_deref());
        let Some(new) = new else {
            return Err(CustomerError::Invalid(problems.into_errors()));
        };
        let current = self.live(caller, number).await?;
        Self::ensure_password_profile(&current)?;
        self.store_password(&current, new, client_name).await?;
        tracing::info!(customer_number = %number, "password set");
        Ok(())
    }

    /// `POST /profiles/{customerNumber}/change-password`: the old password proves the change.
    pub async fn change_password(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &ChangePasswordRequest,
        client_name: &str,
    ) -> Result<(), CustomerError> {
        let mut problems = Problems::new();
        let old = match request.old_password.as_deref() {
            None | Some("") => {
                problems.push(FieldError::new(
                    "oldPassword",
                    ErrorCode::Required,
                    "oldPassword is required",
                ));
                None
            }
            Some(v) => Some(Password::unchecked(v)),
        };
        let new = required_password(&mut problems, "newPassword", request.new_password.as_deref());
        let (Some(old), Some(new)) = (old, new) else {
            return Err(CustomerError::Invalid(problems.into_errors()));
        };
        let current = self.live(caller, number).await?;
        Self::ensure_password_profile(&current)?;
        let key = ThrottleKey::Customer(number);
        let now = self.clock.now();
        if let Some(until) = self.throttled_until(caller.organisation, &key, now).await? {
            return Err(CustomerError::TooManyAttempts {
                retry_after_seconds: (until - now).num_seconds().max(1),
            });
        }
        if !self.verify_on_blocking_thread(old, Some(&current)).await? {
            self.store
                .record_sign_in_failure(caller.organisation, &key, now, throttle_window())
                .await?;
            return Err(CustomerError::WrongCredentials);
        }
        self.store.clear_sign_in_failures(caller.organisation, &key).await?;
        self.store_password(&current, new, client_name).await?;
        tracing::info!(customer_number = %number, "password changed");
        Ok(())
    }

    /// `POST /profiles/generate-password`: a new random password for the active standard
    /// profile with this email, returned once.
    pub async fn generate_password(
        &self,
        caller: Caller,
        request: &GeneratePasswordRequest,
        client_name: &str,
    ) -> Result<GeneratePasswordResponse, CustomerError> {
        let email = match request.email.as_deref() {
            None => Err(FieldError::new("email", ErrorCode::Required, "email is required")),
            Some(v) => EmailAddress::parse("email", v),
        }
        .map_err(CustomerError::invalid)?;
        if let Some(org) = request.organisation_id
            && org != caller.organisation.value()
        {
            return Err(CustomerError::OrganisationMismatch {
                given: org,
                token: caller.organisation.value(),
            });
        }
        let now = self.clock.now();
        let current = self
            .store
            .get_by_email(caller.organisation, &email.key())
            .await?
            .filter(|c| !c.is_expired(now))
            .ok_or(CustomerError::NotFound)?;
        Self::ensure_password_profile(&current)?;
        let generated = self.hasher.generate();
        self.store_password(&current, generated.clone(), client_name).await?;
        tracing::info!(customer_number = %current.customer_number, "password generated");
        Ok(GeneratePasswordResponse {
            surname: current.surname.to_string(),
            first_name: current.first_name.to_string(),
            customer_number: current.customer_number.value(),
            organisation_id: current.organisation_id.value(),
            generated_password: generated.expose().to_string(),
            customer_ref: current.customer_ref.to_string(),
            telephone_number: current.mobile.as_ref().map(|m| m.e164.clone()),
        })
    }
}
