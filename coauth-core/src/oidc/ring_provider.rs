//! coauth's `jsonwebtoken` crypto provider: every `jsonwebtoken` algorithm (HMAC included,
//! since the provider slot is process-wide and other code may use it) on `ring`.

use jsonwebtoken::EncodingKey;
use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier};
use jsonwebtoken::errors::{Error as JwtError, ErrorKind};
use jsonwebtoken::jwk::{EllipticCurve, ThumbprintHash};
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm as JwtAlgorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind};
use ring::rand::SystemRandom;
use ring::signature::{self as ring_sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

use super::jose::rsa_key_pair;

/// coauth's `jsonwebtoken` crypto provider: every `jsonwebtoken` algorithm on `ring`.
pub(crate) static RING_PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: new_signer,
    verifier_factory: new_verifier,
    jwk_utils: JwkUtils {
        extract_rsa_public_key_components,
        extract_ec_public_key_coordinates,
        compute_digest,
    },
};

fn invalid_key() -> JwtError {
    ErrorKind::InvalidKeyFormat.into()
}

fn new_signer(alg: &JwtAlgorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>, JwtError> {
    if key.family() != alg.family() {
        return Err(ErrorKind::InvalidAlgorithm.into());
    }
    Ok(Box::new(RingSigner {
        alg: *alg,
        key: key.clone(),
    }))
}

fn new_verifier(alg: &JwtAlgorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, JwtError> {
    if key.family() != alg.family() {
        return Err(ErrorKind::InvalidAlgorithm.into());
    }
    Ok(Box::new(RingVerifier {
        alg: *alg,
        key: key.clone(),
    }))
}

struct RingSigner {
    alg: JwtAlgorithm,
    key: EncodingKey,
}

impl Signer<Vec<u8>> for RingSigner {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        let rng = SystemRandom::new();
        let der = self.key.inner();
        let failed = |_| signature::Error::new();
        match self.alg {
            JwtAlgorithm::HS256 | JwtAlgorithm::HS384 | JwtAlgorithm::HS512 => {
                let key = ring::hmac::Key::new(hmac_algorithm(self.alg), der);
                Ok(ring::hmac::sign(&key, message).as_ref().to_vec())
            }
            JwtAlgorithm::RS256
            | JwtAlgorithm::RS384
            | JwtAlgorithm::RS512
            | JwtAlgorithm::PS256
            | JwtAlgorithm::PS384
            | JwtAlgorithm::PS512 => {
                let pair = rsa_key_pair(der).ok_or_else(signature::Error::new)?;
                let padding: &'static dyn ring_sig::RsaEncoding = match self.alg {
                    JwtAlgorithm::RS256 => &ring_sig::RSA_PKCS1_SHA256,
                    JwtAlgorithm::RS384 => &ring_sig::RSA_PKCS1_SHA384,
                    JwtAlgorithm::RS512 => &ring_sig::RSA_PKCS1_SHA512,
                    JwtAlgorithm::PS256 => &ring_sig::RSA_PSS_SHA256,
                    JwtAlgorithm::PS384 => &ring_sig::RSA_PSS_SHA384,
                    _ => &ring_sig::RSA_PSS_SHA512,
                };
                let mut out = vec![0; pair.public().modulus_len()];
                pair.sign(padding, &rng, message, &mut out)
                    .map_err(failed)?;
                Ok(out)
            }
            JwtAlgorithm::ES256 | JwtAlgorithm::ES384 => {
                let signing = if self.alg == JwtAlgorithm::ES256 {
                    &ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING
                } else {
                    &ring_sig::ECDSA_P384_SHA384_FIXED_SIGNING
                };
                let pair = EcdsaKeyPair::from_pkcs8(signing, der, &rng)
                    .map_err(|_| signature::Error::new())?;
                Ok(pair.sign(&rng, message).map_err(failed)?.as_ref().to_vec())
            }
            JwtAlgorithm::EdDSA => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                    .map_err(|_| signature::Error::new())?;
                Ok(pair.sign(message).as_ref().to_vec())
            }
        }
    }
}

impl JwtSigner for RingSigner {
    fn algorithm(&self) -> JwtAlgorithm {
        self.alg
    }
}

struct RingVerifier {
    alg: JwtAlgorithm,
    key: DecodingKey,
}

fn hmac_algorithm(alg: JwtAlgorithm) -> ring::hmac::Algorithm {
    match alg {
        JwtAlgorithm::HS384 => ring::hmac::HMAC_SHA384,
        JwtAlgorithm::HS512 => ring::hmac::HMAC_SHA512,
        _ => ring::hmac::HMAC_SHA256,
    }
}

impl Verifier<Vec<u8>> for RingVerifier {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        let failed = |_| signature::Error::new();
        let rsa = |alg: JwtAlgorithm| -> &'static ring_sig::RsaParameters {
            match alg {
                JwtAlgorithm::RS256 => &ring_sig::RSA_PKCS1_2048_8192_SHA256,
                JwtAlgorithm::RS384 => &ring_sig::RSA_PKCS1_2048_8192_SHA384,
                JwtAlgorithm::RS512 => &ring_sig::RSA_PKCS1_2048_8192_SHA512,
                JwtAlgorithm::PS256 => &ring_sig::RSA_PSS_2048_8192_SHA256,
                JwtAlgorithm::PS384 => &ring_sig::RSA_PSS_2048_8192_SHA384,
                _ => &ring_sig::RSA_PSS_2048_8192_SHA512,
            }
        };
        match (self.alg.family(), self.key.kind()) {
            (AlgorithmFamily::Hmac, DecodingKeyKind::SecretOrDer(secret)) => {
                let key = ring::hmac::Key::new(hmac_algorithm(self.alg), secret);
                ring::hmac::verify(&key, message, signature).map_err(failed)
            }
            (AlgorithmFamily::Rsa, DecodingKeyKind::RsaModulusExponent { n, e }) => {
                ring_sig::RsaPublicKeyComponents { n, e }
                    .verify(rsa(self.alg), message, signature)
                    .map_err(failed)
            }
            (AlgorithmFamily::Rsa, DecodingKeyKind::SecretOrDer(pkcs1)) => {
                UnparsedPublicKey::new(rsa(self.alg), pkcs1)
                    .verify(message, signature)
                    .map_err(failed)
            }
            (AlgorithmFamily::Ec, DecodingKeyKind::SecretOrDer(point)) => {
                let alg: &'static dyn ring_sig::VerificationAlgorithm =
                    if self.alg == JwtAlgorithm::ES256 {
                        &ring_sig::ECDSA_P256_SHA256_FIXED
                    } else {
                        &ring_sig::ECDSA_P384_SHA384_FIXED
                    };
                UnparsedPublicKey::new(alg, point)
                    .verify(message, signature)
                    .map_err(failed)
            }
            (AlgorithmFamily::Ed, DecodingKeyKind::SecretOrDer(x)) => {
                UnparsedPublicKey::new(&ring_sig::ED25519, x)
                    .verify(message, signature)
                    .map_err(failed)
            }
            _ => Err(signature::Error::new()),
        }
    }
}

impl JwtVerifier for RingVerifier {
    fn algorithm(&self) -> JwtAlgorithm {
        self.alg
    }
}

fn extract_rsa_public_key_components(der: &[u8]) -> Result<(Vec<u8>, Vec<u8>), JwtError> {
    let pair = rsa_key_pair(der).ok_or_else(invalid_key)?;
    let components = ring_sig::RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
    Ok((components.n, components.e))
}

fn extract_ec_public_key_coordinates(
    der: &[u8],
    alg: JwtAlgorithm,
) -> Result<(EllipticCurve, Vec<u8>, Vec<u8>), JwtError> {
    let (signing, curve, len) = match alg {
        JwtAlgorithm::ES256 => (
            &ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING,
            EllipticCurve::P256,
            32,
        ),
        JwtAlgorithm::ES384 => (
            &ring_sig::ECDSA_P384_SHA384_FIXED_SIGNING,
            EllipticCurve::P384,
            48,
        ),
        _ => return Err(ErrorKind::InvalidEcdsaKey.into()),
    };
    let pair = EcdsaKeyPair::from_pkcs8(signing, der, &SystemRandom::new())
        .map_err(|_| JwtError::from(ErrorKind::InvalidEcdsaKey))?;
    let point = pair.public_key().as_ref();
    Ok((curve, point[1..=len].to_vec(), point[len + 1..].to_vec()))
}

fn compute_digest(data: &[u8], hash: ThumbprintHash) -> Vec<u8> {
    let alg = match hash {
        ThumbprintHash::SHA256 => &ring::digest::SHA256,
        ThumbprintHash::SHA384 => &ring::digest::SHA384,
        ThumbprintHash::SHA512 => &ring::digest::SHA512,
    };
    ring::digest::digest(alg, data).as_ref().to_vec()
}
