//! Bearer-token authentication: RS256 JWTs verified against the issuer's JWKS. The keys are
//! cached per Lambda instance and re-read hourly; when a re-read fails, the known keys keep
//! serving for a grace period (stale-while-revalidate), and a failed re-read is not tried again
//! for a while, so a sick issuer neither locks every client out nor slows every request.
//!
//! A verified token is remembered until it expires: the same back end sends the same token for
//! many requests, and checking an RS256 signature again is most of what authentication costs
//! (docs/performance.md). Its times are still judged on every request.

use crate::error::ApiError;
use chrono::{DateTime, Duration, Utc};
use customers_contract::{ErrorCode, WireError};
use customers_domain::clock::Clock;
use customers_domain::values::OrganisationId;
use http::StatusCode;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::RwLock;

/// The claim that names the organisation (Entur's partner and internal tokens).
pub const ORGANISATION_CLAIM: &str = "https://entur.io/organisationID";

/// Keys are re-read after this long, so a rotated issuer key is picked up.
pub const KEYS_FRESH_FOR: Duration = Duration::hours(1);
/// While a re-read fails, keys this old still verify tokens.
pub const KEYS_USABLE_FOR: Duration = Duration::hours(24);
/// Re-reads are tried at most this often: on an unknown key id, and after a failed re-read.
pub const MIN_REFRESH_INTERVAL: Duration = Duration::seconds(30);
/// Clock skew tolerated on exp and nbf.
const LEEWAY_SECONDS: u64 = 30;
const FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);
/// A key set is a few kilobytes; anything near this is not one.
const MAX_KEY_SET_BYTES: usize = 256 * 1024;
/// How many verified tokens an instance remembers; a full memory first forgets the expired
/// ones, then all of them.
const REMEMBERED_TOKENS: usize = 1024;

#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub jwks_url: String,
    pub issuer: String,
    pub audience: String,
}

impl AuthConfig {
    pub fn from_env() -> Result<Self, String> {
        let get = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));
        Ok(Self {
            jwks_url: get("JWT_JWKS_URL")?,
            issuer: get("JWT_ISSUER")?,
            audience: get("JWT_AUDIENCE")?,
        })
    }
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    /// A key without `kid`, usable when the set holds exactly one key.
    only_key: Option<DecodingKey>,
    fetched_at: Option<DateTime<Utc>>,
    last_attempt: Option<DateTime<Utc>>,
    /// Counts the loads of the key set; a token verified under an earlier set is verified again.
    generation: u64,
}

/// What a verified token said: enough to judge it again without its signature, while the key
/// set it was verified under is still the one in use.
#[derive(Debug, Clone, Copy)]
struct VerifiedToken {
    organisation: OrganisationId,
    exp: i64,
    nbf: Option<i64>,
    generation: u64,
}

pub struct JwtVerifier {
    config: AuthConfig,
    http: customers_aws::WebClient,
    cache: RwLock<KeyCache>,
    verified: Mutex<HashMap<String, VerifiedToken>>,
    validation: Validation,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Deserialize)]
struct Claims {
    #[serde(rename = "https://entur.io/organisationID")]
    organisation: Option<serde_json::Value>,
}

fn keys_unavailable() -> ApiError {
    ApiError(WireError::unavailable(
        "Access tokens cannot be verified right now; retry later",
        "the token issuer's keys cannot be read",
    ))
}

impl JwtVerifier {
    pub fn new(config: AuthConfig, clock: Arc<dyn Clock>) -> Result<Self, String> {
        crate::token_crypto::install();
        let http = customers_aws::WebClient::new(FETCH_TIMEOUT, MAX_KEY_SET_BYTES)?;
        // Only RS256: a token "signed" with HS256 using the public key as secret is refused.
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[config.issuer.as_str()]);
        validation.set_audience(&[config.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Ok(Self {
            config,
            http,
            cache: RwLock::new(KeyCache::default()),
            verified: Mutex::new(HashMap::new()),
            validation,
            clock,
        })
    }

    async fn fetch(&self) -> Result<JwkSet, String> {
        let body = self.http.get(&self.config.jwks_url).await?;
        serde_json::from_slice(&body).map_err(|e| format!("{}: not a key set: {e}", self.config.jwks_url))
    }

    /// Whether a re-read is due now, and whether the cached keys may still be used.
    fn freshness(cache: &KeyCache, now: DateTime<Utc>, unknown_kid: bool) -> (bool, bool) {
        let age = cache.fetched_at.map(|t| now - t);
        let recently_tried = cache.last_attempt.is_some_and(|t| now - t < MIN_REFRESH_INTERVAL);
        let due = !recently_tried
            && match age {
                None => true,
                Some(age) if unknown_kid => age >= MIN_REFRESH_INTERVAL,
                Some(age) => age >= KEYS_FRESH_FOR,
            };
        (due, age.is_some_and(|a| a < KEYS_USABLE_FOR))
    }

    /// Re-reads the keys when they are due (or, with `unknown_kid`, when a rotation may have
    /// happened). Fails only when no usable keys are left.
    async fn refresh(&self, unknown_kid: bool) -> Result<(), ApiError> {
        let now = self.clock.now();
        let (due, usable) = Self::freshness(&*self.cache.read().await, now, unknown_kid);
        if !due {
            return if usable { Ok(()) } else { Err(keys_unavailable()) };
        }
        let mut cache = self.cache.write().await;
        // Another request may have re-read them while this one waited for the lock.
        let (due, usable) = Self::freshness(&cache, now, unknown_kid);
        if !due {
            return if usable { Ok(()) } else { Err(keys_unavailable()) };
        }
        cache.last_attempt = Some(now);
        match self.fetch().await {
            Ok(set) => {
                let mut keys = HashMap::new();
                let mut without_kid = Vec::new();
                for jwk in &set.keys {
                    let Ok(key) = DecodingKey::from_jwk(jwk) else {
                        continue;
                    };
                    match &jwk.common.key_id {
                        Some(kid) => {
                            keys.insert(kid.clone(), key);
                        }
                        None => without_kid.push(key),
                    }
                }
                cache.only_key = if set.keys.len() == 1 { without_kid.pop() } else { None };
                cache.keys = keys;
                cache.fetched_at = Some(now);
                cache.generation += 1;
                tracing::info!(keys = cache.keys.len(), "token issuer keys loaded");
                Ok(())
            }
            Err(detail) if usable => {
                tracing::warn!(
                    detail,
                    "cannot re-read the token issuer's keys; the known keys keep serving"
                );
                Ok(())
            }
            Err(detail) => {
                tracing::error!(detail, "cannot read the token issuer's keys");
                Err(keys_unavailable())
            }
        }
    }

    /// The key a token names, with the generation of the set it came from.
    async fn key_for(&self, kid: Option<&str>) -> Result<Option<(DecodingKey, u64)>, ApiError> {
        self.refresh(false).await?;
        let lookup = |cache: &KeyCache| {
            let key = match kid {
                Some(kid) => cache.keys.get(kid).cloned(),
                None => cache.only_key.clone(),
            };
            key.map(|k| (k, cache.generation))
        };
        if let Some(key) = lookup(&*self.cache.read().await) {
            return Ok(Some(key));
        }
        // An unknown kid may be a freshly rotated key.
        self.refresh(true).await?;
        Ok(lookup(&*self.cache.read().await))
    }

    /// Checks the `Authorization` header and returns the caller's organisation.
    pub async fn organisation(&self, authorization: Option<&str>) -> Result<OrganisationId, ApiError> {
        let unauthenticated = |m: &str| ApiError(WireError::unauthenticated(m));
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthenticated("An Authorization: Bearer <token> header is required"))?;
        // Keys past their grace period fail every token, remembered or not; a re-read set
        // makes the remembered tokens of the earlier one unknown.
        self.refresh(false).await?;
        let generation = self.cache.read().await.generation;
        let remembered = self.verified.lock().ok().and_then(|m| m.get(token).copied());
        let verified = match remembered.filter(|v| v.generation == generation) {
            Some(verified) => verified,
            None => {
                let verified = self.verify(token).await?;
                self.remember(token, verified);
                verified
            }
        };
        self.check_times(verified.exp, verified.nbf)?;
        tracing::Span::current().record("organisation", verified.organisation.value());
        customers_telemetry::metrics::note_organisation(verified.organisation.value());
        Ok(verified.organisation)
    }

    fn remember(&self, token: &str, verified: VerifiedToken) {
        let Ok(mut memory) = self.verified.lock() else {
            return;
        };
        if memory.len() >= REMEMBERED_TOKENS {
            let now = self.clock.now().timestamp();
            memory.retain(|_, v| v.exp + LEEWAY_SECONDS as i64 >= now);
            if memory.len() >= REMEMBERED_TOKENS {
                memory.clear();
            }
        }
        memory.insert(token.to_string(), verified);
    }

    /// The signature, issuer, audience and claims of a token not seen before.
    async fn verify(&self, token: &str) -> Result<VerifiedToken, ApiError> {
        let unauthenticated = |m: &str| ApiError(WireError::unauthenticated(m));
        let header = decode_header(token).map_err(|_| unauthenticated("The access token is not a valid JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(unauthenticated("The access token must be signed with RS256"));
        }
        let (key, generation) = self
            .key_for(header.kid.as_deref())
            .await?
            .ok_or_else(|| unauthenticated("The access token is signed with an unknown key"))?;
        let mut validation = self.validation.clone();
        // Expiry is judged by this verifier's clock, so tests can move time.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data = decode::<serde_json::Value>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            unauthenticated(match e.kind() {
                ErrorKind::InvalidIssuer => "The access token is from another issuer",
                ErrorKind::InvalidAudience => "The access token is for another audience",
                ErrorKind::InvalidSignature => "The access token's signature is invalid",
                ErrorKind::MissingRequiredClaim(_) => "The access token lacks a required claim (exp, iss, aud)",
                _ => "The access token is invalid",
            })
        })?;
        let unauthenticated_claims = || unauthenticated("The access token lacks a required claim (exp, iss, aud)");
        let exp = data
            .claims
            .get("exp")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(unauthenticated_claims)?;
        let nbf = match data.claims.get("nbf") {
            None => None,
            Some(nbf) => Some(
                nbf.as_i64()
                    .ok_or_else(|| unauthenticated("The access token is invalid"))?,
            ),
        };
        // Times first, as before a token is remembered: an expired token says so even when it
        // also names no organisation.
        self.check_times(exp, nbf)?;
        let claims: Claims =
            serde_json::from_value(data.claims).map_err(|_| unauthenticated("The access token is invalid"))?;
        let organisation = match claims.organisation {
            Some(serde_json::Value::Number(n)) => n.as_i64(),
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .and_then(|n| OrganisationId::parse(ORGANISATION_CLAIM, n).ok())
        .ok_or_else(|| {
            ApiError(WireError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                format!("The access token names no organisation (claim {ORGANISATION_CLAIM})"),
            ))
        })?;
        Ok(VerifiedToken {
            organisation,
            exp,
            nbf,
            generation,
        })
    }

    /// `exp` (required) and `nbf` (when present) against this verifier's clock.
    fn check_times(&self, exp: i64, nbf: Option<i64>) -> Result<(), ApiError> {
        let now = self.clock.now().timestamp();
        let leeway = LEEWAY_SECONDS as i64;
        let unauthenticated = |m: &str| ApiError(WireError::unauthenticated(m));
        if exp + leeway < now {
            return Err(unauthenticated("The access token has expired"));
        }
        if nbf.is_some_and(|nbf| nbf - leeway > now) {
            return Err(unauthenticated("The access token is not valid yet"));
        }
        Ok(())
    }
}
