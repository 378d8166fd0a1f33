//! JOSE for coauth: the signature algorithms it accepts, public keys read from a JWKS,
//! private keys for client assertions, and the `ring`-backed `jsonwebtoken` crypto provider.
//!
//! `jsonwebtoken` (>= 10.3, CVE-2026-25537 fixed) handles the JWS compact format; the
//! cryptography is `ring`, which rustls already builds for the HTTP client, so coauth adds no
//! C build (aws-lc-sys) and no `rsa` crate (RUSTSEC-2023-0071) to an app. `jsonwebtoken`
//! takes its crypto provider from a process-wide slot: coauth installs [`RING_PROVIDER`] there
//! before each use, unless the app installed another real provider first, which then serves
//! coauth as well.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::errors::Error as JwtError;
use jsonwebtoken::{Algorithm as JwtAlgorithm, DecodingKey, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{self as ring_sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};

use crate::{ConfigError, Error};

/// A JWS signature algorithm coauth can verify and sign with. HMAC (`HS*`) and `none` are
/// deliberately absent: an ID token is verified with the provider's public keys only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
    /// Ed25519.
    EdDSA,
}

impl Algorithm {
    /// The algorithms an OpenID Connect provider is trusted with unless configured otherwise.
    pub const DEFAULT_ALLOWLIST: [Algorithm; 4] = [
        Algorithm::RS256,
        Algorithm::ES256,
        Algorithm::PS256,
        Algorithm::EdDSA,
    ];

    /// The JOSE name (`"RS256"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    /// The algorithm with this exact JOSE name; `None` for `none`, `HS256` and anything else.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        [
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
            Algorithm::ES256,
            Algorithm::ES384,
            Algorithm::EdDSA,
        ]
        .into_iter()
        .find(|alg| alg.name() == name)
    }

    fn to_jwt(self) -> JwtAlgorithm {
        match self {
            Algorithm::RS256 => JwtAlgorithm::RS256,
            Algorithm::RS384 => JwtAlgorithm::RS384,
            Algorithm::RS512 => JwtAlgorithm::RS512,
            Algorithm::PS256 => JwtAlgorithm::PS256,
            Algorithm::PS384 => JwtAlgorithm::PS384,
            Algorithm::PS512 => JwtAlgorithm::PS512,
            Algorithm::ES256 => JwtAlgorithm::ES256,
            Algorithm::ES384 => JwtAlgorithm::ES384,
            Algorithm::EdDSA => JwtAlgorithm::EdDSA,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Makes sure `jsonwebtoken` has a crypto provider; coauth's unless the app chose one.
fn ensure_provider() {
    // Err: a provider is installed already (the app's, or ours from an earlier call).
    let _ = super::ring_provider::RING_PROVIDER.install_default();
}

/// A public key from a provider's JWKS, with what it may be used for.
#[derive(Clone)]
pub(crate) struct PublicJwk {
    pub(crate) kid: Option<String>,
    alg: Option<String>,
    material: KeyMaterial,
}

#[derive(Clone)]
enum KeyMaterial {
    Rsa {
        n: String,
        e: String,
    },
    Ec {
        curve: &'static str,
        x: String,
        y: String,
    },
    Ed25519 {
        x: String,
    },
}

impl fmt::Debug for PublicJwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kty = match self.material {
            KeyMaterial::Rsa { .. } => "RSA",
            KeyMaterial::Ec { curve, .. } => curve,
            KeyMaterial::Ed25519 { .. } => "Ed25519",
        };
        f.debug_struct("PublicJwk")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("kty", &kty)
            .finish()
    }
}

impl PublicJwk {
    /// Reads one JWKS entry. `None` for keys coauth never verifies with: encryption keys,
    /// symmetric keys, unknown key types or curves, malformed members.
    pub(crate) fn parse(jwk: &serde_json::Value) -> Option<PublicJwk> {
        let text = |name: &str| jwk.get(name).and_then(serde_json::Value::as_str);
        if text("use").is_some_and(|usage| usage != "sig") {
            return None;
        }
        if let Some(ops) = jwk.get("key_ops") {
            let verifies = ops
                .as_array()
                .is_some_and(|ops| ops.iter().any(|op| op == "verify"));
            if !verifies {
                return None;
            }
        }
        let b64 = |name: &str, len: Option<usize>| {
            let value = text(name)?;
            let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
            (len.is_none_or(|len| bytes.len() == len) && !bytes.is_empty())
                .then(|| value.to_owned())
        };
        let material = match text("kty")? {
            "RSA" => KeyMaterial::Rsa {
                n: b64("n", None)?,
                e: b64("e", None)?,
            },
            "EC" => {
                let (curve, len) = match text("crv")? {
                    "P-256" => ("P-256", 32),
                    "P-384" => ("P-384", 48),
                    _ => return None,
                };
                KeyMaterial::Ec {
                    curve,
                    x: b64("x", Some(len))?,
                    y: b64("y", Some(len))?,
                }
            }
            "OKP" if text("crv")? == "Ed25519" => KeyMaterial::Ed25519 {
                x: b64("x", Some(32))?,
            },
            _ => return None,
        };
        Some(PublicJwk {
            kid: text("kid").map(str::to_owned),
            alg: text("alg").map(str::to_owned),
            material,
        })
    }

    /// Whether this key may verify a signature made with `alg`: the key type (and curve) must
    /// be the algorithm's, and a key that names its algorithm must name this one.
    pub(crate) fn accepts(&self, alg: Algorithm) -> bool {
        if self.alg.as_deref().is_some_and(|own| own != alg.name()) {
            return false;
        }
        match (&self.material, alg) {
            (
                KeyMaterial::Rsa { .. },
                Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512,
            ) => true,
            (KeyMaterial::Ec { curve, .. }, Algorithm::ES256) => *curve == "P-256",
            (KeyMaterial::Ec { curve, .. }, Algorithm::ES384) => *curve == "P-384",
            (KeyMaterial::Ed25519 { .. }, Algorithm::EdDSA) => true,
            _ => false,
        }
    }

    fn decoding_key(&self) -> Result<DecodingKey, JwtError> {
        match &self.material {
            KeyMaterial::Rsa { n, e } => DecodingKey::from_rsa_components(n, e),
            KeyMaterial::Ec { x, y, .. } => DecodingKey::from_ec_components(x, y),
            KeyMaterial::Ed25519 { x } => DecodingKey::from_ed_components(x),
        }
    }

    /// Checks the JWS signature `signature_b64` over `signing_input` with this key.
    pub(crate) fn verify(&self, alg: Algorithm, signing_input: &[u8], signature_b64: &str) -> bool {
        if !self.accepts(alg) {
            return false;
        }
        ensure_provider();
        let Ok(key) = self.decoding_key() else {
            return false;
        };
        jsonwebtoken::crypto::verify(signature_b64, signing_input, &key, alg.to_jwt())
            .unwrap_or(false)
    }
}

/// A private key coauth signs JWTs with: `private_key_jwt` client assertions (RFC 7523) and
/// Apple's client secret. The key never appears in `Debug` output.
#[derive(Clone)]
pub struct SigningKey {
    alg: Algorithm,
    key: EncodingKey,
    public_jwk: serde_json::Value,
    kid: Option<String>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A key from PEM text: PKCS#8 (`-----BEGIN PRIVATE KEY-----`, e.g. Apple's `.p8` file)
    /// for every algorithm, or PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`) for RSA. The key
    /// type must suit `alg` (an EC P-256 key for ES256, ...).
    pub fn from_pem(alg: Algorithm, pem: &str) -> Result<SigningKey, ConfigError> {
        let (label, der) = pem_to_der(pem)?;
        let der = der.as_slice();
        let bad = |what: &str| {
            ConfigError(format!(
                "the {alg} signing key is not {what} (the key itself is not shown)"
            ))
        };
        let rng = SystemRandom::new();
        let (key, public_jwk) = match alg {
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => {
                let pair = rsa_key_pair(der)
                    .ok_or_else(|| bad("an RSA private key (PKCS#8 or PKCS#1) of 2048+ bits"))?;
                let components = ring_sig::RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
                let jwk = serde_json::json!({
                    "kty": "RSA",
                    "n": URL_SAFE_NO_PAD.encode(&components.n),
                    "e": URL_SAFE_NO_PAD.encode(&components.e),
                });
                (EncodingKey::from_rsa_der(der), jwk)
            }
            Algorithm::ES256 | Algorithm::ES384 => {
                let (signing, curve, len) = if alg == Algorithm::ES256 {
                    (&ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING, "P-256", 32)
                } else {
                    (&ring_sig::ECDSA_P384_SHA384_FIXED_SIGNING, "P-384", 48)
                };
                if label != "PRIVATE KEY" {
                    return Err(bad("a PKCS#8 EC private key (BEGIN PRIVATE KEY)"));
                }
                let pair = EcdsaKeyPair::from_pkcs8(signing, der, &rng)
                    .map_err(|_| bad(&format!("a PKCS#8 EC {curve} private key")))?;
                let point = pair.public_key().as_ref();
                let jwk = serde_json::json!({
                    "kty": "EC",
                    "crv": curve,
                    "x": URL_SAFE_NO_PAD.encode(&point[1..=len]),
                    "y": URL_SAFE_NO_PAD.encode(&point[len + 1..]),
                });
                (EncodingKey::from_ec_der(der), jwk)
            }
            Algorithm::EdDSA => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                    .map_err(|_| bad("a PKCS#8 Ed25519 private key"))?;
                let jwk = serde_json::json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
                });
                (EncodingKey::from_ed_der(der), jwk)
            }
        };
        Ok(SigningKey {
            alg,
            key,
            public_jwk,
            kid: None,
        })
    }

    /// Sets the key id sent as the JWT header's `kid`.
    pub fn with_kid(mut self, kid: impl Into<String>) -> SigningKey {
        self.kid = Some(kid.into());
        self
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if set.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The public half as a JWK (with `kid`, `alg` and `use`), to register at the provider.
    pub fn public_jwk(&self) -> serde_json::Value {
        let mut jwk = self.public_jwk.clone();
        jwk["alg"] = self.alg.name().into();
        jwk["use"] = "sig".into();
        if let Some(kid) = &self.kid {
            jwk["kid"] = kid.as_str().into();
        }
        jwk
    }

    /// Signs `claims` as a compact JWT with this key's algorithm and `kid`.
    pub fn sign(&self, claims: &serde_json::Value) -> Result<String, Error> {
        ensure_provider();
        let mut header = Header::new(self.alg.to_jwt());
        header.kid = self.kid.clone();
        jsonwebtoken::encode(&header, claims, &self.key)
            .map_err(|_| Error::Provider(format!("signing a {} JWT failed", self.alg)))
    }
}

/// Decodes PEM text into its label and DER bytes.
fn pem_to_der(pem: &str) -> Result<(String, Vec<u8>), ConfigError> {
    let invalid = || ConfigError("the signing key is not PEM text (the key is not shown)".into());
    let begin = pem.find("-----BEGIN ").ok_or_else(invalid)?;
    let rest = &pem[begin + "-----BEGIN ".len()..];
    let label_end = rest.find("-----").ok_or_else(invalid)?;
    let label = rest[..label_end].to_owned();
    let body_and_end = &rest[label_end + 5..];
    let end = body_and_end
        .find(&format!("-----END {label}-----"))
        .ok_or_else(invalid)?;
    let body: String = body_and_end[..end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = STANDARD.decode(body).map_err(|_| invalid())?;
    Ok((label, der))
}

pub(super) fn rsa_key_pair(der: &[u8]) -> Option<RsaKeyPair> {
    RsaKeyPair::from_pkcs8(der)
        .or_else(|_| RsaKeyPair::from_der(der))
        .ok()
}

#[cfg(test)]
#[path = "jose_tests.rs"]
mod tests;
