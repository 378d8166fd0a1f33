//! The mock's signing keys and JWS code, written on `ring` directly (independently of
//! coauth-core's JOSE code, so a format bug shared by both cannot hide).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{
    self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair, RsaPublicKeyComponents,
    UnparsedPublicKey,
};

use super::SigningAlg;

const RSA_CURRENT: &str = include_str!("keys/rsa_current.pem");
const RSA_ROTATED: &str = include_str!("keys/rsa_rotated.pem");
const RSA_ATTACKER: &str = include_str!("keys/rsa_attacker.pem");

/// base64url without padding.
pub(super) fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    STANDARD.decode(body).expect("mock key PEM is base64")
}

enum Pair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

/// One signing key: its algorithm, `kid` and key pair.
pub(super) struct Key {
    pub(super) alg: SigningAlg,
    pub(super) kid: String,
    pair: Pair,
}

/// Which of the embedded RSA keys to use.
#[derive(Clone, Copy)]
pub(super) enum RsaSlot {
    Current,
    Rotated,
    Attacker,
}

impl Key {
    /// A key for `alg`: embedded RSA keys for RS256/PS256, fresh EC and Ed25519 keys.
    pub(super) fn new(alg: SigningAlg, rsa: RsaSlot, kid: String) -> Key {
        let rng = SystemRandom::new();
        let pair = match alg {
            SigningAlg::RS256 | SigningAlg::PS256 => {
                let pem = match rsa {
                    RsaSlot::Current => RSA_CURRENT,
                    RsaSlot::Rotated => RSA_ROTATED,
                    RsaSlot::Attacker => RSA_ATTACKER,
                };
                Pair::Rsa(RsaKeyPair::from_pkcs8(&pem_der(pem)).expect("mock RSA key"))
            }
            SigningAlg::ES256 => {
                let alg = &sig::ECDSA_P256_SHA256_FIXED_SIGNING;
                let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).expect("EC key generation");
                Pair::Ec(EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).expect("EC key"))
            }
            SigningAlg::EdDSA => {
                let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).expect("Ed25519 generation");
                Pair::Ed(Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("Ed25519 key"))
            }
        };
        Key { alg, kid, pair }
    }

    /// The public key as a JWK.
    pub(super) fn jwk(&self) -> serde_json::Value {
        let mut jwk = match &self.pair {
            Pair::Rsa(pair) => {
                let parts = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
                serde_json::json!({"kty": "RSA", "n": b64(&parts.n), "e": b64(&parts.e)})
            }
            Pair::Ec(pair) => {
                let point = pair.public_key().as_ref();
                serde_json::json!({"kty": "EC", "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..])})
            }
            Pair::Ed(pair) => {
                serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": b64(pair.public_key())})
            }
        };
        jwk["kid"] = self.kid.clone().into();
        jwk["alg"] = self.alg.name().into();
        jwk["use"] = "sig".into();
        jwk
    }

    /// The public key's bytes (DER for RSA, the point for EC, raw for Ed25519): what a
    /// confused verifier might take as an HMAC key.
    pub(super) fn public_bytes(&self) -> Vec<u8> {
        match &self.pair {
            Pair::Rsa(pair) => pair.public().as_ref().to_vec(),
            Pair::Ec(pair) => pair.public_key().as_ref().to_vec(),
            Pair::Ed(pair) => pair.public_key().as_ref().to_vec(),
        }
    }

    fn sign(&self, input: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match &self.pair {
            Pair::Rsa(pair) => {
                let padding: &'static dyn sig::RsaEncoding = match self.alg {
                    SigningAlg::PS256 => &sig::RSA_PSS_SHA256,
                    _ => &sig::RSA_PKCS1_SHA256,
                };
                let mut out = vec![0; pair.public().modulus_len()];
                pair.sign(padding, &rng, input, &mut out)
                    .expect("RSA signing");
                out
            }
            Pair::Ec(pair) => pair
                .sign(&rng, input)
                .expect("ECDSA signing")
                .as_ref()
                .to_vec(),
            Pair::Ed(pair) => pair.sign(input).as_ref().to_vec(),
        }
    }

    /// A compact JWS of `claims` with `header` (its `alg` is set to this key's).
    pub(super) fn mint(&self, mut header: serde_json::Value, claims: &serde_json::Value) -> String {
        header["alg"] = self.alg.name().into();
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let signature = self.sign(input.as_bytes());
        format!("{input}.{}", b64(signature))
    }
}

/// A JWS with `alg: none` and an empty signature.
pub(super) fn mint_unsigned(mut header: serde_json::Value, claims: &serde_json::Value) -> String {
    header["alg"] = "none".into();
    format!("{}.{}.", b64(header.to_string()), b64(claims.to_string()))
}

/// A JWS with `alg: HS256`, keyed with `secret`.
pub(super) fn mint_hs256(
    mut header: serde_json::Value,
    claims: &serde_json::Value,
    secret: &[u8],
) -> String {
    header["alg"] = "HS256".into();
    let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    format!("{input}.{}", b64(ring::hmac::sign(&key, input.as_bytes())))
}

/// Verifies a compact JWS (a client assertion or Apple client secret) with a public JWK;
/// returns its claims. Supports ES256, RS256 and EdDSA.
pub(super) fn verify_jws(
    token: &str,
    jwk: &serde_json::Value,
) -> Result<serde_json::Value, String> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a compact JWS".into());
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| "bad base64url".to_owned())
    };
    let header: serde_json::Value =
        serde_json::from_slice(&decode(header)?).map_err(|_| "bad header")?;
    let field = |name: &str| {
        let value = jwk[name]
            .as_str()
            .ok_or_else(|| format!("JWK has no {name}"))?;
        URL_SAFE_NO_PAD
            .decode(value)
            .map_err(|_| format!("JWK {name} is not base64url"))
    };
    let input = &token[..token.len() - signature.len() - 1];
    let signature = decode(signature)?;
    let verified = match header["alg"].as_str() {
        Some("ES256") if jwk["kty"] == "EC" => {
            let mut point = vec![4u8];
            point.extend(field("x")?);
            point.extend(field("y")?);
            UnparsedPublicKey::new(&sig::ECDSA_P256_SHA256_FIXED, point)
                .verify(input.as_bytes(), &signature)
        }
        Some("RS256") if jwk["kty"] == "RSA" => RsaPublicKeyComponents {
            n: field("n")?,
            e: field("e")?,
        }
        .verify(
            &sig::RSA_PKCS1_2048_8192_SHA256,
            input.as_bytes(),
            &signature,
        ),
        Some("EdDSA") if jwk["kty"] == "OKP" => {
            UnparsedPublicKey::new(&sig::ED25519, field("x")?).verify(input.as_bytes(), &signature)
        }
        other => return Err(format!("unsupported or mismatched alg {other:?}")),
    };
    verified.map_err(|_| "signature does not verify".to_owned())?;
    if let Some(kid) = jwk["kid"].as_str()
        && header["kid"].as_str() != Some(kid)
    {
        return Err("kid does not match the registered key".into());
    }
    serde_json::from_slice(&decode(payload)?).map_err(|_| "bad payload".into())
}
