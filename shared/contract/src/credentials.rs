//! Credentials on the wire (the contract's "Authentication admin"). Passwords never appear in
//! debug output.

use customers_domain::credentials::{GeneratedPassword, SignIn};
use customers_domain::problems::{FieldError, Problem, Problems};
use customers_domain::values::{Channel, EmailAddress, Password};
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
    #[serde(default, deserialize_with = "crate::integers::optional")]
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

fn required_email(p: &mut Problems, raw: Option<&str>) -> Option<EmailAddress> {
    match raw {
        None => {
            p.push(FieldError::new("email", Problem::Required, "email is required"));
            None
        }
        Some(v) => p.take(EmailAddress::parse("email", v)),
    }
}

/// A new password: required, and within the policy.
fn new_password(p: &mut Problems, field: &str, raw: Option<&str>) -> Option<Password> {
    match raw {
        None => {
            p.push(FieldError::new(
                field,
                Problem::Required,
                format!("{field} is required"),
            ));
            None
        }
        Some(v) => p.take(Password::parse(field, v)),
    }
}

/// A password to check: tried as typed.
fn attempted_password(p: &mut Problems, field: &str, raw: Option<&str>) -> Option<Password> {
    p.take(Password::attempt(field, raw.unwrap_or_default()))
}

impl VerifyCredentialsRequest {
    pub fn parse(&self) -> Result<SignIn, Vec<FieldError>> {
        let mut p = Problems::new();
        let email = required_email(&mut p, self.email.as_deref());
        let password = attempted_password(&mut p, "password", self.password.as_deref());
        let from = p.take_opt(
            self.last_sign_in_from
                .as_deref()
                .map(|v| Channel::parse("lastSignInFrom", v)),
        );
        let parsed = (|| {
            Some(SignIn {
                email: email?,
                password: password?,
                from,
            })
        })();
        p.finish(parsed)
    }
}

impl NewPasswordRequest {
    pub fn parse(&self) -> Result<Password, Vec<FieldError>> {
        let mut p = Problems::new();
        let password = new_password(&mut p, "newPassword", self.new_password.as_deref());
        p.finish(password)
    }
}

impl ChangePasswordRequest {
    /// The old password and the new one.
    pub fn parse(&self) -> Result<(Password, Password), Vec<FieldError>> {
        let mut p = Problems::new();
        let old = attempted_password(&mut p, "oldPassword", self.old_password.as_deref());
        let new = new_password(&mut p, "newPassword", self.new_password.as_deref());
        let parsed = old.zip(new);
        p.finish(parsed)
    }
}

impl GeneratePasswordRequest {
    /// The email, and the organisation when the body names one.
    pub fn parse(&self) -> Result<(EmailAddress, Option<i64>), Vec<FieldError>> {
        let mut p = Problems::new();
        let email = required_email(&mut p, self.email.as_deref());
        let parsed = email.map(|e| (e, self.organisation_id));
        p.finish(parsed)
    }
}

impl GeneratePasswordResponse {
    pub fn of(generated: &GeneratedPassword) -> Self {
        let c = &generated.customer;
        Self {
            surname: c.surname.to_string(),
            first_name: c.first_name.to_string(),
            customer_number: c.customer_number.value(),
            organisation_id: c.organisation_id.value(),
            generated_password: generated.password.expose().to_string(),
            customer_ref: c.customer_ref.to_string(),
            telephone_number: c.mobile.as_ref().map(|m| m.e164().to_string()),
        }
    }
}
