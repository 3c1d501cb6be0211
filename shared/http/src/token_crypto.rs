//! The cryptography of access tokens, on ring: the library the functions already carry for TLS.
//!
//! `jsonwebtoken` still parses and judges every token (its algorithm, claims and times); this
//! supplies only the signature arithmetic. Its own backends would add a second implementation
//! of RSA (and of ECDSA, EdDSA and HMAC, which the functions never use) to every binary
//! (docs/performance.md). Tokens are RS256 alone; signing (RS256, and HS256 for the forged
//! tokens of the attack tests) serves the local issuer.

use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier};
use jsonwebtoken::errors::{Error, ErrorKind};
use jsonwebtoken::jwk::ThumbprintHash;
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use ring::{digest, hmac, rand};

static RING: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    jwk_utils: JwkUtils {
        extract_rsa_public_key_components: rsa_public_key_components,
        extract_ec_public_key_coordinates: |_, _| Err(unsupported()),
        compute_digest: thumbprint,
    },
};

/// Makes ring the process's token cryptography. Called before any token is signed or checked;
/// a second call changes nothing. Should another provider have been chosen first, every token
/// would fail, so that is logged as the error it is.
pub fn install() {
    if let Err(other) = RING.install_default()
        && !std::ptr::eq(other, &RING)
    {
        tracing::error!("another token cryptography was installed first; tokens may all be refused");
    }
}

fn unsupported() -> Error {
    ErrorKind::Provider("only RS256 (and HS256 for signing) are supported".to_string()).into()
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, Error> {
    match (algorithm, key.family(), key.kind()) {
        (Algorithm::RS256, AlgorithmFamily::Rsa, DecodingKeyKind::RsaModulusExponent { n, e }) => {
            Ok(Box::new(Rs256Verifier {
                n: without_leading_zeros(n),
                e: without_leading_zeros(e),
            }))
        }
        (Algorithm::RS256, _, _) => Err(ErrorKind::InvalidKeyFormat.into()),
        _ => Err(unsupported()),
    }
}

/// ring takes the minimal big-endian form that RFC 7518 prescribes; some issuers publish a
/// leading zero byte, which changes no number.
fn without_leading_zeros(bytes: &[u8]) -> Vec<u8> {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default().to_vec()
}

/// An RS256 public key from a key set (modulus and exponent).
struct Rs256Verifier {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl Verifier<Vec<u8>> for Rs256Verifier {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        RsaPublicKeyComponents { n: &self.n, e: &self.e }
            .verify(&RSA_PKCS1_2048_8192_SHA256, message, signature)
            .map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for Rs256Verifier {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>, Error> {
    match (algorithm, key.family()) {
        (Algorithm::RS256, AlgorithmFamily::Rsa) => {
            let pair = RsaKeyPair::from_der(key.inner()).map_err(|e| ErrorKind::InvalidRsaKey(e.to_string()))?;
            Ok(Box::new(Rs256Signer(pair)))
        }
        (Algorithm::HS256, AlgorithmFamily::Hmac) => {
            Ok(Box::new(Hs256Signer(hmac::Key::new(hmac::HMAC_SHA256, key.inner()))))
        }
        _ => Err(unsupported()),
    }
}

struct Rs256Signer(RsaKeyPair);

impl Signer<Vec<u8>> for Rs256Signer {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        let mut signature = vec![0; self.0.public().modulus_len()];
        self.0
            .sign(&RSA_PKCS1_SHA256, &rand::SystemRandom::new(), message, &mut signature)
            .map_err(|_| signature::Error::new())?;
        Ok(signature)
    }
}

impl JwtSigner for Rs256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

struct Hs256Signer(hmac::Key);

impl Signer<Vec<u8>> for Hs256Signer {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        Ok(hmac::sign(&self.0, message).as_ref().to_vec())
    }
}

impl JwtSigner for Hs256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

/// The public half (modulus, exponent) of a PKCS#1 private key, for the issuer's key set.
fn rsa_public_key_components(private_key: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let pair = RsaKeyPair::from_der(private_key).map_err(|e| ErrorKind::InvalidRsaKey(e.to_string()))?;
    let public = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
    Ok((public.n, public.e))
}

fn thumbprint(data: &[u8], hash: ThumbprintHash) -> Vec<u8> {
    let algorithm = match hash {
        ThumbprintHash::SHA256 => &digest::SHA256,
        ThumbprintHash::SHA384 => &digest::SHA384,
        ThumbprintHash::SHA512 => &digest::SHA512,
    };
    digest::digest(algorithm, data).as_ref().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_zero_bytes_are_dropped_and_nothing_else() {
        assert_eq!(without_leading_zeros(&[0, 0, 1, 0, 1]), vec![1, 0, 1]);
        assert_eq!(without_leading_zeros(&[1, 0, 1]), vec![1, 0, 1]);
        assert_eq!(without_leading_zeros(&[0, 0]), Vec::<u8>::new());
        assert_eq!(without_leading_zeros(&[]), Vec::<u8>::new());
    }

    /// Only RS256 with an RSA key gets a verifier: an HMAC secret or another algorithm is refused
    /// before any arithmetic.
    #[test]
    fn only_rs256_over_an_rsa_key_is_verified() {
        let rsa = DecodingKey::from_rsa_raw_components(&[0xc5; 256], &[1, 0, 1]);
        assert!(verifier(&Algorithm::RS256, &rsa).is_ok());
        for algorithm in [
            Algorithm::HS256,
            Algorithm::RS384,
            Algorithm::PS256,
            Algorithm::ES256,
            Algorithm::EdDSA,
        ] {
            assert!(verifier(&algorithm, &rsa).is_err(), "{algorithm:?}");
        }
        let secret = DecodingKey::from_secret(b"the issuer's public key, as a secret");
        assert!(verifier(&Algorithm::RS256, &secret).is_err());
        assert!(verifier(&Algorithm::HS256, &secret).is_err());
    }
}
