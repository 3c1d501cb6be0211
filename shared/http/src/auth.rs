//! Bearer-token authentication: RS256 JWTs verified against the issuer's JWKS, which is fetched
//! once and cached per Lambda instance. The token's organisation is the caller's tenant.

use crate::error::ApiError;
use axum::http::StatusCode;
use customers_domain::service::Caller;
use customers_domain::validation::ErrorCode;
use customers_domain::values::OrganisationId;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// The claim that names the organisation (Entur's partner and internal tokens).
pub const ORGANISATION_CLAIM: &str = "https://entur.io/organisationID";

/// Keys are re-read after this long, so a rotated issuer key is picked up.
const JWKS_TTL: Duration = Duration::from_secs(60 * 60);
/// An unknown key id triggers a re-read at most this often, so forged kids cannot flood the issuer.
const JWKS_MIN_REFRESH: Duration = Duration::from_secs(30);
/// Clock skew tolerated on exp and nbf.
const LEEWAY_SECONDS: u64 = 30;

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

struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    /// A key without `kid`, usable when the set holds exactly one key.
    only_key: Option<DecodingKey>,
    fetched_at: Option<Instant>,
}

pub struct JwtVerifier {
    config: AuthConfig,
    http: reqwest::Client,
    cache: RwLock<KeyCache>,
    validation: Validation,
}

#[derive(Debug, Deserialize)]
struct Claims {
    #[serde(rename = "https://entur.io/organisationID")]
    organisation: Option<serde_json::Value>,
}

impl JwtVerifier {
    pub fn new(config: AuthConfig) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .build()
            .map_err(|e| format!("http client: {e}"))?;
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
            cache: RwLock::new(KeyCache {
                keys: HashMap::new(),
                only_key: None,
                fetched_at: None,
            }),
            validation,
        })
    }

    async fn refresh(&self, force: bool) -> Result<(), ApiError> {
        let mut cache = self.cache.write().await;
        let age = cache.fetched_at.map(|t| t.elapsed());
        let due = match age {
            None => true,
            Some(age) if force => age >= JWKS_MIN_REFRESH,
            Some(age) => age >= JWKS_TTL,
        };
        if !due {
            return Ok(());
        }
        let unavailable = |detail: String| {
            tracing::error!(detail, "cannot read the token issuer's keys");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::StoreUnavailable,
                "Access tokens cannot be verified right now; retry later",
            )
        };
        let set: JwkSet = self
            .http
            .get(&self.config.jwks_url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| unavailable(e.to_string()))?
            .json()
            .await
            .map_err(|e| unavailable(e.to_string()))?;
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
        cache.fetched_at = Some(Instant::now());
        tracing::info!(keys = cache.keys.len(), "token issuer keys loaded");
        Ok(())
    }

    async fn key_for(&self, kid: Option<&str>) -> Result<Option<DecodingKey>, ApiError> {
        self.refresh(false).await?;
        let lookup = |cache: &KeyCache| match kid {
            Some(kid) => cache.keys.get(kid).cloned(),
            None => cache.only_key.clone(),
        };
        if let Some(key) = lookup(&*self.cache.read().await) {
            return Ok(Some(key));
        }
        // An unknown kid may be a freshly rotated key.
        self.refresh(true).await?;
        Ok(lookup(&*self.cache.read().await))
    }

    /// Checks the `Authorization` header and returns the caller's organisation.
    pub async fn caller(&self, authorization: Option<&str>) -> Result<Caller, ApiError> {
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthenticated("An Authorization: Bearer <token> header is required"))?;
        let header =
            decode_header(token).map_err(|_| ApiError::unauthenticated("The access token is not a valid JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(ApiError::unauthenticated("The access token must be signed with RS256"));
        }
        let key = self
            .key_for(header.kid.as_deref())
            .await?
            .ok_or_else(|| ApiError::unauthenticated("The access token is signed with an unknown key"))?;
        let data = decode::<Claims>(token, &key, &self.validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            let why = match e.kind() {
                ErrorKind::ExpiredSignature => "The access token has expired",
                ErrorKind::ImmatureSignature => "The access token is not valid yet",
                ErrorKind::InvalidIssuer => "The access token is from another issuer",
                ErrorKind::InvalidAudience => "The access token is for another audience",
                ErrorKind::InvalidSignature => "The access token's signature is invalid",
                ErrorKind::MissingRequiredClaim(_) => "The access token lacks a required claim (exp, iss, aud)",
                _ => "The access token is invalid",
            };
            ApiError::unauthenticated(why)
        })?;
        let organisation = match data.claims.organisation {
            Some(serde_json::Value::Number(n)) => n.as_i64(),
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .and_then(|n| OrganisationId::parse(ORGANISATION_CLAIM, n).ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                format!("The access token names no organisation (claim {ORGANISATION_CLAIM})"),
            )
        })?;
        tracing::Span::current().record("organisation", organisation.value());
        Ok(Caller { organisation })
    }
}
