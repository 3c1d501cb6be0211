//! Password hashes: Argon2id, in PHC strings that carry their own parameters, made and checked
//! on one dedicated thread with one reused working buffer (the memory a 128 MB Lambda affords).

use crate::values::Password;
use argon2::password_hash::{Output, ParamsString, PasswordHash as Phc, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;
use std::fmt;

/// A PHC-format Argon2id hash. Debug is redacted: even a hash is not for logs.
#[derive(Clone, PartialEq, Eq)]
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
pub struct PasswordHasher {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl PasswordHasher {
    fn argon2(&self) -> Result<Argon2<'static>, String> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| format!("argon2 parameters: {e}"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Hashing costs tens of milliseconds of CPU on purpose; callers run it on the hashing thread.
    pub fn hash(&self, password: &Password) -> Result<PasswordHash, String> {
        let argon2 = self.argon2()?;
        let params = argon2.params().clone();
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let mut salt_buffer = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buffer).map_err(|e| format!("salt: {e}"))?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        with_working_memory(params.block_count(), |memory| {
            argon2.hash_password_into_with_memory(password.expose().as_bytes(), salt_bytes, &mut out, memory)
        })
        .map_err(|e| format!("argon2 hash: {e}"))?;
        let phc = Phc {
            algorithm: argon2::ARGON2ID_IDENT,
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|e| format!("argon2 parameters: {e}"))?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(|e| format!("argon2 output: {e}"))?),
        };
        Ok(PasswordHash(phc.to_string()))
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
        if let Some(hash) = DUMMY.get_or_init(|| self.hash(&Password::generated("not-a-real-password".into())).ok()) {
            let _ = self.verify(password, hash);
        }
    }

    /// A new random password that passes the policy: 16 characters from letters and digits,
    /// with at least one lower-case letter, one upper-case letter and one digit.
    pub fn generate(&self) -> Password {
        use rand::seq::{IndexedRandom, SliceRandom};
        const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const DIGITS: &[u8] = b"23456789";
        let mut rng = rand::rng();
        let all: Vec<u8> = [LOWER, UPPER, DIGITS].concat();
        // One of each class, then any: the sets are non-empty, so `choose` always gives one.
        let mut chars: Vec<u8> = [LOWER, UPPER, DIGITS]
            .iter()
            .filter_map(|set| set.choose(&mut rng).copied())
            .collect();
        while chars.len() < 16 {
            chars.extend(all.choose(&mut rng).copied());
        }
        chars.shuffle(&mut rng);
        Password::generated(String::from_utf8_lossy(&chars).into_owned())
    }

    /// Verifies with the algorithm and parameters recorded in the hash itself, so older hashes
    /// still verify. The comparison of the outputs is constant-time (`Output`'s equality).
    pub fn verify(&self, password: &Password, hash: &PasswordHash) -> bool {
        VERIFICATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let check = || -> Result<bool, String> {
            let parsed = Phc::new(hash.as_phc()).map_err(|e| e.to_string())?;
            let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|e| e.to_string())?;
            let version = parsed
                .version
                .map(Version::try_from)
                .transpose()
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
            let expected = parsed.hash.ok_or("no output in the hash")?;
            let salt = parsed.salt.ok_or("no salt in the hash")?;
            let mut salt_buffer = [0u8; 64];
            let salt_bytes = salt.decode_b64(&mut salt_buffer).map_err(|e| e.to_string())?;
            let params = Params::try_from(&parsed).map_err(|e| e.to_string())?;
            let params = Params::new(params.m_cost(), params.t_cost(), params.p_cost(), Some(expected.len()))
                .map_err(|e| e.to_string())?;
            let argon2 = Argon2::new(algorithm, version, params.clone());
            let mut out = vec![0u8; expected.len()];
            let started = std::time::Instant::now();
            let hashed = with_working_memory(params.block_count(), |memory| {
                argon2.hash_password_into_with_memory(password.expose().as_bytes(), salt_bytes, &mut out, memory)
            });
            VERIFYING_NANOS.fetch_add(
                u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX),
                std::sync::atomic::Ordering::Relaxed,
            );
            hashed.map_err(|e| e.to_string())?;
            Ok(Output::new(&out).map_err(|e| e.to_string())? == expected)
        };
        check().unwrap_or(false)
    }
}

/// Argon2 verifications done by this process (real and stand-in), so tests can check that every
/// sign-in path does the same work.
static VERIFICATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn verifications_performed() -> u64 {
    VERIFICATIONS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Time this process spent inside Argon2 verifying, so a measurement of a sign-in can tell the
/// hash from the rest of its work.
static VERIFYING_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn time_spent_verifying() -> std::time::Duration {
    std::time::Duration::from_nanos(VERIFYING_NANOS.load(std::sync::atomic::Ordering::Relaxed))
}

thread_local! {
    /// Argon2's working memory, kept and reused by the thread that hashes.
    static WORKING_MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Lends `f` the thread's Argon2 working memory, grown to `blocks` when needed. Allocating
/// 19 MiB per hash instead lets glibc's growing mmap threshold fragment the heap: measured, 40
/// hashes left 217 MB resident; with one reused buffer memory stays at one buffer.
fn with_working_memory<R>(blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
    WORKING_MEMORY.with(|cell| match cell.try_borrow_mut() {
        Ok(mut memory) => {
            if memory.len() < blocks {
                memory.resize(blocks, Block::default());
            }
            f(&mut memory[..blocks])
        }
        // Re-entered on this thread (not done here): use a buffer of its own.
        Err(_) => f(&mut vec![Block::default(); blocks]),
    })
}

/// Runs password hashing off the async runtime on **one** dedicated thread, which keeps one
/// Argon2 working buffer (19 MiB) for all hashes: the memory a 128 MB Lambda can afford. A Lambda
/// instance serves one request at a time, so nothing waits on the thread there.
pub async fn on_hashing_thread<T, F>(work: F) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    use std::sync::OnceLock;
    use std::sync::mpsc;
    type Job = Box<dyn FnOnce() + Send>;
    static WORKER: OnceLock<Option<std::sync::Mutex<mpsc::Sender<Job>>>> = OnceLock::new();
    let worker = WORKER.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("password-hashing".into())
            .spawn(move || {
                for job in receiver {
                    job();
                }
            })
            .ok()
            .map(|_| std::sync::Mutex::new(sender))
    });
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    let sent = worker
        .as_ref()
        .ok_or_else(|| "the password hashing thread could not be started".to_string())?
        .lock()
        .map_err(|_| "the password hashing thread is gone".to_string())?
        .send(job);
    sent.map_err(|_| "the password hashing thread is gone".to_string())?;
    answer
        .await
        .map_err(|_| "the password hashing thread dropped a job".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let config = PasswordHasher {
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
        // The crate's own verifier agrees with the PHC string built here.
        use argon2::password_hash::PasswordVerifier;
        let parsed = Phc::new(a.as_phc()).unwrap_or_else(|e| panic!("{e}"));
        assert!(Argon2::default().verify_password(b"abcD123", &parsed).is_ok());
        let theirs = argon2::password_hash::PasswordHasher::hash_password(
            &config.argon2().unwrap_or_else(|e| panic!("{e}")),
            b"abcD123",
            &SaltString::generate(&mut argon2::password_hash::rand_core::OsRng),
        )
        .map(|h| PasswordHash(h.to_string()))
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            config.verify(&pw, &theirs),
            "and this verifier accepts the crate's hashes"
        );
        let wrong = Password::parse("password", "abcD124").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!config.verify(&wrong, &a));
        assert_eq!(format!("{pw:?} {a:?}"), "Password(<redacted>) PasswordHash(<redacted>)");
    }

    #[test]
    fn hashes_made_with_other_parameters_are_marked_for_rehash() {
        let old = PasswordHasher {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        let new = PasswordHasher {
            memory_kib: 2048,
            iterations: 1,
            parallelism: 1,
        };
        let pw = Password::parse("password", "abcD123").unwrap_or_else(|e| panic!("{e:?}"));
        let hash = old.hash(&pw).unwrap_or_else(|e| panic!("{e}"));
        assert!(!old.needs_rehash(&hash));
        assert!(new.needs_rehash(&hash));
        assert!(new.verify(&pw, &hash), "an old hash still verifies");
        assert!(new.needs_rehash(&PasswordHash::from_stored("garbage".into())));
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let config = PasswordHasher::default();
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
