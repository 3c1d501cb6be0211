//! Passwords: accepted by a small policy, stored only as an Argon2id hash, never shown.

use crate::validation::{ErrorCode, FieldError};
use argon2::password_hash::{PasswordHash as Phc, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A password as the client sent it. Its Debug output is redacted so it cannot reach a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    pub const MIN: usize = 6;
    pub const MAX: usize = 128;

    /// The policy: 6 to 128 characters, not only white space. The contract's own example
    /// (`abcD123`) passes; empty, blank and absurdly long passwords do not.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let len = raw.chars().count();
        if raw.trim().is_empty() {
            return Err(FieldError::new(
                field,
                ErrorCode::Required,
                format!("{field} must not be empty or only white space"),
            ));
        }
        if !(Self::MIN..=Self::MAX).contains(&len) {
            return Err(FieldError::new(
                field,
                ErrorCode::Length,
                format!("{field} must be {} to {} characters", Self::MIN, Self::MAX),
            ));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A PHC-format Argon2id hash. Debug is redacted: even a hash is not for logs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PasswordHash(String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

impl PasswordHash {
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

/// Argon2id with parameters sized for a 128 MB Lambda: 19 MiB of memory, 2 passes, 1 lane
/// (OWASP's recommended minimum for Argon2id). Documented in `docs/security.md`.
#[derive(Debug, Clone, Copy)]
pub struct PasswordHasherConfig {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordHasherConfig {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl PasswordHasherConfig {
    fn argon2(&self) -> Result<Argon2<'static>, String> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| format!("argon2 parameters: {e}"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Hashing costs tens of milliseconds of CPU on purpose; callers run it off the async runtime.
    pub fn hash(&self, password: &Password) -> Result<PasswordHash, String> {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let hash = self
            .argon2()?
            .hash_password(password.expose().as_bytes(), &salt)
            .map_err(|e| format!("argon2 hash: {e}"))?;
        Ok(PasswordHash(hash.to_string()))
    }

    /// Verifies with the parameters recorded in the hash itself, so older hashes still verify.
    pub fn verify(&self, password: &Password, hash: &PasswordHash) -> bool {
        match Phc::new(hash.as_phc()) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.expose().as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_accepts_the_contract_example_and_refuses_nonsense() {
        assert!(Password::parse("password", "abcD123").is_ok());
        assert!(Password::parse("password", "").is_err());
        assert!(Password::parse("password", "        ").is_err());
        assert!(Password::parse("password", "abc").is_err());
        assert!(Password::parse("password", &"x".repeat(129)).is_err());
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let config = PasswordHasherConfig {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        let pw = Password::parse("password", "abcD123").map_err(|e| e.message);
        let pw = pw.unwrap_or_else(|e| panic!("{e}"));
        let a = config.hash(&pw).unwrap_or_else(|e| panic!("{e}"));
        let b = config.hash(&pw).unwrap_or_else(|e| panic!("{e}"));
        assert!(a.as_phc().starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(config.verify(&pw, &a));
        let wrong = Password::parse("password", "abcD124").unwrap_or_else(|e| panic!("{}", e.message));
        assert!(!config.verify(&wrong, &a));
        assert_eq!(format!("{pw:?} {a:?}"), "Password(<redacted>) PasswordHash(<redacted>)");
    }
}
