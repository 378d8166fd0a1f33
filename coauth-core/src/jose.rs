//! JOSE as coauth uses it: JSON Web Signatures verified with an OpenID provider's published
//! keys (ID tokens), and JWTs signed with the app's own key (`private_key_jwt` client
//! assertions, RFC 7523, and Apple's client secret).
//!
//! A JWS in compact serialization is three base64url parts without padding, joined by dots:
//! `header.payload.signature`. The signature covers the signing input, the first two parts
//! with their dot, as ASCII text. [`SigningKey::sign`] writes that format here; reading a
//! token (splitting it, checking the header and the claims) is `oidc/id_token.rs`, which
//! hands the signing input and the signature part to this module's verification.
//!
//! The cryptography is `ring`, which rustls already builds for the HTTP client, so JOSE adds
//! no C build and no `rsa` crate (RUSTSEC-2023-0071) to an app:
//! - RSA: PKCS#1 v1.5 (`RS*`) and PSS (`PS*`, salt as long as the hash); moduli of 2048 to
//!   8192 bits verify, keys of 2048 to 4096 bits sign;
//! - ECDSA: P-256 (`ES256`) and P-384 (`ES384`), signatures in the fixed-length `r || s`
//!   form JWS prescribes (RFC 7518, section 3.4), never ASN.1 DER;
//! - Ed25519 (`EdDSA`, RFC 8037).
//!
//! No process-wide state is involved: no crypto provider is registered anywhere, so nothing
//! here changes what other code in the host app sees; keys are plain values, randomness (ECDSA
//! nonces, PSS salts, `jti`) comes from the operating system through `ring` per call, and
//! time is whatever the caller passes in.
//!
//! Only asymmetric algorithms exist: HMAC (`HS256`, ...) and `none` cannot be named as an
//! [`Algorithm`], so a token whose header names them is refused before any key is looked up,
//! and a symmetric JWK (`"kty": "oct"`) is never read from a JWKS.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{
    self as ring_sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair, UnparsedPublicKey,
};
use serde_json::Value;

use crate::crypto::random_token;
use crate::{ConfigError, Error};

/// `client_assertion_type` of RFC 7523 JWT client assertions.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long a client assertion is valid, in seconds.
const ASSERTION_LIFETIME: u64 = 60;

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

    /// Every algorithm, in the order of the enum.
    const ALL: [Algorithm; 9] = [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
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
        Algorithm::ALL.into_iter().find(|alg| alg.name() == name)
    }

    /// The key type this algorithm needs and the `ring` algorithms that implement it.
    fn family(self) -> Family {
        use ring_sig::{
            RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_2048_8192_SHA512,
            RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512, RSA_PSS_2048_8192_SHA256,
            RSA_PSS_2048_8192_SHA384, RSA_PSS_2048_8192_SHA512, RSA_PSS_SHA256, RSA_PSS_SHA384,
            RSA_PSS_SHA512,
        };
        let rsa = |verification: &'static ring_sig::RsaParameters,
                   padding: &'static dyn ring_sig::RsaEncoding| Family::Rsa {
            verification,
            padding,
        };
        match self {
            Algorithm::RS256 => rsa(&RSA_PKCS1_2048_8192_SHA256, &RSA_PKCS1_SHA256),
            Algorithm::RS384 => rsa(&RSA_PKCS1_2048_8192_SHA384, &RSA_PKCS1_SHA384),
            Algorithm::RS512 => rsa(&RSA_PKCS1_2048_8192_SHA512, &RSA_PKCS1_SHA512),
            Algorithm::PS256 => rsa(&RSA_PSS_2048_8192_SHA256, &RSA_PSS_SHA256),
            Algorithm::PS384 => rsa(&RSA_PSS_2048_8192_SHA384, &RSA_PSS_SHA384),
            Algorithm::PS512 => rsa(&RSA_PSS_2048_8192_SHA512, &RSA_PSS_SHA512),
            Algorithm::ES256 => Family::Ec(Curve::P256),
            Algorithm::ES384 => Family::Ec(Curve::P384),
            Algorithm::EdDSA => Family::Ed25519,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an [`Algorithm`] is made of in `ring`.
#[derive(Clone, Copy)]
enum Family {
    Rsa {
        verification: &'static ring_sig::RsaParameters,
        padding: &'static dyn ring_sig::RsaEncoding,
    },
    Ec(Curve),
    Ed25519,
}

/// The elliptic curves of the `ES*` algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Curve {
    P256,
    P384,
}

impl Curve {
    /// The JWK `crv` name.
    fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    /// The length of one coordinate, and of each of `r` and `s` in a signature, in bytes.
    fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }

    fn signing(self) -> &'static ring_sig::EcdsaSigningAlgorithm {
        match self {
            Curve::P256 => &ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING,
            Curve::P384 => &ring_sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        }
    }

    fn verification(self) -> &'static ring_sig::EcdsaVerificationAlgorithm {
        match self {
            Curve::P256 => &ring_sig::ECDSA_P256_SHA256_FIXED,
            Curve::P384 => &ring_sig::ECDSA_P384_SHA384_FIXED,
        }
    }
}

/// A public key from a provider's JWKS, with what it may be used for.
#[derive(Clone)]
pub(crate) struct PublicJwk {
    pub(crate) kid: Option<String>,
    alg: Option<String>,
    material: KeyMaterial,
}

/// The decoded key, in the form `ring` verifies with.
#[derive(Clone)]
enum KeyMaterial {
    /// Modulus and exponent, big-endian without leading zeros.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// The uncompressed point `0x04 || x || y`.
    Ec { curve: Curve, point: Vec<u8> },
    /// The 32-byte public key.
    Ed25519 { x: Vec<u8> },
}

impl fmt::Debug for PublicJwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kty = match &self.material {
            KeyMaterial::Rsa { .. } => "RSA",
            KeyMaterial::Ec { curve, .. } => curve.name(),
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
    pub(crate) fn parse(jwk: &Value) -> Option<PublicJwk> {
        let text = |name: &str| jwk.get(name).and_then(Value::as_str);
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
        let bytes = |name: &str| {
            let bytes = URL_SAFE_NO_PAD.decode(text(name)?).ok()?;
            (!bytes.is_empty()).then_some(bytes)
        };
        // RFC 7518 asks for the shortest encoding; a leading zero byte does not change the
        // number, so it is dropped rather than refused.
        let unsigned = |name: &str| {
            let bytes = bytes(name)?;
            let start = bytes.iter().position(|&byte| byte != 0)?;
            Some(bytes[start..].to_vec())
        };
        let material = match text("kty")? {
            "RSA" => KeyMaterial::Rsa {
                n: unsigned("n")?,
                e: unsigned("e")?,
            },
            "EC" => {
                let curve = match text("crv")? {
                    "P-256" => Curve::P256,
                    "P-384" => Curve::P384,
                    _ => return None,
                };
                let len = curve.coordinate_len();
                let (x, y) = (bytes("x")?, bytes("y")?);
                if x.len() != len || y.len() != len {
                    return None;
                }
                let mut point = Vec::with_capacity(1 + 2 * len);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                KeyMaterial::Ec { curve, point }
            }
            "OKP" if text("crv")? == "Ed25519" => {
                let x = bytes("x")?;
                if x.len() != 32 {
                    return None;
                }
                KeyMaterial::Ed25519 { x }
            }
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
        match (&self.material, alg.family()) {
            (KeyMaterial::Rsa { .. }, Family::Rsa { .. }) => true,
            (KeyMaterial::Ec { curve, .. }, Family::Ec(wanted)) => *curve == wanted,
            (KeyMaterial::Ed25519 { .. }, Family::Ed25519) => true,
            _ => false,
        }
    }

    /// Checks the JWS signature part `signature_b64` (base64url, no padding) over
    /// `signing_input` with this key.
    pub(crate) fn verify(&self, alg: Algorithm, signing_input: &[u8], signature_b64: &str) -> bool {
        if !self.accepts(alg) {
            return false;
        }
        let Ok(signature) = URL_SAFE_NO_PAD.decode(signature_b64) else {
            return false;
        };
        let verified = match (&self.material, alg.family()) {
            (KeyMaterial::Rsa { n, e }, Family::Rsa { verification, .. }) => {
                ring_sig::RsaPublicKeyComponents { n, e }.verify(
                    verification,
                    signing_input,
                    &signature,
                )
            }
            (KeyMaterial::Ec { curve, point }, Family::Ec(_)) => {
                UnparsedPublicKey::new(curve.verification(), point)
                    .verify(signing_input, &signature)
            }
            (KeyMaterial::Ed25519 { x }, Family::Ed25519) => {
                UnparsedPublicKey::new(&ring_sig::ED25519, x).verify(signing_input, &signature)
            }
            _ => return false,
        };
        verified.is_ok()
    }
}

/// A private key coauth signs JWTs with: `private_key_jwt` client assertions (RFC 7523) and
/// Apple's client secret. The key never appears in `Debug` output.
#[derive(Clone)]
pub struct SigningKey {
    alg: Algorithm,
    pair: KeyPairKind,
    public_jwk: Value,
    kid: Option<String>,
}

/// The parsed private key; shared, since `ring` key pairs are not `Clone`.
#[derive(Clone)]
enum KeyPairKind {
    Rsa(Arc<RsaKeyPair>),
    Ec(Arc<EcdsaKeyPair>),
    Ed25519(Arc<Ed25519KeyPair>),
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
        let (pair, public_jwk) = match alg.family() {
            Family::Rsa { .. } => {
                let pair = RsaKeyPair::from_pkcs8(der)
                    .or_else(|_| RsaKeyPair::from_der(der))
                    .map_err(|_| bad("an RSA private key (PKCS#8 or PKCS#1) of 2048+ bits"))?;
                let components = ring_sig::RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
                let jwk = serde_json::json!({
                    "kty": "RSA",
                    "n": URL_SAFE_NO_PAD.encode(&components.n),
                    "e": URL_SAFE_NO_PAD.encode(&components.e),
                });
                (KeyPairKind::Rsa(Arc::new(pair)), jwk)
            }
            Family::Ec(curve) => {
                if label != "PRIVATE KEY" {
                    return Err(bad("a PKCS#8 EC private key (BEGIN PRIVATE KEY)"));
                }
                let pair = EcdsaKeyPair::from_pkcs8(curve.signing(), der, &SystemRandom::new())
                    .map_err(|_| bad(&format!("a PKCS#8 EC {} private key", curve.name())))?;
                // The uncompressed point: 0x04, then x, then y.
                let point = pair.public_key().as_ref();
                let len = curve.coordinate_len();
                let jwk = serde_json::json!({
                    "kty": "EC",
                    "crv": curve.name(),
                    "x": URL_SAFE_NO_PAD.encode(&point[1..=len]),
                    "y": URL_SAFE_NO_PAD.encode(&point[len + 1..]),
                });
                (KeyPairKind::Ec(Arc::new(pair)), jwk)
            }
            Family::Ed25519 => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                    .map_err(|_| bad("a PKCS#8 Ed25519 private key"))?;
                let jwk = serde_json::json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
                });
                (KeyPairKind::Ed25519(Arc::new(pair)), jwk)
            }
        };
        Ok(SigningKey {
            alg,
            pair,
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
    pub fn public_jwk(&self) -> Value {
        let mut jwk = self.public_jwk.clone();
        jwk["alg"] = self.alg.name().into();
        jwk["use"] = "sig".into();
        if let Some(kid) = &self.kid {
            jwk["kid"] = kid.as_str().into();
        }
        jwk
    }

    /// Signs `claims` as a compact JWT. The header is `alg`, and `kid` when the key has one;
    /// nothing else.
    pub fn sign(&self, claims: &Value) -> Result<String, Error> {
        let failed = || Error::Provider(format!("signing a {} JWT failed", self.alg));
        let mut header = serde_json::Map::new();
        header.insert("alg".into(), self.alg.name().into());
        if let Some(kid) = &self.kid {
            header.insert("kid".into(), kid.as_str().into());
        }
        let header = serde_json::to_vec(&header).map_err(|_| failed())?;
        let payload = serde_json::to_vec(claims).map_err(|_| failed())?;
        let mut token = URL_SAFE_NO_PAD.encode(header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let signature = self.signature(token.as_bytes()).map_err(|_| failed())?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }

    /// The raw JWS signature of `message`: the modulus-long RSA signature, the fixed-length
    /// `r || s` of ECDSA, or the 64 bytes of Ed25519.
    fn signature(&self, message: &[u8]) -> Result<Vec<u8>, ring::error::Unspecified> {
        let rng = SystemRandom::new();
        match (&self.pair, self.alg.family()) {
            (KeyPairKind::Rsa(pair), Family::Rsa { padding, .. }) => {
                let mut signature = vec![0; pair.public().modulus_len()];
                pair.sign(padding, &rng, message, &mut signature)?;
                Ok(signature)
            }
            (KeyPairKind::Ec(pair), Family::Ec(_)) => Ok(pair.sign(&rng, message)?.as_ref().into()),
            (KeyPairKind::Ed25519(pair), Family::Ed25519) => Ok(pair.sign(message).as_ref().into()),
            // `from_pem` pairs every algorithm with a key of its own family.
            _ => Err(ring::error::Unspecified),
        }
    }
}

/// A fresh RFC 7523 client assertion signed with `key`: `iss` = `sub` = the client id,
/// `aud` = `audience` (the token endpoint), a random `jti`, issued at `now_unix` (seconds
/// since the Unix epoch) and valid for 60 seconds.
pub(crate) fn client_assertion(
    key: &SigningKey,
    client_id: &str,
    audience: &str,
    now_unix: u64,
) -> Result<String, Error> {
    key.sign(&serde_json::json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": random_token(),
        "iat": now_unix,
        "exp": now_unix.saturating_add(ASSERTION_LIFETIME),
    }))
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

#[cfg(test)]
mod tests;
