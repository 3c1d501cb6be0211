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

    /// A password as typed at sign-in: tried as it is, without the policy for new passwords.
    pub fn unchecked(raw: &str) -> Self {
        Self(raw.to_string())
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

    /// True when the hash was made with other parameters than these: it is rehashed on the next
    /// successful verification.
    pub fn needs_rehash(&self, hash: &PasswordHash) -> bool {
        match Phc::new(hash.as_phc()) {
            Ok(parsed) => {
                let params = Params::try_from(&parsed).ok();
                parsed.algorithm.as_str() != "argon2id"
                    || params.is_none_or(|p| {
                        p.m_cost() != self.memory_kib || p.t_cost() != self.iterations || p.p_cost() != self.parallelism
                    })
            }
            Err(_) => true,
        }
    }

    /// Spends the time of one verification without a hash to verify, so that an unknown account
    /// costs what a known one does.
    pub fn verify_nothing(&self, password: &Password) {
        static DUMMY: std::sync::OnceLock<Option<PasswordHash>> = std::sync::OnceLock::new();
        if let Some(hash) = DUMMY.get_or_init(|| self.hash(&Password("not-a-real-password".into())).ok()) {
            let _ = self.verify(password, hash);
        }
    }

    /// A new random password that passes the policy: 16 characters from letters and digits,
    /// with at least one lower-case letter, one upper-case letter and one digit.
    pub fn generate(&self) -> Password {
        use rand::Rng;
        use rand::seq::SliceRandom;
        const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const DIGITS: &[u8] = b"23456789";
        let mut rng = rand::rng();
        let all: Vec<u8> = [LOWER, UPPER, DIGITS].concat();
        let mut chars: Vec<u8> = vec![
            LOWER[rng.random_range(0..LOWER.len())],
            UPPER[rng.random_range(0..UPPER.len())],
            DIGITS[rng.random_range(0..DIGITS.len())],
        ];
        while chars.len() < 16 {
            chars.push(all[rng.random_range(0..all.len())]);
        }
        chars.shuffle(&mut rng);
        Password(String::from_utf8_lossy(&chars).into_owned())
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

    #[test]
    fn hashes_made_with_other_parameters_are_marked_for_rehash() {
        let old = PasswordHasherConfig {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        let new = PasswordHasherConfig {
            memory_kib: 2048,
            iterations: 1,
            parallelism: 1,
        };
        let pw = Password::parse("password", "abcD123").unwrap_or_else(|e| panic!("{}", e.message));
        let hash = old.hash(&pw).unwrap_or_else(|e| panic!("{e}"));
        assert!(!old.needs_rehash(&hash));
        assert!(new.needs_rehash(&hash));
        assert!(new.verify(&pw, &hash), "an old hash still verifies");
        assert!(new.needs_rehash(&PasswordHash::from_stored("garbage".into())));
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let config = PasswordHasherConfig::default();
        let a = config.generate();
        let b = config.generate();
        assert_ne!(a, b);
        assert!(Password::parse("password", a.expose()).is_ok());
        assert_eq!(a.expose().len(), 16);
        assert!(a.expose().chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.expose().chars().any(|c| c.is_ascii_uppercase()));
        assert!(a.expose().chars().any(|c| c.is_ascii_digit()));
    }
}
