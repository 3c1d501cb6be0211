//! Token attacks and the issuer's key set. Every forged, stale or foreign token answers 401 and
//! does nothing; the key set is served from cache while the issuer is down (within its grace
//! period), and a rotated key is picked up and the one rotated out refused. Time moves on the
//! functions' clock, never by sleeping.

use axum::http::{Method, StatusCode};
use base64::Engine;
use customers_http::AuthConfig;
use customers_http::auth::{KEYS_FRESH_FOR, KEYS_USABLE_FOR, MIN_REFRESH_INTERVAL};
use customers_tests::app::{Gateway, TEST_TABLE, TestApp, TestResponse, gateway};
use customers_tests::checks::assert_error;
use customers_tests::issuer;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const ROTATED_KEY_PEM: &str = include_str!("fixtures/local-issuer-key-rotated.pem");
const ROTATED_KEY_ID: &str = "customers-local-2";

fn rotated_key() -> EncodingKey {
    customers_http::token_crypto::install();
    EncodingKey::from_rsa_pem(ROTATED_KEY_PEM.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn jwk(key: &EncodingKey, kid: &str) -> Jwk {
    let mut jwk = Jwk::from_encoding_key(key, Algorithm::RS256).unwrap_or_else(|e| panic!("{e}"));
    jwk.common.key_id = Some(kid.to_string());
    jwk
}

fn signed(claims: &Value, key: &EncodingKey, kid: Option<&str>) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, claims, key).unwrap_or_else(|e| panic!("{e}"))
}

fn claims(org: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"iss": issuer::ISSUER, "aud": issuer::AUDIENCE, "iat": now, "exp": now + 48 * 3600, issuer::ORGANISATION_CLAIM: org})
}

/// A key-set endpoint the test can switch: serving a set, or failing. Counts its requests.
#[derive(Clone)]
struct Issuer {
    set: Arc<Mutex<Option<JwkSet>>>,
    requests: Arc<AtomicUsize>,
}

impl Issuer {
    async fn start(set: JwkSet) -> (Self, String) {
        let issuer = Self {
            set: Arc::new(Mutex::new(Some(set))),
            requests: Arc::new(AtomicUsize::new(0)),
        };
        let state = issuer.clone();
        let app = axum::Router::new().route(
            "/.well-known/jwks.json",
            axum::routing::get(move || {
                let state = state.clone();
                async move {
                    state.requests.fetch_add(1, Ordering::SeqCst);
                    let set = state.set.lock().map(|s| s.clone()).unwrap_or(None);
                    match set {
                        Some(set) => (
                            StatusCode::OK,
                            axum::Json(serde_json::to_value(set).unwrap_or_default()),
                        ),
                        None => (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({}))),
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (issuer, format!("http://{addr}/.well-known/jwks.json"))
    }

    fn serve(&self, set: Option<JwkSet>) {
        if let Ok(mut s) = self.set.lock() {
            *s = set;
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// The functions behind a key set of the test's own.
async fn behind(app: &TestApp, jwks_url: String) -> Gateway {
    let auth = AuthConfig {
        jwks_url,
        issuer: issuer::ISSUER.to_string(),
        audience: issuer::AUDIENCE.to_string(),
    };
    gateway(app.client.clone(), TEST_TABLE, auth, app.clock.clone())
}

/// The functions behind an issuer that publishes `key` alone (as `KEY_ID`), and the path of a
/// profile of the app's organisation to read with the tokens under test.
async fn behind_one_key(app: &TestApp, key: &EncodingKey) -> (Issuer, Gateway, String) {
    let (issuer, url) = Issuer::start(JwkSet {
        keys: vec![jwk(key, issuer::KEY_ID)],
    })
    .await;
    let gateway = behind(app, url).await;
    let n = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    (issuer, gateway, format!("/profiles/{n}"))
}

async fn read_with(app: &TestApp, gateway: &Gateway, path: &str, token: &str) -> TestResponse {
    let router = gateway.function_for(path);
    let headers = [
        ("authorization", format!("Bearer {token}")),
        ("et-client-name", "entur-tests".to_string()),
    ];
    app.raw_on(&router, Method::GET, path, Vec::new(), &headers).await
}

fn b64(v: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

/// Every attack is tried on a create (which would leave a profile) and on a read of an existing
/// profile: each answers 401 (403 for a token that names no organisation), and the organisation
/// holds exactly the one profile it held before.
#[tokio::test]
async fn forged_stale_and_foreign_tokens_answer_401_and_change_nothing() {
    let app = TestApp::profiles().await;
    let existing = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let before = app.org_items(TEST_TABLE, app.org).await;
    let org = json!(app.org);
    let key = issuer::encoding_key().unwrap_or_else(|e| panic!("{e}"));
    let now = chrono::Utc::now().timestamp();
    let with = |patch: Value| {
        let mut c = claims(org.clone());
        if let (Some(c), Some(p)) = (c.as_object_mut(), patch.as_object()) {
            for (k, v) in p {
                if v.is_null() {
                    c.remove(k);
                } else {
                    c.insert(k.clone(), v.clone());
                }
            }
        }
        signed(&c, &key, Some(issuer::KEY_ID))
    };
    let public_pem = serde_json::to_vec(&issuer::jwks().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_default();
    let hs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(org.clone()),
        &EncodingKey::from_secret(&public_pem),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT", "kid": issuer::KEY_ID})),
        b64(&claims(org.clone()))
    );
    let good = with(json!({}));
    let mut parts: Vec<&str> = good.split('.').collect();
    let foreign_payload = b64(&claims(json!(app.org + 1)));
    if let Some(p) = parts.get_mut(1) {
        *p = &foreign_payload;
    }
    let swapped_payload = parts.join(".");
    let cases: Vec<(&str, String, StatusCode)> = vec![
        ("no token", String::new(), StatusCode::UNAUTHORIZED),
        ("garbage", "garbage".into(), StatusCode::UNAUTHORIZED),
        ("three garbage parts", "a.b.c".into(), StatusCode::UNAUTHORIZED),
        ("alg none", alg_none, StatusCode::UNAUTHORIZED),
        ("HS256 signed with the public key", hs256, StatusCode::UNAUTHORIZED),
        (
            "unknown kid",
            signed(&claims(org.clone()), &rotated_key(), Some("someone-else")),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "a key the issuer never published, under its kid",
            signed(&claims(org.clone()), &rotated_key(), Some(issuer::KEY_ID)),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "another payload under a valid signature",
            swapped_payload,
            StatusCode::UNAUTHORIZED,
        ),
        ("expired", with(json!({"exp": now - 120})), StatusCode::UNAUTHORIZED),
        ("no exp", with(json!({"exp": null})), StatusCode::UNAUTHORIZED),
        (
            "not yet valid",
            with(json!({"nbf": now + 3600})),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "wrong issuer",
            with(json!({"iss": "https://evil.example/"})),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "wrong audience",
            with(json!({"aud": "https://other.api"})),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "missing organisation",
            with(json!({ issuer::ORGANISATION_CLAIM: null })),
            StatusCode::FORBIDDEN,
        ),
        (
            "non-numeric organisation",
            with(json!({ issuer::ORGANISATION_CLAIM: "acme" })),
            StatusCode::FORBIDDEN,
        ),
        (
            "organisation zero",
            with(json!({ issuer::ORGANISATION_CLAIM: 0 })),
            StatusCode::FORBIDDEN,
        ),
    ];
    let read = format!("/profiles/{existing}");
    for (why, token, status) in &cases {
        let auth = if token.is_empty() {
            String::new()
        } else {
            format!("Bearer {token}")
        };
        let code = if *status == StatusCode::FORBIDDEN { 701 } else { 700 };
        let created = app
            .call(
                Method::POST,
                "/profiles",
                Some(app.new_profile(None)),
                &[("authorization", &auth)],
            )
            .await;
        assert_error(&created, *status, code, &format!("create with {why}"));
        let r = app.call(Method::GET, &read, None, &[("authorization", &auth)]).await;
        assert_error(&r, *status, code, &format!("read with {why}"));
    }
    assert_eq!(
        app.org_items(TEST_TABLE, app.org).await,
        before,
        "nothing was written by any attack"
    );
    // The same token, untouched, works: the attacks were refused for what they changed.
    assert_eq!(app.call(Method::GET, &read, None, &[]).await.status, StatusCode::OK);
}

/// The issuer goes down: the keys read before keep verifying tokens past their hour and up to
/// their grace period, without waiting on the issuer each request; after the grace period the
/// answer is 503, not 401; once the issuer is back, tokens verify again.
#[tokio::test]
async fn a_down_issuer_is_served_from_the_cached_keys_within_the_grace_period() {
    let app = TestApp::profiles().await;
    let (issuer, url) = Issuer::start(issuer::jwks().unwrap_or_else(|e| panic!("{e}"))).await;
    let gateway = behind(&app, url).await;
    let n = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let path = format!("/profiles/{n}");
    let token = issuer::token(app.org, 48 * 3600).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read_with(&app, &gateway, &path, &token).await.status, StatusCode::OK);
    assert_eq!(issuer.requests(), 1);

    issuer.serve(None);
    app.clock.advance(KEYS_FRESH_FOR + chrono::Duration::minutes(1));
    for _ in 0..5 {
        let r = read_with(&app, &gateway, &path, &token).await;
        assert_eq!(r.status, StatusCode::OK, "stale keys still serve: {}", r.text);
    }
    assert_eq!(issuer.requests(), 2, "one failed re-read, then none for a while");
    app.clock.advance(MIN_REFRESH_INTERVAL);
    assert_eq!(read_with(&app, &gateway, &path, &token).await.status, StatusCode::OK);
    assert_eq!(issuer.requests(), 3, "re-read tried again after the interval");

    app.clock.advance(KEYS_USABLE_FOR);
    let r = read_with(&app, &gateway, &path, &token).await;
    assert_error(&r, StatusCode::SERVICE_UNAVAILABLE, 800, "keys past their grace period");
    assert!(r.header("retry-after").is_some(), "{:?}", r.headers);

    issuer.serve(Some(issuer::jwks().unwrap_or_else(|e| panic!("{e}"))));
    app.clock.advance(MIN_REFRESH_INTERVAL);
    assert_eq!(read_with(&app, &gateway, &path, &token).await.status, StatusCode::OK);
}

/// The issuer rotates its key: a token of the new key is accepted at once (an unknown kid
/// re-reads the set), and once the old key has left the set, a token signed with it is refused.
#[tokio::test]
async fn a_rotated_key_is_picked_up_and_the_key_rotated_out_is_refused() {
    let app = TestApp::profiles().await;
    let old = issuer::encoding_key().unwrap_or_else(|e| panic!("{e}"));
    let new = rotated_key();
    let (issuer, gateway, path) = behind_one_key(&app, &old).await;
    let org = json!(app.org);
    let old_token = signed(&claims(org.clone()), &old, Some(issuer::KEY_ID));
    let new_token = signed(&claims(org), &new, Some(ROTATED_KEY_ID));
    assert_eq!(
        read_with(&app, &gateway, &path, &old_token).await.status,
        StatusCode::OK
    );
    let r = read_with(&app, &gateway, &path, &new_token).await;
    assert_error(
        &r,
        StatusCode::UNAUTHORIZED,
        700,
        "a key the issuer has not published yet",
    );

    // Both keys published during the rotation.
    issuer.serve(Some(JwkSet {
        keys: vec![jwk(&old, issuer::KEY_ID), jwk(&new, ROTATED_KEY_ID)],
    }));
    app.clock.advance(MIN_REFRESH_INTERVAL);
    assert_eq!(
        read_with(&app, &gateway, &path, &new_token).await.status,
        StatusCode::OK
    );
    assert_eq!(
        read_with(&app, &gateway, &path, &old_token).await.status,
        StatusCode::OK
    );

    // The old key rotated out: refused once the set is re-read.
    issuer.serve(Some(JwkSet {
        keys: vec![jwk(&new, ROTATED_KEY_ID)],
    }));
    app.clock.advance(KEYS_FRESH_FOR);
    let r = read_with(&app, &gateway, &path, &old_token).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, 700, "a key rotated out of the set");
    assert_eq!(
        read_with(&app, &gateway, &path, &new_token).await.status,
        StatusCode::OK
    );
}

/// A token verified once is remembered, but its times are judged on every request: the same
/// token, accepted a moment ago, is refused once the functions' clock passes its expiry, and one
/// not valid yet is accepted once its time comes. (The clock moves less than the key set's
/// freshness, so the set is not re-read and the remembered verdicts are the ones judged.)
#[tokio::test]
async fn a_remembered_token_still_expires_on_time_and_starts_on_time() {
    let app = TestApp::profiles().await;
    let key = issuer::encoding_key().unwrap_or_else(|e| panic!("{e}"));
    let (issuer, gateway, path) = behind_one_key(&app, &key).await;
    let now = chrono::Utc::now().timestamp();
    let with_times = |nbf: Option<i64>, exp: i64| {
        let mut c = claims(json!(app.org));
        c["exp"] = json!(exp);
        if let Some(nbf) = nbf {
            c["nbf"] = json!(nbf);
        }
        signed(&c, &key, Some(issuer::KEY_ID))
    };
    let short = with_times(None, now + 600);
    let not_yet = with_times(Some(now + 600), now + 3000);
    for _ in 0..3 {
        assert_eq!(read_with(&app, &gateway, &path, &short).await.status, StatusCode::OK);
        let r = read_with(&app, &gateway, &path, &not_yet).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, 700, "a token not valid yet");
    }
    let reads = issuer.requests();
    app.clock.advance(chrono::Duration::minutes(20));
    let r = read_with(&app, &gateway, &path, &short).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, 700, "a remembered token past its expiry");
    assert_eq!(read_with(&app, &gateway, &path, &not_yet).await.status, StatusCode::OK);
    assert_eq!(issuer.requests(), reads, "the key set was not re-read");
}

/// An issuer that publishes its modulus with a leading zero byte (RFC 7518 says not to; some
/// issuers do) still has its tokens accepted, and a token signed by another key under its key id
/// is still refused.
#[tokio::test]
async fn a_modulus_published_with_a_leading_zero_still_verifies() {
    use jsonwebtoken::jwk::AlgorithmParameters;
    let app = TestApp::profiles().await;
    let key = issuer::encoding_key().unwrap_or_else(|e| panic!("{e}"));
    let mut padded = jwk(&key, issuer::KEY_ID);
    let AlgorithmParameters::RSA(rsa) = &mut padded.algorithm else {
        panic!("the issuer's key is not RSA");
    };
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let n = b64.decode(&rsa.n).unwrap_or_else(|e| panic!("{e}"));
    rsa.n = b64.encode([&[0u8][..], &n].concat());
    let (_issuer, url) = Issuer::start(JwkSet { keys: vec![padded] }).await;
    let gateway = behind(&app, url).await;
    let number = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let path = format!("/profiles/{number}");
    let token = signed(&claims(json!(app.org)), &key, Some(issuer::KEY_ID));
    let read = read_with(&app, &gateway, &path, &token).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let forged = signed(&claims(json!(app.org)), &rotated_key(), Some(issuer::KEY_ID));
    assert_eq!(
        read_with(&app, &gateway, &path, &forged).await.status,
        StatusCode::UNAUTHORIZED
    );
}
