//! JOSE unit tests against vectors made by an independent implementation (Node.js `crypto`:
//! fixed-size ECDSA signatures, PSS with a 32-byte salt, PKCS#8 keys), and JWTs coauth signs
//! checked with `ring` directly against the public keys Node exported.

use ring::signature as ring_sig;
use serde_json::json;

use super::*;

/// `[{alg, jwk, token, pem}]`, generated once with Node.js `crypto.sign` (test keys only):
/// one key each for RS256, PS256, ES256, ES384 and EdDSA.
const VECTORS: &str = include_str!("../oidc/testdata/jose_vectors.json");

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

/// The vector for `alg`.
fn vector(alg: &str) -> serde_json::Value {
    vectors()
        .into_iter()
        .find(|vector| vector["alg"] == alg)
        .unwrap()
}

fn decode(part: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(part).unwrap()
}

fn decode_json(part: &str) -> serde_json::Value {
    serde_json::from_slice(&decode(part)).unwrap()
}

/// Verifies with `ring` alone against a JWK as Node exported it, without coauth's JWK
/// reading or verification.
fn ring_verifies(alg: Algorithm, jwk: &serde_json::Value, input: &[u8], signature: &[u8]) -> bool {
    let member = |name: &str| decode(jwk[name].as_str().unwrap());
    let rsa = |params: &ring_sig::RsaParameters| {
        ring_sig::RsaPublicKeyComponents {
            n: member("n"),
            e: member("e"),
        }
        .verify(params, input, signature)
    };
    let ec = |params: &'static ring_sig::EcdsaVerificationAlgorithm| {
        let point = [vec![0x04], member("x"), member("y")].concat();
        ring_sig::UnparsedPublicKey::new(params, point).verify(input, signature)
    };
    let result = match alg {
        Algorithm::RS256 => rsa(&ring_sig::RSA_PKCS1_2048_8192_SHA256),
        Algorithm::RS384 => rsa(&ring_sig::RSA_PKCS1_2048_8192_SHA384),
        Algorithm::RS512 => rsa(&ring_sig::RSA_PKCS1_2048_8192_SHA512),
        Algorithm::PS256 => rsa(&ring_sig::RSA_PSS_2048_8192_SHA256),
        Algorithm::PS384 => rsa(&ring_sig::RSA_PSS_2048_8192_SHA384),
        Algorithm::PS512 => rsa(&ring_sig::RSA_PSS_2048_8192_SHA512),
        Algorithm::ES256 => ec(&ring_sig::ECDSA_P256_SHA256_FIXED),
        Algorithm::ES384 => ec(&ring_sig::ECDSA_P384_SHA384_FIXED),
        Algorithm::EdDSA => ring_sig::UnparsedPublicKey::new(&ring_sig::ED25519, member("x"))
            .verify(input, signature),
    };
    result.is_ok()
}

/// Signs with `alg` and the vector key `pem` was made for, then checks the JWT with `ring`
/// alone and with coauth's verification, intact and with one byte changed.
fn check_signed_jwt(alg: Algorithm, vector: &serde_json::Value) {
    let key = SigningKey::from_pem(alg, vector["pem"].as_str().unwrap()).unwrap();
    let claims = json!({"iss": "client", "sub": "client", "n": 1});
    let jwt = key.sign(&claims).unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{alg}: three parts");
    assert!(
        jwt.bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.".contains(&byte)),
        "{alg}: base64url without padding"
    );
    assert_eq!(
        decode_json(parts[1]),
        claims,
        "{alg}: the payload is the claims"
    );
    let input = format!("{}.{}", parts[0], parts[1]);
    let signature = decode(parts[2]);
    let expected_len = match alg {
        Algorithm::ES256 | Algorithm::EdDSA => 64,
        Algorithm::ES384 => 96,
        _ => decode(vector["jwk"]["n"].as_str().unwrap()).len(),
    };
    assert_eq!(signature.len(), expected_len, "{alg}: signature length");
    let jwk = &vector["jwk"];
    assert!(
        ring_verifies(alg, jwk, input.as_bytes(), &signature),
        "{alg}: ring verifies"
    );
    let coauth = PublicJwk::parse(jwk).unwrap();
    assert!(coauth.verify(alg, input.as_bytes(), parts[2]), "{alg}");

    // One changed byte of the signature.
    for index in [0, signature.len() / 2, signature.len() - 1] {
        let mut tampered = signature.clone();
        tampered[index] ^= 0x01;
        assert!(
            !ring_verifies(alg, jwk, input.as_bytes(), &tampered),
            "{alg}: signature byte {index} changed"
        );
        let encoded = URL_SAFE_NO_PAD.encode(&tampered);
        assert!(
            !coauth.verify(alg, input.as_bytes(), &encoded),
            "{alg}: signature byte {index} changed"
        );
    }
    // One changed byte of the payload: `"n":1` becomes `"n":0`.
    let mut payload = decode(parts[1]);
    let one = payload.iter().rposition(|&byte| byte == b'1').unwrap();
    payload[one] = b'0';
    let tampered = format!("{}.{}", parts[0], URL_SAFE_NO_PAD.encode(&payload));
    assert!(
        !ring_verifies(alg, jwk, tampered.as_bytes(), &signature),
        "{alg}: payload changed"
    );
    assert!(
        !coauth.verify(alg, tampered.as_bytes(), parts[2]),
        "{alg}: payload changed"
    );
}

#[test]
fn jwts_coauth_signs_verify_with_ring_for_each_algorithm_family() {
    for alg in [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
    ] {
        check_signed_jwt(alg, &vector(alg.name()));
    }
}

#[test]
fn an_rsa_key_signs_with_every_rsa_algorithm() {
    let rsa = vector("RS256");
    for alg in [
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ] {
        check_signed_jwt(alg, &rsa);
    }
}

#[test]
fn the_header_is_alg_and_kid_exactly() {
    for vector in vectors() {
        let alg = Algorithm::from_name(vector["alg"].as_str().unwrap()).unwrap();
        let key = SigningKey::from_pem(alg, vector["pem"].as_str().unwrap()).unwrap();
        let claims = json!({"sub": "me"});

        let jwt = key.clone().with_kid("key-1").sign(&claims).unwrap();
        let header = decode(jwt.split('.').next().unwrap());
        assert_eq!(
            String::from_utf8(header).unwrap(),
            format!(r#"{{"alg":"{alg}","kid":"key-1"}}"#)
        );

        let jwt = key.sign(&claims).unwrap();
        assert_eq!(
            decode_json(jwt.split('.').next().unwrap()),
            json!({"alg": alg.name()}),
            "{alg}: no kid when the key has none"
        );
    }
}

#[test]
fn client_assertions_carry_the_rfc_7523_claims() {
    let vector = vector("ES256");
    let key = SigningKey::from_pem(Algorithm::ES256, vector["pem"].as_str().unwrap())
        .unwrap()
        .with_kid("k-ES256");
    let now = 1_700_000_000;
    let token_url = "https://op.example/token";
    let first = client_assertion(&key, "client-1", token_url, now).unwrap();
    let second = client_assertion(&key, "client-1", token_url, now).unwrap();
    let claims = decode_json(first.split('.').nth(1).unwrap());
    assert_eq!(claims["iss"], "client-1");
    assert_eq!(claims["sub"], "client-1");
    assert_eq!(claims["aud"], token_url);
    assert_eq!(claims["iat"], now);
    assert_eq!(claims["exp"], now + 60);
    let jti = claims["jti"].as_str().unwrap();
    assert!(jti.len() >= 32, "a random jti");
    assert_ne!(
        decode_json(second.split('.').nth(1).unwrap())["jti"],
        jti,
        "a fresh jti each time"
    );
    let verifier = PublicJwk::parse(&vector["jwk"]).unwrap();
    let (input, signature) = split(&first);
    assert!(verifier.verify(Algorithm::ES256, input.as_bytes(), signature));
    assert_eq!(
        JWT_BEARER_ASSERTION,
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
}

#[test]
fn signatures_in_another_encoding_do_not_verify() {
    // ECDSA in ASN.1 DER, as TLS uses it, instead of JWS's fixed-length r || s.
    let vector = vector("ES256");
    let pem = vector["pem"].as_str().unwrap();
    let (_, der) = pem_to_der(pem).unwrap();
    let rng = SystemRandom::new();
    let asn1 =
        EcdsaKeyPair::from_pkcs8(&ring_sig::ECDSA_P256_SHA256_ASN1_SIGNING, &der, &rng).unwrap();
    let input = b"eyJhbGciOiJFUzI1NiJ9.e30";
    let signature = asn1.sign(&rng, input).unwrap();
    let key = PublicJwk::parse(&vector["jwk"]).unwrap();
    assert!(!key.verify(
        Algorithm::ES256,
        input,
        &URL_SAFE_NO_PAD.encode(signature.as_ref())
    ));

    // Padded base64url, or the standard base64 alphabet.
    let (input, signature) = split(vector["token"].as_str().unwrap());
    assert!(key.verify(Algorithm::ES256, input.as_bytes(), signature));
    assert!(!key.verify(Algorithm::ES256, input.as_bytes(), &format!("{signature}=")));
    let raw = decode(signature);
    let standard = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&raw);
    if standard != signature {
        assert!(!key.verify(Algorithm::ES256, input.as_bytes(), &standard));
    }
    assert!(!key.verify(Algorithm::ES256, input.as_bytes(), ""));
}

#[test]
fn an_rsa_modulus_with_a_leading_zero_byte_is_the_same_key() {
    let vector = vector("RS256");
    let mut jwk = vector["jwk"].clone();
    let n = [vec![0], decode(jwk["n"].as_str().unwrap())].concat();
    jwk["n"] = URL_SAFE_NO_PAD.encode(n).into();
    let key = PublicJwk::parse(&jwk).unwrap();
    let (input, signature) = split(vector["token"].as_str().unwrap());
    assert!(key.verify(Algorithm::RS256, input.as_bytes(), signature));
    // A modulus of zeros only is no key.
    jwk["n"] = "AAAA".into();
    assert!(PublicJwk::parse(&jwk).is_none());
}

#[test]
fn keys_are_plain_values_apps_can_share() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<SigningKey>();
    shareable::<PublicJwk>();
}
