//! JOSE unit tests against vectors made by an independent implementation (Node.js `crypto`:
//! fixed-size ECDSA signatures, PSS with a 32-byte salt, PKCS#8 keys).

use super::*;

/// `[{alg, jwk, token, pem}]`, generated once with Node.js `crypto.sign` (test keys only).
const VECTORS: &str = include_str!("testdata/jose_vectors.json");

fn vectors() -> Vec<serde_json::Value> {
    serde_json::from_str(VECTORS).unwrap()
}

fn split(token: &str) -> (&str, &str) {
    let dot = token.rfind('.').unwrap();
    (&token[..dot], &token[dot + 1..])
}

#[test]
fn independent_signatures_verify_for_every_algorithm() {
    for vector in vectors() {
        let alg = Algorithm::from_name(vector["alg"].as_str().unwrap()).unwrap();
        let key = PublicJwk::parse(&vector["jwk"]).unwrap();
        let (input, signature) = split(vector["token"].as_str().unwrap());
        assert!(key.verify(alg, input.as_bytes(), signature), "{alg}");
        // One changed byte of the signed input breaks the signature.
        let mut tampered = input.as_bytes().to_vec();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(!key.verify(alg, &tampered, signature), "{alg} tampered");
    }
}

#[test]
fn a_key_only_verifies_its_own_algorithm_family() {
    let vectors = vectors();
    for vector in &vectors {
        let own = Algorithm::from_name(vector["alg"].as_str().unwrap()).unwrap();
        let key = PublicJwk::parse(&vector["jwk"]).unwrap();
        let (input, signature) = split(vector["token"].as_str().unwrap());
        for other in [
            Algorithm::RS256,
            Algorithm::PS256,
            Algorithm::ES256,
            Algorithm::ES384,
            Algorithm::EdDSA,
        ] {
            if other != own {
                assert!(
                    !key.verify(other, input.as_bytes(), signature),
                    "{own} key as {other}"
                );
            }
        }
    }
    // A key that names its algorithm is used for that one only.
    let mut rsa = vectors[0]["jwk"].clone();
    rsa["alg"] = "PS256".into();
    let key = PublicJwk::parse(&rsa).unwrap();
    assert!(!key.accepts(Algorithm::RS256));
    assert!(key.accepts(Algorithm::PS256));
}

#[test]
fn jwks_entries_coauth_never_verifies_with_are_skipped() {
    let rsa = vectors()[0]["jwk"].clone();
    let mut enc = rsa.clone();
    enc["use"] = "enc".into();
    assert!(PublicJwk::parse(&enc).is_none());
    let mut wrap = rsa.clone();
    wrap["key_ops"] = serde_json::json!(["wrapKey"]);
    assert!(PublicJwk::parse(&wrap).is_none());
    let oct = serde_json::json!({"kty": "oct", "k": "c2VjcmV0"});
    assert!(PublicJwk::parse(&oct).is_none());
    let mut short = vectors()[2]["jwk"].clone();
    short["x"] = "AAAA".into();
    assert!(
        PublicJwk::parse(&short).is_none(),
        "an EC coordinate of the wrong length"
    );
    let k1 = serde_json::json!({"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"});
    assert!(PublicJwk::parse(&k1).is_none());
}

#[test]
fn none_and_hmac_are_not_algorithms() {
    for name in ["none", "None", "HS256", "HS384", "HS512", "rs256", ""] {
        assert_eq!(Algorithm::from_name(name), None, "{name}");
    }
    assert_eq!(Algorithm::from_name("EdDSA"), Some(Algorithm::EdDSA));
}

#[test]
fn pkcs8_keys_from_another_implementation_sign_verifiable_jwts() {
    for vector in vectors() {
        let alg = Algorithm::from_name(vector["alg"].as_str().unwrap()).unwrap();
        let key = SigningKey::from_pem(alg, vector["pem"].as_str().unwrap())
            .unwrap()
            .with_kid("client-key");
        // The public JWK derived from the private key is the one Node exported.
        let public = key.public_jwk();
        for member in ["kty", "crv", "n", "e", "x", "y"] {
            assert_eq!(
                public.get(member),
                vector["jwk"].get(member),
                "{alg} {member}"
            );
        }
        let jwt = key.sign(&serde_json::json!({"sub": "me"})).unwrap();
        let header: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(jwt.split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(header["alg"], alg.name());
        assert_eq!(header["kid"], "client-key");
        let verifier = PublicJwk::parse(&public).unwrap();
        let (input, signature) = split(&jwt);
        assert!(verifier.verify(alg, input.as_bytes(), signature), "{alg}");
    }
}

#[test]
fn keys_of_the_wrong_type_or_format_are_config_errors() {
    let vectors = vectors();
    let rsa_pem = vectors[0]["pem"].as_str().unwrap();
    let ec_pem = vectors[2]["pem"].as_str().unwrap();
    for (alg, pem) in [
        (Algorithm::ES256, rsa_pem),
        (Algorithm::RS256, ec_pem),
        (Algorithm::EdDSA, ec_pem),
        (Algorithm::ES384, ec_pem),
        (Algorithm::RS256, "not a key"),
        (
            Algorithm::RS256,
            "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----",
        ),
    ] {
        let error = SigningKey::from_pem(alg, pem).unwrap_err();
        assert!(!error.to_string().contains("BEGIN"), "{error}");
    }
}

#[test]
fn debug_output_hides_the_key() {
    let vector = &vectors()[2];
    let key = SigningKey::from_pem(Algorithm::ES256, vector["pem"].as_str().unwrap()).unwrap();
    let shown = format!("{key:?}");
    assert!(shown.contains("ES256"));
    assert!(!shown.contains(vector["jwk"]["x"].as_str().unwrap()));
}
