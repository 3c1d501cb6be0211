//! The local token issuer: signs RS256 tokens with the committed local-only key and serves the
//! matching JWKS, as a real issuer (Entur's Auth0 tenants) would.

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;

pub const KEY_PEM: &str = include_str!("../fixtures/local-issuer-key.pem");
pub const KEY_ID: &str = "customers-local-1";
pub const ISSUER: &str = "https://customers.local/issuer/";
pub const AUDIENCE: &str = "https://api.entur.io";
pub const ORGANISATION_CLAIM: &str = "https://entur.io/organisationID";

/// The issuer's key; signing goes through the same token cryptography as the functions.
pub fn encoding_key() -> Result<EncodingKey, String> {
    customers_http::token_crypto::install();
    EncodingKey::from_rsa_pem(KEY_PEM.as_bytes()).map_err(|e| format!("local issuer key: {e}"))
}

pub fn jwks() -> Result<JwkSet, String> {
    let mut jwk = Jwk::from_encoding_key(&encoding_key()?, Algorithm::RS256).map_err(|e| e.to_string())?;
    jwk.common.key_id = Some(KEY_ID.to_string());
    jwk.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Signature);
    Ok(JwkSet { keys: vec![jwk] })
}

/// A token for `organisation`, valid for `ttl_seconds` (negative: already expired).
pub fn token(organisation: i64, ttl_seconds: i64) -> Result<String, String> {
    token_with(json!({ ORGANISATION_CLAIM: organisation }), ttl_seconds)
}

/// A token with arbitrary extra claims over the standard ones (`iss`, `aud`, `exp`, …).
pub fn token_with(extra: serde_json::Value, ttl_seconds: i64) -> Result<String, String> {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "local-client@clients",
        "iat": now,
        "exp": now + ttl_seconds,
    });
    if let (Some(c), Some(e)) = (claims.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            if v.is_null() {
                c.remove(k);
            } else {
                c.insert(k.clone(), v.clone());
            }
        }
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KEY_ID.to_string());
    encode(&header, &claims, &encoding_key()?).map_err(|e| e.to_string())
}

/// Serves `/.well-known/jwks.json` on `listener` until the task is dropped.
pub async fn serve_jwks(listener: tokio::net::TcpListener) -> Result<(), String> {
    let set = serde_json::to_value(jwks()?).map_err(|e| e.to_string())?;
    let app = axum::Router::new().route(
        "/.well-known/jwks.json",
        axum::routing::get(move || {
            let set = set.clone();
            async move { axum::Json(set) }
        }),
    );
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}

/// Starts a JWKS server on a free loopback port and returns its URL.
pub async fn spawn_jwks() -> Result<String, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        if let Err(e) = serve_jwks(listener).await {
            eprintln!("jwks server stopped: {e}");
        }
    });
    Ok(format!("http://{addr}/.well-known/jwks.json"))
}
